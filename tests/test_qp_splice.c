/* test_qp_splice.c - a changed quoted-printable part re-encoded line by line
 * (sm_qp_splice, qp_splice.c) against the plain reading of its contract:
 *  - the spans sm_charset_rewrite_spans reports are what it replaced (every
 *    byte outside them copied, in order), for single-byte, UTF-8 and
 *    ISO-2022-JP text;
 *  - the encoder (sm_qp_encode) against the decoder and the rules of the
 *    format, lines of 75, 76 and 77 characters;
 *  - on parts GMime encoded, the output is exactly: each hard line whose
 *    text no edit touched, byte for byte, and each run of touched lines
 *    encoded whole (closed by a soft line break before a kept line),
 *    computed here from the edits and the decoded text alone;
 *  - on any input (random encoded bytes, hostile lines), the output decodes
 *    to the new text and is valid quoted-printable: lines of at most 76
 *    characters, printable ASCII, "=" before two upper-case hex digits or at
 *    a line's end, no blank before a hard line end, the part's line ends;
 *  - a line of 76 characters is kept, one of 77 re-encoded. */
#include "qp.h"
#include "testutil.h"

#include <gmime/gmime.h>

static GByteArray *decode(const uint8_t *s, size_t n)
{
	GByteArray *o = g_byte_array_new();

	sm_qp_decode(s, n, (size_t)-1, o);
	return o;
}

/* GMime's encoding of s[0, n) as rewrite.c gave it for a whole part. */
static GByteArray *gmime_encode(const uint8_t *s, size_t n)
{
	GMimeEncoding st;
	GByteArray *o = g_byte_array_new();

	g_mime_encoding_init_encode(&st, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_byte_array_set_size(o, (guint)g_mime_encoding_outlen(&st, n) + 16);
	g_byte_array_set_size(o, (guint)g_mime_encoding_flush(&st, (const char *)s, n,
							      (char *)o->data));
	return o;
}

static GByteArray *lf_to_crlf(const GByteArray *a)
{
	GByteArray *o = g_byte_array_new();

	for (guint i = 0; i < a->len; i++) {
		if (a->data[i] == '\n' && (i == 0 || a->data[i - 1] != '\r'))
			g_byte_array_append(o, (const guint8 *)"\r", 1);
		g_byte_array_append(o, a->data + i, 1);
	}
	return o;
}

static GByteArray *crlf_to_lf(const uint8_t *s, size_t n)
{
	GByteArray *o = g_byte_array_new();

	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
			g_byte_array_append(o, s + i, 1);
	return o;
}

/* Is enc valid quoted-printable with line ends crlf?  (the plain rules) */
static bool valid_qp(const uint8_t *e, size_t n, bool crlf)
{
	size_t i = 0;

	while (i < n) {
		const uint8_t *nl = memchr(e + i, '\n', n - i);
		size_t le = nl ? (size_t)(nl - e) : n, body = le - i, k;
		bool soft;

		if (nl && crlf != (body > 0 && e[le - 1] == '\r'))
			return false;
		if (nl && crlf)
			body--;
		if (body > 76)
			return false;
		soft = body > 0 && e[i + body - 1] == '=';
		for (k = i; k < i + body; k++) {
			uint8_t c = e[k];

			if (c == '=') {
				if (k + 1 == i + body)
					break; /* soft line break */
				if (k + 2 >= i + body || !g_ascii_isxdigit(e[k + 1]) ||
				    !g_ascii_isxdigit(e[k + 2]) || g_ascii_islower(e[k + 1]) ||
				    g_ascii_islower(e[k + 2]))
					return false;
				k += 2;
				continue;
			}
			if (!(c == ' ' || c == '\t' || (c >= 0x21 && c <= 0x7e)))
				return false;
		}
		if (!soft && body > 0 && (e[i + body - 1] == ' ' || e[i + body - 1] == '\t'))
			return false;
		i = nl ? le + 1 : n;
	}
	return true;
}

/* The spans say what was replaced: src outside them is out outside them. */
static void check_spans(const uint8_t *src, size_t len, const GByteArray *out, const GArray *spans)
{
	size_t s = 0, o = 0;

	for (guint i = 0; i < spans->len; i++) {
		const sm_rw_span *sp = &g_array_index(spans, sm_rw_span, i);

		g_assert_cmpuint(sp->src_a, >=, s);
		g_assert_cmpuint(sp->src_b, >=, sp->src_a);
		g_assert_cmpuint(sp->out_a - o, ==, sp->src_a - s);
		g_assert_cmpmem(src + s, sp->src_a - s, out->data + o, sp->out_a - o);
		s = sp->src_b;
		o = sp->out_b;
	}
	g_assert_cmpmem(src + s, len - s, out->data + o, out->len - o);
}

/* Random edits over [0, len): sorted, not overlapping; masks, ASCII
 * replacements (empty too) and insertions. */
static GArray *random_edits(GRand *r, size_t len)
{
	static const char *const asc[] = {"********", "", "x", NULL};
	GArray *e = g_array_new(FALSE, FALSE, sizeof(sm_edit));
	size_t at = 0;
	int k = g_rand_int_range(r, 0, 4);

	while (k-- > 0 && at <= len) {
		sm_edit ed;

		ed.start = at + (size_t)g_rand_int_range(r, 0, (gint32)(len - at) + 1);
		ed.end = ed.start + (size_t)g_rand_int_range(r, 0, 12);
		if (ed.end > len)
			ed.end = len;
		ed.ascii = asc[g_rand_int_range(r, 0, 4)];
		if (ed.end == ed.start && !ed.ascii)
			ed.ascii = "*";
		g_array_append_val(e, ed);
		at = ed.end + 1;
	}
	return e;
}

/* Hard line ends of a GMime encoding: a literal LF whose line does not end
 * in "=".  Segment k is enc[es[k], es[k + 1]), its text dec[ds[k], ds[k + 1]);
 * an empty part is one empty segment. */
static void gmime_segments(const GByteArray *enc, const GByteArray *dec, GArray *es, GArray *ds)
{
	size_t i, zero = 0;

	g_array_set_size(es, 0);
	g_array_set_size(ds, 0);
	g_array_append_val(es, zero);
	g_array_append_val(ds, zero);
	for (i = 0; i < enc->len; i++)
		if (enc->data[i] == '\n' && !(i > 0 && enc->data[i - 1] == '=') &&
		    !(i > 1 && enc->data[i - 1] == '\r' && enc->data[i - 2] == '=')) {
			size_t e = i + 1;

			g_array_append_val(es, e);
		}
	if (enc->len == 0 || g_array_index(es, size_t, es->len - 1) != enc->len) {
		size_t e = enc->len;

		g_array_append_val(es, e);
	}
	for (i = 0; i < dec->len; i++)
		if (dec->data[i] == '\n') {
			size_t e = i + 1;

			g_array_append_val(ds, e);
		}
	if (dec->len == 0 || g_array_index(ds, size_t, ds->len - 1) != dec->len) {
		size_t e = dec->len;

		g_array_append_val(ds, e);
	}
}

/* Does an edit touch text [a, b) (an insertion at a, or at b when last)? */
static bool edit_touches(const GArray *edits, size_t a, size_t b, bool last)
{
	for (guint i = 0; i < edits->len; i++) {
		const sm_edit *ed = &g_array_index(edits, sm_edit, i);

		if (ed->start < b && ed->end > a)
			return true;
		if (ed->start == ed->end && ed->start >= a && (ed->start < b || (last && ed->start == b)))
			return true;
	}
	return false;
}

/* The expected output, from the edits: kept lines and GMime's runs. */
static GByteArray *expected(const GByteArray *enc, const GByteArray *dec, const GArray *edits,
			    bool crlf)
{
	GArray *es = g_array_new(FALSE, FALSE, sizeof(size_t)), *ds = g_array_new(FALSE, FALSE, sizeof(size_t));
	GByteArray *o = g_byte_array_new();
	size_t nseg, k;

	gmime_segments(enc, dec, es, ds);
	nseg = es->len - 1;
	g_assert_cmpuint(ds->len, ==, es->len);
	for (k = 0; k < nseg;) {
		size_t a = g_array_index(ds, size_t, k), b = g_array_index(ds, size_t, k + 1);
		size_t j = k;


		if (!edit_touches(edits, a, b, k + 1 == nseg) &&
		    valid_qp(enc->data + g_array_index(es, size_t, k),
			     g_array_index(es, size_t, k + 1) - g_array_index(es, size_t, k), crlf)) {
			g_byte_array_append(o, enc->data + g_array_index(es, size_t, k),
					    (guint)(g_array_index(es, size_t, k + 1) -
						    g_array_index(es, size_t, k)));
			k++;
			continue;
		}
		while (j + 1 < nseg &&
		       (edit_touches(edits, g_array_index(ds, size_t, j + 1), g_array_index(ds, size_t, j + 2),
				     j + 2 == nseg) ||
			!valid_qp(enc->data + g_array_index(es, size_t, j + 1),
				  g_array_index(es, size_t, j + 2) - g_array_index(es, size_t, j + 1), crlf)))
			j++;
		{
			/* the new text of segments k..j: the old text with the edits in it */
			size_t from = a, to = g_array_index(ds, size_t, j + 1);
			GByteArray *nt = g_byte_array_new();

			for (guint i = 0; i < edits->len; i++) {
				const sm_edit *ed = &g_array_index(edits, sm_edit, i);

				if (ed->start < from || ed->start > to || (ed->start == to && j + 1 < nseg))
					continue;
				g_byte_array_append(nt, dec->data + from, (guint)(ed->start - from));
				if (ed->ascii)
					g_byte_array_append(nt, (const guint8 *)ed->ascii,
							    (guint)strlen(ed->ascii));
				else
					for (size_t c = ed->start; c < ed->end; c++)
						g_byte_array_append(nt, (const guint8 *)(
							dec->data[c] == '\n' || dec->data[c] == '\r' ? (const char *)dec->data + c : "*"), 1);
				from = ed->end;
			}
			g_byte_array_append(nt, dec->data + from, (guint)(to - from));
			sm_qp_encode(nt->data, nt->len, crlf, j + 1 < nseg, o);
			g_byte_array_unref(nt);
		}
		k = j + 1;
	}
	g_array_free(es, TRUE);
	g_array_free(ds, TRUE);
	return o;
}

/* Rewrite dec with edits in cs, splice, and check what every part must hold. */
static GByteArray *splice(const sm_charset *cs, const GByteArray *enc, const GByteArray *dec,
			  const GArray *edits, bool crlf, GByteArray **newtext)
{
	GByteArray *nd = g_byte_array_new(), *out = g_byte_array_new(), *back;
	GArray *spans = g_array_new(FALSE, FALSE, sizeof(sm_rw_span));
	bool mapped = sm_charset_rewrite_spans(cs, dec->data, dec->len, (const sm_edit *)edits->data,
					       edits->len, nd, spans);

	g_assert_true(mapped);
	check_spans(dec->data, dec->len, nd, spans);
	g_assert_true(sm_qp_splice(enc->data, enc->len, dec->len, nd->data, nd->len,
				   (const sm_rw_span *)spans->data, spans->len, crlf, out));
	back = decode(out->data, out->len);
	if (crlf) { /* re-encoded lines take the part's line ends, as before */
		GByteArray *a = crlf_to_lf(back->data, back->len), *b = crlf_to_lf(nd->data, nd->len);

		g_assert_cmpmem(a->data, a->len, b->data, b->len);
		g_byte_array_unref(a);
		g_byte_array_unref(b);
	} else
		g_assert_cmpmem(back->data, back->len, nd->data, nd->len);
	if (!valid_qp(out->data, out->len, crlf)) {
		char *a = g_strndup((const char *)enc->data, enc->len), *b = g_strndup((const char *)out->data, out->len);
		char *ea = g_strescape(a, NULL), *eb = g_strescape(b, NULL);

		g_test_message("not valid (crlf %d): part \"%s\" gave \"%s\"", crlf, ea, eb);
		g_test_fail();
		g_free(a), g_free(b), g_free(ea), g_free(eb);
	}
	g_byte_array_unref(back);
	g_array_free(spans, TRUE);
	*newtext = nd;
	return out;
}

static void random_text(GRand *r, GByteArray *t, size_t n, bool crlf)
{
	static const char alpha[] = "abc XYZ=\t.\n\n\xe9\xff!~";

	g_byte_array_set_size(t, 0);
	for (size_t i = 0; i < n; i++) {
		char c = alpha[g_rand_int_range(r, 0, sizeof(alpha) - 1)];

		if (c == '\n' && crlf)
			g_byte_array_append(t, (const guint8 *)"\r", 1);
		g_byte_array_append(t, (const guint8 *)&c, 1);
		if (g_rand_int_range(r, 0, 40) == 0) /* long lines */
			for (int k = g_rand_int_range(r, 60, 200); k > 0; k--)
				g_byte_array_append(t, (const guint8 *)"w", 1);
	}
}

/* Parts GMime encoded: the output is exactly the expected one. */
static void test_exact(void)
{
	GRand *r = g_rand_new_with_seed(2026);
	sm_charset cs;
	GByteArray *t = g_byte_array_new();

	int unchanged = 0;

	sm_charset_resolve("iso-8859-1", (const uint8_t *)"a", 1, &cs);
	g_assert_cmpint(cs.kind, ==, SM_CS_SBCS);
	for (int it = 0; it < 20000; it++) {
		bool crlf = (it & 1) != 0;
		GByteArray *lf, *enc, *dec, *out, *want, *nd;
		GArray *edits;

		random_text(r, t, (size_t)g_rand_int_range(r, 0, 300), crlf);
		lf = crlf ? crlf_to_lf(t->data, t->len) : g_byte_array_ref(t);
		enc = gmime_encode(lf->data, lf->len);
		if (crlf) {
			GByteArray *c = lf_to_crlf(enc);

			g_byte_array_unref(enc);
			enc = c;
		}
		dec = decode(enc->data, enc->len);
		edits = random_edits(r, dec->len);
		out = splice(&cs, enc, dec, edits, crlf, &nd);
		want = expected(enc, dec, edits, crlf);
		if (out->len != want->len || (out->len && memcmp(out->data, want->data, out->len) != 0)) {
			char *a = g_strndup((const char *)enc->data, enc->len), *b = g_strndup((const char *)out->data, out->len), *c = g_strndup((const char *)want->data, want->len);
			char *ea = g_strescape(a, NULL), *eb = g_strescape(b, NULL), *ec = g_strescape(c, NULL);

			g_test_message("iteration %d (crlf %d): output differs: part \"%s\" gave \"%s\" want \"%s\"", it, crlf, ea, eb, ec);
			for (guint q = 0; q < edits->len; q++)
				g_test_message("edit %zu %zu %s", g_array_index(edits, sm_edit, q).start, g_array_index(edits, sm_edit, q).end, g_array_index(edits, sm_edit, q).ascii ? g_array_index(edits, sm_edit, q).ascii : "(mask)");
			g_test_fail();
			break;
		}
		if (edits->len == 0 && valid_qp(enc->data, enc->len, crlf)) {
			g_assert_cmpmem(out->data, out->len, enc->data, enc->len);
			unchanged++;
		}
		g_byte_array_unref(lf);
		g_byte_array_unref(enc);
		g_byte_array_unref(dec);
		g_byte_array_unref(out);
		g_byte_array_unref(want);
		g_byte_array_unref(nd);
		g_array_free(edits, TRUE);
	}
	g_assert_cmpint(unchanged, >, 1000); /* the test sees unchanged parts */
	g_byte_array_unref(t);
	g_rand_free(r);
}

/* Any encoded bytes (hostile, broken, lower-case hex, long lines, CR, NUL),
 * UTF-8 and ISO-2022-JP text: decodes to the new text, valid output. */
static void test_any(void)
{
	static const uint8_t alpha[] = "==\r\n\n 0a9Ffgx=\xe3\x80\t\x1b$B(J\x00\x7f~!";
	static const char *const labels[] = {"iso-8859-1", "utf-8", "iso-2022-jp"};
	GRand *r = g_rand_new_with_seed(18);
	GByteArray *enc = g_byte_array_new();

	for (int it = 0; it < 30000; it++) {
		size_t n = (size_t)g_rand_int_range(r, 0, 400);
		bool crlf = g_rand_boolean(r);
		sm_charset cs;
		GByteArray *dec, *out, *nd;
		GArray *edits;

		g_byte_array_set_size(enc, 0);
		for (size_t i = 0; i < n; i++) {
			uint8_t c = alpha[g_rand_int_range(r, 0, sizeof(alpha) - 1)];

			g_byte_array_append(enc, &c, 1);
		}
		dec = decode(enc->data, enc->len);
		sm_charset_resolve(labels[it % 3], dec->data, dec->len, &cs);
		if (cs.kind == SM_CS_UTF7) {
			g_byte_array_unref(dec);
			continue;
		}
		edits = random_edits(r, dec->len);
		out = splice(&cs, enc, dec, edits, crlf, &nd);
		g_byte_array_unref(dec);
		g_byte_array_unref(out);
		g_byte_array_unref(nd);
		g_array_free(edits, TRUE);
	}
	g_byte_array_unref(enc);
	g_rand_free(r);
}

/* The longest line kept, one longer re-encoded; a blank before a hard line
 * end, lower-case hex and the other line end re-encoded too. */
static void test_limits(void)
{
	static const struct {
		const char *tail; /* after the first line's 76 characters */
		bool crlf, kept;
		int cut;          /* characters fewer in the first line */
	} t[] = {
		{"\nnext\n", false, true, 0},      /* 76 characters */
		{"z\nnext\n", false, false, 0},    /* 77 */
		{"=\nnext\n", false, true, 1},     /* 75 and a soft line break: 76 with "=" */
		{"z=\nnext\n", false, false, 0},   /* 77 with "=" */
		{"\r\nnext\r\n", true, true, 0},   /* 76 before CRLF */
		{"z\r\nnext\r\n", true, false, 0}, /* 77 before CRLF */
		{"\r\nnext\n", false, false, 0},   /* CRLF in a part of LF line ends */
		{" \nnext\n", false, false, 1},     /* a blank before the line end */
		{"=3d\nnext\n", false, false, 3},   /* lower-case hex */
		{"=3D\nnext\n", false, true, 3},    /* upper-case hex */
	};
	sm_charset cs;
	char l76[77];

	memset(l76, 'a', 76);
	l76[76] = 0;
	sm_charset_resolve("us-ascii", (const uint8_t *)"a", 1, &cs);
	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		char *s = g_strconcat(l76 + t[i].cut, t[i].tail, NULL);
		GByteArray *enc = g_byte_array_new(), *dec, *out, *nd;
		GArray *edits = g_array_new(FALSE, FALSE, sizeof(sm_edit));
		sm_edit ed;
		size_t first;

		g_byte_array_append(enc, (const guint8 *)s, (guint)strlen(s));
		dec = decode(enc->data, enc->len);
		ed.start = dec->len - 2 - t[i].crlf; /* "next": only the last line changes */
		ed.end = ed.start + 1;
		ed.ascii = NULL;
		g_array_append_val(edits, ed);
		out = splice(&cs, enc, dec, edits, t[i].crlf, &nd);
		first = (size_t)(strchr(s, '\n') - s) + 1;
		g_test_message("case %zu", i);
		g_assert_cmpint(out->len >= first && memcmp(out->data, s, first) == 0, ==, t[i].kept);
		g_byte_array_unref(enc);
		g_byte_array_unref(dec);
		g_byte_array_unref(out);
		g_byte_array_unref(nd);
		g_array_free(edits, TRUE);
		g_free(s);
	}
}

/* The encoder: decodes back, valid, lines filled to 76 and no further. */
static void test_encode(void)
{
	static const char alpha[] = "aZ =\t\r\n.\xe9\x00~";
	GRand *r = g_rand_new_with_seed(76);
	GByteArray *t = g_byte_array_new();

	for (int it = 0; it < 20000; it++) {
		bool crlf = g_rand_boolean(r), more = g_rand_boolean(r);
		size_t n = (size_t)g_rand_int_range(r, 0, 400);
		GByteArray *out = g_byte_array_new(), *back, *want;

		g_byte_array_set_size(t, 0);
		for (size_t i = 0; i < n; i++) {
			char c = alpha[g_rand_int_range(r, 0, sizeof(alpha) - 1)];

			if (g_rand_int_range(r, 0, 3))
				c = 'w';
			g_byte_array_append(t, (const guint8 *)&c, 1);
		}
		g_byte_array_append(out, (const guint8 *)"x", 1);
		sm_qp_encode(t->data, t->len, crlf, more, out);
		g_assert_cmpint(out->data[0], ==, 'x');
		g_assert_true(valid_qp(out->data + 1, out->len - 1, crlf));
		if (more && t->len && !(t->data[t->len - 1] == '\n'))
			g_assert_true(out->len >= 3 && out->data[out->len - 1] == '\n' &&
				      out->data[out->len - 2 - crlf] == '=');
		back = decode(out->data + 1, out->len - 1);
		/* line ends come back as the part's: LF, or CRLF for LF and CRLF */
		want = g_byte_array_new();
		for (size_t i = 0; i < t->len; i++) {
			if (crlf && t->data[i] == '\r' && i + 1 < t->len && t->data[i + 1] == '\n')
				i++;
			if (crlf && t->data[i] == '\n')
				g_byte_array_append(want, (const guint8 *)"\r", 1);
			g_byte_array_append(want, t->data + i, 1);
		}
		g_assert_cmpmem(back->data, back->len, want->data, want->len);
		g_byte_array_unref(out);
		g_byte_array_unref(back);
		g_byte_array_unref(want);
	}
	g_byte_array_unref(t);
	g_rand_free(r);
}

/* Lines of 76 stay whole, 77 are broken; an "=XY" is not split. */
static void test_encode_width(void)
{
	static const struct {
		int plain;        /* literal characters */
		const char *tail; /* then */
		const char *want; /* the encoding after the plain characters */
	} t[] = {
		{76, "\n", "\n"},
		{77, "\n", "=\nww\n"},
		{73, "\xe9\n", "=E9\n"},        /* 76 with "=E9" at the end */
		{74, "\xe9\n", "=\n=E9\n"},     /* 77: broken before the triple */
		{72, "\xe9w\n", "=E9w\n"},      /* 76 */
		{73, "\xe9w\n", "=\n=E9w\n"},   /* the triple and the soft "=" do not fit */
		{75, " \n", "=\n=20\n"},        /* a blank at the end is encoded, and wraps */
		{74, " x\n", " x\n"},          /* 76 */
		{75, " x\n", "=\n x\n"},       /* 77 */
	};
	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		GByteArray *in = g_byte_array_new(), *out = g_byte_array_new();
		size_t tl = strlen(t[i].tail);

		for (int k = 0; k < t[i].plain; k++)
			g_byte_array_append(in, (const guint8 *)"w", 1);
		g_byte_array_append(in, (const guint8 *)t[i].tail, (guint)tl);
		sm_qp_encode(in->data, in->len, false, false, out);
		g_test_message("width case %zu", i);
		g_assert_true(valid_qp(out->data, out->len, false));
		g_assert_cmpuint(out->len, >=, (size_t)MIN(t[i].plain, 75));
		if (t[i].plain <= 76) {
			size_t p = (size_t)t[i].plain;

			g_assert_cmpmem(out->data + p, out->len - p, t[i].want, strlen(t[i].want));
		} else
			g_assert_cmpmem(out->data + 75, out->len - 75, t[i].want, strlen(t[i].want));
		g_byte_array_unref(in);
		g_byte_array_unref(out);
	}
}

/* Spans that do not fit the part: refused, out as it was. */
static void test_refused(void)
{
	const char *enc = "abc\ndef\n";
	const sm_rw_span sp = {1, 2, 1, 3};
	GByteArray *out = g_byte_array_new();

	g_byte_array_append(out, (const guint8 *)"x", 1);
	g_assert_false(sm_qp_splice((const uint8_t *)enc, 8, 9, (const uint8_t *)"abc\ndef\n", 8,
				    NULL, 0, false, out)); /* wrong decoded length */
	g_assert_false(sm_qp_splice((const uint8_t *)enc, 8, 8, (const uint8_t *)"abc\ndef\n", 8, &sp,
				    1, false, out)); /* the span grows it: 9 bytes expected */
	g_assert_cmpuint(out->len, ==, 1);
	g_assert_true(sm_qp_splice((const uint8_t *)enc, 8, 8, (const uint8_t *)"aXXc\ndef\n", 9, &sp,
				   1, false, out));
	g_assert_cmpmem(out->data, out->len, "xaXXc\ndef\n", 10);
	g_byte_array_unref(out);
}

int main(int argc, char **argv)
{
	sm_test_init(&argc, &argv);
	g_mime_init();
	g_test_add_func("/qp_splice/encode", test_encode);
	g_test_add_func("/qp_splice/encode_width", test_encode_width);
	g_test_add_func("/qp_splice/exact", test_exact);
	g_test_add_func("/qp_splice/any", test_any);
	g_test_add_func("/qp_splice/limits", test_limits);
	g_test_add_func("/qp_splice/refused", test_refused);
	return g_test_run();
}
