/*
 * view.c - the folded text view with its map back to the source (view.h).
 *
 * Three stages, each producing text plus a per-byte map into its input:
 *   decode (charset.c: part bytes -> UTF-8)
 *   html   (visible text: tags dropped, entities decoded, blocks -> '\n')
 *   fold   (fold.c: full-width -> ASCII, spaces, dashes, zero-width removed, NFKC
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
 * byte for byte, with the identity map.  checked: known valid already. */
static bool utf8_as_is(const sm_charset *cs, const uint8_t *src, size_t len, size_t max_len,
		       bool checked)
{
	return cs->kind == SM_CS_UTF8 && cs->bom == 0 && len <= max_len &&
	       (checked || sm_utf8_valid(src, len));
}

/* The folded visible text of HTML src into fin, mapped to src; *hq: the
 * quote point as an offset of fin ((size_t)-1: none).  HTML and folding
 * are one pass over valid UTF-8 (sm_html_visible_folded): over src itself
 * when it is that, else over its decoding (valid UTF-8 but for a NUL). */
static void html_stage(const sm_charset *cs, const uint8_t *src, size_t len, size_t max_len,
		       bool checked, sm_tbuf *fin, size_t *hq, bool *trunc)
{
	sm_tbuf dec, mid;

	if (utf8_as_is(cs, src, len, max_len, checked)) {
		/* decoding would copy it byte for byte: read the HTML in place */
		sm_tbuf_init(fin, len);
		sm_html_visible_folded((const char *)src, len, fin, hq);
		sm_tbuf_finish(fin);
		return;
	}
	sm_tbuf_init(&dec, len);
	sm_charset_decode(cs, src, len, max_len, false, &dec, trunc);
	if (sm_utf8_valid((const uint8_t *)dec.text, dec.len)) {
		sm_tbuf_init(fin, dec.len);
		sm_html_visible_folded(dec.text, dec.len, fin, hq);
		sm_tbuf_finish(fin);
		compose(fin, &dec);
		sm_tbuf_free(&dec);
		return;
	}
	/* the stages one by one, as sm_html_visible_folded reads them */
	sm_tbuf_init(&mid, dec.len);
	sm_html_visible(dec.text, dec.len, &mid, hq);
	sm_tbuf_finish(&mid);
	compose(&mid, &dec);
	sm_tbuf_free(&dec);
	sm_tbuf_init(fin, mid.len);
	sm_fold_into(mid.text, mid.len, fin);
	/* the first view byte that comes from at or after the quote point */
	if (*hq <= UINT32_MAX)
		*hq = sm_vmap_first_at(&fin->map, (uint32_t)*hq);
	compose(fin, &mid);
	sm_tbuf_free(&mid);
}

static sm_view *view_new(const uint8_t *src, size_t len, const sm_charset *cs, bool html,
			 size_t max_len, bool checked, bool *truncated);

sm_view *sm_view_new(const uint8_t *src, size_t len, const char *charset, bool html,
		     size_t max_len, bool *truncated)
{
	sm_charset cs;
	bool checked = false;

	/* resolving a UTF-8 label validates the bytes: the view need not again */
	sm_charset_resolve_checked(charset, src ? src : (const uint8_t *)"", src ? len : 0, &cs,
				   &checked);
	return view_new(src, len, &cs, html, max_len, checked && src, truncated);
}

sm_view *sm_view_new_cs(const uint8_t *src, size_t len, const sm_charset *cs, bool html,
			size_t max_len, bool *truncated)
{
	return view_new(src, len, cs, html, max_len, false, truncated);
}

static sm_view *view_new(const uint8_t *src, size_t len, const sm_charset *cs, bool html,
			 size_t max_len, bool checked, bool *truncated)
{
	sm_tbuf fin;
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
	html_stage(&v->cs, src, len, max_len, checked, &fin, &hq, &trunc);
	v->quote_start = hq > fin.len ? fin.len : hq;
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
