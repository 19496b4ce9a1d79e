/*
 * test_pdf.c - PDF streams inflated and their shown strings rendered
 * (parser/archive/pdf.c): Tj and TJ (pieces joined, a wide gap a space),
 * escapes, other filters left alone, broken data, and the limits (bytes in
 * all, the ratio of one stream) at and one past them.  Encryption (trailer,
 * cross-reference stream; near misses); fonts: a composite font's codes
 * without a map are unreadable (more than 4 distinct, at and one past),
 * with a map or a predefined CMap's charset they read; a simple font's hex
 * strings are bytes; page text that does not inflate is lost, a broken
 * image is not; fonts in object streams; hostile objects.  The test texts
 * hold no real secret.
 */
#include "pdf.h"
#include "testutil.h"

#include <gio/gio.h>
#include <stdio.h>
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
	g_assert_nonnull(strstr(t, "stored\n")); /* rendered all the same (its fonts matter) */
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

/* A PDF of objects 1..n: "S:dict\001data" a Flate stream, "R:dict\001data" a
 * stream stored as is, "B:dict\001data" a stream whose Flate data is broken,
 * anything else the object's text. */
static GByteArray *doc(const char *const *objs, int n)
{
	GByteArray *b = g_byte_array_new();

	append(b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
	for (int i = 0; i < n; i++) {
		char *h = g_strdup_printf("%d 0 obj\n", i + 1);
		const char *o = objs[i], *sep = strchr(o, '\001');

		append(b, h);
		g_free(h);
		if (sep && o[1] == ':') {
			char *dict = g_strndup(o + 2, (gsize)(sep - o - 2));
			GByteArray *z = o[0] == 'R' ? NULL : deflate(sep + 1);
			guint len = z ? z->len : (guint)strlen(sep + 1);

			if (z && o[0] == 'B')
				for (guint k = 2; k < z->len; k += 3)
					z->data[k] ^= 0x5a;
			h = g_strdup_printf("<< %s /Length %u%s >>\nstream\n", dict, len,
					    z ? " /Filter /FlateDecode" : "");
			append(b, h);
			if (z)
				g_byte_array_append(b, z->data, z->len);
			else
				append(b, sep + 1);
			append(b, "\nendstream");
			if (z)
				g_byte_array_free(z, TRUE);
			g_free(dict);
			g_free(h);
		} else
			append(b, o);
		append(b, "\nendobj\n");
	}
	append(b, "trailer\n<< /Root 1 0 R >>\n%%EOF\n");
	return b;
}

#define CATALOG "<< /Type /Catalog /Pages 2 0 R >>"
#define PAGES "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
#define PAGE(fonts) "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << " \
	fonts " >> >> >>"
#define HELV "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
#define TYPE0(enc, extra) "<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+MS-Mincho " \
	"/Encoding /" enc " /DescendantFonts [7 0 R]" extra " >>"
#define CIDFONT "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+MS-Mincho " \
	"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
#define TOUNI(body) "S:/Type /CMap\001/CIDInit /ProcSet findresource begin begincmap\n" body \
	"\nendcmap end"

static sm_pdf_status doc_status(const char *const *objs, int n, sm_pdf_info *in, char **text)
{
	GByteArray *b = doc(objs, n), *raw = g_byte_array_new();
	GString *g = g_string_new(NULL);
	sm_pdf_status st = sm_pdf_text(b->data, b->len, 1 << 20, 100, g, raw, in);

	g_byte_array_free(b, TRUE);
	g_byte_array_free(raw, TRUE);
	if (text)
		*text = g_string_free(g, FALSE);
	else
		g_string_free(g, TRUE);
	return st;
}

/* A composite font (Identity-H) without ToUnicode: the codes it shows
 * cannot be read: unreadable, in hex strings and in literal ones; with a
 * map that names them all it reads. */
static void test_cid_unmapped(void)
{
	const char *objs[] = {CATALOG, PAGES, PAGE("/F1 5 0 R /F2 6 0 R"),
			      "S:\001BT /F2 12 Tf 72 700 Td <0011001200130014001500160017> Tj ET",
			      HELV, TYPE0("Identity-H", ""), CIDFONT, TOUNI("")};
	sm_pdf_info in;
	char *t;

	g_assert_cmpint(doc_status(objs, 7, &in, NULL), ==, SM_PDF_UNREADABLE);
	g_assert_cmpuint(in.unmapped, ==, 7);
	g_assert_cmpuint(in.lost, ==, 0);
	objs[3] = "S:\001BT /F2 12 Tf [(\\000\\021\\000\\022\\000\\023)-250(\\000\\024\\000\\025)] TJ ET";
	g_assert_cmpint(doc_status(objs, 7, &in, NULL), ==, SM_PDF_UNREADABLE);
	g_assert_cmpuint(in.unmapped, ==, 5);
	/* its ToUnicode: read (and the same codes under the Helvetica: bytes) */
	objs[3] = "S:\001BT /F2 12 Tf <0011001200130014001500160017> Tj ET BT /F1 9 Tf <48656C6C6F> Tj ET";
	objs[5] = TYPE0("Identity-H", " /ToUnicode 8 0 R");
	objs[7] = TOUNI("1 beginbfrange <0011> <0017> <0041> endbfrange");
	g_assert_cmpint(doc_status(objs, 8, &in, &t), ==, SM_PDF_OK);
	g_assert_nonnull(strstr(t, "ABCDEFG\nHello\n"));
	g_free(t);
}

/* The rule: more than UNMAPPED_FEW (4) distinct codes no map names.  A
 * map missing a bullet or a ligature, used often, still reads. */
static void test_cid_few_unmapped(void)
{
	const char *objs[] = {CATALOG, PAGES, PAGE("/F2 6 0 R"),
			      "S:\001BT /F2 12 Tf <00110012 0090 0091 0092 0093 0090 0090> Tj ET", HELV,
			      TYPE0("Identity-H", " /ToUnicode 8 0 R"), CIDFONT,
			      TOUNI("2 beginbfchar <0011> <0041> <0012> <0042> endbfchar"), NULL};
	sm_pdf_info in;
	char *t;

	g_assert_cmpint(doc_status(objs, 8, &in, &t), ==, SM_PDF_OK); /* 4: at the limit */
	g_assert_cmpuint(in.unmapped, ==, 4);
	g_assert_nonnull(strstr(t, "AB"));
	g_free(t);
	objs[3] = "S:\001BT /F2 12 Tf <00110012 0090 0091 0092 0093 0094> Tj ET";
	g_assert_cmpint(doc_status(objs, 8, &in, NULL), ==, SM_PDF_UNREADABLE); /* 5 */
	g_assert_cmpuint(in.unmapped, ==, 5);
	/* unmapped codes in a string never shown (a Tf operand) do not count */
	objs[3] = "S:\001BT <0090009100920093009400950096> /F2 12 Tf <0011> Tj ET";
	g_assert_cmpint(doc_status(objs, 8, &in, NULL), ==, SM_PDF_OK);
	/* nor the bytes of a font program after the page (no page content) */
	objs[8] = "R:/Length1 99\001(\\220\\221\\222\\223\\224\\225)' <9091929394959697> Tj";
	g_assert_cmpint(doc_status(objs, 9, &in, NULL), ==, SM_PDF_OK);
	g_assert_cmpuint(in.unmapped, ==, 0);
}

/* Near misses that read: a font without ToUnicode never used; a simple
 * font's hex strings (bytes, not CIDs); predefined CMaps of a charset. */
static void test_cid_near_misses(void)
{
	const char *objs[] = {CATALOG, PAGES, PAGE("/F1 5 0 R /F2 6 0 R"),
			      "S:\001BT /F1 12 Tf (Plain text) Tj <50617373> Tj ET", HELV,
			      TYPE0("Identity-H", ""), CIDFONT};
	sm_pdf_info in;
	char *t;

	g_assert_cmpint(doc_status(objs, 7, &in, &t), ==, SM_PDF_OK);
	g_assert_nonnull(strstr(t, "Plain textPass\n"));
	g_free(t);
	/* 90ms-RKSJ-H (a non-embedded Japanese font): Shift_JIS, no map needed */
	objs[5] = TYPE0("90ms-RKSJ-H", "");
	objs[3] = "S:\001BT /F2 12 Tf <83708358838F815B8368> Tj (\\203p\\203X) Tj ET";
	g_assert_cmpint(doc_status(objs, 7, &in, &t), ==, SM_PDF_OK);
	g_assert_nonnull(strstr(t, "パスワードパス\n"));
	g_free(t);
	objs[5] = TYPE0("UniJIS-UCS2-H", "");
	objs[3] = "S:\001BT /F2 12 Tf <30D130B930EF30FC30C9> Tj ET";
	g_assert_cmpint(doc_status(objs, 7, &in, &t), ==, SM_PDF_OK);
	g_assert_nonnull(strstr(t, "パスワード\n"));
	g_free(t);
	objs[5] = TYPE0("H", ""); /* JIS X 0208 row and cell */
	objs[3] = "S:\001BT /F2 12 Tf <25512539256F213C2549> Tj ET";
	g_assert_cmpint(doc_status(objs, 7, &in, &t), ==, SM_PDF_OK);
	g_assert_nonnull(strstr(t, "パスワード\n"));
	g_free(t);
	objs[5] = TYPE0("EUC-H", "");
	objs[3] = "S:\001BT /F2 12 Tf <A5D1A5B9A5EFA1BCA5C9> Tj ET";
	g_assert_cmpint(doc_status(objs, 7, &in, &t), ==, SM_PDF_OK);
	g_assert_nonnull(strstr(t, "パスワード\n"));
	g_free(t);
	/* a scan: only an image (DCT), no text */
	objs[3] = "S:\001q 612 0 0 792 0 0 cm /Im1 Do Q";
	objs[4] = "R:/Type /XObject /Subtype /Image /Filter /DCTDecode /Width 1 /Height 1\001\xff\xd8\xff\xe0";
	g_assert_cmpint(doc_status(objs, 5, &in, NULL), ==, SM_PDF_OK);
}

/* Page text that cannot be inflated is lost: unreadable; a broken image
 * or font program is not (PARTIAL, as before). */
static void test_lost_streams(void)
{
	const char *objs[] = {CATALOG, PAGES, PAGE("/F1 5 0 R"),
			      "B:\001BT /F1 12 Tf (Some text that is long enough to compress) Tj ET",
			      HELV,
			      "B:/Type /XObject /Subtype /Image /Width 8 /Height 8 /BitsPerComponent 8\001"
			      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"};
	sm_pdf_info in;

	g_assert_cmpint(doc_status(objs, 6, &in, NULL), ==, SM_PDF_UNREADABLE);
	g_assert_cmpuint(in.lost, ==, 1);
	objs[3] = "S:\001BT /F1 12 Tf (Some text) Tj ET";
	g_assert_cmpint(doc_status(objs, 6, &in, NULL), ==, SM_PDF_PARTIAL);
	g_assert_cmpuint(in.lost, ==, 0);
	g_assert_true(in.broken);
	/* a form XObject's content, and a ToUnicode map, hold text too */
	objs[5] = "B:/Type /XObject /Subtype /Form /BBox [0 0 10 10]\001BT (form text here) Tj ET";
	g_assert_cmpint(doc_status(objs, 6, &in, NULL), ==, SM_PDF_UNREADABLE);
}

/* Fonts in an object stream (PDF 1.5: Word, Acrobat, qpdf): found there. */
static void test_object_stream(void)
{
	const char *objs[] = {CATALOG, PAGES, PAGE("/F2 6 0 R"),
			      "S:\001BT /F2 12 Tf <00110012001300140015> Tj ET",
			      "S:/Type /ObjStm /N 2 /First 9\001"
			      "6 0 7 95 "
			      TYPE0("Identity-H", "") "\n" CIDFONT};
	sm_pdf_info in;
	char *t;

	g_assert_cmpint(doc_status(objs, 5, &in, NULL), ==, SM_PDF_UNREADABLE);
	g_assert_cmpuint(in.unmapped, ==, 5);
	/* an encrypted one is encrypted, not unreadable */
	objs[2] = PAGE("/F2 6 0 R") "\nendobj\ntrailer\n<< /Encrypt 9 0 R >>\n";
	g_assert_cmpint(doc_status(objs, 5, &in, &t), ==, SM_PDF_ENCRYPTED);
	g_assert_false(in.unreadable);
	g_free(t);
}

/* Hostile structure: fonts that are absent, refer to themselves, object
 * streams with lying headers; a definite status, nothing invented. */
static void test_hostile_objects(void)
{
	const char *objs[] = {CATALOG, PAGES, PAGE("/F1 99 0 R /F2 3 0 R /F3 4 0 R"),
			      "S:\001BT /F1 1 Tf <0011> Tj /F2 1 Tf (x) Tj /F3 1 Tf (y) Tj /F9 Tf (z) Tj ET",
			      "S:/Type /ObjStm /N 2000000000 /First 99999999999\0016 0 7 5",
			      "S:/Type /ObjStm /N 3 /First 4\0019 0 8 999999 7 -5 "
			      "<< /Font 6 0 R >>",
			      "<< /Font 6 0 R /F4 6 0 R >>"};
	sm_pdf_info in;
	char *t;

	g_assert_cmpint(doc_status(objs, 7, &in, &t), ==, SM_PDF_OK);
	g_assert_nonnull(strstr(t, "xyz"));
	g_free(t);
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
	g_test_add_func("/pdf/cid_unmapped", test_cid_unmapped);
	g_test_add_func("/pdf/cid_few_unmapped", test_cid_few_unmapped);
	g_test_add_func("/pdf/cid_near_misses", test_cid_near_misses);
	g_test_add_func("/pdf/lost_streams", test_lost_streams);
	g_test_add_func("/pdf/object_stream", test_object_stream);
	g_test_add_func("/pdf/hostile_objects", test_hostile_objects);
	return g_test_run();
}
