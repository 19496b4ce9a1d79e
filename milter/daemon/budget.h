/*
 * budget.h - the daemon's scan memory budget: a ceiling on the bytes being
 * scanned at once across all connections (milter.max_scan_memory).
 *
 * A message's cost is estimated from its size (sm_budget_cost); it scans
 * only while the costs of all messages being scanned fit the budget.  One
 * that does not fit waits up to milter.scan_wait for others to finish (then
 * the failure action applies); one larger than the whole budget never fits
 * (the limit action applies at once).  Thread-safe: libmilter calls the
 * callbacks of different connections in different threads.
 */
#ifndef SM_BUDGET_H
#define SM_BUDGET_H

#include <stddef.h>

/*
 * Peak scan memory per message byte, measured with valgrind --tool=massif
 * and /usr/bin/time on 30 MB text, HTML and base64 Japanese messages: 4 to
 * 5.2 bytes of heap per message byte (view text, decoded part, rewritten
 * part, the rules' text); 6 leaves room.  Small messages cost at least
 * SM_BUDGET_MIN_COST (parser tables, GMime objects).
 */
#define SM_BUDGET_FACTOR 6
#define SM_BUDGET_MIN_COST (256 * 1024)

typedef struct sm_budget sm_budget;

typedef enum {
	SM_BUDGET_OK,      /* taken: release it after the scan */
	SM_BUDGET_BUSY,    /* did not fit within the wait */
	SM_BUDGET_TOO_BIG, /* larger than the whole budget: never fits */
} sm_budget_status;

sm_budget *sm_budget_new(void);
void sm_budget_free(sm_budget *b);

/* The estimated scan cost of a message of n bytes. */
size_t sm_budget_cost(size_t n);

/* Take cost bytes of a budget of total bytes, waiting up to wait_ms. */
sm_budget_status sm_budget_acquire(sm_budget *b, size_t total, size_t cost, unsigned wait_ms);

/* Give back what sm_budget_acquire took; wakes the waiting messages. */
void sm_budget_release(sm_budget *b, size_t cost);

/* Bytes taken now (tests, logs). */
size_t sm_budget_in_use(sm_budget *b);

/* The daemon's budget (daemon.c; never NULL while the daemon runs). */
sm_budget *sm_state_budget(void);

#endif
