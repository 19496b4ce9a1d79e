#!/usr/bin/env python3
"""metrics.t - the counters move as mail goes through the daemon.

One daemon with milter.metrics_file (node_exporter's textfile format, written
every second here) and milter.summary_interval = 1; through the milter
protocol: a card message (masked), an onboarding script (rejected), a
message for someone else (not support) and one over max_message_bytes
(a permanent limit, rejected).  The file then says exactly that: messages seen,
support messages, actions, findings by detector, failures by cause, limits,
the scan-time histogram; it parses as Prometheus text (every sample line
"name{labels} value", HELP/TYPE before); the summary line reaches the log.
"""
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench"))
import smtest  # noqa: E402
import milterclient  # noqa: E402

t = smtest.Tap()
tmp = smtest.make_tmpdir("sm-metrics-")
CARD = (b"From: a@example.co.jp\r\nTo: supportmail@microsoft.com\r\n"
        b"Subject: TrackingID#2412010000000001\r\n\r\ncard 4111 1111 1111 1111 and 5555 5555 5555 4444\r\n")
ONB = (b"From: a@example.co.jp\r\nTo: supportmail@microsoft.com\r\n"
       b"Subject: TrackingID#2412010000000001\r\nMIME-Version: 1.0\r\n"
       b"Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\n"
       b"Content-Type: text/plain\r\n\r\nsee\r\n--B\r\n"
       b"Content-Type: application/octet-stream; name=\"WindowsDefenderATPOnboardingScript.cmd\"\r\n\r\n"
       b"@echo off\r\n--B--\r\n")
BIG = (b"From: a@example.co.jp\r\nTo: supportmail@microsoft.com\r\nSubject: big\r\n\r\n" +
       b"x" * 100 + b"\r\n") * 12000
SAMPLE = re.compile(r'^[a-z_]+(\{[a-z_]+="[^"]*"\})? [0-9.e+-]+$')


def send(sock, rcpt, data):
    c = milterclient.MilterClient(sock, timeout=60)
    try:
        c.negotiate()
        r = c.envelope("<a@example.co.jp>", [rcpt])
        if r:
            return r[0]
        head, _, body = data.partition(b"\r\n\r\n")
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            c.header(name.decode(), value)
        c.eoh()
        c.body(body)
        return c.eom()[0]
    finally:
        c.close()


def samples(path):
    out, bad = {}, []
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return {}, ["(no file)"]
    for line in text.splitlines():
        if line.startswith("#"):
            if not re.match(r"^# (HELP|TYPE) [a-z_]+ ", line):
                bad.append(line)
            continue
        if not SAMPLE.match(line):
            bad.append(line)
            continue
        k, v = line.rsplit(" ", 1)
        out[k] = float(v)
    return out, bad


try:
    conf = smtest.write_conf(tmp, max_bytes=1048576)
    mfile = os.path.join(tmp, "support_milter.prom")
    with open(conf) as f:
        text = f.read().replace("backlog = 16;", 'backlog = 16;\n  metrics_file = "%s";\n'
                                "  metrics_interval = 1;\n  summary_interval = 1;" % mfile)
    with open(conf, "w") as f:
        f.write(text)
    d = smtest.Daemon(tmp, conf)
    if t.ok(d.start(), "daemon starts"):
        try:
            t.ok(smtest.wait_for(lambda: os.path.exists(mfile), 10), "metrics file written")
            s0, _ = samples(mfile)
            t.ok(s0.get("support_milter_messages_total") == 0, "at start: nothing counted")
            send(d.sock, "<supportmail@microsoft.com>", CARD)
            send(d.sock, "<supportmail@microsoft.com>", ONB)
            send(d.sock, "<someone@example.net>", CARD)
            send(d.sock, "<supportmail@microsoft.com>", BIG)
            want = {
                "support_milter_messages_total": 4,
                "support_milter_support_messages_total": 3,
                'support_milter_actions_total{action="modify"}': 1,
                # BIG is over max_message_bytes: a permanent limit, rejected
                'support_milter_actions_total{action="reject"}': 2,
                'support_milter_actions_total{action="tempfail"}': 0,
                'support_milter_actions_total{action="accept"}': 0,
                'support_milter_findings_total{detector="credit_card"}': 2,
                'support_milter_findings_total{detector="mde_onboarding"}': 1,
                'support_milter_failures_total{cause="limit"}': 1,
                'support_milter_failures_total{cause="internal"}': 0,
                "support_milter_limits_total": 1,
                'support_milter_scan_seconds_bucket{le="+Inf"}': 2,
                "support_milter_scan_seconds_count": 2,
            }

            def moved():
                s, _ = samples(mfile)
                return all(s.get(k) == v for k, v in want.items())
            ok = smtest.wait_for(moved, 15)
            s, bad = samples(mfile)
            t.ok(ok, "counters moved as the mail went through")
            if not ok:
                t.diag("\n".join("%s: %s (want %s)" % (k, s.get(k), v) for k, v in want.items()
                                 if s.get(k) != v))
            t.ok(not bad, "Prometheus text format (%s)" % bad[:2])
            t.ok(s.get("support_milter_scan_seconds_sum", -1) >= 0 and
                 s.get('support_milter_scan_seconds_bucket{le="30"}') == 2,
                 "scan-time histogram: cumulative buckets, a sum")
            t.ok(smtest.wait_for(lambda: re.search(r"summary: messages=4 support=3 .*modify=1 "
                                                   r"reject=2 tempfail=0", d.logtext()), 10),
                 "summary line in the log")
            t.ok(not [n for n in os.listdir(tmp) if n.endswith(".tmp")],
                 "no temporary file left beside it (written by rename)")
        finally:
            if t.failed:
                t.diag(d.logtext()[-2000:])
            d.stop()
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
