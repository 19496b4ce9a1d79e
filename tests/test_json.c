/* test_json.c - the JSON writer escapes untrusted text and places commas. */
#include "sm_json.h"
#include "testutil.h"

static void test_shapes(void)
{
	sm_json j;
	char *s;

	sm_json_init(&j);
	sm_json_obj_begin(&j);
	sm_json_kstr(&j, "a", "x");
	sm_json_kint(&j, "n", -3);
	sm_json_key(&j, "l");
	sm_json_arr_begin(&j);
	sm_json_str(&j, NULL);
	sm_json_bool(&j, true);
	sm_json_obj_begin(&j);
	sm_json_obj_end(&j);
	sm_json_arr_end(&j);
	sm_json_obj_end(&j);
	s = sm_json_finish(&j);
	g_assert_cmpstr(s, ==, "{\"a\":\"x\",\"n\":-3,\"l\":[null,true,{}]}");
	g_free(s);
}

static void test_escape(void)
{
	sm_json j;
	char *s;

	sm_json_init(&j);
	sm_json_strn(&j, "q\"b\\\n\t\x01\xff\xe6\x97\xa5", 11);
	s = sm_json_finish(&j);
	g_assert_cmpstr(s, ==, "\"q\\\"b\\\\\\n\\t\\u0001\\ufffd\xe6\x97\xa5\"");
	g_free(s);
}

/* The escaping as it was before runs of plain ASCII were copied whole: one
 * character at a time (the oracle). */
static void ref_esc(GString *s, const char *v, size_t len)
{
	const char *p = v, *end = v + len;

	g_string_append_c(s, '"');
	while (p < end) {
		gunichar c = g_utf8_get_char_validated(p, end - p);
		int n;

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append(s, "\\ufffd");
			p++;
			continue;
		}
		n = g_utf8_skip[*(const guchar *)p];
		if (c == '"' || c == '\\') {
			g_string_append_c(s, '\\');
			g_string_append_c(s, (char)c);
		} else if (c == '\n') {
			g_string_append(s, "\\n");
		} else if (c == '\r') {
			g_string_append(s, "\\r");
		} else if (c == '\t') {
			g_string_append(s, "\\t");
		} else if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
			g_string_append_printf(s, "\\u%04x", c);
		} else {
			g_string_append_len(s, p, n);
		}
		p += n;
	}
	g_string_append_c(s, '"');
}

/* Random strings of ASCII, quotes, backslashes, controls, NUL, DEL, valid
 * and cut UTF-8, U+2028 and stray bytes: the same text as the oracle's. */
static void test_escape_oracle(void)
{
	static const char *const pieces[] = {
		"a", "Z", " ", "~", "0", "\"", "\\", "\n", "\r", "\t", "\x01", "\x1f", "\x7f",
		"\xe6\x97\xa5", "\xe6\x97", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xc3\xa9", "\xff", "\x80",
		"\xf0\x9f\x98\x80", "\xf0\x9f", "abc def", "\0"};
	GRand *r = g_rand_new_with_seed(18);

	for (int i = 0; i < 20000; i++) {
		GString *in = g_string_new(NULL), *want = g_string_new(NULL);
		int n = g_rand_int_range(r, 0, 24);
		sm_json j;
		char *got;

		for (int k = 0; k < n; k++) {
			const char *pc = pieces[g_rand_int_range(r, 0, G_N_ELEMENTS(pieces))];

			g_string_append_len(in, pc, *pc ? (gssize)strlen(pc) : 1);
		}
		ref_esc(want, in->str, in->len);
		sm_json_init(&j);
		sm_json_strn(&j, in->str, in->len);
		got = sm_json_finish(&j);
		g_assert_cmpstr(got, ==, want->str);
		g_free(got);
		g_string_free(in, TRUE);
		g_string_free(want, TRUE);
	}
	g_rand_free(r);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/json/shapes", test_shapes);
	g_test_add_func("/json/escape", test_escape);
	g_test_add_func("/json/escape_oracle", test_escape_oracle);
	return g_test_run();
}
