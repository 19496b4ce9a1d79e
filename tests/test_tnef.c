/*
 * test_tnef.c - the TNEF reader (tnef.c) on streams built here: attachments
 * named by title and by PR_ATTACH_LONG_FILENAME, bodies (attBody, PR_BODY in
 * both string types, compressed and stored RTF), every malformation
 * (lengths past the end, huge counts, bad checksums, every truncation, byte
 * flips) and the limits; then through sm_archive_scan: onboarding names,
 * a zip inside a TNEF inside a zip, member and depth budgets.
 * Messages name members and detectors, never test secrets.
 */
#include "sm_archive.h"
#include "tnef.h"
#include "testutil.h"

/* parser/archive.h shadows libarchive's <archive.h> on the -Iparser path */
#include <archive.h>
#include <archive_entry.h>

static sm_detectors *D;
static const sm_scan_ctx CTX = {NULL, NULL, 0, "test-key"};

/* ------------------------------------------------------------ writers */

static void le16(GByteArray *b, unsigned v)
{
	uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	g_byte_array_append(b, x, 2);
}

static void le32(GByteArray *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

	g_byte_array_append(b, x, 4);
}

static GByteArray *tnef_new(void)
{
	GByteArray *b = g_byte_array_new();

	le32(b, 0x223E9F78);
	le16(b, 0x0102);
	return b;
}

static void attr(GByteArray *b, unsigned level, uint32_t id, const void *d, size_t n, bool bad)
{
	unsigned sum = 0;
	size_t i;

	g_byte_array_append(b, (const uint8_t[]){(uint8_t)level}, 1);
	le32(b, id);
	le32(b, (uint32_t)n);
	g_byte_array_append(b, d, (guint)n);
	for (i = 0; i < n; i++)
		sum += ((const uint8_t *)d)[i];
	le16(b, (sum & 0xffff) ^ (bad ? 0x5a5a : 0));
}

/* A MAPI stream with one variable-length property. */
static GByteArray *mapi1(unsigned type, unsigned id, const void *v, size_t n)
{
	GByteArray *m = g_byte_array_new();

	le32(m, 1);
	le16(m, type);
	le16(m, id);
	le32(m, 1);
	le32(m, (uint32_t)n);
	g_byte_array_append(m, v, (guint)n);
	while (m->len % 4)
		g_byte_array_append(m, (const uint8_t *)"", 1);
	return m;
}

static void attachment(GByteArray *b, const char *title, const char *longname, const void *d,
		       size_t n)
{
	static const uint8_t rend[14] = {1, 0, 0xff, 0xff, 0xff, 0xff};

	attr(b, 2, 0x00069002, rend, sizeof(rend), false);
	if (title)
		attr(b, 2, 0x00018010, title, strlen(title) + 1, false);
	attr(b, 2, 0x0006800F, d, n, false);
	if (longname) {
		glong wl = 0;
		gunichar2 *w = g_utf8_to_utf16(longname, -1, NULL, &wl, NULL);
		GByteArray *m = mapi1(0x001F, 0x3707, w, (size_t)(wl + 1) * 2);

		attr(b, 2, 0x00069005, m->data, m->len, false);
		g_byte_array_free(m, TRUE);
		g_free(w);
	}
}

/* Compressed RTF: a reference to "{\rtf1\ansi" in the preset dictionary,
 * literals, the end marker (MS-OXRTFCP). */
static GByteArray *lzfu(const char *rtf)
{
	GByteArray *c = g_byte_array_new(), *out = g_byte_array_new();
	size_t n = strlen(rtf), i, w = 207 + 11, ctl = 0, bit = 1;

	g_assert_true(g_str_has_prefix(rtf, "{\\rtf1\\ansi"));
	g_byte_array_append(c, (const uint8_t[]){0x01, 0x00, 0x09}, 3);
	for (i = 11; i < n; i++, w++) {
		if (bit == 8) {
			ctl = c->len;
			bit = 0;
			g_byte_array_append(c, (const uint8_t *)"", 1);
		}
		g_byte_array_append(c, (const uint8_t *)rtf + i, 1);
		bit++;
	}
	if (bit == 8) {
		ctl = c->len;
		bit = 0;
		g_byte_array_append(c, (const uint8_t *)"", 1);
	}
	c->data[ctl] |= (uint8_t)(1u << bit);
	g_byte_array_append(c, (const uint8_t[]){(uint8_t)((w % 4096) >> 4), (uint8_t)((w % 4096) << 4)}, 2);
	le32(out, c->len + 12);
	le32(out, (uint32_t)n);
	le32(out, 0x75465A4C);
	le32(out, 0);
	g_byte_array_append(out, c->data, c->len);
	g_byte_array_free(c, TRUE);
	return out;
}

static void msg_props(GByteArray *b, unsigned type, unsigned id, const void *v, size_t n)
{
	GByteArray *m = mapi1(type, id, v, n);

	attr(b, 1, 0x00069003, m->data, m->len, false);
	g_byte_array_free(m, TRUE);
}

static sm_tnef *parse(const GByteArray *b)
{
	return sm_tnef_parse(b->data, b->len, 100, 1 << 20);
}

static bool member_is(const sm_tnef *t, size_t i, const char *name, const char *data)
{
	const sm_tnef_member *m = sm_tnef_member_at(t, i);

	if (!m) {
		g_test_message("no member %zu", i);
		return false;
	}
	if (strcmp(m->name, name) != 0 || m->len != strlen(data) || memcmp(m->data, data, m->len)) {
		g_test_message("member %zu is %s (%zu bytes), not %s", i, m->name, m->len, name);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ reader */

static void test_attachments(void)
{
	GByteArray *b = tnef_new();
	sm_tnef *t;

	attr(b, 1, 0x00089006, "\0\0\1\0", 4, false);
	attachment(b, "LONGNA~1.TXT", "long name 日本語.txt", "first\n", 6);
	attachment(b, "SHORT.LOG", NULL, "second\n", 7);
	attachment(b, NULL, NULL, "third\n", 6);
	attr(b, 1, 0x0002800C, "body text\n", 10, false);
	t = parse(b);
	g_assert_nonnull(t);
	g_assert_null(sm_tnef_problem(t));
	g_assert_cmpuint(sm_tnef_count(t), ==, 4);
	g_assert_true(member_is(t, 0, "long name 日本語.txt", "first\n"));
	g_assert_true(member_is(t, 1, "SHORT.LOG", "second\n"));
	g_assert_true(member_is(t, 2, "attachment-1", "third\n"));
	g_assert_true(member_is(t, 3, "body.txt", "body text\n"));
	sm_tnef_free(t);
	g_assert_null(sm_tnef_parse((const uint8_t *)"PK\3\4....", 8, 10, 10)); /* not TNEF */
	g_byte_array_free(b, TRUE);
}

static void test_bodies(void)
{
	static const char rtf[] = "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Calibri;}}"
				  "{\\*\\generator Test;}\\f0 Hello,\\par w\\'f6rld\\tab \\u26085?x}";
	GByteArray *b = tnef_new(), *c = lzfu(rtf), *u;
	glong wl = 0;
	gunichar2 *w = g_utf8_to_utf16("ユニコード body", -1, NULL, &wl, NULL);
	sm_tnef *t;

	msg_props(b, 0x001E, 0x1000, "plain body\0", 11);
	msg_props(b, 0x001F, 0x1000, w, (size_t)wl * 2);
	msg_props(b, 0x0102, 0x1009, c->data, c->len);
	u = g_byte_array_new(); /* stored RTF ("MELA") */
	le32(u, 12 + 24);
	le32(u, 24);
	le32(u, 0x414C454D);
	le32(u, 0);
	g_byte_array_append(u, (const uint8_t *)"{\\rtf1 stored \\b text}\0\0", 24);
	msg_props(b, 0x0102, 0x1009, u->data, u->len);
	t = parse(b);
	g_assert_null(sm_tnef_problem(t));
	g_assert_true(member_is(t, 0, "body.txt", "plain body"));
	g_assert_true(member_is(t, 1, "body.txt", "ユニコード body"));
	g_assert_true(member_is(t, 2, "body.rtf.txt", "Hello,\nw\xf6rld \xe6\x97\xa5x"));
	g_assert_true(member_is(t, 3, "body.rtf.txt", "stored text"));
	sm_tnef_free(t);
	/* over max_bytes, or not simple: reported, not read */
	t = sm_tnef_parse(b->data, b->len, 100, 10);
	g_assert_nonnull(sm_tnef_problem(t));
	g_assert_cmpuint(sm_tnef_count(t), ==, 2); /* plain and unicode only */
	sm_tnef_free(t);
	g_byte_array_free(c, TRUE);
	g_byte_array_free(b, TRUE);
	b = tnef_new();
	c = lzfu("{\\rtf1\\ansi {\\object\\objdata 0102}}");
	msg_props(b, 0x0102, 0x1009, c->data, c->len);
	t = parse(b);
	g_assert_nonnull(strstr(sm_tnef_problem(t), "not inspected"));
	g_assert_cmpuint(sm_tnef_count(t), ==, 0);
	sm_tnef_free(t);
	g_byte_array_free(u, TRUE);
	g_byte_array_free(c, TRUE);
	g_byte_array_free(b, TRUE);
	g_free(w);
}

/* max_bytes bounds the RTF of all bodies together, not each one. */
static void test_rtf_total(void)
{
	static const char rtf[] = "{\\rtf1\\ansi forty bytes of body text here...}";
	GByteArray *b = tnef_new(), *c = lzfu(rtf);
	sm_tnef *t;

	msg_props(b, 0x0102, 0x1009, c->data, c->len);
	msg_props(b, 0x0102, 0x1009, c->data, c->len);
	t = sm_tnef_parse(b->data, b->len, 100, 2 * strlen(rtf)); /* at the limit */
	g_assert_null(sm_tnef_problem(t));
	g_assert_cmpuint(sm_tnef_count(t), ==, 2);
	sm_tnef_free(t);
	t = sm_tnef_parse(b->data, b->len, 100, 2 * strlen(rtf) - 1); /* one past */
	g_assert_nonnull(sm_tnef_problem(t));
	g_assert_cmpuint(sm_tnef_count(t), ==, 1);
	sm_tnef_free(t);
	g_byte_array_free(c, TRUE);
	g_byte_array_free(b, TRUE);
}

static void test_malformed(void)
{
	GByteArray *b = tnef_new();
	sm_tnef *t;
	size_t i;

	attachment(b, "A.TXT", NULL, "alpha\n", 6);
	attr(b, 2, 0x0006800F, "beta\n", 5, true); /* bad checksum: read all the same */
	t = parse(b);
	g_assert_cmpstr(sm_tnef_problem(t), ==, "attribute checksum does not match");
	g_assert_true(member_is(t, 0, "A.TXT", "beta\n"));
	sm_tnef_free(t);
	/* a length past the end */
	g_byte_array_append(b, (const uint8_t[]){2, 0x0f, 0x80, 6, 0, 0xff, 0xff, 0xff, 0x7f, 'x'}, 10);
	t = parse(b);
	g_assert_nonnull(t);
	g_assert_cmpuint(sm_tnef_count(t), ==, 1);
	g_assert_nonnull(sm_tnef_problem(t));
	sm_tnef_free(t);
	g_byte_array_free(b, TRUE);
	/* huge property and value counts */
	b = tnef_new();
	attr(b, 1, 0x00069003, "\xff\xff\xff\xff\x02\x11\x01\x37\0\0\0\x40", 12, false);
	attr(b, 1, 0x00069003, "\x01\0\0\0\x02\x01\x01\x37\xff\xff\xff\x0f", 12, false);
	attr(b, 1, 0x00069003, "\x01\0\0\0\x99\x99\x01\x37", 8, false); /* unknown type */
	t = parse(b);
	g_assert_nonnull(strstr(sm_tnef_problem(t), "MAPI"));
	g_assert_cmpuint(sm_tnef_count(t), ==, 0);
	sm_tnef_free(t);
	g_byte_array_free(b, TRUE);
	/* every truncation of a valid stream: a result, never a read past the end */
	b = tnef_new();
	attachment(b, "A.TXT", "a long name.txt", "alpha\n", 6);
	msg_props(b, 0x001E, 0x1000, "plain body\0", 11);
	for (i = 0; i < b->len; i++) {
		uint8_t *copy = g_memdup2(b->data, i);

		t = sm_tnef_parse(copy, i, 100, 1 << 20);
		g_assert_true(i < 6 ? t == NULL : t != NULL);
		sm_tnef_free(t);
		g_free(copy);
	}
	/* byte flips */
	for (i = 6; i < b->len; i++) {
		uint8_t *copy = g_memdup2(b->data, b->len);

		copy[i] ^= 0xff;
		sm_tnef_free(sm_tnef_parse(copy, b->len, 100, 1 << 20));
		g_free(copy);
	}
	g_byte_array_free(b, TRUE);
}

static void test_member_limit(void)
{
	GByteArray *b = tnef_new();
	sm_tnef *t;

	attachment(b, "1.TXT", NULL, "1", 1);
	attachment(b, "2.TXT", NULL, "2", 1);
	attachment(b, "3.TXT", NULL, "3", 1);
	t = sm_tnef_parse(b->data, b->len, 3, 100); /* at the limit */
	g_assert_false(sm_tnef_over_members(t));
	g_assert_cmpuint(sm_tnef_count(t), ==, 3);
	sm_tnef_free(t);
	t = sm_tnef_parse(b->data, b->len, 2, 100); /* one past */
	g_assert_true(sm_tnef_over_members(t));
	g_assert_cmpuint(sm_tnef_count(t), ==, 2);
	sm_tnef_free(t);
	g_byte_array_free(b, TRUE);
}

/* ------------------------------------------------------------ through archive.c */

static sm_limits limits(void)
{
	sm_limits l = {0};

	l.max_part_bytes = 1 << 20;
	l.max_findings = 100;
	l.archive_max_members = 100;
	l.archive_max_depth = 3;
	l.archive_max_bytes = 8 << 20;
	l.archive_max_ratio = 100;
	return l;
}

static la_ssize_t grow(struct archive *a, void *ud, const void *buf, size_t n)
{
	g_byte_array_append(ud, buf, (guint)n);
	return (la_ssize_t)n;
}

static GByteArray *zip1(const char *name, const void *d, size_t n)
{
	struct archive *w = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	GByteArray *out = g_byte_array_new();

	archive_write_set_format_zip(w);
	archive_write_open(w, out, NULL, grow, NULL);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)n);
	archive_write_header(w, e);
	archive_write_data(w, d, n);
	archive_entry_free(e);
	archive_write_close(w);
	archive_write_free(w);
	return out;
}

static bool has_hit(const sm_archive_result *r, const char *id, const char *member)
{
	unsigned i;

	for (i = 0; r->hits && i < r->hits->len; i++) {
		const sm_archive_hit *h = &g_array_index(r->hits, sm_archive_hit, i);

		if (strcmp(sm_detectors_info(D, h->det)->id, id) == 0 && strcmp(h->member, member) == 0)
			return true;
	}
	g_test_message("no %s hit for %s", id, member);
	return false;
}

static void test_archive_scan(void)
{
	static const char card[] = "order\ncard 4111 1111 1111 1111\n";
	GByteArray *inner = zip1("card.txt", card, strlen(card)), *t = tnef_new(), *outer;
	sm_limits l = limits();
	sm_archive_result r;

	attachment(t, "WINDOW~1.CMD", "WindowsDefenderATPOnboardingScript.cmd", "@echo off\r\n", 11);
	attachment(t, "NOTES.TXT", NULL, card, strlen(card));
	attachment(t, "PKG.ZIP", NULL, inner->data, inner->len);
	outer = zip1("winmail.dat", t->data, t->len);
	g_assert_true(sm_archive_sniff(t->data, t->len));
	sm_archive_scan(D, &CTX, &l, t->data, t->len, "winmail.dat", &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	g_assert_cmpuint(r.members, ==, 4);
	g_assert_true(has_hit(&r, "mde_onboarding", "winmail.dat/WindowsDefenderATPOnboardingScript.cmd"));
	g_assert_true(has_hit(&r, "credit_card", "winmail.dat/NOTES.TXT"));
	g_assert_true(has_hit(&r, "credit_card", "winmail.dat/PKG.ZIP/card.txt"));
	sm_archive_result_clear(&r);
	/* a zip holding the TNEF holding a zip: depth 2 is the limit */
	l.archive_max_depth = 2;
	sm_archive_scan(D, &CTX, &l, outer->data, outer->len, "fwd.zip", &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	g_assert_true(has_hit(&r, "credit_card", "winmail.dat/PKG.ZIP/card.txt"));
	sm_archive_result_clear(&r);
	l.archive_max_depth = 1;
	sm_archive_scan(D, &CTX, &l, outer->data, outer->len, "fwd.zip", &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_LIMIT);
	sm_archive_result_clear(&r);
	/* members over all levels: 1 + 3 + 1 */
	l = limits();
	l.archive_max_members = 5;
	sm_archive_scan(D, &CTX, &l, outer->data, outer->len, "fwd.zip", &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_OK);
	sm_archive_result_clear(&r);
	l.archive_max_members = 4;
	sm_archive_scan(D, &CTX, &l, outer->data, outer->len, "fwd.zip", &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_LIMIT);
	sm_archive_result_clear(&r);
	/* a truncated TNEF: what was read is kept, the status says not read */
	l = limits();
	sm_archive_scan(D, &CTX, &l, t->data, t->len - 3, "winmail.dat", &r);
	g_assert_cmpint(r.status, ==, SM_ARCHIVE_CORRUPT);
	g_assert_true(has_hit(&r, "credit_card", "winmail.dat/NOTES.TXT"));
	sm_archive_result_clear(&r);
	g_byte_array_free(inner, TRUE);
	g_byte_array_free(outer, TRUE);
	g_byte_array_free(t, TRUE);
}

int main(int argc, char **argv)
{
	char err[256];
	int rc;

	sm_test_init(&argc, &argv);
	D = sm_detectors_load(NULL, err, sizeof(err));
	g_test_add_func("/tnef/attachments", test_attachments);
	g_test_add_func("/tnef/bodies", test_bodies);
	g_test_add_func("/tnef/rtf_total", test_rtf_total);
	g_test_add_func("/tnef/malformed", test_malformed);
	g_test_add_func("/tnef/member_limit", test_member_limit);
	g_test_add_func("/tnef/archive_scan", test_archive_scan);
	rc = g_test_run();
	sm_detectors_free(D);
	return rc;
}
