/*
 * detect_pw_ja.c - the password forms of Japanese mail and of login pairs,
 * for detect_pw.c's reader: "ID / PW = name / x", "ユーザー名とパスワードは
 * name / x" (the second of a pair), a value set by a verb ("パスワードを x に
 * 変更", "パスワード欄に x を入力"), in Japanese quotes right after the
 * keyword ("パスワード「x」で"), after が, and the particles that make a word
 * after は a means, a source or an owner ("パスワードは SSPR でリセット").
 *
 * Untrusted input: the view.  Limits: the look-back for a pair label and
 * the scan for a pair's slash are NOTE_MAX bytes; values VALUE_MAX bytes
 * (det_pw_take).
 */
#include "detect_int.h"

static const char *const pair_labels[] = {"ID", "user", "username", "user name", "ユーザー",
					  "ユーザー名", "アカウント", "login", NULL};

/* The keyword is the second of a pair label: "ID/PW", "ID / PW". */
bool det_pw_after_slash(const char *t, size_t ks)
{
	size_t b = ks;

	if (b > 0 && t[b - 1] == '/')
		return !det_pw_is_flag(t, ks);
	while (b > 0 && ks - b < 2 && t[b - 1] == ' ')
		b--;
	if (!(b < ks && b > 1 && t[b - 1] == '/' && t[b - 2] == ' '))
		return false;
	/* "ID / PW", not a list of findings ("... / PW: x / ...") */
	b -= 2;
	while (b > 0 && t[b - 1] == ' ')
		b--;
	for (const char *const *w = pair_labels; *w; w++) {
		size_t n = strlen(*w);

		if (b >= n && g_ascii_strncasecmp(t + b - n, *w, n) == 0)
			return true;
	}
	return false;
}

/* The keyword joined to a user label: "ユーザー名とパスワードは a / x",
 * "IDとPW：a / x", "user name and password: a / x". */
bool det_pw_after_and(const char *t, size_t ks)
{
	static const char *const joins[] = {"と", "・", "&", " and ", " & ", NULL};

	for (const char *const *j = joins; *j; j++) {
		size_t n = strlen(*j);

		if (ks < n || memcmp(t + ks - n, *j, n) != 0)
			continue;
		for (const char *const *w = pair_labels; *w; w++) {
			size_t m = strlen(*w);

			if (ks - n >= m && g_ascii_strncasecmp(t + ks - n - m, *w, m) == 0)
				return true;
		}
	}
	return false;
}

/* "ID/PW: name / secret": the second of a pair at p, else p. */
size_t det_pw_second_of_pair(const char *t, size_t len, size_t p)
{
	size_t e = p;

	while (e < len && e - p < NOTE_MAX && t[e] != '/' && !det_pw_stop(t[e]))
		e++;
	e = det_pw_skip_blank(t, len, e);
	if (e >= len || t[e] != '/' || e == p)
		return p;
	return det_pw_skip_blank(t, len, e + 1);
}

/* "パスワードを x に変更", "パスワードに「x」を設定": a Japanese keyword, a
 * particle, the value, then a verb that sets it. */
bool det_pw_ja_set_value(const char *t, size_t len, size_t ke, det_span *out)
{
	static const char *const verbs[] = {"に変更", "へ変更", "に設定", "を設定", "にリセット",
					    "に更新", "で設定", "に再設定", "と設定", "を入力",
					    "を指定", "を使用", NULL};
	static const char *const particles[] = {"を", "に", "として", "欄に", NULL};
	const char *const *pa;
	size_t p = ke, e;

	for (pa = particles; *pa; pa++)
		if (p + strlen(*pa) <= len && memcmp(t + p, *pa, strlen(*pa)) == 0)
			break;
	if (!*pa)
		return false;
	p = det_pw_skip_blank(t, len, p + strlen(*pa));
	if (p >= len || ((unsigned char)t[p] >= 0x80 && !det_pw_closing_quote(t, len, p, &e)))
		return false;
	if (!det_pw_take(t, len, p, 0, out))
		return false;
	e = out->e;
	if (e < len && (t[e] == '"' || t[e] == '\''))
		e++;
	else if (e + 3 <= len && (memcmp(t + e, "」", 3) == 0 || memcmp(t + e, "』", 3) == 0))
		e += 3;
	e = det_pw_skip_blank(t, len, e);
	for (const char *const *v = verbs; *v; v++)
		if (e + strlen(*v) <= len && memcmp(t + e, *v, strlen(*v)) == 0)
			return true;
	return false;
}

/* A value in Japanese quotes (「x」『x』) at p, or after が when Japanese
 * text follows it ("パスワードが x なのですが"; a plain word there is as
 * often a name: "パスワードが Windows Update 後に"). */
bool det_pw_ja_quoted(const char *t, size_t len, size_t p, det_span *out)
{
	size_t ql, e;

	if (p + 3 <= len && memcmp(t + p, "が", 3) == 0) {
		p = det_pw_skip_blank(t, len, p + 3);
		if (p >= len || (unsigned char)t[p] >= 0x80 || !det_pw_take(t, len, p, DV_STRICT, out))
			return false;
		for (e = out->s; e < out->e && g_ascii_isalpha(t[e]); e++)
			;
		if (e == out->e)
			return false;
		e = det_pw_skip_blank(t, len, out->e);
		return e < len && (unsigned char)t[e] >= 0x80;
	}
	return p < len && (unsigned char)t[p] >= 0x80 && det_pw_closing_quote(t, len, p, &ql) &&
	       det_pw_take(t, len, p, 0, out);
}

/*
 * A word of letters after は or が, then a particle that makes it a means, a
 * source or an owner ("パスワードは SSPR でリセット", "Intune から配布",
 * "Administrator のもの"), not the copula of a value ("は x です",
 * "x になります", "x で設定").
 */
bool det_pw_ja_particle(const char *t, size_t len, const det_span *v)
{
	static const char *const copula[] = {"です", "でした", "になります", "となります", "だ",
					     "で設定", "に変更", "に設定", "で登録", NULL};
	static const char *const particles[] = {"で", "から", "の", "に", "を", "と", "へ", "より",
						"が", "や", NULL};
	size_t e = det_pw_skip_blank(t, len, v->e);

	for (size_t i = v->s; i < v->e; i++)
		if (!g_ascii_isalpha(t[i]))
			return false;
	for (const char *const *c = copula; *c; c++)
		if (e + strlen(*c) <= len && memcmp(t + e, *c, strlen(*c)) == 0)
			return false;
	for (const char *const *c = particles; *c; c++)
		if (e + strlen(*c) <= len && memcmp(t + e, *c, strlen(*c)) == 0)
			return true;
	return false;
}
