/*
 * rewrite.h - turning detector hits into edits of a part's own bytes, and
 * re-applying the part's transfer encoding; the notice that replaces a
 * stripped attachment.
 */
#ifndef SM_REWRITE_H
#define SM_REWRITE_H

#include "charset.h"
#include "msg.h"
#include "view.h"

#include <glib.h>

/*
 * Edits (sm_edit) in the view's source for the hits (sm_hit) of one view,
 * appended to `edits`; the whole array is then sorted and merged, so edits
 * from several views of the same source (HTML read twice) combine.  Cards keep their last four digits and separators;
 * fixed masks replace the value's first text run by "********" and delete
 * the rest of the value (HTML tags inside it are kept).
 */
void sm_rewrite_edits(const sm_view *v, const GArray *hits, GArray *edits);

/* Sort edits by start and merge overlaps (a fixed mask wins). */
void sm_rewrite_merge(GArray *edits);

/*
 * The part's new encoded content: the decoded bytes with the edits written
 * in its own charset, then its original transfer encoding (base64, QP,
 * uuencode with its own "begin" line, 7bit/8bit/binary) and line ends.
 * NULL if the encoding cannot be re-applied: the caller strips the part.
 */
GBytes *sm_rewrite_part(const sm_msg *m, const sm_part *p, const sm_view *v,
			const GByteArray *decoded, const GArray *edits);

/* Does the part's content use CRLF line ends (else the message's)? */
bool sm_rewrite_region_crlf(const sm_msg *m, const sm_part *p);
/* "\n" -> "\r\n" where no CR precedes, in place; and back. */
void sm_rewrite_lf_to_crlf(GByteArray *a);
void sm_rewrite_crlf_to_lf(GByteArray *a);

/*
 * A whole MIME entity (headers and content) that replaces a stripped
 * attachment: text/plain UTF-8 (base64) naming what was removed and why, in
 * English and Japanese.  `why` is a printable ASCII phrase: "it contains
 * confidential data (credit card number)".
 */
GBytes *sm_rewrite_notice(const sm_msg *m, const sm_part *p, const char *why);

#endif
