/*
 * spawner.c - the process that forks the scanner workers.
 *
 * Forked once from the daemon before any thread exists, it is
 * single-threaded and holds the compiled policy; on request it forks a
 * worker, which inherits the policy (copy-on-write) and enters its sandbox.
 * The daemon talks to it over a SOCK_SEQPACKET socketpair: SPAWN carries the
 * worker's end of a new socketpair and is answered with the worker's pid
 * and a pidfd; RELOAD carries a configuration path.
 *
 * Input: requests from the daemon only (the control socket is private).
 * The spawner closes every other descriptor it inherited (the listening
 * socket, the pid file and its lock, the audit log), ignores the signals
 * meant for the daemon (a Ctrl-C or systemd's SIGTERM to the whole group
 * must not end the scans the daemon is draining) and dies with the daemon
 * (PR_SET_PDEATHSIG).  It reaps its workers and logs the ones that died of
 * a signal.  Ownership: sm_spawner (in the daemon) owns the control socket
 * and a mutex; the spawner process owns its policy.
 */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

enum { OP_SPAWN = 1, OP_RELOAD = 2 };

typedef struct ctl_req {
	uint32_t op;
	uint32_t len; /* OP_RELOAD: bytes of the path that follow */
	char path[4096];
} ctl_req;

typedef struct ctl_rep {
	int32_t status; /* 0 or -1 */
	int32_t pid;
	char err[256];
} ctl_rep;

struct sm_spawner {
	int ctl;           /* the daemon's end */
	pid_t pid;
	pthread_mutex_t mu; /* one request at a time */
};

/* ------------------------------------------------------------ descriptors */

static int send_fd(int sock, const void *buf, size_t len, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {(void *)buf, len};
	struct msghdr mh = {0};
	struct cmsghdr *c;
	ssize_t n;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

/* One datagram and at most one descriptor (*fd, -1 if none).  Bytes read. */
static ssize_t recv_fd(int sock, void *buf, size_t len, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {buf, len};
	struct msghdr mh = {0};
	struct cmsghdr *c;
	ssize_t n;

	*fd = -1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (c = n >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	return n;
}

/* Everything but 0, 1, 2 and keep. */
static void close_others(int keep)
{
	if (keep > 3)
		close_range(3, (unsigned)keep - 1, 0);
	close_range((unsigned)keep + 1, ~0u, 0);
}

/* ------------------------------------------------------------ the process */

static void ignore_daemon_signals(void)
{
	static const int sigs[] = {SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGPIPE};
	sigset_t none;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(sigs); i++)
		signal(sigs[i], SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Under memory pressure the kernel's OOM killer takes a worker (one
 * message) before the spawner or the daemon (the service). */
static void oom_first(void)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, "1000", 4) != 4) {
			/* not fatal: the worker is still bounded by RLIMIT_AS */
		}
		close(fd);
	}
}

/* Fork a worker on sock; the reply carries its pid and a pidfd. */
static void do_spawn(sm_policy *p, int ctl, int sock)
{
	ctl_rep rep = {-1, 0, ""};
	int pidfd = -1;
	pid_t pid;

	if (sock < 0) {
		snprintf(rep.err, sizeof(rep.err), "no socket with the request");
		send_fd(ctl, &rep, sizeof(rep), -1);
		return;
	}
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close_others(sock);
		oom_first();
		sm_worker_main(p, sock);
	}
	close(sock);
	if (pid < 0 || (pidfd = (int)pidfd_open(pid, 0)) < 0) {
		snprintf(rep.err, sizeof(rep.err), "%s: %s", pid < 0 ? "fork" : "pidfd_open",
			 strerror(errno));
		if (pid > 0)
			kill(pid, SIGKILL);
	} else {
		rep.status = 0;
		rep.pid = pid;
	}
	send_fd(ctl, &rep, sizeof(rep), pidfd);
	if (pidfd >= 0)
		close(pidfd);
}

static void do_reload(sm_policy **p, sm_spawner_load_fn load, int ctl, ctl_req *req, ssize_t n)
{
	ctl_rep rep = {-1, 0, ""};
	sm_policy *np;

	if (n < (ssize_t)offsetof(ctl_req, path) || req->len >= sizeof(req->path) ||
	    (size_t)n != offsetof(ctl_req, path) + req->len) {
		snprintf(rep.err, sizeof(rep.err), "bad reload request");
	} else {
		req->path[req->len] = '\0';
		np = load(req->path, rep.err, sizeof(rep.err));
		if (np) {
			sm_policy_unref(*p);
			*p = np;
			rep.status = 0;
			(void)sm_scan_warm(np); /* the new policy's patterns, before a worker forks */
		}
	}
	send_fd(ctl, &rep, sizeof(rep), -1);
}

/* Workers that ended: reaped; a signal is logged (a deadline kill too). */
static void reap(sm_spawner_log_fn log)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
			return;
		if (si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED)
			log(LOG_WARNING, "scanner worker %d ended by signal %d (%s)", (int)si.si_pid,
			    si.si_status, strsignal(si.si_status));
		else if (si.si_status != 0)
			log(LOG_WARNING, "scanner worker %d exited with status %d", (int)si.si_pid,
			    si.si_status);
	}
}

typedef struct spawner_fns {
	sm_spawner_load_fn load;
	sm_spawner_log_fn log;
} spawner_fns;

static void __attribute__((noreturn)) spawner_main(sm_policy *p, const spawner_fns *fn, int ctl)
{
	struct pollfd pf[2];
	sigset_t chld;
	ctl_req req;

	ignore_daemon_signals();
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	pf[0].fd = ctl;
	pf[0].events = POLLIN;
	pf[1].fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	pf[1].events = POLLIN;
	sm_sandbox_preload();
	if (sm_scan_warm(p) != 0) /* built once here, shared by every worker */
		fn->log(LOG_WARNING, "the warm-up scan failed or found nothing (limits or detectors of this policy): each worker builds its tables on its first message");
	for (;;) {
		struct signalfd_siginfo ssi;
		ssize_t n;
		int fd;

		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			break;
		while (pf[1].fd >= 0 && read(pf[1].fd, &ssi, sizeof(ssi)) == sizeof(ssi))
			;
		reap(fn->log);
		if (!(pf[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = recv_fd(ctl, &req, sizeof(req), &fd);
		if (n <= 0)
			break; /* the daemon is gone */
		if (n >= (ssize_t)sizeof(uint32_t) * 2 && req.op == OP_SPAWN)
			do_spawn(p, ctl, fd);
		else {
			if (fd >= 0)
				close(fd);
			if (n >= (ssize_t)sizeof(uint32_t) * 2 && req.op == OP_RELOAD)
				do_reload(&p, fn->load, ctl, &req, n);
		}
	}
	_exit(0);
}

/* ------------------------------------------------------------ the daemon's side */

sm_spawner *sm_spawner_start(sm_policy *p, sm_spawner_load_fn load, sm_spawner_log_fn log,
			     char *err, size_t errlen)
{
	spawner_fns fn = {load, log};
	sm_spawner *s;
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return NULL;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return NULL;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		closelog(); /* syslog reconnects on its next line, not on a reused number */
		close_others(sv[1]);
		spawner_main(sm_policy_ref(p), &fn, sv[1]);
	}
	close(sv[1]);
	s = g_new0(sm_spawner, 1);
	s->ctl = sv[0];
	s->pid = pid;
	pthread_mutex_init(&s->mu, NULL);
	return s;
}

/* Send req (and fd), wait for the reply (and its descriptor). */
static int ask(sm_spawner *s, const ctl_req *req, size_t len, int fd, ctl_rep *rep, int *rfd)
{
	ssize_t n;
	int rc = -1;

	pthread_mutex_lock(&s->mu);
	if (send_fd(s->ctl, req, len, fd) == 0) {
		n = recv_fd(s->ctl, rep, sizeof(*rep), rfd);
		if (n == (ssize_t)sizeof(*rep)) {
			rep->err[sizeof(rep->err) - 1] = '\0';
			rc = 0;
		} else if (*rfd >= 0) {
			close(*rfd);
			*rfd = -1;
		}
	}
	pthread_mutex_unlock(&s->mu);
	if (rc < 0)
		snprintf(rep->err, sizeof(rep->err), "the worker spawner does not answer");
	return rc;
}

int sm_spawner_spawn(sm_spawner *s, int *sock, int *pidfd, pid_t *pid, char *err, size_t errlen)
{
	ctl_req req = {OP_SPAWN, 0, ""};
	ctl_rep rep = {-1, 0, ""};
	int sv[2], rfd = -1;

	*sock = *pidfd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return -1;
	}
	if (ask(s, &req, offsetof(ctl_req, path), sv[1], &rep, &rfd) < 0 || rep.status != 0 ||
	    rfd < 0) {
		snprintf(err, errlen, "cannot start a scanner worker: %s",
			 rep.err[0] ? rep.err : "no pidfd");
		if (rfd >= 0)
			close(rfd);
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	close(sv[1]);
	*sock = sv[0];
	*pidfd = rfd;
	*pid = rep.pid;
	return 0;
}

int sm_spawner_reload(sm_spawner *s, const char *path, char *err, size_t errlen)
{
	ctl_req req = {OP_RELOAD, 0, ""};
	ctl_rep rep = {-1, 0, ""};
	size_t n = strlen(path);
	int rfd = -1;

	if (n >= sizeof(req.path)) {
		snprintf(err, errlen, "configuration path too long");
		return -1;
	}
	memcpy(req.path, path, n);
	req.len = (uint32_t)n;
	if (ask(s, &req, offsetof(ctl_req, path) + n, -1, &rep, &rfd) < 0 || rep.status != 0) {
		snprintf(err, errlen, "%s", rep.err);
		if (rfd >= 0)
			close(rfd);
		return -1;
	}
	return 0;
}

int sm_spawner_fd(const sm_spawner *s)
{
	return s ? s->ctl : -1;
}

void sm_spawner_stop(sm_spawner *s)
{
	if (!s)
		return;
	close(s->ctl); /* the spawner reads EOF and exits */
	waitpid(s->pid, NULL, 0);
	pthread_mutex_destroy(&s->mu);
	g_free(s);
}
