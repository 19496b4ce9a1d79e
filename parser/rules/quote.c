/*
 * quote.c - the author's new text versus the quoted history (quote.h).
 *
 * Works line by line on a folded view (full-width ':' already ':').  The
 * history starts at the first of:
 *   - a '>' line;
 *   - an Outlook/Thunderbird separator ("-----Original Message-----",
 *     "-----元のメッセージ-----", "---------- Forwarded message ---------"),
 *     Apple's "Begin forwarded message:" / "転送されたメッセージ:";
 *   - an underscore rule followed within RULE_LOOKAHEAD lines by From:/差出人:;
 *   - a bare header block: From:/差出人:/送信者: followed within
 *     HDR_LOOKAHEAD lines by Sent:/Date:/送信日時:/日付:;
 *   - an attribution: "... wrote:", "... さんは書きました:", "...のメール:"
 *     (iPhone / Mac Mail ja), a line ending in "<addr@host>:" (Gmail ja), or
 *     "On ..." / "2024年..." wrapped over two lines;
 *   - for HTML, v->quote_start (blockquote, divRplyFwdMsg, gmail_quote).
 * The new text is the lines before that point and before a signature
 * delimiter ("-- "), minus '>' lines (inline quoting).
 *
 * Untrusted input: the whole view.  Every loop is bounded by v->len; the
 * look-ahead is a fixed number of lines.  Owns nothing beyond the string it
 * returns.
 */
#include "quote.h"

#include <string.h>

#define RULE_LOOKAHEAD 3 /* lines between an underscore rule and its From: */
#define HDR_LOOKAHEAD 5  /* lines between From: and Sent: in a header block */
#define RULE_MIN 10      /* underscores that make a rule */
#define LINE_GUESS 64    /* bytes per line split_lines first makes room for */

typedef enum {
	L_TEXT,
	L_BLANK,
	L_QUOTED,
	L_SEPARATOR,
	L_RULE,
	L_FROM,
	L_SENT,
	L_ATTRIB,
	L_ATTRIB_START,
	L_SIG,
} ltype;

typedef struct line {
	size_t off, len; /* without the '\n' */
	ltype t;
} line;

/* ASCII lower case without a call (g_ascii_tolower is a function). */
static inline unsigned char lc(char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : (unsigned char)c;
}

/* The first two bytes (either case) decide for most lines, before strlen
 * and a call: the same answer as the comparison alone. */
static bool starts_ci(const char *s, size_t n, const char *p)
{
	size_t k;

	if (*p && (n == 0 || lc(*s) != lc(*p)))
		return false;
	if (*p && p[1] && (n < 2 || lc(s[1]) != lc(p[1])))
		return false;
	k = strlen(p);
	return n >= k && g_ascii_strncasecmp(s, p, k) == 0;
}

static bool ends_with(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && (k == 0 || lc(s[n - k]) == lc(*p)) &&
	       g_ascii_strncasecmp(s + n - k, p, k) == 0;
}

static bool contains_ci(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p), i;

	for (i = 0; k <= n && i <= n - k; i++)
		if (g_ascii_strncasecmp(s + i, p, k) == 0)
			return true;
	return false;
}

/* Can a line starting with byte c start with one of from_keys or
 * sent_keys (below: every one starts with F, S, D or a non-ASCII byte)? */
static bool header_first(char c)
{
	unsigned char l = lc(c);

	return l >= 0x80 || l == 'f' || l == 's' || l == 'd';
}

static bool starts_any(const char *s, size_t n, const char *const *l)
{
	if (n == 0)
		return false;
	for (; *l; l++)
		if (lc(*s) == lc(**l) && starts_ci(s, n, *l))
			return true;
	return false;
}

/* Each key starts with a byte header_first() accepts. */
static const char *const from_keys[] = {"From:", "From :", "差出人:", "差出人 :", "送信者:", NULL};
static const char *const sent_keys[] = {"Sent:", "Sent :", "Date:", "送信日時:", "送信日時 :",
					"日付:", "日時:", NULL};
static const char *const sep_words[] = {"Original Message", "元のメッセージ",
					"Forwarded message", "転送メッセージ",
					"転送されたメッセージ", NULL};

static bool is_rule(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != '_')
			return false;
	return n >= RULE_MIN;
}

/* Apple Mail and iPhone forward without dashes: "Begin forwarded message:". */
static const char *const fwd_heads[] = {"Begin forwarded message", "転送されたメッセージ:",
					"転送メッセージ:", NULL};

static bool is_separator(const char *s, size_t n)
{
	const char *const *w;

	if (n && (*s == 'B' || *s == 'b' || (unsigned char)*s == 0xe8) && starts_any(s, n, fwd_heads))
		return true;
	if (n < 2 || !((s[0] == '-' && s[1] == '-') || (s[0] == '=' && s[1] == '='))) /* "--", "==" */
		return false;
	for (w = sep_words; *w; w++)
		if (contains_ci(s, n, *w))
			return true;
	return false;
}

/* "... wrote:", iPhone/Mac Mail ja "2024/12/05 10:15、X <x@y>のメール:", Gmail ja
 * "... <x@y>:", and the other languages' clients customers forward from. */
static const char *const attrib_ends[] = {"wrote:", "writes:", "書きました:", "のメール:",
					  "schrieb:", "écrit :", "écrit:", "escribió:", NULL};

static bool is_attribution(const char *s, size_t n)
{
	const char *const *e;

	if (!n || s[n - 1] != ':') /* every attribution ends with a colon */
		return false;
	for (e = attrib_ends; *e; e++)
		if (ends_with(s, n, *e))
			return true;
	return ends_with(s, n, ">:") && memchr(s, '@', n);
}

/* "On Thu, Dec 5, 2024 ..." or "2024年12月5日(木) ..." / "2024/12/05 ...". */
static bool is_attribution_start(const char *s, size_t n)
{
	size_t i;

	for (i = 3; starts_ci(s, n, "On ") && i < n; i++)
		if (g_ascii_isdigit(s[i]))
			return true;
	return n >= 5 && g_ascii_isdigit(s[0]) && g_ascii_isdigit(s[1]) &&
	       g_ascii_isdigit(s[2]) && g_ascii_isdigit(s[3]) &&
	       (s[4] == '/' || s[4] == '-' || starts_ci(s + 4, n - 4, "年"));
}

static ltype classify(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n == 0)
		return L_BLANK;
	if (*s == '>')
		return L_QUOTED;
	if (n == 2 && s[0] == '-' && s[1] == '-')
		return L_SIG; /* "-- " with its trailing space trimmed */
	while (n && *s == '*') { /* "*From:* ..." from HTML-to-text */
		s++;
		n--;
	}
	if (is_separator(s, n))
		return L_SEPARATOR;
	if (is_rule(s, n))
		return L_RULE;
	if (header_first(*s) && starts_any(s, n, from_keys))
		return L_FROM;
	if (header_first(*s) && starts_any(s, n, sent_keys))
		return L_SENT;
	if (is_attribution(s, n))
		return L_ATTRIB;
	if (is_attribution_start(s, n))
		return L_ATTRIB_START;
	return L_TEXT;
}

/* The view's lines (the array grown by doubling, written in place). */
static GArray *split_lines(const sm_view *v)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(line));
	size_t off = 0, n = 0;

	while (off < v->len) {
		const char *nl = memchr(v->text + off, '\n', v->len - off);
		size_t end = nl ? (size_t)(nl - v->text) : v->len;
		line l = {off, end - off, classify(v->text + off, end - off)}; /* reads [off, end) */

		if (n == a->len) /* first: a line per LINE_GUESS bytes */
			g_array_set_size(a, a->len ? 2 * a->len
						   : MAX(16u, (guint)MIN(v->len / LINE_GUESS, 1u << 20)));
		g_array_index(a, line, n++) = l;
		off = end + 1;
	}
	g_array_set_size(a, (guint)n);
	return a;
}

/* A line of type t within `ahead` lines after i (blank lines not counted). */
static bool followed_by(const GArray *a, size_t i, ltype t, int ahead)
{
	size_t j;

	for (j = i + 1; j < a->len && ahead > 0; j++) {
		ltype u = g_array_index(a, line, j).t;

		if (u == t)
			return true;
		if (u != L_BLANK)
			ahead--;
	}
	return false;
}

/* Does line i begin the quoted history (not counting '>' lines)? */
static bool starts_history(const GArray *a, size_t i)
{
	switch (g_array_index(a, line, i).t) {
	case L_SEPARATOR:
	case L_ATTRIB:
		return true;
	case L_RULE:
		return followed_by(a, i, L_FROM, RULE_LOOKAHEAD);
	case L_FROM:
		return followed_by(a, i, L_SENT, HDR_LOOKAHEAD);
	case L_ATTRIB_START:
		return i + 1 < a->len && g_array_index(a, line, i + 1).t == L_ATTRIB;
	default:
		return false;
	}
}

/* Offsets: where the history starts, and where the new text ends. */
static void split(const sm_view *v, GArray *a, size_t *hist, size_t *cut)
{
	size_t i, first_quoted = v->len, sig = v->len;

	*hist = v->len;
	for (i = 0; i < a->len; i++) {
		const line *l = &g_array_index(a, line, i);

		if (l->t == L_QUOTED && first_quoted == v->len)
			first_quoted = l->off;
		if (l->t == L_SIG && sig == v->len)
			sig = l->off;
		if (starts_history(a, i)) {
			*hist = l->off;
			break;
		}
	}
	if (v->html && v->quote_start < *hist)
		*hist = v->quote_start;
	*cut = MIN(*hist, sig);
	if (first_quoted < *hist)
		*hist = first_quoted;
}

/* The kept lines text[run, run_end) (their line breaks are '\n') and a
 * line break after the last, if any; the run then ends. */
static void append_run(GString *s, const char *text, size_t *run, size_t *run_end)
{
	if (*run_end == SIZE_MAX)
		return;
	g_string_append_len(s, text + *run, (gssize)(*run_end - *run));
	g_string_append_c(s, '\n');
	*run_end = SIZE_MAX;
}

char *sm_quote_split(const sm_view *v, size_t *history)
{
	GArray *a = split_lines(v);
	GString *s = g_string_sized_new(v->len / 2 + 1);
	size_t hist, cut, i, run = 0, run_end = SIZE_MAX; /* SIZE_MAX: no run */

	split(v, a, &hist, &cut);
	for (i = 0; i < a->len; i++) {
		const line *l = &g_array_index(a, line, i);
		size_t n = l->len;

		if (l->off >= cut)
			break;
		if (l->t == L_QUOTED) {
			append_run(s, v->text, &run, &run_end);
			continue;
		}
		if (l->off + n > cut) /* an HTML quote may start inside a line */
			n = cut - l->off;
		if (run_end == SIZE_MAX) /* lines that follow each other: one run */
			run = l->off;
		run_end = l->off + n;
	}
	append_run(s, v->text, &run, &run_end);
	g_array_free(a, TRUE);
	if (history)
		*history = hist;
	return g_string_free(s, FALSE);
}

char *sm_quote_new_text(const sm_view *v)
{
	return sm_quote_split(v, NULL);
}

size_t sm_quote_history_start(const sm_view *v)
{
	GArray *a = split_lines(v);
	size_t hist, cut;

	split(v, a, &hist, &cut);
	g_array_free(a, TRUE);
	return hist;
}
