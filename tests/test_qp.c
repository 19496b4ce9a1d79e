/* test_qp.c - quoted-printable decoding (qp.c) gives exactly GMime's bytes:
 * edge cases, 20,000 random inputs over the characters that matter, GMime
 * fed in random chunks as msg.c used to, every "=XY" of the 256 bytes in
 * either case, and the max limit at, under and one past the decoded
 * length, and at every byte of runs of triples; literal runs of every
 * length around sixteen, with max at every length. */
#include "qp.h"
#include "testutil.h"

#include <gmime/gmime.h>

/* GMime's decoding of src in chunks of at most chunk bytes. */
static GByteArray *gmime_qp(const uint8_t *src, size_t n, size_t chunk)
{
	GMimeEncoding st;
	GByteArray *o = g_byte_array_new();
	char *buf = g_malloc(n + chunk + 64);
	size_t i = 0, got;

	g_mime_encoding_init_decode(&st, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	while (i < n) {
		size_t c = n - i < chunk ? n - i : chunk;

		got = g_mime_encoding_step(&st, (const char *)src + i, c, buf);
		g_byte_array_append(o, (const guint8 *)buf, (guint)got);
		i += c;
	}
	got = g_mime_encoding_flush(&st, "", 0, buf);
	g_byte_array_append(o, (const guint8 *)buf, (guint)got);
	g_free(buf);
	return o;
}

static void same_as_gmime(const uint8_t *src, size_t n, size_t chunk)
{
	GByteArray *want = gmime_qp(src, n, chunk), *got = g_byte_array_new();
	bool cut = sm_qp_decode(src, n, (size_t)-1, got);

	g_assert_false(cut);
	g_assert_cmpmem(got->data, got->len, want->data, want->len);
	g_byte_array_free(want, TRUE);
	g_byte_array_free(got, TRUE);
}

static void test_edges(void)
{
	static const char *const t[] = {
		"", "=", "a=", "=4", "a=4", "=41", "=4a=4A=4g=g4=gg", "=\n", "a=\nb", "=\r\n",
		"a=\r\nb", "=\r", "a=\rb", "=\r\r\n", "= \n", "==41", "===", "=\n=\n=", "=0A=0d",
		"caf=C3=A9 =E3=81=82", "line  \n", "=\x80\x41", "=4\n1", "x=3D=3d",
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		g_test_message("input %zu", i);
		same_as_gmime((const uint8_t *)t[i], strlen(t[i]), 65536);
	}
}

static void test_random(void)
{
	static const uint8_t alpha[] = "==\r\n 0a9Ffgx=\xe3\x80";
	GRand *r = g_rand_new_with_seed(18);
	uint8_t buf[300];
	int k;

	for (k = 0; k < 20000; k++) {
		size_t n = (size_t)g_rand_int_range(r, 0, sizeof(buf)), i;

		for (i = 0; i < n; i++)
			buf[i] = alpha[g_rand_int_range(r, 0, sizeof(alpha) - 1)];
		same_as_gmime(buf, n, (size_t)g_rand_int_range(r, 1, 8));
		same_as_gmime(buf, n, 65536);
	}
	g_rand_free(r);
}

/* Every "=XY" of the 256 bytes, upper and lower case and mixed, in one run
 * and with text between: each digit's value is read right. */
static void test_every_byte(void)
{
	static const char up[] = "0123456789ABCDEF", lo[] = "0123456789abcdef";
	GString *g = g_string_new(NULL);

	for (int c = 0; c < 256; c++)
		g_string_append_printf(g, "=%c%c", up[c >> 4], up[c & 15]);
	for (int c = 0; c < 256; c++)
		g_string_append_printf(g, "=%c%cx", lo[c >> 4], lo[c & 15]);
	for (int c = 0; c < 256; c++)
		g_string_append_printf(g, "=%c%c", (c & 1) ? up[c >> 4] : lo[c >> 4],
				       (c & 1) ? lo[c & 15] : up[c & 15]);
	same_as_gmime((const uint8_t *)g->str, g->len, 65536);
	{
		GByteArray *o = g_byte_array_new();

		sm_qp_decode((const uint8_t *)g->str, 3 * 256, (size_t)-1, o);
		g_assert_cmpuint(o->len, ==, 256);
		for (int c = 0; c < 256 && o->len == 256; c++)
			g_assert_cmpint(o->data[c], ==, c);
		g_byte_array_free(o, TRUE);
	}
	g_string_free(g, TRUE);
}

static void max_of(const char *src);

/* The first max decoded bytes, and cut exactly when the decoding is longer,
 * max falling between literals and inside runs of triples. */
static void test_max(void)
{
	static const char *const srcs[] = {"ab=41=\n=3Dc=ZZ",
					   "x=E3=81=84=E3=81=8A=E4=B8=96y=41=42=43=\n=44=45",
					   "=E3=81=84=E3=81=8A=E4=B8=96"};

	for (size_t k = 0; k < G_N_ELEMENTS(srcs); k++)
		max_of(srcs[k]);
}

static void max_of(const char *src)
{
	GByteArray *full = gmime_qp((const uint8_t *)src, strlen(src), 65536);
	size_t max;

	for (max = 0; max <= full->len + 1; max++) {
		GByteArray *o = g_byte_array_new();
		bool cut;

		g_byte_array_append(o, (const guint8 *)"x", 1); /* appends after what is there */
		cut = sm_qp_decode((const uint8_t *)src, strlen(src), max, o);
		g_assert_cmpint(cut, ==, max < full->len);
		g_assert_cmpmem(o->data + 1, o->len - 1, full->data, MIN(max, full->len));
		g_assert_cmpint(o->data[0], ==, 'x');
		g_byte_array_free(o, TRUE);
	}
	g_byte_array_free(full, TRUE);
}

/* Literal runs of every length around sixteen between triples, soft breaks
 * and bad escapes (the run's next '=' found sixteen bytes at a time, copied
 * as sixteen): GMime's bytes, and with max at every length up to one past
 * the decoded bytes, the first max of them, cut exactly when longer. */
static void test_runs(void)
{
	static const char *const seps[] = {"=3D", "=E3=81=82", "=\n", "=\r\n", "=ZZ", "=4", "="};
	static const char lit[] = "abc xyz\"<>/;:-_0123\r\n\x80\xe3";
	GRand *r = g_rand_new_with_seed(16);

	for (int k = 0; k < 3000; k++) {
		GString *g = g_string_new(NULL);
		int pieces = g_rand_int_range(r, 1, 8);

		for (int p = 0; p < pieces; p++) {
			int run = g_rand_int_range(r, 0, 3) ? g_rand_int_range(r, 0, 20)
							    : g_rand_int_range(r, 0, 48);

			for (int j = 0; j < run; j++)
				g_string_append_c(g, lit[g_rand_int_range(r, 0, (int)sizeof(lit) - 1)]);
			if (p + 1 < pieces || g_rand_boolean(r))
				g_string_append(g, seps[g_rand_int_range(r, 0, (int)G_N_ELEMENTS(seps))]);
		}
		same_as_gmime((const uint8_t *)g->str, g->len, 65536);
		if (k % 10 == 0)
			max_of(g->str);
		g_string_free(g, TRUE);
	}
	g_rand_free(r);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_mime_init();
	g_test_add_func("/qp/edges", test_edges);
	g_test_add_func("/qp/random", test_random);
	g_test_add_func("/qp/max", test_max);
	g_test_add_func("/qp/every_byte", test_every_byte);
	g_test_add_func("/qp/runs", test_runs);
	return g_test_run();
}
