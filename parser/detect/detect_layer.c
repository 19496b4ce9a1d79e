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
 * Cost: a sampled pass (a stretch of STRIDE + 1 bytes at every STRIDE-th
 * byte, sixteen at a time) finds the runs of base64 characters long enough
 * to matter; one memchr for '%'.
 *
 * Untrusted input: the view.  Limits: LAYER_DEPTH layers inside one another,
 * LAYER_MAX blocks per view, a block at most BLOCK_MAX encoded bytes,
 * the caller's max_hits.
 */
#include "detect_int.h"

#include "binstr.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define LAYER_DEPTH 2
#define LAYER_MAX 64
#define BLOCK_MAX (4 * 1024 * 1024)
#define LINE_MIN 64   /* base64 characters ending a line to look at it */
#define BLOCK_MIN 96  /* base64 characters of a block worth decoding */
#define PCT_MIN 2     /* percent escapes in a token worth decoding */
#define STRIDE 32     /* the sampled pass looks at every STRIDE-th byte: LINE_MIN / 2 */


static inline bool b64c(unsigned char c);
static bool all_b64(const char *t, size_t s, size_t e);

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

/* base64 bytes (a table: the run scans look at every byte of long runs). */
#define B_ 1
static const uint8_t cls[256] = {
	['+'] = B_, ['/'] = B_, ['='] = B_,
#define D10(c) [c] = B_
	D10('0'), D10('1'), D10('2'), D10('3'), D10('4'), D10('5'), D10('6'), D10('7'), D10('8'),
	D10('9'), D10('A'), D10('B'), D10('C'), D10('D'), D10('E'), D10('F'), D10('G'), D10('H'),
	D10('I'), D10('J'), D10('K'), D10('L'), D10('M'), D10('N'), D10('O'), D10('P'), D10('Q'),
	D10('R'), D10('S'), D10('T'), D10('U'), D10('V'), D10('W'), D10('X'), D10('Y'), D10('Z'),
	D10('a'), D10('b'), D10('c'), D10('d'), D10('e'), D10('f'), D10('g'), D10('h'), D10('i'),
	D10('j'), D10('k'), D10('l'), D10('m'), D10('n'), D10('o'), D10('p'), D10('q'), D10('r'),
	D10('s'), D10('t'), D10('u'), D10('v'), D10('w'), D10('x'), D10('y'), D10('z'),
#undef D10
};

static inline bool b64c(unsigned char c)
{
	return cls[c] & B_;
}

/* The eight bytes at i are all in '+' .. 'z' (where base64 lives): one
 * test rejects prose (a space) or Japanese text (high bytes) cheaply. */
static inline bool b64_range8(const char *t, size_t i)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t x, y, lo, hi;

	memcpy(&x, t + i, 8);
	y = x & ~highs; /* 7 bits per byte: the additions cannot carry */
	lo = y + ones * (0x80 - '+'); /* high bit set where byte >= '+' */
	hi = y + ones * (0x80 - 'z' - 1); /* high bit set where byte > 'z' */
	return (lo & ~hi & ~x & highs) == highs;
}

/* Bytes t[0, 16) that are base64 characters, one bit each (SSE2: the
 * ranges '/'..'9', 'A'..'Z', 'a'..'z' and the bytes '+' '='; bytes of 0x80
 * and more compare as negative and fall outside every range). */
#ifdef __SSE2__
static inline unsigned b64_mask16(const char *t)
{
	__m128i x = _mm_loadu_si128((const __m128i *)t);
#define IN(lo, hi) _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8((char)((lo) - 1))), \
				 _mm_cmplt_epi8(x, _mm_set1_epi8((char)((hi) + 1))))
	__m128i m = _mm_or_si128(_mm_or_si128(IN('/', '9'), IN('A', 'Z')),
				 _mm_or_si128(IN('a', 'z'),
					      _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('+')),
							   _mm_cmpeq_epi8(x, _mm_set1_epi8('=')))));
#undef IN
	return (unsigned)_mm_movemask_epi8(m);
}
#endif

/*
 * Are t[i, i + STRIDE] (STRIDE + 1 bytes, all within the text) base64?
 * Exactly when the sampled pass walks a run from i.  The eight bytes at i
 * first: prose (a space) and Japanese text (high bytes) fail there.
 */
static inline bool b64_span(const char *t, size_t i)
{
#ifdef __SSE2__
	return b64_range8(t, i) && b64_mask16(t + i) == 0xffff && b64_mask16(t + i + 16) == 0xffff &&
	       b64c((unsigned char)t[i + STRIDE]);
#else
	return b64_range8(t, i) && all_b64(t, i, i + STRIDE + 1);
#endif
}

bool det_b64_span_at(const char *t, size_t len, size_t i)
{
	return i <= len && len - i >= STRIDE + 1 && b64_span(t, i);
}

/* All of [s, e) base64 characters (a base64 line, not a token with '-' '_' '.'). */
static bool all_b64(const char *t, size_t s, size_t e)
{
	for (size_t i = s; i < e; i++)
		if (!b64c((unsigned char)t[i]))
			return false;
	return true;
}

/* The line holding p: [*ls, *le) ('\r' excluded). */
static void line_of(const char *t, size_t len, size_t p, size_t *ls, size_t *le)
{
	const char *nl = memchr(t + p, '\n', len - p);

	*ls = p;
	while (*ls > 0 && t[*ls - 1] != '\n')
		(*ls)--;
	*le = nl ? (size_t)(nl - t) : len;
	if (*le > *ls && t[*le - 1] == '\r')
		(*le)--;
}

/* Is the line [ls, le) blanks and then base64 to its end (a block's line)? */
static bool b64_line(const char *t, size_t ls, size_t le)
{
	while (ls < le && (t[ls] == ' ' || t[ls] == '\t'))
		ls++;
	return le > ls && all_b64(t, ls, le);
}

/*
 * A run of base64 of LINE_MIN bytes or more: the block of base64 lines it
 * belongs to (the lines above and below that are base64 to their end), or
 * the run alone when it is a token inside a line.  Returns where the
 * sampled pass goes on.
 */
static size_t base64_run(layer_ctx *lc, const char *t, size_t len, size_t s, size_t e)
{
	size_t ls, le, bs = s, be = e;

	if (s > 0 && t[s - 1] != '\n' && t[s - 1] != ' ' && t[s - 1] != '\t') {
		lc->blocks++; /* a token inside a line ("cert":"MII...", -enc ...) */
		base64_block(lc, t, s, e);
		return e;
	}
	line_of(t, len, s, &ls, &le);
	if (b64_line(t, ls, le) && le == e) {
		size_t a = ls, z = le;

		for (size_t pl, pe; a > 0; a = pl) { /* lines above */
			line_of(t, len, a - 1, &pl, &pe);
			if (!b64_line(t, pl, pe))
				break;
			bs = pl;
		}
		while (z < len) { /* lines below */
			size_t nl, ne;

			if (t[z] == '\r')
				z++;
			if (z >= len || t[z] != '\n' || z + 1 >= len)
				break;
			line_of(t, len, z + 1, &nl, &ne);
			if (!b64_line(t, nl, ne))
				break;
			be = z = ne;
		}
	}
	lc->blocks++;
	base64_block(lc, t, bs, be);
	return be;
}

/*
 * Runs of base64 characters, found by sampling every STRIDE-th byte: a run
 * of 2 * STRIDE bytes or more holds two samples STRIDE apart, so every base64
 * line of LINE_MIN bytes is found, while prose (spaces every few bytes) and
 * Japanese text (no ASCII) cost about one look per STRIDE bytes.
 */
static void sampled_runs(layer_ctx *lc, const char *t, size_t len)
{
	size_t i = 0;

	while (i + STRIDE < len) {
		size_t s = i, e = i + STRIDE + 1;

		/* a run of 2 * STRIDE holds the whole stretch [i, i + STRIDE] for
		 * one i; prose and Japanese text fail in its first bytes */
		if (!b64_span(t, i)) {
			i += STRIDE;
			continue;
		}
		if (lc->blocks >= LAYER_MAX || lc->out->full)
			break;
		while (e < len && b64c((unsigned char)t[e]))
			e++;
		while (s > 0 && b64c((unsigned char)t[s - 1]))
			s--;
		if (e - s >= LINE_MIN)
			e = base64_run(lc, t, len, s, e);
		i = (e / STRIDE + 1) * STRIDE;
	}
}

/* Each token with percent escapes (the view has a '%' at q). */
static void percent_tokens(layer_ctx *lc, const char *t, size_t len, const char *q)
{
	while (q && lc->blocks < LAYER_MAX && !lc->out->full) {
		size_t p = (size_t)(q - t), s, e, esc = 0;

		for (s = p; s > 0 && !strchr(" \t\r\n\"'<>", t[s - 1]); s--)
			;
		for (e = s; e < len && !strchr(" \t\r\n\"'<>", t[e]); e++)
			if (t[e] == '%' && e + 2 < len && g_ascii_isxdigit(t[e + 1]) &&
			    g_ascii_isxdigit(t[e + 2]))
				esc++;
		if (esc >= PCT_MIN) {
			lc->blocks++;
			url_token(lc, t, s, e);
		}
		q = e < len ? memchr(t + e, '%', len - e) : NULL;
	}
}

void det_scan_layers(const sm_detectors *s, const sm_view *v, const sm_scan_ctx *ctx,
		     det_out *out, int depth)
{
	layer_ctx lc = {s, ctx, out, depth, 0};
	const char *q;

	if (depth >= LAYER_DEPTH)
		return;
	sampled_runs(&lc, v->text, v->len);
	if ((q = memchr(v->text, '%', v->len)) != NULL)
		percent_tokens(&lc, v->text, v->len, q);
}
