/*
 * labels.c - the report's words in English and Japanese (--lang).  Keys are
 * the JSON and CSV ids, which never change with the language.
 */
#include "report.h"

#include <string.h>

static const struct {
	const char *key, *en, *ja;
} labels[] = {
	{"totals", "Totals", "合計"},
	{"by_period", "By period", "期間別"},
	{"by_detector", "By detector", "検出器別"},
	{"by_action", "By action", "処理別"},
	{"top_senders", "Top senders by findings", "検出件数の多い送信者"},
	{"by_sender", "By sender", "送信者別"},
	{"by_domain", "By sender domain", "送信者ドメイン別"},
	{"by_sr", "By SR number", "SR 番号別"},
	{"by_host", "By relay", "リレー別"},
	{"exceptions", "Exceptions used", "適用された例外"},
	{"rejected_messages", "Rejected messages", "拒否したメッセージ"},
	{"item", "Item", "項目"},
	{"value", "Value", "値"},
	{"files", "Files read", "読んだファイル"},
	{"records_read", "Records read", "読んだレコード"},
	{"corrupt_lines", "Corrupt lines skipped", "壊れた行（読み飛ばし）"},
	{"duplicates", "Duplicate records", "重複レコード"},
	{"filtered_out", "Filtered out", "条件外"},
	{"period", "Period", "期間"},
	{"detector", "Detector", "検出器"},
	{"action", "Action", "処理"},
	{"sender", "Sender", "送信者"},
	{"domain", "Domain", "ドメイン"},
	{"sr", "SR number", "SR 番号"},
	{"host", "Relay", "リレー"},
	{"exception", "Exception", "例外"},
	{"rank", "Rank", "順位"},
	{"messages", "Messages", "メッセージ"},
	{"with_findings", "With findings", "検出あり"},
	{"findings", "Findings", "検出"},
	{"occurrences", "Occurrences", "出現回数"},
	{"modified", "Modified", "変更"},
	{"rejected", "Rejected", "拒否"},
	{"tempfailed", "Tempfailed", "一時エラー"},
	{"time", "Time", "日時"},
	{"queue_id", "Queue ID", "キュー ID"},
	{"reply", "Reply", "応答"},
	{"report_title", "Support mail compliance report", "サポートメール コンプライアンス報告"},
	{"chart_daily", "Findings per day by detector", "日別・検出器別の検出件数"},
	{"chart_actions", "Messages by action", "処理別のメッセージ数"},
	{"chart_senders", "Top senders by findings", "検出件数の多い送信者"},
	{"chart_domains", "Top sender domains by findings", "検出件数の多い送信者ドメイン"},
	{"range", "Period covered", "対象期間"},
	{"generated", "Generated", "作成日時"},
	{"none", "(none)", "（なし）"},
	{"other", "other", "その他"},
	/* detectors in words */
	{"credit_card", "credit card number", "クレジットカード番号"},
	{"password", "password", "パスワード"},
	{"private_key", "private key", "秘密鍵"},
	{"cloud_secret", "cloud access key or token", "クラウドのアクセスキー・トークン"},
	{"my_number", "My Number", "マイナンバー"},
	{"mde_onboarding", "onboarding/offboarding material", "オンボーディング／オフボーディング資材"},
	{"encrypted_archive", "encrypted archive", "暗号化されたアーカイブ"},
	{"unreadable_archive", "unreadable archive", "読み取れないアーカイブ"},
	{"encrypted_pdf", "encrypted PDF", "暗号化された PDF"},
	{"unreadable_pdf", "unreadable PDF", "文字を読み取れない PDF"},
	{"uninspected", "uninspected content", "検査できない内容"},
	{"accept", "accepted", "そのまま配送"},
	{"modify", "delivered changed", "変更して配送"},
	{"reject", "rejected", "拒否"},
	{"quarantine", "quarantined", "隔離"},
	{"discard", "discarded", "破棄"},
	{"tempfail", "tempfailed", "一時エラー"},
};

const char *rp_label(rp_lang lang, const char *key)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(labels); i++)
		if (strcmp(labels[i].key, key) == 0)
			return lang == RP_LANG_JA ? labels[i].ja : labels[i].en;
	return key;
}
