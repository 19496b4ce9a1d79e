/*
 * view.h - the text view detectors scan, with its map back to the source.
 *
 * A view is UTF-8, folded: full-width ASCII forms read as ASCII, the various
 * spaces as ' ', dash forms as '-', zero-width characters vanish, half-width
 * katakana become full-width, compatibility forms (①, ㈱) are NFKC-folded.
 * For HTML the view is the visible text (tags dropped, entities decoded).
 *
 * Every byte i of `text` maps back to the source byte range [s, e)
 * (sm_view_map) in the part's transfer-decoded content, in the part's own
 * charset.  The map is monotone: s never decreases with i.  It is a vmap
 * (vmap.h): runs of equal widths are one entry, so the map costs a few bytes
 * per run instead of 8 bytes per text byte.
 *
 * Ownership: sm_view owns text and the map; it does not own `src`.
 */
#ifndef SM_VIEW_H
#define SM_VIEW_H

#include "charset.h"
#include "fold.h"
#include "vmap.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sm_view {
	char *text;          /* NUL-terminated folded UTF-8 */
	size_t len;          /* bytes in text */
	sm_vmap map;         /* text byte -> source range (sm_view_map) */
	const uint8_t *src;  /* the decoded part bytes (not owned); NULL once the
	                        scan released them (body views kept for the rules) */
	size_t src_len;
	sm_charset cs;       /* what the source is, for writing masks back */
	bool html;           /* the view is the visible text of HTML */
	size_t quote_start;  /* HTML only: first quoted block (blockquote, divRplyFwdMsg,
	                        border-top separator) as a view offset; len if none */
} sm_view;

/*
 * Build the view of `src` (len bytes) in `charset` (may be NULL: detected).
 * max_len bounds the view (bytes of text); over it the view is cut and
 * *truncated is set, so the caller can apply its limit action.
 */
sm_view *sm_view_new(const uint8_t *src, size_t len, const char *charset, bool html,
		     size_t max_len, bool *truncated);

/* The same in a charset already resolved (a window of a large part is read
 * in the charset its part was resolved to, not guessed again). */
sm_view *sm_view_new_cs(const uint8_t *src, size_t len, const sm_charset *cs, bool html,
			size_t max_len, bool *truncated);

/* A view of UTF-8 text with the identity map (unit tests, header values). */
sm_view *sm_view_new_utf8(const char *text, size_t len);

void sm_view_free(sm_view *v);

/* The source range of view bytes [start, end). */
void sm_view_src_range(const sm_view *v, size_t start, size_t end, size_t *src_start,
		       size_t *src_end);

/* The source range [*s, *e) of view byte i; src_len, src_len past the end. */
void sm_view_map(const sm_view *v, size_t i, size_t *s, size_t *e);

#endif
