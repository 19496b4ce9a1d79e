/*
 * qp.c - quoted-printable decoding of a whole part (qp.h).
 *
 * The decoder GMime runs for a part (g_mime_encoding_step) reads one byte
 * per state-machine turn; Japanese text in quoted-printable is almost all
 * "=XY" triples, so a 10 KB part cost ~170 K instructions per message.  This
 * is the same decoding, written straight into the output: literal runs are
 * found with memchr and copied at once, a triple is two digit lookups.
 *
 * Untrusted input: the part's encoded bytes.  Limits: one pass over them;
 * the output is never longer than the input, and at most max bytes of it
 * are kept (the caller's part limit), so the buffer is sized once.
 */
#include "qp.h"

#include <string.h>

/* Hex digit values, -1 for anything else (what isxdigit accepts). */
static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool sm_qp_decode(const uint8_t *src, size_t n, size_t max, GByteArray *out)
{
	size_t base = out->len, room = n < max ? n : max, o = 0, i = 0;
	uint8_t *d;
	bool cut = false;

	g_byte_array_set_size(out, (guint)(base + room));
	d = out->data + base;
#define PUT(b)                           \
	do {                             \
		if (o == room) {         \
			cut = true;      \
			goto done;       \
		}                        \
		d[o++] = (uint8_t)(b);   \
	} while (0)
	while (i < n) {
		uint8_t c1, c2;
		int hi, lo;

		if (src[i] != '=') { /* a literal run: up to the next '=' at once */
			const uint8_t *eq = memchr(src + i, '=', n - i);
			size_t run = (eq ? (size_t)(eq - src) : n) - i;

			if (run > room - o) {
				memcpy(d + o, src + i, room - o);
				o = room;
				cut = true;
				goto done;
			}
			memcpy(d + o, src + i, run);
			o += run;
			i += run;
			continue;
		}
		if (++i == n)
			break; /* "=" at the end: dropped */
		c1 = src[i++];
		if (c1 == '\n')
			continue; /* soft line break */
		if (i == n)
			break; /* "=X" at the end: dropped */
		c2 = src[i++];
		hi = hexval(c1);
		lo = hexval(c2);
		if (hi >= 0 && lo >= 0)
			PUT((hi << 4) | lo);
		else if (!(c1 == '\r' && c2 == '\n')) {
			PUT('=');
			PUT(c1);
			PUT(c2);
		}
	}
#undef PUT
done:
	g_byte_array_set_size(out, (guint)(base + o));
	return cut;
}
