/*
 * detect_key.c - credential key names: which identifiers of configuration
 * files, scripts and command lines name a password.
 *
 * A password keyword that is a whole word (password, DB_PASSWORD,
 * ProxyPassword) is found by the prefilter.  Keys glue it to other letters
 * too: cpassword (Group Policy Preferences), requirepass (redis), rootpw
 * (slapd), passout and passin (OpenSSL), PasswordD (netdom), smtppass,
 * storepass (keytool).  Such an identifier names a credential when its
 * affixes are a known qualifier (c, root, require, db, admin, store ...) or
 * a direction (in, out, d, o), and none of its parts says it is a setting
 * about passwords rather than one (MinimumPasswordLength, PasswordComplexity,
 * passwordProfile, PasswordNeverExpires, passwordHash) or a word of prose
 * (bypass, compass, passenger, passport: no qualifier).  The value after it
 * is read by det_password_key_value (detect_pw.c) in key syntaxes only:
 * "key: x", "key=x", a command-line flag, a configuration line "key x", an
 * XML element.
 *
 * Untrusted input: the view.  Limits: an identifier is looked at up to
 * IDENT_MAX bytes each side of the stem.
 */
#include "detect_int.h"

#define IDENT_MAX 32

static const char *const stems[] = {"password", "passwd", "pass", "pwd", "pw", NULL};

/* Left affixes glued to a stem without a separator. */
static const char *const before[] = {
	"c", "root", "require", "auth", "db", "admin", "sa", "su", "master", "app", "api", "user",
	"login", "smtp", "mail", "proxy", "bind", "ldap", "key", "store", "trust", "vnc", "rdp",
	"sql", "ftp", "sftp", "ssh", "sys", "dba", "default", "local", "domain", "svc", "wifi",
	"net", "new", "old", "init", "temp", "tmp", "my", "web", "pg", "mongo", "redis", "oracle",
	"imap", "pop", "vault", "enc", "priv", "pfx", "cert", "kdb", "bios", "boot", "sec",
	"secret", "service", "server", "client", "agent", "backup", NULL};

/* Right affixes: a direction or the rest of a longer keyword. */
static const char *const after[] = {"d", "o", "in", "out", "word", "wd", "phrase", "code", NULL};

/* Parts that make the identifier a setting about passwords, not one. */
static const char *const settings[] = {
	"min", "max", "len", "age", "hist", "complex", "expir", "last", "reset", "change",
	"requir", "never", "polic", "hash", "sync", "prompt", "hint", "char", "field", "profile",
	"strength", "count", "lock", "enabl", "reuse", "qualit", "rule", "file", "path", "url",
	"type", "mode", "label", "text", "box", "input", "enter", "confirm", "forgot", "protect",
	"less", "manage", "spray", "valid", "writeback", "recover", "notify", "warn", "salt",
	"algorithm", "format", "length", "interval", "days", NULL};

static bool in_list(const char *const *l, const char *s, size_t n)
{
	char first = g_ascii_tolower(*s);

	if (n == 0 || n > 9) /* no affix in the lists is longer */
		return false;
	for (; *l; l++)
		if (**l == first && strlen(*l) == n && g_ascii_strncasecmp(*l, s, n) == 0)
			return true;
	return false;
}

static bool has_setting(const char *s, size_t n)
{
	for (const char *const *w = settings; *w; w++) {
		size_t l = strlen(*w);

		for (size_t i = 0; i + l <= n; i++)
			if (g_ascii_strncasecmp(s + i, *w, l) == 0)
				return true;
	}
	return false;
}

/* The stem at t[i] (its length), 0 if none. */
static size_t stem_at(const char *t, size_t len, size_t i)
{
	char b = i + 1 < len ? g_ascii_tolower(t[i + 1]) : 0;

	/* "pa" and "pw" start most words the prefilter stops at (page, part,
	 * parameter): the third letter decides before any compare */
	if (b == 'a' && !(i + 3 < len && g_ascii_tolower(t[i + 2]) == 's' &&
			  g_ascii_tolower(t[i + 3]) == 's'))
		return 0;
	if (b != 'a' && b != 'w')
		return 0;
	for (const char *const *s = stems; *s; s++) {
		size_t l = strlen(*s);

		if (i + l <= len && g_ascii_strncasecmp(t + i, *s, l) == 0)
			return l;
	}
	return 0;
}

/* An affix is a camelCase part ("smtp" + "Pass") or one of the list. */
static bool affix_ok(const char *t, size_t a, size_t b, const char *const *list, bool left)
{
	if (a == b)
		return true;
	if (left && g_ascii_islower(t[b - 1]) && g_ascii_isupper(t[b]))
		return true;
	if (!left && g_ascii_islower(t[a - 1]) && g_ascii_isupper(t[a]))
		return true;
	return in_list(list, t + a, b - a);
}

bool det_cred_ident(const char *t, size_t len, size_t i, size_t *is, size_t *ie)
{
	size_t l = stem_at(t, len, i), a = i, b;

	if (!l)
		return false;
	b = i + l;
	while (a > 0 && i - a < IDENT_MAX && g_ascii_isalnum(t[a - 1]))
		a--;
	while (b < len && b - i - l < IDENT_MAX && g_ascii_isalnum(t[b]))
		b++;
	if ((a == i && b == i + l) || (a > 0 && g_ascii_isalnum(t[a - 1])) ||
	    (b < len && g_ascii_isalnum(t[b])))
		return false; /* a whole word (the keyword path), or too long */
	if (!affix_ok(t, a, i, before, true) || !affix_ok(t, i + l, b, after, false))
		return false;
	if ((!in_list(before, t + a, i - a) && has_setting(t + a, i - a)) ||
	    (!in_list(after, t + i + l, b - i - l) && has_setting(t + i + l, b - i - l)))
		return false; /* MinimumPasswordLength, PasswordNeverExpires */
	*is = a;
	*ie = b;
	return true;
}
