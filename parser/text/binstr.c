/*
 * binstr.c - the printable strings of binary data, as strings(1) finds
 * them: runs of printable ASCII, and runs of printable ASCII written as
 * UTF-16LE (a character, then a zero byte), each at least `min`
 * characters, one per line of the output.  This is how an executable, a
 * signed profile (CMS/DER around an XML plist) or a dump still shows the
 * text it carries.
 *
 * sm_utf16le_shape tells UTF-16LE text by its NULs, for a part whose label
 * or sniffing missed it.
 *
 * Untrusted input: all of it.  Limits: the output stops at max_out bytes
 * (the caller's bound, reported by the return value); one pass, each byte
 * looked at a bounded number of times.
 */
#include "binstr.h"

#include <string.h>

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
