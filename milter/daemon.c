/* daemon.c - placeholder until the milter lands (issue 5). */
#include "daemon.h"

#include <stdio.h>

int sm_daemon_run(const sm_daemon_opts *o)
{
	fprintf(stderr, "support-milter: the daemon is not built yet; only --test and -n work\n");
	return 2;
}
