/*
 * pool.h - the scanner worker pool (pool.c): a fixed number of sandboxed
 * worker processes (milter.scan_workers, the scan concurrency), each
 * replaced after milter.worker_messages messages and killed when a message
 * passes its deadline.  A message is handed over as its spool descriptor
 * (SCM_RIGHTS), never copied; its result comes back in wire form.
 *
 * Thread-safe: every libmilter session thread scans through the one pool.
 */
#ifndef SM_POOL_H
#define SM_POOL_H

#include "scan.h"
#include "worker.h"

#include <stddef.h>
#include <time.h>

typedef struct sm_pool sm_pool;

typedef enum {
	SM_POOL_OK,       /* *out holds the result */
	SM_POOL_BUSY,     /* no worker free within milter.scan_wait, or stopping */
	SM_POOL_DEADLINE, /* the scan passed its deadline: the worker was killed */
	SM_POOL_DIED,     /* the worker died during the scan (signal, bad answer) */
	SM_POOL_ERROR,    /* no worker could be started, or the spool is unusable */
} sm_pool_status;

typedef struct sm_pool_job {
	sm_policy *pol;          /* the message's policy (deadline, waits) */
	int msg_fd;              /* the spool: the whole message from offset 0 */
	const void *msg_mem;     /* or the whole message in memory (at most
				  * SM_WREQ_INLINE_MAX bytes), sent as bytes;
				  * NULL: msg_fd */
	int spill_fd;            /* a file for large rewritten parts, or -1 */
	const sm_envelope *env;
	time_t now;
	size_t size;             /* bytes in msg_fd or msg_mem */
	bool msg_sealed;         /* msg_fd is a sealed memfd, handed over as it is;
				  * otherwise the worker gets a read-only one */
} sm_pool_job;

/* size workers, started on first use through the spawner (not owned). */
sm_pool *sm_pool_new(sm_spawner *sp, size_t size);
void sm_pool_free(sm_pool *p);

/* Start every worker now (at the daemon's start: a sandbox that cannot be
 * entered is an error then, not a failure of each message).  0, or -1 with
 * err. */
int sm_pool_start(sm_pool *p, char *err, size_t errlen);

/* The deadline of a message of size bytes, in milliseconds. */
unsigned sm_pool_deadline_ms(const sm_daemon_conf *d, size_t size);

/* Scan one message in a worker.  err says why for anything but OK. */
sm_pool_status sm_pool_scan(sm_pool *p, const sm_pool_job *j, sm_result **out, char *err,
			    size_t errlen);

/* A new configuration: idle workers are replaced, busy ones after their
 * message (the spawner already holds the new policy). */
void sm_pool_renew(sm_pool *p);

/* Stop handing out workers (later scans get BUSY at once) and wait up to
 * timeout_ms for the scans in flight.  Returns how many are still running. */
unsigned sm_pool_drain(sm_pool *p, unsigned timeout_ms);

#endif
