/*
 * charset.c - part bytes to UTF-8 with a map back (charset.h): the tables,
 * the stepping decoders and decoding.  Choosing the decoder is in
 * charset_label.c (declared labels) and charset_guess.c (undeclared or lying
 * ones); writing masks in the part's own charset is in charset_rewrite.c.
 *
 * One stepping function per charset family decodes one character (or one
 * escape sequence) at a time; decoding and rewriting both use it, so the map
 * and the rewrite agree on character boundaries and on ISO-2022-JP state.
 * JIS X 0208 (ISO-2022-JP, EUC-JP) is mapped arithmetically to Shift_JIS and
 * looked up in a CP932 table generated from iconv (cp932_table.c): that
 * covers the NEC row 13 (①, ㈱, Ⅰ) and NEC-selected IBM extensions that
 * strict ISO-2022-JP decoders refuse.
 *
 * Untrusted input: every byte.  Every step consumes at least one byte;
 * invalid sequences become U+FFFD for one byte.  Tables are immutable after
 * a GOnce, so decoding is thread-safe.
 */
#include "charset.h"
#include "charset_impl.h"
#include "utf7.h"

#include "fold.h"
#include "utf8.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

/* ------------------------------------------------------------------ tables */

static gunichar iconv_one(iconv_t cd, const uint8_t *in, size_t n)
{
	char *ip = (char *)in;
	guint32 outbuf[4];
	char *op = (char *)outbuf;
	size_t il = n, ol = sizeof(outbuf);

	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il != 0 ||
	    ol != sizeof(outbuf) - 4)
		return 0;
	return outbuf[0];
}

/* JIS X 0208 row/cell bytes (0x21-0x7e each) through Shift_JIS to Unicode. */
static gunichar jis208(uint8_t c1, uint8_t c2)
{
	unsigned row, trail;
	gunichar u;

	if (c1 < 0x21 || c1 > 0x7e || c2 < 0x21 || c2 > 0x7e)
		return 0xfffd;
	/* Shift_JIS: lead bytes 0x81-0x9F, 0xE0-0xEF (rows 0-46 of the table)
	 * take the JIS rows in pairs; the trail byte is 0x40-0xFC */
	row = ((c1 + 1u) >> 1) - 0x11;
	trail = c2 + ((c1 & 1) ? (c2 < 0x60 ? 0x1f : 0x20) : 0x7e);
	u = sm_cp932_table[row * SM_CP932_COLS + (trail - 0x40)];
	return u ? u : 0xfffd;
}

/* JIS X 0212 through iconv's EUC-JP (rare: a per-character conversion). */
static gunichar jis212(uint8_t c1, uint8_t c2)
{
	uint8_t b[3] = {0x8f, (uint8_t)(c1 | 0x80), (uint8_t)(c2 | 0x80)};
	iconv_t cd = iconv_open("UTF-32LE", "EUC-JP");
	gunichar u;

	if (cd == (iconv_t)-1)
		return 0xfffd;
	u = iconv_one(cd, b, 3);
	iconv_close(cd);
	return u ? u : 0xfffd;
}

/* Single-byte tables, one per charset name, built on first use. */
static GHashTable *sbcs_tables;
static GMutex sbcs_lock;

const gunichar *sm_cs_sbcs_table(const char *name)
{
	gunichar *t;
	iconv_t cd;
	unsigned b;

	g_mutex_lock(&sbcs_lock);
	if (!sbcs_tables)
		sbcs_tables = g_hash_table_new(g_str_hash, g_str_equal);
	t = g_hash_table_lookup(sbcs_tables, name);
	if (!t && (cd = iconv_open("UTF-32LE", name)) != (iconv_t)-1) {
		t = g_new0(gunichar, 256);
		for (b = 0; b < 256; b++) {
			uint8_t c = (uint8_t)b;
			gunichar u = iconv_one(cd, &c, 1);

			t[b] = u ? u : (b ? 0xfffd : 0);
		}
		iconv_close(cd);
		g_hash_table_insert(sbcs_tables, g_strdup(name), t);
	}
	g_mutex_unlock(&sbcs_lock);
	return t;
}

/* ------------------------------------------------------------------ stepping */

static size_t step_utf8(const uint8_t *s, size_t len, size_t i, gunichar *c)
{
	size_t k;
	gunichar u = sm_utf8_char(s + i, len - i, &k);

	*c = k ? u : 0xfffd;
	return k ? k : 1;
}

size_t sm_cs_step_cp932(const uint8_t *s, size_t len, size_t i, gunichar *c)
{
	uint8_t b = s[i];

	if (b < 0x80) {
		*c = b;
		return 1;
	}
	if (b >= 0xa1 && b <= 0xdf) {
		*c = 0xff61 + (b - 0xa1);
		return 1;
	}
	if (i + 1 < len && ((b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc))) {
		gunichar u = sm_cp932(b, s[i + 1]);

		if (u) {
			*c = u;
			return 2;
		}
	}
	*c = 0xfffd;
	return 1;
}

size_t sm_cs_step_eucjp(const uint8_t *s, size_t len, size_t i, gunichar *c)
{
	uint8_t b = s[i];

	*c = 0xfffd;
	if (b < 0x80) {
		*c = b;
		return 1;
	}
	if (b == 0x8e && i + 1 < len && s[i + 1] >= 0xa1 && s[i + 1] <= 0xdf) {
		*c = 0xff61 + (s[i + 1] - 0xa1);
		return 2;
	}
	if (b == 0x8f && i + 2 < len && s[i + 1] >= 0xa1 && s[i + 2] >= 0xa1) {
		*c = jis212(s[i + 1] & 0x7f, s[i + 2] & 0x7f);
		return 3;
	}
	if (b >= 0xa1 && b <= 0xfe && i + 1 < len && s[i + 1] >= 0xa1 && s[i + 1] <= 0xfe) {
		*c = jis208(b & 0x7f, s[i + 1] & 0x7f);
		return 2;
	}
	return 1;
}

/* An ISO-2022 escape sequence at s[i]: its length (0 if not one), new mode. */
static size_t iso_escape(const uint8_t *s, size_t len, size_t i, cstate *st)
{
	size_t n = 0;
	int mode = -1;

	if (i + 2 < len && s[i + 1] == '(') {
		n = 3;
		mode = s[i + 2] == 'I' ? M_KANA : M_ASCII; /* B, J, H: ASCII / JIS-Roman */
	} else if (i + 2 < len && s[i + 1] == '$' && (s[i + 2] == 'B' || s[i + 2] == '@')) {
		n = 3;
		mode = M_JIS208;
	} else if (i + 3 < len && s[i + 1] == '$' && s[i + 2] == '(') {
		n = 4;
		mode = s[i + 3] == 'D' ? M_JIS212
		       : (s[i + 3] == 'Q' || s[i + 3] == 'O' || s[i + 3] == 'B') ? M_JIS208
										   : M_OTHER94;
	} else if (i + 2 < len && s[i + 1] == '$' && s[i + 2] == 'A') {
		n = 3;
		mode = M_OTHER94;
	} else if (i + 2 < len && (s[i + 1] == '.' || s[i + 1] == 'N')) {
		return s[i + 1] == '.' ? 3 : 2; /* ISO-2022-JP-2 G2: ignored */
	}
	if (!n)
		return 0;
	st->mode = mode;
	memcpy(st->esc, s + i, n);
	st->esc_len = (uint8_t)n;
	return n;
}

static size_t step_iso2022(const uint8_t *s, size_t len, size_t i, cstate *st, gunichar *c)
{
	uint8_t b = s[i];
	size_t n;

	if (b == 0x1b && (n = iso_escape(s, len, i, st)) > 0) {
		*c = NOCHAR;
		return n;
	}
	if (b == 0x0e || b == 0x0f) {
		st->so = b == 0x0e;
		*c = NOCHAR;
		return 1;
	}
	if (b < 0x21 || b == 0x7f) { /* controls and space read as ASCII in any mode */
		*c = b;
		return 1;
	}
	if (b >= 0x80) {
		if (b >= 0xa1 && b <= 0xdf) { /* 8-bit half-width kana (CP50222 habits) */
			*c = 0xff61 + (b - 0xa1);
			return 1;
		}
		*c = 0xfffd;
		return 1;
	}
	if (st->so || st->mode == M_KANA) {
		*c = b <= 0x5f ? 0xff61 + (b - 0x21) : 0xfffd;
		return 1;
	}
	if (st->mode == M_ASCII) {
		*c = b;
		return 1;
	}
	if (i + 1 >= len || s[i + 1] < 0x21 || s[i + 1] > 0x7e) {
		*c = 0xfffd;
		return 1;
	}
	*c = st->mode == M_JIS208 ? jis208(b, s[i + 1])
	     : st->mode == M_JIS212 ? jis212(b, s[i + 1])
				    : 0xfffd;
	return 2;
}

static size_t step_utf16(const uint8_t *s, size_t len, size_t i, bool be, gunichar *c)
{
	gunichar u, lo;

	if (i + 1 >= len) {
		*c = 0xfffd;
		return 1;
	}
	u = be ? (s[i] << 8 | s[i + 1]) : (s[i + 1] << 8 | s[i]);
	if (u >= 0xd800 && u <= 0xdbff && i + 3 < len) {
		lo = be ? (s[i + 2] << 8 | s[i + 3]) : (s[i + 3] << 8 | s[i + 2]);
		if (lo >= 0xdc00 && lo <= 0xdfff) {
			*c = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			return 4;
		}
	}
	*c = (u >= 0xd800 && u <= 0xdfff) ? 0xfffd : u;
	return 2;
}

/* Generic multibyte through iconv: the shortest prefix that converts. */
static size_t step_iconv(iconv_t cd, const uint8_t *s, size_t len, size_t i, gunichar *c)
{
	size_t n;

	if (s[i] < 0x80) {
		*c = s[i];
		return 1;
	}
	for (n = 1; n <= 4 && i + n <= len; n++) {
		gunichar u = iconv_one(cd, s + i, n);

		if (u) {
			*c = u;
			return n;
		}
	}
	*c = 0xfffd;
	return 1;
}


void sm_cs_stepper_init(stepper *sp, const sm_charset *cs)
{
	memset(sp, 0, sizeof(*sp));
	sp->cs = cs;
	sp->cd = (iconv_t)-1;
	if (cs->kind == SM_CS_SBCS)
		sp->sbcs = sm_cs_sbcs_table(cs->name);
	if (cs->kind == SM_CS_ICONV)
		sp->cd = iconv_open("UTF-32LE", cs->name);
}

void sm_cs_stepper_done(stepper *sp)
{
	if (sp->cd != (iconv_t)-1)
		iconv_close(sp->cd);
}

/* The step of sp's charset; inline in the decoding loop, sm_cs_step outside. */
static inline size_t step_any(stepper *sp, const uint8_t *s, size_t len, size_t i, gunichar *c)
{
	switch (sp->cs->kind) {
	case SM_CS_UTF8:
		return step_utf8(s, len, i, c);
	case SM_CS_ISO2022JP:
		return step_iso2022(s, len, i, &sp->st, c);
	case SM_CS_CP932:
		return sm_cs_step_cp932(s, len, i, c);
	case SM_CS_EUCJP:
		return sm_cs_step_eucjp(s, len, i, c);
	case SM_CS_UTF16LE:
	case SM_CS_UTF16BE:
		return step_utf16(s, len, i, sp->cs->kind == SM_CS_UTF16BE, c);
	case SM_CS_SBCS:
		*c = sp->sbcs ? sp->sbcs[s[i]] : (s[i] < 0x80 ? s[i] : 0xfffd);
		return 1;
	case SM_CS_UTF7:
		return sm_utf7_step(s, len, i, &sp->st.u7, c);
	case SM_CS_ICONV:
		if (sp->cd == (iconv_t)-1) {
			*c = s[i] < 0x80 ? s[i] : 0xfffd;
			return 1;
		}
		return step_iconv(sp->cd, s, len, i, c);
	}
	*c = 0xfffd;
	return 1;
}

size_t sm_cs_step(stepper *sp, const uint8_t *s, size_t len, size_t i, gunichar *c)
{
	return step_any(sp, s, len, i, c);
}

/* ------------------------------------------------------------------ decode */

/* Bytes of c in UTF-8 (as g_unichar_to_utf8 counts them). */
static int utf8_len(gunichar c)
{
	return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : g_unichar_to_utf8(c, NULL);
}

static bool ascii_fast(const stepper *sp)
{
	switch (sp->cs->kind) {
	case SM_CS_UTF16LE:
	case SM_CS_UTF16BE:
	case SM_CS_UTF7:
		return false;
	case SM_CS_ISO2022JP:
		return sp->st.mode == M_ASCII && !sp->st.so;
	default:
		return true;
	}
}

/*
 * Runs that need no stepping one character at a time: kept kanji and kana
 * (sm_fold_keeps) as three-byte UTF-8 are their own bytes; in ISO-2022-JP's
 * JIS X 0208 mode, pairs that map to kept three-byte characters.  Both write
 * what stepping, folding and sm_tbuf_char would, a character at a time
 * under max_out.  Return the new position, i if there is no such run here;
 * *full when max_out stopped the run.
 */
static size_t utf8_kept_run(const uint8_t *src, size_t i, size_t len, size_t max_out,
			    sm_tbuf *out, bool *full)
{
	size_t j = sm_fold_kept3_end(src, i, len), n = (j - i) / 3;
	size_t room = max_out > out->len ? (max_out - out->len) / 3 : 0;

	if (n > room) {
		n = room;
		*full = true;
	}
	if (n)
		sm_tbuf_emit_units(out, (const char *)src + i, n, 3, (uint32_t)i, 3);
	return i + 3 * n;
}

static size_t jis_kept_run(const uint8_t *src, size_t i, size_t len, size_t max_out,
			   sm_tbuf *out, bool *full)
{
	enum { BLOCK = 64 }; /* pairs written between two reservations */

	for (;;) {
		size_t room = out->len < max_out ? (max_out - out->len) / 3 : 0, k = 0, i0 = i;
		uint8_t *w;

		sm_tbuf_reserve(out, 3 * BLOCK);
		w = (uint8_t *)out->text + out->len;
		while (i + 1 < len && src[i] >= 0x21 && src[i] <= 0x7e && src[i + 1] >= 0x21 &&
		       src[i + 1] <= 0x7e) {
			gunichar c = jis208(src[i], src[i + 1]);

			if (c < 0x800 || !sm_fold_keeps(c))
				break;
			if (k == room) {
				*full = true;
				break;
			}
			if (k == BLOCK)
				break;
			/* the table's characters are below U+10000: three bytes */
			w[0] = (uint8_t)(0xe0 | (c >> 12));
			w[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			w[2] = (uint8_t)(0x80 | (c & 0x3f));
			w += 3;
			k++;
			i += 2;
		}
		if (k) { /* one map entry for the run: as k units added one by one */
			sm_vmap_add(&out->map, 3, (uint32_t)i0, 2, k);
			out->len += 3 * k;
		}
		if (*full || k < BLOCK)
			return i;
	}
}

void sm_charset_decode(const sm_charset *cs, const uint8_t *src, size_t len, size_t max_out,
		       bool fold, sm_tbuf *out, bool *truncated)
{
	stepper sp;
	size_t i = cs->bom < len ? cs->bom : len;

	sm_cs_stepper_init(&sp, cs);
	*truncated = false;
	while (i < len) {
		gunichar c;
		size_t n;
		char buf[6];
		int m;

		if (sm_cs_plain_ascii(src[i]) && ascii_fast(&sp)) {
			size_t j = sm_cs_ascii_run_end(src, i, len);

			if (out->len + (j - i) > max_out) {
				*truncated = true;
				break;
			}
			sm_tbuf_run(out, (const char *)src + i, j - i, (uint32_t)i);
			i = j;
			continue;
		}
		if ((cs->kind == SM_CS_UTF8 && src[i] >= 0xe3 && src[i] <= 0xe9) ||
		    (cs->kind == SM_CS_ISO2022JP && sp.st.mode == M_JIS208 && !sp.st.so)) {
			bool full = false;
			size_t j = cs->kind == SM_CS_UTF8
					   ? utf8_kept_run(src, i, len, max_out, out, &full)
					   : jis_kept_run(src, i, len, max_out, out, &full);

			if (full) {
				*truncated = true;
				break;
			}
			if (j > i) {
				i = j;
				continue;
			}
		}
		n = step_any(&sp, src, len, i, &c);
		if (n == 0 || n > len - i)
			n = len - i; /* cannot happen; keeps the loop finite */
		i += n;
		if (c == NOCHAR)
			continue;
		if (c == 0 || c > 0x10ffff)
			c = c ? 0xfffd : ' ';
		m = fold ? utf8_len(c) : sm_utf8_put(c, buf);
		if (out->len + m > max_out) {
			*truncated = true;
			break;
		}
		if (fold)
			sm_fold_put(out, c, (uint32_t)(i - n), (uint32_t)i);
		else
			sm_tbuf_emit(out, buf, (size_t)m, (uint32_t)(i - n), (uint32_t)i);
	}
	sm_tbuf_finish(out);
	sm_cs_stepper_done(&sp);
}

int sm_iso2022_track(int state, const uint8_t *s, size_t len)
{
	cstate st = {0};
	size_t i;

	st.mode = state & 0xf;
	st.so = (state & 0x10) != 0;
	for (i = 0; i < len; i++) {
		size_t n;

		if (s[i] == 0x1b && (n = iso_escape(s, len, i, &st)) > 0)
			i += n - 1;
		else if (s[i] == 0x0e || s[i] == 0x0f)
			st.so = s[i] == 0x0e;
	}
	return (st.mode & 0xf) | (st.so ? 0x10 : 0);
}
