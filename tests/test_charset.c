/* test_charset.c - decoding with a map back, detection, and masks written in
 * the source charset (ISO-2022-JP escape state, Shift_JIS, EUC-JP, UTF-16). */
#include "charset.h"
#include "charset_impl.h"
#include "fold.h"
#include "testutil.h"
#include "utf8.h"

typedef struct decoded {
	sm_tbuf b;
	sm_charset cs;
} decoded;

static decoded *dec(const char *label, const char *src, size_t len)
{
	decoded *d = g_new0(decoded, 1);
	bool trunc;

	sm_tbuf_init(&d->b, len);
	sm_charset_resolve(label, (const uint8_t *)src, len, &d->cs);
	sm_charset_decode(&d->cs, (const uint8_t *)src, len, (size_t)-1, false, &d->b, &trunc);
	g_assert_false(trunc);
	return d;
}

/* The input start (end) of decoded byte i. */
static uint32_t map_s(const decoded *d, size_t i)
{
	uint32_t s, e;

	sm_vmap_get(&d->b.map, i, &s, &e);
	return s;
}

static uint32_t map_e(const decoded *d, size_t i)
{
	uint32_t s, e;

	sm_vmap_get(&d->b.map, i, &s, &e);
	return e;
}

static void dec_free(decoded *d)
{
	sm_tbuf_free(&d->b);
	g_free(d);
}

/* The kanji 官臼... is "4111..." in JIS X 0208 bytes: no digit may appear. */
static void test_jis_kanji_not_digits(void)
{
	const char src[] = "\x1b$B4111111111111111\x1b(B";
	decoded *d = dec("ISO-2022-JP", src, sizeof(src) - 1);

	g_assert_cmpstr(d->b.text, ==, "官臼臼臼臼臼臼臼");
	g_assert_cmpint(d->cs.kind, ==, SM_CS_ISO2022JP);
	/* every byte of 官 maps to the two source bytes "41" */
	g_assert_cmpuint(map_s(d, 0), ==, 3);
	g_assert_cmpuint(map_e(d, 2), ==, 5);
	dec_free(d);
}

static void test_cp50220_extensions(void)
{
	/* ① (NEC row 13), ㈱, half-width kana via ESC ( I, and SO/SI kana */
	const char src[] = "\x1b$B-!-j\x1b(I1\x1b(Ba\x0e\x31\x0f";
	decoded *d = dec("iso-2022-jp", src, sizeof(src) - 1);

	g_assert_cmpstr(d->b.text, ==, "①㈱ｱaｱ");
	dec_free(d);
}

static void test_sjis_and_euc(void)
{
	/* ４２ full-width in Shift_JIS; the same in EUC-JP */
	decoded *s = dec("Shift_JIS", "\x82\x53\x82\x51 \xb1", 6);
	decoded *e = dec("EUC-JP", "\xa3\xb4\xa3\xb2\x8e\xb1", 6);

	g_assert_cmpstr(s->b.text, ==, "４２ ｱ");
	g_assert_cmpstr(e->b.text, ==, "４２ｱ");
	dec_free(s);
	dec_free(e);
}

static void test_utf16_bom(void)
{
	const char src[] = "\xff\xfeP\0W\0=\0x\0";
	decoded *d = dec(NULL, src, sizeof(src) - 1);

	g_assert_cmpint(d->cs.kind, ==, SM_CS_UTF16LE);
	g_assert_cmpstr(d->b.text, ==, "PW=x");
	g_assert_cmpuint(map_s(d, 3), ==, 8);
	dec_free(d);
}

static void test_detection(void)
{
	/* undeclared Shift_JIS, Shift_JIS mislabelled UTF-8, unknown label, lying us-ascii */
	const char sjis[] = "\x83\x70\x83\x58\x83\x8f\x81\x5b\x83\x68: x";
	decoded *a = dec(NULL, sjis, sizeof(sjis) - 1);
	decoded *b = dec("utf-8", sjis, sizeof(sjis) - 1);
	decoded *c = dec("x-bogus-charset", "abc", 3);
	decoded *e = dec("us-ascii", "\x1b$B%Q%9%o!<%I\x1b(B", 16);

	g_assert_cmpstr(a->b.text, ==, "パスワード: x");
	g_assert_cmpstr(b->b.text, ==, "パスワード: x");
	g_assert_true(b->cs.detected);
	g_assert_cmpstr(c->b.text, ==, "abc");
	g_assert_cmpstr(e->b.text, ==, "パスワード");
	dec_free(a);
	dec_free(b);
	dec_free(c);
	dec_free(e);
}

static void test_invalid_bytes(void)
{
	decoded *d = dec("utf-8", "a\xc3(b", 4);

	/* the label is overridden (invalid UTF-8); nothing is dropped silently */
	g_assert_cmpuint(d->b.len, >=, 3);
	g_assert_nonnull(strchr(d->b.text, 'a'));
	g_assert_nonnull(strchr(d->b.text, 'b'));
	dec_free(d);
}

static char *rewrite(const char *label, const char *src, size_t len, const sm_edit *e, size_t n,
		     size_t *outlen)
{
	sm_charset cs;
	GByteArray *o = g_byte_array_new();

	sm_charset_resolve(label, (const uint8_t *)src, len, &cs);
	sm_charset_rewrite(&cs, (const uint8_t *)src, len, e, n, o);
	*outlen = o->len;
	g_byte_array_append(o, (const guint8 *)"", 1);
	return (char *)g_byte_array_free(o, FALSE);
}

static void test_rewrite_iso2022(void)
{
	/* full-width ４ in JIS mode becomes full-width ＊ (0x2176) without escapes */
	const char src[] = "\x1b$B#4#2\x1b(B 42";
	sm_edit e[] = {{3, 5, NULL}, {11, 12, NULL}};
	size_t n;
	char *out = rewrite("ISO-2022-JP", src, sizeof(src) - 1, e, 2, &n);

	g_assert_cmpmem(out, n, "\x1b$B!v#2\x1b(B *2", 13);
	g_free(out);
	/* an ASCII replacement inside JIS mode switches to ASCII and back */
	{
		const char s2[] = "\x1b$B%Q%9\x1b(B";
		sm_edit e2[] = {{3, 7, "********"}};

		out = rewrite("ISO-2022-JP", s2, sizeof(s2) - 1, e2, 1, &n);
		g_assert_cmpmem(out, n, "\x1b$B\x1b(B********\x1b$B\x1b(B", 20);
		g_free(out);
	}
}

static void test_rewrite_sjis_utf8_utf16(void)
{
	size_t n;
	sm_edit e[] = {{0, 2, NULL}, {3, 4, "**"}};
	char *out = rewrite("Shift_JIS", "\x82\x53-5", 4, e, 2, &n);

	g_assert_cmpmem(out, n, "\x81\x96-**", 5);
	g_free(out);
	{
		sm_edit e2[] = {{0, 3, NULL}};

		out = rewrite("UTF-8", "\xef\xbc\x94x", 4, e2, 1, &n);
		g_assert_cmpmem(out, n, "\xef\xbc\x8ax", 4);
		g_free(out);
	}
	{
		sm_edit e3[] = {{4, 6, NULL}};

		out = rewrite(NULL, "\xff\xfe" "4\0" "2\0", 6, e3, 1, &n);
		g_assert_cmpmem(out, n, "\xff\xfe" "4\0" "*\0", 6);
		g_free(out);
	}
}

/* The copy between edits passes ASCII runs at once: the same bytes and the
 * same ISO-2022-JP state as stepping each character; an edit that starts
 * inside a double-byte character is skipped as before (overlapping). */
static void test_rewrite_copy_runs(void)
{
	size_t n;
	char *out;

	{
		/* ASCII mode, JIS X 0208, ASCII mode again, then the edits */
		const char src[] = "abc defgh\x1b$B$3$s\x1b(Bd12345678e";
		sm_edit e[] = {{21, 22, NULL}, {25, 26, "#"}};

		out = rewrite("ISO-2022-JP", src, sizeof(src) - 1, e, 2, &n);
		g_assert_cmpmem(out, n, "abc defgh\x1b$B$3$s\x1b(Bd1*345#78e", sizeof(src) - 1);
		g_free(out);
	}
	{
		/* an edit inside JIS X 0208 text after a long ASCII run: full-width mask */
		const char src[] = "0123456789abcdef\x1b$B#4#2\x1b(B";
		sm_edit e[] = {{21, 23, NULL}};

		out = rewrite("ISO-2022-JP", src, sizeof(src) - 1, e, 1, &n);
		g_assert_cmpmem(out, n, "0123456789abcdef\x1b$B#4!v\x1b(B", sizeof(src) - 1);
		g_free(out);
	}
	{
		/* an edit from the second byte of a JIS X 0208 pair: the copy ends
		 * after the pair, the next pair is masked */
		const char src[] = "\x1b$B#4#2\x1b(B";
		sm_edit e[] = {{4, 7, NULL}};

		out = rewrite("ISO-2022-JP", src, sizeof(src) - 1, e, 1, &n);
		g_assert_cmpmem(out, n, "\x1b$B#4!v\x1b(B", sizeof(src) - 1);
		g_free(out);
	}
	{
		/* Shift_JIS: A, HIRAGANA A (2 bytes), B; an edit from inside the kana */
		sm_edit e[] = {{2, 3, NULL}, {3, 4, NULL}};

		out = rewrite("Shift_JIS", "A\x82\xa0" "B", 4, e, 2, &n);
		g_assert_cmpmem(out, n, "A\x82\xa0*", 4);
		g_free(out);
	}
	{
		/* windows-1252: every byte one character, 8-bit ones too */
		sm_edit e[] = {{12, 14, NULL}};

		out = rewrite("windows-1252", "caf\xe9 12345678 90", 16, e, 1, &n);
		g_assert_cmpmem(out, n, "caf\xe9 1234567**90", 16);
		g_free(out);
	}
}

/* sm_cs_valid_utf8 (one pass, the ASCII prefix by words) answers as the
 * ASCII loop plus sm_utf8_valid over the whole buffer did, NULs included. */
static void test_valid_utf8(void)
{
	static const uint8_t alpha[] = {'a', ' ', 0x00, 0x7f, 0x80, 0xbf, 0xc3, 0xa9, 0xe3, 0x81,
					0x82, 0xed, 0xa0, 0xf0, 0x9f, 0xff};
	GRand *r = g_rand_new_with_seed(18);
	uint8_t buf[72];
	unsigned k, bad = 0;

	for (k = 0; k < 50000; k++) {
		size_t n = (size_t)g_rand_int_range(r, 0, sizeof(buf)), i;
		int rare = g_rand_int_range(r, 0, 20);
		bool ascii, ref_ascii = true, got, ref, strict;

		for (i = 0; i < n; i++)
			buf[i] = g_rand_int_range(r, 0, 20) < rare
					 ? alpha[g_rand_int_range(r, 0, sizeof(alpha))]
					 : (uint8_t)g_rand_int_range(r, 0x20, 0x7f);
		for (i = 0; i < n; i++)
			ref_ascii &= buf[i] < 0x80;
		ref = ref_ascii || sm_utf8_valid(buf, n);
		got = sm_cs_valid_utf8(buf, n, &ascii);
		bad += got != ref || ascii != ref_ascii;
		/* strict: valid UTF-8 without NUL, whenever the answer is yes */
		strict = !sm_utf8_valid(buf, n);
		got = sm_cs_valid_utf8_nul(buf, n, &ascii, &strict);
		bad += got != ref || (got && strict != sm_utf8_valid(buf, n));
	}
	g_assert_cmpuint(bad, ==, 0);
	g_rand_free(r);
}

/* sm_cs_ascii_run_end (sixteen or eight bytes a step) against its contract
 * read byte by byte: the first byte at or after i that is not
 * sm_cs_plain_ascii, from every start, special bytes at every position of
 * a block and its neighbours. */
static void test_ascii_run_end(void)
{
	static const uint8_t special[] = {0x00, 0x1b, 0x0e, 0x0f, 0x80, 0xff, 0x8e, 0x9b, 0x8f};
	static const uint8_t near[] = {0x01, 0x0d, 0x10, 0x1a, 0x1c, 0x1f, 0x7f, 0x7e, 0x2f};
	GRand *r = g_rand_new_with_seed(1822);
	uint8_t buf[80];
	unsigned k, bad = 0, tried = 0;

	for (k = 0; k < 20000; k++) {
		size_t n = (size_t)g_rand_int_range(r, 0, sizeof(buf) + 1), i;
		int rare = g_rand_int_range(r, 0, 12);

		for (i = 0; i < n; i++) {
			int d = g_rand_int_range(r, 0, 100);

			buf[i] = d < rare ? special[g_rand_int_range(r, 0, sizeof(special))]
				 : d < 2 * rare ? near[g_rand_int_range(r, 0, sizeof(near))]
						: (uint8_t)g_rand_int_range(r, 0x20, 0x7f);
		}
		for (i = 0; i <= n; i++) {
			size_t ref = i;

			while (ref < n && sm_cs_plain_ascii(buf[ref]))
				ref++;
			bad += sm_cs_ascii_run_end(buf, i, n) != ref;
			tried++;
		}
	}
	g_assert_cmpuint(tried, >, 500000);
	g_assert_cmpuint(bad, ==, 0);
	g_rand_free(r);
}

/* The resolver says a buffer is valid UTF-8 (no NUL, no BOM) only when it
 * checked exactly that: what the view then takes as it is. */
static void test_resolve_checked(void)
{
	static const struct {
		const char *label, *src;
		size_t len;
		bool valid;
	} t[] = {
		{"utf-8", "caf\xc3\xa9 \xe6\x97\xa5", 9, true},
		{"us-ascii", "plain", 5, true},
		{"utf-8", "with a NUL\0 inside", 18, false},   /* ASCII but NUL */
		{"utf-8", "caf\xc3\xa9\0", 6, false},          /* UTF-8 and NUL */
		{"utf-8", "caf\xe9", 4, false},                /* invalid: guessed */
		{"utf-8", "\xef\xbb\xbf" "abc", 6, false},     /* BOM */
		{"iso-2022-jp", "plain", 5, false},
		{"iso-8859-1", "caf\xe9", 4, false},
		{NULL, "plain", 5, false},                     /* guessed: not known */
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		sm_charset cs;
		bool valid = !t[i].valid;

		sm_charset_resolve_checked(t[i].label, (const uint8_t *)t[i].src, t[i].len, &cs, &valid);
		g_test_message("case %zu", i);
		g_assert_cmpint(valid, ==, t[i].valid);
		if (valid)
			g_assert_true(sm_utf8_valid((const uint8_t *)t[i].src, t[i].len));
	}
}

/* The old decoding loop, one character at a time (sm_cs_step, sm_fold_char,
 * sm_tbuf_emit): the reference for the run paths of sm_charset_decode. */
static void ref_decode(const sm_charset *cs, const uint8_t *src, size_t len, size_t max_out,
		       bool fold, sm_tbuf *out, bool *truncated)
{
	stepper sp;
	size_t i = cs->bom < len ? cs->bom : len;

	sm_cs_stepper_init(&sp, cs);
	*truncated = false;
	while (i < len) {
		gunichar c;
		size_t n = sm_cs_step(&sp, src, len, i, &c);
		char buf[8];
		int m;

		i += n;
		if (c == SM_CS_NOCHAR)
			continue;
		if (c == 0 || c > 0x10ffff)
			c = c ? 0xfffd : ' ';
		m = g_unichar_to_utf8(c, buf);
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
	sm_cs_stepper_done(&sp);
}

/* sm_charset_decode and the reference give the same text, map and cut. */
static unsigned same_decode(const char *label, const uint8_t *src, size_t len, size_t max_out,
			    bool fold)
{
	sm_charset cs;
	sm_tbuf a, b;
	bool ta, tb;
	size_t k;
	unsigned bad = 0;

	sm_charset_resolve(label, src, len, &cs);
	sm_tbuf_init(&a, len);
	sm_tbuf_init(&b, len);
	sm_charset_decode(&cs, src, len, max_out, fold, &a, &ta);
	ref_decode(&cs, src, len, max_out, fold, &b, &tb);
	if (ta != tb || a.len != b.len || memcmp(a.text, b.text, a.len) != 0)
		bad++;
	for (k = 0; !bad && k < a.len; k++) {
		uint32_t s1, e1, s2, e2;

		sm_vmap_get(&a.map, k, &s1, &e1);
		sm_vmap_get(&b.map, k, &s2, &e2);
		bad += s1 != s2 || e1 != e2;
	}
	if (bad)
		g_test_message("%s, %zu bytes, max_out %zu, fold %d: decodings differ", label, len,
			       max_out, fold);
	sm_tbuf_free(&a);
	sm_tbuf_free(&b);
	return bad;
}

/* Random Japanese text (kana, kanji, punctuation, full-width and half-width
 * forms, a circled number, Greek, no ASCII: the ASCII fast path cuts a run
 * at its start, the old loop byte by byte) in UTF-8 and ISO-2022-JP: the
 * run paths decode it as the old loop did, at every max_out up to 40 bytes
 * and unbounded, folded and not. */
static void test_decode_runs(void)
{
	static const gunichar pool[] = {0x3042, 0x3093, 0x30a2, 0x30f3, 0x3001, 0x3002, 0x300c,
					0x65e5, 0x672c, 0x8a9e, 0x9ed2, 0xff11, 0xff21, 0x2460,
					0x3000, 0x2015, 0x00d7, 0x0391, 0x3231, 0xff76, 0xff9e};
	GRand *r = g_rand_new_with_seed(18);
	unsigned bad = 0;
	int k;

	for (k = 0; k < 400; k++) {
		GString *u = g_string_new(NULL), *j = g_string_new(NULL);
		int n = g_rand_int_range(r, 0, k % 8 ? 30 : 160), i; /* runs past 64 pairs */
		char *jis;
		gsize jl = 0;
		size_t max;

		for (i = 0; i < n; i++)
			g_string_append_unichar(u, pool[g_rand_int_range(r, 0, G_N_ELEMENTS(pool))]);
		/* ISO-2022-JP from the characters JIS X 0208 has (the first 13 and
		 * 15-17 of the pool) */
		for (i = 0; i < n; i++) {
			/* every eighth text only kept characters (the first 11): long runs */
			int c = g_rand_int_range(r, 0, k % 8 ? 16 : 11);

			g_string_append_unichar(j, pool[c < 13 ? c : c + 1]);
		}
		jis = g_convert(j->str, (gssize)j->len, "ISO-2022-JP", "UTF-8", NULL, &jl, NULL);
		g_assert_nonnull(jis);
		if (g_rand_int_range(r, 0, 4) == 0) /* an invalid byte in the middle */
			g_string_insert_c(u, (gssize)(u->len / 2), (char)0xe5);
		for (max = 0; max <= 40; max++) {
			bad += same_decode("utf-8", (const uint8_t *)u->str, u->len, max, max & 1);
			if (jis)
				bad += same_decode("iso-2022-jp", (const uint8_t *)jis, jl, max, max & 1);
		}
		for (max = 189; max <= 195; max++) /* the ISO-2022-JP runs' blocks of 64 */
			if (jis)
				bad += same_decode("iso-2022-jp", (const uint8_t *)jis, jl, max, max & 1) +
				       same_decode("iso-2022-jp", (const uint8_t *)jis, jl, max + 192, max & 1);
		bad += same_decode("utf-8", (const uint8_t *)u->str, u->len, (size_t)-1, true);
		bad += same_decode("utf-8", (const uint8_t *)u->str, u->len, (size_t)-1, false);
		if (jis) {
			bad += same_decode("iso-2022-jp", (const uint8_t *)jis, jl, (size_t)-1, true);
			bad += same_decode("iso-2022-jp", (const uint8_t *)jis, jl, (size_t)-1, false);
		}
		g_free(jis);
		g_string_free(u, TRUE);
		g_string_free(j, TRUE);
	}
	g_assert_cmpuint(bad, ==, 0);
	g_rand_free(r);
}

/* UTF-7: base64 runs decoded across characters, '+-', a surrogate pair, a
 * malformed run; the map is monotone; masks are written by re-encoding. */
static void test_utf7(void)
{
	const char src[] = "+MNEwuTDvMPwwyf8a-Xk9+ACM- a+-b +2D3eAA- +AB-x";
	decoded *d = dec("utf-7", src, sizeof(src) - 1);
	size_t n, i;
	char *out;

	g_assert_cmpint(d->cs.kind, ==, SM_CS_UTF7);
	g_assert_cmpstr(d->b.text, ==, "パスワード：Xk9# a+b \xf0\x9f\x98\x80 \xef\xbf\xbdx");
	for (i = 1; i < d->b.len; i++)
		g_assert_cmpuint(map_s(d, i), >=, map_s(d, i - 1));
	dec_free(d);
	/* 8-bit bytes under a UTF-7 label: the label lies */
	d = dec("utf-7", "\xe6\x97\xa5", 3);
	g_assert_cmpint(d->cs.kind, ==, SM_CS_UTF8);
	dec_free(d);
	{
		/* mask "Xk9#" (bytes 25..35: Xk9 and the run +ACM-) and the 'b' */
		const char s2[] = "+MNEwuTDvMPwwyf8a-Xk9+ACM- a+-b";
		sm_edit e[] = {{18, 26, NULL}, {30, 31, "Z"}};
		decoded *back;

		out = rewrite("utf-7", s2, sizeof(s2) - 1, e, 2, &n);
		g_assert_cmpmem(out, 18, s2, 18); /* the run before the edit kept as it was */
		back = dec("utf-7", out, n);
		g_assert_cmpstr(back->b.text, ==, "パスワード：**** a+Z");
		dec_free(back);
		g_free(out);
	}
	{
		/* an edit inside a run: the run is encoded again, the bytes before it kept */
		const char s3[] = "ok +MEIwRDBGMEgwSg- end";
		sm_edit e[] = {{10, 13, NULL}};
		decoded *back;

		out = rewrite("utf-7", s3, sizeof(s3) - 1, e, 1, &n);
		g_assert_cmpmem(out, 3, "ok ", 3);
		g_assert_cmpmem(out + n - 4, 4, " end", 4);
		back = dec("utf-7", out, n);
		g_assert_cmpstr(back->b.text, ==, "ok あい＊＊お end");
		dec_free(back);
		g_free(out);
	}
}

/* Every label family of the table (charset_label.c), its name kept or
 * replaced, and the byte checks that overrule it; first match wins. */
static void test_labels(void)
{
	static const struct {
		const char *label, *src, *name;
		sm_cs_kind kind;
		bool detected;
	} t[] = {
		{"ISO-2022-JP-MS", "plain", "ISO-2022-JP-MS", SM_CS_ISO2022JP, false},
		{"cp50221", "plain", "cp50221", SM_CS_ISO2022JP, false},
		{"JIS", "plain", "JIS", SM_CS_ISO2022JP, false},
		{"csISO2022JP", "plain", "csISO2022JP", SM_CS_ISO2022JP, false},
		{"iso-2022-jp", "\xe3\x81\x82\xe3\x81\x84", "UTF-8", SM_CS_UTF8, true}, /* 8-bit lies */
		{"US-ASCII", "\x1b$B$3\x1b(B", "ISO-2022-JP", SM_CS_ISO2022JP, true},
		{"utf8", "\xe3\x81\x82", "UTF-8", SM_CS_UTF8, false},
		{"x-unknown", "abc", "UTF-8", SM_CS_UTF8, false},
		{"\"Shift_JIS\"", "\x82\xa0", "Shift_JIS", SM_CS_CP932, false},
		{"CSWINDOWS31J", "\x82\xa0", "CSWINDOWS31J", SM_CS_CP932, false},
		{"sjis", "\x1b$B$3\x1b(B", "ISO-2022-JP", SM_CS_ISO2022JP, true},
		{"euc-jp-ms", "\xa4\xa2", "euc-jp-ms", SM_CS_EUCJP, false},
		{"utf-7", "+MEI-", "UTF-7", SM_CS_UTF7, false},
		{"UTF-16BE", "\x30\x42", "UTF-16BE", SM_CS_UTF16BE, false},
		{"UTF-16", "\x42\x30", "UTF-16LE", SM_CS_UTF16LE, false},
		{"utf-16le", "\x42\x30", "UTF-16LE", SM_CS_UTF16LE, false},
		{"Unicode", "\x42\x30", "UTF-16LE", SM_CS_UTF16LE, false},
		{"iso-8859-1", "caf\xe9", "iso-8859-1", SM_CS_SBCS, false},
		{"big5", "\xa4\xa4", "big5", SM_CS_ICONV, false},
		{"no-such-charset", "abc", "UTF-8", SM_CS_UTF8, true},
		{"  ", "abc", "UTF-8", SM_CS_UTF8, true},
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		sm_charset cs;

		sm_charset_resolve(t[i].label, (const uint8_t *)t[i].src, strlen(t[i].src), &cs);
		g_test_message("label %s", t[i].label);
		g_assert_cmpint(cs.kind, ==, t[i].kind);
		g_assert_cmpstr(cs.name, ==, t[i].name);
		g_assert_cmpint(cs.detected, ==, t[i].detected);
	}
}

/* The spans sm_charset_rewrite_spans reports, against the plain reading:
 * stepping every character from the start (sm_cs_step, no fast path), an
 * edit's span starts at the first character boundary at or after its start
 * and ends at the first at or after its end; every byte outside the spans
 * is copied.  Random ISO-2022-JP (two-byte sets, SO/SI, kana, broken
 * escapes and pairs), Shift_JIS, UTF-8 and UTF-16 texts, random edits. */
static void test_rewrite_spans(void)
{
	static const char *const pieces[] = {
		"\x1b$B", "\x1b(B", "\x1b(J", "\x1b(I", "\x1b$(D", "\x1b$(Q", "\x1b$A", "\x0e", "\x0f",
		"#4", "$\"", "!v", "0l", "\x7f!", "!", "~~", "ab", "12", " ", "\r\n", "\n", "\x1b",
		"\x82\xa0", "\xb1", "\xe3\x81\x82", "\x00",
	};
	static const char *const labels[] = {"iso-2022-jp", "iso-2022-jp", "shift_jis", "utf-8", "utf-16le"};
	GRand *r = g_rand_new_with_seed(932);

	for (int it = 0; it < 20000; it++) {
		GByteArray *src = g_byte_array_new(), *out = g_byte_array_new();
		GArray *edits = g_array_new(FALSE, FALSE, sizeof(sm_edit));
		GArray *spans = g_array_new(FALSE, FALSE, sizeof(sm_rw_span));
		int np = g_rand_int_range(r, 0, 60);
		sm_charset cs;
		stepper sp;
		size_t i = 0, at = 0, s0 = 0, o0 = 0;

		for (int k = 0; k < np; k++) {
			const char *pc = pieces[g_rand_int_range(r, 0, G_N_ELEMENTS(pieces))];

			g_byte_array_append(src, (const guint8 *)pc, (guint)(pc[0] ? strlen(pc) : 1));
		}
		while (g_rand_int_range(r, 0, 3) && at < src->len) {
			sm_edit e;

			e.start = at + (size_t)g_rand_int_range(r, 0, (gint32)(src->len - at));
			e.end = e.start + (size_t)g_rand_int_range(r, 0, 6);
			e.ascii = g_rand_boolean(r) ? NULL : "**";
			g_array_append_val(edits, e);
			at = e.end + 1;
		}
		sm_charset_resolve(labels[it % G_N_ELEMENTS(labels)], src->data, src->len, &cs);
		if (cs.kind == SM_CS_UTF7)
			goto next;
		g_assert_true(sm_charset_rewrite_spans(&cs, src->data, src->len,
						       (const sm_edit *)edits->data, edits->len, out,
						       spans));
		/* the reference: every character stepped */
		sm_cs_stepper_init(&sp, &cs);
		for (guint e = 0, k = 0; e < edits->len; e++) {
			const sm_edit *ed = &g_array_index(edits, sm_edit, e);
			size_t st = MIN(ed->start, src->len), en = MIN(ed->end, src->len);
			gunichar c;

			if (st < i)
				continue;
			while (i < st)
				i += sm_cs_step(&sp, src->data, src->len, i, &c);
			g_assert_cmpuint(k, <, spans->len);
			if (k >= spans->len)
				break;
			g_assert_cmpuint(g_array_index(spans, sm_rw_span, k).src_a, ==, i);
			while (i < en)
				i += sm_cs_step(&sp, src->data, src->len, i, &c);
			g_assert_cmpuint(g_array_index(spans, sm_rw_span, k).src_b, ==, i);
			k++;
		}
		sm_cs_stepper_done(&sp);
		for (guint k = 0; k < spans->len; k++) { /* bytes outside spans: copied */
			const sm_rw_span *x = &g_array_index(spans, sm_rw_span, k);

			g_assert_cmpuint(x->out_a - o0, ==, x->src_a - s0);
			g_assert_cmpmem(src->data + s0, x->src_a - s0, out->data + o0, x->out_a - o0);
			s0 = x->src_b;
			o0 = x->out_b;
		}
		g_assert_cmpmem(src->data + s0, src->len - s0, out->data + o0, out->len - o0);
next:
		g_byte_array_free(src, TRUE);
		g_byte_array_free(out, TRUE);
		g_array_free(edits, TRUE);
		g_array_free(spans, TRUE);
	}
	g_rand_free(r);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/charset/jis_kanji_not_digits", test_jis_kanji_not_digits);
	g_test_add_func("/charset/cp50220_extensions", test_cp50220_extensions);
	g_test_add_func("/charset/sjis_and_euc", test_sjis_and_euc);
	g_test_add_func("/charset/utf16_bom", test_utf16_bom);
	g_test_add_func("/charset/detection", test_detection);
	g_test_add_func("/charset/invalid_bytes", test_invalid_bytes);
	g_test_add_func("/charset/rewrite_iso2022", test_rewrite_iso2022);
	g_test_add_func("/charset/rewrite_sjis_utf8_utf16", test_rewrite_sjis_utf8_utf16);
	g_test_add_func("/charset/utf7", test_utf7);
	g_test_add_func("/charset/labels", test_labels);
	g_test_add_func("/charset/rewrite_copy_runs", test_rewrite_copy_runs);
	g_test_add_func("/charset/valid_utf8", test_valid_utf8);
	g_test_add_func("/charset/ascii_run_end", test_ascii_run_end);
	g_test_add_func("/charset/resolve_checked", test_resolve_checked);
	g_test_add_func("/charset/decode_runs", test_decode_runs);
	g_test_add_func("/charset/rewrite_spans", test_rewrite_spans);
	return g_test_run();
}
