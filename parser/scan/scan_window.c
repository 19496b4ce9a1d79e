/*
 * scan_window.c - a large text part, window by window (scan_int.h).
 *
 * A part whose encoded content is over limits.scan_window_bytes is decoded
 * as a stream and read in windows of about that size, cut after a line end.
 * Each window is viewed and scanned with CONTEXT bytes (64 KiB, or the
 * window size if that is smaller) before and after it, so a value across a
 * cut is seen whole; a hit belongs to the window its first byte is in, so
 * it is counted once.  Masks go back as the part goes: into small splices of
 * the original bytes for a part without transfer encoding, or, for base64,
 * quoted-printable and ISO-2022-JP, into a rewritten stream in the result's
 * spill file (decoded again window by window, the same edits, the same
 * encoder state across windows: the same bytes as rewriting the whole part
 * at once).  Memory stays at a few windows whatever the size.
 *
 * Only charsets that can be cut at a line end are read this way (UTF-8,
 * Shift_JIS, EUC-JP, single-byte, and ISO-2022-JP after a line that ends in
 * ASCII state); UTF-16 has no byte-sized line end, so such a part is read
 * whole (the caller falls back), or, when a later window turns out to be
 * one, is a limit.
 *
 * Untrusted input: the part.  Limits: max_part_bytes, max_total_bytes,
 * max_findings (as for a whole part), scan_window_bytes.  The rules read the
 * first window's view only.
 */
#include "rewrite.h"
#include "scan_int.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define CONTEXT (64 * 1024) /* bytes read on each side of a window (at most) */
#define STEP (64 * 1024)    /* encoded bytes decoded at a time */
#define FAULT_AROUND (64 * 1024) /* what one read fault may map (Linux default) */

/* A part's decoded bytes as a stream: [base, base + buf->len) at hand. */
typedef struct rd {
	scan *s;
	const sm_part *p;
	const uint8_t *src; /* the encoded content */
	size_t n, i;        /* its size; bytes decoded so far */
	bool plain;         /* no transfer encoding: the decoded bytes are src */
	bool done;          /* all of src decoded and the decoder flushed */
	sm_dec st;
	GByteArray *buf;
	size_t base;
	uint8_t *tmp;
	size_t released;    /* plain: src bytes handed back to the kernel */
	bool begin;         /* a window has a line starting "begin " (uuencode, maybe) */
} rd;

typedef struct win {
	size_t c0, c1;      /* the decoded bytes this window owns */
	sm_charset cs;
} win;

static bool plain_enc(GMimeContentEncoding e)
{
	return e != GMIME_CONTENT_ENCODING_BASE64 && e != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
	       e != GMIME_CONTENT_ENCODING_UUENCODE;
}

static void rd_init(rd *r, scan *s, const sm_part *p)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->p = p;
	r->src = s->m->raw + p->cstart;
	r->n = p->cend - p->cstart;
	r->plain = plain_enc(p->enc);
	r->done = r->plain;
	if (!r->plain) {
		sm_dec_init(&r->st, p->enc);
		r->buf = g_byte_array_new();
		r->tmp = g_malloc(sm_dec_outlen(&r->st, STEP));
	}
}

static void rd_clear(rd *r)
{
	if (r->buf)
		g_byte_array_free(r->buf, TRUE);
	g_free(r->tmp);
}

static size_t rd_end(const rd *r)
{
	return r->plain ? r->n : r->base + r->buf->len;
}

static const uint8_t *rd_at(const rd *r, size_t off)
{
	return r->plain ? r->src + off : r->buf->data + (off - r->base);
}

/* Decode until the bytes up to `upto` are at hand or the part ends. */
static void rd_fill(rd *r, size_t upto)
{
	while (!r->done && r->base + r->buf->len < upto) {
		size_t chunk = r->n - r->i < STEP ? r->n - r->i : STEP, got;

		if (!chunk) {
			got = sm_dec_flush(&r->st, r->tmp);
			r->done = true;
		} else {
			got = sm_dec_step(&r->st, r->src + r->i, chunk, r->tmp);
			/* from a page back: the page the last chunk ended in */
			sm_result_release(r->s->r, r->p->cstart + (r->i > 4096 ? r->i - 4096 : 0),
					  chunk + (r->i > 4096 ? 4096 : r->i));
			r->i += chunk;
		}
		g_byte_array_append(r->buf, r->tmp, (guint)got);
	}
}

/* The bytes before `before` are no longer needed. */
static void rd_drop(rd *r, size_t before)
{
	if (r->plain) {
		if (before > r->released) {
			sm_result_release(r->s->r, r->p->cstart + r->released, before - r->released);
			r->released = before;
		}
		return;
	}
	if (before > r->base) {
		g_byte_array_remove_range(r->buf, 0, (guint)(before - r->base));
		r->base = before;
	}
}

/* Just after the first line end in [from, to), or `from` if there is none. */
static size_t line_after(const rd *r, size_t from, size_t to)
{
	const uint8_t *nl = to > from ? memchr(rd_at(r, from), '\n', to - from) : NULL;

	return nl ? from + (size_t)(nl - rd_at(r, from)) + 1 : from;
}

/* Just after the last line end in [from, to), or `to` if there is none. */
static size_t line_before(const rd *r, size_t from, size_t to)
{
	const uint8_t *b = rd_at(r, from);
	size_t k;

	for (k = to - from; k > 0; k--)
		if (b[k - 1] == '\n')
			return from + k;
	return to;
}

/* The end of the last whole line in [from, to), or, in a line that does not
 * end there, `to` less a UTF-8 sequence it cuts; `end` if to is the end. */
static size_t whole_chars(const rd *r, size_t from, size_t to, size_t end)
{
	const uint8_t *b = rd_at(r, from);
	size_t z = to < end ? line_before(r, from, to) : end, k;

	if (z < to || to == end)
		return z;
	for (k = 1; k <= 4 && k <= to - from; k++) {
		uint8_t c = b[to - from - k];

		if ((c & 0xc0) == 0x80)
			continue;
		/* a lead byte: keep its sequence only if all of it is there */
		if (c >= 0xc0 && (size_t)(c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2) > k)
			return to - k;
		break;
	}
	return to;
}

/* A place to cut in [from, to): just after the first line end; in a line
 * that does not end there, just after the first byte below 0x40 (a whole
 * character in UTF-8, Shift_JIS, EUC-JP and single-byte charsets: no trail
 * byte is that low), else at the first byte that does not continue a UTF-8
 * sequence; `from` if none. */
static size_t safe_after(const rd *r, size_t from, size_t to)
{
	const uint8_t *b = rd_at(r, from);
	size_t z = line_after(r, from, to), k;

	if (z > from)
		return z;
	for (k = 0; k < to - from; k++)
		if (b[k] < 0x40)
			return from + k + 1;
	for (k = 0; k < to - from && k < 4; k++)
		if ((b[k] & 0xc0) != 0x80)
			return from + k;
	return from;
}

static bool cuttable(const sm_charset *cs)
{
	return cs->kind == SM_CS_UTF8 || cs->kind == SM_CS_CP932 || cs->kind == SM_CS_EUCJP ||
	       cs->kind == SM_CS_SBCS;
}

/* ------------------------------------------------------------------ scanning */

/* Window after window; false if the first cannot be cut (read it whole). */
/*
 * ISO-2022-JP keeps its shift state across lines: it is cut only after a
 * line end where the state is ASCII (as every well-formed line ends), and
 * the context before a window starts at such a line too.  The state is
 * followed through the stream once (`at`, `st`).
 */
typedef struct iso_trk {
	int st;      /* the state at `at` (0: ASCII) */
	size_t at;
	size_t back; /* the first ASCII line start in the context before the last cut */
	size_t ctx;  /* the context, bytes */
} iso_trk;

/* The first line start at or after `from` (before `to`) in ASCII state, or
 * (size_t)-1 if there is none. */
static size_t iso_cut(const rd *r, iso_trk *t, size_t from, size_t to)
{
	size_t bulk = from > t->ctx ? from - t->ctx : 0;

	if (bulk > t->at) {
		t->st = sm_iso2022_track(t->st, rd_at(r, t->at), bulk - t->at);
		t->at = bulk;
	}
	t->back = (size_t)-1;
	while (t->at < to) {
		const uint8_t *nl = memchr(rd_at(r, t->at), '\n', to - t->at);
		size_t x;

		if (!nl)
			break;
		x = t->at + (size_t)(nl - rd_at(r, t->at)) + 1;
		t->st = sm_iso2022_track(t->st, rd_at(r, t->at), x - t->at);
		t->at = x;
		if (t->st != 0)
			continue;
		if (x >= from)
			return x;
		if (t->back == (size_t)-1 && x + t->ctx >= from)
			t->back = x;
	}
	return (size_t)-1;
}

/* Window after window; false if the first cannot be cut (read it whole). */
/* Does a line of d[0, n) (which starts at a line start) start "begin "? */
static bool has_begin(const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n;) {
		const uint8_t *b = memmem(d + i, n - i, "begin ", 6);

		if (!b)
			return false;
		if (b == d || b[-1] == '\n')
			return true;
		i = (size_t)(b - d) + 1;
	}
	return false;
}

static bool scan_windows(scan *s, guint idx, const sm_part *p, bool html, rd *r, GArray *wins,
			 GArray *edits, bool *iso)
{
	size_t w = (size_t)s->lim->scan_window_bytes, c0 = 0, next_v0 = 0;
	size_t ctx = w < CONTEXT ? w : CONTEXT;
	long long room = s->lim->max_total_bytes - s->total;
	long long max = room < s->lim->max_part_bytes ? room : s->lim->max_part_bytes;
	GArray *we = g_array_new(FALSE, FALSE, sizeof(sm_edit));
	iso_trk trk = {0, 0, 0, ctx};

	for (;;) {
		size_t end, v0, v1, c1, reach;
		win wn;
		sm_view *v;

		rd_fill(r, c0 + w + 2 * ctx);
		end = rd_end(r);
		reach = c0 + w + ctx < end ? c0 + w + ctx : end;
		/* the charset of the window's own lines (a character cut at the
		 * end would make valid UTF-8 look like a lying label) */
		sm_charset_resolve(p->charset, rd_at(r, c0), whole_chars(r, c0, reach, end) - c0,
				   &wn.cs);
		if (!c0)
			*iso = wn.cs.kind == SM_CS_ISO2022JP;
		if (!cuttable(&wn.cs) && !(*iso && wn.cs.kind == SM_CS_ISO2022JP)) {
			g_array_free(we, TRUE);
			if (!c0)
				return false;
			sm_scan_set_limit(s, "a large part changes to a charset it cannot be cut in",
					  p->loc);
			return true;
		}
		if (c0)
			wn.cs.bom = 0;
		if (r->done && end - c0 <= w + ctx)
			c1 = end;
		else if (*iso)
			c1 = iso_cut(r, &trk, c0 + w, reach);
		else
			c1 = safe_after(r, c0 + w, reach);
		if (c1 == (size_t)-1) {
			sm_scan_set_limit(s, "no line end in ASCII state near a window cut", p->loc);
			break;
		}
		if ((long long)c1 > max) {
			sm_scan_set_limit(s, "part larger than max_part_bytes or max_total_bytes",
					  p->loc);
			break;
		}
		v0 = !c0 ? 0 : *iso ? next_v0 : safe_after(r, c0 - ctx, c0);
		v1 = c1 + ctx < end ? line_before(r, c1, c1 + ctx) : end;
		wn.c0 = c0;
		wn.c1 = c1;
		g_array_append_val(wins, wn);
		r->begin = r->begin || has_begin(rd_at(r, c0), c1 - c0);
		g_array_set_size(we, 0);
		v = sm_scan_span(s, idx, p, rd_at(r, v0), v1 - v0, &wn.cs, html, c0 - v0, c1 - v0, we);
		for (guint i = 0; i < we->len; i++) {
			sm_edit e = g_array_index(we, sm_edit, i);

			e.start += v0;
			e.end += v0;
			g_array_append_val(edits, e);
		}
		if (!c0)
			sm_scan_keep_view(s, p, v); /* the rules read the first window */
		else
			sm_view_free(v);
		if (c1 >= end || s->limit || sm_scan_expired(s, p->loc))
			break;
		next_v0 = *iso && trk.back != (size_t)-1 ? trk.back : c1;
		rd_drop(r, next_v0 < c1 - ctx ? next_v0 : c1 - ctx);
		c0 = c1;
	}
	s->total += (long long)rd_end(r) < max ? (long long)rd_end(r) : max;
	g_array_free(we, TRUE);
	return true;
}

/* ------------------------------------------------------------------ writing back */

/* The window that owns decoded offset at (windows are in order). */
static const win *owner(const GArray *wins, size_t at)
{
	guint lo = 0, hi = wins->len;

	while (hi - lo > 1) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index(wins, win, mid).c0 <= at)
			lo = mid;
		else
			hi = mid;
	}
	return &g_array_index(wins, win, lo);
}

/* No transfer encoding: each run of nearby edits is a splice of its own. */
static void splice_plain(scan *s, const sm_part *p, const GArray *wins, const GArray *edits)
{
	const uint8_t *src = s->m->raw + p->cstart;
	guint i = 0;

	while (i < edits->len) {
		const sm_edit *first = &g_array_index(edits, sm_edit, i);
		const win *w = owner(wins, first->start);
		size_t a = first->start, z = first->end;
		GArray *local = g_array_new(FALSE, FALSE, sizeof(sm_edit));
		GByteArray *out = g_byte_array_new();
		sm_splice sp;

		for (; i < edits->len; i++) {
			sm_edit e = g_array_index(edits, sm_edit, i);

			if (local->len && (e.start > z + 256 || e.start >= w->c1))
				break;
			if (e.end > z)
				z = e.end;
			e.start -= a;
			e.end -= a;
			g_array_append_val(local, e);
		}
		sm_charset_rewrite(&w->cs, src + a, z - a, (const sm_edit *)local->data, local->len,
				   out);
		/* a read fault maps the pages around it too (fault-around): give
		 * back the neighbourhood, not only the bytes read */
		sm_result_release(s->r, p->cstart + (a > FAULT_AROUND ? a - FAULT_AROUND : 0),
				  z - a + 2 * FAULT_AROUND);
		sp.start = p->cstart + a;
		sp.end = p->cstart + z;
		sp.with = g_byte_array_free_to_bytes(out);
		sp.foff = 0;
		sp.flen = 0;
		g_array_append_val(s->r->splices, sp);
		g_array_free(local, TRUE);
	}
}

typedef struct sink {
	int fd;
	size_t len;          /* bytes written */
	GByteArray *pending; /* a trailing line end held back: the part's last one
	                        is written only if the original has one */
	bool failed;
} sink;

static void sink_raw(sink *k, const guint8 *b, size_t n)
{
	while (n && !k->failed) {
		ssize_t w = write(k->fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			k->failed = true;
			return;
		}
		b += w;
		n -= (size_t)w;
		k->len += (size_t)w;
	}
}

/* Encoded output, CRLF-converted: written but for its trailing line end. */
static void sink_put(sink *k, GByteArray *o, bool crlf)
{
	size_t keep;

	if (crlf)
		sm_rewrite_lf_to_crlf(o);
	keep = o->len;
	while (keep && (o->data[keep - 1] == '\n' || o->data[keep - 1] == '\r'))
		keep--;
	if (keep) {
		sink_raw(k, k->pending->data, k->pending->len);
		g_byte_array_set_size(k->pending, 0);
		sink_raw(k, o->data, keep);
	}
	g_byte_array_append(k->pending, o->data + keep, (guint)(o->len - keep));
}

/* The edits inside [c0, c1), shifted to c0; an edit across c1 is cut there,
 * its rest left in *carry for the next window (a fixed mask is written once,
 * the rest of its range deleted). */
static void window_edits(const GArray *edits, guint *next, sm_edit *carry, bool *carried,
			 size_t c0, size_t c1, GArray *local)
{
	g_array_set_size(local, 0);
	for (;;) {
		sm_edit e;

		if (*carried) {
			e = *carry;
			*carried = false;
		} else if (*next < edits->len && g_array_index(edits, sm_edit, *next).start < c1)
			e = g_array_index(edits, sm_edit, (*next)++);
		else
			break;
		if (e.end > c1) {
			carry->start = c1;
			carry->end = e.end;
			carry->ascii = e.ascii ? "" : NULL;
			*carried = true;
			e.end = c1;
		}
		e.start -= c0;
		e.end -= c0;
		g_array_append_val(local, e);
		if (*carried)
			break;
	}
}

/* Base64 or quoted-printable: decode again, mask, re-encode, spill.  A part
 * without transfer encoding (ISO-2022-JP, whose state runs across edits) is
 * written window by window as it is, with its masks. */
static int spill_encoded(scan *s, const sm_part *p, const GArray *wins, const GArray *edits,
			 sm_splice *sp)
{
	const sm_daemon_conf *dc = sm_policy_daemon(s->p);
	bool crlf = sm_rewrite_region_crlf(s->m, p), carried = false, held = false;
	GArray *local = g_array_new(FALSE, FALSE, sizeof(sm_edit));
	GByteArray *dec = g_byte_array_new(), *out = g_byte_array_new();
	GMimeEncoding enc;
	sm_edit carry = {0, 0, NULL};
	guint next = 0, k;
	sink sk = {0};
	rd r;
	off_t at;

	sk.fd = sm_result_spill(s->r, dc ? dc->spool_dir : NULL);
	if (sk.fd < 0 || (at = lseek(sk.fd, 0, SEEK_END)) < 0) {
		g_array_free(local, TRUE);
		g_byte_array_free(dec, TRUE);
		g_byte_array_free(out, TRUE);
		return -1;
	}
	sk.pending = g_byte_array_new();
	g_mime_encoding_init_encode(&enc, p->enc);
	rd_init(&r, s, p);
	for (k = 0; k < wins->len && !sk.failed; k++) {
		const win *w = &g_array_index(wins, win, k);
		bool last = k + 1 == wins->len;
		size_t got;

		rd_fill(&r, w->c1);
		window_edits(edits, &next, &carry, &carried, w->c0, w->c1, local);
		g_byte_array_set_size(dec, 0);
		if (held)
			g_byte_array_append(dec, (const guint8 *)"\r", 1);
		held = false;
		sm_charset_rewrite(&w->cs, rd_at(&r, w->c0), w->c1 - w->c0,
				   (const sm_edit *)local->data, local->len, dec);
		if (r.plain) {
			sink_raw(&sk, dec->data, dec->len);
			rd_drop(&r, w->c1);
			continue;
		}
		if (p->enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE && crlf) {
			/* a CR at the cut waits for its LF, so CRLF becomes LF as whole */
			if (!last && dec->len && dec->data[dec->len - 1] == '\r') {
				held = true;
				g_byte_array_set_size(dec, dec->len - 1);
			}
			sm_rewrite_crlf_to_lf(dec);
		}
		g_byte_array_set_size(out, (guint)g_mime_encoding_outlen(&enc, dec->len) + 16);
		got = last ? g_mime_encoding_flush(&enc, (const char *)dec->data, dec->len,
						   (char *)out->data)
			   : g_mime_encoding_step(&enc, (const char *)dec->data, dec->len,
						  (char *)out->data);
		g_byte_array_set_size(out, (guint)got);
		sink_put(&sk, out, crlf);
		rd_drop(&r, w->c1);
	}
	if (!r.plain && (s->m->raw[p->cend - 1] == '\n' || p->cend == p->cstart))
		sink_raw(&sk, sk.pending->data, sk.pending->len);
	rd_clear(&r);
	g_array_free(local, TRUE);
	g_byte_array_free(dec, TRUE);
	g_byte_array_free(out, TRUE);
	g_byte_array_free(sk.pending, TRUE);
	if (sk.failed)
		return -1;
	sp->start = p->cstart;
	sp->end = p->cend;
	sp->with = NULL;
	sp->foff = (gint64)at;
	sp->flen = sk.len;
	return 0;
}

bool sm_scan_windowed(scan *s, guint idx, const sm_part *p, bool html)
{
	GArray *wins, *edits;
	sm_splice sp;
	bool iso = false;
	rd r;

	if ((long long)(p->cend - p->cstart) <= s->lim->scan_window_bytes ||
	    p->enc == GMIME_CONTENT_ENCODING_UUENCODE)
		return false;
	wins = g_array_new(FALSE, FALSE, sizeof(win));
	edits = g_array_new(FALSE, FALSE, sizeof(sm_edit));
	rd_init(&r, s, p);
	if (!scan_windows(s, idx, p, html, &r, wins, edits, &iso)) {
		rd_clear(&r);
		g_array_free(wins, TRUE);
		g_array_free(edits, TRUE);
		return false;
	}
	rd_clear(&r);
	if (r.begin && !html && !s->limit) /* files uuencoded into the text */
		sm_scan_uu_stream(s, idx, p);
	sm_rewrite_merge(edits);
	if (edits->len && !s->limit) {
		if (r.plain && !iso)
			splice_plain(s, p, wins, edits);
		else if (spill_encoded(s, p, wins, edits, &sp) == 0)
			g_array_append_val(s->r->splices, sp);
		else if (!s->error)
			s->error = "a rewritten part could not be written to the spool";
	}
	g_array_free(wins, TRUE);
	g_array_free(edits, TRUE);
	return true;
}
