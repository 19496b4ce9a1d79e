/*
 * detect.h - confidential-content detectors (credit_card, password,
 * private_key, cloud_secret, my_number, mde_onboarding, custom ones).
 *
 * A detector set is compiled once from the `detectors` group of the
 * configuration (PCRE2, JIT) and is immutable afterwards, so any number of
 * threads may scan with it at once (match data is per call).
 * Detectors run on a folded view (view.h) and report spans in view bytes; the
 * caller maps them back to the source.  Never logs or returns matched text.
 */
#ifndef SM_DETECT_H
#define SM_DETECT_H

#include "sm.h"
#include "sr.h"
#include "view.h"

#include <glib.h>
#include <libconfig.h>

typedef struct sm_detectors sm_detectors;

typedef struct sm_detector_info {
	const char *id;          /* "credit_card", ... */
	const char *label;       /* human name for replies: "credit card number" */
	sm_act action;           /* in an editable text part */
	sm_act archive_action;   /* inside an archive or Office file */
	const char *reply;       /* SMTP reply text when it rejects (printable ASCII) */
} sm_detector_info;

/* Scan context: what the rest of the policy knows that detectors need. */
typedef struct sm_scan_ctx {
	const char *const *sr_numbers; /* the message's SR numbers (16 digits), NULL-terminated */
	const sm_sr *sr;               /* SR rules: sm_sr_is_sr_at() tells SR numbers from cards */
	time_t now;
	const char *fp_key;            /* fingerprint key (sm_fingerprint) */
	const char *part_name;         /* file name of the part scanned, or NULL (borrowed) */
} sm_scan_ctx;

/* HMAC-SHA256 of data under key, first 16 hex digits, into out[17]. */
void sm_fingerprint(const char *key, const void *data, size_t len, char out[17]);

/* The fingerprint of a hit's normalised value (digits only for card numbers
 * and My Numbers, as found otherwise): the same card in any formatting has
 * one fingerprint. */
void sm_detectors_fingerprint(const sm_detectors *d, const char *key, const sm_view *v,
			      const sm_hit *h, char out[17]);

/* Compile from the `detectors` group (NULL: built-in defaults). NULL + err. */
sm_detectors *sm_detectors_load(const config_setting_t *group, char *err, size_t errlen);
void sm_detectors_free(sm_detectors *d);

size_t sm_detectors_count(const sm_detectors *d);
const sm_detector_info *sm_detectors_info(const sm_detectors *d, unsigned i);

/*
 * Scan one view; append hits (sm_hit) to `hits`, at most max_hits in total
 * in the array.  Returns 0, or 1 when max_hits was reached (the caller
 * applies the limit action).
 */
int sm_detectors_scan(const sm_detectors *d, const sm_view *v, const sm_scan_ctx *ctx,
		      GArray *hits, size_t max_hits);

/*
 * File-name check: index of the detector (mde_onboarding) that a file name
 * such as "WindowsDefenderATPOnboardingScript.cmd" belongs to, or -1.
 */
int sm_detectors_match_name(const sm_detectors *d, const char *filename);

/* Are detector i's values masked wherever else they occur (value
 * propagation: passwords, cloud secrets, custom detectors)? */
bool sm_detectors_propagates(const sm_detectors *d, unsigned i);

/*
 * Masked preview of a hit for reports: "****-****-****-1111" for a card,
 * always "********" for a password.  Never the value.  g_free.
 */
char *sm_detectors_preview(const sm_detectors *d, const sm_view *v, const sm_hit *h);

#endif
