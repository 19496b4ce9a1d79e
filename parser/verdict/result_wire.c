/*
 * result_wire.c - a scan's result as bytes, and back: how a scanner worker
 * process hands its result to the milter process (milter/worker/,
 * milter/daemon/pool.c).  The milter reads the rebuilt result with the same
 * sm_result_* accessors as one computed in-process, and applies the body
 * splices over its own copy of the message.
 *
 * Untrusted input: the bytes come from a worker that parsed hostile mail
 * and may have been subverted, so the decoder trusts nothing: every length
 * is checked against what is left before it is used (cannot overflow),
 * counts are bounded by the bytes that remain, splices must be sorted,
 * disjoint and inside the message, and a spilled splice needs a spill file.
 * A bad buffer is refused with a reason, never half-used.
 * Ownership: sm_result_wire returns a buffer the caller frees (g_free);
 * sm_result_unwire returns a result that borrows the message's descriptor
 * (mapped at the first read: sm_result_load; most results are applied
 * without reading it) and owns a duplicate of the spill descriptor.
 */
#include "result.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define WIRE_MAGIC "SMR3"
#define WIRE_NULL 0xffffffffu

/* ------------------------------------------------------------------ encoding */

static void put_u32(GByteArray *b, uint32_t v)
{
	g_byte_array_append(b, (const guint8 *)&v, sizeof(v));
}

static void put_u64(GByteArray *b, uint64_t v)
{
	g_byte_array_append(b, (const guint8 *)&v, sizeof(v));
}

static void put_str(GByteArray *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	put_u32(b, s ? (uint32_t)n : WIRE_NULL);
	if (n)
		g_byte_array_append(b, (const guint8 *)s, (guint)n);
}

/* A NULL-terminated vector (NULL itself is kept apart from empty). */
static void put_strv(GByteArray *b, char *const *v)
{
	uint32_t n = 0;

	if (!v) {
		put_u32(b, WIRE_NULL);
		return;
	}
	while (v[n])
		n++;
	put_u32(b, n);
	for (n = 0; v[n]; n++)
		put_str(b, v[n]);
}

static void put_findings(GByteArray *b, const GArray *a)
{
	guint i;

	put_u32(b, a->len);
	for (i = 0; i < a->len; i++) {
		const sm_finding *f = &g_array_index(a, sm_finding, i);

		put_u32(b, (uint32_t)f->kind | (f->quoted ? 0x100u : 0) | (f->relaxed ? 0x200u : 0));
		put_str(b, f->detector);
		put_str(b, f->label);
		put_str(b, f->location);
		put_str(b, f->filename);
		put_str(b, f->member);
		put_u32(b, f->count);
		put_u32(b, (uint32_t)f->action);
		put_str(b, f->preview);
		put_str(b, f->fingerprint);
		put_str(b, f->reply);
	}
}

static void put_splices(GByteArray *b, const GArray *a)
{
	guint i;

	put_u32(b, a->len);
	for (i = 0; i < a->len; i++) {
		const sm_splice *s = &g_array_index(a, sm_splice, i);
		gsize n = 0;
		const void *d = s->with ? g_bytes_get_data(s->with, &n) : NULL;

		put_u64(b, s->start);
		put_u64(b, s->end);
		put_u32(b, s->with ? 0 : 1);
		if (s->with) {
			put_u64(b, n);
			if (n)
				g_byte_array_append(b, d, (guint)n);
		} else {
			put_u64(b, (uint64_t)s->foff);
			put_u64(b, s->flen);
		}
	}
}

static void put_misc(GByteArray *b, const sm_result *r)
{
	guint i;

	put_u32(b, r->hdrops->len);
	for (i = 0; i < r->hdrops->len; i++) {
		const sm_hdrop *h = &g_array_index(r->hdrops, sm_hdrop, i);

		put_u32(b, (uint32_t)(unsigned char)h->op);
		put_str(b, h->name);
		put_str(b, h->value);
		put_u32(b, (uint32_t)h->index);
	}
	put_strv(b, (char *const *)r->rcpts->pdata);
	put_u32(b, r->notes->len);
	for (i = 0; i < r->notes->len; i++)
		put_str(b, g_ptr_array_index(r->notes, i));
	put_u32(b, r->outcomes->len);
	for (i = 0; i < r->outcomes->len; i++) {
		const sm_rule_outcome *o = &g_array_index(r->outcomes, sm_rule_outcome, i);

		put_str(b, o->rule);
		put_str(b, o->result);
		put_u32(b, (uint32_t)o->action);
		put_str(b, o->reply);
	}
}

void *sm_result_wire(const sm_result *r, size_t *len)
{
	GByteArray *b = g_byte_array_sized_new(1024);
	uint8_t flags[9] = {r->verdict, r->would, r->failed, r->support, r->dry_run,
			    r->crlf, r->resolved, r->feedback, r->auto_reply};

	g_byte_array_append(b, (const guint8 *)WIRE_MAGIC, 4);
	g_byte_array_append(b, flags, sizeof(flags));
	put_u64(b, r->len);
	put_u64(b, r->hdr_start);
	put_u64(b, r->hdr_end);
	put_u64(b, r->body_off);
	put_str(b, r->code);
	put_str(b, r->xcode);
	put_str(b, r->text);
	put_str(b, r->sr);
	put_strv(b, r->related_sr);
	put_str(b, r->message_id);
	put_str(b, r->sender);
	put_strv(b, r->support_rcpts);
	put_strv(b, r->all_rcpts);
	put_str(b, r->subject);
	put_str(b, r->exception);
	put_findings(b, r->findings);
	put_splices(b, r->splices);
	put_misc(b, r);
	*len = b->len;
	return g_byte_array_free(b, FALSE);
}

/* ------------------------------------------------------------------ decoding */

typedef struct rd {
	const uint8_t *p;
	size_t left;
	const char *bad; /* the first thing found wrong, or NULL */
} rd;

static bool take(rd *d, void *out, size_t n, const char *what)
{
	if (d->bad)
		return false;
	if (n > d->left) {
		d->bad = what;
		return false;
	}
	if (out)
		memcpy(out, d->p, n);
	d->p += n;
	d->left -= n;
	return true;
}

static uint32_t get_u32(rd *d, const char *what)
{
	uint32_t v = 0;

	take(d, &v, sizeof(v), what);
	return v;
}

static uint64_t get_u64(rd *d, const char *what)
{
	uint64_t v = 0;

	take(d, &v, sizeof(v), what);
	return v;
}

/* A count of items each at least `min` bytes long: bounded by what is left. */
static uint32_t get_count(rd *d, size_t min, const char *what)
{
	uint32_t n = get_u32(d, what);

	if (!d->bad && (n == WIRE_NULL || n > d->left / min)) {
		d->bad = what;
		return 0;
	}
	return n;
}

/* A string (no NUL inside), or NULL. */
static char *get_str(rd *d, const char *what)
{
	uint32_t n = get_u32(d, what);
	char *s;

	if (d->bad || n == WIRE_NULL)
		return NULL;
	if (n > d->left || memchr(d->p, '\0', n)) {
		d->bad = what;
		return NULL;
	}
	s = g_strndup((const char *)d->p, n);
	take(d, NULL, n, what);
	return s;
}

/* A string into a fixed buffer (too long: refused). */
static void get_fixed(rd *d, char *buf, size_t size, const char *what)
{
	char *s = get_str(d, what);

	if (s && strlen(s) >= size)
		d->bad = what;
	else
		g_strlcpy(buf, s ? s : "", size);
	g_free(s);
}

static char **get_strv(rd *d, const char *what)
{
	uint32_t n = get_u32(d, what), i;
	char **v;

	if (d->bad || n == WIRE_NULL)
		return NULL;
	if (n > d->left / 4) {
		d->bad = what;
		return NULL;
	}
	v = g_new0(char *, n + 1);
	for (i = 0; i < n && !d->bad; i++)
		if (!(v[i] = get_str(d, what)))
			d->bad = what;
	return v;
}

static void get_findings(rd *d, sm_result *r)
{
	uint32_t n = get_count(d, 44, "findings"), i;

	for (i = 0; i < n && !d->bad; i++) {
		sm_finding f = {0};
		uint32_t kind = get_u32(d, "finding");

		f.kind = (sm_finding_kind)(kind & 0xff);
		f.quoted = (kind & 0x100u) != 0;
		f.relaxed = (kind & 0x200u) != 0;
		if (!d->bad && ((kind & ~0x3ffu) || f.kind > SM_FK_PART))
			d->bad = "finding kind";
		f.detector = get_str(d, "finding");
		f.label = get_str(d, "finding");
		get_fixed(d, f.location, sizeof(f.location), "finding location");
		f.filename = get_str(d, "finding");
		f.member = get_str(d, "finding");
		f.count = get_u32(d, "finding");
		f.action = (sm_act)get_u32(d, "finding");
		f.preview = get_str(d, "finding");
		get_fixed(d, f.fingerprint, sizeof(f.fingerprint), "finding fingerprint");
		f.reply = get_str(d, "finding");
		if (!d->bad && (!f.detector || f.action > SM_ACT_TEMPFAIL))
			d->bad = "finding";
		g_array_append_val(r->findings, f); /* freed with r even when bad */
	}
}

/* Splices: sorted, disjoint, inside the message; spilled ones need spill. */
static void get_splices(rd *d, sm_result *r, bool have_spill)
{
	uint32_t n = get_count(d, 28, "splices"), i;
	uint64_t at = 0;

	for (i = 0; i < n && !d->bad; i++) {
		sm_splice s = {0};
		uint64_t a = get_u64(d, "splice"), z = get_u64(d, "splice");
		uint32_t kind = get_u32(d, "splice"), m;

		if (d->bad || a < at || z < a || z > r->len || kind > 1 || (kind == 1 && !have_spill)) {
			d->bad = "splice";
			return;
		}
		s.start = (size_t)a;
		s.end = (size_t)z;
		at = z;
		if (kind == 1) {
			s.foff = (gint64)get_u64(d, "splice");
			s.flen = (size_t)get_u64(d, "splice");
			if (s.foff < 0)
				d->bad = "splice";
		} else {
			uint64_t len = get_u64(d, "splice");

			m = len > d->left ? 0 : (uint32_t)len;
			if (len > d->left || len > G_MAXUINT32) {
				d->bad = "splice";
				return;
			}
			s.with = g_bytes_new(d->p, m);
			take(d, NULL, m, "splice");
		}
		g_array_append_val(r->splices, s);
	}
}

static void get_misc(rd *d, sm_result *r)
{
	uint32_t n = get_count(d, 16, "headers"), i;
	char **v;

	for (i = 0; i < n && !d->bad; i++) {
		uint32_t op = get_u32(d, "header");
		char *name = get_str(d, "header"), *value = get_str(d, "header");
		uint32_t idx = get_u32(d, "header");

		if (!d->bad && (!name || !value || (op != 'A' && op != 'C') || idx > G_MAXINT))
			d->bad = "header";
		if (!d->bad)
			sm_result_add_header(r, (char)op, name, value, (int)idx);
		g_free(name);
		g_free(value);
	}
	v = get_strv(d, "recipients");
	g_ptr_array_set_size(r->rcpts, 0);
	for (i = 0; v && v[i]; i++)
		g_ptr_array_add(r->rcpts, v[i]);
	g_ptr_array_add(r->rcpts, NULL);
	g_free(v); /* the strings now belong to r->rcpts */
	n = get_count(d, 4, "notes");
	for (i = 0; i < n && !d->bad; i++) {
		char *s = get_str(d, "note");

		if (s)
			g_ptr_array_add(r->notes, s);
	}
	n = get_count(d, 16, "outcomes");
	for (i = 0; i < n && !d->bad; i++) {
		sm_rule_outcome o = {0};

		o.rule = get_str(d, "outcome");
		o.result = get_str(d, "outcome");
		o.action = (sm_act)get_u32(d, "outcome");
		o.reply = get_str(d, "outcome");
		g_array_append_val(r->outcomes, o);
		if (!d->bad && (!o.rule || !o.result || o.action > SM_ACT_TEMPFAIL))
			d->bad = "outcome";
	}
}

static void get_head(rd *d, sm_result *r, size_t msg_len)
{
	uint8_t f[9] = {0};

	if (d->left < 4 || memcmp(d->p, WIRE_MAGIC, 4) != 0) {
		d->bad = "magic";
		return;
	}
	take(d, NULL, 4, "magic");
	take(d, f, sizeof(f), "flags");
	r->verdict = (sm_verdict)f[0];
	r->would = (sm_verdict)f[1];
	r->failed = f[2];
	r->support = f[3];
	r->dry_run = f[4];
	r->crlf = f[5];
	r->resolved = f[6];
	r->feedback = f[7];
	r->auto_reply = f[8];
	if (!d->bad && (f[0] > SM_V_TEMPFAIL || f[1] > SM_V_TEMPFAIL))
		d->bad = "verdict";
	r->len = (size_t)get_u64(d, "length");
	r->hdr_start = (size_t)get_u64(d, "length");
	r->hdr_end = (size_t)get_u64(d, "length");
	r->body_off = (size_t)get_u64(d, "length");
	if (!d->bad && (r->len != msg_len || r->hdr_start > r->hdr_end ||
			r->hdr_end > r->body_off || r->body_off > r->len))
		d->bad = "message length";
}

int sm_result_load(const sm_result *cr, char *err, size_t errlen)
{
	sm_result *r = (sm_result *)cr; /* the mapping caches what msg_fd holds */
	struct stat st;
	void *map;
	int fd = r->msg_fd;

	if (r->raw)
		return 0;
	if (fd < 0) {
		snprintf(err, errlen, "the message could not be read before");
		return -1;
	}
	r->msg_fd = -1; /* one attempt */
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size != (uint64_t)r->len) {
		snprintf(err, errlen, "the message's spool does not hold its %zu bytes", r->len);
		return -1;
	}
	map = mmap(NULL, r->len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		snprintf(err, errlen, "cannot map the message: %s", strerror(errno));
		return -1;
	}
	r->mapped = map;
	r->raw = map;
	return 0;
}

const uint8_t *sm_result_bytes(const sm_result *r)
{
	return r->raw || sm_result_load(r, NULL, 0) == 0 ? r->raw : NULL;
}

sm_result *sm_result_unwire(sm_policy *p, const void *buf, size_t len, int msg_fd,
			    const void *msg_mem, size_t msg_len, int spill_fd, char *err,
			    size_t errlen)
{
	sm_result *r = sm_result_new(p, (const uint8_t *)"", 0);
	rd d = {buf, len, NULL};

	sm_result_clear_headers(r);
	get_head(&d, r, msg_len);
	g_free(r->code);
	r->code = get_str(&d, "reply");
	r->xcode = get_str(&d, "reply");
	r->text = get_str(&d, "reply");
	get_fixed(&d, r->sr, sizeof(r->sr), "sr");
	r->related_sr = get_strv(&d, "related_sr");
	r->message_id = get_str(&d, "message_id");
	r->sender = get_str(&d, "sender");
	r->support_rcpts = get_strv(&d, "recipients");
	r->all_rcpts = get_strv(&d, "recipients");
	r->subject = get_str(&d, "subject");
	r->exception = get_str(&d, "exception");
	get_findings(&d, r);
	get_splices(&d, r, spill_fd >= 0);
	get_misc(&d, r);
	if (!d.bad && d.left)
		d.bad = "trailing bytes";
	if (d.bad) {
		snprintf(err, errlen, "bad result from the scanner (%s)", d.bad);
		r->len = 0;
		sm_result_free(r);
		return NULL;
	}
	if (r->len && msg_mem) { /* the caller's bytes, borrowed */
		r->raw = msg_mem;
	} else if (r->len) { /* mapped when a writer or the notice first reads it */
		r->raw = NULL;
		r->msg_fd = msg_fd;
	}
	if (spill_fd >= 0)
		r->spill = fcntl(spill_fd, F_DUPFD_CLOEXEC, 0);
	return r;
}
