/*
 * sr.h - Microsoft support request (SR) numbers.
 *
 * An SR number is 16 digits: YYMMDD (a real calendar date, not in the future
 * beyond one day of slack, not older than max_age_days) followed by ten
 * digits; a 3-digit suffix (19 digits) is the SR plus a suffix.  The forms
 * that introduce one (TrackingID#, SR#, Case, お問い合わせ番号 ...) are
 * configurable PCRE2 patterns, matched on folded text.
 */
#ifndef SM_SR_H
#define SM_SR_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct sm_sr sm_sr;

/* Compile from the `rules.sr` group (NULL: defaults). NULL + err. */
sm_sr *sm_sr_load(const config_setting_t *group, char *err, size_t errlen);
void sm_sr_free(sm_sr *s);

/* 16 digits with a valid date for `now`. */
bool sm_sr_valid(const sm_sr *s, const char *digits16, time_t now);

/*
 * Distinct valid SR numbers in folded text, in order of appearance, each as
 * 16 digits in out[i] (NUL-terminated).  `subject` selects the Subject forms
 * (a bare 16-digit number counts there).  Returns how many (<= max).
 */
size_t sm_sr_find(const sm_sr *s, const char *text, size_t len, bool subject, time_t now,
		  char (*out)[17], size_t max);

/*
 * True when the digits at text[start, end) are introduced by an SR keyword
 * (TrackingID#, SR#, Case, 関連SR番号 ...) and form a valid SR: the card
 * detector uses it so SR numbers are never masked.
 */
bool sm_sr_is_sr_at(const sm_sr *s, const char *text, size_t len, size_t start, size_t end,
		    time_t now);

#endif
