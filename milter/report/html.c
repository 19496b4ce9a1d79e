/*
 * html.c - the report as one self-contained HTML page for the monthly
 * compliance review: inline SVG charts (findings per day by detector,
 * messages by action, top senders and domains), then the tables.
 *
 * Nothing is loaded from anywhere: no script, no font, no image, and a
 * Content-Security-Policy that forbids them, so the page opens the same in
 * a mail client, from a file share or offline.  Every text from the logs is
 * HTML-escaped.  Each chart element carries its number in data-value (and
 * the chart its total in data-total), which the tests compare with the
 * JSON output.  Print: A4 landscape-friendly widths, charts not split.
 */
#include "report.h"

#include <string.h>
#include <time.h>

#define CHART_W 900
#define MAX_SERIES 8 /* detectors drawn; the rest are "other" */

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
				      "#8c564b", "#e377c2", "#17becf", "#7f7f7f"};

static void esc(GString *out, const char *s)
{
	char *v = g_utf8_make_valid(s ? s : "", -1);
	const char *p;

	for (p = v; *p; p++) {
		switch (*p) {
		case '&': g_string_append(out, "&amp;"); break;
		case '<': g_string_append(out, "&lt;"); break;
		case '>': g_string_append(out, "&gt;"); break;
		case '"': g_string_append(out, "&quot;"); break;
		case '\'': g_string_append(out, "&#39;"); break;
		default:
			if ((unsigned char)*p < 0x20 && *p != '\t')
				g_string_append_c(out, '?');
			else
				g_string_append_c(out, *p);
		}
	}
	g_free(v);
}

static const char STYLE[] =
	"body{font-family:'Noto Sans CJK JP','Hiragino Sans','Yu Gothic',Meiryo,sans-serif;"
	"margin:24px;color:#222;max-width:1000px}"
	"h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #bbb}"
	"table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}"
	"th,td{border:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top}"
	"th{background:#eee}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	".figs{display:flex;flex-wrap:wrap;gap:12px}.fig{border:1px solid #bbb;padding:8px 14px}"
	".fig b{display:block;font-size:22px}svg{font-size:11px}"
	"svg text{fill:#222}.chart{page-break-inside:avoid;break-inside:avoid}"
	"@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}"
	"table{page-break-inside:auto}tr{page-break-inside:avoid}}";

static guint64 num(const char *s)
{
	return g_ascii_strtoull(s, NULL, 10);
}

static guint64 table_total(const rp_table *t, const char *key)
{
	guint r;

	for (r = 0; t && r < t->rows->len; r++) {
		char **row = g_ptr_array_index(t->rows, r);

		if (strcmp(row[0], key) == 0)
			return num(row[1]);
	}
	return 0;
}

/* ---------------------------------------------------------------- charts */

typedef struct series {
	GPtrArray *days, *dets; /* chart's detectors: top MAX_SERIES, then "other" */
	guint64 *v;             /* v[day * ndets + det] */
	guint64 total, max_day;
} series;

static int by_total_desc(gconstpointer a, gconstpointer b, gpointer ud)
{
	const guint64 *tot = ud;
	guint x = *(const guint *)a, y = *(const guint *)b;

	return tot[x] != tot[y] ? (tot[x] < tot[y] ? 1 : -1) : (int)x - (int)y;
}

static void series_build(rp_agg *a, series *s)
{
	GPtrArray *dets;
	guint64 *counts, *tot;
	guint i, j, nd, keep, *order;

	rp_agg_daily(a, &s->days, &dets, &counts);
	nd = dets->len;
	tot = g_new0(guint64, nd + 1);
	order = g_new0(guint, nd + 1);
	for (j = 0; j < nd; j++) {
		order[j] = j;
		for (i = 0; i < s->days->len; i++)
			tot[j] += counts[i * nd + j];
	}
	g_qsort_with_data(order, (gint)nd, sizeof(guint), by_total_desc, tot);
	keep = MIN(nd, MAX_SERIES);
	s->dets = g_ptr_array_new_with_free_func(g_free);
	for (j = 0; j < keep; j++)
		g_ptr_array_add(s->dets, g_strdup(g_ptr_array_index(dets, order[j])));
	if (nd > keep)
		g_ptr_array_add(s->dets, g_strdup("other"));
	s->v = g_new0(guint64, s->days->len * s->dets->len + 1);
	s->total = s->max_day = 0;
	for (i = 0; i < s->days->len; i++) {
		guint64 day = 0;

		for (j = 0; j < nd; j++) {
			guint k = 0;

			while (k < keep && order[k] != j)
				k++;
			s->v[i * s->dets->len + MIN(k, keep)] += counts[i * nd + j];
			day += counts[i * nd + j];
		}
		s->total += day;
		s->max_day = MAX(s->max_day, day);
	}
	g_ptr_array_free(dets, TRUE);
	g_free(counts);
	g_free(tot);
	g_free(order);
}

static void series_clear(series *s)
{
	g_ptr_array_free(s->days, TRUE);
	g_ptr_array_free(s->dets, TRUE);
	g_free(s->v);
}

static void legend(GString *out, const series *s, rp_lang lang, int y)
{
	guint j;
	int x = 60;

	for (j = 0; j < s->dets->len; j++) {
		const char *d = g_ptr_array_index(s->dets, j);

		g_string_append_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
				       "fill=\"%s\"/><text x=\"%d\" y=\"%d\">", x, y,
				       palette[MIN(j, G_N_ELEMENTS(palette) - 1)], x + 14, y + 9);
		esc(out, rp_label(lang, d));
		g_string_append(out, "</text>");
		x += 28 + 7 * (int)MIN(g_utf8_strlen(rp_label(lang, d), -1) * 2, 40);
		if (x > CHART_W - 150) {
			x = 60;
			y += 16;
		}
	}
}

/* Stacked bars: one per day, one colour per detector. */
static void daily_chart(GString *out, rp_agg *a, rp_lang lang)
{
	series s;
	guint i, j, nd;
	int ph = 220, top = 20, left = 60, pw = CHART_W - 80, h;
	double bw, scale;
	guint step;

	series_build(a, &s);
	nd = s.dets->len;
	h = top + ph + 40 + 16 * (int)(1 + nd / 5);
	bw = s.days->len ? (double)pw / s.days->len : pw;
	scale = s.max_day ? (double)ph / (double)s.max_day : 0;
	g_string_append_printf(out, "<svg class=\"chart\" id=\"chart-daily\" data-total=\"%"
			       G_GUINT64_FORMAT "\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
			       "role=\"img\" xmlns=\"http://www.w3.org/2000/svg\"><title>",
			       s.total, CHART_W, h, CHART_W, h);
	esc(out, rp_label(lang, "chart_daily"));
	g_string_append_printf(out, "</title><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			       "stroke=\"#888\"/><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%"
			       G_GUINT64_FORMAT "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">0"
			       "</text>", left, top + ph, left + pw, top + ph, left - 4, top + 4,
			       s.max_day, left - 4, top + ph);
	step = s.days->len > 15 ? (s.days->len + 14) / 15 : 1;
	for (i = 0; i < s.days->len; i++) {
		const char *day = g_ptr_array_index(s.days, i);
		double y = top + ph;

		for (j = 0; j < nd; j++) {
			guint64 v = s.v[i * nd + j];
			double bh = v * scale;

			if (!v)
				continue;
			y -= bh;
			g_string_append_printf(out, "<rect class=\"bar\" data-day=\"%s\" data-detector=\"",
					       day);
			esc(out, g_ptr_array_index(s.dets, j));
			g_string_append_printf(out, "\" data-value=\"%" G_GUINT64_FORMAT "\" x=\"%.1f\" "
					       "y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
					       "<title>%s ", v, left + i * bw + bw * 0.1, y, bw * 0.8,
					       bh, palette[MIN(j, G_N_ELEMENTS(palette) - 1)], day);
			esc(out, rp_label(lang, g_ptr_array_index(s.dets, j)));
			g_string_append_printf(out, ": %" G_GUINT64_FORMAT "</title></rect>", v);
		}
		if (i % step == 0)
			g_string_append_printf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
					       "%.5s</text>", left + i * bw + bw / 2, top + ph + 14,
					       strlen(day) >= 10 ? day + 5 : day);
	}
	legend(out, &s, lang, top + ph + 26);
	g_string_append(out, "</svg>\n");
	series_clear(&s);
}

/* Horizontal bars from rows of a table: label column kc, value column vc. */
static void hbar_chart(GString *out, const char *id, const char *title, rp_lang lang,
		       char **keys, const guint64 *vals, guint n, bool label_keys)
{
	guint64 max = 0, total = 0;
	guint i;
	int row = 20, left = 260, pw = CHART_W - left - 80, h = 10 + row * (int)MAX(n, 1);

	for (i = 0; i < n; i++) {
		max = MAX(max, vals[i]);
		total += vals[i];
	}
	g_string_append_printf(out, "<svg class=\"chart\" id=\"%s\" data-total=\"%" G_GUINT64_FORMAT
			       "\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
			       "xmlns=\"http://www.w3.org/2000/svg\"><title>", id, total, CHART_W, h,
			       CHART_W, h);
	esc(out, title);
	g_string_append(out, "</title>");
	for (i = 0; i < n; i++) {
		double w = max ? (double)vals[i] * pw / (double)max : 0;
		int y = 5 + row * (int)i;

		g_string_append_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left - 6,
				       y + 13);
		esc(out, label_keys ? rp_label(lang, keys[i]) : keys[i]);
		g_string_append(out, "</text><rect class=\"bar\" data-key=\"");
		esc(out, keys[i]);
		g_string_append_printf(out, "\" data-value=\"%" G_GUINT64_FORMAT "\" x=\"%d\" y=\"%d\" "
				       "width=\"%.1f\" height=\"14\" fill=\"%s\"/><text x=\"%.1f\" "
				       "y=\"%d\">%" G_GUINT64_FORMAT "</text>", vals[i], left, y, w,
				       palette[0], left + w + 4, y + 12, vals[i]);
	}
	g_string_append(out, "</svg>\n");
}

/* A chart of a table's rows: keys from column kc, values from column vc; rows with
 * a zero value left out; at most limit rows, ordered by that value. */
static void table_chart(GString *out, const rp_table *t, int kc, int vc, const char *id,
			const char *title, rp_lang lang, guint limit, bool label_keys)
{
	guint n = t ? t->rows->len : 0, i, k = 0;
	char **keys = g_new0(char *, n + 1);
	guint64 *vals = g_new0(guint64, n + 1);

	for (i = 0; i < n; i++) {
		char **row = g_ptr_array_index(t->rows, i);

		if (num(row[vc]) == 0)
			continue;
		if (row[0][0] == '(')
			continue; /* "(+N)": rows left out */
		keys[k] = row[kc];
		vals[k++] = num(row[vc]);
	}
	/* insertion sort by value, descending (tables are small) */
	for (i = 1; i < k; i++)
		for (guint j = i; j > 0 && vals[j] > vals[j - 1]; j--) {
			guint64 tv = vals[j];
			char *tk = keys[j];

			vals[j] = vals[j - 1];
			keys[j] = keys[j - 1];
			vals[j - 1] = tv;
			keys[j - 1] = tk;
		}
	hbar_chart(out, id, title, lang, keys, vals, MIN(k, limit), label_keys);
	g_free(keys);
	g_free(vals);
}

/* ---------------------------------------------------------------- tables */

static void html_table(GString *out, const rp_table *t, rp_lang lang)
{
	guint r;
	int c;
	bool words = strcmp(t->id, "totals") == 0 || strcmp(t->id, "by_action") == 0 ||
		     strcmp(t->id, "by_detector") == 0;

	g_string_append_printf(out, "<h2>");
	esc(out, rp_label(lang, t->id));
	g_string_append_printf(out, "</h2>\n<table id=\"table-%s\"><thead><tr>", t->id);
	for (c = 0; c < t->ncols; c++) {
		g_string_append_printf(out, "<th data-col=\"%s\">", t->cols[c]);
		esc(out, rp_label(lang, t->cols[c]));
		g_string_append(out, "</th>");
	}
	g_string_append(out, "</tr></thead><tbody>");
	for (r = 0; r < t->rows->len; r++) {
		char **row = g_ptr_array_index(t->rows, r);

		g_string_append(out, "<tr>");
		for (c = 0; c < t->ncols; c++) {
			g_string_append_printf(out, "<td%s data-col=\"%s\">",
					       t->numeric[c] ? " class=\"n\"" : "", t->cols[c]);
			if (c == 0 && words && strcmp(rp_label(lang, row[0]), row[0]) != 0) {
				esc(out, rp_label(lang, row[0]));
				g_string_append(out, " <small>(");
				esc(out, row[0]);
				g_string_append(out, ")</small>");
			} else
				esc(out, row[c]);
			g_string_append(out, "</td>");
		}
		g_string_append(out, "</tr>");
	}
	if (!t->rows->len)
		g_string_append_printf(out, "<tr><td colspan=\"%d\">%s</td></tr>", t->ncols,
				       rp_label(lang, "none"));
	g_string_append(out, "</tbody></table>\n");
}

static void figures(GString *out, const rp_table *tot, rp_lang lang)
{
	static const char *const keys[] = {"messages", "with_findings", "findings", "modified",
					   "rejected", "corrupt_lines"};
	size_t i;

	g_string_append(out, "<div class=\"figs\">");
	for (i = 0; i < G_N_ELEMENTS(keys); i++) {
		g_string_append_printf(out, "<div class=\"fig\" id=\"fig-%s\"><b>%" G_GUINT64_FORMAT
				       "</b>", keys[i], table_total(tot, keys[i]));
		esc(out, rp_label(lang, keys[i]));
		g_string_append(out, "</div>");
	}
	g_string_append(out, "</div>\n");
}

static void header(GString *out, const rp_opts *o, const char *range)
{
	rp_lang lang = o->lang;
	GDateTime *now = g_date_time_new_now_local();
	char *gen = g_date_time_format(now, "%Y-%m-%d %H:%M %:z");

	g_string_append_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
			       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
			       "'none'; style-src 'unsafe-inline'\"><meta name=\"viewport\" "
			       "content=\"width=device-width\"><title>",
			       lang == RP_LANG_JA ? "ja" : "en");
	esc(out, rp_label(lang, "report_title"));
	g_string_append_printf(out, "</title><style>%s</style></head><body>\n<h1>", STYLE);
	esc(out, rp_label(lang, "report_title"));
	g_string_append(out, "</h1>\n<p>");
	esc(out, rp_label(lang, "range"));
	g_string_append(out, ": <span id=\"range\">");
	esc(out, range);
	g_string_append(out, "</span>");
	if (o->sender || o->detector) {
		g_string_append(out, " &middot; ");
		esc(out, o->sender ? o->sender : "");
		g_string_append(out, o->sender && o->detector ? " " : "");
		esc(out, o->detector ? o->detector : "");
	}
	g_string_append(out, " &middot; ");
	esc(out, rp_label(lang, "generated"));
	g_string_append_printf(out, ": %s</p>\n", gen);
	g_free(gen);
	g_date_time_unref(now);
}

void rp_out_html(GString *out, rp_agg *a, const GPtrArray *tables, const rp_opts *o)
{
	rp_lang lang = o->lang;
	const rp_table *tot = rp_table_find(tables, "totals");
	const rp_table *per = rp_table_find(tables, "by_period");
	char *range = g_strdup_printf("%s - %s", o->from ? o->from : per && per->rows->len ?
				      ((char **)g_ptr_array_index(per->rows, 0))[0] : "-",
				      o->to ? o->to : per && per->rows->len ?
				      ((char **)g_ptr_array_index(per->rows, per->rows->len - 1))[0] : "-");
	guint i;

	header(out, o, range);
	figures(out, tot, lang);
	g_string_append(out, "<h2>");
	esc(out, rp_label(lang, "chart_daily"));
	g_string_append(out, "</h2>\n");
	daily_chart(out, a, lang);
	g_string_append(out, "<h2>");
	esc(out, rp_label(lang, "chart_actions"));
	g_string_append(out, "</h2>\n");
	table_chart(out, rp_table_find(tables, "by_action"), 0, 1, "chart-actions",
		    rp_label(lang, "chart_actions"), lang, 20, true);
	g_string_append(out, "<h2>");
	esc(out, rp_label(lang, "chart_senders"));
	g_string_append(out, "</h2>\n");
	table_chart(out, rp_table_find(tables, "top_senders"), 1, 2, "chart-senders",
		    rp_label(lang, "chart_senders"), lang, o->top, false);
	g_string_append(out, "<h2>");
	esc(out, rp_label(lang, "chart_domains"));
	g_string_append(out, "</h2>\n");
	table_chart(out, rp_table_find(tables, "by_domain"), 0, 3, "chart-domains",
		    rp_label(lang, "chart_domains"), lang, o->top, false);
	for (i = 0; i < tables->len; i++)
		html_table(out, g_ptr_array_index(tables, i), lang);
	g_string_append(out, "</body></html>\n");
	g_free(range);
}
