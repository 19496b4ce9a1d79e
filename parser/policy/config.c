/*
 * config.c - the top-level configuration (see config.h).
 *
 * Every key is in a table with its default and range; see
 * conf/support-milter.conf for the documented defaults.
 */
#include "config.h"

#include "conftab.h"

#include <arpa/inet.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFF(f) offsetof(sm_config, f)
#define DOFF(f) offsetof(sm_daemon_conf, f)
#define LOFF(f) offsetof(sm_limits, f)
#define KiB 1024LL
#define MiB (1024LL * 1024)
#define GiB (1024LL * 1024 * 1024)

const char *const sm_act_names[] = {"none", "log", "tag", "mask", "strip", "quarantine",
				    "reject", "tempfail", NULL};
const char *const sm_verdict_names[] = {"accept", "modify", "reject", "quarantine",
					"discard", "tempfail", NULL};
static const char *const modes[] = {"enforce", "dry-run", NULL};
/* Failure and limit actions, indexed by sm_act: "accept" stands for NONE. */
static const char *const fail_acts[] = {"accept", "log", "tag", "mask", "strip",
					"quarantine", "reject", "tempfail", NULL};

/* A message that cannot be parsed will fail the same way on every retry:
 * it is answered once (5xx), or delivered tagged, never tempfailed. */
static const char *const unparseable_acts[] = {"reject", "accept", NULL};

/* What support mail gets when its audit record cannot be written. */
static const char *const audit_acts[] = {"tempfail", "accept", NULL};
/* When an audit record reaches the disk (fdatasync). */
static const char *const audit_syncs[] = {"none", "always", "second", NULL};
static const char *const audit_zones[] = {"local", "utc", NULL};

static const sm_conf_key daemon_keys[] = {
	{"socket", SM_CONF_STRING, DOFF(socket), 0, "unix:/var/spool/postfix/support-milter/support-milter.sock"},
	{"socket_mode", SM_CONF_OCTAL, DOFF(socket_mode), 0660, NULL, 0, 0777},
	{"socket_owner", SM_CONF_STRING, DOFF(socket_owner), 0, NULL},
	{"user", SM_CONF_STRING, DOFF(user), 0, NULL},
	{"pidfile", SM_CONF_STRING, DOFF(pidfile), 0, NULL},
	{"spool_dir", SM_CONF_STRING, DOFF(spool_dir), 0, "/var/spool/support-milter"},
	{"spool_threshold", SM_CONF_INT, DOFF(spool_threshold), 1 * MiB, NULL, 0, 1 * GiB},
	{"audit_log", SM_CONF_STRING, DOFF(audit_log), 0, "/var/log/support-milter/audit.log"},
	{"syslog_facility", SM_CONF_STRING, DOFF(syslog_facility), 0, "mail"},
	{"timeout", SM_CONF_INT, DOFF(timeout), 300, NULL, 1, 86400},
	{"backlog", SM_CONF_INT, DOFF(backlog), 64, NULL, 1, 65535},
	{"summary_syslog", SM_CONF_BOOL, DOFF(summary_syslog), 1},
	{"audit_failure", SM_CONF_ENUM, DOFF(audit_failure), 0, NULL, 0, 0, audit_acts},
	{"audit_fsync", SM_CONF_ENUM, DOFF(audit_fsync), 2, NULL, 0, 0, audit_syncs},
	{"audit_timezone", SM_CONF_ENUM, DOFF(audit_timezone), 0, NULL, 0, 0, audit_zones},
	{"max_scan_memory", SM_CONF_INT, DOFF(max_scan_memory), 1 * GiB, NULL, 128 * MiB, 1024 * GiB},
	{"scan_wait", SM_CONF_INT, DOFF(scan_wait), 30, NULL, 0, 3600},
	{"scan_workers", SM_CONF_INT, DOFF(scan_workers), 2, NULL, 1, 256},
	{"worker_messages", SM_CONF_INT, DOFF(worker_messages), 200, NULL, 1, 1000000},
	{"worker_deadline", SM_CONF_INT, DOFF(worker_deadline), 10, NULL, 1, 3600},
	{"worker_deadline_per_mb", SM_CONF_INT, DOFF(worker_deadline_per_mb), 2, NULL, 0, 3600},
	{"worker_kills", SM_CONF_INT, DOFF(worker_kills), 3, NULL, 1, 100},
	{"max_sessions", SM_CONF_INT, DOFF(max_sessions), 256, NULL, 1, 100000},
	{"session_grace", SM_CONF_INT, DOFF(session_grace), 10, NULL, 1, 3600},
	{"drain_timeout", SM_CONF_INT, DOFF(drain_timeout), 60, NULL, 0, 3600},
	{"allow", SM_CONF_STRLIST, DOFF(allow)},
	{"run_as_root", SM_CONF_BOOL, DOFF(run_as_root), 0},
	{"metrics_file", SM_CONF_STRING, DOFF(metrics_file), 0, NULL},
	{"metrics_interval", SM_CONF_INT, DOFF(metrics_interval), 15, NULL, 1, 3600},
	{"summary_interval", SM_CONF_INT, DOFF(summary_interval), 600, NULL, 0, 86400},
	{NULL},
};

#define NOFF(f) offsetof(sm_notice_conf, f)
static const char *const notice_transports[] = {"sendmail", "smtp", NULL};
static const sm_conf_key notice_keys[] = {
	{"enabled", SM_CONF_BOOL, NOFF(enabled), 0},
	{"transport", SM_CONF_ENUM, NOFF(transport), 0, NULL, 0, 0, notice_transports},
	{"sendmail", SM_CONF_STRING, NOFF(sendmail), 0, "/usr/sbin/sendmail"},
	{"smtp", SM_CONF_STRING, NOFF(smtp), 0, "127.0.0.1:25"},
	{"from", SM_CONF_ASCII, NOFF(from), 0, NULL},
	{"template_ja", SM_CONF_STRING, NOFF(template_ja), 0, NULL},
	{"template_en", SM_CONF_STRING, NOFF(template_en), 0, NULL},
	{"severity_a_phone", SM_CONF_ASCII, NOFF(severity_a_phone), 0, NULL},
	{"rate_limit", SM_CONF_INT, NOFF(rate_limit), 5, NULL, 1, 1000},
	{"rate_window", SM_CONF_INT, NOFF(rate_window), 3600, NULL, 60, 7 * 86400},
	{"max_queue", SM_CONF_INT, NOFF(max_queue), 1000, NULL, 1, 100000},
	{"timeout", SM_CONF_INT, NOFF(timeout), 30, NULL, 1, 600},
	{NULL},
};

/* The notice goes to the local MTA only: a loopback address and a port. */
static int check_notice(const sm_config *cfg, char *err, size_t errlen)
{
	const sm_notice_conf *n = &cfg->notice;
	const config_setting_t *s = config_lookup(&cfg->cf, "notice");
	char where[512];
	const char *colon = n->smtp ? strrchr(n->smtp, ':') : NULL;

	sm_conf_where(s, where, sizeof(where));
	if (!n->enabled)
		return 0;
	if (!n->from || !strchr(n->from, '@')) {
		snprintf(err, errlen, "%snotice: key 'from': the address notices come from is "
			 "required (e.g. \"support-mail-policy@example.co.jp\")", where);
		return -1;
	}
	if (n->transport == 1 &&
	    (!colon || atoi(colon + 1) <= 0 || atoi(colon + 1) > 65535 ||
	     !(g_str_has_prefix(n->smtp, "127.") || g_str_has_prefix(n->smtp, "[::1]") ||
	       g_str_has_prefix(n->smtp, "localhost:")))) {
		snprintf(err, errlen, "%snotice: key 'smtp': '%s' is not a loopback host:port "
			 "(127.0.0.1:25, [::1]:25, localhost:25): notices go to the local MTA", where,
			 n->smtp ? n->smtp : "");
		return -1;
	}
	if (n->transport == 0 && (!n->sendmail || n->sendmail[0] != '/')) {
		snprintf(err, errlen, "%snotice: key 'sendmail': an absolute path", where);
		return -1;
	}
	return 0;
}

static const sm_conf_key limit_keys[] = {
	{"max_message_bytes", SM_CONF_INT, LOFF(max_message_bytes), 64 * MiB, NULL, 1 * KiB, 64 * GiB},
	{"max_parts", SM_CONF_INT, LOFF(max_parts), 1000, NULL, 1, 1000000},
	{"max_depth", SM_CONF_INT, LOFF(max_depth), 20, NULL, 1, 1000},
	{"max_header_bytes", SM_CONF_INT, LOFF(max_header_bytes), 1 * MiB, NULL, 1 * KiB, 1 * GiB},
	{"max_headers", SM_CONF_INT, LOFF(max_headers), 5000, NULL, 10, 1000000},
	{"max_part_bytes", SM_CONF_INT, LOFF(max_part_bytes), 32 * MiB, NULL, 1 * KiB, 4 * GiB},
	{"max_total_bytes", SM_CONF_INT, LOFF(max_total_bytes), 128 * MiB, NULL, 1 * KiB, 64 * GiB},
	{"max_findings", SM_CONF_INT, LOFF(max_findings), 10000, NULL, 1, 10000000},
	{"scan_window_bytes", SM_CONF_INT, LOFF(scan_window_bytes), 4 * MiB, NULL, 4 * KiB, 1 * GiB},
	{"archive_max_members", SM_CONF_INT, LOFF(archive_max_members), 10000, NULL, 1, 10000000},
	{"archive_max_depth", SM_CONF_INT, LOFF(archive_max_depth), 3, NULL, 0, 20},
	{"archive_max_bytes", SM_CONF_INT, LOFF(archive_max_bytes), 256 * MiB, NULL, 1 * KiB, 64 * GiB},
	{"archive_max_ratio", SM_CONF_INT, LOFF(archive_max_ratio), 100, NULL, 2, 100000},
	{"regex_match_limit", SM_CONF_INT, LOFF(regex_match_limit), 1000000, NULL, 1000, 1000000000},
	{"regex_heap_bytes", SM_CONF_INT, LOFF(regex_heap_bytes), 64 * MiB, NULL, 1 * MiB, 4 * GiB - 1},
	{"regex_jit_stack_bytes", SM_CONF_INT, LOFF(regex_jit_stack_bytes), 1 * MiB, NULL, 32 * KiB,
	 256 * MiB},
	{"scan_time_ms", SM_CONF_INT, LOFF(scan_time_ms), 5000, NULL, 1, 3600000},
	{"scan_time_ms_per_mib", SM_CONF_INT, LOFF(scan_time_ms_per_mib), 1000, NULL, 0, 600000},
	{"on_limit", SM_CONF_ENUM, LOFF(on_limit), SM_ACT_TEMPFAIL, NULL, 0, 0, fail_acts},
	{"on_permanent_limit", SM_CONF_ENUM, LOFF(on_permanent_limit), SM_ACT_REJECT, NULL, 0, 0,
	 fail_acts},
	{"on_encrypted", SM_CONF_ENUM, LOFF(on_encrypted), SM_ACT_TAG, NULL, 0, 0, fail_acts},
	{"on_uninspected", SM_CONF_ENUM, LOFF(on_uninspected), SM_ACT_NONE, NULL, 0, 0, fail_acts},
	{"on_unreadable", SM_CONF_ENUM, LOFF(on_unreadable), SM_ACT_REJECT, NULL, 0, 0, fail_acts},
	{NULL},
};

static const sm_conf_key policy_keys[] = {
	{"mode", SM_CONF_ENUM, OFF(mode), 0, NULL, 0, 0, modes},
	{"on_failure", SM_CONF_ENUM, OFF(on_failure), SM_ACT_TEMPFAIL, NULL, 0, 0, fail_acts},
	{"on_unparseable", SM_CONF_ENUM, OFF(on_unparseable), 0, NULL, 0, 0, unparseable_acts},
	{"fingerprint_key", SM_CONF_STRING, OFF(fp_key), 0, NULL},
	{"fingerprint_key_file", SM_CONF_STRING, OFF(fp_key_file), 0, NULL},
	{"policy_url", SM_CONF_ASCII, OFF(policy_url), 0, SM_POLICY_URL_PLACEHOLDER},
	{"failure_reply", SM_CONF_ASCII, OFF(failure_reply), 0,
	 "support-milter could not scan this message; please try again later"},
	{"limit_reply", SM_CONF_ASCII, OFF(limit_reply), 0,
	 "Message too complex to scan for confidential data (limit exceeded)"},
	{"unparseable_reply", SM_CONF_ASCII, OFF(unparseable_reply), 0,
	 "The MIME structure of this message cannot be read, so it cannot be checked for "
	 "confidential data; it was not delivered. Please send it again from an ordinary mail client"},
	{NULL},
};

/* The top level: each group is checked by its own table or module. */
static const sm_conf_key top_keys[] = {
	{"milter", SM_CONF_GROUP, 0},
	{"policy", SM_CONF_GROUP, 0},
	{"recipients", SM_CONF_STRLIST, OFF(recipients)},
	{"limits", SM_CONF_GROUP, 0},
	{"detectors", SM_CONF_GROUP, 0},
	{"rules", SM_CONF_GROUP, 0},
	{"exceptions", SM_CONF_GROUP, 0},
	{"notice", SM_CONF_GROUP, 0},
	{NULL},
};

/* The syslog facilities milter/daemon/log.c knows (syslog_facility). */
static const char *const facilities[] = {"mail", "daemon", "user", "local0", "local1", "local2",
					 "local3", "local4", "local5", "local6", "local7", NULL};

static int check_facility(const sm_config *cfg, char *err, size_t errlen)
{
	const config_setting_t *s = config_lookup(&cfg->cf, "milter.syslog_facility");
	char where[512];
	size_t i;

	for (i = 0; facilities[i]; i++)
		if (cfg->daemon.syslog_facility && strcmp(cfg->daemon.syslog_facility, facilities[i]) == 0)
			return 0;
	sm_conf_where(s, where, sizeof(where));
	snprintf(err, errlen, "%skey 'syslog_facility': '%s' is not one of mail, daemon, user, "
		 "local0 ... local7", where, cfg->daemon.syslog_facility ? cfg->daemon.syslog_facility : "");
	return -1;
}

static int check_recipients(const sm_config *cfg, char *err, size_t errlen)
{
	const config_setting_t *s = config_lookup(&cfg->cf, "recipients");
	char where[512];
	size_t i;

	sm_conf_where(s, where, sizeof(where));
	if (!cfg->recipients || !cfg->recipients[0]) {
		snprintf(err, errlen, "%skey 'recipients': at least one support recipient is required",
			 s ? where : "");
		return -1;
	}
	for (i = 0; cfg->recipients[i]; i++) {
		const char *r = cfg->recipients[i];
		size_t n = strlen(r);

		if (n > 2 && r[0] == '/' && r[n - 1] == '/')
			continue; /* a pattern: compiled by the policy */
		if (n < 2 || !strchr(r, '@') || strchr(r, ' ') || strchr(r, '<')) {
			snprintf(err, errlen,
				 "%skey 'recipients': '%s' is neither an address, an @domain nor a /pattern/",
				 where, r);
			return -1;
		}
	}
	return 0;
}

/* "ADDR" or "ADDR/PREFIX", IPv4 or IPv6. */
static bool is_network(const char *s)
{
	char *a = g_strdup(s), *slash = strchr(a, '/'), *end;
	unsigned char buf[16];
	long bits = -1;
	int fam;
	bool ok;

	if (slash) {
		*slash++ = '\0';
		bits = strtol(slash, &end, 10);
		if (!*slash || *end)
			bits = 999;
	}
	fam = strchr(a, ':') ? AF_INET6 : AF_INET;
	ok = inet_pton(fam, a, buf) == 1 && bits <= (fam == AF_INET ? 32 : 128) && (!slash || bits >= 0);
	g_free(a);
	return ok;
}

/* The milter group's keys that depend on each other or need parsing. */
static int check_daemon(const sm_config *cfg, char *err, size_t errlen)
{
	const config_setting_t *g = config_lookup((config_t *)&cfg->cf, "milter");
	const sm_daemon_conf *d = &cfg->daemon;
	char where[512] = "";
	size_t i;

	if (g)
		sm_conf_where(g, where, sizeof(where));
	if (d->max_scan_memory / d->scan_workers < SM_WORKER_MIN_MEMORY) {
		snprintf(err, errlen, "%skeys 'max_scan_memory' and 'scan_workers': each worker "
			 "would get %lld MiB, less than the %d MiB a worker needs", where,
			 d->max_scan_memory / d->scan_workers >> 20, SM_WORKER_MIN_MEMORY >> 20);
		return -1;
	}
	for (i = 0; d->allow && d->allow[i]; i++)
		if (!is_network(d->allow[i])) {
			snprintf(err, errlen, "%skey 'allow': '%s' is not an address or "
				 "ADDRESS/PREFIX", where, d->allow[i]);
			return -1;
		}
	return 0;
}

int sm_config_load(sm_config *cfg, const char *path, char *err, size_t errlen)
{
	config_setting_t *root;

	memset(cfg, 0, sizeof(*cfg));
	config_init(&cfg->cf);
	cfg->cf_live = true;
	if (!config_read_file(&cfg->cf, path)) {
		if (config_error_type(&cfg->cf) == CONFIG_ERR_FILE_IO)
			snprintf(err, errlen, "%s: cannot read: %s", path,
				 config_error_text(&cfg->cf));
		else
			snprintf(err, errlen, "%s:%d: syntax error: %s",
				 config_error_file(&cfg->cf) ? config_error_file(&cfg->cf) : path,
				 config_error_line(&cfg->cf), config_error_text(&cfg->cf));
		return -1;
	}
	root = config_root_setting(&cfg->cf);
	if (sm_conf_apply(root, top_keys, cfg, err, errlen) < 0 ||
	    sm_conf_apply(config_lookup(&cfg->cf, "milter"), daemon_keys, &cfg->daemon, err,
			  errlen) < 0 ||
	    sm_conf_apply(config_lookup(&cfg->cf, "limits"), limit_keys, &cfg->limits, err,
			  errlen) < 0 ||
	    sm_conf_apply(config_lookup(&cfg->cf, "policy"), policy_keys, cfg, err, errlen) < 0 ||
	    sm_conf_apply(config_lookup(&cfg->cf, "notice"), notice_keys, &cfg->notice, err,
			  errlen) < 0 ||
	    check_recipients(cfg, err, errlen) < 0 || check_notice(cfg, err, errlen) < 0 ||
	    check_daemon(cfg, err, errlen) < 0 || check_facility(cfg, err, errlen) < 0 ||
	    sm_fpkey_resolve(cfg, err, errlen) < 0)
		return -1;
	return 0;
}

const config_setting_t *sm_config_group(const sm_config *cfg, const char *name)
{
	return config_lookup((config_t *)&cfg->cf, name);
}

void sm_config_release_tree(sm_config *cfg)
{
	if (!cfg->cf_live)
		return;
	config_destroy(&cfg->cf);
	cfg->cf_live = false;
}

void sm_config_clear(sm_config *cfg)
{
	sm_conf_clear(daemon_keys, &cfg->daemon);
	sm_conf_clear(notice_keys, &cfg->notice);
	sm_conf_clear(limit_keys, &cfg->limits);
	sm_conf_clear(policy_keys, cfg);
	sm_conf_clear(top_keys, cfg);
	g_free(cfg->fp_key_problem);
	cfg->fp_key_problem = NULL;
}
