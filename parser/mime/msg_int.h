/*
 * msg_int.h - between msg.c (the GMime walk) and msg_locate.c (what GMime
 * gives no offsets for, located in the original bytes).  Not for other
 * modules: they use msg.h.
 */
#ifndef SM_MSG_INT_H
#define SM_MSG_INT_H

#include "msg.h"

/* msg.c: the header fields o has as a part of the message: for the
 * top-level entity (parsed as a part) only its Content-* fields (what GMime
 * gives a message's part; the others were the message's).  Their count, and
 * the last one into *last (NULL when none). */
int sm_msg_fields(const sm_msg *m, GMimeObject *o, GMimeHeader **last);

/* msg.c: a leaf for object o (its content where GMime's stream says). */
void sm_msg_add_leaf(sm_msg *m, GMimeObject *o, const char *loc, int depth,
		     const char *boundary, bool in_msg);

/* msg_locate.c.  The bool functions return false when what they place
 * cannot be located (sm_msg_set_unlocated says so: SM_MSG_ERROR). */
bool sm_msg_preamble(sm_msg *m, GMimeMultipart *mp, const char *loc, int depth, bool in_msg);
bool sm_msg_epilogue(sm_msg *m, GMimeMultipart *mp, const char *loc, int depth, bool in_msg);
/* A multipart GMime found no parts in: one text leaf (sm_part.unsplit). */
bool sm_msg_add_unsplit(sm_msg *m, GMimeObject *o, const char *loc, int depth,
			const char *boundary, bool in_msg);
/* A message/rfc822 in base64, quoted-printable or uuencode? */
bool sm_msg_encoded_message(GMimeObject *o);
bool sm_msg_add_encoded_message(sm_msg *m, GMimeObject *o, const char *loc, int depth,
				const char *boundary, bool in_msg);
void sm_msg_add_hblock(sm_msg *m, GMimeObject *inner, const char *loc, int depth,
		       const sm_limits *lim);
/* After the walk: gaps give up bytes parts claim; then none may overlap one. */
void sm_msg_trim_gaps(sm_msg *m);
bool sm_msg_gaps_apart(const sm_msg *m);
bool sm_msg_set_unlocated(sm_msg *m, const char *what);

/* msg.c: a file name for reports and matching (last path component,
 * printable, bounded), or NULL. */
char *sm_msg_clean_filename(const char *name);
void sm_msg_top_fields(sm_msg *m, const char *rawsub, size_t sublen, const char *id);

/* How sm_msg_parse_mode parses: the fast reader when it accepts the
 * message, else GMime (SM_PARSE_AUTO, what sm_msg_parse does); GMime only;
 * the fast reader only (NULL when it declines: for the oracle test). */
typedef enum { SM_PARSE_AUTO, SM_PARSE_GMIME, SM_PARSE_FAST } sm_parse_mode;
sm_msg *sm_msg_parse_mode(const uint8_t *raw, size_t len, int fd, const sm_limits *lim,
			  sm_parse_mode mode);

/* msg_fast.c: the common well-formed shapes read without GMime (a single
 * part; multipart/mixed, alternative or related with exact delimiter
 * lines) into m (framed, prepassed, nothing else set), exactly as the
 * GMime walk reads them.  false when declined: m is then as it was. */
bool sm_msg_fast(sm_msg *m, const sm_limits *lim);

/* msg_fhdr.c: a header block of plain fields (see there), from raw[from]
 * to the empty line; the top-level block's fields into fields (if not
 * NULL).  0, or -1 when declined. */
#define SM_FAST_CT 0
#define SM_FAST_CTE 1
#define SM_FAST_CD 2
typedef struct sm_fblock {
	const uint8_t *raw;
	size_t blank;        /* where the empty line starts */
	size_t end;          /* after the empty line: the content's first byte */
	int fields, cfields; /* fields, Content-* fields */
	size_t other;        /* where the first field but Content-* starts, or
			      * (size_t)-1 (a GMime message keeps only those) */
	int cur;             /* while reading */
	struct {
		bool seen;
		size_t at, n; /* raw value */
	} v[3];              /* SM_FAST_CT, _CTE, _CD */
} sm_fblock;
int sm_fast_block(const uint8_t *raw, size_t from, size_t len, sm_fblock *b, GArray *fields);

/* A Content-Type ("type/subtype", slash) or Content-Disposition value. */
#define SM_FAST_PARAMS 8
typedef struct sm_fhval {
	const uint8_t *tok;
	size_t tokn;
	int n;
	struct {
		const uint8_t *a, *v;
		size_t an, vn;
	} p[SM_FAST_PARAMS];
} sm_fhval;
bool sm_fast_hval(const uint8_t *v, size_t n, bool slash, sm_fhval *h);
/* The value of parameter name (case-insensitive), a new string, or NULL. */
char *sm_fast_param(const sm_fhval *h, const char *name);

#endif
