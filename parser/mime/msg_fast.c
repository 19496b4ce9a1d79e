/*
 * msg_fast.c - the fast reader (msg_int.h: sm_msg_fast): not yet written;
 * declines every message, so GMime reads them all.  tests/test_msg_fast.c
 * is the oracle it will be held to.
 *
 * Untrusted input: none read.  Owns nothing.
 */
#include "msg.h"
#include "msg_int.h"

bool sm_msg_fast(sm_msg *m, const sm_limits *lim)
{
	(void)m;
	(void)lim;
	return false;
}
