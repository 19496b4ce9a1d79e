/* test_view.c - folding, HTML visible text, and the map back: exact and
 * monotone on every part of every corpus message and charset vector. */
#include "msg.h"
#include "fold.h"
#include "view.h"
#include "testmsg.h"
#include "testutil.h"

static void test_fold(void)
{
	struct {
		const char *in, *out;
	} c[] = {
		{"４１１１－１１１１", "4111-1111"},
		{"パスワード：ａｂｃ", "パスワード:abc"},
		{"12\u200b34\u00ad56", "123456"},
		{"a\u3000b\u00a0c", "a b c"},
		{"ｶﾞｲﾄﾞ", "ガイド"},
		{"①㈱", "1(株)"},
		{"4111\u22121111", "4111-1111"},
		/* a voiced mark after a run of kana and kanji composes with its last */
		{"日本語のかﾞ、ｶﾞ。", "日本語のが、ガ。"},
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(c); i++) {
		char *f = sm_fold(c[i].in, strlen(c[i].in));

		g_assert_cmpstr(f, ==, c[i].out);
		g_free(f);
	}
}

static void test_map_fullwidth(void)
{
	const char *s = "x４１";
	sm_view *v = sm_view_new_utf8(s, strlen(s));
	size_t a, b;

	g_assert_cmpstr(v->text, ==, "x41");
	sm_view_src_range(v, 1, 3, &a, &b);
	g_assert_cmpuint(a, ==, 1);
	g_assert_cmpuint(b, ==, 7);
	sm_view_free(v);
}

static void expect_range(const sm_view *v, size_t i, size_t a, size_t b)
{
	size_t s, e;

	sm_view_map(v, i, &s, &e);
	g_assert_cmpuint(s, ==, a);
	g_assert_cmpuint(e, ==, b);
}

/* Multi-byte runs, a fold that composes (ｶﾞ), NFKC, an ISO-2022-JP run. */
static void test_map_runs(void)
{
	const char *u = "あいう4111ｶﾞ①x";
	const char j[] = "\x1b$B$\"$$\x1b(Bab";
	sm_view *v = sm_view_new_utf8(u, strlen(u));

	g_assert_cmpstr(v->text, ==, "あいう4111ガ1x");
	expect_range(v, 1, 0, 3);
	expect_range(v, 5, 3, 6);
	expect_range(v, 8, 6, 9);
	expect_range(v, 9, 9, 10);
	expect_range(v, 12, 12, 13);
	expect_range(v, 13, 13, 19); /* ガ: both half-width source characters */
	expect_range(v, 15, 13, 19);
	expect_range(v, 16, 19, 22);
	expect_range(v, 17, 22, 23);
	expect_range(v, 18, strlen(u), strlen(u));
	sm_view_free(v);
	v = sm_view_new((const uint8_t *)j, sizeof(j) - 1, "iso-2022-jp", false, (size_t)-1, NULL);
	g_assert_cmpstr(v->text, ==, "あいab");
	expect_range(v, 0, 3, 5);
	expect_range(v, 5, 5, 7);
	expect_range(v, 6, 10, 11);
	expect_range(v, 7, 11, 12);
	sm_view_free(v);
}

/* Random UTF-8 text against a naive reference: each source character folds
 * on its own (sm_fold) and every byte it gives maps to that character. */
static void test_map_random_vs_naive(void)
{
	static const char *pool[] = {"a", "7", " ", "\n", "あ", "漢", "４", "Ａ", "\u3000", "\u200b",
				     "①", "㈱", "－", "ｶ", "é", "😀", "\u00a0", "-"};
	GRand *r = g_rand_new_with_seed(11);
	int round;

	for (round = 0; round < 40; round++) {
		GString *src = g_string_new(NULL), *want = g_string_new(NULL);
		GArray *ws = g_array_new(FALSE, FALSE, sizeof(size_t));
		GArray *we = g_array_new(FALSE, FALSE, sizeof(size_t));
		int n = g_rand_int_range(r, 1, 3000), k;
		sm_view *v;
		size_t i, bad = (size_t)-1;

		for (k = 0; k < n; k++) {
			const char *c = pool[g_rand_int_range(r, 0, G_N_ELEMENTS(pool))];
			char *f = sm_fold(c, strlen(c));
			size_t a = src->len, z = a + strlen(c), b;

			g_string_append(src, c);
			g_string_append(want, f);
			for (b = 0; b < strlen(f); b++) {
				g_array_append_val(ws, a);
				g_array_append_val(we, z);
			}
			g_free(f);
		}
		v = sm_view_new_utf8(src->str, src->len);
		g_assert_cmpstr(v->text, ==, want->str);
		for (i = 0; i < v->len && i < ws->len && bad == (size_t)-1; i++) {
			size_t s, e;

			sm_view_map(v, i, &s, &e);
			if (s != g_array_index(ws, size_t, i) || e != g_array_index(we, size_t, i))
				bad = i;
		}
		if (bad != (size_t)-1) {
			g_test_message("round %d: view byte %zu maps differently", round, bad);
			g_test_fail();
		}
		sm_view_free(v);
		g_string_free(src, TRUE);
		g_string_free(want, TRUE);
		g_array_free(ws, TRUE);
		g_array_free(we, TRUE);
	}
	g_rand_free(r);
}

static void test_html(void)
{
	const char *h = "<html><head><style>p{color:red}</style></head><body>"
			"<p>4111<span>1111</span>&nbsp;11&#49;1 &amp;</p>"
			"<script>var x=1;</script><div>a\n   b</div>"
			"<blockquote>quoted</blockquote></body></html>";
	sm_view *v = sm_view_new((const uint8_t *)h, strlen(h), "utf-8", true, (size_t)-1, NULL);
	const char *one = strstr(v->text, "1111 111");
	size_t a, b;

	g_assert_nonnull(strstr(v->text, "41111111 1111 &"));
	g_assert_null(strstr(v->text, "color"));
	g_assert_null(strstr(v->text, "var x"));
	g_assert_nonnull(strstr(v->text, "a b"));
	g_assert_nonnull(one);
	/* the '1' written as &#49; maps back to the whole entity */
	sm_view_src_range(v, (size_t)(one - v->text) + 7, (size_t)(one - v->text) + 8, &a, &b);
	g_assert_cmpmem(h + a, b - a, "&#49;", 5);
	g_assert_cmpuint(v->quote_start, <, v->len);
	g_assert_cmpstr(v->text + v->quote_start, ==, "quoted\n");
	sm_view_free(v);
}

/* Valid UTF-8 HTML is read in place; the same ASCII bytes labelled
 * ISO-8859-1 go through decoding: the same text, quote point and map. */
static void test_html_in_place(void)
{
	const char *h = "<p>card&nbsp;4111 <b>1111</b>&#x31;111 1111</p><!-- x --><div>pw: "
			"<i>s3cret</i></div>\r\n<blockquote>q &amp; a</blockquote><p>tail</p>";
	sm_view *a = sm_view_new((const uint8_t *)h, strlen(h), "utf-8", true, (size_t)-1, NULL);
	sm_view *b = sm_view_new((const uint8_t *)h, strlen(h), "iso-8859-1", true, (size_t)-1,
				 NULL);
	size_t i;

	g_assert_cmpint(a->cs.kind, ==, SM_CS_UTF8);
	g_assert_cmpint(b->cs.kind, !=, SM_CS_UTF8);
	g_assert_cmpstr(a->text, ==, b->text);
	g_assert_cmpuint(a->quote_start, ==, b->quote_start);
	g_assert_cmpuint(a->quote_start, <, a->len);
	for (i = 0; i <= a->len; i++) {
		size_t as, ae, bs, be;

		sm_view_map(a, i, &as, &ae);
		sm_view_map(b, i, &bs, &be);
		g_assert_cmpuint(as, ==, bs);
		g_assert_cmpuint(ae, ==, be);
	}
	sm_view_free(a);
	sm_view_free(b);
}

/* Every view byte maps into [0, src_len], monotone, start <= end. */
static void check_map(const sm_view *v, const char *what)
{
	size_t i, s, e, last = 0;

	for (i = 0; i < v->len; i++) {
		sm_view_map(v, i, &s, &e);
		if (s < last || s > e || e > v->src_len) {
			g_test_message("%s: map broken at view byte %zu", what, i);
			g_test_fail();
			return;
		}
		last = s;
	}
}

static void views_of_file(const char *path)
{
	gsize len;
	char *raw = sm_test_read(path, &len);
	sm_limits lim = {.max_message_bytes = 1 << 30, .max_parts = 1000, .max_depth = 20,
			 .max_header_bytes = 1 << 20, .max_headers = 5000};
	sm_msg *m = sm_msg_parse((const uint8_t *)raw, len, &lim);
	guint i;

	g_assert_cmpint(m->status, ==, SM_MSG_OK);
	for (i = 0; i < m->parts->len; i++) {
		const sm_part *p = g_ptr_array_index(m->parts, i);
		GByteArray *d = g_byte_array_new();
		sm_view *v;
		char what[256];

		sm_msg_decode(m, p, 1 << 26, d);
		v = sm_view_new(d->data, d->len, p->charset, strcmp(p->ctype, "text/html") == 0,
				(size_t)-1, NULL);
		g_snprintf(what, sizeof(what), "%s part %s", path, p->loc);
		check_map(v, what);
		g_assert_true(g_utf8_validate(v->text, (gssize)v->len, NULL));
		sm_view_free(v);
		g_byte_array_free(d, TRUE);
	}
	sm_msg_free(m);
	g_free(raw);
}

static void test_corpus_maps(void)
{
	const char *dirs[] = {"../shared/corpus/public", "../shared/corpus/vectors", "tests/corpus"};
	size_t k;
	int n = 0;

	for (k = 0; k < G_N_ELEMENTS(dirs); k++) {
		char *d = g_build_filename(sm_test_top(), dirs[k], NULL);
		GDir *dir = g_dir_open(d, 0, NULL);
		const char *name;

		while (dir && (name = g_dir_read_name(dir))) {
			char *rel;

			if (!g_str_has_suffix(name, ".eml"))
				continue;
			rel = g_build_filename(dirs[k], name, NULL);
			views_of_file(rel);
			g_free(rel);
			n++;
		}
		if (dir)
			g_dir_close(dir);
		g_free(d);
	}
	g_assert_cmpint(n, >=, 25);
}

/* The vectors: the JIS kanji is no number; the real cards beside it are. */
static void test_vectors_text(void)
{
	gsize len;
	char *raw = sm_test_read("../shared/corpus/vectors/multi.eml", &len);
	const char *q;
	int n = 0;
	sm_limits lim = {.max_parts = 100, .max_depth = 10, .max_header_bytes = 1 << 20,
			 .max_headers = 100};
	sm_msg *m = sm_msg_parse((const uint8_t *)raw, len, &lim);
	const sm_part *p = mime_part(m, 0);
	GByteArray *d = g_byte_array_new();
	sm_view *v;

	sm_msg_decode(m, p, 1 << 20, d);
	v = sm_view_new(d->data, d->len, p->charset, false, (size_t)-1, NULL);
	g_assert_nonnull(strstr(v->text, "官臼臼臼臼臼臼臼"));
	for (q = v->text; (q = strstr(q, "4111")) != NULL; q++)
		n++;
	g_assert_cmpint(n, ==, 2); /* 4111-1111-... and the ASCII one after で */
	sm_view_free(v);
	g_byte_array_free(d, TRUE);
	sm_msg_free(m);
	g_free(raw);
}

/* Compatibility characters fold to GLib's NFKC (fold.c keeps a table of
 * it): every character of the ranges folding normalises, alone and after a
 * kana so the half-width voiced marks take their own path. */
static void test_fold_nfkc(void)
{
	static const gunichar ranges[][2] = {{0x00b2, 0x00be}, {0x2070, 0x209f}, {0x2150, 0x218f},
					     {0x2460, 0x24ff}, {0x3200, 0x33ff}, {0xfe30, 0xfe4f},
					     {0xff61, 0xffef}};
	size_t r;
	unsigned bad = 0;

	for (r = 0; r < G_N_ELEMENTS(ranges); r++) {
		gunichar c;

		for (c = ranges[r][0]; c <= ranges[r][1]; c++) {
			char buf[8];
			int n;
			char *want, *got;

			if (c == 0x00b6 || c == 0x00bb || c == 0xff9e || c == 0xff9f)
				continue; /* not normalised; voiced marks compose instead */
			n = g_unichar_to_utf8(c, buf);
			want = g_utf8_normalize(buf, n, G_NORMALIZE_NFKC);
			got = sm_fold(buf, (size_t)n);
			if (g_strcmp0(want, got) != 0) {
				g_test_message("U+%04X folds to %s, NFKC %s", c, got, want);
				bad++;
			}
			g_free(want);
			g_free(got);
		}
	}
	g_assert_cmpuint(bad, ==, 0);
	{
		/* the table's first and last entries, and a character past the end */
		char *f = sm_fold("\xc2\xb2\xef\xbf\xaf\xef\xbf\xb0", 8);

		g_assert_cmpstr(f, ==, "2\xef\xbf\xaf\xef\xbf\xb0");
		g_free(f);
	}
}

/* scan_span.c reads an HTML part's markup as plain text under the charset
 * its visible view resolved (v->cs): the same view as resolving the label
 * again, for labels that hold, lie, or are missing, over bytes of every kind. */
static void test_raw_reuses_cs(void)
{
	static const char *const labels[] = {"utf-8", "iso-2022-jp", "shift_jis", "euc-jp",
					     "us-ascii", "iso-8859-1", "utf-16", "bogus-cs", NULL};
	static const char *const srcs[] = {
		"<p>caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac</p>",
		"<p>\x1b$B$3$s\x1b(B 4111</p>",
		"<b>\x83\x70\x83\x58</b> \xa4\xa2",
		"\xef\xbb\xbf<i>bom</i>",
		"\xff\xfe<\0b\0>\0",
		"plain <a title=\"x\">y</a>\0z",
		"",
	};
	size_t l, k;

	for (l = 0; l < G_N_ELEMENTS(labels); l++)
		for (k = 0; k < G_N_ELEMENTS(srcs); k++) {
			size_t n = k == 4 ? 9 : k == 5 ? 26 : strlen(srcs[k]), i;
			const uint8_t *b = (const uint8_t *)srcs[k];
			sm_view *vis = sm_view_new(b, n, labels[l], true, (size_t)-1, NULL);
			sm_view *ref = sm_view_new(b, n, labels[l], false, (size_t)-1, NULL);
			sm_view *raw = sm_view_new_cs(b, n, &vis->cs, false, (size_t)-1, NULL);

			g_assert_cmpint(raw->cs.kind, ==, ref->cs.kind);
			g_assert_cmpstr(raw->cs.name, ==, ref->cs.name);
			g_assert_cmpmem(raw->text, raw->len, ref->text, ref->len);
			for (i = 0; i < ref->len; i++) {
				size_t a, z, a2, z2;

				sm_view_map(raw, i, &a, &z);
				sm_view_map(ref, i, &a2, &z2);
				g_assert_cmpuint(a, ==, a2);
				g_assert_cmpuint(z, ==, z2);
			}
			sm_view_free(vis);
			sm_view_free(ref);
			sm_view_free(raw);
		}
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/view/fold", test_fold);
	g_test_add_func("/view/fold_nfkc", test_fold_nfkc);
	g_test_add_func("/view/map_fullwidth", test_map_fullwidth);
	g_test_add_func("/view/map_runs", test_map_runs);
	g_test_add_func("/view/map_random_vs_naive", test_map_random_vs_naive);
	g_test_add_func("/view/html", test_html);
	g_test_add_func("/view/html_in_place", test_html_in_place);
	g_test_add_func("/view/corpus_maps", test_corpus_maps);
	g_test_add_func("/view/vectors_text", test_vectors_text);
	g_test_add_func("/view/raw_reuses_cs", test_raw_reuses_cs);
	return g_test_run();
}
