/*
 * daemon.h - the libmilter daemon (milter/daemon.c, milter/mlfi.c ...).
 */
#ifndef SM_DAEMON_H
#define SM_DAEMON_H

#include <stdbool.h>

typedef struct sm_daemon_opts {
	const char *conf_path;   /* -c */
	const char *socket;      /* -p: overrides milter.socket */
	const char *user;        /* -u USER[:GROUP]: overrides milter.user */
	const char *pidfile;     /* -P */
	bool foreground;         /* -f */
} sm_daemon_opts;

/* Run until SIGTERM/SIGINT.  Returns the process exit status. */
int sm_daemon_run(const sm_daemon_opts *o);

#endif
