/*
 * scan_int.h - internal to scan.c (parts) and decide.c (rules, verdict,
 * headers): the working state of one scan.
 */
#ifndef SM_SCAN_INT_H
#define SM_SCAN_INT_H

#include "msg.h"
#include "result.h"

#define MAX_SR 8

/* Per-scan working state. */
typedef struct scan {
	sm_policy *p;
	sm_result *r;
	sm_msg *m;
	sm_scan_ctx ctx;
	const sm_limits *lim;
	long long total;        /* decoded bytes so far */
	GPtrArray *body_views;  /* sm_view* of body text parts, for the rules */
	GPtrArray *keep;        /* left empty: a body view keeps no decoded bytes */
	GArray *strip;          /* guint part indexes to strip */
	GPtrArray *why;         /* char*: what was found in each stripped part */
	bool limit;             /* a limit decided */
	sm_act limit_act;
} scan;

/* Inspect part idx of s->m (detectors, archives), recording findings,
 * splices and parts to strip in s. */
void sm_scan_part(scan *s, guint idx);

/* A limit decided: note it once and remember the configured action. */
void sm_scan_set_limit(scan *s, const char *why, const char *where);

#endif
