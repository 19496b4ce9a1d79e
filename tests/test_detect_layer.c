/*
 * test_detect_layer.c - decoding layers (detect_layer.c): base64 blocks in
 * PEM-style wrappers, bare and as a token ending a line, UTF-8 and UTF-16LE
 * inside; base64 of ordinary data left alone; percent escapes decoded
 * repeatedly and mapped back exactly.  Test values are fabricated.
 */
#include "detect.h"
#include "testutil.h"

static sm_detectors *D;

static int det_index(const char *id)
{
	for (size_t i = 0; i < sm_detectors_count(D); i++)
		if (strcmp(sm_detectors_info(D, (unsigned)i)->id, id) == 0)
			return (int)i;
	return -1;
}

/* Hits of detector id in text; the first one's span in *s, *e. */
static unsigned hits_of(const char *text, const char *id, size_t *s, size_t *e)
{
	sm_view *v = sm_view_new_utf8(text, strlen(text));
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(sm_hit));
	unsigned n = 0;

	sm_detectors_scan(D, v, NULL, hits, 1000);
	for (guint i = 0; i < hits->len; i++) {
		const sm_hit *h = &g_array_index(hits, sm_hit, i);

		if (h->det == (unsigned)det_index(id) && !n++) {
			*s = h->start;
			*e = h->end;
		}
	}
	g_array_free(hits, TRUE);
	sm_view_free(v);
	return n;
}

/* base64 of data, wrapped at w columns (0: one line). */
static char *b64(const void *data, size_t n, int w)
{
	char *one = g_base64_encode(data, n);
	GString *g = g_string_new(NULL);

	for (size_t i = 0, l = strlen(one); i < l; i += w ? (size_t)w : l) {
		g_string_append_len(g, one + i, w && l - i > (size_t)w ? w : (gssize)(l - i));
		if (w)
			g_string_append_c(g, '\n');
	}
	g_free(one);
	return g_string_free(g, FALSE);
}

static const char ONB[] =
	"@echo off\r\nREG add \"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Advanced Threat "
	"Protection\" /v OnboardingInfo /t REG_SZ /f /d \"{\\\"body\\\":\\\"{\\\\\\\"previousOrgIds"
	"\\\\\\\":[],\\\\\\\"orgId\\\\\\\":\\\\\\\"0b3f9a8e-1111-2222-3333-444455556666\\\\\\\","
	"\\\\\\\"geoLocationUrl\\\\\\\":\\\\\\\"https://winatp-gw-jpe.microsoft.com/\\\\\\\"}\\\"}\"\r\n";

static void test_base64(void)
{
	char *pem = b64(ONB, sizeof(ONB) - 1, 64);
	char *text = g_strdup_printf("certutil の出力です。\n-----BEGIN CERTIFICATE-----\n%s"
				     "-----END CERTIFICATE-----\n以上です。\n", pem);
	gsize ul = 0;
	gunichar2 *u16 = g_utf8_to_utf16(ONB, -1, NULL, (glong *)&ul, NULL);
	char *wide = b64(u16, ul * 2, 76);
	char *bare = g_strdup_printf("Base64:\n\n%s\n", wide);
	char *one = b64(ONB, sizeof(ONB) - 1, 0);
	char *token = g_strdup_printf("powershell -EncodedCommand %s\n", one);
	size_t s, e;

	g_assert_cmpuint(hits_of(text, "mde_onboarding", &s, &e), ==, 1);
	g_assert_true(strncmp(text + s, pem, 20) == 0); /* the block is masked, not the text */
	g_assert_cmpuint(hits_of(bare, "mde_onboarding", &s, &e), ==, 1);
	g_assert_cmpuint(hits_of(token, "mde_onboarding", &s, &e), ==, 1);
	g_assert_true(strncmp(token + s, one, 20) == 0);
	g_free(pem), g_free(text), g_free(u16), g_free(wide), g_free(bare), g_free(one), g_free(token);
}

static void test_base64_ordinary(void)
{
	GString *log = g_string_new(NULL);
	char *b, *t;
	size_t s, e;

	for (int i = 0; i < 30; i++)
		g_string_append_printf(log, "2024-12-05 10:%02d INFO Sense heartbeat ok, "
				       "OnboardingState : 1\n", i);
	b = b64(log->str, log->len, 76);
	t = g_strdup_printf("ログです。\n%s", b);
	g_assert_cmpuint(hits_of(t, "mde_onboarding", &s, &e), ==, 0);
	g_assert_cmpuint(hits_of(t, "password", &s, &e), ==, 0);
	g_assert_cmpuint(hits_of(t, "credit_card", &s, &e), ==, 0);
	g_free(b), g_free(t);
	/* too short to be a block: left to the other detectors */
	g_assert_cmpuint(hits_of("Data: UGFzc3dvcmQ9S2l0c3VuZSM4\n", "password", &s, &e), ==, 0);
	g_string_free(log, TRUE);
}

static void test_percent(void)
{
	/* password=Tanuki@2024 in a query, encoded once, then twice */
	const char *once = "GET /login?user=sato&password%3DTanuki%402024 HTTP/1.1\n";
	const char *twice = "redirect=%2Flogin%3Fpassword%253DTanuki%25402024 ok\n";
	size_t s, e;

	g_assert_cmpuint(hits_of(once, "password", &s, &e), ==, 1);
	g_assert_cmpmem(once + s, e - s, "Tanuki%402024", 13);
	g_assert_cmpuint(hits_of(twice, "password", &s, &e), ==, 1);
	g_assert_cmpmem(twice + s, e - s, "Tanuki%25402024", 15);
	g_assert_cmpuint(hits_of("path=C%3A%5CProgramData%5CMicrosoft\n", "password", &s, &e), ==, 0);
}

int main(int argc, char **argv)
{
	char err[256];
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	D = sm_detectors_load(NULL, err, sizeof(err));
	g_assert_nonnull(D);
	g_test_add_func("/detect_layer/base64", test_base64);
	g_test_add_func("/detect_layer/base64_ordinary", test_base64_ordinary);
	g_test_add_func("/detect_layer/percent", test_percent);
	rc = g_test_run();
	sm_detectors_free(D);
	return rc;
}
