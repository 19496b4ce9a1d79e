/*
 * test_rules_eval.c - sm_rules_eval over several views (the plain and HTML
 * parts of a multipart/alternative): a new text or a view equal byte for
 * byte to an earlier one is read once, and the answers are those of the
 * plain reading (a rule holds when some new text says it; the SR repair
 * needs exactly one number over all the views).  Texts of equal length that
 * differ in one byte catch a shortcut that compares too little.
 */
#include "rules.h"
#include "rulesutil.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#define NOW ((time_t)1733443200)
#define SUBJ "RE: [SR#2412020040554321] スキャンが遅い"

/* Evaluate over the views of the UTF-8 bodies (NULL-terminated, 4 at most). */
static void eval_views(const sm_rules *r, const char *subject, const char *const *bodies,
		       sm_rules_result *out)
{
	sm_view *v[5] = {NULL};
	const sm_view *texts[5] = {NULL};
	sm_rules_input in = {0};
	size_t i;

	for (i = 0; bodies[i] && i < 4; i++) {
		v[i] = sm_view_new_utf8(bodies[i], strlen(bodies[i]));
		texts[i] = v[i];
	}
	in.subject = subject;
	in.texts = texts;
	in.now = NOW;
	g_assert_cmpint(sm_rules_eval(r, &in, out), ==, 0);
	for (i = 0; v[i]; i++)
		sm_view_free(v[i]);
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

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/rules_eval/resolution_over_views", test_resolution_over_views);
	g_test_add_func("/rules_eval/repair_over_views", test_repair_over_views);
	return g_test_run();
}
