/*
 * archive.c - zip archives (and zips inside them) and zip-based Office files
 * (docx, xlsx, pptx) through libarchive: names first, then text members.
 *
 * Pass 1 reads the zip's central directory (zip_seekable: nothing is
 * decompressed): counts members, checks every member name against the
 * detectors' file-name rules (so an encrypted onboarding package is still
 * recognised), notes encrypted members and compares the declared sizes with
 * the ratio limit.  Pass 2 reads the members that can hold text: nested zips
 * recurse, Office XML parts are reduced to their text (tags dropped, entities
 * decoded, a line break per paragraph / cell), other text is viewed (charset
 * detected, UTF-16 with BOM included) and scanned.
 *
 * Untrusted input: the archive bytes, member names (sanitised before they
 * are reported: no control characters, at most NAME_MAX_BYTES).
 * Limits (sm_limits): archive_max_members (over all levels),
 * archive_max_depth, archive_max_bytes (uncompressed bytes read, all levels),
 * archive_max_ratio (uncompressed / compressed of the outer archive, once
 * more than RATIO_FLOOR bytes were read), max_part_bytes per member (and
 * per decoded text), max_findings per member.
 * Going over one stops the inspection: SM_ARCHIVE_LIMIT with a detail.
 * Ownership: the result owns its detail and hits (sm_archive_result_clear).
 */
#include "sm_archive.h"
#include "sniff.h"
#include "tnef.h"

/* parser/archive.h shadows libarchive's <archive.h> on the -Iparser path */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <string.h>

#define NAME_MAX_BYTES 200
#define RATIO_FLOOR (1024 * 1024)
#define SNIFF_BYTES 4096
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
	char *problem;     /* why a TNEF stream was not read in full (owned) */
} actx;

/* The first limit decides; detail is owned (taken). */
static void set_limit(actx *a, char *detail)
{
	if (a->limit) {
		g_free(detail);
		return;
	}
	a->limit = true;
	g_free(a->res->detail);
	a->res->detail = detail;
}

/* Printable, bounded member name for reports. */
static char *sanitize(const char *name)
{
	char *v = g_utf8_make_valid(name ? name : "", -1);
	GString *g = g_string_new(NULL);
	const char *p;

	for (p = v; *p && g->len < NAME_MAX_BYTES; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029 ||
		    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
			g_string_append_c(g, '?');
		else
			g_string_append_unichar(g, c);
	}
	if (*p)
		g_string_append(g, "...");
	g_free(v);
	return g_string_free(g, FALSE);
}

static void add_hit(actx *a, unsigned det, const char *member, unsigned count, char *preview,
		    const void *value, size_t vlen)
{
	sm_archive_hit h = {det, g_strdup(member), count, preview, ""};

	sm_fingerprint(a->ctx ? a->ctx->fp_key : NULL, value, vlen, h.fingerprint);
	g_array_append_val(a->res->hits, h);
}

/* Scan a view; one archive hit per detector with its count. */
static void scan_view(actx *a, const sm_view *v, const char *member)
{
	GArray *hits = g_array_new(FALSE, TRUE, sizeof(sm_hit));
	size_t n = sm_detectors_count(a->d), i, max = (size_t)a->lim->max_findings;
	unsigned *count = g_new0(unsigned, n ? n : 1);
	int *first = g_new(int, n ? n : 1);

	for (i = 0; i < n; i++)
		first[i] = -1;
	if (sm_detectors_scan(a->d, v, a->ctx, hits, max ? max : 1) != 0)
		set_limit(a, g_strdup_printf("%s: more than %lld findings, or a pattern over its "
					     "match limit", member, a->lim->max_findings));
	for (i = 0; i < hits->len; i++) {
		sm_hit *h = &g_array_index(hits, sm_hit, i);

		if (h->det < n && count[h->det]++ == 0)
			first[h->det] = (int)i;
	}
	for (i = 0; i < n; i++) {
		sm_hit *h;

		if (!count[i])
			continue;
		h = &g_array_index(hits, sm_hit, first[i]);
		add_hit(a, (unsigned)i, member, count[i], sm_detectors_preview(a->d, v, h),
			v->text + h->start, h->end - h->start);
	}
	g_free(count);
	g_free(first);
	g_array_free(hits, TRUE);
}

/* ------------------------------------------------------------ Office XML */

static const char *const para_tags[] = {"p", "br", "cr", "tab", "si", "c", "tc", "tr", "row",
					"txbody", "sp", NULL};

/* Local name of the tag starting after '<' (and '/'), lower-cased, into buf. */
static void local_name(const char *p, const char *e, char *buf, size_t len)
{
	const char *s = p, *colon = NULL;
	size_t n;

	while (p < e && *p != '>' && *p != ' ' && *p != '/' && *p != '\t' && *p != '\n') {
		if (*p == ':')
			colon = p;
		p++;
	}
	if (colon)
		s = colon + 1;
	n = (size_t)(p - s) < len - 1 ? (size_t)(p - s) : len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (n = 0; buf[n]; n++)
		buf[n] = g_ascii_tolower(buf[n]);
}

static bool is_para(const char *name)
{
	const char *const *t;

	for (t = para_tags; *t; t++)
		if (strcmp(*t, name) == 0)
			return true;
	return false;
}

static const char *entity(const char *p, const char *e, GString *out)
{
	static const char *const names[][2] = {{"amp;", "&"}, {"lt;", "<"}, {"gt;", ">"},
					       {"quot;", "\""}, {"apos;", "'"}, {"nbsp;", " "}};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		size_t n = strlen(names[i][0]);

		if ((size_t)(e - p) >= n && memcmp(p, names[i][0], n) == 0) {
			g_string_append(out, names[i][1]);
			return p + n;
		}
	}
	if (p < e && *p == '#') {
		char *end;
		gulong c = p + 1 < e && (p[1] == 'x' || p[1] == 'X') ? strtoul(p + 2, &end, 16)
								     : strtoul(p + 1, &end, 10);

		if (end < e && *end == ';' && c > 0 && c < 0x110000 && g_unichar_validate(c)) {
			g_string_append_unichar(out, (gunichar)c);
			return end + 1;
		}
	}
	g_string_append_c(out, '&');
	return p;
}

/* The text of an Office XML part: runs joined, paragraphs and cells on lines. */
static char *office_text(const char *x, size_t len, size_t *outlen)
{
	GString *out = g_string_sized_new(len / 2);
	const char *p = x, *e = x ? x + len : x; /* an empty member may have no buffer */

	while (p && p < e) {
		if (*p == '<') {
			const char *q = memchr(p, '>', (size_t)(e - p));
			char name[16];
			bool closing = p + 1 < e && p[1] == '/';

			if (!q)
				break;
			local_name(p + 1 + closing, q, name, sizeof(name));
			if (is_para(name) && (closing || q[-1] == '/' || strcmp(name, "tab") == 0))
				g_string_append_c(out, strcmp(name, "tab") == 0 ? ' ' : '\n');
			p = q + 1;
		} else if (*p == '&')
			p = entity(p + 1, e, out);
		else
			g_string_append_c(out, *p++);
	}
	*outlen = out->len;
	return g_string_free(out, FALSE);
}

/* ------------------------------------------------------------ members */

static const char *const binary_exts[] = {
	"png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "ico", "emf", "wmf", "pdf", "exe", "dll",
	"sys", "msi", "cab", "evtx", "etl", "dmp", "bin", "mp4", "wav", "mp3", "ttf", "odttf", NULL};

/* Read the current entry (bounded); NULL when a limit stopped it or !keep
 * (then the data is only counted: a stream must be decompressed to skip). */
static GByteArray *read_entry(actx *a, struct archive *ar, const char *path, bool keep)
{
	GByteArray *b = g_byte_array_new();
	uint8_t buf[CHUNK];
	la_ssize_t r;

	while ((r = archive_read_data(ar, buf, sizeof(buf))) > 0) {
		if (r > a->lim->archive_max_bytes - a->bytes) {
			set_limit(a, g_strdup_printf("%s: more than %lld uncompressed bytes", path,
				  a->lim->archive_max_bytes));
			break;
		}
		a->bytes += r;
		if (a->bytes > RATIO_FLOOR &&
		    a->bytes / (long long)(a->outer_len ? a->outer_len : 1) > a->lim->archive_max_ratio) {
			set_limit(a, g_strdup_printf("%s: compression ratio over %lld", path, a->lim->archive_max_ratio));
			break;
		}
		if (!keep)
			continue;
		if ((long long)b->len + r > a->lim->max_part_bytes) {
			set_limit(a, g_strdup_printf("%s: member larger than %lld bytes", path, a->lim->max_part_bytes));
			break;
		}
		g_byte_array_append(b, buf, (guint)r);
	}
	if (r < 0 && !a->limit)
		a->corrupt = true;
	if (a->limit || !keep) {
		g_byte_array_free(b, TRUE);
		return NULL;
	}
	return b;
}

static void scan_container(actx *a, const uint8_t *data, size_t len, const char *prefix,
			   const char *name, int depth);

static void scan_member(actx *a, const char *name, const char *path, const uint8_t *d,
			size_t n, int depth, bool office)
{
	sm_view *v;
	bool trunc = false;

	if (sm_archive_sniff(d, n)) {
		bool was = a->not_archive;

		if (depth + 1 > a->lim->archive_max_depth) {
			set_limit(a, g_strdup_printf("%s: archives nested deeper than %lld", path,
				  a->lim->archive_max_depth));
			return;
		}
		a->not_archive = false;
		scan_container(a, d, n, path, name, depth + 1);
		if (!a->not_archive) {
			a->not_archive = was;
			return;
		}
		a->not_archive = was; /* it only looked like one: read it as text */
	}
	if (office && sm_sniff_has_ext(name, (const char *const[]){"xml", NULL})) {
		size_t tl;
		char *t = office_text((const char *)d, n, &tl);

		v = sm_view_new_utf8(t, tl);
		scan_view(a, v, path);
		sm_view_free(v);
		g_free(t);
		return;
	}
	if (!sm_sniff_text(d, n < SNIFF_BYTES ? n : SNIFF_BYTES, name))
		return;
	v = sm_view_new(d, n, NULL, sm_sniff_has_ext(name, (const char *const[]){"htm", "html", NULL}),
			(size_t)a->lim->max_part_bytes, &trunc);
	if (trunc) /* decoding grew it past the limit (UTF-16, Shift_JIS -> UTF-8) */
		set_limit(a, g_strdup_printf("%s: text larger than %lld bytes", path,
					     a->lim->max_part_bytes));
	scan_view(a, v, path);
	sm_view_free(v);
}

/* ------------------------------------------------------------ zip */

static struct archive *open_zip(const uint8_t *data, size_t len)
{
	struct archive *ar = archive_read_new();

	archive_read_support_format_zip_seekable(ar);
	if (archive_read_open_memory(ar, data, len) != ARCHIVE_OK) {
		archive_read_free(ar);
		return NULL;
	}
	return ar;
}

static char *member_path(const char *prefix, const char *clean)
{
	return prefix ? g_strconcat(prefix, "/", clean, NULL) : g_strdup(clean);
}

/* One more member, all levels: the count limit and the file-name rules. */
static void note_member(actx *a, const char *prefix, const char *clean, const char *path)
{
	int det;

	a->res->members++;
	if (++a->members > a->lim->archive_max_members)
		set_limit(a, g_strdup_printf("%s: more than %lld members", prefix ? prefix : "archive",
					     a->lim->archive_max_members));
	if ((det = sm_detectors_match_name(a->d, clean)) >= 0)
		add_hit(a, (unsigned)det, path, 1, g_strdup("(file name)"), clean, strlen(clean));
}

/* Pass 1: the directory.  Names, counts, encryption, declared sizes. */
static bool list_members(actx *a, const uint8_t *data, size_t len, const char *prefix,
			 bool *office)
{
	struct archive *ar = open_zip(data, len);
	struct archive_entry *e;
	long long declared = 0;
	int r;

	if (!ar)
		return false;
	while ((r = archive_read_next_header(ar, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname_utf8(e);
		char *clean = sanitize(name ? name : archive_entry_pathname(e));
		char *path = member_path(prefix, clean);

		note_member(a, prefix, clean, path);
		if (archive_entry_is_encrypted(e))
			a->encrypted = true;
		if (strcmp(clean, "[Content_Types].xml") == 0)
			*office = true;
		if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0)
			declared += archive_entry_size(e);
		g_free(clean);
		g_free(path);
		if (a->limit)
			break;
	}
	if (r == ARCHIVE_FATAL)
		a->corrupt = true;
	archive_read_free(ar);
	if (!a->limit && declared > RATIO_FLOOR &&
	    declared / (long long)(len ? len : 1) > a->lim->archive_max_ratio)
		set_limit(a, g_strdup_printf("%s: declared compression ratio over %lld", prefix ? prefix : "archive",
			  a->lim->archive_max_ratio));
	return true;
}

static bool worth_reading(const char *name, bool office)
{
	if (sm_sniff_has_ext(name, binary_exts))
		return false;
	return !office || sm_sniff_has_ext(name, (const char *const[]){"xml", "zip", "docx", "xlsx",
							      "pptx", "bin", NULL}) ||
	       sm_sniff_text_name(name);
}

/* Pass 2: read and scan what can hold text. */
static void read_members(actx *a, const uint8_t *data, size_t len, const char *prefix,
			 int depth, bool office)
{
	struct archive *ar = open_zip(data, len);
	struct archive_entry *e;
	int r;

	if (!ar)
		return;
	while (!a->limit && ((r = archive_read_next_header(ar, &e)) == ARCHIVE_OK ||
			     r == ARCHIVE_WARN)) {
		const char *name = archive_entry_pathname_utf8(e);
		char *clean = sanitize(name ? name : archive_entry_pathname(e));
		char *path = member_path(prefix, clean);
		GByteArray *b;

		if (archive_entry_filetype(e) == AE_IFREG && !archive_entry_is_encrypted(e) &&
		    worth_reading(clean, office) && (b = read_entry(a, ar, path, true))) {
			scan_member(a, clean, path, b->data, b->len, depth, office);
			g_byte_array_free(b, TRUE);
		}
		g_free(clean);
		g_free(path);
	}
	archive_read_free(ar);
}

static void scan_zip(actx *a, const uint8_t *data, size_t len, const char *prefix, int depth)
{
	bool office = false;

	if (!list_members(a, data, len, prefix, &office)) {
		a->corrupt = true;
		return;
	}
	if (!a->limit)
		read_members(a, data, len, prefix, depth, office);
}

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
 * kept: a compressed stream is decompressed to be skipped). */
static void stream_entry(actx *a, struct archive *ar, struct archive_entry *e,
			 const char *prefix, const char *clean, int depth)
{
	char *path = member_path(prefix, clean);
	GByteArray *b;

	note_member(a, prefix, clean, path);
	if (archive_entry_is_encrypted(e))
		a->encrypted = true;
	else if (!a->limit && archive_entry_filetype(e) == AE_IFREG &&
		 (b = read_entry(a, ar, path, worth_reading(clean, false)))) {
		scan_member(a, clean, path, b->data, b->len, depth, false);
		g_byte_array_free(b, TRUE);
	}
	g_free(path);
}

/* Compression layers count as nesting: gz of gz of ... is a bomb shape. */
static bool stream_too_deep(actx *a, struct archive *ar, const char *prefix, int depth)
{
	int layers = archive_filter_count(ar) - 1; /* the last "filter" is the input */

	if (depth + (layers > 1 ? layers - 1 : 0) <= a->lim->archive_max_depth)
		return false;
	set_limit(a, g_strdup_printf("%s: archives nested deeper than %lld",
				     prefix ? prefix : "archive", a->lim->archive_max_depth));
	return true;
}

/* Returns false when the stream had no entry at all: tar takes zero blocks
 * (a gzip of zeros) for an empty archive; the caller reads it again as raw. */
static bool scan_stream(actx *a, const uint8_t *data, size_t len, const char *prefix,
			const char *name, int depth, bool raw_only)
{
	struct archive *ar = open_stream(data, len, raw_only);
	struct archive_entry *e;
	bool first = true;
	int r = ARCHIVE_OK;

	if (!ar) {
		a->corrupt = true;
		return true;
	}
	while (!a->limit && ((r = archive_read_next_header(ar, &e)) == ARCHIVE_OK ||
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

			clean = sanitize(n ? n : archive_entry_pathname(e));
		}
		stream_entry(a, ar, e, prefix, clean, depth);
		g_free(clean);
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

static void scan_tnef(actx *a, const uint8_t *data, size_t len, const char *prefix, int depth)
{
	long long room = a->lim->archive_max_bytes - a->bytes;
	long long left = a->lim->archive_max_members - a->members + 1;
	sm_tnef *t = sm_tnef_parse(data, len, (size_t)(left > 0 ? left : 1),
				   (size_t)MAX(0, MIN(room, a->lim->max_part_bytes)));
	size_t i;

	for (i = 0; t && i < sm_tnef_count(t) && !a->limit; i++) {
		const sm_tnef_member *m = sm_tnef_member_at(t, i);
		char *clean = sanitize(m->name);
		char *path = member_path(prefix ? prefix : "winmail.dat", clean);

		note_member(a, prefix, clean, path);
		if (!a->limit && (long long)m->len > a->lim->archive_max_bytes - a->bytes)
			set_limit(a, g_strdup_printf("%s: more than %lld uncompressed bytes", path,
						     a->lim->archive_max_bytes));
		else if (!a->limit && (long long)m->len > a->lim->max_part_bytes)
			set_limit(a, g_strdup_printf("%s: member larger than %lld bytes", path,
						     a->lim->max_part_bytes));
		else if (!a->limit && worth_reading(clean, false)) {
			a->bytes += (long long)m->len;
			scan_member(a, clean, path, m->data, m->len, depth, false);
		}
		g_free(clean);
		g_free(path);
	}
	if (!t)
		a->corrupt = true;
	else if (!a->limit && sm_tnef_over_members(t))
		set_limit(a, g_strdup_printf("%s: more than %lld members", prefix ? prefix : "winmail.dat",
					     a->lim->archive_max_members));
	else if (!a->limit && sm_tnef_problem(t) && !a->problem)
		a->problem = g_strdup_printf("%s: %s", prefix ? prefix : "winmail.dat",
					     sm_tnef_problem(t));
	sm_tnef_free(t);
}

/* ------------------------------------------------------------ entry */

static bool is_zip(const uint8_t *d, size_t n)
{
	return n >= 4 && d[0] == 'P' && d[1] == 'K' &&
	       ((d[2] == 3 && d[3] == 4) || (d[2] == 5 && d[3] == 6));
}

static void scan_container(actx *a, const uint8_t *data, size_t len, const char *prefix,
			   const char *name, int depth)
{
	if (is_zip(data, len))
		scan_zip(a, data, len, prefix, depth);
	else if (sm_tnef_sniff(data, len))
		scan_tnef(a, data, len, prefix, depth);
	else if (!scan_stream(a, data, len, prefix, name, depth, false))
		scan_stream(a, data, len, prefix, name, depth, true);
}

/* Magic numbers of what scan_container opens (by content, never by name). */
static const struct {
	size_t off, len;
	const char *m;
} magics[] = {
	{0, 3, "\x1f\x8b\x08"},           /* gzip */
	{0, 6, "\xfd" "7zXZ\0"},          /* xz */
	{0, 4, "LZIP"},                   /* lzip */
	{0, 4, "\x28\xb5\x2f\xfd"},       /* zstd */
	{0, 4, "\x04\x22\x4d\x18"},       /* lz4 */
	{0, 2, "\x1f\x9d"},               /* compress (.Z) */
	{257, 5, "ustar"},                /* tar (POSIX and GNU) */
	{0, 6, "7z\xbc\xaf\x27\x1c"},     /* 7-Zip */
	{0, 8, "MSCF\0\0\0\0"},           /* cabinet */
	{0, 7, "Rar!\x1a\x07\x00"},       /* RAR 4 */
	{0, 8, "Rar!\x1a\x07\x01\x00"},   /* RAR 5 */
	{0, 8, "!<arch>\n"},              /* ar (.deb) */
	{0, 4, "xar!"},                   /* xar */
	{32769, 5, "CD001"},              /* ISO 9660 */
};

/* cpio: "070701" / "070702" and 104 hex digits, or "070707" and 70 octal */
static bool is_cpio(const uint8_t *d, size_t n)
{
	bool odc = n >= 76 && memcmp(d, "070707", 6) == 0;
	size_t i, end = odc ? 76 : 110;

	if (!odc && !(n >= 110 && (memcmp(d, "070701", 6) == 0 || memcmp(d, "070702", 6) == 0)))
		return false;
	for (i = 6; i < end; i++)
		if (odc ? (d[i] < '0' || d[i] > '7') : !g_ascii_isxdigit(d[i]))
			return false;
	return true;
}

bool sm_archive_sniff(const uint8_t *data, size_t len)
{
	size_t k;

	if (!data)
		return false;
	if (is_zip(data, len) || sm_tnef_sniff(data, len))
		return true;
	for (k = 0; k < G_N_ELEMENTS(magics); k++)
		if (len >= magics[k].off + magics[k].len &&
		    memcmp(data + magics[k].off, magics[k].m, magics[k].len) == 0)
			return true;
	if (len >= 10 && memcmp(data, "BZh", 3) == 0 && data[3] >= '1' && data[3] <= '9' &&
	    memcmp(data + 4, "1AY&SY", 6) == 0)
		return true;
	if (is_cpio(data, len))
		return true;
	/* lzma alone: properties 0x5D, then a dictionary size of at most 512 MB */
	if (len >= 13 && data[0] == 0x5d && data[1] == 0 && data[2] == 0 && data[4] <= 0x20)
		return true;
	/* LHA: "-lh?-" or "-lz?-" at offset 2 */
	return len >= 21 && data[2] == '-' && data[3] == 'l' && (data[4] == 'h' || data[4] == 'z') &&
	       data[6] == '-';
}

void sm_archive_scan(const sm_detectors *d, const sm_scan_ctx *ctx, const sm_limits *lim,
		     const uint8_t *data, size_t len, const char *name, sm_archive_result *res)
{
	actx a = {d, ctx, lim, res, 0, 0, len, false, false, false, false, NULL};

	res->status = SM_ARCHIVE_OK;
	res->detail = NULL;
	res->hits = g_array_new(FALSE, TRUE, sizeof(sm_archive_hit));
	res->members = 0;
	if (!data || !sm_archive_sniff(data, len)) {
		res->status = SM_ARCHIVE_NOT_ARCHIVE;
		return;
	}
	scan_container(&a, data, len, NULL, name, 0);
	if (a.limit)
		res->status = SM_ARCHIVE_LIMIT;
	else if (a.encrypted) {
		res->status = SM_ARCHIVE_ENCRYPTED;
		res->detail = g_strdup("encrypted members: not inspected (names were checked)");
	} else if (a.corrupt || a.problem) {
		res->status = SM_ARCHIVE_CORRUPT;
		res->detail = a.problem ? g_strdup(a.problem)
					: g_strdup("archive could not be read to the end");
	} else if (a.not_archive && !res->members)
		res->status = SM_ARCHIVE_NOT_ARCHIVE;
	g_free(a.problem);
}

void sm_archive_result_clear(sm_archive_result *res)
{
	unsigned i;

	for (i = 0; res->hits && i < res->hits->len; i++) {
		sm_archive_hit *h = &g_array_index(res->hits, sm_archive_hit, i);

		g_free(h->member);
		g_free(h->preview);
	}
	if (res->hits)
		g_array_free(res->hits, TRUE);
	g_free(res->detail);
	res->hits = NULL;
	res->detail = NULL;
}
