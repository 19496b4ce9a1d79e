/*
 * test_html.c - the visible text of HTML (html.c): its tag scanner (tag
 * names looked up once per tag, the quote markers found in one pass, text
 * runs through a byte table, a single space copied inside a run) against
 * the plain reading it replaced, kept below verbatim: the same text, the
 * same map for every byte, the same quote start, on random HTML made of the
 * pieces the scanner cares about (every listed tag name in random case,
 * closing tags, attributes holding the quote markers, comments, entities,
 * white space of every kind, NULs, Japanese, unclosed markup).  And the
 * HTML view sm_view_new builds in one pass (sm_html_visible_folded)
 * against its stages: decoding, that plain reading, folding, the maps
 * composed.  And the tag-name lookup (one word, a switch) against the
 * table of names read in turn.
 */
#include "html.h"
#include "fold.h"
#include "view.h"
#include "testutil.h"

/* ------------------------------------------------------------ the plain reading
 * (html.c at main e3f4343) */
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

static const char *const block_tags[] = {
	"p", "div", "br", "tr", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table",
	"blockquote", "pre", "hr", "dl", "dt", "dd", "section", "article", "header", "footer",
	"address", "center", "form", "fieldset", "tbody", "thead", "o:p", NULL,
};

/* Tags that end a table row (and a cell's paragraphs). */
static const char *const row_tags[] = {"tr", "table", "tbody", "thead", NULL};

/* Where a table is: cells of the current row so far, inside a cell or not. */
typedef struct table_state {
	unsigned cells;
	bool in_cell;
} table_state;

static bool is_cell(const char *name, size_t n)
{
	return n == 2 && (g_ascii_strncasecmp(name, "td", 2) == 0 ||
			  g_ascii_strncasecmp(name, "th", 2) == 0);
}

static const char *const hidden_tags[] = {"script", "style", "head", "title", "xml", NULL};

static bool in_list(const char *const *l, const char *name, size_t n)
{
	for (; *l; l++)
		if (strlen(*l) == n && g_ascii_strncasecmp(*l, name, n) == 0)
			return true;
	return false;
}

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

static bool tag_is_quote(const char *tag, size_t n, const char *name, size_t nlen)
{
	if (nlen == 10 && g_ascii_strncasecmp(name, "blockquote", 10) == 0)
		return true;
	if (g_strstr_len(tag, n, "divRplyFwdMsg") || g_strstr_len(tag, n, "gmail_quote") ||
	    g_strstr_len(tag, n, "border-top:solid") || g_strstr_len(tag, n, "border-top: solid"))
		return true;
	return false;
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

static void html_plain(const char *in, size_t len, sm_tbuf *out, size_t *quote_at)
{
	size_t i = 0;
	bool space = false; /* a white-space run is pending */
	table_state tb = {0};
	uint32_t sp_a = 0, sp_b = 0;

	*quote_at = (size_t)-1;
	while (i < len) {
		unsigned char ch = (unsigned char)in[i];

		if (ch == '<') {
			size_t j = i + 1, ns, ne, end;
			const char *gt;
			bool closing = false;

			if (len - i >= 4 && strncmp(in + i, "<!--", 4) == 0) {
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
			gt = memchr(in + i, '>', len - i);
			end = gt ? (size_t)(gt - in) + 1 : len;
			if (!closing && *quote_at == (size_t)-1 &&
			    tag_is_quote(in + i, end - i, in + ns, ne - ns))
				*quote_at = out->len;
			if (!closing && in_list(hidden_tags, in + ns, ne - ns)) {
				end = skip_hidden(in, len, end, in + ns, ne - ns);
			} else if (is_cell(in + ns, ne - ns)) {
				/* cells of a row on one line, a tab between them */
				if (!closing && tb.cells++ > 0)
					sm_tbuf_emit(out, "\t", 1, (uint32_t)i, (uint32_t)end);
				tb.in_cell = !closing;
				space = false;
			} else if (tb.in_cell && !in_list(row_tags, in + ns, ne - ns) &&
				   in_list(block_tags, in + ns, ne - ns)) {
				/* a paragraph inside a cell (Outlook wraps every cell's text
				 * in <p class=MsoNormal>): a space, as the text rendering does */
				if (!space)
					sp_a = (uint32_t)i;
				space = true;
				sp_b = (uint32_t)end;
			} else if (in_list(block_tags, in + ns, ne - ns)) {
				/* one line break per block boundary (</span></p><p><span> is
				 * one), as the text/plain alternative has; <br> always */
				if (!out->len || out->text[out->len - 1] != '\n' ||
				    (ne - ns == 2 && g_ascii_strncasecmp(in + ns, "br", 2) == 0))
					sm_tbuf_emit(out, "\n", 1, (uint32_t)i, (uint32_t)end);
				space = false;
				if (in_list(row_tags, in + ns, ne - ns))
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
			if (out->len && out->text[out->len - 1] != '\n' && out->text[out->len - 1] != '\t')
				sm_tbuf_emit(out, " ", 1, sp_a, sp_b);
			space = false;
		}
		if (ch == '&') {
			gunichar c;
			size_t n = entity(in, len, i, &c);

			if (n) {
				sm_tbuf_char(out, c, (uint32_t)i, (uint32_t)(i + n));
				i += n;
				continue;
			}
		}
		if (ch < 0x80 && ch != '&') {
			size_t j = i + 1;

			while (j < len && (unsigned char)in[j] < 0x80 && in[j] != '<' && in[j] != '&' &&
			       in[j] != ' ' && in[j] != '\t' && in[j] != '\r' && in[j] != '\n' &&
			       in[j] != '\f')
				j++;
			sm_tbuf_run(out, in + i, j - i, (uint32_t)i);
			i = j;
			continue;
		}
		{
			size_t n = ch < 0x80 ? 1 : (size_t)g_utf8_skip[ch];

			if (n > len - i)
				n = len - i;
			sm_tbuf_emit(out, in + i, n, (uint32_t)i, (uint32_t)(i + n));
			i += n;
		}
	}
}

/* ------------------------------------------------------------ the comparison */

static const char *const pieces[] = {
	"<p>", "</p>", "<P class=MsoNormal>", "<div>", "</DIV>", "<br>", "<BR/>", "<tr>", "</tr>",
	"<td>", "</td>", "<TH>", "<table>", "</table>", "<tbody>", "<thead>", "<li>", "<ul>",
	"<h1>", "<H6>", "<blockquote>", "<BlockQuote type=cite>", "</blockquote>", "<pre>",
	"<hr>", "<dl>", "<dt>", "<dd>", "<section>", "<article>", "<header>", "<footer>",
	"<address>", "<center>", "<form>", "<fieldset>", "<o:p>", "</o:p>", "<O:P>",
	"<span style='x'>", "</span>", "<b>", "<font face=x>", "<blockquotes>", "<tdx>", "<t>",
	"<script>var a='<p>';</script>", "<style>p{}</style>", "<STYLE>", "</style>",
	"<head><title>t</title></head>", "<xml>x</xml>", "<title>", "</ScRiPt>",
	"<div id=divRplyFwdMsg>", "<div class=\"gmail_quote\">", "<div style='border:none;border-top:solid #E1E1E1 1.0pt'>",
	"<p style=\"border-top: solid 1px\">", "<div a='divRplyFwdMs'>", "<div x=\"border-top:soli\">",
	"<div x='gmail_quot'>", "<div \0 gmail_quote>", "<!-- c -->", "<!-- <p> -->", "<!--",
	"-->", "<!DOCTYPE html>", "<?xml ?>", "< p>", "<", ">", "</", "<a href=x", "&amp;", "&nbsp;",
	"&#52;", "&#x31;", "&#;", "&foo;", "&", "&lt", "&NewLine;", " ", "  ", "\t", "\r\n", "\n",
	"\f", "4111", "1111", "a", "word", "カード", "番号", "\xe3\x82", "\xff", "\0", "x y", " z ",
	"abcdefghijklmno", "0123456789abcdef", "a b c d e f g h i", "long-run.of_text/0123", " ",
};

static void visible(bool plain, const char *in, size_t len, sm_tbuf *b, size_t *q)
{
	sm_tbuf_init(b, len);
	if (plain)
		html_plain(in, len, b, q);
	else
		sm_html_visible(in, len, b, q);
}

static void test_against_plain(void)
{
	GRand *r = g_rand_new_with_seed(300);
	unsigned quotes = 0;

	for (unsigned round = 0; round < 20000; round++) {
		GString *g = g_string_new(NULL);
		int n = g_rand_int_range(r, 0, round % 10 ? 30 : 300);
		sm_tbuf a, b;
		size_t qa, qb;

		for (int k = 0; k < n; k++) {
			const char *p = pieces[g_rand_int_range(r, 0, G_N_ELEMENTS(pieces))];
			size_t l = p[0] ? strlen(p) : 1; /* "\0": one NUL */

			if (g_rand_int_range(r, 0, 8) == 0) /* a piece cut short */
				l = (size_t)g_rand_int_range(r, 0, (gint32)l + 1);
			g_string_append_len(g, p, (gssize)l);
		}
		visible(true, g->str, g->len, &a, &qa);
		visible(false, g->str, g->len, &b, &qb);
		g_assert_cmpuint(b.len, ==, a.len);
		g_assert_cmpuint(qb, ==, qa);
		if (a.len == b.len && memcmp(a.text, b.text, a.len) != 0) {
			g_test_message("round %u: the texts differ", round);
			g_test_fail();
		}
		for (size_t i = 0; i < a.len && i < b.len; i++) {
			uint32_t sa, ea, sb, eb;

			sm_vmap_get(&a.map, i, &sa, &ea);
			sm_vmap_get(&b.map, i, &sb, &eb);
			if (sa != sb || ea != eb) {
				g_test_message("round %u: byte %zu maps to [%u, %u), not [%u, %u)", round,
					       i, sb, eb, sa, ea);
				g_test_fail();
				break;
			}
		}
		quotes += qa != (size_t)-1;
		sm_tbuf_free(&a);
		sm_tbuf_free(&b);
		g_string_free(g, TRUE);
	}
	g_assert_cmpuint(quotes, >, 1000);
	g_rand_free(r);
}

/* The HTML view by its contract, stage by stage: decode, the visible text
 * (the plain reading above), its map composed, folding (sm_fold_into), the quote
 * point carried through the fold's map, the maps composed.  What
 * sm_view_new builds in one pass (sm_html_visible_folded) must equal it. */
static sm_view *html_by_stages(const uint8_t *src, size_t len, const sm_charset *cs)
{
	sm_tbuf dec, mid, fin;
	sm_vmap m;
	size_t hq;
	bool trunc = false;
	sm_view *v = g_new0(sm_view, 1);

	sm_tbuf_init(&dec, len);
	sm_charset_decode(cs, src, len, (size_t)-1, false, &dec, &trunc);
	sm_tbuf_init(&mid, dec.len);
	html_plain(dec.text, dec.len, &mid, &hq);
	sm_tbuf_finish(&mid);
	sm_vmap_compose(&mid.map, &dec.map, &m);
	sm_vmap_clear(&mid.map);
	mid.map = m;
	sm_tbuf_init(&fin, mid.len);
	sm_fold_into(mid.text, mid.len, &fin);
	v->quote_start = hq > UINT32_MAX ? fin.len : sm_vmap_first_at(&fin.map, (uint32_t)hq);
	sm_vmap_compose(&fin.map, &mid.map, &m);
	sm_vmap_clear(&fin.map);
	v->text = fin.text;
	v->len = fin.len;
	v->map = m;
	v->src_len = len;
	sm_tbuf_free(&mid);
	sm_tbuf_free(&dec);
	return v;
}

static bool same_view(const sm_view *a, const sm_view *b, size_t *at)
{
	size_t i;

	if (a->len != b->len || memcmp(a->text, b->text, a->len) != 0 ||
	    a->quote_start != b->quote_start) {
		*at = (size_t)-1;
		return false;
	}
	for (i = 0; i < a->len; i++) {
		size_t as, ae, bs, be;

		sm_view_map(a, i, &as, &ae);
		sm_view_map(b, i, &bs, &be);
		if (as != bs || ae != be) {
			*at = i;
			return false;
		}
	}
	return true;
}

/* Random HTML of the pieces that matter to either stage (tags that break
 * lines, cells, hidden elements, quote markers, entities of every kind,
 * white space, characters the fold changes, removes, expands or composes,
 * invalid bytes and NULs), under labels that read it in place, decode it,
 * or find it invalid: the one-pass view against the stages. */
static void test_view_vs_stages(void)
{
	static const char *const pool[] = {
		"<p>", "</p>", "<br>", "<div class=x>", "</div>", "<td>", "</td>", "<tr>", "<table>",
		"<blockquote>", "<div id=divRplyFwdMsg>", "<style>a{b:c}</style>", "<!-- c -->",
		"<span>", "</span>", "<o:p>", "&nbsp;", "&amp;", "&#49;", "&#x2460;", "&zwsp;",
		"&shy;", "&#x10a;", "&#265;", "&#12363;", "&#65438;", "&#xff76;", "&bogus;", "&", "<", " ", "  ", "\n",
		"\t", "\r\n", "abc", "4111", "-", "\xef\xbd\xb6" /* ｶ */, "\xef\xbe\x9e" /* ﾞ */,
		"\xef\xbe\x9f", "\xe3\x81\x8b" /* か */, "\xe6\x97\xa5\xe6\x9c\xac", "\xef\xbc\x94",
		"\xef\xbc\x8d", "\xe3\x80\x80", "\xc2\xa0", "\xe2\x80\x8b", "\xe2\x91\xa0" /* ① */,
		"\xe3\x88\xb1" /* ㈱ */, "\xe3\x8d\x97" /* ㍗ */, "\xc3\xa9", "\xf0\x9f\x98\x80",
		"\xef\xbd\xa1", "\xe2\x80\x90", "\xe3\x80\x82", "\xe3\x80\x8c", "\x80", "\xe3\x81",
		"\0"};
	static const char *const labels[] = {"utf-8", "iso-8859-1", "shift_jis", "utf-16le", NULL};
	GRand *r = g_rand_new_with_seed(18);
	int round, bad = 0;

	for (round = 0; round < 3000 && bad < 5; round++) {
		GString *src = g_string_new(round % 7 == 6 ? "\xef\xbb\xbf" : NULL);
		const char *label = labels[g_rand_int_range(r, 0, G_N_ELEMENTS(labels))];
		/* mostly valid UTF-8: the last three pieces (invalid, NUL) now and then */
		size_t npool = G_N_ELEMENTS(pool) - (round % 3 ? 3 : 0), at;
		int n = g_rand_int_range(r, 0, 60), k;
		sm_view *v, *want;

		for (k = 0; k < n; k++) {
			const char *c = pool[g_rand_int_range(r, 0, (gint32)npool)];

			g_string_append_len(src, c, *c ? (gssize)strlen(c) : 1);
		}
		v = sm_view_new((const uint8_t *)src->str, src->len, label, true, (size_t)-1, NULL);
		want = html_by_stages((const uint8_t *)src->str, src->len, &v->cs);
		if (!same_view(v, want, &at)) {
			g_test_message("round %d (%s, %zu bytes): views differ at %zd", round,
				       label ? label : "none", src->len, (ssize_t)at);
			bad++;
		}
		sm_view_free(v);
		sm_view_free(want);
		g_string_free(src, TRUE);
	}
	g_rand_free(r);
	g_assert_cmpint(bad, ==, 0);
}

/* sm_html_tag_class (one word, a switch) against the table read in turn:
 * every name the table knows in random case, cut short, grown by a byte,
 * one byte changed, and random names of the bytes a tag name holds. */
static void test_tag_class(void)
{
	static const char *const names[] = {
		"p", "div", "br", "tr", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
		"table", "blockquote", "pre", "hr", "dl", "dt", "dd", "section", "article",
		"header", "footer", "address", "center", "form", "fieldset", "tbody", "thead",
		"o:p", "td", "th", "script", "style", "head", "title", "xml", "span", "a",
		"blockquotes", "fieldsets", "img", "meta", "body", "html", "font", "b", "i"};
	static const char bytes[] = "abcdhlmoprstuvxyABDHPRTX0169:-_\x80\xe3@[`{";
	GRand *r = g_rand_new_with_seed(38);
	unsigned known = 0;

	for (int round = 0; round < 60000; round++) {
		char name[16];
		size_t n;

		if (g_rand_int_range(r, 0, 4)) {
			const char *w = names[g_rand_int_range(r, 0, (int)G_N_ELEMENTS(names))];

			n = strlen(w);
			memcpy(name, w, n);
			for (size_t i = 0; i < n; i++)
				if (g_rand_boolean(r))
					name[i] = g_ascii_toupper(name[i]);
			switch (g_rand_int_range(r, 0, 6)) {
			case 0:
				n -= n > 0;
				break;
			case 1: /* a NUL too: "p" and a NUL is no tag of the table */
				name[n++] = g_rand_int_range(r, 0, 4) ? bytes[g_rand_int_range(r, 0, (int)sizeof(bytes) - 1)] : '\0';
				break;
			case 2:
				name[g_rand_int_range(r, 0, (int)n)] =
					bytes[g_rand_int_range(r, 0, (int)sizeof(bytes) - 1)];
				break;
			case 3:
				name[g_rand_int_range(r, 0, (int)n)] = '\0';
				break;
			default:
				break;
			}
		} else {
			n = (size_t)g_rand_int_range(r, 0, 13);
			for (size_t i = 0; i < n; i++)
				name[i] = bytes[g_rand_int_range(r, 0, (int)sizeof(bytes) - 1)];
		}
		unsigned want = sm_html_tag_class_plain(name, n);

		known += want != 0;
		if (sm_html_tag_class(name, n) != want)
			g_error("tag class of a %zu-byte name (round %d): want %u", n, round, want);
	}
	g_assert_cmpuint(known, >, 10000);
	g_rand_free(r);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/html/against_plain", test_against_plain);
	g_test_add_func("/html/view_vs_stages", test_view_vs_stages);
	g_test_add_func("/html/tag_class", test_tag_class);
	return g_test_run();
}
