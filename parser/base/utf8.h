/*
 * utf8.h - UTF-8 validation with an 8-bytes-at-a-time ASCII path.
 */
#ifndef SM_UTF8_H
#define SM_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Is s[0, len) valid UTF-8 without NUL bytes?  The same answer as GLib's
 * g_utf8_validate_len(s, len, NULL) (shortest forms only, no surrogates,
 * nothing above U+10FFFF, NUL is invalid), checked by tests/test_utf8.c.
 */
bool sm_utf8_valid(const uint8_t *s, size_t len);

#endif
