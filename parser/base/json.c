/*
 * json.c - small JSON writer (see json.h).
 *
 * Untrusted input: string values (header text, file names).  They are
 * validated as UTF-8 and escaped; nothing is written raw.
 */
#include "sm_json.h"

#include <string.h>

void sm_json_init(sm_json *j)
{
	j->s = g_string_new(NULL);
	j->need_comma = false;
}

char *sm_json_finish(sm_json *j)
{
	return g_string_free(j->s, FALSE);
}

static void sep(sm_json *j)
{
	if (j->need_comma)
		g_string_append_c(j->s, ',');
	j->need_comma = true;
}

void sm_json_obj_begin(sm_json *j)
{
	sep(j);
	g_string_append_c(j->s, '{');
	j->need_comma = false;
}

void sm_json_obj_end(sm_json *j)
{
	g_string_append_c(j->s, '}');
	j->need_comma = true;
}

void sm_json_arr_begin(sm_json *j)
{
	sep(j);
	g_string_append_c(j->s, '[');
	j->need_comma = false;
}

void sm_json_arr_end(sm_json *j)
{
	g_string_append_c(j->s, ']');
	j->need_comma = true;
}

static void esc(GString *s, const char *v, size_t len)
{
	const char *p = v, *end = v + len;

	g_string_append_c(s, '"');
	while (p < end) {
		const char *run = p;
		gunichar c;
		int n;

		/* a run of printable ASCII other than '"' and '\\' is itself */
		while (p < end && *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			g_string_append_len(s, run, p - run);
		if (p == end)
			break;
		c = g_utf8_get_char_validated(p, end - p);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append(s, "\\ufffd");
			p++;
			continue;
		}
		n = g_utf8_skip[*(const guchar *)p];
		if (c == '"' || c == '\\') {
			g_string_append_c(s, '\\');
			g_string_append_c(s, (char)c);
		} else if (c == '\n') {
			g_string_append(s, "\\n");
		} else if (c == '\r') {
			g_string_append(s, "\\r");
		} else if (c == '\t') {
			g_string_append(s, "\\t");
		} else if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
			g_string_append_printf(s, "\\u%04x", c);
		} else {
			g_string_append_len(s, p, n);
		}
		p += n;
	}
	g_string_append_c(s, '"');
}

void sm_json_key(sm_json *j, const char *key)
{
	sep(j);
	esc(j->s, key, strlen(key));
	g_string_append_c(j->s, ':');
	j->need_comma = false;
}

void sm_json_strn(sm_json *j, const char *v, size_t len)
{
	sep(j);
	esc(j->s, v, len);
}

void sm_json_str(sm_json *j, const char *v)
{
	if (!v) {
		sm_json_null(j);
		return;
	}
	sm_json_strn(j, v, strlen(v));
}

void sm_json_int(sm_json *j, long long v)
{
	sep(j);
	g_string_append_printf(j->s, "%lld", v);
}

void sm_json_bool(sm_json *j, bool v)
{
	sep(j);
	g_string_append(j->s, v ? "true" : "false");
}

void sm_json_null(sm_json *j)
{
	sep(j);
	g_string_append(j->s, "null");
}

void sm_json_kstr(sm_json *j, const char *key, const char *v)
{
	sm_json_key(j, key);
	sm_json_str(j, v);
}

void sm_json_kint(sm_json *j, const char *key, long long v)
{
	sm_json_key(j, key);
	sm_json_int(j, v);
}

void sm_json_kbool(sm_json *j, const char *key, bool v)
{
	sm_json_key(j, key);
	sm_json_bool(j, v);
}
