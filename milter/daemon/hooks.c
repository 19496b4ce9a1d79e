/*
 * hooks.c - two libc functions libmilter calls, defined in the program so
 * that they take the place of libc's for libmilter (a shared library's
 * undefined symbols bind to the program's definitions first).
 *
 * accept(): libmilter's listener takes its connections from the session
 * gate (gate.c) instead of the socket, which the gate owns; any other
 * descriptor is accepted as libc would.
 *
 * sigwait(): libmilter starts a thread that sigwaits for SIGHUP, SIGTERM and
 * SIGINT and stops the milter on any of them.  While a thread sits in
 * sigwait, the kernel may give it a signal meant for the daemon's own
 * handling (daemon.c: SIGHUP reloads, SIGTERM drains), and a SIGHUP there
 * ended the daemon.  Here that thread waits for ever with the signals still
 * blocked, so only the daemon's main thread ever takes them.
 */
#include "gate.h"

#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

int accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	bool is_gate;
	int c = sm_gate_accept(fd, sa, len, &is_gate);

	return is_gate ? c : accept4(fd, sa, len, 0);
}

int sigwait(const sigset_t *set, int *sig)
{
	(void)set;
	(void)sig;
	for (;;)
		pause();
}
