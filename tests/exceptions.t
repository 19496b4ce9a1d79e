#!/usr/bin/env python3
"""exceptions.t - exceptions through the daemon (the milter protocol, with the
client address of the connect step) and `support-milter -n`.

- a header exception applies when the MTA says the client is one the
  exception names, and is ignored (the card masked, the audit record noting
  it) from any other client, so a sender cannot exempt their own mail by
  writing the header;
- a sender exception relaxes only its scope; the audit record names it;
- `-n` warns about an expired exception and about the placeholder
  policy_url, and says nothing of them once they are fixed.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench"))
import smtest  # noqa: E402
import milterclient  # noqa: E402

t = smtest.Tap()
tmp = smtest.make_tmpdir("sm-exc-")
MSG = (b"From: qa@lab.example.co.jp\r\nTo: supportmail@microsoft.com\r\n"
       b"Subject: payment test TrackingID#2412010000000001\r\n"
       b"X-Company-DLP: payment-lab\r\n\r\n"
       b"test card 4111 1111 1111 1111\r\npassword: Xk4#pQ9vLm2z\r\n")
EXC = """
exceptions: {
  hdr: { header = "X-Company-DLP: payment-lab"; header_clients = [ "10.0.0.0/8" ];
         relax = [ "credit_card" ]; comment = "payment lab test cards"; };
  qa: { senders = [ "qa2@lab.example.co.jp" ]; relax = [ "password" ]; };
  old: { senders = [ "@old.example.co.jp" ]; relax = [ "*" ]; expires = "2020-01-31"; };
};
"""


def send(sock, client, sender, data, qid):
    """One message with the connect step's client address: (reply, mods)."""
    c = milterclient.MilterClient(sock, timeout=60)
    try:
        c.negotiate()
        c.step("C", b"client.test.invalid\0" + b"4" + struct.pack(">H", 25000) +
               client.encode() + b"\0")
        r = c.envelope(sender, ["<supportmail@microsoft.com>"], qid=qid)
        if r:
            return r[0], []
        head, _, body = data.partition(b"\r\n\r\n")
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            c.header(name.decode(), value)
        c.eoh()
        c.body(body)
        cmd, _ = c.eom()
        return cmd, [m[0] for m in c.modifications]
    finally:
        c.close()


def records(path):
    """The records in the order written (one message at a time here)."""
    with open(path) as f:
        return [json.loads(line) for line in f]


def card_action(rec):
    return [f["action"] for f in rec.get("findings", []) if f["detector"] == "credit_card"]


try:
    conf = smtest.write_conf(tmp)
    with open(conf, "a") as f:
        f.write(EXC)
    d = smtest.Daemon(tmp, conf)
    if t.ok(d.start(), "daemon starts with exceptions"):
        try:
            send(d.sock, "10.20.30.40", "<x@corp.example.co.jp>", MSG, "EXC1")
            send(d.sock, "192.0.2.9", "<x@corp.example.co.jp>", MSG, "EXC2")
            send(d.sock, "192.0.2.9", "<qa2@lab.example.co.jp>", MSG, "EXC3")
            send(d.sock, "192.0.2.9", "<a@old.example.co.jp>", MSG, "EXC4")
            recs = records(os.path.join(tmp, "audit.log"))
            r1, r2, r3, r4 = (recs + [{}] * 4)[:4]
            t.ok(r1.get("exception") == "hdr" and card_action(r1) == ["log"],
                 "header from a named client (10.20.30.40): card only logged, exception named")
            t.ok(r2.get("exception") is None and card_action(r2) == ["mask"] and
                 any("its header came from a client it does not name (192.0.2.9)" in n
                     for n in r2.get("notes", [])),
                 "the same header from another client: ignored, card masked, noted")
            pw = [f["action"] for f in r3.get("findings", []) if f["detector"] == "password"]
            t.ok(r3.get("exception") == "qa" and pw == ["log"] and card_action(r3) == ["mask"],
                 "sender exception: only its scope (password) relaxed")
            t.ok(r4.get("exception") is None and card_action(r4) == ["mask"],
                 "expired exception: not applied")
            with open(os.path.join(tmp, "audit.log"), "rb") as f:
                t.ok(b"4111 1111 1111 1111" not in f.read(), "no card number in the audit log")
        finally:
            if t.failed:
                t.diag(d.logtext()[-2000:])
            d.stop()
    p = subprocess.run([smtest.BIN, "-n", "-c", conf], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode()
    t.ok(p.returncode == 0 and "exception 'old' expired on 2020-01-31" in out and
         "policy_url is still the placeholder" in out, "-n: warns about the expired exception "
         "and the placeholder policy_url")
    with open(conf) as f:
        text = f.read().replace('expires = "2020-01-31";', 'expires = "2999-12-31";')
    text = re.sub(r'(?m)^(\s*fingerprint_key\s*=\s*"[^"]*";)',
                  r'\1\n  policy_url = "https://intranet.example.co.jp/rules";', text, count=1)
    with open(conf, "w") as f:
        f.write(text)
    p = subprocess.run([smtest.BIN, "-n", "-c", conf], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    t.ok(p.returncode == 0 and "warning" not in p.stdout.decode(),
         "-n: no warning once both are fixed")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
