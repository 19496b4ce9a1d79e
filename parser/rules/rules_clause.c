/*
 * rules_clause.c - sentences, clauses and scope in the author's new text
 * (rules_priv.h), so that the intents decide per clause.
 *
 * A sentence ends at 。 ! ? and at '.' before a space, a line break or
 * Japanese; at a blank line; at a line break after Japanese text (Japanese
 * mail breaks lines between sentences, English mail wraps them).  Inside a
 * sentence a clause ends before a contrast (the conjunctive が after a
 * predicate, けど, ものの, しかし, but, however, although ...) or a cause
 * (ので、 から、 ため、 so, because, since, ';'), and at a comma that joins
 * two main clauses (", we'll ...", です、) unless the sentence opened with a
 * condition ("If it works, I'll be happy ...").  Scope: a clause is about
 * another case when it names one (別件, the other case, another SR number)
 * and does not name this one (本件, this case, the message's own SR); a
 * clause that names neither takes the scope of the clause before it in its
 * paragraph.
 *
 * Untrusted input: the new text.  Limits: SM_CLAUSE_WINDOW bytes of context
 * before a match and SM_SENTENCE_MAX after it; CUTS_MAX cuts per list;
 * SCOPE_CLAUSES_MAX clauses
 * looked back for a scope; SCOPE_SR_MAX SR numbers and SCOPE_REFS_MAX case
 * references (a case named as the source of the fix, 前回のケースと同じ手順で)
 * per clause.  Owns: its
 * compiled patterns.
 */
#include "rules_priv.h"

#include <string.h>

#define SCOPE_CLAUSES_MAX 16 /* clauses before a match whose scope may carry to it */
#define SCOPE_SR_MAX 8       /* SR numbers read per clause */
#define CUTS_MAX 1024        /* contrast or cause cuts per list and window */
#define SCOPE_REFS_MAX 64    /* case references blanked per clause */

int sm_clauses_compile(sm_clauses *cl, const char *const *other, const char *const *self,
		       const config_setting_t *g, char *err, size_t errlen)
{
	memset(cl, 0, sizeof(*cl));
	if (sm_relist_compile(&cl->contrast, sm_def_contrast, NULL, "contrast", false, err,
			      errlen) < 0 ||
	    sm_relist_compile(&cl->causal, sm_def_causal, NULL, "causal", false, err, errlen) < 0 ||
	    sm_relist_compile(&cl->splice, sm_def_splice, NULL, "splice", false, err, errlen) < 0 ||
	    sm_relist_compile(&cl->openers, sm_def_openers, NULL, "openers", false, err, errlen) < 0 ||
	    sm_relist_compile(&cl->other, other, g, "other_case", false, err, errlen) < 0 ||
	    sm_relist_compile(&cl->self, self, g, "this_case", false, err, errlen) < 0 ||
	    sm_relist_compile(&cl->refs, sm_def_case_refs, NULL, "case_refs", false, err, errlen) < 0)
		return -1;
	return 0;
}

void sm_clauses_clear(sm_clauses *cl)
{
	sm_relist_clear(&cl->contrast);
	sm_relist_clear(&cl->causal);
	sm_relist_clear(&cl->splice);
	sm_relist_clear(&cl->openers);
	sm_relist_clear(&cl->other);
	sm_relist_clear(&cl->self);
	sm_relist_clear(&cl->refs);
}

/* ------------------------------------------------------------ sentences */

static bool ideographic_stop_at(const char *t, size_t len, size_t p)
{
	return len - p >= 3 && memcmp(t + p, "。", 3) == 0;
}

/* Does a sentence end just before t[p] (0 < p <= len)? */
static bool sentence_break(const char *t, size_t len, size_t p)
{
	unsigned char c = (unsigned char)t[p - 1];
	unsigned char nx = p < len ? (unsigned char)t[p] : '\n';

	if (p >= 3 && memcmp(t + p - 3, "。", 3) == 0)
		return true;
	if (c == '\n')
		return p < 2 || t[p - 2] == '\n' || (unsigned char)t[p - 2] >= 0x80 || nx == '\n';
	if (c == '!' || c == '?')
		return true;
	if (c == '.')
		return nx == ' ' || nx == '\n' || nx == '\r' || nx >= 0x80;
	return false;
}

/* A blank line just before t[p]: a paragraph starts there. */
static bool paragraph_break(const char *t, size_t p)
{
	size_t q = p;

	if (q == 0 || t[q - 1] != '\n')
		return false;
	q--;
	while (q > 0 && (t[q - 1] == ' ' || t[q - 1] == '\t' || t[q - 1] == '\r'))
		q--;
	return q > 0 && t[q - 1] == '\n';
}

/* End of the sentence holding offset p (exclusive, its terminator included). */
static size_t sentence_close(const char *t, size_t len, size_t p)
{
	size_t hi = len - p > SM_SENTENCE_MAX ? p + SM_SENTENCE_MAX : len;

	for (p++; p < hi; p++)
		if (sentence_break(t, len, p))
			return p;
	return hi;
}

/* ------------------------------------------------------------ clauses */

typedef struct cut {
	size_t at;
	bool contrast, sentence;
} cut;

static gint by_at(gconstpointer a, gconstpointer b)
{
	const cut *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

typedef struct cutter {
	GArray *cuts;
	bool contrast;
} cutter;

static void add_cut(void *ud, size_t ms, size_t me)
{
	cutter *k = ud;
	cut c = {ms, k->contrast, false};

	(void)me;
	g_array_append_val(k->cuts, c);
}

/* Clause cuts of one pattern list in t[ws, we): at most CUTS_MAX. */
static void list_cuts(const sm_relist *l, const char *t, size_t ws, size_t we, bool contrast,
		      GArray *cuts)
{
	cutter k = {cuts, contrast};

	sm_relist_each(l, t, we, ws, CUTS_MAX, add_cut, &k);
}

/* Comma splices in t[ws, we) (cuts holds the sentence ends so far, in order):
 * a cut unless the sentence before the comma holds a condition opener. */
static void splice_cuts(const sm_clauses *cl, const char *t, size_t ws, size_t we, GArray *cuts)
{
	GArray *sp = g_array_new(FALSE, FALSE, sizeof(cut));
	size_t n = cuts->len, i, j;

	list_cuts(&cl->splice, t, ws, we, false, sp);
	for (i = 0; i < sp->len; i++) {
		cut c = g_array_index(sp, cut, i);
		size_t from = ws;

		for (j = 0; j < n && g_array_index(cuts, cut, j).at <= c.at; j++)
			from = g_array_index(cuts, cut, j).at;
		if (!sm_relist_any(&cl->openers, t + from, c.at - from))
			g_array_append_val(cuts, c);
	}
	g_array_free(sp, TRUE);
}

/* The cuts of t[ws, we): sentence ends, contrasts, causes, splices; sorted. */
static GArray *cuts_of(const sm_clauses *cl, const char *t, size_t len, size_t ws, size_t we)
{
	GArray *cuts = g_array_new(FALSE, FALSE, sizeof(cut));
	size_t p;

	for (p = ws + 1; p < we; p++)
		if (sentence_break(t, len, p)) {
			cut c = {p, false, true};

			g_array_append_val(cuts, c);
		}
	splice_cuts(cl, t, ws, we, cuts);
	list_cuts(&cl->contrast, t, ws, we, true, cuts);
	list_cuts(&cl->causal, t, ws, we, false, cuts);
	g_array_sort(cuts, by_at);
	return cuts;
}

size_t sm_clauses_around(const sm_clauses *cl, const char *t, size_t len, size_t ms, size_t me,
			 GArray *a)
{
	size_t lo = ms > SM_CLAUSE_WINDOW ? ms - SM_CLAUSE_WINDOW : 0, ws = ms, we, i, hit = 0;
	GArray *cuts;
	sm_span s;

	while (ws > lo && !paragraph_break(t, ws))
		ws--;
	while (ws < ms && ((unsigned char)t[ws] & 0xc0) == 0x80)
		ws++;
	we = me < len ? sentence_close(t, len, me > ms ? me - 1 : me) : len;
	cuts = cuts_of(cl, t, len, ws, we);
	g_array_set_size(a, 0);
	s.start = ws;
	s.contrast = false;
	s.sentence = true;
	for (i = 0; i < cuts->len; i++) {
		const cut *c = &g_array_index(cuts, cut, i);

		if (c->at > s.start && c->at < we) {
			s.end = c->at;
			g_array_append_val(a, s);
			s.start = c->at;
			s.contrast = s.sentence = false;
		}
		s.contrast |= c->contrast;
		s.sentence |= c->sentence;
	}
	s.end = we;
	g_array_append_val(a, s);
	for (i = 0; i < a->len; i++)
		if (g_array_index(a, sm_span, i).start <= ms)
			hit = i;
	g_array_free(cuts, TRUE);
	return hit;
}

bool sm_clauses_next_contrasts(const sm_clauses *cl, const char *t, size_t len, size_t end)
{
	size_t p = end, ms, me, hi;

	while (p < len && (t[p] == ' ' || t[p] == '\n' || t[p] == '\r' || t[p] == '\t' ||
			   ideographic_stop_at(t, len, p) || t[p] == '.'))
		p += ideographic_stop_at(t, len, p) ? 3 : 1;
	if (p >= len)
		return false;
	hi = len - p > 64 ? p + 64 : len; /* the connective opens the sentence */
	return sm_relist_first(&cl->contrast, t, hi, p, &ms, &me) && ms == p;
}

/* ------------------------------------------------------------ scope */

static void srs_in(const sm_intent_ctx *x, const char *c, size_t len, bool *self, bool *other)
{
	char found[SCOPE_SR_MAX][17];
	size_t n, i;

	if (!x->sr)
		return;
	n = sm_sr_scan(x->sr, c, len, true, x->now, found, SCOPE_SR_MAX, NULL);
	for (i = 0; i < n; i++) {
		if (x->own_sr && strcmp(found[i], x->own_sr) == 0)
			*self = true;
		else
			*other = true;
	}
}

static void blank_ref(void *ud, size_t ms, size_t me)
{
	memset((char *)ud + ms, ' ', me - ms);
}

/* The clause with the cases it names only as a source or a thing set apart
 * blanked (refs, SCOPE_REFS_MAX matches at most): is it about another case? */
static bool clause_other(const sm_intent_ctx *x, const char *t, const sm_span *c, bool *self)
{
	size_t n = c->end - c->start;
	char *b = g_strndup(t + c->start, n);
	bool other;

	sm_relist_each(&x->cl->refs, t + c->start, n, 0, SCOPE_REFS_MAX, blank_ref, b);
	*self = sm_relist_any(&x->cl->self, b, n);
	other = sm_relist_any(&x->cl->other, b, n);
	srs_in(x, b, n, self, &other);
	g_free(b);
	return other && !*self;
}

bool sm_clauses_about_other(const sm_intent_ctx *x, const char *t, const GArray *a, size_t k)
{
	size_t looked = 0;

	for (;; k--) {
		bool self = false;

		if (clause_other(x, t, &g_array_index(a, sm_span, k), &self))
			return true;
		if (self || k == 0 || ++looked == SCOPE_CLAUSES_MAX)
			return false;
	}
}
