/*
 * fold.h - folding text as the detectors see it (fold.c), with the map back
 * to the input kept in a textbuf.
 */
#ifndef SM_FOLD_H
#define SM_FOLD_H

#include "textbuf.h"

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* Fold one character c from input range [a, z) into out. */
void sm_fold_char(sm_tbuf *out, gunichar c, uint32_t a, uint32_t z);

/* Fold valid UTF-8 in[0, len) into out (maps are offsets into in), then
 * finish out. */
void sm_fold_into(const char *in, size_t len, sm_tbuf *out);

/* Fold one UTF-8 string (no map): for keywords, header values, tests. g_free. */
char *sm_fold(const char *utf8, size_t len);

#endif
