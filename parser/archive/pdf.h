/*
 * pdf.h - the text a PDF carries inside its compressed streams (pdf.c).
 *
 * A PDF keeps its page text in content streams, almost always compressed
 * (FlateDecode): the printable strings of the file show none of it.  This
 * inflates every Flate stream and renders what the content streams show as
 * literal strings (the Tj, TJ, ' and " operators; a TJ array's pieces
 * joined, a wide gap read as a space; a new line per text line), followed
 * by the inflated bytes themselves (XMP metadata, object streams, embedded
 * text files), for the detectors.  Glyph codes of fonts without a standard
 * encoding (hex strings, Identity-H) are not mapped back to characters.
 */
#ifndef SM_PDF_H
#define SM_PDF_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	SM_PDF_OK,      /* every Flate stream read */
	SM_PDF_PARTIAL, /* some stream could not be inflated (broken data) */
	SM_PDF_LIMIT    /* max_out bytes or max_ratio reached: stopped there */
} sm_pdf_status;

/* Does d[0, n) start like a PDF ("%PDF-" within its first 1024 bytes)? */
bool sm_pdf_sniff(const uint8_t *d, size_t n);

/*
 * The text of the PDF d[0, n): what its pages show appended to text (UTF-8:
 * literal strings as Latin-1, hex strings through the file's ToUnicode
 * maps), the inflated bytes of every Flate stream appended to raw; at most
 * max_out inflated bytes in all, and no stream inflating to more than
 * max_ratio times its compressed size.  *streams counts the "stream"
 * keywords met (at most SM_PDF_STREAMS_MAX; beyond, SM_PDF_LIMIT).
 */
#define SM_PDF_STREAMS_MAX 100000
sm_pdf_status sm_pdf_text(const uint8_t *d, size_t n, size_t max_out, long long max_ratio,
			  GString *text, GByteArray *raw, unsigned *streams);

#endif
