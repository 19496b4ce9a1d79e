/*
 * detect_pw.c - password values in a folded view.
 *
 * Forms: KEYWORD SEP VALUE with the keywords from the configuration
 * (password, pwd, PW, パスワード, 暗証番号 ...; ASCII ones as whole words,
 * case-insensitive; found by the prefilter pass, detect_prefilter.c) and SEP one of ':' '=' 'is' 'は' '→' '->' (full-width
 * forms are folded); the value on the same line or, after ':' '=' 'は' with
 * nothing else on the line, on the next one; quoted ('x' "x" 「x」) or not.
 * JSON ("password": "x") and XML (<Password>x</Password>) come out of the
 * same parse.  A keyword in one table cell (HTML td, TSV) and the value in
 * the next: the tab between them is the separator.  `pass` (SMTP_PASS=x) only
 * inside an identifier or before '='.  Separately: URLs with user:password@,
 * `net use ... /user:NAME SECRET`, PowerShell ConvertTo-SecureString 'x'
 * -AsPlainText, `PsExec ... -p SECRET`, `curl -u NAME:SECRET`, and HTTP
 * `Authorization: Basic` credentials (base64 of NAME:SECRET).
 *
 * What is NOT a value (see docs/detectors.md): nothing after the separator,
 * non-ASCII text (Japanese prose: "パスワードは別途お送りします", "PW: 別送"),
 * placeholders (****, <hidden>, [REDACTED], $var, %VAR%, {{x}}), a URL
 * ("Reset your password: https://..."), a word from
 * the prose list (required, incorrect, reset, sent, ...), and after ':' 'is'
 * 'は' '→' a plain word of letters only (no digit, symbol or inner capital).
 *
 * Untrusted input: the view.  Limits: values at most VALUE_MAX bytes, the
 * look-ahead after a keyword at most LOOK_MAX bytes, max_hits.
 */
#include "detect_int.h"
#include "re.h"

#include <stdio.h>

#define VALUE_MAX 128
#define LOOK_MAX 24
#define NOTE_MAX 32 /* bytes of a parenthesised note after a keyword */

static const char *const prose_words[] = {
	"required", "incorrect", "invalid", "wrong", "expired", "expires", "reset", "changed",
	"change", "sent", "separately", "none", "null", "nil", "n/a", "na", "empty", "blank",
	"unknown", "hidden", "redacted", "masked", "same", "set", "not", "the", "a", "an", "is",
	"was", "will", "must", "should", "correct", "ok", "yes", "no", "true", "false", "policy",
	"protected", "please", "see", "below", "above", "attached", "here", "never", "mismatch",
	"updated", "and", "or", "for", "to", "of", "your", "my", "our", "their", "this", "that",
	"it", "also", "still", "being", "too", "case-sensitive", "unchanged", "omitted", "secret",
	"confidential", "removed", "tbd", "xxx", "dummy", "placeholder", "default", "pass", "xyz",
	"abc", "user", "username", "none", "optional", "str", "string", "bytes", "null", "pwd",
	NULL};

/* A value holding one of these is code or a variable name, not a secret. */
static const char *const kw_in_value[] = {"password", "passwd", "passphrase", "passcode", NULL};

/* ---------------------------------------------------------- values */

static bool is_prose_word(const char *v, size_t n)
{
	const char *const *w;
	const char first = g_ascii_tolower(*v);

	/* the first letter first (the list is lower-case): ~90 words per value */
	for (w = prose_words; *w; w++)
		if (**w == first && strlen(*w) == n &&
		    g_ascii_strncasecmp(*w, v, n) == 0)
			return true;
	return false;
}

static bool is_placeholder(const char *v, size_t n)
{
	size_t i, same = 0;

	for (i = 0; i < n; i++)
		same += v[i] == '*' || v[i] == 'x' || v[i] == 'X' || v[i] == '.' || v[i] == '#';
	if (same == n)
		return true;
	if (strchr("<([{$", v[0]))
		return true;
	return v[0] == '%' && n > 2 && v[n - 1] == '%';
}

/* A path (pwd: /home/x, C:\\x) or a date, time, version or address. */
static bool is_path_or_date(const char *v, size_t n)
{
	size_t i, seps = 0;

	if (v[0] == '/' || v[0] == '\\' || v[0] == '~' ||
	    (n > 2 && g_ascii_isalpha(v[0]) && v[1] == ':' && v[2] == '\\'))
		return true;
	for (i = 0; i < n; i++) {
		if (strchr("/-:.", v[i]))
			seps++;
		else if (!g_ascii_isdigit(v[i]))
			return false;
	}
	return seps >= 2;
}

/* Code rather than a value: self.password, url_user_password, SEC_ERROR_BASE. */
static bool is_code(const char *v, size_t n)
{
	const char *const *k;
	char *low = g_ascii_strdown(v, (gssize)n);
	size_t i, under = 0, dots = 0, digits = 0;
	bool kw = false;

	for (k = kw_in_value; *k && !kw; k++)
		kw = strstr(low, *k) != NULL;
	g_free(low);
	if (kw)
		return true;
	if (!g_ascii_isalpha(v[0]) && v[0] != '_')
		return false;
	for (i = 0; i < n; i++) {
		if (v[i] == '_')
			under++;
		else if (v[i] == '.')
			dots++;
		else if (g_ascii_isdigit(v[i]))
			digits++;
		else if (!g_ascii_isalpha(v[i]))
			return v[i] == '(' || v[i] == '['; /* a call or an index: f(x), cfg["k"] */
	}
	return (dots && v[n - 1] != '.') || (under && !digits);
}

/* Letters only, no capital after the first character. */
static bool plain_word(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!g_ascii_isalpha(v[i]) || (i > 0 && g_ascii_isupper(v[i])))
			return false;
	return true;
}

static bool looks_secret(const char *v, size_t n, bool quoted, bool strict)
{
	if (n == 0 || n > VALUE_MAX)
		return false;
	if (is_placeholder(v, n) || is_prose_word(v, n) || is_path_or_date(v, n))
		return false;
	if (n > 3 && memmem(v, n, "://", 3)) /* a link, not a value */
		return false;
	if (quoted)
		return true;
	if (n < 3 || is_code(v, n))
		return false;
	return !(strict && plain_word(v, n));
}

bool det_password_looks_secret(const char *v, size_t n)
{
	/* a cell is one ASCII token: spaces or Japanese text are not a value */
	for (size_t i = 0; i < n; i++)
		if (v[i] == ' ' || (unsigned char)v[i] >= 0x80)
			return false;
	return looks_secret(v, n, false, true);
}

static bool stop_unquoted(char c)
{
	return (unsigned char)c >= 0x80 || c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	       c == ';' || c == '&' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\0';
}

/* Closing quote for an opening one at t[p]; its length in *ql, NULL if none. */
static const char *closing_quote(const char *t, size_t len, size_t p, size_t *ql)
{
	static const char *const pairs[][2] = {{"\"", "\""}, {"'", "'"}, {"`", "`"},
					       {"「", "」"}, {"『", "』"}, {"“", "”"},
					       {"‘", "’"}};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(pairs); i++) {
		size_t ol = strlen(pairs[i][0]);

		if (p + ol <= len && memcmp(t + p, pairs[i][0], ol) == 0) {
			*ql = ol;
			return pairs[i][1];
		}
	}
	return NULL;
}

/* The value at p (quoted or not) into *out; false if none. */
static bool take_value(const char *t, size_t len, size_t p, bool strict, det_span *out)
{
	size_t ql, e;
	const char *close = closing_quote(t, len, p, &ql);

	if (close) {
		size_t cl = strlen(close), s = p + ql;

		for (e = s; e < len && e - s <= VALUE_MAX && t[e] != '\n'; e++)
			if (e + cl <= len && memcmp(t + e, close, cl) == 0) {
				out->s = s;
				out->e = e;
				return looks_secret(t + s, e - s, true, strict);
			}
		return false;
	}
	for (e = p; e < len && e - p <= VALUE_MAX && !stop_unquoted(t[e]); e++)
		if (t[e] == ',' && (e + 1 >= len || t[e + 1] == ' '))
			break;
	while (e > p && (t[e - 1] == '.' || t[e - 1] == ',' ||
			 (t[e - 1] == ')' && !memchr(t + p, '(', e - p))))
		e--;
	out->s = p;
	out->e = e;
	return e - p <= VALUE_MAX && looks_secret(t + p, e - p, false, strict);
}

static size_t skip_blank(const char *t, size_t len, size_t p)
{
	size_t start = p;

	while (p < len && p - start < LOOK_MAX && (t[p] == ' ' || t[p] == '\t'))
		p++;
	return p;
}

/* Separator at p: its length, 0 if none; *strict for prose-like separators. */
static size_t separator(const char *t, size_t len, size_t p, bool *strict, bool *multi)
{
	*multi = false;
	*strict = true;
	if (p < len && (t[p] == ':' || t[p] == '=')) {
		*strict = t[p] == ':';
		*multi = true;
		return p + 1 < len && t[p + 1] == '=' ? 2 : 1;
	}
	if (p + 2 < len && g_ascii_strncasecmp(t + p, "is", 2) == 0 &&
	    (t[p + 2] == ' ' || t[p + 2] == ':'))
		return 2;
	if (p + 2 < len && memcmp(t + p, "->", 2) == 0)
		return 2;
	if (p + 3 <= len && memcmp(t + p, "は", 3) == 0) {
		*multi = true;
		return 3;
	}
	if (p + 3 <= len && memcmp(t + p, "→", 3) == 0)
		return 3;
	return 0;
}

/* A short note between keyword and separator: "Password (initial):". */
static size_t skip_note(const char *t, size_t len, size_t p)
{
	size_t e;

	if (p >= len || t[p] != '(')
		return p;
	for (e = p + 1; e < len && e - p <= NOTE_MAX && t[e] != '\n'; e++)
		if (t[e] == ')')
			return skip_blank(t, len, e + 1);
	return p;
}

/*
 * The bare keyword "pass" is an everyday word ("Pass: 120" in a test report):
 * it counts inside an identifier (SMTP_PASS, db-pass) or before '=', and its
 * value is not digits only.  Other keywords: always true.
 */
static bool pass_ok(const char *t, size_t ks, size_t ke, bool eq, const det_span *v)
{
	if (ke - ks != 4 || g_ascii_strncasecmp(t + ks, "pass", 4) != 0)
		return true;
	if (!eq && !(ks > 0 && (t[ks - 1] == '_' || t[ks - 1] == '-')))
		return false;
	return v->e > v->s && !det_all_digits(t + v->s, v->e - v->s);
}

/* The keyword at ks ends the name of an XML start tag: <Password>, <AdminPassword>. */
static bool xml_open_tag(const char *t, size_t ks)
{
	size_t i = ks;

	while (i > 0 && ks - i < NOTE_MAX && g_ascii_isalpha(t[i - 1]))
		i--;
	return i > 0 && t[i - 1] == '<';
}

/* "ID/PW: name / secret": the second of a pair at p, else p. */
static size_t second_of_pair(const char *t, size_t len, size_t p)
{
	size_t e = p;

	while (e < len && e - p < NOTE_MAX && t[e] != '/' && !stop_unquoted(t[e]))
		e++;
	e = skip_blank(t, len, e);
	if (e >= len || t[e] != '/' || e == p)
		return p;
	return skip_blank(t, len, e + 1);
}

/*
 * A value with no separator: the next cell of a table (HTML td, TSV: a tab
 * between), or after spaces a value that cannot be a word, hex code or GUID
 * ("パスワード Sp4ce#Only9 で"): letters and digits, and a symbol or both cases.
 */
static bool pin_keyword(const char *k, size_t n)
{
	return (n == strlen("暗証番号") && memcmp(k, "暗証番号", n) == 0) ||
	       (n == strlen("パスコード") && memcmp(k, "パスコード", n) == 0);
}

static bool no_separator(const char *t, size_t len, size_t ks, size_t ke, size_t p,
			 det_span *out)
{
	size_t i;
	unsigned up = 0, lo = 0, dig = 0, sym = 0;

	if (p >= len || p == ke || !take_value(t, len, p, true, out) || !pass_ok(t, ks, ke, false, out))
		return false;
	if (memchr(t + ke, '\t', p - ke))
		return true;
	if (pin_keyword(t + ks, ke - ks) && out->e - out->s >= 4 && out->e - out->s <= 8 &&
	    det_all_digits(t + out->s, out->e - out->s))
		return true; /* "暗証番号　8392": a PIN needs no separator */
	if (ks > 0 && (unsigned char)t[ks - 1] < 0x80 && !strchr(" \t\n(", t[ks - 1]))
		return false; /* after spaces: a keyword starting a phrase only */
	for (i = out->s; i < out->e; i++) {
		char c = t[i];

		up += g_ascii_isupper(c) != 0;
		lo += g_ascii_islower(c) != 0;
		dig += g_ascii_isdigit(c) != 0;
		sym += g_ascii_ispunct(c) && c != '-' && c != '.' && c != '_';
	}
	if (out->e - out->s < 8 || !(up + lo) || !dig || (t[out->s] == '0' && t[out->s + 1] == 'x'))
		return false;
	return sym || (up && lo);
}

/* "以下の通りです。", "下記です：", "次の通り": the value is on the next line. */
static size_t pointer_phrase(const char *t, size_t len, size_t p)
{
	static const char *const words[] = {"以下", "下記", "次の", NULL};
	const char *const *w;
	size_t e;

	for (w = words; *w; w++)
		if (p + strlen(*w) <= len && memcmp(t + p, *w, strlen(*w)) == 0)
			break;
	if (!*w)
		return p;
	for (e = p; e < len && e - p < 3 * NOTE_MAX && t[e] != '\n' && t[e] != '\r'; e++)
		if ((unsigned char)t[e] < 0x80 && t[e] != ' ' && t[e] != ':')
			return p; /* more than a pointer on this line */
	return e < len && e - p < 3 * NOTE_MAX ? e : p;
}

/* After a keyword ending at ke (started at ks): the value span, if any. */
bool det_password_value(const char *t, size_t len, size_t ks, size_t ke, det_span *out)
{
	size_t p = ke, q, sl;
	bool strict, multi;

	if (p < len && t[p] == '>' && xml_open_tag(t, ks)) { /* <Password>x</Password> */
		size_t e, s = p + 1;

		if (s + 7 <= len && g_ascii_strncasecmp(t + s, "<Value>", 7) == 0)
			s += 7; /* unattend.xml: <AdministratorPassword><Value>x</Value> */
		for (e = s; e < len && e - s <= VALUE_MAX && t[e] != '<' && t[e] != '\n'; e++)
			;
		out->s = s;
		out->e = e;
		return e < len && t[e] == '<' && looks_secret(t + s, e - s, true, false);
	}
	if (p < len && (t[p] == '"' || t[p] == '\''))
		p++;
	p = skip_blank(t, len, p);
	if (p > ke || (unsigned char)t[ke - 1] >= 0x80) /* "password(" is a call, not a note */
		p = skip_note(t, len, p);
	if (p + 5 < len && g_ascii_strncasecmp(t + p, "value", 5) == 0) /* key="Password" value="x" */
		p = skip_blank(t, len, p + 5);
	sl = separator(t, len, p, &strict, &multi);
	if (ks > 0 && g_ascii_isalpha(t[ks - 1]) && !(sl && (t[p] == ':' || t[p] == '=')))
		return false; /* ProxyPassword is a key: only "key: x", "key=x" */
	if (!sl)
		return no_separator(t, len, ks, ke, p, out);
	q = p;
	p = skip_blank(t, len, p + sl);
	if (t[q] != ':' && t[q] != '=' && p < len && t[p] == ':') /* "is:", "は：" */
		p = skip_blank(t, len, p + 1);
	if (t[q] != ':' && t[q] != '=')
		p = pointer_phrase(t, len, p); /* "パスワードは以下の通りです。" + next line */
	if (multi && p < len && (t[p] == '\n' || t[p] == '\r')) {
		p += t[p] == '\r' && p + 1 < len && t[p + 1] == '\n' ? 2 : 1;
		p = skip_blank(t, len, p);
	}
	if (p < len && ks > 0 && t[ks - 1] == '/') { /* ID/PW: name / secret */
		size_t s2 = second_of_pair(t, len, p);

		strict = strict && s2 == p;
		p = s2;
	}
	return p < len && take_value(t, len, p, strict, out) && pass_ok(t, ks, ke, t[q] == '=', out);
}

/* ---------------------------------------------------------- other forms */

typedef struct form {
	uint64_t lits;           /* run only if one of these literals occurs */
	const char *re;
	int group;
	bool quoted;             /* the value is delimited: any length, spaces allowed */
	bool basic;              /* base64 of NAME:SECRET (HTTP Basic credentials) */
	bool strict;             /* a plain word is prose ("net user alice returns ...") */
	bool exact;              /* the pattern alone decides (BitLocker: 8 blocks of 6 digits) */
	bool classes;            /* two character classes at least (not NTLM, HTTPS) */
} form;

/*
 * Login details with no password keyword, after a heading (ログイン情報:,
 * credentials:, 管理者アカウント): an optional ID:/user: label, then
 * NAME / SECRET or NAME:SECRET (no space after the colon); SECRET is group 2,
 * not digits only (a port), and NAME not a label (ID/PW).
 */
#define PAIR_TAIL "\\s*(?:は|:)?[ \\t]*(?:\\r?\\n[ \\t]*)?(?:(?i:id|user(?:name)?)[ \\t]*[:=][ \\t]*|(?:ユーザー名|ユーザー)[ \\t]*[:=][ \\t]*)?(?!(?i:id|user|username|pw|pwd|pass|password|login)(?![A-Za-z0-9._@\\\\-]))([A-Za-z0-9._@\\\\-]{1,64})(?:[ \\t]*/[ \\t]*|:(?![ \\t]))(?!\\d+(?![!-~]))([!-~]{1,128})"

static const form forms[] = {
	{LIT(LIT_URL), "(?<=[A-Za-z0-9])://[^\\s:/@\"'<>]{1,64}:([^\\s/@\"'<>]{1,128})@[A-Za-z0-9.\\-\\[]", 1, false},
	{LIT(LIT_SLASH_U) | LIT(LIT_SLASH_UU), "(?i)\\bnet\\s+use\\b[^\\r\\n]{0,300}?\\s/u(?:ser)?:\\s*(?:\"[^\"\\r\\n]+\"|\\S+)\\s+(\"[^\"\\r\\n]{1,128}\"|[^\\s\"/*][^\\s]{0,127})", 1, false},
	{LIT(LIT_SLASH_U) | LIT(LIT_SLASH_UU), "(?i)\\bnet\\s+use\\s+(?:[A-Za-z]:\\s+|\\*\\s+)?\\\\\\\\\\S+\\s+(\"[^\"\\r\\n]{1,128}\"|[^\\s\"/*]\\S{0,127})\\s+/u(?:ser)?:", 1, false},
	{LIT(LIT_SS) | LIT(LIT_SS_LO) | LIT(LIT_SS_UP), "(?i)ConvertTo-SecureString\\s+(?:-String\\s+)?(['\"])([^'\"\\r\\n]{1,128})\\1\\s+-AsPlainText", 2, true},
	{LIT(LIT_PSEXEC) | LIT(LIT_PSEXEC_LO), "(?i)\\bpsexec(?:64)?(?:\\.exe)?\\b[^\\r\\n]{0,300}?\\s-p\\s+(\"[^\"\\r\\n]{1,128}\"|[^\\s\"-]\\S{0,127})", 1, false},
	{LIT(LIT_CURL), "\\bcurl\\b[^\\r\\n]{0,300}?\\s(?:-u|-U|--user|--proxy-user)\\s+['\"]?[^\\s:'\"]{1,64}:([^\\s'\"]{1,128})", 1, false},
	{LIT(LIT_SS) | LIT(LIT_SS_LO) | LIT(LIT_SS_UP), "(?i)ConvertTo-SecureString\\s+-AsPlainText\\s+(?:-String\\s+)?(['\"])([^'\"\\r\\n]{1,128})\\1", 2, true},
	{LIT(LIT_NETUSER) | LIT(LIT_NETUSER_UP), "(?i)\\bnet\\s+user\\s+(?:\"[^\"\\r\\n]{1,64}\"|[^\\s/\"*][!-~]{0,63})\\s+(\"[^\"\\r\\n]{1,128}\"|[!.0-~][!-~]{0,127})(?![!-~])", 1, false, false, true},
	{LIT(LIT_SQLCMD) | LIT(LIT_SQLCMD_UP), "(?i)\\b(?:sqlcmd|osql)(?:\\.exe)?\\b[^\\r\\n]{0,300}?\\s(?-i:-P)\\s*(\"[^\"\\r\\n]{1,128}\"|[^\\s\"-]\\S{0,127})", 1, false},
	/* login details (PAIR_TAIL above) after their headings */
	{LIT(LIT_JOHO), "情報(?<=ログイン情報|認証情報|アカウント情報|接続情報|資格情報)" PAIR_TAIL, 2, false, false, true, false, true},
	{LIT(LIT_CRED), "(?i:\\bcredentials?\\b)" PAIR_TAIL, 2, false, false, true, false, true},
	{LIT(LIT_ACCOUNT_JA), "アカウント" PAIR_TAIL, 2, false, false, true, false, true},
	{LIT(LIT_SSHPASS), "\\bsshpass\\b[^\\r\\n]{0,100}?\\s-p\\s*(\"[^\"\\r\\n]{1,128}\"|[^\\s\"-]\\S{0,127})", 1, false},
	{LIT(LIT_MYSQL), "(?i)\\bmysql(?:dump|admin|sh)?(?:\\.exe)?\\b[^\\r\\n]{0,300}?\\s(?-i:-p)([^\\s\"'-][^\\s]{0,127})", 1, false, false, true},
	{LIT(LIT_BITLOCKER) | LIT(LIT_KAIFUKU) | LIT(LIT_RECOVERY), "(?<![0-9-])([0-9]{6}(?:-[0-9]{6}){7})(?![0-9-])", 1, true, false, false, true},
	{LIT(LIT_AUTHZ), "(?i)\\bauthorization\\s*[:=]\\s*['\"]?Basic\\s+([A-Za-z0-9+/]{8,512}={0,2})(?![A-Za-z0-9+/=])", 1, true, true},
};

static GOnce forms_once = G_ONCE_INIT;

/* Basic credentials: the base64 text decodes to printable NAME:SECRET. */
static bool basic_credentials(const char *b, size_t n)
{
	char *s = g_strndup(b, n);
	gsize dl = 0, i;
	guchar *d = g_base64_decode(s, &dl);
	bool ok = dl >= 3 && memchr(d, ':', dl) && ((guchar *)memchr(d, ':', dl) + 1 < d + dl);

	for (i = 0; ok && i < dl; i++)
		ok = d[i] >= 0x20 && d[i] < 0x7f;
	g_free(d);
	g_free(s);
	return ok;
}

/* Two of lower case, upper case, digits, symbols. */
static bool two_classes(const char *v, size_t n)
{
	unsigned m = 0;

	for (size_t i = 0; i < n; i++)
		m |= g_ascii_islower(v[i]) ? 1u : g_ascii_isupper(v[i]) ? 2u : g_ascii_isdigit(v[i]) ? 4u : 8u;
	return (m & (m - 1)) != 0;
}

/* The fixed forms compile once per process (they are not configurable). */
static gpointer compile_forms(gpointer unused)
{
	pcre2_code **c = g_new0(pcre2_code *, G_N_ELEMENTS(forms));
	char err[256];
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(forms); i++)
		c[i] = det_compile(forms[i].re, 0, "password form", err, sizeof(err));
	return c;
}

/* Is v[0, n), matched by form f, a value? */
static bool form_value(const form *f, const char *v, size_t n)
{
	if (f->classes && !two_classes(v, n))
		return false;
	if (f->exact)
		return true;
	if (f->basic)
		return basic_credentials(v, n);
	return looks_secret(v, n, f->quoted, f->strict);
}

static void scan_forms(const sm_view *v, uint64_t lits, GArray *spans)
{
	pcre2_code **c = g_once(&forms_once, compile_forms, NULL);
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(forms); i++) {
		pcre2_match_data *md;
		PCRE2_SIZE off = 0, *ov;

		if (!c[i] || !(lits & forms[i].lits))
			continue;
		md = pcre2_match_data_create_from_pattern(c[i], NULL);
		while (off < v->len &&
		       sm_re_match(c[i], (PCRE2_SPTR)v->text, v->len, off, 0, md, NULL) >= 0) {
			det_span sp;

			ov = pcre2_get_ovector_pointer(md);
			sp.s = ov[2 * forms[i].group];
			sp.e = ov[2 * forms[i].group + 1];
			if (sp.e > sp.s + 1 && v->text[sp.s] == '"' && v->text[sp.e - 1] == '"')
				sp.s++, sp.e--;
			if (form_value(&forms[i], v->text + sp.s, sp.e - sp.s))
				g_array_append_val(spans, sp);
			off = ov[1] > off ? ov[1] : off + 1;
		}
		pcre2_match_data_free(md);
	}
}

static gint by_start(gconstpointer a, gconstpointer b)
{
	const det_span *x = a, *y = b;

	return x->s < y->s ? -1 : x->s > y->s;
}

int det_scan_password(const det *d, const sm_view *v, det_out *out)
{
	/* the keyword values were taken by the prefilter pass (det_pre_scan) */
	GArray *spans = out->pw_spans ? out->pw_spans : g_array_new(FALSE, FALSE, sizeof(det_span));
	size_t i, last_end = 0;

	out->pw_spans = spans;  /* freed by the caller */
	scan_forms(v, out->lits, spans);
	g_array_sort(spans, by_start);
	for (i = 0; i < spans->len && !out->full; i++) {
		det_span *sp = &g_array_index(spans, det_span, i);

		if (i > 0 && sp->s < last_end)
			continue; /* the same value found by two forms */
		det_emit(out, sp->s, sp->e, SM_MASK_FIXED, 80);
		last_end = sp->e;
	}
	return out->full ? 1 : 0;
}
