/* test_sniff.c - text or binary by content (sniff.c): BOMs, UTF-16 shape,
 * binary magic, NULs, the share of control characters with and without a
 * text extension; and the word-at-a-time and sixteen-byte counts give the
 * byte-by-byte answer on 20,000 random buffers of every length around the
 * word and block sizes, a third of them with NULs at odd or even places
 * near the UTF-16 threshold. */
#include "sniff.h"
#include "testutil.h"

/* The byte-by-byte content test sniff.c had before the word loop. */
static bool ref_text(const uint8_t *d, size_t n, const char *name)
{
	size_t i, m = n < SM_SNIFF_BYTES ? n : SM_SNIFF_BYTES, nul = 0, odd = 0, bad = 0;

	if ((n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0) ||
	    (n >= 2 && (memcmp(d, "\xff\xfe", 2) == 0 || memcmp(d, "\xfe\xff", 2) == 0)))
		return true;
	if (!n || sm_sniff_binary_magic(d, n))
		return false;
	for (i = 0; i < m; i++) {
		nul += d[i] == 0;
		odd += d[i] == 0 && (i & 1);
		bad += d[i] < 0x20 && d[i] != '\n' && d[i] != '\r' && d[i] != '\t' && d[i] != 0x1b &&
		       d[i] != '\f';
	}
	if (nul && (odd * 10 >= m * 4 || (nul - odd) * 10 >= m * 4))
		return true;
	if (nul)
		return false;
	return sm_sniff_text_name(name) || bad * 20 < m;
}

static void test_cases(void)
{
	g_assert_true(sm_sniff_text((const uint8_t *)"plain text\r\n\tand more\n", 22, NULL));
	g_assert_true(sm_sniff_text((const uint8_t *)"\xff\xfe" "a\0b\0", 6, NULL));
	g_assert_true(sm_sniff_text((const uint8_t *)"a\0b\0c\0d\0e\0", 10, NULL)); /* UTF-16LE shape */
	g_assert_false(sm_sniff_text((const uint8_t *)"text with a NUL\0 in it", 22, NULL));
	g_assert_false(sm_sniff_text((const uint8_t *)"%PDF-1.7\n", 9, NULL));
	g_assert_false(sm_sniff_text((const uint8_t *)"", 0, NULL));
	/* one control character in 20 bytes is binary, in 21 text */
	g_assert_false(sm_sniff_text((const uint8_t *)"abcdefghij\x01klmnopqrs", 20, NULL));
	g_assert_true(sm_sniff_text((const uint8_t *)"abcdefghij\x01klmnopqrst", 21, NULL));
	g_assert_true(sm_sniff_text((const uint8_t *)"abcdefghij\x01klmnopqrs", 20, "run.log"));
}

static void test_words(void)
{
	static const uint8_t alpha[] = {'a', ' ', '\n', '\r', '\t', 0x1b, '\f', 0x01, 0x1f, 0x00,
					0x20, 0x7f, 0x80, 0xe3, 0xff};
	GRand *r = g_rand_new_with_seed(18);
	uint8_t buf[80];
	unsigned k, bad = 0;

	for (k = 0; k < 20000; k++) {
		size_t n = (size_t)g_rand_int_range(r, 0, sizeof(buf)), i;
		int ctl = g_rand_int_range(r, 0, 40); /* how often a control byte comes */
		const char *name = g_rand_boolean(r) ? "notes.txt" : NULL;

		int nuls = k % 3 ? 0 : g_rand_int_range(r, 25, 55); /* UTF-16 shape: NULs in % */
		size_t par = (size_t)g_rand_int_range(r, 0, 2);   /* at odd or even places */

		for (i = 0; i < n; i++)
			buf[i] = g_rand_int_range(r, 0, 40) < ctl
					 ? alpha[g_rand_int_range(r, 0, sizeof(alpha))]
					 : (uint8_t)g_rand_int_range(r, 0x20, 0x7f);
		for (i = par; i < n; i += 2) /* about as many as make the 40 % threshold */
			if (g_rand_int_range(r, 0, 50) < nuls)
				buf[i] = 0;
		if (sm_sniff_text(buf, n, name) != ref_text(buf, n, name)) {
			g_test_message("differs on buffer %u (%zu bytes)", k, n);
			bad++;
		}
	}
	g_assert_cmpuint(bad, ==, 0);
	g_rand_free(r);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/sniff/cases", test_cases);
	g_test_add_func("/sniff/words", test_words);
	return g_test_run();
}
