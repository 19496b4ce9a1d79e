/*
 * rules_priv.h - internal to the support-convention modules (sr.c,
 * rules*.c): lists of compiled PCRE2 patterns and a few helpers.
 * Not for use outside parser/sr.c, parser/rules*.c and their unit tests.
 */
#ifndef SM_RULES_PRIV_H
#define SM_RULES_PRIV_H

#include "rules.h"
#include "sr.h"

#include <libconfig.h>
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A list of compiled patterns (caseless, UTF, JIT where available). */
typedef struct sm_relist {
	pcre2_code **re;
	size_t n;
	char ***req; /* per pattern: sm_lit_required() words, or NULL */
} sm_relist;

/*
 * Compile pats (NULL-terminated).  `group`/`key` name the setting for
 * "FILE:LINE: key 'x': pattern N: ..." errors (group may be NULL: defaults).
 * need_sr: every pattern must have a (?<sr>...) group.  0 or -1 with err.
 */
int sm_relist_compile(sm_relist *l, const char *const *pats, const config_setting_t *group,
		      const char *key, bool need_sr, char *err, size_t errlen);
void sm_relist_clear(sm_relist *l);

/* Earliest match of any pattern in s[from, len): true and [*ms, *me). */
bool sm_relist_first(const sm_relist *l, const char *s, size_t len, size_t from, size_t *ms,
		     size_t *me);

/* Does any pattern match anywhere in s[0, len)? */
bool sm_relist_any(const sm_relist *l, const char *s, size_t len);

/* Literal prefilters (rules_prefilter.c).  The lower-case ASCII words one of which
 * every match of pattern source `pat` contains (NULL-terminated, g_strfreev),
 * or NULL when the pattern does not say. */
char **sm_lit_required(const char *pat);
/* A text as the prefilters read it (not owned), and whether it holds
 * U+017F or U+212A (which PCRE2 matches caselessly against s and k). */
typedef struct sm_lit_text {
	const char *text;
	size_t len;
	bool sk;
} sm_lit_text;
void sm_lit_scan(sm_lit_text *lt, const char *text, size_t len);
void sm_lit_text_clear(sm_lit_text *lt);
/* True when certainly none of `words` occurs (so the pattern cannot match). */
bool sm_lit_absent(char *const *words, const sm_lit_text *lt);

/*
 * sm_sr_find with an overflow flag: *truncated is set when more candidate
 * numbers were present than the module's configured max_matches, so callers
 * that decide on "exactly one" can treat the answer as ambiguous.
 */
size_t sm_sr_scan(const sm_sr *s, const char *text, size_t len, bool subject, time_t now,
		  char (*out)[17], size_t max, bool *truncated);

/* Configured cap on distinct SR numbers collected per message. */
size_t sm_sr_max_numbers(const sm_sr *s);

/* The rules' intent checks (rules_intent.c). */
typedef struct sm_intent {
	sm_relist phrases;    /* what the rule looks for */
	sm_relist negations;  /* in the sentence: the phrase does not count */
	sm_relist conditions;
	sm_relist questions;  /* besides a sentence ending in '?' */
	bool question_blocks; /* '?' / か after the phrase makes it not count */
} sm_intent;

/*
 * Does `text` (the author's new text, folded) contain a phrase of `in` in a
 * sentence that no negation, condition or question governs?  Bounded by
 * len; each sentence examined is at most SM_SENTENCE_MAX bytes.
 */
#define SM_SENTENCE_MAX 2048
bool sm_intent_match(const sm_intent *in, const char *text, size_t len);
void sm_intent_clear(sm_intent *in);

/* ------------------------------------------------------------ the rules */

enum { RA_REPAIR, RA_REJECT, RA_TAG, RA_ACCEPT }; /* configured rule actions */

typedef struct subj_conf {
	int on_missing;      /* repair (else reject), reject, tag, accept */
	int on_multiple;     /* reject, tag, accept (indices shifted by one) */
	int repair_from;     /* 0 quoted history, 1 whole message */
	char *repair_prefix; /* " - TrackingID#" */
	char *missing_reply;
	char *multiple_reply;
	char **prefixes;     /* reply/forward prefixes (one pattern) */
} subj_conf;

typedef struct res_conf {
	bool enabled;
	bool suppress_is_auto; /* X-Auto-Response-Suppress marks an automatic reply */
	char *tag;      /* "[Resolved] " */
	char *add_rcpt; /* case-closure address or NULL */
	char **phrases, **negations, **conditions, **questions, **auto_subjects;
} res_conf;

typedef struct intent_conf {
	int action;     /* reject, tag, accept (indices shifted by one) */
	char *reply;
	char **phrases, **negations, **conditions, **questions;
} intent_conf;

typedef struct att_conf {
	long long max_count, max_file_bytes, max_total_bytes;
	int action; /* reject, tempfail, tag, accept */
	char *reply;
} att_conf;

struct sm_rules {
	sm_sr *sr;
	char *policy_url;
	subj_conf subj;
	res_conf res;
	intent_conf sev, feat;
	att_conf att;
	sm_relist prefixes, auto_subjects;
	sm_intent resolution, severity, feature;
};

/* Outcome helpers (rules.c). */
void sm_rules_outcome(sm_rules_result *out, const char *rule, const char *result, sm_act act,
		      char *reply);
/* Reply text: template with {sr} replaced by `srs` (printable ASCII), then
 * the policy URL if configured.  g_free. */
char *sm_rules_reply(const sm_rules *r, const char *tmpl, const char *srs);

#endif
