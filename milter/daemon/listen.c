/*
 * listen.c - the listening socket libmilter opens, made safely (listen.h).
 *
 * Input: the socket specification and its mode and owner (administrator).
 * A unix socket's file is born with socket_mode (the umask at bind) and
 * given its owner through its directory's descriptor, never by a path that
 * could lead elsewhere; a live socket of another instance is left alone;
 * at exit the file is removed only if it is still the one made here.
 * Ownership: the path in sm_listen.
 */
#include "listen.h"
#include "sockopt.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <grp.h>
#include <libmilter/mfapi.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* "unix:/path", "local:/path" or "/path": the path; else NULL. */
static char *unix_path(const char *sock)
{
	if (g_str_has_prefix(sock, "unix:"))
		return g_strdup(sock + 5);
	if (g_str_has_prefix(sock, "local:"))
		return g_strdup(sock + 6);
	return sock[0] == '/' ? g_strdup(sock) : NULL;
}

/* "user[:group]" to ids; the group defaults to the user's. 0 or -1. */
int sm_owner_lookup(const char *spec, uid_t *uid, gid_t *gid, char *name, size_t namelen,
			char *err, size_t errlen)
{
	char *u = g_strdup(spec), *g = strchr(u, ':');
	struct passwd *pw;
	struct group *gr;
	int rc = -1;

	if (g)
		*g++ = '\0';
	pw = getpwnam(u);
	if (!pw) {
		snprintf(err, errlen, "unknown user '%s'", u);
		goto out;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	snprintf(name, namelen, "%s", pw->pw_name);
	if (g && *g) {
		gr = getgrnam(g);
		if (!gr) {
			snprintf(err, errlen, "unknown group '%s'", g);
			goto out;
		}
		*gid = gr->gr_gid;
	}
	rc = 0;
out:
	g_free(u);
	return rc;
}

/*
 * The socket file's owner, set through its directory's descriptor without
 * following a symlink, and only on a socket: chown by path (as root) could
 * be turned to another file by whoever can write the directory.  (fchown on
 * the listening descriptor would change the socket's inode in sockfs, not
 * the file that connect() checks: tests/daemon.t.)
 */
static int socket_owner(const char *path, const char *spec, char *err, size_t errlen)
{
	char *dir = g_path_get_dirname(path), *base = g_path_get_basename(path), name[256];
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = -1;
	struct stat st;
	uid_t uid;
	gid_t gid;

	if (sm_owner_lookup(spec, &uid, &gid, name, sizeof(name), err, errlen) < 0)
		goto out;
	if (dfd < 0 || fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISSOCK(st.st_mode) ||
	    fchownat(dfd, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) {
		snprintf(err, errlen, "socket_owner for %s: %s", path,
			 dfd >= 0 && S_ISSOCK(st.st_mode) ? strerror(errno) : "not a socket");
		goto out;
	}
	rc = 0;
out:
	if (dfd >= 0)
		close(dfd);
	g_free(dir);
	g_free(base);
	return rc;
}

/* Is a daemon listening on the unix socket at path?  (libmilter removes a
 * socket file before binding: a live one belongs to another instance.) */
static bool socket_live(const char *path)
{
	struct sockaddr_un sa = {0};
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return false;
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return rc == 0;
}

int sm_listen_open(const sm_daemon_conf *d, const char *sock, sm_listen *l, char *err,
		   size_t errlen)
{
	struct smfiDesc desc = *sm_mlfi_desc();
	char *path = unix_path(sock);
	struct stat sst;
	mode_t old;
	int rc;

	if (path && socket_live(path)) {
		snprintf(err, errlen, "socket %s: another milter is listening on it", path);
		g_free(path);
		return -1;
	}
	if (smfi_setconn((char *)sock) != MI_SUCCESS || smfi_settimeout((int)d->timeout) != MI_SUCCESS ||
	    smfi_setbacklog((int)d->backlog) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS) {
		snprintf(err, errlen, "cannot set up libmilter for %s", sock);
		g_free(path);
		return -1;
	}
	/* the socket file is born with socket_mode: bind applies the umask */
	old = umask(0777 & ~(mode_t)d->socket_mode);
	rc = smfi_opensocket(true);
	umask(old);
	if (rc != MI_SUCCESS) {
		snprintf(err, errlen, "cannot open socket %s", sock);
		g_free(path);
		return -1;
	}
	l->path = path;
	if (path && lstat(path, &sst) == 0)
		l->ino = sst.st_ino;
	if (path && d->socket_owner && *d->socket_owner &&
	    socket_owner(path, d->socket_owner, err, errlen) < 0)
		return -1;
	/* libmilter's listener is one of the first descriptors the process opens */
	if (!l->path && sm_sockopt_nodelay_listeners(1024) < 0) {
		snprintf(err, errlen, "cannot set TCP_NODELAY on %s: %s", sock, strerror(errno));
		return -1;
	}
	return 0;
}

/* The socket file, if it is still the one this process made. */
void sm_listen_close(sm_listen *l)
{
	struct stat sst;

	if (l->path && lstat(l->path, &sst) == 0 && S_ISSOCK(sst.st_mode) && sst.st_ino == l->ino)
		unlink(l->path);
	g_free(l->path);
	l->path = NULL;
}

