/*
 * rules_litset.c - finding the prefilter words of rules_prefilter.c in a
 * text: one word at a time (sm_lit_absent: memchr on a word's rarest byte,
 * then a compare) and a whole list's words in one pass (sm_litset_scan: a
 * two-byte bitmap for ASCII words and a code-point bitmap for Japanese ones
 * select the few chains worth comparing), with where each word occurs.
 * ASCII words compare caselessly; U+017F and U+212A, which PCRE2 matches
 * caselessly against s and k, make words holding s or k count as present.
 *
 * Untrusted input: the text.  Limits: one pass over it per call; the
 * occurrences kept are bounded by the caller's max_hits (beyond, *overflow).
 * Owns: a word set's copies of its words.
 */
#include "rules_priv.h"

#include <glib.h>
#include <string.h>

/* Does t[0, len) hold the UTF-8 of U+017F (c5 bf) or U+212A (e2 84 aa)? */
static bool has_sk(const char *t, size_t len)
{
	const char *p = t, *e = t + len;

	while ((p = memchr(p, 0xc5, (size_t)(e - p))) && ++p < e)
		if ((unsigned char)*p == 0xbf)
			return true;
	for (p = t; (p = memchr(p, 0xe2, (size_t)(e - p))) && ++p + 1 < e;)
		if ((unsigned char)p[0] == 0x84 && (unsigned char)p[1] == 0xaa)
			return true;
	return false;
}

void sm_lit_scan(sm_lit_text *lt, const char *text, size_t len)
{
	lt->text = text;
	lt->len = len;
	lt->sk = has_sk(text, len);
}

void sm_lit_text_clear(sm_lit_text *lt)
{
	lt->text = NULL;
}

/* The byte of w to look for first: its least frequent letter in English
 * text (digits and others count as rare). */
static size_t anchor(const char *w, size_t n)
{
	static const char freq[] = "etaoinshrdlcumwfgypbvkjxqz";
	size_t i, best = 0, rank = 0;

	for (i = 0; i < n; i++) {
		const char *f = strchr(freq, w[i]);
		size_t r = f && w[i] ? (size_t)(f - freq) : sizeof(freq);

		if (r > rank) {
			rank = r;
			best = i;
		}
	}
	return best;
}

/* w (lower case) at t, ASCII letters of t in either case? */
static bool same_caseless(const char *t, const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (g_ascii_tolower(t[i]) != w[i])
			return false;
	return true;
}

/* Does w (n >= 2 bytes, lower case) occur in the text, ASCII case ignored?
 * memchr (vectorised) finds its rarest byte in each case, then the word
 * around it is compared: cheaper than a general search for these words. */
static bool occurs(const sm_lit_text *lt, const char *w, size_t n)
{
	size_t k = anchor(w, n);
	const char *e, *p;
	char c[2] = {w[k], g_ascii_toupper(w[k])};
	int v;

	if (lt->len < n)
		return false;
	e = lt->text + lt->len - (n - 1 - k);
	for (v = 0; v < (c[1] != c[0] ? 2 : 1); v++)
		for (p = lt->text + k; p < e && (p = memchr(p, c[v], (size_t)(e - p))); p++)
			if (same_caseless(p - k, w, n))
				return true;
	return false;
}

bool sm_lit_absent(char *const *words, const sm_lit_text *lt)
{
	char *const *w;

	if (!words)
		return false;
	for (w = words; *w; w++) {
		size_t n = strlen(*w);

		if ((unsigned char)**w >= 0x80) { /* Japanese: exact bytes */
			if (memmem(lt->text, lt->len, *w, n))
				return false;
		} else if ((lt->sk && strpbrk(*w, "sk")) || occurs(lt, *w, n))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------ word sets */

#define LIT_BUCKETS 1024 /* chains keyed by a word's first two bytes */

struct sm_litset {
	GPtrArray *words;  /* distinct words, ASCII lower case or Japanese */
	int head[LIT_BUCKETS];
	GArray *next;      /* of int: the chain after word i, -1 ends */
	GArray *lens;      /* of size_t: word i's length */
	bool start[256];   /* bytes a word may start with (either case) */
	uint8_t pair[128 * 128 / 8]; /* ASCII words: their first two bytes, lower case */
	uint8_t pair_free[128 * 128 / 8]; /* ... of the words that may start inside a word */
	GArray *free;      /* of uint8_t: word i may start inside a word (no \\b before it) */
	uint8_t cjk[(0xa000 - 0x3000) / 8]; /* Japanese words: their first character */
};

/* The code point of the three-byte UTF-8 character at t, if U+3000-9FFF, else 0. */
static inline unsigned cjk_cp(const unsigned char *t)
{
	unsigned cp;

	if ((t[0] & 0xf0) != 0xe0 || (t[1] & 0xc0) != 0x80 || (t[2] & 0xc0) != 0x80)
		return 0;
	cp = ((unsigned)(t[0] & 0x0f) << 12) | ((unsigned)(t[1] & 0x3f) << 6) | (t[2] & 0x3f);
	return cp >= 0x3000 && cp < 0xa000 ? cp : 0;
}

static inline bool bit(const uint8_t *m, unsigned i)
{
	return m[i >> 3] & (1u << (i & 7));
}

static void set_bit(uint8_t *m, unsigned i)
{
	m[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static unsigned bucket(unsigned char a, unsigned char b)
{
	return ((unsigned)(a | 0x20) * 31u + (b | 0x20)) % LIT_BUCKETS; /* | 0x20: either case */
}

sm_litset *sm_litset_new(void)
{
	sm_litset *s = g_new0(sm_litset, 1);
	size_t i;

	s->words = g_ptr_array_new_with_free_func(g_free);
	s->next = g_array_new(FALSE, FALSE, sizeof(int));
	s->lens = g_array_new(FALSE, FALSE, sizeof(size_t));
	s->free = g_array_new(FALSE, FALSE, sizeof(uint8_t));
	for (i = 0; i < LIT_BUCKETS; i++)
		s->head[i] = -1;
	return s;
}

void sm_litset_free(sm_litset *s)
{
	if (!s)
		return;
	g_ptr_array_free(s->words, TRUE);
	g_array_free(s->next, TRUE);
	g_array_free(s->lens, TRUE);
	g_array_free(s->free, TRUE);
	g_free(s);
}

/* Word i may start inside a word of the text: its pair goes in pair_free. */
static void mark_free(sm_litset *s, int i)
{
	const char *w = g_ptr_array_index(s->words, i);

	g_array_index(s->free, uint8_t, i) = 1;
	if ((unsigned char)w[0] < 0x80)
		set_bit(s->pair_free, ((unsigned)w[0] << 7) | ((unsigned char)w[1] & 0x7f));
}

int sm_litset_add(sm_litset *s, const char *w, bool bounded)
{
	unsigned b;
	int i;
	size_t n = strlen(w);
	uint8_t no = 0;

	for (i = 0; i < (int)s->words->len; i++)
		if (strcmp(g_ptr_array_index(s->words, i), w) == 0) {
			if (!bounded)
				mark_free(s, i);
			return i;
		}
	b = bucket((unsigned char)w[0], (unsigned char)w[1]); /* words have >= 2 bytes */

	g_ptr_array_add(s->words, g_strdup(w));
	g_array_append_val(s->lens, n);
	g_array_append_val(s->free, no);
	if (!bounded)
		mark_free(s, i);
	g_array_append_val(s->next, s->head[b]);
	s->head[b] = i;
	s->start[(unsigned char)w[0]] = true;
	s->start[(unsigned char)g_ascii_toupper(w[0])] = true;
	if ((unsigned char)w[0] < 0x80)
		set_bit(s->pair, ((unsigned)w[0] << 7) | ((unsigned char)w[1] & 0x7f));
	else if (cjk_cp((const unsigned char *)w))
		set_bit(s->cjk, cjk_cp((const unsigned char *)w) - 0x3000);
	return i;
}

size_t sm_litset_size(const sm_litset *s)
{
	return s->words->len;
}

/* A byte PCRE2's \\b counts as part of a word (no UCP: ASCII letters,
 * digits and '_'). */
static bool is_word_byte(unsigned char c)
{
	return g_ascii_isalnum(c) || c == '_';
}

/* ASCII lower case without a call per byte. */
static unsigned char lower_of(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* w (n bytes) at t, ASCII letters of t in either case (Japanese: exact)? */
static bool word_at(const char *t, const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lower_of((unsigned char)t[i]) != (unsigned char)w[i])
			return false;
	return true;
}

void sm_litset_scan(const sm_litset *s, const char *t, size_t len, uint8_t *present,
		    GArray *hits, size_t max_hits, bool *overflow)
{
	bool sk = has_sk(t, len);
	size_t i, nw = s->words->len;
	int k;

	memset(present, 0, nw);
	*overflow = sk; /* U+017F / U+212A match s / k caselessly: positions unknown */
	for (k = 0; sk && k < (int)nw; k++)
		if (strpbrk(g_ptr_array_index(s->words, k), "sk"))
			present[k] = 1;
	for (i = 0; i + 1 < len; i++) {
		const unsigned char *u = (const unsigned char *)t + i;
		unsigned cp;
		bool mid = false;

		if (!s->start[u[0]])
			continue;
		if (u[0] < 0x80) { /* the first two bytes, lower case, start an ASCII word? */
			unsigned pr = ((unsigned)lower_of(u[0]) << 7) | lower_of(u[1] & 0x7f);

			if (u[1] >= 0x80 || !bit(s->pair, pr))
				continue;
			/* inside a word of the text only words without \\b before them start */
			mid = i > 0 && is_word_byte((unsigned char)t[i - 1]);
			if (mid && !bit(s->pair_free, pr))
				continue;
		} else if (len - i < 3 || !(cp = cjk_cp(u)) || !bit(s->cjk, cp - 0x3000)) {
			continue;
		}
		for (k = s->head[bucket((unsigned char)t[i], (unsigned char)t[i + 1])]; k >= 0;
		     k = g_array_index(s->next, int, k)) {
			const char *w = g_ptr_array_index(s->words, k);
			size_t n = g_array_index(s->lens, size_t, k);

			if (n > len - i || (mid && !g_array_index(s->free, uint8_t, k)) ||
			    !word_at(t + i, w, n))
				continue;
			present[k] = 1;
			if (hits && hits->len < max_hits) {
				sm_lit_hit h = {i, k};

				g_array_append_val(hits, h);
			} else
				*overflow = true;
		}
	}
}
