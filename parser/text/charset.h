/*
 * charset.h - decoding part bytes to UTF-8 with a map back, and writing mask
 * characters in the part's own charset.
 *
 * Japanese charsets are decoded here, not by iconv alone: ISO-2022-JP as
 * Outlook writes it is really CP50220/CP50221 (NEC and IBM extensions, half-
 * width kana), which glibc refuses.  JIS X 0208 pairs are mapped through the
 * CP932 table, so ①, ㈱ and Ⅰ survive.  Nothing is ever encoded back from
 * UTF-8: masks are written into the original bytes.
 *
 * Input: untrusted bytes in an untrusted (possibly lying) charset label.
 * Invalid sequences decode to U+FFFD one byte at a time; nothing is dropped.
 */
#ifndef SM_CHARSET_H
#define SM_CHARSET_H

#include "textbuf.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a decoding step yields for bytes that are no character (escape
 * sequences, UTF-7 shifts): nothing goes to the view. */
#define SM_CS_NOCHAR ((gunichar)-1)

typedef enum {
	SM_CS_UTF8 = 0,
	SM_CS_ISO2022JP, /* also CP50220/1/2, ISO-2022-JP-1/2/3/MS */
	SM_CS_CP932,     /* Shift_JIS, Windows-31J */
	SM_CS_EUCJP,     /* EUC-JP, EUC-JP-MS, CP51932 */
	SM_CS_UTF16LE,
	SM_CS_UTF16BE,
	SM_CS_SBCS,      /* single-byte: ISO-8859-x, windows-125x, KOI8 ... via a table */
	SM_CS_ICONV,     /* any other multibyte iconv knows, one character at a time */
	SM_CS_UTF7,      /* RFC 2152, stateful (utf7.c); rewritten by re-encoding */
} sm_cs_kind;

typedef struct sm_charset {
	sm_cs_kind kind;
	char name[40];       /* iconv name for SBCS / ICONV; the label otherwise */
	bool detected;       /* not (or not truthfully) declared */
	size_t bom;          /* bytes of byte-order mark to skip */
} sm_charset;

/*
 * Choose the decoder for `label` (NULL or unknown: detect from the bytes).
 * A label that the bytes contradict (ESC sequences in "utf-8", invalid UTF-8
 * in "us-ascii", a BOM) is overridden and `detected` set.  Never fails: the
 * last fallback is CP932 for 8-bit Japanese-looking data, else windows-1252.
 */
void sm_charset_resolve(const char *label, const uint8_t *src, size_t len, sm_charset *out);

/* sm_charset_resolve, and *utf8_valid: true when the answer is UTF-8 without
 * BOM and src was found to be valid UTF-8 without NUL on the way (as
 * sm_utf8_valid), so a caller holding the same bytes need not check again;
 * false when not known. */
void sm_charset_resolve_checked(const char *label, const uint8_t *src, size_t len, sm_charset *out,
				bool *utf8_valid);

/*
 * Decode src to UTF-8, appended to `out` with, for every byte, the source
 * range it came from; with `fold`, folded as the view folds (sm_fold_char).
 * Stops before `out` would pass max_out bytes and sets
 * *truncated.
 */
void sm_charset_decode(const sm_charset *cs, const uint8_t *src, size_t len, size_t max_out,
		       bool fold, sm_tbuf *out, bool *truncated);

/*
 * An edit of the source: [start, end) replaced by `ascii` (an ASCII string,
 * written in the charset: UTF-16 widened, ISO-2022-JP switched to ASCII and
 * back), or, when ascii is NULL, every character in the range replaced by a
 * mask of its own width: an ASCII-width character by '*', a double-width one
 * by the full-width asterisk of the same charset (JIS X 0208 0x2176 in
 * ISO-2022-JP, 0x8196 in Shift_JIS, U+FF0A in UTF-8), so escape state and
 * line lengths stay as they were.
 */
typedef struct sm_edit {
	size_t start, end;
	const char *ascii;
} sm_edit;

/* src with the edits (sorted by start, not overlapping) applied, into out. */
void sm_charset_rewrite(const sm_charset *cs, const uint8_t *src, size_t len,
			const sm_edit *edits, size_t n, GByteArray *out);

/*
 * What one applied edit replaced: src[src_a, src_b) (empty for an insertion)
 * became out[out_a, out_b) (offsets into the out given to the call, from its
 * length before the call).  Every source byte outside the spans is copied
 * unchanged, in order.
 */
typedef struct sm_rw_span {
	size_t src_a, src_b, out_a, out_b;
} sm_rw_span;

/*
 * sm_charset_rewrite, and the spans it replaced appended to `spans` (sorted,
 * not overlapping).  False when the charset re-encodes the whole text
 * (UTF-7): out is then written but no spans are given.
 */
bool sm_charset_rewrite_spans(const sm_charset *cs, const uint8_t *src, size_t len,
			      const sm_edit *edits, size_t n, GByteArray *out, GArray *spans);

/*
 * ISO-2022-JP shift state across a stream: the state after s[0, len) given
 * the state before it (0 is ASCII, not shifted out), following escape
 * sequences and SO/SI as the decoder does.  The caller cuts the stream only
 * where no escape sequence is open (after a line end).
 */
int sm_iso2022_track(int state, const uint8_t *s, size_t len);

#endif
