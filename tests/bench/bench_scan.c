/*
 * bench_scan.c - benchmark item 1: MB/s of decoded text through all
 * detectors (sm_detectors_load(NULL), sm_detectors_scan over views), beside
 * one memchr() sweep over the same bytes as the ceiling, and view building
 * (sm_view_new: decode, HTML, fold, maps) on its own.  Then each built-in
 * detector alone (the others disabled; the shared prefilter pass included),
 * to show where the time goes.  The hits line carries a checksum of every
 * hit (detector, span, mask, confidence): equal before and after a change
 * that must not change what the detectors find.
 *
 *   bench_scan MIX.bin [SECONDS]      (MIX.bin from gen_mix.py; default 3 s)
 *
 * Single-threaded: every figure is per core.  Input: a file we generated
 * (trusted), parsed with bounds checks all the same.  Prints "bench scan:"
 * lines; exit 0 whatever the figures, 2 if the input is unusable.
 */
#include "benchutil.h"
#include "detect.h"
#include "sr.h"
#include "view.h"

#include <string.h>

typedef struct doc {
	char cs[32];
	bool html;
	const uint8_t *src;
	size_t len;
	sm_view *v;
} doc;

/* Split the mix into documents ("#DOC cs html len\n" + bytes). */
static GArray *parse_mix(const char *data, size_t len)
{
	GArray *docs = g_array_new(FALSE, TRUE, sizeof(doc));
	size_t i = 0;

	while (i < len) {
		size_t body = i;
		char cs[32];
		int html = 0;
		unsigned long n = 0;
		doc d;

		while (body < len && data[body] != '\n')
			body++;
		if (body++ >= len || sscanf(data + i, "#DOC %31s %d %lu", cs, &html, &n) != 3 ||
		    n > len - body) {
			fprintf(stderr, "bench: malformed mix at offset %zu\n", i);
			exit(2);
		}
		memset(&d, 0, sizeof(d));
		g_strlcpy(d.cs, cs, sizeof(d.cs));
		d.html = html != 0;
		d.src = (const uint8_t *)data + body;
		d.len = n;
		g_array_append_val(docs, d);
		i = body + n;
	}
	return docs;
}

static double build_views(GArray *docs, size_t *src_bytes, size_t *text_bytes)
{
	double t0 = bench_now();
	unsigned i;

	*src_bytes = *text_bytes = 0;
	for (i = 0; i < docs->len; i++) {
		doc *d = &g_array_index(docs, doc, i);

		sm_view_free(d->v);
		d->v = sm_view_new(d->src, d->len, d->cs, d->html, (size_t)-1, NULL);
		*src_bytes += d->len;
		*text_bytes += d->v->len;
	}
	return bench_now() - t0;
}

/* FNV-1a over every view: its text, the source range of each byte, its
 * quote start: the same checksum means the same views, byte and map. */
static uint64_t hash_views(GArray *docs)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned i;
	size_t k;

	for (i = 0; i < docs->len; i++) {
		const sm_view *v = g_array_index(docs, doc, i).v;

		for (k = 0; k < v->len; k++) {
			size_t a, z;

			sm_view_map(v, k, &a, &z);
			h = (h ^ (uint8_t)v->text[k]) * 0x100000001b3ULL;
			h = (h ^ a) * 0x100000001b3ULL;
			h = (h ^ z) * 0x100000001b3ULL;
		}
		h = (h ^ v->quote_start) * 0x100000001b3ULL;
	}
	return h;
}

/* CPU time of this process: on a shared machine it leaves out the time spent
 * waiting for a core, which the wall clock counts. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* FNV-1a over the hits of one view, chained. */
static uint64_t hash_hits(uint64_t h, GArray *hits)
{
	unsigned i, k;

	for (i = 0; i < hits->len; i++) {
		const sm_hit *x = &g_array_index(hits, sm_hit, i);
		uint64_t f[5] = {x->det, x->start, x->end, (uint64_t)x->mask, (uint64_t)x->confidence};

		for (k = 0; k < 5; k++)
			h = (h ^ f[k]) * 0x100000001b3ULL;
	}
	return h;
}

/* One pass of every detector over every view; returns hits, their checksum in *sum. */
static size_t scan_pass(const sm_detectors *det, const sm_scan_ctx *ctx, GArray *docs,
			GArray *hits, uint64_t *sum)
{
	size_t total = 0;
	unsigned i;

	*sum = 0xcbf29ce484222325ULL;
	for (i = 0; i < docs->len; i++) {
		g_array_set_size(hits, 0);
		sm_detectors_scan(det, g_array_index(docs, doc, i).v, ctx, hits, 1000000);
		total += hits->len;
		*sum = hash_hits(*sum, hits);
	}
	return total;
}

static size_t memchr_pass(GArray *docs)
{
	size_t found = 0;
	unsigned i;

	for (i = 0; i < docs->len; i++) {
		const sm_view *v = g_array_index(docs, doc, i).v;

		found += memchr(v->text, '\x01', v->len) != NULL;
	}
	return found;
}

/* Detectors over every view, repeated for at least secs; then the ceiling. */
static void time_scans(const sm_detectors *det, const sm_scan_ctx *ctx, GArray *docs,
		       size_t text_b, double secs)
{
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(sm_hit));
	size_t nhits = 0, passes = 0;
	uint64_t sum = 0;
	volatile size_t sink = 0;
	double t0 = bench_now(), c0 = cpu_now(), t;

	do {
		nhits = scan_pass(det, ctx, docs, hits, &sum);
		passes++;
	} while ((t = bench_now() - t0) < secs);
	if (sm_detectors_count(det) == 0)
		printf("bench scan: all detectors               (none loaded: the detectors are still a stub)\n");
	else
		printf("bench scan: all detectors               %8.1f MB/s of view text (%.1f per CPU second; %zu passes, %zu hits/pass, checksum %016llx)\n",
		       MB(text_b) * passes / t, MB(text_b) * passes / (cpu_now() - c0), passes,
		       nhits, (unsigned long long)sum);
	passes = 0;
	t0 = bench_now();
	do {
		sink += memchr_pass(docs);
		passes++;
	} while ((t = bench_now() - t0) < secs / 3);
	printf("bench scan: memchr sweep (ceiling)      %8.1f MB/s of view text\n",
	       MB(text_b) * passes / t);
	g_array_free(hits, TRUE);
}

/* Each built-in detector alone: the others disabled in a configuration string. */
static void time_each(const sm_scan_ctx *ctx, GArray *docs, size_t text_b, double secs)
{
	static const char *const ids[] = {"credit_card", "password", "private_key",
					  "cloud_secret", "my_number", "mde_onboarding"};
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(sm_hit));
	size_t i, j;

	for (i = 0; i < G_N_ELEMENTS(ids); i++) {
		GString *conf = g_string_new("detectors: {");
		config_t cf;
		sm_detectors *det = NULL;
		char err[256];
		size_t passes = 0, nhits = 0;
		uint64_t sum;
		double t0, t;

		for (j = 0; j < G_N_ELEMENTS(ids); j++)
			if (j != i)
				g_string_append_printf(conf, " %s: { enabled = false; };", ids[j]);
		g_string_append(conf, " };");
		config_init(&cf);
		if (config_read_string(&cf, conf->str))
			det = sm_detectors_load(config_lookup(&cf, "detectors"), err, sizeof(err));
		if (det) {
			t0 = bench_now();
			do {
				nhits = scan_pass(det, ctx, docs, hits, &sum);
				passes++;
			} while ((t = bench_now() - t0) < secs);
			printf("bench scan:   %-15s alone         %8.1f MB/s of view text (%zu hits/pass)\n",
			       ids[i], MB(text_b) * passes / t, nhits);
		}
		sm_detectors_free(det);
		config_destroy(&cf);
		g_string_free(conf, TRUE);
	}
	g_array_free(hits, TRUE);
}

int main(int argc, char **argv)
{
	gsize len;
	char *data, err[256];
	double secs = argc > 2 ? atof(argv[2]) : 3.0, tv;
	const char *none[] = {NULL};
	GArray *docs;
	sm_detectors *det;
	sm_sr *sr;
	size_t src_b, text_b;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_scan MIX.bin [SECONDS]\n");
		return 2;
	}
	data = bench_read(argv[1], &len);
	docs = parse_mix(data, len);
	det = sm_detectors_load(NULL, err, sizeof(err));
	sr = sm_sr_load(NULL, err, sizeof(err));
	if (!det || !sr) {
		fprintf(stderr, "bench: defaults do not load: %s\n", err);
		return 2;
	}
	sm_scan_ctx ctx = {none, sr, (time_t)1733011200, "bench"};

	build_views(docs, &src_b, &text_b); /* warm-up: tables, JIT, page faults */
	tv = build_views(docs, &src_b, &text_b);
	printf("bench scan: mix %u documents, %.1f MB source, %.1f MB view text, %zu detectors\n",
	       docs->len, MB(src_b), MB(text_b), sm_detectors_count(det));
	printf("bench scan: view building (sm_view_new)  %8.1f MB/s of source (%.3f s; views checksum %016llx)\n",
	       MB(src_b) / tv, tv, (unsigned long long)hash_views(docs));
	if (!getenv("BENCH_VIEWS_ONLY")) { /* set: views only, e.g. for callgrind */
		time_scans(det, &ctx, docs, text_b, secs);
		time_each(&ctx, docs, text_b, secs / 3);
	}
	for (unsigned i = 0; i < docs->len; i++)
		sm_view_free(g_array_index(docs, doc, i).v);
	g_array_free(docs, TRUE);
	sm_detectors_free(det);
	sm_sr_free(sr);
	g_free(data);
	return 0;
}
