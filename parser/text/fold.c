/*
 * fold.c - folding (fold.h): the forms a value can be typed in, brought to
 * one: full-width ASCII to ASCII, every space form to a space, every dash
 * form to '-', zero-width characters removed, NFKC for compatibility
 * characters (number forms, enclosed and half-width forms), half-width kana
 * to full-width (a voiced mark composed with its kana).
 *
 * Untrusted input: decoded text (UTF-8; invalid bytes become U+FFFD).  One
 * pass, every step advances at least one input byte; output is at most a
 * few times the input (NFKC of one compatibility character).
 */
#include "fold.h"

#include <string.h>

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

void sm_fold_into(const char *in, size_t len, sm_tbuf *out)
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
	sm_fold_into(valid, strlen(valid), &s);
	g_free(valid);
	r = s.text;
	s.text = NULL;
	sm_tbuf_free(&s);
	return r;
}
