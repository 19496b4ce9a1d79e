/*
 * notice.h - sending the sender's notice (notice.c).
 */
#ifndef SM_NOTICE_H
#define SM_NOTICE_H

#include "scan.h"

/* The sending thread: started with the daemon, stopped (what is still queued
 * is dropped and logged) when it exits. */
void sm_notice_start(void);
void sm_notice_stop(void);

/* After r's verdict was applied: queue its notice when notices are on, the
 * parser says there is one and the sender is within notice.rate_limit. */
void sm_notice_after(const sm_policy *p, const sm_result *r, const char *qid, time_t now);

/* metrics.c counts them */
void sm_metrics_notice(bool sent);
void sm_metrics_notice_limited(void);

#endif
