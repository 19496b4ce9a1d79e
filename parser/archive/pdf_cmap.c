/*
 * pdf_cmap.c - ToUnicode CMaps: a font's glyph codes back to text
 * (pdf_int.h).  The bfchar and bfrange sections are read; the codespace
 * is not (codes of one and two bytes are told apart by their hex digits).
 *
 * Untrusted input: an inflated CMap stream.  Limits: every map of a file
 * shares one budget of mapped codes (a bfrange of 2^32 codes stops there);
 * every search moves forward.
 */
#include "pdf_int.h"

#include <string.h>

pdf_cmap *sm_pdf_cmap_new(size_t *budget)
{
	pdf_cmap *c = g_new0(pdf_cmap, 1);

	c->m = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	c->budget = budget;
	return c;
}

void sm_pdf_cmap_free(pdf_cmap *c)
{
	if (!c)
		return;
	g_hash_table_destroy(c->m);
	g_free(c);
}

const uint8_t *sm_pdf_hex(const uint8_t *p, const uint8_t *e, GByteArray *b)
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

/* UTF-16BE b[0, n) as UTF-8 (g_free): "" when nothing printable is in it
 * (a glyph mapped to a control is mapped all the same), NULL for n < 2. */
static char *utf16be(const guint8 *b, size_t n)
{
	GString *g = g_string_new(NULL);

	if (n < 2) {
		g_string_free(g, TRUE);
		return NULL;
	}
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
	return g_string_free(g, FALSE);
}

guint32 sm_pdf_code(const guint8 *b, size_t n)
{
	guint32 c = 0;

	for (size_t i = 0; i < n; i++)
		c = c << 8 | b[i];
	return c;
}

static bool full(const pdf_cmap *c)
{
	return *c->budget == 0;
}

static void map_put(pdf_cmap *c, size_t len, guint32 code, char *utf8)
{
	if (!utf8 || len < 1 || len > 2 || full(c)) {
		g_free(utf8);
		return;
	}
	(*c->budget)--;
	g_hash_table_replace(c->m, GUINT_TO_POINTER((guint32)len << 24 | code), utf8);
}

const char *sm_pdf_cmap_get(const pdf_cmap *c, const guint8 *b, size_t n)
{
	return g_hash_table_lookup(c->m, GUINT_TO_POINTER((guint32)n << 24 | sm_pdf_code(b, n)));
}

/* One bfrange entry at p: <lo> <hi> <dst> (the last UTF-16 unit counts
 * up) or <lo> <hi> [<dst> ...]; after it. */
static const uint8_t *bfrange(pdf_cmap *c, const uint8_t *p, const uint8_t *e)
{
	GByteArray *lo = g_byte_array_new(), *hi = g_byte_array_new(), *d = g_byte_array_new();
	guint32 a, z, k;

	p = sm_pdf_hex(p, e, lo);
	while (p < e && *p != '<')
		p++;
	p = sm_pdf_hex(p, e, hi);
	while (p < e && *p != '<' && *p != '[')
		p++;
	a = sm_pdf_code(lo->data, lo->len);
	z = sm_pdf_code(hi->data, hi->len);
	if (p < e && *p == '[') {
		for (k = a, p++; p < e && *p != ']'; p++)
			if (*p == '<') {
				g_byte_array_set_size(d, 0);
				p = sm_pdf_hex(p, e, d) - 1;
				if (k <= z)
					map_put(c, lo->len, k++, utf16be(d->data, d->len));
			}
	} else if (p < e) {
		p = sm_pdf_hex(p, e, d);
		for (k = a; k <= z && d->len >= 2 && !full(c); k++) {
			map_put(c, lo->len, k, utf16be(d->data, d->len));
			if (++d->data[d->len - 1] == 0)
				d->data[d->len - 2]++;
			if (k == G_MAXUINT32)
				break;
		}
	}
	g_byte_array_free(lo, TRUE);
	g_byte_array_free(hi, TRUE);
	g_byte_array_free(d, TRUE);
	return p;
}

void sm_pdf_cmap_read(pdf_cmap *c, const uint8_t *p, const uint8_t *e)
{
	const uint8_t *q, *end;

	for (q = p; (q = sm_pdf_find(q, e, "beginbfchar")); q = end) {
		GByteArray *src = g_byte_array_new(), *dst = g_byte_array_new();

		end = sm_pdf_find(q, e, "endbfchar");
		end = end ? end : e;
		for (q += 11; q < end; q++) {
			if (*q != '<')
				continue;
			g_byte_array_set_size(src, 0);
			g_byte_array_set_size(dst, 0);
			q = sm_pdf_hex(q, end, src);
			while (q < end && *q != '<')
				q++;
			if (q >= end)
				break;
			q = sm_pdf_hex(q, end, dst) - 1;
			map_put(c, src->len, sm_pdf_code(src->data, src->len),
				utf16be(dst->data, dst->len));
		}
		g_byte_array_free(src, TRUE);
		g_byte_array_free(dst, TRUE);
	}
	for (q = p; (q = sm_pdf_find(q, e, "beginbfrange")); q = end) {
		end = sm_pdf_find(q, e, "endbfrange");
		end = end ? end : e;
		for (q += 12; q < end; q++)
			if (*q == '<')
				q = bfrange(c, q, end) - 1;
	}
}
