/* test_scan_binary.c - binary attachments (scan_binary.c) through
 * sm_scan_mem: strings of a binary reach every detector (a password, a
 * UTF-16LE card: the part is stripped; onboarding material rejects), a text
 * file with a few NULs is masked in place with its NULs kept, media stay
 * uninspected, a clean binary is delivered unchanged.  Test values are
 * fabricated. */
#include "scan.h"
#include "policyutil.h"
#include "testutil.h"

#include <unistd.h>

static const time_t NOW = 1733788800; /* 2024-12-10 */
static sm_policy *P;

static sm_policy *policy(void)
{
	return sm_test_policy(NULL);
}

static int collect(void *ud, const void *buf, size_t len)
{
	g_string_append_len(ud, buf, (gssize)len);
	return 0;
}

/* A message with one attachment of `len` bytes of data (base64). */
static sm_result *run(const char *ctype, const uint8_t *data, size_t len, GString *out,
		      char **json)
{
	char *b = g_base64_encode(data, len);
	char *m = g_strdup_printf("From: a@b.example\nTo: support@vendor.example\nSubject: x\n"
				  "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n"
				  "--B\nContent-Type: text/plain\n\nattached\n--B\nContent-Type: %s\n"
				  "Content-Disposition: attachment; filename=\"f.bin\"\n"
				  "Content-Transfer-Encoding: base64\n\n%s\n--B--\n", ctype, b);
	sm_result *r = sm_scan_mem(P, m, strlen(m), NULL, NOW);

	g_assert_cmpint(sm_result_write_message(r, collect, out), ==, 0);
	*json = sm_result_json(r);
	g_free(b);
	g_free(m);
	return r;
}

static GByteArray *binary_with(const char *s, bool wide)
{
	GByteArray *a = g_byte_array_new();

	g_byte_array_append(a, (const guint8 *)"MZ\x90\x00\x03\x00\x00\x00\x04\x00", 10);
	for (size_t i = 0; s[i]; i++) {
		g_byte_array_append(a, (const guint8 *)s + i, 1);
		if (wide)
			g_byte_array_append(a, (const guint8 *)"", 1);
	}
	g_byte_array_append(a, (const guint8 *)"\x00\xff\xfe\x00\x01", 5);
	return a;
}

static void test_strings(void)
{
	static const struct {
		const char *text;
		bool wide;
		const char *detector;
	} cases[] = {
		{"Password=Kitsune#2024", false, "password"},
		{"Card: 4111 1111 1111 1111", true, "credit_card"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GByteArray *a = binary_with(cases[i].text, cases[i].wide);
		GString *o = g_string_new(NULL);
		char *j;
		sm_result *r = run("application/octet-stream", a->data, a->len, o, &j);

		g_assert_nonnull(strstr(j, cases[i].detector));
		g_assert_nonnull(strstr(j, "\"strip\""));
		g_assert_null(strstr(o->str, "TVqQAAMAAAAEAA")); /* the attachment is gone */
		sm_result_free(r);
		g_free(j);
		g_string_free(o, TRUE);
		g_byte_array_free(a, TRUE);
	}
}

static void test_onboarding(void)
{
	GByteArray *a = binary_with("<plist><dict><key>OnboardingInfo</key><string>{&quot;body&quot;:"
				    "&quot;{\\&quot;previousOrgIds\\&quot;:[],\\&quot;orgId\\&quot;:"
				    "\\&quot;x\\&quot;}&quot;}</string></dict></plist>", false);
	GString *o = g_string_new(NULL);
	char *j;
	sm_result *r = run("application/pkcs7-mime", a->data, a->len, o, &j);

	g_assert_cmpint(sm_result_verdict(r), !=, SM_V_ACCEPT);
	g_assert_nonnull(strstr(j, "mde_onboarding"));
	sm_result_free(r);
	g_free(j);
	g_string_free(o, TRUE);
	g_byte_array_free(a, TRUE);
}

static void test_nuls(void)
{
	static const uint8_t ini[] = "[app]\nserver=db01\n\0\0password=Tanuki#77\n\0timeout=30\n";
	static const uint8_t masked[] = "[app]\nserver=db01\n\0\0password=********\n\0timeout=30\n";
	GString *o = g_string_new(NULL);
	char *j, *b = g_base64_encode(masked, sizeof(masked) - 1);
	sm_result *r = run("application/octet-stream", ini, sizeof(ini) - 1, o, &j);

	g_assert_nonnull(strstr(j, "password"));
	g_assert_nonnull(strstr(o->str, b)); /* masked in place, the NULs kept */
	sm_result_free(r);
	g_free(j);
	g_free(b);
	g_string_free(o, TRUE);
}

static void test_utf16_no_bom(void)
{
	gsize n = 0;
	gunichar2 *u = g_utf8_to_utf16("お世話になっております。\nパスワード：Tanuki#2024\n", -1, NULL,
				       (glong *)&n, NULL);
	GString *o = g_string_new(NULL);
	char *j;
	sm_result *r = run("application/octet-stream", (const uint8_t *)u, n * 2, o, &j);

	/* Japanese UTF-16LE has NULs only in its ASCII characters: text all the same */
	g_assert_nonnull(strstr(j, "UTF-16LE text"));
	g_assert_nonnull(strstr(j, "\"mask\""));
	sm_result_free(r);
	g_free(j);
	g_free(u);
	g_string_free(o, TRUE);
}

static void test_clean_and_media(void)
{
	GByteArray *a = binary_with("Sense service build 10.0.8125", false);
	GString *o = g_string_new(NULL);
	char *j;
	sm_result *r = run("application/octet-stream", a->data, a->len, o, &j);

	g_assert_false(sm_result_body_changed(r));
	g_assert_nonnull(strstr(j, "read as its strings"));
	sm_result_free(r);
	g_free(j);
	g_string_truncate(o, 0);
	r = run("image/png", a->data, a->len, o, &j);
	g_assert_nonnull(strstr(j, "not inspected"));
	sm_result_free(r);
	g_free(j);
	g_string_free(o, TRUE);
	g_byte_array_free(a, TRUE);
}

int main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	P = policy();
	g_test_add_func("/scan_binary/strings", test_strings);
	g_test_add_func("/scan_binary/onboarding", test_onboarding);
	g_test_add_func("/scan_binary/nuls", test_nuls);
	g_test_add_func("/scan_binary/utf16_no_bom", test_utf16_no_bom);
	g_test_add_func("/scan_binary/clean_and_media", test_clean_and_media);
	rc = g_test_run();
	sm_policy_unref(P);
	return rc;
}
