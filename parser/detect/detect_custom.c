/*
 * detect_custom.c - the custom detectors of the configuration: an
 * administrator's PCRE2 patterns, an optional validator (Luhn, My Number
 * check digit) and optional context keywords.
 *
 * Untrusted input: the view.  Limits: custom patterns run under
 * CUSTOM_MATCH_LIMIT (over it the scan reports the limit like max_hits);
 * max_hits.
 */
#include "detect_int.h"
#include "re.h"

#define CUSTOM_MATCH_LIMIT 1000000 /* PCRE2 match() calls per match attempt */

static bool validate(const det *d, const char *s, size_t n)
{
	char digits[20];
	size_t i, k = 0;

	if (d->validator == VAL_NONE)
		return true;
	for (i = 0; i < n; i++) {
		if (g_ascii_isdigit(s[i])) {
			if (k >= sizeof(digits) - 1)
				return false;
			digits[k++] = s[i];
		} else if (s[i] != ' ' && s[i] != '-')
			return false;
	}
	if (d->validator == VAL_LUHN)
		return k >= 12 && k <= 19 && det_luhn(digits, k);
	return k == 12 && det_mynumber_valid(digits);
}

/* Administrators' patterns may backtrack badly: bound every match. */
static GOnce mctx_once = G_ONCE_INIT;

static gpointer make_mctx(gpointer unused)
{
	pcre2_match_context *m = pcre2_match_context_create(NULL);

	pcre2_set_match_limit(m, CUSTOM_MATCH_LIMIT);
	pcre2_set_depth_limit(m, CUSTOM_MATCH_LIMIT / 10);
	return m;
}

int det_scan_custom(const det *d, const sm_view *v, det_out *out)
{
	pcre2_match_context *mctx = g_once(&mctx_once, make_mctx, NULL);
	unsigned i;

	for (i = 0; i < d->re->len && !out->full; i++) {
		const pcre2_code *re = g_ptr_array_index(d->re, i);
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
		PCRE2_SIZE off = 0, *ov;
		uint32_t opts = 0, groups = 0;

		pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
		int rc = 0;

		while (off < v->len && !out->full &&
		       (rc = sm_re_match(re, (PCRE2_SPTR)v->text, v->len, off, opts, md, mctx)) >= 0) {
			int g = groups > 0 ? 1 : 0;
			size_t s, e;

			ov = pcre2_get_ovector_pointer(md);
			if (ov[2 * g] == PCRE2_UNSET)
				g = 0;
			s = ov[2 * g];
			e = ov[2 * g + 1];
			opts = PCRE2_NO_UTF_CHECK; /* the whole subject was checked once */
			off = ov[1] > off ? ov[1] : off + 1;
			while (off < v->len && ((unsigned char)v->text[off] & 0xc0) == 0x80)
				off++;
			if (e <= s || !validate(d, v->text + s, e - s))
				continue;
			if (d->keywords && d->keywords[0] &&
			    !det_keyword_near(d, v->text, v->len, s, e))
				continue;
			det_emit(out, s, e, (sm_mask_style)d->mask, 70);
		}
		if (off < v->len && !out->full &&
		    (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
		     rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_HEAPLIMIT))
			out->full = true; /* not inspected to the end: the caller's limit action */
		pcre2_match_data_free(md);
	}
	return out->full ? 1 : 0;
}
