/*
 * re.h - every PCRE2 match of the parser goes through sm_re_match, so that
 * (1) a result other than a match or no match (match, depth or heap limit,
 * no memory, JIT stack, bad UTF) is recorded as a failure of the scan in
 * progress, never taken for "no match" and silently delivered; and (2) the
 * scan's deadline can stop a pattern in the middle of a view.
 *
 * The scan in progress is a guard installed for the calling thread by the
 * scan's entry point (sm_re_guard_enter ... sm_re_guard_leave), found like
 * errno, so that the call sites deep in the detectors and rules keep their
 * arguments: sm_re_match takes exactly pcre2_match's.  Under a guard its
 * match context (limits, JIT stack, deadline callout) replaces the caller's;
 * with no guard, sm_re_match is pcre2_match with the caller's context.
 *
 * Mid-pattern deadline: a pattern compiled with SM_RE_WATCH (the
 * administrators' custom patterns) calls back at every item; every
 * SM_RE_TICKS callouts the clock is read, and past the deadline the match is
 * abandoned (recorded as expired, not as an error).  A built-in pattern is
 * bounded by the match limit per start position and the deadline between
 * calls.
 *
 * Ownership: the guard is the caller's (usually on the scan's stack);
 * sm_re_guard_clear gives its match context and JIT stack back to the
 * thread (or frees them, for a second guard at once).
 */
#ifndef SM_RE_H
#define SM_RE_H

#include <pcre2.h>
#include <stdbool.h>
#include <stdint.h>

/* Compile flag for patterns whose matching the deadline may interrupt. */
#define SM_RE_WATCH PCRE2_AUTO_CALLOUT
#define SM_RE_TICKS 1024
#define SM_RE_CALLS 64 /* matches between two readings of the clock */

typedef struct sm_re_limits {
	long long match_limit;  /* pcre2_set_match_limit and depth limit */
	long long heap_bytes;   /* pcre2_set_heap_limit (interpreter frames) */
	long long jit_stack;    /* bytes of the JIT stack */
	bool interpreter;       /* PCRE2_NO_JIT: the interpreter counts the limits
				   exactly (the tests force errors with it) */
} sm_re_limits;

typedef struct sm_re_guard {
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	uint32_t opts;          /* added to every match's options */
	int64_t deadline;       /* g_get_monotonic_time() microseconds; 0: none */
	unsigned ticks;         /* callouts since the clock was last read */
	unsigned calls;         /* matches since the clock was last read */
	int error;              /* the first PCRE2 error, 0 if none */
	unsigned errors;        /* how many matches ended in an error */
	bool expired;           /* the deadline passed */
	bool cached;            /* mctx and jit are the thread's, lent (re.c) */
} sm_re_guard;

/* A guard with these limits and deadline (0: none).  Never fails (GLib
 * aborts on out of memory; without a JIT stack the interpreter is used).
 * The match context and JIT stack are the thread's, kept from scan to scan
 * (no allocation and no mmap per message) and rebuilt when the JIT stack's
 * size changes; the limits are set anew at every init. */
void sm_re_guard_init(sm_re_guard *g, const sm_re_limits *lim, int64_t deadline);
void sm_re_guard_clear(sm_re_guard *g);
/* How many match contexts and JIT stacks this thread has built (tests). */
unsigned sm_re_guard_builds(void);

/* Install g for this thread; returns the guard it replaces (restore it with
 * sm_re_guard_leave).  A nested scan keeps the outer one: enter(NULL) is a
 * no-op returning the current guard. */
sm_re_guard *sm_re_guard_enter(sm_re_guard *g);
void sm_re_guard_leave(sm_re_guard *prev);
/* The guard of this thread, or NULL. */
sm_re_guard *sm_re_guard_current(void);

/* pcre2_match under the current guard: returns its result; an error is
 * recorded in the guard (and still returned: callers stop on < 0). */
int sm_re_match(const pcre2_code *re, PCRE2_SPTR subject, PCRE2_SIZE len, PCRE2_SIZE off,
		uint32_t opts, pcre2_match_data *md, pcre2_match_context *mctx);

/* Has the current guard's deadline passed?  (Reads the clock; false with no
 * guard or no deadline.)  For the scan's loops: between parts, windows,
 * detectors and archive members. */
bool sm_re_expired(void);

/* The text of a PCRE2 error code, into buf. */
void sm_re_error_text(int code, char *buf, size_t len);

#endif
