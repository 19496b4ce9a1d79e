/*
 * agg.c - filtering and counting audit records (the tables are tables.c).
 *
 * Input: parsed records (record.c) from any number of logs, relays merged.
 * A record seen twice (the same event id: a log given twice, or a rotated
 * copy) counts once.  Memory grows with the distinct keys (senders, SRs,
 * days), not with the records; the list of rejected messages is capped
 * (--max-rejected) and the rest counted.
 */
#include "agg_int.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- ids */

static void id_hash(const char *s, size_t n, guint64 *h1, guint64 *h2)
{
	guint64 a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		a = (a ^ (unsigned char)s[i]) * 0x100000001b3ULL;
		b = (b ^ (unsigned char)s[i]) * 0x9e3779b97f4a7c15ULL;
	}
	*h1 = a | 1; /* never the empty slot */
	*h2 = b;
}

static bool id_insert(idset *s, guint64 h1, guint64 h2);

static void id_grow(idset *s)
{
	idset n = {g_new0(guint64, (s->cap ? s->cap * 2 : 1024) * 2), s->cap ? s->cap * 2 : 1024, 0};
	gsize i;

	for (i = 0; i < s->cap; i++)
		if (s->slots[2 * i])
			id_insert(&n, s->slots[2 * i], s->slots[2 * i + 1]);
	g_free(s->slots);
	*s = n;
}

/* true when new */
static bool id_insert(idset *s, guint64 h1, guint64 h2)
{
	gsize i;

	if (s->used * 2 >= s->cap)
		id_grow(s);
	for (i = (gsize)(h1 ^ h2) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (!s->slots[2 * i]) {
			s->slots[2 * i] = h1;
			s->slots[2 * i + 1] = h2;
			s->used++;
			return true;
		}
		if (s->slots[2 * i] == h1 && s->slots[2 * i + 1] == h2)
			return false;
	}
}

/* ---------------------------------------------------------------- counting */

static cnt *slot(GHashTable *t, const char *key)
{
	cnt *c = g_hash_table_lookup(t, key);

	if (!c) {
		c = g_new0(cnt, 1);
		g_hash_table_insert(t, g_strdup(key), c);
	}
	return c;
}

static void add_to(cnt *c, const rp_rec *r, guint64 nf, guint64 occ)
{
	const char *a = r->action->str;

	c->messages++;
	c->with_findings += nf > 0;
	c->findings += nf;
	c->occurrences += occ;
	c->modified += strcmp(a, "modify") == 0;
	c->rejected += strcmp(a, "reject") == 0;
	c->tempfailed += strcmp(a, "tempfail") == 0;
}

/* "YYYY-Www" (ISO 8601 week) or "YYYY-MM" or the date itself. */
static const char *period_of(rp_agg *a, const char *date)
{
	GDate d;
	int y, m, dd, wd;

	if (strcmp(date, a->last_date) == 0)
		return a->last_period;
	g_strlcpy(a->last_date, date, sizeof(a->last_date));
	if (a->o.period == RP_PERIOD_MONTH)
		snprintf(a->last_period, sizeof(a->last_period), "%.7s", date);
	else if (a->o.period == RP_PERIOD_WEEK && sscanf(date, "%d-%d-%d", &y, &m, &dd) == 3 &&
		 g_date_valid_dmy((GDateDay)dd, (GDateMonth)m, (GDateYear)y)) {
		g_date_clear(&d, 1);
		g_date_set_dmy(&d, (GDateDay)dd, (GDateMonth)m, (GDateYear)y);
		/* the ISO year is the year of the week's Thursday (Monday is 1) */
		wd = (int)g_date_get_weekday(&d);
		if (wd < 4)
			g_date_add_days(&d, (guint)(4 - wd));
		else if (wd > 4)
			g_date_subtract_days(&d, (guint)(wd - 4));
		snprintf(a->last_period, sizeof(a->last_period), "%04d-W%02u", g_date_get_year(&d),
			 g_date_get_iso8601_week_of_year(&d));
	} else
		g_strlcpy(a->last_period, date, sizeof(a->last_period));
	return a->last_period;
}

/* The sender as "local@domain", lower case, without brackets; "<>" for none. */
static const char *sender_key(rp_agg *a, const char *s)
{
	const char *e;

	while (*s == '<' || *s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == '>' || e[-1] == ' '))
		e--;
	g_string_truncate(a->key, 0);
	if (e == s)
		g_string_append(a->key, "<>");
	for (; s < e; s++)
		g_string_append_c(a->key, g_ascii_tolower(*s));
	return a->key->str;
}

static bool sender_matches(const rp_agg *a, const char *key)
{
	const char *f = a->o.sender, *at;

	if (!f)
		return true;
	while (*f == '<')
		f++;
	if (*f == '@') {
		at = strrchr(key, '@');
		return at && g_ascii_strcasecmp(at, f) == 0;
	}
	return g_ascii_strncasecmp(key, f, strlen(key)) == 0 &&
	       (f[strlen(key)] == '\0' || f[strlen(key)] == '>');
}

/* Findings (of the --detector one only, when given) and their occurrences. */
static void finding_totals(const rp_agg *a, const rp_rec *r, guint64 *nf, guint64 *occ)
{
	guint i;

	*nf = *occ = 0;
	for (i = 0; i < r->findings->len; i++) {
		const rp_finding *f = &g_array_index(r->findings, rp_finding, i);

		if (a->o.detector && strcmp(f->detector, a->o.detector) != 0)
			continue;
		(*nf)++;
		*occ += f->count;
	}
}

static void add_detectors(rp_agg *a, const rp_rec *r, const char *date)
{
	guint i, j;

	for (i = 0; i < r->findings->len; i++) {
		const rp_finding *f = &g_array_index(r->findings, rp_finding, i);
		cnt *c;
		guint64 *d;
		bool first = true;

		if (a->o.detector && strcmp(f->detector, a->o.detector) != 0)
			continue;
		for (j = 0; j < i && first; j++)
			first = g_array_index(r->findings, rp_finding, j).detector != f->detector;
		c = slot(a->detector, f->detector);
		c->messages += first;
		c->with_findings += first;
		c->findings++;
		c->occurrences += f->count;
		g_string_printf(a->key, "%s\x1f%s", date, f->detector);
		d = g_hash_table_lookup(a->daily, a->key->str);
		if (!d) {
			d = g_new0(guint64, 1);
			g_hash_table_insert(a->daily, g_strdup(a->key->str), d);
		}
		(*d)++;
	}
}

static void add_rejected(rp_agg *a, const rp_rec *r, const char *sender)
{
	char **row;

	if (strcmp(r->action->str, "reject") != 0)
		return;
	if (a->rejected->len >= a->o.max_rejected) {
		a->rejected_more++;
		return;
	}
	row = g_new0(char *, 6);
	row[0] = g_strdup(r->ts->str);
	row[1] = g_strdup(r->host->str);
	row[2] = g_strdup(r->queue_id->str);
	row[3] = g_strdup(sender);
	row[4] = g_strdup(r->reply->str);
	g_ptr_array_add(a->rejected, row);
}

void rp_agg_add(rp_agg *a, const rp_rec *r)
{
	char date[11];
	const char *sender, *at;
	guint64 nf, occ, h1, h2;

	a->records++;
	memcpy(date, r->ts->str, 10);
	date[10] = '\0';
	if ((a->o.from && strcmp(date, a->o.from) < 0) || (a->o.to && strcmp(date, a->o.to) > 0)) {
		a->filtered++;
		return;
	}
	sender = sender_key(a, r->sender->str);
	finding_totals(a, r, &nf, &occ);
	if (!sender_matches(a, sender) || (a->o.detector && nf == 0)) {
		a->filtered++;
		return;
	}
	if (r->has_event_id && r->event_id->len) {
		id_hash(r->event_id->str, r->event_id->len, &h1, &h2);
		if (!id_insert(&a->ids, h1, h2)) {
			a->duplicates++;
			return;
		}
	}
	if (!a->first[0] || strcmp(date, a->first) < 0)
		memcpy(a->first, date, sizeof(date));
	if (strcmp(date, a->last) > 0)
		memcpy(a->last, date, sizeof(date));
	add_to(&a->tot, r, nf, occ);
	add_to(slot(a->sender, sender), r, nf, occ);
	at = strrchr(sender, '@');
	add_to(slot(a->domain, at ? at + 1 : "(none)"), r, nf, occ);
	add_to(slot(a->period, period_of(a, date)), r, nf, occ);
	add_to(slot(a->action, r->action->str), r, nf, occ);
	add_to(slot(a->host, r->host->len ? r->host->str : "(unknown)"), r, nf, occ);
	if (r->has_sr && r->sr->len)
		add_to(slot(a->sr, r->sr->str), r, nf, occ);
	if (r->has_exception && r->exception->len)
		add_to(slot(a->exception, r->exception->str), r, nf, occ);
	add_detectors(a, r, date);
	add_rejected(a, r, sender);
}

void rp_agg_corrupt(rp_agg *a, guint64 n)
{
	a->corrupt += n;
}

void rp_agg_file(rp_agg *a)
{
	a->files++;
}

rp_agg *rp_agg_new(const rp_opts *o)
{
	rp_agg *a = g_new0(rp_agg, 1);
	GHashTable **t[] = {&a->period, &a->detector, &a->sender, &a->domain, &a->action, &a->sr,
			    &a->exception, &a->host, &a->daily};
	size_t i;

	a->o = *o;
	for (i = 0; i < G_N_ELEMENTS(t); i++)
		*t[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	a->rejected = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	a->key = g_string_sized_new(256);
	return a;
}


void rp_agg_free(rp_agg *a)
{
	GHashTable *t[] = {a->period, a->detector, a->sender, a->domain, a->action, a->sr,
			   a->exception, a->host, a->daily};
	size_t i;

	if (!a)
		return;
	for (i = 0; i < G_N_ELEMENTS(t); i++)
		g_hash_table_destroy(t[i]);
	g_ptr_array_free(a->rejected, TRUE);
	if (a->tables) {
		for (i = 0; i < a->tables->len; i++)
			rp_table_free(g_ptr_array_index(a->tables, i));
		g_ptr_array_free(a->tables, TRUE);
	}
	g_free(a->ids.slots);
	g_string_free(a->key, TRUE);
	g_free(a);
}
