/* test_scan.c - the decision path through sm_scan_mem: every limit at and
 * past its value with each configured action, dry-run, stripping with the
 * notice, unchanged messages, CRLF, recipients.  Independent of detectors:
 * findings come from on_uninspected. */
#include "scan.h"
#include "decide.h"
#include "policyutil.h"
#include "testutil.h"

#include <gio/gio.h>

#include <unistd.h>

static const time_t NOW = 1733788800; /* 2024-12-10 */

static sm_policy *policy(const char *extra)
{
	return sm_test_policy(extra);
}

static int collect(void *ud, const void *buf, size_t len)
{
	g_string_append_len(ud, buf, (gssize)len);
	return 0;
}

static char *output(const sm_result *r)
{
	GString *g = g_string_new(NULL);

	g_assert_cmpint(sm_result_write_message(r, collect, g), ==, 0);
	return g_string_free(g, FALSE);
}

static sm_result *scan(sm_policy *p, const char *msg)
{
	return sm_scan_mem(p, msg, strlen(msg), NULL, NOW);
}

static char *parts_msg(int n)
{
	GString *g = g_string_new("From: a@b.example\nTo: support@vendor.example\nSubject: x\n"
				  "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n");
	int i;

	for (i = 0; i < n; i++)
		g_string_append_printf(g, "--B\nContent-Type: text/plain\n\npart %d\n", i);
	g_string_append(g, "--B--\n");
	return g_string_free(g, FALSE);
}

static void expect_reply(const sm_result *r, const char *code, const char *needle)
{
	const char *c, *x, *t;

	sm_result_reply(r, &c, &x, &t);
	g_assert_cmpstr(c, ==, code);
	g_assert_nonnull(t);
	if (t && needle && !strstr(t, needle)) {
		g_test_message("reply '%s' lacks '%s'", t, needle);
		g_test_fail();
	}
}

/* The default limit_reply already ends in "(limit exceeded)": not twice. */
static void expect_limit_once(const sm_result *r)
{
	const char *c, *x, *t, *once;

	sm_result_reply(r, &c, &x, &t);
	g_assert_nonnull(t);
	once = strstr(t, "(limit exceeded)");
	g_assert_nonnull(once);
	g_assert_null(strstr(once + 1, "(limit exceeded)"));
}

static void test_parts_limit(void)
{
	sm_policy *p = policy("limits: { max_parts = 4; };");
	char *at = parts_msg(3), *over = parts_msg(4); /* the multipart counts as one */
	sm_result *r = scan(p, at);

	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_ACCEPT);
	sm_result_free(r);
	r = scan(p, over); /* permanent: the same message fails the same way again */
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_REJECT);
	expect_reply(r, "552", "too many MIME parts");
	g_assert_false(sm_result_failed(r));
	sm_result_free(r);
	sm_policy_unref(p);
	/* on_limit is for transient limits: a permanent one does not follow it */
	p = policy("limits: { max_parts = 4; on_limit = \"accept\"; };");
	r = scan(p, over);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_REJECT);
	sm_result_free(r);
	sm_policy_unref(p);
	p = policy("limits: { max_parts = 4; on_permanent_limit = \"tempfail\"; };");
	r = scan(p, over);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_TEMPFAIL);
	expect_reply(r, "451", "limit");
	sm_result_free(r);
	sm_policy_unref(p);
	p = policy("limits: { max_parts = 4; on_permanent_limit = \"accept\"; };");
	r = scan(p, over);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_ACCEPT);
	{
		char *o = output(r);

		g_assert_nonnull(strstr(o, "X-Support-Scan: incomplete"));
		g_free(o);
	}
	sm_result_free(r);
	sm_policy_unref(p);
	g_free(at);
	g_free(over);
}

static void test_depth_limit(void)
{
	sm_policy *p = policy("limits: { max_depth = 2; };");
	const char *ok = "To: support@vendor.example\nContent-Type: multipart/mixed; boundary=a\n\n"
			 "--a\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n--a--\n";
	const char *deep = "To: support@vendor.example\nContent-Type: multipart/mixed; boundary=a\n\n"
			   "--a\nContent-Type: multipart/mixed; boundary=b\n\n"
			   "--b\nContent-Type: multipart/mixed; boundary=c\n\n--c\n\nx\n--c--\n--b--\n--a--\n";
	sm_result *r = scan(p, ok);

	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_ACCEPT);
	sm_result_free(r);
	r = scan(p, deep);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_REJECT);
	expect_reply(r, "552", "nesting");
	sm_result_free(r);
	sm_policy_unref(p);
}

static void test_size_limits(void)
{
	sm_policy *p = policy("limits: { max_message_bytes = 2048; max_header_bytes = 1024; "
			      "max_part_bytes = 1024; };");
	GString *big = g_string_new("To: support@vendor.example\n\n");
	GString *hdr = g_string_new("To: support@vendor.example\nX-Long: ");
	GString *part = g_string_new("To: support@vendor.example\n\n");
	sm_result *r;

	while (big->len < 2049)
		g_string_append(big, "0123456789abcdef\n");
	while (hdr->len < 1100)
		g_string_append(hdr, "0123456789");
	g_string_append(hdr, "\n\nbody\n");
	while (part->len < 1500)
		g_string_append(part, "text text\n");
	r = scan(p, big->str); /* size, header bytes, part bytes: permanent, 552 */
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_REJECT);
	expect_reply(r, "552", "too large");
	sm_result_free(r);
	r = scan(p, hdr->str);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_REJECT);
	expect_reply(r, "552", "header");
	sm_result_free(r);
	r = scan(p, part->str);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_REJECT);
	expect_reply(r, "552", "limit");
	expect_limit_once(r);
	sm_result_free(r);
	g_string_truncate(part, 1000);
	r = scan(p, part->str);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_ACCEPT);
	sm_result_free(r);
	g_string_free(big, TRUE);
	g_string_free(hdr, TRUE);
	g_string_free(part, TRUE);
	sm_policy_unref(p);
}

static const char png_msg[] =
	"From: a@b.example\r\nTo: support@vendor.example\r\nSubject: shot\r\n"
	"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n"
	"pre\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee attached\r\n"
	"--B\r\nContent-Type: image/png; name=\"shot.png\"\r\n"
	"Content-Disposition: attachment; filename=\"shot.png\"\r\n"
	"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUgAAAAEAAAAB\r\n"
	"--B--\r\nepilogue\r\n";

static void test_uninspected_actions(void)
{
	sm_policy *p = policy("limits: { on_uninspected = \"reject\"; };");
	sm_result *r = scan(p, png_msg);
	char *json;

	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_REJECT);
	expect_reply(r, "550", "attachment \"shot.png\"");
	json = sm_result_json(r);
	g_assert_nonnull(strstr(json, "\"action\":\"reject\""));
	g_free(json);
	sm_result_free(r);
	sm_policy_unref(p);

	p = policy("limits: { on_uninspected = \"reject\"; }; policy: { mode = \"dry-run\"; };");
	r = scan(p, png_msg);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_ACCEPT);
	g_assert_false(sm_result_body_changed(r));
	g_assert_cmpuint(sm_result_header_count(r), ==, 0);
	json = sm_result_json(r);
	g_assert_nonnull(strstr(json, "\"would_action\":\"reject\""));
	g_free(json);
	{
		char *o = output(r);

		g_assert_cmpstr(o, ==, png_msg);
		g_free(o);
	}
	sm_result_free(r);
	sm_policy_unref(p);
}

static void test_strip_notice(void)
{
	sm_policy *p = policy("limits: { on_uninspected = \"strip\"; };");
	sm_result *r = scan(p, png_msg);
	char *o, *again_json;
	sm_result *again;

	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_MODIFY);
	g_assert_true(sm_result_body_changed(r));
	o = output(r);
	g_assert_null(strstr(o, "iVBORw0KGgo"));
	g_assert_nonnull(strstr(o, "filename=\"shot.png.removed.txt\"\r\n"));
	g_assert_nonnull(strstr(o, "pre\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
				   "see attached\r\n--B\r\n"));
	g_assert_nonnull(strstr(o, "\r\n--B--\r\nepilogue\r\n"));
	g_assert_nonnull(strstr(o, "X-Support-Findings: uninspected=strip(2)\r\n"));
	/* the rewritten message parses again, and the notice is text now */
	again = sm_scan_mem(p, o, strlen(o), NULL, NOW);
	g_assert_cmpint(sm_result_verdict(again), ==, SM_V_ACCEPT);
	again_json = sm_result_json(again);
	g_assert_null(strstr(again_json, "uninspected"));
	g_free(again_json);
	sm_result_free(again);
	g_free(o);
	sm_result_free(r);
	sm_policy_unref(p);
}

static void test_unstrippable_top_level(void)
{
	sm_policy *p = policy("limits: { on_uninspected = \"strip\"; };");
	const char *m = "To: support@vendor.example\nContent-Type: image/png\n"
			"Content-Transfer-Encoding: base64\n\niVBORw0KGgoAAAANSUhEUgAAAAEAAAAB\n";
	sm_result *r = scan(p, m);

	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_REJECT);
	sm_result_free(r);
	sm_policy_unref(p);
}

static void test_unchanged_and_scope(void)
{
	sm_policy *p = policy("");
	const char *m = "From: a@b.example\nTo: support@vendor.example\nSubject: hi\n\nhello\n";
	const char *rc_other[] = {"x@elsewhere.example", NULL};
	const char *rc_mixed[] = {"x@elsewhere.example", "<Support@Vendor.Example>", NULL};
	sm_envelope e1 = {"Q1", "a@b.example", rc_other}, e2 = {"Q2", "a@b.example", rc_mixed};
	sm_result *r = scan(p, m);
	char *o = output(r), *audit;

	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_ACCEPT);
	g_assert_cmpstr(o, ==, m);
	g_free(o);
	sm_result_free(r);
	r = sm_scan_mem(p, m, strlen(m), &e1, NOW);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_ACCEPT);
	o = sm_result_json(r);
	g_assert_nonnull(strstr(o, "\"support\":false"));
	g_free(o);
	sm_result_free(r);
	r = sm_scan_mem(p, m, strlen(m), &e2, NOW);
	audit = sm_result_audit_json(r, &e2, NOW);
	g_assert_nonnull(strstr(audit, "\"queue_id\":\"Q2\""));
	/* every recipient, the support one marked; the time is the daemon's */
	g_assert_nonnull(strstr(audit, "\"recipients\":[{\"address\":\"x@elsewhere.example\","
				"\"support\":false},{\"address\":\"<Support@Vendor.Example>\","
				"\"support\":true}]"));
	g_free(audit);
	sm_result_free(r);
	sm_policy_unref(p);
}

static void test_headers_only_message(void)
{
	sm_policy *p = policy("limits: { on_permanent_limit = \"accept\"; max_parts = 1; };");
	const char *m = "To: support@vendor.example\r\nSubject: no body";
	sm_result *r = scan(p, m);
	char *o = output(r);

	g_assert_true(g_str_has_prefix(o, "To: support@vendor.example\r\nSubject: no body\r\n"));
	g_assert_true(g_str_has_suffix(o, "\r\n\r\n") || g_str_has_suffix(o, "\r\n"));
	g_free(o);
	sm_result_free(r);
	sm_policy_unref(p);
}

/* A card in the second of two Comments fields and in a Cc display name: the
 * change names the field and its index, and only that field changes. */
static void test_top_header_index(void)
{
	sm_policy *p = policy("");
	const char *m = "From: a@b.example\nTo: support@vendor.example\n"
			"Comments: first, nothing here 1234\n"
			"Cc: \"card 4111 1111 1111 1111\" <c@d.example>\n"
			"Comments: card 4111-1111-1111-1111\n"
			"Subject: x\n\nbody\n";
	sm_result *r = scan(p, m);
	char *o = output(r), *json = sm_result_json(r);
	size_t i, n = sm_result_header_count(r), changes = 0;

	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_MODIFY);
	for (i = 0; i < n; i++) {
		const char *name, *value;
		char op;
		int idx;

		sm_result_header(r, i, &op, &name, &value, &idx);
		if (op != 'C')
			continue;
		changes++;
		if (strcmp(name, "Comments") == 0)
			g_assert_cmpint(idx, ==, 2);
		else
			g_assert_cmpstr(name, ==, "Cc");
		g_assert_null(strstr(value, "4111"));
	}
	g_assert_cmpuint(changes, ==, 2);
	g_assert_nonnull(strstr(o, "Comments: first, nothing here 1234\n"));
	g_assert_nonnull(strstr(o, "Comments: card ****-****-****-1111\n"));
	g_assert_nonnull(strstr(o, "<c@d.example>"));
	g_assert_null(strstr(o, "4111"));
	g_assert_nonnull(strstr(json, "\"headers_changed\":[\"Cc\",\"Comments\"]"));
	g_free(json);
	g_free(o);
	sm_result_free(r);
	sm_policy_unref(p);
}

/* Fields no machine reads are read with their name as context (body lines a
 * script left without an empty line after the header block are fields to
 * the MTA); X- fields and structural ones stay as they are. */
static void test_person_fields(void)
{
	sm_policy *p = policy("");
	const char *m = "From: a@b.example\nTo: support@vendor.example\nSubject: x\n"
			"Message-ID: <4012888888881881@b.example>\nX-Order: 5555555555554444\n"
			"Password: Hunter2Secret!x\nCard : 4111 1111 1111 1111\nplease help\n";
	sm_result *r = scan(p, m);
	char *o = output(r);

	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_MODIFY);
	g_assert_null(strstr(o, "Hunter2Secret"));
	g_assert_null(strstr(o, "4111"));
	g_assert_nonnull(strstr(o, "Password: ")); /* the name stays */
	g_assert_nonnull(strstr(o, "X-Order: 5555555555554444\n"));
	g_assert_nonnull(strstr(o, "<4012888888881881@b.example>"));
	g_assert_nonnull(strstr(o, "\nplease help\n"));
	g_free(o);
	sm_result_free(r);
	sm_policy_unref(p);
}

/* An .eml attached as a file (not message/): plain text inside is masked in
 * place; a value only its encoded parts show strips the attachment. */
static char *eml_msg(const char *inner_cte, const char *inner_body)
{
	char *inner = g_strdup_printf("From: x@y.example\nTo: z@w.example\nSubject: fw\n"
				      "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
				      "Content-Transfer-Encoding: %s\n\n%s\n", inner_cte, inner_body);
	gchar *b64 = g_base64_encode((const guchar *)inner, strlen(inner));
	char *m = g_strdup_printf("From: a@b.example\nTo: support@vendor.example\nSubject: x\n"
				  "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n"
				  "--B\nContent-Type: text/plain\n\nsee the attached mail\n"
				  "--B\nContent-Type: application/octet-stream; name=\"fw.eml\"\n"
				  "Content-Disposition: attachment; filename=\"fw.eml\"\n"
				  "Content-Transfer-Encoding: base64\n\n%s\n--B--\n", b64);

	g_free(inner);
	g_free(b64);
	return m;
}

static void test_eml_attachment(void)
{
	sm_policy *p = policy("");
	gchar *card_b64 = g_base64_encode((const guchar *)"card 4111 1111 1111 1111\n", 25);
	char *plain = eml_msg("7bit", "card 4111 1111 1111 1111"), *enc = eml_msg("base64", card_b64);
	sm_result *r = scan(p, plain);
	char *json = sm_result_json(r);

	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_MODIFY);
	g_assert_nonnull(strstr(json, "\"action\":\"mask\""));
	g_assert_null(strstr(json, "\"action\":\"strip\""));
	g_free(json);
	sm_result_free(r);
	r = scan(p, enc);
	json = sm_result_json(r);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_MODIFY);
	g_assert_nonnull(strstr(json, "\"location\":\"2/1\""));
	g_assert_nonnull(strstr(json, "\"action\":\"strip\""));
	g_free(json);
	json = output(r);
	g_assert_null(strstr(json, card_b64));
	g_free(json);
	sm_result_free(r);
	g_free(card_b64);
	g_free(plain);
	g_free(enc);
	sm_policy_unref(p);
}

/* Files uuencoded into a text part ("begin 644 name" ... "end"): each is an
 * attachment of a message of its own; a value in one strips the part. */
static void uu_append(GString *g, const char *name, const char *data)
{
	size_t n = strlen(data), i, k;

	g_string_append_printf(g, "begin 644 %s\n", name);
	for (i = 0; i < n; i += 45) {
		size_t len = n - i < 45 ? n - i : 45;

		g_string_append_c(g, (char)(0x20 + len));
		for (k = 0; k < len; k += 3) {
			unsigned char a = (unsigned char)data[i + k];
			unsigned char b = k + 1 < len ? (unsigned char)data[i + k + 1] : 0;
			unsigned char c = k + 2 < len ? (unsigned char)data[i + k + 2] : 0;
			unsigned v[4] = {a >> 2u, ((a & 3u) << 4) | (b >> 4u), ((b & 15u) << 2) | (c >> 6u),
					 c & 63u};

			for (int j = 0; j < 4; j++)
				g_string_append_c(g, v[j] ? (char)(0x20 + v[j]) : '`');
		}
		g_string_append_c(g, '\n');
	}
	g_string_append(g, "`\nend\n");
}

static void test_uuencoded(void)
{
	sm_policy *p = policy("");
	GString *g = g_string_new("From: a@b.example\nTo: support@vendor.example\nSubject: x\n"
				  "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n"
				  "--B\nContent-Type: text/plain\n\nthe log, uuencoded:\n\n");
	sm_result *r;
	char *json, *o;
	int i;

	uu_append(g, "note.txt", "card 4111 1111 1111 1111\n");
	g_string_append(g, "--B\nContent-Type: text/plain\n\nplease begin 644 with the next step\n"
			   "begin 644 is how old mailers start a file\nthen Mine lines follow\n--B--\n");
	r = scan(p, g->str);
	json = sm_result_json(r);
	o = output(r);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_MODIFY);
	g_assert_nonnull(strstr(json, "\"location\":\"1/1\""));
	g_assert_nonnull(strstr(json, "\"action\":\"strip\""));
	g_assert_null(strstr(o, "the log, uuencoded"));                 /* part 1 stripped */
	g_assert_nonnull(strstr(o, "please begin 644 with the next step")); /* part 2 kept */
	g_assert_nonnull(strstr(json, "\"findings\":[{")); /* one finding: part 2 is prose */
	g_assert_null(strstr(json, "\"location\":\"2"));
	g_free(json);
	g_free(o);
	sm_result_free(r);
	/* more files than the bound: a limit, not a loop */
	g_string_assign(g, "From: a@b.example\nTo: support@vendor.example\nSubject: x\n\n");
	for (i = 0; i < 70; i++)
		uu_append(g, "a.txt", "nothing here\n");
	r = scan(p, g->str); /* permanent: the same message has as many files next time */
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_REJECT);
	sm_result_free(r);
	g_string_free(g, TRUE);
	sm_policy_unref(p);
}

/* A single-byte label over Japanese bytes never contradicts itself (any byte
 * is a Latin-1 character): the part is read as Shift_JIS too. */
static void test_sbcs_label_lie(void)
{
	sm_policy *p = policy("");
	/* "パスワード：Xk9#mP2qLz" in Shift_JIS, labelled ISO-8859-1 */
	const char *m = "From: a@b.example\nTo: support@vendor.example\nSubject: x\n"
			"MIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-1\n"
			"Content-Transfer-Encoding: 8bit\n\n"
			"\x83\x70\x83\x58\x83\x8f\x81\x5b\x83\x68\x81\x46Xk9#mP2qLz\n";
	sm_result *r = scan(p, m);
	char *o = output(r);

	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_MODIFY);
	g_assert_null(strstr(o, "Xk9#mP2qLz"));
	g_free(o);
	sm_result_free(r);
	sm_policy_unref(p);
}

/* sm_scan_warm scans its built-in message whole (it reports a scan that
 * could not, here a message over max_message_bytes) and changes nothing a
 * later scan sees. */
static void test_warm(void)
{
	const char msg[] = "From: a@example.jp\r\nTo: support@vendor.example\r\n"
			   "Subject: x\r\n\r\ncard 4111 1111 1111 1111\r\n";
	static const char *const rcpts[] = {"support@vendor.example", NULL};
	sm_envelope env = {"Q1", "a@example.jp", rcpts};
	sm_policy *p = policy(""), *small = policy("limits: { max_message_bytes = 1024; };");
	sm_result *before = sm_scan_mem(p, msg, sizeof(msg) - 1, &env, NOW), *after;
	char *j1 = sm_result_json(before), *j2;

	g_assert_cmpint(sm_scan_warm(p), ==, 0);
	g_assert_cmpint(sm_scan_warm(p), ==, 0); /* again: nothing left over */
	g_assert_cmpint(sm_scan_warm(small), ==, -1);
	after = sm_scan_mem(p, msg, sizeof(msg) - 1, &env, NOW);
	j2 = sm_result_json(after);
	g_assert_cmpstr(j1, ==, j2);
	g_free(j1);
	g_free(j2);
	sm_result_free(before);
	sm_result_free(after);
	sm_policy_unref(p);
	sm_policy_unref(small);
}

/* A zip whose central directory is missing: what can be read is read, then
 * on_unreadable decides (reject by default, "attachment X could not be
 * read"; strip; accept with a note), never on_uninspected. */
static const char nocd_msg[] =
	"From: a@b.example\r\nTo: support@vendor.example\r\nSubject: logs\r\n"
	"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n"
	"--B\r\nContent-Type: text/plain\r\n\r\nsee the logs\r\n"
	"--B\r\nContent-Type: application/zip; name=\"logs.zip\"\r\n"
	"Content-Disposition: attachment; filename=\"logs.zip\"\r\n"
	"Content-Transfer-Encoding: base64\r\n\r\n"
	"UEsDBBQAAAAIAEobhl3gh3HgGgAAAD8AAAAJAAAAbm90ZXMudHh0y8svycjMS1coTk0uSi1RyEgtSuXlyiNaEAA=\r\n"
	"--B--\r\n";

static void test_unreadable_archive(void)
{
	sm_policy *p = policy("");
	sm_result *r = scan(p, nocd_msg);
	char *o;

	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_REJECT);
	expect_reply(r, "550", "attachment \"logs.zip\" could not be read");
	sm_result_free(r);
	sm_policy_unref(p);
	p = policy("limits: { on_unreadable = \"strip\"; };");
	r = scan(p, nocd_msg);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_MODIFY);
	o = output(r);
	g_assert_null(strstr(o, "UEsDBBQ"));
	g_assert_nonnull(strstr(o, "see the logs"));
	g_free(o);
	sm_result_free(r);
	sm_policy_unref(p);
	/* on_uninspected no longer decides for an archive */
	p = policy("limits: { on_unreadable = \"accept\"; on_uninspected = \"reject\"; };");
	r = scan(p, nocd_msg);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_ACCEPT);
	o = sm_result_json(r);
	g_assert_nonnull(strstr(o, "could not be read"));
	g_free(o);
	sm_result_free(r);
	sm_policy_unref(p);
}

/* A card number in an attachment's name and in an archive member's name:
 * found, and masked wherever the name is echoed (the notice and its own
 * file name, the reply, the audit record, the summary, the --test JSON); a
 * reject names the part "attachment 2".  CR/LF in a name reach nothing. */
static char *attach(const char *name_param, const char *ctype, const char *b64)
{
	return g_strdup_printf(
		"From: a@b.example\r\nTo: support@vendor.example\r\nSubject: files\r\n"
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n"
		"--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
		"--B\r\nContent-Type: %s\r\n"
		"Content-Disposition: attachment; filename=\"%s\"\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--B--\r\n",
		ctype, name_param, b64);
}

static void no_card_in(const char *what, const char *text)
{
	if (text && (strstr(text, "4111") || strstr(text, "4111 1111 1111"))) {
		g_test_message("%s shows the card: %s", what, text);
		g_test_fail();
	}
	if (text && (strchr(text, '\r') || strchr(text, '\n'))) {
		g_test_message("%s has a line break: %s", what, text);
		g_test_fail();
	}
}

static void all_outputs_clean(const sm_result *r)
{
	const char *c, *x, *t;
	const char *rcpts[] = {"support@vendor.example", NULL};
	sm_envelope env = {"Q1", "a@b.example", rcpts};
	char *json = sm_result_json(r), *audit = sm_result_audit_json(r, &env, NOW),
	     *sum = sm_result_summary(r), *o = output(r);

	sm_result_reply(r, &c, &x, &t);
	no_card_in("reply", t);
	no_card_in("--test JSON", json);
	no_card_in("audit record", audit);
	no_card_in("summary", sum);
	if (sm_result_verdict(r) <= SM_V_MODIFY && strstr(o, "4111")) {
		g_test_message("the delivered message shows the card");
		g_test_fail();
	}
	g_free(json);
	g_free(audit);
	g_free(sum);
	g_free(o);
}

static void test_names(void)
{
	/* "%PDF-1.4\n" in base64 */
	char *m = attach("invoice_4111111111111111.pdf", "application/pdf", "JVBERi0xLjQK");
	sm_policy *p = policy("");
	sm_result *r = scan(p, m);
	char *o = output(r), *json = sm_result_json(r);

	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_MODIFY);
	g_assert_nonnull(strstr(json, "\"detector\":\"credit_card\""));
	g_assert_nonnull(strstr(o, "invoice_************1111.pdf.removed.txt")); /* the notice */
	all_outputs_clean(r);
	g_free(o);
	g_free(json);
	sm_result_free(r);
	sm_policy_unref(p);
	/* a reject names the part by number */
	p = policy("detectors: { credit_card: { action = \"reject\"; }; };");
	r = scan(p, m);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_REJECT);
	expect_reply(r, "550", "attachment 2");
	all_outputs_clean(r);
	sm_result_free(r);
	sm_policy_unref(p);
	g_free(m);
	/* a member named after a card, in a zip (member "card 4111 1111 1111
	 * 1111.txt" holding "nothing here") */
	m = attach("report.zip", "application/zip",
		   "UEsDBBQAAAAAAAAAIQDEB8GxDgAAAA4AAAAcAAAAY2FyZCA0MTExIDExMTEgMTExMSAxMTExLnR4dG5v"
		   "dGhpbmcgaGVyZQ0KUEsBAhQDFAAAAAAAAAAhAMQHwbEOAAAADgAAABwAAAAAAAAAAAAAAIABAAAAAGNh"
		   "cmQgNDExMSAxMTExIDExMTEgMTExMS50eHRQSwUGAAAAAAEAAQBKAAAASAAAAAAA");
	p = policy("");
	r = scan(p, m);
	json = sm_result_json(r);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_MODIFY);
	g_assert_nonnull(strstr(json, "\"member\":\"card **** **** **** 1111.txt\""));
	all_outputs_clean(r);
	g_free(json);
	sm_result_free(r);
	sm_policy_unref(p);
	g_free(m);
	/* an extension is no value ("pw.txt" is not PW and "txt"); a value
	 * before it is ("pw_Xk9mQ2zT.txt"); "nothing here" in both */
	m = attach("pw.txt", "text/plain", "bm90aGluZyBoZXJlDQo=");
	p = policy("");
	r = scan(p, m);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_ACCEPT);
	sm_result_free(r);
	g_free(m);
	m = attach("pw_Xk9mQ2zT.txt", "text/plain", "bm90aGluZyBoZXJlDQo=");
	r = scan(p, m);
	json = sm_result_json(r);
	g_assert_nonnull(strstr(json, "\"detector\":\"password\""));
	g_assert_null(strstr(json, "Xk9mQ2zT"));
	g_free(json);
	sm_result_free(r);
	sm_policy_unref(p);
	g_free(m);
	/* CR/LF (RFC 2047-encoded) in a name that a reject echoes */
	/* (an image: a PDF is read as its strings, not uninspected) */
	m = attach("=?UTF-8?B?YQ0KWC1JbmplY3RlZDogMQ0KLnBkZg==?=", "image/png",
		   "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==");
	p = policy("limits: { on_uninspected = \"reject\"; };");
	r = scan(p, m);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_REJECT);
	expect_reply(r, "550", "X-Injected");
	all_outputs_clean(r);
	sm_result_free(r);
	sm_policy_unref(p);
	g_free(m);
}

/* A PDF attachment whose page text is in a Flate stream: the card found
 * there strips the attachment (a PDF cannot be edited in place); the same
 * PDF without it is delivered untouched; a stream inflating past
 * archive_max_ratio is a permanent limit (a bomb: rejected). */
static void flate_obj(GString *f, int obj, const char *content)
{
	GConverter *z = G_CONVERTER(g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9));
	guint8 buf[65536];
	gsize rd = 0, wr = 0;

	g_converter_convert(z, content, strlen(content), buf, sizeof(buf), G_CONVERTER_INPUT_AT_END,
			    &rd, &wr, NULL);
	g_object_unref(z);
	g_string_append_printf(f, "%d 0 obj\n<< /Length %u /Filter /FlateDecode >>\nstream\n", obj,
			       (unsigned)wr);
	g_string_append_len(f, (const char *)buf, (gssize)wr);
	g_string_append(f, "\nendstream\nendobj\n");
}

/* A PDF attachment: a page's content stream, and a ToUnicode CMap (or NULL). */
static char *pdf_attach2(const char *content, const char *cmap)
{
	GString *f = g_string_new("%PDF-1.4\n");
	char *b64, *m;

	flate_obj(f, 4, content);
	if (cmap)
		flate_obj(f, 9, cmap);
	g_string_append(f, "%%EOF\n");
	b64 = g_base64_encode((const guchar *)f->str, f->len);
	m = attach("invoice.pdf", "application/pdf", b64);
	g_free(b64);
	g_string_free(f, TRUE);
	return m;
}

static char *pdf_attach(const char *content)
{
	return pdf_attach2(content, NULL);
}

static void test_pdf(void)
{
	char *m = pdf_attach("BT /F1 12 Tf 72 712 Td [(Card 4111 1111)-20( 1111 1111)] TJ ET");
	sm_policy *p = policy("");
	sm_result *r = scan(p, m);
	char *o = output(r), *json = sm_result_json(r);
	GString *big = g_string_new("BT (");

	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_MODIFY);
	g_assert_nonnull(strstr(json, "\"detector\":\"credit_card\""));
	g_assert_nonnull(strstr(o, "invoice.pdf.removed.txt")); /* the strip notice */
	all_outputs_clean(r);
	g_free(o);
	g_free(json);
	sm_result_free(r);
	g_free(m);
	/* a Japanese page in a CID font: the card found through its ToUnicode map */
	m = pdf_attach2("BT /F2 10 Tf <0101010201030104> Tj <00210020> Tj <0014001100110011> Tj <0020> Tj "
			"<0011001100110011> Tj <0020> Tj <0011001100110011> Tj <0020> Tj "
			"<0011001100110011> Tj ET",
			"begincmap 4 beginbfchar <0101> <30AB> <0102> <30FC> <0103> <30C9> "
			"<0104> <756A53F7> endbfchar 2 beginbfrange <0010> <0019> <0030> "
			"<0020> <0021> [<0020> <003A>] endbfrange endcmap");
	r = scan(p, m);
	json = sm_result_json(r);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_MODIFY);
	g_assert_nonnull(strstr(json, "\"detector\":\"credit_card\""));
	all_outputs_clean(r);
	g_free(json);
	sm_result_free(r);
	g_free(m);
	m = pdf_attach("BT /F1 12 Tf 72 712 Td (Build 26100.2894, KB5044284) Tj ET");
	r = scan(p, m);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_ACCEPT);
	sm_result_free(r);
	g_free(m);
	sm_policy_unref(p);
	for (int i = 0; i < 8192; i++)
		g_string_append(big, "aaaaaaaa");
	g_string_append(big, ") Tj ET");
	m = pdf_attach(big->str);
	p = policy("limits: { archive_max_ratio = 10; };");
	r = scan(p, m);
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_REJECT);
	sm_result_free(r);
	sm_policy_unref(p);
	g_free(m);
	g_string_free(big, TRUE);
}

/* A message that cannot be parsed: policy.on_unparseable, never a tempfail,
 * and not the milter's failure. */
static void test_unparseable(void)
{
	static const uint8_t raw[] = "From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n";
	sm_policy *p = policy("");
	sm_result *r = sm_result_new(p, raw, sizeof(raw) - 1);
	const char *code = NULL, *xcode = NULL, *text = NULL;

	sm_decide_unparseable(r, "a multipart preamble could not be located");
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_REJECT);
	sm_result_reply(r, &code, &xcode, &text);
	g_assert_cmpstr(code, ==, "550");
	g_assert_cmpstr(xcode, ==, "5.7.1");
	g_assert_nonnull(strstr(text ? text : "", "MIME structure of this message cannot be read"));
	g_assert_nonnull(strstr(text ? text : "", "preamble could not be located"));
	g_assert_false(sm_result_failed(r));
	sm_result_free(r);
	sm_policy_unref(p);

	p = policy("policy: { on_unparseable = \"accept\"; unparseable_reply = \"no\"; };");
	r = sm_result_new(p, raw, sizeof(raw) - 1);
	sm_decide_unparseable(r, "x");
	g_assert_cmpint(sm_result_verdict(r), ==, SM_V_ACCEPT);
	g_assert_cmpuint(sm_result_header_count(r), ==, 1);
	if (sm_result_header_count(r) == 1) {
		const char *name, *value;
		char op;
		int idx;

		sm_result_header(r, 0, &op, &name, &value, &idx);
		g_assert_cmpstr(name, ==, "X-Support-Scan");
		g_assert_cmpstr(value, ==, "incomplete");
	}
	g_assert_false(sm_result_failed(r));
	sm_result_free(r);
	sm_policy_unref(p);
}

/* The rules' answers of a result, as text. */
static char *rules_text(const sm_result *r)
{
	GString *g = g_string_new(NULL);
	guint i;

	g_string_append_printf(g, "sr=%s res=%d fb=%d auto=%d", r->sr, r->resolved, r->feedback,
			       r->auto_reply);
	for (i = 0; r->related_sr && r->related_sr[i]; i++)
		g_string_append_printf(g, " rel=%s", r->related_sr[i]);
	for (i = 0; i < r->outcomes->len; i++) {
		const sm_rule_outcome *o = &g_array_index(r->outcomes, sm_rule_outcome, i);

		g_string_append_printf(g, " %s=%s", o->rule, o->result);
	}
	return g_string_free(g, FALSE);
}

/* Two text parts; part k (bit k of `cards`) holds a card number in its new
 * text, the others a number of the same shape that is none. */
static char *split_msg(unsigned cards, bool swap)
{
	static const char *const bodies[][2] = {
		{"About TrackingID#2411250040310623 too: ", "\n\nOn Thu, Dec 5, 2024 Support "
		"<s@x> wrote:\n> TrackingID#2411220040001234\n"},
		{"The log: ", "\nThis issue is resolved now.\n\nOn Thu, Dec 5, 2024 Support "
		"<s@x> wrote:\n> TrackingID#2411220040001234\n> This issue is reviewed now.\n"},
	};
	GString *g = g_string_new("From: a@b.example\nTo: support@vendor.example\nSubject: RE: x\n"
				  "Content-Type: multipart/mixed; boundary=b\n\n");
	int k;

	for (k = 0; k < 2; k++) {
		int b = swap ? 1 - k : k;

		g_string_append(g, "--b\nContent-Type: text/plain; charset=utf-8\n\n");
		g_string_append(g, bodies[b][0]);
		g_string_append(g, cards & (1u << k) ? "4111 1111 1111 1111" : "4111 1111 1111 1112");
		g_string_append(g, bodies[b][1]);
		g_string_append(g, "\n");
	}
	g_string_append(g, "--b--\n");
	return g_string_free(g, FALSE);
}

/* A view the scan split for a finding's history hands its new text on to
 * the rules: their answers are those of their own reading (the message
 * with no finding), whichever parts hold a finding. */
static void test_split_handed_on(void)
{
	sm_policy *p = sm_test_policy_text("recipients = [\"support@vendor.example\"];\n"
					   "rules: { subject_sr: { on_missing = \"repair\"; "
					   "repair_from = \"history\"; }; };\n");
	unsigned cards;
	int swap;

	for (swap = 0; swap < 2; swap++) {
		char *m0 = split_msg(0, swap);
		sm_result *r0 = scan(p, m0);
		char *plain = rules_text(r0);

		g_assert_cmpuint(r0->findings->len, ==, 0);
		g_assert_cmpstr(r0->sr, ==, "2411220040001234"); /* repaired from the histories */
		for (cards = 1; cards < 4; cards++) {
			char *m = split_msg(cards, swap), *t;
			sm_result *r = scan(p, m);

			g_assert_cmpuint(r->findings->len, >, 0);
			t = rules_text(r);
			g_assert_cmpstr(t, ==, plain);
			g_free(t);
			sm_result_free(r);
			g_free(m);
		}
		g_free(plain);
		sm_result_free(r0);
		g_free(m0);
	}
	sm_policy_unref(p);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/scan/parts_limit", test_parts_limit);
	g_test_add_func("/scan/unparseable", test_unparseable);
	g_test_add_func("/scan/person_fields", test_person_fields);
	g_test_add_func("/scan/depth_limit", test_depth_limit);
	g_test_add_func("/scan/size_limits", test_size_limits);
	g_test_add_func("/scan/uninspected_actions", test_uninspected_actions);
	g_test_add_func("/scan/strip_notice", test_strip_notice);
	g_test_add_func("/scan/unstrippable_top_level", test_unstrippable_top_level);
	g_test_add_func("/scan/unchanged_and_scope", test_unchanged_and_scope);
	g_test_add_func("/scan/headers_only_message", test_headers_only_message);
	g_test_add_func("/scan/top_header_index", test_top_header_index);
	g_test_add_func("/scan/eml_attachment", test_eml_attachment);
	g_test_add_func("/scan/warm", test_warm);
	g_test_add_func("/scan/uuencoded", test_uuencoded);
	g_test_add_func("/scan/sbcs_label_lie", test_sbcs_label_lie);
	g_test_add_func("/scan/unreadable_archive", test_unreadable_archive);
	g_test_add_func("/scan/names", test_names);
	g_test_add_func("/scan/pdf", test_pdf);
	g_test_add_func("/scan/split_handed_on", test_split_handed_on);
	return g_test_run();
}
