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
	/* a group whose alternatives open with words: those (a last letter a
	 * quantifier may drop is not part of it) */
	check_req("\\b(?:errors?|issues?)\\s+(?:gone|fixed)", "error,issue");
	check_req("(?:crash(?:es)?|hang)\\s+zz", "crash,hang");
	check_req("x(?:abc\\s*cd|efg)\\s+z", "abc,efg");     /* the rest of each skipped */
	check_req("(?:abc\\Kdef|ghi)\\s+zz", "zz");          /* \\K: the match starts later */
	check_req("(?:abc|\\s+def)\\s+zz", "zz");            /* an alternative opens with \\s */
	check_req("(?:abcd[xy]|efgh(?:i|j)k)z", "abcd,efgh"); /* the rest of each skipped */
}

/* The second set: the best leading one when the best does not lead, else
 * the best other one. */
static void test_second(void)
{
	bool lead = false, bounded = false;
	sm_lit_second sec = {NULL, false, false, 0};
	const char *pat = "\\b(?:have\\s+not|haven't|did\\s+not)\\s+(?:seen|had)\\s+"
			  "(?:errors?|issues?)\\s+since";
	size_t at = 0;
	char **w = sm_lit_required_sets(pat, &lead, &bounded, &sec, &at);
	char *a = g_strjoinv(",", w), *b = sec.words ? g_strjoinv(",", sec.words) : g_strdup("");

	g_assert_cmpstr(a, ==, "since"); /* weighs the most (one word) */
	g_assert_cmpstr(pat + at, ==, "since");  /* where each set's item starts */
	g_assert_cmpuint(sec.at, ==, 2);
	g_assert_false(lead);
	g_assert_cmpstr(b, ==, "have,haven,did"); /* leads, after \\b */
	g_assert_true(sec.leading);
	g_assert_true(sec.bounded);
	g_free(a);
	g_free(b);
	g_strfreev(w);
	g_strfreev(sec.words);
	w = sm_lit_required_sets("\\bplease\\s+close\\s+it", &lead, &bounded, &sec, NULL);
	g_assert_true(lead);
	g_assert_nonnull(sec.words);
	if (sec.words)
		g_assert_cmpstr(sec.words[0], ==, "close");
	g_assert_false(sec.leading);
	g_strfreev(w);
	g_strfreev(sec.words);
	w = sm_lit_required_sets("x\\s+close", &lead, &bounded, &sec, &at); /* one set only */
	g_assert_null(sec.words);
	g_assert_cmpuint(at, ==, 4);
	g_strfreev(w);
	/* after a top-level option setting the rest reads under it: nowhere */
	w = sm_lit_required_sets("(?m)^x\\s+close$", &lead, &bounded, &sec, &at);
	g_assert_nonnull(w);
	g_assert_cmpuint(at, ==, SM_LIT_NOWHERE);
	g_strfreev(w);
	w = sm_lit_required_sets("(?<=a)closer\\s+(?:(?m)x)\\s+shut", &lead, &bounded, &sec, &at);
	g_assert_cmpuint(at, ==, 6); /* a lookbehind or an option inside a group is no setting */
	g_strfreev(w);
	g_strfreev(sec.words);
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
	sound("\\b(?:errors?|issues?)\\s+gone", "the error gone", true);
	sound("(?:crash(?:es)?|hang)\\s+again", "Crashes again", true);
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

/* Japanese words; a word is ASCII or Japanese, never both; the weight
 * prefers ideographs to kana; leading sets (every match starts there). */
static void test_japanese_lead(void)
{
	bool lead = false, bounded = false;
	char **w;

	check_req("(?:解決|解消)しました", "解決,解消");
	check_req("SR番号", "番号");                  /* not "sr番号": split by kind */
	check_req("(?:に|へ)(?:変更|格上げ)", "変更,格上げ"); /* kana weigh less */
	check_req("お?問い?合わ?せ番号", "せ番号");
	check_req("重大度", "重大度");
	w = sm_lit_required_lead("\\b(?:raise|bump)\\s+it", &lead, &bounded);
	g_assert_true(lead);
	g_assert_true(bounded);
	g_strfreev(w);
	w = sm_lit_required_lead("\\b(?:a\\s+)?(?:raise|bump)", &lead, &bounded);
	g_assert_false(bounded); /* something optional between */
	g_strfreev(w);
	w = sm_lit_required_lead("x\\bclose", &lead, &bounded);
	g_assert_true(bounded);
	g_strfreev(w);
	w = sm_lit_required_lead("\\Bclose", &lead, &bounded);
	g_assert_false(bounded);
	g_strfreev(w);
	/* \\s+ leaves a space before the word as \\s does; \\s* and \\s+? may not */
	w = sm_lit_required_lead("x\\s+close", &lead, &bounded);
	g_assert_true(bounded);
	g_strfreev(w);
	w = sm_lit_required_lead("x\\s*close", &lead, &bounded);
	g_assert_false(bounded);
	g_strfreev(w);
	w = sm_lit_required_lead("x\\s+?close", &lead, &bounded);
	g_assert_false(bounded);
	g_strfreev(w);
	w = sm_lit_required_lead("x+close", &lead, &bounded); /* x is a word byte */
	g_assert_false(bounded);
	g_strfreev(w);
	w = sm_lit_required_lead("(?<=ab)(?m)(?:close|shut)", &lead, NULL); /* zero width first */
	g_assert_true(lead);
	g_strfreev(w);
	w = sm_lit_required_lead("x?(?:raise|bump)", &lead, NULL);
	g_assert_nonnull(w);
	g_assert_false(lead);
	g_strfreev(w);
	w = sm_lit_required_lead("^\\s*close", &lead, NULL); /* \s consumes */
	g_assert_false(lead);
	g_strfreev(w);
	w = sm_lit_required_lead("(?:a|b)?解決", &lead, NULL);
	g_assert_false(lead);
	g_strfreev(w);
}

/* One pass finds every word of a set, either case for ASCII, and where. */
static void test_litset(void)
{
	sm_litset *s = sm_litset_new();
	const char *t = "xx CLOSE 解決 ab close";
	uint8_t present[4];
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(sm_lit_hit));
	bool over = false;

	g_assert_cmpint(sm_litset_add(s, "close", false), ==, 0);
	g_assert_cmpint(sm_litset_add(s, "解決", false), ==, 1);
	g_assert_cmpint(sm_litset_add(s, "zz", false), ==, 2);
	g_assert_cmpint(sm_litset_add(s, "close", false), ==, 0); /* once */
	sm_litset_scan(s, t, strlen(t), present, hits, 16, &over);
	g_assert_true(present[0] && present[1] && !present[2]);
	g_assert_false(over);
	g_assert_cmpuint(hits->len, ==, 3);
	g_assert_cmpuint(g_array_index(hits, sm_lit_hit, 0).pos, ==, 3);
	g_assert_cmpuint(g_array_index(hits, sm_lit_hit, 1).pos, ==, 9);
	g_assert_cmpint(g_array_index(hits, sm_lit_hit, 1).word, ==, 1);
	/* at the limit of kept occurrences: complete; one past: overflow */
	g_array_set_size(hits, 0);
	sm_litset_scan(s, t, strlen(t), present, hits, 3, &over);
	g_assert_false(over);
	g_array_set_size(hits, 0);
	sm_litset_scan(s, t, strlen(t), present, hits, 2, &over);
	g_assert_true(over);
	/* a word cut by the end of the text is absent */
	sm_litset_scan(s, "xx clos", 7, present, NULL, 0, &over);
	g_assert_false(present[0]);
	g_array_free(hits, TRUE);
	sm_litset_free(s);
	/* a word after \\b counts only where it starts a word of the text */
	s = sm_litset_new();
	g_assert_cmpint(sm_litset_add(s, "fix", true), ==, 0);
	sm_litset_scan(s, "hotfix", 6, present, NULL, 0, &over);
	g_assert_false(present[0]);
	sm_litset_scan(s, "a_fix", 5, present, NULL, 0, &over); /* '_' is a word byte */
	g_assert_false(present[0]);
	sm_litset_scan(s, "hot-FIX", 7, present, NULL, 0, &over);
	g_assert_true(present[0]);
	sm_litset_scan(s, "\xe3\x81\xae" "fix", 6, present, NULL, 0, &over); /* after Japanese */
	g_assert_true(present[0]);
	sm_litset_add(s, "fix", false); /* also used without \\b: everywhere */
	sm_litset_scan(s, "hotfix", 6, present, NULL, 0, &over);
	g_assert_true(present[0]);
	sm_litset_free(s);
}

static bool count_match(void *ud, const PCRE2_SIZE *ov)
{
	GString *g = ud;

	g_string_append_printf(g, "%zu-%zu,", (size_t)ov[0], (size_t)ov[1]);
	return true;
}

/* Anchored runs at the words' occurrences find what a whole-text search finds. */
static void test_anchored(void)
{
	static const char *const pats[] = {
		"\\b(?:close|shut)\\s+(?:the|this)\\s+case",
		"(?:解決|解消)(?:しました|した)",
		"(?<=\\s)(?:issue|problem)s?\\s+(?:gone|fixed)",
		NULL,
	};
	static const char *const texts[] = {
		"Close the case. closethe case. CLOSE  THIS CASE shut the case",
		"解決しました。解消した？ 未解決した 解決 しました",
		"issue fixed. The issues gone, problem fixed xproblem fixed",
		"",
		NULL,
	};
	sm_relist l;
	char err[256] = "";
	size_t i, k;

	g_assert_cmpint(sm_relist_compile(&l, pats, NULL, "phrases", false, err, sizeof(err)), ==,
			0);
	for (i = 0; i < l.n; i++) {
		g_test_message("pattern %zu", i);
		g_assert_nonnull(l.anch[i]); /* all three lead with their words */
	}
	for (k = 0; texts[k]; k++)
		for (i = 0; i < l.n; i++) {
			GString *a = g_string_new(NULL), *b = g_string_new(NULL);
			pcre2_match_data *md = pcre2_match_data_create(4, NULL);
			size_t from = 0, len = strlen(texts[k]);
			sm_gate g;

			sm_gate_init(&g, &l, texts[k], len);
			sm_gate_matches(&g, i, 64, count_match, a);
			sm_gate_clear(&g);
			while (from <= len && pcre2_match(l.re[i], (PCRE2_SPTR)texts[k], len, from, 0,
							  md, NULL) >= 0) {
				PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

				count_match(b, ov);
				from = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
			}
			if (strcmp(a->str, b->str) != 0)
				g_test_message("pattern %zu text %zu: %s vs %s", i, k, a->str, b->str);
			g_assert_cmpstr(a->str, ==, b->str);
			pcre2_match_data_free(md);
			g_string_free(a, TRUE);
			g_string_free(b, TRUE);
		}
	sm_relist_clear(&l);
}

static bool first_only(void *ud, const PCRE2_SIZE *ov)
{
	*(size_t *)ud = ov[0];
	return false;
}

/* A pattern whose words do not lead is searched within SM_PHRASE_SPAN (256)
 * bytes around their occurrences when they are few: at the limit the match
 * is found, one byte past it not (a whole-text search would). */
static void test_windowed(void)
{
	static const char *const pats[] = {"(?:x|y)\\s+(?:fixed|solved)", NULL};
	sm_relist l;
	char err[256] = "";
	GString *t = g_string_new(NULL);
	int gap;

	g_assert_cmpint(sm_relist_compile(&l, pats, NULL, "phrases", false, err, sizeof(err)), ==,
			0);
	g_assert_nonnull(l.req_ids[0]);
	g_assert_null(l.anch[0]); /* x, y are too short to gate on: fixed/solved, not leading */
	for (gap = 254; gap <= 256; gap++) {
		size_t at = (size_t)-1;
		sm_gate g;

		g_string_truncate(t, 0);
		while (t->len < 3000)
			g_string_append(t, "filler text ");
		g_string_append_c(t, 'x');
		while (t->len < 3001 + (size_t)gap)
			g_string_append_c(t, ' ');
		g_string_append(t, "fixed and more filler text to make it long enough.");
		sm_gate_init(&g, &l, t->str, t->len);
		sm_gate_matches(&g, 0, 1, first_only, &at);
		sm_gate_clear(&g);
		g_test_message("gap %d", gap);
		if (gap <= 255) /* "x" 1 + gap spaces: the word is gap + 1 <= 256 bytes after */
			g_assert_cmpuint(at, ==, 3000);
		else
			g_assert_cmpuint(at, ==, (size_t)-1);
	}
	g_string_free(t, TRUE);
	sm_relist_clear(&l);
}

/* Which list entries get a prefilter: only those without a first code unit,
 * unless the list shares a pool (its scan is made anyway): then all. */
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
	g_assert_null(l.req_ids[0]); /* PCRE2 searches for its 'p' itself */
	g_assert_nonnull(l.req_ids[1]);
	if (l.req[1])
		g_assert_cmpstr(l.req[1][0], ==, "close");
	{
		sm_litset *pool = sm_litset_new();

		sm_relist_share(&l, pool);
		g_assert_nonnull(l.req_ids[0]);
		g_assert_nonnull(l.req_ids[1]);
		g_assert_true(l.lits == pool);
		sm_relist_clear(&l); /* does not free the pool */
		/* please (and its second set, close), close (and you, we) */
		g_assert_cmpuint(sm_litset_size(pool), ==, 4);
		sm_litset_free(pool);
	}
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/rules_lit/required", test_required);
	g_test_add_func("/rules_lit/second", test_second);
	g_test_add_func("/rules_lit/no_prefilter", test_no_prefilter);
	g_test_add_func("/rules_lit/sound", test_sound);
	g_test_add_func("/rules_lit/absent", test_absent);
	g_test_add_func("/rules_lit/relist", test_relist);
	g_test_add_func("/rules_lit/japanese_lead", test_japanese_lead);
	g_test_add_func("/rules_lit/litset", test_litset);
	g_test_add_func("/rules_lit/anchored", test_anchored);
	g_test_add_func("/rules_lit/windowed", test_windowed);
	return g_test_run();
}
