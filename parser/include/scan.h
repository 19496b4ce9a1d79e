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

/* The address space a scanner worker needs before its first message
 * (libraries, the compiled policy): a smaller share of max_scan_memory is
 * refused when the configuration loads. */
#define SM_WORKER_MIN_MEMORY (128 * 1024 * 1024)

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
	int audit_fsync;         /* 0 none, 1 after every record, 2 at most once a second */
	int audit_timezone;      /* record times: 0 local with its offset, 1 UTC */
	long long max_scan_memory; /* bytes all scanner workers may use: each gets
	                              max_scan_memory / scan_workers (RLIMIT_AS) */
	long long scan_wait;     /* seconds a message waits for a free worker */
	long long scan_workers;  /* scanner worker processes: the scan concurrency */
	long long worker_messages;   /* messages a worker scans before it is replaced */
	long long worker_deadline;   /* seconds a scan of a message under 1 MiB may take */
	long long worker_deadline_per_mb; /* seconds more per further MiB */
	long long worker_kills;  /* the same message stopped this many workers: 5xx */
	long long max_sessions;  /* MTA connections served at once; more wait */
	long long session_grace; /* seconds a new connection has to send its first command */
	long long drain_timeout; /* SIGTERM: seconds scans in flight may still take */
	char **allow;            /* inet: clients (addresses, networks); NULL: loopback */
	bool run_as_root;        /* start as root without milter.user: said explicitly */
	char *metrics_file;      /* Prometheus textfile, NULL or "" for none */
	long long metrics_interval; /* seconds between writes of metrics_file */
	long long summary_interval; /* seconds between syslog summary lines; 0: none */
} sm_daemon_conf;

/* The `notice` group: the sender's notice (docs/notice.md). */
typedef struct sm_notice_conf {
	bool enabled;
	int transport;           /* 0 sendmail (path -t), 1 smtp (loopback host:port) */
	char *sendmail;          /* path of sendmail(1) */
	char *smtp;              /* "127.0.0.1:25" */
	char *from;              /* From: of the notice */
	char *template_ja, *template_en; /* paths, or NULL for the built-in texts */
	char *severity_a_phone;  /* the number to call for severity A, or NULL */
	long long rate_limit;    /* notices per sender ... */
	long long rate_window;   /* ... per this many seconds */
	long long max_queue;     /* notices waiting to be sent; more are dropped (logged) */
	long long timeout;       /* seconds for one submission */
} sm_notice_conf;

/* Load and compile the configuration at path. NULL with err on any error. */
sm_policy *sm_policy_load(const char *path, char *err, size_t errlen);
sm_policy *sm_policy_ref(sm_policy *p);
void sm_policy_unref(sm_policy *p);

const sm_daemon_conf *sm_policy_daemon(const sm_policy *p);
const sm_notice_conf *sm_policy_notice(const sm_policy *p);
const sm_limits *sm_policy_limits(const sm_policy *p);
bool sm_policy_dry_run(const sm_policy *p);
sm_act sm_policy_on_failure(const sm_policy *p); /* tempfail, reject or accept(NONE) */
/* The action for an exceeded limit: on_permanent_limit for one the same
 * message always hits (size, parts, nesting, header bytes, archive bombs;
 * a reject then answers 552 5.3.4), on_limit for a transient one (the scan
 * deadline, memory, concurrency; 4xx by default). */
sm_act sm_policy_on_limit(const sm_policy *p, bool permanent);
sm_act sm_policy_on_unparseable(const sm_policy *p); /* reject or accept(NONE) */
const char *sm_policy_fp_key(const sm_policy *p); /* NULL: none (--test hashes with "") */
/* Why the daemon must not run with this policy's fingerprint key (missing,
 * unreadable, empty, well known, too short, readable by others), or NULL.
 * -n and --test work without a usable key and print this; the daemon
 * refuses to start or reload.  Never contains the key. */
const char *sm_policy_fp_key_problem(const sm_policy *p);
/* The configuration's version for audit records (16 hex digits of SHA-256). */
const char *sm_policy_version(const sm_policy *p);
/* Reply texts (printable ASCII) for a failure and for an exceeded limit. */
const char *sm_policy_failure_reply(const sm_policy *p);
const char *sm_policy_limit_reply(const sm_policy *p);

/* What `-n` warns about in a configuration that loads: policy_url still
 * the placeholder, exceptions expired at now.  NULL-terminated or NULL;
 * g_strfreev. */
char **sm_policy_warnings(const sm_policy *p, time_t now);
/* The configured policy URL (printable ASCII; the placeholder until set). */
const char *sm_policy_url(const sm_policy *p);

/* Is addr (bare or <bracketed>) one of the configured support recipients? */
bool sm_policy_is_support_rcpt(const sm_policy *p, const char *addr);

typedef struct sm_envelope {
	const char *queue_id;     /* may be NULL */
	const char *sender;       /* MAIL FROM, may be NULL */
	const char *const *rcpts; /* RCPT TO, NULL-terminated; NULL: treat as to support */
	const char *client_addr;  /* the SMTP client's IP address, or NULL (exceptions) */
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

/*
 * Build, once per process, what a first scan would build (tables, the
 * detectors' patterns, iconv modules) by scanning a built-in message; call
 * it in a parent before forking scanning workers.  0, or -1 if that scan
 * did not reach the detectors (failed, over a limit, or every detector
 * off).  Nothing is logged; the policy is not changed.
 */
int sm_scan_warm(sm_policy *p);
/*
 * sm_scan_fd, with the rewritten parts too large to keep in memory appended
 * to spill_fd (open for reading and writing; the caller keeps it) instead of
 * a file the scan creates in milter.spool_dir: a sandboxed scanner creates
 * no file.  spill_fd -1: sm_scan_fd.
 */
sm_result *sm_scan_fd_spill(sm_policy *p, int fd, int spill_fd, const sm_envelope *env,
			    time_t now);
/*
 * sm_scan_fd_spill for a descriptor the caller says holds size bytes from
 * offset 0 (a worker's request carries the daemon's spool size): a message
 * read into memory costs no fstat.  A file that holds fewer or more bytes
 * is never read past its end: the policy's failure action applies
 * (tempfail by default).
 */
sm_result *sm_scan_fd_sized(sm_policy *p, int fd, size_t size, int spill_fd,
			    const sm_envelope *env, time_t now);
/*
 * The message in buf (size bytes, g_malloc'ed with room for one more),
 * which the result owns from now on (freed with it), as sm_scan_fd_spill
 * scans a small message it read: a worker's message that came inline.
 */
sm_result *sm_scan_owned(sm_policy *p, void *buf, size_t size, int spill_fd,
			 const sm_envelope *env, time_t now);
void sm_result_free(sm_result *r);

/*
 * The wire form of a result: how a scanner process hands it to the milter
 * process.  sm_result_wire: the bytes (g_free), everything the accessors,
 * writers, JSON, audit record and summary below read.  sm_result_unwire: a
 * result from those bytes, for the message in msg_mem, or when msg_mem is
 * NULL in msg_fd (the milter's own spool, msg_len bytes from offset 0:
 * unchanged bytes and splices are written from it) with spilled parts in
 * spill_fd (-1: none; duplicated).  msg_mem and msg_fd are borrowed: they
 * must stay as they are while the result lives.  The bytes are not trusted: NULL with err when anything is out of
 * place.
 *
 * sm_result_load: the message read for the writers and the notice; for an
 * unwired result it is mapped at the first call (fstat, mmap), and a spool
 * that does not hold msg_len bytes, or a mapping that fails, is an error:
 * -1 with err, then the writers return -1 and no notice is made.  A caller
 * that must not fail after applying part of a verdict loads it first when
 * sm_result_reads_message says applying it reads the message (its body
 * changed, or a notice may be sent).
 */
void *sm_result_wire(const sm_result *r, size_t *len);
sm_result *sm_result_unwire(sm_policy *p, const void *buf, size_t len, int msg_fd,
			    const void *msg_mem, size_t msg_len, int spill_fd, char *err,
			    size_t errlen);
int sm_result_load(const sm_result *r, char *err, size_t errlen);
bool sm_result_reads_message(const sm_result *r);

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

/* Findings (one per value and place) and each one's detector id, for metrics. */
size_t sm_result_finding_count(const sm_result *r);
const char *sm_result_finding_detector(const sm_result *r, size_t i);

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
/*
 * The sender's notice (docs/notice.md) for this result, as a complete
 * message (LF line ends, UTF-8 body in base64) to the envelope sender, or
 * NULL with *why_not (notices off; nothing changed or rejected; a null
 * sender; an automatic reply, bulk mail or a loop; a support sender).
 * g_free.
 */
char *sm_result_notice(const sm_result *r, const char *queue_id, time_t now,
		       const char **why_not);

/* One printable line for syslog.  g_free. */
char *sm_result_summary(const sm_result *r);

#endif
