/*
 * qp.c - quoted-printable decoding of a whole part, and encoding of the
 * lines of a changed part (qp.h).
 *
 * The decoder GMime runs for a part (g_mime_encoding_step) reads one byte
 * per state-machine turn; Japanese text in quoted-printable is almost all
 * "=XY" triples, so a 10 KB part cost ~170 K instructions per message.  This
 * is the same decoding, written straight into the output: literal runs are
 * found with memchr and copied at once (a short one sixteen bytes at a time,
 * SSE2), a triple is one pair lookup.
 *
 * The encoder writes every line within 76 characters (GMime's lets a line
 * ending in an encoded blank reach 77 or 78).
 *
 * Untrusted input: the part's encoded bytes.  Limits: one pass over them;
 * the output is never longer than the input, and at most max bytes of it
 * are kept (the caller's part limit), so the buffer is sized once.  The
 * encoder's output is at most 3 bytes per input byte plus 3 per 25 of them
 * (soft line breaks).
 */
#include "qp.h"

#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Hex digit values plus one, 0 for anything else (what isxdigit accepts). */
static const uint8_t hex1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
	['F'] = 16, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

static int hexval(uint8_t c)
{
	return (int)hex1[c] - 1;
}

/* The two bytes at p as one table index, in any byte order. */
static unsigned at2(const uint8_t *p)
{
	uint16_t x;

	memcpy(&x, p, 2);
	return x;
}

/* By at2 of the two digits after '=': the byte they make plus one, 0 when
 * either is no hex digit.  Built once (128 KB, of which the rows of the 22
 * hex digits are ever read). */
static gpointer build_pairs(gpointer unused)
{
	uint16_t *t = g_new0(uint16_t, 65536);

	(void)unused;
	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b++)
			if (hex1[a] && hex1[b]) {
				const uint8_t two[2] = {(uint8_t)a, (uint8_t)b};

				t[at2(two)] = (uint16_t)((((hex1[a] - 1) << 4) | (hex1[b] - 1)) + 1);
			}
	return t;
}

static const uint16_t *hex_pairs(void)
{
	static GOnce once = G_ONCE_INIT;

	return g_once(&once, build_pairs, NULL);
}

/* A run of "=XY" triples from src[*i] into d[*o], while the output has
 * room: one pair lookup per triple, the bounds checked once per run. */
static void triples(const uint8_t *src, size_t n, size_t *i, uint8_t *d, size_t *o, size_t room)
{
	const uint16_t *pair = hex_pairs();
	size_t k = *i, w = *o, end, v;

	if (n - k < 3 || w >= room)
		return;
	/* every triple writes one byte: stop where either side runs out */
	end = (n - k) / 3 < room - w ? k + (n - k) / 3 * 3 : k + (room - w) * 3;
	while (k < end && src[k] == '=' && (v = pair[at2(src + k + 1)]) != 0) {
		d[w++] = (uint8_t)(v - 1);
		k += 3;
	}
	*i = k;
	*o = w;
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

		/* a run of "=XY" (Japanese text is almost all of them), while
		 * the output has room */
		triples(src, n, &i, d, &o, room);
		if (i >= n)
			break;
		if (src[i] != '=') { /* a literal run: up to the next '=' at once */
			const uint8_t *eq;
#ifdef __SSE2__
			/* most runs are short (attribute text between "=3D"s): the
			 * next '=' among sixteen bytes, copied as sixteen (the output
			 * has room for them; what follows the run is written over) */
			if (n - i >= 16 && room - o >= 16) {
				__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
				unsigned m = (unsigned)_mm_movemask_epi8(
					_mm_cmpeq_epi8(x, _mm_set1_epi8('=')));

				if (m) {
					size_t run = (size_t)__builtin_ctz(m);

					_mm_storeu_si128((__m128i *)(void *)(d + o), x);
					o += run;
					i += run;
					continue;
				}
			}
#endif
			eq = memchr(src + i, '=', n - i);
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

/* A line end of the text at s[i] (LF, or CRLF when crlf): its length, else 0. */
static size_t eol_at(const uint8_t *s, size_t n, size_t i, bool crlf)
{
	if (i < n && s[i] == '\n')
		return 1;
	if (crlf && i + 1 < n && s[i] == '\r' && s[i + 1] == '\n')
		return 2;
	return 0;
}

void sm_qp_encode(const uint8_t *s, size_t n, bool crlf, bool more, GByteArray *out)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *nl = crlf ? "\r\n" : "\n";
	size_t i = 0, col = 0, k, base = out->len, o;
	uint8_t *d;

	/* worst case: every byte "=XY", a soft line break per 25 of them */
	g_byte_array_set_size(out, (guint)(base + 3 * n + (n / 25 + 2) * 3));
	d = out->data + base;
	o = 0;
	while (i < n) {
		uint8_t c = s[i];
		size_t e = eol_at(s, n, i, crlf), tlen;
		bool last, lit;

		if (e) { /* a hard line break */
			memcpy(d + o, nl, crlf ? 2 : 1);
			o += crlf ? 2 : 1;
			col = 0;
			i += e;
			continue;
		}
		/* the line's last character: a blank there must be encoded,
		 * and it may take the 76th column (no soft break follows) */
		last = eol_at(s, n, i + 1, crlf) || (i + 1 == n && !more);
		lit = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
		tlen = lit ? 1 : 3;
		if (col + tlen > (last ? 76u : 75u)) {
			d[o++] = '=';
			for (k = 0; nl[k]; k++)
				d[o++] = (uint8_t)nl[k];
			col = 0;
		}
		if (lit)
			d[o++] = c;
		else {
			d[o++] = '=';
			d[o++] = (uint8_t)hex[c >> 4];
			d[o++] = (uint8_t)hex[c & 15];
		}
		col += tlen;
		i++;
	}
	if (more && col) { /* the text goes on after a kept line's start */
		d[o++] = '=';
		for (k = 0; nl[k]; k++)
			d[o++] = (uint8_t)nl[k];
	}
	g_byte_array_set_size(out, (guint)(base + o));
}
