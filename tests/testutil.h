/*
 * testutil.h - shared by the GTest unit tests: TAP output through prove,
 * non-fatal assertions so one failure does not hide the rest, and paths.
 */
#ifndef SM_TESTUTIL_H
#define SM_TESTUTIL_H

#include <glib.h>
#include <stdlib.h>
#include <string.h>

static inline void sm_test_init(int *argc, char ***argv)
{
	g_test_init(argc, argv, NULL);
	g_test_set_nonfatal_assertions();
}

/* The project's top directory (SM_TOP from make, else "."). */
static inline const char *sm_test_top(void)
{
	const char *t = getenv("SM_TOP");

	return t && *t ? t : ".";
}

/* Read a file relative to the top; g_free. Aborts the test on failure. */
static inline char *sm_test_read(const char *rel, gsize *len)
{
	char *path = g_build_filename(sm_test_top(), rel, NULL);
	char *data = NULL;
	GError *e = NULL;

	if (!g_file_get_contents(path, &data, len, &e)) {
		g_test_message("cannot read %s: %s", path, e->message);
		g_error_free(e);
		g_test_fail();
		data = g_strdup("");
		*len = 0;
	}
	g_free(path);
	return data;
}

#endif
