/*
 * pdf.h - the text a PDF carries inside its compressed streams (pdf.c).
 *
 * A PDF keeps its page text in content streams, almost always compressed
 * (FlateDecode): the printable strings of the file show none of it.  This
 * inflates every Flate stream and renders what the content streams show as
 * literal strings (the Tj, TJ, ' and " operators; a TJ array's pieces
 * joined, a wide gap read as a space; a new line per text line), followed
 * by the inflated bytes themselves (XMP metadata, object streams, embedded
 * text files), for the detectors.  Each string is decoded by the font in
 * use (pdf_render.c, pdf_font.c): glyph codes of a composite font are read
 * through its ToUnicode map or its predefined CMap's charset; codes nothing
 * maps are not invented but counted, and make the PDF unreadable.
 */
#ifndef SM_PDF_H
#define SM_PDF_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	SM_PDF_OK,        /* every Flate stream read */
	SM_PDF_PARTIAL,   /* some stream could not be inflated (broken data) */
	SM_PDF_LIMIT,     /* max_out bytes or max_ratio reached: stopped there */
	SM_PDF_ENCRYPTED, /* an /Encrypt entry: the streams are encrypted */
	SM_PDF_UNREADABLE /* text shown that cannot be read (unmapped codes, lost streams) */
} sm_pdf_status;

/* What the reading met (all of it, whatever the status says first). */
typedef struct sm_pdf_info {
	unsigned streams; /* "stream" keywords met (at most SM_PDF_STREAMS_MAX + 1) */
	bool limit;       /* max_out, max_ratio or SM_PDF_STREAMS_MAX reached */
	bool encrypted;   /* /Encrypt in a trailer or a cross-reference stream */
	bool broken;      /* some stream could not be inflated */
	bool unreadable;  /* not encrypted, and lost > 0 or unmapped > 4 */
	unsigned lost;    /* streams with text (page contents, forms, object streams,
			   * ToUnicode maps) that could not be inflated */
	unsigned unmapped; /* distinct codes of composite fonts shown that no map names
			    * (counted up to 64) */
} sm_pdf_info;

/* Does d[0, n) start like a PDF ("%PDF-" within its first 1024 bytes)? */
bool sm_pdf_sniff(const uint8_t *d, size_t n);

/*
 * The text of the PDF d[0, n): what its pages show appended to text (UTF-8:
 * literal strings as Latin-1, hex strings through the file's ToUnicode
 * maps), the inflated bytes of every Flate stream appended to raw; at most
 * max_out inflated bytes in all, and no stream inflating to more than
 * max_ratio times its compressed size.  info->streams counts the "stream"
 * keywords met (at most SM_PDF_STREAMS_MAX; beyond, SM_PDF_LIMIT).  An
 * encrypted PDF (an /Encrypt entry in its trailer or its cross-reference
 * stream's dictionary) is SM_PDF_ENCRYPTED: its streams are not plain text
 * even when its user password is empty (no decryption here).  A PDF whose
 * shown text cannot be read is SM_PDF_UNREADABLE: more than 4 distinct
 * codes of composite fonts shown that no map names, or a stream holding
 * text (page contents, a form, an object stream, a ToUnicode map) that
 * could not be inflated.  The status is the first of LIMIT, ENCRYPTED,
 * UNREADABLE, PARTIAL, OK that applies; info says all.
 */
#define SM_PDF_STREAMS_MAX 100000
sm_pdf_status sm_pdf_text(const uint8_t *d, size_t n, size_t max_out, long long max_ratio,
			  GString *text, GByteArray *raw, sm_pdf_info *info);

#endif
