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

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/json/shapes", test_shapes);
	g_test_add_func("/json/escape", test_escape);
	return g_test_run();
}
