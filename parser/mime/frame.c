/*
 * frame.c - where a message's header block starts and ends as the MTA sees
 * it, and the view of the message GMime parses (msg.h: sm_msg_find_body,
 * sm_msg_view).
 *
 * Real-world mail is not always shaped as RFC 5322 says, and other parsers
 * read it anyway; so do we, the same way each time:
 * - whitespace before the first header field (a line of spaces, empty
 *   lines, an mbox "From " line) is skipped when a header field follows it:
 *   the header block starts there and the skipped bytes stay as they are;
 * - the header block ends at the empty line, or at the first line that is
 *   neither a header field ("name:" with a printable ASCII name, blanks
 *   allowed before the colon, as Postfix's is_header() reads it) nor the
 *   continuation of one: Postfix starts the body there, without a blank
 *   line, and so does this reading (GMime alone would swallow such lines as
 *   invalid header fields and never scan them).
 * GMime is handed the message from the header block's first byte, with an
 * empty line inserted where the header block ends when it has none; every
 * offset GMime reports is mapped back to the original bytes (sm_msg_raw_off).
 * Owns nothing: the view stream and its copy are the caller's.
 *
 * Untrusted input: the whole message.  Each loop walks the bytes once,
 * line by line, and stops at len.
 */
#include "msg.h"

#include <string.h>

/* A header field line: a name of printable ASCII (no blank, no colon), blanks,
 * a colon; the line ends at e. */
static bool is_field(const uint8_t *s, const uint8_t *e)
{
	const uint8_t *p = s;

	while (p < e && *p > 0x20 && *p < 0x7f && *p != ':')
		p++;
	if (p == s)
		return false;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p < e && *p == ':';
}

/* Only blanks (and a CR) before the line end. */
static bool blank_line(const uint8_t *s, const uint8_t *e)
{
	for (; s < e; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

static const uint8_t *line_end(const uint8_t *p, const uint8_t *e)
{
	const uint8_t *nl = memchr(p, '\n', (size_t)(e - p));

	return nl ? nl + 1 : e;
}

/* The first byte of the header block: after blank lines and an mbox "From "
 * line when a header field follows them, else 0. */
static size_t header_start(const uint8_t *raw, size_t len)
{
	const uint8_t *p = raw, *e = raw + len;
	bool from_seen = false;

	while (p < e) {
		const uint8_t *n = line_end(p, e);

		if (is_field(p, n))
			return (size_t)(p - raw);
		if (blank_line(p, n))
			;
		else if (!from_seen && n - p > 5 && memcmp(p, "From ", 5) == 0)
			from_seen = true;
		else
			return 0;
		p = n;
	}
	return 0;
}

size_t sm_msg_block_end(const uint8_t *raw, size_t from, size_t to, size_t *body_off)
{
	const uint8_t *e = raw + to, *p = raw + from;

	while (p < e) {
		const uint8_t *n = line_end(p, e);

		if (*p == '\n' || (*p == '\r' && n == p + 2 && p[1] == '\n')) {
			*body_off = (size_t)(n - raw);
			return (size_t)(p - raw);
		}
		if (!(p > raw + from && (*p == ' ' || *p == '\t')) && !is_field(p, n)) {
			*body_off = (size_t)(p - raw);
			return *body_off;
		}
		p = n;
	}
	*body_off = to;
	return to;
}

void sm_msg_find_body(const uint8_t *raw, size_t len, sm_frame *f)
{
	const uint8_t *p, *n;

	f->hdr_start = header_start(raw, len);
	p = raw + f->hdr_start;
	n = line_end(p, raw + len);
	f->crlf = n > p + 1 && n[-1] == '\n' && n[-2] == '\r';
	f->hdr_end = sm_msg_block_end(raw, f->hdr_start, len, &f->body_off);
}

GMimeStream *sm_msg_view(GMimeStream *base, const uint8_t *raw, const sm_frame *f, size_t len,
			 GByteArray **copy, size_t *ins_at, size_t *ins)
{
	const char *eol = f->crlf ? "\r\n" : "\n";
	GMimeStream *s;

	*copy = NULL;
	*ins_at = *ins = 0;
	if (f->hdr_start == 0 && f->body_off > f->hdr_end)
		return g_object_ref(base);
	if (f->body_off > f->hdr_end)
		return g_mime_stream_substream(base, (gint64)f->hdr_start, (gint64)len);
	/* No empty line: a copy with one, [hdr_start, hdr_end) EOL [body_off,
	 * len) (GMime's substreams of a concatenation forget where they are).
	 * Only a file handed to --test has this shape: the milter spools the
	 * header fields the MTA sends and an empty line after them. */
	*copy = g_byte_array_sized_new((guint)(len - f->hdr_start + 2));
	g_byte_array_append(*copy, raw + f->hdr_start, (guint)(f->hdr_end - f->hdr_start));
	g_byte_array_append(*copy, (const guint8 *)eol, (guint)strlen(eol));
	g_byte_array_append(*copy, raw + f->body_off, (guint)(len - f->body_off));
	s = g_mime_stream_mem_new_with_byte_array(*copy);
	g_mime_stream_mem_set_owner((GMimeStreamMem *)s, FALSE);
	*ins_at = f->hdr_end - f->hdr_start;
	*ins = strlen(eol);
	return s;
}

size_t sm_msg_raw_off(const sm_msg *m, gint64 v)
{
	size_t u;

	if (v < 0)
		return (size_t)-1;
	u = (size_t)v;
	if (!m->view_copy)
		return u;
	if (u < m->ins_at)
		return m->hdr_start + u;
	if (u < m->ins_at + m->ins)
		return m->hdr_end;
	return m->body_off + (u - m->ins_at - m->ins);
}
