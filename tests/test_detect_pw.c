/*
 * test_detect_pw.c - the password detector's value judgement
 * (detect_value.c), key names (detect_key.c), the command catalogue
 * (detect_cmd.c), the value on the next line and table cells (detect_pw.c,
 * detect_col.c): a hit and the near misses for every rule.  Failure
 * messages name the case, never the test secret.
 */
#include "detect.h"
#include "detect_int.h" /* VALUE_MAX */
#include "testutil.h"

static sm_detectors *D;
static int PW;

static GArray *scan(const char *text, sm_view **vout)
{
	GArray *hits = g_array_new(FALSE, TRUE, sizeof(sm_hit));
	sm_view *v = sm_view_new_utf8(text, strlen(text));

	sm_detectors_scan(D, v, NULL, hits, 1000);
	*vout = v;
	return hits;
}

/* The password detector reports exactly the span of `value` in text. */
static void hit(const char *name, const char *text, const char *value)
{
	sm_view *v;
	GArray *hits = scan(text, &v);
	const char *at = strstr(v->text, value);
	bool found = false;

	g_assert_nonnull(at);
	for (unsigned i = 0; at && i < hits->len; i++) {
		sm_hit *h = &g_array_index(hits, sm_hit, i);

		found = found || (h->det == (unsigned)PW && h->start == (size_t)(at - v->text) &&
				  h->end == h->start + strlen(value));
	}
	if (!found)
		g_test_message("case '%s': the value was not reported (%u hits)", name, hits->len);
	g_assert_true(found);
	g_array_free(hits, TRUE);
	sm_view_free(v);
}

/* No password hit at all. */
static void miss(const char *name, const char *text)
{
	sm_view *v;
	GArray *hits = scan(text, &v);
	unsigned n = 0;

	for (unsigned i = 0; i < hits->len; i++)
		n += g_array_index(hits, sm_hit, i).det == (unsigned)PW;
	if (n)
		g_test_message("case '%s': %u password hit(s)", name, n);
	g_assert_cmpuint(n, ==, 0);
	g_array_free(hits, TRUE);
	sm_view_free(v);
}

/* ------------------------------------------------------------ plain words */

static void test_plain_words(void)
{
	hit("ja colon", "サーバーの管理者パスワード：sunflower", "sunflower");
	hit("ja wa desu", "初期パスワードはhimawariです。", "himawari");
	hit("ja wa space", "パスワードは tsubame です。ログイン後に変更してください。", "tsubame");
	hit("en is", "The password is lighthouse", "lighthouse");
	hit("en of is", "The password of the local admin account is marmalade.", "marmalade");
	hit("en for colon", "password for the zip file: kitsune", "kitsune");
	hit("capital word", "Password: Tangerine", "Tangerine");
	hit("dotted", "パスワードは ab.cdef3Y です", "ab.cdef3Y");
	hit("full-width space", "ログインパスワード　hotaru", "hotaru");
	hit("pw space", "ユーザー：adm01 / PW Kaminari88", "Kaminari88");
	hit("tab cell", "Password\tdragonfly", "dragonfly");
	hit("pipe cell", "| パスワード | pinecone |", "pinecone");
	hit("aligned column", "Password        seagull", "seagull");
	hit("quoted phrase", "パスワードは「blue river 42」です。", "blue river 42");
	/* escapes inside quotes are part of the value */
	hit("json escape", "{\"password\": \"Ab\\\"c12x\"}", "Ab\\\"c12x");
	hit("backtick escape", "$Password = \"Tan`\"uki9\"", "Tan`\"uki9");
	hit("doubled quote", "$Password = 'It''s9Secret'", "It''s9Secret");
	hit("escaped backslash ends", "{\"password\": \"Ab12\\\\\"}", "Ab12\\\\");
	/* prose: a word followed by a function word, a Japanese reference phrase */
	miss("managed by", "Password: managed by LAPS");
	miss("stored in", "Password: stored in Azure Key Vault (kv-contoso-prod)");
	miss("probably", "The password is probably wrong");
	miss("keepass ja", "パスワード：KeePassに登録済み");
	miss("cyberark ja", "パスワード: CyberArk で管理しています");
	miss("same as", "Password: same as the user ID");
	miss("laps alone", "Local admin password: LAPS");
	miss("vault word", "Password: Vault");
	miss("label next", "Password: Username: Domain: are shown in the dialog.");
	miss("label cell", "Username\tPassword\tNotes");
	miss("empty labels", "ユーザー名：\nパスワード：\nドメイン：CONTOSO\n");
	miss("statuses", "Password: Enabled\nPassword: Expired\nPassword: Unknown\nPassword: N/A\n");
	miss("placeholders", "パスワード：（別送）\nPW: xxxx\nPassword: <password>\nPassword: ----\n");
	miss("net user output", "Password required            Yes\nUser may change password     Yes\n");
	miss("hex code", "Password change failed with 0x8007052D");
	/* Pass and パス: the abbreviations of a login pair */
	hit("pass after id", "ID：sato_h　Pass：Himawari77", "Himawari77");
	hit("pass at line start", "Pass: Kaminari#5", "Kaminari#5");
	hit("pasu", "ログインID：sato_h / パス：tsubame", "tsubame");
	miss("test result", "Tests pass: 118, fail: 2, skipped: 5");
	miss("checks pass", "All checks pass: ok");
	miss("pasu path", "インストール先のパス：C:\\Program Files\\Contoso");
	miss("passport", "パスポート番号：TK1234567");
	/* a value set by a verb: Japanese particles, English 'to' */
	hit("wo ni henkou", "パスワードを kawasemi に変更しました。", "kawasemi");
	hit("ni quoted settei", "パスワードに「Yuzu#2024」を設定しています。", "Yuzu#2024");
	hit("changed to", "I changed the password to Lighthouse88 yesterday.", "Lighthouse88");
	hit("p/w", "ID：sato_h　P/W：Suzuran#3", "Suzuran#3");
	hit("pin", "BitLocker PIN: 482913", "482913");
	miss("length set", "パスワードを 12 文字以上に設定してください。");
	miss("unicode", "パスワードに Unicode を含めないでください。");
	miss("set to expire", "Set the password to expire every 90 days.");
	miss("change to something", "Please change the password to something stronger.");
	miss("pin prose", "The PIN prompt appears at boot.");
}

/* ------------------------------------------------------------ next line */

static void test_next_line(void)
{
	hit("ppap ja", "先ほどお送りしたZIPファイルのパスワードをお知らせします。\n\nsnowdrop\n", "snowdrop");
	hit("kaki", "解凍用のパスワードは下記のとおりです。\nHanabi2024\n", "Hanabi2024");
	hit("below en", "The password for the file I sent earlier is below.\n\nwindmill\n", "windmill");
	hit("following", "Please use the following password to open the attachment.\n\nparsley\n",
	    "parsley");
	hit("html paragraphs", "The password is below.\n\n \n\nbiwako\n", "biwako");
	hit("label line", "パスワード\nasagao\n", "asagao");
	miss("error follows", "パスワード変更後、以下のエラーが発生しました。\n\n0x80070005\n");
	miss("policy follows", "パスワードは以下のポリシーに従ってください。\n\nMinimumLength\n");
	miss("sentence follows", "The password is below.\n\nPlease call the service desk.\n");
	miss("too far", "The password is below.\n\n\n\n\n\n\n\n\n\nwindmill\n");
}

/* ------------------------------------------------------------ key names */

static void test_keys(void)
{
	hit("cpassword", "<Properties cpassword=\"j1Uyj3Vx8TY9LtLZil2uAuZkFQA\" userName=\"x\"/>",
	    "j1Uyj3Vx8TY9LtLZil2uAuZkFQA");
	hit("requirepass", "port 6379\nrequirepass tanuki2024\n", "tanuki2024");
	hit("smtpPass", "smtp:\n  smtpPass: \"kawasemi\"\n", "kawasemi");
	hit("passwordd", "netdom join pc01 /domain:contoso /userd:admin /passwordd:Momiji77", "Momiji77");
	hit("passout", "openssl pkcs12 -export -out a.pfx -passout pass:Umbrella9", "Umbrella9");
	hit("json camel", "{\"adminPassword\": \"nightingale\"}", "nightingale");
	hit("unattend", "<Password>\n  <Value>Wasabi#12</Value>\n  <PlainText>true</PlainText>",
	    "Wasabi#12");
	hit("flag", "Invoke-Sqlcmd -ServerInstance db01 -Username sa -Password karaage -Query 'x'",
	    "karaage");
	hit("slash pass", "cmdkey /add:fs01 /user:CONTOSO\\svc /pass:Daifuku3", "Daifuku3");
	hit("netrc", "machine repo.contoso.local login deploy password shiitake", "shiitake");
	hit("mount option", "mount -t cifs //fs/s /mnt -o username=svc,password=hagoromo,vers=3.0",
	    "hagoromo");
	miss("settings", "MinimumPasswordLength = 12\nPasswordComplexity = 1\nPasswordHistorySize = 24\n"
	     "PasswordNeverExpires : True\nPasswordLastSet : 2024/10/01 9:12:33\n");
	miss("profile", "\"passwordProfile\": { \"forceChangePasswordNextSignIn\": true }");
	miss("xml pass attribute", "<settings pass=\"specialize\">");
	miss("escaped attribute", "&lt;settings pass=\"oobeSystem\"&gt;");
	miss("prose words", "to bypass the proxy, use the compass; passenger: Tanaka");
	miss("variable", "New-LocalUser -Name tmpadmin -Password $pw -FullName 'Temp'");
	miss("read-host", "New-LocalUser -Name tmpadmin -Password (Read-Host -AsSecureString)");
	miss("parameter doc", "Use the -Password parameter with a SecureString value.");
	miss("openssl env", "openssl pkcs12 -in a.pfx -passout env:PFX_PASS");
	miss("openssl file", "openssl pkcs12 -in a.pfx -nodes -passin file:pass.txt");
	miss("usage tag", "Usage: net use \\\\server\\share <password> /user:<domain\\user>");
	miss("password alone", "password 3c1e5a8b-7d2f-4e6a-9b0c-1d2e3f4a5b6c");
}

/* ------------------------------------------------------------ commands */

static void test_commands(void)
{
	hit("ss any order", "ConvertTo-SecureString -AsPlainText -Force -String \"Kitsune#8\"",
	    "Kitsune#8");
	hit("ss piped", "$sec = 'Tanuki!42' | ConvertTo-SecureString -AsPlainText -Force", "Tanuki!42");
	hit("ldap -w", "ldapsearch -x -H ldap://dc01 -D \"cn=svc\" -w Suzuran5 -b \"dc=x\"",
	    "Suzuran5");
	hit("schtasks /rp", "schtasks /create /tn Backup /tr b.cmd /sc daily /ru CONTOSO\\svc /rp Yamabuki3",
	    "Yamabuki3");
	hit("winrs -p:", "winrs -r:pc01 -u:CONTOSO\\admin -p:Nadeshiko7 ipconfig", "Nadeshiko7");
	hit("docker login", "docker login -u deploy -p Matsuri2024 registry.contoso.local",
	    "Matsuri2024");
	hit("az login", "az login -u admin@contoso.onmicrosoft.com -p sazanami", "sazanami");
	hit("smbclient", "smbclient //fs01/share -U svc_backup%Yuugure9 -c 'ls'", "Yuugure9");
	hit("reg add", "reg add \"HKLM\\...\\Winlogon\" /v DefaultPassword /t REG_SZ /d Okonomi5 /f",
	    "Okonomi5");
	hit("url empty user", "https://:Raincoat77@dev.azure.contoso.local/org", "Raincoat77");
	hit("wlan en", "    Key Content            : blueberry", "blueberry");
	hit("wlan ja", "    主要なコンテンツ       : Tamagoyaki8", "Tamagoyaki8");
	hit("net user add", "net user tmpadmin kakitsubata /add", "kakitsubata");
	miss("net user prose", "net user alice returns nothing");
	miss("psexec no -p", "psexec -s -i cmd");
	miss("ss variable", "$sec = ConvertTo-SecureString $plain -AsPlainText -Force");
	miss("mysql prompt", "mysql -u root -p -h db01");
	miss("docker no -p", "docker login registry.contoso.local");
	miss("wlan absent", "    Security key           : Present");
	miss("reg add other", "reg add HKLM\\Software\\X /v DisplayName /t REG_SZ /d Contoso /f");
}

/* ------------------------------------------------------------ tables */

static void test_tables(void)
{
	hit("header over column", "サーバー\tユーザー\tパスワード\t備考\ndb01\tsa\tmarmalade\t本番環境\n",
	    "marmalade");
	hit("aligned header", "Host        Username    Password\nvpn01.contoso.co.jp    jsmith    tanukiyas\n",
	    "tanukiyas");
	hit("identifier header", "login_uri,login_username,login_password\nhttps://x,jsmith,Hotaru2024\n",
	    "Hotaru2024");
	miss("label rows", "項目\t設定値\nパスワードの長さ\t12文字以上\n");
	miss("header, placeholder", "Username\tPassword\tNotes\njsmith\t(sent separately)\tchange it\n");
}

/* ------------------------------------------------ forms found by the probe */

/* A plain word after one space: the value only in a form layout. */
static void test_word_after_space(void)
{
	miss("pw files", "Please find the PW files\n");
	miss("the pw txt", "I forgot to attach the pw txt\n");
	miss("pw reset", "PW reset\n");
	miss("ja pw txt", "パスワード txt は後ほどお送りします。");
	miss("pw is case", "PW is case sensitive.");
	hit("pw digits", "PW abc123\n", "abc123");
	hit("pw colon", "PW: hunter\n", "hunter");
	hit("ja form layout", "ログインパスワード　hotaru", "hotaru");
	hit("dsadd flag", "dsadd user \"CN=x\" -samid testuser -pwd tsubame", "tsubame");
	hit("pw is then stop", "The password is lighthouse.", "lighthouse");
}

/* Decorations, quotes, particles and layouts of Japanese mail. */
static void test_ja_forms(void)
{
	hit("sumi kakko", "【パスワード】Tsub4me#1", "Tsub4me#1");
	hit("square bracket", "[パスワード] Tsub4me#1", "Tsub4me#1");
	hit("markdown bold", "**Password**: Tsub4me#1", "Tsub4me#1");
	hit("heading alone", "【解凍パスワード】\nKx7mPq2w", "Kx7mPq2w");
	hit("kagi direct", "パスワード「Tsub4me#1」でログインできません。", "Tsub4me#1");
	hit("ga", "管理者のパスワードが Kitsune2291 なのですが、", "Kitsune2291");
	miss("ga word", "パスワードが Windows Update 後に変わりました。");
	hit("toshite", "パスワードとして Kitsune2291 を設定しました。", "Kitsune2291");
	hit("ran ni nyuryoku", "パスワード欄に Kitsune2291 を入力すると 0xC000006A が返ります。", "Kitsune2291");
	miss("ni unicode", "パスワードに Unicode を含めないでください。");
	hit("note in parens", "PW：Hydrang1373（大文字小文字を区別します）", "Hydrang1373");
	miss("word and note", "初期パスワードは birthday（生年月日8桁）です。");
	hit("id / pw", "ID / PW = mdeadmin / Kitsune2291", "Kitsune2291");
	miss("id / pw name", "ID / PW = mdeadmin / 別途");
	hit("list with pw", "カード番号 / PW: Sapporo-2291 / 備考", "Sapporo-2291");
	miss("vault phrase", "パスワードは Azure Key Vault に格納しています。");
	miss("var path", "パス：%ProgramFiles%\\Windows Defender Advanced Threat Protection");
	miss("json null", "{\"ClientSecret\": \"\", \"pwd\": null}");
}

/* The value on the line after a line ending with ':' and in quoted copies. */
static void test_next_line_more(void)
{
	hit("colon line blank", "Password for the attached zip:\n\nKttu~8tdpjGw\n", "Kttu~8tdpjGw");
	hit("quoted copy", "> Password for the attached zip:\n>\n> Kttu~8tdpjGw\n>\n", "Kttu~8tdpjGw");
	miss("colon then label", "Password for the account:\n\nUsername:\n");
	miss("colon then sentence", "Password reset instructions:\n\nOpen the portal and sign in.\n");
	hit("reg query", "    DefaultPassword    REG_SZ    Fj8#kq2Lm\n", "Fj8#kq2Lm");
	miss("reg query other", "    DefaultUserName    REG_SZ    kiosk\n");
}

/* Archivers and key tools. */
static void test_tool_flags(void)
{
	hit("7z a", "7z a -pTsub4me#1 -mhe=on logs.zip C:\\Temp\\logs", "Tsub4me#1");
	hit("7z x", "\"C:\\Program Files\\7-Zip\\7z.exe\" x -pKitsune2291 a.zip", "Kitsune2291");
	hit("rar hp", "rar a -hpKitsune2291 evidence.rar C:\\Quarantine", "Kitsune2291");
	miss("7z prompt", "7z a -p logs.zip C:\\Temp\\logs");
	hit("certutil", "certutil -f -p Kitsune2291 -importpfx C:\\certs\\proxy.pfx", "Kitsune2291");
	miss("certutil empty", "certutil -f -p \"\" -importpfx proxy.pfx");
	hit("ssh-keygen", "ssh-keygen -t rsa -b 4096 -N \"Kitsune2291\" -f ~/.ssh/id_rsa", "Kitsune2291");
	miss("ssh-keygen empty", "ssh-keygen -t rsa -N \"\" -f ~/.ssh/id_rsa");
	hit("sqlplus", "sqlplus system/D@eHopc2E2a4c@ORCL", "D@eHopc2E2a4c");
	hit("sqlplus no db", "sqlplus scott/Kitsune2291", "Kitsune2291");
	miss("sqlplus sysdba", "sqlplus / as sysdba");
	hit("zip P", "zip -P Kitsune2291 -r logs.zip /var/log/microsoft/mdatp", "Kitsune2291");
	hit("unzip P", "unzip -P Tsub4me#1 wdavdiag.zip", "Tsub4me#1");
	miss("zip e", "zip -e -r logs.zip /var/log/microsoft/mdatp");
	hit("openssl k", "openssl enc -aes-256-cbc -in logs.tar -out logs.enc -k Kitsune2291", "Kitsune2291");
	miss("openssl kfile", "openssl enc -aes-256-cbc -in logs.tar -out logs.enc -kfile key.txt");
}

/* Round two: particles after は, names, pairs joined by と, BitLocker keys. */
static void test_ja_particles(void)
{
	miss("wa sspr de", "パスワードは SSPR でリセットできます。");
	miss("wa intune kara", "パスワードは Intune から配布しています。");
	miss("wa admin no", "パスワードは Administrator のものを使っています。");
	miss("wa two words de", "パスワードは Microsoft Authenticator で承認します。");
	hit("wa desu", "パスワードは sunflower です。", "sunflower");
	hit("wa de settei", "パスワードは himawari で設定しました。", "himawari");
	hit("wa ni narimasu", "パスワードは Kitsune2291 になります。", "Kitsune2291");
	hit("wa digits de", "パスワードは Kitsune2291 でログインできます。", "Kitsune2291");
	hit("wa comma", "パスワードは、Tsub4me#1 です。", "Tsub4me#1");
	miss("ga hex code", "パスワードが 0x80070005 で失敗します。");
	miss("ga kb", "パスワードが KB5044284 適用後に通らなくなりました。");
	miss("colon hex code", "Password: 0x8007052D");
	miss("name two words", "Password: Windows Hello PIN");
	miss("name and ja ref", "パスワード：Microsoft アカウントと同じ");
	miss("name then sync", "パスワード：Azure AD と同期");
	miss("described", "Password: Windows sign-in password");
	hit("arrow", "New password => Kitsune2291", "Kitsune2291");
	hit("dash", "Temp PW - Kitsune2291", "Kitsune2291");
	miss("dash prose", "PW - reset done");
	hit("capital word alone", "Password: Tangerine", "Tangerine");
	hit("command goes on", "docker login -u deploy -p lighthouse registry.contoso.local", "lighthouse");
	hit("user and pw", "ユーザー名とパスワードは admin / Tsub4me#1 です。", "Tsub4me#1");
	hit("id to pw", "IDとPW：admin / Tsub4me#1", "Tsub4me#1");
	hit("bitlocker next line", "    Numerical Password:\n      ID: {8A4E2C11-3B5D-4F6A-9C7E-1D2F3A4B5C6D}\n"
	    "      Password:\n        123456-234567-345678-456789-567890-678901-789012-890123\n",
	    "123456-234567-345678-456789-567890-678901-789012-890123");
	miss("date time", "Password last changed: 2024-10-01 09:00");
}

/* ------------------------------------------------------------ pipes */

/* A value written into a command that reads its password from standard
 * input (detect_pipe.c): sources, readers and the syntax around them. */
static void test_pipe_forms(void)
{
	/* the readers */
	hit("runas cmd", "echo Hunter2Secret!| runas /user:CONTOSO\\admin cmd", "Hunter2Secret!");
	hit("sudo -S printf", "printf \"%s\" Xy7#pQ9!zz | sudo -S systemctl restart mdatp", "Xy7#pQ9!zz");
	hit("docker stdin", "echo \"Winter2026!\" | docker login -u admin --password-stdin", "Winter2026!");
	hit("podman stdin", "echo 'Kitsune2291' | podman login quay.io -u deploy --password-stdin", "Kitsune2291");
	hit("helm registry", "echo Tsub4me#1 | helm registry login reg.contoso.local --username x --password-stdin",
	    "Tsub4me#1");
	hit("oras", "echo Kitsune2291 | oras login -u deploy --password-stdin reg.contoso.local", "Kitsune2291");
	hit("regctl pass-stdin", "echo Kitsune2291 | regctl registry login reg.contoso.local -u x --pass-stdin",
	    "Kitsune2291");
	hit("passwd stdin", "echo 'Suzuran#55' | passwd --stdin mdeadmin", "Suzuran#55");
	hit("chpasswd pair", "echo 'mdeadmin:Suzuran#55' | chpasswd", "Suzuran#55");
	hit("smbpasswd twice", "(echo Yamabuki77; echo Yamabuki77) | smbpasswd -s -a svc_backup", "Yamabuki77");
	hit("printf two lines", "printf 'Nadeshiko8\\nNadeshiko8\\n' | passwd tmpadmin", "Nadeshiko8");
	hit("echo -e lines", "echo -e \"Nadeshiko8\\nNadeshiko8\" | passwd tmpadmin", "Nadeshiko8");
	hit("htpasswd -i", "echo Kitsune2291 | htpasswd -i /etc/nginx/.htpasswd admin", "Kitsune2291");
	hit("vncpasswd", "echo Kitsune2291 | vncpasswd -f > ~/.vnc/passwd", "Kitsune2291");
	hit("kinit", "echo 'Kitsune2291' | kinit svc_mde@CONTOSO.LOCAL", "Kitsune2291");
	hit("openssl passin", "echo Kitsune2291 | openssl pkcs12 -in a.pfx -nodes -passin stdin -out a.pem",
	    "Kitsune2291");
	hit("sshpass stdin", "echo Kitsune2291 | sshpass ssh admin@10.0.0.7", "Kitsune2291");
	hit("net user star", "echo Kitsune2291| net user tmpadmin * /domain", "Kitsune2291");
	hit("vault login -", "echo s.Kx7mPq2wTs9 | vault login -", "s.Kx7mPq2wTs9");
	hit("gh with-token", "echo ghx_Kx7mPq2wTs9Lr | gh auth login --with-token", "ghx_Kx7mPq2wTs9Lr");
	hit("docker secret", "printf 'Kitsune2291' | docker secret create db_password -", "Kitsune2291");
	hit("sudo --stdin", "echo Kitsune2291 | sudo --stdin -u root mdatp health", "Kitsune2291");
	hit("sudo -S -u", "echo Kitsune2291 | sudo -S -u svc_mde mdatp health", "Kitsune2291");
	hit("sudo -u -S", "echo Kitsune2291 | sudo -u svc_mde -S mdatp health", "Kitsune2291");
	/* the sources and redirections */
	hit("write-output", "Write-Output 'Kitsune2291' | docker login -u x --password-stdin reg", "Kitsune2291");
	hit("ps literal", "PS C:\\> 'Kitsune2291' | docker login -u x --password-stdin reg", "Kitsune2291");
	hit("here-string", "sudo -S mdatp health <<< 'Kitsune2291'", "Kitsune2291");
	hit("here-string glued", "docker login -u x --password-stdin reg <<<\"Kitsune2291\"", "Kitsune2291");
	hit("cat here-string", "cat <<< Kitsune2291 | sudo -S mdatp health", "Kitsune2291");
	hit("heredoc", "kinit svc_mde@CONTOSO.LOCAL <<EOF\nKitsune2291\nEOF\n", "Kitsune2291");
	hit("heredoc chpasswd", "chpasswd <<'END'\nalice:Kitsune2291\nbob:Tsub4me#1\nEND\n", "Tsub4me#1");
	hit("cat heredoc pipe", "cat <<EOF | sudo -S mdatp health\nKitsune2291\nEOF\n", "Kitsune2291");
	/* the syntax around them */
	hit("no spaces", "echo Kitsune2291|sudo -S id", "Kitsune2291");
	hit("2>&1", "echo Kitsune2291 | sudo -S mdatp health 2>&1 | tee out.txt", "Kitsune2291");
	hit("sudo wrapper", "echo Kitsune2291 | sudo docker login -u x --password-stdin reg", "Kitsune2291");
	hit("cmd /c", "cmd /c \"echo Kitsune2291| runas /user:CONTOSO\\admin cmd\"", "Kitsune2291");
	hit("powershell -c", "powershell -NoProfile -c \"'Kitsune2291' | docker login -u x --password-stdin reg\"",
	    "Kitsune2291");
	hit("ssh host", "echo Kitsune2291 | ssh admin@10.0.0.7 \"sudo -S systemctl restart mdatp\"", "Kitsune2291");
	hit("continuation", "echo Kitsune2291 | \\\n  docker login -u x \\\n  --password-stdin reg", "Kitsune2291");
	hit("&& chain", "cd /tmp && echo Kitsune2291 | sudo -S ./install.sh && rm x", "Kitsune2291");
	hit("prompt", "$ echo Kitsune2291 | sudo -S mdatp health", "Kitsune2291");
	hit("path exe", "echo Kitsune2291| C:\\Windows\\System32\\runas.exe /user:admin cmd", "Kitsune2291");
	hit("ja around", "以下を実行しました：echo Kitsune2291 | sudo -S mdatp health を実行しても失敗します。",
	    "Kitsune2291");
	hit("full-width pipe", "echo Kitsune2291　｜　sudo -S mdatp health", "Kitsune2291");
	hit("typographic quotes", "echo “Winter2026!” | docker login -u admin --password-stdin", "Winter2026!");
	hit("set /p", "echo|set /p=Kitsune2291| runas /user:CONTOSO\\admin cmd", "Kitsune2291");
	hit("set /p quoted", "echo | set /p=\"Tsub4me#1\" | runas /user:CONTOSO\\admin cmd", "Tsub4me#1");
	hit("upper case cmd", "ECHO Kitsune2291| RUNAS /USER:CONTOSO\\ADMIN CMD", "Kitsune2291");
	hit("kagi around", "コマンド「echo Kitsune2291 | sudo -S id」を実行しました。", "Kitsune2291");
	hit("one-echo group", "(echo Kitsune2291)| runas /user:CONTOSO\\admin cmd", "Kitsune2291");
	hit("sudo -p ''", "echo Kitsune2291 | sudo -S -p '' mdatp health", "Kitsune2291");
	hit("full-width command", "ｅｃｈｏ Kitsune2291 ｜ ｓｕｄｏ -S id", "Kitsune2291");
	/* near misses */
	miss("variable", "echo $PASSWORD | docker login --password-stdin");
	miss("quoted variable", "echo \"$REGISTRY_PASSWORD\" | docker login -u x --password-stdin reg");
	miss("cmd variable", "echo %PASSWORD%| runas /user:CONTOSO\\admin cmd");
	miss("command substitution", "echo $(cat pw.txt) | sudo -S id");
	miss("actions secret", "echo ${{ secrets.REGISTRY_TOKEN }} | docker login -u x --password-stdin");
	miss("angle placeholder", "echo <your-password> | docker login -u x --password-stdin");
	miss("stars", "echo ******** | sudo -S id");
	miss("xxxx", "echo xxxx | sudo -S id");
	miss("ja placeholder", "echo ＜パスワード＞ | sudo -S id");
	miss("ja placeholder word", "echo 新しいパスワード | sudo -S id");
	miss("ja placeholder bare", "echo パスワード | sudo -S id");
	hit("pipe cell alone", "Password | pinecone", "pinecone");
	hit("pipe cell closed", "パスワード | pinecone | 本番", "pinecone");
	miss("ja placeholder quoted", "echo \"（パスワード）\" | sudo -S id");
	miss("grep", "echo hello | grep h");
	miss("apt-get yes", "echo y | apt-get install mdatp");
	miss("sudo tee", "echo 1 | sudo tee /proc/sys/net/ipv4/ip_forward");
	miss("yes", "yes | sudo -S apt-get install mdatp");
	miss("file path", "echo /run/secrets/registry | docker login -u x --password-stdin");
	miss("prose", "run docker login --password-stdin and paste the token");
	miss("prose pipe", "Please echo the password | docker login --password-stdin");
	miss("sudo without -S", "echo Kitsune2291 | sudo mdatp health");
	miss("sudo -s shell", "echo Kitsune2291 | sudo -s");
	miss("docker -p flag", "echo Kitsune2291 | docker login -u x reg");
	miss("mysql sql", "echo \"SHOW DATABASES;\" | mysql -u root -p");
	miss("here-string other", "grep -c x <<< Kitsune2291");
	miss("heredoc unclosed", "kinit svc@X <<EOF\nKitsune2291\n");
	miss("heredoc other", "cat <<EOF > note.txt\nKitsune2291\nEOF\n");
	miss("or", "test -f x || echo Kitsune2291 | tee log");
	miss("sshpass -f", "echo Kitsune2291 | sshpass -f pw.txt ssh admin@x");
	miss("net user plain", "echo Kitsune2291 | net user tmpadmin");
	miss("two words", "echo my secret | sudo -S id");
	miss("table", "| echo | Kitsune2291 | sudo -S |");
	miss("set /p prompt", "set /p answer=Continue? | runas /user:CONTOSO\\admin cmd");
	miss("two echo words", "echo Kitsune2291 echo | sudo -S id");
	miss("passwd cell", "| 0644 | /etc/passwd |");
	miss("chpasswd cell", "| echo | Kitsune2291 | chpasswd |");
	miss("redirect storm", "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<< sudo -S x <<< | kinit | kinit ||| echo");
}

/* A here-document of n lines, the value on the last, then its delimiter. */
static char *heredoc_of(unsigned n)
{
	GString *g = g_string_new("kinit svc_mde@CONTOSO.LOCAL <<EOF\n");

	for (unsigned i = 1; i < n; i++)
		g_string_append(g, "x\n");
	g_string_append(g, "Kitsune2291\nEOF\n");
	return g_string_free(g, FALSE);
}

/* The reader's flag ending `pad` bytes past the bound of the command. */
static char *reader_far(int pad)
{
	/* "| " then words: the flag's last byte at the pipe + 300 + pad */
	GString *g = g_string_new("echo Kitsune2291 | docker login --label=");
	size_t pipe = 17, want = pipe + 300 + (size_t)pad - strlen("--password-stdin") + 1;

	while (g->len + 1 < want)
		g_string_append_c(g, 'x');
	g_string_append(g, " --password-stdin");
	g_assert_cmpuint(g->len, ==, pipe + 301 + (size_t)pad);
	return g_string_free(g, FALSE);
}

/* The limits of the pipe forms, at the limit and one past it; quoted replies. */
static void test_pipe_limits(void)
{
	char *t, v[VALUE_MAX + 2];

	t = heredoc_of(8);
	hit("heredoc 8 lines", t, "Kitsune2291");
	g_free(t);
	t = heredoc_of(9);
	miss("heredoc 9 lines", t);
	g_free(t);
	t = reader_far(0);
	hit("reader at 300", t, "Kitsune2291");
	g_free(t);
	t = reader_far(1);
	miss("reader at 301", t);
	g_free(t);
	memset(v, 'k', sizeof(v));
	memcpy(v, "Kx7", 3);
	v[VALUE_MAX] = '\0';
	t = g_strdup_printf("echo %s | sudo -S id", v);
	hit("value 128", t, v);
	g_free(t);
	v[VALUE_MAX] = 'k';
	v[VALUE_MAX + 1] = '\0';
	t = g_strdup_printf("echo %s | sudo -S id", v);
	miss("value 129", t);
	g_free(t);
	hit("reply heredoc", "> kinit svc@X <<EOF\n> Kitsune2291\n> EOF\n", "Kitsune2291");
	hit("reply continuation", "> echo Kitsune2291 | \\\n>   docker login -u x --password-stdin reg",
	    "Kitsune2291");
	hit("reply here-string", "> sudo -S mdatp health <<< Kitsune2291", "Kitsune2291");
}

/* Password hits in text scanned as the file `name`. */
static unsigned file_hits(const char *name, const char *text)
{
	sm_scan_ctx ctx = {NULL, NULL, 0, NULL, name};
	GArray *hits = g_array_new(FALSE, TRUE, sizeof(sm_hit));
	sm_view *v = sm_view_new_utf8(text, strlen(text));
	unsigned n = 0;

	sm_detectors_scan(D, v, &ctx, hits, 100);
	for (unsigned i = 0; i < hits->len; i++)
		n += g_array_index(hits, sm_hit, i).det == (unsigned)PW;
	g_array_free(hits, TRUE);
	sm_view_free(v);
	return n;
}

/* A file named as a password holding one token (the PPAP habit). */
static void test_password_file(void)
{
	g_assert_cmpuint(file_hits("パスワード.txt", "Kitsune2291\r\n"), ==, 1);
	g_assert_cmpuint(file_hits("password.txt", "lighthouse\n"), ==, 1);
	g_assert_cmpuint(file_hits("zip_pw.txt", "Tsub4me#1"), ==, 1);
	g_assert_cmpuint(file_hits("notes.txt", "Kitsune2291\r\n"), ==, 0);
	g_assert_cmpuint(file_hits("passport.txt", "Kitsune2291\r\n"), ==, 0);
	g_assert_cmpuint(file_hits("password_policy.txt", "MinimumPasswordLength = 12\n"), ==, 0);
	g_assert_cmpuint(file_hits("pw.txt", "パスワードは別途お電話でお伝えします。\n"), ==, 0);
	g_assert_cmpuint(file_hits("password.txt", "Kitsune2291\nTsub4me#1\n"), ==, 0);
	g_assert_cmpuint(file_hits("password.txt", "********\n"), ==, 0);
	g_assert_cmpuint(file_hits(NULL, "Kitsune2291\n"), ==, 0);
}

int main(int argc, char **argv)
{
	char err[256];
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	D = sm_detectors_load(NULL, err, sizeof(err));
	g_assert_nonnull(D);
	for (PW = 0; PW < (int)sm_detectors_count(D); PW++)
		if (strcmp(sm_detectors_info(D, (unsigned)PW)->id, "password") == 0)
			break;
	g_test_add_func("/detect_pw/plain_words", test_plain_words);
	g_test_add_func("/detect_pw/next_line", test_next_line);
	g_test_add_func("/detect_pw/keys", test_keys);
	g_test_add_func("/detect_pw/commands", test_commands);
	g_test_add_func("/detect_pw/tables", test_tables);
	g_test_add_func("/detect_pw/word_after_space", test_word_after_space);
	g_test_add_func("/detect_pw/ja_forms", test_ja_forms);
	g_test_add_func("/detect_pw/next_line_more", test_next_line_more);
	g_test_add_func("/detect_pw/tool_flags", test_tool_flags);
	g_test_add_func("/detect_pw/ja_particles", test_ja_particles);
	g_test_add_func("/detect_pw/password_file", test_password_file);
	g_test_add_func("/detect_pw/pipe_forms", test_pipe_forms);
	g_test_add_func("/detect_pw/pipe_limits", test_pipe_limits);
	rc = g_test_run();
	sm_detectors_free(D);
	return rc;
}
