/*
 * tables.c - the report's tables from the counts (agg.c): totals, by
 * period, detector, action, sender, domain, SR, relay, exception; the top
 * senders; the rejected messages.  Rows are sorted (counts descending, then
 * keys) so that every output format lists them in the same order.
 */
#include "agg_int.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- tables */

void rp_table_free(rp_table *t)
{
	g_ptr_array_free(t->rows, TRUE);
	g_free(t);
}


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
