/*
 * scan.c - one part through the policy: classified by its type, name and
 * first bytes, then read as text (whole, or window by window), as an
 * archive, as a message inside the message, or noted as uninspected; masks
 * written back into its own bytes (scan_int.h).
 *
 * Untrusted input: the part.  Limits: max_part_bytes, max_total_bytes (the
 * decoding, scan_span.c), and everything archive.c and the nested readings
 * enforce.  A limit becomes a verdict through on_limit, never a silent pass.
 */
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
	sm_scan_prop_view(s, p, v, edits); /* values found so far, here too */
	if (!html)
		sm_scan_uuencoded(s, idx, p, d->data, d->len);
	sm_scan_apply_edits(s, idx, p, v, d, edits);
	if (!s->limit)
		sm_scan_prop_part(s, idx, html, edits);
	g_array_free(edits, TRUE);
	sm_scan_bytes_free(p, d); /* masks are written: the rules read only the view's text */
	sm_scan_keep_view(s, p, v);
}

static const char *where_of(const sm_part *p)
{
	return p->filename ? p->filename : p->loc;
}

/* What a part that cannot be read or inspected is reported as. */
const sm_part_problem sm_problem_archive_unreadable = {
	"archive", "unreadable_archive", "unreadable archive",
	"could not be read completely (a damaged or incomplete archive); "
	"re-create it and send it again",
	"it could not be read (a damaged or incomplete archive)"};
const sm_part_problem sm_problem_archive_encrypted = {
	"archive", "encrypted_archive", "encrypted archive",
	"Encrypted archives cannot be inspected for confidential data",
	"it is an encrypted archive that cannot be inspected"};
const sm_part_problem sm_problem_pdf_unreadable = {
	"PDF", "unreadable_pdf", "unreadable PDF",
	"could not be read (text in glyphs without a character map, or damaged data); "
	"re-create the PDF (for example with another PDF tool) and send it again",
	"its text could not be read (an unreadable PDF)"};
const sm_part_problem sm_problem_pdf_encrypted = {
	"PDF", "encrypted_pdf", "encrypted PDF",
	"Encrypted (password-protected) PDFs cannot be inspected for confidential data",
	"it is an encrypted PDF that cannot be inspected"};

/*
 * A part a reader cannot read to its end (an archive: junk before a zip, a
 * cut or missing central directory, a truncated stream, a broken
 * winmail.dat; a PDF whose text it cannot map or inflate): what could be
 * read was scanned; then on_unreadable (reject by default), never
 * "uninspected": other tools may still extract what could not be read here.
 */
void sm_scan_unreadable(scan *s, guint idx, const sm_part *p, const sm_part_problem *k,
			const char *detail)
{
	sm_act a = (sm_act)s->lim->on_unreadable;
	sm_finding *f;

	sm_result_note(s->r, "part %s: %s could not be read (%s)", p->loc, k->what,
		       detail);
	if (a <= SM_ACT_LOG)
		return;
	f = sm_result_add_finding(s->r, k->id, k->label, p->loc, p->filename, NULL);
	f->kind = SM_FK_PART;
	f->count = 1;
	f->action = a;
	f->preview = g_strdup("-");
	f->reply = g_strdup(k->reply);
	f->names_part = true;
	if (a == SM_ACT_STRIP)
		sm_scan_mark_strip(s, idx, k->strip_why);
}

static void archive_hits(scan *s, guint idx, const sm_part *p, const sm_archive_result *ar)
{
	for (guint i = 0; i < ar->hits->len; i++) {
		const sm_archive_hit *h = &g_array_index(ar->hits, sm_archive_hit, i);
		const sm_detector_info *info = sm_detectors_info(s->p->det, h->det);
		sm_finding *f = sm_result_add_finding(s->r, info->id, info->label, p->loc,
						      p->filename, h->member);

		f->kind = h->name ? SM_FK_NAME : SM_FK_VALUE;
		f->count = h->count;
		f->action = sm_scan_action(s, info, info->archive_action, &f->relaxed);
		f->preview = g_strdup(h->preview ? h->preview : "********");
		memcpy(f->fingerprint, h->fingerprint, sizeof(f->fingerprint));
		f->reply = g_strdup(info->reply);
		if (f->action == SM_ACT_STRIP || f->action == SM_ACT_MASK) {
			f->action = SM_ACT_STRIP; /* an archive cannot be edited in place */
			sm_scan_strip_found(s, idx, info->label);
		}
	}
}

/* A part that cannot be inspected because it is encrypted: on_encrypted. */
void sm_scan_encrypted(scan *s, guint idx, const sm_part *p, const sm_part_problem *k)
{
	sm_finding *f = sm_result_add_finding(s->r, k->id, k->label, p->loc, p->filename, NULL);

	f->kind = SM_FK_PART;
	f->count = 1;
	f->action = (sm_act)s->lim->on_encrypted;
	f->preview = g_strdup("-");
	f->reply = g_strdup(k->reply);
	if (f->action == SM_ACT_STRIP)
		sm_scan_mark_strip(s, idx, k->strip_why);
}

/* The edits of a part's view applied: the part rewritten in its own
 * charset and transfer encoding (a splice), or, where that cannot be done,
 * the part stripped.  Nothing after a limit. */
void sm_scan_apply_edits(scan *s, guint idx, const sm_part *p, const sm_view *v,
			 const GByteArray *d, GArray *edits)
{
	GBytes *nb;

	if (!edits->len || s->limit)
		return;
	if ((nb = sm_rewrite_part(s->m, p, v, d, edits))) {
		sm_splice sp = {p->cstart, p->cend, nb, 0, 0};

		g_array_append_val(s->r->splices, sp);
	} else
		sm_scan_mark_strip(s, idx, "it contains confidential data that cannot be masked in place");
}

/* An archive by its bytes or its name (by_name).  False when it was none
 * after all and its name did not say archive either (a zip header met by
 * chance in binary data): the caller reads it as binary; the decoded bytes
 * are handed back in *head when they came from it. */
static bool scan_archive(scan *s, guint idx, const sm_part *p, GByteArray **head, bool whole,
			 bool by_name)
{
	GByteArray *d = sm_scan_decode(s, p, head, whole);
	sm_archive_result ar;

	if (!d)
		return true;
	sm_archive_scan(s->p->det, &s->ctx, s->lim, d->data, d->len, p->filename, &ar);
	archive_hits(s, idx, p, &ar);
	if (ar.status == SM_ARCHIVE_ENCRYPTED)
		sm_scan_encrypted(s, idx, p, &sm_problem_archive_encrypted);
	else if (ar.status == SM_ARCHIVE_LIMIT)
		sm_scan_set_limit(s, "archive over an archive limit", where_of(p));
	else if (ar.status == SM_ARCHIVE_CORRUPT)
		sm_scan_unreadable(s, idx, p, &sm_problem_archive_unreadable,
				   ar.detail ? ar.detail : "archive could not be read to the end");
	else if (ar.status == SM_ARCHIVE_NOT_ARCHIVE &&
		 (!by_name || sm_sniff_binary_magic(d->data, d->len))) {
		/* no archive at all (or another format under an archive's name) */
		sm_archive_result_clear(&ar);
		s->total -= (long long)d->len; /* the binary reading decodes it again */
		if (!*head && !sm_scan_borrowed(p))
			*head = d;
		else
			sm_scan_bytes_free(p, d);
		return false;
	} else if (ar.status == SM_ARCHIVE_NOT_ARCHIVE)
		sm_scan_unreadable(s, idx, p, &sm_problem_archive_unreadable,
				   "not in any archive format, although its name says so");
	sm_archive_result_clear(&ar);
	sm_scan_bytes_free(p, d);
	return true;
}

void sm_scan_uninspected(scan *s, guint idx, const sm_part *p)
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
		f->action = sm_scan_action(s, info, info->action, &f->relaxed);
		f->preview = g_strdup("(file name)");
		sm_fingerprint(s->ctx.fp_key, p->filename, strlen(p->filename), f->fingerprint);
		f->reply = g_strdup(info->reply);
		if (f->action == SM_ACT_STRIP || f->action == SM_ACT_MASK)
			sm_scan_strip_found(s, idx, info->label);
	}
	whole = sm_msg_decode(s->m, p, SM_SNIFF_BYTES, head) == 0;
	if (g_str_has_prefix(p->ctype, "message/") && !sm_scan_borrowed(p)) {
		sm_scan_embedded(s, idx, p, &head, whole);
		if (head)
			g_byte_array_free(head, TRUE);
		return;
	}
	switch (classify(p, head->data, head->len)) {
	case K_TEXT:
		if (p->unsplit)
			sm_scan_unsplit(s, idx, p, &head, whole);
		else if (sm_sniff_has_ext(p->filename, eml_exts))
			sm_scan_eml(s, idx, p, &head, whole);
		else
			sm_scan_text(s, idx, p, false, &head, whole);
		break;
	case K_HTML:
		sm_scan_text(s, idx, p, true, &head, whole);
		break;
	case K_ARCHIVE:
		if (scan_archive(s, idx, p, &head, whole, !sm_archive_sniff(head->data, head->len)))
			break;
		sm_scan_binary(s, idx, p, &head, whole); /* not an archive after all */
		break;
	case K_BINARY:
		/* junk before a zip: read as one (no header found: binary after all) */
		if (sm_archive_sniff_inside(head->data, head->len) &&
		    scan_archive(s, idx, p, &head, whole, false))
			break;
		sm_scan_binary(s, idx, p, &head, whole); /* strings, or text with NULs */
		break;
	}
	if (head)
		g_byte_array_free(head, TRUE);
}
