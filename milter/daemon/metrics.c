/*
 * metrics.c - what the daemon did, for Prometheus and for syslog.
 *
 * Counters: messages seen, support messages, actions as applied, findings
 * by detector, failures by cause, limits hit, notices; a histogram of scan
 * times.  Exposed as a textfile for node_exporter's textfile collector,
 * not as an HTTP listener: the daemon that reads hostile mail opens no
 * port, needs no access control, and relies on the node exporter every
 * server already runs (docs/metrics.md).  The file is written to a temporary
 * name and renamed, so the collector never reads half of it.  A summary line
 * goes to syslog every milter.summary_interval seconds.
 *
 * Untrusted input: detector ids come from the configuration (custom
 * detectors), bounded to MAX_DETECTORS label values.  State: counters
 * updated with atomic adds from every milter thread; the detector table and
 * the writer thread under one mutex (module state, like the audit log).
 */
#include "metrics.h"
#include "notice.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_DETECTORS 64
#define N_BUCKETS 12

static const double buckets[N_BUCKETS] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
					  0.5,   1,    2.5,   5,    10,  30};
static const char *const actions[] = {"accept", "modify", "reject", "quarantine", "discard",
				      "tempfail", NULL};
static const char *const causes[] = {"internal", "limit", "apply", "audit", NULL};

typedef struct counters {
	uint64_t seen, support, limits, notices_sent, notices_failed, notices_limited;
	uint64_t action[6], cause[4];
	uint64_t bucket[N_BUCKETS + 1], scans;
	uint64_t scan_us; /* sum of scan times, microseconds */
} counters;

static counters c;
static GMutex mu;
static struct {
	char *name;
	uint64_t n;
} dets[MAX_DETECTORS + 1]; /* the last one is "other" */
static GThread *writer;
static GCond wake;
static bool stopping;
static gint64 started;

static void add(uint64_t *v, uint64_t n)
{
	__atomic_fetch_add(v, n, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

static int index_of(const char *const *list, const char *s)
{
	int i;

	for (i = 0; s && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

void sm_metrics_seen(void)
{
	add(&c.seen, 1);
}

static void count_action(const char *applied)
{
	int a = index_of(actions, applied);

	if (a >= 0)
		add(&c.action[a], 1);
}

static void count_detector(const char *id)
{
	int i;

	g_mutex_lock(&mu);
	for (i = 0; i < MAX_DETECTORS && dets[i].name; i++)
		if (strcmp(dets[i].name, id) == 0)
			break;
	if (i < MAX_DETECTORS && !dets[i].name)
		dets[i].name = g_strdup(id);
	if (i == MAX_DETECTORS && !dets[i].name)
		dets[i].name = g_strdup("other");
	dets[i].n++;
	g_mutex_unlock(&mu);
}

void sm_metrics_decision(const sm_result *r, const char *applied, bool apply_failed,
			 double seconds)
{
	size_t i, n = sm_result_finding_count(r);
	int b;

	add(&c.support, 1);
	count_action(applied);
	if (apply_failed)
		add(&c.cause[2], 1);
	if (sm_result_failed(r))
		add(&c.cause[0], 1);
	for (i = 0; i < n; i++)
		count_detector(sm_result_finding_detector(r, i));
	for (b = 0; b < N_BUCKETS && seconds > buckets[b]; b++)
		;
	add(&c.bucket[b], 1);
	add(&c.scans, 1);
	add(&c.scan_us, (uint64_t)(seconds * 1e6));
}

void sm_metrics_failed(bool limit, const char *applied)
{
	add(&c.support, 1);
	add(&c.cause[limit ? 1 : 0], 1);
	if (limit)
		add(&c.limits, 1);
	count_action(applied);
}

void sm_metrics_audit_failed(void)
{
	add(&c.cause[3], 1);
}

void sm_metrics_notice(bool sent)
{
	add(sent ? &c.notices_sent : &c.notices_failed, 1);
}

void sm_metrics_notice_limited(void)
{
	add(&c.notices_limited, 1);
}

/* ---------------------------------------------------------------- text */

static void counter(GString *g, const char *name, const char *help)
{
	g_string_append_printf(g, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
}

static void labelled(GString *g, const char *name, const char *label, const char *const *keys,
		     const uint64_t *v)
{
	int i;

	for (i = 0; keys[i]; i++)
		g_string_append_printf(g, "%s{%s=\"%s\"} %" G_GUINT64_FORMAT "\n", name, label,
				       keys[i], get(&v[i]));
}

static void histogram(GString *g)
{
	uint64_t cum = 0;
	int b;

	g_string_append(g, "# HELP support_milter_scan_seconds Time to scan one support message.\n"
			   "# TYPE support_milter_scan_seconds histogram\n");
	for (b = 0; b < N_BUCKETS; b++) {
		cum += get(&c.bucket[b]);
		g_string_append_printf(g, "support_milter_scan_seconds_bucket{le=\"%g\"} %"
				       G_GUINT64_FORMAT "\n", buckets[b], cum);
	}
	cum += get(&c.bucket[N_BUCKETS]);
	g_string_append_printf(g, "support_milter_scan_seconds_bucket{le=\"+Inf\"} %" G_GUINT64_FORMAT
			       "\nsupport_milter_scan_seconds_sum %.6f\n"
			       "support_milter_scan_seconds_count %" G_GUINT64_FORMAT "\n",
			       cum, (double)get(&c.scan_us) / 1e6, get(&c.scans));
}

char *sm_metrics_text(void)
{
	GString *g = g_string_sized_new(4096);
	const char *const notices[] = {"sent", "failed", "limited", NULL};
	uint64_t nv[3] = {get(&c.notices_sent), get(&c.notices_failed), get(&c.notices_limited)};
	int i;

	counter(g, "support_milter_messages_total", "Messages the milter saw (MAIL FROM).");
	g_string_append_printf(g, "support_milter_messages_total %" G_GUINT64_FORMAT "\n", get(&c.seen));
	counter(g, "support_milter_support_messages_total", "Messages to a support recipient.");
	g_string_append_printf(g, "support_milter_support_messages_total %" G_GUINT64_FORMAT "\n",
			       get(&c.support));
	counter(g, "support_milter_actions_total", "Support messages by the action applied.");
	labelled(g, "support_milter_actions_total", "action", actions, c.action);
	counter(g, "support_milter_findings_total", "Findings (one per value and place) by detector.");
	g_mutex_lock(&mu);
	for (i = 0; i <= MAX_DETECTORS; i++)
		if (dets[i].name)
			g_string_append_printf(g, "support_milter_findings_total{detector=\"%s\"} %"
					       G_GUINT64_FORMAT "\n", dets[i].name, dets[i].n);
	g_mutex_unlock(&mu);
	counter(g, "support_milter_failures_total",
		"Support messages not judged or not applied, by cause.");
	labelled(g, "support_milter_failures_total", "cause", causes, c.cause);
	counter(g, "support_milter_limits_total", "Support messages over a configured limit.");
	g_string_append_printf(g, "support_milter_limits_total %" G_GUINT64_FORMAT "\n", get(&c.limits));
	counter(g, "support_milter_notices_total", "Sender notices by result.");
	labelled(g, "support_milter_notices_total", "result", notices, nv);
	histogram(g);
	g_string_append_printf(g, "# HELP support_milter_start_time_seconds When the daemon started.\n"
			       "# TYPE support_milter_start_time_seconds gauge\n"
			       "support_milter_start_time_seconds %" G_GINT64_FORMAT "\n",
			       started / G_USEC_PER_SEC);
	return g_string_free(g, FALSE);
}

/* ---------------------------------------------------------------- writer */

static void write_file(const char *path)
{
	char *tmp = g_strdup_printf("%s.%ld.tmp", path, (long)getpid());
	char *text = sm_metrics_text();
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd) < 0 || rename(tmp, path) < 0) {
		sm_log(LOG_WARNING, "metrics file %s: %s", path, g_strerror(errno));
		if (fd >= 0)
			unlink(tmp);
	}
	g_free(text);
	g_free(tmp);
}

static void summary(void)
{
	sm_log(LOG_INFO, "summary: messages=%" G_GUINT64_FORMAT " support=%" G_GUINT64_FORMAT
	       " accept=%" G_GUINT64_FORMAT " modify=%" G_GUINT64_FORMAT " reject=%" G_GUINT64_FORMAT
	       " tempfail=%" G_GUINT64_FORMAT " failures=%" G_GUINT64_FORMAT " limits=%"
	       G_GUINT64_FORMAT " notices=%" G_GUINT64_FORMAT,
	       get(&c.seen), get(&c.support), get(&c.action[0]), get(&c.action[1]),
	       get(&c.action[2]), get(&c.action[5]),
	       get(&c.cause[0]) + get(&c.cause[1]) + get(&c.cause[2]) + get(&c.cause[3]),
	       get(&c.limits), get(&c.notices_sent));
}

static gpointer writer_loop(gpointer unused)
{
	gint64 next_file = 0, next_summary = 0;

	(void)unused;
	g_mutex_lock(&mu);
	while (!stopping) {
		sm_policy *p = sm_state_policy();
		const sm_daemon_conf *d = sm_policy_daemon(p);
		gint64 now = g_get_monotonic_time();
		char *file = d->metrics_file && *d->metrics_file ? g_strdup(d->metrics_file) : NULL;
		long long fi = d->metrics_interval, si = d->summary_interval;

		sm_policy_unref(p);
		if (!next_summary)
			next_summary = now + si * G_USEC_PER_SEC;
		g_mutex_unlock(&mu);
		if (file && now >= next_file) {
			write_file(file);
			next_file = now + fi * G_USEC_PER_SEC;
		}
		if (si > 0 && now >= next_summary) {
			summary();
			next_summary = now + si * G_USEC_PER_SEC;
		}
		g_free(file);
		g_mutex_lock(&mu);
		if (!stopping)
			g_cond_wait_until(&wake, &mu, g_get_monotonic_time() + G_USEC_PER_SEC);
	}
	g_mutex_unlock(&mu);
	return NULL;
}

void sm_metrics_start(void)
{
	started = g_get_real_time();
	g_mutex_lock(&mu);
	stopping = false;
	if (!writer)
		writer = g_thread_new("metrics", writer_loop, NULL);
	g_mutex_unlock(&mu);
}

void sm_metrics_stop(void)
{
	sm_policy *p;

	g_mutex_lock(&mu);
	stopping = true;
	g_cond_broadcast(&wake);
	g_mutex_unlock(&mu);
	if (writer)
		g_thread_join(writer);
	writer = NULL;
	p = sm_state_policy();
	if (p && sm_policy_daemon(p)->metrics_file && *sm_policy_daemon(p)->metrics_file)
		write_file(sm_policy_daemon(p)->metrics_file); /* the last counts */
	sm_policy_unref(p);
}
