/* test_result_wire.c - a result through its wire form (the scanner worker
 * hands it to the milter process this way) reads exactly like the original:
 * the --test JSON, the audit record, the summary, the reply, the header
 * edits and the delivered message, for every corpus message (masked, stripped,
 * rejected, nested, windowed with a spill file).  And the decoder refuses
 * what a subverted worker could send: every truncation, flipped bytes,
 * splices out of order or outside the message, a spilled splice without a
 * spill file. */
#include "policyutil.h"
#include "result.h"
#include "scan.h"
#include "testutil.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const time_t NOW = 1733788800; /* 2024-12-10 */

/* conf/support-milter.conf with its scan window set to window bytes (0: as is). */
static sm_policy *policy(long window)
{
	char *path = g_build_filename(sm_test_top(), "conf", "support-milter.conf", NULL);
	char *text = NULL;
	sm_policy *p;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	{ /* the sender's notice on: its text reads the result too */
		char **parts = g_strsplit(text, "notice: {\n  enabled = false;", 2);

		g_assert_nonnull(parts[1]);
		g_free(text);
		text = g_strjoinv("notice: {\n  enabled = true;\n  from = \"policy@example.co.jp\";", parts);
		g_strfreev(parts);
	}
	if (window) {
		char *w = g_strdup_printf("scan_window_bytes = %ld;", window);
		char **parts = g_strsplit(text, "scan_window_bytes = 4194304;", 2);

		g_assert_nonnull(parts[1]);
		g_free(text);
		text = g_strjoinv(w, parts);
		g_strfreev(parts);
		g_free(w);
	}
	p = sm_test_policy_text(text);
	g_free(text);
	g_free(path);
	return p;
}

static int collect(void *ud, const void *buf, size_t len)
{
	g_string_append_len(ud, buf, (gssize)len);
	return 0;
}

/* Everything the milter and the audit read from a result, as one string. */
static char *render(const sm_result *r, const sm_envelope *env)
{
	GString *g = g_string_new(NULL);
	const char *code, *xcode, *text;
	char *j = sm_result_json(r), *a = sm_result_audit_json(r, env, NOW), *s = sm_result_summary(r);
	const char *const *rc, *why_not = NULL;
	char *notice, *at;
	size_t i;

	sm_result_reply(r, &code, &xcode, &text);
	g_string_append_printf(g, "%s\n%s\n%s\n%d %d %d %s %s %s\n", j, a, s, sm_result_verdict(r),
			       sm_result_failed(r), sm_result_body_changed(r), code ? code : "-",
			       xcode ? xcode : "-", text ? text : "-");
	for (i = 0; i < sm_result_header_count(r); i++) {
		const char *n, *v;
		char op;
		int idx;

		sm_result_header(r, i, &op, &n, &v, &idx);
		g_string_append_printf(g, "%c %s %s %d\n", op, n, v, idx);
	}
	for (rc = sm_result_add_rcpts(r); rc && *rc; rc++)
		g_string_append_printf(g, "rcpt %s\n", *rc);
	for (i = 0; i < sm_result_finding_count(r); i++)
		g_string_append_printf(g, "finding %s\n", sm_result_finding_detector(r, i));
	notice = sm_result_notice(r, "QID1", NOW, &why_not);
	if (notice && (at = strstr(notice, "Message-ID: <notice.")))
		for (at += 20; *at && *at != '>'; at++)
			*at = 'x'; /* random by design */
	g_string_append_printf(g, "notice %s\n%s\n", why_not ? why_not : "-", notice ? notice : "-");
	g_free(notice);
	g_assert_cmpint(sm_result_write_message(r, collect, g), ==, 0);
	g_string_append(g, "\n--body--\n");
	if (sm_result_body_changed(r))
		g_assert_cmpint(sm_result_write_body(r, collect, g), ==, 0);
	g_free(j);
	g_free(a);
	g_free(s);
	return g_string_free(g, FALSE);
}

static size_t fsize(int fd)
{
	struct stat st;

	g_assert_cmpint(fstat(fd, &st), ==, 0);
	return (size_t)st.st_size;
}

static int spill_file(void)
{
	int fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	g_assert_cmpint(fd, >=, 0);
	return fd;
}

/* The same message as a worker gets it inline (its bytes, scanned by
 * sm_scan_owned) and the result rebuilt over the daemon's copy of the
 * bytes (msg_mem, never mapped): rendered as the in-process scan r. */
static void inline_trip(sm_policy *p, const char *path, sm_result *r, const sm_envelope *env)
{
	char err[256] = "", *want, *got, *bytes, *own;
	gsize n;
	size_t len;
	sm_result *ri, *w;
	void *wire;
	int spill;

	g_assert_true(g_file_get_contents(path, &bytes, &n, NULL));
	if (n > 65536) { /* the daemon sends a message inline up to 64 KiB */
		g_free(bytes);
		return;
	}
	own = g_malloc(n + 1);
	memcpy(own, bytes, n);
	spill = spill_file(); /* as the daemon's, with the bytes or a descriptor */
	ri = sm_scan_owned(p, own, n, spill, env, NOW);
	wire = sm_result_wire(ri, &len);
	g_assert_null(sm_result_unwire(p, wire, len, -1, bytes, n + 1, spill, err, sizeof(err)));
	w = sm_result_unwire(p, wire, len, -1, bytes, n, spill, err, sizeof(err));
	if (!w)
		g_test_message("%s (%zu bytes): %s", path, (size_t)n, err);
	g_assert_nonnull(w);
	want = render(r, env);
	got = render(w, env);
	g_assert_cmpstr(got, ==, want);
	g_assert_true(n == 0 || sm_result_bytes(w) == (const uint8_t *)bytes);
	g_assert_null(w->mapped);
	g_free(want);
	g_free(got);
	sm_result_free(w);
	sm_result_free(ri);
	close(spill);
	g_free(wire);
	g_free(bytes);
}

/* One message: scanned in-process and through the wire, rendered alike. */
static off_t round_trip(sm_policy *p, const char *path, guint *changed)
{
	const char *rcpts[] = {"<supportmail@microsoft.com>", NULL};
	sm_envelope env = {"QID1", "<a@example.co.jp>", rcpts};
	int fd = open(path, O_RDONLY), spill = spill_file();
	char err[256] = "", *want, *got;
	sm_result *r, *w;
	void *wire;
	size_t len;
	off_t spilled;

	g_assert_cmpint(fd, >=, 0);
	r = sm_scan_fd_spill(p, fd, spill, &env, NOW);
	wire = sm_result_wire(r, &len);
	w = sm_result_unwire(p, wire, len, fd, NULL, fsize(fd), spill, err, sizeof(err));
	if (!w)
		g_test_message("%s: %s", path, err);
	g_assert_nonnull(w);
	if (w) {
		want = render(r, &env);
		got = render(w, &env);
		if (strcmp(got, want) != 0) {
			size_t k = 0;

			while (got[k] && got[k] == want[k])
				k++;
			g_test_message("%s: differs at %zu: want '%.120s' got '%.120s'", path, k,
				       want + (k > 40 ? k - 40 : 0), got + (k > 40 ? k - 40 : 0));
		}
		g_assert_cmpstr(got, ==, want);
		*changed += sm_result_body_changed(r);
		g_free(want);
		g_free(got);
	}
	sm_result_free(w);
	inline_trip(p, path, r, &env);
	sm_result_free(r);
	g_free(wire);
	spilled = lseek(spill, 0, SEEK_END);
	close(spill);
	close(fd);
	return spilled;
}

static void each_eml(sm_policy *p, const char *dir, guint *n, guint *changed)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	if (!d)
		return;
	while ((name = g_dir_read_name(d))) {
		char *path;

		if (!g_str_has_suffix(name, ".eml"))
			continue;
		path = g_build_filename(dir, name, NULL);
		round_trip(p, path, changed);
		g_free(path);
		(*n)++;
	}
	g_dir_close(d);
}

static void test_corpus(void)
{
	sm_policy *p = policy(0);
	char *a = g_build_filename(sm_test_top(), "tests", "corpus", NULL);
	char *b = g_build_filename(sm_test_top(), "..", "shared", "corpus", "public", NULL);
	guint n = 0, changed = 0;

	each_eml(p, a, &n, &changed);
	each_eml(p, b, &n, &changed);
	g_test_message("%u messages, %u with a changed body", n, changed);
	g_assert_cmpuint(n, >=, 20);
	g_assert_cmpuint(changed, >=, 5);
	g_free(a);
	g_free(b);
	sm_policy_unref(p);
}

/* A large base64 part with a card: rewritten window by window into the
 * spill file, whose offsets the wire carries. */
static void test_spilled(void)
{
	sm_policy *p = policy(4096);
	GString *g = g_string_new("From: a@example.co.jp\r\nTo: supportmail@microsoft.com\r\n"
				  "Subject: logs\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed;"
				  " boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nsee log\r\n"
				  "--B\r\nContent-Type: text/plain; name=\"log.txt\"\r\n"
				  "Content-Transfer-Encoding: base64\r\n\r\n");
	GString *plain = g_string_new(NULL);
	char path[] = "/tmp/sm-wire-msg-XXXXXX", *b64;
	guint changed = 0;
	int fd, i;

	for (i = 0; i < 400; i++)
		g_string_append_printf(plain, "line %d of the log, nothing here at all\r\n", i);
	g_string_append(plain, "card 4111 1111 1111 1111 exp 12/29\r\n");
	for (i = 0; i < 400; i++)
		g_string_append_printf(plain, "more log line %d\r\n", i);
	b64 = g_base64_encode((const guchar *)plain->str, plain->len);
	for (i = 0; i < (int)strlen(b64); i += 76)
		g_string_append_printf(g, "%.76s\r\n", b64 + i);
	g_string_append(g, "--B--\r\n");
	fd = mkstemp(path);
	g_assert_cmpint(write(fd, g->str, g->len), ==, (ssize_t)g->len);
	close(fd);
	g_assert_cmpint(round_trip(p, path, &changed), >, 30000); /* the part went to the spill file */
	g_assert_cmpuint(changed, ==, 1);
	unlink(path);
	g_free(b64);
	g_string_free(plain, TRUE);
	g_string_free(g, TRUE);
	sm_policy_unref(p);
}

/* A reply whose quoted history holds a card: the finding's place
 * ("quoted") crosses the wire too. */
static void test_quoted(void)
{
	sm_policy *p = policy(0);
	const char *msg = "From: Hanako <hanako@example.co.jp>\nTo: supportmail@microsoft.com\n"
			  "Subject: RE: [SR#2412100040112233] card\nMessage-ID: <q1@example.co.jp>\n"
			  "In-Reply-To: <x@microsoft.com>\nDate: Tue, 10 Dec 2024 10:00:00 +0900\n\n"
			  "Thank you.\n\nOn Mon, 9 Dec 2024, Support <supportmail@microsoft.com> wrote:\n"
			  "> Your card 4111 1111 1111 1111 was noted.\n> Regards\n";
	const char *rcpts[] = {"<supportmail@microsoft.com>", NULL};
	sm_envelope env = {"QID1", "<hanako@example.co.jp>", rcpts};
	char path[] = "/tmp/sm-wire-q-XXXXXX";
	guint changed = 0;
	int fd = mkstemp(path);
	sm_result *r;
	char *a;

	g_assert_cmpint(write(fd, msg, strlen(msg)), ==, (ssize_t)strlen(msg));
	r = sm_scan_fd(p, fd, &env, NOW);
	a = sm_result_audit_json(r, &env, NOW);
	if (!strstr(a, "\"where\":\"quoted\""))
		g_test_message("no quoted finding: %s", a);
	g_assert_nonnull(strstr(a, "\"where\":\"quoted\""));
	g_free(a);
	sm_result_free(r);
	close(fd);
	round_trip(p, path, &changed);
	unlink(path);
	sm_policy_unref(p);
}

/* A size that is not the file's: the failure action (tempfail), nothing
 * read past the end, no finding. */
static void sized_wrong(sm_policy *p, int fd, size_t size, const sm_envelope *env)
{
	sm_result *r = sm_scan_fd_sized(p, fd, size, -1, env, NOW);

	g_assert_true(sm_result_failed(r));
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_TEMPFAIL);
	g_assert_cmpuint(sm_result_finding_count(r), ==, 0);
	sm_result_free(r);
}

/* sm_scan_fd_sized on an empty file: size 0 scans the empty message
 * (as sm_scan_mem does), size 1 fails. */
static void test_fd_sized_empty(void)
{
	sm_policy *p = policy(0);
	char path[] = "/tmp/sm-wire-empty-XXXXXX";
	int fd = mkstemp(path);
	sm_result *a = sm_scan_fd_sized(p, fd, 0, -1, NULL, NOW), *b = sm_scan_mem(p, "", 0, NULL, NOW);
	char *ra = sm_result_json(a), *rb = sm_result_json(b);

	g_assert_cmpstr(ra, ==, rb);
	sized_wrong(p, fd, 1, NULL);
	g_free(ra);
	g_free(rb);
	sm_result_free(a);
	sm_result_free(b);
	close(fd);
	unlink(path);
	sm_policy_unref(p);
}

/* A message of exactly len bytes from a file: read into memory up to
 * 128 KiB (SCAN_FD_READ_MAX), mapped beyond; either way everything the
 * milter and the audit read is what sm_scan_mem gives for the same bytes,
 * and the result owns what it read or mapped. */
static void test_fd_read_or_map(void)
{
	static const size_t sizes[] = {2000, 128 * 1024 - 1, 128 * 1024, 128 * 1024 + 1, 300000};
	sm_policy *p = policy(0);
	const char *head = "From: Hanako <hanako@example.co.jp>\nTo: supportmail@microsoft.com\n"
			   "Subject: [SR#2412100040112233] card\nMessage-ID: <fd1@example.co.jp>\n"
			   "Date: Tue, 10 Dec 2024 10:00:00 +0900\n\ncard 4111 1111 1111 1111\n";
	const char *rcpts[] = {"<supportmail@microsoft.com>", NULL};
	sm_envelope env = {"QID1", "<hanako@example.co.jp>", rcpts};

	for (size_t k = 0; k < G_N_ELEMENTS(sizes); k++) {
		GString *m = g_string_new(head);
		char path[] = "/tmp/sm-wire-fd-XXXXXX";
		int fd = mkstemp(path);
		sm_result *a, *b;
		char *ra, *rb;

		while (m->len < sizes[k])
			g_string_append(m, "the agent restarted at 10:00 and the log shows nothing new\n");
		g_string_truncate(m, sizes[k] - 1);
		g_string_append_c(m, '\n');
		g_assert_cmpint(write(fd, m->str, m->len), ==, (ssize_t)m->len);
		a = sm_scan_fd(p, fd, &env, NOW);
		b = sm_scan_mem(p, m->str, m->len, &env, NOW);
		g_assert_true(sm_result_body_changed(a));
		g_assert_true((a->owned != NULL) == (sizes[k] <= 128 * 1024));
		g_assert_true((a->mapped != NULL) == (sizes[k] > 128 * 1024));
		g_assert_true(a->raw == (a->owned ? a->owned : a->mapped));
		ra = render(a, &env);
		rb = render(b, &env);
		g_assert_cmpstr(ra, ==, rb);
		g_free(ra);
		sm_result_free(a);
		a = sm_scan_fd_sized(p, fd, m->len, -1, &env, NOW); /* the worker's way */
		ra = render(a, &env);
		g_assert_cmpstr(ra, ==, rb);
		g_free(ra);
		g_free(rb);
		sm_result_free(a);
		sized_wrong(p, fd, m->len - 1, &env);
		sized_wrong(p, fd, m->len + 1, &env);
		sized_wrong(p, fd, 0, &env);
		sm_result_free(b);
		close(fd);
		unlink(path);
		g_string_free(m, TRUE);
	}
	sm_policy_unref(p);
}

/* The wire of a masked corpus message, its message fd and a spill fd. */
static void *sample(sm_policy *p, int *fd, size_t *len)
{
	char *path = g_build_filename(sm_test_top(), "tests", "corpus",
				      "c01_iso2022jp_card_kanji.eml", NULL);
	const char *rcpts[] = {"<supportmail@microsoft.com>", NULL};
	sm_envelope env = {"QID1", "<a@example.co.jp>", rcpts};
	sm_result *r;
	void *wire;

	*fd = open(path, O_RDONLY);
	g_assert_cmpint(*fd, >=, 0);
	r = sm_scan_fd(p, *fd, &env, NOW);
	g_assert_true(sm_result_body_changed(r));
	wire = sm_result_wire(r, len);
	sm_result_free(r);
	g_free(path);
	return wire;
}

/* Blank lines before the first header field, and a card to mask: where
 * the header block starts (sm_frame.hdr_start) crosses the wire, so the
 * message written by the daemon keeps those lines where they were. */
static void test_leading_blank(void)
{
	sm_policy *p = policy(0);
	const char *msg = "\n   \nFrom: a@example.co.jp\nTo: supportmail@microsoft.com\n"
			  "Subject: [SR#2412100040112233] card\n\ncard 4111 1111 1111 1111\n";
	char path[] = "/tmp/sm-wire-lb-XXXXXX";
	guint changed = 0;
	int fd = mkstemp(path);

	g_assert_cmpint(write(fd, msg, strlen(msg)), ==, (ssize_t)strlen(msg));
	close(fd);
	round_trip(p, path, &changed);
	g_assert_cmpuint(changed, ==, 1);
	unlink(path);
	sm_policy_unref(p);
}

static void test_hostile_bytes(void)
{
	sm_policy *p = policy(0);
	char err[256];
	size_t len, i, ok = 0;
	int fd;
	uint8_t *wire = sample(p, &fd, &len), *bad;
	sm_result *w;

	for (i = 0; i < len; i++) { /* every truncation is refused */
		w = sm_result_unwire(p, wire, i, fd, NULL, fsize(fd), -1, err, sizeof(err));
		g_assert_null(w);
		sm_result_free(w);
	}
	bad = g_memdup2(wire, len);
	for (i = 0; i < len; i++) { /* a flipped byte: refused or a sane result */
		bad[i] ^= 0xa5;
		w = sm_result_unwire(p, bad, len, fd, NULL, fsize(fd), -1, err, sizeof(err));
		if (w) {
			char *s = render(w, NULL);

			ok++;
			g_free(s);
		}
		sm_result_free(w);
		bad[i] = wire[i];
	}
	g_test_message("%zu of %zu flipped bytes still decode", ok, len);
	w = sm_result_unwire(p, wire, len, fd, NULL, fsize(fd), -1, err, sizeof(err));
	g_assert_nonnull(w);
	sm_result_free(w);
	g_free(bad);
	g_free(wire);
	close(fd);
	sm_policy_unref(p);
}

/* Splices are checked: in order, inside the message, spill only with a file. */
static void test_splice_checks(void)
{
	sm_policy *p = policy(0);
	char err[256] = "";
	size_t len, off;
	int fd;
	uint8_t *wire = sample(p, &fd, &len);
	uint64_t start = 0, end, msglen;
	uint32_t kind;
	sm_result *w;

	/* the message length sits after the magic and 9 flags; the first splice
	 * is found by its start: the offset of the first masked byte */
	memcpy(&msglen, wire + 13, 8);
	for (off = 0; off + 20 <= len; off++) {
		memcpy(&start, wire + off, 8);
		memcpy(&end, wire + off + 8, 8);
		memcpy(&kind, wire + off + 16, 4);
		if (start > 100 && start < end && end <= msglen && kind == 0)
			break;
	}
	g_assert_cmpuint(off + 20, <=, len);
	end = msglen + 1;
	memcpy(wire + off + 8, &end, 8);
	w = sm_result_unwire(p, wire, len, fd, NULL, fsize(fd), -1, err, sizeof(err));
	g_assert_null(w);
	g_assert_nonnull(strstr(err, "splice"));
	end = start - 1;
	memcpy(wire + off + 8, &end, 8);
	g_assert_null(sm_result_unwire(p, wire, len, fd, NULL, fsize(fd), -1, err, sizeof(err)));
	g_free(wire);
	close(fd);
	sm_policy_unref(p);
}

/* A copy of fd's n bytes in a new file at path (open read-write). */
static int copy_of(int fd, size_t n, char *path)
{
	char *buf = g_malloc(n);
	int c = mkstemp(path);

	g_assert_cmpint(pread(fd, buf, n, 0), ==, (ssize_t)n);
	g_assert_cmpint(write(c, buf, n), ==, (ssize_t)n);
	g_free(buf);
	return c;
}

/* Everything but the writers and the notice: they leave the spool unmapped. */
static void read_all_but_message(const sm_result *w)
{
	char *s = sm_result_json(w);

	g_free(s);
	s = sm_result_audit_json(w, NULL, NOW);
	g_free(s);
	s = sm_result_summary(w);
	g_free(s);
	g_assert_null(w->mapped);
}

/* An unwired result maps the spool only when something reads the message
 * (the writers, the notice past its outcome checks); msg_len must be the
 * wire's length; a spool that no longer holds msg_len bytes (one short, one
 * over) or cannot be mapped (write-only) fails closed: sm_result_load -1,
 * the writers -1, no notice. */
static void test_lazy_load(void)
{
	const char *plain = "From: a@example.co.jp\nTo: supportmail@microsoft.com\n"
			    "Subject: [SR#2412100040112233] agent\n\nthe agent restarted\n";
	const char *rcpts[] = {"<supportmail@microsoft.com>", NULL};
	sm_envelope env = {"QID1", "<a@example.co.jp>", rcpts};
	sm_policy *p = policy(0);
	char err[256] = "", path[] = "/tmp/sm-wire-lazy-XXXXXX";
	const char *why = NULL;
	size_t len, n;
	int fd, c, i;
	uint8_t *wire = sample(p, &fd, &len);
	GString *g = g_string_new(NULL);
	sm_result *w, *r;
	char *notice;

	n = fsize(fd);
	g_assert_null(sm_result_unwire(p, wire, len, fd, NULL, n + 1, -1, err, sizeof(err)));
	g_assert_nonnull(strstr(err, "length"));
	g_assert_null(sm_result_unwire(p, wire, len, fd, NULL, n - 1, -1, err, sizeof(err)));
	w = sm_result_unwire(p, wire, len, fd, NULL, n, -1, err, sizeof(err));
	g_assert_nonnull(w);
	read_all_but_message(w);
	g_assert_true(sm_result_reads_message(w));
	g_assert_cmpint(sm_result_write_body(w, collect, g), ==, 0);
	g_assert_nonnull(w->mapped);
	g_assert_cmpint(sm_result_load(w, err, sizeof(err)), ==, 0);
	sm_result_free(w);
	for (i = 0; i < 3; i++) { /* the spool changed or unreadable after the scan */
		c = copy_of(fd, n, path);
		if (i == 2) {
			close(c);
			c = open(path, O_WRONLY);
		}
		w = sm_result_unwire(p, wire, len, c, NULL, n, -1, err, sizeof(err));
		g_assert_nonnull(w);
		if (i < 2)
			g_assert_cmpint(ftruncate(c, (off_t)(i == 0 ? n - 1 : n + 1)), ==, 0);
		read_all_but_message(w);
		notice = sm_result_notice(w, "QID1", NOW, &why);
		g_assert_null(notice);
		g_assert_cmpstr(why, ==, "the message could not be read");
		g_assert_cmpint(sm_result_write_message(w, collect, g), ==, -1);
		g_assert_cmpint(sm_result_write_body(w, collect, g), ==, -1);
		*err = '\0';
		g_assert_cmpint(sm_result_load(w, err, sizeof(err)), ==, -1);
		g_assert_cmpstr(err, !=, "");
		g_assert_null(w->mapped);
		sm_result_free(w);
		close(c);
		unlink(path);
		strcpy(path, "/tmp/sm-wire-lazy-XXXXXX");
	}
	g_free(wire);
	close(fd);
	/* nothing changed: applying it reads nothing, the notice does not either */
	fd = mkstemp(path);
	g_assert_cmpint(write(fd, plain, strlen(plain)), ==, (ssize_t)strlen(plain));
	r = sm_scan_fd(p, fd, &env, NOW);
	wire = sm_result_wire(r, &len);
	w = sm_result_unwire(p, wire, len, fd, NULL, strlen(plain), -1, err, sizeof(err));
	g_assert_nonnull(w);
	g_assert_false(sm_result_reads_message(w));
	read_all_but_message(w);
	g_assert_null(sm_result_notice(w, "QID1", NOW, &why));
	g_assert_null(w->mapped);
	sm_result_free(w);
	sm_result_free(r);
	g_free(wire);
	close(fd);
	unlink(path);
	g_string_free(g, TRUE);
	sm_policy_unref(p);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/result_wire/corpus", test_corpus);
	g_test_add_func("/result_wire/spilled", test_spilled);
	g_test_add_func("/result_wire/quoted", test_quoted);
	g_test_add_func("/result_wire/fd_read_or_map", test_fd_read_or_map);
	g_test_add_func("/result_wire/fd_sized_empty", test_fd_sized_empty);
	g_test_add_func("/result_wire/leading_blank", test_leading_blank);
	g_test_add_func("/result_wire/hostile_bytes", test_hostile_bytes);
	g_test_add_func("/result_wire/splice_checks", test_splice_checks);
	g_test_add_func("/result_wire/lazy_load", test_lazy_load);
	return g_test_run();
}
