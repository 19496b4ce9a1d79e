/*
 * test_rules_litlines.c - several texts scanned through one line cache
 * (rules_litlines.c) give exactly sm_litset_scan's answer on each: present
 * words, occurrences in order, overflow, at the limit of kept occurrences
 * and one past it.  The texts are made of lines drawn from a small pool (so
 * that lines repeat across and within texts), cut at any byte, with
 * Japanese, broken UTF-8 at line ends, U+017F, and lines of one length that
 * agree at both ends and differ only in the middle.  Texts are invented.
 */
#include "rules_priv.h"
#include "testutil.h"

#include <string.h>

static const char *const pieces[] = {
	"close", "CLOSE", "Clo", "se", "fix", "hotfix", "_", " ", "-", "24", "24h", "please",
	"error", "err", "解決", "解", "しました", "問題", "再発", "エラー", "。", "\xe3", "\xe3\x81",
	"\x81", "\xc5", "ab", "abc", "é", NULL,
};

static const struct {
	const char *w;
	bool bounded;
} set_words[] = {
	{"close", true}, {"cl", false},  {"fix", true},   {"24", false},  {"24h", true},
	{"please", true}, {"error", true}, {"er", false},  {"解決", false}, {"解", false},
	{"問題", false},  {"再発", false}, {"エラー", false}, {"しました", false}, {"ab", false},
	{"abc", true},   {"sk", true},
};

/* Lines of one length, the same 8 bytes at either end. */
static const char *const twins[] = {
	"abcdefgh close stuvwxyz", "abcdefgh fixed stuvwxyz", "abcdefgh 24h!! stuvwxyz",
};

static sm_litset *word_set(void)
{
	sm_litset *s = sm_litset_new();
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(set_words); i++)
		sm_litset_add(s, set_words[i].w, set_words[i].bounded);
	return s;
}

/* One line of random pieces. g_free. */
static char *random_line(GRand *r)
{
	GString *l = g_string_new(NULL);
	int n = g_rand_int_range(r, 0, 12), i;

	for (i = 0; i < n; i++)
		g_string_append(l, pieces[g_rand_int_range(r, 0, G_N_ELEMENTS(pieces) - 1)]);
	return g_string_free(l, FALSE);
}

/* The same answer into arrays that hold `before` occurrences already
 * (they count against max_hits). */
static void same_answer_after(const sm_litset *s, sm_lit_lines *c, const char *t, size_t len,
			      size_t max_hits, size_t before)
{
	size_t nw = sm_litset_size(s), k;
	uint8_t *p1 = g_malloc(nw + 1), *p2 = g_malloc(nw + 1);
	GArray *h1 = g_array_new(FALSE, FALSE, sizeof(sm_lit_hit));
	GArray *h2 = g_array_new(FALSE, FALSE, sizeof(sm_lit_hit));
	bool o1 = false, o2 = false;
	sm_lit_hit old = {3, 0};

	for (k = 0; k < before; k++) {
		g_array_append_val(h1, old);
		g_array_append_val(h2, old);
	}
	sm_litset_scan_lines(s, c, t, len, p1, h1, max_hits, &o1);
	sm_litset_scan(s, t, len, p2, h2, max_hits, &o2);
	g_assert_cmpmem(p1, nw, p2, nw);
	g_assert_cmpint(o1, ==, o2);
	g_assert_cmpuint(h1->len, ==, h2->len);
	for (k = 0; k < h1->len && k < h2->len; k++) {
		g_assert_cmpuint(g_array_index(h1, sm_lit_hit, k).pos, ==,
				 g_array_index(h2, sm_lit_hit, k).pos);
		g_assert_cmpint(g_array_index(h1, sm_lit_hit, k).word, ==,
				g_array_index(h2, sm_lit_hit, k).word);
	}
	g_free(p1);
	g_free(p2);
	g_array_free(h1, TRUE);
	g_array_free(h2, TRUE);
}

static void same_answer(const sm_litset *s, sm_lit_lines *c, const char *t, size_t len,
			size_t max_hits)
{
	same_answer_after(s, c, t, len, max_hits, 0);
	same_answer_after(s, c, t, len, max_hits, 2);
}

/* How many occurrences the plain scan finds in t. */
static size_t all_hits(const sm_litset *s, const char *t, size_t len)
{
	uint8_t *p = g_malloc(sm_litset_size(s) + 1);
	GArray *h = g_array_new(FALSE, FALSE, sizeof(sm_lit_hit));
	bool o = false;
	size_t n;

	sm_litset_scan(s, t, len, p, h, (size_t)-1, &o);
	n = h->len;
	g_free(p);
	g_array_free(h, TRUE);
	return n;
}

static void test_same_as_scan(void)
{
	sm_litset *s = word_set();
	GRand *r = g_rand_new_with_seed(18);
	int round;

	for (round = 0; round < 1500; round++) {
		sm_lit_lines *c = sm_lit_lines_new();
		char *pool[12];
		GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
		int i, j, nt = g_rand_int_range(r, 1, 5);

		for (i = 0; i < 12; i++)
			pool[i] = i < 3 ? g_strdup(twins[i]) : random_line(r);
		for (i = 0; i < nt; i++) { /* the texts stay alive as long as the cache */
			GString *t = g_string_new(NULL);
			int nl = g_rand_int_range(r, 0, 10);
			size_t len, n;

			for (j = 0; j < nl; j++)
				g_string_append_printf(t, "%s%s", j ? "\n" : "",
						       pool[g_rand_int_range(r, 0, 12)]);
			if (g_rand_boolean(r))
				g_string_append_c(t, '\n');
			len = t->len && g_rand_int_range(r, 0, 4) == 0
				      ? (size_t)g_rand_int_range(r, 0, (gint32)t->len)
				      : t->len;
			g_ptr_array_add(texts, g_string_free(t, FALSE));
			n = all_hits(s, g_ptr_array_index(texts, i), len);
			same_answer(s, c, g_ptr_array_index(texts, i), len, 4096);
			same_answer(s, c, g_ptr_array_index(texts, i), len, n); /* at the limit */
			if (n)
				same_answer(s, c, g_ptr_array_index(texts, i), len, n - 1);
			same_answer(s, c, g_ptr_array_index(texts, i), len, (size_t)round % 5);
		}
		for (i = 0; i < 12; i++)
			g_free(pool[i]);
		sm_lit_lines_free(c);
		g_ptr_array_free(texts, TRUE);
	}
	g_rand_free(r);
	sm_litset_free(s);
}

/* Long texts (more lines than the table's first size, which the first
 * text's length sets; more than LINES_MAX): the second shares every other
 * line with the first.  Kept occurrences at the limit and one short. */
static void test_long(void)
{
	sm_litset *s = word_set();
	sm_lit_lines *c = sm_lit_lines_new();
	GString *a = g_string_new(NULL), *b = g_string_new(NULL);
	int i;

	for (i = 0; i < 6000; i++) {
		g_string_append_printf(a, "%d close error %d\n", i, i % 7);
		g_string_append_printf(b, i % 2 ? "%d close error %d\n" : "%d fix %d\n", i, i % 7);
	}
	same_answer(s, c, a->str, a->len, 4096);
	same_answer(s, c, b->str, b->len, 4096);
	same_answer(s, c, b->str, b->len, 9000);
	same_answer(s, c, a->str, a->len, all_hits(s, a->str, a->len));
	same_answer(s, c, a->str, a->len, all_hits(s, a->str, a->len) - 1);
	sm_lit_lines_free(c);
	c = sm_lit_lines_new(); /* a short first text, then a long one */
	same_answer(s, c, "fix\n", 4, 4096);
	same_answer(s, c, b->str, b->len, (size_t)-1);
	sm_lit_lines_free(c);
	g_string_free(a, TRUE);
	g_string_free(b, TRUE);
	sm_litset_free(s);
}

/* Member sets of a union cache (random words of set_words and a few of
 * their own, the same word bounded in one and not in another, added in
 * different orders) answer through it as sm_litset_scan does on texts of
 * shared lines, whichever member reads a text first; a set that is no
 * member is scanned whole. */
static void test_union(void)
{
	static const char *const extra[] = {"sr", "case", "問い", "id", "clo", "abcd"};
	GRand *r = g_rand_new_with_seed(20);
	int round;

	for (round = 0; round < 600; round++) {
		sm_litset *m[3], *other = word_set();
		sm_litunion *un;
		sm_lit_lines *c;
		char *pool[8];
		GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
		int i, j, k;

		for (k = 0; k < 3; k++) {
			m[k] = sm_litset_new();
			for (i = 0; i < 12; i++) {
				bool any = g_rand_int_range(r, 0, 4) == 0;
				const char *w = any ? extra[g_rand_int_range(r, 0, G_N_ELEMENTS(extra))]
						    : set_words[g_rand_int_range(r, 0, G_N_ELEMENTS(set_words))].w;

				sm_litset_add(m[k], w, g_rand_boolean(r));
			}
		}
		un = sm_litunion_new((const sm_litset *const[]){m[0], m[1], m[2]}, 3);
		g_assert_cmpint(sm_litunion_member(un, m[1]), ==, 1);
		g_assert_cmpint(sm_litunion_member(un, other), ==, -1);
		c = sm_lit_lines_new_union(un);
		for (i = 0; i < 8; i++)
			pool[i] = i < 3 ? g_strdup(twins[i]) : random_line(r);
		for (i = 0; i < 6; i++) {
			GString *t = g_string_new(NULL);
			int nl = g_rand_int_range(r, 0, 8);
			const char *tx;
			size_t len;

			for (j = 0; j < nl; j++)
				g_string_append_printf(t, "%s%s", j ? "\n" : "",
						       pool[g_rand_int_range(r, 0, 8)]);
			len = t->len;
			g_ptr_array_add(texts, g_string_free(t, FALSE));
			tx = g_ptr_array_index(texts, i);
			k = g_rand_int_range(r, 0, 3);
			same_answer(m[k], c, tx, len, 4096);
			same_answer(m[(k + 1) % 3], c, tx, len, (size_t)round % 4);
			same_answer(m[(k + 2) % 3], c, tx, len, 4096);
			same_answer(other, c, tx, len, 4096);
		}
		for (i = 0; i < 8; i++)
			g_free(pool[i]);
		sm_lit_lines_free(c);
		g_ptr_array_free(texts, TRUE);
		sm_litunion_free(un);
		for (k = 0; k < 3; k++)
			sm_litset_free(m[k]);
		sm_litset_free(other);
	}
	g_rand_free(r);
}

/* A text holding U+017F, another word set than the one the cache met
 * first, no cache: all answer as the plain scan. */
static void test_fallbacks(void)
{
	sm_litset *s = word_set(), *other = sm_litset_new();
	sm_lit_lines *c = sm_lit_lines_new();
	const char *t = "close the ca\xc5\xbf" "e\nerror 24h\n解決しました\n";

	sm_litset_add(other, "error", true);
	same_answer(s, c, t, strlen(t), 4096);
	same_answer(s, c, t + 15, strlen(t + 15), 4096);
	same_answer(other, c, t + 15, strlen(t + 15), 4096);
	same_answer(s, NULL, t, strlen(t), 4096);
	same_answer(s, c, t + 15, strlen(t + 15), 4096);
	sm_lit_lines_free(c);
	sm_litset_free(s);
	sm_litset_free(other);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/rules_litlines/same_as_scan", test_same_as_scan);
	g_test_add_func("/rules_litlines/fallbacks", test_fallbacks);
	g_test_add_func("/rules_litlines/long", test_long);
	g_test_add_func("/rules_litlines/union", test_union);
	return g_test_run();
}
