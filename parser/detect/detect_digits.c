/*
 * detect_digits.c - the digit-cluster walker shared by the card and My Number
 * detectors (detect_card.c, detect_mynumber.c).
 *
 * One pass over the text finds "clusters": digit groups joined by single
 * spaces or hyphens (or two spaces, as copied from a PDF).  Runs of bytes
 * that cannot hold enough digits are skipped eight bytes at a time; each
 * cluster long enough is handed group by group to det_card_at or
 * det_mynumber_at.  Glue: ASCII identifier characters ('_', letters, '.'
 * between alphanumerics, longer digit runs) around a number.
 *
 * Untrusted input: the view.  Limits: CLUSTER_MAX_GROUPS groups per cluster
 * (a longer cluster is cut into consecutive clusters: still linear), max_hits.
 */
#include "detect_digits.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

static bool is_ident(char c)
{
	return g_ascii_isalnum(c) || c == '_';
}

/* Is the text before position s glue (part of an ASCII identifier)? */
bool det_glued_left(const char *t, size_t s)
{
	if (s == 0)
		return false;
	if (is_ident(t[s - 1]))
		return true;
	return t[s - 1] == '.' && s >= 2 && g_ascii_isalnum(t[s - 2]);
}

bool det_glued_right(const char *t, size_t len, size_t e)
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
size_t det_collect(const char *t, const cluster *c, unsigned a, unsigned b, char *out,
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

#ifdef __SSE2__
/* Bit k set where t[k] is a run byte, for k < 16. */
static uint64_t run_mask16(const char *t)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)t);

	/* signed: bytes from 0x80 are negative, never above 0x1f */
	return (uint64_t)(unsigned)_mm_movemask_epi8(_mm_and_si128(
		_mm_cmpgt_epi8(x, _mm_set1_epi8(0x1f)), _mm_cmplt_epi8(x, _mm_set1_epi8(0x3a))));
}

/* Bit k set where t[k] is a run byte, for k < 64: four SSE2 compares,
 * written out (gcc -O2 kept the loop over the four, twice the work). */
static uint64_t run_mask64(const char *t)
{
	return run_mask16(t) | run_mask16(t + 16) << 16 | run_mask16(t + 32) << 32 |
	       run_mask16(t + 48) << 48;
}

/* Bit i set where bits i .. i + need - 1 of m are all set (need >= 1). */
static uint64_t runs_of(uint64_t m, size_t need)
{
	uint64_t x8;

	if (need > 64)
		return 0; /* longer than the block: the run carried in decides */
	if (need <= 8 || need > 16) {
		uint64_t r = m;

		for (size_t k = 1; k < need && r; k++)
			r &= m >> k;
		return r;
	}
	x8 = m & m >> 1;
	x8 &= x8 >> 2;
	x8 &= x8 >> 4; /* bits i .. i + 7 */
	return x8 & x8 >> (need - 8);
}
#endif

/* Start of the next run of at least `need` run bytes at or after p (len if
 * none); p is 0 or just after a run.  The run ends at *end. */
size_t det_next_run(const char *t, size_t len, size_t p, size_t need, size_t *end)
{
	size_t run = 0, s, e = 0; /* run: run bytes just before p; e: the run's end, once known */
	bool found = false;

#ifdef __SSE2__
	/* 64 bytes at a time: the run carried in, then a run inside the block;
	 * where the run ends inside the block, the mask tells its end too */
	while (!found && p + 64 <= len && need > 0) {
		uint64_t m = run_mask64(t + p), r;
		size_t lead = ~m ? (size_t)__builtin_ctzll(~m) : 64;

		if (run + lead >= need) {
			found = true; /* the run carried in reaches need: it starts at p - run */
			e = lead < 64 ? p + lead : 0;
		} else if ((r = runs_of(m, need)) != 0) {
			size_t b = (size_t)__builtin_ctzll(r), l = (size_t)__builtin_ctzll(~(m >> b));

			e = l < 64 - b ? p + b + l : 0; /* ~(m >> b) has ones from bit 64 - b */
			p += b; /* a run starts here (the bit before is clear) */
			run = 0;
			found = true;
		} else {
			run = lead == 64 ? run + 64 : (m >> 63 ? (size_t)__builtin_clzll(~m) : 0);
			p += 64;
		}
	}
#endif
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
	if (e) {
		*end = e;
		return s;
	}
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
			int b = card ? det_card_at(dt, v, ctx, &c, a, a, out)
				       : det_mynumber_at(dt, v, &c, a, out);

			if (b >= 0)
				a = (unsigned)b;
		}
	}
}

#ifdef __SSE2__
/* Bit k set where t[k] is an ASCII digit, for k < 16. */
static unsigned digit_mask16(const char *t)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)t);

	/* signed: bytes from 0x80 are negative, never above '/' */
	return (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
							 _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1))));
}
#endif

/* Bits set in a 16-bit mask, without the popcnt instruction (not in the
 * x86-64 baseline: __builtin_popcount becomes a libgcc call). */
static unsigned bits16(unsigned v)
{
	v = v - ((v >> 1) & 0x5555);
	v = (v & 0x3333) + ((v >> 2) & 0x3333);
	v = (v + (v >> 4)) & 0x0f0f;
	return (v + (v >> 8)) & 0x1f;
}

size_t det_run_digits(const char *t, size_t s, size_t e, size_t need)
{
	size_t n = 0;

#ifdef __SSE2__
	for (; e - s >= 16 && n < need; s += 16)
		n += bits16(digit_mask16(t + s));
	if (n < need && s < e && e >= 16) {
		/* the last bytes: the sixteen that end at e, those before s masked */
		n += bits16(digit_mask16(t + e - 16) >> (16 - (e - s)));
		s = e;
	}
#endif
	for (; s < e && n < need; s++)
		n += is_d(t[s]);
	return n < need ? n : need;
}

/* Walk the runs that can hold a candidate: a cluster lies in one run (its
 * bytes are digits, ' ' and '-'), so a run with fewer digits than a
 * candidate needs holds none (log time stamps: "2026-11-24 21" is a run of
 * 13 bytes with 10 digits). */
int det_digits_walk(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, bool card,
		    det_out *out)
{
	size_t p = 0, end, s, need = card ? 13 : 12;

	while (p < v->len && !out->full) {
		s = det_next_run(v->text, v->len, p, need, &end);
		if (s >= v->len)
			break;
		if (det_run_digits(v->text, s, end, need) >= need)
			walk_run(dt, v, ctx, card, s, end, out);
		p = end;
	}
	return out->full ? 1 : 0;
}

