/*
 * detect_conf.c - loading the detector set from the `detectors` group of
 * the configuration, or the built-in defaults (sm_detectors_load(NULL)).
 *
 * Input: the configuration (administrator, trusted but often wrong): every
 * error is "file:line: key 'x': what is wrong".  Patterns are compiled once
 * (PCRE2, JIT).  Ownership: sm_detectors owns every compiled pattern and
 * string; it is immutable after load.
 */
#include "detect_int.h"
#include "re.h"

#include "conftab.h"

#include <stdio.h>

static const char *const validators[] = {"none", "luhn", "mynumber", NULL};
static const char *const masks[] = {"none", "digits_keep4", "fixed", "all", NULL};

#define COFF(f) offsetof(det, f)
/* Keys every detector group may have; custom ones add the second table. */
static const sm_conf_key builtin_keys[] = {
	{"enabled", SM_CONF_BOOL, COFF(enabled), 1},
	{"label", SM_CONF_ASCII, COFF(label), 0, NULL},
	{"action", SM_CONF_ENUM, COFF(info.action), SM_ACT_MASK, NULL, 0, 0, sm_act_names},
	{"archive_action", SM_CONF_ENUM, COFF(info.archive_action), SM_ACT_STRIP, NULL, 0, 0,
	 sm_act_names},
	{"reply", SM_CONF_ASCII, COFF(reply), 0, NULL},
	{"keywords", SM_CONF_STRLIST, COFF(keywords)},
	{"window", SM_CONF_INT, COFF(window), 0, NULL, 0, 10000},
	{"names", SM_CONF_STRLIST, COFF(names)},
	{NULL},
};

static const sm_conf_key custom_keys[] = {
	{"enabled", SM_CONF_BOOL, COFF(enabled), 1},
	{"label", SM_CONF_ASCII, COFF(label), 0, NULL},
	{"action", SM_CONF_ENUM, COFF(info.action), SM_ACT_MASK, NULL, 0, 0, sm_act_names},
	{"archive_action", SM_CONF_ENUM, COFF(info.archive_action), SM_ACT_STRIP, NULL, 0, 0,
	 sm_act_names},
	{"reply", SM_CONF_ASCII, COFF(reply), 0, NULL},
	{"keywords", SM_CONF_STRLIST, COFF(keywords)},
	{"window", SM_CONF_INT, COFF(window), 100, NULL, 0, 10000},
	{"names", SM_CONF_STRLIST, COFF(names)},
	{"patterns", SM_CONF_STRLIST, COFF(patterns)},
	{"validator", SM_CONF_ENUM, COFF(validator), VAL_NONE, NULL, 0, 0, validators},
	{"mask", SM_CONF_ENUM, COFF(mask), SM_MASK_ALL, NULL, 0, 0, masks},
	{NULL},
};

/* ------------------------------------------------------------ defaults */

const char *const det_card_keywords[] = {
	"カード番号", "クレジットカード", "クレジット", "有効期限", "セキュリティコード",
	"card number", "credit card", "card no", "expiry", "expiration", "exp date", "cvv",
	"cvc", "security code", "visa", "mastercard", "amex", NULL};
const char *const det_password_keywords[] = {
	"password", "passwd", "passphrase", "pass phrase", "passcode", "pwd", "pw", "パスワード", "暗証番号",
	"パスコード", "パスフレーズ", "pass", "パス", "p/w", "pin", NULL};
const char *const det_mynumber_keywords[] = {"マイナンバー", "個人番号", "my number",
					     "mynumber", "individual number", NULL};
const char *const det_mde_names[] = {
	"(?:gateway)?windowsdefenderatp(?:local)?(?:on|off)boarding(?:package|script)",
	"windowsdefenderatp(?:local)?offboarding(?:package|script)?_valid_until_\\d{4}-\\d{2}-\\d{2}",
	"devicecompliance(?:on|off)boarding(?:package|script)(?:_valid_until_\\d{4}-\\d{2}-\\d{2})?",
	"windowsdefenderatp\\.(?:on|off)boarding",
	"microsoftdefenderatp(?:on|off)boarding(?:linuxserver|macos)(?:_valid_until_\\d{4}-\\d{2}-\\d{2})?",
	"windowsdefenderatp(?:on|off)boarding",
	"com\\.microsoft\\.wdav\\.atp(?:\\.offboarding)?",
	NULL};

typedef struct builtin {
	const char *id;
	det_kind kind;
	const char *label;
	sm_act action, archive_action;
	const char *const *keywords;
	long long window;
	const char *const *names;
	const char *reply;
} builtin;

static const builtin builtins[] = {
	{"credit_card", K_CARD, "credit card number", SM_ACT_MASK, SM_ACT_STRIP, det_card_keywords,
	 300, NULL, "card numbers must never be sent to support; remove it and send again"},
	{"password", K_PASSWORD, "password", SM_ACT_MASK, SM_ACT_STRIP, det_password_keywords, 0,
	 NULL, "passwords must never be sent to support; remove it and send again"},
	{"private_key", K_PRIVATE_KEY, "private key", SM_ACT_MASK, SM_ACT_STRIP, NULL, 0, NULL,
	 "private keys must never be sent to support; remove it and send again"},
	{"cloud_secret", K_CLOUD, "cloud access key or token", SM_ACT_MASK, SM_ACT_STRIP, NULL, 0,
	 NULL, "access keys and tokens must never be sent to support; remove it and send again"},
	{"my_number", K_MYNUMBER, "My Number (individual number)", SM_ACT_MASK, SM_ACT_STRIP,
	 det_mynumber_keywords, 100, NULL,
	 "My Numbers must never be sent to support; remove it and send again"},
	{"mde_onboarding", K_MDE, "Defender for Endpoint onboarding material", SM_ACT_REJECT,
	 SM_ACT_REJECT, NULL, 0, det_mde_names,
	 "onboarding and offboarding scripts and packages must never be sent to support"},
};
#define N_BUILTINS (sizeof(builtins) / sizeof(builtins[0]))

/* ------------------------------------------------------------ freeing */

static void free_re_array(GPtrArray *a)
{
	unsigned i;

	for (i = 0; a && i < a->len; i++)
		pcre2_code_free(g_ptr_array_index(a, i));
	if (a)
		g_ptr_array_free(a, TRUE);
}

static void det_free(det *d)
{
	if (!d)
		return;
	sm_conf_clear(custom_keys, d);
	g_free(d->id);
	free_re_array(d->re);
	free_re_array(d->name_re);
	det_password_kw_free(d->kw);
	det_near_free(d->near);
	g_free(d);
}

void sm_detectors_free(sm_detectors *s)
{
	unsigned i;

	if (!s)
		return;
	for (i = 0; i < s->dets->len; i++)
		det_free(g_ptr_array_index(s->dets, i));
	g_ptr_array_free(s->dets, TRUE);
	det_pre_free(s->pre);
	g_free(s);
}


/* ------------------------------------------------------------ loading */

static char **strv_from(const char *const *v)
{
	return v ? g_strdupv((char **)v) : NULL;
}

/* A group's key is present (so the builtin default must not override it). */
static bool has_key(const config_setting_t *g, const char *name)
{
	return g && config_setting_get_member(g, name) != NULL;
}

/* Per-detector defaults for the keys the group does not set. */
static void builtin_defaults(det *d, const builtin *b, const config_setting_t *g)
{
	d->kind = b->kind;
	d->mask = SM_MASK_NONE;
	if (!has_key(g, "label"))
		g_free(d->label), d->label = g_strdup(b->label);
	if (!has_key(g, "action"))
		d->info.action = b->action;
	if (!has_key(g, "archive_action"))
		d->info.archive_action = b->archive_action;
	if (!has_key(g, "reply"))
		g_free(d->reply), d->reply = g_strdup(b->reply);
	if (!has_key(g, "keywords"))
		d->keywords = strv_from(b->keywords);
	if (!has_key(g, "window"))
		d->window = b->window;
	if (!has_key(g, "names"))
		d->names = strv_from(b->names);
}

static void where_key(const config_setting_t *g, const char *key, char *buf, size_t len)
{
	const config_setting_t *s = g ? config_setting_get_member(g, key) : NULL;

	sm_conf_where(s ? s : g, buf, len);
	if (!g)
		snprintf(buf, len, "(built-in): ");
}

static GPtrArray *compile_list(char **list, uint32_t flags, const config_setting_t *g,
			       const char *key, char *err, size_t errlen)
{
	GPtrArray *a = g_ptr_array_new();
	char where[600], what[700];
	unsigned i;

	where_key(g, key, where, sizeof(where));
	for (i = 0; list && list[i]; i++) {
		pcre2_code *re;

		snprintf(what, sizeof(what), "%skey '%s': pattern %u", where, key, i + 1);
		re = det_compile(list[i], flags, what, err, errlen);
		if (!re) {
			unsigned j;

			for (j = 0; j < a->len; j++)
				pcre2_code_free(g_ptr_array_index(a, j));
			g_ptr_array_free(a, TRUE);
			return NULL;
		}
		g_ptr_array_add(a, re);
	}
	return a;
}

/* Fold keywords the way views are folded, so "ｶｰﾄﾞ番号" in a config still matches. */
static void fold_keywords(det *d)
{
	unsigned i;

	for (i = 0; d->keywords && d->keywords[i]; i++) {
		char *f = sm_fold(d->keywords[i], strlen(d->keywords[i]));

		g_free(d->keywords[i]);
		d->keywords[i] = f;
	}
}

static int check_keys(det *d, const config_setting_t *g, char *err, size_t errlen)
{
	char where[600];

	if (d->kind == K_CUSTOM && (!d->patterns || !d->patterns[0])) {
		where_key(g, "patterns", where, sizeof(where));
		snprintf(err, errlen, "%sdetector '%s': key 'patterns': a custom detector needs at "
			 "least one pattern (or is '%s' a misspelt built-in detector?)", where,
			 d->id, d->id);
		return -1;
	}
	if ((d->kind == K_PRIVATE_KEY || d->kind == K_CLOUD || d->kind == K_MDE) &&
	    has_key(g, "keywords")) {
		where_key(g, "keywords", where, sizeof(where));
		snprintf(err, errlen, "%skey 'keywords': not used by detector '%s'", where, d->id);
		return -1;
	}
	if (d->kind == K_PASSWORD && (!d->keywords || !d->keywords[0])) {
		where_key(g, "keywords", where, sizeof(where));
		snprintf(err, errlen, "%skey 'keywords': detector 'password' needs keywords", where);
		return -1;
	}
	return 0;
}

static int compile_det(det *d, const config_setting_t *g, char *err, size_t errlen)
{
	if (check_keys(d, g, err, errlen) < 0)
		return -1;
	fold_keywords(d);
	d->near = det_near_new(d->keywords);
	d->name_re = compile_list(d->names, PCRE2_CASELESS | PCRE2_UTF | PCRE2_ANCHORED, g,
				  "names", err, errlen);
	if (!d->name_re)
		return -1;
	d->re = compile_list(d->patterns, PCRE2_UTF | PCRE2_MULTILINE | SM_RE_WATCH, g, "patterns", err,
			     errlen);
	if (!d->re)
		return -1;
	if (d->kind == K_PASSWORD || d->kind == K_MYNUMBER) {
		char where[600], msg[700];

		d->kw = det_password_kw_new(d->keywords, msg, sizeof(msg));
		if (!d->kw) {
			where_key(g, "keywords", where, sizeof(where));
			snprintf(err, errlen, "%skey 'keywords': %s", where, msg);
			return -1;
		}
	}
	d->info.id = d->id;
	d->info.label = d->label ? d->label : d->id;
	if (!d->reply)
		d->reply = g_strdup_printf("confidential data must never be sent to support; "
					   "remove it and send again (%s)", d->id);
	d->info.reply = d->reply;
	return 0;
}

static bool valid_id(const char *id)
{
	const char *p;

	if (!id || !*id || strlen(id) > 64)
		return false;
	for (p = id; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
			return false;
	return true;
}

/* One detector from group g (NULL: built-in b with defaults). */
static det *load_one(const builtin *b, const char *id, const config_setting_t *g, char *err,
		     size_t errlen)
{
	det *d = g_new0(det, 1);

	d->id = g_strdup(id);
	d->kind = K_CUSTOM;
	if (sm_conf_apply(g, b ? builtin_keys : custom_keys, d, err, errlen) < 0)
		goto fail;
	if (b)
		builtin_defaults(d, b, g);
	if (compile_det(d, g, err, errlen) < 0)
		goto fail;
	return d;
fail:
	det_free(d);
	return NULL;
}

static const builtin *find_builtin(const char *id)
{
	size_t i;

	for (i = 0; i < N_BUILTINS; i++)
		if (strcmp(builtins[i].id, id) == 0)
			return &builtins[i];
	return NULL;
}

static int add_det(sm_detectors *s, det *d)
{
	if (!d)
		return -1;
	if (d->enabled)
		g_ptr_array_add(s->dets, d);
	else
		det_free(d);
	return 0;
}

static int load_custom(sm_detectors *s, const config_setting_t *group, char *err,
		       size_t errlen)
{
	int i, n = config_setting_length(group);

	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(group, i);
		const char *id = config_setting_name(g);
		char where[600];

		sm_conf_where(g, where, sizeof(where));
		if (!config_setting_is_group(g)) {
			snprintf(err, errlen, "%skey '%s': expected a detector group { ... }",
				 where, id);
			return -1;
		}
		if (!valid_id(id)) {
			snprintf(err, errlen, "%sdetector name '%s': letters, digits, '_' or '-' "
				 "only, at most 64", where, id);
			return -1;
		}
		if (!find_builtin(id) && add_det(s, load_one(NULL, id, g, err, errlen)) < 0)
			return -1;
	}
	return 0;
}

sm_detectors *sm_detectors_load(const config_setting_t *group, char *err, size_t errlen)
{
	sm_detectors *s = g_new0(sm_detectors, 1);
	size_t i;

	s->dets = g_ptr_array_new();
	if (group && !config_setting_is_group(group)) {
		char where[600];

		sm_conf_where(group, where, sizeof(where));
		snprintf(err, errlen, "%skey 'detectors': must be a group { ... }", where);
		goto fail;
	}
	for (i = 0; i < N_BUILTINS; i++) {
		const config_setting_t *g =
			group ? config_setting_get_member(group, builtins[i].id) : NULL;

		if (g && !config_setting_is_group(g))
			continue; /* reported by load_custom */
		if (add_det(s, load_one(&builtins[i], builtins[i].id, g, err, errlen)) < 0)
			goto fail;
	}
	if (group && load_custom(s, group, err, errlen) < 0)
		goto fail;
	s->pre = det_pre_new(s);
	return s;
fail:
	sm_detectors_free(s);
	return NULL;
}
