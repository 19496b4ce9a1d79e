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
#include <glib.h>

/* All the prefilter words of a list, found in one pass (rules_litset.c). */
typedef struct sm_litset sm_litset;
sm_litset *sm_litset_new(void);
void sm_litset_free(sm_litset *s);
/* Add w (>= 2 bytes; ASCII lower case, or Japanese whole characters whose
 * first is U+3000-U+9FFF, as rules_prefilter.c makes them: another word is
 * never found); its index.  bounded:
 * the pattern has \\b right before it, so it only counts where it starts a
 * word of the text (a word added unbounded once is looked for everywhere). */
int sm_litset_add(sm_litset *s, const char *w, bool bounded);
size_t sm_litset_size(const sm_litset *s);
/* Where a word occurs. */
typedef struct sm_lit_hit {
	size_t pos;
	int word;
} sm_lit_hit;
/* present[i] = does word i occur in t[0, len)?  (present has size() bytes)
 * Every occurrence is appended to hits (in text order) up to max_hits;
 * *overflow when more were found or positions are unknown. */
void sm_litset_scan(const sm_litset *s, const char *t, size_t len, uint8_t *present,
		    GArray *hits, size_t max_hits, bool *overflow);
/* Every occurrence appended to hits, nothing else: no U+017F / U+212A test,
 * no bound (scratch: size() bytes, written, not read). */
void sm_litset_scan_hits(const sm_litset *s, const char *t, size_t len, uint8_t *scratch,
			 GArray *hits);

/* Word sets read on the same texts, found in one scan of a set of all
 * their words (rules_litset.c): members must not change afterwards. */
#define SM_LITUNION_MAX 4
typedef struct sm_litunion sm_litunion;
sm_litunion *sm_litunion_new(const sm_litset *const *members, size_t n);
void sm_litunion_free(sm_litunion *un);
const sm_litset *sm_litunion_set(const sm_litunion *un);
/* Which member s is, or -1. */
int sm_litunion_member(const sm_litunion *un, const sm_litset *s);
/* Of the union set's occurrences src[0, n) in t (a scan of t, in its
 * order), those of member m's words as its own scan of t gives them, into
 * dst (room for n); their number. */
size_t sm_litunion_pick(const sm_litunion *un, int m, const sm_lit_hit *src, size_t n,
			const char *t, sm_lit_hit *dst);

/* A second word set of a pattern: every match holds a word of it too. */
#define SM_LIT_NOWHERE ((size_t)-1)
typedef struct sm_lit_second {
	char **words; /* g_strfreev; NULL when the pattern has no other set */
	bool leading; /* every match starts with one of its words */
	bool bounded; /* \\b stands right before them */
	size_t at;    /* where its item starts in the pattern, or SM_LIT_NOWHERE */
} sm_lit_second;

/* Several texts' scans by one word set, each distinct line scanned once
 * (rules_litlines.c): the lines' bytes must outlive the cache. */
typedef struct sm_lit_lines sm_lit_lines;
sm_lit_lines *sm_lit_lines_new(void);
/* A cache whose lines are scanned once for all of un's members (un must
 * outlive it); other sets as sm_lit_lines_new's. */
sm_lit_lines *sm_lit_lines_new_union(const sm_litunion *un);
void sm_lit_lines_free(sm_lit_lines *c);
/* sm_litset_scan's answer (c NULL: sm_litset_scan); c is bound to the first
 * word set it scans with (a union cache: to its members) and scans others
 * whole. */
void sm_litset_scan_lines(const sm_litset *s, sm_lit_lines *c, const char *t, size_t len,
			  uint8_t *present, GArray *hits, size_t max_hits, bool *overflow);

/* A list of compiled patterns (caseless, UTF, JIT where available). */
typedef struct sm_relist {
	pcre2_code **re;
	size_t n;
	char ***req;    /* per pattern: sm_lit_required() words, or NULL */
	int **req_ids;  /* per pattern: their indices in lits, -1 ends; or NULL */
	bool *lead;     /* per pattern: every match starts with one of its words */
	bool *bounded;  /* per pattern: \\b stands right before its words */
	sm_lit_second *req2; /* per pattern: a second set, or words NULL */
	int **req2_ids;      /* its indices in lits, -1 ends; or NULL */
	pcre2_code **anch; /* per pattern with a leading set: compiled anchored, else NULL */
	pcre2_code **tail;  /* per pattern: from its req's item on, anchored, or NULL */
	pcre2_code **tail2; /* the same for req2 */
	uint32_t ovmax; /* capture groups + 1 of the pattern with the most */
	sm_litset *lits;
	bool lits_shared; /* lits is a pool of several lists (not owned) */
} sm_relist;

/* Move a compiled list's prefilter words into `pool` (shared with other
 * lists read on the same texts, owned by the caller): one scan finds them. */
void sm_relist_share(sm_relist *l, sm_litset *pool);

/* A pool's scan of one text, kept for the next list that uses the pool. */
typedef struct sm_lit_memo {
	const sm_litset *lits;
	const char *t;
	size_t len;
	uint8_t *present;
	GArray *hits;
	bool overflow;
	sm_lit_lines *lines; /* lines seen in other texts, or NULL (not owned) */
} sm_lit_memo;
void sm_lit_memo_clear(sm_lit_memo *m);

/* Which of a list's prefilter words a text holds, found on first use. */
typedef struct sm_gate {
	const sm_relist *l;
	const char *t;
	size_t len;
	uint8_t *present; /* NULL until scanned */
	GArray *hits;     /* of sm_lit_hit */
	bool overflow;    /* hits incomplete: search the whole text */
	pcre2_match_data *md; /* made on first use, for any pattern of the list */
	pcre2_match_context *mctx; /* for the offset limit when no guard is in force */
	uint32_t *counts;     /* occurrences per word, counted on first use */
	uint8_t *mark;        /* per word: 1 for the words of the set being walked */
	sm_lit_memo *memo;    /* where a pool's scan is kept, or NULL */
	bool borrowed;        /* present and hits belong to memo */
	size_t from;          /* matches start here (0 unless set after init) */
} sm_gate;
void sm_gate_init(sm_gate *g, const sm_relist *l, const char *t, size_t len);
void sm_gate_init_memo(sm_gate *g, const sm_relist *l, const char *t, size_t len, sm_lit_memo *m);
void sm_gate_clear(sm_gate *g);
/*
 * The matches of pattern i in the gate's text, in order, non-overlapping, at
 * most max: fn(ud, ovector) for each until it returns false.  A pattern one
 * of whose word sets is absent is not run; one whose matches start with the
 * words of a set is run anchored at their occurrences only; another one, by
 * the set that occurs less (the first on a tie), per run of its words'
 * occurrences where the pattern's tail from the set's item on matches
 * anchored in the whole text (each within SM_PHRASE_SPAN bytes of the one
 * before): a match
 * starting from SM_PHRASE_SPAN bytes before the run's first occurrence to
 * its last and ending by SM_PHRASE_SPAN bytes after the last is found.
 * Returns the number of matches.
 */
#define SM_PHRASE_SPAN 256
size_t sm_gate_matches(sm_gate *g, size_t i, size_t max, bool (*fn)(void *ud, const PCRE2_SIZE *ov),
		       void *ud);

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

/* Every match of every pattern in s[from, len), one linear pass per pattern,
 * at most max in all: fn(ud, start, end) for each.  Returns how many. */
size_t sm_relist_each(const sm_relist *l, const char *s, size_t len, size_t from, size_t max,
		      void (*fn)(void *ud, size_t ms, size_t me), void *ud);

/* Does any pattern match anywhere in s[0, len)? */
bool sm_relist_any(const sm_relist *l, const char *s, size_t len);
/* The same, its words found through a line cache (NULL: none). */
bool sm_relist_any_lines(const sm_relist *l, const char *s, size_t len, sm_lit_lines *lines);

/* Literal prefilters (rules_prefilter.c, rules_litset.c).  The words one of which
 * every match of pattern source `pat` contains (NULL-terminated, g_strfreev),
 * or NULL when the pattern does not say. */
char **sm_lit_required(const char *pat);
/* The same; *leading: every match starts with one of the words; *bounded:
 * \\b stands right before them (either may be NULL). */
char **sm_lit_required_lead(const char *pat, bool *leading, bool *bounded);
/* The same; besides (second may be NULL), the best leading set when the
 * best set does not lead, else the best set after it.  *best_at (may be
 * NULL): where the best set's item starts in pat; the pattern from there on
 * is a pattern of its own that matches at every occurrence of the set a
 * match holds (SM_LIT_NOWHERE when the reader cannot say, after a
 * top-level option setting). */
char **sm_lit_required_sets(const char *pat, bool *leading, bool *bounded, sm_lit_second *second,
			   size_t *best_at);
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
/* The same, the forms' word scan taking the lines it has seen from lines
 * (may be NULL). */
size_t sm_sr_scan_lines(const sm_sr *s, const char *text, size_t len, bool subject, time_t now,
			char (*out)[17], size_t max, bool *truncated, sm_lit_lines *lines);

/* Configured cap on distinct SR numbers collected per message. */
size_t sm_sr_max_numbers(const sm_sr *s);
/* The SR forms' word set (owned by s). */
const sm_litset *sm_sr_forms_words(const sm_sr *s);

/*
 * The rules' intent checks (rules_intent.c, rules_clause.c).  The new text is
 * cut into sentences (。 ! ? . , a blank line, a line break after Japanese)
 * and clauses (contrast: が けど しかし but however; cause: ので から so ;);
 * a phrase counts when the clauses it spans say it (see docs/rules.md).
 */
typedef struct sm_intent {
	sm_relist phrases;    /* what the rule looks for */
	sm_relist negations;  /* in the clause: the phrase does not count */
	sm_relist conditions; /* conditional, hypothetical, tentative */
	sm_relist questions;  /* besides a sentence ending in '?' */
	sm_relist reported;   /* reported speech or a mention: the clause reports it */
	sm_relist requests;   /* a question that is a polite request ("could you close") */
	sm_relist continues;  /* anywhere in this case's text: the case goes on */
	sm_relist hedges;     /* an opinion (I think, たぶん): tentative unless ... */
	sm_relist acts;       /* ... the clause asks or permits to close (I think you can close) */
	bool question_blocks; /* '?' / か after the phrase makes it not count */
	bool contrast_yields; /* a phrase before a contrast (but, が, しかし) does not count */
	bool scoped;          /* a clause about another case does not count */
} sm_intent;

/* Clause structure and scope, shared by the intents (rules_clause.c). */
typedef struct sm_clauses {
	sm_relist contrast;  /* が after a predicate, けど, しかし, but, however ... */
	sm_relist causal;    /* ので、 から、 so, because, ; (a boundary, not a contrast) */
	sm_relist splice;    /* ", we'll ...", "です、": a new clause, unless ... */
	sm_relist openers;   /* ... the sentence opened with a condition (If ..., we'll) */
	sm_relist other;     /* 別件, the other case, 別の SR: another case */
	sm_relist self;      /* 本件, this case */
	sm_relist refs;      /* a case named as a source or contrast, not the topic */
} sm_clauses;

/* What the intents know of the message: its own SR, for scope. */
typedef struct sm_intent_ctx {
	const sm_clauses *cl;
	sm_lit_memo *memo; /* the phrase pool's scan of the current text */
	const sm_sr *sr;
	const char *own_sr; /* 16 digits, "" when none */
	time_t now;
} sm_intent_ctx;

/* One span of a text: [start, end). */
typedef struct sm_span {
	size_t start, end;
	bool contrast; /* the clause opens with a contrast */
	bool sentence; /* the clause opens a sentence */
} sm_span;

/*
 * The clauses of the text around [ms, me): from the paragraph start (at most
 * SM_CLAUSE_WINDOW bytes back) to the end of the sentence holding me.  Fills
 * a (of sm_span); returns the index of the clause holding ms.
 */
#define SM_CLAUSE_WINDOW 8192
size_t sm_clauses_around(const sm_clauses *cl, const char *t, size_t len, size_t ms, size_t me,
			 GArray *a);
/* Does the sentence after offset `end` open with a contrast (しかし, However)? */
bool sm_clauses_next_contrasts(const sm_clauses *cl, const char *t, size_t len, size_t end);
/* Is clause k of a about another case?  A clause that names another case (an
 * other-case marker, another SR) and not this one is; one that names neither
 * takes the scope of the clause before it (SCOPE_CLAUSES_MAX back). */
bool sm_clauses_about_other(const sm_intent_ctx *x, const char *t, const GArray *a, size_t k);
/* contrast and causal are built in; other and self come from the `resolution`
 * group (other_case, this_case). */
int sm_clauses_compile(sm_clauses *cl, const char *const *other, const char *const *self,
		       const config_setting_t *g, char *err, size_t errlen);
void sm_clauses_clear(sm_clauses *cl);

/*
 * Does `text` (the author's new text, folded) contain a phrase of `in` that
 * its clauses say (not negated, conditional, reported, about another case,
 * before a contrast) while nothing in this case's text says it goes on?
 * Bounded by len; INTENT_MAX_HITS matches per pattern, SM_CLAUSE_WINDOW bytes
 * of context per match.
 */
#define SM_SENTENCE_MAX 2048
bool sm_intent_match(const sm_intent *in, const sm_intent_ctx *x, const char *text, size_t len);
/* Does the text speak of it at all (a phrase matches, whatever governs it),
 * or say that the case goes on (a continuation that counts)? */
bool sm_intent_speaks(const sm_intent *in, const sm_intent_ctx *x, const char *text, size_t len);
void sm_intent_clear(sm_intent *in);

/* Built-in patterns (rules_lang.c). */
extern const char *const sm_def_res_phrases[], *const sm_def_res_negations[],
	*const sm_def_res_conditions[], *const sm_def_res_questions[], *const sm_def_res_reported[],
	*const sm_def_res_requests[], *const sm_def_res_continues[], *const sm_def_res_hedges[],
	*const sm_def_res_acts[], *const sm_def_res_subjects[], *const sm_def_res_unresolved[],
	*const sm_def_res_close_questions[], *const sm_def_res_answers[], *const sm_def_auto_subjects[],
	*const sm_def_auto_bodies[], *const sm_def_other_case[], *const sm_def_this_case[],
	*const sm_def_contrast[], *const sm_def_causal[], *const sm_def_splice[], *const sm_def_case_refs[],
	*const sm_def_openers[], *const sm_def_sev_phrases[],
	*const sm_def_sev_negations[], *const sm_def_sev_conditions[], *const sm_def_sev_reported[],
	*const sm_def_feat_phrases[], *const sm_def_prefixes[], *const sm_def_none[];

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
	char **reported, **requests, **continues, **auto_bodies, **other_case, **this_case;
	char **hedges, **subject_tags, **close_questions, **answers;
} res_conf;

typedef struct intent_conf {
	int action;     /* reject, tag, accept (indices shifted by one) */
	char *reply;
	char **phrases, **negations, **conditions, **questions, **reported;
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
	sm_relist prefixes, auto_subjects, auto_bodies;
	sm_relist res_subjects; /* the author's status tag in the Subject: 【解決】 */
	sm_relist unresolved;   /* the new text says it is not solved: the tag does not count */
	sm_relist close_questions; /* support's last mail asks whether it may close */
	sm_relist answers;         /* the new text answers yes on a line of its own */
	sm_intent resolution, severity, feature;
	sm_clauses clauses;
	sm_litset *pool; /* the phrase lists' prefilter words, found in one scan */
	sm_litset *auto_pool; /* auto_bodies' words */
	sm_litunion *lines_union; /* pool, the SR forms' words, auto_pool: one scan per line */
};

/* Outcome helpers (rules.c). */
void sm_rules_outcome(sm_rules_result *out, const char *rule, const char *result, sm_act act,
		      char *reply);
/* Reply text: template with {sr} replaced by `srs` (printable ASCII), then
 * the policy URL if configured.  g_free. */
char *sm_rules_reply(const sm_rules *r, const char *tmpl, const char *srs);

#endif
