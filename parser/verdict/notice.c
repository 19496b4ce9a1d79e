/*
 * notice.c - the sender's notice: a message to the envelope sender, in
 * Japanese and then English, saying which message, what was found where
 * (masked preview, never the value), what was done and what to do next.
 *
 * Input: the result (findings, rule outcomes, the masked Subject), the raw
 * header block (Date, automatic-reply and loop markers: untrusted, compared
 * and cut, made printable).  Only changed or rejected support mail from a
 * real sender gets one: never a bounce (null sender), an automatic reply,
 * a notice coming back (X-Support-Milter-Notice: a loop), mail from a
 * support address or from the notice's own address.  Lists are bounded
 * (NOTICE_MAX_LINES findings).
 */
#include "notice_tmpl.h"
#include "result.h"

#include <string.h>

#define NOTICE_MAX_LINES 20
#define NOTICE_HEADER "X-Support-Milter-Notice"

/* ---------------------------------------------------------------- words */

static const char *const det_ja[][2] = {
	{"credit_card", "クレジットカード番号"},
	{"password", "パスワード"},
	{"private_key", "秘密鍵"},
	{"cloud_secret", "クラウドのアクセスキー・トークン"},
	{"my_number", "マイナンバー（個人番号）"},
	{"mde_onboarding", "オンボーディング／オフボーディング スクリプト・パッケージ"},
	{"encrypted_archive", "暗号化された圧縮ファイル（中身を確認できません）"},
	{"unreadable_archive", "最後まで読み取れない圧縮ファイル（壊れているか不完全です）"},
	{"encrypted_pdf", "暗号化された PDF（中身を確認できません）"},
	{"unreadable_pdf", "文字を読み取れない PDF（作り直してください）"},
	{"uninspected", "中身を確認できない添付ファイル"},
	{"unstrippable", "削除できない添付ファイル"},
};

static const char *detector_words(const sm_finding *f, int lang)
{
	size_t i;

	for (i = 0; lang == SM_NOTICE_JA && i < G_N_ELEMENTS(det_ja); i++)
		if (strcmp(f->detector, det_ja[i][0]) == 0)
			return det_ja[i][1];
	return f->label ? f->label : f->detector;
}

/* s made printable (controls and bidi marks out), at most max characters. */
static void printable(GString *g, const char *s, glong max)
{
	char *v = g_utf8_make_valid(s ? s : "", -1);
	const char *p;
	glong n = 0;

	for (p = v; *p && n < max; p = g_utf8_next_char(p), n++) {
		gunichar c = g_utf8_get_char(p);

		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || (c >= 0x202a && c <= 0x202e) ||
		    (c >= 0x2066 && c <= 0x2069))
			g_string_append_c(g, ' ');
		else
			g_string_append_unichar(g, c);
	}
	if (*p)
		g_string_append(g, "...");
	g_free(v);
}

static void where_words(GString *g, const sm_finding *f, int lang)
{
	const char *w = sm_finding_where(f);
	bool ja = lang == SM_NOTICE_JA;

	if (strcmp(w, "attachment") == 0) {
		g_string_append(g, ja ? "添付ファイル「" : "attachment \"");
		printable(g, f->filename ? f->filename : f->location, 120);
		g_string_append(g, ja ? "」" : "\"");
		if (f->member) {
			g_string_append(g, ja ? "の「" : ", file \"");
			printable(g, f->member, 120);
			g_string_append(g, ja ? "」" : "\"");
		}
	} else if (strcmp(w, "subject") == 0)
		g_string_append(g, ja ? "件名" : "the Subject");
	else if (strcmp(w, "header") == 0)
		g_string_append(g, ja ? "ヘッダー" : "a header field");
	else if (strcmp(w, "quoted") == 0)
		g_string_append(g, ja ? "引用部分" : "the quoted part");
	else
		g_string_append(g, ja ? "本文" : "the message text");
}

static bool acted(const sm_finding *f)
{
	return !f->relaxed && f->action >= SM_ACT_MASK && f->action != SM_ACT_TEMPFAIL;
}

static const char *rule_words(const sm_rule_outcome *o, int lang)
{
	static const char *const ja[][2] = {
		{"subject_sr", "件名に SR 番号（TrackingID#…）がない、または複数あります"},
		{"severity_a", "メールで重大度 A に変更しようとしています"},
		{"feature_request", "機能要望（製品への変更依頼）はメールでは受け付けていません"},
		{"attachments", "添付ファイルの数または大きさが上限を超えています"},
	};
	size_t i;

	if (lang == SM_NOTICE_EN)
		return o->reply && *o->reply ? o->reply : o->rule;
	for (i = 0; i < G_N_ELEMENTS(ja); i++)
		if (strcmp(o->rule, ja[i][0]) == 0)
			return ja[i][1];
	return "サポートへのメールのルールに合いません";
}

/* ---------------------------------------------------------------- parts */

static void findings_text(GString *g, const sm_result *r, int lang)
{
	guint i, n = 0, more = 0;

	for (i = 0; i < r->findings->len; i++) {
		const sm_finding *f = &g_array_index(r->findings, sm_finding, i);

		if (!acted(f))
			continue;
		if (n++ >= NOTICE_MAX_LINES) {
			more++;
			continue;
		}
		g_string_append(g, "  - ");
		g_string_append(g, detector_words(f, lang));
		g_string_append(g, lang == SM_NOTICE_JA ? "（" : " (");
		where_words(g, f, lang);
		if (f->preview && strcmp(f->preview, "-") != 0) {
			g_string_append(g, lang == SM_NOTICE_JA ? "、" : ", shown as ");
			printable(g, f->preview, 80);
		}
		g_string_append(g, lang == SM_NOTICE_JA ? "）\n" : ")\n");
	}
	for (i = 0; i < r->outcomes->len; i++) {
		const sm_rule_outcome *o = &g_array_index(r->outcomes, sm_rule_outcome, i);

		if (o->action != SM_ACT_REJECT)
			continue;
		g_string_append(g, "  - ");
		printable(g, rule_words(o, lang), 400);
		g_string_append_c(g, '\n');
	}
	if (more)
		g_string_append_printf(g, lang == SM_NOTICE_JA ? "  ほか %u 件\n" : "  and %u more\n",
				       more);
	if (g->len && g->str[g->len - 1] == '\n')
		g_string_truncate(g, g->len - 1);
}

static bool any_finding(const sm_result *r, const char *det, sm_act act)
{
	guint i;

	for (i = 0; i < r->findings->len; i++) {
		const sm_finding *f = &g_array_index(r->findings, sm_finding, i);

		if (acted(f) && (!det || strcmp(f->detector, det) == 0) &&
		    (act == SM_ACT_NONE || f->action == act))
			return true;
	}
	return false;
}

static bool rule_rejected(const sm_result *r, const char *rule)
{
	guint i;

	for (i = 0; i < r->outcomes->len; i++) {
		const sm_rule_outcome *o = &g_array_index(r->outcomes, sm_rule_outcome, i);

		if (o->action == SM_ACT_REJECT && strcmp(o->rule, rule) == 0)
			return true;
	}
	return false;
}

static const char *done_text(const sm_result *r, int lang)
{
	bool ja = lang == SM_NOTICE_JA, strip = any_finding(r, NULL, SM_ACT_STRIP),
	     mask = any_finding(r, NULL, SM_ACT_MASK);

	if (r->verdict == SM_V_REJECT)
		return ja ? "送信を止めました（サポートには届いていません）"
			  : "The message was not sent (support did not receive it).";
	if (strip && mask)
		return ja ? "マスクし、添付ファイルを削除して送信しました"
			  : "It was sent with the values masked and the attachment removed.";
	if (strip)
		return ja ? "添付ファイルを削除して送信しました"
			  : "It was sent without the attachment.";
	return ja ? "マスクして送信しました" : "It was sent with the values masked.";
}

static void next_text(GString *g, const sm_result *r, int lang, const char *phone)
{
	bool ja = lang == SM_NOTICE_JA;

	if (r->verdict == SM_V_REJECT)
		g_string_append(g, ja ? "  - 上の点を直して（該当する情報を削除して）から、もう一度送信してください。\n"
				      : "  - Correct the points above (remove the information) and send the "
					"message again.\n");
	else
		g_string_append(g, ja ? "  - 伏せ字にした部分や削除した添付ファイルはサポートに届いていません。"
				         "機密情報はメールで送らないでください。\n"
				      : "  - Support did not receive the masked values or the removed "
					"attachment. Never send confidential data by mail.\n");
	if (any_finding(r, "mde_onboarding", SM_ACT_NONE))
		g_string_append(g, ja ? "  - オンボーディング／オフボーディングのスクリプトやパッケージは、"
				         "どのような場合もサポートに送らないでください。\n"
				      : "  - Never send onboarding or offboarding scripts or packages to "
					"support, whatever the reason.\n");
	if (rule_rejected(r, "severity_a")) {
		if (phone && *phone)
			g_string_append_printf(g, ja ? "  - 重大度 A の対応が必要な場合は、電話でお問い合わせください: %s\n"
						     : "  - If you need severity A, call: %s\n", phone);
		else
			g_string_append(g, ja ? "  - 重大度 A の対応が必要な場合は、サポートポータルから電話で"
					         "新しい問い合わせを開いてください。\n"
					      : "  - If you need severity A, open a new request by phone "
						"through the support portal.\n");
	}
	if (g->len && g->str[g->len - 1] == '\n')
		g_string_truncate(g, g->len - 1);
}

/* ---------------------------------------------------------------- headers */

/* The unfolded value of the first top-level field name (cut at 200), or NULL. */
static char *field(const sm_result *r, const char *name)
{
	const char *p = (const char *)sm_result_bytes(r), *e;
	size_t nl = strlen(name);

	if (!p)
		return NULL;
	e = p + r->hdr_end;
	while (p < e) {
		const char *eol = memchr(p, '\n', e - p), *end = eol ? eol + 1 : e;

		while (end < e && (*end == ' ' || *end == '\t')) {
			eol = memchr(end, '\n', e - end);
			end = eol ? eol + 1 : e;
		}
		if ((size_t)(end - p) > nl && p[nl] == ':' && g_ascii_strncasecmp(p, name, nl) == 0) {
			GString *g = g_string_new(NULL);
			char *v = g_strndup(p + nl + 1, MIN((size_t)(end - p - nl - 1), 200));

			printable(g, g_strstrip(v), 200);
			g_free(v);
			return g_string_free(g, FALSE);
		}
		p = end;
	}
	return NULL;
}

static bool bulk(const char *v)
{
	return v && (!g_ascii_strcasecmp(v, "bulk") || !g_ascii_strcasecmp(v, "junk") ||
		     !g_ascii_strcasecmp(v, "list") || !g_ascii_strcasecmp(v, "auto_reply"));
}

/* An automatic reply, a bulk message, or one of our own notices (a loop):
 * why, or NULL. */
static const char *automatic(const sm_result *r)
{
	char *loop = field(r, NOTICE_HEADER), *as = field(r, "Auto-Submitted");
	char *prec = field(r, "Precedence");
	const char *why = NULL;

	if (loop)
		why = "a notice of ours (loop)";
	else if (r->auto_reply || (as && g_ascii_strncasecmp(as, "no", 2) != 0) || bulk(prec))
		why = "an automatic reply or bulk message";
	g_free(loop);
	g_free(as);
	g_free(prec);
	return why;
}

/* The envelope sender as local@domain, or NULL (null sender, not a plain
 * address: no space, control, bracket or comma, which could forge a header
 * line or an SMTP command). */
static char *bare_sender(const sm_result *r)
{
	const char *s = r->sender, *e;

	if (!s)
		return NULL;
	while (*s == '<' || *s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && (*(e - 1) == '>' || *(e - 1) == ' '))
		e--;
	if (e - s < 3 || e - s > 254 || !memchr(s, '@', e - s))
		return NULL;
	for (const char *p = s; p < e; p++) /* it goes into a header line and RCPT TO */
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == ',')
			return NULL;
	return g_strndup(s, e - s);
}

/* Why no notice is sent whatever the sender and header block, or NULL. */
static const char *outcome_why_not(const sm_result *r)
{
	const sm_notice_conf *n = sm_policy_notice(r->policy);
	bool changed = r->verdict == SM_V_REJECT ||
		       (r->verdict == SM_V_MODIFY &&
			(any_finding(r, NULL, SM_ACT_MASK) || any_finding(r, NULL, SM_ACT_STRIP)));

	if (!n->enabled)
		return "notices are off";
	if (!r->support || r->dry_run || r->failed || !changed)
		return "the message was not changed or rejected";
	return NULL;
}

bool sm_result_reads_message(const sm_result *r)
{
	return sm_result_body_changed(r) || !outcome_why_not(r);
}

const char *sm_notice_why_not(const sm_result *r, const char *sender)
{
	const sm_notice_conf *n = sm_policy_notice(r->policy);
	const char *why = outcome_why_not(r);

	if (why)
		return why;
	if (!sender)
		return "null sender (a bounce) or not a plain address";
	if (sm_policy_is_support_rcpt(r->policy, sender) ||
	    (n->from && g_ascii_strcasecmp(n->from, sender) == 0))
		return "the sender is a support or notice address";
	if (!sm_result_bytes(r))
		return "the message could not be read";
	return automatic(r);
}

/* ---------------------------------------------------------------- message */

typedef struct vars {
	const char *v[16]; /* parallel to sm_notice_placeholders */
} vars;

static void render(GString *out, const char *tmpl, const vars *vs)
{
	const char *p = tmpl;

	while (*p) {
		const char *e = *p == '{' ? strchr(p, '}') : NULL;
		size_t i;

		if (e && e - p - 1 > 0 && e - p - 1 < 32) {
			for (i = 0; sm_notice_placeholders[i]; i++)
				if (strlen(sm_notice_placeholders[i]) == (size_t)(e - p - 1) &&
				    memcmp(p + 1, sm_notice_placeholders[i], e - p - 1) == 0)
					break;
			if (sm_notice_placeholders[i]) {
				g_string_append(out, vs->v[i] ? vs->v[i] : "");
				p = e + 1;
				continue;
			}
		}
		g_string_append_c(out, *p++);
	}
}

/* One language's text. */
static void language(GString *out, const sm_result *r, int lang, const char *sender,
		     const char *date, const char *qid)
{
	bool ja = lang == SM_NOTICE_JA;
	const sm_notice_conf *n = sm_policy_notice(r->policy);
	GString *subj = g_string_new(NULL), *fnd = g_string_new(NULL), *next = g_string_new(NULL);
	vars vs = {{NULL}};

	if (r->subject && *r->subject)
		printable(subj, r->subject, 200);
	else
		g_string_append(subj, ja ? "（件名なし）" : "(no subject)");
	findings_text(fnd, r, lang);
	next_text(next, r, lang, n->severity_a_phone);
	vs.v[0] = sender;
	vs.v[1] = subj->str;
	vs.v[2] = date;
	vs.v[3] = r->sr[0] ? r->sr : (ja ? "なし" : "none");
	vs.v[4] = qid;
	vs.v[5] = r->message_id ? r->message_id : "";
	vs.v[6] = fnd->str;
	vs.v[7] = done_text(r, lang);
	vs.v[8] = next->str;
	vs.v[9] = sm_policy_url(r->policy);
	render(out, r->policy->notice_tmpl[lang], &vs);
	g_string_free(subj, TRUE);
	g_string_free(fnd, TRUE);
	g_string_free(next, TRUE);
}

static void header_line(GString *g, const char *name, const char *value)
{
	g_string_append_printf(g, "%s: %s\n", name, value);
}

/* RFC 2047 "B" encoding of a UTF-8 Subject, in words of at most 45 bytes
 * (whole characters), folded. */
static void encoded_subject(GString *g, const char *s)
{
	const char *p = s;

	g_string_append(g, "Subject:");
	while (*p) {
		const char *q = p;
		char *b;

		while (*q && g_utf8_next_char(q) - p <= 45)
			q = g_utf8_next_char(q);
		b = g_base64_encode((const guchar *)p, q - p);
		g_string_append_printf(g, "%s=?UTF-8?B?%s?=", p == s ? " " : "\n ", b);
		g_free(b);
		p = q;
	}
	g_string_append_c(g, '\n');
}

static void notice_headers(GString *g, const sm_result *r, const char *sender, time_t now)
{
	const sm_notice_conf *n = sm_policy_notice(r->policy);
	GDateTime *dt = g_date_time_new_from_unix_local(now);
	char *date = g_date_time_format(dt, "%a, %d %b %Y %H:%M:%S %z");
	const char *dom = strrchr(n->from, '@');
	char *id = g_strdup_printf("<notice.%" G_GINT64_FORMAT ".%08x%08x%s>", (gint64)now,
				   g_random_int(), g_random_int(), dom ? dom : "@support-milter.invalid");

	header_line(g, "From", n->from);
	header_line(g, "To", sender);
	encoded_subject(g, r->verdict == SM_V_REJECT
				   ? "[サポートメール] 送信を止めました / Your mail to support was not sent"
				   : "[サポートメール] 内容を変更して送信しました / Your mail to support was changed");
	header_line(g, "Date", date);
	header_line(g, "Message-ID", id);
	if (r->message_id && strlen(r->message_id) < 200 && !strpbrk(r->message_id, "\r\n<>")) {
		char *ref = g_strdup_printf("<%s>", r->message_id);

		header_line(g, "In-Reply-To", ref);
		header_line(g, "References", ref);
		g_free(ref);
	}
	header_line(g, "Auto-Submitted", "auto-generated");
	header_line(g, "X-Auto-Response-Suppress", "All");
	header_line(g, NOTICE_HEADER, "1");
	header_line(g, "MIME-Version", "1.0");
	header_line(g, "Content-Type", "text/plain; charset=UTF-8");
	header_line(g, "Content-Transfer-Encoding", "base64");
	g_string_append_c(g, '\n');
	g_free(id);
	g_free(date);
	g_date_time_unref(dt);
}

char *sm_result_notice(const sm_result *r, const char *queue_id, time_t now,
		       const char **why_not)
{
	char *sender = bare_sender(r), *date, *b64;
	GString *body, *msg;
	GDateTime *dt;
	size_t i, n;

	*why_not = sm_notice_why_not(r, sender);
	if (*why_not) {
		g_free(sender);
		return NULL;
	}
	if (!(date = field(r, "Date"))) {
		dt = g_date_time_new_from_unix_local(now);
		date = g_date_time_format(dt, "%Y-%m-%d %H:%M %z");
		g_date_time_unref(dt);
	}
	body = g_string_new(NULL);
	language(body, r, SM_NOTICE_JA, sender, date, queue_id ? queue_id : "-");
	g_string_append(body, "\n----------------------------------------------------------------\n\n");
	language(body, r, SM_NOTICE_EN, sender, date, queue_id ? queue_id : "-");
	msg = g_string_new(NULL);
	notice_headers(msg, r, sender, now);
	b64 = g_base64_encode((const guchar *)body->str, body->len);
	for (i = 0, n = strlen(b64); i < n; i += 76)
		g_string_append_printf(msg, "%.76s\n", b64 + i);
	g_free(b64);
	g_string_free(body, TRUE);
	g_free(date);
	g_free(sender);
	return g_string_free(msg, FALSE);
}
