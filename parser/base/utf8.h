/*
 * utf8.h - UTF-8 validation with an 8-bytes-at-a-time ASCII path.
 */
#ifndef SM_UTF8_H
#define SM_UTF8_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Is s[0, len) valid UTF-8 without NUL bytes?  The same answer as GLib's
 * g_utf8_validate_len(s, len, NULL) (shortest forms only, no surrogates,
 * nothing above U+10FFFF, NUL is invalid), checked by tests/test_utf8.c.
 */
bool sm_utf8_valid(const uint8_t *s, size_t len);

/*
 * The character at s[0, n) (n >= 1) and its length in *k, exactly what
 * g_utf8_get_char_validated and g_utf8_skip give; *k = 0 (and the
 * character (gunichar)-1 or -2) when the bytes are no valid character.
 * Two- and three-byte characters (all of Japanese) without the call.
 */
static inline gunichar sm_utf8_char(const uint8_t *s, size_t n, size_t *k)
{
	uint8_t c = s[0];
	gunichar u;

	if (c < 0x80) {
		*k = 1;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf && n >= 2 && (s[1] & 0xc0) == 0x80) {
		*k = 2;
		return ((gunichar)(c & 0x1f) << 6) | (s[1] & 0x3f);
	}
	if (c >= 0xe0 && c <= 0xef && n >= 3 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		u = ((gunichar)(c & 0x0f) << 12) | ((gunichar)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		if (u >= 0x800 && (u < 0xd800 || u > 0xdfff)) {
			*k = 3;
			return u;
		}
	}
	u = g_utf8_get_char_validated((const char *)s, (gssize)n);
	*k = (u == (gunichar)-1 || u == (gunichar)-2) ? 0 : (size_t)g_utf8_skip[c];
	return u;
}

#endif
