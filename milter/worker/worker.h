/*
 * worker.h - the scanner processes: a spawner, forked once from the daemon
 * before any thread exists, that forks sandboxed single-threaded workers on
 * request; and the protocol the daemon's pool (milter/daemon/pool.c) speaks
 * with a worker over its socketpair.
 *
 * The daemon never forks once libmilter's threads run (a fork copies locks
 * other threads hold).  The spawner is single-threaded and holds the
 * compiled policy, so a worker is a plain fork: no exec, no configuration
 * to read, the PCRE2 JIT code shared copy-on-write.  See docs/architecture.md.
 */
#ifndef SM_WORKER_H
#define SM_WORKER_H

#include "scan.h"

#include <stdint.h>
#include <sys/types.h>

/* ------------------------------------------------------------ the protocol */

#define SM_WREQ_MAGIC 0x32514d53u /* "SMQ2" */
#define SM_WREP_MAGIC 0x31504d53u /* "SMP1" */
/* The envelope strings of one request: 10,000 recipients of 1 KiB fit. */
#define SM_WREQ_MAX_ENV (16u * 1024 * 1024)
/* A result larger than this is refused by the daemon (it is a few KiB
 * unless many parts are rewritten in memory: bounded by the message). */
#define SM_WREP_MAX (256u * 1024 * 1024)

/* Daemon to worker: this header with SCM_RIGHTS [message fd, spill fd?],
 * then env_len bytes: queue id, sender, client address, the recipients,
 * each NUL-ended.  With SM_WREQ_INLINE the message's size bytes follow the
 * envelope instead of its descriptor (SCM_RIGHTS [spill fd?]): a message
 * the daemon's spool holds in memory, at most SM_WREQ_INLINE_MAX bytes. */
typedef struct sm_wreq {
	uint32_t magic;
	uint32_t nfds;        /* 1: the message; 2: and a spill file (inline:
	                         0, or 1 for a spill file) */
	int64_t now;          /* the scan's clock (time(NULL) in the daemon) */
	uint32_t env_len;
	uint32_t nrcpts;
	uint32_t cpu_seconds; /* CPU this message may use (RLIMIT_CPU) */
	uint32_t flags;       /* SM_WREQ_*: the envelope fields present (else NULL) */
	uint64_t size;        /* bytes in the message fd: a file of another size is
	                         a failure (sm_scan_fd_sized), never read past;
	                         inline: the bytes that follow the envelope */
} sm_wreq;

#define SM_WREQ_QID 1u
#define SM_WREQ_SENDER 2u
#define SM_WREQ_RCPTS 4u
#define SM_WREQ_CLIENT 8u
#define SM_WREQ_INLINE 16u /* the message follows the envelope */
#define SM_WREQ_INLINE_MAX (64u * 1024)

/* Worker to daemon, once after it started: ready (len 0), or len bytes
 * saying why it could not enter its sandbox (it exits then). */
#define SM_WHELLO_MAGIC 0x31484d53u /* "SMH1" */
typedef struct sm_whello {
	uint32_t magic;
	uint32_t len;
} sm_whello;

/* Worker to daemon: this header, then len bytes of sm_result_wire. */
typedef struct sm_wrep {
	uint32_t magic;
	uint32_t pad;
	uint64_t len;
} sm_wrep;

/* ------------------------------------------------------------ the spawner */

typedef struct sm_spawner sm_spawner;

/* Loads a configuration for the spawner on reload (the daemon's own loader,
 * so both load it alike).  NULL with err. */
typedef sm_policy *(*sm_spawner_load_fn)(const char *path, char *err, size_t errlen);
/* The daemon's logger (printf-style, made printable). */
typedef void (*sm_spawner_log_fn)(int prio, const char *fmt, ...);

/*
 * Fork the spawner with policy p (a reference is kept by the child only).
 * Call before any thread exists.  The spawner keeps only its control socket
 * and stdin/stdout/stderr open.  NULL with err.
 */
sm_spawner *sm_spawner_start(sm_policy *p, sm_spawner_load_fn load, sm_spawner_log_fn log,
			     char *err, size_t errlen);

/*
 * A new worker (thread-safe).  *sock: the daemon's end of its socketpair;
 * *pidfd: a descriptor to kill it with (pidfd_send_signal); *pid for logs.
 * 0, or -1 with err.
 */
int sm_spawner_spawn(sm_spawner *s, int *sock, int *pidfd, pid_t *pid, char *err,
		     size_t errlen);

/* The spawner loads path again; later workers scan with that policy.
 * 0, or -1 with err (the spawner keeps the policy it had). */
int sm_spawner_reload(sm_spawner *s, const char *path, char *err, size_t errlen);

/* Stop the spawner (its workers end when their sockets close). */
void sm_spawner_stop(sm_spawner *s);

/* The control socket, for poll(2) with no events: POLLHUP when the spawner
 * is gone (the daemon cannot fork another once it has threads). */
int sm_spawner_fd(const sm_spawner *s);

/* ------------------------------------------------------------ inside */

/* The worker's life (worker.c): sandbox, then scan until the socket closes.
 * Never returns. */
void sm_worker_main(sm_policy *p, int sock) __attribute__((noreturn));

/* Rlimits and the seccomp filter (sandbox.c): address space mem bytes, no
 * core, no new files or sockets, no exec.  0, or -1 with err. */
int sm_sandbox_enter(size_t mem, char *err, size_t errlen);

/* Warm what the libraries load lazily from files (charset converters), in
 * the spawner, so that a sandboxed worker never needs to open one. */
void sm_sandbox_preload(void);

#endif
