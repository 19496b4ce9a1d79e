/* test_exceptions.c - the `exceptions` group (parser/policy/exceptions.c)
 * through sm_scan_mem: each criterion and its near miss, the scope, the
 * onboarding rule, expiry at the last second and one past it, the header
 * trusted only from the named clients, rules relaxed, the audit record
 * naming the exception, -n warnings and configuration errors. */
#include "scan.h"
#include "testutil.h"

#include <unistd.h>

static const time_t NOW = 1764547200; /* 2025-12-01 00:00 UTC */

static sm_policy *load(const char *exc, char *err, size_t errlen)
{
	char path[] = "/tmp/sm-exc-XXXXXX";
	int fd = mkstemp(path);
	char *t = g_strdup_printf("recipients = [\"support@vendor.example\"];\n"
				  "rules: { subject_sr: { on_missing = \"accept\"; }; };\n"
				  "exceptions: {\n%s\n};\n", exc);
	sm_policy *p;

	g_assert_cmpint(write(fd, t, strlen(t)), ==, (ssize_t)strlen(t));
	close(fd);
	*err = '\0';
	p = sm_policy_load(path, err, errlen);
	unlink(path);
	g_free(t);
	return p;
}

static sm_policy *policy(const char *exc)
{
	char err[1024];
	sm_policy *p = load(exc, err, sizeof(err));

	if (!p)
		g_test_message("config: %s", err);
	g_assert_nonnull(p);
	return p;
}

static const char CARD_PW[] = "From: qa@lab.example.co.jp\nTo: support@vendor.example\n"
			      "Subject: test card\nX-Company-DLP: payment-lab\n\n"
			      "test card 4111 1111 1111 1111\npassword: Xk4#pQ9vLm2z\n";
static const char ONB[] = "From: qa@lab.example.co.jp\nTo: support@vendor.example\nSubject: x\n"
			  "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n"
			  "--B\nContent-Type: text/plain\n\nsee attached\n--B\n"
			  "Content-Type: text/plain; name=\"WindowsDefenderATPOnboardingScript.cmd\"\n"
			  "Content-Disposition: attachment; filename=\"WindowsDefenderATPOnboardingScript.cmd\"\n\n"
			  "@echo off\n--B--\n";

/* The audit record of msg from sender (and client) to rcpt at when. */
static char *audit(sm_policy *p, const char *msg, const char *sender, const char *rcpt,
		   const char *client, time_t when, sm_verdict *v)
{
	const char *rc[] = {rcpt, NULL};
	sm_envelope e = {"Q", sender, rc, client};
	sm_result *r = sm_scan_mem(p, msg, strlen(msg), &e, when);
	char *a = sm_result_audit_json(r, &e, when);

	*v = sm_result_verdict(r);
	sm_result_free(r);
	return a;
}

static bool card_relaxed(const char *a)
{
	return strstr(a, "\"detector\":\"credit_card\"") &&
	       strstr(a, "\"action\":\"log\",\"preview\":\"**** **** **** 1111\"") &&
	       strstr(a, "\"relaxed\":true");
}

static void test_sender(void)
{
	sm_policy *p = policy("payment_lab: { senders = [ \"qa@lab.example.co.jp\" ]; "
			      "relax = [ \"credit_card\" ]; };");
	sm_verdict v;
	char *a = audit(p, CARD_PW, "<QA@Lab.Example.co.jp>", "support@vendor.example", NULL, NOW, &v);

	g_assert_true(card_relaxed(a));
	g_assert_nonnull(strstr(a, "\"exception\":\"payment_lab\""));
	/* the password is not in its scope: still masked */
	g_assert_nonnull(strstr(a, "\"detector\":\"password\""));
	g_assert_nonnull(strstr(a, "\"action\":\"mask\""));
	g_assert_cmpint(v, ==, SM_V_MODIFY);
	g_free(a);
	/* near miss: another sender of the same domain */
	a = audit(p, CARD_PW, "<qa2@lab.example.co.jp>", "support@vendor.example", NULL, NOW, &v);
	g_assert_false(card_relaxed(a));
	g_assert_nonnull(strstr(a, "\"exception\":null"));
	g_free(a);
	sm_policy_unref(p);
}

static void test_domain_and_recipient(void)
{
	sm_policy *p = policy("lab: { senders = [ \"@lab.example.co.jp\" ]; "
			      "recipients = [ \"support@vendor.example\" ]; relax = [ \"*\" ]; };");
	sm_verdict v;
	char *a = audit(p, CARD_PW, "<qa9@lab.example.co.jp>", "<Support@Vendor.Example>", NULL, NOW,
			&v);

	g_assert_true(card_relaxed(a));
	g_assert_cmpint(v, ==, SM_V_ACCEPT); /* "*": the password too */
	g_free(a);
	/* near miss: a subdomain is not the domain */
	a = audit(p, CARD_PW, "<qa@x.lab.example.co.jp>", "support@vendor.example", NULL, NOW, &v);
	g_assert_false(card_relaxed(a));
	g_free(a);
	sm_policy_unref(p);
}

static void test_onboarding_never_by_star(void)
{
	sm_policy *p = policy("all: { senders = [ \"@lab.example.co.jp\" ]; relax = [ \"*\" ]; };"),
		  *q = policy("onb: { senders = [ \"@lab.example.co.jp\" ]; "
			      "relax = [ \"mde_onboarding\" ]; };");
	sm_verdict v;
	char *a = audit(p, ONB, "qa@lab.example.co.jp", "support@vendor.example", NULL, NOW, &v);

	g_assert_cmpint(v, ==, SM_V_REJECT);
	g_free(a);
	a = audit(q, ONB, "qa@lab.example.co.jp", "support@vendor.example", NULL, NOW, &v);
	g_assert_cmpint(v, ==, SM_V_ACCEPT); /* named explicitly: relaxed */
	g_assert_nonnull(strstr(a, "\"exception\":\"onb\""));
	g_free(a);
	sm_policy_unref(p);
	sm_policy_unref(q);
}

static void test_header_clients(void)
{
	sm_policy *p = policy("hdr: { header = \"X-Company-DLP: payment-lab\"; "
			      "header_clients = [ \"10.0.0.0/8\", \"2001:db8::/32\" ]; "
			      "relax = [ \"credit_card\" ]; };");
	sm_verdict v;
	char *a = audit(p, CARD_PW, "x@corp.example", "support@vendor.example", "10.1.2.3", NOW, &v);

	g_assert_true(card_relaxed(a));
	g_free(a);
	a = audit(p, CARD_PW, "x@corp.example", "support@vendor.example", "2001:db8::5", NOW, &v);
	g_assert_true(card_relaxed(a));
	g_free(a);
	/* the same header from elsewhere, or from nowhere known: ignored, and noted */
	a = audit(p, CARD_PW, "x@corp.example", "support@vendor.example", "192.0.2.1", NOW, &v);
	g_assert_false(card_relaxed(a));
	g_assert_nonnull(strstr(a, "exception hdr: its header came from a client it does not name"));
	g_free(a);
	a = audit(p, CARD_PW, "x@corp.example", "support@vendor.example", "11.1.2.3", NOW, &v);
	g_assert_false(card_relaxed(a));
	g_free(a);
	a = audit(p, CARD_PW, "x@corp.example", "support@vendor.example", NULL, NOW, &v);
	g_assert_false(card_relaxed(a));
	g_free(a);
	sm_policy_unref(p);
}

static void test_expiry(void)
{
	GDateTime *d = g_date_time_new_local(2025, 12, 1, 0, 0, 0);
	time_t end = (time_t)g_date_time_to_unix(d); /* the first second after 2025-11-30 */
	sm_policy *p = policy("old: { senders = [ \"@lab.example.co.jp\" ]; relax = [ \"credit_card\" ]; "
			      "expires = \"2025-11-30\"; };");
	sm_verdict v;
	char *a = audit(p, CARD_PW, "qa@lab.example.co.jp", "support@vendor.example", NULL, end - 1, &v);
	char **w;

	g_assert_true(card_relaxed(a)); /* the last second of its last day */
	g_free(a);
	a = audit(p, CARD_PW, "qa@lab.example.co.jp", "support@vendor.example", NULL, end, &v);
	g_assert_false(card_relaxed(a));
	g_free(a);
	w = sm_policy_warnings(p, end - 1);
	g_assert_true(w && strstr(w[0], "placeholder") && !w[1]);
	g_strfreev(w);
	w = sm_policy_warnings(p, end);
	g_assert_true(w && w[1] && strstr(w[1], "exception 'old' expired on 2025-11-30"));
	g_strfreev(w);
	g_date_time_unref(d);
	sm_policy_unref(p);
}

static void test_rule_relaxed(void)
{
	char err[1024];
	sm_policy *p = load("r: { senders = [ \"@lab.example.co.jp\" ]; relax = [ \"subject_sr\" ]; };",
			    err, sizeof(err));
	const char *rc[] = {"support@vendor.example", NULL};
	sm_envelope e1 = {"Q", "qa@lab.example.co.jp", rc, NULL}, e2 = {"Q", "qa@corp.example", rc, NULL};
	char path[] = "/tmp/sm-exc-XXXXXX";
	int fd = mkstemp(path);
	const char *conf = "recipients = [\"support@vendor.example\"];\n"
			   "rules: { subject_sr: { on_missing = \"reject\"; }; };\n"
			   "exceptions: { r: { senders = [ \"@lab.example.co.jp\" ]; "
			   "relax = [ \"subject_sr\" ]; }; };\n";
	const char *msg = "From: a@b\nTo: support@vendor.example\nSubject: no case number\n\nhello\n";
	sm_result *r;

	sm_policy_unref(p);
	g_assert_cmpint(write(fd, conf, strlen(conf)), ==, (ssize_t)strlen(conf));
	close(fd);
	p = sm_policy_load(path, err, sizeof(err));
	unlink(path);
	g_assert_nonnull(p);
	if (!p)
		return;
	r = sm_scan_mem(p, msg, strlen(msg), &e2, NOW);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_REJECT);
	sm_result_free(r);
	r = sm_scan_mem(p, msg, strlen(msg), &e1, NOW);
	g_assert_cmpint(sm_result_verdict(r), !=, SM_V_REJECT);
	sm_result_free(r);
	sm_policy_unref(p);
}

static void expect_error(const char *exc, const char *needle)
{
	char err[1024];
	sm_policy *p = load(exc, err, sizeof(err));

	g_assert_null(p);
	sm_policy_unref(p);
	if (!strstr(err, needle)) {
		g_test_message("error '%s' does not contain '%s'", err, needle);
		g_test_fail();
	}
}

static void test_config_errors(void)
{
	expect_error("a: { senders = [ \"x@y\" ]; relax = [ \"creditcard\" ]; };",
		     "exception 'a': key 'relax': 'creditcard' is neither a detector");
	expect_error("a: { senders = [ \"x@y\" ]; };", "key 'relax'");
	expect_error("a: { relax = [ \"*\" ]; };", "give at least one of senders, recipients, header");
	expect_error("a: { header = \"X-A: b\"; relax = [ \"*\" ]; };",
		     "a header counts only from the client addresses in header_clients");
	expect_error("a: { header = \"Subject: b\"; header_clients = [ \"10.0.0.1\" ]; relax = [ \"*\" ]; };",
		     "expected \"X-Name: value\"");
	expect_error("a: { header = \"X-A: b\"; header_clients = [ \"10.0.0.0/33\" ]; relax = [ \"*\" ]; };",
		     "'10.0.0.0/33' is not an address");
	expect_error("a: { senders = [ \"x@y\" ]; relax = [ \"*\" ]; expires = \"2025-02-30\"; };",
		     "key 'expires': expected YYYY-MM-DD");
	expect_error("a: { senders = [ \"nobody\" ]; relax = [ \"*\" ]; };",
		     "'nobody' is neither an address nor an @domain");
	expect_error("a: { senders = [ \"x@y\" ]; relax = [ \"*\" ]; typo = 1; };", "unknown key 'typo'");
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/exceptions/sender", test_sender);
	g_test_add_func("/exceptions/domain_and_recipient", test_domain_and_recipient);
	g_test_add_func("/exceptions/onboarding_never_by_star", test_onboarding_never_by_star);
	g_test_add_func("/exceptions/header_clients", test_header_clients);
	g_test_add_func("/exceptions/expiry", test_expiry);
	g_test_add_func("/exceptions/rule_relaxed", test_rule_relaxed);
	g_test_add_func("/exceptions/config_errors", test_config_errors);
	return g_test_run();
}
