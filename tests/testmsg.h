/*
 * testmsg.h - helpers for unit tests that walk a parsed message (msg.h).
 */
#ifndef SM_TESTMSG_H
#define SM_TESTMSG_H

#include "msg.h"

#include <glib.h>

/* Part idx of m, counting MIME parts only (not preambles or epilogues). */
static inline const sm_part *mime_part(const sm_msg *m, guint idx)
{
	for (guint i = 0; i < m->parts->len; i++) {
		const sm_part *p = g_ptr_array_index(m->parts, i);

		if (!p->gap && idx-- == 0)
			return p;
	}
	g_assert_not_reached();
	return NULL;
}

#endif
