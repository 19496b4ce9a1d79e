/* test_gate_peek.c - the session gate's test for a complete first milter
 * command (milter/daemon/gate_peek.c) against the plain reading of its
 * contract: complete exactly when the buffer holds 4 + min(length,
 * GATE_FIRST_MAX) bytes, for every length around the peek size
 * (GATE_PEEK) and the cap, every split short of it, a closed peer, and
 * bytes beyond the command.  Nothing is consumed.
 * milter/ is not in the parser library: the module is compiled in here. */
#include "gate_peek.c"
#include "testutil.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

/* A socketpair whose [0] holds len's 4 bytes then have bytes of the command
 * (and extra bytes after it when have > len). */
static void pair_with(int sv[2], uint32_t len, size_t have)
{
	uint32_t be = htonl(len);
	char *body = g_malloc0(have + 1);
	int size = 1 << 20;

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
	g_assert_cmpint(setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)), ==, 0);
	g_assert_cmpint(setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)), ==, 0);
	g_assert_cmpint(write(sv[1], &be, 4), ==, 4);
	if (have)
		g_assert_cmpint(write(sv[1], body, have), ==, (ssize_t)have);
	g_free(body);
}

static void check(uint32_t len, size_t have)
{
	size_t want = len > GATE_FIRST_MAX ? GATE_FIRST_MAX : len;
	int sv[2], avail = -1;

	pair_with(sv, len, have);
	g_assert_cmpint(sm_gate_first_command(sv[0]), ==, have >= want ? 1 : 0);
	g_assert_cmpint(ioctl(sv[0], FIONREAD, &avail), ==, 0);
	g_assert_cmpint(avail, ==, (int)(4 + have)); /* peeked, not read */
	close(sv[1]); /* the peer gone: complete or not, the bytes are there */
	g_assert_cmpint(sm_gate_first_command(sv[0]), ==, have >= want ? 1 : 0);
	close(sv[0]);
}

static void test_lengths(void)
{
	static const uint32_t lens[] = {0, 1, 13, GATE_PEEK - 5, GATE_PEEK - 4, GATE_PEEK - 3,
					GATE_PEEK, 1000, GATE_FIRST_MAX, GATE_FIRST_MAX + 1,
					0xffffffffu};

	for (size_t i = 0; i < G_N_ELEMENTS(lens); i++) {
		size_t want = lens[i] > GATE_FIRST_MAX ? GATE_FIRST_MAX : lens[i];

		check(lens[i], want);          /* exactly the command */
		check(lens[i], want + 7);      /* and the next one behind it */
		if (want > 0) {
			check(lens[i], want - 1); /* one byte short */
			check(lens[i], want / 2);
		}
	}
}

/* Fewer than 4 bytes: not yet; none and closed: -1; none, open: not yet. */
static void test_short_and_closed(void)
{
	int sv[2];

	for (int n = 0; n < 4; n++) {
		g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
		if (n)
			g_assert_cmpint(write(sv[1], "\0\0\0", (size_t)n), ==, n);
		g_assert_cmpint(sm_gate_first_command(sv[0]), ==, 0);
		close(sv[1]);
		g_assert_cmpint(sm_gate_first_command(sv[0]), ==, n ? 0 : -1);
		close(sv[0]);
	}
	g_assert_cmpint(sm_gate_first_command(-1), ==, -1);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_test_add_func("/gate_peek/lengths", test_lengths);
	g_test_add_func("/gate_peek/short_and_closed", test_short_and_closed);
	return g_test_run();
}
