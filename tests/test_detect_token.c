/*
 * test_detect_token.c - key-shaped secrets after a credential word
 * (detect_token.c, reported as cloud_secret): hits in English and Japanese
 * wordings, and what support cases are full of kept: hashes, thumbprints,
 * GUIDs, device IDs, base64 of text, words, dotted names.  Tokens are
 * fabricated.
 */
#include "detect.h"
#include "testutil.h"

static sm_detectors *D;
static unsigned CLOUD;

static unsigned cloud_hits(const char *text, size_t *s, size_t *e)
{
	sm_view *v = sm_view_new_utf8(text, strlen(text));
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(sm_hit));
	unsigned n = 0;

	sm_detectors_scan(D, v, NULL, hits, 100);
	for (guint i = 0; i < hits->len; i++) {
		const sm_hit *h = &g_array_index(hits, sm_hit, i);

		if (h->det == CLOUD && !n++) {
			*s = h->start;
			*e = h->end;
		}
	}
	g_array_free(hits, TRUE);
	sm_view_free(v);
	return n;
}

static void hit(const char *name, const char *text, const char *token)
{
	size_t s = 0, e = 0;
	unsigned n = cloud_hits(text, &s, &e);
	const char *at = strstr(text, token);

	if (n != 1 || !at || s != (size_t)(at - text) || e != s + strlen(token))
		g_test_message("case '%s': %u hits, not the token's span", name, n);
	g_assert_true(n == 1 && at && s == (size_t)(at - text) && e == s + strlen(token));
}

static void miss(const char *name, const char *text)
{
	size_t s, e;
	unsigned n = cloud_hits(text, &s, &e);

	if (n)
		g_test_message("case '%s': %u hits", name, n);
	g_assert_cmpuint(n, ==, 0);
}

static void test_hits(void)
{
	hit("api key ja", "APIキー: Qm7vT2xkP9aLw3ZrN8cYb4HdE6gJs1UfRt5KoVqX", "Qm7vT2xkP9aLw3ZrN8cYb4HdE6gJs1UfRt5KoVqX");
	hit("client secret ja", "クライアントシークレット Zx9~Lq2.Wm7_Rt4-Yp8Nc3Hv6Kd1Fb5Gs0",
	    "Zx9~Lq2.Wm7_Rt4-Yp8Nc3Hv6Kd1Fb5Gs0");
	hit("access token", "Access token: aB3dE5fG7hJ9kL2mN4pQ6rS8tU0vW1xY3zA5bC7dE9fG1hJ", "aB3dE5fG7hJ9kL2mN4pQ6rS8tU0vW1xY3zA5bC7dE9fG1hJ");
	hit("bearer", "Authorization: Bearer eK2rT9wQ4zL7nB1xV6cM3jH8gF5dS0aP2yU4iO7kR9tE", "eK2rT9wQ4zL7nB1xV6cM3jH8gF5dS0aP2yU4iO7kR9tE");
	hit("x-api-key", "x-api-key: 7fGh2JkL9mNp4QrS6tUv8WxY1zAb3CdE", "7fGh2JkL9mNp4QrS6tUv8WxY1zAb3CdE");
	hit("base32 pat", "Personal access token: q4w2e7r5t3y6u2i7o4p5a3s6d2f7g4h5j3k6l2z7x4c5v3b6n2m7",
	    "q4w2e7r5t3y6u2i7o4p5a3s6d2f7g4h5j3k6l2z7x4c5v3b6n2m7");
	hit("env", "ACCESS_TOKEN=Yt6Rp2Lk9Wq4Zs7Xv1Nb8Mc3Jh5Gf0Dd2", "Yt6Rp2Lk9Wq4Zs7Xv1Nb8Mc3Jh5Gf0Dd2");
	/* a value that is not key-shaped under a credential key */
	hit("env secret word", "SESSION_SECRET=kawasemi2024", "kawasemi2024");
	hit("json token", "{ \"apiToken\": \"Hotaru#88\" }", "Hotaru#88");
	hit("api key", "API_KEY=sunflowers99", "sunflowers99");
}

static void test_kept(void)
{
	miss("sha256", "SHA256 key: 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08");
	miss("thumbprint", "Certificate key thumbprint: 3B1EFD3A66EA28B16697394703A72CA340A05BD5");
	miss("guid", "Tenant key: 72f988bf-86f1-41af-91ab-2d7cd011db47");
	miss("device id", "DeviceId token: 0c5a3f9d8e7b6a5c4d3e2f1a0b9c8d7e6f5a4b3c");
	miss("base64 of text", "token (base64): VGhlIFNlbnNlIHNlcnZpY2UgZW50ZXJlZCB0aGUgcnVubmluZyBzdGF0ZS4=");
	miss("word", "Key: ConfigurationManagerClientPolicy");
	miss("dotted", "key: Microsoft.Windows.Defender.Platform.Update4");
	miss("too short", "the token aB3dE5fG7hJ9kL2m");
	miss("no word", "Correlation: aB3dE5fG7hJ9kL2mN4pQ6rS8tU0vW1xY3zA5");
	miss("keyboard", "keyboard layout aB3dE5fG7hJ9kL2mN4pQ6rS8tU0vW1xY3zA5");
	miss("token type", "\"token_type\": \"Bearer\", \"expires_in\": 3599");
	miss("secret name", "SecretName: kv-secret-prod-01");
	miss("key without kind", "sort_key: timestamp, partition_key: tenantId");
	miss("credential user", "Credential: CONTOSO\\svc_backup");
	miss("secret prose", "client_secret: expired");
	miss("short", "token=abc12");
}

/* A credential word that starts a compound naming something else. */
static void test_compound_names(void)
{
	miss("key id", "Key ID: nOo3ZDrODXEK1jKWhXslHR_KXEg");
	miss("key_id", "key_id=nOo3ZDrODXEK1jKWhXslHR_KXEg");
	miss("token type", "Token type: Zx8vQ2mN7pL4kR9sT1wY3bC6dF0gH5jA");
	miss("ja key id", "キー ID：nOo3ZDrODXEK1jKWhXslHR_KXEg");
	hit("key then value", "Key: nOo3ZDrODXEK1jKWhXslHR_KXEg", "nOo3ZDrODXEK1jKWhXslHR_KXEg");
	hit("api key", "API key: Zx8vQ2mN7pL4kR9sT1wY3bC6dF0gH5jA", "Zx8vQ2mN7pL4kR9sT1wY3bC6dF0gH5jA");
	/* dots in a random token (Entra secrets carry . ~ _ -) */
	hit("dotted random", "クライアントシークレット 27bcF9xkaQ.Zb4Kd.wPrt7m5abz3Qemn9~",
	    "27bcF9xkaQ.Zb4Kd.wPrt7m5abz3Qemn9~");
	miss("dotted name", "Client secret name: winatp-gw-jpe.microsoft.com.contoso3.local");
	miss("dotted namespace", "Access token endpoint Microsoft.Windows.Defender3.Platform.Security");
}

int main(int argc, char **argv)
{
	char err[256];
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	D = sm_detectors_load(NULL, err, sizeof(err));
	g_assert_nonnull(D);
	for (CLOUD = 0; CLOUD < sm_detectors_count(D); CLOUD++)
		if (strcmp(sm_detectors_info(D, CLOUD)->id, "cloud_secret") == 0)
			break;
	g_test_add_func("/detect_token/hits", test_hits);
	g_test_add_func("/detect_token/kept", test_kept);
	g_test_add_func("/detect_token/compound_names", test_compound_names);
	rc = g_test_run();
	sm_detectors_free(D);
	return rc;
}
