/*
 * config.h - the top-level configuration: groups `milter` (daemon),
 * `policy` (mode, failure action, fingerprint key, policy URL),
 * `recipients`, `limits`; `detectors` and `rules` are handed to their
 * modules.  Unknown top-level keys are errors.
 */
#ifndef SM_CONFIG_H
#define SM_CONFIG_H

#include "scan.h"
#include "sm.h"

#include <libconfig.h>

/* policy_url until the administrator sets it: a name that cannot resolve
 * (RFC 2606), which `support-milter -n` warns about. */
#define SM_POLICY_URL_PLACEHOLDER "https://support-mail-policy.invalid/"

typedef struct sm_config {
	config_t cf;             /* kept until the modules have compiled their groups */
	bool cf_live;
	sm_daemon_conf daemon;
	sm_notice_conf notice;
	sm_limits limits;
	int mode;                /* 0 enforce, 1 dry-run */
	int on_failure;          /* sm_act: TEMPFAIL, REJECT or NONE (accept) */
	int on_unparseable;      /* 0 reject (5xx), 1 accept (tagged incomplete): sm_policy_on_unparseable */
	char *fp_key;            /* from fp_key_file or inline; NULL when there is none */
	char *fp_key_file;
	char *fp_key_problem;    /* why the daemon cannot use fp_key, or NULL (fpkey.c) */
	char *policy_url;
	char *failure_reply;     /* text of the 4xx/5xx on internal failure */
	char *limit_reply;       /* text when a limit decides */
	char *unparseable_reply; /* text of the 5xx for a message that cannot be parsed */
	char **recipients;       /* addresses, "@domain", or "/regex/" */
} sm_config;

/* Parse path into cfg (caller-allocated).  0, or -1 with "file:line: ..." in err. */
int sm_config_load(sm_config *cfg, const char *path, char *err, size_t errlen);
/* Read the fingerprint key file or check the inline key (fpkey.c): 0, or -1
 * with err when both are set.  An unusable key only sets fp_key_problem. */
int sm_fpkey_resolve(sm_config *cfg, char *err, size_t errlen);
/* The libconfig group for name ("detectors", "rules"), or NULL if absent. */
const config_setting_t *sm_config_group(const sm_config *cfg, const char *name);
/* Drop the libconfig tree (after compiling). */
void sm_config_release_tree(sm_config *cfg);
void sm_config_clear(sm_config *cfg);

#endif
