/*
 * test_detect.c - the detectors on strings: positives and near misses for
 * every built-in detector, SR exclusion, previews.  Failure messages name
 * the case and the detector, never the test secret.
 */
#include "detect.h"
#include "testutil.h"

static sm_detectors *D;

static int det_index(const char *id)
{
	size_t i;

	for (i = 0; i < sm_detectors_count(D); i++)
		if (strcmp(sm_detectors_info(D, (unsigned)i)->id, id) == 0)
			return (int)i;
	return -1;
}

static GArray *scan(const char *text, const sm_scan_ctx *ctx, sm_view **vout)
{
	GArray *hits = g_array_new(FALSE, TRUE, sizeof(sm_hit));
	sm_view *v = sm_view_new_utf8(text, strlen(text));

	sm_detectors_scan(D, v, ctx, hits, 1000);
	*vout = v;
	return hits;
}

static unsigned count_of(GArray *hits, const char *id)
{
	int d = det_index(id);
	unsigned i, n = 0;

	for (i = 0; i < hits->len; i++)
		n += g_array_index(hits, sm_hit, i).det == (unsigned)d;
	return n;
}

/* The text holds `value` and det reports exactly that span (in the view). */
static void expect_value(const char *name, const char *text, const char *id, const char *value)
{
	sm_view *v;
	GArray *hits = scan(text, NULL, &v);
	char *fv = sm_fold(value, strlen(value));
	const char *at = strstr(v->text, fv);
	int d = det_index(id);
	bool found = false;
	unsigned i;

	g_assert_nonnull(at);
	for (i = 0; at && i < hits->len; i++) {
		sm_hit *h = &g_array_index(hits, sm_hit, i);

		if (h->det == (unsigned)d && h->start == (size_t)(at - v->text) &&
		    h->end == h->start + strlen(fv))
			found = true;
	}
	if (!found)
		g_test_message("case '%s': %s did not report the expected span (%u hits)", name, id,
			       hits->len);
	g_assert_true(found);
	g_free(fv);
	g_array_free(hits, TRUE);
	sm_view_free(v);
}

static void expect_none(const char *name, const char *text, const char *id)
{
	sm_view *v;
	GArray *hits = scan(text, NULL, &v);
	unsigned n = count_of(hits, id);

	if (n) {
		char *p = sm_detectors_preview(D, v, &g_array_index(hits, sm_hit, 0));

		g_test_message("case '%s': %s reported %u hit(s), first %s", name, id, n, p);
		g_free(p);
	}
	g_assert_cmpuint(n, ==, 0);
	g_array_free(hits, TRUE);
	sm_view_free(v);
}

/* ------------------------------------------------------------ cards */

static void test_card_positive(void)
{
	expect_value("visa spaces", "Card: 4111 1111 1111 1111 exp 12/27", "credit_card",
		     "4111 1111 1111 1111");
	expect_value("visa hyphens", "番号は 4242-4242-4242-4242 です", "credit_card",
		     "4242-4242-4242-4242");
	expect_value("visa plain", "card=4012888888881881;", "credit_card", "4012888888881881");
	expect_value("amex 4-6-5", "AMEX 3714 496353 98431.", "credit_card", "3714 496353 98431");
	expect_value("discover", "6011-1111-1111-1117,", "credit_card", "6011-1111-1111-1117");
	expect_value("mastercard 2-series", "MC 2223000048400011", "credit_card",
		     "2223000048400011");
	expect_value("jcb", "JCB 3530111333300000", "credit_card", "3530111333300000");
	expect_value("diners 14", "Diners 3056 930902 5904", "credit_card",
		     "3056 930902 5904");
	expect_value("diners 4-4-4-2", "Diners 3056-9309-0259-04 ", "credit_card",
		     "3056-9309-0259-04");
	expect_value("unionpay", "銀聯 6200000000000005 ", "credit_card", "6200000000000005");
	expect_value("nine after kana", "番号のカードは9の後ろ 4111111111111111", "credit_card",
		     "4111111111111111");
	expect_value("mynumber nine", "マイナンバーの９１２３４５６７８９０４", "my_number", "912345678904");
	expect_value("glued japanese", "カード番号4111111111111111の件", "credit_card",
		     "4111111111111111");
	expect_value("full-width", "カード番号：４１１１　１１１１　１１１１　１１１１", "credit_card",
		     "4111 1111 1111 1111");
	expect_value("after another number", "No. 12 4111 1111 1111 1111", "credit_card",
		     "4111 1111 1111 1111");
	expect_value("sentence end", "The card is 4111111111111111.", "credit_card",
		     "4111111111111111");
}

/* A grouped card wrapped at one of its spaces: format=flowed or a long line. */
static void test_card_wrapped(void)
{
	expect_value("flowed", "番号は 4111 1111 1111 \n1111 です", "credit_card",
		     "4111 1111 1111 \n1111");
	expect_value("flowed crlf", "card 4111 \r\n1111 1111 1111 ok", "credit_card",
		     "4111 \r\n1111 1111 1111");
	expect_value("long line", "Outlook wraps plain text at 76 characters, so the card number "
		     "4111 1111\n1111 1111 is cut in two.", "credit_card", "4111 1111\n1111 1111");
	expect_none("short lines", "Event IDs:\n4624 4625\n4634 4672\n", "credit_card");
	expect_none("one per line", "ports\n4111\n1111\n1111\n1111\n", "credit_card");
	expect_none("two groups", "We sent the two parts of the code as: 41111111 \n11111111 ok",
		    "credit_card");
	expect_none("luhn fail", "番号は 4111 1111 1111 \n1112 です", "credit_card");
}

/* Separators a person or a tool produces: ー typed by an IME, two spaces from a PDF. */
static void test_card_odd_separators(void)
{
	expect_value("choon", "カード番号：４１１１ー１１１１ー１１１１ー１１１１です", "credit_card",
		     "4111ー1111ー1111ー1111");
	expect_value("double space", "from the PDF: 4111  1111  1111  1111 ok", "credit_card",
		     "4111  1111  1111  1111");
	expect_none("choon luhn fail", "番号 4111ー1111ー1111ー1112 と サーバー 2ー3", "credit_card");
	expect_none("choon katakana", "サーバー1台、カード2枚、データー3件", "credit_card");
	/* HTML that splits a number with tags joins some groups: any sizes, with a keyword */
	expect_value("span split", "カード番号 411111111111 1111 です", "credit_card",
		     "411111111111 1111");
	expect_value("span split en", "card number: 4111 11111111 1111", "credit_card",
		     "4111 11111111 1111");
	expect_value("mixed separators", "カード番号 4111-1111 1111-1111 です", "credit_card",
		     "4111-1111 1111-1111");
	expect_none("mixed no keyword", "ids 4111-1111 1111-1111 ok", "credit_card");
	/* more digits typed on after the card, where a card keyword is near */
	expect_value("glued expiry", "カード番号: 4111111111111111202411 (有効期限込み)", "credit_card",
		     "4111111111111111");
	expect_value("glued group", "カード番号：4111 1111 1111 1111123", "credit_card",
		     "4111 1111 1111 1111");
	expect_none("glued no keyword", "hash 41111111111111110000123", "credit_card");
	/* issue 13: a number standing alone in irregular groups is a card */
	expect_value("odd groups no keyword", "Event 411111111111 1111 logged", "credit_card",
		     "411111111111 1111");
	expect_none("odd groups luhn fail", "カード番号 411111111111 1112", "credit_card");
}

static void test_card_near_miss(void)
{
	expect_none("guid", "DeviceId 7df63b2d-75a9-493b-9da8-0909211cc475", "credit_card");
	expect_none("kb", "KB5044281 and KB5044285 applied", "credit_card");
	expect_none("build", "OS build 10.0.19045.3693, platform 4.18.24090.11", "credit_card");
	expect_none("phone", "TEL +81-3-1234-5678 / 03-1234-5678", "credit_card");
	expect_none("ip", "Proxy 10.0.0.15:8080 and 192.168.100.200", "credit_card");
	expect_none("date", "2024-11-18 10:00:00 2024/11/18 20241118103000", "credit_card");
	expect_none("order luhn fail", "注文番号 4111 1111 1111 1112", "credit_card");
	expect_none("glued letters", "id=a4111111111111111f", "credit_card");
	expect_none("glued underscore", "trace_4111111111111111", "credit_card");
	expect_none("glued dot", "v4111111111111111.2 and 1.4111111111111111", "credit_card");
	expect_none("longer run", "hash 41111111111111110000123", "credit_card");
	expect_none("hex", "sha 0a4111111111111111ff", "credit_card");
	expect_none("unknown issuer", "9111111111111102 1111111111111117", "credit_card");
	expect_none("timestamp", "expirationTimestamp 133851744000000000", "credit_card");
}

static void test_card_sr(void)
{
	/* 2411220040639778: a Luhn-valid SR in the Mastercard 2-series range */
	const char *sr[] = {"2411220040639778", NULL};
	sm_scan_ctx ctx = {sr, NULL, 0, "k"};
	const char *text = "Number 2411220040639778 and also 2411220040639778 in the body";
	sm_view *v;
	GArray *hits;

	expect_value("sr bait without ctx", text, "credit_card", "2411220040639778");
	hits = scan(text, &ctx, &v);
	g_assert_cmpuint(count_of(hits, "credit_card"), ==, 0);
	g_array_free(hits, TRUE);
	sm_view_free(v);
	/* a real card beside the SR is still a card */
	hits = scan("SR 2411220040639778 card 4111 1111 1111 1111", &ctx, &v);
	g_assert_cmpuint(count_of(hits, "credit_card"), ==, 1);
	g_array_free(hits, TRUE);
	sm_view_free(v);
}

/* Irregular groupings standing alone, a number split after its keyword, and
 * the SR shape by context (no SR rules in the context). */
static void test_card_shapes(void)
{
	expect_value("12+4", "決済エラーになった番号：411111111111 1111", "credit_card",
		     "411111111111 1111");
	expect_value("4-4-4-2-2", "The payment for 4111 1111 1111 11 11 was declined.",
		     "credit_card", "4111 1111 1111 11 11");
	expect_value("split after keyword", "カード番号：4111 1111\n1111 1111\n", "credit_card",
		     "4111 1111\n1111 1111");
	expect_none("irregular, glued", "ID x411111111111 1111", "credit_card");
	expect_none("irregular, mixed separators", "4111-11111111 1111 ok", "credit_card");
	expect_none("irregular, group of one", "411111111111111 1", "credit_card");
	expect_none("split, no keyword", "Ports: 4111 1111\n1111 1111\n", "credit_card");
	expect_none("sr by case wording", "お問い合わせ番号 2411220040639778 の件です。", "credit_card");
	expect_none("sr by case wording en", "This looks like case 2411220040639778 from last month.",
		    "credit_card");
	expect_none("sr ticket", "Ticket: 2401020040037565", "credit_card");
	expect_value("not a date", "Case 2413320040639774 card", "credit_card", "2413320040639774");
	expect_value("cvv ja", "カード番号：4111 1111 1111 1111　有効期限：12/27　セキュリティコード：837",
		     "credit_card", "837");
	expect_value("cvv en", "Card 4111-1111-1111-1111, exp 11/26, CVV 4821", "credit_card", "4821");
	expect_none("cvv without card", "セキュリティコード：837 を入力してください。", "credit_card");
}

/* Through the SR rules (sr.c): keyword forms in the body, not the Subject's SR. */
static void test_card_sr_rules(void)
{
	char err[256];
	sm_sr *sr = sm_sr_load(NULL, err, sizeof(err));
	struct tm tm = {.tm_year = 124, .tm_mon = 11, .tm_mday = 1, .tm_hour = 12};
	sm_scan_ctx ctx = {NULL, sr, timegm(&tm), "k"};
	static const char *const texts[] = {
		"関連SR番号 2411220040639778 の件です",
		"Related SR: 2411220040639778",
		"TrackingID#2411220040639778",
	};
	size_t i;

	g_assert_nonnull(sr);
	for (i = 0; sr && i < G_N_ELEMENTS(texts); i++) {
		sm_view *v;
		GArray *hits = scan(texts[i], &ctx, &v);

		if (count_of(hits, "credit_card"))
			g_test_message("SR form %zu masked as a card", i);
		g_assert_cmpuint(count_of(hits, "credit_card"), ==, 0);
		g_array_free(hits, TRUE);
		sm_view_free(v);
	}
	sm_sr_free(sr);
}

static void test_card_preview(void)
{
	sm_view *v;
	GArray *hits = scan("card 4111-1111-1111-1111 ok", NULL, &v);
	char *p;

	g_assert_cmpuint(hits->len, ==, 1);
	if (hits->len == 1) {
		sm_hit *h = &g_array_index(hits, sm_hit, 0);

		g_assert_cmpint(h->mask, ==, SM_MASK_DIGITS_KEEP4);
		p = sm_detectors_preview(D, v, h);
		g_assert_cmpstr(p, ==, "****-****-****-1111");
		g_free(p);
	}
	g_array_free(hits, TRUE);
	sm_view_free(v);
}

static void test_card_confidence(void)
{
	sm_view *v;
	GArray *hits = scan("クレジットカード番号 4111111111111111", NULL, &v);

	g_assert_cmpuint(hits->len, ==, 1);
	if (hits->len)
		g_assert_cmpint(g_array_index(hits, sm_hit, 0).confidence, >=, 90);
	g_array_free(hits, TRUE);
	sm_view_free(v);
	hits = scan("ref 4111111111111111 12/27", NULL, &v); /* an expiry date */
	g_assert_cmpuint(hits->len, ==, 1);
	if (hits->len)
		g_assert_cmpint(g_array_index(hits, sm_hit, 0).confidence, >=, 90);
	g_array_free(hits, TRUE);
	sm_view_free(v);
	hits = scan("ref 4111111111111111", NULL, &v);
	g_assert_cmpuint(hits->len, ==, 1);
	if (hits->len)
		g_assert_cmpint(g_array_index(hits, sm_hit, 0).confidence, <, 90);
	g_array_free(hits, TRUE);
	sm_view_free(v);
}

/* ------------------------------------------------------------ my number */

static void test_mynumber(void)
{
	/* 123456789018: check digit 8 is valid for 12345678901 */
	expect_value("mynumber plain", "マイナンバー: 123456789018", "my_number", "123456789018");
	expect_value("mynumber grouped", "個人番号 1234-5678-9018", "my_number", "1234-5678-9018");
	expect_none("mynumber bad check", "マイナンバー: 123456789012", "my_number");
	expect_none("mynumber no keyword", "伝票番号 123456789018", "my_number");
	expect_none("mynumber inside a card", "マイナンバー欄 4111 1111 1111 1111", "my_number");
	expect_none("mynumber inside a phone", "個人番号 03-1234-5678-9018", "my_number");
}


/* ------------------------------------------------------------ passwords */

static void test_password_forms(void)
{
	static const char *const cases[][3] = {
		{"jp colon", "ZIP のパスワード：Nara!5520\n", "Nara!5520"},
		{"PW colon", "login mde-admin, PW: Sapporo-2291\n", "Sapporo-2291"},
		{"assignment", "2024-11-18 user=svc password=Med#Log7781 host=x", "Med#Log7781"},
		{"pwd spaces", "pwd = Xk9#mP2q", "Xk9#mP2q"},
		{"is", "The Password is Xk9#mP2q.", "Xk9#mP2q"},
		{"wa", "初期パスワードは Tmp#2024abc です。", "Tmp#2024abc"},
		{"wa glued", "仮パスワードはAbc12345です", "Abc12345"},
		{"arrow", "パスワード → Qw3rty!9", "Qw3rty!9"},
		{"quoted jp", "ワンタイムパスワード：「Abc 123!」", "Abc 123!"},
		{"connection string", "Server=db02;User Id=sa;Password=Cfg!7731x;Encrypt=1",
		 "Cfg!7731x"},
		{"pwd connection", "Data Source=x;Uid=sa;Pwd=Cfg!7731x;", "Cfg!7731x"},
		{"url", "get ftp://uploader:Up%40load77@files.litware.co.jp/mde/", "Up%40load77"},
		{"net use", "net use Z: \\\\srv\\share /user:CORP\\admin S3cr3t!x", "S3cr3t!x"},
		{"net use before", "net use Z: \\\\srv\\share Bef0re!pw /user:CORP\\admin",
		 "Bef0re!pw"},
		{"securestring", "$p = ConvertTo-SecureString 'Pa$$w0rd!' -AsPlainText -Force",
		 "Pa$$w0rd!"},
		{"json", "{\"user\": \"a\", \"password\": \"hunter2x\"}", "hunter2x"},
		{"xml", "<Login><Password>Xml!Pass1</Password></Login>", "Xml!Pass1"},
		{"next line", "パスワード：\n  Next#Line9\n", "Next#Line9"},
		{"pin", "暗証番号: 4821", "4821"},
		{"full-width colon", "ＰＷ：Fw!pass77", "Fw!pass77"},
		{"passphrase", "passphrase = \"correct horse battery\"", "correct horse battery"},
		{"appSettings", "<add key=\"Password\" value=\"Web!cfg42\" />", "Web!cfg42"},
		{"env", "DB_PASSWORD=Env#Var77\n", "Env#Var77"},
		{"is colon", "The password is: Colon#99", "Colon#99"},
		{"wa colon", "パスワードは：Wa#Colon1", "Wa#Colon1"},
		{"note", "パスワード（初期）：Init#2024", "Init#2024"},
		{"note en", "Password (initial): Init#2025", "Init#2025"},
		{"table cell", "\tパスワード\t\tCell#Pw99\t", "Cell#Pw99"}, /* <td>s in the HTML view */
		{"tsv", "user\tpassword\nmdeops\tx\nPassword\tTsv!Pw42\n", "Tsv!Pw42"},
		{"env pass", "SMTP_USER=svc\nSMTP_PASS=Smtp_P4ss\n", "Smtp_P4ss"},
		{"yaml pass", "  db_pass: Yml#Pass7\n", "Yml#Pass7"},
		{"query pass", "GET /login?user=a&pass=Qry!Pass8 HTTP/1.1", "Qry!Pass8"},
		{"psexec", "PsExec.exe \\\\PC-01 -u CORP\\adm -p Ps3xec!Go -s cmd", "Ps3xec!Go"},
		{"psexec quoted", "psexec64 \\\\PC-01 -u adm -p \"Two Words!\" cmd", "Two Words!"},
		{"curl -u", "curl -u svc_mde:Curl#Pass5 https://proxy.local/", "Curl#Pass5"},
		{"curl proxy", "curl -x http://p:8080 --proxy-user svc:Prx!77z https://x/", "Prx!77z"},
		{"basic", "Proxy-Authorization: Basic c3ZjX21kZTpCYXNpY1Bhc3MxIQ==",
		 "c3ZjX21kZTpCYXNpY1Bhc3MxIQ=="},
		{"basic lower", "-H 'authorization: basic YWRtaW46U2VjcmV0MTIz'", "YWRtaW46U2VjcmV0MTIz"},
		{"camel json", "{\"ProxyUser\": \"svc\", \"ProxyPassword\": \"Prx#Json42\"}", "Prx#Json42"},
		{"camel reg", "\"DefaultPassword\"=\"K1osk#Logon\"", "K1osk#Logon"},
		{"unattend", "<AdministratorPassword><Value>Unatt3nd!Adm</Value>", "Unatt3nd!Adm"},
		{"asplaintext first", "ConvertTo-SecureString -AsPlainText \"Ps1#First\" -Force", "Ps1#First"},
		{"net user", "net user mdeadm N3tUser#1 /add", "N3tUser#1"},
		{"sqlcmd", "sqlcmd -S sql01 -U sa -P Sq1#Cmd77 -Q \"select 1\"", "Sq1#Cmd77"},
		{"id/pw spaced", "ID/PW: mdeadmin / Kensho#2024", "Kensho#2024"},
		{"id/pw glued", "ID/PW：mdeadmin/Kensho#2025", "Kensho#2025"},
		{"pointer next line", "パスワードは以下の通りです。\nIka#Pass2024\n", "Ika#Pass2024"},
		{"space only jp", "ユーザー名 mdeadm02 パスワード Sp4ce#Only9 でログイン", "Sp4ce#Only9"},
		{"space only en", "login with password Abcd1234Xy please", "Abcd1234Xy"},
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++)
		expect_value(cases[i][0], cases[i][1], "password", cases[i][2]);
}

/* A password column: a header cell that is a password keyword, the values in
 * its column below (CSV, TSV, Markdown, HTML rows as the view has them). */
static void test_password_columns(void)
{
	const char *csv = "ホスト名,ユーザー名,パスワード\nsrv01,\"admin, local\",Xk9#mP2qLz\n"
			  "srv02,svc,\"Qw7!rT5yUi\"\n\n以上です, よろしくお願いします\n";
	const char *md = "| ユーザー | パスワード | 備考 |\n|---|:---:|---|\n| admin | Md#Tbl2024 | 本番 |\n";
	const char *html = "\n\n\tuser\t\tPassword\t\n\n\tadmin\t\tHt!Ml7788\t\n\n\tsvc\t\tHt!Ml9900\t\n";

	expect_value("csv", csv, "password", "Xk9#mP2qLz");
	expect_value("csv quoted", csv, "password", "Qw7!rT5yUi");
	expect_value("tsv", "host\tuser\tpassword\nsrv01\tadmin\tTs#v2024x\n", "password",
		     "Ts#v2024x");
	expect_value("markdown", md, "password", "Md#Tbl2024");
	expect_value("html rows", html, "password", "Ht!Ml7788");
	expect_value("html second row", html, "password", "Ht!Ml9900");
	expect_none("column states", "user,password,備考\nadmin,Enabled,x\nsvc,N/A,y\nweb,****,z\n"
		    "db,2024/11/18,w\nap,設定済み,v\n", "password");
	expect_none("not the whole cell", "user,パスワード有効期限\nadmin,20241118x\n", "password");
	expect_none("keyword in prose", "パスワード, ユーザー名ともに変更していません\nadmin,Zz9#notvalue\n",
		    "password");
	expect_none("table ended", "user,password\n\n\nadmin,Xk9#mP2qLz\n", "password");
	/* Outlook writes each CSV line as a paragraph: a blank line between rows */
	expect_value("paragraph rows", "user,password\n\nadmin,Xk9#mP2qLz\n", "password", "Xk9#mP2qLz");
	expect_none("test report", "Suite,Pass,Fail\nSense,120,3\nNetwork,98,0\n", "password");
	expect_none("rows of labels", "項目\t設定値\nパスワード\t(別送)\nDB01\t192.168.0.10\nSQL-Srv2\tx\n",
		    "password");
	expect_value("pin column", "カード,暗証番号\nA,4821\n", "password", "4821");
}

/* mysql -pSECRET, and BitLocker recovery passwords where one is mentioned. */
static void test_password_mysql_bitlocker(void)
{
	expect_value("mysql", "mysql -u root -pMy#Sql2024 -h db01", "password", "My#Sql2024");
	expect_value("pass phrase", "pass phrase: correct-horse-battery-staple", "password",
		     "correct-horse-battery-staple");
	expect_none("mysql prompt", "mysql -u root -p -h db01", "password");
	expect_value("bitlocker", "BitLocker 回復キー:\n466895-217492-569250-069608-104434-135707-527241-083622",
		     "password", "466895-217492-569250-069608-104434-135707-527241-083622");
	expect_value("recovery", "Recovery Password: 111111-222222-333333-444444-555555-666666-777777-888888.",
		     "password", "111111-222222-333333-444444-555555-666666-777777-888888");
	expect_none("no context", "IDs 111111-222222-333333-444444-555555-666666-777777-888888", "password");
	expect_value("pin full-width space", "暗証番号　8392 です", "password", "8392");
	expect_value("account pair", "管理者アカウント admin / P@ssw0rd", "password", "P@ssw0rd");
	expect_value("sshpass", "sshpass -p Xk9mP2qz ssh root@srv01", "password", "Xk9mP2qz");
	expect_none("accounts", "Microsoft アカウント / Google アカウント、アカウント Google / Microsoft",
		    "password");
	expect_none("nine blocks", "BitLocker: 111111-222222-333333-444444-555555-666666-777777-888888-999999",
		    "password");
}

/* Login details with no password keyword: the second of NAME / SECRET. */
static void test_password_login_pair(void)
{
	expect_value("login info", "ログイン情報: admin / Xk9#mP2qLz", "password", "Xk9#mP2qLz");
	expect_value("auth info colon", "認証情報：svc_backup:Qw7!rT5yUi です", "password",
		     "Qw7!rT5yUi");
	expect_value("credentials", "Credentials: taro@example.co.jp / Cr3d#2024x", "password",
		     "Cr3d#2024x");
	expect_value("next line", "アカウント情報\nuser: admin / Acc0unt#77", "password",
		     "Acc0unt#77");
	expect_none("port", "接続情報: proxy.contoso.com:8080 経由", "password");
	expect_none("words", "認証情報: Azure AD / Entra ID", "password");
	expect_none("id/pw sent", "ログイン情報: ID/PW は別途送付します", "password");
	expect_none("placeholder", "credentials: CONTOSO\\svc / ****", "password");
	expect_none("manager", "資格情報マネージャー: Windows / Generic", "password");
	expect_none("protocols", "認証情報: Kerberos / NTLM、接続情報: TLS1.2/HTTPS", "password");
	expect_none("path", "接続情報: share:/mnt/data", "password");
	{
		/* a labelled list: only the PW value, never the ID */
		sm_view *v;
		GArray *hits = scan("■接続情報\nID: admin01\nPW: Summer2024!\n", NULL, &v);

		g_assert_cmpuint(count_of(hits, "password"), ==, 1);
		g_array_free(hits, TRUE);
		sm_view_free(v);
	}
}

static void test_password_prose(void)
{
	static const char *const cases[] = {
		"パスワードをリセットしました",
		"password reset link: https://example.com/reset",
		"パスワードを変更してください",
		"Password: (sent separately)",
		"パスワードは別途お送りします",
		"password is required",
		"the password is incorrect",
		"PW: 別送",
		"Password: ********",
		"password: <hidden>",
		"PasswordLastSet : 2024/11/18 10:00",
		"pwdLastSet: 133851744000000000",
		"passwords: see below",
		"Password: Never expires",
		"The password is the same as before.",
		"password = $env:SVC_PASSWORD",
		"Password=%DB_PASSWORD%",
		"パスワード：なし",
		"Password: [REDACTED]",
		"your password is case-sensitive",
		"pwd: /home/kevin/mde",
		"PW: 2024-11-18 10:00",
		"Password expires: 2025/01/31",
		"password_hash: 5f4dcc3b5aa765d61d8327deb882cf99x",
		"reset_password_link",
		"def ask_password(message: str) -> str:",
		"username, password = get_auth_from_url(proxy)",
		"self.password = config.password",
		"SEC_ERROR_BAD_PASSWORD = SEC_ERROR_BASE + 15",
		"pw = cfg[\"pw\"]",
		"ftp://user:pass@host/ and https://a:b@example.com/",
		"Reset your password: https://aka.ms/sspr",
		"Password reset: https://passwordreset.microsoftonline.com/",
		"Password\tNever expires",
		"user\tpassword\tcreated\n",
		"Tests pass: 120, fail: 3",
		"pass=120 fail=3",
		"All checks pass: ok",
		"to bypass: disable the proxy",
		"Authorization: Basic realm=\"proxy\"",
		"Authorization: Basic aGVsbG8gd29ybGQ=",
		"psexec -s -i cmd",
		"AdministratorPassword は LAPS で管理しています。",
		"PasswordNeverExpires : True",
		"net user mdeadm /domain",
		"net user alice returns nothing",
		"net user Administrator *",
		"sqlcmd -S sql01 -E -p",
		"ID/PW: 別途お送りします",
		"パスワードは以下の条件を満たす必要があります。\n- 12文字以上\n",
		"change password S-1-5-21-3623811015-3361044348-30300820-1013",
		"failed to set password 0x8007052D",
		"password hash e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"reset password for user01 at 10:00",
		"password 3c1e5a8b-7d2f-4e6a-9b0c-1d2e3f4a5b6c",
		"Password Hash Sync 2024",
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++)
		expect_none(cases[i], cases[i], "password");
}

static void test_password_preview(void)
{
	sm_view *v;
	GArray *hits = scan("PW: Sapporo-2291", NULL, &v);
	char *p;

	g_assert_cmpuint(hits->len, ==, 1);
	if (hits->len) {
		g_assert_cmpint(g_array_index(hits, sm_hit, 0).mask, ==, SM_MASK_FIXED);
		p = sm_detectors_preview(D, v, &g_array_index(hits, sm_hit, 0));
		g_assert_cmpstr(p, ==, "********");
		g_free(p);
	}
	g_array_free(hits, TRUE);
	sm_view_free(v);
}

/* ------------------------------------------------------------ keys, cloud */

static void test_private_key(void)
{
	const char *types[] = {"RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED ", ""};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(types); i++) {
		char *t = g_strdup_printf("key:\n-----BEGIN %sPRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n"
					  "AQEFAASCBKcwggSjAgEAAoIB\n-----END %sPRIVATE KEY-----\n",
					  types[i], types[i]);

		expect_value(types[i], t, "private_key",
			     "MIIEvQIBADANBgkqhkiG9w0B\nAQEFAASCBKcwggSjAgEAAoIB");
		g_free(t);
	}
	expect_none("public key", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----",
		    "private_key");
	expect_none("prose", "the \"-----BEGIN RSA PRIVATE KEY-----\" marker was found, then "
		    "-----END RSA PRIVATE KEY-----", "private_key");
	expect_value("encrypted header", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
		     "DEK-Info: AES-128-CBC,AB12\n\nMIIEvQIBADANBgkqhkiG9w0B\n-----END RSA PRIVATE KEY-----",
		     "private_key", "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,AB12\n\nMIIEvQIBADANBgkqhkiG9w0B");
	expect_value("json escaped", "{\"key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0B\\n"
		     "-----END PRIVATE KEY-----\\n\"}", "private_key", "MIIEvQIBADANBgkqhkiG9w0B");
	expect_none("certificate", "-----BEGIN CERTIFICATE-----\nMIIFiDCC\n-----END CERTIFICATE-----",
		    "private_key");
}

static void test_cloud(void)
{
	expect_value("account key",
		     "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=q1w2e3r4t5y6u7i8o9p0AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/abcdEfghIjklMnopQrstUv==;EndpointSuffix=core.windows.net",
		     "cloud_secret",
		     "q1w2e3r4t5y6u7i8o9p0AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/abcdEfghIjklMnopQrstUv==");
	expect_value("sas", "https://a.blob.core.windows.net/c?sv=2022-11-02&sr=c&sig=AbCdEf0123456789%2BxyzXYZ%3D&se=2025",
		     "cloud_secret", "AbCdEf0123456789%2BxyzXYZ%3D");
	expect_value("client secret", "client_secret=Zxy8Q~abcdefghijklmnopqrstuvwxyz0123456&x=1",
		     "cloud_secret", "Zxy8Q~abcdefghijklmnopqrstuvwxyz0123456");
	expect_value("entra bare", "secret value: Zxy8Q~abcdefghijklmnopqrstuvwxyz0123456 end",
		     "cloud_secret", "Zxy8Q~abcdefghijklmnopqrstuvwxyz0123456");
	expect_value("aws id", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", "cloud_secret",
		     "AKIAIOSFODNN7EXAMPLE");
	expect_value("aws secret",
		     "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
		     "cloud_secret", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
	expect_value("jwt",
		     "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk\n",
		     "cloud_secret",
		     "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk");
	expect_none("aws near sha1", "AKIA in docs; sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709",
		    "cloud_secret");
	expect_none("prose", "Please rotate the storage account key and the client secret.",
		    "cloud_secret");
	expect_none("signature word", "design=1&signature=yes", "cloud_secret");
	expect_value("github", "git clone https://x:ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8@github.com/c/r",
		     "cloud_secret", "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
	expect_value("github pat", "GH_TOKEN=github_pat_11ABCDEFG0123456789ABC_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456 ok",
		     "cloud_secret",
		     "github_pat_11ABCDEFG0123456789ABC_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456");
	expect_value("slack", "token xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx\n",
		     "cloud_secret", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx");
	expect_value("google", "key=AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q&x", "cloud_secret",
		     "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q");
	expect_none("token prefixes in prose", "the ghp_ prefix, a xoxb- token and AIza keys are "
		    "GitHub, Slack and Google formats; enough thought through", "cloud_secret");
}

int main(int argc, char **argv)
{
	char err[512];
	int rc;

	sm_test_init(&argc, &argv);
	D = sm_detectors_load(NULL, err, sizeof(err));
	g_assert_nonnull(D);
	g_test_add_func("/detect/card/positive", test_card_positive);
	g_test_add_func("/detect/card/near_miss", test_card_near_miss);
	g_test_add_func("/detect/card/wrapped", test_card_wrapped);
	g_test_add_func("/detect/card/odd_separators", test_card_odd_separators);
	g_test_add_func("/detect/card/sr", test_card_sr);
	g_test_add_func("/detect/card/sr_rules", test_card_sr_rules);
	g_test_add_func("/detect/card/shapes", test_card_shapes);
	g_test_add_func("/detect/card/preview", test_card_preview);
	g_test_add_func("/detect/card/confidence", test_card_confidence);
	g_test_add_func("/detect/my_number", test_mynumber);
	g_test_add_func("/detect/password/forms", test_password_forms);
	g_test_add_func("/detect/password/prose", test_password_prose);
	g_test_add_func("/detect/password/columns", test_password_columns);
	g_test_add_func("/detect/password/login_pair", test_password_login_pair);
	g_test_add_func("/detect/password/mysql_bitlocker", test_password_mysql_bitlocker);
	g_test_add_func("/detect/password/preview", test_password_preview);
	g_test_add_func("/detect/private_key", test_private_key);
	g_test_add_func("/detect/cloud_secret", test_cloud);
	rc = g_test_run();
	sm_detectors_free(D);
	return rc;
}
