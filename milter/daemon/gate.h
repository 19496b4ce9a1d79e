/*
 * gate.h - the session gate (gate.c): who may open a milter session, and
 * how many sessions run at once.
 *
 * libmilter starts one thread per accepted connection and keeps it until
 * the connection ends or its I/O timeout (milter.timeout) passes, so a peer
 * that connects and stalls holds a thread.  The gate owns the real
 * listening socket instead: a connection reaches libmilter only once its
 * first command has fully arrived (within milter.session_grace), from an
 * allowed address (milter.allow, for inet: sockets), and while fewer than
 * milter.max_sessions sessions run.  Waiting connections cost a descriptor,
 * not a thread.
 */
#ifndef SM_GATE_H
#define SM_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

typedef struct sm_gate sm_gate;

typedef struct sm_gate_conf {
	size_t max_sessions;
	unsigned grace_ms;
	const char *const *allow; /* networks for inet: sockets; NULL: loopback */
} sm_gate_conf;

/*
 * Take over the listening socket libmilter opened (found among the
 * process's descriptors: libmilter does not hand it out): libmilter's
 * descriptor number now polls a queue of admitted connections.  Starts the
 * gate's thread (call with the daemon's signals blocked).  NULL with err.
 */
sm_gate *sm_gate_start(const sm_gate_conf *c, char *err, size_t errlen);

/* Stop accepting: the listening socket is closed (SIGTERM). */
void sm_gate_close(sm_gate *g);

/* Keep libmilter's listener awake so that smfi_stop, called next, takes
 * effect at once instead of after its 5-second poll.  Only after
 * sm_gate_close and before smfi_stop (which closes the descriptor). */
void sm_gate_wake(sm_gate *g);

/* Stop the thread and close everything (after smfi_main returned). */
void sm_gate_free(sm_gate *g);

/* Sessions handed to libmilter and still open; connections waiting. */
void sm_gate_counts(sm_gate *g, size_t *live, size_t *waiting);

/* For the accept() libmilter calls (hooks.c): the next admitted connection
 * if fd is the gate's, else -1 with errno EAGAIN; *is_gate false when fd is
 * some other socket. */
int sm_gate_accept(int fd, struct sockaddr *sa, socklen_t *len, bool *is_gate);

#endif
