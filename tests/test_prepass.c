/*
 * test_prepass.c - the count before GMime builds (mime/prepass.c): parts,
 * nesting, header fields and header bytes, each at its limit and one past
 * it, agreeing with the walk of msg.c; boundaries quoted, as tokens, folded;
 * inner messages; empty parts without blank lines; 400,000 empty parts
 * stopped before anything is built; a message whose last byte ends a page
 * (the next one unmapped) read without going past it.
 */
#include "msg.h"
#include "prepass.h"
#include "testutil.h"

#include <sys/mman.h>
#include <unistd.h>

static sm_limits limits(void)
{
	sm_limits l = {0};

	l.max_message_bytes = 64 << 20;
	l.max_parts = 5;
	l.max_depth = 3;
	l.max_header_bytes = 1024;
	l.max_headers = 10;
	l.max_part_bytes = 64 << 20;
	l.max_total_bytes = 64 << 20;
	l.max_findings = 100;
	return l;
}

/* The pre-pass alone, and the whole parse: both must agree. */
static void expect(const char *m, bool ok, const char *what)
{
	sm_limits l = limits();
	char w[160] = "";
	int rc = sm_mime_prepass((const uint8_t *)m, strlen(m), &l, w, sizeof(w));
	sm_msg *msg = sm_msg_parse((const uint8_t *)m, strlen(m), &l);

	g_assert_cmpint(rc, ==, ok ? 0 : -1);
	g_assert_cmpint(msg->status, ==, ok ? SM_MSG_OK : SM_MSG_LIMIT);
	if (!ok && !strstr(w, what)) {
		g_test_message("'%s' lacks '%s'", w, what);
		g_test_fail();
	}
	sm_msg_free(msg);
}

static char *parts(int n, const char *ctype_tail, const char *sep)
{
	GString *g = g_string_new(NULL);

	g_string_append_printf(g, "To: a@b.example\nContent-Type: multipart/mixed;%s\n\n", ctype_tail);
	for (int i = 0; i < n; i++)
		g_string_append_printf(g, "--B%s", sep);
	g_string_append(g, "--B--\n");
	return g_string_free(g, FALSE);
}

static void test_parts(void)
{
	/* the multipart and 4 parts: 5 entities, at the limit; 5 parts: past */
	const char *tails[] = {" boundary=\"B\"", " boundary=B", "\n  BOUNDARY=\"B\"; x=y",
			       " charset=x;boundary = B", NULL};

	for (int t = 0; tails[t]; t++) {
		char *at = parts(4, tails[t], "\nContent-Type: text/plain\n\nx\n");
		char *past = parts(5, tails[t], "\nContent-Type: text/plain\n\nx\n");

		expect(at, true, NULL);
		expect(past, false, "too many MIME parts");
		g_free(at);
		g_free(past);
	}
	{ /* empty parts with no blank line: still parts */
		char *at = parts(4, " boundary=B", "\n"), *past = parts(5, " boundary=B", "\n");
		sm_limits l = limits();
		char w[160];

		g_assert_cmpint(sm_mime_prepass((const uint8_t *)at, strlen(at), &l, w, sizeof(w)), ==,
				0);
		g_assert_cmpint(sm_mime_prepass((const uint8_t *)past, strlen(past), &l, w, sizeof(w)),
				==, -1);
		g_free(at);
		g_free(past);
	}
	/* "--B" in a part that is no multipart: no boundary in force */
	expect("To: a@b.example\nContent-Type: text/plain\n\n--B\n--B\n--B\n--B\n--B\n--B\n", true,
	       NULL);
}

static char *nested(int levels)
{
	GString *g = g_string_new("To: a@b.example\nContent-Type: multipart/mixed; boundary=b0\n\n");

	for (int i = 1; i < levels; i++)
		g_string_append_printf(g, "--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n",
				       i - 1, i);
	g_string_append_printf(g, "--b%d\n\nbottom\n", levels - 1);
	for (int i = levels; i-- > 0;)
		g_string_append_printf(g, "--b%d--\n", i);
	return g_string_free(g, FALSE);
}

static void test_depth(void)
{
	sm_limits l = limits();
	char *at = nested(3), *past = nested(4);

	l.max_parts = 100;
	expect(at, true, NULL);
	g_free(at);
	{
		char w[160] = "";

		g_assert_cmpint(sm_mime_prepass((const uint8_t *)past, strlen(past), &l, w, sizeof(w)),
				==, -1);
		g_assert_nonnull(strstr(w, "nesting"));
	}
	g_free(past);
	/* an inner message is one level, and its multipart one more */
	expect("To: a@b.example\nContent-Type: multipart/mixed; boundary=o\n\n"
	       "--o\nContent-Type: message/rfc822\n\n"
	       "Subject: inner\nContent-Type: multipart/mixed; boundary=i\n\n"
	       "--i\n\ndeep\n--i--\n--o--\n",
	       true, NULL);
	expect("To: a@b.example\nContent-Type: multipart/mixed; boundary=o\n\n"
	       "--o\nContent-Type: message/rfc822\n\n"
	       "Subject: inner\nContent-Type: multipart/mixed; boundary=i\n\n"
	       "--i\nContent-Type: multipart/mixed; boundary=j\n\n--j\n\ntoo deep\n--j--\n--i--\n"
	       "--o--\n",
	       false, "nesting");
}

static void test_headers(void)
{
	GString *at = g_string_new("To: a@b.example\nContent-Type: multipart/mixed; boundary=B\n\n"
				   "--B\n"), *past;

	for (int i = 0; i < 10; i++)
		g_string_append_printf(at, "X-F%d: v\n", i);
	g_string_append(at, "\nbody\n--B--\n");
	expect(at->str, true, NULL);
	past = g_string_new(at->str);
	g_string_replace(past, "X-F0: v\n", "X-F0: v\nX-Extra: v\n", 1);
	expect(past->str, false, "too many header fields");
	/* bytes of one part's header block: 1024 at most */
	g_string_assign(at, "To: a@b.example\nContent-Type: multipart/mixed; boundary=B\n\n--B\nX-L: ");
	{
		size_t start = at->len - 5; /* the block starts at "X-L: " */

		while (at->len - start < 1023)
			g_string_append_c(at, 'x');
		g_string_append(at, "\n\nbody\n--B--\n");
		expect(at->str, true, NULL);
		g_string_insert_c(at, (gssize)start + 6, 'x');
		expect(at->str, false, "header block too large");
	}
	g_string_free(at, TRUE);
	g_string_free(past, TRUE);
}

/* 400,000 empty parts in 3.6 MB: stopped by the count, nothing built. */
static void test_many_empty_parts(void)
{
	GString *g = g_string_new("To: a@b.example\nContent-Type: multipart/mixed; boundary=e\n\n");
	sm_limits l = limits();
	sm_msg *m;

	for (int i = 0; i < 400000; i++)
		g_string_append(g, "--e\r\n\r\n\r\n");
	g_string_append(g, "--e--\r\n");
	l.max_parts = 1000;
	m = sm_msg_parse((const uint8_t *)g->str, g->len, &l);
	g_assert_cmpint(m->status, ==, SM_MSG_LIMIT);
	g_assert_null(m->top); /* GMime never ran */
	g_assert_nonnull(strstr(m->limit_what, "too many MIME parts"));
	sm_msg_free(m);
	g_string_free(g, TRUE);
}

/* The message's last line is a Content-Transfer-Encoding field and its last
 * byte the last of a mapped page: nothing after it may be read (the value
 * was once copied with g_strlcpy, which reads to a NUL). */
static void test_end_of_buffer(void)
{
	static const char *const tail[] = {
		"Content-Type: message/rfc822\nContent-Transfer-Encoding: base64",
		"Content-Type: message/rfc822\nContent-Transfer-Encoding:   ",
		"Content-Type: message/rfc822\nContent-Transfer-Encoding: "
		"quoted-printable-and-a-value-longer-than-kept",
	};
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);

	g_assert_true(map != MAP_FAILED);
	g_assert_cmpint(mprotect(map + pg, (size_t)pg, PROT_NONE), ==, 0);
	for (size_t i = 0; i < G_N_ELEMENTS(tail); i++) {
		size_t n = strlen(tail[i]);
		uint8_t *at = map + pg - n;
		sm_limits l = limits();
		char w[160] = "";

		memset(map, 'x', (size_t)pg); /* no NUL anywhere before the guard page */
		memcpy(at, tail[i], n);
		g_assert_cmpint(sm_mime_prepass(at, n, &l, w, sizeof(w)), ==, 0);
	}
	munmap(map, (size_t)pg * 2);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/prepass/parts", test_parts);
	g_test_add_func("/prepass/depth", test_depth);
	g_test_add_func("/prepass/headers", test_headers);
	g_test_add_func("/prepass/many_empty_parts", test_many_empty_parts);
	g_test_add_func("/prepass/end_of_buffer", test_end_of_buffer);
	return g_test_run();
}
