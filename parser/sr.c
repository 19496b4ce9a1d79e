/* sr.c - STUB: replaced by the support conventions work (issue 4). */
#include "sr.h"

#include <glib.h>

struct sm_sr {
	int unused;
};

sm_sr *sm_sr_load(const config_setting_t *group, char *err, size_t errlen)
{
	return g_new0(sm_sr, 1);
}

void sm_sr_free(sm_sr *s)
{
	g_free(s);
}

bool sm_sr_valid(const sm_sr *s, const char *digits16, time_t now)
{
	return false;
}

size_t sm_sr_find(const sm_sr *s, const char *text, size_t len, bool subject, time_t now,
		  char (*out)[17], size_t max)
{
	return 0;
}

bool sm_sr_is_sr_at(const sm_sr *s, const char *text, size_t len, size_t start, size_t end,
		    time_t now)
{
	return false;
}
