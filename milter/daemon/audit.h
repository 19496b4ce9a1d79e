/*
 * audit.h - the audit log (audit.c): the file, and the daemon's part of a
 * record (event id, time, host, action as applied).
 */
#ifndef SM_AUDIT_H
#define SM_AUDIT_H

#include "scan.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* milter.audit_fsync */
enum { SM_AUDIT_FSYNC_NONE = 0, SM_AUDIT_FSYNC_ALWAYS = 1, SM_AUDIT_FSYNC_SECOND = 2 };

/* Open (or reopen) path ("" or NULL: none); 0 or -1 with err. */
int sm_audit_open(const char *path, char *err, size_t errlen);
/* Append one line (a newline is added) whole, or nothing: 0, or -1 (logged).
 * No log open: 0.  fsync_mode is milter.audit_fsync. */
int sm_audit_write(const char *line, int fsync_mode);
void sm_audit_close(void);

/* A record: the daemon's fields, then the parser's content (a JSON object
 * from sm_result_audit_json, or NULL).  action: as applied; error: why
 * applying the verdict failed, or NULL.  g_free. */
char *sm_audit_record(const sm_daemon_conf *d, const char *content, const char *action,
		      const char *error);

/* The record of a support message the policy did not judge. */
typedef struct sm_audit_fail {
	const char *queue_id, *sender;
	const char *const *rcpts;  /* NULL-terminated, or NULL */
	const bool *support;       /* per recipient, or NULL */
	const char *policy_version;
	const char *action;        /* as applied */
	bool limit;                /* a limit, not an internal failure */
	const char *detail;        /* printable reason */
} sm_audit_fail;
char *sm_audit_failure_record(const sm_daemon_conf *d, const sm_audit_fail *f);

/* A ULID (26 characters) and an RFC 3339 time with milliseconds. */
void sm_audit_ulid(char out[27]);
void sm_audit_time(bool utc, char *out, size_t len);
/* The time of sec and ms (0-999) in the same form (tests). */
void sm_audit_time_at(bool utc, time_t sec, int ms, char *out, size_t len);

#endif
