/*
 * msg.h - the message model: a parsed message over the original bytes, its
 * leaf parts in depth-first order with stable locations ("1", "2.1", ...),
 * and transfer decoding straight from the original bytes.
 *
 * The original bytes are never copied or changed: every later rewrite is a
 * splice of them, so what is not edited stays byte for byte.
 */
#ifndef SM_MSG_H
#define SM_MSG_H

#include "sm.h"

#include <glib.h>
#include <gmime/gmime.h>

typedef struct sm_part {
	GMimeObject *obj;    /* borrowed from the message; NULL when read by msg_fast.c */
	char loc[64];        /* IMAP-style section: "1", "2.1", "2.1.3" */
	char *ctype;         /* "type/subtype", lower case (owned) */
	char *charset;       /* declared charset parameter or NULL (owned) */
	char *filename;      /* decoded (RFC 2047 / 2231) and made printable, or NULL (owned) */
	char *boundary;      /* the enclosing multipart's boundary, or NULL (owned) */
	bool attachment;     /* a file name or Content-Disposition: attachment */
	bool body;           /* a text/plain or text/html body part (not an attachment) */
	bool in_message;     /* inside an attached message/rfc822 */
	GMimeContentEncoding enc;
	size_t cstart, cend; /* the encoded content in the original bytes */
	int depth;
	bool gap;            /* a multipart's preamble or epilogue (raw text, no headers) */
	bool unsplit;        /* a multipart without a usable boundary, read as text */
} sm_part;

/* The header block of a message inside the message (message/rfc822): its
 * Subject, From ... are shown to whoever opens it, so they are scanned too. */
typedef struct sm_hblock {
	char loc[64];        /* the message part's section, e.g. "2" */
	size_t start, end;   /* first header line .. the empty line, in the original bytes */
} sm_hblock;

/* The top-level header block as the MTA sees it (frame.c): [hdr_start,
 * hdr_end), the empty line, the body from body_off.  Bytes before hdr_start
 * are whitespace (or an mbox From line) before the first header field;
 * body_off == hdr_end when no empty line ends the block (a body line
 * follows at once, or the message ends).  crlf: its lines end in CRLF. */
typedef struct sm_frame {
	size_t hdr_start, hdr_end, body_off;
	bool crlf;
} sm_frame;

/* A top-level header field read without GMime (msg_fast.c): name and raw
 * value (after the colon, through its line end, as GMime keeps it) in the
 * original bytes. */
typedef struct sm_field {
	size_t name, nlen, val, vlen;
} sm_field;

typedef enum {
	SM_MSG_OK = 0,
	SM_MSG_LIMIT, /* a limit was exceeded: msg->limit_what says which */
	SM_MSG_ERROR, /* could not parse at all */
} sm_msg_status;

typedef struct sm_msg {
	const uint8_t *raw;  /* the original bytes (not owned) */
	size_t len;
	size_t hdr_start;    /* first byte of the top-level header block (sm_frame) */
	size_t hdr_end;      /* end of the top-level header block (before the empty line) */
	size_t body_off;     /* first byte of the body */
	bool crlf;           /* the header block uses CRLF line ends */
	GByteArray *view_copy; /* what GMime parses when an empty line was inserted (frame.c) */
	size_t ins_at, ins;  /* ... ins bytes of it at ins_at */
	GMimeObject *top;    /* the top-level entity (owned), or NULL: parsed as a part,
			      * so it holds every top-level field (sm_msg_fields); NULL
			      * too when the fast reader read the message (fields) */
	GArray *fields;      /* sm_field: the top-level fields when the fast reader read
			      * the message (msg_fast.c), else NULL */
	GByteArray *arr;     /* a GByteArray header over raw for GMime's streams (not owning raw) */
	GPtrArray *parts;    /* sm_part*, leaves in depth-first order */
	sm_msg_status status;
	char limit_what[160];
	char *subject;       /* decoded UTF-8 or NULL (owned) */
	char *message_id;    /* or NULL (owned) */
	size_t cursor;       /* while parsing: end of the last part or gap placed */
	const char *outer;   /* while parsing: the innermost enclosing boundary (borrowed) */
	GArray *hblocks;     /* sm_hblock of embedded messages, in order */
} sm_msg;

/* Parse raw[0, len) (not copied; must outlive the sm_msg) within lim. */
sm_msg *sm_msg_parse(const uint8_t *raw, size_t len, const sm_limits *lim);
/* The same, with GMime reading the bytes through fd (the file raw maps, from
 * offset 0; not closed) when fd >= 0: a 100 MB spool file is read through a
 * small buffer instead of being paged in whole by the parse. */
sm_msg *sm_msg_parse_fd(const uint8_t *raw, size_t len, int fd, const sm_limits *lim);
void sm_msg_free(sm_msg *m);

/* uuencode: characters of a line kept, a length character and four per
 * three bytes of at most 63, and a few more. */
#define SM_UU_KEEP 88

/* A transfer decoder (decode.c): GMime's for base64 and quoted-printable,
 * a lenient one of our own for uuencode (short lines padded). */
typedef struct sm_dec {
	bool uu;
	bool end;            /* uuencode: "end" or a zero-length line seen */
	GMimeEncoding g;
	uint8_t line[SM_UU_KEEP]; /* uuencode: the current line's first characters */
	size_t n;
} sm_dec;

void sm_dec_init(sm_dec *d, GMimeContentEncoding enc);
/* Bytes out must have room for when a step is given len bytes (or a flush). */
size_t sm_dec_outlen(sm_dec *d, size_t len);
size_t sm_dec_step(sm_dec *d, const uint8_t *in, size_t len, uint8_t *out);
size_t sm_dec_flush(sm_dec *d, uint8_t *out);

/*
 * The transfer-decoded content of a part, at most max bytes, appended to out.
 * Returns 1 when the decoded content is longer than max (out then holds its
 * first max bytes), 0 when out holds all of it: never both.
 */
int sm_msg_decode(const sm_msg *m, const sm_part *p, size_t max, GByteArray *out);

/* In a uuencoded part's content s[0, n): the offset just after its
 * "begin MODE NAME" line, 0 when there is none. */
size_t sm_msg_uu_begin(const uint8_t *s, size_t n);

/* The top-level header fields, unfolded and RFC 2047-decoded, NULL-terminated
 * parallel arrays (g_strfreev both). */
void sm_msg_headers(const sm_msg *m, char ***names, char ***values);

/* The header block starting at raw[from] ends where (frame.c), looked for
 * before to: at the empty line (*body_off after it) or at the first line that
 * is neither a field nor a continuation (*body_off there too); to if none. */
size_t sm_msg_block_end(const uint8_t *raw, size_t from, size_t to, size_t *body_off);

/* The top-level header block of raw[0, len) as the MTA sees it (frame.c). */
void sm_msg_find_body(const uint8_t *raw, size_t len, sm_frame *f);

/* The stream GMime parses: base (all of raw) from hdr_start; when the block
 * has no empty line, a copy of raw with one inserted at hdr_end (*copy, the
 * caller's, to free after the parse's objects; *ins bytes at *ins_at of the
 * view), else *copy NULL.  Transfer full. */
GMimeStream *sm_msg_view(GMimeStream *base, const uint8_t *raw, const sm_frame *f, size_t len,
			 GByteArray **copy, size_t *ins_at, size_t *ins);

/* An offset GMime reports (in the view) as an offset in the original bytes;
 * (size_t)-1 for a negative one. */
size_t sm_msg_raw_off(const sm_msg *m, gint64 v);

/* Offset where a part's header block starts in the original (for replacing
 * the whole entity), or (size_t)-1 if it cannot be found. */
size_t sm_msg_part_header_start(const sm_msg *m, const sm_part *p);

#endif
