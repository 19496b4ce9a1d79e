/*
 * charset_rewrite.c - masks written into a part's own bytes, in its own
 * charset (sm_charset_rewrite, charset.h): the source is stepped with the
 * decoder of charset.c so edits fall on the same character boundaries and
 * ISO-2022-JP state as the view; each masked character becomes a mask of its
 * own width, line ends and escape sequences are kept.
 *
 * Untrusted input: the part's bytes (the edits come from the scan).  Limits:
 * one pass over the source; each masked character grows by at most a few
 * escape bytes, each ASCII edit by its replacement.
 */
#include "charset.h"
#include "charset_impl.h"

#include "utf7.h"

#include <string.h>

static void put_ascii(const sm_charset *cs, const char *a, GByteArray *out)
{
	for (; *a; a++) {
		uint8_t z = 0, c = (uint8_t)*a;

		if (cs->kind == SM_CS_UTF16BE)
			g_byte_array_append(out, &z, 1);
		g_byte_array_append(out, &c, 1);
		if (cs->kind == SM_CS_UTF16LE)
			g_byte_array_append(out, &z, 1);
	}
}

static void put(GByteArray *out, const char *bytes, size_t n)
{
	g_byte_array_append(out, (const guint8 *)bytes, (guint)n);
}

/* The mask for one source character of n bytes decoding to c. */
static void mask_one(stepper *sp, gunichar c, size_t n, GByteArray *out)
{
	const sm_charset *cs = sp->cs;

	switch (cs->kind) {
	case SM_CS_UTF8:
		if (n >= 3 && g_unichar_iswide(c))
			put(out, "\xef\xbc\x8a", 3);
		else
			put(out, "*", 1);
		return;
	case SM_CS_CP932:
		put(out, n == 2 ? "\x81\x96" : "*", n == 2 ? 2 : 1);
		return;
	case SM_CS_EUCJP:
		if (n >= 2 && g_unichar_iswide(c))
			put(out, "\xa1\xf6", 2);
		else
			put(out, "*", 1);
		return;
	case SM_CS_ISO2022JP:
		if (n == 2 && sp->st.mode == M_JIS208)
			put(out, "!v", 2);
		else if (sp->st.mode == M_ASCII && !sp->st.so)
			put(out, "*", 1);
		else if (sp->st.so)
			put(out, "\x0f*\x0e", 3);
		else {
			put(out, "\x1b(B", 3);
			put(out, n == 2 ? "**" : "*", n == 2 ? 2 : 1);
			put(out, (const char *)sp->st.esc, sp->st.esc_len);
		}
		return;
	case SM_CS_UTF16LE:
	case SM_CS_UTF16BE:
		put_ascii(cs, n == 4 ? "**" : "*", out);
		return;
	case SM_CS_SBCS:
	case SM_CS_ICONV:
		put(out, "**", n >= 2 ? 2 : 1);
		return;
	case SM_CS_UTF7: /* not reached: sm_utf7_rewrite re-encodes */
		put(out, "*", 1);
		return;
	}
}

/* Can the stepper pass plain ASCII bytes without stepping them?  They are
 * one byte each and change no state, except in ISO-2022-JP outside ASCII
 * mode and in the UTF-16 family. */
static bool ascii_passes(const stepper *sp)
{
	switch (sp->cs->kind) {
	case SM_CS_ISO2022JP:
		return sp->st.mode == M_ASCII && !sp->st.so;
	case SM_CS_UTF16LE:
	case SM_CS_UTF16BE:
	case SM_CS_UTF7:
		return false;
	default:
		return true;
	}
}

/* In ISO-2022-JP's two-byte sets (not shifted out), a pair of bytes
 * 0x21-0x7E is one character and changes no state: the stepper's answer
 * for it without decoding it. */
static bool pairs_pass(const stepper *sp)
{
	return sp->cs->kind == SM_CS_ISO2022JP && !sp->st.so &&
	       (sp->st.mode == M_JIS208 || sp->st.mode == M_JIS212 || sp->st.mode == M_OTHER94);
}

static bool jis_byte(uint8_t b)
{
	return b >= 0x21 && b <= 0x7e;
}

/*
 * Copy src[i, st) to out, tracking the stepper's state, and return where the
 * copy ended (st, or past it when st falls inside a character, as stepping
 * one character at a time would end).  Runs of plain ASCII, and of
 * ISO-2022-JP pairs in a two-byte set, are passed without decoding them,
 * and the bytes copied in one append.
 */
static size_t copy_upto(stepper *sp, const uint8_t *src, size_t len, size_t i, size_t st,
			GByteArray *out)
{
	size_t from = i;

	while (i < st) {
		gunichar c;

		if (sm_cs_plain_ascii(src[i]) && ascii_passes(sp)) {
			size_t j = sm_cs_ascii_run_end(src, i, st);

			i = j;
			continue;
		}
		if (pairs_pass(sp) && i + 1 < len && jis_byte(src[i]) && jis_byte(src[i + 1])) {
			do
				i += 2;
			while (i < st && i + 1 < len && jis_byte(src[i]) && jis_byte(src[i + 1]));
			continue;
		}
		i += sm_cs_step(sp, src, len, i, &c);
	}
	put(out, (const char *)src + from, i - from);
	return i;
}

/* One edit from src[i]: its replacement into out; returns where it ended. */
static size_t apply_one(stepper *sp, const uint8_t *src, size_t len, size_t i, size_t en,
			const sm_edit *ed, GByteArray *out)
{
	const sm_charset *cs = sp->cs;

	if (ed->ascii) {
		bool was_ascii = sp->st.mode == M_ASCII && !sp->st.so;
		cstate before = sp->st;

		while (i < en) {
			gunichar c;

			i += sm_cs_step(sp, src, len, i, &c);
		}
		if (cs->kind == SM_CS_ISO2022JP && !was_ascii)
			put(out, before.so ? "\x0f" : "\x1b(B", before.so ? 1 : 3);
		put_ascii(cs, ed->ascii, out);
		if (cs->kind == SM_CS_ISO2022JP && (sp->st.mode != M_ASCII || sp->st.so)) {
			if (sp->st.mode != M_ASCII)
				put(out, (const char *)sp->st.esc, sp->st.esc_len);
			if (sp->st.so)
				put(out, "\x0e", 1);
		}
		return i;
	}
	while (i < en) {
		gunichar c;
		size_t k = sm_cs_step(sp, src, len, i, &c);

		if (c == NOCHAR || c == '\n' || c == '\r')
			put(out, (const char *)src + i, k);
		else
			mask_one(sp, c, k, out);
		i += k;
	}
	return i;
}

bool sm_charset_rewrite_spans(const sm_charset *cs, const uint8_t *src, size_t len,
			      const sm_edit *edits, size_t n, GByteArray *out, GArray *spans)
{
	stepper sp;
	size_t i = 0, e, base = out->len;

	if (cs->kind == SM_CS_UTF7) {
		sm_utf7_rewrite(src, len, edits, n, out);
		return false;
	}
	sm_cs_stepper_init(&sp, cs);
	for (e = 0; e < n; e++) {
		const sm_edit *ed = &edits[e];
		size_t st = ed->start < len ? ed->start : len, en = ed->end < len ? ed->end : len;
		sm_rw_span sp_out;

		if (st < i)
			continue; /* overlapping or unsorted: skip rather than corrupt */
		i = copy_upto(&sp, src, len, i, st, out);
		sp_out.src_a = i;
		sp_out.out_a = out->len - base;
		i = apply_one(&sp, src, len, i, en, ed, out);
		sp_out.src_b = i;
		sp_out.out_b = out->len - base;
		if (spans)
			g_array_append_val(spans, sp_out);
	}
	if (i < len)
		put(out, (const char *)src + i, len - i);
	sm_cs_stepper_done(&sp);
	return true;
}

void sm_charset_rewrite(const sm_charset *cs, const uint8_t *src, size_t len,
			const sm_edit *edits, size_t n, GByteArray *out)
{
	sm_charset_rewrite_spans(cs, src, len, edits, n, out, NULL);
}
