/*
 * sockopt.c - TCP_NODELAY on libmilter's listening socket (sockopt.h).
 *
 * Input: the process's own descriptors, at start only.  Limit: fd_max.
 */
#include "sockopt.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

/* Is fd a listening TCP socket (IPv4 or IPv6)? */
static int is_tcp_listener(int fd)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	int on = 0, type = 0;
	socklen_t olen = sizeof(on), tlen = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &olen) < 0 || !on)
		return 0;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) < 0 || type != SOCK_STREAM)
		return 0;
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return 0;
	return sa.ss_family == AF_INET || sa.ss_family == AF_INET6;
}

int sm_sockopt_nodelay_listeners(int fd_max)
{
	int fd, n = 0, one = 1;

	for (fd = 0; fd < fd_max; fd++) {
		if (!is_tcp_listener(fd))
			continue;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
			return -1;
		n++;
	}
	return n;
}
