/*
 * test_rules_eval.c - sm_rules_eval over several views (the plain and HTML
 * parts of a multipart/alternative): a new text or a view equal byte for
 * byte to an earlier one is read once, and the answers are those of the
 * plain reading (a rule holds when some new text says it; the SR repair
 * needs exactly one number over all the views).  Texts of equal length that
 * differ in one byte catch a shortcut that compares too little.
 */
#include "quote.h"
#include "rules.h"
#include "rulesutil.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#define NOW ((time_t)1733443200)
#define SUBJ "RE: [SR#2412020040554321] スキャンが遅い"

/* Evaluate over the views of the UTF-8 bodies (NULL-terminated, 4 at most);
 * with `given` set for view i (bit i), its new text and history start are
 * handed on as sm_quote_split makes them (as the scan does for a view it
 * split for a finding), or as `fake` when that is not NULL. */
static void eval_split(const sm_rules *r, const char *subject, const char *const *bodies,
		       unsigned given, const char *fake, sm_rules_result *out)
{
	sm_view *v[5] = {NULL};
	const sm_view *texts[5] = {NULL};
	sm_rules_split sp[5] = {{NULL, 0}};
	sm_rules_input in = {0};
	size_t i;

	for (i = 0; bodies[i] && i < 4; i++) {
		v[i] = sm_view_new_utf8(bodies[i], strlen(bodies[i]));
		texts[i] = v[i];
		if (given & (1u << i)) {
			sp[i].text = sm_quote_split(v[i], &sp[i].hist);
			if (fake) {
				g_free(sp[i].text);
				sp[i].text = g_strdup(fake);
			}
		}
	}
	in.subject = subject;
	in.texts = texts;
	in.split = given ? sp : NULL;
	in.now = NOW;
	g_assert_cmpint(sm_rules_eval(r, &in, out), ==, 0);
	for (i = 0; v[i]; i++) {
		sm_view_free(v[i]);
		g_free(sp[i].text);
	}
}

static void eval_views(const sm_rules *r, const char *subject, const char *const *bodies,
		       sm_rules_result *out)
{
	eval_split(r, subject, bodies, 0, NULL, out);
}

/* The same length, one resolves and one does not. */
static const char *const res_yes = "This issue is resolved now.\n";
static const char *const res_not = "This issue is reviewed now.\n";

static void test_resolution_over_views(void)
{
	sm_rules *r = sm_test_rules_defaults();
	const char *const seqs[][4] = {
		{res_yes, NULL},          {res_not, NULL},          {res_yes, res_yes, NULL},
		{res_not, res_not, NULL}, {res_not, res_yes, NULL}, {res_yes, res_not, NULL},
		{res_not, res_not, res_yes, NULL},
	};
	size_t i, k;

	g_assert_cmpuint(strlen(res_yes), ==, strlen(res_not));
	for (i = 0; i < G_N_ELEMENTS(seqs); i++) {
		sm_rules_result out;
		bool says = false;

		for (k = 0; seqs[i][k]; k++) /* plain reading: some new text says it */
			says = says || seqs[i][k] == res_yes;
		eval_views(r, SUBJ, seqs[i], &out);
		g_assert_cmpint(out.resolved, ==, says);
		sm_rules_result_clear(&out);
	}
	sm_rules_free(r);
}

/* Views of equal length naming one SR each in the quoted history. */
#define HIST(sr) "new\n\nOn Thu, Dec 5, 2024 Support <s@x> wrote:\n> TrackingID#" sr "\n"
static const char *const hist_a = HIST("2411220040001234");
static const char *const hist_b = HIST("2411250040310623");

static void test_repair_over_views(void)
{
	sm_rules *r = sm_test_rules_defaults();
	const char *const one[] = {hist_a, hist_a, NULL}, *const two[] = {hist_a, hist_b, NULL};
	const char *const two_late[] = {hist_a, hist_a, hist_b, NULL};
	sm_rules_result out;

	g_assert_cmpuint(strlen(hist_a), ==, strlen(hist_b));
	eval_views(r, "RE: x", one, &out); /* one number over all views: repaired */
	g_assert_cmpstr(out.sr, ==, "2411220040001234");
	g_assert_nonnull(out.subject_append);
	sm_rules_result_clear(&out);
	eval_views(r, "RE: x", two, &out); /* two: ambiguous */
	g_assert_null(out.subject_append);
	g_assert_cmpstr(out.sr, ==, "");
	sm_rules_result_clear(&out);
	eval_views(r, "RE: x", two_late, &out);
	g_assert_null(out.subject_append);
	sm_rules_result_clear(&out);
	/* related numbers: every distinct one of every view */
	eval_views(r, SUBJ, two, &out);
	g_assert_nonnull(out.related_sr);
	if (out.related_sr) {
		g_assert_cmpuint(g_strv_length(out.related_sr), ==, 2);
		g_assert_cmpstr(out.related_sr[0], ==, "2411220040001234");
		g_assert_cmpstr(out.related_sr[1], ==, "2411250040310623");
	}
	sm_rules_result_clear(&out);
	sm_rules_free(r);
}

/* Everything of a result, as text. */
static char *result_text(const sm_rules_result *o)
{
	GString *g = g_string_new(NULL);
	guint i;

	g_string_append_printf(g, "sr=%s app=%s pre=%s res=%d fb=%d auto=%d rcpt=%s", o->sr,
			       o->subject_append ? o->subject_append : "-",
			       o->subject_prefix ? o->subject_prefix : "-", o->resolved, o->feedback,
			       o->auto_reply, o->add_rcpt ? o->add_rcpt : "-");
	for (i = 0; o->related_sr && o->related_sr[i]; i++)
		g_string_append_printf(g, " rel=%s", o->related_sr[i]);
	for (i = 0; i < o->outcomes->len; i++) {
		const sm_rule_outcome *x = &g_array_index(o->outcomes, sm_rule_outcome, i);

		g_string_append_printf(g, " %s=%s/%d", x->rule, x->result, (int)x->action);
	}
	return g_string_free(g, FALSE);
}

/* New texts handed on (sm_rules_input.split) for any subset of the views:
 * the same answers as the rules' own reading of them; a false one is read
 * (so the test can tell the hand-on is used). */
static void test_split_given(void)
{
	sm_rules *r = sm_test_rules_defaults();
	static const char quoted_res[] = "Thanks.\n\nOn Thu, Dec 5, 2024 Support <s@x> wrote:\n"
					 "> This issue is resolved now.\n> TrackingID#2411220040001234\n";
	/* a number in the new text and another in the history: the repair
	 * reads from the history start */
	static const char both[] = "About TrackingID#2411250040310623 too.\n\nOn Thu, Dec 5, "
				   "2024 Support <s@x> wrote:\n> TrackingID#2411220040001234\n";
	const char *const seqs[][4] = {
		{both, NULL}, {both, hist_a, NULL},
		{res_yes, NULL}, {res_not, res_yes, NULL}, {hist_a, hist_a, NULL},
		{hist_a, hist_b, NULL}, {quoted_res, res_not, NULL}, {hist_b, quoted_res, hist_a, NULL},
	};
	const char *const subjects[] = {SUBJ, "RE: x"};
	size_t i, k, n;
	unsigned given;

	for (i = 0; i < G_N_ELEMENTS(seqs); i++)
		for (k = 0; k < G_N_ELEMENTS(subjects); k++) {
			sm_rules_result out;
			char *plain, *t;

			for (n = 0; seqs[i][n]; n++)
				;
			eval_split(r, subjects[k], seqs[i], 0, NULL, &out);
			plain = result_text(&out);
			sm_rules_result_clear(&out);
			for (given = 1; given < (1u << n); given++) {
				eval_split(r, subjects[k], seqs[i], given, NULL, &out);
				t = result_text(&out);
				g_assert_cmpstr(t, ==, plain);
				g_free(t);
				sm_rules_result_clear(&out);
			}
			g_free(plain);
		}
	{
		const char *const not_only[] = {res_not, NULL};
		sm_rules_result out;

		eval_split(r, SUBJ, not_only, 1, res_yes, &out);
		g_assert_true(out.resolved);
		sm_rules_result_clear(&out);
	}
	sm_rules_free(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/rules_eval/resolution_over_views", test_resolution_over_views);
	g_test_add_func("/rules_eval/repair_over_views", test_repair_over_views);
	g_test_add_func("/rules_eval/split_given", test_split_given);
	return g_test_run();
}
