/*
 * re.c - PCRE2 matches under the scan's guard (re.h): errors recorded as
 * failures, a JIT stack sized by a limit, and a deadline that reaches into
 * a running match through callouts.
 *
 * Untrusted input: none directly (subjects are the callers'); the guard's
 * limits (limits.regex_*, limits.scan_time_*) bound what one match costs.
 * Ownership: a thread's match context and JIT stack are kept from guard to
 * guard (guard_cache, freed when the thread ends) and lent to one guard at
 * a time; a second guard at once on the same thread gets its own, which
 * sm_re_guard_clear frees.  The per-thread pointer to the current guard and
 * that cache are the thread state here; the pointer is set and restored by
 * the scan entry point only.
 */
#include "re.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static _Thread_local sm_re_guard *current;

static int64_t now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static bool passed(sm_re_guard *g)
{
	if (!g->expired && g->deadline && now_us() >= g->deadline)
		g->expired = true;
	return g->expired;
}

/* Called at every item of a SM_RE_WATCH pattern: the clock every
 * SM_RE_TICKS calls, and a negative value abandons the match. */
static int watch(pcre2_callout_block *cb, void *ud)
{
	sm_re_guard *g = ud;

	(void)cb;
	if (++g->ticks < SM_RE_TICKS)
		return 0;
	g->ticks = 0;
	return passed(g) ? PCRE2_ERROR_CALLOUT : 0;
}

/* The match context and JIT stack a thread keeps from scan to scan, so that
 * a scan does not allocate them (the JIT stack is an mmap and a munmap) for
 * every message: built at the thread's first guard, the JIT stack again when
 * its size changes (a reloaded policy with another regex_jit_stack_bytes).
 * Everything else a guard sets (limits, callout) is set at every
 * sm_re_guard_init.  Freed when the thread ends. */
typedef struct guard_cache {
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	PCRE2_SIZE jit_size;
	bool busy;        /* lent to a guard until sm_re_guard_clear */
	unsigned builds;  /* match contexts and JIT stacks this thread built */
} guard_cache;

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *v)
{
	guard_cache *c = v;

	if (c->jit)
		pcre2_jit_stack_free(c->jit);
	if (c->mctx)
		pcre2_match_context_free(c->mctx);
	free(c);
}

static void cache_key_make(void)
{
	if (pthread_key_create(&cache_key, cache_free) != 0)
		abort();
}

static guard_cache *cache_get(void)
{
	guard_cache *c;

	pthread_once(&cache_once, cache_key_make);
	c = pthread_getspecific(cache_key);
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c || pthread_setspecific(cache_key, c) != 0)
			abort(); /* as GLib does on out of memory */
	}
	return c;
}

static pcre2_match_context *mctx_new(guard_cache *c)
{
	pcre2_match_context *m = pcre2_match_context_create(NULL);

	if (!m)
		abort(); /* as GLib does on out of memory */
	c->builds++;
	return m;
}

/* without a JIT stack, JIT falls back to its 32 KiB machine stack */
static pcre2_jit_stack *jit_new(guard_cache *c, PCRE2_SIZE size)
{
	c->builds++;
	return pcre2_jit_stack_create(32768, size, NULL);
}

void sm_re_guard_init(sm_re_guard *g, const sm_re_limits *lim, int64_t deadline)
{
	PCRE2_SIZE js = (PCRE2_SIZE)(lim->jit_stack > 32768 ? lim->jit_stack : 32768);
	guard_cache *c = cache_get();

	*g = (sm_re_guard){0};
	g->deadline = deadline;
	g->opts = lim->interpreter ? PCRE2_NO_JIT : 0;
	if (c->busy) { /* a second guard on this thread at once: its own */
		g->mctx = mctx_new(c);
		g->jit = jit_new(c, js);
	} else {
		if (!c->mctx)
			c->mctx = mctx_new(c);
		if (c->jit_size != js) {
			if (c->jit)
				pcre2_jit_stack_free(c->jit);
			c->jit = jit_new(c, js);
			c->jit_size = js;
		}
		c->busy = true;
		g->cached = true;
		g->mctx = c->mctx;
		g->jit = c->jit;
	}
	pcre2_set_match_limit(g->mctx, (uint32_t)lim->match_limit);
	pcre2_set_depth_limit(g->mctx, (uint32_t)lim->match_limit);
	pcre2_set_heap_limit(g->mctx, (uint32_t)(lim->heap_bytes / 1024));
	pcre2_set_callout(g->mctx, watch, g);
	pcre2_jit_stack_assign(g->mctx, NULL, g->jit);
}

void sm_re_guard_clear(sm_re_guard *g)
{
	if (g->cached) {
		guard_cache *c = cache_get();

		pcre2_set_callout(c->mctx, NULL, NULL); /* no pointer to g outlives it */
		c->busy = false;
	} else {
		if (g->jit)
			pcre2_jit_stack_free(g->jit);
		if (g->mctx)
			pcre2_match_context_free(g->mctx);
	}
	g->jit = NULL;
	g->mctx = NULL;
	g->cached = false;
}

unsigned sm_re_guard_builds(void)
{
	return cache_get()->builds;
}

sm_re_guard *sm_re_guard_enter(sm_re_guard *g)
{
	sm_re_guard *prev = current;

	if (g)
		current = g;
	return prev;
}

void sm_re_guard_leave(sm_re_guard *prev)
{
	current = prev;
}

sm_re_guard *sm_re_guard_current(void)
{
	return current;
}

int sm_re_match(const pcre2_code *re, PCRE2_SPTR subject, PCRE2_SIZE len, PCRE2_SIZE off,
		uint32_t opts, pcre2_match_data *md, pcre2_match_context *mctx)
{
	sm_re_guard *g = current;
	int rc;

	if (!g)
		return pcre2_match(re, subject, len, off, opts, md, mctx);
	/* the clock every SM_RE_CALLS matches: each is bounded by the match limit */
	if (g->expired || (++g->calls >= SM_RE_CALLS && (g->calls = 0, passed(g))))
		return PCRE2_ERROR_NOMATCH; /* the scan ends with the deadline's outcome */
	rc = pcre2_match(re, subject, len, off, opts | g->opts, md, g->mctx);
	if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH)
		return rc;
	if (rc == PCRE2_ERROR_CALLOUT && g->expired)
		return PCRE2_ERROR_NOMATCH;
	if (!g->error)
		g->error = rc;
	g->errors++;
	return rc;
}

bool sm_re_expired(void)
{
	return current && passed(current);
}

void sm_re_error_text(int code, char *buf, size_t len)
{
	if (pcre2_get_error_message(code, (PCRE2_UCHAR *)buf, len) < 0 && len)
		buf[0] = '\0';
}
