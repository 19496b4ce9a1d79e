/*
 * notice_tmpl.c - the sender notice's templates (docs/notice.md): the
 * built-in Japanese and English texts (the same as conf/notice.ja.txt and
 * conf/notice.en.txt), or files the administrator edits.
 *
 * Input: the template files (administrator).  Limits: 64 KiB each, valid
 * UTF-8, and only known {placeholders}: a typo is a configuration error with
 * the file and line, not a notice with a literal "{subjcet}".
 */
#include "notice_tmpl.h"

#include <stdio.h>
#include <string.h>

#define TMPL_MAX (64 * 1024)

static const char builtin_ja[] =
	"{sender} 様\n"
	"\n"
	"サポート宛てに送信されたメールに、サポートに送ってはいけない情報が含まれて\n"
	"いたため、自動的に処理しました。\n"
	"（このメールは自動送信です。返信しないでください）\n"
	"\n"
	"■ 対象のメール\n"
	"  件名: {subject}\n"
	"  日時: {date}\n"
	"  SR 番号: {sr}\n"
	"\n"
	"■ 見つかった情報\n"
	"{findings}\n"
	"\n"
	"■ 行った処理\n"
	"  {done}\n"
	"\n"
	"■ お願い\n"
	"{next}\n"
	"\n"
	"サポートへのメールの送り方: {policy_url}\n";

static const char builtin_en[] =
	"Dear {sender},\n"
	"\n"
	"Your mail to support contained information that must not be sent to support,\n"
	"and it was handled automatically.\n"
	"(This is an automatic message; please do not reply.)\n"
	"\n"
	"The message\n"
	"  Subject: {subject}\n"
	"  Date: {date}\n"
	"  SR number: {sr}\n"
	"\n"
	"What was found\n"
	"{findings}\n"
	"\n"
	"What was done\n"
	"  {done}\n"
	"\n"
	"What to do next\n"
	"{next}\n"
	"\n"
	"How to send mail to support: {policy_url}\n";

const char *const sm_notice_placeholders[] = {"sender", "subject", "date", "sr", "queue_id",
					      "message_id", "findings", "done", "next",
					      "policy_url", NULL};

const char *sm_notice_builtin(int lang)
{
	return lang == SM_NOTICE_JA ? builtin_ja : builtin_en;
}

/* Every {name} in t is a known placeholder; -1 with "path:line: ..." if not. */
static int check_placeholders(const char *t, const char *path, char *err, size_t errlen)
{
	const char *p = t;
	unsigned line = 1;

	for (; *p; p++) {
		const char *e;
		char name[32];

		if (*p == '\n')
			line++;
		if (*p != '{' || !(e = strchr(p, '}')) || e - p - 1 <= 0 || e - p - 1 >= 32 ||
		    memchr(p, '\n', e - p))
			continue;
		memcpy(name, p + 1, e - p - 1);
		name[e - p - 1] = '\0';
		if (!g_strv_contains(sm_notice_placeholders, name)) {
			snprintf(err, errlen, "%s:%u: unknown placeholder {%s} (known: sender, subject, "
				 "date, sr, queue_id, message_id, findings, done, next, policy_url)",
				 path, line, name);
			return -1;
		}
		p = e;
	}
	return 0;
}

char *sm_notice_template_load(const char *path, int lang, char *err, size_t errlen)
{
	gchar *text = NULL;
	gsize len = 0;
	GError *e = NULL;

	if (!path || !*path)
		return g_strdup(sm_notice_builtin(lang));
	if (!g_file_get_contents(path, &text, &len, &e)) {
		snprintf(err, errlen, "notice template %s: %s", path, e->message);
		g_error_free(e);
		return NULL;
	}
	if (len > TMPL_MAX || !g_utf8_validate(text, (gssize)len, NULL) || strlen(text) != len) {
		snprintf(err, errlen, "notice template %s: not UTF-8 text of at most 64 KiB", path);
		g_free(text);
		return NULL;
	}
	if (check_placeholders(text, path, err, errlen) < 0) {
		g_free(text);
		return NULL;
	}
	return text;
}
