/* test_hdecode.c - RFC 2047 decoding: adjacent ISO-2022-JP words (GMime 3.2
 * drops the second), a UTF-8 character split across words, Q encoding,
 * CP50220 characters, raw 8-bit text, broken words left as text. */
#include "hdecode.h"
#include "testutil.h"

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

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/hdecode/words", test_words);
	return g_test_run();
}
