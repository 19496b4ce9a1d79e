/*
 * notice_tmpl.h - the sender notice's templates (notice_tmpl.c).
 */
#ifndef SM_NOTICE_TMPL_H
#define SM_NOTICE_TMPL_H

#include <glib.h>

enum { SM_NOTICE_JA = 0, SM_NOTICE_EN = 1 };

extern const char *const sm_notice_placeholders[];

/* The built-in text for a language. */
const char *sm_notice_builtin(int lang);

/* The template at path (NULL or "": the built-in one), checked; g_free.
 * NULL with err. */
char *sm_notice_template_load(const char *path, int lang, char *err, size_t errlen);

#endif
