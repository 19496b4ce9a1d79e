/*
 * html.c - the visible text of an HTML part, with a map back into the HTML.
 *
 * Not a full HTML parser: a tokenizer that is exact about what a reader
 * sees in mail HTML.  Tags are dropped; block tags (p, div, br, tr, li,
 * headings, blockquote ...) become '\n'; a table reads as the text/plain
 * alternative renders it: a row per line, a tab between its cells, and the
 * paragraphs inside a cell (Outlook wraps every cell's text in
 * <p class=MsoNormal><span>...<o:p>) joined by a space; script, style,
 * head, title and comments vanish; runs of white space in text read as one
 * space (as a browser renders them), so "4111<span>1111</span>" reads
 * "41111111" and "4111&nbsp;1111" reads "4111 1111".  Entities (named,
 * decimal, hex) decode to their character, mapped to the whole entity.
 *
 * Untrusted input: all of it.  Every loop advances; a tag or entity that
 * never closes ends at the end of input.  The first quoted block
 * (<blockquote>, Outlook's divRplyFwdMsg or border-top separator, Gmail's
 * gmail_quote) is reported for the quote splitter.
 */
#include "html.h"
#include "fold.h"
#include "utf8.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <ctype.h>
#include <string.h>

static const struct {
	const char *name;
	gunichar c;
} entities[] = {
	{"nbsp", 0xa0},   {"amp", '&'},     {"lt", '<'},      {"gt", '>'},      {"quot", '"'},
	{"apos", '\''},   {"copy", 0xa9},   {"reg", 0xae},    {"yen", 0xa5},    {"ensp", 0x2002},
	{"emsp", 0x2003}, {"thinsp", 0x2009}, {"zwsp", 0x200b}, {"zwnj", 0x200c}, {"zwj", 0x200d},
	{"shy", 0xad},    {"ndash", 0x2013}, {"mdash", 0x2014}, {"minus", 0x2212}, {"hyphen", 0x2010},
	{"middot", 0xb7}, {"times", 0xd7},  {"laquo", 0xab},  {"raquo", 0xbb},  {"lsquo", 0x2018},
	{"rsquo", 0x2019}, {"ldquo", 0x201c}, {"rdquo", 0x201d}, {"hellip", 0x2026}, {"bull", 0x2022},
	{"num", '#'},     {"colon", ':'},   {"commat", '@'},  {"sol", '/'},     {"equals", '='},
	{"lowbar", '_'},  {"period", '.'},  {"comma", ','},   {"excl", '!'},    {"dollar", '$'},
	{"percnt", '%'},  {"lpar", '('},    {"rpar", ')'},    {"ast", '*'},     {"plus", '+'},
	{"semi", ';'},    {"quest", '?'},   {"Tab", '\t'},    {"NewLine", '\n'},
};

/* What a tag name does to the visible text (looked up once per tag). */
enum {
	TAG_BLOCK = 1,       /* a block boundary: a line break */
	TAG_ROW = 2,         /* ends a table row (and a cell's paragraphs) */
	TAG_CELL = 4,        /* td, th */
	TAG_HIDDEN = 8,      /* its content is not shown */
	TAG_BR = 16,
	TAG_BLOCKQUOTE = 32, /* the first quoted block */
};

#define TAG_NAME_MAX 10 /* the longest name below */

static const struct {
	const char *name; /* lower case */
	unsigned char len, flags;
} tag_names[] = {
	{"p", 1, TAG_BLOCK}, {"div", 3, TAG_BLOCK}, {"br", 2, TAG_BLOCK | TAG_BR},
	{"tr", 2, TAG_BLOCK | TAG_ROW}, {"li", 2, TAG_BLOCK}, {"ul", 2, TAG_BLOCK},
	{"ol", 2, TAG_BLOCK}, {"h1", 2, TAG_BLOCK}, {"h2", 2, TAG_BLOCK}, {"h3", 2, TAG_BLOCK},
	{"h4", 2, TAG_BLOCK}, {"h5", 2, TAG_BLOCK}, {"h6", 2, TAG_BLOCK},
	{"table", 5, TAG_BLOCK | TAG_ROW}, {"blockquote", 10, TAG_BLOCK | TAG_BLOCKQUOTE},
	{"pre", 3, TAG_BLOCK}, {"hr", 2, TAG_BLOCK}, {"dl", 2, TAG_BLOCK}, {"dt", 2, TAG_BLOCK},
	{"dd", 2, TAG_BLOCK}, {"section", 7, TAG_BLOCK}, {"article", 7, TAG_BLOCK},
	{"header", 6, TAG_BLOCK}, {"footer", 6, TAG_BLOCK}, {"address", 7, TAG_BLOCK},
	{"center", 6, TAG_BLOCK}, {"form", 4, TAG_BLOCK}, {"fieldset", 8, TAG_BLOCK},
	{"tbody", 5, TAG_BLOCK | TAG_ROW}, {"thead", 5, TAG_BLOCK | TAG_ROW}, {"o:p", 3, TAG_BLOCK},
	{"td", 2, TAG_CELL}, {"th", 2, TAG_CELL}, {"script", 6, TAG_HIDDEN},
	{"style", 5, TAG_HIDDEN}, {"head", 4, TAG_HIDDEN}, {"title", 5, TAG_HIDDEN},
	{"xml", 3, TAG_HIDDEN},
};

/* Where a table is: cells of the current row so far, inside a cell or not. */
typedef struct table_state {
	unsigned cells;
	bool in_cell;
} table_state;

/* The TAG_* flags of a tag name (ASCII case ignored); 0 for any other: the
 * table read in turn (the contract sm_html_tag_class keeps, for the test). */
unsigned sm_html_tag_class_plain(const char *name, size_t n)
{
	char low[TAG_NAME_MAX];

	if (n == 0 || n > TAG_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		low[i] = g_ascii_tolower(name[i]);
	for (size_t k = 0; k < G_N_ELEMENTS(tag_names); k++)
		if (tag_names[k].len == n && tag_names[k].name[0] == low[0] &&
		    memcmp(tag_names[k].name, low, n) == 0)
			return tag_names[k].flags;
	return 0;
}

#define K1(a) ((uint64_t)(unsigned char)(a))
#define K2(a, b) (K1(a) | K1(b) << 8)
#define K3(a, b, c) (K2(a, b) | K1(c) << 16)
#define K4(a, b, c, d) (K3(a, b, c) | K1(d) << 24)
#define K5(a, b, c, d, e) (K4(a, b, c, d) | K1(e) << 32)
#define K6(a, b, c, d, e, f) (K5(a, b, c, d, e) | K1(f) << 40)
#define K7(a, b, c, d, e, f, g) (K6(a, b, c, d, e, f) | K1(g) << 48)
#define K8(a, b, c, d, e, f, g, h) (K7(a, b, c, d, e, f, g) | K1(h) << 56)

/* The same, once per tag of every HTML part: a name of up to eight bytes,
 * lower-cased into one word (its bytes after the name zero: no name holds a
 * NUL), picked by a switch; "blockquote" is the one longer name. */
unsigned sm_html_tag_class(const char *name, size_t n)
{
	uint64_t key = 0;

	if (n == 10)
		return g_ascii_strncasecmp(name, "blockquote", 10) == 0 ? TAG_BLOCK | TAG_BLOCKQUOTE : 0;
	if (n == 0 || n > 8)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!c)
			return 0;
		key |= (uint64_t)(c + ((unsigned)(c - 'A') < 26u ? 32u : 0u)) << (8 * i);
	}
	switch (key) {
	case K1('p'):
		return TAG_BLOCK;
	case K3('d', 'i', 'v'):
		return TAG_BLOCK;
	case K2('b', 'r'):
		return TAG_BLOCK | TAG_BR;
	case K2('t', 'r'):
		return TAG_BLOCK | TAG_ROW;
	case K2('l', 'i'):
		return TAG_BLOCK;
	case K2('u', 'l'):
		return TAG_BLOCK;
	case K2('o', 'l'):
		return TAG_BLOCK;
	case K2('h', '1'):
		return TAG_BLOCK;
	case K2('h', '2'):
		return TAG_BLOCK;
	case K2('h', '3'):
		return TAG_BLOCK;
	case K2('h', '4'):
		return TAG_BLOCK;
	case K2('h', '5'):
		return TAG_BLOCK;
	case K2('h', '6'):
		return TAG_BLOCK;
	case K5('t', 'a', 'b', 'l', 'e'):
		return TAG_BLOCK | TAG_ROW;
	case K3('p', 'r', 'e'):
		return TAG_BLOCK;
	case K2('h', 'r'):
		return TAG_BLOCK;
	case K2('d', 'l'):
		return TAG_BLOCK;
	case K2('d', 't'):
		return TAG_BLOCK;
	case K2('d', 'd'):
		return TAG_BLOCK;
	case K7('s', 'e', 'c', 't', 'i', 'o', 'n'):
		return TAG_BLOCK;
	case K7('a', 'r', 't', 'i', 'c', 'l', 'e'):
		return TAG_BLOCK;
	case K6('h', 'e', 'a', 'd', 'e', 'r'):
		return TAG_BLOCK;
	case K6('f', 'o', 'o', 't', 'e', 'r'):
		return TAG_BLOCK;
	case K7('a', 'd', 'd', 'r', 'e', 's', 's'):
		return TAG_BLOCK;
	case K6('c', 'e', 'n', 't', 'e', 'r'):
		return TAG_BLOCK;
	case K4('f', 'o', 'r', 'm'):
		return TAG_BLOCK;
	case K8('f', 'i', 'e', 'l', 'd', 's', 'e', 't'):
		return TAG_BLOCK;
	case K5('t', 'b', 'o', 'd', 'y'):
		return TAG_BLOCK | TAG_ROW;
	case K5('t', 'h', 'e', 'a', 'd'):
		return TAG_BLOCK | TAG_ROW;
	case K3('o', ':', 'p'):
		return TAG_BLOCK;
	case K2('t', 'd'):
		return TAG_CELL;
	case K2('t', 'h'):
		return TAG_CELL;
	case K6('s', 'c', 'r', 'i', 'p', 't'):
		return TAG_HIDDEN;
	case K5('s', 't', 'y', 'l', 'e'):
		return TAG_HIDDEN;
	case K4('h', 'e', 'a', 'd'):
		return TAG_HIDDEN;
	case K5('t', 'i', 't', 'l', 'e'):
		return TAG_HIDDEN;
	case K3('x', 'm', 'l'):
		return TAG_HIDDEN;
	default:
		return 0;
	}
}
#undef K1
#undef K2
#undef K3
#undef K4
#undef K5
#undef K6
#undef K7
#undef K8

/* Bytes that end a run of text copied as it is: markup, entities, white
 * space, and non-ASCII (copied a character at a time). */
static const bool run_stop[256] = {
	['<'] = true, ['&'] = true, [' '] = true, ['\t'] = true, ['\r'] = true, ['\n'] = true,
	['\f'] = true, [0x80 ... 0xff] = true,
};

/* Decode the entity at in[i] ('&'); returns its length, 0 if not one. */
static size_t entity(const char *in, size_t len, size_t i, gunichar *c)
{
	size_t j = i + 1, k;

	if (j < len && in[j] == '#') {
		gunichar v = 0;
		bool hex = j + 1 < len && (in[j + 1] == 'x' || in[j + 1] == 'X');
		size_t digits = 0;

		for (j += hex ? 2 : 1; j < len && digits < 8; j++, digits++) {
			int d = hex ? g_ascii_xdigit_value(in[j]) : g_ascii_digit_value(in[j]);

			if (d < 0)
				break;
			v = v * (hex ? 16 : 10) + d;
		}
		if (!digits)
			return 0;
		if (j < len && in[j] == ';')
			j++;
		*c = (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) ? 0xfffd : v;
		return j - i;
	}
	for (k = j; k < len && k - j < 10 && g_ascii_isalnum(in[k]); k++)
		;
	if (k == j)
		return 0;
	for (size_t e = 0; e < G_N_ELEMENTS(entities); e++)
		if (strlen(entities[e].name) == k - j && strncmp(entities[e].name, in + j, k - j) == 0) {
			*c = entities[e].c;
			return k - i + (k < len && in[k] == ';');
		}
	return 0;
}

/* Does needle (no NUL) occur at tag[i], within the first m bytes? */
static bool word_at(const char *tag, size_t m, size_t i, const char *needle, size_t nl)
{
	return nl <= m - i && memcmp(tag + i, needle, nl) == 0;
}

/*
 * The start of a quoted block: <blockquote>, or a tag that names Outlook's
 * divRplyFwdMsg, Gmail's gmail_quote or a border-top:solid separator, read
 * as g_strstr_len reads the tag (up to its first NUL), in one pass.
 */
/* Does a quote marker start at tag[i] (its first byte is 'd', 'g' or 'b')? */
static bool marker_at(const char *tag, size_t m, size_t i)
{
	switch (tag[i]) {
	case 'd':
		return word_at(tag, m, i, "divRplyFwdMsg", 13);
	case 'g':
		return word_at(tag, m, i, "gmail_quote", 11);
	case 'b':
		return word_at(tag, m, i, "border-top:solid", 16) ||
		       word_at(tag, m, i, "border-top: solid", 17);
	default:
		return false;
	}
}

static bool tag_is_quote(const char *tag, size_t n, unsigned cls, bool nul_free)
{
	size_t m, i = 0;

	if (cls & TAG_BLOCKQUOTE)
		return true;
	m = nul_free ? n : strnlen(tag, n);
#ifdef __SSE2__
	/* sixteen bytes at a time: only a 'd', 'g' or 'b' can start a marker */
	for (; m - i >= 16; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(tag + i));
		__m128i c = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('d')),
					 _mm_cmpeq_epi8(x, _mm_set1_epi8('g')));
		unsigned bits = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(c, _mm_cmpeq_epi8(x, _mm_set1_epi8('b'))));

		for (; bits; bits &= bits - 1)
			if (marker_at(tag, m, i + (unsigned)__builtin_ctz(bits)))
				return true;
	}
#endif
	for (; i < m; i++)
		if (marker_at(tag, m, i))
			return true;
	return false;
}

/* The first '>' at or after in[i], as memchr finds it: sixteen bytes a step
 * without the call (a tag is a few dozen bytes). */
static const char *tag_end(const char *in, size_t i, size_t len)
{
#ifdef __SSE2__
	for (; len - i >= 16; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(in + i)), _mm_set1_epi8('>')));

		if (m)
			return in + i + (unsigned)__builtin_ctz(m);
	}
#endif
	return memchr(in + i, '>', len - i);
}

/* Skip a hidden element's content up to its closing tag; returns new i. */
static size_t skip_hidden(const char *in, size_t len, size_t i, const char *name, size_t nlen)
{
	while (i < len) {
		const char *lt = memchr(in + i, '<', len - i);

		if (!lt)
			return len;
		i = lt - in + 1;
		if (i < len && in[i] == '/' && len - i - 1 >= nlen &&
		    g_ascii_strncasecmp(in + i + 1, name, nlen) == 0) {
			const char *gt = memchr(in + i, '>', len - i);

			return gt ? (size_t)(gt - in) + 1 : len;
		}
	}
	return len;
}

/* Does byte j end a run: a run_stop byte, but a single space between two
 * run bytes (it reads as the one space it is, mapped to itself)? */
static bool run_ends_at(const char *in, size_t len, size_t j)
{
	return run_stop[(unsigned char)in[j]] &&
	       !(in[j] == ' ' && j + 1 < len && !run_stop[(unsigned char)in[j + 1]]);
}

#ifdef __SSE2__
/* Bit k set where in[k] is a run_stop byte, for k < 16. */
static unsigned stop_mask16(const char *in, unsigned *spaces)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)in);
	__m128i sp = _mm_cmpeq_epi8(x, _mm_set1_epi8(' '));
	__m128i m = _mm_or_si128(_mm_cmplt_epi8(x, _mm_setzero_si128()), sp); /* 0x80 on */

	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('<')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('&')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\t')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\f')));
	*spaces = (unsigned)_mm_movemask_epi8(sp);
	return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* Where the run of text from j on ends (run_ends_at, or len): sixteen bytes
 * at a time where SSE2 is there (every x86-64). */
static size_t run_end(const char *in, size_t len, size_t j)
{
#ifdef __SSE2__
	while (len - j >= 17) { /* the 17th byte tells whether a last space is single */
		unsigned sp, stop = stop_mask16(in + j, &sp);
		unsigned next = run_stop[(unsigned char)in[j + 16]] ? 1u << 16 : 0;
		unsigned hard = stop & ~(sp & ~((stop | next) >> 1));

		if (hard)
			return j + (unsigned)__builtin_ctz(hard);
		j += 16;
	}
#endif
	while (j < len && !run_ends_at(in, len, j))
		j++;
	return j;
}

/*
 * Where the visible text goes: out as it is (mid text for the fold), or,
 * with fold, folded on the way (fold.h) so that no second pass and no
 * composition of maps is needed.  The decisions that look back at the text
 * (a line break after a line break, a space after a tab) read what the
 * unfolded text would hold: its last byte and whether it is empty.
 */
typedef struct sink {
	sm_tbuf *out;
	bool fold;
	bool any;           /* the unfolded text is not empty */
	unsigned char last; /* its last byte */
} sink;

static void put_ascii(sink *k, const char *b, size_t n, uint32_t a, uint32_t z)
{
	sm_tbuf_emit(k->out, b, n, a, z);
	k->any = true;
	k->last = (unsigned char)b[n - 1];
}

static void put_run(sink *k, const char *b, size_t n, uint32_t base)
{
	sm_tbuf_run(k->out, b, n, base); /* ASCII: folding keeps it */
	k->any = true;
	k->last = (unsigned char)b[n - 1];
}

/* An entity's character c for in[a, z). */
static void put_char(sink *k, gunichar c, uint32_t a, uint32_t z)
{
	if (k->fold)
		sm_fold_put(k->out, c, a, z);
	else
		sm_tbuf_char(k->out, c, a, z);
	k->any = true;
	k->last = (unsigned char)(c < 0x80 ? c : 0x80 | (c & 0x3f));
}

/* The non-ASCII character at in[i] (and, folding, the run of kept kanji
 * and kana from there); returns the next i. */
static size_t put_high(sink *k, const char *in, size_t len, size_t i)
{
	size_t n, q;

	if (!k->fold) {
		n = (size_t)g_utf8_skip[(unsigned char)in[i]];
		if (n > len - i)
			n = len - i;
		sm_tbuf_emit(k->out, in + i, n, (uint32_t)i, (uint32_t)(i + n));
	} else if ((q = sm_fold_kept3_end((const uint8_t *)in, i, len)) > i) {
		sm_tbuf_emit_units(k->out, in + i, (q - i) / 3, 3, (uint32_t)i, 3);
		n = q - i;
	} else {
		gunichar c = sm_utf8_char((const uint8_t *)in + i, len - i, &n);

		if (!n) { /* not for valid input: what the fold does with such a byte */
			c = 0xfffd;
			n = 1;
		}
		sm_fold_put(k->out, c, (uint32_t)i, (uint32_t)(i + n));
	}
	k->any = true;
	k->last = (unsigned char)in[i + n - 1];
	return i + n;
}

static void visible(const char *in, size_t len, sink *k, size_t *quote_at)
{
	sm_tbuf *out = k->out;
	size_t i = 0;
	bool space = false; /* a white-space run is pending */
	table_state tb = {0};
	uint32_t sp_a = 0, sp_b = 0;

	*quote_at = (size_t)-1;
	while (i < len) {
		unsigned char ch = (unsigned char)in[i];

		if (ch == '<') {
			size_t j = i + 1, ns, ne, end;
			unsigned cls;
			const char *gt;
			bool closing = false;

			if (len - i >= 4 && memcmp(in + i, "<!--", 4) == 0) {
				const char *e = g_strstr_len(in + i + 4, len - i - 4, "-->");

				i = e ? (size_t)(e - in) + 3 : len;
				continue;
			}
			if (j < len && in[j] == '/') {
				closing = true;
				j++;
			}
			ns = j;
			while (j < len && (g_ascii_isalnum(in[j]) || in[j] == ':' || in[j] == '-'))
				j++;
			ne = j;
			if (ne == ns && !(j < len && (in[j] == '!' || in[j] == '?'))) {
				/* a lone '<' is text */
				goto text;
			}
			gt = tag_end(in, i, len);
			end = gt ? (size_t)(gt - in) + 1 : len;
			cls = sm_html_tag_class(in + ns, ne - ns);
			if (!closing && *quote_at == (size_t)-1 &&
			    tag_is_quote(in + i, end - i, cls, k->fold))
				*quote_at = out->len;
			if (!closing && (cls & TAG_HIDDEN)) {
				end = skip_hidden(in, len, end, in + ns, ne - ns);
			} else if (cls & TAG_CELL) {
				/* cells of a row on one line, a tab between them */
				if (!closing && tb.cells++ > 0)
					put_ascii(k, "\t", 1, (uint32_t)i, (uint32_t)end);
				tb.in_cell = !closing;
				space = false;
			} else if (tb.in_cell && !(cls & TAG_ROW) && (cls & TAG_BLOCK)) {
				/* a paragraph inside a cell (Outlook wraps every cell's text
				 * in <p class=MsoNormal>): a space, as the text rendering does */
				if (!space)
					sp_a = (uint32_t)i;
				space = true;
				sp_b = (uint32_t)end;
			} else if (cls & TAG_BLOCK) {
				/* one line break per block boundary (</span></p><p><span> is
				 * one), as the text/plain alternative has; <br> always */
				if (!k->any || k->last != '\n' || (cls & TAG_BR))
					put_ascii(k, "\n", 1, (uint32_t)i, (uint32_t)end);
				space = false;
				if (cls & TAG_ROW)
					tb = (table_state){0};
			}
			i = end;
			continue;
		}
	text:
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f') {
			if (!space)
				sp_a = (uint32_t)i;
			space = true;
			sp_b = (uint32_t)i + 1;
			i++;
			continue;
		}
		if (space) {
			if (k->any && k->last != '\n' && k->last != '\t')
				put_ascii(k, " ", 1, sp_a, sp_b);
			space = false;
		}
		if (ch == '&') {
			gunichar c;
			size_t n = entity(in, len, i, &c);

			if (n) {
				put_char(k, c, (uint32_t)i, (uint32_t)(i + n));
				i += n;
				continue;
			}
		}
		if (ch < 0x80 && ch != '&') {
			size_t j = run_end(in, len, i + 1);

			put_run(k, in + i, j - i, (uint32_t)i);
			i = j;
			continue;
		}
		if (ch < 0x80) { /* a '&' that starts no entity */
			put_ascii(k, in + i, 1, (uint32_t)i, (uint32_t)(i + 1));
			i++;
			continue;
		}
		i = put_high(k, in, len, i);
	}
}

void sm_html_visible(const char *in, size_t len, sm_tbuf *out, size_t *quote_at)
{
	sink k = {out, false, false, 0};

	visible(in, len, &k, quote_at);
}

void sm_html_visible_folded(const char *in, size_t len, sm_tbuf *out, size_t *quote_at)
{
	sink k = {out, true, false, 0};

	visible(in, len, &k, quote_at);
}
