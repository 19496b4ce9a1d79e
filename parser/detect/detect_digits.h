/*
 * detect_digits.h - internal to the digit detectors (detect_digits.c,
 * detect_card.c, detect_mynumber.c): the digit cluster they share.
 *
 * A cluster is a run of digit groups joined by single spaces, hyphens or
 * two spaces, at most CLUSTER_MAX_GROUPS groups (positions in view bytes).
 */
#ifndef SM_DETECT_DIGITS_H
#define SM_DETECT_DIGITS_H

#include "detect_int.h"

#define CLUSTER_MAX_GROUPS 16
#define GROUP_MAX_DIGITS 19
#define SEP_GROUP_MIN 3 /* digits in a group when a number is written in groups */
#define SEP_GROUP_MAX 8

typedef struct cluster {
	size_t start[CLUSTER_MAX_GROUPS], end[CLUSTER_MAX_GROUPS];
	char sep[CLUSTER_MAX_GROUPS]; /* separator after group k ('\0' for the last) */
	unsigned n;
} cluster;

static inline bool is_d(char c)
{
	return c >= '0' && c <= '9';
}

/* Is the text before s / from e glue (part of an ASCII identifier)? */
bool det_glued_left(const char *t, size_t s);
bool det_glued_right(const char *t, size_t len, size_t e);
/* Digits of groups a..b into out (at most max + NUL); 0 if not a candidate
 * shape (relaxed: any group sizes and separators). */
size_t det_collect(const char *t, const cluster *c, unsigned a, unsigned b, char *out,
		   size_t max, bool relaxed);
/* Start of the first run of at least need bytes from ' ' to '9' (digits,
 * space, '-' and the punctuation between) at or after p (p: 0 or just after
 * such a run), its end in *end; len (and *end = len) if none.  need >= 8
 * (an eight-byte step sees the runs at its ends only). */
size_t det_next_run(const char *t, size_t len, size_t p, size_t need, size_t *end);
/* The ASCII digits in t[s, e), counted up to need: min(count, need). */
size_t det_run_digits(const char *t, size_t s, size_t e, size_t need);
/* The first word naming a security code (CVV, セキュリティコード ...) in the
 * card detector's order of preference that occurs wholly in t[from, lim):
 * its length, its first place in *at; 0 if none (detect_card.c). */
size_t det_cvv_word(const char *t, size_t from, size_t lim, size_t *at);
/* Walk the clusters of v that can hold a card (card) or a My Number. */
int det_digits_walk(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, bool card,
		    det_out *out);

/* The candidate starting at group a (detect_card.c, detect_mynumber.c):
 * the last group used, or -1. */
int det_card_at(const det *dt, const sm_view *v, const sm_scan_ctx *ctx, const cluster *c,
		unsigned a, unsigned min_b, det_out *out);
int det_mynumber_at(const det *dt, const sm_view *v, const cluster *c, unsigned a,
		    det_out *out);

#endif
