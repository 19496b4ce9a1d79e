/*
 * office.h - the text of Office Open XML parts (docx, xlsx, pptx members),
 * and xlsx worksheets read back as tables (shared strings resolved, one row
 * a line, cells in their columns separated by tabs) so that a value can be
 * tied to its column header.
 */
#ifndef SM_OFFICE_H
#define SM_OFFICE_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* The text of an Office XML part: runs joined, paragraphs and cells on
 * lines, entities decoded.  g_free; *outlen its length. */
char *sm_office_text(const char *x, size_t len, size_t *outlen);

/* An xlsx being read: shared strings and worksheets kept until the end. */
typedef struct sm_xlsx sm_xlsx;

sm_xlsx *sm_xlsx_new(void);
void sm_xlsx_free(sm_xlsx *x);

/* Keep a member if it is xl/sharedStrings.xml or a worksheet (the bytes are
 * copied); other names are ignored. */
void sm_xlsx_add(sm_xlsx *x, const char *name, const uint8_t *d, size_t n);

/* Worksheets kept, and the table text of worksheet i (g_free), its member
 * name in *name (owned by x). */
guint sm_xlsx_sheets(const sm_xlsx *x);
char *sm_xlsx_table(const sm_xlsx *x, guint i, size_t *outlen, const char **name);

#endif
