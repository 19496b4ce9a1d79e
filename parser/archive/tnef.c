/*
 * tnef.c - Outlook's TNEF stream (winmail.dat) read into members (tnef.h).
 *
 * Layout: signature 0x223E9F78, a 2-byte key, then attributes: level byte
 * (1 message, 2 attachment), 4-byte id (type << 16 | id), 4-byte length,
 * data, 2-byte checksum (sum of the data bytes).  attMsgProps and
 * attAttachment carry a MAPI property stream: a count, then per property a
 * type, an id (named ones add a GUID and a number or a UTF-16 name), and the
 * value (variable types: a value count, then length + data padded to 4).
 *
 * Untrusted input: all of it.  Every length and count is checked against the
 * bytes that remain before it is used, so a loop cannot run past the input
 * or outlive it (each step consumes at least 4 bytes).  Limits: max_members
 * members kept, max_bytes of decompressed RTF over all bodies.  A bad
 * checksum is reported and the data read all the same; a truncated attribute
 * stops the reading, an unreadable MAPI stream or RTF body is skipped; each
 * is reported (sm_tnef_problem, the first one), what was read stays.  No
 * recursion.
 * Ownership: members point into the caller's input or into strings the
 * sm_tnef owns (names, UTF-8 of UTF-16 values, decoded RTF text).
 */
#include "tnef.h"

#include <glib.h>
#include <string.h>

#define TNEF_SIGNATURE 0x223E9F78u
#define ATT_BODY 0x800C
#define ATT_ATTACH_DATA 0x800F
#define ATT_ATTACH_TITLE 0x8010
#define ATT_ATTACH_RENDDATA 0x9002
#define ATT_MSG_PROPS 0x9003
#define ATT_ATTACHMENT 0x9005

#define PR_BODY 0x1000
#define PR_RTF_COMPRESSED 0x1009
#define PR_BODY_HTML 0x1013
#define PR_ATTACH_DATA 0x3701
#define PR_ATTACH_LONG_FILENAME 0x3707

#define PT_OBJECT 0x000D
#define PT_STRING8 0x001E
#define PT_UNICODE 0x001F
#define PT_BINARY 0x0102
#define MV_FLAG 0x1000

struct sm_tnef {
	GArray *members;   /* of sm_tnef_member */
	GPtrArray *owned;  /* names and decoded data */
	const char *problem;
	size_t max_members, max_bytes;
	size_t produced;   /* decompressed RTF bytes so far (<= max_bytes) */
	gssize attach;     /* index of the current attachment, -1 before the first */
	bool over;
};

/* A bounded little-endian reader. */
typedef struct rd {
	const uint8_t *p, *e;
} rd;

static bool take(rd *r, size_t n, const uint8_t **out)
{
	if (n > (size_t)(r->e - r->p))
		return false;
	if (out)
		*out = r->p;
	r->p += n;
	return true;
}

static bool u16(rd *r, unsigned *v)
{
	const uint8_t *b;

	if (!take(r, 2, &b))
		return false;
	*v = (unsigned)b[0] | (unsigned)b[1] << 8;
	return true;
}

static bool u32(rd *r, uint32_t *v)
{
	const uint8_t *b;

	if (!take(r, 4, &b))
		return false;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return true;
}

static const char *own(sm_tnef *t, char *s)
{
	g_ptr_array_add(t->owned, s);
	return s;
}

static void fail(sm_tnef *t, const char *why)
{
	if (!t->problem)
		t->problem = why;
}

/* ------------------------------------------------------------ members */

static sm_tnef_member *add_member(sm_tnef *t, const char *name, const uint8_t *d, size_t n)
{
	sm_tnef_member m = {name, d, n};

	if (t->members->len >= t->max_members) {
		t->over = true;
		return NULL;
	}
	g_array_append_val(t->members, m);
	return &g_array_index(t->members, sm_tnef_member, t->members->len - 1);
}

static sm_tnef_member *attachment(sm_tnef *t)
{
	if (t->attach < 0 && add_member(t, NULL, NULL, 0))
		t->attach = (gssize)t->members->len - 1;
	return t->attach < 0 ? NULL : &g_array_index(t->members, sm_tnef_member, t->attach);
}

/* UTF-16LE (n bytes) as UTF-8, owned; a NUL ends it. */
static const char *utf16(sm_tnef *t, const uint8_t *d, size_t n, size_t *outlen)
{
	gunichar2 *w = g_new(gunichar2, n / 2 + 1);
	size_t i, k = 0;
	char *s;
	glong len = 0;

	for (i = 0; i + 1 < n; i += 2) {
		w[k] = (gunichar2)(d[i] | d[i + 1] << 8);
		if (!w[k])
			break;
		k++;
	}
	s = g_utf16_to_utf8(w, (glong)k, NULL, &len, NULL);
	g_free(w);
	if (!s) { /* unpaired surrogates: keep what GLib would, replaced */
		s = g_strdup("?");
		len = 1;
	}
	*outlen = (size_t)len;
	return own(t, s);
}

/* A string8 value: at most n bytes, up to its NUL, owned and terminated. */
static const char *str8(sm_tnef *t, const uint8_t *d, size_t n)
{
	const uint8_t *z = memchr(d, 0, n);

	return own(t, g_strndup((const char *)d, z ? (size_t)(z - d) : n));
}

static const char *rtf_text(sm_tnef *t, const uint8_t *d, size_t n, size_t *outlen);

/* One property value of interest, at message (att == NULL) or attachment level. */
static void use_value(sm_tnef *t, sm_tnef_member *att, unsigned type, unsigned id,
		      const uint8_t *d, size_t n)
{
	size_t len = n;
	const char *s;

	if (att && id == PR_ATTACH_LONG_FILENAME && (type == PT_STRING8 || type == PT_UNICODE))
		att->name = type == PT_UNICODE ? utf16(t, d, n, &len) : str8(t, d, n);
	else if (att && id == PR_ATTACH_DATA && (type == PT_BINARY || type == PT_OBJECT)) {
		if (type == PT_OBJECT) /* an interface GUID first */
			d = n >= 16 ? d + 16 : d + n, n = n >= 16 ? n - 16 : 0;
		att->data = d;
		att->len = n;
	} else if (!att && (id == PR_BODY || id == PR_BODY_HTML)) {
		const char *name = id == PR_BODY ? "body.txt" : "body.html";

		if (type == PT_UNICODE) {
			s = utf16(t, d, n, &len);
			add_member(t, name, (const uint8_t *)s, len);
		} else if (type == PT_STRING8 || type == PT_BINARY)
			add_member(t, name, d, type == PT_STRING8 && n && !d[n - 1] ? n - 1 : n);
	} else if (!att && id == PR_RTF_COMPRESSED && type == PT_BINARY) {
		s = rtf_text(t, d, n, &len);
		if (s)
			add_member(t, "body.rtf.txt", (const uint8_t *)s, len);
	}
}

/* ------------------------------------------------------------ MAPI */

static size_t fixed_size(unsigned type)
{
	switch (type) {
	case 0x0001: return 0;                                 /* PT_NULL */
	case 0x0002: case 0x0003: case 0x0004: case 0x000A:    /* short, long, float, error */
	case 0x000B: return 4;                                 /* boolean */
	case 0x0005: case 0x0006: case 0x0007: case 0x0014:    /* double, currency, apptime, i8 */
	case 0x0040: return 8;                                 /* systime */
	case 0x0048: return 16;                                /* clsid */
	default: return (size_t)-1;
	}
}

static bool is_var(unsigned type)
{
	return type == PT_STRING8 || type == PT_UNICODE || type == PT_BINARY || type == PT_OBJECT;
}

/* A named property's name: GUID, kind, number or padded UTF-16 string. */
static bool skip_name(rd *r)
{
	uint32_t kind, v;

	if (!take(r, 16, NULL) || !u32(r, &kind) || !u32(r, &v))
		return false;
	return kind == 0 || (kind == 1 && take(r, ((size_t)v + 3) & ~(size_t)3, NULL));
}

static bool one_prop(sm_tnef *t, rd *r, sm_tnef_member *att)
{
	unsigned type, id, base;
	uint32_t count = 1, i, vlen;
	const uint8_t *d;

	if (!u16(r, &type) || !u16(r, &id) || (id >= 0x8000 && !skip_name(r)))
		return false;
	base = type & ~MV_FLAG;
	if ((type & MV_FLAG) || is_var(base)) {
		if (!u32(r, &count) || count > (size_t)(r->e - r->p) / 4)
			return false; /* every value takes at least 4 bytes */
	}
	for (i = 0; i < count; i++) {
		if (is_var(base)) {
			if (!u32(r, &vlen) || !take(r, vlen, &d) ||
			    !take(r, (4 - (vlen & 3)) & 3, NULL))
				return false;
			if (!(type & MV_FLAG))
				use_value(t, att, base, id, d, vlen);
		} else if (fixed_size(base) == (size_t)-1 ||
			   !take(r, (fixed_size(base) + 3) & ~(size_t)3, NULL))
			return false;
	}
	return true;
}

static void mapi_props(sm_tnef *t, const uint8_t *d, size_t n, sm_tnef_member *att)
{
	rd r = {d, d + n};
	uint32_t count, i;

	if (!u32(&r, &count) || count > n / 4) {
		fail(t, "MAPI property count past the end");
		return;
	}
	for (i = 0; i < count && !t->over; i++)
		if (!one_prop(t, &r, att)) {
			fail(t, "MAPI property past the end or of an unknown type");
			return;
		}
}

/* ------------------------------------------------------------ attributes */

static void attribute(sm_tnef *t, unsigned level, unsigned id, const uint8_t *d, size_t n)
{
	sm_tnef_member *att;

	switch (id) {
	case ATT_ATTACH_RENDDATA:
		t->attach = -1;
		attachment(t);
		break;
	case ATT_ATTACH_TITLE:
		if ((att = attachment(t)) && !att->name)
			att->name = str8(t, d, n);
		break;
	case ATT_ATTACH_DATA:
		if ((att = attachment(t))) {
			att->data = d;
			att->len = n;
		}
		break;
	case ATT_ATTACHMENT:
		if ((att = attachment(t)))
			mapi_props(t, d, n, att);
		break;
	case ATT_MSG_PROPS:
		mapi_props(t, d, n, NULL);
		break;
	case ATT_BODY:
		if (level == 1)
			add_member(t, "body.txt", d, n);
		break;
	default:
		break;
	}
}

static unsigned checksum(const uint8_t *d, size_t n)
{
	unsigned s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += d[i];
	return s & 0xffff;
}

/* ------------------------------------------------------------ RTF */

#define RTF_DICT 4096
#define RTF_MAX_DEPTH 64

static const char rtf_prebuf[] =
	"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern "
	"\\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0"
	"\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

/* LZFu (MS-OXRTFCP): control bytes, literals and 12-bit dictionary
 * references; the output is bounded by the declared raw size. */
static GByteArray *lzfu(const uint8_t *d, size_t n, size_t raw)
{
	uint8_t dict[RTF_DICT];
	size_t w = sizeof(rtf_prebuf) - 1, i = 0;
	GByteArray *out = g_byte_array_sized_new((guint)MIN(raw, 1u << 20));

	memset(dict, 0, sizeof(dict));
	memcpy(dict, rtf_prebuf, w);
	while (i < n) {
		unsigned ctl = d[i++], bit;

		for (bit = 0; bit < 8 && i < n; bit++) {
			if (!(ctl & (1u << bit))) {
				dict[w++ % RTF_DICT] = d[i];
				g_byte_array_append(out, &d[i++], 1);
			} else {
				unsigned tok, off, k, len;

				if (i + 1 >= n)
					goto bad;
				tok = (unsigned)d[i] << 8 | d[i + 1];
				i += 2;
				off = tok >> 4;
				len = (tok & 15) + 2;
				if (off == w % RTF_DICT)
					return out; /* the end marker */
				for (k = 0; k < len; k++) {
					uint8_t c = dict[(off + k) % RTF_DICT];

					dict[w++ % RTF_DICT] = c;
					g_byte_array_append(out, &c, 1);
				}
			}
			if (out->len > raw)
				goto bad;
		}
	}
	return out;
bad:
	g_byte_array_free(out, TRUE);
	return NULL;
}

static bool skipped_destination(const char *w)
{
	static const char *const dest[] = {"fonttbl", "colortbl", "stylesheet", "info", "pict",
					   "header", "footer", "listtable", "themedata", NULL};
	const char *const *p;

	for (p = dest; *p; p++)
		if (strcmp(w, *p) == 0)
			return true;
	return false;
}

/* A control word or symbol after '\\' at d[*i]; appends text; returns false
 * for what we do not read (embedded objects, binary data). */
static bool rtf_control(const uint8_t *d, size_t n, size_t *i, GString *o, bool *skip, bool *uskip)
{
	char w[33];
	size_t k = 0;
	long num = 0;
	bool has_num = false, neg = false;

	if (*i < n && !g_ascii_isalpha(d[*i])) {
		uint8_t c = d[(*i)++];

		if (c == '*')
			*skip = true;
		else if (c == '\'' && *i + 1 < n && g_ascii_isxdigit(d[*i]) && g_ascii_isxdigit(d[*i + 1])) {
			g_string_append_c(o, (char)(g_ascii_xdigit_value(d[*i]) * 16 +
						    g_ascii_xdigit_value(d[*i + 1])));
			*i += 2;
		} else if (c == '\\' || c == '{' || c == '}')
			g_string_append_c(o, (char)c);
		return true;
	}
	while (*i < n && g_ascii_isalpha(d[*i]) && k < sizeof(w) - 1)
		w[k++] = (char)d[(*i)++];
	w[k] = '\0';
	if (*i < n && d[*i] == '-')
		neg = true, (*i)++;
	while (*i < n && g_ascii_isdigit(d[*i]) && num < 1000000)
		num = num * 10 + (d[(*i)++] - '0'), has_num = true;
	if (*i < n && d[*i] == ' ')
		(*i)++;
	if (strcmp(w, "objdata") == 0 || strcmp(w, "bin") == 0 || strcmp(w, "object") == 0)
		return false;
	if (strcmp(w, "par") == 0 || strcmp(w, "line") == 0 || strcmp(w, "row") == 0)
		g_string_append_c(o, '\n');
	else if (strcmp(w, "tab") == 0 || strcmp(w, "cell") == 0)
		g_string_append_c(o, ' ');
	else if (strcmp(w, "u") == 0 && has_num) {
		long u = neg ? 65536 - num : num;

		if (u > 0 && u < 0x110000 && g_unichar_validate((gunichar)u))
			g_string_append_unichar(o, (gunichar)u);
		*uskip = true;
	} else if (skipped_destination(w))
		*skip = true;
	return true;
}

/* The text of a simple RTF document (groups nest at most RTF_MAX_DEPTH). */
static char *rtf_plain(const uint8_t *d, size_t n, size_t *outlen)
{
	GString *o = g_string_sized_new(n / 2);
	int depth = 0, skip_at = -1;
	size_t i = 0;

	while (i < n) {
		uint8_t c = d[i++];
		bool skip = false, uskip = false;
		size_t mark = o->len;

		if (c == '{') {
			if (++depth > RTF_MAX_DEPTH)
				goto bad;
		} else if (c == '}') {
			if (skip_at >= depth)
				skip_at = -1;
			depth--;
		} else if (c == '\\') {
			if (!rtf_control(d, n, &i, o, &skip, &uskip))
				goto bad;
			if (skip && skip_at < 0)
				skip_at = depth;
			if (uskip && i < n && d[i] != '\\' && d[i] != '{' && d[i] != '}')
				i++; /* the \uN fallback character */
		} else if (c != '\r' && c != '\n' && c)
			g_string_append_c(o, (char)c);
		if (skip_at >= 0)
			g_string_truncate(o, mark);
	}
	*outlen = o->len;
	return g_string_free(o, FALSE);
bad:
	g_string_free(o, TRUE);
	return NULL;
}

/* PR_RTF_COMPRESSED to text: header (sizes, "LZFu" or "MELA", CRC), bounded. */
static const char *rtf_text(sm_tnef *t, const uint8_t *d, size_t n, size_t *outlen)
{
	rd r = {d, d + n};
	uint32_t csize, raw, type, crc;
	GByteArray *b = NULL;
	char *text;

	if (!u32(&r, &csize) || !u32(&r, &raw) || !u32(&r, &type) || !u32(&r, &crc) || csize < 12 ||
	    csize - 12 > (size_t)(r.e - r.p)) {
		fail(t, "compressed RTF body truncated: not inspected");
		return NULL;
	}
	if (raw > t->max_bytes - t->produced) { /* all RTF bodies together */
		fail(t, "compressed RTF body over the size limit: not inspected");
		return NULL;
	}
	if (type == 0x75465A4Cu) /* "LZFu" */
		b = lzfu(r.p, csize - 12, raw);
	else if (type == 0x414C454Du) { /* "MELA": stored */
		b = g_byte_array_new();
		g_byte_array_append(b, r.p, MIN(raw, csize - 12));
	}
	if (b)
		t->produced += b->len;
	text = b ? rtf_plain(b->data, b->len, outlen) : NULL;
	if (b)
		g_byte_array_free(b, TRUE);
	if (!text) {
		fail(t, "compressed RTF body not simple enough: not inspected");
		return NULL;
	}
	return own(t, text);
}

bool sm_tnef_sniff(const uint8_t *d, size_t len)
{
	return d && len >= 6 && d[0] == 0x78 && d[1] == 0x9f && d[2] == 0x3e && d[3] == 0x22;
}

static void name_members(sm_tnef *t)
{
	guint i, k = 0;

	for (i = 0; i < t->members->len; i++) {
		sm_tnef_member *m = &g_array_index(t->members, sm_tnef_member, i);

		if (!m->name || !*m->name)
			m->name = own(t, g_strdup_printf("attachment-%u", ++k));
	}
}

sm_tnef *sm_tnef_parse(const uint8_t *d, size_t len, size_t max_members, size_t max_bytes)
{
	rd r = {d, d + len};
	sm_tnef *t;

	if (!sm_tnef_sniff(d, len))
		return NULL;
	t = g_new0(sm_tnef, 1);
	t->members = g_array_new(FALSE, TRUE, sizeof(sm_tnef_member));
	t->owned = g_ptr_array_new_with_free_func(g_free);
	t->max_members = max_members;
	t->max_bytes = max_bytes;
	t->attach = -1;
	take(&r, 6, NULL);
	while (r.p < r.e && !t->over) {
		const uint8_t *lv, *data;
		uint32_t id, n;
		unsigned sum;

		if (!take(&r, 1, &lv) || !u32(&r, &id) || !u32(&r, &n) || !take(&r, n, &data) ||
		    !u16(&r, &sum)) {
			fail(t, "attribute length past the end");
			break;
		}
		if (sum != checksum(data, n))
			fail(t, "attribute checksum does not match"); /* read it all the same */
		attribute(t, *lv, id & 0xffff, data, n);
	}
	name_members(t);
	return t;
}

void sm_tnef_free(sm_tnef *t)
{
	if (!t)
		return;
	g_array_free(t->members, TRUE);
	g_ptr_array_free(t->owned, TRUE);
	g_free(t);
}

size_t sm_tnef_count(const sm_tnef *t)
{
	return t ? t->members->len : 0;
}

const sm_tnef_member *sm_tnef_member_at(const sm_tnef *t, size_t i)
{
	return t && i < t->members->len ? &g_array_index(t->members, sm_tnef_member, i) : NULL;
}

const char *sm_tnef_problem(const sm_tnef *t)
{
	return t ? t->problem : "not TNEF";
}

bool sm_tnef_over_members(const sm_tnef *t)
{
	return t && t->over;
}
