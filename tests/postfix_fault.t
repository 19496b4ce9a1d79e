#!/usr/bin/env python3
"""postfix_fault.t - the daemon dies while Postfix is receiving.

With milter_default_action = tempfail:
- SMTP (smtpd_milters): the daemon is killed in the middle of DATA; the
  client gets a 4xx, nothing reaches the sink; mail sent while it is down
  gets a 4xx too.  Once it is back, the retried message is delivered (or
  rejected) as `support-milter --test` says.
- Postfix's sendmail(1) (non_smtpd_milters): submitted while the daemon is
  down, the message stays in Postfix's queue, nothing is delivered
  unscanned; once the daemon is back it is delivered as --test says.
"""
import os
import shutil
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
import smtest  # noqa: E402
import postfix  # noqa: E402

t = smtest.Tap()
postfix.skip_unless_usable()

tmp = smtest.make_tmpdir("sm-fault-")
conf = smtest.write_conf(tmp, threshold=65536)
d = smtest.Daemon(tmp, conf)
pf = postfix.Postfix(tmp, d.sock)


def cleanup():
    if t.failed:
        t.diag("postfix log (tail):\n" + pf.log()[-4000:])
        t.diag("daemon log (tail):\n" + d.logtext()[-2000:])
    pf.stop()
    d.stop()
    shutil.rmtree(tmp, ignore_errors=True)


def kill_during_data(data, sender):
    """Start DATA, send half, kill the daemon, finish: the final reply."""
    s = pf.smtp()
    s.ehlo("client.test.invalid")
    s.mail(sender)
    s.rcpt("supportmail@microsoft.com")
    code, _ = s.docmd("DATA")
    if code != 354:
        s.close()
        return code
    wire = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n").replace(b"\r\n.", b"\r\n..")
    half = len(wire) // 2
    s.send(wire[:half])
    d.kill()
    s.send(wire[half:] + (b"" if wire.endswith(b"\r\n") else b"\r\n") + b".\r\n")
    code, _ = s.getreply()
    try:
        s.quit()
    except Exception:
        s.close()
    return code


try:
    if not t.ok(d.start(), "daemon starts"):
        t.bail("daemon did not start:\n" + d.logtext())
    pf.setup()
    t.ok(pf.start_sink(), "smtp-sink listens")
    if not t.ok(pf.start(), "postfix listens"):
        t.bail("postfix did not start:\n" + pf.log())
    eml = sorted(m for m in smtest.corpus_messages() if "_card_" in m)[0]
    e = smtest.Expect(conf, eml, tmp, "card")
    with open(eml, "rb") as f:
        data = f.read()

    # --- SMTP: killed during DATA
    code = kill_during_data(data, "killed@test.invalid")
    t.ok(400 <= code < 500, "daemon killed during DATA: client gets 4xx (got %s)" % code)
    t.ok(not d.alive(), "daemon is down")
    code, _ = pf.send("down@test.invalid", ["supportmail@microsoft.com"], data)
    t.ok(400 <= code < 500, "while the daemon is down: 4xx (got %s)" % code)
    t.ok(smtest.wait_for(lambda: pf.queue_files() == 0, 10) and not pf.sink_files(),
         "nothing queued, nothing delivered unscanned")

    # --- back again: the retried message is delivered as policy says
    t.ok(d.start(), "daemon restarted (stale socket replaced)")
    code, _ = pf.send("retry@test.invalid", ["supportmail@microsoft.com"], data)
    if e.delivered:
        t.ok(code == 250, "retried message accepted (250)")
        t.ok(smtest.wait_for(lambda: pf.drained(1), 60), "retried message delivered")
        t.ok(pf.sink_body("retry@test.invalid") == postfix.expected_body(e),
             "retried message arrives as --test says")
    else:
        t.ok(str(code) == e.code, "retried message rejected with %s as --test says" % e.code)

    # --- sendmail(1): non_smtpd_milters, the daemon down
    d.kill()
    n_sink = len(pf.sink_files())
    rc, out = pf.sendmail_cmd("local@test.invalid", "supportmail@microsoft.com", data)
    t.ok(rc == 0, "sendmail -C accepts the submission (exit %d) %s" % (rc, out.strip()))
    pf.kick_pickup()
    t.ok(smtest.wait_for(lambda: "milter-reject: CONNECT from localhost[127.0.0.1]: 4.7.1"
                         " Service unavailable - try again later; from=<local@test.invalid>"
                         in pf.log() and pf.queue_files() > 0, 20),
         "pickup tried the milter and kept the message queued")
    t.ok(len(pf.sink_files()) == n_sink and pf.queue_files() > 0,
         "daemon down: nothing delivered unscanned, the message stays in the queue")

    t.ok(d.start(), "daemon restarted")

    def retried():
        pf.kick_pickup()
        pf.flush()
        return pf.drained(n_sink + (1 if e.delivered else 0))
    t.ok(smtest.wait_for(retried, 90, step=1), "queued message handled once the daemon is back")
    if e.delivered:
        t.ok(pf.sink_body("local@test.invalid") == postfix.expected_body(e),
             "sendmail(1) message delivered as --test says")
    else:
        t.ok(pf.sink_body("local@test.invalid") is None, "sendmail(1) message not delivered")
    t.ok(d.stop() == 0, "daemon stops cleanly")
finally:
    cleanup()
t.done()
