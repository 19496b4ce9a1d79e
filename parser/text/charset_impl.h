/*
 * charset_impl.h - what the four parts of the charset module share (internal
 * to parser/text/; everything else includes charset.h): the stepping
 * decoders and tables (charset.c), guessing (charset_guess.c), used by label
 * resolution (charset_label.c) and rewriting (charset_rewrite.c).
 */
#ifndef SM_CHARSET_IMPL_H
#define SM_CHARSET_IMPL_H

#include "charset.h"
#include "utf7.h"

#include <iconv.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define NOCHAR SM_CS_NOCHAR

enum { M_ASCII = 0, M_JIS208, M_KANA, M_JIS212, M_OTHER94 };

typedef struct cstate {
	int mode;
	bool so;         /* SO (0x0E) shifted to half-width kana (CP50221) */
	uint8_t esc[4];  /* the designation that set `mode`, re-emitted after an ASCII edit */
	uint8_t esc_len;
	sm_utf7_state u7;
} cstate;

typedef struct stepper {
	const sm_charset *cs;
	const gunichar *sbcs;
	iconv_t cd;
	cstate st;
} stepper;

/* cp932_table.c (generated from iconv by tests/gen/cp932.py): the two-byte
 * CP932 characters, 0 where there is none; sm_cp932 reads it. */
#define SM_CP932_ROWS 60  /* lead bytes 0x81-0x9F, 0xE0-0xFC */
#define SM_CP932_COLS 189 /* trail bytes 0x40-0xFC */
extern const uint16_t sm_cp932_table[SM_CP932_ROWS * SM_CP932_COLS];

/* The character of the CP932 pair (lead, trail), 0 when none. */
static inline gunichar sm_cp932(unsigned lead, unsigned trail)
{
	unsigned row;

	if (trail < 0x40 || trail > 0xfc)
		return 0;
	if (lead >= 0x81 && lead <= 0x9f)
		row = lead - 0x81;
	else if (lead >= 0xe0 && lead <= 0xfc)
		row = lead - 0xe0 + 31;
	else
		return 0;
	return sm_cp932_table[row * SM_CP932_COLS + (trail - 0x40)];
}
/* charset.c: the single-byte table of an iconv charset name (NULL: unknown). */
const gunichar *sm_cs_sbcs_table(const char *name);
/* charset.c: one character at s[i]: its byte count (>= 1) and *c. */
size_t sm_cs_step_cp932(const uint8_t *s, size_t len, size_t i, gunichar *c);
size_t sm_cs_step_eucjp(const uint8_t *s, size_t len, size_t i, gunichar *c);
/* A byte every ASCII-compatible stepper reads as itself, one byte, no state
 * change (not NUL, ESC, SO or SI). */
static inline bool sm_cs_plain_ascii(uint8_t b)
{
	return b < 0x80 && b != 0 && b != 0x1b && b != 0x0e && b != 0x0f;
}

/* Does the 8-byte word w hold a byte that is not sm_cs_plain_ascii?  High bit,
 * NUL, ESC, SO or SI (SO | 1 == SI): the classic "has a zero byte" test on
 * w and on w with those bytes turned into zeros. */
static inline bool sm_cs_word_has_special(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t esc = w ^ (ones * 0x1b), shift = (w | ones) ^ (ones * 0x0f);

	return ((w | ((w - ones) & ~w) | ((esc - ones) & ~esc) | ((shift - ones) & ~shift)) &
		highs) != 0;
}

/* The end of the run of plain_ascii bytes that starts at src[i]: eight bytes
 * at a time, then byte by byte within the word that ends it. */
static inline size_t sm_cs_ascii_run_end(const uint8_t *src, size_t i, size_t len)
{
	uint64_t w;

#ifdef __SSE2__
	/* sixteen bytes a step: a special byte has its high bit set, or equals
	 * NUL or ESC, or is SO or SI (b | 1 == SI); the first one ends the run */
	const __m128i zero = _mm_setzero_si128(), esc = _mm_set1_epi8(0x1b),
		      si = _mm_set1_epi8(0x0f), one = _mm_set1_epi8(1);

	while (len - i >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
		__m128i sp = _mm_or_si128(
			_mm_or_si128(v, _mm_cmpeq_epi8(v, zero)),
			_mm_or_si128(_mm_cmpeq_epi8(v, esc),
				     _mm_cmpeq_epi8(_mm_or_si128(v, one), si)));
		unsigned m = (unsigned)_mm_movemask_epi8(sp);

		if (m)
			return i + (size_t)__builtin_ctz(m);
		i += 16;
	}
#endif
	while (len - i >= 8) {
		memcpy(&w, src + i, 8);
		if (sm_cs_word_has_special(w))
			break;
		i += 8;
	}
	while (i < len && sm_cs_plain_ascii(src[i]))
		i++;
	return i;
}

void sm_cs_stepper_init(stepper *sp, const sm_charset *cs);
void sm_cs_stepper_done(stepper *sp);
size_t sm_cs_step(stepper *sp, const uint8_t *s, size_t len, size_t i, gunichar *c);

/* charset_guess.c */
bool sm_cs_valid_utf8(const uint8_t *s, size_t len, bool *ascii);
bool sm_cs_valid_utf8_nul(const uint8_t *s, size_t len, bool *ascii, bool *strict);
bool sm_cs_has_iso2022_escape(const uint8_t *s, size_t len);
void sm_cs_set(sm_charset *out, sm_cs_kind k, const char *name, bool detected);
void sm_cs_guess(const uint8_t *s, size_t len, sm_charset *out);

#endif
