/* test_sockopt.c - TCP_NODELAY on the listening socket (milter/daemon/
 * sockopt.c): set on a listening TCP socket, inherited by the socket
 * accept() returns, not set on a unix or a connected socket.
 * milter/ is not in the parser library: the module is compiled in here. */
#include "sockopt.c"
#include "testutil.h"

#include <arpa/inet.h>
#include <sys/un.h>
#include <unistd.h>

static int nodelay(int fd)
{
	int v = -1;
	socklen_t l = sizeof(v);

	g_assert_cmpint(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &l), ==, 0);
	return v;
}

static void test_listener(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_UNIX, SOCK_STREAM, 0);
	int c = socket(AF_INET, SOCK_STREAM, 0), s;

	g_assert_cmpint(bind(l, (struct sockaddr *)&a, sizeof(a)), ==, 0);
	g_assert_cmpint(listen(l, 4), ==, 0);
	g_assert_cmpint(getsockname(l, (struct sockaddr *)&a, &al), ==, 0);
	g_assert_cmpint(nodelay(l), ==, 0);
	/* one listener among other descriptors (a unix socket, stdio) */
	g_assert_cmpint(sm_sockopt_nodelay_listeners(1024), ==, 1);
	g_assert_cmpint(nodelay(l), ==, 1);
	g_assert_cmpint(connect(c, (struct sockaddr *)&a, sizeof(a)), ==, 0);
	s = accept(l, NULL, NULL);
	g_assert_cmpint(s, >=, 0);
	g_assert_cmpint(nodelay(s), ==, 1); /* inherited from the listener */
	g_assert_cmpint(nodelay(c), ==, 0); /* the client side untouched */
	/* fd_max bounds the search */
	g_assert_cmpint(sm_sockopt_nodelay_listeners(l), ==, 0);
	close(s);
	close(c);
	close(l);
	close(u);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/sockopt/nodelay_listener", test_listener);
	return g_test_run();
}
