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
 * "(?:w1...|w2...|...)" whose every alternative opens with a plain word,
 * not under a quantifier that allows zero) count, and any construct the reader does not fully understand (\Q, \x,
 * \p, (*VERB), (?#, extended mode, POSIX classes ...) means "no prefilter".
 * The search is caseless on ASCII; the only non-ASCII characters that
 * PCRE2 matches caselessly against an ASCII letter are U+017F (s) and
 * U+212A (k): a text holding either is searched with the pattern as before.
 *
 * The reader also says whether every match starts with one of the words
 * (nothing before them matches text), so that a pattern can be run anchored
 * at the words' occurrences only, and gives a second set (every match holds
 * a word of each): the best leading one when the best set does not lead,
 * else the best after it; the gate reads whichever occurs less.  The words are looked for in texts by
 * rules_litset.c.
 *
 * Untrusted input: none (the patterns are the administrator's, read once at
 * load).  Limits: pattern length bounds the reader; SM_LIT_MAX words per set.
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

static size_t inner_step(const char *p, size_t i, int *depth);

/* The literal word opening one alternative at p[*j] (ASCII letters and
 * digits, or Japanese characters: one kind), without a last character that
 * a quantifier may drop; *j moves past it.  Its length, 0 when none. */
static size_t opening_word(const char *p, size_t *j, size_t *start)
{
	int kind = 0; /* 1 ASCII, 2 Japanese */
	size_t k, last = 0;

	*start = *j;
	for (;;) {
		if (g_ascii_isalnum(p[*j]) && kind != 2) {
			kind = 1;
			last = 1;
		} else if ((k = cjk_len(p + *j)) && kind != 1) {
			kind = 2;
			last = k;
		} else {
			break;
		}
		*j += last;
	}
	if (p[*j] == '?' || p[*j] == '*' || p[*j] == '{')
		return *j - *start - last;
	return *j - *start;
}

/* Skip the rest of an alternative: p[j] is then '|' or ')' of its group;
 * 0 for what the reader does not follow (\K would move the match's start). */
static size_t alternative_end(const char *p, size_t j)
{
	int depth = 0;

	while (depth > 0 || (p[j] != '|' && p[j] != ')')) {
		if (!p[j] || (p[j] == '\\' && p[j + 1] == 'K'))
			return 0;
		j = inner_step(p, j, &depth);
		if (!j || depth < 0)
			return 0;
	}
	return j;
}

/* A "(?:w1...|w2...|...)" whose every alternative opens with a plain word
 * (ASCII letters and digits, or Japanese characters) at p[i]: the words (every
 * match of the group starts with one), else NULL. */
static char **word_group(const char *p, size_t i, size_t *end)
{
	GPtrArray *a = g_ptr_array_new();
	size_t j = i + 3, s, n;

	if (strncmp(p + i, "(?:", 3) != 0)
		goto no;
	for (;;) {
		n = opening_word(p, &j, &s);
		if (n == 0 || a->len == SM_LIT_MAX || !(j = alternative_end(p, j)))
			goto no;
		g_ptr_array_add(a, g_ascii_strdown(p + s, (gssize)n));
		if (p[j++] == ')')
			break;
	}
	*end = j;
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
	bool after_b;      /* the last item read was \\b */
	bool run_bounded;  /* the run follows \\b: it starts a word in the text */
	bool best_bounded;
	/* copies, for a second set: the best leading one, the two best others */
	char **lead, **other[2];
	bool lead_bounded, other_bounded[2];
	/* where each set's item starts in the pattern (SM_LIT_NOWHERE after a
	 * top-level option setting, which the rest of the pattern depends on) */
	size_t run_at, best_at, lead_at, other_at[2];
	bool opts;
} reader;

/* Keep a copy of cand in *slot when it scores higher than what is there. */
static void keep_copy(char ***slot, bool *slot_bounded, size_t *slot_at, char **cand, bool bounded,
		      size_t at)
{
	if (*slot && score(cand) <= score(*slot))
		return;
	g_strfreev(*slot);
	*slot = g_strdupv(cand);
	*slot_bounded = bounded;
	*slot_at = at;
}

/* Remember cand among the leading sets or the two best others. */
static void keep_second(reader *r, char **cand, bool leading, bool bounded, size_t at)
{
	if (shortest(cand) < 2)
		return;
	if (leading) {
		keep_copy(&r->lead, &r->lead_bounded, &r->lead_at, cand, bounded, at);
	} else if (!r->other[0] || score(cand) > score(r->other[0])) {
		g_strfreev(r->other[1]);
		r->other[1] = r->other[0];
		r->other_bounded[1] = r->other_bounded[0];
		r->other_at[1] = r->other_at[0];
		r->other[0] = NULL;
		keep_copy(&r->other[0], &r->other_bounded[0], &r->other_at[0], cand, bounded, at);
	} else {
		keep_copy(&r->other[1], &r->other_bounded[1], &r->other_at[1], cand, bounded, at);
	}
}

/* Keep `cand` (its item at p[at]) as the best set when it scores higher;
 * frees the loser. */
static void consider(reader *r, char **cand, bool leading, bool bounded, size_t at)
{
	if (r->opts)
		at = SM_LIT_NOWHERE;
	if (cand)
		keep_second(r, cand, leading, bounded, at);
	/* a leading set is worth half a character more: its pattern runs
	 * anchored at the words' occurrences only */
	if (cand && (!r->best || score(cand) + (leading ? 0.5 : 0) >
					 score(r->best) + (r->best_leading ? 0.5 : 0))) {
		g_strfreev(r->best);
		r->best = cand;
		r->best_leading = leading;
		r->best_bounded = bounded;
		r->best_at = at;
	} else
		g_strfreev(cand);
}

static void flush_run(reader *r)
{
	if (r->run->len) {
		char *w[2] = {r->run->str, NULL};

		consider(r, g_strdupv(w), r->run_leading, r->run_bounded, r->run_at);
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
	if (!r->run->len) {
		r->run_leading = !r->consumed;
		r->run_bounded = r->after_b;
		r->run_at = i;
	}
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
			consider(r, w, !r->consumed, r->after_b, i);
		else
			g_strfreev(w);
		r->consumed = true;
	} else if (p[i + 2] != '=' && p[i + 2] != '!' && p[i + 2] != '<') {
		r->opts = true; /* "(?m)": the rest of the pattern reads under it */
	}
	(*depth)++;
	return i + 1;
}

static size_t top_item(const char *p, size_t i, reader *r, int *depth);

/* Does the item at p[i] match only where the text is not a word character
 * (\\b; \\s or \\s+, not \\s* or \\s?; ^; a literal space or punctuation),
 * so that a word right after it starts a word of the text? */
static bool word_start_before(const char *p, size_t i)
{
	char c = p[i];
	char q = c == '\\' ? p[i + 2] : p[i + 1]; /* a quantifier after the item */
	bool optional = q == '*' || q == '?' || q == '{';

	if (c == '\\')
		return p[i + 1] == 'b' || (p[i + 1] == 's' && !optional);
	if (c == '^')
		return true;
	return (unsigned char)c < 0x80 && !g_ascii_isalnum(c) && !optional && c != '_' &&
	       !strchr("()[]{}?*+|.\\$", c);
}

/* One step at the top level; the next index, or 0 to give up.  Tracks
 * whether a word right after this item starts a word of the text. */
static size_t top_step(const char *p, size_t i, reader *r, int *depth)
{
	bool starts = p[i] == '+' ? r->after_b : word_start_before(p, i); /* \\s+ as \\s */
	size_t next = top_item(p, i, r, depth);

	r->after_b = starts;
	return next;
}

static size_t top_item(const char *p, size_t i, reader *r, int *depth)
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

/* The second set of a pattern whose best set is r->best: the best leading
 * one when the best does not lead, else the best other.  Frees the rest. */
static char **second_set(reader *r, bool *leading, bool *bounded, size_t *at)
{
	char **second = NULL;
	int pick = -1; /* 0, 1: other[pick]; 2: lead */

	if (r->best && r->best_leading)
		pick = r->other[0] ? 0 : -1;
	else if (r->best)
		pick = r->lead ? 2 : r->other[1] ? 1 : -1;
	*leading = pick == 2;
	*bounded = pick == 2 ? r->lead_bounded : pick >= 0 && r->other_bounded[pick];
	*at = pick == 2 ? r->lead_at : pick >= 0 ? r->other_at[pick] : SM_LIT_NOWHERE;
	if (pick == 2) {
		second = r->lead;
		r->lead = NULL;
	} else if (pick >= 0) {
		second = r->other[pick];
		r->other[pick] = NULL;
	}
	g_strfreev(r->lead);
	g_strfreev(r->other[0]);
	g_strfreev(r->other[1]);
	return second;
}

char **sm_lit_required_sets(const char *pat, bool *leading, bool *bounded, sm_lit_second *second,
			   size_t *best_at)
{
	reader r = {g_string_new(NULL), false, false, NULL, false, false, false, false,
		    NULL, {NULL, NULL}, false, {false, false}, 0, SM_LIT_NOWHERE, SM_LIT_NOWHERE,
		    {SM_LIT_NOWHERE, SM_LIT_NOWHERE}, false};
	size_t i = 0;
	int depth = 0;
	sm_lit_second sec;

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
	if (bounded)
		*bounded = r.best && r.best_bounded;
	sec.words = second_set(&r, &sec.leading, &sec.bounded, &sec.at);
	if (best_at)
		*best_at = r.best ? r.best_at : SM_LIT_NOWHERE;
	if (second)
		*second = sec;
	else
		g_strfreev(sec.words);
	return r.best;
}

char **sm_lit_required_lead(const char *pat, bool *leading, bool *bounded)
{
	return sm_lit_required_sets(pat, leading, bounded, NULL, NULL);
}

char **sm_lit_required(const char *pat)
{
	return sm_lit_required_lead(pat, NULL, NULL);
}
