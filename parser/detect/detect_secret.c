/*
 * detect_secret.c - private keys (PEM blocks) and cloud secrets (Azure
 * storage keys and SAS signatures, Entra client secrets, AWS keys, JWTs,
 * GitHub, Slack and Google API tokens).
 *
 * Every built-in form has literals that must occur in the view before its
 * regex runs (det_literals: one pass shared by all detectors).
 * Values are masked with SM_MASK_ALL (every character but spaces becomes
 * '*': the length stays, which keeps in-place edits simple).
 *
 * Untrusted input: the view.  Limits: a PEM body is looked at up to
 * PEM_MAX bytes; regex repetition is bounded in the built-in patterns;
 * max_hits.
 */
#include "detect_int.h"
#include "re.h"

#include <stdlib.h>

#define PEM_MAX (64 * 1024)

typedef struct form {
	det_lits lits;           /* run only if one of these literals occurs */
	const char *re;
	int group;
	bool aws_secret;         /* the 40-char secret needs mixed character classes */
} form;

static const form cloud_forms[] = {
	{LIT(LIT_ACCOUNTKEY) | LIT(LIT_ACCESSKEY) | LIT(LIT_ACCOUNTKEY_UP) | LIT(LIT_ACCOUNTKEY_LO),
	 "(?i)(?:AccountKey|SharedAccessKey)\\s*=\\s*([A-Za-z0-9+/]{20,120}={0,2})", 1},
	{LIT(LIT_SIG) | LIT(LIT_SIG_UP), "(?i)[?&;]sig=([A-Za-z0-9%+/]{16,200}(?:%3D|=){0,2})", 1},
	{LIT(LIT_SECRET) | LIT(LIT_SECRET_UP),
	 "(?i)client[_\\- ]?secret[\"']?\\s*[:=]\\s*[\"']?([A-Za-z0-9_~.\\-+/]{16,128})", 1},
	{LIT(LIT_ENTRA), "(?<![A-Za-z0-9_~.\\-])[A-Za-z0-9_\\-]{3}[0-9]Q~[A-Za-z0-9_~.\\-]{31,34}(?![A-Za-z0-9_~.\\-])", 0},
	{LIT(LIT_AKIA) | LIT(LIT_ASIA), "(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])", 0},
	{LIT(LIT_SECRET) | LIT(LIT_SECRET_UP),
	 "(?i)aws_?secret_?(?:access_?)?key[\"']?\\s*[:=]\\s*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])", 1},
	{LIT(LIT_AKIA) | LIT(LIT_ASIA),
	 "(?:AKIA|ASIA)[A-Z0-9]{16}[\\s\\S]{1,300}?(?<![A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])", 1, true},
	{LIT(LIT_JWT), "eyJ[A-Za-z0-9_\\-]{8,}\\.eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]{8,}", 0},
	/* GitHub (ghp_ gho_ ghu_ ghs_ ghr_, fine-grained github_pat_), Slack (xoxb- xoxp- ...),
	 * Google API keys: fixed prefixes and lengths */
	{LIT(LIT_GH), "(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9_])", 0},
	{LIT(LIT_GHPAT), "(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{82}(?![A-Za-z0-9_])", 0},
	{LIT(LIT_XOX), "(?<![A-Za-z0-9])xox[abposr]-[0-9A-Za-z]{8,}-[0-9A-Za-z-]{8,}(?![A-Za-z0-9-])", 0},
	{LIT(LIT_AIZA), "(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])", 0},
};

/* A credential word for the key-shaped tokens (detect_token.c). */
#define TOKEN_WORDS                                                                          \
	(LIT(LIT_TOKEN) | LIT(LIT_TOKEN_UP) | LIT(LIT_KEYW) | LIT(LIT_KEYW_CAP) |              \
	 LIT(LIT_KEYW_UP) | LIT(LIT_KEY_JA) | LIT(LIT_TOKEN_JA) | LIT(LIT_SECRET_JA) |         \
	 LIT(LIT_SECRET) | LIT(LIT_SECRET_UP) | LIT(LIT_AUTHZ) | LIT(LIT_CRED))

static GOnce cloud_once = G_ONCE_INIT;

static gpointer compile_cloud(gpointer unused)
{
	pcre2_code **c = g_new0(pcre2_code *, G_N_ELEMENTS(cloud_forms));
	char err[256];
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cloud_forms); i++)
		c[i] = det_compile(cloud_forms[i].re, 0, "cloud form", err, sizeof(err));
	return c;
}

static bool mixed_classes(const char *s, size_t n)
{
	bool up = false, lo = false, dg = false;
	size_t i;

	for (i = 0; i < n; i++) {
		up = up || g_ascii_isupper(s[i]);
		lo = lo || g_ascii_islower(s[i]);
		dg = dg || g_ascii_isdigit(s[i]) || s[i] == '/' || s[i] == '+';
	}
	return up && lo && dg;
}

/* Every match of re (group g) as a hit; check filters AWS secrets. */
static void each_match(const pcre2_code *re, int g, bool aws, const sm_view *v, det_out *out,
		       sm_mask_style mask)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	PCRE2_SIZE off = 0, *ov;

	while (off < v->len && !out->full &&
	       sm_re_match(re, (PCRE2_SPTR)v->text, v->len, off, 0, md, NULL) >= 0) {
		ov = pcre2_get_ovector_pointer(md);
		if (ov[2 * g + 1] > ov[2 * g] &&
		    (!aws || mixed_classes(v->text + ov[2 * g], ov[2 * g + 1] - ov[2 * g])))
			det_emit(out, ov[2 * g], ov[2 * g + 1], mask, 90);
		off = ov[1] > off ? ov[1] : off + 1;
	}
	pcre2_match_data_free(md);
}

static int by_start(const void *a, const void *b)
{
	const sm_hit *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int det_scan_cloud(const det *d, const sm_view *v, det_out *out)
{
	pcre2_code **c = g_once(&cloud_once, compile_cloud, NULL);
	size_t i, first = out->hits->len;

	for (i = 0; i < G_N_ELEMENTS(cloud_forms) && !out->full; i++)
		if (c[i] && (out->lits & cloud_forms[i].lits))
			each_match(c[i], cloud_forms[i].group, cloud_forms[i].aws_secret, v, out,
				   SM_MASK_ALL);
	if (!out->full && (out->lits & TOKEN_WORDS))
		det_scan_token(d, v, out, first);
	/* one value found by two forms (client_secret= with an Entra-shaped value): keep one */
	if (out->hits->len > first + 1) {
		sm_hit *h = &g_array_index(out->hits, sm_hit, first);
		size_t n = out->hits->len - first, k = 0;

		qsort(h, n, sizeof(*h), by_start);
		for (i = 0; i < n; i++)
			if (k == 0 || h[i].start >= h[k - 1].end)
				h[k++] = h[i];
		g_array_set_size(out->hits, first + k);
	}
	return out->full ? 1 : 0;
}

/* ------------------------------------------------------------ PEM */

static bool is_pem_space(const char *t, size_t p, size_t len, size_t *adv)
{
	*adv = 1;
	if (t[p] == ' ' || t[p] == '\r' || t[p] == '\n' || t[p] == '\t')
		return true;
	if (t[p] == '\\' && p + 1 < len && (t[p + 1] == 'n' || t[p + 1] == 'r')) {
		*adv = 2; /* a key pasted into JSON: "\n" escapes */
		return true;
	}
	return false;
}

static bool pem_body_char(char c)
{
	return g_ascii_isalnum(c) || c == '+' || c == '/' || c == '=' || c == ':' || c == '-' ||
	       c == ',' || c == ' ' || c == '\r' || c == '\n' || c == '\\';
}

/* A key body starts with a header ("Proc-Type:") or a long base64 run. */
static bool pem_first_token_ok(const char *t, size_t p, size_t lim)
{
	size_t q = p;

	while (q < lim && (g_ascii_isalnum(t[q]) || t[q] == '+' || t[q] == '/' || t[q] == '=' ||
			   t[q] == '-'))
		q++;
	if (q < lim && t[q] == ':' && q > p)
		return true;
	return q - p >= 16;
}

/* Body of the block whose BEGIN marker ends at p: [*s, *e). */
static bool pem_body(const char *t, size_t len, size_t p, size_t *s, size_t *e)
{
	size_t lim = len - p > PEM_MAX ? p + PEM_MAX : len, adv;
	const char *end = memmem(t + p, lim - p, "-----END ", 9);
	size_t q;

	while (p < lim && is_pem_space(t, p, lim, &adv))
		p += adv;
	if (end)
		q = (size_t)(end - t);
	else
		for (q = p; q < lim && pem_body_char(t[q]); q++)
			;
	if (!pem_first_token_ok(t, p, lim))
		return false; /* prose naming the marker, not a key */
	*s = p;
	while (q > p && (t[q - 1] == ' ' || t[q - 1] == '\r' || t[q - 1] == '\n' ||
			 (q - p >= 2 && t[q - 2] == '\\' && (t[q - 1] == 'n' || t[q - 1] == 'r'))))
		q -= t[q - 1] == 'n' || t[q - 1] == 'r' ? (t[q - 2] == '\\' ? 2 : 1) : 1;
	*e = q;
	return q > p;
}

static GOnce pem_once = G_ONCE_INIT;

static gpointer compile_pem(gpointer unused)
{
	char err[256];

	return det_compile("-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY"
			   "(?: BLOCK)?-----", 0, "pem", err, sizeof(err));
}

int det_scan_private_key(const det *d, const sm_view *v, det_out *out)
{
	pcre2_code *re = g_once(&pem_once, compile_pem, NULL);
	pcre2_match_data *md;
	PCRE2_SIZE off = 0, *ov;

	if (!re || !(out->lits & LIT(LIT_PEM)))
		return 0;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	while (off < v->len && !out->full &&
	       sm_re_match(re, (PCRE2_SPTR)v->text, v->len, off, 0, md, NULL) >= 0) {
		size_t s, e;

		ov = pcre2_get_ovector_pointer(md);
		off = ov[1];
		if (pem_body(v->text, v->len, ov[1], &s, &e)) {
			det_emit(out, s, e, SM_MASK_ALL, 100);
			off = e;
		}
	}
	pcre2_match_data_free(md);
	return out->full ? 1 : 0;
}

