/*
 * test_archive.c - archives built at test time with zip(1) in a temporary
 * directory: a card in a .txt, nested zips, docx/xlsx-like XML, an encrypted
 * onboarding script, UTF-16 text, binaries, and every limit at and past it.
 * Messages name members and detectors, never the test secrets.
 */
#include "sm_archive.h"
#include "testutil.h"

#include <glib/gstdio.h>

/* parser/archive.h shadows libarchive's <archive.h> on the -Iparser path */
#include <archive.h>
#include <archive_entry.h>

static char *tmp;
static sm_detectors *D;
static const sm_scan_ctx CTX = {NULL, NULL, 0, "test-key"};

static sm_limits limits(void)
{
	sm_limits l = {0};

	l.max_part_bytes = 32 << 20;
	l.max_findings = 1000;
	l.archive_max_members = 100;
	l.archive_max_depth = 3;
	l.archive_max_bytes = 256 << 20;
	l.archive_max_ratio = 100;
	return l;
}

static void put(const char *rel, const void *data, gssize len)
{
	char *p = g_build_filename(tmp, rel, NULL), *dir = g_path_get_dirname(p);

	g_mkdir_with_parents(dir, 0700);
	g_assert_true(g_file_set_contents(p, data, len, NULL));
	g_free(p);
	g_free(dir);
}

/* zip(1) run in tmp/dir (NULL: tmp); argv after "zip". */
static void zip_in(const char *dir, const char *const *args)
{
	GPtrArray *a = g_ptr_array_new();
	char *cwd = dir ? g_build_filename(tmp, dir, NULL) : g_strdup(tmp);
	int status = -1;

	g_ptr_array_add(a, "zip");
	g_ptr_array_add(a, "-q");
	for (; *args; args++)
		g_ptr_array_add(a, (gpointer)*args);
	g_ptr_array_add(a, NULL);
	g_assert_true(g_spawn_sync(cwd, (char **)a->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
				   NULL, NULL, &status, NULL));
	g_assert_cmpint(status, ==, 0);
	g_ptr_array_free(a, TRUE);
	g_free(cwd);
}

static void zip(const char *const *args)
{
	zip_in(NULL, args);
}

static void scan_file(const char *rel, const sm_limits *l, sm_archive_result *r)
{
	char *p = g_build_filename(tmp, rel, NULL), *data = NULL;
	gsize n = 0;

	g_assert_true(g_file_get_contents(p, &data, &n, NULL));
	sm_archive_scan(D, &CTX, l, (const uint8_t *)data, n, rel, r);
	g_free(data);
	g_free(p);
}

/* The hit for (detector id, member), or NULL. */
static const sm_archive_hit *find(const sm_archive_result *r, const char *id, const char *member)
{
	unsigned i;

	for (i = 0; r->hits && i < r->hits->len; i++) {
		const sm_archive_hit *h = &g_array_index(r->hits, sm_archive_hit, i);

		if (strcmp(sm_detectors_info(D, h->det)->id, id) == 0 &&
		    strcmp(h->member, member) == 0)
			return h;
	}
	g_test_message("no %s hit for member %s (%u hits)", id, member, r->hits ? r->hits->len : 0);
	return NULL;
}

static void test_card_txt(void)
{
	sm_limits l = limits();
	sm_archive_result r;
	const sm_archive_hit *h;

	put("c1/card.txt", "order\nカード番号 4111-1111-1111-1111\n", -1);
	zip((const char *const[]){"-j", "card.zip", "c1/card.txt", NULL});
	scan_file("card.zip", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	g_assert_cmpuint(r.members, ==, 1);
	h = find(&r, "credit_card", "card.txt");
	g_assert_nonnull(h);
	if (h) {
		g_assert_cmpuint(h->count, ==, 1);
		g_assert_cmpstr(h->preview, ==, "****-****-****-1111");
		g_assert_cmpuint(strlen(h->fingerprint), ==, 16);
	}
	sm_archive_result_clear(&r);
}

static void test_findings_limit(void)
{
	sm_limits l = limits();
	sm_archive_result r;

	put("f/cards.txt", "4111 1111 1111 1111\n4242 4242 4242 4242\n", -1);
	zip_in("f", (const char *const[]){"../cards.zip", "cards.txt", NULL});
	l.max_findings = 2; /* at the limit */
	scan_file("cards.zip", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	sm_archive_result_clear(&r);
	l.max_findings = 1; /* one past */
	scan_file("cards.zip", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_LIMIT);
	g_assert_nonnull(find(&r, "credit_card", "cards.txt")); /* what was found is kept */
	sm_archive_result_clear(&r);
}

static void test_nested_and_depth(void)
{
	sm_limits l = limits();
	sm_archive_result r;

	put("c2/pw.txt", "Server=db;Password=Cfg!7731x;\n", -1);
	zip((const char *const[]){"-j", "inner.zip", "c2/pw.txt", NULL});
	zip((const char *const[]){"middle.zip", "inner.zip", NULL});
	zip((const char *const[]){"outer.zip", "middle.zip", NULL});
	scan_file("outer.zip", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	g_assert_nonnull(find(&r, "password", "middle.zip/inner.zip/pw.txt"));
	sm_archive_result_clear(&r);
	l.archive_max_depth = 2; /* at the limit */
	scan_file("outer.zip", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	sm_archive_result_clear(&r);
	l.archive_max_depth = 1; /* one past */
	scan_file("outer.zip", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_LIMIT);
	g_assert_nonnull(r.detail);
	sm_archive_result_clear(&r);
}

static void test_docx_xlsx(void)
{
	sm_limits l = limits();
	sm_archive_result r;
	const sm_archive_hit *h;

	put("d/[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>", -1);
	put("d/word/document.xml",
	    "<?xml version=\"1.0\"?><w:document><w:body><w:p><w:r><w:t>Card: 4024 8648</w:t></w:r>"
	    "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\"> 7962 9577</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>Build 10.0.19045.3693 &amp; KB5044281</w:t></w:r></w:p></w:body>"
	    "</w:document>", -1);
	put("d/word/media/image1.png", "\x89PNG\r\n\x1a\n 4111111111111111", 26);
	zip_in("d", (const char *const[]){"-r", "../t.docx", "[Content_Types].xml", "word", NULL});
	scan_file("t.docx", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	h = find(&r, "credit_card", "word/document.xml");
	g_assert_nonnull(h);
	if (h) {
		g_assert_cmpuint(h->count, ==, 1);
		g_assert_cmpstr(h->preview, ==, "**** **** **** 9577");
	}
	g_assert_cmpuint(r.hits->len, ==, 1); /* not the PNG, not the build number */
	sm_archive_result_clear(&r);

	/* xlsx: cells in sharedStrings must not run together */
	put("x/[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>", -1);
	put("x/xl/sharedStrings.xml",
	    "<sst><si><t>name</t></si><si><t>4111111111111111</t></si><si><t>abc</t></si>"
	    "<si><r><t>3714 4963</t></r><r><t>53 98431</t></r></si><si><t>x</t></si></sst>", -1);
	zip_in("x", (const char *const[]){"-r", "../t.xlsx", "[Content_Types].xml", "xl", NULL});
	scan_file("t.xlsx", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	h = find(&r, "credit_card", "xl/sharedStrings.xml");
	g_assert_nonnull(h);
	if (h)
		g_assert_cmpuint(h->count, ==, 2);
	sm_archive_result_clear(&r);
}

static void test_encrypted_onboarding(void)
{
	sm_limits l = limits();
	sm_archive_result r;
	const sm_archive_hit *h;

	put("e/WindowsDefenderATPOnboardingScript.cmd", "@echo off\r\nreg add ...\r\n", -1);
	zip_in("e", (const char *const[]){"-P", "Nara!5520", "../enc.zip",
					  "WindowsDefenderATPOnboardingScript.cmd", NULL});
	scan_file("enc.zip", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_ENCRYPTED);
	h = find(&r, "mde_onboarding", "WindowsDefenderATPOnboardingScript.cmd");
	g_assert_nonnull(h);
	sm_archive_result_clear(&r);
	/* an encrypted zip with harmless names: encrypted, no findings */
	put("e2/logs.txt", "nothing to see\n", -1);
	zip_in("e2", (const char *const[]){"-P", "x", "../enc2.zip", "logs.txt", NULL});
	scan_file("enc2.zip", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_ENCRYPTED);
	g_assert_cmpuint(r.hits->len, ==, 0);
	sm_archive_result_clear(&r);
}

static void test_member_limit(void)
{
	sm_limits l = limits();
	sm_archive_result r;
	int i;

	for (i = 0; i < 5; i++) {
		char *n = g_strdup_printf("m/f%d.txt", i);

		put(n, "x\n", -1);
		g_free(n);
	}
	zip_in("m", (const char *const[]){"../five.zip", "f0.txt", "f1.txt", "f2.txt", "f3.txt",
					  "f4.txt", NULL});
	l.archive_max_members = 5; /* at the limit */
	scan_file("five.zip", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	g_assert_cmpuint(r.members, ==, 5);
	sm_archive_result_clear(&r);
	l.archive_max_members = 4; /* one past */
	scan_file("five.zip", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_LIMIT);
	g_assert_nonnull(r.detail);
	if (r.detail)
		g_assert_nonnull(strstr(r.detail, "members"));
	sm_archive_result_clear(&r);
}

static void test_bomb_and_bytes(void)
{
	sm_limits l = limits();
	sm_archive_result r;
	gsize n = 50u << 20;
	char *zeros = g_malloc0(n);

	put("b/zeros.txt", zeros, (gssize)n);
	g_free(zeros);
	zip_in("b", (const char *const[]){"../bomb.zip", "zeros.txt", NULL});
	scan_file("bomb.zip", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_LIMIT);
	g_assert_nonnull(r.detail);
	if (r.detail)
		g_assert_nonnull(strstr(r.detail, "ratio"));
	sm_archive_result_clear(&r);
	{
		char *p = g_build_filename(tmp, "b", "zeros.txt", NULL);

		g_unlink(p);
		g_free(p);
	}
	/* total uncompressed bytes: a 4 KiB member against a 4 KiB and a 4095-byte budget */
	{
		char *t = g_strnfill(4096, 'a');

		put("k/a.txt", t, 4096);
		g_free(t);
	}
	zip_in("k", (const char *const[]){"../k.zip", "a.txt", NULL});
	l.archive_max_bytes = 4096;
	scan_file("k.zip", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	sm_archive_result_clear(&r);
	l.archive_max_bytes = 4095;
	scan_file("k.zip", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_LIMIT);
	sm_archive_result_clear(&r);
}

static void test_utf16_and_not_archive(void)
{
	sm_limits l = limits();
	sm_archive_result r;
	const char *txt = "\xff\xfe" "P\0W\0:\0 \0X\0k\0" "9\0#\0m\0P\0" "2\0q\0\n\0";

	put("u/reg.txt", txt, 28);
	zip_in("u", (const char *const[]){"../u.zip", "reg.txt", NULL});
	scan_file("u.zip", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	g_assert_nonnull(find(&r, "password", "reg.txt"));
	sm_archive_result_clear(&r);
	sm_archive_scan(D, &CTX, &l, (const uint8_t *)"hello", 5, "x.txt", &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_NOT_ARCHIVE);
	g_assert_false(sm_archive_sniff((const uint8_t *)"hello", 5));
	sm_archive_result_clear(&r);
	/* a truncated zip: corrupt, not a crash */
	{
		char *p = g_build_filename(tmp, "u.zip", NULL), *data;
		gsize n;

		g_assert_true(g_file_get_contents(p, &data, &n, NULL));
		sm_archive_scan(D, &CTX, &l, (const uint8_t *)data, n / 2, "u.zip", &r);
		g_assert_cmpint(r.status, ==, SM_ARCHIVE_CORRUPT);
		sm_archive_result_clear(&r);
		g_free(data);
		g_free(p);
	}
}

/* A zip written with libarchive, for names zip(1) will not store. */
static GByteArray *zip_with_name(const char *name, const char *body)
{
	struct archive *w = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	static uint8_t buf[1 << 16];
	size_t used = 0;
	GByteArray *out = g_byte_array_new();

	archive_write_set_format_zip(w);
	g_assert_cmpint(archive_write_open_memory(w, buf, sizeof(buf), &used), ==, ARCHIVE_OK);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)strlen(body));
	archive_write_header(w, e);
	archive_write_data(w, body, strlen(body));
	archive_write_close(w);
	archive_write_free(w);
	archive_entry_free(e);
	g_byte_array_append(out, buf, (guint)used);
	return out;
}

static void test_member_names(void)
{
	sm_limits l = limits();
	sm_archive_result r;
	GString *longname = g_string_new("dir/");
	GByteArray *z = zip_with_name("evil\x1b[31m\r\n.txt", "PW: Sapporo-2291\n");
	const sm_archive_hit *h;

	sm_archive_scan(D, &CTX, &l, z->data, z->len, "n.zip", &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	h = find(&r, "password", "evil?[31m??.txt");
	g_assert_nonnull(h);
	sm_archive_result_clear(&r);
	g_byte_array_free(z, TRUE);
	while (longname->len < 1000)
		g_string_append(longname, "abcdefghij");
	g_string_append(longname, ".txt");
	z = zip_with_name(longname->str, "PW: Sapporo-2291\n");
	sm_archive_scan(D, &CTX, &l, z->data, z->len, "n.zip", &r);
	g_assert_cmpuint(r.hits->len, ==, 1);
	if (r.hits->len)
		g_assert_cmpuint(strlen(g_array_index(r.hits, sm_archive_hit, 0).member), <=, 210);
	sm_archive_result_clear(&r);
	g_byte_array_free(z, TRUE);
	g_string_free(longname, TRUE);
}

static void rm_rf(const char *path)
{
	GDir *d = g_dir_open(path, 0, NULL);
	const char *n;

	while (d && (n = g_dir_read_name(d))) {
		char *p = g_build_filename(path, n, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			rm_rf(p);
		else
			g_unlink(p);
		g_free(p);
	}
	if (d)
		g_dir_close(d);
	g_rmdir(path);
}

int main(int argc, char **argv)
{
	char err[256];
	int rc;

	sm_test_init(&argc, &argv);
	tmp = g_dir_make_tmp("smarch-XXXXXX", NULL);
	D = sm_detectors_load(NULL, err, sizeof(err));
	g_test_add_func("/archive/card_txt", test_card_txt);
	g_test_add_func("/archive/nested_and_depth", test_nested_and_depth);
	g_test_add_func("/archive/findings_limit", test_findings_limit);
	g_test_add_func("/archive/docx_xlsx", test_docx_xlsx);
	g_test_add_func("/archive/encrypted_onboarding", test_encrypted_onboarding);
	g_test_add_func("/archive/member_limit", test_member_limit);
	g_test_add_func("/archive/bomb_and_bytes", test_bomb_and_bytes);
	g_test_add_func("/archive/utf16_and_not_archive", test_utf16_and_not_archive);
	g_test_add_func("/archive/member_names", test_member_names);
	rc = g_test_run();
	sm_detectors_free(D);
	rm_rf(tmp);
	g_free(tmp);
	return rc;
}
