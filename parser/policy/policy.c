/*
 * policy.c - loading, reference counting and recipient matching of the
 * compiled policy.  The scan itself is in scan.c.
 *
 * Input: the configuration file (administrator), and recipient addresses
 * from the SMTP envelope (untrusted: bounded to 320 bytes as RFC 5321 does;
 * at most MAX_CANDIDATES spellings and next hops are compared).
 */
#include "policy.h"
#include "re.h"

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

sm_act sm_policy_on_limit(const sm_policy *p, bool permanent)
{
	return (sm_act)(permanent ? p->cfg.limits.on_permanent_limit : p->cfg.limits.on_limit);
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

/* addr as "local@domain", lower-cased, brackets and spaces stripped, a
 * source route ("@relay,@relay2:") dropped. */
static char *bare_address(const char *addr)
{
	const char *s = addr, *e, *colon;

	while (*s == ' ' || *s == '<')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '>'))
		e--;
	if (e - s > 320)
		return NULL;
	if (*s == '@' && (colon = memchr(s, ':', (size_t)(e - s))) != NULL)
		s = colon + 1; /* RFC 5321 4.1.2: a source route is ignored */
	return g_ascii_strdown(s, e - s);
}

#define MAX_CANDIDATES 32

/* Add local@domain (a trailing dot of the domain dropped) if new. */
static void add_candidate(GPtrArray *c, const char *local, size_t ll, const char *domain,
			  size_t dl)
{
	char *a;

	while (dl && domain[dl - 1] == '.')
		dl--;
	if (c->len >= MAX_CANDIDATES)
		return;
	a = g_strdup_printf("%.*s@%.*s", (int)ll, local, (int)dl, domain);
	for (guint i = 0; i < c->len; i++)
		if (strcmp(g_ptr_array_index(c, i), a) == 0) {
			g_free(a);
			return;
		}
	g_ptr_array_add(c, a);
}

/* A quoted local part unquoted ("support\"mail" -> support"mail). */
static char *unquote(const char *s, size_t n)
{
	GString *g = g_string_new(NULL);

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			continue;
		if (s[i] == '\\' && i + 1 < n)
			i++;
		g_string_append_c(g, s[i]);
	}
	return g_string_free(g, FALSE);
}

/* The next hops of local@domain: the %-hack (user%host@relay: the relay
 * sends it to user@host), the !-path (host!user@relay: to user@host) and a
 * +subaddress (user+tag@domain: the mailbox user@domain). */
static void next_hops(GPtrArray *c, const char *a)
{
	const char *at = strrchr(a, '@'), *p;
	size_t ll = at ? (size_t)(at - a) : strlen(a);

	if (at && (p = g_strrstr_len(a, (gssize)ll, "%")) != NULL)
		add_candidate(c, a, (size_t)(p - a), p + 1, ll - (size_t)(p - a) - 1);
	if ((p = memchr(a, '!', ll)) != NULL)
		add_candidate(c, p + 1, ll - (size_t)(p - a) - 1, a, (size_t)(p - a));
	if (at && (p = memchr(a, '+', ll)) != NULL && p > a)
		add_candidate(c, a, (size_t)(p - a), at + 1, strlen(at + 1));
}

/* Every address SMTP delivers addr to, as equal spellings or next hops. */
static GPtrArray *candidates(const char *bare)
{
	GPtrArray *c = g_ptr_array_new_with_free_func(g_free);
	const char *at = strrchr(bare, '@');
	char *local = unquote(bare, at ? (size_t)(at - bare) : strlen(bare));

	if (at)
		add_candidate(c, local, strlen(local), at + 1, strlen(at + 1));
	else if (strchr(local, '!'))
		g_ptr_array_add(c, g_strdup(local)); /* host!user: a path, no domain */
	for (guint i = 0; i < c->len; i++) /* grows as it goes, at most MAX_CANDIDATES */
		next_hops(c, g_ptr_array_index(c, i));
	g_free(local);
	return c;
}

static bool is_support(const sm_policy *p, const char *a)
{
	const char *at = strrchr(a, '@');
	char **r;

	if (!at)
		return false;
	for (r = p->cfg.recipients; *r; r++) {
		if ((*r)[0] == '@' ? g_ascii_strcasecmp(*r + 1, at + 1) == 0
				   : (*r)[0] != '/' && g_ascii_strcasecmp(*r, a) == 0)
			return true;
	}
	for (unsigned i = 0; i < p->rcpt_re->len; i++) {
		pcre2_code *re = g_ptr_array_index(p->rcpt_re, i);
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
		bool hit = sm_re_match(re, (PCRE2_SPTR)a, strlen(a), 0, 0, md, NULL) >= 0;

		pcre2_match_data_free(md);
		if (hit)
			return true;
	}
	return false;
}

/*
 * Recipients compared as SMTP treats them: brackets, a source route, the
 * case of the domain (and of the local part, as every mail system here
 * treats it), a trailing dot, a quoted local part; and a recipient whose
 * %-hack, !-path or +subaddress leads to a support address counts as one.
 */
bool sm_policy_is_support_rcpt(const sm_policy *p, const char *addr)
{
	char *a = addr ? bare_address(addr) : NULL;
	GPtrArray *c;
	bool hit = false;

	if (!a)
		return false;
	c = candidates(a);
	for (guint i = 0; i < c->len && !hit; i++)
		hit = is_support(p, g_ptr_array_index(c, i));
	g_ptr_array_free(c, TRUE);
	g_free(a);
	return hit;
}
