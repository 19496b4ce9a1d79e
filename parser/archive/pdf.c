/*
 * pdf.c - the text a PDF carries inside its compressed streams (pdf.h).
 *
 * Not a PDF parser: the file is searched for its "stream" keywords; the
 * dictionary before one (back to its "obj", at most DICT_MAX bytes) says
 * whether the data is Flate alone (images and other filters are left:
 * they hold no text the detectors could read); the data runs to the next
 * "endstream".  Each such stream is inflated by GLib's zlib converter, its
 * shown strings rendered (render()), and the inflated bytes kept after the
 * rendered text, all in one output the caller reads as strings.
 *
 * Untrusted input: the whole file.  Limits: max_out inflated bytes in all,
 * max_ratio per stream, SM_PDF_STREAMS_MAX streams, DICT_MAX bytes of
 * dictionary; every search moves forward.
 */
#include "pdf.h"

#include <gio/gio.h>
#include <string.h>

#define DICT_MAX 2048
#define CHUNK    65536
#define GAP_SPACE (-200) /* a TJ adjustment this wide separates words */

bool sm_pdf_sniff(const uint8_t *d, size_t n)
{
	size_t m = n < 1024 ? n : 1024;

	return m >= 5 && g_strstr_len((const char *)d, (gssize)m, "%PDF-") != NULL;
}

static const uint8_t *find(const uint8_t *p, const uint8_t *e, const char *w)
{
	size_t k = strlen(w);

	while (p < e && (size_t)(e - p) >= k) {
		const uint8_t *q = memchr(p, w[0], (size_t)(e - p) - k + 1);

		if (!q)
			return NULL;
		if (memcmp(q, w, k) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

/* The dictionary before "stream" at s says Flate and no other filter. */
static bool flate_only(const uint8_t *d, const uint8_t *s)
{
	static const char *const other[] = {"/DCTDecode", "/JPXDecode", "/LZWDecode", "/ASCII85Decode",
					    "/ASCIIHexDecode", "/CCITTFaxDecode", "/JBIG2Decode",
					    "/RunLengthDecode", "/Crypt", "/A85", "/AHx", "/LZW", "/DCT"};
	const uint8_t *a = s - d > DICT_MAX ? s - DICT_MAX : d, *o = NULL, *q;
	size_t i;

	for (q = a; (q = find(q, s, "obj")); q += 3)
		o = q;
	if (o)
		a = o;
	if (!find(a, s, "/FlateDecode") && !find(a, s, "/Fl ") && !find(a, s, "/Fl]"))
		return false;
	for (i = 0; i < G_N_ELEMENTS(other); i++)
		if (find(a, s, other[i]))
			return false;
	return true;
}

/* Inflate src into out, at most cap bytes: 0 done, -1 broken, 1 at cap. */
static int inflate(const uint8_t *src, size_t n, size_t cap, GByteArray *out)
{
	GConverter *z = G_CONVERTER(g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB));
	uint8_t buf[CHUNK];
	int rc = -1;

	for (;;) {
		gsize rd = 0, wr = 0;
		GError *err = NULL;
		GConverterResult r = g_converter_convert(z, src, n, buf, sizeof(buf),
							 G_CONVERTER_INPUT_AT_END, &rd, &wr, &err);

		if (r == G_CONVERTER_ERROR) {
			g_error_free(err);
			break;
		}
		if (wr > cap - out->len) {
			g_byte_array_append(out, buf, (guint)(cap - out->len));
			rc = 1;
			break;
		}
		g_byte_array_append(out, buf, (guint)wr);
		src += rd;
		n -= rd;
		if (r == G_CONVERTER_FINISHED || (rd == 0 && wr == 0)) {
			rc = r == G_CONVERTER_FINISHED ? 0 : -1;
			break;
		}
	}
	g_object_unref(z);
	return rc;
}

/* A literal string at p ('(' ... ')', nested, with escapes) into g;
 * returns the byte after it. */
static const uint8_t *literal(const uint8_t *p, const uint8_t *e, GString *g)
{
	int depth = 1;

	for (p++; p < e; p++) {
		if (*p == '\\' && p + 1 < e) {
			p++;
			if (*p >= '0' && *p <= '7') {
				int v = 0, k = 0;

				for (; k < 3 && p < e && *p >= '0' && *p <= '7'; k++, p++)
					v = v * 8 + (*p - '0');
				p--;
				g_string_append_c(g, (char)v);
			} else if (*p == 'n' || *p == 'r')
				g_string_append_c(g, ' ');
			else if (*p != '\n' && *p != '\r')
				g_string_append_c(g, (char)*p);
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
		g_string_append_c(g, (char)*p);
	}
	return e;
}

static bool op_is(const uint8_t *p, size_t k, const char *op)
{
	return strlen(op) == k && memcmp(p, op, k) == 0;
}

/* The strings a content stream shows, a line per text line. */
static void render(const uint8_t *p, const uint8_t *e, GString *out)
{
	GString *pend = g_string_new(NULL);
	bool in_array = false;

	while (p < e) {
		if (*p == '(') {
			p = literal(p, e, pend);
		} else if (*p == '[') {
			in_array = true;
			p++;
		} else if (*p == ']') {
			in_array = false;
			p++;
		} else if (in_array && (*p == '-' || (*p >= '0' && *p <= '9') || *p == '.')) {
			char *end;
			double v = g_ascii_strtod((const char *)p, &end);

			if (end == (const char *)p || (const uint8_t *)end > e)
				end = (char *)p + 1;
			if (v <= GAP_SPACE)
				g_string_append_c(pend, ' ');
			p = (const uint8_t *)end;
		} else if (g_ascii_isalpha(*p) || *p == '\'' || *p == '"' || *p == '*') {
			const uint8_t *q = p;

			while (q < e && (g_ascii_isalnum(*q) || *q == '\'' || *q == '"' || *q == '*'))
				q++;
			if (op_is(p, (size_t)(q - p), "Tj") || op_is(p, (size_t)(q - p), "TJ") ||
			    op_is(p, (size_t)(q - p), "'") || op_is(p, (size_t)(q - p), "\""))
				g_string_append_len(out, pend->str, (gssize)pend->len);
			if (op_is(p, (size_t)(q - p), "ET") || op_is(p, (size_t)(q - p), "Td") ||
			    op_is(p, (size_t)(q - p), "TD") || op_is(p, (size_t)(q - p), "T*") ||
			    op_is(p, (size_t)(q - p), "Tm") || op_is(p, (size_t)(q - p), "'") ||
			    op_is(p, (size_t)(q - p), "\""))
				g_string_append_c(out, '\n');
			g_string_truncate(pend, 0);
			p = q;
		} else
			p++;
	}
	g_string_free(pend, TRUE);
}

sm_pdf_status sm_pdf_text(const uint8_t *d, size_t n, size_t max_out, long long max_ratio,
			  GString *out, unsigned *streams)
{
	const uint8_t *e = d + n, *p = d, *s;
	GByteArray *raw = g_byte_array_new();
	sm_pdf_status st = SM_PDF_OK;

	*streams = 0;
	while (st != SM_PDF_LIMIT && (s = find(p, e, "stream"))) {
		const uint8_t *a = s + 6, *z;
		size_t before = raw->len, cap;
		int rc;

		p = a;
		if (s > d && s[-1] == 'd') /* "endstream" */
			continue;
		if (a < e && *a == '\r')
			a++;
		if (a >= e || *a != '\n' || !flate_only(d, s))
			continue;
		a++;
		z = find(a, e, "endstream");
		if (!z)
			z = e;
		p = z;
		if (++*streams > SM_PDF_STREAMS_MAX) {
			st = SM_PDF_LIMIT;
			break;
		}
		cap = max_out - raw->len;
		if (max_ratio > 0 && (size_t)(z - a) < cap / (size_t)max_ratio)
			cap = (size_t)(z - a) * (size_t)max_ratio;
		rc = inflate(a, (size_t)(z - a), raw->len + cap, raw);
		if (rc == 1) /* max_out in all, or one stream past max_ratio: a bomb */
			st = SM_PDF_LIMIT;
		else if (rc < 0)
			st = SM_PDF_PARTIAL;
		render(raw->data + before, raw->data + raw->len, out);
	}
	g_string_append_c(out, '\n');
	g_string_append_len(out, (const char *)raw->data, (gssize)raw->len);
	g_byte_array_free(raw, TRUE);
	return st;
}
