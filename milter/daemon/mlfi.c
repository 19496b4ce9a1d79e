/*
 * mlfi.c - the libmilter callbacks: decide early whether a message is
 * support mail, spool it, scan it at end of message, apply the verdict.
 *
 * Untrusted input: everything the MTA relays from the SMTP client (envelope
 * addresses, header fields, body chunks).  Limits: recipients kept per
 * message (SM_MAX_RCPTS), the message size (max_message_bytes, enforced by
 * the spool), memory per message (spool_threshold).  The scan runs in a
 * sandboxed worker process (pool.c): one that is not free within
 * scan_wait, a message too large for a worker's share of max_scan_memory
 * and a scan past its deadline are transient limits (4xx whatever
 * limits.on_limit says); a worker that dies takes policy.on_failure for
 * its message, and a message that stopped milter.worker_kills workers is
 * refused for good (5xx).  Other limits are decided by limits.on_limit,
 * never a silent cut.  Internal errors take policy.on_failure (tempfail by
 * default): support mail is never delivered unscanned unless the
 * administrator said accept.
 * Ownership: a connection context (mlfi_conn, smfi_setpriv) owns the message
 * context (mlfi_msg), which owns a policy reference taken at MAIL FROM, the
 * envelope copies and the spool.  Both are freed in one place each.
 * SMFIS_* codes are produced only by verdict_status(), fail_status() and
 * audit_tempfail().
 */
#include "audit.h"
#include "metrics.h"
#include "notice.h"
#include "poison.h"
#include "pool.h"
#include "reply.h"
#include "spool.h"
#include "state.h"

#include <arpa/inet.h>
#include <glib.h>
#include <libmilter/mfapi.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Recipients kept per message; Postfix's default smtpd_recipient_limit is 1000. */
#define SM_MAX_RCPTS 10000
/* smfi_replacebody is called with at most this many bytes at a time. */
#define SM_BODY_CHUNK 65536

#define SM_ACTIONS (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | SMFIF_QUARANTINE)
/* Steps we do not need, and replies the MTA need not wait for. */
/* (connect is kept: the client address decides header exceptions) */
#define SM_STEPS_OFF (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NOEOH)
#define SM_STEPS_NR (SMFIP_NR_CONN | SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR | SMFIP_NR_BODY)

/* Why a message could not be scanned, which decides its answer. */
typedef enum {
	FAIL_INTERNAL,  /* policy.on_failure */
	FAIL_LIMIT,     /* limits.on_permanent_limit (size, recipients): 552 */
	FAIL_TRANSIENT, /* a limit that passes (no worker free, memory, deadline): 4xx */
	FAIL_POISON,    /* the message stopped milter.worker_kills workers: 5xx */
} fail_kind;

/* Scan memory per message byte, measured with valgrind --tool=massif and
 * /usr/bin/time on 30 MB text, HTML and base64 Japanese messages: 4 to 5.2
 * bytes of heap per message byte, 6 leaves room; small messages cost at
 * least MIN_COST (parser tables, GMime objects).  Only an estimate to refuse
 * at once what cannot fit a worker: RLIMIT_AS is the bound. */
#define COST_FACTOR 6
#define MIN_COST (256 * 1024)
/* A worker's address space before its first message: libraries, charset
 * converters and the compiled policy (about 80 MB measured, VSZ). */
#define WORKER_BASE (96ULL * 1024 * 1024)

typedef struct mlfi_msg {
	sm_policy *pol;
	char *qid, *sender;
	char *client;      /* the SMTP client's address (from the connection), or NULL */
	GPtrArray *rcpts;  /* char *, owned */
	bool support;      /* at least one support recipient */
	sm_spool *spool;   /* created at the first header */
	bool in_body;      /* the empty line after the headers is spooled */
	fail_kind kind;    /* what the failure was (it decides the answer) */
	char *fail;        /* why the message cannot be scanned, or NULL */
} mlfi_msg;

typedef struct mlfi_conn {
	unsigned long actions; /* SMFIF_* the MTA granted */
	unsigned long proto;   /* SMFIP_* negotiated */
	char client[64];       /* the SMTP client's IP address, or "" */
	mlfi_msg *msg;
} mlfi_conn;

static void msg_free(mlfi_msg *m)
{
	if (!m)
		return;
	sm_policy_unref(m->pol);
	g_free(m->qid);
	g_free(m->sender);
	g_free(m->client);
	g_ptr_array_free(m->rcpts, TRUE);
	sm_spool_free(m->spool);
	g_free(m->fail);
	g_free(m);
}

static mlfi_conn *conn_get(SMFICTX *ctx)
{
	mlfi_conn *c = smfi_getpriv(ctx);

	if (!c) {
		c = g_new0(mlfi_conn, 1);
		smfi_setpriv(ctx, c);
	}
	return c;
}

static void conn_reset(mlfi_conn *c)
{
	msg_free(c->msg);
	c->msg = NULL;
}

/* The queue id made safe for logs: [A-Za-z0-9] and a few marks, or "NOQUEUE". */
static void msg_qid(SMFICTX *ctx, mlfi_msg *m)
{
	const char *q = smfi_getsymval(ctx, "i");
	size_t i;

	if (!q || !*q)
		return;
	g_free(m->qid);
	m->qid = g_strndup(q, 64);
	for (i = 0; m->qid[i]; i++)
		if (!g_ascii_isalnum(m->qid[i]) && !strchr("._-", m->qid[i]))
			m->qid[i] = '?';
}

static const char *qid(const mlfi_msg *m)
{
	return m && m->qid ? m->qid : "NOQUEUE";
}

static void msg_set_fail(mlfi_msg *m, fail_kind kind, const char *why)
{
	if (m->fail)
		return;
	m->fail = g_strdup(why);
	m->kind = kind;
	sm_log(LOG_WARNING, "%s: %s", qid(m), why);
}

static sfsistat nr(const mlfi_conn *c, unsigned long flag)
{
	return (c->proto & flag) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
			       unsigned long f2, unsigned long f3, unsigned long *pf0,
			       unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	mlfi_conn *c = conn_get(ctx);

	c->actions = f0 & SM_ACTIONS;
	c->proto = f1 & (SM_STEPS_OFF | SM_STEPS_NR | SMFIP_HDR_LEADSPC);
	*pf0 = c->actions;
	*pf1 = c->proto;
	*pf2 = *pf3 = 0;
	if (c->actions != SM_ACTIONS)
		sm_log(LOG_WARNING, "MTA grants actions 0x%lx of 0x%lx: support mail that needs "
		       "the others takes the failure action", c->actions, (unsigned long)SM_ACTIONS);
	return SMFIS_CONTINUE;
}

/* The client's address, for exceptions that trust a header only from the
 * company's own systems. */
static sfsistat mlfi_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	mlfi_conn *c = conn_get(ctx);
	const struct sockaddr *a = (const struct sockaddr *)sa;

	(void)host;
	c->client[0] = '\0';
	if (a && a->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)a)->sin_addr, c->client,
			  sizeof(c->client));
	else if (a && a->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)a)->sin6_addr, c->client,
			  sizeof(c->client));
	return nr(c, SMFIP_NR_CONN);
}

static sfsistat mlfi_envfrom(SMFICTX *ctx, char **argv)
{
	mlfi_conn *c = conn_get(ctx);
	mlfi_msg *m;

	conn_reset(c);
	m = c->msg = g_new0(mlfi_msg, 1);
	m->pol = sm_state_policy();
	m->sender = g_strndup(argv && argv[0] ? argv[0] : "", 1024);
	m->rcpts = g_ptr_array_new_with_free_func(g_free);
	m->client = c->client[0] ? g_strdup(c->client) : NULL;
	sm_metrics_seen();
	msg_qid(ctx, m);
	return nr(c, SMFIP_NR_MAIL);
}

static sfsistat mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
	mlfi_conn *c = conn_get(ctx);
	mlfi_msg *m = c->msg;

	if (!m || !argv || !argv[0])
		return nr(c, SMFIP_NR_RCPT);
	if (m->rcpts->len >= SM_MAX_RCPTS)
		msg_set_fail(m, FAIL_LIMIT, "more recipients than support-milter keeps (10000)");
	else
		g_ptr_array_add(m->rcpts, g_strndup(argv[0], 1024));
	if (sm_policy_is_support_rcpt(m->pol, argv[0]))
		m->support = true;
	return nr(c, SMFIP_NR_RCPT);
}

/* Mail for nobody in the policy's recipients is accepted here: no body sent. */
static sfsistat mlfi_data(SMFICTX *ctx)
{
	mlfi_conn *c = conn_get(ctx);

	if (!c->msg || !c->msg->support) {
		conn_reset(c);
		return SMFIS_ACCEPT;
	}
	msg_qid(ctx, c->msg);
	return SMFIS_CONTINUE;
}

static void spool_add(mlfi_msg *m, const void *buf, size_t len)
{
	const sm_daemon_conf *d;
	char err[256];
	bool over;

	if (m->fail)
		return;
	if (!m->spool) {
		d = sm_policy_daemon(m->pol);
		m->spool = sm_spool_new(d->spool_dir, (size_t)d->spool_threshold,
					(size_t)sm_policy_limits(m->pol)->max_message_bytes);
	}
	if (sm_spool_append(m->spool, buf, len, &over, err, sizeof(err)) < 0)
		msg_set_fail(m, over ? FAIL_LIMIT : FAIL_INTERNAL, err);
}

/* "Name:value\r\n" as received; a folded value's bare LFs become CRLF.
 * The pieces go to the spool's buffer (no write per field). */
static sfsistat mlfi_header(SMFICTX *ctx, char *name, char *value)
{
	mlfi_conn *c = conn_get(ctx);
	mlfi_msg *m = c->msg;
	const char *v, *from;

	if (!m || !m->support)
		return (c->proto & SMFIP_NR_HDR) ? SMFIS_NOREPLY : SMFIS_ACCEPT;
	spool_add(m, name, strlen(name));
	spool_add(m, (c->proto & SMFIP_HDR_LEADSPC) ? ":" : ": ",
		  (c->proto & SMFIP_HDR_LEADSPC) ? 1 : 2);
	for (v = from = value; (v = strchr(v, '\n')); v++)
		if (v == value || v[-1] != '\r') {
			spool_add(m, from, (size_t)(v - from));
			spool_add(m, "\r", 1);
			from = v;
		}
	spool_add(m, from, strlen(from));
	spool_add(m, "\r\n", 2);
	return nr(c, SMFIP_NR_HDR);
}

static void end_headers(mlfi_msg *m)
{
	if (!m->in_body) {
		m->in_body = true;
		spool_add(m, "\r\n", 2);
	}
}

/* The whole message in the spool's descriptor, for the worker. */
static void spool_finish(mlfi_msg *m)
{
	char err[256];

	if (!m->fail && sm_spool_finish(m->spool, err, sizeof(err)) < 0)
		msg_set_fail(m, FAIL_INTERNAL, err);
}

static sfsistat mlfi_body(SMFICTX *ctx, unsigned char *buf, size_t len)
{
	mlfi_conn *c = conn_get(ctx);
	mlfi_msg *m = c->msg;

	if (!m || !m->support)
		return (c->proto & SMFIP_NR_BODY) ? SMFIS_NOREPLY : SMFIS_ACCEPT;
	end_headers(m);
	spool_add(m, buf, len);
	return nr(c, SMFIP_NR_BODY);
}

/* ---------------------------------------------------------------- failure */

/* The audit record of a message the policy never saw (audit.c).  0, or -1
 * when it could not be written. */
static int audit_failure(const mlfi_msg *m, const char *action)
{
	const sm_daemon_conf *d = sm_policy_daemon(m->pol);
	bool *sup = g_new0(bool, m->rcpts->len + 1);
	GPtrArray *rc = g_ptr_array_new();
	sm_audit_fail f = {m->qid, m->sender, NULL, sup, sm_policy_version(m->pol), action,
			   m->kind != FAIL_INTERNAL, m->fail};
	char *line;
	guint i;
	int rc_w;

	for (i = 0; i < m->rcpts->len && g_ptr_array_index(m->rcpts, i); i++) {
		g_ptr_array_add(rc, g_ptr_array_index(m->rcpts, i));
		sup[i] = sm_policy_is_support_rcpt(m->pol, g_ptr_array_index(m->rcpts, i));
	}
	g_ptr_array_add(rc, NULL);
	f.rcpts = (const char *const *)rc->pdata;
	line = sm_audit_failure_record(d, &f);
	rc_w = sm_audit_write(line, d->audit_fsync);
	g_free(line);
	g_ptr_array_free(rc, TRUE);
	g_free(sup);
	return rc_w;
}

/* Support mail whose audit record could not be written, with
 * milter.audit_failure = tempfail: the MTA keeps it until the log works. */
static bool audit_must_hold(const mlfi_msg *m, int audit_rc)
{
	return audit_rc < 0 && sm_policy_daemon(m->pol)->audit_failure == 0;
}

static sfsistat audit_tempfail(SMFICTX *ctx, const mlfi_msg *m)
{
	sm_log(LOG_ERR, "%s: audit record not written; tempfail (milter.audit_failure)", qid(m));
	sm_reply_set(ctx, "451", "4.3.0", sm_policy_failure_reply(m->pol));
	return SMFIS_TEMPFAIL;
}

/* The configured failure (or limit) action for a message we cannot scan
 * (or whose verdict could not be applied); *applied names it.  Accepted
 * unscanned, it carries X-Support-Scan as --test would add it. */
static sfsistat fail_decide(SMFICTX *ctx, mlfi_msg *m, const char *why, const char **applied)
{
	static const char poison[] = "support-milter cannot scan this message: it stopped the "
				     "scanner repeatedly; please send it in another form";
	sm_act a;
	const char *text, *mark;

	if (!m->fail)
		msg_set_fail(m, FAIL_INTERNAL, why);
	a = m->kind == FAIL_LIMIT ? sm_policy_on_limit(m->pol, true) /* size, recipients */
	    : m->kind == FAIL_TRANSIENT ? SM_ACT_TEMPFAIL
	    : m->kind == FAIL_POISON ? SM_ACT_REJECT : sm_policy_on_failure(m->pol);
	text = m->kind == FAIL_POISON ? poison
	       : m->kind == FAIL_INTERNAL ? sm_policy_failure_reply(m->pol)
	       : sm_policy_limit_reply(m->pol);
	mark = m->kind == FAIL_INTERNAL ? "incomplete" : "incomplete (limit exceeded)";
	if (a == SM_ACT_REJECT || a == SM_ACT_TEMPFAIL) {
		bool rej = a == SM_ACT_REJECT;

		sm_log(LOG_ERR, "%s: %s; %s", qid(m), m->fail, rej ? "rejected" : "tempfail");
		*applied = rej ? "reject" : "tempfail";
		/* a permanent limit: the same message fails the same way again */
		sm_reply_set(ctx, !rej ? "451" : m->kind == FAIL_LIMIT ? "552" : "550",
			     !rej ? "4.3.0" : m->kind == FAIL_LIMIT ? "5.3.4" : "5.7.1", text);
		return rej ? SMFIS_REJECT : SMFIS_TEMPFAIL;
	}
	*applied = "accept";
	sm_log(LOG_WARNING, "%s: %s; accepted unscanned (configured)", qid(m), m->fail);
	if (smfi_addheader(ctx, "X-Support-Scan", (char *)mark) != MI_SUCCESS)
		sm_log(LOG_WARNING, "%s: could not add X-Support-Scan", qid(m));
	return SMFIS_ACCEPT;
}

/* fail_decide, audited; accepted unscanned only once that record is written. */
static sfsistat fail_status(SMFICTX *ctx, mlfi_msg *m, const char *why)
{
	const char *applied = "tempfail";
	sfsistat st = fail_decide(ctx, m, why, &applied);
	int rc = audit_failure(m, applied);

	sm_metrics_failed(m->kind != FAIL_INTERNAL, applied);
	if (rc < 0)
		sm_metrics_audit_failed();
	if (st == SMFIS_ACCEPT && audit_must_hold(m, rc))
		return audit_tempfail(ctx, m);
	return st;
}

/* ---------------------------------------------------------------- verdict */

typedef struct body_out {
	SMFICTX *ctx;
} body_out;

static int body_chunk(void *ud, const void *buf, size_t len)
{
	body_out *o = ud;
	const unsigned char *p = buf;

	while (len > 0) {
		size_t n = len < SM_BODY_CHUNK ? len : SM_BODY_CHUNK;

		if (smfi_replacebody(o->ctx, (unsigned char *)p, (int)n) != MI_SUCCESS)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static bool needs(const mlfi_conn *c, unsigned long action, const char *what, char *err,
		  size_t errlen)
{
	if (c->actions & action)
		return true;
	snprintf(err, errlen, "the MTA does not allow the milter to %s", what);
	return false;
}

/* Header edits; with SMFIP_HDR_LEADSPC the MTA adds no space after the colon. */
static int apply_headers(SMFICTX *ctx, const mlfi_conn *c, const sm_result *r, char *err,
			 size_t errlen)
{
	size_t i, n = sm_result_header_count(r);

	for (i = 0; i < n; i++) {
		const char *name = NULL, *value = NULL;
		char op = 0, *v;
		int idx = 0, rc;

		sm_result_header(r, i, &op, &name, &value, &idx);
		if (!name || !needs(c, op == 'C' ? SMFIF_CHGHDRS : SMFIF_ADDHDRS,
				    "edit headers", err, errlen))
			return -1;
		v = value && (c->proto & SMFIP_HDR_LEADSPC) && *value != ' ' && *value != '\t'
			? g_strconcat(" ", value, NULL) : g_strdup(value);
		rc = op == 'C' ? smfi_chgheader(ctx, (char *)name, idx, v)
			       : smfi_addheader(ctx, (char *)name, v ? v : (char *)"");
		g_free(v);
		if (rc != MI_SUCCESS) {
			snprintf(err, errlen, "header %s: smfi_%s failed", name,
				 op == 'C' ? "chgheader" : "addheader");
			return -1;
		}
	}
	return 0;
}

static int apply_changes(SMFICTX *ctx, const mlfi_conn *c, const sm_result *r, char *err,
			 size_t errlen)
{
	const char *const *a = sm_result_add_rcpts(r);
	body_out o = {ctx};

	if (apply_headers(ctx, c, r, err, errlen) < 0)
		return -1;
	for (; a && *a; a++) {
		if (!needs(c, SMFIF_ADDRCPT, "add recipients", err, errlen))
			return -1;
		if (smfi_addrcpt(ctx, (char *)*a) != MI_SUCCESS) {
			snprintf(err, errlen, "smfi_addrcpt failed");
			return -1;
		}
	}
	if (!sm_result_body_changed(r))
		return 0;
	if (!needs(c, SMFIF_CHGBODY, "replace the body", err, errlen))
		return -1;
	if (sm_result_write_body(r, body_chunk, &o) < 0) {
		snprintf(err, errlen, "body replacement failed");
		return -1;
	}
	return 0;
}

static sfsistat reply_status(SMFICTX *ctx, const sm_result *r, bool reject)
{
	const char *code, *xcode, *text;

	sm_result_reply(r, &code, &xcode, &text);
	if (!code)
		code = reject ? "550" : "451";
	if (!xcode)
		xcode = reject ? "5.7.1" : "4.3.0";
	sm_reply_set(ctx, code, xcode, text ? text : "Message refused by support-milter policy");
	return reject ? SMFIS_REJECT : SMFIS_TEMPFAIL;
}

/* Hold the message in the MTA's queue; the reason names detectors, never values. */
static int quarantine(SMFICTX *ctx, const sm_result *r)
{
	const char *code, *xcode, *text;
	char *summary = NULL, *reason;
	int rc;

	sm_result_reply(r, &code, &xcode, &text);
	if (!text)
		text = summary = sm_result_summary(r);
	reason = g_strdup_printf("support-milter: %.400s", text ? text : "policy");
	g_strcanon(reason, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		   " !\"#$&'()*+,-./:;<=>?@[]^_`{|}~", ' ');
	rc = smfi_quarantine(ctx, reason) == MI_SUCCESS ? 0 : -1;
	g_free(reason);
	g_free(summary);
	return rc;
}

/* The one place a verdict becomes a libmilter status; *applied names what
 * was done, err says why applying failed (then the failure action applies). */
static sfsistat verdict_status(SMFICTX *ctx, mlfi_conn *c, mlfi_msg *m, const sm_result *r,
			       const char **applied, char *err, size_t errlen)
{
	*applied = sm_verdict_names[sm_result_verdict(r)];
	switch (sm_result_verdict(r)) {
	case SM_V_REJECT:
		return reply_status(ctx, r, true);
	case SM_V_TEMPFAIL:
		return reply_status(ctx, r, false);
	case SM_V_DISCARD:
		return SMFIS_DISCARD;
	case SM_V_QUARANTINE:
		if (apply_changes(ctx, c, r, err, errlen) < 0 ||
		    !needs(c, SMFIF_QUARANTINE, "quarantine", err, errlen) ||
		    quarantine(ctx, r) < 0) {
			if (!*err)
				snprintf(err, errlen, "smfi_quarantine failed");
			return fail_decide(ctx, m, err, applied);
		}
		return SMFIS_ACCEPT;
	case SM_V_ACCEPT:
	case SM_V_MODIFY:
	default:
		if (apply_changes(ctx, c, r, err, errlen) < 0)
			return fail_decide(ctx, m, err, applied);
		return SMFIS_ACCEPT;
	}
}

/* Syslog summary and the audit record, written after the verdict was
 * applied: 0, or -1 when the record was not written. */
static int log_decision(const mlfi_msg *m, const sm_result *r, const sm_envelope *env,
			time_t now, const char *applied, const char *apply_err)
{
	const sm_daemon_conf *d = sm_policy_daemon(m->pol);
	char *s, *line;
	int rc;

	if (d->summary_syslog) {
		s = sm_result_summary(r);
		sm_log(LOG_INFO, "%s: %s", qid(m), s);
		g_free(s);
	}
	s = sm_result_audit_json(r, env, now);
	line = sm_audit_record(d, s, applied, apply_err);
	rc = sm_audit_write(line, d->audit_fsync);
	g_free(line);
	g_free(s);
	return rc;
}

/* Can a worker's share of max_scan_memory hold this message's scan?  -1
 * with m->fail set (a transient limit: 4xx). */
static int admit(mlfi_msg *m)
{
	const sm_daemon_conf *d = sm_policy_daemon(m->pol);
	size_t size = m->spool ? sm_spool_size(m->spool) : 0;
	unsigned long long cost = (unsigned long long)size * COST_FACTOR + MIN_COST + WORKER_BASE;
	unsigned long long share = (unsigned long long)(d->max_scan_memory / d->scan_workers);
	char why[256];

	if (cost <= share)
		return 0;
	snprintf(why, sizeof(why), "scanning needs about %llu MB, more than a worker's share of "
		 "milter.max_scan_memory (%llu MB: %lld MB / %lld milter.scan_workers)", cost >> 20,
		 share >> 20, d->max_scan_memory >> 20, d->scan_workers);
	msg_set_fail(m, FAIL_TRANSIENT, why);
	return -1;
}

/* A worker died or was killed on this message: how it is answered. */
static void worker_lost(mlfi_msg *m, sm_pool_status st, const char *err)
{
	const sm_daemon_conf *d = sm_policy_daemon(m->pol);
	unsigned kills = sm_poison_note(sm_state_poison(), sm_spool_mem(m->spool),
					sm_spool_fd(m->spool), sm_spool_size(m->spool));
	char why[512];

	snprintf(why, sizeof(why), "%.400s (the message stopped %u worker%s)", err, kills,
		 kills == 1 ? "" : "s");
	if (kills >= (unsigned long long)d->worker_kills)
		msg_set_fail(m, FAIL_POISON, why);
	else
		msg_set_fail(m, st == SM_POOL_DEADLINE ? FAIL_TRANSIENT : FAIL_INTERNAL, why);
}

/* A file for rewritten parts that may not fit in memory: only a message
 * with a part over the scan window can need one. */
static int spill_file(const mlfi_msg *m, size_t size)
{
	char err[256];
	int fd;

	if ((long long)size <= sm_policy_limits(m->pol)->scan_window_bytes)
		return -1;
	fd = sm_spool_tmpfile(sm_policy_daemon(m->pol)->spool_dir, err, sizeof(err));
	if (fd < 0)
		sm_log(LOG_WARNING, "%s: %s (large parts cannot be rewritten)", qid(m), err);
	return fd;
}

/* The message scanned by a worker, its spool loaded when applying the
 * result reads it; NULL with m->fail set. */
static sm_result *scan(mlfi_msg *m, sm_envelope *env, time_t now)
{
	size_t size = sm_spool_size(m->spool);
	sm_pool_job j = {m->pol, sm_spool_fd(m->spool), sm_spool_mem(m->spool), spill_file(m, size),
			 env, now, size, sm_spool_sealed(m->spool)};
	sm_result *r = NULL;
	sm_pool_status st;
	char err[512];

	g_ptr_array_add(m->rcpts, NULL);
	env->queue_id = m->qid;
	env->sender = m->sender;
	env->rcpts = (const char *const *)m->rcpts->pdata;
	env->client_addr = m->client;
	st = sm_pool_scan(sm_state_pool(), &j, &r, err, sizeof(err));
	if (j.spill_fd >= 0)
		close(j.spill_fd); /* the result holds its own */
	if (st == SM_POOL_DEADLINE || st == SM_POOL_DIED)
		worker_lost(m, st, err);
	else if (st != SM_POOL_OK)
		msg_set_fail(m, st == SM_POOL_BUSY ? FAIL_TRANSIENT : FAIL_INTERNAL, err);
	/* the spool is mapped only when applying the verdict reads it (a new
	 * body, a notice); it cannot fail half-way through applying it */
	if (r && !sm_policy_dry_run(m->pol) && sm_result_reads_message(r) &&
	    sm_result_load(r, err, sizeof(err)) < 0) {
		msg_set_fail(m, FAIL_INTERNAL, err);
		sm_result_free(r);
		r = NULL;
	}
	return r;
}

/* Scan, log, apply: support mail at end of message. */
static sfsistat eom_support(SMFICTX *ctx, mlfi_conn *c, mlfi_msg *m)
{
	sm_envelope env;
	sm_result *r;
	sfsistat st;
	time_t now = time(NULL);
	const char *applied = "tempfail";
	char err[256] = "";
	gint64 t0;
	double secs;
	int audit_rc;

	msg_qid(ctx, m);
	end_headers(m);
	spool_finish(m);
	t0 = g_get_monotonic_time();
	if (m->fail || admit(m) < 0 || !(r = scan(m, &env, now)))
		return fail_status(ctx, m, m->fail);
	secs = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
	if (sm_result_failed(r))
		sm_log(LOG_WARNING, "%s: scan failed; the configured action applies", qid(m));
	if (sm_policy_dry_run(m->pol)) {
		st = SMFIS_ACCEPT;
		applied = "accept";
	} else
		st = verdict_status(ctx, c, m, r, &applied, err, sizeof(err));
	audit_rc = log_decision(m, r, &env, now, applied, *err ? err : NULL);
	sm_metrics_decision(r, applied, *err != '\0', secs);
	if (audit_rc < 0)
		sm_metrics_audit_failed();
	if (audit_must_hold(m, audit_rc) && st != SMFIS_REJECT)
		st = audit_tempfail(ctx, m); /* the MTA drops the changes and keeps the message */
	else if (!*err && st != SMFIS_TEMPFAIL)
		sm_notice_after(m->pol, r, m->qid, now);
	sm_result_free(r);
	return st;
}

static sfsistat mlfi_eom(SMFICTX *ctx)
{
	mlfi_conn *c = conn_get(ctx);
	mlfi_msg *m = c->msg;
	sfsistat st;

	if (!m || !m->support) {
		conn_reset(c);
		return SMFIS_ACCEPT;
	}
	sm_state_inflight(1);
	st = eom_support(ctx, c, m);
	sm_state_inflight(-1);
	conn_reset(c);
	return st;
}

static sfsistat mlfi_abort(SMFICTX *ctx)
{
	conn_reset(conn_get(ctx));
	return SMFIS_CONTINUE;
}

static sfsistat mlfi_close(SMFICTX *ctx)
{
	mlfi_conn *c = smfi_getpriv(ctx);

	if (c) {
		conn_reset(c);
		g_free(c);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

static struct smfiDesc desc = {
	.xxfi_name = "support-milter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SM_ACTIONS,
	.xxfi_connect = mlfi_connect,
	.xxfi_envfrom = mlfi_envfrom,
	.xxfi_envrcpt = mlfi_envrcpt,
	.xxfi_header = mlfi_header,
	.xxfi_body = mlfi_body,
	.xxfi_eom = mlfi_eom,
	.xxfi_abort = mlfi_abort,
	.xxfi_close = mlfi_close,
	.xxfi_data = mlfi_data,
	.xxfi_negotiate = mlfi_negotiate,
};

const struct smfiDesc *sm_mlfi_desc(void)
{
	return &desc;
}
