/*
 * rulesutil.h - shared by the rules' unit tests (test_rules*.c, test_sr.c):
 * a configuration text read as a file, the rules compiled from it or from
 * the defaults, and one evaluation over a UTF-8 body.
 */
#ifndef SM_RULESUTIL_H
#define SM_RULESUTIL_H

#include "rules.h"
#include "view.h"

#include <libconfig.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

/* body written to a temporary file and read into cf (config_destroy it
 * after); false with "syntax: ..." in err when libconfig refuses it. */
static inline bool sm_test_config(const char *body, config_t *cf, char *err, size_t errlen)
{
	char path[] = "/tmp/sm_test_conf_XXXXXX";
	int fd = mkstemp(path);
	bool ok;

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(write(fd, body, strlen(body)), ==, (ssize_t)strlen(body));
	close(fd);
	config_init(cf);
	ok = config_read_file(cf, path) == CONFIG_TRUE;
	if (!ok)
		snprintf(err, errlen, "syntax: %s", config_error_text(cf));
	unlink(path);
	return ok;
}

/* The `rules` group of body compiled (url: the policy URL), or NULL and err. */
static inline sm_rules *sm_test_rules_load(const char *body, const char *url, char *err,
					   size_t errlen)
{
	config_t cf;
	sm_rules *r = NULL;

	if (sm_test_config(body, &cf, err, errlen))
		r = sm_rules_load(config_lookup(&cf, "rules"), url, err, errlen);
	config_destroy(&cf);
	return r;
}

/* The built-in rules, which must load without a word. */
static inline sm_rules *sm_test_rules_defaults(void)
{
	char err[512] = "";
	sm_rules *r = sm_rules_load(NULL, NULL, err, sizeof(err));

	g_assert_nonnull(r);
	g_assert_cmpstr(err, ==, "");
	return r;
}

/* r over subject and the UTF-8 (or HTML) body at now; hdr: NULL or
 * name, value, ..., NULL (7 fields at most). */
static inline void sm_test_rules_eval(const sm_rules *r, const char *subject, const char *body,
				      bool html, const char *const *hdr, time_t now,
				      sm_rules_result *out)
{
	sm_view *v = sm_view_new((const uint8_t *)body, strlen(body), "utf-8", html, SIZE_MAX,
				 NULL);
	const sm_view *texts[2] = {v, NULL};
	const char *names[8] = {NULL}, *values[8] = {NULL};
	sm_rules_input in = {0};
	int i;

	for (i = 0; hdr && hdr[2 * i] && i < 7; i++) {
		names[i] = hdr[2 * i];
		values[i] = hdr[2 * i + 1];
	}
	in.subject = subject;
	in.hdr_names = names;
	in.hdr_values = values;
	in.texts = texts;
	in.now = now;
	g_assert_cmpint(sm_rules_eval(r, &in, out), ==, 0);
	sm_view_free(v);
}

#endif
