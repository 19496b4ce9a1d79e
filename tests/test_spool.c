/* test_spool.c - the message spool (milter/daemon/spool.c): what comes out
 * of it is every byte appended, in order, whatever the chunk sizes; a
 * message up to 64 KiB (and spool_threshold) stays in the spool's buffer
 * with no descriptor and no write at all (sm_spool_mem), one byte more goes
 * to a memfd; a message up to spool_threshold stays in memory, one byte
 * more moves it to a file with its bytes; max_message_bytes holds at the
 * limit and fails one past it; and the bytes are written in pieces of up to
 * 64 KiB, not once per header field or chunk.
 * A finished memfd spool is sealed: a holder of the descriptor (a scanner
 * worker) cannot write, cut, grow or map it writable; a seal that cannot be
 * added fails the message.
 * milter/ is not in the parser library: the module is compiled in here,
 * with write(2) counted and fcntl(2) made to fail on demand. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

static bool fail_seal;
static int test_fcntl(int fd, int cmd, int arg, ...)
{
	if (cmd == F_ADD_SEALS && fail_seal) {
		errno = EINVAL;
		return -1;
	}
	return cmd == F_ADD_SEALS ? fcntl(fd, cmd, arg) : fcntl(fd, cmd);
}
#define fcntl(...) test_fcntl(__VA_ARGS__, 0)

static unsigned writes;
static ssize_t counted_write(int fd, const void *buf, size_t len)
{
	writes++;
	return write(fd, buf, len);
}
#define write counted_write
#include "spool.c"
#undef write
#undef fcntl

#include "testutil.h"

/* The descriptor's whole content. */
static GByteArray *content(int fd)
{
	GByteArray *b = g_byte_array_new();
	char buf[65536];
	off_t at = 0;
	ssize_t n;

	while ((n = pread(fd, buf, sizeof(buf), at)) > 0) {
		g_byte_array_append(b, (const guint8 *)buf, (guint)n);
		at += n;
	}
	g_assert_cmpint(n, ==, 0);
	return b;
}

/* Nobody holding fd can change the size bytes it holds. */
static void assert_sealed(int fd, size_t size)
{
	struct stat st;

	if (size > 0) {
		g_assert_cmpint(ftruncate(fd, (off_t)(size - 1)), ==, -1);
		g_assert_cmpint(errno, ==, EPERM);
	}
	g_assert_cmpint(ftruncate(fd, (off_t)size + 1), ==, -1);
	g_assert_cmpint(pwrite(fd, "x", 1, 0), ==, -1);
	g_assert_cmpint(errno, ==, EPERM);
	g_assert_true(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
	g_assert_cmpint(fcntl(fd, F_ADD_SEALS, 0), ==, -1); /* F_SEAL_SEAL */
	g_assert_cmpint(fstat(fd, &st), ==, 0);
	g_assert_cmpint(st.st_size, ==, (off_t)size);
}

/* A memfd that cannot be sealed: the spool fails (the message fails closed),
 * saying why; a file spool needs no seal. */
static void test_seal_fails(void)
{
	char err[256] = "";
	sm_spool *s = sm_spool_new("/tmp", 1 << 20, 1 << 30);
	bool over;
	static char big[SM_SPOOL_BUF + 1]; /* past the buffer: a memfd */

	g_assert_cmpint(sm_spool_append(s, big, sizeof(big), &over, err, sizeof(err)), ==, 0);
	fail_seal = true;
	g_assert_cmpint(sm_spool_finish(s, err, sizeof(err)), ==, -1);
	fail_seal = false;
	g_assert_nonnull(strstr(err, "cannot be sealed"));
	g_assert_false(sm_spool_sealed(s));
	sm_spool_free(s);
}

static char *tmpdir(void)
{
	char *d = g_dir_make_tmp("test_spool-XXXXXX", NULL);

	g_assert_nonnull(d);
	return d;
}

/* Appends chunks of random sizes (some larger than the buffer) up to
 * total bytes; the spool's content is their concatenation. */
static void run(size_t threshold, size_t total, GRand *r, const char *dir)
{
	sm_spool *s = sm_spool_new(dir, threshold, 1u << 30);
	GByteArray *want = g_byte_array_new(), *got;
	char err[256];
	bool over;

	while (want->len < total) {
		size_t n = g_rand_int_range(r, 0, 4) == 0 ? (size_t)g_rand_int_range(r, 0, 150000)
							  : (size_t)g_rand_int_range(r, 0, 200);
		guint8 *chunk;

		n = MIN(n, total - want->len);
		chunk = g_malloc(n + 1);

		for (size_t i = 0; i < n; i++)
			chunk[i] = (guint8)g_rand_int(r);
		g_assert_cmpint(sm_spool_append(s, chunk, n, &over, err, sizeof(err)), ==, 0);
		g_byte_array_append(want, chunk, (guint)n);
		g_free(chunk);
	}
	g_assert_cmpint(sm_spool_finish(s, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(sm_spool_size(s), ==, total);
	if (total <= threshold && total <= SM_SPOOL_BUF) { /* never left the buffer */
		g_assert_nonnull(sm_spool_mem(s));
		g_assert_true(total == 0 || memcmp(sm_spool_mem(s), want->data, total) == 0);
		g_assert_cmpint(sm_spool_fd(s), ==, -1);
		g_assert_false(sm_spool_sealed(s));
		g_byte_array_free(want, TRUE);
		sm_spool_free(s);
		return;
	}
	g_assert_null(sm_spool_mem(s));
	got = content(sm_spool_fd(s));
	g_assert_cmpuint(got->len, ==, want->len);
	g_assert_true(want->len == 0 || memcmp(got->data, want->data, want->len) == 0);
	g_assert_true(s->in_mem == (total <= threshold));
	g_assert_true(sm_spool_sealed(s) == s->in_mem);
	if (s->in_mem)
		assert_sealed(sm_spool_fd(s), total);
	g_byte_array_free(got, TRUE);
	g_byte_array_free(want, TRUE);
	sm_spool_free(s);
}

static void test_content(void)
{
	GRand *r = g_rand_new_with_seed(18);
	char *dir = tmpdir();
	static const size_t thr[] = {0, 1, 4096, 65535, 65536, 65537, 100000, 1 << 20};

	for (size_t t = 0; t < G_N_ELEMENTS(thr); t++) {
		size_t th = thr[t];

		for (int k = 0; k < 20; k++)
			run(th, (size_t)g_rand_int_range(r, 0, 400000), r, dir);
		run(th, th, r, dir);     /* at the threshold: in memory */
		run(th, th + 1, r, dir); /* one past: a file */
		run(th, SM_SPOOL_BUF, r, dir);     /* the buffer full: kept there */
		run(th, SM_SPOOL_BUF + 1, r, dir); /* one past: a descriptor */
	}
	g_rand_free(r);
	rmdir(dir);
	g_free(dir);
}

/* A message as the milter protocol brings it: ten header fields, the empty
 * line, one body chunk of 20 KB: nothing written, no descriptor, the bytes
 * in the buffer (sm_spool_mem); past 64 KiB, one write per 64 KiB or so. */
static void test_one_write(void)
{
	char *dir = tmpdir(), err[256], body[20000], hdr[100];
	sm_spool *s = sm_spool_new(dir, 1 << 20, 1 << 30);
	GByteArray *got;
	bool over;

	memset(body, 'b', sizeof(body));
	writes = 0;
	for (int i = 0; i < 10; i++) {
		snprintf(hdr, sizeof(hdr), "X-Field-%d: value %d\r\n", i, i);
		g_assert_cmpint(sm_spool_append(s, hdr, strlen(hdr), &over, err, sizeof(err)), ==, 0);
	}
	g_assert_cmpint(sm_spool_append(s, "\r\n", 2, &over, err, sizeof(err)), ==, 0);
	g_assert_cmpint(sm_spool_append(s, body, sizeof(body), &over, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(writes, ==, 0);
	g_assert_cmpint(sm_spool_fd(s), ==, -1);
	g_assert_cmpint(sm_spool_finish(s, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(writes, ==, 0);
	g_assert_cmpint(sm_spool_fd(s), ==, -1);
	g_assert_nonnull(sm_spool_mem(s));
	g_assert_true(memcmp((const char *)sm_spool_mem(s) + sm_spool_size(s) - sizeof(body), body,
			     sizeof(body)) == 0);
	sm_spool_free(s);

	/* 70,000 bytes in the same pieces: one write at the end, a memfd */
	s = sm_spool_new(dir, 1 << 20, 1 << 30);
	writes = 0;
	for (int i = 0; i < 10; i++) {
		snprintf(hdr, sizeof(hdr), "X-Field-%d: value %d\r\n", i, i);
		g_assert_cmpint(sm_spool_append(s, hdr, strlen(hdr), &over, err, sizeof(err)), ==, 0);
	}
	for (int i = 0; i < 3; i++)
		g_assert_cmpint(sm_spool_append(s, body, sizeof(body), &over, err, sizeof(err)), ==, 0);
	g_assert_cmpint(sm_spool_append(s, body, 10000, &over, err, sizeof(err)), ==, 0);
	g_assert_cmpint(sm_spool_finish(s, err, sizeof(err)), ==, 0);
	g_assert_null(sm_spool_mem(s));
	g_assert_cmpuint(writes, ==, 2); /* the full buffer, then the rest */
	got = content(sm_spool_fd(s));
	g_assert_cmpuint(got->len, ==, sm_spool_size(s));
	g_assert_true(memcmp(got->data + got->len - 10000, body, 10000) == 0);
	g_byte_array_free(got, TRUE);
	sm_spool_free(s);

	/* 1 MB in body chunks of 65535 (Postfix's MILTER_CHUNK_SIZE) and
	 * 1,000 small pieces: one write per 64 KiB or so, not per chunk */
	s = sm_spool_new(dir, 1 << 20, 1 << 30);
	writes = 0;
	for (int i = 0; i < 1000; i++)
		g_assert_cmpint(sm_spool_append(s, "ab", 2, &over, err, sizeof(err)), ==, 0);
	for (size_t done = 0; done < 1000000; done += 65535) {
		static char chunk[65535];

		g_assert_cmpint(sm_spool_append(s, chunk, MIN(sizeof(chunk), 1000000 - done), &over,
						err, sizeof(err)), ==, 0);
	}
	g_assert_cmpint(sm_spool_finish(s, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(writes, <=, 2 * (1002000 / 65536 + 1));
	g_assert_true(s->in_mem);
	sm_spool_free(s);
	rmdir(dir);
	g_free(dir);
}

/* max_message_bytes: the message at the limit is whole, one byte more is
 * "over", never a silent cut; an empty message is an empty buffer. */
static void test_max(void)
{
	char *dir = tmpdir(), err[256] = "", buf[1000] = {0};
	sm_spool *s = sm_spool_new(dir, 500, 3000);
	bool over = true;

	for (int i = 0; i < 3; i++)
		g_assert_cmpint(sm_spool_append(s, buf, 1000, &over, err, sizeof(err)), ==, 0);
	g_assert_false(over);
	g_assert_cmpint(sm_spool_append(s, buf, 1, &over, err, sizeof(err)), ==, -1);
	g_assert_true(over);
	g_assert_nonnull(strstr(err, "max_message_bytes"));
	g_assert_cmpint(sm_spool_finish(s, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(sm_spool_size(s), ==, 3000);
	sm_spool_free(s);

	s = sm_spool_new(dir, 500, 3000);
	g_assert_cmpint(sm_spool_finish(s, err, sizeof(err)), ==, 0);
	g_assert_cmpint(sm_spool_fd(s), ==, -1);
	g_assert_nonnull(sm_spool_mem(s));
	g_assert_cmpuint(sm_spool_size(s), ==, 0);
	sm_spool_free(s);
	rmdir(dir);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/spool/content", test_content);
	g_test_add_func("/spool/one_write", test_one_write);
	g_test_add_func("/spool/max", test_max);
	g_test_add_func("/spool/seal_fails", test_seal_fails);
	return g_test_run();
}
