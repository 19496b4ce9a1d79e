/*
 * tbuf.h - text with a per-byte map back into its input, as produced by the
 * stages of the view (charset decoding, HTML, folding).  A plain growable
 * buffer: appends are amortised O(1) and ASCII runs are copied in bulk, since
 * this is the hot path of every scan.
 */
#ifndef SM_TBUF_H
#define SM_TBUF_H

#include <glib.h>
#include <stdint.h>
#include <string.h>

typedef struct sm_tbuf {
	char *text;       /* NUL-terminated once finished */
	uint32_t *start;  /* per text byte: input range [start, end) */
	uint32_t *end;
	size_t len, cap;
} sm_tbuf;

static inline void sm_tbuf_init(sm_tbuf *b, size_t hint)
{
	b->cap = hint + 16;
	b->len = 0;
	b->text = g_malloc(b->cap + 1);
	b->start = g_new(uint32_t, b->cap + 1);
	b->end = g_new(uint32_t, b->cap + 1);
}

static inline void sm_tbuf_free(sm_tbuf *b)
{
	g_free(b->text);
	g_free(b->start);
	g_free(b->end);
	memset(b, 0, sizeof(*b));
}

static inline void sm_tbuf_reserve(sm_tbuf *b, size_t more)
{
	if (b->len + more <= b->cap)
		return;
	while (b->len + more > b->cap)
		b->cap = b->cap * 2 + 16;
	b->text = g_realloc(b->text, b->cap + 1);
	b->start = g_renew(uint32_t, b->start, b->cap + 1);
	b->end = g_renew(uint32_t, b->end, b->cap + 1);
}

/* n bytes that all map to input range [a, z). */
static inline void sm_tbuf_emit(sm_tbuf *b, const char *bytes, size_t n, uint32_t a, uint32_t z)
{
	size_t i;

	sm_tbuf_reserve(b, n);
	memcpy(b->text + b->len, bytes, n);
	for (i = 0; i < n; i++) {
		b->start[b->len + i] = a;
		b->end[b->len + i] = z;
	}
	b->len += n;
}

/* n bytes copied one to one: byte i maps to [base + i, base + i + 1). */
static inline void sm_tbuf_run(sm_tbuf *b, const char *bytes, size_t n, uint32_t base)
{
	size_t i;

	sm_tbuf_reserve(b, n);
	memcpy(b->text + b->len, bytes, n);
	for (i = 0; i < n; i++) {
		b->start[b->len + i] = base + (uint32_t)i;
		b->end[b->len + i] = base + (uint32_t)i + 1;
	}
	b->len += n;
}

static inline void sm_tbuf_char(sm_tbuf *b, gunichar c, uint32_t a, uint32_t z)
{
	char buf[6];
	int n = g_unichar_to_utf8(c, buf);

	sm_tbuf_emit(b, buf, (size_t)n, a, z);
}

static inline void sm_tbuf_finish(sm_tbuf *b)
{
	sm_tbuf_reserve(b, 1);
	b->text[b->len] = 0;
}

#endif
