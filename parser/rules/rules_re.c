/*
 * rules_re.c - lists of PCRE2 patterns for the support-convention rules
 * (SR forms, resolution phrases, negations, severity A, feature requests).
 *
 * Patterns come from the administrator; they are compiled once (caseless,
 * UTF, PCRE2_MATCH_INVALID_UTF so that a window starting inside a character
 * is safe, JIT when available) and are immutable afterwards.  Text matched
 * is message data (untrusted): match data is per call, every search loop
 * advances, and PCRE2's default match limit bounds backtracking.
 * Each pattern also gets its literal prefilter (rules_prefilter.c), if any.
 * Owns: the compiled codes and prefilters (sm_relist_clear frees them).
 */
#include "rules_priv.h"
#include "re.h"

#include "conftab.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#define RE_FLAGS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF)

static void where_of(const config_setting_t *group, const char *key, char *buf, size_t len)
{
	const config_setting_t *s = group ? config_setting_get_member(group, key) : NULL;

	if (s)
		sm_conf_where(s, buf, len);
	else
		snprintf(buf, len, "(built-in default): ");
}

static pcre2_code *compile_one(const char *pat, const char *where, const char *key, size_t idx,
			       bool need_sr, char *err, size_t errlen)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re;

	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, RE_FLAGS, &ec, &eo, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(ec, msg, sizeof(msg));
		snprintf(err, errlen, "%skey '%s': pattern %zu: %s at offset %zu", where, key,
			 idx + 1, (char *)msg, (size_t)eo);
		return NULL;
	}
	if (need_sr && pcre2_substring_number_from_name(re, (PCRE2_SPTR) "sr") < 0) {
		snprintf(err, errlen, "%skey '%s': pattern %zu: has no (?<sr>...) group", where,
			 key, idx + 1);
		pcre2_code_free(re);
		return NULL;
	}
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* the interpreter is the fallback */
	return re;
}

/* Does PCRE2 know the first code unit of every match (a fast search)? */
static bool first_unit(const pcre2_code *re)
{
	uint32_t t = 0;

	return pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODETYPE, &t) == 0 && t == 1;
}

int sm_relist_compile(sm_relist *l, const char *const *pats, const config_setting_t *group,
		      const char *key, bool need_sr, char *err, size_t errlen)
{
	char where[512];
	size_t n = 0, i;

	where_of(group, key, where, sizeof(where));
	memset(l, 0, sizeof(*l));
	while (pats && pats[n])
		n++;
	l->re = g_new0(pcre2_code *, n + 1);
	l->req = g_new0(char **, n + 1);
	for (i = 0; i < n; i++) {
		l->re[i] = compile_one(pats[i], where, key, i, need_sr, err, errlen);
		if (!l->re[i]) {
			l->n = i;
			sm_relist_clear(l);
			return -1;
		}
		l->req[i] = first_unit(l->re[i]) ? NULL : sm_lit_required(pats[i]);
	}
	l->n = n;
	return 0;
}

void sm_relist_clear(sm_relist *l)
{
	size_t i;

	for (i = 0; l->re && i < l->n; i++) {
		pcre2_code_free(l->re[i]);
		g_strfreev(l->req ? l->req[i] : NULL);
	}
	g_free(l->re);
	g_free(l->req);
	memset(l, 0, sizeof(*l));
}

bool sm_relist_first(const sm_relist *l, const char *s, size_t len, size_t from, size_t *ms,
		     size_t *me)
{
	size_t i, best = (size_t)-1, bend = 0;

	if (from > len)
		return false;
	for (i = 0; i < l->n; i++) {
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(l->re[i], NULL);
		int rc = sm_re_match(l->re[i], (PCRE2_SPTR)s, len, from, 0, md, NULL);

		if (rc >= 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

			if (ov[0] < best || (ov[0] == best && ov[1] > bend)) {
				best = ov[0];
				bend = ov[1];
			}
		}
		pcre2_match_data_free(md);
	}
	if (best == (size_t)-1)
		return false;
	*ms = best;
	*me = bend;
	return true;
}

bool sm_relist_any(const sm_relist *l, const char *s, size_t len)
{
	size_t a, b;

	return sm_relist_first(l, s, len, 0, &a, &b);
}
