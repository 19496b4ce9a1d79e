/*
 * pdf.c - the text a PDF carries inside its compressed streams (pdf.h).
 *
 * Not a PDF parser: the file is searched for its "stream" keywords; the
 * dictionary before one (back to its "obj", at most DICT_MAX bytes) says
 * whether the data is Flate alone (images and other filters are left:
 * they hold no text the detectors could read); the data runs to the next
 * "endstream".  Each such stream is inflated by GLib's zlib converter (a
 * stream without a filter is taken as it is), the fonts found
 * (pdf_font.c), the shown strings rendered (pdf_render.c), and the
 * inflated bytes kept after the rendered text, all in one output the caller
 * reads as strings.  An /Encrypt entry in a trailer (TRAILER_MAX bytes of
 * it) or a cross-reference stream's dictionary makes the PDF encrypted.
 *
 * Untrusted input: the whole file.  Limits: max_out inflated bytes in all,
 * max_ratio per stream, SM_PDF_STREAMS_MAX streams, DICT_MAX bytes of
 * dictionary, CMAP_MAX codes in the file's union of maps; every search
 * moves forward.
 */
#include "pdf_int.h"

#include <gio/gio.h>
#include <string.h>

#define DICT_MAX 2048
#define CHUNK    65536
#define CMAP_MAX 131072  /* codes mapped in the file's union of maps */
#define UNMAPPED_FEW 4    /* distinct unmapped codes a readable PDF may show */

bool sm_pdf_sniff(const uint8_t *d, size_t n)
{
	size_t m = n < 1024 ? n : 1024;

	return m >= 5 && g_strstr_len((const char *)d, (gssize)m, "%PDF-") != NULL;
}

const uint8_t *sm_pdf_find(const uint8_t *p, const uint8_t *e, const char *w)
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
bool sm_pdf_has_key(const uint8_t *p, const uint8_t *e, const char *key)
{
	size_t k = strlen(key);

	for (; (p = sm_pdf_find(p, e, key)); p += k)
		if (p + k >= e || !g_ascii_isalnum(p[k]))
			return true;
	return false;
}

/* Where the dictionary before "stream" at s starts: its "obj", at most
 * DICT_MAX bytes back. */
static const uint8_t *dict_of(const uint8_t *d, const uint8_t *s)
{
	const uint8_t *a = s - d > DICT_MAX ? s - DICT_MAX : d, *o = NULL, *q;

	for (q = a; (q = sm_pdf_find(q, s, "obj")); q += 3)
		o = q;
	return o ? o : a;
}

/* An /Encrypt entry in a trailer dictionary (up to its startxref, at most
 * TRAILER_MAX bytes: each byte looked at once). */
#define TRAILER_MAX 65536
static bool trailer_encrypted(const uint8_t *d, const uint8_t *e)
{
	const uint8_t *q, *x, *z;

	for (q = d; (q = sm_pdf_find(q, e, "trailer")); q = z) {
		z = (size_t)(e - q) > TRAILER_MAX ? q + TRAILER_MAX : e;
		if ((x = sm_pdf_find(q + 7, z, "startxref")))
			z = x;
		if (sm_pdf_has_key(q + 7, z, "/Encrypt"))
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

	if (!sm_pdf_find(a, s, "/FlateDecode") && !sm_pdf_find(a, s, "/Fl ") && !sm_pdf_find(a, s, "/Fl]"))
		return false;
	for (i = 0; i < G_N_ELEMENTS(other); i++)
		if (sm_pdf_find(a, s, other[i]))
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

/* The object number of the stream whose dictionary starts at dict (its
 * "obj"), or 0. */
static guint obj_of(const uint8_t *d, const uint8_t *dict)
{
	const uint8_t *q = dict;
	guint v = 0, m = 1;
	int k = 0;

	if (dict - d < 3 || memcmp(dict, "obj", 3) != 0)
		return 0;
	while (q > d && (q[-1] == ' ' || q[-1] == '\n' || q[-1] == '\r'))
		q--; /* the generation */
	while (q > d && g_ascii_isdigit(q[-1]) && k++ < 6)
		q--;
	while (q > d && (q[-1] == ' ' || q[-1] == '\n' || q[-1] == '\r'))
		q--;
	for (k = 0; q > d && g_ascii_isdigit(q[-1]) && k < 9; q--, k++, m *= 10)
		v += (guint)(q[-1] - '0') * m;
	return v;
}

/* The first "endstream" at or after a (e when none): the last answer is
 * kept in *z, so that "stream" keywords without one do not search the rest
 * of the file again each (the answer for a holds for every a' <= *z). */
static const uint8_t *end_of(const uint8_t **z, const uint8_t *a, const uint8_t *e)
{
	if (!*z || *z < a) {
		*z = sm_pdf_find(a, e, "endstream");
		if (!*z)
			*z = e;
	}
	return *z;
}

/* Every stream of the file into streams: the Flate ones inflated into raw
 * (within max_out in all and max_ratio each); info says what was met. */
static void read_streams(const uint8_t *d, size_t n, size_t max_out, long long max_ratio,
			 GByteArray *raw, GArray *streams, sm_pdf_info *info)
{
	const uint8_t *e = d + n, *p = d, *s, *ends = NULL;
	guint from = raw->len;

	while (!info->limit && (s = sm_pdf_find(p, e, "stream"))) {
		pdf_stream st = {dict_of(d, s), s, 0, raw->len, raw->len, NULL, NULL, false, false};
		const uint8_t *a = s + 6, *z;
		size_t cap;
		int rc;

		p = a;
		if (s > d && s[-1] == 'd') /* "endstream" */
			continue;
		if (++info->streams > SM_PDF_STREAMS_MAX) { /* every "stream" keyword counts */
			info->limit = true;
			break;
		}
		if (sm_pdf_has_key(st.dict, s, "/XRef") && sm_pdf_has_key(st.dict, s, "/Encrypt"))
			info->encrypted = true; /* a cross-reference stream's dictionary */
		if (a < e && *a == '\r')
			a++;
		if (a >= e || *a != '\n')
			continue;
		a++;
		z = end_of(&ends, a, e);
		st.obj = obj_of(d, st.dict);
		if (!sm_pdf_has_key(st.dict, s, "/Filter")) { /* stored as is */
			if (z == e)
				continue; /* no "endstream": a keyword met by chance */
			p = z;
			st.data = a;
			st.data_end = z;
			st.inflated = true;
			g_array_append_val(streams, st);
			continue;
		}
		if (!flate_only(st.dict, s))
			continue;
		p = z;
		cap = max_out - (raw->len - from);
		if (max_ratio > 0 && (size_t)(z - a) < cap / (size_t)max_ratio)
			cap = (size_t)(z - a) * (size_t)max_ratio;
		rc = inflate(a, (size_t)(z - a), raw->len + cap, raw);
		if (rc == 1) /* max_out in all, or one stream past max_ratio: a bomb */
			info->limit = true;
		st.failed = rc < 0;
		info->broken |= st.failed;
		st.inflated = true;
		st.end = raw->len;
		g_array_append_val(streams, st);
	}
}

sm_pdf_status sm_pdf_text(const uint8_t *d, size_t n, size_t max_out, long long max_ratio,
			  GString *text, GByteArray *raw, sm_pdf_info *info)
{
	GArray *streams = g_array_new(FALSE, FALSE, sizeof(pdf_stream));
	size_t budget = CMAP_MAX;
	pdf_cmap *all = sm_pdf_cmap_new(&budget);
	pdf_fonts *fonts;
	pdf_render r = {.all = all, .unmapped = g_hash_table_new_full(g_int64_hash, g_int64_equal,
								       g_free, NULL)};
	guint i;

	memset(info, 0, sizeof(*info));
	info->encrypted = trailer_encrypted(d, d + n);
	read_streams(d, n, max_out, max_ratio, raw, streams, info);
	g_byte_array_append(raw, (const guint8 *)"", 1); /* a NUL after the bytes, for strtod */
	g_byte_array_set_size(raw, raw->len - 1);
	for (i = 0; i < streams->len; i++) {
		pdf_stream *st = &g_array_index(streams, pdf_stream, i);

		if (!st->data) {
			st->data = raw->data + st->start;
			st->data_end = raw->data + st->end;
		}
		if (sm_pdf_find(st->data, st->data_end, "begincmap"))
			sm_pdf_cmap_read(all, st->data, st->data_end);
	}
	r.fonts = fonts = sm_pdf_fonts_new(d, n, streams, raw);
	for (i = 0; i < streams->len; i++) {
		const pdf_stream *st = &g_array_index(streams, pdf_stream, i);

		r.content = sm_pdf_fonts_content_stream(fonts, st);
		sm_pdf_render(&r, st->data, st->data_end, text);
		if (st->failed && sm_pdf_fonts_text_stream(r.fonts, st))
			info->lost++;
	}
	info->unmapped = g_hash_table_size(r.unmapped);
	info->unreadable = !info->encrypted && (info->lost || info->unmapped > UNMAPPED_FEW);
	sm_pdf_fonts_free(fonts);
	sm_pdf_cmap_free(all);
	g_hash_table_destroy(r.unmapped);
	g_array_free(streams, TRUE);
	return info->limit ? SM_PDF_LIMIT : info->encrypted ? SM_PDF_ENCRYPTED
	       : info->unreadable ? SM_PDF_UNREADABLE : info->broken ? SM_PDF_PARTIAL : SM_PDF_OK;
}
