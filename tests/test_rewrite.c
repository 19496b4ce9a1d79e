/* test_rewrite.c - masks written back into each part's own charset and
 * transfer encoding, with synthetic card hits (independent of detectors):
 * ISO-2022-JP with kanji whose bytes look like digits, CP50220 extensions,
 * QP soft breaks, base64 UTF-8 and Shift_JIS, HTML split across tags. */
#include "msg.h"
#include "rewrite.h"
#include "testmsg.h"
#include "testutil.h"

/* Digit runs of 13-19 digits, single ' ' or '-' between groups: hits. */
static void card_hits(const sm_view *v, GArray *hits)
{
	size_t i = 0;

	while (i < v->len) {
		size_t s = i, e, digits = 0;

		if (!g_ascii_isdigit(v->text[i]) || (i && g_ascii_isdigit(v->text[i - 1]))) {
			i++;
			continue;
		}
		for (e = s; e < v->len; e++) {
			if (g_ascii_isdigit(v->text[e]))
				digits++;
			else if (!((v->text[e] == ' ' || v->text[e] == '-') && e + 1 < v->len &&
				   g_ascii_isdigit(v->text[e + 1]) && e > s))
				break;
		}
		if (digits >= 13 && digits <= 19) {
			sm_hit h = {0, s, e, SM_MASK_DIGITS_KEEP4, 100};

			g_array_append_val(hits, h);
		}
		i = e + 1;
	}
}

static const sm_limits lim = {.max_parts = 100, .max_depth = 10, .max_header_bytes = 1 << 20,
			      .max_headers = 1000};

/* Mask cards in part `idx` of file; returns the new message (g_free). */
static char *mask_part(const char *file, guint idx, gsize *outlen, char **raw_out, gsize *rawlen)
{
	char *raw = sm_test_read(file, rawlen);
	sm_msg *m = sm_msg_parse((const uint8_t *)raw, *rawlen, &lim);
	const sm_part *p = mime_part(m, idx);
	GByteArray *d = g_byte_array_new();
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(sm_hit));
	GArray *edits = g_array_new(FALSE, FALSE, sizeof(sm_edit));
	sm_view *v;
	GBytes *nb;
	GString *out = g_string_new(NULL);
	gsize n;
	const char *nd;

	sm_msg_decode(m, p, 1 << 24, d);
	v = sm_view_new(d->data, d->len, p->charset, strcmp(p->ctype, "text/html") == 0,
			(size_t)-1, NULL);
	card_hits(v, hits);
	g_assert_cmpuint(hits->len, >, 0);
	sm_rewrite_edits(v, hits, edits);
	nb = sm_rewrite_part(m, p, v, d, edits);
	g_assert_nonnull(nb);
	nd = g_bytes_get_data(nb, &n);
	g_string_append_len(out, raw, (gssize)p->cstart);
	g_string_append_len(out, nd, (gssize)n);
	g_string_append_len(out, raw + p->cend, (gssize)(*rawlen - p->cend));
	g_bytes_unref(nb);
	sm_view_free(v);
	g_array_free(hits, TRUE);
	g_array_free(edits, TRUE);
	g_byte_array_free(d, TRUE);
	sm_msg_free(m);
	*raw_out = raw;
	*outlen = out->len;
	return g_string_free(out, FALSE);
}

/* The decoded view text of part idx of a message held in memory. */
static char *part_text(const char *msg, gsize len, guint idx)
{
	sm_msg *m = sm_msg_parse((const uint8_t *)msg, len, &lim);
	const sm_part *p = mime_part(m, idx);
	GByteArray *d = g_byte_array_new();
	sm_view *v;
	char *t;

	g_assert_cmpint(m->status, ==, SM_MSG_OK);
	sm_msg_decode(m, p, 1 << 24, d);
	v = sm_view_new(d->data, d->len, p->charset, strcmp(p->ctype, "text/html") == 0,
			(size_t)-1, NULL);
	t = g_strdup(v->text);
	sm_view_free(v);
	g_byte_array_free(d, TRUE);
	sm_msg_free(m);
	return t;
}

static void test_iso2022_kanji_and_card(void)
{
	gsize n, rn;
	char *raw, *out = mask_part("../shared/corpus/vectors/multi.eml", 0, &n, &raw, &rn);
	char *t = part_text(out, n, 0);

	g_assert_nonnull(strstr(t, "****-****-****-1111"));
	g_assert_nonnull(strstr(t, "で************1111"));
	g_assert_nonnull(strstr(t, "官臼臼臼臼臼臼臼"));
	g_assert_null(strstr(t, "4111"));
	/* same length: only digits were replaced, every other byte identical */
	g_assert_cmpuint(n, ==, rn);
	for (gsize i = 0; i < n; i++)
		if (out[i] != raw[i] && !(g_ascii_isdigit(raw[i]) && out[i] == '*')) {
			g_test_message("byte %zu changed beyond a digit", (size_t)i);
			g_test_fail();
			break;
		}
	g_free(t);
	g_free(out);
	g_free(raw);
}

static void test_cp50220_survives(void)
{
	gsize n, rn;
	char *raw, *out = mask_part("../shared/corpus/vectors/cp50220.eml", 0, &n, &raw, &rn);

	g_assert_nonnull(strstr(out, "\x1b$B-!\x1b(B maru-ichi, card ****"));
	g_assert_nonnull(strstr(out, "\x1b(I12345\x1b(B half-width kana"));
	g_assert_null(strstr(out, "4111 1111"));
	g_free(out);
	g_free(raw);
}

static void test_qp_split(void)
{
	gsize n, rn;
	char *raw, *out = mask_part("../shared/corpus/vectors/qp-split.eml", 0, &n, &raw, &rn);
	char *t = part_text(out, n, 0), *digits = g_strdup(t);
	size_t i, o = 0;

	for (i = 0; digits[i]; i++)
		if (g_ascii_isdigit(digits[i]))
			digits[o++] = digits[i];
	digits[o] = 0;
	g_assert_null(strstr(digits, "411111"));
	g_assert_nonnull(strstr(out, "quoted-printable"));
	g_free(digits);
	g_free(t);
	g_free(out);
	g_free(raw);
}

static void test_base64_utf8(void)
{
	gsize n, rn;
	char *raw, *out = mask_part("../shared/corpus/vectors/multi.eml", 1, &n, &raw, &rn);
	char *t = part_text(out, n, 1);
	char *t0 = part_text(out, n, 0);

	g_assert_nonnull(strstr(t, "card **** **** **** 0004 ok"));
	g_assert_nonnull(strstr(t, "テスト")); /* half-width kana folded */
	/* the other parts keep their bytes */
	g_assert_nonnull(strstr(t0, "4111-1111-1111-1111"));
	g_assert_nonnull(strstr(out, "epilogue text"));
	g_free(t);
	g_free(t0);
	g_free(out);
	g_free(raw);
}

static void test_sjis_fullwidth(void)
{
	gsize n, rn;
	char *raw, *out = mask_part("../shared/corpus/public/p02_card_fullwidth_sjis.eml", 0, &n,
				    &raw, &rn);
	char *t = part_text(out, n, 0);

	/* the view folds: full-width asterisks and digits read as ASCII */
	g_assert_nonnull(strstr(t, "****-****-****-0505"));
	g_assert_true(g_strstr_len(out, (gssize)n, "3566") == NULL);
	g_free(t);
	g_free(out);
	g_free(raw);
}

static void test_html_spans(void)
{
	gsize n, rn;
	char *raw, *out = mask_part("../shared/corpus/public/p03_card_html_spans_alt.eml", 1, &n,
				    &raw, &rn);
	char *t = part_text(out, n, 1);
	char *plain = part_text(out, n, 0);

	g_assert_nonnull(strstr(t, "8210"));
	g_assert_null(strstr(t, "5200"));
	g_assert_nonnull(strstr(plain, "5200")); /* only the HTML part was edited here */
	g_free(t);
	g_free(plain);
	g_free(out);
	g_free(raw);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/rewrite/iso2022_kanji_and_card", test_iso2022_kanji_and_card);
	g_test_add_func("/rewrite/cp50220_survives", test_cp50220_survives);
	g_test_add_func("/rewrite/qp_split", test_qp_split);
	g_test_add_func("/rewrite/base64_utf8", test_base64_utf8);
	g_test_add_func("/rewrite/sjis_fullwidth", test_sjis_fullwidth);
	g_test_add_func("/rewrite/html_spans", test_html_spans);
	return g_test_run();
}
