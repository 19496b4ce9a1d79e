#!/usr/bin/env python3
"""postfix.t - end to end through a real Postfix.

A private Postfix on 127.0.0.1 (smtpd_milters = the daemon,
milter_default_action = tempfail) relays to smtp-sink, which writes every
message it receives to a file.  Every message of the public corpus is sent
to the support address (and one unrelated message elsewhere); then:
what arrives equals `support-milter --test` for the same message apart from
trace headers, rejected ones got the SMTP code --test gives, and nothing is
lost (delivered + rejected = sent, the queue is empty).  Everything started
here is stopped on exit, also on failure.
"""
import json
import os
import re
import shutil
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
import smtest  # noqa: E402
import postfix  # noqa: E402

t = smtest.Tap()
postfix.skip_unless_usable()

SINK_HEADERS = ("x-client-addr", "x-client-proto", "x-helo-args", "x-mail-args", "x-rcpt-args")
TRACE = ("received", "return-path")

tmp = smtest.make_tmpdir("sm-postfix-")
conf = smtest.write_conf(tmp, threshold=65536, policy_extra=smtest.LONG_POLICY_URL)
d = smtest.Daemon(tmp, conf)
pf = postfix.Postfix(tmp, d.sock)


def cleanup():
    if t.failed:
        t.diag("postfix log (tail):\n" + pf.log()[-4000:])
        t.diag("daemon log (tail):\n" + d.logtext()[-2000:])
    pf.stop()
    d.stop()
    shutil.rmtree(tmp, ignore_errors=True)


def sink_by_sender():
    """{envelope sender: (header fields, body)} of every message the sink got."""
    out = {}
    for path in pf.sink_files():
        with open(path, "rb") as f:
            head, body = smtest.split_message(f.read())
        fields = smtest.header_fields(head)
        sender = [v for n, v in fields if n == "x-mail-args"]
        key = sender[0].split()[0].strip("<>") if sender else path
        kept = [(n, v) for n, v in fields if n not in SINK_HEADERS and n not in TRACE]
        out[key] = (kept, smtest.lf(body).rstrip(b"\n"))
    return out


def compare(name, e, got):
    with open(e.out, "rb") as f:
        head, body = smtest.split_message(f.read())
    want = [(n, v) for n, v in smtest.header_fields(head) if n not in TRACE]
    fields, gbody = got
    extra = [h for h in fields if h not in want]
    missing = [h for h in want if h not in fields]
    # Postfix adds Message-Id and Date only when the message has none
    extra = [h for h in extra if not (h[0] in ("message-id", "date")
                                      and not any(n == h[0] for n, _ in want))]
    t.ok(gbody == smtest.lf(body).rstrip(b"\n"), name + ": delivered body equals --test output")
    t.ok(not extra and not missing, name + ": delivered headers equal --test output")
    if extra or missing:
        t.diag("extra: %s" % [n for n, _ in extra])
        t.diag("missing: %s" % [n for n, _ in missing])


try:
    if not t.ok(d.start(), "daemon starts"):
        t.bail("daemon did not start:\n" + d.logtext())
    pf.setup()
    t.ok(pf.start_sink(), "smtp-sink listens on 127.0.0.1:%d" % pf.sink_port)
    if not t.ok(pf.start(), "postfix listens on 127.0.0.1:%d" % pf.port):
        t.bail("postfix did not start:\n" + pf.log())

    msgs = smtest.corpus_messages()
    cases, delivered, rejected, multiline = [], 0, 0, 0
    for i, eml in enumerate(msgs):
        name = os.path.basename(eml)[:-4]
        e = smtest.Expect(conf, eml, tmp, name)
        with open(eml, "rb") as f:
            data = f.read()
        sender = "m%02d@test.invalid" % i
        code, text = pf.send(sender, ["supportmail@microsoft.com"], data)
        if e.delivered:
            t.ok(code == 250, "%s: queued by Postfix (250) as --test delivers it (got %s)"
                 % (name, code))
            delivered += code == 250
        else:
            t.ok(str(code) == e.code, "%s: SMTP %s as --test says (got %s)" % (name, e.code, code))
            # the client sees the policy's text, wrapped over several lines if long
            want = " ".join((e.xcode + " " + e.text).split())
            # lines are broken after a space, or inside a word longer than a line
            t.ok(any(" ".join(text.replace("\n" + e.xcode + " ", j).split()) == want
                     for j in (" ", "")),
                 "%s: reply text as --test says%s" % (name, " (multi-line)" if "\n" in text else ""))
            multiline += "\n" in text
            rejected += code >= 400
        cases.append((name, e, sender, code))

    t.ok(multiline > 0, "long rejection replies reach the client as multi-line replies")

    unrelated = b"From: a@example.co.jp\r\nTo: b@example.net\r\nSubject: lunch\r\n\r\nsee you\r\n"
    code, _ = pf.send("unrelated@test.invalid", ["b@example.net"], unrelated)
    t.ok(code == 250, "unrelated mail queued")

    t.ok(smtest.wait_for(lambda: pf.drained(delivered + 1), 120),
         "queue drained, %d messages at the sink" % (delivered + 1))
    got = sink_by_sender()
    for name, e, sender, code in cases:
        if e.delivered and code == 250:
            if t.ok(sender in got, name + ": arrived at the sink"):
                compare(name, e, got[sender])
        elif not e.delivered:
            t.ok(sender not in got, name + ": rejected, not delivered")
    u = got.get("unrelated@test.invalid")
    t.ok(u is not None and u[1] == b"see you", "unrelated mail delivered unchanged")
    t.ok(delivered + rejected == len(msgs),
         "nothing lost: %d delivered + %d rejected = %d sent" % (delivered, rejected, len(msgs)))
    t.ok(len(pf.sink_files()) == delivered + 1, "sink holds exactly the delivered messages")
    t.ok(pf.queue_files() == 0, "Postfix queue is empty")
    with open(os.path.join(tmp, "audit.log")) as f:
        n = sum(1 for _ in f)
    t.ok(n == len(msgs), "audit log: one line per support message (%d), none for unrelated" % n)
    # the queue id arrives with the trimmed milter_*_macros lists of contrib/
    with open(os.path.join(tmp, "audit.log")) as f:
        qids = [json.loads(line).get("queue_id") for line in f]
    logged = pf.log()
    t.ok(qids and all(q and re.fullmatch(r"[0-9A-F]{6,}", q) and (q + ": ") in logged for q in qids),
         "audit log: every record has a queue id Postfix logged (%d)" % len(qids))

    # reload to a policy that quarantines card numbers: Postfix holds the message
    with open(conf, "a") as f:
        f.write('\ndetectors: { credit_card: { action = "quarantine"; }; };\n')
    base = d.logtext().count("reloaded")
    d.signal(signal.SIGHUP)
    t.ok(smtest.wait_for(lambda: d.logtext().count("reloaded") > base, 10),
         "SIGHUP: quarantine policy loaded")
    card = sorted(m for m in msgs if "_card_" in m)[0]
    e = smtest.Expect(conf, card, tmp, "quarantine")
    t.ok(e.action == "quarantine", "--test quarantines the card message")
    n_sink = len(pf.sink_files())
    with open(card, "rb") as f:
        code, _ = pf.send("held@test.invalid", ["supportmail@microsoft.com"], f.read())
    if e.action == "quarantine":
        t.ok(code == 250, "quarantined message accepted by Postfix (250)")
        t.ok(smtest.wait_for(lambda: pf.queue_files("hold") == 1, 20),
             "Postfix holds it in its hold queue")
        t.ok("milter-hold: END-OF-MESSAGE" in pf.log() and "from=<held@test.invalid>" in pf.log(),
             "Postfix logs the milter's hold")
        t.ok(len(pf.sink_files()) == n_sink, "a held message is not delivered")
    else:
        t.ok(code == 250 and smtest.wait_for(lambda: pf.drained(n_sink + 1), 30),
             "delivered as --test says")

    # reload to a policy whose resolution rule also sends the reply to a
    # case-closure address: Postfix delivers it to both recipients
    with open(conf, "a") as f:
        f.write('\nrules: { resolution: { add_rcpt = "case-closure@example.co.jp"; }; };\n')
    base = d.logtext().count("reloaded")
    d.signal(signal.SIGHUP)
    t.ok(smtest.wait_for(lambda: d.logtext().count("reloaded") > base, 10),
         "SIGHUP: resolution add_rcpt loaded")
    res = [m for m in msgs if "_res_" in m and "_true" in m]
    e = smtest.Expect(conf, res[0], tmp, "addrcpt") if res else None
    t.ok(e is not None and e.delivered and
         ("x-support-resolution", "resolved") in [(n.lower(), v) for n, v in e.added],
         "--test tags the resolution reply")
    with open(res[0], "rb") as f:
        code, _ = pf.send("closure@test.invalid", ["supportmail@microsoft.com"], f.read())
    t.ok(code == 250, "resolution reply accepted (250)")

    def rcpts_of(sender):
        for path in pf.sink_files():
            with open(path, "rb") as f:
                fields = smtest.header_fields(smtest.split_message(f.read())[0])
            if ("x-mail-args", "<%s>" % sender) in fields:
                return sorted(v.split()[0] for n, v in fields if n == "x-rcpt-args")
        return None
    t.ok(smtest.wait_for(lambda: rcpts_of("closure@test.invalid") is not None, 30) and
         rcpts_of("closure@test.invalid") == ["<case-closure@example.co.jp>",
                                              "<supportmail@microsoft.com>"],
         "delivered to the support address and to add_rcpt (got %s)" %
         rcpts_of("closure@test.invalid"))
finally:
    cleanup()
t.done()
