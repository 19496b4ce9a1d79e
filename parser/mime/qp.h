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

/*
 * Append the decoding of src[0, n) to out, at most max bytes of it; true
 * when the decoding is longer than max (out then holds its first max
 * bytes).  "=XY" with two hex digits is the byte XY, "=" before LF or CRLF
 * is a soft line break, any other "=" sequence is kept as it is, an
 * unfinished one at the very end is dropped (as GMime drops it).
 */
bool sm_qp_decode(const uint8_t *src, size_t n, size_t max, GByteArray *out);

#endif
