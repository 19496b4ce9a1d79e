/*
 * output.c - the report's tables as text for a terminal, CSV or JSON.
 *
 * Cells come from audit logs (senders, replies: untrusted): the table makes
 * them printable and cuts long ones; CSV quotes per RFC 4180 and defuses
 * cells a spreadsheet would run as a formula (a leading = + - @ gets a
 * quote mark); JSON goes through the project's writer (escaped, valid UTF-8).
 */
#include "report.h"
#include "sm_json.h"

#include <string.h>

#define CELL_MAX 80 /* display columns of one table cell */

/* The cell as shown: valid UTF-8, controls as '?', at most CELL_MAX columns. */
static char *cell_text(const char *s, unsigned *width)
{
	char *v = g_utf8_make_valid(s ? s : "", -1);
	GString *g = g_string_sized_new(strlen(v));
	const char *p;
	unsigned w = 0;

	for (p = v; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		unsigned cw = g_unichar_iswide(c) ? 2 : 1;

		if (w + cw > CELL_MAX - 3 && g_utf8_strlen(p, -1) > 1) {
			g_string_append(g, "...");
			w += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
			g_string_append_c(g, '?');
		else
			g_string_append_unichar(g, c);
		w += cw;
	}
	g_free(v);
	*width = w;
	return g_string_free(g, FALSE);
}

static void pad(GString *out, unsigned n)
{
	while (n--)
		g_string_append_c(out, ' ');
}

static const char *cell_label(rp_lang lang, const rp_table *t, int col, const char *v)
{
	/* keys that are ids of ours read better in words */
	if (col == 0 && strcmp(t->id, "totals") == 0)
		return rp_label(lang, v);
	return v;
}

static void one_table(GString *out, const rp_table *t, rp_lang lang)
{
	unsigned w[RP_MAX_COLS] = {0}, *sw;
	char **shown;
	guint r, n = t->rows->len, cells = (n + 1) * (guint)t->ncols;
	int c;

	shown = g_new0(char *, cells);
	sw = g_new0(unsigned, cells);
	for (c = 0; c < t->ncols; c++) {
		shown[c] = cell_text(rp_label(lang, t->cols[c]), &sw[c]);
		w[c] = sw[c];
		for (r = 0; r < n; r++) {
			char **row = g_ptr_array_index(t->rows, r);
			guint k = (r + 1) * t->ncols + c;

			shown[k] = cell_text(cell_label(lang, t, c, row[c]), &sw[k]);
			w[c] = MAX(w[c], sw[k]);
		}
	}
	g_string_append_printf(out, "%s\n", rp_label(lang, t->id));
	for (r = 0; r <= n; r++) {
		g_string_append(out, "  ");
		for (c = 0; c < t->ncols; c++) {
			guint k = r * t->ncols + c;
			bool right = t->numeric[c] && r > 0;

			if (right)
				pad(out, w[c] - sw[k]);
			g_string_append(out, shown[k]);
			if (c + 1 < t->ncols)
				pad(out, (right ? 0 : w[c] - sw[k]) + 2);
		}
		g_string_append_c(out, '\n');
	}
	if (!n)
		g_string_append_printf(out, "  %s\n", rp_label(lang, "none"));
	g_string_append_c(out, '\n');
	for (r = 0; r < cells; r++)
		g_free(shown[r]);
	g_free(shown);
	g_free(sw);
}

void rp_out_table(GString *out, const GPtrArray *tables, rp_lang lang)
{
	guint i;

	for (i = 0; i < tables->len; i++)
		one_table(out, g_ptr_array_index(tables, i), lang);
}

static void csv_cell(GString *out, const char *s)
{
	char *v = g_utf8_make_valid(s ? s : "", -1);
	bool formula = strchr("=+-@\t\r", v[0]) && v[0];
	bool quote = formula || strpbrk(v, ",\"\r\n") != NULL;
	const char *p;

	if (quote)
		g_string_append_c(out, '"');
	if (formula)
		g_string_append_c(out, '\'');
	for (p = v; *p; p++) {
		if (*p == '"')
			g_string_append_c(out, '"');
		g_string_append_c(out, *p);
	}
	if (quote)
		g_string_append_c(out, '"');
	g_free(v);
}

/* Each table: a header row, then its rows; the first column names the table. */
void rp_out_csv(GString *out, const GPtrArray *tables, rp_lang lang)
{
	guint i, r;
	int c;

	for (i = 0; i < tables->len; i++) {
		const rp_table *t = g_ptr_array_index(tables, i);

		g_string_append(out, lang == RP_LANG_JA ? "表" : "section");
		for (c = 0; c < t->ncols; c++) {
			g_string_append_c(out, ',');
			csv_cell(out, rp_label(lang, t->cols[c]));
		}
		g_string_append(out, "\r\n");
		for (r = 0; r < t->rows->len; r++) {
			char **row = g_ptr_array_index(t->rows, r);

			g_string_append(out, t->id);
			for (c = 0; c < t->ncols; c++) {
				g_string_append_c(out, ',');
				csv_cell(out, row[c]);
			}
			g_string_append(out, "\r\n");
		}
	}
}

/* {"report":1,"totals":{item:value...},"by_period":[{col:value...}...],...} */
void rp_out_json(GString *out, const GPtrArray *tables)
{
	sm_json j;
	guint i, r;
	int c;
	char *s;

	sm_json_init(&j);
	sm_json_obj_begin(&j);
	sm_json_kint(&j, "report", 1);
	for (i = 0; i < tables->len; i++) {
		const rp_table *t = g_ptr_array_index(tables, i);
		bool totals = strcmp(t->id, "totals") == 0;

		sm_json_key(&j, t->id);
		if (totals)
			sm_json_obj_begin(&j);
		else
			sm_json_arr_begin(&j);
		for (r = 0; r < t->rows->len; r++) {
			char **row = g_ptr_array_index(t->rows, r);

			if (totals) {
				sm_json_kint(&j, row[0], g_ascii_strtoll(row[1], NULL, 10));
				continue;
			}
			sm_json_obj_begin(&j);
			for (c = 0; c < t->ncols; c++) {
				if (t->numeric[c] && g_ascii_isdigit(row[c][0]))
					sm_json_kint(&j, t->cols[c], g_ascii_strtoll(row[c], NULL, 10));
				else
					sm_json_kstr(&j, t->cols[c], row[c]);
			}
			sm_json_obj_end(&j);
		}
		if (totals)
			sm_json_obj_end(&j);
		else
			sm_json_arr_end(&j);
	}
	sm_json_obj_end(&j);
	s = sm_json_finish(&j);
	g_string_append(out, s);
	g_string_append_c(out, '\n');
	g_free(s);
}
