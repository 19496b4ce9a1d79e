/*
 * gate_priv.h - the session gate's state and the helpers gate.c (the
 * thread, the allow-list, life) and gate_hook.c (what the accept() hook
 * does) share.  Not for other modules: they use gate.h.
 */
#ifndef SM_GATE_PRIV_H
#define SM_GATE_PRIV_H

#include "gate.h"

#include <glib.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/types.h>

#define GATE_PENDING_PER_SESSION 4
#define GATE_PENDING_MIN 64
/* How often live sessions are checked while the cap holds connections back. */
#define GATE_RECHECK_MS 50
/* The first command's length a connection must have buffered (libmilter
 * reads at most this much per command anyway). */
#define GATE_FIRST_MAX 65536
/* Bytes peeked at once: a first command this long needs no FIONREAD. */
#define GATE_PEEK 256

typedef struct net {
	int family;
	unsigned char addr[16];
	unsigned bits;
} net;

typedef struct conn {
	int fd;
	bool complete;      /* its first command is buffered (the inbox) */
	long long deadline; /* monotonic ms */
	struct sockaddr_storage sa;
	socklen_t salen;
} conn;

typedef struct session {
	int fd;
	ino_t ino;
} session;

struct sm_gate {
	int listen;      /* the real listening socket (-1 once closed; under mu) */
	int fake;        /* libmilter's descriptor number: an epoll of listen and qev */
	int qev;         /* eventfd counting the queue (semaphore) */
	int pend_ep;     /* epoll (in fake) of the early connections */
	int kick;        /* eventfd: wakes the gate thread */
	int ep;
	size_t max_sessions, max_pending;
	unsigned grace_ms;
	GArray *allow;   /* net */
	bool is_inet;
	pthread_t th;
	bool running, stop;
	bool closing;    /* SIGTERM: no more connections (set under wake_mu and mu) */
	bool shed;       /* out of descriptors: drop the oldest pending (under mu) */
	pthread_mutex_t mu; /* listen, inbox, queue, sessions, n_ready, shed */
	pthread_mutex_t wake_mu; /* closing, and the queue's eventfd while written */
	GArray *inbox;   /* conn: from the hook, for the gate thread */
	GArray *early;   /* conn: the hook's, waiting for their first command in
			  * pend_ep (under mu; the gate thread expires them) */
	long long wake_at; /* when the gate thread wakes at the latest (under mu) */
	GArray *pending; /* conn: waiting for their first command (gate thread only) */
	GArray *ready;   /* conn: admitted, waiting under the cap (gate thread only) */
	size_t n_ready;  /* ready->len as last published (under mu) */
	GQueue *queue;   /* conn *: handed to libmilter's accept() */
	GArray *sessions; /* session: handed over, still open */
};

long long sm_gate_now_ms(void);
/* May the peer at sa open a session (milter.allow, inet: sockets only). */
bool sm_gate_allowed(const sm_gate *g, const struct sockaddr_storage *sa);
void sm_gate_log_peer(int prio, const struct sockaddr_storage *sa, const char *what);
/* Close the connection at i of a (an array of conn) and remove it. */
void sm_gate_drop_at(GArray *a, guint i);
/* 1: the first command is in the buffer; 0: not yet; -1: closed or bad
 * (gate_peek.c). */
int sm_gate_first_command(int fd);
/* Forget sessions whose descriptor libmilter closed (under mu). */
void sm_gate_sweep(sm_gate *g);
/* Wake the gate thread. */
void sm_gate_kick(sm_gate *g);
/* The accept() hook's work on the gate's descriptor (gate_hook.c): a
 * connection for a session, or -1 with errno EAGAIN. */
int sm_gate_take(sm_gate *g, struct sockaddr *sa, socklen_t *len);

#endif
