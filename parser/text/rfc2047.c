/*
 * rfc2047.c - RFC 2047 encoded words to UTF-8 (rfc2047.h).
 *
 * Untrusted input: header text.  One pass over it; every encoded word is
 * bounded by the input; invalid base64 / Q data decodes as far as it goes.
 */
#include "rfc2047.h"

#include "charset.h"

#include <glib.h>
#include <gmime/gmime.h>
#include <string.h>

/* Append the UTF-8 of bytes in charset label to out. */
static void put_text(GString *out, const char *label, const uint8_t *b, size_t n)
{
	sm_charset cs;
	sm_tbuf t;
	bool trunc;

	if (!n)
		return;
	sm_charset_resolve(label, b, n, &cs);
	sm_tbuf_init(&t, n);
	sm_charset_decode(&cs, b, n, (size_t)-1, false, &t, &trunc);
	g_string_append_len(out, t.text, (gssize)t.len);
	sm_tbuf_free(&t);
}

/* An encoded word at s: =?charset[*lang]?B|Q?text?= ; fills the parts. */
static bool encoded_word(const char *s, const char *end, const char **cs, size_t *cslen,
			 char *enc, const char **text, size_t *tlen, const char **after)
{
	const char *q1, *q2, *q3;

	if (end - s < 8 || s[0] != '=' || s[1] != '?')
		return false;
	q1 = memchr(s + 2, '?', end - s - 2);
	if (!q1 || q1 + 3 >= end || q1[2] != '?')
		return false;
	*enc = (char)g_ascii_toupper(q1[1]);
	if (*enc != 'B' && *enc != 'Q')
		return false;
	q2 = q1 + 3;
	for (q3 = q2; q3 + 1 < end && !(q3[0] == '?' && q3[1] == '='); q3++)
		if (*q3 == ' ' || *q3 == '\t' || *q3 == '\r' || *q3 == '\n')
			return false;
	if (q3 + 1 >= end)
		return false;
	*cs = s + 2;
	*cslen = (size_t)(q1 - s - 2);
	if (memchr(*cs, '*', *cslen)) /* RFC 2231 language suffix */
		*cslen = (size_t)((const char *)memchr(*cs, '*', *cslen) - *cs);
	*text = q2;
	*tlen = (size_t)(q3 - q2);
	*after = q3 + 2;
	return true;
}

static void decode_word(char enc, const char *t, size_t n, GByteArray *out)
{
	if (enc == 'B') {
		GMimeEncoding st;
		size_t got, at = out->len;

		g_mime_encoding_init_decode(&st, GMIME_CONTENT_ENCODING_BASE64);
		g_byte_array_set_size(out, (guint)(at + n + 4));
		got = g_mime_encoding_flush(&st, t, n, (char *)out->data + at);
		g_byte_array_set_size(out, (guint)(at + got));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)t[i];

		if (c == '_')
			c = ' ';
		else if (c == '=' && i + 2 < n && g_ascii_isxdigit(t[i + 1]) &&
			 g_ascii_isxdigit(t[i + 2])) {
			c = (uint8_t)(g_ascii_xdigit_value(t[i + 1]) * 16 + g_ascii_xdigit_value(t[i + 2]));
			i += 2;
		}
		g_byte_array_append(out, &c, 1);
	}
}

/* Plain ASCII without "=?" (most fields): the text with its CR and LF
 * dropped, which is what the loop below makes of it; NULL otherwise. */
static char *plain(const char *raw, size_t len)
{
	char *out, *o;
	bool fold = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c >= 0x80 || (c == '=' && i + 1 < len && raw[i + 1] == '?'))
			return NULL;
		fold |= c == '\r' || c == '\n';
	}
	o = out = g_malloc(len + 1);
	if (!fold) {
		memcpy(out, raw, len);
		o += len;
	} else
		for (size_t i = 0; i < len; i++)
			if (raw[i] != '\r' && raw[i] != '\n')
				*o++ = raw[i];
	*o = '\0';
	return out;
}

char *sm_header_decode(const char *raw, size_t len)
{
	const char *s = raw, *end = raw + len;
	GString *out;
	GByteArray *pend; /* bytes of adjacent words, one charset */
	char pcs[40] = "", *fast = plain(raw, len);

	if (fast)
		return fast;
	out = g_string_new(NULL);
	pend = g_byte_array_new();
	while (s < end) {
		const char *cs, *text, *after, *ws;
		size_t cslen, tlen;
		char enc;

		if (encoded_word(s, end, &cs, &cslen, &enc, &text, &tlen, &after)) {
			char label[40];
			size_t ln = MIN(sizeof(label) - 1, cslen);

			/* not g_strlcpy: it reads the source to its NUL, and the raw
			 * header block is not NUL-terminated */
			memcpy(label, cs, ln);
			label[ln] = '\0';
			if (pend->len && g_ascii_strcasecmp(label, pcs) != 0) {
				put_text(out, pcs, pend->data, pend->len);
				g_byte_array_set_size(pend, 0);
			}
			g_strlcpy(pcs, label, sizeof(pcs));
			decode_word(enc, text, tlen, pend);
			/* white space between two encoded words is not displayed */
			for (ws = after; ws < end && (*ws == ' ' || *ws == '\t' || *ws == '\r' ||
						      *ws == '\n');)
				ws++;
			s = (ws < end && encoded_word(ws, end, &cs, &cslen, &enc, &text, &tlen,
						      &after))
				    ? ws
				    : after;
			continue;
		}
		if (pend->len) {
			put_text(out, pcs, pend->data, pend->len);
			g_byte_array_set_size(pend, 0);
		}
		{
			const char *next = s + 1;

			while (next < end && !(next[0] == '=' && next + 1 < end && next[1] == '?'))
				next++;
			for (const char *p = s; p < next; p++)
				if (*p == '\r' || *p == '\n')
					continue; /* unfold */
				else if ((unsigned char)*p < 0x80)
					g_string_append_c(out, *p);
				else {
					const char *q = p;

					while (q < next && (unsigned char)*q >= 0x80)
						q++;
					put_text(out, NULL, (const uint8_t *)p, (size_t)(q - p));
					p = q - 1;
				}
			s = next;
		}
	}
	if (pend->len)
		put_text(out, pcs, pend->data, pend->len);
	g_byte_array_free(pend, TRUE);
	return g_string_free(out, FALSE);
}
