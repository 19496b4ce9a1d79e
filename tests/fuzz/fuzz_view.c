/*
 * fuzz_view.c - libFuzzer harness over the text view (sm_view_new) and its
 * map back to the source, with charset labels true, lying and unknown, HTML
 * on and off, and view bounds from none to tiny; then a mask written back
 * through sm_charset_rewrite at a span the map gives.
 *
 * Input layout: byte 0 picks the charset label, byte 1 bit 0 HTML, bits
 * 1-3 the max_len bound, byte 2 the span to mask; the rest is the part.
 *
 * Invariants: the view text is valid UTF-8, NUL-terminated at len, and
 * within max_len bounds; for every view byte its source range [s, e)
 * (sm_view_map) has s <= e <= src_len and s never decreases; at len it is
 * [src_len, src_len); the view is at most a small multiple of max_len and of the
 * source; quote_start <= len; sm_view_src_range stays in range; sm_fold
 * and sm_view_new_utf8 accept anything.
 *
 * Untrusted input: the fuzzer's bytes.  Owns nothing across calls.
 */
#include "fuzzutil.h"
#include "charset.h"
#include "view.h"

static const char *const labels[] = {
	NULL, "utf-8", "us-ascii", "iso-2022-jp", "ISO-2022-JP", "cp50220", "shift_jis",
	"windows-31j", "euc-jp", "utf-16", "utf-16le", "utf-16be", "iso-8859-1",
	"windows-1252", "koi8-r", "gb18030", "big5", "x-unknown-charset", "", "utf-7",
	"iso-2022-jp-2", "cp932", "ucs-2", "iso-8859-15", "ks_c_5601-1987", "utf8",
};

static const size_t bounds[] = {(size_t)-1, 0, 1, 3, 7, 64, 1024, 65536};

static void check_map(const sm_view *v, const uint8_t *src, size_t n)
{
	size_t i, s, e, last = 0;

	FUZZ_CHECK(v->text && v->text[v->len] == '\0', "view text NUL-terminated");
	FUZZ_CHECK(g_utf8_validate_len(v->text, v->len, NULL), "view text is UTF-8");
	FUZZ_CHECK(v->src == src && v->src_len == n, "view keeps its source");
	sm_view_map(v, v->len, &s, &e);
	FUZZ_CHECK(s == n && e == n, "map sentinel at len");
	FUZZ_CHECK(v->quote_start <= v->len, "quote_start within the view");
	for (i = 0; i < v->len; i++) {
		sm_view_map(v, i, &s, &e);
		FUZZ_CHECK(s <= e, "map start <= end");
		FUZZ_CHECK(e <= n, "map end within the source");
		FUZZ_CHECK(i == 0 || s >= last, "map is monotone");
		last = s;
	}
}

/* Bytes before an edit at s that a rewrite keeps: all of them, except that
 * UTF-7 encodes again the base64 run the edit starts in (from its '+': the
 * first '+' after the last byte outside the base64 alphabet). */
static size_t stable_prefix(const sm_charset *cs, const uint8_t *src, size_t s)
{
	size_t i = s, j;

	if (cs->kind != SM_CS_UTF7)
		return s;
	while (i > 0 && (g_ascii_isalnum(src[i - 1]) || src[i - 1] == '+' || src[i - 1] == '/'))
		i--;
	for (j = i; j < s; j++)
		if (src[j] == '+')
			return j;
	return s;
}

/* Map a span back and write a mask there in the part's own charset. */
static void check_rewrite(const sm_view *v, const uint8_t *src, size_t n, uint8_t pick)
{
	size_t a = v->len ? (pick * v->len) / 256 : 0, b, s, e;
	sm_edit ed;
	GByteArray *out = g_byte_array_new();

	b = a + 1 + pick % 19;
	sm_view_src_range(v, a, b, &s, &e);
	FUZZ_CHECK(s <= e && e <= n, "src_range within the source");
	ed.start = s;
	ed.end = e;
	ed.ascii = (pick & 1) ? NULL : "[masked]";
	sm_charset_rewrite(&v->cs, src, n, &ed, 1, out);
	FUZZ_CHECK(out->len >= s, "rewrite keeps the bytes before the edit");
	FUZZ_CHECK(s == 0 || memcmp(out->data, src, stable_prefix(&v->cs, src, s)) == 0,
		   "rewrite leaves the prefix alone");
	g_byte_array_free(out, TRUE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *label;
	size_t max_len, n;
	const uint8_t *src;
	bool html, trunc = false;
	sm_view *v;
	char *f;

	if (size < 3)
		return 0;
	label = labels[data[0] % G_N_ELEMENTS(labels)];
	html = data[1] & 1;
	max_len = bounds[(data[1] >> 1) & 7];
	src = data + 3;
	n = size - 3;
	v = sm_view_new(src, n, label, html, max_len, &trunc);
	FUZZ_CHECK(v != NULL, "sm_view_new returns a view");
	check_map(v, src, n);
	/* folding may expand (NFKC: U+3300 is five katakana), so the bounds are loose */
	FUZZ_CHECK(max_len == (size_t)-1 || v->len <= 16 * max_len + 64,
		   "view within a multiple of max_len");
	FUZZ_CHECK(v->len <= 16 * n + 64, "view size proportional to its source");
	check_rewrite(v, src, n, data[2]);
	sm_view_free(v);
	v = sm_view_new_utf8((const char *)src, n);
	check_map(v, src, n);
	sm_view_free(v);
	f = sm_fold((const char *)src, n);
	FUZZ_CHECK(f && g_utf8_validate(f, -1, NULL), "sm_fold gives UTF-8");
	g_free(f);
	return 0;
}
