/* test_report.c - the audit record's content (parser/verdict/report.c):
 * one finding per value, fingerprints over the normalised value, every
 * recipient, the masked Subject, the policy version; never the value. */
#include "scan.h"
#include "policyutil.h"
#include "testutil.h"

#include <unistd.h>

static const time_t NOW = 1733788800; /* 2024-12-10 */
static const char *const KEY = "test-report-key";

static sm_policy *policy_text(const char *text)
{
	return sm_test_policy_text(text);
}

static sm_policy *policy(void)
{
	char *t = g_strdup_printf("recipients = [\"support@vendor.example\"];\n"
				  "policy: { fingerprint_key = \"%s\"; };\n"
				  "rules: { subject_sr: { on_missing = \"accept\"; }; };\n", KEY);
	sm_policy *p = policy_text(t);

	g_free(t);
	return p;
}

static char *audit_of(sm_policy *p, const char *msg)
{
	const char *rc[] = {"boss@corp.example", "<support@vendor.example>", NULL};
	sm_envelope e = {"Q1", "taro@corp.example", rc};
	sm_result *r = sm_scan_mem(p, msg, strlen(msg), &e, NOW);
	char *a = sm_result_audit_json(r, &e, NOW);

	sm_result_free(r);
	return a;
}

static unsigned occurrences(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

/* The fingerprint of value as the policy computes it: HMAC-SHA256, 16 hex. */
static char *fp(const char *value)
{
	char *h = g_compute_hmac_for_string(G_CHECKSUM_SHA256, (const guchar *)KEY, strlen(KEY),
					    value, -1);

	h[16] = '\0';
	return h;
}

static void test_card_one_value(void)
{
	sm_policy *p = policy();
	char *a = audit_of(p, "From: a@corp.example\nTo: support@vendor.example\n"
			      "Subject: card 4111-1111-1111-1111\n\n"
			      "card 4111 1111 1111 1111\nagain 4111111111111111\n"
			      "and 4111-1111-1111-1111\nother 5555 5555 5555 4444\n");
	char *f1 = fp("4111111111111111"), *f2 = fp("5555555555554444");
	char *q1 = g_strdup_printf("\"fingerprint\":\"%s\"", f1);
	char *q2 = g_strdup_printf("\"fingerprint\":\"%s\"", f2);

	/* the subject's card and the body's one are the same value, in any format */
	g_assert_cmpuint(occurrences(a, q1), ==, 2);
	g_assert_cmpuint(occurrences(a, q2), ==, 1);
	g_assert_cmpuint(occurrences(a, "\"detector\":\"credit_card\""), ==, 3);
	g_assert_nonnull(strstr(a, "\"where\":\"body\",\"count\":3,"));
	g_assert_nonnull(strstr(a, "\"subject\":\"card ****-****-****-1111\""));
	g_assert_nonnull(strstr(a, "\"kind\":\"value\""));
	/* never the value, in any of its formats */
	g_assert_null(strstr(a, "4111111111111111"));
	g_assert_null(strstr(a, "4111 1111 1111 1111"));
	g_assert_null(strstr(a, "4111-1111-1111-1111"));
	g_assert_null(strstr(a, "5555 5555 5555 4444"));
	g_free(q1);
	g_free(q2);
	g_free(f1);
	g_free(f2);
	g_free(a);
	sm_policy_unref(p);
}

static void test_password_as_found(void)
{
	sm_policy *p = policy();
	char *a = audit_of(p, "From: a@corp.example\nTo: support@vendor.example\nSubject: x\n\n"
			      "password: Xk4#pQ9vLm2z\npassword: xk4#pQ9vLm2z\n");
	char *f1 = fp("Xk4#pQ9vLm2z"), *f2 = fp("xk4#pQ9vLm2z");

	g_assert_nonnull(strstr(a, f1));
	g_assert_nonnull(strstr(a, f2)); /* case matters for a password: two values */
	g_assert_cmpuint(occurrences(a, "\"detector\":\"password\""), ==, 2);
	g_assert_null(strstr(a, "pQ9vLm2z"));
	g_free(f1);
	g_free(f2);
	g_free(a);
	sm_policy_unref(p);
}

static void test_envelope_and_version(void)
{
	sm_policy *p = policy(), *q;
	char *a = audit_of(p, "From: a@corp.example\nTo: support@vendor.example\n"
			      "Subject: hello\nMessage-ID: <m1@corp.example>\n\nnothing here\n");
	char *v = g_strdup_printf("\"policy_version\":\"%s\"", sm_policy_version(p));

	g_assert_nonnull(strstr(a, "\"recipients\":[{\"address\":\"boss@corp.example\","
				"\"support\":false},{\"address\":\"<support@vendor.example>\","
				"\"support\":true}]"));
	g_assert_nonnull(strstr(a, "\"sender\":\"taro@corp.example\""));
	g_assert_nonnull(strstr(a, "\"subject\":\"hello\""));
	g_assert_nonnull(strstr(a, "\"message_id\":\"m1@corp.example\""));
	g_assert_nonnull(strstr(a, "\"decision\":\"accept\""));
	g_assert_nonnull(strstr(a, "\"exception\":null"));
	g_assert_nonnull(strstr(a, v));
	g_assert_cmpuint(strlen(sm_policy_version(p)), ==, 16);
	/* another configuration, another version */
	q = policy_text("recipients = [\"support@vendor.example\"];\n");
	g_assert_cmpstr(sm_policy_version(p), !=, sm_policy_version(q));
	sm_policy_unref(q);
	g_free(v);
	g_free(a);
	sm_policy_unref(p);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/report/card_one_value", test_card_one_value);
	g_test_add_func("/report/password_as_found", test_password_as_found);
	g_test_add_func("/report/envelope_and_version", test_envelope_and_version);
	return g_test_run();
}
