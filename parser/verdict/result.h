/*
 * result.h - internal: what a scan decided (scan.c fills it, result.c
 * writes it out as a message, a --test JSON object or an audit record).
 */
#ifndef SM_RESULT_H
#define SM_RESULT_H

#include "policy.h"
#include "scan.h"

#include <glib.h>

/* What a finding is about: a value found in text (one finding per distinct
 * value and place), a file or member name, a value masked because it was
 * found elsewhere in the message, or a whole part (encrypted, not inspected,
 * not strippable). */
typedef enum { SM_FK_VALUE, SM_FK_NAME, SM_FK_PROPAGATED, SM_FK_PART } sm_finding_kind;
extern const char *const sm_finding_kind_names[];

typedef struct sm_finding {
	sm_finding_kind kind;
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
	bool names_part;     /* the reply is "attachment X " + reply (not "label found in") */
	bool name_masked;    /* filename had a value masked: replies say "attachment LOC" */
	bool quoted;         /* every occurrence is in the quoted history of a reply */
	bool relaxed;        /* an exception lowered its action to log */
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
	const uint8_t *raw;  /* the original message (not owned unless mapped or owned) */
	size_t len;
	void *mapped;        /* mmap of the spool file, unmapped on free */
	int msg_fd;          /* the spool to map at first read (sm_result_load;
	                        borrowed), or -1: raw is there or cannot be */
	void *owned;         /* or a copy read from it, freed on free */
	int spill;           /* temporary file of large rewritten parts, or -1 */
	size_t hdr_start, hdr_end, body_off; /* the header block as the MTA sees it (sm_frame) */
	bool crlf;
	bool support;        /* addressed to a support recipient */
	bool dry_run;
	sm_verdict verdict;
	sm_verdict would;    /* in dry-run: what enforce would have done */
	bool failed;
	int limited;         /* a limit decided: 0 no, 1 permanent, 2 transient */
	bool unparseable;    /* the message (or one inside it) could not be parsed */
	char *code, *xcode, *text;
	GArray *findings;    /* sm_finding */
	GArray *splices;     /* sm_splice, sorted, not overlapping */
	GArray *hdrops;      /* sm_hdrop */
	GPtrArray *rcpts;    /* char*, NULL-terminated */
	GPtrArray *notes;    /* char*: uninspected parts, limits */
	GPtrArray *masked_names; /* char*: file names that had a value masked */
	char sr[17];
	char **related_sr;
	bool resolved, feedback;
	bool auto_reply;     /* the rules saw an automatic reply */
	GArray *outcomes;    /* sm_rule_outcome (owned copies) */
	char *message_id;
	char *sender;
	char **support_rcpts;
	char **all_rcpts;    /* every envelope recipient, NULL-terminated */
	char *subject;       /* decoded Subject, every finding masked (UTF-8), or NULL */
	char *exception;     /* name of the exception that relaxed the policy, or NULL */
	GHashTable *fidx;    /* "detector\x1floc\x1fmember\x1ffp" -> index + 1 */
};

sm_result *sm_result_new(sm_policy *p, const uint8_t *raw, size_t len);
void sm_result_set_reply(sm_result *r, const char *code, const char *xcode, const char *text);
sm_finding *sm_result_add_finding(sm_result *r, const char *detector, const char *label,
				  const char *loc, const char *filename, const char *member);
/* The finding for one value (same detector, place and fingerprint: the same
 * value): found, or added with count 0 and *created set. */
sm_finding *sm_result_value_finding(sm_result *r, const char *detector, const char *label,
				    const char *loc, const char *filename, const char *member,
				    const char fp[17], bool *created);
/* Why r gets no sender notice, or NULL (sender: the bare envelope sender). */
const char *sm_notice_why_not(const sm_result *r, const char *sender);
/* "subject", "header", "attachment", "quoted" or "body". */
const char *sm_finding_where(const sm_finding *f);
void sm_result_add_header(sm_result *r, char op, const char *name, const char *value, int index);
void sm_result_clear_headers(sm_result *r);
/* Drop every splice (the message is not delivered changed). */
void sm_result_clear_splices(sm_result *r);
void sm_result_note(sm_result *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* A file name that had a value masked: findings added with it as their
 * filename are marked name_masked (replies then name the part by number). */
void sm_result_mask_name(sm_result *r, const char *masked);

/* The spill file (opened on first use, unlinked, in dir or else $TMPDIR):
 * a part rewritten as a stream goes there instead of into memory.  -1 when it
 * cannot be created. */
int sm_result_spill(sm_result *r, const char *dir);

/* The original message's bytes: raw, mapped at the first call for a result
 * from sm_result_unwire (sm_result_load); NULL when they cannot be read.
 * The writers, the notice and decide.c read the message only through it. */
const uint8_t *sm_result_bytes(const sm_result *r);

/* Tell the kernel the original bytes [off, off + len) are not needed for
 * now, when they are a mapping of the spool file (a no-op otherwise): a large
 * message read once does not stay resident.  They read back from the page
 * cache when touched again. */
void sm_result_release(const sm_result *r, size_t off, size_t len);

#endif
