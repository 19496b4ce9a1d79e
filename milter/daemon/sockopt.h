/*
 * sockopt.h - options on the listening socket that libmilter opened.
 */
#ifndef SM_SOCKOPT_H
#define SM_SOCKOPT_H

/*
 * Set TCP_NODELAY on every listening TCP socket of the process (after
 * smfi_opensocket there is exactly one, libmilter's; it does not hand out
 * its descriptor).  Linux passes the option on to the sockets accept()
 * returns, so every milter session sends its small packets at once instead
 * of waiting on Nagle's algorithm and the peer's delayed ACK (about 6x the
 * cost per message over inet:).  Returns the number of sockets set, -1 on
 * an error (errno set).  fd_max bounds the descriptors looked at.
 */
int sm_sockopt_nodelay_listeners(int fd_max);

#endif
