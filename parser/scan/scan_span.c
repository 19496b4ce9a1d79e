/*
 * scan_span.c - the bottom of the scan: detectors over one span of a part
 * (the whole part, or one window of it), the findings they make, and the
 * bookkeeping every level above shares: a part's decoded bytes within the
 * budgets, parts to strip, the limit that decided (scan_int.h).
 *
 * Untrusted input: the part's decoded bytes.  Limits: max_part_bytes and
 * max_total_bytes (sm_scan_decode), max_findings (sm_result), and what the
 * view and the detectors enforce.  Other readings of a part (Shift_JIS,
 * EUC-JP, UTF-8 inside a legacy label) are bounded to one each.
 */
#include "quote.h"
#include "binstr.h"
#include "rewrite.h"
#include "re.h"
#include "scan_int.h"

#include <string.h>

#define SHAPE_BYTES 4096 /* bytes looked at to tell a charset by its shape */

/* ------------------------------------------------------------------ findings */

/* One finding per distinct value and part: a value seen again in the same
 * part counts; another value is a finding of its own.  *history: where the
 * view's quoted history starts, found once when first needed; with split
 * (the view the rules may read) by sm_quote_split, whose new text goes in
 * *split for them, the same reading of the view's lines. */
static void hit_finding(scan *s, const sm_part *p, const sm_view *v, const sm_hit *h,
			sm_act act, size_t *history, char **split, bool relaxed)
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
		f->relaxed = relaxed;
	}
	if (*history == (size_t)-1 && split)
		*split = sm_quote_split(v, history);
	else if (*history == (size_t)-1)
		*history = sm_quote_history_start(v);
	f->quoted = f->quoted && h->start >= *history;
	f->count++;
}

sm_act sm_scan_action(const scan *s, const sm_detector_info *info, sm_act a, bool *relaxed)
{
	*relaxed = a > SM_ACT_LOG && sm_exception_relaxes(s->exc, info->id);
	return *relaxed ? SM_ACT_LOG : a;
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
	s->limit_act = (sm_act)(s->limit_transient ? s->lim->on_limit : s->lim->on_permanent_limit);
}

/* A retry may pass: a transient limit decides, even over a permanent one
 * (what looked permanent may be the deadline cutting a nested reading). */
void sm_scan_set_transient(scan *s, const char *why, const char *where)
{
	if (!s->limit_transient)
		sm_result_note(s->r, "limit: %s (%s)", why, where);
	s->limit = s->limit_transient = true;
	s->limit_act = (sm_act)s->lim->on_limit;
}

bool sm_scan_expired(scan *s, const char *where)
{
	if (!sm_re_expired())
		return false;
	sm_scan_set_transient(s, "scan deadline passed", where);
	return true;
}

/* A part's decoded bytes: decoded into a buffer of ours, or, for a part
 * without transfer encoding, a header over the message's own bytes (no copy
 * of a 30 MB 8bit body).  sm_scan_bytes_free knows which. */
bool sm_scan_borrowed(const sm_part *p)
{
	return p->enc != GMIME_CONTENT_ENCODING_BASE64 &&
	       p->enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
	       p->enc != GMIME_CONTENT_ENCODING_UUENCODE;
}

void sm_scan_bytes_free(const sm_part *p, GByteArray *d)
{
	if (d)
		g_byte_array_free(d, !sm_scan_borrowed(p));
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

	if (sm_scan_borrowed(p)) {
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
/* The source bytes [a, z) are ASCII digits, spaces and hyphens: a number
 * every reading of the part reads alike (its first reading judged it). */
static bool ascii_number(const sm_view *v, size_t a, size_t z)
{
	if (!v->src || z > v->src_len)
		return false;
	for (size_t i = a; i < z; i++)
		if (!g_ascii_isdigit(v->src[i]) && v->src[i] != ' ' && v->src[i] != '-')
			return false;
	return z > a;
}

/* split: where the new text goes if a finding needs the history, for the
 * view the rules may read (else NULL); *history then says where it starts. */
static void take_hits(scan *s, guint idx, const sm_part *p, const sm_view *v, GArray *hits,
		      const GArray *seen, bool alt, size_t own_a, size_t own_z, GArray *edits,
		      char **split, size_t *history_out)
{
	GArray *mask = g_array_new(FALSE, FALSE, sizeof(sm_hit));
	size_t history = (size_t)-1;
	guint i;

	for (i = 0; i < hits->len; i++) {
		const sm_hit *h = &g_array_index(hits, sm_hit, i);
		bool relaxed;
		sm_act act = sm_scan_action(s, sm_detectors_info(s->p->det, h->det),
					    sm_detectors_info(s->p->det, h->det)->action, &relaxed);
		size_t a, z;

		sm_view_src_range(v, h->start, h->end, &a, &z);
		if (a < own_a || a >= own_z || (seen && seen_src(seen, a, z)))
			continue;
		if (alt && ascii_number(v, a, z))
			continue; /* another reading lost the words around a number (an SR's
				     case wording): the first reading's judgement stands */
		hit_finding(s, p, v, h, act, &history, split, relaxed);
		if (act == SM_ACT_STRIP)
			sm_scan_strip_found(s, idx, sm_detectors_info(s->p->det, h->det)->label);
		if (act == SM_ACT_MASK) {
			g_array_append_val(mask, *h);
			sm_scan_prop_add(s, v, h);
		}
	}
	if (mask->len && !s->limit)
		sm_rewrite_edits(v, mask, edits);
	g_array_free(mask, TRUE);
	if (history_out)
		*history_out = history;
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

	s->ctx.part_name = p->attachment ? p->filename : NULL; /* パスワード.txt */
	if (sm_detectors_scan(s->p->det, v, &s->ctx, hits, (size_t)s->lim->max_findings) != 0)
		sm_scan_set_limit(s, "more findings than max_findings", p->loc);
	s->ctx.part_name = NULL;
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

/* Read as Shift_JIS, mostly half-width katakana: EUC-JP bytes under a
 * Shift_JIS label (every EUC-JP byte pair is two half-width kana there). */
static bool halfwidth_heavy(const sm_charset *cs, const uint8_t *s, size_t len)
{
	size_t n = len < SHAPE_BYTES ? len : SHAPE_BYTES, kana = 0, wide = 0;

	if (cs->kind != SM_CS_CP932)
		return false;
	for (size_t i = 0; i < n; i++) {
		if ((s[i] >= 0x81 && s[i] <= 0x9f) || (s[i] >= 0xe0 && s[i] <= 0xfc)) {
			wide++;
			i++;
		} else if (s[i] >= 0xa1 && s[i] <= 0xdf)
			kana++;
	}
	return kana >= 8 && kana > 2 * wide;
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
					  {SM_CS_EUCJP, "EUC-JP", true, 0},
					  {SM_CS_UTF16LE, "UTF-16LE", true, 0}};
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
		    : alts[k].kind == SM_CS_UTF16LE
			    ? v->cs.kind == SM_CS_UTF16BE || !sm_utf16le_shape(src, len)
			    : !(legacy && (v->cs.detected || sbcs_high ||
					   (alts[k].kind == SM_CS_EUCJP && halfwidth_heavy(&v->cs, src, len)))))
			continue;
		if (!seen) {
			seen = g_array_new(FALSE, FALSE, sizeof(src_range));
			add_seen(seen, v, hits);
		}
		alt = view_of(s, p, src, len, &alts[k], false);
		ahits = detect(s, p, alt);
		take_hits(s, idx, p, alt, ahits, seen, true, own_a, own_z, edits, NULL, NULL);
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

	g_free(s->span_split);
	s->span_split = NULL;
	s->span_view = v;
	take_hits(s, idx, p, v, hits, NULL, false, own_a, own_z, edits, &s->span_split,
		  &s->span_hist);
	if (html && !s->limit) {
		/* the same label over the same bytes resolves the same: take v's */
		sm_view *raw = view_of(s, p, src, len, &v->cs, false);
		GArray *rhits = detect(s, p, raw);
		GArray *seen = src_ranges(v, hits);

		if (raw->cs.kind == v->cs.kind && strcmp(raw->cs.name, v->cs.name) == 0)
			take_hits(s, idx, p, raw, rhits, seen, false, own_a, own_z, edits, NULL, NULL);
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

/* A body view is kept for the rules, without the decoded bytes, with the
 * new text the scan made of it (if sm_scan_span made one for v: a scan in
 * between, of uuencoded data say, took its place and the rules make it). */
void sm_scan_keep_view(scan *s, const sm_part *p, sm_view *v)
{
	if (!p->body) {
		sm_view_free(v);
		return;
	}
	v->src = NULL;
	g_ptr_array_add(s->body_views, v);
	if (s->span_view == v && s->span_split) {
		sm_rules_split sp = {s->span_split, s->span_hist};

		if (!s->body_split) /* the views before have none */
			s->body_split = g_array_sized_new(FALSE, TRUE, sizeof(sm_rules_split), 4);
		g_array_set_size(s->body_split, s->body_views->len - 1);
		g_array_append_val(s->body_split, sp);
		s->span_split = NULL;
	}
}
