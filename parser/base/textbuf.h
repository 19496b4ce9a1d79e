/*
 * textbuf.h - text with a map back into its input, as produced by the stages
 * of the view (charset decoding, HTML, folding).  A plain growable buffer:
 * appends are amortised O(1) and ASCII runs are copied in bulk, since this
 * is the hot path of every scan.  The map is a vmap (vmap.h): an ASCII run is
 * one entry, not 8 bytes per text byte.
 */
#ifndef SM_TEXTBUF_H
#define SM_TEXTBUF_H

#include "vmap.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

typedef struct sm_tbuf {
	char *text; /* NUL-terminated once finished */
	sm_vmap map; /* text byte -> input range */
	size_t len, cap;
} sm_tbuf;

static inline void sm_tbuf_init(sm_tbuf *b, size_t hint)
{
	b->cap = hint + 16;
	b->len = 0;
	b->text = g_malloc(b->cap + 1);
	sm_vmap_init(&b->map);
}

static inline void sm_tbuf_free(sm_tbuf *b)
{
	g_free(b->text);
	sm_vmap_clear(&b->map);
	memset(b, 0, sizeof(*b));
}

static inline void sm_tbuf_reserve(sm_tbuf *b, size_t more)
{
	if (b->len + more <= b->cap)
		return;
	while (b->len + more > b->cap)
		b->cap = b->cap + b->cap / 2 + 16;
	b->text = g_realloc(b->text, b->cap + 1);
}

/* n bytes that all map to input range [a, z). */
static inline void sm_tbuf_emit(sm_tbuf *b, const char *bytes, size_t n, uint32_t a, uint32_t z)
{
	sm_tbuf_reserve(b, n);
	memcpy(b->text + b->len, bytes, n);
	sm_vmap_add(&b->map, n, a, z - a, 1);
	b->len += n;
}

/* count units of vw bytes copied from bytes, unit k mapping to
 * [a + k*sw, a + (k+1)*sw): a run of characters of one width. */
static inline void sm_tbuf_emit_units(sm_tbuf *b, const char *bytes, size_t count, size_t vw,
				      uint32_t a, uint32_t sw)
{
	sm_tbuf_reserve(b, count * vw);
	memcpy(b->text + b->len, bytes, count * vw);
	sm_vmap_add(&b->map, vw, a, sw, count);
	b->len += count * vw;
}

/* n bytes copied one to one: byte i maps to [base + i, base + i + 1). */
static inline void sm_tbuf_run(sm_tbuf *b, const char *bytes, size_t n, uint32_t base)
{
	sm_tbuf_reserve(b, n);
	memcpy(b->text + b->len, bytes, n);
	sm_vmap_add(&b->map, 1, base, 1, n);
	b->len += n;
}

/* c as UTF-8 into buf (6 bytes); its length.  The same bytes as
 * g_unichar_to_utf8, without the call for the BMP (every view character). */
static inline int sm_utf8_put(gunichar c, char *buf)
{
	if (c < 0x80) {
		buf[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		buf[0] = (char)(0xc0 | (c >> 6));
		buf[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		buf[0] = (char)(0xe0 | (c >> 12));
		buf[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	return g_unichar_to_utf8(c, buf);
}

/* c as UTF-8, mapping to input range [a, z): written in place, no memcpy. */
static inline void sm_tbuf_char(sm_tbuf *b, gunichar c, uint32_t a, uint32_t z)
{
	int n;

	sm_tbuf_reserve(b, 6);
	n = sm_utf8_put(c, b->text + b->len);
	sm_vmap_add(&b->map, (size_t)n, a, z - a, 1);
	b->len += (size_t)n;
}

/* Drop the text after len bytes; len lies in the last emit or run. */
static inline void sm_tbuf_truncate(sm_tbuf *b, size_t len)
{
	b->len = len;
	sm_vmap_truncate(&b->map, len);
}

static inline void sm_tbuf_finish(sm_tbuf *b)
{
	sm_tbuf_reserve(b, 1);
	b->text[b->len] = 0;
}

/* Give back the unused tail of the text and the map (the result is kept). */
static inline void sm_tbuf_shrink(sm_tbuf *b)
{
	b->cap = b->len;
	b->text = g_realloc(b->text, b->cap + 1);
	b->text[b->len] = 0;
	sm_vmap_shrink(&b->map);
}

#endif
