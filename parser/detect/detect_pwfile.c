/*
 * detect_pwfile.c - a password sent as a file: the second mail of the PPAP
 * habit ("パスワード.txt", "password.txt", "zip_pw.txt" attached, holding the
 * value alone).  No keyword stands in the text; the file's name says what
 * the text is.
 *
 * Taken when the part's file name holds a password keyword as a word
 * (password, passwd, pwd, pw, pass, passcode, パスワード, 暗証番号, パスコード)
 * and its whole text is one line of one ASCII token that the value judgement
 * (detect_value.c) accepts.  A file of prose, settings or a list
 * (password_policy.txt: "MinimumPasswordLength = 12", pw.txt: "パスワードは
 * 別途お電話で") is not one token and is left to the other forms.
 *
 * Untrusted input: the view and the part's file name (made printable by the
 * MIME layer).  Limits: the name is read up to NAME_MAX_BYTES; the value is
 * at most VALUE_MAX bytes.
 */
#include "detect_int.h"

#define NAME_MAX_BYTES 255

/* Does the file name hold a password keyword as a word? */
static bool password_name(const char *name)
{
	static const char *const ascii[] = {"password", "passwd", "passcode", "pwd", "pw", "pass",
					    NULL};
	static const char *const ja[] = {"パスワード", "暗証番号", "パスコード", NULL};
	size_t n = strnlen(name, NAME_MAX_BYTES + 1);

	if (n > NAME_MAX_BYTES)
		return false;
	for (const char *const *k = ja; *k; k++)
		if (g_strstr_len(name, (gssize)n, *k))
			return true;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && g_ascii_isalpha(name[i - 1]))
			continue;
		for (const char *const *k = ascii; *k; k++) {
			size_t m = strlen(*k);

			if (i + m <= n && g_ascii_strncasecmp(name + i, *k, m) == 0 &&
			    (i + m == n || !g_ascii_isalpha(name[i + m])))
				return true;
		}
	}
	return false;
}

void det_pw_file(const char *name, const sm_view *v, GArray *spans)
{
	const char *t = v->text;
	size_t s = 0, e = v->len;
	det_span sp = {0, 0};

	if (!name || !password_name(name))
		return;
	while (s < e && strchr(" \t\r\n", t[s]))
		s++;
	while (e > s && strchr(" \t\r\n", t[e - 1]))
		e--;
	if (e <= s || e - s > VALUE_MAX)
		return;
	for (size_t i = s; i < e; i++)
		if (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r' ||
		    (unsigned char)t[i] >= 0x80)
			return;
	if (!det_value_ok(t, v->len, s, e, 0))
		return;
	sp.s = s;
	sp.e = e;
	g_array_append_val(spans, sp);
}
