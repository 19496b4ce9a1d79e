/*
 * sniff.c - text or binary, and archive magic numbers (sniff.h).
 *
 * Untrusted input: file names and the first SM_SNIFF_BYTES of content; one
 * bounded pass over them (sixteen bytes a step with SSE2).
 */
#include "sniff.h"

#include <glib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

/* Is one of the eight bytes at d below 0x20 (a NUL or another control)?
 * The "has a byte less than n" word test, exact for n <= 128. */
static bool has_control(const uint8_t *d)
{
	uint64_t x;

	memcpy(&x, d, 8);
	return ((x - 0x2020202020202020ull) & ~x & 0x8080808080808080ull) != 0;
}

/* What byte c at i adds to the counts (only bytes below 0x20 add). */
typedef struct ctl_count {
	size_t nul, odd, bad;
} ctl_count;

static void count_byte(ctl_count *k, uint8_t c, size_t i)
{
	k->nul += c == 0;
	k->odd += c == 0 && (i & 1);
	k->bad += c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0x1b && c != '\f';
}

#ifdef __SSE2__
/* Bit k set where d[k] < 0x20, for k < 16 (unsigned, by flipping the sign). */
static unsigned control_mask16(const uint8_t *d)
{
	const __m128i flip = _mm_set1_epi8((char)0x80);
	__m128i x = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(const void *)d), flip);

	return (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(x, _mm_set1_epi8((char)(0x20 ^ 0x80))));
}
#endif

bool sm_sniff_text(const uint8_t *d, size_t n, const char *name)
{
	size_t i = 0, m = n < SM_SNIFF_BYTES ? n : SM_SNIFF_BYTES, nul, odd, bad;
	ctl_count k = {0, 0, 0};

	if ((n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0) ||
	    (n >= 2 && (memcmp(d, "\xff\xfe", 2) == 0 || memcmp(d, "\xfe\xff", 2) == 0)))
		return true;
	if (!n || sm_sniff_binary_magic(d, n))
		return false;
#ifdef __SSE2__
	/* sixteen bytes at a time: only the control bytes among them count */
	for (; m - i >= 16; i += 16)
		for (unsigned c = control_mask16(d + i); c; c &= c - 1)
			count_byte(&k, d[i + (unsigned)__builtin_ctz(c)], i + (unsigned)__builtin_ctz(c));
#endif
	for (; i < m; i++) {
		if ((i & 7) == 0 && m - i >= 8 && !has_control(d + i)) {
			i += 7; /* eight bytes >= 0x20: nothing to count */
			continue;
		}
		count_byte(&k, d[i], i);
	}
	nul = k.nul;
	odd = k.odd;
	bad = k.bad;
	if (nul && (odd * 10 >= m * 4 || (nul - odd) * 10 >= m * 4))
		return true; /* UTF-16 without BOM: every other byte NUL */
	if (nul)
		return false;
	return sm_sniff_text_name(name) || bad * 20 < m;
}

/* Magic numbers of what archive.c opens besides zip and TNEF. */
static const struct {
	size_t off, len;
	const char *m;
} magics[] = {
	{0, 3, "\x1f\x8b\x08"},           /* gzip */
	{0, 6, "\xfd" "7zXZ\0"},          /* xz */
	{0, 4, "LZIP"},                   /* lzip */
	{0, 4, "\x28\xb5\x2f\xfd"},       /* zstd */
	{0, 4, "\x04\x22\x4d\x18"},       /* lz4 */
	{0, 2, "\x1f\x9d"},               /* compress (.Z) */
	{257, 5, "ustar"},                /* tar (POSIX and GNU) */
	{0, 6, "7z\xbc\xaf\x27\x1c"},     /* 7-Zip */
	{0, 8, "MSCF\0\0\0\0"},           /* cabinet */
	{0, 7, "Rar!\x1a\x07\x00"},       /* RAR 4 */
	{0, 8, "Rar!\x1a\x07\x01\x00"},   /* RAR 5 */
	{0, 8, "!<arch>\n"},              /* ar (.deb) */
	{0, 4, "xar!"},                   /* xar */
	{32769, 5, "CD001"},              /* ISO 9660 */
};

/* cpio: "070701" / "070702" and 104 hex digits, or "070707" and 70 octal */
static bool is_cpio(const uint8_t *d, size_t n)
{
	bool odc = n >= 76 && memcmp(d, "070707", 6) == 0;
	size_t i, end = odc ? 76 : 110;

	if (!odc && !(n >= 110 && (memcmp(d, "070701", 6) == 0 || memcmp(d, "070702", 6) == 0)))
		return false;
	for (i = 6; i < end; i++)
		if (odc ? (d[i] < '0' || d[i] > '7') : !g_ascii_isxdigit(d[i]))
			return false;
	return true;
}

bool sm_sniff_archive(const uint8_t *data, size_t len)
{
	/* first bytes of the magics at offset 0: most parts are done after one memchr */
	static const char first[] = "\x1f\xfd" "L\x28\x04" "7MR!xB0]";
	size_t k;

	if (len && !memchr(first, data[0], sizeof(first) - 1))
		return (len >= 262 && memcmp(data + 257, "ustar", 5) == 0) ||
		       (len >= 32774 && memcmp(data + 32769, "CD001", 5) == 0) ||
		       (len >= 21 && data[2] == '-' && data[3] == 'l' &&
			(data[4] == 'h' || data[4] == 'z') && data[6] == '-');
	for (k = 0; k < G_N_ELEMENTS(magics); k++)
		if (len >= magics[k].off + magics[k].len &&
		    memcmp(data + magics[k].off, magics[k].m, magics[k].len) == 0)
			return true;
	if (len >= 10 && memcmp(data, "BZh", 3) == 0 && data[3] >= '1' && data[3] <= '9' &&
	    memcmp(data + 4, "1AY&SY", 6) == 0)
		return true;
	if (is_cpio(data, len))
		return true;
	/* lzma alone: properties 0x5D, then a dictionary size of at most 512 MB */
	if (len >= 13 && data[0] == 0x5d && data[1] == 0 && data[2] == 0 && data[4] <= 0x20)
		return true;
	/* LHA: "-lh?-" or "-lz?-" at offset 2 */
	return len >= 21 && data[2] == '-' && data[3] == 'l' && (data[4] == 'h' || data[4] == 'z') &&
	       data[6] == '-';
}
