/*
 * test_rules.c - the support conventions end to end on sm_rules_eval: SR in
 * the Subject (forms, two, same twice, impossible dates, repair from the
 * quoted history), resolution (English, Japanese, negated, conditional,
 * questions, quoted only, automatic replies, tag once), severity A, feature
 * requests, attachment limits at and one past the limit, reply text, and
 * configuration errors with file:line.  `now` is fixed: 2024-12-06 UTC.
 */
#include "conftab.h"
#include "rules.h"
#include "rulesutil.h"
#include "testutil.h"

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define NOW ((time_t)1733443200)
#define SUBJ "RE: [SR#2412020040554321] スキャンが遅い"
#define URL "https://intranet.example.co.jp/support-rules"

/* Load `body` as a configuration file and compile its `rules` group. */
static sm_rules *load(const char *body, const char *url, char *err, size_t errlen)
{
	return sm_test_rules_load(body, url, err, errlen);
}

static sm_rules *defaults(void)
{
	return sm_test_rules_defaults();
}

/* Evaluate one message: Subject, one body (HTML when html), headers as
 * name, value, ..., NULL. */
static void eval(const sm_rules *r, const char *subject, const char *body, bool html,
		 const char *const *hdr, sm_rules_result *out)
{
	sm_test_rules_eval(r, subject, body, html, hdr, NOW, out);
}

/* The outcome of `rule`, or NULL. */
static const sm_rule_outcome *outcome(const sm_rules_result *out, const char *rule)
{
	guint i;

	for (i = 0; i < out->outcomes->len; i++) {
		const sm_rule_outcome *o = &g_array_index(out->outcomes, sm_rule_outcome, i);

		if (strcmp(o->rule, rule) == 0)
			return o;
	}
	return NULL;
}

static void assert_reject(const sm_rules_result *out, const char *rule, const char *result,
			  const char *in_reply)
{
	const sm_rule_outcome *o = outcome(out, rule);

	g_assert_nonnull(o);
	if (!o)
		return;
	g_assert_cmpstr(o->result, ==, result);
	g_assert_cmpint(o->action, ==, SM_ACT_REJECT);
	g_assert_nonnull(o->reply);
	if (!o->reply)
		return;
	g_assert_true(sm_conf_is_printable_ascii(o->reply));
	if (in_reply && !strstr(o->reply, in_reply)) {
		g_test_message("reply of %s lacks '%s': %s", rule, in_reply, o->reply);
		g_test_fail();
	}
}

/* ------------------------------------------------------------ SR in the Subject */

static void test_subject_ok(void)
{
	sm_rules *r = defaults();
	sm_rules_result out;

	eval(r, SUBJ, "本文です。\n", false, NULL, &out);
	g_assert_cmpstr(out.sr, ==, "2412020040554321");
	g_assert_cmpuint(out.outcomes->len, ==, 0);
	g_assert_null(out.subject_append);
	g_assert_null(out.subject_prefix);
	sm_rules_result_clear(&out);
	eval(r, "ＲＥ：お問い合わせ番号 ２４１２０２００４０５５４３２１ の件", "x\n", false, NULL,
	     &out);
	g_assert_cmpstr(out.sr, ==, "2412020040554321");
	sm_rules_result_clear(&out);
	eval(r, "RE: TrackingID#2412020040554321 and TrackingID#2412020040554321", "x\n", false,
	     NULL, &out);
	g_assert_cmpstr(out.sr, ==, "2412020040554321"); /* the same SR twice is one */
	g_assert_null(outcome(&out, "subject_sr"));
	sm_rules_result_clear(&out);
	sm_rules_free(r);
}

static void test_subject_missing(void)
{
	char err[512] = "";
	sm_rules *r = load("rules: { };", URL, err, sizeof(err));
	sm_rules_result out;
	const sm_rule_outcome *o;

	g_assert_nonnull(r);
	if (!r)
		return;
	eval(r, "Question about device isolation", "We would like to open a new case.\n", false,
	     NULL, &out);
	assert_reject(&out, "subject_sr", "missing", "TrackingID#<SR number>");
	o = outcome(&out, "subject_sr");
	if (o && o->reply) {
		g_assert_nonnull(strstr(o->reply, "portal"));
		g_assert_true(g_str_has_suffix(o->reply, " " URL));
	}
	g_assert_cmpstr(out.sr, ==, "");
	sm_rules_result_clear(&out);
	/* an impossible date is no SR */
	eval(r, "RE: [SR#2410320040996324] 進捗確認", "x\n", false, NULL, &out);
	assert_reject(&out, "subject_sr", "missing", NULL);
	sm_rules_result_clear(&out);
	eval(r, "RE: Case 2402300040001234", "x\n", false, NULL, &out); /* 30 February */
	assert_reject(&out, "subject_sr", "missing", NULL);
	sm_rules_result_clear(&out);
	eval(r, NULL, "x\n", false, NULL, &out); /* no Subject at all */
	assert_reject(&out, "subject_sr", "missing", NULL);
	sm_rules_result_clear(&out);
	sm_rules_free(r);
}

static void test_subject_two(void)
{
	sm_rules *r = defaults();
	sm_rules_result out;

	eval(r, "RE: Case 2411250040310623 / Case 2412030040706137 統合のご相談", "x\n", false,
	     NULL, &out);
	assert_reject(&out, "subject_sr", "multiple", "2411250040310623, 2412030040706137");
	g_assert_cmpstr(out.sr, ==, "");
	sm_rules_result_clear(&out);
	sm_rules_free(r);
}

static const char quoted_tracking[] =
	"ログを送ります。\n\n"
	"差出人: Microsoft サポート <supportmail@microsoft.com>\n"
	"送信日時: 2024年12月4日 18:00\n"
	"件名: 定期スキャン - TrackingID#2411220040001234\n\n"
	"ログをお送りください。\n";

static void test_repair(void)
{
	sm_rules *r = defaults();
	sm_rules_result out;
	const sm_rule_outcome *o;

	eval(r, "RE: 定期スキャン", quoted_tracking, false, NULL, &out);
	g_assert_cmpstr(out.sr, ==, "2411220040001234");
	g_assert_cmpstr(out.subject_append, ==, " - TrackingID#2411220040001234");
	o = outcome(&out, "subject_sr");
	g_assert_nonnull(o);
	if (o) {
		g_assert_cmpstr(o->result, ==, "repaired");
		g_assert_cmpint(o->action, <, SM_ACT_REJECT);
	}
	sm_rules_result_clear(&out);
	/* two different SRs in the history: ambiguous, reject */
	eval(r, "RE: x",
	     "new\n\nOn Thu, Dec 5, 2024 Support <s@x> wrote:\n> TrackingID#2411220040001234\n"
	     "> SR#2411250040310623\n",
	     false, NULL, &out);
	assert_reject(&out, "subject_sr", "missing", NULL);
	g_assert_null(out.subject_append);
	sm_rules_result_clear(&out);
	/* an SR only in the author's new text is a reference, not this case */
	eval(r, "New problem", "Related SR: 2409300010525370\n", false, NULL, &out);
	assert_reject(&out, "subject_sr", "missing", NULL);
	g_assert_nonnull(out.related_sr);
	if (out.related_sr)
		g_assert_cmpstr(out.related_sr[0], ==, "2409300010525370");
	sm_rules_result_clear(&out);
	sm_rules_free(r);
}

static void test_subject_config(void)
{
	char err[512] = "";
	sm_rules *r;
	sm_rules_result out;
	const sm_rule_outcome *o;

	r = load("rules: { subject_sr: { on_missing = \"tag\"; on_multiple = \"accept\"; }; };",
		 NULL, err, sizeof(err));
	g_assert_nonnull(r);
	if (!r)
		return;
	eval(r, "no number", "x\n", false, NULL, &out);
	o = outcome(&out, "subject_sr");
	g_assert_nonnull(o);
	if (o) {
		g_assert_cmpint(o->action, ==, SM_ACT_TAG);
		g_assert_null(o->reply);
	}
	sm_rules_result_clear(&out);
	eval(r, "SR#2411250040310623 SR#2412030040706137", "x\n", false, NULL, &out);
	o = outcome(&out, "subject_sr");
	g_assert_nonnull(o);
	if (o)
		g_assert_cmpint(o->action, ==, SM_ACT_LOG);
	g_assert_cmpstr(out.sr, ==, "2411250040310623");
	sm_rules_result_clear(&out);
	sm_rules_free(r);
	r = load("rules: { subject_sr: { repair_from = \"message\"; }; };", NULL, err,
		 sizeof(err));
	g_assert_nonnull(r);
	if (!r)
		return;
	eval(r, "x", "TrackingID#2411220040001234 の件です。\n", false, NULL, &out);
	g_assert_cmpstr(out.sr, ==, "2411220040001234");
	sm_rules_result_clear(&out);
	sm_rules_free(r);
}

/* ------------------------------------------------------------ resolution */

static bool resolved(const sm_rules *r, const char *subject, const char *body, bool html,
		     const char *const *hdr)
{
	sm_rules_result out;
	bool res;

	eval(r, subject, body, html, hdr, &out);
	res = out.resolved;
	if (res) {
		g_assert_nonnull(outcome(&out, "resolution"));
		g_assert_null(outcome(&out, "severity_a"));
	}
	sm_rules_result_clear(&out);
	return res;
}

static void test_resolution_yes(void)
{
	static const char *const yes[] = {
		"ご案内の設定変更で、事象は解決しました。本件クローズをお願いします。\n",
		"おかげさまで解決いたしました。\n",
		"再起動後、現象は解消しました。\n",
		"本件はクローズしていただいて問題ございません。\n",
		"クローズで結構です。\n",
		"本件クローズしてください。\n",
		"対応終了で問題ありません。\n",
		"解決しましたので、クローズで問題ありません。\n",
		"Confirmed on all devices: this issue is resolved. You can close the case.\n",
		"Thanks, you may close the case.\n",
		"Please close this case.\n",
		"Hi Alex,\n\nThe problem has been fixed.\nThis issue is resolved now.\n",
		"本件はクローズして頂いて結構です。\n",
		"クローズをお願いいたします。\n",
		"パッチ適用後、事象が発生しなくなりました。\n",
		"設定変更により解消されました。\n",
		"Works now, problem solved. Please close it.\n",
		"Hi Alex,\nafter the update this issue is\nresolved on every server. You can close\nthe case.\n",
		"Hi,\nissue resolved, thanks!\n",
		"問題が解消したので、本件はクローズで大丈夫です。\n",
		"The sensor is healthy again. This case can be closed.\n",
		"That fixed it! Feel free to close.\n",
		"無事に解消できました。\n",
		"おかげさまで直りました。\n",
		"問題なく動作しております。本件はクローズしていただけますか。\n",
		"本件クローズいただけますでしょうか。\n",
		"Hi Alex,\nResolved. Thanks for your help!\n",
		"All good now, we are good to close this case.\n",
		"All sensors are back. Issue resolved.\n",
		NULL,
	};
	sm_rules *r = defaults();
	sm_rules_result out;
	size_t i;

	for (i = 0; yes[i]; i++) {
		g_test_message("positive %zu", i);
		g_assert_true(resolved(r, SUBJ, yes[i], false, NULL));
	}
	eval(r, SUBJ, yes[0], false, NULL, &out);
	g_assert_cmpstr(out.subject_prefix, ==, "[Resolved] ");
	g_assert_null(out.add_rcpt);
	sm_rules_result_clear(&out);
	sm_rules_free(r);
}

static void test_resolution_no(void)
{
	static const char *const no[] = {
		"未解決です。\n",
		"まだ解決していません。追加のログをお送りします。\n",
		"解決しない場合は再度連絡します。\n",
		"解決しましたら連絡します。\n",
		"その後いかがでしょうか。解決しましたか？\n",
		"解決しましたか\n",
		"解決しましたでしょうか。\n",
		"The issue is not resolved yet.\n",
		"We will apply the fix tonight. If this does not resolve the issue, we will send "
		"new logs.\n(社内向け: 解決しない場合は清水さんにエスカレーション)\n",
		"Has this issue been resolved? this issue is resolved?\n",
		"If the patch works, you can close the case.\n",
		"Once the update is deployed, you may close the case.\n",
		"I don't think this issue is resolved.\n",
		"Unless you object, please close this case later.\n",
		"パッチ適用で解決した場合はクローズで結構です。\n",
		"まだクローズで問題ありませんとは言えません。\n",
		"前回の件は解決しましたが、新たに別の問題が発生しました。\n",
		"This issue is resolved, but please keep the case open for a week.\n",
		"一部解決しました。\n",
		"The issue is partially resolved now.\n",
		"まだ事象が発生しなくなりましたとは言えない状況です。\n",
		"クローズしてもよろしいでしょうか。\n",
		"Please do not close it yet.\n",
		"Please close the firewall port 8080 again.\n",
		"Known issue fixed in platform 4.18.24090.11, we will test it next week.\n",
		"Issue resolved?\n",
		"Previous issue resolved but the new alert remains.\n",
		"A similar issue resolved itself last month? not this one.\n",
		"Feel free to close the port after the test.\n",
		"手順を試しましたが解消できませんでした。\n",
		"直りましたら連絡します。\n",
		"解決しない場合、クローズしていただけますか。\n",
		"Resolved?\n",
		"This case can be closed once the patch is deployed.\n",
		NULL,
	};
	sm_rules *r = defaults();
	size_t i;

	for (i = 0; no[i]; i++) {
		g_test_message("negative %zu", i);
		g_assert_false(resolved(r, SUBJ, no[i], false, NULL));
	}
	sm_rules_free(r);
}

static void test_resolution_quoted(void)
{
	sm_rules *r = defaults();

	g_assert_false(resolved(r, SUBJ,
				"了解です。\n\n2024年12月5日(木) 17:20 サポート <s@x>:\n"
				"> 解決しました。本件クローズをお願いします。\n",
				false, NULL));
	g_assert_false(resolved(r, SUBJ,
				"Logs attached.\n\n-----Original Message-----\nFrom: a\n"
				"This issue is resolved. You can close the case.\n",
				false, NULL));
	g_assert_false(resolved(r, SUBJ, "Logs.\n> this issue is resolved\n", false, NULL));
	/* HTML: the new text is outside the blockquote */
	g_assert_true(resolved(r, SUBJ,
			       "<html><body><p>This issue is resolved.</p><blockquote>Has this "
			       "resolved the issue?</blockquote></body></html>",
			       true, NULL));
	g_assert_false(resolved(r, SUBJ,
				"<html><body><p>Logs attached.</p><div class=\"gmail_quote\">"
				"<blockquote>This issue is resolved.</blockquote></div></body></html>",
				true, NULL));
	/* a signature is not new text either */
	g_assert_false(resolved(r, SUBJ, "Logs.\n-- \nOur motto: this issue is resolved.\n", false,
				NULL));
	sm_rules_free(r);
}

/* INTENT_MAX_HITS (64) phrase matches are examined per text and pattern. */
static void test_resolution_limit(void)
{
	GString *b = g_string_new(NULL);
	sm_rules *r = defaults();
	int i;

	for (i = 0; i < 63; i++)
		g_string_append(b, "解決しましたか？\n");
	g_string_append(b, "解決しました。\n"); /* the 64th match */
	g_assert_true(resolved(r, SUBJ, b->str, false, NULL));
	g_string_truncate(b, 0);
	for (i = 0; i < 64; i++)
		g_string_append(b, "解決しましたか？\n");
	g_string_append(b, "解決しました。\n"); /* the 65th: past the limit */
	g_assert_false(resolved(r, SUBJ, b->str, false, NULL));
	g_string_free(b, TRUE);
	sm_rules_free(r);
}

static void test_resolution_auto(void)
{
	static const char *const h1[] = {"Auto-Submitted", "auto-replied", NULL};
	static const char *const h2[] = {"X-Auto-Response-Suppress", "All", NULL};
	static const char *const h3[] = {"Precedence", "bulk", NULL};
	static const char *const h4[] = {"precedence", " Auto_Reply ", NULL};
	static const char *const h5[] = {"Auto-Submitted", "no", "Precedence", "list", NULL};
	const char *body = "解決しました。\n";
	sm_rules *r = defaults();
	sm_rules_result out;
	const sm_rule_outcome *o;

	g_assert_false(resolved(r, SUBJ, body, false, h1));
	g_assert_false(resolved(r, SUBJ, body, false, h2));
	g_assert_false(resolved(r, SUBJ, body, false, h3));
	g_assert_false(resolved(r, SUBJ, body, false, h4));
	g_assert_true(resolved(r, SUBJ, body, false, h5));
	g_assert_false(resolved(r, "自動応答: " SUBJ, body, false, NULL));
	g_assert_false(resolved(r, "Automatic reply: " SUBJ, body, false, NULL));
	g_assert_false(resolved(r, "Out of Office: " SUBJ, body, false, NULL));
	g_assert_false(resolved(r, "ＲＥ：自動応答：" SUBJ, body, false, NULL));
	eval(r, "自動応答: " SUBJ, body, false, NULL, &out);
	o = outcome(&out, "resolution");
	g_assert_nonnull(o);
	if (o)
		g_assert_cmpstr(o->result, ==, "auto_reply_ignored");
	g_assert_cmpstr(out.sr, ==, "2412020040554321"); /* after the prefix */
	sm_rules_result_clear(&out);
	sm_rules_free(r);
}

static void test_resolution_tag(void)
{
	char err[512] = "";
	sm_rules *r = defaults();
	sm_rules_result out;

	eval(r, "[Resolved] " SUBJ, "解決しました。\n", false, NULL, &out);
	g_assert_true(out.resolved);
	g_assert_null(out.subject_prefix); /* never twice */
	sm_rules_result_clear(&out);
	eval(r, "RE: [resolved] " SUBJ, "解決しました。\n", false, NULL, &out);
	g_assert_null(out.subject_prefix);
	sm_rules_result_clear(&out);
	sm_rules_free(r);
	r = load("rules: { resolution: { tag = \"[解決済] \"; add_rcpt = \"close@example.com\"; "
		 "}; };",
		 NULL, err, sizeof(err));
	g_assert_nonnull(r);
	if (!r)
		return;
	eval(r, SUBJ, "This issue is resolved.\n", false, NULL, &out);
	g_assert_cmpstr(out.subject_prefix, ==, "[解決済] ");
	g_assert_cmpstr(out.add_rcpt, ==, "close@example.com");
	sm_rules_result_clear(&out);
	sm_rules_free(r);
	r = load("rules: { resolution: { x_auto_response_suppress = false; }; };", NULL, err,
		 sizeof(err));
	g_assert_nonnull(r);
	if (r) {
		static const char *const h[] = {"X-Auto-Response-Suppress", "All", NULL};
		static const char *const h2[] = {"Auto-Submitted", "auto-replied", NULL};

		g_assert_true(resolved(r, SUBJ, "解決しました。\n", false, h));
		g_assert_false(resolved(r, SUBJ, "解決しました。\n", false, h2));
		sm_rules_free(r);
	}
	r = load("rules: { resolution: { enabled = false; }; };", NULL, err, sizeof(err));
	g_assert_nonnull(r);
	if (r) {
		g_assert_false(resolved(r, SUBJ, "解決しました。\n", false, NULL));
		sm_rules_free(r);
	}
}

/* ------------------------------------------------------------ severity A */

static void test_severity(void)
{
	static const char *const yes[] = {
		"影響が全社に拡大したため、重要度を A に引き上げてください。\n",
		"重大度をAに変更してください。\n",
		"Sev A に上げてください。\n",
		"全社影響のため Sev.A 対応をお願いします。\n",
		"影響は一部ではなく全社のため重大度Aに上げてください。\n",
		"重要度 A へ変更をお願いします。\n",
		"重要度を A に上げていただけませんか。\n",
		"24x7 対応を希望します。\n",
		"Please raise the severity of this case to A.\n",
		"We need severity A for this case now.\n",
		"Could you change the priority to A?\n",
		NULL,
	};
	static const char *const no[] = {
		"承知しました。現在の重要度のままで結構です。\n",
		"重要度 A への変更をご希望の場合は、お電話で新規リクエストをお願いいたします。\n",
		"Severity A is not needed.\n",
		"We don't need severity A.\n",
		"The build is version A1.\n",
		"This is high priority a customer is waiting.\n",
		"影響が収まったので、重要度を A から B に下げてください。\n",
		"了解です。\n\n差出人: サポート\n送信日時: 2024年12月4日\n\n重要度を A に上げることも可能です。\n",
		"重大度Aの基準を教えてください。\n",
		"前回の SR では Sev A で対応いただきました。\n",
		"What is the definition of severity A?\n",
		"Last time we had severity A for a similar outage.\n",
		"今回は Severity A ではなく B で起票しました。\n",
		NULL,
	};
	sm_rules *r = defaults();
	sm_rules_result out;
	size_t i;

	for (i = 0; yes[i]; i++) {
		g_test_message("severity positive %zu", i);
		eval(r, SUBJ, yes[i], false, NULL, &out);
		assert_reject(&out, "severity_a", "requested", "2412020040554321");
		sm_rules_result_clear(&out);
	}
	for (i = 0; no[i]; i++) {
		g_test_message("severity negative %zu", i);
		eval(r, SUBJ, no[i], false, NULL, &out);
		g_assert_null(outcome(&out, "severity_a"));
		sm_rules_result_clear(&out);
	}
	/* the reply explains the phone route through the portal */
	eval(r, SUBJ, yes[0], false, NULL, &out);
	assert_reject(&out, "severity_a", "requested", "by phone through the support portal");
	sm_rules_result_clear(&out);
	/* an automatic reply asks nothing */
	{
		static const char *const h[] = {"Auto-Submitted", "auto-replied", NULL};

		eval(r, SUBJ, yes[0], false, h, &out);
		g_assert_null(outcome(&out, "severity_a"));
		sm_rules_result_clear(&out);
	}
	sm_rules_free(r);
}

static void test_severity_tag(void)
{
	char err[512] = "";
	sm_rules *r = load("rules: { severity_a: { action = \"tag\"; }; };", NULL, err,
			   sizeof(err));
	sm_rules_result out;
	const sm_rule_outcome *o;

	g_assert_nonnull(r);
	if (!r)
		return;
	eval(r, SUBJ, "重要度を A に引き上げてください。\n", false, NULL, &out);
	o = outcome(&out, "severity_a");
	g_assert_nonnull(o);
	if (o) {
		g_assert_cmpint(o->action, ==, SM_ACT_TAG);
		g_assert_null(o->reply);
	}
	sm_rules_result_clear(&out);
	sm_rules_free(r);
}

/* ------------------------------------------------------------ feature requests */

static void test_feature(void)
{
	static const char *const yes[] = {
		"機能追加の要望です。除外設定をGUIで編集できるようにしてほしいです。\n",
		"改善要望として登録をお願いします。\n",
		"This is a feature request: please add an export button.\n",
		"Please add a feature to export the device list.\n",
		NULL,
	};
	sm_rules *r = defaults();
	sm_rules_result out;
	const sm_rule_outcome *o;
	size_t i;

	for (i = 0; yes[i]; i++) {
		g_test_message("feature positive %zu", i);
		eval(r, SUBJ, yes[i], false, NULL, &out);
		g_assert_true(out.feedback);
		o = outcome(&out, "feature_request");
		g_assert_nonnull(o);
		if (o)
			g_assert_cmpint(o->action, <, SM_ACT_REJECT);
		sm_rules_result_clear(&out);
	}
	eval(r, SUBJ, "ログを添付します。\n\n> 機能追加のご要望はポータルからどうぞ。\n", false, NULL,
	     &out);
	g_assert_false(out.feedback);
	g_assert_null(outcome(&out, "feature_request"));
	sm_rules_result_clear(&out);
	eval(r, SUBJ, "This is not a feature request.\n", false, NULL, &out);
	g_assert_false(out.feedback);
	sm_rules_result_clear(&out);
	sm_rules_free(r);
}

/* ------------------------------------------------------------ attachments */

static void eval_att(const sm_rules *r, size_t n, long long max, long long total,
		     sm_rules_result *out)
{
	sm_view *v = sm_view_new_utf8("x\n", 2);
	const sm_view *texts[2] = {v, NULL};
	sm_rules_input in = {0};

	in.subject = SUBJ;
	in.texts = texts;
	in.n_attachments = n;
	in.attachment_bytes_max = max;
	in.attachment_bytes_total = total;
	in.now = NOW;
	g_assert_cmpint(sm_rules_eval(r, &in, out), ==, 0);
	sm_view_free(v);
}

static void test_attachments(void)
{
	const long long G = 1024LL * 1024 * 1024;
	sm_rules *r = defaults();
	sm_rules_result out;

	eval_att(r, 10, G, 10 * G, &out); /* at every limit */
	g_assert_null(outcome(&out, "attachments"));
	sm_rules_result_clear(&out);
	eval_att(r, 11, 1, 11, &out);
	assert_reject(&out, "attachments", "too_many", "upload site");
	assert_reject(&out, "attachments", "too_many", "at most 10 attachments, 1 GB per file");
	sm_rules_result_clear(&out);
	eval_att(r, 1, G + 1, G + 1, &out);
	assert_reject(&out, "attachments", "file_too_large", NULL);
	sm_rules_result_clear(&out);
	eval_att(r, 10, G, 10 * G + 1, &out);
	assert_reject(&out, "attachments", "total_too_large", NULL);
	sm_rules_result_clear(&out);
	sm_rules_free(r);
}

static void test_attachments_config(void)
{
	char err[512] = "";
	sm_rules *r = load("rules: { attachments: { max_count = 2; max_file_bytes = 1048576; "
			   "action = \"tempfail\"; }; };",
			   URL, err, sizeof(err));
	sm_rules_result out;
	const sm_rule_outcome *o;

	g_assert_nonnull(r);
	if (!r)
		return;
	eval_att(r, 2, 1048576, 2097152, &out);
	g_assert_null(outcome(&out, "attachments"));
	sm_rules_result_clear(&out);
	eval_att(r, 3, 1048577, 3, &out);
	o = outcome(&out, "attachments");
	g_assert_nonnull(o);
	if (o) {
		g_assert_cmpint(o->action, ==, SM_ACT_TEMPFAIL);
		g_assert_nonnull(strstr(o->reply, "at most 2 attachments, 1 MB per file"));
		g_assert_true(g_str_has_suffix(o->reply, URL));
	}
	g_assert_cmpuint(out.outcomes->len, ==, 2); /* count and size */
	sm_rules_result_clear(&out);
	sm_rules_free(r);
}

/* ------------------------------------------------------------ configuration */

static void expect_error(const char *conf, const char *what)
{
	char err[512] = "";
	sm_rules *r = load(conf, NULL, err, sizeof(err));

	g_assert_null(r);
	sm_rules_free(r);
	if (!strstr(err, what)) {
		g_test_message("expected '%s' in: %s", what, err);
		g_test_fail();
	}
}

static void test_config_errors(void)
{
	expect_error("rules: {\n  colour = 1;\n};\n", ":2: unknown key 'colour'");
	expect_error("rules: {\n severity_a: {\n  acton = \"tag\";\n };\n};\n",
		     ":3: unknown key 'acton' in group severity_a");
	expect_error("rules: {\n attachments: {\n\n  max_count = -1;\n };\n};\n",
		     ":4: key 'max_count': -1 is out of range");
	expect_error("rules: {\n severity_a: {\n  reply = \"重要度\";\n };\n};\n",
		     ":3: key 'reply': must be printable ASCII");
	expect_error("rules: {\n resolution: {\n  phrases = [ \"ok\", \"(\" ];\n };\n};\n",
		     ":3: key 'phrases': pattern 2:");
	expect_error("rules: {\n resolution: {\n  tag = \"[a]\\n\";\n };\n};\n",
		     ":3: key 'tag': must be UTF-8 text without control characters");
	expect_error("rules: {\n subject_sr: {\n  on_missing = \"drop\";\n };\n};\n",
		     ":3: key 'on_missing': unknown value");
	expect_error("rules: {\n resolution: {\n  add_rcpt = \"Close <c@x>\";\n };\n};\n",
		     ":3: key 'add_rcpt': 'Close <c@x>' is not a bare address");
	expect_error("rules: {\n sr: {\n  max_numbers = 0;\n };\n};\n",
		     ":3: key 'max_numbers'");
	expect_error("rules: {\n feature_request = 1;\n};\n", ":2: key 'feature_request': wrong type");
}

static void test_shipped_conf(void)
{
	char *path = g_build_filename(sm_test_top(), "conf", "support-milter.conf", NULL);
	config_t cf;
	char err[512] = "";
	sm_rules *r = NULL;

	config_init(&cf);
	g_assert_true(config_read_file(&cf, path));
	r = sm_rules_load(config_lookup(&cf, "rules"), NULL, err, sizeof(err));
	if (!r)
		g_test_message("%s", err);
	g_assert_nonnull(r);
	if (r) {
		g_assert_true(resolved(r, SUBJ, "解決しました。\n", false, NULL));
		sm_rules_free(r);
	}
	config_destroy(&cf);
	g_free(path);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/rules/subject_ok", test_subject_ok);
	g_test_add_func("/rules/subject_missing", test_subject_missing);
	g_test_add_func("/rules/subject_two", test_subject_two);
	g_test_add_func("/rules/repair", test_repair);
	g_test_add_func("/rules/subject_config", test_subject_config);
	g_test_add_func("/rules/resolution_yes", test_resolution_yes);
	g_test_add_func("/rules/resolution_no", test_resolution_no);
	g_test_add_func("/rules/resolution_quoted", test_resolution_quoted);
	g_test_add_func("/rules/resolution_limit", test_resolution_limit);
	g_test_add_func("/rules/resolution_auto", test_resolution_auto);
	g_test_add_func("/rules/resolution_tag", test_resolution_tag);
	g_test_add_func("/rules/severity", test_severity);
	g_test_add_func("/rules/severity_tag", test_severity_tag);
	g_test_add_func("/rules/feature", test_feature);
	g_test_add_func("/rules/attachments", test_attachments);
	g_test_add_func("/rules/attachments_config", test_attachments_config);
	g_test_add_func("/rules/config_errors", test_config_errors);
	g_test_add_func("/rules/shipped_conf", test_shipped_conf);
	return g_test_run();
}
