/*
 * test_rules_litset.c - the rules' word sets (rules_litset.c): one scan of a
 * text finds every word of a set, with where, exactly as a plain reading of
 * the contract does: a word occurs at offset i when the text holds it there
 * (ASCII letters in either case), i + 1 < len, and, for a word used after
 * \\b, the byte before i is not a word byte; Japanese words are found where
 * their first character (U+3000-U+9FFF) starts a whole three-byte character;
 * occurrences come in text order, highest word index first at one offset;
 * U+017F / U+212A make every word holding s or k present and the positions
 * incomplete.  Random texts over the words' pieces, other case, Japanese,
 * invalid UTF-8 and those two characters are compared with that reading.
 * Texts are invented; no secrets.
 */
#include "rules_priv.h"
#include "testutil.h"

#include <string.h>

static bool word_byte(unsigned char c)
{
	return g_ascii_isalnum(c) || c == '_';
}

/* Can a scan find w at all (rules_litset.c's keys, spelled out)? */
static bool findable(const char *w)
{
	const unsigned char *u = (const unsigned char *)w;
	unsigned cp;

	if (u[0] < 0x80)
		return u[1] < 0x80;
	if ((u[0] & 0xf0) != 0xe0 || (u[1] & 0xc0) != 0x80 || (u[2] & 0xc0) != 0x80)
		return false;
	cp = ((unsigned)(u[0] & 0x0f) << 12) | ((unsigned)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
	return cp >= 0x3000 && cp < 0xa000;
}

/* w at t, the text's ASCII capitals read in lower case (a word is lower case:
 * a capital in it never matches). */
static bool same_at(const char *t, const char *w, size_t n)
{
	size_t j;

	for (j = 0; j < n; j++)
		if (g_ascii_tolower(t[j]) != w[j])
			return false;
	return true;
}

/* The contract read plainly: every (offset, word), one comparison each. */
static void reference(char **words, const bool *free_, size_t nw, const char *t, size_t len,
		      uint8_t *present, GArray *hits, size_t max_hits, bool *overflow)
{
	bool sk = memmem(t, len, "\xc5\xbf", 2) || memmem(t, len, "\xe2\x84\xaa", 3);
	size_t i, k;

	memset(present, 0, nw);
	*overflow = sk;
	for (k = 0; sk && k < nw; k++)
		if (strpbrk(words[k], "sk"))
			present[k] = 1;
	for (i = 0; i + 1 < len; i++) {
		bool mid = i > 0 && word_byte((unsigned char)t[i - 1]);

		for (k = nw; k-- > 0;) {
			size_t n = strlen(words[k]);
			bool ascii = (unsigned char)words[k][0] < 0x80;

			if (!findable(words[k]) || n > len - i ||
			    !same_at(t + i, words[k], n) ||
			    (ascii && mid && !free_[k]))
				continue;
			present[k] = 1;
			if (hits && hits->len < max_hits) {
				sm_lit_hit h = {i, (int)k};

				g_array_append_val(hits, h);
			} else
				*overflow = true;
		}
	}
}

/* Pieces the random texts are made of. */
static const char *const pieces[] = {
	"close", "CLOSE", "Clo", "se", "fix", "FIX", "hotfix", "_", " ", "\n", "-", "2", "24",
	"24h", "please", "PLEASE", "plea", "ase", "error", "err", "or", "s", "k", "a", "b",
	"解決", "解", "決", "しました", "し", "ま", "した", "問題", "問", "題", "再発", "再",
	"エラー", "エラ", "ー", "ｴﾗｰ", "。", "、", "\xe3", "\xe3\x81", "\x81", "\xbf", "\xc5",
	"\xc5\xbf", "\xe2\x84\xaa", "Up", "update", "UPDATE", "UPD", "AB", "xy\xc3\xa9", "Xy\xc3\xa9z", "xY", "abc", "2FA", "wi", "Wit", "sE", "\xe2\x84", "\xf0\x9f\x98\x80", "é", "\xe8\xa7", NULL};

/* Words: bounded (\\b before them) or not, sharing first bytes and characters. */
static const struct {
	const char *w;
	bool bounded;
} set_words[] = {
	{"close", true}, {"closed", true}, {"cl", false}, {"fix", true}, {"fix", false},
	{"24", false}, {"24h", true}, {"please", true}, {"plea", false}, {"error", true},
	{"er", false}, {"解決", false}, {"解決し", false}, {"解", false}, {"問題", false},
	{"問", false}, {"再発", false}, {"エラー", false}, {"しました", false}, {"sk", true},
	{"ab", false}, {"a\xc3\xa9", false}, {"é", false}, {"ｴﾗ", false},
	{"_x", false}, {"or", true}, {"Up", false}, {"upDATE", true}, {"update", true}, {"xy\xc3\xa9", true},
	{"xy\xc3\xa9z", false}, {"ab", true}, {"abc", true}, {"2f", false}, {"2fa", true},
};

static void check_same(const sm_litset *s, char **words, const bool *free_, size_t nw,
		       const char *t, size_t len, size_t max_hits)
{
	uint8_t *p1 = g_malloc(nw + 1), *p2 = g_malloc(nw + 1);
	GArray *h1 = g_array_new(FALSE, FALSE, sizeof(sm_lit_hit));
	GArray *h2 = g_array_new(FALSE, FALSE, sizeof(sm_lit_hit));
	bool o1 = false, o2 = false;
	size_t k;

	sm_litset_scan(s, t, len, p1, h1, max_hits, &o1);
	reference(words, free_, nw, t, len, p2, h2, max_hits, &o2);
	g_assert_cmpmem(p1, nw, p2, nw);
	g_assert_cmpuint(h1->len, ==, h2->len);
	for (k = 0; k < h1->len && k < h2->len; k++) {
		g_assert_cmpuint(g_array_index(h1, sm_lit_hit, k).pos, ==,
				 g_array_index(h2, sm_lit_hit, k).pos);
		g_assert_cmpint(g_array_index(h1, sm_lit_hit, k).word, ==,
				g_array_index(h2, sm_lit_hit, k).word);
	}
	g_assert_cmpint(o1, ==, o2);
	/* without a hits array: present alike, overflow as soon as one is found */
	sm_litset_scan(s, t, len, p1, NULL, 0, &o1);
	reference(words, free_, nw, t, len, p2, NULL, 0, &o2);
	g_assert_cmpmem(p1, nw, p2, nw);
	g_assert_cmpint(o1, ==, o2);
	g_free(p1);
	g_free(p2);
	g_array_free(h1, TRUE);
	g_array_free(h2, TRUE);
}

/* Words of few first pairs (sets of up to 16 ASCII first pairs, either case,
 * are passed over 16 bytes at a time where the machine allows): cl fi 24 pl
 * er sk up and Japanese; with the next ten words (a\xc3 has no pair) 16,
 * with all 17. */
static const struct {
	const char *w;
	bool bounded;
} few_words[] = {
	{"close", true}, {"closed", true}, {"cl", false}, {"fix", true}, {"24", false},
	{"24h", true}, {"please", true}, {"plea", false}, {"error", true}, {"er", false},
	{"解決", false}, {"問題", false}, {"エラー", false}, {"sk", true}, {"update", true},
	{"or", true}, {"ab", false}, {"a\xc3\xa9", false}, {"_x", false}, {"2fa", true},
	{"xy\xc3\xa9", true}, {"se", true}, {"ha", false}, {"pr", true}, {"ca", false}, {"wi", true},
};

/* Random texts from pc's pieces (up to max_pieces, pc NULL: pieces): the
 * scan of the set of the first nw_in words of ws and the plain reading
 * agree on every output. */
static void reference_rounds_of(const char *const *pc, const char *const *ws, const bool *bounded,
				size_t nw_in, int max_pieces, int rounds, guint32 seed)
{
	size_t nw = 0, i, npieces = 0;
	sm_litset *s = sm_litset_new();
	char **words = g_new0(char *, nw_in);
	bool *free_ = g_new0(bool, nw_in);
	GRand *r = g_rand_new_with_seed(seed);
	int round;

	if (!pc)
		pc = pieces;
	while (pc[npieces])
		npieces++;
	for (i = 0; i < nw_in; i++) {
		int k = sm_litset_add(s, ws[i], bounded[i]);

		if ((size_t)k == nw) {
			words[nw] = (char *)ws[i];
			free_[nw++] = false;
		}
		if (!bounded[i])
			free_[k] = true;
	}
	g_assert_cmpuint(sm_litset_size(s), ==, nw);
	for (round = 0; round < rounds; round++) {
		GString *t = g_string_new(NULL);
		size_t n = (size_t)g_rand_int_range(r, 0, max_pieces);

		for (i = 0; i < n; i++)
			g_string_append(t, pc[g_rand_int_range(r, 0, (gint32)npieces)]);
		/* all occurrences kept, at the limit, one below it */
		check_same(s, words, free_, nw, t->str, t->len, 4096);
		check_same(s, words, free_, nw, t->str, t->len, (size_t)round % 8);
		/* a length that cuts the text (a word may be cut at the end) */
		if (t->len)
			check_same(s, words, free_, nw, t->str, (size_t)g_rand_int_range(r, 0, (gint32)t->len),
				   4096);
		g_string_free(t, TRUE);
	}
	g_rand_free(r);
	g_free(words);
	g_free(free_);
	sm_litset_free(s);
}

static void reference_rounds(const char *const *ws, const bool *bounded, size_t nw_in,
			     int max_pieces, int rounds, guint32 seed)
{
	reference_rounds_of(NULL, ws, bounded, nw_in, max_pieces, rounds, seed);
}

/* Random texts: the scan and the plain reading agree on every output. */
static void test_reference(void)
{
	const char *ws[G_N_ELEMENTS(set_words)];
	bool b[G_N_ELEMENTS(set_words)];
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(set_words); i++) {
		ws[i] = set_words[i].w;
		b[i] = set_words[i].bounded;
	}
	reference_rounds(ws, b, G_N_ELEMENTS(set_words), 24, 4000, 18);
}

/* The same with sets of few first pairs and longer texts: 7 pairs, 16 (the
 * most the 16-byte filter takes) and 17 (byte by byte). */
static void test_reference_few(void)
{
	const char *ws[G_N_ELEMENTS(few_words)];
	bool b[G_N_ELEMENTS(few_words)];
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(few_words); i++) {
		ws[i] = few_words[i].w;
		b[i] = few_words[i].bounded;
	}
	reference_rounds(ws, b, 15, 64, 3000, 19);
	reference_rounds(ws, b, 25, 64, 3000, 20);
	reference_rounds(ws, b, 26, 64, 1000, 21);
}

/* A set with more first pairs than the 16-byte filter takes (the pass by
 * the 128 x 256 table of first pairs): few_words (the table is made at
 * their 17th pair) and words added after it is made, ASCII in either case,
 * free and bounded, Japanese. */
static void test_reference_wide(void)
{
	static const struct {
		const char *w;
		bool bounded;
	} more[] = {
		{"ot", false}, {"ix", false}, {"ea", false}, {"rr", true}, {"問", false},
		{"しま", false}, {"ho", true}, {"ta", false}, {"ro", false}, {"dat", true},
		{"エラ", false}, {"ase", false},
	};
	const char *ws[G_N_ELEMENTS(few_words) + G_N_ELEMENTS(more)];
	bool b[G_N_ELEMENTS(few_words) + G_N_ELEMENTS(more)];
	size_t i, n = 0;

	for (i = 0; i < G_N_ELEMENTS(few_words); i++, n++) {
		ws[n] = few_words[i].w;
		b[n] = few_words[i].bounded;
	}
	for (i = 0; i < G_N_ELEMENTS(more); i++, n++) {
		ws[n] = more[i].w;
		b[n] = more[i].bounded;
	}
	reference_rounds(ws, b, n, 64, 3000, 22);
}

/* Japanese words are told apart by the four bytes after their first
 * character (their head), then the rest: words sharing a first character
 * and differing in the second's last byte (決 e6 b1 ba, 汰 e6 b1 b0), in the
 * third character, or ending after one or two; texts cut anywhere (fewer
 * than the head's bytes left), in a set of few first pairs and in a wide
 * one. */
static void test_reference_heads(void)
{
	static const char *const pc[] = {
		"解決", "解汰", "解", "決", "汰", "解決し", "解決さ", "解決しました", "解決しまし",
		"しました", "しま", "します", "し", "ま", "し\xe3", "\xe3\x81", "\xb1", "ok", " ",
		"解決しましたか", "解汰し", NULL};
	static const char *const jw[] = {"解決", "解汰", "解", "解決し", "解決しました",
					 "しました", "します", "し", "解決さ"};
	const char *ws[G_N_ELEMENTS(jw) + G_N_ELEMENTS(few_words)];
	bool b[G_N_ELEMENTS(jw) + G_N_ELEMENTS(few_words)];
	size_t i, n = 0;

	for (i = 0; i < G_N_ELEMENTS(jw); i++, n++) {
		ws[n] = jw[i];
		b[n] = false;
	}
	reference_rounds_of(pc, ws, b, n, 24, 3000, 23);
	for (i = 0; i < G_N_ELEMENTS(few_words); i++, n++) { /* past 16 pairs: the wide pass */
		ws[n] = few_words[i].w;
		b[n] = few_words[i].bounded;
	}
	reference_rounds_of(pc, ws, b, n, 24, 3000, 24);
}

/* A Japanese character is stepped over whole; a broken one is not. */
static void test_characters(void)
{
	sm_litset *s = sm_litset_new();
	uint8_t present[2];
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(sm_lit_hit));
	bool over;
	const char *t;

	g_assert_cmpint(sm_litset_add(s, "解決", false), ==, 0);
	g_assert_cmpint(sm_litset_add(s, "ok", false), ==, 1);
	t = "\xe3" "解決"; /* a lone lead byte before the word */
	sm_litset_scan(s, t, strlen(t), present, hits, 8, &over);
	g_assert_true(present[0]);
	g_assert_cmpuint(hits->len, ==, 1);
	g_assert_cmpuint(g_array_index(hits, sm_lit_hit, 0).pos, ==, 1);
	g_array_set_size(hits, 0);
	t = "\xe3\x81" "解決ok"; /* two bytes of a character, then the word */
	sm_litset_scan(s, t, strlen(t), present, hits, 8, &over);
	g_assert_cmpuint(hits->len, ==, 2);
	g_assert_cmpuint(g_array_index(hits, sm_lit_hit, 0).pos, ==, 2);
	g_assert_cmpuint(g_array_index(hits, sm_lit_hit, 1).pos, ==, 8);
	g_array_set_size(hits, 0);
	t = "解"; /* the text ends inside the word */
	sm_litset_scan(s, t, strlen(t), present, hits, 8, &over);
	g_assert_false(present[0]);
	t = "解決"; /* the word is the whole text */
	sm_litset_scan(s, t, strlen(t), present, hits, 8, &over);
	g_assert_true(present[0]);
	g_assert_false(over);
	g_array_free(hits, TRUE);
	sm_litset_free(s);
}

/* Occurrences kept: all at the limit, overflow one past it. */
static void test_limit(void)
{
	sm_litset *s = sm_litset_new();
	uint8_t present[1];
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(sm_lit_hit));
	bool over;
	const char *t = "ok OK Ok oK";

	sm_litset_add(s, "ok", true);
	sm_litset_scan(s, t, strlen(t), present, hits, 4, &over);
	g_assert_cmpuint(hits->len, ==, 4);
	g_assert_false(over);
	g_array_set_size(hits, 0);
	sm_litset_scan(s, t, strlen(t), present, hits, 3, &over);
	g_assert_cmpuint(hits->len, ==, 3);
	g_assert_true(over);
	g_assert_true(present[0]);
	g_array_free(hits, TRUE);
	sm_litset_free(s);
}

/* Many occurrences (more than the scan gathers before appending): all, in
 * order, up to the limit; what the array held before counts against it. */
static void test_many(void)
{
	sm_litset *s = sm_litset_new();
	uint8_t present[1];
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(sm_lit_hit));
	GString *t = g_string_new(NULL);
	sm_lit_hit old = {7, 0};
	bool over;
	size_t i;

	sm_litset_add(s, "ok", true);
	for (i = 0; i < 200; i++)
		g_string_append(t, "ok ");
	sm_litset_scan(s, t->str, t->len, present, hits, 200, &over);
	g_assert_cmpuint(hits->len, ==, 200);
	g_assert_false(over);
	for (i = 0; i < hits->len; i++)
		g_assert_cmpuint(g_array_index(hits, sm_lit_hit, i).pos, ==, 3 * i);
	g_array_set_size(hits, 0);
	sm_litset_scan(s, t->str, t->len, present, hits, 199, &over);
	g_assert_cmpuint(hits->len, ==, 199);
	g_assert_true(over);
	g_array_set_size(hits, 0);
	g_array_append_val(hits, old);
	sm_litset_scan(s, t->str, t->len, present, hits, 130, &over);
	g_assert_cmpuint(hits->len, ==, 130);
	g_assert_true(over);
	g_assert_cmpuint(g_array_index(hits, sm_lit_hit, 0).pos, ==, 7);
	g_assert_cmpuint(g_array_index(hits, sm_lit_hit, 129).pos, ==, 3 * 128);
	g_string_free(t, TRUE);
	g_array_free(hits, TRUE);
	sm_litset_free(s);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/rules_litset/reference", test_reference);
	g_test_add_func("/rules_litset/reference_few", test_reference_few);
	g_test_add_func("/rules_litset/reference_wide", test_reference_wide);
	g_test_add_func("/rules_litset/reference_heads", test_reference_heads);
	g_test_add_func("/rules_litset/characters", test_characters);
	g_test_add_func("/rules_litset/limit", test_limit);
	g_test_add_func("/rules_litset/many", test_many);
	return g_test_run();
}
