/*
 * sniff.c - text or binary (sniff.h).
 *
 * Untrusted input: file names and the first SM_SNIFF_BYTES of content; one
 * bounded pass over them.
 */
#include "sniff.h"

#include <glib.h>
#include <string.h>

static const char *const text_exts[] = {
	"txt", "log", "csv", "tsv", "json", "xml", "cmd", "bat", "ps1", "psm1", "psd1", "py", "sh",
	"ini", "conf", "cfg", "config", "reg", "yaml", "yml", "plist", "mobileconfig", "html", "htm",
	"eml", "md", "onboarding", "offboarding", "rels", "properties", "env", "toml", "sql", "js",
	"vbs", "rtf", "out", "err", "trace", "inf", "cer", "pem", "key", "crt", NULL};

static const struct {
	const char *m;
	size_t len;
} magic[] = {
	{"\x89PNG", 4}, {"GIF8", 4}, {"\xff\xd8\xff", 3}, {"%PDF", 4}, {"MSCF", 4},
	{"\xd0\xcf\x11\xe0", 4}, {"MZ", 2}, {"\x7f" "ELF", 4}, {"\x1f\x8b", 2}, {"Rar!", 4},
	{"7z\xbc\xaf", 4},
};

bool sm_sniff_has_ext(const char *name, const char *const *exts)
{
	const char *dot = name ? strrchr(name, '.') : NULL;

	for (; dot && *exts; exts++)
		if (g_ascii_strcasecmp(dot + 1, *exts) == 0)
			return true;
	return false;
}

bool sm_sniff_text_name(const char *name)
{
	return sm_sniff_has_ext(name, text_exts);
}

bool sm_sniff_binary_magic(const uint8_t *d, size_t n)
{
	size_t k;

	for (k = 0; k < G_N_ELEMENTS(magic); k++)
		if (n >= magic[k].len && memcmp(d, magic[k].m, magic[k].len) == 0)
			return true;
	return false;
}

bool sm_sniff_text(const uint8_t *d, size_t n, const char *name)
{
	size_t i, m = n < SM_SNIFF_BYTES ? n : SM_SNIFF_BYTES, nul = 0, odd = 0, bad = 0;

	if ((n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0) ||
	    (n >= 2 && (memcmp(d, "\xff\xfe", 2) == 0 || memcmp(d, "\xfe\xff", 2) == 0)))
		return true;
	if (!n || sm_sniff_binary_magic(d, n))
		return false;
	for (i = 0; i < m; i++) {
		nul += d[i] == 0;
		odd += d[i] == 0 && (i & 1);
		bad += d[i] < 0x20 && d[i] != '\n' && d[i] != '\r' && d[i] != '\t' && d[i] != 0x1b &&
		       d[i] != '\f';
	}
	if (nul && (odd * 10 >= m * 4 || (nul - odd) * 10 >= m * 4))
		return true; /* UTF-16 without BOM: every other byte NUL */
	if (nul)
		return false;
	return sm_sniff_text_name(name) || bad * 20 < m;
}
