/*
 * test_rules_re.c - a gate's search of a pattern (rules_re.c) against the
 * plain reading of its contract, on random texts over the patterns' pieces:
 * no match when one of its two word sets is absent; with a leading set,
 * every match (anchored runs: the whole text's matches); else by the set
 * with fewer occurrences: its occurrences found byte by byte, those where
 * the pattern from that set's item on matches (anchored, in the whole
 * text) cut into runs
 * (each within SM_PHRASE_SPAN bytes of the one before), each run searched
 * by PCRE2 from SM_PHRASE_SPAN before its first occurrence to
 * SM_PHRASE_SPAN after its last and a match kept only when it starts at or
 * before the last (the gate asks PCRE2 to stop there instead); the whole
 * text past len/256 occurrences.  Then the cases where one search per run
 * answers differently from the earlier one search per occurrence, against
 * a search of the whole text, which says what is right.
 */
#include "rules_priv.h"
#include "testutil.h"

#include <string.h>

#define RE_FLAGS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF)

static const char *const pats[] = {
	"(?:[a-z]lpha\\s+)?omegaz[^.]{0,600}?end", /* may start at its word; end */
	"(?:x\\s+)?omegaz\\s+done(?![^.]*\\bnot\\b)", /* looks past its end; done */
	"[a-z]lpha[^.]{0,500}omegaz",              /* ends at its word; lpha */
	"\\b(?:xlpha|done)\\s+(?:[a-z]+\\s+){0,3}?omegaz", /* omegaz; xlpha, done lead */
	NULL,
};

/* One set each (omegaz): runs around it. */
static const char *const pats_one[] = {
	"(?:[a-z]lpha\\s+)?omegaz[^.]{0,600}?\\d",
	"(?:x\\s+)?omegaz\\s+\\d(?![^.]*\\bnot\\b)",
	NULL,
};

static bool collect(void *ud, const PCRE2_SIZE *ov)
{
	g_string_append_printf(ud, "%zu-%zu ", (size_t)ov[0], (size_t)ov[1]);
	return true;
}

/* The gate's matches of pattern i of l in t (64 at most), as "s-e ...". */
static char *gate_matches(const sm_relist *l, size_t i, const char *t)
{
	GString *s = g_string_new(NULL);
	sm_gate g;

	sm_gate_init(&g, l, t, strlen(t));
	sm_gate_matches(&g, i, 64, collect, s);
	sm_gate_clear(&g);
	return g_string_free(s, FALSE);
}

/* The same for every pattern of l in turn through one gate (the gate's
 * per-set state must not carry over from one pattern to the next). */
static char **gate_matches_shared(const sm_relist *l, const char *t)
{
	char **out = g_new0(char *, l->n + 1);
	sm_gate g;
	size_t i;

	sm_gate_init(&g, l, t, strlen(t));
	for (i = 0; i < l->n; i++) {
		GString *s = g_string_new(NULL);

		sm_gate_matches(&g, i, 64, collect, s);
		out[i] = g_string_free(s, FALSE);
	}
	sm_gate_clear(&g);
	return out;
}

static bool word_byte(char c)
{
	return g_ascii_isalnum(c) || c == '_';
}

/* Offsets where one of the words occurs (caseless; at a word start when
 * bounded), found byte by byte. */
static GArray *occurrences(char *const *words, bool bounded, const char *t)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(size_t));
	size_t p, n = strlen(t);
	char *const *w;

	for (p = 0; p < n; p++)
		for (w = words; *w; w++)
			if (n - p >= strlen(*w) && g_ascii_strncasecmp(t + p, *w, strlen(*w)) == 0 &&
			    !(bounded && p > 0 && word_byte(t[p - 1]))) {
				g_array_append_val(a, p);
				break;
			}
	return a;
}

/* One search of [from, end) keeping a match only when it starts <= limit. */
static bool search(pcre2_code *re, const char *t, size_t end, size_t from, size_t limit,
		   pcre2_match_data *md)
{
	return pcre2_match(re, (PCRE2_SPTR)t, end, from, 0, md, NULL) >= 0 &&
	       pcre2_get_ovector_pointer(md)[0] <= limit;
}

/* The set a gate searches by (see the file's comment): 1 or 2, 0 when
 * one is absent (no match); its occurrences in *occ. */
static int chosen_set(const sm_relist *l, size_t i, const char *t, GArray **occ, bool *lead)
{
	GArray *a = occurrences(l->req[i], l->bounded[i], t);
	GArray *b = l->req2[i].words ? occurrences(l->req2[i].words, l->req2[i].bounded, t) : NULL;
	bool la = l->lead[i], lb = b && l->req2[i].leading;
	int pick = !b || (la && !lb) ? 1 : (lb && !la) ? 2 : b->len < a->len ? 2 : 1;

	if (a->len == 0 || (b && b->len == 0))
		pick = 0;
	*occ = pick == 2 ? b : a;
	if (*occ != a)
		g_array_free(a, TRUE);
	if (b && *occ != b)
		g_array_free(b, TRUE);
	*lead = pick == 2 ? lb : la;
	return pick;
}

/* The pattern from where set `pick` (1 best, 2 second) starts, anchored;
 * NULL when the reader cannot say. */
static pcre2_code *tail_of(const char *pat, int pick)
{
	bool lead, bounded;
	sm_lit_second sec = {NULL, false, false, 0};
	size_t at = SM_LIT_NOWHERE;
	int ec;
	PCRE2_SIZE eo;

	g_strfreev(sm_lit_required_sets(pat, &lead, &bounded, &sec, &at));
	g_strfreev(sec.words);
	at = pick == 2 ? sec.at : at;
	return at == SM_LIT_NOWHERE ? NULL
				    : pcre2_compile((PCRE2_SPTR)(pat + at), PCRE2_ZERO_TERMINATED,
						    RE_FLAGS | PCRE2_ANCHORED, &ec, &eo, NULL);
}

/* Keep the occurrences where tail matches. */
static void filter(GArray *occ, pcre2_code *tail, const char *t)
{
	pcre2_match_data *md = pcre2_match_data_create(16, NULL);
	size_t k, n = 0;

	for (k = 0; tail && k < occ->len; k++)
		if (pcre2_match(tail, (PCRE2_SPTR)t, strlen(t), g_array_index(occ, size_t, k), 0, md,
				NULL) >= 0)
			g_array_index(occ, size_t, n++) = g_array_index(occ, size_t, k);
	if (tail)
		g_array_set_size(occ, n);
	pcre2_match_data_free(md);
}

/* The contract, read plainly. */
static char *plain_matches(const char *pat, const sm_relist *l, size_t i, const char *t)
{
	GString *s = g_string_new(NULL);
	GArray *occ;
	bool lead;
	int pick = chosen_set(l, i, t, &occ, &lead);
	pcre2_code *tail = pick && !lead ? tail_of(pat, pick) : NULL;
	size_t len = strlen(t), next = 0, k, f, last, n = 0;
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, RE_FLAGS, &ec, &eo,
				       NULL);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	bool whole = lead || occ->len > len / SM_PHRASE_SPAN;

	if (!whole)
		filter(occ, tail, t);
	while (pick && n < 64) {
		size_t from, end;
		PCRE2_SIZE *ov;

		if (whole) {
			from = next;
			end = last = len;
		} else {
			for (k = 0; k < occ->len && g_array_index(occ, size_t, k) < next; k++)
				;
			if (k == occ->len)
				break;
			f = last = g_array_index(occ, size_t, k);
			for (k++; k < occ->len && g_array_index(occ, size_t, k) - last <= SM_PHRASE_SPAN;
			     k++)
				last = g_array_index(occ, size_t, k);
			from = MAX(next, f > SM_PHRASE_SPAN ? f - SM_PHRASE_SPAN : 0);
			end = MIN(len, last + SM_PHRASE_SPAN);
		}
		if (from > end || !search(re, t, end, from, last, md)) {
			if (whole)
				break;
			next = last + 1; /* no match from this run: the next one */
			continue;
		}
		ov = pcre2_get_ovector_pointer(md);
		g_string_append_printf(s, "%zu-%zu ", (size_t)ov[0], (size_t)ov[1]);
		n++;
		next = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	pcre2_code_free(tail);
	g_array_free(occ, TRUE);
	return g_string_free(s, FALSE);
}

/* Every match of the whole text holds, for each set, an occurrence where
 * the pattern from that set's item on matches: the tails drop no match. */
static void assert_tails_sound(const sm_relist *l, size_t i, const char *pat, const char *t)
{
	int ec, pick;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, RE_FLAGS, &ec, &eo,
				       NULL);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	size_t from = 0, len = strlen(t);

	while (from <= len && pcre2_match(re, (PCRE2_SPTR)t, len, from, 0, md, NULL) >= 0) {
		size_t ms = pcre2_get_ovector_pointer(md)[0], me = pcre2_get_ovector_pointer(md)[1];

		for (pick = 1; pick <= 2; pick++) {
			char **w = pick == 1 ? l->req[i] : l->req2[i].words;
			GArray *occ = w ? occurrences(w, pick == 1 ? l->bounded[i] : l->req2[i].bounded, t)
				       : NULL;
			pcre2_code *tail = w ? tail_of(pat, pick) : NULL;
			size_t k, n = 0;

			for (k = 0; occ && k < occ->len; k++) {
				size_t q = g_array_index(occ, size_t, k);
				pcre2_match_data *m2 = pcre2_match_data_create(16, NULL);

				n += q >= ms && q < me &&
				     (!tail || pcre2_match(tail, (PCRE2_SPTR)t, len, q, 0, m2, NULL) >= 0);
				pcre2_match_data_free(m2);
			}
			if (w)
				g_assert_cmpuint(n, >, 0);
			if (occ)
				g_array_free(occ, TRUE);
			pcre2_code_free(tail);
		}
		from = me > ms ? me : ms + 1;
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
}

/* p compiled: each pattern's best set is omegaz, which does not lead. */
static sm_relist compiled(const char *const *p)
{
	sm_relist l;
	char err[256] = "";
	size_t i;

	g_assert_cmpint(sm_relist_compile(&l, p, NULL, "phrases", false, err, sizeof(err)), ==, 0);
	for (i = 0; p[i]; i++) {
		g_assert_nonnull(l.req_ids[i]);
		g_assert_cmpstr(l.req[i][0], ==, "omegaz");
		g_assert_false(l.lead[i]);
		g_assert_true((l.anch[i] != NULL) == l.req2[i].leading);
	}
	return l;
}

static void test_runs_plain(void)
{
	static const char *const pieces[] = {
		"xlpha ", "omegaz ", "OMEGAZ", " ", "b", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
		"end", ". ", "\n", "not ", "done", "x ", "Alpha",
	};
	sm_relist l = compiled(pats);
	GRand *rnd = g_rand_new_with_seed(18);
	GString *t = g_string_new(NULL);
	size_t i, found = 0;
	int round;

	for (round = 0; round < 3000; round++) {
		size_t want = (size_t)g_rand_int_range(rnd, 1, 4000);

		g_string_truncate(t, 0);
		while (t->len < want) {
			int p = g_rand_int_range(rnd, 0, G_N_ELEMENTS(pieces));

			/* the words are rare: runs and gaps of every size */
			if (p == 1 || p == 2 || p == 0)
				p = g_rand_int_range(rnd, 0, 8) ? 5 : p;
			g_string_append(t, pieces[p]);
		}
		char **shared = gate_matches_shared(&l, t->str);

		for (i = 0; pats[i]; i++) {
			char *a = gate_matches(&l, i, t->str), *b = plain_matches(pats[i], &l, i, t->str);

			g_assert_cmpstr(shared[i], ==, a);

			if (strcmp(a, b) != 0)
				g_test_message("pattern %zu round %d: gate '%s' plain '%s'", i, round, a, b);
			g_assert_cmpstr(a, ==, b);
			assert_tails_sound(&l, i, pats[i], t->str);
			found += *a != '\0';
			g_free(a);
			g_free(b);
		}
		g_strfreev(shared);
	}
	g_assert_true(l.req2[3].leading);
	g_assert_cmpuint(found, >, 500); /* the texts do match */
	g_string_free(t, TRUE);
	g_rand_free(rnd);
	sm_relist_clear(&l);
}

/* A text of n filler bytes. */
static void fill(GString *t, size_t n)
{
	while (n--)
		g_string_append_c(t, 'b');
}

/* The first match of pats[i] by a search of the whole text, and by the
 * earlier gating: one window per occurrence p, [p - SPAN, p + SPAN), the
 * subject ending there.  "s-e" or "". */
static char *first_whole(const char *pat, const char *t)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, RE_FLAGS, &ec,
				       &eo, NULL);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	char *r = pcre2_match(re, (PCRE2_SPTR)t, strlen(t), 0, 0, md, NULL) < 0
			  ? g_strdup("")
			  : g_strdup_printf("%zu-%zu ", (size_t)pcre2_get_ovector_pointer(md)[0],
					    (size_t)pcre2_get_ovector_pointer(md)[1]);

	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return r;
}

static char *first_per_occurrence(const sm_relist *l, size_t i, const char *t)
{
	GArray *occ = occurrences(l->req[i], l->bounded[i], t);
	pcre2_match_data *md = pcre2_match_data_create(l->ovmax, NULL);
	size_t k, len = strlen(t);
	char *r = NULL;

	for (k = 0; k < occ->len && !r; k++) {
		size_t p = g_array_index(occ, size_t, k);

		if (pcre2_match(l->re[i], (PCRE2_SPTR)t, MIN(len, p + SM_PHRASE_SPAN),
				p > SM_PHRASE_SPAN ? p - SM_PHRASE_SPAN : 0, 0, md, NULL) >= 0)
			r = g_strdup_printf("%zu-%zu ", (size_t)pcre2_get_ovector_pointer(md)[0],
					    (size_t)pcre2_get_ovector_pointer(md)[1]);
	}
	pcre2_match_data_free(md);
	g_array_free(occ, TRUE);
	return r ? r : g_strdup("");
}

/* The gate's first match equals the whole text's and not the earlier
 * gating's. */
static void assert_right(const sm_relist *l, size_t i, const char *t)
{
	char *got = gate_matches(l, i, t), *whole = first_whole(pats_one[i], t);
	char *old = first_per_occurrence(l, i, t);

	g_test_message("pattern %zu: run '%s' whole '%s' per occurrence '%s'", i, got, whole, old);
	g_assert_cmpstr(got, ==, whole);
	g_assert_cmpstr(old, !=, whole);
	g_free(got);
	g_free(whole);
	g_free(old);
}

/* Where one search per run answers differently from one search per
 * occurrence: the whole text's search agrees with the run. */
static void test_runs_right(void)
{
	sm_relist l = compiled(pats_one);
	GString *t = g_string_new("xlpha omegaz ");

	/* a match longer than any one window: its start is within SPAN of the
	 * first omegaz, its end within SPAN of the third only; the windows
	 * found only the shorter match from the second omegaz on */
	fill(t, 200);
	g_string_append(t, " omegaz ");
	fill(t, 200);
	g_string_append(t, " omegaz ");
	fill(t, 150);
	g_string_append(t, " 9. ");
	assert_right(&l, 0, t->str);
	/* a lookahead past a window's end: the window around the first
	 * omegaz ended before "not" and took the sentence for one without it;
	 * the run reaches past it (a second omegaz) and finds no match */
	g_string_assign(t, "omegaz 9 ");
	fill(t, 100);
	g_string_append(t, " omegaz ");
	fill(t, 200);
	g_string_append(t, " not. ");
	fill(t, 300);
	assert_right(&l, 1, t->str);
	g_string_free(t, TRUE);
	sm_relist_clear(&l);
}

/* A tail is made only where the rest of the pattern stands alone. */
static void test_tails(void)
{
	static const char *const p[] = {
		"(?:x\\s+)?omegaz\\s+done",          /* a tail */
		"(a)x\\s+omegaz(?:\\1)",             /* a back reference */
		"(?<n>a)x\\s+omegaz(?(n)b|c)",       /* a condition on an earlier group */
		"(a)x\\s+omegaz(?1)",                /* a call of an earlier group */
		"(?:x\\s+)?omegaz\\s+(?:\\G|y)",      /* \\G */
		"(?i)(?:x\\s+)?omegaz",               /* an option setting before it */
		NULL,
	};
	sm_relist l;
	char err[256] = "";
	size_t i;

	g_assert_cmpint(sm_relist_compile(&l, p, NULL, "phrases", false, err, sizeof(err)), ==, 0);
	for (i = 0; p[i]; i++) {
		g_assert_nonnull(l.req[i]);
		g_assert_true((l.tail[i] != NULL) == (i == 0));
	}
	sm_relist_clear(&l);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/rules_re/runs_plain", test_runs_plain);
	g_test_add_func("/rules_re/runs_right", test_runs_right);
	g_test_add_func("/rules_re/tails", test_tails);
	return g_test_run();
}
