/*
 * vmap.c - the compact text-to-input map (vmap.h).
 *
 * Entry coding: one header byte, then the varints it announces.
 *   bits 0-1  text width of a unit: 1..3, or 0 = a varint follows
 *   bits 2-3  input width of a unit: 1..3, or 0 = a varint follows
 *   bit 4     a varint unit count follows (else one unit)
 *   bit 5     a zigzag varint follows: start - input end of the entry before
 * An ASCII run is one entry; a kanji run too (3 text bytes per 3 or 2 input
 * bytes); text that alternates widths costs one to a few bytes per unit.
 *
 * Untrusted input: none directly; sizes come from the stages (bounded by the
 * part limits).  Lookups walk at most SM_VMAP_CK entries.
 */
#include "vmap.h"

#include <glib.h>
#include <string.h>

static void flush(sm_vmap *m);

void sm_vmap_init(sm_vmap *m)
{
	memset(m, 0, sizeof(*m));
}

void sm_vmap_clear(sm_vmap *m)
{
	g_free(m->code);
	g_free(m->ck);
	sm_vmap_init(m);
}

void sm_vmap_shrink(sm_vmap *m)
{
	flush(m);
	m->code_cap = m->code_len;
	m->code = g_realloc(m->code, m->code_cap ? m->code_cap : 1);
	m->ck_cap = m->n_ck;
	m->ck = g_renew(sm_vmap_ck, m->ck, m->ck_cap ? m->ck_cap : 1);
}

size_t sm_vmap_len(const sm_vmap *m)
{
	return m->enc_vlen + (m->open ? m->o_vw * m->o_count : 0);
}

size_t sm_vmap_bytes(const sm_vmap *m)
{
	return m->code_cap + m->ck_cap * sizeof(sm_vmap_ck);
}

/* ------------------------------------------------------------------ coding */

static uint64_t get_varint(const uint8_t *code, size_t *off)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;

	do {
		b = code[(*off)++];
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while ((b & 0x80) && shift < 64);
	return v;
}

/* Room for one more entry: a header byte and four varints of at most ten
 * bytes, so flush writes without a check per byte. */
#define ENTRY_MAX 41

static void reserve_entry(sm_vmap *m)
{
	if (m->code_cap - m->code_len >= ENTRY_MAX)
		return;
	m->code_cap = m->code_cap ? m->code_cap + m->code_cap / 2 : 256;
	if (m->code_cap - m->code_len < ENTRY_MAX)
		m->code_cap = m->code_len + ENTRY_MAX;
	m->code = g_realloc(m->code, m->code_cap);
}

static uint8_t *put_varint_at(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/* Write the open entry out (and a checkpoint every SM_VMAP_CK entries). */
static void flush(sm_vmap *m)
{
	int64_t delta = (int64_t)m->o_s0 - (int64_t)m->enc_send;
	uint8_t h = 0, *p;

	if (!m->open)
		return;
	if (m->n_entries % SM_VMAP_CK == 0) {
		if (m->n_ck == m->ck_cap) {
			m->ck_cap = m->ck_cap ? m->ck_cap * 2 : 16;
			m->ck = g_renew(sm_vmap_ck, m->ck, m->ck_cap);
		}
		m->ck[m->n_ck++] = (sm_vmap_ck){m->enc_vlen, m->code_len, m->enc_send};
	}
	h |= m->o_vw <= 3 ? (uint8_t)m->o_vw : 0;
	h |= m->o_sw >= 1 && m->o_sw <= 3 ? (uint8_t)(m->o_sw << 2) : 0;
	h |= m->o_count != 1 ? 0x10 : 0;
	h |= delta ? 0x20 : 0;
	reserve_entry(m);
	p = m->code + m->code_len;
	*p++ = h;
	if (!(h & 3))
		p = put_varint_at(p, m->o_vw);
	if (!(h & 0xc))
		p = put_varint_at(p, m->o_sw);
	if (h & 0x10)
		p = put_varint_at(p, m->o_count);
	if (h & 0x20)
		p = put_varint_at(p, delta < 0 ? ((uint64_t)(-delta) << 1) - 1 : (uint64_t)delta << 1);
	m->code_len = (size_t)(p - m->code);
	m->n_entries++;
	m->enc_vlen += m->o_vw * m->o_count;
	m->enc_send = m->o_s0 + (uint32_t)(m->o_count * m->o_sw);
	m->open = false;
}

void sm_vmap_add_entry(sm_vmap *m, size_t vw, uint32_t a, uint32_t sw, size_t count)
{
	if (!vw || !count)
		return;
	if (m->open && m->o_vw == vw && m->o_sw == sw &&
	    (uint64_t)a == (uint64_t)m->o_s0 + (uint64_t)m->o_count * sw) {
		m->o_count += count;
		return;
	}
	flush(m);
	m->open = true;
	m->o_vw = vw;
	m->o_s0 = a;
	m->o_sw = sw;
	m->o_count = count;
}

void sm_vmap_truncate(sm_vmap *m, size_t len)
{
	size_t k, r;

	g_assert(len >= m->enc_vlen && len <= sm_vmap_len(m)); /* within the last entry */
	if (!m->open)
		return;
	k = (len - m->enc_vlen) / m->o_vw;
	r = (len - m->enc_vlen) % m->o_vw;
	if (!r) {
		m->o_count = k;
		m->open = k > 0;
		return;
	}
	if (k) { /* k whole units stay one entry, the cut unit another */
		uint32_t s = m->o_s0 + (uint32_t)(k * m->o_sw);

		m->o_count = k;
		flush(m);
		sm_vmap_add(m, r, s, m->o_sw, 1);
		return;
	}
	m->o_vw = r;
	m->o_count = 1;
}

uint32_t sm_vmap_last_start(const sm_vmap *m)
{
	uint32_t s, e;

	if (m->open)
		return m->o_s0 + (uint32_t)((m->o_count - 1) * m->o_sw);
	sm_vmap_get(m, sm_vmap_len(m) - 1, &s, &e);
	return s;
}

/* ------------------------------------------------------------------ lookup */

typedef struct cursor {
	const sm_vmap *m;
	size_t idx;  /* entry number; n_entries = the open entry */
	size_t off;  /* code offset of the next entry */
	size_t v0;   /* text offset of the current entry */
	size_t vw, count;
	uint32_t s0, sw;
	bool valid;
} cursor;

/* Decode the entry at c->off whose predecessor ended at input base. */
static void decode(cursor *c, uint32_t base)
{
	const sm_vmap *m = c->m;
	uint8_t h;

	if (c->idx == m->n_entries) {
		c->vw = m->open ? m->o_vw : 1;
		c->count = m->open ? m->o_count : 0;
		c->s0 = m->o_s0;
		c->sw = m->o_sw;
		return;
	}
	h = m->code[c->off++];
	c->vw = h & 3 ? (size_t)(h & 3) : (size_t)get_varint(m->code, &c->off);
	c->sw = h & 0xc ? (uint32_t)((h >> 2) & 3) : (uint32_t)get_varint(m->code, &c->off);
	c->count = h & 0x10 ? (size_t)get_varint(m->code, &c->off) : 1;
	c->s0 = base;
	if (h & 0x20) {
		uint64_t z = get_varint(m->code, &c->off);

		c->s0 = (uint32_t)((int64_t)base + ((z & 1) ? -(int64_t)((z + 1) >> 1) : (int64_t)(z >> 1)));
	}
}

static void reposition(cursor *c, size_t i)
{
	const sm_vmap *m = c->m;
	size_t lo = 0, hi = m->n_ck;

	while (hi - lo > 1) { /* the last checkpoint with v0 <= i */
		size_t mid = lo + (hi - lo) / 2;

		if (m->ck[mid].v0 <= i)
			lo = mid;
		else
			hi = mid;
	}
	c->valid = true;
	if (!m->n_ck || i >= m->enc_vlen) {
		c->idx = m->n_entries;
		c->v0 = m->enc_vlen;
		decode(c, 0);
		return;
	}
	c->idx = lo * SM_VMAP_CK;
	c->off = m->ck[lo].off;
	c->v0 = m->ck[lo].v0;
	decode(c, m->ck[lo].base);
}

static void step(cursor *c)
{
	uint32_t base = c->s0 + (uint32_t)(c->count * c->sw);

	c->v0 += c->vw * c->count;
	c->idx++;
	decode(c, base);
}

/* Make c's entry the one holding text byte i (i < len). */
static void seek(cursor *c, size_t i)
{
	int n;

	if (!c->valid || i < c->v0)
		reposition(c, i);
	for (n = 0; i >= c->v0 + c->vw * c->count && c->idx < c->m->n_entries; n++) {
		if (n == SM_VMAP_CK) {
			reposition(c, i);
			n = 0;
			continue;
		}
		step(c);
	}
}

static void cursor_get(cursor *c, size_t i, uint32_t *s, uint32_t *e)
{
	size_t k;

	seek(c, i);
	k = (i - c->v0) / c->vw;
	*s = c->s0 + (uint32_t)(k * c->sw);
	*e = *s + c->sw;
}

void sm_vmap_get(const sm_vmap *m, size_t i, uint32_t *s, uint32_t *e)
{
	cursor c = {.m = m};

	cursor_get(&c, i, s, e);
}

size_t sm_vmap_first_at(const sm_vmap *m, uint32_t at)
{
	size_t lo = 0, hi = sm_vmap_len(m);
	cursor c = {.m = m};

	while (lo < hi) { /* starts are monotone: bisect */
		size_t mid = lo + (hi - lo) / 2;
		uint32_t s, e;

		cursor_get(&c, mid, &s, &e);
		if (s < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ------------------------------------------------------------------ compose */

/* Outer units [a + k*sw ...) of one entry, k from 0 to count, through inner. */
static void compose_entry(const cursor *o, cursor *in, size_t inner_len, sm_vmap *out)
{
	size_t k = 0;

	while (k < o->count) {
		uint32_t a = o->s0 + (uint32_t)(k * o->sw), z = a + o->sw, s, e, e2;

		if (a >= inner_len) { /* nothing of inner left: the end of its input */
			cursor_get(in, inner_len - 1, &s, &e);
			sm_vmap_add(out, o->vw, e, 0, o->count - k);
			return;
		}
		cursor_get(in, a, &s, &e);
		if (o->sw == in->vw && (a - in->v0) % in->vw == 0) {
			/* one outer unit per inner unit: the rest of the inner entry at once */
			size_t n = (in->v0 + in->vw * in->count - a) / in->vw;

			if (n > o->count - k)
				n = o->count - k;
			sm_vmap_add(out, o->vw, s, in->sw, n);
			k += n;
			continue;
		}
		if (in->vw == 1 && in->sw == 1 && o->sw > 1) {
			/* inner copied byte for byte: outer units map to o->sw bytes each */
			size_t n = (in->v0 + in->count - a) / o->sw;

			if (n > o->count - k)
				n = o->count - k;
			if (n) {
				sm_vmap_add(out, o->vw, s, o->sw, n);
				k += n;
				continue;
			}
		}
		if (z > a) {
			cursor_get(in, z - 1, &e2, &e);
		} else
			e = s;
		sm_vmap_add(out, o->vw, s, e - s, 1);
		k++;
	}
}

void sm_vmap_compose(const sm_vmap *outer, const sm_vmap *inner, sm_vmap *out)
{
	cursor o = {.m = outer}, in = {.m = inner};
	size_t inner_len = sm_vmap_len(inner);

	sm_vmap_init(out);
	if (!sm_vmap_len(outer) || !inner_len)
		return;
	reposition(&o, 0);
	for (;;) {
		compose_entry(&o, &in, inner_len, out);
		if (o.idx >= outer->n_entries)
			break;
		step(&o);
	}
}
