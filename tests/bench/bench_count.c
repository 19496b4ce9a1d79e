/*
 * bench_count.c - a fixed amount of work for instruction counting (not run by
 * `make bench`): loads the policy once, then scans every FILE.eml N times, as
 * the daemon does (sm_scan_mem, the delivered message written out, the JSON
 * made), and prints nothing but a line count of what it did.
 *
 *   valgrind --tool=callgrind build/bench/bench_count CONF N FILE.eml...
 *
 * Instructions per scan of one message = (Ir at N=k+1 - Ir at N=1) / k: the
 * policy load and one-time library set-up cancel out.  With BENCH_WARM set,
 * sm_scan_warm runs after the policy load (what a first scan costs after it:
 * Ir at N=1 - Ir at N=0).  Untrusted input: the
 * files, read whole.  Exit 0, or 2 if the configuration or a file cannot be
 * read.
 */
#include "benchutil.h"
#include "scan.h"

static int count_sink(void *ud, const void *buf, size_t len)
{
	(void)buf;
	*(size_t *)ud += len;
	return 0;
}

int main(int argc, char **argv)
{
	char err[1024];
	sm_policy *p;
	size_t out = 0, scans = 0;
	long n, k;
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: bench_count CONF N FILE.eml...\n");
		return 2;
	}
	p = sm_policy_load(argv[1], err, sizeof(err));
	if (!p) {
		fprintf(stderr, "bench: %s\n", err);
		return 2;
	}
	n = atol(argv[2]);
	if (getenv("BENCH_WARM") && sm_scan_warm(p) != 0) /* set: sm_scan_warm first */
		fprintf(stderr, "bench: sm_scan_warm failed\n");
	for (i = 3; i < argc; i++) {
		gsize len;
		char *data = bench_read(argv[i], &len);

		for (k = 0; k < n; k++) {
			sm_result *r = sm_scan_mem(p, data, len, NULL, (time_t)1733011200);
			char *json;

			if (sm_result_verdict(r) <= SM_V_MODIFY)
				sm_result_write_message(r, count_sink, &out);
			json = sm_result_json(r);
			g_free(json);
			sm_result_free(r);
			scans++;
		}
		g_free(data);
	}
	printf("bench count: %zu scans, %zu bytes out\n", scans, out);
	sm_policy_unref(p);
	return 0;
}
