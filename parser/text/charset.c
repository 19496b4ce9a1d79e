/*
 * charset.c - part bytes to UTF-8 with a map back; masks written in the
 * part's own charset (charset.h).
 *
 * One stepping function per charset family decodes one character (or one
 * escape sequence) at a time; decoding and rewriting both use it, so the map
 * and the rewrite agree on character boundaries and on ISO-2022-JP state.
 * JIS X 0208 (ISO-2022-JP, EUC-JP) is mapped arithmetically to Shift_JIS and
 * looked up in a CP932 table built once from iconv: that covers the NEC row
 * 13 (①, ㈱, Ⅰ) and NEC-selected IBM extensions that strict ISO-2022-JP
 * decoders refuse.
 *
 * Untrusted input: every byte.  Every step consumes at least one byte;
 * invalid sequences become U+FFFD for one byte.  Tables are immutable after
 * a GOnce, so decoding is thread-safe.
 */
#include "charset.h"
#include "utf7.h"

#include "utf8.h"
#include "fold.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

#define NOCHAR SM_CS_NOCHAR

enum { M_ASCII = 0, M_JIS208, M_KANA, M_JIS212, M_OTHER94 };

typedef struct cstate {
	int mode;
	bool so;         /* SO (0x0E) shifted to half-width kana (CP50221) */
	uint8_t esc[4];  /* the designation that set `mode`, re-emitted after an ASCII edit */
	uint8_t esc_len;
	sm_utf7_state u7;
} cstate;

/* ------------------------------------------------------------------ tables */

static gunichar *cp932_table; /* [lead - 0x80][trail], 0 = invalid */

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

static gpointer build_cp932(gpointer unused)
{
	gunichar *t = g_new0(gunichar, 128 * 256);
	iconv_t cd = iconv_open("UTF-32LE", "CP932");
	unsigned lead, trail;

	if (cd == (iconv_t)-1)
		return t;
	for (lead = 0x81; lead <= 0xfc; lead++) {
		if (lead > 0x9f && lead < 0xe0)
			continue;
		for (trail = 0x40; trail <= 0xfc; trail++) {
			uint8_t b[2] = {(uint8_t)lead, (uint8_t)trail};

			if (trail == 0x7f)
				continue;
			t[(lead - 0x80) * 256 + trail] = iconv_one(cd, b, 2);
		}
	}
	iconv_close(cd);
	return t;
}

static const gunichar *cp932(void)
{
	static GOnce once = G_ONCE_INIT;

	g_once(&once, build_cp932, NULL);
	return once.retval;
}

/* JIS X 0208 row/cell bytes (0x21-0x7e each) through Shift_JIS to Unicode. */
static gunichar jis208(uint8_t c1, uint8_t c2)
{
	unsigned s1, s2;
	gunichar u;

	if (c1 < 0x21 || c1 > 0x7e || c2 < 0x21 || c2 > 0x7e)
		return 0xfffd;
	s1 = ((c1 + 1u) >> 1) + (c1 <= 0x5e ? 0x70 : 0xb0);
	s2 = c2 + ((c1 & 1) ? (c2 < 0x60 ? 0x1f : 0x20) : 0x7e);
	u = cp932_table[(s1 - 0x80) * 256 + s2];
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

static const gunichar *sbcs_table(const char *name)
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
	gunichar u;

	if (s[i] < 0x80) {
		*c = s[i];
		return 1;
	}
	u = g_utf8_get_char_validated((const char *)s + i, (gssize)(len - i));
	if (u == (gunichar)-1 || u == (gunichar)-2) {
		*c = 0xfffd;
		return 1;
	}
	*c = u;
	return g_utf8_skip[s[i]];
}

static size_t step_cp932(const uint8_t *s, size_t len, size_t i, gunichar *c)
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
		gunichar u = cp932_table[(b - 0x80) * 256 + s[i + 1]];

		if (u) {
			*c = u;
			return 2;
		}
	}
	*c = 0xfffd;
	return 1;
}

static size_t step_eucjp(const uint8_t *s, size_t len, size_t i, gunichar *c)
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

typedef struct stepper {
	const sm_charset *cs;
	const gunichar *sbcs;
	iconv_t cd;
	cstate st;
} stepper;

static void stepper_init(stepper *sp, const sm_charset *cs)
{
	memset(sp, 0, sizeof(*sp));
	sp->cs = cs;
	sp->cd = (iconv_t)-1;
	cp932_table = (gunichar *)cp932();
	if (cs->kind == SM_CS_SBCS)
		sp->sbcs = sbcs_table(cs->name);
	if (cs->kind == SM_CS_ICONV)
		sp->cd = iconv_open("UTF-32LE", cs->name);
}

static void stepper_done(stepper *sp)
{
	if (sp->cd != (iconv_t)-1)
		iconv_close(sp->cd);
}

static size_t step(stepper *sp, const uint8_t *s, size_t len, size_t i, gunichar *c)
{
	switch (sp->cs->kind) {
	case SM_CS_UTF8:
		return step_utf8(s, len, i, c);
	case SM_CS_ISO2022JP:
		return step_iso2022(s, len, i, &sp->st, c);
	case SM_CS_CP932:
		return step_cp932(s, len, i, c);
	case SM_CS_EUCJP:
		return step_eucjp(s, len, i, c);
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

/* ------------------------------------------------------------------ decode */

/* Bytes that every ASCII-compatible decoder here maps to themselves. */
static bool plain_ascii(uint8_t b)
{
	return b < 0x80 && b != 0 && b != 0x1b && b != 0x0e && b != 0x0f;
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

void sm_charset_decode(const sm_charset *cs, const uint8_t *src, size_t len, size_t max_out,
		       bool fold, sm_tbuf *out, bool *truncated)
{
	stepper sp;
	size_t i = cs->bom < len ? cs->bom : len;

	stepper_init(&sp, cs);
	*truncated = false;
	while (i < len) {
		gunichar c;
		size_t n;
		char buf[6];
		int m;

		if (plain_ascii(src[i]) && ascii_fast(&sp)) {
			size_t j = i;

			while (j < len && plain_ascii(src[j]))
				j++;
			if (out->len + (j - i) > max_out) {
				*truncated = true;
				break;
			}
			sm_tbuf_run(out, (const char *)src + i, j - i, (uint32_t)i);
			i = j;
			continue;
		}
		n = step(&sp, src, len, i, &c);
		if (n == 0 || n > len - i)
			n = len - i; /* cannot happen; keeps the loop finite */
		i += n;
		if (c == NOCHAR)
			continue;
		if (c == 0 || c > 0x10ffff)
			c = c ? 0xfffd : ' ';
		m = g_unichar_to_utf8(c, fold ? NULL : buf); /* NULL: the length only */
		if (out->len + m > max_out) {
			*truncated = true;
			break;
		}
		if (fold)
			sm_fold_char(out, c, (uint32_t)(i - n), (uint32_t)i);
		else
			sm_tbuf_emit(out, buf, (size_t)m, (uint32_t)(i - n), (uint32_t)i);
	}
	sm_tbuf_finish(out);
	stepper_done(&sp);
}

/* ------------------------------------------------------------------ resolve */

static bool valid_utf8(const uint8_t *s, size_t len, bool *ascii)
{
	size_t i;

	*ascii = true;
	for (i = 0; i < len; i++)
		if (s[i] >= 0x80) {
			*ascii = false;
			break;
		}
	return *ascii || sm_utf8_valid(s, len);
}

static bool has_iso2022_escape(const uint8_t *s, size_t len)
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
		size_t n = kind == SM_CS_CP932 ? step_cp932(s, lim, i, &c) : step_eucjp(s, lim, i, &c);

		if (c == 0xfffd)
			errs++;
		i += n;
	}
	return errs;
}

static void set(sm_charset *out, sm_cs_kind k, const char *name, bool detected)
{
	out->kind = k;
	g_strlcpy(out->name, name, sizeof(out->name));
	out->detected = detected;
}

/* No usable label: BOM, UTF-16 shape, escapes, UTF-8, then CP932 vs EUC-JP. */
static void detect(const uint8_t *s, size_t len, sm_charset *out)
{
	bool ascii;
	size_t i, odd0 = 0, even0 = 0, probe = len < 4096 ? len : 4096;

	for (i = 0; i + 1 < probe; i += 2) {
		even0 += s[i] == 0;
		odd0 += s[i + 1] == 0;
	}
	if (probe >= 8 && odd0 > probe / 8 && even0 == 0) {
		set(out, SM_CS_UTF16LE, "UTF-16LE", true);
		return;
	}
	if (probe >= 8 && even0 > probe / 8 && odd0 == 0) {
		set(out, SM_CS_UTF16BE, "UTF-16BE", true);
		return;
	}
	if (has_iso2022_escape(s, len) && valid_utf8(s, len, &ascii) && ascii) {
		set(out, SM_CS_ISO2022JP, "ISO-2022-JP", true);
		return;
	}
	if (valid_utf8(s, len, &ascii)) {
		set(out, SM_CS_UTF8, "UTF-8", true);
		return;
	}
	cp932_table = (gunichar *)cp932();
	if (count_errors(SM_CS_EUCJP, s, len) < count_errors(SM_CS_CP932, s, len)) {
		set(out, SM_CS_EUCJP, "EUC-JP", true);
		return;
	}
	if (count_errors(SM_CS_CP932, s, len) == 0) {
		set(out, SM_CS_CP932, "CP932", true);
		return;
	}
	set(out, SM_CS_SBCS, "WINDOWS-1252", true);
}

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
		set(out, SM_CS_UTF8, "UTF-8", !label);
		out->bom = 3;
		return;
	}
	if (len >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff))) {
		set(out, s[0] == 0xff ? SM_CS_UTF16LE : SM_CS_UTF16BE,
		    s[0] == 0xff ? "UTF-16LE" : "UTF-16BE", !label);
		out->bom = 2;
		return;
	}
	g_strlcpy(l, label ? label : "", sizeof(l));
	g_strstrip(g_strdelimit(l, "\"'", ' '));
	if (!*l) {
		detect(s, len, out);
		return;
	}
	if (g_ascii_strncasecmp(l, "iso-2022-jp", 11) == 0 || g_ascii_strncasecmp(l, "cp5022", 6) == 0 ||
	    g_ascii_strcasecmp(l, "csiso2022jp") == 0 || g_ascii_strcasecmp(l, "jis") == 0) {
		/* 7-bit by definition: 8-bit data means the label lies */
		if (!valid_utf8(s, len, &ascii) || !ascii)
			detect(s, len, out);
		else
			set(out, SM_CS_ISO2022JP, l, false);
		return;
	}
	if (label_in(l, utf8_names)) {
		if (!valid_utf8(s, len, &ascii) || (ascii && has_iso2022_escape(s, len)))
			detect(s, len, out);
		else
			set(out, SM_CS_UTF8, "UTF-8", false);
		return;
	}
	if (label_in(l, sjis_names) || label_in(l, euc_names)) {
		if (valid_utf8(s, len, &ascii) && ascii && has_iso2022_escape(s, len))
			set(out, SM_CS_ISO2022JP, "ISO-2022-JP", true);
		else
			set(out, label_in(l, sjis_names) ? SM_CS_CP932 : SM_CS_EUCJP, l, false);
		return;
	}
	if (label_in(l, utf7_names)) {
		/* 7-bit by definition: 8-bit data means the label lies */
		if (valid_utf8(s, len, &ascii) && ascii)
			set(out, SM_CS_UTF7, "UTF-7", false);
		else
			detect(s, len, out);
		return;
	}
	if (g_ascii_strncasecmp(l, "utf-16", 6) == 0 || g_ascii_strcasecmp(l, "unicode") == 0) {
		bool be = g_ascii_strcasecmp(l, "utf-16be") == 0;

		set(out, be ? SM_CS_UTF16BE : SM_CS_UTF16LE, be ? "UTF-16BE" : "UTF-16LE", false);
		return;
	}
	if ((cd = iconv_open("UTF-32LE", l)) == (iconv_t)-1) {
		detect(s, len, out); /* unknown label: as if undeclared */
		return;
	}
	iconv_close(cd);
	{
		/* single-byte if every high byte converts on its own */
		const gunichar *t;

		set(out, SM_CS_SBCS, l, false);
		t = sbcs_table(l);
		if (t) {
			unsigned b, bad = 0;

			for (b = 0xa1; b < 0x100; b++)
				bad += t[b] == 0xfffd;
			if (bad > 32)
				set(out, SM_CS_ICONV, l, false);
		}
	}
}

/* ------------------------------------------------------------------ rewrite */

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

void sm_charset_rewrite(const sm_charset *cs, const uint8_t *src, size_t len,
			const sm_edit *edits, size_t n, GByteArray *out)
{
	stepper sp;
	size_t i = 0, e;

	if (cs->kind == SM_CS_UTF7) {
		sm_utf7_rewrite(src, len, edits, n, out);
		return;
	}
	stepper_init(&sp, cs);
	for (e = 0; e < n; e++) {
		const sm_edit *ed = &edits[e];
		size_t st = ed->start < len ? ed->start : len, en = ed->end < len ? ed->end : len;

		if (st < i)
			continue; /* overlapping or unsorted: skip rather than corrupt */
		/* copy up to the edit, tracking state */
		while (i < st) {
			gunichar c;
			size_t k = step(&sp, src, len, i, &c);

			put(out, (const char *)src + i, k);
			i += k;
		}
		if (ed->ascii) {
			bool was_ascii = sp.st.mode == M_ASCII && !sp.st.so;
			cstate before = sp.st;

			while (i < en) {
				gunichar c;

				i += step(&sp, src, len, i, &c);
			}
			if (cs->kind == SM_CS_ISO2022JP && !was_ascii)
				put(out, before.so ? "\x0f" : "\x1b(B", before.so ? 1 : 3);
			put_ascii(cs, ed->ascii, out);
			if (cs->kind == SM_CS_ISO2022JP && (sp.st.mode != M_ASCII || sp.st.so)) {
				if (sp.st.mode != M_ASCII)
					put(out, (const char *)sp.st.esc, sp.st.esc_len);
				if (sp.st.so)
					put(out, "\x0e", 1);
			}
			continue;
		}
		while (i < en) {
			gunichar c;
			size_t k = step(&sp, src, len, i, &c);

			if (c == NOCHAR || c == '\n' || c == '\r')
				put(out, (const char *)src + i, k);
			else
				mask_one(&sp, c, k, out);
			i += k;
		}
	}
	if (i < len)
		put(out, (const char *)src + i, len - i);
	stepper_done(&sp);
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
