/*
 * fuzz_quote.c - libFuzzer harness over the quote splitter: the author's new
 * text (sm_quote_new_text) and the start of the quoted history
 * (sm_quote_history_start) of plain and HTML views.
 *
 * Input layout: byte 0 bit 0 HTML, bit 1 charset (UTF-8 or ISO-2022-JP);
 * the rest is the part.
 *
 * Invariants: new text is not NULL, is valid UTF-8 when the view is, and is
 * no longer than the view (plus the final newline); the history start is within the view; both are
 * stable (a second call gives the same answer).
 *
 * Untrusted input: the fuzzer's bytes.  Owns nothing across calls.
 */
#include "fuzzutil.h"
#include "quote.h"
#include "view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sm_view *v;
	char *t, *t2;
	size_t h;
	bool trunc = false;

	if (size < 1)
		return 0;
	v = sm_view_new(data + 1, size - 1, (data[0] & 2) ? "iso-2022-jp" : "utf-8",
			data[0] & 1, 1 << 20, &trunc);
	t = sm_quote_new_text(v);
	FUZZ_CHECK(t != NULL, "new text not NULL");
	/* lines are re-joined with '\n', so one more byte when the last has none */
	FUZZ_CHECK(strlen(t) <= v->len + 1, "new text no longer than the view");
	FUZZ_CHECK(!g_utf8_validate_len(v->text, v->len, NULL) || g_utf8_validate(t, -1, NULL),
		   "new text is UTF-8");
	h = sm_quote_history_start(v);
	FUZZ_CHECK(h <= v->len, "history start within the view");
	t2 = sm_quote_new_text(v);
	FUZZ_CHECK(strcmp(t, t2) == 0 && sm_quote_history_start(v) == h,
		   "quote splitting is deterministic");
	g_free(t);
	g_free(t2);
	sm_view_free(v);
	return 0;
}
