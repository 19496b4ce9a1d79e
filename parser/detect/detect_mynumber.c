/*
 * detect_mynumber.c - the Japanese individual number (マイナンバー) in a
 * folded view.
 *
 * Candidates come from the digit-cluster walker (detect_digits.c): 12 digits
 * in 4-4-4 or one group, not glued to ASCII identifier characters and not
 * joined to a neighbour group by their own separator (part of a longer
 * number).  A My Number needs its check digit and a keyword nearby.
 *
 * Untrusted input: the view.  Limits: the keyword window from the
 * configuration, max_hits.
 */
#include "detect_digits.h"

/* Groups a..b joined to a neighbour group by their own separator ('-' for a
 * single group): part of a longer number such as a card, not a My Number. */
static bool joined(const cluster *c, unsigned a, unsigned b)
{
	char s = b > a ? c->sep[a] : '-';

	return (a > 0 && c->sep[a - 1] == s) || (b + 1 < c->n && c->sep[b] == s);
}

int det_mynumber_at(const det *dt, const sm_view *v, const cluster *c, unsigned a,
		    det_out *out)
{
	const char *t = v->text;
	char d[GROUP_MAX_DIGITS + 1];
	unsigned b;

	if (a == 0 && det_glued_left(t, c->start[0]))
		return -1;
	for (b = a; b < c->n && b < a + 3; b++) {
		size_t n = det_collect(t, c, a, b, d, 12, false);
		size_t s = c->start[a], e = c->end[b];

		if (n != 12 || (b != a && b != a + 2) || (b == c->n - 1 && det_glued_right(t, v->len, e)))
			continue;
		if (b != a && (c->end[a] - c->start[a] != 4 || c->end[b] - c->start[b] != 4))
			continue;
		if (joined(c, a, b))
			continue;
		if (!det_mynumber_valid(d) ||
		    !det_keyword_near(dt, t, v->len, s, e))
			continue;
		det_emit(out, s, e, SM_MASK_ALL, 90);
		return (int)b;
	}
	return -1;
}


int det_scan_mynumber(const det *d, const sm_view *v, det_out *out)
{
	/* a My Number needs a keyword: most texts have none, skip the digit walk
	 * (the prefilter pass looked for the keywords) */
	if (!out->mn_kw)
		return 0;
	return det_digits_walk(d, v, NULL, false, out);
}
