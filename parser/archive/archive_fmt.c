/*
 * archive_fmt.c - the archive formats besides zip (archive_int.h): what
 * libarchive streams (tar, 7z, cab, rar, cpio, iso9660, ar, lha, xar and a
 * single compressed file, through gzip, bzip2, xz, lzma, lzip, zstd, lz4,
 * compress) and Outlook's winmail.dat (tnef.c).
 *
 * A stream cannot seek: names are checked as headers come, and every
 * member's data is read in CHUNK pieces and counted (a compressed stream is
 * decompressed to be skipped), so archive_max_bytes and archive_max_ratio
 * bound the work; only members that can hold text are kept, each bounded by
 * max_part_bytes.  Compression layers count as nesting (archive_max_depth).
 * Never opened: mtree (its entries name files on this host), filters that
 * run an external program.
 *
 * Untrusted input: the archive and TNEF bytes, member names (sanitised).
 * Limits: those of archive.c, shared through actx over all levels.
 * Ownership: nothing outlives a call; findings go to actx->res.
 */
#include "archive_int.h"
#include "re.h"
#include "sniff.h"
#include "tnef.h"

#include <archive_entry.h>
#include <string.h>

/* ------------------------------------------------------------ streams */

/* tar, 7z, cab, rar, cpio, iso, ar, lha, xar, and one compressed file (raw),
 * through gzip, bzip2, xz, lzma, lzip, zstd, lz4, compress.  Not mtree (its
 * entries name files on this host) and no filter that runs a program. */
static struct archive *open_stream(const uint8_t *data, size_t len, bool raw_only)
{
	struct archive *ar = archive_read_new();

	archive_read_support_filter_gzip(ar);
	archive_read_support_filter_bzip2(ar);
	archive_read_support_filter_xz(ar);
	archive_read_support_filter_lzma(ar);
	archive_read_support_filter_lzip(ar);
	archive_read_support_filter_zstd(ar);
	archive_read_support_filter_lz4(ar);
	archive_read_support_filter_compress(ar);
	if (!raw_only) {
		archive_read_support_format_tar(ar);
		archive_read_support_format_7zip(ar);
		archive_read_support_format_cab(ar);
		archive_read_support_format_rar(ar);
		archive_read_support_format_rar5(ar);
		archive_read_support_format_cpio(ar);
		archive_read_support_format_iso9660(ar);
		archive_read_support_format_ar(ar);
		archive_read_support_format_lha(ar);
		archive_read_support_format_xar(ar);
	}
	archive_read_support_format_raw(ar);
	if (archive_read_open_memory(ar, data, len) != ARCHIVE_OK) {
		archive_read_free(ar);
		return NULL;
	}
	return ar;
}

static const char *const packed_exts[] = {"gz", "gzip", "bz2", "xz", "lzma", "lz", "zst", "lz4",
					  "z", "tgz", "tbz2", "txz", NULL};

/* The one member of a compressed file: the name without .gz (a.tgz: a.tar). */
static char *raw_name(const char *name)
{
	const char *dot = name ? strrchr(name, '.') : NULL;

	if (!name || !*name)
		return g_strdup("data");
	if (!sm_sniff_has_ext(name, packed_exts) || dot == name)
		return g_strdup(name);
	if (g_ascii_tolower(dot[1]) == 't' && dot[2])
		return g_strdup_printf("%.*s.tar", (int)(dot - name), name);
	return g_strndup(name, (size_t)(dot - name));
}

/* One entry of a stream: name rules, then its data (counted even when not
 * kept: a compressed stream is decompressed to be skipped).  Returns false
 * when its data could not be read: libarchive 3.6.2 can crash skipping the
 * rest of a broken entry (a cab found by fuzz_archive), so the caller stops. */
static bool stream_entry(actx *a, struct archive *ar, struct archive_entry *e,
			 const char *prefix, const char *clean, int depth)
{
	char *path = sm_arc_member_path(prefix, clean);
	GByteArray *b = NULL;
	bool ok = true;

	sm_arc_note_member(a, prefix, clean, path);
	if (archive_entry_is_encrypted(e))
		a->encrypted = true;
	else if (!a->limit && archive_entry_filetype(e) == AE_IFREG) {
		b = sm_arc_read_entry(a, ar, path,
				      sm_arc_worth_reading(clean, false) ? ARC_KEEP : ARC_SNIFF, true);
		ok = !a->read_failed; /* before nested readings overwrite it */
	}
	if (b) {
		sm_arc_scan_member(a, clean, path, b->data, b->len, depth, false);
		g_byte_array_free(b, TRUE);
	}
	g_free(path);
	return ok;
}

/* Compression layers count as nesting: gz of gz of ... is a bomb shape. */
static bool stream_too_deep(actx *a, struct archive *ar, const char *prefix, int depth)
{
	int layers = archive_filter_count(ar) - 1; /* the last "filter" is the input */

	if (depth + (layers > 1 ? layers - 1 : 0) <= a->lim->archive_max_depth)
		return false;
	sm_arc_set_limit(a, g_strdup_printf("%s: archives nested deeper than %lld",
				     prefix ? prefix : "archive", a->lim->archive_max_depth));
	return true;
}

/* Returns false when the stream had no entry at all: tar takes zero blocks
 * (a gzip of zeros) for an empty archive; the caller reads it again as raw. */
bool sm_arc_scan_stream(actx *a, const uint8_t *data, size_t len, const char *prefix,
			const char *name, int depth, bool raw_only)
{
	struct archive *ar = open_stream(data, len, raw_only);
	struct archive_entry *e;
	bool first = true, ok = true;
	int r = ARCHIVE_OK;

	if (!ar) {
		a->corrupt = true;
		return true;
	}
	while (!a->limit && !sm_re_expired() &&
	       ((r = archive_read_next_header(ar, &e)) == ARCHIVE_OK ||
			     r == ARCHIVE_WARN)) {
		bool raw = archive_format(ar) == ARCHIVE_FORMAT_RAW;
		char *clean;

		if (first && raw && archive_filter_count(ar) < 2) {
			a->not_archive = true; /* no compression, no format: plain data */
			break;
		}
		if (first && stream_too_deep(a, ar, prefix, depth))
			break;
		first = false;
		if (raw)
			clean = raw_name(name);
		else {
			const char *n = archive_entry_pathname_utf8(e);

			clean = sm_arc_name(a, prefix, n ? n : archive_entry_pathname(e), true);
		}
		ok = stream_entry(a, ar, e, prefix, clean, depth);
		g_free(clean);
		if (!ok)
			break;
	}
	if (r == ARCHIVE_FATAL) {
		if (archive_read_has_encrypted_entries(ar) > 0)
			a->encrypted = true;
		else
			a->corrupt = true;
	}
	archive_read_free(ar);
	return !(first && r == ARCHIVE_EOF && !raw_only);
}

/* ------------------------------------------------------------ TNEF */

void sm_arc_scan_tnef(actx *a, const uint8_t *data, size_t len, const char *prefix, int depth)
{
	long long room = a->lim->archive_max_bytes - a->bytes;
	long long left = a->lim->archive_max_members - a->members + 1;
	sm_tnef *t = sm_tnef_parse(data, len, (size_t)(left > 0 ? left : 1),
				   (size_t)MAX(0, MIN(room, a->lim->max_part_bytes)));
	size_t i;

	for (i = 0; t && i < sm_tnef_count(t) && !a->limit && !sm_re_expired(); i++) {
		const sm_tnef_member *m = sm_tnef_member_at(t, i);
		char *clean = sm_arc_name(a, prefix ? prefix : "winmail.dat", m->name, true);
		char *path = sm_arc_member_path(prefix ? prefix : "winmail.dat", clean);

		sm_arc_note_member(a, prefix, clean, path);
		if (a->limit || (!sm_arc_worth_reading(clean, false) &&
				 !sm_arc_worth_content(m->data, m->len)))
			; /* as in a zip: a binary member (by name and content) is not read */
		else if ((long long)m->len > a->lim->archive_max_bytes - a->bytes)
			sm_arc_set_limit(a, g_strdup_printf("%s: more than %lld uncompressed bytes", path,
						     a->lim->archive_max_bytes));
		else if ((long long)m->len > a->lim->max_part_bytes)
			sm_arc_set_limit(a, g_strdup_printf("%s: member larger than %lld bytes", path,
						     a->lim->max_part_bytes));
		else {
			a->bytes += (long long)m->len;
			sm_arc_scan_member(a, clean, path, m->data, m->len, depth, false);
		}
		g_free(clean);
		g_free(path);
	}
	if (!t)
		a->corrupt = true;
	else if (!a->limit && sm_tnef_over_members(t))
		sm_arc_set_limit(a, g_strdup_printf("%s: more than %lld members", prefix ? prefix : "winmail.dat",
					     a->lim->archive_max_members));
	else if (!a->limit && sm_tnef_problem(t) && !a->problem)
		a->problem = g_strdup_printf("%s: %s", prefix ? prefix : "winmail.dat",
					     sm_tnef_problem(t));
	sm_tnef_free(t);
}
