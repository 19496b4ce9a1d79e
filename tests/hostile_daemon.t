#!/usr/bin/env python3
"""hostile_daemon.t - the hostile corpus (tests/hostile/gen.py) through the
daemon behind a real Postfix (postfix.py: smtpd_milters = the daemon,
milter_default_action = tempfail, relaying to smtp-sink).

Each message must get from the daemon exactly what `support-milter --test`
gives it with the same configuration: the same SMTP code for a hold, the
same body for a delivery (trace headers aside).  Nothing is lost: delivered
+ held = sent, Postfix's queue ends empty.  The daemon must still be alive
afterwards, its peak RSS (VmHWM) is printed, no spool file is left behind.

A header line longer than Postfix keeps (header_size_limit, 100 KB) is not
sent: Postfix would cut it before the milter sees it, so --test and the
daemon would judge different messages; hostile.t covers it in --test.
(miltertest cannot carry these: mt.bodystring stops at a NUL byte, and
Debian 12's miltertest aborts with a stack smash on some replaced bodies.)
"""
import fcntl
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
import smtest  # noqa: E402
import postfix  # noqa: E402

t = smtest.Tap()
postfix.skip_unless_usable()
GEN = os.path.join(smtest.TOP, "tests", "hostile", "gen.py")
OUT = os.path.join(smtest.BUILD, "hostile")
MAX_HEADER = 100000    # Postfix's header_size_limit is 102400


def generate():
    # hostile.t generates the same set: prove -j runs both at once on a
    # fresh tree, so one waits for the other's whole set (the lock)
    os.makedirs(smtest.BUILD, exist_ok=True)
    with open(OUT + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = os.path.join(OUT, ".stamp")
        if os.path.exists(stamp) and os.path.getmtime(stamp) >= os.path.getmtime(GEN):
            return True
        r = subprocess.run([sys.executable, GEN, OUT], capture_output=True, text=True)
        if r.returncode == 0:
            open(stamp, "w").close()
        return r.returncode == 0


def longest_header(path):
    with open(path, "rb") as f:
        head = smtest.split_message(f.read())[0]
    longest, cur = 0, 0
    for line in head.split(b"\n"):
        cur = cur + len(line) if line[:1] in (b" ", b"\t") else len(line)
        longest = max(longest, cur)
    return longest


CARD_RE = re.compile(rb"4111[ -]?1111[ -]?1111[ -]?1111")


def sink_raw(pf, sender):
    """The raw files the sink holds from envelope sender."""
    out = []
    for path in pf.sink_files():
        with open(path, "rb") as f:
            raw = f.read()
        if ("<%s>" % sender).encode() in raw.split(b"\n\n", 1)[0]:
            out.append(raw)
    return out


def vm(pid, key):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return -1


tmp = smtest.make_tmpdir("sm-hostile-")
conf = smtest.write_conf(tmp, max_bytes=67108864, threshold=1048576)
d = smtest.Daemon(tmp, conf)
pf = postfix.Postfix(tmp, d.sock)
try:
    if not t.ok(generate(), "hostile corpus generated into build/hostile"):
        t.bail("gen.py failed")
    if not t.ok(d.start(), "daemon starts"):
        t.bail("daemon did not start:\n" + d.logtext())
    pf.setup()
    with open(os.path.join(pf.etc, "main.cf"), "a") as f:
        # the 30 MB text goes through; Postfix's SMTP client must not fold the
        # long lines of invalid-qp and rfc2231-names after the milter
        f.write("message_size_limit = 67108864\nsmtp_line_length_limit = 0\n")
    t.ok(pf.start_sink(), "smtp-sink listens")
    if not t.ok(pf.start(), "postfix listens"):
        t.bail("postfix did not start:\n" + pf.log())
    files = sorted(os.path.join(OUT, f) for f in os.listdir(OUT) if f.endswith(".eml"))
    sent, delivered = [], 0
    for n, eml in enumerate(files):
        name = os.path.basename(eml)[:-4]
        if longest_header(eml) > MAX_HEADER:
            t.skip(name, "a header line over Postfix's header_size_limit")
            continue
        e = smtest.Expect(conf, eml, tmp, name)
        sender = "h%d@test.invalid" % n
        with open(eml, "rb") as f:
            code, _ = pf.send(sender, ["supportmail@microsoft.com"], f.read())
        if e.delivered:
            delivered += 1
            want = postfix.expected_body(e)     # smtp-sink may still be writing: wait for all of it
            ok = code == 250 and smtest.wait_for(lambda: pf.sink_body(sender) == want, 120)
            if ok:
                # the header block too: a masked From or Thread-Topic is a
                # header change the MTA applies (the body check cannot see it)
                t.ok(not any(CARD_RE.search(raw) for raw in sink_raw(pf, sender)),
                     "%s: no test card in the delivered headers or body" % name)
            if not t.ok(ok, "%s: delivered as --test says (%s, SMTP %s)" %
                        (name, e.action, code)):
                got, want = pf.sink_body(sender) or b"", postfix.expected_body(e)
                i = next((k for k in range(min(len(got), len(want))) if got[k] != want[k]),
                         min(len(got), len(want)))
                hide = bytes.maketrans(b"0123456789", b"##########")  # no number in logs
                t.diag("first difference at byte %d of %d/%d: got %r, want %r" %
                       (i, len(got), len(want), got[i:i + 40].translate(hide),
                        want[i:i + 40].translate(hide)))
        else:
            t.ok(str(code) == e.code, "%s: %s as --test says (SMTP %s, want %s)" %
                 (name, e.action, code, e.code))
        sent.append(name)
        if not d.alive():
            t.bail("daemon died on " + name + ":\n" + d.logtext()[-2000:])
    t.ok(smtest.wait_for(lambda: pf.drained(delivered), 60) and
         len(pf.sink_files()) == delivered,
         "nothing lost: %d delivered, %d held, queue empty" % (delivered,
                                                              len(sent) - delivered))
    t.ok(d.alive(), "daemon alive after the hostile corpus")
    t.diag("daemon peak RSS (VmHWM) %d MB, now %d MB" % (vm(d.proc.pid, "VmHWM"),
                                                         vm(d.proc.pid, "VmRSS")))
    t.ok(os.listdir(os.path.join(tmp, "spool")) == [], "no spool file left behind")
    t.ok(d.stop() == 0, "daemon stops cleanly")
finally:
    if t.failed:
        t.diag("postfix log (tail):\n" + pf.log()[-3000:])
        t.diag("daemon log (tail):\n" + d.logtext()[-3000:])
    pf.stop()
    d.stop()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
