/*
 * test_sr.c - SR numbers: calendar dates, age and future limits, the
 * Subject forms (ASCII and full-width), suffixes, other systems' tags, body
 * keywords, sm_sr_is_sr_at, and configuration errors with file:line.
 * The test numbers are fabricated; `now` is fixed (2024-12-06 00:00 UTC).
 */
#include "rules_priv.h" /* sm_sr_scan: the truncation flag */
#include "sr.h"
#include "rulesutil.h"
#include "testutil.h"
#include "view.h"

#include <stdio.h>
#include <unistd.h>

#define NOW ((time_t)1733443200) /* 2024-12-06T00:00:00Z */

static sm_sr *defaults(void)
{
	char err[512] = "";
	sm_sr *s = sm_sr_load(NULL, err, sizeof(err));

	g_assert_nonnull(s);
	g_assert_cmpstr(err, ==, "");
	return s;
}

/* Load `body` (a libconfig file) and compile its group `sr`; err gets the error. */
static sm_sr *from_conf(const char *body, char *err, size_t errlen)
{
	config_t cf;
	sm_sr *s = NULL;

	if (sm_test_config(body, &cf, err, errlen))
		s = sm_sr_load(config_lookup(&cf, "sr"), err, errlen);
	config_destroy(&cf);
	return s;
}

/* How many SR numbers the folded form of utf8 carries; first one in first. */
static size_t find(const sm_sr *s, const char *utf8, bool subject, char first[17])
{
	char out[4][17];
	char *f = sm_fold(utf8, strlen(utf8));
	size_t n = sm_sr_find(s, f, strlen(f), subject, NOW, out, 4);

	first[0] = '\0';
	if (n)
		memcpy(first, out[0], 17);
	g_free(f);
	return n;
}

static void test_dates(void)
{
	sm_sr *s = defaults();

	g_assert_true(sm_sr_valid(s, "2411220040001234", NOW));
	g_assert_false(sm_sr_valid(s, "2413010040001234", NOW)); /* month 13 */
	g_assert_false(sm_sr_valid(s, "2400010040001234", NOW)); /* month 0 */
	g_assert_false(sm_sr_valid(s, "2411000040001234", NOW)); /* day 0 */
	g_assert_false(sm_sr_valid(s, "2410320040996324", NOW)); /* day 32 */
	g_assert_false(sm_sr_valid(s, "2402300040001234", NOW)); /* 30 February */
	g_assert_false(sm_sr_valid(s, "2411310040001234", NOW)); /* 31 November */
	g_assert_true(sm_sr_valid(s, "2402290040001234", NOW));  /* 2024 is a leap year */
	g_assert_false(sm_sr_valid(s, "2302290040001234", NOW)); /* 2023 is not */
	g_assert_false(sm_sr_valid(s, "2202290040001234", NOW));
	g_assert_false(sm_sr_valid(s, "241122004000123", NOW));   /* 15 digits */
	g_assert_false(sm_sr_valid(s, "24112200400012345", NOW)); /* 17 digits */
	g_assert_false(sm_sr_valid(s, "24112200400O1234", NOW));  /* a letter */
	sm_sr_free(s);
}

static void test_window(void)
{
	sm_sr *s = defaults();

	g_assert_true(sm_sr_valid(s, "2412060040001234", NOW));  /* today */
	g_assert_true(sm_sr_valid(s, "2412070040001234", NOW));  /* one day of slack */
	g_assert_false(sm_sr_valid(s, "2412080040001234", NOW)); /* two days ahead */
	g_assert_false(sm_sr_valid(s, "2512010040001234", NOW)); /* next year */
	g_assert_true(sm_sr_valid(s, "1912080040001234", NOW));  /* 1825 days old */
	g_assert_true(sm_sr_valid(s, "1912070040001234", NOW));  /* 1826: the limit */
	g_assert_false(sm_sr_valid(s, "1912060040001234", NOW)); /* 1827: one past */
	/* the same number is fine a year later, and too new a year earlier */
	g_assert_false(sm_sr_valid(s, "2412070040001234", NOW - 2 * 86400));
	sm_sr_free(s);
}

static void test_config_age(void)
{
	char err[512] = "";
	sm_sr *s = from_conf("sr: { max_age_days = 30; future_slack_days = 0; };", err,
			     sizeof(err));

	g_assert_nonnull(s);
	if (!s)
		return;
	g_assert_true(sm_sr_valid(s, "2411220040001234", NOW));
	g_assert_false(sm_sr_valid(s, "2410010040001234", NOW));
	g_assert_false(sm_sr_valid(s, "2412070040001234", NOW)); /* no slack now */
	sm_sr_free(s);
}

static void test_subject_forms(void)
{
	static const char *const forms[] = {
		"RE: Scan slow - TrackingID#2411220040001234",
		"RE: Scan slow - TrackingID# 2411220040001234",
		"SR#2411220040001234 scan slow",
		"SR 2411220040001234 scan slow",
		"SR:2411220040001234 scan slow",
		"RE: [SR#2411220040001234] スキャンが遅い",
		"Case #: 2411220040001234 status",
		"RE: Case 2411220040001234 - status update",
		"お問い合わせ番号 2411220040001234 の件",
		"案件番号 2411220040001234 について",
		"問い合わせ番号：2411220040001234",
		"RE: 2411220040001234 Fix schedule",
		"ＲＥ：［ＳＲ＃２４１１２２００４０００１２３４］　全角",
		"Re[2]: TrackingID#２４１１２２００４０００１２３４",
		"返信: 転送: SR#2411220040001234",
		"[EXTERNAL] RE: TrackingID#2411220040001234",
		"SR#2411220040001234001 with a suffix",
		"SR#2411220040001234 and again TrackingID#2411220040001234",
		"SR-2411220040001234 ハイフン",
		"【SR#2411220040001234】 隅付き括弧",
		"RE: SR No.2411220040001234",
		"お問合せ番号（2411220040001234）の件",
		"SR番号：２４１１２２００４０００１２３４",
		/* issue 14: every bracket, keyword, prefix and gateway tag */
		"RE: 《2411220040001234》 ログ送付",
		"RE: <2411220040001234> log",
		"（2411220040001234）ログ",
		"〔SR 2411220040001234〕",
		"Case No: 2411220040001234",
		"Case No.2411220040001234",
		"SR#: 2411220040001234",
		"ケース番号 2411220040001234",
		"ケース 2411220040001234 の件",
		"ケース2411220040001234",
		"お問合せ 2411220040001234",
		"お問い合わせ：2411220040001234",
		"問合せNo.2411220040001234",
		"問い合わせ番号は、2411220040001234",
		"Ticket #2411220040001234",
		"[Ticket#2411220040001234] ticket form",
		"Support Request 2411220040001234",
		"Support Request No.2411220040001234",
		"TrackingID#2411220040001234001",
		"TrackingID2411220040001234",
		"SR2411220040001234",
		"Ｃａｓｅ　Ｎｏ．２４１１２２００４０００１２３４",
		"ＳＲ№2411220040001234",
		"受付番号：2411220040001234",
		"RE: RE: FW: Fwd: 2411220040001234",
		"AW: WG: 2411220040001234",
		"転送: 返信: RE: 【2411220040001234】",
		"[外部] RE: 2411220040001234 件名",
		"【社外】Re: SR 2411220040001234",
		"[EXTERNAL] [外部] 2411220040001234",
		".2411220040001234",
		":2411220040001234",
		"#2411220040001234",
		"-2411220040001234",
		"_2411220040001234",
		"＃２４１１２２００４０００１２３４",
		"・2411220040001234",
		"2411220040001234-001 (suffix after a hyphen)",
		"INC 2411220040001234 (an SR-shaped number after another tag)",
		NULL,
	};
	sm_sr *s = defaults();
	char first[17];
	size_t i;

	for (i = 0; forms[i]; i++) {
		g_test_message("form %zu", i);
		g_assert_cmpuint(find(s, forms[i], true, first), ==, 1);
		g_assert_cmpstr(first, ==, "2411220040001234");
	}
	sm_sr_free(s);
}

static void test_subject_negatives(void)
{
	sm_sr *s = defaults();
	char first[17];

	g_assert_cmpuint(find(s, "Question about device isolation", true, first), ==, 0);
	g_assert_cmpuint(find(s, "RE: [SR#2410320040996324] 進捗確認", true, first), ==, 0);
	g_assert_cmpuint(find(s, "SR#2402300040001234 30 Feb", true, first), ==, 0);
	g_assert_cmpuint(find(s, "[Ticket#24112200] other system", true, first), ==, 0);
	g_assert_cmpuint(find(s, "INC0012345 other system", true, first), ==, 0);
	/* glued to a letter or a digit: not standing alone */
	g_assert_cmpuint(find(s, "ABC2411220040001234", true, first), ==, 0);
	g_assert_cmpuint(find(s, "x2411220040001234 ", true, first), ==, 0);
	g_assert_cmpuint(find(s, "92411220040001234", true, first), ==, 0);
	/* impossible or future dates, with every form */
	g_assert_cmpuint(find(s, "【お問い合わせ番号：2413220040001234】", true, first), ==, 0);
	g_assert_cmpuint(find(s, "Case No.2402300040001234", true, first), ==, 0);
	g_assert_cmpuint(find(s, "#2502290040001234", true, first), ==, 0);
	g_assert_cmpuint(find(s, "Ticket 2412240040001234 (future)", true, first), ==, 0);
	g_assert_cmpuint(find(s, "ケース 2411220040001234 と ケース 2411230040001234", true,
			      first),
			 ==, 2);
	g_assert_cmpuint(find(s, "order 24112200400012345 (17 digits)", true, first), ==, 0);
	g_assert_cmpuint(find(s, "SR#241122004000123 (15 digits)", true, first), ==, 0);
	g_assert_cmpuint(find(s, "KB5044281 build 10.0.20348.2762", true, first), ==, 0);
	/* another system's tag beside a real SR leaves the SR alone */
	g_assert_cmpuint(find(s, "[Ticket#12345] RE: [SR#2411220040001234] x", true, first), ==,
			 1);
	g_assert_cmpstr(first, ==, "2411220040001234");
	sm_sr_free(s);
}

static void test_two(void)
{
	sm_sr *s = defaults();
	char out[4][17];
	const char *subj = "RE: Case 2411250040310623 / Case 2412030040706137 統合のご相談";
	size_t n = sm_sr_find(s, subj, strlen(subj), true, NOW, out, 4);

	g_assert_cmpuint(n, ==, 2);
	g_assert_cmpstr(out[0], ==, "2411250040310623");
	g_assert_cmpstr(out[1], ==, "2412030040706137");
	/* max bounds the answer */
	g_assert_cmpuint(sm_sr_find(s, subj, strlen(subj), true, NOW, out, 1), ==, 1);
	sm_sr_free(s);
}

static void test_body(void)
{
	sm_sr *s = defaults();
	char first[17];

	/* a bare number counts only in the Subject */
	g_assert_cmpuint(find(s, "order 2411220040001234 shipped", false, first), ==, 0);
	g_assert_cmpuint(find(s, "Related SR: 2409300010525370", false, first), ==, 1);
	g_assert_cmpstr(first, ==, "2409300010525370");
	g_assert_cmpuint(find(s, "関連SR番号: 2409300010525370", false, first), ==, 1);
	g_assert_cmpuint(find(s, "Update on case 2411220040639778:", false, first), ==, 1);
	g_assert_cmpuint(find(s, "お問い合わせ番号（2411220040639778）", false, first), ==, 1);
	g_assert_cmpuint(find(s, "TrackingID#:2411220040639778", false, first), ==, 1);
	{
		/* unfolded U+017F (long s) matches S caselessly: the literal
		 * prefilters (rules_prefilter.c) must not skip these forms */
		static const char *const longs[] = {
			"\xc5\xbfR: 2409300010525370",
			"\xc5\xbfupport request 2409300010525370",
			"the support request 2409300010525370",
			"SUPPORT CASE: 2409300010525370",
		};
		char out[2][17];
		size_t i;

		for (i = 0; i < G_N_ELEMENTS(longs); i++)
			g_assert_cmpuint(sm_sr_find(s, longs[i], strlen(longs[i]), false, NOW, out,
						    2),
					 ==, 1);
		g_assert_cmpuint(sm_sr_find(s, "supp0rt request 2409300010525370", 32, false, NOW,
					    out, 2),
				 ==, 0);
	}
	g_assert_cmpstr(first, ==, "2411220040639778");
	sm_sr_free(s);
}

static void test_is_sr_at(void)
{
	sm_sr *s = defaults();
	const char *t = "Related SR: 2409300010525370 and card 4111111111111111, "
			"bare 2411220040001234, SR#2411220040001234001.";
	const char *p;

	p = strstr(t, "2409");
	g_assert_true(sm_sr_is_sr_at(s, t, strlen(t), p - t, p - t + 16, NOW));
	p = strstr(t, "4111");
	g_assert_false(sm_sr_is_sr_at(s, t, strlen(t), p - t, p - t + 16, NOW));
	p = strstr(t, "bare ") + 5;
	g_assert_false(sm_sr_is_sr_at(s, t, strlen(t), p - t, p - t + 16, NOW));
	p = strstr(t, "SR#2411") + 3;
	g_assert_true(sm_sr_is_sr_at(s, t, strlen(t), p - t, p - t + 19, NOW));
	g_assert_false(sm_sr_is_sr_at(s, t, strlen(t), 5, 3, NOW)); /* empty span */
	sm_sr_free(s);
}

/* max_matches: at the limit and one past it; the caller's max likewise. */
static void test_limits(void)
{
	char err[512] = "";
	sm_sr *s = from_conf("sr: { max_matches = 3; };", err, sizeof(err));
	const char *three = "SR#2411220040000001 SR#2411220040000002 SR#2411220040000003 "
			    "SR#2411220040000001";
	const char *four = "SR#2411220040000001 SR#2411220040000002 SR#2411220040000003 "
			   "SR#2411220040000004";
	char out[8][17];
	bool t = true;

	g_assert_nonnull(s);
	if (!s)
		return;
	g_assert_cmpuint(sm_sr_scan(s, three, strlen(three), false, NOW, out, 8, &t), ==, 3);
	g_assert_false(t);
	g_assert_cmpuint(sm_sr_scan(s, four, strlen(four), false, NOW, out, 8, &t), ==, 3);
	g_assert_true(t);
	g_assert_cmpuint(sm_sr_scan(s, three, strlen(three), false, NOW, out, 3, &t), ==, 3);
	g_assert_false(t);
	g_assert_cmpuint(sm_sr_scan(s, three, strlen(three), false, NOW, out, 2, &t), ==, 2);
	g_assert_true(t);
	g_assert_cmpstr(out[0], ==, "2411220040000001"); /* order of appearance */
	g_assert_cmpstr(out[1], ==, "2411220040000002");
	sm_sr_free(s);
}

/* Arbitrary bytes (invalid UTF-8 included) never crash or overrun. */
static void test_garbage(void)
{
	static const char *const bits[] = {"SR#", "2411220040001234", "\xe3\x80", "\xff", "Case",
					   " ", "#", "[Ticket#", "]", "\xef\xbc\x91", "0"};
	GRand *rnd = g_rand_new_with_seed(42);
	sm_sr *s = defaults();
	int round, i;

	for (round = 0; round < 300; round++) {
		GString *g = g_string_new(NULL);
		char out[4][17];
		size_t n, a;

		for (i = 0; i < 40; i++)
			g_string_append(g, bits[g_rand_int_range(rnd, 0, G_N_ELEMENTS(bits))]);
		n = sm_sr_find(s, g->str, g->len, round & 1, NOW, out, 4);
		g_assert_cmpuint(n, <=, 4);
		for (a = 0; a < n; a++)
			g_assert_true(sm_sr_valid(s, out[a], NOW));
		a = g_rand_int_range(rnd, 0, (gint32)g->len);
		(void)sm_sr_is_sr_at(s, g->str, g->len, a, MIN(g->len, a + 16), NOW);
		g_string_free(g, TRUE);
	}
	g_rand_free(rnd);
	sm_sr_free(s);
}

static void test_config_errors(void)
{
	char err[512];
	sm_sr *s;

	s = from_conf("sr: {\n  max_age_days = 0;\n};\n", err, sizeof(err));
	g_assert_null(s);
	g_assert_nonnull(strstr(err, ":2: key 'max_age_days'"));
	s = from_conf("sr: {\n  colour = 1;\n};\n", err, sizeof(err));
	g_assert_null(s);
	g_assert_nonnull(strstr(err, ":2: unknown key 'colour'"));
	s = from_conf("sr: {\n\n  patterns = [ \"SR(\\\\d{16})\" ];\n};\n", err, sizeof(err));
	g_assert_null(s);
	g_assert_nonnull(strstr(err, ":3: key 'patterns': pattern 1: has no (?<sr>...) group"));
	s = from_conf("sr: {\n  subject_ignore = [ \"[x\" ];\n};\n", err, sizeof(err));
	g_assert_null(s);
	g_assert_nonnull(strstr(err, ":2: key 'subject_ignore': pattern 1:"));
	g_test_message("%s", err);
	/* a custom form works */
	s = from_conf("sr: { patterns = [ \"Fall\\\\s*(?<sr>\\\\d{16})\" ]; };", err, sizeof(err));
	g_assert_nonnull(s);
	if (s) {
		char first[17];

		g_assert_cmpuint(find(s, "Fall 2411220040001234", false, first), ==, 1);
		g_assert_cmpuint(find(s, "SR#2411220040001234", false, first), ==, 0);
		sm_sr_free(s);
	}
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/sr/dates", test_dates);
	g_test_add_func("/sr/window", test_window);
	g_test_add_func("/sr/config_age", test_config_age);
	g_test_add_func("/sr/subject_forms", test_subject_forms);
	g_test_add_func("/sr/subject_negatives", test_subject_negatives);
	g_test_add_func("/sr/two", test_two);
	g_test_add_func("/sr/body", test_body);
	g_test_add_func("/sr/is_sr_at", test_is_sr_at);
	g_test_add_func("/sr/limits", test_limits);
	g_test_add_func("/sr/garbage", test_garbage);
	g_test_add_func("/sr/config_errors", test_config_errors);
	return g_test_run();
}
