/*
 * name.c - confidential values in file names (name.h).
 *
 * Untrusted input: the name, already made printable and bounded by its
 * caller (msg.c: 255 bytes; archive.c: 200).  Limits: at most NAME_HITS
 * hits per name.  Never returns a value: the masked name and previews only.
 */
#include "name.h"

#include <string.h>

#define NAME_HITS 64
#define EXT_MAX 5

/* The source bytes [a, z) of name masked into g as the hit asks. */
static void mask_range(GString *g, const char *s, size_t a, size_t z, sm_mask_style style)
{
	unsigned digits = 0, seen = 0;
	const char *p;

	for (p = s + a; p < s + z; p = g_utf8_next_char(p))
		digits += g_unichar_isdigit(g_utf8_get_char(p));
	for (p = s + a; p < s + z; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		bool digit = g_unichar_isdigit(c);

		if (digit)
			seen++;
		if (style == SM_MASK_DIGITS_KEEP4 ? digit && seen + 4 <= digits
						    : !g_unichar_isspace(c))
			g_string_append_c(g, '*');
		else
			g_string_append_len(g, p, g_utf8_next_char(p) - p);
	}
}

static gint by_start(gconstpointer x, gconstpointer y)
{
	const sm_hit *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

/* One sm_name_hit per detector: count, first value's preview and fingerprint. */
static void keep_hits(const sm_detectors *d, const sm_scan_ctx *ctx, const sm_view *v,
		      const GArray *found, GArray *hits)
{
	for (guint i = 0; i < found->len; i++) {
		const sm_hit *h = &g_array_index(found, sm_hit, i);
		guint j;

		for (j = 0; j < hits->len; j++)
			if (g_array_index(hits, sm_name_hit, j).det == h->det)
				break;
		if (j < hits->len) {
			g_array_index(hits, sm_name_hit, j).count++;
			continue;
		}
		sm_name_hit n = {h->det, 1, sm_detectors_preview(d, v, h), ""};

		sm_detectors_fingerprint(d, ctx ? ctx->fp_key : NULL, v, h, n.fingerprint);
		g_array_append_val(hits, n);
	}
}

/* A last extension (".txt", ".zip": 1 to EXT_MAX letters and digits) is no
 * word of the name's text: "pw.txt" must not read as PW and a value.  It is
 * blanked too (offsets agree); a secret is never only an extension. */
static void blank_extension(const char *name, char *sep, size_t len)
{
	size_t i = len;

	while (i > 0 && g_ascii_isalnum(sep[i - 1]) && len - i <= EXT_MAX)
		i--;
	if (i > 0 && i < len && len - i <= EXT_MAX && name[i - 1] == '.')
		memset(sep + i, ' ', len - i);
}

char *sm_name_mask(const sm_detectors *d, const sm_scan_ctx *ctx, const char *name,
		   GArray *hits)
{
	size_t len = name ? strlen(name) : 0, at = 0;
	sm_view *v;
	GArray *found;
	GString *g;
	char *sep;

	if (!len || !g_utf8_validate(name, (gssize)len, NULL))
		return NULL;
	/* '_' and '.' separate words in names ("card_4111...1111.txt"), but '_'
	 * is a word character to \b and a digit run before ".txt" looks like a
	 * version number: both read as spaces, byte for byte (offsets agree) */
	sep = g_strdelimit(g_strdup(name), "_.", ' ');
	blank_extension(name, sep, len);
	v = sm_view_new_utf8(sep, len); /* v->src is sep: freed after v */
	found = g_array_new(FALSE, TRUE, sizeof(sm_hit));
	sm_detectors_scan(d, v, ctx, found, NAME_HITS);
	if (!found->len) {
		g_array_free(found, TRUE);
		sm_view_free(v);
		g_free(sep);
		return NULL;
	}
	g_array_sort(found, by_start);
	g = g_string_new(NULL);
	for (guint i = 0; i < found->len; i++) {
		const sm_hit *h = &g_array_index(found, sm_hit, i);
		size_t a, z;

		sm_view_src_range(v, h->start, h->end, &a, &z);
		if (a < at)
			a = at; /* overlapping hits: masked once */
		if (z <= a || z > len)
			continue;
		g_string_append_len(g, name + at, (gssize)(a - at));
		mask_range(g, name, a, z, h->mask);
		at = z;
	}
	g_string_append(g, name + at);
	if (hits)
		keep_hits(d, ctx, v, found, hits);
	g_array_free(found, TRUE);
	sm_view_free(v);
	g_free(sep);
	return g_string_free(g, FALSE);
}

void sm_name_hits_free(GArray *hits)
{
	if (!hits)
		return;
	for (guint i = 0; i < hits->len; i++)
		g_free(g_array_index(hits, sm_name_hit, i).preview);
	g_array_free(hits, TRUE);
}
