/*
 * gate_hook.c - what libmilter's listener does through the accept() hook
 * (hooks.c) on the gate's descriptor (gate.c has the design): take the next
 * queued connection, or a waiting connection whose first command has just
 * completed (pend_ep), or a new one from the listening socket; return it
 * when a session may start, else leave it to pend_ep or the gate thread.
 *
 * Untrusted input: new connections and the first 4 bytes they send
 * (peeked).  Limits: max_sessions (room), connections waiting for their
 * first command (the oldest dropped beyond).  Runs on libmilter's listener
 * thread, everything under the gate's mu; never blocks on a peer.
 */
#include "gate_priv.h"
#include "state.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A session from now on (under mu). */
static int admit(sm_gate *g, const conn *c, struct sockaddr *sa, socklen_t *len)
{
	session s;
	struct stat st;

	memcpy(sa, &c->sa, MIN(*len, c->salen));
	*len = c->salen;
	s.fd = c->fd;
	s.ino = fstat(c->fd, &st) == 0 ? st.st_ino : 0;
	g_array_append_val(g->sessions, s);
	return c->fd;
}

/* Room for a session now, with nobody waiting before it (under mu). */
static bool room(sm_gate *g)
{
	if (g->queue->length || g->n_ready || g->inbox->len)
		return false;
	if (g->sessions->len >= g->max_sessions)
		sm_gate_sweep(g);
	return g->sessions->len < g->max_sessions;
}

/* A connection without its whole first command (under mu): watched in
 * pend_ep (in libmilter's epoll), so that the listener takes it when the
 * command completes; the oldest dropped beyond max_pending; the gate
 * thread's only if it cannot be watched.
 * 1: the gate thread must be woken (to take it, or for its deadline). */
static int wait_early(sm_gate *g, conn *c)
{
	struct epoll_event ev = {0};

	c->deadline = sm_gate_now_ms() + g->grace_ms;
	ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET; /* once per arrival */
	ev.data.fd = c->fd;
	if (g->early->len >= g->max_pending) {
		sm_gate_log_peer(LOG_WARNING, &g_array_index(g->early, conn, 0).sa,
			 "dropped: too many connections waiting for their first command");
		epoll_ctl(g->pend_ep, EPOLL_CTL_DEL, g_array_index(g->early, conn, 0).fd, NULL);
		sm_gate_drop_at(g->early, 0);
	}
	if (epoll_ctl(g->pend_ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
		g_array_append_val(g->inbox, *c);
		return 1;
	}
	g_array_append_val(g->early, *c);
	return c->deadline < g->wake_at;
}

/* An early connection with news (under mu): returned when its first
 * command is complete and a session may start; to the gate thread when it
 * is complete but must wait; closed when the peer went away; -1 unless
 * returned.  *tell: the gate thread must be woken. */
static int check_early(sm_gate *g, struct sockaddr *sa, socklen_t *len, bool *tell)
{
	struct epoll_event ev;
	guint i;
	int st, fd = -1;
	conn c;

	if (!g->early->len || epoll_wait(g->pend_ep, &ev, 1, 0) != 1)
		return -1;
	for (i = 0; i < g->early->len; i++)
		if (g_array_index(g->early, conn, i).fd == ev.data.fd)
			break;
	if (i == g->early->len || (st = sm_gate_first_command(ev.data.fd)) == 0)
		return -1;
	c = g_array_index(g->early, conn, i);
	g_array_remove_index(g->early, i);
	epoll_ctl(g->pend_ep, EPOLL_CTL_DEL, c.fd, NULL);
	if (st < 0)
		close(c.fd);
	else if (room(g))
		fd = admit(g, &c, sa, len);
	else {
		c.complete = true;
		g_array_append_val(g->inbox, c);
		*tell = true;
	}
	return fd;
}

/* A new connection from the socket (under mu): returned when it may start
 * a session at once, else given to the gate thread; -1 then, or when there
 * is none, refused, or no descriptor was left (*shed). */
static int take_new(sm_gate *g, struct sockaddr *sa, socklen_t *len, bool *shed, bool *tell)
{
	conn c = {0};
	int st;

	c.salen = sizeof(c.sa);
	/* blocking, as libmilter wants it: nothing here reads (MSG_PEEK |
	 * MSG_DONTWAIT and FIONREAD), so no fcntl before or after */
	c.fd = accept4(g->listen, (struct sockaddr *)&c.sa, &c.salen, SOCK_CLOEXEC);
	if (c.fd < 0) {
		*shed = errno == EMFILE || errno == ENFILE;
		g->shed |= *shed;
		return -1;
	}
	if (!sm_gate_allowed(g, &c.sa)) {
		sm_gate_log_peer(LOG_WARNING, &c.sa, "refused: not in milter.allow");
		close(c.fd);
		return -1;
	}
	st = sm_gate_first_command(c.fd); /* an MTA sends it at once: often here already */
	if (st < 0) {
		close(c.fd);
		return -1;
	}
	if (st > 0 && room(g))
		return admit(g, &c, sa, len);
	if (st == 0) {
		*tell |= wait_early(g, &c);
		return -1;
	}
	c.complete = true;
	c.deadline = sm_gate_now_ms() + g->grace_ms;
	g_array_append_val(g->inbox, c);
	*tell = true;
	return -1;
}

int sm_gate_take(sm_gate *g, struct sockaddr *sa, socklen_t *len)
{
	uint64_t v;
	conn *c;
	int cfd = -1;
	bool shed = false, tell = false;

	pthread_mutex_lock(&g->mu);
	c = g_queue_pop_head(g->queue);
	if (c) {
		if (read(g->qev, &v, sizeof(v)) < 0 && errno != EAGAIN)
			sm_log(LOG_ERR, "session gate: eventfd: %s", strerror(errno));
		cfd = admit(g, c, sa, len);
		g_free(c);
	} else if (!g->closing && g->listen >= 0) {
		cfd = check_early(g, sa, len, &tell);
		if (cfd < 0)
			cfd = take_new(g, sa, len, &shed, &tell);
	}
	tell |= shed;
	pthread_mutex_unlock(&g->mu);
	if (tell)
		sm_gate_kick(g);
	if (shed) { /* the gate thread frees one; no spinning meanwhile */
		struct timespec pause = {0, 10 * 1000000L};

		nanosleep(&pause, NULL);
	}
	if (cfd < 0)
		errno = EAGAIN;
	return cfd;
}
