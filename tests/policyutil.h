/*
 * policyutil.h - shared by the unit tests that scan with a whole policy: a
 * configuration text loaded as the daemon loads a file.
 */
#ifndef SM_POLICYUTIL_H
#define SM_POLICYUTIL_H

#include "scan.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The policy of text, written to a temporary file and loaded as the daemon
 * loads a file; NULL with the error in err when it does not load. */
static inline sm_policy *sm_test_policy_try(const char *text, char *err, size_t errlen)
{
	char path[] = "/tmp/sm-test-policy-XXXXXX";
	int fd = mkstemp(path);
	sm_policy *p;

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(write(fd, text, strlen(text)), ==, (ssize_t)strlen(text));
	close(fd);
	p = sm_policy_load(path, err, errlen);
	unlink(path);
	return p;
}

/* The policy of text; the test fails, saying why, when it does not load. */
static inline sm_policy *sm_test_policy_text(const char *text)
{
	char err[1024] = "";
	sm_policy *p = sm_test_policy_try(text, err, sizeof(err));

	if (!p)
		g_test_message("config: %s", err);
	g_assert_nonnull(p);
	return p;
}

/* The tests' usual policy: support@vendor.example is support, the SR rule
 * is off (these tests are about detection, limits and actions), then extra. */
static inline sm_policy *sm_test_policy(const char *extra)
{
	char *t = g_strdup_printf("recipients = [\"support@vendor.example\"];\n"
				  "rules: { subject_sr: { on_missing = \"accept\"; }; };\n%s\n",
				  extra ? extra : "");
	sm_policy *p = sm_test_policy_text(t);

	g_free(t);
	return p;
}

#endif
