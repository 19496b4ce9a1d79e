/*
 * scan_name.c - file names through the detectors (scan_int.h): an
 * attachment's name is text like any other, and a value found in it (a
 * card number, a password) is a finding.  The name is masked in the parsed
 * message itself, before anything echoes it, so the strip notice (its text
 * and its own file name), the SMTP reply, the audit record, the syslog
 * summary and the --test output all show the masked name; a reply then names
 * the part by its number ("attachment 2").  The attachment cannot keep its
 * name: a value to mask or strip strips the part.
 *
 * Untrusted input: file names, decoded and made printable by msg.c; line
 * and paragraph separators and bidirectional controls, which msg.c keeps,
 * become '?' here too.  Limits: those of name.c.
 */
#include "name.h"
#include "scan_int.h"

#include <string.h>

/* U+2028/2029 and bidi embeddings/isolates: a log viewer or a mail client
 * would show them as line breaks or reversed text. */
static void unbreak(sm_part *p)
{
	GString *g = g_string_new(NULL);

	for (const char *s = p->filename; *s; s = g_utf8_next_char(s)) {
		gunichar c = g_utf8_get_char(s);

		if (c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e) ||
		    (c >= 0x2066 && c <= 0x2069))
			g_string_append_c(g, '?');
		else
			g_string_append_unichar(g, c);
	}
	g_free(p->filename);
	p->filename = g_string_free(g, FALSE);
}

static void name_findings(scan *s, guint idx, const sm_part *p, const GArray *hits)
{
	for (guint i = 0; i < hits->len; i++) {
		const sm_name_hit *h = &g_array_index(hits, sm_name_hit, i);
		const sm_detector_info *info = sm_detectors_info(s->p->det, h->det);
		sm_finding *f = sm_result_add_finding(s->r, info->id, info->label, p->loc,
						      p->filename, NULL);

		f->kind = SM_FK_NAME;
		f->count = h->count;
		f->action = sm_scan_action(s, info, info->action, &f->relaxed);
		f->preview = g_strdup(h->preview ? h->preview : "********");
		memcpy(f->fingerprint, h->fingerprint, sizeof(f->fingerprint));
		f->reply = g_strdup(info->reply);
		if (f->action == SM_ACT_STRIP || f->action == SM_ACT_MASK) {
			f->action = SM_ACT_STRIP; /* a name is not edited in place */
			sm_scan_strip_found(s, idx, info->label);
		}
	}
}

void sm_scan_names(scan *s)
{
	for (guint i = 0; i < s->m->parts->len; i++) {
		sm_part *p = g_ptr_array_index(s->m->parts, i); /* the scan owns s->m */
		GArray *hits;
		char *masked;

		if (!p->filename)
			continue;
		unbreak(p);
		hits = g_array_new(FALSE, TRUE, sizeof(sm_name_hit));
		masked = sm_name_mask(s->p->det, &s->ctx, p->filename, hits);
		if (masked) {
			g_free(p->filename);
			p->filename = masked;
			sm_result_mask_name(s->r, masked);
			sm_result_note(s->r, "part %s: a confidential value in its file name, masked",
				       p->loc);
			name_findings(s, i, p, hits);
		}
		sm_name_hits_free(hits);
	}
}
