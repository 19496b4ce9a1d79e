/*
 * test_msg.c - transfer decoding of a part (msg.h): a part is either read
 * completely or reported as cut, never both.  Every transfer encoding
 * (7bit, 8bit, base64, quoted-printable, uuencode) at decoded lengths
 * around the read limit and around the decoder's 64 KiB input chunks:
 * limit - 1, limit, limit + 1, and one encoded line either side.
 */
#include "msg.h"
#include "testmsg.h"
#include "testutil.h"

#include <stdio.h>

static const sm_limits lim = {
	.max_message_bytes = 64 << 20, .max_parts = 100, .max_depth = 10,
	.max_header_bytes = 65536, .max_headers = 100, .max_part_bytes = 64 << 20,
	.max_total_bytes = 64 << 20, .max_findings = 100,
};

/* n bytes of text with '=' and 8-bit bytes in it (QP must escape them). */
static GByteArray *content(size_t n)
{
	GByteArray *a = g_byte_array_sized_new((guint)n);

	for (size_t i = 0; i < n; i++) {
		guint8 c = (guint8)('a' + (i * 7 + i / 13) % 26);

		if (i % 61 == 60)
			c = '\n';
		else if (i % 97 == 5)
			c = '=';
		else if (i % 89 == 7)
			c = 0xe3;
		g_byte_array_append(a, &c, 1);
	}
	return a;
}

static void enc_base64(GString *out, const GByteArray *a)
{
	char *b = g_base64_encode(a->data, a->len);
	size_t n = strlen(b);

	for (size_t i = 0; i < n; i += 76) {
		g_string_append_len(out, b + i, (gssize)(n - i < 76 ? n - i : 76));
		g_string_append_c(out, '\n');
	}
	g_free(b);
}

static void enc_qp(GString *out, const GByteArray *a)
{
	size_t col = 0;

	for (guint i = 0; i < a->len; i++) {
		guint8 c = a->data[i];

		if (c == '\n') {
			g_string_append_c(out, '\n');
			col = 0;
			continue;
		}
		if (col >= 72) {
			g_string_append(out, "=\n");
			col = 0;
		}
		if (c == '=' || c >= 0x80) {
			g_string_append_printf(out, "=%02X", c);
			col += 3;
		} else {
			g_string_append_c(out, (char)c);
			col++;
		}
	}
	g_string_append(out, "=\n"); /* no line end added to the content */
}

static char uu_char(unsigned v)
{
	return v ? (char)(' ' + (v & 63)) : '`';
}

static void enc_uu(GString *out, const GByteArray *a)
{
	g_string_append(out, "begin 644 data.txt\n");
	for (guint i = 0; i < a->len; i += 45) {
		guint n = a->len - i < 45 ? a->len - i : 45;

		g_string_append_c(out, uu_char(n));
		for (guint j = 0; j < n; j += 3) {
			guint8 b0 = a->data[i + j];
			guint8 b1 = j + 1 < n ? a->data[i + j + 1] : 0;
			guint8 b2 = j + 2 < n ? a->data[i + j + 2] : 0;

			g_string_append_c(out, uu_char(b0 >> 2));
			g_string_append_c(out, uu_char(((b0 & 3) << 4) | (b1 >> 4)));
			g_string_append_c(out, uu_char(((b1 & 15) << 2) | (b2 >> 6)));
			g_string_append_c(out, uu_char(b2 & 63));
		}
		g_string_append_c(out, '\n');
	}
	g_string_append(out, "`\nend\n");
}

/* A one-part message whose body encodes a in enc. */
static GString *message(const char *enc, const GByteArray *a)
{
	GString *m = g_string_new(NULL);

	g_string_append_printf(m, "From: a@example.com\nSubject: t\nMIME-Version: 1.0\n"
			       "Content-Type: text/plain; charset=utf-8\n"
			       "Content-Transfer-Encoding: %s\n\n", enc);
	if (strcmp(enc, "base64") == 0)
		enc_base64(m, a);
	else if (strcmp(enc, "quoted-printable") == 0)
		enc_qp(m, a);
	else if (strcmp(enc, "x-uuencode") == 0)
		enc_uu(m, a);
	else
		g_string_append_len(m, (const char *)a->data, (gssize)a->len);
	return m;
}

/* Decode a part of n content bytes with limit max; check cut/complete and
 * that what was read is exactly the content's start. */
static void check(const char *enc, size_t n, size_t max)
{
	GByteArray *a = content(n);
	GString *raw = message(enc, a);
	sm_msg *m = sm_msg_parse((const uint8_t *)raw->str, raw->len, &lim);
	GByteArray *out = g_byte_array_new();
	size_t want = n < max ? n : max;
	int cut;

	g_assert_nonnull(m);
	if (!m || m->status != SM_MSG_OK)
		goto out;
	cut = sm_msg_decode(m, mime_part(m, 0), max, out);
	if (cut != (n > max) || out->len != want || memcmp(out->data, a->data, want) != 0) {
		g_test_message("%s: %zu bytes, max %zu: cut %d, read %u", enc, n, max, cut,
			       out->len);
		g_test_fail();
	}
out:
	sm_msg_free(m);
	g_byte_array_free(out, TRUE);
	g_string_free(raw, TRUE);
	g_byte_array_free(a, TRUE);
}

static const char *const encs[] = {"7bit", "8bit", "base64", "quoted-printable", "x-uuencode"};

/* Around the classification sample (64 KiB) and the decoder's input chunks:
 * a part of 80,049 bytes used to be reported complete with 65,536 read. */
static void test_decode_boundaries(void)
{
	static const size_t maxes[] = {65536, 100000, 4096};
	static const long deltas[] = {-77, -1, 0, 1, 77, 14513};

	for (guint e = 0; e < G_N_ELEMENTS(encs); e++)
		for (guint k = 0; k < G_N_ELEMENTS(maxes); k++)
			for (guint d = 0; d < G_N_ELEMENTS(deltas); d++)
				check(encs[e], (size_t)((long)maxes[k] + deltas[d]), maxes[k]);
}

/* Encoded sizes that end a 64 KiB input chunk exactly, or one line on. */
static void test_decode_chunk_edges(void)
{
	/* base64: 76 columns + LF = 57 decoded bytes a line */
	static const size_t sizes[] = {49152, 65535, 65536, 65537, 98304, 131072, 131073};

	for (guint e = 0; e < G_N_ELEMENTS(encs); e++)
		for (guint k = 0; k < G_N_ELEMENTS(sizes); k++) {
			check(encs[e], sizes[k], 65536);
			check(encs[e], sizes[k], sizes[k]);
			check(encs[e], sizes[k], sizes[k] - 1);
			check(encs[e], sizes[k], sizes[k] + 57);
		}
}

/* uuencode as encoders that write a space for zero bits do (Python's
 * binascii, old uuencode), then trailing spaces stripped by a server: every
 * line gives exactly the bytes its length character says. */
static void enc_uu_stripped(GString *out, const GByteArray *a, const char *eol)
{
	g_string_append_printf(out, "begin 644 data.zip%s", eol);
	for (guint i = 0; i < a->len; i += 45) {
		guint n = a->len - i < 45 ? a->len - i : 45;
		GString *line = g_string_new(NULL);

		g_string_append_c(line, (char)(' ' + n));
		for (guint j = 0; j < n; j += 3) {
			guint8 b0 = a->data[i + j];
			guint8 b1 = j + 1 < n ? a->data[i + j + 1] : 0;
			guint8 b2 = j + 2 < n ? a->data[i + j + 2] : 0;

			g_string_append_c(line, (char)(' ' + (b0 >> 2)));
			g_string_append_c(line, (char)(' ' + (((b0 & 3) << 4) | (b1 >> 4))));
			g_string_append_c(line, (char)(' ' + (((b1 & 15) << 2) | (b2 >> 6))));
			g_string_append_c(line, (char)(' ' + (b2 & 63)));
		}
		while (line->len && line->str[line->len - 1] == ' ')
			g_string_truncate(line, line->len - 1);
		g_string_append_printf(out, "%s%s", line->str, eol);
		g_string_free(line, TRUE);
	}
	g_string_append_printf(out, "%send%s", eol, eol); /* " " stripped to "" */
}

static void test_uu_stripped(void)
{
	static const char *const eols[] = {"\n", "\r\n"};
	static const size_t sizes[] = {1, 2, 3, 44, 45, 46, 90, 4096, 70001};

	for (guint e = 0; e < G_N_ELEMENTS(eols); e++)
		for (guint k = 0; k < G_N_ELEMENTS(sizes); k++) {
			GByteArray *a = content(sizes[k]);
			GString *raw = g_string_new(NULL);
			GByteArray *out = g_byte_array_new();
			sm_msg *m;

			/* runs of zero bytes: whole lines of spaces, lines ending in them */
			for (guint i = 0; i < a->len; i++)
				if (i % 200 < 50 || i % 45 > 40 || i == a->len - 1)
					a->data[i] = 0;
			g_string_append_printf(raw, "From: a@example.com%sSubject: t%s"
					       "Content-Type: application/zip%s"
					       "Content-Transfer-Encoding: x-uuencode%s%s",
					       eols[e], eols[e], eols[e], eols[e], eols[e]);
			enc_uu_stripped(raw, a, eols[e]);
			m = sm_msg_parse((const uint8_t *)raw->str, raw->len, &lim);
			g_assert_cmpint(m->status, ==, SM_MSG_OK);
			if (m->status == SM_MSG_OK) {
				int cut = sm_msg_decode(m, mime_part(m, 0), 1 << 20, out);

				g_assert_cmpint(cut, ==, 0);
				g_assert_cmpuint(out->len, ==, a->len);
				g_assert_true(out->len == a->len &&
					      memcmp(out->data, a->data, a->len) == 0);
			}
			sm_msg_free(m);
			g_byte_array_free(out, TRUE);
			g_string_free(raw, TRUE);
			g_byte_array_free(a, TRUE);
		}
}

/* Lines that are not uuencoded are skipped; "end" or a zero length ends it;
 * characters past a line's length are ignored. */
static void test_uu_lines(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"#86)C\n", "abc"},             /* whole */
		{"#86)C\r\n", "abc"},           /* CRLF */
		{"#86)CXYZ\n", "abc"},          /* longer than its length: the rest ignored */
		{"$86)C\n", "abc\0"},          /* short: zero bits */
		{"begin 644 x\n#86)C\nend\n#86)C\n", "abc"},
		{"#86)C\n`\n#86)C\n", "abc"}, /* length zero ends */
		{"\n#86)C\n\n", "abc"},        /* empty lines skipped */
		{"#86)C", "abc"},                /* no line end: the flush */
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		sm_dec d;
		size_t n = strlen(cases[i].in), want = strlen(cases[i].out) + (i == 3);
		uint8_t *buf;
		size_t got;

		sm_dec_init(&d, GMIME_CONTENT_ENCODING_UUENCODE);
		buf = g_malloc(sm_dec_outlen(&d, n));
		got = sm_dec_step(&d, (const uint8_t *)cases[i].in, n, buf);
		got += sm_dec_flush(&d, buf + got);
		g_assert_cmpuint(got, ==, want);
		g_assert_true(got == want && memcmp(buf, cases[i].out, want) == 0);
		g_free(buf);
	}
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/msg/decode/boundaries", test_decode_boundaries);
	g_test_add_func("/msg/decode/chunk_edges", test_decode_chunk_edges);
	g_test_add_func("/msg/decode/uu_stripped", test_uu_stripped);
	g_test_add_func("/msg/decode/uu_lines", test_uu_lines);
	return g_test_run();
}
