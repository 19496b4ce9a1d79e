/*
 * prepass.c - count before GMime builds (prepass.h): one pass over the raw
 * lines, no allocation per part.
 *
 * An entity is a header block (up to an empty line, or a line that is no
 * header field) and a body.  A
 * multipart's Content-Type declares a boundary: a body line "--b" (of any
 * boundary in force, innermost first) starts a part, "--b--" closes that
 * multipart and the inner ones.  A message/rfc822 part that is not base64 or
 * quoted-printable has a header block of its own after its headers.  Counted
 * as the walk of msg.c counts them, so both give the same outcome at a
 * limit: entities (max_parts: the top one, each part, each inner message
 * body), their depth (max_depth), header fields per block (max_headers),
 * bytes per header block (max_header_bytes).  Boundaries are matched as
 * prefixes, so the count never falls short of what GMime would build.
 *
 * Untrusted input: the whole message.  Limits: the four above; the stack of
 * boundaries is bounded by max_depth + 1 frames of BOUNDARY_MAX bytes, the
 * Content-Type kept per block by CT_MAX bytes.  Ownership: nothing outlives
 * the call.
 */
#include "prepass.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#define BOUNDARY_MAX 200 /* RFC 2046 allows 70; a longer one is matched by its prefix */
#define CT_MAX 4096      /* bytes of Content-Type kept to find the boundary */

typedef struct frame {
	char b[BOUNDARY_MAX + 1]; /* the boundary; "" for an inner message */
	size_t bl;
} frame;

typedef struct pp {
	const sm_limits *lim;
	GArray *st;          /* frame: multiparts and messages in force */
	long long parts;     /* entities so far */
	bool in_header;      /* reading a header block */
	long long fields, hbytes;
	int cur;             /* the field being read: 0 other, 1 Content-Type, 2 -Encoding */
	GString *ct;
	char cte[32];
	char *what;
	size_t whatlen;
} pp;

static int over(pp *p, const char *what, long long n)
{
	snprintf(p->what, p->whatlen, "%s (limit %lld)", what, n);
	return -1;
}

static void begin_header(pp *p)
{
	p->in_header = true;
	p->fields = p->hbytes = 0;
	p->cur = 0;
	g_string_truncate(p->ct, 0);
	p->cte[0] = '\0';
}

/* One more entity at depth d (the walk counts the same way). */
static int entity(pp *p, long long d)
{
	if (++p->parts > p->lim->max_parts)
		return over(p, "too many MIME parts", p->lim->max_parts);
	if (d > p->lim->max_depth)
		return over(p, "MIME nesting too deep", p->lim->max_depth);
	return 0;
}

static int push(pp *p, const char *b, size_t bl)
{
	frame f = {{0}, 0};

	if ((long long)p->st->len > p->lim->max_depth) /* its parts would be too deep */
		return over(p, "MIME nesting too deep", p->lim->max_depth);
	f.bl = bl < BOUNDARY_MAX ? bl : BOUNDARY_MAX;
	memcpy(f.b, b, f.bl);
	g_array_append_val(p->st, f);
	return 0;
}

/* The boundary parameter of a Content-Type value (quoted or a token), or
 * NULL; its length in *bl. */
static const char *boundary_of(const char *ct, size_t *bl)
{
	const char *s = ct;

	while ((s = strchr(s, ';')) != NULL) {
		s++;
		while (*s == ' ' || *s == '\t')
			s++;
		if (g_ascii_strncasecmp(s, "boundary", 8) != 0)
			continue;
		s += 8;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s++ != '=')
			continue;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '"') {
			const char *e = strchr(++s, '"');

			*bl = e ? (size_t)(e - s) : strlen(s);
		} else
			*bl = strcspn(s, "; \t");
		return *bl ? s : NULL;
	}
	return NULL;
}

/* The header block ended: a multipart pushes its boundary, a message/rfc822
 * in 7bit/8bit/binary opens the header block of the message inside. */
static int end_header(pp *p)
{
	const char *ct = p->ct->str, *b;
	size_t bl = 0;

	p->in_header = false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (g_ascii_strncasecmp(ct, "multipart/", 10) == 0 && (b = boundary_of(ct, &bl)))
		return push(p, b, bl);
	if (g_ascii_strncasecmp(ct, "message/rfc822", 14) == 0 &&
	    g_ascii_strncasecmp(p->cte, "base64", 6) != 0 &&
	    g_ascii_strncasecmp(p->cte, "quoted-printable", 16) != 0) {
		if (push(p, "", 0) < 0 || entity(p, (long long)p->st->len) < 0)
			return -1;
		begin_header(p);
	}
	return 0;
}

static void keep_value(pp *p, const uint8_t *s, size_t n)
{
	if (p->cur == 1 && p->ct->len < CT_MAX)
		g_string_append_len(p->ct, (const char *)s, (gssize)MIN(n, CT_MAX - p->ct->len));
	else if (p->cur == 2 && !p->cte[0]) {
		size_t k;

		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		/* not g_strlcpy: the value is not NUL-terminated, strlen would
		 * read the rest of the message (and past it) */
		k = MIN(n, sizeof(p->cte) - 1);
		memcpy(p->cte, s, k);
		p->cte[k] = '\0';
	}
}

/* "Name:" (printable, no space inside the name; white space before the
 * colon allowed): a line that is not one ends the block, as it does for
 * the MTA and GMime (a header block without an empty line). */
static bool field_line(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] > ' ' && s[i] < 0x7f && s[i] != ':')
		i++;
	if (i == 0)
		return false;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == ':';
}

/* One line of a header block (s[0, n) without its line end; raw bytes
 * counted with it). */
static int header_line(pp *p, const uint8_t *s, size_t n, size_t raw)
{
	if (n == 0)
		return end_header(p);
	if (s[0] != ' ' && s[0] != '\t' && !field_line(s, n)) {
		/* the body starts without an empty line: this line is body */
		if (end_header(p) < 0)
			return -1;
		return p->in_header ? header_line(p, s, n, raw) : 0;
	}
	if ((long long)raw > p->lim->max_header_bytes - p->hbytes)
		return over(p, "header block too large", p->lim->max_header_bytes);
	p->hbytes += (long long)raw;
	if (s[0] == ' ' || s[0] == '\t') { /* a folded line goes on with its field */
		keep_value(p, s, n);
		return 0;
	}
	if (++p->fields > p->lim->max_headers)
		return over(p, "too many header fields", p->lim->max_headers);
	p->cur = 0;
	if (n > 13 && g_ascii_strncasecmp((const char *)s, "Content-Type:", 13) == 0) {
		p->cur = 1;
		g_string_truncate(p->ct, 0);
		keep_value(p, s + 13, n - 13);
	} else if (n > 26 &&
		   g_ascii_strncasecmp((const char *)s, "Content-Transfer-Encoding:", 26) == 0) {
		p->cur = 2;
		p->cte[0] = '\0';
		keep_value(p, s + 26, n - 26);
	}
	return 0;
}

/* A line "--..." (s after the dashes): a delimiter of a boundary in force?
 * 1 when it was one, 0 when not, -1 over a limit. */
static int delimiter(pp *p, const uint8_t *s, size_t n)
{
	for (guint i = p->st->len; i-- > 0;) {
		const frame *f = &g_array_index(p->st, frame, i);

		if (!f->bl || n < f->bl || memcmp(s, f->b, f->bl) != 0)
			continue;
		if (n >= f->bl + 2 && s[f->bl] == '-' && s[f->bl + 1] == '-') {
			g_array_set_size(p->st, i); /* closes it and every inner one */
			p->in_header = false;
			return 1;
		}
		g_array_set_size(p->st, i + 1);
		if (entity(p, (long long)i + 1) < 0)
			return -1;
		begin_header(p);
		return 1;
	}
	return 0;
}

static int line(pp *p, const uint8_t *s, size_t n, size_t raw)
{
	if (n >= 2 && s[0] == '-' && s[1] == '-' && p->st->len) {
		int d = delimiter(p, s + 2, n - 2);

		if (d != 0)
			return d < 0 ? -1 : 0;
	}
	return p->in_header ? header_line(p, s, n, raw) : 0;
}

int sm_mime_prepass(const uint8_t *raw, size_t len, const sm_limits *lim, char *what,
		    size_t whatlen)
{
	pp p = {lim, g_array_new(FALSE, FALSE, sizeof(frame)), 1, false, 0, 0, 0,
		g_string_new(NULL), "", what, whatlen};
	size_t off = 0;
	int rc = 0;

	begin_header(&p);
	while (off < len && rc == 0) {
		const uint8_t *nl;
		size_t end, next, n;

		/* in a body only a line "--..." can change anything (line()):
		 * none after the last boundary is closed, else the next one */
		if (!p.in_header && !p.st->len)
			break;
		while (!p.in_header && off < len &&
		       !(len - off >= 2 && raw[off] == '-' && raw[off + 1] == '-')) {
			nl = memchr(raw + off, '\n', len - off);
			off = nl ? (size_t)(nl - raw) + 1 : len;
		}
		if (off >= len)
			break;
		nl = memchr(raw + off, '\n', len - off);
		end = nl ? (size_t)(nl - raw) : len;
		next = nl ? end + 1 : len;
		n = end - off;

		if (n && raw[end - 1] == '\r')
			n--;
		rc = line(&p, raw + off, n, next - off);
		off = next;
	}
	g_array_free(p.st, TRUE);
	g_string_free(p.ct, TRUE);
	return rc;
}
