/*
 * test_rules_clause.c - the clause-by-clause reading of the new text
 * (rules_clause.c, rules_intent.c, rules_lang.c): sentences and clauses,
 * contrast, reported speech, scope (another case, another SR, the paragraph,
 * SCOPE_CLAUSES_MAX at and past the limit), continuation, polite requests,
 * automatic replies by their own words (AUTO_BODY_WINDOW at and past the
 * limit), severity A namings and near misses, the prefilter's occurrence
 * list at and past GATE_HITS_MAX, and the new configuration keys.
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
#define OTHER "2411280040098765"
#define SUBJ "RE: [SR#" OWN "] スキャンが遅い"

static sm_rules *load(const char *body, char *err, size_t errlen)
{
	return sm_test_rules_load(body, NULL, err, errlen);
}

static sm_rules *defaults(void)
{
	return sm_test_rules_defaults();
}

static void eval(const sm_rules *r, const char *subject, const char *body,
		 const char *const *hdr, sm_rules_result *out)
{
	sm_test_rules_eval(r, subject, body, false, hdr, NOW, out);
}

static bool resolved(const sm_rules *r, const char *body)
{
	sm_rules_result out;
	bool res;

	eval(r, SUBJ, body, NULL, &out);
	res = out.resolved;
	sm_rules_result_clear(&out);
	return res;
}

static bool severity(const sm_rules *r, const char *body)
{
	sm_rules_result out;
	bool hit = false;
	guint i;

	eval(r, SUBJ, body, NULL, &out);
	for (i = 0; i < out.outcomes->len; i++)
		hit |= strcmp(g_array_index(out.outcomes, sm_rule_outcome, i).rule, "severity_a") == 0;
	sm_rules_result_clear(&out);
	return hit;
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

/* ------------------------------------------------------------ clauses */

static void test_spans(void)
{
	sm_rules *r = defaults();
	GArray *a = g_array_new(FALSE, FALSE, sizeof(sm_span));
	const char *t = "前置き。\n\n解決しましたが、原因を教えてください。次の文。";
	const char *m = strstr(t, "解決");
	size_t k = sm_clauses_around(&r->clauses, t, strlen(t), m - t, m - t + 6, a);
	const sm_span *s;

	/* the paragraph starts after the blank line; the sentence holding the
	 * match is cut before が (a contrast); the next sentence is not read */
	g_assert_cmpuint(a->len, ==, 2);
	s = &g_array_index(a, sm_span, 0);
	g_assert_cmpuint(k, ==, 0);
	g_assert_cmpuint(s->start, ==, (size_t)(m - t));
	g_assert_true(s->sentence);
	g_assert_false(s->contrast);
	s = &g_array_index(a, sm_span, 1);
	g_assert_true(s->contrast);
	g_assert_cmpint(strncmp(t + s->start, "が、", 6), ==, 0);
	g_assert_cmpint(t[s->end - 1], ==, (char)0x82); /* ends with 。 (e3 80 82) */
	/* English: "but" and ";" cut, a wrapped line does not */
	t = "It was fixed\nbut it came back; thanks.";
	k = sm_clauses_around(&r->clauses, t, strlen(t), 7, 12, a);
	g_assert_cmpuint(a->len, ==, 3);
	g_assert_true(g_array_index(a, sm_span, 1).contrast);
	g_assert_false(g_array_index(a, sm_span, 2).contrast);
	g_assert_true(sm_clauses_next_contrasts(&r->clauses, "x. However, y", 13, 2));
	g_assert_false(sm_clauses_next_contrasts(&r->clauses, "x. Also y", 9, 2));
	g_array_free(a, TRUE);
	sm_rules_free(r);
}

static void test_contrast(void)
{
	static const char *const yes[] = {
		"原因は不明ですが、事象は解消しました。\n",
		"ログは取得できませんでしたけど、問題は解決しました。\n",
		"The root cause is unknown, but the issue no longer occurs.\n",
		"ご連絡が遅くなりましたが、その後問題なく稼働しております。本件は終了で問題ございません。\n",
		NULL,
	};
	static const char *const no[] = {
		"解決しましたが、念のため原因を教えてください。\n",
		"解決しました。しかし、別のサーバーで再発しています。\n",
		"再起動で直りました。ただ、原因を教えていただけますでしょうか。\n",
		"直ったけど、また落ちるかもしれない。\n",
		"It is fixed. However, could you explain the cause?\n",
		"This issue is resolved, but please keep the case open for a week.\n",
		"The issue is resolved for some users but not all.\n",
		/* ので inside もので is not a cut: the negation stays with the phrase */
		"解決したものではありません。\n",
		NULL,
	};
	sm_rules *r = defaults();

	expect_res(r, yes, no);
	sm_rules_free(r);
}

static void test_reported(void)
{
	static const char *const no[] = {
		"先日は解消したとお伝えしておりました。\n",
		"解決済みと伺っておりました。\n",
		"前回「解決しました」と書きました。\n",
		"I wrote last week that it was fixed.\n",
		"You said the issue is resolved.\n",
		"According to the engineer the issue is resolved.\n",
		"The user says the issue is resolved.\n",
		NULL,
	};
	static const char *const yes[] = {
		"解決したことをご報告いたします。\n", /* present: a statement */
		"I am happy to report that the issue is resolved.\n",
		NULL,
	};
	sm_rules *r = defaults();

	expect_res(r, yes, no);
	sm_rules_free(r);
}

static void test_scope(void)
{
	static const char *const yes[] = {
		"SR " OWN " は解決しました。\n",               /* this mail's own SR */
		"本件は別件と同じ原因で解決しました。\n",      /* names this case too */
		"別件は先週クローズされました。\n\n本件も解決しました。\n", /* new paragraph */
		"The other case was closed last week. This case is resolved as well.\n",
		"別件（SR " OTHER "）は調査中ですが、本件は解決しました。\n",
		NULL,
	};
	static const char *const no[] = {
		"SR " OTHER " は解決しました。\n",
		"別件は解決しました。\n",
		"別件について。先方で解決しました。\n",           /* carried in the paragraph */
		"The other case is resolved.\n",
		"Case " OTHER " can be closed.\n",
		"前回の件は解決しましたが、新たに別の問題が発生しました。\n",
		NULL,
	};
	sm_rules *r = defaults();
	GString *b = g_string_new("別件について。");
	int i;

	expect_res(r, yes, no);
	/* the scope carries SCOPE_CLAUSES_MAX (16) clauses back: the marker's
	 * clause and 15 more, then the match's; one more and it is this case */
	for (i = 0; i < 14; i++)
		g_string_append(b, "ログを見ました。");
	g_string_append(b, "解決しました。\n");
	g_assert_false(resolved(r, b->str)); /* 16 clauses: still the other case */
	g_string_truncate(b, 0);
	g_string_append(b, "別件について。");
	for (i = 0; i < 15; i++)
		g_string_append(b, "ログを見ました。");
	g_string_append(b, "解決しました。\n");
	g_assert_true(resolved(r, b->str)); /* 17: past the limit, this case */
	g_string_free(b, TRUE);
	sm_rules_free(r);
}

static void test_continues(void)
{
	static const char *const no[] = {
		"解決しました。引き続き原因調査をお願いします。\n",
		"解消したようですが、念のため数日様子を見ます。\n",
		"The issue is resolved. We are still seeing one alert a day.\n",
		"The issue was fixed last week and came back this morning.\n",
		"The issue no longer occurs. Please do not close the case yet.\n",
		"解決しました。クローズはまだしないでください。\n",
		NULL,
	};
	static const char *const yes[] = {
		"解決しました。引き続きよろしくお願いいたします。\n", /* the closing formula */
		"解決しました。その後、再発していません。\n",          /* negated */
		"本件は解決しました。別件（SR " OTHER "）は引き続き調査をお願いします。\n",
		"The issue is resolved. If it happens again we will open a new case.\n",
		NULL,
	};
	sm_rules *r = defaults();

	expect_res(r, yes, no);
	sm_rules_free(r);
}

static void test_requests(void)
{
	static const char *const yes[] = {
		"The issue no longer occurs. Could you please close the case?\n",
		"本件クローズしていただけますでしょうか。\n",
		"No further action needed on our side, you may mark this as solved.\n",
		NULL,
	};
	static const char *const no[] = {
		"Is the issue resolved?\n",
		"Has the problem been fixed on your side\n",
		"クローズしてもよろしいでしょうか。\n",
		"解消したか確認中です。\n",
		"The patch should have fixed it.\n",
		NULL,
	};
	sm_rules *r = defaults();

	expect_res(r, yes, no);
	sm_rules_free(r);
}

/* An automatic reply says so at the top: AUTO_BODY_WINDOW (1024) bytes. */
static void test_auto_body(void)
{
	sm_rules *r = defaults();
	const char *says = "This is an automatic reply"; /* what the pattern matches */
	GString *b = g_string_new(NULL);

	g_assert_false(resolved(r, "このメールは自動応答です。\n解決済みの件はクローズで結構です。\n"));
	g_assert_false(resolved(r, "本メールは自動送信されています。本件クローズをお願いします。\n"));
	g_assert_false(resolved(r, "This message was sent automatically. You can close the case.\n"));
	/* mentioning an automatic reply is not being one */
	g_assert_true(resolved(r, "御社の自動応答メールは届きました。本件は解決しました。\n"));
	/* the words end at byte 1024: read; one byte later: not */
	g_string_append(b, "Hi.\n");
	while (b->len < 1024 - strlen(says) - 1)
		g_string_append_c(b, 'x');
	g_string_append_c(b, ' ');
	g_string_append(b, says);
	g_assert_cmpuint(b->len, ==, 1024);
	g_string_append(b, ".\nThe issue is resolved.\n");
	g_assert_false(resolved(r, b->str));
	g_string_insert_c(b, 3, 'x');
	g_assert_true(resolved(r, b->str));
	g_string_free(b, TRUE);
	sm_rules_free(r);
}

static void test_severity_forms(void)
{
	static const char *const yes[] = {
		"本件の重大度をＡに変更していただけますでしょうか。\n",
		"至急、優先度を最高に変更してください。\n",
		"重大度をクリティカルに上げていただけますか。\n",
		"24時間対応をお願いできますでしょうか。\n",
		"重大度 A 相当でお願いします。\n",
		"Please escalate this case to Sev A.\n",
		"Could you change the priority of this case to Critical?\n",
		"We need 24/7 support on this.\n",
		"Need Sev A ASAP.\n",
		"Please treat this as Severity A.\n",
		"サーバー1台では解決しましたが、重大度を A に引き上げてください。\n",
		NULL,
	};
	static const char *const no[] = {
		"重要度 A の資産で検知が出ています。\n",
		"データ分類 A のファイルが隔離されました。\n",
		"社内の優先度 A のインシデントとして扱っています。\n",
		"A社向けの端末で発生しています。\n",
		"重要度Aランクのサーバーで発生しています。\n",
		"重大度はBのままで問題ありません。\n",
		"ご案内のとおり、重大度 A の新規リクエストを電話で起票しました。\n",
		"重大度 A に変更する方法を教えてください。\n",
		"24時間体制で監視しております。\n",
		"As instructed, I opened a new Severity A request by phone.\n",
		"In our internal ticketing system this is priority A.\n",
		"Severity A cases need 24x7 availability from us, so please keep it at B.\n",
		"This is a critical server for our business.\n",
		NULL,
	};
	sm_rules *r = defaults();

	expect_sev(r, yes, no);
	sm_rules_free(r);
}

/* GATE_HITS_MAX (4096) occurrences of a prefilter word are kept per text;
 * past it the pattern searches the whole text: the match is found either way. */
static void test_gate_overflow(void)
{
	sm_rules *r = defaults();
	GString *b = g_string_new(NULL);
	int n;

	for (n = 4095; n <= 4097; n++) {
		int i;

		g_string_truncate(b, 0);
		for (i = 0; i < n; i++)
			g_string_append(b, i % 2 ? "close\n" : "ケース\n");
		g_string_append(b, "\nYou can close the case.\n");
		g_test_message("%d occurrences", n);
		g_assert_true(resolved(r, b->str));
	}
	g_string_free(b, TRUE);
	sm_rules_free(r);
}

static void test_config_keys(void)
{
	char err[512] = "";
	sm_rules *r = load("rules: { resolution: {\n"
			   "  continues = [ \"zzz\" ];\n  other_case = [ \"yonder\" ];\n"
			   "  this_case = [ \"here\" ];\n  reported = [ \"heard\" ];\n"
			   "  requests = [ \"pretty please\" ];\n  auto_bodies = [ \"robot\" ];\n"
			   "}; severity_a: { reported = [ \"done\" ]; }; };\n",
			   err, sizeof(err));

	g_assert_nonnull(r);
	if (!r) {
		g_test_message("%s", err);
		return;
	}
	/* the lists replace the built-in ones */
	g_assert_true(resolved(r, "解決しました。再発しました。\n"));
	g_assert_false(resolved(r, "解決しました。zzz\n"));
	g_assert_false(resolved(r, "Yonder case: the issue is resolved.\n"));
	g_assert_true(resolved(r, "The other case: the issue is resolved.\n"));
	g_assert_true(resolved(r, "Yonder case done. Here the issue is resolved.\n"));
	g_assert_false(resolved(r, "I heard the issue is resolved.\n"));
	g_assert_false(resolved(r, "I am a robot. The issue is resolved.\n"));
	g_assert_true(resolved(r, "The issue is resolved, pretty please?\n"));
	g_assert_false(resolved(r, "The issue is resolved?\n"));
	g_assert_false(severity(r, "Please raise the severity to A, done\n"));
	g_assert_true(severity(r, "Please raise the severity to A.\n"));
	sm_rules_free(r);
	r = load("rules: { resolution: {\n  continues = [ \"(\" ];\n}; };\n", err, sizeof(err));
	g_assert_null(r);
	g_assert_nonnull(strstr(err, ":2: key 'continues': pattern 1:"));
	r = load("rules: { resolution: {\n\n  other_case = [ \"[\" ];\n}; };\n", err, sizeof(err));
	g_assert_null(r);
	g_assert_nonnull(strstr(err, ":3: key 'other_case': pattern 1:"));
	r = load("rules: { severity_a: {\n  reported = 3;\n}; };\n", err, sizeof(err));
	g_assert_null(r);
	g_assert_nonnull(strstr(err, ":2: key 'reported'"));
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/rules_clause/spans", test_spans);
	g_test_add_func("/rules_clause/contrast", test_contrast);
	g_test_add_func("/rules_clause/reported", test_reported);
	g_test_add_func("/rules_clause/scope", test_scope);
	g_test_add_func("/rules_clause/continues", test_continues);
	g_test_add_func("/rules_clause/requests", test_requests);
	g_test_add_func("/rules_clause/auto_body", test_auto_body);
	g_test_add_func("/rules_clause/severity_forms", test_severity_forms);
	g_test_add_func("/rules_clause/gate_overflow", test_gate_overflow);
	g_test_add_func("/rules_clause/config_keys", test_config_keys);
	return g_test_run();
}
