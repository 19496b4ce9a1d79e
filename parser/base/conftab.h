/*
 * conftab.h - table-driven loading of libconfig groups.
 *
 * Every module describes its keys in a table (name, type, default, min, max,
 * where the value lands).  sm_conf_apply() fills a struct from one libconfig
 * group: defaults first, then the keys present.  An unknown key, a wrong type
 * or an out-of-range value fails with "FILE:LINE: key 'x': what is wrong".
 * Strings are copied out (g_strdup), so the libconfig tree may be destroyed
 * afterwards; sm_conf_clear() frees them.
 */
#ifndef SM_CONFTAB_H
#define SM_CONFTAB_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	SM_CONF_BOOL,   /* bool */
	SM_CONF_INT,    /* long long, min..max */
	SM_CONF_STRING, /* char * (owned), NULL default allowed */
	SM_CONF_ENUM,   /* int: index into .choices (NULL-terminated) */
	SM_CONF_STRLIST,/* char ** (owned, NULL-terminated) */
	SM_CONF_GROUP,  /* left to the caller: only checked to be a group */
	SM_CONF_ASCII,  /* char * (owned), printable ASCII only (SMTP replies) */
	SM_CONF_OCTAL,  /* long long from a string of octal digits ("0660"), min..max */
} sm_conf_type;

typedef struct sm_conf_key {
	const char *name;
	sm_conf_type type;
	size_t offset;            /* where the value lands in the struct */
	long long def;            /* default for BOOL, INT, ENUM */
	const char *sdef;         /* default for STRING / ASCII */
	long long min, max;       /* INT range */
	const char *const *choices; /* ENUM names */
} sm_conf_key;

/* Fill `base` from `group` (may be NULL: defaults only).  0 or -1 with err. */
int sm_conf_apply(const config_setting_t *group, const sm_conf_key *table, void *base,
		  char *err, size_t errlen);

/* Free the strings and lists a table owns in `base`. */
void sm_conf_clear(const sm_conf_key *table, void *base);

/* "FILE:LINE: " prefix for a setting, for errors built by callers. */
void sm_conf_where(const config_setting_t *s, char *buf, size_t len);

/* A setting's string list (array or list of strings), copied; NULL on error. */
char **sm_conf_strlist(const config_setting_t *s, char *err, size_t errlen);

/* Printable ASCII (0x20-0x7e), as RFC 5321 wants for reply text. */
bool sm_conf_is_printable_ascii(const char *s);

#endif
