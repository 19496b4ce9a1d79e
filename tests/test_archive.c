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

/* Distinct values of detector id in member, and their occurrences: one hit
 * per value. */
static unsigned values(const sm_archive_result *r, const char *id, const char *member,
		       unsigned *occurrences)
{
	unsigned i, n = 0;

	*occurrences = 0;
	for (i = 0; r->hits && i < r->hits->len; i++) {
		const sm_archive_hit *h = &g_array_index(r->hits, sm_archive_hit, i);

		if (strcmp(sm_detectors_info(D, h->det)->id, id) == 0 &&
		    strcmp(h->member, member) == 0) {
			n++;
			*occurrences += h->count;
		}
	}
	return n;
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
	unsigned n;

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
	g_assert_cmpuint(values(&r, "credit_card", "xl/sharedStrings.xml", &n), ==, 2);
	g_assert_cmpuint(n, ==, 2);
	sm_archive_result_clear(&r);

	/* xlsx: a worksheet read as a table ties a value to its password header,
	 * through shared strings (t="s"), inline strings and a skipped column */
	put("y/[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>", -1);
	put("y/xl/sharedStrings.xml",
	    "<sst><si><t>ユーザー名</t></si><si><t>パスワード</t></si><si><t>adm01</t></si>"
	    "<si><r><t>Xl#Pa</t></r><r><t>ss001</t></r></si></sst>", -1);
	put("y/xl/worksheets/sheet1.xml",
	    "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
	    "<c r=\"C1\" t=\"s\"><v>1</v></c></row><row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v>"
	    "</c><c r=\"C2\" t=\"s\"><v>3</v></c></row><row r=\"3\"><c r=\"A3\" t=\"inlineStr\">"
	    "<is><t>adm02</t></is></c><c r=\"C3\" t=\"inlineStr\"><is><t>Xl#Pass002</t></is></c>"
	    "</row><row r=\"4\"><c r=\"A4\" t=\"s\"><v>99</v></c><c r=\"C4\" t=\"inlineStr\"><is><t>n/a</t></is></c>"
	    "</row></sheetData></worksheet>", -1);
	zip_in("y", (const char *const[]){"-r", "../t2.xlsx", "[Content_Types].xml", "xl", NULL});
	scan_file("t2.xlsx", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	/* two passwords, one hit each; not n/a in row 4 */
	g_assert_cmpuint(values(&r, "password", "xl/worksheets/sheet1.xml", &n), ==, 2);
	g_assert_cmpuint(n, ==, 2);
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

/* ------------------------------------------------------------ other formats
 * Built in memory with libarchive's writer: tar / cpio / 7z, each through
 * the filters, and single compressed files (raw). */

typedef struct mem {
	const char *name;
	const char *data;
	size_t len;
} mem;

static la_ssize_t grow(struct archive *a, void *ud, const void *buf, size_t n)
{
	g_byte_array_append(ud, buf, (guint)n);
	return (la_ssize_t)n;
}

typedef int (*fmt_fn)(struct archive *);

static GByteArray *build(fmt_fn format, int filter, const mem *m, size_t n)
{
	struct archive *w = archive_write_new();
	GByteArray *out = g_byte_array_new();
	size_t i;

	g_assert_cmpint(format(w), ==, ARCHIVE_OK);
	g_assert_cmpint(archive_write_add_filter(w, filter), ==, ARCHIVE_OK);
	archive_write_set_bytes_in_last_block(w, 1);
	g_assert_cmpint(archive_write_open(w, out, NULL, grow, NULL), ==, ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();

		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)m[i].len);
		g_assert_cmpint(archive_write_header(w, e), ==, ARCHIVE_OK);
		g_assert_cmpint(archive_write_data(w, m[i].data, m[i].len), ==, (la_ssize_t)m[i].len);
		archive_entry_free(e);
	}
	archive_write_close(w);
	archive_write_free(w);
	return out;
}

static const char ONB[] = "WindowsDefenderATPOnboardingScript.cmd";
static const char CARDLOG[] = "client analyzer\ncard 4111 1111 1111 1111\n";

static void scan_bytes(const GByteArray *b, const char *name, const sm_limits *l,
		       sm_archive_result *r)
{
	g_assert_true(sm_archive_sniff(b->data, b->len)); /* by content */
	sm_archive_scan(D, &CTX, l, b->data, b->len, name, r);
}

static void test_formats(void)
{
	static const struct {
		fmt_fn format;
		int filter;
	} f[] = {
		{archive_write_set_format_ustar, ARCHIVE_FILTER_NONE}, {archive_write_set_format_ustar, ARCHIVE_FILTER_GZIP},
		{archive_write_set_format_ustar, ARCHIVE_FILTER_BZIP2}, {archive_write_set_format_ustar, ARCHIVE_FILTER_XZ},
		{archive_write_set_format_ustar, ARCHIVE_FILTER_ZSTD}, {archive_write_set_format_ustar, ARCHIVE_FILTER_LZ4},
		{archive_write_set_format_ustar, ARCHIVE_FILTER_LZIP}, {archive_write_set_format_gnutar, ARCHIVE_FILTER_LZMA},
		{archive_write_set_format_pax_restricted, ARCHIVE_FILTER_COMPRESS},
		{archive_write_set_format_cpio_newc, ARCHIVE_FILTER_NONE}, {archive_write_set_format_cpio, ARCHIVE_FILTER_GZIP},
		{archive_write_set_format_7zip, ARCHIVE_FILTER_NONE}, {archive_write_set_format_ar_bsd, ARCHIVE_FILTER_NONE},
		{archive_write_set_format_xar, ARCHIVE_FILTER_NONE}, {archive_write_set_format_iso9660, ARCHIVE_FILTER_NONE},
	};
	const mem m[] = {{"logs/mdatp.log", CARDLOG, strlen(CARDLOG)}, {ONB, "@echo off\r\n", 11}};
	sm_limits l = limits();
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(f); i++) {
		bool ar = f[i].format == archive_write_set_format_ar_bsd; /* ar keeps base names */
		GByteArray *b = build(f[i].format, f[i].filter, m, 2);
		sm_archive_result r;

		g_test_message("format %zu filter %d", i, f[i].filter);
		scan_bytes(b, "logs.bin", &l, &r);
		g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
		g_assert_cmpuint(r.members, >=, 2);
		g_assert_nonnull(find(&r, "credit_card", ar ? "mdatp.log" : "logs/mdatp.log"));
		g_assert_nonnull(find(&r, "mde_onboarding", ONB));
		sm_archive_result_clear(&r);
		g_byte_array_free(b, TRUE);
	}
}

/* A single compressed file is one member named after it; a gzip that starts
 * with zero blocks (which tar takes for an empty archive) is read all the same. */
static void test_single_compressed(void)
{
	GString *zeros = g_string_new(NULL);
	sm_limits l = limits();
	sm_archive_result r;
	GByteArray *b;

	g_string_set_size(zeros, 8192);
	memset(zeros->str, 0, zeros->len);
	g_string_append(zeros, CARDLOG);
	b = build(archive_write_set_format_raw, ARCHIVE_FILTER_GZIP, (mem[]){{"x", CARDLOG, strlen(CARDLOG)}}, 1);
	scan_bytes(b, "trace.log.gz", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	g_assert_nonnull(find(&r, "credit_card", "trace.log"));
	sm_archive_result_clear(&r);
	scan_bytes(b, "WindowsDefenderATPOnboardingScript.cmd.gz", &l, &r);
	g_assert_nonnull(find(&r, "mde_onboarding", ONB));
	sm_archive_result_clear(&r);
	g_byte_array_free(b, TRUE);
	b = build(archive_write_set_format_raw, ARCHIVE_FILTER_XZ, (mem[]){{"x", zeros->str, zeros->len}}, 1);
	scan_bytes(b, NULL, &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	g_assert_nonnull(find(&r, "credit_card", "data"));
	sm_archive_result_clear(&r);
	g_byte_array_free(b, TRUE);
	g_string_free(zeros, TRUE);
}

/* Limits apply to streams as to zip: members, depth (compression layers
 * count), bytes, ratio; truncated and not-an-archive get a status. */
static void test_stream_limits(void)
{
	mem m[6];
	sm_limits l = limits();
	sm_archive_result r;
	GByteArray *b, *b2;
	char names[6][16], *noise;
	size_t i;

	for (i = 0; i < 6; i++) {
		g_snprintf(names[i], sizeof(names[i]), "m%zu.txt", i);
		m[i] = (mem){names[i], "hello\n", 6};
	}
	b = build(archive_write_set_format_ustar, ARCHIVE_FILTER_GZIP, m, 6);
	l.archive_max_members = 6; /* at the limit */
	scan_bytes(b, "a.tgz", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	sm_archive_result_clear(&r);
	l.archive_max_members = 5; /* one past */
	scan_bytes(b, "a.tgz", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_LIMIT);
	sm_archive_result_clear(&r);
	l = limits();
	l.archive_max_bytes = 36; /* 6 x 6 bytes: at */
	scan_bytes(b, "a.tgz", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	sm_archive_result_clear(&r);
	l.archive_max_bytes = 35;
	scan_bytes(b, "a.tgz", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_LIMIT);
	sm_archive_result_clear(&r);
	/* truncated: what was read stays, the status says corrupt */
	l = limits();
	b2 = build(archive_write_set_format_ustar, ARCHIVE_FILTER_NONE, (mem[]){{"c.log", CARDLOG, strlen(CARDLOG)}}, 1);
	sm_archive_scan(D, &CTX, &l, b2->data, 700, "cut.tar", &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_CORRUPT);
	sm_archive_result_clear(&r);
	g_byte_array_free(b2, TRUE);
	/* (the gzip filter delivers 64 KiB blocks: a member before the cut is
	 * seen only when such a block was complete; else only the status) */
	noise = g_malloc(1 << 20);
	for (i = 0; i < (1 << 20); i++)
		noise[i] = (char)(i % 251 ^ i / 4096);
	b2 = build(archive_write_set_format_ustar, ARCHIVE_FILTER_GZIP,
		   (mem[]){{"c.log", CARDLOG, strlen(CARDLOG)}, {"n.bin", noise, 1 << 20}}, 2);
	g_free(noise);
	sm_archive_scan(D, &CTX, &l, b2->data, b2->len / 2, "cut.tgz", &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_CORRUPT);
	g_assert_nonnull(find(&r, "credit_card", "c.log"));
	sm_archive_result_clear(&r);
	g_byte_array_free(b2, TRUE);
	b2 = build(archive_write_set_format_ustar, ARCHIVE_FILTER_GZIP,
		   (mem[]){{"c.log", CARDLOG, strlen(CARDLOG)}}, 1);
	/* gz of a tgz: two layers; depth 0 allows one */
	g_byte_array_free(b, TRUE);
	b = build(archive_write_set_format_raw, ARCHIVE_FILTER_GZIP, (mem[]){{"x", (char *)b2->data, b2->len}}, 1);
	l.archive_max_depth = 1; /* at the limit */
	scan_bytes(b, "twice.tgz.gz", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	g_assert_nonnull(find(&r, "credit_card", "c.log"));
	sm_archive_result_clear(&r);
	l.archive_max_depth = 0; /* one past */
	scan_bytes(b, "twice.tgz.gz", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_LIMIT);
	sm_archive_result_clear(&r);
	g_byte_array_free(b, TRUE);
	g_byte_array_free(b2, TRUE);
}

/* A gzip bomb: 64 MB of zeros stops at the ratio, bounded by the bytes read. */
static void test_gzip_bomb(void)
{
	char *z = g_malloc0(64 << 20);
	sm_limits l = limits();
	sm_archive_result r;
	GByteArray *b = build(archive_write_set_format_raw, ARCHIVE_FILTER_GZIP, (mem[]){{"x", z, 64 << 20}}, 1);

	g_free(z);
	scan_bytes(b, "zeros.log.gz", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_LIMIT);
	g_assert_nonnull(strstr(r.detail, "ratio"));
	sm_archive_result_clear(&r);
	l.archive_max_ratio = 1000000; /* then the member size */
	scan_bytes(b, "zeros.log.gz", &l, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_LIMIT);
	g_assert_nonnull(strstr(r.detail, "member larger"));
	sm_archive_result_clear(&r);
	g_byte_array_free(b, TRUE);
}

/* What only looks like an archive is text: cpio magic needs its hex header. */
/* Malformed zips: what can be read is read and scanned, and the archive is
 * CORRUPT (the part fails closed: on_unreadable); a zip signature by chance
 * in other data is no archive. */
static void scan_raw(const uint8_t *d, size_t n, sm_archive_result *r)
{
	sm_limits l = limits();

	sm_archive_scan(D, &CTX, &l, d, n, "logs.zip", r);
}

static void test_malformed_zip(void)
{
	GByteArray *z = g_byte_array_new(), *b = g_byte_array_new();
	const uint8_t *cd;
	char *data, *path;
	gsize n;

	/* zip(1) writes sizes into the local headers, as Python's zipfile and
	 * most tools do: readable without the directory */
	put("mz/notes.txt", CARDLOG, -1);
	zip((const char *const[]){"-j", "mz.zip", "mz/notes.txt", NULL});
	path = g_build_filename(tmp, "mz.zip", NULL);
	g_assert_true(g_file_get_contents(path, &data, &n, NULL));
	g_byte_array_append(z, (const guint8 *)data, (guint)n);
	g_free(data);
	g_free(path);
	cd = memmem(z->data, z->len, "PK\1\2", 4);
	uint8_t noise[600];
	sm_archive_result r;

	g_assert_nonnull(cd);
	/* whole: OK */
	scan_raw(z->data, z->len, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	g_assert_nonnull(find(&r, "credit_card", "notes.txt"));
	sm_archive_result_clear(&r);
	/* one junk byte before it: read through its directory, then CORRUPT */
	g_byte_array_append(b, (const guint8 *)"X", 1);
	g_byte_array_append(b, z->data, z->len);
	g_assert_false(sm_archive_sniff(b->data, b->len));
	g_assert_true(sm_archive_sniff_inside(b->data, b->len));
	scan_raw(b->data, b->len, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_CORRUPT);
	g_assert_nonnull(find(&r, "credit_card", "notes.txt"));
	g_assert_cmpuint(r.members, ==, 1);
	sm_archive_result_clear(&r);
	/* no central directory: the local headers are read, then CORRUPT */
	scan_raw(z->data, (size_t)(cd - z->data), &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_CORRUPT);
	g_assert_nonnull(find(&r, "credit_card", "notes.txt"));
	g_assert_cmpuint(r.members, ==, 1);
	sm_archive_result_clear(&r);
	/* the directory cut in half */
	scan_raw(z->data, (size_t)(cd - z->data) + 20, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_CORRUPT);
	g_assert_nonnull(find(&r, "credit_card", "notes.txt"));
	g_assert_cmpuint(r.members, ==, 1); /* counted once, not by both passes */
	sm_archive_result_clear(&r);
	g_byte_array_free(z, TRUE);
	/* libarchive's own zips carry data descriptors: without the directory
	 * the streaming reader cannot find where a member ends; nothing is read,
	 * and it is CORRUPT all the same */
	z = zip_with_name("notes.txt", CARDLOG);
	cd = memmem(z->data, z->len, "PK\1\2", 4);
	scan_raw(z->data, (size_t)(cd - z->data), &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_CORRUPT);
	sm_archive_result_clear(&r);
	/* a signature by chance in binary data: no member behind it */
	for (size_t i = 0; i < sizeof(noise); i++)
		noise[i] = (uint8_t)(i * 131 + 7);
	memcpy(noise + 300, "PK\3\4\x14\0\0\0\x08\0", 10);
	g_assert_true(sm_archive_sniff_inside(noise, sizeof(noise)));
	scan_raw(noise, sizeof(noise), &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_NOT_ARCHIVE);
	sm_archive_result_clear(&r);
	g_byte_array_free(z, TRUE);
	g_byte_array_free(b, TRUE);
}

/* Members are chosen by content as well as by name: a text file called
 * .png is read, a real PNG called .txt is not scanned as text. */
static void test_member_by_content(void)
{
	GByteArray *z = zip_with_name("screen1.png", CARDLOG);
	sm_archive_result r;

	scan_raw(z->data, z->len, &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	g_assert_nonnull(find(&r, "credit_card", "screen1.png"));
	sm_archive_result_clear(&r);
	g_byte_array_free(z, TRUE);
}

static void test_sniff_strict(void)
{
	static const char t[] = "070701 is a build number; card 4111 1111 1111 1111\n";

	g_assert_false(sm_archive_sniff((const uint8_t *)t, sizeof(t) - 1));
	g_assert_false(sm_archive_sniff((const uint8_t *)"BZh9 hello", 10));
	g_assert_true(sm_archive_sniff((const uint8_t *)"\x78\x9f\x3e\x22\x01\x00", 6));
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
	g_test_add_func("/archive/formats", test_formats);
	g_test_add_func("/archive/malformed_zip", test_malformed_zip);
	g_test_add_func("/archive/member_by_content", test_member_by_content);
	g_test_add_func("/archive/single_compressed", test_single_compressed);
	g_test_add_func("/archive/stream_limits", test_stream_limits);
	g_test_add_func("/archive/gzip_bomb", test_gzip_bomb);
	g_test_add_func("/archive/sniff_strict", test_sniff_strict);
	rc = g_test_run();
	sm_detectors_free(D);
	rm_rf(tmp);
	g_free(tmp);
	return rc;
}
