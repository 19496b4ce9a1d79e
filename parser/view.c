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

#include "stage.h"

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

/* Fold input text (UTF-8, valid) into out; a,b maps are input offsets. */
static void fold_into(const char *in, size_t len, stage *out)
{
	const char *p = in, *end = in + len;

	while (p < end) {
		const char *q;
		gunichar c = g_utf8_get_char_validated(p, end - p);
		guint32 a = (guint32)(p - in);

		if ((guchar)*p < 0x80) {
			emit(out, p, 1, a, a + 1);
			p++;
			continue;
		}
		if (c == (gunichar)-1 || c == (gunichar)-2) { /* cannot happen after decode */
			emit_char(out, 0xfffd, a, a + 1);
			p++;
			continue;
		}
		q = g_utf8_next_char(p);
		if (is_zero_width(c)) {
			p = q;
			continue;
		}
		if (c >= 0xff01 && c <= 0xff5e)
			emit_char(out, c - 0xfee0, a, (guint32)(q - in));
		else if (is_space_form(c))
			emit(out, " ", 1, a, (guint32)(q - in));
		else if (is_dash_form(c))
			emit(out, "-", 1, a, (guint32)(q - in));
		else if (wants_nfkc(c)) {
			const char *r = q;
			char *n;

			/* half-width kana + voiced mark compose: take the pair */
			if (c >= 0xff61 && c <= 0xff9f && r < end &&
			    (g_utf8_get_char_validated(r, end - r) == 0xff9e ||
			     g_utf8_get_char_validated(r, end - r) == 0xff9f))
				r = g_utf8_next_char(r);
			n = g_utf8_normalize(p, r - p, G_NORMALIZE_NFKC);
			if (n)
				emit(out, n, strlen(n), a, (guint32)(r - in));
			else
				emit(out, p, r - p, a, (guint32)(r - in));
			g_free(n);
			q = r;
		} else
			emit(out, p, q - p, a, (guint32)(q - in));
		p = q;
	}
}

char *sm_fold(const char *utf8, size_t len)
{
	stage s;
	char *r;
	gchar *valid = g_utf8_make_valid(utf8, len);

	stage_init(&s, strlen(valid));
	fold_into(valid, strlen(valid), &s);
	g_free(valid);
	r = g_strndup(s.text->str, s.text->len);
	stage_free(&s);
	return r;
}

/* ------------------------------------------------------------------ html */

/* Rewrite outer's maps (offsets into inner's text) into inner's source. */
static void compose_stage(stage *outer, const stage *inner)
{
	size_t i;

	for (i = 0; i < outer->text->len; i++) {
		guint32 *a = &g_array_index(outer->start, guint32, i);
		guint32 *b = &g_array_index(outer->end, guint32, i);
		guint32 na = g_array_index(inner->start, guint32, *a);
		guint32 nb = *b > *a ? g_array_index(inner->end, guint32, *b - 1) : na;

		*a = na;
		*b = nb;
	}
}

/* ------------------------------------------------------------------ view */

/* out = compose(outer over inner): outer maps into inner's text, inner into src */
static void compose(sm_view *v, size_t n, const stage *outer, const stage *inner)
{
	size_t i;

	for (i = 0; i < n; i++) {
		guint32 a = g_array_index(outer->start, guint32, i);
		guint32 b = g_array_index(outer->end, guint32, i);

		v->src_start[i] = g_array_index(inner->start, guint32, a);
		v->src_end[i] = b > a ? g_array_index(inner->end, guint32, b - 1)
				      : g_array_index(inner->end, guint32, a);
	}
}

static sm_view *view_from(stage *fin, stage *mid, const uint8_t *src, size_t len)
{
	sm_view *v = g_new0(sm_view, 1);
	size_t n = fin->text->len;

	v->len = n;
	v->src_start = g_new(uint32_t, n + 1);
	v->src_end = g_new(uint32_t, n + 1);
	if (mid)
		compose(v, n, fin, mid);
	else {
		memcpy(v->src_start, fin->start->data, n * sizeof(guint32));
		memcpy(v->src_end, fin->end->data, n * sizeof(guint32));
	}
	v->src_start[n] = v->src_end[n] = (uint32_t)len;
	v->text = g_string_free(fin->text, FALSE);
	fin->text = NULL;
	v->src = src;
	v->src_len = len;
	v->quote_start = n;
	return v;
}

sm_view *sm_view_new(const uint8_t *src, size_t len, const char *charset, bool html,
		     size_t max_len, bool *truncated)
{
	stage dec, mid, fin;
	stage *base = &dec;
	sm_view *v;
	size_t hq = (size_t)-1;
	bool trunc = false;

	stage_init(&dec, len);
	stage_init(&mid, 0);
	stage_init(&fin, len);
	{
		sm_charset cs;

		sm_charset_resolve(charset, src, len, &cs);
		sm_charset_decode(&cs, src, len, max_len, dec.text, dec.start, dec.end, &trunc);
		if (html) {
			/* html stage maps into dec; then fold maps into mid */
			sm_html_visible(dec.text->str, dec.text->len, &mid, &hq);
			compose_stage(&mid, &dec);
			base = &mid;
		}
		fold_into(base->text->str, base->text->len, &fin);
		v = view_from(&fin, base, src, len);
		v->cs = cs;
	}
	v->html = html;
	if (html && hq != (size_t)-1) {
		/* first view byte whose origin is at or after the quote point in `mid` */
		size_t i;

		for (i = 0; i < v->len; i++)
			if (g_array_index(fin.start, guint32, i) >= hq)
				break;
		v->quote_start = i;
	}
	stage_free(&dec);
	stage_free(&mid);
	stage_free(&fin);
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
	g_free(v->src_start);
	g_free(v->src_end);
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
	*s = v->src_start[start];
	*e = end > start ? v->src_end[end - 1] : *s;
}
