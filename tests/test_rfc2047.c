/* test_rfc2047.c - RFC 2047 decoding: adjacent ISO-2022-JP words (GMime 3.2
 * drops the second), a UTF-8 character split across words, Q encoding,
 * CP50220 characters, raw 8-bit text, broken words left as text; plain
 * ASCII fields (the fast path) against the plain reading. */
#include "rfc2047.h"
#include "testutil.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void check(const char *raw, const char *want)
{
	char *d = sm_header_decode(raw, strlen(raw));

	g_assert_cmpstr(d, ==, want);
	g_free(d);
}

static void test_words(void)
{
	check("=?iso-2022-jp?b?GyRCI1IjRSEnRGo0fCU5JS0lYyVzGyhCIC0gVHJhY2tpbmdJRCM=?=\n"
	      " =?iso-2022-jp?b?GyRCIzIjNCMxIzIjMCM0IzAjMCM0IzAjOSM0IzcjOSMzIzkbKEI=?=",
	      "ＲＥ：定期スキャン - TrackingID#２４１２０４００４０９４７９３９");
	/* 日 (E6 97 A5) split across two UTF-8 words */
	check("=?UTF-8?B?5pc=?= =?UTF-8?B?pQ==?=", "日");
	check("=?utf-8?q?caf=C3=A9_ok?= tail", "café ok tail");
	check("RE: =?ISO-2022-JP?B?GyRCLSEbKEI=?= x", "RE: ① x");
	check("plain \xe6\x97\xa5 text", "plain 日 text");
	check("broken =?utf-8?x?abc?= and =?utf-8?b?", "broken =?utf-8?x?abc?= and =?utf-8?b?");
	check("=?Shift_JIS?B?g3CDWIOPgVuDaA==?=", "パスワード");
	check("a =?us-ascii*en?q?b?= c", "a b c");
}

/* The header block is not NUL-terminated (the message's own bytes, up to
 * the end of a mapping): the decoder reads only [raw, raw + len).  The words
 * end right before a page that cannot be read. */
static void test_unterminated(void)
{
	static const char w[] = "=?utf-8?B?YQ==?=";
	long pg = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0), *raw, *d;

	g_assert_true(map != MAP_FAILED);
	g_assert_cmpint(mprotect(map + pg, (size_t)pg, PROT_NONE), ==, 0);
	raw = map + pg - (sizeof(w) - 1);
	memcpy(raw, w, sizeof(w) - 1);
	d = sm_header_decode(raw, sizeof(w) - 1);
	g_assert_cmpstr(d, ==, "a");
	g_free(d);
	munmap(map, (size_t)pg * 2);
}

/* Plain ASCII text without an encoded word (the fast path): the text with
 * CR and LF dropped, as the general reading gives it; with "=?" or 8-bit
 * bytes in it, the general reading (an encoded word decoded, UTF-8 kept). */
static void test_plain(void)
{
	static const char alpha[] = "ab =?\r\n\t?=Q_";
	GRand *r = g_rand_new_with_seed(2047);
	char buf[80], want[80];

	for (int it = 0; it < 20000; it++) {
		size_t n = (size_t)g_rand_int_range(r, 0, sizeof(buf) - 1), w = 0;
		gboolean word = FALSE;
		char *got;

		for (size_t i = 0; i < n; i++) {
			buf[i] = alpha[g_rand_int_range(r, 0, sizeof(alpha) - 1)];
			word |= i > 0 && buf[i - 1] == '=' && buf[i] == '?';
			if (buf[i] != '\r' && buf[i] != '\n')
				want[w++] = buf[i];
		}
		buf[n] = want[w] = '\0';
		if (word)
			continue;
		got = sm_header_decode(buf, n);
		g_assert_cmpstr(got, ==, want);
		g_free(got);
	}
	g_rand_free(r);
	check("a=?utf-8?q?=E3=81=82?=\r\n b", "a\xe3\x81\x82 b");
	check("caf\xc3\xa9\r\n x", "caf\xc3\xa9 x");
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/hdecode/words", test_words);
	g_test_add_func("/hdecode/unterminated", test_unterminated);
	g_test_add_func("/hdecode/plain", test_plain);
	return g_test_run();
}
