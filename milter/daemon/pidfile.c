/*
 * pidfile.c - a pid file that cannot be turned against root (pidfile.h).
 *
 * The daemon starts as root and the directory of the pid file may be
 * reachable by others.  So the file is created with O_CREAT|O_EXCL|
 * O_NOFOLLOW (never through a symlink, never an existing file), or, when it
 * exists, opened with O_NOFOLLOW and checked through the descriptor (a
 * regular file, one link, owned by us) before anything is written to it;
 * its directory must not be writable by others than its owner, who must be
 * root or us.  The lock (flock, exclusive, non-blocking) is taken before
 * the file is touched: a second instance finds it held and leaves the file
 * and the running daemon's socket alone.  The lock belongs to the open file
 * description, so it survives the fork that daemonizes.
 * Ownership: the descriptor (close-on-exec) and the path.
 */
#include "pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct sm_pidfile {
	char *path;
	int fd;
};

static int check_dir(const char *path, char *err, size_t errlen)
{
	char *dir = g_path_get_dirname(path);
	struct stat st;
	int rc = 0;

	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "pid file %s: its directory is not a directory", path);
		rc = -1;
	} else if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
		   ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))) {
		snprintf(err, errlen, "pid file %s: directory %s may be written by others "
			 "(use a root-owned directory such as /run/support-milter)", path, dir);
		rc = -1;
	}
	g_free(dir);
	return rc;
}

/* An existing file, opened without following a symlink and checked. */
static int open_existing(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0) {
		snprintf(err, errlen, "pid file %s: %s", path,
			 errno == ELOOP ? "is a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_uid != geteuid()) {
		snprintf(err, errlen, "pid file %s: not a regular file of ours with one link", path);
		close(fd);
		return -1;
	}
	return fd;
}

sm_pidfile *sm_pidfile_lock(const char *path, bool *running, char *err, size_t errlen)
{
	sm_pidfile *p;
	int fd;

	*running = false;
	if (check_dir(path, err, errlen) < 0)
		return NULL;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0 && errno == EEXIST)
		fd = open_existing(path, err, errlen);
	else if (fd < 0)
		snprintf(err, errlen, "pid file %s: %s", path, strerror(errno));
	if (fd < 0)
		return NULL;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		*running = errno == EWOULDBLOCK;
		snprintf(err, errlen, "pid file %s: %s", path,
			 *running ? "another support-milter holds it (already running)"
				  : strerror(errno));
		close(fd);
		return NULL;
	}
	p = g_new0(sm_pidfile, 1);
	p->path = g_strdup(path);
	p->fd = fd;
	return p;
}

int sm_pidfile_write(sm_pidfile *p, char *err, size_t errlen)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(p->fd, 0) < 0 || pwrite(p->fd, buf, (size_t)n, 0) != n) {
		snprintf(err, errlen, "pid file %s: %s", p->path, strerror(errno));
		return -1;
	}
	return 0;
}

void sm_pidfile_release(sm_pidfile *p)
{
	if (!p)
		return;
	unlink(p->path);
	close(p->fd);
	g_free(p->path);
	g_free(p);
}
