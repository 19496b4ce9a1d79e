/*
 * spool.c - the spool of one message for the milter.
 *
 * Untrusted input: message bytes from the MTA, in chunks of any size.
 * Limits: at most `threshold` bytes are held in memory; beyond that the
 * whole message moves to an unlinked temporary file (mode 0600, O_TMPFILE
 * or mkstemp + unlink) in the spool directory, so memory per connection is
 * bounded whatever the message size.  `max` (max_message_bytes) caps the
 * total: going over is reported to the caller, never a silent cut.
 * Ownership: the spool owns its buffer and file descriptor.
 */
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct sm_spool {
	char *dir;
	size_t threshold, max, size;
	GByteArray *mem;
	int fd;
};

sm_spool *sm_spool_new(const char *dir, size_t threshold, size_t max)
{
	sm_spool *s = g_new0(sm_spool, 1);

	s->dir = g_strdup(dir && *dir ? dir : "/tmp");
	s->threshold = threshold;
	s->max = max;
	s->mem = g_byte_array_new();
	s->fd = -1;
	return s;
}

void sm_spool_free(sm_spool *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	g_byte_array_free(s->mem, TRUE);
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

/* An anonymous file in dir: O_TMPFILE where the file system has it. */
static int open_tmp(const char *dir, char *err, size_t errlen)
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

static int move_to_file(sm_spool *s, char *err, size_t errlen)
{
	s->fd = open_tmp(s->dir, err, errlen);
	if (s->fd < 0)
		return -1;
	if (sm_write_all(s->fd, s->mem->data, s->mem->len) < 0) {
		snprintf(err, errlen, "spool write: %s", strerror(errno));
		return -1;
	}
	g_byte_array_set_size(s->mem, 0);
	return 0;
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
	if (s->fd < 0 && len > s->threshold - s->size && move_to_file(s, err, errlen) < 0)
		return -1;
	if (s->fd >= 0) {
		if (sm_write_all(s->fd, buf, len) < 0) {
			snprintf(err, errlen, "spool write: %s", strerror(errno));
			return -1;
		}
	} else {
		g_byte_array_append(s->mem, buf, (guint)len);
	}
	s->size += len;
	return 0;
}

size_t sm_spool_size(const sm_spool *s)
{
	return s->size;
}

int sm_spool_fd(const sm_spool *s)
{
	return s->fd;
}

const void *sm_spool_mem(const sm_spool *s, size_t *len)
{
	*len = s->mem->len;
	return s->mem->data;
}
