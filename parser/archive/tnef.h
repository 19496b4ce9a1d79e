/*
 * tnef.h - a small, strictly bounded reader of Outlook's TNEF stream
 * (winmail.dat, application/ms-tnef): its attachments and its body text,
 * exposed like archive members so archive.c applies the same checks.
 *
 * What is read: the attachment attributes (attAttachRenddata starts one,
 * attAttachTitle, attAttachData, attAttachment with PR_ATTACH_LONG_FILENAME
 * and PR_ATTACH_DATA_BIN / _OBJ), the message body (attBody, and in
 * attMsgProps PR_BODY, PR_BODY_HTML, PR_RTF_COMPRESSED).  Compressed RTF is
 * decompressed only when its declared size is within max_bytes; its text is
 * then extracted when the RTF stays simple (no embedded objects or binary).
 * Anything else is skipped; what could not be read is reported as a problem.
 */
#ifndef SM_TNEF_H
#define SM_TNEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sm_tnef sm_tnef;

/* One attachment or body, in input order. */
typedef struct sm_tnef_member {
	const char *name;    /* file name as sent (raw bytes, NUL-terminated; owned by sm_tnef) */
	const uint8_t *data; /* into the input, or owned by sm_tnef (decoded RTF) */
	size_t len;
} sm_tnef_member;

/* Starts with the TNEF signature 0x223E9F78 (little-endian). */
bool sm_tnef_sniff(const uint8_t *d, size_t len);

/*
 * Parse `d` (borrowed: it must outlive the result).  At most max_members
 * members are kept and at most max_bytes of decoded (RTF) text produced;
 * past either, sm_tnef_problem says so.  NULL when d is not TNEF.
 */
sm_tnef *sm_tnef_parse(const uint8_t *d, size_t len, size_t max_members, size_t max_bytes);
void sm_tnef_free(sm_tnef *t);

size_t sm_tnef_count(const sm_tnef *t);
const sm_tnef_member *sm_tnef_member_at(const sm_tnef *t, size_t i);

/* NULL when the whole stream was read; else why not (static or owned text). */
const char *sm_tnef_problem(const sm_tnef *t);
/* The member count went past max_members (a limit, not a corruption). */
bool sm_tnef_over_members(const sm_tnef *t);

#endif
