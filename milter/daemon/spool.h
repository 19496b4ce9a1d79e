/*
 * spool.h - one message as received (headers, empty line, body): up to
 * 64 KiB in the spool's own buffer (sm_spool_mem: handed to a scanner worker
 * as a copy of its bytes), larger ones in memory (a memfd) up to a threshold
 * and beyond it in an unlinked temporary file: a descriptor, handed as such
 * to a worker.  Written in pieces of up to 64 KiB.
 */
#ifndef SM_SPOOL_H
#define SM_SPOOL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sm_spool sm_spool;

/* Bytes gathered in the spool's buffer before a write(2): a message of up
 * to this size is never written (sm_spool_mem), a larger one once per this
 * many bytes (never once per header field or body chunk of the protocol). */
#define SM_SPOOL_BUF (64 * 1024)

/* threshold: bytes kept in memory; max: bytes accepted in all (over it,
 * sm_spool_append fails with "over" set); dir: where the file goes. */
sm_spool *sm_spool_new(const char *dir, size_t threshold, size_t max);
void sm_spool_free(sm_spool *s);

/* 0, or -1 with err (an I/O error, or over the maximum: *over set).  The
 * bytes may wait in the spool's buffer until sm_spool_finish. */
int sm_spool_append(sm_spool *s, const void *buf, size_t len, bool *over, char *err,
		    size_t errlen);
/* The message is complete: one that never left the buffer (at most 64
 * KiB) stays there (sm_spool_mem); otherwise every byte appended is written
 * to the descriptor and a memfd sealed against writes, shrinking and growth.
 * 0, or -1 with err (the message then fails closed).  Call once, before
 * sm_spool_mem and sm_spool_fd; nothing may be appended after it. */
int sm_spool_finish(sm_spool *s, char *err, size_t errlen);
/* After sm_spool_finish: the whole message (sm_spool_size bytes, owned by
 * the spool) when it stayed in the buffer, else NULL (see sm_spool_fd). */
const void *sm_spool_mem(const sm_spool *s);
size_t sm_spool_size(const sm_spool *s);
/* Is the descriptor a sealed memfd (sm_spool_finish), that a reader cannot
 * write, cut or grow?  False for a file spool. */
bool sm_spool_sealed(const sm_spool *s);
/* The file descriptor (owned by the spool): a memfd up to the threshold,
 * then a file; -1 before the first write and for a message sm_spool_mem
 * holds.  Whole after sm_spool_finish. */
int sm_spool_fd(const sm_spool *s);
/* An anonymous file (0600) in dir, for a spool or a spill file.  -1 with err. */
int sm_spool_tmpfile(const char *dir, char *err, size_t errlen);

/* write(2) all of buf, retrying on EINTR and short writes.  0 or -1. */
int sm_write_all(int fd, const void *buf, size_t len);

#endif
