/*
 * rules_prefilter.c - literal prefilters for the rules' PCRE2 patterns
 * (rules_priv.h): from a pattern's source, a set of ASCII words one of which
 * every match must contain ("close" in "\b(?:you|we)\s+...close\s+...", one
 * of issue/problem in "...(?:issue|problem)\s+..."), so that a text holding
 * none of them is not searched with the pattern at all.
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

#define SM_LIT_MAX 16

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

/* A "(?:w1|w2|...)" of plain ASCII words at p[i]: the words, else NULL. */
static char **word_group(const char *p, size_t i, size_t *end)
{
	GPtrArray *a = g_ptr_array_new();
	size_t j = i + 3, s = j;

	if (strncmp(p + i, "(?:", 3) != 0)
		goto no;
	for (;; j++) {
		if (g_ascii_isalnum(p[j]))
			continue;
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

static size_t shortest(char *const *w)
{
	size_t m = (size_t)-1;

	for (; *w; w++)
		m = MIN(m, strlen(*w));
	return m;
}

/* How selective and cheap a set is: its shortest word's length per word
 * (each word costs one memmem over the text). */
static double score(char *const *w)
{
	return (double)shortest(w) / g_strv_length((char **)w);
}

/* Keep `cand` in *best when it scores higher; frees the loser. */
static void consider(char ***best, char **cand)
{
	if (cand && (!*best || score(cand) > score(*best))) {
		g_strfreev(*best);
		*best = cand;
	} else
		g_strfreev(cand);
}

static void flush_run(char ***best, GString *run)
{
	if (run->len) {
		char *w[2] = {run->str, NULL};

		consider(best, g_strdupv(w));
	}
	g_string_truncate(run, 0);
}

/* One step at the top level; the next index, or 0 to give up. */
static size_t top_step(const char *p, size_t i, GString *run, char ***best, int *depth)
{
	char c = p[i];

	if (g_ascii_isalnum(c)) {
		g_string_append_c(run, g_ascii_tolower(c));
		return i + 1;
	}
	if (c == '?' || c == '*' || c == '{') { /* the last character may be absent */
		if (run->len)
			g_string_truncate(run, run->len - 1);
		flush_run(best, run);
		if (c == '{') {
			const char *e = strchr(p + i, '}');

			return e ? (size_t)(e - p) + 1 : 0;
		}
		return i + 1;
	}
	flush_run(best, run);
	if (c == '|')
		return 0;
	if (c == '\\') {
		if (!p[i + 1] || (g_ascii_isalnum(p[i + 1]) && !strchr("bBsSdDwWhHvVRAzZ", p[i + 1])))
			return 0;
		return i + 2;
	}
	if (c == '[')
		return skip_class(p, i);
	if (c == '(') {
		size_t end = 0;
		char **w;

		if (unsafe_group(p, i))
			return 0;
		w = word_group(p, i, &end);
		if (w && p[end] != '?' && p[end] != '*' && p[end] != '{')
			consider(best, w);
		else
			g_strfreev(w);
		(*depth)++;
	}
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

char **sm_lit_required(const char *pat)
{
	GString *run = g_string_new(NULL);
	char **best = NULL;
	size_t i = 0;
	int depth = 0;

	while (pat[i]) {
		i = depth ? inner_step(pat, i, &depth) : top_step(pat, i, run, &best, &depth);
		if (!i || depth < 0) {
			g_strfreev(best);
			best = NULL;
			break;
		}
	}
	if (pat[i] == '\0' && depth == 0)
		flush_run(&best, run);
	if (depth != 0 || (best && score(best) < 2)) {
		g_strfreev(best);
		best = NULL;
	}
	g_string_free(run, TRUE);
	return best;
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
	for (w = words; *w; w++)
		if ((lt->sk && strpbrk(*w, "sk")) || occurs(lt, *w, strlen(*w)))
			return false;
	return true;
}
