/*
 * policy.c - loading, reference counting and recipient matching of the
 * compiled policy.  The scan itself is in scan.c.
 *
 * Input: the configuration file (administrator), and recipient addresses
 * from the SMTP envelope (untrusted: bounded to 320 bytes as RFC 5321 does).
 */
#include "policy.h"

#include <string.h>

static void policy_free(sm_policy *p)
{
	unsigned i;

	sm_detectors_free(p->det);
	sm_rules_free(p->rules);
	sm_exceptions_free(p->exc);
	g_free(p->notice_tmpl[0]);
	g_free(p->notice_tmpl[1]);
	for (i = 0; p->rcpt_re && i < p->rcpt_re->len; i++)
		pcre2_code_free(g_ptr_array_index(p->rcpt_re, i));
	if (p->rcpt_re)
		g_ptr_array_free(p->rcpt_re, TRUE);
	sm_config_clear(&p->cfg);
	g_free(p);
}

static int compile_recipients(sm_policy *p, char *err, size_t errlen)
{
	char **r;

	p->rcpt_re = g_ptr_array_new();
	for (r = p->cfg.recipients; *r; r++) {
		size_t n = strlen(*r);
		int ec;
		PCRE2_SIZE eo;
		pcre2_code *re;

		if (!(n > 2 && (*r)[0] == '/' && (*r)[n - 1] == '/'))
			continue;
		re = pcre2_compile((PCRE2_SPTR)(*r + 1), n - 2, PCRE2_CASELESS | PCRE2_UTF, &ec,
				   &eo, NULL);
		if (!re) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(ec, msg, sizeof(msg));
			snprintf(err, errlen, "recipients: pattern %s: %s at offset %zu", *r,
				 (char *)msg, (size_t)eo);
			return -1;
		}
		g_ptr_array_add(p->rcpt_re, re);
	}
	return 0;
}

/* The policy version in audit records: a hash of the configuration file,
 * so that a record says which configuration decided it. */
static void policy_version(sm_policy *p, const char *path)
{
	gchar *text = NULL, *hex;
	gsize len = 0;

	if (!g_file_get_contents(path, &text, &len, NULL)) {
		g_strlcpy(p->version, "unknown", sizeof(p->version));
		return;
	}
	hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)text, len);
	g_strlcpy(p->version, hex, sizeof(p->version));
	g_free(hex);
	g_free(text);
}

sm_policy *sm_policy_load(const char *path, char *err, size_t errlen)
{
	sm_policy *p = g_new0(sm_policy, 1);
	const config_setting_t *rules;

	p->refs = 1;
	if (sm_config_load(&p->cfg, path, err, errlen) < 0)
		goto fail;
	if (compile_recipients(p, err, errlen) < 0)
		goto fail;
	policy_version(p, path);
	p->det = sm_detectors_load(sm_config_group(&p->cfg, "detectors"), err, errlen);
	if (!p->det)
		goto fail;
	rules = sm_config_group(&p->cfg, "rules");
	p->rules = sm_rules_load(rules, p->cfg.policy_url, err, errlen);
	if (!p->rules)
		goto fail;
	p->exc = sm_exceptions_load(sm_config_group(&p->cfg, "exceptions"), p->det, err, errlen);
	if (!p->exc)
		goto fail;
	p->notice_tmpl[SM_NOTICE_JA] = sm_notice_template_load(p->cfg.notice.template_ja,
								 SM_NOTICE_JA, err, errlen);
	if (!p->notice_tmpl[SM_NOTICE_JA])
		goto fail;
	p->notice_tmpl[SM_NOTICE_EN] = sm_notice_template_load(p->cfg.notice.template_en,
								 SM_NOTICE_EN, err, errlen);
	if (!p->notice_tmpl[SM_NOTICE_EN])
		goto fail;
	sm_config_release_tree(&p->cfg);
	return p;
fail:
	sm_config_release_tree(&p->cfg);
	policy_free(p);
	return NULL;
}

sm_policy *sm_policy_ref(sm_policy *p)
{
	if (p)
		g_atomic_int_inc(&p->refs);
	return p;
}

void sm_policy_unref(sm_policy *p)
{
	if (p && g_atomic_int_dec_and_test(&p->refs))
		policy_free(p);
}

const sm_daemon_conf *sm_policy_daemon(const sm_policy *p)
{
	return &p->cfg.daemon;
}

const sm_limits *sm_policy_limits(const sm_policy *p)
{
	return &p->cfg.limits;
}

bool sm_policy_dry_run(const sm_policy *p)
{
	return p->cfg.mode == 1;
}

sm_act sm_policy_on_failure(const sm_policy *p)
{
	return (sm_act)p->cfg.on_failure;
}

sm_act sm_policy_on_unparseable(const sm_policy *p)
{
	return p->cfg.on_unparseable == 1 ? SM_ACT_NONE : SM_ACT_REJECT;
}

const char *sm_policy_fp_key(const sm_policy *p)
{
	return p->cfg.fp_key;
}

const char *sm_policy_version(const sm_policy *p)
{
	return p->version;
}

const sm_notice_conf *sm_policy_notice(const sm_policy *p)
{
	return &p->cfg.notice;
}

const char *sm_policy_url(const sm_policy *p)
{
	return p->cfg.policy_url;
}

char **sm_policy_warnings(const sm_policy *p, time_t now)
{
	GPtrArray *w = g_ptr_array_new();
	char **exp = sm_exceptions_expired(p->exc, now), **e;

	if (p->cfg.policy_url && strcmp(p->cfg.policy_url, SM_POLICY_URL_PLACEHOLDER) == 0)
		g_ptr_array_add(w, g_strdup("policy.policy_url is still the placeholder "
					    SM_POLICY_URL_PLACEHOLDER ": set the page that explains "
					    "your support mail rules (replies and notices show it)"));
	for (e = exp; e && *e; e++)
		g_ptr_array_add(w, g_strdup(*e));
	g_strfreev(exp);
	if (!w->len) {
		g_ptr_array_free(w, TRUE);
		return NULL;
	}
	g_ptr_array_add(w, NULL);
	return (char **)g_ptr_array_free(w, FALSE);
}

const char *sm_policy_fp_key_problem(const sm_policy *p)
{
	return p->cfg.fp_key_problem;
}

const char *sm_policy_failure_reply(const sm_policy *p)
{
	return p->cfg.failure_reply;
}

const char *sm_policy_limit_reply(const sm_policy *p)
{
	return p->cfg.limit_reply;
}

/* addr as "local@domain", lower-cased, brackets and spaces stripped. */
static char *bare_address(const char *addr)
{
	const char *s = addr, *e;

	while (*s == ' ' || *s == '<')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '>'))
		e--;
	if (e - s > 320)
		return NULL;
	return g_ascii_strdown(s, e - s);
}

bool sm_policy_is_support_rcpt(const sm_policy *p, const char *addr)
{
	char *a = addr ? bare_address(addr) : NULL;
	const char *at;
	char **r;
	unsigned i;
	bool hit = false;

	if (!a || !(at = strrchr(a, '@'))) {
		g_free(a);
		return false;
	}
	for (r = p->cfg.recipients; *r && !hit; r++) {
		if ((*r)[0] == '@')
			hit = g_ascii_strcasecmp(*r + 1, at + 1) == 0;
		else if ((*r)[0] != '/')
			hit = g_ascii_strcasecmp(*r, a) == 0;
	}
	for (i = 0; !hit && i < p->rcpt_re->len; i++) {
		pcre2_code *re = g_ptr_array_index(p->rcpt_re, i);
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);

		hit = pcre2_match(re, (PCRE2_SPTR)a, strlen(a), 0, 0, md, NULL) >= 0;
		pcre2_match_data_free(md);
	}
	g_free(a);
	return hit;
}
