/*
 * result.c - a scan's result: accessors for the milter, the message as
 * delivered (original bytes with splices and header edits), the --test JSON
 * object, the audit record and the syslog summary.
 *
 * Never writes a matched value: findings carry masked previews and keyed
 * fingerprints only.  Untrusted strings (Message-ID, sender, file names)
 * go through the JSON writer, which escapes them.
 */
#include "msg.h"
#include "result.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

const char *const sm_finding_kind_names[] = {"value", "name", "propagated", "part", NULL};

sm_result *sm_result_new(sm_policy *p, const uint8_t *raw, size_t len)
{
	sm_result *r = g_new0(sm_result, 1);

	r->policy = sm_policy_ref(p);
	r->raw = raw;
	r->len = len;
	r->spill = -1;
	r->msg_fd = -1;
	{
		sm_frame f;

		sm_msg_find_body(raw, len, &f);
		r->hdr_start = f.hdr_start;
		r->hdr_end = f.hdr_end;
		r->body_off = f.body_off;
		r->crlf = f.crlf;
	}
	r->dry_run = sm_policy_dry_run(p);
	r->findings = g_array_new(FALSE, TRUE, sizeof(sm_finding));
	r->splices = g_array_new(FALSE, TRUE, sizeof(sm_splice));
	r->hdrops = g_array_new(FALSE, TRUE, sizeof(sm_hdrop));
	r->rcpts = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(r->rcpts, NULL);
	r->notes = g_ptr_array_new_with_free_func(g_free);
	r->masked_names = g_ptr_array_new_with_free_func(g_free);
	r->outcomes = g_array_new(FALSE, TRUE, sizeof(sm_rule_outcome));
	r->fidx = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return r;
}

void sm_result_clear_headers(sm_result *r)
{
	guint i;

	for (i = 0; i < r->hdrops->len; i++) {
		sm_hdrop *h = &g_array_index(r->hdrops, sm_hdrop, i);

		g_free(h->name);
		g_free(h->value);
	}
	g_array_set_size(r->hdrops, 0);
}

void sm_result_clear_splices(sm_result *r)
{
	guint i;

	for (i = 0; i < r->splices->len; i++)
		if (g_array_index(r->splices, sm_splice, i).with)
			g_bytes_unref(g_array_index(r->splices, sm_splice, i).with);
	g_array_set_size(r->splices, 0);
}

void sm_result_free(sm_result *r)
{
	guint i;

	if (!r)
		return;
	for (i = 0; i < r->findings->len; i++) {
		sm_finding *f = &g_array_index(r->findings, sm_finding, i);

		g_free(f->detector);
		g_free(f->label);
		g_free(f->filename);
		g_free(f->member);
		g_free(f->preview);
		g_free(f->reply);
	}
	sm_result_clear_splices(r);
	sm_result_clear_headers(r);
	for (i = 0; i < r->outcomes->len; i++)
		sm_rule_outcome_clear(&g_array_index(r->outcomes, sm_rule_outcome, i));
	g_array_free(r->findings, TRUE);
	g_array_free(r->splices, TRUE);
	g_array_free(r->hdrops, TRUE);
	g_array_free(r->outcomes, TRUE);
	g_ptr_array_free(r->rcpts, TRUE);
	g_ptr_array_free(r->notes, TRUE);
	g_ptr_array_free(r->masked_names, TRUE);
	g_strfreev(r->related_sr);
	g_strfreev(r->support_rcpts);
	g_strfreev(r->all_rcpts);
	g_free(r->subject);
	g_free(r->exception);
	g_hash_table_destroy(r->fidx);
	g_free(r->code);
	g_free(r->xcode);
	g_free(r->text);
	g_free(r->message_id);
	g_free(r->sender);
	if (r->mapped)
		munmap(r->mapped, r->len);
	g_free(r->owned);
	if (r->spill >= 0)
		close(r->spill);
	sm_policy_unref(r->policy);
	g_free(r);
}

void sm_result_mask_name(sm_result *r, const char *masked)
{
	g_ptr_array_add(r->masked_names, g_strdup(masked));
}

void sm_result_set_reply(sm_result *r, const char *code, const char *xcode, const char *text)
{
	g_free(r->code);
	g_free(r->xcode);
	g_free(r->text);
	r->code = g_strdup(code);
	r->xcode = g_strdup(xcode);
	r->text = g_strdup(text);
}

sm_finding *sm_result_add_finding(sm_result *r, const char *detector, const char *label,
				  const char *loc, const char *filename, const char *member)
{
	sm_finding f = {0};

	f.detector = g_strdup(detector);
	f.label = g_strdup(label ? label : detector);
	g_strlcpy(f.location, loc, sizeof(f.location));
	f.filename = g_strdup(filename);
	f.member = g_strdup(member);
	for (guint i = 0; filename && i < r->masked_names->len; i++)
		if (strcmp(filename, g_ptr_array_index(r->masked_names, i)) == 0)
			f.name_masked = true;
	g_array_append_val(r->findings, f);
	return &g_array_index(r->findings, sm_finding, r->findings->len - 1);
}

sm_finding *sm_result_value_finding(sm_result *r, const char *detector, const char *label,
				    const char *loc, const char *filename, const char *member,
				    const char fp[17], bool *created)
{
	char *key = g_strdup_printf("%s\x1f%s\x1f%s\x1f%s", detector, loc, member ? member : "",
				    fp);
	guint i = GPOINTER_TO_UINT(g_hash_table_lookup(r->fidx, key));
	sm_finding *f;

	*created = i == 0 || i > r->findings->len;
	if (!*created) {
		g_free(key);
		return &g_array_index(r->findings, sm_finding, i - 1);
	}
	f = sm_result_add_finding(r, detector, label, loc, filename, member);
	memcpy(f->fingerprint, fp, sizeof(f->fingerprint));
	g_hash_table_replace(r->fidx, key, GUINT_TO_POINTER(r->findings->len));
	return f;
}

void sm_result_add_header(sm_result *r, char op, const char *name, const char *value, int index)
{
	sm_hdrop h = {op, g_strdup(name), g_strdup(value), index};

	g_array_append_val(r->hdrops, h);
}

void sm_result_note(sm_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->notes->len >= 100)
		return; /* bounded: a hostile message can have many parts */
	va_start(ap, fmt);
	g_ptr_array_add(r->notes, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

/* ------------------------------------------------------------------ accessors */

sm_verdict sm_result_verdict(const sm_result *r)
{
	return r->verdict;
}

void sm_result_reply(const sm_result *r, const char **code, const char **xcode, const char **text)
{
	*code = r->code;
	*xcode = r->xcode;
	*text = r->text;
}

bool sm_result_failed(const sm_result *r)
{
	return r->failed;
}

size_t sm_result_finding_count(const sm_result *r)
{
	return r->findings->len;
}

const char *sm_result_finding_detector(const sm_result *r, size_t i)
{
	return i < r->findings->len ? g_array_index(r->findings, sm_finding, i).detector : NULL;
}

size_t sm_result_header_count(const sm_result *r)
{
	return r->hdrops->len;
}

void sm_result_header(const sm_result *r, size_t i, char *op, const char **name,
		      const char **value, int *index)
{
	const sm_hdrop *h = &g_array_index(r->hdrops, sm_hdrop, i);

	*op = h->op;
	*name = h->name;
	*value = h->value;
	*index = h->index;
}

const char *const *sm_result_add_rcpts(const sm_result *r)
{
	return (const char *const *)r->rcpts->pdata;
}

bool sm_result_body_changed(const sm_result *r)
{
	return r->splices->len > 0;
}

/* ------------------------------------------------------------------ writing */

/* ------------------------------------------------------------------ spill */

static int spill_open(const char *dir)
{
	char *tmpl;
	int fd;

#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	tmpl = g_build_filename(dir, "sm-spill-XXXXXX", NULL);
	fd = mkstemp(tmpl);
	if (fd >= 0)
		unlink(tmpl);
	g_free(tmpl);
	return fd;
}

int sm_result_spill(sm_result *r, const char *dir)
{
	if (r->spill < 0 && dir && *dir)
		r->spill = spill_open(dir);
	if (r->spill < 0)
		r->spill = spill_open(g_get_tmp_dir());
	return r->spill;
}

void sm_result_release(const sm_result *r, size_t off, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), a, z;

	if (!r->mapped || off >= r->len)
		return;
	if (len > r->len - off)
		len = r->len - off;
	a = ((uintptr_t)r->raw + off + page - 1) & ~(page - 1);
	z = ((uintptr_t)r->raw + off + len) & ~(page - 1);
	if (z > a)
		madvise((void *)a, z - a, MADV_DONTNEED);
}

/* ------------------------------------------------------------------ writing */

#define WRITE_PIECE (1024 * 1024)

/* Original bytes [from, to) in pieces, each released once written. */
static int write_raw(const sm_result *r, size_t from, size_t to, sm_write_fn fn, void *ud)
{
	while (from < to) {
		size_t n = to - from < WRITE_PIECE ? to - from : WRITE_PIECE;

		if (fn(ud, r->raw + from, n) < 0)
			return -1;
		sm_result_release(r, from, n);
		from += n;
	}
	return 0;
}

/* A splice's bytes from the spill file. */
static int write_spilled(const sm_result *r, const sm_splice *s, sm_write_fn fn, void *ud)
{
	char *buf = g_malloc(65536);
	size_t done = 0;
	int rc = 0;

	while (rc == 0 && done < s->flen) {
		size_t want = s->flen - done < 65536 ? s->flen - done : 65536;
		ssize_t n = pread(r->spill, buf, want, (off_t)(s->foff + (gint64)done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || fn(ud, buf, (size_t)n) < 0)
			rc = -1;
		else
			done += (size_t)n;
	}
	g_free(buf);
	return rc;
}

/* Original bytes [from, to) with the splices inside it applied. */
static int write_spliced(const sm_result *r, size_t from, size_t to, sm_write_fn fn, void *ud)
{
	size_t at = from;
	guint i;

	for (i = 0; i < r->splices->len; i++) {
		const sm_splice *s = &g_array_index(r->splices, sm_splice, i);
		gsize n;
		const void *d;

		if (s->start < at || s->end > to)
			continue;
		if (s->start > at && write_raw(r, at, s->start, fn, ud) < 0)
			return -1;
		if (!s->with) {
			if (write_spilled(r, s, fn, ud) < 0)
				return -1;
		} else {
			d = g_bytes_get_data(s->with, &n);
			if (n && fn(ud, d, n) < 0)
				return -1;
		}
		at = s->end;
	}
	return at < to ? write_raw(r, at, to, fn, ud) : 0;
}

int sm_result_write_body(const sm_result *r, sm_write_fn fn, void *ud)
{
	if (!sm_result_bytes(r))
		return -1;
	return write_spliced(r, r->body_off, r->len, fn, ud);
}

/* The change ('C') of this field, the how-manyth of its name it is counted
 * in seen[] (one counter per header operation), or NULL. */
static const sm_hdrop *change_of(const sm_result *r, const char *field, size_t flen, int *seen)
{
	const sm_hdrop *rep = NULL;
	guint i;

	for (i = 0; i < r->hdrops->len; i++) {
		const sm_hdrop *h = &g_array_index(r->hdrops, sm_hdrop, i);

		if (h->op == 'C' && strlen(h->name) == flen &&
		    g_ascii_strncasecmp(h->name, field, flen) == 0 && ++seen[i] == h->index)
			rep = h;
	}
	return rep;
}

/* The header block with 'C' fields replaced and 'A' fields appended where
 * it ends (before the empty line, or before the first body line when there
 * is none); what precedes it (whitespace before the first field) as it was. */
static int write_headers(const sm_result *r, sm_write_fn fn, void *ud)
{
	const char *p = (const char *)r->raw + r->hdr_start, *e = (const char *)r->raw + r->hdr_end;
	const char *eol = r->crlf ? "\r\n" : "\n";
	int *seen = g_new0(int, r->hdrops->len + 1);
	int rc = r->hdr_start ? fn(ud, r->raw, r->hdr_start) : 0;
	guint i;
	size_t flen;

	while (p < e && rc == 0) {
		const char *nl = memchr(p, '\n', e - p);
		const char *end = nl ? nl + 1 : e, *colon = memchr(p, ':', end - p);
		const sm_hdrop *h;

		while (end < e && (*end == ' ' || *end == '\t')) {
			nl = memchr(end, '\n', e - end);
			end = nl ? nl + 1 : e;
		}
		flen = colon ? (size_t)(colon - p) : 0;
		while (flen && (p[flen - 1] == ' ' || p[flen - 1] == '\t')) /* "Name :" */
			flen--;
		h = colon ? change_of(r, p, flen, seen) : NULL;
		if (h) {
			char *line = g_strdup_printf("%s: %s%s", h->name, h->value, eol);

			rc = fn(ud, line, strlen(line));
			g_free(line);
		} else
			rc = fn(ud, p, end - p);
		p = end;
	}
	g_free(seen);
	if (rc < 0)
		return -1;
	if (r->hdr_end > r->hdr_start && r->raw[r->hdr_end - 1] != '\n' &&
	    fn(ud, eol, strlen(eol)) < 0) /* the last field ends the message: a line end */
		return -1;
	for (i = 0; i < r->hdrops->len && rc == 0; i++) {
		const sm_hdrop *h = &g_array_index(r->hdrops, sm_hdrop, i);
		char *line;

		if (h->op != 'A')
			continue;
		line = g_strdup_printf("%s: %s%s", h->name, h->value, eol);
		rc = fn(ud, line, strlen(line));
		g_free(line);
	}
	return rc < 0 ? -1 : 0;
}

int sm_result_write_message(const sm_result *r, sm_write_fn fn, void *ud)
{
	if (!sm_result_bytes(r) || write_headers(r, fn, ud) < 0)
		return -1;
	if (r->body_off > r->hdr_end &&
	    fn(ud, r->raw + r->hdr_end, r->body_off - r->hdr_end) < 0) /* the empty line */
		return -1;
	return sm_result_write_body(r, fn, ud);
}


