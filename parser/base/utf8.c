/*
 * utf8.c - UTF-8 validation (utf8.h), the hot check before a text part is
 * used as is (charset.c, view.c).  Runs of ASCII are checked sixteen bytes
 * at a time (SSE2; eight without); other sequences byte by byte with the
 * ranges of RFC 3629 table 3.
 *
 * Untrusted input: the bytes; one pass, never reads past s + len.  Owns
 * nothing.
 */
#include "utf8.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

/* Eight ASCII bytes, none of them NUL? */
static bool ascii8(const uint8_t *s)
{
	uint64_t x;

	memcpy(&x, s, 8);
	return !(x & HIGH) && !((x - ONES) & ~x & HIGH);
}

#ifdef __SSE2__
/* A bit per byte of s[0, 16) that is NUL or 8-bit (0: sixteen ASCII bytes). */
static unsigned stop16(const uint8_t *s)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, _mm_setzero_si128())));
}
#endif

static bool cont(uint8_t b)
{
	return (b & 0xc0) == 0x80;
}

/* Length of the valid sequence at s[0, n) (n >= 1, s[0] >= 0x80), or 0. */
static size_t multi(const uint8_t *s, size_t n)
{
	uint8_t c = s[0], lo = 0x80, hi = 0xbf;
	size_t k, i;

	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		k = 3;
		lo = c == 0xe0 ? 0xa0 : 0x80; /* overlong */
		hi = c == 0xed ? 0x9f : 0xbf; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 4;
		lo = c == 0xf0 ? 0x90 : 0x80; /* overlong */
		hi = c == 0xf4 ? 0x8f : 0xbf; /* above U+10FFFF */
	} else
		return 0;
	if (n < k || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < k; i++)
		if (!cont(s[i]))
			return 0;
	return k;
}

bool sm_utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0, k;

	while (i < len) {
#ifdef __SSE2__
		if (len - i >= 16) {
			unsigned m = stop16(s + i);

			if (!m) {
				i += 16;
				continue;
			}
			i += (size_t)__builtin_ctz(m); /* a NUL or an 8-bit byte: below */
		} else
#endif
		if (len - i >= 8 && ascii8(s + i)) {
			i += 8;
			continue;
		}
		if (s[i] < 0x80) {
			if (!s[i])
				return false;
			i++;
			continue;
		}
		/* three-byte characters without the overlong and surrogate edges
		 * (lead E1-EC, EE-EF: all of kana and kanji), in a tight loop */
		while (len - i >= 3 && ((s[i] >= 0xe1 && s[i] <= 0xec) || s[i] == 0xee || s[i] == 0xef) &&
		       cont(s[i + 1]) && cont(s[i + 2]))
			i += 3;
		if (i == len || s[i] < 0x80)
			continue;
		if (!(k = multi(s + i, len - i)))
			return false;
		i += k;
	}
	return true;
}
