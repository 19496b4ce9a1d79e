/*
 * quote.h - splitting a text part into the author's new text and the quoted
 * history (> lines, Outlook separators and header blocks, Gmail/Thunderbird
 * attributions in English and Japanese, HTML blockquotes via the view's
 * quote_start, signature delimiters).
 *
 * Confidential-content detectors scan everything; intent rules (resolution,
 * severity A, feature requests) read only the new text.
 */
#ifndef SM_QUOTE_H
#define SM_QUOTE_H

#include "view.h"

#include <glib.h>

/*
 * The author's new text of a view: a newly allocated UTF-8 string (g_free)
 * made of the view's lines that are neither quoted nor below a reply
 * separator or signature delimiter.  Bounded by the view's length.
 */
char *sm_quote_new_text(const sm_view *v);

/* Both at once (one reading of the view): the new text, and where the
 * history starts in *history (may be NULL). */
char *sm_quote_split(const sm_view *v, size_t *history);

/* The offset in v->text where the quoted history starts (v->len if none). */
size_t sm_quote_history_start(const sm_view *v);

#endif
