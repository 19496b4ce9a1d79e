/*
 * test_detect_prefilter.c - the edges of the detectors' prefilters: the one-pass
 * literal and keyword filter (detect_prefilter.c, eight positions per step), the
 * keyword-window filter (det_keyword_near) and the card walk's digit count.
 * Values at the very start and end of a text and at every offset around the
 * eight-byte steps, keywords exactly at and one byte past the window edge,
 * full-width and mixed-case keywords, cards split by spaces and dashes,
 * digits only, and texts with no candidate at all.  Failure messages name
 * the case and offsets, never the test value.
 */
#include "config.h"
#include "detect.h"
#include "testutil.h"

#include <glib/gstdio.h>

static sm_detectors *D;
static char *tmpdir;

static int det_index(const sm_detectors *d, const char *id)
{
	size_t i;

	for (i = 0; i < sm_detectors_count(d); i++)
		if (strcmp(sm_detectors_info(d, (unsigned)i)->id, id) == 0)
			return (int)i;
	return -1;
}

/* Hits of d over text (UTF-8, folded into a view). */
static GArray *scan_with(const sm_detectors *d, const char *text, size_t len)
{
	GArray *hits = g_array_new(FALSE, TRUE, sizeof(sm_hit));
	sm_view *v = sm_view_new_utf8(text, len);

	sm_detectors_scan(d, v, NULL, hits, 1000);
	sm_view_free(v);
	return hits;
}

/* The hit of detector id over [s, e) (view bytes), or NULL. */
static const sm_hit *find(const sm_detectors *d, GArray *hits, const char *id, size_t s, size_t e)
{
	int k = det_index(d, id);
	unsigned i;

	for (i = 0; i < hits->len; i++) {
		const sm_hit *h = &g_array_index(hits, sm_hit, i);

		if (h->det == (unsigned)k && h->start == s && h->end == e)
			return h;
	}
	return NULL;
}

static unsigned count(const sm_detectors *d, GArray *hits, const char *id)
{
	int k = det_index(d, id);
	unsigned i, n = 0;

	for (i = 0; i < hits->len; i++)
		n += g_array_index(hits, sm_hit, i).det == (unsigned)k;
	return n;
}

/* text = pad * n + value + tail: id reports exactly the value. */
static void expect_at(const char *name, const char *id, size_t n, const char *value,
		      const char *tail)
{
	GString *g = g_string_new(NULL);
	GArray *hits;
	bool ok;

	for (size_t i = 0; i < n; i++)
		g_string_append_c(g, i % 7 == 6 ? ' ' : 'a' + (char)(i % 7));
	if (n)
		g_string_append_c(g, ' ');
	g_string_append(g, value);
	g_string_append(g, tail);
	hits = scan_with(D, g->str, g->len);
	ok = find(D, hits, id, g->len - strlen(tail) - strlen(value), g->len - strlen(tail)) != NULL;
	if (!ok)
		g_test_message("case '%s' at offset %zu: %s did not report the value (%u hits)", name,
			       n, id, hits->len);
	g_assert_true(ok);
	g_array_free(hits, TRUE);
	g_string_free(g, TRUE);
}

/* ------------------------------------------------------------ start and end */

static void test_every_offset(void)
{
	size_t n;

	/* around the eight-position steps and the tail loop of the prefilter */
	for (n = 0; n < 40; n++) {
		expect_at("card", "credit_card", n, "4111 1111 1111 1111", "");
		expect_at("card, one byte after", "credit_card", n, "4111-1111-1111-1111", ".");
		expect_at("aws key id", "cloud_secret", n, "AKIAIOSFODNN7EXAMPLE", "");
		expect_at("jwt", "cloud_secret", n,
			  "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijk", "");
	}
	for (n = 0; n < 24; n++) {
		GString *g = g_string_new(NULL);
		GArray *hits;
		const char *v = "Tr0ub4dor#3x";

		g_string_append_len(g, "                        ", (gssize)n);
		g_string_append(g, "pw: ");
		g_string_append(g, v);
		hits = scan_with(D, g->str, g->len);
		if (!find(D, hits, "password", g->len - strlen(v), g->len))
			g_test_message("case 'password at the end' at offset %zu: not reported", n);
		g_assert_nonnull(find(D, hits, "password", g->len - strlen(v), g->len));
		g_array_free(hits, TRUE);
		g_string_free(g, TRUE);
	}
}

static void test_whole_text(void)
{
	static const char *const whole[][2] = {
		{"credit_card", "4111111111111111"},
		{"credit_card", "4111 1111 1111 1111"},
		{"cloud_secret", "AKIAIOSFODNN7EXAMPLE"},
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(whole); i++) {
		GArray *hits = scan_with(D, whole[i][1], strlen(whole[i][1]));

		if (!find(D, hits, whole[i][0], 0, strlen(whole[i][1])))
			g_test_message("case 'whole text' %zu: %s not reported", i, whole[i][0]);
		g_assert_nonnull(find(D, hits, whole[i][0], 0, strlen(whole[i][1])));
		g_array_free(hits, TRUE);
	}
}

/* A literal that only occurs as the last two bytes still lets its regex run. */
static void test_literal_at_end(void)
{
	/* the SAS pattern is caseless, its literal is "sig=" or "SIG=" */
	const char *t = "GET /c?sv=2020-08-04&Sig=abcdefghijklmnop1234 then sig=";
	GArray *hits = scan_with(D, t, strlen(t));

	g_assert_nonnull(find(D, hits, "cloud_secret", 25, 45));
	g_array_free(hits, TRUE);
	t = "GET /c?sv=2020-08-04&Sig=abcdefghijklmnop1234 then sig";
	hits = scan_with(D, t, strlen(t));
	g_assert_cmpuint(hits->len, ==, 0);
	g_array_free(hits, TRUE);
}

/* A literal's rare anchor at the very start, before the literal could begin. */
static void test_anchor_before_start(void)
{
	static const char *const texts[] = {
		"gId\": \"x\"", "Id\":", "tKey=abcdefghijklmnopqrstuvwxyz", "Key=", "cret=",
		"J.eyJ", "B", "-B", "i", "", "ecret", "Q~", "/u", "2", "p_onboard.json",
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(texts); i++) {
		GArray *hits = scan_with(D, texts[i], strlen(texts[i]));

		if (hits->len)
			g_test_message("case 'anchor at start' %zu: %u hits", i, hits->len);
		g_assert_cmpuint(hits->len, ==, 0);
		g_array_free(hits, TRUE);
	}
}

/* ------------------------------------------------------------ keyword windows */

/*
 * Confidence of the card hit (-1: none) with keyword kw starting `dist`
 * bytes before the number, or ending `dist` bytes after it.
 */
static int card_conf(const char *kw, size_t dist, bool before)
{
	const char *card = "4111 1111 1111 1111";
	size_t kl = strlen(kw), cl = strlen(card), s = 0;
	GString *g = g_string_new(NULL);
	GArray *hits;
	const sm_hit *h;
	int conf;

	g_assert_cmpuint(dist, >=, kl + 2);
	if (before) {
		g_string_append(g, kw);
		g_string_append_c(g, ' ');
		while (g->len + 1 < dist)
			g_string_append_c(g, 'z');
		g_string_append_c(g, ' ');
		s = g->len;
	}
	g_string_append(g, card);
	if (!before) {
		g_string_append_c(g, ' ');
		while (g->len + 1 + kl < cl + dist)
			g_string_append_c(g, 'z');
		g_string_append_c(g, ' ');
		g_string_append(g, kw);
	}
	hits = scan_with(D, g->str, g->len);
	h = find(D, hits, "credit_card", s, s + cl);
	if (!h && hits->len == 1) /* a full-width keyword before it: folded shorter */
		h = &g_array_index(hits, sm_hit, 0);
	conf = h && h->end - h->start == cl ? h->confidence : -1;
	g_array_free(hits, TRUE);
	g_string_free(g, TRUE);
	return conf;
}

static void test_card_window_edge(void)
{
	/* window = 300: a keyword starting 300 bytes before the number counts,
	 * 301 does not; one ending 300 bytes after it counts, 301 does not */
	static const char *const kws[] = {"visa", "VISA", "Credit Card", "カード番号",
					  "セキュリティコード", "有効期限"};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(kws); i++) {
		g_test_message("keyword %zu", i);
		g_assert_cmpint(card_conf(kws[i], 300, true), ==, 90);
		g_assert_cmpint(card_conf(kws[i], 301, true), ==, 60);
		g_assert_cmpint(card_conf(kws[i], 300, false), ==, 90);
		g_assert_cmpint(card_conf(kws[i], 301, false), ==, 60);
		g_assert_cmpint(card_conf(kws[i], 40, true), ==, 90);
		g_assert_cmpint(card_conf(kws[i], 40, false), ==, 90);
	}
}

/* My Number needs its keyword within 100 bytes. */
static void test_mynumber_window_edge(void)
{
	static const char *const kws[] = {"マイナンバー", "個人番号", "my number", "MyNumber",
					  "Individual Number"};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(kws); i++) {
		size_t gap;

		for (gap = 98; gap <= 101; gap++) {
			GString *g = g_string_new(kws[i]);
			GArray *hits;
			size_t s;
			bool want = gap <= 100, got;

			/* the keyword (a whole word) starts `gap` bytes before the number */
			g_string_append_c(g, ' ');
			while (g->len < gap)
				g_string_append_c(g, g->len + 1 == gap ? ' ' : 'z');
			s = g->len;
			g_string_append(g, "123456789018");
			hits = scan_with(D, g->str, g->len);
			got = find(D, hits, "my_number", s, s + 12) != NULL;
			if (got != want)
				g_test_message("keyword %zu, %zu bytes before: %s", i, gap,
					       got ? "reported" : "not reported");
			g_assert_true(got == want);
			g_array_free(hits, TRUE);
			g_string_free(g, TRUE);
		}
	}
}

/* ------------------------------------------------------------ keyword forms */

static void test_keyword_case_and_width(void)
{
	{
		static const char *const pw[] = {"ＰａｓｓＷｏｒｄ：Xk9#2291", "pAsSwOrD = Xk9#2291",
						 "PASSWORD: Xk9#2291", "ＰＷ：Xk9#2291",
						 "ﾊﾟｽﾜｰﾄﾞ：Xk9#2291", "Pwd=Xk9#2291"};
		size_t i;

		for (i = 0; i < G_N_ELEMENTS(pw); i++) {
			GArray *hits = scan_with(D, pw[i], strlen(pw[i]));

			if (count(D, hits, "password") != 1)
				g_test_message("case 'password form' %zu: %u hits", i,
					       count(D, hits, "password"));
			g_assert_cmpuint(count(D, hits, "password"), ==, 1);
			g_array_free(hits, TRUE);
		}
	}
	{
		static const char *const mn[] = {"ＭＹ ＮＵＭＢＥＲ 123456789018", "mY nUmBeR 123456789018",
						 "ﾏｲﾅﾝﾊﾞｰ 123456789018", "INDIVIDUAL NUMBER: 1234 5678 9018"};
		size_t i;

		for (i = 0; i < G_N_ELEMENTS(mn); i++) {
			GArray *hits = scan_with(D, mn[i], strlen(mn[i]));

			if (count(D, hits, "my_number") != 1)
				g_test_message("case 'my number keyword' %zu: %u hits", i,
					       count(D, hits, "my_number"));
			g_assert_cmpuint(count(D, hits, "my_number"), ==, 1);
			g_array_free(hits, TRUE);
		}
	}
	/* a keyword inside a word is not one: "mynumberfield", "passwordless" */
	{
		static const char *const no[] = {"mynumberfield 123456789018",
						 "passwordless: Xk9#2291", "xmy number 123456789018"};
		size_t i;

		for (i = 0; i < G_N_ELEMENTS(no); i++) {
			GArray *hits = scan_with(D, no[i], strlen(no[i]));

			if (hits->len)
				g_test_message("case 'keyword inside a word' %zu: %u hits", i,
					       hits->len);
			g_assert_cmpuint(hits->len, ==, 0);
			g_array_free(hits, TRUE);
		}
	}
	g_assert_cmpint(card_conf("ＶＩＳＡ", 20, true), ==, 90);
	g_assert_cmpint(card_conf("cReDiT cArD", 20, true), ==, 90);
	g_assert_cmpint(card_conf("ExPiRy", 20, false), ==, 90);
	g_assert_cmpint(card_conf("zzzzzz", 20, false), ==, 60);
}

/* ------------------------------------------------------------ digits */

static void test_card_splits(void)
{
	static const char *const yes[] = {"4111 1111 1111 1111", "4111-1111-1111-1111",
					  "3782 822463 10005", "3056-9309-0259-04",
					  "4222222222222" /* 13 digits: the shortest card */};
	static const char *const no[] = {"4111 1111-1111 1111", "4111  1111 1111 1111",
					 "4111--1111--1111--1111", "4111 1111 1111 111 1"};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(yes); i++)
		expect_at("card split", "credit_card", 5, yes[i], " end");
	for (i = 0; i < G_N_ELEMENTS(no); i++) {
		GArray *hits = scan_with(D, no[i], strlen(no[i]));

		if (count(D, hits, "credit_card"))
			g_test_message("case 'bad split' %zu: reported", i);
		g_assert_cmpuint(count(D, hits, "credit_card"), ==, 0);
		g_array_free(hits, TRUE);
	}
}

static void test_only_digits(void)
{
	GString *g = g_string_new(NULL);
	GArray *hits;
	size_t i;

	/* one long run: no group of 13-19 digits, nothing */
	for (i = 0; i < 100000; i++)
		g_string_append_c(g, (char)('0' + i % 10));
	hits = scan_with(D, g->str, g->len);
	g_assert_cmpuint(hits->len, ==, 0);
	g_array_free(hits, TRUE);
	/* single digits joined by spaces: clusters cut every 16 groups, nothing */
	g_string_truncate(g, 0);
	for (i = 0; i < 50000; i++)
		g_string_append(g, i % 2 ? " " : "4");
	hits = scan_with(D, g->str, g->len);
	g_assert_cmpuint(hits->len, ==, 0);
	g_array_free(hits, TRUE);
	/* digits only, a card among them: found by its own separators */
	g_string_assign(g, "12 4111 1111 1111 1111 34");
	hits = scan_with(D, g->str, g->len);
	g_assert_nonnull(find(D, hits, "credit_card", 3, 22));
	g_array_free(hits, TRUE);
	/* a My Number without a keyword, and twelve digits of a 13-digit run */
	g_string_assign(g, "123456789018 1234567890180");
	hits = scan_with(D, g->str, g->len);
	g_assert_cmpuint(hits->len, ==, 0);
	g_array_free(hits, TRUE);
	g_string_free(g, TRUE);
}

static void test_no_candidate(void)
{
	static const char *const texts[] = {
		"",
		"a",
		"Thank you for your reply. We checked the proxy settings again yesterday.",
		"お世話になっております。ログを添付いたしますので、ご確認をお願いいたします。",
		"2024-11-18T10:00:00.000Z Information Microsoft-Windows-Sense EventID=41 Task=3",
		"<p>The sensor health state is <b>inactive</b>.</p>",
		"chain orgId previousOrgIds sig secret -----BEGIN CERTIFICATE----- my pass",
	};
	GString *big = g_string_new(NULL);
	GArray *hits;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(texts); i++) {
		hits = scan_with(D, texts[i], strlen(texts[i]));
		if (hits->len)
			g_test_message("case 'no candidate' %zu: %u hits", i, hits->len);
		g_assert_cmpuint(hits->len, ==, 0);
		g_array_free(hits, TRUE);
	}
	for (i = 0; i < 4000; i++)
		g_string_append(big, texts[2 + i % 4]);
	hits = scan_with(D, big->str, big->len);
	g_assert_cmpuint(hits->len, ==, 0);
	g_array_free(hits, TRUE);
	g_string_free(big, TRUE);
}

/* ------------------------------------------------------------ configured keywords */

static sm_detectors *load_text(const char *text)
{
	char *path = g_build_filename(tmpdir, "d.conf", NULL);
	char err[1024] = "";
	config_t cf;
	sm_detectors *d = NULL;

	g_file_set_contents(path, text, -1, NULL);
	config_init(&cf);
	if (config_read_file(&cf, path))
		d = sm_detectors_load(config_lookup(&cf, "detectors"), err, sizeof(err));
	if (!d)
		g_test_message("load: %s", err);
	config_destroy(&cf);
	g_free(path);
	return d;
}

/*
 * Custom detector `id` (value: the six digits of PFX-123456) with keyword kw
 * starting `dist` bytes before the value, or ending `dist` bytes after it.
 */
static unsigned custom_hits(const sm_detectors *d, const char *id, const char *pfx,
			    const char *kw, size_t dist, bool before)
{
	size_t kl = strlen(kw);
	GString *g = g_string_new(NULL);
	GArray *hits;
	unsigned n;

	if (before) {
		g_string_append(g, kw);
		g_string_append_c(g, ' ');
		while (g->len + 1 + strlen(pfx) < dist)
			g_string_append_c(g, 'z');
		g_string_append_c(g, ' ');
	}
	g_string_append(g, pfx);
	g_string_append(g, "123456");
	if (!before) {
		size_t e = g->len;

		g_string_append_c(g, ' ');
		while (g->len + 1 + kl < e + dist)
			g_string_append_c(g, 'z');
		g_string_append_c(g, ' ');
		g_string_append(g, kw);
	}
	hits = scan_with(d, g->str, g->len);
	n = count(d, hits, id);
	g_array_free(hits, TRUE);
	g_string_free(g, TRUE);
	return n;
}

/* A custom detector's keyword window, with a one-byte keyword (no filter) and without. */
static void test_custom_keywords(void)
{
	sm_detectors *d = load_text(
		"detectors: { emp: { patterns = [ \"\\\\bEMP-([0-9]{6})\\\\b\" ];\n"
		"  keywords = [ \"社員番号\", \"Staff\", \"No\" ]; window = 20; };\n"
		"  one: { patterns = [ \"\\\\bONE-([0-9]{6})\\\\b\" ]; keywords = [ \"#\", \"社員\" ];\n"
		"  window = 20; }; };\n");
	static const struct {
		const char *id, *pfx, *kw;
	} cases[] = {
		{"emp", "EMP-", "社員番号"}, {"emp", "EMP-", "STAFF"}, {"emp", "EMP-", "staff"},
		{"emp", "EMP-", "no"},
		{"one", "ONE-", "#"}, {"one", "ONE-", "社員"},
	};
	size_t i;

	g_assert_nonnull(d);
	for (i = 0; d && i < G_N_ELEMENTS(cases); i++) {
		size_t kl = strlen(cases[i].kw);

		g_test_message("custom case %zu", i);
		g_assert_cmpuint(custom_hits(d, cases[i].id, cases[i].pfx, cases[i].kw, 20, true), ==, 1);
		g_assert_cmpuint(custom_hits(d, cases[i].id, cases[i].pfx, cases[i].kw, 21, true), ==, 0);
		g_assert_cmpuint(custom_hits(d, cases[i].id, cases[i].pfx, cases[i].kw, 20, false), ==, 1);
		g_assert_cmpuint(custom_hits(d, cases[i].id, cases[i].pfx, cases[i].kw, 21, false), ==, 0);
		g_assert_cmpuint(custom_hits(d, cases[i].id, cases[i].pfx, "zz", kl + 8, true), ==, 0);
	}
	sm_detectors_free(d);
}

/* Password and My Number disabled: the prefilter has no keyword table for them. */
static void test_disabled(void)
{
	sm_detectors *d = load_text("detectors: { password: { enabled = false; };\n"
				    "  my_number: { keywords = [ ]; }; };\n");
	const char *t = "password: Xk9#2291 マイナンバー 123456789018 4111 1111 1111 1111";
	GArray *hits;

	g_assert_nonnull(d);
	if (!d)
		return;
	hits = scan_with(d, t, strlen(t));
	g_assert_cmpint(det_index(d, "password"), ==, -1);
	g_assert_cmpuint(count(d, hits, "my_number"), ==, 0);
	g_assert_cmpuint(count(d, hits, "credit_card"), ==, 1);
	g_array_free(hits, TRUE);
	sm_detectors_free(d);
}

int main(int argc, char **argv)
{
	char err[256];
	int rc;

	sm_test_init(&argc, &argv);
	D = sm_detectors_load(NULL, err, sizeof(err));
	g_assert_nonnull(D);
	tmpdir = g_dir_make_tmp("smdetpre-XXXXXX", NULL);
	g_test_add_func("/detect_pre/every_offset", test_every_offset);
	g_test_add_func("/detect_pre/whole_text", test_whole_text);
	g_test_add_func("/detect_pre/anchor_before_start", test_anchor_before_start);
	g_test_add_func("/detect_pre/literal_at_end", test_literal_at_end);
	g_test_add_func("/detect_pre/card_window_edge", test_card_window_edge);
	g_test_add_func("/detect_pre/mynumber_window_edge", test_mynumber_window_edge);
	g_test_add_func("/detect_pre/keyword_case_and_width", test_keyword_case_and_width);
	g_test_add_func("/detect_pre/card_splits", test_card_splits);
	g_test_add_func("/detect_pre/only_digits", test_only_digits);
	g_test_add_func("/detect_pre/no_candidate", test_no_candidate);
	g_test_add_func("/detect_pre/custom_keywords", test_custom_keywords);
	g_test_add_func("/detect_pre/disabled", test_disabled);
	rc = g_test_run();
	sm_detectors_free(D);
	{
		char *conf = g_build_filename(tmpdir, "d.conf", NULL);

		g_unlink(conf);
		g_free(conf);
	}
	g_rmdir(tmpdir);
	g_free(tmpdir);
	return rc;
}
