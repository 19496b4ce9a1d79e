#!/usr/bin/env python3
"""realworld.t - real-world malformed mail through `support-milter --test` (TAP).

Every case of tests/realworld/gen.py (whitespace before the header block,
no empty line after it, broken boundaries, stripped trailing spaces, mixed
line ends, bare CR, over-long lines, truncated encodings, parts ending
mid-line) must get:
- a definite verdict among those the case allows, never a tempfail: the
  message's shape is not the milter's transient trouble;
- when delivered with nothing masked: the original bytes exactly, apart
  from the added header lines where the header block ends (and the line end
  a last header field without one needs before them);
- when something is masked: the bytes outside the carrying part unchanged,
  the part decoding to exactly its original length with only the card's
  digits masked;
- no card number anywhere in what is delivered (raw, and every part decoded).
Then SM_REALWORLD_MUTANTS (150) mutants of the cases (lines deleted,
repeated, cut, inserted: delimiters, empty lines, NUL, bare CR): each a
verdict, none a tempfail or "could not be parsed".  (What even the lenient
reading cannot read gets policy.on_unparseable, 550 by default:
tests/test_scan.c.)  No card number is printed.
"""
import base64
import binascii
import email
import email.policy
import json
import os
import quopri
import re
import subprocess
import sys
import tempfile

TOP = os.environ.get("SM_TOP", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SM_BIN", os.path.join(TOP, "build", "support-milter"))
CONF = os.path.join(TOP, "conf", "support-milter.conf")
sys.path.insert(0, os.path.join(TOP, "tests", "realworld"))
import gen  # noqa: E402

n = failed = 0


def ok(cond, name, diag=""):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, name))
    if not cond:
        failed += 1
        for line in str(diag).splitlines()[:8]:
            print("# " + line)
    return cond


def run(conf, data, tmp):
    src, out = os.path.join(tmp, "in.eml"), os.path.join(tmp, "out.eml")
    with open(src, "wb") as f:
        f.write(data)
    if os.path.exists(out):
        os.unlink(out)
    p = subprocess.run([BIN, "-c", conf, "--test", src, "--output", out, "--now", "2024-12-01"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    try:
        js = json.loads(p.stdout.decode("utf-8", "replace").strip().splitlines()[-1])
    except (ValueError, IndexError):
        js = None
    got = None
    if os.path.exists(out):
        with open(out, "rb") as f:
            got = f.read()
    return p.returncode, js, got, p.stderr


def uudecode(b):
    """Lenient: short lines padded to their length byte; non-uu lines skipped."""
    out = bytearray()
    for line in b.split(b"\n"):
        line = line.rstrip(b"\r")
        if line.startswith(b"begin ") or not line or not 0x20 <= line[0] <= 0x60:
            if line.rstrip() == b"end":
                break
            continue
        k = (line[0] - 0x20) & 0x3f
        if k == 0:
            break
        vals = [(c - 0x20) & 0x3f for c in line[1:]]
        vals += [0] * (((k + 2) // 3) * 4 - len(vals))
        chunk = bytearray()
        for i in range(0, ((k + 2) // 3) * 4, 4):
            a, b_, c, d = vals[i:i + 4]
            chunk += bytes([(a << 2 | b_ >> 4) & 255, (b_ << 4 | c >> 2) & 255, (c << 6 | d) & 255])
        out += chunk[:k]
    return bytes(out)


def decode(enc, b):
    if enc == "base64":
        s = re.sub(rb"[^A-Za-z0-9+/]", b"", b)
        return base64.b64decode(s[:len(s) // 4 * 4])
    if enc == "quoted-printable":
        return quopri.decodestring(b)
    if enc == "x-uuencode":
        return uudecode(b)
    return b


DIGITS = re.sub(r"\D", "", gen.CARD).encode()


def leaks(out):
    """Is the card anywhere in out: raw (spaces, soft breaks and line ends
    dropped), or in any part decoded, or in a uuencoded block?"""
    texts = [out, quopri.decodestring(out)]
    msg = email.message_from_bytes(out, policy=email.policy.compat32)
    for part in msg.walk():
        if not part.is_multipart():
            p = part.get_payload(decode=True)
            texts.append(p if isinstance(p, bytes) else b"")
    for m in re.finditer(rb"(?m)^begin [0-7]{3,4} .*$", out):
        texts.append(uudecode(out[m.start():]))
    for m in re.finditer(rb"(?:[A-Za-z0-9+/]{20,}={0,2}\r?\n)+", out):
        try:
            texts.append(decode("base64", m.group(0)))
        except (ValueError, binascii.Error):
            pass
    return any(DIGITS in re.sub(rb"[\s=]", b"", t) for t in texts)


def without_added(c, js, got):
    """got less the added header lines (contiguous, where the header block
    ends); None if they are not there as one block."""
    first = re.search(rb"^[!-9;-~]+:.*$", c.data, re.M)  # the first header field
    crlf = first is None or first.group(0).endswith(b"\r")
    eol = b"\r\n" if crlf else b"\n"
    block = b"".join(h.encode("utf-8") + eol for h in js.get("headers_added", []))
    i = got.find(block)
    if i < 0:
        return None
    rest = got[:i] + got[i + len(block):]
    # a last header field without a line end gets one before the added lines
    if rest == c.data + eol and not c.data.endswith(b"\n"):
        return c.data
    return rest


def masked_only(orig, got, cards):
    if len(orig) != len(got):
        return "decoded length %d, expected %d" % (len(got), len(orig))
    diff = [i for i in range(len(orig)) if orig[i] != got[i]]
    if any(orig[i:i + 1] not in b"0123456789" or got[i:i + 1] != b"*" for i in diff):
        return "bytes other than the card's digits changed"
    if len(diff) != 12 * cards:
        return "%d digits masked, expected %d" % (len(diff), 12 * cards)
    return None


def check(c, tmp):
    rc, js, got, err = run(CONF, c.data, tmp)
    if not ok(js is not None and rc in (0, 1), "%s: a verdict (exit %d)" % (c.name, rc),
              err.decode("utf-8", "replace")[-400:]):
        return
    act = js.get("action")
    ok(act != "tempfail" and act in c.actions,
       "%s: %s (allowed: %s)" % (c.name, act, "/".join(c.actions)),
       js.get("smtp_reply", "") + " " + " ".join(js.get("notes", [])))
    if act not in ("accept", "modify"):
        return
    if not ok(got is not None, c.name + ": delivered message written"):
        return
    ok(not leaks(got), c.name + ": no card number in what is delivered")
    rest = without_added(c, js, got)
    if not ok(rest is not None, c.name + ": added header lines form one block"):
        return
    if c.same:
        ok(rest == c.data, c.name + ": byte for byte apart from the added header lines",
           "length %d, expected %d" % (len(rest), len(c.data)))
    if c.cards and c.span:
        a, z = c.span
        suffix = c.data[z:]
        whole = rest.startswith(c.data[:a]) and rest.endswith(suffix) and \
            len(rest) >= a + len(suffix)
        if ok(whole, c.name + ": every byte outside the carrying part kept"):
            why = masked_only(decode(c.enc, c.data[a:z]),
                              decode(c.enc, rest[a:len(rest) - len(suffix)]), c.cards)
            ok(why is None, c.name + ": the part decodes to its exact length, card masked",
               why)


MUTANTS = int(os.environ.get("SM_REALWORLD_MUTANTS", "150"))


def mutants(tmp):
    """Mutants of the cases: a verdict, never a tempfail or a parse failure."""
    bad = []
    for k, data in enumerate(gen.mutants(MUTANTS)):
        rc, js, _, _ = run(CONF, data, tmp)
        notes = " ".join((js or {}).get("notes", []))
        if js is None or rc not in (0, 1) or js.get("action") == "tempfail" or \
                "could not be parsed" in notes or "could not be located" in notes:
            bad.append("mutant %d: exit %d, %s" % (k, rc, (js or {}).get("action")))
            with open(os.path.join(tmp, "mutant-%d.eml" % k), "wb") as f:
                f.write(data)
    ok(not bad, "%d mutants of the cases: each a verdict, no tempfail, no parse failure"
       % MUTANTS, "\n".join(bad[:8]))


def main():
    cases = gen.cases()
    with tempfile.TemporaryDirectory(prefix="sm-realworld-") as tmp:
        for c in cases:
            check(c, tmp)
        mutants(tmp)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
