/*
 * report.h - support-milter-report: summaries of audit logs (docs/audit.md,
 * docs/support-milter-report.1).  Internal to milter/report/.
 *
 * input.c reads files (plain or compressed) line by line; record.c turns
 * one line into an rp_rec (untrusted: a line that is not a record is
 * counted as corrupt); agg.c filters and counts, and builds the tables;
 * output.c writes them as a table, CSV or JSON, html.c as one HTML page;
 * labels.c has the English and Japanese labels.
 */
#ifndef SM_REPORT_H
#define SM_REPORT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* A line longer than this is not a record (counted as corrupt). */
#define RP_MAX_LINE (16u << 20)
/* Nesting in a record deeper than this is corrupt. */
#define RP_MAX_DEPTH 32
/* Findings kept per record; more are counted in the totals only. */
#define RP_MAX_FINDINGS 100000

typedef struct rp_finding {
	const char *detector; /* interned */
	unsigned count;
} rp_finding;

/* One audit record, the fields the report reads.  Strings are owned by the
 * record's buffers and valid until the next rp_rec_parse. */
typedef struct rp_rec {
	GString *ts, *event_id, *host, *action, *sender, *sr, *queue_id, *reply, *exception,
		*subject, *tmp;
	bool has_event_id, has_sr, has_exception, failed;
	int schema;
	unsigned recipients;
	GArray *findings; /* rp_finding */
	GStringChunk *intern;
	GHashTable *interned; /* const char* -> same (owned by intern) */
} rp_rec;

void rp_rec_init(rp_rec *r);
void rp_rec_clear(rp_rec *r);
/* Parse one line (no newline).  0, or -1 when it is not an audit record. */
int rp_rec_parse(rp_rec *r, const char *line, size_t len);

/* ---------------------------------------------------------------- input */

typedef int (*rp_line_fn)(void *ud, const char *line, size_t len);
/* Every line of path ("-": stdin), decompressed when it is gzip, bzip2, xz
 * or zstd.  0, or -1 with err (the file could not be read). */
int rp_read_file(const char *path, rp_line_fn fn, void *ud, guint64 *too_long, char *err,
		 size_t errlen);

/* ---------------------------------------------------------------- tables */

typedef enum { RP_LANG_EN, RP_LANG_JA } rp_lang;
const char *rp_label(rp_lang lang, const char *key);

#define RP_MAX_COLS 8

typedef struct rp_table {
	const char *id;        /* "by_detector": JSON key, CSV section */
	int ncols;
	const char *cols[RP_MAX_COLS]; /* column ids (label keys) */
	bool numeric[RP_MAX_COLS];
	GPtrArray *rows;       /* char*[ncols], owned */
} rp_table;

typedef enum { RP_PERIOD_DAY, RP_PERIOD_WEEK, RP_PERIOD_MONTH } rp_period;

typedef struct rp_opts {
	const char *from, *to;   /* YYYY-MM-DD, inclusive, or NULL */
	const char *sender;      /* address or @domain, or NULL */
	const char *detector;    /* detector id, or NULL */
	rp_period period;
	unsigned top;            /* rows in top lists */
	unsigned max_rejected;   /* rejected messages listed */
	unsigned limit;          /* rows of the long tables (sender, domain, SR); 0: all */
	rp_lang lang;
} rp_opts;

typedef struct rp_agg rp_agg;
rp_agg *rp_agg_new(const rp_opts *o);
void rp_agg_free(rp_agg *a);
/* Count one record (when it passes the filters). */
void rp_agg_add(rp_agg *a, const rp_rec *r);
void rp_agg_corrupt(rp_agg *a, guint64 n);
void rp_agg_file(rp_agg *a);
/* The report's tables, in order (owned by a). */
GPtrArray *rp_agg_tables(rp_agg *a);
/* Findings per day and detector, for the chart: sorted days, detectors, and
 * counts[day * ndet + det]. */
void rp_agg_daily(rp_agg *a, GPtrArray **days, GPtrArray **dets, guint64 **counts);

typedef enum { RP_FMT_TABLE, RP_FMT_CSV, RP_FMT_JSON, RP_FMT_HTML } rp_format;

void rp_out_table(GString *out, const GPtrArray *tables, rp_lang lang);
void rp_out_csv(GString *out, const GPtrArray *tables, rp_lang lang);
void rp_out_json(GString *out, const GPtrArray *tables);
void rp_out_html(GString *out, rp_agg *a, const GPtrArray *tables, const rp_opts *o);

/* A table by id, or NULL. */
const rp_table *rp_table_find(const GPtrArray *tables, const char *id);

#endif
