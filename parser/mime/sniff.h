/*
 * sniff.h - text or binary, from a file name and the first bytes: one
 * extension list, one table of binary magic numbers, one content test,
 * shared by MIME parts (scan.c) and archive members (archive.c).
 */
#ifndef SM_SNIFF_H
#define SM_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How many leading bytes the content test reads at most. */
#define SM_SNIFF_BYTES 65536

/* name (may be NULL) ends in ".ext" for one of exts (NULL-terminated). */
bool sm_sniff_has_ext(const char *name, const char *const *exts);

/* A file name whose extension says text (.txt .log .cmd .reg .plist ...). */
bool sm_sniff_text_name(const char *name);

/* Starts with the magic number of a binary format (PNG, PDF, PE, ELF ...). */
bool sm_sniff_binary_magic(const uint8_t *d, size_t n);

/*
 * Text by content: a BOM, or UTF-16 shape (every other byte NUL), or no
 * binary magic, no NUL and few control characters.  A text extension on
 * `name` (may be NULL) lets more control characters pass.
 */
bool sm_sniff_text(const uint8_t *d, size_t n, const char *name);

/*
 * The magic number of an archive or compressed format that libarchive
 * reads (gzip, bzip2, xz, lzma, lzip, zstd, lz4, compress, tar, 7z, cab,
 * RAR 4/5, cpio, ar, xar, ISO 9660, LHA); zip and TNEF are archive.c's.
 */
bool sm_sniff_archive(const uint8_t *d, size_t n);

#endif
