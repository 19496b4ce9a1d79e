/* test_audit.c - the daemon's fields of an audit record (milter/daemon/
 * audit.c): event ids are ULIDs (26 characters of Crockford's base32),
 * unique, their 80 low bits one more for each next id (across a carry, and
 * from several threads at once), with one getrandom per process, not one per
 * record; the host name is the one gethostname gives, read when the log is
 * (re)opened, not once per record.  milter/ is not in the parser library:
 * the module is compiled in here, with getrandom and gethostname counted. */
#include <sys/random.h>
#include <unistd.h>

static unsigned randoms, hosts;
static ssize_t counted_getrandom(void *buf, size_t len, unsigned flags)
{
	randoms++;
	return getrandom(buf, len, flags);
}
static int counted_gethostname(char *name, size_t len)
{
	hosts++;
	return gethostname(name, len);
}
#define getrandom counted_getrandom
#define gethostname counted_gethostname
#include "audit.c"
#undef getrandom
#undef gethostname

#include "testutil.h"

void sm_log(int prio, const char *fmt, ...)
{
	(void)prio;
	(void)fmt;
}

#define IDS 10000

static bool is_ulid(const char *s)
{
	return strlen(s) == 26 && strspn(s, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") == 26 &&
	       s[0] <= '7'; /* 128 bits: the first character holds 3 */
}

/* The 80 low bits are the last 16 characters: each id's are the previous
 * one's plus one. */
static void check_run(char (*ids)[27], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		g_assert_true(is_ulid(ids[i]));
		if (i)
			g_assert_cmpstr(ids[i - 1] + 10, <, ids[i] + 10);
	}
}

static void test_ulid(void)
{
	char (*ids)[27] = g_malloc(sizeof(char[27]) * IDS);
	unsigned before = randoms;
	size_t i;

	for (i = 0; i < IDS; i++)
		sm_audit_ulid(ids[i]);
	check_run(ids, IDS);
	g_assert_cmpuint(randoms - before, <=, 1); /* once per process */
	/* across a carry through all 80 bits but the top one */
	pthread_mutex_lock(&ulid_mu);
	memset(ulid_next, 0xff, sizeof(ulid_next));
	ulid_next[0] = 0x3f;
	ulid_next[9] = 0xfe;
	pthread_mutex_unlock(&ulid_mu);
	for (i = 0; i < 4; i++)
		sm_audit_ulid(ids[i]);
	check_run(ids, 4);
	g_assert_cmpstr(ids[2] + 10, ==, "8000000000000000"); /* 0x40 00..: bit 78 */
	g_free(ids);
}

static gpointer many(gpointer arg)
{
	char (*ids)[27] = arg;
	size_t i;

	for (i = 0; i < IDS / 4; i++)
		sm_audit_ulid(ids[i]);
	return NULL;
}

/* Four threads at once: no id twice. */
static void test_ulid_threads(void)
{
	char (*ids)[27] = g_malloc(sizeof(char[27]) * IDS);
	GThread *th[4];
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	size_t i;

	for (i = 0; i < 4; i++)
		th[i] = g_thread_new("ulid", many, ids + i * (IDS / 4));
	for (i = 0; i < 4; i++)
		g_thread_join(th[i]);
	for (i = 0; i < IDS; i++) {
		g_assert_true(is_ulid(ids[i]));
		g_assert_true(g_hash_table_add(seen, ids[i] + 10));
	}
	g_hash_table_destroy(seen);
	g_free(ids);
}

static void test_host(void)
{
	char *dir = g_dir_make_tmp("sm-audit-XXXXXX", NULL), *path = g_build_filename(dir, "a.log", NULL);
	char host[256] = "", err[256], *want;
	sm_daemon_conf d;
	unsigned before;
	int i;

	memset(&d, 0, sizeof(d));
	g_assert_cmpint(gethostname(host, sizeof(host)), ==, 0);
	want = g_strdup_printf("\"host\":\"%s\"", host);
	before = hosts;
	g_assert_cmpint(sm_audit_open(path, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(hosts - before, ==, 1);
	for (i = 0; i < 100; i++) {
		char *r = sm_audit_record(&d, "{\"x\":1}", "accept", NULL);

		g_assert_nonnull(strstr(r, want));
		g_assert_nonnull(strstr(r, "\"action\":\"accept\",\"x\":1}"));
		g_free(r);
	}
	g_assert_cmpuint(hosts - before, ==, 1); /* not once per record */
	g_assert_cmpint(sm_audit_open(path, err, sizeof(err)), ==, 0); /* SIGHUP */
	g_assert_cmpuint(hosts - before, ==, 2);
	sm_audit_close();
	unlink(path);
	rmdir(dir);
	g_free(want);
	g_free(path);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/audit/ulid", test_ulid);
	g_test_add_func("/audit/ulid_threads", test_ulid_threads);
	g_test_add_func("/audit/host", test_host);
	return g_test_run();
}
