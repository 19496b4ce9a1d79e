/*
 * policy.h - internal view of the compiled policy (scan.h is the public one).
 * The policy is immutable after sm_policy_load and reference-counted, so the
 * daemon swaps it on reload while scans in flight keep the one they started
 * with.
 */
#ifndef SM_POLICY_H
#define SM_POLICY_H

#include "config.h"
#include "detect.h"
#include "exceptions.h"
#include "notice_tmpl.h"
#include "rules.h"
#include "scan.h"

#include <pcre2.h>

struct sm_policy {
	gint refs;
	sm_config cfg;
	sm_detectors *det;
	sm_rules *rules;
	sm_exceptions *exc;   /* the `exceptions` group */
	char *notice_tmpl[2]; /* the notice's templates, SM_NOTICE_JA and _EN */
	GPtrArray *rcpt_re;   /* pcre2_code* for /pattern/ recipients */
	char version[17];     /* SHA-256 of the configuration file, 16 hex digits */
};

#endif
