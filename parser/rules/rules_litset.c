/*
 * rules_litset.c - finding the prefilter words of rules_prefilter.c in a
 * text: one word at a time (sm_lit_absent: memchr on a word's rarest byte,
 * then a compare) and a whole list's words in one pass (sm_litset_scan: a
 * table of the bytes words start with, then of their first two and a hash
 * of their first three bytes for ASCII words, a code-point bitmap for
 * Japanese ones read a character at a time, select the few chains worth
 * comparing; sets with few first pairs pass over 16-byte blocks holding
 * none with SSE2, sets with more look each position's two bytes up in one
 * 32 KB table of first pairs), with where each word occurs; a union of
 * sets finds the words of each in one scan (sm_litunion).
 * ASCII words compare caselessly; U+017F and U+212A, which PCRE2 matches
 * caselessly against s and k, make words holding s or k count as present.
 *
 * Untrusted input: the text.  Limits: one pass over it per call; the
 * occurrences kept are bounded by the caller's max_hits (beyond, *overflow).
 * Owns: a word set's copies of its words and tables; a union's set and maps.
 */
#include "rules_priv.h"

#include <glib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

/*
 * A word is looked for where the text holds its first two bytes (ASCII, in
 * either case) or its first character (U+3000-U+9FFF, three bytes): its key.
 * Other words (a non-ASCII second byte after an ASCII one, another first
 * character, a cut character) are never found, as rules_prefilter.c never
 * makes them.  The scan tests each ASCII pair of the text in a bitmap of the
 * words' pairs in either case (one for every word, one for the words that
 * may start inside a word of the text), steps over a Japanese character at
 * once and looks its code point up in a third.  Only then does it walk the
 * chain of the words with that exact key, in reverse order of addition (the
 * occurrences at one offset come out highest index first), comparing the
 * first four bytes of each word with the text's at once before the rest.
 */
#define LIT_BUCKETS 1024   /* chains keyed by hash(key) */
#define KEY_NONE 0xffffffffu
#define KEY_CJK 0x10000u   /* + code point; ASCII pairs are below 0x4000 */
#define PAIR_ANY 1         /* a word starts with the pair */
#define PAIR_FREE 2        /* a word that may start inside a word of the text does */
#define PAIR_SHORT 4       /* a word with no third byte in tri does (two bytes, non-ASCII) */
#define W_LEAD 8           /* sm_litset.wide only: a Japanese word's first two bytes */
/* What a byte of the text is (sm_litset.cls): PAIR_ANY and PAIR_FREE of the
 * first bytes of the pairs, and: */
#define C_WORD 8           /* a word byte for \\b */
#define C_LEAD 16          /* the first byte of a three-byte character */
#define TRI_BITS 15        /* log2 of the bits of sm_litset.tri */
#define LIT_PAIRS 16       /* first pairs (ASCII letters folded) a set may have for
			    * the 16-byte filter of scan_pass; more: byte by byte */

/* What a scan reads of word i, in one place. */
typedef struct lit_word {
	uint32_t key;  /* KEY_NONE when never found */
	uint32_t head; /* its four bytes from head_off(key) on (fewer when shorter),
			* lower case */
	uint32_t mask; /* the bytes of head that count */
	int next;      /* the chain after it, -1 ends */
	size_t len;
	const char *w;
	bool free;     /* may start inside a word of the text (no \\b before it) */
} lit_word;

struct sm_litset {
	GPtrArray *words;  /* distinct words, ASCII lower case or Japanese */
	GArray *w;         /* of lit_word, as words */
	int head[LIT_BUCKETS];
	uint8_t pair[128 * 128]; /* ASCII words' first two bytes, either case: PAIR_* */
	uint8_t cls[256];        /* C_* and PAIR_* of each byte */
	uint8_t tri[(1u << TRI_BITS) / 8]; /* ASCII words: hash of their first three bytes */
	uint8_t cjk[(0xa000 - 0x3000) / 8]; /* Japanese words: their first character */
	/* The 16-byte filter: the ASCII words' first two bytes | 0x20 (bytes
	 * a b may start a word only if a | 0x20, b | 0x20 are one of them, or
	 * a is a lead byte and lead is set); npair > LIT_PAIRS: no filter. */
	uint8_t pair0[LIT_PAIRS][16], pair1[LIT_PAIRS][16];
	size_t npair;
	bool lead;
	/* Sets with more first pairs: 128 x 256 bytes, at wide_at(a b): pair's
	 * PAIR_* for ASCII a and b < 0x80 (b's top bit is not in the index),
	 * W_LEAD where a b are the first two bytes of a Japanese word; made
	 * when the set passes LIT_PAIRS; else NULL. */
	uint8_t *wide;
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

/* Three bytes of an ASCII word | 0x20 (a word's and the text's in either
 * case give the same), hashed into sm_litset.tri. */
static inline unsigned tri_of(unsigned a, unsigned b, unsigned c)
{
	return ((((a | 0x20) << 14) | ((b | 0x20) << 7) | (c | 0x20)) * 2654435761u) >>
	       (32 - TRI_BITS);
}

static inline unsigned bucket(uint32_t key)
{
	return (key * 2654435761u) >> 22; /* the top log2(LIT_BUCKETS) bits */
}

/* ASCII lower case without a call per byte. */
static inline unsigned char lower_of(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Four bytes with their ASCII capitals in lower case (the others as they are). */
static inline uint32_t lower4(uint32_t x)
{
	uint32_t low7 = x & 0x7f7f7f7fu;
	uint32_t ge_a = low7 + 0x3f3f3f3fu; /* a byte's top bit: >= 'A' */
	uint32_t gt_z = low7 + 0x25252525u; /* ... > 'Z' */
	uint32_t upper = ge_a & ~gt_z & ~x & 0x80808080u;

	return x | (upper >> 2);
}

/* The first n (<= 4) bytes at p as one word, in lower case when `lower`;
 * *mask covers them. */
static uint32_t head_of(const char *p, size_t n, bool lower, uint32_t *mask)
{
	unsigned char b[4] = {0, 0, 0, 0}, m[4] = {0, 0, 0, 0};
	uint32_t h, mm;

	memcpy(b, p, n);
	memset(m, 0xff, n);
	memcpy(&h, b, 4);
	memcpy(&mm, m, 4);
	*mask = mm;
	return lower ? lower4(h) : h;
}

/* The key of word w (>= 2 bytes), or KEY_NONE when a scan cannot find it. */
static uint32_t key_of(const char *w)
{
	const unsigned char *u = (const unsigned char *)w;

	if (u[0] < 0x80)
		return u[1] < 0x80 ? ((uint32_t)u[0] << 7) | u[1] : KEY_NONE;
	return cjk_cp(u) ? KEY_CJK + cjk_cp(u) : KEY_NONE; /* u[2] may be the NUL: no */
}

/* Where a word's head (lit_word.head) starts: a Japanese word's key is its
 * first character (three bytes, the same in the text when the keys are),
 * so its head is the four bytes after it; an ASCII word's, its first four. */
static inline size_t head_off(uint32_t key)
{
	return key >= KEY_CJK && key != KEY_NONE ? 3 : 0;
}

/* A byte PCRE2's \\b counts as part of a word (no UCP: ASCII letters,
 * digits and '_'). */
static inline bool is_word_byte(unsigned char c)
{
	return g_ascii_isalnum(c) || c == '_';
}

sm_litset *sm_litset_new(void)
{
	sm_litset *s = g_new0(sm_litset, 1);
	size_t i;

	s->words = g_ptr_array_new_with_free_func(g_free);
	s->w = g_array_new(FALSE, FALSE, sizeof(lit_word));
	for (i = 0; i < LIT_BUCKETS; i++)
		s->head[i] = -1;
	for (i = 0; i < 256; i++)
		s->cls[i] = is_word_byte((unsigned char)i) ? C_WORD : 0;
	return s;
}

void sm_litset_free(sm_litset *s)
{
	if (!s)
		return;
	g_ptr_array_free(s->words, TRUE);
	g_array_free(s->w, TRUE);
	g_free(s->wide);
	g_free(s);
}

/* The index in sm_litset.wide of the two bytes at p: the first byte and the
 * second's low seven bits (a little-endian 16-bit load, masked). */
static inline unsigned wide_at(const unsigned char *p)
{
	uint16_t x;

	memcpy(&x, p, 2);
	x = GUINT16_FROM_LE(x);
	return x & 0x7fffu;
}

/* Flag the pair (a, b) of an ASCII word, and its first byte, in either case. */
static void set_pair(sm_litset *s, unsigned char a, unsigned char b, uint8_t flag)
{
	unsigned char as[2] = {a, (unsigned char)g_ascii_toupper(a)};
	unsigned char bs[2] = {b, (unsigned char)g_ascii_toupper(b)};
	int i, j;

	for (i = 0; i < 2; i++) {
		if (lower_of(as[i]) != a)
			continue;
		s->cls[as[i]] |= flag;
		for (j = 0; j < 2; j++)
			if (lower_of(bs[j]) == b) {
				s->pair[((unsigned)as[i] << 7) | bs[j]] |= flag;
				if (s->wide)
					s->wide[wide_at((const unsigned char[]){as[i], bs[j]})] |= flag;
			}
	}
}

/* Word i may start inside a word of the text: its pair goes in pair_free. */
static void mark_free(sm_litset *s, int i)
{
	lit_word *lw = &g_array_index(s->w, lit_word, i);

	lw->free = true;
	if (lw->key < KEY_CJK)
		set_pair(s, (unsigned char)lw->w[0], (unsigned char)lw->w[1], PAIR_FREE);
}

/* An ASCII word's first two bytes a b, for the filter of scan_pass. */
static void note_pair(sm_litset *s, unsigned char a, unsigned char b)
{
	size_t i, n = MIN(s->npair, (size_t)LIT_PAIRS);

	for (i = 0; i < n; i++)
		if (s->pair0[i][0] == (a | 0x20) && s->pair1[i][0] == (b | 0x20))
			return;
	if (s->npair < LIT_PAIRS) {
		memset(s->pair0[s->npair], a | 0x20, 16);
		memset(s->pair1[s->npair], b | 0x20, 16);
	}
	if (s->npair <= LIT_PAIRS)
		s->npair++;
}

/* Japanese word lw's first two bytes into sm_litset.wide (ASCII words'
 * pairs come from set_pair). */
static void wide_mark(sm_litset *s, const lit_word *lw)
{
	if (lw->key != KEY_NONE && lw->key >= KEY_CJK)
		s->wide[wide_at((const unsigned char *)lw->w)] |= W_LEAD;
}

/* The set has passed LIT_PAIRS first pairs: make sm_litset.wide from
 * sm_litset.pair and its Japanese words. */
static void wide_make(sm_litset *s)
{
	unsigned a, b;
	size_t k;

	s->wide = g_malloc0(256 * 128);
	for (a = 0; a < 128; a++)
		for (b = 0; b < 128; b++)
			s->wide[wide_at((const unsigned char[]){(unsigned char)a, (unsigned char)b})] =
				s->pair[(a << 7) | b];
	for (k = 0; k < s->w->len; k++)
		wide_mark(s, &g_array_index(s->w, lit_word, k));
}

int sm_litset_add(sm_litset *s, const char *w, bool bounded)
{
	lit_word lw = {key_of(w), 0, 0, -1, strlen(w), NULL, false}; /* words have >= 2 bytes */
	unsigned b;
	int i;

	for (i = 0; i < (int)s->words->len; i++)
		if (strcmp(g_ptr_array_index(s->words, i), w) == 0) {
			if (!bounded)
				mark_free(s, i);
			return i;
		}
	lw.w = g_strdup(w);
	lw.head = head_of(w + head_off(lw.key), MIN(lw.len - head_off(lw.key), 4), false,
			  &lw.mask); /* as word_at compares */
	g_ptr_array_add(s->words, (char *)lw.w);
	if (lw.key != KEY_NONE) {
		lw.next = s->head[bucket(lw.key)];
		s->head[bucket(lw.key)] = i;
	}
	g_array_append_val(s->w, lw);
	if (!bounded)
		mark_free(s, i);
	if (lw.key < KEY_CJK) {
		note_pair(s, (unsigned char)w[0], (unsigned char)w[1]);
		set_pair(s, (unsigned char)w[0], (unsigned char)w[1], PAIR_ANY);
		if (lw.len == 2 || (unsigned char)w[2] >= 0x80)
			set_pair(s, (unsigned char)w[0], (unsigned char)w[1], PAIR_SHORT);
		else
			set_bit(s->tri, tri_of((unsigned char)w[0], (unsigned char)w[1],
					       (unsigned char)w[2]));
	}
	else if (lw.key != KEY_NONE) {
		set_bit(s->cjk, lw.key - KEY_CJK - 0x3000);
		s->lead = true;
		for (b = 0xe0; b < 0xf0; b++) /* Japanese text is read a character at a time */
			s->cls[b] |= C_LEAD;
	}
	if (s->wide)
		wide_mark(s, &g_array_index(s->w, lit_word, i));
	else if (s->npair > LIT_PAIRS)
		wide_make(s);
	return i;
}

size_t sm_litset_size(const sm_litset *s)
{
	return s->words->len;
}

/* w (n bytes) at t from byte `from`, ASCII letters of t in either case
 * (Japanese: exact)? */
static inline bool word_at(const char *t, const char *w, size_t from, size_t n)
{
	size_t i;

	for (i = from; i < n; i++)
		if (lower_of((unsigned char)t[i]) != (unsigned char)w[i])
			return false;
	return true;
}

#define LIT_BUF 64 /* occurrences gathered before one append to the caller's array */

/* What one scan fills in. */
typedef struct lit_out {
	uint8_t *present;
	GArray *hits;
	size_t room; /* occurrences the caller's max_hits still allows */
	bool *overflow;
	size_t nbuf;
	sm_lit_hit buf[LIT_BUF];
} lit_out;

/* o without clearing its buffer (written before it is read). */
static void out_init(lit_out *o, uint8_t *present, GArray *hits, size_t room, bool *overflow)
{
	o->present = present;
	o->hits = hits;
	o->room = room;
	o->overflow = overflow;
	o->nbuf = 0;
}

static void flush_hits(lit_out *o)
{
	if (o->nbuf)
		g_array_append_vals(o->hits, o->buf, (guint)o->nbuf);
	o->nbuf = 0;
}

/* The words with `key` at t[i] (len - i >= 2). */
static inline __attribute__((always_inline)) void
words_at_inline(const sm_litset *s, const char *t, size_t len, size_t i, uint32_t key, bool mid,
		lit_out *o)
{
	const lit_word *ws = (const lit_word *)(void *)s->w->data;
	size_t room = len - i, off = head_off(key); /* room >= off + 0 (a key's bytes) */
	uint32_t h4, unused;
	int k;

	if (room >= off + 4) {
		memcpy(&h4, t + i + off, 4);
		h4 = lower4(h4);
	} else {
		h4 = head_of(t + i + off, room - off, true, &unused);
	}

	for (k = s->head[bucket(key)]; k >= 0; k = ws[k].next) {
		const lit_word *lw = &ws[k];

		if (lw->key != key || lw->len > room || (h4 & lw->mask) != lw->head ||
		    (mid && !lw->free) || !word_at(t + i, lw->w, off + 4, lw->len))
			continue;
		o->present[k] = 1;
		if (o->hits && o->room > 0) {
			o->buf[o->nbuf].pos = i;
			o->buf[o->nbuf].word = k;
			o->room--;
			if (++o->nbuf == LIT_BUF)
				flush_hits(o);
		} else
			*o->overflow = true;
	}
}

/* The same, called (the byte-class passes). */
static void words_at(const sm_litset *s, const char *t, size_t len, size_t i, uint32_t key,
		     bool mid, lit_out *o)
{
	words_at_inline(s, t, len, i, key, mid, o);
}

/* What scan_pass does at p (< last), whose class c has PAIR_ANY or C_LEAD:
 * the bytes to step over. */
static inline __attribute__((always_inline)) size_t
step(const sm_litset *s, const char *t, size_t len, const unsigned char *last,
     const unsigned char *p, unsigned c, lit_out *o)
{
	const unsigned char *base = (const unsigned char *)t;
	unsigned c0 = *p;

	if (c & PAIR_ANY) { /* and with the next byte? */
		unsigned c1 = p[1], f = s->pair[(c0 << 7) | (c1 & 0x7f)];

		/* inside a word of the text only words without \\b before them
		 * start; a word longer than two bytes needs its third byte too */
		if (f && c1 < 0x80 &&
		    (!(p > base && (s->cls[p[-1]] & C_WORD)) || (f & PAIR_FREE)) &&
		    ((f & PAIR_SHORT) ||
		     (last - p >= 1 && p[2] < 0x80 &&
		      bit(s->tri, tri_of(c0, c1, p[2])))))
			words_at(s, t, len, (size_t)(p - base),
				 ((unsigned)lower_of(c0) << 7) | lower_of(c1),
				 p > base && (s->cls[p[-1]] & C_WORD), o);
		return 1;
	}
	if (last - p >= 2 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) {
		unsigned cp = cjk_cp(p); /* a whole character: no word starts inside it */

		if (cp && bit(s->cjk, cp - 0x3000))
			words_at(s, t, len, (size_t)(p - base), KEY_CJK + cp, false, o);
		return 3;
	}
	return 1;
}

#ifdef __SSE2__
/* Bit k set where p[k] (k < 16) may start a word of s: a superset of the
 * bytes step() does more than step over (ASCII first pairs in either case,
 * with their | 0x20 twins; lead bytes e0-ef when s has Japanese words).
 * Reads p[0 .. 16]. */
static inline unsigned first_mask(const sm_litset *s, const unsigned char *p)
{
	const __m128i lc = _mm_set1_epi8(0x20);
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i f0 = _mm_or_si128(x, lc), m = _mm_setzero_si128();
	__m128i f1 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(p + 1)), lc);
	size_t i;

	if (s->lead)
		m = _mm_cmpeq_epi8(_mm_and_si128(x, _mm_set1_epi8((char)0xf0)),
				   _mm_set1_epi8((char)0xe0));
	for (i = 0; i < s->npair; i++)
		m = _mm_or_si128(m, _mm_and_si128(
			_mm_cmpeq_epi8(f0, _mm_loadu_si128((const __m128i *)(const void *)s->pair0[i])),
			_mm_cmpeq_epi8(f1, _mm_loadu_si128((const __m128i *)(const void *)s->pair1[i]))));
	return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* The pass byte by byte. */
static void scan_bytes(const sm_litset *s, const char *t, size_t len, const unsigned char *p,
		       lit_out *o)
{
	const unsigned char *last = (const unsigned char *)t + len - 1;

	while (p < last) {
		unsigned c = s->cls[*p];

		if (!(c & (PAIR_ANY | C_LEAD))) /* most bytes: no word starts with it */
			p++;
		else
			p += step(s, t, len, last, p, c, o);
	}
}

/* What scan_wide does at p (< last), whose two bytes' entry in the wide
 * table is f (nonzero): step()'s tests with the flags at hand. */
static inline __attribute__((always_inline)) void
step_wide(const sm_litset *s, const char *t, size_t len, const unsigned char *last,
	  const unsigned char *p, unsigned f, lit_out *o)
{
	const unsigned char *base = (const unsigned char *)t;
	unsigned c0 = p[0], c1 = p[1];
	bool mid;

	if (f & W_LEAD) { /* a lead byte: a whole character? */
		unsigned cp = last - p >= 2 ? cjk_cp(p) : 0;

		if (cp && bit(s->cjk, cp - 0x3000))
			words_at(s, t, len, (size_t)(p - base), KEY_CJK + cp, false, o);
		return;
	}
	if (c1 >= 0x80) /* its low seven bits made the index */
		return;
	mid = p > base && (s->cls[p[-1]] & C_WORD);
	if ((mid && !(f & PAIR_FREE)) ||
	    (!(f & PAIR_SHORT) && !(last - p >= 1 && p[2] < 0x80 && bit(s->tri, tri_of(c0, c1, p[2])))))
		return;
	words_at_inline(s, t, len, (size_t)(p - base), ((unsigned)lower_of(c0) << 7) | lower_of(c1),
			mid, o);
}

/* The pass of a set with many first pairs: each position whose two bytes
 * may start a word looked at on its own, as in scan_pass. */
static void scan_wide(const sm_litset *s, const char *t, size_t len, lit_out *o)
{
	const unsigned char *p = (const unsigned char *)t, *last = p + len - 1;
	const uint8_t *wide = s->wide;

	for (; p < last; p++) {
		unsigned f = wide[wide_at(p)];

		if (f)
			step_wide(s, t, len, last, p, f, o);
	}
}

/* The pass itself: every occurrence into o.  A word has >= 2 bytes: none
 * starts at the last.  The bytes a three-byte character is stepped over
 * with are continuation bytes, which start no word: so every byte that
 * may start one can be looked at on its own, in order, and 16-byte blocks
 * with none are passed over whole (sets with few first pairs). */
static void scan_pass(const sm_litset *s, const char *t, size_t len, lit_out *o)
{
	const unsigned char *base = (const unsigned char *)t, *p = base;

	if (len < 2)
		return;
	if (s->wide) {
		scan_wide(s, t, len, o);
		return;
	}
#ifdef __SSE2__
	if (s->npair <= LIT_PAIRS) {
		const unsigned char *last = base + len - 1;

		for (; last - p >= 16; p += 16) { /* p[0 .. 16] up to last */
			unsigned m = first_mask(s, p);

			while (m) {
				const unsigned char *q = p + __builtin_ctz(m);
				unsigned c = s->cls[*q];

				m &= m - 1;
				if (c & (PAIR_ANY | C_LEAD))
					step(s, t, len, last, q, c, o);
			}
		}
	}
#endif
	scan_bytes(s, t, len, p, o);
}

void sm_litset_scan(const sm_litset *s, const char *t, size_t len, uint8_t *present,
		    GArray *hits, size_t max_hits, bool *overflow)
{
	bool sk = has_sk(t, len);
	size_t nw = s->words->len;
	lit_out o;
	int k;

	out_init(&o, present, hits, hits && max_hits > hits->len ? max_hits - hits->len : 0, overflow);
	memset(present, 0, nw);
	*overflow = sk; /* U+017F / U+212A match s / k caselessly: positions unknown */
	for (k = 0; sk && k < (int)nw; k++)
		if (strpbrk(g_ptr_array_index(s->words, k), "sk"))
			present[k] = 1;
	scan_pass(s, t, len, &o);
	if (hits)
		flush_hits(&o);
}

void sm_litset_scan_hits(const sm_litset *s, const char *t, size_t len, uint8_t *scratch,
			 GArray *hits)
{
	bool unused = false;
	lit_out o;

	out_init(&o, scratch, hits, (size_t)-1, &unused);
	scan_pass(s, t, len, &o);
	flush_hits(&o);
}

/* ------------------------------------------------------------ unions */

/*
 * Several word sets read on the same lines (the SR forms' words on the
 * views, the phrase pool's on their new texts) are found in one scan of a
 * set holding all their words: a word is looked for inside words of the
 * text when one member does, and each member then keeps of the union's
 * occurrences its own words (an ASCII one inside a word of the text only
 * where it may start there; Japanese ones start anywhere), at one offset
 * highest index first: what its own scan finds.
 */
struct sm_litunion {
	sm_litset *u;
	size_t n;
	const sm_litset *member[SM_LITUNION_MAX];
	int *map[SM_LITUNION_MAX]; /* per member: union word -> its word, or -1 */
};

sm_litunion *sm_litunion_new(const sm_litset *const *members, size_t n)
{
	sm_litunion *un = g_new0(sm_litunion, 1);
	size_t m, k, total = 0;

	g_assert(n <= SM_LITUNION_MAX);
	un->u = sm_litset_new();
	un->n = n;
	for (m = 0; m < n; m++)
		total += members[m]->words->len;
	for (m = 0; m < n; m++) {
		const lit_word *ws = (const lit_word *)(void *)members[m]->w->data;

		un->member[m] = members[m];
		un->map[m] = g_new(int, total + 1);
		for (k = 0; k < total + 1; k++)
			un->map[m][k] = -1;
		for (k = 0; k < members[m]->words->len; k++)
			un->map[m][sm_litset_add(un->u, ws[k].w, !ws[k].free)] = (int)k;
	}
	return un;
}

void sm_litunion_free(sm_litunion *un)
{
	size_t m;

	if (!un)
		return;
	for (m = 0; m < un->n; m++)
		g_free(un->map[m]);
	sm_litset_free(un->u);
	g_free(un);
}

const sm_litset *sm_litunion_set(const sm_litunion *un)
{
	return un->u;
}

int sm_litunion_member(const sm_litunion *un, const sm_litset *s)
{
	size_t m;

	for (m = 0; m < un->n; m++)
		if (un->member[m] == s)
			return (int)m;
	return -1;
}

size_t sm_litunion_pick(const sm_litunion *un, int m, const sm_lit_hit *src, size_t n,
			const char *t, sm_lit_hit *dst)
{
	const lit_word *ws = (const lit_word *)(void *)un->member[m]->w->data;
	size_t i, j, out = 0;

	for (i = 0; i < n; i++) {
		int k = un->map[m][src[i].word];

		if (k < 0 || (!ws[k].free && ws[k].key < KEY_CJK && src[i].pos > 0 &&
			      is_word_byte((unsigned char)t[src[i].pos - 1])))
			continue; /* an ASCII word after \\b, inside a word of the text */
		/* at one offset highest index first: move it before the lower ones */
		for (j = out; j > 0 && dst[j - 1].pos == src[i].pos && dst[j - 1].word < k; j--)
			dst[j] = dst[j - 1];
		dst[j].pos = src[i].pos;
		dst[j].word = k;
		out++;
	}
	return out;
}
