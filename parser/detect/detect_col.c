/*
 * detect_col.c - password values in a table column whose header cell is a
 * password keyword: CSV and TSV (attachments, pasted text), Markdown tables
 * and HTML tables (the view has a tab at every cell tag and a line per row).
 *
 *     ホスト名,ユーザー名,パスワード          | user | password |
 *     srv01,admin,Xk9#mP2qLz                  |------|----------|
 *                                             | svc  | Qw7!rT5y |
 *
 * The keyword (or a key holding it: login_password) must be a whole cell
 * (trimmed, unquoted) with a delimiter (',' ';' '|' tab, or two spaces for
 * columns aligned with spaces) beside it and a non-empty cell before it (a keyword in
 * the first column labels a row of a two-column table, not a column).  Each following row gives the cell in the
 * keyword's column; a value is what the password detector would take after
 * "keyword:" with no quotes (one token, not a placeholder or prose word, not
 * a label).  Rows end at a line without the delimiter, or two blank lines
 * (a single blank line between rows is allowed: HTML paragraphs come out
 * that way).  Double quotes protect delimiters in CSV.
 *
 * Untrusted input: the view.  Limits: COL_LINE_MAX bytes of a header line
 * (longer lines are not tables), COL_ROWS_MAX rows per header, and the
 * caller's budget of bytes read by all column scans of a view (so that a
 * header in every row cannot make the scan quadratic).
 */
#include "detect_int.h"

#define COL_ROWS_MAX 1000
#define COL_LINE_MAX 4096

static bool is_delim(char c)
{
	return c == ',' || c == '\t' || c == '|' || c == ';';
}

/* End of the cell starting at p in [p, le): the next delimiter d outside
 * double quotes, or le. */
static size_t cell_end(const char *t, size_t p, size_t le, char d)
{
	bool q = false;

	if (d == 'S') { /* columns aligned with spaces: a run of two or more ends a cell */
		while (p < le && t[p] == ' ')
			p++;
		for (; p < le && t[p] != '\t' && !(t[p] == ' ' && p + 1 < le && t[p + 1] == ' '); p++)
			;
		return p;
	}
	for (; p < le && (q || t[p] != d); p++)
		if (t[p] == '"')
			q = !q;
	return p;
}

/* Cell k of the line [ls, le) split at d, trimmed and unquoted, into [*s, *e);
 * false if the line has fewer cells. */
static bool cell(const char *t, size_t ls, size_t le, char d, unsigned k, size_t *s, size_t *e)
{
	size_t p = ls;

	for (unsigned i = 0; i < k; i++) {
		p = cell_end(t, p, le, d);
		if (p >= le)
			return false;
		p++;
	}
	*e = cell_end(t, p, le, d);
	while (p < *e && (t[p] == ' ' || t[p] == '\t'))
		p++;
	while (*e > p && (t[*e - 1] == ' ' || t[*e - 1] == '\t' || t[*e - 1] == '\r'))
		(*e)--;
	if (*e - p >= 2 && t[p] == '"' && t[*e - 1] == '"')
		p++, (*e)--;
	*s = p;
	return true;
}

/* Two spaces (or the line's edge) each side of [ks, ke), and other cells on
 * the line: a header of columns aligned with spaces ("Host    User    Password"). */
static bool aligned(const char *t, size_t ls, size_t le, size_t ks, size_t ke)
{
	bool left = ks == ls || (ks - ls >= 2 && t[ks - 1] == ' ' && t[ks - 2] == ' ');
	bool right = ke >= le || t[ke] == '\r' ||
		     (le - ke >= 2 && t[ke] == ' ' && t[ke + 1] == ' ');

	return left && right && (ks > ls || ke < le) && memmem(t + ls, le - ls, "  ", 2);
}

/* A cell delimiter of the row [rs, re). */
static bool has_delim(const char *t, size_t rs, size_t re, char d)
{
	return d == 'S' ? memmem(t + rs, re - rs, "  ", 2) != NULL : memchr(t + rs, d, re - rs) != NULL;
}

/* The delimiter beside the header cell [ks, ke) of the line [ls, le), or 0
 * ('S' for columns aligned with spaces). */
static char header_delim(const char *t, size_t ls, size_t le, size_t ks, size_t ke)
{
	size_t l = ks, r = ke;
	char dl = 0, dr = 0;

	while (l > ls && (t[l - 1] == ' ' || t[l - 1] == '"'))
		l--;
	while (r < le && (t[r] == ' ' || t[r] == '"' || t[r] == '\r'))
		r++;
	if (l > ls)
		dl = is_delim(t[l - 1]) ? t[l - 1] : 1;
	if (r < le)
		dr = is_delim(t[r]) ? t[r] : 1;
	if (dl == 1 || dr == 1 || (dl && dr && dl != dr))
		return aligned(t, ls, le, ks, ke) ? 'S' : 0; /* text beside: not a cell */
	return dl ? dl : dr;
}

/* A Markdown separator row: only '-', ':', '|' and blanks. */
static bool rule_row(const char *t, size_t s, size_t e)
{
	bool dash = false;

	for (; s < e; s++) {
		if (t[s] == '-')
			dash = true;
		else if (t[s] != ':' && t[s] != '|' && t[s] != ' ' && t[s] != '\t' && t[s] != '\r')
			return false;
	}
	return dash;
}

static bool blank(const char *t, size_t s, size_t e)
{
	for (; s < e; s++)
		if (t[s] != ' ' && t[s] != '\t' && t[s] != '\r')
			return false;
	return true;
}

/* Does a non-empty cell stand before the keyword at ks?  A password column
 * has another column before it (user, host); a keyword in the first column
 * labels a row ("パスワード | 別送") and the cells under it are other labels. */
static bool cell_before(const char *t, size_t ls, size_t ks)
{
	for (; ls < ks; ls++)
		if (!is_delim(t[ls]) && t[ls] != ' ' && t[ls] != '"')
			return true;
	return false;
}

void det_password_column(const char *t, size_t len, size_t ks, size_t ke, GArray *spans,
			 size_t *budget)
{
	size_t ls = ks, le = ke, p, s, e;
	unsigned k = 0, rows = 0, blanks = 0;
	/* "Pass" heads test results too: its digits are counts, not PINs */
	bool pass = ke - ks == 4 && g_ascii_strncasecmp(t + ks, "pass", 4) == 0;
	char d;

	while (ks > 0 && (g_ascii_isalnum(t[ks - 1]) || t[ks - 1] == '_'))
		ks--; /* the whole key of a header: login_password */
	while (ke < len && (g_ascii_isalnum(t[ke]) || t[ke] == '_'))
		ke++;
	ls = ks;
	le = ke;
	while (ls > 0 && t[ls - 1] != '\n' && ks - ls < COL_LINE_MAX)
		ls--;
	while (le < len && t[le] != '\n' && le - ke < COL_LINE_MAX)
		le++;
	if ((ls > 0 && t[ls - 1] != '\n') || (le < len && t[le] != '\n') || *budget < le - ls)
		return;
	*budget -= le - ls;
	if (!(d = header_delim(t, ls, le, ks, ke)))
		return;
	for (p = ls; (p = cell_end(t, p, ks, d)) < ks; p++)
		k++; /* the keyword's column */
	if (!cell(t, ls, le, d, k, &s, &e) || s != ks || e != ke)
		return; /* the keyword is not the whole cell */
	if (!cell_before(t, ls, ks))
		return; /* a label in the first column: a table of rows, not columns */
	for (p = le + 1; p < len && rows < COL_ROWS_MAX; rows++) {
		const char *nl = memchr(t + p, '\n', len - p);
		size_t rs = p, re = nl ? (size_t)(nl - t) : len;
		det_span sp;

		p = re + 1;
		if (*budget < re - rs + 1)
			break;
		*budget -= re - rs + 1;
		if (blank(t, rs, re)) {
			if (++blanks > 1) /* one: HTML paragraphs come out that way */
				break;
			continue;
		}
		blanks = 0;
		if (!has_delim(t, rs, re, d))
			break;
		if (rule_row(t, rs, re) || !cell(t, rs, re, d, k, &sp.s, &sp.e))
			continue;
		if (det_password_looks_secret(t, len, sp.s, sp.e) &&
		    !(pass && det_all_digits(t + sp.s, sp.e - sp.s)))
			g_array_append_val(spans, sp);
	}
}
