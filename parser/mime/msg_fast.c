/*
 * msg_fast.c - the common well-formed shapes read without GMime (msg_int.h:
 * sm_msg_fast): the same sm_msg the GMime walk of msg.c gives, without the
 * object tree, its parser, streams and header lists (about 0.5 M
 * instructions of a 20 KB support message's 2.1 M).
 *
 * Accepted: plain header blocks (msg_fhdr.c); a single part of any type
 * but message/ and multipart/; multipart/mixed, alternative or related,
 * nested at most SM_FAST_NEST deep, with a quoted or token boundary of at
 * most 70 characters that is no prefix of another in force, whose body
 * lines starting with "--" and a boundary in force are all exact delimiter
 * lines ("--b" or "--b--", a CR allowed before the LF) of the innermost
 * multipart (of its parent, after its close delimiter), each part with
 * some content; transfer encodings 7bit, 8bit, binary, base64 and
 * quoted-printable.  A Content-Type or Content-Disposition value the plain
 * grammar of msg_fhdr.c declines (an encoded word or RFC 2231 file name,
 * raw 8-bit text, a comment ...) is read by GMime's own parser for such a
 * value, from the value as GMime's header keeps it (unfolded, encoded
 * words decoded): one small object instead of the tree.  Anything else is
 * declined (false, m as it was) and GMime parses the message: a repeated
 * Content-* field, a message/rfc822, a missing close delimiter, a
 * top-level header block without an empty line ...  tests/test_msg_fast.c
 * holds the reader to GMime's reading on the corpora and mutations of them.
 *
 * Untrusted input: the whole message.  Limits: at most SM_FAST_MAX bytes
 * (a larger message GMime reads through its file: msg.h); the walk counts
 * entities, depth and fields as msg.c's walk does and declines past a
 * limit (GMime's walk then reports it), and past SM_FAST_DEPTH entities
 * deep (the recursion); each line is looked at once per multipart level it
 * is in, at most SM_FAST_NEST.  Owns nothing but what it puts into m.
 */
#include "msg.h"
#include "msg_int.h"

#include "rfc2047.h"

#include <string.h>

#define SM_FAST_MAX ((size_t)4 << 20)
#define SM_FAST_NEST 8    /* multiparts in force */
#define SM_FAST_DEPTH 32  /* entities deep (messages in messages push no boundary) */
#define SM_FAST_BOUNDARY 70

typedef struct fr {
	sm_msg *m;
	const sm_limits *lim;
	char b[SM_FAST_NEST][SM_FAST_BOUNDARY + 1]; /* boundaries in force, outermost first */
	size_t bl[SM_FAST_NEST];
	int sp;
	long long count;
	bool in_msg;         /* inside a message/rfc822 */
} fr;

/* The line end before raw[d] (LF or CRLF), not before floor. */
static size_t before_eol(const uint8_t *raw, size_t floor, size_t d)
{
	if (d > floor && raw[d - 1] == '\n')
		d -= (d - 1 > floor && raw[d - 2] == '\r') ? 2 : 1;
	return d;
}

static bool raw_blank(const uint8_t *raw, size_t a, size_t z)
{
	for (; a < z; a++)
		if (!g_ascii_isspace(raw[a]))
			return false;
	return true;
}

/* The line at raw[i] (ending at e, its LF or len) after "--" and boundary
 * k: 1 an exact delimiter, 2 an exact close delimiter, 0 something else. */
static int exact(const fr *r, size_t i, size_t e, int k)
{
	const uint8_t *raw = r->m->raw;
	size_t p = i + 2 + r->bl[k];
	bool cr = false;
	int kind = 1;

	if (e - p >= 2 && raw[p] == '-' && raw[p + 1] == '-')
		p += 2, kind = 2;
	if (p < e && raw[p] == '\r' && p + 1 == e)
		p++, cr = true;
	/* GMime takes the CR before the line end that precedes a delimiter
	 * line only when the delimiter line itself ends in CR LF (one at the
	 * end without a line end: not); lines ended alike are read alike */
	if (p != e || e == r->m->len || (i >= 2 && (raw[i - 2] == '\r') != cr))
		return 0;
	return kind;
}

/*
 * The next line at or after from that starts with "--" and a boundary in
 * force: its start in *d, 1 or 2 (exact) in *kind; returns the boundary's
 * index, -1 when there is none (*d = len), -2 when the line is no exact
 * delimiter (declined).
 */
static int next_delim(const fr *r, size_t from, size_t *d, int *kind)
{
	const uint8_t *raw = r->m->raw;
	size_t len = r->m->len, i = from;

	while (i < len) {
		const uint8_t *nl = memchr(raw + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - raw) : len;

		if (e - i >= 2 && raw[i] == '-' && raw[i + 1] == '-')
			for (int k = 0; k < r->sp; k++)
				if (e - i - 2 >= r->bl[k] && memcmp(raw + i + 2, r->b[k], r->bl[k]) == 0) {
					*d = i;
					*kind = exact(r, i, e, k);
					return *kind ? k : -2;
				}
		i = e + 1;
	}
	*d = len;
	return -1;
}

static void add_part(fr *r, sm_part *p, const char *loc, int depth, size_t a, size_t z)
{
	g_strlcpy(p->loc, loc, sizeof(p->loc));
	p->depth = depth;
	p->cstart = a;
	p->cend = z;
	if (z > r->m->cursor)
		r->m->cursor = z;
	g_ptr_array_add(r->m->parts, p);
}

static void add_gap(fr *r, const char *loc, const char *what, int depth, size_t a, size_t z)
{
	sm_part *p = g_new0(sm_part, 1);
	char l[64];

	snprintf(l, sizeof(l), "%s%s%s", loc, *loc ? "." : "", what);
	p->ctype = g_strdup("text/plain");
	p->in_message = r->in_msg;
	p->enc = GMIME_CONTENT_ENCODING_DEFAULT;
	p->gap = true;
	add_part(r, p, l, depth, a, z);
}

static bool encoding(const sm_fblock *b, GMimeContentEncoding *enc)
{
	static const struct {
		const char *name;
		GMimeContentEncoding e;
	} known[] = {
		{"7bit", GMIME_CONTENT_ENCODING_7BIT},
		{"8bit", GMIME_CONTENT_ENCODING_8BIT},
		{"binary", GMIME_CONTENT_ENCODING_BINARY},
		{"base64", GMIME_CONTENT_ENCODING_BASE64},
		{"quoted-printable", GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE},
	};
	const char *v = (const char *)b->raw + b->v[SM_FAST_CTE].at;
	size_t n = b->v[SM_FAST_CTE].n;

	*enc = GMIME_CONTENT_ENCODING_DEFAULT;
	if (!b->v[SM_FAST_CTE].seen)
		return true;
	while (n && g_ascii_isspace(*v))
		v++, n--;
	while (n && g_ascii_isspace(v[n - 1]))
		n--;
	for (size_t k = 0; k < G_N_ELEMENTS(known); k++)
		if (n == strlen(known[k].name) && g_ascii_strncasecmp(v, known[k].name, n) == 0) {
			*enc = known[k].e;
			return true;
		}
	return false;
}

/* What a part's Content-Type and Content-Disposition say (owned strings). */
typedef struct fval {
	char *mtype;         /* "type/subtype", lower case; NULL: no Content-Type */
	char *charset, *name, *boundary;
	char *disp, *filename;
} fval;

static void fval_clear(fval *f)
{
	g_free(f->mtype);
	g_free(f->charset);
	g_free(f->name);
	g_free(f->boundary);
	g_free(f->disp);
	g_free(f->filename);
}

/* The value GMime's header object keeps for raw value v[0, n) (unfolded,
 * encoded words decoded): what its part parses. */
static char *header_value(const uint8_t *v, size_t n)
{
	char *raw = g_strndup((const char *)v, n), *u = g_mime_utils_header_unfold(raw), *val;
	bool plain = !g_strstr_len(u, -1, "=?");

	for (const char *c = u; plain && *c; c++)
		plain = (uint8_t)*c < 0x80;
	/* ASCII without an encoded word decodes to itself */
	val = plain ? u : g_mime_utils_header_decode_text(NULL, u);
	g_free(raw);
	if (val != u)
		g_free(u);
	return val;
}

/* A value the plain grammar (msg_fhdr.c) declines (an encoded word, RFC
 * 2231, a comment, 8-bit text ...) is read by GMime's own parser for it,
 * from the header's value as GMime keeps it: what GMime's tree would say. */
static void gmime_ctype(const char *v, fval *f)
{
	GMimeContentType *ct = g_mime_content_type_parse(NULL, v);
	char *mt;

	if (!ct)
		return;
	mt = g_mime_content_type_get_mime_type(ct);
	f->mtype = g_ascii_strdown(mt, -1);
	g_free(mt);
	f->charset = g_strdup(g_mime_content_type_get_parameter(ct, "charset"));
	f->name = g_strdup(g_mime_content_type_get_parameter(ct, "name"));
	f->boundary = g_strdup(g_mime_content_type_get_parameter(ct, "boundary"));
	g_object_unref(ct);
}

static void gmime_disp(const char *v, fval *f)
{
	GMimeContentDisposition *cd = g_mime_content_disposition_parse(NULL, v);

	if (!cd)
		return;
	f->disp = g_strdup(g_mime_content_disposition_get_disposition(cd));
	f->filename = g_strdup(g_mime_content_disposition_get_parameter(cd, "filename"));
	g_object_unref(cd);
}

/* The block's Content-Type and Content-Disposition into f; false when one
 * cannot be read (declined). */
static bool values(const sm_fblock *b, fval *f)
{
	sm_fhval h;

	memset(f, 0, sizeof(*f));
	if (b->v[SM_FAST_CT].seen) {
		const uint8_t *v = b->raw + b->v[SM_FAST_CT].at;
		size_t n = b->v[SM_FAST_CT].n;

		if (sm_fast_hval(v, n, true, &h)) {
			f->mtype = g_ascii_strdown((const char *)h.tok, (gssize)h.tokn);
			if (g_str_has_prefix(f->mtype, "multipart/")) {
				f->boundary = sm_fast_param(&h, "boundary");
			} else {
				f->charset = sm_fast_param(&h, "charset");
				f->name = sm_fast_param(&h, "name");
			}
		} else {
			char *s = header_value(v, n);

			gmime_ctype(s, f);
			g_free(s);
		}
		if (!f->mtype)
			return false;
	}
	if (b->v[SM_FAST_CD].seen) {
		const uint8_t *v = b->raw + b->v[SM_FAST_CD].at;
		size_t n = b->v[SM_FAST_CD].n;

		if (sm_fast_hval(v, n, false, &h)) {
			f->disp = g_strndup((const char *)h.tok, h.tokn);
			f->filename = sm_fast_param(&h, "filename");
		} else {
			char *s = header_value(v, n);

			gmime_disp(s, f);
			g_free(s);
		}
	}
	return true;
}

/* A leaf's type, charset, file name and disposition (type and charset
 * taken from f). */
static sm_part *leaf(const sm_fblock *b, fval *f, const char *boundary, bool in_msg)
{
	sm_part *p;
	GMimeContentEncoding enc;

	if (!encoding(b, &enc))
		return NULL;
	p = g_new0(sm_part, 1);
	p->ctype = f->mtype ? g_steal_pointer(&f->mtype) : g_strdup("text/plain");
	if (strchr(p->ctype, '/') == NULL) {
		g_free(p->ctype);
		p->ctype = g_strdup("application/octet-stream");
	}
	p->charset = g_steal_pointer(&f->charset);
	p->filename = sm_msg_clean_filename(f->filename ? f->filename : f->name);
	p->boundary = g_strdup(boundary);
	p->attachment = p->filename != NULL ||
			(f->disp && g_ascii_strcasecmp(f->disp, "attachment") == 0);
	p->in_message = in_msg;
	p->body = !p->attachment && !in_msg &&
		  (strcmp(p->ctype, "text/plain") == 0 || strcmp(p->ctype, "text/html") == 0);
	p->enc = enc;
	return p;
}

static bool entity(fr *r, const sm_fblock *b, const char *loc, int depth, const char *boundary,
		   size_t *next);

/* Push a multipart's boundary: printable ASCII but the colon, none a
 * prefix of another in force. */
static bool push(fr *r, const char *bd)
{
	size_t n = bd ? strlen(bd) : 0;
	bool ok = n > 0 && n <= SM_FAST_BOUNDARY && r->sp < SM_FAST_NEST;

	/* no colon: a delimiter line is then never read as a header field */
	for (size_t i = 0; ok && i < n; i++)
		ok = bd[i] > 0x20 && bd[i] < 0x7f && bd[i] != ':';
	for (int k = 0; ok && k < r->sp; k++)
		if (memcmp(r->b[k], bd, MIN(n, r->bl[k])) == 0)
			ok = false;
	if (ok) {
		memcpy(r->b[r->sp], bd, n + 1);
		r->bl[r->sp++] = n;
	}
	return ok;
}

/* The parts of the multipart whose content starts at a, after its
 * preamble; *d the close delimiter line. */
static bool children(fr *r, size_t d, const char *loc, int depth, size_t *close)
{
	const uint8_t *raw = r->m->raw;
	int kind = 1;

	for (int i = 1; kind == 1; i++) {
		const uint8_t *nl = memchr(raw + d, '\n', r->m->len - d);
		sm_fblock b;
		char sub[64];

		if (!nl || sm_fast_block(raw, (size_t)(nl - raw) + 1, r->m->len, &b, NULL) < 0)
			return false;
		snprintf(sub, sizeof(sub), "%s%s%d", loc, *loc ? "." : "", i);
		if (!entity(r, &b, sub, depth + 1, r->b[r->sp - 1], &d) ||
		    next_delim(r, d, &d, &kind) != r->sp - 1)
			return false;
	}
	*close = d;
	return true;
}

/* A multipart's content from a: preamble, parts, epilogue up to the
 * parent's next delimiter line (*next) or the end. */
static bool multipart(fr *r, size_t a, const char *loc, int depth, size_t *next)
{
	const uint8_t *raw = r->m->raw;
	size_t d, c, e, z;
	const uint8_t *nl;
	int kind;

	if (next_delim(r, a, &d, &kind) != r->sp - 1 || kind != 1)
		return false;
	e = before_eol(raw, a, d);
	if (!raw_blank(raw, a, e)) {
		if (g_ascii_isspace(raw[a])) /* GMime's copy of it may start later */
			return false;
		add_gap(r, loc, "preamble", depth, a, e);
	}
	if (!children(r, d, loc, depth, &c))
		return false;
	nl = memchr(raw + c, '\n', r->m->len - c);
	a = nl ? (size_t)(nl - raw) + 1 : r->m->len;
	if (r->sp == 1) { /* the outermost: no boundary line may follow */
		if (next_delim(r, a, &d, &kind) != -1)
			return false;
		z = r->m->len;
	} else {
		if (next_delim(r, a, &d, &kind) != r->sp - 2)
			return false;
		z = before_eol(raw, a, d);
	}
	if (!raw_blank(raw, a, z))
		add_gap(r, loc, "epilogue", depth, a, z);
	*next = d;
	return true;
}

/* A multipart/mixed, alternative or related: its boundary pushed while its
 * content is read. */
static bool multipart_entity(fr *r, const sm_fblock *b, const fval *f, const char *loc,
			     int depth, size_t *next)
{
	static const char *const sub[] = {"multipart/mixed", "multipart/alternative",
					  "multipart/related"};
	bool known = false;

	for (size_t k = 0; k < G_N_ELEMENTS(sub); k++)
		known |= strcmp(f->mtype, sub[k]) == 0;
	if (!known || !push(r, f->boundary) || !multipart(r, b->end, loc, depth, next))
		return false;
	r->sp--;
	return true;
}

/* A leaf's content: up to the line end before the next delimiter line
 * (*next), or the end at the top. */
static bool leaf_entity(fr *r, const sm_fblock *b, fval *f, const char *loc, int depth,
			const char *boundary, size_t *next)
{
	sm_part *p;
	size_t d, z;
	int kind;

	if (r->sp == 0) {
		d = z = r->m->len;
	} else {
		/* a part with no content line is left to GMime */
		if (next_delim(r, b->end, &d, &kind) != r->sp - 1 || d <= b->end ||
		    (z = before_eol(r->m->raw, b->end, d)) <= b->end)
			return false;
	}
	if (!(p = leaf(b, f, boundary, r->in_msg)))
		return false;
	add_part(r, p, *loc ? loc : "1", depth, b->end, z);
	*next = d;
	return true;
}

/*
 * A message/rfc822 in 7bit, 8bit or binary (GMime reads an encoded one as
 * text: declined): its header block an sm_hblock as msg_locate.c places a
 * clean one (from the first field GMime's message keeps, not a Content-*
 * one, to the empty line, within max_header_bytes), its body the entity
 * that block heads, inside the message (a multipart at loc, else loc.1).
 */
static bool message_entity(fr *r, const sm_fblock *b, const fval *f, const char *loc,
			   int depth, size_t *next)
{
	const uint8_t *raw = r->m->raw;
	GMimeContentEncoding enc;
	sm_fblock in;
	sm_hblock hb;
	fval g = {0};
	char sub[64];
	bool was = r->in_msg, ok, multi;

	if (strcmp(f->mtype, "message/rfc822") != 0 || !encoding(b, &enc) ||
	    enc == GMIME_CONTENT_ENCODING_BASE64 || enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    sm_fast_block(raw, b->end, r->m->len, &in, NULL) < 0 || in.fields == 0 ||
	    in.end >= r->m->len ||
	    (long long)(in.blank - b->end) + 2 >= r->lim->max_header_bytes || !values(&in, &g))
		return false;
	multi = g.mtype && g_str_has_prefix(g.mtype, "multipart/");
	fval_clear(&g);
	if (in.other != (size_t)-1) { /* the block from the message's first field */
		g_strlcpy(hb.loc, *loc ? loc : "1", sizeof(hb.loc));
		hb.start = in.other;
		hb.end = in.blank;
		g_array_append_val(r->m->hblocks, hb);
	}
	snprintf(sub, sizeof(sub), "%s%s1", loc, *loc ? "." : "");
	r->in_msg = true;
	ok = entity(r, &in, multi ? (*loc ? loc : "1") : sub, depth + 1, NULL, next);
	r->in_msg = was;
	return ok;
}

/*
 * The entity whose header block is b (content from b->end): a multipart
 * read by multipart(), a leaf up to the next delimiter line (*next, its
 * start) or the end.
 */
static bool entity(fr *r, const sm_fblock *b, const char *loc, int depth, const char *boundary,
		   size_t *next)
{
	fval f = {0};
	bool ok;

	if (++r->count > r->lim->max_parts || depth > r->lim->max_depth || depth > SM_FAST_DEPTH ||
	    b->fields > r->lim->max_headers || !values(b, &f))
		ok = false;
	else if (f.mtype && g_str_has_prefix(f.mtype, "multipart/"))
		ok = multipart_entity(r, b, &f, loc, depth, next);
	else if (f.mtype && g_str_has_prefix(f.mtype, "message/"))
		ok = message_entity(r, b, &f, loc, depth, next);
	else
		ok = leaf_entity(r, b, &f, loc, depth, boundary, next);
	fval_clear(&f);
	return ok;
}

/* Subject (the first) and Message-Id (the last) of the top-level fields. */
static bool top_fields(sm_msg *m)
{
	const sm_field *sub = NULL, *mid = NULL;
	char *v, *id;

	for (guint i = 0; i < m->fields->len; i++) {
		const sm_field *f = &g_array_index(m->fields, sm_field, i);
		const char *name = (const char *)m->raw + f->name;

		if (!sub && f->nlen == 7 && g_ascii_strncasecmp(name, "Subject", 7) == 0)
			sub = f;
		else if (f->nlen == 10 && g_ascii_strncasecmp(name, "Message-Id", 10) == 0)
			mid = f;
	}
	v = mid ? header_value(m->raw + mid->val, mid->vlen) : NULL;
	id = v ? g_mime_utils_decode_message_id(v) : NULL;
	sm_msg_top_fields(m, sub ? (const char *)m->raw + sub->val : NULL, sub ? sub->vlen : 0, id);
	g_free(v);
	g_free(id);
	return true;
}

static void undo(sm_msg *m)
{
	g_ptr_array_set_size(m->parts, 0);
	g_array_set_size(m->hblocks, 0);
	if (m->fields)
		g_array_free(m->fields, TRUE);
	m->fields = NULL;
	m->cursor = 0;
}

bool sm_msg_fast(sm_msg *m, const sm_limits *lim)
{
	fr *r;
	sm_fblock b;
	size_t next;
	bool ok;

	if (m->len > SM_FAST_MAX || m->body_off <= m->hdr_end)
		return false;
	m->fields = g_array_new(FALSE, FALSE, sizeof(sm_field));
	if (sm_fast_block(m->raw, m->hdr_start, m->len, &b, m->fields) < 0 || b.end != m->body_off) {
		undo(m);
		return false;
	}
	r = g_new0(fr, 1);
	r->m = m;
	r->lim = lim;
	m->cursor = m->body_off;
	ok = entity(r, &b, "", 0, NULL, &next);
	g_free(r);
	if (ok) {
		sm_msg_trim_gaps(m);
		ok = sm_msg_gaps_apart(m) && top_fields(m);
	}
	if (!ok)
		undo(m);
	return ok;
}
