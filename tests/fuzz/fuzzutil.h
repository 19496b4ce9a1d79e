/*
 * fuzzutil.h - shared by the fuzz harnesses (tests/fuzz/fuzz_*.c): invariant
 * checks that abort (libFuzzer and the replay driver both report an abort as
 * a crash, with the input saved), a strict JSON validator for what the
 * pipeline prints, the policy the message harness scans with, and helpers to
 * split a message into header block and body.
 *
 * Untrusted input: whatever the fuzzer produces.  Every loop is bounded by
 * the length of its buffer; the JSON validator by FUZZ_JSON_DEPTH.
 * Failure messages name the invariant only, never input bytes, so a crash
 * report cannot echo a secret the input happened to hold.
 */
#ifndef SM_FUZZUTIL_H
#define SM_FUZZUTIL_H

#include "scan.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 2024-12-01 00:00 UTC: SR dates in seeds are valid, and runs repeat. */
#define FUZZ_NOW ((time_t)1733011200)
#define FUZZ_JSON_DEPTH 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, what)                                                           \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz invariant violated: %s (%s:%d)\n", what,   \
				__FILE__, __LINE__);                                     \
			abort();                                                         \
		}                                                                        \
	} while (0)

/* The policy: $SM_FUZZ_CONF, else $SM_TOP/conf/support-milter.conf, else
 * conf/support-milter.conf.  Loaded once; kept for the process lifetime. */
static inline sm_policy *fuzz_policy(void)
{
	static sm_policy *p;
	char err[1024] = "";
	const char *env = getenv("SM_FUZZ_CONF");
	const char *top = getenv("SM_TOP");
	char *path;

	if (p)
		return p;
	if (env && *env)
		path = g_strdup(env);
	else
		path = g_build_filename(top && *top ? top : ".", "conf", "support-milter.conf", NULL);
	p = sm_policy_load(path, err, sizeof(err));
	if (!p) {
		fprintf(stderr, "fuzz: cannot load policy %s: %s\n", path, err);
		abort();
	}
	g_free(path);
	return p;
}

/* The same policy with 4 KiB windows (limits.scan_window_bytes), so that
 * fuzzer-sized inputs go through the window path of scan_window.c too. */
static inline sm_policy *fuzz_policy_windowed(void)
{
	static sm_policy *p;
	char err[1024] = "", path[] = "/tmp/sm-fuzz-conf-XXXXXX";
	const char *env = getenv("SM_FUZZ_CONF");
	const char *top = getenv("SM_TOP");
	char *src, *text = NULL, **lines;
	GString *g;
	int fd;

	if (p)
		return p;
	src = env && *env ? g_strdup(env)
			  : g_build_filename(top && *top ? top : ".", "conf", "support-milter.conf",
					     NULL);
	if (!g_file_get_contents(src, &text, NULL, NULL)) {
		fprintf(stderr, "fuzz: cannot read %s\n", src);
		abort();
	}
	g = g_string_new(NULL);
	lines = g_strsplit(text, "\n", -1);
	for (int i = 0; lines[i]; i++)
		g_string_append_printf(g, "%s\n", strstr(lines[i], "scan_window_bytes =")
							  ? "  scan_window_bytes = 4096;"
							  : lines[i]);
	fd = mkstemp(path);
	if (fd < 0 || write(fd, g->str, g->len) != (ssize_t)g->len) {
		fprintf(stderr, "fuzz: cannot write %s\n", path);
		abort();
	}
	close(fd);
	p = sm_policy_load(path, err, sizeof(err));
	unlink(path);
	if (!p) {
		fprintf(stderr, "fuzz: cannot load the windowed policy: %s\n", err);
		abort();
	}
	g_strfreev(lines);
	g_string_free(g, TRUE);
	g_free(text);
	g_free(src);
	return p;
}

static inline int fuzz_append(void *ud, const void *buf, size_t len)
{
	g_byte_array_append((GByteArray *)ud, buf, (guint)len);
	return 0;
}

/* ---------------------------------------------------------------- JSON */

typedef struct fuzz_json {
	const char *s;
	size_t i, n;
	const char *action;  /* the top-level "action" string value, unescaped bytes */
	size_t action_len;
} fuzz_json;

static bool fj_value(fuzz_json *j, int depth);

static inline void fj_ws(fuzz_json *j)
{
	while (j->i < j->n && strchr(" \t\r\n", j->s[j->i]) && j->s[j->i])
		j->i++;
}

static inline bool fj_lit(fuzz_json *j, const char *lit)
{
	size_t k = strlen(lit);

	if (j->n - j->i < k || memcmp(j->s + j->i, lit, k) != 0)
		return false;
	j->i += k;
	return true;
}

static inline bool fj_string(fuzz_json *j)
{
	if (j->i >= j->n || j->s[j->i] != '"')
		return false;
	for (j->i++; j->i < j->n; j->i++) {
		unsigned char c = (unsigned char)j->s[j->i];

		if (c == '"') {
			j->i++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c != '\\')
			continue;
		if (++j->i >= j->n)
			return false;
		c = (unsigned char)j->s[j->i];
		if (c == 'u') {
			int k;

			for (k = 0; k < 4; k++)
				if (++j->i >= j->n || !g_ascii_isxdigit(j->s[j->i]))
					return false;
		} else if (!strchr("\"\\/bfnrt", c) || !c)
			return false;
	}
	return false;
}

static inline bool fj_number(fuzz_json *j)
{
	size_t st = j->i;

	if (j->i < j->n && j->s[j->i] == '-')
		j->i++;
	if (j->i >= j->n || !g_ascii_isdigit(j->s[j->i]))
		return false;
	if (j->s[j->i] == '0')
		j->i++;
	else
		while (j->i < j->n && g_ascii_isdigit(j->s[j->i]))
			j->i++;
	if (j->i < j->n && j->s[j->i] == '.') {
		j->i++;
		if (j->i >= j->n || !g_ascii_isdigit(j->s[j->i]))
			return false;
		while (j->i < j->n && g_ascii_isdigit(j->s[j->i]))
			j->i++;
	}
	if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		j->i++;
		if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
			j->i++;
		if (j->i >= j->n || !g_ascii_isdigit(j->s[j->i]))
			return false;
		while (j->i < j->n && g_ascii_isdigit(j->s[j->i]))
			j->i++;
	}
	return j->i > st;
}

/* Object or array body after its opening bracket. */
static inline bool fj_container(fuzz_json *j, int depth, bool object)
{
	char close = object ? '}' : ']';

	fj_ws(j);
	if (j->i < j->n && j->s[j->i] == close) {
		j->i++;
		return true;
	}
	for (;;) {
		size_t k = 0, v;

		fj_ws(j);
		if (object) {
			k = j->i;
			if (!fj_string(j))
				return false;
			k = (depth == 0 && j->i - k == 8 && memcmp(j->s + k, "\"action\"", 8) == 0);
			fj_ws(j);
			if (j->i >= j->n || j->s[j->i++] != ':')
				return false;
		}
		fj_ws(j);
		v = j->i;
		if (!fj_value(j, depth + 1))
			return false;
		if (k && j->s[v] == '"') {
			j->action = j->s + v + 1;
			j->action_len = j->i - v - 2;
		}
		fj_ws(j);
		if (j->i >= j->n)
			return false;
		if (j->s[j->i] == close) {
			j->i++;
			return true;
		}
		if (j->s[j->i++] != ',')
			return false;
	}
}

static bool fj_value(fuzz_json *j, int depth)
{
	if (depth > FUZZ_JSON_DEPTH)
		return false;
	fj_ws(j);
	if (j->i >= j->n)
		return false;
	switch (j->s[j->i]) {
	case '{':
		j->i++;
		return fj_container(j, depth, true);
	case '[':
		j->i++;
		return fj_container(j, depth, false);
	case '"':
		return fj_string(j);
	case 't':
		return fj_lit(j, "true");
	case 'f':
		return fj_lit(j, "false");
	case 'n':
		return fj_lit(j, "null");
	default:
		return fj_number(j);
	}
}

/*
 * s is exactly one JSON object on one line, valid UTF-8.  When action is
 * not NULL, the object's top-level "action" must be that string.
 */
static inline bool fuzz_json_object_ok(const char *s, const char *action)
{
	fuzz_json j = {s, 0, s ? strlen(s) : 0, NULL, 0};

	if (!s || s[0] != '{' || strchr(s, '\n') || !g_utf8_validate(s, -1, NULL))
		return false;
	if (!fj_value(&j, 0))
		return false;
	fj_ws(&j);
	if (j.i != j.n)
		return false;
	return !action || (j.action && j.action_len == strlen(action) &&
			   memcmp(j.action, action, j.action_len) == 0);
}

/* ---------------------------------------------------------------- messages */

/* Is m[i, e) a header field line: a printable name, blanks, a colon? */
static inline bool fuzz_field_line(const uint8_t *m, size_t i, size_t e)
{
	size_t k = i;

	while (k < e && m[k] > 0x20 && m[k] < 0x7f && m[k] != ':')
		k++;
	if (k == i)
		return false;
	while (k < e && (m[k] == ' ' || m[k] == '\t'))
		k++;
	return k < e && m[k] == ':';
}

/*
 * Offset of the body in a message as an MTA frames it (written apart from
 * parser/mime/frame.c, to check it): lines of blanks (or one mbox "From "
 * line) before a first header field are skipped; the header block ends at
 * the empty line (the body follows it) or at the first line that is neither
 * a field nor a continuation (the body starts there); len when it runs to
 * the end.  *well_formed: nothing skipped, an empty line ends the block, and
 * no NUL or stray CR in it.
 */
static inline size_t fuzz_body_offset(const uint8_t *m, size_t len, bool *well_formed)
{
	size_t i = 0, start = 0, k;
	bool ok = true, from = false;

	while (i < len) { /* whitespace before the first field */
		const uint8_t *nl = memchr(m + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - m) + 1 : len;
		bool blank = true;

		if (fuzz_field_line(m, i, e)) {
			start = i;
			break;
		}
		for (k = i; k < e; k++)
			blank = blank && (m[k] == ' ' || m[k] == '\t' || m[k] == '\r' || m[k] == '\n');
		if (!blank && (from || e - i <= 5 || memcmp(m + i, "From ", 5) != 0))
			break;
		from = from || !blank;
		i = e;
	}
	ok = start == 0;
	for (i = start; i < len;) {
		const uint8_t *nl = memchr(m + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - m) : len;

		if (e == i || (e == i + 1 && m[i] == '\r')) {
			if (well_formed)
				*well_formed = ok && nl;
			return nl ? e + 1 : len;
		}
		if (!((m[i] == ' ' || m[i] == '\t') && i > start) && !fuzz_field_line(m, i, e)) {
			if (well_formed)
				*well_formed = false;
			return i;
		}
		for (k = i; k < e; k++)
			ok = ok && m[k] != 0 && (m[k] != '\r' || k + 1 == e);
		i = e + 1;
	}
	if (well_formed)
		*well_formed = false;
	return len;
}

/* Bytes with CR before LF removed and trailing line ends dropped. */
static inline GByteArray *fuzz_norm_eol(const uint8_t *s, size_t len)
{
	GByteArray *a = g_byte_array_sized_new((guint)len + 1);
	size_t i;

	for (i = 0; i < len; i++)
		if (!(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
			g_byte_array_append(a, s + i, 1);
	while (a->len && (a->data[a->len - 1] == '\n' || a->data[a->len - 1] == '\r'))
		g_byte_array_set_size(a, a->len - 1);
	return a;
}

static inline bool fuzz_same_text(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	GByteArray *x = fuzz_norm_eol(a, an), *y = fuzz_norm_eol(b, bn);
	bool same = x->len == y->len && memcmp(x->data, y->data, x->len) == 0;

	g_byte_array_free(x, TRUE);
	g_byte_array_free(y, TRUE);
	return same;
}

/* No C0 control characters or DEL (log lines, reply texts). */
static inline bool fuzz_printable(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return s != NULL;
}

#endif
