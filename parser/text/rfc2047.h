/*
 * rfc2047.h - RFC 2047 decoding of header text into UTF-8.
 *
 * GMime 3.2's decoder drops the second of two adjacent ISO-2022-JP encoded
 * words (as Python and others write long Japanese Subjects), losing the SR
 * number.  Here adjacent encoded words in the same charset have their bytes
 * joined before decoding (so a character split across words survives), and
 * the bytes go through charset.c (ISO-2022-JP with CP50220 extensions,
 * Shift_JIS, ...).  Raw 8-bit text outside encoded words is decoded as
 * UTF-8 when valid, else detected.
 */
#ifndef SM_RFC2047_H
#define SM_RFC2047_H

#include <stddef.h>

/* Decode raw header text (unfolded or not) to UTF-8; at most max input
 * bytes are read.  g_free. */
char *sm_header_decode(const char *raw, size_t len);

#endif
