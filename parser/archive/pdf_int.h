/*
 * pdf_int.h - shared by pdf.c (the streams, inflated; the entry point),
 * pdf_cmap.c (ToUnicode CMaps), pdf_font.c (objects, fonts and what each
 * font's codes mean) and pdf_render.c (the text the content streams show,
 * decoded by the font in use).  Not for use outside these files.
 */
#ifndef SM_PDF_INT_H
#define SM_PDF_INT_H

#include "pdf.h"

/* pdf.c: the next w in p[0, e), or NULL; a name key with a delimiter
 * after it ("/Encrypt" is not "/EncryptMetadata"). */
const uint8_t *sm_pdf_find(const uint8_t *p, const uint8_t *e, const char *w);
bool sm_pdf_has_key(const uint8_t *p, const uint8_t *e, const char *key);

/* One "stream" of the file. */
typedef struct pdf_stream {
	const uint8_t *dict;   /* its dictionary in the file: [dict, kw) */
	const uint8_t *kw;     /* its "stream" keyword */
	guint obj;             /* its object number, 0 when unknown */
	guint start, end;      /* its inflated bytes in raw (start == end: none) */
	const uint8_t *data, *data_end; /* its bytes: in raw, or in the file when stored */
	bool inflated;         /* its bytes are there: stored, or Flate inflated (maybe not
				* to its end) */
	bool failed;           /* Flate, could not be inflated to its end */
} pdf_stream;

/* ---------------------------------------------------------- pdf_cmap.c */

/* Glyph codes to text: (bytes << 24 | code) -> UTF-8 (g_free; "" for a code
 * mapped to nothing printable).  *budget: codes the whole file may still
 * map (shared by every map of the file). */
typedef struct pdf_cmap {
	GHashTable *m;
	size_t *budget;
} pdf_cmap;

pdf_cmap *sm_pdf_cmap_new(size_t *budget);
void sm_pdf_cmap_free(pdf_cmap *c);
/* The bfchar and bfrange sections of a CMap p[0, e) into c. */
void sm_pdf_cmap_read(pdf_cmap *c, const uint8_t *p, const uint8_t *e);
/* <hex> at p into b (an odd digit count ends with a 0); after the '>'. */
const uint8_t *sm_pdf_hex(const uint8_t *p, const uint8_t *e, GByteArray *b);
guint32 sm_pdf_code(const guint8 *b, size_t n);
/* The text of code b[0, n) (n 1 or 2), or NULL when c does not map it. */
const char *sm_pdf_cmap_get(const pdf_cmap *c, const guint8 *b, size_t n);

/* ---------------------------------------------------------- pdf_font.c */

typedef enum {
	PDF_FONT_SIMPLE,  /* one byte a character (Type1, TrueType, Type3) */
	PDF_FONT_CID,     /* composite, codes are glyph or CID numbers: a map needed */
	PDF_FONT_CHARSET  /* composite with a predefined CMap of a known charset */
} pdf_font_kind;

typedef struct pdf_font {
	guint obj;
	pdf_font_kind kind;
	const char *charset;  /* PDF_FONT_CHARSET: an iconv name ("JIS": +0x80, EUC-JP) */
	const pdf_cmap *map;  /* its ToUnicode, or NULL */
} pdf_font;

typedef struct pdf_fonts pdf_fonts;

/* The fonts of the file d[0, n) and of its object streams (inflated in
 * raw), with their ToUnicode maps; every loop bounded by the bytes. */
pdf_fonts *sm_pdf_fonts_new(const uint8_t *d, size_t n, const GArray *streams,
			    const GByteArray *raw);
void sm_pdf_fonts_free(pdf_fonts *f);
/* The font a resource name (name[0, len), no slash) names: when several
 * fonts carry that name (other pages), the first composite one. */
const pdf_font *sm_pdf_fonts_named(const pdf_fonts *f, const uint8_t *name, size_t len);
/* Does the stream hold text (a page's /Contents, a form, an object
 * stream, a ToUnicode map)? */
bool sm_pdf_fonts_text_stream(const pdf_fonts *f, const pdf_stream *st);
/* Is the stream page content (a page's /Contents, a form; when no page
 * names its contents, a stream with no /Type, /Subtype or /Length1)? */
bool sm_pdf_fonts_content_stream(const pdf_fonts *f, const pdf_stream *st);

/* ---------------------------------------------------------- pdf_render.c */

/* The rendering of one file: the font in use carries over from one
 * stream to the next (a page's content may be split). */
typedef struct pdf_render {
	const pdf_fonts *fonts;
	const pdf_cmap *all;      /* every ToUnicode map of the file, for unknown fonts */
	const pdf_font *font;     /* in use, NULL unknown */
	bool content;             /* the stream is page content: fonts apply, codes count */
	GHashTable *unmapped;     /* distinct (font, code) shown with no map: a set */
} pdf_render;

/* The strings p[0, e) shows, a line per text line, into out. */
void sm_pdf_render(pdf_render *r, const uint8_t *p, const uint8_t *e, GString *out);

#endif
