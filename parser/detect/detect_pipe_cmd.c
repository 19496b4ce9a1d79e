/*
 * detect_pipe_cmd.c - the words of a command line and the readers of a
 * password on standard input, for the pipe forms (detect_pipe.c).
 *
 * A command is read word by word: quotes ' " “” ‘’ kept around a word, blanks
 * and line continuations (\ ^ ` before a line end) skipped, redirections
 * (>x, 2>&1, > file) skipped; it ends at a line end, | ; & ) <, Japanese
 * text or its bound.  Before the reader: a shell prompt and wrappers (sudo
 * without -S and its options, cmd /c, powershell -c, env, exec, time,
 * nohup, doas, ssh HOST; a quoted command line inside them).  Readers:
 * runas, kinit, *passwd (chpasswd and chgpasswd: NAME:SECRET lines),
 * sshpass without -p -f -d -e, net user NAME *, sudo -S (or --stdin, or S
 * in a cluster), and any command with a flag naming a password or token
 * that puts it on standard input (--password-stdin, --pass-stdin,
 * --with-token, -passin stdin, --password-file=/dev/stdin, -passin fd:0)
 * or a lone - after login or secret.
 *
 * Untrusted input: the view.  Limits: the caller's bound on the command
 * (CMD_MAX bytes), WORDS_MAX words of options or arguments, WRAP_MAX
 * wrappers.
 */
#include "detect_pipe.h"

#define WRAP_MAX 4

/* Ends a command, or a word: a line end, | ; & ) < and non-ASCII text. */
static bool is_end(char c)
{
	return c == '\n' || c == '\r' || c == '|' || c == ';' || c == '&' || c == ')' || c == '<' ||
	       c == '\0' || (unsigned char)c >= 0x80;
}

/* Blanks and line continuations (\ ^ ` before a line end) from p on. */
size_t det_pipe_skip_blank(const char *t, size_t lim, size_t p)
{
	for (;;) {
		size_t q;

		while (p < lim && det_pipe_blank(t[p]))
			p++;
		if (p >= lim || (t[p] != '\\' && t[p] != '^' && t[p] != '`'))
			return p;
		q = p + 1;
		if (q < lim && t[q] == '\r')
			q++;
		if (q >= lim || t[q] != '\n')
			return p;
		for (p = q + 1; p < lim && t[p] == '>'; p++)
			; /* the marks of a quoted reply on the continued line */
	}
}

/* A redirection at p (>x, >>x, 2>&1, 2>/dev/null, > file): its end, or p. */
static size_t redirection(const char *t, size_t lim, size_t p)
{
	size_t q = p;

	if (q < lim && g_ascii_isdigit(t[q]))
		q++;
	if (q >= lim || t[q] != '>')
		return p;
	while (q < lim && (t[q] == '>' || t[q] == '&'))
		q++;
	q = det_pipe_skip_blank(t, lim, q);
	while (q < lim && !det_pipe_blank(t[q]) && !is_end(t[q]))
		q++;
	return q;
}

/* The closing quote for a typographic opening one at p (“ ‘), or NULL. */
static const char *smart_quote(const char *t, size_t lim, size_t p)
{
	if (lim - p < 6 || (unsigned char)t[p] != 0xe2 || (unsigned char)t[p + 1] != 0x80)
		return NULL;
	if ((unsigned char)t[p + 2] == 0x9c)
		return "\xe2\x80\x9d";
	return (unsigned char)t[p + 2] == 0x98 ? "\xe2\x80\x99" : NULL;
}

/* The next word of c into [*s, *e), quotes kept, redirections skipped;
 * false at the end of the command. */
bool det_pipe_word(det_cmd *c, size_t *s, size_t *e)
{
	const char *t = c->t;
	size_t p = det_pipe_skip_blank(t, c->lim, c->p), r;

	while ((r = redirection(t, c->lim, p)) > p)
		p = det_pipe_skip_blank(t, c->lim, r);
	c->p = p;
	if (p >= c->lim || (is_end(t[p]) && !smart_quote(t, c->lim, p)))
		return false;
	*s = p;
	if (smart_quote(t, c->lim, p)) { /* “x” ‘x’: a word processor's quotes */
		const char *close = smart_quote(t, c->lim, p);
		const char *q = memmem(t + p + 3, c->lim - p - 3, close, 3);

		if (!q || memchr(t + p + 3, '\n', (size_t)(q - t) - p - 3))
			return false;
		p = (size_t)(q - t) + 3;
	} else if (t[p] == '"' || t[p] == '\'') {
		const char *q = memchr(t + p + 1, t[p], c->lim - p - 1);

		if (!q || memchr(t + p + 1, '\n', (size_t)(q - t) - p - 1))
			return false;
		p = (size_t)(q - t) + 1;
	} else {
		while (p < c->lim && !det_pipe_blank(t[p]) && !is_end(t[p]) && t[p] != '"' &&
		       t[p] != '\'')
			p++;
	}
	*e = c->p = p;
	return true;
}

static bool peek_word(const det_cmd *c, size_t *s, size_t *e)
{
	det_cmd k = *c;

	return det_pipe_word(&k, s, e);
}

/* A quoted word's inside. */
void det_pipe_unquote(const char *t, size_t *s, size_t *e)
{
	if (*e - *s >= 2 && (t[*s] == '"' || t[*s] == '\'') && t[*e - 1] == t[*s])
		(*s)++, (*e)--;
	else if (*e - *s >= 6 && smart_quote(t, *e, *s) &&
		 memcmp(t + *e - 3, smart_quote(t, *e, *s), 3) == 0)
		*s += 3, *e -= 3;
}

/* The command name of word [s, e): without quotes, path and .exe. */
static void cmd_name(const char *t, size_t *s, size_t *e)
{
	det_pipe_unquote(t, s, e);
	for (size_t i = *s; i < *e; i++)
		if (t[i] == '/' || t[i] == '\\')
			*s = i + 1;
	if (*e - *s > 4 && g_ascii_strncasecmp(t + *e - 4, ".exe", 4) == 0)
		*e -= 4;
}

/* A quoted word holding a blank is a command line (cmd /c "x y"): read
 * on inside it. */
static bool enter_quoted(det_cmd *c)
{
	size_t s, e;

	if (!peek_word(c, &s, &e) || (c->t[s] != '"' && c->t[s] != '\'') ||
	    !memchr(c->t + s, ' ', e - s))
		return false;
	c->p = s + 1;
	c->lim = e - 1;
	return true;
}

/* ------------------------------------------------------------ wrappers */

/* sudo's options: true if they hold -S (in a cluster too) or --stdin;
 * c is left at the command. */
static bool sudo_options(det_cmd *c)
{
	static const char *const long_args[] = {"--user", "--group", "--prompt", "--host", "--role",
						"--type", "--other-user", "--chdir", "--close-from",
						"--command-timeout", "--chroot", NULL};
	size_t s, e;
	bool stdin_opt = false;

	for (int n = 0; n < WORDS_MAX && peek_word(c, &s, &e) && c->t[s] == '-'; n++) {
		det_pipe_word(c, &s, &e);
		if (det_pipe_word_is(c->t, s, e, "--"))
			break;
		if (e - s > 1 && c->t[s + 1] == '-') {
			stdin_opt = stdin_opt || det_pipe_word_is(c->t, s, e, "--stdin");
			for (const char *const *a = long_args; *a; a++)
				if (det_pipe_word_is(c->t, s, e, *a))
					det_pipe_word(c, &s, &e);
			continue;
		}
		for (size_t i = s + 1; i < e; i++) {
			if (c->t[i] == 'S')
				stdin_opt = true;
			if (strchr("ugpChrtUDTR", c->t[i])) {
				if (i + 1 == e)
					det_pipe_word(c, &s, &e); /* the option's argument */
				break;
			}
		}
	}
	return stdin_opt;
}

/* cmd /c, powershell -c, ssh HOST and the like at word [s, e) (read):
 * skip their options; false if the word is no wrapper. */
static bool wrapper(det_cmd *c, size_t s, size_t e)
{
	const char *t = c->t;
	size_t ws, we;

	if (det_pipe_word_is(t, s, e, "cmd")) {
		while (peek_word(c, &ws, &we) && t[ws] == '/' && we - ws <= 5)
			det_pipe_word(c, &ws, &we);
	} else if (det_pipe_word_is(t, s, e, "powershell") || det_pipe_word_is(t, s, e, "pwsh")) {
		while (peek_word(c, &ws, &we) && t[ws] == '-') {
			det_pipe_word(c, &ws, &we);
			if (det_pipe_word_is(t, ws, we, "-c") ||
			    det_pipe_word_is(t, ws, we, "-command"))
				break;
			if (det_pipe_word_is(t, ws, we, "-executionpolicy") ||
			    det_pipe_word_is(t, ws, we, "-ep"))
				det_pipe_word(c, &ws, &we);
		}
		c->p = det_pipe_skip_blank(t, c->lim, c->p);
		if (c->p < c->lim && t[c->p] == '{')
			c->p++;
	} else if (det_pipe_word_is(t, s, e, "ssh")) {
		while (peek_word(c, &ws, &we) && t[ws] == '-') {
			det_pipe_word(c, &ws, &we);
			if (we - ws == 2 && strchr("bcDEeFIiJLlmOopQRSWw", t[ws + 1]))
				det_pipe_word(c, &ws, &we);
		}
		if (!det_pipe_word(c, &ws, &we)) /* the host */
			return false;
	} else if (det_pipe_word_is(t, s, e, "env")) {
		while (peek_word(c, &ws, &we) && (t[ws] == '-' || memchr(t + ws, '=', we - ws)))
			det_pipe_word(c, &ws, &we);
	} else if (!det_pipe_word_is(t, s, e, "exec") && !det_pipe_word_is(t, s, e, "time") &&
		   !det_pipe_word_is(t, s, e, "nohup") && !det_pipe_word_is(t, s, e, "command") &&
		   !det_pipe_word_is(t, s, e, "doas")) {
		return false;
	}
	enter_quoted(c);
	return true;
}

/* A shell prompt as the first word: $ # % > C:\> PS C:\x> */
void det_pipe_skip_prompt(det_cmd *c)
{
	size_t s, e;
	det_cmd k;

	while (c->p < c->lim && (c->t[c->p] == '>' || det_pipe_blank(c->t[c->p])))
		c->p++; /* the marks of a quoted reply */
	k = *c;

	if (!det_pipe_word(&k, &s, &e))
		return;
	if (det_pipe_word_is(c->t, s, e, "PS") && det_pipe_word(&k, &s, &e) && c->t[e - 1] == '>')
		*c = k;
	else if (det_pipe_word_is(c->t, s, e, "$") || det_pipe_word_is(c->t, s, e, "#") ||
		 det_pipe_word_is(c->t, s, e, "%") ||
		 (e - s >= 3 && c->t[e - 1] == '>' && c->t[s + 1] == ':'))
		*c = k;
}

/* ------------------------------------------------------------ readers */

/* Does the flag [s, e) name a password, passphrase or token? */
static bool secret_flag(const char *t, size_t s, size_t e)
{
	char w[48];
	size_t n = 0;

	for (size_t i = s; i < e && n + 1 < sizeof(w) && t[i] != '='; i++)
		w[n++] = g_ascii_tolower(t[i]);
	w[n] = '\0';
	return strstr(w, "pass") || strstr(w, "token");
}

/* Is [s, e) the standard input as a flag's value?  fd: the flag ends in fd. */
static bool stdin_value(const char *t, size_t s, size_t e, bool fd)
{
	det_pipe_unquote(t, &s, &e);
	return det_pipe_word_is(t, s, e, "stdin") || det_pipe_word_is(t, s, e, "/dev/stdin") ||
	       det_pipe_word_is(t, s, e, "-") || det_pipe_word_is(t, s, e, "fd:0") ||
	       (fd && det_pipe_word_is(t, s, e, "0"));
}

/* The flag at [s, e) (read) says the password is on standard input;
 * *first: the command reads more than the password from it. */
static bool stdin_flag(det_cmd *c, size_t s, size_t e, bool *first)
{
	const char *t = c->t;
	const char *eq = memchr(t + s, '=', e - s);
	size_t ne = eq ? (size_t)(eq - t) : e, vs, ve;
	bool fd = ne - s > 2 && g_ascii_strncasecmp(t + ne - 2, "fd", 2) == 0;

	if (det_pipe_word_is(t, s, e, "--with-token"))
		return true;
	if (!secret_flag(t, s, ne))
		return false;
	if (ne - s > 6 && g_ascii_strncasecmp(t + ne - 6, "-stdin", 6) == 0)
		return true; /* --password-stdin, --pass-stdin */
	*first = true;
	if (eq)
		return stdin_value(t, ne + 1, e, fd);
	return peek_word(c, &vs, &ve) && stdin_value(t, vs, ve, fd);
}

/* The words after a command's name: a flag that puts its password on
 * standard input, or a lone - after login or secret. */
static det_reader generic(det_cmd *c)
{
	size_t s, e;
	bool login = false, first = false;

	for (int n = 0; n < WORDS_MAX && det_pipe_word(c, &s, &e); n++) {
		if (det_pipe_word_is(c->t, s, e, "-") && login)
			return R_ALL;
		login = login || det_pipe_word_is(c->t, s, e, "login") ||
			det_pipe_word_is(c->t, s, e, "secret");
		if (c->t[s] == '-' && e - s > 2 && stdin_flag(c, s, e, &first))
			return first ? R_FIRST : R_ALL;
	}
	return R_NONE;
}

/* sshpass reads the password from standard input without -p -f -d -e. */
static det_reader sshpass(det_cmd *c)
{
	size_t s, e;

	for (int n = 0; n < WORDS_MAX && peek_word(c, &s, &e) && c->t[s] == '-'; n++) {
		if (e - s >= 2 && strchr("pfde", c->t[s + 1]))
			return R_NONE;
		det_pipe_word(c, &s, &e);
	}
	return R_ALL;
}

/* net user NAME * */
static det_reader net_user(det_cmd *c)
{
	size_t s, e;

	if (!det_pipe_word(c, &s, &e) || !det_pipe_word_is(c->t, s, e, "user") ||
	    !det_pipe_word(c, &s, &e))
		return R_NONE;
	return det_pipe_word(c, &s, &e) && det_pipe_word_is(c->t, s, e, "*") ? R_ALL : R_NONE;
}

/* The command name [s, e) and what follows it in c. */
static det_reader reader_named(det_cmd *c, size_t s, size_t e)
{
	const char *t = c->t;

	if (e - s >= 6 && g_ascii_strncasecmp(t + e - 6, "passwd", 6) == 0)
		return det_pipe_word_is(t, s, e, "chpasswd") ||
			       det_pipe_word_is(t, s, e, "chgpasswd")
			   ? R_PAIRS
			   : R_ALL;
	if (det_pipe_word_is(t, s, e, "runas") || det_pipe_word_is(t, s, e, "kinit"))
		return R_ALL;
	if (det_pipe_word_is(t, s, e, "sshpass"))
		return sshpass(c);
	if (det_pipe_word_is(t, s, e, "net"))
		return net_user(c);
	return generic(c);
}

/* The reader the command in c starts with, wrappers skipped. */
det_reader det_pipe_reader(det_cmd *c)
{
	size_t s, e;

	det_pipe_skip_prompt(c);
	for (int w = 0; w <= WRAP_MAX; w++) {
		if (!det_pipe_word(c, &s, &e))
			return R_NONE;
		cmd_name(c->t, &s, &e);
		if (s >= e)
			return R_NONE;
		if (det_pipe_word_is(c->t, s, e, "sudo")) {
			if (sudo_options(c))
				return R_FIRST;
			continue;
		}
		if (!wrapper(c, s, e))
			return reader_named(c, s, e);
	}
	return R_NONE;
}
