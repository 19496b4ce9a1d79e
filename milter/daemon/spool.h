/*
 * spool.h - one message as received (headers, empty line, body), kept in
 * memory up to a threshold and beyond it in an unlinked temporary file.
 */
#ifndef SM_SPOOL_H
#define SM_SPOOL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sm_spool sm_spool;

/* threshold: bytes kept in memory; max: bytes accepted in all (over it,
 * sm_spool_append fails with "over" set); dir: where the file goes. */
sm_spool *sm_spool_new(const char *dir, size_t threshold, size_t max);
void sm_spool_free(sm_spool *s);

/* 0, or -1 with err (an I/O error, or over the maximum: *over set). */
int sm_spool_append(sm_spool *s, const void *buf, size_t len, bool *over, char *err,
		    size_t errlen);
size_t sm_spool_size(const sm_spool *s);
/* The file descriptor (owned by the spool) or -1 while in memory. */
int sm_spool_fd(const sm_spool *s);

/* write(2) all of buf, retrying on EINTR and short writes.  0 or -1. */
int sm_write_all(int fd, const void *buf, size_t len);
/* The in-memory bytes (owned by the spool; valid while fd is -1). */
const void *sm_spool_mem(const sm_spool *s, size_t *len);

#endif
