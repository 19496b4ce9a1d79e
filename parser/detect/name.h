/*
 * name.h - file names are text too: an attachment's name, an archive
 * member's name, run through the detectors like any text, and masked for
 * every place that echoes it (notices, replies, audit, --test).
 */
#ifndef SM_NAME_H
#define SM_NAME_H

#include "detect.h"

#include <glib.h>

/* One detector's values in a name. */
typedef struct sm_name_hit {
	unsigned det;          /* detector index */
	unsigned count;
	char *preview;         /* masked preview of the first value (owned) */
	char fingerprint[17];  /* sm_fingerprint() of the first value */
} sm_name_hit;

/*
 * The detectors over name (UTF-8, printable): NULL when they find nothing,
 * else the name with every value masked (digits but the last four of a card,
 * every other character of other values as '*'; g_free).  One sm_name_hit
 * per detector appended to hits when it is not NULL (sm_name_hits_free).
 */
char *sm_name_mask(const sm_detectors *d, const sm_scan_ctx *ctx, const char *name,
		   GArray *hits);
void sm_name_hits_free(GArray *hits);

#endif
