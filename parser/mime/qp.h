/*
 * qp.h - quoted-printable decoding of a whole part (RFC 2045 6.7), giving
 * exactly the bytes GMime 3.2's decoder gives (tests/test_qp.c compares
 * them), in one pass and without GMime's per-byte state machine.
 */
#ifndef SM_QP_H
#define SM_QP_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "charset.h"

/*
 * Append the decoding of src[0, n) to out, at most max bytes of it; true
 * when the decoding is longer than max (out then holds its first max
 * bytes).  "=XY" with two hex digits is the byte XY, "=" before LF or CRLF
 * is a soft line break, any other "=" sequence is kept as it is, an
 * unfinished one at the very end is dropped (as GMime drops it).
 */
bool sm_qp_decode(const uint8_t *src, size_t n, size_t max, GByteArray *out);

/*
 * Append the quoted-printable encoding of the text s[0, n) to out: printable
 * ASCII but "=" as it is, a blank as it is unless it ends a line, any other
 * byte "=XY"; line ends (LF, or CRLF with crlf; a lone CR is "=0D") as the
 * part's (CRLF with crlf); soft line breaks keep every line within 76
 * characters.  more: the text is not the part's end but goes on in the
 * line after (an open last line is closed by a soft line break, its blanks
 * are safe).
 */
void sm_qp_encode(const uint8_t *s, size_t n, bool crlf, bool more, GByteArray *out);

/*
 * A changed part re-encoded keeping its unchanged lines (qp_splice.c).
 * enc[0, n): the part's encoded bytes, whose decoding is dlen bytes long;
 * nd[0, nlen): its new decoded text, equal to the old outside the spans
 * sp[0, nsp) (sm_charset_rewrite_spans); crlf: the part's line ends.
 * Appends to out every segment (encoded text up to a hard line break) that
 * no span touches and that is valid quoted-printable as it stands, byte for
 * byte, and the rest encoded from the new text (sm_qp_encode).  False, with out as it was,
 * when the lengths and spans do not fit the part.
 */
bool sm_qp_splice(const uint8_t *enc, size_t n, size_t dlen, const uint8_t *nd, size_t nlen,
		  const sm_rw_span *sp, size_t nsp, bool crlf, GByteArray *out);

#endif
