/*
 * charset_guess.c - the charset of bytes whose label is missing, unknown or
 * contradicted by the bytes (charset.h, sm_charset_resolve): byte-order
 * shape of UTF-16, ISO-2022 escapes, valid UTF-8, then CP932 against EUC-JP
 * by their decoding errors, windows-1252 last.
 *
 * Untrusted input: the part's bytes.  Limits: the UTF-16 shape looks at the
 * first 4 KiB, the error counts at the first 1 MiB; the rest is linear scans.
 */
#include "charset.h"
#include "charset_impl.h"

#include "utf8.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * All ASCII (NUL allowed), or valid UTF-8 without NUL (sm_utf8_valid); with
 * strict (may be NULL), whether sm_utf8_valid holds for all of s.  One
 * pass: the ASCII prefix is read eight bytes at a time, noting any NUL, and
 * only the rest is validated (no sequence can straddle the first 8-bit byte).
 */
bool sm_cs_valid_utf8(const uint8_t *s, size_t len, bool *ascii)
{
	return sm_cs_valid_utf8_nul(s, len, ascii, NULL);
}

bool sm_cs_valid_utf8_nul(const uint8_t *s, size_t len, bool *ascii, bool *strict)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	size_t i = 0;
	bool nul = false;

#ifdef __SSE2__
	/* sixteen bytes a step: stop at the block with an 8-bit byte, note NULs */
	const __m128i zero = _mm_setzero_si128();
	unsigned z = 0;

	for (; len - i >= 16; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));

		if (_mm_movemask_epi8(v))
			break;
		z |= (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero));
	}
	nul = z != 0;
#endif
	for (; len - i >= 8; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		if (w & highs)
			break;
		nul |= ((w - ones) & ~w & highs) != 0;
	}
	for (; i < len && s[i] < 0x80; i++)
		nul |= s[i] == 0;
	*ascii = i == len;
	if (*ascii) {
		if (strict)
			*strict = !nul;
		return true;
	}
	if (nul || !sm_utf8_valid(s + i, len - i))
		return false;
	if (strict)
		*strict = true;
	return true;
}

bool sm_cs_has_iso2022_escape(const uint8_t *s, size_t len)
{
	const uint8_t *p = s, *e = s + len;

	if (!s || !len)
		return false;
	while ((p = memchr(p, 0x1b, e - p)) != NULL && p + 2 < e) {
		if ((p[1] == '$' && (p[2] == 'B' || p[2] == '@' || p[2] == '(')) ||
		    (p[1] == '(' && (p[2] == 'B' || p[2] == 'J' || p[2] == 'I')))
			return true;
		p++;
	}
	return false;
}

/* Errors decoding as CP932 resp. EUC-JP; bounded to the first 1 MiB. */
static size_t count_errors(sm_cs_kind kind, const uint8_t *s, size_t len)
{
	size_t i = 0, errs = 0, lim = len < (1u << 20) ? len : (1u << 20);

	while (i < lim) {
		gunichar c;
		size_t n = kind == SM_CS_CP932 ? sm_cs_step_cp932(s, lim, i, &c) : sm_cs_step_eucjp(s, lim, i, &c);

		if (c == 0xfffd)
			errs++;
		i += n;
	}
	return errs;
}

void sm_cs_set(sm_charset *out, sm_cs_kind k, const char *name, bool detected)
{
	out->kind = k;
	g_strlcpy(out->name, name, sizeof(out->name));
	out->detected = detected;
}

/* No usable label: BOM, UTF-16 shape, escapes, UTF-8, then CP932 vs EUC-JP. */
void sm_cs_guess(const uint8_t *s, size_t len, sm_charset *out)
{
	bool ascii;
	size_t i, odd0 = 0, even0 = 0, probe = len < 4096 ? len : 4096;

	for (i = 0; i + 1 < probe; i += 2) {
		even0 += s[i] == 0;
		odd0 += s[i + 1] == 0;
	}
	if (probe >= 8 && odd0 > probe / 8 && even0 == 0) {
		sm_cs_set(out, SM_CS_UTF16LE, "UTF-16LE", true);
		return;
	}
	if (probe >= 8 && even0 > probe / 8 && odd0 == 0) {
		sm_cs_set(out, SM_CS_UTF16BE, "UTF-16BE", true);
		return;
	}
	if (sm_cs_has_iso2022_escape(s, len) && sm_cs_valid_utf8(s, len, &ascii) && ascii) {
		sm_cs_set(out, SM_CS_ISO2022JP, "ISO-2022-JP", true);
		return;
	}
	if (sm_cs_valid_utf8(s, len, &ascii)) {
		sm_cs_set(out, SM_CS_UTF8, "UTF-8", true);
		return;
	}
	if (count_errors(SM_CS_EUCJP, s, len) < count_errors(SM_CS_CP932, s, len)) {
		sm_cs_set(out, SM_CS_EUCJP, "EUC-JP", true);
		return;
	}
	if (count_errors(SM_CS_CP932, s, len) == 0) {
		sm_cs_set(out, SM_CS_CP932, "CP932", true);
		return;
	}
	sm_cs_set(out, SM_CS_SBCS, "WINDOWS-1252", true);
}

