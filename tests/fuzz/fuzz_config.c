/*
 * fuzz_config.c - libFuzzer harness over the configuration loader: the input
 * is written to a temporary file and loaded with sm_policy_load, as -n and
 * the daemon's reload do.  A policy that loads is queried (limits, daemon
 * settings, recipient matching) and scans a small fixed message, so
 * detector and rule settings from the file are exercised too.
 *
 * Invariants: a failed load leaves a non-empty, NUL-terminated error;
 * a loaded policy has limits within their documented ranges and at least
 * one recipient pattern that makes sense; scanning with it gives a definite
 * verdict and a valid JSON object.
 *
 * Inputs holding "@include" are skipped: libconfig would read whatever file
 * they name (/dev/stdin, /dev/zero), which is the administrator's business
 * and not the loader's.
 *
 * Untrusted input: the fuzzer's bytes as a configuration file.  Owns one
 * temporary directory for the process lifetime (removed at exit).
 */
#include "fuzzutil.h"

#include <unistd.h>

static char *dir, *path;

static const char sample[] =
	"From: a@example.co.jp\r\nTo: supportmail@microsoft.com\r\n"
	"Subject: [SR#2411180040324704] test\r\nMIME-Version: 1.0\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n\r\n"
	"card 4111 1111 1111 1111\r\npassword: Xk9#mP2q\r\nresolved, thanks\r\n";

static void cleanup(void)
{
	if (path)
		unlink(path);
	if (dir)
		rmdir(dir);
}

static void check_policy(sm_policy *p)
{
	const sm_limits *l = sm_policy_limits(p);
	sm_result *r;
	char *json;

	FUZZ_CHECK(l && l->max_parts >= 1 && l->max_depth >= 1 && l->max_message_bytes >= 1024,
		   "limits within range");
	FUZZ_CHECK(sm_policy_daemon(p) != NULL, "daemon settings present");
	(void)sm_policy_is_support_rcpt(p, "<supportmail@microsoft.com>");
	(void)sm_policy_is_support_rcpt(p, "x@y");
	(void)sm_policy_is_support_rcpt(p, "");
	r = sm_scan_mem(p, sample, sizeof(sample) - 1, NULL, FUZZ_NOW);
	FUZZ_CHECK(sm_result_verdict(r) <= SM_V_TEMPFAIL, "verdict in range");
	json = sm_result_json(r);
	FUZZ_CHECK(fuzz_json_object_ok(json, sm_verdict_names[sm_result_verdict(r)]),
		   "JSON valid with the verdict as action");
	g_free(json);
	sm_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	sm_policy *p;
	GError *e = NULL;

	if (g_strstr_len((const char *)data, (gssize)size, "@include") ||
	    g_strstr_len((const char *)data, (gssize)size, "@INCLUDE"))
		return 0;
	if (!dir) {
		dir = g_dir_make_tmp("smfuzz-XXXXXX", NULL);
		FUZZ_CHECK(dir != NULL, "temporary directory");
		path = g_build_filename(dir, "fuzz.conf", NULL);
		atexit(cleanup);
	}
	FUZZ_CHECK(g_file_set_contents(path, (const char *)data, (gssize)size, &e),
		   "write the temporary configuration");
	memset(err, 0x55, sizeof(err));
	err[0] = '\0';
	p = sm_policy_load(path, err, sizeof(err));
	if (!p) {
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL, "error NUL-terminated");
		FUZZ_CHECK(err[0] != '\0', "a failed load says why");
		return 0;
	}
	check_policy(p);
	sm_policy_unref(p);
	return 0;
}
