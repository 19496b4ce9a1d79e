/*
 * decide.c - the verdict of one scanned message (decide.h): the rules'
 * outcome kept, then blocking verdicts (a limit that holds the message, a
 * reject, a quarantine), strips (notices in place of stripped parts), and
 * the delivered verdict (headers; accept or modify).  The strongest action
 * wins; a limit or failure takes the configured action; dry-run changes
 * nothing.
 *
 * Untrusted input: the Subject, file names and header values found by the
 * scan (made printable ASCII before they reach a reply).
 */
#include "decide.h"
#include "rewrite.h"

#include <string.h>

/* ------------------------------------------------------------------ replies */

/* Printable ASCII copy of s for replies, at most max bytes ('?' elsewhere). */
static void ascii_into(GString *g, const char *s, size_t max)
{
	size_t n = 0;

	for (; s && *s && n < max; n++) {
		gunichar c = g_utf8_get_char_validated(s, -1);

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_c(g, '?');
			s++;
			continue;
		}
		g_string_append_c(g, (c >= 0x20 && c < 0x7f) ? (char)c : '?');
		s = g_utf8_next_char(s);
	}
}

/* A rule's reply; without one, the rule in words (never its internal id). */
static char *rule_reply(const sm_rule_outcome *o)
{
	static const char *const words[][2] = {
		{"subject_sr", "the SR number in the Subject"}, {"severity_a", "severity A by mail"},
		{"feature_request", "feature requests by mail"}, {"attachments", "attachment limits"},
		{"resolution", "resolution notices"}};
	size_t i;

	if (o->reply && *o->reply)
		return g_strdup(o->reply);
	for (i = 0; i < G_N_ELEMENTS(words); i++)
		if (strcmp(o->rule, words[i][0]) == 0)
			return g_strdup_printf("Message refused by the support mail rule on %s",
					       words[i][1]);
	return g_strdup("Message refused by a support mail rule");
}

static char *finding_reply(const sm_result *r, const sm_finding *f)
{
	GString *g = g_string_new(NULL);
	const char *url = r->policy->cfg.policy_url;

	if (f->names_part) { /* "attachment X could not be read; ..." */
		g_string_append(g, "attachment ");
		if (f->filename && !f->name_masked) {
			g_string_append_c(g, '"');
			ascii_into(g, f->filename, 120);
			g_string_append_c(g, '"');
		} else
			ascii_into(g, f->location, 40);
		g_string_append_c(g, ' ');
		ascii_into(g, f->reply, 300);
		if (url && *url && !strstr(g->str, url))
			g_string_append_printf(g, " (%s)", url);
		return g_string_free(g, FALSE);
	}
	ascii_into(g, f->label, 80);
	g_string_append(g, " found in ");
	if (strcmp(f->location, "subject") == 0)
		g_string_append(g, "the Subject");
	else if (f->filename && f->name_masked) { /* the name itself held the value */
		g_string_append(g, "attachment ");
		ascii_into(g, f->location, 40);
	} else if (f->filename) {
		g_string_append(g, "attachment \"");
		ascii_into(g, f->filename, 120);
		g_string_append_c(g, '"');
	} else {
		g_string_append(g, "the message text (MIME part ");
		ascii_into(g, f->location, 40);
		g_string_append_c(g, ')');
	}
	if (f->member) {
		g_string_append(g, " member \"");
		ascii_into(g, f->member, 120);
		g_string_append_c(g, '"');
	}
	if (f->reply && *f->reply) {
		g_string_append(g, "; ");
		ascii_into(g, f->reply, 300);
	}
	if (url && *url && !strstr(g->str, url))
		g_string_append_printf(g, " (%s)", url);
	return g_string_free(g, FALSE);
}

/* A message the policy could not judge whole: an internal failure, or a
 * limit (limit: accepted, it is marked as such). */
void sm_decide_failure(sm_result *r, sm_act act, const char *text, const char *why,
		       bool limit)
{
	/* the configured text may already say why (the default limit_reply does) */
	char *t = strstr(text, why) ? g_strdup(text) : g_strdup_printf("%s (%s)", text, why);

	r->failed = true;
	if (act == SM_ACT_REJECT) {
		r->verdict = SM_V_REJECT;
		sm_result_set_reply(r, "550", "5.7.1", t);
	} else if (act == SM_ACT_NONE || act == SM_ACT_LOG || act == SM_ACT_TAG) {
		r->verdict = SM_V_ACCEPT;
		sm_result_add_header(r, 'A', "X-Support-Scan",
				     limit ? "incomplete (limit exceeded)" : "incomplete", 0);
	} else {
		r->verdict = SM_V_TEMPFAIL;
		sm_result_set_reply(r, "451", "4.3.0", t);
	}
	sm_result_note(r, "%s", why);
	g_free(t);
}

void sm_decide_limit(sm_result *r, sm_act act, const char *why, bool permanent)
{
	if (act == SM_ACT_QUARANTINE)
		act = SM_ACT_TEMPFAIL; /* a message that was not scanned whole is not held as judged */
	sm_decide_failure(r, act, r->policy->cfg.limit_reply, why, true);
	r->limited = permanent ? 1 : 2;
	if (act == SM_ACT_REJECT && permanent) {
		char *t = g_strdup(r->text); /* set_reply frees the old text */

		sm_result_set_reply(r, "552", "5.3.4", t);
		g_free(t);
	}
	r->failed = false;
}

void sm_decide_unparseable(sm_result *r, const char *why)
{
	sm_decide_failure(r, sm_policy_on_unparseable(r->policy), r->policy->cfg.unparseable_reply,
			  why, false);
	r->failed = false;
	r->unparseable = true;
}

/* ------------------------------------------------------------------ rules */

/* The rules' outcome, copied into the result. */
static void keep_rules(sm_result *r, const sm_rules_result *rr, const sm_exception *exc)
{
	guint i;

	memcpy(r->sr, rr->sr, sizeof(r->sr));
	r->related_sr = g_strdupv(rr->related_sr);
	r->resolved = rr->resolved;
	r->feedback = rr->feedback;
	r->auto_reply = rr->auto_reply;
	for (i = 0; rr->outcomes && i < rr->outcomes->len; i++) {
		sm_rule_outcome o = g_array_index(rr->outcomes, sm_rule_outcome, i);

		o.rule = g_strdup(o.rule);
		o.result = g_strdup(o.result);
		o.reply = g_strdup(o.reply);
		if (o.action > SM_ACT_LOG && sm_exception_relaxes(exc, o.rule)) {
			sm_result_note(r, "exception %s: rule %s (%s) only logged",
				       sm_exception_name(exc), o.rule, sm_act_names[o.action]);
			o.action = SM_ACT_LOG;
		}
		g_array_append_val(r->outcomes, o);
	}
	if (rr->add_rcpt)
		g_ptr_array_insert(r->rcpts, r->rcpts->len - 1, g_strdup(rr->add_rcpt));
}

/* ------------------------------------------------------------------ subject */

/* The raw value of the first top-level `name` field, unfolded, without the
 * leading space; NULL if absent. */
static char *raw_header(const sm_result *r, const char *name)
{
	const char *p = (const char *)sm_result_bytes(r), *e;
	size_t nl = strlen(name);

	if (!p)
		return NULL;
	e = p + r->hdr_end;
	p += r->hdr_start;
	while (p < e) {
		const char *eol = memchr(p, '\n', e - p);
		const char *end = eol ? eol + 1 : e;

		if ((size_t)(end - p) > nl && g_ascii_strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			GString *g = g_string_new(NULL);
			const char *q = p + nl + 1;

			while (end < e && (*end == ' ' || *end == '\t')) {
				eol = memchr(end, '\n', e - end);
				end = eol ? eol + 1 : e;
			}
			for (; q < end; q++)
				if (*q != '\r' && *q != '\n')
					g_string_append_c(g, *q);
			return g_strchug(g_string_free(g, FALSE));
		}
		p = end;
	}
	return NULL;
}

/* ------------------------------------------------------------------ verdict */

static void apply_strips(sm_result *r, const sm_decide_in *in)
{
	guint i, j;

	for (i = 0; i < in->strip->len; i++) {
		const sm_part *p = g_ptr_array_index(in->m->parts, g_array_index(in->strip, guint, i));
		size_t hs = sm_msg_part_header_start(in->m, p);
		sm_splice sp;

		for (j = 0; j < r->splices->len; j++) {
			sm_splice *o = &g_array_index(r->splices, sm_splice, j);

			if (o->start >= p->cstart && o->end <= p->cend) {
				if (o->with)
					g_bytes_unref(o->with);
				g_array_remove_index(r->splices, j--);
			}
		}
		if (hs == (size_t)-1) {
			/* no enclosing multipart to keep: cannot strip safely, refuse */
			sm_finding *f = sm_result_add_finding(r, "unstrippable", "confidential data",
							      p->loc, p->filename, NULL);

			f->kind = SM_FK_PART;
			f->count = 1;
			f->action = SM_ACT_REJECT;
			f->preview = g_strdup("-");
			f->reply = g_strdup("it cannot be removed from this message; send it without it");
			continue;
		}
		sp.start = hs;
		sp.end = p->cend;
		sp.with = sm_rewrite_notice(in->m, p, g_ptr_array_index(in->why, i));
		g_array_append_val(r->splices, sp);
	}
}

/* A top-level field other than the Subject was masked (scan_hdr.c). */
static bool header_changed(const sm_result *r)
{
	for (guint i = 0; i < r->hdrops->len; i++) {
		const sm_hdrop *h = &g_array_index(r->hdrops, sm_hdrop, i);

		if (h->op == 'C' && g_ascii_strcasecmp(h->name, "Subject") != 0)
			return true;
	}
	return false;
}

static gint splice_cmp(gconstpointer a, gconstpointer b)
{
	const sm_splice *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sorted splices that overlap would drop a mask when written (result.c
 * skips a splice that starts before the previous one ends): never deliver
 * such a message.  True if they are apart. */
static bool splices_apart(const sm_result *r)
{
	guint i;

	for (i = 1; i < r->splices->len; i++)
		if (g_array_index(r->splices, sm_splice, i).start <
		    g_array_index(r->splices, sm_splice, i - 1).end)
			return false;
	return true;
}

/* The finding with the strongest action, or NULL. */
static const sm_finding *strongest(const sm_result *r)
{
	const sm_finding *best = NULL;
	guint i;

	for (i = 0; i < r->findings->len; i++) {
		const sm_finding *f = &g_array_index(r->findings, sm_finding, i);

		if (!best || f->action > best->action)
			best = f;
	}
	return best;
}

static const sm_rule_outcome *strongest_rule(const sm_result *r)
{
	const sm_rule_outcome *best = NULL;
	guint i;

	for (i = 0; i < r->outcomes->len; i++) {
		const sm_rule_outcome *o = &g_array_index(r->outcomes, sm_rule_outcome, i);

		if (!best || o->action > best->action)
			best = o;
	}
	return best;
}

static void findings_header(sm_result *r)
{
	GString *g = g_string_new(NULL);
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	guint i;

	/* one item per detector, action and place (findings are per value) */
	for (i = 0; i < r->findings->len; i++) {
		const sm_finding *f = &g_array_index(r->findings, sm_finding, i);
		char *item;

		if (f->action < SM_ACT_TAG || f->action > SM_ACT_STRIP)
			continue;
		item = g_strdup_printf("%s=%s(%s)", f->detector, sm_act_names[f->action],
				       f->location);
		if (!g_hash_table_add(seen, item))
			continue;
		g_string_append_printf(g, "%s%s", g->len ? ", " : "", item);
		if (g->len > 700)
			break;
	}
	g_hash_table_destroy(seen);
	if (g->len)
		sm_result_add_header(r, 'A', "X-Support-Findings", g->str, 0);
	g_string_free(g, TRUE);
}

static void delivery_headers(sm_result *r, const sm_rules_result *rr, const char *subject)
{
	char *old = raw_header(r, "Subject");
	const char *base = subject ? subject : old;

	if (r->sr[0])
		sm_result_add_header(r, 'A', "X-Support-SR", r->sr, 0);
	if (r->resolved)
		sm_result_add_header(r, 'A', "X-Support-Resolution", "resolved", 0);
	if (r->feedback)
		sm_result_add_header(r, 'A', "X-Support-Feedback", "suggest-portal", 0);
	findings_header(r);
	if (subject || rr->subject_prefix || rr->subject_append) {
		char *v = g_strdup_printf("%s%s%s", rr->subject_prefix ? rr->subject_prefix : "",
					  base ? base : "",
					  rr->subject_append ? rr->subject_append : "");

		sm_result_add_header(r, old ? 'C' : 'A', "Subject", v, 1);
		g_free(v);
	}
	g_free(old);
}

/* Blocking verdicts: a limit whose action holds the message (unless a
 * reject decides anyway), a reject, a quarantine.  True when one decided. */
static bool decide_blocking(sm_result *r, const sm_decide_in *in)
{
	const sm_finding *f = strongest(r);
	const sm_rule_outcome *o = strongest_rule(r);
	sm_act fa = f ? f->action : SM_ACT_NONE, oa = o ? o->action : SM_ACT_NONE;

	if (in->limit && !(fa == SM_ACT_REJECT || oa == SM_ACT_REJECT) &&
	    in->limit_act >= SM_ACT_QUARANTINE) {
		sm_decide_limit(r, in->limit_act, "limit exceeded", in->limit_permanent);
		return true;
	}
	if (fa >= SM_ACT_REJECT || oa >= SM_ACT_REJECT) {
		char *t = fa >= oa ? finding_reply(r, f) : rule_reply(o);

		r->verdict = SM_V_REJECT;
		sm_result_set_reply(r, "550", "5.7.1", t);
		g_free(t);
		return true;
	}
	if (fa == SM_ACT_QUARANTINE || oa == SM_ACT_QUARANTINE) {
		r->verdict = SM_V_QUARANTINE;
		return true;
	}
	return false;
}

/* Strips: each stripped part becomes its notice.  An attachment that could
 * not be stripped rejects; edits that overlap fail.  True when one decided. */
static bool decide_strips(sm_result *r, const sm_decide_in *in)
{
	const sm_finding *f;

	apply_strips(r, in);
	f = strongest(r);
	if (f && f->action == SM_ACT_REJECT) { /* an attachment that could not be stripped */
		char *t = finding_reply(r, f);

		sm_result_clear_splices(r);
		r->verdict = SM_V_REJECT;
		sm_result_set_reply(r, "550", "5.7.1", t);
		g_free(t);
		return true;
	}
	g_array_sort(r->splices, splice_cmp);
	if (!splices_apart(r)) {
		sm_result_clear_splices(r);
		sm_decide_failure(r, sm_policy_on_failure(r->policy), r->policy->cfg.failure_reply,
				  "internal error: overlapping edits", false);
		return true;
	}
	return false;
}

/* Delivered: the headers it gets, and accept or modify. */
static void decide_delivered(sm_result *r, const sm_decide_in *in)
{
	const sm_rules_result *rr = in->rr;

	delivery_headers(r, rr, in->subject);
	if (in->limit)
		sm_result_add_header(r, 'A', "X-Support-Scan", "incomplete (limit exceeded)", 0);
	r->verdict = (r->splices->len || in->subject || rr->subject_prefix || rr->subject_append ||
		      header_changed(r))
			     ? SM_V_MODIFY
			     : SM_V_ACCEPT;
}

void sm_decide(sm_result *r, const sm_decide_in *in)
{
	keep_rules(r, in->rr, in->exc);
	if (!decide_blocking(r, in) && !decide_strips(r, in))
		decide_delivered(r, in);
}

/* dry-run: report what enforce would do, change nothing. */
void sm_decide_dry_run(sm_result *r)
{
	r->would = r->verdict;
	r->verdict = SM_V_ACCEPT;
	sm_result_clear_splices(r);
	sm_result_clear_headers(r);
	sm_result_set_reply(r, NULL, NULL, NULL);
}
