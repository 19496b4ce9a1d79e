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
 * A key whose name ends with such a word (SESSION_SECRET=, "apiToken":,
 * API_KEY=; "key" only after a qualifier such as api, access, client) takes
 * its value by the password judgement instead: a secret there need not look
 * random.  The words are found only in views where the prefilter saw one of
 * their literals, by the exact bytes of the case forms it saw.
 *
 * Untrusted input: the view.  Limits: the token is looked for within
 * AFTER_MAX bytes after the word, on its line; tokens of at most TOKEN_MAX
 * bytes; max_hits.
 */
#include "detect_int.h"

#include <math.h>

#define AFTER_MAX 40 /* bytes between the word and the token */
#define TOKEN_MIN 20
#define TOKEN_MAX 256
#define ENTROPY_MIN 3.5

/* The credential words, each found by the exact bytes of one of its case
 * forms (after the prefilter saw its literal): the word starts `back` bytes
 * before the match. */
static const struct {
	const char *find;
	unsigned back, len;
	int lit;
} words[] = {
	{"oken", 1, 5, LIT_TOKEN},        /* token, Token */
	{"OKEN", 1, 5, LIT_TOKEN_UP},     /* TOKEN */
	{"key", 0, 3, LIT_KEYW},          {"Key", 0, 3, LIT_KEYW_CAP}, {"KEY", 0, 3, LIT_KEYW_UP},
	{"ecret", 1, 6, LIT_SECRET},      /* secret, Secret */
	{"ECRET", 1, 6, LIT_SECRET_UP},   {"Bearer", 0, 6, LIT_AUTHZ},
	{"redential", 1, 10, LIT_CRED},   /* credential(s) */
	{"\xe3\x83\x88\xe3\x83\xbc\xe3\x82\xaf\xe3\x83\xb3", 0, 12, LIT_TOKEN_JA}, /* トークン */
	{"\xe3\x82\xb7\xe3\x83\xbc\xe3\x82\xaf\xe3\x83\xac\xe3\x83\x83\xe3\x83\x88", 0, 18,
	 LIT_SECRET_JA}, /* シークレット */
	{"\xe3\x82\xad\xe3\x83\xbc", 0, 6, LIT_KEY_JA}, /* キー */
};

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

/* A label between dots that no name has: both cases and a digit followed
 * by a letter ("9Kd.x7Qa2mZ.": an Entra secret; "db01.contoso.local",
 * "Microsoft.Windows.Defender3" are names). */
static bool random_label(const char *t, size_t n)
{
	bool up = false, lo = false, dl = false;

	for (size_t i = 0; i <= n; i++) {
		if (i == n || t[i] == '.') {
			if (up && lo && dl)
				return true;
			up = lo = dl = false;
			continue;
		}
		up |= g_ascii_isupper(t[i]) != 0;
		lo |= g_ascii_islower(t[i]) != 0;
		dl |= i > 0 && g_ascii_isdigit(t[i - 1]) && g_ascii_isalpha(t[i]);
	}
	return false;
}

/* The cheap part of the shape: length, classes, not hex, not dotted. */
static bool key_classes(const char *t, size_t n)
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
	if (hex == n || (hex >= n - 4 && memchr(t, '-', n)))
		return false; /* a hash, a thumbprint, a GUID, a device ID */
	if ((dots > 1 && !random_label(t, n)) || !dig)
		return false; /* a dotted name (host, namespace), a word */
	return (up && lo) || (lo && n >= 40);
}

/* The expensive part: random enough, and not base64 of text. */
static bool key_random(const char *t, size_t n)
{
	return entropy(t, n) >= ENTROPY_MIN && !base64_of_text(t, n);
}

/* The first token after a word ending at p on its line, within AFTER_MAX
 * bytes with no sentence break between: [*s, *e). */
static bool token_after(const char *t, size_t len, size_t p, size_t *s, size_t *e)
{
	size_t q = p;

	while (q < len && q - p < AFTER_MAX && !strchr("\n.,;", t[q])) {
		if ((g_ascii_isalnum(t[q]) || strchr("_~-+/", t[q])) &&
		    (q == p || strchr(" \t:=\"'(", t[q - 1]) || (unsigned char)t[q - 1] >= 0x80)) {
			size_t z = q;

			while (z < len && z - q <= TOKEN_MAX &&
			       (g_ascii_isalnum(t[z]) || strchr("+/=_.~-", t[z])))
				z++;
			while (z > q && t[z - 1] == '.')
				z--; /* the end of a sentence */
			if (z - q >= TOKEN_MIN) {
				*s = q;
				*e = z;
				return true;
			}
			q = z > q ? z : q + 1;
			continue;
		}
		q++;
	}
	return false;
}

/* Hexadecimal digits and hyphens only: a hash, a thumbprint, a GUID, an ID. */
static bool hex_or_guid(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isxdigit(v[i]) && v[i] != '-')
			return false;
	return n >= 8;
}

/* Qualifiers that make a key name out of "key": api_key, AccessKey ... */
static const char *const key_kinds[] = {"api", "access", "secret", "private", "client", "auth",
					"subscription", "master", "account", "shared", "signing",
					"encryption", "storage", "app", NULL};

/*
 * A key whose name ends with the word [ws, we) (SESSION_SECRET, client_secret,
 * "apiToken", API_KEY; "key" only with a qualifier before it) followed by
 * ':' or '=' and a value in key syntax: the value by the password judgement,
 * six characters at least (a value that is not key-shaped, such as a word
 * with digits, is a secret all the same under such a key).  Not
 * "credential" (a user name stands there: -Credential CONTOSO\admin).
 */
static bool key_value(const char *t, size_t len, size_t ws, size_t we, size_t *vs, size_t *ve)
{
	size_t p = we, is = ws, q;
	bool quoted = false;

	if (we < len && (g_ascii_isalnum(t[we]) || t[we] == '_'))
		return false; /* the word does not end the name: token_type, SecretName */
	if (g_ascii_tolower(t[ws]) == 'c')
		return false;
	while (is > 0 && (g_ascii_isalnum(t[is - 1]) || t[is - 1] == '_' || t[is - 1] == '-'))
		is--;
	if (g_ascii_tolower(t[ws]) == 'k') {
		bool kind = false;

		for (const char *const *k = key_kinds; *k && !kind; k++)
			for (size_t i = is; i + strlen(*k) <= ws && !kind; i++)
				kind = g_ascii_strncasecmp(t + i, *k, strlen(*k)) == 0;
		if (!kind)
			return false;
	}
	if (p < len && (t[p] == '"' || t[p] == '\''))
		p++;
	while (p < len && (t[p] == ' ' || t[p] == '\t'))
		p++;
	if (p >= len || (t[p] != ':' && t[p] != '=') || (p + 1 < len && t[p + 1] == '='))
		return false;
	for (p++; p < len && (t[p] == ' ' || t[p] == '\t'); p++)
		;
	if (p < len && (t[p] == '"' || t[p] == '\'')) {
		quoted = true;
		p++;
	}
	for (q = p; q < len && q - p <= TOKEN_MAX && !strchr(" \t\r\n\"';,&<>", t[q]); q++)
		;
	if (quoted && !(q < len && (t[q] == '"' || t[q] == '\'')))
		return false;
	if (q - p < 6 || hex_or_guid(t + p, q - p) || !det_value_ok(t, len, p, q, quoted ? DV_QUOTED : 0))
		return false;
	*vs = p;
	*ve = q;
	return true;
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

/* The word found at m: ASCII ones not glued to letters (keyboard, tokenize,
 * monkey), but the end of a longer name counts (x-api-key, ACCESS_TOKEN). */
static bool word_ok(const char *t, size_t len, size_t ws, size_t we, bool ascii)
{
	if (!ascii)
		return true;
	if (we < len && g_ascii_isalpha(t[we]) && !(t[we] == 's' || t[we] == 'S'))
		return false;
	return !(ws > 0 && g_ascii_islower(t[ws - 1]) && g_ascii_islower(t[ws]));
}

/* The word is the first noun of a compound that names something else:
 * "Key ID", "Secret ID", "Token type", "Key Vault name", "キー ID": what
 * follows is that thing (an identifier, a setting), not the secret. */
static bool names_other(const char *t, size_t len, size_t we)
{
	static const char *const heads[] = {"id", "ids", "identifier", "name", "type", "length",
					    "size", "version", "vault", "container", "provider",
					    "thumbprint", "usage", "expiry", "expiration", "lifetime",
					    NULL};
	size_t p = we, e;

	if (p < len && strchr(" _-", t[p]))
		p++;
	for (e = p; e < len && e - p < 16 && g_ascii_isalpha(t[e]); e++)
		;
	if (e == p || (e < len && g_ascii_isalnum(t[e])))
		return false;
	for (const char *const *h = heads; *h; h++)
		if (strlen(*h) == e - p && g_ascii_strncasecmp(t + p, *h, e - p) == 0)
			return true;
	return false;
}

int det_scan_token(const det *d, const sm_view *v, det_out *out, size_t first)
{
	const char *t = v->text;

	(void)d;
	for (size_t k = 0; k < G_N_ELEMENTS(words) && !out->full; k++) {
		size_t fl = strlen(words[k].find), i = 0;
		bool ascii = (unsigned char)words[k].find[0] < 0x80;
		const char *m;

		if (!(out->lits & LIT(words[k].lit)))
			continue;
		while (i + fl <= v->len && !out->full &&
		       (m = memmem(t + i, v->len - i, words[k].find, fl)) != NULL) {
			size_t at = (size_t)(m - t), ws, we, s, e;

			i = at + 1;
			if (at < words[k].back)
				continue;
			ws = at - words[k].back;
			we = ws + words[k].len;
			if (we > v->len || !word_ok(t, v->len, ws, we, ascii) ||
			    names_other(t, v->len, we))
				continue;
			if (token_after(t, v->len, we, &s, &e) && key_classes(t + s, e - s) &&
			    key_random(t + s, e - s) && !taken(out, first, s, e)) {
				det_emit(out, s, e, SM_MASK_ALL, 70);
				i = e;
			} else if (ascii && key_value(t, v->len, ws, we, &s, &e) &&
				   !taken(out, first, s, e)) {
				det_emit(out, s, e, SM_MASK_FIXED, 70);
				i = e;
			}
		}
	}
	return out->full ? 1 : 0;
}
