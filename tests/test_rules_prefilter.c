/*
 * test_rules_prefilter.c - the rules' literal prefilters (rules_prefilter.c): which words
 * a pattern's source guarantees, the constructs that give no prefilter, and
 * that a text the prefilter rejects is one the pattern cannot match
 * (including U+017F / U+212A, which PCRE2 matches caselessly as s / k).
 * Texts are invented; no secrets.
 */
#include "rules_priv.h"
#include "testutil.h"

#include <stdio.h>

/* sm_lit_required(pat) joined with ',' ("" when there is none). */
static char *req(const char *pat)
{
	char **w = sm_lit_required(pat);
	char *s = w ? g_strjoinv(",", w) : g_strdup("");

	g_strfreev(w);
	return s;
}

static void check_req(const char *pat, const char *want)
{
	char *got = req(pat);

	if (strcmp(got, want) != 0)
		g_test_message("pattern %s: got '%s', want '%s'", pat, got, want);
	g_assert_cmpstr(got, ==, want);
	g_free(got);
}

static void test_required(void)
{
	check_req("\\b(?:you|we)\\s+(?:may|can)\\s+(?:now\\s+)?close\\s+(?:the|this|our)\\s+"
		  "(?:case|ticket|request|SR)",
		  "close");
	check_req("\\b(?:this|the|our)\\s+(?:issue|problem)\\s+(?:is|has\\s+been|was)\\s+"
		  "(?:now\\s+)?(?:resolved|solved|fixed)",
		  "issue,problem");
	check_req("\\b(?:request|need|want|require)\\b[^.?!\\n]{0,30}\\b24\\s*(?:x|/)\\s*7\\b",
		  "request,need,want,require"); /* the longer words */
	check_req("Feature\\s+requests?\\b", "feature");   /* lower-cased */
	check_req("colou?r\\s+scheme", "scheme");           /* 'u' optional: "colo" */
	check_req("x{2}close", "close");                    /* quantified x dropped */
	check_req("(?:abc|abd)?\\s*zz", "zz");              /* optional group: not used */
	check_req("(?:abcd|abce)+\\s*z", "abcd,abce");      /* at least once */
	check_req("(?-i:Severity)\\s+A", "");               /* inside a group: unknown */
}

static void test_no_prefilter(void)
{
	static const char *const none[] = {
		"close|open",              /* top-level alternation */
		"\\Qclose\\E",             /* quoting */
		"(?x)close # comment",     /* extended mode */
		"(*COMMIT)close",          /* verb */
		"[[:alpha:]]close",        /* POSIX class */
		"(a)\\1close",             /* back-reference escape */
		"\\x{63}lose",             /* escapes the reader does not decode */
		"(?#note)close",           /* comment group */
		"a\\s+b",                  /* only one-letter words */
		"(unbalanced",             /* not a pattern */
		NULL,
	};
	const char *const *p;

	for (p = none; *p; p++)
		check_req(*p, "");
}

/* The pattern matches `text` => the prefilter must not call it absent. */
static void sound(const char *pat, const char *text, bool want_match)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
				       PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec,
				       &eo, NULL);
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	char **w = sm_lit_required(pat);
	sm_lit_text lt;
	bool m;

	g_assert_nonnull(re);
	g_assert_nonnull(w);
	m = pcre2_match(re, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL) >= 0;
	g_assert_true(m == want_match);
	sm_lit_scan(&lt, text, strlen(text));
	if (m)
		g_assert_false(sm_lit_absent(w, &lt));
	sm_lit_text_clear(&lt);
	g_strfreev(w);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
}

static void test_sound(void)
{
	const char *close = "\\b(?:you|we)\\s+(?:may|can)\\s+close\\s+(?:the|this)\\s+case";
	const char *issue = "\\b(?:this|the)\\s+(?:issue|problem)\\s+is\\s+(?:resolved|fixed)";

	sound(close, "ありがとうございます。You can close the case now.", true);
	sound(close, "WE MAY CLOSE THIS CASE", true);
	sound(close, "we may\tclose\nthe case", true);
	sound(close, "no such words here", false);
	sound(issue, "The PROBLEM is Fixed.", true);
	/* U+017F LATIN SMALL LETTER LONG S matches s caselessly */
	sound(issue, "the i\xc5\xbf\xc5\xbfue is resolved", true);
	/* U+212A KELVIN SIGN matches k caselessly */
	sound("\\bthan\\s+thanks\\b", "than than\xe2\x84\xaas", true);
	sound("\\bthan\\s+thanks\\b", "than thanKs", true);
}

static void test_absent(void)
{
	char *w[] = {"close", "24", NULL};
	sm_lit_text lt;
	const char *t = "Nothing to see: c-l-o-s-e 2 4";

	sm_lit_scan(&lt, t, strlen(t));
	g_assert_true(sm_lit_absent(w, &lt));
	g_assert_false(sm_lit_absent(NULL, &lt)); /* no prefilter: never absent */
	sm_lit_text_clear(&lt);
	t = "CLOSE";
	sm_lit_scan(&lt, t, strlen(t));
	g_assert_false(sm_lit_absent(w, &lt));
	sm_lit_text_clear(&lt);
	t = "x24x"; /* 24 in the middle, length not a multiple of 8 */
	sm_lit_scan(&lt, t, strlen(t));
	g_assert_false(sm_lit_absent(w, &lt));
	sm_lit_text_clear(&lt);
	{
		/* the search anchors on a word's rarest letter ('b' in problem):
		 * words at either end, cut short, or longer than the text */
		static const struct {
			const char *text;
			bool absent;
		} c[] = {
			{"PROBLEM", false},       {"a problem", false}, {"problem.", false},
			{"xxproblemxx", false},   {"proble", true},     {"roblem", true},
			{"b", true},              {"", true},           {"probl em", true},
			{"problxm problem", false},
		};
		char *pw[] = {"problem", NULL};
		size_t i;

		for (i = 0; i < G_N_ELEMENTS(c); i++) {
			sm_lit_scan(&lt, c[i].text, strlen(c[i].text));
			if (sm_lit_absent(pw, &lt) != c[i].absent)
				g_test_message("text '%s'", c[i].text);
			g_assert_true(sm_lit_absent(pw, &lt) == c[i].absent);
			sm_lit_text_clear(&lt);
		}
	}
	t = "\xc5\xbf and \xe2\x84\xaa";
	sm_lit_scan(&lt, t, strlen(t));
	g_assert_true(lt.sk);
	sm_lit_text_clear(&lt);
}

/* Which list entries get a prefilter: only those without a first code unit. */
static void test_relist(void)
{
	static const char *const pats[] = {
		"\\bplease\\s+close\\s+it",              /* first code unit p: none */
		"\\b(?:you|we)\\s+close\\s+the\\s+case", /* no first code unit */
		NULL,
	};
	sm_relist l;
	char err[256] = "";

	g_assert_cmpint(sm_relist_compile(&l, pats, NULL, "phrases", false, err, sizeof(err)),
			==, 0);
	g_assert_null(l.req[0]);
	g_assert_nonnull(l.req[1]);
	if (l.req[1])
		g_assert_cmpstr(l.req[1][0], ==, "close");
	sm_relist_clear(&l);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/rules_lit/required", test_required);
	g_test_add_func("/rules_lit/no_prefilter", test_no_prefilter);
	g_test_add_func("/rules_lit/sound", test_sound);
	g_test_add_func("/rules_lit/absent", test_absent);
	g_test_add_func("/rules_lit/relist", test_relist);
	return g_test_run();
}
