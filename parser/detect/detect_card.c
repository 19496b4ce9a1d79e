/*
 * detect_card.c - credit card numbers and the Japanese individual number
 * (マイナンバー) in a folded view.
 *
 * One pass over the text finds "clusters": digit groups joined by single
 * spaces or hyphens.  Within a cluster, candidates are runs of groups with
 * one consistent separator, 13-19 digits (cards) or 12 digits in 4-4-4 or
 * one group (My Number), not glued to ASCII identifier characters (letters,
 * '_', '.' between alphanumerics, longer digit runs).  Japanese text around
 * a number is not glue.  Cards need Luhn and a known issuer range and are
 * never the message's SR numbers (keywords or an expiry date nearby only
 * raise the confidence); My Number needs its check digit and a keyword nearby.
 * A card in space-separated groups may be wrapped at one of its spaces: by
 * format=flowed (the line ends with a space) or by the mailer's plain-text
 * wrap (a line of WRAP_LINE_MIN bytes or more); wrapped_cards() looks at each
 * line break with digits on both sides and takes only candidates of three or
 * more groups that cross it.  Full-width digits joined by ー (an IME's
 * hyphen) and groups separated by two spaces (copied from a PDF) count too.
 *
 * Untrusted input: the view.  Limits: CLUSTER_MAX_GROUPS groups per cluster
 * (a longer cluster is cut into consecutive clusters: still linear), the
 * keyword window from the configuration, max_hits; WRAP_SIDE_MAX bytes each
 * side of a line break.
 */
#include "detect_int.h"

#include "sr.h"

#define CLUSTER_MAX_GROUPS 16
#define GROUP_MAX_DIGITS 19
#define SEP_GROUP_MIN 3 /* digits in a group when a number is written in groups */
#define SEP_GROUP_MAX 8
#define EXPIRY_WINDOW 60 /* bytes after a card searched for MM/YY */
#define WRAP_LINE_MIN 50 /* a line this long before a break may have been wrapped */
#define WRAP_SIDE_MAX 48 /* bytes of digits and spaces taken each side of a break */

typedef struct cluster {
	size_t start[CLUSTER_MAX_GROUPS], end[CLUSTER_MAX_GROUPS];
	char sep[CLUSTER_MAX_GROUPS]; /* separator after group k ('\0' for the last) */
	unsigned n;
} cluster;

static bool is_d(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident(char c)
{
	return g_ascii_isalnum(c) || c == '_';
}

/* Is the text before position s glue (part of an ASCII identifier)? */
static bool glued_left(const char *t, size_t s)
{
	if (s == 0)
		return false;
	if (is_ident(t[s - 1]))
		return true;
	return t[s - 1] == '.' && s >= 2 && g_ascii_isalnum(t[s - 2]);
}

static bool glued_right(const char *t, size_t len, size_t e)
{
	if (e >= len)
		return false;
	if (is_ident(t[e]))
		return true;
	return t[e] == '.' && e + 1 < len && g_ascii_isalnum(t[e + 1]);
}

/* Two spaces and a digit at p: groups copied from a PDF ("4111  1111  ..."). */
static bool double_space(const char *t, size_t len, size_t p)
{
	return p + 2 < len && t[p] == ' ' && t[p + 1] == ' ' && is_d(t[p + 2]);
}

/* Groups from position p (a digit); returns the position after the cluster. */
static size_t parse_cluster(const char *t, size_t len, size_t p, cluster *c)
{
	c->n = 0;
	while (c->n < CLUSTER_MAX_GROUPS) {
		size_t s = p;

		while (p < len && is_d(t[p]))
			p++;
		c->start[c->n] = s;
		c->end[c->n] = p;
		c->sep[c->n] = '\0';
		c->n++;
		if (p + 1 < len && (t[p] == ' ' || t[p] == '-') && is_d(t[p + 1]) &&
		    c->n < CLUSTER_MAX_GROUPS) {
			c->sep[c->n - 1] = t[p];
			p++;
			continue;
		}
		if (double_space(t, len, p) && c->n < CLUSTER_MAX_GROUPS) {
			c->sep[c->n - 1] = 'D';
			p += 2;
			continue;
		}
		break;
	}
	return p;
}

/*
 * The digits of the cluster at p, grouped exactly as parse_cluster does,
 * without recording the groups: most clusters (dates, times, addresses,
 * build numbers) are too short to hold a candidate.  Returns its end.
 */
static size_t cluster_digits(const char *t, size_t len, size_t p, size_t *digits)
{
	unsigned n = 0;
	size_t d = 0;

	for (;;) {
		size_t s = p;

		while (p < len && is_d(t[p]))
			p++;
		d += p - s;
		n++;
		if (n < CLUSTER_MAX_GROUPS && p + 1 < len && (t[p] == ' ' || t[p] == '-') &&
		    is_d(t[p + 1])) {
			p++;
			continue;
		}
		if (n < CLUSTER_MAX_GROUPS && double_space(t, len, p)) {
			p += 2;
			continue;
		}
		break;
	}
	*digits = d;
	return p;
}

/* Digits of groups a..b into out (at most 19 + NUL); 0 if not a candidate shape.
 * relaxed: any group sizes and separators (HTML that splits a number with tags
 * or comments joins some groups and not others: "4111<span>1111</span>1111
 * 1111"; a typed "4111-1111 1111-1111"). */
static size_t collect(const char *t, const cluster *c, unsigned a, unsigned b, char *out,
		      size_t max, bool relaxed)
{
	size_t n = 0;
	unsigned k;

	for (k = a; k <= b; k++) {
		size_t gl = c->end[k] - c->start[k];

		if (gl > GROUP_MAX_DIGITS || n + gl > max)
			return 0;
		if (a != b && !relaxed && (gl < (k == b ? 2u : SEP_GROUP_MIN) || gl > SEP_GROUP_MAX))
			return 0; /* a last group of two: Diners Club written 4-4-4-2 */
		if (k > a && c->sep[k - 1] != c->sep[a] && !relaxed)
			return 0;
		memcpy(out + n, t + c->start[k], gl);
		n += gl;
	}
	out[n] = '\0';
	return n;
}

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

static bool is_sr(const sm_scan_ctx *ctx, const sm_view *v, size_t s, size_t e,
		  const char *d, size_t n)
{
	const char *const *sr;

	if (n != 16 && n != 19)
		return false;
	for (sr = ctx->sr_numbers; sr && *sr; sr++)
		if (strlen(*sr) == 16 && memcmp(*sr, d, 16) == 0)
			return true;
	return ctx->sr && sm_sr_is_sr_at(ctx->sr, v->text, v->len, s, e, ctx->now);
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

/* Longest card of groups a..b, b from the last group down to min_b; -1 if
 * none.  relaxed (any group sizes) needs a card keyword nearby. */
static int card_span(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, const cluster *c,
		     unsigned a, unsigned min_b, bool relaxed, det_out *out)
{
	const char *t = v->text;
	char d[GROUP_MAX_DIGITS + 1];
	int b;

	for (b = (int)c->n - 1; b >= (int)min_b; b--) {
		size_t n = collect(t, c, a, (unsigned)b, d, GROUP_MAX_DIGITS, relaxed);
		size_t s = c->start[a], e = c->end[b];
		bool kw;

		if (n < 13 || ((unsigned)b == c->n - 1 && glued_right(t, v->len, e)))
			continue;
		if (!det_luhn(d, n) || !issuer_ok(d, n) || is_sr(ctx, v, s, e, d, n))
			continue;
		kw = det_keyword_near(dt, t, v->len, s, e);
		if (relaxed && !kw)
			continue;
		det_emit(out, s, e, SM_MASK_DIGITS_KEEP4,
			 kw || expiry_after(t, v->len, e) ? 90 : 60);
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

/* Longest card starting at group a and ending at group min_b or later;
 * returns the last group used, or -1. */
static int card_at(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, const cluster *c,
		   unsigned a, unsigned min_b, det_out *out)
{
	int b;

	if (a == 0 && glued_left(v->text, c->start[0]))
		return -1;
	b = card_span(dt, v, ctx, c, a, min_b, false, out);
	if (b < 0 && c->n > a + 1)
		b = card_span(dt, v, ctx, c, a, a + 1 > min_b ? a + 1 : min_b, true, out);
	if (b < 0 && min_b == a)
		b = card_glued(dt, v, ctx, c, a, out);
	return b;
}

/* Groups a..b joined to a neighbour group by their own separator ('-' for a
 * single group): part of a longer number such as a card, not a My Number. */
static bool joined(const cluster *c, unsigned a, unsigned b)
{
	char s = b > a ? c->sep[a] : '-';

	return (a > 0 && c->sep[a - 1] == s) || (b + 1 < c->n && c->sep[b] == s);
}

static int mynumber_at(const det *dt, const sm_view *v, const cluster *c, unsigned a,
		       det_out *out)
{
	const char *t = v->text;
	char d[GROUP_MAX_DIGITS + 1];
	unsigned b;

	if (a == 0 && glued_left(t, c->start[0]))
		return -1;
	for (b = a; b < c->n && b < a + 3; b++) {
		size_t n = collect(t, c, a, b, d, 12, false);
		size_t s = c->start[a], e = c->end[b];

		if (n != 12 || (b != a && b != a + 2) || (b == c->n - 1 && glued_right(t, v->len, e)))
			continue;
		if (b != a && (c->end[a] - c->start[a] != 4 || c->end[b] - c->start[b] != 4))
			continue;
		if (joined(c, a, b))
			continue;
		if (!det_mynumber_valid(d) ||
		    !det_keyword_near(dt, t, v->len, s, e))
			continue;
		det_emit(out, s, e, SM_MASK_ALL, 90);
		return (int)b;
	}
	return -1;
}

/* Next ASCII digit at or after p (len if none): eight bytes at a time. */
static size_t next_digit(const char *t, size_t len, size_t p)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;

	while (p + 8 <= len) {
		uint64_t x, y, lo, hi;

		memcpy(&x, t + p, 8);
		y = x & ~highs;                /* 7 bits per byte: the additions cannot carry */
		lo = y + ones * (0x80 - 0x30); /* high bit set where byte >= '0' */
		hi = y + ones * (0x80 - 0x3a); /* high bit set where byte > '9' */
		if ((lo & ~hi & ~x & highs) != 0)
			break;
		p += 8;
	}
	while (p < len && !is_d(t[p]))
		p++;
	return p;
}

/*
 * Runs of bytes from ' ' to '9' (digits, space, '-' and the punctuation
 * between them).  A cluster is made of digits, ' ' and '-' only, so one with
 * `need` digits lies in such a run of at least `need` bytes: shorter runs
 * (dates, times, words and their spaces, Japanese text: none) are skipped
 * eight bytes at a time without looking at their digits.
 */
static uint64_t run_bytes(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t y = x & ~highs; /* 7 bits per byte: the additions cannot carry */

	/* high bit set where ' ' <= byte <= '9' */
	return (y + ones * (0x80 - 0x20)) & ~(y + ones * (0x80 - 0x3a)) & ~x & highs;
}

static bool run_byte(char c)
{
	return c >= ' ' && c <= '9';
}

/* Start of the next run of at least `need` run bytes at or after p (len if
 * none); p is 0 or just after a run.  The run ends at *end. */
static size_t next_run(const char *t, size_t len, size_t p, size_t need, size_t *end)
{
	size_t run = 0, s; /* run: run bytes just before p */
	bool found = false;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (!found && p + 8 <= len) {
		uint64_t x, other;

		memcpy(&x, t + p, 8);
		other = ~run_bytes(x) & 0x8080808080808080ULL;
		if (!other) {
			run += 8;
			p += 8;
			found = run >= need;
		} else if (run + (size_t)__builtin_ctzll(other) / 8 >= need) {
			found = true; /* the run goes on into this word far enough */
		} else {
			run = (size_t)__builtin_clzll(other) / 8; /* the run at the word's end */
			p += 8;
		}
	}
#endif
	for (; !found && p < len; p++) { /* the last bytes, one by one */
		run = run_byte(t[p]) ? run + 1 : 0;
		found = run >= need;
	}
	if (!found) {
		*end = len;
		return len;
	}
	s = p - run;
	for (p = s; p < len && run_byte(t[p]); p++)
		;
	*end = p;
	return s;
}

/* Clusters of one run [p, end) with at least `need` digits in total. */
static void walk_run(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, bool card,
		     size_t p, size_t end, det_out *out)
{
	const char *t = v->text;
	cluster c;

	while (p < end && !out->full) {
		size_t total, ce;
		unsigned a;

		p = next_digit(t, end, p);
		if (p >= end)
			break;
		ce = cluster_digits(t, v->len, p, &total);
		if (total < (card ? 13u : 12u)) {
			p = ce;
			continue;
		}
		p = parse_cluster(t, v->len, p, &c);
		for (a = 0; a < c.n && !out->full; a++) {
			int b = card ? card_at(dt, v, ctx, &c, a, a, out) : mynumber_at(dt, v, &c, a, out);

			if (b >= 0)
				a = (unsigned)b;
		}
	}
}

/* Walk the runs that can hold a candidate. */
static int walk(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, bool card,
		det_out *out)
{
	size_t p = 0, end, s;

	while (p < v->len && !out->full) {
		s = next_run(v->text, v->len, p, card ? 13 : 12, &end);
		if (s >= v->len)
			break;
		walk_run(dt, v, ctx, card, s, end, out);
		p = end;
	}
	return out->full ? 1 : 0;
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

/* A card wrapped at the line break at nl (see the header). */
static void wrapped_at(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, size_t nl,
		       det_out *out)
{
	const char *t = v->text;
	size_t le = nl, ls, rs = nl + 1, re = nl + 1;
	cluster c;
	unsigned left, a;

	if (le > 0 && t[le - 1] == '\r')
		le--;
	if (le > 0 && t[le - 1] == ' ')
		le--; /* format=flowed: a soft break */
	else if (le < WRAP_LINE_MIN || memchr(t + le - WRAP_LINE_MIN, '\n', WRAP_LINE_MIN))
		return; /* a short line was not wrapped by the mailer */
	if (le == 0 || !is_d(t[le - 1]) || rs >= v->len || !is_d(t[rs]))
		return;
	ls = groups_left(t, le);
	while (re < v->len && re - rs < WRAP_SIDE_MAX &&
	       (is_d(t[re]) || (t[re] == ' ' && re + 1 < v->len && is_d(t[re + 1]))))
		re++;
	if (re < v->len && (t[re] == '-' || (t[re] == ' ' && re + 1 < v->len && is_d(t[re + 1]))))
		return; /* hyphens, or longer than the window: not a plain grouped number */
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

		if (min_b < c.n && card_at(dt, v, ctx, &c, a, min_b, out) >= 0)
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
		int b = card_at(dt, v, ctx, &c, a, a + 1, out);

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
static void wrapped_cards(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, det_out *out)
{
	const char *p = v->text, *end = v->text + v->len, *nl;

	while (p < end && !out->full && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (nl + 1 < end && is_d(nl[1]))
			wrapped_at(dt, v, ctx, (size_t)(nl - v->text), out);
		p = nl + 1;
	}
}

int det_scan_card(const det *d, const sm_view *v, const sm_scan_ctx *ctx, det_out *out)
{
	int rc = walk(d, v, ctx, true, out);

	if (!out->full)
		wrapped_cards(d, v, ctx, out);
	if (!out->full)
		choon_cards(d, v, ctx, out);
	return out->full ? 1 : rc;
}

int det_scan_mynumber(const det *d, const sm_view *v, det_out *out)
{
	/* a My Number needs a keyword: most texts have none, skip the digit walk
	 * (the prefilter pass looked for the keywords) */
	if (!out->mn_kw)
		return 0;
	return walk(d, v, NULL, false, out);
}
