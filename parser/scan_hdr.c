/*
 * scan_hdr.c - header values as text.
 *
 * The top-level Subject is scanned here and changed by a header operation
 * (decide.c).  A message inside the message (message/rfc822, a forwarded
 * alert, an .eml attachment) shows its Subject, From, To ... to whoever
 * opens it, so those fields are scanned too; a masked one is replaced in
 * the original bytes by its masked value, RFC 2047-encoded in UTF-8.
 * Structural fields (Content-*, Message-ID, Received ...) are never touched.
 *
 * Untrusted input: the header blocks msg.c located (each at most
 * max_header_bytes).  Loops run over those bytes only.
 */
#include "scan_hdr.h"

#include "detect.h"
#include "hdecode.h"
#include "rewrite.h"
#include "view.h"

#include <gmime/gmime.h>
#include <string.h>

/* Fields a reader sees; the others are left alone (boundaries and IDs are
 * full of digits, and masking them would break the message). */
static const char *const visible[] = {"subject", "from", "to", "cc", "reply-to", "sender",
				      "comments", "keywords", "organization", NULL};

char *sm_scan_header_value(scan *s, const char *utf8, const char *loc)
{
	sm_view *v;
	GArray *hits, *edits;
	char *out = NULL;
	guint i;

	if (!utf8 || !*utf8)
		return NULL;
	v = sm_view_new_utf8(utf8, strlen(utf8));
	hits = g_array_new(FALSE, FALSE, sizeof(sm_hit));
	edits = g_array_new(FALSE, FALSE, sizeof(sm_edit));
	sm_detectors_scan(s->p->det, v, &s->ctx, hits, 64);
	for (i = 0; i < hits->len; i++) {
		sm_hit *h = &g_array_index(hits, sm_hit, i);
		const sm_detector_info *info = sm_detectors_info(s->p->det, h->det);
		sm_finding *f = sm_result_add_finding(s->r, info->id, info->label, loc, NULL, NULL);

		f->count = 1;
		f->action = info->action == SM_ACT_STRIP ? SM_ACT_MASK : info->action;
		f->preview = sm_detectors_preview(s->p->det, v, h);
		sm_fingerprint(s->ctx.fp_key, v->text + h->start, h->end - h->start,
			       f->fingerprint);
		f->reply = g_strdup(info->reply);
		if (f->action != SM_ACT_MASK)
			h->mask = SM_MASK_NONE;
	}
	sm_rewrite_edits(v, hits, edits);
	if (edits->len) {
		GByteArray *b = g_byte_array_new();
		char *masked;

		sm_charset_rewrite(&v->cs, (const uint8_t *)utf8, strlen(utf8),
				   (const sm_edit *)edits->data, edits->len, b);
		masked = g_strndup((const char *)b->data, b->len);
		out = g_mime_utils_header_encode_text(NULL, masked, "UTF-8");
		g_free(masked);
		g_byte_array_free(b, TRUE);
	}
	g_array_free(edits, TRUE);
	g_array_free(hits, TRUE);
	sm_view_free(v);
	return out;
}

static bool is_visible(const uint8_t *name, size_t n)
{
	for (int i = 0; visible[i]; i++)
		if (strlen(visible[i]) == n && g_ascii_strncasecmp((const char *)name, visible[i], n) == 0)
			return true;
	return false;
}

/* One field raw[a, z) (continuation lines included, line end excluded). */
static void scan_field(scan *s, const sm_hblock *b, size_t a, size_t z)
{
	const uint8_t *raw = s->m->raw;
	const uint8_t *colon = memchr(raw + a, ':', z - a);
	char loc[80], *val, *masked;
	size_t v;

	if (!colon || !is_visible(raw + a, (size_t)(colon - raw) - a))
		return;
	v = (size_t)(colon - raw) + 1;
	val = g_strstrip(sm_header_decode((const char *)raw + v, z - v));
	snprintf(loc, sizeof(loc), "%s.HEADER", b->loc);
	masked = sm_scan_header_value(s, val, loc);
	if (masked) {
		sm_splice sp = {v, z, NULL};
		char *with = g_strconcat(" ", masked, NULL);

		sp.with = g_bytes_new_take(with, strlen(with));
		g_array_append_val(s->r->splices, sp);
		g_free(masked);
	}
	g_free(val);
}

void sm_scan_hblocks(scan *s)
{
	const uint8_t *raw = s->m->raw;
	guint k;

	for (k = 0; k < s->m->hblocks->len; k++) {
		const sm_hblock *b = &g_array_index(s->m->hblocks, sm_hblock, k);
		size_t i = b->start;

		while (i < b->end) {
			size_t z = i, next;
			const uint8_t *nl;

			/* the field: its first line and every continuation line */
			do {
				nl = memchr(raw + z, '\n', b->end - z);
				next = nl ? (size_t)(nl - raw) + 1 : b->end;
				z = next;
			} while (z < b->end && (raw[z] == ' ' || raw[z] == '\t'));
			/* without its line end */
			if (z > i && raw[z - 1] == '\n')
				z--;
			if (z > i && raw[z - 1] == '\r')
				z--;
			if (z > i && raw[i] != ' ' && raw[i] != '\t')
				scan_field(s, b, i, z);
			i = next;
		}
	}
}
