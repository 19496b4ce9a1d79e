/*
 * rules_gate.c - running a list's patterns only where they can match
 * (rules_priv.h, sm_gate_*): a gate finds the list's words in a text in one
 * pass (rules_litset.c, through the memo's line cache, rules_litlines.c)
 * and runs each pattern: not at all when one of its word sets is absent,
 * anchored at the occurrences of a set that leads, otherwise by the set
 * that occurs less, per run of its occurrences where the pattern's tail
 * from that set's item on matches (rules_re.c compiles it), each within
 * SM_PHRASE_SPAN bytes of the one before, from SM_PHRASE_SPAN bytes before
 * the run to SM_PHRASE_SPAN after it, starting no later than its last
 * occurrence (PCRE2's offset limit); over the whole text when the
 * occurrences are not all known or too many.
 *
 * Untrusted input: the text.  Limits: GATE_HITS_MAX occurrences kept per
 * text and list (beyond, whole-text searches); one anchored tail match per
 * occurrence and pattern; the callers bound the matches per pattern.
 * Owns: a gate's scan (unless a memo keeps it), match data and context.
 */
#include "rules_priv.h"
#include "re.h"

#include <glib.h>
#include <string.h>

#define GATE_HITS_MAX 4096 /* word occurrences kept per text and list */

void sm_lit_memo_clear(sm_lit_memo *m)
{
	sm_lit_lines *lines = m->lines;

	g_free(m->present);
	if (m->hits)
		g_array_free(m->hits, TRUE);
	memset(m, 0, sizeof(*m));
	m->lines = lines;
}

void sm_gate_init_memo(sm_gate *g, const sm_relist *l, const char *t, size_t len, sm_lit_memo *m)
{
	g->l = l;
	g->t = t;
	g->len = len;
	g->present = NULL;
	g->hits = NULL;
	g->overflow = false;
	g->md = NULL;
	g->mctx = NULL;
	g->counts = NULL;
	g->mark = NULL;
	g->memo = m;
	g->borrowed = false;
	g->from = 0;
}

void sm_gate_init(sm_gate *g, const sm_relist *l, const char *t, size_t len)
{
	sm_gate_init_memo(g, l, t, len, NULL);
}

void sm_gate_clear(sm_gate *g)
{
	if (!g->borrowed) {
		g_free(g->present);
		if (g->hits)
			g_array_free(g->hits, TRUE);
	}
	if (g->md)
		pcre2_match_data_free(g->md);
	if (g->mctx)
		pcre2_match_context_free(g->mctx);
	g_free(g->counts);
	g_free(g->mark);
	g->counts = NULL;
	g->mark = NULL;
	g->mctx = NULL;
	g->present = NULL;
	g->hits = NULL;
	g->md = NULL;
}

/* Find the list's words in the text, or take a pool's scan of it from the memo. */
static void gate_scan(sm_gate *g)
{
	sm_lit_memo *m = g->memo;

	if (m && m->present && m->lits == g->l->lits && m->t == g->t && m->len == g->len) {
		g->present = m->present;
		g->hits = m->hits;
		g->overflow = m->overflow;
		g->borrowed = true;
		return;
	}
	g->present = g_malloc(sm_litset_size(g->l->lits) + 1);
	g->hits = g_array_new(FALSE, FALSE, sizeof(sm_lit_hit));
	sm_litset_scan_lines(g->l->lits, m ? m->lines : NULL, g->t, g->len, g->present, g->hits,
			     GATE_HITS_MAX, &g->overflow);
	if (m && g->l->lits_shared) { /* keep it for the pool's next list */
		sm_lit_memo_clear(m);
		m->lits = g->l->lits;
		m->t = g->t;
		m->len = g->len;
		m->present = g->present;
		m->hits = g->hits;
		m->overflow = g->overflow;
		g->borrowed = true;
	}
}

static bool none_present(const sm_gate *g, const int *id)
{
	for (; id && *id >= 0; id++)
		if (g->present[*id])
			return false;
	return id != NULL;
}

/* Are all the words of one of pattern i's sets absent (the text scanned on
 * first use)?  Every match holds a word of each. */
static bool gate_skip(sm_gate *g, size_t i)
{
	if (!g->l->req_ids || !g->l->req_ids[i])
		return false;
	if (!g->present)
		gate_scan(g);
	return none_present(g, g->l->req_ids[i]) || none_present(g, g->l->req2_ids[i]);
}

/* g->mark: 1 for the words ids (-1 ends), 0 for the others. */
static const uint8_t *mark(sm_gate *g, const int *ids)
{
	size_t n = sm_litset_size(g->l->lits) + 1;

	if (!g->mark)
		g->mark = g_malloc(n);
	memset(g->mark, 0, n);
	for (; *ids >= 0; ids++)
		g->mark[*ids] = 1;
	return g->mark;
}

/* Anchored at each occurrence of the words ids (which lead), in order. */
static size_t anchored(sm_gate *g, size_t i, const int *ids, pcre2_match_data *md, size_t max,
		       bool (*fn)(void *ud, const PCRE2_SIZE *ov), void *ud)
{
	size_t k, n = 0, next = g->from;
	const uint8_t *in = mark(g, ids); /* is a hit's word one of ids? */

	for (k = 0; k < g->hits->len && n < max; k++) {
		const sm_lit_hit *h = &g_array_index(g->hits, sm_lit_hit, k);
		PCRE2_SIZE *ov;

		if (h->pos < next || !in[h->word] ||
		    sm_re_match(g->l->anch[i], (PCRE2_SPTR)g->t, g->len, h->pos, 0, md, NULL) < 0)
			continue;
		ov = pcre2_get_ovector_pointer(md);
		n++;
		next = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		if (!fn(ud, ov))
			break;
	}
	return n;
}

/* How often the words ids occur in the text (the occurrences counted per
 * word on first use). */
static size_t occurrences(sm_gate *g, const int *ids)
{
	size_t k, n = 0;

	if (!g->counts) {
		g->counts = g_new0(uint32_t, sm_litset_size(g->l->lits) + 1);
		for (k = 0; k < g->hits->len; k++)
			g->counts[g_array_index(g->hits, sm_lit_hit, k).word]++;
	}
	for (; *ids >= 0; ids++)
		n += g->counts[*ids];
	return n;
}

/* The next run of the pattern's word occurrences from hit *k on, at or
 * after `next`: occurrences at most SM_PHRASE_SPAN bytes apart.  Its first
 * and last offsets; *k moves past it.  False when none is left. */
typedef struct run_words {
	const int *ids;         /* the set searched by */
	const uint8_t *in;      /* per word: one of ids? */
	const pcre2_code *tail; /* the pattern from the set's item on, or NULL */
	uint8_t *ok;            /* per hit: 0 not tried, 1 the tail matches there, 2 not */
	pcre2_match_data *md;
} run_words;

/* Can a match hold hit k as its set's word: the tail matches there? */
static bool tail_at(const sm_gate *g, run_words *w, size_t k, size_t pos)
{
	if (!w->tail)
		return true;
	if (!w->ok[k])
		w->ok[k] = sm_re_match(w->tail, (PCRE2_SPTR)g->t, g->len, pos, 0, w->md, NULL) >= 0
				   ? 1
				   : 2;
	return w->ok[k] == 1;
}

static bool next_run(const sm_gate *g, run_words *w, size_t *k, size_t next, size_t *first,
		     size_t *last)
{
	bool found = false;

	for (; *k < g->hits->len; (*k)++) {
		const sm_lit_hit *h = &g_array_index(g->hits, sm_lit_hit, *k);

		if (h->pos < next || !w->in[h->word] || !tail_at(g, w, *k, h->pos))
			continue;
		if (found && h->pos - *last > SM_PHRASE_SPAN)
			break;
		if (!found)
			*first = h->pos;
		*last = h->pos;
		found = true;
	}
	return found;
}

/* Pattern i's first match in g->t[from, end) starting at or before `limit`
 * (PCRE2's offset limit, set only for this call on the guard's or the
 * gate's match context). */
static int match_before(sm_gate *g, size_t i, size_t end, size_t from, size_t limit,
			pcre2_match_data *md)
{
	sm_re_guard *gd = sm_re_guard_current();
	pcre2_match_context *c = gd ? gd->mctx : g->mctx;
	int rc;

	if (!c)
		c = g->mctx = pcre2_match_context_create(NULL);
	pcre2_set_offset_limit(c, limit);
	rc = sm_re_match(g->l->re[i], (PCRE2_SPTR)g->t, end, from, 0, md, c);
	pcre2_set_offset_limit(c, PCRE2_UNSET);
	return rc;
}

/* Per run of the pattern's word occurrences (first f, last l, each within
 * SM_PHRASE_SPAN of the one before): the matches starting from
 * SM_PHRASE_SPAN bytes before f to l and ending by SM_PHRASE_SPAN bytes
 * after l, in order.  Every match holds an occurrence, so no start before
 * it can be missed for want of one; each start offset is tried once. */
static size_t windowed(sm_gate *g, size_t i, const int *ids, pcre2_match_data *md, size_t max,
		       bool (*fn)(void *ud, const PCRE2_SIZE *ov), void *ud)
{
	size_t k = 0, n = 0, next = g->from, f = 0, l = 0;
	run_words w = {ids, mark(g, ids), ids == g->l->req_ids[i] ? g->l->tail[i] : g->l->tail2[i],
		       NULL, md};

	if (w.tail)
		w.ok = g_malloc0(g->hits->len + 1);
	while (n < max) {
		size_t k0 = k, from, end;
		PCRE2_SIZE *ov;

		if (!next_run(g, &w, &k, next, &f, &l))
			break;
		from = f > SM_PHRASE_SPAN ? f - SM_PHRASE_SPAN : 0;
		end = g->len - l > SM_PHRASE_SPAN ? l + SM_PHRASE_SPAN : g->len;
		if (from < next)
			from = next;
		if (match_before(g, i, end, from, l, md) < 0)
			continue;
		ov = pcre2_get_ovector_pointer(md);
		n++;
		next = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		if (!fn(ud, ov))
			break;
		k = k0; /* the run's occurrences after the match make a new run */
	}
	g_free(w.ok);
	return n;
}

/* The set of pattern i to search by: a leading one (anchored runs), the
 * one with fewer occurrences when both or neither lead. */
static const int *fewer(sm_gate *g, size_t i)
{
	const int *a = g->l->req_ids[i], *b = g->l->req2_ids[i];
	bool la = g->l->lead[i], lb = g->l->req2[i].leading;

	if (!b || (la && !lb))
		return a;
	if (lb && !la)
		return b;
	return occurrences(g, b) < occurrences(g, a) ? b : a;
}

size_t sm_gate_matches(sm_gate *g, size_t i, size_t max, bool (*fn)(void *ud, const PCRE2_SIZE *ov),
		       void *ud)
{
	pcre2_match_data *md;
	size_t n = 0, from = g->from;

	if (gate_skip(g, i))
		return 0;
	if (!g->md)
		g->md = pcre2_match_data_create(g->l->ovmax, NULL);
	md = g->md;
	if (g->present && g->l->req_ids[i] && !g->overflow) {
		const int *ids = fewer(g, i);

		if (ids == g->l->req_ids[i] ? g->l->lead[i] : g->l->req2[i].leading)
			return anchored(g, i, ids, md, max, fn, ud);
		if (occurrences(g, ids) <= g->len / SM_PHRASE_SPAN) /* else one search is cheaper */
			return windowed(g, i, ids, md, max, fn, ud);
	}
	while (n < max && from <= g->len &&
	       sm_re_match(g->l->re[i], (PCRE2_SPTR)g->t, g->len, from, 0, md, NULL) >= 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

		n++;
		if (!fn(ud, ov))
			break;
		from = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		while (from < g->len && ((unsigned char)g->t[from] & 0xc0) == 0x80)
			from++;
	}
	return n;
}
