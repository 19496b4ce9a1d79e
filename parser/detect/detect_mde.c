/*
 * detect_mde.c - Microsoft Defender for Endpoint onboarding / offboarding
 * material by content.
 *
 * The signed blob {"body":"{\"previousOrgIds\":[],\"orgId\":...,
 * \"geoLocationUrl\":...}","sig":...,"sha256sig":...,"cert":...,"chain":[...]}
 * appears plain (.onboarding, plists, mdatp_onboard.json) or escaped one to
 * three levels (the reg add line of a .cmd, the Linux Python script).  The
 * patterns read a JSON key followed by any run of backslashes and quotes
 * before ':' - the key as it is once the escaping is removed, at any depth.
 *
 * Strong signals (one is enough):
 *   S1 previousOrgIds, orgId and geoLocationUrl as JSON keys within WINDOW
 *   S2 a reg line writing /v OnboardingInfo under Windows Advanced Threat
 *      Protection with data (/d)
 *   S3 the offboarding value 696C1FA1-4030-4FA4-8713-FAF9B2EA7C0A written (/d)
 *   S4 mdatp_onboard.json with an onboardingInfo key within WINDOW
 *   S5 <key>OnboardingInfo</key> (macOS plist / mobileconfig)
 *   S6 sha256sig and chain as JSON keys within WINDOW
 * Medium (40 each, two different ones are still below the bar of 100): the
 * offboarding value name alone, gateway hosts (winatp-gw-*.microsoft.com,
 * *.endpoint.security.microsoft.com/edr/).
 * Not material: script names in prose, error output, "OnboardingState : 1",
 * an OrgId in a log, "レジストリの OnboardingInfo 値".
 *
 * Untrusted input: the view.  Limits: SIG_MAX occurrences per signal are
 * considered; WINDOW bytes for proximity; one hit per view.
 */
#include "detect_int.h"
#include "re.h"

#define WINDOW 2048
#define SIG_MAX 64

enum { T_PREV, T_ORG, T_GEO, T_REGLINE, T_OFFB_W, T_MDATP, T_OBI_KEY, T_PLIST, T_SHA, T_CHAIN,
       T_OFFB, T_GW, N_T };

typedef struct token {
	det_lits lits;       /* prefilter: one of these literals must occur */
	const char *re;
} token;

#define KEY "[\\\\\"]{1,16}\\s*:"
static const token tokens[N_T] = {
	[T_PREV] = {LIT(LIT_PREV), "previousOrgIds" KEY "\\s*[\\\\\"]*\\["},
	[T_ORG] = {LIT(LIT_ORG), "\\borgId" KEY},
	[T_GEO] = {LIT(LIT_GEO), "geoLocationUrl" KEY},
	[T_REGLINE] = {LIT(LIT_OBI), "(?i)Windows Advanced Threat Protection[^\\n]{0,200}"
					  "/v\\s+\"?OnboardingInfo\"?[^\\n]{0,60}\\s/d\\s"},
	[T_OFFB_W] = {LIT(LIT_OFFB_GUID), "(?i)/v\\s+\"?696C1FA1-4030-4FA4-8713-FAF9B2EA7C0A\"?"
					  "[^\\n]{0,60}\\s/d\\s"},
	[T_MDATP] = {LIT(LIT_MDATP), "mdatp_onboard\\.json"},
	[T_OBI_KEY] = {LIT(LIT_OBI) | LIT(LIT_OBI_LO), "\\b[oO]nboardingInfo" KEY},
	[T_PLIST] = {LIT(LIT_KEY), "<key>\\s*OnboardingInfo\\s*</key>"},
	[T_SHA] = {LIT(LIT_SHA), "sha256sig" KEY},
	[T_CHAIN] = {LIT(LIT_CHAIN), "\\bchain" KEY "\\s*[\\\\\"]*\\["},
	[T_OFFB] = {LIT(LIT_OFFB_GUID), "(?i)696C1FA1-4030-4FA4-8713-FAF9B2EA7C0A"},
	[T_GW] = {LIT(LIT_MS), "(?i)winatp-gw-[a-z0-9]+\\.microsoft\\.com|"
				   "[a-z0-9.\\-]+\\.endpoint\\.security\\.microsoft\\.com/edr/"},
};

typedef struct occ {
	size_t pos[SIG_MAX], end[SIG_MAX];
	unsigned n;
} occ;

static GOnce mde_once = G_ONCE_INIT;

static gpointer compile_tokens(gpointer unused)
{
	pcre2_code **c = g_new0(pcre2_code *, N_T);
	char err[256];
	int i;

	for (i = 0; i < N_T; i++)
		c[i] = det_compile(tokens[i].re, 0, "mde token", err, sizeof(err));
	return c;
}

static void find_all(const pcre2_code *re, const sm_view *v, occ *o)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	PCRE2_SIZE off = 0, *ov;

	o->n = 0;
	while (o->n < SIG_MAX && off < v->len &&
	       sm_re_match(re, (PCRE2_SPTR)v->text, v->len, off, 0, md, NULL) >= 0) {
		ov = pcre2_get_ovector_pointer(md);
		o->pos[o->n] = ov[0];
		o->end[o->n++] = ov[1];
		off = ov[1] > off ? ov[1] : off + 1;
	}
	pcre2_match_data_free(md);
}

static size_t dist(size_t a, size_t b)
{
	return a > b ? a - b : b - a;
}

/* First occurrence in a that has one of b within WINDOW, or -1. */
static int near(const occ *a, const occ *b)
{
	unsigned i, j;

	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++)
			if (dist(a->pos[i], b->pos[j]) <= WINDOW)
				return (int)i;
	return -1;
}

static void extend(size_t *s, size_t *e, size_t a, size_t b)
{
	if (a < *s)
		*s = a;
	if (b > *e)
		*e = b;
}

/* Score the signals; the span that holds them into *s, *e. */
static int score(const occ *o, size_t *s, size_t *e)
{
	int sc = 0, i;

	*s = (size_t)-1;
	*e = 0;
	if ((i = near(&o[T_PREV], &o[T_ORG])) >= 0 && near(&o[T_PREV], &o[T_GEO]) >= 0)
		sc += 100, extend(s, e, o[T_PREV].pos[i], o[T_PREV].end[i]);
	if ((i = near(&o[T_MDATP], &o[T_OBI_KEY])) >= 0)
		sc += 100, extend(s, e, o[T_MDATP].pos[i], o[T_MDATP].end[i]);
	if ((i = near(&o[T_SHA], &o[T_CHAIN])) >= 0)
		sc += 100, extend(s, e, o[T_SHA].pos[i], o[T_SHA].end[i]);
	if (o[T_REGLINE].n)
		sc += 100, extend(s, e, o[T_REGLINE].pos[0], o[T_REGLINE].end[0]);
	if (o[T_OFFB_W].n)
		sc += 100, extend(s, e, o[T_OFFB_W].pos[0], o[T_OFFB_W].end[0]);
	if (o[T_PLIST].n)
		sc += 100, extend(s, e, o[T_PLIST].pos[0], o[T_PLIST].end[0]);
	if (o[T_OFFB].n && !o[T_OFFB_W].n)
		sc += 40, extend(s, e, o[T_OFFB].pos[0], o[T_OFFB].end[0]);
	if (o[T_GW].n)
		sc += 40, extend(s, e, o[T_GW].pos[0], o[T_GW].end[0]);
	return sc;
}

int det_scan_mde(const det *d, const sm_view *v, det_out *out)
{
	pcre2_code **c = g_once(&mde_once, compile_tokens, NULL);
	occ *o;
	bool any = false;
	size_t s, e;
	int i, sc;

	for (i = 0; i < N_T && !any; i++)
		any = i != T_GW && (out->lits & tokens[i].lits);
	if (!any)
		return 0;
	o = g_new0(occ, N_T);
	for (i = 0; i < N_T; i++)
		if (c[i] && (out->lits & tokens[i].lits))
			find_all(c[i], v, &o[i]);
	sc = score(o, &s, &e);
	g_free(o);
	if (sc < 100 || e <= s)
		return 0;
	/* the whole line(s) holding the signals */
	while (s > 0 && v->text[s - 1] != '\n')
		s--;
	while (e < v->len && v->text[e] != '\n' && v->text[e] != '\r')
		e++;
	det_emit(out, s, e, SM_MASK_ALL, sc >= 200 ? 100 : 90);
	return out->full ? 1 : 0;
}
