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

/* Is the name key (with its slash) in p[0, e), whole (a delimiter after
 * it: "/Encrypt" is not "/EncryptMetadata")? */
static bool has_key(const uint8_t *p, const uint8_t *e, const char *key)
{
	size_t k = strlen(key);

	for (; (p = find(p, e, key)); p += k)
		if (p + k >= e || !g_ascii_isalnum(p[k]))
			return true;
	return false;
}

/* Where the dictionary before "stream" at s starts: its "obj", at most
 * DICT_MAX bytes back. */
static const uint8_t *dict_of(const uint8_t *d, const uint8_t *s)
{
	const uint8_t *a = s - d > DICT_MAX ? s - DICT_MAX : d, *o = NULL, *q;

	for (q = a; (q = find(q, s, "obj")); q += 3)
		o = q;
	return o ? o : a;
}

/* An /Encrypt entry in a trailer dictionary (up to its startxref, at most
 * TRAILER_MAX bytes: each byte looked at once). */
#define TRAILER_MAX 65536
static bool trailer_encrypted(const uint8_t *d, const uint8_t *e)
{
	const uint8_t *q, *x, *z;

	for (q = d; (q = find(q, e, "trailer")); q = z) {
		z = (size_t)(e - q) > TRAILER_MAX ? q + TRAILER_MAX : e;
		if ((x = find(q + 7, z, "startxref")))
			z = x;
		if (has_key(q + 7, z, "/Encrypt"))
			return true;
	}
	return false;
}

/* The dictionary a[0, s) says Flate and no other filter. */
static bool flate_only(const uint8_t *a, const uint8_t *s)
{
	static const char *const other[] = {"/DCTDecode", "/JPXDecode", "/LZWDecode", "/ASCII85Decode",
					    "/ASCIIHexDecode", "/CCITTFaxDecode", "/JBIG2Decode",
					    "/RunLengthDecode", "/Crypt", "/A85", "/AHx", "/LZW", "/DCT"};
	size_t i;

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

/* ---------------------------------------------------------- ToUnicode maps */

/* Glyph codes to text, from every ToUnicode CMap of the file (fonts are
 * not told apart: a code two fonts map differently reads as either). */
typedef struct cmap {
	GHashTable *m; /* (bytes << 24 | code) -> UTF-8 (g_free) */
} cmap;

#define CMAP_MAX 131072 /* codes mapped per file */

/* <hex> at p into b (an odd digit count ends with a 0); after the '>' */
static const uint8_t *hex(const uint8_t *p, const uint8_t *e, GByteArray *b)
{
	int hi = -1;

	for (p++; p < e && *p != '>'; p++) {
		int v = g_ascii_xdigit_value((char)*p);

		if (v < 0)
			continue;
		if (hi < 0)
			hi = v;
		else {
			guint8 c = (guint8)(hi << 4 | v);

			g_byte_array_append(b, &c, 1);
			hi = -1;
		}
	}
	if (hi >= 0) {
		guint8 c = (guint8)(hi << 4);

		g_byte_array_append(b, &c, 1);
	}
	return p < e ? p + 1 : e;
}

/* UTF-16BE b[0, n) as UTF-8 (g_free), or NULL. */
static char *utf16be(const guint8 *b, size_t n)
{
	GString *g = g_string_new(NULL);

	for (size_t i = 0; i + 1 < n; i += 2) {
		gunichar u = (gunichar)(b[i] << 8 | b[i + 1]);

		if (u >= 0xd800 && u < 0xdc00 && i + 3 < n) {
			gunichar l = (gunichar)(b[i + 2] << 8 | b[i + 3]);

			if (l >= 0xdc00 && l < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
				i += 2;
			}
		}
		if (u >= 0x20 && g_unichar_validate(u))
			g_string_append_unichar(g, u);
	}
	if (!g->len) {
		g_string_free(g, TRUE);
		return NULL;
	}
	return g_string_free(g, FALSE);
}

static guint32 code_of(const guint8 *b, size_t n)
{
	guint32 c = 0;

	for (size_t i = 0; i < n; i++)
		c = c << 8 | b[i];
	return c;
}

static void map_put(cmap *c, size_t len, guint32 code, char *utf8)
{
	if (!utf8 || len < 1 || len > 2 || g_hash_table_size(c->m) >= CMAP_MAX) {
		g_free(utf8);
		return;
	}
	g_hash_table_replace(c->m, GUINT_TO_POINTER((guint32)len << 24 | code), utf8);
}

/* One bfrange entry at p: <lo> <hi> <dst> (the last UTF-16 unit counts
 * up) or <lo> <hi> [<dst> ...]; after it. */
static const uint8_t *bfrange(cmap *c, const uint8_t *p, const uint8_t *e)
{
	GByteArray *lo = g_byte_array_new(), *hi = g_byte_array_new(), *d = g_byte_array_new();
	guint32 a, z, k;

	p = hex(p, e, lo);
	while (p < e && *p != '<')
		p++;
	p = hex(p, e, hi);
	while (p < e && *p != '<' && *p != '[')
		p++;
	a = code_of(lo->data, lo->len);
	z = code_of(hi->data, hi->len);
	if (p < e && *p == '[') {
		for (k = a, p++; p < e && *p != ']'; p++)
			if (*p == '<') {
				g_byte_array_set_size(d, 0);
				p = hex(p, e, d) - 1;
				if (k <= z)
					map_put(c, lo->len, k++, utf16be(d->data, d->len));
			}
	} else if (p < e) {
		p = hex(p, e, d);
		for (k = a; k <= z && k - a < CMAP_MAX && d->len >= 2 &&
			    g_hash_table_size(c->m) < CMAP_MAX; k++) {
			map_put(c, lo->len, k, utf16be(d->data, d->len));
			if (++d->data[d->len - 1] == 0)
				d->data[d->len - 2]++;
		}
	}
	g_byte_array_free(lo, TRUE);
	g_byte_array_free(hi, TRUE);
	g_byte_array_free(d, TRUE);
	return p;
}

/* The bfchar and bfrange sections of a CMap stream p[0, e). */
static void cmap_read(cmap *c, const uint8_t *p, const uint8_t *e)
{
	const uint8_t *q, *end;

	for (q = p; (q = find(q, e, "beginbfchar")); q = end) {
		GByteArray *src = g_byte_array_new(), *dst = g_byte_array_new();

		end = find(q, e, "endbfchar");
		end = end ? end : e;
		for (q += 11; q < end; q++) {
			if (*q != '<')
				continue;
			g_byte_array_set_size(src, 0);
			g_byte_array_set_size(dst, 0);
			q = hex(q, end, src);
			while (q < end && *q != '<')
				q++;
			if (q >= end)
				break;
			q = hex(q, end, dst) - 1;
			map_put(c, src->len, code_of(src->data, src->len), utf16be(dst->data, dst->len));
		}
		g_byte_array_free(src, TRUE);
		g_byte_array_free(dst, TRUE);
	}
	for (q = p; (q = find(q, e, "beginbfrange")); q = end) {
		end = find(q, e, "endbfrange");
		end = end ? end : e;
		for (q += 12; q < end; q++)
			if (*q == '<')
				q = bfrange(c, q, end) - 1;
	}
}

/* A hex string's glyph codes as text: two-byte codes first, then one. */
static void put_codes(const cmap *c, const GByteArray *b, GString *g)
{
	for (size_t i = 0; i < b->len;) {
		const char *u = NULL;

		if (i + 1 < b->len)
			u = g_hash_table_lookup(c->m, GUINT_TO_POINTER(2u << 24 | code_of(b->data + i, 2)));
		if (u) {
			g_string_append(g, u);
			i += 2;
			continue;
		}
		u = g_hash_table_lookup(c->m, GUINT_TO_POINTER(1u << 24 | b->data[i]));
		if (u)
			g_string_append(g, u);
		i++;
	}
}

/* A byte of a literal string: PDFDocEncoding and WinAnsi agree with
 * Latin-1 on the characters that matter here; controls become spaces. */
static void put_byte(GString *g, unsigned b)
{
	if (b < 0x20 || b == 0x7f)
		g_string_append_c(g, ' ');
	else if (b < 0x80)
		g_string_append_c(g, (char)b);
	else
		g_string_append_unichar(g, b);
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
				put_byte(g, (unsigned)v);
			} else if (*p == 'n' || *p == 'r')
				g_string_append_c(g, ' ');
			else if (*p != '\n' && *p != '\r')
				put_byte(g, *p);
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
		put_byte(g, *p);
	}
	return e;
}

static bool op_is(const uint8_t *p, size_t k, const char *op)
{
	return strlen(op) == k && memcmp(p, op, k) == 0;
}

/* The strings a content stream shows, a line per text line. */
static void render(const cmap *c, const uint8_t *p, const uint8_t *e, GString *out)
{
	GString *pend = g_string_new(NULL);
	GByteArray *codes = g_byte_array_new();
	bool in_array = false;

	while (p < e) {
		if (*p == '(') {
			p = literal(p, e, pend);
		} else if (*p == '<' && p + 1 < e && p[1] == '<') {
			p += 2;
		} else if (*p == '<') {
			g_byte_array_set_size(codes, 0);
			p = hex(p, e, codes);
			put_codes(c, codes, pend);
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
	g_byte_array_free(codes, TRUE);
}

sm_pdf_status sm_pdf_text(const uint8_t *d, size_t n, size_t max_out, long long max_ratio,
			  GString *text, GByteArray *raw, sm_pdf_info *info)
{
	const uint8_t *e = d + n, *p = d, *s;
	GArray *ends = g_array_new(FALSE, FALSE, sizeof(guint)); /* where each stream ends in raw */
	cmap c = {g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free)};
	guint from = raw->len, i;

	memset(info, 0, sizeof(*info));
	info->encrypted = trailer_encrypted(d, e);
	while (!info->limit && (s = find(p, e, "stream"))) {
		const uint8_t *a = s + 6, *z, *dict;
		size_t cap;
		int rc;

		p = a;
		if (s > d && s[-1] == 'd') /* "endstream" */
			continue;
		if (++info->streams > SM_PDF_STREAMS_MAX) { /* every "stream" keyword counts */
			info->limit = true;
			break;
		}
		dict = dict_of(d, s);
		if (has_key(dict, s, "/XRef") && has_key(dict, s, "/Encrypt"))
			info->encrypted = true; /* a cross-reference stream's dictionary */
		if (a < e && *a == '\r')
			a++;
		if (a >= e || *a != '\n' || !flate_only(dict, s))
			continue;
		a++;
		z = find(a, e, "endstream");
		if (!z)
			z = e;
		p = z;
		cap = max_out - (raw->len - from);
		if (max_ratio > 0 && (size_t)(z - a) < cap / (size_t)max_ratio)
			cap = (size_t)(z - a) * (size_t)max_ratio;
		rc = inflate(a, (size_t)(z - a), raw->len + cap, raw);
		if (rc == 1) /* max_out in all, or one stream past max_ratio: a bomb */
			info->limit = true;
		else if (rc < 0)
			info->broken = true;
		g_array_append_val(ends, raw->len);
	}
	for (i = 0, p = raw->data + from; i < ends->len; p = raw->data + g_array_index(ends, guint, i++))
		if (find(p, raw->data + g_array_index(ends, guint, i), "begincmap"))
			cmap_read(&c, p, raw->data + g_array_index(ends, guint, i));
	for (i = 0, p = raw->data + from; i < ends->len; p = raw->data + g_array_index(ends, guint, i++))
		render(&c, p, raw->data + g_array_index(ends, guint, i), text);
	g_hash_table_destroy(c.m);
	g_array_free(ends, TRUE);
	return info->limit ? SM_PDF_LIMIT : info->encrypted ? SM_PDF_ENCRYPTED
	       : info->broken ? SM_PDF_PARTIAL : SM_PDF_OK;
}
