/* test_re.c - PCRE2 matches under the scan's guard (parser/base/re.c): an
 * error (match limit, depth limit) is recorded, never taken for "no match";
 * with no guard the caller's context applies; the deadline stops a watched
 * pattern in the middle of a match; the thread keeps its match context and
 * JIT stack from guard to guard, each guard's limits in force; the built-in
 * detectors and the scan itself turn an error into the failure action and the deadline into the
 * transient limit action. */
#include "detect.h"
#include "re.h"
#include "scan.h"
#include "policyutil.h"
#include "testutil.h"
#include "view.h"

#include <unistd.h>

static const time_t NOW = 1733788800; /* 2024-12-10 */

static pcre2_code *compile(const char *pat, uint32_t flags)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF | flags,
				       &ec, &eo, NULL);

	g_assert_nonnull(re);
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/* Runs of 18 'a' and a space, then "ab": (?:a|a)+b backtracks 2^18 ways at
 * each start position, under a match limit of a million at every one, and
 * matches at the end (seconds of work in all). */
static char *pathological(size_t n)
{
	char *s = g_malloc(n + 1);

	for (size_t i = 0; i < n; i++)
		s[i] = i % 19 == 18 ? ' ' : 'a';
	s[n - 1] = 'b';
	s[n] = '\0';
	return s;
}

static void test_error_recorded(void)
{
	pcre2_code *re = compile("(?:a|a)+b", 0);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	const char *s = "aaaaaaaaaaaaaaaaaaaaaaaa cb";
	sm_re_limits lim = {1000, 1 << 20, 1 << 20};
	sm_re_guard g, *prev;
	int rc;

	pcre2_match_context *mc = pcre2_match_context_create(NULL);

	/* no guard: pcre2_match itself, with the caller's context */
	g_assert_null(sm_re_guard_current());
	pcre2_set_match_limit(mc, 1000);
	rc = sm_re_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, mc);
	g_assert_cmpint(rc, ==, PCRE2_ERROR_MATCHLIMIT);
	pcre2_set_match_limit(mc, 100000000);
	sm_re_guard_init(&g, &lim, 0);
	prev = sm_re_guard_enter(&g);
	rc = sm_re_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, mc); /* the guard's limit */
	g_assert_cmpint(rc, ==, PCRE2_ERROR_MATCHLIMIT);
	g_assert_cmpint(g.error, ==, PCRE2_ERROR_MATCHLIMIT);
	g_assert_cmpuint(g.errors, ==, 1);
	g_assert_false(g.expired);
	/* a plain no match is no error */
	rc = sm_re_match(re, (PCRE2_SPTR) "xyz", 3, 0, 0, md, NULL);
	g_assert_cmpint(rc, ==, PCRE2_ERROR_NOMATCH);
	g_assert_cmpuint(g.errors, ==, 1);
	sm_re_guard_leave(prev);
	g_assert_null(sm_re_guard_current());
	sm_re_guard_clear(&g);
	pcre2_match_context_free(mc);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
}

/* The deadline reaches into a running match of a watched pattern: without
 * the callout this match would run for seconds and succeed at the end. */
static void test_deadline_mid_pattern(void)
{
	pcre2_code *re = compile("(?:a|a)+b", SM_RE_WATCH);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	char *s = pathological(7800);
	sm_re_limits lim = {1000000, 64 << 20, 1 << 20};
	sm_re_guard g, *prev;
	int rc;

	sm_re_guard_init(&g, &lim, g_get_monotonic_time() + 20000);
	prev = sm_re_guard_enter(&g);
	rc = sm_re_match(re, (PCRE2_SPTR)s, 7800, 0, 0, md, NULL);
	g_assert_cmpint(rc, ==, PCRE2_ERROR_NOMATCH);
	g_assert_true(g.expired);
	g_assert_cmpint(g.error, ==, 0); /* the deadline is a limit, not an error */
	g_assert_true(sm_re_expired());
	/* once passed, no further match runs */
	rc = sm_re_match(re, (PCRE2_SPTR) "ab", 2, 0, 0, md, NULL);
	g_assert_cmpint(rc, ==, PCRE2_ERROR_NOMATCH);
	sm_re_guard_leave(prev);
	g_assert_false(sm_re_expired());
	sm_re_guard_clear(&g);
	g_free(s);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
}

/* The built-in detectors: a match limit of 1 fails every attempt; each
 * failure is recorded, none is taken for "no card here". */
static void test_builtin_errors(void)
{
	char err[256] = "";
	sm_detectors *d = sm_detectors_load(NULL, err, sizeof(err));
	const char *t = "card 4111 1111 1111 1111\npassword: Hunter2Secret!\n";
	sm_view *v = sm_view_new_utf8(t, strlen(t));
	GArray *hits = g_array_new(FALSE, TRUE, sizeof(sm_hit));
	sm_re_limits lim = {1, 1 << 20, 1 << 20, true};
	sm_re_guard g, *prev;

	g_assert_nonnull(d);
	sm_re_guard_init(&g, &lim, 0);
	prev = sm_re_guard_enter(&g);
	sm_detectors_scan(d, v, NULL, hits, 100);
	sm_re_guard_leave(prev);
	g_assert_cmpint(g.error, <, 0);
	g_assert_cmpuint(g.errors, >, 0);
	sm_re_guard_clear(&g);
	g_array_free(hits, TRUE);
	sm_view_free(v);
	sm_detectors_free(d);
}

/* One match under a fresh guard with these limits: its result. */
static int match_under(const sm_re_limits *lim, pcre2_code *re, const char *s, size_t len,
		       pcre2_match_data *md, sm_re_guard *g)
{
	sm_re_guard *prev;
	int rc;

	sm_re_guard_init(g, lim, 0);
	prev = sm_re_guard_enter(g);
	rc = sm_re_match(re, (PCRE2_SPTR)s, len, 0, 0, md, NULL);
	sm_re_guard_leave(prev);
	sm_re_guard_clear(g);
	return rc;
}

/* The thread keeps its match context and JIT stack from guard to guard
 * (no allocation, no mmap per message), sets each guard's limits anew and
 * builds the JIT stack again when its size changes (a reloaded policy). */
static void test_guard_kept(void)
{
	pcre2_code *re = compile("(?:a|a)+b", 0);
	pcre2_code *deep = compile("(a|ab)*$", PCRE2_NO_START_OPTIMIZE);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(deep, NULL);
	const char *s = "aaaaaaaaaaaaaaaaaaaaaaaa cb";
	char *run = g_strnfill(20000, 'a');
	sm_re_limits tight = {1000, 1 << 20, 1 << 20}, loose = {100000000, 1 << 20, 1 << 20};
	sm_re_limits small = {100000000, 1 << 20, 32768};
	sm_re_guard g, g2, *prev;
	unsigned b;

	g_assert_cmpint(match_under(&loose, re, s, strlen(s), md, &g), ==, PCRE2_ERROR_NOMATCH);
	b = sm_re_guard_builds();
	for (int i = 0; i < 3; i++) {
		/* the limits of this guard, not of the one before: tight, loose, tight */
		g_assert_cmpint(match_under(&tight, re, s, strlen(s), md, &g), ==,
				PCRE2_ERROR_MATCHLIMIT);
		g_assert_cmpint(g.errors, ==, 1);
		g_assert_cmpint(match_under(&loose, re, s, strlen(s), md, &g), ==,
				PCRE2_ERROR_NOMATCH);
		g_assert_cmpint(g.errors, ==, 0);
	}
	g_assert_cmpuint(sm_re_guard_builds(), ==, b); /* nothing built for six guards */
	/* a deep backtrack needs more than 32 KiB of JIT stack: the size in
	 * force is the guard's, the stack built again when it changes */
	g_assert_cmpint(match_under(&small, deep, run, 20000, md, &g), ==,
			PCRE2_ERROR_JIT_STACKLIMIT);
	g_assert_cmpuint(sm_re_guard_builds(), ==, b + 1);
	g_assert_cmpint(match_under(&loose, deep, run, 20000, md, &g), ==, 2);
	g_assert_cmpuint(sm_re_guard_builds(), ==, b + 2);
	g_assert_cmpint(match_under(&loose, deep, run, 20000, md, &g), ==, 2);
	g_assert_cmpuint(sm_re_guard_builds(), ==, b + 2);
	/* a second guard while the first is in use gets its own, freed with it */
	sm_re_guard_init(&g, &loose, 0);
	sm_re_guard_init(&g2, &tight, 0);
	g_assert_true(g.mctx != g2.mctx);
	prev = sm_re_guard_enter(&g2);
	g_assert_cmpint(sm_re_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL), ==,
			PCRE2_ERROR_MATCHLIMIT);
	sm_re_guard_leave(prev);
	prev = sm_re_guard_enter(&g);
	g_assert_cmpint(sm_re_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL), ==,
			PCRE2_ERROR_NOMATCH);
	sm_re_guard_leave(prev);
	sm_re_guard_clear(&g2);
	sm_re_guard_clear(&g);
	g_assert_cmpuint(sm_re_guard_builds(), ==, b + 4);
	g_free(run);
	pcre2_match_data_free(md);
	pcre2_code_free(deep);
	pcre2_code_free(re);
}

/* A kept match context calls back into the guard in force: the deadline
 * of the second guard stops its match (a callout left pointing at the
 * first would miss it). */
static void test_guard_kept_deadline(void)
{
	pcre2_code *re = compile("(?:a|a)+b", SM_RE_WATCH);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	char *s = pathological(7800);
	sm_re_limits lim = {1000000, 64 << 20, 1 << 20};
	sm_re_guard g, *prev;

	for (int i = 0; i < 2; i++) {
		sm_re_guard_init(&g, &lim, g_get_monotonic_time() + 20000);
		prev = sm_re_guard_enter(&g);
		g_assert_cmpint(sm_re_match(re, (PCRE2_SPTR)s, 7800, 0, 0, md, NULL), ==,
				PCRE2_ERROR_NOMATCH);
		g_assert_true(g.expired);
		sm_re_guard_leave(prev);
		sm_re_guard_clear(&g);
	}
	g_free(s);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
}

static sm_policy *policy(const char *extra)
{
	return sm_test_policy(extra);
}

static char *message(const char *body)
{
	return g_strdup_printf("From: a@b.example\nTo: support@vendor.example\nSubject: x\n\n%s\n",
			       body);
}

static void expect(const sm_result *r, sm_verdict v, const char *code, bool failed,
		   const char *note)
{
	const char *c, *x, *t;
	char *json = sm_result_json(r);

	sm_result_reply(r, &c, &x, &t);
	g_assert_cmpint(sm_result_verdict(r), ==, v);
	g_assert_cmpstr(c, ==, code);
	g_assert_cmpint(sm_result_failed(r), ==, failed);
	if (!strstr(json, note)) {
		g_test_message("no note '%s' in %s", note, json);
		g_test_fail();
	}
	g_free(json);
}

/* A PCRE2 error in a custom detector is a failure (on_failure), not "no
 * match" and not a limit. */
static void test_scan_error_fails(void)
{
	sm_policy *p = policy("limits: { regex_match_limit = 1000; };\n"
			      "detectors: { acme: { patterns = [ \"(?:a|a)+b\" ]; }; };");
	char *m = message("aaaaaaaaaaaaaaaaaaaaaaaaaaaa cb");
	sm_result *r = sm_scan_mem(p, m, strlen(m), NULL, NOW);

	expect(r, SM_V_TEMPFAIL, "451", true, "pattern matching failed");
	sm_result_free(r);
	sm_policy_unref(p);
	p = policy("policy: { on_failure = \"reject\"; };\nlimits: { regex_match_limit = 1000; };\n"
		   "detectors: { acme: { patterns = [ \"(?:a|a)+b\" ]; }; };");
	r = sm_scan_mem(p, m, strlen(m), NULL, NOW);
	expect(r, SM_V_REJECT, "550", true, "pattern matching failed");
	sm_result_free(r);
	sm_policy_unref(p);
	g_free(m);
}

/* The pathological custom pattern is ended by the deadline: on_limit (a
 * transient limit: 451, failed is false), even when permanent limits reject. */
static void test_scan_deadline(void)
{
	sm_policy *p = policy("limits: { scan_time_ms = 50; scan_time_ms_per_mib = 0; };\n"
			      "detectors: { acme: { patterns = [ \"(?:a|a)+b\" ]; }; };");
	char *s = pathological(7800), *m = message(s);
	sm_result *r = sm_scan_mem(p, m, strlen(m), NULL, NOW);

	expect(r, SM_V_TEMPFAIL, "451", false, "scan deadline passed");
	sm_result_free(r);
	sm_policy_unref(p);
	p = policy("limits: { scan_time_ms = 50; on_limit = \"accept\"; };\n"
		   "detectors: { acme: { patterns = [ \"(?:a|a)+b\" ]; }; };");
	r = sm_scan_mem(p, m, strlen(m), NULL, NOW);
	expect(r, SM_V_ACCEPT, NULL, false, "incomplete (limit exceeded)");
	sm_result_free(r);
	sm_policy_unref(p);
	g_free(s);
	g_free(m);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/re/error_recorded", test_error_recorded);
	g_test_add_func("/re/deadline_mid_pattern", test_deadline_mid_pattern);
	g_test_add_func("/re/builtin_errors", test_builtin_errors);
	g_test_add_func("/re/guard_kept", test_guard_kept);
	g_test_add_func("/re/guard_kept_deadline", test_guard_kept_deadline);
	g_test_add_func("/re/scan_error_fails", test_scan_error_fails);
	g_test_add_func("/re/scan_deadline", test_scan_deadline);
	return g_test_run();
}
