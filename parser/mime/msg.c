/*
 * msg.c - parse a message with GMime over the original bytes and walk its
 * parts (msg.h).
 *
 * Untrusted input: the whole message.  Limits (sm_limits): max_parts,
 * max_depth, max_headers per entity, max_header_bytes for the top-level
 * header block; going over one sets SM_MSG_LIMIT with a description, never a
 * silent cut.  The walk recurses at most max_depth levels.
 * A multipart's preamble and epilogue are text too (a careless sender's card
 * number travels there as well): each becomes a leaf of its own (`gap`),
 * located in the original bytes; one that cannot be located exactly makes the
 * message unparsable (policy.on_unparseable), never silently unscanned.
 * Owns: the GMime message (which references a stream over `raw` without
 * copying it) and the sm_part array.
 */
#include "msg.h"

#include "rfc2047.h"

#include <string.h>
#include <unistd.h>

static gpointer gmime_init_once(gpointer unused)
{
	g_mime_init();
	return NULL;
}

static void part_free(gpointer data)
{
	sm_part *p = data;

	g_free(p->ctype);
	g_free(p->charset);
	g_free(p->filename);
	g_free(p->boundary);
	g_free(p);
}

/* A file name for reports and matching: last path component, printable, bounded. */
static char *clean_filename(const char *name)
{
	const char *base = name, *s;
	GString *g;

	if (!name || !*name)
		return NULL;
	for (s = name; *s; s++)
		if (*s == '/' || *s == '\\')
			base = s + 1;
	if (!*base)
		base = name;
	g = g_string_new(NULL);
	for (s = base; *s && g->len < 255;) {
		gunichar c = g_utf8_get_char_validated(s, -1);

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_c(g, '?');
			s++;
			continue;
		}
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x202e)
			g_string_append_c(g, '?');
		else
			g_string_append_unichar(g, c);
		s = g_utf8_next_char(s);
	}
	return g_string_free(g, FALSE);
}

static bool set_limit(sm_msg *m, const char *what, long long n)
{
	m->status = SM_MSG_LIMIT;
	snprintf(m->limit_what, sizeof(m->limit_what), "%s (limit %lld)", what, n);
	return false;
}

static void add_leaf(sm_msg *m, GMimeObject *o, const char *loc, int depth, const char *boundary,
		     bool in_msg)
{
	sm_part *p = g_new0(sm_part, 1);
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	GMimeContentDisposition *cd = g_mime_object_get_content_disposition(o);
	GMimeDataWrapper *w = GMIME_IS_PART(o) ? g_mime_part_get_content((GMimePart *)o) : NULL;
	GMimeStream *s = w ? g_mime_data_wrapper_get_stream(w) : NULL;
	const char *cs = ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL;

	p->obj = o;
	g_strlcpy(p->loc, loc, sizeof(p->loc));
	if (ct) {
		char *mt = g_mime_content_type_get_mime_type(ct); /* transfer full */

		p->ctype = g_ascii_strdown(mt, -1);
		g_free(mt);
	} else
		p->ctype = g_strdup("text/plain");
	if (strchr(p->ctype, '/') == NULL) {
		g_free(p->ctype);
		p->ctype = g_strdup("application/octet-stream");
	}
	p->charset = cs ? g_strdup(cs) : NULL;
	p->filename = GMIME_IS_PART(o) ? clean_filename(g_mime_part_get_filename((GMimePart *)o))
				       : NULL;
	p->boundary = g_strdup(boundary);
	p->attachment = p->filename != NULL ||
			(cd && g_ascii_strcasecmp(g_mime_content_disposition_get_disposition(cd),
						  "attachment") == 0);
	p->body = !p->attachment && !in_msg &&
		  (strcmp(p->ctype, "text/plain") == 0 || strcmp(p->ctype, "text/html") == 0);
	p->in_message = in_msg;
	p->enc = GMIME_IS_PART(o) ? g_mime_part_get_content_encoding((GMimePart *)o)
				  : GMIME_CONTENT_ENCODING_DEFAULT;
	if (s && s->bound_start >= 0 && sm_msg_raw_off(m, s->bound_start) <= m->len) {
		p->cstart = sm_msg_raw_off(m, s->bound_start);
		p->cend = s->bound_end < 0 || sm_msg_raw_off(m, s->bound_end) > m->len
				  ? m->len
				  : sm_msg_raw_off(m, s->bound_end);
		if (p->cend < p->cstart)
			p->cend = p->cstart;
	}
	p->depth = depth;
	if (p->cend > m->cursor)
		m->cursor = p->cend;
	g_ptr_array_add(m->parts, p);
}

static void add_gap(sm_msg *m, GMimeObject *o, const char *loc, const char *what, int depth,
		    bool in_msg, size_t a, size_t z);
static size_t find_delim(const sm_msg *m, size_t from, const char *b, bool close);
static size_t before_eol(const sm_msg *m, size_t floor, size_t d);

/* The header block of an embedded message: from its first field to the
 * empty line (at most max_header_bytes, and not past the enclosing
 * delimiter).  Where it ends as a reader sees it, at a line that is neither
 * a field nor a continuation, GMime reads on and drops such lines as
 * invalid fields: they are the start of the message's text, a leaf of
 * their own ("LOC.text"), scanned as text. */
static void add_hblock(sm_msg *m, GMimeObject *inner, const char *loc, int depth,
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

	if (o == g_mime_message_get_mime_part(m->message))
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
static bool preamble(sm_msg *m, GMimeMultipart *mp, const char *loc, int depth, bool in_msg)
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
	if ((GMimeObject *)mp == g_mime_message_get_mime_part(m->message))
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
static bool epilogue(sm_msg *m, GMimeMultipart *mp, const char *loc, int depth, bool in_msg)
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
static void trim_gaps(sm_msg *m)
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
static bool gaps_apart(const sm_msg *m)
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

static bool set_unlocated(sm_msg *m, const char *what)
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

static bool encoded_message(GMimeObject *o)
{
	GMimeContentEncoding e = message_encoding(o);

	return e == GMIME_CONTENT_ENCODING_BASE64 || e == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	       e == GMIME_CONTENT_ENCODING_UUENCODE;
}

/* Its content: after the empty line that ends its last header field, up to
 * the line end before the enclosing boundary (or the end of the message). */
static bool add_encoded_message(sm_msg *m, GMimeObject *o, const char *loc, int depth,
				const char *boundary, bool in_msg)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);
	int n = hl ? g_mime_header_list_get_count(hl) : 0;
	size_t off = n ? sm_msg_raw_off(m, g_mime_header_get_offset(
				 g_mime_header_list_get_header_at(hl, n - 1)))
		       : (size_t)-1;
	size_t a, z, blen = boundary ? strlen(boundary) : 0;
	sm_part *p;

	if (off >= m->len)
		return set_unlocated(m, "encoded message");
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
	add_leaf(m, o, loc, depth, boundary, in_msg);
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
static bool add_unsplit(sm_msg *m, GMimeObject *o, const char *loc, int depth,
			const char *boundary, bool in_msg)
{
	size_t h = header_offset(m, o), d, a, z;
	sm_part *p;

	if (h > m->len)
		return set_unlocated(m, "multipart without a usable boundary");
	d = m->outer ? find_delim(m, h, m->outer, false) : m->len;
	a = o == g_mime_message_get_mime_part(m->message) ? m->body_off : content_start(m, h, d);
	z = m->outer ? before_eol(m, a, d) : m->len;
	add_leaf(m, o, *loc ? loc : "1", depth, boundary, in_msg);
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

static bool walk(sm_msg *m, GMimeObject *o, const char *loc, int depth, const char *boundary,
		 bool in_msg, const sm_limits *lim, long long *count)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);

	if (++*count > lim->max_parts)
		return set_limit(m, "too many MIME parts", lim->max_parts);
	if (depth > lim->max_depth)
		return set_limit(m, "MIME nesting too deep", lim->max_depth);
	if (hl && g_mime_header_list_get_count(hl) > lim->max_headers)
		return set_limit(m, "too many header fields", lim->max_headers);
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = (GMimeMultipart *)o;
		int i, n = g_mime_multipart_get_count(mp);
		const char *b = g_mime_multipart_get_boundary(mp);

		const char *outer = m->outer;

		if (n == 0)
			return add_unsplit(m, o, loc, depth, boundary, in_msg);
		if (!preamble(m, mp, loc, depth, in_msg))
			return set_unlocated(m, "preamble");
		m->outer = b;
		for (i = 0; i < n; i++) {
			char sub[64];

			snprintf(sub, sizeof(sub), "%s%s%d", loc, *loc ? "." : "", i + 1);
			if (!walk(m, g_mime_multipart_get_part(mp, i), sub, depth + 1, b, in_msg, lim,
				  count))
				return false;
		}
		m->outer = outer;
		if (!epilogue(m, mp, loc, depth, in_msg))
			return set_unlocated(m, "epilogue");
		return true;
	}
	if (GMIME_IS_MESSAGE_PART(o) && encoded_message(o))
		return add_encoded_message(m, o, *loc ? loc : "1", depth, boundary, in_msg);
	if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage *inner = g_mime_message_part_get_message((GMimeMessagePart *)o);
		GMimeObject *body = inner ? g_mime_message_get_mime_part(inner) : NULL;
		char sub[64];

		if (inner)
			add_hblock(m, (GMimeObject *)inner, *loc ? loc : "1", depth, lim);
		if (!body) {
			add_leaf(m, o, *loc ? loc : "1", depth, boundary, in_msg);
			return true;
		}
		if (GMIME_IS_MULTIPART(body))
			return walk(m, body, *loc ? loc : "1", depth + 1, NULL, true, lim, count);
		snprintf(sub, sizeof(sub), "%s%s1", loc, *loc ? "." : "");
		return walk(m, body, sub, depth + 1, NULL, true, lim, count);
	}
	add_leaf(m, o, *loc ? loc : "1", depth, boundary, in_msg);
	return true;
}

sm_msg *sm_msg_parse(const uint8_t *raw, size_t len, const sm_limits *lim)
{
	return sm_msg_parse_fd(raw, len, -1, lim);
}

sm_msg *sm_msg_parse_fd(const uint8_t *raw, size_t len, int fd, const sm_limits *lim)
{
	static GOnce once = G_ONCE_INIT;
	sm_msg *m = g_new0(sm_msg, 1);
	GByteArray *arr;
	GMimeStream *st, *view;
	GMimeParser *parser;
	sm_frame f;
	GMimeObject *top;
	long long count = 0;

	g_once(&once, gmime_init_once, NULL);
	m->raw = raw;
	m->len = len;
	m->parts = g_ptr_array_new_with_free_func(part_free);
	m->hblocks = g_array_new(FALSE, FALSE, sizeof(sm_hblock));
	sm_msg_find_body(raw, len, &f);
	m->hdr_start = f.hdr_start;
	m->hdr_end = f.hdr_end;
	m->body_off = f.body_off;
	m->crlf = f.crlf;
	if ((long long)(m->hdr_end - m->hdr_start) > lim->max_header_bytes) {
		set_limit(m, "header block too large", lim->max_header_bytes);
		return m;
	}
	/* A GByteArray over raw without copying: the stream must not own it. */
	arr = g_byte_array_new_take((guint8 *)raw, len);
	if (fd >= 0 && lseek(fd, 0, SEEK_SET) == 0) {
		st = g_mime_stream_fs_new_with_bounds(fd, 0, (gint64)len);
		g_mime_stream_fs_set_owner((GMimeStreamFs *)st, FALSE);
	} else {
		st = g_mime_stream_mem_new_with_byte_array(arr);
		g_mime_stream_mem_set_owner((GMimeStreamMem *)st, FALSE);
	}
	view = sm_msg_view(st, raw, &f, len, &m->view_copy, &m->ins_at, &m->ins);
	g_object_unref(st);
	st = view;
	parser = g_mime_parser_new_with_stream(st);
	g_mime_parser_set_persist_stream(parser, TRUE);
	m->message = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(st);
	m->arr = arr; /* GMime's substreams point at it: freed after the message */
	if (!m->message) {
		m->status = SM_MSG_ERROR;
		return m;
	}
	{
		GMimeHeaderList *hl = g_mime_object_get_header_list((GMimeObject *)m->message);
		GMimeHeader *h = hl ? g_mime_header_list_get_header(hl, "Subject") : NULL;
		const char *rawsub = h ? g_mime_header_get_raw_value(h) : NULL;
		const char *id = g_mime_message_get_message_id(m->message);

		/* our decoder, not GMime's: see rfc2047.h */
		m->subject = rawsub ? g_strstrip(sm_header_decode(rawsub, strlen(rawsub))) : NULL;
		m->message_id = id ? g_utf8_make_valid(id, -1) : NULL;
	}
	top = g_mime_message_get_mime_part(m->message);
	m->cursor = m->body_off;
	if (top && walk(m, top, "", 0, NULL, false, lim, &count) && (trim_gaps(m), !gaps_apart(m)))
		set_unlocated(m, "preamble or epilogue");
	return m;
}

void sm_msg_free(sm_msg *m)
{
	if (!m)
		return;
	if (m->message)
		g_object_unref(m->message);
	if (m->arr)
		g_byte_array_free(m->arr, FALSE); /* the header only, never raw */
	if (m->view_copy)
		g_byte_array_free(m->view_copy, TRUE);
	g_ptr_array_free(m->parts, TRUE);
	g_array_free(m->hblocks, TRUE);
	g_free(m->subject);
	g_free(m->message_id);
	g_free(m);
}

void sm_msg_headers(const sm_msg *m, char ***names, char ***values)
{
	GMimeHeaderList *hl = m->message ? g_mime_object_get_header_list((GMimeObject *)m->message)
					 : NULL;
	int i, n = hl ? g_mime_header_list_get_count(hl) : 0;

	*names = g_new0(char *, n + 1);
	*values = g_new0(char *, n + 1);
	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *v = g_mime_header_get_raw_value(h);

		(*names)[i] = g_strdup(g_mime_header_get_name(h));
		(*values)[i] = g_strstrip(sm_header_decode(v ? v : "", v ? strlen(v) : 0));
	}
}

size_t sm_msg_part_header_start(const sm_msg *m, const sm_part *p)
{
	size_t blen, i, floor;

	if (!p->boundary || p->cstart > m->len)
		return (size_t)-1;
	blen = strlen(p->boundary);
	floor = p->cstart > (size_t)1 << 20 ? p->cstart - ((size_t)1 << 20) : 0;
	for (i = p->cstart; i-- > floor;) {
		if (m->raw[i] == '-' && i + 2 + blen <= p->cstart && m->raw[i + 1] == '-' &&
		    memcmp(m->raw + i + 2, p->boundary, blen) == 0 &&
		    (i == 0 || m->raw[i - 1] == '\n')) {
			const uint8_t *nl = memchr(m->raw + i, '\n', p->cstart - i);

			return nl ? (size_t)(nl - m->raw) + 1 : (size_t)-1;
		}
	}
	return (size_t)-1;
}
