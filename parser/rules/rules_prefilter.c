/*
 * rules_prefilter.c - literal prefilters for the rules' PCRE2 patterns
 * (rules_priv.h): from a pattern's source, a set of words one of which
 * every match must contain ("close" in "\b(?:you|we)\s+...close\s+...", one
 * of issue/problem in "...(?:issue|problem)\s+...", one of 解決/解消 in
 * "(?:解決|解消)しました"), so that a text holding none of them is not
 * searched with the pattern at all.  Words are ASCII letters and digits
 * (compared caselessly) or Japanese kana and ideographs (no case: compared
 * byte for byte), never a mix.
 *
 * Sound by construction, not by heuristics: only words written at the top
 * level of the pattern (no '|' there, not inside a group other than a
 * "(?:w1|w2|...)" of plain words, not under a quantifier that allows zero)
 * count, and any construct the reader does not fully understand (\Q, \x,
 * \p, (*VERB), (?#, extended mode, POSIX classes ...) means "no prefilter".
 * The search is caseless on ASCII; the only non-ASCII characters that
 * PCRE2 matches caselessly against an ASCII letter are U+017F (s) and
 * U+212A (k): a text holding either is searched with the pattern as before.
 *
 * Untrusted input: the text (memchr per word and case, then a compare).
 * Only patterns PCRE2 cannot start with a single code unit get a prefilter
 * (rules_re.c); for the others PCRE2's own first-character search is faster.
 * The patterns are the administrator's, read once at load.  Limits: pattern
 * length bounds the reader; SM_LIT_MAX words per set.
 * Owns: the word sets it returns (g_strfreev).
 */
#include "rules_priv.h"

#include <glib.h>
#include <string.h>

#define SM_LIT_MAX 24

/* Skip a character class starting at p[i] == '['; index after ']' or 0. */
static size_t skip_class(const char *p, size_t i)
{
	size_t j = i + 1;

	if (p[j] == '^')
		j++;
	if (p[j] == ']')
		j++;
	for (;;) {
		if (!p[j] || (p[j] == '[' && p[j + 1] == ':'))
			return 0;
		if (p[j] == '\\') {
			if (!p[j + 1])
				return 0;
			j += 2;
			continue;
		}
		if (p[j] == ']')
			return j + 1;
		j++;
	}
}

/* "(?" options containing x (extended: '#' comments), a comment, a verb. */
static bool unsafe_group(const char *p, size_t i)
{
	const char *o = p + i + 2;

	if (p[i + 1] == '*')
		return true;
	if (p[i + 1] != '?')
		return false;
	if (*o == '#')
		return true;
	while (g_ascii_isalpha(*o) || *o == '-' || *o == '^')
		if (*o++ == 'x')
			return true;
	return false;
}

/*
 * Length of the Japanese character at p (kana U+3041-30FF, ideographs
 * U+4E00-9FFF: three UTF-8 bytes), else 0.  They have no case, so PCRE2's
 * caseless matching finds exactly their bytes.
 */
static size_t cjk_len(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	if (u[0] == 0xe3 && u[1] >= 0x81 && u[1] <= 0x83 && (u[2] & 0xc0) == 0x80)
		return 3;
	if (((u[0] == 0xe4 && u[1] >= 0xb8) || (u[0] >= 0xe5 && u[0] <= 0xe9)) &&
	    (u[1] & 0xc0) == 0x80 && (u[2] & 0xc0) == 0x80)
		return 3;
	return 0;
}

/* A "(?:w1|w2|...)" of plain words (ASCII letters and digits, Japanese
 * characters) at p[i]: the words, else NULL. */
static char **word_group(const char *p, size_t i, size_t *end)
{
	GPtrArray *a = g_ptr_array_new();
	size_t j = i + 3, s = j;
	int kinds = 0; /* of the current word: 1 ASCII, 2 Japanese */

	if (strncmp(p + i, "(?:", 3) != 0)
		goto no;
	for (;; j++) {
		if (g_ascii_isalnum(p[j])) {
			kinds |= 1;
			continue;
		}
		if (cjk_len(p + j)) {
			kinds |= 2;
			j += 2;
			continue;
		}
		if (kinds == 3)
			goto no;
		kinds = 0;
		if ((p[j] != '|' && p[j] != ')') || j == s || a->len == SM_LIT_MAX)
			goto no;
		g_ptr_array_add(a, g_ascii_strdown(p + s, (gssize)(j - s)));
		s = j + 1;
		if (p[j] == ')')
			break;
	}
	*end = j + 1;
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
no:
	g_ptr_array_set_free_func(a, g_free);
	g_ptr_array_free(a, TRUE);
	return NULL;
}

/*
 * How rare a word is in mail: an ASCII letter or digit counts 1, a kana 1
 * (particles and endings: に, しました), a katakana 2, an ideograph 3
 * (解決, 重大度).  A set is as rare as its most common word.
 */
static size_t weight(const char *w)
{
	size_t n = 0;
	const unsigned char *u = (const unsigned char *)w;

	while (*u) {
		if (*u < 0x80) {
			n++;
			u++;
			continue;
		}
		n += u[0] != 0xe3 ? 3 : u[1] == 0x81 || (u[1] == 0x82 && u[2] < 0xa0) ? 1 : 2;
		u += 3;
	}
	return n;
}

static size_t shortest(char *const *w)
{
	size_t m = (size_t)-1;

	for (; *w; w++)
		m = MIN(m, weight(*w));
	return m;
}

/* How selective a set is: its most common word's weight first, then fewer
 * words.  All the words of a list are looked for in one pass
 * (sm_litset_scan), so a set's size costs little. */
static double score(char *const *w)
{
	return (double)shortest(w) - g_strv_length((char **)w) / 100.0;
}

/* The reader's state at the top level of a pattern. */
typedef struct reader {
	GString *run;      /* the literal word being read */
	bool run_leading;  /* it starts the pattern (nothing consumed before it) */
	bool consumed;     /* something that matches text was read already */
	char **best;       /* the best word set so far */
	bool best_leading; /* every match starts with one of its words */
} reader;

/* Keep `cand` as the best set when it scores higher; frees the loser. */
static void consider(reader *r, char **cand, bool leading)
{
	/* a leading set is worth half a character more: its pattern runs
	 * anchored at the words' occurrences only */
	if (cand && (!r->best || score(cand) + (leading ? 0.5 : 0) >
					 score(r->best) + (r->best_leading ? 0.5 : 0))) {
		g_strfreev(r->best);
		r->best = cand;
		r->best_leading = leading;
	} else
		g_strfreev(cand);
}

static void flush_run(reader *r)
{
	if (r->run->len) {
		char *w[2] = {r->run->str, NULL};

		consider(r, g_strdupv(w), r->run_leading);
	}
	g_string_truncate(r->run, 0);
}

/* "(?=", "(?!", "(?<=", "(?<!" or an option setting "(?m)": matches no text. */
static bool zero_width_group(const char *p, size_t i)
{
	const char *o = p + i + 2;

	if (p[i + 1] != '?')
		return false;
	if (*o == '=' || *o == '!' || (*o == '<' && (o[1] == '=' || o[1] == '!')))
		return true;
	while (g_ascii_isalpha(*o) || *o == '-' || *o == '^')
		o++;
	return *o == ')';
}

/* A literal character (ASCII letter or digit, or a Japanese one of k bytes). */
static size_t literal_step(reader *r, const char *p, size_t i, size_t k)
{
	bool was_cjk = r->run->len && (unsigned char)r->run->str[r->run->len - 1] >= 0x80;

	if (r->run->len && was_cjk != (k != 0)) /* a word is ASCII or Japanese, never both */
		flush_run(r);
	if (!r->run->len)
		r->run_leading = !r->consumed;
	r->consumed = true;
	if (k) {
		g_string_append_len(r->run, p + i, (gssize)k);
		return i + k;
	}
	g_string_append_c(r->run, g_ascii_tolower(p[i]));
	return i + 1;
}

/* A group at the top level: maybe a word set; its content is skipped. */
static size_t group_step(reader *r, const char *p, size_t i, int *depth)
{
	size_t end = 0;
	char **w;

	if (unsafe_group(p, i))
		return 0;
	if (!zero_width_group(p, i)) {
		w = word_group(p, i, &end);
		if (w && p[end] != '?' && p[end] != '*' && p[end] != '{')
			consider(r, w, !r->consumed);
		else
			g_strfreev(w);
		r->consumed = true;
	}
	(*depth)++;
	return i + 1;
}

/* One step at the top level; the next index, or 0 to give up. */
static size_t top_step(const char *p, size_t i, reader *r, int *depth)
{
	char c = p[i];
	size_t k = cjk_len(p + i);

	if (g_ascii_isalnum(c) || k)
		return literal_step(r, p, i, k);
	if (c == '?' || c == '*' || c == '{') { /* the last character may be absent */
		if (r->run->len) /* a whole character: 1 byte, or 3 (Japanese) */
			g_string_truncate(r->run,
					  r->run->len - ((unsigned char)r->run->str[r->run->len - 1] >= 0x80 ? 3 : 1));
		flush_run(r);
		if (c == '{') {
			const char *e = strchr(p + i, '}');

			return e ? (size_t)(e - p) + 1 : 0;
		}
		return i + 1;
	}
	flush_run(r);
	if (c == '|')
		return 0;
	if (c == '\\') {
		if (!p[i + 1] || (g_ascii_isalnum(p[i + 1]) && !strchr("bBsSdDwWhHvVRAzZ", p[i + 1])))
			return 0;
		if (!strchr("bBAzZ", p[i + 1])) /* \b and friends match no text */
			r->consumed = true;
		return i + 2;
	}
	if (c == '[') {
		r->consumed = true;
		return skip_class(p, i);
	}
	if (c == '(')
		return group_step(r, p, i, depth);
	if (c != '^' && c != '$')
		r->consumed = true;
	return i + 1;
}

/* One step inside a group (content ignored); the next index, or 0. */
static size_t inner_step(const char *p, size_t i, int *depth)
{
	switch (p[i]) {
	case '\\':
		return p[i + 1] && p[i + 1] != 'Q' ? i + 2 : 0;
	case '[':
		return skip_class(p, i);
	case '(':
		if (unsafe_group(p, i))
			return 0;
		(*depth)++;
		return i + 1;
	case ')':
		(*depth)--;
		return i + 1;
	default:
		return i + 1;
	}
}

char **sm_lit_required_lead(const char *pat, bool *leading)
{
	reader r = {g_string_new(NULL), false, false, NULL, false};
	size_t i = 0;
	int depth = 0;

	while (pat[i]) {
		i = depth ? inner_step(pat, i, &depth) : top_step(pat, i, &r, &depth);
		if (!i || depth < 0) {
			g_strfreev(r.best);
			r.best = NULL;
			break;
		}
	}
	if (pat[i] == '\0' && depth == 0)
		flush_run(&r);
	if (depth != 0 || (r.best && shortest(r.best) < 2)) {
		g_strfreev(r.best);
		r.best = NULL;
	}
	g_string_free(r.run, TRUE);
	if (leading)
		*leading = r.best && r.best_leading;
	return r.best;
}

char **sm_lit_required(const char *pat)
{
	return sm_lit_required_lead(pat, NULL);
}

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
	g_free(s);
}

int sm_litset_add(sm_litset *s, const char *w)
{
	unsigned b;
	int i;
	size_t n = strlen(w);

	for (i = 0; i < (int)s->words->len; i++)
		if (strcmp(g_ptr_array_index(s->words, i), w) == 0)
			return i;
	b = bucket((unsigned char)w[0], (unsigned char)w[1]); /* words have >= 2 bytes */

	g_ptr_array_add(s->words, g_strdup(w));
	g_array_append_val(s->lens, n);
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

		if (!s->start[u[0]])
			continue;
		if (u[0] < 0x80) { /* the first two bytes, lower case, start an ASCII word? */
			if (u[1] >= 0x80 || !bit(s->pair, ((unsigned)lower_of(u[0]) << 7) | lower_of(u[1])))
				continue;
		} else if (len - i < 3 || !(cp = cjk_cp(u)) || !bit(s->cjk, cp - 0x3000)) {
			continue;
		}
		for (k = s->head[bucket((unsigned char)t[i], (unsigned char)t[i + 1])]; k >= 0;
		     k = g_array_index(s->next, int, k)) {
			const char *w = g_ptr_array_index(s->words, k);
			size_t n = g_array_index(s->lens, size_t, k);

			if (n > len - i || !word_at(t + i, w, n))
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
