/*
 * agg.c - filtering and counting audit records, and the report's tables.
 *
 * Input: parsed records (record.c) from any number of logs, relays merged.
 * A record seen twice (the same event id: a log given twice, or a rotated
 * copy) counts once.  Memory grows with the distinct keys (senders, SRs,
 * days), not with the records; the list of rejected messages is capped
 * (--max-rejected) and the rest counted.
 */
#include "report.h"

#include <stdio.h>
#include <string.h>

typedef struct cnt {
	guint64 messages, with_findings, findings, occurrences, modified, rejected, tempfailed;
} cnt;

/* Event ids seen: 128-bit hashes, open addressing (0,0 = empty). */
typedef struct idset {
	guint64 *slots; /* 2 per entry */
	gsize cap, used;
} idset;

struct rp_agg {
	rp_opts o;
	GHashTable *period, *detector, *sender, *domain, *action, *sr, *exception, *host;
	GHashTable *daily; /* "day\x1fdetector" -> guint64* */
	GPtrArray *rejected; /* char*[5]: ts, host, queue id, sender, reply */
	guint64 rejected_more;
	idset ids;
	cnt tot;
	guint64 records, corrupt, duplicates, filtered, files;
	char first[11], last[11];
	char last_date[11], last_period[16];
	GString *key;
	GPtrArray *tables;
};

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
	int y, m, dd;

	if (strcmp(date, a->last_date) == 0)
		return a->last_period;
	g_strlcpy(a->last_date, date, sizeof(a->last_date));
	if (a->o.period == RP_PERIOD_MONTH)
		snprintf(a->last_period, sizeof(a->last_period), "%.7s", date);
	else if (a->o.period == RP_PERIOD_WEEK && sscanf(date, "%d-%d-%d", &y, &m, &dd) == 3 &&
		 g_date_valid_dmy((GDateDay)dd, (GDateMonth)m, (GDateYear)y)) {
		g_date_clear(&d, 1);
		g_date_set_dmy(&d, (GDateDay)dd, (GDateMonth)m, (GDateYear)y);
		/* the ISO year is the year of the week's Thursday */
		g_date_add_days(&d, 3 - (g_date_get_weekday(&d) - 1));
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

static void table_free(rp_table *t)
{
	g_ptr_array_free(t->rows, TRUE);
	g_free(t);
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
			table_free(g_ptr_array_index(a->tables, i));
		g_ptr_array_free(a->tables, TRUE);
	}
	g_free(a->ids.slots);
	g_string_free(a->key, TRUE);
	g_free(a);
}

/* ---------------------------------------------------------------- tables */

static rp_table *table_new(const char *id, const char *const *cols, const bool *numeric)
{
	rp_table *t = g_new0(rp_table, 1);

	t->id = id;
	while (cols[t->ncols] && t->ncols < RP_MAX_COLS) {
		t->cols[t->ncols] = cols[t->ncols];
		t->numeric[t->ncols] = numeric[t->ncols];
		t->ncols++;
	}
	t->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	return t;
}

static void row_add(rp_table *t, char **cells)
{
	g_ptr_array_add(t->rows, cells);
}

static char *u64(guint64 v)
{
	return g_strdup_printf("%" G_GUINT64_FORMAT, v);
}

typedef struct kv {
	const char *key;
	const cnt *c;
} kv;

static int by_key(const void *x, const void *y)
{
	return strcmp(((const kv *)x)->key, ((const kv *)y)->key);
}

static int by_messages(const void *x, const void *y)
{
	const kv *a = x, *b = y;

	if (a->c->messages != b->c->messages)
		return a->c->messages < b->c->messages ? 1 : -1;
	return strcmp(a->key, b->key);
}

static int by_findings(const void *x, const void *y)
{
	const kv *a = x, *b = y;

	if (a->c->findings != b->c->findings)
		return a->c->findings < b->c->findings ? 1 : -1;
	return by_messages(x, y);
}

static GArray *sorted(GHashTable *h, GCompareFunc cmp)
{
	GArray *v = g_array_sized_new(FALSE, FALSE, sizeof(kv), g_hash_table_size(h));
	GHashTableIter it;
	gpointer k, c;

	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, &k, &c)) {
		kv e = {k, c};

		g_array_append_val(v, e);
	}
	g_array_sort(v, cmp);
	return v;
}

/* A table of counts by key: key, messages, with findings, findings,
 * occurrences, modified, rejected, tempfailed. */
static rp_table *count_table(const char *id, const char *keycol, GHashTable *h, GCompareFunc cmp,
			     unsigned limit)
{
	const char *cols[] = {keycol, "messages", "with_findings", "findings", "occurrences",
			      "modified", "rejected", "tempfailed", NULL};
	const bool num[] = {false, true, true, true, true, true, true, true};
	rp_table *t = table_new(id, cols, num);
	GArray *v = sorted(h, cmp);
	guint i;

	for (i = 0; i < v->len && (!limit || i < limit); i++) {
		const kv *e = &g_array_index(v, kv, i);
		char **row = g_new0(char *, 9);

		row[0] = g_strdup(e->key);
		row[1] = u64(e->c->messages);
		row[2] = u64(e->c->with_findings);
		row[3] = u64(e->c->findings);
		row[4] = u64(e->c->occurrences);
		row[5] = u64(e->c->modified);
		row[6] = u64(e->c->rejected);
		row[7] = u64(e->c->tempfailed);
		row_add(t, row);
	}
	if (limit && v->len > limit) {
		char **row = g_new0(char *, 9);

		row[0] = g_strdup_printf("(+%u)", v->len - limit);
		for (i = 1; i < 8; i++)
			row[i] = g_strdup("");
		row_add(t, row);
	}
	g_array_free(v, TRUE);
	return t;
}

static rp_table *detector_table(rp_agg *a)
{
	const char *cols[] = {"detector", "messages", "findings", "occurrences", NULL};
	const bool num[] = {false, true, true, true};
	rp_table *t = table_new("by_detector", cols, num);
	GArray *v = sorted(a->detector, by_findings);
	guint i;

	for (i = 0; i < v->len; i++) {
		const kv *e = &g_array_index(v, kv, i);
		char **row = g_new0(char *, 5);

		row[0] = g_strdup(e->key);
		row[1] = u64(e->c->messages);
		row[2] = u64(e->c->findings);
		row[3] = u64(e->c->occurrences);
		row_add(t, row);
	}
	g_array_free(v, TRUE);
	return t;
}

static void total_row(rp_table *t, const char *key, guint64 v)
{
	char **row = g_new0(char *, 3);

	row[0] = g_strdup(key);
	row[1] = u64(v);
	row_add(t, row);
}

static rp_table *totals_table(rp_agg *a)
{
	const char *cols[] = {"item", "value", NULL};
	const bool num[] = {false, true};
	rp_table *t = table_new("totals", cols, num);

	total_row(t, "files", a->files);
	total_row(t, "records_read", a->records);
	total_row(t, "corrupt_lines", a->corrupt);
	total_row(t, "duplicates", a->duplicates);
	total_row(t, "filtered_out", a->filtered);
	total_row(t, "messages", a->tot.messages);
	total_row(t, "with_findings", a->tot.with_findings);
	total_row(t, "findings", a->tot.findings);
	total_row(t, "occurrences", a->tot.occurrences);
	total_row(t, "modified", a->tot.modified);
	total_row(t, "rejected", a->tot.rejected);
	total_row(t, "tempfailed", a->tot.tempfailed);
	return t;
}

static rp_table *top_table(rp_agg *a)
{
	const char *cols[] = {"rank", "sender", "findings", "messages", NULL};
	const bool num[] = {true, false, true, true};
	rp_table *t = table_new("top_senders", cols, num);
	GArray *v = sorted(a->sender, by_findings);
	guint i;

	for (i = 0; i < v->len && i < a->o.top; i++) {
		const kv *e = &g_array_index(v, kv, i);
		char **row = g_new0(char *, 5);

		if (!e->c->findings)
			break;
		row[0] = g_strdup_printf("%u", i + 1);
		row[1] = g_strdup(e->key);
		row[2] = u64(e->c->findings);
		row[3] = u64(e->c->messages);
		row_add(t, row);
	}
	g_array_free(v, TRUE);
	return t;
}

static int by_ts(const void *x, const void *y)
{
	return strcmp((*(char **const *)x)[0], (*(char **const *)y)[0]);
}

static rp_table *rejected_table(rp_agg *a)
{
	const char *cols[] = {"time", "host", "queue_id", "sender", "reply", NULL};
	const bool num[] = {false, false, false, false, false};
	rp_table *t = table_new("rejected_messages", cols, num);
	guint i;

	g_ptr_array_sort(a->rejected, by_ts);
	for (i = 0; i < a->rejected->len; i++)
		row_add(t, g_strdupv(g_ptr_array_index(a->rejected, i)));
	if (a->rejected_more) {
		char **row = g_new0(char *, 6);

		row[0] = g_strdup_printf("(+%" G_GUINT64_FORMAT ")", a->rejected_more);
		for (i = 1; i < 5; i++)
			row[i] = g_strdup("");
		row_add(t, row);
	}
	return t;
}

GPtrArray *rp_agg_tables(rp_agg *a)
{
	if (a->tables)
		return a->tables;
	a->tables = g_ptr_array_new();
	g_ptr_array_add(a->tables, totals_table(a));
	g_ptr_array_add(a->tables, count_table("by_period", "period", a->period, by_key, 0));
	g_ptr_array_add(a->tables, detector_table(a));
	g_ptr_array_add(a->tables, count_table("by_action", "action", a->action, by_messages, 0));
	g_ptr_array_add(a->tables, top_table(a));
	g_ptr_array_add(a->tables,
			count_table("by_sender", "sender", a->sender, by_messages, a->o.limit));
	g_ptr_array_add(a->tables,
			count_table("by_domain", "domain", a->domain, by_messages, a->o.limit));
	g_ptr_array_add(a->tables, count_table("by_sr", "sr", a->sr, by_messages, a->o.limit));
	g_ptr_array_add(a->tables, count_table("by_host", "host", a->host, by_messages, 0));
	g_ptr_array_add(a->tables,
			count_table("exceptions", "exception", a->exception, by_messages, 0));
	g_ptr_array_add(a->tables, rejected_table(a));
	return a->tables;
}

const rp_table *rp_table_find(const GPtrArray *tables, const char *id)
{
	guint i;

	for (i = 0; i < tables->len; i++)
		if (strcmp(((rp_table *)g_ptr_array_index(tables, i))->id, id) == 0)
			return g_ptr_array_index(tables, i);
	return NULL;
}

static int str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

void rp_agg_daily(rp_agg *a, GPtrArray **days, GPtrArray **dets, guint64 **counts)
{
	GHashTableIter it;
	gpointer k, v;
	guint i, j;

	*days = g_ptr_array_new_with_free_func(g_free);
	*dets = g_ptr_array_new_with_free_func(g_free);
	g_hash_table_iter_init(&it, a->daily);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *sep = strchr(k, '\x1f');
		char *day = g_strndup(k, sep - (const char *)k);

		if (!g_ptr_array_find_with_equal_func(*days, day, g_str_equal, NULL))
			g_ptr_array_add(*days, day);
		else
			g_free(day);
		if (!g_ptr_array_find_with_equal_func(*dets, sep + 1, g_str_equal, NULL))
			g_ptr_array_add(*dets, g_strdup(sep + 1));
	}
	g_ptr_array_sort(*days, str_cmp);
	g_ptr_array_sort(*dets, str_cmp);
	*counts = g_new0(guint64, (*days)->len * (*dets)->len + 1);
	for (i = 0; i < (*days)->len; i++)
		for (j = 0; j < (*dets)->len; j++) {
			char *key = g_strdup_printf("%s\x1f%s", (char *)g_ptr_array_index(*days, i),
						    (char *)g_ptr_array_index(*dets, j));
			guint64 *c = g_hash_table_lookup(a->daily, key);

			(*counts)[i * (*dets)->len + j] = c ? *c : 0;
			g_free(key);
		}
}
