/*
 * test_rules_lang.c - the built-in wording of the support conventions
 * (rules_lang.c) on forms found by probing with unseen mail (issue 14
 * follow-up): hedged findings, polite Japanese requests, questions and
 * negations, non-native English, Subject status tags, automatic replies and
 * severity A namings, each with the near misses that must stay as they are.
 * `now` is fixed: 2024-12-06 UTC.
 */
#include "rules.h"
#include "rules_priv.h"
#include "rulesutil.h"
#include "testutil.h"

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define NOW ((time_t)1733443200)
#define OWN "2412020040554321"
#define SUBJ "RE: [SR#" OWN "] スキャンが遅い"

static sm_rules *load(const char *body, char *err, size_t errlen)
{
	return sm_test_rules_load(body, NULL, err, errlen);
}

static sm_rules *defaults(void)
{
	return sm_test_rules_defaults();
}

static void eval(const sm_rules *r, const char *subject, const char *body, sm_rules_result *out)
{
	sm_test_rules_eval(r, subject, body, false, NULL, NOW, out);
}

static bool resolved_subj(const sm_rules *r, const char *subject, const char *body)
{
	sm_rules_result out;
	bool res;

	eval(r, subject, body, &out);
	res = out.resolved;
	sm_rules_result_clear(&out);
	return res;
}

static bool resolved(const sm_rules *r, const char *body)
{
	return resolved_subj(r, SUBJ, body);
}

/* Each text of yes is tagged, each of no is not. */
static void expect_res(const sm_rules *r, const char *const *yes, const char *const *no)
{
	size_t i;

	for (i = 0; yes && yes[i]; i++)
		if (!resolved(r, yes[i])) {
			g_test_message("not tagged: %s", yes[i]);
			g_test_fail();
		}
	for (i = 0; no && no[i]; i++)
		if (resolved(r, no[i])) {
			g_test_message("tagged: %s", no[i]);
			g_test_fail();
		}
}

static bool severity(const sm_rules *r, const char *body)
{
	sm_rules_result out;
	bool hit = false;
	guint i;

	eval(r, SUBJ, body, &out);
	for (i = 0; i < out.outcomes->len; i++)
		hit |= strcmp(g_array_index(out.outcomes, sm_rule_outcome, i).rule, "severity_a") == 0;
	sm_rules_result_clear(&out);
	return hit;
}

static void expect_sev(const sm_rules *r, const char *const *yes, const char *const *no)
{
	size_t i;

	for (i = 0; yes && yes[i]; i++)
		if (!severity(r, yes[i])) {
			g_test_message("not a request: %s", yes[i]);
			g_test_fail();
		}
	for (i = 0; no && no[i]; i++)
		if (severity(r, no[i])) {
			g_test_message("a request: %s", no[i]);
			g_test_fail();
		}
}

/* ------------------------------------------------------------ hedges */

static void test_hedges(void)
{
	static const char *const yes[] = {
		"I think you can close this case now.\n",
		"クローズで問題ないと思います。\n",
		"本件は終了とさせていただければと存じます。\n",
		"本件につきましてはクローズいただければ幸いです。\n",
		"クローズしていただけたら幸いです。\n",
		"本件はクローズ可能です。\n",
		"The issue is resolved. I think we are done here.\n",
		NULL,
	};
	static const char *const no[] = {
		"I think it might be fixed now, will confirm tomorrow.\n",
		"I think the issue is fixed.\n",
		"I believe the issue is resolved.\n",
		"The issue is resolved, I think.\n",
		"It looks like the issue is fixed.\n",
		"たぶん直ったと思います。\n",
		"直ったような気がします。\n",
		"解決したと思います。\n",
		"解決したと考えております。\n",
		"一応直りました。\n",
		"クローズしていただければ、と思っていましたが再発しました。\n",
		NULL,
	};
	sm_rules *r = defaults();

	expect_res(r, yes, no);
	sm_rules_free(r);
}

static void test_hedges_key(void)
{
	char err[512] = "";
	sm_rules *r = load("rules: { resolution: {\n  hedges = [ \"\\\\bmaybe-ish\\\\b\" ];\n}; };\n",
			   err, sizeof(err));

	g_assert_nonnull(r);
	if (!r) {
		g_test_message("%s", err);
		return;
	}
	g_assert_true(resolved(r, "I think the issue is fixed.\n")); /* the list replaces */
	g_assert_false(resolved(r, "The issue is fixed, maybe-ish.\n"));
	sm_rules_free(r);
	r = load("rules: { resolution: {\n\n  hedges = [ \"(\" ];\n}; };\n", err, sizeof(err));
	g_assert_null(r);
	g_assert_nonnull(strstr(err, ":3: key 'hedges': pattern 1:"));
}

/* ------------------------------------------------------------ questions, negations */

static void test_questions_negations(void)
{
	static const char *const yes[] = {
		"The error is not occurred anymore.\n",
		"The error does not occur anymore after apply the patch.\n",
		"The symptom is not happen again after reboot.\n",
		"We could solve the problem. Thank you.\n",
		"We'd appreciate it if you could close this case.\n",
		"No problem to close this case.\n",
		"There is no problem anymore.\n",
		"解決しましたので、クローズをお願いします。\n", /* ので is still a cause */
		NULL,
	};
	static const char *const no[] = {
		"解決したのでしょうか。\n",
		"本当に解決したのか疑問です。\n",
		"解決したのですか？\n",
		"解決したとは言い難いです。\n",
		"直ったとは限りません。\n",
		"Please make sure the error does not occur again.\n",
		"We could not solve the problem.\n",
		"Could we fix the problem by a registry change?\n",
		"We'd appreciate it if you could look at the logs; if the fix works, you can close the case.\n",
		"If there is no problem anymore after the patch, we will tell you.\n",
		"The error still occurs, it does not stop anymore.\n",
		NULL,
	};
	sm_rules *r = defaults();

	expect_res(r, yes, no);
	sm_rules_free(r);
}

/* ------------------------------------------------------------ business Japanese, temporary fixes */

static void test_forms(void)
{
	static const char *const yes[] = {
		"ご教示いただいた手順にて事象の解消を確認いたしました。\n",
		"本事象につきましては、解消を確認できましたのでご報告いたします。\n",
		"おかげさまで、現在は問題なく利用できております。\n",
		"本件、クローズのご対応をお願いできますでしょうか。\n",
		"クローズのほどよろしくお願いいたします。\n",
		NULL,
	};
	static const char *const no[] = {
		"解消を確認できましたら、ご連絡いたします。\n",
		"解消を確認できておりません。\n",
		"これまでは問題なく利用できておりましたが、本日からエラーになります。\n",
		"クローズの手続きを教えてください。\n",
		"None of the steps fixed it.\n",
		"Neither reboot nor reinstall fixed the issue.\n",
		"The fix worked for a day only.\n",
		"It worked only for a few hours.\n",
		"直ったのは一瞬だけでした。\n",
		NULL,
	};
	sm_rules *r = defaults();

	expect_res(r, yes, no);
	sm_rules_free(r);
}

/* ------------------------------------------------------------ comma splices */

static void test_splice(void)
{
	static const char *const yes[] = {
		"You can close the ticket, we'll reach out again if it happens again.\n",
		"You can close the case, I will reopen it if it recurs.\n",
		"クローズで結構です、再発したら連絡します。\n",
		NULL,
	};
	static const char *const no[] = {
		"If the patch works, I'll be happy for you to close the case.\n",
		"If it works, you can close the case, we'll let you know.\n",
		"問題なければクローズで結構です、よろしくお願いします。\n",
		"The issue is resolved, we will monitor it for a few days.\n",
		"Once the update is out, feel free to close, we'll confirm.\n",
		NULL,
	};
	sm_rules *r = defaults();

	expect_res(r, yes, no);
	sm_rules_free(r);
}

/* ------------------------------------------------------------ watching on, asked; status lines */

static void test_goes_on(void)
{
	static const char *const yes[] = {
		"Update: resolved after the reboot.\n",
		"ステータス：解決\n",
		"結論：解決しました。\n",
		"解決しました。念のため確認して、問題ありませんでした。\n",
		NULL,
	};
	static const char *const no[] = {
		"ご案内いただいた KB を適用したところ、事象は発生しなくなりました。\n"
		"念のため来週まで様子を見て、問題なければこちらからクローズのご連絡をいたします。\n",
		"事象は解消しております。なお、原因については引き続き調査をお願いできますでしょうか。\n",
		"The issue is resolved. Could you keep investigating the root cause?\n",
		"対応状況：未解決\n",
		"ステータス：解決待ち\n",
		NULL,
	};
	sm_rules *r = defaults();

	expect_res(r, yes, no);
	sm_rules_free(r);
}

/* ------------------------------------------------------------ scope: a case named as a source */

#define OTHER_SR "2411280040098765"

static void test_case_refs(void)
{
	static const char *const yes[] = {
		"以前の SR で案内された手順で解決しました。\n",
		"前回のケースと同じ手順で解決しました。\n",
		"SR " OTHER_SR " と同じ手順で解決しました。\n",
		"The previous case's patch fixed this one too.\n",
		"We used the fix from our previous ticket and it resolved the issue.\n",
		"Same as SR " OTHER_SR ", this one is resolved as well.\n",
		NULL,
	};
	static const char *const no[] = {
		"本件とは別に、SR " OTHER_SR " の件も解決しました。\n",
		"Apart from this case, SR " OTHER_SR " is resolved.\n",
		"前回のケースは解決しました。\n",
		"SR " OTHER_SR " は解決しました。\n",
		"The previous ticket is resolved.\n",
		NULL,
	};
	sm_rules *r = defaults();

	expect_res(r, yes, no);
	sm_rules_free(r);
}

/* SCOPE_REFS_MAX (64) references are blanked per clause: with 64 the clause
 * is still this case's, with 65 the last one names another case. */
static void test_case_refs_limit(void)
{
	sm_rules *r = defaults();
	int n;

	for (n = 64; n <= 65; n++) {
		GString *b = g_string_new(NULL);
		int i;

		for (i = 0; i < n; i++)
			g_string_append(b, "前回のケースと同じ");
		g_string_append(b, "手順で解決しました。\n");
		g_assert_cmpint(resolved(r, b->str), ==, n == 64);
		g_string_free(b, TRUE);
	}
	sm_rules_free(r);
}

/* ------------------------------------------------------------ the Subject's status */

#define SJ "RE: [SR#" OWN "] "
#define HIST_JA "\n\n差出人: Microsoft Support <supportmail@microsoft.com>\n送信日時: 2024年12月5日 18:00\n" \
		"件名: RE: [SR#" OWN "] スキャンが遅い\n\nご確認ください。\n"

static void test_subject_tags(void)
{
	static const char *const yes[][2] = {
		{SJ "【解決】スキャンが遅い", "ご対応ありがとうございました。" HIST_JA},
		{"【解決済み】" SJ "スキャンが遅い", "ありがとうございました。" HIST_JA},
		{SJ "クローズ依頼", "ありがとうございました。" HIST_JA},
		{SJ "スキャンが遅い（解決しました）", "ありがとうございました。" HIST_JA},
		{"Re: [SR#" OWN "] Resolved - please close", "Thanks for your help.\n"},
		{"Resolved: RE: Scan is slow - TrackingID#" OWN, "Thank you.\n"},
		{"RE: Scan is slow - TrackingID#" OWN " - Please close", "Thank you.\n"},
		{"RE: Scan is slow - TrackingID#" OWN " (solved)", "Thank you.\n"},
		{NULL, NULL},
	};
	static const char *const no[][2] = {
		/* the new text says otherwise, or speaks and decides */
		{SJ "【解決】スキャン", "まだ発生しています。\n"},
		{SJ "【解決】スキャン", "まだ解決していません。\n"},
		{"Re: [SR#" OWN "] Resolved - please close", "No, it's not fixed.\n"},
		{SJ "【解決】スキャン", "解決しましたが、念のため原因を教えてください。\n"},
		/* not a status tag */
		{SJ "【未解決】スキャン", "ご確認ください。\n"},
		{SJ "解決策について", "ログを送ります。\n"},
		{SJ "解決済みの件について", "ログを送ります。\n"},
		{"RE: TrackingID#" OWN " Not resolved", "Logs attached.\n"},
		{"RE: TrackingID#" OWN " Resolved?", "Logs attached.\n"},
		{"RE: TrackingID#" OWN " - Issue not resolved", "Logs attached.\n"},
		{"RE: TrackingID#" OWN " How to close the firewall port", "Logs attached.\n"},
		/* inherited: the previous mail's Subject in the history carries it */
		{SJ "【解決】スキャンが遅い",
		 "ログです。\n\n差出人: Support <supportmail@microsoft.com>\n送信日時: 2024年12月5日 18:00\n"
		 "件名: RE: [SR#" OWN "] 【解決】スキャンが遅い\n\nご確認ください。\n"},
		/* the milter's own tag, carried over from a tagged mail of the thread */
		{"[Resolved] RE: TrackingID#" OWN, "Thanks.\n"},
		{"[RESOLVED] RE: TrackingID#" OWN, "Thanks.\n"},
		{NULL, NULL},
	};
	sm_rules *r = defaults();
	size_t i;

	for (i = 0; yes[i][0]; i++)
		if (!resolved_subj(r, yes[i][0], yes[i][1])) {
			g_test_message("not tagged: %s", yes[i][0]);
			g_test_fail();
		}
	for (i = 0; no[i][0]; i++)
		if (resolved_subj(r, no[i][0], no[i][1])) {
			g_test_message("tagged: %s / %s", no[i][0], no[i][1]);
			g_test_fail();
		}
	sm_rules_free(r);
}

/* An inherited tag is looked for in TAG_HISTORY_WINDOW (8192) bytes of the
 * history: a tag ending at the limit is seen, one byte further it is not. */
static void test_subject_tag_window(void)
{
	static const char tag[] = "【解決】";
	sm_rules *r = defaults();
	int extra;

	for (extra = 0; extra <= 1; extra++) {
		GString *b = g_string_new("ログです。\n\n");
		size_t fill = 8192 - strlen("> ") - strlen("\n> ") - strlen(tag) + extra;

		g_string_append(b, "> ");
		while (fill--)
			g_string_append_c(b, 'x');
		g_string_append_printf(b, "\n> %s\n", tag);
		g_assert_cmpint(resolved_subj(r, SJ "【解決】スキャン", b->str), ==, extra == 1);
		g_string_free(b, TRUE);
	}
	sm_rules_free(r);
}

static void test_subject_tags_key(void)
{
	char err[512] = "";
	sm_rules *r = load("rules: { resolution: {\n  subject_tags = [ \"\\\\{done\\\\}\" ];\n}; };\n",
			   err, sizeof(err));

	g_assert_nonnull(r);
	if (!r) {
		g_test_message("%s", err);
		return;
	}
	g_assert_true(resolved_subj(r, SJ "{done} scan", "Thanks.\n"));
	g_assert_false(resolved_subj(r, SJ "【解決】scan", "Thanks.\n")); /* the list replaces */
	sm_rules_free(r);
	r = load("rules: { resolution: {\n  subject_tags = [ \"(\" ];\n}; };\n", err, sizeof(err));
	g_assert_null(r);
	g_assert_nonnull(strstr(err, ":2: key 'subject_tags': pattern 1:"));
}

/* ------------------------------------------------------------ answers to "may we close?" */

#define ASK_EN "\n\nOn Mon, Dec 9, 2024 at 6:00 PM Support <supportmail@microsoft.com> wrote:\n" \
	       "> The fix is confirmed. May we close this case?\n"
#define ASK_JA "\n\n2024年12月9日(月) 18:00 Support <supportmail@microsoft.com>:\n" \
	       "> 本件クローズさせていただいてもよろしいでしょうか。\n"

static void test_answers(void)
{
	static const char *const yes[] = {
		"Yes, please go ahead." ASK_EN,
		"Hi Alex,\n\nSure, go ahead and close it.\n\nThanks,\nHanako" ASK_EN,
		"OK." ASK_EN,
		"吉田様\n\nお世話になっております。\n\nはい、問題ありません。\n\n佐藤" ASK_JA,
		"はい。" ASK_JA,
		"差し支えございません。" ASK_JA,
		NULL,
	};
	static const char *const no[] = {
		"OK, I will check and get back to you." ASK_EN, /* not a bare yes */
		"Yes, but the error is back." ASK_EN,
		"Yes.\nStill failing on two servers." ASK_EN,
		"No, please keep it open." ASK_EN,
		"承知しました。" ASK_JA,
		"はい、まだ発生しています。" ASK_JA,
		"いいえ、まだクローズしないでください。" ASK_JA,
		/* no close question in the history */
		"Yes.\n\nOn Mon, Dec 9, 2024 at 6:00 PM Support <supportmail@microsoft.com> wrote:\n"
		"> Could you send the logs?\n",
		"承知しました。\n\n2024年12月9日(月) 18:00 Support <supportmail@microsoft.com>:\n"
		"> 本件は1週間後に自動クローズとなります。\n",
		NULL,
	};
	sm_rules *r = defaults();

	expect_res(r, yes, no);
	sm_rules_free(r);
}

/* The question is read in ASK_HISTORY_WINDOW (2048) bytes of the history:
 * one ending at the limit counts, one byte further it does not. */
static void test_answer_window(void)
{
	static const char q[] = "May we close this case?";
	sm_rules *r = defaults();
	int extra;

	for (extra = 0; extra <= 1; extra++) {
		GString *b = g_string_new("Yes.\n\n");
		size_t fill = 2048 - strlen("> ") - strlen("\n> ") - strlen(q) + extra;

		g_string_append(b, "> ");
		while (fill--)
			g_string_append_c(b, 'x');
		g_string_append_printf(b, "\n> %s\n", q);
		g_assert_cmpint(resolved(r, b->str), ==, extra == 0);
		g_string_free(b, TRUE);
	}
	sm_rules_free(r);
}

/* ------------------------------------------------------------ automatic replies */

static void test_auto_replies(void)
{
	static const char *const bodies[] = {
		"不在のため、自動返信しております。\n本件クローズで結構です。\n",
		"【自動返信】\n12/16まで不在です。\nクローズで結構です。\n",
		"お世話になっております。\n[自動応答]\n12/16まで不在です。\nクローズで結構です。\n",
		"誠に勝手ながら、12月16日まで休暇をいただいております。\n本件クローズで結構です。\n",
		"ただいま外出中のため、ご返信は12月16日以降となります。\n本件クローズで結構です。\n",
		"I am out of the office until Monday. You can close the case.\n",
		NULL,
	};
	static const char *const human[] = {
		"出張中のため、返信が遅くなりました。解決しました。\n",
		"I am out of the office tomorrow, but the issue is resolved. You can close the case.\n",
		"自動返信の設定を変更したところ、解決しました。\n",
		"【自動返信】の設定を見直したところ、解決しました。\n",
		NULL,
	};
	sm_rules *r = defaults();
	size_t i;

	for (i = 0; bodies[i]; i++)
		if (resolved(r, bodies[i])) {
			g_test_message("tagged an automatic reply: %s", bodies[i]);
			g_test_fail();
		}
	for (i = 0; human[i]; i++)
		if (!resolved(r, human[i])) {
			g_test_message("not tagged: %s", human[i]);
			g_test_fail();
		}
	g_assert_false(resolved_subj(r, "Abwesend: RE: TrackingID#" OWN, "You can close the case.\n"));
	g_assert_false(resolved_subj(r, "不在中: " SJ "x", "本件クローズで結構です。\n"));
	sm_rules_free(r);
}

/* ------------------------------------------------------------ severity A */

static void test_severity(void)
{
	static const char *const yes[] = {
		"重大度：A でお願いします。\n",
		"重要度=A でお願いします。\n",
		"業務影響が大きいため、Severity A で再分類願います。\n",
		"Sev A に変更願います。\n",
		"本件の重大度を最高に変更してください。\n",
		"インシデントの重大度を A に上げてください。\n", /* the case, called an incident */
		"ルールを見直したので、重大度を A に上げてください。\n",
		"本件、Sev A でのご対応に切り替えていただけますか。\n",
		"重大度 A での対応へ変更してください。\n",
		NULL,
	};
	static const char *const no[] = {
		"カスタム検出ルールの重大度を最高に設定したいのですが、方法を教えてください。\n",
		"アラートの重大度を最高に変更してください。\n",
		"脆弱性の重要度：A\n",
		"The alert severity shows Critical in the portal.\n",
		"Please raise the detection rule severity to critical.\n",
		"お電話で Sev A を依頼済みです。\n",
		"Sev A は電話で依頼済。\n",
		NULL,
	};
	sm_rules *r = defaults();

	expect_sev(r, yes, no);
	sm_rules_free(r);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/rules_lang/hedges", test_hedges);
	g_test_add_func("/rules_lang/hedges_key", test_hedges_key);
	g_test_add_func("/rules_lang/questions_negations", test_questions_negations);
	g_test_add_func("/rules_lang/forms", test_forms);
	g_test_add_func("/rules_lang/splice", test_splice);
	g_test_add_func("/rules_lang/goes_on", test_goes_on);
	g_test_add_func("/rules_lang/case_refs", test_case_refs);
	g_test_add_func("/rules_lang/case_refs_limit", test_case_refs_limit);
	g_test_add_func("/rules_lang/subject_tags", test_subject_tags);
	g_test_add_func("/rules_lang/subject_tag_window", test_subject_tag_window);
	g_test_add_func("/rules_lang/answers", test_answers);
	g_test_add_func("/rules_lang/answer_window", test_answer_window);
	g_test_add_func("/rules_lang/auto_replies", test_auto_replies);
	g_test_add_func("/rules_lang/severity", test_severity);
	g_test_add_func("/rules_lang/subject_tags_key", test_subject_tags_key);
	return g_test_run();
}
