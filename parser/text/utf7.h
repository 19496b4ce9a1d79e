/*
 * utf7.h - UTF-7 (RFC 2152), the one stateful Unicode form mail still meets:
 * a decoder step that follows the base64 shift state, and a rewrite that
 * re-encodes a part with masks applied.
 */
#ifndef SM_UTF7_H
#define SM_UTF7_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "charset.h"

typedef struct sm_utf7_state {
	bool b64;      /* inside a '+' ... '-' run */
	uint32_t bits; /* bits read and not yet part of a character */
	int nbits;
} sm_utf7_state;

/*
 * One character at s[i] (i < len): its code point in *c (SM_CS_NOCHAR for
 * the shift characters themselves, U+FFFD for a malformed
 * run) and the bytes consumed (>= 1).  A character inside a run owns the
 * bytes that completed it; bits it shares with the next stay in the state.
 */
size_t sm_utf7_step(const uint8_t *s, size_t len, size_t i, sm_utf7_state *st, gunichar *c);

/* src re-encoded in UTF-7 with the edits applied (sorted, not overlapping):
 * a character whose bytes meet an edit becomes '*', or the edit's ascii text
 * once at its start.  Line ends are kept; runs are closed before them. */
void sm_utf7_rewrite(const uint8_t *src, size_t len, const sm_edit *edits, size_t n,
		     GByteArray *out);

#endif
