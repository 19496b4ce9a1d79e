/*
 * msg_fhdr.c - header blocks as the fast reader reads them (msg_int.h:
 * sm_fast_block, sm_fast_hval, sm_fast_param): only the plain shapes GMime
 * reads the same way, everything else declined (the caller then parses
 * with GMime).
 *
 * Accepted: lines "Name:value" (a name of printable ASCII, the colon right
 * after it) and continuation lines starting with a blank, no control
 * character but tabs (8-bit bytes allowed), a CR only before the LF, ended
 * by an empty line.
 * Content-Type and Content-Disposition values: a token (or "type/subtype"),
 * then "; attribute=value" with a token or a quoted string without
 * backslashes, RFC 2231 stars, encoded words or blanks at its ends.
 *
 * Untrusted input: the header block.  Limits: the block ends at len;
 * SM_FAST_PARAMS parameters per value (more are declined).  Owns nothing.
 */
#include "msg.h"
#include "msg_int.h"

#include <string.h>

static bool tspecial(uint8_t c)
{
	return strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

static bool token_char(uint8_t c)
{
	return c > 0x20 && c < 0x7f && !tspecial(c);
}

/* In a field's value: printable ASCII, a tab, 8-bit bytes (raw UTF-8 file
 * names: values the plain grammar declines go to GMime's own parser). */
static bool value_char(uint8_t c)
{
	return (c >= 0x20 && c != 0x7f) || c == '\t';
}

static bool wsp(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* One field line or continuation at raw[i] (ending with its LF at e): its
 * value bytes checked.  The name's length in *nlen (0 for a continuation). */
static bool field_line(const uint8_t *raw, size_t i, size_t e, size_t *nlen)
{
	size_t k = i, end = e;

	if (end > i && raw[end - 1] == '\r')
		end--;
	if (raw[i] == ' ' || raw[i] == '\t') {
		*nlen = 0;
		for (; k < end; k++)
			if (!value_char(raw[k]))
				return false;
		for (k = i; k < end; k++) /* a blank line would be read otherwise */
			if (raw[k] != ' ' && raw[k] != '\t')
				return true;
		return false;
	}
	while (k < end && raw[k] > 0x20 && raw[k] < 0x7f && raw[k] != ':')
		k++;
	if (k == i || k >= end || raw[k] != ':')
		return false;
	*nlen = k - i;
	for (k++; k < end; k++)
		if (!value_char(raw[k]))
			return false;
	return true;
}

static void keep(sm_fblock *b, size_t name, size_t nlen, size_t val)
{
	static const char *const known[] = {"Content-Type", "Content-Transfer-Encoding",
					    "Content-Disposition"};

	b->fields++;
	b->cur = -1;
	if (nlen < 8 || g_ascii_strncasecmp((const char *)b->raw + name, "Content-", 8) != 0) {
		if (b->other == (size_t)-1)
			b->other = name;
		return;
	}
	b->cfields++;
	for (int k = 0; k < 3; k++)
		if (nlen == strlen(known[k]) &&
		    g_ascii_strncasecmp((const char *)b->raw + name, known[k], nlen) == 0) {
			b->cur = b->v[k].seen ? -2 : k; /* a repeated one is declined */
			b->v[k].seen = true;
			b->v[k].at = val;
		}
}

int sm_fast_block(const uint8_t *raw, size_t from, size_t len, sm_fblock *b, GArray *fields)
{
	size_t i = from;
	sm_field f = {0};

	memset(b, 0, sizeof(*b));
	b->raw = raw;
	b->other = (size_t)-1;
	while (i < len) {
		const uint8_t *nl = memchr(raw + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - raw) : len, nlen;

		if (!nl)
			return -1;
		if (e == i || (e == i + 1 && raw[i] == '\r')) {
			b->blank = i;
			b->end = e + 1;
			if (fields && f.vlen)
				g_array_append_val(fields, f);
			return 0;
		}
		if (!field_line(raw, i, e, &nlen) || (nlen == 0 && b->fields == 0))
			return -1;
		if (nlen) {
			if (fields && f.vlen)
				g_array_append_val(fields, f);
			f.name = i;
			f.nlen = nlen;
			f.val = i + nlen + 1;
			keep(b, i, nlen, f.val);
			if (b->cur == -2)
				return -1;
		}
		f.vlen = e + 1 - f.val;
		if (b->cur >= 0)
			b->v[b->cur].n = e + 1 - b->v[b->cur].at;
		i = e + 1;
	}
	return -1;
}

static size_t skip_wsp(const uint8_t *v, size_t i, size_t n)
{
	while (i < n && wsp(v[i]))
		i++;
	return i;
}

static size_t token(const uint8_t *v, size_t i, size_t n)
{
	while (i < n && token_char(v[i]))
		i++;
	return i;
}

/* A parameter value at v[i]: a token or a plain quoted string. */
static size_t param_value(const uint8_t *v, size_t i, size_t n, const uint8_t **val, size_t *vn)
{
	size_t k;

	if (i < n && v[i] == '"') {
		for (k = i + 1; k < n && v[k] != '"'; k++)
			if (v[k] < 0x20 || v[k] >= 0x7f || v[k] == '\\')
				return 0;
		if (k >= n || k == i + 1 || v[i + 1] == ' ' || v[k - 1] == ' ')
			return 0;
		*val = v + i + 1;
		*vn = k - i - 1;
		return k + 1;
	}
	k = token(v, i, n);
	*val = v + i;
	*vn = k - i;
	return k > i ? k : 0;
}

static bool has_encoded_word(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '=' && s[i + 1] == '?')
			return true;
	return false;
}

/* One "; attribute=value" at v[i] into h; its end, 0 when declined. */
static size_t param(const uint8_t *v, size_t i, size_t n, sm_fhval *h)
{
	size_t a = skip_wsp(v, i + 1, n), k = token(v, a, n);
	const uint8_t *val;
	size_t vn;

	if (k == a || h->n >= SM_FAST_PARAMS || memchr(v + a, '*', k - a))
		return 0;
	for (int j = 0; j < h->n; j++)
		if (h->p[j].an == k - a && g_ascii_strncasecmp((const char *)h->p[j].a,
							       (const char *)v + a, k - a) == 0)
			return 0;
	i = skip_wsp(v, k, n);
	if (i >= n || v[i] != '=')
		return 0;
	i = param_value(v, skip_wsp(v, i + 1, n), n, &val, &vn);
	if (i == 0 || has_encoded_word(val, vn))
		return 0;
	h->p[h->n].a = v + a;
	h->p[h->n].an = k - a;
	h->p[h->n].v = val;
	h->p[h->n++].vn = vn;
	return skip_wsp(v, i, n);
}

bool sm_fast_hval(const uint8_t *v, size_t n, bool slash, sm_fhval *h)
{
	size_t i = skip_wsp(v, 0, n), k = token(v, i, n);

	memset(h, 0, sizeof(*h));
	if (k == i)
		return false;
	if (slash) {
		if (k >= n || v[k] != '/' || token(v, k + 1, n) == k + 1)
			return false;
		k = token(v, k + 1, n);
	}
	h->tok = v + i;
	h->tokn = k - i;
	for (i = skip_wsp(v, k, n); i < n;)
		if (v[i] != ';' || (i = param(v, i, n, h)) == 0)
			return false;
	return true;
}

char *sm_fast_param(const sm_fhval *h, const char *name)
{
	size_t nl = strlen(name);

	for (int j = 0; j < h->n; j++)
		if (h->p[j].an == nl && g_ascii_strncasecmp((const char *)h->p[j].a, name, nl) == 0)
			return g_strndup((const char *)h->p[j].v, h->p[j].vn);
	return NULL;
}
