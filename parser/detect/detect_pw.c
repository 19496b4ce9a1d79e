/*
 * detect_pw.c - password values after keywords in a folded view.
 *
 * Forms: KEYWORD SEP VALUE with the keywords from the configuration
 * (password, pwd, PW, パスワード, 暗証番号 ...; ASCII ones as whole words,
 * case-insensitive; found by the prefilter pass, detect_prefilter.c) and SEP
 * one of ':' '=' 'is' 'は' '→' '->' (full-width forms are folded), also
 * after a short phrase ("password of the admin account is x", "password for
 * the zip: x"); the value on the same line or, after ':' '=' 'は' with
 * nothing else on the line, on the next one; quoted ('x' "x" 「x」) or not.
 * With no separator: the next table cell (a tab or '|' between), a
 * Japanese keyword or PW followed by a space and a value that ends its line,
 * an aligned column ("Password    x"), a command-line flag (-Password x,
 * /pass x, -pw x), a configuration line ("requirepass x", a .netrc "login
 * NAME password x"), or a value that cannot be a word ("パスワード Sp4ce#9").
 * JSON ("password": "x") and XML (<Password>x</Password>, unattend.xml's
 * <Password><Value>x</Value>) come out of the same parse.  Keys that glue a
 * keyword to other letters (cpassword, passout) are named by detect_key.c
 * and read here in key syntaxes only.  A sentence that hands over a
 * password ("パスワードをお知らせします。", "The password is below.") or a
 * keyword alone on its line: the value alone on the next non-blank line.
 * Whether a token is a value at all is detect_value.c's judgement; the
 * fixed forms of commands are detect_cmd.c's; the forms of Japanese mail
 * and login pairs detect_pw_ja.c's.
 *
 * Untrusted input: the view.  Limits: values at most VALUE_MAX bytes, the
 * look-ahead after a keyword at most LOOK_MAX bytes, a line handing over a
 * value 3 * LINE_CUE_MAX bytes, max_hits.
 */
#include "detect_int.h"

#include <stdio.h>

#define LOOK_MAX 24
#define LINE_CUE_MAX 64 /* a third of the bytes of a line that hands over a value */

/* ---------------------------------------------------------- values */

bool det_password_looks_secret(const char *t, size_t len, size_t s, size_t e)
{
	/* a cell is one ASCII token: spaces or Japanese text are not a value */
	for (size_t i = s; i < e; i++)
		if (t[i] == ' ' || (unsigned char)t[i] >= 0x80)
			return false;
	return det_value_ok(t, len, s, e, 0);
}

bool det_pw_stop(char c)
{
	return (unsigned char)c >= 0x80 || c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	       c == ';' || c == '&' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\0';
}

/* Closing quote for an opening one at t[p]; its length in *ql, NULL if none. */
const char *det_pw_closing_quote(const char *t, size_t len, size_t p, size_t *ql)
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

/* "name=" at p: the next option of a list ("-o user=x,password=y,vers=3.0"). */
static bool option_follows(const char *t, size_t len, size_t p)
{
	size_t e = p;

	while (e < len && e - p < NOTE_MAX && (g_ascii_isalnum(t[e]) || t[e] == '_' || t[e] == '-'))
		e++;
	return e > p && e < len && t[e] == '=' && g_ascii_isalpha(t[p]);
}

/* Is the quote at e escaped by an odd run of backslashes or a backtick
 * (JSON, C, PowerShell) within the value starting at s? */
static bool escaped(const char *t, size_t s, size_t e)
{
	size_t n = 0;

	if (e > s && t[e - 1] == '`')
		return true;
	while (e - n > s && t[e - n - 1] == '\\')
		n++;
	return n & 1;
}

static bool letters_only(const char *t, size_t s, size_t e)
{
	for (size_t i = s; i < e; i++)
		if (!g_ascii_isalpha(t[i]))
			return false;
	return true;
}

/* The value at p (quoted or not) into *out; false if none. */
bool det_pw_take(const char *t, size_t len, size_t p, unsigned flags, det_span *out)
{
	size_t ql, e;
	const char *close = det_pw_closing_quote(t, len, p, &ql);

	if (close) {
		size_t cl = strlen(close), s = p + ql;

		for (e = s; e < len && e - s <= VALUE_MAX && t[e] != '\n'; e++) {
			if (!(e + cl <= len && memcmp(t + e, close, cl) == 0))
				continue;
			if (escaped(t, s, e))
				continue; /* "a\"b", "a`"b": the quote belongs to the value */
			if (cl == 1 && e > s && e + 1 < len && t[e + 1] == close[0]) {
				e++; /* 'It''s', "a""b": a doubled quote inside the value */
				continue;
			}
			out->s = s;
			out->e = e;
			return det_value_ok(t, len, s, e, DV_QUOTED);
		}
		return false;
	}
	for (e = p; e < len && e - p <= VALUE_MAX && !det_pw_stop(t[e]); e++)
		if (t[e] == ',' && (e + 1 >= len || t[e + 1] == ' ' || option_follows(t, len, e + 1)))
			break;
	while (e > p && (t[e - 1] == '.' || t[e - 1] == ',' ||
			 (t[e - 1] == ')' && !memchr(t + p, '(', e - p)) ||
			 (t[e - 1] == '}' && !memchr(t + p, '{', e - p)) ||
			 (t[e - 1] == ']' && !memchr(t + p, '[', e - p)) ||
			 (t[e - 1] == '(' && e < len && (t[e] == ' ' || (unsigned char)t[e] >= 0x80) &&
			  !letters_only(t, p, e - 1))))
		e--; /* "pwd": null}, "x（注）": the end of an object or list, a note */
	out->s = p;
	out->e = e;
	return e - p <= VALUE_MAX && det_value_ok(t, len, p, e, flags);
}

/* The end of a decoration around a keyword: 【パスワード】, [PW], **Password**. */
static size_t skip_closer(const char *t, size_t len, size_t p)
{
	if (p + 3 <= len && (memcmp(t + p, "】", 3) == 0 || memcmp(t + p, "》", 3) == 0 ||
			     memcmp(t + p, "〕", 3) == 0))
		return p + 3;
	if (p + 1 < len && t[p] == '*' && t[p + 1] == '*')
		return p + 2;
	return p < len && t[p] == ']' ? p + 1 : p;
}

size_t det_pw_skip_blank(const char *t, size_t len, size_t p)
{
	size_t start = p;

	while (p < len && p - start < LOOK_MAX && (t[p] == ' ' || t[p] == '\t'))
		p++;
	return p;
}

/* A registry type between a value's name and its data, as reg query prints
 * it ("DefaultPassword    REG_SZ    x"): a separator. */
static size_t reg_type(const char *t, size_t len, size_t p)
{
	static const char *const types[] = {"REG_SZ", "REG_EXPAND_SZ", "REG_MULTI_SZ", NULL};

	for (const char *const *r = types; *r; r++) {
		size_t n = strlen(*r);

		if (p + n < len && memcmp(t + p, *r, n) == 0 && (t[p + n] == ' ' || t[p + n] == '\t'))
			return n;
	}
	return 0;
}

/* Separator at p: its length, 0 if none; *strict for prose-like separators. */
static size_t separator(const char *t, size_t len, size_t p, bool *strict, bool *multi)
{
	*multi = false;
	*strict = true;
	if (p + 2 < len && t[p] == '=' && t[p + 1] == '>')
		return 2; /* "New password => x" */
	if (p + 1 < len && t[p] == '-' && t[p + 1] == ' ' && p > 0 && t[p - 1] == ' ')
		return 1; /* "Temp PW - x", a list of fields */
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
	return reg_type(t, len, p);
}

/* A short note between keyword and separator: "Password (initial):". */
static size_t skip_note(const char *t, size_t len, size_t p)
{
	size_t e;

	if (p >= len || t[p] != '(')
		return p;
	for (e = p + 1; e < len && e - p <= NOTE_MAX && t[e] != '\n'; e++)
		if (t[e] == ')')
			return det_pw_skip_blank(t, len, e + 1);
	return p;
}

/*
 * The bare keyword "pass" is an everyday word ("Pass: 120" in a test report):
 * it counts inside an identifier (SMTP_PASS, db-pass) or before '=', and its
 * value is not digits only.  Other keywords: always true.
 */
/* "Pass:" as the password of a login pair: it starts its line, or an ID or
 * user label stands before it on the line ("ID：sato　Pass：x"); elsewhere
 * "pass:" is a test result ("Tests pass: 120"). */
static bool login_pass(const char *t, size_t ks)
{
	static const char *const ids[] = {"ID", "Id", "id:", "User", "user", "ユーザー", "ログイン", NULL};
	size_t ls = ks;

	while (ls > 0 && t[ls - 1] != '\n' && ks - ls < 4 * NOTE_MAX)
		ls--;
	if (ls == ks || (ks - ls <= 2 && (t[ls] == ' ' || t[ls] == '\t')))
		return true;
	for (const char *const *w = ids; *w; w++)
		if (memmem(t + ls, ks - ls, *w, strlen(*w)))
			return true;
	return false;
}

/* Is ks inside a start tag ('<' before it on its line, no '>' between)? */
static bool in_tag(const char *t, size_t ks)
{
	for (size_t i = ks; i > 0 && ks - i < 4 * NOTE_MAX; i--) {
		if (t[i - 1] == '<' || (t[i - 1] == ';' && i >= 4 && memcmp(t + i - 4, "&lt", 3) == 0))
			return true; /* the markup of HTML read as text escapes it */
		if (t[i - 1] == '>' || t[i - 1] == '\n')
			return false;
	}
	return false;
}

static bool pass_ok(const char *t, size_t ks, size_t ke, bool eq, const det_span *v)
{
	if (ke - ks != 4 || g_ascii_strncasecmp(t + ks, "pass", 4) != 0)
		return true;
	if (eq && in_tag(t, ks))
		return false; /* <settings pass="oobeSystem">: an attribute, not a credential */
	if (!eq && !(ks > 0 && (strchr("_-./", t[ks - 1]) ||
				(g_ascii_islower(t[ks - 1]) && g_ascii_isupper(t[ks])))) &&
	    !login_pass(t, ks))
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

/*
 * A value with no separator: the next cell of a table (HTML td, TSV: a tab
 * between), or after spaces a value that cannot be a word, hex code or GUID
 * ("パスワード Sp4ce#Only9 で"): letters and digits, and a symbol or both cases.
 */
static bool pin_keyword(const char *k, size_t n)
{
	return (n == strlen("暗証番号") && memcmp(k, "暗証番号", n) == 0) ||
	       (n == strlen("パスコード") && memcmp(k, "パスコード", n) == 0) ||
	       (n == 3 && g_ascii_strncasecmp(k, "pin", 3) == 0);
}

/* "set the password to x", "changed the password to x": 'to' after a verb
 * that sets the password earlier on the line; else p. */
static size_t set_to(const char *t, size_t len, size_t ks, size_t p)
{
	static const char *const verbs[] = {"set", "change", "reset", "update", NULL};
	size_t ls = ks;

	if (!(p + 3 < len && g_ascii_strncasecmp(t + p, "to ", 3) == 0))
		return p;
	while (ls > 0 && t[ls - 1] != '\n' && ks - ls < 2 * NOTE_MAX)
		ls--;
	for (const char *const *v = verbs; *v; v++)
		for (size_t i = ls; i + strlen(*v) <= ks; i++)
			if (g_ascii_strncasecmp(t + i, *v, strlen(*v)) == 0 &&
			    (i == 0 || !g_ascii_isalpha(t[i - 1])))
				return det_pw_skip_blank(t, len, p + 3);
	return p;
}

/* PW, pwd: abbreviations written before a value with a space only. */
static bool pw_abbrev(const char *k, size_t n)
{
	return (n == 2 && g_ascii_strncasecmp(k, "pw", 2) == 0) ||
	       (n == 3 && g_ascii_strncasecmp(k, "pwd", 3) == 0);
}

/*
 * A plain word after one space with no separator is a word of the sentence
 * when the keyword is an abbreviation ("the PW files", "the pw txt", "PW
 * reset") or Japanese text goes on after it ("パスワード txt は後ほど"); a
 * value there has digits or symbols ("PW abc123").  The form layout of a
 * Japanese keyword, the value alone after it ("パスワード　himawari"), stays.
 */
static bool word_after_space(const char *t, size_t len, size_t ks, size_t ke, size_t p,
			     const det_span *v)
{
	size_t e = v->e;

	if (p - ke != 1 || t[ke] != ' ' || det_pw_is_flag(t, ks))
		return false; /* dsadd -pwd x: a flag takes any word */
	for (size_t i = v->s; i < v->e; i++)
		if (!g_ascii_isalpha(t[i]) || (i > v->s && g_ascii_isupper(t[i])))
			return false;
	while (e < len && t[e] == ' ')
		e++;
	return pw_abbrev(t + ks, ke - ks) || (e < len && (unsigned char)t[e] >= 0x80);
}

/* The value ends its line (or Japanese text, or " / " of a pair follows). */
static bool value_alone(const char *t, size_t len, size_t e)
{
	while (e < len && t[e] == ' ')
		e++;
	return e >= len || t[e] == '\n' || t[e] == '\r' || (unsigned char)t[e] >= 0x80 || t[e] == '/';
}

/* <Password>x</Password>, and unattend.xml's <Password><Value>x</Value>
 * with white space between the tags; s is after the start tag's '>'. */
static bool xml_value(const char *t, size_t len, size_t s, det_span *out)
{
	size_t e, w = s;

	while (w < len && w - s < NOTE_MAX && strchr(" \t\r\n", t[w]))
		w++;
	if (w + 7 <= len && g_ascii_strncasecmp(t + w, "<Value>", 7) == 0)
		s = w + 7;
	for (e = s; e < len && e - s <= VALUE_MAX && t[e] != '<' && t[e] != '\n'; e++)
		;
	out->s = s;
	out->e = e;
	return e + 1 < len && t[e] == '<' && t[e + 1] == '/' && det_value_ok(t, len, s, e, DV_QUOTED);
}

/* The key at ks is a command-line flag: -Password, --password, /pass, -pw. */
bool det_pw_is_flag(const char *t, size_t ks)
{
	size_t d = ks;

	if (d > 0 && t[d - 1] == '-')
		d -= d > 1 && t[d - 2] == '-' ? 2 : 1;
	else if (d > 0 && t[d - 1] == '/')
		d--;
	else
		return false;
	return d == 0 || strchr(" \t\n\"'(", t[d - 1]);
}

/* A flag's value: not another flag; OpenSSL's "pass:x" is x, and its
 * env:VAR, file:PATH, fd:N and stdin name where the value is, not a value. */
static bool flag_value(const char *t, size_t len, det_span *v)
{
	static const char *const refs[] = {"env:", "file:", "fd:", "stdin", NULL};

	if (t[v->s] == '-' || t[v->s] == '/')
		return false;
	for (const char *const *r = refs; *r; r++)
		if (v->e - v->s >= strlen(*r) && g_ascii_strncasecmp(t + v->s, *r, strlen(*r)) == 0)
			return false;
	if (v->e - v->s > 5 && g_ascii_strncasecmp(t + v->s, "pass:", 5) == 0)
		v->s += 5;
	return det_value_ok(t, len, v->s, v->e, 0);
}

/* A configuration line "key value" (redis requirepass, slapd rootpw, a
 * .netrc "login NAME password VALUE"): the key starts its line, or follows
 * a login pair, and the value ends the line. */
static bool config_line(const char *t, size_t len, size_t ks, size_t p, const det_span *v,
			bool ident)
{
	size_t ls = ks;

	if (p == 0 || t[p - 1] != ' ' || !value_alone(t, len, v->e) || t[v->s] == '-')
		return false;
	while (ls > 0 && t[ls - 1] != '\n' && ks - ls < 3 * NOTE_MAX)
		ls--;
	for (size_t i = ls; i < ks; i++)
		if (t[i] != ' ' && t[i] != '\t')
			return memmem(t + ls, ks - ls, "login ", 6) != NULL;
	return ident; /* "password x" alone on a line is prose as often as not */
}

/* A glued key (cpassword, passout) with no ':' or '=': a flag or a line. */
static bool key_no_separator(const char *t, size_t len, size_t ks, size_t ke, size_t p,
			     det_span *out)
{
	if (p >= len || p == ke || !det_pw_take(t, len, p, 0, out))
		return false;
	if (det_pw_is_flag(t, ks))
		return flag_value(t, len, out);
	return config_line(t, len, ks, p, out, true);
}

/* A '|' between keyword and value makes a table row when a '|' opens the
 * keyword's cell or closes the value's, or the value ends the line. */
static bool pipe_cell(const char *t, size_t len, size_t ks, size_t e)
{
	size_t b = ks;

	while (b > 0 && ks - b < LOOK_MAX && (t[b - 1] == ' ' || t[b - 1] == '\t'))
		b--;
	if (b > 0 && t[b - 1] == '|')
		return true;
	e = det_pw_skip_blank(t, len, e);
	return e >= len || t[e] == '|' || t[e] == '\r' || t[e] == '\n';
}

static bool no_separator(const char *t, size_t len, size_t ks, size_t ke, size_t p,
			 det_span *out)
{
	size_t i;
	unsigned up = 0, lo = 0, dig = 0, sym = 0;

	if (p >= len || p == ke || !det_pw_take(t, len, p, 0, out) || !pass_ok(t, ks, ke, false, out))
		return false;
	if (memchr(t + ke, '\t', p - ke))
		return true; /* the next cell */
	if (memchr(t + ke, '|', p - ke))
		return pipe_cell(t, len, ks, out->e); /* not "echo パスワード | sudo -S x" */
	if (pin_keyword(t + ks, ke - ks) && out->e - out->s >= 4 && out->e - out->s <= 8 &&
	    det_all_digits(t + out->s, out->e - out->s))
		return true; /* "暗証番号　8392": a PIN needs no separator */
	if (value_alone(t, len, out->e) &&
	    ((unsigned char)t[ke - 1] >= 0x80 || p - ke >= 2 || pw_abbrev(t + ks, ke - ks)))
		return !word_after_space(t, len, ks, ke, p, out);
		/* "パスワード　x", "PW x", an aligned column "Password    x" */
	if (det_pw_is_flag(t, ks))
		return flag_value(t, len, out); /* -Password x, /pass x, -pw x */
	if (config_line(t, len, ks, p, out, false))
		return true;
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

/* "password of the admin account is x", "password for the zip file: x":
 * the separator after a short phrase of ASCII words; else p. */
static size_t skip_of(const char *t, size_t len, size_t p)
{
	size_t e;

	if (!(p + 3 < len && (g_ascii_strncasecmp(t + p, "of ", 3) == 0 ||
			      g_ascii_strncasecmp(t + p, "for ", 4) == 0)))
		return p;
	for (e = p; e < len && e - p < 3 * NOTE_MAX; e++) {
		if (t[e] == ':' || (e + 4 <= len && g_ascii_strncasecmp(t + e, " is ", 4) == 0))
			return t[e] == ':' ? e : e + 1;
		if (!g_ascii_isalnum(t[e]) && !strchr(" \\_-.'", t[e]))
			break;
	}
	return p;
}

/*
 * A sentence that hands over a password (the PPAP mail: "先ほどのZIPファイルの
 * パスワードをお知らせします。", "The password is below."), then, after at most
 * one blank line, the value alone on its line.  The sentence must carry a
 * cue that the value follows and nothing that says a different thing
 * follows (an error message, a log, steps).
 */
static const char *const next_cues[] = {
	"以下", "下記", "次の", "お知らせ", "お送り", "送付", "ご連絡", "連絡します", "になります",
	"です", "below", "following", "follows", "here is", "here's", NULL};
static const char *const next_not[] = {
	"エラー", "メッセージ", "ログ", "手順", "方法", "コマンド", "画面", "表示", "結果", "ポリシー",
	"error", "message", "log", "step", "command", "screen", "output", "result", "policy",
	"prompt", "expire", "期限", "忘れ", NULL};

static bool line_has(const char *t, size_t a, size_t b, const char *const *words)
{
	for (const char *const *w = words; *w; w++) {
		size_t n = strlen(*w);

		for (size_t i = a; i + n <= b; i++)
			if (g_ascii_strncasecmp(t + i, *w, n) == 0)
				return true;
	}
	return false;
}

/* The line [ls, le) is the keyword [ks, ke) alone (a label line: a table
 * rendered one cell per line), maybe after a Japanese qualifier (初期, 仮). */
static bool keyword_alone(const char *t, size_t ls, size_t le, size_t ks, size_t ke)
{
	for (size_t i = ls; i < ks; i++)
		if ((unsigned char)t[i] < 0x80 && !strchr(" \t[*#(-", t[i]))
			return false;
	for (size_t i = skip_closer(t, le, ke); i < le; i++)
		if (!strchr(" \t\r:", t[i]))
			return false;
	return true;
}

/* The line goes on after the keyword to a ':' that ends it ("Password for
 * the attached zip:"): the value is on the next line. */
static bool ends_colon(const char *t, size_t ke, size_t le)
{
	while (le > ke && (t[le - 1] == ' ' || t[le - 1] == '\r'))
		le--;
	return le > ke && t[le - 1] == ':';
}

static bool next_line_value(const char *t, size_t len, size_t ks, size_t ke, det_span *out)
{
	size_t ls = ks, le = ke, vs, ve, nl = 0;
	bool quoted;

	while (ls > 0 && t[ls - 1] != '\n' && ks - ls < 3 * LINE_CUE_MAX)
		ls--;
	while (le < len && t[le] != '\n' && le - ke < 3 * LINE_CUE_MAX)
		le++;
	if (le >= len || t[le] != '\n' ||
	    !(keyword_alone(t, ls, le, ks, ke) || ends_colon(t, ke, le) ||
	      (line_has(t, ls, le, next_cues) && !line_has(t, ls, le, next_not))))
		return false;
	/* blank lines: one in text, the empty paragraphs of HTML; in a quoted
	 * copy ("> " before the keyword) the quote marks too */
	quoted = ls < ks && t[ls] == '>';
	for (vs = le; vs < len && vs - le < 4 * NOTE_MAX &&
		      (strchr(" \t\r\n", t[vs]) || (quoted && t[vs] == '>'));
	     vs++)
		nl += t[vs] == '\n';
	if (nl > 8 || vs >= len)
		return false;
	for (ve = vs; ve < len && t[ve] != '\n' && t[ve] != '\r' && ve - vs <= VALUE_MAX; ve++)
		;
	while (ve > vs && t[ve - 1] == ' ')
		ve--;
	if (ve <= vs || memchr(t + vs, ' ', ve - vs) || (ve - vs > 2 && t[vs] == '0' && t[vs + 1] == 'x'))
		return false;
	out->s = vs;
	out->e = ve;
	return det_value_ok(t, len, vs, ve, 0);
}

/* "is" then a lower-case word and more words: "PW is case sensitive". */
static bool is_phrase(const char *t, size_t len, size_t q, const det_span *v)
{
	size_t e = v->e;

	if (!(t[q] == 'i' || t[q] == 'I'))
		return false;
	for (size_t i = v->s; i < v->e; i++)
		if (!g_ascii_islower(t[i]))
			return false;
	while (e < len && t[e] == ' ')
		e++;
	return e > v->e && e < len && g_ascii_islower(t[e]);
}

static bool value_at(const char *t, size_t len, size_t ks, size_t ke, bool ident, det_span *out)
{
	size_t p = ke, q, sl;
	bool strict, multi;

	if (p < len && t[p] == '>' && xml_open_tag(t, ks)) /* <Password>x</Password> */
		return xml_value(t, len, p + 1, out);
	if (p < len && (t[p] == '"' || t[p] == '\''))
		p++;
	p = det_pw_skip_blank(t, len, skip_closer(t, len, p));
	if (p < len && t[p] == '|' && p + 1 < len && t[p + 1] == ' ')
		return no_separator(t, len, ks, ke, det_pw_skip_blank(t, len, p + 1), out); /* | cell | */
	if (p > ke || (unsigned char)t[ke - 1] >= 0x80) /* "password(" is a call, not a note */
		p = skip_note(t, len, p);
	if (p + 5 < len && g_ascii_strncasecmp(t + p, "value", 5) == 0) /* key="Password" value="x" */
		p = det_pw_skip_blank(t, len, p + 5);
	if (!ident)
		p = skip_of(t, len, p);
	sl = separator(t, len, p, &strict, &multi);
	if ((ident || (ks > 0 && g_ascii_isalpha(t[ks - 1]))) && sl && t[p] != ':' && t[p] != '=' &&
	    !reg_type(t, len, p))
		return false; /* ProxyPassword, cpassword are keys: no "is", "は" */
	if (ident && !sl)
		return key_no_separator(t, len, ks, ke, p, out);
	if (ks > 0 && g_ascii_isalpha(t[ks - 1]) && !sl)
		return false;
	if (!sl && !ident && (q = set_to(t, len, ks, p)) != p)
		return det_pw_take(t, len, q, 0, out); /* "changed the password to x" */
	if (!sl && (unsigned char)t[ke - 1] >= 0x80 && det_pw_ja_quoted(t, len, p, out))
		return true; /* パスワード「x」でログイン */
	if (!sl)
		return no_separator(t, len, ks, ke, p, out) || next_line_value(t, len, ks, ke, out) ||
		       ((unsigned char)t[ke - 1] >= 0x80 && det_pw_ja_set_value(t, len, ke, out));
	q = p;
	p = det_pw_skip_blank(t, len, p + sl);
	if (t[q] != ':' && t[q] != '=' && p + 3 <= len && memcmp(t + p, "、", 3) == 0)
		p = det_pw_skip_blank(t, len, p + 3); /* "パスワードは、x です" */
	if (t[q] != ':' && t[q] != '=' && p < len && t[p] == ':') /* "is:", "は：" */
		p = det_pw_skip_blank(t, len, p + 1);
	if (t[q] != ':' && t[q] != '=')
		p = pointer_phrase(t, len, p); /* "パスワードは以下の通りです。" + next line */
	if (multi && p < len && (t[p] == '\n' || t[p] == '\r')) {
		p += t[p] == '\r' && p + 1 < len && t[p + 1] == '\n' ? 2 : 1;
		p = det_pw_skip_blank(t, len, p);
	}
	if (p < len && (det_pw_after_slash(t, ks) || det_pw_after_and(t, ks))) /* ID/PW: name / secret */
		p = det_pw_second_of_pair(t, len, p);
	if (p < len && det_pw_take(t, len, p, 0, out) && pass_ok(t, ks, ke, t[q] == '=', out) &&
	    !is_phrase(t, len, q, out) && !(t[q] != ':' && t[q] != '=' && det_pw_ja_particle(t, len, out)))
		return det_pw_is_flag(t, ks) ? flag_value(t, len, out) : true;
	return !ident && t[q] != '=' && next_line_value(t, len, ks, ke, out);
}

/* After a keyword ending at ke (started at ks): the value span, if any. */
bool det_password_value(const char *t, size_t len, size_t ks, size_t ke, det_span *out)
{
	return value_at(t, len, ks, ke, false, out);
}

bool det_password_key_value(const char *t, size_t len, size_t ks, size_t ke, det_span *out)
{
	return value_at(t, len, ks, ke, true, out);
}

static gint by_start(gconstpointer a, gconstpointer b)
{
	const det_span *x = a, *y = b;

	return x->s < y->s ? -1 : x->s > y->s;
}

int det_scan_password(const det *d, const sm_view *v, const sm_scan_ctx *ctx, det_out *out)
{
	/* the keyword values were taken by the prefilter pass (det_pre_scan) */
	GArray *spans = out->pw_spans ? out->pw_spans : g_array_new(FALSE, FALSE, sizeof(det_span));
	size_t i, last_end = 0;

	out->pw_spans = spans;  /* freed by the caller */
	det_cmd_forms(v, out->lits, &out->occ, spans);
	det_pipe_forms(v, out->lits, spans);
	det_pw_file(ctx->part_name, v, spans);
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
