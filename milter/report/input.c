/*
 * input.c - the lines of one audit log file, plain or compressed.
 *
 * Input: files named by the user, rotated (audit.log.1) and compressed by
 * logrotate (audit.log.2.gz; bzip2, xz and zstd too): libarchive's "raw"
 * format with every filter decompresses them, and reads a plain file as it
 * is.  Lines are cut at '\n'; a line over RP_MAX_LINE is skipped to its end
 * and counted, never held whole.  A last line without '\n' counts.
 */
#include "report.h"

#include <archive.h>
#include <stdio.h>
#include <string.h>

typedef struct lines {
	GString *buf;
	bool skipping;      /* inside a line over RP_MAX_LINE */
	guint64 *too_long;
	rp_line_fn fn;
	void *ud;
} lines;

static void feed(lines *l, const char *p, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;

		if (!l->skipping && take > RP_MAX_LINE - l->buf->len) {
			l->skipping = true;
			(*l->too_long)++;
			g_string_truncate(l->buf, 0);
		}
		if (!l->skipping) {
			if (nl && l->buf->len == 0)
				l->fn(l->ud, p, take); /* the whole line is here: no copy */
			else
				g_string_append_len(l->buf, p, take);
		}
		if (!nl)
			return;
		if (!l->skipping && l->buf->len) {
			l->fn(l->ud, l->buf->str, l->buf->len);
			g_string_truncate(l->buf, 0);
		}
		l->skipping = false;
		p = nl + 1;
		n -= take + 1;
	}
}

int rp_read_file(const char *path, rp_line_fn fn, void *ud, guint64 *too_long, char *err,
		 size_t errlen)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	lines l = {g_string_sized_new(4096), false, too_long, fn, ud};
	const void *buf;
	size_t n;
	la_int64_t off;
	int rc = -1, r;

	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	archive_read_support_format_empty(a);
	r = strcmp(path, "-") == 0 ? archive_read_open_fd(a, 0, 1 << 20)
				   : archive_read_open_filename(a, path, 1 << 20);
	if (r != ARCHIVE_OK) {
		snprintf(err, errlen, "%s: %s", path, archive_error_string(a));
		goto out;
	}
	r = archive_read_next_header(a, &e);
	if (r == ARCHIVE_EOF) {
		rc = 0; /* an empty file */
		goto out;
	}
	if (r != ARCHIVE_OK) {
		snprintf(err, errlen, "%s: %s", path, archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_data_block(a, &buf, &n, &off)) == ARCHIVE_OK)
		feed(&l, buf, n);
	if (r != ARCHIVE_EOF) {
		snprintf(err, errlen, "%s: %s (read up to there)", path, archive_error_string(a));
		goto out;
	}
	rc = 0;
out:
	if (!l.skipping && l.buf->len)
		fn(ud, l.buf->str, l.buf->len); /* the last line had no newline */
	g_string_free(l.buf, TRUE);
	archive_read_free(a);
	return rc;
}
