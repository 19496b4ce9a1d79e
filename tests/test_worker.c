/* test_worker.c - a scanner worker's per-message CPU limit (milter/worker/
 * worker.c, cpu_limit): RLIMIT_CPU's soft limit is the CPU used so far plus
 * the message's share plus one second, set with one setrlimit per message
 * (the hard limit read once, not once per message), under the hard limit;
 * when the hard limit was lowered from outside since it was read, it is
 * read again and the soft limit still set (clamped to it).  worker.c is
 * compiled in here with getrlimit and setrlimit counted. */
#include <sys/resource.h>

static unsigned gets, sets;
static int counted_getrlimit(int what, struct rlimit *rl)
{
	gets++;
	return getrlimit(what, rl);
}
static int counted_setrlimit(int what, const struct rlimit *rl)
{
	sets++;
	return setrlimit(what, rl);
}
#define getrlimit counted_getrlimit
#define setrlimit counted_setrlimit
#include "../milter/worker/worker.c"
#undef getrlimit
#undef setrlimit

#include "testutil.h"

int sm_sandbox_enter(size_t mem, char *err, size_t errlen)
{
	(void)mem;
	(void)err;
	(void)errlen;
	return 0;
}

static rlim_t used_seconds(void)
{
	struct rusage ru;

	g_assert_cmpint(getrusage(RUSAGE_SELF, &ru), ==, 0);
	return (rlim_t)ru.ru_utime.tv_sec + (rlim_t)ru.ru_stime.tv_sec;
}

static void test_cpu_limit(void)
{
	cpu_cap cap = {0, false};
	struct rlimit before, rl;
	rlim_t used;
	int i;

	g_assert_cmpint(getrlimit(RLIMIT_CPU, &before), ==, 0);
	gets = sets = 0;
	for (i = 0; i < 5; i++) {
		used = used_seconds();
		cpu_limit(&cap, 7 + (uint32_t)i);
		g_assert_cmpint(getrlimit(RLIMIT_CPU, &rl), ==, 0);
		g_assert_cmpuint(rl.rlim_max, ==, before.rlim_max);
		g_assert_cmpuint(rl.rlim_cur, >=, used + 8 + (rlim_t)i);
		g_assert_cmpuint(rl.rlim_cur, <=, used_seconds() + 8 + (rlim_t)i);
	}
	g_assert_cmpuint(sets, ==, 5);
	g_assert_cmpuint(gets, ==, 1); /* the hard limit once, not per message */

	/* the hard limit lowered from outside (here: by the process itself,
	 * which may lower it), under the next soft limit: read again, clamped */
	used = used_seconds();
	rl.rlim_cur = rl.rlim_max = used + 30;
	g_assert_cmpint(setrlimit(RLIMIT_CPU, &rl), ==, 0);
	rl.rlim_max++;
	if (setrlimit(RLIMIT_CPU, &rl) == 0) { /* CAP_SYS_RESOURCE: no EPERM to see */
		g_test_skip("may raise RLIMIT_CPU's hard limit (CAP_SYS_RESOURCE)");
		return;
	}
	gets = sets = 0;
	cpu_limit(&cap, 100);
	g_assert_cmpint(getrlimit(RLIMIT_CPU, &rl), ==, 0);
	g_assert_cmpuint(rl.rlim_max, ==, used + 30);
	g_assert_cmpuint(rl.rlim_cur, ==, used + 30);
	g_assert_cmpuint(gets, ==, 1);
	g_assert_cmpuint(sets, ==, 2); /* EPERM with the old hard limit, then set */
	/* and under it: the share */
	cpu_limit(&cap, 2);
	g_assert_cmpint(getrlimit(RLIMIT_CPU, &rl), ==, 0);
	g_assert_cmpuint(rl.rlim_cur, <=, used_seconds() + 3);
	g_assert_cmpuint(rl.rlim_cur, >=, used + 3);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/worker/cpu_limit", test_cpu_limit);
	return g_test_run();
}
