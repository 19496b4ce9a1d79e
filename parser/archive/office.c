/*
 * office.c - Office Open XML text (office.h).  Not an XML parser: a tag
 * scanner that keeps character data, turns paragraph ends into line breaks,
 * a Word table's rows into lines with a tab between cells, and decodes
 * entities; for xlsx it also reads each worksheet's
 * rows and cells (A1 references, shared-string indexes, inline strings) and
 * writes them as a tab-separated table.
 *
 * Untrusted input: the members' XML.  Limits: the members are bounded by the
 * archive limits before they get here; a table has at most XLSX_MAX_COLS
 * columns (cells further right are left to the plain text reading), shared
 * string indexes are checked against the list, every loop advances.
 * Ownership: sm_xlsx copies what it keeps; returned text is g_free'd.
 */
#include "office.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define XLSX_MAX_COLS 256

static const char *const para_tags[] = {"p", "br", "cr", "tab", "si", "c", "tc", "tr", "row",
					"txbody", "sp", NULL};

/* Local name of the tag starting after '<' (and '/'), lower-cased, into buf. */
static void local_name(const char *p, const char *e, char *buf, size_t len)
{
	const char *s = p, *colon = NULL;
	size_t n;

	while (p < e && *p != '>' && *p != ' ' && *p != '/' && *p != '\t' && *p != '\n') {
		if (*p == ':')
			colon = p;
		p++;
	}
	if (colon)
		s = colon + 1;
	n = (size_t)(p - s) < len - 1 ? (size_t)(p - s) : len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (n = 0; buf[n]; n++)
		buf[n] = g_ascii_tolower(buf[n]);
}

static bool is_para(const char *name)
{
	const char *const *t;

	for (t = para_tags; *t; t++)
		if (strcmp(*t, name) == 0)
			return true;
	return false;
}

static const char *entity(const char *p, const char *e, GString *out)
{
	static const char *const names[][2] = {{"amp;", "&"}, {"lt;", "<"}, {"gt;", ">"},
					       {"quot;", "\""}, {"apos;", "'"}, {"nbsp;", " "}};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		size_t n = strlen(names[i][0]);

		if ((size_t)(e - p) >= n && memcmp(p, names[i][0], n) == 0) {
			g_string_append(out, names[i][1]);
			return p + n;
		}
	}
	if (p < e && *p == '#') {
		char *end;
		gulong c = p + 1 < e && (p[1] == 'x' || p[1] == 'X') ? strtoul(p + 2, &end, 16)
								     : strtoul(p + 1, &end, 10);

		if (end < e && *end == ';' && c > 0 && c < 0x110000 && g_unichar_validate(c)) {
			g_string_append_unichar(out, (gunichar)c);
			return end + 1;
		}
	}
	g_string_append_c(out, '&');
	return p;
}

/* The next tag at or after p: its local name (lower case), whether it closes
 * or closes itself, its attributes [*as, *ae); returns the byte after '>' or
 * NULL.  Character data before it goes to text when text is not NULL. */
static const char *next_tag(const char *p, const char *e, char *name, size_t nlen, bool *closing,
			    bool *empty, const char **as, const char **ae, GString *text)
{
	const char *lt = memchr(p, '<', (size_t)(e - p)), *gt;

	if (text) {
		for (const char *c = p; c < (lt ? lt : e);) {
			if (*c == '&')
				c = entity(c + 1, lt ? lt : e, text);
			else
				g_string_append_c(text, *c++);
		}
	}
	if (!lt || !(gt = memchr(lt, '>', (size_t)(e - lt))))
		return NULL;
	*closing = lt + 1 < gt && lt[1] == '/';
	*empty = gt[-1] == '/';
	local_name(lt + 1 + *closing, gt, name, nlen);
	*as = lt + 1;
	*ae = gt;
	return gt + 1;
}

char *sm_office_text(const char *x, size_t len, size_t *outlen)
{
	GString *out = g_string_sized_new(len / 2);
	const char *p = x, *e = x ? x + len : x; /* an empty member may have no buffer */

	unsigned cells = 0, in_cell = 0; /* a Word table: cells of the row, inside a cell */

	while (p && p < e) {
		char name[16];
		bool closing, empty;
		const char *as, *ae;

		p = next_tag(p, e, name, sizeof(name), &closing, &empty, &as, &ae, out);
		if (!p)
			break;
		if (strcmp(name, "tc") == 0 && !empty) {
			/* a row on one line, a tab between its cells: as the text
			 * rendering of a table reads, so that a label cell and its
			 * value cell stay side by side */
			if (!closing && cells++ > 0)
				g_string_append_c(out, '\t');
			in_cell = closing ? 0 : 1;
		} else if (strcmp(name, "tr") == 0) {
			if (closing)
				g_string_append_c(out, '\n');
			cells = in_cell = 0;
		} else if (is_para(name) && (closing || empty || strcmp(name, "tab") == 0))
			g_string_append_c(out, strcmp(name, "tab") == 0 || in_cell ? ' ' : '\n');
	}
	*outlen = out->len;
	return g_string_free(out, FALSE);
}

/* ------------------------------------------------------------ xlsx tables */

struct sm_xlsx {
	GPtrArray *strings; /* char*: the shared strings, in order */
	GPtrArray *sheets;  /* GBytes*: worksheet XML */
	GPtrArray *names;   /* char*: their member names */
};

sm_xlsx *sm_xlsx_new(void)
{
	sm_xlsx *x = g_new0(sm_xlsx, 1);

	x->strings = g_ptr_array_new_with_free_func(g_free);
	x->sheets = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	x->names = g_ptr_array_new_with_free_func(g_free);
	return x;
}

void sm_xlsx_free(sm_xlsx *x)
{
	if (!x)
		return;
	g_ptr_array_free(x->strings, TRUE);
	g_ptr_array_free(x->sheets, TRUE);
	g_ptr_array_free(x->names, TRUE);
	g_free(x);
}

/* The value of attribute `at` (e.g. " r=") in [as, ae), into buf. */
static bool attr(const char *as, const char *ae, const char *at, char *buf, size_t len)
{
	size_t al = strlen(at), n;
	const char *v, *q;

	for (v = as; v + al + 1 < ae; v++)
		if (memcmp(v, at, al) == 0 && (v[al] == '"' || v[al] == '\'')) {
			q = memchr(v + al + 1, v[al], (size_t)(ae - v - al - 1));
			if (!q)
				return false;
			n = (size_t)(q - v - al - 1) < len - 1 ? (size_t)(q - v - al - 1) : len - 1;
			memcpy(buf, v + al + 1, n);
			buf[n] = '\0';
			return true;
		}
	return false;
}

static void add_strings(sm_xlsx *x, const char *p, const char *e)
{
	GString *s = NULL;
	bool in_t = false;

	while (p && p < e) {
		char name[16];
		bool closing, empty;
		const char *as, *ae;

		p = next_tag(p, e, name, sizeof(name), &closing, &empty, &as, &ae, in_t ? s : NULL);
		if (!p)
			break;
		if (strcmp(name, "si") == 0 && !closing) {
			if (s)
				g_ptr_array_add(x->strings, g_string_free(s, FALSE));
			s = g_string_new(NULL);
			if (empty) {
				g_ptr_array_add(x->strings, g_string_free(s, FALSE));
				s = NULL;
			}
		} else if (strcmp(name, "si") == 0 && s) {
			g_ptr_array_add(x->strings, g_string_free(s, FALSE));
			s = NULL;
		} else if (strcmp(name, "t") == 0 && s)
			in_t = !closing && !empty;
	}
	if (s)
		g_ptr_array_add(x->strings, g_string_free(s, FALSE));
}

void sm_xlsx_add(sm_xlsx *x, const char *name, const uint8_t *d, size_t n)
{
	if (!name || !d)
		return;
	if (strcmp(name, "xl/sharedStrings.xml") == 0)
		add_strings(x, (const char *)d, (const char *)d + n);
	else if (g_str_has_prefix(name, "xl/worksheets/") && g_str_has_suffix(name, ".xml") &&
		 !strchr(name + 14, '/')) {
		g_ptr_array_add(x->sheets, g_bytes_new(d, n));
		g_ptr_array_add(x->names, g_strdup(name));
	}
}

guint sm_xlsx_sheets(const sm_xlsx *x)
{
	return x->sheets->len;
}

/* Column of an A1 reference (A = 0), or -1. */
static int column_of(const char *ref)
{
	int c = 0, n = 0;

	for (; *ref >= 'A' && *ref <= 'Z' && n < 3; ref++, n++)
		c = c * 26 + (*ref - 'A' + 1);
	return n ? c - 1 : -1;
}

/* One cell's text into the row: cells separated by tabs, empty cells up to
 * its column first. */
static void put_cell(const sm_xlsx *x, GString *row, int *col, int want, const char *type,
		     const char *v)
{
	if (want < *col)
		want = *col; /* no reference, or out of order: the next column */
	if (want >= XLSX_MAX_COLS)
		return;
	for (; *col <= want; (*col)++)
		if (*col > 0)
			g_string_append_c(row, '\t');
	if (strcmp(type, "s") == 0) {
		char *end;
		unsigned long i = strtoul(v, &end, 10);

		if (end != v && i < x->strings->len)
			g_string_append(row, g_ptr_array_index(x->strings, i));
	} else
		g_string_append(row, v);
}

char *sm_xlsx_table(const sm_xlsx *x, guint i, size_t *outlen, const char **name)
{
	GBytes *b = g_ptr_array_index(x->sheets, i);
	gsize n;
	const char *p = g_bytes_get_data(b, &n), *e = p + n;
	GString *out = g_string_sized_new(n / 4), *val = g_string_new(NULL), *row = g_string_new(NULL);
	char type[8] = "", ref[16] = "";
	int col = 0;
	bool in_v = false;

	*name = g_ptr_array_index(x->names, i);
	while (p && p < e) {
		char tag[16];
		bool closing, empty;
		const char *as, *ae;

		p = next_tag(p, e, tag, sizeof(tag), &closing, &empty, &as, &ae, in_v ? val : NULL);
		if (!p)
			break;
		if (strcmp(tag, "row") == 0 && (closing || empty)) {
			g_string_append_len(out, row->str, (gssize)row->len);
			g_string_append_c(out, '\n');
			g_string_truncate(row, 0);
			col = 0;
		} else if (strcmp(tag, "c") == 0 && !closing) {
			if (!attr(as, ae, " t=", type, sizeof(type)))
				type[0] = '\0';
			if (!attr(as, ae, " r=", ref, sizeof(ref)))
				ref[0] = '\0';
			g_string_truncate(val, 0);
			if (empty)
				put_cell(x, row, &col, column_of(ref), type, "");
		} else if (strcmp(tag, "c") == 0) {
			put_cell(x, row, &col, column_of(ref), type, val->str);
		} else if (strcmp(tag, "v") == 0 || strcmp(tag, "t") == 0)
			in_v = !closing && !empty;
	}
	g_string_append_len(out, row->str, (gssize)row->len);
	g_string_free(val, TRUE);
	g_string_free(row, TRUE);
	*outlen = out->len;
	return g_string_free(out, FALSE);
}
