/*
 * bench_handoff.c - what handing a message to a scanner worker costs the
 * daemon (milter/daemon/pool.c), against scanning it in the daemon's own
 * process as --test does.
 *
 *   bench_handoff CONF SECONDS MESSAGE.eml
 *
 * Each round is what the daemon does per message: the pool's hand-off (one
 * sendmsg with the envelope and, for a message of up to 64 KiB, its bytes;
 * a larger one is written to a memfd spool first and goes as a descriptor),
 * the worker's scan, its wire result read back and rebuilt over the
 * message.  In process: the same bytes through sm_scan_mem.  Both
 * once for mail to an unrelated recipient (the scan returns at once: the
 * difference is the hand-off alone) and once for support mail.  One worker,
 * one message at a time; the figure is the median of 5 runs of SECONDS/5.
 * The bound: under 0.05 ms per message.  Two measures: wall time
 * (it includes waiting for a core: on a loaded machine the worker's wake-up
 * can wait for the scheduler) and CPU time of both processes (the bench's
 * and the worker's, from /proc), which is the cost the hand-off adds.
 */
#include "benchutil.h"
#include "pool.h"
#include "worker.h"

#include <dirent.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void quiet_log(int prio, const char *fmt, ...)
{
	(void)prio;
	(void)fmt;
}

/* pool.c logs through the daemon's sm_log (a spool file it cannot reopen
 * read-only): not linked here. */
void sm_log(int prio, const char *fmt, ...)
{
	(void)prio;
	(void)fmt;
}

typedef struct run {
	sm_policy *p;
	sm_pool *pool;
	const char *msg;
	size_t len;
	const sm_envelope *env;
} run;

static void one_pool(const run *r)
{
	bool inl = r->len <= SM_WREQ_INLINE_MAX; /* as the daemon's spool hands it over */
	int fd = inl ? -1 : memfd_create("bench-spool", MFD_CLOEXEC);
	sm_pool_job j = {r->p, fd, inl ? r->msg : NULL, -1, r->env, 1733788800, r->len};
	sm_result *res = NULL;
	char err[256];

	if ((!inl && (fd < 0 || write(fd, r->msg, r->len) != (ssize_t)r->len)) ||
	    sm_pool_scan(r->pool, &j, &res, err, sizeof(err)) != SM_POOL_OK) {
		fprintf(stderr, "bench handoff: %s\n", !inl && fd < 0 ? "memfd" : err);
		exit(2);
	}
	sm_result_free(res);
	if (fd >= 0)
		close(fd);
}

static void one_inproc(const run *r)
{
	GByteArray *a = g_byte_array_new();

	g_byte_array_append(a, (const guint8 *)r->msg, (guint)r->len);
	sm_result_free(sm_scan_mem(r->p, a->data, a->len, r->env, 1733788800));
	g_byte_array_free(a, TRUE);
}

/* CPU seconds of pid (utime + stime from /proc/PID/stat). */
static double proc_cpu(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2)
		return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
	return 0;
}

/* CPU seconds of this process and every process below it (the spawner and
 * its workers; a worker replaced meanwhile is not counted). */
static double tree_cpu(long pid)
{
	char path[64];
	double sum = proc_cpu(pid);
	long child;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children", pid, pid);
	f = fopen(path, "r");
	while (f && fscanf(f, "%ld", &child) == 1)
		sum += tree_cpu(child);
	if (f)
		fclose(f);
	return sum;
}

static void sort5(double *t)
{
	int i, k;

	for (i = 0; i < 5; i++)
		for (k = i + 1; k < 5; k++)
			if (t[k] < t[i]) {
				double x = t[i];

				t[i] = t[k];
				t[k] = x;
			}
}

/* Microseconds per message, wall and CPU: medians of 5 timed slices. */
static void per_msg(void (*fn)(const run *), const run *r, double seconds, double *wall,
		    double *cpu)
{
	double w[5], c[5];
	int i, k;

	for (i = 0; i < 50; i++)
		fn(r); /* warm: the worker started, caches filled */
	for (k = 0; k < 5; k++) {
		double t0 = bench_now(), c0 = tree_cpu(getpid()), t1;
		long n = 0;

		do {
			fn(r);
			n++;
			t1 = bench_now();
		} while (t1 - t0 < seconds / 5);
		w[k] = (t1 - t0) / (double)n * 1e6;
		c[k] = (tree_cpu(getpid()) - c0) / (double)n * 1e6;
	}
	sort5(w);
	sort5(c);
	*wall = w[2];
	*cpu = c[2];
}

int main(int argc, char **argv)
{
	const char *other[] = {"<someone@example.net>", NULL};
	const char *support[] = {"<supportmail@microsoft.com>", NULL};
	sm_envelope env_o = {"BENCH", "<a@example.co.jp>", other};
	sm_envelope env_s = {"BENCH", "<a@example.co.jp>", support};
	char err[1024];
	gsize len;
	char *msg;
	sm_spawner *sp;
	run r;
	double pool_o, in_o, pool_s, in_s, cpool_o, cin_o, cpool_s, cin_s;

	if (argc != 4) {
		fprintf(stderr, "usage: bench_handoff CONF SECONDS MESSAGE.eml\n");
		return 2;
	}
	msg = bench_read(argv[3], &len);
	r.p = sm_policy_load(argv[1], err, sizeof(err));
	if (!r.p) {
		fprintf(stderr, "bench handoff: %s\n", err);
		return 2;
	}
	sp = sm_spawner_start(r.p, sm_policy_load, quiet_log, err, sizeof(err));
	if (!sp) {
		fprintf(stderr, "bench handoff: %s\n", err);
		return 2;
	}
	r.pool = sm_pool_new(sp, 1);
	r.msg = msg;
	r.len = len;
	r.env = &env_o;
	per_msg(one_pool, &r, atof(argv[2]) / 4, &pool_o, &cpool_o);
	per_msg(one_inproc, &r, atof(argv[2]) / 4, &in_o, &cin_o);
	r.env = &env_s;
	per_msg(one_pool, &r, atof(argv[2]) / 4, &pool_s, &cpool_s);
	per_msg(one_inproc, &r, atof(argv[2]) / 4, &in_s, &cin_s);
	printf("bench handoff: %zu-byte message, one worker, us per message (wall / CPU of both "
	       "processes):\n", (size_t)len);
	printf("bench handoff:   not support mail: in a worker %.1f / %.1f, in process %.1f / %.1f\n",
	       pool_o, cpool_o, in_o, cin_o);
	printf("bench handoff:   support mail:     in a worker %.1f / %.1f, in process %.1f / %.1f\n",
	       pool_s, cpool_s, in_s, cin_s);
	printf("bench handoff: hand-off %.3f ms CPU, %.3f ms wall per message (bound 0.05 ms): "
	       "%s\n", (cpool_o - cin_o) / 1000, (pool_o - in_o) / 1000,
	       (cpool_o - cin_o) / 1000 < 0.05 ? "within" : "OVER");
	sm_pool_free(r.pool);
	sm_spawner_stop(sp);
	sm_policy_unref(r.p);
	g_free(msg);
	return 0;
}
