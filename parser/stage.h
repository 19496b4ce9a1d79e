/*
 * stage.h - internal to the view: text produced by one stage of the view
 * pipeline, with, for every byte, the range of the stage's input it came
 * from.  Not for use outside parser/view.c and parser/html.c.
 */
#ifndef SM_STAGE_H
#define SM_STAGE_H

#include <glib.h>
#include <stdbool.h>
#include <string.h>

typedef struct stage {
	GString *text;
	GArray *start, *end; /* guint32 per text byte */
} stage;

static inline void stage_init(stage *s, size_t hint)
{
	s->text = g_string_sized_new(hint + 1);
	s->start = g_array_sized_new(FALSE, FALSE, sizeof(guint32), hint + 1);
	s->end = g_array_sized_new(FALSE, FALSE, sizeof(guint32), hint + 1);
}

static inline void stage_free(stage *s)
{
	if (s->text)
		g_string_free(s->text, TRUE);
	if (s->start)
		g_array_free(s->start, TRUE);
	if (s->end)
		g_array_free(s->end, TRUE);
	memset(s, 0, sizeof(*s));
}

/* Append n bytes that all map to input range [a, b). */
static inline void emit(stage *s, const char *bytes, size_t n, guint32 a, guint32 b)
{
	size_t i;

	g_string_append_len(s->text, bytes, n);
	for (i = 0; i < n; i++) {
		g_array_append_val(s->start, a);
		g_array_append_val(s->end, b);
	}
}

static inline void emit_char(stage *s, gunichar c, guint32 a, guint32 b)
{
	char buf[6];
	int n = g_unichar_to_utf8(c, buf);

	emit(s, buf, n, a, b);
}

/*
 * Visible text of HTML (UTF-8 in[0, len)) into out, maps into `in`.
 * *quote_at: out offset where the first quoted block starts (blockquote,
 * Outlook divRplyFwdMsg / border-top separator, gmail_quote), or -1.
 */
void sm_html_visible(const char *in, size_t len, stage *out, size_t *quote_at);

#endif
