/*
 * poison.c - the count of workers each message stopped (poison.h).
 *
 * Only messages on which a worker died are digested (SHA-256 of the
 * spooled bytes: the spool's buffer, or the descriptor read with pread in
 * 64 KiB pieces), so the common path pays
 * nothing.  Limits: POISON_SLOTS entries; the one noted longest ago is
 * replaced when the table is full, and an entry older than POISON_TTL counts
 * from zero again.  Ownership: the table owns its entries.
 */
#include "poison.h"

#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define POISON_SLOTS 1024
#define POISON_TTL (24 * 3600)

typedef struct entry {
	guint8 digest[32];
	size_t size;
	unsigned kills;
	time_t last;
} entry;

struct sm_poison {
	pthread_mutex_t mu;
	entry e[POISON_SLOTS];
};

sm_poison *sm_poison_new(void)
{
	sm_poison *t = g_new0(sm_poison, 1);

	pthread_mutex_init(&t->mu, NULL);
	return t;
}

void sm_poison_free(sm_poison *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->mu);
	g_free(t);
}

static int digest(const void *mem, int fd, size_t size, guint8 out[32])
{
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 *buf = mem ? NULL : g_malloc(65536);
	gsize n32 = 32;
	off_t at = 0;
	int rc = 0;

	if (mem)
		g_checksum_update(c, mem, (gssize)size);
	while (!mem && (size_t)at < size) {
		ssize_t n = pread(fd, buf, 65536, at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = -1;
			break;
		}
		g_checksum_update(c, buf, n);
		at += n;
	}
	g_checksum_get_digest(c, out, &n32);
	g_checksum_free(c);
	g_free(buf);
	return rc;
}

unsigned sm_poison_note(sm_poison *t, const void *mem, int fd, size_t size)
{
	guint8 d[32];
	time_t now = time(NULL);
	entry *hit = NULL, *old = NULL;
	unsigned kills;
	size_t i;

	if (digest(mem, fd, size, d) < 0)
		return 0;
	pthread_mutex_lock(&t->mu);
	for (i = 0; i < POISON_SLOTS && !hit; i++) {
		entry *e = &t->e[i];

		if (e->kills && e->size == size && memcmp(e->digest, d, 32) == 0)
			hit = e;
		else if (!old || e->last < old->last)
			old = e;
	}
	if (hit && now - hit->last > POISON_TTL)
		hit->kills = 0;
	if (!hit) {
		hit = old;
		memcpy(hit->digest, d, 32);
		hit->size = size;
		hit->kills = 0;
	}
	hit->kills++;
	hit->last = now;
	kills = hit->kills;
	pthread_mutex_unlock(&t->mu);
	return kills;
}
