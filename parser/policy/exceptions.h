/*
 * exceptions.h - the `exceptions` group: named, scoped, expiring
 * relaxations of the policy for some mail (docs/exceptions.md).
 *
 * An exception matches a message when every criterion it has matches: the
 * envelope sender (an address or @domain in `senders`), a recipient
 * (`recipients`), and a header field the company's own systems set
 * (`header` = "X-Name: value"), which counts only when the message came from
 * a client address in `header_clients`, so no sender can exempt their own
 * mail by writing the header.  `relax` lists the detector and rule ids whose
 * actions it lowers to "log"; "*" is every detector and rule except
 * mde_onboarding, which is relaxed only when named.  `expires` (YYYY-MM-DD,
 * the last day, local time) ends it.  The first matching exception in the
 * file applies.
 */
#ifndef SM_EXCEPTIONS_H
#define SM_EXCEPTIONS_H

#include "detect.h"
#include "scan.h"

#include <libconfig.h>
#include <time.h>

typedef struct sm_exception sm_exception;
typedef struct sm_exceptions sm_exceptions;

/* Compile the group (NULL: none).  Detector ids are checked against d.
 * NULL with "file:line: ..." in err. */
sm_exceptions *sm_exceptions_load(const config_setting_t *group, const sm_detectors *d,
				  char *err, size_t errlen);
void sm_exceptions_free(sm_exceptions *x);

/*
 * The exception for a message, or NULL: env (sender, recipients, client
 * address), the raw header block [hdr, hdr + hlen) for the header criterion,
 * now for the expiry.  *ignored is set when an exception's header was present
 * but came from a client it does not name.
 */
const sm_exception *sm_exceptions_match(const sm_exceptions *x, const sm_envelope *env,
					const char *hdr, size_t hlen, time_t now,
					const sm_exception **ignored);

const char *sm_exception_name(const sm_exception *e);
/* Does e relax this detector or rule id? (NULL e: no) */
bool sm_exception_relaxes(const sm_exception *e, const char *id);

/* One line per exception expired at now ("name: expired on DATE (file:line)"),
 * NULL-terminated, or NULL when none.  g_strfreev. */
char **sm_exceptions_expired(const sm_exceptions *x, time_t now);

#endif
