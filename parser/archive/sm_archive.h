/*
 * sm_archive.h - inspecting archives through libarchive (zip, tar, 7z, cab,
 * rar, cpio, iso, ar, lha, xar, single gz/bz2/xz/... files, and what they
 * nest), zip-based Office files (docx, xlsx, pptx) and Outlook's
 * winmail.dat (TNEF: its attachments and body text), recognised by content.
 *
 * Member names are checked against the detectors' file-name rules from the
 * archive's directory before anything is decompressed; then text members are
 * read, bounded by member count, nesting depth, total uncompressed bytes and
 * compression ratio (limits in sm_limits), viewed and scanned.
 * Archives cannot be edited safely: findings carry the detector's
 * archive_action (strip by default).
 */
#ifndef SM_SM_ARCHIVE_H
#define SM_SM_ARCHIVE_H

#include "detect.h"
#include "sm.h"

#include <glib.h>

/* One finding inside an archive. */
typedef struct sm_archive_hit {
	unsigned det;     /* detector index */
	char *member;     /* member path, nested as "a.zip/b.txt" (owned) */
	unsigned count;
	char *preview;    /* masked preview (owned) */
	char fingerprint[17]; /* of the normalised value (sm_detectors_fingerprint) */
	bool name;        /* the member's name matched, not its content */
} sm_archive_hit;

typedef enum {
	SM_ARCHIVE_OK = 0,
	SM_ARCHIVE_NOT_ARCHIVE, /* not a format we open: treat as plain data */
	SM_ARCHIVE_ENCRYPTED,   /* some member encrypted: cannot inspect (names were checked) */
	SM_ARCHIVE_LIMIT,       /* a limit was exceeded (bomb, too many members, too deep) */
	SM_ARCHIVE_CORRUPT,     /* could not be read to the end */
} sm_archive_status;

typedef struct sm_archive_result {
	sm_archive_status status;
	char *detail;       /* what limit / which member, for the audit record (owned) */
	GArray *hits;       /* of sm_archive_hit */
	unsigned members;   /* members listed */
} sm_archive_result;

/* True if the bytes start like something we open (zip, TNEF, or a magic
 * number of sniff.h's sm_sniff_archive); the name plays no part. */
bool sm_archive_sniff(const uint8_t *data, size_t len);

/* True if a zip's local file header follows junk within data[1, len): the
 * part may be a zip with something before it (read it as an archive; when
 * no header can be read it was none). */
bool sm_archive_sniff_inside(const uint8_t *data, size_t len);
/* Inspect; always fills `res` (sm_archive_result_clear to free). */
void sm_archive_scan(const sm_detectors *d, const sm_scan_ctx *ctx, const sm_limits *lim,
		     const uint8_t *data, size_t len, const char *name, sm_archive_result *res);
void sm_archive_result_clear(sm_archive_result *res);

#endif
