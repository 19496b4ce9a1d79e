/*
 * state.h - what the daemon shares with the milter callbacks: the current
 * policy (swapped on reload) and logging.  Implemented in daemon.c
 * (policy) and log.c (logging).
 */
#ifndef SM_STATE_H
#define SM_STATE_H

#include "scan.h"

#include <stdbool.h>
#include <syslog.h>

/* A new reference to the current policy (never NULL while running). */
sm_policy *sm_state_policy(void);

/* The scanner worker pool and the count of workers each message stopped
 * (daemon.c; never NULL while the daemon runs). */
struct sm_pool;
struct sm_poison;
struct sm_pool *sm_state_pool(void);
struct sm_poison *sm_state_poison(void);

/* End-of-message callbacks running (the SIGTERM drain waits for them):
 * adds delta, returns the new count. */
int sm_state_inflight(int delta);

/* Logging: syslog, or stderr in the foreground.  Printf-style. */
void sm_log_open(bool foreground, const char *facility);
void sm_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The audit log is audit.h. */

/* The libmilter callbacks (mlfi.c). */
struct smfiDesc;
const struct smfiDesc *sm_mlfi_desc(void);

#endif
