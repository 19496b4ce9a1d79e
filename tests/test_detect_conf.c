/*
 * test_detect_conf.c - the `detectors` configuration group: the shipped
 * file expresses exactly the built-in defaults; errors name file, line and
 * key; disabling, tuning and custom detectors work.
 */
#include "config.h"
#include "detect.h"
#include "testutil.h"

#include <glib/gstdio.h>

static char *tmpdir;

/* A libconfig file holding `text`; the detectors group loaded from it. */
static sm_detectors *load_text(const char *text, char *err, size_t errlen)
{
	char *path = g_build_filename(tmpdir, "d.conf", NULL);
	config_t cf;
	sm_detectors *d = NULL;

	g_file_set_contents(path, text, -1, NULL);
	config_init(&cf);
	if (!config_read_file(&cf, path))
		snprintf(err, errlen, "syntax: line %d: %s", config_error_line(&cf),
			 config_error_text(&cf));
	else
		d = sm_detectors_load(config_lookup(&cf, "detectors"), err, errlen);
	config_destroy(&cf);
	g_free(path);
	return d;
}

static const char *const SAMPLE =
	"カード番号 4111 1111 1111 1111 / PW: Sapporo-2291 / マイナンバー 123456789018\n"
	"AccountKey=q1w2e3r4t5y6u7i8o9p0AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/ab==;\n"
	"-----BEGIN RSA PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END RSA PRIVATE KEY-----\n"
	"<key>OnboardingInfo</key>\n";

static GArray *scan_sample(const sm_detectors *d)
{
	GArray *hits = g_array_new(FALSE, TRUE, sizeof(sm_hit));
	sm_view *v = sm_view_new_utf8(SAMPLE, strlen(SAMPLE));

	sm_detectors_scan(d, v, NULL, hits, 100);
	sm_view_free(v);
	return hits;
}

static void test_shipped_equals_defaults(void)
{
	char *path = g_build_filename(sm_test_top(), "conf", "support-milter.conf", NULL);
	char err[1024] = "";
	sm_config cfg;
	sm_detectors *def = sm_detectors_load(NULL, err, sizeof(err)), *shipped = NULL;
	GArray *a, *b;
	size_t i;

	if (sm_config_load(&cfg, path, err, sizeof(err)) == 0)
		shipped = sm_detectors_load(sm_config_group(&cfg, "detectors"), err, sizeof(err));
	if (!shipped)
		g_test_message("shipped configuration: %s", err);
	g_assert_nonnull(shipped);
	g_assert_nonnull(sm_config_group(&cfg, "detectors"));
	if (shipped) {
		g_assert_cmpuint(sm_detectors_count(shipped), ==, sm_detectors_count(def));
		g_assert_cmpuint(sm_detectors_count(def), ==, 6);
		for (i = 0; i < sm_detectors_count(def); i++) {
			const sm_detector_info *x = sm_detectors_info(def, (unsigned)i);
			const sm_detector_info *y = sm_detectors_info(shipped, (unsigned)i);

			g_assert_cmpstr(x->id, ==, y->id);
			g_assert_cmpstr(x->label, ==, y->label);
			g_assert_cmpstr(x->reply, ==, y->reply);
			g_assert_cmpint(x->action, ==, y->action);
			g_assert_cmpint(x->archive_action, ==, y->archive_action);
		}
		a = scan_sample(def);
		b = scan_sample(shipped);
		g_assert_cmpuint(a->len, ==, 6);
		g_assert_cmpuint(a->len, ==, b->len);
		for (i = 0; a->len == b->len && i < a->len; i++) {
			sm_hit *x = &g_array_index(a, sm_hit, i), *y = &g_array_index(b, sm_hit, i);

			g_assert_true(x->det == y->det && x->start == y->start && x->end == y->end &&
				      x->mask == y->mask && x->confidence == y->confidence);
		}
		g_array_free(a, TRUE);
		g_array_free(b, TRUE);
		g_assert_cmpint(sm_detectors_match_name(shipped, "WindowsDefenderATP.onboarding"), ==,
				sm_detectors_match_name(def, "WindowsDefenderATP.onboarding"));
	}
	sm_config_release_tree(&cfg);
	sm_config_clear(&cfg);
	sm_detectors_free(def);
	sm_detectors_free(shipped);
	g_free(path);
}

/* Loading fails and err holds every fragment. */
static void expect_error(const char *text, const char *const *frags)
{
	char err[1024] = "";
	sm_detectors *d = load_text(text, err, sizeof(err));

	g_assert_null(d);
	sm_detectors_free(d);
	for (; *frags; frags++) {
		if (!strstr(err, *frags))
			g_test_message("error '%s' lacks '%s'", err, *frags);
		g_assert_nonnull(strstr(err, *frags));
	}
}

static void test_errors(void)
{
	expect_error("detectors: {\n  credit_card: {\n    enabeld = false;\n  };\n};\n",
		     (const char *const[]){"d.conf:3:", "unknown key 'enabeld'", NULL});
	expect_error("detectors: {\n  password: {\n\n    action = \"drop\";\n  };\n};\n",
		     (const char *const[]){"d.conf:4:", "key 'action'", "unknown value", NULL});
	expect_error("detectors: {\n  password: {\n    reply = \"パスワードを含みます\";\n  };\n};\n",
		     (const char *const[]){"d.conf:3:", "key 'reply'", "printable ASCII", NULL});
	expect_error("detectors: {\n  credit_card: {\n    window = 99999;\n  };\n};\n",
		     (const char *const[]){"d.conf:3:", "key 'window'", "out of range", NULL});
	expect_error("detectors: {\n  acme: {\n    patterns = [ \"ok\", \"bad(\" ];\n  };\n};\n",
		     (const char *const[]){"d.conf:3:", "key 'patterns'", "pattern 2", NULL});
	expect_error("detectors: {\n  credit_crd: {\n    enabled = false;\n  };\n};\n",
		     (const char *const[]){"d.conf:2:", "credit_crd", "patterns", NULL});
	expect_error("detectors: {\n  private_key: {\n    keywords = [ \"x\" ];\n  };\n};\n",
		     (const char *const[]){"d.conf:3:", "key 'keywords'", NULL});
	expect_error("detectors: {\n  mde_onboarding: {\n    names = [ \"[\" ];\n  };\n};\n",
		     (const char *const[]){"d.conf:3:", "key 'names'", NULL});
	expect_error("detectors: {\n  acme: {\n    patterns = [ \"x\" ];\n    validator = \"crc\";\n"
		     "  };\n};\n",
		     (const char *const[]){"d.conf:4:", "key 'validator'", NULL});
}

static unsigned count_id(const sm_detectors *d, GArray *hits, const char *id)
{
	unsigned i, n = 0;

	for (i = 0; i < hits->len; i++)
		n += strcmp(sm_detectors_info(d, g_array_index(hits, sm_hit, i).det)->id, id) == 0;
	return n;
}

static void test_disable_and_tune(void)
{
	char err[1024] = "";
	sm_detectors *d = load_text("detectors: {\n credit_card: { enabled = false; };\n"
				    " password: { action = \"reject\"; keywords = [ \"ＰＩＮ\" ]; };\n};\n",
				    err, sizeof(err));
	GArray *hits;
	sm_view *v;
	const char *t = "card 4111 1111 1111 1111 PIN: Xk9#mP2q password: Zz9#qq11";

	g_assert_nonnull(d);
	if (!d)
		return;
	g_assert_cmpuint(sm_detectors_count(d), ==, 5);
	hits = g_array_new(FALSE, TRUE, sizeof(sm_hit));
	v = sm_view_new_utf8(t, strlen(t));
	sm_detectors_scan(d, v, NULL, hits, 10);
	g_assert_cmpuint(count_id(d, hits, "credit_card"), ==, 0);
	g_assert_cmpuint(count_id(d, hits, "password"), ==, 1); /* only the configured keyword */
	if (hits->len)
		g_assert_cmpint(sm_detectors_info(d, g_array_index(hits, sm_hit, 0).det)->action, ==,
				SM_ACT_REJECT);
	g_array_free(hits, TRUE);
	sm_view_free(v);
	sm_detectors_free(d);
}

static void test_custom(void)
{
	char err[1024] = "";
	sm_detectors *d = load_text(
		"detectors: {\n employee_id: {\n  patterns = [ \"\\\\bEMP-([0-9]{6})\\\\b\" ];\n"
		"  keywords = [ \"社員番号\" ]; window = 30; mask = \"all\"; action = \"mask\";\n"
		"  label = \"employee number\"; };\n"
		" gift_card: { patterns = [ \"GC([0-9]{16})\" ]; validator = \"luhn\"; mask = \"fixed\"; };\n};\n",
		err, sizeof(err));
	const char *t = "社員番号 EMP-123456, ........................................ EMP-654321"
			" GC4111111111111111 GC4111111111111112";
	GArray *hits;
	sm_view *v;

	if (!d)
		g_test_message("custom: %s", err);
	g_assert_nonnull(d);
	if (!d)
		return;
	g_assert_cmpuint(sm_detectors_count(d), ==, 8);
	hits = g_array_new(FALSE, TRUE, sizeof(sm_hit));
	v = sm_view_new_utf8(t, strlen(t));
	sm_detectors_scan(d, v, NULL, hits, 10);
	g_assert_cmpuint(count_id(d, hits, "employee_id"), ==, 1);
	g_assert_cmpuint(count_id(d, hits, "gift_card"), ==, 1);
	for (guint i = 0; i < hits->len; i++) {
		sm_hit *h = &g_array_index(hits, sm_hit, i);
		const char *id = sm_detectors_info(d, h->det)->id;

		if (strcmp(id, "employee_id") == 0) {
			g_assert_cmpuint(h->end - h->start, ==, 6); /* group 1 only */
			g_assert_cmpint(h->mask, ==, SM_MASK_ALL);
		} else if (strcmp(id, "gift_card") == 0)
			g_assert_cmpint(h->mask, ==, SM_MASK_FIXED);
	}
	g_assert_cmpstr(sm_detectors_info(d, 6)->label, ==, "employee number");
	g_assert_nonnull(strstr(sm_detectors_info(d, 7)->reply, "gift_card"));
	g_array_free(hits, TRUE);
	sm_view_free(v);
	sm_detectors_free(d);
}

static void test_custom_backtracking(void)
{
	char err[1024] = "";
	sm_detectors *d = load_text("detectors: {\n slow: { patterns = [ \"(a+)+$\" ]; };\n};\n",
				    err, sizeof(err));
	GString *t = g_string_new(NULL);
	GArray *hits = g_array_new(FALSE, TRUE, sizeof(sm_hit));
	sm_view *v;

	g_assert_nonnull(d);
	if (!d)
		return;
	g_string_append(t, "x ");
	while (t->len < 60)
		g_string_append_c(t, 'a');
	g_string_append_c(t, '!');
	v = sm_view_new_utf8(t->str, t->len);
	/* over the match limit: reported like the hit limit, in bounded time */
	g_assert_cmpint(sm_detectors_scan(d, v, NULL, hits, 10), ==, 1);
	g_array_free(hits, TRUE);
	sm_view_free(v);
	g_string_free(t, TRUE);
	sm_detectors_free(d);
}

static void test_hit_limit(void)
{
	char err[256];
	sm_detectors *d = sm_detectors_load(NULL, err, sizeof(err));
	GString *t = g_string_new(NULL);
	GArray *hits = g_array_new(FALSE, TRUE, sizeof(sm_hit));
	sm_view *v;
	int i;

	for (i = 0; i < 20; i++)
		g_string_append(t, "4111 1111 1111 1111\n");
	v = sm_view_new_utf8(t->str, t->len);
	g_assert_cmpint(sm_detectors_scan(d, v, NULL, hits, 20), ==, 0); /* at the limit */
	g_assert_cmpuint(hits->len, ==, 20);
	g_array_set_size(hits, 0);
	g_assert_cmpint(sm_detectors_scan(d, v, NULL, hits, 19), ==, 1); /* one past */
	g_assert_cmpuint(hits->len, ==, 19);
	g_array_free(hits, TRUE);
	sm_view_free(v);
	g_string_free(t, TRUE);
	sm_detectors_free(d);
}

int main(int argc, char **argv)
{
	int rc;

	sm_test_init(&argc, &argv);
	tmpdir = g_dir_make_tmp("smdet-XXXXXX", NULL);
	g_test_add_func("/detect_conf/shipped_equals_defaults", test_shipped_equals_defaults);
	g_test_add_func("/detect_conf/errors", test_errors);
	g_test_add_func("/detect_conf/disable_and_tune", test_disable_and_tune);
	g_test_add_func("/detect_conf/custom", test_custom);
	g_test_add_func("/detect_conf/hit_limit", test_hit_limit);
	g_test_add_func("/detect_conf/custom_backtracking", test_custom_backtracking);
	rc = g_test_run();
	{
		char *p = g_build_filename(tmpdir, "d.conf", NULL);

		g_unlink(p);
		g_free(p);
		g_rmdir(tmpdir);
	}
	g_free(tmpdir);
	return rc;
}
