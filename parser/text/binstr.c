/*
 * binstr.c - the printable strings of binary data, as strings(1) finds
 * them: runs of printable ASCII, and runs of printable ASCII written as
 * UTF-16LE (a character, then a zero byte), each at least `min`
 * characters, one per line of the output.  This is how an executable, a
 * signed profile (CMS/DER around an XML plist) or a dump still shows the
 * text it carries.
 *
 * sm_utf16le_shape tells UTF-16LE text by its NULs, for a part whose label
 * or sniffing missed it.  sm_bin_find is memmem with a two-byte SSE2 filter
 * (glibc's generic memmem costs ~2 instructions a byte).
 *
 * Untrusted input: all of it.  Limits: the output stops at max_out bytes
 * (the caller's bound, reported by the return value); one pass, each byte
 * looked at a bounded number of times.
 */
#include "binstr.h"

#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

static bool printable(uint8_t c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\t';
}

/* Append [s, e) (ASCII, or UTF-16LE when wide) as one line. */
static bool put(GString *out, const uint8_t *d, size_t s, size_t e, bool wide, size_t max_out)
{
	size_t n = wide ? (e - s) / 2 : e - s;

	if (out->len + n + 1 > max_out)
		return false;
	for (size_t i = s; i < e; i += wide ? 2 : 1)
		g_string_append_c(out, (char)d[i]);
	g_string_append_c(out, '\n');
	return true;
}

bool sm_utf16le_shape(const uint8_t *d, size_t n)
{
	size_t odd = 0, even = 0, ctl = 0;

	if (n > 4096)
		n = 4096;
	/* the loop reads the pairs of [0, n & ~1): without a NUL there (text
	 * that is plainly UTF-8 or ASCII), odd stays 0; memchr finds out fast */
	if (n < 2 || !memchr(d, 0, n & ~(size_t)1))
		return false;
	for (size_t i = 0; i + 1 < n; i += 2) {
		even += d[i] == 0;
		odd += d[i + 1] == 0;
		/* control characters (but tab and line ends) are binary, not text */
		ctl += d[i + 1] == 0 && d[i] < 0x20 && d[i] != '\t' && d[i] != '\r' && d[i] != '\n';
	}
	return odd >= 4 && even * 8 <= odd && ctl * 50 <= n / 2;
}

bool sm_strings(const uint8_t *d, size_t n, size_t min, GString *out, size_t max_out)
{
	size_t i = 0;

	while (i < n) {
		size_t s = i, e;

		if (!printable(d[i])) {
			i++;
			continue;
		}
		if (i + 1 < n && d[i + 1] == 0) { /* UTF-16LE: c 0 c 0 ... */
			for (e = i; e + 1 < n && printable(d[e]) && d[e + 1] == 0; e += 2)
				;
			if ((e - s) / 2 >= min && !put(out, d, s, e, true, max_out))
				return false;
			i = e > s ? e : s + 1;
			continue;
		}
		for (e = i; e < n && printable(d[e]); e++)
			;
		if (e - s >= min && !put(out, d, s, e, false, max_out))
			return false;
		i = e;
	}
	return true;
}

const uint8_t *sm_bin_find(const uint8_t *d, size_t n, const char *lit, size_t l)
{
	size_t i = 0, last;

	if (l < 2)
		return memmem(d, n, lit, l);
	if (n < l)
		return NULL;
	last = n - l; /* the last place lit can start */
#ifdef __SSE2__
	{
		const __m128i a = _mm_set1_epi8(lit[0]), b = _mm_set1_epi8(lit[1]);

		for (; n - i >= 17; i += 16) { /* the 17th byte: a pair at the 16th place */
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
			__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(d + i + 1));
			unsigned m = (unsigned)_mm_movemask_epi8(
				_mm_and_si128(_mm_cmpeq_epi8(x, a), _mm_cmpeq_epi8(y, b)));

			for (; m; m &= m - 1) {
				size_t k = i + (unsigned)__builtin_ctz(m);

				if (k > last)
					return NULL;
				if (memcmp(d + k + 2, lit + 2, l - 2) == 0)
					return d + k;
			}
		}
	}
#endif
	for (; i <= last; i++)
		if (d[i] == (uint8_t)lit[0] && memcmp(d + i, lit, l) == 0)
			return d + i;
	return NULL;
}
