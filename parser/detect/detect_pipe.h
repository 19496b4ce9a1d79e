/*
 * detect_pipe.h - internal to the pipe forms of the password detector
 * (detect_pipe.c: sources, values, the scans; detect_pipe_cmd.c: the words
 * of a command line and the readers of a password on standard input).
 */
#ifndef SM_DETECT_PIPE_H
#define SM_DETECT_PIPE_H

#include "detect_int.h"

#define CMD_MAX 300  /* bytes of a command read on either side of a pipe */
#define WORDS_MAX 32 /* words of a command read */

/* Readers: how many lines of their input are secrets, and their shape:
 * the first (sudo -S passes the rest on), every one, NAME:SECRET lines. */
typedef enum { R_NONE, R_FIRST, R_ALL, R_PAIRS } det_reader;

/* One command being read: the text, its bound, the read position. */
typedef struct det_cmd {
	const char *t;
	size_t lim;
	size_t p;
} det_cmd;

static inline bool det_pipe_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* t[s, e) is w, ASCII case ignored. */
static inline bool det_pipe_word_is(const char *t, size_t s, size_t e, const char *w)
{
	return e - s == strlen(w) && g_ascii_strncasecmp(t + s, w, e - s) == 0;
}

/* Blanks and line continuations (\ ^ ` before a line end; the > marks of
 * a quoted reply after it) from p on. */
size_t det_pipe_skip_blank(const char *t, size_t lim, size_t p);
/* The next word of c into [*s, *e), quotes kept, redirections skipped;
 * false at the end of the command (a line end, | ; & ) <, non-ASCII text,
 * the bound). */
bool det_pipe_word(det_cmd *c, size_t *s, size_t *e);
/* A quoted word's inside. */
void det_pipe_unquote(const char *t, size_t *s, size_t *e);
/* A quoted reply's > marks and a shell prompt as the first word ($ # %
 * C:\> PS C:\x>): skipped. */
void det_pipe_skip_prompt(det_cmd *c);
/* The reader the command in c starts with (a prompt and wrappers skipped:
 * sudo, cmd /c, powershell -c, env, exec, ssh HOST); c read past it. */
det_reader det_pipe_reader(det_cmd *c);

#endif
