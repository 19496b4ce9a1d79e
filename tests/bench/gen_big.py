#!/usr/bin/env python3
"""gen_big.py - large messages for the peak-RSS and latency benchmark (item 4).

    python3 tests/bench/gen_big.py OUTDIR

OUTDIR/big-100mb.eml: a 100 MB message, text/plain body (8bit, Windows and
Defender log lines, a few test card numbers), to support with a valid SR.
OUTDIR/big-30mb.eml: the same at 30 MB (under the default part and message
limits, so the default configuration scans it in full).
OUTDIR/big-attachment.eml: a short body and a 30 MB binary attachment
(pseudo-random bytes, base64, about 40 MB on the wire).
OUTDIR/big-ja-utf8.eml, big-ja-2022.eml: a 30 MB (decoded) Japanese text/plain
body, base64, in UTF-8 and in ISO-2022-JP (multi-byte runs, escapes).
OUTDIR/big-html.eml: a 30 MB text/html body (quoted-printable free, 8bit):
tags, entities, tables and a quoted block, for the HTML view.
Deterministic; written in chunks so the generator itself stays small.
"""
import base64
import os
import random
import sys

HEAD = ("From: tester@example.co.jp\r\nTo: supportmail@microsoft.com\r\n"
        "Subject: [SR#2411180040324704] big message\r\nDate: Mon, 18 Nov 2024 10:00:00 +0900\r\n"
        "Message-ID: <big@example.co.jp>\r\nMIME-Version: 1.0\r\n")


def big_text(path, size):
    r = random.Random(1)
    with open(path, "wb") as f:
        f.write((HEAD + "Content-Type: text/plain; charset=us-ascii\r\n"
                 "Content-Transfer-Encoding: 8bit\r\n\r\n").encode())
        n = 0
        while n < size:
            lines = []
            for _ in range(1000):
                x = r.random()
                tail = " card 4111 1111 1111 1111" if x < 0.0005 else ""
                lines.append("2024-11-18T10:%02d:%02d Sense EventID=%d Computer=PC-%04d state=%s%s\r\n" % (
                    r.randrange(60), r.randrange(60), r.choice([4, 5, 7, 13]), r.randrange(10000),
                    r.choice(["running", "stopped", "connected"]), tail))
            chunk = "".join(lines).encode()
            f.write(chunk)
            n += len(chunk)


def big_attachment(path, size):
    r = random.Random(2)
    with open(path, "wb") as f:
        f.write((HEAD + 'Content-Type: multipart/mixed; boundary="big"\r\n\r\n'
                 "--big\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nsee the attached capture\r\n"
                 "--big\r\nContent-Type: application/octet-stream; name=\"capture.etl\"\r\n"
                 "Content-Disposition: attachment; filename=\"capture.etl\"\r\n"
                 "Content-Transfer-Encoding: base64\r\n\r\n").encode())
        for _ in range(size // (57 * 1024)):
            raw = r.getrandbits(57 * 1024 * 8).to_bytes(57 * 1024, "little")
            f.write(base64.encodebytes(raw).replace(b"\n", b"\r\n"))
        f.write(b"--big--\r\n")


JA_WORDS = ["お問い合わせ", "ありがとうございます", "ログ", "を添付します", "サーバー",
            "で障害が発生しました", "。", "、", "パスワード", "確認", "お願いします",
            "ＰＣ－１２３", "ｶﾞｲﾄﾞ", "①", "Defender", " ", "2024年11月18日"]


def ja_lines(r, size):
    n = 0
    while n < size:
        words = [r.choice(JA_WORDS) for _ in range(r.randrange(4, 16))]
        if r.random() < 0.001:
            words.append(" カード 4111 1111 1111 1111")
        line = "".join(words) + "\r\n"
        n += len(line.encode("utf-8"))
        yield line


def big_ja(path, size, charset):
    r = random.Random(3)
    with open(path, "wb") as f:
        f.write((HEAD + "Content-Type: text/plain; charset=%s\r\n"
                 "Content-Transfer-Encoding: base64\r\n\r\n" % charset).encode())
        buf = []
        blen = 0
        for line in ja_lines(r, size):
            if charset == "iso-2022-jp":
                line = line.replace("ｶﾞｲﾄﾞ", "ガイド").replace("①", "(1)").replace("－", "-")
            buf.append(line)
            blen += len(line)
            if blen > 20000:
                raw = "".join(buf).encode(charset)
                buf, blen = [], 0
                f.write(raw)
        f.write("".join(buf).encode(charset))
    # base64 the body in place: re-read the raw body, write it encoded
    with open(path, "rb") as f:
        data = f.read()
    head, body = data.split(b"\r\n\r\n", 1)
    with open(path, "wb") as f:
        f.write(head + b"\r\n\r\n")
        for i in range(0, len(body), 57 * 1024):
            f.write(base64.encodebytes(body[i:i + 57 * 1024]).replace(b"\n", b"\r\n"))


def big_html(path, size):
    r = random.Random(4)
    with open(path, "wb") as f:
        f.write((HEAD + "Content-Type: text/html; charset=utf-8\r\n"
                 "Content-Transfer-Encoding: 8bit\r\n\r\n"
                 "<html><head><style>p {margin:0}</style></head><body>\r\n").encode())
        n = 0
        while n < size:
            rows = []
            for _ in range(200):
                x = r.random()
                tail = " card 4111&nbsp;1111 1111 1111" if x < 0.0005 else ""
                rows.append('<tr><td class="t">10:%02d:%02d</td><td>EventID=%d</td>'
                            '<td><b>PC-%04d</b> &amp; state=%s &lt;ok&gt;%s</td></tr>\r\n' % (
                                r.randrange(60), r.randrange(60), r.choice([4, 5, 7, 13]),
                                r.randrange(10000), r.choice(["running", "stopped", "接続"]), tail))
            chunk = ("<table>\r\n" + "".join(rows) + "</table><p>お問い合わせ&#x3042;</p>\r\n").encode()
            f.write(chunk)
            n += len(chunk)
        f.write(b"<blockquote>earlier message</blockquote></body></html>\r\n")


def main(argv):
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    big_text(os.path.join(out, "big-100mb.eml"), 100 << 20)
    big_text(os.path.join(out, "big-30mb.eml"), 30 << 20)
    big_attachment(os.path.join(out, "big-attachment.eml"), 30 << 20)
    big_ja(os.path.join(out, "big-ja-utf8.eml"), 30 << 20, "utf-8")
    big_ja(os.path.join(out, "big-ja-2022.eml"), 30 << 20, "iso-2022-jp")
    big_html(os.path.join(out, "big-html.eml"), 30 << 20)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
