/* test_config.c - configuration errors are clear: file, line, key, what. */
#include "policyutil.h"
#include "scan.h"
#include "testutil.h"

/* Load text as a config file; returns the error ("" if it loaded). */
static char *load(const char *text)
{
	char err[1024] = "";
	sm_policy *p = sm_test_policy_try(text, err, sizeof(err));

	if (p) {
		g_assert_cmpstr(err, ==, "");
		sm_policy_unref(p);
	} else
		g_assert_cmpstr(err, !=, "");
	return g_strdup(err);
}

static void expect_error(const char *text, const char *needle)
{
	char *e = load(text);

	if (!strstr(e, needle)) {
		g_test_message("error '%s' does not contain '%s'", e, needle);
		g_test_fail();
	}
	g_free(e);
}

static void test_minimal(void)
{
	char *e = load("recipients = [\"support@example.com\"];\n");

	g_assert_cmpstr(e, ==, "");
	g_free(e);
}

static void test_errors(void)
{
	expect_error("recipients = [\"a@b.example\"];\npolicy: { mod = \"x\"; };\n",
		     ":2: unknown key 'mod' in group policy");
	expect_error("recipients = [\"a@b.example\"];\n\nfoo = 1;\n", ":3: unknown key 'foo'");
	expect_error("recipients = [\"a@b.example\"];\nlimits: {\n max_parts = 0;\n};\n",
		     ":3: key 'max_parts': 0 is out of range");
	expect_error("recipients = [\"a@b.example\"];\nlimits: { max_depth = \"deep\"; };\n",
		     ":2: key 'max_depth': wrong type (expected an integer)");
	expect_error("recipients = [\"a@b.example\"];\npolicy: { mode = \"loud\"; };\n",
		     ":2: key 'mode': unknown value; expected one of: enforce, dry-run");
	expect_error("recipients = [\"a@b.example\"];\npolicy: { on_failure = \"maybe\"; };\n",
		     "key 'on_failure'");
	expect_error("recipients = [\"a@b.example\"];\npolicy: { mode = ; };\n", ":2: syntax error");
	expect_error("recipients = [];\n", "at least one support recipient");
	expect_error("recipients = [\"not an address\"];\n", "neither an address");
	expect_error("recipients = [\"/[unclosed/\"];\n", "pattern");
	expect_error("recipients = [\"a@b.example\"];\npolicy: { policy_url = \"h\xc3\xa9\"; };\n",
		     "printable ASCII");
	expect_error("recipients = [\"a@b.example\"];\nmilter: { socket_mode = \"0999\"; };\n",
		     ":2: key 'socket_mode'");
	expect_error("recipients = [\"a@b.example\"];\nmilter: { timeout = 0; };\n",
		     ":2: key 'timeout': 0 is out of range (1 to 86400)");
}

/* A message that cannot be parsed is answered, never retried: no tempfail. */
static void test_on_unparseable(void)
{
	static const char *const ok[] = {"reject", "accept"};
	char *e;

	for (guint i = 0; i < G_N_ELEMENTS(ok); i++) {
		char *t = g_strdup_printf("recipients = [\"a@b.example\"];\n"
					  "policy: { on_unparseable = \"%s\"; unparseable_reply = \"x\"; };\n",
					  ok[i]);

		e = load(t);
		g_assert_cmpstr(e, ==, "");
		g_free(e);
		g_free(t);
	}
	expect_error("recipients = [\"a@b.example\"];\npolicy: { on_unparseable = \"tempfail\"; };\n",
		     ":2: key 'on_unparseable': unknown value; expected one of: reject, accept");
	expect_error("recipients = [\"a@b.example\"];\npolicy: { unparseable_reply = \"\xc3\xa9\"; };\n",
		     "unparseable_reply");
}

static void test_limits_at_edges(void)
{
	char *e = load("recipients = [\"a@b.example\"];\nlimits: { max_parts = 1; max_depth = 1000; };\n");

	g_assert_cmpstr(e, ==, "");
	g_free(e);
	expect_error("recipients = [\"a@b.example\"];\nlimits: { max_depth = 1001; };\n",
		     "1001 is out of range (1 to 1000)");
}

static void test_shipped_config(void)
{
	char *path = g_build_filename(sm_test_top(), "conf", "support-milter.conf", NULL);
	char err[1024] = "";
	sm_policy *p = sm_policy_load(path, err, sizeof(err));

	g_assert_cmpstr(err, ==, "");
	g_assert_nonnull(p);
	if (p) {
		g_assert_true(sm_policy_is_support_rcpt(p, "<SupportMail@Microsoft.com>"));
		g_assert_true(sm_policy_is_support_rcpt(p, "supportmail@techsupport.microsoft.com"));
		g_assert_false(sm_policy_is_support_rcpt(p, "someone@microsoft.com"));
		g_assert_false(sm_policy_dry_run(p));
		g_assert_cmpint(sm_policy_on_failure(p), ==, SM_ACT_TEMPFAIL);
		g_assert_cmpint(sm_policy_on_unparseable(p), ==, SM_ACT_REJECT);
		g_assert_cmpint(sm_policy_daemon(p)->socket_mode, ==, 0660);
		sm_policy_unref(p);
	}
	g_free(path);
}

static void test_recipient_forms(void)
{
	char path[] = "/tmp/sm-conf-XXXXXX";
	int fd = mkstemp(path);
	const char *t = "recipients = [\"x@a.example\", \"@b.example\", \"/^case-[0-9]+@c\\\\.example$/\"];\n";
	char err[512];
	sm_policy *p;

	g_assert_cmpint(write(fd, t, strlen(t)), ==, (ssize_t)strlen(t));
	close(fd);
	p = sm_policy_load(path, err, sizeof(err));
	unlink(path);
	g_assert_nonnull(p);
	if (!p)
		return;
	g_assert_true(sm_policy_is_support_rcpt(p, "X@A.example"));
	g_assert_false(sm_policy_is_support_rcpt(p, "y@a.example"));
	g_assert_true(sm_policy_is_support_rcpt(p, "anyone@b.example"));
	g_assert_false(sm_policy_is_support_rcpt(p, "anyone@sub.b.example"));
	g_assert_true(sm_policy_is_support_rcpt(p, "<case-12@c.example>"));
	g_assert_false(sm_policy_is_support_rcpt(p, "case-x@c.example"));
	g_assert_false(sm_policy_is_support_rcpt(p, "no-at-sign"));
	sm_policy_unref(p);
}

#define RCPT "recipients = [\"support@example.com\"];\n"

static void ok(const char *text)
{
	char *e = load(text);

	g_assert_cmpstr(e, ==, "");
	g_free(e);
}

/* The scanner workers' keys at and past their limits; a worker's share of
 * max_scan_memory; the inet: allow-list's forms. */
static void test_workers_and_sessions(void)
{
	ok(RCPT "milter: { scan_workers = 1; max_scan_memory = 134217728; };\n");
	ok(RCPT "milter: { scan_workers = 256; max_scan_memory = 34359738368L; };\n");
	expect_error(RCPT "milter: { scan_workers = 0; };\n", "scan_workers");
	expect_error(RCPT "milter: { scan_workers = 257; };\n", "scan_workers");
	/* 128 MiB per worker at least: 2 x 128 MiB fits, one byte less does not */
	ok(RCPT "milter: { scan_workers = 2; max_scan_memory = 268435456; };\n");
	expect_error(RCPT "milter: { scan_workers = 2; max_scan_memory = 268435455; };\n",
		     "each worker would get 127 MiB");
	expect_error(RCPT "milter: { max_scan_memory = 134217727; };\n", "max_scan_memory");
	ok(RCPT "milter: { worker_messages = 1; worker_deadline = 1; worker_kills = 1; "
		"max_sessions = 1; session_grace = 1; drain_timeout = 0; };\n");
	expect_error(RCPT "milter: { worker_deadline = 0; };\n", "worker_deadline");
	expect_error(RCPT "milter: { worker_kills = 101; };\n", "worker_kills");
	expect_error(RCPT "milter: { max_sessions = 0; };\n", "max_sessions");
	ok(RCPT "milter: { allow = [ \"127.0.0.1\", \"10.0.0.0/8\", \"0.0.0.0/0\", \"::1\", "
		"\"2001:db8::/128\" ]; run_as_root = true; };\n");
	expect_error(RCPT "milter: { allow = [ \"10.0.0.0/33\" ]; };\n", "'10.0.0.0/33'");
	expect_error(RCPT "milter: { allow = [ \"2001:db8::/129\" ]; };\n", "'2001:db8::/129'");
	expect_error(RCPT "milter: { allow = [ \"mta.example.com\" ]; };\n", "not an address");
	expect_error(RCPT "milter: { allow = [ \"10.0.0.1/\" ]; };\n", "not an address");
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/conf/minimal", test_minimal);
	g_test_add_func("/conf/errors", test_errors);
	g_test_add_func("/conf/limits_at_edges", test_limits_at_edges);
	g_test_add_func("/conf/on_unparseable", test_on_unparseable);
	g_test_add_func("/conf/shipped_config", test_shipped_config);
	g_test_add_func("/conf/recipient_forms", test_recipient_forms);
	g_test_add_func("/conf/workers_and_sessions", test_workers_and_sessions);
	return g_test_run();
}
