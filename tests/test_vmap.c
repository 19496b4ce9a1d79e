/* test_vmap.c - the compact map against a naive per-byte reference (two
 * uint32 arrays, what the view kept before): random units, runs, cuts and
 * compositions must give exactly the same range for every text byte. */
#include "vmap.h"
#include "testutil.h"

typedef struct naive {
	GArray *s, *e; /* uint32 per text byte */
} naive;

static void naive_add(naive *n, size_t vw, uint32_t a, uint32_t sw, size_t count)
{
	size_t k, j;

	for (k = 0; k < count; k++)
		for (j = 0; j < vw; j++) {
			uint32_t s = a + (uint32_t)k * sw, e = s + sw;

			g_array_append_val(n->s, s);
			g_array_append_val(n->e, e);
		}
}

/* 0 if every byte agrees; else the first byte that does not, plus one. */
static size_t first_diff(const sm_vmap *m, const naive *n)
{
	size_t i;

	if (sm_vmap_len(m) != n->s->len)
		return (size_t)-1;
	for (i = 0; i < n->s->len; i++) {
		uint32_t s, e;

		sm_vmap_get(m, i, &s, &e);
		if (s != g_array_index(n->s, uint32_t, i) || e != g_array_index(n->e, uint32_t, i))
			return i + 1;
	}
	return 0;
}

/* A random text the way the stages build one: runs, characters of 1-4
 * bytes, NFKC expansions, skipped input, tags mapped to one byte, cuts. */
static void build(GRand *r, sm_vmap *m, naive *n, size_t ops, uint32_t maxstep)
{
	uint32_t at = 0;
	size_t i;

	sm_vmap_init(m);
	n->s = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	n->e = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (i = 0; i < ops; i++) {
		int kind = g_rand_int_range(r, 0, 6);
		size_t vw = (size_t)g_rand_int_range(r, 1, 5), cnt = 1;
		uint32_t sw = (uint32_t)g_rand_int_range(r, 0, 4);

		if (kind == 0) { /* ASCII run */
			vw = 1, sw = 1, cnt = (size_t)g_rand_int_range(r, 1, 200);
		} else if (kind == 1) { /* a run of same-width characters */
			sw = (uint32_t)g_rand_int_range(r, 1, 4), cnt = (size_t)g_rand_int_range(r, 1, 20);
		} else if (kind == 2) { /* input skipped (escapes, zero-width) */
			at += (uint32_t)g_rand_int_range(r, 1, (gint32)maxstep);
		} else if (kind == 3) { /* one tag -> one byte */
			vw = 1, sw = (uint32_t)g_rand_int_range(r, 1, (gint32)maxstep);
		} else if (kind == 4 && sm_vmap_len(m) > 0) { /* compose with the previous unit */
			size_t cut = (size_t)g_rand_int_range(r, 1, 4), len = sm_vmap_len(m);
			uint32_t pa = sm_vmap_last_start(m);

			g_assert_cmpuint(pa, ==, g_array_index(n->s, uint32_t, len - 1));
			/* cut inside the last unit only, as the fold stage does */
			while (cut > 1 && (cut > len || len - cut < m->enc_vlen))
				cut--;
			if (len - cut < m->enc_vlen)
				continue;
			sm_vmap_truncate(m, len - cut);
			g_array_set_size(n->s, len - cut);
			g_array_set_size(n->e, len - cut);
			sw = at + 1 - pa;
			sm_vmap_add(m, 3, pa, sw, 1);
			naive_add(n, 3, pa, sw, 1);
			at = pa + sw;
			continue;
		}
		sm_vmap_add(m, vw, at, sw, cnt);
		naive_add(n, vw, at, sw, cnt);
		at += sw * (uint32_t)cnt;
	}
}

static void naive_free(naive *n)
{
	g_array_free(n->s, TRUE);
	g_array_free(n->e, TRUE);
}

static void test_random_vs_naive(void)
{
	GRand *r = g_rand_new_with_seed(42);
	int round;

	for (round = 0; round < 300; round++) {
		sm_vmap m;
		naive n;
		size_t d;

		build(r, &m, &n, (size_t)g_rand_int_range(r, 1, 400), round % 2 ? 5 : 100000);
		d = first_diff(&m, &n);
		if (d) {
			g_test_message("round %d: map differs at byte %zu", round, d - 1);
			g_test_fail();
		}
		sm_vmap_clear(&m);
		naive_free(&n);
	}
	g_rand_free(r);
}

/* compose(outer, inner) equals the per-byte composition of the arrays. */
static void test_compose_vs_naive(void)
{
	GRand *r = g_rand_new_with_seed(7);
	int round;

	for (round = 0; round < 1000; round++) {
		sm_vmap in, out, comp, ref_m;
		naive ni, no, ref;
		size_t i, inner_len;
		uint32_t at = 0;

		build(r, &in, &ni, (size_t)g_rand_int_range(r, 1, 300), 50);
		inner_len = ni.s->len;
		if (!inner_len) {
			sm_vmap_clear(&in);
			naive_free(&ni);
			continue;
		}
		/* outer: units over inner's text offsets, as the HTML and fold stages make */
		sm_vmap_init(&out);
		no.s = g_array_new(FALSE, FALSE, sizeof(uint32_t));
		no.e = g_array_new(FALSE, FALSE, sizeof(uint32_t));
		while (at < inner_len) {
			uint32_t sw = (uint32_t)g_rand_int_range(r, 1, 5);
			size_t vw = (size_t)g_rand_int_range(r, 1, 4), cnt = 1;

			if (g_rand_boolean(r))
				vw = 1, sw = 1, cnt = (size_t)g_rand_int_range(r, 1, 40);
			else if (g_rand_boolean(r)) /* a run of wider units (kanji from UTF-8) */
				cnt = (size_t)g_rand_int_range(r, 1, 6);
			if (at + sw * cnt > inner_len)
				sw = 1, cnt = inner_len - at;
			if (g_rand_int_range(r, 0, 8) == 0) {
				at += sw; /* dropped input (a tag, a zero-width character) */
				continue;
			}
			sm_vmap_add(&out, vw, at, sw, cnt);
			naive_add(&no, vw, at, sw, cnt);
			at += sw * (uint32_t)cnt;
		}
		sm_vmap_compose(&out, &in, &comp);
		sm_vmap_init(&ref_m);
		ref.s = g_array_new(FALSE, FALSE, sizeof(uint32_t));
		ref.e = g_array_new(FALSE, FALSE, sizeof(uint32_t));
		for (i = 0; i < no.s->len; i++) {
			uint32_t a = g_array_index(no.s, uint32_t, i), z = g_array_index(no.e, uint32_t, i);
			uint32_t s = g_array_index(ni.s, uint32_t, a);
			uint32_t e = z > a ? g_array_index(ni.e, uint32_t, z - 1) : s;

			g_array_append_val(ref.s, s);
			g_array_append_val(ref.e, e);
		}
		i = first_diff(&comp, &ref);
		if (i) {
			g_test_message("round %d: composed map differs at byte %zu", round, i - 1);
			g_test_fail();
		}
		sm_vmap_clear(&in);
		sm_vmap_clear(&out);
		sm_vmap_clear(&comp);
		sm_vmap_clear(&ref_m);
		naive_free(&ni);
		naive_free(&no);
		naive_free(&ref);
	}
	g_rand_free(r);
}

/* Runs cost a few bytes; alternating widths stay under 8 bytes per byte;
 * first_at finds the first byte at or after an input offset. */
static void test_size_and_first_at(void)
{
	sm_vmap m;
	size_t i;

	sm_vmap_init(&m);
	sm_vmap_add(&m, 1, 0, 1, 1000000);
	for (i = 0; i < 100000; i++)
		sm_vmap_add(&m, 3, 1000000 + 3 * (uint32_t)i, 3, 1);
	g_assert_cmpuint(sm_vmap_len(&m), ==, 1300000);
	g_assert_cmpuint(m.n_entries, <=, 1);
	g_assert_cmpuint(sm_vmap_first_at(&m, 999999), ==, 999999);
	g_assert_cmpuint(sm_vmap_first_at(&m, 1000000), ==, 1000000);
	g_assert_cmpuint(sm_vmap_first_at(&m, 1000001), ==, 1000003);
	g_assert_cmpuint(sm_vmap_first_at(&m, 5000000), ==, 1300000);
	sm_vmap_clear(&m);
	sm_vmap_init(&m);
	for (i = 0; i < 100000; i++) { /* 'a' then 'Ａ': the worst ordinary text */
		sm_vmap_add(&m, 1, 4 * (uint32_t)i, 1, 1);
		sm_vmap_add(&m, 1, 4 * (uint32_t)i + 1, 3, 1);
	}
	g_assert_cmpuint(sm_vmap_bytes(&m), <=, 4 * 200000); /* the arrays: 8 per byte */
	sm_vmap_clear(&m);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/vmap/random_vs_naive", test_random_vs_naive);
	g_test_add_func("/vmap/compose_vs_naive", test_compose_vs_naive);
	g_test_add_func("/vmap/size_and_first_at", test_size_and_first_at);
	return g_test_run();
}
