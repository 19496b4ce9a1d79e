/*
 * main.c - support-milter-report: read audit logs, print summaries.
 *
 *   support-milter-report [--format table|csv|json|html] [--lang en|ja]
 *       [--period day|week|month] [--from DATE] [--to DATE] [--sender ADDR|@DOMAIN]
 *       [--detector ID] [--top N] [--max-rejected N] [--limit N] [--output FILE] [FILE...]
 *
 * Input: the files named (or stdin), from any number of relays; see
 * report.h for how each is bounded.  Exit status: 0, 1 when a file could
 * not be read (the report covers the others), 2 on a usage error.
 */
#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

typedef struct run {
	rp_rec rec;
	rp_agg *agg;
	guint64 corrupt;
} run;

static void usage(FILE *f)
{
	fputs("usage: support-milter-report [--format table|csv|json|html] [--lang en|ja]\n"
	      "         [--period day|week|month] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
	      "         [--sender ADDR|@DOMAIN] [--detector ID] [--top N] [--max-rejected N]\n"
	      "         [--limit N] [--output FILE] [FILE...]   (no FILE, or -: standard input)\n",
	      f);
}

static int line(void *ud, const char *s, size_t n)
{
	run *r = ud;

	while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	if (!n)
		return 0;
	if (rp_rec_parse(&r->rec, s, n) < 0)
		r->corrupt++;
	else
		rp_agg_add(r->agg, &r->rec);
	return 0;
}

/* YYYY-MM-DD, or YYYY-MM (the whole month): the bound as compared with a
 * record's date.  NULL when malformed. */
static char *date_arg(const char *s, bool upper)
{
	int y, m, d;
	char end;

	if (strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &end) == 3 &&
	    g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		return g_strdup(s);
	if (strlen(s) == 7 && sscanf(s, "%4d-%2d%c", &y, &m, &end) == 2 && m >= 1 && m <= 12)
		return g_strdup_printf("%s-%s", s, upper ? "99" : "00");
	return NULL;
}

static int choice(const char *v, const char *const *names)
{
	int i;

	for (i = 0; names[i]; i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	return -1;
}

static int parse_uint(const char *v, unsigned max, unsigned *out)
{
	char *end;
	guint64 n = g_ascii_strtoull(v, &end, 10);

	if (!*v || *end || n > max)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static const char *const formats[] = {"table", "csv", "json", "html", NULL};
static const char *const langs[] = {"en", "ja", NULL};
static const char *const periods[] = {"day", "week", "month", NULL};

enum { O_FORMAT = 256, O_LANG, O_PERIOD, O_FROM, O_TO, O_SENDER, O_DETECTOR, O_TOP, O_MAXREJ,
       O_LIMIT };

typedef struct args {
	rp_opts o;
	int format;
	char *from, *to;
	const char *output;
	bool limit_set;
} args;

/* One option; NULL, or what is wrong with its value. */
static const char *option(int c, const char *v, args *a)
{
	int n;

	switch (c) {
	case O_FORMAT:
		return (a->format = choice(v, formats)) < 0 ? "--format: table, csv, json or html" : NULL;
	case O_LANG:
		n = choice(v, langs);
		a->o.lang = (rp_lang)n;
		return n < 0 ? "--lang: en or ja" : NULL;
	case O_PERIOD:
		n = choice(v, periods);
		a->o.period = (rp_period)n;
		return n < 0 ? "--period: day, week or month" : NULL;
	case O_FROM:
	case O_TO: {
		char **d = c == O_FROM ? &a->from : &a->to;

		g_free(*d);
		*d = date_arg(v, c == O_TO);
		return *d ? NULL : "--from/--to: YYYY-MM-DD or YYYY-MM";
	}
	case O_SENDER:
		a->o.sender = v;
		return NULL;
	case O_DETECTOR:
		a->o.detector = v;
		return NULL;
	case O_TOP:
		return parse_uint(v, 1000, &a->o.top) < 0 ? "--top: 0 to 1000" : NULL;
	case O_MAXREJ:
		return parse_uint(v, 1000000, &a->o.max_rejected) < 0 ? "--max-rejected: 0 to 1000000"
									: NULL;
	case O_LIMIT:
		a->limit_set = true;
		return parse_uint(v, 100000000, &a->o.limit) < 0 ? "--limit: a number" : NULL;
	default:
		a->output = v;
		return NULL;
	}
}

static int parse_args(int argc, char **argv, args *a)
{
	static const struct option lo[] = {
		{"format", required_argument, NULL, O_FORMAT}, {"lang", required_argument, NULL, O_LANG},
		{"period", required_argument, NULL, O_PERIOD}, {"from", required_argument, NULL, O_FROM},
		{"to", required_argument, NULL, O_TO}, {"sender", required_argument, NULL, O_SENDER},
		{"detector", required_argument, NULL, O_DETECTOR}, {"top", required_argument, NULL, O_TOP},
		{"max-rejected", required_argument, NULL, O_MAXREJ},
		{"limit", required_argument, NULL, O_LIMIT},
		{"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0},
	};
	const char *bad;
	int c;

	while ((c = getopt_long(argc, argv, "o:hV", lo, NULL)) != -1) {
		if (c == 'h' || c == 'V') {
			if (c == 'h')
				usage(stdout);
			else
				printf("support-milter-report %s\n", SM_VERSION);
			exit(0);
		}
		if (c == '?' || c == ':') {
			usage(stderr);
			return -1;
		}
		if ((bad = option(c, optarg, a))) {
			fprintf(stderr, "support-milter-report: %s\n", bad);
			return -1;
		}
	}
	a->o.from = a->from;
	a->o.to = a->to;
	/* a terminal or a page shows the first 50 senders, domains and SRs;
	 * CSV and JSON carry them all */
	if (!a->limit_set && (a->format == RP_FMT_TABLE || a->format == RP_FMT_HTML))
		a->o.limit = 50;
	return 0;
}

static int write_out(const GString *s, const char *path)
{
	FILE *f = path ? fopen(path, "w") : stdout;

	if (!f || fwrite(s->str, 1, s->len, f) != s->len || (path ? fclose(f) : fflush(f)) != 0) {
		fprintf(stderr, "support-milter-report: %s: %s\n", path ? path : "stdout",
			strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	args a = {{NULL, NULL, NULL, NULL, RP_PERIOD_DAY, 10, 1000, 0, RP_LANG_EN}, RP_FMT_TABLE};
	static const char *const stdin_only[] = {"-", NULL};
	const char *const *files;
	run r = {0};
	GString *out;
	char err[1024];
	guint64 too_long = 0;
	int rc = 0;

	if (parse_args(argc, argv, &a) < 0)
		return 2;
	files = optind < argc ? (const char *const *)argv + optind : stdin_only;
	rp_rec_init(&r.rec);
	r.agg = rp_agg_new(&a.o);
	for (; *files; files++) {
		if (rp_read_file(*files, line, &r, &too_long, err, sizeof(err)) < 0) {
			fprintf(stderr, "support-milter-report: %s\n", err);
			rc = 1;
		}
		rp_agg_file(r.agg);
	}
	rp_agg_corrupt(r.agg, r.corrupt + too_long);
	out = g_string_sized_new(1 << 16);
	if (a.format == RP_FMT_CSV)
		rp_out_csv(out, rp_agg_tables(r.agg), a.o.lang);
	else if (a.format == RP_FMT_JSON)
		rp_out_json(out, rp_agg_tables(r.agg));
	else if (a.format == RP_FMT_HTML)
		rp_out_html(out, r.agg, rp_agg_tables(r.agg), &a.o);
	else
		rp_out_table(out, rp_agg_tables(r.agg), a.o.lang);
	if (write_out(out, a.output) < 0)
		rc = 2;
	g_string_free(out, TRUE);
	rp_agg_free(r.agg);
	rp_rec_clear(&r.rec);
	g_free(a.from);
	g_free(a.to);
	return rc;
}
