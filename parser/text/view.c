/*
 * view.c - the folded text view with its map back to the source (view.h).
 *
 * Three stages, each producing text plus a per-byte map into its input:
 *   decode (charset.c: part bytes -> UTF-8)
 *   html   (visible text: tags dropped, entities decoded, blocks -> '\n')
 *   fold   (full-width -> ASCII, spaces, dashes, zero-width removed, NFKC
 *           for compatibility characters, half-width kana -> full-width)
 * and the maps are composed so every view byte points into the part bytes.
 *
 * Untrusted input: the whole part.  Bounded by max_len (bytes of decoded
 * text); every loop advances at least one input byte.
 */
#include "view.h"

#include <glib.h>
#include <string.h>

#include "html.h"
#include "utf8.h"

/* ------------------------------------------------------------------ fold */

static bool is_zero_width(gunichar c)
{
	return c == 0x200b || c == 0x200c || c == 0x200d || c == 0x2060 || c == 0xfeff ||
	       c == 0x00ad || c == 0x180e;
}

static bool is_space_form(gunichar c)
{
	return c == 0x00a0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200a) || c == 0x202f ||
	       c == 0x205f || c == 0x1680;
}

static bool is_dash_form(gunichar c)
{
	return (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xfe58 || c == 0xfe63 ||
	       c == 0x02d7 || c == 0x2043;
}

/* Compatibility characters worth NFKC: number forms, enclosed alphanumerics,
 * enclosed CJK, CJK compatibility, half-width forms. */
static bool wants_nfkc(gunichar c)
{
	return (c >= 0x2150 && c <= 0x218f) || (c >= 0x2460 && c <= 0x24ff) ||
	       (c >= 0x3200 && c <= 0x33ff) || (c >= 0xff61 && c <= 0xffef) ||
	       (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0x2070 && c <= 0x209f) ||
	       (c >= 0x00b2 && c <= 0x00be && c != 0x00b6 && c != 0x00bb);
}

/*
 * Fold one character c (from input range [a, z)) into out.  A half-width
 * voiced mark composes with the kana before it when that came from the same
 * run (ｶﾞ -> ガ): the previous output character is replaced.
 */
void sm_fold_char(sm_tbuf *out, gunichar c, uint32_t a, uint32_t z)
{
	if (c < 0x80) {
		char ch = (char)c;

		sm_tbuf_emit(out, &ch, 1, a, z);
		return;
	}
	if (is_zero_width(c))
		return;
	if (c >= 0xff01 && c <= 0xff5e)
		sm_tbuf_char(out, c - 0xfee0, a, z);
	else if (is_space_form(c))
		sm_tbuf_emit(out, " ", 1, a, z);
	else if (is_dash_form(c))
		sm_tbuf_emit(out, "-", 1, a, z);
	else if ((c == 0xff9e || c == 0xff9f) && out->len >= 3) {
		/* compose with the previous full-width kana if it has a voiced form */
		const char *prev = g_utf8_find_prev_char(out->text, out->text + out->len);
		gunichar pc = prev ? g_utf8_get_char(prev) : 0, composed = 0;

		if (prev && g_unichar_compose(pc, c == 0xff9e ? 0x3099 : 0x309a, &composed)) {
			uint32_t pa = sm_vmap_last_start(&out->map);

			sm_tbuf_truncate(out, (size_t)(prev - out->text));
			sm_tbuf_char(out, composed, pa, z);
		} else
			sm_tbuf_char(out, c == 0xff9e ? 0x309b : 0x309c, a, z);
	} else if (wants_nfkc(c)) {
		char buf[8];
		int n = g_unichar_to_utf8(c, buf);
		char *norm = g_utf8_normalize(buf, n, G_NORMALIZE_NFKC);

		if (norm)
			sm_tbuf_emit(out, norm, strlen(norm), a, z);
		else
			sm_tbuf_emit(out, buf, (size_t)n, a, z);
		g_free(norm);
	} else
		sm_tbuf_char(out, c, a, z);
}

/* Fold input text (UTF-8, valid) into out; maps are input offsets. */
static void fold_into(const char *in, size_t len, sm_tbuf *out)
{
	const char *p = in, *end = in + len;

	while (p < end) {
		const char *q;
		gunichar c;
		uint32_t a = (uint32_t)(p - in);

		if ((guchar)*p < 0x80) {
			const char *r = p + 1;

			while (r < end && (guchar)*r < 0x80)
				r++;
			sm_tbuf_run(out, p, r - p, a);
			p = r;
			continue;
		}
		c = g_utf8_get_char_validated(p, end - p);
		q = (c == (gunichar)-1 || c == (gunichar)-2) ? p + 1 : g_utf8_next_char(p);
		if (c == (gunichar)-1 || c == (gunichar)-2)
			c = 0xfffd;
		sm_fold_char(out, c, a, (uint32_t)(q - in));
		p = q;
	}
	sm_tbuf_finish(out);
}

char *sm_fold(const char *utf8, size_t len)
{
	sm_tbuf s;
	char *r;
	gchar *valid = g_utf8_make_valid(utf8, len);

	sm_tbuf_init(&s, strlen(valid));
	fold_into(valid, strlen(valid), &s);
	g_free(valid);
	r = s.text;
	s.text = NULL;
	sm_tbuf_free(&s);
	return r;
}

/* ------------------------------------------------------------------ view */

/* Rewrite outer's map (offsets into inner's text) into inner's input. */
static void compose(sm_tbuf *outer, const sm_tbuf *inner)
{
	sm_vmap m;

	sm_vmap_compose(&outer->map, &inner->map, &m);
	sm_vmap_clear(&outer->map);
	outer->map = m;
}

/* Valid UTF-8 without BOM or NUL within the bound: its decoding is itself,
 * byte for byte, with the identity map. */
static bool utf8_as_is(const sm_charset *cs, const uint8_t *src, size_t len, size_t max_len)
{
	return cs->kind == SM_CS_UTF8 && cs->bom == 0 && len <= max_len &&
	       sm_utf8_valid(src, len);
}

/* The visible text of HTML src into mid, mapped to src; *hq: the quote point. */
static void html_stage(const sm_charset *cs, const uint8_t *src, size_t len, size_t max_len,
		       sm_tbuf *mid, size_t *hq, bool *trunc)
{
	sm_tbuf dec;

	if (utf8_as_is(cs, src, len, max_len)) {
		/* decoding would copy it byte for byte: read the HTML in place */
		sm_tbuf_init(mid, len);
		sm_html_visible((const char *)src, len, mid, hq);
		sm_tbuf_finish(mid);
		return;
	}
	sm_tbuf_init(&dec, len);
	sm_charset_decode(cs, src, len, max_len, false, &dec, trunc);
	sm_tbuf_init(mid, dec.len);
	sm_html_visible(dec.text, dec.len, mid, hq);
	sm_tbuf_finish(mid);
	compose(mid, &dec);
	sm_tbuf_free(&dec);
}

sm_view *sm_view_new(const uint8_t *src, size_t len, const char *charset, bool html,
		     size_t max_len, bool *truncated)
{
	sm_charset cs;

	sm_charset_resolve(charset, src ? src : (const uint8_t *)"", src ? len : 0, &cs);
	return sm_view_new_cs(src, len, &cs, html, max_len, truncated);
}

sm_view *sm_view_new_cs(const uint8_t *src, size_t len, const sm_charset *cs, bool html,
			size_t max_len, bool *truncated)
{
	sm_tbuf mid, fin;
	sm_view *v = g_new0(sm_view, 1);
	size_t hq = (size_t)-1;
	bool trunc = false;
	static const uint8_t empty[1];
	const uint8_t *given = src;

	if (!src) { /* an empty part may have no buffer at all */
		src = empty;
		len = 0;
	}
	v->cs = *cs;
	if (!html) {
		/* plain text: decode and fold in one pass, straight into the view */
		sm_tbuf_init(&fin, len);
		sm_charset_decode(&v->cs, src, len, max_len, true, &fin, &trunc);
		v->quote_start = fin.len;
		goto done;
	}
	html_stage(&v->cs, src, len, max_len, &mid, &hq, &trunc);
	sm_tbuf_init(&fin, mid.len);
	fold_into(mid.text, mid.len, &fin);
	/* the first view byte that comes from at or after the quote point */
	v->quote_start = hq > UINT32_MAX ? fin.len : sm_vmap_first_at(&fin.map, (uint32_t)hq);
	compose(&fin, &mid);
	sm_tbuf_free(&mid);
done:
	sm_tbuf_shrink(&fin);
	v->text = fin.text;
	v->len = fin.len;
	v->map = fin.map;
	v->src = given;
	v->src_len = len;
	v->html = html;
	if (truncated)
		*truncated = trunc;
	return v;
}

sm_view *sm_view_new_utf8(const char *text, size_t len)
{
	return sm_view_new((const uint8_t *)text, len, "utf-8", false, (size_t)-1, NULL);
}

void sm_view_free(sm_view *v)
{
	if (!v)
		return;
	g_free(v->text);
	sm_vmap_clear(&v->map);
	g_free(v);
}

void sm_view_src_range(const sm_view *v, size_t start, size_t end, size_t *s, size_t *e)
{
	if (start >= v->len) {
		*s = *e = v->src_len;
		return;
	}
	if (end > v->len)
		end = v->len;
	sm_view_map(v, start, s, e);
	if (end > start + 1) {
		size_t s2;

		sm_view_map(v, end - 1, &s2, e);
	} else if (end <= start)
		*e = *s;
}

void sm_view_map(const sm_view *v, size_t i, size_t *s, size_t *e)
{
	uint32_t a, z;

	if (i >= v->len) {
		*s = *e = v->src_len;
		return;
	}
	sm_vmap_get(&v->map, i, &a, &z);
	*s = a;
	*e = z;
}
