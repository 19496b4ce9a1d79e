/*
 * sm.h - types shared by every parser module: actions, limits, findings.
 */
#ifndef SM_SM_H
#define SM_SM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* What a detector or rule asks for, ordered by strength: the strongest wins. */
typedef enum {
	SM_ACT_NONE = 0,
	SM_ACT_LOG,        /* audit only */
	SM_ACT_TAG,        /* header only */
	SM_ACT_MASK,       /* edit the value in place */
	SM_ACT_STRIP,      /* replace the attachment by a notice */
	SM_ACT_QUARANTINE, /* hold the message in the MTA's queue */
	SM_ACT_REJECT,     /* 5xx */
	SM_ACT_TEMPFAIL,   /* 4xx: used for limits and failures */
} sm_act;

/* Names for configuration and JSON; NULL-terminated, indexed by sm_act. */
extern const char *const sm_act_names[];

/* The verdict of a whole message, as the --test JSON and the milter see it. */
typedef enum {
	SM_V_ACCEPT = 0, /* deliver as is (maybe headers added) */
	SM_V_MODIFY,     /* deliver changed */
	SM_V_REJECT,
	SM_V_QUARANTINE,
	SM_V_DISCARD,
	SM_V_TEMPFAIL,
} sm_verdict;

extern const char *const sm_verdict_names[];

/* Limits on untrusted input (group `limits` of the configuration). */
typedef struct sm_limits {
	long long max_message_bytes; /* whole message as received */
	long long max_parts;         /* MIME leaves and containers */
	long long max_depth;         /* multipart / message nesting */
	long long max_header_bytes;  /* one header field, and the header block */
	long long max_headers;       /* header fields per entity */
	long long max_part_bytes;    /* transfer-decoded bytes inspected per part */
	long long max_total_bytes;   /* transfer-decoded bytes inspected per message */
	long long max_findings;      /* detector hits kept per message */
	long long scan_window_bytes; /* a larger text part is scanned window by window */
	long long archive_max_members;
	long long archive_max_depth;
	long long archive_max_bytes; /* uncompressed bytes read per archive */
	long long archive_max_ratio; /* uncompressed / compressed */
	long long regex_match_limit; /* PCRE2 match and depth limit per start position */
	long long regex_heap_bytes;  /* PCRE2 interpreter's backtracking memory */
	long long regex_jit_stack_bytes; /* the JIT stack of one scan */
	long long scan_time_ms;      /* the scan's deadline for a message under 1 MiB ... */
	long long scan_time_ms_per_mib; /* ... plus this much per MiB of message */
	int on_limit;                /* sm_act: a transient limit (deadline, memory) */
	int on_permanent_limit;      /* sm_act: a limit the same message always hits */
	int on_encrypted;            /* sm_act: an encrypted archive */
	int on_uninspected;          /* sm_act: media with no text (image, audio, video) */
	int on_unreadable;           /* sm_act: an archive that cannot be read to its end */
} sm_limits;

/* Mask styles a detector asks for on its span. */
typedef enum {
	SM_MASK_NONE = 0,
	SM_MASK_DIGITS_KEEP4, /* every digit but the last four becomes '*' (cards) */
	SM_MASK_FIXED,        /* the whole span becomes "********" (passwords) */
	SM_MASK_ALL,          /* every non-space character becomes '*' (keys, blobs) */
} sm_mask_style;

/* A detector hit inside one view (byte offsets into the view's text). */
typedef struct sm_hit {
	unsigned det;        /* index of the detector in its set */
	size_t start, end;   /* the span to mask, [start, end) */
	sm_mask_style mask;
	int confidence;      /* 0-100, informational */
} sm_hit;

#endif
