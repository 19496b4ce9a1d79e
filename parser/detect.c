/* detect.c - STUB: replaced by the detectors work (issue 3). */
#include "detect.h"

#include <string.h>

struct sm_detectors {
	int unused;
};

static const sm_detector_info none = {"none", "none", SM_ACT_NONE, SM_ACT_NONE, ""};

sm_detectors *sm_detectors_load(const config_setting_t *group, char *err, size_t errlen)
{
	return g_new0(sm_detectors, 1);
}

void sm_detectors_free(sm_detectors *d)
{
	g_free(d);
}

size_t sm_detectors_count(const sm_detectors *d)
{
	return 0;
}

const sm_detector_info *sm_detectors_info(const sm_detectors *d, unsigned i)
{
	return &none;
}

int sm_detectors_scan(const sm_detectors *d, const sm_view *v, const sm_scan_ctx *ctx,
		      GArray *hits, size_t max_hits)
{
	return 0;
}

int sm_detectors_match_name(const sm_detectors *d, const char *filename)
{
	return -1;
}

char *sm_detectors_preview(const sm_detectors *d, const sm_view *v, const sm_hit *h)
{
	return g_strdup("********");
}

void sm_fingerprint(const char *key, const void *data, size_t len, char out[17])
{
	GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, (const guchar *)(key ? key : ""),
			      key ? strlen(key) : 0);

	g_hmac_update(h, data, len);
	g_strlcpy(out, g_hmac_get_string(h), 17);
	g_hmac_unref(h);
}
