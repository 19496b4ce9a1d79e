/* rules.c - STUB: replaced by the support conventions work (issue 4). */
#include "rules.h"

#include <string.h>

struct sm_rules {
	sm_sr *sr;
};

sm_rules *sm_rules_load(const config_setting_t *group, const char *policy_url, char *err,
			size_t errlen)
{
	sm_rules *r = g_new0(sm_rules, 1);

	r->sr = sm_sr_load(NULL, err, errlen);
	return r;
}

void sm_rules_free(sm_rules *r)
{
	if (!r)
		return;
	sm_sr_free(r->sr);
	g_free(r);
}

const sm_sr *sm_rules_sr(const sm_rules *r)
{
	return r->sr;
}

int sm_rules_eval(const sm_rules *r, const sm_rules_input *in, sm_rules_result *out)
{
	memset(out, 0, sizeof(*out));
	out->outcomes = g_array_new(FALSE, TRUE, sizeof(sm_rule_outcome));
	return 0;
}

void sm_rules_result_clear(sm_rules_result *out)
{
	unsigned i;

	for (i = 0; out->outcomes && i < out->outcomes->len; i++) {
		sm_rule_outcome *o = &g_array_index(out->outcomes, sm_rule_outcome, i);

		g_free(o->rule);
		g_free(o->result);
		g_free(o->reply);
	}
	if (out->outcomes)
		g_array_free(out->outcomes, TRUE);
	g_strfreev(out->related_sr);
	g_free(out->subject_append);
	g_free(out->subject_prefix);
	g_free(out->add_rcpt);
	memset(out, 0, sizeof(*out));
}
