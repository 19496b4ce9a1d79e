/*
 * detect.c - the detector set at work: the scan driver, file-name matching,
 * masked previews, fingerprints and helpers shared by the scanners
 * (detect_digits.c, detect_card.c, detect_mynumber.c, detect_pw.c,
 * detect_col.c, detect_secret.c, detect_custom.c, detect_mde.c); the
 * prefilter pass that runs first is in detect_prefilter.c.
 *
 * Input: views of untrusted text, untrusted file names.
 * Limits: hits per scan (max_hits from the caller); file names are looked at
 * up to MAX_NAME_BYTES; previews are bounded and never carry the value.
 * Ownership: returns g_free'd previews; hits go into the caller's array.
 */
#include "detect_int.h"
#include "re.h"

#include <stdio.h>

#define MAX_NAME_BYTES 1024

/* ------------------------------------------------------------ helpers */

pcre2_code *det_compile(const char *pattern, uint32_t flags, const char *what, char *err,
			size_t errlen)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, flags, &ec,
				       &eo, NULL);

	if (!re) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(ec, msg, sizeof(msg));
		snprintf(err, errlen, "%s: %s at offset %zu", what, (char *)msg, (size_t)eo);
		return NULL;
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* no JIT: the interpreter still works */
	return re;
}

bool det_emit(det_out *out, size_t start, size_t end, sm_mask_style mask, int confidence)
{
	sm_hit h = {out->det, start, end, mask, confidence};

	if (out->hits->len >= out->max_hits) {
		out->full = true;
		return false;
	}
	g_array_append_val(out->hits, h);
	return true;
}

static bool ci_at(const char *p, const char *kw, size_t kl)
{
	return g_ascii_strncasecmp(p, kw, kl) == 0;
}

/*
 * The keyword filter of one detector for det_keyword_near: a flag per
 * anchor pair (every case form), each keyword anchored on a pair inside it
 * that is rare in mail text ("mb" of "card number"; for a keyword that
 * starts with a multi-byte character its 2nd and 3rd bytes: UTF-8 lead
 * bytes such as E3 are in every other Japanese character), then the
 * keywords whose anchor it is, compared in ASCII lower case.
 */
typedef struct near_kw {
	char *w;       /* ASCII lower-cased */
	size_t len;
	size_t key;    /* offset of the anchor pair in w */
	uint16_t pair; /* the anchor pair, lower-cased: lc[a] << 8 | lc[b] */
} near_kw;

struct det_near {
	uint8_t *pair; /* 65536 flags, by the two bytes as one 16-bit load (at2); NULL: no keyword */
	near_kw *kw;
	unsigned n;
	bool slow; /* a keyword too short for the table: look at every byte */
};

/* g_ascii_tolower without the call */
static unsigned char lower(unsigned char c)
{
	return (unsigned)(c - 'A') < 26u ? (unsigned char)(c + 32) : c;
}

static unsigned char upper(unsigned char c)
{
	return c >= 'a' && c <= 'z' ? (unsigned char)(c - 32) : c;
}

/* How common a byte is in mail text: letters by English frequency, space most. */
static unsigned commonness(unsigned char c)
{
	static const char order[] = "etaoinshrdlcumwfgypbvkjxqz";
	const char *p = c ? strchr(order, lower(c)) : NULL;

	if (c == ' ')
		return 40;
	return p ? (unsigned)(26 - (p - order)) : 0;
}

/* Where keyword w is anchored: the 2nd byte of one that starts with a
 * multi-byte character, else its pair of ASCII bytes least common in text. */
static size_t near_key(const char *w, size_t kl)
{
	const unsigned char *u = (const unsigned char *)w;
	size_t o, best = 0;
	unsigned best_c = ~0u;

	if (u[0] >= 0x80)
		return kl >= 3 ? 1 : 0;
	for (o = 0; o + 1 < kl && u[o + 1] < 0x80; o++) {
		unsigned c = commonness(u[o]) + commonness(u[o + 1]);

		if (c < best_c) {
			best_c = c;
			best = o;
		}
	}
	return best;
}

/* The flag index of the two bytes at p: one 16-bit load, any byte order. */
static unsigned at2(const unsigned char *p)
{
	uint16_t x;

	memcpy(&x, p, 2);
	return x;
}

static void near_set(det_near *n, unsigned char a, unsigned char b)
{
	const unsigned char two[2] = {a, b};

	if (!n->pair)
		n->pair = g_new0(uint8_t, 65536);
	n->pair[at2(two)] = 1;
}

det_near *det_near_new(char *const *keywords)
{
	det_near *n = g_new0(det_near, 1);
	unsigned count = keywords ? g_strv_length((char **)keywords) : 0;

	n->kw = g_new0(near_kw, count + 1);
	for (; keywords && *keywords; keywords++) {
		const char *w = *keywords;
		size_t kl = strlen(w), o = near_key(w, kl), i;
		unsigned char a, b;
		near_kw *k;

		if (kl < 2) {
			n->slow = n->slow || kl == 1;
			continue;
		}
		k = &n->kw[n->n++];
		k->w = g_strdup(w);
		for (i = 0; i < kl; i++)
			k->w[i] = (char)lower((unsigned char)w[i]);
		k->len = kl;
		k->key = o;
		a = (unsigned char)k->w[o];
		b = (unsigned char)k->w[o + 1];
		k->pair = (uint16_t)(a << 8 | b);
		near_set(n, lower(a), lower(b));
		near_set(n, lower(a), upper(b));
		near_set(n, upper(a), lower(b));
		near_set(n, upper(a), upper(b));
	}
	return n;
}

void det_near_free(det_near *n)
{
	if (!n)
		return;
	for (unsigned i = 0; i < n->n; i++)
		g_free(n->kw[i].w);
	g_free(n->kw);
	g_free(n->pair);
	g_free(n);
}

/* Any keyword starting in [a, b - its length], anchored at i? */
static bool near_at(const det_near *n, const unsigned char *t, size_t a, size_t b, size_t i)
{
	uint16_t pair = (uint16_t)(lower(t[i]) << 8 | lower(t[i + 1]));

	for (unsigned j = 0; j < n->n; j++) {
		const near_kw *k = &n->kw[j];
		size_t s, x;

		if (k->pair != pair || i < a + k->key)
			continue;
		s = i - k->key;
		if (s + k->len > b)
			continue;
		for (x = 0; x < k->len && lower(t[s + x]) == (unsigned char)k->w[x]; x++)
			;
		if (x == k->len)
			return true;
	}
	return false;
}

/* Is the pair at t[i] (i + 1 < b) an anchor? */
static bool near_key_at(const det_near *n, const unsigned char *t, size_t i)
{
	return n->pair[at2(t + i)];
}

/* Any anchor among the pairs at t[i .. i + 8) (i + 9 <= b)? */
static bool near_any8(const det_near *n, const unsigned char *t, size_t i)
{
	const uint8_t *f = n->pair;

	return f[at2(t + i)] | f[at2(t + i + 1)] | f[at2(t + i + 2)] | f[at2(t + i + 3)] |
	       f[at2(t + i + 4)] | f[at2(t + i + 5)] | f[at2(t + i + 6)] | f[at2(t + i + 7)];
}

/* The old loop, for keyword lists with a one-byte keyword. */
static bool near_slow(char *const *keywords, const char *t, size_t a, size_t b)
{
	size_t i;

	for (; *keywords; keywords++) {
		size_t kl = strlen(*keywords);

		for (i = a; kl && i + kl <= b; i++)
			if (ci_at(t + i, *keywords, kl))
				return true;
	}
	return false;
}

/* Anchors at [lo, hi) (hi + 1 <= b), eight pairs at a time, nearest to the
 * value first: backwards before it, forwards after it. */
static bool near_range(const det_near *n, const unsigned char *t, size_t a, size_t b,
		       size_t lo, size_t hi, bool backwards)
{
	size_t i;

	if (backwards) {
		for (i = hi; i >= lo + 8;) {
			i -= 8;
			if (near_any8(n, t, i))
				for (size_t k = i + 8; k-- > i;)
					if (near_key_at(n, t, k) && near_at(n, t, a, b, k))
						return true;
		}
		while (i-- > lo)
			if (near_key_at(n, t, i) && near_at(n, t, a, b, i))
				return true;
		return false;
	}
	for (i = lo; i + 8 <= hi; i += 8)
		if (near_any8(n, t, i))
			for (size_t k = i; k < i + 8; k++)
				if (near_key_at(n, t, k) && near_at(n, t, a, b, k))
					return true;
	for (; i < hi; i++)
		if (near_key_at(n, t, i) && near_at(n, t, a, b, i))
			return true;
	return false;
}

bool det_keyword_near(const det *d, const char *text, size_t len, size_t start, size_t end)
{
	size_t w = (size_t)d->window;
	size_t a = start > w ? start - w : 0;
	size_t b = end + w < len ? end + w : len;
	const unsigned char *t = (const unsigned char *)text;
	size_t mid = start < b ? start : b, last = b > 0 ? b - 1 : 0; /* pairs start before b - 1 */

	if (!d->keywords || !d->keywords[0] || !d->near)
		return false;
	if (d->near->slow)
		return near_slow(d->keywords, text, a, b);
	if (!d->near->pair)
		return false; /* no keyword of two bytes or more */
	if (mid > last)
		mid = last;
	/* outwards from the value: a keyword is usually just before it */
	return (mid > a && near_range(d->near, t, a, b, a, mid, true)) ||
	       (last > mid && near_range(d->near, t, a, b, mid, last, false));
}

bool det_luhn(const char *digits, size_t n)
{
	unsigned sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned c = (unsigned)(digits[n - 1 - i] - '0');

		if (i & 1) {
			c *= 2;
			if (c > 9)
				c -= 9;
		}
		sum += c;
	}
	return n > 0 && sum % 10 == 0;
}

/* The individual number's check digit (マイナンバー, 12 digits). */
bool det_mynumber_valid(const char *d)
{
	unsigned sum = 0, n, r, check;

	for (n = 1; n <= 11; n++) {
		unsigned p = (unsigned)(d[11 - n] - '0');
		unsigned q = n <= 6 ? n + 1 : n - 5;

		sum += p * q;
	}
	r = sum % 11;
	check = r <= 1 ? 0 : 11 - r;
	return check == (unsigned)(d[11] - '0');
}

/* ------------------------------------------------------------ the set */

bool sm_detectors_propagates(const sm_detectors *s, unsigned i)
{
	const det *d;

	if (!s || i >= s->dets->len)
		return false;
	d = g_ptr_array_index(s->dets, i);
	return d->info.action == SM_ACT_MASK &&
	       (d->kind == K_PASSWORD || d->kind == K_CLOUD ||
		(d->kind == K_CUSTOM && d->mask != SM_MASK_DIGITS_KEEP4));
}

size_t sm_detectors_count(const sm_detectors *s)
{
	return s ? s->dets->len : 0;
}

const sm_detector_info *sm_detectors_info(const sm_detectors *s, unsigned i)
{
	const det *d;

	if (!s || i >= s->dets->len)
		return NULL;
	d = g_ptr_array_index(s->dets, i);
	return &d->info;
}

static int scan_one(const det *d, const sm_view *v, const sm_scan_ctx *ctx, det_out *out)
{
	switch (d->kind) {
	case K_CARD:
		return det_scan_card(d, v, ctx, out);
	case K_PASSWORD:
		return det_scan_password(d, v, ctx, out);
	case K_PRIVATE_KEY:
		return det_scan_private_key(d, v, out);
	case K_CLOUD:
		return det_scan_cloud(d, v, out);
	case K_MYNUMBER:
		return det_scan_mynumber(d, v, out);
	case K_MDE:
		return det_scan_mde(d, v, out);
	case K_CUSTOM:
		return det_scan_custom(d, v, out);
	}
	return 0;
}

/* A hit of a detector that rejects the message (onboarding material): what
 * the layers could add changes nothing. */
static bool rejects(const sm_detectors *s, const GArray *hits)
{
	for (guint i = 0; i < hits->len; i++) {
		const det *d = g_ptr_array_index(s->dets, g_array_index(hits, sm_hit, i).det);

		if (d->info.action == SM_ACT_REJECT)
			return true;
	}
	return false;
}

int det_scan_depth(const sm_detectors *s, const sm_view *v, const sm_scan_ctx *ctx,
		   GArray *hits, size_t max_hits, int depth)
{
	det_out out = {hits, max_hits, false, 0, 0, false, NULL, {{{0}}, {0}, {0}}};
	static const sm_scan_ctx none;
	unsigned i;

	if (!s || !v || !v->text)
		return 0;
	det_pre_scan(s->pre, v, &out);
	for (i = 0; i < s->dets->len && !out.full && !sm_re_expired(); i++) {
		out.det = i;
		scan_one(g_ptr_array_index(s->dets, i), v, ctx ? ctx : &none, &out);
	}
	if (out.pw_spans)
		g_array_free(out.pw_spans, TRUE);
	if (!out.full && !rejects(s, hits))
		det_scan_layers(s, v, ctx ? ctx : &none, &out, depth);
	return out.full ? 1 : 0;
}

int sm_detectors_scan(const sm_detectors *s, const sm_view *v, const sm_scan_ctx *ctx,
		      GArray *hits, size_t max_hits)
{
	return det_scan_depth(s, v, ctx, hits, max_hits, 0);
}

/* Base name: after the last '/' or '\\', bounded. */
static const char *base_name(const char *f)
{
	const char *b = f, *p;

	for (p = f; *p && p - f < MAX_NAME_BYTES; p++)
		if (*p == '/' || *p == '\\')
			b = p + 1;
	return b;
}

/*
 * Does pattern re match the whole base name, allowing what renaming adds:
 * " (1)", " - Copy", "_old" before the extension, an extension or two
 * (".cmd", ".zip", ".cmd.txt")?  re is anchored at the start.
 */
static bool name_matches(const pcre2_code *re, const char *name, size_t n)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	bool ok = false;
	int rc = sm_re_match(re, (PCRE2_SPTR)name, n, 0, 0, md, NULL);

	if (rc >= 0) {
		const char *p = name + pcre2_get_ovector_pointer(md)[1], *e = name + n;

		/* renaming junk, then extensions of letters and digits only */
		while (p < e && (*p == ' ' || *p == '-' || *p == '_' || *p == '(' || *p == ')' ||
				 g_ascii_isdigit(*p)))
			p++;
		if (p + 4 <= e && g_ascii_strncasecmp(p, "copy", 4) == 0)
			p += 4;
		ok = p == e || *p == '.';
		for (; ok && p < e; p++)
			ok = *p == '.' || g_ascii_isalnum(*p) || *p == '_';
	}
	pcre2_match_data_free(md);
	return ok;
}

int sm_detectors_match_name(const sm_detectors *s, const char *filename)
{
	const char *b;
	char *f;
	size_t n;
	unsigned i, j;
	int found = -1;

	if (!s || !filename)
		return -1;
	b = base_name(filename);
	/* folded like text: full-width letters, odd spaces and dashes read as ASCII */
	f = sm_fold(b, strnlen(b, MAX_NAME_BYTES));
	n = strlen(f);
	for (i = 0; i < s->dets->len && found < 0; i++) {
		const det *d = g_ptr_array_index(s->dets, i);

		for (j = 0; d->name_re && j < d->name_re->len && found < 0; j++)
			if (name_matches(g_ptr_array_index(d->name_re, j), f, n))
				found = (int)i;
	}
	g_free(f);
	return found;
}

char *sm_detectors_preview(const sm_detectors *s, const sm_view *v, const sm_hit *h)
{
	GString *g;
	size_t i, n, digits = 0, seen = 0;

	if (!v || !h || h->end > v->len || h->start >= h->end || h->mask == SM_MASK_FIXED ||
	    h->mask == SM_MASK_NONE)
		return g_strdup("********");
	n = h->end - h->start;
	if (h->mask == SM_MASK_ALL)
		return n <= 32 ? g_strnfill(n, '*') : g_strdup_printf("********(%zu bytes)", n);
	/* DIGITS_KEEP4: separators stay, digits but the last four become '*' */
	for (i = h->start; i < h->end; i++)
		digits += g_ascii_isdigit(v->text[i]) ? 1 : 0;
	if (n > 64 || digits < 8)
		return g_strdup("********");
	g = g_string_sized_new(n);
	for (i = h->start; i < h->end; i++) {
		char c = v->text[i];

		if (g_ascii_isdigit(c))
			g_string_append_c(g, ++seen + 4 > digits ? c : '*');
		else
			g_string_append_c(g, c == ' ' || c == '-' ? c : '*');
	}
	return g_string_free(g, FALSE);
}

/* The value a fingerprint is computed over: a card number or a My Number is
 * its digits only (so "4111 1111-1111 1111" and "4111111111111111" are one
 * value), a detector with a digit validator likewise; anything else (a
 * password, a key) exactly as found. */
void sm_detectors_fingerprint(const sm_detectors *s, const char *key, const sm_view *v,
			      const sm_hit *h, char out[17])
{
	const det *d = s && h->det < s->dets->len ? g_ptr_array_index(s->dets, h->det) : NULL;
	bool digits = d && (d->kind == K_CARD || d->kind == K_MYNUMBER || d->validator != VAL_NONE);
	size_t i, n = 0;
	char *buf;

	if (!digits || h->end > v->len || h->start >= h->end) {
		sm_fingerprint(key, v->text + (h->end <= v->len ? h->start : 0),
			       h->end <= v->len && h->start < h->end ? h->end - h->start : 0, out);
		return;
	}
	buf = g_malloc(h->end - h->start);
	for (i = h->start; i < h->end; i++)
		if (g_ascii_isdigit(v->text[i]))
			buf[n++] = v->text[i];
	sm_fingerprint(key, buf, n, out);
	g_free(buf);
}

void sm_fingerprint(const char *key, const void *data, size_t len, char out[17])
{
	GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, (const guchar *)(key ? key : ""),
			      key ? strlen(key) : 0);

	g_hmac_update(h, data, len);
	g_strlcpy(out, g_hmac_get_string(h), 17);
	g_hmac_unref(h);
}
