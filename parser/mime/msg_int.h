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

#endif
