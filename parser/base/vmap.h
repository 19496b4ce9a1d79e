/*
 * vmap.h - a compact, exact map from text bytes back to input byte ranges
 * (the map of the view and of its stages, textbuf.h).
 *
 * Text is built from units: a unit is n text bytes that all map to one input
 * range [a, z) (one character, or the NFKC expansion of one character, or one
 * ASCII byte of a copied run).  Consecutive units of the same text width and
 * input width that follow each other in the input form one entry, so a run of
 * ASCII, of 3-byte kanji from 3-byte UTF-8 or from 2-byte ISO-2022-JP costs a
 * few bytes, not 8 bytes per text byte as two uint32 arrays did.  Entries are
 * varint-coded; every SM_VMAP_CK-th entry has a checkpoint, so a lookup is a
 * binary search plus a walk of at most SM_VMAP_CK entries.
 *
 * The results are exactly those of the per-byte arrays: byte i of unit k of
 * an entry maps to [s0 + k*sw, s0 + (k+1)*sw).  Monotone as long as the
 * caller adds units whose start never goes back (every stage does).
 *
 * Limits: input offsets are uint32 like the stages' (a part is bounded by
 * max_part_bytes, at most 4 GiB); text offsets are size_t.  Ownership: the map owns its arrays; sm_vmap_clear.
 */
#ifndef SM_VMAP_H
#define SM_VMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SM_VMAP_CK 16 /* entries between checkpoints: bounds a lookup's walk */

typedef struct sm_vmap_ck {
	size_t v0;     /* text offset where the entry starts */
	size_t off;    /* byte offset of the entry in code */
	uint32_t base; /* input end of the entry before (its start is base + delta) */
} sm_vmap_ck;

typedef struct sm_vmap {
	uint8_t *code; /* finished entries, varint coded */
	size_t code_len, code_cap;
	sm_vmap_ck *ck;
	size_t n_ck, ck_cap;
	size_t n_entries;
	size_t enc_vlen;   /* text bytes covered by the coded entries */
	uint32_t enc_send; /* input end of the last coded entry */
	/* the open entry, still growing: count units of vw text bytes, sw input bytes */
	bool open;
	uint32_t o_s0, o_sw;
	size_t o_vw, o_count;
} sm_vmap;

void sm_vmap_init(sm_vmap *m);
void sm_vmap_clear(sm_vmap *m); /* frees; the map is empty and usable again */

/* Give back unused capacity (the map is complete and kept). */
void sm_vmap_shrink(sm_vmap *m);

/* Text bytes mapped so far. */
size_t sm_vmap_len(const sm_vmap *m);

/* sm_vmap_add when the units do not continue the open entry (vmap.c). */
void sm_vmap_add_entry(sm_vmap *m, size_t vw, uint32_t a, uint32_t sw, size_t count);

/*
 * count units of vw text bytes each; unit k maps to [a + k*sw, a + (k+1)*sw).
 * Inline because every character of every view goes through here, and most
 * continue the open entry (a run of one width).
 */
static inline void sm_vmap_add(sm_vmap *m, size_t vw, uint32_t a, uint32_t sw, size_t count)
{
	if (m->open && m->o_vw == vw && m->o_sw == sw && vw && count &&
	    (uint64_t)a == (uint64_t)m->o_s0 + (uint64_t)m->o_count * sw) {
		m->o_count += count;
		return;
	}
	sm_vmap_add_entry(m, vw, a, sw, count);
}

/* Cut the map to len text bytes; len must lie in the last entry added. */
void sm_vmap_truncate(sm_vmap *m, size_t len);

/* The input start of the last text byte (map not empty). */
uint32_t sm_vmap_last_start(const sm_vmap *m);

/* The input range of text byte i (i < sm_vmap_len). */
void sm_vmap_get(const sm_vmap *m, size_t i, uint32_t *s, uint32_t *e);

/* The first text byte whose input start is >= at (sm_vmap_len if none). */
size_t sm_vmap_first_at(const sm_vmap *m, uint32_t at);

/* out = outer's map with its input offsets (text offsets of inner's text)
 * replaced by inner's input ranges.  out is initialised here. */
void sm_vmap_compose(const sm_vmap *outer, const sm_vmap *inner, sm_vmap *out);

/* Heap bytes held (for tests and figures). */
size_t sm_vmap_bytes(const sm_vmap *m);

#endif
