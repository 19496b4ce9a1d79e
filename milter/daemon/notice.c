/*
 * notice.c - sending the sender's notice (the text is the parser's:
 * sm_result_notice) through the local MTA, off the milter's threads.
 *
 * A message the policy changed or rejected queues its notice here after the
 * verdict was applied; one thread submits them one at a time, with
 * `sendmail -t -i` (notice.sendmail) or SMTP to a loopback address
 * (notice.smtp), from the null sender so that nothing bounces back in a
 * loop.  Limits: notices per sender per window (notice.rate_limit,
 * rate_window; the table of senders is bounded to RATE_MAX_SENDERS), notices
 * waiting (notice.max_queue), the time for one submission (notice.timeout).
 * A notice over a limit is dropped and logged, never retried: the message
 * itself was already handled.  Owns: the queue, the rate table and the
 * thread (module state under one mutex, like the audit log).
 */
#include "notice.h"
#include "state.h"

#include <errno.h>
#include <gio/gio.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define RATE_MAX_SENDERS 100000

typedef struct job {
	char *msg, *rcpt, *qid;
	int transport;
	char *sendmail, *smtp;
	long long timeout;
	bool stop;
} job;

typedef struct rate {
	gint64 start; /* monotonic µs the window began */
	long long n;
} rate;

static GMutex mu;
static GAsyncQueue *queue;
static GThread *thread;
static GHashTable *rates; /* sender -> rate */
static gint queued;

static void job_free(job *j)
{
	if (!j)
		return;
	g_free(j->msg);
	g_free(j->rcpt);
	g_free(j->qid);
	g_free(j->sendmail);
	g_free(j->smtp);
	g_free(j);
}

/* ---------------------------------------------------------------- sendmail */

static int via_sendmail(const job *j, char *err, size_t errlen)
{
	const char *argv[] = {j->sendmail, "-t", "-i", "-f", "<>", NULL};
	GError *e = NULL;
	GSubprocess *p = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDIN_PIPE |
						 G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
						 G_SUBPROCESS_FLAGS_STDERR_PIPE, &e);
	char *errout = NULL;
	int rc = -1;

	if (!p) {
		snprintf(err, errlen, "%s: %s", j->sendmail, e->message);
		g_error_free(e);
		return -1;
	}
	if (!g_subprocess_communicate_utf8(p, j->msg, NULL, NULL, &errout, &e)) {
		snprintf(err, errlen, "%s: %s", j->sendmail, e->message);
		g_error_free(e);
	} else if (!g_subprocess_get_if_exited(p) || g_subprocess_get_exit_status(p) != 0) {
		snprintf(err, errlen, "%s exited with status %d: %.200s", j->sendmail,
			 g_subprocess_get_if_exited(p) ? g_subprocess_get_exit_status(p) : -1,
			 errout ? errout : "");
	} else
		rc = 0;
	g_free(errout);
	g_object_unref(p);
	return rc;
}

/* ---------------------------------------------------------------- SMTP */

typedef struct conn {
	int fd;
	char buf[4096];
	size_t len;
} conn;

/* One reply (multi-line ones read to the last line): its code, or -1. */
static int reply(conn *c, char *err, size_t errlen)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		ssize_t n;

		if (nl) {
			size_t l = (size_t)(nl - c->buf) + 1;
			int code = l >= 4 ? atoi(c->buf) : -1;
			bool last = l >= 4 && c->buf[3] != '-';

			if (last && (code < 200 || code >= 400))
				snprintf(err, errlen, "SMTP: %.*s", (int)MIN(l, 200), c->buf);
			memmove(c->buf, c->buf + l, c->len - l);
			c->len -= l;
			if (last)
				return code;
			continue;
		}
		if (c->len == sizeof(c->buf)) {
			snprintf(err, errlen, "SMTP: reply line too long");
			return -1;
		}
		n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n <= 0) {
			snprintf(err, errlen, "SMTP: %s", n < 0 ? strerror(errno) : "connection closed");
			return -1;
		}
		c->len += (size_t)n;
	}
}

static int put(conn *c, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(c->fd, s, n);

		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int command(conn *c, const char *line, int want, char *err, size_t errlen)
{
	int code;

	if (put(c, line, strlen(line)) < 0) {
		snprintf(err, errlen, "SMTP: write: %s", strerror(errno));
		return -1;
	}
	code = reply(c, err, errlen);
	if (code != want && code >= 0 && !*err)
		snprintf(err, errlen, "SMTP: unexpected reply %d", code);
	return code == want ? 0 : -1;
}

static int connect_to(const char *spec, long long timeout, char *err, size_t errlen)
{
	char *host = g_strdup(spec), *colon = strrchr(host, ':');
	struct addrinfo hints = {0}, *ai = NULL, *a;
	struct timeval tv = {(time_t)timeout, 0};
	int fd = -1, rc;

	*colon = '\0';
	if (host[0] == '[' && colon > host + 1 && colon[-1] == ']') {
		colon[-1] = '\0';
		memmove(host, host + 1, strlen(host));
	}
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, colon + 1, &hints, &ai);
	if (rc != 0)
		snprintf(err, errlen, "SMTP: %s: %s", spec, gai_strerror(rc));
	for (a = ai; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
			snprintf(err, errlen, "SMTP: connect %s: %s", spec, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	if (ai)
		freeaddrinfo(ai);
	g_free(host);
	return fd;
}

/* The message with CRLF line ends, dot-stuffed, ended by CRLF.CRLF. */
static GString *smtp_data(const char *msg)
{
	GString *g = g_string_sized_new(strlen(msg) + 256);
	const char *p = msg;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (*p == '.')
			g_string_append_c(g, '.');
		g_string_append_len(g, p, n);
		g_string_append(g, "\r\n");
		p += n + (nl ? 1 : 0);
	}
	g_string_append(g, ".\r\n");
	return g;
}

static int via_smtp(const job *j, char *err, size_t errlen)
{
	conn c = {connect_to(j->smtp, j->timeout, err, errlen), {0}, 0};
	char host[256], line[600];
	GString *data;
	int rc = -1;

	if (c.fd < 0)
		return -1;
	if (gethostname(host, sizeof(host)) < 0 || !*host)
		g_strlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	data = smtp_data(j->msg);
	snprintf(line, sizeof(line), "EHLO %s\r\n", host);
	if (reply(&c, err, errlen) == 220 && command(&c, line, 250, err, errlen) == 0 &&
	    command(&c, "MAIL FROM:<>\r\n", 250, err, errlen) == 0) {
		snprintf(line, sizeof(line), "RCPT TO:<%s>\r\n", j->rcpt);
		if (command(&c, line, 250, err, errlen) == 0 &&
		    command(&c, "DATA\r\n", 354, err, errlen) == 0 &&
		    command(&c, data->str, 250, err, errlen) == 0) {
			rc = 0;
			put(&c, "QUIT\r\n", 6);
		}
	}
	g_string_free(data, TRUE);
	close(c.fd);
	return rc;
}

/* ---------------------------------------------------------------- queue */

static gpointer loop(gpointer unused)
{
	(void)unused;
	for (;;) {
		job *j = g_async_queue_pop(queue);
		char err[512] = "";
		int rc;

		if (j->stop) {
			job_free(j);
			return NULL;
		}
		g_atomic_int_add(&queued, -1);
		rc = j->transport == 1 ? via_smtp(j, err, sizeof(err)) : via_sendmail(j, err, sizeof(err));
		if (rc == 0)
			sm_log(LOG_INFO, "%s: notice sent to %s", j->qid, j->rcpt);
		else
			sm_log(LOG_WARNING, "%s: notice to %s not sent: %s", j->qid, j->rcpt, err);
		sm_metrics_notice(rc == 0);
		job_free(j);
	}
}

void sm_notice_start(void)
{
	g_mutex_lock(&mu);
	if (!thread) {
		queue = g_async_queue_new();
		rates = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		thread = g_thread_new("notice", loop, NULL);
	}
	g_mutex_unlock(&mu);
}

void sm_notice_stop(void)
{
	job *stop = g_new0(job, 1), *j;

	g_mutex_lock(&mu);
	if (!thread) {
		g_mutex_unlock(&mu);
		g_free(stop);
		return;
	}
	stop->stop = true;
	g_async_queue_push_front(queue, stop); /* after the notice being sent, if any */
	g_thread_join(thread);
	thread = NULL;
	while ((j = g_async_queue_try_pop(queue))) {
		sm_log(LOG_WARNING, "%s: notice to %s not sent: stopping", j->qid, j->rcpt);
		job_free(j);
	}
	g_async_queue_unref(queue);
	g_hash_table_destroy(rates);
	rates = NULL;
	g_mutex_unlock(&mu);
}

/* Under mu: may sender have one more notice now? */
static bool rate_ok(const sm_notice_conf *n, const char *sender)
{
	gint64 now = g_get_monotonic_time(), win = n->rate_window * G_USEC_PER_SEC;
	rate *r = g_hash_table_lookup(rates, sender);

	if (!r && g_hash_table_size(rates) >= RATE_MAX_SENDERS) {
		GHashTableIter it;
		gpointer k, v;

		g_hash_table_iter_init(&it, rates); /* forget windows that are over */
		while (g_hash_table_iter_next(&it, &k, &v))
			if (now - ((rate *)v)->start >= win)
				g_hash_table_iter_remove(&it);
		if (g_hash_table_size(rates) >= RATE_MAX_SENDERS)
			return false;
	}
	if (!r) {
		r = g_new0(rate, 1);
		r->start = now;
		g_hash_table_insert(rates, g_ascii_strdown(sender, -1), r);
	}
	if (now - r->start >= win) {
		r->start = now;
		r->n = 0;
	}
	if (r->n >= n->rate_limit)
		return false;
	r->n++;
	return true;
}

void sm_notice_after(const sm_policy *p, const sm_result *r, const char *qid, time_t now)
{
	const sm_notice_conf *n = sm_policy_notice(p);
	const char *why = NULL;
	char *msg, *to;
	job *j;
	bool ok;

	if (!n->enabled)
		return;
	msg = sm_result_notice(r, qid, now, &why);
	if (!msg)
		return;
	/* the To: line the parser wrote is the bare sender */
	to = g_strndup(strstr(msg, "\nTo: ") + 5, strcspn(strstr(msg, "\nTo: ") + 5, "\n"));
	g_mutex_lock(&mu);
	ok = thread && rate_ok(n, to);
	g_mutex_unlock(&mu);
	if (!ok || g_atomic_int_get(&queued) >= n->max_queue) {
		sm_log(LOG_WARNING, "%s: notice to %s not sent: %s", qid ? qid : "NOQUEUE", to,
		       !ok ? "rate limit (notice.rate_limit)" : "queue full (notice.max_queue)");
		sm_metrics_notice_limited();
		g_free(msg);
		g_free(to);
		return;
	}
	j = g_new0(job, 1);
	j->msg = msg;
	j->rcpt = to;
	j->qid = g_strdup(qid ? qid : "NOQUEUE");
	j->transport = n->transport;
	j->sendmail = g_strdup(n->sendmail);
	j->smtp = g_strdup(n->smtp);
	j->timeout = n->timeout;
	g_atomic_int_inc(&queued);
	g_async_queue_push(queue, j);
}
