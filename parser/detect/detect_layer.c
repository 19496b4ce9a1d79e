/*
 * detect_layer.c - decoding layers before detection: text that carries a
 * file or a value in an encoding is decoded and scanned again, like an
 * attachment.
 *   - base64: certutil -encode output and other PEM-style wrappers (any
 *     BEGIN/END label), bare blocks of base64 lines, and one long base64
 *     token ending a line (PowerShell -EncodedCommand, "Data: ...");
 *     decoded text in UTF-8 or UTF-16LE (with or without BOM) is scanned as
 *     text, anything else as its printable strings (binstr.c);
 *   - URL encoding: a token with percent escapes (%3D, %40, %2F ...),
 *     decoded repeatedly (a value encoded twice is still found).
 * A hit inside base64 masks the whole encoded block in the outer text
 * (SM_MASK_ALL, the length kept): masking inside the encoding would need the
 * block re-encoded, and the carrier text must stay.  Percent decoding is
 * reversible byte by byte: a hit there masks exactly its own escapes.  A reject-class hit
 * (onboarding material) rejects as anywhere.  Base64 of ordinary data
 * (logs, certificates, images) decodes to nothing the detectors take and
 * is left alone.
 *
 * Cost: one memchr pass over the lines; a line is looked at only when it is
 * long and ends in base64 characters, or holds a '%' escape.
 *
 * Untrusted input: the view.  Limits: LAYER_DEPTH layers inside one another,
 * LAYER_MAX blocks per view, a block at most BLOCK_MAX encoded bytes,
 * the caller's max_hits.
 */
#include "detect_int.h"

#include "binstr.h"

#define LAYER_DEPTH 2
#define LAYER_MAX 64
#define BLOCK_MAX (4 * 1024 * 1024)
#define LINE_MIN 64   /* base64 characters ending a line to look at it */
#define BLOCK_MIN 96  /* base64 characters of a block worth decoding */
#define PCT_MIN 2     /* percent escapes in a token worth decoding */

static bool b64c(unsigned char c)
{
	return g_ascii_isalnum(c) || c == '+' || c == '/' || c == '=';
}

/* End of the line at p (its '\n' or len) and the start of the base64 run
 * ending it (trailing '\r', spaces, quotes and commas aside): *rs, *re. */
static size_t line_run(const char *t, size_t len, size_t p, size_t *rs, size_t *re)
{
	const char *nl = memchr(t + p, '\n', len - p);
	size_t le = nl ? (size_t)(nl - t) : len, e = le, s;

	while (e > p && (t[e - 1] == '\r' || t[e - 1] == ' ' || t[e - 1] == '"' ||
			 t[e - 1] == '\'' || t[e - 1] == ','))
		e--;
	for (s = e; s > p && b64c((unsigned char)t[s - 1]); s--)
		;
	*rs = s;
	*re = e;
	return le;
}

/* A line that is base64 from its first non-blank byte to its end. */
static bool whole_line(const char *t, size_t ls, size_t rs)
{
	for (size_t i = ls; i < rs; i++)
		if (t[i] != ' ' && t[i] != '\t')
			return false;
	return true;
}

/* The decoded text of an encoded block: UTF-8 text, UTF-16LE text, or the
 * strings of binary data.  NULL if it decodes to too little. */
static GString *decoded_text(const guint8 *d, size_t n)
{
	GString *out;
	size_t zero_odd = 0;

	if (n < BLOCK_MIN * 3 / 4)
		return NULL;
	for (size_t i = 1; i < n && i < 512; i += 2)
		zero_odd += d[i] == 0;
	if ((n >= 2 && d[0] == 0xff && d[1] == 0xfe) || zero_odd * 4 >= (n < 512 ? n : 512) / 2 * 3) {
		size_t o = n >= 2 && d[0] == 0xff && d[1] == 0xfe ? 2 : 0;
		char *u = g_convert((const char *)d + o, (gssize)((n - o) & ~(size_t)1), "UTF-8",
				    "UTF-16LE", NULL, NULL, NULL);

		if (u) {
			out = g_string_new(u);
			g_free(u);
			return out;
		}
	}
	if (g_utf8_validate((const char *)d, (gssize)n, NULL))
		return g_string_new_len((const char *)d, (gssize)n);
	out = g_string_new(NULL);
	sm_strings(d, n, 6, out, n + 1);
	return out;
}

typedef struct layer_ctx {
	const sm_detectors *s;
	const sm_scan_ctx *ctx;
	det_out *out;
	int depth;
	unsigned blocks;
} layer_ctx;

/* Scan text decoded from v[s, e); each detector that finds something there
 * masks the whole block once. */
static void scan_decoded(layer_ctx *lc, GString *text, size_t s, size_t e)
{
	sm_view *sub = sm_view_new_utf8(text->str, text->len);
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(sm_hit));
	uint64_t seen = 0;

	det_scan_depth(lc->s, sub, lc->ctx, hits, lc->out->max_hits, lc->depth + 1);
	for (guint i = 0; i < hits->len && !lc->out->full; i++) {
		const sm_hit *h = &g_array_index(hits, sm_hit, i);
		unsigned keep = lc->out->det;

		if (h->det < 64 && (seen & (1ULL << h->det)))
			continue;
		seen |= h->det < 64 ? 1ULL << h->det : 0;
		lc->out->det = h->det;
		det_emit(lc->out, s, e, SM_MASK_ALL, h->confidence);
		lc->out->det = keep;
	}
	g_array_free(hits, TRUE);
	sm_view_free(sub);
}

/* The base64 block [s, e) of t (whitespace and line breaks inside). */
static void base64_block(layer_ctx *lc, const char *t, size_t s, size_t e)
{
	GString *clean = g_string_sized_new(e - s);
	guchar *d;
	gsize n = 0;
	GString *text;

	for (size_t i = s; i < e; i++)
		if (b64c((unsigned char)t[i]))
			g_string_append_c(clean, t[i]);
	if (clean->len < BLOCK_MIN || clean->len > BLOCK_MAX || clean->len % 4 == 1) {
		g_string_free(clean, TRUE);
		return;
	}
	while (clean->len % 4)
		g_string_append_c(clean, '=');
	d = g_base64_decode(clean->str, &n);
	g_string_free(clean, TRUE);
	if ((text = decoded_text(d, n))) {
		scan_decoded(lc, text, s, e);
		g_string_free(text, TRUE);
	}
	g_free(d);
}

/* One round of percent decoding of cur[0, n) into *out, with each output
 * byte's source range in the token composed through map (NULL: identity). */
static size_t pct_round(const char *cur, size_t n, const size_t *ms, const size_t *me, char *out,
			size_t *os, size_t *oe)
{
	size_t i = 0, k = 0;

	while (i < n) {
		size_t a = ms ? ms[i] : i, z;

		if (cur[i] == '%' && i + 2 < n && g_ascii_isxdigit(cur[i + 1]) &&
		    g_ascii_isxdigit(cur[i + 2])) {
			out[k] = (char)(g_ascii_xdigit_value(cur[i + 1]) * 16 +
					g_ascii_xdigit_value(cur[i + 2]));
			z = me ? me[i + 2] : i + 3;
			i += 3;
		} else {
			out[k] = cur[i];
			z = me ? me[i] : i + 1;
			i++;
		}
		os[k] = a;
		oe[k++] = z;
	}
	return k;
}

/*
 * Percent escapes: the token [s, e) decoded until it no longer changes (at
 * most three rounds), with a map back, so that a hit in the decoded text
 * masks exactly its own escapes in the token: percent decoding is reversible.
 */
static void url_token(layer_ctx *lc, const char *t, size_t s, size_t e)
{
	size_t n = e - s, *ms = NULL, *me = NULL;
	char *cur = g_strndup(t + s, n);

	for (int round = 0; round < 3 && memchr(cur, '%', n); round++) {
		char *next = g_malloc(n + 1);
		size_t *ns = g_new(size_t, n + 1), *ne = g_new(size_t, n + 1);
		size_t k = pct_round(cur, n, ms, me, next, ns, ne);

		next[k] = '\0';
		g_free(cur);
		g_free(ms);
		g_free(me);
		cur = next, ms = ns, me = ne;
		if (k == n)
			break;
		n = k;
	}
	if (ms && g_utf8_validate(cur, (gssize)n, NULL)) {
		sm_view *sub = sm_view_new_utf8(cur, n);
		GArray *hits = g_array_new(FALSE, FALSE, sizeof(sm_hit));

		det_scan_depth(lc->s, sub, lc->ctx, hits, lc->out->max_hits, lc->depth + 1);
		for (guint i = 0; i < hits->len && !lc->out->full; i++) {
			sm_hit *h = &g_array_index(hits, sm_hit, i);
			unsigned keep = lc->out->det;

			if (h->end > n || h->start >= h->end || sub->len != n)
				continue; /* the view folded the text: no map */
			lc->out->det = h->det;
			det_emit(lc->out, s + ms[h->start], s + me[h->end - 1], h->mask, h->confidence);
			lc->out->det = keep;
		}
		g_array_free(hits, TRUE);
		sm_view_free(sub);
	}
	g_free(cur);
	g_free(ms);
	g_free(me);
}

/* Tokens of the line [ls, le) with PCT_MIN percent escapes or more. */
static void url_tokens(layer_ctx *lc, const char *t, size_t ls, size_t le)
{
	size_t p = ls;

	while (p < le && lc->blocks < LAYER_MAX && !lc->out->full) {
		const char *q = memchr(t + p, '%', le - p);
		size_t s, e, esc = 0;

		if (!q)
			break;
		for (s = (size_t)(q - t); s > ls && !strchr(" \t\"'<>", t[s - 1]); s--)
			;
		for (e = s; e < le && !strchr(" \t\"'<>\r", t[e]); e++)
			if (t[e] == '%' && e + 2 < le && g_ascii_isxdigit(t[e + 1]) &&
			    g_ascii_isxdigit(t[e + 2]))
				esc++;
		if (esc >= PCT_MIN) {
			lc->blocks++;
			url_token(lc, t, s, e);
		}
		p = e > (size_t)(q - t) ? e : (size_t)(q - t) + 1;
	}
}

void det_scan_layers(const sm_detectors *s, const sm_view *v, const sm_scan_ctx *ctx,
		     det_out *out, int depth)
{
	layer_ctx lc = {s, ctx, out, depth, 0};
	const char *t = v->text;
	size_t p = 0, bs = 0, be = 0;
	bool in_block = false;

	if (depth >= LAYER_DEPTH)
		return;
	while (p < v->len && lc.blocks < LAYER_MAX && !out->full) {
		size_t rs, re, le = line_run(t, v->len, p, &rs, &re);
		bool whole = re > rs && whole_line(t, p, rs);

		if (re - rs >= LINE_MIN || (in_block && whole && re > rs)) {
			if (!in_block || !whole) {
				if (in_block) {
					lc.blocks++;
					base64_block(&lc, t, bs, be);
				}
				bs = rs;
				in_block = true;
			}
			be = re;
			if (!whole) { /* a token ending a line: a block of its own */
				lc.blocks++;
				base64_block(&lc, t, bs, be);
				in_block = false;
			}
		} else if (in_block) {
			lc.blocks++;
			base64_block(&lc, t, bs, be);
			in_block = false;
		}
		if (memchr(t + p, '%', le - p))
			url_tokens(&lc, t, p, le);
		p = le + 1;
	}
	if (in_block && !out->full)
		base64_block(&lc, t, bs, be);
}
