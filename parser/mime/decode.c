/*
 * decode.c - transfer decoding of a part (msg.h): GMime's base64 and
 * quoted-printable decoders, and an uudecoder of our own that reads lines the
 * way they arrive after mail servers have handled them.
 *
 * uuencode is read line by line: the first character gives the line's
 * length in bytes, four characters carry three bytes.  Servers strip
 * trailing spaces (a space encodes six zero bits), so a line may be shorter
 * than its length says: the missing characters are zero bits, and the line
 * still gives exactly the bytes its length announces (GMime's decoder
 * carries the missing characters over into the next line and misreads the
 * rest of the file).  A line that is not uuencoded (its first byte is not a
 * length character: "begin", text, a CR) is skipped; "end", or a line of
 * length zero, ends the data.
 *
 * Untrusted input: the encoded content.  Limits: a line's characters past
 * what its length needs are ignored (SM_UU_KEEP kept); the output of a step
 * is at most sm_dec_outlen(len); sm_msg_decode stops at its max.
 */
#include "msg.h"

#include <string.h>

static unsigned uu_val(uint8_t c)
{
	return (unsigned)(c - 0x20) & 0x3f; /* '`' (and ' ') are 0 */
}

static bool is_end(const uint8_t *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == 3 && memcmp(s, "end", 3) == 0;
}

/* One line without its line end: the bytes it announces, into out. */
static size_t uu_line(sm_dec *d, uint8_t *out)
{
	const uint8_t *s = d->line;
	size_t n = d->n, len, k, o = 0;

	d->n = 0;
	while (n && s[n - 1] == '\r')
		n--;
	if (n == 0 || s[0] < 0x20 || s[0] > 0x60) {
		d->end = is_end(s, n);
		return 0;
	}
	len = uu_val(s[0]);
	if (len == 0) {
		d->end = true;
		return 0;
	}
	for (k = 0; o < len; k += 4) {
		unsigned c[4];

		for (int j = 0; j < 4; j++)
			c[j] = 1 + k + (size_t)j < n ? uu_val(s[1 + k + (size_t)j]) : 0;
		out[o++] = (uint8_t)(c[0] << 2 | c[1] >> 4);
		if (o < len)
			out[o++] = (uint8_t)(c[1] << 4 | c[2] >> 2);
		if (o < len)
			out[o++] = (uint8_t)(c[2] << 6 | c[3]);
	}
	return o;
}

void sm_dec_init(sm_dec *d, GMimeContentEncoding enc)
{
	memset(d, 0, sizeof(*d));
	d->uu = enc == GMIME_CONTENT_ENCODING_UUENCODE;
	if (!d->uu)
		g_mime_encoding_init_decode(&d->g, enc);
}

size_t sm_dec_outlen(sm_dec *d, size_t len)
{
	/* uuencode: a line of two bytes ("_" LF) gives 63 */
	return d->uu ? (len / 2 + 2) * 63 : g_mime_encoding_outlen(&d->g, len) + 16;
}

size_t sm_dec_step(sm_dec *d, const uint8_t *in, size_t len, uint8_t *out)
{
	size_t o = 0;

	if (!d->uu)
		return g_mime_encoding_step(&d->g, (const char *)in, len, (char *)out);
	for (size_t i = 0; i < len && !d->end; i++) {
		if (in[i] == '\n') {
			o += uu_line(d, out + o);
			continue;
		}
		if (d->n < SM_UU_KEEP)
			d->line[d->n++] = in[i];
	}
	return o;
}

size_t sm_dec_flush(sm_dec *d, uint8_t *out)
{
	if (!d->uu)
		return g_mime_encoding_flush(&d->g, "", 0, (char *)out);
	return d->end || d->n == 0 ? 0 : uu_line(d, out);
}

size_t sm_msg_uu_begin(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const uint8_t *nl = memchr(s + i, '\n', n - i);
		size_t next = nl ? (size_t)(nl - s) + 1 : n;

		if (n - i >= 6 && memcmp(s + i, "begin ", 6) == 0)
			return next;
		i = next;
	}
	return 0;
}

/* Append what still fits under max of got decoded bytes; true when some did
 * not fit, i.e. the part's decoded content is longer than max. */
static bool append_upto(GByteArray *out, const uint8_t *buf, size_t got, size_t *total, size_t max)
{
	size_t room = max - *total;
	size_t take = got < room ? got : room;

	g_byte_array_append(out, buf, (guint)take);
	*total += take;
	return got > room;
}

/* Encoded bytes decoded at a time (uuencode can grow 30-fold). */
#define SM_DEC_CHUNK 16384

int sm_msg_decode(const sm_msg *m, const sm_part *p, size_t max, GByteArray *out)
{
	const uint8_t *s = m->raw + p->cstart;
	size_t n = p->cend - p->cstart, i = 0, total = 0;
	sm_dec st;
	bool cut = false;
	uint8_t *buf;

	if (p->enc != GMIME_CONTENT_ENCODING_BASE64 &&
	    p->enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
	    p->enc != GMIME_CONTENT_ENCODING_UUENCODE) {
		g_byte_array_append(out, s, (guint)(n < max ? n : max));
		return n > max;
	}
	if (p->enc == GMIME_CONTENT_ENCODING_UUENCODE)
		i = sm_msg_uu_begin(s, n);
	sm_dec_init(&st, p->enc);
	buf = g_malloc(sm_dec_outlen(&st, SM_DEC_CHUNK));
	/* Cut or complete is decided by the decoded length, never by where the
	 * input happens to end: the last chunk, or the decoder's flush, may be
	 * the one that goes past max. */
	while (i < n && !cut) {
		size_t chunk = n - i < SM_DEC_CHUNK ? n - i : SM_DEC_CHUNK;
		size_t got = sm_dec_step(&st, s + i, chunk, buf);

		i += chunk;
		cut = append_upto(out, buf, got, &total, max);
	}
	if (!cut)
		cut = append_upto(out, buf, sm_dec_flush(&st, buf), &total, max);
	g_free(buf);
	return cut;
}
