#!/usr/bin/env python3
"""audit.t - what support mail gets when the daemon cannot do its whole job.

Through the real milter protocol (miltertest), one daemon per case:
- the audit log cannot be written (audit_log = /dev/full, every write fails
  with ENOSPC): with milter.audit_failure = "tempfail" (the default) support
  mail gets 451 4.3.0 and the MTA keeps it; unrelated mail still flows; with
  "accept" the message gets its normal verdict and the failure is logged;
- on_permanent_limit = "accept": a message over max_message_bytes is accepted
  unscanned and carries X-Support-Scan as `--test` says, never silently;
- the record (schema 1): event id (ULID), RFC 3339 time with its offset in
  one time zone for every record (failure records too), host, every
  recipient with the support ones marked, the masked Subject, one finding
  per value with the fingerprint of the normalised value (the same card in
  three formats: one fingerprint), the policy version; never the value;
- the record is written after the verdict was applied: an MTA that does not
  grant body replacement gets the failure action and the record says
  "apply_error";
- a short write (RLIMIT_FSIZE) never leaves half a line: every line of the
  file stays one JSON object.
"""
import json
import re
import resource
import socket
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench"))
import smtest  # noqa: E402
import milterclient  # noqa: E402

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


CARDS = (b"From: Taro Yamada <taro@example.co.jp>\r\nTo: supportmail@microsoft.com\r\n"
         b"Subject: card 4111-1111-1111-1111 TrackingID#2412010000000001\r\n"
         b"Message-ID: <cards@example.co.jp>\r\n\r\n"
         b"card 4111 1111 1111 1111\r\nagain 4111111111111111\r\n"
         b"other 5555 5555 5555 4444\r\n")
ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$")


def send(sock, data, rcpts, actions=milterclient.SMFIF_ALL, qid="AUDIT1"):
    """One message through the milter protocol: "a" accept, "4" a 4xx reply,
    "5" a 5xx reply, or the final reply letter."""
    c = milterclient.MilterClient(sock, timeout=60)
    try:
        c.negotiate(actions=actions)
        r = c.envelope("<taro@example.co.jp>", rcpts, qid=qid)
        if r:
            return r[0]
        head, _, body = data.partition(b"\r\n\r\n")
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            c.header(name.decode(), value)
        c.eoh()
        c.body(body)
        cmd, data = c.eom()
        if cmd == "y":
            return data[:1].decode()
        return "4" if cmd == "t" else "5" if cmd == "r" else cmd
    finally:
        c.close()


def records(path):
    out, bad = [], 0
    with open(path, "rb") as f:
        for line in f:
            try:
                out.append(json.loads(line))
            except ValueError:
                bad += 1
    return out, bad


def schema_case(d, log):
    rcpts = ["<boss@example.co.jp>", "<supportmail@microsoft.com>"]
    t.ok(send(d.sock, CARDS, rcpts) == "a", "schema: the card message is accepted (masked)")
    recs, bad = records(log)
    t.ok(len(recs) == 1 and bad == 0, "schema: one record, valid JSON")
    if not recs:
        return
    r = recs[0]
    t.ok(r.get("schema") == 1, "schema: 1")
    t.ok(ULID.match(r.get("event_id", "")) is not None, "schema: event_id is a ULID")
    t.ok(RFC3339.match(r.get("ts", "")) is not None, "schema: ts is RFC 3339 with its offset")
    t.ok(r.get("host") == socket.gethostname(), "schema: host name")
    t.ok(r.get("action") == "modify" and r.get("decision") == "modify",
         "schema: action as applied and decision")
    t.ok(r.get("recipients") == [{"address": "<boss@example.co.jp>", "support": False},
                                 {"address": "<supportmail@microsoft.com>", "support": True}],
         "schema: every recipient, the support one marked")
    t.ok(r.get("subject") == "card ****-****-****-1111 TrackingID#2412010000000001",
         "schema: the Subject, masked")
    fs = r.get("findings", [])
    cards = [f for f in fs if f.get("detector") == "credit_card"]
    body = [f for f in cards if f.get("where") == "body"]
    t.ok(len(body) == 2 and sorted(f["count"] for f in body) == [1, 2],
         "schema: one finding per value (two cards in the body, one seen twice)")
    fps = {f["preview"][-4:]: f["fingerprint"] for f in cards}
    subj = [f for f in cards if f.get("where") == "subject"]
    t.ok(len(subj) == 1 and subj[0]["fingerprint"] == fps.get("1111") and
         len(set(fps.values())) == 2,
         "schema: the same card in three formats has one fingerprint")
    t.ok(len(r.get("policy_version", "")) == 16, "schema: policy_version")
    with open(log, "rb") as f:
        raw = f.read()
    t.ok(b"4111" + b"111111111111" not in raw and b"1111 1111 1111" not in raw and
         b"5555 5555" not in raw, "schema: no card number in the audit log")


def apply_error_case(d, log):
    # the MTA grants everything but body replacement: the verdict cannot be applied
    acts = milterclient.SMFIF_ALL & ~0x2
    st = send(d.sock, CARDS, ["<supportmail@microsoft.com>"], actions=acts, qid="AUDIT2")
    t.ok(st == "4", "apply error: tempfail (on_failure) when the body cannot be replaced")
    recs, _ = records(log)
    r = recs[-1] if recs else {}
    t.ok(r.get("decision") == "modify" and r.get("action") == "tempfail" and
         "replace the body" in r.get("apply_error", ""),
         "apply error: the record says what was decided, what was applied and why")


def failure_zone_case(d, log):
    # over max_message_bytes: the failure record, same time format as the others
    big = (b"From: a@example.co.jp\r\nTo: supportmail@microsoft.com\r\nSubject: big\r\n\r\n"
           + b"x" * 80 + b"\r\n") * 20000
    t.ok(send(d.sock, big, ["<supportmail@microsoft.com>"], qid="AUDIT3") == "5",
         "failure record: a message over the limit is rejected (a permanent limit)")
    recs, bad = records(log)
    fail = [r for r in recs if r.get("failed")]
    ok = [r for r in recs if not r.get("failed")]
    t.ok(fail and ok and bad == 0, "failure record: written, valid JSON")
    if fail and ok:
        zone = lambda ts: RFC3339.match(ts).group(1)  # noqa: E731
        t.ok(all(RFC3339.match(r.get("ts", "")) for r in recs) and
             zone(fail[-1]["ts"]) == zone(ok[0]["ts"]) and fail[-1].get("schema") == 1 and
             ULID.match(fail[-1].get("event_id", "")),
             "failure record: schema 1, same time zone and format as the others")


def short_write_case():
    dd, conf = conf_with("short", ('summary_syslog = true;', 'summary_syslog = true;\n'
                                   '  audit_fsync = "always";'))
    log = os.path.join(dd, "audit.log")
    d = smtest.Daemon(dd, conf)
    # the daemon's files may grow to 3000 bytes: the third or fourth record is cut
    old = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (3000, old[1]))
    try:
        started = d.start()
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old)
    try:
        if not t.ok(started, "short write: daemon starts under RLIMIT_FSIZE"):
            return
        for i in range(6):
            send(d.sock, CARDS, ["<supportmail@microsoft.com>"], qid="SHORT%d" % i)
        recs, bad = records(log)
        size = os.path.getsize(log)
        t.ok(bad == 0 and 0 < len(recs) < 6, "short write: %d whole records, no broken line"
             % len(recs))
        with open(log, "rb") as f:
            t.ok(f.read().endswith(b"\n"), "short write: the file ends with a whole line")
        t.ok(size <= 3000, "short write: nothing past the limit (%d bytes)" % size)
        t.ok("audit log: write failed" in d.logtext(), "short write: the failure is logged")
        t.ok(d.alive(), "short write: daemon still running")
    finally:
        d.stop()


def run_schema_cases():
    dd, conf = conf_with("schema", ("on_limit = \"tempfail\";", "on_limit = \"tempfail\";"))
    log = os.path.join(dd, "audit.log")

    def body(d):
        schema_case(d, log)
        apply_error_case(d, log)
        failure_zone_case(d, log)
    with_daemon("schema", conf, body)
    short_write_case()


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

    # 3. on_permanent_limit = accept: over max_message_bytes (a permanent
    # limit), accepted but marked
    dd, conf = conf_with("limit", ('on_permanent_limit = "reject"',
                                   'on_permanent_limit = "accept"'))
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
        smtest.miltertest_tap(t, d.sock, "message.lua", "on_permanent_limit = accept", eml=big,
                              expect=ex, label="big")
        with open(os.path.join(dd, "audit.log")) as f:
            t.ok('"action":"accept"' in f.read(), "on_permanent_limit = accept: audited as accept")
    with_daemon("on_permanent_limit = accept", conf, limit_accept)

    run_schema_cases()
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
