/*
 * rules_eval.c - evaluating the support conventions on one message
 * (rules.h): attachment limits, the SR number in the Subject (repair from
 * the quoted history, reject, tag or accept), related SR numbers in the
 * bodies, then, on the author's new text only and never for automatic
 * replies, resolution, severity A and feature requests; the author's status
 * tag in the Subject (【解決】) resolves when the new text says nothing either
 * way and the quoted history's Subject does not show it already; so does a
 * bare yes to support's "May we close this case?" in the quoted history.
 *
 * Untrusted input: the decoded Subject, header fields and text views.
 * Limits: the SR module's max_matches / max_numbers, the intent module's
 * phrase and sentence bounds; TAG_HISTORY_WINDOW bytes of each view's quoted
 * history searched for an inherited tag, ASK_HISTORY_WINDOW for support's
 * question; header fields as the caller bounded them.
 * Reply text is built from configured printable ASCII and digits only.
 * Owns: what it puts in the result (sm_rules_result_clear frees it).
 */
#include "rules_priv.h"

#include "quote.h"

#include <stdio.h>
#include <string.h>

#define SUBJECT_SR_MAX 8      /* SR numbers named in a reply about the Subject */
#define AUTO_BODY_WINDOW 1024 /* bytes of new text where a reply says it is automatic */
#define TAG_HISTORY_WINDOW 8192 /* bytes of quoted history where an inherited Subject tag is */
#define ASK_HISTORY_WINDOW 2048 /* bytes of quoted history where support asks to close */

static sm_act act_of(int ra)
{
	return ra == RA_REJECT ? SM_ACT_REJECT : ra == RA_TAG ? SM_ACT_TAG : SM_ACT_LOG;
}

/* ------------------------------------------------------------ attachments */

static void human_size(long long b, char *buf, size_t len)
{
	static const char *const units[] = {"bytes", "KB", "MB", "GB", "TB"};
	int u = 0;

	while (u < 4 && b >= 1024 && b % 1024 == 0) {
		b /= 1024;
		u++;
	}
	snprintf(buf, len, "%lld %s", b, units[u]);
}

/* tmpl with {max_count}, {max_file}, {max_total} replaced. g_free. */
static char *att_text(const att_conf *a, const char *tmpl)
{
	char v[3][48];
	const char *const keys[] = {"{max_count}", "{max_file}", "{max_total}"};
	GString *s = g_string_new(tmpl);
	int i;

	snprintf(v[0], sizeof(v[0]), "%lld", a->max_count);
	human_size(a->max_file_bytes, v[1], sizeof(v[1]));
	human_size(a->max_total_bytes, v[2], sizeof(v[2]));
	for (i = 0; i < 3; i++)
		g_string_replace(s, keys[i], v[i], 0);
	return g_string_free(s, FALSE);
}

static void att_outcome(const sm_rules *r, sm_rules_result *out, const char *what)
{
	static const sm_act acts[] = {SM_ACT_REJECT, SM_ACT_TEMPFAIL, SM_ACT_TAG, SM_ACT_LOG};
	sm_act act = acts[r->att.action];
	char *reply = NULL;

	if (act == SM_ACT_REJECT || act == SM_ACT_TEMPFAIL) {
		char *t = att_text(&r->att, r->att.reply);

		reply = sm_rules_reply(r, t, NULL);
		g_free(t);
	}
	sm_rules_outcome(out, "attachments", what, act, reply);
}

static void eval_attachments(const sm_rules *r, const sm_rules_input *in, sm_rules_result *out)
{
	if ((long long)in->n_attachments > r->att.max_count)
		att_outcome(r, out, "too_many");
	if (in->attachment_bytes_max > r->att.max_file_bytes)
		att_outcome(r, out, "file_too_large");
	if (in->attachment_bytes_total > r->att.max_total_bytes)
		att_outcome(r, out, "total_too_large");
}

/* ------------------------------------------------------------ SR numbers */

/* Does an earlier view than i hold the same bytes from where scan_views
 * reads (plain and HTML parts of a multipart/alternative often do)? */
static bool scanned_before(const sm_rules_input *in, const size_t *from, size_t i)
{
	const sm_view *v = in->texts[i];
	size_t j;

	for (j = 0; j < i; j++) {
		const sm_view *w = in->texts[j];

		if (w->len - from[j] == v->len - from[i] &&
		    memcmp(w->text + from[j], v->text + from[i], v->len - from[i]) == 0)
			return true;
	}
	return false;
}

/* Add the distinct numbers of buf[0, n) to set up to cap; true when cut. */
static bool add_numbers(GArray *set, char (*buf)[17], size_t n, size_t cap)
{
	size_t j, k;

	for (j = 0; j < n; j++) {
		char *d;

		for (k = 0; k < set->len; k++)
			if (strcmp(g_array_index(set, char *, k), buf[j]) == 0)
				break;
		if (k < set->len)
			continue;
		if (set->len == cap)
			return true;
		d = g_strdup(buf[j]);
		g_array_append_val(set, d);
	}
	return false;
}

/* Distinct SR numbers across the views (from each view's history start
 * when hist is not NULL), appended to `set` up to cap; true when the scan
 * was cut.  A view holding the same bytes as an earlier one is not read
 * again. */
static bool scan_views(const sm_rules *r, const sm_rules_input *in, const size_t *hist,
		       GArray *set, size_t cap, sm_lit_lines *lines)
{
	char (*buf)[17] = g_malloc_n(cap, 17);
	size_t nv = 0, i, *from;
	bool cut = false;

	while (in->texts && in->texts[nv])
		nv++;
	from = g_new0(size_t, nv + 1);
	for (i = 0; i < nv; i++)
		from[i] = hist ? hist[i] : 0;
	for (i = 0; i < nv && !cut; i++) {
		const sm_view *v = in->texts[i];
		size_t n;

		if (scanned_before(in, from, i))
			continue; /* the same bytes give the same numbers, already in set */
		n = sm_sr_scan_lines(r->sr, v->text + from[i], v->len - from[i], false, in->now, buf,
				     cap, &cut, lines);
		cut = add_numbers(set, buf, n, cap) || cut;
	}
	g_free(from);
	g_free(buf);
	return cut;
}

static void free_set(GArray *set)
{
	size_t i;

	for (i = 0; i < set->len; i++)
		g_free(g_array_index(set, char *, i));
	g_array_free(set, TRUE);
}

/* No SR in the Subject: repair from the message if exactly one is there. */
static void subject_missing(const sm_rules *r, const sm_rules_input *in, const size_t *hist,
			    sm_rules_result *out, sm_lit_lines *lines)
{
	sm_act act = act_of(r->subj.on_missing);

	if (r->subj.on_missing == RA_REPAIR) {
		GArray *set = g_array_new(FALSE, FALSE, sizeof(char *));
		bool cut = scan_views(r, in, r->subj.repair_from == 0 ? hist : NULL, set,
				      sm_sr_max_numbers(r->sr), lines);

		if (set->len == 1 && !cut) {
			g_strlcpy(out->sr, g_array_index(set, char *, 0), sizeof(out->sr));
			out->subject_append = g_strconcat(r->subj.repair_prefix, out->sr, NULL);
			sm_rules_outcome(out, "subject_sr", "repaired", SM_ACT_TAG, NULL);
			free_set(set);
			return;
		}
		free_set(set);
		act = SM_ACT_REJECT;
	}
	sm_rules_outcome(out, "subject_sr", "missing", act,
			 act == SM_ACT_REJECT ? sm_rules_reply(r, r->subj.missing_reply, NULL)
					      : NULL);
}

static void eval_subject(const sm_rules *r, const sm_rules_input *in, const size_t *hist,
			 const char *subj, sm_rules_result *out, sm_lit_lines *lines)
{
	char found[SUBJECT_SR_MAX][17];
	size_t ms = 0, me = 0, n;
	const char *core = subj;

	if (sm_relist_first(&r->prefixes, subj, strlen(subj), 0, &ms, &me) && ms == 0)
		core = subj + me;
	n = sm_sr_scan(r->sr, core, strlen(core), true, in->now, found, SUBJECT_SR_MAX, NULL);
	if (n == 1) {
		memcpy(out->sr, found[0], sizeof(out->sr));
	} else if (n == 0) {
		subject_missing(r, in, hist, out, lines);
	} else {
		GString *l = g_string_new(NULL);
		sm_act act = act_of(r->subj.on_multiple);
		size_t i;

		for (i = 0; i < n; i++)
			g_string_append_printf(l, "%s%s", i ? ", " : "", found[i]);
		sm_rules_outcome(out, "subject_sr", "multiple", act,
				 act == SM_ACT_REJECT ? sm_rules_reply(r, r->subj.multiple_reply,
								       l->str)
						      : NULL);
		if (act != SM_ACT_REJECT)
			memcpy(out->sr, found[0], sizeof(out->sr));
		g_string_free(l, TRUE);
	}
}

/* SR numbers in the bodies other than the message's own: related. */
static void eval_related(const sm_rules *r, const sm_rules_input *in, sm_rules_result *out,
			 sm_lit_lines *lines)
{
	GArray *set = g_array_new(FALSE, FALSE, sizeof(char *));
	GPtrArray *rel = g_ptr_array_new();
	size_t i;

	scan_views(r, in, NULL, set, sm_sr_max_numbers(r->sr), lines);
	for (i = 0; i < set->len; i++)
		if (strcmp(g_array_index(set, char *, i), out->sr) != 0)
			g_ptr_array_add(rel, g_strdup(g_array_index(set, char *, i)));
	free_set(set);
	if (rel->len == 0) {
		g_ptr_array_free(rel, TRUE);
		return;
	}
	g_ptr_array_add(rel, NULL);
	out->related_sr = (char **)g_ptr_array_free(rel, FALSE);
}

/* ------------------------------------------------------------ intent */

static char *trimmed_lower(const char *v)
{
	char *s = g_ascii_strdown(v ? v : "", -1);
	char *semi = strchr(s, ';');

	if (semi)
		*semi = '\0';
	return g_strstrip(s);
}

static bool auto_header(const sm_rules *r, const char *name, const char *value)
{
	char *v;
	bool a = false;

	if ((r->res.suppress_is_auto && !g_ascii_strcasecmp(name, "X-Auto-Response-Suppress")) ||
	    !g_ascii_strcasecmp(name, "X-Autoreply") || !g_ascii_strcasecmp(name, "X-Autorespond"))
		return true;
	v = trimmed_lower(value);
	if (!g_ascii_strcasecmp(name, "Auto-Submitted"))
		a = strcmp(v, "no") != 0;
	else if (!g_ascii_strcasecmp(name, "Precedence"))
		a = !strcmp(v, "bulk") || !strcmp(v, "auto_reply") || !strcmp(v, "junk");
	g_free(v);
	return a;
}

/* Automatic replies (out of office ...) never close a case or ask anything. */
static bool is_auto_reply(const sm_rules *r, const sm_rules_input *in, const char *subj)
{
	size_t i;

	for (i = 0; in->hdr_names && in->hdr_names[i]; i++)
		if (in->hdr_values && auto_header(r, in->hdr_names[i], in->hdr_values[i]))
			return true;
	return sm_relist_any(&r->auto_subjects, subj, strlen(subj));
}

/* x->memo is an array, one per new text: the phrase pool's scans. */
static bool any_text(const sm_intent *it, const sm_intent_ctx *x, char *const *nt)
{
	sm_intent_ctx one = *x;
	size_t i;

	for (i = 0; nt[i]; i++) {
		one.memo = &x->memo[i];
		if (sm_intent_match(it, &one, nt[i], strlen(nt[i])))
			return true;
	}
	return false;
}

/* An automatic reply that says so at the top of its new text ("This is an
 * automatic reply"): the first AUTO_BODY_WINDOW bytes are read. */
static bool auto_body(const sm_rules *r, char *const *nt, sm_lit_lines *lines)
{
	for (; *nt; nt++)
		if (sm_relist_any_lines(&r->auto_bodies, *nt, MIN(strlen(*nt), AUTO_BODY_WINDOW),
					lines))
			return true;
	return false;
}

/* Is the configured tag already in the Subject (case-insensitive, trimmed)? */
static bool has_tag(const char *subj, const char *tag)
{
	char *f = sm_fold(tag, strlen(tag));
	bool has = *g_strstrip(f) == '\0' || strcasestr(subj, g_strstrip(f)) != NULL;

	g_free(f);
	return has;
}

/* The Subject without the milter's own tag (carried over from a tagged mail
 * of the thread, it says nothing about this one). g_free. */
static char *subject_core(const sm_rules *r, const char *subj)
{
	char *s = g_strdup(subj), *f = sm_fold(r->res.tag, strlen(r->res.tag)), *t = g_strstrip(f), *p;

	while (*t && (p = strcasestr(s, t)))
		memset(p, ' ', strlen(t));
	g_free(f);
	return s;
}

/* Is the tag t[0, n) in the first TAG_HISTORY_WINDOW bytes of some view's
 * quoted history (the previous mail's Subject line): inherited. */
static bool tag_inherited(const sm_rules_input *in, const size_t *hist, const char *t, size_t n)
{
	size_t i;

	for (i = 0; in->texts && in->texts[i]; i++) {
		const sm_view *v = in->texts[i];
		size_t from = hist[i], m = MIN(v->len - from, TAG_HISTORY_WINDOW);
		char *h = g_strndup(v->text + from, m), *tag = g_strndup(t, n);
		bool found = *g_strstrip(tag) && strcasestr(h, tag) != NULL;

		g_free(h);
		g_free(tag);
		if (found)
			return true;
	}
	return false;
}

/* The new text says nothing either way: no resolution phrase (the text
 * decides when it speaks), no continuation, nothing unresolved. */
static bool silent(const sm_rules *r, const sm_intent_ctx *x, char *const *nt)
{
	size_t i;

	for (i = 0; nt[i]; i++) {
		sm_intent_ctx one = *x;

		one.memo = &x->memo[i];
		if (sm_relist_any(&r->unresolved, nt[i], strlen(nt[i])) ||
		    sm_intent_speaks(&r->resolution, &one, nt[i], strlen(nt[i])))
			return false;
	}
	return true;
}

/* The author's status tag in the Subject (【解決】, "Resolved - please close")
 * resolves when the new text is silent() and the tag is not inherited from
 * the quoted history. */
static bool subject_resolves(const sm_rules *r, const sm_intent_ctx *x, const char *subj,
			     const sm_rules_input *in, const size_t *hist, char *const *nt)
{
	char *core = subject_core(r, subj);
	size_t ms, me;
	bool says = sm_relist_first(&r->res_subjects, core, strlen(core), 0, &ms, &me) &&
		    !tag_inherited(in, hist, core + ms, me - ms);

	g_free(core);
	return says && silent(r, x, nt);
}

/* Support's last mail asks whether it may close (the first ASK_HISTORY_WINDOW
 * bytes of a view's history) and the new text answers a bare yes on a line of
 * its own, saying nothing else either way. */
static bool answer_resolves(const sm_rules *r, const sm_intent_ctx *x, const sm_rules_input *in,
			    const size_t *hist, char *const *nt)
{
	bool asked = false, yes = false;
	size_t i;

	for (i = 0; in->texts && in->texts[i] && !asked; i++) {
		const sm_view *v = in->texts[i];
		size_t from = hist[i];

		asked = from < v->len && sm_relist_any(&r->close_questions, v->text + from,
						       MIN(v->len - from, ASK_HISTORY_WINDOW));
	}
	for (i = 0; asked && nt[i] && !yes; i++)
		yes = sm_relist_any(&r->answers, nt[i], strlen(nt[i]));
	return asked && yes && silent(r, x, nt);
}

static void eval_resolution(const sm_rules *r, const sm_intent_ctx *x, const char *subj,
			    const sm_rules_input *in, const size_t *hist, char *const *nt,
			    bool autor, sm_rules_result *out)
{
	if (!r->res.enabled ||
	    !(any_text(&r->resolution, x, nt) || subject_resolves(r, x, subj, in, hist, nt) ||
	      answer_resolves(r, x, in, hist, nt)))
		return;
	if (autor) {
		sm_rules_outcome(out, "resolution", "auto_reply_ignored", SM_ACT_LOG, NULL);
		return;
	}
	out->resolved = true;
	if (!has_tag(subj, r->res.tag))
		out->subject_prefix = g_strdup(r->res.tag);
	out->add_rcpt = g_strdup(r->res.add_rcpt);
	sm_rules_outcome(out, "resolution", "resolved", SM_ACT_TAG, NULL);
}

static void eval_intent(const sm_rules *r, const sm_intent_ctx *x, const char *rule,
			const sm_intent *it, const intent_conf *c, char *const *nt, const char *sr,
			sm_rules_result *out)
{
	sm_act act;

	if (!any_text(it, x, nt))
		return;
	act = act_of(c->action);
	sm_rules_outcome(out, rule, "requested", act,
			 act == SM_ACT_REJECT ? sm_rules_reply(r, c->reply, sr) : NULL);
}

/* The author's distinct new texts of the views, NULL-terminated: every rule
 * asks whether some new text says something, so a text equal byte for byte
 * to an earlier one (plain and HTML alike) is read once. g_strfreev.  Where
 * each view's quoted history starts goes in hist[] (one per view).  A view
 * the scan split already (in->split) is not read again. */
static char **new_texts(const sm_rules_input *in, size_t *hist)
{
	GPtrArray *a = g_ptr_array_new();
	size_t i, j;

	for (i = 0; in->texts && in->texts[i]; i++) {
		bool given = in->split && in->split[i].text;
		char *t = given ? g_strdup(in->split[i].text) : sm_quote_split(in->texts[i], &hist[i]);

		if (given)
			hist[i] = in->split[i].hist;
		for (j = 0; j < a->len && strcmp(g_ptr_array_index(a, j), t) != 0; j++)
			;
		if (j < a->len)
			g_free(t);
		else
			g_ptr_array_add(a, t);
	}
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

int sm_rules_eval(const sm_rules *r, const sm_rules_input *in, sm_rules_result *out)
{
	char *subj, **nt;
	bool autor;
	sm_intent_ctx x;
	size_t i, nv = 0, *hist;
	sm_lit_lines *lines;

	memset(out, 0, sizeof(*out));
	out->outcomes = g_array_new(FALSE, TRUE, sizeof(sm_rule_outcome));
	if (!r || !in)
		return -1;
	subj = in->subject ? sm_fold(in->subject, strlen(in->subject)) : g_strdup("");
	while (in->texts && in->texts[nv])
		nv++;
	hist = g_new0(size_t, nv + 1);
	nt = new_texts(in, hist);
	/* the views' and new texts' lines, each scanned once for the SR forms',
	 * the phrase lists' and auto_bodies' words */
	lines = sm_lit_lines_new_union(r->lines_union);
	eval_attachments(r, in, out);
	eval_subject(r, in, hist, subj, out, lines);
	eval_related(r, in, out, lines);
	x.cl = &r->clauses;
	x.sr = r->sr;
	x.own_sr = out->sr;
	x.now = in->now;
	x.memo = g_new0(sm_lit_memo, g_strv_length(nt) + 1);
	for (i = 0; nt[i]; i++)
		x.memo[i].lines = lines;
	autor = is_auto_reply(r, in, subj) || auto_body(r, nt, lines);
	out->auto_reply = autor;
	eval_resolution(r, &x, subj, in, hist, nt, autor, out);
	if (!autor && out->sr[0])
		eval_intent(r, &x, "severity_a", &r->severity, &r->sev, nt, out->sr, out);
	if (!autor && any_text(&r->feature, &x, nt)) {
		out->feedback = true;
		eval_intent(r, &x, "feature_request", &r->feature, &r->feat, nt, out->sr, out);
	}
	for (i = 0; nt[i]; i++)
		sm_lit_memo_clear(&x.memo[i]);
	g_free(x.memo);
	sm_lit_lines_free(lines);
	g_free(hist);
	g_strfreev(nt);
	g_free(subj);
	return 0;
}
