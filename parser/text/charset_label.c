/*
 * charset_label.c - the decoder for a declared charset label
 * (sm_charset_resolve, charset.h): byte-order marks first, then the label's
 * family (ISO-2022-JP, UTF-8, Shift_JIS, EUC-JP, UTF-7, UTF-16, any iconv
 * single-byte or multibyte charset), each checked against the bytes; a label
 * the bytes contradict, or none, goes to guessing (charset_guess.c).
 *
 * The families are one constant table (names, prefixes, decoder, the check
 * of the bytes against the label); a label in none of them goes to iconv.
 *
 * Untrusted input: the label (cut to 39 bytes, quotes dropped) and the
 * part's bytes.  Limits: those of guessing; the label table is constant.
 */
#include "charset.h"
#include "charset_impl.h"

#include <iconv.h>
#include <string.h>

/*
 * What the bytes say against a label of a family: the decoder is set in
 * *out, or guessing decides (the label lies).  l is the cleaned label;
 * *strict is set when the bytes were found valid UTF-8 without NUL.
 */
typedef void (*label_check)(const char *l, const uint8_t *s, size_t len, sm_charset *out,
			    sm_cs_kind kind, const char *name, bool *strict);

/* 7-bit by definition (ISO-2022-JP, UTF-7): 8-bit data means the label lies. */
static void check_7bit(const char *l, const uint8_t *s, size_t len, sm_charset *out,
		       sm_cs_kind kind, const char *name, bool *strict)
{
	bool ascii;

	(void)strict;
	if (!sm_cs_valid_utf8(s, len, &ascii) || !ascii)
		sm_cs_guess(s, len, out);
	else
		sm_cs_set(out, kind, name ? name : l, false);
}

/* UTF-8 and US-ASCII: invalid UTF-8, or ISO-2022 escapes in ASCII, lie. */
static void check_utf8(const char *l, const uint8_t *s, size_t len, sm_charset *out,
		       sm_cs_kind kind, const char *name, bool *strict)
{
	bool ascii, valid = false;

	if (!sm_cs_valid_utf8_nul(s, len, &ascii, &valid) ||
	    (ascii && sm_cs_has_iso2022_escape(s, len)))
		sm_cs_guess(s, len, out);
	else {
		sm_cs_set(out, kind, name ? name : l, false);
		*strict = valid;
	}
}

/* Shift_JIS and EUC-JP: 7-bit bytes with ISO-2022 escapes are ISO-2022-JP. */
static void check_jp8(const char *l, const uint8_t *s, size_t len, sm_charset *out,
		      sm_cs_kind kind, const char *name, bool *strict)
{
	bool ascii;

	(void)strict;
	if (sm_cs_valid_utf8(s, len, &ascii) && ascii && sm_cs_has_iso2022_escape(s, len))
		sm_cs_set(out, SM_CS_ISO2022JP, "ISO-2022-JP", true);
	else
		sm_cs_set(out, kind, name ? name : l, false);
}

/* UTF-16 has no byte check (a BOM was handled before). */
static void check_none(const char *l, const uint8_t *s, size_t len, sm_charset *out,
		       sm_cs_kind kind, const char *name, bool *strict)
{
	(void)s;
	(void)len;
	(void)strict;
	sm_cs_set(out, kind, name ? name : l, false);
}

/*
 * The label families, first match wins: a label is in a family when it
 * equals one of `names` or starts with one of `prefixes` (ASCII caseless).
 * name: the decoder name set; NULL keeps the label.
 */
static const struct label_family {
	const char *const names[12];
	const char *const prefixes[3];
	sm_cs_kind kind;
	const char *name;
	label_check check;
} families[] = {
	{{"csiso2022jp", "jis"}, {"iso-2022-jp", "cp5022"}, SM_CS_ISO2022JP, NULL, check_7bit},
	{{"utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "unicode-1-1-utf-8", "x-unknown",
	  "unknown-8bit"},
	 {NULL},
	 SM_CS_UTF8,
	 "UTF-8",
	 check_utf8},
	{{"shift_jis", "shift-jis", "sjis", "x-sjis", "windows-31j", "cp932", "ms932", "ms_kanji",
	  "csshiftjis", "x-ms-cp932", "csWindows31J"},
	 {NULL},
	 SM_CS_CP932,
	 NULL,
	 check_jp8},
	{{"euc-jp", "x-euc-jp", "eucjp", "euc-jp-ms", "cp51932", "cseucpkdfmtjapanese", "eucjp-ms"},
	 {NULL},
	 SM_CS_EUCJP,
	 NULL,
	 check_jp8},
	{{"utf-7", "utf7", "unicode-1-1-utf-7", "csunicode11utf7", "x-unicode20utf7"},
	 {NULL},
	 SM_CS_UTF7,
	 "UTF-7",
	 check_7bit},
	{{"utf-16be"}, {NULL}, SM_CS_UTF16BE, "UTF-16BE", check_none},
	{{"unicode"}, {"utf-16"}, SM_CS_UTF16LE, "UTF-16LE", check_none},
};

static bool in_family(const char *l, const struct label_family *f)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(f->names) && f->names[i]; i++)
		if (g_ascii_strcasecmp(l, f->names[i]) == 0)
			return true;
	for (i = 0; i < G_N_ELEMENTS(f->prefixes) && f->prefixes[i]; i++)
		if (g_ascii_strncasecmp(l, f->prefixes[i], strlen(f->prefixes[i])) == 0)
			return true;
	return false;
}

/* Any other label iconv knows: single-byte if every high byte converts on its own. */
static void resolve_iconv(const char *l, const uint8_t *s, size_t len, sm_charset *out)
{
	const gunichar *t;
	iconv_t cd;

	if ((cd = iconv_open("UTF-32LE", l)) == (iconv_t)-1) {
		sm_cs_guess(s, len, out); /* unknown label: as if undeclared */
		return;
	}
	iconv_close(cd);
	sm_cs_set(out, SM_CS_SBCS, l, false);
	t = sm_cs_sbcs_table(l);
	if (t) {
		unsigned b, bad = 0;

		for (b = 0xa1; b < 0x100; b++)
			bad += t[b] == 0xfffd;
		if (bad > 32)
			sm_cs_set(out, SM_CS_ICONV, l, false);
	}
}

/* A byte-order mark decides whatever the label says; true if there was one. */
static bool resolve_bom(const char *label, const uint8_t *s, size_t len, sm_charset *out)
{
	if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		sm_cs_set(out, SM_CS_UTF8, "UTF-8", !label);
		out->bom = 3;
		return true;
	}
	if (len >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff))) {
		sm_cs_set(out, s[0] == 0xff ? SM_CS_UTF16LE : SM_CS_UTF16BE,
			  s[0] == 0xff ? "UTF-16LE" : "UTF-16BE", !label);
		out->bom = 2;
		return true;
	}
	return false;
}

void sm_charset_resolve(const char *label, const uint8_t *s, size_t len, sm_charset *out)
{
	sm_charset_resolve_checked(label, s, len, out, NULL);
}

void sm_charset_resolve_checked(const char *label, const uint8_t *s, size_t len, sm_charset *out,
				bool *utf8_valid)
{
	char l[40];
	size_t f;
	bool strict = false;

	if (utf8_valid)
		*utf8_valid = false;
	memset(out, 0, sizeof(*out));
	if (resolve_bom(label, s, len, out))
		return;
	g_strlcpy(l, label ? label : "", sizeof(l));
	g_strstrip(g_strdelimit(l, "\"'", ' '));
	if (!*l) {
		sm_cs_guess(s, len, out);
		return;
	}
	for (f = 0; f < G_N_ELEMENTS(families); f++)
		if (in_family(l, &families[f])) {
			families[f].check(l, s, len, out, families[f].kind, families[f].name,
					  &strict);
			if (utf8_valid)
				*utf8_valid = strict && out->kind == SM_CS_UTF8 && !out->bom;
			return;
		}
	resolve_iconv(l, s, len, out);
}
