/*
 * msg.c - parse a message with GMime over the original bytes and walk its
 * parts (msg.h).
 *
 * Untrusted input: the whole message.  Limits (sm_limits): max_parts,
 * max_depth, max_headers per entity, max_header_bytes for the top-level
 * header block; going over one sets SM_MSG_LIMIT with a description, never a
 * silent cut; prepass.c counts the same before GMime builds anything.  The
 * walk recurses at most max_depth levels.
 * A multipart's preamble and epilogue are text too (a careless sender's card
 * number travels there as well): each becomes a leaf of its own (`gap`),
 * located in the original bytes; one that cannot be located exactly makes the
 * message unparsable (the failure action), never silently unscanned.
 * Owns: the GMime message (which references a stream over `raw` without
 * copying it) and the sm_part array.
 */
#include "msg.h"

#include "prepass.h"
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
	if (s && s->bound_start >= 0 && (size_t)s->bound_start <= m->len) {
		p->cstart = (size_t)s->bound_start;
		p->cend = s->bound_end < 0 || (size_t)s->bound_end > m->len ? m->len
									    : (size_t)s->bound_end;
		if (p->cend < p->cstart)
			p->cend = p->cstart;
	}
	p->depth = depth;
	if (p->cend > m->cursor)
		m->cursor = p->cend;
	g_ptr_array_add(m->parts, p);
}

/* The header block of an embedded message: from its first field to the
 * empty line (at most max_header_bytes; a longer one is cut there). */
static void add_hblock(sm_msg *m, GMimeObject *inner, const char *loc, const sm_limits *lim)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(inner);
	GMimeHeader *h = hl && g_mime_header_list_get_count(hl) > 0
				 ? g_mime_header_list_get_header_at(hl, 0)
				 : NULL;
	gint64 off = h ? g_mime_header_get_offset(h) : -1;
	size_t i, cap;
	sm_hblock b;

	if (off < 0 || (size_t)off >= m->len)
		return;
	g_strlcpy(b.loc, loc, sizeof(b.loc));
	b.start = (size_t)off;
	cap = m->len - b.start < (size_t)lim->max_header_bytes ? m->len
							       : b.start + (size_t)lim->max_header_bytes;
	for (i = b.start; i < cap; i++)
		if (m->raw[i] == '\n' && (i + 1 >= cap || m->raw[i + 1] == '\n' ||
					  (m->raw[i + 1] == '\r' && i + 2 < cap &&
					   m->raw[i + 2] == '\n')))
			break;
	b.end = i < cap ? i + 1 : cap;
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

/* Delimiter lines tried to place one preamble or epilogue: boundaries may
 * repeat (a nested multipart reusing its parent's), the first may not be it. */
#define SM_GAP_TRIES 64

/* The preamble ends where a delimiter line starts, less its line end. */
static bool preamble(sm_msg *m, GMimeMultipart *mp, const char *loc, int depth, bool in_msg)
{
	const char *b = g_mime_multipart_get_boundary(mp), *text = g_mime_multipart_get_prologue(mp);
	size_t d = m->cursor, e, a;
	int tries;

	if (blank(text))
		return true;
	if (!b)
		return false;
	for (tries = 0; tries < SM_GAP_TRIES && d <= m->len; tries++, d++) {
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
	return false;
}

/* The epilogue starts on the line after a close delimiter. */
static bool epilogue(sm_msg *m, GMimeMultipart *mp, const char *loc, int depth, bool in_msg)
{
	const char *b = g_mime_multipart_get_boundary(mp), *text = g_mime_multipart_get_epilogue(mp);
	size_t c = m->cursor, a, z;
	int tries;

	if (blank(text))
		return true;
	if (!b)
		return false;
	for (tries = 0; tries < SM_GAP_TRIES; tries++, c++) {
		const uint8_t *nl;

		if ((c = find_delim(m, c, b, true)) >= m->len)
			return false;
		nl = memchr(m->raw + c, '\n', m->len - c);
		a = nl ? (size_t)(nl - m->raw) + 1 : m->len;
		z = match_fwd(m, a, text);
		if (z != (size_t)-1) {
			add_gap(m, (GMimeObject *)mp, loc, "epilogue", depth, in_msg, a, z);
			return true;
		}
	}
	return false;
}

/* A preamble or epilogue must not overlap a part (its masks would collide). */
static bool gaps_apart(const sm_msg *m)
{
	const sm_part *prev = NULL;
	guint i;

	for (i = 0; i < m->parts->len; i++) {
		const sm_part *p = g_ptr_array_index(m->parts, i);

		if (prev && (p->gap || prev->gap) && p->cstart < prev->cend)
			return false;
		if (p->cend > p->cstart)
			prev = p;
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
	gint64 off = n ? g_mime_header_get_offset(g_mime_header_list_get_header_at(hl, n - 1)) : -1;
	size_t a, z, blen = boundary ? strlen(boundary) : 0;
	sm_part *p;

	if (off < 0 || (size_t)off >= m->len)
		return set_unlocated(m, "encoded message");
	for (a = (size_t)off; a + 1 < m->len; a++)
		if (m->raw[a] == '\n' && (m->raw[a + 1] == '\n' ||
					  (m->raw[a + 1] == '\r' && a + 2 < m->len && m->raw[a + 2] == '\n')))
			break;
	if (a + 1 >= m->len)
		return set_unlocated(m, "encoded message");
	a += m->raw[a + 1] == '\n' ? 2 : 3;
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

		if (!preamble(m, mp, loc, depth, in_msg))
			return set_unlocated(m, "preamble");
		for (i = 0; i < n; i++) {
			char sub[64];

			snprintf(sub, sizeof(sub), "%s%s%d", loc, *loc ? "." : "", i + 1);
			if (!walk(m, g_mime_multipart_get_part(mp, i), sub, depth + 1, b, in_msg, lim,
				  count))
				return false;
		}
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
			add_hblock(m, (GMimeObject *)inner, *loc ? loc : "1", lim);
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

void sm_msg_find_body(const uint8_t *raw, size_t len, size_t *hdr_end, size_t *body_off,
		      bool *crlf)
{
	const uint8_t *p = raw, *e = raw + len;
	const uint8_t *nl;

	*hdr_end = *body_off = len;
	*crlf = false;
	while (p < e && (nl = memchr(p, '\n', e - p)) != NULL) {
		if (nl == p || (nl == p + 1 && p[0] == '\r')) {
			*hdr_end = p - raw;
			*body_off = nl + 1 - raw;
			break;
		}
		if (p == raw)
			*crlf = nl > p && nl[-1] == '\r';
		p = nl + 1;
	}
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
	GMimeStream *st;
	GMimeParser *parser;
	GMimeObject *top;
	long long count = 0;

	g_once(&once, gmime_init_once, NULL);
	m->raw = raw;
	m->len = len;
	m->parts = g_ptr_array_new_with_free_func(part_free);
	m->hblocks = g_array_new(FALSE, FALSE, sizeof(sm_hblock));
	sm_msg_find_body(raw, len, &m->hdr_end, &m->body_off, &m->crlf);
	if ((long long)m->hdr_end > lim->max_header_bytes) {
		set_limit(m, "header block too large", lim->max_header_bytes);
		return m;
	}
	/* bounded before building: GMime builds the whole tree before walk() */
	if (sm_mime_prepass(raw, len, lim, m->limit_what, sizeof(m->limit_what)) < 0) {
		m->status = SM_MSG_LIMIT;
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
	if (top && walk(m, top, "", 0, NULL, false, lim, &count) && !gaps_apart(m))
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
	g_ptr_array_free(m->parts, TRUE);
	g_array_free(m->hblocks, TRUE);
	g_free(m->subject);
	g_free(m->message_id);
	g_free(m);
}

size_t sm_msg_uu_begin(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const uint8_t *nl = memchr(s + i, '\n', n - i);
		size_t next = nl ? (size_t)(nl - s) + 1 : n;

		if (n - i >= 6 && memcmp(s + i, "begin ", 6) == 0)
			return next;
		i = next;
	}
	return 0;
}

/* Append what still fits under max of got decoded bytes; true when some did
 * not fit, i.e. the part's decoded content is longer than max. */
static bool append_upto(GByteArray *out, const char *buf, size_t got, size_t *total, size_t max)
{
	size_t room = max - *total;
	size_t take = got < room ? got : room;

	g_byte_array_append(out, (const guint8 *)buf, (guint)take);
	*total += take;
	return got > room;
}

int sm_msg_decode(const sm_msg *m, const sm_part *p, size_t max, GByteArray *out)
{
	const uint8_t *s = m->raw + p->cstart;
	size_t n = p->cend - p->cstart, i = 0, total = 0;
	GMimeEncoding st;
	bool cut = false;
	char *buf;

	if (p->enc != GMIME_CONTENT_ENCODING_BASE64 &&
	    p->enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
	    p->enc != GMIME_CONTENT_ENCODING_UUENCODE) {
		g_byte_array_append(out, s, (guint)(n < max ? n : max));
		return n > max;
	}
	if (p->enc == GMIME_CONTENT_ENCODING_UUENCODE)
		i = sm_msg_uu_begin(s, n);
	g_mime_encoding_init_decode(&st, p->enc);
	buf = g_malloc(g_mime_encoding_outlen(&st, 65536) + 16);
	/* Cut or complete is decided by the decoded length, never by where the
	 * input happens to end: the last chunk, or the decoder's flush, may be
	 * the one that goes past max. */
	while (i < n && !cut) {
		size_t chunk = n - i < 65536 ? n - i : 65536;
		size_t got = g_mime_encoding_step(&st, (const char *)s + i, chunk, buf);

		i += chunk;
		cut = append_upto(out, buf, got, &total, max);
	}
	if (!cut)
		cut = append_upto(out, buf, g_mime_encoding_flush(&st, "", 0, buf), &total, max);
	g_free(buf);
	return cut;
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
