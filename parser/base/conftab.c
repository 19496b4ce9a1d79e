/*
 * conftab.c - table-driven loading of libconfig groups.
 *
 * Input: a configuration file written by an administrator (trusted, but
 * often wrong).  Every error names the file, the line, the key and what is
 * wrong.  Owns: the strings it copies into the caller's struct.
 */
#include "conftab.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SM_VERSION
#define SM_VERSION "dev"
#endif
/* A key or value this binary does not know is most often a configuration
 * written for a newer version (a rollback of the package): say so. */
#define NEWER_HINT " (unknown to support-milter " SM_VERSION ": is the configuration newer than the binary?)"

void sm_conf_where(const config_setting_t *s, char *buf, size_t len)
{
	const char *file = s ? config_setting_source_file(s) : NULL;
	unsigned line = s ? config_setting_source_line(s) : 0;

	snprintf(buf, len, "%s:%u: ", file ? file : "(config)", line);
}

bool sm_conf_is_printable_ascii(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

static const sm_conf_key *find_key(const sm_conf_key *t, const char *name)
{
	for (; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

static void set_default(const sm_conf_key *k, char *base)
{
	void *p = base + k->offset;

	switch (k->type) {
	case SM_CONF_BOOL:
		*(bool *)p = k->def != 0;
		break;
	case SM_CONF_INT:
	case SM_CONF_OCTAL:
		*(long long *)p = k->def;
		break;
	case SM_CONF_ENUM:
		*(int *)p = (int)k->def;
		break;
	case SM_CONF_STRING:
	case SM_CONF_ASCII:
		g_free(*(char **)p);
		*(char **)p = g_strdup(k->sdef);
		break;
	case SM_CONF_STRLIST:
	case SM_CONF_GROUP:
		break;
	}
}

char **sm_conf_strlist(const config_setting_t *s, char *err, size_t errlen)
{
	char where[512];
	int n, i;
	GPtrArray *a;

	sm_conf_where(s, where, sizeof(where));
	if (!config_setting_is_aggregate(s) || config_setting_is_group(s)) {
		snprintf(err, errlen, "%skey '%s': expected a list of strings", where,
			 config_setting_name(s));
		return NULL;
	}
	n = config_setting_length(s);
	a = g_ptr_array_new();
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		const char *v = config_setting_get_string(e);

		if (!v) {
			snprintf(err, errlen, "%skey '%s': element %d is not a string", where,
				 config_setting_name(s), i + 1);
			g_ptr_array_free(a, TRUE);
			return NULL;
		}
		g_ptr_array_add(a, g_strdup(v));
	}
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

static int set_enum(const sm_conf_key *k, const config_setting_t *s, const char *where,
		    int *out, char *err, size_t errlen)
{
	const char *v = config_setting_get_string(s);
	GString *names;
	int i;

	for (i = 0; v && k->choices[i]; i++)
		if (strcmp(k->choices[i], v) == 0) {
			*out = i;
			return 0;
		}
	names = g_string_new(NULL);
	for (i = 0; k->choices[i]; i++)
		g_string_append_printf(names, "%s%s", i ? ", " : "", k->choices[i]);
	snprintf(err, errlen, "%skey '%s': %s; expected one of: %s%s", where, k->name,
		 v ? "unknown value" : "expected a string", names->str, v ? NEWER_HINT : "");
	g_string_free(names, TRUE);
	return -1;
}

static int set_value(const sm_conf_key *k, const config_setting_t *s, char *base, char *err,
		     size_t errlen)
{
	char where[512];
	void *p = base + k->offset;
	int t = config_setting_type(s);

	sm_conf_where(s, where, sizeof(where));
	switch (k->type) {
	case SM_CONF_BOOL:
		if (t != CONFIG_TYPE_BOOL)
			goto type;
		*(bool *)p = config_setting_get_bool(s);
		return 0;
	case SM_CONF_INT: {
		long long v;

		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
			goto type;
		v = config_setting_get_int64(s);
		if (v < k->min || v > k->max) {
			snprintf(err, errlen, "%skey '%s': %lld is out of range (%lld to %lld)",
				 where, k->name, v, k->min, k->max);
			return -1;
		}
		*(long long *)p = v;
		return 0;
	}
	case SM_CONF_OCTAL: {
		const char *v = config_setting_get_string(s);
		char *end;
		long long o;

		if (t != CONFIG_TYPE_STRING)
			goto type;
		o = strtoll(v, &end, 8);
		if (!*v || *end || o < k->min || o > k->max) {
			snprintf(err, errlen, "%skey '%s': '%s' is not an octal mode (%llo to %llo)",
				 where, k->name, v, k->min, k->max);
			return -1;
		}
		*(long long *)p = o;
		return 0;
	}
	case SM_CONF_STRING:
	case SM_CONF_ASCII:
		if (t != CONFIG_TYPE_STRING)
			goto type;
		if (k->type == SM_CONF_ASCII &&
		    !sm_conf_is_printable_ascii(config_setting_get_string(s))) {
			snprintf(err, errlen,
				 "%skey '%s': must be printable ASCII (RFC 5321 reply text)", where,
				 k->name);
			return -1;
		}
		g_free(*(char **)p);
		*(char **)p = g_strdup(config_setting_get_string(s));
		return 0;
	case SM_CONF_ENUM:
		return set_enum(k, s, where, (int *)p, err, errlen);
	case SM_CONF_STRLIST: {
		char **l = sm_conf_strlist(s, err, errlen);

		if (!l)
			return -1;
		g_strfreev(*(char ***)p);
		*(char ***)p = l;
		return 0;
	}
	case SM_CONF_GROUP:
		if (t != CONFIG_TYPE_GROUP)
			goto type;
		return 0;
	}
type:
	snprintf(err, errlen, "%skey '%s': wrong type (expected %s)", where, k->name,
		 k->type == SM_CONF_BOOL ? "true or false"
		 : k->type == SM_CONF_INT ? "an integer"
		 : k->type == SM_CONF_GROUP ? "a group { ... }"
		 : k->type == SM_CONF_OCTAL ? "a string of octal digits, e.g. \"0660\""
					  : "a string");
	return -1;
}

int sm_conf_apply(const config_setting_t *group, const sm_conf_key *table, void *base, char *err,
		  size_t errlen)
{
	const sm_conf_key *k;
	int i, n;

	for (k = table; k->name; k++)
		set_default(k, base);
	if (!group)
		return 0;
	if (!config_setting_is_group(group)) {
		char where[512];

		sm_conf_where(group, where, sizeof(where));
		snprintf(err, errlen, "%s'%s' must be a group { ... }", where,
			 config_setting_name(group) ? config_setting_name(group) : "(root)");
		return -1;
	}
	n = config_setting_length(group);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, i);
		const char *name = config_setting_name(s);

		k = find_key(table, name);
		if (!k) {
			char where[512];

			sm_conf_where(s, where, sizeof(where));
			snprintf(err, errlen, "%sunknown key '%s'%s%s%s", where, name,
				 config_setting_name(group) ? " in group " : "",
				 config_setting_name(group) ? config_setting_name(group) : "",
				 NEWER_HINT);
			return -1;
		}
		if (set_value(k, s, base, err, errlen) < 0)
			return -1;
	}
	return 0;
}

void sm_conf_clear(const sm_conf_key *table, void *base)
{
	const sm_conf_key *k;

	for (k = table; k->name; k++) {
		void *p = (char *)base + k->offset;

		if (k->type == SM_CONF_STRING || k->type == SM_CONF_ASCII) {
			g_free(*(char **)p);
			*(char **)p = NULL;
		} else if (k->type == SM_CONF_STRLIST) {
			g_strfreev(*(char ***)p);
			*(char ***)p = NULL;
		}
	}
}
