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

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/binstr/runs", test_runs);
	g_test_add_func("/binstr/bound", test_bound);
	return g_test_run();
}
