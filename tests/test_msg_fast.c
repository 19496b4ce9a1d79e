/*
 * test_msg_fast.c - the oracle for the fast reader (msg_fast.c, msg_fhdr.c):
 * whenever it accepts a message, its sm_msg must equal the one GMime's walk
 * gives, field by field: status, frame, every part (location, type,
 * charset, file name, boundary, flags, encoding, byte range, depth, gap),
 * the embedded header blocks, Subject, Message-Id, the top-level fields
 * (sm_msg_headers), where each part's header block starts and each part's
 * decoded content.
 *
 * Messages: crafted shapes, tests/corpus, ../shared/corpus/public, the fuzz
 * regressions, every .eml under the directories in SM_ORACLE_DIRS (colon-
 * separated; tests/msg_oracle.t passes the generated realworld, hostile,
 * realistic and end-to-end sets), and SM_ORACLE_MUTANTS (12) random
 * mutations of each (seeded, SM_ORACLE_SEED moves the seed: cut, delimiter lines repeated or removed,
 * header fields folded, line ends changed, case changed, bytes flipped,
 * lines deleted, repeated, inserted), one to three stacked.  The reader must
 * also accept the end-to-end shapes (else it saves nothing).
 */
#include "msg.h"
#include "msg_int.h"
#include "testutil.h"

#include <gmime/gmime.h>

static const sm_limits lim = {
	.max_message_bytes = 64 << 20, .max_parts = 1000, .max_depth = 20,
	.max_header_bytes = 1 << 20, .max_headers = 10000, .max_part_bytes = 64 << 20,
	.max_total_bytes = 64 << 20, .max_findings = 100,
};

typedef struct tally {
	long seen, accepted, differ;
} tally;

static bool streq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

#define DIFF(...)                                                                                  \
	do {                                                                                       \
		g_test_message("%s differs:", name);                                               \
		g_test_message(__VA_ARGS__);                                                       \
		return false;                                                                      \
	} while (0)

static bool same_part(const char *name, const sm_msg *g, const sm_msg *f, guint i)
{
	const sm_part *a = g_ptr_array_index(g->parts, i), *b = g_ptr_array_index(f->parts, i);
	GByteArray *da = g_byte_array_new(), *db = g_byte_array_new();
	int ca = sm_msg_decode(g, a, 1 << 20, da), cb = sm_msg_decode(f, b, 1 << 20, db);
	bool dec = ca == cb && da->len == db->len &&
		   (da->len == 0 || memcmp(da->data, db->data, da->len) == 0);

	g_byte_array_free(da, TRUE);
	g_byte_array_free(db, TRUE);
	if (!streq(a->loc, b->loc) || !streq(a->ctype, b->ctype) || !streq(a->charset, b->charset))
		DIFF("part %u: %s/%s %s/%s %s/%s", i, a->loc, b->loc, a->ctype, b->ctype,
		     a->charset ? a->charset : "-", b->charset ? b->charset : "-");
	if (!streq(a->filename, b->filename) || !streq(a->boundary, b->boundary))
		DIFF("part %u: filename or boundary", i);
	if (a->attachment != b->attachment || a->body != b->body || a->in_message != b->in_message ||
	    a->gap != b->gap || a->unsplit != b->unsplit || a->enc != b->enc || a->depth != b->depth)
		DIFF("part %u (%s): flags, encoding or depth", i, a->loc);
	if (a->cstart != b->cstart || a->cend != b->cend)
		DIFF("part %u (%s): range [%zu,%zu) / [%zu,%zu)", i, a->loc, a->cstart, a->cend,
		     b->cstart, b->cend);
	if (sm_msg_part_header_start(g, a) != sm_msg_part_header_start(f, b))
		DIFF("part %u: header start", i);
	if (!dec)
		DIFF("part %u: decoded content", i);
	return true;
}

static bool same_headers(const char *name, const sm_msg *g, const sm_msg *f)
{
	char **na, **va, **nb, **vb;
	bool ok = true;
	guint i;

	sm_msg_headers(g, &na, &va);
	sm_msg_headers(f, &nb, &vb);
	ok = g_strv_length(na) == g_strv_length(nb);
	for (i = 0; ok && na[i]; i++)
		ok = streq(na[i], nb[i]) && streq(va[i], vb[i]);
	if (!ok)
		g_test_message("%s: top-level field %u differs: %s / %s", name, i,
			       i && na[i - 1] ? na[i - 1] : "", i && nb[i - 1] ? nb[i - 1] : "");
	g_strfreev(na);
	g_strfreev(va);
	g_strfreev(nb);
	g_strfreev(vb);
	return ok;
}

static bool same(const char *name, const sm_msg *g, const sm_msg *f)
{
	if (g->status != f->status || !streq(g->limit_what, f->limit_what))
		DIFF("status %d / %d (%s)", g->status, f->status, g->limit_what);
	if (g->hdr_start != f->hdr_start || g->hdr_end != f->hdr_end || g->body_off != f->body_off ||
	    g->crlf != f->crlf)
		DIFF("frame %zu %zu %zu", g->hdr_start, g->hdr_end, g->body_off);
	if (!streq(g->subject, f->subject) || !streq(g->message_id, f->message_id))
		DIFF("subject or message id: %s / %s", g->message_id ? g->message_id : "-",
		     f->message_id ? f->message_id : "-");
	if (g->hblocks->len != f->hblocks->len)
		DIFF("header blocks %u / %u", g->hblocks->len, f->hblocks->len);
	for (guint i = 0; i < g->hblocks->len; i++) {
		const sm_hblock *a = &g_array_index(g->hblocks, sm_hblock, i);
		const sm_hblock *b = &g_array_index(f->hblocks, sm_hblock, i);

		if (!streq(a->loc, b->loc) || a->start != b->start || a->end != b->end)
			DIFF("header block %u: %s [%zu,%zu) / %s [%zu,%zu)", i, a->loc, a->start,
			     a->end, b->loc, b->start, b->end);
	}
	if (g->parts->len != f->parts->len)
		DIFF("parts %u / %u", g->parts->len, f->parts->len);
	for (guint i = 0; i < g->parts->len; i++)
		if (!same_part(name, g, f, i))
			return false;
	return same_headers(name, g, f);
}

/* Parse raw both ways; counts into t. */
static void compare(const char *name, const uint8_t *raw, size_t len, tally *t)
{
	sm_msg *g = sm_msg_parse_mode(raw, len, -1, &lim, SM_PARSE_GMIME);
	sm_msg *f = sm_msg_parse_mode(raw, len, -1, &lim, SM_PARSE_FAST);

	t->seen++;
	if (f && f->fields) {
		t->accepted++;
		if (!same(name, g, f)) {
			const char *dump = getenv("SM_ORACLE_DUMP"); /* a directory */

			if (t->differ++ < 20 && dump) {
				char *file = g_strdup_printf("%s/%s.eml", dump, name);

				g_file_set_contents(file, (const char *)raw, (gssize)len, NULL);
				g_free(file);
			}
		}
	}
	sm_msg_free(g);
	sm_msg_free(f);
}

/* ---------------------------------------------------------- mutations */

static guint line_start(const GByteArray *b, guint at)
{
	while (at > 0 && b->data[at - 1] != '\n')
		at--;
	return at;
}

static guint line_after(const GByteArray *b, guint at)
{
	while (at < b->len && b->data[at] != '\n')
		at++;
	return at < b->len ? at + 1 : b->len;
}

/* A random line start; prefer one starting with "--" when dashes. */
static guint pick_line(GRand *r, const GByteArray *b, bool dashes)
{
	guint at = line_start(b, (guint)g_rand_int_range(r, 0, (gint32)b->len));

	for (int tries = 0; dashes && tries < 64; tries++) {
		guint s = line_start(b, (guint)g_rand_int_range(r, 0, (gint32)b->len));

		if (s + 1 < b->len && b->data[s] == '-' && b->data[s + 1] == '-')
			return s;
	}
	return at;
}

static void line_ends(GByteArray *b, bool crlf, guint from, guint to)
{
	GByteArray *o = g_byte_array_sized_new(b->len + 64);

	g_byte_array_append(o, b->data, from);
	for (guint i = from; i < to && i < b->len; i++) {
		if (b->data[i] == '\r' && i + 1 < b->len && b->data[i + 1] == '\n' && !crlf)
			continue;
		if (b->data[i] == '\n' && crlf && (i == 0 || b->data[i - 1] != '\r'))
			g_byte_array_append(o, (const guint8 *)"\r", 1);
		g_byte_array_append(o, b->data + i, 1);
	}
	if (to < b->len)
		g_byte_array_append(o, b->data + to, b->len - to);
	g_byte_array_set_size(b, 0);
	g_byte_array_append(b, o->data, o->len);
	g_byte_array_free(o, TRUE);
}

/* raw[at, e) inserted again at at. */
static void repeat(GByteArray *b, guint at, guint e)
{
	guint8 *copy = g_memdup2(b->data + at, e - at);

	g_array_insert_vals((GArray *)b, at, copy, e - at);
	g_free(copy);
}

static void mutate(GRand *r, GByteArray *b)
{
	static const guint8 flips[] = {0, 0x80, 0xff, '-', '\n', '\r', ' ', '\t', ';',
				       '"', '=', ':', '*', '?', '\\', '/', '(', 'A'};
	guint at, e;

	if (b->len < 4)
		return;
	at = (guint)g_rand_int_range(r, 0, (gint32)b->len);
	switch (g_rand_int_range(r, 0, 12)) {
	case 0: /* cut */
		g_byte_array_set_size(b, at);
		break;
	case 1: /* a delimiter line repeated */
		at = pick_line(r, b, true);
		repeat(b, at, line_after(b, at));
		break;
	case 2: /* a delimiter line (or another) removed */
		at = pick_line(r, b, g_rand_boolean(r));
		g_byte_array_remove_range(b, at, line_after(b, at) - at);
		break;
	case 3: /* folded at a blank in the first 2 KB */
		at %= MIN(b->len, 2048);
		while (at < b->len && b->data[at] != ' ')
			at++;
		if (at < b->len)
			g_array_insert_vals((GArray *)b, at, (const guint8 *)(g_rand_boolean(r) ? "\r\n" : "\n"),
						 g_rand_boolean(r) ? 2 : 1);
		break;
	case 4: /* line ends: all, or one line */
		if (g_rand_boolean(r))
			line_ends(b, g_rand_boolean(r), 0, b->len);
		else
			line_ends(b, g_rand_boolean(r), line_start(b, at), line_after(b, at));
		break;
	case 5: /* case changed over a few bytes */
		for (e = at; e < b->len && e < at + 24; e++)
			b->data[e] = (guint8)(g_rand_boolean(r) ? g_ascii_toupper(b->data[e])
								: g_ascii_tolower(b->data[e]));
		break;
	case 6:
	case 7: /* a byte flipped */
		b->data[at] = flips[g_rand_int_range(r, 0, G_N_ELEMENTS(flips))];
		break;
	case 8: /* a line deleted */
		at = line_start(b, at);
		g_byte_array_remove_range(b, at, line_after(b, at) - at);
		break;
	case 9: /* a line repeated */
		at = line_start(b, at);
		repeat(b, at, line_after(b, at));
		break;
	case 10: /* an empty line or a blank inserted at a line start */
		g_array_insert_vals((GArray *)b, line_start(b, at),
					 (const guint8 *)(g_rand_boolean(r) ? "\n" : " "), 1);
		break;
	default: /* a delimiter line with something after it */
		at = pick_line(r, b, true);
		e = line_after(b, at);
		if (e > at + 1)
			g_array_insert_vals((GArray *)b, e - 1, (const guint8 *)(g_rand_boolean(r) ? "x" : " "),
						 1);
		break;
	}
}

static void one(const char *name, const uint8_t *raw, size_t len, GRand *r, int mutants, tally *t)
{
	compare(name, raw, len, t);
	for (int k = 0; k < mutants; k++) {
		GByteArray *b = g_byte_array_sized_new((guint)len + 64);
		int stack = g_rand_int_range(r, 1, 4);
		char *mname = g_strdup_printf("%s mutant %d", name, k);

		g_byte_array_append(b, raw, (guint)len);
		for (int j = 0; j < stack; j++)
			mutate(r, b);
		compare(mname, b->data, b->len, t);
		g_free(mname);
		g_byte_array_free(b, TRUE);
	}
}

/* The mutations' seed: base, moved by SM_ORACLE_SEED (another run, other
 * mutants; the default is fixed so a failure repeats). */
static guint32 seed(guint32 base)
{
	const char *e = getenv("SM_ORACLE_SEED");

	return base + (guint32)(e && *e ? strtoul(e, NULL, 10) : 0) * 1000u;
}

static int mutants(void)
{
	const char *e = getenv("SM_ORACLE_MUTANTS");

	return e && *e ? atoi(e) : 12;
}

/* Every regular file under path (.eml, or any file when all). */
static long walk_dir(const char *path, bool all, GRand *r, tally *t)
{
	GDir *d = g_dir_open(path, 0, NULL);
	const char *e;
	long n = 0;

	while (d && (e = g_dir_read_name(d))) {
		char *file = g_build_filename(path, e, NULL);
		gchar *data;
		gsize len;

		if (g_file_test(file, G_FILE_TEST_IS_DIR))
			n += walk_dir(file, all, r, t);
		else if ((all || g_str_has_suffix(e, ".eml")) &&
			 g_file_get_contents(file, &data, &len, NULL)) {
			one(e, (const uint8_t *)data, len, r, mutants(), t);
			g_free(data);
			n++;
		}
		g_free(file);
	}
	if (d)
		g_dir_close(d);
	return n;
}

static void report(const char *what, const tally *t)
{
	g_test_message("%s: %ld messages, fast reader accepted %ld, %ld differ", what, t->seen,
		       t->accepted, t->differ);
	g_assert_cmpint(t->differ, ==, 0);
}

static const char *const crafted[] = {
	"Subject: plain\nMessage-ID: <a@b.example>\n\nbody\n",
	"Subject: crlf\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n\r\nbody=3D1\r\n",
	"From x@y Mon Jan  1 00:00:00 2024\nSubject: mbox\n\nbody",
	"Subject: alt\nContent-Type: multipart/alternative; boundary=\"b1\"\n\n"
	"--b1\nContent-Type: text/plain; charset=us-ascii\n\ntext\n"
	"--b1\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
	"PGI+aGk8L2I+\n--b1--\n",
	"Subject: mixed\r\nContent-Type: multipart/mixed;\r\n\tboundary=\"out\"\r\n\r\n"
	"This is a multi-part message in MIME format.\r\n\r\n"
	"--out\r\nContent-Type: multipart/related; boundary=in\r\n\r\n"
	"--in\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--in--\r\n\r\n"
	"--out\r\nContent-Type: application/pdf; name=\"r.pdf\"\r\n"
	"Content-Disposition: attachment; filename=\"r.pdf\"\r\n"
	"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--out--\r\nepilogue\r\n",
	"Subject: inline\nContent-Type: multipart/mixed; boundary=z\n\n--z\n"
	"Content-Disposition: inline\n\none\n--z\nContent-Disposition: ATTACHMENT\n\ntwo\n--z--\n",
	/* values the plain grammar declines, read by GMime's parser for them */
	"Subject: jp\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
	"Content-Type: text/plain; charset=ISO-2022-JP\n\nx\n--b\n"
	"Content-Type: application/x-zip-compressed; name=\"=?ISO-2022-JP?B?GyRCRDQ6OiVtJTAbKEIuemlw?=\"\n"
	"Content-Transfer-Encoding: base64\n"
	"Content-Disposition: attachment; filename=\"=?ISO-2022-JP?B?GyRCRDQ6OiVtJTAbKEIuemlw?=\"\n\n"
	"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\n--b--\n",
	"Subject: 2231\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
	"Content-Type: application/octet-stream\r\n"
	"Content-Disposition: attachment;\r\n filename*=UTF-8''%E6%89%8B%E9%A0%86.docx\r\n\r\n"
	"AAAA\r\n--b\r\nContent-Type: text/plain (a comment); charset=us-ascii\r\n\r\nx\r\n--b--\r\n",
	"Subject: \xe4\xb8\x80\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
	"Content-Type: application/vnd.ms-excel; name=\"\xe4\xb8\x80\xe8\xa6\xa7.xls\"\n"
	"Content-Disposition: attachment; filename=\"\xe4\xb8\x80\xe8\xa6\xa7.xls\"\n\nAAAA\n--b\n"
	"Content-Type: text/html; charset=utf-8\n Content-Transfer-Encoding: base64\n\n<p>\n--b--\n",
	/* messages inside the message */
	"Subject: fwd\r\nContent-Type: multipart/mixed; boundary=\"o\"\r\n\r\n--o\r\n"
	"Content-Type: text/plain\r\n\r\nsee below\r\n--o\r\nContent-Type: message/rfc822\r\n\r\n"
	"From: a@b.example\r\nSubject: inner\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n"
	"--i\r\nContent-Type: text/plain\r\n\r\none\r\n--i\r\nContent-Type: text/html\r\n\r\n"
	"<p>two</p>\r\n--i--\r\n\r\n--o--\r\n",
	"Subject: top\nContent-Type: message/rfc822\n\nSubject: inner\nFrom: x@y.example\n\n"
	"inner body\n",
	"Subject: two\nContent-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: message/rfc822\n"
	"Content-Disposition: attachment; filename=\"a.eml\"\n\nSubject: a\nContent-Type: text/plain;"
	" charset=utf-8\n\nbody a\n--o\nContent-Type: message/rfc822\n\nSubject: b\n\n"
	"body b\n--o--\n",
	"Subject: content first\nContent-Type: multipart/mixed; boundary=o\n\n--o\n"
	"Content-Type: message/rfc822\n\nContent-Type: text/plain; charset=us-ascii\n"
	"Subject: inner\n\nbody\n--o--\n",
};

/* "\n" in the strings above stands for a line end (keeps them readable). */
static void test_crafted(void)
{
	GRand *r = g_rand_new_with_seed(seed(7));
	tally t = {0};

	for (size_t i = 0; i < G_N_ELEMENTS(crafted); i++) {
		char *s = g_strcompress(crafted[i]), *name = g_strdup_printf("crafted %zu", i);
		sm_msg *f = sm_msg_parse_mode((const uint8_t *)s, strlen(s), -1, &lim, SM_PARSE_FAST);

		g_assert_true(f && f->fields); /* each is a shape the reader is for */
		sm_msg_free(f);
		one(name, (const uint8_t *)s, strlen(s), r, 200, &t);
		g_free(s);
		g_free(name);
	}
	report("crafted", &t);
	g_rand_free(r);
}

static void test_corpora(void)
{
	static const char *const dirs[] = {"tests/corpus", "../shared/corpus/public"};
	GRand *r = g_rand_new_with_seed(seed(11));
	tally t = {0};
	char *p;

	for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
		p = g_build_filename(sm_test_top(), dirs[i], NULL);
		g_assert_cmpint(walk_dir(p, false, r, &t), >, 10);
		g_free(p);
	}
	p = g_build_filename(sm_test_top(), "tests/fuzz/regress/fuzz_message", NULL);
	walk_dir(p, true, r, &t);
	g_free(p);
	report("corpora", &t);
	g_assert_cmpint(t.accepted, >, t.seen / 10);
	g_rand_free(r);
}

/* The generated sets (tests/msg_oracle.t), when given. */
static void test_generated(void)
{
	const char *env = getenv("SM_ORACLE_DIRS");
	char **dirs = g_strsplit(env ? env : "", ":", -1);
	GRand *r = g_rand_new_with_seed(seed(13));
	tally t = {0};

	for (char **d = dirs; *d; d++)
		if (**d)
			g_assert_cmpint(walk_dir(*d, false, r, &t), >, 0);
	report("generated", &t);
	g_strfreev(dirs);
	g_rand_free(r);
}

/* The end-to-end shapes (gen_e2e.py) must be read fast, in auto mode too. */
static void test_e2e_shape(void)
{
	static const char msg[] =
		"From: =?ISO-2022-JP?B?GyRCOzNFRBsoQiAbJEJCQE86GyhC?= <y@example.co.jp>\n"
		"Subject: =?ISO-2022-JP?B?UkU6IFtEZWZlbmRlcl0=?=\nMessage-ID: <e2e@example.co.jp>\n"
		"MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"----=_NextPart_e2e\"\n\n"
		"------=_NextPart_e2e\nContent-Type: text/plain; charset=\"iso-2022-jp\"\n"
		"Content-Transfer-Encoding: 7bit\n\ntext\n------=_NextPart_e2e\n"
		"Content-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n\n"
		"<p>x=3D</p>\n------=_NextPart_e2e--\n";
	char *s = g_strcompress(msg);
	sm_msg *m = sm_msg_parse((const uint8_t *)s, strlen(s), &lim);
	tally t = {0};

	g_assert_nonnull(m->fields);
	g_assert_null(m->top);
	g_assert_cmpuint(m->parts->len, ==, 2);
	sm_msg_free(m);
	compare("e2e", (const uint8_t *)s, strlen(s), &t);
	g_assert_cmpint(t.accepted, ==, 1);
	report("e2e", &t);
	g_free(s);
}

/* Accepted by the fast reader (and equal to GMime's reading)? */
static bool accepts(const GString *g, const sm_limits *l)
{
	sm_msg *f = sm_msg_parse_mode((const uint8_t *)g->str, g->len, -1, l, SM_PARSE_FAST);
	sm_msg *m = sm_msg_parse_mode((const uint8_t *)g->str, g->len, -1, l, SM_PARSE_GMIME);
	bool ok = f && f->fields;

	if (ok)
		g_assert_true(same("limit case", m, f));
	sm_msg_free(f);
	sm_msg_free(m);
	return ok;
}

/* n multiparts nested, each boundary b<depth> padded to blen characters. */
static GString *nested(int n, size_t blen)
{
	GString *g = g_string_new("Subject: nest\n");

	for (int i = 0; i < n; i++) {
		char *b = g_strdup_printf("b%d", i);
		char *pad = g_strnfill(blen > strlen(b) ? blen - strlen(b) : 0, 'x');

		g_string_append_printf(g, "Content-Type: multipart/mixed; boundary=\"%s%s\"\n\n--%s%s\n",
				       b, pad, b, pad);
		g_free(b);
		g_free(pad);
	}
	g_string_append(g, "Content-Type: text/plain\n\ntext\n");
	for (int i = n - 1; i >= 0; i--) {
		char *b = g_strdup_printf("b%d", i);
		char *pad = g_strnfill(blen > strlen(b) ? blen - strlen(b) : 0, 'x');

		g_string_append_printf(g, "--%s%s--\n", b, pad);
		g_free(b);
		g_free(pad);
	}
	return g;
}

/* Each of the reader's own limits at the limit (read) and one past it
 * (declined, GMime reads it). */
static void test_limits(void)
{
	sm_limits deep = lim;
	GString *g;

	deep.max_depth = 100;
	g = nested(1, 70); /* SM_FAST_BOUNDARY */
	g_assert_true(accepts(g, &lim));
	g_string_free(g, TRUE);
	g = nested(1, 71);
	g_assert_false(accepts(g, &lim));
	g_string_free(g, TRUE);
	g = nested(8, 4); /* SM_FAST_NEST */
	g_assert_true(accepts(g, &lim));
	g_string_free(g, TRUE);
	g = nested(9, 4);
	g_assert_false(accepts(g, &lim));
	g_string_free(g, TRUE);
	for (int n = 32; n <= 33; n++) { /* SM_FAST_DEPTH: messages in messages */
		g = g_string_new("Subject: deep\n");
		for (int i = 0; i < n; i++)
			g_string_append(g, "Content-Type: message/rfc822\n\nSubject: in\n");
		g_string_append(g, "\nbody\n");
		g_assert_true(accepts(g, &deep) == (n == 32));
		g_string_free(g, TRUE);
	}
	for (size_t extra = 0; extra <= 1; extra++) { /* SM_FAST_MAX */
		g = g_string_new("Subject: big\n\n");
		while (g->len < ((size_t)4 << 20) + extra)
			g_string_append_c(g, g->len % 64 == 63 ? '\n' : 'a');
		g_assert_true(accepts(g, &lim) == (extra == 0));
		g_string_free(g, TRUE);
	}
	/* SM_FAST_PARAMS: a ninth parameter sends the value to GMime's parser */
	for (int n = 7; n <= 8; n++) { /* and the charset: 8, 9 */
		g = g_string_new("Subject: params\nContent-Type: text/plain");
		for (int i = 0; i < n; i++)
			g_string_append_printf(g, "; p%d=v%d", i, i);
		g_string_append(g, "; charset=utf-8\n\nbody\n");
		g_assert_true(accepts(g, &lim));
		g_string_free(g, TRUE);
	}
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_mime_init();
	g_test_add_func("/msg_fast/crafted", test_crafted);
	g_test_add_func("/msg_fast/e2e_shape", test_e2e_shape);
	g_test_add_func("/msg_fast/limits", test_limits);
	g_test_add_func("/msg_fast/corpora", test_corpora);
	g_test_add_func("/msg_fast/generated", test_generated);
	return g_test_run();
}
