#!/usr/bin/env python3
"""Large parts read window by window (limits.scan_window_bytes, TAP).

Generated messages of 0.3-1.5 MB (8bit UTF-8 and Shift_JIS, base64 with CRLF
and LF and odd line lengths, quoted-printable, HTML, a single 1 MB line, an
attachment, a label that lies, ISO-2022-JP in 7bit and base64 with full-width
digits, a Japanese UTF-8 text without line ends) with card numbers and
passwords planted next to the window cuts.  Each goes through --test with
64 KiB and 4 KiB windows (SM_WINDOWS) and with windows larger than the
message: the verdict, the JSON (findings compared as a set) and the delivered
bytes must be the same, and no planted value may survive in the delivered
message in any form; the 4 KiB run also under ASan+UBSan when build/san has
a binary.  The test prints no planted value."""
import base64
import json
import email
import email.policy
import os
import quopri
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

TOP = os.environ.get("SM_TOP", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SM_BIN", os.path.join(TOP, "build", "support-milter"))
CONF = os.path.join(TOP, "conf", "support-milter.conf")
SAN = os.path.join(TOP, "build", "san", "support-milter")


def san_current():
    """The sanitizer build exists and is not older than the normal one
    (`make check` rebuilds both; check-fast only the normal one)."""
    try:
        return os.access(SAN, os.X_OK) and os.path.getmtime(SAN) >= os.path.getmtime(BIN)
    except OSError:
        return False
WIN = 65536
n = 0
failed = 0

CARDS = ["4111111111111111", "5555555555554444", "3530111333300000", "4012888888881881",
         "378282246310005", "6011111111111117"]
PASSWORDS = ["Xk9#mP2qLw", "Tr0ub4dor&3z", "Hq7!vN3sRa"]
HEAD = ("From: tester@example.co.jp\r\nTo: supportmail@microsoft.com\r\n"
        "Subject: RE: TrackingID#2411180040324704 large log\r\n"
        "Date: Mon, 18 Nov 2024 10:00:00 +0900\r\nMessage-ID: <win-%s@example.co.jp>\r\n"
        "MIME-Version: 1.0\r\n")


def ok(cond, name, diag=""):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, name))
    if not cond:
        failed += 1
        for line in str(diag).splitlines()[:10]:
            print("# " + line)


def card_text(r, card, fullwidth=False):
    s = " ".join(card[i:i + 4] for i in range(0, len(card), 4))
    if fullwidth:
        s = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else "\u3000" for c in s)
    return "カード番号: " + s if r.random() < 0.5 else "card " + s


def log_text(r, size, fullwidth=False, ja=True, nl="\r\n"):
    """Log and prose lines; values planted near every multiple of WIN."""
    out, total, k = [], 0, 0
    while total < size:
        near = (total // WIN + 1) * WIN - total
        if near < 200 and r.random() < 0.7:
            k += 1
            if k % 3 == 0:
                line = "パスワード: %s" % PASSWORDS[k % len(PASSWORDS)]
            else:
                line = card_text(r, CARDS[k % len(CARDS)], fullwidth)
        elif ja and r.random() < 0.3:
            line = "%04d 画面の更新後もセンサーがオフラインのままです。再起動しても改善しません。" % r.randrange(10000)
        else:
            line = "2024-11-18T10:%02d:%02d Sense EventID=%d Computer=PC-%04d build 10.0.19045.%d" % (
                r.randrange(60), r.randrange(60), r.choice([4, 5, 7, 13]), r.randrange(10000),
                r.randrange(6000))
        out.append(line + nl)
        total += len((line + nl).encode("utf-8"))
    return "".join(out)


def b64_lines(data, width, nl):
    enc = base64.b64encode(data).decode()
    return nl.join(enc[i:i + width] for i in range(0, len(enc), width)) + nl


def single(name, ctype, cte, body_bytes):
    head = HEAD % name + "Content-Type: %s\r\nContent-Transfer-Encoding: %s\r\n\r\n" % (ctype, cte)
    return head.encode() + body_bytes


def messages():
    r = random.Random(7)
    m = {}
    t = log_text(r, 700000)
    m["utf8-8bit"] = single("a", "text/plain; charset=utf-8", "8bit", t.encode())
    t = log_text(r, 600000, fullwidth=True)
    m["sjis-8bit"] = single("b", "text/plain; charset=shift_jis", "8bit", t.encode("cp932"))
    t = log_text(r, 500000)
    m["b64-crlf"] = single("c", "text/plain; charset=utf-8", "base64",
                           b64_lines(t.encode(), 76, "\r\n").encode())
    t = log_text(r, 400000, nl="\n")
    m["b64-lf-60"] = single("d", "text/plain; charset=utf-8", "base64",
                            b64_lines(t.encode(), 60, "\n").encode().rstrip(b"\n"))
    t = log_text(r, 450000)
    qp = quopri.encodestring(t.encode(), header=False).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    m["qp-crlf"] = single("e", "text/plain; charset=utf-8", "quoted-printable", qp)
    rows = []
    for i in range(9000):
        if i % 700 == 350:
            rows.append("<tr><td title=\"%s\">x</td><td>%s</td></tr>\r\n" % (
                card_text(r, CARDS[i % len(CARDS)]), card_text(r, CARDS[(i + 1) % len(CARDS)])))
        else:
            rows.append("<tr><td>%d</td><td>センサー状態 &amp; ログ %d</td></tr>\r\n" % (i, r.randrange(99999)))
    html = "<html><body><p>ログを送ります。</p><table>\r\n%s</table></body></html>\r\n" % "".join(rows)
    m["html-8bit"] = single("f", "text/html; charset=utf-8", "8bit", html.encode())
    line = "".join("field%d=%d; " % (i, r.randrange(10 ** 6)) + (
        ("card %s; " % CARDS[i % len(CARDS)]) if i % 5000 == 2500 else "") for i in range(60000))
    m["one-line"] = single("g", "text/plain; charset=us-ascii", "7bit", (line + "\r\n").encode())
    csv = log_text(r, 500000, ja=True).replace(" Sense ", ",Sense,").replace(" build ", ",build,")
    att = b64_lines(csv.encode("cp932", "replace"), 76, "\r\n")
    mixed = (HEAD % "h" + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
             "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nログを添付します。\r\n"
             "--b1\r\nContent-Type: text/csv; charset=shift_jis; name=\"log.csv\"\r\n"
             "Content-Disposition: attachment; filename=\"log.csv\"\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\n" + att + "--b1--\r\n")
    m["attachment"] = mixed.encode()
    lie = log_text(r, 300000, ja=False).encode() + log_text(r, 300000, fullwidth=True).encode("cp932")
    m["label-lies"] = single("i", "text/plain; charset=utf-8", "8bit", lie)
    t = log_text(r, 400000)
    m["iso2022jp"] = single("j", "text/plain; charset=iso-2022-jp", "7bit",
                            t.encode("iso2022_jp", "replace"))
    t = log_text(r, 400000, fullwidth=True)
    m["iso2022jp-fullwidth-b64"] = single("k", "text/plain; charset=iso-2022-jp", "base64",
                                          b64_lines(t.encode("iso2022_jp", "replace"), 76,
                                                    "\r\n").encode())
    t = log_text(r, 500000, fullwidth=True, nl=" | ")
    m["utf8-one-line-ja"] = single("l", "text/plain; charset=utf-8", "8bit",
                                   t.encode() + b"\r\n")
    return m


def decoded_texts(raw):
    """Every part's text, decoded, NFKC-folded, separators removed."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in msg.walk():
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True) or b""
        cs = (part.get_content_charset() or "utf-8").lower()
        texts = []
        for c in (cs, "cp932", "utf-8"):
            try:
                texts.append(data.decode({"shift_jis": "cp932"}.get(c, c), "replace"))
            except LookupError:
                pass
        for t in texts:
            t = unicodedata.normalize("NFKC", t)
            yield re.sub(r"[\s\-]", "", t), t


def leaks(raw):
    found = set()
    for flat, text in decoded_texts(raw):
        for c in CARDS:
            if c in flat:
                found.add("card ending %s" % c[-4:])
        for p in PASSWORDS:
            if p in text:
                found.add("a planted password")
    return sorted(found)


def norm_json(js):
    try:
        obj = json.loads(js)
    except ValueError:
        return js
    obj.get("findings", []).sort(key=lambda f: json.dumps(f, sort_keys=True))
    obj["headers_added"] = sorted(
        ", ".join(sorted(h.split(": ", 1)[1].split(", ")))
        if h.startswith("X-Support-Findings: ") else h for h in obj.get("headers_added", []))
    return json.dumps(obj, sort_keys=True).encode()


def norm_out(raw):
    """The X-Support-Findings field with its items sorted."""
    if raw is None:
        return None
    def fix(m):
        return b"X-Support-Findings: " + b", ".join(sorted(m.group(1).split(b", "))) + m.group(2)
    return re.sub(rb"X-Support-Findings: ([^\r\n]*)(\r?\n)", fix, raw, count=1)


def count(js):
    """Values found, from the --test JSON."""
    return sum(int(c) for c in re.findall(rb'"count": ?(\d+)', js))


def run(conf, path, out):
    if os.path.exists(out):
        os.unlink(out)
    p = subprocess.run([BIN, "-c", conf, "--test", path, "--output", out, "--now", "2024-12-03"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    data = open(out, "rb").read() if os.path.exists(out) else None
    return p.returncode, p.stdout, data


def san_run(conf, path, out):
    """The sanitizer build, when there is one: exit 0/1, no report."""
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "halt_on_error=1:detect_leaks=1:exitcode=86"
    env["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1:exitcode=86:suppressions=%s" % (
        os.path.join(TOP, "tests", "fuzz", "ubsan.supp"))
    env["LSAN_OPTIONS"] = "suppressions=%s:print_suppressions=0" % (
        os.path.join(TOP, "tests", "fuzz", "lsan.supp"))
    env["G_SLICE"] = "always-malloc"
    p = subprocess.run([SAN, "-c", conf, "--test", path, "--output", out, "--now", "2024-12-03"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600, env=env)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def compare(name, raw, size, conf, path, tmp, rw, jw, ow):
    """Windows of `size` bytes against whole-part reading (rw, jw, ow)."""
    label = "%s, %d-byte windows" % (name, size)
    rs, js, os_ = run(conf, path, os.path.join(tmp, "%s.%d.out" % (name, size)))
    if san_current() and size == 4096:
        rc, err = san_run(conf, path, os.path.join(tmp, name + ".san.out"))
        ok(rc in (0, 1), "%s: under ASan+UBSan" % label, err[-1500:])
    if name == "label-lies":
        # One charset per window, chosen from its own bytes, against one
        # for the whole part (read again in the other Japanese charsets):
        # the same values are found, but masks are written in the charset
        # each reading chose, so the bytes may differ.
        ok(rs == rw == 0 and count(js) == count(jw) > 0,
           "%s: windows find what the whole part finds" % label,
           "%d vs %d" % (count(js), count(jw)))
        lk = leaks(os_ or b"") + leaks(ow or b"")
        ok(os_ is not None and ow is not None and not lk,
           "%s: nothing planted survives, in windows or whole" % label, ", ".join(lk))
        return
    # Findings are listed in the order they are first met, detector by
    # detector within a window: windows may meet them in another order
    # (a window with a password before the first card).  Compared sorted.
    js, os_ = norm_json(js), norm_out(os_)
    ok(rs == rw and js == jw, "%s (%d KB): same verdict and JSON as whole" % (
        label, len(raw) // 1024), "windows rc=%d, whole rc=%d\n%s\n%s" % (
        rs, rw, js.decode()[:400], jw.decode()[:400]))
    ok(os_ == ow, "%s: the same delivered bytes" % label,
       "windows %s bytes, whole %s bytes" % (len(os_ or b""), len(ow or b"")))
    if os_ is not None:
        lk = leaks(os_)
        ok(not lk, "%s: nothing planted survives" % label, ", ".join(lk))
        ok(b'"credit_card"' in js, "%s: cards found" % label, js.decode()[:300])
    else:
        ok(rs != 0, "%s: not delivered, so refused" % label)


def main():
    tmp = tempfile.mkdtemp(prefix="sm-window-")
    base = open(CONF).read()
    confs = {}
    sizes = [int(x) for x in os.environ.get("SM_WINDOWS", "%d,4096" % WIN).split(",")]
    for size in sizes + [1 << 30]:
        path = os.path.join(tmp, "w%d.conf" % size)
        with open(path, "w") as f:
            f.write(re.sub(r"scan_window_bytes = \d+;", "scan_window_bytes = %d;" % size, base))
        confs[size] = path
    for name, raw in messages().items():
        path = os.path.join(tmp, name + ".eml")
        with open(path, "wb") as f:
            f.write(raw)
        rw, jw, ow = run(confs[1 << 30], path, os.path.join(tmp, name + ".whole.out"))
        jw, ow = norm_json(jw), norm_out(ow)
        for size in sizes:
            compare(name, raw, size, confs[size], path, tmp, rw, jw, ow)
    shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % n)
    print("# %d passed, %d failed" % (n - failed, failed))
    sys.exit(1 if failed else 0)


main()
