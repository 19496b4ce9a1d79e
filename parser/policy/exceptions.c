/*
 * exceptions.c - the `exceptions` group (see exceptions.h).
 *
 * Input: the configuration (administrator); at match time the envelope, the
 * client address and the raw header block of a message (untrusted: header
 * fields are compared, never copied; the search is bounded by the header
 * block, which the parser already limited to max_header_bytes).
 */
#include "exceptions.h"

#include "conftab.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* Rule ids an exception may name (rules_eval.c's outcomes). */
static const char *const rule_ids[] = {"subject_sr", "resolution", "severity_a",
				       "feature_request", "attachments", NULL};
#define ONBOARDING "mde_onboarding"

typedef struct net {
	int family;
	unsigned char addr[16];
	unsigned bits;
} net;

typedef struct exc_conf {
	char **senders, **recipients, **header_clients, **relax;
	char *header, *expires, *comment;
} exc_conf;

#define XOFF(f) offsetof(exc_conf, f)
static const sm_conf_key exc_keys[] = {
	{"senders", SM_CONF_STRLIST, XOFF(senders)},
	{"recipients", SM_CONF_STRLIST, XOFF(recipients)},
	{"header", SM_CONF_STRING, XOFF(header), 0, NULL},
	{"header_clients", SM_CONF_STRLIST, XOFF(header_clients)},
	{"relax", SM_CONF_STRLIST, XOFF(relax)},
	{"expires", SM_CONF_STRING, XOFF(expires), 0, NULL},
	{"comment", SM_CONF_STRING, XOFF(comment), 0, NULL},
	{NULL},
};

struct sm_exception {
	char *name;
	char where[256];     /* "file:line: " of its group */
	exc_conf c;
	char *hname, *hvalue; /* header split at the colon, value trimmed */
	GArray *clients;     /* net */
	bool relax_all;      /* "*" */
	time_t expires;      /* first second it no longer applies; 0: never */
};

struct sm_exceptions {
	GPtrArray *list; /* sm_exception* */
};

static void exc_free(sm_exception *e)
{
	sm_conf_clear(exc_keys, &e->c);
	g_free(e->name);
	g_free(e->hname);
	g_free(e->hvalue);
	if (e->clients)
		g_array_free(e->clients, TRUE);
	g_free(e);
}

void sm_exceptions_free(sm_exceptions *x)
{
	if (!x)
		return;
	g_ptr_array_free(x->list, TRUE);
	g_free(x);
}

/* ---------------------------------------------------------------- loading */

static int parse_net(const char *s, net *n)
{
	char *a = g_strdup(s), *slash = strchr(a, '/');
	int rc = -1, max;

	if (slash)
		*slash = '\0';
	memset(n, 0, sizeof(*n));
	if (inet_pton(AF_INET, a, n->addr) == 1)
		n->family = AF_INET;
	else if (inet_pton(AF_INET6, a, n->addr) == 1)
		n->family = AF_INET6;
	max = n->family == AF_INET ? 32 : 128;
	if (n->family) {
		char *end = NULL;
		long b = slash ? strtol(slash + 1, &end, 10) : max;

		if ((!slash || (*end == '\0' && slash[1])) && b >= 0 && b <= max) {
			n->bits = (unsigned)b;
			rc = 0;
		}
	}
	g_free(a);
	return rc;
}

static bool known_id(const sm_detectors *d, const char *id)
{
	size_t i;

	if (strcmp(id, "*") == 0 || g_strv_contains(rule_ids, id))
		return true;
	for (i = 0; i < sm_detectors_count(d); i++)
		if (strcmp(sm_detectors_info(d, (unsigned)i)->id, id) == 0)
			return true;
	return false;
}

static bool address_ok(const char *a)
{
	return a[0] == '@' ? a[1] != '\0' && !strchr(a + 1, '@')
			   : strchr(a, '@') && !strchr(a, ' ') && !strchr(a, '<');
}

/* "YYYY-MM-DD": the first second after that day, local time. */
static int parse_expiry(const char *s, time_t *out)
{
	int y, m, d;
	char end;
	GDateTime *dt;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 ||
	    !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		return -1;
	dt = g_date_time_new_local(y, m, d, 0, 0, 0);
	if (!dt)
		return -1;
	*out = (time_t)g_date_time_to_unix(dt) + 86400;
	g_date_time_unref(dt);
	return 0;
}

static int check_lists(sm_exception *e, const sm_detectors *d, char *err, size_t errlen)
{
	char **s;

	for (s = e->c.senders; s && *s; s++)
		if (!address_ok(*s))
			goto addr;
	for (s = e->c.recipients; s && *s; s++)
		if (!address_ok(*s))
			goto addr;
	if (!e->c.relax || !e->c.relax[0]) {
		snprintf(err, errlen, "%sexception '%s': key 'relax': name the detectors or rules it "
			 "relaxes (or \"*\")", e->where, e->name);
		return -1;
	}
	for (s = e->c.relax; *s; s++) {
		if (!known_id(d, *s)) {
			snprintf(err, errlen, "%sexception '%s': key 'relax': '%s' is neither a detector "
				 "nor a rule (subject_sr, resolution, severity_a, feature_request, "
				 "attachments) nor \"*\"", e->where, e->name, *s);
			return -1;
		}
		e->relax_all |= strcmp(*s, "*") == 0;
	}
	return 0;
addr:
	snprintf(err, errlen, "%sexception '%s': '%s' is neither an address nor an @domain",
		 e->where, e->name, *s);
	return -1;
}

static int compile_header(sm_exception *e, char *err, size_t errlen)
{
	const char *colon;
	char **c;
	net n;

	if (!e->c.header) {
		if (e->c.header_clients) {
			snprintf(err, errlen, "%sexception '%s': header_clients without header",
				 e->where, e->name);
			return -1;
		}
		return 0;
	}
	colon = strchr(e->c.header, ':');
	if (!colon || colon == e->c.header || g_ascii_strncasecmp(e->c.header, "X-", 2) != 0) {
		snprintf(err, errlen, "%sexception '%s': key 'header': expected \"X-Name: value\"",
			 e->where, e->name);
		return -1;
	}
	e->hname = g_strndup(e->c.header, colon - e->c.header);
	e->hvalue = g_strstrip(g_strdup(colon + 1));
	if (!e->c.header_clients || !e->c.header_clients[0]) {
		snprintf(err, errlen, "%sexception '%s': a header counts only from the client addresses "
			 "in header_clients (the company's own systems); none given", e->where, e->name);
		return -1;
	}
	e->clients = g_array_new(FALSE, FALSE, sizeof(net));
	for (c = e->c.header_clients; *c; c++) {
		if (parse_net(*c, &n) < 0) {
			snprintf(err, errlen, "%sexception '%s': header_clients: '%s' is not an address "
				 "or address/bits", e->where, e->name, *c);
			return -1;
		}
		g_array_append_val(e->clients, n);
	}
	return 0;
}

static sm_exception *load_one(const config_setting_t *g, const sm_detectors *d, char *err,
			      size_t errlen)
{
	sm_exception *e = g_new0(sm_exception, 1);

	e->name = g_strdup(config_setting_name(g));
	sm_conf_where(g, e->where, sizeof(e->where));
	if (config_setting_is_group(g) == CONFIG_FALSE) {
		snprintf(err, errlen, "%sexception '%s': expected a group { ... }", e->where, e->name);
		goto fail;
	}
	if (sm_conf_apply(g, exc_keys, &e->c, err, errlen) < 0 ||
	    check_lists(e, d, err, errlen) < 0 || compile_header(e, err, errlen) < 0)
		goto fail;
	if (!e->c.senders && !e->c.recipients && !e->c.header) {
		snprintf(err, errlen, "%sexception '%s': give at least one of senders, recipients, "
			 "header", e->where, e->name);
		goto fail;
	}
	if (e->c.expires && parse_expiry(e->c.expires, &e->expires) < 0) {
		snprintf(err, errlen, "%sexception '%s': key 'expires': expected YYYY-MM-DD", e->where,
			 e->name);
		goto fail;
	}
	return e;
fail:
	exc_free(e);
	return NULL;
}

sm_exceptions *sm_exceptions_load(const config_setting_t *group, const sm_detectors *d,
				  char *err, size_t errlen)
{
	sm_exceptions *x = g_new0(sm_exceptions, 1);
	int i, n = group ? config_setting_length(group) : 0;

	x->list = g_ptr_array_new_with_free_func((GDestroyNotify)exc_free);
	for (i = 0; i < n; i++) {
		sm_exception *e = load_one(config_setting_get_elem(group, (unsigned)i), d, err, errlen);

		if (!e) {
			sm_exceptions_free(x);
			return NULL;
		}
		g_ptr_array_add(x->list, e);
	}
	return x;
}

/* ---------------------------------------------------------------- matching */

/* "local@domain" of an envelope address, lower case; NULL if none. */
static char *bare(const char *a)
{
	const char *s = a, *e;

	if (!a)
		return NULL;
	while (*s == ' ' || *s == '<')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '>' || e[-1] == '.'))
		e--;
	return e > s && e - s <= 320 ? g_ascii_strdown(s, e - s) : NULL;
}

static bool addr_in(char **list, const char *addr)
{
	char *a = bare(addr);
	const char *at = a ? strrchr(a, '@') : NULL;
	bool hit = false;

	for (; a && list && *list && !hit; list++)
		hit = (*list)[0] == '@' ? at && g_ascii_strcasecmp(*list + 1, at + 1) == 0
					: g_ascii_strcasecmp(*list, a) == 0;
	g_free(a);
	return hit;
}

static bool client_in(const GArray *nets, const char *client)
{
	net c;
	guint i;

	if (!client || parse_net(client, &c) < 0)
		return false;
	for (i = 0; i < nets->len; i++) {
		const net *n = &g_array_index(nets, net, i);
		unsigned full = n->bits / 8, rest = n->bits % 8;

		if (n->family != c.family || memcmp(n->addr, c.addr, full) != 0)
			continue;
		if (!rest || ((n->addr[full] ^ c.addr[full]) & (0xff << (8 - rest)) & 0xff) == 0)
			return true;
	}
	return false;
}

/* Is there a top-level field name: value (value compared trimmed, folding
 * undone)? */
static bool has_header(const char *h, size_t len, const char *name, const char *value)
{
	const char *p = h, *e = h + len;
	size_t nl = strlen(name);

	while (p < e) {
		const char *eol = memchr(p, '\n', e - p), *end = eol ? eol + 1 : e;

		while (end < e && (*end == ' ' || *end == '\t')) { /* continuation lines */
			eol = memchr(end, '\n', e - end);
			end = eol ? eol + 1 : e;
		}
		if ((size_t)(end - p) > nl && p[nl] == ':' && g_ascii_strncasecmp(p, name, nl) == 0) {
			GString *v = g_string_new_len(p + nl + 1, end - p - nl - 1);
			bool same;

			g_strdelimit(v->str, "\r\n\t", ' ');
			same = strcmp(g_strstrip(v->str), value) == 0;
			g_string_free(v, TRUE);
			if (same)
				return true;
		}
		p = end;
	}
	return false;
}

static bool rcpt_in(char **list, const char *const *rcpts)
{
	for (; rcpts && *rcpts; rcpts++)
		if (addr_in(list, *rcpts))
			return true;
	return false;
}

const sm_exception *sm_exceptions_match(const sm_exceptions *x, const sm_envelope *env,
					const char *hdr, size_t hlen, time_t now,
					const sm_exception **ignored)
{
	guint i;

	*ignored = NULL;
	for (i = 0; x && env && i < x->list->len; i++) {
		const sm_exception *e = g_ptr_array_index(x->list, i);

		if (e->expires && now >= e->expires)
			continue;
		if (e->c.senders && !addr_in(e->c.senders, env->sender))
			continue;
		if (e->c.recipients && !rcpt_in(e->c.recipients, env->rcpts))
			continue;
		if (e->hname) {
			if (!hdr || !has_header(hdr, hlen, e->hname, e->hvalue))
				continue;
			if (!client_in(e->clients, env->client_addr)) {
				if (!*ignored)
					*ignored = e;
				continue;
			}
		}
		return e;
	}
	return NULL;
}

const char *sm_exception_name(const sm_exception *e)
{
	return e ? e->name : NULL;
}

bool sm_exception_relaxes(const sm_exception *e, const char *id)
{
	if (!e || !id)
		return false;
	if (g_strv_contains((const char *const *)e->c.relax, id))
		return true;
	return e->relax_all && strcmp(id, ONBOARDING) != 0;
}

char **sm_exceptions_expired(const sm_exceptions *x, time_t now)
{
	GPtrArray *out = g_ptr_array_new();
	guint i;

	for (i = 0; x && i < x->list->len; i++) {
		const sm_exception *e = g_ptr_array_index(x->list, i);

		if (e->expires && now >= e->expires)
			g_ptr_array_add(out, g_strdup_printf("%sexception '%s' expired on %s", e->where,
							     e->name, e->c.expires));
	}
	if (!out->len) {
		g_ptr_array_free(out, TRUE);
		return NULL;
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}
