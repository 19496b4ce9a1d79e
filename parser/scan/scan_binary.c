/*
 * scan_binary.c - a part that is neither text nor an archive we open: read
 * all the same.  "Not inspected" is the rare case: only images, audio and
 * video are left to on_uninspected.
 *   - UTF-16LE text without a BOM that the sniffing missed (Japanese text
 *     has NULs only in its ASCII characters) is read as UTF-16LE.
 *   - Text with a few NUL bytes (a config file padded or cut by a tool) is
 *     text: scanned with the NULs read as line breaks, masks written into
 *     its own bytes (the NULs stay).
 *   - Anything else (executables, dumps, signed CMS/DER profiles, unknown
 *     formats) is read as its printable strings, ASCII and UTF-16LE
 *     (binstr.c), by every detector.  A value to mask there cannot be
 *     masked in place: the part is stripped; a reject-class finding
 *     (onboarding material) rejects as anywhere else.
 *
 * Untrusted input: the part's decoded bytes.  Limits: max_part_bytes and
 * max_total_bytes (sm_scan_decode); NULS_FEW NUL bytes, or up to NULS_MAX
 * and one in NULS_PER, for the text reading; the strings text is at most the part's size;
 * max_findings.
 */
#include "rewrite.h"
#include "pdf.h"
#include "scan_int.h"
#include "binstr.h"
#include "sniff.h"

#include <string.h>

#define NULS_MAX 4096
#define NULS_PER 32
#define NULS_FEW 8 /* this many are few in any file */
#define STRINGS_MIN 6 /* characters of a string: shorter runs are noise */

static bool media(const sm_part *p)
{
	return g_str_has_prefix(p->ctype, "image/") || g_str_has_prefix(p->ctype, "audio/") ||
	       g_str_has_prefix(p->ctype, "video/");
}

/* d with its NUL bytes as line breaks, if it is text but for a few of them. */
static GByteArray *text_but_nuls(const sm_part *p, const GByteArray *d)
{
	size_t nul = 0;
	GByteArray *c;

	for (size_t i = 0; i < d->len; i++)
		nul += d->data[i] == 0;
	if (!nul || nul > NULS_MAX || (nul > NULS_FEW && nul * NULS_PER > d->len))
		return NULL;
	c = g_byte_array_sized_new(d->len);
	g_byte_array_append(c, d->data, d->len);
	for (size_t i = 0; i < c->len; i++)
		if (!c->data[i])
			c->data[i] = '\n';
	if (!sm_sniff_text(c->data, c->len, p->filename)) {
		g_byte_array_free(c, TRUE);
		return NULL;
	}
	return c;
}

static void scan_nul_text(scan *s, guint idx, const sm_part *p, const GByteArray *d,
			  GByteArray *c)
{
	GArray *edits = g_array_new(FALSE, FALSE, sizeof(sm_edit));
	sm_view *v = sm_scan_span(s, idx, p, c->data, c->len, NULL, false, 0, SIZE_MAX, edits);

	sm_result_note(s->r, "part %s (%s): text with NUL bytes, read as text", p->loc, p->ctype);
	sm_scan_apply_edits(s, idx, p, v, d, edits); /* the NULs written back */
	g_array_free(edits, TRUE);
	sm_view_free(v);
}

/* UTF-16LE text without a BOM the label or the sniffing missed (Japanese
 * text has few NULs): read as UTF-16LE, masks written in it. */
static void scan_utf16(scan *s, guint idx, const sm_part *p, const GByteArray *d)
{
	static const sm_charset u16 = {SM_CS_UTF16LE, "UTF-16LE", true, 0};
	GArray *edits = g_array_new(FALSE, FALSE, sizeof(sm_edit));
	sm_view *v = sm_scan_span(s, idx, p, d->data, d->len, &u16, false, 0, SIZE_MAX, edits);

	sm_result_note(s->r, "part %s (%s): UTF-16LE text, read as text", p->loc, p->ctype);
	sm_scan_apply_edits(s, idx, p, v, d, edits);
	g_array_free(edits, TRUE);
	sm_view_free(v);
}

/* The findings of the strings of a binary part: one per detector. */
static void strings_findings(scan *s, guint idx, const sm_part *p, const sm_view *v,
			     const GArray *hits)
{
	for (unsigned det = 0; det < sm_detectors_count(s->p->det); det++) {
		const sm_detector_info *info = sm_detectors_info(s->p->det, det);
		const sm_hit *first = NULL;
		unsigned n = 0;
		sm_finding *f;

		for (guint i = 0; i < hits->len; i++)
			if (g_array_index(hits, sm_hit, i).det == det && !n++)
				first = &g_array_index(hits, sm_hit, i);
		if (!n)
			continue;
		f = sm_result_add_finding(s->r, info->id, info->label, p->loc, p->filename, NULL);
		f->count = n;
		f->action = info->archive_action;
		f->preview = sm_detectors_preview(s->p->det, v, first);
		sm_fingerprint(s->ctx.fp_key, v->text + first->start, first->end - first->start,
			       f->fingerprint);
		f->reply = g_strdup(info->reply);
		if (f->action == SM_ACT_STRIP || f->action == SM_ACT_MASK) {
			f->action = SM_ACT_STRIP; /* a binary cannot be edited in place */
			sm_scan_strip_found(s, idx, info->label);
		}
	}
}

/* Text the PDF shows that could not be read: on_unreadable, as an archive
 * that cannot be read to its end (what could be read is scanned). */
static void pdf_unreadable(scan *s, guint idx, const sm_part *p, const sm_pdf_info *in)
{
	char *why;

	if (in->lost)
		why = g_strdup_printf("%u stream%s of page text could not be inflated", in->lost,
				      in->lost == 1 ? "" : "s");
	else
		why = g_strdup_printf("text in glyph codes no ToUnicode map names (%s%u distinct)",
				      in->unmapped >= 64 ? "at least " : "", in->unmapped);
	sm_scan_unreadable(s, idx, p, &sm_problem_pdf_unreadable, why);
	g_free(why);
}

/* A PDF: its page text is in compressed streams, which the strings of the
 * file do not show; what pdf.c inflates and renders is read too.  An
 * encrypted one cannot be read: on_encrypted, as an encrypted archive; one
 * whose text cannot be read (pdf.h): on_unreadable. */
static void pdf_strings(scan *s, guint idx, const sm_part *p, const GByteArray *d, GString *t)
{
	GString *pt = g_string_new(NULL);
	GByteArray *raw = g_byte_array_new();
	sm_pdf_info in;
	sm_pdf_status st = sm_pdf_text(d->data, d->len, (size_t)s->lim->archive_max_bytes,
				       s->lim->archive_max_ratio, pt, raw, &in);
	char *valid = g_utf8_make_valid(pt->str, (gssize)pt->len);

	g_string_append_c(t, '\n');
	g_string_append(t, valid); /* the pages' text as text: Japanese too */
	g_string_append_c(t, '\n');
	sm_strings(raw->data, raw->len, STRINGS_MIN, t, t->len + raw->len + 1);
	sm_result_note(s->r, "part %s (%s): PDF, read as its strings and %u inflated stream%s%s",
		       p->loc, p->ctype, in.streams, in.streams == 1 ? "" : "s",
		       in.encrypted ? " (encrypted: not inspected)"
		       : in.broken ? " (some could not be inflated)" : "");
	if (st == SM_PDF_LIMIT)
		sm_scan_set_limit(s, "PDF over an archive limit", p->filename ? p->filename : p->loc);
	if (in.encrypted)
		sm_scan_encrypted(s, idx, p, &sm_problem_pdf_encrypted);
	else if (in.unreadable)
		pdf_unreadable(s, idx, p, &in);
	g_free(valid);
	g_byte_array_free(raw, TRUE);
	g_string_free(pt, TRUE);
}

static void scan_strings(scan *s, guint idx, const sm_part *p, const GByteArray *d)
{
	GString *t = g_string_new(NULL);
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(sm_hit));
	sm_view *v;

	sm_strings(d->data, d->len, STRINGS_MIN, t, d->len + 1);
	if (sm_pdf_sniff(d->data, d->len))
		pdf_strings(s, idx, p, d, t);
	else
		sm_result_note(s->r, "part %s (%s): binary, read as its strings", p->loc, p->ctype);
	v = sm_view_new_utf8(t->str, t->len);
	if (sm_detectors_scan(s->p->det, v, &s->ctx, hits, (size_t)s->lim->max_findings) != 0)
		sm_scan_set_limit(s, "more findings than max_findings", p->loc);
	strings_findings(s, idx, p, v, hits);
	g_array_free(hits, TRUE);
	sm_view_free(v);
	g_string_free(t, TRUE);
}

void sm_scan_binary(scan *s, guint idx, const sm_part *p, GByteArray **head, bool whole)
{
	GByteArray *d, *c;

	if (media(p)) {
		sm_scan_uninspected(s, idx, p);
		return;
	}
	if (!(d = sm_scan_decode(s, p, head, whole)))
		return;
	if (!sm_sniff_binary_magic(d->data, d->len) && sm_utf16le_shape(d->data, d->len))
		scan_utf16(s, idx, p, d);
	else if ((c = text_but_nuls(p, d))) {
		scan_nul_text(s, idx, p, d, c);
		g_byte_array_free(c, TRUE);
	} else
		scan_strings(s, idx, p, d);
	sm_scan_bytes_free(p, d);
}
