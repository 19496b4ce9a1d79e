/*
 * detect_card.c - credit card numbers in a folded view.
 *
 * Candidates come from the digit-cluster walker (detect_digits.c): within a
 * cluster, runs of groups with one consistent separator, 13-19 digits, not
 * glued to ASCII identifier characters (letters, '_', '.' between
 * alphanumerics, longer digit runs).  Japanese text around a number is not
 * glue.  Cards need Luhn and a known issuer range and are never the
 * message's SR numbers (keywords or an expiry date nearby only raise the
 * confidence); a 16-digit run whose first six digits are a date, just after
 * case wording (ケース, お問い合わせ, case, SR, ticket), is an SR reference.
 * A number standing alone as a whole cluster in irregular groups (12+4,
 * 4-4-4-2-2: OCR, web forms) is a card without a keyword.  A card in
 * space-separated groups may be wrapped at one of its spaces: by
 * format=flowed (the line ends with a space), by the mailer's plain-text
 * wrap (a line of WRAP_LINE_MIN bytes or more), or right after a card
 * keyword on a short line;
 * wrapped_cards() looks at each line break with digits on both sides and
 * takes only candidates of three or more groups that cross it.  Full-width
 * digits joined by ー (an IME's hyphen) and groups separated by two spaces
 * (copied from a PDF) count too.
 *
 * Untrusted input: the view.  Limits: the keyword window from the
 * configuration, max_hits; WRAP_SIDE_MAX bytes each side of a line break.
 */
#include "detect_digits.h"

#include "sr.h"

#define EXPIRY_WINDOW 60 /* bytes after a card searched for MM/YY */
#define CASE_WINDOW 48   /* bytes before a number searched for case wording */
#define CASE_GAP 16      /* at most this between the wording and the number ("番号：") */
#define KW_WRAP_WINDOW 24 /* bytes between a card keyword and a number wrapped after it */
#define WRAP_LINE_MIN 50 /* a line this long before a break may have been wrapped */
#define WRAP_SIDE_MAX 48 /* bytes of digits and spaces taken each side of a break */

static unsigned prefix(const char *d, unsigned n)
{
	unsigned v = 0, i;

	for (i = 0; i < n; i++)
		v = v * 10 + (unsigned)(d[i] - '0');
	return v;
}

/* Known issuer ranges and their lengths. */
static bool issuer_ok(const char *d, size_t n)
{
	unsigned p2 = prefix(d, 2), p3 = prefix(d, 3), p4 = prefix(d, 4), p6 = prefix(d, 6);

	if (d[0] == '4')
		return n == 13 || n == 16 || n == 19; /* Visa */
	if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
		return n == 16; /* Mastercard */
	if (p2 == 34 || p2 == 37)
		return n == 15; /* American Express */
	if (p4 >= 3528 && p4 <= 3589)
		return n >= 16 && n <= 19; /* JCB */
	if ((p3 >= 300 && p3 <= 305) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39)
		return n >= 14 && n <= 19; /* Diners Club */
	if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || (p6 >= 622126 && p6 <= 622925))
		return n >= 16 && n <= 19; /* Discover */
	if (p2 == 62)
		return n >= 16 && n <= 19; /* UnionPay */
	return false;
}

/* The first six digits are a date (YYMMDD, 20YY) not after now (when known):
 * the shape of an SR number. */
static bool date_shaped(const char *d, time_t now)
{
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y = prefix(d, 2), m = prefix(d + 2, 2), dd = prefix(d + 4, 2);

	if (m < 1 || m > 12 || dd < 1 || dd > mdays[m - 1] || (m == 2 && dd == 29 && y % 4))
		return false;
	if (now > 0) {
		struct tm tm;
		time_t t = now + 86400;

		gmtime_r(&t, &tm);
		if (2000 + y > (unsigned)tm.tm_year + 1900)
			return false;
	}
	return true;
}

/* Case wording just before a number on its line (ケース番号: x, see case x,
 * お問い合わせ番号 x, TrackingID#x, 別件（SR x）): an SR written as SRs are
 * (16 digits in one run, a date first) refers to a support case. */
static bool case_words_before(const char *t, size_t s)
{
	static const char *const words[] = {
		"case", "sr", "ticket", "incident", "tracking", "request", "reference",
		"ケース", "問い合わせ", "問合せ", "チケット", "インシデント", "案件", "受付番号",
		"サポート", NULL};
	size_t ls = s;

	while (ls > 0 && t[ls - 1] != '\n' && s - ls < CASE_WINDOW)
		ls--;
	for (const char *const *w = words; *w; w++) {
		size_t n = strlen(*w);

		for (size_t i = ls; i + n <= s; i++)
			if (g_ascii_tolower(t[i]) == g_ascii_tolower(**w) && /* most stop here */
			    g_ascii_strncasecmp(t + i, *w, n) == 0 && s - (i + n) <= CASE_GAP &&
			    (n > 2 || i == ls || !g_ascii_isalpha(t[i - 1])))
				return true;
	}
	return false;
}

static bool is_sr(const sm_scan_ctx *ctx, const sm_view *v, size_t s, size_t e,
		  const char *d, size_t n)
{
	const char *const *sr;

	if (n != 16 && n != 19)
		return false;
	for (sr = ctx->sr_numbers; sr && *sr; sr++)
		if (strlen(*sr) == 16 && memcmp(*sr, d, 16) == 0)
			return true;
	if (n == 16 && !date_shaped(d, ctx->now))
		return false; /* an SR starts with its date: no need to ask the SR rules */
	if (ctx->sr && sm_sr_is_sr_at(ctx->sr, v->text, v->len, s, e, ctx->now))
		return true;
	return n == 16 && e - s == 16 && case_words_before(v->text, s);
}

/* An expiry date (MM/YY, MM/YYYY) within EXPIRY_WINDOW bytes after the number. */
static bool expiry_after(const char *t, size_t len, size_t e)
{
	size_t i, lim = len - e > EXPIRY_WINDOW ? e + EXPIRY_WINDOW : len;

	for (i = e; i + 5 <= lim; i++) {
		const char *p = t + i;
		bool month = (p[0] == '0' && p[1] >= '1' && p[1] <= '9') ||
			     (p[0] == '1' && p[1] >= '0' && p[1] <= '2');

		if (month && p[2] == '/' && is_d(p[3]) && is_d(p[4]) && (i == 0 || !is_d(p[-1])) &&
		    (i + 5 == len || !is_d(p[5]) ||
		     (i + 7 <= len && is_d(p[5]) && is_d(p[6]) && (i + 7 == len || !is_d(p[7])))))
			return true;
	}
	return false;
}

/* The words that name a card's security code, in the order they are
 * preferred (the first of them that occurs after the card is taken); the
 * switch in det_cvv_word knows which start with which byte. */
#define W(s) {s, sizeof(s) - 1}
static const struct {
	const char *w;
	size_t len;
} cvv_words[] = {W("セキュリティコード"), W("CVV2"), W("CVV"), W("CVC"), W("cvv"), W("cvc"),
		 W("security code"), W("Security code"), W("Security Code")};
#undef W
#define N_CVV_WORDS G_N_ELEMENTS(cvv_words)

size_t det_cvv_word(const char *t, size_t from, size_t lim, size_t *at)
{
	size_t first[N_CVV_WORDS], i, j;

	for (j = 0; j < N_CVV_WORDS; j++)
		first[j] = lim;
	/* one pass: the first place of each word (as memmem finds it), then
	 * the first word in the list's order that has one */
	for (i = from; i < lim; i++) {
		size_t lo, hi; /* the words starting with t[i]: [lo, hi) of the list */

		switch ((unsigned char)t[i]) {
		case 0xe3:
			lo = 0, hi = 1;
			break;
		case 'C':
			lo = 1, hi = 4;
			break;
		case 'c':
			lo = 4, hi = 6;
			break;
		case 's':
			lo = 6, hi = 7;
			break;
		case 'S':
			lo = 7, hi = 9;
			break;
		default:
			continue;
		}
		for (j = lo; j < hi; j++)
			if (first[j] == lim && cvv_words[j].len <= lim - i &&
			    memcmp(t + i, cvv_words[j].w, cvv_words[j].len) == 0)
				first[j] = i;
		if (first[0] < lim)
			break; /* the first word wins wherever the others are */
	}
	for (j = 0; j < N_CVV_WORDS; j++)
		if (first[j] < lim) {
			*at = first[j];
			return cvv_words[j].len;
		}
	return 0;
}

/* The security code written after a card (within EXPIRY_WINDOW bytes):
 * セキュリティコード, CVV, CVC, CVV2, security code, then a separator and 3 or 4
 * digits standing alone.  It is as confidential as the number. */
static void cvv_after(const char *t, size_t len, size_t e, det_out *out)
{
	size_t lim = len - e > EXPIRY_WINDOW + 16 ? e + EXPIRY_WINDOW + 16 : len;
	size_t at, wl = det_cvv_word(t, e, lim, &at), p, s;

	if (!wl)
		return;
	p = at + wl;
	while (p < lim && (t[p] == ' ' || t[p] == ':' || t[p] == '=' || t[p] == '\t'))
		p++;
	for (s = p; p < lim && is_d(t[p]); p++)
		;
	if (p - s >= 3 && p - s <= 4 && (p >= len || !g_ascii_isalnum(t[p])))
		det_emit(out, s, p, SM_MASK_ALL, 90);
}

/* Longest card of groups a..b, b from the last group down to min_b; -1 if
 * none.  relaxed (any group sizes) needs a card keyword nearby. */
static int card_span(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, const cluster *c,
		     unsigned a, unsigned min_b, bool relaxed, det_out *out)
{
	const char *t = v->text;
	char d[GROUP_MAX_DIGITS + 1];
	int b;

	for (b = (int)c->n - 1; b >= (int)min_b; b--) {
		size_t n = det_collect(t, c, a, (unsigned)b, d, GROUP_MAX_DIGITS, relaxed);
		size_t s = c->start[a], e = c->end[b];
		bool kw;

		if (n < 13 || ((unsigned)b == c->n - 1 && det_glued_right(t, v->len, e)))
			continue;
		if (!det_luhn(d, n) || !issuer_ok(d, n) || is_sr(ctx, v, s, e, d, n))
			continue;
		kw = det_keyword_near(dt, t, v->len, s, e);
		if (relaxed && !kw)
			continue;
		det_emit(out, s, e, SM_MASK_DIGITS_KEEP4,
			 kw || expiry_after(t, v->len, e) ? 90 : 60);
		cvv_after(t, v->len, e, out);
		return b;
	}
	return -1;
}

/*
 * A card followed by more digits with no separator, where a card keyword is
 * near ("カード番号: 4111111111111111202411", the expiry typed on):
 * the first 16, 15, 14 or 13 digits of groups a.. (at most GLUED_MAX digits
 * in all) when they are a valid card.  Returns the last group touched, or -1.
 */
#define GLUED_MAX 24
static int card_glued(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, const cluster *c,
		      unsigned a, det_out *out)
{
	static const unsigned lens[] = {16, 15, 14, 13};
	const char *t = v->text;
	char d[GLUED_MAX + 1];
	size_t pos[GLUED_MAX], n = 0;
	unsigned k, last = a;

	for (k = a; k < c->n && n < GLUED_MAX; k++) {
		for (size_t p = c->start[k]; p < c->end[k] && n < GLUED_MAX; p++) {
			d[n] = t[p];
			pos[n++] = p;
		}
		last = k;
	}
	if (n <= 13 || !det_keyword_near(dt, t, v->len, c->start[a], pos[n - 1] + 1))
		return -1;
	for (k = 0; k < G_N_ELEMENTS(lens); k++) {
		size_t L = lens[k];

		if (n <= L || !is_d(t[pos[L - 1] + 1]) || !det_luhn(d, L) || !issuer_ok(d, L) ||
		    is_sr(ctx, v, pos[0], pos[L - 1] + 1, d, L))
			continue; /* glued means the next byte is a digit of the same group */
		det_emit(out, pos[0], pos[L - 1] + 1, SM_MASK_DIGITS_KEEP4, 90);
		return (int)last;
	}
	return -1;
}

/*
 * A number standing alone in irregular groups (12+4, 4-4-4-2-2: OCR output,
 * web forms): the whole cluster, one separator throughout, a first group of
 * four digits or more, no group under two; Luhn, issuer and length as ever,
 * no keyword needed.
 */
static int card_irregular(const sm_view *v, const sm_scan_ctx *ctx, const cluster *c,
			  det_out *out)
{
	const char *t = v->text;
	char d[GROUP_MAX_DIGITS + 1];
	unsigned k, last = c->n - 1;
	size_t n, s = c->start[0], e = c->end[last];

	if (c->end[0] - c->start[0] < 4 || det_glued_right(t, v->len, e))
		return -1;
	for (k = 0; k <= last; k++)
		if (c->end[k] - c->start[k] < 2 || (k < last && c->sep[k] != c->sep[0]))
			return -1;
	n = det_collect(t, c, 0, last, d, GROUP_MAX_DIGITS, true);
	if (n < 13 || !det_luhn(d, n) || !issuer_ok(d, n) || is_sr(ctx, v, s, e, d, n))
		return -1;
	det_emit(out, s, e, SM_MASK_DIGITS_KEEP4, 60);
	return (int)last;
}

/* Longest card starting at group a and ending at group min_b or later;
 * returns the last group used, or -1. */
int det_card_at(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, const cluster *c,
		unsigned a, unsigned min_b, det_out *out)
{
	int b;

	if (a == 0 && det_glued_left(v->text, c->start[0]))
		return -1;
	b = card_span(dt, v, ctx, c, a, min_b, false, out);
	if (b < 0 && c->n > a + 1)
		b = card_span(dt, v, ctx, c, a, a + 1 > min_b ? a + 1 : min_b, true, out);
	if (b < 0 && a == 0 && c->n > 1 && min_b < c->n)
		b = card_irregular(v, ctx, c, out);
	if (b < 0 && min_b == a)
		b = card_glued(dt, v, ctx, c, a, out);
	return b;
}

/* Space-separated groups ending at e (exclusive), at most WRAP_SIDE_MAX bytes
 * back: their start (e if none). */
static size_t groups_left(const char *t, size_t e)
{
	size_t s = e;

	while (s > 0 && e - s < WRAP_SIDE_MAX &&
	       (is_d(t[s - 1]) || (t[s - 1] == ' ' && s >= 2 && is_d(t[s - 2]) && s < e)))
		s--;
	return s;
}

/* The groups of [s, e) (digits and single spaces) appended to c. */
static void add_groups(const char *t, size_t s, size_t e, cluster *c)
{
	unsigned n = c->n;

	while (s < e && n < CLUSTER_MAX_GROUPS) {
		size_t g = s;

		while (g < e && is_d(t[g]))
			g++;
		c->start[n] = s;
		c->end[n] = g;
		c->sep[n] = ' ';
		n++;
		s = g + 1;
	}
	c->n = n;
}

/* A card keyword ends within KW_WRAP_WINDOW bytes before s on its line: a
 * number split over two lines right after it is one number. */
static bool keyword_just_before(const det *dt, const char *t, size_t s)
{
	size_t ls = s;

	while (ls > 0 && t[ls - 1] != '\n' && s - ls < KW_WRAP_WINDOW)
		ls--;
	return ls < s && det_keyword_near(dt, t + ls, s - ls, s - ls, s - ls);
}

/* The line ending at le is too short to have been wrapped by a mailer, and
 * no card keyword ends just before the number that ends it. */
static bool short_line(const det *dt, const char *t, size_t le)
{
	return (le < WRAP_LINE_MIN || memchr(t + le - WRAP_LINE_MIN, '\n', WRAP_LINE_MIN)) &&
	       !keyword_just_before(dt, t, groups_left(t, le));
}

/* A card wrapped at the line break at nl (see the header). */
static void wrapped_at(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, size_t nl,
		       det_out *out, bool plain)
{
	const char *t = v->text;
	size_t le = nl, ls, rs = nl + 1, re = nl + 1;
	cluster c;
	unsigned left, a;
	bool soft = false;

	if (le > 0 && t[le - 1] == '\r')
		le--;
	if (le > 0 && t[le - 1] == ' ') {
		le--; /* format=flowed: a soft break */
		soft = true;
	}
	/* a short line was not wrapped by the mailer (nor split after "カード
	 *番号:"); the tests below are as pure, and cheaper: they go first, but
	 * for the plain reading (det_scan_card_plain, the order they were in) */
	if (plain && !soft && short_line(dt, t, le))
		return;
	if (le == 0 || !is_d(t[le - 1]) || rs >= v->len || !is_d(t[rs]))
		return;
	while (re < v->len && re - rs < WRAP_SIDE_MAX &&
	       (is_d(t[re]) || (t[re] == ' ' && re + 1 < v->len && is_d(t[re + 1]))))
		re++;
	if (re < v->len && (t[re] == '-' || (t[re] == ' ' && re + 1 < v->len && is_d(t[re + 1]))))
		return; /* hyphens, or longer than the window: not a plain grouped number */
	if (!plain && !soft && short_line(dt, t, le))
		return;
	ls = groups_left(t, le);
	c.n = 0;
	add_groups(t, ls, le, &c);
	left = c.n;
	add_groups(t, rs, re, &c);
	if (left == 0 || c.n <= left)
		return;
	c.sep[c.n - 1] = '\0';
	/* groups a..b across the break, three at least (one real space) */
	for (a = 0; a < left && !out->full; a++) {
		unsigned min_b = a + 2 > left ? a + 2 : left;

		if (min_b < c.n && det_card_at(dt, v, ctx, &c, a, min_b, out) >= 0)
			break;
	}
}

#define CHOON "\xe3\x83\xbc" /* ー, U+30FC: an IME's hyphen between full-width digits */

/* Groups joined by ー around the one at p (a digit before it, a digit after). */
static size_t choon_at(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, size_t p,
		       det_out *out)
{
	const char *t = v->text;
	size_t s = p, e;
	cluster c;
	unsigned a;

	while (s > 0 && p - s < WRAP_SIDE_MAX && (is_d(t[s - 1]) ||
	       (s >= 4 && memcmp(t + s - 3, CHOON, 3) == 0 && is_d(t[s - 4]))))
		s -= is_d(t[s - 1]) ? 1 : 3;
	c.n = 0;
	for (e = s; e < v->len && c.n < CLUSTER_MAX_GROUPS;) {
		size_t g = e;

		while (g < v->len && is_d(t[g]))
			g++;
		c.start[c.n] = e;
		c.end[c.n] = g;
		c.sep[c.n++] = 'L';
		if (g + 3 < v->len && memcmp(t + g, CHOON, 3) == 0 && is_d(t[g + 3])) {
			e = g + 3;
			continue;
		}
		e = g;
		break;
	}
	c.sep[c.n - 1] = '\0';
	for (a = 0; a + 1 < c.n && !out->full; a++) {
		int b = det_card_at(dt, v, ctx, &c, a, a + 1, out);

		if (b >= 0)
			a = (unsigned)b;
	}
	return e;
}

/* Each ー between two digits. */
static void choon_cards(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, det_out *out)
{
	size_t p = 3; /* the last byte of a ー at p - 1 */

	/* memchr on its last byte (a rare continuation byte) is far cheaper
	 * than memmem on three bytes */
	while (p + 1 < v->len && !out->full) {
		const char *m = memchr(v->text + p, 0xbc, v->len - p - 1);
		size_t at;

		if (!m)
			break;
		at = (size_t)(m - v->text) - 2;
		if (memcmp(v->text + at, CHOON, 3) == 0 && at > 0 && is_d(v->text[at - 1]) &&
		    is_d(v->text[at + 3]))
			p = choon_at(dt, v, ctx, at, out) + 3;
		else
			p = at + 3;
	}
}

/* Each line break with a digit after it. */
static void wrapped_cards(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, det_out *out,
			  bool plain)
{
	const char *p = v->text, *end = v->text + v->len, *nl;

	while (p < end && !out->full && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (nl + 1 < end && is_d(nl[1]))
			wrapped_at(dt, v, ctx, (size_t)(nl - v->text), out, plain);
		p = nl + 1;
	}
}

static int scan_card(const det *d, const sm_view *v, const sm_scan_ctx *ctx, det_out *out,
		     bool plain)
{
	int rc = det_digits_walk(d, v, ctx, true, out);

	if (!out->full)
		wrapped_cards(d, v, ctx, out, plain);
	if (!out->full)
		choon_cards(d, v, ctx, out);
	return out->full ? 1 : rc;
}

int det_scan_card(const det *d, const sm_view *v, const sm_scan_ctx *ctx, det_out *out)
{
	return scan_card(d, v, ctx, out, false);
}

int det_scan_card_plain(const det *d, const sm_view *v, const sm_scan_ctx *ctx, det_out *out)
{
	return scan_card(d, v, ctx, out, true);
}
