/*
 * budget.c - the scan memory budget (budget.h).
 *
 * A mutex, a condition and the bytes taken.  Untrusted input: none (sizes
 * come from the spool, itself bounded by max_message_bytes).  The wait is
 * bounded by the caller's wait_ms (milter.scan_wait); a release wakes every
 * waiter, each checks again whether it fits.
 */
#include "budget.h"

#include <glib.h>
#include <stdint.h>

struct sm_budget {
	GMutex mu;
	GCond freed;
	size_t used;
};

sm_budget *sm_budget_new(void)
{
	sm_budget *b = g_new0(sm_budget, 1);

	g_mutex_init(&b->mu);
	g_cond_init(&b->freed);
	return b;
}

void sm_budget_free(sm_budget *b)
{
	if (!b)
		return;
	g_mutex_clear(&b->mu);
	g_cond_clear(&b->freed);
	g_free(b);
}

size_t sm_budget_cost(size_t n)
{
	if (n > (SIZE_MAX - SM_BUDGET_MIN_COST) / SM_BUDGET_FACTOR)
		return SIZE_MAX;
	return n * SM_BUDGET_FACTOR + SM_BUDGET_MIN_COST;
}

sm_budget_status sm_budget_acquire(sm_budget *b, size_t total, size_t cost, unsigned wait_ms)
{
	gint64 until = g_get_monotonic_time() + (gint64)wait_ms * 1000;
	sm_budget_status st = SM_BUDGET_OK;

	if (cost > total)
		return SM_BUDGET_TOO_BIG;
	g_mutex_lock(&b->mu);
	while (b->used > total - cost) {
		if (!g_cond_wait_until(&b->freed, &b->mu, until)) {
			st = b->used > total - cost ? SM_BUDGET_BUSY : SM_BUDGET_OK;
			break;
		}
	}
	if (st == SM_BUDGET_OK)
		b->used += cost;
	g_mutex_unlock(&b->mu);
	return st;
}

void sm_budget_release(sm_budget *b, size_t cost)
{
	g_mutex_lock(&b->mu);
	b->used = cost < b->used ? b->used - cost : 0;
	g_cond_broadcast(&b->freed);
	g_mutex_unlock(&b->mu);
}

size_t sm_budget_in_use(sm_budget *b)
{
	size_t n;

	g_mutex_lock(&b->mu);
	n = b->used;
	g_mutex_unlock(&b->mu);
	return n;
}
