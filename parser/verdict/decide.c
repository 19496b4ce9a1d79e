/*
 * decide.c - the entry points of a scan (sm_scan_mem, sm_scan_fd), the
 * Subject, the convention rules, and the verdict: the strongest action wins,
 * a limit or failure takes the configured action, dry-run changes nothing.
 *
 * Untrusted input: the message (through msg.c / scan.c), the Subject and
 * header values (made printable before they reach a reply or a log).
 */
#include "rewrite.h"
#include "scan_hdr.h"
#include "scan_int.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

static char *finding_reply(const sm_result *r, const sm_finding *f)
{
	GString *g = g_string_new(NULL);
	const char *url = r->policy->cfg.policy_url;

	ascii_into(g, f->label, 80);
	g_string_append(g, " found in ");
	if (strcmp(f->location, "subject") == 0)
		g_string_append(g, "the Subject");
	else if (f->filename) {
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
static void decide_failure(sm_result *r, sm_act act, const char *text, const char *why,
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

/* ------------------------------------------------------------------ subject */

/* The raw value of the first top-level `name` field, unfolded, without the
 * leading space; NULL if absent. */
static char *raw_header(const sm_result *r, const char *name)
{
	const char *p = (const char *)r->raw, *e = p + r->hdr_end;
	size_t nl = strlen(name);

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

/* Scan the decoded Subject; returns a masked, RFC 2047-encoded Subject when
 * something was masked (g_free), else NULL. */
static char *scan_subject(scan *s)
{
	return sm_scan_header_value(s, s->m->subject, "subject");
}

/* ------------------------------------------------------------------ rules */

static int run_rules(scan *s, time_t now, sm_rules_result *rr)
{
	sm_rules_input in = {0};
	char **names, **values;
	guint i;
	int rc;

	sm_msg_headers(s->m, &names, &values);
	in.subject = s->m->subject;
	in.hdr_names = (const char *const *)names;
	in.hdr_values = (const char *const *)values;
	g_ptr_array_add(s->body_views, NULL);
	in.texts = (const sm_view *const *)s->body_views->pdata;
	for (i = 0; i < s->m->parts->len; i++) {
		const sm_part *p = g_ptr_array_index(s->m->parts, i);
		long long sz = (long long)(p->cend - p->cstart);

		if (!p->attachment)
			continue;
		in.n_attachments++;
		in.attachment_bytes_total += sz;
		if (sz > in.attachment_bytes_max)
			in.attachment_bytes_max = sz;
	}
	in.now = now;
	rc = sm_rules_eval(s->p->rules, &in, rr);
	g_ptr_array_remove_index(s->body_views, s->body_views->len - 1);
	g_strfreev(names);
	g_strfreev(values);
	return rc;
}

static void keep_rules(sm_result *r, sm_rules_result *rr)
{
	guint i;

	memcpy(r->sr, rr->sr, sizeof(r->sr));
	r->related_sr = g_strdupv(rr->related_sr);
	r->resolved = rr->resolved;
	r->feedback = rr->feedback;
	for (i = 0; rr->outcomes && i < rr->outcomes->len; i++) {
		sm_rule_outcome o = g_array_index(rr->outcomes, sm_rule_outcome, i);

		o.rule = g_strdup(o.rule);
		o.result = g_strdup(o.result);
		o.reply = g_strdup(o.reply);
		g_array_append_val(r->outcomes, o);
	}
	if (rr->add_rcpt)
		g_ptr_array_insert(r->rcpts, r->rcpts->len - 1, g_strdup(rr->add_rcpt));
}

/* ------------------------------------------------------------------ verdict */

static void apply_strips(scan *s)
{
	guint i, j;

	for (i = 0; i < s->strip->len; i++) {
		const sm_part *p = g_ptr_array_index(s->m->parts, g_array_index(s->strip, guint, i));
		size_t hs = sm_msg_part_header_start(s->m, p);
		sm_splice sp;

		for (j = 0; j < s->r->splices->len; j++) {
			sm_splice *o = &g_array_index(s->r->splices, sm_splice, j);

			if (o->start >= p->cstart && o->end <= p->cend) {
				if (o->with)
					g_bytes_unref(o->with);
				g_array_remove_index(s->r->splices, j--);
			}
		}
		if (hs == (size_t)-1) {
			/* no enclosing multipart to keep: cannot strip safely, refuse */
			sm_finding *f = sm_result_add_finding(s->r, "unstrippable", "confidential data",
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
		sp.with = sm_rewrite_notice(s->m, p, g_ptr_array_index(s->why, i));
		g_array_append_val(s->r->splices, sp);
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

static void delivery_headers(scan *s, const sm_rules_result *rr, char *subject)
{
	sm_result *r = s->r;
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

static void decide(scan *s, const sm_rules_result *rr, char *subject)
{
	sm_result *r = s->r;
	const sm_finding *f = strongest(r);
	const sm_rule_outcome *o = strongest_rule(r);
	sm_act fa = f ? f->action : SM_ACT_NONE, oa = o ? o->action : SM_ACT_NONE;

	if (s->limit && !(fa == SM_ACT_REJECT || oa == SM_ACT_REJECT) &&
	    s->limit_act >= SM_ACT_QUARANTINE) {
		decide_failure(r, s->limit_act == SM_ACT_QUARANTINE ? SM_ACT_TEMPFAIL : s->limit_act,
			       r->policy->cfg.limit_reply, "limit exceeded", true);
		r->failed = false;
		return;
	}
	if (fa >= SM_ACT_REJECT || oa >= SM_ACT_REJECT) {
		char *t = fa >= oa ? finding_reply(r, f) : g_strdup(o->reply ? o->reply : o->rule);

		r->verdict = SM_V_REJECT;
		sm_result_set_reply(r, "550", "5.7.1", t);
		g_free(t);
		return;
	}
	if (fa == SM_ACT_QUARANTINE || oa == SM_ACT_QUARANTINE) {
		r->verdict = SM_V_QUARANTINE;
		return;
	}
	apply_strips(s);
	f = strongest(r);
	if (f && f->action == SM_ACT_REJECT) { /* an attachment that could not be stripped */
		char *t = finding_reply(r, f);

		sm_result_clear_splices(r);
		r->verdict = SM_V_REJECT;
		sm_result_set_reply(r, "550", "5.7.1", t);
		g_free(t);
		return;
	}
	g_array_sort(r->splices, splice_cmp);
	if (!splices_apart(r)) {
		sm_result_clear_splices(r);
		decide_failure(r, sm_policy_on_failure(s->p), s->p->cfg.failure_reply,
			       "internal error: overlapping edits", false);
		return;
	}
	delivery_headers(s, rr, subject);
	if (s->limit)
		sm_result_add_header(r, 'A', "X-Support-Scan", "incomplete (limit exceeded)", 0);
	r->verdict = (r->splices->len || subject || rr->subject_prefix || rr->subject_append ||
		      header_changed(r))
			     ? SM_V_MODIFY
			     : SM_V_ACCEPT;
}

/* dry-run: report what enforce would do, change nothing. */
static void make_dry(sm_result *r)
{
	r->would = r->verdict;
	r->verdict = SM_V_ACCEPT;
	sm_result_clear_splices(r);
	sm_result_clear_headers(r);
	sm_result_set_reply(r, NULL, NULL, NULL);
}

/* ------------------------------------------------------------------ entry */

static void envelope(sm_result *r, const sm_envelope *env)
{
	GPtrArray *sup = g_ptr_array_new(), *all = g_ptr_array_new();
	size_t i;

	r->support = !env || !env->rcpts;
	r->sender = env && env->sender ? g_utf8_make_valid(env->sender, -1) : NULL;
	for (i = 0; env && env->rcpts && env->rcpts[i]; i++) {
		g_ptr_array_add(all, g_utf8_make_valid(env->rcpts[i], -1));
		if (sm_policy_is_support_rcpt(r->policy, env->rcpts[i])) {
			r->support = true;
			g_ptr_array_add(sup, g_utf8_make_valid(env->rcpts[i], -1));
		}
	}
	g_ptr_array_add(sup, NULL);
	g_ptr_array_add(all, NULL);
	r->all_rcpts = (char **)g_ptr_array_free(all, FALSE);
	r->support_rcpts = (char **)g_ptr_array_free(sup, FALSE);
}

static void scan_message(scan *s, time_t now)
{
	sm_rules_result rr = {0};
	char found[MAX_SR][17];
	const char *srs[MAX_SR + 1] = {NULL};
	char *subject = NULL, *folded;
	size_t n = 0, i;

	folded = s->m->subject ? sm_fold(s->m->subject, strlen(s->m->subject)) : NULL;
	if (folded)
		n = sm_sr_find(sm_rules_sr(s->p->rules), folded, strlen(folded), true, now, found,
			       MAX_SR);
	for (i = 0; i < n; i++)
		srs[i] = found[i];
	s->ctx.sr_numbers = srs;
	subject = scan_subject(s);
	sm_scan_top_headers(s);
	for (i = 0; i < s->m->parts->len; i++)
		sm_scan_part(s, (guint)i);
	sm_scan_hblocks(s);
	if (s->error)
		decide_failure(s->r, sm_policy_on_failure(s->p), s->p->cfg.failure_reply, s->error,
			       false);
	else if (s->depth == 0 && run_rules(s, now, &rr) < 0) /* the rules are the outer message's */
		decide_failure(s->r, sm_policy_on_failure(s->p), s->p->cfg.failure_reply,
			       "internal error in the rules", false);
	else {
		keep_rules(s->r, &rr);
		decide(s, &rr, subject);
	}
	sm_rules_result_clear(&rr);
	g_free(subject);
	g_free(folded);
}

/* One message in buf; fd >= 0 when buf is a mapping of it (map: the
 * mapping, handed to the result, which unmaps it). */
static sm_result *scan_buf(sm_policy *p, const void *buf, size_t len, int fd, void *map,
			   const sm_envelope *env, time_t now, int depth)
{
	sm_result *r = sm_result_new(p, buf, len);
	scan s = {0};
	guint i;

	r->mapped = map;
	envelope(r, env);
	if (!r->support)
		return r; /* not support mail: accepted untouched */
	s.p = p;
	s.r = r;
	s.lim = sm_policy_limits(p);
	s.depth = depth;
	if ((long long)len > s.lim->max_message_bytes) {
		decide_failure(r, (sm_act)s.lim->on_limit, p->cfg.limit_reply, "message too large",
			       true);
		r->failed = false;
		goto out;
	}
	s.m = sm_msg_parse_fd(buf, len, fd, s.lim);
	/* the parse read every byte; a large spool file need not stay resident */
	sm_result_release(r, 0, len);
	r->message_id = g_strdup(s.m->message_id);
	if (s.m->status == SM_MSG_ERROR) {
		decide_failure(r, sm_policy_on_failure(p), p->cfg.failure_reply,
			       "message could not be parsed", false);
		goto out;
	}
	if (s.m->status == SM_MSG_LIMIT) {
		decide_failure(r, (sm_act)s.lim->on_limit, p->cfg.limit_reply, s.m->limit_what, true);
		r->failed = false;
		goto out;
	}
	s.ctx.now = now;
	s.ctx.sr = sm_rules_sr(p->rules);
	s.ctx.fp_key = p->cfg.fp_key;
	s.body_views = g_ptr_array_new();
	s.keep = g_ptr_array_new();
	s.strip = g_array_new(FALSE, FALSE, sizeof(guint));
	s.why = g_ptr_array_new_with_free_func(g_free);
	scan_message(&s, now);
	for (i = 0; i < s.body_views->len; i++)
		sm_view_free(g_ptr_array_index(s.body_views, i));
	for (i = 0; i < s.keep->len; i++)
		g_byte_array_free(g_ptr_array_index(s.keep, i), TRUE);
	g_ptr_array_free(s.body_views, TRUE);
	g_ptr_array_free(s.keep, TRUE);
	g_array_free(s.strip, TRUE);
	g_ptr_array_free(s.why, TRUE);
out:
	sm_msg_free(s.m);
	if (r->dry_run)
		make_dry(r);
	return r;
}

sm_result *sm_scan_nested(const scan *outer, const uint8_t *buf, size_t len)
{
	return scan_buf(outer->p, buf, len, -1, NULL, NULL, outer->ctx.now, outer->depth + 1);
}

sm_result *sm_scan_mem(sm_policy *p, const void *buf, size_t len, const sm_envelope *env,
		       time_t now)
{
	return scan_buf(p, buf, len, -1, NULL, env, now, 0);
}

sm_result *sm_scan_fd(sm_policy *p, int fd, const sm_envelope *env, time_t now)
{
	struct stat st;
	void *map = MAP_FAILED;
	sm_result *r;

	if (fstat(fd, &st) < 0)
		st.st_size = -1;
	if (st.st_size == 0)
		return sm_scan_mem(p, "", 0, env, now);
	if (st.st_size > 0)
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		r = sm_result_new(p, (const uint8_t *)"", 0);
		envelope(r, env);
		decide_failure(r, sm_policy_on_failure(p), p->cfg.failure_reply, "spool unreadable", false);
		return r;
	}
	return scan_buf(p, map, (size_t)st.st_size, fd, map, env, now, 0);
}
