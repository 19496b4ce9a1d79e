/*
 * daemon.c - the milter daemon: socket, privileges, pid file, the current
 * policy and its reload, signals.
 *
 * Input: the configuration file and command line (administrator); signals.
 * The compiled policy is immutable and reference-counted: a message takes a
 * reference at MAIL FROM (sm_state_policy, under a mutex) and keeps it, so
 * SIGHUP swaps the pointer without disturbing messages in flight.  A
 * configuration that fails to load is refused and the running one stays.
 *
 * Signals: blocked in every thread before the first is created.  smfi_main
 * runs in its own thread; the main thread handles the signals (see
 * signal_loop): SIGHUP reloads, SIGTERM/SIGINT stop gracefully.
 * Ownership: this file owns the current-policy pointer (the one mutable
 * global the style guide allows), the scan memory budget (shared by every
 * connection like the policy, but not swapped on reload: the messages in
 * flight keep their share; a message reads the ceiling from its own policy)
 * and the pid file.
 */
#include "audit.h"
#include "budget.h"
#include "daemon.h"
#include "metrics.h"
#include "notice.h"
#include "sockopt.h"
#include "state.h"

#include <errno.h>
#include <glib.h>
#include <fcntl.h>
#include <grp.h>
#include <libmilter/mfapi.h>
#include <malloc.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t policy_mu = PTHREAD_MUTEX_INITIALIZER;
static sm_policy *current;
/* The scan memory budget, shared by all connections (budget.h). */
static sm_budget *budget;

typedef struct run_state {
	char *conf;       /* absolute path, for reloads after chdir("/") */
	char *sock_path;  /* unix socket path, or NULL */
	const char *pidfile;
	pthread_t main_thread;
	int smfi_rc;
} run_state;

sm_policy *sm_state_policy(void)
{
	sm_policy *p;

	pthread_mutex_lock(&policy_mu);
	p = sm_policy_ref(current);
	pthread_mutex_unlock(&policy_mu);
	return p;
}

sm_budget *sm_state_budget(void)
{
	return budget;
}

static void policy_swap(sm_policy *p)
{
	sm_policy *old;

	pthread_mutex_lock(&policy_mu);
	old = current;
	current = p;
	pthread_mutex_unlock(&policy_mu);
	sm_policy_unref(old);
}

/* The daemon's policy: one that loads and has a usable fingerprint key
 * (never the well-known placeholder: the audit fingerprints would be
 * reversible by anyone).  NULL with err. */
static sm_policy *load_policy(const char *path, char *err, size_t errlen)
{
	sm_policy *p = sm_policy_load(path, err, errlen);

	if (p && sm_policy_fp_key_problem(p)) {
		snprintf(err, errlen, "%s: %s", path, sm_policy_fp_key_problem(p));
		sm_policy_unref(p);
		return NULL;
	}
	return p;
}

/* "unix:/path", "local:/path" or "/path": the path; else NULL. */
static char *unix_path(const char *sock)
{
	if (g_str_has_prefix(sock, "unix:"))
		return g_strdup(sock + 5);
	if (g_str_has_prefix(sock, "local:"))
		return g_strdup(sock + 6);
	return sock[0] == '/' ? g_strdup(sock) : NULL;
}

/* "user[:group]" to ids; the group defaults to the user's. 0 or -1. */
static int lookup_owner(const char *spec, uid_t *uid, gid_t *gid, char *name, size_t namelen,
			char *err, size_t errlen)
{
	char *u = g_strdup(spec), *g = strchr(u, ':');
	struct passwd *pw;
	struct group *gr;
	int rc = -1;

	if (g)
		*g++ = '\0';
	pw = getpwnam(u);
	if (!pw) {
		snprintf(err, errlen, "unknown user '%s'", u);
		goto out;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	snprintf(name, namelen, "%s", pw->pw_name);
	if (g && *g) {
		gr = getgrnam(g);
		if (!gr) {
			snprintf(err, errlen, "unknown group '%s'", g);
			goto out;
		}
		*gid = gr->gr_gid;
	}
	rc = 0;
out:
	g_free(u);
	return rc;
}

static int socket_perms(const char *path, const sm_daemon_conf *d, char *err, size_t errlen)
{
	char name[256];
	uid_t uid;
	gid_t gid;

	if (chmod(path, (mode_t)d->socket_mode) < 0) {
		snprintf(err, errlen, "chmod %s: %s", path, strerror(errno));
		return -1;
	}
	if (!d->socket_owner || !*d->socket_owner)
		return 0;
	if (lookup_owner(d->socket_owner, &uid, &gid, name, sizeof(name), err, errlen) < 0)
		return -1;
	if (chown(path, uid, gid) < 0) {
		snprintf(err, errlen, "chown %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int drop_privileges(const char *spec, char *err, size_t errlen)
{
	char name[256];
	uid_t uid;
	gid_t gid;

	if (!spec || !*spec)
		return 0;
	if (lookup_owner(spec, &uid, &gid, name, sizeof(name), err, errlen) < 0)
		return -1;
	if (getuid() == uid && geteuid() == uid)
		return 0;
	if (initgroups(name, gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		snprintf(err, errlen, "cannot become %s: %s", spec, strerror(errno));
		return -1;
	}
	if (uid != 0 && setuid(0) == 0) {
		snprintf(err, errlen, "privileges could be regained after dropping them");
		return -1;
	}
	return 0;
}

static int open_socket(const sm_daemon_conf *d, const char *sock, run_state *st, char *err,
		       size_t errlen)
{
	struct smfiDesc desc = *sm_mlfi_desc();

	if (smfi_setconn((char *)sock) != MI_SUCCESS || smfi_settimeout((int)d->timeout) != MI_SUCCESS ||
	    smfi_setbacklog((int)d->backlog) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS) {
		snprintf(err, errlen, "cannot set up libmilter for %s", sock);
		return -1;
	}
	if (smfi_opensocket(true) != MI_SUCCESS) {
		snprintf(err, errlen, "cannot open socket %s", sock);
		return -1;
	}
	st->sock_path = unix_path(sock);
	if (st->sock_path && socket_perms(st->sock_path, d, err, errlen) < 0)
		return -1;
	/* libmilter's listener is one of the first descriptors the process opens */
	if (!st->sock_path && sm_sockopt_nodelay_listeners(1024) < 0) {
		snprintf(err, errlen, "cannot set TCP_NODELAY on %s: %s", sock, strerror(errno));
		return -1;
	}
	return 0;
}

static int daemonize(char *err, size_t errlen)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0)
		_exit(0);
	setsid();
	if (chdir("/") < 0)
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

static int write_pidfile(const char *path, char *err, size_t errlen)
{
	FILE *f;

	if (!path || !*path)
		return 0;
	f = fopen(path, "w");
	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
		snprintf(err, errlen, "pid file %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static bool str_differs(const char *a, const char *b)
{
	return g_strcmp0(a && *a ? a : NULL, b && *b ? b : NULL) != 0;
}

/* Settings used only at start: say so instead of ignoring a change silently. */
static void warn_restart(const sm_daemon_conf *old, const sm_daemon_conf *new)
{
	if (str_differs(old->socket, new->socket) || str_differs(old->user, new->user) ||
	    str_differs(old->pidfile, new->pidfile) || old->socket_mode != new->socket_mode ||
	    str_differs(old->socket_owner, new->socket_owner) || old->timeout != new->timeout ||
	    old->backlog != new->backlog || str_differs(old->syslog_facility, new->syslog_facility))
		sm_log(LOG_WARNING, "reload: socket, user, pidfile, timeout, backlog and syslog "
		       "settings take effect only after a restart");
}

/* SIGHUP: a new policy if the file loads, and the audit log reopened. */
static void reload(const run_state *st)
{
	char err[1024];
	sm_policy *p = load_policy(st->conf, err, sizeof(err));
	sm_policy *old;
	const sm_daemon_conf *d;

	if (!p) {
		sm_log(LOG_ERR, "reload refused, keeping the running configuration: %s", err);
		p = sm_state_policy();
	} else {
		old = sm_state_policy();
		warn_restart(sm_policy_daemon(old), sm_policy_daemon(p));
		sm_policy_unref(old);
		policy_swap(sm_policy_ref(p));
		sm_log(LOG_INFO, "configuration %s reloaded", st->conf);
	}
	d = sm_policy_daemon(p);
	if (sm_audit_open(d->audit_log, err, sizeof(err)) < 0)
		sm_log(LOG_ERR, "%s (keeping the audit log that was open)", err);
	sm_policy_unref(p);
}

static void *smfi_thread(void *arg)
{
	run_state *st = arg;

	st->smfi_rc = smfi_main();
	pthread_kill(st->main_thread, SIGUSR2);
	return NULL;
}

/* Signals reach the main thread's handler, which only writes the signal
 * number into this pipe; the main thread reads it and acts. */
static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int e = errno;
	ssize_t n = write(sig_pipe[1], &c, 1);

	(void)n; /* a full pipe already holds a wake-up */
	errno = e;
}

/*
 * The main thread: runs until SIGTERM/SIGINT or until smfi_main ends.
 * libmilter's own signal thread sigwaits for SIGHUP too and *stops* the
 * milter on it.  The kernel gives a signal sent to the process to the main
 * thread whenever that thread accepts it, so the main thread accepts these
 * signals at all times (unblocked, with a handler), not only while it sits
 * in sigwait: a SIGHUP that came during a reload used to go to libmilter's
 * thread and stop the daemon (seen in tests/milter.t on a loaded machine).
 */
static int signal_loop(run_state *st, const sigset_t *set)
{
	struct sigaction sa;
	pthread_t th;
	int sig;

	st->main_thread = pthread_self();
	if (pipe2(sig_pipe, O_CLOEXEC) < 0 || fcntl(sig_pipe[1], F_SETFL, O_NONBLOCK) < 0) {
		sm_log(LOG_ERR, "cannot create the signal pipe: %s", strerror(errno));
		return 1;
	}
	/* created while the signals are blocked: every other thread keeps them blocked */
	if (pthread_create(&th, NULL, smfi_thread, st) != 0) {
		sm_log(LOG_ERR, "cannot start the milter thread");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* NODEFER: a signal that comes while the handler runs must still find
	 * the main thread willing, not libmilter's */
	sa.sa_flags = SA_RESTART | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(set, sig) == 1)
			sigaction(sig, &sa, NULL);
	pthread_sigmask(SIG_UNBLOCK, set, NULL);
	for (;;) {
		unsigned char c;
		ssize_t n = read(sig_pipe[0], &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n != 1)
			break;
		if (c == SIGHUP) {
			reload(st);
		} else if (c == SIGTERM || c == SIGINT) {
			sm_log(LOG_INFO, "signal %d: stopping", c);
			smfi_stop();
		} else if (c == SIGUSR2) {
			break;
		}
	}
	pthread_sigmask(SIG_BLOCK, set, NULL);
	pthread_join(th, NULL);
	return st->smfi_rc == MI_SUCCESS ? 0 : 1;
}

static int start(const sm_daemon_opts *o, run_state *st, char *err, size_t errlen)
{
	const sm_daemon_conf *d = sm_policy_daemon(current);
	const char *sock = o->socket ? o->socket : d->socket;

	if (open_socket(d, sock, st, err, errlen) < 0)
		return -1;
	if (!o->foreground && daemonize(err, errlen) < 0)
		return -1;
	if (write_pidfile(st->pidfile, err, errlen) < 0)
		return -1;
	if (drop_privileges(o->user ? o->user : d->user, err, errlen) < 0)
		return -1;
	if (sm_audit_open(d->audit_log, err, errlen) < 0)
		return -1;
	if (geteuid() == 0)
		sm_log(LOG_WARNING, "running as root: set milter.user or -u to drop privileges");
	if (d->spool_dir && access(d->spool_dir, W_OK | X_OK) < 0)
		sm_log(LOG_WARNING, "spool_dir %s: %s (messages over spool_threshold will fail)",
		       d->spool_dir, strerror(errno));
	sm_metrics_start();
	sm_notice_start();
	sm_log(LOG_INFO, "support-milter %s listening on %s", SM_VERSION, sock);
	return 0;
}

/*
 * glibc gives a thread that finds every malloc arena busy a new one, up to 8
 * per core, and each arena keeps about the high-water mark of the messages
 * scanned in it.  libmilter starts a thread per connection, so under steady
 * load (tests/load.t, 10,000 messages) the daemon's RSS grew from ~26 MB to
 * ~140 MB in ~14 MB steps, one per new arena; with one arena per core it
 * stays flat.  Threads that mostly wait on the MTA need no more.  An
 * administrator's MALLOC_ARENA_MAX still wins.
 */
static void limit_arenas(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (!getenv("MALLOC_ARENA_MAX"))
		mallopt(M_ARENA_MAX, n > 0 && n < 1024 ? (int)n : 1);
}

int sm_daemon_run(const sm_daemon_opts *o)
{
	run_state st = {0};
	char err[1024];
	sigset_t set;
	int rc = 2;

	limit_arenas();
	st.conf = realpath(o->conf_path, NULL);
	current = load_policy(st.conf ? st.conf : o->conf_path, err, sizeof(err));
	if (!current) {
		fprintf(stderr, "support-milter: %s\n", err);
		free(st.conf);
		return 2;
	}
	budget = sm_budget_new();
	st.pidfile = o->pidfile ? o->pidfile : sm_policy_daemon(current)->pidfile;
	sm_log_open(o->foreground, sm_policy_daemon(current)->syslog_facility);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* a spool file over RLIMIT_FSIZE fails with EFBIG (4xx for that message)
	 * instead of killing the daemon */
	signal(SIGXFSZ, SIG_IGN);
	if (start(o, &st, err, sizeof(err)) < 0) {
		sm_log(LOG_ERR, "%s", err);
		if (o->foreground)
			fprintf(stderr, "support-milter: %s\n", err);
	} else {
		rc = signal_loop(&st, &set);
		sm_log(LOG_INFO, "stopped");
	}
	if (st.sock_path)
		unlink(st.sock_path);
	if (st.pidfile && *st.pidfile)
		unlink(st.pidfile);
	sm_notice_stop();
	sm_metrics_stop();
	sm_audit_close();
	policy_swap(NULL);
	sm_budget_free(budget);
	budget = NULL;
	g_free(st.sock_path);
	free(st.conf);
	return rc;
}
