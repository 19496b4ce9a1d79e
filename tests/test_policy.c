/*
 * test_policy.c - recipients matched as SMTP treats them as equal
 * (policy.c sm_policy_is_support_rcpt): brackets, a trailing dot, a source
 * route, domain case, a quoted local part; the %-hack, the !-path and a
 * +subaddress that lead to a support address; and the near misses that
 * must not match.
 */
#include "policyutil.h"
#include "scan.h"
#include "testutil.h"

static sm_policy *policy(const char *recipients)
{
	char *t = g_strdup_printf("recipients = [%s];\n", recipients);
	sm_policy *p = sm_test_policy_text(t);

	g_free(t);
	return p;
}

static void check(const sm_policy *p, const char *const *addrs, bool want)
{
	for (; *addrs; addrs++)
		if (sm_policy_is_support_rcpt(p, *addrs) != want) {
			g_test_message("%s: expected %s", *addrs, want ? "support" : "not support");
			g_test_fail();
		}
}

static void test_spellings(void)
{
	sm_policy *p = policy("\"supportmail@microsoft.com\"");
	const char *const yes[] = {
		"supportmail@microsoft.com",
		"<supportmail@microsoft.com>",
		"<supportmail@microsoft.com.>",
		"<supportmail@Microsoft.COM>",
		"<SupportMail@microsoft.com>",
		"<@relay.example:supportmail@microsoft.com>",
		"<@a.example,@b.example:supportmail@microsoft.com>",
		"<\"supportmail\"@microsoft.com>",
		"<\"support\\mail\"@microsoft.com>",
		"<supportmail%microsoft.com@relay.example>",
		"<supportmail%microsoft.com.@relay.example>",
		"<supportmail%microsoft.com%b.example@relay.example>",
		"<microsoft.com!supportmail@relay.example>",
		"<relay.example!microsoft.com!supportmail@other.example>",
		"microsoft.com!supportmail",
		"<supportmail+case42@microsoft.com>",
		NULL};
	const char *const no[] = {
		"<supportmail@microsoft.com.evil.example>",
		"<supportmail@microsoft.co>",
		"<xsupportmail@microsoft.com>",
		"<supportmail@evil.example>",
		"<supportmail%evil.example@relay.example>",
		"<evil.example!supportmail@relay.example>",
		"<\"supportmail@microsoft.com\"@evil.example>",
		"<+supportmail@microsoft.com>",
		"<>",
		"",
		NULL};

	check(p, yes, true);
	check(p, no, false);
	sm_policy_unref(p);
}

static void test_domains_and_patterns(void)
{
	sm_policy *p = policy("\"@support.example\", \"/^case-[0-9]+@vendor\\\\.example$/\"");
	const char *const yes[] = {"<anyone@support.example.>", "<Anyone@SUPPORT.example>",
				   "<a%support.example@relay.example>", "<case-12@vendor.example.>",
				   "<@r.example:case-12@vendor.example>", NULL};
	const char *const no[] = {"<anyone@notsupport.example>", "<case-x@vendor.example>", NULL};

	check(p, yes, true);
	check(p, no, false);
	sm_policy_unref(p);
}

/* Bounded: a long chain of hops is cut at the candidate limit, not looped. */
static void test_bounded(void)
{
	sm_policy *p = policy("\"supportmail@microsoft.com\"");
	GString *g = g_string_new("<x");

	while (g->len < 300)
		g_string_append(g, "%a!b");
	g_string_append(g, "@relay.example>");
	g_assert_false(sm_policy_is_support_rcpt(p, g->str));
	g_string_append(g, "x");
	while (g->len < 400)
		g_string_append(g, "y");
	g_assert_false(sm_policy_is_support_rcpt(p, g->str)); /* over 320 bytes */
	g_string_free(g, TRUE);
	sm_policy_unref(p);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/policy/spellings", test_spellings);
	g_test_add_func("/policy/domains_and_patterns", test_domains_and_patterns);
	g_test_add_func("/policy/bounded", test_bounded);
	return g_test_run();
}
