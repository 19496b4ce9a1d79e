/*
 * test_cp932.c - the generated CP932 table (parser/text/cp932_table.c,
 * tests/gen/cp932.py) against glibc's iconv, the plain reading it replaced:
 * every byte pair through sm_cp932 (Shift_JIS stepping), and every JIS X
 * 0208 pair through the ISO-2022-JP decoder (JIS to Shift_JIS arithmetic,
 * then the table), each equal to what iconv makes of it, U+FFFD where
 * iconv makes nothing.
 */
#include "charset.h"
#include "charset_impl.h"
#include "testutil.h"

#include <iconv.h>

/* What iconv makes of the bytes (one character), 0 for nothing. */
static gunichar by_iconv(iconv_t cd, const uint8_t *b, size_t n)
{
	char *ip = (char *)b;
	guint32 out[4];
	char *op = (char *)out;
	size_t il = n, ol = sizeof(out);

	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il != 0 || ol != sizeof(out) - 4)
		return 0;
	return out[0];
}

/* Every pair: the table where a lead byte takes a trail, else nothing. */
static void test_pairs(void)
{
	iconv_t cd = iconv_open("UTF-32LE", "CP932");
	int differ = 0, chars = 0;

	g_assert_true(cd != (iconv_t)-1);
	for (unsigned lead = 0; lead < 256; lead++)
		for (unsigned trail = 0; trail < 256; trail++) {
			uint8_t b[2] = {(uint8_t)lead, (uint8_t)trail};
			bool two = ((lead >= 0x81 && lead <= 0x9f) || (lead >= 0xe0 && lead <= 0xfc)) &&
				   trail >= 0x40 && trail <= 0xfc && trail != 0x7f;
			gunichar want = two ? by_iconv(cd, b, 2) : 0;

			chars += want != 0;
			if (sm_cp932(lead, trail) != want && differ++ < 5)
				g_test_message("%02X%02X: table %04X, iconv %04X", lead, trail,
					       sm_cp932(lead, trail), want);
		}
	iconv_close(cd);
	g_assert_cmpint(differ, ==, 0);
	g_assert_cmpint(chars, >, 7000); /* iconv knew CP932 */
}

/* Every JIS X 0208 pair in ISO-2022-JP: the character iconv gives its
 * Shift_JIS form. */
static void test_jis208(void)
{
	iconv_t cd = iconv_open("UTF-32LE", "CP932");
	int differ = 0;
	sm_charset cs;

	sm_charset_resolve("iso-2022-jp", (const uint8_t *)"\x1b$B!!\x1b(B", 8, &cs);
	g_assert_cmpint(cs.kind, ==, SM_CS_ISO2022JP);
	for (unsigned c1 = 0x21; c1 <= 0x7e; c1++)
		for (unsigned c2 = 0x21; c2 <= 0x7e; c2++) {
			uint8_t src[8] = {0x1b, '$', 'B', (uint8_t)c1, (uint8_t)c2, 0x1b, '(', 'B'};
			unsigned s1 = ((c1 + 1) >> 1) + (c1 <= 0x5e ? 0x70 : 0xb0);
			unsigned s2 = c2 + ((c1 & 1) ? (c2 < 0x60 ? 0x1f : 0x20) : 0x7e);
			uint8_t sj[2] = {(uint8_t)s1, (uint8_t)s2};
			gunichar want = by_iconv(cd, sj, 2), got;
			sm_tbuf t;
			bool trunc;

			sm_tbuf_init(&t, 8);
			sm_charset_decode(&cs, src, sizeof(src), (size_t)-1, false, &t, &trunc);
			got = t.len ? g_utf8_get_char(t.text) : 0;
			if (got != (want ? want : 0xfffd) && differ++ < 5)
				g_test_message("JIS %02X%02X: decoded %04X, iconv %04X", c1, c2, got, want);
			sm_tbuf_free(&t);
		}
	iconv_close(cd);
	g_assert_cmpint(differ, ==, 0);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/cp932/pairs", test_pairs);
	g_test_add_func("/cp932/jis208", test_jis208);
	return g_test_run();
}
