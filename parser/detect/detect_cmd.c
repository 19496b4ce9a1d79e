/*
 * detect_cmd.c - credentials in commands, scripts and login details: the
 * catalogue of fixed forms the password detector runs besides its keyword
 * values (detect_pw.c) and key names (detect_key.c).
 *
 * Built from public references (gitleaks and detect-secrets keyword rules,
 * Microsoft Purview's credential types, the documentation of the Windows,
 * PowerShell, Azure CLI, OpenSSL, LDAP, SQL and network tools that support
 * cases quote), written here, not copied:
 *   - URLs with user:password@ (any scheme, an empty user name too);
 *   - net use (/user: NAME SECRET, or \\\\host SECRET /user:), net user NAME
 *     SECRET (ending the line or before a /flag);
 *   - ConvertTo-SecureString with -AsPlainText in every argument order, and
 *     a quoted value piped into it;
 *   - short flags that only mean a password for their tool: psexec -p,
 *     sqlcmd/osql/bcp -P, mysql -pSECRET, sshpass -p, ldapsearch and the
 *     other ldap tools -w, schtasks /rp, winrs -p:, docker/podman/az/oc
 *     login -p, smbclient/rpcclient -U NAME%SECRET, curl -u NAME:SECRET;
 *   - archivers and key tools: 7z/rar -pSECRET and -hpSECRET, zip/unzip -P,
 *     certutil -p (a PFX's password), openssl -k, ssh-keygen -N/-P; Oracle's
 *     sqlplus USER/SECRET@DB;
 *   - reg add ... /v NAME ... /d VALUE where NAME is a credential key;
 *   - the key of a Wi-Fi profile shown by netsh wlan show profile key=clear
 *     (Key Content, 主要なコンテンツ);
 *   - login details after a heading (ログイン情報:, credentials:), BitLocker
 *     recovery keys, HTTP Basic credentials.
 * Long flags and key names (-Password, --password=, /pass:, -passout
 * pass:x, cmdkey /pass:, password=) are key syntax: detect_pw.c reads them;
 * a value written into a command's standard input (echo x | sudo -S,
 * READER <<< x, here-documents) is detect_pipe.c's.
 *
 * Untrusted input: the view.  Limits: each form's repetition is bounded in
 * the pattern (a command line is read up to 300 bytes); values at most
 * VALUE_MAX bytes.
 */
#include "detect_int.h"
#include "re.h"

#define ANCHOR(lit) ((lit) + 1)

typedef struct form {
	det_lits lits;           /* run only if one of these literals occurs */
	const char *re;
	int group;
	bool quoted;             /* the value is delimited: any length, spaces allowed */
	bool basic;              /* base64 of NAME:SECRET (HTTP Basic credentials) */
	bool strict;             /* a plain word is prose ("net user alice returns ...") */
	bool exact;              /* the pattern alone decides (BitLocker: 8 blocks of 6 digits) */
	bool classes;            /* two character classes at least (not NTLM, HTTPS) */
	unsigned anchor;         /* ANCHOR(LIT_*) (0: none): every match starts */
	unsigned anchor_off;     /* anchor_off bytes before it; tried there only (form_match) */
	unsigned attempt;        /* an attempt there costs about a search over this many bytes */
	/* a test in C that must hold where the form matches (s: the start) */
	bool (*maybe)(const char *t, size_t len, size_t s);
	char need;               /* a byte every match holds after its start (0: none) */
} form;

static bool url_maybe(const char *t, size_t len, size_t s);

/*
 * Login details with no password keyword, after a heading (ログイン情報:,
 * credentials:, 管理者アカウント): an optional ID:/user: label, then
 * NAME / SECRET or NAME:SECRET (no space after the colon); SECRET is group 2,
 * not digits only (a port), and NAME not a label (ID/PW).
 */
#define PAIR_TAIL "\\s*(?:は|:)?[ \\t]*(?:\\r?\\n[ \\t]*)?(?:(?i:id|user(?:name)?)[ \\t]*[:=][ \\t]*|(?:ユーザー名|ユーザー)[ \\t]*[:=][ \\t]*)?(?!(?i:id|user|username|pw|pwd|pass|password|login)(?![A-Za-z0-9._@\\\\-]))([A-Za-z0-9._@\\\\-]{1,64})(?:[ \\t]*/[ \\t]*|:(?![ \\t]))(?!\\d+(?![!-~]))([!-~]{1,128})"

static const form forms[] = {
	{LIT(LIT_URL), "(?<=[A-Za-z0-9])://[^\\s:/@\"'<>]{0,64}:([^\\s/@\"'<>]{1,128})@[A-Za-z0-9.\\-\\[]", 1, false, false, false, false, false, ANCHOR(LIT_URL), 0, 16, url_maybe, '@'},
	{LIT(LIT_SLASH_U) | LIT(LIT_SLASH_UU), "(?i)\\bnet[ \\t]+use\\b[^\\r\\n]{0,300}?[ \\t]/u(?:ser)?:[ \\t]*(?:\"[^\"\\r\\n]+\"|[^\\s<]+)[ \\t]+(\"[^\"\\r\\n]{1,128}\"|[^\\s\"/*<][^\\s<]{0,127})", 1, false},
	{LIT(LIT_SLASH_U) | LIT(LIT_SLASH_UU), "(?i)\\bnet[ \\t]+use[ \\t]+(?:[A-Za-z]:[ \\t]+|\\*[ \\t]+)?\\\\\\\\\\S+[ \\t]+(\"[^\"\\r\\n]{1,128}\"|[^\\s\"/*<]\\S{0,127})[ \\t]+/u(?:ser)?:", 1, false},
	{LIT(LIT_SS) | LIT(LIT_SS_LO) | LIT(LIT_SS_UP), "(?i)ConvertTo-SecureString\\s+(?:-String\\s+)?(['\"])([^'\"\\r\\n]{1,128})\\1\\s+-AsPlainText", 2, true},
	{LIT(LIT_PSEXEC) | LIT(LIT_PSEXEC_LO), "(?i)\\bpsexec(?:64)?(?:\\.exe)?\\b[^\\r\\n]{0,300}?\\s-p\\s+(\"[^\"\\r\\n]{1,128}\"|[^\\s\"-]\\S{0,127})", 1, false},
	{LIT(LIT_CURL), "\\bcurl\\b[^\\r\\n]{0,300}?\\s(?:-u|-U|--user|--proxy-user)\\s+['\"]?[^\\s:'\"]{1,64}:([^\\s'\"]{1,128})", 1, false},
	{LIT(LIT_SS) | LIT(LIT_SS_LO) | LIT(LIT_SS_UP), "(?i)ConvertTo-SecureString\\s+-AsPlainText\\s+(?:-String\\s+)?(['\"])([^'\"\\r\\n]{1,128})\\1", 2, true},
	{LIT(LIT_NETUSER) | LIT(LIT_NETUSER_UP), "(?i)\\bnet[ \\t]+user[ \\t]+(?:\"[^\"\\r\\n]{1,64}\"|[^\\s/\"*][!-~]{0,63})[ \\t]+(\"[^\"\\r\\n]{1,128}\"|[!.0-~][!-~]{0,127})(?=[ \\t]*(?:$|/|\\r|\\n))", 1, false},
	{LIT(LIT_SQLCMD) | LIT(LIT_SQLCMD_UP), "(?i)\\b(?:sqlcmd|osql)(?:\\.exe)?\\b[^\\r\\n]{0,300}?\\s(?-i:-P)\\s*(\"[^\"\\r\\n]{1,128}\"|[^\\s\"-]\\S{0,127})", 1, false},
	/* login details (PAIR_TAIL above) after their headings */
	{LIT(LIT_JOHO), "情報(?<=ログイン情報|認証情報|アカウント情報|接続情報|資格情報)" PAIR_TAIL, 2, false, false, true, false, true, ANCHOR(LIT_JOHO), 0, 128},
	{LIT(LIT_CRED), "(?i:\\bcredentials?\\b)" PAIR_TAIL, 2, false, false, true, false, true},
	{LIT(LIT_ACCOUNT_JA), "アカウント" PAIR_TAIL, 2, false, false, true, false, true},
	{LIT(LIT_SSHPASS), "\\bsshpass\\b[^\\r\\n]{0,100}?\\s-p\\s*(\"[^\"\\r\\n]{1,128}\"|[^\\s\"-]\\S{0,127})", 1, false},
	{LIT(LIT_MYSQL), "(?i)\\bmysql(?:dump|admin|sh)?(?:\\.exe)?\\b[^\\r\\n]{0,300}?\\s(?-i:-p)([^\\s\"'-][^\\s]{0,127})", 1, false, false, true},
	{LIT(LIT_BITLOCKER) | LIT(LIT_KAIFUKU) | LIT(LIT_RECOVERY), "(?<![0-9-])([0-9]{6}(?:-[0-9]{6}){7})(?![0-9-])", 1, true, false, false, true},
	{LIT(LIT_AUTHZ), "(?i)\\bauthorization\\s*[:=]\\s*['\"]?Basic\\s+([A-Za-z0-9+/]{8,512}={0,2})(?![A-Za-z0-9+/=])", 1, true, true},
	/* ConvertTo-SecureString: the quoted value anywhere among its arguments, or piped in */
	{LIT(LIT_SS) | LIT(LIT_SS_LO) | LIT(LIT_SS_UP), "(?i)ConvertTo-SecureString(?=[^\\r\\n|;)]{0,200}?-AsPlainText)(?:[ \\t]+-(?:AsPlainText|Force|String)\\b)*[ \\t]+(['\"])([^'\"\\r\\n]{1,128})\\1", 2, true},
	{LIT(LIT_SS) | LIT(LIT_SS_LO) | LIT(LIT_SS_UP), "(?i)(['\"])([^'\"\\r\\n]{1,128})\\1[ \\t]*\\|[ \\t]*ConvertTo-SecureString\\b[^\\r\\n|]{0,100}?-AsPlainText", 2, true},
	/* short flags that mean a password for their tool only */
	{LIT(LIT_LDAP), "\\bldap(?:search|modify|add|delete|passwd|whoami|compare|exop|modrdn)\\b[^\\r\\n]{0,300}?[ \\t]-w[ \\t]*(\"[^\"\\r\\n]{1,128}\"|'[^'\\r\\n]{1,128}'|[^\\s\"'-]\\S{0,127})", 1, false},
	{LIT(LIT_SCHTASKS), "(?i)\\bschtasks(?:\\.exe)?\\b[^\\r\\n]{0,300}?[ \\t]/rp[ \\t]+(\"[^\"\\r\\n]{1,128}\"|[^\\s\"/*]\\S{0,127})", 1, false},
	{LIT(LIT_WINRS), "(?i)\\bwinrs(?:\\.exe)?\\b[^\\r\\n]{0,300}?[ \\t][-/]p(?:assword)?:(\"[^\"\\r\\n]{1,128}\"|[^\\s\"]\\S{0,127})", 1, false},
	{LIT(LIT_LOGIN), "(?i)\\b(?:docker|podman|az|oc|helm[ \\t]+registry|nerdctl|buildah)[ \\t]+login\\b[^\\r\\n]{0,200}?[ \\t](?-i:-p)[ \\t]+(\"[^\"\\r\\n]{1,128}\"|'[^'\\r\\n]{1,128}'|[^\\s\"'-]\\S{0,127})", 1, false},
	{LIT(LIT_SMB), "\\b(?:smb|rpc)client\\b[^\\r\\n]{0,300}?[ \\t](?:-U|--user(?:=|[ \\t]))[ \\t]*['\"]?[^\\s%'\"]{1,64}%([^\\s'\"]{1,128})", 1, false, false, false, false, false, ANCHOR(LIT_SMB), 3, 128},
	{LIT(LIT_SQLCMD) | LIT(LIT_SQLCMD_UP), "(?i)\\bbcp\\b[^\\r\\n]{0,300}?[ \\t](?-i:-P)[ \\t]*(\"[^\"\\r\\n]{1,128}\"|[^\\s\"-]\\S{0,127})", 1, false},
	/* reg add ... /v CREDENTIAL_KEY ... /d VALUE */
	{LIT(LIT_SLASH_V) | LIT(LIT_SLASH_VU), "(?i)[ \\t]/v[ \\t]+\"?[A-Za-z0-9_ .-]{0,40}(?:password|passwd|pwd|secret|token)[A-Za-z0-9_.-]{0,20}\"?(?:[ \\t]+/(?:t[ \\t]+\\S+|f))*[ \\t]+/d[ \\t]+(\"[^\"\\r\\n]{1,128}\"|[^\\s\"/]\\S{0,127})", 1, false},
	/* archivers and key tools: the password attached to or after a short flag */
	{LIT(LIT_DASH_P) | LIT(LIT_DASH_HP), "(?i)\\b(?:7z[ar]?|rar|winrar|unrar)(?:\\.exe)?\\b[^\\r\\n]{0,300}?[ \\t](?-i:-h?p)(\"[^\"\\r\\n]{1,128}\"|[^\\s\"'-]\\S{0,127})", 1, false},
	{LIT(LIT_DASH_P), "(?i)\\bcertutil(?:\\.exe)?\\b[^\\r\\n]{0,300}?[ \\t][-/]p[ \\t]+(\"[^\"\\r\\n]{1,128}\"|[^\\s\"'-]\\S{0,127})", 1, false},
	{LIT(LIT_DASH_PU), "\\b(?:un)?zip(?:\\.exe)?\\b[^\\r\\n]{0,300}?[ \\t]-P[ \\t]+(\"[^\"\\r\\n]{1,128}\"|[^\\s\"'-]\\S{0,127})", 1, false},
	{LIT(LIT_DASH_K), "\\bopenssl\\b[^\\r\\n]{0,300}?[ \\t]-k[ \\t]+(\"[^\"\\r\\n]{1,128}\"|[^\\s\"'-]\\S{0,127})", 1, false},
	{LIT(LIT_KEYGEN), "\\bssh-keygen\\b[^\\r\\n]{0,300}?[ \\t]-[NP][ \\t]*(\"[^\"\\r\\n]{1,128}\"|'[^'\\r\\n]{1,128}'|[^\\s\"'-]\\S{0,127})", 1, false},
	/* Oracle tools: user/password@database */
	{LIT(LIT_SQLPLUS), "(?i)\\bsqlplus(?:\\.exe)?[ \\t]+(?:-\\w+[ \\t]+)*[A-Za-z0-9_$#]{1,30}/(\"[^\"\\r\\n]{1,128}\"|[^\\s/\"]{1,128}?)(?=@[^\\s@/\"]{1,128}(?:\\s|$)|\\s|$)", 1, false},
	/* netsh wlan show profile key=clear */
	{LIT(LIT_KEYCONTENT) | LIT(LIT_SHUYOU), "(?:Key Content|主要なコンテンツ|キー コンテンツ)[ \\t]*:[ \\t]*([!-~]{1,128})[ \\t]*(?=\\r|\\n|$)", 1, true},
};

static GOnce forms_once = G_ONCE_INIT;

/* Bytes the URL form's user part stops at: \s (PCRE2's, ASCII) and :/@"'<> */
static bool url_stop(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == ':' || c == '/' || c == '@' ||
	       c == '"' || c == '\'' || c == '<' || c == '>';
}

/* Can the URL form match at s (where "://" is)?  Its lookbehind wants an
 * ASCII letter or digit before; [^\s:/@"'<>]{0,64} must be followed by ':'
 * and [^\s/@"'<>]{1,128} by '@'.  Neither class holds the byte after it,
 * so only the whole run of its bytes can be followed by it: each run is
 * read to its end (at most its bound plus one byte), once an '@' is near. */
static bool url_maybe(const char *t, size_t len, size_t s)
{
	size_t p = s + 3, q, lim;

	if (s == 0 || !g_ascii_isalnum(t[s - 1]) || p >= len)
		return false;
	/* most URLs have no '@' near (at most p + 64 + 1 + 128): memchr says so */
	if (!memchr(t + p, '@', len - p > 64 + 1 + 128 + 1 ? 64 + 1 + 128 + 1 : len - p))
		return false;
	lim = len - p > 64 ? p + 64 : len;
	while (p < lim && !url_stop(t[p]))
		p++;
	if (p >= len || t[p] != ':')
		return false;
	q = ++p;
	lim = len - p > 128 ? p + 128 : len;
	while (q < lim && (t[q] == ':' || !url_stop(t[q])))
		q++;
	return q > p && q < len && t[q] == '@';
}

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

/* The fixed forms compile once per process (they are not configurable);
 * a form with an anchor a second time at [N + i], anchored (PCRE2_ANCHORED
 * at match time would leave the JIT for the interpreter) and without the
 * start-up optimisations (a search for a required later byte, such as the
 * URL form's '@', would read ahead up to thousands of bytes per attempt;
 * none of the forms uses a backtracking verb, whose results they affect). */
static gpointer compile_forms(gpointer unused)
{
	pcre2_code **c = g_new0(pcre2_code *, 2 * G_N_ELEMENTS(forms));
	char err[256];
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(forms); i++) {
		c[i] = det_compile(forms[i].re, 0, "password form", err, sizeof(err));
		if (forms[i].anchor)
			c[G_N_ELEMENTS(forms) + i] = det_compile(forms[i].re, PCRE2_ANCHORED | PCRE2_NO_START_OPTIMIZE,
								 "password form", err, sizeof(err));
	}
	return c;
}

/* Is v[0, n), matched by form f, a value? */
static bool form_value(const form *f, const char *t, size_t len, size_t s, size_t e)
{
	if (f->classes && !two_classes(t + s, e - s))
		return false;
	if (f->exact)
		return true;
	if (f->basic)
		return basic_credentials(t + s, e - s);
	return det_value_ok(t, len, s, e, (f->quoted ? DV_QUOTED : 0) | (f->strict ? DV_STRICT : 0));
}

/*
 * The first match of form f at or after off, as a search from off finds it.
 * A form with an anchor can only start anchor_off bytes before an
 * occurrence of its literal, and the prefilter pass kept where those are
 * (occ, in text order): the pattern, compiled anchored, is tried there in
 * order, and the first that matches is the leftmost match (lookbehinds and
 * \b still see the bytes before the start); a form's test in C (maybe)
 * skips the places where it cannot match, and without the byte every match
 * holds (need) there is none.  An attempt costs about as much
 * as the search over f->attempt bytes of text, so the search is used where
 * the literal is more frequent than that, or more than DET_OCC_MAX times
 * (their places were not all kept).  occ NULL: the search (the plain
 * reading, for the test).
 */
static int form_match(const form *f, const pcre2_code *re, const pcre2_code *anchored,
		      const sm_view *v, size_t off, pcre2_match_data *md, const det_occ *occ)
{
	const char *t = v->text;
	int k = f->anchor ? det_occ_slot(f->anchor - 1) : -1;

	if (!occ || k < 0 || !anchored || occ->more[k] ||
	    (size_t)occ->n[k] * f->attempt > v->len - off)
		return sm_re_match(re, (PCRE2_SPTR)t, v->len, off, 0, md, NULL);
	if (f->need && !memchr(t + off, f->need, v->len - off))
		return PCRE2_ERROR_NOMATCH; /* as the search finds at once */
	for (unsigned j = 0; j < occ->n[k]; j++) {
		size_t q = occ->at[k][j];
		int rc;

		if (q < off + f->anchor_off ||
		    (f->maybe && !f->maybe(t, v->len, q - f->anchor_off)))
			continue;
		rc = sm_re_match(anchored, (PCRE2_SPTR)t, v->len, q - f->anchor_off, 0, md, NULL);
		if (rc != PCRE2_ERROR_NOMATCH)
			return rc; /* a match, or a limit: the search would stop too */
	}
	return PCRE2_ERROR_NOMATCH;
}

static void cmd_forms(const sm_view *v, det_lits lits, const det_occ *occ, GArray *spans)
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
		       form_match(&forms[i], c[i], c[G_N_ELEMENTS(forms) + i], v, off, md, occ) >= 0) {
			det_span sp;

			ov = pcre2_get_ovector_pointer(md);
			sp.s = ov[2 * forms[i].group];
			sp.e = ov[2 * forms[i].group + 1];
			if (sp.e > sp.s + 1 && v->text[sp.s] == '"' && v->text[sp.e - 1] == '"')
				sp.s++, sp.e--;
			if (form_value(&forms[i], v->text, v->len, sp.s, sp.e))
				g_array_append_val(spans, sp);
			off = ov[1] > off ? ov[1] : off + 1;
		}
		pcre2_match_data_free(md);
	}
}

void det_cmd_forms(const sm_view *v, det_lits lits, const det_occ *occ, GArray *spans)
{
	cmd_forms(v, lits, occ, spans);
}

void det_cmd_forms_plain(const sm_view *v, det_lits lits, GArray *spans)
{
	cmd_forms(v, lits, NULL, spans);
}
