/*
 * replay.c - a main() for the fuzz harnesses without libFuzzer: runs
 * LLVMFuzzerTestOneInput on every file named (directories: every regular
 * file in them, sorted, one level, except `todo-*`: inputs for known, still
 * open bugs, which tests/fuzz-replay.t runs one by one as TAP TODO tests).  Built with gcc and ASan+UBSan by
 * `make check` (build/san/fuzz-replay/), so every saved crash, the seeds and
 * the regression inputs in tests/fuzz/regress/ are re-run on every check.
 *
 * Untrusted input: the files.  Each is read whole, up to REPLAY_MAX_BYTES
 * (larger ones are cut there and said so on stderr, as libFuzzer's -max_len
 * would).  Prints "replayed N inputs" on success; a violated invariant aborts.
 */
#include "fuzzutil.h"

#include <sys/stat.h>

#define REPLAY_MAX_BYTES (8u * 1024 * 1024)

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int replay_file(const char *path, unsigned *count)
{
	char *data = NULL;
	gsize len = 0;
	GError *e = NULL;

	if (!g_file_get_contents(path, &data, &len, &e)) {
		fprintf(stderr, "replay: %s: %s\n", path, e->message);
		g_error_free(e);
		return -1;
	}
	if (len > REPLAY_MAX_BYTES) {
		fprintf(stderr, "replay: %s: cut to %u bytes\n", path, REPLAY_MAX_BYTES);
		len = REPLAY_MAX_BYTES;
	}
	if (getenv("REPLAY_VERBOSE"))
		fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	g_free(data);
	(*count)++;
	return 0;
}

static int by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir, unsigned *count)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *n;
	int rc = 0;
	unsigned i;

	if (!d)
		return -1;
	while ((n = g_dir_read_name(d)))
		if (!g_str_has_prefix(n, "todo-") && n[0] != '.')
			g_ptr_array_add(names, g_build_filename(dir, n, NULL));
	g_dir_close(d);
	g_ptr_array_sort(names, by_name);
	for (i = 0; i < names->len; i++) {
		const char *p = g_ptr_array_index(names, i);

		if (g_file_test(p, G_FILE_TEST_IS_REGULAR) && replay_file(p, count) < 0)
			rc = -1;
	}
	g_ptr_array_free(names, TRUE);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int i, rc = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (g_file_test(argv[i], G_FILE_TEST_IS_DIR))
			rc |= replay_dir(argv[i], &count);
		else
			rc |= replay_file(argv[i], &count);
	}
	printf("replayed %u inputs\n", count);
	return rc ? 1 : 0;
}
