/*
 * fpkey.c - the fingerprint key: the HMAC key of the audit fingerprints,
 * read from policy.fingerprint_key_file (or given inline as
 * policy.fingerprint_key).
 *
 * Input: a file the administrator (or the package's postinst) wrote, read
 * at load time, that is before the daemon drops its privileges and again on
 * each reload.  Limits: at most FPKEY_MAX bytes are read; a key shorter
 * than FPKEY_MIN bytes, a well-known placeholder, an empty file, a NUL
 * byte, a file that is not a regular file, that others may read or write,
 * that the group may write, or that is owned by someone other than root or
 * the reading user makes the key unusable.
 *
 * An unusable key is not a load error: -n and --test work without a key
 * and say so; the daemon asks sm_policy_fp_key_problem() and refuses to
 * start (or to reload).  The key itself is never printed.
 * Ownership: cfg->fp_key and cfg->fp_key_problem are owned by the config.
 */
#include "config.h"

#include "conftab.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FPKEY_MAX 4096 /* bytes read from the key file */
#define FPKEY_MIN 16   /* bytes: a shorter HMAC key is guessable */

/* Placeholders seen in examples and earlier defaults (compared without case). */
static const char *const well_known[] = {"change-me", "changeme", "change_me", "secret",
					 "fingerprint-key", "test-only-key", NULL};

/* source: "fingerprint key file PATH" or "policy.fingerprint_key". */
static void set_problem(sm_config *cfg, const char *source, const char *what)
{
	g_free(cfg->fp_key_problem);
	cfg->fp_key_problem = g_strdup_printf("%s: %s", source, what);
}

/* Is the key file's owner and mode what a secret needs?  NULL or why not. */
static const char *bad_mode(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return "not a regular file";
	if (st->st_mode & (S_IROTH | S_IWOTH))
		return "readable or writable by others (chmod 0640)";
	if (st->st_mode & S_IWGRP)
		return "writable by its group (chmod 0640)";
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return "owned by neither root nor the user reading it (chown root)";
	if (st->st_size > FPKEY_MAX)
		return "larger than 4096 bytes";
	return NULL;
}

/* Read path into cfg->fp_key, or leave a problem.  Trailing white space
 * (the newline an editor adds) is not part of the key. */
static void read_key_file(sm_config *cfg, const char *path, const char *src)
{
	char buf[FPKEY_MAX + 1];
	struct stat st;
	const char *why;
	ssize_t n;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		set_problem(cfg, src, strerror(errno));
		return;
	}
	why = fstat(fd, &st) < 0 ? strerror(errno) : bad_mode(&st);
	if (why) {
		set_problem(cfg, src, why);
		close(fd);
		return;
	}
	while (len < FPKEY_MAX && (n = read(fd, buf + len, FPKEY_MAX - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			set_problem(cfg, src, strerror(errno));
			close(fd);
			return;
		}
		len += (size_t)n;
	}
	close(fd);
	while (len > 0 && g_ascii_isspace(buf[len - 1]))
		len--;
	if (memchr(buf, '\0', len)) {
		set_problem(cfg, src, "contains a NUL byte");
		return;
	}
	buf[len] = '\0';
	cfg->fp_key = g_strdup(buf);
	explicit_bzero(buf, sizeof(buf));
}

/* The key (if any) is usable by the daemon?  Else leave why. */
static void check_strength(sm_config *cfg, const char *source)
{
	size_t i;

	if (cfg->fp_key_problem)
		return;
	if (!cfg->fp_key || !*cfg->fp_key) {
		set_problem(cfg, source, "empty");
		return;
	}
	for (i = 0; well_known[i]; i++)
		if (g_ascii_strcasecmp(cfg->fp_key, well_known[i]) == 0) {
			set_problem(cfg, source, "a well-known placeholder; generate a key: "
				    "head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n'");
			return;
		}
	if (strlen(cfg->fp_key) < FPKEY_MIN)
		set_problem(cfg, source, "shorter than 16 bytes");
}

int sm_fpkey_resolve(sm_config *cfg, char *err, size_t errlen)
{
	const config_setting_t *file = config_lookup(&cfg->cf, "policy.fingerprint_key_file");
	const config_setting_t *inl = config_lookup(&cfg->cf, "policy.fingerprint_key");
	char where[512];

	if (file && inl) {
		sm_conf_where(file, where, sizeof(where));
		snprintf(err, errlen, "%skey 'fingerprint_key_file': policy.fingerprint_key is "
			 "set too; keep only the key file", where);
		return -1;
	}
	if (cfg->fp_key_file && *cfg->fp_key_file) {
		char *src = g_strdup_printf("fingerprint key file %s", cfg->fp_key_file);

		g_free(cfg->fp_key);
		cfg->fp_key = NULL;
		read_key_file(cfg, cfg->fp_key_file, src);
		check_strength(cfg, src);
		g_free(src);
	} else if (cfg->fp_key) {
		check_strength(cfg, "policy.fingerprint_key");
	} else {
		g_free(cfg->fp_key_problem);
		cfg->fp_key_problem = g_strdup("no fingerprint key: set policy.fingerprint_key_file "
					       "(the package generates "
					       "/etc/support-milter/fingerprint.key)");
	}
	return 0;
}
