/*
 * pool.c - the scanner worker pool (pool.h).
 *
 * A session thread takes a free slot (waiting up to milter.scan_wait), makes
 * sure its worker runs and belongs to the current configuration, hands the
 * message over (one sendmsg: a header, the spool and spill descriptors, the
 * envelope strings; the spool as a sealed memfd or a read-only descriptor,
 * so that the worker cannot change what the daemon reads afterwards, or a
 * message of up to 64 KiB that the spool holds in memory as a copy of its
 * bytes after the envelope; a worker that died while idle is found by it
 * and replaced) and waits for the answer until the message's deadline
 * (monotonic): one poll and one recv for an answer of up to 64 KiB.  Past the deadline the worker is killed through its pidfd
 * (no pid reuse race); a worker that closes its socket or answers nonsense
 * died.  Either way the slot starts a new worker for the next message:
 * one message's outcome, nothing else.
 *
 * Untrusted input: the worker's answer (it parsed hostile mail): its size is
 * bounded (SM_WREP_MAX) and sm_result_unwire checks every byte.  Limits:
 * the pool size, scan_wait, the deadline, worker_messages.
 * Ownership: the pool owns the workers' sockets and pidfds; the spawner is
 * the daemon's.
 */
#include "pool.h"
#include "spool.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

_Static_assert(SM_SPOOL_BUF <= SM_WREQ_INLINE_MAX, "a message the spool keeps goes inline");

typedef struct slot {
	int sock, pidfd;
	pid_t pid;
	unsigned done;   /* messages scanned by this worker */
	unsigned gen;    /* the configuration generation it was started with */
	bool busy;
} slot;

struct sm_pool {
	sm_spawner *sp;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	slot *slots;
	size_t n;
	unsigned gen;
	unsigned busy;
	bool stopping;
	gint ro_warned; /* the read-only hand-over's fallback was logged */
};

sm_pool *sm_pool_new(sm_spawner *sp, size_t size)
{
	sm_pool *p = g_new0(sm_pool, 1);
	pthread_condattr_t ca;
	size_t i;

	p->sp = sp;
	p->n = size;
	p->slots = g_new0(slot, size);
	for (i = 0; i < size; i++)
		p->slots[i].sock = p->slots[i].pidfd = -1;
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	return p;
}

/* Close a worker's descriptors; kill: SIGKILL first (else it reads EOF). */
static void retire(slot *s, bool kill)
{
	if (kill && s->pidfd >= 0)
		pidfd_send_signal(s->pidfd, SIGKILL, NULL, 0);
	if (s->sock >= 0)
		close(s->sock);
	if (s->pidfd >= 0)
		close(s->pidfd);
	s->sock = s->pidfd = -1;
	s->done = 0;
}

void sm_pool_free(sm_pool *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		retire(&p->slots[i], false);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	g_free(p->slots);
	g_free(p);
}

unsigned sm_pool_deadline_ms(const sm_daemon_conf *d, size_t size)
{
	unsigned long long mb = size > (1u << 20) ? ((size - 1) >> 20) : 0;
	unsigned long long s = (unsigned long long)d->worker_deadline +
			       mb * (unsigned long long)d->worker_deadline_per_mb;

	return s > 86400 ? 86400u * 1000 : (unsigned)(s * 1000);
}

/* How long a new worker may take to say it is ready. */
#define WORKER_START_MS 10000

static void deadline_at(struct timespec *t, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* Milliseconds left until t (0 when past). */
static int ms_left(const struct timespec *t)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(t->tv_sec - now.tv_sec) * 1000 + (t->tv_nsec - now.tv_nsec) / 1000000;
	return ms <= 0 ? 0 : ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

/* A free slot, waiting up to wait_ms; NULL when none came or stopping. */
static slot *take(sm_pool *p, unsigned wait_ms)
{
	struct timespec until;
	slot *s = NULL;
	size_t i;

	deadline_at(&until, wait_ms);
	pthread_mutex_lock(&p->mu);
	while (!p->stopping) {
		for (i = 0; i < p->n && !s; i++)
			if (!p->slots[i].busy)
				s = &p->slots[i];
		if (s || pthread_cond_timedwait(&p->cv, &p->mu, &until) == ETIMEDOUT)
			break;
	}
	if (s && !p->stopping) {
		s->busy = true;
		p->busy++;
		if (s->sock >= 0 && s->gen != p->gen)
			retire(s, false); /* started before a reload */
		s->gen = p->gen;
	} else
		s = NULL;
	pthread_mutex_unlock(&p->mu);
	return s;
}

static void give_back(sm_pool *p, slot *s, unsigned max_messages)
{
	pthread_mutex_lock(&p->mu);
	if (s->sock >= 0 && ++s->done >= max_messages)
		retire(s, false); /* replaced after worker_messages */
	s->busy = false;
	p->busy--;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* ------------------------------------------------------------ hand-off */

/* The envelope as NUL-ended strings; the flags say which are present. */
static GByteArray *env_bytes(const sm_envelope *env, sm_wreq *h)
{
	GByteArray *b = g_byte_array_new();
	const char *const *r;

	const char *fixed[3] = {env->queue_id, env->sender, env->client_addr};
	int i;

	h->flags = (env->queue_id ? SM_WREQ_QID : 0) | (env->sender ? SM_WREQ_SENDER : 0) |
		   (env->rcpts ? SM_WREQ_RCPTS : 0) | (env->client_addr ? SM_WREQ_CLIENT : 0);
	for (i = 0; i < 3; i++)
		g_byte_array_append(b, (const guint8 *)(fixed[i] ? fixed[i] : ""),
				    (guint)strlen(fixed[i] ? fixed[i] : "") + 1);
	for (r = env->rcpts; r && *r && b->len < SM_WREQ_MAX_ENV; r++, h->nrcpts++)
		g_byte_array_append(b, (const guint8 *)*r, (guint)strlen(*r) + 1);
	return b;
}

/* The bytes of iov (cnt pieces) after the first done: all sent, short
 * sends retried.  0 or -1. */
static int send_rest(int sock, const struct iovec *iov, int cnt, size_t done)
{
	for (int i = 0; i < cnt; i++) {
		const char *p = iov[i].iov_base;
		size_t len = iov[i].iov_len;

		if (done >= len) {
			done -= len;
			continue;
		}
		p += done;
		len -= done;
		done = 0;
		while (len > 0) {
			ssize_t n = send(sock, p, len, MSG_NOSIGNAL);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return -1;
			p += n;
			len -= (size_t)n;
		}
	}
	return 0;
}

/* 0; -1 with errno, *none: nothing of the request was sent.  msg_fd: the
 * worker's descriptor of the message, unless the message goes inline
 * (j->msg_mem: its bytes after the envelope, no descriptor but the spill
 * file's). */
static int send_job(int sock, const sm_pool_job *j, int msg_fd, unsigned cpu_s, bool *none)
{
	bool inl = j->msg_mem != NULL;
	int fds[2] = {msg_fd, j->spill_fd}, *fd = inl ? fds + 1 : fds;
	sm_wreq h = {SM_WREQ_MAGIC, 0, (int64_t)j->now, 0, 0, cpu_s, 0, (uint64_t)j->size};
	GByteArray *env = env_bytes(j->env, &h);
	char cbuf[CMSG_SPACE(sizeof(fds))] = {0};
	struct iovec iov[3] = {{&h, sizeof(h)}, {env->data, env->len},
			       {(void *)j->msg_mem, inl ? j->size : 0}};
	struct msghdr mh = {0};
	struct cmsghdr *c;
	ssize_t n, want;
	int rc = 0;

	*none = true;
	h.env_len = env->len;
	h.nfds = (inl ? 0 : 1) + (j->spill_fd >= 0);
	h.flags |= inl ? SM_WREQ_INLINE : 0;
	if (env->len > SM_WREQ_MAX_ENV || (inl && j->size > SM_WREQ_INLINE_MAX)) {
		g_byte_array_free(env, TRUE);
		errno = E2BIG;
		return -1;
	}
	mh.msg_iov = iov;
	mh.msg_iovlen = 3;
	if (h.nfds) {
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * h.nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * h.nfds);
		memcpy(CMSG_DATA(c), fd, sizeof(int) * h.nfds);
	}
	want = (ssize_t)(sizeof(h) + env->len + iov[2].iov_len);
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	*none = n <= 0;
	if (n > 0 && n < want) /* the rest of a long envelope or of the message */
		rc = send_rest(sock, iov, 3, (size_t)n);
	else if (n != want)
		rc = -1;
	g_byte_array_free(env, TRUE);
	return rc;
}

/* len bytes before the deadline: 0, -1 (EOF, error), 1 (deadline). */
static int read_until(int sock, void *buf, size_t len, const struct timespec *until)
{
	char *p = buf;

	while (len > 0) {
		struct pollfd pf = {sock, POLLIN, 0};
		int r = poll(&pf, 1, ms_left(until));
		ssize_t n;

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return 1;
		n = r < 0 ? -1 : read(sock, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The first bytes of the answer: a reply header and usually all of the
 * result (a few KiB), in one read. */
#define FIRST_READ 65536

/* Up to len bytes once readable before the deadline: the count, 0 at EOF,
 * -1 on error, -2 at the deadline.  wait: poll first (the answer cannot be
 * there yet: no recv that would only say EAGAIN). */
static ssize_t read_some(int sock, void *buf, size_t len, const struct timespec *until,
			 bool wait)
{
	for (;;) {
		struct pollfd pf = {sock, POLLIN, 0};
		ssize_t n;
		int r;

		if (!wait) {
			n = recv(sock, buf, len, MSG_DONTWAIT);
			if (n >= 0 || (errno != EAGAIN && errno != EINTR))
				return n;
		}
		wait = false;
		r = poll(&pf, 1, ms_left(until));
		if (r == 0)
			return -2;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

static sm_pool_status lost(const slot *s, int rc, char *err, size_t errlen)
{
	snprintf(err, errlen, rc > 0 ? "the scan passed its deadline; worker %d killed"
				     : "scanner worker %d died during the scan", (int)s->pid);
	return rc > 0 ? SM_POOL_DEADLINE : SM_POOL_DIED;
}

/* The worker's answer as a result. */
static sm_pool_status receive(slot *s, const sm_pool_job *j, const struct timespec *until,
			      sm_result **out, char *err, size_t errlen)
{
	char first[FIRST_READ], *buf = first;
	size_t have = 0, want = sizeof(sm_wrep);
	sm_wrep h;
	int rc = 0;

	while (rc == 0 && have < want) {
		ssize_t n = read_some(s->sock, first + have, sizeof(first) - have, until, have == 0);

		if (n <= 0)
			rc = n == -2 ? 1 : -1;
		else
			have += (size_t)n;
	}
	if (rc == 0) {
		memcpy(&h, first, sizeof(h));
		if (h.magic != SM_WREP_MAGIC || h.len > SM_WREP_MAX || have > sizeof(h) + h.len)
			rc = -1;
	}
	if (rc != 0)
		return lost(s, rc, err, errlen);
	if (sizeof(h) + h.len > sizeof(first)) {
		buf = g_malloc(sizeof(h) + h.len);
		memcpy(buf, first, have);
	}
	rc = read_until(s->sock, buf + have, sizeof(h) + h.len - have, until);
	if (rc == 0)
		*out = sm_result_unwire(j->pol, buf + sizeof(h), h.len, j->msg_fd, j->msg_mem,
					j->size, j->spill_fd, err, errlen);
	if (buf != first)
		g_free(buf);
	if (rc != 0)
		return lost(s, rc, err, errlen);
	return *out ? SM_POOL_OK : SM_POOL_DIED;
}

/* A new worker in slot s, ready: it said so once in its sandbox.  A worker
 * that cannot start costs no message a kill (-1 with err: on_failure). */
static int start_worker(sm_pool *p, slot *s, char *err, size_t errlen)
{
	struct timespec until;
	sm_whello h = {0, 0};
	char why[256] = "";
	int rc;

	if (sm_spawner_spawn(p->sp, &s->sock, &s->pidfd, &s->pid, err, errlen) < 0)
		return -1;
	deadline_at(&until, WORKER_START_MS);
	rc = read_until(s->sock, &h, sizeof(h), &until);
	if (rc == 0 && h.magic == SM_WHELLO_MAGIC && h.len == 0)
		return 0;
	if (rc == 0 && h.magic == SM_WHELLO_MAGIC && h.len < sizeof(why))
		read_until(s->sock, why, h.len, &until);
	snprintf(err, errlen, "scanner worker %d could not start: %s", (int)s->pid,
		 why[0] ? why : rc > 0 ? "no word within 10 s" : "it died");
	retire(s, true);
	return -1;
}

/* The message to the slot's worker, started if none runs.  A worker that
 * died while idle (the OOM killer, the spawner gone) is found by the send
 * itself (EPIPE: its end of the socket is closed, nothing was sent) and
 * replaced: not this message's doing.  0; -1 with errno (a failed send);
 * -2 with err (no worker could start). */
static int send_or_replace(sm_pool *p, slot *s, const sm_pool_job *j, int msg_fd,
			   unsigned cpu_s, char *err, size_t errlen)
{
	bool fresh = s->sock < 0, none;

	if (fresh && start_worker(p, s, err, errlen) < 0)
		return -2;
	if (send_job(s->sock, j, msg_fd, cpu_s, &none) == 0)
		return 0;
	if (fresh || !none || (errno != EPIPE && errno != ECONNRESET))
		return -1;
	retire(s, true);
	if (start_worker(p, s, err, errlen) < 0)
		return -2;
	return send_job(s->sock, j, msg_fd, cpu_s, &none);
}

/* The worker's descriptor of a file spool: read-only, a new open of the
 * same file (an O_TMPFILE or unlinked file has no other name), so a
 * subverted worker cannot cut or rewrite the message the daemon maps
 * afterwards.  Without /proc: the daemon's own descriptor, logged once. */
static int read_only_fd(sm_pool *p, int fd)
{
	char path[64];
	int ro;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	if (ro < 0 && g_atomic_int_compare_and_exchange(&p->ro_warned, 0, 1))
		sm_log(LOG_WARNING, "cannot reopen a spool file read-only through %s (%s): "
		       "scanner workers get read-write spool files (docs/hardening.md)", path,
		       strerror(errno));
	return ro;
}

/* The message to the slot's worker, started if none runs (one read-only
 * descriptor of a file spool per message, closed once sent; none for a
 * sealed memfd or a message sent inline). */
static int hand_over(sm_pool *p, slot *s, const sm_pool_job *j, unsigned cpu_s, char *err,
		     size_t errlen)
{
	int ro = j->msg_mem || j->msg_sealed ? -1 : read_only_fd(p, j->msg_fd), rc, e;

	rc = send_or_replace(p, s, j, ro >= 0 ? ro : j->msg_fd, cpu_s, err, errlen);
	e = errno;
	if (ro >= 0)
		close(ro);
	errno = e;
	return rc;
}

static sm_pool_status run(sm_pool *p, slot *s, const sm_pool_job *j, sm_result **out,
			  char *err, size_t errlen)
{
	const sm_daemon_conf *d = sm_policy_daemon(j->pol);
	unsigned ms = sm_pool_deadline_ms(d, j->size);
	struct timespec until;
	sm_pool_status st;
	int rc;

	rc = hand_over(p, s, j, (ms + 999) / 1000, err, errlen);
	if (rc == -2)
		return SM_POOL_ERROR;
	deadline_at(&until, ms);
	if (rc < 0) {
		snprintf(err, errlen, "cannot hand the message to worker %d: %s", (int)s->pid,
			 strerror(errno));
		retire(s, true);
		return SM_POOL_DIED;
	}
	st = receive(s, j, &until, out, err, errlen);
	if (st != SM_POOL_OK)
		retire(s, true);
	return st;
}

sm_pool_status sm_pool_scan(sm_pool *p, const sm_pool_job *j, sm_result **out, char *err,
			    size_t errlen)
{
	const sm_daemon_conf *d = sm_policy_daemon(j->pol);
	slot *s = take(p, (unsigned)d->scan_wait * 1000u);
	sm_pool_status st;

	*out = NULL;
	if (!s) {
		snprintf(err, errlen, "no scanner worker free within milter.scan_wait (%lld s; "
			 "milter.scan_workers %zu)", d->scan_wait, p->n);
		return SM_POOL_BUSY;
	}
	st = run(p, s, j, out, err, errlen);
	give_back(p, s, (unsigned)d->worker_messages);
	return st;
}

int sm_pool_start(sm_pool *p, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (start_worker(p, &p->slots[i], err, errlen) < 0)
			return -1;
	return 0;
}

void sm_pool_renew(sm_pool *p)
{
	size_t i;

	pthread_mutex_lock(&p->mu);
	p->gen++;
	for (i = 0; i < p->n; i++)
		if (!p->slots[i].busy)
			retire(&p->slots[i], false);
	pthread_mutex_unlock(&p->mu);
}

unsigned sm_pool_drain(sm_pool *p, unsigned timeout_ms)
{
	struct timespec until;
	unsigned left;

	deadline_at(&until, timeout_ms);
	pthread_mutex_lock(&p->mu);
	p->stopping = true;
	pthread_cond_broadcast(&p->cv);
	while (p->busy > 0 && pthread_cond_timedwait(&p->cv, &p->mu, &until) != ETIMEDOUT)
		;
	left = p->busy;
	pthread_mutex_unlock(&p->mu);
	return left;
}
