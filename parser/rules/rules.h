/*
 * rules.h - support conventions: the SR number in the Subject (repair or
 * reject), one problem per request, severity A escalation, resolution
 * tagging, feature requests, attachment limits.
 *
 * Compiled once from the `rules` group of the configuration; immutable.
 * The current time is an input so that tests are deterministic.
 */
#ifndef SM_RULES_H
#define SM_RULES_H

#include "sm.h"
#include "sr.h"
#include "view.h"

#include <glib.h>
#include <libconfig.h>

typedef struct sm_rules sm_rules;

/* A view's new text and where its history starts, as sm_quote_split made
 * them: a caller that made them already hands them on. */
typedef struct sm_rules_split {
	char *text;
	size_t hist;
} sm_rules_split;

/* What the rules see of a message. */
typedef struct sm_rules_input {
	const char *subject;             /* RFC 2047-decoded UTF-8, NULL if none */
	const char *const *hdr_names;    /* every header field of the top-level message */
	const char *const *hdr_values;   /* (unfolded, decoded where RFC 2047), NULL-terminated */
	const sm_view *const *texts;     /* views of the text body parts, NULL-terminated */
	const struct sm_rules_split *split; /* NULL, or one per view (text NULL: none) */
	size_t n_attachments;            /* parts with a file name or attachment disposition */
	long long attachment_bytes_max;  /* largest one (encoded size as received) */
	long long attachment_bytes_total;
	time_t now;
} sm_rules_input;

/* One rule outcome, for the JSON and the audit record. */
typedef struct sm_rule_outcome {
	char *rule;    /* "subject_sr", "resolution", "severity_a", ... (owned) */
	char *result;  /* "repaired", "resolved", "rejected", ... (owned) */
	sm_act action;
	char *reply;   /* SMTP reply text if it rejects (printable ASCII), else NULL */
} sm_rule_outcome;

typedef struct sm_rules_result {
	char sr[17];             /* the message's SR (X-Support-SR), "" if none */
	char **related_sr;       /* SR numbers found elsewhere (body), NULL-terminated, owned */
	char *subject_append;    /* text to append to the Subject (repair), owned or NULL */
	char *subject_prefix;    /* text to prefix to the Subject ("[Resolved] "), owned or NULL */
	bool resolved;           /* X-Support-Resolution: resolved */
	bool feedback;           /* X-Support-Feedback: suggest-portal */
	bool auto_reply;         /* an automatic reply (out of office ...): no sender notice */
	char *add_rcpt;          /* case-closure address to add, owned or NULL */
	GArray *outcomes;        /* of sm_rule_outcome */
} sm_rules_result;

sm_rules *sm_rules_load(const config_setting_t *group, const char *policy_url, char *err,
			size_t errlen);
void sm_rules_free(sm_rules *r);

/* The SR module the rules use (shared with the card detector). */
const sm_sr *sm_rules_sr(const sm_rules *r);

/* Evaluate; fills `out` (sm_rules_result_clear to free). 0, or -1 on internal error. */
int sm_rules_eval(const sm_rules *r, const sm_rules_input *in, sm_rules_result *out);
void sm_rules_result_clear(sm_rules_result *out);
/* Free one outcome's strings. */
void sm_rule_outcome_clear(sm_rule_outcome *o);

#endif
