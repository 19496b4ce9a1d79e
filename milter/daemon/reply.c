/*
 * reply.c - SMTP replies for libmilter: smfi_setreply, or smfi_setmlreply
 * when the text has several lines or is too long for one.
 *
 * Input: reply texts from the policy (configuration and detector names,
 * printable ASCII by contract) - still made printable here, '%' doubled as
 * libmilter requires, lines wrapped at SM_REPLY_WIDTH bytes (RFC 5321 allows
 * 512 per reply line including the codes), at most SM_REPLY_LINES lines
 * (libmilter's maximum is 32; text beyond is dropped).
 * Ownership: the caller keeps its strings; everything built here is freed here.
 */
#include "reply.h"

#include <glib.h>
#include <string.h>

#define SM_REPLY_LINES 32
#define SM_REPLY_WIDTH 400

/* The reply text as libmilter wants it: printable, '%' doubled, one line. */
static char *reply_line(const char *s, size_t n)
{
	GString *o = g_string_sized_new(n + 8);
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '%')
			g_string_append(o, "%%");
		else
			g_string_append_c(o, ch >= 0x20 && ch < 0x7f ? (char)ch : ' ');
	}
	return g_string_free(o, FALSE);
}

/* Length of the next reply line of s[0..n): up to SM_REPLY_WIDTH bytes,
 * broken after a space when the text is longer (RFC 5321: 512 per line). */
static size_t reply_cut(const char *s, size_t n)
{
	size_t i;

	if (n <= SM_REPLY_WIDTH)
		return n;
	for (i = SM_REPLY_WIDTH; i > 1; i--)
		if (s[i - 1] == ' ')
			return i;
	return SM_REPLY_WIDTH;
}

/* text split at newlines and wrapped; at most SM_REPLY_LINES lines. */
static int reply_lines(const char *text, char **l)
{
	const char *p = text, *e;
	int n = 0;

	while (p && *p && n < SM_REPLY_LINES) {
		size_t len, k;

		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		len = (size_t)(e - p) - (e > p && e[-1] == '\r');
		do {
			k = reply_cut(p, len);
			l[n++] = reply_line(p, k);
			p += k;
			len -= k;
		} while (len > 0 && n < SM_REPLY_LINES);
		p = *e ? e + 1 : e;
	}
	return n;
}

/* smfi_setreply, or smfi_setmlreply when the text needs several lines. */
int sm_reply_set(SMFICTX *ctx, const char *code, const char *xcode, const char *text)
{
	char *l[SM_REPLY_LINES + 1] = {NULL};
	int n = reply_lines(text, l), rc;

	if (n <= 1)
		rc = smfi_setreply(ctx, (char *)code, (char *)xcode, n ? l[0] : NULL);
	else
		rc = smfi_setmlreply(ctx, code, xcode, l[0], l[1], l[2], l[3], l[4], l[5], l[6],
				     l[7], l[8], l[9], l[10], l[11], l[12], l[13], l[14], l[15],
				     l[16], l[17], l[18], l[19], l[20], l[21], l[22], l[23], l[24],
				     l[25], l[26], l[27], l[28], l[29], l[30], l[31], NULL);
	while (n > 0)
		g_free(l[--n]);
	return rc == MI_SUCCESS ? 0 : -1;
}
