/*
 * detect_int.h - internal to the detectors (detect*.c): the compiled
 * detector, the per-kind scanners and shared helpers.  Not for other modules.
 *
 * Every scanner reads one folded view (bounded by the caller's view limit)
 * and appends hits through det_emit(), which enforces max_hits.
 */
#ifndef SM_DETECT_INT_H
#define SM_DETECT_INT_H

#include "detect.h"

#include <pcre2.h>
#include <string.h>

typedef enum {
	K_CARD,
	K_PASSWORD,
	K_PRIVATE_KEY,
	K_CLOUD,
	K_MYNUMBER,
	K_MDE,
	K_CUSTOM,
} det_kind;

typedef struct det_near det_near;

typedef enum { VAL_NONE = 0, VAL_LUHN, VAL_MYNUMBER } det_validator;

/* One compiled detector.  Immutable after load. */
typedef struct det {
	sm_detector_info info;   /* id, label, reply point into the strings below */
	det_kind kind;
	bool enabled;
	char *id, *label, *reply; /* owned */
	char **patterns;         /* custom: PCRE2 sources (owned) */
	char **keywords;         /* context keywords (owned, folded) */
	char **names;            /* file-name patterns (owned) */
	long long window;        /* keyword window in bytes, each side */
	int validator;           /* det_validator */
	int mask;                /* sm_mask_style */
	GPtrArray *re;           /* pcre2_code*: custom patterns */
	GPtrArray *name_re;      /* pcre2_code*: file names */
	struct det_kw *kw;       /* password, my_number: keyword table (detect_prefilter.c) */
	struct det_near *near;   /* keywords: filter for det_keyword_near (detect.c) */
} det;

typedef struct det_pre det_pre;

struct sm_detectors {
	GPtrArray *dets; /* det*, enabled ones only, in configuration order */
	det_pre *pre;    /* the prefilter table for these detectors (detect_prefilter.c) */
};

/*
 * Literals the built-in scanners need before running a regex.  The prefilter
 * pass over the view (det_pre_scan) tells which occur, so clean text costs
 * one scan instead of one memmem per literal.  Case variants are separate
 * literals.
 */
enum {
	LIT_URL, LIT_SLASH_U, LIT_SLASH_UU, LIT_SS, LIT_SS_LO, LIT_SS_UP,
	LIT_ACCOUNTKEY, LIT_ACCESSKEY, LIT_ACCOUNTKEY_UP, LIT_ACCOUNTKEY_LO, LIT_SIG, LIT_SIG_UP,
	LIT_SECRET, LIT_SECRET_UP, LIT_ENTRA, LIT_AKIA, LIT_ASIA, LIT_JWT, LIT_PEM,
	LIT_PREV, LIT_ORG, LIT_GEO, LIT_OBI, LIT_OFFB_GUID, LIT_MDATP, LIT_OBI_LO, LIT_KEY,
	LIT_SHA, LIT_CHAIN, LIT_MS, LIT_PSEXEC, LIT_PSEXEC_LO, LIT_AUTHZ, LIT_CURL,
	LIT_NETUSER, LIT_NETUSER_UP, LIT_SQLCMD, LIT_SQLCMD_UP, LIT_JOHO, LIT_CRED,
	LIT_GH, LIT_GHPAT, LIT_XOX, LIT_AIZA, LIT_MYSQL, LIT_BITLOCKER, LIT_KAIFUKU, LIT_RECOVERY,
	LIT_ACCOUNT_JA, LIT_SSHPASS, LIT_LDAP, LIT_SCHTASKS, LIT_WINRS, LIT_LOGIN, LIT_SMB,
	LIT_SLASH_V, LIT_SLASH_VU, LIT_KEYCONTENT, LIT_SHUYOU, LIT_TOKEN, LIT_TOKEN_UP, LIT_KEYW,
	LIT_KEYW_CAP, LIT_KEYW_UP, LIT_KEY_JA, LIT_TOKEN_JA, LIT_SECRET_JA,
	LIT_DASH_P, LIT_DASH_PU, LIT_DASH_K, LIT_DASH_HP, LIT_KEYGEN, LIT_SQLPLUS,
	LIT_STDIN, LIT_PASSWD, LIT_KINIT, LIT_DASH_S,
	N_LIT
};
/* A set of literals: more than 64 of them, so a GCC/Clang 128-bit integer. */
__extension__ typedef unsigned __int128 det_lits;
#define LIT(x) ((det_lits)1 << (x))

/* A value span in view bytes. */
typedef struct det_span {
	size_t s, e;
} det_span;

/*
 * Where the anchor literals of the anchored command forms occur (LIT_JOHO,
 * LIT_SMB, LIT_URL: det_occ_slot), recorded by the prefilter pass in text
 * order, the first DET_OCC_MAX of each; more: there were others after them.
 */
#define DET_OCC_N 3
#define DET_OCC_MAX 64
typedef struct det_occ {
	size_t at[DET_OCC_N][DET_OCC_MAX];
	unsigned n[DET_OCC_N];
	bool more[DET_OCC_N];
} det_occ;

/* The slot of literal id in det_occ, or -1 when its places are not kept. */
static inline int det_occ_slot(unsigned id)
{
	return id == LIT_JOHO ? 0 : id == LIT_SMB ? 1 : id == LIT_URL ? 2 : -1;
}

/* Collects hits for one scan call. */
typedef struct det_out {
	GArray *hits;
	size_t max_hits;
	bool full;
	unsigned det;
	/* from the prefilter pass (det_pre_scan) */
	det_lits lits;     /* LIT() of the literals that occur */
	bool mn_kw;        /* a My Number keyword occurs */
	GArray *pw_spans;  /* det_span: values after password keywords, in text order (or NULL) */
	det_occ occ;       /* where the anchored command forms' literals are */
} det_out;

/*
 * The prefilter (detect_prefilter.c): built once per detector set, never NULL;
 * det_pre_scan fills lits, mn_kw and pw_spans of out in one pass over v.
 */
det_pre *det_pre_new(const sm_detectors *s);
void det_pre_free(det_pre *p);
void det_pre_scan(const det_pre *p, const sm_view *v, det_out *out);
/* The text of literal id (LIT_*), NULL past N_LIT. */
const char *det_lit_text(unsigned id);
/* The password keyword whose key is the pair at t[i] (i + 1 < len): its
 * length and start (*at), 0 if none; the first of the list that matches.
 * plain: every keyword tried in turn (the reading the filter must agree with). */
size_t det_password_keyword_at(const struct det_kw *k, const char *t, size_t len, size_t i,
			       size_t *at, bool plain);

/* Append a hit; false (and out->full) when max_hits is reached. */
bool det_emit(det_out *out, size_t start, size_t end, sm_mask_style mask, int confidence);

/* Compile a pattern (no UTF mode unless utf); NULL + err naming `what`. */
pcre2_code *det_compile(const char *pattern, uint32_t flags, const char *what, char *err,
			size_t errlen);

/*
 * Is any of d's keywords within d->window bytes before start or after end?
 * Case-insensitive ASCII.  The filter d->near is built at load.
 */
bool det_keyword_near(const det *d, const char *text, size_t len, size_t start, size_t end);
det_near *det_near_new(char *const *keywords);
void det_near_free(det_near *n);

bool det_luhn(const char *digits, size_t n);

/* n > 0 ASCII digits. */
static inline bool det_all_digits(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return false;
	return n > 0;
}
bool det_mynumber_valid(const char *digits12);

/* The whole scan of a view at a layer depth (0: the view itself), and the
 * decoding layers inside it (detect_layer.c): hits on the encoded blocks. */
int det_scan_depth(const sm_detectors *s, const sm_view *v, const sm_scan_ctx *ctx,
		   GArray *hits, size_t max_hits, int depth);
void det_scan_layers(const sm_detectors *s, const sm_view *v, const sm_scan_ctx *ctx,
		     det_out *out, int depth);
/* The sampled pass's test at i: are t[i, i + 33) all base64 characters
 * (within len)?  A run of 64 or more holds such a stretch at a multiple of 32. */
bool det_b64_span_at(const char *t, size_t len, size_t i);

/* Scanners: 0, or 1 when the hit limit was reached. */
int det_scan_card(const det *d, const sm_view *v, const sm_scan_ctx *ctx, det_out *out);
/* The same with the wrapped-number tests in their first order (for the test). */
int det_scan_card_plain(const det *d, const sm_view *v, const sm_scan_ctx *ctx, det_out *out);
int det_scan_mynumber(const det *d, const sm_view *v, det_out *out);
int det_scan_password(const det *d, const sm_view *v, const sm_scan_ctx *ctx, det_out *out);
/* A file named as a password (パスワード.txt) holding one token: its span. */
void det_pw_file(const char *name, const sm_view *v, GArray *spans);
int det_scan_private_key(const det *d, const sm_view *v, det_out *out);
int det_scan_cloud(const det *d, const sm_view *v, det_out *out);
int det_scan_mde(const det *d, const sm_view *v, det_out *out);
int det_scan_custom(const det *d, const sm_view *v, det_out *out);
/* Key-shaped tokens after a credential word (detect_token.c, part of the
 * cloud_secret detector); hits from index first on are the fixed forms'. */
int det_scan_token(const det *d, const sm_view *v, det_out *out, size_t first);

/* Keyword table (password, my_number) from a keyword list (folded); NULL + err. */
struct det_kw *det_password_kw_new(char *const *keywords, char *err, size_t errlen);
void det_password_kw_free(struct det_kw *kw);
/* The password value after a keyword at [ks, ke), if any, into *out (detect_pw.c). */
bool det_password_value(const char *t, size_t len, size_t ks, size_t ke, det_span *out);
/* The value after a key whose name glues a password keyword to other
 * letters (cpassword, passout: det_cred_ident), in key syntaxes only. */
bool det_password_key_value(const char *t, size_t len, size_t ks, size_t ke, det_span *out);
/* A credential key name around the stem at t[i] (detect_key.c): its span. */
bool det_cred_ident(const char *t, size_t len, size_t i, size_t *is, size_t *ie);
/* The catalogue of fixed forms (detect_cmd.c): values appended to spans. */
void det_cmd_forms(const sm_view *v, det_lits lits, const det_occ *occ, GArray *spans);
/* The same with every form searched from its last match on (no anchors):
 * the plain reading det_cmd_forms must agree with (tests). */
void det_cmd_forms_plain(const sm_view *v, det_lits lits, GArray *spans);
/* A secret written into a command that reads it from standard input
 * (detect_pipe.c): echo pw | sudo -S, READER <<< pw, here-documents;
 * values appended to spans.  Runs when one of PIPE_LITS occurs: the
 * readers' words (runas always has /user:). */
#define PIPE_LITS                                                                         \
	(LIT(LIT_STDIN) | LIT(LIT_PASSWD) | LIT(LIT_KINIT) | LIT(LIT_DASH_S) |               \
	 LIT(LIT_SLASH_U) | LIT(LIT_SLASH_UU) | LIT(LIT_NETUSER) | LIT(LIT_NETUSER_UP) |     \
	 LIT(LIT_SSHPASS) | LIT(LIT_LOGIN) | LIT(LIT_SECRET))
void det_pipe_forms(const sm_view *v, det_lits lits, GArray *spans);
/* Would the password detector take t[s, e) as an unquoted value after
 * "keyword:" (one token, not a placeholder, prose, label or reference)? */
bool det_password_looks_secret(const char *t, size_t len, size_t s, size_t e);

/* Shared by the password reader (detect_pw.c) and its Japanese and pair
 * forms (detect_pw_ja.c).  NOTE_MAX: bytes of a note or label near a keyword. */
#define NOTE_MAX 32
bool det_pw_stop(char c);
const char *det_pw_closing_quote(const char *t, size_t len, size_t p, size_t *ql);
bool det_pw_take(const char *t, size_t len, size_t p, unsigned flags, det_span *out);
size_t det_pw_skip_blank(const char *t, size_t len, size_t p);
bool det_pw_is_flag(const char *t, size_t ks);
bool det_pw_after_slash(const char *t, size_t ks);
bool det_pw_after_and(const char *t, size_t ks);
size_t det_pw_second_of_pair(const char *t, size_t len, size_t p);
bool det_pw_ja_set_value(const char *t, size_t len, size_t ke, det_span *out);
bool det_pw_ja_quoted(const char *t, size_t len, size_t p, det_span *out);
bool det_pw_ja_particle(const char *t, size_t len, const det_span *v);

/* The value judgement (detect_value.c): is t[s, e) a password value?  The
 * text after e on its line is read too (prose, references, labels). */
#define VALUE_MAX 128
enum { DV_QUOTED = 1, DV_STRICT = 2 };
bool det_value_ok(const char *t, size_t len, size_t s, size_t e, unsigned flags);
/* Values in the table column under a header cell [ks, ke) holding a password
 * keyword, appended to spans (detect_col.c); the bytes read are taken from
 * *budget, and nothing is read once it is spent. */
void det_password_column(const char *t, size_t len, size_t ks, size_t ke, GArray *spans,
			 size_t *budget);

/* Built-in defaults shared by load and the tests of the shipped config. */
extern const char *const det_card_keywords[];
extern const char *const det_password_keywords[];
extern const char *const det_mynumber_keywords[];
extern const char *const det_mde_names[];

#endif
