/*
 * test_utf8.c - sm_utf8_valid gives GLib's g_utf8_validate_len answer:
 * every 1-, 2- and 3-byte string, every 4-byte string with a lead byte from
 * 0xf0 (sampled trail bytes), sequences cut at the end, NUL, and long
 * mixed texts with one bad byte at each position (the 8-byte ASCII path).
 * sm_utf8_char gives g_utf8_get_char_validated's character and
 * g_utf8_skip's length (0 when invalid) for every 1-, 2- and 3-byte string
 * and sampled 4-byte ones, whole and cut short.
 */
#include "testutil.h"
#include "utf8.h"

static bool same(const uint8_t *s, size_t n)
{
	bool a = sm_utf8_valid(s, n), b = g_utf8_validate_len((const char *)s, n, NULL);

	if (a != b)
		g_test_message("differs on %zu bytes %02x %02x %02x %02x: ours %d, GLib %d", n,
			       s[0], n > 1 ? s[1] : 0, n > 2 ? s[2] : 0, n > 3 ? s[3] : 0, a, b);
	return a == b;
}

static void test_exhaustive(void)
{
	uint8_t s[4];
	unsigned a, b, c, d, bad = 0;
	static const uint8_t trail[] = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90,
					0x9f, 0xa0, 0xbf, 0xc0, 0xf5, 0xff};

	for (a = 0; a < 256; a++) {
		s[0] = (uint8_t)a;
		bad += !same(s, 1);
		for (b = 0; b < 256; b++) {
			s[1] = (uint8_t)b;
			bad += !same(s, 2);
			if (a < 0xc0)
				continue; /* a 3-byte string from an ASCII or trail lead: covered */
			for (c = 0; c < 256; c++) {
				s[2] = (uint8_t)c;
				bad += !same(s, 3);
				if (a < 0xf0)
					continue;
				for (d = 0; d < G_N_ELEMENTS(trail); d++) {
					s[3] = trail[d];
					bad += !same(s, 4);
				}
			}
		}
	}
	g_assert_cmpuint(bad, ==, 0);
}

static void test_long(void)
{
	GString *t = g_string_new(NULL);
	unsigned bad = 0;
	size_t i;
	static const uint8_t wrong[] = {0x00, 0x80, 0xc0, 0xed, 0xf5, 0xff};

	for (i = 0; i < 8; i++)
		g_string_append(t, "ascii text, 日本語のテキスト, \xf0\x9f\x98\x80 and more. ");
	bad += !same((const uint8_t *)t->str, t->len);
	g_assert_true(sm_utf8_valid((const uint8_t *)t->str, t->len));
	for (i = 0; i < t->len; i++) {
		size_t w;

		for (w = 0; w < G_N_ELEMENTS(wrong); w++) {
			char *c = g_memdup2(t->str, t->len);

			c[i] = (char)wrong[w];
			bad += !same((const uint8_t *)c, t->len);
			bad += !same((const uint8_t *)c, i + 1); /* cut right after it */
			g_free(c);
		}
	}
	/* plain ASCII (the sixteen-byte steps), a wrong byte at every place */
	g_string_truncate(t, 0);
	for (i = 0; i < 70; i++)
		g_string_append_c(t, (char)(0x20 + (i * 7) % 95));
	for (i = 0; i < t->len; i++) {
		size_t w;

		for (w = 0; w < G_N_ELEMENTS(wrong); w++) {
			char *c = g_memdup2(t->str, t->len);

			c[i] = (char)wrong[w];
			bad += !same((const uint8_t *)c, t->len);
			bad += !same((const uint8_t *)c + i % 16, t->len - i % 16);
			g_free(c);
		}
	}
	g_assert_cmpuint(bad, ==, 0);
	g_assert_false(sm_utf8_valid((const uint8_t *)"abcdefgh\0ijk", 12));
	g_assert_true(sm_utf8_valid((const uint8_t *)"", 0));
	g_string_free(t, TRUE);
}

/* sm_utf8_char against GLib on s[0, n). */
static bool same_char(const uint8_t *s, size_t n)
{
	size_t k;
	gunichar a = sm_utf8_char(s, n, &k), b;
	size_t kb;

	b = s[0] < 0x80 ? s[0] : g_utf8_get_char_validated((const char *)s, (gssize)n);
	kb = s[0] < 0x80 ? 1 : (b == (gunichar)-1 || b == (gunichar)-2) ? 0 : g_utf8_skip[s[0]];
	if ((kb && a != b) || k != kb)
		g_test_message("char differs on %zu bytes %02x %02x %02x: ours %x/%zu, GLib %x/%zu",
			       n, s[0], n > 1 ? s[1] : 0, n > 2 ? s[2] : 0, a, k, b, kb);
	return (!kb || a == b) && k == kb;
}

static void test_char(void)
{
	uint8_t s[4];
	unsigned a, b, c, d, bad = 0;
	static const uint8_t trail[] = {0x00, 0x41, 0x80, 0x8f, 0x90, 0xbf, 0xc0, 0xff};

	for (a = 0; a < 256; a++) {
		s[0] = (uint8_t)a;
		bad += !same_char(s, 1);
		for (b = 0; b < 256; b++) {
			s[1] = (uint8_t)b;
			bad += !same_char(s, 2);
			for (c = 0; c < 256; c++) {
				s[2] = (uint8_t)c;
				bad += !same_char(s, 3);
				if (a < 0xf0 || (b & 0x0f) != 0)
					continue;
				for (d = 0; d < G_N_ELEMENTS(trail); d++) {
					s[3] = trail[d];
					bad += !same_char(s, 4);
				}
			}
		}
	}
	g_assert_cmpuint(bad, ==, 0);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/utf8/exhaustive", test_exhaustive);
	g_test_add_func("/utf8/long", test_long);
	g_test_add_func("/utf8/char", test_char);
	return g_test_run();
}
