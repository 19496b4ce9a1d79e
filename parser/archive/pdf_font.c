/*
 * pdf_font.c - a PDF's objects, as far as its fonts need them (pdf_int.h):
 * the objects of the file ("N G obj" to its endobj or stream) and of its
 * object streams (/Type /ObjStm, inflated by pdf.c), the /Font resource
 * dictionaries (name -> font object, direct or through a reference), and
 * for each font what its codes mean: a simple font's bytes; a composite
 * (/Type0) font's codes through its predefined CMap's charset (90ms-RKSJ-H
 * is Shift_JIS, UniJIS-UCS2-H UTF-16 ...) or, for Identity-H and embedded
 * CMaps, only through its /ToUnicode map.  Also which streams hold text
 * (page /Contents, forms, object streams, ToUnicode maps), so that one that
 * cannot be inflated is known to lose text.
 *
 * Not a PDF parser: no cross-reference table, no page tree; a resource name
 * is looked up over all pages (a name that names several fonts reads as
 * the first composite one).  Untrusted input: the file, the inflated object
 * streams.  Limits: OBJS_MAX objects, OBJ_MAX bytes an object, ObjStm
 * headers within their stream, the maps' shared budget (pdf_cmap.c); every
 * search moves forward.
 */
#include "pdf_int.h"

#include <stdlib.h>
#include <string.h>

#define OBJS_MAX 500000
#define OBJ_MAX 65536
#define MAP_BUDGET 262144 /* codes all fonts' maps may hold */
#define FONTS_MAX 100000  /* fonts in all */

typedef struct span {
	const uint8_t *p, *e;
} span;

struct pdf_fonts {
	GHashTable *objs;    /* object number -> span (g_free) */
	GHashTable *names;   /* resource name (g_free) -> GPtrArray of pdf_font (not owned) */
	GHashTable *fonts;   /* object number -> pdf_font (g_free) */
	GHashTable *maps;    /* stream object number -> pdf_cmap */
	GHashTable *text;    /* object numbers of streams that hold text: a set */
	GHashTable *content; /* object numbers of pages' /Contents: a set */
	GHashTable *by_obj;  /* object number -> index + 1 in streams */
	const GArray *streams;
	const GByteArray *raw;
	size_t budget;
};

static bool white(uint8_t c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0;
}

/* An unsigned number ending just before q (whitespace skipped back), the
 * start of it in *at; -1 when none. */
static long long num_before(const uint8_t *lo, const uint8_t *q, const uint8_t **at)
{
	const uint8_t *z = q;
	long long v = 0, m = 1;

	while (z > lo && white(z[-1]))
		z--;
	if (z == q || z == lo || !g_ascii_isdigit(z[-1]))
		return -1;
	for (q = z; q > lo && g_ascii_isdigit(q[-1]) && z - q < 9; q--, m *= 10)
		v += (q[-1] - '0') * m;
	*at = q;
	return v;
}

/* "N G obj" ending at kw (the "obj"): N, or 0. */
static guint obj_number(const uint8_t *lo, const uint8_t *kw)
{
	const uint8_t *g, *n;
	long long v;

	if (num_before(lo, kw, &g) < 0 || (v = num_before(lo, g, &n)) <= 0 || v > G_MAXINT32)
		return 0;
	return (guint)v;
}

/* A number at *p (whitespace skipped): its value, *p after it; -1 none. */
static long long num_at(const uint8_t **p, const uint8_t *e)
{
	const uint8_t *q = *p;
	long long v = 0;
	int k = 0;

	while (q < e && white(*q))
		q++;
	for (; q < e && g_ascii_isdigit(*q) && k < 10; q++, k++)
		v = v * 10 + (*q - '0');
	if (!k)
		return -1;
	*p = q;
	return v;
}

/* "N G R" at *p: N (*p after it), or 0. */
static guint ref_at(const uint8_t **p, const uint8_t *e)
{
	const uint8_t *q = *p;
	long long n = num_at(&q, e), g = n > 0 ? num_at(&q, e) : -1;

	while (q < e && white(*q))
		q++;
	if (n <= 0 || n > G_MAXINT32 || g < 0 || q >= e || *q != 'R')
		return 0;
	*p = q + 1;
	return (guint)n;
}

static void put_obj(pdf_fonts *f, guint n, const uint8_t *p, const uint8_t *e)
{
	span *s;

	if (!n || g_hash_table_size(f->objs) >= OBJS_MAX)
		return;
	if ((size_t)(e - p) > OBJ_MAX)
		e = p + OBJ_MAX;
	s = g_new(span, 1);
	s->p = p;
	s->e = e;
	g_hash_table_replace(f->objs, GUINT_TO_POINTER(n), s);
}

/* The objects of the file: each "obj" keyword ends the one before. */
static void file_objects(pdf_fonts *f, const uint8_t *d, const uint8_t *e)
{
	const uint8_t *q = sm_pdf_find(d, e, "obj"), *next, *z;

	while (q) {
		guint n = q - d >= 3 && memcmp(q - 3, "end", 3) == 0 ? 0 : obj_number(d, q);

		next = sm_pdf_find(q + 3, e, "obj");
		z = next ? next : e;
		if (n) {
			const uint8_t *s = sm_pdf_find(q + 3, z, "stream");

			put_obj(f, n, q + 3, s ? s : z);
		}
		q = next;
	}
}

/* The number after name key in p[0, e), or -1. */
static long long key_num(const uint8_t *p, const uint8_t *e, const char *key)
{
	size_t k = strlen(key);

	for (; (p = sm_pdf_find(p, e, key)); p += k) {
		const uint8_t *v = p + k;

		if (v < e && !g_ascii_isalnum(*v))
			return num_at(&v, e);
	}
	return -1;
}

/* The objects of an object stream: N pairs "number offset", then the
 * objects from /First on. */
static void stream_objects(pdf_fonts *f, const pdf_stream *st)
{
	const uint8_t *p = f->raw->data + st->start, *e = f->raw->data + st->end, *q = p;
	long long count = key_num(st->dict, st->kw, "/N"), first = key_num(st->dict, st->kw, "/First");

	if (count <= 0 || first < 0 || first > e - p)
		return;
	for (long long i = 0; i < count && q < p + first; i++) {
		long long n = num_at(&q, p + first), off = n >= 0 ? num_at(&q, p + first) : -1;
		const uint8_t *r = q;
		long long n2 = num_at(&r, p + first), off2 = n2 >= 0 ? num_at(&r, p + first) : -1;

		if (off < 0 || off > e - p - first)
			return;
		if (off2 < off || off2 > e - p - first)
			off2 = e - p - first;
		put_obj(f, n > G_MAXINT32 ? 0 : (guint)n, p + first + off, p + first + off2);
	}
}

static const span *obj(const pdf_fonts *f, guint n)
{
	return g_hash_table_lookup(f->objs, GUINT_TO_POINTER(n));
}

/* ------------------------------------------------------------ fonts */

/* What the codes of a predefined CMap name[0, k) mean: an iconv charset,
 * or NULL (CIDs: Identity-H, or not known here). */
static const char *charset_of(const uint8_t *name, size_t k)
{
	static const char *const tab[][2] = {
		{"UCS2", "UTF-16BE"}, {"UTF16", "UTF-16BE"}, {"UTF8", "UTF-8"},
		{"UTF32", "UTF-32BE"}, {"RKSJ", "CP932"}, {"GBK", "GBK"}, {"GBpc-EUC", "GB2312"},
		{"GB-EUC", "GB2312"}, {"KSC", "CP949"}, {"UHC", "CP949"}, {"CNS-EUC", "EUC-TW"},
		{"HKscs", "BIG5-HKSCS"}, {"B5", "BIG5"}, {"ETen", "BIG5"}, {"EUC", "EUC-JP"}};
	static const char *const jis[] = {"H", "V", "Ext-H", "Ext-V", "Add-H", "Add-V",
					  "NWP-H", "NWP-V"};
	char buf[64];

	if (k >= sizeof(buf))
		return NULL;
	memcpy(buf, name, k);
	buf[k] = 0;
	if (g_str_has_prefix(buf, "Identity"))
		return NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(tab); i++)
		if (strstr(buf, tab[i][0]))
			return tab[i][1];
	for (size_t i = 0; i < G_N_ELEMENTS(jis); i++)
		if (strcmp(buf, jis[i]) == 0)
			return "JIS";
	return NULL;
}

/* The map of ToUnicode stream object n, read once. */
static const pdf_cmap *map_of(pdf_fonts *f, guint n)
{
	pdf_cmap *c = g_hash_table_lookup(f->maps, GUINT_TO_POINTER(n));
	guint i = GPOINTER_TO_UINT(g_hash_table_lookup(f->by_obj, GUINT_TO_POINTER(n)));
	const pdf_stream *st;

	if (c || !n || !i)
		return c;
	g_hash_table_add(f->text, GUINT_TO_POINTER(n)); /* a map that does not inflate: text lost */
	st = &g_array_index(f->streams, pdf_stream, i - 1);
	if (!st->inflated)
		return NULL;
	c = sm_pdf_cmap_new(&f->budget);
	sm_pdf_cmap_read(c, f->raw->data + st->start, f->raw->data + st->end);
	g_hash_table_replace(f->maps, GUINT_TO_POINTER(n), c);
	return c;
}

/* A key's value at p (after the key): a name (its text in *name), or a
 * reference (returned). */
static guint value_of(const uint8_t *p, const uint8_t *e, const uint8_t **name, size_t *len)
{
	const uint8_t *q;

	while (p < e && white(*p))
		p++;
	*name = NULL;
	if (p < e && *p == '/') {
		for (q = ++p; q < e && !white(*q) && !strchr("/<>[]()", *q); q++)
			;
		*name = p;
		*len = (size_t)(q - p);
		return 0;
	}
	return ref_at(&p, e);
}

/* Font object n: its kind, charset and map. */
static pdf_font *font_of(pdf_fonts *f, guint n)
{
	pdf_font *ft = g_hash_table_lookup(f->fonts, GUINT_TO_POINTER(n));
	const span *s = obj(f, n);
	const uint8_t *k, *name;
	size_t len = 0;

	if (ft || !s || g_hash_table_size(f->fonts) >= FONTS_MAX)
		return ft;
	ft = g_new0(pdf_font, 1);
	ft->obj = n;
	ft->kind = sm_pdf_has_key(s->p, s->e, "/Type0") ? PDF_FONT_CID : PDF_FONT_SIMPLE;
	if ((k = sm_pdf_find(s->p, s->e, "/ToUnicode")))
		ft->map = map_of(f, value_of(k + 10, s->e, &name, &len));
	if (ft->kind == PDF_FONT_CID && (k = sm_pdf_find(s->p, s->e, "/Encoding")) &&
	    !value_of(k + 9, s->e, &name, &len) && name &&
	    (ft->charset = charset_of(name, len)))
		ft->kind = PDF_FONT_CHARSET;
	g_hash_table_replace(f->fonts, GUINT_TO_POINTER(n), ft);
	return ft;
}

/* The entries "/Name N G R" of a font resource dictionary p[0, e). */
static void font_dict(pdf_fonts *f, const uint8_t *p, const uint8_t *e)
{
	while (p < e && *p != '>') {
		const uint8_t *q, *ne;
		guint n;
		pdf_font *ft;
		GPtrArray *a;
		char *key;

		if (*p != '/') {
			p++;
			continue;
		}
		for (q = ++p; q < e && !white(*q) && !strchr("/<>[]()", *q); q++)
			;
		ne = q;
		if (ne - p > 127 || !(n = ref_at(&q, e)) || !(ft = font_of(f, n))) {
			p = q;
			continue;
		}
		key = g_strndup((const char *)p, (gsize)(ne - p));
		if (!(a = g_hash_table_lookup(f->names, key))) {
			a = g_ptr_array_new();
			g_hash_table_replace(f->names, g_strdup(key), a);
		}
		if (a->len < 16 && (ft->kind != PDF_FONT_SIMPLE || !a->len))
			g_ptr_array_add(a, ft);
		g_free(key);
		p = q;
	}
}

/* "/Font << ... >>" or "/Font N G R" in object text s. */
static void font_resources(pdf_fonts *f, const span *s)
{
	const uint8_t *q;

	for (q = s->p; (q = sm_pdf_find(q, s->e, "/Font")); ) {
		const uint8_t *v = q + 5;
		guint n;

		q = v;
		if (v < s->e && (g_ascii_isalnum(*v)))
			continue; /* /FontDescriptor, /FontFile2 ... */
		while (v < s->e && white(*v))
			v++;
		if (v + 1 < s->e && v[0] == '<' && v[1] == '<')
			font_dict(f, v + 2, s->e);
		else if ((n = ref_at(&v, s->e)) && obj(f, n)) {
			const span *r = obj(f, n);
			const uint8_t *o = sm_pdf_find(r->p, r->e, "<<");

			if (o)
				font_dict(f, o + 2, r->e);
		}
	}
}

/* "/Contents N G R" or "/Contents [N G R ...]" in s: streams with text. */
static void contents(pdf_fonts *f, const span *s)
{
	const uint8_t *q, *v;
	guint n;

	for (q = s->p; (q = sm_pdf_find(q, s->e, "/Contents")); q += 9) {
		v = q + 9;
		while (v < s->e && white(*v))
			v++;
		if (v < s->e && *v == '[')
			for (v++; v < s->e && *v != ']' && (n = ref_at(&v, s->e)); ) {
				g_hash_table_add(f->text, GUINT_TO_POINTER(n));
				g_hash_table_add(f->content, GUINT_TO_POINTER(n));
			}
		else if ((n = ref_at(&v, s->e))) {
			g_hash_table_add(f->text, GUINT_TO_POINTER(n));
			g_hash_table_add(f->content, GUINT_TO_POINTER(n));
		}
	}
}

pdf_fonts *sm_pdf_fonts_new(const uint8_t *d, size_t n, const GArray *streams,
			    const GByteArray *raw)
{
	pdf_fonts *f = g_new0(pdf_fonts, 1);
	GHashTableIter it;
	gpointer v;

	f->objs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	f->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					 (GDestroyNotify)g_ptr_array_unref);
	f->fonts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	f->maps = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
					(GDestroyNotify)sm_pdf_cmap_free);
	f->text = g_hash_table_new(g_direct_hash, g_direct_equal);
	f->by_obj = g_hash_table_new(g_direct_hash, g_direct_equal);
	f->content = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (guint i = 0; i < streams->len; i++)
		if (g_array_index(streams, pdf_stream, i).obj)
			g_hash_table_replace(f->by_obj,
					     GUINT_TO_POINTER(g_array_index(streams, pdf_stream, i).obj),
					     GUINT_TO_POINTER(i + 1));
	f->streams = streams;
	f->raw = raw;
	f->budget = MAP_BUDGET;
	file_objects(f, d, d + n);
	for (guint i = 0; i < streams->len; i++) {
		const pdf_stream *st = &g_array_index(streams, pdf_stream, i);

		if (st->inflated && sm_pdf_has_key(st->dict, st->kw, "/ObjStm"))
			stream_objects(f, st);
	}
	g_hash_table_iter_init(&it, f->objs);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		font_resources(f, v);
		contents(f, v);
	}
	return f;
}

void sm_pdf_fonts_free(pdf_fonts *f)
{
	if (!f)
		return;
	g_hash_table_destroy(f->names);
	g_hash_table_destroy(f->fonts);
	g_hash_table_destroy(f->maps);
	g_hash_table_destroy(f->objs);
	g_hash_table_destroy(f->text);
	g_hash_table_destroy(f->by_obj);
	g_hash_table_destroy(f->content);
	g_free(f);
}

const pdf_font *sm_pdf_fonts_named(const pdf_fonts *f, const uint8_t *name, size_t len)
{
	char key[128];
	GPtrArray *a;

	if (len >= sizeof(key))
		return NULL;
	memcpy(key, name, len);
	key[len] = 0;
	a = g_hash_table_lookup(f->names, key);
	if (!a || !a->len)
		return NULL;
	for (guint i = 0; i < a->len; i++)
		if (((const pdf_font *)a->pdata[i])->kind != PDF_FONT_SIMPLE)
			return a->pdata[i];
	return a->pdata[0];
}

bool sm_pdf_fonts_text_stream(const pdf_fonts *f, const pdf_stream *st)
{
	return (st->obj && g_hash_table_contains(f->text, GUINT_TO_POINTER(st->obj))) ||
	       sm_pdf_has_key(st->dict, st->kw, "/ObjStm") ||
	       sm_pdf_has_key(st->dict, st->kw, "/Form");
}

bool sm_pdf_fonts_content_stream(const pdf_fonts *f, const pdf_stream *st)
{
	if (sm_pdf_has_key(st->dict, st->kw, "/Form"))
		return true;
	if (g_hash_table_size(f->content)) /* the pages say which */
		return st->obj && g_hash_table_contains(f->content, GUINT_TO_POINTER(st->obj));
	/* no page names its contents: a stream that is nothing else */
	return !sm_pdf_has_key(st->dict, st->kw, "/Subtype") &&
	       !sm_pdf_has_key(st->dict, st->kw, "/Type") &&
	       !sm_pdf_has_key(st->dict, st->kw, "/Length1");
}
