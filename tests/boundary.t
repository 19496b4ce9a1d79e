#!/usr/bin/env python3
"""Every size boundary of the read pipeline, every transfer encoding (TAP).

A text attachment of N decoded bytes with a card number (after a card
keyword) at its start, in its middle or at its end, in 7bit, 8bit, base64,
quoted-printable and x-uuencode, for N around each boundary a part crosses:
- the classification sample (64 KiB): -1, 0, +1 byte, and one encoded line
  either side (a part of 64-96 KiB was once scanned as its first 64 KiB and
  delivered cut to that length when something was masked);
- the window size (limits.scan_window_bytes, 128 KiB in this test's
  configuration): the same offsets;
- max_part_bytes (256 KiB here): at the limit the part is scanned, one byte
  past it the message gets on_permanent_limit (reject, 552), never a
  partial scan.

A zip of 40-120 KB whose onboarding script follows 40-120 KB of other data
is rejected at every size (one of 80 KB was once delivered).

A file uuencoded into a text attachment (7bit and base64), the text around
the sample and the window size by -1/0/+1 byte and one encoded line, the
card in the uuencoded file at its start, middle or end: the file is found and
the attachment stripped at every size (one in a text part read in windows
was once never looked for).  A card split by a quoted-printable soft break
whose "=" falls a few bytes either side of the window reader's 64 KiB input
chunk, and either side of a window cut: masked, exact length.

Each message goes through --test.  A scanned part must be delivered with the
card masked and with exactly its original decoded length: every byte outside
the card's digits as it was.  No card number is printed."""
import base64
import io
import os
import quopri
import random
import re
import subprocess
import sys
import tempfile
import zipfile

TOP = os.environ.get("SM_TOP", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SM_BIN", os.path.join(TOP, "build", "support-milter"))
CONF = os.path.join(TOP, "conf", "support-milter.conf")

SAMPLE, WINDOW, MAXPART = 65536, 131072, 262144
CARD = "4111 1111 1111 1111"
LINE = "カード番号: " + CARD
ENCODED_LINE = {"base64": 57, "quoted-printable": 73, "x-uuencode": 45, "7bit": 80, "8bit": 80}
n = failed = 0


def ok(cond, name, diag=""):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, name))
    if not cond:
        failed += 1
        for line in str(diag).splitlines()[:8]:
            print("# " + line)


def content(size, where, ascii_only):
    """size bytes of log lines (CRLF: the decoded form of every encoding
    here), the card line at where (0, 1, 2)."""
    card = (("card number: " + CARD) if ascii_only else LINE).encode("utf-8") + b"\r\n"
    filler = (b"2024-11-18T10:00:00 Sense EventID=5 build 10.0.19045.5011 state=ok\r\n"
              if ascii_only else
              "2024-11-18 センサーは正常 state=ok build 10.0.19045\r\n".encode("utf-8"))
    body = bytearray()
    at = {0: 0, 1: size // 2, 2: size - len(card)}[where]
    while len(body) < at:
        body += filler
    body = body[:at]
    if at and body[-2:] != b"\r\n":
        body[-2:] = b"\r\n"
    body += card
    while len(body) < size:
        body += filler
    body = body[:size]
    if where == 2:
        body = body[:size - len(card)] + card
    return bytes(body)


def uuencode(data):
    out = [b"begin 644 log.txt"]
    for i in range(0, len(data), 45):
        chunk = data[i:i + 45]
        line = bytes([32 + len(chunk)])
        pad = chunk + b"\0" * (-len(chunk) % 3)
        for j in range(0, len(pad), 3):
            b0, b1, b2 = pad[j], pad[j + 1], pad[j + 2]
            for v in (b0 >> 2, ((b0 & 3) << 4) | (b1 >> 4), ((b1 & 15) << 2) | (b2 >> 6), b2 & 63):
                line += bytes([32 + v if v else 96])
        out.append(line)
    out += [b"`", b"end"]
    return b"\r\n".join(out) + b"\r\n"


def qp(data):
    """Quoted-printable, CRLF hard line breaks, soft breaks before 76."""
    out = []
    for line in data.split(b"\r\n"):
        cur = b""
        for c in line:
            t = bytes([c]) if 33 <= c <= 126 and c != 61 else b"=%02X" % c
            if len(cur) + len(t) > 73:
                out.append(cur + b"=")
                cur = b""
            cur += t
        out.append(cur)
    return b"\r\n".join(out)


def encode(enc, data):
    if enc == "base64":
        return base64.encodebytes(data).replace(b"\n", b"\r\n")
    if enc == "quoted-printable":
        return qp(data)
    if enc == "x-uuencode":
        return uuencode(data)
    return data


def message(enc, data):
    head = ("From: tester@example.co.jp\r\nTo: supportmail@microsoft.com\r\n"
            "Subject: RE: TrackingID#2411180040324704 log\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nログを添付します。\r\n--b1\r\n"
            "Content-Type: text/plain; charset=utf-8; name=\"log.txt\"\r\n"
            "Content-Disposition: attachment; filename=\"log.txt\"\r\n"
            "Content-Transfer-Encoding: %s\r\n\r\n" % enc).encode("utf-8")
    # the line end before the boundary belongs to the boundary (RFC 2046)
    return head + encode(enc, data) + b"\r\n--b1--\r\n"


def uudecode(b):
    out = bytearray()
    for line in b.split(b"\n"):
        line = line.rstrip(b"\r")
        if not line or line.startswith(b"begin ") or line in (b"`", b"end"):
            continue
        k = (line[0] - 32) & 63
        vals = [(c - 32) & 63 for c in line[1:]]
        vals += [0] * (-len(vals) % 4)
        chunk = bytearray()
        for j in range(0, len(vals), 4):
            a, b_, c, d = vals[j:j + 4]
            chunk += bytes([(a << 2 | b_ >> 4) & 255, (b_ << 4 | c >> 2) & 255, (c << 6 | d) & 255])
        out += chunk[:k]
    return bytes(out)


def delivered_part(path, enc):
    """The log.txt part's content as delivered, transfer-decoded; read from
    the raw bytes (line ends kept exactly)."""
    with open(path, "rb") as fh:
        raw = fh.read()
    for chunk in raw.split(b"\r\n--b1")[1:]:
        head, sep, body = chunk.partition(b"\r\n\r\n")
        if not sep or b'filename="log.txt"' not in head:
            continue
        if enc == "base64":
            return base64.b64decode(body)
        if enc == "quoted-printable":
            return quopri.decodestring(body)
        if enc == "x-uuencode":
            return uudecode(body)
        return body
    return None


def same_but_card(orig, got):
    """got is orig with the card's first 12 digits turned into '*'."""
    if len(orig) != len(got):
        return "decoded length %d, expected %d" % (len(got), len(orig))
    diff = [i for i in range(len(orig)) if orig[i] != got[i]]
    if any(orig[i:i + 1] not in b"0123456789" or got[i:i + 1] != b"*" for i in diff):
        return "bytes other than the card's digits changed"
    if len(diff) != 12:
        return "%d digits masked, expected 12" % len(diff)
    return None


def run(tmp, conf, name, enc, size, where, expect_scan):
    data = content(size, where, enc == "7bit")
    src, out = os.path.join(tmp, "in.eml"), os.path.join(tmp, "out.eml")
    with open(src, "wb") as fh:
        fh.write(message(enc, data))
    if os.path.exists(out):
        os.unlink(out)
    p = subprocess.run([BIN, "-c", conf, "--test", src, "--output", out, "--now", "2024-12-10"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    echoed = re.sub(r"\D", "", CARD) in re.sub(rb"\D", b"", p.stdout + p.stderr).decode()
    if not expect_scan:
        ok(p.returncode == 1 and b'"action":"reject"' in p.stdout.replace(b" ", b"") and
           b'552 5.3.4' in p.stdout and not echoed,
           "%s: over max_part_bytes: on_permanent_limit, not a partial scan" % name,
           p.stdout.decode("utf-8", "replace")[:300])
        return
    if p.returncode != 0 or not os.path.exists(out):
        ok(False, name, "exit %d: %s" % (p.returncode, p.stdout.decode("utf-8", "replace")[:300]))
        return
    got = delivered_part(out, enc)
    why = "attachment missing" if got is None else same_but_card(data, got)
    ok(why is None and not echoed, "%s: masked, every other byte kept" % name,
       why or "card echoed in the output")


def onboarding_zip(filler):
    """A zip whose second member, after filler bytes of stored random data,
    is the Defender onboarding script."""
    buf = io.BytesIO()
    rnd = random.Random(filler)
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("trace.bin"), bytes(rnd.randrange(256) for _ in range(filler)))
        z.writestr("WindowsDefenderATPOnboardingScript.cmd",
                   b"@echo off\r\nreg add \"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows "
                   b"Advanced Threat Protection\" /v OnboardingInfo /t REG_SZ /f\r\n")
    return buf.getvalue()


def run_zip(tmp, conf, filler):
    data = onboarding_zip(filler)
    head = ("From: tester@example.co.jp\r\nTo: supportmail@microsoft.com\r\n"
            "Subject: RE: TrackingID#2411180040324704 logs\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
            "Content-Type: text/plain\r\n\r\nlogs attached\r\n--b1\r\n"
            "Content-Type: application/zip; name=\"logs.zip\"\r\n"
            "Content-Disposition: attachment; filename=\"logs.zip\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n").encode()
    src = os.path.join(tmp, "zip.eml")
    with open(src, "wb") as fh:
        fh.write(head + encode("base64", data) + b"\r\n--b1--\r\n")
    p = subprocess.run([BIN, "-c", conf, "--test", src, "--now", "2024-12-10"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    ok(p.returncode == 1 and b'"action":"reject"' in p.stdout.replace(b" ", b""),
       "zip of %d bytes, the onboarding script after %d bytes: rejected" % (len(data), filler),
       p.stdout.decode("utf-8", "replace")[:300])


def uu_in_text(enc, size, where):
    """A text attachment of about size decoded bytes whose end is a log
    uuencoded into it, the card in the log at where."""
    log = content(3000, where, True)
    uu = uuencode(log)
    line = b"2024-11-18T10:00:00 Sense EventID=5 build 10.0.19045.5011 state=ok\r\n"
    text = (line * (max(size - len(uu), 0) // len(line) + 1))[:max(size - len(uu), 0)]
    return text[:text.rindex(b"\r\n") + 2] + uu if b"\r\n" in text else uu


def run_uu_in_text(tmp, conf, enc, size, where, label):
    data = uu_in_text(enc, size, where)
    src = os.path.join(tmp, "uu.eml")
    with open(src, "wb") as fh:
        fh.write(message(enc, data))
    p = subprocess.run([BIN, "-c", conf, "--test", src, "--now", "2024-12-10"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    echoed = re.sub(r"\D", "", CARD) in re.sub(r"\D", "", out)
    ok(p.returncode == 0 and '"action":"modify"' in out.replace(" ", "") and
       '"action":"strip"' in out.replace(" ", "") and '"location":"2/' in out and not echoed,
       "%s text %s, a uuencoded log inside, card pos %d: found, stripped" % (enc, label, where),
       out[:300])


def qp_split_card(size, at):
    """QP-encoded text of about size bytes in which a card line's soft break
    ("4111 11=" CRLF "11 ...") puts its "=" at encoded offset at."""
    filler = b"2024-11-18T10:00:00 Sense EventID=5 build 10.0.19045.5011 state=ok\r\n"
    head = b"card number: 4111 11"
    enc = bytearray()
    while len(enc) + len(filler) < at - len(head):
        enc += filler
    enc += b"x" * (at - len(head) - len(enc) - 2) + b"\r\n" if at - len(head) - len(enc) >= 2 \
        else b""
    enc += head + b"=\r\n" + b"11 1111 1111\r\n"
    while len(enc) < size:
        enc += filler
    return bytes(enc)


def run_qp_split(tmp, conf, size, at, label):
    encoded = qp_split_card(size, at)
    data = quopri.decodestring(encoded)
    head = message("quoted-printable", b"")[:-len(b"\r\n--b1--\r\n")]
    src, out = os.path.join(tmp, "qp.eml"), os.path.join(tmp, "qp.out.eml")
    with open(src, "wb") as fh:
        fh.write(head + encoded + b"\r\n--b1--\r\n")
    if os.path.exists(out):
        os.unlink(out)
    p = subprocess.run([BIN, "-c", conf, "--test", src, "--output", out, "--now", "2024-12-10"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    got = delivered_part(out, "quoted-printable") if os.path.exists(out) else None
    why = "not delivered" if got is None else same_but_card(data, got)
    ok(why is None, "quoted-printable card split by a soft break, %s: masked, exact length"
       % label, why or "")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "boundary.conf")
        with open(CONF, encoding="utf-8") as fh:
            text = fh.read()
        text = re.sub(r"(?m)^(\s*scan_window_bytes\s*=\s*)\d+;", r"\g<1>%d;" % WINDOW, text)
        text = re.sub(r"(?m)^(\s*max_part_bytes\s*=\s*)\d+;", r"\g<1>%d;" % MAXPART, text)
        with open(conf, "w", encoding="utf-8") as fh:
            fh.write(text)
        for enc in ("7bit", "8bit", "base64", "quoted-printable", "x-uuencode"):
            line = ENCODED_LINE[enc]
            for edge, label in ((SAMPLE, "sample"), (WINDOW, "window")):
                for d in (-line - 1, -1, 0, 1, line + 1):
                    for where in (0, 1, 2):
                        run(tmp, conf, "%s %s%+d pos %d" % (enc, label, d, where), enc, edge + d,
                            where, True)
            for where in (0, 2):
                run(tmp, conf, "%s max_part_bytes pos %d" % (enc, where), enc, MAXPART, where, True)
                run(tmp, conf, "%s max_part_bytes+1 pos %d" % (enc, where), enc, MAXPART + 1,
                    where, False)
        for filler in (40000, 70000, 80000, 95000, 120000):
            run_zip(tmp, conf, filler)
        for enc in ("7bit", "base64"):
            for edge, label in ((SAMPLE, "sample"), (WINDOW, "window")):
                for d in (-63, -1, 0, 1, 63):
                    for where in (0, 1, 2):
                        run_uu_in_text(tmp, conf, enc, edge + d, where, "%s%+d" % (label, d))
        # the window reader decodes 64 KiB of encoded input at a time; a part
        # over WINDOW is read in windows cut after a line end
        for at in (65536 - 3, 65536 - 2, 65536 - 1, 65536, 65536 + 1):
            run_qp_split(tmp, conf, WINDOW + 5000, at, "'=' at %d (64 KiB chunk)" % at)
        for at in (WINDOW - 40, WINDOW - 3, WINDOW - 1, WINDOW, WINDOW + 2, WINDOW + 40):
            run_qp_split(tmp, conf, WINDOW + 70000, at, "'=' at %d (window)" % at)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
