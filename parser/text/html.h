/*
 * html.h - internal to the view: the visible text of HTML with a map back.
 */
#ifndef SM_HTML_H
#define SM_HTML_H

#include "textbuf.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Visible text of HTML (UTF-8 in[0, len)) appended to out, mapped into `in`.
 * *quote_at: out offset where the first quoted block starts (blockquote,
 * Outlook divRplyFwdMsg / border-top separator, gmail_quote), or -1.
 */
void sm_html_visible(const char *in, size_t len, sm_tbuf *out, size_t *quote_at);

/*
 * The same text folded as it is written (fold.h): the text, and every byte's
 * map into `in`, of sm_fold_into over sm_html_visible's text with the two
 * maps composed, in one pass.  For valid UTF-8 in (every character of the
 * unfolded text is then a whole character of `in` or an entity's) without
 * NUL (sm_utf8_valid: the quote markers are looked for in the whole tag).
 * *quote_at: the first out byte that comes from at or after the quote point.
 */
void sm_html_visible_folded(const char *in, size_t len, sm_tbuf *out, size_t *quote_at);

/* What the tag name name[0, n) does to the visible text (block, row, cell,
 * hidden, line break, quote: flags private to html.c), ASCII case ignored;
 * 0 for any other name.  sm_html_tag_class_plain reads the table of names
 * in turn (the contract; for the test). */
unsigned sm_html_tag_class(const char *name, size_t n);
unsigned sm_html_tag_class_plain(const char *name, size_t n);

#endif
