/*
 * sm_json.h - one small JSON writer for the --test output, the audit log and
 * support-milter-report (public: the report tool in milter/report uses it).
 *
 * Strings are escaped per RFC 8259; invalid UTF-8 becomes U+FFFD and control
 * characters \uXXXX, so untrusted header text cannot break a record.
 * Commas are inserted automatically.  Output is one line.
 */
#ifndef SM_JSON_H
#define SM_JSON_H

#include <glib.h>
#include <stdbool.h>

typedef struct sm_json {
	GString *s;
	bool need_comma;
} sm_json;

void sm_json_init(sm_json *j);
char *sm_json_finish(sm_json *j); /* returns the text (g_free) */

void sm_json_obj_begin(sm_json *j);
void sm_json_obj_end(sm_json *j);
void sm_json_arr_begin(sm_json *j);
void sm_json_arr_end(sm_json *j);
void sm_json_key(sm_json *j, const char *key);
void sm_json_str(sm_json *j, const char *v);  /* NULL writes null */
void sm_json_strn(sm_json *j, const char *v, size_t len);
void sm_json_int(sm_json *j, long long v);
void sm_json_bool(sm_json *j, bool v);
void sm_json_null(sm_json *j);

/* key + value shorthands */
void sm_json_kstr(sm_json *j, const char *key, const char *v);
void sm_json_kint(sm_json *j, const char *key, long long v);
void sm_json_kbool(sm_json *j, const char *key, bool v);

#endif
