#!/usr/bin/env python3
"""detect.py - combinatorial realistic mail for the detectors (issue 13).

Writes NAME.eml + NAME.json (labels in the shared corpus format, see
../shared/corpus/README.md) into the directory given as argv[1]; prints the
number of cases.  Python standard library only, deterministic (seeded, no
clock; SM_SEED=N draws other values).

Every case is one credential context (a sentence, a table, a command, a
configuration file, a card number, onboarding material, a key-shaped token)
with one value shape, written in one charset into one container (text/plain,
Outlook HTML with MsoNormal tables, Gmail HTML, iPhone Mail, a quoted reply,
a text attachment, zip, xlsx, docx).  Near misses (prose about passwords,
placeholders, references to a vault, field labels, parameter names, SR
numbers, hashes, GUIDs ...) are written with the same care and carry
`unchanged: true`: over-masking is a failure.

Label extensions read by tests/detection.t:
  cls    the class of the case (TODO reasons are kept per class there);
  deep   also look for each secret in the decoded bytes of every part
         (ASCII and UTF-16LE) and in base64 blocks of the text: the scorer
         skips binary parts and does not decode base64 inside text.
Every card number is generated Luhn-valid from a test prefix; every
password, key and onboarding blob is fabricated.
"""
import base64
import io
import json
import os
import random
import sys
import zipfile
from email.header import Header

RND = random.Random(int(os.environ.get("SM_SEED", "1313")))
SR = "2412050040012345"  # a valid SR (5 Dec 2024), Luhn-invalid
FROM = "Hanako Sato <h.sato@contoso.co.jp>"
TO = "Microsoft Support <supportmail@microsoft.com>"
GREET_JA = "マイクロソフト サポート ご担当者様\n\nいつもお世話になっております。コントソの佐藤です。\n"
SIGN_JA = "\nよろしくお願いいたします。\n\n--\n佐藤 花子\n株式会社コントソ 情報システム部\n"
GREET_EN = "Hello Microsoft Support,\n\n"
SIGN_EN = "\nBest regards,\nHanako Sato\nContoso Ltd. IT Department\n"

# ------------------------------------------------------------------ values

WORDS = ["sunflower", "himawari", "tsubame", "kawasemi", "lighthouse", "marmalade", "umbrella",
         "nightingale", "kitsune", "tanuki", "hotaru", "wasabi", "karaage", "daifuku", "momiji",
         "tsukushi", "kaminari", "dragonfly", "pinecone", "seagull", "tangerine", "hydrangea",
         "kingfisher", "snowdrop", "biwako", "fujiyama", "hanabi", "matsuri", "sazanami", "yuugure",
         "asagao", "kamome", "shiitake", "okonomi", "raincoat", "blueberry", "windmill", "parsley",
         "mikanbako", "tamagoyaki", "suzuran", "kakitsubata", "nadeshiko", "yamabuki", "hagoromo"]
SYMS = "#!@-_.+~^"
USED = set()


def uniq(make):
    for _ in range(1000):
        v = make()
        if v not in USED:
            USED.add(v)
            return v
    raise AssertionError("no unique value")


def v_word():
    return uniq(lambda: RND.choice(WORDS) + RND.choice(["", "", "s", "ya", "no"]) + RND.choice(WORDS)[:RND.randrange(0, 4)])


def v_word_digits():
    return uniq(lambda: RND.choice(WORDS).capitalize()[:RND.randrange(5, 9)] + str(RND.randrange(10, 9999)))


def v_complex(syms=SYMS):
    def make():
        a = "ABCDEFGHJKLMNPQRSTUVWXYZ"
        b = "abcdefghijkmnopqrstuvwxyz"
        d = "23456789"
        s = [RND.choice(a), RND.choice(b), RND.choice(d), RND.choice(syms)]
        s += [RND.choice(a + b + d) for _ in range(RND.randrange(5, 10))]
        RND.shuffle(s)
        if s[0] in "-+~^.":  # a leading dash reads as a flag
            s[0] = RND.choice(a)
        return "".join(s)
    return uniq(make)


def v_phrase():
    return uniq(lambda: "%s %s %d" % (RND.choice(WORDS), RND.choice(WORDS), RND.randrange(10, 99)))


def v_pin():
    return uniq(lambda: "%04d" % RND.randrange(1000, 9999))


def v_token(n=40, alpha="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"):
    return uniq(lambda: "".join(RND.choice(alpha) for _ in range(n)))


SHAPES = {"word": v_word, "word_digits": v_word_digits, "complex": v_complex}
SAFE_URL = "-_.~!"


def luhn_ok(d):
    s = 0
    for i, c in enumerate(reversed(d)):
        n = int(c)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        s += n
    return s % 10 == 0


def card(prefix, length):
    def make():
        body = prefix + "".join(str(RND.randrange(10)) for _ in range(length - len(prefix) - 1))
        for c in "0123456789":
            if luhn_ok(body + c):
                return body + c
    return uniq(make)


def group(d, sizes, sep=" "):
    out, i = [], 0
    for n in sizes:
        out.append(d[i:i + n])
        i += n
    return sep.join(out)


FW = str.maketrans("0123456789", "０１２３４５６７８９")
CVV = [""]


def guid():
    h = "%032x" % RND.getrandbits(128)
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def hexs(n):
    return "".join(RND.choice("0123456789abcdef") for _ in range(n))


def rnd_b64(n):
    return base64.b64encode(bytes(RND.getrandbits(8) for _ in range(n))).decode()


# ------------------------------------------------------------------ snippets
# A snippet is what a case puts into the mail: lines of text, or rows of a
# table (rendered per container), with its secrets and keep strings.

class Snip:
    def __init__(self, lines=None, rows=None, secrets=(), keep=(), kind="prose", fname="notes.txt",
                 lang="ja", intro=None, raw=None, ctype="text/plain"):
        self.lines = lines or []
        self.rows = rows
        self.secrets = list(secrets)
        self.keep = list(keep)
        self.kind = kind          # prose | table | cmd | config | blob
        self.fname = fname
        self.lang = lang
        self.intro = intro
        self.raw = raw            # bytes of a file that is not text (binary attachment)
        self.ctype = ctype

    def text(self, style="tab"):
        if self.rows is None:
            return "\n".join(self.lines)
        return "\n".join(render_row(r, style) for r in self.rows)


def render_row(cells, style):
    if style == "tab":
        return "\t".join(cells)
    if style == "pipe":
        return "| " + " | ".join(cells) + " |"
    if style == "lines":
        return "\n".join(cells)
    w = max(len(c.encode("cp932")) for c in cells) + 4
    return "".join(c + " " * (w - len(c.encode("cp932"))) for c in cells).rstrip()


# ---- password sentences: KEYWORD SEP VALUE in many wordings

def pw_sentences():
    """(id, lang, template, shapes): {v} is the value."""
    return [
        ("ja_colon", "ja", "サーバーの管理者パスワード：{v}", ["word", "word_digits", "complex"]),
        ("ja_colon_ascii", "ja", "管理者アカウントのパスワード: {v}", ["word", "word_digits", "complex"]),
        ("ja_wa_desu", "ja", "初期パスワードは{v}です。", ["word", "word_digits", "complex"]),
        ("ja_wa_space", "ja", "パスワードは {v} です。ログイン後に変更してください。", ["word", "word_digits", "complex"]),
        ("ja_quoted", "ja", "パスワードは「{v}」です。", ["word", "word_digits", "complex", "phrase"]),
        ("ja_fwspace", "ja", "ログインパスワード　{v}", ["word", "word_digits", "complex"]),
        ("ja_pw_fw", "ja", "ID：adm_sato01　PW：{v}", ["word", "word_digits", "complex"]),
        ("ja_pw_space", "ja", "ユーザー：adm_sato01 / PW {v}", ["word_digits", "complex"]),
        ("ja_pin", "ja", "金庫の暗証番号：{v}", ["pin"]),
        ("ja_tmp", "ja", "仮パスワード＝{v}", ["word", "word_digits", "complex"]),
        ("en_colon", "en", "Password: {v}", ["word", "word_digits", "complex"]),
        ("en_is", "en", "The password is {v}", ["word", "word_digits", "complex"]),
        ("en_of_is", "en", "The password of the local admin account is {v}.", ["word", "word_digits", "complex"]),
        ("en_quoted", "en", 'The new password is "{v}".', ["word", "word_digits", "complex", "phrase"]),
        ("en_eq", "en", "pwd = {v}", ["word", "word_digits", "complex"]),
        ("en_passphrase", "en", "Passphrase: '{v}'", ["phrase", "complex"]),
        ("en_temp", "en", "Temporary password: {v} (please change it at first logon)", ["word", "word_digits", "complex"]),
        ("ja_pass_abbrev", "ja", "ID：sato_h　Pass：{v}", ["word_digits", "complex"]),
        ("ja_pasu", "ja", "ログインID：sato_h / パス：{v}", ["word", "word_digits", "complex"]),
        ("en_pw_is", "en", "pw is {v}", ["word_digits", "complex"]),
        ("en_passcode", "en", "The passcode is {v}.", ["pin", "word_digits"]),
        ("ja_arrow", "ja", "管理者PW→{v}", ["word_digits", "complex"]),
        ("ja_henkou", "ja", "パスワードを {v} に変更しました。", ["word", "word_digits", "complex"]),
        ("ja_settei_q", "ja", "パスワードに「{v}」を設定しています。", ["word", "word_digits", "complex"]),
        ("en_changed_to", "en", "I changed the password to {v} yesterday.", ["word_digits", "complex"]),
        ("ja_p_w", "ja", "ID：sato_h　P/W：{v}", ["word_digits", "complex"]),
        ("en_pin", "en", "BitLocker PIN: {v}", ["pin"]),
        # decorations, quotes and particles of Japanese mail (the probe of issue 13)
        ("ja_sumi", "ja", "【パスワード】{v}", ["word_digits", "complex"]),
        ("ja_bracket_auto", "ja", "[パスワード] {v}", ["word_digits", "complex"]),
        ("md_bold", "en", "**Password**: {v}", ["word", "word_digits", "complex"]),
        ("ja_kagi_direct", "ja", "パスワード「{v}」でログインできません。", ["word", "word_digits", "complex", "phrase"]),
        ("ja_ga", "ja", "管理者のパスワードが {v} なのですが、ログインできません。", ["word_digits", "complex"]),
        ("ja_toshite", "ja", "パスワードとして {v} を設定しました。", ["word", "word_digits", "complex"]),
        ("ja_ran_input", "ja", "パスワード欄に {v} を入力すると 0xC000006A が返ります。", ["word_digits", "complex"]),
        ("ja_note_paren", "ja", "PW：{v}（大文字小文字を区別します）", ["word_digits", "complex"]),
        ("ja_idpw_spaced", "ja", "ID / PW = mdeadmin / {v}", ["word_digits", "complex"]),
        ("ja_wa_comma", "ja", "パスワードは、{v} です。", ["word", "word_digits", "complex"]),
        ("ja_ni_narimasu", "ja", "パスワードは {v} になります。", ["word", "word_digits", "complex"]),
        ("ja_user_and_pw", "ja", "ユーザー名とパスワードは admin / {v} です。", ["word_digits", "complex"]),
        ("ja_id_to_pw", "ja", "IDとPW：admin / {v}", ["word_digits", "complex"]),
        ("en_fat_arrow", "en", "New password => {v}", ["word", "word_digits", "complex"]),
        ("en_dash", "en", "Temp PW - {v}", ["word_digits", "complex"]),
    ]


def pw_nextline():
    return [
        ("ja_zip", "ja", ["先ほどお送りしたZIPファイルのパスワードをお知らせします。", "", "{v}", ""]),
        ("ja_kaki", "ja", ["解凍用のパスワードは下記のとおりです。", "{v}"]),
        ("ja_ika", "ja", ["添付ファイルのパスワードは以下になります。", "", "  {v}", ""]),
        ("ja_okuri", "ja", ["別送のパスワードをお送りします。", "{v}", "", "ご確認ください。"]),
        ("en_below", "en", ["The password for the file I sent earlier is below.", "", "{v}", ""]),
        ("en_follows", "en", ["Here is the password for the zip file:", "{v}"]),
        ("en_use", "en", ["Please use the following password to open the attachment.", "", "{v}"]),
        ("en_colon_blank", "en", ["Password for the attached zip:", "", "{v}", ""]),
        ("ja_heading", "ja", ["【解凍パスワード】", "{v}"]),
    ]


def pw_tables():
    """(id, lang, rows): '{v}' in a cell."""
    return [
        ("ja_pairs", "ja", [["サーバー名", "fs01.contoso.local"], ["ユーザー名", "svc_backup"], ["パスワード", "{v}"]]),
        ("ja_header", "ja", [["サーバー", "ユーザー", "パスワード", "備考"], ["db01", "sa", "{v}", "本番環境"]]),
        ("en_header", "en", [["Host", "Username", "Password"], ["vpn01.contoso.co.jp", "jsmith", "{v}"]]),
        ("en_pairs", "en", [["Account", "CONTOSO\\svc_sql"], ["Password", "{v}"], ["Expires", "2025/03/31"]]),
        ("ja_init", "ja", [["項目", "値"], ["アカウント", "tmp_user01"], ["初期パスワード", "{v}"]]),
    ]


def cmd_lines():
    """(id, fname, template, shapes, keep)."""
    S = ["word_digits", "complex", "word"]
    C = ["word_digits", "complex"]
    return [
        ("net_use_pos", "map.cmd", "net use Z: \\\\fs01\\share {v} /user:CONTOSO\\svc_backup /persistent:no", S, ["svc_backup"]),
        ("net_use_after", "map.cmd", "net use \\\\fs01\\share /user:CONTOSO\\svc_backup {v}", S, ["svc_backup"]),
        ("net_use_u", "map.cmd", "net use \\\\fs01\\ipc$ /u:CONTOSO\\admin {v}", S, ["ipc$"]),
        ("net_user_add", "user.cmd", "net user tmpadmin {v} /add", S, ["tmpadmin"]),
        ("sqlcmd_P", "q.cmd", 'sqlcmd -S db01\\SQL2019 -U sa -P {v} -Q "SELECT @@VERSION"', S, ["SQL2019"]),
        ("sqlcmd_attached", "q.cmd", "sqlcmd -S db01 -U sa -P{v} -d master", C, ["master"]),
        ("mysql_p", "db.sh", "mysql -u root -p{v} -h db01.contoso.local", C, ["db01.contoso.local"]),
        ("mysql_long", "db.sh", "mysqldump --user=backup --password={v} --all-databases > all.sql", S, ["all.sql"]),
        ("psexec", "run.cmd", "psexec \\\\pc01 -u CONTOSO\\admin -p {v} -h cmd /c gpupdate /force", S, ["gpupdate"]),
        ("curl_u", "api.sh", "curl -u admin:{v} https://proxy01.contoso.local:8443/status", S, ["proxy01.contoso.local"]),
        ("openssl_passout", "cert.sh", "openssl pkcs12 -export -in server.crt -inkey server.key -out server.pfx -passout pass:{v}", S, ["server.pfx"]),
        ("openssl_passin", "cert.sh", "openssl pkcs12 -in client.pfx -nodes -passin pass:{v} -out client.pem", S, ["client.pem"]),
        ("ldapsearch_w", "ldap.sh", 'ldapsearch -x -H ldap://dc01.contoso.local -D "cn=svc_ldap,ou=Service,dc=contoso,dc=local" -w {v} -b "dc=contoso,dc=local" "(sAMAccountName=sato)"', S, ["dc01.contoso.local"]),
        ("az_login", "login.ps1", "az login -u admin@contoso.onmicrosoft.com -p {v}", S, ["admin@contoso.onmicrosoft.com"]),
        ("ps_ss_quoted", "setup.ps1", '$pw = ConvertTo-SecureString "{v}" -AsPlainText -Force', S, ["$pw"]),
        ("ps_ss_string", "setup.ps1", "$secure = ConvertTo-SecureString -String '{v}' -AsPlainText -Force", S, ["$secure"]),
        ("ps_ss_pipe", "setup.ps1", "$sec = '{v}' | ConvertTo-SecureString -AsPlainText -Force", S, ["$sec"]),
        ("ps_ss_order", "setup.ps1", 'ConvertTo-SecureString -AsPlainText -Force -String "{v}"', S, ["-Force"]),
        ("ps_pscred", "setup.ps1", '$cred = New-Object System.Management.Automation.PSCredential("CONTOSO\\admin", (ConvertTo-SecureString "{v}" -AsPlainText -Force))', S, ["$cred"]),
        ("ps_newlocaluser", "setup.ps1", 'New-LocalUser -Name "tmpadmin" -Password (ConvertTo-SecureString "{v}" -AsPlainText -Force)', S, ["tmpadmin"]),
        ("ps_setadpw", "reset.ps1", 'Set-ADAccountPassword -Identity sato -Reset -NewPassword (ConvertTo-SecureString -AsPlainText "{v}" -Force)', S, ["sato"]),
        ("ps_sqlcmd", "q.ps1", "Invoke-Sqlcmd -ServerInstance db01 -Username sa -Password {v} -Query 'SELECT 1'", S, ["db01"]),
        ("ps_plain_var", "setup.ps1", "$Password = '{v}'", S, ["$Password"]),
        ("ps_pwd_var", "setup.ps1", '$adminPwd = "{v}"', C, ["$adminPwd"]),
        ("cmdkey", "cred.cmd", "cmdkey /add:fs01.contoso.local /user:CONTOSO\\svc_backup /pass:{v}", S, ["fs01.contoso.local"]),
        ("schtasks_rp", "task.cmd", 'schtasks /create /tn "NightlyBackup" /tr C:\\scripts\\backup.cmd /sc daily /st 02:00 /ru CONTOSO\\svc_backup /rp {v}', S, ["NightlyBackup"]),
        ("sc_password", "svc.cmd", "sc.exe config MyAgent obj= CONTOSO\\svc_agent password= {v}", S, ["MyAgent"]),
        ("wmic_password", "inv.cmd", "wmic /node:pc01 /user:CONTOSO\\admin /password:{v} os get caption", S, ["caption"]),
        ("smbclient_pct", "smb.sh", "smbclient //fs01/share -U svc_backup%{v} -c 'ls'", C, ["//fs01/share"]),
        ("winrs_p", "rs.cmd", "winrs -r:pc01 -u:CONTOSO\\admin -p:{v} ipconfig /all", S, ["ipconfig"]),
        ("plink_pw", "ssh.cmd", "plink -ssh admin@10.0.0.5 -pw {v} \"show running-config\"", S, ["10.0.0.5"]),
        ("reg_defaultpw", "autologon.cmd", 'reg add "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon" /v DefaultPassword /t REG_SZ /d {v} /f', S, ["Winlogon"]),
        ("ktpass", "kt.cmd", "ktpass /princ HTTP/web01.contoso.local@CONTOSO.LOCAL /mapuser svc_web /pass {v} /out web01.keytab", S, ["web01.keytab"]),
        ("dsadd_pwd", "ad.cmd", 'dsadd user "CN=Test User,OU=Staff,DC=contoso,DC=local" -samid testuser -pwd {v}', S, ["testuser"]),
        ("netdom", "join.cmd", "netdom join pc01 /domain:contoso.local /userd:CONTOSO\\admin /passwordd:{v}", S, ["contoso.local"]),
        ("docker_login", "ci.sh", "docker login -u deploy -p {v} registry.contoso.local", S, ["registry.contoso.local"]),
        ("wget_pw", "dl.sh", "wget --user=admin --password={v} https://repo.contoso.local/pkg.tar.gz", S, ["pkg.tar.gz"]),
        ("mount_cifs", "mnt.sh", "mount -t cifs //fs01/share /mnt/share -o username=svc_backup,password={v},vers=3.0", S, ["vers=3.0"]),
        ("sshpass", "ssh.sh", "sshpass -p '{v}' ssh admin@10.0.0.7", S, ["10.0.0.7"]),
        ("url_git", "clone.sh", "git clone https://deploy:{v}@git.contoso.local/infra/scripts.git", ["word_digits", "complex_url", "word"], ["git.contoso.local"]),
        ("url_empty_user", "clone.sh", "https://:{v}@dev.azure.contoso.local/org/_git/repo", ["word_digits", "complex_url"], ["dev.azure.contoso.local"]),
        ("url_ftp", "ftp.txt", "ftp://backup:{v}@ftp.contoso.local/daily/", ["word_digits", "complex_url", "word"], ["ftp.contoso.local"]),
        ("7z_a", "pack.cmd", "7z a -p{v} -mhe=on logs.zip C:\\Temp\\logs", C, ["logs.zip"]),
        ("rar_hp", "pack.cmd", "rar a -hp{v} evidence.rar C:\\Quarantine", C, ["evidence.rar"]),
        ("certutil_p", "import.cmd", "certutil -f -p {v} -importpfx C:\\certs\\proxy.pfx", S, ["proxy.pfx"]),
        ("ssh_keygen", "key.sh", 'ssh-keygen -t rsa -b 4096 -N "{v}" -f ~/.ssh/id_rsa', S, ["id_rsa"]),
        ("sqlplus", "db.sh", "sqlplus system/{v}@ORCL", C, ["ORCL"]),
        ("zip_P", "pack.sh", "zip -P {v} -r logs.zip /var/log/microsoft/mdatp", S, ["logs.zip"]),
        ("openssl_k", "enc.sh", "openssl enc -aes-256-cbc -in logs.tar -out logs.enc -k {v}", S, ["logs.enc"]),
    ]


def config_files():
    """(id, fname, text, shapes, keep): {v} the value."""
    S = ["word_digits", "complex", "word"]
    return [
        ("unattend_autologon", "unattend.xml",
         '<?xml version="1.0" encoding="utf-8"?>\n<unattend xmlns="urn:schemas-microsoft-com:unattend">\n'
         '  <settings pass="oobeSystem">\n    <component name="Microsoft-Windows-Shell-Setup" processorArchitecture="amd64">\n'
         '      <AutoLogon>\n        <Password>\n          <Value>{v}</Value>\n          <PlainText>true</PlainText>\n'
         '        </Password>\n        <Enabled>true</Enabled>\n        <Username>Administrator</Username>\n      </AutoLogon>\n'
         '    </component>\n  </settings>\n</unattend>', S, ["oobeSystem", "Administrator"]),
        ("unattend_admin", "autounattend.xml",
         '<UserAccounts>\n  <AdministratorPassword>\n    <Value>{v}</Value>\n    <PlainText>true</PlainText>\n  </AdministratorPassword>\n'
         '  <LocalAccounts>\n    <LocalAccount wcm:action="add">\n      <Name>kitting</Name>\n      <Group>Administrators</Group>\n'
         '    </LocalAccount>\n  </LocalAccounts>\n</UserAccounts>', S, ["kitting"]),
        ("unattend_b64", "unattend.xml", "B64UNATTEND", ["word_digits", "complex"], ["specialize"]),
        ("gpp_cpassword", "Groups.xml", "GPPCPASS", ["word_digits"], ["LocalAdmin"]),
        ("dotenv", ".env", "APP_ENV=production\nDB_HOST=db01.contoso.local\nDB_USER=app\nDB_PASSWORD={v}\nLOG_LEVEL=info", S, ["db01.contoso.local"]),
        ("ini", "app.ini", "[database]\nserver = db01\nuser = app\npassword = {v}\ntimeout = 30", S, ["timeout = 30"]),
        ("ini_suffix", "agent.conf", "[proxy]\nHost=proxy01.contoso.local\nPort=8080\nProxyPassword={v}", S, ["proxy01.contoso.local"]),
        ("yaml", "config.yaml", "database:\n  host: db01.contoso.local\n  username: app\n  password: {v}\n  pool: 10", S, ["pool: 10"]),
        ("yaml_affix", "values.yaml", "smtp:\n  server: smtp.contoso.local\n  smtpPass: \"{v}\"\n  port: 587", S, ["smtp.contoso.local"]),
        ("json", "settings.json", '{{\n  "server": "db01",\n  "adminUser": "sa",\n  "adminPassword": "{v}",\n  "retry": 3\n}}', S, ['"retry": 3']),
        ("json_secret", "appsettings.json", '{{\n  "AzureAd": {{\n    "TenantId": "' + guid() + '",\n    "ClientSecret": "{v}"\n  }}\n}}', ["token"], ["AzureAd"]),
        ("webconfig", "web.config", '<appSettings>\n  <add key="SmtpServer" value="smtp.contoso.local" />\n  <add key="SmtpPassword" value="{v}" />\n</appSettings>', S, ["smtp.contoso.local"]),
        ("xml_attr", "creds.xml", '<credential username="svc_scan" password="{v}" domain="CONTOSO" />', S, ["svc_scan"]),
        ("reg_export", "winlogon.reg", 'Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon]\n"AutoAdminLogon"="1"\n"DefaultUserName"="kiosk"\n"DefaultPassword"="{v}"', S, ["kiosk"]),
        ("connstr_sql", "conn.txt", "Server=db01.contoso.local;Database=Sales;User Id=sa;Password={v};TrustServerCertificate=True", S, ["Sales"]),
        ("connstr_pwd", "conn.txt", "Data Source=db01;Initial Catalog=Sales;User ID=app;Pwd={v}", S, ["Initial Catalog=Sales"]),
        ("connstr_odbc", "conn.txt", "Driver={{ODBC Driver 17 for SQL Server}};Server=db01;Uid=app;PWD={v};", S, ["ODBC Driver 17"]),
        ("connstr_jdbc", "conn.properties", "spring.datasource.url=jdbc:sqlserver://db01:1433;databaseName=sales;user=app;password={v};encrypt=true", S, ["databaseName=sales"]),
        ("connstr_mongo", "conn.txt", "mongodb://app:{v}@db01.contoso.local:27017/sales?authSource=admin", ["word_digits", "complex_url", "word"], ["authSource=admin"]),
        ("connstr_pg", "conn.txt", "postgresql://app:{v}@db01.contoso.local:5432/sales", ["word_digits", "complex_url", "word"], ["5432/sales"]),
        ("properties", "application.properties", "mail.smtp.host=smtp.contoso.local\nmail.smtp.user=notify\nmail.smtp.password={v}", S, ["smtp.contoso.local"]),
        ("compose", "docker-compose.yml", "services:\n  db:\n    image: mysql:8.0\n    environment:\n      MYSQL_ROOT_PASSWORD: {v}\n      MYSQL_DATABASE: sales", S, ["mysql:8.0"]),
        ("python_call", "check.py", "conn = pymysql.connect(host='db01', user='app', passwd='{v}', db='sales')", S, ["db01"]),
        ("netrc", ".netrc", "machine repo.contoso.local login deploy password {v}", S, ["repo.contoso.local"]),
        ("redis", "redis.conf", "bind 127.0.0.1\nport 6379\nrequirepass {v}", S, ["6379"]),
        ("wlan_en", "wlan.txt", "Profile Office-WiFi on interface Wi-Fi:\n=======================================================================\n\nSecurity settings\n-----------------\n    Authentication         : WPA2-Personal\n    Cipher                 : CCMP\n    Security key           : Present\n    Key Content            : {v}", S, ["WPA2-Personal"]),
        ("managebde", "bde.txt", "Volume C: [OS]\nKey Protectors:\n    TPM:\n      ID: {8A4E2C11-3B5D-4F6A-9C7E-1D2F3A4B5C6D}\n    Numerical Password:\n      ID: {1B2C3D4E-5F60-4A7B-8C9D-0E1F2A3B4C5D}\n      Password:\n        {v}", ["bitlocker"], ["1B2C3D4E-5F60-4A7B-8C9D-0E1F2A3B4C5D"]),
        ("reg_query", "winlogon.txt", "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\n    AutoAdminLogon    REG_SZ    1\n    DefaultUserName    REG_SZ    kiosk\n    DefaultPassword    REG_SZ    {v}", S, ["kiosk"]),
        ("wlan_ja", "wlan.txt", "インターフェイス Wi-Fi のプロファイル Office-WiFi:\n=======================================================================\n\nセキュリティの設定\n-----------------\n    認証                   : WPA2 - パーソナル\n    暗号                   : CCMP\n    セキュリティ キー      : あり\n    主要なコンテンツ       : {v}", S, ["CCMP"]),
        ("pwmgr_csv", "export.csv", "name,url,username,password\nFS01,https://fs01.contoso.local,admin,{v}\nNAS,https://nas01.contoso.local,backup,BACKUPPW2", S, ["nas01.contoso.local"]),
        ("bitwarden_csv", "bitwarden_export.csv", "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n,,login,VPN,,,0,https://vpn.contoso.co.jp,jsmith,{v},", S, ["vpn.contoso.co.jp"]),
        ("ja_csv", "アカウント一覧.csv", "サイト名,ユーザー名,パスワード,備考\n社内ポータル,sato,{v},2024年12月更新", S, ["社内ポータル"]),
        ("env_secret", ".env", "APP_NAME=portal\nSESSION_SECRET={v}\nREDIS_HOST=cache01", S, ["cache01"]),
        ("env_api_key", "settings.env", "SMTP_HOST=smtp.contoso.local\nSENDGRID_API_KEY={v}", S, ["smtp.contoso.local"]),
        ("json_token", "appsettings.json", '{{\n  "Notify": {{\n    "Endpoint": "https://hooks.contoso.local/n",\n    "ApiToken": "{v}"\n  }}\n}}', S, ["hooks.contoso.local"]),
        ("json_escaped_pw", "config.json", '{{"user": "svc", "password": "Ab\\"{v}"}}', ["word_digits", "complex"], ['"user": "svc"']),
        ("ps_doubled", "setup.ps1", "$Password = 'It''s{v}'", ["word_digits", "complex"], ["$Password"]),
        ("ps1_block", "deploy.ps1", "$User = \"CONTOSO\\svc_deploy\"\n$PWord = ConvertTo-SecureString -String \"{v}\" -AsPlainText -Force\n$Credential = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList $User, $PWord\nInvoke-Command -ComputerName web01 -Credential $Credential -ScriptBlock {{ iisreset }}", S, ["iisreset"]),
    ]


# ---- near misses: password-shaped text that is not a value

PW_NEAR = [
    ("ja_changed", "ja", ["パスワードを変更しましたが、同期されません。"], ["同期されません"]),
    ("ja_expired", "ja", ["パスワードの有効期限が切れたため、リセットしました。"], ["リセットしました"]),
    ("en_expired", "en", ["The password expired on 2024/12/01 and the user could not sign in."], ["2024/12/01"]),
    ("en_required", "en", ["Password is required for this operation."], ["this operation"]),
    ("stars", "ja", ["ユーザー名：sato_h", "パスワード：********"], ["sato_h"]),
    ("besso", "ja", ["ユーザー名：sato_h", "パスワード：（別送）"], ["sato_h"]),
    ("denwa", "ja", ["パスワード：別途お電話でお伝えします"], ["別途お電話で"]),
    ("angle", "en", ["Usage: net use \\\\server\\share <password> /user:<domain\\user>"], ["<password>"]),
    ("xxxx", "ja", ["ID：sato_h　PW：xxxx（マスクしています）"], ["sato_h"]),
    ("vault_en", "en", ["Password: stored in Azure Key Vault (kv-contoso-prod)"], ["kv-contoso-prod"]),
    ("keepass", "ja", ["パスワード：KeePassに登録済み"], ["KeePass"]),
    ("laps", "en", ["Password: managed by LAPS"], ["LAPS"]),
    ("laps_short", "en", ["Local admin password: LAPS"], ["LAPS"]),
    ("cyberark", "ja", ["パスワード: CyberArk で管理しています"], ["CyberArk"]),
    ("labels_empty", "ja", ["ユーザー名：", "パスワード：", "ドメイン：CONTOSO"], ["CONTOSO"]),
    ("label_next", "en", ["Username:", "Password:", "Domain: CONTOSO"], ["CONTOSO"]),
    ("netuser_out", "en", ["User name                    sato_h", "Password last set            2024/10/01 9:12:33",
                           "Password expires             Never", "Password changeable          2024/10/02 9:12:33",
                           "Password required            Yes", "User may change password     Yes"], ["Never", "sato_h"]),
    ("getaduser", "en", ["PasswordExpired      : False", "PasswordLastSet      : 2024/10/01 9:12:33",
                         "PasswordNeverExpires : True", "PasswordNotRequired  : False"], ["PasswordNeverExpires : True"]),
    ("ps_getcred", "en", ["$cred = Get-Credential -UserName CONTOSO\\admin -Message 'Enter password'",
                          "Connect-AzAccount -Credential $cred"], ["$cred"]),
    ("ps_var", "en", ["$sec = ConvertTo-SecureString $plain -AsPlainText -Force"], ["$plain"]),
    ("ps_readhost", "en", ["New-LocalUser -Name tmpadmin -Password (Read-Host -AsSecureString)"], ["Read-Host"]),
    ("ps_param", "en", ["New-LocalUser -Name tmpadmin -Password $pw -FullName 'Temp Admin'"], ["$pw"]),
    ("unattend_pass_attr", "en", ['<settings pass="specialize">', '  <component name="Microsoft-Windows-Deployment">',
                                  '  </component>', '</settings>'], ['pass="specialize"']),
    ("policy", "en", ["The password policy requires at least 12 characters."], ["12 characters"]),
    ("incorrect", "en", ["If the password is incorrect, the logon fails with 0xC000006A."], ["0xC000006A"]),
    ("same_as", "en", ["Password: same as the user ID"], ["same as"]),
    ("mysql_prompt", "en", ["mysql -u root -p -h db01", "Enter password:"], ["db01"]),
    ("openssl_env", "en", ["openssl pkcs12 -export -in a.crt -inkey a.key -out a.pfx -passout env:PFX_PASS"], ["env:PFX_PASS"]),
    ("openssl_file", "en", ["openssl pkcs12 -in a.pfx -nodes -passin file:pass.txt"], ["file:pass.txt"]),
    ("secedit", "en", ["[System Access]", "MinimumPasswordAge = 1", "MaximumPasswordAge = 90", "MinimumPasswordLength = 12",
                       "PasswordComplexity = 1", "PasswordHistorySize = 24", "ClearTextPassword = 0"], ["MinimumPasswordLength = 12"]),
    ("json_profile", "en", ['"passwordProfile": { "forceChangePasswordNextSignIn": true }'], ["forceChangePasswordNextSignIn"]),
    ("ja_jibun", "ja", ["パスワード：ご自身で設定したもの"], ["ご自身で"]),
    ("ja_zenkai", "ja", ["PW：前回と同じです"], ["前回と同じ"]),
    ("ppap_first", "ja", ["パスワード付きZIPファイルを添付します。パスワードは別メールでお送りします。"], ["別メール"]),
    ("wlan_absent", "en", ["    Security key           : Present", "    Authentication         : WPA2-Enterprise"], ["WPA2-Enterprise"]),
    ("hash_sync", "en", ["Password hash synchronization is enabled on the Entra Connect server."], ["Entra Connect"]),
    ("reset_cmdlet", "en", ["Reset-ComputerMachinePassword -Server dc01 -Credential CONTOSO\\admin"], ["dc01"]),
    ("pass_param_doc", "en", ["Use the -Password parameter with a SecureString value."], ["-Password"]),
    ("sqlcmd_E", "en", ["sqlcmd -S db01 -E -Q \"SELECT 1\""], ["-E"]),
    ("en_header_only", "en", ["Username\tPassword\tNotes", "jsmith\t(sent separately)\tchange at first logon"], ["change at first logon"]),
    ("ja_forgot", "ja", ["パスワードを忘れた場合は、セルフサービスでリセットしてください。"], ["セルフサービス"]),
    ("en_prompt", "en", ["The password prompt appears twice after the update."], ["appears twice"]),
    ("en_pw_reset_link", "en", ["Password: reset it at https://passwordreset.microsoftonline.com"], ["passwordreset.microsoftonline.com"]),
    ("ja_pw_ni", "ja", ["パスワードに記号を含めるとエラーになります。"], ["エラーになります"]),
    ("en_pw_field", "en", ["Password: Username: Domain: are shown in the dialog."], ["Domain:"]),
    ("pw_policy_tab", "ja", ["項目\t設定値", "パスワードの長さ\t12文字以上", "パスワードの有効期間\t90日"], ["12文字以上"]),
    ("ja_misettei", "ja", ["パスワード：未設定（初回ログイン時に設定）"], ["未設定"]),
    ("ja_doujou", "ja", ["ユーザー名：sato_h", "パスワード：同上"], ["sato_h"]),
    ("pasu_path", "ja", ["インストール先のパス：C:\\Program Files\\Contoso\\Agent"], ["C:\\Program Files\\Contoso\\Agent"]),
    ("passport", "ja", ["パスポート番号の欄は空欄のままです。"], ["パスポート番号"]),
    ("sshd", "en", ["PasswordAuthentication no", "PermitRootLogin prohibit-password"], ["PasswordAuthentication no"]),
    ("etc_passwd", "en", ["grep sato /etc/passwd returns nothing."], ["/etc/passwd"]),
    ("test_pass", "en", ["Tests pass: 118, fail: 2, skipped: 5"], ["fail: 2"]),
    ("pw_expiry_reg", "en", ['"PasswordExpiryWarning"=dword:0000000e'], ["dword:0000000e"]),
    ("azuread", "en", ["Password: synchronized from on-premises AD"], ["on-premises AD"]),
    ("ja_len_set", "ja", ["パスワードを 12 文字以上に設定してください。"], ["12 文字以上"]),
    ("ja_unicode", "ja", ["パスワードに Unicode を含めないでください。"], ["Unicode"]),
    ("en_set_expire", "en", ["Set the password to expire every 90 days."], ["90 days"]),
    ("en_change_stronger", "en", ["Please change the password to something stronger."], ["something stronger"]),
    ("ja_reset_error", "ja", ["パスワードをリセットした後、以下のエラーが表示されました。", "", "0x80070005"], ["0x80070005"]),
    ("pin_prose", "en", ["The PIN prompt appears at boot."], ["appears at boot"]),
    ("token_type", "en", ['{"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599}'], ['"expires_in": 3599']),
    ("secret_name", "en", ["SecretName: kv-secret-prod-01", "KeyVaultName: kv-contoso-prod"], ["kv-secret-prod-01"]),
    ("sort_key", "en", ["sort_key: timestamp", "partition_key: tenantId"], ["sort_key: timestamp"]),
    ("credential_user", "en", ["Credential: CONTOSO\\svc_backup"], ["svc_backup"]),
    ("secret_expired", "en", ["client_secret: expired on 2024/11/30"], ["2024/11/30"]),
    ("device_token", "en", ["DeviceId token: " + hexs(40)], ["DeviceId token"]),
    # found by the probe of issue 13: words after PW, JSON null, paths, names
    ("pw_files", "en", ["Please find the PW files attached.", "I forgot to attach the pw txt"], ["PW files"]),
    ("ja_pw_txt", "ja", ["パスワード txt は後ほどお送りします。"], ["txt"]),
    ("pw_case", "en", ["PW is case sensitive."], ["case sensitive"]),
    ("json_null", "en", ['{"ClientSecret": "", "password": "", "pwd": null}'], ['"pwd": null']),
    ("pasu_var", "ja", ["パス：%ProgramFiles%\\Windows Defender Advanced Threat Protection"], ["%ProgramFiles%"]),
    ("vault_ja_name", "ja", ["パスワードは Azure Key Vault に格納しています。"], ["Azure Key Vault"]),
    ("key_id", "en", ["Key ID: nOo3ZDrODXEK1jKWhXslHR_KXEg"], ["nOo3ZDrODXEK1jKWhXslHR_KXEg"]),
    ("secret_id_ja", "ja", ["シークレット ID：6f1d2c3b-8a9e-4f70-b2c1-d3e4f5a6b7c8"], ["シークレット ID"]),
    ("ja_ga_word", "ja", ["パスワードが Windows Update 後に変わりました。"], ["Windows Update"]),
    ("ja_word_note", "ja", ["初期パスワードは birthday（生年月日8桁）です。"], ["生年月日"]),
    ("sqlplus_sysdba", "en", ["sqlplus / as sysdba"], ["sysdba"]),
    ("7z_prompt", "en", ["7z a -p logs.zip C:\\Temp\\logs"], ["logs.zip"]),
    ("certutil_empty", "en", ['certutil -f -p "" -importpfx proxy.pfx'], ["proxy.pfx"]),
    ("colon_steps", "en", ["Password reset instructions:", "", "Open the portal and sign in."], ["Open the portal"]),
    ("pwdlastset", "en", ["pwdLastSet : 133745891234567890", "badPwdCount : 0"], ["badPwdCount : 0"]),
    ("laps_secure", "en", ["Password : System.Security.SecureString", "Source : EncryptedPassword"], ["EncryptedPassword"]),
    ("net_accounts", "en", ["net accounts /maxpwage:90 /minpwlen:12"], ["/minpwlen:12"]),
    ("wa_sspr", "ja", ["パスワードは SSPR でリセットできます。"], ["SSPR"]),
    ("wa_intune", "ja", ["パスワードは Intune から配布しています。"], ["Intune"]),
    ("wa_admin_no", "ja", ["パスワードは Administrator のものを使っています。"], ["Administrator"]),
    ("wa_authenticator", "ja", ["パスワードは Microsoft Authenticator で承認します。"], ["Microsoft Authenticator"]),
    ("ga_hex", "ja", ["パスワードが 0x80070005 で失敗します。"], ["0x80070005"]),
    ("ga_kb", "ja", ["パスワードが KB5044284 適用後に通らなくなりました。"], ["KB5044284"]),
    ("hello_pin", "en", ["Password: Windows Hello PIN"], ["Windows Hello PIN"]),
    ("described", "en", ["Password: Windows sign-in password"], ["sign-in"]),
    ("dash_prose", "en", ["PW - reset done", "Password - see the policy"], ["reset done"]),
    ("ms_account_same", "ja", ["パスワード：Microsoft アカウントと同じ"], ["Microsoft"]),
    ("azuread_sync", "ja", ["パスワード：Azure AD と同期"], ["Azure AD"]),
    ("reg_query_user", "en", ["    DefaultUserName    REG_SZ    kiosk", "    AutoAdminLogon    REG_SZ    1"], ["kiosk"]),
]


# ------------------------------------------------------------------ containers

def subj(s):
    try:
        s.encode("ascii")
        return s
    except UnicodeEncodeError:
        return Header(s, "utf-8").encode()


def headers(subject, ctype, extra=""):
    return ("From: %s\nTo: %s\nSubject: %s\nDate: Tue, 10 Dec 2024 10:15:00 +0900\n"
            "Message-ID: <%08x.detect@contoso.co.jp>\nMIME-Version: 1.0\n%sContent-Type: %s\n"
            % (FROM, TO, subj(subject), RND.getrandbits(32), extra, ctype))


def b64(data):
    return base64.encodebytes(data).decode()


def qp(data):
    import quopri
    return quopri.encodestring(data).decode()


def encode_text(text, cs):
    """(charset label, cte, encoded body) for a text part."""
    crlf = text.replace("\n", "\r\n")
    if cs == "iso-2022-jp":
        return "ISO-2022-JP", "7bit", crlf.encode("iso2022_jp").decode("ascii")
    if cs == "shift_jis":
        return "Shift_JIS", "base64", b64(crlf.encode("cp932"))
    if cs == "utf-8-qp":
        return "utf-8", "quoted-printable", qp(crlf.encode("utf-8"))
    if cs == "utf-8-8bit":
        return "utf-8", "8bit", crlf.encode("utf-8").decode("utf-8")
    if cs == "utf-16":
        return "utf-16", "base64", b64(b"\xff\xfe" + crlf.encode("utf-16-le"))
    return "utf-8", "base64", b64(crlf.encode("utf-8"))


def fits(text, cs):
    try:
        text.encode({"iso-2022-jp": "iso2022_jp", "shift_jis": "cp932"}.get(cs, "utf-8"))
        return True
    except UnicodeEncodeError:
        return False


def leaf(ctype, text, cs, extra=""):
    label, cte, body = encode_text(text, cs)
    if not body.endswith("\n"):
        body += "\n"
    return ('Content-Type: %s; charset="%s"%s\nContent-Transfer-Encoding: %s\n\n%s'
            % (ctype, label, extra, cte, body))


def attachment(name, data, ctype):
    fn = Header(name, "utf-8").encode() if not name.isascii() else name
    return ('Content-Type: %s; name="%s"\nContent-Disposition: attachment; filename="%s"\n'
            "Content-Transfer-Encoding: base64\n\n%s" % (ctype, fn, fn, b64(data)))


def multipart(subtype, parts):
    bnd = "==_%s_%08x" % (subtype, RND.getrandbits(32))
    out = ["--%s\n%s" % (bnd, p if p.endswith("\n") else p + "\n") for p in parts]
    return 'multipart/%s; boundary="%s"' % (subtype, bnd), "\n" + "".join(out) + "--%s--\n" % bnd


def message(subject, ctype_body, extra=""):
    ctype, body = ctype_body
    return headers(subject, ctype, extra) + body


def html_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def outlook_html(paras, rows=None, after=()):
    """Word-generated HTML as Outlook writes it."""
    def p(t):
        if not t:
            return "<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n"
        return ("<p class=MsoNormal><span style='font-size:11.0pt;font-family:\"Meiryo UI\",sans-serif'>%s"
                "<o:p></o:p></span></p>\n" % html_escape(t))
    out = ['<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
           'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" '
           'xmlns="http://www.w3.org/TR/REC-html40"><head><meta http-equiv=Content-Type content="text/html; charset=utf-8">'
           '<meta name=Generator content="Microsoft Word 15 (filtered medium)"><style><!--\n'
           'p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0mm;font-size:10.5pt;font-family:"Yu Gothic",sans-serif;}\n'
           '--></style><!--[if gte mso 9]><xml>\n<o:shapedefaults v:ext="edit" spidmax="1026" />\n</xml><![endif]--></head>'
           '<body lang=JA link="#0563C1" vlink="#954F72" style=\'word-wrap:break-word\'><div class=WordSection1>\n']
    out += [p(t) for t in paras]
    if rows:
        out.append("<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;border:none'>\n")
        for r, row in enumerate(rows):
            out.append("<tr style='height:18.0pt'>\n")
            for c, cell in enumerate(row):
                inner = html_escape(cell)
                if r == 0 or c == 0:
                    inner = "<b>%s</b>" % inner
                if c % 2:
                    inner = "<font color=\"#1F3864\">%s</font>" % inner
                out.append("<td width=%d valign=top style='width:120.0pt;border:solid windowtext 1.0pt;padding:0mm 5.4pt 0mm 5.4pt'>\n"
                           "<p class=MsoNormal><span lang=EN-US style='font-family:\"Meiryo UI\",sans-serif'>%s<o:p></o:p></span></p>\n</td>\n"
                           % (160 + 10 * c, inner))
            out.append("</tr>\n")
        out.append("</table>\n")
    out += [p(t) for t in after]
    out.append("</div></body></html>\n")
    return "".join(out)


def gmail_html(paras, rows=None, after=()):
    body = "<br>".join(html_escape(t) for t in paras)
    tbl = ""
    if rows:
        tbl = ('<table border="1" cellpadding="0" cellspacing="0" style="border-collapse:collapse"><tbody>'
               + "".join("<tr>%s</tr>" % "".join('<td style="padding:2px 6px">%s</td>' % html_escape(c) for c in row)
                         for row in rows) + "</tbody></table>")
    tail = "<br>".join(html_escape(t) for t in after)
    return '<div dir="ltr"><div>%s</div>%s<div>%s</div></div>\n' % (body, tbl, tail)


def iphone_html(paras):
    return ('<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
            '<body dir="auto">%s<div dir="ltr"><br>iPhoneから送信</div></body></html>\n'
            % "".join('<div dir="ltr">%s</div>' % (html_escape(t) if t else "<br>") for t in paras))


def zip_of(members):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, (2024, 12, 9, 10, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.flag_bits |= 0x800 if not name.isascii() else 0
            z.writestr(zi, data)
    return bio.getvalue()


CT_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def xlsx(rows):
    strings, sheet = [], []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, v in enumerate(row):
            strings.append(v)
            cells.append('<c r="%s%d" t="s"><v>%d</v></c>' % (chr(65 + c), r, len(strings) - 1))
        sheet.append('<row r="%d">%s</row>' % (r, "".join(cells)))
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    return zip_of([
        ("[Content_Types].xml", CT_XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'),
        ("xl/workbook.xml", CT_XML + '<workbook %s><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>' % ns),
        ("xl/sharedStrings.xml", CT_XML + '<sst %s count="%d">%s</sst>' % (ns, len(strings), "".join("<si><t>%s</t></si>" % html_escape(s) for s in strings))),
        ("xl/worksheets/sheet1.xml", CT_XML + '<worksheet %s><sheetData>%s</sheetData></worksheet>' % (ns, "".join(sheet))),
    ])


def docx(lines, rows=None):
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    run = lambda t: '<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>' % html_escape(t)
    body = "".join("<w:p>%s</w:p>" % run(t) for t in lines)
    if rows:
        body += "<w:tbl>" + "".join("<w:tr>%s</w:tr>" % "".join("<w:tc><w:p>%s</w:p></w:tc>" % run(c) for c in row)
                                    for row in rows) + "</w:tbl>"
    return zip_of([
        ("[Content_Types].xml", CT_XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'),
        ("word/document.xml", CT_XML + '<w:document %s><w:body>%s</w:body></w:document>' % (ns, body)),
    ])


XLSX_T = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_T = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTAINERS = ["plain", "outlook", "gmail", "iphone", "reply", "attach", "zip", "xlsx", "docx"]
CHARSETS = ["iso-2022-jp", "shift_jis", "utf-8", "utf-8-qp", "utf-8-8bit", "utf-16"]


def file_bytes(text, cs):
    if cs == "utf-16":
        return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")
    if cs == "shift_jis":
        return text.replace("\n", "\r\n").encode("cp932")
    if cs == "iso-2022-jp":
        return text.encode("iso2022_jp")
    return text.encode("utf-8")


def build(sn, container, cs, subject, style):
    """The message for snippet sn in this container and charset."""
    ja = sn.lang == "ja"
    greet, sign = (GREET_JA, SIGN_JA) if ja else (GREET_EN, SIGN_EN)
    intro = sn.intro or ("以下の内容で設定しています。" if ja else "This is what we configured:")
    body_cs = cs if cs != "utf-16" else "utf-8"
    content = sn.text(style)
    paras = (greet + "\n" + intro).split("\n")
    if container == "plain":
        label, cte, body = encode_text(greet + "\n" + intro + "\n\n" + content + "\n" + sign, body_cs)
        return headers(subject, 'text/plain; charset="%s"' % label) + \
            "Content-Transfer-Encoding: %s\n\n%s" % (cte, body)
    if container == "outlook":
        plain = greet + "\n" + intro + "\n\n" + content + "\n" + sign
        if sn.rows is not None:
            html = outlook_html(paras + [""], sn.rows, [""] + sign.split("\n"))
        else:
            html = outlook_html(paras + [""] + content.split("\n"), None, [""] + sign.split("\n"))
        return message(subject, multipart("alternative", [leaf("text/plain", plain, body_cs),
                                                          leaf("text/html", html, body_cs if body_cs != "iso-2022-jp" else "utf-8")]))
    if container == "gmail":
        plain = greet + "\n" + intro + "\n\n" + content + "\n" + sign
        if sn.rows is not None:
            html = gmail_html(paras, sn.rows, sign.split("\n"))
        else:
            html = gmail_html(paras + [""] + content.split("\n") + [""] + sign.split("\n"))
        return message(subject, multipart("alternative", [leaf("text/plain", plain, "utf-8-qp"),
                                                          leaf("text/html", html, "utf-8-qp")]))
    if container == "iphone":
        lines = (intro + "\n\n" + content + "\n\n" + ("iPhoneから送信" if ja else "Sent from my iPhone")).split("\n")
        plain = "\n".join(lines)
        html = iphone_html(intro.split("\n") + [""] + content.split("\n"))
        return message(subject, multipart("alternative", [leaf("text/plain", plain, "utf-8-qp"),
                                                          leaf("text/html", html, "utf-8-qp")]))
    if container == "reply":
        if ja:
            new = "ご連絡ありがとうございます。\n前回のメールの内容で再度お試しください。\n" + SIGN_JA
            hdr = ("\n-----Original Message-----\nFrom: 佐藤 花子 <h.sato@contoso.co.jp>\nSent: Monday, December 9, 2024 5:02 PM\n"
                   "To: Microsoft Support <supportmail@microsoft.com>\nSubject: RE: " + subject + "\n\n")
            quoted = hdr + greet + "\n" + intro + "\n\n" + content + "\n" + sign
        else:
            new = "Thanks for the update, see my previous mail below.\n" + SIGN_EN
            quoted = ("\nOn Mon, Dec 9, 2024 at 5:02 PM Hanako Sato <h.sato@contoso.co.jp> wrote:\n"
                      + "\n".join("> " + ln if ln else ">" for ln in (greet + "\n" + intro + "\n\n" + content + "\n" + sign).split("\n")))
        label, cte, body = encode_text(new + quoted, body_cs)
        return headers("RE: " + subject, 'text/plain; charset="%s"' % label) + \
            "Content-Transfer-Encoding: %s\n\n%s" % (cte, body)
    note = ("設定ファイルを添付します。" if ja else "Please find the file attached.") + "\n" + sign
    body = leaf("text/plain", greet + "\n" + note, "iso-2022-jp" if ja and fits(note, "iso-2022-jp") else "utf-8")
    if container == "attach":
        if sn.raw is not None:
            return message(subject, multipart("mixed", [body, attachment(sn.fname, sn.raw, sn.ctype)]))
        data = file_bytes(content + "\n", cs)
        ct = "application/octet-stream" if sn.kind in ("cmd", "config") and RND.random() < 0.3 else "text/plain"
        if ct == "text/plain":
            label = {"utf-16": "utf-16", "shift_jis": "Shift_JIS", "iso-2022-jp": "ISO-2022-JP"}.get(cs, "utf-8")
            att = attachment(sn.fname, data, 'text/plain; charset="%s"' % label)
        else:
            att = attachment(sn.fname, data, ct)
        return message(subject, multipart("mixed", [body, att]))
    if container == "zip":
        data = zip_of([("share/" + sn.fname, file_bytes(content + "\n", cs))])
        return message(subject, multipart("mixed", [body, attachment("files.zip", data, "application/zip")]))
    if container == "xlsx":
        rows = sn.rows if sn.rows is not None else [[ln] for ln in content.split("\n")]
        return message(subject, multipart("mixed", [body, attachment("アカウント管理.xlsx" if ja else "accounts.xlsx", xlsx(rows), XLSX_T)]))
    if container == "docx":
        return message(subject, multipart("mixed", [body, attachment("手順書.docx" if ja else "procedure.docx",
                                                                       docx(intro.split("\n") + sn.lines, sn.rows), DOCX_T)]))
    raise AssertionError(container)


# ------------------------------------------------------------------ cases

OUT = []


def add(name, eml, cls, expect="deliver", secrets=(), keep=(), why="", unchanged=False, **ext):
    lab = {"expect": expect, "secrets": list(secrets), "keep": list(keep), "sr": SR,
           "resolution": False, "why": why, "cls": cls}
    if unchanged:
        lab["unchanged"] = True
    lab.update(ext)
    OUT.append((name, eml, lab))


def value_of(shape):
    if shape == "phrase":
        return v_phrase()
    if shape == "pin":
        return v_pin()
    if shape == "complex_url":
        return v_complex(SAFE_URL)
    if shape == "token":
        return v_token(RND.randrange(32, 44))
    if shape == "bitlocker":
        return uniq(lambda: "-".join("%06d" % (RND.randrange(0, 65536) * 11) for _ in range(8)))
    return SHAPES[shape]()


def combos(containers, n):
    """n (container, charset) pairs, deterministic, rotating over both lists."""
    out = []
    k = RND.randrange(len(CHARSETS))
    for i in range(n):
        c = containers[i % len(containers)]
        cs = CHARSETS[(k + i) % len(CHARSETS)]
        if c in ("plain", "reply", "outlook") and cs == "utf-16":
            cs = "utf-8"
        out.append((c, cs))
    return out


def subject_for(lang, topic):
    return "[SR#%s] %s" % (SR, topic)


def emit(name, sn, containers, n, cls, why, style_cycle=("tab", "spaces", "pipe", "lines"), **ext):
    for i, (c, cs) in enumerate(combos(containers, n)):
        text = sn.text("tab")
        if not fits(text, cs) or (c == "plain" and not fits(text, cs)):
            cs = "utf-8"
        sub = subject_for(sn.lang, "設定について" if sn.lang == "ja" else "configuration question")
        eml = build(sn, c, cs, sub, style_cycle[i % len(style_cycle)])
        keep = list(sn.keep)
        if c in ("zip", "xlsx", "docx") and sn.secrets:
            keep = []  # a member with a secret may be stripped with the archive
        add("%s_%s_%s" % (name, c, cs.replace("-", "")), eml, cls, secrets=sn.secrets, keep=keep,
            why=why, unchanged=not sn.secrets, **ext)


def pw_cases():
    for sid, lang, tmpl, shapes in pw_sentences():
        for k, shape in enumerate(shapes):
            v = value_of(shape)
            sn = Snip([tmpl.replace("{v}", v)], secrets=[v], lang=lang)
            emit("pw_%s_%s" % (sid, shape), sn, CONTAINERS[k % 3:] + CONTAINERS[:k % 3], 4, "pw_sentence",
                 "password after a keyword (%s, %s value)" % (sid, shape))
    for sid, lang, lines in pw_nextline():
        for shape in ("word", "word_digits", "complex"):
            v = value_of(shape)
            sn = Snip([ln.replace("{v}", v) for ln in lines], secrets=[v], lang=lang,
                      intro="" if lang == "ja" else " ")
            emit("pw_next_%s_%s" % (sid, shape), sn, ["plain", "outlook", "gmail", "iphone", "reply"], 4,
                 "pw_nextline", "the value on the line after a 'password is below' sentence (%s)" % sid)
    for tid, lang, rows in pw_tables():
        for shape in ("word", "word_digits", "complex"):
            v = value_of(shape)
            sn = Snip(rows=[[c.replace("{v}", v) for c in r] for r in rows], secrets=[v], lang=lang, kind="table",
                      keep=[rows[-1][0]] if "{v}" not in rows[-1][0] else [])
            emit("pw_table_%s_%s" % (tid, shape), sn, ["outlook", "gmail", "plain", "xlsx", "docx", "attach"], 6,
                 "pw_table", "password in a table cell (%s)" % tid)
    for sid, lang, lines, keep in PW_NEAR:
        sn = Snip(lines, keep=keep, lang=lang)
        emit("nm_pw_%s" % sid, sn, ["plain", "outlook", "gmail", "reply", "attach", "iphone"][len(sid) % 2:], 5, "pw_near",
             "not a password value (%s)" % sid)


def cmd_cases():
    for cid, fname, tmpl, shapes, keep in cmd_lines():
        for k, shape in enumerate(shapes):
            v = value_of(shape)
            lines = ["C:\\> " + tmpl.replace("{v}", v)] if fname.endswith(".cmd") and k % 2 else [tmpl.replace("{v}", v)]
            sn = Snip(lines, secrets=[v], keep=keep, kind="cmd", fname=fname, lang="ja" if k % 2 else "en",
                      intro="以下のコマンドを実行しています。" if k % 2 else "We run this command:")
            emit("cmd_%s_%s" % (cid, shape), sn, ["plain", "outlook", "attach", "gmail", "reply", "zip", "docx"][k:] +
                 ["plain", "outlook", "attach"], 3, "cmd", "credential in a command line (%s)" % cid)


def unattend_b64(v):
    enc = base64.b64encode((v + "AdministratorPassword").encode("utf-16-le")).decode()
    text = ('<settings pass="specialize">\n</settings>\n<settings pass="oobeSystem">\n  <component name="Microsoft-Windows-Shell-Setup">\n'
            '    <UserAccounts>\n      <AdministratorPassword>\n        <Value>%s</Value>\n        <PlainText>false</PlainText>\n'
            '      </AdministratorPassword>\n    </UserAccounts>\n  </component>\n</settings>' % enc)
    return text, enc


def gpp(v):
    enc = base64.b64encode(bytes(RND.getrandbits(8) for _ in range(32))).decode().rstrip("=")
    text = ('<?xml version="1.0" encoding="utf-8"?>\n<Groups clsid="{3125E937-EB16-4b4c-9934-544FC6D24D26}">'
            '<User clsid="{DF5F1855-51E5-4d24-8B1A-D9BDE98BA1D1}" name="LocalAdmin" image="2" changed="2024-11-01 10:00:00" '
            'uid="{%s}"><Properties action="U" newName="" fullName="" description="" cpassword="%s" changeLogon="0" '
            'noChange="0" neverExpires="1" acctDisabled="0" userName="LocalAdmin"/></User></Groups>' % (guid().upper(), enc))
    return text, enc


def config_cases():
    for fid, fname, text, shapes, keep in config_files():
        for k, shape in enumerate(shapes):
            v = value_of(shape)
            if text == "B64UNATTEND":
                body, secret = unattend_b64(v)
            elif text == "GPPCPASS":
                body, secret = gpp(v)
            else:
                body, secret = text.replace("{v}", v).replace("{{", "{").replace("}}", "}"), v
            sn = Snip(body.split("\n"), secrets=[secret], keep=keep, kind="config", fname=fname,
                      lang="ja" if k % 2 else "en",
                      intro="現在の設定ファイルの内容です。" if k % 2 else "Here is the current configuration file:")
            emit("cfg_%s_%s" % (fid, shape), sn, ["attach", "plain", "zip", "outlook", "gmail", "reply"][k:] + ["attach", "plain"],
                 3, "config", "credential in a configuration file (%s)" % fid)


# ---- cards

def card_cases():
    visa = lambda: card("4", 16)
    mc = lambda: card("5" + str(RND.randrange(1, 6)), 16)
    mc2 = lambda: card("2", 16) if False else card("2221", 16)
    amex = lambda: card("37", 15)
    jcb = lambda: card("3530", 16)
    forms = [
        ("kw_spaces", "ja", lambda d: "カード番号：" + group(d, [4, 4, 4, 4]), visa),
        ("kw_hyphen", "ja", lambda d: "クレジットカード番号 " + group(d, [4, 4, 4, 4], "-"), mc),
        ("kw_glued", "ja", lambda d: "カード番号" + d + "の決済が失敗しました。", jcb),
        ("kw_fullwidth", "ja", lambda d: "カード番号：" + group(d, [4, 4, 4, 4]).translate(FW), visa),
        ("bare_16", "ja", lambda d: "下記の番号で決済できませんでした。\n" + d, visa),
        ("bare_12_4", "ja", lambda d: "決済エラーになった番号：" + d[:12] + " " + d[12:], mc),
        ("bare_44422", "en", lambda d: "The payment for " + group(d, [4, 4, 4, 2, 2]) + " was declined.", visa),
        ("bare_amex", "en", lambda d: "Charged to " + group(d, [4, 6, 5]) + " on 2024/12/01.", amex),
        ("bare_mc2", "en", lambda d: "Number on file: " + group(d, [4, 4, 4, 4], "-"), mc2),
        ("split_lines", "ja", lambda d: "カード番号：" + group(d, [4, 4]) + "\n" + group(d[8:], [4, 4]), visa),
        ("ocr", "ja", lambda d: "請求書のOCR結果：" + group(d, [4, 4, 4, 2, 2], " ") + " 有効期限 12/27", jcb),
        ("with_cvv_ja", "ja", lambda d: "カード番号：" + group(d, [4, 4, 4, 4]) + "　有効期限：12/27　セキュリティコード：" + CVV[0], visa),
        ("with_cvv_en", "en", lambda d: "Card " + group(d, [4, 4, 4, 4], "-") + ", exp 11/26, CVV " + CVV[0], mc),
    ]
    for fid, lang, fmt, gen in forms:
        for k in range(6):
            d = gen()
            CVV[0] = uniq(lambda: "%04d" % RND.randrange(1000, 9999))  # 4 digits: 3 recur by chance in any output
            text = fmt(d)
            keep = [d[-4:]] if d[-4:] in text and text.count(d[-4:]) == 1 and fid not in ("kw_fullwidth",) else []
            secrets = [d] + ([CVV[0]] if "cvv" in fid else [])
            sn = Snip(text.split("\n"), secrets=secrets, keep=keep, lang=lang,
                      intro="支払いについての問い合わせです。" if lang == "ja" else "A question about a payment:")
            c = CONTAINERS[(k + len(fid)) % len(CONTAINERS)]
            if fid == "split_lines" and c in ("outlook", "gmail", "iphone"):
                c = "plain"
            emit("card_%s_%d" % (fid, k), sn, [c], 1, "card", "card number (%s)" % fid, ("tab",),
                 **({"split_ok": True} if fid == "split_lines" else {}))
    # near misses: SR references (Luhn-valid, in the 2221-2720 range), IMEI, hashes, GUIDs, IDs
    for k in range(8):
        while True:
            srn = "24%02d%02d00400%05d" % (RND.randrange(1, 12), RND.randrange(1, 28), RND.randrange(100000))
            if luhn_ok(srn):
                break
        lang = "ja" if k % 2 else "en"
        text = (["以前のケース %s でも同じ事象が発生しました。" % srn, "お問い合わせ番号 %s の件です。" % srn,
                 "別件（SR %s）と同じ現象です。" % srn, "ケース番号：%s" % srn][k % 4] if lang == "ja" else
                ["This looks like case %s from last month." % srn, "Related SR: %s" % srn,
                 "See TrackingID#%s for the earlier incident." % srn, "Previous case number %s was closed." % srn][k % 4])
        emit("nm_card_sr_%d" % k, Snip([text], keep=[srn], lang=lang), [CONTAINERS[k % 6]], 1, "card_near",
             "a Luhn-valid SR reference is not a card")
    others = [
        ("imei", "en", lambda: "IMEI: " + card("35", 15)),
        ("iccid", "ja", lambda: "SIMのICCID：" + card("8981", 19)),
        ("order", "ja", lambda: "注文番号 " + (lambda d: d[:-1] + str((int(d[-1]) + 1) % 10))(card("4", 16))),
        ("longrun", "en", lambda: "Correlation ID 20241205" + card("4", 16) + "00"),
        ("hexid", "en", lambda: "DeviceId: " + hexs(12) + card("4", 16) + hexs(12)),
        ("guid", "en", lambda: "TenantId: " + guid()),
        ("sha256", "en", lambda: "SHA256: " + hexs(64)),
        ("alertid", "en", lambda: "AlertId: da" + "".join(str(RND.randrange(10)) for _ in range(18)) + "_" + str(RND.randrange(10**9, 2 * 10**9))),
        ("build", "en", lambda: "Build 10.0.19045.5011, KB5034441, phone 03-1234-5678"),
        ("timestamp", "ja", lambda: "タイムスタンプ 20241205101530123 のログを確認してください。"),
        ("ident", "en", lambda: "Object name: vol_" + card("4", 16) + "_snap"),
    ]
    for oid, lang, mk in others:
        for k in range(3):
            text = mk()
            keep = [w for w in text.replace("、", " ").replace("：", " ").split() if any(ch.isdigit() for ch in w)][:2]
            emit("nm_card_%s_%d" % (oid, k), Snip([text], keep=keep, lang=lang), [CONTAINERS[(k * 3 + len(oid)) % 6]], 1,
                 "card_near", "not a card (%s)" % oid)


# ---- onboarding material in accidental forms

def blob():
    body = ('{"previousOrgIds":[],"orgId":"%s","geoLocationUrl":"https://winatp-gw-jpe.microsoft.com/",'
            '"datacenter":"JapanEast","vortexGeoLocation":"JP","version":"1.42"}' % guid())
    return '{"body":%s,"sig":"%s","sha256sig":"%s","cert":"%s","chain":["%s","%s"]}' % (
        json.dumps(body), rnd_b64(256), rnd_b64(256), rnd_b64(1200), rnd_b64(1400), rnd_b64(1500))


def onb_cmd():
    esc = blob().replace("\\", "\\\\").replace('"', '\\"')
    return ("@echo off\r\necho This script is for onboarding machines to the Microsoft Defender for Endpoint services.\r\n"
            "set errorCode=0\r\n"
            'REG add "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Advanced Threat Protection" /v OnboardingInfo /t REG_SZ /f /d "%s" >NUL 2>&1\r\n'
            "sc query \"SENSE\" | find /i \"RUNNING\" >NUL 2>&1\r\n" % esc)


def wrap(s, w):
    return "\n".join(s[i:i + w] for i in range(0, len(s), w))


def certutil(data):
    return "-----BEGIN CERTIFICATE-----\n" + wrap(base64.b64encode(data).decode(), 64) + "\n-----END CERTIFICATE-----"


def onb_cases():
    for k, w in enumerate((80, 120, 100, 132)):
        out = ("\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows Advanced Threat Protection\n"
               "    OnboardingInfo    REG_SZ    " + blob() + "\n")
        lines = ["reg query の結果を貼り付けます。", "", "C:\\>reg query \"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Advanced Threat Protection\""] + \
            [ln for part in out.split("\n") for ln in (wrap(part, w).split("\n") if part else [""])]
        sn = Snip(lines, lang="ja", intro="")
        for c in ("plain", "outlook", "attach"):
            add("onb_regquery_w%d_%s" % (w, c), build(sn, c, "utf-8", subject_for("ja", "オンボーディングの状態"), "tab"),
                "onb_wrapped", expect="reject", why="reg query output of OnboardingInfo wrapped at %d columns" % w)
    for k in range(3):
        pem = certutil(onb_cmd().encode())
        sn = Snip(["certutil -encode で変換したスクリプトです。", ""] + pem.split("\n"), lang="ja", intro="")
        for c in ("plain", "attach", "outlook"):
            add("onb_certutil_%d_%s" % (k, c), build(sn, c, ["utf-8", "shift_jis", "iso-2022-jp"][k], subject_for("ja", "スクリプト"), "tab"),
                "onb_base64", expect="reject", why="certutil -encode of an onboarding script")
        bare = wrap(base64.b64encode(onb_cmd().encode("utf-16-le" if k == 1 else "utf-8")).decode(), 76)
        sn = Snip(["Base64 にしたスクリプト:", ""] + bare.split("\n"), lang="ja", intro="")
        for c in ("plain", "attach"):
            add("onb_bare64_%d_%s" % (k, c), build(sn, c, "utf-8", subject_for("ja", "スクリプト"), "tab"),
                "onb_base64", expect="reject", why="bare base64 block of an onboarding script")
    for k in range(3):
        plist = ('<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>PayloadContent</key><array><dict>'
                 '<key>PayloadType</key><string>com.microsoft.wdav.atp</string><key>OnboardingInfo</key><string>%s</string>'
                 '</dict></array></dict></plist>' % blob().replace("&", "&amp;").replace('"', "&quot;"))
        der = b"\x30\x82\x3a\x10\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02\xa0\x82" + bytes(RND.getrandbits(8) for _ in range(200)) + \
            b"\x04\x82\x10\x00" + plist.encode() + b"\x00\x00" + bytes(RND.getrandbits(8) for _ in range(600))
        sn = Snip(["署名済みの構成プロファイルを添付します。"], lang="ja", raw=der, fname=["onboard.mobileconfig", "profile.bin", "mdm_payload"][k],
                  ctype=["application/x-apple-aspen-config", "application/octet-stream", "application/pkcs7-mime"][k])
        add("onb_signed_plist_%d" % k, build(sn, "attach", "utf-8", subject_for("ja", "プロファイル"), "tab"),
            "onb_binary", expect="reject", why="a signed (binary) mobileconfig carrying OnboardingInfo")
    # near misses
    logb = "\n".join("2024-12-05 10:%02d:%02d INFO Sense service heartbeat ok, OnboardingState : 1" % (i // 60, i % 60) for i in range(40))
    sn = Snip(["ログを Base64 で貼ります。", ""] + wrap(base64.b64encode(logb.encode()).decode(), 76).split("\n"), lang="ja", intro="")
    for c in ("plain", "attach", "outlook"):
        add("nm_onb_b64log_%s" % c, build(sn, c, "utf-8", subject_for("ja", "ログ"), "tab"), "onb_near",
            why="base64 of an ordinary log is not onboarding material", unchanged=True,
            keep=["ログを Base64 で貼ります。"])
    sn = Snip(["OnboardingState : 1", "OrgId : " + guid(), "WindowsDefenderATPOnboardingScript.cmd を実行後の状態です。"], lang="ja",
              keep=["OnboardingState : 1"])
    for c in ("plain", "outlook", "attach"):
        add("nm_onb_state_%s" % c, build(sn, c, "utf-8", subject_for("ja", "状態"), "tab"), "onb_near",
            why="onboarding state output is not material", unchanged=True, keep=["OnboardingState : 1"])


# ---- key-shaped secrets without a password keyword

def token_cases():
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    hits = [
        ("api_key_ja", "ja", lambda t: "APIキー：" + t, lambda: v_token(40, alnum)),
        ("secret_ja", "ja", lambda t: "クライアントシークレット " + t, lambda: v_token(34, alnum + "~._-")),
        ("token_en", "en", lambda t: "Access token: " + t, lambda: v_token(48, alnum)),
        ("sas_token", "en", lambda t: "SAS token = " + t, lambda: v_token(44, alnum + "+/")),
        ("bearer", "en", lambda t: "Authorization: Bearer " + t, lambda: v_token(60, alnum + "-_")),
        ("x_api_key", "en", lambda t: "x-api-key: " + t, lambda: v_token(32, alnum)),
        ("sk_shape", "en", lambda t: "OPENAI_KEY " + "sk-" + t, lambda: v_token(48, alnum)),
        ("devops_pat", "en", lambda t: "Personal access token for the pipeline: " + t, lambda: v_token(52, "abcdefghijklmnopqrstuvwxyz234567")),
    ]
    for hid, lang, fmt, mk in hits:
        for k in range(4):
            t = mk()
            text = fmt(t)
            sec = text.split(" ")[-1] if hid == "sk_shape" else t
            sn = Snip([text], secrets=[sec], lang=lang, kind="config", fname="keys.txt")
            emit("tok_%s_%d" % (hid, k), sn, [["plain", "outlook", "attach", "gmail"][k]], 1, "token",
                 "key-shaped secret in a credential context (%s)" % hid)
    nears = [
        ("sha256", "en", lambda: "SHA256 hash of the file: " + hexs(64).upper()),
        ("sha1", "ja", lambda: "ファイルハッシュ (SHA1)：" + hexs(40)),
        ("deviceid", "en", lambda: "DeviceId : " + hexs(40)),
        ("guid", "ja", lambda: "テナントID：" + guid()),
        ("machineid", "en", lambda: "MachineId: " + hexs(40) + "  SenseId: " + guid()),
        ("b64_text", "en", lambda: "Event data (base64): " + base64.b64encode(b"The Sense service entered the running state at boot.").decode()),
        ("thumbprint", "en", lambda: "Certificate thumbprint: " + hexs(40).upper()),
        ("alert", "en", lambda: "Alert ID: da" + "".join(str(RND.randrange(10)) for _ in range(18)) + "_-" + str(RND.randrange(10**9, 2 * 10**9))),
        ("correlation", "en", lambda: "Correlation ID: " + guid() + " Timestamp: 2024-12-05 01:02:03Z"),
        ("kb_path", "en", lambda: r"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe"),
    ]
    for nid, lang, mk in nears:
        for k in range(4):
            text = mk()
            keep = [w for w in text.split() if len(w) >= 16][:2] or [text[-20:]]
            emit("nm_tok_%s_%d" % (nid, k), Snip([text], keep=keep, lang=lang), [["plain", "outlook", "attach", "gmail"][k]], 1,
                 "token_near", "not a secret (%s)" % nid)


# ---- value propagation: the value found once, repeated elsewhere

def propagation_cases():
    for k in range(12):
        v = value_of(["word", "word_digits", "complex"][k % 3])
        lang = "ja" if k % 2 else "en"
        first = ("パスワード：%s" % v) if lang == "ja" else ("Password: %s" % v)
        echo = ["%s でログインしようとするとエラーになります。" % v, "(%s)" % v, "%s を入力すると 0xC000006A が返ります。" % v][k % 3] \
            if lang == "ja" else ["Logging on with %s fails." % v, "We also tried %s on the second server." % v, "-> %s" % v][k % 3]
        where = k % 4
        if where == 0:  # the echo in the Subject
            sub = "[SR#%s] %s" % (SR, echo)
            sn = Snip([first], secrets=[v], lang=lang)
            eml = build(sn, "plain", "utf-8", sub, "tab")
        elif where == 1:  # the echo in an attachment without keyword
            sn = Snip([first], secrets=[v], lang=lang)
            eml = build(sn, "plain", "utf-8", subject_for(lang, "logon"), "tab")
            eml = message(subject_for(lang, "logon"), multipart("mixed", [
                leaf("text/plain", (GREET_JA if lang == "ja" else GREET_EN) + first + "\n" + SIGN_JA, "utf-8"),
                attachment("memo.txt", ("試した内容\n" + echo + "\n").encode("utf-8"), 'text/plain; charset="utf-8"')]))
        elif where == 2:  # keyword in the HTML alternative only (a table), echo in plain text
            html = outlook_html(["設定値です。"], [["パスワード", v]], [echo])
            plain = "設定値です。\n\n" + v + "\n" + echo + "\n"
            eml = message(subject_for(lang, "logon"), multipart("alternative", [leaf("text/plain", plain, "utf-8"),
                                                                                 leaf("text/html", html, "utf-8")]))
        else:  # keyword in the quoted copy, echo in the new text
            new = echo + "\n"
            quoted = "\n".join("> " + ln for ln in (first + "\n").split("\n"))
            eml = headers("RE: " + subject_for(lang, "logon"), 'text/plain; charset="ISO-2022-JP"') + \
                "Content-Transfer-Encoding: 7bit\n\n" + (new + "\n" + quoted).replace("\n", "\r\n").encode("iso2022_jp").decode("ascii")
        add("prop_%d" % k, eml, "propagation", secrets=[v], why="a value found once is masked everywhere (where %d)" % where)


def subject_cases():
    for k in range(6):
        v = value_of(["word_digits", "complex", "word"][k % 3])
        sub = "[SR#%s] %s" % (SR, ["仮パスワード：%s でログインできません" % v, "Password %s rejected" % v,
                                   "パスワードは「%s」です" % v][k % 3])
        sn = Snip(["件名のとおりです。" if k % 2 == 0 else "See the subject."], lang="ja" if k % 2 == 0 else "en")
        add("subj_pw_%d" % k, build(sn, ["plain", "outlook", "gmail"][k % 3], "utf-8", sub, "tab"), "subject",
            secrets=[v], why="a password in the Subject")


# ---- hostile encodings

def hostile_cases():
    for k in range(4):
        v = value_of(["word_digits", "complex"][k % 2])
        text = GREET_JA + "\nパスワード：%s\n" % v + SIGN_JA
        data = b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")
        eml = headers(subject_for("ja", "文字化け"), 'text/plain; charset="utf-8"') + "Content-Transfer-Encoding: base64\n\n" + b64(data)
        add("hostile_bom_under_utf8_%d" % k, eml, "hostile", secrets=[v], why="UTF-16 BOM under a UTF-8 label", deep=True)
    for k in range(4):
        v = value_of(["word_digits", "complex"][k % 2])
        text = GREET_JA + "\nパスワード：%s\n" % v + SIGN_JA
        eml = headers(subject_for("ja", "文字化け"), 'text/plain; charset="Shift_JIS"') + "Content-Transfer-Encoding: base64\n\n" + \
            b64(text.replace("\n", "\r\n").encode("utf-8"))
        add("hostile_utf8_as_sjis_%d" % k, eml, "hostile", secrets=[v], why="UTF-8 bytes under a Shift_JIS label")
    for k in range(4):
        v = value_of(["word_digits", "complex"][k % 2])
        text = "[app]\r\nserver=db01\r\n\x00\x00password=%s\r\n\x00timeout=30\r\n" % v
        eml = message(subject_for("en", "config"), multipart("mixed", [
            leaf("text/plain", GREET_EN + "The config file is attached.\n" + SIGN_EN, "utf-8"),
            attachment("app.ini", text.encode(), "application/octet-stream")]))
        add("hostile_nuls_%d" % k, eml, "hostile", secrets=[v], why="a text file with a few NUL bytes", deep=True)
    for k in range(4):
        v = value_of(["word_digits", "complex"][k % 2])
        text = "Password=%s\r\n" % v
        eml = message(subject_for("en", "config"), multipart("mixed", [
            leaf("text/plain", GREET_EN + "Log attached.\n" + SIGN_EN, "utf-8"),
            attachment("dump.log", text.encode("utf-16-le"), "text/plain")]))
        add("hostile_utf16_nobom_%d" % k, eml, "hostile", secrets=[v], why="UTF-16LE text without BOM", deep=True)


def hostile_more_cases():
    for k in range(4):
        v = value_of(["word_digits", "complex"][k % 2])
        text = GREET_JA + "\nパスワード：%s\n" % v + SIGN_JA
        eml = headers(subject_for("ja", "文字化け"), 'text/plain; charset="Shift_JIS"') + \
            "Content-Transfer-Encoding: base64\n\n" + b64(text.replace("\n", "\r\n").encode("euc_jp"))
        add("hostile_euc_as_sjis_%d" % k, eml, "hostile", secrets=[v], why="EUC-JP bytes under a Shift_JIS label")
    for k in range(4):
        v = value_of(["word_digits", "complex"][k % 2])
        text = GREET_JA + "\nパスワード：%s\n" % v + SIGN_JA
        eml = headers(subject_for("ja", "文字化け"), 'text/plain; charset="%s"' % ["utf-8", "iso-8859-1"][k % 2]) + \
            "Content-Transfer-Encoding: base64\n\n" + b64(text.replace("\n", "\r\n").encode("utf-16-le"))
        add("hostile_utf16ja_nobom_%d" % k, eml, "hostile", secrets=[v], why="Japanese UTF-16LE without BOM under an 8-bit label",
            deep=True)


# ---- a password sent as a file (the second mail of PPAP): no keyword in the text

def pwfile_cases():
    names = ["パスワード.txt", "password.txt", "zip_pw.txt", "PW.txt", "解凍パスワード.txt", "pass.txt"]
    encs = [("cp932", 'text/plain; charset="Shift_JIS"'), ("utf-8", "text/plain"), ("utf-16", "text/plain"),
            ("utf-8", "application/octet-stream")]
    for k, name in enumerate(names):
        v = value_of(["word_digits", "complex", "word"][k % 3])
        enc, ct = encs[k % len(encs)]
        data = (b"\xff\xfe" + (v + "\r\n").encode("utf-16-le")) if enc == "utf-16" else (v + "\r\n").encode(enc)
        note = GREET_JA + "先ほどお送りしたファイルのパスワードを添付します。\n" + SIGN_JA
        eml = message(subject_for("ja", "パスワード"), multipart("mixed", [leaf("text/plain", note, "iso-2022-jp"),
                                                                         attachment(name, data, ct)]))
        add("pwfile_%d" % k, eml, "pw_file", secrets=[v], why="a file named as a password holding the value alone (%s)" % name,
            deep=True)
    nears = [("password_policy.txt", "MinimumPasswordLength = 12\r\nPasswordComplexity = 1\r\n", "MinimumPasswordLength = 12"),
             ("pw.txt", "パスワードは別途お電話でお伝えします。\r\n", "別途お電話で"),
             ("password_reset.txt", "Open the portal and reset your password.\r\n", "Open the portal"),
             ("パスワード.txt", "********\r\n", "********"),
             ("notes.txt", "Kitsune2291\r\n", "Kitsune2291")]
    for k, (name, text, keep) in enumerate(nears):
        eml = message(subject_for("ja", "ファイル"), multipart("mixed", [leaf("text/plain", GREET_JA + "ファイルを添付します。\n" + SIGN_JA, "iso-2022-jp"),
                                                                       attachment(name, text.encode("utf-8"), 'text/plain; charset="utf-8"')]))
        add("nm_pwfile_%d" % k, eml, "pw_file_near", why="not a password file (%s)" % name, unchanged=True, keep=[keep])


# ---- binary attachments: printable and UTF-16LE strings

def binary_cases():
    for k in range(6):
        v = value_of(["word_digits", "complex"][k % 2])
        d = card("4", 16)
        inner = ("Password=%s" % v) if k < 3 else ("Card: %s" % group(d, [4, 4, 4, 4]))
        sec = v if k < 3 else d
        s = inner.encode("utf-16-le") if k % 2 else inner.encode()
        raw = b"MZ\x90\x00" + bytes(RND.getrandbits(8) for _ in range(300)) + b"\x00\x00" + s + b"\x00\x00" + \
            bytes(RND.getrandbits(8) for _ in range(300))
        sn = Snip(["ダンプファイルを添付します。"], lang="ja", raw=raw, fname=["app.dmp", "data.bin", "trace.etl"][k % 3],
                  ctype="application/octet-stream")
        add("bin_strings_%d" % k, build(sn, "attach", "utf-8", subject_for("ja", "ダンプ"), "tab"), "binary",
            secrets=[sec], why="a secret in the strings of a binary attachment", deep=True)
    for k in range(3):
        raw = b"MZ\x90\x00" + bytes(RND.getrandbits(8) for _ in range(2000)) + b"Sense service build 10.0.8125\x00"
        sn = Snip(["ダンプファイルを添付します。"], lang="ja", raw=raw, fname="sense.dmp", ctype="application/octet-stream")
        add("nm_bin_%d" % k, build(sn, "attach", "utf-8", subject_for("ja", "ダンプ"), "tab"), "binary_near",
            why="a binary with nothing confidential is delivered unchanged", unchanged=True)


# ---- a value written into a command that reads its password from standard input

def pipe_lines():
    """(id, lang, lines, keep): {v} is the value; commands whose stdin is the password."""
    return [
        ("runas", "en", ["echo {v}| runas /user:CONTOSO\\admin cmd"], ["runas /user:CONTOSO\\admin cmd"]),
        ("sudo_printf", "en", ['printf "%s" {v} | sudo -S systemctl restart mdatp'], ["sudo -S systemctl restart mdatp"]),
        ("docker_stdin", "en", ['echo "{v}" | docker login -u admin --password-stdin'], ["docker login -u admin --password-stdin"]),
        ("sudo_ja", "ja", ["以下のコマンドを実行すると失敗します：echo '{v}' | sudo -S mdatp health"], ["sudo -S mdatp health"]),
        ("chpasswd", "en", ["echo 'mdeadmin:{v}' | sudo chpasswd"], ["mdeadmin:"]),
        ("herestring", "en", ["sudo -S mdatp connectivity test <<< '{v}'"], ["mdatp connectivity test"]),
        ("heredoc_kinit", "en", ["kinit svc_mde@CONTOSO.LOCAL <<EOF", "{v}", "EOF"], ["svc_mde@CONTOSO.LOCAL"]),
        ("ps_literal", "en", ["PS C:\\> '{v}' | podman login quay.io -u deploy --password-stdin"], ["quay.io"]),
        ("cmd_c", "ja", ['cmd /c "echo {v}| runas /user:CONTOSO\\svc_backup cmd"'], ["svc_backup"]),
        ("continued", "en", ["echo {v} | \\", "  docker login registry.contoso.local -u deploy --password-stdin"],
         ["registry.contoso.local"]),
        ("fullwidth", "ja", ["ｅｃｈｏ {v}　｜　sudo -S mdatp health を実行しました。"], ["mdatp health"]),
        ("smbpasswd", "en", ["(echo {v}; echo {v}) | smbpasswd -s -a svc_backup"], ["smbpasswd -s -a svc_backup"]),
        ("ssh_sudo", "ja", ['echo {v} | ssh admin@10.0.0.7 "sudo -S systemctl restart mdatp"'], ["10.0.0.7"]),
        ("set_p", "en", ["C:\\> echo|set /p={v}| runas /user:CONTOSO\\admin cmd"], ["runas /user:CONTOSO\\admin cmd"]),
    ]


PIPE_NEAR = [
    ("env_var", "en", ["echo $REGISTRY_PASSWORD | docker login -u admin --password-stdin"], ["$REGISTRY_PASSWORD"]),
    ("cmd_var", "en", ["echo %ADMIN_PW%| runas /user:CONTOSO\\admin cmd"], ["%ADMIN_PW%"]),
    ("actions", "en", ["echo ${{ secrets.ACR_TOKEN }} | docker login contoso.azurecr.io -u ci --password-stdin"], ["secrets.ACR_TOKEN"]),
    ("subst", "en", ["echo $(cat pw.txt) | sudo -S mdatp health"], ["$(cat pw.txt)"]),
    ("angle", "en", ["echo <your-password> | docker login -u admin --password-stdin"], ["your-password"]),
    ("stars", "ja", ["echo ******** | sudo -S mdatp health"], ["********"]),
    ("ja_word", "ja", ["echo パスワード | sudo -S mdatp health"], ["sudo -S mdatp health"]),
    ("grep", "en", ["echo hello | grep h"], ["grep h"]),
    ("apt_yes", "en", ["echo y | sudo apt-get install mdatp"], ["apt-get install mdatp"]),
    ("tee", "en", ["echo 1 | sudo tee /proc/sys/kernel/sysrq"], ["/proc/sys/kernel/sysrq"]),
    ("yes", "en", ["yes | sudo apt-get install mdatp"], ["apt-get install mdatp"]),
    ("prose", "en", ["Run docker login --password-stdin and paste the token when prompted."], ["paste the token"]),
    ("path", "en", ["echo /run/secrets/registry_pw | docker login -u admin --password-stdin"], ["/run/secrets/registry_pw"]),
    ("no_stdin", "en", ["echo Contoso2024 | sudo mdatp health --field org_id"], ["Contoso2024"]),
]


def pipe_cases():
    for pid, lang, lines, keep in pipe_lines():
        for k, shape in enumerate(["word_digits", "complex", "word"]):
            v = value_of(shape)
            sn = Snip([ln.replace("{v}", v) for ln in lines], secrets=[v], keep=keep, kind="cmd", fname="run.sh",
                      lang=lang, intro="以下のコマンドを実行しています。" if lang == "ja" else "We run this command:")
            emit("pipe_%s_%s" % (pid, shape), sn, ["plain", "outlook", "attach", "gmail", "reply", "zip", "docx"][k:] +
                 ["plain", "outlook"], 2, "pipe", "a value written into a command reading its password from stdin (%s)" % pid)
    for pid, lang, lines, keep in PIPE_NEAR:
        sn = Snip(lines, keep=keep, lang=lang, kind="cmd", fname="run.sh")
        emit("nm_pipe_%s" % pid, sn, ["plain", "outlook", "gmail", "reply", "attach"], 3, "pipe_near",
             "not a secret written into a password reader (%s)" % pid)


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    pw_cases()
    cmd_cases()
    config_cases()
    card_cases()
    onb_cases()
    token_cases()
    propagation_cases()
    subject_cases()
    hostile_cases()
    hostile_more_cases()
    binary_cases()
    pwfile_cases()
    pipe_cases()
    names = set()
    for name, eml, lab in OUT:
        assert name not in names, name
        names.add(name)
        with open(os.path.join(d, name + ".eml"), "w", encoding="utf-8", newline="\n") as f:
            f.write(eml)
        with open(os.path.join(d, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(lab, f, ensure_ascii=False, indent=1)
    print(len(OUT))


if __name__ == "__main__":
    main()
