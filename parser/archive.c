/* archive.c - STUB: replaced by the detectors work (issue 3). */
#include "archive.h"

bool sm_archive_sniff(const uint8_t *data, size_t len)
{
	return len >= 4 && data[0] == 'P' && data[1] == 'K' && data[2] == 3 && data[3] == 4;
}

void sm_archive_scan(const sm_detectors *d, const sm_scan_ctx *ctx, const sm_limits *lim,
		     const uint8_t *data, size_t len, const char *name, sm_archive_result *res)
{
	res->status = SM_ARCHIVE_NOT_ARCHIVE;
	res->detail = NULL;
	res->hits = g_array_new(FALSE, TRUE, sizeof(sm_archive_hit));
	res->members = 0;
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
