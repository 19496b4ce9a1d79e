/* test_budget.c - the daemon's scan memory budget (milter/budget.c): the
 * cost estimate, a message larger than the budget, at the limit and one
 * past it, no room within the wait, and a waiter woken by a release.
 * milter/ is not in the parser library: the module is compiled in here. */
#include "budget.c"
#include "testutil.h"

#define MB ((size_t)1 << 20)

static void test_cost(void)
{
	g_assert_cmpuint(sm_budget_cost(0), ==, SM_BUDGET_MIN_COST);
	g_assert_cmpuint(sm_budget_cost(MB), ==, SM_BUDGET_FACTOR * MB + SM_BUDGET_MIN_COST);
	g_assert_cmpuint(sm_budget_cost(SIZE_MAX / 2), ==, SIZE_MAX);
}

static void test_limit(void)
{
	sm_budget *b = sm_budget_new();

	/* the whole budget at once fits; one byte more never does */
	g_assert_cmpint(sm_budget_acquire(b, 10 * MB, 10 * MB, 0), ==, SM_BUDGET_OK);
	g_assert_cmpuint(sm_budget_in_use(b), ==, 10 * MB);
	sm_budget_release(b, 10 * MB);
	g_assert_cmpint(sm_budget_acquire(b, 10 * MB, 10 * MB + 1, 1000), ==, SM_BUDGET_TOO_BIG);
	g_assert_cmpuint(sm_budget_in_use(b), ==, 0);
	sm_budget_free(b);
	sm_budget_free(NULL);
}

static void test_busy(void)
{
	sm_budget *b = sm_budget_new();

	g_assert_cmpint(sm_budget_acquire(b, 10 * MB, 6 * MB, 0), ==, SM_BUDGET_OK);
	g_assert_cmpint(sm_budget_acquire(b, 10 * MB, 4 * MB, 0), ==, SM_BUDGET_OK); /* exactly full */
	g_assert_cmpint(sm_budget_acquire(b, 10 * MB, 1, 0), ==, SM_BUDGET_BUSY);
	g_assert_cmpint(sm_budget_acquire(b, 10 * MB, 6 * MB, 50), ==, SM_BUDGET_BUSY);
	g_assert_cmpuint(sm_budget_in_use(b), ==, 10 * MB);
	sm_budget_release(b, 4 * MB);
	g_assert_cmpint(sm_budget_acquire(b, 10 * MB, 4 * MB, 0), ==, SM_BUDGET_OK);
	sm_budget_release(b, 4 * MB);
	sm_budget_release(b, 6 * MB);
	g_assert_cmpuint(sm_budget_in_use(b), ==, 0);
	sm_budget_free(b);
}

static gpointer release_later(gpointer data)
{
	g_usleep(100 * 1000);
	sm_budget_release(data, 6 * MB);
	return NULL;
}

/* A message waiting for room scans as soon as another one finishes. */
static void test_wait_woken(void)
{
	sm_budget *b = sm_budget_new();
	GThread *t;

	g_assert_cmpint(sm_budget_acquire(b, 10 * MB, 6 * MB, 0), ==, SM_BUDGET_OK);
	t = g_thread_new("release", release_later, b);
	g_assert_cmpint(sm_budget_acquire(b, 10 * MB, 8 * MB, 60 * 1000), ==, SM_BUDGET_OK);
	g_thread_join(t);
	g_assert_cmpuint(sm_budget_in_use(b), ==, 8 * MB);
	sm_budget_release(b, 8 * MB);
	sm_budget_free(b);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/budget/cost", test_cost);
	g_test_add_func("/budget/limit", test_limit);
	g_test_add_func("/budget/busy", test_busy);
	g_test_add_func("/budget/wait_woken", test_wait_woken);
	return g_test_run();
}
