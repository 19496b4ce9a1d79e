#!/usr/bin/env python3
"""milter.t - the daemon through the real milter protocol (miltertest).

ONE daemon for the suite, on a unix socket in a temporary directory, with
tests/milter/test.conf.in (spool_threshold 4 KiB, max_message_bytes 1 MiB).
Each tests/milter/*.lua script prints ok/FAIL lines and "N passed, M failed";
they become TAP here.  Expected outcomes come from `support-milter --test`
on the same message, so the checks hold whatever the policy decides.
Also: SIGHUP with a broken configuration is refused, with a good one it
reloads and reopens the audit log; SIGTERM stops the daemon.
"""
import json
import os
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
import smtest  # noqa: E402

t = smtest.Tap()
if not shutil.which("miltertest"):
    print("1..0 # SKIP miltertest not installed (make deps)")
    sys.exit(0)
tmp = smtest.make_tmpdir("sm-milter-")
conf = smtest.write_conf(tmp, max_bytes=1048576, threshold=4096)
d = smtest.Daemon(tmp, conf)


def cleanup():
    d.stop()
    if t.failed:
        t.diag("daemon log:\n" + d.logtext()[-3000:])
    shutil.rmtree(tmp, ignore_errors=True)


def write_message(path, subject, body, to="supportmail@microsoft.com"):
    with open(path, "w") as f:
        f.write("From: Taro Yamada <taro@example.co.jp>\nTo: %s\n"
                "Subject: %s\nMessage-ID: <%s@example.co.jp>\n"
                "Date: Mon, 18 Nov 2024 10:00:00 +0900\n"
                "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n"
                "Content-Transfer-Encoding: 7bit\n\n%s" % (to, subject, os.path.basename(path), body))
    return path


def expect(eml, name):
    e = smtest.Expect(conf, eml, tmp, name)
    return e, e.write(os.path.join(tmp, name + ".expect"))


def count_lines(path):
    try:
        with open(path) as f:
            return sum(1 for _ in f)
    except OSError:
        return 0


try:
    if not t.ok(d.start(), "daemon starts and creates its socket"):
        t.bail("daemon did not start:\n" + d.logtext())
    t.ok(oct(os.stat(d.sock).st_mode & 0o777) == "0o666", "socket mode from socket_mode")

    smtest.miltertest_tap(t, d.sock, "unrelated.lua")
    t.ok(count_lines(os.path.join(tmp, "audit.log")) == 0,
         "unrelated mail: nothing in the audit log")

    card = os.path.join(smtest.CORPUS, "p01_card_basic_spaces.eml")
    if not os.path.exists(card):
        card = sorted(m for m in smtest.corpus_messages() if "_card_" in m)[0]
    e, ex = expect(card, "mask")
    smtest.miltertest_tap(t, d.sock, "message.lua", eml=card, expect=ex, label="mask")
    t.ok(e.body is not None, "mask: --test replaces the body of a card message")
    t.ok(any(n.lower().startswith("x-support") for n, v in e.added),
         "mask: --test adds X-Support-* headers")

    onb = sorted(m for m in smtest.corpus_messages() if "_onb_" in m)[0]
    e, ex = expect(onb, "reject")
    smtest.miltertest_tap(t, d.sock, "message.lua", eml=onb, expect=ex, label="reject")
    t.ok(e.action == "reject" and e.code.startswith("5"),
         "reject: --test rejects onboarding material with 5xx")

    big = write_message(os.path.join(tmp, "big.eml"), "big body",
                        ("line of a big body, card 4111 1111 1111 1111 maybe\n" * 4000))
    e, ex = expect(big, "big")
    spool_before = os.listdir(os.path.join(tmp, "spool"))
    smtest.miltertest_tap(t, d.sock, "message.lua", eml=big, expect=ex, label="body over spool_threshold")
    t.ok(os.listdir(os.path.join(tmp, "spool")) == spool_before,
         "spool file is unlinked (nothing left in spool_dir)")

    small = write_message(os.path.join(tmp, "small.eml"), "[SR#2411180040324704] question",
                          "Hello,\nplease see the log.\n")
    e2, ex2 = expect(small, "small")
    smtest.miltertest_tap(t, d.sock, "abort.lua", eml1=big, eml=small, expect=ex2)
    smtest.miltertest_tap(t, d.sock, "multi.lua", eml=card, expect=os.path.join(tmp, "mask.expect"), eml2=small,
               expect2=ex2)
    smtest.miltertest_tap(t, d.sock, "overlimit.lua", chunks=20, eml=small, expect=ex2)

    # many connections at once (callbacks in many threads) while the policy
    # is swapped by SIGHUP: every conversation still gets the right answers
    args = smtest.miltertest_args(d.sock, "multi.lua", eml=card,
                                  expect=os.path.join(tmp, "mask.expect"), eml2=small, expect2=ex2)
    par = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
           for _ in range(8)]
    base = d.logtext().count("reloaded")
    for i in range(3):     # one at a time: pending signals of one kind merge
        d.signal(signal.SIGHUP)
        smtest.wait_for(lambda: d.logtext().count("reloaded") > base + i, 10, step=0.01)
    outs = [p.communicate(timeout=120)[0].decode("utf-8", "replace") for p in par]
    bad = [o for p, o in zip(par, outs) if p.returncode != 0 or not o.rstrip().endswith(" 0 failed")]
    t.ok(not bad, "8 parallel connections during 3 reloads: all answers right")
    for o in bad[:1]:
        t.diag(o)
    t.ok(d.logtext().count("reloaded") == base + 3 and d.alive(),
         "3 reloads done, daemon alive")

    audit = os.path.join(tmp, "audit.log")
    n = count_lines(audit)
    t.ok(n >= 10, "audit log: one line per decision on support mail (%d lines)" % n)
    with open(audit) as f:
        try:
            [json.loads(line) for line in f]
            valid = True
        except ValueError:
            valid = False
    t.ok(valid, "audit log: every line is one JSON object")

    # SIGHUP: a broken configuration is refused and the running one stays
    with open(conf) as f:
        good = f.read()
    with open(conf, "w") as f:
        f.write(good + "\nno_such_key = 1;\n")
    d.signal(signal.SIGHUP)
    t.ok(smtest.wait_for(lambda: "reload refused" in d.logtext(), 10),
         "SIGHUP with a broken configuration: refused and logged")
    t.ok(d.alive(), "daemon still running after a refused reload")
    smtest.miltertest_tap(t, d.sock, "message.lua", eml=small, expect=ex2, label="after refused reload")
    with open(conf, "w") as f:
        f.write(good)
    os.rename(audit, audit + ".1")
    base = d.logtext().count("reloaded")
    d.signal(signal.SIGHUP)
    t.ok(smtest.wait_for(lambda: d.logtext().count("reloaded") > base, 10),
         "SIGHUP: configuration reloaded")
    t.ok(smtest.wait_for(lambda: os.path.exists(audit), 10), "SIGHUP: audit log reopened")
    t.ok(oct(os.stat(audit).st_mode & 0o777) == "0o640", "audit log mode 0640")
    smtest.miltertest_tap(t, d.sock, "message.lua", eml=small, expect=ex2, label="after reload")
    t.ok(count_lines(audit) == 1, "after rotation: the new audit log gets the next record")
    # a reload changes the policy for the messages that follow
    smtest.miltertest_tap(t, d.sock, "rcpt.lua", rcpt="new-support@example.org", want="accept")
    with open(conf, "w") as f:
        f.write(good.replace('recipients = [ ', 'recipients = [ "new-support@example.org", '))
    base = d.logtext().count("reloaded")
    d.signal(signal.SIGHUP)
    t.ok(smtest.wait_for(lambda: d.logtext().count("reloaded") > base, 10),
         "SIGHUP: new recipients loaded")
    smtest.miltertest_tap(t, d.sock, "rcpt.lua", rcpt="new-support@example.org", want="continue")
    rc = d.stop()
    t.ok(rc == 0, "SIGTERM: graceful stop, exit 0 (got %r)" % rc)
    t.ok(not os.path.exists(d.sock), "socket removed on exit")
finally:
    cleanup()
t.done()
