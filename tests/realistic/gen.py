#!/usr/bin/env python3
"""Realistic and hostile support mail nobody has shown us (detection quality).

Writes NAME.eml + NAME.json (labels in the shared corpus format, see
../shared/corpus/README.md) into the directory given as argv[1].  Python
standard library only, deterministic (no clock, no randomness but seeded).

Untrusted input: none (we generate it).  Limits: about 100 small messages.
Every card number here is generated Luhn-valid from a test prefix; every
password, key and onboarding blob is fabricated.

Label extensions: `split_ok`: the card secret may be split over a line
break in the message; tests/realistic.t then also checks it with the lines
joined.  `todo` (a reason): a known limit, reported as TAP TODO.
The second round of variants is in more.py (same helpers).
"""
import base64
import io
import json
import os
import random
import sys
import zipfile
from email.header import Header

RND = random.Random(20241210)
SR = "2412050040012345"        # a valid SR (5 Dec 2024), Luhn-invalid
SR_LUHN = "2412020040000099"   # a valid SR that is also Luhn-valid
SR2 = "2412060040067890"
FROM = "Hanako Sato <h.sato@contoso.co.jp>"
TO = "Microsoft Support <supportmail@microsoft.com>"


def luhn_ok(d):
    s = 0
    for i, c in enumerate(reversed(d)):
        n = int(c)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        s += n
    return s % 10 == 0


def card(prefix, length):
    """A Luhn-valid number with this prefix and length (deterministic)."""
    body = prefix + "".join(str(RND.randrange(10)) for _ in range(length - len(prefix) - 1))
    for c in "0123456789":
        if luhn_ok(body + c):
            return body + c
    raise AssertionError


def luhn_bad(d):
    return d[:-1] + str((int(d[-1]) + 1) % 10)


def group(d, sizes, sep=" "):
    out, i = [], 0
    for n in sizes:
        out.append(d[i:i + n])
        i += n
    return sep.join(out)


FW = str.maketrans("0123456789", "０１２３４５６７８９")


def subj(s):
    try:
        s.encode("ascii")
        return s
    except UnicodeEncodeError:
        return Header(s, "utf-8").encode()


def b64(data):
    return base64.encodebytes(data).decode()


def head(subject, ctype, extra=""):
    return ("From: %s\nTo: %s\nSubject: %s\nDate: Tue, 10 Dec 2024 10:15:00 +0900\n"
            "Message-ID: <%08x@contoso.co.jp>\nMIME-Version: 1.0\n%sContent-Type: %s\n"
            % (FROM, TO, subj(subject), RND.getrandbits(32), extra, ctype))


def text_msg(subject, body, charset="utf-8", cte="base64", extra=""):
    data = body.replace("\n", "\r\n").encode(charset)
    h = head(subject, 'text/plain; charset="%s"' % charset, extra)
    if cte == "base64":
        return h + "Content-Transfer-Encoding: base64\n\n" + b64(data)
    if cte == "7bit":
        return h + "Content-Transfer-Encoding: 7bit\n\n" + data.decode("ascii")
    return h + "Content-Transfer-Encoding: 8bit\n\n" + data.decode(charset)


def mixed(subject, body, atts, html=None):
    """multipart/mixed: a text (or alternative text+html) part and attachments
    given as (filename, bytes, content-type)."""
    bnd = "==_%08x" % RND.getrandbits(32)
    out = [head(subject, 'multipart/mixed; boundary="%s"' % bnd), "\n"]
    out.append("--%s\n" % bnd)
    tb = b64(body.replace("\n", "\r\n").encode())
    if html is None:
        out.append('Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: base64\n\n' + tb)
    else:
        ab = "alt_%08x" % RND.getrandbits(32)
        out.append('Content-Type: multipart/alternative; boundary="%s"\n\n--%s\n' % (ab, ab))
        out.append('Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: base64\n\n' + tb)
        out.append('--%s\nContent-Type: text/html; charset="utf-8"\nContent-Transfer-Encoding: base64\n\n' % ab)
        out.append(b64(html.encode()) + "--%s--\n" % ab)
    for name, data, ctype in atts:
        if ctype == "message/rfc822":  # RFC 2046: 7bit/8bit only, as Outlook and Gmail send it
            out.append("--%s\nContent-Type: message/rfc822; name=\"%s\"\nContent-Disposition: attachment; "
                       "filename=\"%s\"\n\n%s\n" % (bnd, name, name, data.decode()))
            continue
        out.append("--%s\nContent-Type: %s; name=\"%s\"\nContent-Disposition: attachment; "
                   "filename=\"%s\"\nContent-Transfer-Encoding: base64\n\n%s"
                   % (bnd, ctype, name, name, b64(data)))
    out.append("--%s--\n" % bnd)
    return "".join(out)


def zip_of(members):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, (2024, 12, 9, 10, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    return bio.getvalue()


def xlsx(rows):
    """Minimal xlsx: every cell a shared string, except ints written as numbers."""
    strings, sheet = [], []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, v in enumerate(row):
            ref = "%s%d" % (chr(65 + c), r)
            if isinstance(v, int):
                cells.append('<c r="%s"><v>%d</v></c>' % (ref, v))
            else:
                strings.append(v)
                cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, len(strings) - 1))
        sheet.append('<row r="%d">%s</row>' % (r, "".join(cells)))
    esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;")
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    return zip_of([
        ("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'),
        ("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook %s><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>' % ns),
        ("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?><sst %s>%s</sst>' % (ns, "".join("<si><t>%s</t></si>" % esc(s) for s in strings))),
        ("xl/worksheets/sheet1.xml", '<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>%s</sheetData></worksheet>' % (ns, "".join(sheet))),
    ])


def docx(paragraphs):
    """Minimal docx; a paragraph is a list of runs."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = "".join("<w:p>%s</w:p>" % "".join('<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % r for r in p)
                   for p in paragraphs)
    return zip_of([
        ("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'),
        ("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document %s><w:body>%s</w:body></w:document>' % (ns, body)),
    ])


XLSX_T = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_T = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OUT = []


def add(name, eml, expect="deliver", secrets=(), keep=(), sr=SR, resolution=False, why="",
        unchanged=False, **ext):
    lab = {"expect": expect, "secrets": list(secrets), "keep": list(keep), "sr": sr,
           "resolution": resolution, "why": why}
    if unchanged:
        lab["unchanged"] = True
    lab.update(ext)
    OUT.append((name, eml, lab))


GREET = "Microsoft サポート ご担当者様\n\nいつもお世話になっております。コントソ株式会社の佐藤です。\n\n"
SIGN = "\nよろしくお願いいたします。\n佐藤 花子\n"
S_RE = "RE: [SR#%s] Defender for Endpoint の件" % SR


# ------------------------------------------------------------------ cards

def cards():
    v = card("4", 16)
    add("r_card_visa_hyphen_label_jp", text_msg(S_RE, GREET +
        "検証用に登録したカード番号：%s（有効期限 12/27）で決済テストを行った端末で警告が出ました。\n" % group(v, [4, 4, 4, 4], "-") + SIGN),
        secrets=[group(v, [4, 4, 4, 4], "-")], keep=[v[-4:]], why="Visa with hyphens after カード番号：")
    m = card("52", 16)
    w = group(m, [4, 4, 4, 4], "\u3000").translate(FW)
    add("r_card_master_fullwidth_ideo", text_msg(S_RE, GREET + "クレジットカード　" + w + "\n有効期限　０９／２６\n" + SIGN,
        charset="shift_jis"), secrets=[w], keep=[], why="Mastercard in full-width digits with ideographic spaces, Shift_JIS")
    j = card("3530", 16)
    add("r_card_jcb_linebreak", text_msg(S_RE, GREET + "Outlook のテキスト形式で送っています。問題の端末で使っていた法人カード（JCB）の番号は " +
        group(j, [4, 4]) + "\n" + group(j[8:], [4, 4]) + " です。\n" + SIGN), secrets=[j], split_ok=True, keep=[],
        why="JCB wrapped at a group space by Outlook's plain-text line wrap")
    a = card("37", 15)
    add("r_card_amex_en", text_msg("RE: Onboarding question - TrackingID#%s" % SR,
        "Hi,\n\nThe purchase card used for the E5 licence is Amex %s, exp 03/28.\nPlease ignore it if not needed.\n\nRegards,\nHanako\n"
        % group(a, [4, 6, 5]), cte="7bit"), secrets=[group(a, [4, 6, 5])], keep=[a[-4:]], why="Amex 4-6-5 in English text")
    d = card("36", 14)
    add("r_card_diners_14", text_msg(S_RE, GREET + "ダイナースクラブカード番号 " + group(d, [4, 6, 4]) + " の明細について\n" + SIGN),
        secrets=[group(d, [4, 6, 4])], keep=[d[-4:]], why="Diners 14 digits 4-6-4")
    v13 = card("4", 13)
    add("r_card_visa13_glued", text_msg(S_RE, GREET + "旧カード番号" + v13 + "は解約済みです。\n" + SIGN),
        secrets=[v13], keep=[], why="13-digit Visa glued to Japanese")
    v19 = card("4", 19)
    add("r_card_visa19_plain", text_msg(S_RE, GREET + "カード: " + v19 + "\n" + SIGN),
        secrets=[v19], keep=[v19[-4:]], why="19-digit Visa")
    u = card("2221", 16)
    add("r_card_master2_endash", text_msg(S_RE, GREET + "Card number: " + group(u, [4, 4, 4, 4], "\u2013") + "\n" + SIGN),
        secrets=[group(u, [4, 4, 4, 4], "\u2013")], keep=[u[-4:]], why="2-series Mastercard with en dashes (Word autocorrect)")
    f = card("4", 16)
    flowed = GREET.replace("\n", " \n").replace("  \n", " \n") + "ご確認のため、請求に使用したカード番号は " + group(f[:12], [4, 4, 4]) + " \n" + f[12:] + " です。\n"
    add("r_card_format_flowed", head(S_RE, 'text/plain; charset="utf-8"; format=flowed; delsp=no') +
        "Content-Transfer-Encoding: 8bit\n\n" + flowed, secrets=[f], split_ok=True, keep=[],
        why="format=flowed soft break inside the card (Thunderbird)")
    h = card("4", 16)
    html = ("<html><body><p>下記の通りです。</p><table border=1><tr><td>項目</td><td>値</td></tr>"
            "<tr><td>カード番号</td><td><span>%s</span>&nbsp;<span>%s</span>&nbsp;<span>%s</span>&nbsp;<span>%s</span></td></tr>"
            "<tr><td>注文番号</td><td>ORD-20241209-0042</td></tr></table></body></html>"
            % (h[:4], h[4:8], h[8:12], h[12:]))
    add("r_card_html_td", mixed(S_RE, "下記の通りです。\nカード番号 %s\n注文番号 ORD-20241209-0042\n" % group(h, [4, 4, 4, 4]), [], html=html),
        secrets=[h], keep=["ORD-20241209-0042"], why="card in an HTML table cell with &nbsp; and spans")
    c1, c2 = card("4", 16), card("55", 16)
    csv = ("注文番号,氏名,カード番号,有効期限\r\n%s,山田太郎,%s,12/27\r\n%s,鈴木一郎,%s,01/26\r\n"
           % (luhn_bad(card("4", 16)), group(c1, [4, 4, 4, 4], "-"), "10023344", c2)).encode("cp932")
    add("r_card_csv_sjis", mixed(S_RE, GREET + "該当データを添付します。\n" + SIGN, [("payments.csv", csv, "text/csv")]),
        secrets=[c1, c2], keep=["10023344"], why="cards in a Shift_JIS CSV attachment")
    t1 = card("3589", 16)
    tsv = ("device\tuser\tcard\n" "PC-0012\tyamada\t%s\n" % t1).encode()
    add("r_card_tsv_octet", mixed(S_RE, GREET + "TSV を添付します。\n" + SIGN, [("export.tsv", tsv, "application/octet-stream")]),
        secrets=[t1], keep=["PC-0012"], why="card in a TSV sent as application/octet-stream")
    u16 = card("4", 16)
    data = ("\ufeffメモ\r\nカード番号: %s\r\n端末: PC-0099\r\n" % group(u16, [4, 4, 4, 4])).encode("utf-16-le")
    add("r_card_utf16_txt", mixed(S_RE, GREET + "メモ帳で保存したファイルです。\n" + SIGN, [("memo.txt", data, "text/plain")]),
        secrets=[group(u16, [4, 4, 4, 4])], keep=["PC-0099"], why="UTF-16LE text attachment with BOM")
    x1, x2 = card("4", 16), card("37", 15)
    add("r_card_xlsx", mixed(S_RE, GREET + "一覧を添付します。\n" + SIGN,
        [("一覧.xlsx", xlsx([["氏名", "カード番号", "金額"], ["山田", group(x1, [4, 4, 4, 4]), 12000], ["鈴木", int(x2), 5000]]), XLSX_T)]),
        secrets=[x1, x2], keep=[], why="cards in xlsx: a shared string and a numeric cell")
    dx = card("4", 16)
    add("r_card_docx_runs", mixed(S_RE, GREET + "手順書を添付します。\n" + SIGN,
        [("手順書.docx", docx([["テスト用カード番号: ", group(dx, [4, 4, 4, 4])[:7], group(dx, [4, 4, 4, 4])[7:15], group(dx, [4, 4, 4, 4])[15:]], ["以上"]]), DOCX_T)]),
        secrets=[dx], keep=[], why="card split over Word runs in a docx")
    q = card("4", 16)
    add("r_card_quoted_reply", text_msg(S_RE, "佐藤です。承知しました。\n\n> 佐藤様\n> 先日いただいた情報です。\n> カード番号 %s\n> 有効期限 11/25\n"
        % group(q, [4, 4, 4, 4]) + SIGN), secrets=[group(q, [4, 4, 4, 4])], keep=[], why="card in the quoted history")
    iso = card("4", 16)
    add("r_card_iso2022jp", text_msg(S_RE, GREET + "クレジットカード番号は" + group(iso, [4, 4, 4, 4], "-") + "、有効期限は2027年3月です。\n" + SIGN,
        charset="iso-2022-jp", cte="7bit"), secrets=[group(iso, [4, 4, 4, 4], "-")], keep=[iso[-4:]], why="ISO-2022-JP with card")
    bare = card("4", 16)
    add("r_card_bare_en", text_msg("Re: TrackingID#%s" % SR, "Hi,\nfor billing we used %s last month.\nThanks\n" % bare, cte="7bit"),
        secrets=[bare], keep=[bare[-4:]], why="bare 16 digits, no keyword")
    nb = card("4", 16)
    add("r_card_zip_csv", mixed(S_RE, GREET + "ZIP で送ります。\n" + SIGN,
        [("data.zip", zip_of([("data/cards.csv", "name,card\r\nyamada,%s\r\n" % nb)]), "application/zip")]),
        secrets=[nb], keep=[], why="card in a CSV inside a zip")


def card_near_misses():
    order = luhn_bad(card("4", 16))
    add("r_nm_card_numbers_jp", text_msg(S_RE, GREET +
        "調査に必要な情報をお送りします。\n"
        "・注文番号: %s\n" % group(order, [4, 4, 4, 4], "-") +
        "・配送伝票番号: 4567-8901-2345\n"
        "・関連SR番号: %s\n" % SR_LUHN +
        "・KB5044284 適用後、OS ビルド 10.0.19045.5131\n"
        "・プラットフォーム 4.18.24090.11 / エンジン 1.1.24090.11 / 定義 1.421.1630.0\n"
        "・DeviceId: 4f3a9c2e1b7d6a5f8e0c4b3a2d1e9f8c7b6a5d4e\n"
        "・テナント ID: 3c1e5a8b-7d2f-4e6a-9b0c-1d2e3f4a5b6c\n"
        "・電話: 03-6789-0123 / 090-1234-5678 / +81 3 6789 0123\n"
        "・発生日時: 2024/12/09 10:31:22.123、イベント時刻 20241209103122123\n"
        "・IP: 192.168.100.254, 2001:db8:85a3::8a2e:370:7334\n"
        "・Event RecordID 4561237890123, epoch 1733707882123\n" + SIGN),
        keep=[group(order, [4, 4, 4, 4], "-"), "4567-8901-2345", SR_LUHN, "10.0.19045.5131", "4.18.24090.11",
              "1.421.1630.0", "3c1e5a8b-7d2f-4e6a-9b0c-1d2e3f4a5b6c", "090-1234-5678", "20241209103122123",
              "4561237890123", "1733707882123"],
        unchanged=True, why="order/tracking/KB/build/GUID/phone/timestamp/IP/related SR near misses")
    add("r_nm_sr_luhn_bare_body", text_msg("RE: [SR#%s] 隔離ボタン" % SR_LUHN,
        GREET + "前回の %s と同じ事象です。\n" % SR2 + SIGN), sr=SR_LUHN, keep=[SR2], unchanged=True,
        why="Luhn-valid Mastercard-range SR in the Subject, another SR bare in the body")
    log = ("2024-12-09T10:31:22.1234567Z MsSense.exe pid=4512 tid=7788 cid=4111111111111111a0 ok\r\n"
           "2024-12-09T10:31:23.0000000Z MpCmdRun.exe ScanId {5E2A0C3B-9F1D-4A7E-B6C8-0D1E2F3A4B5C} result 0x80508023\r\n"
           "TimeGenerated 1733707882123456 CorrelationId 9a8b7c6d-1111-2222-3333-444455556666\r\n")
    add("r_nm_card_log_attach", mixed(S_RE, GREET + "ログを添付します。\n" + SIGN, [("MsSense.log", log.encode(), "text/plain")]),
        keep=["1733707882123456", "9a8b7c6d-1111-2222-3333-444455556666"], unchanged=True,
        why="log ids glued to letters / 16-digit microsecond epoch: not cards")


# ------------------------------------------------------------------ passwords

def passwords():
    add("r_pw_jp_fullwidth_colon", text_msg(S_RE, GREET + "検証用アカウントをご用意しました。\nユーザー名：mde-test01\nパスワード：Tk8#vR2m!q\n" + SIGN),
        secrets=["Tk8#vR2m!q"], keep=["mde-test01"], why="パスワード： full-width colon")
    add("r_pw_pw_colon_list", text_msg(S_RE, GREET + "■接続情報\nID: admin01\nPW: Summer2024!\n" + SIGN),
        secrets=["Summer2024!"], keep=["admin01"], why="PW: in a list")
    add("r_pw_pwd_eq_cmdline", text_msg("RE: TrackingID#%s proxy" % SR, "Hi,\nWe run: MDEClientAnalyzer.cmd -proxy http://proxy:8080 user=svc_mde pwd=Qw3rty!23\nThanks\n", cte="7bit"),
        secrets=["Qw3rty!23"], keep=["svc_mde"], why="pwd= on a command line")
    add("r_pw_password_is_en", text_msg("RE: TrackingID#%s" % SR, "Hi,\nThe local admin account is mdeadmin and the password is P@ssw0rd2024.\nRegards\n", cte="7bit"),
        secrets=["P@ssw0rd2024"], keep=["mdeadmin"], why="'the password is X.' in a sentence")
    cfg = ('<?xml version="1.0"?>\r\n<configuration><connectionStrings>\r\n'
           '<add name="Mde" connectionString="Server=tcp:sql01.contoso.local,1433;Database=MDE;User Id=sa;Password=Zx9!kLm#2;Encrypt=True" />\r\n'
           '</connectionStrings></configuration>\r\n')
    add("r_pw_connstring_octet", mixed(S_RE, GREET + "設定ファイルです。\n" + SIGN, [("web.config", cfg.encode(), "application/octet-stream")]),
        secrets=["Zx9!kLm#2"], keep=["sql01.contoso.local"], why="connection string in a .config sent as octet-stream")
    add("r_pw_url_userinfo", text_msg(S_RE, GREET + "プロキシは次の通り設定しています。\nhttps_proxy=http://svc_proxy:Pr0xyPass77@proxy.contoso.co.jp:8080/\n" + SIGN),
        secrets=["Pr0xyPass77"], keep=["proxy.contoso.co.jp"], why="user:pass@ in a proxy URL")
    add("r_pw_url_pct", text_msg(S_RE, GREET + "curl -x http://svc:Pa%24%24w0rd9@10.1.2.3:3128 https://winatp-gw-jpe.microsoft.com/test\n" + SIGN),
        secrets=["Pa%24%24w0rd9"], keep=["10.1.2.3"], why="percent-encoded password in a proxy URL")
    add("r_pw_net_use", text_msg(S_RE, GREET + "以下のコマンドで共有にアクセスしています。\nnet use \\\\fs01\\logs /user:CONTOSO\\svc_log Lg#2024fs\n" + SIGN),
        secrets=["Lg#2024fs"], keep=["svc_log"], why="net use with password after /user:")
    add("r_pw_psexec", text_msg(S_RE, GREET + "PsExec.exe \\\\PC-0012 -u CONTOSO\\adm01 -p Ps3xec!Go -s cmd /c \"sc query sense\"\n" + SIGN),
        secrets=["Ps3xec!Go"], keep=["adm01"], why="PsExec -p password")
    add("r_pw_convertto_securestring", text_msg(S_RE, GREET + "$pw = ConvertTo-SecureString 'Ps#Secure99' -AsPlainText -Force\n"
        "$cred = New-Object System.Management.Automation.PSCredential('CONTOSO\\adm01', $pw)\n" + SIGN),
        secrets=["Ps#Secure99"], keep=["adm01"], why="PowerShell ConvertTo-SecureString")
    add("r_pw_basic_auth", text_msg(S_RE, GREET + "プロキシのログです。\nGET http://proxy:8080/ HTTP/1.1\nProxy-Authorization: Basic "
        + base64.b64encode(b"svc_mde:BasicPass#1").decode() + "\n" + SIGN),
        secrets=[base64.b64encode(b"svc_mde:BasicPass#1").decode()], keep=[], why="Basic auth header (base64 user:pass)")
    env = "APP_ENV=prod\r\nDB_HOST=10.0.0.5\r\nDB_PASSWORD=envS3cret!x\r\nSMTP_PASS=SmtpP4ss_2024\r\n"
    add("r_pw_env_file", mixed(S_RE, GREET + ".env を添付します。\n" + SIGN, [(".env", env.encode(), "application/octet-stream")]),
        secrets=["envS3cret!x", "SmtpP4ss_2024"], keep=["10.0.0.5"], why=".env with DB_PASSWORD and SMTP_PASS")
    ini = "[proxy]\r\nhost = 10.0.0.8\r\nuser = svc\r\npassword = IniPa55word\r\n"
    add("r_pw_ini_body", text_msg(S_RE, GREET + "設定は以下です。\n\n" + ini.replace("\r", "") + SIGN),
        secrets=["IniPa55word"], keep=["10.0.0.8"], why="ini snippet in the body")
    yml = "proxy:\n  host: 10.0.0.9\n  username: svc\n  password: Yaml-Pass-77\nsecond:\n  password: \"YamlS3cr3t\"\n"
    add("r_pw_yaml", mixed(S_RE, GREET + "設定です。\n" + SIGN, [("config.yaml", yml.encode(), "application/x-yaml")]),
        secrets=["Yaml-Pass-77", "YamlS3cr3t"], keep=["10.0.0.9"], why="yaml attachment, quoted and unquoted")
    js = '{\n  "proxy": {"username": "svc", "password": "J$0nPass!"},\n  "tenantId": "3c1e5a8b-7d2f-4e6a-9b0c-1d2e3f4a5b6c"\n}\n'
    add("r_pw_json_body", text_msg(S_RE, GREET + js + SIGN), secrets=["J$0nPass!"],
        keep=["3c1e5a8b-7d2f-4e6a-9b0c-1d2e3f4a5b6c"], why="JSON snippet in the body")
    sig = "k3J8sQ%2BfV1x0aZ7mWq9Lr2T4yB6nP5cD8eF0gH1iJ2k%3D"
    add("r_pw_sas_token", text_msg(S_RE, GREET + "アップロード先: https://contosologs.blob.core.windows.net/mde?sv=2022-11-02&ss=b&srt=co&sp=rwl&se=2024-12-31T00:00:00Z&st=2024-12-01T00:00:00Z&spr=https&sig=" + sig + "\n" + SIGN),
        secrets=[sig], keep=["contosologs.blob.core.windows.net"], why="SAS token in a URL")
    keyb = base64.b64encode(bytes(RND.getrandbits(8) for _ in range(180))).decode()
    pem = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(keyb[i:i + 64] for i in range(0, len(keyb), 64)) + "\n-----END PRIVATE KEY-----\n"
    add("r_pw_private_key", text_msg(S_RE, GREET + "証明書の秘密鍵です。\n" + pem + SIGN), secrets=[keyb[64:128]], keep=[],
        why="PEM private key pasted")
    cs = "Abc8Q~" + "".join(RND.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789_-.~") for _ in range(34))
    add("r_pw_entra_secret", text_msg(S_RE, GREET + "アプリ登録のクライアントシークレット: " + cs + "\n" + SIGN),
        secrets=[cs], keep=[], why="Entra client secret")
    add("r_pw_next_line", text_msg(S_RE, GREET + "パスワード：\nNx7$pQ2w\n" + SIGN), secrets=["Nx7$pQ2w"], keep=[],
        why="value on the line after パスワード：")
    add("r_pw_initial_quoted", text_msg(S_RE, GREET + "初期パスワードは「Init#4455」です。\n" + SIGN), secrets=["Init#4455"], keep=[],
        why="初期パスワードは「x」です")
    add("r_pw_quoted_history", text_msg(S_RE, "ありがとうございます。\n\n> 検証用 VM の情報です。\n> ログイン: azureuser\n> パスワード: Vm!Pass-2024\n" + SIGN),
        secrets=["Vm!Pass-2024"], keep=["azureuser"], why="password in the quoted history")
    add("r_pw_iso2022jp", text_msg(S_RE, GREET + "管理者パスワードは Adm1n-Jp#9 です。\n" + SIGN, charset="iso-2022-jp", cte="7bit"),
        secrets=["Adm1n-Jp#9"], keep=[], why="password in ISO-2022-JP")
    html = ("<html><body><table><tr><td>ユーザー名</td><td>mdeops</td></tr>"
            "<tr><td>パスワード</td><td>HtmlPw#99</td></tr></table></body></html>")
    add("r_pw_html_table", mixed(S_RE, "ユーザー名\tmdeops\nパスワード\tHtmlPw#99\n", [], html=html),
        secrets=["HtmlPw#99"], keep=["mdeops"], why="keyword and value in two table cells")
    add("r_pw_sjis_zip_pass", text_msg(S_RE, GREET + "添付ZIPのパスワードは 7tQ#k2Lm です。\n" + SIGN, charset="shift_jis"),
        secrets=["7tQ#k2Lm"], keep=[], why="zip password in a Shift_JIS body")
    add("r_nm_pw_prose", text_msg(S_RE, GREET +
        "管理者のパスワードをリセットしました。\n"
        "パスワードは別途お送りします。\n"
        "PW: 別送\n"
        "Password policy: minimum length 14\n"
        "Password: Never expires (net user の出力)\n"
        "PasswordLastSet 2024/12/01\n"
        "Reset your password: https://aka.ms/sspr\n"
        "Please reset your password at https://passwordreset.microsoftonline.com/\n" + SIGN),
        keep=["パスワードは別途お送りします", "minimum length 14", "https://aka.ms/sspr"], unchanged=True,
        why="prose about passwords, no value")


# ------------------------------------------------------------------ Defender onboarding

def rnd_b64(n):
    return base64.b64encode(bytes(RND.getrandbits(8) for _ in range(n))).decode()


def guid():
    h = "%032x" % RND.getrandbits(128)
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def blob():
    body = ('{"previousOrgIds":[],"orgId":"%s","geoLocationUrl":"https://winatp-gw-jpe.microsoft.com/",'
            '"datacenter":"JapanEast","vortexGeoLocation":"JP","version":"1.42"}' % guid())
    return '{"body":%s,"sig":"%s","sha256sig":"%s","cert":"%s","chain":["%s"]}' % (
        json.dumps(body), rnd_b64(96), rnd_b64(96), rnd_b64(300), rnd_b64(300))


def reg_line(value="OnboardingInfo"):
    esc = blob().replace("\\", "\\\\").replace('"', '\\"')
    return ('REG add "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Advanced Threat Protection" /v %s /t REG_SZ /f /d "%s" >NUL 2>&1'
            % (value, esc))


def onb_cmd(offboard=False):
    head_ = ("@echo off\r\necho This script is for %s machines to the Microsoft Defender for Endpoint services.\r\n"
             % ("offboarding" if offboard else "onboarding"))
    head_ += "set errorCode=0\r\nset lastError=0\r\n"
    line = reg_line("696C1FA1-4030-4FA4-8713-FAF9B2EA7C0A" if offboard else "OnboardingInfo")
    return (head_ + line + "\r\nif %ERRORLEVEL% NEQ 0 (\r\n  set \"errorDescription=Unable to write onboarding information to registry.\"\r\n"
            "  goto ERROR\r\n)\r\nsc query \"SENSE\" | find /i \"RUNNING\" >NUL 2>&1\r\n")


def linux_py():
    return ("#!/usr/bin/python3\n# Microsoft Defender for Endpoint onboarding script for Linux\nimport os, sys, json\n"
            "ONBOARDING_INFO = %s\n\ndef main():\n    with open('/etc/opt/microsoft/mdatp/mdatp_onboard.json', 'w') as f:\n"
            "        f.write(json.dumps({'onboardingInfo': ONBOARDING_INFO}))\n\nmain()\n" % json.dumps(blob()))


def mac_plist(mobileconfig=False):
    inner = ('<dict>\n<key>OnboardingInfo</key>\n<string>%s</string>\n</dict>\n'
             % blob().replace("&", "&amp;").replace('"', "&quot;"))
    if mobileconfig:
        inner = ("<dict><key>PayloadContent</key><array><dict><key>PayloadType</key><string>com.microsoft.wdav.atp</string>"
                 "<key>PayloadIdentifier</key><string>com.microsoft.wdav.atp.%s</string>%s</dict></array>"
                 "<key>PayloadDisplayName</key><string>MDE onboarding</string></dict>" % (guid(), inner[6:-8]))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
            '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n%s</plist>\n' % inner)


def onboarding():
    S = S_RE
    add("r_onb_cmd_inline_jp", text_msg(S, GREET + "以下のスクリプトを実行しましたがエラーになります。\n\n" + onb_cmd().replace("\r", "") + SIGN),
        expect="reject", why="onboarding script pasted inline")
    add("r_onb_cmd_renamed_txt", mixed(S, GREET + "スクリプトを添付します。\n" + SIGN, [("script.txt", onb_cmd().encode(), "text/plain")]),
        expect="reject", why="onboarding .cmd renamed script.txt")
    add("r_onb_zip_renamed", mixed(S, GREET + "パッケージを添付します。\n" + SIGN,
        [("mde_pkg.zip", zip_of([("GPO/WindowsDefenderATPOnboardingScript.cmd", onb_cmd()),
                                 ("GPO/OptionalParamsPolicy/AtpConfig.admx", "<policyDefinitions/>")]), "application/zip")]),
        expect="reject", why="GPO onboarding package zip under another name")
    add("r_onb_zip_member_renamed", mixed(S, GREET + "ZIP です。\n" + SIGN,
        [("logs.zip", zip_of([("run.cmd", onb_cmd()), ("readme.txt", "see run.cmd")]), "application/x-zip-compressed")]),
        expect="reject", why="onboarding script renamed run.cmd inside a zip")
    add("r_onb_linux_py_renamed", mixed(S, GREET + "Linux 用スクリプトです。\n" + SIGN, [("onboard.py", linux_py().encode(), "text/x-python")]),
        expect="reject", why="Linux onboarding python script renamed")
    add("r_onb_linux_py_name", mixed(S, GREET + "実行結果がおかしいです。\n" + SIGN,
        [("MicrosoftDefenderATPOnboardingLinuxServer.py", b"#!/usr/bin/python3\nprint('truncated copy')\n", "application/octet-stream")]),
        expect="reject", why="Linux onboarding script by name (content truncated)")
    add("r_onb_macos_xml", mixed(S, GREET + "macOS 用です。\n" + SIGN, [("mdatp_settings.xml", mac_plist().encode(), "text/xml")]),
        expect="reject", why="macOS onboarding plist renamed")
    add("r_onb_macos_mobileconfig", mixed(S, GREET + "Jamf のプロファイルです。\n" + SIGN,
        [("MDE.mobileconfig", mac_plist(True).encode(), "application/x-apple-aspen-config")]),
        expect="reject", why="macOS .mobileconfig with OnboardingInfo")
    add("r_onb_intune_onboarding_file", mixed(S, GREET + "Intune の設定ファイルです。\n" + SIGN,
        [("WindowsDefenderATP.onboarding", blob().encode(), "application/octet-stream")]),
        expect="reject", why="Intune WindowsDefenderATP.onboarding")
    add("r_onb_intune_blob_renamed", mixed(S, GREET + "Intune に貼り付けた値です。\n" + SIGN,
        [("intune_value.txt", blob().encode(), "text/plain")]),
        expect="reject", why="the signed blob renamed .txt")
    add("r_onb_vdi_zip", mixed(S, GREET + "VDI 用パッケージです。\n" + SIGN,
        [("VDI.zip", zip_of([("Onboard-NonPersistentMachine.ps1", "# VDI onboarding\r\n& $env:SystemRoot\\System32\\GroupPolicy\\Machine\\Scripts\\Startup\\WindowsDefenderATPOnboardingScript.cmd\r\n"),
                             ("WindowsDefenderATPOnboardingScript.cmd", onb_cmd())]), "application/zip")]),
        expect="reject", why="VDI onboarding package")
    add("r_onb_sccm_nested_zip", mixed(S, GREET + "SCCM 用です。\n" + SIGN,
        [("sccm.zip", zip_of([("inner.zip", zip_of([("WindowsDefenderATPOnboardingScript.cmd", onb_cmd())]))]), "application/zip")]),
        expect="reject", why="onboarding script in a zip in a zip")
    add("r_offb_cmd_renamed", mixed(S, GREET + "オフボードしたいです。\n" + SIGN, [("offb.cmd", onb_cmd(True).encode(), "application/octet-stream")]),
        expect="reject", why="offboarding script renamed")
    add("r_offb_valid_until_zip", mixed(S, GREET + "オフボード用パッケージです。\n" + SIGN,
        [("WindowsDefenderATPOffboardingPackage_valid_until_2025-01-08.zip",
          zip_of([("WindowsDefenderATPOffboardingScript_valid_until_2025-01-08.cmd", onb_cmd(True))]), "application/zip")]),
        expect="reject", why="offboarding package by name")
    add("r_onb_docx_paste", mixed(S, GREET + "手順書です。\n" + SIGN, [("手順書.docx", docx([["手順 3: 次を実行"], [reg_line()]]), DOCX_T)]),
        expect="reject", why="onboarding reg add line pasted into Word")
    add("r_onb_resolved_too", text_msg("RE: [SR#%s] 解決" % SR, "解決しました。念のため使用したスクリプトです。\n\n" + onb_cmd().replace("\r", "")),
        expect="reject", why="onboarding material wins over a resolution")
    add("r_onb_mdatp_onboard_json", mixed(S, GREET + "/etc/opt/microsoft/mdatp の中身です。\n" + SIGN,
        [("mdatp_onboard.json", json.dumps({"onboardingInfo": blob()}).encode(), "application/json")]),
        expect="reject", why="Linux mdatp_onboard.json")


def onboarding_near_misses():
    add("r_nm_onb_prose_how_to", text_msg(S_RE, GREET +
        "WindowsDefenderATPOnboardingScript.cmd を管理者として実行すればよいでしょうか。\n"
        "Linux では sudo python3 MicrosoftDefenderATPOnboardingLinuxServer.py を実行する手順で合っていますか。\n"
        "参考: https://learn.microsoft.com/ja-jp/defender-endpoint/configure-endpoints-script\n" + SIGN),
        unchanged=True, keep=["configure-endpoints-script"], why="scripts named in prose, docs URL")
    add("r_nm_onb_log_state", mixed(S_RE, GREET + "ログです。\n" + SIGN, [("sense.txt", (
        "PS C:\\> Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows Advanced Threat Protection\\Status'\r\n"
        "OnboardingState : 1\r\nOrgId           : 3c1e5a8b-7d2f-4e6a-9b0c-1d2e3f4a5b6c\r\n"
        "LastConnected   : 133780000000000000\r\n"
        "EventID 5 SenseOnboarding: Microsoft Defender for Endpoint service failed to connect to the server at https://winatp-gw-jpe.microsoft.com/\r\n"
        "C:\\> reg query \"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Advanced Threat Protection\" /v OnboardingInfo\r\n"
        "ERROR: The system was unable to find the specified registry key or value.\r\n").encode(), "text/plain")]),
        unchanged=True, keep=["OnboardingState : 1"], why="onboarding state log, reg query, SenseOnboarding event")
    add("r_nm_onb_mdatp_health", text_msg("RE: TrackingID#%s mdatp health" % SR,
        "Hi,\n$ mdatp health\nhealthy                                     : true\nlicensed                                    : true\n"
        "org_id                                      : \"3c1e5a8b-7d2f-4e6a-9b0c-1d2e3f4a5b6c\"\n"
        "edr_machine_id                              : \"4f3a9c2e1b7d6a5f8e0c4b3a2d1e9f8c7b6a5d4e\"\n"
        "I ran MicrosoftDefenderATPOnboardingLinuxServer.py yesterday and got 'onboarding failed'.\nThanks\n", cte="7bit"),
        unchanged=True, keep=["edr_machine_id"], why="mdatp health output with org_id")
    add("r_nm_onb_error_output", text_msg(S_RE, GREET +
        "スクリプト実行時の出力です。\n"
        "  This script is for onboarding machines to the Microsoft Defender for Endpoint services, including security and compliance products.\n"
        "  Once completed, the machine should light up in the portal within 5-30 minutes, depending on this machine's Internet connectivity availability and machine power state (logged on or turned off).\n"
        "  [Error Id: 15, Error Level: 1] Unable to write onboarding information to registry.\n" + SIGN),
        unchanged=True, keep=["Error Id: 15"], why="the script's console output quoted")


# ------------------------------------------------------------------ SR, resolution, severity A

THANKS = GREET + "ご回答ありがとうございます。引き続き調査をお願いいたします。\n" + SIGN
QUOTE_MS = ("\n-----Original Message-----\nFrom: Microsoft Support <supportmail@microsoft.com>\n"
            "Sent: Monday, December 9, 2024 5:00 PM\nSubject: [SR#%s] Defender for Endpoint の件\n\n"
            "佐藤様\n\n本件、解決しましたらクローズさせていただきます。\n"
            "If the issue is resolved, you can close this case by replying to this mail.\n"
            "重大度 A への変更をご希望の場合は、サポートポータルからお電話でご依頼ください。\n" % SR)


def sr_rules():
    fw = SR.translate(FW)
    for name, s, expect, sr, why in [
        ("r_sr_fullwidth_brackets", "RE: 【SR#%s】隔離の件" % fw, "deliver", SR, "full-width digits in 【】"),
        ("r_sr_henshin_toiawase", "返信: [お問い合わせ番号：%s] 検疫" % SR, "deliver", SR, "返信: and お問い合わせ番号："),
        ("r_sr_fw_trackingid", "FW: Defender alert - TrackingID#%s" % SR, "deliver", SR, "FW: ... TrackingID#"),
        ("r_sr_tensou_case", "転送: Case %s について" % SR, "deliver", SR, "転送: Case"),
        ("r_sr_same_twice", "RE: RE: SR %s / [SR#%s]" % (SR, SR), "deliver", SR, "the same SR twice"),
        ("r_sr_external_tag", "RE: [EXTERNAL] [Ticket#4821] Re: TrackingID#%s" % SR, "deliver", SR, "other systems' tags"),
        ("r_sr_srhash_space", "Re: SR# %s MDE sensor" % SR, "deliver", SR, "SR# with a space"),
        ("r_sr_two_different", "RE: SR#%s and SR#%s" % (SR, SR2), "reject", None, "two different SRs"),
        ("r_sr_two_jp", "RE: [SR#%s] 関連: お問い合わせ番号 %s" % (SR, SR2), "reject", None, "two SRs, one after お問い合わせ番号"),
        ("r_sr_bad_date", "RE: TrackingID#2413320040012345 隔離", "reject", None, "month 13: not an SR"),
        ("r_sr_future", "RE: TrackingID#2501150040012345 隔離", "reject", None, "a date after now"),
        ("r_sr_none_new", "Defender のアラートについて質問", "reject", None, "new request, no SR"),
    ]:
        add(name, text_msg(s, THANKS), expect=expect, sr=sr, why=why, unchanged=(expect == "deliver"))
    add("r_sr_iso2022_subject", head("", "text/plain; charset=ISO-2022-JP").replace(
        "Subject: \n", "Subject: =?ISO-2022-JP?B?%s?=\n" % base64.b64encode(
            ("RE: 【お問い合わせ番号 %s】件名" % SR).encode("iso-2022-jp")).decode()) +
        "Content-Transfer-Encoding: 7bit\n\n" + THANKS.encode("iso-2022-jp").decode("ascii"),
        unchanged=True, why="Subject in ISO-2022-JP encoded word")


def resolution():
    R = "RE: [SR#%s] Defender for Endpoint の件" % SR
    for name, body, res, why in [
        ("r_res_jp_close_ok", "佐藤です。\n\nご案内いただいた手順で解決しました。本件クローズして構いません。\n" + SIGN + QUOTE_MS, True, "解決しました + クローズして構いません"),
        ("r_res_jp_kaisho_gozaimasen", "佐藤です。\nおかげさまで事象は解消いたしました。本件クローズいただいて問題ございません。\n" + SIGN, True, "解消いたしました / クローズいただいて問題ございません"),
        ("r_res_jp_close_onegai_itashimasu", "佐藤です。\n問題なく動作するようになりました。\nクローズをお願いいたします。\n" + SIGN, True, "クローズをお願いいたします"),
        ("r_res_jp_kaiketsu_itashimashita", "佐藤です。\n本件解決いたしました。ありがとうございました。\n" + SIGN, True, "解決いたしました"),
        ("r_res_en_close_case", "Hi Alex,\n\nThe issue is resolved, you can close this case.\n\nThanks,\nHanako\n", True, "EN resolved + close"),
        ("r_res_en_terse", "Hi,\nissue resolved, thanks!\nHanako\n", True, "terse 'issue resolved'"),
        ("r_res_en_go_ahead_close", "Hi Alex,\nAll sensors are reporting again. Please go ahead and close this case.\nHanako\n", True, "please go ahead and close this case"),
        ("r_res_jp_not_yet", "佐藤です。\n残念ながらまだ解決していません。引き続き調査をお願いします。\n" + SIGN + QUOTE_MS, False, "まだ解決していません"),
        ("r_res_jp_mikaiketsu", "佐藤です。\n再起動後も未解決です。\n" + SIGN, False, "未解決"),
        ("r_res_jp_conditional", "佐藤です。\n明日パッチを適用します。解決しない場合はまたご連絡します。\n" + SIGN, False, "解決しない場合"),
        ("r_res_jp_kaiketsu_shitara", "佐藤です。\n検証して解決しましたらご連絡します。\n" + SIGN, False, "解決しましたら"),
        ("r_res_jp_but", "佐藤です。\n隔離の件は解決しましたが、別の警告が出ています。\n" + SIGN, False, "解決しましたが (contrast)"),
        ("r_res_en_if", "Hi,\nI will apply the fix tonight. If this resolves the issue I will let you know.\nHanako\n", False, "'if this resolves'"),
        ("r_res_en_not_yet", "Hi,\nUnfortunately the issue is not resolved yet.\nHanako\n", False, "not resolved yet"),
        ("r_res_quoted_only", "佐藤です。\n承知しました。ログを取得してお送りします。\n" + SIGN + QUOTE_MS, False, "resolution text only in quoted support mail"),
        ("r_res_question", "佐藤です。\n手順4まで実施しましたが、これで解決しましたか？\n" + SIGN, False, "question"),
    ]:
        add(name, text_msg(R, body), resolution=res, why=why, unchanged=True)
    add("r_res_auto_reply", text_msg("自動応答: RE: [SR#%s] Defender" % SR, "12/9 から 12/13 まで不在です。\n本件は解決しましたので、クローズをお願いします。\n",
        extra="Auto-Submitted: auto-replied\n"), resolution=False, unchanged=True, why="out-of-office never resolves")


def severity():
    R = "RE: [SR#%s] Defender for Endpoint の件" % SR
    for name, body, expect, why in [
        ("r_sev_jp_raise", "佐藤です。\n業務影響が大きいため、重大度Aに上げてください。\n" + SIGN, "reject", "重大度Aに上げてください"),
        ("r_sev_jp_change_keigo", "佐藤です。\n全社で影響が出ているため、重要度をAに変更していただけますでしょうか。\n" + SIGN, "reject", "重要度をAに変更していただけますでしょうか"),
        ("r_sev_en_raise", "Hi,\nProduction is down. Please raise to Sev A.\nHanako\n", "reject", "raise to Sev A"),
        ("r_sev_en_upgrade", "Hi,\nWe need this upgraded to severity A, 24x7 please.\nHanako\n", "reject", "upgraded to severity A"),
        ("r_sev_nm_quoted_template", "佐藤です。\n承知しました。\n" + SIGN + QUOTE_MS, "deliver", "support's template quoted"),
        ("r_sev_nm_keep_b", "佐藤です。\n重大度Bのままで問題ありません。\n" + SIGN, "deliver", "keep severity B"),
        ("r_sev_nm_not_needed", "佐藤です。\n重大度Aへの変更は不要です。\n" + SIGN, "deliver", "not needed"),
    ]:
        add(name, text_msg(R, body), expect=expect, why=why, unchanged=(expect == "deliver"))


def main(argv):
    if len(argv) != 2:
        print("usage: gen.py OUTDIR", file=sys.stderr)
        return 2
    os.makedirs(argv[1], exist_ok=True)
    for f in (cards, card_near_misses, passwords, onboarding, onboarding_near_misses, sr_rules, resolution, severity):
        f()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import more  # noqa: E402  (second round; imports this module's helpers)
    more.register()
    for name, eml, lab in OUT:
        with open(os.path.join(argv[1], name + ".eml"), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(eml)
        with open(os.path.join(argv[1], name + ".json"), "w", encoding="utf-8") as fh:
            json.dump(lab, fh, ensure_ascii=False, indent=1)
    print("%d messages" % len(OUT))
    return 0


if __name__ == "__main__":
    sys.modules.setdefault("gen", sys.modules["__main__"])
    sys.exit(main(sys.argv))
