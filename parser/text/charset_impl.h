/*
 * charset_impl.h - what the four parts of the charset module share (internal
 * to parser/text/; everything else includes charset.h): the stepping
 * decoders and tables (charset.c), guessing (charset_guess.c), used by label
 * resolution (charset_label.c) and rewriting (charset_rewrite.c).
 */
#ifndef SM_CHARSET_IMPL_H
#define SM_CHARSET_IMPL_H

#include "charset.h"
#include "utf7.h"

#include <iconv.h>

#define NOCHAR SM_CS_NOCHAR

enum { M_ASCII = 0, M_JIS208, M_KANA, M_JIS212, M_OTHER94 };

typedef struct cstate {
	int mode;
	bool so;         /* SO (0x0E) shifted to half-width kana (CP50221) */
	uint8_t esc[4];  /* the designation that set `mode`, re-emitted after an ASCII edit */
	uint8_t esc_len;
	sm_utf7_state u7;
} cstate;

typedef struct stepper {
	const sm_charset *cs;
	const gunichar *sbcs;
	iconv_t cd;
	cstate st;
} stepper;

/* charset.c: the CP932 table built (once) before sm_cs_step_cp932/eucjp run
 * outside a stepper. */
void sm_cs_load_cp932(void);
/* charset.c: the single-byte table of an iconv charset name (NULL: unknown). */
const gunichar *sm_cs_sbcs_table(const char *name);
/* charset.c: one character at s[i]: its byte count (>= 1) and *c. */
size_t sm_cs_step_cp932(const uint8_t *s, size_t len, size_t i, gunichar *c);
size_t sm_cs_step_eucjp(const uint8_t *s, size_t len, size_t i, gunichar *c);
void sm_cs_stepper_init(stepper *sp, const sm_charset *cs);
void sm_cs_stepper_done(stepper *sp);
size_t sm_cs_step(stepper *sp, const uint8_t *s, size_t len, size_t i, gunichar *c);

/* charset_guess.c */
bool sm_cs_valid_utf8(const uint8_t *s, size_t len, bool *ascii);
bool sm_cs_has_iso2022_escape(const uint8_t *s, size_t len);
void sm_cs_set(sm_charset *out, sm_cs_kind k, const char *name, bool detected);
void sm_cs_guess(const uint8_t *s, size_t len, sm_charset *out);

#endif
