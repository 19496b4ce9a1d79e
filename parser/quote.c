/* quote.c - STUB: replaced by the support conventions work (issue 4). */
#include "quote.h"

char *sm_quote_new_text(const sm_view *v)
{
	return g_strndup(v->text, v->len);
}

size_t sm_quote_history_start(const sm_view *v)
{
	return v->len;
}
