#!/usr/bin/env python3
"""budget.t - the daemon's scan memory budget (milter.max_scan_memory,
shared by milter.scan_workers worker processes, each bounded by RLIMIT_AS)
through the real milter protocol (miltertest).

A daemon with one worker and the smallest budget (128 MiB; a message is
estimated at 6 times its size plus 256 KiB): a 24 MB message can never fit
a worker and is tempfailed at once (a transient limit: 451 4.3.0 with the
limit reply, whatever limits.on_limit says), with a log line naming the
keys; the next message on the connection is scanned as --test says; eight
connections at once take turns on the one worker within scan_wait and all
get the right answers.  What a worker over its RLIMIT_AS costs is
tests/workers.t.
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
tmp = smtest.make_tmpdir("sm-budget-")
conf = smtest.write_conf(tmp, max_bytes=67108864, threshold=4096)
with open(conf) as f:
    text = f.read()
with open(conf, "w") as f:
    f.write(text.replace("backlog = 16;", "backlog = 16;\n  max_scan_memory = 134217728;\n"
                         "  scan_workers = 1;\n  scan_wait = 60;"))
d = smtest.Daemon(tmp, conf)


def cleanup():
    d.stop()
    if t.failed:
        t.diag("daemon log:\n" + d.logtext()[-3000:])
    shutil.rmtree(tmp, ignore_errors=True)


def write_message(path, subject, body):
    with open(path, "w") as f:
        f.write("From: Taro Yamada <taro@example.co.jp>\nTo: supportmail@microsoft.com\n"
                "Subject: %s\nMessage-ID: <%s@example.co.jp>\n"
                "Date: Mon, 18 Nov 2024 10:00:00 +0900\n"
                "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n"
                "Content-Transfer-Encoding: 7bit\n\n%s" % (subject, os.path.basename(path), body))
    return path


try:
    if not t.ok(d.start(), "daemon starts with max_scan_memory = 128 MiB, one worker"):
        t.bail("daemon did not start:\n" + d.logtext())
    small = write_message(os.path.join(tmp, "small.eml"), "[SR#2411180040324704] question",
                          "Hello,\nplease see the log.\n")
    ex = smtest.Expect(conf, small, tmp, "small").write(os.path.join(tmp, "small.expect"))
    # 400 chunks of 60 lines of 1000 bytes: 24 MB, about 144 MB to scan
    smtest.miltertest_tap(t, d.sock, "overlimit.lua", chunks=400, eml=small, expect=ex,
                          code="451", xcode="4.3.0")
    log = d.logtext()
    t.ok("more than a worker's share of milter.max_scan_memory" in log and "tempfail" in log,
         "log: the message needs more than a worker's share of max_scan_memory; tempfail")
    t.ok("no scanner worker free" not in log, "log: no message waited in vain")

    card = sorted(m for m in smtest.corpus_messages() if "_card_" in m)[0]
    exc = smtest.Expect(conf, card, tmp, "card").write(os.path.join(tmp, "card.expect"))
    par = [subprocess.Popen(smtest.miltertest_args(d.sock, "multi.lua", eml=card, expect=exc,
                                                   eml2=small, expect2=ex),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
           for _ in range(8)]
    outs = [p.communicate(timeout=300)[0].decode("utf-8", "replace") for p in par]
    bad = [o for p, o in zip(par, outs) if p.returncode != 0 or not o.rstrip().endswith(" 0 failed")]
    t.ok(not bad, "8 parallel connections on one worker: all answers right")
    for o in bad[:1]:
        t.diag(o)
    t.ok("no scanner worker free" not in d.logtext(),
         "log: every one found the worker free within scan_wait")
    t.ok(d.stop() == 0, "SIGTERM: graceful stop")
finally:
    cleanup()
t.done()
