/*
 * rules_re.c - lists of PCRE2 patterns for the support-convention rules
 * (SR forms, resolution phrases, negations, severity A, feature requests).
 *
 * Patterns come from the administrator; they are compiled once (caseless,
 * UTF, PCRE2_MATCH_INVALID_UTF so that a window starting inside a character
 * is safe, JIT when available) and are immutable afterwards.  Text matched
 * is message data (untrusted): match data is per call, every search loop
 * advances, and PCRE2's default match limit bounds backtracking.
 * Each pattern also gets its literal prefilters (rules_prefilter.c: one or
 * two word sets, every match holding a word of each), if any, and, when
 * every match starts with a word of one of them, an anchored copy.
 * A gate (sm_gate_*) finds a list's words in a text in one pass
 * (rules_litset.c) and runs each pattern only where it can match: not at
 * all when a set's words are absent, anchored at the occurrences of a set
 * that leads, otherwise by the set that occurs less, per run of its
 * occurrences (each within SM_PHRASE_SPAN bytes of the one before) from
 * SM_PHRASE_SPAN bytes before the run to SM_PHRASE_SPAN after it, starting
 * no later than its last occurrence (a phrase is shorter than that on either
 * side of its word), over the whole text when the occurrences are not all
 * known or too many.  Limits:
 * GATE_HITS_MAX occurrences kept per text and list (beyond, whole-text
 * searches); callers bound the matches per pattern.
 * Owns: the compiled codes and prefilters (sm_relist_clear frees them; a
 * pool shared by several lists belongs to the caller).
 */
#include "rules_priv.h"
#include "re.h"

#include "conftab.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

/* PCRE2_USE_OFFSET_LIMIT: a gate's windowed search stops at its run's last
 * word (no effect when no offset limit is set) */
#define RE_FLAGS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_USE_OFFSET_LIMIT)

static void where_of(const config_setting_t *group, const char *key, char *buf, size_t len)
{
	const config_setting_t *s = group ? config_setting_get_member(group, key) : NULL;

	if (s)
		sm_conf_where(s, buf, len);
	else
		snprintf(buf, len, "(built-in default): ");
}

static pcre2_code *compile_one(const char *pat, const char *where, const char *key, size_t idx,
			       bool need_sr, char *err, size_t errlen)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re;

	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, RE_FLAGS, &ec, &eo, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(ec, msg, sizeof(msg));
		snprintf(err, errlen, "%skey '%s': pattern %zu: %s at offset %zu", where, key,
			 idx + 1, (char *)msg, (size_t)eo);
		return NULL;
	}
	if (need_sr && pcre2_substring_number_from_name(re, (PCRE2_SPTR) "sr") < 0) {
		snprintf(err, errlen, "%skey '%s': pattern %zu: has no (?<sr>...) group", where,
			 key, idx + 1);
		pcre2_code_free(re);
		return NULL;
	}
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* the interpreter is the fallback */
	return re;
}

/* Does PCRE2 know the first code unit of every match, an ASCII one (a fast
 * search)?  A Japanese character's lead byte is common in Japanese text. */
static bool first_unit(const pcre2_code *re)
{
	uint32_t t = 0, u = 0;

	(void)u;
	return pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODETYPE, &t) == 0 && t == 1;
}

/* Words w (NULL-terminated) into the list's word set: their indices, -1
 * ends. */
static int *add_words(sm_relist *l, char *const *w, bool bounded)
{
	size_t k, n = g_strv_length((char **)w);
	int *ids = g_new(int, n + 1);

	if (!l->lits)
		l->lits = sm_litset_new();
	for (k = 0; k < n; k++)
		ids[k] = sm_litset_add(l->lits, w[k], bounded);
	ids[n] = -1;
	return ids;
}

/* Put pattern i's prefilter words (and its leading set's) in the list's
 * word set. */
static void index_words(sm_relist *l, size_t i)
{
	if (!l->req[i] || !l->req[i][0] || l->req_ids[i])
		return;
	l->req_ids[i] = add_words(l, l->req[i], l->bounded[i]);
	if (l->req2[i].words)
		l->req2_ids[i] = add_words(l, l->req2[i].words, l->req2[i].bounded);
}

int sm_relist_compile(sm_relist *l, const char *const *pats, const config_setting_t *group,
		      const char *key, bool need_sr, char *err, size_t errlen)
{
	char where[512];
	size_t n = 0, i;
	int ec;
	PCRE2_SIZE eo;

	where_of(group, key, where, sizeof(where));
	memset(l, 0, sizeof(*l));
	while (pats && pats[n])
		n++;
	l->re = g_new0(pcre2_code *, n + 1);
	l->req = g_new0(char **, n + 1);
	l->req_ids = g_new0(int *, n + 1);
	l->lead = g_new0(bool, n + 1);
	l->bounded = g_new0(bool, n + 1);
	l->anch = g_new0(pcre2_code *, n + 1);
	l->req2 = g_new0(sm_lit_second, n + 1);
	l->req2_ids = g_new0(int *, n + 1);
	for (i = 0; i < n; i++) {
		l->re[i] = compile_one(pats[i], where, key, i, need_sr, err, errlen);
		if (!l->re[i]) {
			l->n = i;
			sm_relist_clear(l);
			return -1;
		}
		l->req[i] = sm_lit_required_sets(pats[i], &l->lead[i], &l->bounded[i], &l->req2[i]);
		if (!first_unit(l->re[i])) /* else PCRE2's own first-character search */
			index_words(l, i);
		if (l->lead[i] || l->req2[i].leading) { /* JIT takes PCRE2_ANCHORED at compile time only */
			l->anch[i] = pcre2_compile((PCRE2_SPTR)pats[i], PCRE2_ZERO_TERMINATED,
						   RE_FLAGS | PCRE2_ANCHORED, &ec, &eo, NULL);
			if (l->anch[i])
				(void)pcre2_jit_compile(l->anch[i], PCRE2_JIT_COMPLETE);
		}
		{
			uint32_t groups = 0;

			pcre2_pattern_info(l->re[i], PCRE2_INFO_CAPTURECOUNT, &groups);
			l->ovmax = MAX(l->ovmax, groups + 1);
		}
	}
	l->n = n;
	return 0;
}

void sm_relist_clear(sm_relist *l)
{
	size_t i;

	for (i = 0; l->re && i < l->n; i++) {
		pcre2_code_free(l->re[i]);
		g_strfreev(l->req ? l->req[i] : NULL);
		g_free(l->req_ids ? l->req_ids[i] : NULL);
		if (l->anch && l->anch[i])
			pcre2_code_free(l->anch[i]);
		g_strfreev(l->req2 ? l->req2[i].words : NULL);
		g_free(l->req2_ids ? l->req2_ids[i] : NULL);
	}
	g_free(l->req2);
	g_free(l->req2_ids);
	g_free(l->anch);
	g_free(l->re);
	g_free(l->req);
	g_free(l->req_ids);
	g_free(l->lead);
	g_free(l->bounded);
	if (!l->lits_shared)
		sm_litset_free(l->lits);
	memset(l, 0, sizeof(*l));
}

bool sm_relist_first(const sm_relist *l, const char *s, size_t len, size_t from, size_t *ms,
		     size_t *me)
{
	size_t i, best = (size_t)-1, bend = 0;
	pcre2_match_data *md;

	if (from > len || l->n == 0)
		return false;
	md = pcre2_match_data_create(l->ovmax, NULL); /* room for any pattern's groups */
	for (i = 0; i < l->n; i++) {
		int rc = sm_re_match(l->re[i], (PCRE2_SPTR)s, len, from, 0, md, NULL);

		if (rc >= 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

			if (ov[0] < best || (ov[0] == best && ov[1] > bend)) {
				best = ov[0];
				bend = ov[1];
			}
		}
	}
	pcre2_match_data_free(md);
	if (best == (size_t)-1)
		return false;
	*ms = best;
	*me = bend;
	return true;
}

static bool stop_at_first(void *ud, const PCRE2_SIZE *ov)
{
	(void)ov;
	*(bool *)ud = true;
	return false;
}

bool sm_relist_any(const sm_relist *l, const char *s, size_t len)
{
	sm_gate g; /* patterns whose words are absent are not run */
	bool hit = false;
	size_t i;

	sm_gate_init(&g, l, s, len);
	for (i = 0; i < l->n && !hit; i++)
		sm_gate_matches(&g, i, 1, stop_at_first, &hit);
	sm_gate_clear(&g);
	return hit;
}


#define GATE_HITS_MAX 4096 /* word occurrences kept per text and list */

void sm_relist_share(sm_relist *l, sm_litset *pool)
{
	size_t i, k;

	if (!l->lits_shared)
		sm_litset_free(l->lits);
	l->lits = pool;
	l->lits_shared = true;
	/* the pool's scan is made anyway: every pattern with words uses it, so a
	 * pattern whose words are absent costs no PCRE2 call at all */
	for (i = 0; i < l->n; i++) {
		if (!l->req_ids[i]) {
			index_words(l, i);
			continue;
		}
		for (k = 0; l->req[i][k]; k++)
			l->req_ids[i][k] = sm_litset_add(pool, l->req[i][k], l->bounded[i]);
		for (k = 0; l->req2[i].words && l->req2[i].words[k]; k++)
			l->req2_ids[i][k] = sm_litset_add(pool, l->req2[i].words[k], l->req2[i].bounded);
	}
}

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
	g->counts = NULL;
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

static bool is_word_of(const int *ids, int w)
{
	for (; *ids >= 0; ids++)
		if (*ids == w)
			return true;
	return false;
}

/* Anchored at each occurrence of the words ids (which lead), in order. */
static size_t anchored(sm_gate *g, size_t i, const int *ids, pcre2_match_data *md, size_t max,
		       bool (*fn)(void *ud, const PCRE2_SIZE *ov), void *ud)
{
	size_t k, n = 0, next = g->from;

	for (k = 0; k < g->hits->len && n < max; k++) {
		const sm_lit_hit *h = &g_array_index(g->hits, sm_lit_hit, k);
		PCRE2_SIZE *ov;

		if (h->pos < next || !is_word_of(ids, h->word) ||
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
static bool next_run(const sm_gate *g, const int *ids, size_t *k, size_t next, size_t *first,
		     size_t *last)
{
	bool found = false;

	for (; *k < g->hits->len; (*k)++) {
		const sm_lit_hit *h = &g_array_index(g->hits, sm_lit_hit, *k);

		if (h->pos < next || !is_word_of(ids, h->word))
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

	while (n < max) {
		size_t k0 = k, from, end;
		PCRE2_SIZE *ov;

		if (!next_run(g, ids, &k, next, &f, &l))
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

typedef struct each_fn {
	void (*fn)(void *ud, size_t ms, size_t me);
	void *ud;
	size_t left;
} each_fn;

static bool each_one(void *ud, const PCRE2_SIZE *ov)
{
	each_fn *e = ud;

	e->fn(e->ud, ov[0], ov[1]);
	return --e->left > 0;
}

size_t sm_relist_each(const sm_relist *l, const char *s, size_t len, size_t from, size_t max,
		      void (*fn)(void *ud, size_t ms, size_t me), void *ud)
{
	each_fn e = {fn, ud, max};
	sm_gate g; /* patterns whose words are absent are not run */
	size_t i;

	if (max == 0 || from >= len)
		return 0;
	sm_gate_init(&g, l, s, len);
	g.from = from;
	for (i = 0; i < l->n && e.left > 0; i++)
		sm_gate_matches(&g, i, e.left, each_one, &e);
	sm_gate_clear(&g);
	return max - e.left;
}
