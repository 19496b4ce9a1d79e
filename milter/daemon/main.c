/*
 * main.c - command line: the daemon, -n (check a configuration), -V, and the
 * offline --test mode, which runs the very scan the daemon runs.
 *
 *   support-milter [-f] [-c FILE] [-p SOCKET] [-u USER[:GROUP]] [-P PIDFILE]
 *   support-milter -n [-c FILE]
 *   support-milter -V
 *   support-milter [-c FILE] --test IN.eml [--output OUT.eml] [--from ADDR]
 *                  [--rcpt ADDR]... [--now UNIXTIME|YYYY-MM-DD] [--audit|--notice] [--client IP]
 *
 * --test exit status: 0 delivered, 1 not delivered, 2 usage/config/I-O error.
 */
#include "audit.h"
#include "daemon.h"
#include "spool.h"
#include "scan.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glib.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SM_VERSION
#define SM_VERSION "dev"
#endif
#define DEFAULT_CONF "/etc/support-milter/support-milter.conf"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: support-milter [-f] [-c FILE] [-p SOCKET] [-u USER[:GROUP]] [-P PIDFILE]\n"
		"       support-milter -n [-c FILE]      check the configuration (exit 0 or 2)\n"
		"       support-milter -V                print the version\n"
		"       support-milter [-c FILE] --test IN.eml [--output OUT.eml] [--from ADDR]\n"
		"                      [--rcpt ADDR]... [--now UNIXTIME|YYYY-MM-DD] [--audit|--notice] [--client IP]\n");
}

static int write_fd(void *ud, const void *buf, size_t len)
{
	return sm_write_all(*(int *)ud, buf, len);
}

/* "1733100000" or "2024-12-03" (midnight UTC); (time_t)-1 if neither. */
static time_t parse_now(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	GDateTime *dt;
	int y, m, d;

	if (*s && !*end)
		return (time_t)v;
	if (sscanf(s, "%d-%d-%d", &y, &m, &d) != 3)
		return (time_t)-1;
	dt = g_date_time_new_utc(y, m, d, 0, 0, 0);
	if (!dt)
		return (time_t)-1;
	v = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return (time_t)v;
}

typedef struct test_opts {
	const char *conf, *in, *out, *from, *now;
	GPtrArray *rcpts;
	const char *client; /* --client ADDR: the SMTP client's address */
	bool audit;   /* print the audit record instead of the --test object */
	bool notice;  /* print the sender's notice instead */
} test_opts;

static int write_output(const sm_result *r, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int rc;

	if (fd < 0) {
		fprintf(stderr, "support-milter: %s: %s\n", path, strerror(errno));
		return -1;
	}
	rc = sm_result_write_message(r, write_fd, &fd);
	if (close(fd) < 0 || rc < 0) {
		fprintf(stderr, "support-milter: %s: write failed\n", path);
		return -1;
	}
	return 0;
}

static int run_test(const test_opts *t)
{
	char err[1024];
	sm_policy *p;
	sm_result *r;
	sm_envelope env = {NULL, t->from, NULL, t->client};
	time_t now = t->now ? parse_now(t->now) : time(NULL);
	int fd, status;
	sm_verdict v;
	char *json;

	if (now == (time_t)-1) {
		fprintf(stderr, "support-milter: --now: expected UNIXTIME or YYYY-MM-DD\n");
		return 2;
	}
	p = sm_policy_load(t->conf, err, sizeof(err));
	if (!p) {
		fprintf(stderr, "support-milter: %s\n", err);
		return 2;
	}
	if (sm_policy_fp_key_problem(p))
		fprintf(stderr, "support-milter: note: %s; the fingerprints below are for "
			"testing only\n", sm_policy_fp_key_problem(p));
	fd = open(t->in, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "support-milter: %s: %s\n", t->in, strerror(errno));
		sm_policy_unref(p);
		return 2;
	}
	if (t->rcpts->len) {
		g_ptr_array_add(t->rcpts, NULL);
		env.rcpts = (const char *const *)t->rcpts->pdata;
	}
	r = sm_scan_fd(p, fd, &env, now);
	close(fd);
	v = sm_result_verdict(r);
	status = (v == SM_V_ACCEPT || v == SM_V_MODIFY) ? 0 : 1;
	if (status == 0 && t->out && write_output(r, t->out) < 0)
		status = 2;
	if (t->notice) {
		const char *why = NULL;

		json = sm_result_notice(r, NULL, now, &why);
		if (!json)
			json = g_strdup_printf("(no notice: %s)", why);
	} else if (t->audit) {
		char *content = sm_result_audit_json(r, &env, now);

		json = sm_audit_record(sm_policy_daemon(p), content,
				       sm_verdict_names[sm_result_verdict(r)], NULL);
		g_free(content);
	} else
		json = sm_result_json(r);
	printf("%s\n", json);
	fflush(stdout);
	g_free(json);
	sm_result_free(r);
	sm_policy_unref(p);
	return status;
}

static int check_config(const char *conf)
{
	char err[1024];
	sm_policy *p = sm_policy_load(conf, err, sizeof(err));
	char **warn, **w;

	if (!p) {
		fprintf(stderr, "support-milter: %s\n", err);
		return 2;
	}
	warn = sm_policy_warnings(p, time(NULL));
	for (w = warn; w && *w; w++)
		printf("support-milter: warning: %s\n", *w);
	g_strfreev(warn);
	printf("support-milter: %s: configuration OK\n", conf);
	if (sm_policy_fp_key_problem(p))
		printf("support-milter: note: %s; --test works without a key, the daemon "
		       "refuses to start until there is one\n", sm_policy_fp_key_problem(p));
	sm_policy_unref(p);
	return 0;
}

enum { OPT_TEST = 256, OPT_OUTPUT, OPT_FROM, OPT_RCPT, OPT_NOW, OPT_HELP, OPT_AUDIT, OPT_CLIENT,
       OPT_NOTICE };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"test", required_argument, NULL, OPT_TEST},
		{"output", required_argument, NULL, OPT_OUTPUT},
		{"from", required_argument, NULL, OPT_FROM},
		{"rcpt", required_argument, NULL, OPT_RCPT},
		{"now", required_argument, NULL, OPT_NOW},
		{"help", no_argument, NULL, OPT_HELP},
		{"audit", no_argument, NULL, OPT_AUDIT},
		{"client", required_argument, NULL, OPT_CLIENT},
		{"notice", no_argument, NULL, OPT_NOTICE},
		{NULL, 0, NULL, 0},
	};
	test_opts t = {DEFAULT_CONF, NULL, NULL, NULL, NULL, g_ptr_array_new(), NULL, false, false};
	sm_daemon_opts d = {DEFAULT_CONF, NULL, NULL, NULL, false};
	bool check = false;
	int c, rc;

	/* Views and decoded parts are large, short-lived buffers: keep them in the
	 * heap for reuse instead of an mmap/munmap (and page faults) per scan. */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 128 * 1024 * 1024);

	while ((c = getopt_long(argc, argv, "c:p:u:P:fnVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			t.conf = d.conf_path = optarg;
			break;
		case 'p':
			d.socket = optarg;
			break;
		case 'u':
			d.user = optarg;
			break;
		case 'P':
			d.pidfile = optarg;
			break;
		case 'f':
			d.foreground = true;
			break;
		case 'n':
			check = true;
			break;
		case 'V':
			printf("support-milter %s\n", SM_VERSION);
			return 0;
		case OPT_TEST:
			t.in = optarg;
			break;
		case OPT_OUTPUT:
			t.out = optarg;
			break;
		case OPT_FROM:
			t.from = optarg;
			break;
		case OPT_RCPT:
			g_ptr_array_add(t.rcpts, optarg);
			break;
		case OPT_NOW:
			t.now = optarg;
			break;
		case OPT_AUDIT:
			t.audit = true;
			break;
		case OPT_NOTICE:
			t.notice = true;
			break;
		case OPT_CLIENT:
			t.client = optarg;
			break;
		case 'h':
		case OPT_HELP:
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (check)
		rc = check_config(t.conf);
	else if (t.in)
		rc = run_test(&t);
	else
		rc = sm_daemon_run(&d);
	g_ptr_array_free(t.rcpts, TRUE);
	return rc;
}
