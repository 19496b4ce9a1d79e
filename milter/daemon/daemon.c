/*
 * daemon.c - the milter daemon: start (pid file, socket, privileges, the
 * scanner processes, the session gate), the current policy and its reload,
 * signals and the drain at SIGTERM.
 *
 * Input: the configuration file and command line (administrator); signals.
 * The compiled policy is immutable and reference-counted: a message takes a
 * reference at MAIL FROM (sm_state_policy, under a mutex) and keeps it, so
 * SIGHUP swaps the pointer without disturbing messages in flight; the
 * spawner loads the same file, and workers started before it are replaced
 * (pool.c).  A configuration that fails to load is refused and the running
 * one stays.
 *
 * Start order (docs/hardening.md): no core dumps and not dumpable; refuse
 * root without milter.user (or run_as_root); the pid file locked before
 * anything else is touched, so a second instance leaves the running one's
 * pid file and socket alone; the socket (listen.c) made with its mode by
 * umask and owned through its directory descriptor; privileges dropped; the spawner
 * forked while the process still has one thread; then the threads.
 *
 * Signals: blocked in every thread before the first is created.  smfi_main
 * runs in its own thread and says it ended through the signal pipe with a
 * byte no signal has; the main thread handles the signals (signal_loop):
 * SIGHUP reloads, SIGTERM/SIGINT stop accepting, drain the messages in
 * flight (milter.drain_timeout) and stop; SIGUSR1/2 are ignored.  A
 * libmilter loop that ends unasked exits non-zero, so systemd restarts it.
 * Ownership: this file owns the current-policy pointer (the one mutable
 * global the style guide allows) and the daemon's shared parts (pool,
 * poison table), set once at start.
 */
#include "audit.h"
#include "daemon.h"
#include "gate.h"
#include "listen.h"
#include "metrics.h"
#include "notice.h"
#include "pidfile.h"
#include "poison.h"
#include "pool.h"
#include "state.h"
#include "worker.h"

#include <errno.h>
#include <glib.h>
#include <fcntl.h>
#include <grp.h>
#include <libmilter/mfapi.h>
#include <malloc.h>
#include <pthread.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t policy_mu = PTHREAD_MUTEX_INITIALIZER;
static sm_policy *current;
/* Set once at start, read by every session (state.h). */
static sm_pool *pool;
static sm_poison *poison;
static int inflight; /* end-of-message callbacks running (atomic) */

/* The byte smfi_thread writes into the signal pipe: no signal is 0. */
#define WAKE_SMFI_ENDED 0

typedef struct run_state {
	char *conf;       /* absolute path, for reloads after chdir("/") */
	sm_listen sock;   /* the listening socket's file */
	const char *pidfile;
	sm_pidfile *pid;  /* locked, or NULL */
	sm_spawner *spawner;
	sm_gate *gate;
	bool stopping;    /* SIGTERM/SIGINT asked libmilter to stop */
	bool lost_spawner; /* stopping because the spawner died: exit 1 */
	int smfi_rc;
	int wake;         /* the signal pipe's write end (smfi_thread's wake-up) */
} run_state;

sm_policy *sm_state_policy(void)
{
	sm_policy *p;

	pthread_mutex_lock(&policy_mu);
	p = sm_policy_ref(current);
	pthread_mutex_unlock(&policy_mu);
	return p;
}

sm_pool *sm_state_pool(void)
{
	return pool;
}

sm_poison *sm_state_poison(void)
{
	return poison;
}

int sm_state_inflight(int delta)
{
	return __atomic_add_fetch(&inflight, delta, __ATOMIC_SEQ_CST);
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

static int drop_privileges(const char *spec, char *err, size_t errlen)
{
	char name[256];
	uid_t uid;
	gid_t gid;

	if (!spec || !*spec)
		return 0;
	if (sm_owner_lookup(spec, &uid, &gid, name, sizeof(name), err, errlen) < 0)
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
	    old->backlog != new->backlog || str_differs(old->syslog_facility, new->syslog_facility) ||
	    old->scan_workers != new->scan_workers || old->max_sessions != new->max_sessions ||
	    old->session_grace != new->session_grace || old->run_as_root != new->run_as_root ||
	    !g_strv_equal((const char *const *)(old->allow ? old->allow : (char *[]){NULL}),
			  (const char *const *)(new->allow ? new->allow : (char *[]){NULL})))
		sm_log(LOG_WARNING, "reload: socket, user, pidfile, timeout, backlog, syslog, "
		       "scan_workers, max_sessions, session_grace, allow and run_as_root "
		       "settings take effect only after a restart");
}

/* SIGHUP: a new policy if the file loads, and the audit log reopened. */
static void reload(const run_state *st)
{
	char err[1024];
	sm_policy *p = load_policy(st->conf, err, sizeof(err));
	sm_policy *old;
	const sm_daemon_conf *d;

	if (p && sm_spawner_reload(st->spawner, st->conf, err, sizeof(err)) < 0) {
		sm_policy_unref(p);
		p = NULL;
	}
	if (!p) {
		sm_log(LOG_ERR, "reload refused, keeping the running configuration: %s", err);
		p = sm_state_policy();
	} else {
		sm_pool_renew(pool);
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

	unsigned char c = WAKE_SMFI_ENDED;

	st->smfi_rc = smfi_main();
	if (write(st->wake, &c, 1) != 1)
		sm_log(LOG_ERR, "cannot wake the main thread: %s", strerror(errno));
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
 * SIGTERM/SIGINT: no new connections; the messages being scanned may finish
 * (milter.drain_timeout), later ones are tempfailed; then libmilter stops,
 * woken at once.
 */
static void stop(run_state *st, int sig)
{
	sm_policy *p = sm_state_policy();
	long long ms = sm_policy_daemon(p)->drain_timeout * 1000;
	struct timespec tick = {0, 20 * 1000000L};
	unsigned left;

	sm_policy_unref(p);
	st->stopping = true;
	sm_log(LOG_INFO, "signal %d: stopping (draining up to %lld s)", sig, ms / 1000);
	sm_gate_close(st->gate);
	left = sm_pool_drain(pool, (unsigned)ms);
	for (; ms > 0 && sm_state_inflight(0) > 0; ms -= 20)
		nanosleep(&tick, NULL);
	if (left || sm_state_inflight(0) > 0)
		sm_log(LOG_WARNING, "stopping with %d message(s) still in flight",
		       sm_state_inflight(0));
	sm_gate_wake(st->gate);
	smfi_stop();
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

	if (pipe2(sig_pipe, O_CLOEXEC) < 0 || fcntl(sig_pipe[1], F_SETFL, O_NONBLOCK) < 0) {
		sm_log(LOG_ERR, "cannot create the signal pipe: %s", strerror(errno));
		return 1;
	}
	st->wake = sig_pipe[1];
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
		struct pollfd pf[2] = {{sig_pipe[0], POLLIN, 0}, {sm_spawner_fd(st->spawner), 0, 0}};
		unsigned char c;
		ssize_t n;

		if (poll(pf, 2, -1) < 0 && errno == EINTR)
			continue;
		if ((pf[1].revents & (POLLHUP | POLLERR)) && !st->stopping) {
			/* no new worker could start: exit 1 for the supervisor to restart */
			sm_log(LOG_CRIT, "the scanner worker spawner is gone: stopping");
			st->lost_spawner = true;
			stop(st, SIGTERM);
			continue;
		}
		if (!(pf[0].revents & POLLIN))
			continue;
		n = read(sig_pipe[0], &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != 1)
			break;
		if (c == WAKE_SMFI_ENDED)
			break;
		if (c == SIGHUP)
			reload(st);
		else if ((c == SIGTERM || c == SIGINT) && !st->stopping)
			stop(st, c);
	}
	pthread_sigmask(SIG_BLOCK, set, NULL);
	pthread_join(th, NULL);
	if (!st->stopping) {
		sm_log(LOG_ERR, "libmilter's loop ended unexpectedly (status %d): exiting with "
		       "an error", st->smfi_rc);
		return 1;
	}
	return st->smfi_rc == MI_SUCCESS && !st->lost_spawner ? 0 : 1;
}

/* Root keeps privileges only when the configuration says so. */
static int check_root(const sm_daemon_opts *o, const sm_daemon_conf *d, char *err, size_t errlen)
{
	const char *user = o->user ? o->user : d->user;

	if (geteuid() != 0 || (user && *user))
		return 0;
	if (d->run_as_root) {
		sm_log(LOG_WARNING, "running as root (milter.run_as_root): the scanner workers are "
		       "sandboxed, but set milter.user or -u to drop privileges");
		return 0;
	}
	snprintf(err, errlen, "refusing to run as root: set milter.user or -u USER[:GROUP] "
		 "(or milter.run_as_root = true to mean it)");
	return -1;
}

/* The scanner processes and the shared parts of the sessions. */
/* The local time zone, read once before any thread runs.  With TZ unset,
 * GLib looks /etc/localtime up again (two stats and a readlink) for every
 * local time it makes: each audit record's timestamp.  TZ naming that file
 * (as the spawner sets it for the workers) keeps the zone read here; a
 * change of the system's zone is seen at the next start.  A TZ given to the
 * daemon stays as it is. */
static void local_zone(void)
{
	if (!getenv("TZ"))
		setenv("TZ", ":/etc/localtime", 1);
	tzset();
}

static int start_scanning(const sm_daemon_conf *d, run_state *st, char *err, size_t errlen)
{
	st->spawner = sm_spawner_start(current, load_policy, sm_log, err, errlen);
	if (!st->spawner)
		return -1;
	pool = sm_pool_new(st->spawner, (size_t)d->scan_workers);
	poison = sm_poison_new();
	return sm_pool_start(pool, err, errlen);
}

static int start_gate(const sm_daemon_conf *d, run_state *st, char *err, size_t errlen)
{
	sm_gate_conf gc = {(size_t)d->max_sessions, (unsigned)d->session_grace * 1000u,
			   (const char *const *)d->allow};

	st->gate = sm_gate_start(&gc, err, errlen);
	return st->gate ? 0 : -1;
}

static int start(const sm_daemon_opts *o, run_state *st, char *err, size_t errlen)
{
	const sm_daemon_conf *d = sm_policy_daemon(current);
	const char *sock = o->socket ? o->socket : d->socket;
	bool running;

	if (check_root(o, d, err, errlen) < 0)
		return -1;
	if (st->pidfile && *st->pidfile &&
	    !(st->pid = sm_pidfile_lock(st->pidfile, &running, err, errlen)))
		return -1;
	if (sm_listen_open(d, sock, &st->sock, err, errlen) < 0)
		return -1;
	if (!o->foreground && daemonize(err, errlen) < 0)
		return -1;
	if (st->pid && sm_pidfile_write(st->pid, err, errlen) < 0)
		return -1;
	if (drop_privileges(o->user ? o->user : d->user, err, errlen) < 0)
		return -1;
	prctl(PR_SET_DUMPABLE, 0); /* a change of ids resets it */
	local_zone();
	if (sm_audit_open(d->audit_log, err, errlen) < 0)
		return -1;
	if (d->spool_dir && access(d->spool_dir, W_OK | X_OK) < 0)
		sm_log(LOG_WARNING, "spool_dir %s: %s (messages over spool_threshold will fail)",
		       d->spool_dir, strerror(errno));
	if (start_scanning(d, st, err, errlen) < 0 || start_gate(d, st, err, errlen) < 0)
		return -1;
	/* threads from here on: the spawner is forked */
	sm_metrics_start();
	sm_notice_start();
	sm_log(LOG_INFO, "support-milter %s listening on %s (%lld scanner workers, at most %lld "
	       "sessions)", SM_VERSION, sock, d->scan_workers, d->max_sessions);
	return 0;
}

/* No core file and no ptrace by the same user: a core or a debugger would
 * show the messages and the fingerprint key.  Descriptors up to the hard
 * limit (at most 65536): connections waiting at the gate hold one each. */
static void harden_process(void)
{
	struct rlimit zero = {0, 0}, nofile;

	setrlimit(RLIMIT_CORE, &zero);
	prctl(PR_SET_DUMPABLE, 0);
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max < 65536 ? nofile.rlim_max : 65536;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
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
	harden_process();
	st.conf = realpath(o->conf_path, NULL);
	current = load_policy(st.conf ? st.conf : o->conf_path, err, sizeof(err));
	if (!current) {
		fprintf(stderr, "support-milter: %s\n", err);
		free(st.conf);
		return 2;
	}
	st.pidfile = o->pidfile ? o->pidfile : sm_policy_daemon(current)->pidfile;
	sm_log_open(o->foreground, sm_policy_daemon(current)->syslog_facility);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
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
	sm_gate_free(st.gate);
	sm_spawner_stop(st.spawner); /* the workers end as the pool closes their sockets */
	sm_pool_free(pool);
	pool = NULL;
	sm_poison_free(poison);
	poison = NULL;
	sm_listen_close(&st.sock);
	sm_pidfile_release(st.pid);
	sm_notice_stop();
	sm_metrics_stop();
	sm_audit_close();
	policy_swap(NULL);
	free(st.conf);
	return rc;
}
