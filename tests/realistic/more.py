"""Second round of realistic variants for tests/realistic/gen.py (same label
format, same helpers): IME and copy-paste forms of card numbers, headers,
RTF/HTML-only mail, compound password names, PowerShell argument orders,
onboarding material in UTF-16, HTML, 7z and encrypted zips, Japanese
politeness in resolution and severity A wording.

Untrusted input: none.  Limits: a few dozen small messages."""
import base64
import binascii
import importlib.util
import os

from gen import (FW, GREET, SIGN, SR, SR2, S_RE, TO, XLSX_T, add, card, group, head, luhn_bad,
                 mixed, onb_cmd, text_msg, xlsx, zip_of, reg_line, RND)

HERE = os.path.dirname(os.path.abspath(__file__))


def _hostile():
    spec = importlib.util.spec_from_file_location("hostile_gen", os.path.join(HERE, "..", "hostile", "gen.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def cards2():
    c = card("4", 16)
    w = "ー".join([c[:4], c[4:8], c[8:12], c[12:]]).translate(FW)
    add("r2_card_ime_choon", text_msg(S_RE, GREET + "カード番号：" + w + "\n" + SIGN), secrets=[w],
        why="full-width digits joined by the long vowel mark ー (IME) instead of a hyphen")
    c = card("4", 16)
    add("r2_card_minus_sign", text_msg(S_RE, GREET + "カード番号：" + "\u2212".join([c[:4], c[4:8], c[8:12], c[12:]]) + "\n" + SIGN),
        secrets=[c], keep=[c[-4:]], why="U+2212 minus signs between groups")
    c = card("5", 16)
    add("r2_card_double_space", text_msg(S_RE, GREET + "PDF からコピーしました: " + group(c, [4, 4, 4, 4], "  ") + "\n" + SIGN),
        secrets=[c], keep=[c[-4:]], why="two spaces between groups (copied from a PDF)")
    c = card("4", 16)
    add("r2_card_subject", text_msg("RE: [SR#%s] カード番号 %s の決済エラー" % (SR, group(c, [4, 4, 4, 4])), GREET + "件名の通りです。\n" + SIGN),
        secrets=[c], keep=[], why="card number in the Subject")
    c = card("4", 16)
    html = "<html><body><div>カード番号：%s<wbr>%s<wbr>%s<wbr>%s</div><div>有効期限：12/27</div></body></html>" % (c[:4], c[4:8], c[8:12], c[12:])
    add("r2_card_html_only_wbr", head(S_RE, 'text/html; charset="utf-8"') + "Content-Transfer-Encoding: base64\n\n" +
        base64.encodebytes(html.encode()).decode(), secrets=[c], keep=[], why="HTML-only mail, groups glued by <wbr>")
    c = card("4", 16)
    html = "<p>カード番号：4&#8203;%s&#8203;%s</p>" % (c[1:8], c[8:])
    add("r2_card_zwsp_entities", head(S_RE, 'text/html; charset="utf-8"') + "Content-Transfer-Encoding: 7bit\n\n" +
        html.replace("カード番号", "&#12459;&#12540;&#12489;&#30058;&#21495;") + "\n",
        secrets=[c], keep=[], why="zero-width spaces as numeric entities inside the number")
    c = card("4", 16)
    rtf = ("{\\rtf1\\ansi\\ansicpg932\\deff0{\\fonttbl{\\f0 MS Gothic;}}\\f0\\fs20 "
           "\\'83\\'4a\\'81\\'5b\\'83\\'68\\'94\\'d4\\'8d\\'86: %s\\par\n}" % group(c, [4, 4, 4, 4]))
    add("r2_card_rtf", mixed(S_RE, GREET + "ワードパッドのファイルです。\n" + SIGN, [("memo.rtf", rtf.encode(), "application/rtf")]),
        secrets=[group(c, [4, 4, 4, 4])], keep=[], why="card in an RTF attachment")
    c = card("4", 16)
    fwd = ("From: billing@contoso.co.jp\nTo: h.sato@contoso.co.jp\nSubject: 請求\nMIME-Version: 1.0\n"
           "Content-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: base64\n\n" +
           base64.encodebytes(("カード番号 %s\r\n" % c).encode()).decode())
    add("r2_card_forwarded_eml", mixed("FW: [SR#%s] 請求の件" % SR, GREET + "転送します。\n" + SIGN, [("請求.eml", fwd.encode(), "message/rfc822")]),
        secrets=[c], keep=[], why="card in a forwarded message/rfc822 attachment")
    c1, c2 = card("4", 16), card("35", 16)
    add("r2_card_xlsx_header_col", mixed(S_RE, GREET + "一覧です。\n" + SIGN,
        [("accounts.xlsx", xlsx([["No", "カード番号", "注文番号"], [1, c1, luhn_bad(card("4", 16))], [2, c2, "A-1002"]]), XLSX_T)]),
        secrets=[c1, c2], keep=[], why="cards as shared strings under a header column")
    c = card("4", 16)
    add("r2_card_gt_quote_html", mixed(S_RE, "承知しました。\n\n> カード番号 %s\n" % group(c, [4, 4, 4, 4], "-"), [],
        html="<div>承知しました。</div><blockquote style=\"border-left:1px solid\">カード番号 %s</blockquote>" % group(c, [4, 4, 4, 4], "-")),
        secrets=[c], keep=[], why="card in the quoted part of an HTML reply")


def pw2():
    add("r2_pw_reg_defaultpassword", mixed(S_RE, GREET + "自動ログオンの設定です。\n" + SIGN,
        [("autologon.reg", ("\ufeffWindows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon]\r\n"
                            "\"AutoAdminLogon\"=\"1\"\r\n\"DefaultUserName\"=\"kiosk01\"\r\n\"DefaultPassword\"=\"K1osk#Logon\"\r\n").encode("utf-16-le"), "application/octet-stream")]),
        secrets=["K1osk#Logon"], keep=[], why="Winlogon DefaultPassword in a UTF-16 .reg")
    add("r2_pw_proxypassword_json", text_msg(S_RE, GREET + '{"ProxyServer": "10.0.0.8:8080", "ProxyUser": "svc", "ProxyPassword": "Prx#Json42"}\n' + SIGN),
        secrets=["Prx#Json42"], keep=["10.0.0.8:8080"], why="camelCase ProxyPassword in JSON")
    add("r2_pw_unattend_xml", mixed(S_RE, GREET + "応答ファイルです。\n" + SIGN, [("unattend.xml", (
        '<?xml version="1.0" encoding="utf-8"?>\r\n<unattend xmlns="urn:schemas-microsoft-com:unattend"><settings pass="oobeSystem">'
        "<component name=\"Microsoft-Windows-Shell-Setup\"><UserAccounts><AdministratorPassword><Value>Unatt3nd!Adm</Value>"
        "<PlainText>true</PlainText></AdministratorPassword></UserAccounts></component></settings></unattend>\r\n").encode(), "text/xml")]),
        secrets=["Unatt3nd!Adm"], keep=[], why="unattend.xml AdministratorPassword/Value")
    add("r2_pw_securestring_asplaintext_first", text_msg(S_RE, GREET +
        "$sec = ConvertTo-SecureString -AsPlainText \"Ps1#First\" -Force\n" + SIGN),
        secrets=["Ps1#First"], keep=[], why="ConvertTo-SecureString -AsPlainText before the string")
    add("r2_pw_securestring_string_param", text_msg(S_RE, GREET +
        "Set-LocalUser -Name mdeadm -Password (ConvertTo-SecureString -String 'Ps2#Param' -AsPlainText -Force)\n" + SIGN),
        secrets=["Ps2#Param"], keep=["mdeadm"], why="-String 'x' -AsPlainText inside -Password (...)")
    add("r2_pw_id_pw_slash", text_msg(S_RE, GREET + "検証環境の ID/PW: mdeadmin / Kensho#2024\n" + SIGN),
        secrets=["Kensho#2024"], keep=[], why="ID/PW: name / value")
    add("r2_pw_sqlcmd", text_msg(S_RE, GREET + "sqlcmd -S sql01 -U sa -P Sq1#Cmd77 -Q \"select 1\"\n" + SIGN),
        secrets=["Sq1#Cmd77"], keep=["sql01"], why="sqlcmd -P")
    add("r2_pw_fullwidth_paren_note", text_msg(S_RE, GREET + "パスワード（大文字小文字を区別）：CaSe#Sens9\n" + SIGN),
        secrets=["CaSe#Sens9"], keep=[], why="full-width parenthesised note before the colon")
    add("r2_pw_html_bold_label", mixed(S_RE, "パスワード：Bold#Pw12\n", [],
        html="<p><b>パスワード：</b><span style='font-family:Consolas'>Bold#Pw12</span></p>"),
        secrets=["Bold#Pw12"], keep=[], why="HTML: label in bold, value in a span")
    add("r2_pw_xlsx_account_list", mixed(S_RE, GREET + "アカウント一覧です。\n" + SIGN,
        [("accounts.xlsx", xlsx([["ユーザー名", "パスワード", "備考"], ["adm01", "Xl#Pass001", "管理者"], ["adm02", "Xl#Pass002", "予備"]]), XLSX_T)]),
        secrets=["Xl#Pass001", "Xl#Pass002"], keep=[], why="password column under a header row in xlsx")
    add("r2_pw_net_user", text_msg(S_RE, GREET + "net user mdeadm N3tUser#1 /add\n" + SIGN),
        secrets=["N3tUser#1"], keep=["mdeadm"], why="net user NAME PASSWORD /add")
    add("r2_nm_pw_more_prose", text_msg(S_RE, GREET +
        "パスワードの有効期限: 90 日\nPasswordNeverExpires : True\nAdministratorPassword は LAPS で管理しています。\n"
        "Pass: 120 / Fail: 3\nThe password must be at least 14 characters.\n" + SIGN),
        keep=["90 日", "PasswordNeverExpires : True", "Pass: 120"], unchanged=True, why="password prose and test counts")


def mde2():
    add("r2_onb_cmd_utf16", mixed(S_RE, GREET + "メモ帳で保存し直したスクリプトです。\n" + SIGN,
        [("onboard.txt", b"\xff\xfe" + onb_cmd().encode("utf-16-le"), "text/plain")]),
        expect="reject", why="onboarding script saved as UTF-16 (Notepad 'Unicode')")
    html = "<html><body><p>実行したコマンド:</p><p style='font-family:Consolas'>%s</p></body></html>" % (
        reg_line().replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;"))
    add("r2_onb_html_body", mixed(S_RE, "実行したコマンド:\n(HTML をご覧ください)\n", [], html=html),
        expect="reject", why="the reg add line pasted into an HTML body with &quot;")
    wrapped, line = [], ""
    for word in onb_cmd().replace("\r", "").split(" "):
        if len(line) + len(word) + 1 > 76 and line:
            wrapped.append(line)
            line = word
        else:
            line = (line + " " + word) if line else word
    wrapped.append(line)
    add("r2_onb_outlook_wrapped", text_msg(S_RE, GREET + "\n".join(wrapped) + "\n" + SIGN),
        expect="reject", why="inline script hard-wrapped at 76 columns by Outlook")
    hg = _hostile()
    z = hg.encrypted_zip_bytes("WindowsDefenderATPOnboardingScript.cmd", onb_cmd().encode(), b"infected")
    add("r2_onb_encrypted_zip_name", mixed(S_RE, GREET + "パスワード付きZIPです。パスワードは別途お送りします。\n" + SIGN,
        [("pkg.zip", z, "application/zip")]), expect="reject", why="encrypted zip, member name reveals the onboarding script")
    z = hg.encrypted_zip_bytes("MDE_logs.txt", b"log line\r\n" * 50, b"infected")
    add("r2_nm_encrypted_zip_logs", mixed(S_RE, GREET + "パスワード付きZIPでログを送ります。パスワード：Zip#2024pw\n" + SIGN,
        [("logs.zip", z, "application/zip")]), secrets=["Zip#2024pw"], keep=[], why="encrypted zip of logs is delivered, its password masked")
    add("r2_nm_onb_portal_steps", text_msg(S_RE, GREET +
        "ポータルの [設定] > [エンドポイント] > [オンボーディング] から WindowsDefenderATPOnboardingPackage.zip をダウンロードし、\n"
        "GPO で配布しました。OnboardingInfo の値がレジストリに書き込まれていません。\n"
        "sc query sense の結果は STOPPED です。\n" + SIGN), unchanged=True, keep=["OnboardingInfo"],
        why="onboarding steps described in prose")


def rules2():
    R = "RE: [SR#%s] Defender for Endpoint の件" % SR
    jp_outlook = ("\n\n差出人: Microsoft Support <supportmail@microsoft.com>\n送信日時: 2024年12月9日 17:00\n"
                  "宛先: 佐藤 花子 <h.sato@contoso.co.jp>\n件名: %s\n\n佐藤様\n\n本件は解決しましたので、クローズいたします。\n"
                  "重大度Aに変更する場合はお電話でご依頼ください。\n" % R)
    for name, body, res, why in [
        ("r2_res_daijoubu", "佐藤です。\n問題が解消したので、本件はクローズで大丈夫です。\n" + SIGN, True, "クローズで大丈夫です"),
        ("r2_res_case_can_be_closed", "Hi,\nThe sensor is healthy again. This case can be closed.\nHanako\n", True, "'this case can be closed'"),
        ("r2_res_feel_free_close", "Hi,\nThat fixed it! Feel free to close.\nHanako\n", True, "'feel free to close' (no object)"),
        ("r2_res_jp_outlook_block_quoted", "佐藤です。\n承知しました。引き続きよろしくお願いします。" + jp_outlook, False, "support's resolution text in a Japanese Outlook header block"),
        ("r2_res_kaiketsu_itarazu", "佐藤です。\n残念ながら解決には至っておりません。\n" + SIGN, False, "解決には至っておりません"),
    ]:
        add(name, text_msg(R, body), resolution=res, why=why, unchanged=True)
    html = ("<html><body><div>承知しました。ログを追加でお送りします。</div><div id=\"appendonsend\"></div>"
            "<hr style=\"display:inline-block;width:98%%\"><div id=\"divRplyFwdMsg\"><b>差出人:</b> Microsoft Support<br>"
            "<b>送信日時:</b> 2024年12月9日 17:00<br><b>件名:</b> %s</div><div>佐藤様<br>本件は解決しましたので、クローズいたします。</div></body></html>" % R)
    add("r2_res_outlook_html_quoted", mixed(R, "承知しました。ログを追加でお送りします。\n\n差出人: Microsoft Support\n送信日時: 2024年12月9日 17:00\n件名: %s\n\n佐藤様\n本件は解決しましたので、クローズいたします。\n" % R, [], html=html),
        resolution=False, unchanged=True, why="Outlook HTML reply: resolution only in divRplyFwdMsg")
    for name, body, expect, why in [
        ("r2_sev_lowering_arrow", "佐藤です。\n影響が収まったため、重大度を A → B に下げてください。\n" + SIGN, "deliver", "lowering A → B"),
        ("r2_sev_question_criteria", "佐藤です。\n重大度Aの基準を教えてください。\n" + SIGN, "deliver", "asking what severity A means"),
        ("r2_sev_past_mention", "佐藤です。\n前回の SR では Sev A で対応いただきました。今回は B で問題ありません。\n" + SIGN, "deliver", "past mention of Sev A"),
        ("r2_sev_jp_onegai", "佐藤です。\n本番環境全体に影響があります。Sev A での対応をお願いします。\n" + SIGN, "reject", "Sev A での対応をお願いします"),
        ("r2_sev_en_bump", "Hi,\nCan you bump this case to Severity A? All servers are offline.\nHanako\n", "reject", "bump this case to Severity A"),
    ]:
        add(name, text_msg(R, body), expect=expect, why=why, unchanged=(expect == "deliver"))
    enc = base64.b64encode(("RE: [SR#%s" % SR[:9]).encode()).decode()
    enc2 = base64.b64encode(("%s] 隔離の件" % SR[9:]).encode()).decode()
    add("r2_sr_split_encoded_words", text_msg("X", GREET + "よろしくお願いします。\n").replace(
        "Subject: X\n", "Subject: =?UTF-8?B?%s?=\n =?UTF-8?B?%s?=\n" % (enc, enc2)), unchanged=True,
        why="SR split over two encoded words")
    add("r2_sr_fullwidth_sr_hash", text_msg("RE: ＳＲ＃%s 隔離" % SR.translate(FW), GREET + "よろしくお願いします。\n"),
        unchanged=True, why="full-width ＳＲ＃ and digits")
    add("r2_sr_same_fw_and_ascii", text_msg("RE: [SR#%s] (SR %s)" % (SR, SR.translate(FW)), GREET + "よろしくお願いします。\n"),
        unchanged=True, why="the same SR in full-width and ASCII")
    add("r2_sr_toiawase_nashi_i", text_msg("RE: 【お問合せ番号：%s】" % SR, GREET + "よろしくお願いします。\n"),
        unchanged=True, why="お問合せ番号 without い")


def round3():
    c = card("4", 16)
    html = ("<html><body><p>添付の通りです。</p><!-- メモ: カード番号 %s -->"
            "<p title=\"カード番号 %s\">詳細</p><span style=\"display:none\">%s</span></body></html>"
            % (group(c, [4, 4, 4, 4]), group(c, [4, 4, 4, 4]), c))
    add("r3_card_html_hidden_places", mixed(S_RE, "添付の通りです。\n詳細\n", [], html=html), secrets=[c], keep=[],
        why="card in an HTML comment, a title attribute and a display:none span")
    inner = zip_of([("scripts/setup.txt", onb_cmd())])
    fwd = ("From: it@contoso.co.jp\nTo: h.sato@contoso.co.jp\nSubject: scripts\nMIME-Version: 1.0\n"
           "Content-Type: multipart/mixed; boundary=\"in\"\n\n--in\nContent-Type: text/plain\n\nsee zip\n--in\n"
           "Content-Type: application/zip; name=\"s.zip\"\nContent-Disposition: attachment; filename=\"s.zip\"\n"
           "Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(inner).decode() + "--in--\n")
    add("r3_onb_fwd_eml_zip_txt", mixed("FW: [SR#%s] スクリプト" % SR, GREET + "社内で回ってきたメールを転送します。\n" + SIGN,
        [("fwd.eml", fwd.encode(), "message/rfc822")]), expect="reject", why="onboarding script as .txt in a zip in a forwarded mail")
    add("r3_onb_fwd_eml_base64", mixed("FW: [SR#%s] スクリプト" % SR, GREET + "転送します。\n" + SIGN,
        [("fwd.eml", fwd.encode(), "message/rfc822-b64")]).replace("message/rfc822-b64", "message/rfc822"),
        expect="reject", why="the same forwarded mail sent base64-encoded (not allowed by RFC 2046, some clients do it)")
    add("r3_pw_next_line_ika", text_msg(S_RE, GREET + "検証用アカウントのパスワードは以下の通りです。\nIka#Pass2024\n" + SIGN),
        secrets=["Ika#Pass2024"], keep=[], why="パスワードは以下の通りです。 then the value on its own line")
    add("r3_pw_space_only", text_msg(S_RE, GREET + "ユーザー名 mdeadm02 パスワード Sp4ce#Only9 でログインできます。\n" + SIGN),
        secrets=["Sp4ce#Only9"], keep=["mdeadm02"], why="keyword and value separated by a space only")
    for name, subj in [("r3_sr_fwd_prefix", "Re: Fwd: TrackingID#%s 隔離" % SR),
                       ("r3_sr_aw_prefix", "AW: WG: [SR#%s] Sensor" % SR),
                       ("r3_sr_fullwidth_re", "Ｒｅ：【ＳＲ＃%s】隔離" % SR)]:
        add(name, text_msg(subj, GREET + "よろしくお願いします。\n"), unchanged=True, why="reply prefix variants")
    R = "RE: [SR#%s] Defender for Endpoint の件" % SR
    for name, body, res, why in [
        ("r3_res_fw_exclaim", "佐藤です。\n解決しました！ありがとうございました！！\n" + SIGN, True, "full-width exclamation marks"),
        ("r3_res_dekimashita", "佐藤です。\n無事に解消できました。クローズしてください。\n" + SIGN, True, "解消できました"),
        ("r3_res_naorimashita", "佐藤です。\nおかげさまで直りました。ありがとうございました。\n" + SIGN, True, "直りました"),
        ("r3_res_resolved_alone", "Hi Alex,\nResolved. Thanks for your help!\nHanako\n", True, "'Resolved.' alone"),
        ("r3_res_good_to_close", "Hi,\nAll good now, we are good to close this case.\nHanako\n", True, "good to close this case"),
        ("r3_res_close_itadakemasuka", "佐藤です。\n問題なく動作しております。本件はクローズしていただけますか。\n" + SIGN, True, "クローズしていただけますか (a request)"),
        ("r3_res_close_deshouka", "佐藤です。\n解消を確認しました。本件クローズいただけますでしょうか。\n" + SIGN, True, "クローズいただけますでしょうか"),
        ("r3_res_close_yoroshii", "佐藤です。\nまだ検証中です。クローズしてもよろしいでしょうか、と社内で聞かれています。\n" + SIGN, False, "asking whether closing is fine"),
        ("r3_res_dekimasen", "佐藤です。\n手順を試しましたが解消できませんでした。\n" + SIGN, False, "解消できませんでした"),
    ]:
        add(name, text_msg(R, body), resolution=res, why=why, unchanged=True)
    for name, body, expect, why in [
        ("r3_sev_dot", "佐藤です。\n全社影響のため Sev.A 対応をお願いします。\n" + SIGN, "reject", "Sev.A"),
        ("r3_sev_dehanaku", "佐藤です。\n今回は Severity A ではなく B で起票しました。\n" + SIGN, "deliver", "'A ではなく B'"),
    ]:
        add(name, text_msg(R, body), expect=expect, why=why, unchanged=(expect == "deliver"))


def near_misses3():
    out = ("PS C:\\> Get-Process MsSense, SenseIR, MsMpEng\n\n"
           "Handles  NPM(K)    PM(K)      WS(K)     CPU(s)     Id  SI ProcessName\n"
           "-------  ------    -----      -----     ------     --  -- -----------\n"
           "    812      45    61234      88120      12.53   4512   0 MsSense\n"
           "    301      18     9876      20456       0.84   7788   0 SenseIR\n"
           "   1532      98   412345     398765     843.22   3344   0 MsMpEng\n\n"
           "PS C:\\> netstat -ano | findstr 443\n"
           "  TCP    10.1.2.3:50412     20.44.229.112:443      ESTABLISHED     4512\n"
           "  TCP    10.1.2.3:50413     52.168.112.66:443      ESTABLISHED     4512\n\n"
           "イベントログ (Microsoft-Windows-SENSE/Operational) を確認したところ、以下の ID が記録されていました\n"
           "4624 4625\n4634 4672 5\n"
           "前回の調査で確認したプロセス ID とスレッド ID は次の通りです。対象端末のプロセス 4512 7788\n"
           "3344 1024 2048 の順に起動しています。\n"
           "ユーザー名 mdeadm02 のパスワード ポリシー は 14 文字以上、パスワード 有効期限 90 日です。\n"
           "PW reset 済み、pass 2 / fail 0\n")
    add("r3_nm_console_output", text_msg(S_RE, GREET + out + SIGN), unchanged=True,
        keep=["61234", "4512   0 MsSense", "20.44.229.112:443", "4624 4625", "3344 1024 2048"],
        why="Get-Process / netstat columns, event IDs over lines, password policy prose")


def round4():
    """Fourth session: what hostile probes found delivered (tables, login
    pairs, tokens, UTF-7, a lying single-byte label, uuencode, .eml files)."""
    R = S_RE
    add("r4_pw_csv_column", mixed(R, GREET + "アカウント一覧を添付します。\n" + SIGN,
        [("accounts.csv", "ホスト名,ユーザー名,パスワード\r\nsrv01,admin,Csv#Col001\r\nsrv02,\"svc, backup\",Csv#Col002\r\n".encode(), "text/csv")]),
        secrets=["Csv#Col001", "Csv#Col002"], keep=["srv01"], why="password column in a CSV attachment")
    add("r4_pw_html_table", mixed(R, GREET + "一覧です。\n" + SIGN, [],
        html="<table border=1><tr><th>ユーザー</th><th>パスワード</th></tr><tr><td>admin</td><td>Tbl#Html01</td></tr>"
             "<tr><td>svc</td><td>Tbl#Html02</td></tr></table>"),
        secrets=["Tbl#Html01", "Tbl#Html02"], why="password column in an HTML table (the text part says nothing)")
    add("r4_pw_markdown_table", text_msg(R, GREET + "| ユーザー | パスワード |\n|---|---|\n| admin | Md#Table01 |\n" + SIGN),
        secrets=["Md#Table01"], why="password column in a Markdown table")
    add("r4_pw_login_pair", text_msg(R, GREET + "検証端末のログイン情報: mdeadmin / Login#Pair1\n" + SIGN),
        secrets=["Login#Pair1"], keep=["mdeadmin"], why="ログイン情報: NAME / SECRET with no password keyword")
    add("r4_pw_mysql", text_msg(R, GREET + "mysql -u root -pMy#Sql2024 -h db01 -e 'select 1'\n" + SIGN),
        secrets=["My#Sql2024"], keep=["db01"], why="mysql -pSECRET")
    add("r4_pw_bitlocker", text_msg(R, GREET + "BitLocker 回復キーは以下です。\n466895-217492-569250-069608-104434-135707-527241-083622\n" + SIGN),
        secrets=["466895-217492-569250-069608-104434-135707-527241-083622"], why="BitLocker recovery password")
    add("r4_cloud_github", text_msg(R, GREET + "環境変数 GITHUB_TOKEN に ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 を設定しています。\n" + SIGN),
        secrets=["ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"], why="a GitHub token in prose")
    body7 = GREET + "サーバーのパスワード：Utf7#Pass9\n" + SIGN
    add("r4_pw_utf7", head(R, 'text/plain; charset="utf-7"') + "Content-Transfer-Encoding: 7bit\n\n" +
        body7.encode("utf-7").decode("ascii") + "\n", secrets=["Utf7#Pass9"], why="a UTF-7 body")
    add("r4_pw_latin1_label_sjis", head(R, 'text/plain; charset="iso-8859-1"') + "Content-Transfer-Encoding: base64\n\n" +
        base64.encodebytes(("パスワード：Sjis#Lie77\r\n").encode("cp932")).decode(),
        secrets=["Sjis#Lie77"], why="Shift_JIS bytes under an ISO-8859-1 label")
    data = ("カード番号 " + group(card("4", 16), [4, 4, 4, 4]) + "\r\n").encode()
    uu = "begin 644 memo.txt\n" + "".join(binascii.b2a_uu(data[i:i + 45]).decode() for i in range(0, len(data), 45)) + "`\nend\n"
    c = data.decode().split(" ", 1)[1].strip()
    add("r4_card_uuencoded", mixed(R, GREET + "メモを uuencode で貼ります。\n\n" + uu + SIGN, [],
        html="<p>see the text part</p>"), secrets=[c], why="a card in a file uuencoded into the text")
    inner = ("From: a@contoso.co.jp\r\nTo: b@contoso.co.jp\r\nSubject: fw\r\nMIME-Version: 1.0\r\n"
             "Content-Type: multipart/mixed; boundary=\"I\"\r\n\r\n--I\r\nContent-Type: text/plain\r\n\r\nx\r\n"
             "--I\r\nContent-Type: application/octet-stream; name=\"setup.cmd\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
             + base64.encodebytes(onb_cmd().encode()).decode().replace("\n", "\r\n") + "--I--\r\n")
    add("r4_onb_eml_octet", mixed(R, GREET + "以前のメールを添付します。\n" + SIGN, [("old.eml", inner.encode(), "application/octet-stream")]),
        expect="reject", why="an onboarding script in an .eml attached as octet-stream")


def register():
    for f in (cards2, pw2, mde2, rules2, round3, near_misses3, round4):
        f()
