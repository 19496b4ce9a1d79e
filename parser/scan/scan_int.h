/*
 * scan_int.h - internal to the scan folder: the working state of one scan
 * and the levels that share it, from the bottom up: scan_span.c (detectors
 * over a span, findings, decoding within the budgets), scan_window.c (a
 * large text part window by window), scan.c (one part), scan_nest.c
 * (messages and files inside a part), scan_hdr.c (header fields),
 * scan_message.c (the entry points; the verdict is decide.c's).
 */
#ifndef SM_SCAN_INT_H
#define SM_SCAN_INT_H

#include "msg.h"
#include "result.h"
#include "view.h"

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
	GArray *body_split;     /* NULL, or of sm_rules_split, one per body view: its new
				 * text (sm_quote_split, owned) when the scan made it for a
				 * finding, else NULL */
	const sm_view *span_view; /* the view sm_scan_span returned last, */
	char *span_split;       /* its new text if a finding needed its history, owned */
	size_t span_hist;
	GPtrArray *keep;        /* left empty: a body view keeps no decoded bytes */
	GArray *strip;          /* guint part indexes to strip */
	GPtrArray *why;         /* char*: what was found in each stripped part */
	const char *error;      /* an internal error decided (static text), or NULL */
	const char *unparseable; /* a message inside could not be parsed (static text), or NULL */
	bool limit;             /* a limit decided */
	bool limit_transient;   /* one of them may pass on a retry (the deadline) */
	int depth;              /* messages inside encoded messages (sm_scan_nested) */
	sm_act limit_act;       /* on_permanent_limit, or on_limit when one is transient */
	GArray *prop;           /* values to propagate (scan_prop.c), or NULL */
	GArray *prop_parts;     /* the text parts and their first-pass masks, or NULL */
	const sm_exception *exc; /* the exception that applies to the message, or NULL */
} scan;

/* ---- scan_span.c: the bottom level */

/* A detector's configured action a for this message: "log" when the
 * message's exception relaxes the detector (*relaxed set), else a. */
sm_act sm_scan_action(const scan *s, const sm_detector_info *info, sm_act a, bool *relaxed);

/* A limit decided: note it once and remember the configured action.  A
 * limit is permanent (the same message hits it again: sizes, parts,
 * archive bombs) unless set as transient (the deadline): then on_limit
 * decides instead of on_permanent_limit. */
void sm_scan_set_limit(scan *s, const char *why, const char *where);
void sm_scan_set_transient(scan *s, const char *why, const char *where);
/* The scan's deadline passed (re.h): a transient limit is set.  For the
 * loops over parts, windows and members. */
bool sm_scan_expired(scan *s, const char *where);

/* Strip part idx; `why` completes "removed the attachment X: ...". */
void sm_scan_mark_strip(scan *s, guint idx, const char *why);
/* The same for a finding of the detector called label. */
void sm_scan_strip_found(scan *s, guint idx, const char *label);

/* The part's decoded bytes within the budgets (NULL over a limit, which is
 * set; `head` taken over when it is the whole part), and freeing them: a
 * part without transfer encoding is borrowed (its decoded bytes are the
 * message's own). */
GByteArray *sm_scan_decode(scan *s, const sm_part *p, GByteArray **head, bool whole);
bool sm_scan_borrowed(const sm_part *p);
void sm_scan_bytes_free(const sm_part *p, GByteArray *d);

/*
 * Detectors over src[0, len) of part idx (the part, or a window of it; cs
 * NULL: resolved from the part's label and the bytes): findings for hits
 * whose source starts in [own_a, own_z), their masks appended to edits (in
 * src offsets).  Returns the visible view, for sm_scan_keep_view.
 */
sm_view *sm_scan_span(scan *s, guint idx, const sm_part *p, const uint8_t *src, size_t len,
		      const sm_charset *cs, bool html, size_t own_a, size_t own_z, GArray *edits);

/* Keep a body part's view for the rules (its source dropped), else free it. */
void sm_scan_keep_view(scan *s, const sm_part *p, sm_view *v);

/* ---- scan_window.c: a text part larger than limits.scan_window_bytes,
 * window by window in bounded memory.  False when it cannot be read that way
 * (a stateful or 16-bit charset, uuencode): the caller scans it whole. */
bool sm_scan_windowed(scan *s, guint idx, const sm_part *p, bool html);

/* ---- scan_name.c: every part's file name through the detectors; a value
 * found is a finding and is masked in the part's name before anything
 * echoes it. */
void sm_scan_names(scan *s);

/* ---- scan.c: one part */

/* Inspect part idx of s->m (detectors, archives), recording findings,
 * splices and parts to strip in s. */
void sm_scan_part(scan *s, guint idx);
/* A text part (read whole or window by window). */
void sm_scan_text(scan *s, guint idx, const sm_part *p, bool html, GByteArray **head,
		  bool whole);
/* The text part whose decoded bytes are d (from sm_scan_decode; freed here). */
void sm_scan_text_bytes(scan *s, guint idx, const sm_part *p, bool html, GByteArray *d);

/* A part that cannot be inspected (images, audio, video; an archive we
 * cannot open): noted, and on_uninspected decides. */
void sm_scan_uninspected(scan *s, guint idx, const sm_part *p);

/* A whole part that cannot be read or inspected, as a finding of kind part:
 * what it is ("archive", "PDF"), its detector id and label, the reply,
 * why it is stripped (scan.c). */
typedef struct sm_part_problem {
	const char *what, *id, *label, *reply, *strip_why;
} sm_part_problem;
extern const sm_part_problem sm_problem_archive_unreadable, sm_problem_archive_encrypted,
	sm_problem_pdf_unreadable, sm_problem_pdf_encrypted;
/* on_encrypted for the part */
void sm_scan_encrypted(scan *s, guint idx, const sm_part *p, const sm_part_problem *k);
/* on_unreadable for the part, after what could be read was scanned; the
 * note says why (detail) */
void sm_scan_unreadable(scan *s, guint idx, const sm_part *p, const sm_part_problem *k,
			const char *detail);

/* A part's view edits applied: rewritten in place (a splice) or, where the
 * encoding cannot be re-applied, the part stripped; nothing after a limit. */
void sm_scan_apply_edits(scan *s, guint idx, const sm_part *p, const sm_view *v,
			 const GByteArray *d, GArray *edits);

/* ---- scan_binary.c: a part neither text nor archive: text with a few NULs,
 * else its printable strings through every detector (media: uninspected). */
void sm_scan_binary(scan *s, guint idx, const sm_part *p, GByteArray **head, bool whole);

/* ---- scan_nest.c: a message/ part in base64 or QP; an .eml attached as a
 * file (also read as text); files uuencoded into the decoded text d[0, n). */
void sm_scan_embedded(scan *s, guint idx, const sm_part *p, GByteArray **head, bool whole);
void sm_scan_eml(scan *s, guint idx, const sm_part *p, GByteArray **head, bool whole);
void sm_scan_unsplit(scan *s, guint idx, const sm_part *p, GByteArray **head, bool whole);
void sm_scan_uuencoded(scan *s, guint idx, const sm_part *p, const uint8_t *d, size_t n);
/* The same for a part read in windows: a second pass over its decoded bytes. */
void sm_scan_uu_stream(scan *s, guint idx, const sm_part *p);

/* ---- scan_prop.c: value propagation.  A masked value of a propagating
 * detector (hit h of view v) is remembered; a text part's first-pass masks
 * are recorded; after every part, each value's other occurrences are masked
 * in the recorded parts and then in the Subject (`masked`: the first pass's
 * encoded Subject or NULL, freed or returned). */
void sm_scan_prop_add(scan *s, const sm_view *v, const sm_hit *h);
void sm_scan_prop_part(scan *s, guint idx, bool html, const GArray *edits);
/* The values known so far masked in the view of a part being scanned. */
void sm_scan_prop_view(scan *s, const sm_part *p, const sm_view *v, GArray *edits);
void sm_scan_propagate(scan *s);
char *sm_scan_prop_subject(scan *s, char *masked);
void sm_scan_prop_free(scan *s);

/* ---- scan_hdr.c: a header value with the detectors' hits and `extra` hits
 * (in the view of utf8 built by sm_view_new_utf8) masked, encoded; NULL if
 * nothing changed.  No findings. */
char *sm_scan_header_mask(scan *s, const char *utf8, const GArray *extra);

/* ---- scan_message.c: a message carried inside a part of the outer one (a
 * base64 message/rfc822, an .eml, a uuencoded file), scanned as a message of
 * its own, one level deeper: the one place the scan recurses. */
sm_result *sm_scan_nested(const scan *outer, const uint8_t *buf, size_t len);

#endif
