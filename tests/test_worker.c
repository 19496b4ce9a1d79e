/* test_worker.c - a scanner worker's per-message CPU limit (milter/worker/
 * worker.c, cpu_limit): RLIMIT_CPU's soft limit is the CPU used so far plus
 * the message's share plus one second, set with one setrlimit per message
 * (the hard limit read once, not once per message), under the hard limit;
 * when the hard limit was lowered from outside since it was read, it is
 * read again and the soft limit still set (clamped to it).  And the
 * request as it reaches a worker: a message inline (its bytes after the
 * envelope) arrives whole whether it came with the header, partly or after
 * it, up to SM_WREQ_INLINE_MAX bytes and not one more; descriptors that do
 * not fit the request (a message descriptor with an inline message, a spill
 * file announced and missing, none for a descriptor request) and bytes past
 * the message are refused.  worker.c is compiled in here with getrlimit
 * and setrlimit counted. */
#include <fcntl.h>
#include <sys/resource.h>

static unsigned gets, sets;
static int counted_getrlimit(int what, struct rlimit *rl)
{
	gets++;
	return getrlimit(what, rl);
}
static int counted_setrlimit(int what, const struct rlimit *rl)
{
	sets++;
	return setrlimit(what, rl);
}
#define getrlimit counted_getrlimit
#define setrlimit counted_setrlimit
#include "../milter/worker/worker.c"
#undef getrlimit
#undef setrlimit

#include "testutil.h"

int sm_sandbox_enter(size_t mem, char *err, size_t errlen)
{
	(void)mem;
	(void)err;
	(void)errlen;
	return 0;
}

static rlim_t used_seconds(void)
{
	struct rusage ru;

	g_assert_cmpint(getrusage(RUSAGE_SELF, &ru), ==, 0);
	return (rlim_t)ru.ru_utime.tv_sec + (rlim_t)ru.ru_stime.tv_sec;
}

static void test_cpu_limit(void)
{
	cpu_cap cap = {0, false};
	struct rlimit before, rl;
	rlim_t used;
	int i;

	g_assert_cmpint(getrlimit(RLIMIT_CPU, &before), ==, 0);
	gets = sets = 0;
	for (i = 0; i < 5; i++) {
		used = used_seconds();
		cpu_limit(&cap, 7 + (uint32_t)i);
		g_assert_cmpint(getrlimit(RLIMIT_CPU, &rl), ==, 0);
		g_assert_cmpuint(rl.rlim_max, ==, before.rlim_max);
		g_assert_cmpuint(rl.rlim_cur, >=, used + 8 + (rlim_t)i);
		g_assert_cmpuint(rl.rlim_cur, <=, used_seconds() + 8 + (rlim_t)i);
	}
	g_assert_cmpuint(sets, ==, 5);
	g_assert_cmpuint(gets, ==, 1); /* the hard limit once, not per message */

	/* the hard limit lowered from outside (here: by the process itself,
	 * which may lower it), under the next soft limit: read again, clamped */
	used = used_seconds();
	rl.rlim_cur = rl.rlim_max = used + 30;
	g_assert_cmpint(setrlimit(RLIMIT_CPU, &rl), ==, 0);
	rl.rlim_max++;
	if (setrlimit(RLIMIT_CPU, &rl) == 0) { /* CAP_SYS_RESOURCE: no EPERM to see */
		g_test_skip("may raise RLIMIT_CPU's hard limit (CAP_SYS_RESOURCE)");
		return;
	}
	gets = sets = 0;
	cpu_limit(&cap, 100);
	g_assert_cmpint(getrlimit(RLIMIT_CPU, &rl), ==, 0);
	g_assert_cmpuint(rl.rlim_max, ==, used + 30);
	g_assert_cmpuint(rl.rlim_cur, ==, used + 30);
	g_assert_cmpuint(gets, ==, 1);
	g_assert_cmpuint(sets, ==, 2); /* EPERM with the old hard limit, then set */
	/* and under it: the share */
	cpu_limit(&cap, 2);
	g_assert_cmpint(getrlimit(RLIMIT_CPU, &rl), ==, 0);
	g_assert_cmpuint(rl.rlim_cur, <=, used_seconds() + 3);
	g_assert_cmpuint(rl.rlim_cur, >=, used + 3);
}

/* Sends a request: the header (INLINE when inline; nfds descriptors said),
 * env_len bytes of envelope, then `first` bytes of the message, with nsend
 * descriptors; the caller sends the rest. */
static void send_req(int sock, const char *env, size_t env_len, const char *msg, size_t size,
		     size_t first, bool inl, int nfds, int nsend, const int *fds)
{
	sm_wreq h = {SM_WREQ_MAGIC, (uint32_t)nfds, 0, (uint32_t)env_len, 1, 10,
		     SM_WREQ_QID | SM_WREQ_SENDER | SM_WREQ_RCPTS | SM_WREQ_CLIENT |
			     (inl ? SM_WREQ_INLINE : 0), size};
	struct iovec iov[3] = {{&h, sizeof(h)}, {(void *)env, env_len}, {(void *)msg, first}};
	char cbuf[CMSG_SPACE(2 * sizeof(int))] = {0};
	struct msghdr mh = {0};
	struct cmsghdr *c;

	mh.msg_iov = iov;
	mh.msg_iovlen = 3;
	if (nsend) { /* what the header says (nfds) and what comes may differ */
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nsend);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nsend);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nsend);
	}
	g_assert_cmpint(sendmsg(sock, &mh, 0), ==, (ssize_t)(sizeof(h) + env_len + first));
}

static const char ENV[] = "QID\0<a@example.co.jp>\0" "192.0.2.1\0<supportmail@microsoft.com>";

typedef struct sender {
	int sock;
	const char *msg;
	size_t size, first;
} sender;

/* The request's first part, a pause, the rest: the worker's first recvmsg
 * takes what came so far, with the header or after it. */
static gpointer send_parts(gpointer data)
{
	const sender *sd = data;

	send_req(sd->sock, ENV, sizeof(ENV), sd->msg, sd->size, sd->first, true, 0, 0, NULL);
	g_usleep(20000);
	g_assert_cmpint(write(sd->sock, sd->msg + sd->first, sd->size - sd->first), ==,
			(ssize_t)(sd->size - sd->first));
	return NULL;
}

/* One inline request through recv_head, recv_env and the message's rest:
 * the bytes the worker scans are the message's. */
static void inline_whole(size_t size, size_t first)
{
	char *msg = g_malloc(size + 1);
	int sv[2];
	job j = {0};
	sm_envelope env = {0};
	sender sd;
	GThread *th;

	for (size_t i = 0; i < size; i++)
		msg[i] = (char)('a' + i % 26);
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
	j.fd = j.spill = -1;
	j.first = g_malloc(FIRST_ENV + 1);
	sd = (sender){sv[0], msg, size, first};
	th = g_thread_new("sender", send_parts, &sd);
	g_assert_cmpint(recv_head(sv[1], &j), ==, 0);
	g_assert_cmpint(recv_env(sv[1], &j, &env), ==, 0);
	g_assert_cmpstr(env.rcpts[0], ==, "<supportmail@microsoft.com>");
	g_assert_nonnull(j.msg);
	g_assert_cmpint(j.fd, ==, -1);
	g_assert_cmpint(read_all(sv[1], j.msg + j.msg_got, size - j.msg_got), ==, 0);
	g_thread_join(th);
	g_assert_true(memcmp(j.msg, msg, size) == 0);
	job_clear(&j);
	g_free(j.first);
	g_free(msg);
	close(sv[0]);
	close(sv[1]);
}

/* A request recv_head refuses. */
static void refused(bool inl, size_t size, int nfds, int nsend, size_t extra)
{
	char *msg = g_malloc0(size + extra + 1);
	int sv[2], fds[2];
	job j = {0};

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
	fds[0] = open("/dev/null", O_RDONLY);
	fds[1] = open("/dev/null", O_RDONLY);
	j.fd = j.spill = -1;
	j.first = g_malloc(FIRST_ENV + 1);
	send_req(sv[0], ENV, sizeof(ENV), msg, size, MIN(size + extra, 1000), inl, nfds, nsend,
		 fds);
	g_assert_cmpint(recv_head(sv[1], &j), ==, -1);
	job_clear(&j);
	g_free(j.first);
	g_free(msg);
	close(fds[0]);
	close(fds[1]);
	close(sv[0]);
	close(sv[1]);
}

/* An inline message with a spill file: the one descriptor is the spill. */
static void inline_spill(void)
{
	int sv[2], fds[1] = {open("/dev/null", O_RDONLY)};
	job j = {0};
	sm_envelope env = {0};

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
	j.fd = j.spill = -1;
	j.first = g_malloc(FIRST_ENV + 1);
	send_req(sv[0], ENV, sizeof(ENV), "hello", 5, 5, true, 1, 1, fds);
	g_assert_cmpint(recv_head(sv[1], &j), ==, 0);
	g_assert_cmpint(recv_env(sv[1], &j, &env), ==, 0);
	g_assert_cmpint(j.fd, ==, -1);
	g_assert_cmpint(j.spill, >=, 0);
	g_assert_cmpuint(j.msg_got, ==, 5);
	g_assert_true(memcmp(j.msg, "hello", 5) == 0);
	job_clear(&j);
	g_free(j.first);
	close(fds[0]);
	close(sv[0]);
	close(sv[1]);
}

static void test_inline(void)
{
	inline_spill();
	inline_whole(0, 0);
	inline_whole(1, 1);
	inline_whole(1000, 1000);   /* all with the header */
	inline_whole(20000, 7);     /* most of it after the header */
	inline_whole(SM_WREQ_INLINE_MAX, SM_WREQ_INLINE_MAX); /* past FIRST_ENV at once */
	inline_whole(SM_WREQ_INLINE_MAX, 100);
	refused(true, SM_WREQ_INLINE_MAX + 1, 0, 0, 0); /* one byte too many */
	refused(true, 100, 1, 2, 0);  /* a message descriptor besides the bytes */
	refused(true, 100, 1, 0, 0);  /* a spill file announced, none came */
	refused(true, 100, 0, 1, 0);  /* a descriptor nobody announced */
	refused(true, 100, 0, 0, 10); /* bytes past the message */
	refused(false, 100, 1, 0, 0); /* a descriptor request without one */
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/worker/cpu_limit", test_cpu_limit);
	g_test_add_func("/worker/inline", test_inline);
	return g_test_run();
}
