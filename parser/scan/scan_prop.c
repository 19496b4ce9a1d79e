/*
 * scan_prop.c - value propagation: once a detector has found a secret value
 * anywhere in the message, every other occurrence of that exact value (in
 * the folded view) is masked too, in every text part, alternative, quoted
 * copy and text attachment, and in the Subject.  Mail carries the same
 * value several times (the HTML alternative of a text part, the quoted copy
 * of an earlier mail, "I tried x on the second server"), and a detector
 * that needs a keyword finds it only where the keyword is.
 *
 * Values come from the detectors whose hits are masked with a fixed mask
 * (passwords, cloud secrets, custom detectors; sm_detectors_propagates):
 * cards are found wherever they are written.  A value shorter than
 * PROP_MIN_LEN, a short lower-case word or one of the common weak values
 * (admin, guest, password ...) is not propagated: its other occurrences
 * are far more often the word than the secret.  An occurrence must stand
 * alone: no letter or digit glued to either end.  A text part scanned
 * after a value was found is searched for it then, in its view
 * (sm_scan_prop_view); only parts scanned before a value turned up are read
 * again at the end, rewritten from their decoded bytes with their first-pass
 * masks and the new ones.  The findings say `propagated`.
 *
 * Untrusted input: the parts' decoded bytes, decoded again (the first pass
 * does not keep them).  Limits: PROP_MAX_VALUES values of at most
 * PROP_MAX_LEN bytes; a part is decoded up to max_part_bytes; occurrences
 * count against max_findings.  Nothing runs when no value was found.
 * Ownership: the scan owns the values and the recorded edits (scan_int.h).
 */
#include "rewrite.h"
#include "scan_int.h"

#include <string.h>

#define PROP_MAX_VALUES 64
#define PROP_MIN_LEN 4
#define PROP_MAX_LEN 256

typedef struct prop_value {
	char *text;   /* folded, as in the views */
	size_t len;
	unsigned det; /* the detector that found it */
} prop_value;

typedef struct prop_part {
	guint idx;
	bool html;
	unsigned known; /* values known when the part was scanned (and searched) */
	GArray *edits;  /* sm_edit: the first pass's masks */
} prop_part;

/* Weak values that are words of every mail as well. */
static const char *const common[] = {"admin", "administrator", "root", "guest", "user", "test",
				     "password", "default", "welcome", "changeme", "secret",
				     "support", "service", "system", "manager", NULL};

static bool worth(const char *v, size_t n)
{
	size_t i, lower = 0;

	if (n < PROP_MIN_LEN || n > PROP_MAX_LEN)
		return false;
	for (const char *const *c = common; *c; c++)
		if (strlen(*c) == n && g_ascii_strncasecmp(*c, v, n) == 0)
			return false;
	for (i = 0; i < n; i++)
		lower += g_ascii_islower(v[i]) != 0;
	return !(lower == n && n < 6);
}

void sm_scan_prop_add(scan *s, const sm_view *v, const sm_hit *h)
{
	const char *t = v->text + h->start;
	size_t n = h->end - h->start;
	prop_value pv;

	if (!sm_detectors_propagates(s->p->det, h->det) || !worth(t, n))
		return;
	if (!s->prop)
		s->prop = g_array_new(FALSE, FALSE, sizeof(prop_value));
	for (guint i = 0; i < s->prop->len; i++) {
		const prop_value *o = &g_array_index(s->prop, prop_value, i);

		if (o->len == n && memcmp(o->text, t, n) == 0)
			return;
	}
	if (s->prop->len >= PROP_MAX_VALUES)
		return;
	pv.text = g_strndup(t, n);
	pv.len = n;
	pv.det = h->det;
	g_array_append_val(s->prop, pv);
}

void sm_scan_prop_part(scan *s, guint idx, bool html, const GArray *edits)
{
	prop_part pp = {idx, html, s->prop ? s->prop->len : 0, g_array_copy((GArray *)edits)};

	if (!s->prop_parts)
		s->prop_parts = g_array_new(FALSE, FALSE, sizeof(prop_part));
	g_array_append_val(s->prop_parts, pp);
}

void sm_scan_prop_free(scan *s)
{
	for (guint i = 0; s->prop && i < s->prop->len; i++)
		g_free(g_array_index(s->prop, prop_value, i).text);
	for (guint i = 0; s->prop_parts && i < s->prop_parts->len; i++)
		g_array_free(g_array_index(s->prop_parts, prop_part, i).edits, TRUE);
	if (s->prop)
		g_array_free(s->prop, TRUE);
	if (s->prop_parts)
		g_array_free(s->prop_parts, TRUE);
	s->prop = s->prop_parts = NULL;
}

/* An alphanumeric ASCII end of the value glued to one beside it? */
static bool glued(const char *t, size_t len, size_t a, size_t z)
{
	return (a > 0 && g_ascii_isalnum(t[a]) && g_ascii_isalnum(t[a - 1])) ||
	       (z < len && g_ascii_isalnum(t[z - 1]) && g_ascii_isalnum(t[z]));
}

/* Does source range [a, z) of view v touch one of the edits? */
static bool masked_already(const sm_view *v, const GArray *edits, size_t s, size_t e)
{
	size_t a, z;

	sm_view_src_range(v, s, e, &a, &z);
	for (guint i = 0; i < edits->len; i++) {
		const sm_edit *ed = &g_array_index(edits, sm_edit, i);

		if (ed->start < z && ed->end > a)
			return true;
	}
	return false;
}

/* How common a byte is in mail text (lower: rarer); symbols and capitals
 * make good anchors, spaces, digits and small letters poor ones. */
static unsigned byte_rank(unsigned char c)
{
	if (c == ' ' || c == '\n' || c == '\r')
		return 5;
	if (g_ascii_islower(c) || g_ascii_isdigit(c))
		return 4;
	if (c >= 0x80)
		return 3;
	return g_ascii_isupper(c) ? 2 : 1;
}

/* The next occurrence of pv at or after p: memchr on its rarest byte, then
 * a compare (several times faster than memmem over a long log). */
static const char *find_value(const char *t, size_t len, size_t p, const prop_value *pv,
			      size_t k)
{
	while (p + pv->len <= len) {
		const char *m = memchr(t + p + k, pv->text[k], len - p - pv->len + 1);

		if (!m)
			return NULL;
		if (memcmp(m - k, pv->text, pv->len) == 0)
			return m - k;
		p = (size_t)(m - t) - k + 1;
	}
	return NULL;
}

/* The occurrences of every value in v not masked yet, as hits. */
static void occurrences(scan *s, const sm_view *v, const GArray *edits, GArray *hits)
{
	for (guint j = 0; j < s->prop->len; j++) {
		const prop_value *pv = &g_array_index(s->prop, prop_value, j);
		const char *t = v->text, *m;
		size_t p = 0, k = 0;

		for (size_t i = 1; i < pv->len; i++)
			if (byte_rank((unsigned char)pv->text[i]) < byte_rank((unsigned char)pv->text[k]))
				k = i;
		while (p < v->len && (m = find_value(t, v->len, p, pv, k))) {
			size_t a = (size_t)(m - t), z = a + pv->len;
			sm_hit h = {pv->det, a, z, SM_MASK_FIXED, 50};

			p = z;
			if (!glued(t, v->len, a, z) && !masked_already(v, edits, a, z))
				g_array_append_val(hits, h);
		}
	}
}

static void prop_finding(scan *s, const sm_part *p, const sm_view *v, const sm_hit *h,
			 unsigned n)
{
	const sm_detector_info *info = sm_detectors_info(s->p->det, h->det);
	sm_finding *f = sm_result_add_finding(s->r, info->id, info->label, p->loc, p->filename,
					      NULL);

	f->count = n;
	f->action = SM_ACT_MASK;
	f->kind = SM_FK_PROPAGATED;
	f->preview = sm_detectors_preview(s->p->det, v, h);
	sm_detectors_fingerprint(s->p->det, s->ctx.fp_key, v, h, f->fingerprint);
	f->reply = g_strdup(info->reply);
}

/* The part's decoded bytes again, outside the scan's budget (it paid for
 * them in the first pass); NULL if they cannot be had. */
static GByteArray *decode_again(scan *s, const sm_part *p)
{
	GByteArray *d;

	if (sm_scan_borrowed(p))
		return g_byte_array_new_take((guint8 *)s->m->raw + p->cstart, p->cend - p->cstart);
	d = g_byte_array_new();
	if (sm_msg_decode(s->m, p, (size_t)s->lim->max_part_bytes, d) != 0) {
		g_byte_array_free(d, TRUE);
		return NULL;
	}
	return d;
}

/* The part's splice replaced (or added) with its new bytes. */
static void replace_splice(scan *s, const sm_part *p, GBytes *nb)
{
	sm_splice sp = {p->cstart, p->cend, nb, 0, 0};

	for (guint i = 0; i < s->r->splices->len; i++) {
		sm_splice *o = &g_array_index(s->r->splices, sm_splice, i);

		if (o->start == p->cstart && o->end == p->cend && o->with) {
			g_bytes_unref(o->with);
			o->with = nb;
			return;
		}
	}
	g_array_append_val(s->r->splices, sp);
}

static bool stripped(const scan *s, guint idx)
{
	for (guint i = 0; i < s->strip->len; i++)
		if (g_array_index(s->strip, guint, i) == idx)
			return true;
	return false;
}

/* One text part: occurrences in its views, then the part rewritten. */
static void prop_one(scan *s, const prop_part *pp)
{
	const sm_part *p = g_ptr_array_index(s->m->parts, pp->idx);
	GByteArray *d = decode_again(s, p);
	sm_view *v[2] = {NULL, NULL};
	GArray *hits, *edits;
	bool trunc = false;
	unsigned n = 0;

	if (!d)
		return;
	edits = g_array_copy(pp->edits);
	hits = g_array_new(FALSE, FALSE, sizeof(sm_hit));
	for (int k = 0; k < (pp->html ? 2 : 1); k++) {
		v[k] = sm_view_new(d->data, d->len, p->charset, pp->html && k == 0,
				   (size_t)s->lim->max_part_bytes * 4, &trunc);
		g_array_set_size(hits, 0);
		occurrences(s, v[k], edits, hits);
		if (hits->len && k == 0)
			prop_finding(s, p, v[k], &g_array_index(hits, sm_hit, 0), hits->len);
		n += hits->len;
		sm_rewrite_edits(v[k], hits, edits);
	}
	if (n) {
		GBytes *nb = sm_rewrite_part(s->m, p, v[0], d, edits);

		if (nb)
			replace_splice(s, p, nb);
		else
			sm_scan_mark_strip(s, pp->idx,
					   "it contains confidential data that cannot be masked in place");
	}
	for (int k = 0; k < 2; k++)
		sm_view_free(v[k]);
	g_array_free(hits, TRUE);
	g_array_free(edits, TRUE);
	sm_scan_bytes_free(p, d);
}

void sm_scan_prop_view(scan *s, const sm_part *p, const sm_view *v, GArray *edits)
{
	GArray *hits;

	if (!s->prop || !s->prop->len || s->limit)
		return;
	hits = g_array_new(FALSE, FALSE, sizeof(sm_hit));
	occurrences(s, v, edits, hits);
	if (hits->len) {
		prop_finding(s, p, v, &g_array_index(hits, sm_hit, 0), hits->len);
		sm_rewrite_edits(v, hits, edits);
	}
	g_array_free(hits, TRUE);
}

void sm_scan_propagate(scan *s)
{
	if (!s->prop || !s->prop->len || !s->prop_parts || s->limit)
		return;
	for (guint i = 0; i < s->prop_parts->len; i++) {
		const prop_part *pp = &g_array_index(s->prop_parts, prop_part, i);

		/* a part scanned after every value was found was searched then */
		if (pp->known < s->prop->len && !stripped(s, pp->idx))
			prop_one(s, pp);
	}
}

/* The Subject with the propagated values masked: a new encoded value (or
 * the first pass's, or NULL when nothing is masked). */
char *sm_scan_prop_subject(scan *s, char *masked)
{
	const char *subj = s->m->subject;
	sm_view *v;
	GArray *hits, *none;

	if (!s->prop || !s->prop->len || !subj || !*subj)
		return masked;
	v = sm_view_new_utf8(subj, strlen(subj));
	hits = g_array_new(FALSE, FALSE, sizeof(sm_hit));
	none = g_array_new(FALSE, FALSE, sizeof(sm_edit));
	occurrences(s, v, none, hits);
	if (hits->len) {
		char *out = sm_scan_header_mask(s, subj, hits);

		if (out) {
			sm_finding *f = sm_result_add_finding(
				s->r, sm_detectors_info(s->p->det, g_array_index(hits, sm_hit, 0).det)->id,
				sm_detectors_info(s->p->det, g_array_index(hits, sm_hit, 0).det)->label,
				"subject", NULL, NULL);

			f->count = hits->len;
			f->action = SM_ACT_MASK;
			f->kind = SM_FK_PROPAGATED;
			f->preview = g_strdup("********");
			g_free(masked);
			masked = out;
		}
	}
	g_array_free(none, TRUE);
	g_array_free(hits, TRUE);
	sm_view_free(v);
	return masked;
}
