/*
 * scan_hdr.c - header values as text.
 *
 * The top-level Subject is scanned here and changed by a header operation
 * (decide.c, the verdict); so are the other visible top-level fields (From, To, Cc ...,
 * and Outlook's Thread-Topic, which repeats the Subject), and fields no
 * machine reads, with their name as context ("Password: ..." after a header
 * block a script left without an empty line is a field to the MTA).  A message inside the message (message/rfc822, a forwarded
 * alert, an .eml attachment) shows its Subject, From, To ... to whoever
 * opens it, so those fields are scanned too; a masked one is replaced in
 * the original bytes by its masked value, RFC 2047-encoded in UTF-8.
 * Structural fields (Content-*, Message-ID, Received ...) are never touched.
 *
 * Untrusted input: the header blocks msg.c located (each at most
 * max_header_bytes).  Loops run over those bytes only.
 */
#include "scan_hdr.h"

#include "detect.h"
#include "rfc2047.h"
#include "rewrite.h"
#include "view.h"

#include <gmime/gmime.h>
#include <string.h>

/* Fields a reader sees; the others are left alone (boundaries and IDs are
 * full of digits, and masking them would break the message). */
static const char *const visible[] = {"subject", "from", "to", "cc", "reply-to", "sender",
				      "comments", "keywords", "organization", "thread-topic",
				      NULL};

static const char *const address_fields[] = {"from", "to", "cc", "reply-to", "sender", NULL};

/* A masked value as a header value: an address list keeps its addresses
 * outside the encoded words (a display name is a phrase), other text is
 * encoded as text.  g_free. */
static char *encode_value(const char *masked, bool address)
{
	InternetAddressList *l;
	char *out;

	if (!address || !(l = internet_address_list_parse(NULL, masked)) ||
	    internet_address_list_length(l) == 0) {
		if (address && l)
			g_object_unref(l);
		return g_mime_utils_header_encode_text(NULL, masked, "UTF-8");
	}
	out = internet_address_list_to_string(l, NULL, TRUE);
	g_object_unref(l);
	return out;
}

/* The value utf8 with the view's edits written in, encoded for the header
 * again (an address field keeps its address syntax). */
static char *masked_value(const sm_view *v, const char *utf8, const GArray *edits, bool address)
{
	GByteArray *b = g_byte_array_new();
	char *masked, *out;

	sm_charset_rewrite(&v->cs, (const uint8_t *)utf8, strlen(utf8), (const sm_edit *)edits->data,
			   edits->len, b);
	masked = g_strndup((const char *)b->data, b->len);
	out = encode_value(masked, address);
	g_free(masked);
	g_byte_array_free(b, TRUE);
	return out;
}

static char *scan_value(scan *s, const char *name, const char *utf8, const char *loc,
			bool address);

char *sm_scan_header_mask(scan *s, const char *utf8, const GArray *extra)
{
	sm_view *v = sm_view_new_utf8(utf8, strlen(utf8));
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(sm_hit));
	GArray *edits = g_array_new(FALSE, FALSE, sizeof(sm_edit));
	char *out = NULL;

	sm_detectors_scan(s->p->det, v, &s->ctx, hits, 64);
	for (guint i = 0; i < hits->len; i++)
		if (sm_detectors_info(s->p->det, g_array_index(hits, sm_hit, i).det)->action !=
		    SM_ACT_MASK && sm_detectors_info(s->p->det, g_array_index(hits, sm_hit, i).det)->action !=
		    SM_ACT_STRIP)
			g_array_index(hits, sm_hit, i).mask = SM_MASK_NONE;
	g_array_append_vals(hits, extra->data, extra->len);
	sm_rewrite_edits(v, hits, edits);
	if (edits->len)
		out = masked_value(v, utf8, edits, false);
	g_array_free(edits, TRUE);
	g_array_free(hits, TRUE);
	sm_view_free(v);
	return out;
}

char *sm_scan_header_value(scan *s, const char *utf8, const char *loc)
{
	return scan_value(s, NULL, utf8, loc, false);
}

/* utf8 with every hit masked, whatever its action (a masked copy for the
 * audit record and the sender's notice: never the value). */
static char *mask_all(const sm_view *v, const char *utf8, const GArray *hits)
{
	GArray *all = g_array_sized_new(FALSE, FALSE, sizeof(sm_hit), hits->len);
	GArray *edits = g_array_new(FALSE, FALSE, sizeof(sm_edit));
	GByteArray *b = g_byte_array_new();
	guint i;

	for (i = 0; i < hits->len; i++) {
		sm_hit h = g_array_index(hits, sm_hit, i);

		if (h.mask == SM_MASK_NONE)
			h.mask = SM_MASK_FIXED;
		g_array_append_val(all, h);
	}
	sm_rewrite_edits(v, all, edits);
	sm_charset_rewrite(&v->cs, (const uint8_t *)utf8, strlen(utf8),
			   (const sm_edit *)edits->data, edits->len, b);
	g_array_free(all, TRUE);
	g_array_free(edits, TRUE);
	g_byte_array_append(b, (const guint8 *)"", 1);
	return (char *)g_byte_array_free(b, FALSE);
}

static void value_findings(scan *s, const sm_view *v, GArray *hits, const char *loc)
{
	guint i;

	for (i = 0; i < hits->len; i++) {
		sm_hit *h = &g_array_index(hits, sm_hit, i);
		const sm_detector_info *info = sm_detectors_info(s->p->det, h->det);
		char fp[17];
		bool created;
		sm_finding *f;

		sm_detectors_fingerprint(s->p->det, s->ctx.fp_key, v, h, fp);
		f = sm_result_value_finding(s->r, info->id, info->label, loc, NULL, NULL, fp,
					    &created);
		if (created) {
			f->action = sm_scan_action(s, info, info->action == SM_ACT_STRIP ? SM_ACT_MASK
											: info->action,
						   &f->relaxed);
			f->preview = sm_detectors_preview(s->p->det, v, h);
			f->reply = g_strdup(info->reply);
		}
		f->count++;
		if (f->action != SM_ACT_MASK)
			h->mask = SM_MASK_NONE;
		else
			sm_scan_prop_add(s, v, h);
	}
}

/* Edits in "NAME: value" as edits in the value: those in the name dropped. */
static void edits_in_value(GArray *edits, size_t plen)
{
	guint k = 0;

	for (guint i = 0; i < edits->len; i++) {
		sm_edit e = g_array_index(edits, sm_edit, i);

		if (e.start < plen)
			continue;
		e.start -= plen;
		e.end -= plen;
		g_array_index(edits, sm_edit, k++) = e;
	}
	g_array_set_size(edits, k);
}

/* A header value, decoded to UTF-8: detected, findings at loc, and its
 * masked form (RFC 2047-encoded; g_free) or NULL.  With a name, the text
 * read is "NAME: value" (a keyword in the name gives a value its meaning),
 * the value alone is masked. */
static char *scan_value(scan *s, const char *name, const char *utf8, const char *loc,
			bool address)
{
	sm_view *v;
	GArray *hits, *edits;
	char *out = NULL, *full;
	size_t plen = name ? strlen(name) + 2 : 0;
	bool subject = strcmp(loc, "subject") == 0;

	if (!utf8 || !*utf8)
		return NULL;
	full = name ? g_strconcat(name, ": ", utf8, NULL) : g_strdup(utf8);
	v = sm_view_new_utf8(full, strlen(full));
	hits = g_array_new(FALSE, FALSE, sizeof(sm_hit));
	edits = g_array_new(FALSE, FALSE, sizeof(sm_edit));
	sm_detectors_scan(s->p->det, v, &s->ctx, hits, 64);
	if (subject && s->depth == 0 && !s->r->subject)
		s->r->subject = hits->len ? mask_all(v, utf8, hits) : g_strdup(utf8);
	value_findings(s, v, hits, loc);
	sm_rewrite_edits(v, hits, edits);
	edits_in_value(edits, plen);
	if (edits->len)
		out = masked_value(v, utf8, edits, address);
	g_array_free(edits, TRUE);
	g_array_free(hits, TRUE);
	sm_view_free(v);
	g_free(full);
	return out;
}

static bool name_in(const char *const *list, const uint8_t *name, size_t n)
{
	for (int i = 0; list[i]; i++)
		if (strlen(list[i]) == n && g_ascii_strncasecmp((const char *)name, list[i], n) == 0)
			return true;
	return false;
}

static bool is_visible(const uint8_t *name, size_t n)
{
	return name_in(visible, name, n);
}

typedef void (*field_fn)(scan *s, const void *ud, size_t a, size_t z);

/* Every field of the header block raw[start, end): fn gets [a, z), its
 * continuation lines included and its line end excluded. */
static void each_field(scan *s, size_t start, size_t end, field_fn fn, const void *ud)
{
	const uint8_t *raw = s->m->raw;
	size_t i = start;

	while (i < end) {
		size_t z = i, next;
		const uint8_t *nl;

		do {
			nl = memchr(raw + z, '\n', end - z);
			next = nl ? (size_t)(nl - raw) + 1 : end;
			z = next;
		} while (z < end && (raw[z] == ' ' || raw[z] == '\t'));
		if (z > i && raw[z - 1] == '\n')
			z--;
		if (z > i && raw[z - 1] == '\r')
			z--;
		if (z > i && raw[i] != ' ' && raw[i] != '\t')
			fn(s, ud, i, z);
		i = next;
	}
}

/* Fields machines write and read (structure, trace, identifiers,
 * signatures, X- extensions: a Luhn-valid order number in X-Order stays):
 * never edited.  Any other field may be text a person wrote: a body line
 * that follows the header block without an empty line ("Password: ..." in
 * a script's mail) is a field to the MTA, and leaves with the message. */
static const char *const machine_prefixes[] = {"content-", "x-", "dkim-", "arc-", "list-",
					       "resent-", NULL};
static const char *const machine_fields[] = {
	"message-id", "in-reply-to", "references", "received", "return-path",
	"authentication-results", "received-spf", "mime-version", "date", "delivered-to",
	"thread-index", "user-agent", NULL};

static bool is_machine_field(const uint8_t *name, size_t n)
{
	for (int i = 0; machine_prefixes[i]; i++) {
		size_t k = strlen(machine_prefixes[i]);

		if (n >= k && g_ascii_strncasecmp((const char *)name, machine_prefixes[i], k) == 0)
			return true;
	}
	return name_in(machine_fields, name, n);
}

/* The value of a field at raw[a, z) to scan, decoded, or NULL; *v is where
 * the value starts; *ctx (g_free) the field's name when it is not a visible
 * one (read with the value), else NULL. */
static char *field_value(scan *s, size_t a, size_t z, size_t *v, char **ctx)
{
	const uint8_t *raw = s->m->raw;
	const uint8_t *colon = memchr(raw + a, ':', z - a);
	size_t n;

	*ctx = NULL;
	if (!colon)
		return NULL;
	n = (size_t)(colon - raw) - a;
	while (n && (raw[a + n - 1] == ' ' || raw[a + n - 1] == '\t'))
		n--;
	if (!is_visible(raw + a, n)) {
		if (is_machine_field(raw + a, n))
			return NULL;
		*ctx = g_strndup((const char *)raw + a, n);
	}
	*v = (size_t)(colon - raw) + 1;
	return g_strstrip(sm_header_decode((const char *)raw + *v, z - *v));
}

/* A field of an embedded message: a masked value is spliced in place. */
static void embedded_field(scan *s, const void *ud, size_t a, size_t z)
{
	const sm_hblock *b = ud;
	char loc[80], *val, *masked, *ctx;
	size_t v;

	if (!(val = field_value(s, a, z, &v, &ctx)))
		return;
	snprintf(loc, sizeof(loc), "%s.HEADER", b->loc);
	masked = scan_value(s, ctx, val, loc,
			    !ctx && name_in(address_fields, s->m->raw + a,
					    strcspn((const char *)s->m->raw + a, ":")));
	g_free(ctx);
	if (masked) {
		sm_splice sp = {v, z, NULL, 0, 0};
		char *with = g_strconcat(" ", masked, NULL);

		sp.with = g_bytes_new_take(with, strlen(with));
		g_array_append_val(s->r->splices, sp);
		g_free(masked);
	}
	g_free(val);
}

void sm_scan_hblocks(scan *s)
{
	guint k;

	for (k = 0; k < s->m->hblocks->len; k++) {
		const sm_hblock *b = &g_array_index(s->m->hblocks, sm_hblock, k);

		each_field(s, b->start, b->end, embedded_field, b);
	}
}

/* Per field name, how many were seen so far: the index of a change. */
typedef struct seen_names {
	GHashTable *count; /* lower-case name -> count */
} seen_names;

/* A top-level field other than the Subject: a masked value is a header
 * change (the MTA applies it; the body splices do not reach the header). */
static void top_field(scan *s, const void *ud, size_t a, size_t z)
{
	const seen_names *sn = ud;
	const uint8_t *colon = memchr(s->m->raw + a, ':', z - a);
	char *name, *val, *masked, *ctx;
	size_t v;
	int idx;

	if (!colon)
		return;
	name = g_strchomp(g_ascii_strdown((const char *)s->m->raw + a, colon - (s->m->raw + a)));
	idx = GPOINTER_TO_INT(g_hash_table_lookup(sn->count, name)) + 1;
	g_hash_table_replace(sn->count, name, GINT_TO_POINTER(idx));
	if (strcmp(name, "subject") == 0 || !(val = field_value(s, a, z, &v, &ctx)))
		return;
	masked = scan_value(s, ctx, val, "HEADER",
			    !ctx && name_in(address_fields, (const uint8_t *)name, strlen(name)));
	g_free(ctx);
	if (masked) {
		char *orig = g_strndup((const char *)s->m->raw + a, colon - (s->m->raw + a));

		sm_result_add_header(s->r, 'C', g_strstrip(orig), masked, idx);
		g_free(orig);
		g_free(masked);
	}
	g_free(val);
}

void sm_scan_top_headers(scan *s)
{
	seen_names sn = {g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};

	each_field(s, s->m->hdr_start, s->m->hdr_end, top_field, &sn);
	g_hash_table_destroy(sn.count);
}
