/*
 * gate_peek.c - is a new connection's first milter command wholly in its
 * socket buffer (the session gate, gate.c and gate_hook.c, starts a session
 * only then)?  Peeked, never consumed: libmilter reads it.
 *
 * Untrusted input: the bytes a peer sent: a 4-byte length, then the
 * command.  Limits: the length is capped at GATE_FIRST_MAX (libmilter reads
 * no more per command); at most GATE_PEEK bytes are copied.  One recv for a
 * command that fits in GATE_PEEK bytes (every MTA's option negotiation);
 * FIONREAD against the length for a longer one.
 */
#include "gate_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

int sm_gate_first_command(int fd)
{
	unsigned char buf[GATE_PEEK];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT);
	uint32_t len;
	int avail = 0;

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return -1;
	if (n < 4)
		return 0;
	memcpy(&len, buf, 4);
	len = ntohl(len);
	if (len > GATE_FIRST_MAX)
		len = GATE_FIRST_MAX;
	if ((size_t)n >= 4 + (size_t)len)
		return 1;
	if (ioctl(fd, FIONREAD, &avail) < 0)
		return -1;
	return (size_t)avail >= 4 + (size_t)len ? 1 : 0;
}
