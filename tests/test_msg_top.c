/*
 * test_msg_top.c - the top-level entity parsed as a part (msg.c) gives
 * what a GMime message gave: for crafted messages (fields repeated, in
 * other case, Content-* among the others, an mbox "From " line first (frame.c
 * starts the view after it), "From :" as a field, an
 * encoded message at the top, no header block) and every message of
 * tests/corpus and the shared public corpus, GMime's message built over
 * the same bytes is the reference: the message's fields in order (names,
 * decoded values), its Message-Id (the last field's), the Subject (the
 * first), the count of the top part's fields and where its last one is.
 */
#include "msg.h"
#include "msg_int.h"
#include "rfc2047.h"
#include "testutil.h"

#include <gmime/gmime.h>

static const sm_limits lim = {
	.max_message_bytes = 64 << 20, .max_parts = 1000, .max_depth = 20,
	.max_header_bytes = 1 << 20, .max_headers = 10000, .max_part_bytes = 64 << 20,
	.max_total_bytes = 64 << 20, .max_findings = 100,
};

/* GMime's message over raw[from, len), as msg.c built it before. */
static GMimeMessage *reference(const uint8_t *raw, size_t from, size_t len)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer((const char *)raw + from, len - from);
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);

	g_object_unref(p);
	g_object_unref(st);
	return msg;
}

static void compare_mode(const char *name, const uint8_t *raw, size_t len, sm_parse_mode mode)
{
	sm_frame f;
	sm_msg *m;
	GMimeMessage *ref;
	GMimeHeaderList *hl;
	GMimeObject *rtop;
	GMimeHeader *last;
	char **names, **values;
	const char *rawsub = NULL;
	int i, n;

	sm_msg_find_body(raw, len, &f);
	if (f.body_off <= f.hdr_end)
		return; /* msg.c hands GMime a copy with an empty line: not compared here */
	m = sm_msg_parse_mode(raw, len, -1, &lim, mode);
	ref = reference(raw, f.hdr_start, len);
	g_test_message("%s", name);
	g_assert_cmpint(m->status != SM_MSG_ERROR, ==, ref != NULL);
	if (!ref || m->status == SM_MSG_ERROR) {
		sm_msg_free(m);
		if (ref)
			g_object_unref(ref);
		return;
	}
	hl = g_mime_object_get_header_list((GMimeObject *)ref);
	n = g_mime_header_list_get_count(hl);
	sm_msg_headers(m, &names, &values);
	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *v = g_mime_header_get_raw_value(h);
		char *want = g_strstrip(sm_header_decode(v ? v : "", v ? strlen(v) : 0));

		g_assert_nonnull(names[i]);
		if (!names[i])
			break;
		g_assert_cmpstr(names[i], ==, g_mime_header_get_name(h));
		g_assert_cmpstr(values[i], ==, want);
		if (!rawsub && g_ascii_strcasecmp(g_mime_header_get_name(h), "Subject") == 0)
			rawsub = v;
		g_free(want);
	}
	if (i == n)
		g_assert_null(names[n]);
	g_strfreev(names);
	g_strfreev(values);
	{
		const char *id = g_mime_message_get_message_id(ref);
		char *want = id ? g_utf8_make_valid(id, -1) : NULL;
		char *sub = rawsub ? g_strstrip(sm_header_decode(rawsub, strlen(rawsub))) : NULL;

		g_assert_cmpstr(m->message_id, ==, want);
		g_assert_cmpstr(m->subject, ==, sub);
		g_free(want);
		g_free(sub);
	}
	rtop = g_mime_message_get_mime_part(ref);
	if (m->fields) /* read by the fast reader: no GMime tree (test_msg_fast.c) */
		rtop = NULL;
	else
		g_assert_cmpint(rtop != NULL, ==, m->top != NULL);
	if (rtop && m->top) {
		GMimeHeaderList *th = g_mime_object_get_header_list(rtop);
		int tn = g_mime_header_list_get_count(th);

		g_assert_cmpint(sm_msg_fields(m, m->top, &last), ==, tn);
		g_assert_cmpint(last != NULL, ==, tn > 0);
		if (last && tn > 0)
			g_assert_cmpint(g_mime_header_get_offset(last), ==,
					g_mime_header_get_offset(g_mime_header_list_get_header_at(th, tn - 1)));
		g_assert_cmpstr(g_mime_object_get_content_type_parameter(m->top, "charset"), ==,
				g_mime_object_get_content_type_parameter(rtop, "charset"));
	}
	g_object_unref(ref);
	sm_msg_free(m);
}

/* GMime's walk, and what sm_msg_parse reads (the fast reader when it
 * accepts the message). */
static void compare(const char *name, const uint8_t *raw, size_t len)
{
	compare_mode(name, raw, len, SM_PARSE_GMIME);
	compare_mode(name, raw, len, SM_PARSE_AUTO);
}

static void test_crafted(void)
{
	static const char *const t[] = {
		"Message-Id: <first@a.example>\nSubject: one\nMessage-ID: <second@a.example>\n"
		"subject: two\n\nbody\n",
		"Content-Type: text/plain; charset=utf-8\nFrom: a@b.example\n"
		"Content-Transfer-Encoding: 8bit\nTo: c@d.example\nContent-Foo: x\nX-A: y\n\nbody\n",
		"From someone@example.org Mon Jan  1 00:00:00 2024\nFrom: a@b.example\n"
		"Subject: =?UTF-8?B?44GC?=\nMessage-Id: <m@b.example>\n\nbody\n",
		">From someone Mon Jan  1 00:00:00 2024\nSubject: s\n\nbody\n",
		"MIME-Version: 1.0\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n"
		"X-After: 1\n\nU3ViamVjdDogaW5uZXIKCmJvZHkK\n",
		"content-type: multipart/mixed; boundary=b\nmessage-id: <x@y>\nCONTENT-DISPOSITION: inline\n\n"
		"--b\nContent-Type: text/plain\n\npart\n--b--\n",
		"Subject: no id\n\n",
		"\n\nbody only\n",
		"Message-Id: not an id at all\nMessage-Id:\n\nbody\n",
		"From : a@b.example\nSubject: s\nMessage-Id: <f@b.example>\n\nbody\n",
		"From  x@y Mon Jan  1 00:00:00 2024:\nSubject: s\n\nbody\n",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		char *name = g_strdup_printf("crafted %zu", i);

		compare(name, (const uint8_t *)t[i], strlen(t[i]));
		g_free(name);
	}
}

static void corpus_dir(const char *rel)
{
	char *path = g_build_filename(sm_test_top(), rel, NULL);
	GDir *d = g_dir_open(path, 0, NULL);
	const char *e;
	int seen = 0;

	g_assert_nonnull(d);
	while (d && (e = g_dir_read_name(d))) {
		char *file = g_build_filename(path, e, NULL);
		gchar *data;
		gsize len;

		if (g_str_has_suffix(e, ".eml") && g_file_get_contents(file, &data, &len, NULL)) {
			compare(e, (const uint8_t *)data, len);
			g_free(data);
			seen++;
		}
		g_free(file);
	}
	g_assert_cmpint(seen, >, 10);
	if (d)
		g_dir_close(d);
	g_free(path);
}

static void test_corpus(void)
{
	corpus_dir("tests/corpus");
	corpus_dir("../shared/corpus/public");
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_mime_init();
	g_test_add_func("/msg_top/crafted", test_crafted);
	g_test_add_func("/msg_top/corpus", test_corpus);
	return g_test_run();
}
