/* test_notice.c - the sender's notice text (parser/verdict/notice.c):
 * Japanese first, then English; which message, what was found where, what
 * was done, what to do next, the policy URL; never the value.  And when
 * there is none: unchanged mail, bounces, automatic replies, loops, support
 * senders, notices off, dry-run.  Templates: custom files, placeholder
 * typos refused, the built-in texts equal to conf/notice.*.txt. */
#include "scan.h"
#include "testutil.h"

#include <unistd.h>

static const time_t NOW = 1764633600; /* 2025-12-02 */

static sm_policy *load_mode(const char *mode, const char *extra, char *err, size_t errlen)
{
	char path[] = "/tmp/sm-notice-XXXXXX";
	int fd = mkstemp(path);
	char *t = g_strdup_printf("recipients = [\"support@vendor.example\"];\n"
				  "policy: { policy_url = \"https://intranet.example.co.jp/rules\"; "
				  "mode = \"%s\"; };\n%s\n", mode, extra);
	sm_policy *p;

	g_assert_cmpint(write(fd, t, strlen(t)), ==, (ssize_t)strlen(t));
	close(fd);
	*err = '\0';
	p = sm_policy_load(path, err, errlen);
	unlink(path);
	g_free(t);
	return p;
}

static sm_policy *load(const char *extra, char *err, size_t errlen)
{
	return load_mode("enforce", extra, err, errlen);
}

static sm_policy *policy(const char *extra)
{
	char err[1024];
	char *t = g_strdup_printf("notice: { enabled = true; from = \"dlp@corp.example\"; "
				  "severity_a_phone = \"03-1234-5678\"; };\n%s", extra);
	sm_policy *p = load(t, err, sizeof(err));

	if (!p)
		g_test_message("config: %s", err);
	g_assert_nonnull(p);
	g_free(t);
	return p;
}

/* The notice for msg from sender, decoded: "headers\n\nbody", or NULL with *why. */
static char *notice(sm_policy *p, const char *msg, const char *sender, const char **why)
{
	const char *rc[] = {"support@vendor.example", NULL};
	sm_envelope e = {"Q1", sender, rc, NULL};
	sm_result *r = sm_scan_mem(p, msg, strlen(msg), &e, NOW);
	char *n = sm_result_notice(r, "Q1", NOW, why), *sep, *out;
	guchar *body;
	gsize len;

	sm_result_free(r);
	if (!n)
		return NULL;
	sep = strstr(n, "\n\n");
	g_assert_nonnull(sep);
	body = g_base64_decode(sep + 2, &len);
	sep[1] = '\0';
	out = g_strdup_printf("%s\n%.*s", n, (int)len, body);
	g_free(body);
	g_free(n);
	return out;
}

static const char CARD[] = "From: Taro <taro@corp.example>\nTo: support@vendor.example\n"
			   "Subject: card 4111 1111 1111 1111 TrackingID#2512010000000001\n"
			   "Message-ID: <m1@corp.example>\nDate: Tue, 2 Dec 2025 10:00:00 +0900\n\n"
			   "my card 4111-1111-1111-1111\n\n> quoted 5555 5555 5555 4444\n";

static void test_masked(void)
{
	sm_policy *p = policy("");
	const char *why = NULL;
	char *n = notice(p, CARD, "<Taro@corp.example>", &why), *ja, *en;

	g_assert_nonnull(n);
	if (!n)
		return;
	g_assert_nonnull(strstr(n, "To: Taro@corp.example\n"));
	g_assert_nonnull(strstr(n, "From: dlp@corp.example\n"));
	g_assert_nonnull(strstr(n, "Auto-Submitted: auto-generated\n"));
	g_assert_nonnull(strstr(n, "In-Reply-To: <m1@corp.example>\n"));
	ja = strstr(n, "■ 見つかった情報");
	en = strstr(n, "What was found");
	g_assert_true(ja && en && ja < en); /* Japanese first */
	g_assert_nonnull(strstr(n, "件名: card **** **** **** 1111 TrackingID#2512010000000001"));
	g_assert_nonnull(strstr(n, "日時: Tue, 2 Dec 2025 10:00:00 +0900"));
	g_assert_nonnull(strstr(n, "SR 番号: 2512010000000001"));
	g_assert_nonnull(strstr(n, "クレジットカード番号（本文、****-****-****-1111）"));
	g_assert_nonnull(strstr(n, "クレジットカード番号（引用部分、**** **** **** 4444）"));
	g_assert_nonnull(strstr(n, "クレジットカード番号（件名、"));
	g_assert_nonnull(strstr(n, "マスクして送信しました"));
	g_assert_nonnull(strstr(n, "credit card number (the quoted part, shown as **** **** **** 4444)"));
	g_assert_nonnull(strstr(n, "It was sent with the values masked."));
	g_assert_nonnull(strstr(n, "https://intranet.example.co.jp/rules"));
	/* never the value */
	g_assert_null(strstr(n, "4111 1111 1111 1111"));
	g_assert_null(strstr(n, "4111-1111-1111-1111"));
	g_assert_null(strstr(n, "5555 5555 5555 4444\n"));
	g_free(n);
	sm_policy_unref(p);
}

static void test_rejected(void)
{
	sm_policy *p = policy("");
	const char *why = NULL;
	char *n = notice(p, "From: t@corp.example\nTo: support@vendor.example\nSubject: logs "
			    "TrackingID#2512010000000001\nMIME-Version: 1.0\n"
			    "Content-Type: multipart/mixed; boundary=\"B\"\n\n--B\n"
			    "Content-Type: text/plain\n\nsee attached\n--B\n"
			    "Content-Type: application/octet-stream; name=\"WindowsDefenderATPOnboardingScript.cmd\"\n"
			    "Content-Disposition: attachment; filename=\"WindowsDefenderATPOnboardingScript.cmd\"\n\n"
			    "@echo off\n--B--\n", "t@corp.example", &why);

	g_assert_nonnull(n);
	if (n) {
		g_assert_nonnull(strstr(n, "送信を止めました"));
		g_assert_nonnull(strstr(n, "添付ファイル「WindowsDefenderATPOnboardingScript.cmd」"));
		g_assert_nonnull(strstr(n, "オンボーディング／オフボーディング スクリプト・パッケージ"));
		g_assert_nonnull(strstr(n, "どのような場合もサポートに送らないでください"));
		g_assert_nonnull(strstr(n, "Never send onboarding or offboarding scripts"));
		g_assert_nonnull(strstr(n, "The message was not sent"));
	}
	g_free(n);
	n = notice(p, "From: t@corp.example\nTo: support@vendor.example\n"
		      "Subject: RE: TrackingID#2512010000000001 issue\n\n"
		      "重大度を A に上げてください。至急対応をお願いします。\n", "t@corp.example", &why);
	g_assert_nonnull(n);
	if (n) {
		g_assert_nonnull(strstr(n, "メールで重大度 A に変更しようとしています"));
		g_assert_nonnull(strstr(n, "電話でお問い合わせください: 03-1234-5678"));
		g_assert_nonnull(strstr(n, "If you need severity A, call: 03-1234-5678"));
	}
	g_free(n);
	sm_policy_unref(p);
}

static void no_notice(sm_policy *p, const char *msg, const char *sender, const char *reason)
{
	const char *why = NULL;
	char *n = notice(p, msg, sender, &why);

	g_assert_null(n);
	g_free(n);
	if (!why || !strstr(why, reason)) {
		g_test_message("why '%s', expected '%s'", why ? why : "(null)", reason);
		g_test_fail();
	}
}

static void test_none(void)
{
	sm_policy *p = policy(""), *off;
	char err[1024];
	char *auto_sub = g_strdup_printf("Auto-Submitted: auto-replied\n%s", CARD);
	char *prec = g_strdup_printf("Precedence: bulk\n%s", CARD);
	char *loop = g_strdup_printf("X-Support-Milter-Notice: 1\n%s", CARD);
	char *ooo = g_strdup_printf("X-Auto-Response-Suppress: All\n%s", CARD);

	no_notice(p, "From: t@corp.example\nTo: support@vendor.example\n"
		     "Subject: TrackingID#2512010000000001 hello\n\nnothing secret\n",
		  "t@corp.example", "not changed or rejected");
	no_notice(p, CARD, "<>", "null sender");
	no_notice(p, CARD, "", "null sender");
	/* an address that could forge a header line or an SMTP command */
	no_notice(p, CARD, "<t@corp.example\r\nBcc: x@evil.example>", "not a plain address");
	no_notice(p, CARD, "<t@corp.example> <y@evil.example>", "not a plain address");
	no_notice(p, auto_sub, "t@corp.example", "automatic");
	no_notice(p, prec, "t@corp.example", "automatic");
	no_notice(p, ooo, "t@corp.example", "automatic");
	no_notice(p, loop, "t@corp.example", "loop");
	no_notice(p, CARD, "<support@vendor.example>", "support or notice address");
	no_notice(p, CARD, "dlp@corp.example", "support or notice address");
	off = load("", err, sizeof(err));
	g_assert_nonnull(off);
	if (off)
		no_notice(off, CARD, "t@corp.example", "notices are off");
	sm_policy_unref(off);
	off = load_mode("dry-run", "notice: { enabled = true; from = \"dlp@corp.example\"; };", err,
			sizeof(err));
	g_assert_nonnull(off);
	if (off)
		no_notice(off, CARD, "t@corp.example", "not changed or rejected");
	sm_policy_unref(off);
	g_free(auto_sub);
	g_free(prec);
	g_free(loop);
	g_free(ooo);
	sm_policy_unref(p);
}

static void test_templates(void)
{
	char path[] = "/tmp/sm-tmpl-XXXXXX", err[1024];
	int fd = mkstemp(path);
	const char *t = "件名 {subject} / {done}\n{findings}\n";
	char *conf = g_strdup_printf("notice: { enabled = true; from = \"a@b.example\"; "
				     "template_ja = \"%s\"; };", path);
	sm_policy *p;
	const char *why;
	char *n, *ja, *en;
	gsize len;

	g_assert_cmpint(write(fd, t, strlen(t)), ==, (ssize_t)strlen(t));
	close(fd);
	p = load(conf, err, sizeof(err));
	g_assert_nonnull(p);
	if (p) {
		n = notice(p, CARD, "t@corp.example", &why);
		g_assert_true(n && strstr(n, "件名 card **** **** **** 1111 TrackingID#2512010000000001"
					     " / マスクして送信しました\n  - クレジットカード番号"));
		g_free(n);
	}
	sm_policy_unref(p);
	g_assert_true(g_file_set_contents(path, "ok {subject}\nthen {subjcet}\n", -1, NULL));
	p = load(conf, err, sizeof(err));
	g_assert_null(p);
	g_assert_nonnull(strstr(err, ":2: unknown placeholder {subjcet}"));
	unlink(path);
	g_free(conf);
	/* the built-in texts are the files we ship */
	ja = sm_test_read("conf/notice.ja.txt", &len);
	en = sm_test_read("conf/notice.en.txt", &len);
	p = load("notice: { enabled = true; from = \"a@b.example\"; template_ja = \"\"; };", err,
		 sizeof(err));
	g_assert_nonnull(p);
	if (p) {
		n = notice(p, CARD, "t@corp.example", &why);
		g_assert_true(n && strstr(n, "サポート宛てに送信されたメールに、サポートに送ってはいけない"));
		g_free(n);
	}
	sm_policy_unref(p);
	g_assert_nonnull(strstr(ja, "{findings}"));
	g_assert_nonnull(strstr(en, "{findings}"));
	g_free(ja);
	g_free(en);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/notice/masked", test_masked);
	g_test_add_func("/notice/rejected", test_rejected);
	g_test_add_func("/notice/none", test_none);
	g_test_add_func("/notice/templates", test_templates);
	return g_test_run();
}
