/*
 * result.h - internal: what a scan decided (scan.c fills it, result.c
 * writes it out as a message, a --test JSON object or an audit record).
 */
#ifndef SM_RESULT_H
#define SM_RESULT_H

#include "policy.h"
#include "scan.h"

#include <glib.h>

typedef struct sm_finding {
	char *detector;      /* detector or rule id (owned) */
	char *label;         /* human name for replies (owned) */
	char location[64];   /* "1", "2.1", "subject" */
	char *filename;      /* owned or NULL */
	char *member;        /* archive member, owned or NULL */
	unsigned count;
	sm_act action;
	char *preview;       /* masked, never the value (owned) */
	char fingerprint[17];
	char *reply;         /* reply text if this finding rejects (owned or NULL) */
	bool propagated;     /* the value found elsewhere in the message (scan_prop.c) */
} sm_finding;

typedef struct sm_splice {
	size_t start, end;   /* in the original bytes */
	GBytes *with;        /* the new bytes, or NULL: they are in the result's
	                        spill file at [foff, foff + flen) */
	gint64 foff;
	size_t flen;
} sm_splice;

typedef struct sm_hdrop {
	char op;             /* 'A' add, 'C' change */
	char *name, *value;
	int index;
} sm_hdrop;

struct sm_result {
	sm_policy *policy;
	const uint8_t *raw;  /* the original message (not owned unless mapped) */
	size_t len;
	void *mapped;        /* mmap of the spool file, unmapped on free */
	int spill;           /* temporary file of large rewritten parts, or -1 */
	size_t hdr_end, body_off;
	bool crlf;
	bool support;        /* addressed to a support recipient */
	bool dry_run;
	sm_verdict verdict;
	sm_verdict would;    /* in dry-run: what enforce would have done */
	bool failed;
	char *code, *xcode, *text;
	GArray *findings;    /* sm_finding */
	GArray *splices;     /* sm_splice, sorted, not overlapping */
	GArray *hdrops;      /* sm_hdrop */
	GPtrArray *rcpts;    /* char*, NULL-terminated */
	GPtrArray *notes;    /* char*: uninspected parts, limits */
	char sr[17];
	char **related_sr;
	bool resolved, feedback;
	GArray *outcomes;    /* sm_rule_outcome (owned copies) */
	char *message_id;
	char *sender;
	char **support_rcpts;
};

sm_result *sm_result_new(sm_policy *p, const uint8_t *raw, size_t len);
void sm_result_set_reply(sm_result *r, const char *code, const char *xcode, const char *text);
sm_finding *sm_result_add_finding(sm_result *r, const char *detector, const char *label,
				  const char *loc, const char *filename, const char *member);
void sm_result_add_header(sm_result *r, char op, const char *name, const char *value, int index);
void sm_result_clear_headers(sm_result *r);
/* Drop every splice (the message is not delivered changed). */
void sm_result_clear_splices(sm_result *r);
void sm_result_note(sm_result *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* The spill file (opened on first use, unlinked, in dir or else $TMPDIR):
 * a part rewritten as a stream goes there instead of into memory.  -1 when it
 * cannot be created. */
int sm_result_spill(sm_result *r, const char *dir);

/* Tell the kernel the original bytes [off, off + len) are not needed for
 * now, when they are a mapping of the spool file (a no-op otherwise): a large
 * message read once does not stay resident.  They read back from the page
 * cache when touched again. */
void sm_result_release(const sm_result *r, size_t off, size_t len);

#endif
