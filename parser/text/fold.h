/*
 * fold.h - folding text as the detectors see it (fold.c), with the map back
 * to the input kept in a textbuf.
 */
#ifndef SM_FOLD_H
#define SM_FOLD_H

#include "textbuf.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fold one character c from input range [a, z) into out. */
void sm_fold_char(sm_tbuf *out, gunichar c, uint32_t a, uint32_t z);

/* Characters folding leaves as they are and sm_fold_char need not see:
 * ASCII, CJK punctuation, kana, CJK ideographs (most of Japanese text). */
static inline bool sm_fold_keeps(gunichar c)
{
	return c < 0x80 || (c >= 0x3001 && c < 0x3200) || (c >= 0x3400 && c < 0xa000);
}

static inline void sm_fold_put(sm_tbuf *out, gunichar c, uint32_t a, uint32_t z)
{
	if (sm_fold_keeps(c))
		sm_tbuf_char(out, c, a, z);
	else
		sm_fold_char(out, c, a, z);
}

/*
 * The end of the run, from s[i], of valid three-byte UTF-8 characters that
 * sm_fold_keeps (U+3001-U+31FF, U+3400-U+9FFF): decoded and folded, such a
 * run is its own bytes, one map unit per character.
 */
static inline size_t sm_fold_kept3_end(const uint8_t *s, size_t i, size_t len)
{
	while (len - i >= 3) {
		uint8_t b0 = s[i], b1 = s[i + 1], b2 = s[i + 2];

		if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80)
			break;
		if (!((b0 >= 0xe4 && b0 <= 0xe9) ||
		      (b0 == 0xe3 && (b1 >= 0x90 || (b1 >= 0x81 && b1 <= 0x87) ||
				      (b1 == 0x80 && b2 >= 0x81)))))
			break;
		i += 3;
	}
	return i;
}

/* Fold valid UTF-8 in[0, len) into out (maps are offsets into in), then
 * finish out. */
void sm_fold_into(const char *in, size_t len, sm_tbuf *out);

/* Fold one UTF-8 string (no map): for keywords, header values, tests. g_free. */
char *sm_fold(const char *utf8, size_t len);

#endif
