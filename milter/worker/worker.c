/*
 * worker.c - one scanner worker: sandboxed, single-threaded, scanning one
 * message at a time for the daemon (pool.c) until its socket closes.
 *
 * Untrusted input: the message (through sm_scan_fd_sized, the scan --test
 * runs, for the size the request states: a file of another size is a
 * failure result, never read past its end; or its bytes after the envelope,
 * at most SM_WREQ_INLINE_MAX, scanned as --test scans a file it read) and
 * the request header and envelope from the daemon, which are checked anyway
 * (sizes, counts, descriptors).  Limits: the sandbox's
 * address space and CPU per message (RLIMIT_CPU, raised by the request's
 * cpu_seconds before each scan); the daemon's wall-clock deadline kills
 * the worker from outside.  A worker that dies costs the daemon one
 * message.  Ownership: the descriptors that come with a request are closed
 * after its reply.
 *
 * Built with -DSM_TEST_HOOKS (the test build only: build/hooks), a message
 * containing SM-TEST-HOOK-SEGV, -HANG or -SOCKET faults, spins or asks for a
 * socket, -SIZE scans with a size one too large, -TRUNC and -WRITE try to
 * cut or overwrite the daemon's spool after the scan (and log what the
 * kernel said; a message that came inline leaves nothing to try them on,
 * and -SIZE only applies to a descriptor), and SM_TEST_SANDBOX_FAIL in the environment stands for a sandbox
 * that cannot be entered, so the tests can watch the daemon handle them.
 */
#include "worker.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* Envelope bytes received with the header in one recvmsg; a longer
 * envelope (thousands of recipients) is read after it. */
#define FIRST_ENV 65536

typedef struct job {
	sm_wreq h;
	int fd, spill;
	char *first;     /* FIRST_ENV bytes, reused from message to message */
	char *env;       /* h.env_len bytes + NUL: first, or allocated */
	size_t got;      /* envelope bytes that came with the header */
	const char **rcpts;
	char *msg;       /* an inline message: h.size bytes (+ 1), or NULL */
	size_t msg_got;  /* of them, those that came with the header */
} job;

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A request with the message's descriptor: [message, spill?]. */
static int head_fd(job *j)
{
	return j->fd < 0 || j->got > j->h.env_len || (j->h.nfds == 2) != (j->spill >= 0) ? -1 : 0;
}

/* A request with the message's bytes after the envelope: [spill?] only.
 * Bytes of the message that came with the header move to j->msg. */
static int head_inline(job *j)
{
	int second = j->spill;
	size_t over;

	j->spill = j->fd;
	j->fd = second; /* a second descriptor is wrong (closed by job_clear) */
	if (j->fd >= 0 || j->h.size > SM_WREQ_INLINE_MAX || j->h.nfds > 1 ||
	    (j->h.nfds == 1) != (j->spill >= 0) || j->got > j->h.env_len + j->h.size)
		return -1;
	over = j->got > j->h.env_len ? j->got - j->h.env_len : 0;
	j->msg = g_malloc((size_t)j->h.size + 1);
	memcpy(j->msg, j->first + j->h.env_len, over);
	j->msg_got = over;
	j->got -= over;
	return 0;
}

/* The header, its descriptors and what came of the envelope.  0; 1 at end
 * of stream; -1 bad. */
static int recv_head(int sock, job *j)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))];
	struct iovec iov[2] = {{&j->h, sizeof(j->h)}, {j->first, FIRST_ENV}};
	struct msghdr mh = {0};
	struct cmsghdr *c;
	int fds[2] = {-1, -1};
	ssize_t n;

	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 1;
	for (c = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL; c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len <= CMSG_LEN(sizeof(fds)))
			memcpy(fds, CMSG_DATA(c), c->cmsg_len - CMSG_LEN(0));
	j->fd = fds[0];
	j->spill = fds[1];
	if (n < 0 || (mh.msg_flags & MSG_CTRUNC))
		return -1;
	if ((size_t)n < sizeof(j->h)) { /* the header came in pieces: no envelope yet */
		if (read_all(sock, (char *)&j->h + n, sizeof(j->h) - (size_t)n) < 0)
			return -1;
		n = sizeof(j->h);
	}
	j->got = (size_t)n - sizeof(j->h);
	if (j->h.magic != SM_WREQ_MAGIC || j->h.env_len > SM_WREQ_MAX_ENV)
		return -1;
	return (j->h.flags & SM_WREQ_INLINE) ? head_inline(j) : head_fd(j);
}

/* The envelope strings: queue id, sender, client address, recipients,
 * each NUL-ended. */
static int recv_env(int sock, job *j, sm_envelope *env)
{
	const char *p, *end, *s[3] = {NULL, NULL, NULL};
	uint32_t i;

	if (j->h.env_len < FIRST_ENV) {
		j->env = j->first;
	} else {
		j->env = g_malloc(j->h.env_len + 1);
		memcpy(j->env, j->first, j->got);
	}
	if (read_all(sock, j->env + j->got, j->h.env_len - j->got) < 0)
		return -1;
	j->env[j->h.env_len] = '\0';
	if (j->h.nrcpts > j->h.env_len)
		return -1;
	p = j->env;
	end = j->env + j->h.env_len;
	for (i = 0; i < 3; i++) {
		if (p >= end)
			return -1;
		s[i] = p;
		p += strlen(p) + 1;
	}
	j->rcpts = g_new0(const char *, j->h.nrcpts + 1);
	for (i = 0; i < j->h.nrcpts; i++) {
		if (p >= end)
			return -1;
		j->rcpts[i] = p;
		p += strlen(p) + 1;
	}
	env->queue_id = (j->h.flags & SM_WREQ_QID) ? s[0] : NULL;
	env->sender = (j->h.flags & SM_WREQ_SENDER) ? s[1] : NULL;
	env->rcpts = (j->h.flags & SM_WREQ_RCPTS) ? j->rcpts : NULL;
	env->client_addr = (j->h.flags & SM_WREQ_CLIENT) ? s[2] : NULL;
	return 0;
}

static void job_clear(job *j)
{
	if (j->fd >= 0)
		close(j->fd);
	if (j->spill >= 0)
		close(j->spill);
	if (j->env != j->first)
		g_free(j->env);
	g_free(j->rcpts);
	g_free(j->msg);
	j->env = NULL;
	j->rcpts = NULL;
	j->msg = NULL;
	j->fd = j->spill = -1;
	j->got = j->msg_got = 0;
}

/* RLIMIT_CPU's hard limit, read at the first message and again only when
 * setting the soft limit under it fails (lowered from outside since). */
typedef struct cpu_cap {
	rlim_t max;
	bool known;
} cpu_cap;

/* RLIMIT_CPU: what this process used so far plus the message's share; one
 * setrlimit per message (a getrlimit too at the first, or after EPERM). */
static void cpu_limit(cpu_cap *c, uint32_t seconds)
{
	struct rusage ru;
	struct rlimit rl;
	int tries;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return;
	for (tries = 0; tries < 2; tries++) {
		if (!c->known) {
			if (getrlimit(RLIMIT_CPU, &rl) < 0)
				return;
			c->max = rl.rlim_max;
			c->known = true;
		}
		rl.rlim_max = c->max;
		rl.rlim_cur = (rlim_t)ru.ru_utime.tv_sec + (rlim_t)ru.ru_stime.tv_sec + seconds + 1;
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_CPU, &rl) == 0 || errno != EPERM)
			return;
		c->known = false; /* the hard limit was lowered: read it again */
	}
}

#ifdef SM_TEST_HOOKS
#define HOOK_SIZE 1u  /* scan with the request's size one too large */
#define HOOK_TRUNC 2u /* cut the daemon's spool short after the scan */
#define HOOK_WRITE 4u /* overwrite the daemon's spool after the scan */

/* Tests only: what a crashing, hanging or subverted scan does; HOOK_*. */
static unsigned test_hook(const char *buf, ssize_t n)
{
	if (n <= 0)
		return 0;
	if (memmem(buf, (size_t)n, "SM-TEST-HOOK-SEGV", 17)) {
		volatile uintptr_t bad = 16; /* a write to an unmapped page */

		*(volatile int *)bad = 1;
	}
	if (memmem(buf, (size_t)n, "SM-TEST-HOOK-HANG", 17))
		for (volatile unsigned long i = 0;; i++)
			;
	if (memmem(buf, (size_t)n, "SM-TEST-HOOK-SOCKET", 19))
		(void)socket(AF_INET, SOCK_STREAM, 0);
	return (memmem(buf, (size_t)n, "SM-TEST-HOOK-SIZE", 17) ? HOOK_SIZE : 0) |
	       (memmem(buf, (size_t)n, "SM-TEST-HOOK-TRUNC", 18) ? HOOK_TRUNC : 0) |
	       (memmem(buf, (size_t)n, "SM-TEST-HOOK-WRITE", 18) ? HOOK_WRITE : 0);
}

/* The same for a message in a descriptor: its first 64 KiB. */
static unsigned test_hook_fd(int fd)
{
	char buf[65536];

	return test_hook(buf, pread(fd, buf, sizeof(buf), 0));
}

/* Tests only: a subverted worker changing the message the daemon will map
 * (cut to half, or its last bytes overwritten); what the kernel said goes
 * to stderr (the daemon's log in the tests), never the message's bytes. */
static void test_tamper(unsigned hook, int fd, size_t size)
{
	static const char junk[] = "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
	char line[128];
	int rc, len;

	if (fd < 0 && (hook & (HOOK_TRUNC | HOOK_WRITE))) { /* nothing of the daemon's here */
		static const char inl[] = "test hook: the message came inline: no spool to change\n";

		(void)!write(2, inl, sizeof(inl) - 1);
		return;
	}
	if (hook & HOOK_TRUNC) {
		rc = ftruncate(fd, (off_t)(size / 2));
		len = snprintf(line, sizeof(line), "test hook: ftruncate of the spool: %s\n",
			       rc < 0 ? strerror(errno) : "done");
		(void)!write(2, line, (size_t)len);
	}
	if (hook & HOOK_WRITE) {
		size_t k = MIN(sizeof(junk) - 1, size); /* the body's last bytes */
		ssize_t n = pwrite(fd, junk, k, (off_t)(size - k));

		len = snprintf(line, sizeof(line), "test hook: pwrite into the spool: %s\n",
			       n < 0 ? strerror(errno) : "done");
		(void)!write(2, line, (size_t)len);
	}
}
#endif

static int reply(int sock, const sm_result *r)
{
	size_t len;
	void *wire = sm_result_wire(r, &len);
	sm_wrep h = {SM_WREP_MAGIC, 0, len};
	struct iovec iov[2] = {{&h, sizeof(h)}, {wire, len}};
	int rc = 0, k = 0;

	while (k < 2) {
		ssize_t n = writev(sock, iov + k, 2 - k);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = -1;
			break;
		}
		while (k < 2 && (size_t)n >= iov[k].iov_len)
			n -= (ssize_t)iov[k++].iov_len;
		if (k < 2) {
			iov[k].iov_base = (char *)iov[k].iov_base + n;
			iov[k].iov_len -= (size_t)n;
		}
	}
	g_free(wire);
	return rc;
}

/* The first word to the daemon: ready (empty), or why the sandbox failed. */
static int hello(int sock, const char *why)
{
	sm_whello h = {SM_WHELLO_MAGIC, (uint32_t)strlen(why)};
	struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)why, h.len}};

	return writev(sock, iov, 2) == (ssize_t)(sizeof(h) + h.len) ? 0 : -1;
}

void sm_worker_main(sm_policy *p, int sock)
{
	const sm_daemon_conf *d = sm_policy_daemon(p);
	char err[256];
	job j = {0};
	cpu_cap cap = {0, false};
	int rc;

	j.fd = j.spill = -1;
	j.first = g_malloc(FIRST_ENV + 1);
#ifdef SM_TEST_HOOKS
	if (getenv("SM_TEST_SANDBOX_FAIL")) { /* tests only: a host without seccomp */
		hello(sock, "test: the sandbox is refused");
		_exit(70);
	}
#endif
	if (sm_sandbox_enter((size_t)(d->max_scan_memory / d->scan_workers), err, sizeof(err)) < 0) {
		hello(sock, err);
		_exit(70);
	}
	if (hello(sock, "") < 0)
		_exit(1);
	while ((rc = recv_head(sock, &j)) == 0) {
		sm_envelope env = {0};
		sm_result *r;
		size_t size;
#ifdef SM_TEST_HOOKS
		unsigned hook;
#endif

		if (recv_env(sock, &j, &env) < 0)
			break;
		if (j.msg && read_all(sock, j.msg + j.msg_got, (size_t)j.h.size - j.msg_got) < 0)
			break;
		cpu_limit(&cap, j.h.cpu_seconds);
		size = (uint64_t)(size_t)j.h.size == j.h.size ? (size_t)j.h.size : SIZE_MAX;
#ifdef SM_TEST_HOOKS
		hook = j.msg ? test_hook(j.msg, (ssize_t)size) : test_hook_fd(j.fd);
		size += !j.msg && (hook & HOOK_SIZE); /* a descriptor's size check */
#endif
		if (j.msg) { /* the result owns the bytes from now on */
			r = sm_scan_owned(p, j.msg, size, j.spill, &env, (time_t)j.h.now);
			j.msg = NULL;
		} else
			r = sm_scan_fd_sized(p, j.fd, size, j.spill, &env, (time_t)j.h.now);
#ifdef SM_TEST_HOOKS
		test_tamper(hook, j.fd, size);
#endif
		rc = reply(sock, r);
		sm_result_free(r);
		job_clear(&j);
		if (rc < 0)
			break;
	}
	_exit(rc == 1 ? 0 : 1);
}
