/* test_fpkey.c - the fingerprint key (policy.fingerprint_key_file or inline):
 * what the daemon refuses, what -n/--test only note, and the hint a
 * configuration newer than the binary gets. */
#include "scan.h"
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct fx {
	char dir[64];
	char conf[128];
	char key[128];
} fx;

static void fx_init(fx *f)
{
	g_strlcpy(f->dir, "/tmp/sm-fpkey-XXXXXX", sizeof(f->dir));
	g_assert_nonnull(mkdtemp(f->dir));
	g_snprintf(f->conf, sizeof(f->conf), "%s/c.conf", f->dir);
	g_snprintf(f->key, sizeof(f->key), "%s/fingerprint.key", f->dir);
}

static void fx_done(fx *f)
{
	unlink(f->conf);
	unlink(f->key);
	rmdir(f->key); /* one case makes it a directory */
	rmdir(f->dir);
}

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(write(fd, data, len), ==, (ssize_t)len);
	close(fd);
	g_assert_cmpint(chmod(path, mode), ==, 0);
}

/* Load a configuration whose policy group is `policy`; the policy or NULL. */
static sm_policy *load(fx *f, const char *policy, char *err, size_t errlen)
{
	char *text = g_strdup_printf("recipients = [\"support@example.com\"];\npolicy: {\n%s\n};\n",
				     policy);

	write_file(f->conf, text, strlen(text), 0600);
	g_free(text);
	err[0] = '\0';
	return sm_policy_load(f->conf, err, errlen);
}

/* The problem the daemon would refuse with ("" when none); g_free. */
static char *problem_of(fx *f, const char *policy)
{
	char err[1024];
	sm_policy *p = load(f, policy, err, sizeof(err));
	char *r;

	g_assert_nonnull(p);
	if (!p)
		return g_strdup(err);
	r = g_strdup(sm_policy_fp_key_problem(p) ? sm_policy_fp_key_problem(p) : "");
	sm_policy_unref(p);
	return r;
}

static void expect_problem(fx *f, const char *policy, const char *needle)
{
	char *r = problem_of(f, policy);

	if (needle ? !strstr(r, needle) : *r != '\0') {
		g_test_message("policy {%s}: problem '%s', expected '%s'", policy, r,
			       needle ? needle : "(none)");
		g_test_fail();
	}
	g_free(r);
}

static void test_inline(void)
{
	fx f;

	fx_init(&f);
	expect_problem(&f, "", "no fingerprint key: set policy.fingerprint_key_file");
	expect_problem(&f, "fingerprint_key = \"change-me\";", "well-known placeholder");
	expect_problem(&f, "fingerprint_key = \"CHANGE-ME\";", "well-known placeholder");
	expect_problem(&f, "fingerprint_key = \"\";", "policy.fingerprint_key: empty");
	/* 16 bytes is the minimum */
	expect_problem(&f, "fingerprint_key = \"0123456789abcde\";", "shorter than 16 bytes");
	expect_problem(&f, "fingerprint_key = \"0123456789abcdef\";", NULL);
	fx_done(&f);
}

static void test_file(void)
{
	const char key[] = "3f5a9c0e7b12d4a68e0f1c2b3a4d5e6f\n";
	char pol[256], err[1024];
	char big[4098];
	sm_policy *p;
	fx f;

	fx_init(&f);
	g_snprintf(pol, sizeof(pol), "fingerprint_key_file = \"%s\";", f.key);
	expect_problem(&f, pol, "No such file or directory");
	write_file(f.key, key, strlen(key), 0640);
	p = load(&f, pol, err, sizeof(err));
	g_assert_nonnull(p);
	if (p) {
		g_assert_null(sm_policy_fp_key_problem(p));
		/* the trailing newline is not part of the key */
		g_assert_cmpstr(sm_policy_fp_key(p), ==, "3f5a9c0e7b12d4a68e0f1c2b3a4d5e6f");
		sm_policy_unref(p);
	}
	write_file(f.key, key, strlen(key), 0644);
	expect_problem(&f, pol, "readable or writable by others");
	write_file(f.key, key, strlen(key), 0660);
	expect_problem(&f, pol, "writable by its group");
	write_file(f.key, key, strlen(key), 0400);
	expect_problem(&f, pol, NULL);
	write_file(f.key, "", 0, 0640);
	expect_problem(&f, pol, ": empty");
	write_file(f.key, "\n \n", 3, 0640);
	expect_problem(&f, pol, ": empty");
	write_file(f.key, "change-me\n", 10, 0640);
	expect_problem(&f, pol, "well-known placeholder");
	write_file(f.key, "0123456789abcdef\0tail", 21, 0640);
	expect_problem(&f, pol, "NUL byte");
	/* 4096 bytes is the largest key file */
	memset(big, 'k', sizeof(big));
	write_file(f.key, big, 4096, 0640);
	expect_problem(&f, pol, NULL);
	write_file(f.key, big, 4097, 0640);
	expect_problem(&f, pol, "larger than 4096 bytes");
	unlink(f.key);
	g_assert_cmpint(mkdir(f.key, 0750), ==, 0);
	expect_problem(&f, pol, "not a regular file");
	fx_done(&f);
}

/* The problem text names the file and the fault, never the key itself. */
static void test_problem_hides_key(void)
{
	const char key[] = "short-secret-1";
	char pol[256];
	char *r;
	fx f;

	fx_init(&f);
	g_snprintf(pol, sizeof(pol), "fingerprint_key_file = \"%s\";", f.key);
	write_file(f.key, key, strlen(key), 0640);
	r = problem_of(&f, pol);
	g_assert_nonnull(strstr(r, f.key));
	g_assert_null(strstr(r, key));
	g_free(r);
	fx_done(&f);
}

static void test_both_set(void)
{
	char err[1024];
	sm_policy *p;
	fx f;

	fx_init(&f);
	p = load(&f, "fingerprint_key = \"0123456789abcdef0\";\nfingerprint_key_file = \"/x\";", err,
		 sizeof(err));
	g_assert_null(p);
	g_assert_nonnull(strstr(err, ":4: key 'fingerprint_key_file': policy.fingerprint_key is set"));
	sm_policy_unref(p);
	fx_done(&f);
}

/* A rollback: the binary meets a key or value from a newer version. */
static void test_newer_config_hint(void)
{
	char err[1024];
	sm_policy *p;
	fx f;

	fx_init(&f);
	p = load(&f, "fingerprint_key_rotation = 3;", err, sizeof(err));
	g_assert_null(p);
	g_assert_nonnull(strstr(err, ":3: unknown key 'fingerprint_key_rotation' in group policy"));
	g_assert_nonnull(strstr(err, "is the configuration newer than the binary?"));
	p = load(&f, "mode = \"audit-only\";", err, sizeof(err));
	g_assert_null(p);
	g_assert_nonnull(strstr(err, "newer than the binary"));
	fx_done(&f);
}

/* syslog_facility: a name log.c knows, else a clear error (it used to fall
 * back to "mail" silently). */
static void test_facility(void)
{
	char *text, err[1024];
	sm_policy *p;
	fx f;

	fx_init(&f);
	text = g_strdup("recipients = [\"s@example.com\"];\nmilter: {\n syslog_facility = \"local7\";\n};\n");
	write_file(f.conf, text, strlen(text), 0600);
	p = sm_policy_load(f.conf, err, sizeof(err));
	g_assert_nonnull(p);
	sm_policy_unref(p);
	g_free(text);
	text = g_strdup("recipients = [\"s@example.com\"];\nmilter: {\n syslog_facility = \"local8\";\n};\n");
	write_file(f.conf, text, strlen(text), 0600);
	p = sm_policy_load(f.conf, err, sizeof(err));
	g_assert_null(p);
	g_assert_nonnull(strstr(err, ":3: key 'syslog_facility': 'local8' is not one of"));
	g_free(text);
	fx_done(&f);
}

/* The shipped defaults fit Debian's chrooted Postfix and the package. */
static void test_shipped_defaults(void)
{
	char *path = g_build_filename(sm_test_top(), "conf", "support-milter.conf", NULL);
	char err[1024] = "";
	sm_policy *p = sm_policy_load(path, err, sizeof(err));
	const char *why;

	g_assert_nonnull(p);
	if (p) {
		g_assert_cmpstr(sm_policy_daemon(p)->socket, ==,
				"unix:/var/spool/postfix/support-milter/support-milter.sock");
		why = sm_policy_fp_key_problem(p);
		/* on a machine without the package: the key file is missing */
		if (access("/etc/support-milter/fingerprint.key", F_OK) != 0)
			g_assert_true(why && strstr(why, "/etc/support-milter/fingerprint.key"));
		sm_policy_unref(p);
	}
	g_free(path);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/fpkey/inline", test_inline);
	g_test_add_func("/fpkey/file", test_file);
	g_test_add_func("/fpkey/problem_hides_key", test_problem_hides_key);
	g_test_add_func("/fpkey/both_set", test_both_set);
	g_test_add_func("/fpkey/newer_config_hint", test_newer_config_hint);
	g_test_add_func("/fpkey/facility", test_facility);
	g_test_add_func("/fpkey/shipped_defaults", test_shipped_defaults);
	return g_test_run();
}
