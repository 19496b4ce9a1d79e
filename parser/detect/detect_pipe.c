/*
 * detect_pipe.c - a secret fed to a credential-reading command through its
 * standard input: the pipe forms of the password detector's command
 * catalogue (detect_cmd.c holds the fixed forms).
 *
 * The form is structure, not sentences: a source of a value, a pipe or a
 * redirection, and a command known to read a secret from standard input.
 *   - sources before a pipe (|, not ||): echo (-n -e), printf (a %s format
 *     and its arguments, or the format itself: 'pw\npw\n' is two lines),
 *     Write-Output, Write-Host, cat <<< VALUE, cmd's set /p=VALUE (after
 *     echo|, a value without a line end), a quoted string at the start of
 *     a PowerShell statement, a group of them ((echo pw; echo pw));
 *   - redirections after the reader: a here-string (<<< VALUE, <<<"VALUE")
 *     and a here-document (<<EOF, <<-'EOF': its lines up to the delimiter,
 *     which must be there), also as cat <<EOF | READER;
 *   - readers: runas, kinit, passwd and every *passwd tool (chpasswd and
 *     chgpasswd read NAME:SECRET lines: the part after the first colon),
 *     sshpass without -p/-f/-d/-e, net user NAME *, sudo with -S or
 *     --stdin, and any command given a flag that puts its password on
 *     standard input (--password-stdin, --pass-stdin, --with-token,
 *     -passin stdin, --password-file=/dev/stdin, --passphrase-fd 0) or a
 *     lone - after login or secret (vault login -, docker secret create X -);
 *   - around them: wrappers before the reader (sudo without -S, cmd /c,
 *     powershell -c, env, exec, ssh HOST, a path, .exe, a quoted command
 *     line), a shell prompt ($, #, C:\>, PS C:\>), quotes ' " or none, | with
 *     or without spaces, redirections (2>&1), line continuations (\ ^ `),
 *     && and ; chains, Japanese text before or after; the view folds the
 *     full-width forms an IME writes (｜ ＂ ＄).
 * A value is judged as after "password:" (det_password_looks_secret: no
 * placeholder such as $X %X% <x> ****, path, prose word, code or label; one
 * ASCII token); the text after it is the structure read here, not prose.
 * A reader that passes the rest of its input on (sudo -S, openssl, gpg)
 * takes the first line only, the others every line.  Not readers: mysql and
 * psql (their input is SQL), tee, grep and every other command.  The forms
 * run where one of PIPE_LITS occurs (stdin, passwd, kinit, " -S", /user:
 * of runas, net user, sshpass, login, secret): a line with none of them
 * (sudo -kS, gpg --passphrase-fd 0 alone) is not read.
 *
 * The words of a command and the table of readers are detect_pipe_cmd.c's.
 *
 * Untrusted input: the view.  Limits: a command is read up to CMD_MAX bytes
 * on either side of its pipe or redirection, WORDS_MAX words each (wrappers
 * WRAP_MAX deep: detect_pipe_cmd.c); a group or a here-document up to
 * LINES_MAX lines; values at most VALUE_MAX bytes.  Runs only when one of
 * PIPE_LITS occurs.
 */
#include "detect_pipe.h"

#define LINES_MAX 8

/* ------------------------------------------------------------ values */

static void take(const char *t, size_t s, size_t e, det_reader r, GArray *spans)
{
	det_span sp;

	if (r == R_PAIRS) {
		const char *colon = memchr(t + s, ':', e - s);

		if (!colon)
			return;
		s = (size_t)(colon - t) + 1;
	}
	/* nothing after the value is read: it is the structure around it */
	if (e > s && e - s <= VALUE_MAX && det_password_looks_secret(t, e, s, e)) {
		sp.s = s;
		sp.e = e;
		g_array_append_val(spans, sp);
	}
}

/* The lines of a written value [s, e): pieces between \n escapes (or the
 * one piece when !esc); the first only for R_FIRST. */
static void take_lines(const char *t, size_t s, size_t e, bool esc, det_reader r, GArray *spans)
{
	unsigned n = 0;

	det_pipe_unquote(t, &s, &e);
	while (n++ < LINES_MAX) {
		size_t q = s;

		while (esc && q + 1 < e && !(t[q] == '\\' && (t[q + 1] == 'n' || t[q + 1] == 'r')))
			q++;
		if (!esc || q + 1 >= e)
			q = e;
		take(t, s, q, r, spans);
		if (r == R_FIRST || q >= e)
			return;
		s = q + 2;
		while (s + 1 < e && t[s] == '\\' && (t[s + 1] == 'n' || t[s + 1] == 'r'))
			s += 2; /* \r\n, \n\n */
	}
}

typedef enum { S_NONE, S_ECHO, S_PRINTF, S_CAT, S_SET } source;

/* The source command named by the word at c->p (read): echo, @echo,
 * printf, Write-Output, Write-Host, cat, set (cmd's echo|set /p=x|, a
 * value without a line end); S_NONE for any other word. */
static source source_word(det_cmd *c)
{
	const char *t = c->t;
	size_t s, e;

	if (!det_pipe_word(c, &s, &e))
		return S_NONE;
	if (s > 0 && (g_ascii_isalnum(t[s - 1]) || t[s - 1] == '-' || t[s - 1] == '_' ||
		      t[s - 1] == '.' || t[s - 1] == '$'))
		return S_NONE; /* inside a word */
	if (s > 0 && t[s - 1] == '@')
		s--; /* @echo */
	if (det_pipe_word_is(t, s, e, "cat"))
		return S_CAT;
	if (det_pipe_word_is(t, s, e, "printf"))
		return S_PRINTF;
	if (det_pipe_word_is(t, s, e, "set"))
		return S_SET;
	if (det_pipe_word_is(t, s, e, "echo") || det_pipe_word_is(t, s, e, "@echo") ||
	    det_pipe_word_is(t, s, e, "write-output") || det_pipe_word_is(t, s, e, "write-host"))
		return S_ECHO;
	return S_NONE;
}

/* printf's words vs[0, n): a %s (%b) format and its arguments, or the
 * format as the text. */
static void printf_values(const char *t, const size_t *vs, const size_t *ve, unsigned n,
			  det_reader r, GArray *spans)
{
	unsigned f = det_pipe_word_is(t, vs[0], ve[0], "--") ? 1 : 0;
	const char *pct;

	if (f >= n)
		return;
	pct = memchr(t + vs[f], '%', ve[f] - vs[f]);
	if (!pct) {
		take_lines(t, vs[f], ve[f], true, r, spans);
		return;
	}
	if (pct + 1 >= t + ve[f] || (pct[1] != 's' && pct[1] != 'b'))
		return;
	for (unsigned i = f + 1; i < n && (i == f + 1 || r != R_FIRST); i++)
		take_lines(t, vs[i], ve[i], pct[1] == 'b', r, spans);
}

/* The source command at c->p that ends with c (at the pipe): its values
 * into spans.  S_NONE if no source command is named there. */
static source source_cmd(det_cmd *c, det_reader r, GArray *spans)
{
	const char *t = c->t;
	size_t vs[WORDS_MAX], ve[WORDS_MAX];
	unsigned n = 0, i;
	source k = source_word(c);

	if (k == S_CAT) { /* cat <<< VALUE */
		c->p = det_pipe_skip_blank(t, c->lim, c->p);
		if (c->lim - c->p >= 3 && memcmp(t + c->p, "<<<", 3) == 0 && (c->p += 3) &&
		    det_pipe_word(c, &vs[0], &ve[0]) && !det_pipe_word(c, &vs[1], &ve[1]) &&
		    c->p >= c->lim)
			take_lines(t, vs[0], ve[0], false, r, spans);
		return k;
	}
	if (k == S_SET) { /* set /p=VALUE, set /p="VALUE" */
		if (det_pipe_word(c, &vs[0], &ve[0]) && ve[0] - vs[0] >= 3 &&
		    g_ascii_strncasecmp(t + vs[0], "/p=", 3) == 0 &&
		    (ve[0] - vs[0] > 3 || det_pipe_word(c, &vs[0], &ve[0])) &&
		    !det_pipe_word(c, &vs[1], &ve[1]) && c->p >= c->lim)
			take_lines(t, t[vs[0]] == '/' ? vs[0] + 3 : vs[0], ve[0], false, r, spans);
		return k;
	}
	while (k != S_NONE && n < WORDS_MAX && det_pipe_word(c, &vs[n], &ve[n]))
		n++;
	if (k == S_NONE || c->p < c->lim || n == 0 || n == WORDS_MAX)
		return k; /* not ended by the pipe, or nothing written */
	if (k == S_PRINTF) {
		printf_values(t, vs, ve, n, r, spans);
		return k;
	}
	for (i = 0; i + 1 < n && t[vs[i]] == '-' && ve[i] - vs[i] <= 12; i++)
		; /* -n -e -ne -NoNewline */
	if (i + 1 == n) /* one word written: not prose, not a list */
		take_lines(t, vs[i], ve[i], true, r, spans);
	return k;
}

/* Where the statement holding p starts on its line (after ; ( { | & < or
 * Japanese text), read back at most CMD_MAX bytes. */
static size_t stmt_start(const char *t, size_t p)
{
	size_t b = p > CMD_MAX ? p - CMD_MAX : 0;

	while (p > b && t[p - 1] != '\n' && t[p - 1] != '\r' && t[p - 1] != ';' &&
	       t[p - 1] != '(' && t[p - 1] != '{' && t[p - 1] != '|' && t[p - 1] != '&' &&
	       t[p - 1] != '<' && (unsigned char)t[p - 1] < 0x80)
		p--;
	return p;
}

/* The end of the command of a group at k: ; or & outside quotes, or e. */
static size_t segment_end(const char *t, size_t k, size_t e)
{
	char quote = 0;

	for (; k < e; k++) {
		if (quote ? t[k] == quote : t[k] == '"' || t[k] == '\'')
			quote = quote ? 0 : t[k];
		else if (!quote && (t[k] == ';' || t[k] == '&'))
			return k;
	}
	return e;
}

/* A quoted string alone before the pipe at p, at a statement's start
 * (PowerShell: 'pw' | docker login --password-stdin). */
static bool quoted_source(const char *t, size_t p, det_reader r, GArray *spans)
{
	size_t e = p, s, b;

	while (e > 0 && det_pipe_blank(t[e - 1]))
		e--;
	if (e < 2 || (t[e - 1] != '"' && t[e - 1] != '\''))
		return false;
	for (s = e - 1;
	     s > 0 && e - s <= VALUE_MAX + 2 && t[s - 1] != t[e - 1] && t[s - 1] != '\n';)
		s--;
	if (s == 0 || t[s - 1] != t[e - 1])
		return false;
	b = s - 1;
	while (b > 0 && det_pipe_blank(t[b - 1]))
		b--;
	if (b > 0 && !(t[b - 1] == '\n' || t[b - 1] == ';' || t[b - 1] == '(' || t[b - 1] == '{' ||
		       t[b - 1] == '>' || t[b - 1] == '"' || t[b - 1] == ':' ||
		       (unsigned char)t[b - 1] >= 0x80))
		return false;
	take_lines(t, s - 1, e, false, r, spans);
	return true;
}

/* The source that writes into the pipe at p: one command, or a group of
 * them in ( ); its values into spans. */
static void source_before(const char *t, size_t p, det_reader r, GArray *spans)
{
	size_t b = p > CMD_MAX ? p - CMD_MAX : 0, q = p, i;

	while (q > b && det_pipe_blank(t[q - 1]))
		q--;
	if (q > b && t[q - 1] == ')') { /* (echo pw; echo pw) | */
		size_t o = q - 1;

		while (o > b && t[o - 1] != '(' && t[o - 1] != '\n')
			o--;
		if (o == b || t[o - 1] != '(')
			return;
		for (size_t k = o, n = 0; k < q - 1 && n < LINES_MAX; n++) {
			det_cmd c = {t, segment_end(t, k, q - 1), k};

			source_cmd(&c, r, spans);
			k = c.lim;
			while (k < q - 1 && (t[k] == '&' || t[k] == ';' || det_pipe_blank(t[k])))
				k++;
			if (r == R_FIRST)
				break;
		}
		return;
	}
	if (quoted_source(t, p, r, spans))
		return;
	/* the nearest source command in the pipeline's stage before the pipe */
	for (i = q; i > b && t[i - 1] != '\n' && t[i - 1] != '|'; i--) {
		char f = g_ascii_tolower(t[i - 1]);
		det_cmd c = {t, p, i - 1};

		if ((f == 'e' || f == 'p' || f == 'w' || f == 'c' || f == 's') &&
		    source_cmd(&c, r, spans) != S_NONE)
			return;
	}
}

/* ------------------------------------------------------------ the scans */

/* Pipes: READER after the |, the source before it. */
static void pipes(const char *t, size_t len, GArray *spans)
{
	const char *x;

	for (size_t p = 0; p < len && (x = memchr(t + p, '|', len - p)); p = (size_t)(x - t) + 1) {
		size_t at = (size_t)(x - t);
		det_cmd c = {t, len - at - 1 > CMD_MAX ? at + 1 + CMD_MAX : len, at + 1};
		det_reader r;

		if ((at > 0 && t[at - 1] == '|') ||
		    (at + 1 < len && (t[at + 1] == '|' || t[at + 1] == '&')))
			continue;
		if ((r = det_pipe_reader(&c)) != R_NONE)
			source_before(t, at, r, spans);
	}
}

/* The reader whose command holds the redirection at r (read up to it). */
static det_reader reader_before(const char *t, size_t r)
{
	det_cmd c = {t, r, stmt_start(t, r)};

	return det_pipe_reader(&c);
}

/* A here-document's delimiter at p (after << and -): its span. */
static bool heredoc_word(const char *t, size_t len, size_t p, size_t *s, size_t *e)
{
	p = det_pipe_skip_blank(t, len, p);
	if (p < len && (t[p] == '\'' || t[p] == '"'))
		p++;
	*s = p;
	while (p < len && p - *s < 32 && (g_ascii_isalnum(t[p]) || t[p] == '_'))
		p++;
	*e = p;
	return p > *s;
}

/* The start of the line holding p, read back at most CMD_MAX bytes. */
static size_t stmt_line(const char *t, size_t p)
{
	size_t b = p > CMD_MAX ? p - CMD_MAX : 0;

	while (p > b && t[p - 1] != '\n')
		p--;
	return p;
}

/* The lines of the here-document after the line holding at, up to the
 * delimiter [ds, de) (which must come within LINES_MAX lines). */
static void heredoc_body(const char *t, size_t len, size_t at, size_t ds, size_t de, det_reader r,
			 GArray *spans)
{
	const char *nl = memchr(t + at, '\n', len - at > CMD_MAX ? CMD_MAX : len - at);
	size_t ls[LINES_MAX], le[LINES_MAX], p, n = 0;
	bool quoted = false;

	if (!nl)
		return;
	for (size_t b = stmt_line(t, at); b < at && t[b] == '>'; b++)
		quoted = true; /* the here-document is in a quoted reply */
	for (p = (size_t)(nl - t) + 1; p < len && n <= LINES_MAX;) {
		size_t s = p, e;

		while (p < len && p - s <= VALUE_MAX + 16 && t[p] != '\n')
			p++;
		e = p;
		if (p < len && t[p] != '\n')
			return; /* a line longer than any value */
		p++;
		while (s < e && (det_pipe_blank(t[s]) || (quoted && t[s] == '>')))
			s++; /* indentation, and a quoted reply's marks */
		while (e > s && (det_pipe_blank(t[e - 1]) || t[e - 1] == '\r'))
			e--;
		if (e - s == de - ds && memcmp(t + s, t + ds, de - ds) == 0) {
			for (size_t i = 0; i < n && (i == 0 || r != R_FIRST); i++)
				take(t, ls[i], le[i], r, spans);
			return;
		}
		if (n == LINES_MAX)
			return;
		ls[n] = s;
		le[n++] = e;
	}
}

/* cat <<EOF | READER: the reader, for the here-document at `at` whose
 * delimiter ends at e. */
static det_reader cat_into(const char *t, size_t len, size_t at, size_t e)
{
	det_cmd k = {t, at, stmt_start(t, at)}, c;
	size_t ws, we;

	det_pipe_skip_prompt(&k);
	if (!det_pipe_word(&k, &ws, &we) || !det_pipe_word_is(t, ws, we, "cat") ||
	    det_pipe_word(&k, &ws, &we))
		return R_NONE;
	c.t = t;
	c.p = det_pipe_skip_blank(t, len, e + (e < len && (t[e] == '\'' || t[e] == '"')));
	if (c.p >= len || t[c.p] != '|' || (c.p + 1 < len && t[c.p + 1] == '|'))
		return R_NONE;
	c.p++;
	c.lim = len - c.p > CMD_MAX ? c.p + CMD_MAX : len;
	return det_pipe_reader(&c);
}

/* Redirections: READER <<< VALUE, READER <<EOF, cat <<EOF | READER. */
static void redirections(const char *t, size_t len, GArray *spans)
{
	const char *x;

	for (size_t p = 0; p + 2 < len && (x = memmem(t + p, len - p, "<<", 2));
	     p = (size_t)(x - t) + 2) {
		size_t at = (size_t)(x - t), s, e;
		det_reader r;

		if (at + 2 < len && t[at + 2] == '<') { /* a here-string */
			det_cmd c = {t, len - at > CMD_MAX ? at + CMD_MAX : len, at + 3};

			if ((r = reader_before(t, at)) != R_NONE && det_pipe_word(&c, &s, &e))
				take_lines(t, s, e, false, r, spans);
			x++; /* past the third < */
			continue;
		}
		if (!heredoc_word(t, len, at + 2 + (at + 2 < len && t[at + 2] == '-'), &s, &e))
			continue;
		if ((r = reader_before(t, at)) == R_NONE && (r = cat_into(t, len, at, e)) == R_NONE)
			continue;
		heredoc_body(t, len, at, s, e, r, spans);
	}
}

void det_pipe_forms(const sm_view *v, det_lits lits, GArray *spans)
{
	if (!(lits & PIPE_LITS))
		return;
	pipes(v->text, v->len, spans);
	redirections(v->text, v->len, spans);
}
