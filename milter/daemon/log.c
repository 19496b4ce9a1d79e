/*
 * log.c - logging (syslog, or stderr in the foreground); the audit log is
 * audit.c.
 *
 * Where lines go: syslog(3) (ident "support-milter", LOG_PID, the
 * configured facility, "mail" by default) when the daemon runs in the
 * background or under systemd; stderr, prefixed "support-milter[PID]: ",
 * only in the foreground on a terminal or file.  Under systemd (-f, stderr
 * is the journal stream named by JOURNAL_STREAM) syslog keeps each line's
 * priority and facility, so the lines sit in mail.log beside Postfix's, and
 * the journal does not add its own prefix to ours.
 *
 * Input: lines built by the daemon and by sm_result_summary (already
 * printable, never a secret value).  Log lines are cut at 2000 bytes and
 * non-printable bytes replaced, so that a header value handed to a log call
 * cannot forge lines.
 */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 2000

static bool log_stderr;

static const struct {
	const char *name;
	int fac;
} facilities[] = {
	{"mail", LOG_MAIL},     {"daemon", LOG_DAEMON}, {"user", LOG_USER},
	{"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
	{"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
	{"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

/* Is stderr systemd's stream to the journal?  systemd sets JOURNAL_STREAM
 * to "DEVICE:INODE" of that stream; a redirected stderr no longer matches. */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void sm_log_open(bool foreground, const char *facility)
{
	int fac = LOG_MAIL;
	size_t i;

	for (i = 0; facility && i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(facility, facilities[i].name) == 0)
			fac = facilities[i].fac;
	log_stderr = foreground && !stderr_is_journal();
	if (!log_stderr)
		openlog("support-milter", LOG_PID | LOG_NDELAY, fac);
}

void sm_log(int prio, const char *fmt, ...)
{
	char line[LOG_LINE_MAX + 1];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (i = 0; line[i]; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	if (log_stderr)
		fprintf(stderr, "support-milter[%ld]: %s\n", (long)getpid(), line);
	else
		syslog(prio, "%s", line);
}
