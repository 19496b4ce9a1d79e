/*
 * scan.h - where the milter meets the parser: load a policy, scan one
 * spooled message, read the verdict.  The --test mode and the daemon call
 * exactly these functions: one code path.
 *
 * No GMime, PCRE2 or libmilter types cross this header.
 */
#ifndef SM_SCAN_H
#define SM_SCAN_H

#include "sm.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct sm_policy sm_policy;
typedef struct sm_result sm_result;

/* Daemon settings from the `milter` group (read-only, owned by the policy). */
typedef struct sm_daemon_conf {
	char *socket;            /* "unix:/path" or "inet:port@addr" */
	long long socket_mode;   /* for unix sockets, e.g. 0660 */
	char *socket_owner;      /* "user[:group]" or NULL */
	char *user;              /* run as "user[:group]" or NULL */
	char *pidfile;
	char *spool_dir;
	long long spool_threshold;   /* bytes kept in memory before spooling to a file */
	char *audit_log;         /* path, NULL or "" for none */
	char *syslog_facility;
	long long timeout;       /* libmilter I/O timeout, seconds */
	long long backlog;
	bool summary_syslog;     /* one syslog line per decision */
	int audit_failure;       /* audit record not written: 0 tempfail, 1 accept */
	long long max_scan_memory; /* bytes being scanned at once, all connections */
	long long scan_wait;     /* seconds a message waits for scan memory */
} sm_daemon_conf;

/* Load and compile the configuration at path. NULL with err on any error. */
sm_policy *sm_policy_load(const char *path, char *err, size_t errlen);
sm_policy *sm_policy_ref(sm_policy *p);
void sm_policy_unref(sm_policy *p);

const sm_daemon_conf *sm_policy_daemon(const sm_policy *p);
const sm_limits *sm_policy_limits(const sm_policy *p);
bool sm_policy_dry_run(const sm_policy *p);
sm_act sm_policy_on_failure(const sm_policy *p); /* tempfail, reject or accept(NONE) */
const char *sm_policy_fp_key(const sm_policy *p);
/* The action for an exceeded limit: on_permanent_limit for one the same
 * message always hits (size, parts, nesting, header bytes, archive bombs;
 * a reject then answers 552 5.3.4), on_limit for a transient one (the scan
 * deadline, memory, concurrency; 4xx by default). */
sm_act sm_policy_on_limit(const sm_policy *p, bool permanent);
/* Reply texts (printable ASCII) for a failure and for an exceeded limit. */
const char *sm_policy_failure_reply(const sm_policy *p);
const char *sm_policy_limit_reply(const sm_policy *p);

/* Is addr (bare or <bracketed>) one of the configured support recipients? */
bool sm_policy_is_support_rcpt(const sm_policy *p, const char *addr);

typedef struct sm_envelope {
	const char *queue_id;     /* may be NULL */
	const char *sender;       /* MAIL FROM, may be NULL */
	const char *const *rcpts; /* RCPT TO, NULL-terminated; NULL: treat as to support */
} sm_envelope;

/*
 * Scan one complete message (headers, empty line, body; CRLF or LF) held in
 * memory or in a seekable file descriptor (read from offset 0, not closed).
 * Never returns NULL: an internal error or an exceeded limit becomes a
 * result whose verdict follows the configured action.
 */
sm_result *sm_scan_mem(sm_policy *p, const void *buf, size_t len, const sm_envelope *env,
		       time_t now);
sm_result *sm_scan_fd(sm_policy *p, int fd, const sm_envelope *env, time_t now);
void sm_result_free(sm_result *r);

sm_verdict sm_result_verdict(const sm_result *r);
/* For REJECT / TEMPFAIL: "550", "5.7.1", text (printable ASCII); else NULLs. */
void sm_result_reply(const sm_result *r, const char **code, const char **xcode,
		     const char **text);
/* True when the policy failed (internal error, limit) rather than decided. */
bool sm_result_failed(const sm_result *r);

/*
 * Header edits for a delivered message.  op 'A': add name: value at the end
 * of the header block; op 'C': change the index-th (1-based) field called
 * name to value (raw, already RFC 2047-encoded where needed).
 */
size_t sm_result_header_count(const sm_result *r);
void sm_result_header(const sm_result *r, size_t i, char *op, const char **name,
		      const char **value, int *index);

/* Recipients to add (NULL-terminated; may be empty). */
const char *const *sm_result_add_rcpts(const sm_result *r);

/* The body changed: the milter must replace it. */
bool sm_result_body_changed(const sm_result *r);

typedef int (*sm_write_fn)(void *ud, const void *buf, size_t len); /* 0 or -1 */

/* The new body (bytes after the header block), in chunks.  0 or -1. */
int sm_result_write_body(const sm_result *r, sm_write_fn fn, void *ud);
/* The complete message as delivered (header edits applied).  0 or -1. */
int sm_result_write_message(const sm_result *r, sm_write_fn fn, void *ud);

/* The --test JSON object (one line, no newline).  g_free. */
char *sm_result_json(const sm_result *r);
/* The audit record (one JSON line, no newline): envelope, Message-ID, SR,
 * action, reply, findings with fingerprints, rule outcomes.  g_free. */
char *sm_result_audit_json(const sm_result *r, const sm_envelope *env, time_t now);
/* One printable line for syslog.  g_free. */
char *sm_result_summary(const sm_result *r);

#endif
