#!/usr/bin/env python3
"""gen_mix.py - the deterministic text mix for the scanning benchmark.

    python3 tests/bench/gen_mix.py OUT.bin [MEGABYTES]   (default 32)

A realistic mix of what support mail carries: Japanese prose (UTF-8,
ISO-2022-JP, Shift_JIS), English prose, Windows event and Defender logs,
HTML mail bodies, CSV exports, with the things detectors look for sprinkled
in at realistic rates (test card numbers, password lines, GUIDs, IPs, KB and
build numbers, SR numbers).  Same bytes on every run (seeded PRNG).

Format, read by bench_scan.c: records "#DOC <charset> <html 0|1> <len>\\n"
followed by <len> bytes of the document in that charset.
"""
import random
import sys

R = random.Random(20241118)

JA = ["お世話になっております。", "株式会社サンプルの山田です。", "先日の件についてご連絡いたします。",
      "Defender for Endpoint のオンボーディング後、デバイスがポータルに表示されません。",
      "ログを添付いたしますので、ご確認をお願いいたします。", "再起動後も現象は変わりませんでした。",
      "お手数をおかけしますが、よろしくお願いいたします。", "検証環境では問題なく動作しています。",
      "センサーの状態は「非アクティブ」と表示されています。", "プロキシの設定は以下の通りです。",
      "何卒よろしくお願い申し上げます。", "本件、至急ご対応いただけますと幸いです。",
      "①ポリシーの適用 ②スキャンの実行 ③結果の確認", "（株）テスト　情報システム部　ｶﾀｶﾅ　ﾃｽﾄ"]
EN = ["Thank you for your reply.", "We checked the proxy settings again yesterday.",
      "The device does not appear in the portal after onboarding.",
      "Please find the logs attached to this message.", "The sensor health state is inactive.",
      "We rebooted the machine but the issue persists.", "Could you please advise on next steps?",
      "The same build works in our test environment.", "Best regards, IT operations team."]
CARDS = ["4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005", "4012888888881881"]


def guid():
    return "%08x-%04x-%04x-%04x-%012x" % (R.getrandbits(32), R.getrandbits(16), R.getrandbits(16),
                                          R.getrandbits(16), R.getrandbits(48))


def noise():
    """Something detectors must look at, at a realistic rate."""
    x = R.random()
    if x < 0.02:
        return " カード番号：%s " % R.choice(CARDS)
    if x < 0.04:
        return " パスワード：Xk9#%04d " % R.randrange(10000)
    if x < 0.10:
        return " DeviceId %s " % guid()
    if x < 0.15:
        return " 10.%d.%d.%d " % (R.randrange(256), R.randrange(256), R.randrange(256))
    if x < 0.18:
        return " KB50%05d build 10.0.19045.%d " % (R.randrange(100000), R.randrange(6000))
    if x < 0.20:
        return " SR 24111800%08d " % R.randrange(10 ** 8)
    return ""


def prose(words, size, sep=""):
    out, n = [], 0
    while n < size:
        s = R.choice(words) + noise() + sep
        if R.random() < 0.15:
            s += "\n"
        out.append(s)
        n += len(s.encode())
    return "".join(out)


def win_log(size):
    out, n = [], 0
    while n < size:
        s = ("%s Information Microsoft-Windows-Sense EventID=%d Task=%d %s Computer=PC-%04d.corp.example "
             "Message=Sense service state %s%s\n" % (
                 "2024-11-18T%02d:%02d:%02d.%03dZ" % (R.randrange(24), R.randrange(60), R.randrange(60),
                                                      R.randrange(1000)),
                 R.choice([4, 5, 7, 13, 41, 62]), R.randrange(10), guid(), R.randrange(10000),
                 R.choice(["running", "stopped", "onboarding", "connected"]), noise()))
        out.append(s)
        n += len(s)
    return "".join(out)


def defender_log(size):
    out, n = [], 0
    while n < size:
        s = ("MpCmdRun: %s Threat=%s Path=C:\\Users\\user%03d\\AppData\\Local\\Temp\\%08x.tmp "
             "Engine=1.1.%d.0 Signatures=1.421.%d.0%s\r\n" % (
                 R.choice(["Scan started", "Scan finished", "Remediation", "Signature update"]),
                 R.choice(["None", "Trojan:Win32/Wacatac", "PUA:Win32/Presenoker"]), R.randrange(1000),
                 R.getrandbits(32), R.randrange(30000), R.randrange(3000), noise()))
        out.append(s)
        n += len(s)
    return "".join(out)


def html(size):
    out, n = ["<html><head><style>p{margin:0}</style></head><body>"], 0
    while n < size:
        s = "<p><span style=\"font-family:Meiryo\">%s</span>%s</p>\r\n" % (
            R.choice(JA + EN), R.choice(["", "&nbsp;", "<br>", noise()]))
        if R.random() < 0.05:
            s += "<div>4111<span>1111</span>1111&nbsp;1111</div>"
        out.append(s)
        n += len(s.encode())
    out.append("</body></html>")
    return "".join(out)


def csv(size):
    out, n = ["id,name,ip,device,state\r\n"], 0
    while n < size:
        s = "%d,端末%04d,10.0.%d.%d,%s,%s%s\r\n" % (R.randrange(10 ** 6), R.randrange(10000), R.randrange(256),
                                                 R.randrange(256), guid(), R.choice(["有効", "無効"]), noise())
        out.append(s)
        n += len(s.encode())
    return "".join(out)


KINDS = [  # (weight, charset, html, maker)
    (3, "utf-8", 0, lambda n: prose(JA, n)),
    (2, "iso-2022-jp", 0, lambda n: prose(JA, n)),
    (1, "shift_jis", 0, lambda n: prose(JA, n)),
    (2, "us-ascii", 0, lambda n: prose(EN, n, " ")),
    (2, "us-ascii", 0, win_log),
    (2, "us-ascii", 0, defender_log),
    (2, "utf-8", 1, html),
    (1, "utf-8", 0, csv),
]


def encode(text, cs):
    if cs == "iso-2022-jp":
        return text.replace("①", "1.").replace("②", "2.").replace("③", "3.") \
            .replace("ｶﾀｶﾅ", "カタカナ").replace("ﾃｽﾄ", "テスト").encode("iso2022_jp")
    if cs == "shift_jis":
        return text.encode("cp932")
    return text.encode("utf-8")


def main(argv):
    out = argv[1]
    total = int(argv[2] if len(argv) > 2 else 32) << 20
    table = [k for k in KINDS for _ in range(k[0])]
    n = 0
    with open(out, "wb") as f:
        while n < total:
            _, cs, is_html, make = R.choice(table)
            doc = encode(make(R.choice([2, 8, 30, 120]) * 1024), cs)
            f.write(b"#DOC %s %d %d\n" % (cs.encode(), is_html, len(doc)))
            f.write(doc)
            n += len(doc)
    print("gen_mix: %s: %d bytes" % (out, n))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
