/*
 * rules_intent.c - does the author's new text say something (the case is
 * resolved, raise it to severity A, a feature request), clause by clause?
 *
 * For each phrase match: the clauses it spans (rules_clause.c) are read with
 * every phrase blanked.  The match does not count when they hold a negation
 * (ない, not), a condition or a tentative word (場合, たら, if, once,
 * ようです, seems), a question (a sentence ending in '?' or か, a
 * particle か/ら/ば right after the phrase, unless it is a polite request:
 * "could you close", クローズしていただけますか), reported speech or a
 * mention (とお伝えしましたが, I wrote that, 基準); for resolution also when
 * a contrast follows it in its sentence or opens the next one (解決しました
 * が、..., "It is fixed. However, ..."), or when the clauses are about
 * another case (別件, the other case, another SR).  Resolution then needs
 * that nothing in this case's new text says the case goes on (再発, また
 * 発生, 引き続き調査, still failing, keep the case open), read the same way
 * (再発していません is not a continuation).
 *
 * Untrusted input: the new text.  Limits: INTENT_MAX_HITS matches examined
 * per pattern, SM_CLAUSE_WINDOW bytes of context per match.  Owns nothing.
 */
#include "rules_priv.h"

#include <glib.h>
#include <string.h>

#define INTENT_MAX_HITS 64

/* directly after the phrase: conditional (ら, なら, ば) or question (か) */
/* (のか, のでしょうか: 解決したのでしょうか, 本当に解決したのか) */
static const char *const particles[] = {
	"ら", "か", "なら", "ば", "でしょうか", "のか", "のでしょうか", "のですか", "んですか",
	"んでしょうか", NULL,
};

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

static void blank_one(void *ud, size_t ms, size_t me)
{
	memset((char *)ud + ms, ' ', me - ms);
}

/* t[s, e) with every match of l blanked (INTENT_MAX_HITS per pattern at
 * most): what the checks read. */
static char *blank_list(const sm_relist *l, const char *t, size_t s, size_t e)
{
	char *c = g_malloc(e - s + 1);

	memcpy(c, t + s, e - s);
	c[e - s] = '\0';
	sm_relist_each(l, t + s, e - s, 0, INTENT_MAX_HITS * l->n, blank_one, c);
	return c;
}

/* The ending character of the sentence span ends, skipping spaces. */
static char last_char(const char *t, const sm_span *sp)
{
	size_t e = sp->end;

	while (e > sp->start && (t[e - 1] == ' ' || t[e - 1] == '\n' || t[e - 1] == '\r'))
		e--;
	return e > sp->start ? t[e - 1] : 0;
}

typedef struct reading {
	const sm_intent *in;
	const sm_intent_ctx *x;
	const char *t;
	size_t len;
	GArray *spans; /* of sm_span: the clauses around the match */
	size_t k0, k1; /* the clauses the match spans */
} reading;

/* Cut the text around [ms, me) into clauses; k0..k1 the match's. */
static void read_around(reading *r, size_t ms, size_t me)
{
	size_t i;

	r->k0 = r->k1 = sm_clauses_around(r->x->cl, r->t, r->len, ms, me, r->spans);
	for (i = r->k0 + 1; i < r->spans->len; i++)
		if (g_array_index(r->spans, sm_span, i).start < me)
			r->k1 = i;
}

/* Do the match's clauses (with `what` blanked) negate, condition, question
 * or report it? */
static bool governed(const reading *r, const sm_relist *what, size_t me)
{
	const sm_intent *in = r->in;
	const sm_span *a = &g_array_index(r->spans, sm_span, r->k0);
	const sm_span *b = &g_array_index(r->spans, sm_span, r->k1);
	size_t cs = a->start, ce = b->end, n;
	char *c;
	bool g;
	/* a question that the case goes on still says so (引き続き調査をお願い
	 * できますでしょうか, "could you keep investigating?") */
	bool asks = in->question_blocks && what != &in->continues;

	if (asks &&
	    ((r->k1 + 1 == r->spans->len && last_char(r->t, b) == '?') ||
	     particle_follows(r->t, r->len, me)) &&
	    !sm_relist_any(&in->requests, r->t + cs, ce - cs))
		return true;
	c = blank_list(what, r->t, cs, ce);
	n = ce - cs;
	g = sm_relist_any(&in->negations, c, n) || sm_relist_any(&in->conditions, c, n) ||
	    sm_relist_any(&in->reported, c, n) ||
	    (in->hedges.n && sm_relist_any(&in->hedges, c, n) &&
	     !sm_relist_any(&in->acts, r->t + cs, n)) ||
	    (asks && sm_relist_any(&in->questions, c, n) &&
	     !sm_relist_any(&in->requests, r->t + cs, n));
	g_free(c);
	return g;
}

/* A contrast after the match in its sentence, or opening the next one. */
static bool yields(const reading *r)
{
	size_t j;

	for (j = r->k1 + 1; j < r->spans->len; j++)
		if (g_array_index(r->spans, sm_span, j).contrast)
			return true;
	return sm_clauses_next_contrasts(r->x->cl, r->t, r->len,
					 g_array_index(r->spans, sm_span, r->spans->len - 1).end);
}

/* Does the match [ms, me) of `what` say it, in this case? */
static bool says(reading *r, const sm_relist *what, size_t ms, size_t me, bool yield)
{
	read_around(r, ms, me);
	if (governed(r, what, me))
		return false;
	if (yield && yields(r))
		return false;
	return !(r->in->scoped && sm_clauses_about_other(r->x, r->t, r->spans, r->k1));
}

typedef struct seek {
	reading *r;
	const sm_relist *l;
	bool yield, hit;
} seek;

static bool one_match(void *ud, const PCRE2_SIZE *ov)
{
	seek *k = ud;

	k->hit = says(k->r, k->l, ov[0], ov[1], k->yield);
	return !k->hit;
}

/* Some match of list l that says it (see says()); INTENT_MAX_HITS matches
 * per pattern at most, one linear pass (or the words' occurrences) each. */
static bool any_says(reading *r, const sm_relist *l, bool yield)
{
	seek k = {r, l, yield, false};
	sm_gate g; /* the literal prefilters: a word every match holds is missing */
	size_t i;

	sm_gate_init_memo(&g, l, r->t, r->len, r->x->memo);
	for (i = 0; i < l->n && !k.hit; i++)
		sm_gate_matches(&g, i, INTENT_MAX_HITS, one_match, &k);
	sm_gate_clear(&g);
	return k.hit;
}

bool sm_intent_match(const sm_intent *in, const sm_intent_ctx *x, const char *text, size_t len)
{
	reading r = {in, x, text, len, g_array_new(FALSE, FALSE, sizeof(sm_span)), 0, 0};
	bool hit = any_says(&r, &in->phrases, in->contrast_yields);

	/* the case goes on: "still failing", 再発, 引き続き調査 (not negated, not
	 * about another case) */
	if (hit && in->continues.n && any_says(&r, &in->continues, false))
		hit = false;
	g_array_free(r.spans, TRUE);
	return hit;
}

bool sm_intent_speaks(const sm_intent *in, const sm_intent_ctx *x, const char *text, size_t len)
{
	reading r = {in, x, text, len, g_array_new(FALSE, FALSE, sizeof(sm_span)), 0, 0};
	bool speaks = sm_relist_any(&in->phrases, text, len) ||
		      (in->continues.n && any_says(&r, &in->continues, false));

	g_array_free(r.spans, TRUE);
	return speaks;
}

void sm_intent_clear(sm_intent *in)
{
	sm_relist_clear(&in->phrases);
	sm_relist_clear(&in->negations);
	sm_relist_clear(&in->conditions);
	sm_relist_clear(&in->questions);
	sm_relist_clear(&in->reported);
	sm_relist_clear(&in->requests);
	sm_relist_clear(&in->continues);
	sm_relist_clear(&in->hedges);
	sm_relist_clear(&in->acts);
}
