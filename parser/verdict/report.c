/*
 * report.c - a result as the --test JSON object, as one audit record, and
 * as one syslog line.  Findings appear with detector, location, file name,
 * archive member, count, action, masked preview and fingerprint: never the
 * matched value.  Strings pass through the JSON writer (escaped, valid UTF-8).
 */
#include "sm_json.h"
#include "result.h"

#include <string.h>

static void findings_json(sm_json *j, const sm_result *r, bool fingerprints)
{
	guint i;

	sm_json_key(j, "findings");
	sm_json_arr_begin(j);
	for (i = 0; i < r->findings->len; i++) {
		const sm_finding *f = &g_array_index(r->findings, sm_finding, i);

		sm_json_obj_begin(j);
		sm_json_kstr(j, "detector", f->detector);
		if (f->kind == SM_FK_PROPAGATED) /* the value found elsewhere in the message */
			sm_json_kstr(j, "kind", sm_finding_kind_names[f->kind]);
		sm_json_kstr(j, "location", f->location);
		if (f->filename)
			sm_json_kstr(j, "filename", f->filename);
		if (f->member)
			sm_json_kstr(j, "member", f->member);
		sm_json_kint(j, "count", f->count);
		sm_json_kstr(j, "action", sm_act_names[f->action]);
		sm_json_kstr(j, "preview", f->preview ? f->preview : "");
		if (fingerprints && f->fingerprint[0])
			sm_json_kstr(j, "fingerprint", f->fingerprint);
		sm_json_obj_end(j);
	}
	sm_json_arr_end(j);
}

/* "headers_changed": the top-level fields other than the Subject whose
 * value was masked (only when there are some). */
static void changed_json(sm_json *j, const sm_result *r)
{
	bool any = false;
	guint i;

	for (i = 0; i < r->hdrops->len; i++) {
		const sm_hdrop *h = &g_array_index(r->hdrops, sm_hdrop, i);

		if (h->op != 'C' || g_ascii_strcasecmp(h->name, "Subject") == 0)
			continue;
		if (!any) {
			sm_json_key(j, "headers_changed");
			sm_json_arr_begin(j);
			any = true;
		}
		sm_json_str(j, h->name);
	}
	if (any)
		sm_json_arr_end(j);
}

static void rules_json(sm_json *j, const sm_result *r)
{
	guint i;

	sm_json_key(j, "rules");
	sm_json_arr_begin(j);
	for (i = 0; i < r->outcomes->len; i++) {
		const sm_rule_outcome *o = &g_array_index(r->outcomes, sm_rule_outcome, i);

		sm_json_obj_begin(j);
		sm_json_kstr(j, "rule", o->rule);
		sm_json_kstr(j, "result", o->result);
		sm_json_kstr(j, "action", sm_act_names[o->action]);
		sm_json_obj_end(j);
	}
	sm_json_arr_end(j);
}

static void strv_json(sm_json *j, const char *key, char **v)
{
	sm_json_key(j, key);
	sm_json_arr_begin(j);
	for (; v && *v; v++)
		sm_json_str(j, *v);
	sm_json_arr_end(j);
}

static void reply_json(sm_json *j, const sm_result *r)
{
	if (r->code) {
		char *t = g_strdup_printf("%s %s %s", r->code, r->xcode ? r->xcode : "",
					  r->text ? r->text : "");

		sm_json_kstr(j, "smtp_reply", t);
		g_free(t);
	}
}

/* What the delivered message gets: headers, body, recipients; notes. */
static void common_changes_json(sm_json *j, const sm_result *r)
{
	guint i;
	bool subj = false;

	sm_json_key(j, "headers_added");
	sm_json_arr_begin(j);
	for (i = 0; i < r->hdrops->len; i++) {
		const sm_hdrop *h = &g_array_index(r->hdrops, sm_hdrop, i);
		char *t = g_strdup_printf("%s: %s", h->name, h->value);

		if (h->op == 'A' && strcmp(h->name, "Subject") != 0)
			sm_json_str(j, t);
		g_free(t);
	}
	sm_json_arr_end(j);
	for (i = 0; i < r->hdrops->len; i++)
		subj |= strcmp(g_array_index(r->hdrops, sm_hdrop, i).name, "Subject") == 0;
	sm_json_kbool(j, "subject_changed", subj);
	sm_json_kbool(j, "body_changed", r->splices->len > 0);
	changed_json(j, r);
	if (r->rcpts->len > 1) {
		sm_json_key(j, "recipients_added");
		sm_json_arr_begin(j);
		for (i = 0; i + 1 < r->rcpts->len; i++)
			sm_json_str(j, g_ptr_array_index(r->rcpts, i));
		sm_json_arr_end(j);
	}
	sm_json_key(j, "notes");
	sm_json_arr_begin(j);
	for (i = 0; i < r->notes->len; i++)
		sm_json_str(j, g_ptr_array_index(r->notes, i));
	sm_json_arr_end(j);
}

/* The fields --test and the audit log share. */
static void common_json(sm_json *j, const sm_result *r, bool audit)
{
	sm_json_kstr(j, "action", sm_verdict_names[r->verdict]);
	if (r->dry_run) {
		sm_json_kbool(j, "dry_run", true);
		sm_json_kstr(j, "would_action", sm_verdict_names[r->would]);
	}
	reply_json(j, r);
	sm_json_kbool(j, "support", r->support);
	if (r->sr[0])
		sm_json_kstr(j, "sr", r->sr);
	else
		sm_json_kstr(j, "sr", NULL);
	strv_json(j, "related_sr", r->related_sr);
	sm_json_kbool(j, "resolution", r->resolved);
	findings_json(j, r, audit);
	rules_json(j, r);
	common_changes_json(j, r);
}

char *sm_result_json(const sm_result *r)
{
	sm_json j;

	sm_json_init(&j);
	sm_json_obj_begin(&j);
	common_json(&j, r, true);
	sm_json_obj_end(&j);
	return sm_json_finish(&j);
}

/* Where a finding is, in words a reader and the notice use. */
const char *sm_finding_where(const sm_finding *f)
{
	size_t n = strlen(f->location);

	if (strcmp(f->location, "subject") == 0)
		return "subject";
	if (n >= 6 && strcmp(f->location + n - 6, "HEADER") == 0)
		return "header";
	if (f->filename || f->member)
		return "attachment";
	return f->quoted ? "quoted" : "body";
}

static void audit_findings(sm_json *j, const sm_result *r)
{
	guint i;

	sm_json_key(j, "findings");
	sm_json_arr_begin(j);
	for (i = 0; i < r->findings->len; i++) {
		const sm_finding *f = &g_array_index(r->findings, sm_finding, i);

		sm_json_obj_begin(j);
		sm_json_kstr(j, "kind", sm_finding_kind_names[f->kind]);
		sm_json_kstr(j, "detector", f->detector);
		sm_json_kstr(j, "label", f->label);
		sm_json_kstr(j, "location", f->location);
		sm_json_kstr(j, "where", sm_finding_where(f));
		if (f->filename)
			sm_json_kstr(j, "filename", f->filename);
		if (f->member)
			sm_json_kstr(j, "member", f->member);
		sm_json_kint(j, "count", f->count);
		sm_json_kstr(j, "action", sm_act_names[f->action]);
		sm_json_kstr(j, "preview", f->preview ? f->preview : "");
		sm_json_kstr(j, "fingerprint", f->fingerprint[0] ? f->fingerprint : NULL);
		if (f->relaxed)
			sm_json_kbool(j, "relaxed", true);
		sm_json_obj_end(j);
	}
	sm_json_arr_end(j);
}

static void audit_recipients(sm_json *j, const sm_result *r)
{
	char **a;

	sm_json_key(j, "recipients");
	sm_json_arr_begin(j);
	for (a = r->all_rcpts; a && *a; a++) {
		bool sup = false;
		char **s;

		for (s = r->support_rcpts; s && *s && !sup; s++)
			sup = strcmp(*s, *a) == 0;
		sm_json_obj_begin(j);
		sm_json_kstr(j, "address", *a);
		sm_json_kbool(j, "support", sup);
		sm_json_obj_end(j);
	}
	sm_json_arr_end(j);
}

/* The record's content (schema 1): everything the result, the envelope and
 * the policy say.  The daemon adds the event id, time, host and the action
 * as applied (milter/daemon/audit.c). */
char *sm_result_audit_json(const sm_result *r, const sm_envelope *env, time_t now)
{
	sm_json j;

	(void)now;
	sm_json_init(&j);
	sm_json_obj_begin(&j);
	sm_json_kstr(&j, "queue_id", env && env->queue_id ? env->queue_id : NULL);
	sm_json_kstr(&j, "message_id", r->message_id);
	sm_json_kstr(&j, "sender", r->sender);
	audit_recipients(&j, r);
	sm_json_kstr(&j, "subject", r->subject);
	sm_json_kstr(&j, "policy_version", sm_policy_version(r->policy));
	sm_json_kstr(&j, "mode", r->dry_run ? "dry-run" : "enforce");
	sm_json_kstr(&j, "decision", sm_verdict_names[r->verdict]);
	if (r->dry_run)
		sm_json_kstr(&j, "would_action", sm_verdict_names[r->would]);
	reply_json(&j, r);
	sm_json_kbool(&j, "support", r->support);
	sm_json_kbool(&j, "failed", r->failed);
	sm_json_kstr(&j, "sr", r->sr[0] ? r->sr : NULL);
	strv_json(&j, "related_sr", r->related_sr);
	sm_json_kbool(&j, "resolution", r->resolved);
	audit_findings(&j, r);
	rules_json(&j, r);
	sm_json_kstr(&j, "exception", r->exception);
	common_changes_json(&j, r);
	sm_json_obj_end(&j);
	return sm_json_finish(&j);
}

/* n in decimal. */
static void append_uint(GString *g, unsigned n)
{
	char d[16];
	int k = (int)sizeof(d);

	do
		d[--k] = (char)('0' + n % 10);
	while ((n /= 10) && k > 0);
	g_string_append_len(g, d + k, (gssize)sizeof(d) - k);
}

char *sm_result_summary(const sm_result *r)
{
	GString *g = g_string_sized_new(128);
	guint i;

	/* appends, not printf: this line is made for every support message */
	g_string_append(g, "action=");
	g_string_append(g, sm_verdict_names[r->verdict]);
	g_string_append(g, " sr=");
	g_string_append(g, r->sr[0] ? r->sr : "-");
	g_string_append(g, " findings=");
	append_uint(g, r->findings->len);
	for (i = 0; i < r->findings->len && i < 8; i++) {
		const sm_finding *f = &g_array_index(r->findings, sm_finding, i);

		g_string_append_c(g, ' ');
		g_string_append(g, f->detector ? f->detector : "(null)"); /* as printf had it */
		g_string_append_c(g, ':');
		g_string_append(g, sm_act_names[f->action]);
		g_string_append_c(g, '@');
		g_string_append(g, f->location);
	}
	if (r->resolved)
		g_string_append(g, " resolution=resolved");
	if (r->code) {
		g_string_append(g, " reply=");
		g_string_append(g, r->code);
		g_string_append_c(g, '/');
		g_string_append(g, r->xcode ? r->xcode : "");
	}
	if (r->dry_run) {
		g_string_append(g, " dry-run would=");
		g_string_append(g, sm_verdict_names[r->would]);
	}
	return g_string_free(g, FALSE);
}
