/*
 * detect_token.c - key-shaped secrets without a password keyword: API keys,
 * access tokens, client secrets, SAS tokens, personal access tokens.  Part
 * of the cloud_secret detector (detect_secret.c holds the fixed shapes).
 *
 * A token is taken when a credential word stands just before it on its
 * line (token, secret, key, bearer, credential, トークン,
 * シークレット, キー; "APIキー：x", "x-api-key: x", "Access token: x",
 * "Authorization: Bearer x", "クライアントシークレット x") and it looks random:
 * 20 to 256 characters of [A-Za-z0-9+/=_.~-], digits and both cases (or
 * lower case and digits over 40 characters: base32), entropy of at least
 * ENTROPY_MIN bits per character.  What support cases are full of is kept:
 * hexadecimal (file hashes, thumbprints, device and machine IDs), GUIDs,
 * dotted or pathlike names, and base64 of ordinary data (it decodes to
 * printable text).
 *
 * Untrusted input: the view.  Limits: the token is looked for within
 * AFTER_MAX bytes after the word; tokens of at most TOKEN_MAX bytes;
 * max_hits.
 */
#include "detect_int.h"

#include <math.h>

#define AFTER_MAX 40
#define TOKEN_MIN 20
#define TOKEN_MAX 256
#define ENTROPY_MIN 3.5

static const struct {
	const char *w;
	bool ascii; /* case-insensitive, not inside a longer word on its left */
} words[] = {
	{"token", true}, {"secret", true}, {"key", true}, {"bearer", true},
	{"credential", true}, {"トークン", false}, {"シークレット", false}, {"キー", false},
};

static bool tok_char(unsigned char c)
{
	return g_ascii_isalnum(c) || strchr("+/=_.~-", c) != NULL;
}

static double entropy(const char *t, size_t n)
{
	unsigned count[256] = {0};
	double h = 0;

	for (size_t i = 0; i < n; i++)
		count[(unsigned char)t[i]]++;
	for (unsigned c = 0; c < 256; c++)
		if (count[c]) {
			double p = (double)count[c] / (double)n;

			h -= p * log2(p);
		}
	return h;
}

/* base64 that decodes to printable text: ordinary data, not a key. */
static bool base64_of_text(const char *t, size_t n)
{
	char buf[TOKEN_MAX + 4];
	guchar *d;
	gsize dl = 0, printable = 0;

	if (n % 4 || n > TOKEN_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isalnum(t[i]) && t[i] != '+' && t[i] != '/' && t[i] != '=')
			return false;
	memcpy(buf, t, n);
	buf[n] = '\0';
	d = g_base64_decode(buf, &dl);
	for (gsize i = 0; i < dl; i++)
		printable += (d[i] >= 0x20 && d[i] < 0x7f) || d[i] == '\n' || d[i] == '\t';
	g_free(d);
	return dl > 0 && printable * 10 >= dl * 9;
}

/* Does t[0, n) look like a random key? */
static bool key_shaped(const char *t, size_t n)
{
	unsigned up = 0, lo = 0, dig = 0, hex = 0, dots = 0;

	if (n < TOKEN_MIN || n > TOKEN_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		up += g_ascii_isupper(t[i]) != 0;
		lo += g_ascii_islower(t[i]) != 0;
		dig += g_ascii_isdigit(t[i]) != 0;
		hex += g_ascii_isxdigit(t[i]) != 0;
		dots += t[i] == '.';
	}
	if (hex == n || (hex + (unsigned)(n - hex) == n && hex >= n - 4 && memchr(t, '-', n)))
		return false; /* a hash, a thumbprint, a GUID, a device ID */
	if (dots > 1 || !dig)
		return false; /* a dotted name (host, namespace), a word */
	if (!(up && lo) && !(lo && n >= 40))
		return false;
	return entropy(t, n) >= ENTROPY_MIN && !base64_of_text(t, n);
}

/* The word w at t[i] (ASCII: any case, not the end of a longer word). */
static bool word_at(const char *t, size_t len, size_t i, const char *w, bool ascii)
{
	size_t n = strlen(w);

	if (i + n > len)
		return false;
	if (!ascii)
		return memcmp(t + i, w, n) == 0;
	return g_ascii_strncasecmp(t + i, w, n) == 0 &&
	       !(i > 0 && g_ascii_islower(t[i - 1]) && g_ascii_islower(t[i])) &&
	       !(i + n < len && g_ascii_islower(t[i + n - 1]) && g_ascii_islower(t[i + n]) &&
		 t[i + n] != 's');
}

/* The first token after a word ending at p on its line: [*s, *e). */
static bool token_after(const char *t, size_t len, size_t p, size_t *s, size_t *e)
{
	size_t q = p;

	while (q < len && q - p < AFTER_MAX && t[q] != '\n') {
		if (g_ascii_isalnum(t[q]) && (q == p || !tok_char((unsigned char)t[q - 1]) ||
					      strchr("=:", t[q - 1]))) {
			size_t z = q;

			while (z < len && z - q <= TOKEN_MAX && tok_char((unsigned char)t[z]))
				z++;
			if (z - q >= TOKEN_MIN) {
				*s = q;
				*e = z;
				return true;
			}
			q = z;
			continue;
		}
		q++;
	}
	return false;
}

/* The next occurrence of word k at or after i (ASCII: its first letter in
 * either case, the next one of each kept in *lo, *up), or NULL. */
static const char *next_word(const char *t, size_t len, size_t k, size_t i, const char **lo,
			     const char **up)
{
	const char *w = words[k].w;

	if (!words[k].ascii)
		return i < len ? memmem(t + i, len - i, w, strlen(w)) : NULL;
	if (*lo && *lo < t + i)
		*lo = i < len ? memchr(t + i, w[0], len - i) : NULL;
	if (*up && *up < t + i)
		*up = i < len ? memchr(t + i, g_ascii_toupper(w[0]), len - i) : NULL;
	return *lo && (!*up || *lo < *up) ? *lo : *up;
}

/* Does [s, e) overlap a hit from index first on (a fixed form's value)? */
static bool taken(const det_out *out, size_t first, size_t s, size_t e)
{
	for (guint i = (guint)first; i < out->hits->len; i++) {
		const sm_hit *h = &g_array_index(out->hits, sm_hit, i);

		if (h->start < e && h->end > s)
			return true;
	}
	return false;
}

int det_scan_token(const det *d, const sm_view *v, det_out *out, size_t first)
{
	const char *t = v->text;

	(void)d;
	for (size_t k = 0; k < G_N_ELEMENTS(words) && !out->full; k++) {
		const char *w = words[k].w, *m;
		const char *lo = words[k].ascii ? memchr(t, w[0], v->len) : NULL;
		const char *up = words[k].ascii ? memchr(t, g_ascii_toupper(w[0]), v->len) : NULL;
		size_t n = strlen(w), i = 0;

		while (!out->full && (m = next_word(t, v->len, k, i, &lo, &up)) != NULL) {
			size_t at = (size_t)(m - t), s, e;

			i = at + 1;
			if (!word_at(t, v->len, at, w, words[k].ascii) ||
			    !token_after(t, v->len, at + n, &s, &e) || !key_shaped(t + s, e - s) ||
			    taken(out, first, s, e))
				continue;
			det_emit(out, s, e, SM_MASK_ALL, 70);
			i = e;
		}
	}
	return out->full ? 1 : 0;
}
