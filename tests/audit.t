#!/usr/bin/env python3
"""audit.t - what support mail gets when the daemon cannot do its whole job.

Through the real milter protocol (miltertest), one daemon per case:
- the audit log cannot be written (audit_log = /dev/full, every write fails
  with ENOSPC): with milter.audit_failure = "tempfail" (the default) support
  mail gets 451 4.3.0 and the MTA keeps it; unrelated mail still flows; with
  "accept" the message gets its normal verdict and the failure is logged;
- on_limit = "accept": a message over max_message_bytes is accepted
  unscanned and carries X-Support-Scan as `--test` says, never silently.
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
import smtest  # noqa: E402

t = smtest.Tap()
if not shutil.which("miltertest"):
    print("1..0 # SKIP miltertest not installed (make deps)")
    sys.exit(0)
tmp = smtest.make_tmpdir("sm-audit-")
FAILURE_REPLY = "support-milter could not scan this message; please try again later"


def conf_with(name, *subs):
    d = os.path.join(tmp, name)
    os.makedirs(d)
    path = smtest.write_conf(d, max_bytes=1048576, threshold=4096)
    with open(path) as f:
        text = f.read()
    for old, new in subs:
        if old not in text:
            raise RuntimeError("test.conf.in has no %r" % old)
        text = text.replace(old, new)
    with open(path, "w") as f:
        f.write(text)
    return d, path


def tempfail_expect(path):
    with open(path, "w") as f:
        f.write("action=tempfail\ncode=451\nxcode=4.3.0\ntext=%s\n" % FAILURE_REPLY)
    return path


def with_daemon(name, conf, body):
    d = smtest.Daemon(os.path.dirname(conf), conf)
    try:
        if not t.ok(d.start(), name + ": daemon starts"):
            t.diag(d.logtext())
            return
        body(d)
        t.ok(d.alive(), name + ": daemon still running")
    finally:
        if t.failed:
            t.diag(name + " daemon log (tail):\n" + d.logtext()[-2000:])
        d.stop()


card = os.path.join(smtest.CORPUS, "p01_card_basic_spaces.eml")
if not os.path.exists(card):
    card = sorted(m for m in smtest.corpus_messages() if "_card_" in m)[0]

try:
    # 1. audit log full, default audit_failure = tempfail
    dd, conf = conf_with("full", ('audit_log = "%s/audit.log"' % os.path.join(tmp, "full"),
                                  'audit_log = "/dev/full"'))

    def full_default(d):
        ex = tempfail_expect(os.path.join(dd, "tempfail.expect"))
        smtest.miltertest_tap(t, d.sock, "message.lua", "audit log full", eml=card, expect=ex, label="card")
        t.ok("audit record not written; tempfail" in d.logtext(),
             "audit log full: the tempfail is logged with its reason")
        t.ok("No space left on device" in d.logtext(),
             "audit log full: the write error is logged")
        smtest.miltertest_tap(t, d.sock, "unrelated.lua", "audit log full, unrelated mail")
    with_daemon("audit log full", conf, full_default)

    # 2. audit log full, audit_failure = accept: the normal verdict
    dd, conf = conf_with("accept", ('audit_log = "%s/audit.log"' % os.path.join(tmp, "accept"),
                                    'audit_log = "/dev/full";\n  audit_failure = "accept"'))

    def full_accept(d):
        e = smtest.Expect(conf, card, dd, "card")
        ex = e.write(os.path.join(dd, "card.expect"))
        t.ok(e.delivered and e.body is not None, "--test masks the card message")
        smtest.miltertest_tap(t, d.sock, "message.lua", "audit_failure = accept", eml=card, expect=ex,
                   label="card")
        t.ok("audit log: write failed" in d.logtext(),
             "audit_failure = accept: the write error is still logged")
    with_daemon("audit_failure = accept", conf, full_accept)

    # 3. on_limit = accept: over max_message_bytes, accepted but marked
    dd, conf = conf_with("limit", ('on_limit = "tempfail"', 'on_limit = "accept"'))
    big = os.path.join(dd, "big.eml")
    with open(big, "w") as f:
        f.write("From: Taro Yamada <taro@example.co.jp>\nTo: supportmail@microsoft.com\n"
                "Subject: big log\nMessage-ID: <big@example.co.jp>\n\n"
                + ("a line of a very big log that goes over the limit\n" * 30000))

    def limit_accept(d):
        e = smtest.Expect(conf, big, dd, "big")
        ex = e.write(os.path.join(dd, "big.expect"))
        t.ok(e.action == "accept" and
             ("X-Support-Scan", "incomplete (limit exceeded)") in e.added,
             "--test: accepted, X-Support-Scan: incomplete (limit exceeded)")
        smtest.miltertest_tap(t, d.sock, "message.lua", "on_limit = accept", eml=big, expect=ex, label="big")
        with open(os.path.join(dd, "audit.log")) as f:
            t.ok('"action":"accept"' in f.read(), "on_limit = accept: audited as accept")
    with_daemon("on_limit = accept", conf, limit_accept)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
