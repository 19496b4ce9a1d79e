/*
 * msg_locate.c - what GMime gives no offsets for, located in the original
 * bytes (msg_int.h), so that it is scanned and masked in place like a part:
 * - a multipart's preamble and epilogue (a careless sender's card number
 *   travels there too): each a leaf of its own (`gap`), found by GMime's copy
 *   of its text, else (that copy stops at a NUL, loses a byte before a
 *   delimiter after a bare LF ...) as the bytes between the delimiter lines
 *   as GMime matches them; a gap gives up bytes a part also claims (a broken
 *   nesting);
 * - a multipart without a usable boundary: one text leaf;
 * - a message/rfc822 in base64 or quoted-printable: a leaf decoded later;
 * - an embedded message's header block, and the lines after it that GMime
 *   drops as invalid fields when no empty line ends it.
 * What cannot be located exactly makes the message unparsable
 * (policy.on_unparseable), never silently unscanned.
 *
 * Untrusted input: the whole message.  Every search runs forward over the
 * bytes once, bounded by the enclosing delimiter or the end; at most
 * SM_GAP_TRIES delimiter lines are tried per gap, max_header_bytes per
 * header block.  Owns nothing: leaves go into the sm_msg.
 */
#include "msg.h"
#include "msg_int.h"

#include <string.h>

/* ------------------------------------------------------------------ gaps */

/* The first line starting with "--b" (and "--" after it if close) at or
 * after from; m->len if none. */
static size_t find_delim(const sm_msg *m, size_t from, const char *b, bool close)
{
	size_t bl = strlen(b), i = from;

	while (i + 2 + bl <= m->len) {
		const uint8_t *nl;

		if ((i == 0 || m->raw[i - 1] == '\n') && m->raw[i] == '-' && m->raw[i + 1] == '-' &&
		    memcmp(m->raw + i + 2, b, bl) == 0 &&
		    (!close || (i + 4 + bl <= m->len && memcmp(m->raw + i + 2 + bl, "--", 2) == 0)))
			return i;
		nl = memchr(m->raw + i, '\n', m->len - i);
		if (!nl)
			break;
		i = (size_t)(nl - m->raw) + 1;
	}
	return m->len;
}

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (!g_ascii_isspace(*s))
			return false;
	return true;
}

/* A preamble or epilogue: raw text, no headers of its own, no boundary to
 * strip it by (a strip finding there rejects). */
static void add_gap(sm_msg *m, GMimeObject *o, const char *loc, const char *what, int depth,
		    bool in_msg, size_t a, size_t z)
{
	sm_part *p = g_new0(sm_part, 1);

	p->obj = o;
	snprintf(p->loc, sizeof(p->loc), "%s%s%s", loc, *loc ? "." : "", what);
	p->ctype = g_strdup("text/plain");
	p->in_message = in_msg;
	p->enc = GMIME_CONTENT_ENCODING_DEFAULT;
	p->cstart = a;
	p->cend = z;
	p->depth = depth;
	p->gap = true;
	if (z > m->cursor)
		m->cursor = z;
	g_ptr_array_add(m->parts, p);
}

/* Back from e over text (CRLF in raw may be LF in text): where it starts in
 * raw, or (size_t)-1 if raw[floor, e) does not end with it. */
static size_t match_back(const sm_msg *m, size_t floor, size_t e, const char *text)
{
	size_t i = e, j = strlen(text);

	while (j > 0) {
		if (i > floor && m->raw[i - 1] == (uint8_t)text[j - 1])
			i--, j--;
		else if (i > floor && m->raw[i - 1] == '\r' && i < e && m->raw[i] == '\n' &&
			 text[j] == '\n')
			i--;
		else
			return (size_t)-1;
	}
	return i;
}

/* Forward from a over text: where it ends in raw, or (size_t)-1. */
static size_t match_fwd(const sm_msg *m, size_t a, const char *text)
{
	size_t i = a;

	while (*text) {
		if (i < m->len && m->raw[i] == (uint8_t)*text)
			i++, text++;
		else if (i + 1 < m->len && m->raw[i] == '\r' && m->raw[i + 1] == '\n' &&
			 *text == '\n')
			i++;
		else
			return (size_t)-1;
	}
	return i;
}

/* The line end before raw[d] (LF or CRLF), not before floor. */
static size_t before_eol(const sm_msg *m, size_t floor, size_t d)
{
	if (d > floor && m->raw[d - 1] == '\n')
		d -= (d - 1 > floor && m->raw[d - 2] == '\r') ? 2 : 1;
	return d;
}

/* Where o's header block starts in the original (its first field; the
 * top-level message's hdr_start), or (size_t)-1. */
static size_t header_offset(const sm_msg *m, GMimeObject *o)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);

	if (o == m->top)
		return m->hdr_start;
	return hl && g_mime_header_list_get_count(hl) > 0
		       ? sm_msg_raw_off(m, g_mime_header_get_offset(
						 g_mime_header_list_get_header_at(hl, 0)))
		       : (size_t)-1;
}

/* The first byte after the empty line that ends the header block starting
 * at h, looked for before lim; lim when there is none (no content). */
static size_t content_start(const sm_msg *m, size_t h, size_t lim)
{
	for (size_t a = h; a + 1 < lim; a++)
		if (m->raw[a] == '\n' &&
		    (m->raw[a + 1] == '\n' ||
		     (m->raw[a + 1] == '\r' && a + 2 < lim && m->raw[a + 2] == '\n')))
			return a + (m->raw[a + 1] == '\n' ? 2 : 3);
	return lim;
}

/* Delimiter lines tried to place one preamble or epilogue: boundaries may
 * repeat (a nested multipart reusing its parent's), the first may not be it. */
#define SM_GAP_TRIES 64

/* The first line in [from, lim) that is "--b" ("--b--" if close) with only
 * blanks after it, as GMime reads delimiter lines; lim if none. */
static size_t exact_delim(const sm_msg *m, size_t from, size_t lim, const char *b, bool close)
{
	size_t bl = strlen(b) + (close ? 2 : 0);

	for (size_t i = from; i < lim;) {
		const uint8_t *nl = memchr(m->raw + i, '\n', lim - i);
		size_t e = nl ? (size_t)(nl - m->raw) : lim, k = i + 2 + bl;

		if (e - i >= 2 + bl && m->raw[i] == '-' && m->raw[i + 1] == '-' &&
		    memcmp(m->raw + i + 2, b, strlen(b)) == 0 &&
		    (!close || memcmp(m->raw + i + 2 + strlen(b), "--", 2) == 0)) {
			while (k < e && (m->raw[k] == ' ' || m->raw[k] == '\t' || m->raw[k] == '\r'))
				k++;
			if (k == e)
				return i;
		}
		i = e + 1;
	}
	return lim;
}

static bool raw_blank(const sm_msg *m, size_t a, size_t z)
{
	for (; a < z; a++)
		if (!g_ascii_isspace(m->raw[a]))
			return false;
	return true;
}

/* The preamble ends where a delimiter line starts, less its line end: found
 * by GMime's copy of its text, else (GMime's copy stops at a NUL, loses a
 * byte before a delimiter after a bare LF ...) as the bytes from the
 * multipart's content start to its first delimiter line. */
bool sm_msg_preamble(sm_msg *m, GMimeMultipart *mp, const char *loc, int depth, bool in_msg)
{
	const char *b = g_mime_multipart_get_boundary(mp), *text = g_mime_multipart_get_prologue(mp);
	size_t d = m->cursor, e, a;
	int tries;

	if (!b)
		return blank(text);
	for (tries = 0; !blank(text) && tries < SM_GAP_TRIES && d <= m->len; tries++, d++) {
		d = find_delim(m, d, b, false);
		e = before_eol(m, m->cursor, d);
		a = match_back(m, m->cursor, e, text);
		if (a != (size_t)-1) {
			add_gap(m, (GMimeObject *)mp, loc, "preamble", depth, in_msg, a, e);
			return true;
		}
		if (d >= m->len)
			break;
	}
	if ((GMimeObject *)mp == m->top)
		a = m->body_off;
	else if ((a = header_offset(m, (GMimeObject *)mp)) <= m->len)
		a = content_start(m, a, m->len);
	if (a > m->len)
		return blank(text);
	e = before_eol(m, a, exact_delim(m, a, m->len, b, false));
	if (!raw_blank(m, a, e))
		add_gap(m, (GMimeObject *)mp, loc, "preamble", depth, in_msg, a, e);
	return true;
}

/* Where an epilogue starting at a ends: before the enclosing multipart's
 * next delimiter line, or at the end. */
static size_t epilogue_end(const sm_msg *m, size_t a)
{
	size_t d, c;

	if (!m->outer)
		return m->len;
	d = exact_delim(m, a, m->len, m->outer, false);
	c = exact_delim(m, a, d, m->outer, true);
	return before_eol(m, a, c < d ? c : d);
}

/* The epilogue starts on the line after a close delimiter: found by GMime's
 * copy of its text, else as the bytes from there (or, with no close
 * delimiter after what is placed, from there) to the enclosing delimiter or
 * the end. */
bool sm_msg_epilogue(sm_msg *m, GMimeMultipart *mp, const char *loc, int depth, bool in_msg)
{
	const char *b = g_mime_multipart_get_boundary(mp), *text = g_mime_multipart_get_epilogue(mp);
	size_t c = m->cursor, a, z;
	const uint8_t *nl;
	int tries;

	if (!b)
		return blank(text);
	for (tries = 0; !blank(text) && tries < SM_GAP_TRIES; tries++, c++) {
		if ((c = find_delim(m, c, b, true)) >= m->len)
			break;
		nl = memchr(m->raw + c, '\n', m->len - c);
		a = nl ? (size_t)(nl - m->raw) + 1 : m->len;
		z = match_fwd(m, a, text);
		if (z != (size_t)-1) {
			/* GMime's copy stops at a NUL: the epilogue runs on to the
			 * enclosing delimiter or the end */
			size_t end = epilogue_end(m, a);

			if (z > end || !raw_blank(m, z, end))
				z = end;
			add_gap(m, (GMimeObject *)mp, loc, "epilogue", depth, in_msg, a, z);
			return true;
		}
	}
	if ((c = exact_delim(m, m->cursor, m->len, b, true)) < m->len) {
		nl = memchr(m->raw + c, '\n', m->len - c);
		a = nl ? (size_t)(nl - m->raw) + 1 : m->len;
	} else /* GMime read a broken nesting otherwise: what is left is it */
		a = m->cursor;
	z = epilogue_end(m, a);
	if (!raw_blank(m, a, z))
		add_gap(m, (GMimeObject *)mp, loc, "epilogue", depth, in_msg, a, z);
	return true;
}

/* GMime can read a broken nesting so that a preamble or epilogue and a part
 * claim the same bytes (an inner multipart ended by its parent's delimiter,
 * its close delimiter in the next part): the gap gives up the bytes a part
 * scans anyway.  A part inside a gap cannot be cut out: left as it is (then
 * gaps_apart fails). */
void sm_msg_trim_gaps(sm_msg *m)
{
	for (guint i = 0; i < m->parts->len; i++) {
		sm_part *g = g_ptr_array_index(m->parts, i);

		for (guint k = 0; g->gap && k < m->parts->len && g->cend > g->cstart; k++) {
			const sm_part *p = g_ptr_array_index(m->parts, k);

			if (k == i || p->cend <= p->cstart || p->cend <= g->cstart ||
			    p->cstart >= g->cend || (p->gap && k > i))
				continue;
			if (p->cstart <= g->cstart)
				g->cstart = p->cend < g->cend ? p->cend : g->cend;
			else if (p->cend >= g->cend)
				g->cend = p->cstart;
		}
	}
}

/* A preamble or epilogue must not overlap a part (its masks would collide). */
bool sm_msg_gaps_apart(const sm_msg *m)
{
	for (guint i = 0; i < m->parts->len; i++) {
		const sm_part *g = g_ptr_array_index(m->parts, i);

		for (guint k = 0; g->gap && k < m->parts->len; k++) {
			const sm_part *p = g_ptr_array_index(m->parts, k);

			/* by their bytes: a trimmed gap may follow a part it was listed
			 * before; an empty part (maybe unlocated) has nothing to collide */
			if (k != i && p->cend > p->cstart && g->cend > g->cstart &&
			    p->cstart < g->cend && g->cstart < p->cend)
				return false;
		}
	}
	return true;
}

bool sm_msg_set_unlocated(sm_msg *m, const char *what)
{
	m->status = SM_MSG_ERROR;
	snprintf(m->limit_what, sizeof(m->limit_what), "a multipart %s could not be located", what);
	return false;
}

/* A message/rfc822 part in base64 or quoted-printable (RFC 2046 forbids it;
 * some clients do it): GMime reads the encoded text as the message, so it is
 * a leaf here, decoded and scanned as a message of its own (scan.c). */
static GMimeContentEncoding message_encoding(GMimeObject *o)
{
	const char *cte = g_mime_object_get_header(o, "Content-Transfer-Encoding");

	return cte ? g_mime_content_encoding_from_string(cte) : GMIME_CONTENT_ENCODING_DEFAULT;
}

bool sm_msg_encoded_message(GMimeObject *o)
{
	GMimeContentEncoding e = message_encoding(o);

	return e == GMIME_CONTENT_ENCODING_BASE64 || e == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	       e == GMIME_CONTENT_ENCODING_UUENCODE;
}

/* Its content: after the empty line that ends its last header field, up to
 * the line end before the enclosing boundary (or the end of the message). */
bool sm_msg_add_encoded_message(sm_msg *m, GMimeObject *o, const char *loc, int depth,
				const char *boundary, bool in_msg)
{
	GMimeHeader *last;
	size_t off = sm_msg_fields(m, o, &last) ? sm_msg_raw_off(m, g_mime_header_get_offset(last))
						: (size_t)-1;
	size_t a, z, blen = boundary ? strlen(boundary) : 0;
	sm_part *p;

	if (off >= m->len)
		return sm_msg_set_unlocated(m, "encoded message");
	/* after the empty line, looked for before the next delimiter: none
	 * there is an empty message (its header block ran into the delimiter) */
	a = content_start(m, off, boundary ? find_delim(m, off, boundary, false) : m->len);
	for (z = a; boundary && z + 2 + blen <= m->len; z++)
		if ((z == a || m->raw[z - 1] == '\n') && m->raw[z] == '-' && m->raw[z + 1] == '-' &&
		    memcmp(m->raw + z + 2, boundary, blen) == 0)
			break;
	if (!boundary || z + 2 + blen > m->len)
		z = m->len;
	else if (z > a) /* the line end before the boundary belongs to it */
		z -= z - 1 > a && m->raw[z - 2] == '\r' ? 2 : 1;
	sm_msg_add_leaf(m, o, loc, depth, boundary, in_msg);
	p = g_ptr_array_index(m->parts, m->parts->len - 1);
	p->enc = message_encoding(o);
	p->cstart = a;
	p->cend = z;
	if (z > m->cursor)
		m->cursor = z;
	return true;
}

/* A multipart without a usable boundary (none declared, or none of its
 * delimiter lines found: GMime reads all of it as a preamble): its content,
 * up to the enclosing multipart's next delimiter line or the end, is one
 * text leaf scanned as a whole, as other readers show it. */
bool sm_msg_add_unsplit(sm_msg *m, GMimeObject *o, const char *loc, int depth,
			const char *boundary, bool in_msg)
{
	size_t h = header_offset(m, o), d, a, z;
	sm_part *p;

	if (h > m->len)
		return sm_msg_set_unlocated(m, "multipart without a usable boundary");
	d = m->outer ? find_delim(m, h, m->outer, false) : m->len;
	a = o == m->top ? m->body_off : content_start(m, h, d);
	z = m->outer ? before_eol(m, a, d) : m->len;
	sm_msg_add_leaf(m, o, *loc ? loc : "1", depth, boundary, in_msg);
	p = g_ptr_array_index(m->parts, m->parts->len - 1);
	g_free(p->ctype);
	p->ctype = g_strdup("text/plain");
	p->body = !p->attachment && !in_msg;
	p->enc = GMIME_CONTENT_ENCODING_DEFAULT;
	p->cstart = a;
	p->cend = z;
	p->unsplit = true;
	if (z > m->cursor)
		m->cursor = z;
	return true;
}

/* The header block of an embedded message: from its first field to the
 * empty line (at most max_header_bytes, and not past the enclosing
 * delimiter).  Where it ends as a reader sees it, at a line that is neither
 * a field nor a continuation, GMime reads on and drops such lines as
 * invalid fields: they are the start of the message's text, a leaf of
 * their own ("LOC.text"), scanned as text. */
void sm_msg_add_hblock(sm_msg *m, GMimeObject *inner, const char *loc, int depth,
		       const sm_limits *lim)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(inner);
	GMimeHeader *h = hl && g_mime_header_list_get_count(hl) > 0
				 ? g_mime_header_list_get_header_at(hl, 0)
				 : NULL;
	size_t off = h ? sm_msg_raw_off(m, g_mime_header_get_offset(h)) : (size_t)-1;
	size_t i, cap, d, fe, body;
	sm_hblock b;

	if (off >= m->len)
		return;
	g_strlcpy(b.loc, loc, sizeof(b.loc));
	b.start = off;
	d = m->outer ? find_delim(m, off, m->outer, false) : m->len;
	cap = d - b.start < (size_t)lim->max_header_bytes ? d
							  : b.start + (size_t)lim->max_header_bytes;
	for (i = b.start; i < cap; i++)
		if (m->raw[i] == '\n' && (i + 1 >= cap || m->raw[i + 1] == '\n' ||
					  (m->raw[i + 1] == '\r' && i + 2 < cap &&
					   m->raw[i + 2] == '\n')))
			break;
	b.end = i < cap ? i + 1 : cap;
	fe = sm_msg_block_end(m->raw, b.start, b.end, &body);
	if (fe < b.end && body == fe) { /* lines GMime swallowed */
		/* up to the empty line or the delimiter, whose line end it is */
		size_t z = before_eol(m, fe, i < cap ? i + 1 : cap);

		b.end = fe;
		if (z > fe)
			add_gap(m, inner, loc, "text", depth, true, fe, z);
	}
	g_array_append_val(m->hblocks, b);
}

