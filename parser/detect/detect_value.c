/*
 * detect_value.c - the value judgement every password form shares: is the
 * text after a credential keyword (or in its table cell, or on the line
 * after a "the password is below" sentence) a value?
 *
 * The burden of proof is on "not a value".  Real passwords are dictionary
 * words, romanised Japanese, words with digits and phrases in quotes, so a
 * plain word is a value unless it is recognisably one of these:
 *   - prose: a word of the prose list (expired, required, reset, none, ...),
 *     or a plain word followed on its line by an English function word
 *     ("managed by LAPS", "stored in Azure Key Vault", "probably wrong") or
 *     by a Japanese phrase that says where the value is kept ("KeePassに登録",
 *     "CyberArk で管理", "前回と同じ");
 *   - a placeholder: ********, xxxx, ----, <password>, (別送), [hidden],
 *     $var, %VAR%, {{x}}, ${x};
 *   - a reference to the mechanism that holds the value: a password
 *     manager, vault or scheme named where the value would stand (KeePass,
 *     CyberArk, LAPS, Key Vault, SSO ...);
 *   - a field label: a word ending in ':' or a column name (Username,
 *     Domain, Notes, 備考 is not ASCII and never a value);
 *   - code: a variable, attribute or call (self.password, cfg["pw"],
 *     url_user_password), a path, a date, a version, a URL.
 * Non-ASCII values are never taken (Japanese prose: "パスワードは別途").
 *
 * Untrusted input: the view.  Limits: a value is at most VALUE_MAX bytes;
 * the text after it is read up to FOLLOW_MAX bytes.
 */
#include "detect_int.h"

#define FOLLOW_MAX 48

static const char *const prose_words[] = {
	"required", "incorrect", "invalid", "wrong", "expired", "expires", "expire", "expiry",
	"reset", "changed", "change", "changes", "sent", "separately", "none", "null", "nil", "n/a",
	"na", "empty", "blank", "unknown", "hidden", "redacted", "masked", "same", "set", "not",
	"the", "a", "an", "is", "was", "will", "must", "should", "correct", "ok", "yes", "no",
	"true", "false", "policy", "protected", "please", "see", "below", "above", "attached",
	"here", "never", "mismatch", "updated", "and", "or", "for", "to", "of", "your", "my",
	"our", "their", "this", "that", "it", "also", "still", "being", "too", "case-sensitive",
	"unchanged", "omitted", "secret", "confidential", "removed", "tbd", "xxx", "dummy",
	"placeholder", "default", "pass", "xyz", "abc", "user", "username", "optional", "str",
	"string", "bytes", "pwd", "enabled", "disabled", "locked", "unlocked", "valid", "present",
	"absent", "none.", "initial", "temporary", "current", "old", "new", "previous", "random",
	"generated", "auto", "automatic", "manual", "prompt", "prompted", "ask", "asked",
	"required.", "needed", "unnecessary", "notrequired", "supplied", "provided", "given",
	"entered", "typed", "stored", "saved", "managed", "kept", "shared", "encrypted",
	"hashed", "cleared", "clear", "plain", "plaintext", "complex", "strong", "weak", "short",
	"long", "length", "history", "age", "complexity", "hint", "hash", "sync",
	"synchronization", "writeback", "lockout", "login", "logon", "signin", "authentication",
	"requirements", "settings", "setting", "field", "dialog", "box", "screen", "manager",
	"protection", "spray", "spraying", "reuse", "rotation", "rotated", "guessing",
	"successful", "failed", "failure", "success", "accepted", "rejected", "denied", "ignored",
	"specified", "configured", "unset", "missing", "different", "differs", "matches",
	"match", "works", "worked", "fails", "does", "did", "has", "had", "have", "are", "were",
	"be", "been", "can", "cannot", "could", "would", "may", "might", "again", "only", "both",
	"either", "neither", "each", "every", "all", "any", "some", "via", "by", "with", "from",
	"in", "on", "at", "as", "if", "when", "then", "than", "but", "so", "probably", "maybe",
	"perhaps", "verified", "confirmed", "issued", "sso", "mfa", "otp", "totp", "2fa", "tbc",
	"pending", "later", "unavailable", "forgotten", "forgot", "lost", "same.", "something",
	"anything", "nothing", "everything", "whatever", "stronger", "longer", "shorter", "yours",
	"unlock", "expire", "access", NULL};

/* A password manager, vault or scheme where a value would stand. */
static const char *const mechanisms[] = {
	"keepass", "keepassxc", "cyberark", "laps", "vault", "keyvault", "bitwarden", "1password",
	"lastpass", "keeper", "dashlane", "passbolt", "thycotic", "delinea", "secretserver",
	"hashicorp", "beyondtrust", "okta", "kerberos", "ntlm", "certificate", "smartcard",
	"yubikey", "fido", "fido2", "passkey", "passkeys", "windowshello", "entra", "gmsa", "msa",
	"passwordless", "adfs", "radius", "ldap", "pki", "psm", "pam", "keychain", "credman",
	NULL};

/* Column and field names: a label where a value would stand. */
static const char *const labels[] = {
	"username", "userid", "user-id", "user_id", "login", "loginid", "id", "domain", "account",
	"name", "email", "e-mail", "mail", "address", "host", "hostname", "server", "url", "uri",
	"port", "notes", "note", "remarks", "remark", "comment", "comments", "description", "memo",
	"status", "type", "role", "group", "owner", "expires", "expiry", "expiration", "date",
	"created", "updated", "modified", "department", "site", "service", "tenant", "value",
	"key", "confirm", "confirmation", "verify", "retype", "repeat", "title", "category",
	"folder", "favorite", "fields", "totp", "uri", "website", "app", "application", NULL};

/* Words that cannot follow a value on its line: the value is a sentence's word. */
static const char *const function_words[] = {
	"by", "in", "on", "at", "from", "with", "to", "of", "the", "a", "an", "is", "are", "was",
	"were", "be", "been", "being", "has", "have", "had", "will", "would", "must", "should",
	"can", "could", "may", "might", "does", "did", "not", "no", "your", "my", "our", "their",
	"his", "her", "its", "this", "that", "these", "those", "and", "or", "but", "as", "than",
	"if", "when", "where", "which", "who", "via", "please", "using", "after", "before",
	"until", "because", "since", NULL};

/* After a value: Japanese phrases saying the value is kept elsewhere. */
static const char *const ja_refs[] = {
	"に登録", "で管理", "にて管理", "に保存", "に格納", "に記載", "を参照", "参照", "と同じ",
	"と同様", "で共有", "から取得", "から参照", "で別送", "にて別送", "で送付", "でお送り",
	"でお伝え", "で連絡", "でご連絡", "に記録", "で保管", "に保管", NULL};

/* A word list with a filter: which (first byte, length) pairs occur, so
 * that most values are refused without walking the list. */
typedef struct word_set {
	const char *const *list;
	GOnce once;
	uint32_t len_bits[128]; /* by first byte (lower case): bit min(len, 31) */
} word_set;

static gpointer build_set(gpointer data)
{
	word_set *ws = data;

	for (const char *const *w = ws->list; *w; w++) {
		size_t n = strlen(*w);

		ws->len_bits[(unsigned char)**w & 0x7f] |= 1u << (n < 31 ? n : 31);
	}
	return ws;
}

static bool in_words(word_set *ws, const char *v, size_t n)
{
	const char first = g_ascii_tolower(*v);

	g_once(&ws->once, build_set, ws);
	if ((unsigned char)first >= 0x80 ||
	    !(ws->len_bits[(unsigned char)first] & (1u << (n < 31 ? n : 31))))
		return false;
	for (const char *const *w = ws->list; *w; w++)
		if (**w == first && strlen(*w) == n && g_ascii_strncasecmp(*w, v, n) == 0)
			return true;
	return false;
}

static word_set prose_set = {prose_words, G_ONCE_INIT, {0}};
static word_set mechanism_set = {mechanisms, G_ONCE_INIT, {0}};
static word_set label_set = {labels, G_ONCE_INIT, {0}};
static word_set function_set = {function_words, G_ONCE_INIT, {0}};

/* A value holding one of these is code or a variable name, not a secret. */
static const char *const kw_in_value[] = {"password", "passwd", "passphrase", "passcode", NULL};

static bool is_placeholder(const char *v, size_t n)
{
	size_t i, same = 0;

	for (i = 0; i < n; i++)
		same += v[i] == '*' || v[i] == 'x' || v[i] == 'X' || v[i] == '.' || v[i] == '#' ||
			v[i] == '?' || v[i] == '-' || v[i] == '_';
	if (same == n)
		return true;
	if (strchr("<([{$", v[0]))
		return true;
	if (n >= 4 && memcmp(v, "\xe2\x97\x8f", 3) == 0) /* ●●●● */
		return true;
	if (v[0] == '%' && n > 2 && v[n - 1] == '%')
		return true;
	/* %ProgramFiles%\x, %TEMP%/x: a path through a variable */
	for (i = 1; v[0] == '%' && i + 1 < n && g_ascii_isalnum(v[i]); i++)
		;
	return v[0] == '%' && i > 1 && i + 1 < n && v[i] == '%' && (v[i + 1] == '\\' || v[i + 1] == '/');
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
	return seps >= 2 && seps <= 4; /* 48 digits in 8 groups: a BitLocker key */
}

/* An identifier of a known shape where a value would stand: a hex error
 * code (0x80070005), a KB article (KB5044284). */
static bool is_known_id(const char *v, size_t n)
{
	size_t i = 2;

	if (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		while (i < n && g_ascii_isxdigit(v[i]))
			i++;
		return i == n;
	}
	if (n >= 6 && n <= 9 && g_ascii_toupper(v[0]) == 'K' && g_ascii_toupper(v[1]) == 'B')
		return det_all_digits(v + 2, n - 2);
	return false;
}

/* Code rather than a value: self.password, url_user_password, SEC_ERROR_BASE. */
static bool is_code(const char *v, size_t n)
{
	char low[VALUE_MAX + 1];
	size_t i, under = 0, dots = 0, digits = 0;

	for (i = 0; i < n && i < VALUE_MAX; i++)
		low[i] = g_ascii_tolower(v[i]);
	low[i] = '\0';
	for (const char *const *k = kw_in_value; *k; k++)
		if (strstr(low, *k))
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
	return ((dots && v[n - 1] != '.') || under) && !digits;
}

/* Letters only (any case). */
static bool plain_word(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isalpha(v[i]))
			return false;
	return true;
}

/* Letters only, no capital after the first: a word of a sentence where the
 * form needs more than a word ("net user alice returns ..."). */
static bool lower_word(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isalpha(v[i]) || (i > 0 && g_ascii_isupper(v[i])))
			return false;
	return true;
}

/* Does the value name a mechanism ("KeePass", "Azure Key Vault", "LAPS")? */
static bool is_mechanism(const char *v, size_t n)
{
	char w[VALUE_MAX + 1];
	size_t k = 0;

	for (size_t i = 0; i < n && k < VALUE_MAX; i++)
		if (v[i] != ' ' && v[i] != '-' && v[i] != '_')
			w[k++] = v[i];
	return k > 0 && in_words(&mechanism_set, w, k);
}

/* A Japanese reference phrase at p, maybe after a few more words of a
 * name ("Azure Key Vault に格納", "CyberArk PAM で管理"): the value at e is
 * the first word of where the password is kept. */
static bool ja_ref_at(const char *t, size_t len, size_t p, size_t e)
{
	for (int words = 0; words <= 3; words++) {
		size_t w = p;

		for (const char *const *r = ja_refs; *r; r++)
			if (p + strlen(*r) <= len && memcmp(t + p, *r, strlen(*r)) == 0)
				return true;
		while (p < len && p - e < FOLLOW_MAX && (g_ascii_isalnum(t[p]) || t[p] == '-'))
			p++;
		if (p == w)
			return false;
		while (p < len && p - e < FOLLOW_MAX && t[p] == ' ')
			p++;
	}
	return false;
}

/* A Japanese reference phrase later on the line ("Microsoft アカウントと
 * 同じ"), or the word password ("Windows sign-in password"): a plain word
 * there names where the value comes from. */
static bool ja_ref_on_line(const char *t, size_t len, size_t p, size_t e)
{
	for (size_t q = p; q < len && q - e < FOLLOW_MAX && t[q] != '\n'; q++) {
		if ((unsigned char)t[q] >= 0x80)
			for (const char *const *r = ja_refs; *r; r++)
				if (q + strlen(*r) <= len && memcmp(t + q, *r, strlen(*r)) == 0)
					return true;
		if (q > p && (q + 8 <= len && g_ascii_strncasecmp(t + q, "password", 8) == 0))
			return true; /* "Windows sign-in password": a description */
	}
	return false;
}

/* A capitalised word, then another of two letters or more that ends the
 * line, a word or Japanese text: a name ("Windows Hello PIN",
 * "Azure AD と同期"); a password is one token. */
static bool name_follows(const char *t, size_t len, size_t s, size_t p)
{
	size_t w = p;

	if (!g_ascii_isupper(t[s]) || !g_ascii_isupper(t[w]))
		return false; /* "-p word registry.x": a command goes on */
	while (p < len && p - w < 32 && g_ascii_isalpha(t[p]))
		p++;
	return p - w >= 2 && (p >= len || t[p] == ' ' || t[p] == '\n' || t[p] == '\r' ||
			      (unsigned char)t[p] >= 0x80);
}

/* The text after a plain-word value at e, on its line, makes it a word of a
 * sentence: an English function word, or a Japanese reference phrase. */
static bool sentence_follows(const char *t, size_t len, size_t s, size_t e)
{
	size_t p = e, w;

	while (p < len && p - e < FOLLOW_MAX && t[p] == ' ')
		p++;
	if (ja_ref_at(t, len, p, e) || ja_ref_on_line(t, len, p, e))
		return true;
	if (p == e)
		return false;
	if (name_follows(t, len, s, p))
		return true;
	for (w = p; p < len && p - w < 16 && g_ascii_isalpha(t[p]); p++)
		;
	return p > w && (p >= len || !g_ascii_isalnum(t[p])) && in_words(&function_set, t + w, p - w);
}

/* A label: "Username:" or a field name followed by ':' ("Password: Username: ..."). */
static bool is_label(const char *t, size_t len, size_t s, size_t e)
{
	const char *v = t + s;
	size_t n = e - s;

	if (n > 1 && v[n - 1] == ':')
		return true;
	if (e < len && (t[e] == ':' || (e + 3 <= len && memcmp(t + e, "\xef\xbc\x9a", 3) == 0)))
		return true;
	return in_words(&label_set, v, n);
}

bool det_value_ok(const char *t, size_t len, size_t s, size_t e, unsigned flags)
{
	const char *v = t + s;
	size_t n = e - s;

	if (n == 0 || n > VALUE_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] >= 0x80 || v[i] == '\n' || v[i] == '\r' || v[i] == '\t')
			return false;
	if (is_placeholder(v, n) || in_words(&prose_set, v, n) || is_path_or_date(v, n) ||
	    is_mechanism(v, n) || is_known_id(v, n))
		return false;
	if (n > 3 && memmem(v, n, "://", 3)) /* a link, not a value */
		return false;
	if (flags & DV_QUOTED)
		return true;
	if (n < 3 || is_code(v, n) || is_label(t, len, s, e))
		return false;
	if ((flags & DV_STRICT) && lower_word(v, n))
		return false;
	return !(plain_word(v, n) && sentence_follows(t, len, s, e));
}
