/*
 * test_detect_fast.c - the detectors' faster paths against plain readings of
 * their contracts, on random texts built from the pieces that matter
 * (keywords in every case, parts of them, Japanese, digits, separators):
 *   - det_keyword_near (detect.c): is any keyword, ASCII case ignored,
 *     wholly inside [start - window, end + window) of the text?
 *   - det_next_run (detect_digits.c): where the first run of `need` bytes
 *     from ' ' to '9' starts at or after p, and where it ends;
 *   - det_run_digits (detect_digits.c): the digits of a run, counted up to
 *     need, that decide whether the run is walked at all;
 *   - det_scan_card (detect_card.c): the same hits as det_scan_card_plain,
 *     whose wrapped-number tests run in their first order;
 *   - det_cmd_forms (detect_cmd.c): the same values as every form searched
 *     from its last match on (det_cmd_forms_plain), where the anchored
 *     forms are tried only at their literal;
 *   - det_cvv_word (detect_card.c): the first word of the list, in its
 *     order, that occurs in the range, at its first place (memmem per word);
 *   - det_password_keyword_at (detect_prefilter.c): the keywords filtered by
 *     the pair at i agree with every keyword tried in turn;
 *   - det_b64_span_at (detect_layer.c): the base64 layer's sample at i
 *     (eight bytes in a range, then sixteen at a time) says whether each of
 *     the 33 bytes from i is a base64 character, as a per-byte test does;
 *   - det_pre_scan's literals (detect_prefilter.c, each found from a rare
 *     pair inside it): the set of literals memmem finds, and the places of
 *     the anchored forms' literals, every one in order up to 64.
 * Each comparison was checked to fail on a deliberate mutation of the fast
 * path (docs/performance.md, "Phase 3: detectors and views").
 */
#include "detect_digits.h"
#include "testutil.h"
#include "view.h"

/* A random text of about n bytes from pieces. */
static GString *random_text(GRand *r, const char *const *pieces, size_t n)
{
	static const char *const filler[] = {"a", "e", "s", " ", "x", "1", "9", "-", "\n", "。",
					     "カ", "ー", "番", "\xe3\x82", "\xab", "Z", "/", NULL};
	GString *g = g_string_new(NULL);
	guint np = g_strv_length((char **)pieces), nf = g_strv_length((char **)filler);

	while (g->len < n) {
		int k = g_rand_int_range(r, 0, 10);

		if (k < 3 && np) { /* a keyword or a part of one, in random case */
			const char *w = pieces[g_rand_int_range(r, 0, (gint32)np)];
			size_t l = strlen(w), from = 0, to = l;

			if (g_rand_int_range(r, 0, 3) == 0) {
				from = (size_t)g_rand_int_range(r, 0, (gint32)l);
				to = from + (size_t)g_rand_int_range(r, 0, (gint32)(l - from) + 1);
			}
			for (size_t i = from; i < to; i++) {
				char c = w[i];

				if (g_rand_boolean(r))
					c = g_ascii_toupper(c);
				g_string_append_c(g, c);
			}
		} else {
			g_string_append(g, filler[g_rand_int_range(r, 0, (gint32)nf)]);
		}
	}
	return g;
}

/* ------------------------------------------------------------ keyword near */

static bool near_plain(char *const *kw, long long window, const char *t, size_t len,
		       size_t start, size_t end)
{
	size_t w = (size_t)window, a = start > w ? start - w : 0, b = end + w < len ? end + w : len;

	for (; kw && *kw; kw++) {
		size_t kl = strlen(*kw);

		for (size_t s = a; kl && s + kl <= b; s++)
			if (g_ascii_strncasecmp(t + s, *kw, kl) == 0)
				return true;
	}
	return false;
}

static void near_lists(GRand *r, char *const *kw, unsigned rounds)
{
	det d;
	unsigned yes = 0, no = 0;

	memset(&d, 0, sizeof(d));
	d.keywords = (char **)kw;
	d.near = det_near_new(kw);
	for (unsigned round = 0; round < rounds; round++) {
		GString *g = random_text(r, (const char *const *)kw,
					 (size_t)g_rand_int_range(r, 0, round % 8 ? 80 : 900));
		size_t start = g->len ? (size_t)g_rand_int_range(r, 0, (gint32)g->len + 1) : 0;
		size_t end = start + (size_t)g_rand_int_range(r, 0, (gint32)(g->len - start) + 1);
		bool want, got;

		d.window = g_rand_int_range(r, 0, 4) == 0 ? 0 : g_rand_int_range(r, 0, 400);
		want = near_plain(kw, d.window, g->str, g->len, start, end);
		got = det_keyword_near(&d, g->str, g->len, start, end);
		if (want != got)
			g_test_message("text of %zu bytes, [%zu, %zu), window %lld: want %d", g->len,
				       start, end, d.window, want);
		g_assert_cmpint(got, ==, want);
		yes += want;
		no += !want;
		g_string_free(g, TRUE);
	}
	g_assert_cmpuint(yes, >, rounds / 20);
	g_assert_cmpuint(no, >, rounds / 20);
	det_near_free(d.near);
}

static void test_keyword_near(void)
{
	static const char *const card[] = {
		"カード番号", "クレジットカード", "クレジット", "有効期限", "セキュリティコード",
		"card number", "credit card", "card no", "expiry", "expiration", "exp date", "cvv",
		"cvc", "security code", "visa", "mastercard", "amex", NULL};
	static const char *const mixed[] = {"SR番号", "ab", "p/w", "Zx", "a-1", "番", NULL};
	static const char *const one[] = {"x", "cvv", NULL}; /* a one-byte keyword */
	static const char *const none[] = {NULL};
	GRand *r = g_rand_new_with_seed(600);
	det d;

	near_lists(r, (char *const *)card, 20000);
	near_lists(r, (char *const *)mixed, 20000);
	near_lists(r, (char *const *)one, 5000);
	memset(&d, 0, sizeof(d));
	d.keywords = (char **)none;
	d.near = det_near_new(d.keywords);
	d.window = 10;
	g_assert_false(det_keyword_near(&d, "card number", 11, 0, 11));
	det_near_free(d.near);
	g_rand_free(r);
}

/* ------------------------------------------------------------ digit runs */

static size_t next_run_plain(const char *t, size_t len, size_t p, size_t need, size_t *end)
{
	while (p < len) {
		size_t s = p;

		while (p < len && t[p] >= ' ' && t[p] <= '9')
			p++;
		if (p - s >= need && p > s) {
			*end = p;
			return s;
		}
		if (p == s)
			p++;
	}
	*end = len;
	return len;
}

static void test_next_run(void)
{
	static const char *const pieces[] = {"4111", " ", "-", "1", "2024-11-18 10:22:33", ":",
					     "/", "9", "a", "\n", "カード", "\xff", "\x80",
					     "0000000000000000000000000000000000000000000", "(", "。",
					     NULL};
	GRand *r = g_rand_new_with_seed(13);
	unsigned found = 0;

	for (unsigned round = 0; round < 40000 && !g_test_failed(); round++) {
		GString *g = g_string_new(NULL);
		size_t want_end, got_end, p = 0, need = (size_t)g_rand_int_range(r, 8, 70);

		if (round % 3)
			need = round % 2 ? 13 : 12; /* the card's and My Number's */
		while (g->len < (size_t)(round % 16 ? 200 : 2000))
			g_string_append(g, pieces[g_rand_int_range(r, 0, 16)]);
		g_string_truncate(g, (size_t)g_rand_int_range(r, 0, (gint32)g->len + 1));
		/* walk as det_digits_walk does: from 0, then after each run */
		while (p < g->len) {
			size_t want = next_run_plain(g->str, g->len, p, need, &want_end);
			size_t got = det_next_run(g->str, g->len, p, need, &got_end);

			if (got != want || got_end != want_end)
				g_test_message("need %zu, len %zu, from %zu", need, g->len, p);
			g_assert_cmpuint(got, ==, want);
			g_assert_cmpuint(got_end, ==, want_end);
			if (got != want || got_end != want_end || want >= g->len)
				break;
			found++;
			p = want_end;
		}
		g_string_free(g, TRUE);
	}
	g_assert_cmpuint(found, >, 10000);
	g_rand_free(r);
}

/* The digits in [s, e), counted byte by byte, up to need. */
static size_t run_digits_plain(const char *t, size_t s, size_t e, size_t need)
{
	size_t n = 0;

	for (size_t i = s; i < e; i++)
		n += t[i] >= '0' && t[i] <= '9';
	return n < need ? n : need;
}

static void test_run_digits(void)
{
	static const char *const pieces[] = {"4111", " ", "-", "1", "2024-11-18 10:22:33", ":",
					     "/", "9", "0", "a", "\n", "\xb0", "\xb9", "\xff", "\x80",
					     "(", NULL};
	GRand *r = g_rand_new_with_seed(41);

	for (unsigned round = 0; round < 20000; round++) {
		GString *g = g_string_new(NULL);
		size_t s, e, need = (size_t)g_rand_int_range(r, 1, 40);

		while (g->len < (size_t)(round % 8 ? 80 : 400))
			g_string_append(g, pieces[g_rand_int_range(r, 0, 16)]);
		s = (size_t)g_rand_int_range(r, 0, (gint32)g->len + 1);
		e = s + (size_t)g_rand_int_range(r, 0, (gint32)(g->len - s) + 1);
		if (round % 5 == 0)
			need = 13;
		g_assert_cmpuint(det_run_digits(g->str, s, e, need), ==,
				 run_digits_plain(g->str, s, e, need));
		g_string_free(g, TRUE);
	}
	g_rand_free(r);
}

/* ------------------------------------------------------------ wrapped cards */

static void test_card_wrapped(void)
{
	static const char *const pieces[] = {
		"4111 1111", "1111 1111", "4111111111111111", "\n", "\r\n", " \n", "1111", "4111",
		"-", " ", "2026-11-24 21:50:49 ", "code: 12029", "card number: ", "カード番号:",
		"Please find the output of the analyzer run on the affected device here",
		"x", "0", "9", "5500 0000 0000 0004", "5500", "0004", NULL};
	GRand *r = g_rand_new_with_seed(55);
	char err[256];
	sm_detectors *set = sm_detectors_load(NULL, err, sizeof(err));
	const det *card = NULL;
	const sm_scan_ctx ctx = {0};
	unsigned found = 0;

	for (unsigned i = 0; i < set->dets->len; i++)
		if (((const det *)g_ptr_array_index(set->dets, i))->kind == K_CARD)
			card = g_ptr_array_index(set->dets, i);
	g_assert_nonnull(card);
	for (unsigned round = 0; round < 6000; round++) {
		GString *g = g_string_new(NULL);
		GArray *a = g_array_new(FALSE, FALSE, sizeof(sm_hit));
		GArray *b = g_array_new(FALSE, FALSE, sizeof(sm_hit));
		det_out oa = {a, 100, false, 0, 0, false, NULL, {{{0}}, {0}, {0}}};
		det_out ob = {b, 100, false, 0, 0, false, NULL, {{{0}}, {0}, {0}}};
		sm_view *v;

		while (g->len < (size_t)(round % 4 ? 200 : 800))
			g_string_append(g, pieces[g_rand_int_range(r, 0, 21)]);
		v = sm_view_new_utf8(g->str, g->len);
		det_scan_card(card, v, &ctx, &oa);
		det_scan_card_plain(card, v, &ctx, &ob);
		g_assert_cmpuint(a->len, ==, b->len);
		for (guint k = 0; k < a->len; k++) {
			const sm_hit *x = &g_array_index(a, sm_hit, k), *y = &g_array_index(b, sm_hit, k);

			g_assert_cmpuint(x->start, ==, y->start);
			g_assert_cmpuint(x->end, ==, y->end);
			g_assert_cmpint(x->confidence, ==, y->confidence);
		}
		found += a->len;
		sm_view_free(v);
		g_array_free(a, TRUE);
		g_array_free(b, TRUE);
		g_string_free(g, TRUE);
	}
	g_assert_cmpuint(found, >, 1000);
	sm_detectors_free(set);
	g_rand_free(r);
}

/* ------------------------------------------------------------ command forms */

static void test_cmd_forms(void)
{
	static const char *const pieces[] = {
		"://", "https://", "ftp://", "a", "user", ":", "Secr3t!x", "@", "host.example", "/",
		" ", "\n", "\"", "情報", "ログイン情報", "認証情報", "接続情報", "報", "\xe6\x83",
		"：", "admin", " / ", "P4ss-w0rd", "ID: ", "smbclient", "rpcclient", "client",
		"smb", " -U ", "bob%Pa55word!", "--user=", "%", "net use", "curl", "-u", "x1",
		"https://admin:Secr3t!x@host.example/ ", "db://:Zq9!ab@10.0.0.1 ",
		"\nログイン情報：admin / P4ss-w0rd\n", "認証情報\nID: ops:Xy7#long\n",
		"smbclient //srv/c -U bob%Pa55word! ", "rpcclient -U alice%Zz9#pw1 host\n",
		"client", "client",
		/* the URL form's user part at 64 bytes and one past, its stops */
		"x://0123456789012345678901234567890123456789012345678901234567890123:Pw9!x@h ",
		"x://01234567890123456789012345678901234567890123456789012345678901234:Pw9!x@h ",
		"y://0123456789012345678901234567890123456789012345678901234567890123:"
		"Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!@h ",
		"y://0123456789012345678901234567890123456789012345678901234567890123:"
		"Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!Ab3!9@h ",
		"a://u\v:Pw9!x@h", "a://u\f:p@h", "a://\"u:p@h", "a://u<:p@h", "a://:p@h",
		"_://u:Pw9!x@h", "é://u:Pw9!x@h", "9://u:Pw9!x@h", "Z://~:Pw9!x@h", "a://u:Pw9!x@",
		"a://u", "a://", "a:/", NULL};
	GRand *r = g_rand_new_with_seed(22);
	guint np = g_strv_length((char **)pieces);
	unsigned values = 0, more = 0;
	char err[256];
	sm_detectors *set = sm_detectors_load(NULL, err, sizeof(err));
	det_out out;

	for (unsigned round = 0; round < 6000 && !g_test_failed(); round++) {
		GString *g = g_string_new(NULL);
		GArray *a = g_array_new(FALSE, FALSE, sizeof(det_span));
		GArray *b = g_array_new(FALSE, FALSE, sizeof(det_span));
		int n = g_rand_int_range(r, 0, round % 10 ? 40 : 1500);
		sm_view *v;

		for (int k = 0; k < n; k++)
			g_string_append(g, pieces[g_rand_int_range(r, 0, (gint32)np)]);
		v = sm_view_new_utf8(g->str, g->len);
		memset(&out, 0, sizeof(out));
		det_pre_scan(set->pre, v, &out); /* lits and the places of the anchors */
		det_cmd_forms_plain(v, out.lits, a);
		det_cmd_forms(v, out.lits, &out.occ, b);
		more += out.occ.more[1];
		if (out.pw_spans)
			g_array_free(out.pw_spans, TRUE);
		g_assert_cmpuint(b->len, ==, a->len);
		for (guint i = 0; i < a->len && i < b->len; i++) {
			g_assert_cmpuint(g_array_index(b, det_span, i).s, ==, g_array_index(a, det_span, i).s);
			g_assert_cmpuint(g_array_index(b, det_span, i).e, ==, g_array_index(a, det_span, i).e);
		}
		values += a->len;
		sm_view_free(v);
		g_array_free(a, TRUE);
		g_array_free(b, TRUE);
		g_string_free(g, TRUE);
	}
	g_assert_cmpuint(values, >, 3000);
	g_assert_cmpuint(more, >, 10); /* more than the places kept: the search */
	sm_detectors_free(set);
	g_rand_free(r);
}

/* ------------------------------------------------------------ security code words */

static void test_cvv_word(void)
{
	static const char *const words[] = {"セキュリティコード", "CVV2", "CVV", "CVC", "cvv", "cvc",
					    "security code", "Security code", "Security Code", NULL};
	static const char *const pieces[] = {"セキュリティコード", "セキュリティ", "CVV2", "CVV", "CVC",
					     "cvv", "cvc", "CV", "cv", "security code", "Security code",
					     "Security Code", "security", " code", "S", "s", "C", "c",
					     "\xe3", "123", ": ", " ", "x", NULL};
	GRand *r = g_rand_new_with_seed(76);
	guint np = g_strv_length((char **)pieces);
	unsigned found = 0;

	for (unsigned round = 0; round < 30000 && !g_test_failed(); round++) {
		GString *g = g_string_new(NULL);
		int n = g_rand_int_range(r, 0, 30);
		size_t from, lim, at = 0, want_at = 0, want = 0, got;

		for (int k = 0; k < n; k++)
			g_string_append(g, pieces[g_rand_int_range(r, 0, (gint32)np)]);
		from = (size_t)g_rand_int_range(r, 0, (gint32)g->len + 1);
		lim = from + (size_t)g_rand_int_range(r, 0, (gint32)(g->len - from) + 1);
		for (const char *const *w = words; *w && !want; w++) {
			const char *m = memmem(g->str + from, lim - from, *w, strlen(*w));

			if (m) {
				want = strlen(*w);
				want_at = (size_t)(m - g->str);
			}
		}
		got = det_cvv_word(g->str, from, lim, &at);
		g_assert_cmpuint(got, ==, want);
		if (want)
			g_assert_cmpuint(at, ==, want_at);
		found += want > 0;
		g_string_free(g, TRUE);
	}
	g_assert_cmpuint(found, >, 10000);
	g_rand_free(r);
}

/* ------------------------------------------------------------ password keywords */

static void kw_lists(GRand *r, char *const *kw, unsigned rounds)
{
	char err[256];
	struct det_kw *k = det_password_kw_new(kw, err, sizeof(err));
	unsigned found = 0;

	g_assert_nonnull(k);
	for (unsigned round = 0; round < rounds && !g_test_failed(); round++) {
		GString *g = random_text(r, (const char *const *)kw,
					 (size_t)g_rand_int_range(r, 0, 120));

		for (size_t i = 0; i + 1 < g->len; i++) {
			size_t at_a = 0, at_b = 0;
			size_t a = det_password_keyword_at(k, g->str, g->len, i, &at_a, true);
			size_t b = det_password_keyword_at(k, g->str, g->len, i, &at_b, false);

			g_assert_cmpuint(b, ==, a);
			if (a)
				g_assert_cmpuint(at_b, ==, at_a);
			found += a > 0;
		}
		g_string_free(g, TRUE);
	}
	g_assert_cmpuint(found, >, rounds);
	det_password_kw_free(k);
}

static void test_password_keyword(void)
{
	static const char *const pw[] = {
		"password", "passwd", "passphrase", "pass phrase", "passcode", "pwd", "pw", "パスワード",
		"暗証番号", "パスコード", "パスフレーズ", "pass", "パス", "p/w", "pin", NULL};
	static const char *const odd[] = {"Zq", "\xc3\xa9" "Ab", "\xe3\x81", "a-B", "ab", "abc", NULL};
	GRand *r = g_rand_new_with_seed(64);
	GPtrArray *many = g_ptr_array_new_with_free_func(g_free);

	kw_lists(r, (char *const *)pw, 4000);
	kw_lists(r, (char *const *)odd, 4000);
	for (unsigned i = 0; i < 70; i++) /* past 64 keywords: every keyword tried */
		g_ptr_array_add(many, g_strdup_printf("k%c%u", 'a' + i % 26, i));
	g_ptr_array_add(many, NULL);
	kw_lists(r, (char *const *)many->pdata, 2000);
	g_ptr_array_free(many, TRUE);
	g_rand_free(r);
}

/* ------------------------------------------------------------ prefilter literals */

static void test_literals(void)
{
	GRand *r = g_rand_new_with_seed(128);
	char err[256];
	sm_detectors *set = sm_detectors_load(NULL, err, sizeof(err));
	const char *pieces[N_LIT + 12];
	unsigned np = 0, seen = 0;
	det_out out;

	for (unsigned id = 0; id < N_LIT; id++) /* every literal, and it cut short */
		pieces[np++] = det_lit_text(id);
	pieces[np++] = "Microsoft";
	pieces[np++] = "microsoft.co";
	pieces[np++] = "logi";
	pieces[np++] = "ecre";
	pieces[np++] = " ";
	pieces[np++] = "x";
	pieces[np++] = "t.";
	pieces[np++] = "\xe3\x82\xa6";
	pieces[np++] = NULL;
	g_assert_null(det_lit_text(N_LIT));
	for (unsigned round = 0; round < 20000 && !g_test_failed(); round++) {
		GString *g = g_string_new(NULL);
		int n = g_rand_int_range(r, 0, 12);
		det_lits want = 0;
		sm_view *v;

		for (int k = 0; k < n; k++) {
			const char *p = pieces[g_rand_int_range(r, 0, (gint32)np - 1)];
			size_t l = strlen(p);

			if (g_rand_int_range(r, 0, 4) == 0) { /* cut at either end */
				size_t at = l ? (size_t)g_rand_int_range(r, 0, (gint32)l) : 0;

				g_string_append_len(g, p + at, (gssize)MIN(l / 2, l - at));
			} else {
				g_string_append(g, p);
			}
		}
		v = sm_view_new_utf8(g->str, g->len);
		for (unsigned id = 0; id < N_LIT; id++)
			if (memmem(v->text, v->len, det_lit_text(id), strlen(det_lit_text(id))))
				want |= LIT(id);
		memset(&out, 0, sizeof(out));
		det_pre_scan(set->pre, v, &out);
		g_assert_true(out.lits == want);
		for (unsigned id = 0; id < N_LIT; id++) {
			int k = det_occ_slot(id);
			const char *w = det_lit_text(id), *m;
			unsigned j = 0;

			if (k < 0)
				continue;
			for (size_t from = 0; (m = memmem(v->text + from, v->len - from, w, strlen(w)));
			     from = (size_t)(m - v->text) + 1, j++)
				if (j < DET_OCC_MAX)
					g_assert_cmpuint(out.occ.at[k][j], ==, (size_t)(m - v->text));
			g_assert_cmpuint(out.occ.n[k], ==, j < DET_OCC_MAX ? j : DET_OCC_MAX);
			g_assert_cmpint(out.occ.more[k], ==, j > DET_OCC_MAX);
		}
		seen += want != 0;
		if (out.pw_spans)
			g_array_free(out.pw_spans, TRUE);
		sm_view_free(v);
		g_string_free(g, TRUE);
	}
	g_assert_cmpuint(seen, >, 10000);
	sm_detectors_free(set);
	g_rand_free(r);
}

/* The plain reading: every byte of t[i, i + 33) is A-Z a-z 0-9 + / =. */
static bool b64_span_plain(const char *t, size_t len, size_t i)
{
	if (i > len || len - i < 33)
		return false;
	for (size_t k = i; k < i + 33; k++)
		if (!g_ascii_isalnum(t[k]) && t[k] != '+' && t[k] != '/' && t[k] != '=')
			return false;
	return true;
}

/* Mostly base64 with now and then a byte next to a range's edge ('*' ','
 * '.' ':' '<' '>' '@' '[' '`' '{' '-' '_'), a space or a high byte, so
 * that stretches of 33 pass and fail at every place in them. */
static void test_b64_span(void)
{
	static const char b64[] = "ABCZabcz0189+/=";
	static const char odd[] = "*,.:;<>?@[\\]^_`{|}-~ \n\x80\xe3\xff\x2a";
	GRand *r = g_rand_new_with_seed(33);
	unsigned pass = 0;

	for (int round = 0; round < 4000; round++) {
		char t[120];
		size_t len = (size_t)g_rand_int_range(r, 0, (int)sizeof(t) + 1);
		int rare = g_rand_int_range(r, 20, 400);

		for (size_t k = 0; k < len; k++)
			t[k] = g_rand_int_range(r, 0, rare) == 0
				       ? odd[g_rand_int_range(r, 0, (int)sizeof(odd) - 1)]
				       : b64[g_rand_int_range(r, 0, (int)sizeof(b64) - 1)];
		for (size_t i = 0; i <= len + 1; i++) {
			bool want = b64_span_plain(t, len, i);

			pass += want;
			if (det_b64_span_at(t, len, i) != want)
				g_error("b64 span at %zu of %zu: want %d", i, len, want);
		}
	}
	g_assert_cmpuint(pass, >, 1000);
	g_rand_free(r);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/detect_fast/keyword_near", test_keyword_near);
	g_test_add_func("/detect_fast/next_run", test_next_run);
	g_test_add_func("/detect_fast/run_digits", test_run_digits);
	g_test_add_func("/detect_fast/card_wrapped", test_card_wrapped);
	g_test_add_func("/detect_fast/cmd_forms", test_cmd_forms);
	g_test_add_func("/detect_fast/cvv_word", test_cvv_word);
	g_test_add_func("/detect_fast/password_keyword", test_password_keyword);
	g_test_add_func("/detect_fast/literals", test_literals);
	g_test_add_func("/detect_fast/b64_span", test_b64_span);
	return g_test_run();
}
