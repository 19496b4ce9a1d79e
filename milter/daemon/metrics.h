/*
 * metrics.h - counters and the scan-time histogram (metrics.c), written in
 * Prometheus's text format to a file for node_exporter's textfile collector
 * (milter.metrics_file), and a summary line to syslog
 * (milter.summary_interval).
 */
#ifndef SM_METRICS_H
#define SM_METRICS_H

#include "scan.h"

#include <stdbool.h>

/* A message began (MAIL FROM). */
void sm_metrics_seen(void);
/* A support message was decided: its result, the action as applied, whether
 * applying failed, and the scan's duration. */
void sm_metrics_decision(const sm_result *r, const char *applied, bool apply_failed,
			 double seconds);
/* A support message the policy could not judge: a limit or an internal
 * failure (cause "limit" or "internal"), with the action applied. */
void sm_metrics_failed(bool limit, const char *applied);
/* An audit record could not be written. */
void sm_metrics_audit_failed(void);

/* The writer thread (file and summary line). */
void sm_metrics_start(void);
void sm_metrics_stop(void);

/* The metrics text (Prometheus exposition format 0.0.4).  g_free. */
char *sm_metrics_text(void);

#endif
