/*
 * bench_policy.c - benchmark item 2: messages per second of the whole policy
 * in process (sm_scan_mem, then the delivered message written out and the
 * JSON made, as the daemon does), without process start-up.
 *
 *   bench_policy CONF SECONDS FILE.eml...
 *
 * Single-threaded.  Runs the files round-robin until SECONDS have passed and
 * prints messages/s, MB/s and the median, 99th percentile and maximum
 * latency per message, plus the slowest file.  Figures only: exit 0, or 2 if
 * the configuration or a file cannot be read.
 *
 * BENCH_COLD=MB: before each scan (outside the timing) read every cache
 * line of a buffer of MB MiB, so that the scan starts with the caches
 * holding other data, as a scanner worker's does after the daemon, the MTA
 * and the other worker ran (1: the core's own caches; 64: the shared one too).
 */
#include "benchutil.h"
#include "scan.h"

#include <string.h>

static int count_sink(void *ud, const void *buf, size_t len)
{
	*(size_t *)ud += len;
	return 0;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	char err[1024];
	sm_policy *p;
	double secs, t0, slowest = 0;
	GArray *lat = g_array_new(FALSE, FALSE, sizeof(double));
	char **data;
	gsize *len, bytes = 0;
	size_t out = 0, n, i, slow_i = 0;
	int nf = argc - 3;
	const char *cold_env = getenv("BENCH_COLD");
	size_t cold = cold_env ? (size_t)atol(cold_env) << 20 : 0;
	volatile unsigned char *evict = cold ? g_malloc0(cold) : NULL;
	volatile unsigned sink = 0;
	const char *idle_env = getenv("BENCH_IDLE");
	long idle_us = idle_env ? atol(idle_env) : 0;

	if (argc < 4) {
		fprintf(stderr, "usage: bench_policy CONF SECONDS FILE.eml...\n");
		return 2;
	}
	p = sm_policy_load(argv[1], err, sizeof(err));
	if (!p) {
		fprintf(stderr, "bench: %s\n", err);
		return 2;
	}
	secs = atof(argv[2]);
	data = g_new0(char *, nf);
	len = g_new0(gsize, nf);
	for (i = 0; i < (size_t)nf; i++)
		data[i] = bench_read(argv[3 + i], &len[i]);
	t0 = bench_now();
	for (n = 0; bench_now() - t0 < secs || n < (size_t)nf; n++) {
		size_t k = n % (size_t)nf;
		double s, d;

		for (i = 0; i < cold; i += 64) /* read: no dirty lines left to write back */
			sink += evict[i];
		if (idle_us > 0)
			g_usleep((gulong)idle_us);
		s = bench_now();
		sm_result *r = sm_scan_mem(p, data[k], len[k], NULL, (time_t)1733011200);
		char *json;

		if (sm_result_verdict(r) <= SM_V_MODIFY)
			sm_result_write_message(r, count_sink, &out);
		json = sm_result_json(r);
		g_free(json);
		sm_result_free(r);
		d = bench_now() - s;
		g_array_append_val(lat, d);
		bytes += len[k];
		if (d > slowest) {
			slowest = d;
			slow_i = k;
		}
	}
	t0 = bench_now() - t0;
	qsort(lat->data, lat->len, sizeof(double), by_value);
	printf("bench policy: %d files, %zu scans in %.2f s: %.0f messages/s, %.1f MB/s\n", nf, n, t0,
	       n / t0, MB(bytes) / t0);
	printf("bench policy: latency median %.3f ms, p99 %.3f ms, max %.3f ms (%s)%s\n",
	       g_array_index(lat, double, lat->len / 2) * 1e3,
	       g_array_index(lat, double, lat->len * 99 / 100) * 1e3, slowest * 1e3,
	       strrchr(argv[3 + slow_i], '/') ? strrchr(argv[3 + slow_i], '/') + 1 : argv[3 + slow_i],
	       cold ? ", caches overwritten before each scan" : "");
	g_free((void *)evict);
	for (i = 0; i < (size_t)nf; i++)
		g_free(data[i]);
	g_free(data);
	g_free(len);
	g_array_free(lat, TRUE);
	sm_policy_unref(p);
	return 0;
}
