/*
 * scan_message.c - the entry points of a scan (scan.h: sm_scan_mem,
 * sm_scan_fd) and of a message inside a message (sm_scan_nested, the one
 * place the scan recurses): the envelope, the parse, the Subject and the
 * visible headers, every part, the convention rules, then the verdict
 * (decide.c).  The --test mode and the daemon call exactly these: one code
 * path.
 *
 * Untrusted input: the whole message.  Limits: max_message_bytes, the
 * parse's (msg.c), each part's (scan.c), max_depth for nested messages.  A
 * limit or an internal error becomes a verdict through the configured
 * action (tempfail by default), never a silent pass.
 */
#include "decide.h"
#include "re.h"
#include "scan_hdr.h"
#include "scan_int.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

/* Messages up to SCAN_FD_READ_MAX bytes are read into memory (one pread:
 * no mmap, munmap and page faults per message, the heap's pages reused from
 * message to message), larger ones mapped; up to SCAN_FD_STREAM_MIN they
 * are parsed from memory, larger ones through their descriptor. */
#define SCAN_FD_READ_MAX (128 * 1024)
#define SCAN_FD_STREAM_MIN (1024 * 1024)
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Scan the decoded Subject; returns a masked, RFC 2047-encoded Subject when
 * something was masked (g_free), else NULL. */
static char *scan_subject(scan *s)
{
	return sm_scan_header_value(s, s->m->subject, "subject");
}

/* The convention rules over the body views kept by the scan. */
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
	if (s->body_split) { /* one per view */
		g_array_set_size(s->body_split, s->body_views->len - 1);
		in.split = (const sm_rules_split *)(const void *)s->body_split->data;
	}
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

/* What the match guard saw (re.h): a PCRE2 error is a failure of the scan
 * (on_failure), never "no match"; a passed deadline a transient limit. */
static void guard_outcome(scan *s)
{
	sm_re_guard *g = sm_re_guard_current();

	if (!g)
		return;
	if (g->error && !s->error) {
		char msg[160];

		sm_re_error_text(g->error, msg, sizeof(msg));
		sm_result_note(s->r, "pattern matching failed %u time(s): %s", g->errors, msg);
		s->error = "a pattern could not be matched to the end";
	}
	sm_scan_expired(s, "end of scan");
}

/* The scan's deadline: limits.scan_time_ms, plus scan_time_ms_per_mib per
 * MiB of message (monotonic clock, microseconds). */
static int64_t deadline_of(const sm_limits *lim, size_t len)
{
	long long ms = lim->scan_time_ms + (long long)(len >> 20) * lim->scan_time_ms_per_mib;

	return g_get_monotonic_time() + ms * 1000;
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
	sm_scan_names(s); /* first: names are masked before anything echoes them */
	subject = scan_subject(s);
	sm_scan_top_headers(s);
	for (i = 0; i < s->m->parts->len && !sm_scan_expired(s, "between parts"); i++)
		sm_scan_part(s, (guint)i);
	sm_scan_propagate(s);
	subject = sm_scan_prop_subject(s, subject);
	sm_scan_hblocks(s);
	if (!s->unparseable && !s->error && s->depth == 0 && run_rules(s, now, &rr) < 0)
		s->error = "internal error in the rules"; /* the rules are the outer message's */
	guard_outcome(s);
	if (s->unparseable)
		sm_decide_unparseable(s->r, s->unparseable);
	else if (s->error)
		sm_decide_failure(s->r, sm_policy_on_failure(s->p), s->p->cfg.failure_reply, s->error,
			       false);
	else {
		sm_decide_in in = {s->m,	 s->strip,     s->why,	   &rr, subject, s->limit,
				   s->limit_act, !s->limit_transient, s->exc};

		sm_decide(s->r, &in);
	}
	sm_rules_result_clear(&rr);
	g_free(subject);
	g_free(folded);
}

/* One message in buf; fd >= 0 when buf is a mapping of it (map: the
 * mapping, handed to the result, which unmaps it). */
/* The exception for the message (a nested message keeps its outer one). */
static void exception_of(scan *s, const sm_envelope *env, const sm_exception *outer, time_t now)
{
	const sm_exception *ignored = NULL;

	s->exc = s->depth ? outer
			  : sm_exceptions_match(s->p->exc, env, (const char *)s->r->raw,
						s->r->hdr_end, now, &ignored);
	if (ignored)
		sm_result_note(s->r, "exception %s: its header came from a client it does not name "
			       "(%s): ignored", sm_exception_name(ignored),
			       env && env->client_addr ? env->client_addr : "unknown");
	if (s->exc && !s->depth)
		s->r->exception = g_strdup(sm_exception_name(s->exc));
}

static sm_result *scan_buf(sm_policy *p, const void *buf, size_t len, int fd, void *map,
			   int spill_fd, const sm_envelope *env, time_t now, int depth,
			   const sm_exception *outer)
{
	sm_result *r = sm_result_new(p, buf, len);
	scan s = {0};
	sm_re_guard guard, *prev = NULL;
	bool guarded = false;
	guint i;

	r->mapped = map;
	if (spill_fd >= 0)
		r->spill = fcntl(spill_fd, F_DUPFD_CLOEXEC, 0);
	envelope(r, env);
	if (!r->support)
		return r; /* not support mail: accepted untouched */
	s.p = p;
	s.r = r;
	s.lim = sm_policy_limits(p);
	s.depth = depth;
	if ((long long)len > s.lim->max_message_bytes) {
		sm_decide_limit(r, (sm_act)s.lim->on_permanent_limit, "message too large", true);
		goto out;
	}
	if (depth == 0) { /* a nested message shares the outer one's guard and deadline */
		const sm_re_limits rl = {s.lim->regex_match_limit, s.lim->regex_heap_bytes,
					 s.lim->regex_jit_stack_bytes};

		sm_re_guard_init(&guard, &rl, deadline_of(s.lim, len));
		prev = sm_re_guard_enter(&guard);
		guarded = true;
	}
	s.m = sm_msg_parse_fd(buf, len, fd, s.lim);
	/* the parse read every byte; a large spool file need not stay resident */
	sm_result_release(r, 0, len);
	r->message_id = g_strdup(s.m->message_id);
	if (s.m->status == SM_MSG_ERROR) {
		sm_decide_unparseable(r, s.m->limit_what[0] ? s.m->limit_what
								  : "message could not be parsed");
		goto out;
	}
	if (s.m->status == SM_MSG_LIMIT) { /* parts, nesting, headers: the same every time */
		sm_decide_limit(r, (sm_act)s.lim->on_permanent_limit, s.m->limit_what, true);
		goto out;
	}
	exception_of(&s, env, outer, now);
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
	for (i = 0; s.body_split && i < s.body_split->len; i++)
		g_free(g_array_index(s.body_split, sm_rules_split, i).text);
	if (s.body_split)
		g_array_free(s.body_split, TRUE);
	g_free(s.span_split);
	g_ptr_array_free(s.keep, TRUE);
	sm_scan_prop_free(&s);
	g_array_free(s.strip, TRUE);
	g_ptr_array_free(s.why, TRUE);
out:
	if (guarded) {
		sm_re_guard_leave(prev);
		sm_re_guard_clear(&guard);
	}
	sm_msg_free(s.m);
	if (r->dry_run)
		sm_decide_dry_run(r);
	return r;
}

sm_result *sm_scan_nested(const scan *outer, const uint8_t *buf, size_t len)
{
	return scan_buf(outer->p, buf, len, -1, NULL, outer->r->spill, NULL, outer->ctx.now,
			outer->depth + 1, outer->exc);
}

sm_result *sm_scan_mem(sm_policy *p, const void *buf, size_t len, const sm_envelope *env,
		       time_t now)
{
	return scan_buf(p, buf, len, -1, NULL, -1, env, now, 0, NULL);
}

sm_result *sm_scan_fd(sm_policy *p, int fd, const sm_envelope *env, time_t now)
{
	return sm_scan_fd_spill(p, fd, -1, env, now);
}

/* The len bytes of fd from its start, when it holds exactly that many, or
 * NULL.  One pread of len + 1 bytes: a read of a regular file that returns
 * less than asked ended at its end, so a file of len bytes costs one call
 * and a longer one is seen by the byte too many. */
static void *read_exact(int fd, size_t len)
{
	char *buf = g_malloc(len + 1);
	size_t got = 0;

	while (got <= len) {
		ssize_t n = pread(fd, buf + got, len + 1 - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == len) /* short: the end of the file */
			break;
	}
	if (got != len) {
		g_free(buf);
		return NULL;
	}
	return buf;
}

sm_result *sm_scan_owned(sm_policy *p, void *buf, size_t size, int spill_fd,
			 const sm_envelope *env, time_t now)
{
	sm_result *r;

	if (size == 0) {
		g_free(buf);
		return sm_scan_mem(p, "", 0, env, now);
	}
	r = scan_buf(p, buf, size, -1, NULL, spill_fd, env, now, 0, NULL);
	r->owned = buf;
	return r;
}

static sm_result *spool_failure(sm_policy *p, const sm_envelope *env, const char *why)
{
	sm_result *r = sm_result_new(p, (const uint8_t *)"", 0);

	envelope(r, env);
	sm_decide_failure(r, sm_policy_on_failure(p), p->cfg.failure_reply, why, false);
	return r;
}

/* fd, which holds size bytes (up to SCAN_FD_READ_MAX: checked as it is
 * read; larger: checked by the caller). */
static sm_result *scan_fd_of(sm_policy *p, int fd, size_t size, int spill_fd,
			     const sm_envelope *env, time_t now)
{
	void *map, *copy;

	if (size <= SCAN_FD_READ_MAX) {
		if (!(copy = read_exact(fd, size)))
			return spool_failure(p, env, "spool unreadable or not of the message's size");
		return sm_scan_owned(p, copy, size, spill_fd, env, now);
	}
	map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return spool_failure(p, env, "spool unreadable");
	/* GMime reads a small message from the mapping, without a read() per
	 * 4 KiB; a large one through the descriptor (page cache, released) */
	return scan_buf(p, map, size, size > SCAN_FD_STREAM_MIN ? fd : -1, map, spill_fd, env, now,
			0, NULL);
}

sm_result *sm_scan_fd_spill(sm_policy *p, int fd, int spill_fd, const sm_envelope *env,
			    time_t now)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || st.st_size < 0)
		return spool_failure(p, env, "spool unreadable");
	return scan_fd_of(p, fd, (size_t)st.st_size, spill_fd, env, now);
}

sm_result *sm_scan_fd_sized(sm_policy *p, int fd, size_t size, int spill_fd,
			    const sm_envelope *env, time_t now)
{
	struct stat st;

	if (size > SCAN_FD_READ_MAX &&
	    (fstat(fd, &st) < 0 || st.st_size < 0 || (uint64_t)st.st_size != (uint64_t)size))
		return spool_failure(p, env, "spool unreadable or not of the message's size");
	return scan_fd_of(p, fd, size, spill_fd, env, now);
}
