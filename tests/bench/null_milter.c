/*
 * null_milter.c - benchmark item 3: the floor of any libmilter filter.
 *
 * A milter that does no work: it negotiates exactly the steps, no-reply
 * flags and actions support-milter negotiates (milter/mlfi.c), accepts mail
 * for nobody at a support address at DATA, and for support mail takes the
 * headers and the body without looking at them and adds one header at the
 * end of the message, as support-milter does for a clean support message
 * (X-Support-SR).  Run beside support-milter by tests/bench/e2e.py, it
 * measures what libmilter and Postfix's milter client cost by themselves,
 * so that support-milter's own cost (the scan) can be read off.  Benchmark
 * tooling only: not installed, not used by the daemon.
 *
 *   null_milter unix:PATH | inet:PORT@HOST | PATH   (runs in the foreground)
 *
 * On an inet: socket it sets TCP_NODELAY on its listener as the daemon does
 * (milter/daemon/sockopt.c, the same code), so that the floor over inet: is
 * not Nagle's algorithm and delayed ACKs (about 6x the cost per message).
 *
 * Untrusted input: envelope recipients (only compared with strstr).
 * Limits: none needed; it keeps no data.  Ownership: one calloc'd context
 * per connection, freed at close.
 */
#include "sockopt.h"

#include <libmilter/mfapi.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NULL_ACTIONS (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | SMFIF_QUARANTINE)
#define NULL_STEPS (SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NOEOH | \
		    SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR | SMFIP_NR_BODY | SMFIP_HDR_LEADSPC)

struct null_conn {
	unsigned long proto;
	bool support;
};

static struct null_conn *conn(SMFICTX *ctx)
{
	struct null_conn *c = smfi_getpriv(ctx);

	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			abort();
		smfi_setpriv(ctx, c);
	}
	return c;
}

static sfsistat nr(SMFICTX *ctx, unsigned long flag)
{
	return (conn(ctx)->proto & flag) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat null_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
			       unsigned long f2, unsigned long f3, unsigned long *pf0,
			       unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	(void)f2;
	(void)f3;
	*pf0 = f0 & NULL_ACTIONS;
	*pf1 = conn(ctx)->proto = f1 & NULL_STEPS;
	*pf2 = *pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat null_envfrom(SMFICTX *ctx, char **argv)
{
	(void)argv;
	conn(ctx)->support = false;
	return nr(ctx, SMFIP_NR_MAIL);
}

static sfsistat null_envrcpt(SMFICTX *ctx, char **argv)
{
	if (argv && argv[0] && strstr(argv[0], "supportmail@"))
		conn(ctx)->support = true;
	return nr(ctx, SMFIP_NR_RCPT);
}

static sfsistat null_data(SMFICTX *ctx)
{
	return conn(ctx)->support ? SMFIS_CONTINUE : SMFIS_ACCEPT;
}

static sfsistat null_header(SMFICTX *ctx, char *name, char *value)
{
	(void)name;
	(void)value;
	return nr(ctx, SMFIP_NR_HDR);
}

static sfsistat null_body(SMFICTX *ctx, unsigned char *data, size_t len)
{
	(void)data;
	(void)len;
	return nr(ctx, SMFIP_NR_BODY);
}

static sfsistat null_eom(SMFICTX *ctx)
{
	struct null_conn *c = conn(ctx);

	/* with SMFIP_HDR_LEADSPC the MTA adds no space after the colon */
	c->support = false;
	return smfi_addheader(ctx, "X-Null-Milter", (c->proto & SMFIP_HDR_LEADSPC) ? " 1" : "1") ==
			       MI_SUCCESS ? SMFIS_ACCEPT : SMFIS_TEMPFAIL;
}

static sfsistat null_close(SMFICTX *ctx)
{
	free(smfi_getpriv(ctx));
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

int main(int argc, char **argv)
{
	struct smfiDesc desc = {
		.xxfi_name = "null-milter",
		.xxfi_version = SMFI_VERSION,
		.xxfi_flags = NULL_ACTIONS,
		.xxfi_envfrom = null_envfrom,
		.xxfi_envrcpt = null_envrcpt,
		.xxfi_header = null_header,
		.xxfi_body = null_body,
		.xxfi_eom = null_eom,
		.xxfi_close = null_close,
		.xxfi_data = null_data,
		.xxfi_negotiate = null_negotiate,
	};
	char spec[4096];
	const char *arg = argc == 2 ? argv[1] : "";
	bool is_unix = strncmp(arg, "inet:", 5) != 0 && strncmp(arg, "inet6:", 6) != 0;
	int n = strncmp(arg, "unix:", 5) == 0 || !is_unix ? snprintf(spec, sizeof(spec), "%s", arg)
							  : snprintf(spec, sizeof(spec), "unix:%s", arg);

	if (argc != 2 || !*arg || n < 0 || n >= (int)sizeof(spec)) {
		fprintf(stderr, "usage: null_milter unix:PATH | inet:PORT@HOST | PATH\n");
		return 2;
	}
	if (smfi_register(desc) != MI_SUCCESS || smfi_setconn(spec) != MI_SUCCESS ||
	    smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "null_milter: cannot listen on %s\n", spec);
		return 1;
	}
	/* libmilter's listener is one of the first descriptors the process opens */
	if (!is_unix && sm_sockopt_nodelay_listeners(1024) < 1) {
		fprintf(stderr, "null_milter: cannot set TCP_NODELAY on %s\n", spec);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
