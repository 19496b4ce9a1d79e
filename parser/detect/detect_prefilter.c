/*
 * detect_prefilter.c - the prefilter: one pass over a view for every detector.
 *
 * Before any detector runs, one sweep over the view's bytes looks every
 * two-byte position up in a 64 KB table built at load time, and learns:
 *   - which fixed literals occur (det_literals' mask: a regex runs only when
 *     one of its literals does).  Each literal is anchored on a rare bigram
 *     inside it ("gI" of "orgId"), not on its first two bytes ("or"), so
 *     English prose rarely stops the sweep;
 *   - where the password keywords are: the value after each one is parsed
 *     (det_password_value) during the sweep, exactly where and in the order
 *     the former separate keyword pass did (same bigram filter, same skips);
 *   - whether a My Number keyword occurs at all (the digit walk is skipped
 *     when none does), also anchored on a rare bigram.
 * Keywords are ASCII words matched case-insensitively as whole words, or
 * byte strings (Japanese) matched exactly (docs/detectors.md).
 *
 * Untrusted input: the view.  Limits: linear in the view; the password
 * values are bounded in detect_pw.c; at most BUCKET_MAX literals share an
 * anchor (checked at load, the literals are ours).  Ownership: det_pre is
 * owned by sm_detectors and immutable after load; det_pre_scan appends to
 * out->pw_spans (allocated on first use, freed by the caller).
 */
#include "detect_int.h"

#include <stdio.h>

enum { PF_LIT = 0x3f, PF_MN = 0x40, PF_PW = 0x80 }; /* flag bits; PF_LIT: bucket + 1 */
#define BUCKET_MAX 4
#define N_BUCKET 63

/* ------------------------------------------------------------ keyword tables */

/* The keyword table: a bigram filter over the first two bytes, then a compare. */
struct det_kw {
	uint8_t bigram[65536 / 8];
	char **kw;     /* ASCII ones lower-cased */
	size_t *len;
	bool *ascii;
	unsigned n;
	/* bit j: keyword j's key (the pair its bigram is set for) starts with
	 * lower-case byte c (m1[c]) and goes on with c (m2[c]); not used past
	 * 64 keywords */
	uint64_t m1[256], m2[256];
};

static unsigned char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : (unsigned char)c;
}

static void set_bigram(struct det_kw *k, unsigned char a, unsigned char b)
{
	unsigned x = (unsigned)a << 8 | b;

	k->bigram[x >> 3] |= (uint8_t)(1u << (x & 7));
}

static bool has_bigram(const struct det_kw *k, unsigned a, unsigned b)
{
	unsigned x = a << 8 | b;

	return (k->bigram[x >> 3] >> (x & 7)) & 1;
}

struct det_kw *det_password_kw_new(char *const *keywords, char *err, size_t errlen)
{
	struct det_kw *k = g_new0(struct det_kw, 1);
	unsigned n = keywords ? g_strv_length((char **)keywords) : 0, i;

	k->kw = g_new0(char *, n + 1);
	k->len = g_new0(size_t, n + 1);
	k->ascii = g_new0(bool, n + 1);
	for (i = 0; i < n; i++) {
		const unsigned char *w = (const unsigned char *)keywords[i];
		size_t l = strlen(keywords[i]), j;
		bool ascii = true;

		if (l < 2) {
			snprintf(err, errlen, "keyword %u is shorter than two bytes", i + 1);
			det_password_kw_free(k);
			return NULL;
		}
		for (j = 0; j < l; j++)
			ascii = ascii && w[j] < 0x80;
		k->kw[k->n] = ascii ? g_ascii_strdown(keywords[i], -1) : g_strdup(keywords[i]);
		k->len[k->n] = l;
		k->ascii[k->n++] = ascii;
		/* a multi-byte keyword is keyed on its 2nd and 3rd bytes: UTF-8 lead
		 * bytes such as E3 (all kana) are too common to filter on */
		set_bigram(k, ascii || l < 3 ? w[0] : w[1], ascii || l < 3 ? w[1] : w[2]);
		if (k->n <= 64) {
			uint64_t bit = (uint64_t)1 << (k->n - 1);

			k->m1[lower((char)(ascii || l < 3 ? w[0] : w[1]))] |= bit;
			k->m2[lower((char)(ascii || l < 3 ? w[1] : w[2]))] |= bit;
		}
		if (ascii) {
			set_bigram(k, g_ascii_toupper(w[0]), w[1]);
			set_bigram(k, w[0], g_ascii_toupper(w[1]));
			set_bigram(k, g_ascii_toupper(w[0]), g_ascii_toupper(w[1]));
			set_bigram(k, g_ascii_tolower(w[0]), g_ascii_tolower(w[1]));
			set_bigram(k, g_ascii_tolower(w[0]), w[1]);
			set_bigram(k, w[0], g_ascii_tolower(w[1]));
		}
	}
	return k;
}

void det_password_kw_free(struct det_kw *k)
{
	if (!k)
		return;
	g_strfreev(k->kw);
	g_free(k->len);
	g_free(k->ascii);
	g_free(k);
}

/* ASCII keyword j at t[i] as a whole word. */
static bool ascii_kw_at(const struct det_kw *k, unsigned j, const char *t, size_t len, size_t i)
{
	size_t l = k->len[j], x;

	if (i + l > len)
		return false;
	for (x = 0; x < l && lower(t[i + x]) == (unsigned char)k->kw[j][x]; x++)
		; /* g_ascii_strncasecmp without the call: kw is lower-cased */
	if (x < l)
		return false;
	if (i > 0 && g_ascii_isalnum(t[i - 1]) && /* DB_PASSWORD= and admin-pw: count */
	    !(g_ascii_islower(t[i - 1]) && g_ascii_isupper(t[i]))) /* so does ProxyPassword */
		return false;
	return !(i + l < len && g_ascii_isalpha(t[i + l]));
}

/* Keyword j starting at s, by its own rule (ASCII word or exact bytes). */
static bool kw_at(const struct det_kw *k, unsigned j, const char *t, size_t len, size_t s)
{
	if (k->ascii[j])
		return ascii_kw_at(k, j, t, len, s);
	return s + k->len[j] <= len && memcmp(t + s, k->kw[j], k->len[j]) == 0;
}

/* Keyword j at i: its start in *at (i, or i - 1 for a multi-byte keyword
 * keyed on its 2nd byte), or false. */
static bool keyword_j(const struct det_kw *k, unsigned j, const char *t, size_t len, size_t i,
		      size_t *at)
{
	size_t s = !k->ascii[j] && k->len[j] >= 3 ? i - 1 : i;

	if (s > i || (k->ascii[j] ? lower(t[s]) : (unsigned char)t[s]) !=
			     (unsigned char)k->kw[j][0])
		return false; /* the first byte differs: most calls end here */
	*at = s;
	return kw_at(k, j, t, len, s);
}

/*
 * The keyword the bigram at t[i] stands for: its length, its start in *at
 * (i, or i - 1 for a multi-byte keyword keyed on its 2nd byte); 0 if none.
 * The first keyword of the table that matches wins.  Only the keywords
 * whose key is the pair at i (ASCII case ignored) are looked at, in order.
 */
size_t det_password_keyword_at(const struct det_kw *k, const char *t, size_t len, size_t i,
			       size_t *at, bool plain)
{
	uint64_t m;
	unsigned j;

	if (plain || k->n > 64) {
		for (j = 0; j < k->n; j++)
			if (keyword_j(k, j, t, len, i, at))
				return k->len[j];
		return 0;
	}
	m = i + 1 < len ? k->m1[lower(t[i])] & k->m2[lower(t[i + 1])] : 0;
	for (; m; m &= m - 1) {
		j = (unsigned)__builtin_ctzll(m);
		if (keyword_j(k, j, t, len, i, at))
			return k->len[j];
	}
	return 0;
}

/* ------------------------------------------------------------ literals */

/* Each literal with the offset of its anchor: a bigram rare in mail text. */
static const struct {
	const char *text;
	unsigned anchor;
} lit_text[N_LIT] = {
	[LIT_URL] = {"://", 0}, [LIT_SLASH_U] = {"/u", 0}, [LIT_SLASH_UU] = {"/U", 0},
	[LIT_SS] = {"SecureString", 5}, [LIT_SS_LO] = {"securestring", 2},
	[LIT_SS_UP] = {"SECURESTRING", 2}, [LIT_ACCOUNTKEY] = {"ccountKey", 5},
	[LIT_ACCESSKEY] = {"ccessKey", 4}, [LIT_ACCOUNTKEY_UP] = {"CCOUNTKEY", 5},
	[LIT_ACCOUNTKEY_LO] = {"ccountkey", 5}, [LIT_SIG] = {"sig=", 2}, [LIT_SIG_UP] = {"SIG=", 2},
	[LIT_SECRET] = {"ecret", 3}, [LIT_SECRET_UP] = {"ECRET", 3}, [LIT_ENTRA] = {"Q~", 0},
	[LIT_AKIA] = {"AKIA", 0}, [LIT_ASIA] = {"ASIA", 0}, [LIT_JWT] = {"eyJ", 1},
	[LIT_PEM] = {"-----BEGIN ", 4}, [LIT_PREV] = {"previousOrgIds", 7}, [LIT_ORG] = {"orgId", 2},
	[LIT_GEO] = {"geoLocationUrl", 2}, [LIT_OBI] = {"OnboardingInfo", 9},
	[LIT_OFFB_GUID] = {"-4030-", 0}, [LIT_MDATP] = {"mdatp_onboard", 4},
	[LIT_OBI_LO] = {"onboardingInfo", 9}, [LIT_KEY] = {"<key>", 0}, [LIT_SHA] = {"sha256sig", 2},
	[LIT_CHAIN] = {"chain", 2}, [LIT_MS] = {"microsoft.com", 8},
	[LIT_PSEXEC] = {"sExec", 2}, [LIT_PSEXEC_LO] = {"sexec", 2},
	[LIT_AUTHZ] = {"uthorization", 5}, [LIT_CURL] = {"curl ", 2},
	[LIT_NETUSER] = {"et user", 2}, [LIT_NETUSER_UP] = {"ET USER", 0},
	[LIT_SQLCMD] = {"qlcmd", 0}, [LIT_SQLCMD_UP] = {"QLCMD", 0},
	[LIT_JOHO] = {"\xe6\x83\x85\xe5\xa0\xb1", 4} /* 情報 */, [LIT_CRED] = {"redential", 6},
	[LIT_GH] = {"gh", 0}, [LIT_GHPAT] = {"github_pat_", 6}, [LIT_XOX] = {"xox", 0},
	[LIT_AIZA] = {"AIza", 0}, [LIT_MYSQL] = {"ysql", 2}, [LIT_BITLOCKER] = {"itLocker", 1},
	[LIT_KAIFUKU] = {"\xe5\x9b\x9e\xe5\xbe\xa9", 1} /* 回復 */, [LIT_RECOVERY] = {"ecovery", 2},
	[LIT_ACCOUNT_JA] = {"\xe3\x82\xa2\xe3\x82\xab\xe3\x82\xa6\xe3\x83\xb3\xe3\x83\x88", 7}
	/* アカウント, on ウ: "A6 E3" is also て before any kana */, [LIT_SSHPASS] = {"sshpass", 2}, [LIT_LDAP] = {"ldap", 2},
	[LIT_SCHTASKS] = {"schtasks", 6}, [LIT_WINRS] = {"winrs", 2}, [LIT_LOGIN] = {"login", 1},
	[LIT_SMB] = {"client", 2}, [LIT_SLASH_V] = {"/v ", 0}, [LIT_SLASH_VU] = {"/V ", 0},
	[LIT_KEYCONTENT] = {"Key Content", 1},
	[LIT_SHUYOU] = {"\xe4\xb8\xbb\xe8\xa6\x81", 1} /* 主要 */,
	/* credential words before key-shaped tokens (detect_token.c), anchored on
	 * six rare pairs: OKEN and KEY share KE, key and Key share ey */
	[LIT_TOKEN] = {"oken", 0}, [LIT_TOKEN_UP] = {"OKEN", 1}, [LIT_KEYW] = {"key", 1},
	[LIT_KEYW_CAP] = {"Key", 1}, [LIT_KEYW_UP] = {"KEY", 0},
	[LIT_KEY_JA] = {"\xe3\x82\xad\xe3\x83\xbc", 1} /* キー */,
	[LIT_TOKEN_JA] = {"\xe3\x83\x88\xe3\x83\xbc", 1} /* トー */,
	[LIT_SECRET_JA] = {"\xe3\x83\xac\xe3\x83\x83", 1} /* レッ(ト) */,
	/* short password flags of archivers and key tools (detect_cmd.c): the
	 * flags share one new bucket (" -"), the others an older literal's (63
	 * buckets at most) */
	[LIT_DASH_P] = {" -p", 0}, [LIT_DASH_PU] = {" -P", 0}, [LIT_DASH_K] = {" -k", 0},
	[LIT_DASH_HP] = {" -hp", 2}, [LIT_KEYGEN] = {"keygen", 1},
	[LIT_SQLPLUS] = {"sqlplus", 1},
	/* readers of a password on standard input (detect_pipe.c); sudo -S in
	 * the flags' bucket.  The 63 buckets are all taken: mysql and PsExec
	 * share the buckets of sqlcmd ("ql") and psexec ("xe") to make room */
	[LIT_STDIN] = {"stdin", 1}, [LIT_PASSWD] = {"passwd", 4}, [LIT_KINIT] = {"kinit", 0},
	[LIT_DASH_S] = {" -S", 0},
};

const char *det_lit_text(unsigned id)
{
	return id < N_LIT ? lit_text[id].text : NULL;
}

/* A My Number (presence) keyword: its anchor, lower-cased, and offset. */
typedef struct mn_anchor {
	uint16_t bigram;
	uint8_t off;
	unsigned kw;
} mn_anchor;

struct det_pre {
	uint8_t flag[65536];           /* by at2(t + i): PF_* */
	uint8_t bucket[N_BUCKET][BUCKET_MAX]; /* literal ids by anchor */
	uint8_t n_bucket[N_BUCKET];
	uint64_t places;               /* bit b - 1: bucket b holds a literal whose places are kept */
	uint64_t lw[N_LIT][2], lm[N_LIT][2]; /* each literal's bytes as two words, and their mask */
	struct lit_ent {
		uint8_t id, off, first; /* literal, its anchor's offset, its first byte */
		bool keep;              /* its places are kept (det_occ_slot) */
	} ent[N_BUCKET][BUCKET_MAX];   /* bucket's literals, as lit_hit reads them */
	uint8_t lit_len[N_LIT];        /* strlen of each literal, once */
	const struct det_kw *pw, *mn;  /* borrowed from the detectors */
	mn_anchor *mna;
	unsigned n_mna;
};

/* The table index of the two bytes at p: one 16-bit load, any byte order. */
static unsigned at2(const unsigned char *p)
{
	uint16_t x;

	memcpy(&x, p, 2);
	return x;
}

static unsigned bg(unsigned char a, unsigned char b)
{
	const unsigned char two[2] = {a, b};

	return at2(two);
}

static void add_literals(det_pre *p)
{
	unsigned i, nb = 0;

	for (i = 0; i < N_LIT; i++) {
		uint8_t w[16] = {0}, m[16] = {0};

		p->lit_len[i] = (uint8_t)strlen(lit_text[i].text);
		g_assert(p->lit_len[i] <= 16);
		memcpy(w, lit_text[i].text, p->lit_len[i]);
		memset(m, 0xff, p->lit_len[i]);
		memcpy(p->lw[i], w, 16);
		memcpy(p->lm[i], m, 16);
	}
	for (i = 0; i < N_LIT; i++) {
		const unsigned char *l = (const unsigned char *)lit_text[i].text + lit_text[i].anchor;
		unsigned x = bg(l[0], l[1]), b = p->flag[x] & PF_LIT;

		if (!b) {
			g_assert(nb < N_BUCKET);
			b = ++nb;
			p->flag[x] |= (uint8_t)b;
		}
		g_assert(p->n_bucket[b - 1] < BUCKET_MAX);
		p->ent[b - 1][p->n_bucket[b - 1]] = (struct lit_ent){
			(uint8_t)i, (uint8_t)lit_text[i].anchor, (uint8_t)lit_text[i].text[0],
			det_occ_slot(i) >= 0};
		p->bucket[b - 1][p->n_bucket[b - 1]++] = (uint8_t)i;
		if (det_occ_slot(i) >= 0)
			p->places |= (uint64_t)1 << (b - 1);
	}
}

/* Frequent in English and romaji: a keyword is better anchored elsewhere. */
static bool common_pair(char a, char b)
{
	static const char *const common =
		"th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as "
		"ou io le ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur ec ns ta ";
	char pair[4] = {g_ascii_tolower(a), g_ascii_tolower(b), ' ', '\0'};

	return a == ' ' || b == ' ' || strstr(common, pair) != NULL;
}

/* Where to anchor keyword j: a rare pair of an ASCII word, else the old key. */
static unsigned mn_offset(const struct det_kw *k, unsigned j)
{
	unsigned o;

	if (!k->ascii[j])
		return k->len[j] >= 3 ? 1 : 0;
	for (o = 0; o + 1 < k->len[j]; o++)
		if (!common_pair(k->kw[j][o], k->kw[j][o + 1]))
			return o;
	return 0;
}

static void add_mynumber(det_pre *p, const struct det_kw *k)
{
	unsigned j;

	p->mn = k;
	p->mna = g_new0(mn_anchor, k->n + 1);
	for (j = 0; j < k->n; j++) {
		unsigned o = mn_offset(k, j);
		unsigned char a = (unsigned char)k->kw[j][o], b = (unsigned char)k->kw[j][o + 1];

		p->mna[p->n_mna++] = (mn_anchor){(uint16_t)bg(g_ascii_tolower(a), g_ascii_tolower(b)),
						 (uint8_t)o, j};
		/* every case form: the compare after the filter decides */
		p->flag[bg(g_ascii_tolower(a), g_ascii_tolower(b))] |= PF_MN;
		p->flag[bg(g_ascii_toupper(a), g_ascii_tolower(b))] |= PF_MN;
		p->flag[bg(g_ascii_tolower(a), g_ascii_toupper(b))] |= PF_MN;
		p->flag[bg(g_ascii_toupper(a), g_ascii_toupper(b))] |= PF_MN;
	}
}

det_pre *det_pre_new(const sm_detectors *s)
{
	det_pre *p = g_new0(det_pre, 1);
	unsigned i, a, b;

	add_literals(p);
	for (i = 0; i < s->dets->len; i++) {
		const det *d = g_ptr_array_index(s->dets, i);

		if (d->kind == K_MYNUMBER && d->kw && !p->mn)
			add_mynumber(p, d->kw);
		if (d->kind == K_PASSWORD && d->kw && !p->pw)
			p->pw = d->kw;
	}
	for (a = 0; p->pw && a < 256; a++) /* the password filter as it always was */
		for (b = 0; b < 256; b++)
			if (has_bigram(p->pw, a, b))
				p->flag[bg((unsigned char)a, (unsigned char)b)] |= PF_PW;
	return p;
}

void det_pre_free(det_pre *p)
{
	if (!p)
		return;
	g_free(p->mna);
	g_free(p);
}

/* ------------------------------------------------------------ the pass */

typedef struct pass {
	const det_pre *p;
	const char *t;
	size_t len;
	size_t pw_next;   /* the password keyword scan resumes here */
	det_out *out;
	size_t col_budget; /* bytes the table column scans may still read */
	uint64_t found[2]; /* bit id: literal id occurs (out->lits at the end) */
	uint64_t done;     /* bit b - 1: every literal of bucket b found, no places kept */
} pass;

static bool found_lit(const pass *ps, unsigned id)
{
	return (ps->found[id >> 6] >> (id & 63)) & 1;
}

/* Literal id occurs at s: keep the place when its slot does. */
static void occ_add(det_occ *o, unsigned id, size_t s)
{
	int k = det_occ_slot(id);

	if (k < 0)
		return;
	if (o->n[k] < DET_OCC_MAX)
		o->at[k][o->n[k]++] = s;
	else
		o->more[k] = true;
}

/* Literal id at t[s]: sixteen bytes compared as two masked words where the
 * text has them, else memcmp. */
static bool lit_at(const det_pre *p, unsigned id, const char *t, size_t len, size_t s)
{
	size_t n = p->lit_len[id];
	uint64_t a, b;

	if (n > len - s)
		return false;
	if (len - s < 16)
		return memcmp(t + s, lit_text[id].text, n) == 0;
	memcpy(&a, t + s, 8);
	memcpy(&b, t + s + 8, 8);
	return !(((a ^ p->lw[id][0]) & p->lm[id][0]) | ((b ^ p->lw[id][1]) & p->lm[id][1]));
}

/* The literals of bucket b anchored at i.  A bucket whose literals are all
 * found, none with places kept, is done: its anchor is not looked at again
 * in this pass (every "microsoft.com" of a log). */
static void lit_hit(pass *ps, size_t i, unsigned b)
{
	const det_pre *p = ps->p;
	const struct lit_ent *e = p->ent[b - 1];
	unsigned j, n_b = p->n_bucket[b - 1], left = 0;

	for (j = 0; j < n_b; j++) {
		unsigned id = e[j].id;

		if (found_lit(ps, id) && !e[j].keep)
			continue; /* found already, and its places are not kept */
		/* its first byte before the whole compare: most anchors are no literal */
		if (i < e[j].off || (unsigned char)ps->t[i - e[j].off] != e[j].first ||
		    !lit_at(p, id, ps->t, ps->len, i - e[j].off)) {
			left++;
			continue;
		}
		ps->found[id >> 6] |= (uint64_t)1 << (id & 63);
		if (e[j].keep)
			occ_add(&ps->out->occ, id, i - e[j].off);
	}
	if (!left && !((p->places >> (b - 1)) & 1))
		ps->done |= (uint64_t)1 << (b - 1);
}

static void mn_hit(pass *ps, size_t i)
{
	const det_pre *p = ps->p;
	unsigned x = bg(g_ascii_tolower(ps->t[i]), g_ascii_tolower(ps->t[i + 1])), j;

	for (j = 0; j < p->n_mna && !ps->out->mn_kw; j++)
		if (p->mna[j].bigram == x && i >= p->mna[j].off &&
		    kw_at(p->mn, p->mna[j].kw, ps->t, ps->len, i - p->mna[j].off))
			ps->out->mn_kw = true;
}

/* What the former keyword loop of the password detector did at i. */
static void pw_hit(pass *ps, size_t i)
{
	size_t l, at;
	det_span sp;

	if (i < ps->pw_next)
		return; /* inside the value or keyword just taken */
	if (!ps->out->pw_spans)
		ps->out->pw_spans = g_array_new(FALSE, FALSE, sizeof(det_span));
	if (!(l = det_password_keyword_at(ps->p->pw, ps->t, ps->len, i, &at, false))) {
		size_t is, ie; /* a key that glues a keyword to other letters: cpassword */

		if (det_cred_ident(ps->t, ps->len, i, &is, &ie) &&
		    det_password_key_value(ps->t, ps->len, is, ie, &sp)) {
			g_array_append_val(ps->out->pw_spans, sp);
			ps->pw_next = sp.e;
		}
		return;
	}
	if (det_password_value(ps->t, ps->len, at, at + l, &sp)) {
		g_array_append_val(ps->out->pw_spans, sp);
		ps->pw_next = sp.e;
	} else {
		/* a header cell: the values are in its column, below */
		det_password_column(ps->t, ps->len, at, at + l, ps->out->pw_spans,
				    &ps->col_budget);
		ps->pw_next = at + l;
	}
}

/* The keywords' flags at i: rarer than the literals', kept out of line. */
static __attribute__((noinline)) void kw_hit(pass *ps, size_t i, unsigned f)
{
	if ((f & PF_MN) && !ps->out->mn_kw)
		mn_hit(ps, i);
	if (f & PF_PW)
		pw_hit(ps, i);
}

static inline void hit(pass *ps, size_t i, unsigned f)
{
	unsigned b = f & PF_LIT;

	if (b && !((ps->done >> (b - 1)) & 1))
		lit_hit(ps, i, b);
	if (f & (PF_MN | PF_PW))
		kw_hit(ps, i, f);
}

void det_pre_scan(const det_pre *p, const sm_view *v, det_out *out)
{
	const unsigned char *t = (const unsigned char *)v->text;
	const uint8_t *f = p->flag;
	pass ps = {p, v->text, v->len, 0, out, 2 * v->len + 65536, {0, 0}, 0};
	size_t i = 0, len = v->len;

	out->mn_kw = false;
	memset(out->occ.n, 0, sizeof(out->occ.n));
	memset(out->occ.more, 0, sizeof(out->occ.more));
	/* eight positions per step: most steps of real text find no flag at all */
	while (i + 9 <= len) {
		const unsigned char *q = t + i;
		unsigned lo = f[at2(q)] | f[at2(q + 1)] | f[at2(q + 2)] | f[at2(q + 3)];
		unsigned hi = f[at2(q + 4)] | f[at2(q + 5)] | f[at2(q + 6)] | f[at2(q + 7)];

		if (lo | hi) { /* look again only at the half with a flag */
			size_t k = lo ? i : i + 4, e = hi ? i + 8 : i + 4;

			for (; k < e; k++)
				if (f[at2(t + k)])
					hit(&ps, k, f[at2(t + k)]);
		}
		i += 8;
	}
	for (; i + 1 < len; i++)
		if (f[at2(t + i)])
			hit(&ps, i, f[at2(t + i)]);
	out->lits = (det_lits)ps.found[0] | (det_lits)ps.found[1] << 64;
}
