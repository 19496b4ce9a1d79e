#!/usr/bin/env python3
"""gen_e2e.py - the messages of the end-to-end benchmark (item 3).

    python3 tests/bench/gen_e2e.py OUTDIR [SIZE] [YYYY-MM-DD]

Writes three messages of about SIZE bytes (default 20000) with LF line ends
(smtp-source -F sends each line with CRLF):

  OUTDIR/support.eml  support mail as Outlook sends it: multipart/alternative,
                      text/plain in ISO-2022-JP (7bit) and text/html in UTF-8
                      (quoted-printable), Japanese and English text, a pasted
                      Defender log excerpt, the quoted history; the Subject
                      (RFC 2047, ISO-2022-JP) carries a valid TrackingID#
                      dated 20 days before the given day (default today).
  OUTDIR/card.eml     the same with a Luhn-valid card number (synthetic, not
                      an issued card) after "カード番号" in both parts: the
                      milter masks it and replaces the body.
  OUTDIR/other.eml    unrelated business mail of the same size and shape
                      (no support recipient is used for it by e2e.py).

Deterministic for a given day.  Nothing here is printed: the card number is
only in the files.
"""
import base64
import datetime
import os
import quopri
import random
import sys

JP_LINES = [
    "いつもお世話になっております。株式会社サンプル情報システム部の山田です。",
    "先日ご相談した Defender for Endpoint のオンボーディング状態について、追加の情報をお送りします。",
    "対象の端末は Windows 11 23H2 で、センサーのサービスは起動していますが、ポータル上では「非アクティブ」と表示されます。",
    "プロキシ経由での通信を確認したところ、一部の URL への接続がタイムアウトしていました。",
    "イベント ログ（Microsoft-Windows-SENSE/Operational）の抜粋を以下に貼り付けます。",
    "社内のネットワーク担当とも確認しましたが、ファイアウォールの設定に変更はありません。",
    "お手数ですが、ログの内容をご確認のうえ、追加で必要な情報があればご指示ください。",
    "なお、同じ構成の別の端末（約 120 台）では問題は発生しておりません。",
    "引き続きよろしくお願いいたします。",
]
EN_LINES = [
    "Please find below the output of the connectivity analyzer run on the affected device.",
    "The device was restarted twice; the SENSE service starts but stops reporting after a few minutes.",
    "We are using a PAC file; the static proxy is configured through group policy as well.",
    "Let me know if you need a full support package (MDEClientAnalyzer result).",
]
LOG_FMT = ("{d} {t} SENSE EventID={ev} Level={lvl} Computer=PC-{pc:04d}.corp.example.co.jp "
           "Message=Contacted server {n} times, all failed, URI: https://winatp-gw-{g}."
           "microsoft.com/. Last HTTP error code: {code}")
OTHER_JP = [
    "いつもお世話になっております。株式会社サンプル購買部の佐藤です。",
    "来月のサーバー保守契約の更新について、お見積りの内容を確認いたしました。",
    "つきましては、以下の点についてご回答いただけますでしょうか。",
    "・保守対象機器の一覧（添付資料の 3 ページ目）に記載漏れがないか",
    "・オンサイト対応の時間帯（平日 9 時から 18 時）の延長は可能か",
    "・契約期間の途中で台数を追加した場合の費用の考え方",
    "ご多忙のところ恐れ入りますが、今月末までにご返信いただけますと幸いです。",
]


def luhn_complete(prefix):
    """prefix (15 digits) + the Luhn check digit."""
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        v = int(ch)
        if i % 2 == 0:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return prefix + str((10 - total % 10) % 10)


def card_number():
    """The synthetic card number of card.eml (for checks; never printed)."""
    return luhn_complete("498012345678901")


def sr_number(day):
    start = day - datetime.timedelta(days=20)
    return start.strftime("%y%m%d") + "0010004127"


def jis(s):
    return s.encode("iso-2022-jp")


def rfc2047(s):
    return "=?ISO-2022-JP?B?%s?=" % base64.b64encode(jis(s)).decode()


def log_lines(r, n):
    out = []
    for _ in range(n):
        out.append(LOG_FMT.format(
            d="2026-11-%02d" % r.randrange(1, 28), t="%02d:%02d:%02d" % (
                r.randrange(24), r.randrange(60), r.randrange(60)),
            ev=r.choice([5, 7, 13, 38]), lvl=r.choice(["Warning", "Error", "Information"]),
            pc=r.randrange(10000), n=r.randrange(1, 50), g=r.choice(["eus", "weu", "cus"]),
            code=r.choice(["12029", "12002", "407"])))
    return out


def plain_text(r, lines, sr, card, nlog, quoted):
    body = list(lines[:4])
    if card:
        body.append("（テスト用）カード番号 %s の決済が失敗した件も念のため共有します。" % card)
    body += [""] + EN_LINES + [""] + log_lines(r, nlog) + [""] + list(lines[4:])
    body += ["", "-- ", "山田 太郎 / Taro Yamada", "株式会社サンプル 情報システム部", ""]
    if quoted:
        body += ["-----Original Message-----", "From: Microsoft Support <supportmail@microsoft.com>",
                 "Subject: [Defender] オンボーディング状態の確認 - TrackingID#%s" % sr, ""]
        body += ["> " + x for x in ["山田様", "",
                                    "お問い合わせいただきありがとうございます。",
                                    "ご指摘の事象について、センサーのイベント ログをお送りください。",
                                    "Please run the client analyzer and attach the result.", ""]]
    return "\n".join(body) + "\n"


def html_text(plain):
    esc = plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    paras = "".join("<p class=MsoNormal>%s</p>\n" % (x or "&nbsp;") for x in esc.split("\n"))
    return ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
            "<style>p.MsoNormal{margin:0mm;font-family:\"Yu Gothic\",sans-serif;}</style>"
            "</head>\n<body lang=JA><div class=WordSection1>\n" + paras + "</div></body></html>\n")


def message(kind, size, day):
    r = random.Random(20)
    sr = sr_number(day)
    card = card_number() if kind == "card" else None
    support = kind != "other"
    lines = JP_LINES if support else OTHER_JP
    if support:
        to, subj = "supportmail@microsoft.com", \
            "RE: [Defender] オンボーディング状態の確認 - TrackingID#%s" % sr
    else:
        to, subj = "sales@partner.example.com", "RE: 保守契約更新のお見積りについて"
    nlog, data = 1, b""
    while True:
        r.seed(20)
        plain = plain_text(r, lines, sr, card, nlog, support)
        html = quopri.encodestring(html_text(plain).encode("utf-8")).decode()
        data = ("From: =?ISO-2022-JP?B?GyRCOzNFRBsoQiAbJEJCQE86GyhC?= <yamada@example.co.jp>\n"
                "To: %s\nSubject: %s\nDate: %s\nMessage-ID: <e2e.%s@example.co.jp>\n"
                "MIME-Version: 1.0\nX-Mailer: Microsoft Outlook 16.0\n"
                "Content-Type: multipart/alternative; boundary=\"----=_NextPart_e2e\"\n\n"
                "------=_NextPart_e2e\nContent-Type: text/plain; charset=\"iso-2022-jp\"\n"
                "Content-Transfer-Encoding: 7bit\n\n" % (
                    to, rfc2047(subj), day.strftime("%a, %d %b %Y 10:00:00 +0900"), kind)
                ).encode() + jis(plain) + (
                "\n------=_NextPart_e2e\nContent-Type: text/html; charset=\"utf-8\"\n"
                "Content-Transfer-Encoding: quoted-printable\n\n" + html +
                "\n------=_NextPart_e2e--\n").encode()
        if len(data) >= size or nlog > 100000:
            return data
        nlog += 1


def main_args(out, size=20000, day=None):
    day = day or datetime.date.today()
    os.makedirs(out, exist_ok=True)
    for kind in ("support", "card", "other"):
        with open(os.path.join(out, kind + ".eml"), "wb") as f:
            f.write(message(kind, size, day))


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen_e2e.py OUTDIR [SIZE] [YYYY-MM-DD]")
    main_args(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20000,
              datetime.date.fromisoformat(sys.argv[3]) if len(sys.argv) > 3 else None)


if __name__ == "__main__":
    main()
