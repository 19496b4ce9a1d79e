/*
 * archive_int.h - shared by archive.c (zip, Office, members, the entry
 * point), zip_local.c (a zip without its directory) and archive_fmt.c
 * (libarchive's streaming formats, TNEF): the inspection context every level
 * shares, so the limits are counted once over all formats and all nesting.
 * Not for use outside these files.
 */
#ifndef SM_ARCHIVE_INT_H
#define SM_ARCHIVE_INT_H

#include "sm_archive.h"

/* parser/archive.h shadows libarchive's <archive.h> on the -Iparser path */
#include <archive.h>
#include <stdbool.h>

#define RATIO_FLOOR (1024 * 1024)
#define CHUNK 65536

typedef struct actx {
	const sm_detectors *d;
	const sm_scan_ctx *ctx;
	const sm_limits *lim;
	sm_archive_result *res;
	long long bytes;   /* uncompressed bytes read so far, all levels */
	long long members; /* members listed so far, all levels */
	size_t outer_len;  /* compressed size of the outermost archive */
	bool limit, encrypted, corrupt, not_archive;
	bool read_failed;  /* the last sm_arc_read_entry hit a read error */
	char *problem;     /* why a TNEF stream was not read in full (owned) */
} actx;

/* How a member's data is read: counted only, kept, or kept when its first
 * SNIFF_BYTES look like text or an archive (content decides, not the name). */
typedef enum { ARC_SKIP, ARC_KEEP, ARC_SNIFF } arc_keep;

#define SNIFF_BYTES 4096

/* archive.c */
void sm_arc_set_limit(actx *a, char *detail); /* the first limit decides; detail taken */
char *sm_arc_sanitize(const char *name);      /* printable, bounded; g_free */
/* A member's name for every report: sanitised, and a confidential value in
 * it masked (the detectors run over names as over any text); record: the
 * values become hits, once per member (where it is counted).  g_free. */
char *sm_arc_name(actx *a, const char *prefix, const char *raw, bool record);
char *sm_arc_member_path(const char *prefix, const char *clean);
void sm_arc_note_member(actx *a, const char *prefix, const char *clean, const char *path);
bool sm_arc_worth_reading(const char *name, bool office);
/* Content that can hold text: text by its bytes, or an archive. */
bool sm_arc_worth_content(const uint8_t *d, size_t n);
/* The current entry's data, bounded; NULL when a limit stopped it, when
 * skipped, or when sniffed as media / binary.  count_rest: a member not kept
 * is still decompressed and counted to its end (a stream must be, to skip);
 * else reading stops there (a seekable zip skips for free). */
GByteArray *sm_arc_read_entry(actx *a, struct archive *ar, const char *path, arc_keep keep,
			      bool count_rest);
void sm_arc_scan_member(actx *a, const char *name, const char *path, const uint8_t *d, size_t n,
			int depth, bool office);
void sm_arc_scan_container(actx *a, const uint8_t *data, size_t len, const char *prefix,
			   const char *name, int depth);

/* zip_local.c */
/* The local headers of a zip whose directory cannot be read (at_start: the
 * data starts with a zip signature, so it is corrupt even with no member). */
void sm_arc_walk_local(actx *a, const uint8_t *data, size_t len, const char *prefix, int depth,
		       bool at_start);
/* The end of central directory record in the last 64 KiB + 22 bytes. */
bool sm_arc_has_eocd(const uint8_t *d, size_t n);

/* archive_fmt.c */
bool sm_arc_scan_stream(actx *a, const uint8_t *data, size_t len, const char *prefix,
			const char *name, int depth, bool raw_only);
void sm_arc_scan_tnef(actx *a, const uint8_t *data, size_t len, const char *prefix, int depth);

#endif
