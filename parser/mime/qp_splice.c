/*
 * qp_splice.c - a changed quoted-printable part re-encoded line by line
 * (sm_qp_splice, qp.h): the encoded lines whose text did not change are
 * kept byte for byte, only the lines an edit touched are encoded again
 * (sm_qp_encode, qp.c).  Re-encoding a whole 10 KB part cost ~230 K instructions per
 * card message, and changed every line of it.
 *
 * A segment is the encoded text up to and with a literal LF (a hard line
 * break): decoding the part segment by segment gives the same bytes as
 * decoding it whole (the decoder holds no state across a literal LF), so a
 * segment's decoded range is known from the lengths before it.  A segment
 * is kept when no edit's span touches its decoded range and it is valid
 * quoted-printable as it stands (every line at most 76 characters before
 * its line end, which is the part's; printable ASCII, "=" only before two
 * upper-case hex digits or as the last character of a line; no space or tab
 * before a hard line end); otherwise the run of such segments is encoded
 * from the new text, and ends in a soft line break when a kept line
 * follows an open line.
 *
 * Untrusted input: the part's encoded bytes (the spans and the new text
 * come from the scan).  Limits: one pass over the encoded bytes; each run
 * is encoded once; the output is the kept bytes plus the encodings.
 */
#include "qp.h"

#include <string.h>

/* Longest line before its line end (RFC 2045 6.7 rule 5). */
#define QP_LINE_MAX 76

/* The line-end style of the part and where the splice stands. */
typedef struct splice {
	const uint8_t *enc;
	size_t n;
	const uint8_t *nd;
	size_t nlen;
	const sm_rw_span *sp;
	size_t nsp;
	bool crlf;
	GByteArray *out;
} splice;

/* Hex digits after "=": upper case (kept as they stand), lower case
 * (decoded the same, but not valid to keep). */
enum { Q_UHEX = 1, Q_LHEX = 2 };

static const uint8_t qhex[256] = {
	['0'] = Q_UHEX, ['1'] = Q_UHEX, ['2'] = Q_UHEX, ['3'] = Q_UHEX, ['4'] = Q_UHEX, ['5'] =
	Q_UHEX, ['6'] = Q_UHEX, ['7'] = Q_UHEX, ['8'] = Q_UHEX, ['9'] = Q_UHEX, ['A'] = Q_UHEX,
	['B'] = Q_UHEX, ['C'] = Q_UHEX, ['D'] = Q_UHEX, ['E'] = Q_UHEX, ['F'] = Q_UHEX, ['a'] =
	Q_LHEX, ['b'] = Q_LHEX, ['c'] = Q_LHEX, ['d'] = Q_LHEX, ['e'] = Q_LHEX, ['f'] = Q_LHEX,
};

/* Bytes that may stand for themselves in a line: printable ASCII but "=",
 * space, tab. */
static const uint8_t qlit[256] = {
	/* 0x00 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
	/* 0x10 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x20 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	/* 0x30 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1,
	/* 0x40 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	/* 0x50 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	/* 0x60 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	/* 0x70 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
	/* 0x80 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x90 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0xa0 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0xb0 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0xc0 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0xd0 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0xe0 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0xf0 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Does one of the eight bytes at p stand for no literal (below 0x20, 0x7F
 * and up, "=")?  Tab says yes too: the byte loop takes it. */
static bool stop8(const uint8_t *p)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t x, eq;

	memcpy(&x, p, 8);
	eq = x ^ (ones * '=');
	return (((x - ones * 0x20) & ~x) | x | ((x + ones) & ~x) | ((eq - ones) & ~eq)) & high;
}

/*
 * One physical line from enc[i] (le: where its LF is, or n), read as
 * sm_qp_decode reads it: its decoded length added to *len, *ok cleared when
 * it is not valid as it stands.  Returns where the reading stopped: le when
 * the line ends in a literal LF (or the input ends), past le when an "="
 * sequence took the LF (a soft line break: the segment goes on).
 */
static size_t line(const splice *z, size_t i, size_t le, size_t *len, bool *ok)
{
	const uint8_t *e = z->enc;
	size_t n = z->n, k = i, d = 0, w = le - i;
	bool good = true;

	while (k < le) {
		uint8_t c;
		size_t c0;

		/* runs of "=XY" (the bulk of Japanese text), then of literals */
		while (k + 2 < le && e[k] == '=' && (qhex[e[k + 1]] & qhex[e[k + 2]] & Q_UHEX)) {
			k += 3;
			d++;
		}
		for (c0 = k; le - k >= 8 && !stop8(e + k); k += 8)
			;
		for (; k < le && qlit[e[k]]; k++)
			;
		d += k - c0;
		if (k >= le)
			break;
		c = e[k];
		if (c != '=') { /* a byte that is no literal (or the CR of CRLF) */
			good = good && c == '\r' && k + 1 == le && le < n;
			k++;
			d++;
			continue;
		}
		if (k + 2 < le && (qhex[e[k + 1]] & qhex[e[k + 2]] & Q_UHEX))
			continue; /* "=XY": the run above takes it */
		if (k + 1 == n) { /* a soft line break before the boundary's line end */
			k = n;
			break;
		}
		if (k + 2 == n && e[k + 1] != '\n') { /* "=X" at the end: dropped */
			good = false;
			k = n;
			break;
		}
		if (e[k + 1] == '\n') { /* soft line break */
			good = good && !z->crlf && w <= QP_LINE_MAX;
			*len += d;
			*ok = *ok && good;
			return k + 2;
		}
		if (qhex[e[k + 1]] && qhex[e[k + 2]]) {
			good = false; /* lower-case hex: decoded, but not kept */
			d++;
			k += 3;
			continue;
		}
		if (e[k + 1] == '\r' && e[k + 2] == '\n') { /* soft line break, CRLF */
			*len += d;
			*ok = *ok && good && z->crlf && w - 1 <= QP_LINE_MAX;
			return k + 3;
		}
		good = false;
		d += 3; /* kept as it is, the LF too when it is the third byte */
		if (e[k + 2] == '\n') {
			*len += d;
			*ok = false;
			return k + 3;
		}
		k += 3;
	}
	if (le < n) { /* the literal LF: the part's line end, no blank before it */
		bool cr = le > i && e[le - 1] == '\r';
		size_t body = w - cr;

		good = good && cr == z->crlf && body <= QP_LINE_MAX &&
		       !(body && (e[i + body - 1] == ' ' || e[i + body - 1] == '\t'));
	} else /* the end of the part: the boundary's line end follows */
		good = good && w <= QP_LINE_MAX && !(w && (e[le - 1] == ' ' || e[le - 1] == '\t'));
	*len += d;
	*ok = *ok && good;
	return le;
}

/*
 * The segment from enc[i]: its end (past the literal LF that ends it, or n)
 * into *end, its decoded length (as sm_qp_decode counts) into *dl; returns
 * whether it is valid quoted-printable that may be kept as it stands.
 */
static bool segment(const splice *z, size_t i, size_t *end, size_t *dl)
{
	size_t n = z->n, len = 0;
	bool ok = true;

	while (i < n) {
		const uint8_t *nl = memchr(z->enc + i, '\n', n - i);
		size_t le = nl ? (size_t)(nl - z->enc) : n;
		size_t k = line(z, i, le, &len, &ok);

		if (k == le) { /* a literal LF, or the end */
			if (le < n)
				len++;
			i = le < n ? le + 1 : n;
			break;
		}
		i = k;
	}
	*end = i;
	*dl = len;
	return ok;
}

/* nd[a, b) encoded (sm_qp_encode); `more`: a kept line follows.  False when
 * [a, b) is not a range of the new text. */
static bool encode_run(splice *z, size_t a, size_t b, bool more)
{
	if (a > b || b > z->nlen)
		return false;
	sm_qp_encode(z->nd + a, b - a, z->crlf, more, z->out);
	return true;
}

bool sm_qp_splice(const uint8_t *enc, size_t n, size_t dlen, const uint8_t *nd, size_t nlen,
		  const sm_rw_span *sp, size_t nsp, bool crlf, GByteArray *out)
{
	splice z = {enc, n, nd, nlen, sp, nsp, crlf, out};
	size_t i = 0, d = 0, j = 0, base = out->len, run_a = 0, keep = 0;
	long long delta = 0; /* new offset - old offset after the spans done */
	bool in_run = false, ok = true;

	do {
		size_t end, dl, ds = d;
		bool valid = segment(&z, i, &end, &dl), last = end >= n, touched;

		d += dl;
		/* spans wholly before this segment (an insertion at ds is its own) */
		while (j < nsp && (sp[j].src_b < ds || (sp[j].src_b == ds && sp[j].src_a < ds))) {
			delta = (long long)sp[j].out_b - (long long)sp[j].src_b;
			j++;
		}
		touched = !valid || (j < nsp && (sp[j].src_a < d || (last && sp[j].src_a <= d)));
		if (touched && !in_run) { /* the kept segments before it, at once */
			g_byte_array_append(out, enc + keep, (guint)(i - keep));
			in_run = true;
			run_a = (size_t)((long long)ds + delta);
		} else if (!touched && in_run) {
			ok = ok && encode_run(&z, run_a, (size_t)((long long)ds + delta), true);
			in_run = false;
			keep = i;
		}
		i = end;
	} while (i < n);
	while (j < nsp) {
		delta = (long long)sp[j].out_b - (long long)sp[j].src_b;
		j++;
	}
	if (in_run)
		ok = ok && encode_run(&z, run_a, nlen, false);
	else
		g_byte_array_append(out, enc + keep, (guint)(n - keep));
	if (!ok || d != dlen || (long long)dlen + delta != (long long)nlen) {
		g_byte_array_set_size(out, (guint)base);
		return false;
	}
	return true;
}
