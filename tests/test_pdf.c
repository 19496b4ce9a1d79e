/*
 * test_pdf.c - PDF streams inflated and their shown strings rendered
 * (parser/archive/pdf.c): Tj and TJ (pieces joined, a wide gap a space),
 * escapes, other filters left alone, broken data, and the limits (bytes in
 * all, the ratio of one stream) at and one past them.  The test texts hold
 * no real secret.
 */
#include "pdf.h"
#include "testutil.h"

#include <gio/gio.h>
#include <string.h>

static GByteArray *deflate(const char *s)
{
	GConverter *z = G_CONVERTER(g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9));
	GByteArray *out = g_byte_array_new();
	guint8 buf[65536];
	gsize rd = 0, wr = 0;
	GConverterResult r = g_converter_convert(z, s, strlen(s), buf, sizeof(buf),
						 G_CONVERTER_INPUT_AT_END, &rd, &wr, NULL);

	g_assert_cmpint(r, ==, G_CONVERTER_FINISHED);
	g_byte_array_append(out, buf, (guint)wr);
	g_object_unref(z);
	return out;
}

/* A one-page PDF whose content stream is `content`, compressed with the
 * given filter name ("/FlateDecode"), or stored as is when filter is NULL. */
static GByteArray *pdf(const char *content, const char *filter)
{
	GByteArray *b = g_byte_array_new(), *c = filter ? deflate(content) : NULL;
	char *head = g_strdup_printf("%%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
				     "4 0 obj\n<< /Length %u%s%s >>\nstream\n",
				     c ? c->len : (guint)strlen(content), filter ? " /Filter " : "",
				     filter ? filter : "");

	g_byte_array_append(b, (const guint8 *)head, (guint)strlen(head));
	if (c)
		g_byte_array_append(b, c->data, c->len);
	else
		g_byte_array_append(b, (const guint8 *)content, (guint)strlen(content));
	g_byte_array_append(b, (const guint8 *)"\nendstream\nendobj\n%%EOF\n", 24);
	if (c)
		g_byte_array_free(c, TRUE);
	g_free(head);
	return b;
}

static char *text_of(GByteArray *b, size_t max_out, long long ratio, sm_pdf_status *st,
		     unsigned *streams)
{
	GString *g = g_string_new(NULL);
	GByteArray *raw = g_byte_array_new();
	sm_pdf_info in;

	*st = sm_pdf_text(b->data, b->len, max_out, ratio, g, raw, &in);
	*streams = in.streams;
	g_string_append_c(g, '\n');
	g_string_append_len(g, (const char *)raw->data, (gssize)raw->len);
	g_byte_array_free(raw, TRUE);
	return g_string_free(g, FALSE);
}

static void test_shown_strings(void)
{
	GByteArray *b = pdf("BT /F1 12 Tf 72 712 Td (Card no. 4000 0000 0000 0002) Tj ET\n"
			    "BT 72 690 Td [(Pass)-20(word: Hid)12(den\\(1\\)) -300 (next)] TJ ET\n"
			    "BT (oct\\101\\102) Tj (skipped) Tf ET",
			    "/FlateDecode");
	sm_pdf_status st;
	unsigned n;
	char *t = text_of(b, 1 << 20, 100, &st, &n);

	g_assert_true(sm_pdf_sniff(b->data, b->len));
	g_assert_cmpint(st, ==, SM_PDF_OK);
	g_assert_cmpuint(n, ==, 1);
	g_assert_nonnull(strstr(t, "Card no. 4000 0000 0000 0002\n"));
	g_assert_nonnull(strstr(t, "Password: Hidden(1) next\n")); /* pieces joined, a gap a space */
	g_assert_nonnull(strstr(t, "octAB\n"));
	g_assert_null(strstr(t, "skippedoct")); /* a string before another operator is not shown */
	g_free(t);
	g_byte_array_free(b, TRUE);
}

/* Two Flate streams: a page drawn in a CID font (hex glyph codes) and its
 * ToUnicode CMap after it in the file. */
static GByteArray *cid_pdf(const char *content, const char *cmap)
{
	GByteArray *b = pdf(content, "/FlateDecode"), *c = deflate(cmap);
	char *head = g_strdup_printf("9 0 obj\n<< /Length %u /Filter /FlateDecode >>\nstream\n", c->len);

	g_byte_array_append(b, (const guint8 *)head, (guint)strlen(head));
	g_byte_array_append(b, c->data, c->len);
	g_byte_array_append(b, (const guint8 *)"\nendstream\nendobj\n", 19);
	g_byte_array_free(c, TRUE);
	g_free(head);
	return b;
}

#define CMAP_JA "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n" \
	"1 begincodespacerange <0000> <FFFF> endcodespacerange\n" \
	"4 beginbfchar <0101> <30AB> <0102> <30FC> <0103> <30C9> <0104> <756A53F7> endbfchar\n" \
	"2 beginbfrange <0010> <0019> <0030> <0020> <0021> [<0020> <003A>] endbfrange\n" \
	"endcmap CMapName currentdict /CMap defineresource pop end end"

static void test_cid_fonts(void)
{
	/* カード番号: 4000 0000 0000 0002, the digits as codes 0x10-0x19, ' ' 0x20, ':' 0x21 */
	GByteArray *b = cid_pdf("BT /F2 10 Tf <0101010201030104> Tj <00210020> Tj "
				"[<0014001000100010>-120<0020001000100010>] TJ ET",
				CMAP_JA);
	sm_pdf_status st;
	unsigned n;
	char *t = text_of(b, 1 << 20, 100, &st, &n);

	g_assert_cmpint(st, ==, SM_PDF_OK);
	g_assert_cmpuint(n, ==, 2);
	g_assert_nonnull(strstr(t, "\xe3\x82\xab\xe3\x83\xbc\xe3\x83\x89\xe7\x95\xaa\xe5\x8f\xb7: 4000 000"));
	g_free(t);
	g_byte_array_free(b, TRUE);
	/* no map: the codes are not read (and nothing invented) */
	b = pdf("BT <0014001000100010> Tj ET", "/FlateDecode");
	t = text_of(b, 1 << 20, 100, &st, &n);
	g_assert_null(strstr(t, "4000"));
	g_free(t);
	g_byte_array_free(b, TRUE);
}

static void test_not_flate(void)
{
	sm_pdf_status st;
	unsigned n;
	GByteArray *b = pdf("BT (stored) Tj ET", NULL);
	char *t = text_of(b, 1 << 20, 100, &st, &n);

	g_assert_cmpuint(n, ==, 1); /* a "stream" keyword, not compressed: */
	g_assert_null(strstr(t, "stored")); /* the file's own strings show it */
	g_free(t);
	g_byte_array_free(b, TRUE);
	b = pdf("BT (image) Tj ET", "[/FlateDecode /DCTDecode]");
	t = text_of(b, 1 << 20, 100, &st, &n);
	g_assert_cmpuint(n, ==, 1);
	g_assert_null(strstr(t, "image"));
	g_free(t);
	g_byte_array_free(b, TRUE);
	g_assert_false(sm_pdf_sniff((const guint8 *)"PK\3\4", 4));
}

static void test_broken(void)
{
	GByteArray *b = pdf("BT (Some text that is long enough to compress) Tj ET", "/FlateDecode");
	guint8 *s = (guint8 *)g_strstr_len((const char *)b->data, b->len, "stream\n") + 7;
	sm_pdf_status st;
	unsigned n;
	char *t;

	s[4] ^= 0xff; /* corrupt the deflate data */
	s[5] ^= 0xff;
	t = text_of(b, 1 << 20, 100, &st, &n);
	g_assert_cmpint(st, ==, SM_PDF_PARTIAL);
	g_free(t);
	g_byte_array_free(b, TRUE);
}

static void test_limits(void)
{
	GString *big = g_string_new("BT (");
	GByteArray *b;
	sm_pdf_status st;
	unsigned n;
	char *t;
	size_t all;

	for (int i = 0; i < 4096; i++)
		g_string_append(big, "aaaaaaaaaaaaaaaa");
	g_string_append(big, ") Tj ET");
	all = big->len;
	b = pdf(big->str, "/FlateDecode");
	t = text_of(b, all, 100000, &st, &n); /* max_out at the stream's size */
	g_assert_cmpint(st, ==, SM_PDF_OK);
	g_free(t);
	t = text_of(b, all - 1, 100000, &st, &n); /* one byte less */
	g_assert_cmpint(st, ==, SM_PDF_LIMIT);
	g_free(t);
	t = text_of(b, 1 << 30, 10, &st, &n); /* 64 KiB from a few hundred bytes: past 10:1 */
	g_assert_cmpint(st, ==, SM_PDF_LIMIT);
	g_free(t);
	g_byte_array_free(b, TRUE);
	g_string_free(big, TRUE);
	/* "stream" keywords: SM_PDF_STREAMS_MAX of them are read, one more is a limit */
	b = g_byte_array_new();
	g_byte_array_append(b, (const guint8 *)"%PDF-1.4\n", 9);
	for (int i = 0; i < SM_PDF_STREAMS_MAX; i++)
		g_byte_array_append(b, (const guint8 *)"stream\n", 7);
	t = text_of(b, 1 << 20, 100, &st, &n);
	g_assert_cmpint(st, ==, SM_PDF_OK);
	g_assert_cmpuint(n, ==, SM_PDF_STREAMS_MAX);
	g_free(t);
	g_byte_array_append(b, (const guint8 *)"stream\n", 7);
	t = text_of(b, 1 << 20, 100, &st, &n);
	g_assert_cmpint(st, ==, SM_PDF_LIMIT);
	g_free(t);
	g_byte_array_free(b, TRUE);
}

static void append(GByteArray *b, const char *s)
{
	g_byte_array_append(b, (const guint8 *)s, (guint)strlen(s));
}

/* An /Encrypt entry in the trailer, or in a cross-reference stream's
 * dictionary: encrypted, whatever the streams hold (here plain Flate: the
 * text is still rendered, and the status says encrypted). */
static void test_encrypted(void)
{
	GByteArray *b = pdf("BT (Hello) Tj ET", "/FlateDecode");
	sm_pdf_status st;
	unsigned n;
	char *t;

	append(b, "5 0 obj\n<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>\nendobj\n"
		  "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R /Encrypt 5 0 R "
		  "/ID [<01><01>] >>\nstartxref\n0\n%%EOF\n");
	t = text_of(b, 1 << 20, 100, &st, &n);
	g_assert_cmpint(st, ==, SM_PDF_ENCRYPTED);
	g_free(t);
	g_byte_array_free(b, TRUE);
	/* PDF 1.5: no trailer, the cross-reference stream's dictionary says it */
	b = pdf("BT (Hello) Tj ET", "/FlateDecode");
	append(b, "7 0 obj\n<</Type/XRef/Size 8/W[1 2 1]/Root 1 0 R/Encrypt 6 0 R/Filter/FlateDecode"
		  "/Length 9>>\nstream\nxxxxxxxxx\nendstream\nendobj\nstartxref\n0\n%%EOF\n");
	t = text_of(b, 1 << 20, 100, &st, &n);
	g_assert_cmpint(st, ==, SM_PDF_ENCRYPTED); /* before PARTIAL (the stream is not zlib) */
	g_free(t);
	g_byte_array_free(b, TRUE);
}

/* Near misses: /EncryptMetadata, the word in a stream or a non-XRef
 * dictionary, a trailer without it; a huge /Encrypt dictionary is read
 * without trouble. */
static void test_not_encrypted(void)
{
	GByteArray *b = pdf("BT (see /Encrypt in the spec) Tj ET", NULL);
	GString *big = g_string_new("9 0 obj\n<< /Filter /Standard /O <");
	sm_pdf_status st;
	unsigned n;
	char *t;

	append(b, "8 0 obj\n<< /EncryptMetadata false /Note (/Encrypt) >>\nendobj\n"
		  "6 0 obj\n<</Type/ObjStm/Encrypt 1/Length 3>>\nstream\nabc\nendstream\nendobj\n"
		  "trailer\n<< /Size 9 /Root 1 0 R /EncryptMetadata true >>\nstartxref\n0\n%%EOF\n"
		  "/Encrypt 5 0 R\n"); /* after startxref: not the trailer's */
	t = text_of(b, 1 << 20, 100, &st, &n);
	g_assert_cmpint(st, ==, SM_PDF_OK);
	g_free(t);
	g_byte_array_free(b, TRUE);
	/* 4 MiB of /O: bounded, and encrypted */
	b = pdf("BT (Hello) Tj ET", "/FlateDecode");
	for (int i = 0; i < (1 << 20); i++)
		g_string_append(big, "00ff");
	g_string_append(big, "> >>\nendobj\ntrailer\n<< /Root 1 0 R /Encrypt 9 0 R >>\n");
	append(b, big->str);
	t = text_of(b, 1 << 20, 100, &st, &n);
	g_assert_cmpint(st, ==, SM_PDF_ENCRYPTED);
	g_free(t);
	g_byte_array_free(b, TRUE);
	g_string_free(big, TRUE);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/pdf/shown_strings", test_shown_strings);
	g_test_add_func("/pdf/cid_fonts", test_cid_fonts);
	g_test_add_func("/pdf/not_flate", test_not_flate);
	g_test_add_func("/pdf/broken", test_broken);
	g_test_add_func("/pdf/limits", test_limits);
	g_test_add_func("/pdf/encrypted", test_encrypted);
	g_test_add_func("/pdf/not_encrypted", test_not_encrypted);
	return g_test_run();
}
