/*
 * scan_nest.c - messages and files carried inside a part, scanned as a
 * message of their own one level deeper (sm_scan_nested): a message/rfc822
 * in base64 or quoted-printable, an .eml attached as a file, and files
 * uuencoded into a text part ("begin 644 name" ... "end", as old mailers
 * attach them).  What they carry is reported at "LOC/INNER"; a value to mask
 * strips the part (it is not edited in place); a reject inside rejects; a
 * limit or failure inside is a limit here.
 *
 * Untrusted input: the decoded part.  Limits: max_depth (nesting), the part
 * and message budgets (sm_scan_decode), SM_UU_MAX_BLOCKS uuencoded files per
 * part, file names cut at SM_UU_NAME_MAX bytes; in a part read in windows,
 * one uuencoded file held at a time, at most max_part_bytes.
 */
#include "binstr.h"
#include "scan_int.h"
#include "sniff.h"

#include <string.h>

#define SM_UU_MAX_BLOCKS 64
#define SM_UU_NAME_MAX 255
#define SM_UU_BOUNDARY_TRIES 16
#define SM_GUESS_MAX 200 /* bytes of a guessed boundary (RFC 2046: 70) */
#define SM_UU_STEP 65536 /* encoded bytes decoded at a time by the stream pass */

/* Was a result accepted without a whole scan (X-Support-Scan: incomplete)? */
static bool incomplete(const sm_result *r)
{
	for (guint i = 0; i < r->hdrops->len; i++)
		if (strcmp(g_array_index(r->hdrops, sm_hdrop, i).name, "X-Support-Scan") == 0)
			return true;
	return false;
}

/* One more level of messages would pass max_depth: the limit is set. */
static bool too_deep(scan *s, const sm_part *p)
{
	if (s->depth < s->lim->max_depth)
		return false;
	sm_scan_set_limit(s, "encoded messages nested too deep", p->loc);
	return true;
}

/* d scanned as a message of its own; with a boundary b, as the body of a
 * multipart/mixed with that boundary (a guessed reading, sm_scan_unsplit). */
static sm_result *nested_bytes(scan *s, const uint8_t *d, size_t n, const char *b)
{
	GString *g;
	sm_result *in;

	if (!b)
		return sm_scan_nested(s, d, n);
	g = g_string_sized_new(n + 128);
	g_string_append_printf(g, "MIME-Version: 1.0\nContent-Type: multipart/mixed; "
			       "boundary=\"%s\"\n\n", b);
	g_string_append_len(g, (const char *)d, (gssize)n);
	in = sm_scan_nested(s, (const uint8_t *)g->str, g->len);
	g_string_free(g, TRUE);
	return in;
}

/* The part decoded and scanned as a message of its own (sm_scan_nested);
 * NULL when too deep or over a limit (the limit is set). */
static sm_result *nested_of(scan *s, const sm_part *p, GByteArray **head, bool whole,
			    const char *b)
{
	GByteArray *d;
	sm_result *in;

	if (too_deep(s, p) || !(d = sm_scan_decode(s, p, head, whole)))
		return NULL;
	in = nested_bytes(s, d->data, d->len, b);
	sm_scan_bytes_free(p, d);
	return in;
}

/* What the message inside part idx carries, reported at "LOC/INNER"; a value
 * to mask or strip strips the whole part.  Frees in. */
static void take_nested(scan *s, guint idx, const sm_part *p, sm_result *in)
{
	guint i;

	for (i = 0; i < in->findings->len; i++) {
		const sm_finding *g = &g_array_index(in->findings, sm_finding, i);
		char loc[160];
		sm_finding *f;

		snprintf(loc, sizeof(loc), "%s/%s", p->loc, g->location);
		f = sm_result_add_finding(s->r, g->detector, g->label, loc,
					  g->filename ? g->filename : p->filename, g->member);
		f->kind = g->kind;
		f->quoted = g->quoted;
		f->relaxed = g->relaxed;
		f->count = g->count;
		f->action = g->action;
		f->preview = g_strdup(g->preview);
		memcpy(f->fingerprint, g->fingerprint, sizeof(f->fingerprint));
		f->reply = g_strdup(g->reply);
		f->name_masked = f->name_masked || g->name_masked;
		if (f->action == SM_ACT_MASK || f->action == SM_ACT_STRIP) {
			f->action = SM_ACT_STRIP;
			sm_scan_strip_found(s, idx, g->label);
		}
	}
	if (in->unparseable && !s->unparseable)
		s->unparseable = "a message inside could not be parsed";
	else if (in->limited == 2)
		sm_scan_set_transient(s, "the encoded message inside could not be scanned", p->loc);
	else if (in->failed || in->limited || in->verdict == SM_V_TEMPFAIL || incomplete(in))
		sm_scan_set_limit(s, "the encoded message inside could not be scanned", p->loc);
	sm_result_free(in);
}

/*
 * A message in base64 or quoted-printable (message/rfc822): decoded and
 * scanned as a message of its own.  What it carries is reported at
 * "LOC/INNER" (e.g. "2/1.2"); a value to mask or strip strips the whole part
 * (the encoded message is not edited in place, as an archive is not); a
 * reject inside rejects; a limit or failure inside is a limit here.
 */
void sm_scan_embedded(scan *s, guint idx, const sm_part *p, GByteArray **head, bool whole)
{
	sm_result *in = nested_of(s, p, head, whole, NULL);

	if (in)
		take_nested(s, idx, p, in);
}

/* Hits the findings from index `from` on mask or strip, and whether any of
 * them asks for more than a strip (reject, quarantine, tempfail). */
static size_t masked_hits(const sm_result *r, guint from, bool *stronger)
{
	size_t n = 0;

	for (guint i = from; i < r->findings->len; i++) {
		const sm_finding *f = &g_array_index(r->findings, sm_finding, i);

		if (f->action == SM_ACT_MASK || f->action == SM_ACT_STRIP)
			n += f->count;
		else if (f->action > SM_ACT_STRIP && stronger)
			*stronger = true;
	}
	return n;
}

/*
 * Text that is a message too, read both ways: its text is scanned and masked
 * in place as any text part, and the message it holds is scanned too (as a
 * multipart with boundary b when b is not NULL), so that what hides in its
 * encoded parts (a base64 attachment, an archive) is found.  A reject inside
 * rejects; values the text did not show (more masked hits inside than in the
 * text) strip the part.
 */
static void scan_both(scan *s, guint idx, const sm_part *p, GByteArray **head, bool whole,
		      const char *b)
{
	guint mark = s->r->findings->len;
	bool stronger = false;
	sm_result *in;
	GByteArray *d;

	if (sm_scan_windowed(s, idx, p, false)) /* a large file: its text in windows */
		in = nested_of(s, p, head, whole, b);
	else if (too_deep(s, p) || !(d = sm_scan_decode(s, p, head, whole)))
		return;
	else { /* one decoding for both readings */
		in = nested_bytes(s, d->data, d->len, b);
		sm_scan_text_bytes(s, idx, p, false, d);
	}
	if (!in)
		return;
	if (masked_hits(in, 0, &stronger) > masked_hits(s->r, mark, NULL) || stronger ||
	    in->failed || in->unparseable || in->verdict == SM_V_TEMPFAIL || incomplete(in))
		take_nested(s, idx, p, in);
	else
		sm_result_free(in);
}

/* An attached .eml not typed message/ (saved from a mail client and
 * attached as a file). */
void sm_scan_eml(scan *s, guint idx, const sm_part *p, GByteArray **head, bool whole)
{
	scan_both(s, idx, p, head, whole, NULL);
}

/* Is s[0, n) a header field line ("name:")? */
static bool field_line(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] > 0x20 && s[i] < 0x7f && s[i] != ':')
		i++;
	return i > 0 && i < n && s[i] == ':';
}

/* In a multipart read as one text leaf: the first line "--X" followed by a
 * header field or an empty line, X of at most SM_GUESS_MAX printable bytes,
 * not ending in "--" (a close delimiter, a row of dashes) and without quote
 * or backslash: X (g_free), or NULL. */
static char *guess_boundary(const uint8_t *d, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const uint8_t *nl = memchr(d + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - d) : n, z = e, next = nl ? e + 1 : n, k;
		size_t ne;

		while (z > i && (d[z - 1] == '\r' || d[z - 1] == ' ' || d[z - 1] == '\t'))
			z--;
		if (z - i > 2 && z - i <= SM_GUESS_MAX + 2 && d[i] == '-' && d[i + 1] == '-' &&
		    !(d[z - 1] == '-' && d[z - 2] == '-')) {
			for (k = i + 2; k < z && d[k] > 0x20 && d[k] < 0x7f && d[k] != '"' &&
					d[k] != '\\';
			     k++)
				;
			nl = next < n ? memchr(d + next, '\n', n - next) : NULL;
			ne = nl ? (size_t)(nl - d) : n;
			if (k == z && next < n &&
			    (d[next] == '\n' || (d[next] == '\r' && ne == next + 1) ||
			     field_line(d + next, ne - next)))
				return g_strndup((const char *)d + i + 2, z - i - 2);
		}
		i = next;
	}
	return NULL;
}

/*
 * A multipart without a usable boundary (msg.c reads it as one text leaf):
 * scanned as text, and, when a line in it looks like a delimiter, also as
 * the multipart a lenient reader would split there, so that a value in one
 * of its encoded parts is found (the leaf is then stripped, or the message
 * rejected, as for an attached .eml).
 */
void sm_scan_unsplit(scan *s, guint idx, const sm_part *p, GByteArray **head, bool whole)
{
	char *b = guess_boundary(s->m->raw + p->cstart, p->cend - p->cstart);
	const char *declared = GMIME_IS_MULTIPART(p->obj)
				       ? g_mime_multipart_get_boundary((GMimeMultipart *)p->obj)
				       : NULL;

	/* the boundary it declares is no guess: GMime read it and found no parts
	 * (reading it again would read the same, one level deeper each time) */
	if (b && declared && strcmp(b, declared) == 0) {
		g_free(b);
		b = NULL;
	}
	if (b)
		scan_both(s, idx, p, head, whole, b);
	else
		sm_scan_text(s, idx, p, false, head, whole);
	g_free(b);
}

/* Is the line at p a uuencoded line: a length character, then at most the
 * four characters per three bytes it announces (an encoder may add up to
 * two)?  Fewer are fine: a server stripped trailing spaces (zero bits; the
 * decoder pads them back, decode.c). */
static bool uu_line(const uint8_t *d, size_t n, size_t p)
{
	size_t e = p, want;

	while (e < n && d[e] != '\n' && d[e] != '\r')
		e++;
	if (e == p || d[p] < 0x21 || d[p] > 0x60)
		return false;
	want = ((size_t)(d[p] - 0x20) + 2) / 3 * 4;
	for (size_t i = p + 1; i < e; i++)
		if (d[i] < 0x20 || d[i] > 0x60)
			return false;
	return e - p - 1 <= want + 2;
}

/* A "begin MODE NAME" line at or after `at` (at a line start) followed by a
 * uuencoded line: its start, and the name in [*ns, *ne); n when none. */
static size_t uu_begin(const uint8_t *d, size_t n, size_t at, size_t *ns, size_t *ne)
{
	while (at + 6 < n) {
		/* most text parts hold no "begin ": found at two bytes a step */
		const uint8_t *b = sm_bin_find(d + at, n - at, "begin ", 6);
		size_t i, k, start;

		if (!b)
			return n;
		start = (size_t)(b - d);
		at = start + 6;
		if (start > 0 && d[start - 1] != '\n')
			continue;
		for (i = at, k = 0; i < n && d[i] >= '0' && d[i] <= '7'; i++)
			k++;
		if (k < 3 || k > 4 || i >= n || d[i] != ' ')
			continue;
		*ns = ++i;
		while (i < n && d[i] != '\n' && d[i] != '\r')
			i++;
		*ne = i;
		while (i < n && (d[i] == '\r' || d[i] == '\n') && i - *ne < 2)
			i++;
		if (*ne > *ns && uu_line(d, n, i))
			return start;
	}
	return n;
}

/* The end of the uuencoded block whose body starts at p: after its "end"
 * line, or n. */
static size_t uu_end(const uint8_t *d, size_t n, size_t p)
{
	while (p < n) {
		const uint8_t *nl = memchr(d + p, '\n', n - p);
		size_t e = nl ? (size_t)(nl - d) + 1 : n;

		if (e - p >= 3 && memcmp(d + p, "end", 3) == 0 &&
		    (e - p == 3 || d[p + 3] == '\n' || d[p + 3] == '\r'))
			return e;
		p = e;
	}
	return n;
}

/* A message carrying the block as its only attachment, x-uuencode, named
 * like the file (quotes, backslashes and controls dropped); multipart, so
 * that the inner scan can strip it.  The boundary is one the block does not
 * contain; NULL if SM_UU_BOUNDARY_TRIES candidates all occur (hostile). */
static GString *uu_message(const uint8_t *d, size_t bs, size_t be, size_t ns, size_t ne)
{
	GString *g, *name;
	char bd[40];
	unsigned k = 0;
	size_t i;

	do
		snprintf(bd, sizeof(bd), "=_sm_uu_%u", k++);
	while (memmem(d + bs, be - bs, bd, strlen(bd)) && k < SM_UU_BOUNDARY_TRIES);
	if (memmem(d + bs, be - bs, bd, strlen(bd)))
		return NULL;
	g = g_string_sized_new(be - bs + 512);
	name = g_string_new(NULL);
	for (i = ns; i < ne && name->len < SM_UU_NAME_MAX; i++)
		if (d[i] >= 0x20 && d[i] != '"' && d[i] != '\\' && d[i] != 0x7f)
			g_string_append_c(name, (char)d[i]);
	g_string_append_printf(g, "MIME-Version: 1.0\nContent-Type: multipart/mixed; "
			       "boundary=\"%s\"\n\n--%s\nContent-Type: application/octet-stream; "
			       "name=\"%s\"\nContent-Disposition: attachment; filename=\"%s\"\n"
			       "Content-Transfer-Encoding: x-uuencode\n\n", bd, bd, name->str, name->str);
	g_string_append_len(g, (const char *)d + bs, (gssize)(be - bs));
	g_string_append_printf(g, "\n--%s--\n", bd);
	g_string_free(name, TRUE);
	return g;
}

void sm_scan_uuencoded(scan *s, guint idx, const sm_part *p, const uint8_t *d, size_t n)
{
	size_t at = 0, ns, ne, bs, be;
	unsigned blocks = 0;

	while (!s->limit && (bs = uu_begin(d, n, at, &ns, &ne)) < n) {
		GString *g;

		if (++blocks > SM_UU_MAX_BLOCKS) {
			sm_scan_set_limit(s, "more uuencoded files in a part than support-milter reads",
					  p->loc);
			return;
		}
		if (too_deep(s, p))
			return;
		be = uu_end(d, n, ne);
		if (!(g = uu_message(d, bs, be, ns, ne))) {
			sm_scan_set_limit(s, "a uuencoded file that cannot be carried", p->loc);
			return;
		}
		take_nested(s, idx, p, sm_scan_nested(s, (const uint8_t *)g->str, g->len));
		g_string_free(g, TRUE);
		at = be;
	}
}

/* Drop buf's bytes before k. */
static void drop(GByteArray *buf, size_t k)
{
	if (k)
		g_byte_array_remove_range(buf, 0, (guint)k);
}

/* The uuencoded blocks complete in buf (all of it when last) are scanned and
 * dropped; text before them is dropped too, but for the last complete line
 * (a "begin" line whose next line has not come yet).  false when a block
 * alone is over max_part_bytes or there are too many (the limit is set). */
static bool uu_consume(scan *s, guint idx, const sm_part *p, GByteArray *buf, bool last,
		       unsigned *blocks)
{
	for (;;) {
		const uint8_t *d = buf->data, *nl;
		size_t n = buf->len, lend, bs, be, ns, ne;

		nl = n ? memrchr(d, '\n', n) : NULL;
		lend = last ? n : nl ? (size_t)(nl - d) + 1 : 0;
		if ((bs = uu_begin(d, lend, 0, &ns, &ne)) >= lend) {
			nl = lend > 1 ? memrchr(d, '\n', lend - 1) : NULL;
			drop(buf, last ? n : nl ? (size_t)(nl - d) + 1 : 0);
			return true;
		}
		be = uu_end(d, lend, ne);
		if (be >= lend && !last) { /* its "end" has not come yet */
			drop(buf, bs);
			if ((long long)buf->len <= s->lim->max_part_bytes)
				return true;
			sm_scan_set_limit(s, "a uuencoded file larger than max_part_bytes", p->loc);
			return false;
		}
		if (++*blocks > SM_UU_MAX_BLOCKS) {
			sm_scan_set_limit(s, "more uuencoded files in a part than support-milter reads",
					  p->loc);
			return false;
		}
		sm_scan_uuencoded(s, idx, p, d + bs, be - bs);
		drop(buf, be);
		if (s->limit)
			return false;
	}
}

/*
 * A text part too large to hold (read in windows, scan_window.c) may carry
 * uuencoded files as well: a second pass decodes it again a chunk at a time
 * and keeps only the last line of text, or, from a "begin" line on, one
 * block up to its "end" line (at most max_part_bytes), each handed to
 * sm_scan_uuencoded as for a part held whole.
 */
void sm_scan_uu_stream(scan *s, guint idx, const sm_part *p)
{
	const uint8_t *src = s->m->raw + p->cstart;
	size_t n = p->cend - p->cstart, i = 0;
	GByteArray *buf = g_byte_array_new();
	unsigned blocks = 0;
	bool last = false;
	uint8_t *tmp;
	sm_dec st;

	sm_dec_init(&st, p->enc);
	tmp = g_malloc(sm_dec_outlen(&st, SM_UU_STEP));
	while (!last) {
		size_t chunk = n - i < SM_UU_STEP ? n - i : SM_UU_STEP, got;

		if (chunk) {
			got = sm_dec_step(&st, src + i, chunk, tmp);
			/* read once more: handed back to the kernel as it goes */
			sm_result_release(s->r, p->cstart + (i > 4096 ? i - 4096 : 0),
					  chunk + (i > 4096 ? 4096 : i));
			i += chunk;
		} else {
			got = sm_dec_flush(&st, tmp);
			last = true;
		}
		g_byte_array_append(buf, tmp, (guint)got);
		if (!uu_consume(s, idx, p, buf, last, &blocks))
			break;
	}
	g_free(tmp);
	g_byte_array_free(buf, TRUE);
}
