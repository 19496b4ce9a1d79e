/*
 * test_quote.c - new text versus quoted history: '>' lines, Outlook
 * separators and header blocks (English and Japanese), Gmail/Thunderbird
 * attributions (one and two lines, Japanese), signatures, HTML quotes.
 */
#include "quote.h"
#include "testutil.h"

#include <stdint.h>

/* New text of a plain UTF-8 body. g_free. */
static char *nt_plain(const char *body)
{
	sm_view *v = sm_view_new_utf8(body, strlen(body));
	char *n = sm_quote_new_text(v);

	sm_view_free(v);
	return n;
}

static size_t hist_plain(const char *body)
{
	sm_view *v = sm_view_new_utf8(body, strlen(body));
	size_t h = sm_quote_history_start(v);

	sm_view_free(v);
	return h;
}

/* Assert the new text keeps `keep` and drops `drop`. */
static void check(const char *body, const char *keep, const char *drop)
{
	char *n = nt_plain(body);

	if (keep)
		g_assert_nonnull(strstr(n, keep));
	if (drop && strstr(n, drop)) {
		g_test_message("kept quoted text: %s", drop);
		g_test_fail();
	}
	g_free(n);
}

static void test_gt_lines(void)
{
	const char *b = "Hi,\n\nSee below.\n> old question\n>> older\nMy inline answer.\n";
	char *n = nt_plain(b);

	g_assert_cmpstr(n, ==, "Hi,\n\nSee below.\nMy inline answer.\n");
	g_free(n);
	g_assert_cmpuint(hist_plain(b), ==, strlen("Hi,\n\nSee below.\n"));
	g_assert_cmpuint(hist_plain("no quote at all\n"), ==, strlen("no quote at all\n"));
}

static void test_outlook_separators(void)
{
	check("New.\n\n-----Original Message-----\nFrom: a\nOld text.\n", "New.", "Old text");
	check("新しい本文\n\n-----元のメッセージ-----\n差出人: a\n古い本文\n", "新しい本文",
	      "古い本文");
	check("Fwd.\n---------- Forwarded message ---------\nFrom: x\nOld text.\n", "Fwd.",
	      "Old text");
	check("New.\n________________________________\nFrom: Support <s@x>\nSent: Monday\n"
	      "Subject: RE: x\n\nOld text.\n",
	      "New.", "Old text");
	/* an underscore rule alone is not a quote */
	check("Table\n________________________________\nStill new text.\n", "Still new text",
	      NULL);
}

static void test_header_blocks(void)
{
	check("解決しました。\n\n差出人: Microsoft サポート <s@x>\n送信日時: 2024年12月4日 18:00\n"
	      "宛先: a\n件名: RE: [SR#2412020040554321]\n\n古い本文\n",
	      "解決しました", "古い本文");
	check("New.\n\nFrom: Support <s@x>\nTo: me\nSent: Monday\nSubject: x\n\nOld text.\n",
	      "New.", "Old text");
	check("New.\n\n*From:* Support <s@x>\n*Sent:* Monday\n\nOld text.\n", "New.", "Old text");
	/* From: without Sent:/Date: nearby is prose */
	check("From: our side everything works.\nThanks.\n", "Thanks.", NULL);
	/* full-width colons fold */
	check("本文\n\n差出人：サポート\n送信日時：2024年12月4日\n\n古い本文\n", "本文", "古い本文");
	/* the keys in any ASCII case (the first byte is compared before the rest) */
	check("New.\n\nFROM: Support <s@x>\nSENT: Monday\n\nOld text.\n", "New.", "Old text");
	check("New.\n\nfrom: Support <s@x>\ndate: Monday\n\nOld text.\n", "New.", "Old text");
	check("New.\n\nfROM : Support <s@x>\nsENT : Monday\n\nOld text.\n", "New.", "Old text");
}

static void test_attributions(void)
{
	check("Thanks.\n\nOn Thu, Dec 5, 2024 at 4:00 PM Microsoft Support <s@x> wrote:\n\nOld\n",
	      "Thanks.", "Old");
	check("Thanks.\n\nOn Thu, Dec 5, 2024 at 4:00 PM Microsoft Support <\ns@x> wrote:\nOld\n",
	      "Thanks.", "Old");
	check("Thanks.\nOn 2024-12-05 16:00, Support\nwrote:\nOld\n", "Thanks.", "Old");
	check("まだです。\n\n2024年12月5日(木) 17:20 Microsoft サポート <s@x>:\n\n古い\n", "まだです",
	      "古い");
	check("了解です。\n\n2024年11月22日(金) 10:15 Support <\ns@x>:\n古い\n", "了解です", "古い");
	check("了解です。\n\n吉田 さんは書きました:\n古い\n", "了解です", "古い");
	check("OK.\nAlex Support wrote:\nOld\n", "OK.", "Old");
	/* iPhone and Mac Mail, English and Japanese */
	check("OK.\n\nOn Dec 5, 2024, at 10:15, Support <s@x> wrote:\n\nOld\n", "OK.", "Old");
	check("了解です。\n\n2024/12/05 10:15、Microsoft サポート <s@x>のメール:\n\n古い\n",
	      "了解です", "古い");
	check("了解です。\n\n2024/12/05 10:15、Microsoft サポート <\ns@x>のメール:\n古い\n",
	      "了解です", "古い");
	check("FYI\n\nBegin forwarded message:\n\nFrom: a\nOld\n", "FYI", "Old");
	check("ご参考\n\n転送されたメッセージ:\n\n差出人: a\n古い\n", "ご参考", "古い");
	/* "のメール:" inside a sentence is text */
	check("以下のメールの件です。\n新しい\n", "新しい", NULL);
	/* a date line that is not followed by an attribution is text */
	check("2024/12/05 の作業で解決しました。\n以上\n", "以上", NULL);
}

static void test_signature(void)
{
	check("Body text.\n-- \nKevin Morita\nIT dept\n", "Body text.", "IT dept");
	check("Body text.\n--\nKevin\n", "Body text.", "Kevin");
	/* "--" inside a line is not a delimiter */
	check("Use --force -- carefully.\nMore.\n", "More.", NULL);
	/* the signature is not quoted history */
	g_assert_cmpuint(hist_plain("a\n-- \nsig\n"), ==, strlen("a\n-- \nsig\n"));
}

static char *nt_html(const char *html, size_t *hist, size_t *len)
{
	sm_view *v = sm_view_new((const uint8_t *)html, strlen(html), "utf-8", true, SIZE_MAX,
				 NULL);
	char *n = sm_quote_new_text(v);

	*hist = sm_quote_history_start(v);
	*len = v->len;
	sm_view_free(v);
	return n;
}

static void test_html(void)
{
	size_t h, l;
	char *n;

	n = nt_html("<html><body><p>This issue is resolved.</p><div class=\"gmail_quote\">"
		    "<blockquote>Is it resolved?</blockquote></div></body></html>",
		    &h, &l);
	g_assert_nonnull(strstr(n, "This issue is resolved."));
	g_assert_null(strstr(n, "Is it resolved"));
	g_assert_cmpuint(h, <, l);
	g_free(n);
	n = nt_html("<div>解決しました。</div><div id=\"divRplyFwdMsg\"><b>差出人:</b> サポート<br>"
		    "解決しましたか？</div>",
		    &h, &l);
	g_assert_nonnull(strstr(n, "解決しました。"));
	g_assert_null(strstr(n, "解決しましたか"));
	g_free(n);
	/* no quote: everything is new */
	n = nt_html("<p>Hello &amp; bye</p>", &h, &l);
	g_assert_nonnull(strstr(n, "Hello & bye"));
	g_assert_cmpuint(h, ==, l);
	g_free(n);
	/* Outlook HTML-to-text header block without markup inside the view */
	n = nt_html("<p>New</p><p>From: Support</p><p>Sent: Monday</p><p>Old</p>", &h, &l);
	g_assert_nonnull(strstr(n, "New"));
	g_assert_null(strstr(n, "Old"));
	g_free(n);
}

/* An ISO-2022-JP Outlook reply, decoded by the view: the split works on the
 * folded UTF-8 whatever the part's charset. */
static void test_iso2022jp(void)
{
	const char *utf8 = "木村です。\n\n事象は解決しました。\n\n差出人: Microsoft サポート\n"
			   "送信日時: 2024年12月4日 18:00\n件名: RE: [SR#2412020040554321]\n\n"
			   "解決しましたか？\n";
	gsize n = 0;
	char *jis = g_convert(utf8, -1, "ISO-2022-JP", "UTF-8", NULL, &n, NULL);
	sm_view *v;
	char *nt;

	g_assert_nonnull(jis);
	if (!jis)
		return;
	g_assert_null(strstr(jis, "\xe8")); /* really 7-bit JIS */
	v = sm_view_new((const uint8_t *)jis, n, "iso-2022-jp", false, SIZE_MAX, NULL);
	nt = sm_quote_new_text(v);
	g_assert_nonnull(strstr(nt, "事象は解決しました。"));
	g_assert_null(strstr(nt, "解決しましたか"));
	g_assert_null(strstr(nt, "差出人"));
	g_assert_cmpuint(sm_quote_history_start(v), ==, (size_t)(strstr(v->text, "差出人") - v->text));
	g_free(nt);
	sm_view_free(v);
	g_free(jis);
}

/* Random line soup: the new text is never longer than the view and the
 * history start lies inside it. */
static void test_garbage(void)
{
	static const char *const bits[] = {"> ", "\n", "From: a\n", "Sent: b\n", "-- \n",
					   "On 1 Jan ", "wrote:\n", "____________\n", "text ",
					   "差出人: x\n", "2024年1月1日 <a@b>:\n", "-----Original Message-----"};
	GRand *rnd = g_rand_new_with_seed(7);
	int round, i;

	for (round = 0; round < 300; round++) {
		GString *g = g_string_new(NULL);
		sm_view *v;
		char *n;

		for (i = 0; i < 30; i++)
			g_string_append(g, bits[g_rand_int_range(rnd, 0, G_N_ELEMENTS(bits))]);
		v = sm_view_new((const uint8_t *)g->str, g->len, "utf-8", round & 1, SIZE_MAX, NULL);
		n = sm_quote_new_text(v);
		g_assert_cmpuint(strlen(n), <=, v->len + 1);
		g_assert_cmpuint(sm_quote_history_start(v), <=, v->len);
		{ /* both at once: the same as each on its own */
			size_t h = (size_t)-1;
			char *both = sm_quote_split(v, &h);

			g_assert_cmpstr(both, ==, n);
			g_assert_cmpuint(h, ==, sm_quote_history_start(v));
			g_free(both);
		}
		g_free(n);
		sm_view_free(v);
		g_string_free(g, TRUE);
	}
	g_rand_free(rnd);
}

/* Texts of plain and '>' lines only (no history, no signature): the new
 * text is, read plainly, every line not quoted (first byte after spaces
 * and tabs '>') followed by '\n', in order.  sm_quote_split appends runs
 * of such lines at once. */
static void test_runs(void)
{
	static const char *const bits[] = {"text", " more words", " ", "\t", "> quoted", "  >q",
					   "\r", "x", "日本語", "é", ">", "\n", "\n", "\n"};
	GRand *rnd = g_rand_new_with_seed(8);
	int round, i;

	for (round = 0; round < 2000; round++) {
		GString *g = g_string_new(NULL), *want = g_string_new(NULL);
		size_t off = 0, k, len;
		sm_view *v;
		char *got;

		for (i = g_rand_int_range(rnd, 0, 40); i > 0; i--)
			g_string_append(g, bits[g_rand_int_range(rnd, 0, G_N_ELEMENTS(bits))]);
		v = sm_view_new((const uint8_t *)g->str, g->len, "utf-8", false, SIZE_MAX, NULL);
		len = v->len;
		while (off < len) { /* the view's text, as the view keeps it */
			const char *nl = memchr(v->text + off, '\n', len - off);
			size_t end = nl ? (size_t)(nl - v->text) : len;

			for (k = off; k < end && (v->text[k] == ' ' || v->text[k] == '\t'); k++)
				;
			if (k == end || v->text[k] != '>') {
				g_string_append_len(want, v->text + off, (gssize)(end - off));
				g_string_append_c(want, '\n');
			}
			off = end + 1;
		}
		got = sm_quote_split(v, NULL);
		g_assert_cmpstr(got, ==, want->str);
		g_free(got);
		sm_view_free(v);
		g_string_free(g, TRUE);
		g_string_free(want, TRUE);
	}
	g_rand_free(rnd);
}

/* The plain reading of a header key: the line starts with the whole key,
 * ASCII letters in either case. */
static bool plain_key(const char *line, const char *const *keys)
{
	for (; *keys; keys++)
		if (strlen(line) >= strlen(*keys) && g_ascii_strncasecmp(line, *keys, strlen(*keys)) == 0)
			return true;
	return false;
}

/* The history starts at a From: line followed by a Sent: line: whole
 * keys in either case, not their proper prefixes nor near misses in the
 * first or second byte (quote.c reads the first two bytes before the
 * comparison). */
static void check_keys(const char *f, const char *s, const char *const *from,
		       const char *const *sent)
{
	char *b = g_strdup_printf("New.\n\n%s Support <s@x>\n%s Monday\n\nOld text.\n", f, s);
	char *n = nt_plain(b);
	bool quoted = plain_key(f, from) && plain_key(s, sent);

	if (quoted != (strstr(n, "Old text") == NULL)) {
		g_test_message("header block %s / %s: quoted %d", f, s, quoted);
		g_test_fail();
	}
	g_free(n);
	g_free(b);
}

static void test_key_prefixes(void)
{
	static const char *const from[] = {"From:", "From :", "差出人:", "差出人 :", "送信者:", NULL};
	static const char *const sent[] = {"Sent:",  "Sent :", "Date:", "送信日時:",
					   "送信日時 :", "日付:", "日時:", NULL};
	static const char *const near[] = {"対出人:", "過信者:", "昨付:", "Fr0m:", "S ent:",
					   "fR:", "F", "D", "dATE:", "sENT :", "FROM:", "da"};
	size_t i, k;
	const char *const *key;

	for (key = from; *key; key++)
		for (k = 1; k <= strlen(*key); k++) {
			char *f = g_strndup(*key, k);

			if (g_utf8_validate(f, -1, NULL)) {
				check_keys(f, "Sent:", from, sent);
				for (i = 0; f[i]; i++) /* the other case */
					f[i] = g_ascii_isupper(f[i]) ? g_ascii_tolower(f[i])
								    : g_ascii_toupper(f[i]);
				check_keys(f, "sent:", from, sent);
			}
			g_free(f);
		}
	for (key = sent; *key; key++)
		for (k = 1; k <= strlen(*key); k++) {
			char *s = g_strndup(*key, k);

			if (g_utf8_validate(s, -1, NULL))
				check_keys("From:", s, from, sent);
			g_free(s);
		}
	for (i = 0; i < G_N_ELEMENTS(near); i++) {
		check_keys(near[i], "Sent:", from, sent);
		check_keys("差出人:", near[i], from, sent);
	}
	/* separators: "--" or "==" first, then a separator's words */
	check("New.\n\n===== Original Message =====\nOld text.\n", "New.", "Old text");
	check("New.\n\n-----Original Message-----\nOld text.\n", "New.", "Old text");
	check("New.\n\n=-=- Original Message -=-=\nOld text.\n", "Old text", NULL);
	check("New.\n\n-=-= Original Message =-=-\nOld text.\n", "Old text", NULL);
	check("New.\n\n= Original Message =\nOld text.\n", "Old text", NULL);
}

static void test_empty(void)
{
	char *n = nt_plain("");

	g_assert_cmpstr(n, ==, "");
	g_free(n);
	g_assert_cmpuint(hist_plain(""), ==, 0);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/quote/gt_lines", test_gt_lines);
	g_test_add_func("/quote/outlook_separators", test_outlook_separators);
	g_test_add_func("/quote/header_blocks", test_header_blocks);
	g_test_add_func("/quote/attributions", test_attributions);
	g_test_add_func("/quote/signature", test_signature);
	g_test_add_func("/quote/html", test_html);
	g_test_add_func("/quote/iso2022jp", test_iso2022jp);
	g_test_add_func("/quote/garbage", test_garbage);
	g_test_add_func("/quote/empty", test_empty);
	g_test_add_func("/quote/runs", test_runs);
	g_test_add_func("/quote/key_prefixes", test_key_prefixes);
	return g_test_run();
}
