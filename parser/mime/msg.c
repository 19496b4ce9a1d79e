/*
 * msg.c - parse a message with GMime over the original bytes and walk its
 * parts (msg.h).
 *
 * Untrusted input: the whole message.  Limits (sm_limits): max_parts,
 * max_depth, max_headers per entity, max_header_bytes for the top-level
 * header block; going over one sets SM_MSG_LIMIT with a description, never a
 * silent cut; prepass.c counts the same before GMime builds anything.  The
 * walk recurses at most max_depth levels.
 * What GMime gives no offsets for (preambles, epilogues, multiparts without a
 * usable boundary, encoded messages, embedded header blocks) is located in
 * the original bytes by msg_locate.c.
 * Owns: the GMime tree of the top-level entity (which references a stream
 * over `raw` without copying it) and the sm_part array.
 */
#include "msg.h"
#include "msg_int.h"

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

char *sm_msg_clean_filename(const char *name)
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

void sm_msg_add_leaf(sm_msg *m, GMimeObject *o, const char *loc, int depth,
		     const char *boundary, bool in_msg)
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
	p->filename = GMIME_IS_PART(o) ? sm_msg_clean_filename(g_mime_part_get_filename((GMimePart *)o))
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

/* A field GMime gives a message's part rather than the message. */
static bool content_field(GMimeHeader *h)
{
	return g_ascii_strncasecmp(g_mime_header_get_name(h), "Content-", 8) == 0;
}

int sm_msg_fields(const sm_msg *m, GMimeObject *o, GMimeHeader **last)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);
	int i, n = hl ? g_mime_header_list_get_count(hl) : 0, c = 0;

	*last = NULL;
	if (o != m->top) {
		if (n)
			*last = g_mime_header_list_get_header_at(hl, n - 1);
		return n;
	}
	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);

		if (content_field(h)) {
			*last = h;
			c++;
		}
	}
	return c;
}

static bool walk(sm_msg *m, GMimeObject *o, const char *loc, int depth, const char *boundary,
		 bool in_msg, const sm_limits *lim, long long *count)
{
	GMimeHeader *last;

	if (++*count > lim->max_parts)
		return set_limit(m, "too many MIME parts", lim->max_parts);
	if (depth > lim->max_depth)
		return set_limit(m, "MIME nesting too deep", lim->max_depth);
	if (sm_msg_fields(m, o, &last) > lim->max_headers)
		return set_limit(m, "too many header fields", lim->max_headers);
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = (GMimeMultipart *)o;
		int i, n = g_mime_multipart_get_count(mp);
		const char *b = g_mime_multipart_get_boundary(mp);

		const char *outer = m->outer;

		if (n == 0)
			return sm_msg_add_unsplit(m, o, loc, depth, boundary, in_msg);
		if (!sm_msg_preamble(m, mp, loc, depth, in_msg))
			return sm_msg_set_unlocated(m, "preamble");
		m->outer = b;
		for (i = 0; i < n; i++) {
			char sub[64];

			snprintf(sub, sizeof(sub), "%s%s%d", loc, *loc ? "." : "", i + 1);
			if (!walk(m, g_mime_multipart_get_part(mp, i), sub, depth + 1, b, in_msg, lim,
				  count))
				return false;
		}
		m->outer = outer;
		if (!sm_msg_epilogue(m, mp, loc, depth, in_msg))
			return sm_msg_set_unlocated(m, "epilogue");
		return true;
	}
	if (GMIME_IS_MESSAGE_PART(o) && sm_msg_encoded_message(o))
		return sm_msg_add_encoded_message(m, o, *loc ? loc : "1", depth, boundary, in_msg);
	if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage *inner = g_mime_message_part_get_message((GMimeMessagePart *)o);
		GMimeObject *body = inner ? g_mime_message_get_mime_part(inner) : NULL;
		char sub[64];

		if (inner)
			sm_msg_add_hblock(m, (GMimeObject *)inner, *loc ? loc : "1", depth, lim);
		if (!body) {
			sm_msg_add_leaf(m, o, *loc ? loc : "1", depth, boundary, in_msg);
			return true;
		}
		if (GMIME_IS_MULTIPART(body))
			return walk(m, body, *loc ? loc : "1", depth + 1, NULL, true, lim, count);
		snprintf(sub, sizeof(sub), "%s%s1", loc, *loc ? "." : "");
		return walk(m, body, sub, depth + 1, NULL, true, lim, count);
	}
	sm_msg_add_leaf(m, o, *loc ? loc : "1", depth, boundary, in_msg);
	return true;
}

/* The fields of the message itself, in order: the top-level entity's
 * fields but its Content-* ones (what a GMime message object keeps). */
static GMimeHeaderList *message_fields(const sm_msg *m, int *n)
{
	GMimeHeaderList *hl = m->top ? g_mime_object_get_header_list(m->top) : NULL;

	*n = hl ? g_mime_header_list_get_count(hl) : 0;
	return hl;
}

void sm_msg_top_fields(sm_msg *m, const char *rawsub, size_t sublen, const char *id)
{
	m->subject = rawsub ? g_strstrip(sm_header_decode(rawsub, sublen)) : NULL;
	m->message_id = id ? g_utf8_make_valid(id, -1) : NULL;
}

/* Subject (the first, decoded by our decoder, not GMime's: see rfc2047.h)
 * and Message-Id (the last, as a GMime message keeps it). */
static void top_fields(sm_msg *m)
{
	int i, n;
	GMimeHeaderList *hl = message_fields(m, &n);
	const char *rawsub = NULL;
	char *id = NULL;

	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);

		if (content_field(h))
			continue;
		if (!rawsub && g_ascii_strcasecmp(name, "Subject") == 0)
			rawsub = g_mime_header_get_raw_value(h);
		else if (g_ascii_strcasecmp(name, "Message-Id") == 0) {
			const char *v = g_mime_header_get_value(h);

			g_free(id);
			id = v ? g_mime_utils_decode_message_id(v) : NULL;
		}
	}
	sm_msg_top_fields(m, rawsub, rawsub ? strlen(rawsub) : 0, id);
	g_free(id);
}

sm_msg *sm_msg_parse(const uint8_t *raw, size_t len, const sm_limits *lim)
{
	return sm_msg_parse_mode(raw, len, -1, lim, SM_PARSE_AUTO);
}

sm_msg *sm_msg_parse_fd(const uint8_t *raw, size_t len, int fd, const sm_limits *lim)
{
	return sm_msg_parse_mode(raw, len, fd, lim, SM_PARSE_AUTO);
}

/* GMime parses the view of raw (through fd when fd >= 0) and the walk reads
 * its tree into m. */
static void parse_gmime(sm_msg *m, const uint8_t *raw, size_t len, int fd, const sm_frame *fr,
			const sm_limits *lim)
{
	GByteArray *arr;
	GMimeStream *st, *view;
	GMimeParser *parser;
	sm_frame f = *fr;
	GMimeObject *top;
	long long count = 0;

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
	/*
	 * The top-level entity as a part: GMime then builds no message object
	 * (its address lists, Date and the rest, which nothing here reads) and
	 * the part holds every top-level field (sm_msg_fields, message_fields
	 * tell them apart).  The one other difference between the two, a first
	 * line "From ..." that is no field (a message skips it, a part fails),
	 * cannot arise: the view starts at a field or an empty line (frame.c).
	 */
	m->top = g_mime_parser_construct_part(parser, NULL);
	g_object_unref(parser);
	g_object_unref(st);
	m->arr = arr; /* GMime's substreams point at it: freed after the message */
	if (!m->top) {
		m->status = SM_MSG_ERROR;
		return;
	}
	top_fields(m);
	top = m->top;
	m->cursor = m->body_off;
	if (top && walk(m, top, "", 0, NULL, false, lim, &count) && (sm_msg_trim_gaps(m), !sm_msg_gaps_apart(m)))
		sm_msg_set_unlocated(m, "preamble or epilogue");
}

sm_msg *sm_msg_parse_mode(const uint8_t *raw, size_t len, int fd, const sm_limits *lim,
			  sm_parse_mode mode)
{
	static GOnce once = G_ONCE_INIT;
	sm_msg *m = g_new0(sm_msg, 1);
	sm_frame f;

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
	/* bounded before building: GMime builds the whole tree before walk() */
	if (sm_mime_prepass(raw + m->hdr_start, len - m->hdr_start, lim, m->limit_what,
			    sizeof(m->limit_what)) < 0) {
		m->status = SM_MSG_LIMIT;
		return m;
	}
	if (mode != SM_PARSE_GMIME && sm_msg_fast(m, lim))
		return m;
	if (mode == SM_PARSE_FAST) {
		sm_msg_free(m);
		return NULL;
	}
	parse_gmime(m, raw, len, fd, &f, lim);
	return m;
}

void sm_msg_free(sm_msg *m)
{
	if (!m)
		return;
	if (m->top)
		g_object_unref(m->top);
	if (m->arr)
		g_byte_array_free(m->arr, FALSE); /* the header only, never raw */
	if (m->view_copy)
		g_byte_array_free(m->view_copy, TRUE);
	if (m->fields)
		g_array_free(m->fields, TRUE);
	g_ptr_array_free(m->parts, TRUE);
	g_array_free(m->hblocks, TRUE);
	g_free(m->subject);
	g_free(m->message_id);
	g_free(m);
}

/* A top-level field's value, decoded: the first Subject's is m->subject,
 * decoded once from the same bytes (*sub says it was taken). */
static char *field_value(const sm_msg *m, const char *name, size_t nlen, const char *v, size_t n,
			 bool *sub)
{
	if (!*sub && m->subject && nlen == 7 && g_ascii_strncasecmp(name, "Subject", 7) == 0) {
		*sub = true;
		return g_strdup(m->subject);
	}
	return g_strstrip(sm_header_decode(v, n));
}

/* The same from the fields the fast reader kept. */
static void fast_headers(const sm_msg *m, char ***names, char ***values)
{
	guint i, k = 0;
	bool sub = false;

	*names = g_new0(char *, m->fields->len + 1);
	*values = g_new0(char *, m->fields->len + 1);
	for (i = 0; i < m->fields->len; i++) {
		const sm_field *f = &g_array_index(m->fields, sm_field, i);
		const char *name = (const char *)m->raw + f->name;

		if (f->nlen >= 8 && g_ascii_strncasecmp(name, "Content-", 8) == 0)
			continue;
		(*names)[k] = g_strndup(name, f->nlen);
		(*values)[k++] = field_value(m, name, f->nlen, (const char *)m->raw + f->val, f->vlen,
					     &sub);
	}
}

void sm_msg_headers(const sm_msg *m, char ***names, char ***values)
{
	int i, k = 0, n;
	GMimeHeaderList *hl;
	bool sub = false;

	if (m->fields) {
		fast_headers(m, names, values);
		return;
	}
	hl = message_fields(m, &n);

	*names = g_new0(char *, n + 1);
	*values = g_new0(char *, n + 1);
	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *v = g_mime_header_get_raw_value(h), *name = g_mime_header_get_name(h);

		if (content_field(h))
			continue;
		(*names)[k] = g_strdup(name);
		/* a field without a raw value is no Subject to top_fields either */
		(*values)[k++] = v ? field_value(m, name, strlen(name), v, strlen(v), &sub)
				   : g_strstrip(sm_header_decode("", 0));
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
