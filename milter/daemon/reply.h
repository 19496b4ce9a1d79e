/*
 * reply.h - set the SMTP reply of the current message (reply.c).
 */
#ifndef SM_REPLY_H
#define SM_REPLY_H

#include <libmilter/mfapi.h>

/* code "550", xcode "5.7.1", text (may be NULL or hold newlines).  0 or -1. */
int sm_reply_set(SMFICTX *ctx, const char *code, const char *xcode, const char *text);

#endif
