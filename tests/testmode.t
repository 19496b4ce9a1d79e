#!/usr/bin/env python3
"""The offline --test contract (TAP): exit codes, one JSON object on stdout,
OUT.eml as delivered, byte-for-byte round trip of unchanged messages,
recipient scoping, -n, and usage errors.  Runs over the shared corpus, the
charset vectors and tests/corpus."""
import glob
import json
import os
import subprocess
import sys
import tempfile

TOP = os.environ.get("SM_TOP", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SM_BIN", os.path.join(TOP, "build", "support-milter"))
CONF = os.path.join(TOP, "conf", "support-milter.conf")
ACTIONS_OK = {"accept", "modify"}
ACTIONS_NO = {"reject", "quarantine", "discard", "tempfail"}
n = 0
failed = 0


def ok(cond, name, diag=""):
    global n, failed
    n += 1
    if cond:
        print("ok %d - %s" % (n, name))
    else:
        failed += 1
        print("not ok %d - %s" % (n, name))
        for line in str(diag).splitlines()[:20]:
            print("# " + line)


def run(args, timeout=60):
    p = subprocess.run([BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, cwd=TOP)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def split(raw):
    for sep in (b"\r\n\r\n", b"\n\n"):
        i = raw.find(sep)
        if i >= 0:
            return raw[:i + len(sep) // 2], raw[i + len(sep):]
    return raw, b""


def check_message(path, tmp):
    out = os.path.join(tmp, "out.eml")
    if os.path.exists(out):
        os.unlink(out)
    rc, so, se = run(["-c", CONF, "--test", path, "--output", out, "--now", "2024-12-10"])
    name = os.path.relpath(path, TOP)
    try:
        obj = json.loads(so)
    except ValueError:
        obj = None
    ok(rc in (0, 1) and isinstance(obj, dict), "%s: exit 0/1 and one JSON object" % name,
       "rc=%s stdout=%r stderr=%r" % (rc, so[:300], se[:300]))
    if not isinstance(obj, dict):
        return
    act = obj.get("action")
    ok((rc == 0 and act in ACTIONS_OK) or (rc == 1 and act in ACTIONS_NO),
       "%s: action %s agrees with exit %d" % (name, act, rc))
    if rc == 1:
        ok("smtp_reply" in obj or act in ("quarantine", "discard"),
           "%s: not delivered carries an smtp_reply" % name, so)
        if "smtp_reply" in obj:
            r = obj["smtp_reply"]
            ok(all(0x20 <= ord(c) < 0x7f for c in r) and r[:1] in "45",
               "%s: reply is printable ASCII with a 4xx/5xx code" % name, r)
        return
    ok(os.path.exists(out), "%s: OUT.eml written" % name)
    with open(path, "rb") as f:
        inb = f.read()
    with open(out, "rb") as f:
        outb = f.read()
    ih, ib = split(inb)
    oh, ob = split(outb)
    if not obj.get("body_changed"):
        ok(ib == ob, "%s: unchanged body is byte-identical" % name,
           "in %d bytes, out %d bytes" % (len(ib), len(ob)))
        if not obj.get("subject_changed"):
            ok(oh.startswith(ih.rstrip(b"\r\n")),
               "%s: header block kept, headers only added" % name)
    added = [h for h in obj.get("headers_added", [])]
    for h in added:
        ok(h.split(":")[0].encode() in oh, "%s: added header %s present" % (name, h.split(":")[0]))


def main():
    files = sorted(glob.glob(os.path.join(TOP, "..", "shared", "corpus", "public", "*.eml")) +
                   glob.glob(os.path.join(TOP, "..", "shared", "corpus", "vectors", "*.eml")) +
                   glob.glob(os.path.join(TOP, "tests", "corpus", "*.eml")))
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            check_message(f, tmp)
        # recipient scoping: an unrelated recipient is accepted untouched
        src = os.path.join(TOP, "..", "shared", "corpus", "public", "p10_onb_cmd_attach.eml")
        out = os.path.join(tmp, "o2.eml")
        rc, so, se = run(["-c", CONF, "--test", src, "--output", out, "--rcpt", "x@example.com"])
        obj = json.loads(so) if so.strip() else {}
        ok(rc == 0 and obj.get("action") == "accept" and obj.get("support") is False and
           not obj.get("findings"), "--rcpt unrelated: accepted, not scanned", so)
        if os.path.exists(out):
            with open(src, "rb") as a, open(out, "rb") as b:
                ok(a.read() == b.read(), "--rcpt unrelated: output identical to input")
        rc, so, se = run(["-c", CONF, "--test", src, "--rcpt", "x@example.com",
                          "--rcpt", "SupportMail@microsoft.com"])
        obj = json.loads(so) if so.strip() else {}
        ok(obj.get("support") is True, "--rcpt mixed list: the policy applies", so)
        # usage and configuration errors: exit 2
        rc, so, se = run(["-c", CONF, "--test", os.path.join(tmp, "missing.eml")])
        ok(rc == 2 and "missing.eml" in se, "missing input: exit 2 with the path", se)
        rc, so, se = run(["-c", CONF, "--test", src, "--now", "yesterday"])
        ok(rc == 2, "bad --now: exit 2", se)
        bad = os.path.join(tmp, "bad.conf")
        with open(bad, "w") as f:
            f.write('recipients = ["a@b.example"];\n\nlimits: {\n  max_partz = 3;\n};\n')
        rc, so, se = run(["-n", "-c", bad])
        ok(rc == 2 and "bad.conf:4: unknown key 'max_partz'" in se, "-n: typo refused with line", se)
        rc, so, se = run(["-c", bad, "--test", src])
        ok(rc == 2 and "max_partz" in se, "--test with a bad config: exit 2", se)
        rc, so, se = run(["-n", "-c", CONF])
        ok(rc == 0, "-n: shipped configuration OK", se)
        rc, so, se = run(["-V"])
        ok(rc == 0 and so.startswith("support-milter "), "-V prints the version", so)
        rc, so, se = run(["--bogus-option"])
        ok(rc == 2, "unknown option: exit 2")
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
