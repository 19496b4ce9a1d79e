/*
 * scan_hdr.h - header values as text (scan_hdr.c): the top-level Subject and
 * the visible fields of embedded messages.
 */
#ifndef SM_SCAN_HDR_H
#define SM_SCAN_HDR_H

#include "scan_int.h"

/* Scan one decoded header value (UTF-8) found at loc; records findings.
 * Returns the masked value RFC 2047-encoded when something was masked
 * (g_free), else NULL. */
char *sm_scan_header_value(scan *s, const char *utf8, const char *loc);

/* Scan the visible fields (Subject, From, To, Cc ...) of every embedded
 * message's header block; a masked value is spliced into the original bytes. */
void sm_scan_hblocks(scan *s);

/* Scan the visible top-level fields other than the Subject (From, To, Cc,
 * Reply-To, Thread-Topic ...); a masked value becomes a header change
 * ('C', name, value, index among the fields of that name). */
void sm_scan_top_headers(scan *s);

#endif
