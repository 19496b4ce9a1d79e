/*
 * record.c - one audit log line into an rp_rec.
 *
 * Untrusted input: the line (a log may be damaged, cut, or not an audit log
 * at all).  A small JSON reader of our own, one pass, no allocation per
 * value: the fields the report needs are copied into the record's buffers,
 * everything else is skipped.  Bounded by the line (RP_MAX_LINE, checked by
 * the reader) and by nesting depth (RP_MAX_DEPTH); anything that is not one
 * JSON object with an "action" string makes the line corrupt.
 */
#include "report.h"

#include <string.h>

typedef struct cur {
	const char *p, *e;
	int depth;
} cur;

static void ws(cur *c)
{
	while (c->p < c->e && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

static bool eat(cur *c, char ch)
{
	ws(c);
	if (c->p < c->e && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

static int hex4(const char *p, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		int d = g_ascii_xdigit_value(p[i]);

		if (d < 0)
			return -1;
		*v = *v << 4 | (unsigned)d;
	}
	return 0;
}

/* \uXXXX (and a following low surrogate) at c->p (after the 'u'). */
static int unicode_escape(cur *c, GString *out)
{
	unsigned v, lo;

	if (c->e - c->p < 4 || hex4(c->p, &v) < 0)
		return -1;
	c->p += 4;
	if (v >= 0xd800 && v < 0xdc00 && c->e - c->p >= 6 && c->p[0] == '\\' && c->p[1] == 'u' &&
	    hex4(c->p + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
		v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
		c->p += 6;
	} else if (v >= 0xd800 && v < 0xe000)
		v = 0xfffd;
	if (out)
		g_string_append_unichar(out, v);
	return 0;
}

static int escape(cur *c, GString *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;

	if (c->p >= c->e)
		return -1;
	if (*c->p == 'u') {
		c->p++;
		return unicode_escape(c, out);
	}
	k = strchr(from, *c->p);
	if (!k || !*c->p)
		return -1;
	if (out)
		g_string_append_c(out, to[k - from]);
	c->p++;
	return 0;
}

/* A string at c->p (after ws); its text into out (reset) unless out is NULL. */
static int string(cur *c, GString *out)
{
	if (!eat(c, '"'))
		return -1;
	if (out)
		g_string_truncate(out, 0);
	for (;;) {
		const char *q = c->p;

		while (q < c->e && *q != '"' && *q != '\\')
			q++;
		if (q >= c->e)
			return -1;
		if (out)
			g_string_append_len(out, c->p, q - c->p);
		c->p = q + 1;
		if (*q == '"')
			return 0;
		if (escape(c, out) < 0)
			return -1;
	}
}

/* A string or null into out; *set says which. */
static int opt_string(cur *c, GString *out, bool *set)
{
	ws(c);
	if (c->e - c->p >= 4 && memcmp(c->p, "null", 4) == 0) {
		c->p += 4;
		g_string_truncate(out, 0);
		if (set)
			*set = false;
		return 0;
	}
	if (set)
		*set = true;
	return string(c, out);
}

static int number(cur *c, long long *v)
{
	bool neg = false;
	long long n = 0;
	const char *start;

	ws(c);
	if (c->p < c->e && *c->p == '-') {
		neg = true;
		c->p++;
	}
	start = c->p;
	while (c->p < c->e && g_ascii_isdigit(*c->p)) {
		if (n < (1LL << 53))
			n = n * 10 + (*c->p - '0');
		c->p++;
	}
	if (c->p == start)
		return -1;
	while (c->p < c->e && (g_ascii_isdigit(*c->p) || strchr(".eE+-", *c->p)))
		c->p++; /* a fraction or exponent: ignored */
	*v = neg ? -n : n;
	return 0;
}

static int word(cur *c, const char *w, size_t n)
{
	if ((size_t)(c->e - c->p) < n || memcmp(c->p, w, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

static int skip(cur *c);

static int skip_container(cur *c, char close, bool object)
{
	if (++c->depth > RP_MAX_DEPTH)
		return -1;
	if (eat(c, close)) {
		c->depth--;
		return 0;
	}
	do {
		if (object && (string(c, NULL) < 0 || !eat(c, ':')))
			return -1;
		if (skip(c) < 0)
			return -1;
	} while (eat(c, ','));
	c->depth--;
	return eat(c, close) ? 0 : -1;
}

static int skip(cur *c)
{
	long long v;

	ws(c);
	if (c->p >= c->e)
		return -1;
	switch (*c->p) {
	case '"':
		return string(c, NULL);
	case '{':
		c->p++;
		return skip_container(c, '}', true);
	case '[':
		c->p++;
		return skip_container(c, ']', false);
	case 't':
		return word(c, "true", 4);
	case 'f':
		return word(c, "false", 5);
	case 'n':
		return word(c, "null", 4);
	default:
		return number(c, &v);
	}
}

static int boolean(cur *c, bool *v)
{
	ws(c);
	if (word(c, "true", 4) == 0) {
		*v = true;
		return 0;
	}
	*v = false;
	if (word(c, "false", 5) == 0 || word(c, "null", 4) == 0)
		return 0;
	return -1;
}

/* A key (raw bytes between the quotes: ours never need unescaping) and ':'. */
static int key(cur *c, const char **k, size_t *n)
{
	const char *q;

	if (!eat(c, '"'))
		return -1;
	for (q = c->p; q < c->e && *q != '"'; q++)
		if (*q == '\\' && ++q >= c->e)
			return -1;
	if (q >= c->e)
		return -1;
	*k = c->p;
	*n = (size_t)(q - c->p);
	c->p = q + 1;
	return eat(c, ':') ? 0 : -1;
}

#define KEY(lit) (n == sizeof(lit) - 1 && memcmp(k, lit, n) == 0)

static const char *intern(rp_rec *r, const char *s)
{
	const char *v = g_hash_table_lookup(r->interned, s);

	/* a damaged log could invent detector names without end */
	if (!v && g_hash_table_size(r->interned) >= 10000)
		return intern(r, "(other)");
	if (!v) {
		v = g_string_chunk_insert(r->intern, s);
		g_hash_table_insert(r->interned, (gpointer)v, (gpointer)v);
	}
	return v;
}

static int finding(cur *c, rp_rec *r)
{
	rp_finding f = {NULL, 1};
	const char *k;
	size_t n;
	long long v;

	if (!eat(c, '{'))
		return -1;
	if (eat(c, '}'))
		return 0;
	do {
		if (key(c, &k, &n) < 0)
			return -1;
		if (KEY("detector")) {
			if (string(c, r->tmp) < 0)
				return -1;
			f.detector = intern(r, r->tmp->str);
		} else if (KEY("count")) {
			if (number(c, &v) < 0)
				return -1;
			f.count = v < 0 ? 0 : v > G_MAXUINT ? G_MAXUINT : (unsigned)v;
		} else if (skip(c) < 0)
			return -1;
	} while (eat(c, ','));
	if (!eat(c, '}'))
		return -1;
	if (f.detector && r->findings->len < RP_MAX_FINDINGS)
		g_array_append_val(r->findings, f);
	return 0;
}

static int array_of(cur *c, rp_rec *r, bool findings)
{
	if (!eat(c, '['))
		return -1;
	if (eat(c, ']'))
		return 0;
	do {
		if (findings ? finding(c, r) < 0 : skip(c) < 0)
			return -1;
		if (!findings)
			r->recipients++;
	} while (eat(c, ','));
	return eat(c, ']') ? 0 : -1;
}

static int field(cur *c, rp_rec *r, const char *k, size_t n, bool *has_action)
{
	long long v;

	if (KEY("ts"))
		return string(c, r->ts);
	if (KEY("event_id"))
		return opt_string(c, r->event_id, &r->has_event_id);
	if (KEY("host"))
		return opt_string(c, r->host, NULL);
	if (KEY("action")) {
		*has_action = true;
		return string(c, r->action);
	}
	if (KEY("sender"))
		return opt_string(c, r->sender, NULL);
	if (KEY("sr"))
		return opt_string(c, r->sr, &r->has_sr);
	if (KEY("queue_id"))
		return opt_string(c, r->queue_id, NULL);
	if (KEY("smtp_reply"))
		return opt_string(c, r->reply, NULL);
	if (KEY("exception"))
		return opt_string(c, r->exception, &r->has_exception);
	if (KEY("subject"))
		return opt_string(c, r->subject, NULL);
	if (KEY("failed"))
		return boolean(c, &r->failed);
	if (KEY("schema")) {
		if (number(c, &v) < 0)
			return -1;
		r->schema = (int)CLAMP(v, 0, 1000);
		return 0;
	}
	if (KEY("recipients"))
		return array_of(c, r, false);
	if (KEY("findings"))
		return array_of(c, r, true);
	return skip(c);
}

static void reset(rp_rec *r)
{
	GString **s[] = {&r->ts, &r->event_id, &r->host, &r->action, &r->sender, &r->sr,
			 &r->queue_id, &r->reply, &r->exception, &r->subject};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(s); i++)
		g_string_truncate(*s[i], 0);
	r->has_event_id = r->has_sr = r->has_exception = r->failed = false;
	r->schema = 0;
	r->recipients = 0;
	g_array_set_size(r->findings, 0);
}

int rp_rec_parse(rp_rec *r, const char *line, size_t len)
{
	cur c = {line, line + len, 0};
	bool has_action = false;
	const char *k;
	size_t n;

	reset(r);
	if (!eat(&c, '{'))
		return -1;
	if (!eat(&c, '}')) {
		do {
			if (key(&c, &k, &n) < 0 || field(&c, r, k, n, &has_action) < 0)
				return -1;
		} while (eat(&c, ','));
		if (!eat(&c, '}'))
			return -1;
	}
	ws(&c);
	/* one object per line, with its time (YYYY-MM-DD...) and action */
	if (c.p != c.e || !has_action || r->ts->len < 10 || r->ts->str[4] != '-' ||
	    r->ts->str[7] != '-')
		return -1;
	return 0;
}

void rp_rec_init(rp_rec *r)
{
	GString **s[] = {&r->ts, &r->event_id, &r->host, &r->action, &r->sender, &r->sr,
			 &r->queue_id, &r->reply, &r->exception, &r->subject, &r->tmp};
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < G_N_ELEMENTS(s); i++)
		*s[i] = g_string_sized_new(64);
	r->findings = g_array_new(FALSE, FALSE, sizeof(rp_finding));
	r->intern = g_string_chunk_new(4096);
	r->interned = g_hash_table_new(g_str_hash, g_str_equal);
}

void rp_rec_clear(rp_rec *r)
{
	GString **s[] = {&r->ts, &r->event_id, &r->host, &r->action, &r->sender, &r->sr,
			 &r->queue_id, &r->reply, &r->exception, &r->subject, &r->tmp};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(s); i++)
		g_string_free(*s[i], TRUE);
	g_array_free(r->findings, TRUE);
	g_hash_table_destroy(r->interned);
	g_string_chunk_free(r->intern);
}
