/*
 * binstr.h - printable ASCII and UTF-16LE strings of binary data
 * (binstr.c).
 */
#ifndef SM_BINSTR_H
#define SM_BINSTR_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Append the strings of d[0, n) of at least min characters to out, one per
 * line.  False when max_out bytes of output would be passed (what fits is
 * kept).
 */
bool sm_strings(const uint8_t *d, size_t n, size_t min, GString *out, size_t max_out);

/* NULs at odd offsets and hardly any at even ones in the first 4 KiB:
 * UTF-16LE text whatever the label (ASCII characters have a NUL high byte,
 * Japanese ones do not, so Japanese text shows few). */
bool sm_utf16le_shape(const uint8_t *d, size_t n);

/* The first place of lit[0, l) in d[0, n), as memmem finds it (NULL if
 * none): sixteen places a step keep only those where lit's first two bytes
 * are (SSE2), then compared. */
const uint8_t *sm_bin_find(const uint8_t *d, size_t n, const char *lit, size_t l);

#endif
