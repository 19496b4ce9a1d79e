/*
 * sr.c - Microsoft support request (SR) numbers (sr.h).
 *
 * An SR number is YYMMDD + ten digits; the date must exist in the calendar
 * (no 30 February, no 29 February outside leap years), lie no later than
 * `now` plus future_slack_days and no earlier than now - max_age_days.  A
 * 19-digit number is an SR plus a 3-digit suffix.  The forms that introduce
 * a number are configurable PCRE2 patterns with a (?<sr>...) group, matched
 * on folded text (full-width digits and separators already ASCII).
 *
 * Untrusted input: Subject and body text.  Every match loop advances through
 * the text (one linear pass per pattern).  Limits: max_matches distinct
 * valid numbers considered per call (beyond it the answer is flagged
 * truncated),
 * max_numbers distinct numbers kept per message (used by rules.c), a fixed
 * window of SR_CTX_BEFORE bytes looked at by sm_sr_is_sr_at.
 * Owns: its compiled patterns; immutable after sm_sr_load.
 */
#include "rules_priv.h"
#include "re.h"

#include "conftab.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#define SR_CTX_BEFORE 96 /* bytes before a number where its keyword may be */
#define SR_CTX_AFTER 24  /* a 3-digit suffix and the digit look-ahead */

/* The number part every default form ends with: 16 digits, maybe a suffix. */
#define SR_NUM "(?<sr>\\d{16}(?:\\d{3})?)(?!\\d)"

/* Between a keyword and the number: "#", ":", "-", "_", "=", "は", "番号", "No.",
 * an opening bracket of any kind (full-width ones are folded to ASCII). */
#define SR_SEP "\\s*(?:は|:)?\\s*(?:[:#.=_,、-]\\s*){0,3}[(\\[<{「【《〔『〈]?\\s*"

/* What may follow a case keyword before the separator: # No. № Number ID 番号. */
#define SR_NOWORD "(?:\\s*(?:#|No\\.?|№|Num(?:ber)?\\.?|ID|番号|ナンバー))?"

/*
 * The case keywords in Japanese and English mail: TrackingID, SR, Case,
 * Ticket, Support/Service Request, お問い合わせ (every okurigana spelling),
 * ケース, 案件, 受付 (番号), サポートリクエスト.  Any of them, then
 * SR_NOWORD, SR_SEP, the number.  One keyword (family) per pattern, so that
 * each starts with a literal PCRE2 or the prefilter can search for.
 */
static const char *const default_patterns[] = {
	"TrackingID" SR_SEP SR_NUM,
	"(?<![A-Za-z])SR" SR_NOWORD SR_SEP SR_NUM,
	"(?<![A-Za-z])Case" SR_NOWORD SR_SEP SR_NUM,
	"(?<![A-Za-z])Ticket" SR_NOWORD SR_SEP SR_NUM,
	"(?<![A-Za-z])(?:Support|Service)\\s*(?:request|case)" SR_NOWORD SR_SEP SR_NUM,
	/* お問い合わせ, 問合せ ... (the お is not needed to find it) */
	"問い?合わ?せ" SR_NOWORD SR_SEP SR_NUM,
	"(?:ケース|案件|受付|リクエスト)" SR_NOWORD SR_SEP SR_NUM,
	NULL,
};

/* Subject only: a number standing alone, whatever punctuation precedes it
 * (not glued to a letter or digit). */
static const char *const default_subject_patterns[] = {
	"(?<![A-Za-z0-9])" SR_NUM,
	NULL,
};

/* Other systems' tags in the Subject: blanked before looking for SRs.  An
 * SR-shaped run (16 digits and more) is never part of one: a valid SR in
 * "[Ticket#...]" is still the SR. */
#define NOT_SR "(?!\\d{16})"
static const char *const default_subject_ignore[] = {
	"\\[\\s*(?:Ticket|Incident|INC|REQ|RITM|Request|Issue|JIRA|Redmine|Backlog|Zendesk)\\b"
	"(?:" NOT_SR "[^\\]]){0,80}\\]",
	"(?<![A-Za-z])(?:Ticket|Incident|INC|REQ|RITM|Issue)\\s*(?:#|No\\.?|ID)?\\s*[:#]?\\s*" NOT_SR
	"\\d+",
	"(?:チケット|インシデント)(?:番号)?\\s*[:#]?\\s*" NOT_SR "\\d+",
	NULL,
};

typedef struct sr_conf {
	long long max_age_days;
	long long future_slack_days;
	long long max_matches;
	long long max_numbers;
	char **patterns;
	char **subject_patterns;
	char **subject_ignore;
} sr_conf;

#define OFF(f) offsetof(sr_conf, f)
static const sm_conf_key sr_keys[] = {
	{"max_age_days", SM_CONF_INT, OFF(max_age_days), 1826, NULL, 1, 36600},
	{"future_slack_days", SM_CONF_INT, OFF(future_slack_days), 1, NULL, 0, 366},
	{"max_matches", SM_CONF_INT, OFF(max_matches), 1000, NULL, 1, 10000000},
	{"max_numbers", SM_CONF_INT, OFF(max_numbers), 64, NULL, 1, 100000},
	{"patterns", SM_CONF_STRLIST, OFF(patterns)},
	{"subject_patterns", SM_CONF_STRLIST, OFF(subject_patterns)},
	{"subject_ignore", SM_CONF_STRLIST, OFF(subject_ignore)},
	{NULL},
};

struct sm_sr {
	sr_conf c;
	sm_relist forms;   /* anywhere */
	sm_relist subject; /* Subject only */
	sm_relist ignore;  /* blanked in the Subject */
	sm_litset *pool;   /* the forms' words: every form gated by one scan */
};

sm_sr *sm_sr_load(const config_setting_t *group, char *err, size_t errlen)
{
	sm_sr *s = g_new0(sm_sr, 1);
	const char *const *p, *const *sp, *const *ig;

	if (sm_conf_apply(group, sr_keys, &s->c, err, errlen) < 0)
		goto fail;
	p = s->c.patterns ? (const char *const *)s->c.patterns : default_patterns;
	sp = s->c.subject_patterns ? (const char *const *)s->c.subject_patterns
				   : default_subject_patterns;
	ig = s->c.subject_ignore ? (const char *const *)s->c.subject_ignore
				 : default_subject_ignore;
	if (sm_relist_compile(&s->forms, p, group, "patterns", true, err, errlen) < 0 ||
	    sm_relist_compile(&s->subject, sp, group, "subject_patterns", true, err, errlen) < 0 ||
	    sm_relist_compile(&s->ignore, ig, group, "subject_ignore", false, err, errlen) < 0)
		goto fail;
	s->pool = sm_litset_new();
	sm_relist_share(&s->forms, s->pool);
	return s;
fail:
	sm_sr_free(s);
	return NULL;
}

void sm_sr_free(sm_sr *s)
{
	if (!s)
		return;
	sm_relist_clear(&s->forms);
	sm_litset_free(s->pool);
	sm_relist_clear(&s->subject);
	sm_relist_clear(&s->ignore);
	sm_conf_clear(sr_keys, &s->c);
	g_free(s);
}

const sm_litset *sm_sr_forms_words(const sm_sr *s)
{
	return s->pool;
}

size_t sm_sr_max_numbers(const sm_sr *s)
{
	return (size_t)s->c.max_numbers;
}

/* Julian day number (GDate's) of the UTC day containing t. */
static long long day_of(time_t t)
{
	GDate *e = g_date_new_dmy(1, G_DATE_JANUARY, 1970);
	long long base = g_date_get_julian(e);
	long long d = (long long)t / 86400;

	g_date_free(e);
	if ((long long)t % 86400 < 0)
		d--;
	return base + d;
}

bool sm_sr_valid(const sm_sr *s, const char *digits16, time_t now)
{
	int yy, mm, dd, i;
	GDate *g;
	long long day, today;
	long long slack = s ? s->c.future_slack_days : 1, age = s ? s->c.max_age_days : 1826;

	for (i = 0; i < 16; i++)
		if (!g_ascii_isdigit(digits16[i]))
			return false;
	if (digits16[16] != '\0')
		return false;
	yy = (digits16[0] - '0') * 10 + (digits16[1] - '0');
	mm = (digits16[2] - '0') * 10 + (digits16[3] - '0');
	dd = (digits16[4] - '0') * 10 + (digits16[5] - '0');
	if (!g_date_valid_dmy((GDateDay)dd, (GDateMonth)mm, (GDateYear)(2000 + yy)))
		return false;
	g = g_date_new_dmy((GDateDay)dd, (GDateMonth)mm, (GDateYear)(2000 + yy));
	day = g_date_get_julian(g);
	g_date_free(g);
	today = day_of(now);
	return day <= today + slack && day >= today - age;
}

/* The digits of a (?<sr>) group: 16, or 19 (SR + suffix), separators ' '/'-'
 * allowed for custom forms.  First 16 digits into d. */
static bool digits_of(const char *g, size_t n, char d[17])
{
	size_t i, k = 0;
	char buf[20];

	for (i = 0; i < n; i++) {
		if (g_ascii_isdigit(g[i])) {
			if (k == sizeof(buf) - 1)
				return false;
			buf[k++] = g[i];
		} else if (g[i] != ' ' && g[i] != '-')
			return false;
	}
	if (k != 16 && k != 19)
		return false;
	memcpy(d, buf, 16);
	d[16] = '\0';
	return true;
}

typedef struct cand {
	size_t pos, end;
	char d[17];
} cand;

typedef struct walk {
	const sm_sr *s;
	time_t now;
	GArray *c;        /* of cand: distinct valid numbers, first occurrence */
	GHashTable *seen; /* digits -> index + 1 in c */
	bool truncated;   /* more than max_matches distinct numbers */
	sm_lit_lines *lines; /* the forms' scans of lines seen before, or NULL */
} walk;

static void walk_init(walk *w, const sm_sr *s, time_t now)
{
	w->s = s;
	w->now = now;
	w->c = g_array_new(FALSE, FALSE, sizeof(cand));
	w->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	w->truncated = false;
	w->lines = NULL;
}

static void walk_free(walk *w)
{
	g_array_free(w->c, TRUE);
	g_hash_table_destroy(w->seen);
}

static size_t next_char(const char *t, size_t len, size_t off)
{
	while (off < len && ((unsigned char)t[off] & 0xc0) == 0x80)
		off++;
	return off;
}

/* Record one number: keep its earliest position. */
static void note(walk *w, const cand *c)
{
	gpointer v = g_hash_table_lookup(w->seen, c->d);

	if (v) {
		cand *o = &g_array_index(w->c, cand, GPOINTER_TO_SIZE(v) - 1);

		if (c->pos < o->pos)
			*o = *c;
		return;
	}
	if (w->c->len >= (guint)w->s->c.max_matches) {
		w->truncated = true;
		return;
	}
	g_array_append_val(w->c, *c);
	g_hash_table_insert(w->seen, g_strdup(c->d), GSIZE_TO_POINTER(w->c->len));
}

typedef struct seen_in {
	walk *w;
	const char *t;
	int grp;
} seen_in;

static bool one_number(void *ud, const PCRE2_SIZE *ov)
{
	seen_in *k = ud;
	cand c;

	if (ov[2 * k->grp] != PCRE2_UNSET &&
	    digits_of(k->t + ov[2 * k->grp], ov[2 * k->grp + 1] - ov[2 * k->grp], c.d) &&
	    sm_sr_valid(k->w->s, c.d, k->w->now)) {
		c.pos = ov[2 * k->grp];
		c.end = ov[2 * k->grp + 1];
		note(k->w, &c);
	}
	return true;
}

/* Every valid SR that one list's patterns introduce in t[0, len): one linear
 * pass per pattern (or its words' occurrences, rules_re.c). */
static void collect(walk *w, const sm_relist *l, const char *t, size_t len)
{
	sm_gate g; /* the literal prefilters (rules_prefilter.c), scanned on first use */
	sm_lit_memo m = {0};
	size_t i;

	m.lines = w->lines;
	sm_gate_init_memo(&g, l, t, len, &m);
	for (i = 0; i < l->n; i++) {
		seen_in k = {w, t, pcre2_substring_number_from_name(l->re[i], (PCRE2_SPTR) "sr")};

		sm_gate_matches(&g, i, (size_t)-1, one_number, &k);
	}
	sm_gate_clear(&g);
	sm_lit_memo_clear(&m);
}

static gint by_pos(gconstpointer a, gconstpointer b)
{
	const cand *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The Subject with other systems' tags blanked (same length). g_free.
 * One linear pass per pattern. */
static char *blank_ignored(const sm_sr *s, const char *t, size_t len)
{
	char *c = g_strndup(t, len);
	size_t i;

	for (i = 0; i < s->ignore.n; i++) {
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(s->ignore.re[i], NULL);
		size_t off = 0;

		while (off < len &&
		       sm_re_match(s->ignore.re[i], (PCRE2_SPTR)c, len, off, 0, md, NULL) >= 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

			memset(c + ov[0], ' ', ov[1] - ov[0]);
			off = next_char(c, len, ov[1] > ov[0] ? ov[1] : ov[0] + 1);
		}
		pcre2_match_data_free(md);
	}
	return c;
}

size_t sm_sr_scan_lines(const sm_sr *s, const char *text, size_t len, bool subject, time_t now,
			char (*out)[17], size_t max, bool *truncated, sm_lit_lines *lines)
{
	walk w;
	char *blank = subject ? blank_ignored(s, text, len) : NULL;
	const char *t = blank ? blank : text;
	size_t n = 0, i;

	walk_init(&w, s, now);
	w.lines = blank ? NULL : lines; /* the blanked copy is freed before the cache */
	collect(&w, &s->forms, t, len);
	if (subject)
		collect(&w, &s->subject, t, len);
	g_array_sort(w.c, by_pos);
	for (i = 0; i < w.c->len; i++) {
		const cand *c = &g_array_index(w.c, cand, i);

		if (n == max) {
			w.truncated = true;
			break;
		}
		memcpy(out[n++], c->d, 17);
	}
	walk_free(&w);
	g_free(blank);
	if (truncated)
		*truncated = w.truncated;
	return n;
}

size_t sm_sr_scan(const sm_sr *s, const char *text, size_t len, bool subject, time_t now,
		  char (*out)[17], size_t max, bool *truncated)
{
	return sm_sr_scan_lines(s, text, len, subject, now, out, max, truncated, NULL);
}

size_t sm_sr_find(const sm_sr *s, const char *text, size_t len, bool subject, time_t now,
		  char (*out)[17], size_t max)
{
	return sm_sr_scan(s, text, len, subject, now, out, max, NULL);
}

bool sm_sr_is_sr_at(const sm_sr *s, const char *text, size_t len, size_t start, size_t end,
		    time_t now)
{
	size_t ws, we, i;
	walk w;
	bool hit = false;

	walk_init(&w, s, now);
	if (start >= end || end > len)
		goto out;
	ws = start > SR_CTX_BEFORE ? start - SR_CTX_BEFORE : 0;
	we = len - end > SR_CTX_AFTER ? end + SR_CTX_AFTER : len;
	ws = next_char(text, len, ws);
	collect(&w, &s->forms, text + ws, we - ws);
	for (i = 0; i < w.c->len && !hit; i++) {
		const cand *c = &g_array_index(w.c, cand, i);

		hit = ws + c->pos < end && ws + c->end > start; /* the spans overlap */
	}
out:
	walk_free(&w);
	return hit;
}
