/*
 * rules_intent.c - does the author's new text say something (the case is
 * resolved, raise to severity A, a feature request) in a sentence that no
 * negation, condition or question governs?
 *
 * A phrase counts unless its sentence (bounded by 。 . ! ? , a blank line, or
 * a line break after Japanese text) ends with '?', is followed directly by
 * a Japanese conditional or question particle (解決しました|ら, 解決しました|か),
 * or contains, once every phrase in it is blanked, a configured negation,
 * condition or question pattern (ない, ません, not, n't, 未; 場合, たら, if,
 * unless, once; か at the end).
 *
 * Untrusted input: the new text.  Limits: INTENT_MAX_HITS phrase matches
 * examined per text, SM_SENTENCE_MAX bytes per sentence.  Owns nothing.
 */
#include "rules_priv.h"
#include "re.h"

#include <glib.h>
#include <string.h>

#define INTENT_MAX_HITS 64

/* directly after the phrase: conditional (ら, なら, ば), question (か), contrast (が) */
static const char *const particles[] = {"ら", "か", "なら", "ば", "でしょうか", "が", NULL};

static bool is_ideographic_stop(const char *t, size_t p)
{
	return p >= 3 && memcmp(t + p - 3, "。", 3) == 0;
}

/* A boundary just before t[p] (p > 0)? */
static bool boundary_before(const char *t, size_t len, size_t p)
{
	char c = t[p - 1];

	if (is_ideographic_stop(t, p))
		return true;
	if (c == '\n')
		return p < 2 || t[p - 2] == '\n' || (unsigned char)t[p - 2] >= 0x80 ||
		       (p < len && t[p] == '\n');
	if (c == '!' || c == '?' || c == '.')
		return p == len || t[p] == ' ' || t[p] == '\n' || (unsigned char)t[p] >= 0x80;
	return false;
}

static size_t sentence_start(const char *t, size_t len, size_t ms)
{
	size_t lo = ms > SM_SENTENCE_MAX ? ms - SM_SENTENCE_MAX : 0, p;

	for (p = ms; p > lo; p--)
		if (boundary_before(t, len, p))
			return p;
	return lo;
}

/* End of the sentence (exclusive, terminator not included); *term the
 * terminating character ('?', '.', '\n' ...) or 0. */
static size_t sentence_end(const char *t, size_t len, size_t me, char *term)
{
	size_t hi = len - me > SM_SENTENCE_MAX ? me + SM_SENTENCE_MAX : len, p;

	*term = 0;
	for (p = me; p < hi; p++) {
		unsigned char c = (unsigned char)t[p];
		unsigned char nx = p + 1 < len ? (unsigned char)t[p + 1] : '\n';

		if (len - p >= 3 && memcmp(t + p, "。", 3) == 0) {
			*term = '.';
			return p;
		}
		if ((c == '!' || c == '?' || c == '.') && (nx == ' ' || nx == '\n' || nx >= 0x80)) {
			*term = (char)c;
			return p;
		}
		if (c == '\n' && (nx == '\n' || (p > 0 && (unsigned char)t[p - 1] >= 0x80))) {
			*term = '\n';
			return p;
		}
	}
	return hi;
}

static bool particle_follows(const char *t, size_t len, size_t me)
{
	const char *const *p;

	while (me < len && t[me] == ' ')
		me++;
	for (p = particles; *p; p++)
		if (len - me >= strlen(*p) && memcmp(t + me, *p, strlen(*p)) == 0)
			return true;
	return false;
}

/* The sentence [s, e) with every phrase blanked: what the checks read. */
static char *blank_phrases(const sm_intent *in, const char *t, size_t s, size_t e)
{
	char *c = g_strndup(t + s, e - s);
	size_t n = e - s, from = 0, ms, me;
	int guard = INTENT_MAX_HITS;

	while (guard-- > 0 && from < n && sm_relist_first(&in->phrases, c, n, from, &ms, &me)) {
		memset(c + ms, ' ', me - ms);
		from = me > ms ? me : ms + 1;
	}
	return c;
}

static bool governed(const sm_intent *in, const char *t, size_t len, size_t ms, size_t me)
{
	char term;
	size_t s = sentence_start(t, len, ms);
	size_t e = sentence_end(t, len, me, &term);
	char *c;
	size_t n;
	bool g;

	if (in->question_blocks && (term == '?' || particle_follows(t, len, me)))
		return true;
	c = blank_phrases(in, t, s, e);
	n = strlen(c);
	g = sm_relist_any(&in->negations, c, n) || sm_relist_any(&in->conditions, c, n) ||
	    sm_relist_any(&in->questions, c, n);
	g_free(c);
	return g;
}

bool sm_intent_match(const sm_intent *in, const char *text, size_t len)
{
	size_t i;
	bool hit = false, scanned = false;
	sm_lit_text lt; /* for the literal prefilters, made on first use */

	/* one pass per phrase pattern, so the work stays linear in len */
	for (i = 0; i < in->phrases.n && !hit; i++) {
		pcre2_match_data *md;
		size_t from = 0;
		int hits = 0;

		if (in->phrases.req[i]) { /* a word every match holds is missing: skip */
			if (!scanned)
				sm_lit_scan(&lt, text, len);
			scanned = true;
			if (sm_lit_absent(in->phrases.req[i], &lt))
				continue;
		}
		md = pcre2_match_data_create_from_pattern(in->phrases.re[i], NULL);

		while (!hit && hits++ < INTENT_MAX_HITS && from < len &&
		       sm_re_match(in->phrases.re[i], (PCRE2_SPTR)text, len, from, 0, md, NULL) >= 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

			hit = !governed(in, text, len, ov[0], ov[1]);
			from = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
			while (from < len && ((unsigned char)text[from] & 0xc0) == 0x80)
				from++;
		}
		pcre2_match_data_free(md);
	}
	if (scanned)
		sm_lit_text_clear(&lt);
	return hit;
}

void sm_intent_clear(sm_intent *in)
{
	sm_relist_clear(&in->phrases);
	sm_relist_clear(&in->negations);
	sm_relist_clear(&in->conditions);
	sm_relist_clear(&in->questions);
}
