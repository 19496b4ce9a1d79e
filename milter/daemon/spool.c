/*
 * spool.c - the spool of one message for the milter.
 *
 * Untrusted input: message bytes from the MTA, in chunks of any size (a
 * header field, a body chunk).  They are gathered in a buffer of at most
 * SPOOL_BUF bytes and written when it is full, not once per field or chunk.
 * A message that ends within the buffer (up to 64 KiB, and not over the
 * threshold: most support mail) is never written: sm_spool_finish leaves
 * it there (sm_spool_mem), and the pool sends a worker a copy of its bytes,
 * so no memfd is made, sealed and torn down for it.  A larger one is
 * written out at the end of the message (sm_spool_finish).  Limits: at most
 * `threshold` bytes are held in memory (a memfd, handed to a scanner worker
 * as a descriptor, not copied) plus the buffer; beyond that the whole
 * message moves to an unlinked temporary file (mode 0600, O_TMPFILE or mkstemp +
 * unlink) in the spool directory, so memory per connection is bounded
 * whatever the message size.  `max` (max_message_bytes) caps the total:
 * going over is reported to the caller, never a silent cut.
 * A memfd spool is sealed when the message is complete (sm_spool_finish:
 * no write, no shrink, no growth, no seal removed), so the scanner worker
 * it is handed to cannot change or cut the message the daemon later maps;
 * a file spool is handed over through a read-only descriptor (pool.c).
 * Ownership: the spool owns its buffer and file descriptor.
 */
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPOOL_BUF SM_SPOOL_BUF

struct sm_spool {
	char *dir;
	size_t threshold, max, size;
	int fd;      /* -1 until the first write */
	bool in_mem; /* fd is the memfd */
	bool sealed; /* the memfd's seals are in place (sm_spool_finish) */
	bool whole;  /* finished with every byte in buf, no descriptor */
	char *buf;   /* bytes not yet written (grows to SPOOL_BUF) */
	size_t used, cap;
};

sm_spool *sm_spool_new(const char *dir, size_t threshold, size_t max)
{
	sm_spool *s = g_new0(sm_spool, 1);

	s->dir = g_strdup(dir && *dir ? dir : "/tmp");
	s->threshold = threshold;
	s->max = max;
	s->fd = -1;
	return s;
}

void sm_spool_free(sm_spool *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	g_free(s->buf);
	g_free(s->dir);
	g_free(s);
}

int sm_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int sm_spool_tmpfile(const char *dir, char *err, size_t errlen)
{
	char *path;
	mode_t old;
	int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);

	if (fd >= 0)
		return fd;
	path = g_build_filename(dir, "sm-spool.XXXXXX", NULL);
	old = umask(077);
	fd = mkostemp(path, O_CLOEXEC);
	umask(old);
	if (fd >= 0)
		unlink(path);
	else
		snprintf(err, errlen, "spool file in %s: %s", dir, strerror(errno));
	g_free(path);
	return fd;
}

/* The spool goes to a file in the spool directory, with what the memfd
 * holds (at most threshold bytes); the buffer's bytes follow later. */
static int move_to_file(sm_spool *s, char *err, size_t errlen)
{
	int fd = sm_spool_tmpfile(s->dir, err, errlen);
	size_t have = s->size - s->used; /* in the memfd */
	char *buf;
	off_t at = 0;
	int rc = 0;

	if (fd < 0)
		return -1;
	buf = have ? g_malloc(65536) : NULL;
	while (rc == 0 && (size_t)at < have) {
		ssize_t n = pread(s->fd, buf, 65536, at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || sm_write_all(fd, buf, (size_t)n) < 0)
			rc = -1;
		else
			at += n;
	}
	g_free(buf);
	if (rc < 0) {
		snprintf(err, errlen, "spool write: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = fd;
	s->in_mem = false;
	return 0;
}

static int open_mem(sm_spool *s, char *err, size_t errlen)
{
	s->fd = memfd_create("sm-spool", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (s->fd < 0) {
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		return -1;
	}
	s->in_mem = true;
	return 0;
}

/* buf (len bytes) to the descriptor, made on first use. */
static int put(sm_spool *s, const void *buf, size_t len, char *err, size_t errlen)
{
	if (s->fd < 0 && open_mem(s, err, errlen) < 0)
		return -1;
	if (sm_write_all(s->fd, buf, len) < 0) {
		snprintf(err, errlen, "spool write: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int flush(sm_spool *s, char *err, size_t errlen)
{
	if (s->used && put(s, s->buf, s->used, err, errlen) < 0)
		return -1;
	s->used = 0;
	return 0;
}

/* len more bytes in the buffer (len <= SPOOL_BUF - used). */
static void keep(sm_spool *s, const void *buf, size_t len)
{
	if (s->used + len > s->cap) {
		s->cap = MAX(MIN(SPOOL_BUF, s->cap * 2), s->used + len);
		s->cap = MAX(s->cap, 4096);
		s->buf = g_realloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->used, buf, len);
	s->used += len;
}

int sm_spool_append(sm_spool *s, const void *buf, size_t len, bool *over, char *err,
		    size_t errlen)
{
	*over = false;
	if (len > s->max - s->size) {
		*over = true;
		snprintf(err, errlen, "message larger than max_message_bytes (%zu)", s->max);
		return -1;
	}
	if ((s->fd < 0 || s->in_mem) && len > s->threshold - MIN(s->size, s->threshold) &&
	    move_to_file(s, err, errlen) < 0)
		return -1;
	if (len > SPOOL_BUF - s->used) {
		if (flush(s, err, errlen) < 0)
			return -1;
		if (len >= SPOOL_BUF) { /* a large chunk: written as it is, not copied */
			if (put(s, buf, len, err, errlen) < 0)
				return -1;
			s->size += len;
			return 0;
		}
	}
	keep(s, buf, len);
	s->size += len;
	return 0;
}

/* Seals a memfd spool: from now on nobody, the daemon or a worker holding
 * the descriptor, can write, shrink or grow it (nor unseal it). */
#define SPOOL_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)

#ifdef SM_TEST_HOOKS
/* Tests only: SM_TEST_SPOOL_FD in the environment keeps every message in a
 * descriptor, as a message over SPOOL_BUF is (the sealed memfd's tests). */
#define STAYS_IN_BUFFER() (getenv("SM_TEST_SPOOL_FD") == NULL)
#else
#define STAYS_IN_BUFFER() true
#endif

int sm_spool_finish(sm_spool *s, char *err, size_t errlen)
{
	if (s->fd < 0 && s->used == s->size && STAYS_IN_BUFFER()) { /* it stays there */
		s->whole = true;
		return 0;
	}
	if (flush(s, err, errlen) < 0)
		return -1;
	if (s->fd < 0 && open_mem(s, err, errlen) < 0)
		return -1;
	if (s->in_mem && !s->sealed) {
		if (fcntl(s->fd, F_ADD_SEALS, SPOOL_SEALS) < 0) {
			snprintf(err, errlen, "spool memfd cannot be sealed: %s", strerror(errno));
			return -1;
		}
		s->sealed = true; /* F_SEAL_SEAL: nobody can take them off */
	}
	return 0;
}

const void *sm_spool_mem(const sm_spool *s)
{
	return s->whole ? (s->buf ? s->buf : "") : NULL;
}

bool sm_spool_sealed(const sm_spool *s)
{
	return s->fd >= 0 && s->in_mem && s->sealed;
}

size_t sm_spool_size(const sm_spool *s)
{
	return s->size;
}

int sm_spool_fd(const sm_spool *s)
{
	return s->fd;
}
