/*
 * fuzz_message.c - libFuzzer harness over the whole message path: bytes in,
 * sm_scan_mem with the default policy, then every way the result is read
 * (verdict, reply, header edits, recipients, write_message, write_body, the
 * --test JSON, the audit JSON, the syslog summary).
 *
 * Invariants checked besides crashes, leaks and sanitizer reports:
 *   - the verdict is one of sm_verdict; the JSON is one valid object on one
 *     line whose "action" is the verdict's name; the audit record is valid
 *     JSON; the summary and reply texts are printable; REJECT/TEMPFAIL
 *     carry a 5xx/4xx reply, other verdicts none;
 *   - header edits are 'A' or 'C' with a field name and a value that cannot
 *     inject a header (every line break is followed by white space);
 *   - body_changed only with MODIFY; then write_body equals the body of
 *     write_message (line ends aside);
 *   - ACCEPT and !body_changed: the delivered body is the input body,
 *     byte for byte (CRLF/LF and trailing line ends aside), when the input
 *     has a well-formed header block;
 *   - a delivered message scanned again gets a definite verdict;
 *   - sm_scan_fd on the same bytes gives the same verdict (one code path).
 * Half the inputs (by their last byte) are scanned with 4 KiB windows
 * (limits.scan_window_bytes), so the window path meets fuzzer-sized input.
 *
 * Untrusted input: the fuzzer's bytes, as a message addressed to support.
 * Owns nothing across calls except the policy (fuzzutil.h).
 */
#include "fuzzutil.h"

#include <sys/mman.h>
#include <unistd.h>

static void check_json(const sm_result *r, sm_verdict v)
{
	char *json = sm_result_json(r);
	char *audit;
	sm_envelope env = {"FUZZ1", "sender@example.co.jp", NULL};

	FUZZ_CHECK(fuzz_json_object_ok(json, NULL), "--test JSON is one valid object on one line");
	FUZZ_CHECK(fuzz_json_object_ok(json, sm_verdict_names[v]),
		   "--test JSON top-level action is the verdict's name");
	g_free(json);
	audit = sm_result_audit_json(r, &env, FUZZ_NOW);
	FUZZ_CHECK(fuzz_json_object_ok(audit, NULL), "audit record is one valid JSON object");
	g_free(audit);
	audit = sm_result_summary(r);
	FUZZ_CHECK(fuzz_printable(audit), "summary is one printable line");
	g_free(audit);
}

static void check_reply(const sm_result *r, sm_verdict v)
{
	const char *code = NULL, *xcode = NULL, *text = NULL;

	sm_result_reply(r, &code, &xcode, &text);
	if (v == SM_V_REJECT || v == SM_V_TEMPFAIL) {
		char want = v == SM_V_REJECT ? '5' : '4';

		FUZZ_CHECK(code && strlen(code) == 3 && code[0] == want, "reply code class");
		FUZZ_CHECK(xcode && xcode[0] == want, "reply extended code class");
		FUZZ_CHECK(text && fuzz_printable(text), "reply text printable");
	} else {
		FUZZ_CHECK(!code && !xcode && !text, "no reply unless reject/tempfail");
	}
}

/*
 * A value may be folded ("\r\n\t", "\n ") but never start a new field.
 * Other control bytes may pass through from the original header (a Subject
 * rewritten around its raw text keeps them): they cannot end the field.
 */
static bool value_safe(const char *v)
{
	for (; *v; v++) {
		if (*v == '\r' && v[1] == '\n')
			v++;
		if ((*v == '\r' || *v == '\n') && v[1] != ' ' && v[1] != '\t')
			return false;
	}
	return true;
}

static void check_headers(const sm_result *r)
{
	size_t i, n = sm_result_header_count(r);
	const char *const *rc = sm_result_add_rcpts(r);

	FUZZ_CHECK(n < 1000, "header edits bounded");
	for (i = 0; i < n; i++) {
		char op = 0;
		const char *name = NULL, *value = NULL;
		int index = 0;
		const char *c;

		sm_result_header(r, i, &op, &name, &value, &index);
		FUZZ_CHECK(op == 'A' || op == 'C', "header edit op");
		FUZZ_CHECK(name && *name, "header edit has a name");
		for (c = name; c && *c; c++)
			FUZZ_CHECK(*c > 0x20 && *c < 0x7f && *c != ':', "header name characters");
		FUZZ_CHECK(value && value_safe(value), "header value cannot inject a field");
		FUZZ_CHECK(op == 'A' || index >= 1, "change index is 1-based");
	}
	FUZZ_CHECK(rc != NULL, "recipient list not NULL");
	for (; rc && *rc; rc++)
		FUZZ_CHECK(**rc && !strpbrk(*rc, "\r\n"), "added recipient is one address");
}

static void check_body(const sm_result *r, sm_verdict v, const uint8_t *d, size_t n,
		       const GByteArray *msg)
{
	bool changed = sm_result_body_changed(r), in_ok = false, out_ok = false;
	size_t in_b = fuzz_body_offset(d, n, &in_ok);
	size_t out_b = fuzz_body_offset(msg->data, msg->len, &out_ok);

	FUZZ_CHECK(!changed || v == SM_V_MODIFY, "body_changed only with modify");
	if (changed) {
		GByteArray *body = g_byte_array_new();

		FUZZ_CHECK(sm_result_write_body(r, fuzz_append, body) == 0, "write_body succeeds");
		FUZZ_CHECK(fuzz_same_text(body->data, body->len, msg->data + out_b,
					  msg->len - out_b),
			   "write_body equals the body of write_message");
		g_byte_array_free(body, TRUE);
	} else if (v == SM_V_ACCEPT && in_ok) {
		FUZZ_CHECK(fuzz_same_text(d + in_b, n - in_b, msg->data + out_b, msg->len - out_b),
			   "accepted unchanged message keeps its body byte for byte");
	}
}

static sm_verdict scan_fd_verdict(sm_policy *p, const uint8_t *d, size_t n)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	sm_result *r;
	sm_verdict v;
	size_t off = 0;

	FUZZ_CHECK(fd >= 0, "memfd_create");
	while (off < n) {
		ssize_t w = write(fd, d + off, n - off);

		FUZZ_CHECK(w > 0, "write to memfd");
		off += (size_t)w;
	}
	r = sm_scan_fd(p, fd, NULL, FUZZ_NOW);
	close(fd);
	v = sm_result_verdict(r);
	sm_result_free(r);
	return v;
}

/* Everything about one result; returns the delivered message or NULL. */
static GByteArray *check_result(const sm_result *r, const uint8_t *d, size_t n)
{
	sm_verdict v = sm_result_verdict(r);
	GByteArray *msg;

	FUZZ_CHECK(v <= SM_V_TEMPFAIL, "verdict in range");
	check_json(r, v);
	check_reply(r, v);
	if (v != SM_V_ACCEPT && v != SM_V_MODIFY)
		return NULL;
	check_headers(r);
	msg = g_byte_array_new();
	FUZZ_CHECK(sm_result_write_message(r, fuzz_append, msg) == 0, "write_message succeeds");
	check_body(r, v, d, n, msg);
	return msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* one input in two (chosen by the input) with 4 KiB windows */
	sm_policy *p = size && (data[size - 1] & 1) ? fuzz_policy_windowed() : fuzz_policy();
	sm_result *r = sm_scan_mem(p, data, size, NULL, FUZZ_NOW);
	sm_verdict v = sm_result_verdict(r);
	GByteArray *out = check_result(r, data, size);

	sm_result_free(r);
	if (out) {
		sm_result *again = sm_scan_mem(p, out->data, out->len, NULL, FUZZ_NOW);
		GByteArray *out2 = check_result(again, out->data, out->len);

		if (out2)
			g_byte_array_free(out2, TRUE);
		sm_result_free(again);
		g_byte_array_free(out, TRUE);
	}
	/* the file path, for one input in eight (chosen by the input, so repeatable) */
	if (size && (data[0] & 7) == 0)
		FUZZ_CHECK(scan_fd_verdict(p, data, size) == v, "sm_scan_fd agrees with sm_scan_mem");
	return 0;
}
