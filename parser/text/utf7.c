/*
 * utf7.c - UTF-7 (RFC 2152) decoding step and rewrite (utf7.h).
 *
 * Untrusted input: the part's bytes.  Every step consumes at least one byte;
 * a run is read at most two UTF-16 units (one character) per step.  A
 * malformed run (a lone surrogate, bits left over) yields U+FFFD and goes
 * on.  The rewrite decodes the whole part and encodes it again: a masked
 * UTF-7 part keeps its charset; its bytes outside the masks may be spelled
 * differently (optional direct characters, run boundaries), never changed in
 * meaning.
 */
#include "utf7.h"

#include <string.h>

#define NOCHAR SM_CS_NOCHAR

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(uint8_t ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* The next UTF-16 unit of the run at s[*i]: 1 and *u, or 0 at its end. */
static int unit(const uint8_t *s, size_t len, size_t *i, sm_utf7_state *st, uint32_t *u)
{
	int v;

	while (st->nbits < 16 && *i < len && (v = b64_value(s[*i])) >= 0) {
		st->bits = (st->bits << 6) | (uint32_t)v;
		st->nbits += 6;
		(*i)++;
	}
	if (st->nbits < 16)
		return 0;
	st->nbits -= 16;
	*u = (st->bits >> st->nbits) & 0xffff;
	st->bits &= (1u << st->nbits) - 1;
	return 1;
}

size_t sm_utf7_step(const uint8_t *s, size_t len, size_t i, sm_utf7_state *st, gunichar *c)
{
	size_t at = i;
	uint32_t u, lo;
	bool bad;

	if (!st->b64) {
		if (s[i] != '+') {
			*c = s[i] < 0x80 ? s[i] : 0xfffd;
			return 1;
		}
		if (i + 1 < len && s[i + 1] == '-') {
			*c = '+';
			return 2;
		}
		st->b64 = true;
		st->bits = 0;
		st->nbits = 0;
		*c = NOCHAR;
		return 1;
	}
	if (unit(s, len, &at, st, &u)) {
		*c = u;
		if (u >= 0xd800 && u <= 0xdbff) {
			if (unit(s, len, &at, st, &lo) && lo >= 0xdc00 && lo <= 0xdfff)
				*c = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			else
				*c = 0xfffd;
		} else if (u >= 0xdc00 && u <= 0xdfff)
			*c = 0xfffd;
		return at - i;
	}
	if (at > i) { /* base64 characters that completed no character yet */
		*c = NOCHAR;
		return at - i;
	}
	/* the run ends at s[i]: leftover bits are padding (more: malformed) */
	bad = st->nbits >= 6 || st->bits != 0;
	st->b64 = false;
	st->bits = 0;
	st->nbits = 0;
	if (s[i] == '-') {
		*c = bad ? 0xfffd : NOCHAR;
		return 1;
	}
	*c = s[i] < 0x80 ? s[i] : 0xfffd;
	return 1;
}

/* ------------------------------------------------------------------ encode */

typedef struct enc {
	GByteArray *out;
	bool b64;
	uint32_t bits;
	int nbits;
} enc;

static bool direct(gunichar c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c > 0 && c < 0x80 && strchr("'(),-./:? \t\r\n*", (int)c));
}

static void put_byte(enc *e, char ch)
{
	g_byte_array_append(e->out, (const guint8 *)&ch, 1);
}

static void close_run(enc *e)
{
	if (!e->b64)
		return;
	if (e->nbits)
		put_byte(e, b64[(e->bits << (6 - e->nbits)) & 63]);
	put_byte(e, '-');
	e->b64 = false;
	e->bits = 0;
	e->nbits = 0;
}

static void put_unit(enc *e, uint32_t u)
{
	if (!e->b64) {
		put_byte(e, '+');
		e->b64 = true;
	}
	e->bits = (e->bits << 16) | u;
	e->nbits += 16;
	while (e->nbits >= 6) {
		e->nbits -= 6;
		put_byte(e, b64[(e->bits >> e->nbits) & 63]);
	}
	e->bits &= (1u << e->nbits) - 1;
}

static void put_char(enc *e, gunichar c)
{
	if (direct(c)) {
		close_run(e);
		put_byte(e, (char)c);
	} else if (c == '+') {
		close_run(e);
		put_byte(e, '+');
		put_byte(e, '-');
	} else if (c > 0xffff && c <= 0x10ffff) {
		put_unit(e, 0xd800 + ((c - 0x10000) >> 10));
		put_unit(e, 0xdc00 + ((c - 0x10000) & 0x3ff));
	} else
		put_unit(e, c > 0xffff ? 0xfffd : c);
}

/* One character of a walk: its code point, bytes [a, b), and whether it is
 * inside a base64 run (the run started at *run_s). */
typedef struct walk {
	sm_utf7_state st;
	size_t i, run_s;
} walk;

/* The next character at w->i (false at the end); *in_run, and *run_end set
 * when this step ended a run (else left alone). */
static bool walk_next(walk *w, const uint8_t *src, size_t len, gunichar *c, size_t *a,
		      size_t *b, bool *in_run, size_t *run_end)
{
	while (w->i < len) {
		bool was = w->st.b64;
		size_t at = w->i;

		w->i += sm_utf7_step(src, len, at, &w->st, c);
		if (!was && w->st.b64)
			w->run_s = at;
		if (was && !w->st.b64)
			*run_end = src[at] == '-' ? w->i : at;
		if (*c == NOCHAR)
			continue;
		*a = at;
		*b = w->i;
		*in_run = was && (w->st.b64 || src[at] == '-');
		return true;
	}
	if (w->st.b64)
		*run_end = len;
	return false;
}

#define UNSET ((size_t)-1)
#define PENDING ((size_t)-2) /* the end of the run the edit's last character is in */

/* The bytes [S, E) each edit makes us encode again: from the start of the
 * run its first character is in (or of that character) to the end of the
 * run its last one is in (or of that character).  UNSET: no character. */
static void spans(const uint8_t *src, size_t len, const sm_edit *edits, size_t n, size_t *S,
		  size_t *E)
{
	walk w = {{0}, 0, 0};
	size_t j, k = 0, a, b, run_end = UNSET, lo = n; /* lo: first edit that may be PENDING */
	gunichar c;
	bool in_run, more = true;

	for (j = 0; j < n; j++)
		S[j] = E[j] = UNSET;
	while (more) {
		more = walk_next(&w, src, len, &c, &a, &b, &in_run, &run_end);
		if (run_end != UNSET) {
			for (j = lo; j < n && j <= k; j++)
				if (E[j] == PENDING)
					E[j] = run_end;
			lo = n;
			run_end = UNSET;
		}
		if (!more)
			break;
		while (k < n && edits[k].end <= a)
			k++;
		if (k >= n || edits[k].start >= b)
			continue;
		if (S[k] == UNSET)
			S[k] = in_run ? w.run_s : a;
		E[k] = in_run ? PENDING : b;
		if (in_run && lo > k)
			lo = k;
	}
	for (j = 0; j < n; j++)
		if (E[j] == PENDING)
			E[j] = len;
}

/* Characters of src[s0, e0) encoded again, masked where they meet edits
 * k..k1 (the mask of an edit with ascii text is that text, once). */
static void encode_span(const uint8_t *src, size_t s0, size_t e0, const sm_edit *edits,
			size_t k, size_t k1, GByteArray *out)
{
	walk w = {{0}, s0, s0};
	enc e = {out, false, 0, 0};
	const sm_edit *said = NULL;
	size_t a, b, run_end;
	gunichar c;
	bool in_run;

	while (walk_next(&w, src, e0, &c, &a, &b, &in_run, &run_end)) {
		while (k <= k1 && edits[k].end <= a)
			k++;
		if (k > k1 || edits[k].start >= b || c == '\n' || c == '\r')
			put_char(&e, c);
		else if (!edits[k].ascii)
			put_char(&e, g_unichar_iswide(c) ? 0xff0a : '*');
		else if (said != &edits[k]) {
			for (const char *t = edits[k].ascii; *t; t++)
				put_char(&e, (gunichar)(uint8_t)*t);
			said = &edits[k];
		}
	}
	close_run(&e);
}

void sm_utf7_rewrite(const uint8_t *src, size_t len, const sm_edit *edits, size_t n,
		     GByteArray *out)
{
	size_t *S = g_new(size_t, n ? n : 1), *E = g_new(size_t, n ? n : 1);
	size_t copied = 0, k = 0;

	spans(src, len, edits, n, S, E);
	while (k < n) {
		size_t k1 = k, e0 = E[k];

		if (S[k] == UNSET || S[k] < copied) { /* no character, or overlapping */
			k++;
			continue;
		}
		while (k1 + 1 < n && S[k1 + 1] != UNSET && S[k1 + 1] < e0)
			e0 = MAX(e0, E[++k1]);
		g_byte_array_append(out, src + copied, (guint)(S[k] - copied));
		encode_span(src, S[k], e0, edits, k, k1, out);
		copied = e0;
		k = k1 + 1;
	}
	g_byte_array_append(out, src + copied, (guint)(len - copied));
	g_free(S);
	g_free(E);
}
