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
 * A gate (rules_gate.c) runs each pattern only where its words are; the
 * tails it checks occurrences with are compiled here: the pattern from a
 * word set's item on, anchored, when it stands alone (no back reference,
 * condition, call or \\G; no option setting before it).
 * Untrusted input: the texts matched (sm_relist_first, _any, _each bound
 * their loops by the text and the caller's max).
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

/* Nothing in t refers to what came before it in its pattern (a back
 * reference, a condition on a group, a recursion, \\G)? */
static bool tail_alone(const char *t)
{
	for (; *t; t++) {
		if (t[0] == '\\' && t[1] && strchr("123456789gGkK", t[1]))
			return false;
		if (t[0] == '\\' && t[1]) {
			t++;
			continue;
		}
		if (t[0] == '(' && t[1] == '?' && t[2] && strchr("(R&P+-0123456789", t[2]))
			return false;
	}
	return true;
}

/* The pattern from p[at] on (where a word set's item starts), anchored:
 * every match holding that item's word at q matches it at q.  NULL when
 * there is none or it depends on what came before. */
static pcre2_code *compile_tail(const char *p, size_t at)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re;

	if (at == SM_LIT_NOWHERE || at >= strlen(p) || !tail_alone(p + at))
		return NULL;
	re = pcre2_compile((PCRE2_SPTR)(p + at), PCRE2_ZERO_TERMINATED, RE_FLAGS | PCRE2_ANCHORED,
			   &ec, &eo, NULL);
	if (re)
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

int sm_relist_compile(sm_relist *l, const char *const *pats, const config_setting_t *group,
		      const char *key, bool need_sr, char *err, size_t errlen)
{
	char where[512];
	size_t n = 0, i, at;
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
	l->tail = g_new0(pcre2_code *, n + 1);
	l->tail2 = g_new0(pcre2_code *, n + 1);
	for (i = 0; i < n; i++) {
		l->re[i] = compile_one(pats[i], where, key, i, need_sr, err, errlen);
		if (!l->re[i]) {
			l->n = i;
			sm_relist_clear(l);
			return -1;
		}
		l->req[i] = sm_lit_required_sets(pats[i], &l->lead[i], &l->bounded[i], &l->req2[i],
						 &at);
		if (l->req[i] && !l->lead[i])
			l->tail[i] = compile_tail(pats[i], at);
		if (l->req2[i].words && !l->req2[i].leading)
			l->tail2[i] = compile_tail(pats[i], l->req2[i].at);
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
		pcre2_code_free(l->tail ? l->tail[i] : NULL);
		pcre2_code_free(l->tail2 ? l->tail2[i] : NULL);
	}
	g_free(l->tail);
	g_free(l->tail2);
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

bool sm_relist_any_lines(const sm_relist *l, const char *s, size_t len, sm_lit_lines *lines)
{
	sm_lit_memo m = {0};
	sm_gate g;
	bool hit = false;
	size_t i;

	m.lines = lines;
	sm_gate_init_memo(&g, l, s, len, &m);
	for (i = 0; i < l->n && !hit; i++)
		sm_gate_matches(&g, i, 1, stop_at_first, &hit);
	sm_gate_clear(&g);
	sm_lit_memo_clear(&m);
	return hit;
}


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
