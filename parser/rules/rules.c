/*
 * rules.c - loading the support conventions (rules.h): the `rules` group
 * with its sub-groups sr, subject_sr, resolution, severity_a,
 * feature_request and attachments, each described by a key table (conftab.h)
 * with defaults; phrase lists default to the built-in English and Japanese
 * patterns of rules_lang.c.  Evaluation is in rules_eval.c.
 *
 * Input: the administrator's configuration.  Unknown keys, out-of-range
 * values, non-ASCII reply text and patterns that do not compile fail with
 * "FILE:LINE: key 'x': ...".  Owns: everything it compiles and copies;
 * immutable after sm_rules_load, so scans may share it across threads.
 */
#include "rules_priv.h"

#include "conftab.h"

#include <stdio.h>
#include <string.h>

#define GiB (1024LL * 1024 * 1024)

/* ------------------------------------------------------------ key tables */

static const char *const missing_acts[] = {"repair", "reject", "tag", "accept", NULL};
static const char *const rule_acts[] = {"reject", "tag", "accept", NULL};
static const char *const att_acts[] = {"reject", "tempfail", "tag", "accept", NULL};
static const char *const repair_froms[] = {"history", "message", NULL};

#define SOFF(f) offsetof(subj_conf, f)
static const sm_conf_key subj_keys[] = {
	{"on_missing", SM_CONF_ENUM, SOFF(on_missing), RA_REPAIR, NULL, 0, 0, missing_acts},
	{"on_multiple", SM_CONF_ENUM, SOFF(on_multiple), 0, NULL, 0, 0, rule_acts},
	{"repair_from", SM_CONF_ENUM, SOFF(repair_from), 0, NULL, 0, 0, repair_froms},
	{"repair_prefix", SM_CONF_ASCII, SOFF(repair_prefix), 0, " - TrackingID#"},
	{"missing_reply", SM_CONF_ASCII, SOFF(missing_reply), 0,
	 "Support mail rule 'SR number': keep \"TrackingID#<SR number>\" in the Subject of "
	 "mail on an existing case (a 16-digit SR number starting with its date, YYMMDD). "
	 "New requests are opened in the support portal, not by mail."},
	{"multiple_reply", SM_CONF_ASCII, SOFF(multiple_reply), 0,
	 "Support mail rule 'one problem per request': the Subject carries more than one SR "
	 "number ({sr}). Send one mail per case with only its own TrackingID#<SR number> in "
	 "the Subject."},
	{"prefixes", SM_CONF_STRLIST, SOFF(prefixes)},
	{NULL},
};

#define ROFF(f) offsetof(res_conf, f)
static const sm_conf_key res_keys[] = {
	{"enabled", SM_CONF_BOOL, ROFF(enabled), 1},
	{"x_auto_response_suppress", SM_CONF_BOOL, ROFF(suppress_is_auto), 1},
	{"tag", SM_CONF_STRING, ROFF(tag), 0, "[Resolved] "},
	{"add_rcpt", SM_CONF_STRING, ROFF(add_rcpt), 0, NULL},
	{"phrases", SM_CONF_STRLIST, ROFF(phrases)},
	{"negations", SM_CONF_STRLIST, ROFF(negations)},
	{"conditions", SM_CONF_STRLIST, ROFF(conditions)},
	{"questions", SM_CONF_STRLIST, ROFF(questions)},
	{"auto_subjects", SM_CONF_STRLIST, ROFF(auto_subjects)},
	{"auto_bodies", SM_CONF_STRLIST, ROFF(auto_bodies)},
	{"reported", SM_CONF_STRLIST, ROFF(reported)},
	{"requests", SM_CONF_STRLIST, ROFF(requests)},
	{"continues", SM_CONF_STRLIST, ROFF(continues)},
	{"other_case", SM_CONF_STRLIST, ROFF(other_case)},
	{"this_case", SM_CONF_STRLIST, ROFF(this_case)},
	{"hedges", SM_CONF_STRLIST, ROFF(hedges)},
	{"subject_tags", SM_CONF_STRLIST, ROFF(subject_tags)},
	{"close_questions", SM_CONF_STRLIST, ROFF(close_questions)},
	{"answers", SM_CONF_STRLIST, ROFF(answers)},
	{NULL},
};

#define IOFF(f) offsetof(intent_conf, f)
static const sm_conf_key sev_keys[] = {
	{"action", SM_CONF_ENUM, IOFF(action), 0, NULL, 0, 0, rule_acts},
	{"reply", SM_CONF_ASCII, IOFF(reply), 0,
	 "Support mail rule 'severity A': the severity of an existing case cannot be raised "
	 "to A by mail. Severity A needs a new request opened by phone through the support "
	 "portal; quote SR {sr} there as the reference."},
	{"phrases", SM_CONF_STRLIST, IOFF(phrases)},
	{"negations", SM_CONF_STRLIST, IOFF(negations)},
	{"conditions", SM_CONF_STRLIST, IOFF(conditions)},
	{"questions", SM_CONF_STRLIST, IOFF(questions)},
	{"reported", SM_CONF_STRLIST, IOFF(reported)},
	{NULL},
};

static const sm_conf_key feat_keys[] = {
	{"action", SM_CONF_ENUM, IOFF(action), 1, NULL, 0, 0, rule_acts},
	{"reply", SM_CONF_ASCII, IOFF(reply), 0,
	 "Support mail rule 'feature request': product change requests are submitted as "
	 "feedback through the support portal, not to a support case."},
	{"phrases", SM_CONF_STRLIST, IOFF(phrases)},
	{"negations", SM_CONF_STRLIST, IOFF(negations)},
	{"conditions", SM_CONF_STRLIST, IOFF(conditions)},
	{"questions", SM_CONF_STRLIST, IOFF(questions)},
	{NULL},
};

#define AOFF(f) offsetof(att_conf, f)
static const sm_conf_key att_keys[] = {
	{"max_count", SM_CONF_INT, AOFF(max_count), 10, NULL, 0, 1000000},
	{"max_file_bytes", SM_CONF_INT, AOFF(max_file_bytes), 1 * GiB, NULL, 1, 1024 * GiB},
	{"max_total_bytes", SM_CONF_INT, AOFF(max_total_bytes), 10 * GiB, NULL, 1, 1024 * GiB},
	{"action", SM_CONF_ENUM, AOFF(action), 0, NULL, 0, 0, att_acts},
	{"reply", SM_CONF_ASCII, AOFF(reply), 0,
	 "Support mail rule 'attachment limits': at most {max_count} attachments, "
	 "{max_file} per file and {max_total} in total. Ask your support engineer for a file "
	 "upload site for large or many files."},
	{NULL},
};

static const sm_conf_key group_keys[] = {
	{"sr", SM_CONF_GROUP, 0},
	{"subject_sr", SM_CONF_GROUP, 0},
	{"resolution", SM_CONF_GROUP, 0},
	{"severity_a", SM_CONF_GROUP, 0},
	{"feature_request", SM_CONF_GROUP, 0},
	{"attachments", SM_CONF_GROUP, 0},
	{NULL},
};

/* ------------------------------------------------------------ loading */

static const char *const *or_default(char **conf, const char *const *def)
{
	return conf ? (const char *const *)conf : def;
}

static const config_setting_t *member(const config_setting_t *g, const char *name)
{
	return g ? config_setting_get_member(g, name) : NULL;
}

static int compile_intent(sm_intent *in, const config_setting_t *g, char **ph, char **neg,
			  char **cond, char **q, char **rep, const char *const *const defs[5],
			  char *err, size_t errlen)
{
	if (sm_relist_compile(&in->phrases, or_default(ph, defs[0]), g, "phrases", false, err,
			      errlen) < 0 ||
	    sm_relist_compile(&in->negations, or_default(neg, defs[1]), g, "negations", false,
			      err, errlen) < 0 ||
	    sm_relist_compile(&in->conditions, or_default(cond, defs[2]), g, "conditions", false,
			      err, errlen) < 0 ||
	    sm_relist_compile(&in->questions, or_default(q, defs[3]), g, "questions", false, err,
			      errlen) < 0 ||
	    sm_relist_compile(&in->reported, or_default(rep, defs[4]), g, "reported", false, err,
			      errlen) < 0)
		return -1;
	return 0;
}

/* Header text we add must not break the header: no control characters. */
static int check_header_text(const config_setting_t *g, const char *key, const char *v,
			     char *err, size_t errlen)
{
	char where[512];
	const char *p;

	for (p = v; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			break;
	if (v && !*p && g_utf8_validate(v, -1, NULL))
		return 0;
	if (member(g, key))
		sm_conf_where(member(g, key), where, sizeof(where));
	else
		snprintf(where, sizeof(where), "(config): ");
	snprintf(err, errlen, "%skey '%s': must be UTF-8 text without control characters", where,
		 key);
	return -1;
}

static int load_subject(sm_rules *r, const config_setting_t *g, char *err, size_t errlen)
{
	if (sm_conf_apply(g, subj_keys, &r->subj, err, errlen) < 0 ||
	    sm_relist_compile(&r->prefixes, or_default(r->subj.prefixes, sm_def_prefixes), g,
			      "prefixes", false, err, errlen) < 0)
		return -1;
	r->subj.on_multiple += RA_REJECT; /* rule_acts start at reject */
	return 0;
}

/* The resolution's own lists: polite requests, continuations, scope. */
static int load_res_lists(sm_rules *r, const config_setting_t *g, char *err, size_t errlen)
{
	res_conf *c = &r->res;
	sm_intent *in = &r->resolution;

	if (sm_relist_compile(&in->requests, or_default(c->requests, sm_def_res_requests), g,
			      "requests", false, err, errlen) < 0 ||
	    sm_relist_compile(&in->continues, or_default(c->continues, sm_def_res_continues), g,
			      "continues", false, err, errlen) < 0 ||
	    sm_relist_compile(&in->hedges, or_default(c->hedges, sm_def_res_hedges), g, "hedges",
			      false, err, errlen) < 0 ||
	    sm_relist_compile(&in->acts, sm_def_res_acts, NULL, "acts", false, err, errlen) < 0 ||
	    sm_clauses_compile(&r->clauses, or_default(c->other_case, sm_def_other_case),
			       or_default(c->this_case, sm_def_this_case), g, err, errlen) < 0 ||
	    sm_relist_compile(&r->auto_subjects,
			      or_default(c->auto_subjects, sm_def_auto_subjects), g, "auto_subjects",
			      false, err, errlen) < 0 ||
	    sm_relist_compile(&r->auto_bodies, or_default(c->auto_bodies, sm_def_auto_bodies), g,
			      "auto_bodies", false, err, errlen) < 0 ||
	    sm_relist_compile(&r->res_subjects, or_default(c->subject_tags, sm_def_res_subjects), g,
			      "subject_tags", false, err, errlen) < 0 ||
	    sm_relist_compile(&r->unresolved, sm_def_res_unresolved, NULL, "unresolved", false, err,
			      errlen) < 0 ||
	    sm_relist_compile(&r->close_questions,
			      or_default(c->close_questions, sm_def_res_close_questions), g,
			      "close_questions", false, err, errlen) < 0 ||
	    sm_relist_compile(&r->answers, or_default(c->answers, sm_def_res_answers), g,
			      "answers", false, err, errlen) < 0)
		return -1;
	in->question_blocks = in->contrast_yields = in->scoped = true;
	return 0;
}

static int load_resolution(sm_rules *r, const config_setting_t *g, char *err, size_t errlen)
{
	static const char *const *const defs[5] = {sm_def_res_phrases, sm_def_res_negations,
						   sm_def_res_conditions, sm_def_res_questions,
						   sm_def_res_reported};
	res_conf *c = &r->res;

	if (sm_conf_apply(g, res_keys, c, err, errlen) < 0 ||
	    check_header_text(g, "tag", c->tag, err, errlen) < 0 ||
	    (c->add_rcpt && check_header_text(g, "add_rcpt", c->add_rcpt, err, errlen) < 0) ||
	    compile_intent(&r->resolution, g, c->phrases, c->negations, c->conditions,
			   c->questions, c->reported, defs, err, errlen) < 0 ||
	    load_res_lists(r, g, err, errlen) < 0)
		return -1;
	if (c->add_rcpt && !*c->add_rcpt) {
		g_free(c->add_rcpt);
		c->add_rcpt = NULL;
	}
	if (c->add_rcpt && (!strchr(c->add_rcpt, '@') || strpbrk(c->add_rcpt, " <>,;"))) {
		char where[512];

		sm_conf_where(member(g, "add_rcpt"), where, sizeof(where));
		snprintf(err, errlen, "%skey 'add_rcpt': '%s' is not a bare address (local@domain)",
			 where, c->add_rcpt);
		return -1;
	}
	return 0;
}

static int load_intent(sm_intent *in, intent_conf *c, const sm_conf_key *keys,
		       const config_setting_t *g, const char *const *const defs[5], char *err,
		       size_t errlen)
{
	if (sm_conf_apply(g, keys, c, err, errlen) < 0 ||
	    compile_intent(in, g, c->phrases, c->negations, c->conditions, c->questions,
			   c->reported, defs, err, errlen) < 0)
		return -1;
	c->action += RA_REJECT;
	return 0;
}

sm_rules *sm_rules_load(const config_setting_t *group, const char *policy_url, char *err,
			size_t errlen)
{
	static const char *const *const sev_defs[5] = {
		sm_def_sev_phrases, sm_def_sev_negations, sm_def_sev_conditions, sm_def_none,
		sm_def_sev_reported};
	static const char *const *const feat_defs[5] = {
		sm_def_feat_phrases, sm_def_res_negations, sm_def_none, sm_def_none, sm_def_none};
	sm_rules *r = g_new0(sm_rules, 1);
	int dummy;

	r->policy_url = policy_url && *policy_url ? g_strdup(policy_url) : NULL;
	if (sm_conf_apply(group, group_keys, &dummy, err, errlen) < 0)
		goto fail;
	r->sr = sm_sr_load(member(group, "sr"), err, errlen);
	if (!r->sr || load_subject(r, member(group, "subject_sr"), err, errlen) < 0 ||
	    load_resolution(r, member(group, "resolution"), err, errlen) < 0 ||
	    load_intent(&r->severity, &r->sev, sev_keys, member(group, "severity_a"), sev_defs,
			err, errlen) < 0 ||
	    load_intent(&r->feature, &r->feat, feat_keys, member(group, "feature_request"),
			feat_defs, err, errlen) < 0 ||
	    sm_conf_apply(member(group, "attachments"), att_keys, &r->att, err, errlen) < 0)
		goto fail;
	/* the three phrase lists are read on the same texts: one scan finds their words */
	r->pool = sm_litset_new();
	sm_relist_share(&r->resolution.phrases, r->pool);
	sm_relist_share(&r->severity.phrases, r->pool);
	sm_relist_share(&r->feature.phrases, r->pool);
	/* a pool of its own: every automatic-reply pattern gated by its words,
	 * also those PCRE2 would search by their first letter */
	r->auto_pool = sm_litset_new();
	sm_relist_share(&r->auto_bodies, r->auto_pool);
	/* the new texts' lines are the views' lines: one scan finds all three's words */
	r->lines_union = sm_litunion_new(
		(const sm_litset *const[]){r->pool, sm_sr_forms_words(r->sr), r->auto_pool}, 3);
	return r;
fail:
	sm_rules_free(r);
	return NULL;
}

void sm_rules_free(sm_rules *r)
{
	if (!r)
		return;
	sm_sr_free(r->sr);
	g_free(r->policy_url);
	sm_conf_clear(subj_keys, &r->subj);
	sm_conf_clear(res_keys, &r->res);
	sm_conf_clear(sev_keys, &r->sev);
	sm_conf_clear(feat_keys, &r->feat);
	sm_conf_clear(att_keys, &r->att);
	sm_relist_clear(&r->prefixes);
	sm_relist_clear(&r->auto_subjects);
	sm_relist_clear(&r->auto_bodies);
	sm_relist_clear(&r->res_subjects);
	sm_relist_clear(&r->unresolved);
	sm_relist_clear(&r->close_questions);
	sm_relist_clear(&r->answers);
	sm_clauses_clear(&r->clauses);
	sm_intent_clear(&r->resolution);
	sm_intent_clear(&r->severity);
	sm_intent_clear(&r->feature);
	sm_litunion_free(r->lines_union);
	sm_litset_free(r->pool);
	sm_litset_free(r->auto_pool);
	g_free(r);
}

const sm_sr *sm_rules_sr(const sm_rules *r)
{
	return r->sr;
}

/* ------------------------------------------------------------ results */

void sm_rules_outcome(sm_rules_result *out, const char *rule, const char *result, sm_act act,
		      char *reply)
{
	sm_rule_outcome o = {g_strdup(rule), g_strdup(result), act, reply};

	g_array_append_val(out->outcomes, o);
}

char *sm_rules_reply(const sm_rules *r, const char *tmpl, const char *srs)
{
	GString *s = g_string_new(NULL);
	const char *p = tmpl ? tmpl : "", *q;

	while ((q = strstr(p, "{sr}"))) {
		g_string_append_len(s, p, q - p);
		g_string_append(s, srs && *srs ? srs : "(none)");
		p = q + 4;
	}
	g_string_append(s, p);
	if (r->policy_url)
		g_string_append_printf(s, " %s", r->policy_url);
	return g_string_free(s, FALSE);
}

void sm_rule_outcome_clear(sm_rule_outcome *o)
{
	g_free(o->rule);
	g_free(o->result);
	g_free(o->reply);
	o->rule = o->result = o->reply = NULL;
}

void sm_rules_result_clear(sm_rules_result *out)
{
	unsigned i;

	for (i = 0; out->outcomes && i < out->outcomes->len; i++)
		sm_rule_outcome_clear(&g_array_index(out->outcomes, sm_rule_outcome, i));
	if (out->outcomes)
		g_array_free(out->outcomes, TRUE);
	g_strfreev(out->related_sr);
	g_free(out->subject_append);
	g_free(out->subject_prefix);
	g_free(out->add_rcpt);
	memset(out, 0, sizeof(*out));
}
