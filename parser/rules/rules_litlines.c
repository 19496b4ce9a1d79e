/*
 * rules_litlines.c - a word set's scan of several texts that share lines
 * (the plain and HTML views of one message and their new texts hold mostly
 * the same lines): each distinct line is scanned once (rules_priv.h,
 * sm_litset_scan_lines); a union cache scans it once for several word sets
 * (the SR forms' on the views, the phrase pool's and auto_bodies' on the
 * new texts: rules_litset.c's sm_litunion), each taking its own words'
 * occurrences.
 *
 * Why it is the same answer: no word holds a line break (words are ASCII
 * letters and digits or Japanese characters), the byte before a line is a
 * line break or nothing (neither is a word byte for \b), and the scan steps
 * over a Japanese character only when its continuation bytes follow, so it
 * is at a character boundary after every line break.  A text's occurrences
 * are therefore its lines' occurrences, each line scanned as a text of its
 * own, at the line's offset.  A text holding U+017F or U+212A is scanned
 * whole (its positions are unknown anyway).
 *
 * Untrusted input: the texts.  Limits: one entry per distinct line of the
 * texts scanned (an open-addressing table at most half full) and that
 * line's occurrences (at most one per byte and word starting there, bounded
 * by the texts' lengths); the caller's max_hits as in sm_litset_scan.
 * Owns: its table and occurrences; the lines' bytes stay the caller's and
 * must outlive the cache.
 */
#include "rules_priv.h"

#include <glib.h>
#include <string.h>

#define LINES_MIN 64 /* first table size (a power of two) */
#define LINES_MAX 4096 /* ... grown no larger than this before any line is in */
#define LINE_GUESS 128 /* bytes per line assumed for the first size */
#define OUT_MIN 256    /* occurrences a call's buffer first has room for */

typedef struct entry {
	const char *p; /* NULL: free slot */
	size_t n;
	size_t start, count; /* the line's occurrences in all, offsets in the line */
	bool sk;             /* the line holds U+017F or U+212A */
} entry;

struct sm_lit_lines {
	const sm_litset *s; /* bound on first use (a union cache: the union's set) */
	const sm_litunion *un; /* or NULL */
	entry *tab;
	size_t cap, used;
	GArray *all;      /* of sm_lit_hit */
	uint8_t *scratch; /* a scan's present[], not read */
	size_t nscratch;
	sm_lit_hit *out;  /* one call's occurrences, appended to its hits at the end */
	size_t outcap;
};

/* Length and up to 8 bytes at each end: enough to tell lines apart mostly;
 * the comparison decides. */
static size_t line_hash(const char *p, size_t n)
{
	uint64_t a = 0, b = 0, h;

	if (n >= 16) { /* the common case: two fixed 8-byte loads */
		memcpy(&a, p, 8);
		memcpy(&b, p + n - 8, 8);
	} else {
		memcpy(&a, p, MIN(n, 8));
		if (n > 8)
			memcpy(&b, p + n - MIN(n - 8, 8), MIN(n - 8, 8));
	}
	h = (a * 0x9e3779b97f4a7c15u) ^ (b * 0xc2b2ae3d27d4eb4fu) ^ n;
	return (size_t)(h ^ (h >> 29));
}

sm_lit_lines *sm_lit_lines_new(void)
{
	sm_lit_lines *c = g_new0(sm_lit_lines, 1);

	c->all = g_array_sized_new(FALSE, FALSE, sizeof(sm_lit_hit), OUT_MIN);
	return c;
}

sm_lit_lines *sm_lit_lines_new_union(const sm_litunion *un)
{
	sm_lit_lines *c = sm_lit_lines_new();

	c->un = un;
	c->s = sm_litunion_set(un);
	return c;
}

void sm_lit_lines_free(sm_lit_lines *c)
{
	if (!c)
		return;
	g_array_free(c->all, TRUE);
	g_free(c->tab);
	g_free(c->scratch);
	g_free(c->out);
	g_free(c);
}

/* The slot of line [p, p + n): its entry, or the free slot for it. */
static entry *slot(entry *tab, size_t cap, const char *p, size_t n)
{
	size_t i = line_hash(p, n) & (cap - 1);

	while (tab[i].p && !(tab[i].n == n && memcmp(tab[i].p, p, n) == 0))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* Keep the table at most half full (first: room for a line per
 * LINE_GUESS bytes of the first text, at least LINES_MIN). */
static void grow(sm_lit_lines *c, size_t len)
{
	size_t cap = c->cap ? c->cap * 2 : LINES_MIN, i;
	entry *tab;

	while (!c->cap && cap < LINES_MAX && cap < 2 * (len / LINE_GUESS))
		cap *= 2;
	tab = g_new0(entry, cap);
	for (i = 0; i < c->cap; i++)
		if (c->tab[i].p)
			*slot(tab, cap, c->tab[i].p, c->tab[i].n) = c->tab[i];
	g_free(c->tab);
	c->tab = tab;
	c->cap = cap;
}

/* The entry of line [p, p + n), scanned on first sight. */
static const entry *line_entry(sm_lit_lines *c, const char *p, size_t n, size_t rest)
{
	entry *e;

	if (2 * (c->used + 1) > c->cap)
		grow(c, rest);
	sm_lit_text lt;

	e = slot(c->tab, c->cap, p, n);
	if (e->p)
		return e;
	sm_lit_scan(&lt, p, n); /* neither character holds a line break */
	e->sk = lt.sk;
	e->p = p;
	e->n = n;
	e->start = c->all->len;
	sm_litset_scan_hits(c->s, p, n, c->scratch, c->all);
	e->count = c->all->len - e->start;
	c->used++;
	return e;
}

/* Room for n more occurrences in c->out after the first `used`. */
static sm_lit_hit *out_room(sm_lit_lines *c, size_t used, size_t n)
{
	if (n > c->outcap - used) {
		c->outcap = MAX(MAX(2 * c->outcap, used + n), OUT_MIN);
		c->out = g_renew(sm_lit_hit, c->out, c->outcap);
	}
	return c->out + used;
}

/* A line's occurrences at offset `at` after the first `used` of c->out
 * (present set for all, kept while `room` allows: the first ones); how
 * many were kept. */
static size_t take(sm_lit_lines *c, const entry *e, size_t at, size_t used, size_t room,
		   uint8_t *present, bool *overflow)
{
	const sm_lit_hit *src = &g_array_index(c->all, sm_lit_hit, e->start);
	size_t k, keep = MIN(room, e->count);
	sm_lit_hit *dst = out_room(c, used, keep);

	for (k = 0; k < e->count; k++)
		present[src[k].word] = 1;
	if (keep < e->count)
		*overflow = true;
	for (k = 0; k < keep; k++) {
		dst[k].pos = src[k].pos + at;
		dst[k].word = src[k].word;
	}
	return keep;
}

/* take() for member m of a union cache: the member's own occurrences. */
static size_t take_member(sm_lit_lines *c, int m, const entry *e, size_t at, size_t used,
			  size_t room, uint8_t *present, bool *overflow)
{
	sm_lit_hit *dst = out_room(c, used, e->count);
	size_t k, got, keep;

	got = sm_litunion_pick(c->un, m, &g_array_index(c->all, sm_lit_hit, e->start), e->count,
			       e->p, dst);
	keep = MIN(room, got);
	for (k = 0; k < got; k++)
		present[dst[k].word] = 1;
	if (keep < got)
		*overflow = true;
	for (k = 0; k < keep; k++)
		dst[k].pos += at;
	return keep;
}

void sm_litset_scan_lines(const sm_litset *s, sm_lit_lines *c, const char *t, size_t len,
			  uint8_t *present, GArray *hits, size_t max_hits, bool *overflow)
{
	size_t a = 0, used = 0, have = hits ? hits->len : 0;
	int m = c && c->un ? sm_litunion_member(c->un, s) : -1;
	const sm_litset *by = m >= 0 ? c->s : s; /* the set the lines are scanned with */

	if (!c || !hits || (c->s && c->s != by))
		goto whole;
	c->s = by;
	if (c->nscratch < sm_litset_size(by) + 1) {
		g_free(c->scratch);
		c->nscratch = sm_litset_size(by) + 1;
		c->scratch = g_malloc(c->nscratch);
	}
	memset(present, 0, sm_litset_size(s));
	*overflow = false;
	while (a < len) {
		const char *nl = memchr(t + a, '\n', len - a);
		size_t b = nl ? (size_t)(nl - t) : len;
		const entry *e = line_entry(c, t + a, b - a, len - a);
		size_t room = max_hits > have + used ? max_hits - have - used : 0;

		if (e->sk) /* the text holds U+017F or U+212A: positions unknown */
			goto whole;
		used += m >= 0 ? take_member(c, m, e, a, used, room, present, overflow)
			       : take(c, e, a, used, room, present, overflow);
		a = b + 1;
	}
	if (used)
		g_array_append_vals(hits, c->out, (guint)used);
	return;
whole:
	sm_litset_scan(s, t, len, present, hits, max_hits, overflow);
}
