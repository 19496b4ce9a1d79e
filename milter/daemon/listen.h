/*
 * listen.h - the milter's listening socket (listen.c) and owner lookups.
 */
#ifndef SM_LISTEN_H
#define SM_LISTEN_H

#include "scan.h"

#include <sys/types.h>

typedef struct sm_listen {
	char *path; /* a unix socket's file, or NULL (inet:) */
	ino_t ino;  /* the file made here */
} sm_listen;

/* "user[:group]" to ids and the user's name; the group defaults to the
 * user's.  0 or -1 with err. */
int sm_owner_lookup(const char *spec, uid_t *uid, gid_t *gid, char *name, size_t namelen,
		    char *err, size_t errlen);

/* Register the callbacks with libmilter and open sock: refused when another
 * milter listens on the same unix socket; the file gets socket_mode and
 * socket_owner; an inet: listener gets TCP_NODELAY.  0 or -1 with err. */
int sm_listen_open(const sm_daemon_conf *d, const char *sock, sm_listen *l, char *err,
		   size_t errlen);

/* Remove the socket file if it is still ours; forget the path. */
void sm_listen_close(sm_listen *l);

#endif
