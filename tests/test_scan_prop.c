/* test_scan_prop.c - value propagation (scan_prop.c) through sm_scan_mem: a
 * password found after its keyword in one place is masked where it stands
 * alone elsewhere (another alternative, a quoted copy, an attachment, the
 * Subject); findings say `propagated`; short and common values and glued
 * occurrences are left alone.  Test values are fabricated. */
#include "scan.h"
#include "policyutil.h"
#include "testutil.h"

#include <unistd.h>

static const time_t NOW = 1733788800; /* 2024-12-10 */
static sm_policy *P;

static sm_policy *policy(void)
{
	return sm_test_policy(NULL);
}

static int collect(void *ud, const void *buf, size_t len)
{
	g_string_append_len(ud, buf, (gssize)len);
	return 0;
}

/* The delivered message for msg, and the number of propagated findings. */
static char *run(const char *msg, unsigned *propagated)
{
	sm_result *r = sm_scan_mem(P, msg, strlen(msg), NULL, NOW);
	GString *g = g_string_new(NULL);

	char *j = sm_result_json(r), *q = j;

	*propagated = 0;
	while ((q = strstr(q, "\"kind\":\"propagated\"")) != NULL) {
		(*propagated)++;
		q++;
	}
	g_free(j);
	g_assert_cmpint(sm_result_write_message(r, collect, g), ==, 0);
	sm_result_free(r);
	return g_string_free(g, FALSE);
}

#define HEAD "From: a@b.example\nTo: support@vendor.example\nSubject: %s\nMIME-Version: 1.0\n"

static void test_alternative(void)
{
	char *m = g_strdup_printf(HEAD "Content-Type: multipart/alternative; boundary=\"B\"\n\n"
				  "--B\nContent-Type: text/plain; charset=utf-8\n\nsettings:\n\nTanukiBayashi9\n\n"
				  "--B\nContent-Type: text/html; charset=utf-8\n\n<table><tr><td><p>"
				  "Password</p></td><td><p>TanukiBayashi9</p></td></tr></table>\n--B--\n", "x");
	unsigned n;
	char *out = run(m, &n);

	g_assert_null(strstr(out, "TanukiBayashi9"));
	g_assert_cmpuint(n, >=, 1);
	g_free(out);
	g_free(m);
}

static void test_quoted_and_subject(void)
{
	char *m = g_strdup_printf(HEAD "Content-Type: text/plain; charset=utf-8\n\n"
				  "Logging on with Kamome#2024 fails.\n\n> Password: Kamome#2024\n",
				  "logon with Kamome#2024");
	unsigned n;
	char *out = run(m, &n);

	g_assert_null(strstr(out, "Kamome#2024"));
	g_assert_cmpuint(n, ==, 2); /* the body's new text and the Subject */
	g_free(out);
	g_free(m);
}

static void test_attachment(void)
{
	char *m = g_strdup_printf(HEAD "Content-Type: multipart/mixed; boundary=\"B\"\n\n"
				  "--B\nContent-Type: text/plain\n\nPW: Hydrangea77\n"
				  "--B\nContent-Type: text/plain; name=\"memo.txt\"\n"
				  "Content-Disposition: attachment; filename=\"memo.txt\"\n"
				  "Content-Transfer-Encoding: base64\n\n"
				  "dHJpZWQgSHlkcmFuZ2VhNzcgYWdhaW4=\n--B--\n", "x");
	unsigned n;
	char *out = run(m, &n);

	/* the attachment, base64 of "tried Hydrangea77 again", rewritten */
	g_assert_null(strstr(out, "dHJpZWQgSHlkcmFuZ2VhNzcgYWdhaW4="));
	g_assert_null(strstr(out, "Hydrangea77"));
	g_assert_cmpuint(n, ==, 1);
	g_free(out);
	g_free(m);
}

static void test_not_propagated(void)
{
	/* glued occurrences, a common value, a short lower-case word */
	char *m = g_strdup_printf(HEAD "Content-Type: text/plain\n\nPassword: Seagull42\n"
				  "Seagull42x and xSeagull42 are other names.\n"
				  "PW: admin\nThe admin account is locked.\n"
				  "PW: kiwi\nThe kiwi tree.\n", "x");
	unsigned n;
	char *out = run(m, &n);

	g_assert_nonnull(strstr(out, "Seagull42x and xSeagull42"));
	g_assert_nonnull(strstr(out, "The admin account"));
	g_assert_nonnull(strstr(out, "The kiwi tree"));
	g_assert_cmpuint(n, ==, 0);
	g_free(out);
	g_free(m);
}

int main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	P = policy();
	g_test_add_func("/scan_prop/alternative", test_alternative);
	g_test_add_func("/scan_prop/quoted_and_subject", test_quoted_and_subject);
	g_test_add_func("/scan_prop/attachment", test_attachment);
	g_test_add_func("/scan_prop/not_propagated", test_not_propagated);
	rc = g_test_run();
	sm_policy_unref(P);
	return rc;
}
