/*
 * fuzz_archive.c - libFuzzer harness over the archive readers: the TNEF
 * reader (sm_tnef_parse) and sm_archive_scan, which picks zip, TNEF or a
 * libarchive stream format (tar, 7z, cab, rar, cpio, gz, xz, ...) by content.
 *
 * Input layout: byte 0 picks the limits (bit 0: depth 1 instead of 3, bit 1:
 * 8 members instead of 1000, bit 2: 64 KiB uncompressed instead of 8 MiB);
 * the rest is the attachment's bytes.
 *
 * Invariants: TNEF members lie inside the input or in memory the reader owns
 * and are no more than asked for; sm_archive_scan returns a known status,
 * a detail with every status but OK / NOT_ARCHIVE when a limit hit, member
 * paths that are valid UTF-8 without control characters, and at most one
 * member past archive_max_members.
 *
 * Untrusted input: the fuzzer's bytes.  Owns nothing across calls but the
 * detectors, loaded once.
 */
#include "fuzzutil.h"
#include "sm_archive.h"
#include "tnef.h"

static const sm_scan_ctx CTX = {NULL, NULL, 0, "fuzz-key"};

static sm_detectors *detectors(void)
{
	static sm_detectors *d;
	char err[256];

	if (!d && !(d = sm_detectors_load(NULL, err, sizeof(err))))
		abort();
	return d;
}

static void check_tnef(const uint8_t *data, size_t size)
{
	sm_tnef *t = sm_tnef_parse(data, size, 16, 1 << 16);
	size_t i;

	FUZZ_CHECK(!t == !sm_tnef_sniff(data, size), "TNEF parsed exactly when sniffed");
	FUZZ_CHECK(sm_tnef_count(t) <= 16, "no more TNEF members than asked for");
	for (i = 0; i < sm_tnef_count(t); i++) {
		const sm_tnef_member *m = sm_tnef_member_at(t, i);
		bool inside = m->data >= data && m->len <= size && m->data <= data + size - m->len;

		FUZZ_CHECK(m->name != NULL, "every TNEF member has a name");
		FUZZ_CHECK(m->len == 0 || inside || m->len <= (1 << 16) * 2 + 4,
			   "TNEF member inside the input or small owned text");
	}
	sm_tnef_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sm_limits l = {0};
	sm_archive_result r;
	unsigned i;

	if (size < 1)
		return 0;
	l.max_part_bytes = 1 << 20;
	l.max_findings = 100;
	l.archive_max_depth = (data[0] & 1) ? 1 : 3;
	l.archive_max_members = (data[0] & 2) ? 8 : 1000;
	l.archive_max_bytes = (data[0] & 4) ? 1 << 16 : 8 << 20;
	l.archive_max_ratio = 100;
	check_tnef(data + 1, size - 1);
	sm_archive_scan(detectors(), &CTX, &l, data + 1, size - 1, "fuzz.bin", &r);
	FUZZ_CHECK(r.status >= SM_ARCHIVE_OK && r.status <= SM_ARCHIVE_CORRUPT, "known status");
	FUZZ_CHECK(r.status != SM_ARCHIVE_LIMIT || r.detail, "a limit says which");
	FUZZ_CHECK(r.members <= (unsigned)l.archive_max_members + 1, "member count bounded");
	for (i = 0; i < r.hits->len; i++) {
		const sm_archive_hit *h = &g_array_index(r.hits, sm_archive_hit, i);
		const char *p;

		FUZZ_CHECK(g_utf8_validate(h->member, -1, NULL), "member path is UTF-8");
		for (p = h->member; *p; p++)
			FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f, "no control characters");
	}
	sm_archive_result_clear(&r);
	return 0;
}
