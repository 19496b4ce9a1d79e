/*
 * benchutil.h - shared by the benchmark programs: a monotonic clock and
 * whole-file reading.  Benchmarks print figures; they never fail on a value.
 */
#ifndef SM_BENCHUTIL_H
#define SM_BENCHUTIL_H

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The whole file; exits 2 when it cannot be read (a benchmark, not a test). */
static inline char *bench_read(const char *path, gsize *len)
{
	char *data = NULL;
	GError *e = NULL;

	if (!g_file_get_contents(path, &data, len, &e)) {
		fprintf(stderr, "bench: %s: %s\n", path, e->message);
		exit(2);
	}
	return data;
}

#define MB(x) ((double)(x) / (1024.0 * 1024.0))

#endif
