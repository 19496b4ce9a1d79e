/* test_audit.c - the daemon's fields of an audit record (milter/daemon/
 * audit.c): event ids are ULIDs (26 characters of Crockford's base32),
 * unique, their 80 low bits one more for each next id (across a carry, and
 * from several threads at once), with one getrandom per process, not one per
 * record; the host name is the one gethostname gives, read when the log is
 * (re)opened, not once per record; a record's time is the one GDateTime
 * (the earlier implementation, kept here as the oracle) formats, in zones
 * with whole, half-hour and 45-minute offsets and across their DST changes,
 * and a string with a quote, a control or a non-ASCII byte is still escaped
 * and made valid.  milter/ is not in the parser library:
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

/* The earlier sm_audit_time, on GDateTime: the oracle. */
static char *oracle_time(GTimeZone *tz, time_t sec, int ms)
{
	GDateTime *u = g_date_time_new_from_unix_utc((gint64)sec);
	GDateTime *dt = tz ? g_date_time_to_timezone(u, tz) : g_date_time_ref(u);
	char *base = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
	char *off = tz ? g_date_time_format(dt, "%:z") : g_strdup("Z");
	char *out = g_strdup_printf("%s.%03d%s", base, ms, off);

	g_free(base);
	g_free(off);
	g_date_time_unref(dt);
	g_date_time_unref(u);
	return out;
}

/* POSIX rule strings need no tzdata; the named zones are compared when the
 * system has them (GLib and libc then read the same file). */
static const char *const zones[] = {
	"UTC0", "JST-9", "IST-5:30", "EST5EDT,M3.2.0,M11.1.0", "NST3:30NDT,M3.2.0,M11.1.0",
	"<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45", "Asia/Tokyo", "America/New_York",
	"Australia/Lord_Howe", "Pacific/Chatham", NULL};

static void test_time_oracle(void)
{
	char *old_tz = g_strdup(getenv("TZ"));
	unsigned compared = 0;

	for (const char *const *z = zones; *z; z++) {
		GTimeZone *tz = g_time_zone_new_identifier(*z);
		char path[128];

		snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", *z);
		if (!tz || (strchr(*z, '/') && access(path, R_OK) != 0)) {
			g_test_message("zone %s not on this system: skipped", *z);
			if (tz)
				g_time_zone_unref(tz);
			continue;
		}
		setenv("TZ", *z, 1);
		tzset();
		/* every 7 h 13 min 11 s from 1971 to 2037, and each minute around
		 * 2026's changes (March and November, April and September) */
		for (gint64 t = 31536000; t < 2145916800; t += 7 * 3600 + 13 * 60 + 11) {
			char got[64], *want = oracle_time(tz, (time_t)t, (int)(t % 1000));

			sm_audit_time_at(false, (time_t)t, (int)(t % 1000), got, sizeof(got));
			g_assert_cmpstr(got, ==, want);
			g_free(want);
			compared++;
		}
		for (int month = 0; month < 12; month++)
			for (gint64 t = 1767225600 + month * 2629800 - 86400 * 16;
			     t < 1767225600 + month * 2629800 + 86400 * 16; t += 1799) {
				char got[64], *want = oracle_time(tz, (time_t)t, 999);

				sm_audit_time_at(false, (time_t)t, 999, got, sizeof(got));
				g_assert_cmpstr(got, ==, want);
				g_free(want);
				sm_audit_time_at(true, (time_t)t, 0, got, sizeof(got));
				want = oracle_time(NULL, (time_t)t, 0);
				g_assert_cmpstr(got, ==, want);
				g_free(want);
				compared++;
			}
		g_time_zone_unref(tz);
	}
	g_assert_cmpuint(compared, >, 60000); /* the POSIX zones at least */
	if (old_tz)
		setenv("TZ", old_tz, 1);
	else
		unsetenv("TZ");
	tzset();
	g_free(old_tz);
}

/* Now: the second formatted for this thread is reused only within that
 * second and for the same zone choice. */
static void test_time_now(void)
{
	setenv("TZ", "JST-9", 1);
	tzset();
	for (int i = 0; i < 2000; i++) {
		bool utc = i % 3 == 0;
		time_t before = time(NULL), after;
		char got[64], lo[64], hi[64];

		sm_audit_time(utc, got, sizeof(got));
		after = time(NULL);
		g_assert_cmpuint(strlen(got), ==, utc ? 24 : 29);
		g_assert_true(g_ascii_isdigit(got[20]) && g_ascii_isdigit(got[21]) &&
			      g_ascii_isdigit(got[22]));
		sm_audit_time_at(utc, before, 0, lo, sizeof(lo));
		sm_audit_time_at(utc, after, 0, hi, sizeof(hi));
		g_assert_true(memcmp(got, lo, 19) == 0 || memcmp(got, hi, 19) == 0);
		g_assert_cmpstr(got + 23, ==, utc ? "Z" : "+09:00");
		if (i % 500 == 0)
			g_usleep(300000); /* across a second now and then */
	}
	unsetenv("TZ");
	tzset();
}

/* Plain ASCII is copied; anything else takes the escaping path. */
static void test_json_str(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"accept", "\"accept\""},
		{"", "\"\""},
		{"a\"b\\c", "\"a\\\"b\\\\c\""},
		{"tab\there", "\"tab\\u0009here\""},
		{"del\x7f", "\"del\\u007f\""},
		{"\xe6\x97\xa5\xe6\x9c\xac", "\"\xe6\x97\xa5\xe6\x9c\xac\""},
		{"bad\xff!", "\"bad\xef\xbf\xbd!\""},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GString *g = g_string_new(NULL);

		json_str(g, cases[i].in);
		g_assert_cmpstr(g->str, ==, cases[i].out);
		g_string_free(g, TRUE);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/audit/ulid", test_ulid);
	g_test_add_func("/audit/ulid_threads", test_ulid_threads);
	g_test_add_func("/audit/host", test_host);
	g_test_add_func("/audit/time_oracle", test_time_oracle);
	g_test_add_func("/audit/time_now", test_time_now);
	g_test_add_func("/audit/json_str", test_json_str);
	return g_test_run();
}
