/*
 * rewrite.c - masks into a part's own bytes, transfer encoding re-applied;
 * notices for stripped attachments (rewrite.h).
 *
 * Never converts a part to UTF-8 and back: edits are written into the
 * transfer-decoded bytes at the ranges the view maps to (charset.c keeps
 * ISO-2022-JP escape state right), and every byte outside an edit is kept.
 * Input: detector hits (bounded by max_findings) over untrusted text.
 */
#include "rewrite.h"

#include "qp.h"

#include <string.h>

static const char FIXED_MASK[] = "********";

static void add_edit(GArray *edits, size_t s, size_t e, const char *ascii)
{
	sm_edit ed = {s, e, ascii};

	if (e > s || ascii)
		g_array_append_val(edits, ed);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void edits_keep4(const sm_view *v, const sm_hit *h, GArray *edits)
{
	size_t i, digits = 0, seen = 0;

	for (i = h->start; i < h->end && i < v->len; i++)
		digits += is_digit(v->text[i]);
	for (i = h->start; i < h->end && i < v->len; i++) {
		if (!is_digit(v->text[i]))
			continue;
		if (seen++ + 4 < digits) {
			size_t s, e;

			sm_view_map(v, i, &s, &e);
			add_edit(edits, s, e, NULL);
		}
	}
}

/* Source runs of the span: consecutive view bytes whose sources touch. */
static void edits_fixed(const sm_view *v, const sm_hit *h, GArray *edits)
{
	size_t i = h->start, end = h->end < v->len ? h->end : v->len;
	bool first = true;

	while (i < end) {
		size_t rs, re, s, e;

		sm_view_map(v, i, &rs, &re);
		for (i++; i < end; i++) {
			sm_view_map(v, i, &s, &e);
			if (s > re)
				break;
			if (e > re)
				re = e;
		}
		add_edit(edits, rs, re, first ? FIXED_MASK : "");
		first = false;
	}
}

static void edits_all(const sm_view *v, const sm_hit *h, GArray *edits)
{
	size_t i = h->start, end = h->end < v->len ? h->end : v->len;

	while (i < end) {
		size_t rs, re, s, e;

		if (g_ascii_isspace(v->text[i])) {
			i++;
			continue;
		}
		sm_view_map(v, i, &rs, &re);
		for (i++; i < end && !g_ascii_isspace(v->text[i]); i++) {
			sm_view_map(v, i, &s, &e);
			if (e > re)
				re = e;
		}
		add_edit(edits, rs, re, NULL);
	}
}

static gint edit_cmp(gconstpointer a, gconstpointer b)
{
	const sm_edit *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* Sort and merge overlaps; a fixed mask wins over per-character masks. */
void sm_rewrite_merge(GArray *edits)
{
	guint i, o = 0;

	g_array_sort(edits, edit_cmp);
	for (i = 0; i < edits->len; i++) {
		sm_edit *cur = &g_array_index(edits, sm_edit, i);
		sm_edit *last = o ? &g_array_index(edits, sm_edit, o - 1) : NULL;

		if (last && cur->start < last->end) {
			if (cur->end > last->end)
				last->end = cur->end;
			if (cur->ascii && *cur->ascii)
				last->ascii = cur->ascii;
			else if (last->ascii && !*last->ascii)
				last->ascii = NULL;
			continue;
		}
		g_array_index(edits, sm_edit, o++) = *cur;
	}
	g_array_set_size(edits, o);
}

void sm_rewrite_edits(const sm_view *v, const GArray *hits, GArray *edits)
{
	guint i;

	for (i = 0; i < hits->len; i++) {
		const sm_hit *h = &g_array_index(hits, sm_hit, i);

		switch (h->mask) {
		case SM_MASK_DIGITS_KEEP4:
			edits_keep4(v, h, edits);
			break;
		case SM_MASK_FIXED:
			edits_fixed(v, h, edits);
			break;
		case SM_MASK_ALL:
			edits_all(v, h, edits);
			break;
		case SM_MASK_NONE:
			break;
		}
	}
	sm_rewrite_merge(edits);
}

/* ------------------------------------------------------------------ encoding */

bool sm_rewrite_region_crlf(const sm_msg *m, const sm_part *p)
{
	const uint8_t *s = m->raw + p->cstart;
	const uint8_t *nl = memchr(s, '\n', p->cend - p->cstart);

	if (nl)
		return nl > s && nl[-1] == '\r';
	return m->crlf;
}

/* "\n" -> "\r\n" (lines from GMime's encoders), in place: one resize, then
 * filled from the end, so a 40 MB encoded part is not copied again. */
void sm_rewrite_lf_to_crlf(GByteArray *a)
{
	guint i, n = 0, len = a->len, o;

	for (i = 0; i < len; i++)
		n += a->data[i] == '\n' && (i == 0 || a->data[i - 1] != '\r');
	if (!n)
		return;
	g_byte_array_set_size(a, len + n);
	o = len + n;
	for (i = len; i-- > 0;) {
		bool add = a->data[i] == '\n' && (i == 0 || a->data[i - 1] != '\r');

		a->data[--o] = a->data[i];
		if (add)
			a->data[--o] = '\r';
	}
}

void sm_rewrite_crlf_to_lf(GByteArray *a)
{
	guint i, o = 0;

	for (i = 0; i < a->len; i++)
		if (!(a->data[i] == '\r' && i + 1 < a->len && a->data[i + 1] == '\n'))
			a->data[o++] = a->data[i];
	g_byte_array_set_size(a, o);
}

static void encode(GMimeContentEncoding enc, const guint8 *in, size_t len, GByteArray *out)
{
	GMimeEncoding st;
	size_t n;

	g_mime_encoding_init_encode(&st, enc);
	g_byte_array_set_size(out, (guint)g_mime_encoding_outlen(&st, len) + 16);
	n = g_mime_encoding_flush(&st, (const char *)in, len, (char *)out->data);
	g_byte_array_set_size(out, (guint)n);
}

static char uu_char(unsigned v)
{
	return v ? (char)(' ' + (v & 63)) : '`';
}

/* uuencode in[0, len) as the part had it: its own text up to and with the
 * "begin" line, 45 bytes a line, then "`" and "end".  LF line ends. */
static void encode_uu(const sm_msg *m, const sm_part *p, const guint8 *in, size_t len,
		      GByteArray *out)
{
	const uint8_t *s = m->raw + p->cstart;
	size_t head = sm_msg_uu_begin(s, p->cend - p->cstart);

	g_byte_array_append(out, s, (guint)head);
	for (size_t i = 0; i < len; i += 45) {
		size_t n = len - i < 45 ? len - i : 45;
		char line[64];
		size_t k = 0;

		line[k++] = uu_char((unsigned)n);
		for (size_t j = 0; j < n; j += 3) {
			unsigned b0 = in[i + j];
			unsigned b1 = j + 1 < n ? in[i + j + 1] : 0;
			unsigned b2 = j + 2 < n ? in[i + j + 2] : 0;

			line[k++] = uu_char(b0 >> 2);
			line[k++] = uu_char(((b0 & 3) << 4) | (b1 >> 4));
			line[k++] = uu_char(((b1 & 15) << 2) | (b2 >> 6));
			line[k++] = uu_char(b2 & 63);
		}
		line[k++] = '\n';
		g_byte_array_append(out, (const guint8 *)line, (guint)k);
	}
	g_byte_array_append(out, (const guint8 *)"`\nend\n", 6);
}

/* Match the original content's trailing line end (it excludes the one
 * before the next boundary). */
static void match_tail(const sm_msg *m, const sm_part *p, GByteArray *a)
{
	bool orig_nl = p->cend > p->cstart && m->raw[p->cend - 1] == '\n';

	if (orig_nl)
		return;
	while (a->len && (a->data[a->len - 1] == '\n' || a->data[a->len - 1] == '\r'))
		g_byte_array_set_size(a, a->len - 1);
}

/* Quoted-printable: only the lines that changed re-encoded, every other
 * encoded line kept as it was (qp_splice.c); NULL where the spans do not
 * fit the part (the caller re-encodes it whole). */
static GBytes *splice_qp(const sm_msg *m, const sm_part *p, const GByteArray *decoded,
			 const GByteArray *dec, const GArray *spans, bool crlf)
{
	/* sized once: the kept bytes, and room for a few re-encoded lines */
	GByteArray *out = g_byte_array_sized_new((guint)(p->cend - p->cstart + 1024));

	if (!sm_qp_splice(m->raw + p->cstart, p->cend - p->cstart, decoded->len, dec->data,
			  dec->len, (const sm_rw_span *)spans->data, spans->len, crlf, out)) {
		g_byte_array_free(out, TRUE);
		return NULL;
	}
	match_tail(m, p, out);
	return g_byte_array_free_to_bytes(out);
}

GBytes *sm_rewrite_part(const sm_msg *m, const sm_part *p, const sm_view *v,
			const GByteArray *decoded, const GArray *edits)
{
	GByteArray *dec = g_byte_array_new(), *out;
	GArray *spans = g_array_new(FALSE, FALSE, sizeof(sm_rw_span));
	bool crlf = sm_rewrite_region_crlf(m, p);
	bool mapped = sm_charset_rewrite_spans(&v->cs, decoded->data, decoded->len,
					       (const sm_edit *)edits->data, edits->len, dec, spans);

	if (p->enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE && mapped) {
		GBytes *b = splice_qp(m, p, decoded, dec, spans, crlf);

		if (b) {
			g_array_free(spans, TRUE);
			g_byte_array_free(dec, TRUE);
			return b;
		}
	}
	g_array_free(spans, TRUE);
	if (p->enc != GMIME_CONTENT_ENCODING_BASE64 &&
	    p->enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
	    p->enc != GMIME_CONTENT_ENCODING_UUENCODE)
		return g_byte_array_free_to_bytes(dec);
	out = g_byte_array_new();
	if (p->enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE && crlf)
		sm_rewrite_crlf_to_lf(dec);
	if (p->enc == GMIME_CONTENT_ENCODING_UUENCODE)
		encode_uu(m, p, dec->data, dec->len, out);
	else
		encode(p->enc, dec->data, dec->len, out);
	g_byte_array_free(dec, TRUE);
	if (crlf)
		sm_rewrite_lf_to_crlf(out);
	match_tail(m, p, out);
	return g_byte_array_free_to_bytes(out);
}

/* ------------------------------------------------------------------ notice */

static char *ascii_name(const char *name)
{
	GString *g = g_string_new(NULL);
	const char *s;

	for (s = name ? name : "attachment"; *s && g->len < 80; s++)
		g_string_append_c(g, (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\') ? *s : '_');
	return g_string_free(g, FALSE);
}

GBytes *sm_rewrite_notice(const sm_msg *m, const sm_part *p, const char *why)
{
	const char *eol = sm_rewrite_region_crlf(m, p) ? "\r\n" : "\n";
	char *name = ascii_name(p->filename);
	char *text = g_strdup_printf(
		"support-milter removed the attachment \"%s\" (MIME part %s): %s.\n"
		"Confidential data must never be sent to support. If the file is needed, remove the\n"
		"confidential data and send it again, or ask the support engineer for an upload site.\n"
		"\n"
		"添付ファイル「%s」(MIME パート %s) は support-milter により削除されました。\n"
		"理由: %s\n"
		"機密情報はサポートに送信しないでください。必要なファイルは機密情報を取り除いてから再送するか、\n"
		"サポート担当者にアップロード先をお問い合わせください。\n",
		name, p->loc, why, name, p->loc, why);
	GByteArray *b64 = g_byte_array_new();
	GString *e = g_string_new(NULL);

	encode(GMIME_CONTENT_ENCODING_BASE64, (const guint8 *)text, strlen(text), b64);
	if (*eol == '\r')
		sm_rewrite_lf_to_crlf(b64);
	match_tail(m, p, b64);
	g_string_append_printf(e,
			       "Content-Type: text/plain; charset=\"UTF-8\"%s"
			       "Content-Transfer-Encoding: base64%s"
			       "Content-Disposition: attachment; filename=\"%s.removed.txt\"%s"
			       "%s",
			       eol, eol, name, eol, eol);
	g_string_append_len(e, (const char *)b64->data, b64->len);
	g_byte_array_free(b64, TRUE);
	g_free(text);
	g_free(name);
	return g_string_free_to_bytes(e);
}
