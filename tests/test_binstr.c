/* test_binstr.c - printable strings of binary data (binstr.c): ASCII and
 * UTF-16LE runs at and below the minimum, the output bound. */
#include "binstr.h"
#include "testutil.h"

static void test_runs(void)
{
	static const uint8_t d[] = "\x01\x02" "abcdef" "\xff" "abcde" "\x00\x00"
				   "P\0a\0s\0s\0w\0d\0" "\x90" "Q\0r\0" "\x00";
	GString *o = g_string_new(NULL);

	g_assert_true(sm_strings(d, sizeof(d) - 1, 6, o, 1024));
	/* six ASCII characters are a string, five are not; UTF-16LE likewise */
	g_assert_cmpstr(o->str, ==, "abcdef\nPasswd\n");
	g_string_free(o, TRUE);
}

static void test_bound(void)
{
	static const uint8_t d[] = "abcdefgh\x01ijklmnop";
	GString *o = g_string_new(NULL);

	g_assert_true(sm_strings(d, sizeof(d) - 1, 6, o, 18)); /* 9 + 9: exactly fits */
	g_assert_cmpuint(o->len, ==, 18);
	g_string_truncate(o, 0);
	g_assert_false(sm_strings(d, sizeof(d) - 1, 6, o, 17)); /* one byte short */
	g_assert_cmpstr(o->str, ==, "abcdefgh\n");
	g_string_free(o, TRUE);
}

/* The plain reading of sm_utf16le_shape's contract: over the pairs of the
 * first 4096 bytes, NULs at odd offsets (4 or more), few at even ones (an
 * eighth of them at most), and few of them after a control character. */
static bool shape_plain(const uint8_t *d, size_t n)
{
	size_t odd = 0, even = 0, ctl = 0, m = n > 4096 ? 4096 : n;

	for (size_t i = 0; i + 1 < m; i += 2) {
		even += d[i] == 0;
		odd += d[i + 1] == 0;
		ctl += d[i + 1] == 0 && d[i] < 0x20 && d[i] != '\t' && d[i] != '\r' && d[i] != '\n';
	}
	return odd >= 4 && even * 8 <= odd && ctl * 50 <= m / 2;
}

/* The fast path (no NUL: not UTF-16LE) agrees with the plain reading on
 * random buffers: NUL-free text, a few NULs anywhere (also past 4096 and in
 * the odd last byte, which the pairs leave out), UTF-16LE text. */
static void test_utf16_shape(void)
{
	GRand *r = g_rand_new_with_seed(18);
	uint8_t *d = g_malloc(6000);
	unsigned trues = 0;

	for (unsigned round = 0; round < 20000; round++) {
		size_t n = (size_t)g_rand_int_range(r, 0, round % 4 ? 64 : 6000), i;
		int kind = g_rand_int_range(r, 0, 4);

		for (i = 0; i < n; i++)
			d[i] = (uint8_t)g_rand_int_range(r, 1, 256);
		if (kind == 1) /* a few NULs anywhere */
			for (int k = g_rand_int_range(r, 1, 8); k > 0 && n; k--)
				d[g_rand_int_range(r, 0, (gint32)n)] = 0;
		if (kind == 2) /* UTF-16LE after other text, some control characters */
			for (i = (size_t)g_rand_int_range(r, 0, (gint32)n / 2 + 1) & ~(size_t)1;
			     i + 1 < n; i += 2) {
				d[i] = (uint8_t)g_rand_int_range(r, 0, 40) == 0 ? 1 : 'a' + i % 26;
				d[i + 1] = 0;
			}
		if (kind == 3 && n) /* NULs only at the end: past 4096 or the odd byte */
			d[n - 1] = 0;
		g_assert_cmpint(sm_utf16le_shape(d, n), ==, shape_plain(d, n));
		trues += shape_plain(d, n);
	}
	g_assert_cmpuint(trues, >, 1000); /* the true side is exercised too */
	g_free(d);
	g_rand_free(r);
}

/* sm_bin_find against memmem: random buffers of the literal's pieces and
 * near misses, every length around the sixteen-byte steps, literals of one
 * to eight bytes. */
static void test_find(void)
{
	static const char *const pieces[] = {"begin ", "begin", "beg", "b", "e", "be", " ", "x",
					     "\n", "bb", "ee", "\0", "\xff", "gin "};
	static const char *const lits[] = {"begin ", "be", "b", "eb", "\0b", "xbex", "begin 6"};
	GRand *r = g_rand_new_with_seed(6);

	for (unsigned round = 0; round < 30000; round++) {
		GString *g = g_string_new(NULL);
		const char *lit = lits[round % G_N_ELEMENTS(lits)];
		size_t l = round % G_N_ELEMENTS(lits) == 4 ? 2 : strlen(lit);
		size_t want_len = (size_t)g_rand_int_range(r, 0, round % 10 ? 40 : 200);
		const void *want;
		const uint8_t *got;

		while (g->len < want_len) {
			const char *p = pieces[g_rand_int_range(r, 0, G_N_ELEMENTS(pieces))];

			if (round % 3 == 0 && g_rand_int_range(r, 0, 4))
				p = "x"; /* mostly filler: the literal near the end */
			g_string_append_len(g, p, *p ? (gssize)strlen(p) : 1);
		}
		want = memmem(g->str, g->len, lit, l);
		got = sm_bin_find((const uint8_t *)g->str, g->len, lit, l);
		if ((const void *)got != want)
			g_test_message("round %u: %zu bytes, literal %u", round, g->len,
				       round % (unsigned)G_N_ELEMENTS(lits));
		g_assert_true((const void *)got == want);
		g_string_free(g, TRUE);
	}
	g_rand_free(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/binstr/runs", test_runs);
	g_test_add_func("/binstr/bound", test_bound);
	g_test_add_func("/binstr/utf16_shape", test_utf16_shape);
	g_test_add_func("/binstr/find", test_find);
	return g_test_run();
}
