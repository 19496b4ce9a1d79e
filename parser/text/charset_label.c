/*
 * charset_label.c - the decoder for a declared charset label
 * (sm_charset_resolve, charset.h): byte-order marks first, then the label's
 * family (ISO-2022-JP, UTF-8, Shift_JIS, EUC-JP, UTF-7, UTF-16, any iconv
 * single-byte or multibyte charset), each checked against the bytes; a label
 * the bytes contradict, or none, goes to guessing (charset_guess.c).
 *
 * Untrusted input: the label (cut to 39 bytes, quotes dropped) and the
 * part's bytes.  Limits: those of guessing; the label tables are constant.
 */
#include "charset.h"
#include "charset_impl.h"

#include <iconv.h>
#include <string.h>

static bool label_in(const char *l, const char *const *names)
{
	for (; *names; names++)
		if (g_ascii_strcasecmp(l, *names) == 0)
			return true;
	return false;
}

static const char *const utf8_names[] = {"utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968",
					 "unicode-1-1-utf-8", "x-unknown", "unknown-8bit", NULL};
static const char *const sjis_names[] = {"shift_jis", "shift-jis", "sjis", "x-sjis",
					 "windows-31j", "cp932", "ms932", "ms_kanji",
					 "csshiftjis", "x-ms-cp932", "csWindows31J", NULL};
static const char *const utf7_names[] = {"utf-7", "utf7", "unicode-1-1-utf-7", "csunicode11utf7",
					 "x-unicode20utf7", NULL};
static const char *const euc_names[] = {"euc-jp", "x-euc-jp", "eucjp", "euc-jp-ms", "cp51932",
					"cseucpkdfmtjapanese", "eucjp-ms", NULL};

void sm_charset_resolve(const char *label, const uint8_t *s, size_t len, sm_charset *out)
{
	char l[40];
	bool ascii;
	iconv_t cd;

	memset(out, 0, sizeof(*out));
	if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		sm_cs_set(out, SM_CS_UTF8, "UTF-8", !label);
		out->bom = 3;
		return;
	}
	if (len >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff))) {
		sm_cs_set(out, s[0] == 0xff ? SM_CS_UTF16LE : SM_CS_UTF16BE,
		    s[0] == 0xff ? "UTF-16LE" : "UTF-16BE", !label);
		out->bom = 2;
		return;
	}
	g_strlcpy(l, label ? label : "", sizeof(l));
	g_strstrip(g_strdelimit(l, "\"'", ' '));
	if (!*l) {
		sm_cs_guess(s, len, out);
		return;
	}
	if (g_ascii_strncasecmp(l, "iso-2022-jp", 11) == 0 || g_ascii_strncasecmp(l, "cp5022", 6) == 0 ||
	    g_ascii_strcasecmp(l, "csiso2022jp") == 0 || g_ascii_strcasecmp(l, "jis") == 0) {
		/* 7-bit by definition: 8-bit data means the label lies */
		if (!sm_cs_valid_utf8(s, len, &ascii) || !ascii)
			sm_cs_guess(s, len, out);
		else
			sm_cs_set(out, SM_CS_ISO2022JP, l, false);
		return;
	}
	if (label_in(l, utf8_names)) {
		if (!sm_cs_valid_utf8(s, len, &ascii) || (ascii && sm_cs_has_iso2022_escape(s, len)))
			sm_cs_guess(s, len, out);
		else
			sm_cs_set(out, SM_CS_UTF8, "UTF-8", false);
		return;
	}
	if (label_in(l, sjis_names) || label_in(l, euc_names)) {
		if (sm_cs_valid_utf8(s, len, &ascii) && ascii && sm_cs_has_iso2022_escape(s, len))
			sm_cs_set(out, SM_CS_ISO2022JP, "ISO-2022-JP", true);
		else
			sm_cs_set(out, label_in(l, sjis_names) ? SM_CS_CP932 : SM_CS_EUCJP, l, false);
		return;
	}
	if (label_in(l, utf7_names)) {
		/* 7-bit by definition: 8-bit data means the label lies */
		if (sm_cs_valid_utf8(s, len, &ascii) && ascii)
			sm_cs_set(out, SM_CS_UTF7, "UTF-7", false);
		else
			sm_cs_guess(s, len, out);
		return;
	}
	if (g_ascii_strncasecmp(l, "utf-16", 6) == 0 || g_ascii_strcasecmp(l, "unicode") == 0) {
		bool be = g_ascii_strcasecmp(l, "utf-16be") == 0;

		sm_cs_set(out, be ? SM_CS_UTF16BE : SM_CS_UTF16LE, be ? "UTF-16BE" : "UTF-16LE", false);
		return;
	}
	if ((cd = iconv_open("UTF-32LE", l)) == (iconv_t)-1) {
		sm_cs_guess(s, len, out); /* unknown label: as if undeclared */
		return;
	}
	iconv_close(cd);
	{
		/* single-byte if every high byte converts on its own */
		const gunichar *t;

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
}
