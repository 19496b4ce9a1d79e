/*
 * poison.h - messages that stopped scanner workers (poison.c): counted by a
 * digest of their bytes, so that the same message sent again and again
 * (Postfix retries a tempfail) is refused for good after milter.worker_kills
 * workers died or were killed on it.  Thread-safe.
 */
#ifndef SM_POISON_H
#define SM_POISON_H

#include <stddef.h>

typedef struct sm_poison sm_poison;

sm_poison *sm_poison_new(void);
void sm_poison_free(sm_poison *t);

/* The message (size bytes in mem, or when mem is NULL in fd from offset 0)
 * stopped one more worker: how many it has stopped so far (within a day),
 * or 0 when it could not be read. */
unsigned sm_poison_note(sm_poison *t, const void *mem, int fd, size_t size);

#endif
