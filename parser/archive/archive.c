/*
 * archive.c - archives through libarchive: zip (and zip-based Office files:
 * docx, xlsx, pptx), members of every level, and the entry point that picks
 * the format by content (zip, TNEF, or a stream format: archive_fmt.c).
 *
 * A zip whose directory cannot be read, or with junk before it, is read
 * through its local headers (zip_local.c) and reported corrupt: the part
 * fails closed (limits.on_unreadable).  Members are read when their name or
 * their first bytes (SNIFF_BYTES) say they can hold text or an archive.
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
 * The limits are counted in one actx over all formats and levels (a tar.gz
 * in a zip in a 7z shares one budget).
 * Ownership: the result owns its detail and hits (sm_archive_result_clear).
 */
#include "archive_int.h"
#include "name.h"
#include "office.h"
#include "re.h"
#include "sniff.h"
#include "tnef.h"

#include <archive_entry.h>
#include <stdio.h>
#include <string.h>

#define NAME_MAX_BYTES 200

/* The first limit decides; detail is owned (taken). */
void sm_arc_set_limit(actx *a, char *detail)
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
char *sm_arc_sanitize(const char *name)
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

char *sm_arc_name(actx *a, const char *prefix, const char *raw, bool record)
{
	char *clean = sm_arc_sanitize(raw), *masked, *path;
	GArray *hits = record ? g_array_new(FALSE, TRUE, sizeof(sm_name_hit)) : NULL;

	masked = sm_name_mask(a->d, a->ctx, clean, hits);
	if (!masked) {
		sm_name_hits_free(hits);
		return clean;
	}
	g_free(clean);
	path = sm_arc_member_path(prefix, masked);
	for (guint i = 0; hits && i < hits->len; i++) {
		sm_name_hit *n = &g_array_index(hits, sm_name_hit, i);
		sm_archive_hit h = {n->det, g_strdup(path), n->count, n->preview, "", true};

		n->preview = NULL; /* taken */
		memcpy(h.fingerprint, n->fingerprint, sizeof(h.fingerprint));
		g_array_append_val(a->res->hits, h);
	}
	g_free(path);
	sm_name_hits_free(hits);
	return masked;
}


static void add_name_hit(actx *a, unsigned det, const char *member, const char *name)
{
	sm_archive_hit h = {det, g_strdup(member), 1, g_strdup("(file name)"), "", true};

	sm_fingerprint(a->ctx ? a->ctx->fp_key : NULL, name, strlen(name), h.fingerprint);
	g_array_append_val(a->res->hits, h);
}

/* Scan a view; one archive hit per detector and distinct value, with its
 * count (a value repeated in one member is one hit). */
static void scan_view(actx *a, const sm_view *v, const char *member)
{
	GArray *hits = g_array_new(FALSE, TRUE, sizeof(sm_hit));
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	size_t i, max = (size_t)a->lim->max_findings;
	guint first = a->res->hits->len;

	if (sm_detectors_scan(a->d, v, a->ctx, hits, max ? max : 1) != 0)
		sm_arc_set_limit(a, g_strdup_printf("%s: more than %lld findings, or a pattern over its "
					     "match limit", member, a->lim->max_findings));
	for (i = 0; i < hits->len; i++) {
		const sm_hit *h = &g_array_index(hits, sm_hit, i);
		sm_archive_hit ah = {h->det, NULL, 1, NULL, "", false};
		char *key;
		guint at;

		sm_detectors_fingerprint(a->d, a->ctx ? a->ctx->fp_key : NULL, v, h, ah.fingerprint);
		key = g_strdup_printf("%u:%s", h->det, ah.fingerprint);
		at = GPOINTER_TO_UINT(g_hash_table_lookup(seen, key));
		if (at) {
			g_array_index(a->res->hits, sm_archive_hit, first + at - 1).count++;
			g_free(key);
			continue;
		}
		ah.member = g_strdup(member);
		ah.preview = sm_detectors_preview(a->d, v, h);
		g_array_append_val(a->res->hits, ah);
		g_hash_table_replace(seen, key, GUINT_TO_POINTER(a->res->hits->len - first));
	}
	g_hash_table_destroy(seen);
	g_array_free(hits, TRUE);
}

/* ------------------------------------------------------------ members */

static const char *const binary_exts[] = {
	"png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "ico", "emf", "wmf", "pdf", "exe", "dll",
	"sys", "msi", "cab", "evtx", "etl", "dmp", "bin", "mp4", "wav", "mp3", "ttf", "odttf", NULL};

bool sm_arc_worth_content(const uint8_t *d, size_t n)
{
	size_t m = n < SNIFF_BYTES ? n : SNIFF_BYTES;

	return sm_archive_sniff(d, m) || sm_archive_sniff_inside(d, m) || sm_sniff_text(d, m, NULL);
}

/* One chunk of a member counted against the archive limits; false when a
 * limit stopped the reading. */
static bool count_chunk(actx *a, la_ssize_t r, const char *path)
{
	if (r > a->lim->archive_max_bytes - a->bytes) {
		sm_arc_set_limit(a, g_strdup_printf("%s: more than %lld uncompressed bytes", path,
						    a->lim->archive_max_bytes));
		return false;
	}
	a->bytes += r;
	if (a->bytes > RATIO_FLOOR &&
	    a->bytes / (long long)(a->outer_len ? a->outer_len : 1) > a->lim->archive_max_ratio) {
		sm_arc_set_limit(a, g_strdup_printf("%s: compression ratio over %lld", path,
						    a->lim->archive_max_ratio));
		return false;
	}
	return true;
}

/* Read the current entry (bounded); NULL when a limit stopped it, when it
 * was skipped, or when its first bytes say media or binary (ARC_SNIFF). */
GByteArray *sm_arc_read_entry(actx *a, struct archive *ar, const char *path, arc_keep keep,
			      bool count_rest)
{
	GByteArray *b = g_byte_array_new();
	uint8_t buf[CHUNK];
	la_ssize_t r;

	while ((r = archive_read_data(ar, buf, sizeof(buf))) > 0) {
		if (!count_chunk(a, r, path))
			break;
		if (keep == ARC_SKIP)
			continue;
		if ((long long)b->len + r > a->lim->max_part_bytes) {
			sm_arc_set_limit(a, g_strdup_printf("%s: member larger than %lld bytes", path, a->lim->max_part_bytes));
			break;
		}
		g_byte_array_append(b, buf, (guint)r);
		if (keep == ARC_SNIFF && b->len >= SNIFF_BYTES) {
			keep = sm_arc_worth_content(b->data, b->len) ? ARC_KEEP : ARC_SKIP;
			if (keep == ARC_SKIP && !count_rest)
				break;
		}
	}
	a->read_failed = r < 0; /* read by archive_fmt.c before anything nested runs */
	if (r < 0 && !a->limit)
		a->corrupt = true;
	if (keep == ARC_SNIFF && !sm_arc_worth_content(b->data, b->len))
		keep = ARC_SKIP; /* shorter than SNIFF_BYTES */
	if (a->limit || keep == ARC_SKIP) {
		g_byte_array_free(b, TRUE);
		return NULL;
	}
	return b;
}

void sm_arc_scan_member(actx *a, const char *name, const char *path, const uint8_t *d,
			size_t n, int depth, bool office)
{
	sm_view *v;
	bool trunc = false;

	if (sm_archive_sniff(d, n)) {
		bool was = a->not_archive;

		if (depth + 1 > a->lim->archive_max_depth) {
			sm_arc_set_limit(a, g_strdup_printf("%s: archives nested deeper than %lld", path,
				  a->lim->archive_max_depth));
			return;
		}
		a->not_archive = false;
		sm_arc_scan_container(a, d, n, path, name, depth + 1);
		if (!a->not_archive) {
			a->not_archive = was;
			return;
		}
		a->not_archive = was; /* it only looked like one: read it as text */
	}
	if (office && sm_sniff_has_ext(name, (const char *const[]){"xml", NULL})) {
		size_t tl;
		char *t = sm_office_text((const char *)d, n, &tl);

		v = sm_view_new_utf8(t, tl);
		scan_view(a, v, path);
		sm_view_free(v);
		g_free(t);
		return;
	}
	if (!sm_sniff_text(d, n < SNIFF_BYTES ? n : SNIFF_BYTES, name))
		return; /* kept as an archive by its bytes, but it was none */
	v = sm_view_new(d, n, NULL, sm_sniff_has_ext(name, (const char *const[]){"htm", "html", NULL}),
			(size_t)a->lim->max_part_bytes, &trunc);
	if (trunc) /* decoding grew it past the limit (UTF-16, Shift_JIS -> UTF-8) */
		sm_arc_set_limit(a, g_strdup_printf("%s: text larger than %lld bytes", path,
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

char *sm_arc_member_path(const char *prefix, const char *clean)
{
	return prefix ? g_strconcat(prefix, "/", clean, NULL) : g_strdup(clean);
}

/* One more member, all levels: the count limit and the file-name rules. */
void sm_arc_note_member(actx *a, const char *prefix, const char *clean, const char *path)
{
	int det;

	a->res->members++;
	if (++a->members > a->lim->archive_max_members)
		sm_arc_set_limit(a, g_strdup_printf("%s: more than %lld members", prefix ? prefix : "archive",
					     a->lim->archive_max_members));
	if ((det = sm_detectors_match_name(a->d, clean)) >= 0)
		add_name_hit(a, (unsigned)det, path, clean);
}

/* Pass 1: the directory.  Names, counts, encryption, declared sizes. */
static bool list_members(actx *a, const uint8_t *data, size_t len, const char *prefix,
			 bool *office)
{
	struct archive *ar = open_zip(data, len);
	struct archive_entry *e;
	long long declared = 0;
	int r = ARCHIVE_OK;

	if (!ar)
		return false;
	while (!sm_re_expired() &&
	       ((r = archive_read_next_header(ar, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)) {
		const char *name = archive_entry_pathname_utf8(e);
		char *clean = sm_arc_name(a, prefix, name ? name : archive_entry_pathname(e), true);
		char *path = sm_arc_member_path(prefix, clean);

		sm_arc_note_member(a, prefix, clean, path);
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
		sm_arc_set_limit(a, g_strdup_printf("%s: declared compression ratio over %lld", prefix ? prefix : "archive",
			  a->lim->archive_max_ratio));
	return true;
}

bool sm_arc_worth_reading(const char *name, bool office)
{
	if (sm_sniff_has_ext(name, binary_exts))
		return false;
	return !office || sm_sniff_has_ext(name, (const char *const[]){"xml", "zip", "docx", "xlsx",
							      "pptx", "bin", NULL}) ||
	       sm_sniff_text_name(name);
}

/* xlsx worksheets once more, as tables: a password under a header cell is
 * tied to its column (shared strings alone lose the table). */
static void scan_tables(actx *a, const sm_xlsx *x, const char *prefix)
{
	for (guint i = 0; i < sm_xlsx_sheets(x) && !a->limit; i++) {
		const char *name;
		size_t tl;
		char *t = sm_xlsx_table(x, i, &tl, &name), *path = sm_arc_member_path(prefix, name);
		sm_view *v = sm_view_new_utf8(t, tl);

		scan_view(a, v, path);
		sm_view_free(v);
		g_free(path);
		g_free(t);
	}
}

/* Pass 2: read and scan what can hold text. */
static void read_members(actx *a, const uint8_t *data, size_t len, const char *prefix,
			 int depth, bool office)
{
	struct archive *ar = open_zip(data, len);
	struct archive_entry *e;
	sm_xlsx *x;
	int r = ARCHIVE_OK;

	if (!ar)
		return;
	x = office ? sm_xlsx_new() : NULL;
	while (!a->limit && !sm_re_expired() &&
	       ((r = archive_read_next_header(ar, &e)) == ARCHIVE_OK ||
			     r == ARCHIVE_WARN)) {
		const char *name = archive_entry_pathname_utf8(e);
		char *clean = sm_arc_name(a, prefix, name ? name : archive_entry_pathname(e), false);
		char *path = sm_arc_member_path(prefix, clean);
		GByteArray *b;

		if (archive_entry_filetype(e) == AE_IFREG && !archive_entry_is_encrypted(e) &&
		    (b = sm_arc_read_entry(a, ar, path,
					   sm_arc_worth_reading(clean, office) ? ARC_KEEP : ARC_SNIFF,
					   false))) {
			sm_arc_scan_member(a, clean, path, b->data, b->len, depth, office);
			if (x)
				sm_xlsx_add(x, clean, b->data, b->len);
			g_byte_array_free(b, TRUE);
		}
		g_free(clean);
		g_free(path);
	}
	if (r == ARCHIVE_FATAL)
		a->corrupt = true;
	archive_read_free(ar);
	if (x && !a->limit)
		scan_tables(a, x, prefix);
	sm_xlsx_free(x);
}

static bool is_zip(const uint8_t *d, size_t n)
{
	return n >= 4 && d[0] == 'P' && d[1] == 'K' &&
	       ((d[2] == 3 && d[3] == 4) || (d[2] == 5 && d[3] == 6));
}

/* Undo what pass 1 counted of a directory that broke half way: the local
 * headers are read instead, and count their members once. */
static void rollback(actx *a, guint hits, unsigned listed, long long members)
{
	for (guint i = hits; i < a->res->hits->len; i++) {
		sm_archive_hit *h = &g_array_index(a->res->hits, sm_archive_hit, i);

		g_free(h->member);
		g_free(h->preview);
	}
	g_array_set_size(a->res->hits, hits);
	a->res->members = listed;
	a->members = members;
}

/* Pass 1 and 2 through the central directory; when it cannot be read to its
 * end, the local headers instead (walk_local). */
static void scan_zip(actx *a, const uint8_t *data, size_t len, const char *prefix, int depth)
{
	bool office = false, was = a->corrupt;
	guint hits = a->res->hits->len;
	unsigned listed = a->res->members;
	long long members = a->members;

	if (list_members(a, data, len, prefix, &office) && a->corrupt == was) {
		if (!a->limit)
			read_members(a, data, len, prefix, depth, office);
		return;
	}
	if (a->limit)
		return;
	rollback(a, hits, listed, members);
	a->corrupt = was;
	sm_arc_walk_local(a, data, len, prefix, depth, is_zip(data, len));
}

/* ------------------------------------------------------------ entry */

/* Junk before a zip: what can be read is read (through the directory that
 * the end record finds, else the local headers), and the zip is unreadable
 * all the same: a tool that reads from the start may find other content in
 * the junk (a zip before the zip) than the directory lists. */
static void junk_zip(actx *a, const uint8_t *data, size_t len, const char *prefix, int depth)
{
	bool was = a->not_archive;

	a->not_archive = false;
	scan_zip(a, data, len, prefix, depth);
	if (a->not_archive)
		return; /* no header could be read: it was no zip */
	a->not_archive = was;
	a->corrupt = true;
	if (!a->problem)
		a->problem = g_strdup_printf("%s: data before the zip's first header",
					     prefix ? prefix : "archive");
}

void sm_arc_scan_container(actx *a, const uint8_t *data, size_t len, const char *prefix,
			   const char *name, int depth)
{
	if (is_zip(data, len))
		scan_zip(a, data, len, prefix, depth);
	else if (sm_tnef_sniff(data, len))
		sm_arc_scan_tnef(a, data, len, prefix, depth);
	else if (sm_sniff_archive(data, len)) {
		if (!sm_arc_scan_stream(a, data, len, prefix, name, depth, false))
			sm_arc_scan_stream(a, data, len, prefix, name, depth, true);
	} else if (sm_arc_has_eocd(data, len) || sm_archive_sniff_inside(data, len))
		junk_zip(a, data, len, prefix, depth);
	else
		a->not_archive = true;
}

bool sm_archive_sniff(const uint8_t *data, size_t len)
{
	return data && (is_zip(data, len) || sm_tnef_sniff(data, len) || sm_sniff_archive(data, len));
}

void sm_archive_scan(const sm_detectors *d, const sm_scan_ctx *ctx, const sm_limits *lim,
		     const uint8_t *data, size_t len, const char *name, sm_archive_result *res)
{
	actx a = {d, ctx, lim, res, 0, 0, len, false, false, false, false, false, NULL};

	res->status = SM_ARCHIVE_OK;
	res->detail = NULL;
	res->hits = g_array_new(FALSE, TRUE, sizeof(sm_archive_hit));
	res->members = 0;
	if (!data || !(sm_archive_sniff(data, len) || sm_arc_has_eocd(data, len) ||
		       sm_archive_sniff_inside(data, len))) {
		res->status = SM_ARCHIVE_NOT_ARCHIVE;
		return;
	}
	sm_arc_scan_container(&a, data, len, NULL, name, 0);
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
