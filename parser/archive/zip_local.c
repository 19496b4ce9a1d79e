/*
 * zip_local.c - a zip read without its central directory (archive_int.h):
 * its local file headers in order, through libarchive's streaming reader,
 * for a zip whose directory is cut off or missing or hidden by junk before
 * it; and the signs of a zip that does not start at the first byte (a local
 * header after junk, the end record in the last 64 KiB).
 *
 * What is read is scanned as archive.c scans members; the zip is reported
 * corrupt all the same (the part fails closed: limits.on_unreadable), unless
 * junk held no member at all: a signature met by chance is no zip.
 *
 * Untrusted input: the zip bytes, member names (sanitised and masked by
 * sm_arc_name).  Limits: those of archive.c, through actx; a local header is
 * searched with memmem, once per candidate.  Nothing outlives a call.
 */
#include "archive_int.h"
#include "re.h"

#include <archive_entry.h>
#include <string.h>

/* The first local file header "PK\3\4" in d[0, n) that looks like one
 * (version needed below 64, a compression method below 100); n if none. */
static size_t find_lfh(const uint8_t *d, size_t n)
{
	const uint8_t *p = d, *e = d + n;

	while (e - p >= 10 && (p = memmem(p, (size_t)(e - p), "PK\3\4", 4)) != NULL) {
		if (e - p >= 10 && p[4] < 64 && p[5] == 0 && p[8] < 100 && p[9] == 0)
			return (size_t)(p - d);
		p++;
	}
	return n;
}

/* A member name as a zip tool writes it: not empty, UTF-8, no controls.  A
 * zip signature met by chance in binary data is followed by none. */
static bool plausible_name(const char *n)
{
	if (!n || !*n || !g_utf8_validate(n, -1, NULL))
		return false;
	for (; *n; n++)
		if ((unsigned char)*n < 0x20 || *n == 0x7f)
			return false;
	return true;
}

/* One member met in the local headers: its name, then its data (kept by
 * name, or by content).  False when its data could not be read; *good when
 * it looks like a real member (a plausible name, data read). */
static bool local_entry(actx *a, struct archive *ar, struct archive_entry *e, const char *prefix,
			int depth, bool *good)
{
	const char *name = archive_entry_pathname_utf8(e);
	char *clean = sm_arc_name(a, prefix, name ? name : archive_entry_pathname(e), true);
	char *path = sm_arc_member_path(prefix, clean);
	GByteArray *b = NULL;
	bool ok = true;

	*good = plausible_name(archive_entry_pathname(e));

	sm_arc_note_member(a, prefix, clean, path);
	if (archive_entry_is_encrypted(e))
		a->encrypted = true;
	else if (!a->limit && archive_entry_filetype(e) == AE_IFREG) {
		b = sm_arc_read_entry(a, ar, path,
				      sm_arc_worth_reading(clean, false) ? ARC_KEEP : ARC_SNIFF, true);
		ok = !a->read_failed;
	}
	*good = *good && ok;
	if (b) {
		sm_arc_scan_member(a, clean, path, b->data, b->len, depth, false);
		g_byte_array_free(b, TRUE);
	}
	g_free(clean);
	g_free(path);
	return ok;
}

/*
 * A zip whose central directory cannot be read (cut off, missing): its local
 * headers in order, through libarchive's streaming reader from the first
 * one.  What is read is scanned; the zip is unreadable all the same (it
 * cannot be opened as a zip is, and other tools may extract what this could
 * not), unless junk before it held no header at all: then it was no zip.
 */
void sm_arc_walk_local(actx *a, const uint8_t *data, size_t len, const char *prefix, int depth,
		       bool at_start)
{
	size_t off = find_lfh(data, len);
	struct archive *ar = archive_read_new();
	struct archive_entry *e;
	unsigned good = 0;
	bool g, ok = true;
	int r;

	archive_read_support_format_zip_streamable(ar);
	if (off < len && archive_read_open_memory(ar, data + off, len - off) == ARCHIVE_OK)
		while (ok && !a->limit && !sm_re_expired() &&
		       ((r = archive_read_next_header(ar, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)) {
			ok = local_entry(a, ar, e, prefix, depth, &g);
			good += g;
		}
	archive_read_free(ar);
	if (good == 0 && !at_start)
		a->not_archive = true;
	else
		a->corrupt = true;
}

/* The end of central directory record in the last 64 KiB + 22 bytes (its
 * comment is at most 65535 bytes): a zip with something before it. */
bool sm_arc_has_eocd(const uint8_t *d, size_t n)
{
	size_t from = n > 65557 ? n - 65557 : 0;

	return n >= 22 && memmem(d + from, n - from, "PK\5\6", 4) != NULL;
}

bool sm_archive_sniff_inside(const uint8_t *data, size_t len)
{
	return data && len > 1 && find_lfh(data + 1, len - 1) < len - 1;
}

