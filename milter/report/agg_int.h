/*
 * agg_int.h - internal to milter/report/agg.c and tables.c: the counts
 * the report keeps.
 */
#ifndef SM_AGG_INT_H
#define SM_AGG_INT_H

#include "report.h"

typedef struct cnt {
	guint64 messages, with_findings, findings, occurrences, modified, rejected, tempfailed;
} cnt;

/* Event ids seen: 128-bit hashes, open addressing (0,0 = empty). */
typedef struct idset {
	guint64 *slots; /* 2 per entry */
	gsize cap, used;
} idset;

struct rp_agg {
	rp_opts o;
	GHashTable *period, *detector, *sender, *domain, *action, *sr, *exception, *host;
	GHashTable *daily; /* "day\x1fdetector" -> guint64* */
	GPtrArray *rejected; /* char*[5]: ts, host, queue id, sender, reply */
	guint64 rejected_more;
	idset ids;
	cnt tot;
	guint64 records, corrupt, duplicates, filtered, files;
	char first[11], last[11];
	char last_date[11], last_period[16];
	GString *key;
	GPtrArray *tables;
};

void rp_table_free(rp_table *t);

#endif
