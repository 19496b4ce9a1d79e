/*
 * spool.h - one message as received (headers, empty line, body), kept in
 * memory (a memfd) up to a threshold and beyond it in an unlinked temporary
 * file: always a descriptor, handed as such to a scanner worker.  Written in
 * pieces of up to 64 KiB, once the message is complete for a smaller one.
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

/* 0, or -1 with err (an I/O error, or over the maximum: *over set).  The
 * bytes may wait in the spool's buffer until sm_spool_finish. */
int sm_spool_append(sm_spool *s, const void *buf, size_t len, bool *over, char *err,
		    size_t errlen);
/* Every byte appended written to the descriptor (made if none was), and a
 * memfd sealed against writes, shrinking and growth: 0, or -1 with err (the
 * message then fails closed).  Call once the message is complete, before
 * sm_spool_fd; nothing may be appended after it. */
int sm_spool_finish(sm_spool *s, char *err, size_t errlen);
size_t sm_spool_size(const sm_spool *s);
/* Is the descriptor a sealed memfd (sm_spool_finish), that a reader cannot
 * write, cut or grow?  False for a file spool. */
bool sm_spool_sealed(const sm_spool *s);
/* The file descriptor (owned by the spool): a memfd up to the threshold,
 * then a file; -1 before the first write.  Whole after sm_spool_finish. */
int sm_spool_fd(const sm_spool *s);
/* An anonymous file (0600) in dir, for a spool or a spill file.  -1 with err. */
int sm_spool_tmpfile(const char *dir, char *err, size_t errlen);

/* write(2) all of buf, retrying on EINTR and short writes.  0 or -1. */
int sm_write_all(int fd, const void *buf, size_t len);

#endif
