/*
 * gate.c - the session gate (gate.h); the accept() hook's side is gate_hook.c,
 * the state both share gate_priv.h.
 *
 * libmilter's listening descriptor number becomes an epoll instance that
 * holds the real listening socket and an eventfd counting a queue of
 * admitted connections; libmilter's listener polls it and calls accept(),
 * which comes here (hooks.c, sm_gate_accept).  The common case costs no
 * other thread: the hook accepts (non-blocking), drops a peer outside
 * milter.allow, and returns the connection at once when its first milter
 * command is wholly in the socket buffer (gate_peek.c), fewer than max_sessions sessions run and nobody waits
 * before it.  A connection whose first command is not yet whole waits in
 * a third epoll inside libmilter's (pend_ep, edge-triggered: once per
 * arrival), so that the listener takes it too when the command completes;
 * the gate thread only closes such connections when milter.session_grace
 * passes (the hook wakes it when a deadline is earlier than its own).  A
 * complete connection that must wait under the cap goes to the gate's
 * thread (the inbox): it holds admitted ones while max_sessions sessions
 * run (their grace still runs) and queues them for libmilter (the eventfd
 * wakes its listener); it also watches a connection pend_ep could not
 * take (pending, as before).  A session is counted until
 * libmilter closes its descriptor (checked by inode, so a reused
 * descriptor number is not mistaken for it).
 *
 * Untrusted input: connections from anyone who can reach the socket, and
 * the first 4 bytes they send (peeked, not consumed).  Limits: max_sessions,
 * session_grace, connections waiting for their first command
 * (GATE_PENDING_PER_SESSION x max_sessions, the oldest dropped beyond).  Locks: mu guards the real
 * listening socket, the inbox, the queue, the sessions and the counts the
 * hook reads; wake_mu (taken before mu) orders the closing against the
 * queue's wake-ups.  Ownership: the gate owns the real listening socket,
 * the pending and queued connections, its eventfds; its pointer is the one
 * global hooks.c needs (set once at start).
 */
#include "gate_priv.h"
#include "state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static sm_gate *the_gate; /* for the accept() hook (hooks.c) */

long long sm_gate_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ allow-list */

static bool parse_net(const char *s, net *n)
{
	char *a = g_strdup(s), *slash = strchr(a, '/');
	bool ok;

	memset(n, 0, sizeof(*n));
	if (slash)
		*slash++ = '\0';
	n->family = strchr(a, ':') ? AF_INET6 : AF_INET;
	n->bits = slash ? (unsigned)atoi(slash) : (n->family == AF_INET ? 32 : 128);
	ok = inet_pton(n->family, a, n->addr) == 1 && n->bits <= (n->family == AF_INET ? 32u : 128u);
	g_free(a);
	return ok;
}

static bool in_net(const net *n, const unsigned char *a, int family)
{
	unsigned full = n->bits / 8, rest = n->bits % 8;

	if (family != n->family || memcmp(a, n->addr, full) != 0)
		return false;
	return !rest || ((a[full] ^ n->addr[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

bool sm_gate_allowed(const sm_gate *g, const struct sockaddr_storage *sa)
{
	const unsigned char *a;
	unsigned char v4[4];
	int family = sa->ss_family;
	guint i;

	if (!g->is_inet)
		return true; /* a unix socket: its mode and owner decide */
	if (family == AF_INET)
		a = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
	else if (family == AF_INET6) {
		a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)a)) {
			memcpy(v4, a + 12, 4);
			a = v4;
			family = AF_INET;
		}
	} else
		return false;
	for (i = 0; i < g->allow->len; i++)
		if (in_net(&g_array_index(g->allow, net, i), a, family))
			return true;
	return false;
}

static int load_allow(sm_gate *g, const char *const *allow, char *err, size_t errlen)
{
	static const char *const loopback[] = {"127.0.0.0/8", "::1", NULL};
	const char *const *a = allow && allow[0] ? allow : loopback;
	net n;

	g->allow = g_array_new(FALSE, FALSE, sizeof(net));
	for (; *a; a++) {
		if (!parse_net(*a, &n)) {
			snprintf(err, errlen, "milter.allow: '%s' is not an address or network", *a);
			return -1;
		}
		g_array_append_val(g->allow, n);
	}
	return 0;
}

/* ------------------------------------------------------------ connections */

void sm_gate_log_peer(int prio, const struct sockaddr_storage *sa, const char *what)
{
	char host[INET6_ADDRSTRLEN] = "local";

	if (sa->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, host, sizeof(host));
	else if (sa->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, host, sizeof(host));
	sm_log(prio, "connection from %s %s", host, what);
}

void sm_gate_drop_at(GArray *a, guint i)
{
	close(g_array_index(a, conn, i).fd);
	g_array_remove_index(a, i);
}

/* A connection still waiting for its first command: watched for it. */
static void add_pending(sm_gate *g, const conn *c)
{
	struct epoll_event ev = {0};

	if (g->pending->len >= g->max_pending) {
		sm_gate_log_peer(LOG_WARNING, &g_array_index(g->pending, conn, 0).sa,
			 "dropped: too many connections waiting for their first command");
		epoll_ctl(g->ep, EPOLL_CTL_DEL, g_array_index(g->pending, conn, 0).fd, NULL);
		sm_gate_drop_at(g->pending, 0);
	}
	/* edge-triggered: a partial first command wakes the thread once per
	 * arrival, not in a loop until it completes */
	ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
	ev.data.fd = c->fd;
	epoll_ctl(g->ep, EPOLL_CTL_ADD, c->fd, &ev);
	g_array_append_val(g->pending, *c);
}

/* The hook's connections to pending or ready; the oldest pending dropped
 * when the hook ran out of descriptors. */
static void take_inbox(sm_gate *g)
{
	GArray *in;
	bool shed;
	guint i;

	pthread_mutex_lock(&g->mu);
	in = g->inbox;
	g->inbox = g_array_new(FALSE, FALSE, sizeof(conn));
	shed = g->shed;
	g->shed = false;
	for (i = 0; i < in->len; i++) /* the hook admits none ahead of them */
		g->n_ready += g_array_index(in, conn, i).complete;
	pthread_mutex_unlock(&g->mu);
	if (shed && g->pending->len) {
		epoll_ctl(g->ep, EPOLL_CTL_DEL, g_array_index(g->pending, conn, 0).fd, NULL);
		sm_gate_drop_at(g->pending, 0);
	} else if (shed) {
		pthread_mutex_lock(&g->mu);
		if (g->early->len) {
			epoll_ctl(g->pend_ep, EPOLL_CTL_DEL, g_array_index(g->early, conn, 0).fd, NULL);
			sm_gate_drop_at(g->early, 0);
		}
		pthread_mutex_unlock(&g->mu);
	}
	for (i = 0; i < in->len; i++) {
		const conn *c = &g_array_index(in, conn, i);

		if (c->complete)
			g_array_append_val(g->ready, *c);
		else
			add_pending(g, c);
	}
	g_array_free(in, TRUE);
}

static void check_pending(sm_gate *g, int fd)
{
	guint i;
	int st;

	for (i = 0; i < g->pending->len; i++)
		if (g_array_index(g->pending, conn, i).fd == fd)
			break;
	if (i == g->pending->len)
		return;
	st = sm_gate_first_command(fd);
	if (st == 0)
		return;
	epoll_ctl(g->ep, EPOLL_CTL_DEL, fd, NULL);
	if (st > 0)
		g_array_append_val(g->ready, g_array_index(g->pending, conn, i));
	else
		close(fd);
	g_array_remove_index(g->pending, i);
}

/* Pending and waiting connections past their grace. */
static void expire(sm_gate *g, long long now)
{
	guint i;

	pthread_mutex_lock(&g->mu);
	for (i = g->early->len; i-- > 0;)
		if (g_array_index(g->early, conn, i).deadline <= now) {
			epoll_ctl(g->pend_ep, EPOLL_CTL_DEL, g_array_index(g->early, conn, i).fd, NULL);
			sm_gate_drop_at(g->early, i);
		}
	pthread_mutex_unlock(&g->mu);

	for (i = g->pending->len; i-- > 0;)
		if (g_array_index(g->pending, conn, i).deadline <= now) {
			epoll_ctl(g->ep, EPOLL_CTL_DEL, g_array_index(g->pending, conn, i).fd, NULL);
			sm_gate_drop_at(g->pending, i);
		}
	for (i = g->ready->len; i-- > 0;)
		if (g_array_index(g->ready, conn, i).deadline <= now) {
			sm_gate_log_peer(LOG_WARNING, &g_array_index(g->ready, conn, i).sa,
				 "dropped: milter.max_sessions sessions busy for milter.session_grace");
			sm_gate_drop_at(g->ready, i);
		}
}

/* ------------------------------------------------------------ sessions */

/* Forget sessions whose descriptor libmilter closed (under mu). */
void sm_gate_sweep(sm_gate *g)
{
	guint i;

	for (i = g->sessions->len; i-- > 0;) {
		const session *s = &g_array_index(g->sessions, session, i);
		struct stat st;

		if (fstat(s->fd, &st) < 0 || st.st_ino != s->ino)
			g_array_remove_index_fast(g->sessions, i);
	}
}

/* Ready connections to libmilter while sessions are under the cap: queued
 * under mu, then libmilter woken once for all of them (the eventfd counts
 * them) under wake_mu only, so that its listener, woken at once, does not
 * find mu still held. */
static void hand_over(sm_gate *g)
{
	uint64_t n = 0;

	pthread_mutex_lock(&g->wake_mu);
	if (g->closing) { /* libmilter may close its descriptor from now on */
		pthread_mutex_unlock(&g->wake_mu);
		return;
	}
	pthread_mutex_lock(&g->mu);
	if (!g->ready->len) { /* expired since */
		g->n_ready = 0;
		pthread_mutex_unlock(&g->mu);
		pthread_mutex_unlock(&g->wake_mu);
		return;
	}
	if (g->sessions->len + g->queue->length >= g->max_sessions)
		sm_gate_sweep(g);
	while (g->ready->len && g->sessions->len + g->queue->length < g->max_sessions) {
		conn *c = g_new(conn, 1);

		*c = g_array_index(g->ready, conn, 0);
		g_array_remove_index(g->ready, 0);
		g_queue_push_tail(g->queue, c);
		n++;
	}
	g->n_ready = g->ready->len;
	pthread_mutex_unlock(&g->mu);
	if (n && write(g->qev, &n, sizeof(n)) != sizeof(n))
		sm_log(LOG_ERR, "session gate: cannot wake libmilter: %s", strerror(errno));
	pthread_mutex_unlock(&g->wake_mu);
}

/* SIGTERM: the listening socket and every connection not yet handed over
 * are closed (the MTA retries them elsewhere or later). */
static void shut(sm_gate *g)
{
	pthread_mutex_lock(&g->mu);
	if (g->listen >= 0) {
		epoll_ctl(g->fake, EPOLL_CTL_DEL, g->listen, NULL);
		close(g->listen);
		g->listen = -1;
	}
	while (g->early->len) {
		epoll_ctl(g->pend_ep, EPOLL_CTL_DEL, g_array_index(g->early, conn, 0).fd, NULL);
		sm_gate_drop_at(g->early, 0);
	}
	pthread_mutex_unlock(&g->mu);
	take_inbox(g);
	while (g->pending->len) {
		epoll_ctl(g->ep, EPOLL_CTL_DEL, g_array_index(g->pending, conn, 0).fd, NULL);
		sm_gate_drop_at(g->pending, 0);
	}
	while (g->ready->len)
		sm_gate_drop_at(g->ready, 0);
}

static long long earliest(const GArray *a, long long t)
{
	guint i;

	for (i = 0; i < a->len; i++) {
		long long d = g_array_index(a, conn, i).deadline;

		t = d < t ? d : t;
	}
	return t;
}

/* How long the thread may sleep: until a deadline of the pending or early
 * connections, GATE_RECHECK_MS while some wait under the cap; published in
 * wake_at so that the hook wakes it for an earlier deadline. */
static int timeout_ms(sm_gate *g, long long now)
{
	long long t = earliest(g->pending, LLONG_MAX);

	if (g->ready->len && t > now + GATE_RECHECK_MS)
		t = now + GATE_RECHECK_MS;
	pthread_mutex_lock(&g->mu);
	t = earliest(g->early, t);
	g->wake_at = t;
	pthread_mutex_unlock(&g->mu);
	if (t == LLONG_MAX)
		return -1;
	return t <= now ? 0 : t - now > 0x7fffffff ? 0x7fffffff : (int)(t - now);
}

static void *gate_thread(void *arg)
{
	sm_gate *g = arg;
	struct epoll_event evs[64];

	while (!g->stop) {
		int n = epoll_wait(g->ep, evs, 64, timeout_ms(g, sm_gate_now_ms())), i;

		for (i = 0; i < n; i++) {
			uint64_t v;

			if (evs[i].data.fd == g->kick) {
				/* a wake-up: closing, stopping or a session ended */
				if (read(g->kick, &v, sizeof(v)) < 0 && errno != EAGAIN)
					g->stop = true;
			} else
				check_pending(g, evs[i].data.fd);
		}
		take_inbox(g);
		if (g->closing)
			shut(g);
		expire(g, sm_gate_now_ms());
		hand_over(g);
	}
	return NULL;
}

/* ------------------------------------------------------------ life */

static int listener_fd(bool *inet)
{
	int fd;

	for (fd = 0; fd < 1024; fd++) {
		struct sockaddr_storage sa;
		socklen_t len = sizeof(sa), olen = sizeof(int);
		int on = 0;

		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &olen) < 0 || !on ||
		    getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
			continue;
		*inet = sa.ss_family == AF_INET || sa.ss_family == AF_INET6;
		return fd;
	}
	return -1;
}

static int watch(int ep, int fd)
{
	struct epoll_event ev = {0};

	ev.events = EPOLLIN;
	ev.data.fd = fd;
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* libmilter's descriptor number becomes an epoll instance watching the
 * socket (now ours, non-blocking) and the queue's eventfd. */
static int take_listener(sm_gate *g, char *err, size_t errlen)
{
	int lfd = listener_fd(&g->is_inet), ep;

	if (lfd < 0) {
		snprintf(err, errlen, "session gate: libmilter's listening socket not found");
		return -1;
	}
	g->listen = fcntl(lfd, F_DUPFD_CLOEXEC, 3);
	g->qev = eventfd(0, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	ep = epoll_create1(EPOLL_CLOEXEC);
	g->pend_ep = epoll_create1(EPOLL_CLOEXEC);
	if (g->listen < 0 || g->qev < 0 || ep < 0 || g->pend_ep < 0 || watch(ep, g->pend_ep) < 0 ||
	    fcntl(g->listen, F_SETFL, fcntl(g->listen, F_GETFL) | O_NONBLOCK) < 0 ||
	    watch(ep, g->listen) < 0 || watch(ep, g->qev) < 0 || dup3(ep, lfd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "session gate: %s", strerror(errno));
		if (ep >= 0)
			close(ep);
		return -1;
	}
	close(ep);
	g->fake = lfd;
	return 0;
}

sm_gate *sm_gate_start(const sm_gate_conf *c, char *err, size_t errlen)
{
	sm_gate *g = g_new0(sm_gate, 1);

	g->listen = g->fake = g->qev = g->pend_ep = g->kick = g->ep = -1;
	g->wake_at = LLONG_MAX;
	g->max_sessions = c->max_sessions;
	g->max_pending = MAX(GATE_PENDING_MIN, GATE_PENDING_PER_SESSION * c->max_sessions);
	g->grace_ms = c->grace_ms;
	g->inbox = g_array_new(FALSE, FALSE, sizeof(conn));
	g->early = g_array_new(FALSE, FALSE, sizeof(conn));
	g->pending = g_array_new(FALSE, FALSE, sizeof(conn));
	g->ready = g_array_new(FALSE, FALSE, sizeof(conn));
	g->sessions = g_array_new(FALSE, FALSE, sizeof(session));
	g->queue = g_queue_new();
	pthread_mutex_init(&g->mu, NULL);
	pthread_mutex_init(&g->wake_mu, NULL);
	if (load_allow(g, c->allow, err, errlen) < 0 || take_listener(g, err, errlen) < 0)
		goto fail;
	g->kick = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	g->ep = epoll_create1(EPOLL_CLOEXEC);
	if (g->kick < 0 || g->ep < 0 || watch(g->ep, g->kick) < 0 ||
	    pthread_create(&g->th, NULL, gate_thread, g) != 0) {
		snprintf(err, errlen, "session gate: %s", strerror(errno));
		goto fail;
	}
	g->running = true;
	the_gate = g;
	return g;
fail:
	sm_gate_free(g);
	return NULL;
}

void sm_gate_kick(sm_gate *g)
{
	uint64_t one = 1;

	if (g->kick >= 0 && write(g->kick, &one, sizeof(one)) < 0)
		sm_log(LOG_ERR, "session gate: cannot wake its thread: %s", strerror(errno));
}

void sm_gate_close(sm_gate *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->wake_mu);
	pthread_mutex_lock(&g->mu);
	g->closing = true; /* the hook takes no new connection from now on */
	pthread_mutex_unlock(&g->mu);
	pthread_mutex_unlock(&g->wake_mu);
	sm_gate_kick(g);
}

/* A count left in the eventfd: libmilter's poll returns at once and its
 * accept() gets EAGAIN until smfi_stop has closed the descriptor (which
 * waits for the listener's mutex, held across that poll). */
void sm_gate_wake(sm_gate *g)
{
	uint64_t one = 1;

	if (g && g->qev >= 0 && write(g->qev, &one, sizeof(one)) < 0)
		sm_log(LOG_ERR, "session gate: cannot wake libmilter: %s", strerror(errno));
}

void sm_gate_counts(sm_gate *g, size_t *live, size_t *waiting)
{
	pthread_mutex_lock(&g->mu);
	sm_gate_sweep(g);
	*live = g->sessions->len + g->queue->length;
	*waiting = g->n_ready + g->inbox->len;
	pthread_mutex_unlock(&g->mu);
}

int sm_gate_accept(int fd, struct sockaddr *sa, socklen_t *len, bool *is_gate)
{
	sm_gate *g = the_gate;

	*is_gate = g && fd == g->fake;
	return *is_gate ? sm_gate_take(g, sa, len) : -1;
}

void sm_gate_free(sm_gate *g)
{
	conn *c;
	guint i;

	if (!g)
		return;
	if (g->running) {
		g->stop = true;
		sm_gate_kick(g);
		pthread_join(g->th, NULL);
	}
	if (the_gate == g)
		the_gate = NULL;
	for (i = 0; i < g->inbox->len; i++)
		close(g_array_index(g->inbox, conn, i).fd);
	for (i = 0; i < g->early->len; i++)
		close(g_array_index(g->early, conn, i).fd);
	for (i = 0; i < g->pending->len; i++)
		close(g_array_index(g->pending, conn, i).fd);
	for (i = 0; i < g->ready->len; i++)
		close(g_array_index(g->ready, conn, i).fd);
	while ((c = g_queue_pop_head(g->queue))) {
		close(c->fd);
		g_free(c);
	}
	if (g->listen >= 0)
		close(g->listen);
	if (g->kick >= 0)
		close(g->kick);
	if (g->qev >= 0)
		close(g->qev);
	if (g->pend_ep >= 0)
		close(g->pend_ep);
	if (g->ep >= 0)
		close(g->ep);
	g_array_free(g->inbox, TRUE);
	g_array_free(g->early, TRUE);
	g_array_free(g->pending, TRUE);
	g_array_free(g->ready, TRUE);
	g_array_free(g->sessions, TRUE);
	g_queue_free(g->queue);
	if (g->allow)
		g_array_free(g->allow, TRUE);
	pthread_mutex_destroy(&g->mu);
	pthread_mutex_destroy(&g->wake_mu);
	g_free(g);
}
