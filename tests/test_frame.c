/*
 * test_frame.c - the header block as the MTA sees it (frame.c) and the
 * lenient readings built on it (msg.c): whitespace or an mbox From line
 * before the first field, a header block without an empty line after it,
 * a multipart without a usable boundary read as one text leaf.  Every part
 * located by its bytes in the original message.
 */
#include "msg.h"
#include "testutil.h"

#include <sys/mman.h>
#include <unistd.h>

static const sm_limits lim = {
	.max_message_bytes = 64 << 20, .max_parts = 100, .max_depth = 10,
	.max_header_bytes = 65536, .max_headers = 100, .max_part_bytes = 64 << 20,
	.max_total_bytes = 64 << 20, .max_findings = 100,
};

static void frame_is(const char *raw, size_t hs, size_t he, size_t bo)
{
	sm_frame f;

	sm_msg_find_body((const uint8_t *)raw, strlen(raw), &f);
	g_assert_cmpuint(f.hdr_start, ==, hs);
	g_assert_cmpuint(f.hdr_end, ==, he);
	g_assert_cmpuint(f.body_off, ==, bo);
}

#define H "From: a@example.com\r\nSubject: s\r\n"

static void test_frame_start(void)
{
	frame_is(H "\r\nbody\r\n", 0, 33, 35);
	frame_is("\r\n" H "\r\nbody\r\n", 2, 35, 37);          /* a leading empty line */
	frame_is("   \r\n\t\r\n" H "\r\nbody\r\n", 8, 41, 43); /* lines of blanks */
	frame_is("\n\n" "From: a\n\nb\n", 2, 10, 11);
	frame_is("From a@example.com Mon Dec  2 10:00:00 2024\n" "From: a\n\nb\n", 44, 52, 53);
	/* blanks, then no field: no header block at all; Postfix reads the
	 * same (the first line is not a field, so the body starts there) */
	frame_is("   \r\nhello\r\n", 0, 0, 0);
	frame_is("\r\nhello\r\n", 0, 0, 2);
	frame_is("\tX\r\n" H "\r\nb\r\n", 0, 0, 0); /* a continuation of nothing */
	frame_is("From a\nFrom b\nX: y\n\n", 0, 0, 0);  /* one mbox line at most */
}

static void test_frame_end(void)
{
	frame_is(H "hello\r\n", 0, 33, 33);           /* no empty line: the body starts */
	frame_is(H "hello: world\r\n", 0, 47, 47);    /* a field to Postfix too */
	frame_is(H "two words: x\r\n", 0, 33, 33);    /* a blank in a name: body */
	frame_is(H, 0, 33, 33);                       /* no body */
	frame_is("From: a\r\nSubject: s", 0, 19, 19); /* no line end either */
	frame_is(H " folded\r\n\tagain\r\n\r\nb", 0, 50, 52);
	frame_is("Subject : s\r\n\r\nb", 0, 13, 15);  /* blanks before the colon */
	frame_is("S\xc3\xa9: s\r\n\r\nb", 0, 0, 0);   /* 8-bit name: not a field */
	frame_is(H "   \r\nmore\r\n\r\nb", 0, 38, 38); /* blanks continue, "more" ends */
	frame_is("", 0, 0, 0);
}

static sm_msg *parse(const char *raw)
{
	return sm_msg_parse((const uint8_t *)raw, strlen(raw), &lim);
}

static const sm_part *part(const sm_msg *m, guint i)
{
	g_assert_cmpuint(i, <, m->parts->len);
	return i < m->parts->len ? g_ptr_array_index(m->parts, i) : NULL;
}

/* Part i's content is exactly text. */
static void content_is(const char *raw, const sm_msg *m, guint i, const char *text)
{
	const sm_part *p = part(m, i);

	if (!p)
		return;
	g_assert_cmpuint(p->cend - p->cstart, ==, strlen(text));
	g_assert_true(p->cend - p->cstart == strlen(text) &&
		      memcmp(raw + p->cstart, text, strlen(text)) == 0);
}

static void test_parse_lenient(void)
{
	static const char *const lead[] = {
		"   \r\n" H "\r\nhello\r\n", "\r\n" H "\r\nhello\r\n",
		"From x Mon Dec  2 10:00:00 2024\r\n" H "\r\nhello\r\n",
		H "hello\r\n", /* no empty line: GMime is given one */
	};

	for (guint i = 0; i < G_N_ELEMENTS(lead); i++) {
		sm_msg *m = parse(lead[i]);

		g_assert_cmpint(m->status, ==, SM_MSG_OK);
		g_assert_cmpstr(m->subject, ==, "s");
		g_assert_cmpuint(m->parts->len, ==, 1);
		content_is(lead[i], m, 0, "hello\r\n");
		sm_msg_free(m);
	}
	{
		const char *raw = H "Content-Type: multipart/mixed; boundary=b\r\n"
				    "--b\r\n\r\none\r\n--b\r\nContent-Type: text/plain\r\n\r\ntwo\r\n--b--\r\n";
		sm_msg *m = parse(raw);

		g_assert_cmpint(m->status, ==, SM_MSG_OK);
		g_assert_cmpuint(m->parts->len, ==, 2);
		content_is(raw, m, 0, "one");
		content_is(raw, m, 1, "two");
		sm_msg_free(m);
	}
}

#define MP(ct) H "MIME-Version: 1.0\r\nContent-Type: " ct "\r\n\r\n"
#define INNER0 "--x\r\nContent-Type: text/plain\r\n\r\ncard 4111\r\n--x--"
#define INNER INNER0 "\r\n"

static void test_parse_unsplit(void)
{
	static const char *const cts[] = {
		"multipart/mixed", "multipart/mixed; boundary=\"\"", "multipart/mixed; boundary=abc",
		"multipart/mixed; boundary=\"ab\r\n c\"", "multipart/alternative; boundary=x-y",
	};

	for (guint i = 0; i < G_N_ELEMENTS(cts); i++) {
		char *raw = g_strconcat(H "MIME-Version: 1.0\r\nContent-Type: ", cts[i], "\r\n\r\n",
					INNER, NULL);
		sm_msg *m = parse(raw);

		g_assert_cmpint(m->status, ==, SM_MSG_OK);
		g_assert_cmpuint(m->parts->len, ==, 1);
		content_is(raw, m, 0, INNER);
		g_assert_cmpstr(part(m, 0)->ctype, ==, "text/plain");
		g_assert_true(part(m, 0)->body);
		sm_msg_free(m);
		g_free(raw);
	}
	{
		/* nested: the leaf ends at the line end before the parent's delimiter */
		const char *raw = MP("multipart/mixed; boundary=P")
			"--P\r\nContent-Type: text/plain\r\n\r\nfirst\r\n"
			"--P\r\nContent-Type: multipart/related\r\n\r\n" INNER "more\r\n"
			"--P\r\nContent-Type: text/plain\r\n\r\nlast\r\n--P--\r\n";
		sm_msg *m = parse(raw);

		g_assert_cmpint(m->status, ==, SM_MSG_OK);
		g_assert_cmpuint(m->parts->len, ==, 3);
		content_is(raw, m, 0, "first");
		content_is(raw, m, 1, INNER "more");
		content_is(raw, m, 2, "last");
		g_assert_cmpstr(part(m, 1)->loc, ==, "2");
		sm_msg_free(m);
	}
	{
		/* its header block runs into the next delimiter (no empty line): an
		 * empty leaf, not one that reaches into the next part */
		const char *raw = MP("multipart/mixed; boundary=P")
			"--P\r\nContent-Type: multipart/related\r\n"
			"--P\r\nContent-Type: text/plain\r\n\r\nlast\r\n\r\nmore\r\n--P--\r\n";
		sm_msg *m = parse(raw);

		g_assert_cmpint(m->status, ==, SM_MSG_OK);
		g_assert_cmpuint(m->parts->len, ==, 2);
		content_is(raw, m, 0, "");
		content_is(raw, m, 1, "last\r\n\r\nmore");
		sm_msg_free(m);
	}
	{
		/* inside an attached message: up to the delimiter around it */
		const char *raw = MP("multipart/mixed; boundary=P")
			"--P\r\nContent-Type: message/rfc822\r\n\r\n"
			"Subject: in\r\nContent-Type: multipart/mixed\r\n\r\n" INNER
			"--P--\r\n";
		sm_msg *m = parse(raw);

		g_assert_cmpint(m->status, ==, SM_MSG_OK);
		g_assert_cmpuint(m->parts->len, ==, 1);
		content_is(raw, m, 0, INNER0); /* the line end belongs to the delimiter */
		g_assert_true(part(m, 0)->in_message);
		sm_msg_free(m);
	}
}

/* An attached message whose header block has no empty line after it: the
 * lines GMime would drop as invalid fields are a text leaf "LOC.text". */
static void test_parse_inner_noblank(void)
{
	static const char *const tails[] = {"\r\n--P--\r\n", "\r\n\r\nrest\r\n--P--\r\n"};

	for (guint i = 0; i < G_N_ELEMENTS(tails); i++) {
		char *raw = g_strconcat(MP("multipart/mixed; boundary=P"),
					"--P\r\nContent-Type: message/rfc822\r\n\r\n"
					"From: b@example.com\r\nSubject: in\r\nHello,\r\ncard 4111",
					tails[i], NULL);
		sm_msg *m = parse(raw);
		const sm_part *p;

		g_assert_cmpint(m->status, ==, SM_MSG_OK);
		g_assert_cmpuint(m->parts->len, >=, 1);
		content_is(raw, m, 0, "Hello,\r\ncard 4111");
		p = part(m, 0);
		g_assert_cmpstr(p ? p->loc : "", ==, "1.text");
		g_assert_cmpuint(m->hblocks->len, ==, 1);
		if (m->hblocks->len) /* the header block ends before them */
			g_assert_cmpuint(g_array_index(m->hblocks, sm_hblock, 0).end, ==,
					 (size_t)(strstr(raw, "Hello,") - raw));
		sm_msg_free(m);
		g_free(raw);
	}
}

/* Preambles and epilogues GMime copies lossily are located in the bytes. */
#define S(x) x, sizeof(x) - 1
static void test_parse_gaps(void)
{
	static const struct {
		const char *pre;
		size_t plen;
		const char *want;
		size_t wlen;
	} pres[] = {
		{S("note\ncard 4111\n"), S("note\ncard 4111")},             /* LF in a CRLF message */
		{S("note\r\r\ncard 4111\r\n"), S("note\r\r\ncard 4111")}, /* CR CR LF */
		{S("x\0card 4111\r\n"), S("x\0card 4111")},                /* a NUL */
	};

	for (guint i = 0; i < G_N_ELEMENTS(pres); i++) {
		GString *raw = g_string_new(MP("multipart/mixed; boundary=P"));
		sm_msg *m;

		g_string_append_len(raw, pres[i].pre, (gssize)pres[i].plen);
		g_string_append(raw, "--P\r\nContent-Type: text/plain\r\n\r\nhi\r\n--P--\r\n");
		g_string_append_len(raw, pres[i].pre, (gssize)pres[i].plen);
		m = sm_msg_parse((const uint8_t *)raw->str, raw->len, &lim);
		g_assert_cmpint(m->status, ==, SM_MSG_OK);
		g_assert_cmpuint(m->parts->len, ==, 3);
		if (m->parts->len == 3) {
			const sm_part *a = part(m, 0), *z = part(m, 2);

			g_assert_cmpstr(a->loc, ==, "preamble");
			g_assert_cmpuint(a->cend - a->cstart, ==, pres[i].wlen);
			g_assert_true(a->cend - a->cstart == pres[i].wlen &&
				      memcmp(raw->str + a->cstart, pres[i].want, pres[i].wlen) == 0);
			g_assert_cmpstr(z->loc, ==, "epilogue");
			g_assert_cmpuint(z->cend, ==, raw->len); /* to the end, NUL or not */
		}
		sm_msg_free(m);
		g_string_free(raw, TRUE);
	}
	{
		/* an inner multipart ended by its parent's delimiter, its close
		 * delimiter in the next part: its epilogue gives up those bytes */
		static const char *const tails[] = {"epi\r\n", "epi--\r\n", "epi\r--\n"};

		for (guint i = 0; i < G_N_ELEMENTS(tails); i++) {
			char *raw = g_strconcat(
				MP("multipart/mixed; boundary=P"),
				"--P\r\nContent-Type: multipart/alternative; boundary=in\r\n\r\n"
				"--in\r\nContent-Type: text/plain\r\n\r\nx\r\n"
				"--P\r\n\r\n--in--\r\n",
				tails[i], "--P--\r\n", NULL);
			/* GMime reads this differently from a file: both ways */
			int fd = memfd_create("frame", 0);
			sm_msg *m = parse(raw);

			g_assert_cmpint(m->status, ==, SM_MSG_OK);
			sm_msg_free(m);
			g_assert_cmpint(write(fd, raw, strlen(raw)), ==, (ssize_t)strlen(raw));
			m = sm_msg_parse_fd((const uint8_t *)raw, strlen(raw), fd, &lim);
			g_assert_cmpint(m->status, ==, SM_MSG_OK);
			sm_msg_free(m);
			close(fd);
			g_free(raw);
		}
	}
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/frame/start", test_frame_start);
	g_test_add_func("/frame/end", test_frame_end);
	g_test_add_func("/frame/parse_lenient", test_parse_lenient);
	g_test_add_func("/frame/parse_unsplit", test_parse_unsplit);
	g_test_add_func("/frame/parse_inner_noblank", test_parse_inner_noblank);
	g_test_add_func("/frame/parse_gaps", test_parse_gaps);
	return g_test_run();
}
