/*
 * pidfile.h - the pid file, held with flock for the daemon's life
 * (pidfile.c): the lock is what tells a second instance that one runs.
 */
#ifndef SM_PIDFILE_H
#define SM_PIDFILE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sm_pidfile sm_pidfile;

/*
 * Create (or take over a stale) pid file at path and lock it.  NULL with
 * err when another instance holds it (*running set), or when path or its
 * directory is unsafe: a symlink, not a regular file, not ours, linked
 * elsewhere, or a directory others may write.  Nothing is written or
 * removed then.
 */
sm_pidfile *sm_pidfile_lock(const char *path, bool *running, char *err, size_t errlen);

/* Write the current pid (after daemonizing).  0 or -1 with err. */
int sm_pidfile_write(sm_pidfile *p, char *err, size_t errlen);

/* Remove the file (still ours: it is locked) and unlock.  NULL: nothing. */
void sm_pidfile_release(sm_pidfile *p);

#endif
