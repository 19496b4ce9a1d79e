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
 * part, file names cut at SM_UU_NAME_MAX bytes.
 */
#include "scan_int.h"
#include "sniff.h"

#include <string.h>

#define SM_UU_MAX_BLOCKS 64
#define SM_UU_NAME_MAX 255
#define SM_UU_BOUNDARY_TRIES 16

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

/* The part decoded and scanned as a message of its own (sm_scan_nested);
 * NULL when too deep or over a limit (the limit is set). */
static sm_result *nested_of(scan *s, const sm_part *p, GByteArray **head, bool whole)
{
	GByteArray *d;
	sm_result *in;

	if (too_deep(s, p) || !(d = sm_scan_decode(s, p, head, whole)))
		return NULL;
	in = sm_scan_nested(s, d->data, d->len);
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
		if (f->action == SM_ACT_MASK || f->action == SM_ACT_STRIP) {
			f->action = SM_ACT_STRIP;
			sm_scan_strip_found(s, idx, g->label);
		}
	}
	if (in->failed || in->verdict == SM_V_TEMPFAIL || incomplete(in))
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
	sm_result *in = nested_of(s, p, head, whole);

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
 * An attached .eml not typed message/ (saved from a mail client and attached
 * as a file): its text is scanned and masked in place as any text
 * attachment, and the message it holds is scanned too, so that what hides in
 * its encoded parts (a base64 attachment, an archive) is found.  A reject
 * inside rejects; values the text did not show (more masked hits inside than
 * in the text) strip the attachment.
 */
void sm_scan_eml(scan *s, guint idx, const sm_part *p, GByteArray **head, bool whole)
{
	guint mark = s->r->findings->len;
	bool stronger = false;
	sm_result *in;
	GByteArray *d;

	if (sm_scan_windowed(s, idx, p, false)) /* a large file: its text in windows */
		in = nested_of(s, p, head, whole);
	else if (too_deep(s, p) || !(d = sm_scan_decode(s, p, head, whole)))
		return;
	else { /* one decoding for both readings */
		in = sm_scan_nested(s, d->data, d->len);
		sm_scan_text_bytes(s, idx, p, false, d);
	}
	if (!in)
		return;
	if (masked_hits(in, 0, &stronger) > masked_hits(s->r, mark, NULL) || stronger ||
	    in->failed || in->verdict == SM_V_TEMPFAIL || incomplete(in))
		take_nested(s, idx, p, in);
	else
		sm_result_free(in);
}

/* Is the line at p a uuencoded line: a length character, then the four
 * characters per three bytes it announces (an encoder may add up to two)? */
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
	return e - p - 1 >= want && e - p - 1 <= want + 2;
}

/* A "begin MODE NAME" line at or after `at` (at a line start) followed by a
 * uuencoded line: its start, and the name in [*ns, *ne); n when none. */
static size_t uu_begin(const uint8_t *d, size_t n, size_t at, size_t *ns, size_t *ne)
{
	while (at + 6 < n) {
		const uint8_t *b = memmem(d + at, n - at, "begin ", 6);
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
