/*
 * audit.c - the audit log: one JSON line (schema 1) per support message,
 * written after the verdict was applied.
 *
 * Input: the record content from the parser (sm_result_audit_json: already
 * JSON, never a secret value) and what only the daemon knows: the event id
 * (a ULID), the time (RFC 3339 with its offset, one time zone for every
 * record, milter.audit_timezone), the host name (read when the log is
 * opened, at start and on SIGHUP) and the action as applied
 * (with the reason when applying failed).  A record of a message the policy
 * never saw (a limit, a failure before the scan) is built here.
 *
 * The file is opened O_APPEND, mode 0640, and reopened on SIGHUP.  Each
 * record is one write() of one whole line under a mutex, so threads never
 * interleave.  A short write (disk full, RLIMIT_FSIZE) is cut back with
 * ftruncate so the file never keeps half a line; if even that fails a
 * newline ends the fragment, so the next record starts on its own line (the
 * report tool counts such a line as corrupt).  milter.audit_fsync says when
 * the data reaches the disk: never forced, after every record, or at most
 * once a second.
 */
#include "audit.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t audit_mu = PTHREAD_MUTEX_INITIALIZER;
static int audit_fd = -1;
static gint64 audit_synced; /* monotonic µs of the last fdatasync (under audit_mu) */
/* The host name, read when the log is (re)opened: at start and on SIGHUP,
 * not once per record (under audit_mu; "" until the first open). */
static char audit_host[256];

/* The ULID's 80 low bits: random once per process, then one more per id
 * (under ulid_mu), so that ids are unique and sort by time and then by
 * their order within a millisecond, without a getrandom per record. */
static pthread_mutex_t ulid_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char ulid_next[10];
static bool ulid_seeded;

static void read_host(char *host, size_t len)
{
	if (gethostname(host, len) < 0)
		g_strlcpy(host, "unknown", len);
	host[len - 1] = '\0';
}

int sm_audit_open(const char *path, char *err, size_t errlen)
{
	int fd = -1, old;

	if (path && *path) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
		if (fd < 0) {
			snprintf(err, errlen, "audit log %s: %s", path, strerror(errno));
			return -1;
		}
	}
	pthread_mutex_lock(&audit_mu);
	old = audit_fd;
	audit_fd = fd;
	read_host(audit_host, sizeof(audit_host));
	pthread_mutex_unlock(&audit_mu);
	if (old >= 0) {
		fdatasync(old);
		close(old);
	}
	return 0;
}

/* Under audit_mu: write buf whole, or leave the file as it was.  -1 with
 * the reason in *e.  The file is opened O_APPEND: after a short write of n
 * bytes its offset is the end of those bytes, so the size before them is
 * known without a stat before every record. */
static int write_whole(int fd, const char *buf, size_t len, int *e)
{
	ssize_t n = write(fd, buf, len);
	off_t before;

	if (n == (ssize_t)len)
		return 0;
	*e = n < 0 ? errno : 0;
	before = n > 0 ? lseek(fd, 0, SEEK_CUR) : -1;
	before = n > 0 && before >= n ? before - n : -1;
	if (n > 0 && (before < 0 || ftruncate(fd, before) < 0)) {
		ssize_t m = write(fd, "\n", 1); /* end the fragment: the next line is whole */

		(void)m;
	}
	return -1;
}

static void maybe_sync(int fd, int mode)
{
	gint64 now;

	if (mode == SM_AUDIT_FSYNC_ALWAYS) {
		fdatasync(fd);
		return;
	}
	if (mode != SM_AUDIT_FSYNC_SECOND)
		return;
	now = g_get_monotonic_time();
	if (now - audit_synced >= G_USEC_PER_SEC) {
		fdatasync(fd);
		audit_synced = now;
	}
}

int sm_audit_write(const char *line, int fsync_mode)
{
	size_t len = strlen(line);
	char *buf = g_malloc(len + 1);
	int rc = 0, e = 0;

	memcpy(buf, line, len);
	buf[len] = '\n';
	pthread_mutex_lock(&audit_mu);
	if (audit_fd >= 0) {
		rc = write_whole(audit_fd, buf, len + 1, &e);
		if (rc == 0)
			maybe_sync(audit_fd, fsync_mode);
	}
	pthread_mutex_unlock(&audit_mu);
	g_free(buf);
	if (rc < 0)
		sm_log(LOG_ERR, "audit log: write failed: %s", e ? strerror(e) : "short write");
	return rc;
}

void sm_audit_close(void)
{
	pthread_mutex_lock(&audit_mu);
	if (audit_fd >= 0) {
		fdatasync(audit_fd);
		close(audit_fd);
	}
	audit_fd = -1;
	pthread_mutex_unlock(&audit_mu);
}

/* ---------------------------------------------------------------- fields */

/* The next 80 low bits of a ULID into b. */
static void ulid_low(unsigned char b[10])
{
	int i;

	pthread_mutex_lock(&ulid_mu);
	if (!ulid_seeded) {
		if (getrandom(ulid_next, sizeof(ulid_next), 0) != (ssize_t)sizeof(ulid_next))
			for (i = 0; i < 10; i++)
				ulid_next[i] = (unsigned char)g_random_int_range(0, 256);
		ulid_next[0] &= 0x7f; /* 2^79 ids before the counter could wrap */
		ulid_seeded = true;
	}
	memcpy(b, ulid_next, sizeof(ulid_next));
	for (i = 9; i >= 0 && ++ulid_next[i] == 0; i--)
		;
	pthread_mutex_unlock(&ulid_mu);
}

/* A ULID: 48 bits of milliseconds since 1970 and 80 bits (random at the
 * process's first id, one more for each next id), in Crockford's base32
 * (26 characters, sortable by time). */
void sm_audit_ulid(char out[27])
{
	static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char b[16];
	guint64 ms = (guint64)(g_get_real_time() / 1000);
	int i, bit;

	for (i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	ulid_low(b + 6);
	/* 128 bits as 26 groups of 5, the first group holding the top 3 bits */
	for (i = 0; i < 26; i++) {
		unsigned v = 0;
		int start = i == 0 ? 0 : 3 + 5 * (i - 1), width = i == 0 ? 3 : 5;

		for (bit = start; bit < start + width; bit++)
			v = (v << 1) | ((b[bit / 8] >> (7 - bit % 8)) & 1u);
		out[i] = b32[v];
	}
	out[26] = '\0';
}

/* The part of a record's time that changes once a second:
 * "2026-12-06T11:20:42" and "+09:00" (or "Z"). */
typedef struct audit_second {
	time_t sec;
	bool utc, valid;
	char head[72];
	char off[24];
} audit_second;

static void second_of(audit_second *s, bool utc, time_t sec)
{
	struct tm tm;
	long off;

	if (!(utc ? gmtime_r(&sec, &tm) : localtime_r(&sec, &tm))) {
		memset(&tm, 0, sizeof(tm)); /* beyond struct tm's years: not a clock's time */
		tm.tm_year = 70;
		tm.tm_mday = 1;
	}
	snprintf(s->head, sizeof(s->head), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (utc) {
		g_strlcpy(s->off, "Z", sizeof(s->off));
	} else {
		off = tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff;
		snprintf(s->off, sizeof(s->off), "%c%02ld:%02ld", tm.tm_gmtoff < 0 ? '-' : '+',
			 off / 3600 % 100, off / 60 % 60);
	}
	s->sec = sec;
	s->utc = utc;
	s->valid = true;
}

/* RFC 3339 with milliseconds and the offset: "2026-12-06T11:20:42.123+09:00"
 * (local: the zone daemon.c read at start) or "...Z" (utc). */
void sm_audit_time_at(bool utc, time_t sec, int ms, char *out, size_t len)
{
	audit_second s;

	second_of(&s, utc, sec);
	snprintf(out, len, "%.19s.%03d%.6s", s.head, ms, s.off); /* years 0-9999 */
}

/* The same for now.  Each thread keeps the second it formatted last: a
 * record in the same second formats only its milliseconds (no struct tm, no
 * zone lookup per record). */
void sm_audit_time(bool utc, char *out, size_t len)
{
	static _Thread_local audit_second last;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (!last.valid || last.sec != ts.tv_sec || last.utc != utc)
		second_of(&last, utc, ts.tv_sec);
	snprintf(out, len, "%.19s.%03d%.6s", last.head, (int)(ts.tv_nsec / 1000000), last.off);
}

/* A JSON string: valid UTF-8 (U+FFFD for invalid bytes), controls escaped.
 * Plain printable ASCII (ids, times, host names, actions) is copied as it is. */
static void json_str(GString *g, const char *s)
{
	const char *p;
	char *v;

	s = s ? s : "";
	for (p = s; *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\'; p++)
		;
	if (!*p) {
		g_string_append_c(g, '"');
		g_string_append_len(g, s, p - s);
		g_string_append_c(g, '"');
		return;
	}
	v = g_utf8_make_valid(s, -1);
	g_string_append_c(g, '"');
	for (p = v; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\')
			g_string_append_printf(g, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			g_string_append_printf(g, "\\u%04x", c);
		else
			g_string_append_c(g, (char)c);
	}
	g_string_append_c(g, '"');
	g_free(v);
}

/* {"schema":1,"event_id":...,"ts":...,"host":...,"action":...[,"apply_error":...], */
static GString *record_head(const sm_daemon_conf *d, const char *action, const char *error)
{
	GString *g = g_string_sized_new(1024);
	char id[27], ts[64], host[256];

	sm_audit_ulid(id);
	sm_audit_time(d->audit_timezone == 1, ts, sizeof(ts));
	pthread_mutex_lock(&audit_mu);
	g_strlcpy(host, audit_host, sizeof(host));
	pthread_mutex_unlock(&audit_mu);
	if (!*host) /* no log opened yet */
		read_host(host, sizeof(host));
	g_string_append(g, "{\"schema\":1,\"event_id\":");
	json_str(g, id);
	g_string_append(g, ",\"ts\":");
	json_str(g, ts);
	g_string_append(g, ",\"host\":");
	json_str(g, host);
	g_string_append(g, ",\"action\":");
	json_str(g, action);
	if (error) {
		g_string_append(g, ",\"apply_error\":");
		json_str(g, error);
	}
	return g;
}

char *sm_audit_record(const sm_daemon_conf *d, const char *content, const char *action,
		      const char *error)
{
	GString *g = record_head(d, action, error);

	if (content && content[0] == '{' && content[1] && content[1] != '}') {
		g_string_append_c(g, ',');
		g_string_append(g, content + 1);
	} else
		g_string_append_c(g, '}');
	return g_string_free(g, FALSE);
}

char *sm_audit_failure_record(const sm_daemon_conf *d, const sm_audit_fail *f)
{
	GString *g = record_head(d, f->action, NULL);
	size_t i;

	g_string_append(g, ",\"queue_id\":");
	if (f->queue_id)
		json_str(g, f->queue_id);
	else
		g_string_append(g, "null");
	g_string_append(g, ",\"sender\":");
	json_str(g, f->sender);
	g_string_append(g, ",\"recipients\":[");
	for (i = 0; f->rcpts && f->rcpts[i]; i++) {
		g_string_append(g, i ? ",{\"address\":" : "{\"address\":");
		json_str(g, f->rcpts[i]);
		g_string_append_printf(g, ",\"support\":%s}",
				       f->support && f->support[i] ? "true" : "false");
	}
	g_string_append(g, "],\"policy_version\":");
	json_str(g, f->policy_version);
	g_string_append(g, ",\"decision\":");
	json_str(g, f->action);
	g_string_append(g, ",\"support\":true,\"failed\":true,\"reason\":");
	json_str(g, f->limit ? "limit" : "internal");
	g_string_append(g, ",\"detail\":");
	json_str(g, f->detail);
	g_string_append(g, ",\"findings\":[],\"rules\":[]}");
	return g_string_free(g, FALSE);
}
