/*
 * scan.c - one message through the policy: parse, walk every part, view and
 * scan text, inspect archives, run the convention rules, decide, and
 * prepare the rewrite (scan.h).  The --test mode and the daemon both call
 * sm_scan_mem / sm_scan_fd: one code path.
 *
 * Untrusted input: the whole message.  Limits: max_message_bytes,
 * max_part_bytes, max_total_bytes, max_findings, and everything msg.c and
 * archive.c enforce.  A limit or an internal error becomes a verdict through
 * the configured action (tempfail by default), never a silent pass.
 */
#include "quote.h"
#include "sm_archive.h"
#include "rewrite.h"
#include "scan_int.h"
#include "sniff.h"

#include <string.h>


typedef enum { K_TEXT, K_HTML, K_ARCHIVE, K_BINARY } part_kind;

/* ------------------------------------------------------------------ classify */

static const char *const html_exts[] = {"html", "htm", "xhtml", NULL};
static const char *const eml_exts[] = {"eml", NULL};
static const char *const archive_exts[] = {"zip", "docx", "xlsx", "pptx", "docm", "xlsm",
					   "pptm", "jar", "tar", NULL};
static const char *const text_types[] = {
	"application/json", "application/xml", "application/javascript", "application/x-sh",
	"application/x-python", "application/x-powershell", "application/x-bat",
	"application/x-msdos-program", "application/x-yaml", "application/yaml",
	"application/x-plist", "application/x-x509-ca-cert", "application/pkcs8",
	"application/x-pem-file", "message/delivery-status", "message/disposition-notification",
	"application/x-apple-aspen-config", "application/csv", NULL};

static part_kind classify(const sm_part *p, const uint8_t *head, size_t n)
{
	const char *ct = p->ctype;

	if (sm_archive_sniff(head, n))
		return K_ARCHIVE;
	if (strcmp(ct, "text/html") == 0 || sm_sniff_has_ext(p->filename, html_exts))
		return K_HTML;
	if (g_str_has_prefix(ct, "text/") || g_str_has_suffix(ct, "+xml") ||
	    g_str_has_suffix(ct, "+json") || sm_sniff_text_name(p->filename)) {
		/* a declared text type that is really binary (magic, NULs) */
		return n >= 2 && !sm_sniff_text(head, n, p->filename) ? K_BINARY : K_TEXT;
	}
	for (int i = 0; text_types[i]; i++)
		if (strcmp(ct, text_types[i]) == 0)
			return K_TEXT;
	if (sm_sniff_has_ext(p->filename, archive_exts))
		return K_ARCHIVE;
	return sm_sniff_text(head, n, NULL) ? K_TEXT : K_BINARY;
}

/* ------------------------------------------------------------------ findings */

static const char *where_of(const sm_part *p)
{
	return p->filename ? p->filename : p->loc;
}

/* One finding per distinct value and part: a value seen again in the same
 * part counts; another value is a finding of its own. */
static void hit_finding(scan *s, const sm_part *p, const sm_view *v, const sm_hit *h,
			sm_act act, size_t *history)
{
	const sm_detector_info *info = sm_detectors_info(s->p->det, h->det);
	char fp[17];
	bool created;
	sm_finding *f;

	sm_detectors_fingerprint(s->p->det, s->ctx.fp_key, v, h, fp);
	f = sm_result_value_finding(s->r, info->id, info->label, p->loc, p->filename, NULL, fp,
				    &created);
	if (created) {
		f->action = act;
		f->preview = sm_detectors_preview(s->p->det, v, h);
		f->reply = g_strdup(info->reply);
		f->quoted = true;
	}
	if (*history == (size_t)-1)
		*history = sm_quote_history_start(v);
	f->quoted = f->quoted && h->start >= *history;
	f->count++;
}

/* Strip part idx; `why` completes "removed the attachment X: ..." */
void sm_scan_mark_strip(scan *s, guint idx, const char *why)
{
	guint i;

	for (i = 0; i < s->strip->len; i++)
		if (g_array_index(s->strip, guint, i) == idx)
			return;
	g_array_append_val(s->strip, idx);
	g_ptr_array_add(s->why, g_strdup(why));
}

void sm_scan_strip_found(scan *s, guint idx, const char *label)
{
	char *why = g_strdup_printf("it contains confidential data (%s)", label);

	sm_scan_mark_strip(s, idx, why);
	g_free(why);
}

void sm_scan_set_limit(scan *s, const char *why, const char *where)
{
	if (!s->limit)
		sm_result_note(s->r, "limit: %s (%s)", why, where);
	s->limit = true;
	s->limit_act = (sm_act)s->lim->on_limit;
}

/* ------------------------------------------------------------------ parts */

/* A part's decoded bytes: decoded into a buffer of ours, or, for a part
 * without transfer encoding, a header over the message's own bytes (no copy
 * of a 30 MB 8bit body).  sm_scan_bytes_free knows which. */
static bool borrowed(const sm_part *p)
{
	return p->enc != GMIME_CONTENT_ENCODING_BASE64 &&
	       p->enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
	       p->enc != GMIME_CONTENT_ENCODING_UUENCODE;
}

void sm_scan_bytes_free(const sm_part *p, GByteArray *d)
{
	if (d)
		g_byte_array_free(d, !borrowed(p));
}

/* Decoded size of a part (enough for the buffer not to grow, not much more). */
static size_t decoded_hint(const sm_part *p, size_t max)
{
	size_t n = p->cend - p->cstart;

	if (p->enc == GMIME_CONTENT_ENCODING_BASE64)
		n = n / 4 * 3 + 4;
	return n < max ? n : max;
}

/* Decode within the part and message budgets; NULL when over (limit set).
 * `head` is the start already decoded for classifying: taken over when it
 * is the whole part (most text parts), so nothing is decoded twice. */
GByteArray *sm_scan_decode(scan *s, const sm_part *p, GByteArray **head, bool whole)
{
	GByteArray *d;
	long long room = s->lim->max_total_bytes - s->total;
	size_t max = (size_t)(room < s->lim->max_part_bytes ? room : s->lim->max_part_bytes);
	size_t n = p->cend - p->cstart;

	if (borrowed(p)) {
		if (n > max) {
			sm_scan_set_limit(s, "part larger than max_part_bytes or max_total_bytes",
					  p->loc);
			return NULL;
		}
		s->total += n;
		return g_byte_array_new_take((guint8 *)s->m->raw + p->cstart, n);
	}
	if (whole && (*head)->len <= max) {
		d = *head;
		*head = NULL;
		s->total += d->len;
		return d;
	}
	d = g_byte_array_sized_new((guint)decoded_hint(p, max));
	if (sm_msg_decode(s->m, p, max, d) != 0) {
		sm_scan_set_limit(s, "part larger than max_part_bytes or max_total_bytes", p->loc);
		g_byte_array_free(d, TRUE);
		return NULL;
	}
	s->total += d->len;
	return d;
}

typedef struct src_range {
	size_t a, z;
} src_range;

/* The source ranges of hits in view v, in order (the map is monotone, so
 * they are sorted by start): what the visible pass of HTML found. */
static GArray *src_ranges(const sm_view *v, const GArray *hits)
{
	GArray *r = g_array_sized_new(FALSE, FALSE, sizeof(src_range), hits->len);

	for (guint i = 0; i < hits->len; i++) {
		const sm_hit *h = &g_array_index(hits, sm_hit, i);
		src_range sr;

		sm_view_src_range(v, h->start, h->end, &sr.a, &sr.z);
		g_array_append_val(r, sr);
	}
	return r;
}

/* Does [a, z) overlap one of the ranges?  Binary search on the starts; a
 * range starting before a may still reach past it, so look back a little
 * (hits do not nest deeply: a detector's spans do not overlap). */
static bool seen_src(const GArray *ranges, size_t a, size_t z)
{
	guint lo = 0, hi = ranges ? ranges->len : 0, k;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index(ranges, src_range, mid).a < z)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* ranges [0, lo) start before z; any of them ending after a overlaps */
	for (k = lo; k > 0 && lo - k < 64; k--)
		if (g_array_index(ranges, src_range, k - 1).z > a)
			return true;
	return false;
}

/* Record the findings of hits in view v whose source starts in [own_a,
 * own_z) (a window owns only its middle), skipping those at source bytes in
 * `seen` (what an earlier view found), and append the mask edits to edits. */
static void take_hits(scan *s, guint idx, const sm_part *p, const sm_view *v, GArray *hits,
		      const GArray *seen, size_t own_a, size_t own_z, GArray *edits)
{
	GArray *mask = g_array_new(FALSE, FALSE, sizeof(sm_hit));
	size_t history = (size_t)-1; /* where the quoted history starts, once needed */
	guint i;

	for (i = 0; i < hits->len; i++) {
		const sm_hit *h = &g_array_index(hits, sm_hit, i);
		sm_act act = sm_detectors_info(s->p->det, h->det)->action;
		size_t a, z;

		sm_view_src_range(v, h->start, h->end, &a, &z);
		if (a < own_a || a >= own_z || (seen && seen_src(seen, a, z)))
			continue;
		hit_finding(s, p, v, h, act, &history);
		if (act == SM_ACT_STRIP)
			sm_scan_strip_found(s, idx, sm_detectors_info(s->p->det, h->det)->label);
		if (act == SM_ACT_MASK)
			g_array_append_val(mask, *h);
	}
	if (mask->len && !s->limit)
		sm_rewrite_edits(v, mask, edits);
	g_array_free(mask, TRUE);
}

static sm_view *view_of(scan *s, const sm_part *p, const uint8_t *src, size_t len,
			const sm_charset *cs, bool html)
{
	bool trunc = false;
	size_t max = (size_t)s->lim->max_part_bytes * 4;
	sm_view *v = cs ? sm_view_new_cs(src, len, cs, html, max, &trunc)
			: sm_view_new(src, len, p->charset, html, max, &trunc);

	if (trunc)
		sm_scan_set_limit(s, "text view over its limit", p->loc);
	return v;
}

static GArray *detect(scan *s, const sm_part *p, const sm_view *v)
{
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(sm_hit));

	if (sm_detectors_scan(s->p->det, v, &s->ctx, hits, (size_t)s->lim->max_findings) != 0)
		sm_scan_set_limit(s, "more findings than max_findings", p->loc);
	return hits;
}

/* Does src, read in a Japanese legacy or single-byte charset, also carry
 * UTF-8 text (a few whole 3-byte sequences: kana, kanji, full-width forms)?
 * Then it is two charsets in one part (logs pasted together). */
static bool has_utf8_text(const sm_charset *cs, const uint8_t *src, size_t len)
{
	size_t i, n = 0;

	if (cs->kind != SM_CS_CP932 && cs->kind != SM_CS_EUCJP && cs->kind != SM_CS_SBCS)
		return false;
	for (i = 0; i + 2 < len && n < 4; i++)
		if (src[i] >= 0xe3 && src[i] <= 0xef && (src[i + 1] & 0xc0) == 0x80 &&
		    (src[i + 2] & 0xc0) == 0x80 &&
		    g_utf8_get_char_validated((const char *)src + i, 3) < 0x110000) {
			n++;
			i += 2;
		}
	return n >= 4;
}

static bool has_high(const uint8_t *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] & 0x80)
			return true;
	return false;
}

static gint range_cmp(gconstpointer a, gconstpointer b)
{
	const src_range *x = a, *y = b;

	return x->a < y->a ? -1 : x->a > y->a;
}

/* Add the source ranges of hits in view v to `seen` (kept sorted). */
static void add_seen(GArray *seen, const sm_view *v, const GArray *hits)
{
	GArray *more = src_ranges(v, hits);

	g_array_append_vals(seen, more->data, more->len);
	g_array_free(more, TRUE);
	g_array_sort(seen, range_cmp);
}

/*
 * The same bytes read in the other Japanese charsets, when the part's own
 * reading may have missed text: a charset that had to be detected (no label,
 * or one the bytes contradict) and a single-byte label (ISO-8859-1,
 * windows-1252 ...: any bytes fit it, so Japanese bytes under it never
 * contradict it) are read again as Shift_JIS and EUC-JP, and bytes read as
 * Shift_JIS, EUC-JP or single-byte that carry UTF-8 text are read again as
 * UTF-8.  Hits at bytes an earlier reading found are skipped.
 */
static void other_readings(scan *s, guint idx, const sm_part *p, const sm_view *v,
			   const GArray *hits, const uint8_t *src, size_t len, size_t own_a,
			   size_t own_z, GArray *edits)
{
	static const sm_charset alts[] = {{SM_CS_UTF8, "UTF-8", true, 0},
					  {SM_CS_CP932, "CP932", true, 0},
					  {SM_CS_EUCJP, "EUC-JP", true, 0}};
	bool legacy = v->cs.kind == SM_CS_CP932 || v->cs.kind == SM_CS_EUCJP ||
		      v->cs.kind == SM_CS_SBCS;
	bool sbcs_high = v->cs.kind == SM_CS_SBCS && has_high(src, len);
	GArray *seen = NULL;

	for (size_t k = 0; k < G_N_ELEMENTS(alts) && !s->limit; k++) {
		sm_view *alt;
		GArray *ahits;

		if (alts[k].kind == v->cs.kind)
			continue;
		if (alts[k].kind == SM_CS_UTF8 ? !has_utf8_text(&v->cs, src, len)
					       : !(legacy && (v->cs.detected || sbcs_high)))
			continue;
		if (!seen) {
			seen = g_array_new(FALSE, FALSE, sizeof(src_range));
			add_seen(seen, v, hits);
		}
		alt = view_of(s, p, src, len, &alts[k], false);
		ahits = detect(s, p, alt);
		take_hits(s, idx, p, alt, ahits, seen, own_a, own_z, edits);
		add_seen(seen, alt, ahits);
		g_array_free(ahits, TRUE);
		sm_view_free(alt);
	}
	if (seen)
		g_array_free(seen, TRUE);
}

/*
 * Detectors over the text of src (a whole part, or a window of one), masks
 * appended to edits.  HTML is read twice: its visible text, and then its
 * markup as plain text, for what a reader does not see but the bytes still
 * carry (comments, attribute values such as alt and title, style, script).
 * A part whose charset is uncertain is read in the other Japanese charsets
 * too (other_readings): a UTF-8 log pasted before a Shift_JIS one is one
 * part in two charsets, and a value in either must be found.  (Those masks
 * are written by the part's charset: the bytes are replaced all the same.)
 */
sm_view *sm_scan_span(scan *s, guint idx, const sm_part *p, const uint8_t *src, size_t len,
		      const sm_charset *cs, bool html, size_t own_a, size_t own_z, GArray *edits)
{
	sm_view *v = view_of(s, p, src, len, cs, html);
	GArray *hits = detect(s, p, v);

	take_hits(s, idx, p, v, hits, NULL, own_a, own_z, edits);
	if (html && !s->limit) {
		sm_view *raw = view_of(s, p, src, len, cs, false);
		GArray *rhits = detect(s, p, raw);
		GArray *seen = src_ranges(v, hits);

		if (raw->cs.kind == v->cs.kind && strcmp(raw->cs.name, v->cs.name) == 0)
			take_hits(s, idx, p, raw, rhits, seen, own_a, own_z, edits);
		else if (rhits->len)
			sm_scan_mark_strip(s, idx, "it contains confidential data in its markup");
		g_array_free(seen, TRUE);
		g_array_free(rhits, TRUE);
		sm_view_free(raw);
	}
	if (!s->limit)
		other_readings(s, idx, p, v, hits, src, len, own_a, own_z, edits);
	g_array_free(hits, TRUE);
	return v;
}

/* A body view is kept for the rules, without the decoded bytes. */
void sm_scan_keep_view(scan *s, const sm_part *p, sm_view *v)
{
	if (p->body) {
		v->src = NULL;
		g_ptr_array_add(s->body_views, v);
	} else
		sm_view_free(v);
}

/* A text part: detectors over its view, masks written back in its charset
 * and transfer encoding.  A large one goes window by window (scan_window.c). */
void sm_scan_text(scan *s, guint idx, const sm_part *p, bool html, GByteArray **head,
		  bool whole)
{
	GByteArray *d;

	if (sm_scan_windowed(s, idx, p, html))
		return;
	if ((d = sm_scan_decode(s, p, head, whole)))
		sm_scan_text_bytes(s, idx, p, html, d);
}

void sm_scan_text_bytes(scan *s, guint idx, const sm_part *p, bool html, GByteArray *d)
{
	GArray *edits;
	sm_view *v;

	edits = g_array_new(FALSE, FALSE, sizeof(sm_edit));
	v = sm_scan_span(s, idx, p, d->data, d->len, NULL, html, 0, SIZE_MAX, edits);
	if (!html)
		sm_scan_uuencoded(s, idx, p, d->data, d->len);
	if (edits->len && !s->limit) {
		GBytes *nb = sm_rewrite_part(s->m, p, v, d, edits);

		if (nb) {
			sm_splice sp = {p->cstart, p->cend, nb, 0, 0};

			g_array_append_val(s->r->splices, sp);
		} else
			sm_scan_mark_strip(s, idx,
					   "it contains confidential data that cannot be masked in place");
	}
	g_array_free(edits, TRUE);
	sm_scan_bytes_free(p, d); /* masks are written: the rules read only the view's text */
	sm_scan_keep_view(s, p, v);
}

static void uninspected(scan *s, guint idx, const sm_part *p);

static void scan_archive(scan *s, guint idx, const sm_part *p, GByteArray **head, bool whole)
{
	GByteArray *d = sm_scan_decode(s, p, head, whole);
	sm_archive_result ar;
	guint i;

	if (!d)
		return;
	sm_archive_scan(s->p->det, &s->ctx, s->lim, d->data, d->len, p->filename, &ar);
	for (i = 0; i < ar.hits->len; i++) {
		const sm_archive_hit *h = &g_array_index(ar.hits, sm_archive_hit, i);
		const sm_detector_info *info = sm_detectors_info(s->p->det, h->det);
		sm_finding *f = sm_result_add_finding(s->r, info->id, info->label, p->loc,
						      p->filename, h->member);

		f->kind = h->name ? SM_FK_NAME : SM_FK_VALUE;
		f->count = h->count;
		f->action = info->archive_action;
		f->preview = g_strdup(h->preview ? h->preview : "********");
		memcpy(f->fingerprint, h->fingerprint, sizeof(f->fingerprint));
		f->reply = g_strdup(info->reply);
		if (f->action == SM_ACT_STRIP || f->action == SM_ACT_MASK) {
			f->action = SM_ACT_STRIP; /* an archive cannot be edited in place */
			sm_scan_strip_found(s, idx, info->label);
		}
	}
	if (ar.status == SM_ARCHIVE_ENCRYPTED) {
		sm_finding *f = sm_result_add_finding(s->r, "encrypted_archive", "encrypted archive",
						      p->loc, p->filename, NULL);

		f->kind = SM_FK_PART;
		f->count = 1;
		f->action = (sm_act)s->lim->on_encrypted;
		f->preview = g_strdup("-");
		f->reply = g_strdup("Encrypted archives cannot be inspected for confidential data");
		if (f->action == SM_ACT_STRIP)
			sm_scan_mark_strip(s, idx, "it is an encrypted archive that cannot be inspected");
	} else if (ar.status == SM_ARCHIVE_LIMIT)
		sm_scan_set_limit(s, "archive over an archive limit", where_of(p));
	else if (ar.status == SM_ARCHIVE_CORRUPT || ar.status == SM_ARCHIVE_NOT_ARCHIVE) {
		sm_result_note(s->r, "part %s: archive not readable, not inspected (%s)", p->loc,
			       ar.detail ? ar.detail : "not a format we open");
		uninspected(s, idx, p); /* on_uninspected decides, as for any binary */
	}
	sm_archive_result_clear(&ar);
	sm_scan_bytes_free(p, d);
}

static void uninspected(scan *s, guint idx, const sm_part *p)
{
	sm_act a = (sm_act)s->lim->on_uninspected;

	sm_result_note(s->r, "part %s (%s): binary, not inspected", p->loc, p->ctype);
	if (a > SM_ACT_LOG) {
		sm_finding *f = sm_result_add_finding(s->r, "uninspected", "content that cannot be "
						      "inspected", p->loc, p->filename, NULL);

		f->kind = SM_FK_PART;
		f->count = 1;
		f->action = a;
		f->preview = g_strdup("-");
		f->reply = g_strdup("Attachments that cannot be inspected are not accepted");
		if (a == SM_ACT_STRIP)
			sm_scan_mark_strip(s, idx, "its content cannot be inspected");
	}
}

void sm_scan_part(scan *s, guint idx)
{
	const sm_part *p = g_ptr_array_index(s->m->parts, idx);
	GByteArray *head = g_byte_array_new();
	bool whole;
	int d;

	if (p->filename && (d = sm_detectors_match_name(s->p->det, p->filename)) >= 0) {
		const sm_detector_info *info = sm_detectors_info(s->p->det, (unsigned)d);
		sm_finding *f = sm_result_add_finding(s->r, info->id, info->label, p->loc,
						      p->filename, NULL);

		f->kind = SM_FK_NAME;
		f->count = 1;
		f->action = info->action;
		f->preview = g_strdup("(file name)");
		sm_fingerprint(s->ctx.fp_key, p->filename, strlen(p->filename), f->fingerprint);
		f->reply = g_strdup(info->reply);
		if (f->action == SM_ACT_STRIP || f->action == SM_ACT_MASK)
			sm_scan_strip_found(s, idx, info->label);
	}
	whole = sm_msg_decode(s->m, p, SM_SNIFF_BYTES, head) == 0;
	if (g_str_has_prefix(p->ctype, "message/") && !borrowed(p)) {
		sm_scan_embedded(s, idx, p, &head, whole);
		if (head)
			g_byte_array_free(head, TRUE);
		return;
	}
	switch (classify(p, head->data, head->len)) {
	case K_TEXT:
		if (sm_sniff_has_ext(p->filename, eml_exts))
			sm_scan_eml(s, idx, p, &head, whole);
		else
			sm_scan_text(s, idx, p, false, &head, whole);
		break;
	case K_HTML:
		sm_scan_text(s, idx, p, true, &head, whole);
		break;
	case K_ARCHIVE:
		scan_archive(s, idx, p, &head, whole);
		break;
	case K_BINARY:
		uninspected(s, idx, p);
		break;
	}
	if (head)
		g_byte_array_free(head, TRUE);
}
