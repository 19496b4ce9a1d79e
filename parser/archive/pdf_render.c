/*
 * pdf_render.c - the text a PDF's content streams show (pdf_int.h): the
 * strings of the Tj, TJ, ' and " operators, each decoded by the font in use
 * (the name before Tf): a simple font's bytes as Latin-1 (or its ToUnicode
 * map), a composite font's codes through its ToUnicode map or the charset
 * of its predefined CMap (Shift_JIS, EUC, UTF-16 ...).  Codes of a
 * composite font that nothing maps are not invented: they are counted
 * (distinct font and code, when the string is shown) for the caller's
 * verdict.  A font the file does not define reads hex strings through every
 * map of the file, as before fonts were told apart; so does every stream
 * that is not page content (font programs, images: their bytes are no
 * text, and a composite font must not make them count).
 *
 * Untrusted input: inflated stream bytes.  Limits: the bytes (every token
 * moves forward); the unmapped set holds at most UNMAPPED_CAP codes.
 */
#include "pdf_int.h"

#include <string.h>

#define GAP_SPACE (-200)  /* a TJ adjustment this wide separates words */
#define UNMAPPED_CAP 64   /* distinct unmapped codes remembered: enough to judge */
#define NAME_MAX_LEN 127

/* A byte as Latin-1 text: PDFDocEncoding and WinAnsi agree with it on the
 * characters that matter here; controls become spaces. */
static void put_byte(GString *g, unsigned b)
{
	if (b < 0x20 || b == 0x7f)
		g_string_append_c(g, ' ');
	else if (b < 0x80)
		g_string_append_c(g, (char)b);
	else
		g_string_append_unichar(g, b);
}

/* A literal string's bytes at p ('(' ... ')', nested, with escapes) into b;
 * returns the byte after it. */
static const uint8_t *literal(const uint8_t *p, const uint8_t *e, GByteArray *b)
{
	int depth = 1;
	guint8 c;

	for (p++; p < e; p++) {
		if (*p == '\\' && p + 1 < e) {
			p++;
			if (*p >= '0' && *p <= '7') {
				int v = 0, k = 0;

				for (; k < 3 && p < e && *p >= '0' && *p <= '7'; k++, p++)
					v = v * 8 + (*p - '0');
				p--;
				c = (guint8)v;
			} else if (*p == 'n' || *p == 'r' || *p == 't' || *p == 'b' || *p == 'f')
				c = ' ';
			else if (*p == '\n' || *p == '\r')
				continue;
			else
				c = *p;
			g_byte_array_append(b, &c, 1);
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
		g_byte_array_append(b, p, 1);
	}
	return e;
}

static void note_unmapped(GArray *pend, guint obj, const guint8 *b, size_t n)
{
	guint64 k = (guint64)obj << 32 | (guint64)n << 24 | sm_pdf_code(b, n);

	if (pend->len < UNMAPPED_CAP)
		g_array_append_val(pend, k);
}

/* Codes through every map of the file: two-byte codes first, then one. */
static void put_codes(const pdf_cmap *c, const GByteArray *b, GString *g)
{
	for (size_t i = 0; i < b->len;) {
		const char *u = i + 1 < b->len ? sm_pdf_cmap_get(c, b->data + i, 2) : NULL;

		if (u) {
			g_string_append(g, u);
			i += 2;
			continue;
		}
		if ((u = sm_pdf_cmap_get(c, b->data + i, 1)))
			g_string_append(g, u);
		i++;
	}
}

/* A composite font's codes through its map (two bytes, then one);
 * unmapped ones noted (as two-byte codes: Identity-H). */
static void put_cids(const pdf_font *f, const GByteArray *b, GString *g, GArray *pend)
{
	for (size_t i = 0; i < b->len;) {
		const char *u = NULL;
		size_t k = i + 1 < b->len ? 2 : 1;

		if (f->map && k == 2)
			u = sm_pdf_cmap_get(f->map, b->data + i, 2);
		if (!u && f->map && (u = sm_pdf_cmap_get(f->map, b->data + i, 1)))
			k = 1;
		if (u)
			g_string_append(g, u);
		else
			note_unmapped(pend, f->obj, b->data + i, k);
		i += k;
	}
}

/* A predefined CMap's codes in its charset; what does not convert is noted. */
static void put_charset(const pdf_font *f, GByteArray *b, GString *g, GArray *pend)
{
	const char *cs = f->charset;
	char *u;
	gsize wr = 0;

	if (strcmp(cs, "JIS") == 0) { /* JIS X 0208 row and cell: EUC-JP with the high bits */
		for (guint i = 0; i < b->len; i++)
			if (b->data[i] >= 0x21 && b->data[i] <= 0x7e)
				b->data[i] |= 0x80;
		cs = "EUC-JP";
	}
	u = g_convert((const char *)b->data, (gssize)b->len, "UTF-8", cs, NULL, &wr, NULL);
	if (!u) {
		for (guint i = 0; i < b->len; i += 2)
			note_unmapped(pend, f->obj, b->data + i, i + 1 < b->len ? 2 : 1);
		return;
	}
	for (const char *p = u; p < u + wr; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c < 0x20)
			g_string_append_c(g, ' ');
		else
			g_string_append_unichar(g, c);
	}
	g_free(u);
}

/* The bytes of one string decoded by the font in use. */
static void put_string(pdf_render *r, GByteArray *b, bool hex, GString *g, GArray *pend)
{
	const pdf_font *f = r->content ? r->font : NULL;

	if (!f && hex)
		put_codes(r->all, b, g);
	else if (!f || f->kind == PDF_FONT_SIMPLE) {
		for (guint i = 0; i < b->len; i++) {
			const char *u = f && f->map ? sm_pdf_cmap_get(f->map, b->data + i, 1) : NULL;

			if (u)
				g_string_append(g, u);
			else
				put_byte(g, b->data[i]);
		}
	} else if (f->kind == PDF_FONT_CHARSET)
		put_charset(f, b, g, pend);
	else
		put_cids(f, b, g, pend);
}

static bool op_is(const uint8_t *p, size_t k, const char *op)
{
	return strlen(op) == k && memcmp(p, op, k) == 0;
}

static bool regular(uint8_t c)
{
	return c > 0x20 && c < 0x7f && !strchr("()<>[]{}/%", c);
}

/* An operator p[0, k): the pending text shown, a new line, a font set. */
static void operator(pdf_render *r, const uint8_t *p, size_t k, const uint8_t *name,
		     size_t name_len, GString *pend, GArray *unm, GString *out)
{
	if (op_is(p, k, "Tj") || op_is(p, k, "TJ") || op_is(p, k, "'") || op_is(p, k, "\"")) {
		g_string_append_len(out, pend->str, (gssize)pend->len);
		for (guint i = 0; i < unm->len && g_hash_table_size(r->unmapped) < UNMAPPED_CAP; i++)
			g_hash_table_add(r->unmapped, g_memdup2(&g_array_index(unm, guint64, i),
								 sizeof(guint64)));
	}
	if (op_is(p, k, "ET") || op_is(p, k, "Td") || op_is(p, k, "TD") || op_is(p, k, "T*") ||
	    op_is(p, k, "Tm") || op_is(p, k, "'") || op_is(p, k, "\""))
		g_string_append_c(out, '\n');
	if (op_is(p, k, "Tf") && name && r->content)
		r->font = sm_pdf_fonts_named(r->fonts, name, name_len);
	g_string_truncate(pend, 0);
	g_array_set_size(unm, 0);
}

void sm_pdf_render(pdf_render *r, const uint8_t *p, const uint8_t *e, GString *out)
{
	GString *pend = g_string_new(NULL);
	GByteArray *bytes = g_byte_array_new();
	GArray *unm = g_array_new(FALSE, FALSE, sizeof(guint64));
	const uint8_t *name = NULL;
	size_t name_len = 0;
	bool in_array = false;

	while (p < e) {
		if (*p == '(' || (*p == '<' && (p + 1 >= e || p[1] != '<'))) {
			bool hex = *p == '<';

			g_byte_array_set_size(bytes, 0);
			p = hex ? sm_pdf_hex(p, e, bytes) : literal(p, e, bytes);
			put_string(r, bytes, hex, pend, unm);
		} else if (*p == '<') {
			p += 2;
		} else if (*p == '/') {
			const uint8_t *q = p + 1;

			while (q < e && regular(*q))
				q++;
			name = p + 1;
			name_len = (size_t)(q - name) > NAME_MAX_LEN ? NAME_MAX_LEN : (size_t)(q - name);
			p = q;
		} else if (*p == '[' || *p == ']') {
			in_array = *p++ == '[';
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
			operator(r, p, (size_t)(q - p), name, name_len, pend, unm, out);
			p = q;
		} else
			p++;
	}
	g_string_free(pend, TRUE);
	g_byte_array_free(bytes, TRUE);
	g_array_free(unm, TRUE);
}
