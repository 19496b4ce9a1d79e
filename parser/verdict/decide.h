/*
 * decide.h - the verdict of one scanned message, from what the scan found
 * (findings and splices already in the result, parts to strip, the limit
 * that decided) and the rules' outcome.  No scan types cross this header.
 */
#ifndef SM_DECIDE_H
#define SM_DECIDE_H

#include "exceptions.h"
#include "msg.h"
#include "result.h"
#include "rules.h"

typedef struct sm_decide_in {
	const sm_msg *m;           /* the parsed message (strip notices) */
	const GArray *strip;       /* guint: indexes into m->parts of parts to strip */
	const GPtrArray *why;      /* char*: why each was stripped, parallel to strip */
	const sm_rules_result *rr; /* the rules' outcome */
	const char *subject;       /* the masked Subject (RFC 2047), or NULL */
	bool limit;                /* a limit decided part of the scan */
	sm_act limit_act;          /* its configured action */
	bool limit_permanent;      /* the same message hits it again (size, parts, bombs) */
	const sm_exception *exc;   /* the message's exception (relaxes rules), or NULL */
} sm_decide_in;

/* Keep the rules' outcome in r and set its verdict, reply and headers. */
void sm_decide(sm_result *r, const sm_decide_in *in);

/* A message the policy could not judge whole: an internal failure, or a
 * limit (with act accept, it is delivered marked X-Support-Scan:
 * incomplete).  text is the configured reply; why is noted. */
void sm_decide_failure(sm_result *r, sm_act act, const char *text, const char *why, bool limit);
/* A message (or one inside it) that cannot be parsed fails the same way on
 * every retry: policy.on_unparseable answers it once (5xx by default, with
 * unparseable_reply), or delivers it tagged incomplete; never a tempfail,
 * and not the milter's failure (r->failed stays false). */
void sm_decide_unparseable(sm_result *r, const char *why);

/* A limit decided the whole message: act (on_limit for a transient limit,
 * on_permanent_limit for one the same message always hits) with the
 * configured limit_reply.  A permanent limit rejects with 552 5.3.4: a retry
 * cannot succeed; a transient one tempfails with 451 4.3.0. */
void sm_decide_limit(sm_result *r, sm_act act, const char *why, bool permanent);

/* dry-run: the verdict enforcing would give is kept as r->would; the
 * message is accepted unchanged. */
void sm_decide_dry_run(sm_result *r);

#endif
