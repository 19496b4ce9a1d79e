#!/usr/bin/env python3
"""notice.t - the sender's notice, end to end.

1. Through a private Postfix (smtpd_milters = the daemon; everything relayed
   to smtp-sink), notices submitted by SMTP to that Postfix on 127.0.0.1:
   - a card masked: the masked message reaches support, and a notice reaches
     the sender's sink, from the null sender, Japanese then English, with the
     masked preview and the policy URL and no card number;
   - an onboarding script rejected: the SMTP client gets 550 with a printable
     ASCII reply that names no internal detector id; a notice tells the sender;
   - no notice for an unchanged message, for a bounce (null sender), for an
     automatic reply; notice.rate_limit caps one sender's notices.
2. With notice.transport = "sendmail": the configured program gets the
   notice on its standard input with -t -i (a stand-in that records it).
"""
import base64
import email
import json
import os
import shutil
import smtplib
import stat
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench"))
import smtest  # noqa: E402
import milterclient  # noqa: E402

t = smtest.Tap()
tmp = smtest.make_tmpdir("sm-notice-")
CARD = ("From: Taro Yamada <taro@example.co.jp>\r\nTo: supportmail@microsoft.com\r\n"
        "Subject: card 4111 1111 1111 1111 TrackingID#2412010000000001\r\n"
        "Message-ID: <card%d@example.co.jp>\r\n\r\n"
        "my card is 4111-1111-1111-1111, please check\r\n")
ONB = ("From: Taro Yamada <taro@example.co.jp>\r\nTo: supportmail@microsoft.com\r\n"
       "Subject: onboarding TrackingID#2412010000000001\r\nMIME-Version: 1.0\r\n"
       "Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\n"
       "Content-Type: text/plain\r\n\r\nthe script is attached\r\n--B\r\n"
       "Content-Type: application/octet-stream; name=\"WindowsDefenderATPOnboardingScript.cmd\"\r\n"
       "Content-Disposition: attachment; filename=\"WindowsDefenderATPOnboardingScript.cmd\"\r\n\r\n"
       "@echo off\r\n--B--\r\n")
PLAIN = ("From: Hanako <hanako@example.co.jp>\r\nTo: supportmail@microsoft.com\r\n"
         "Subject: question TrackingID#2412010000000001\r\n\r\nnothing secret here\r\n")
NOTICE = ('notice: {{ enabled = true; transport = "{tr}"; smtp = "127.0.0.1:{port}"; '
          'sendmail = "{sm}"; from = "dlp@example.co.jp"; rate_limit = 3; '
          'severity_a_phone = "03-1234-5678"; }};\n')
SECRETS = (b"4111 1111 1111 1111", b"4111-1111-1111-1111", b"4111111111111111")


def notices(files):
    """[(envelope sender, To, decoded body)] of the notices among files."""
    out = []
    for path in files:
        with open(path, "rb") as f:
            raw = f.read()
        m = email.message_from_bytes(raw)
        if m.get("X-Support-Milter-Notice"):
            out.append((m.get("X-Mail-Args", ""), m.get("To"), raw,
                        m.get_payload(decode=True).decode("utf-8", "replace")))
    return out


def postfix_part():
    import postfix
    if not postfix.shutil.which("postfix") or os.geteuid() != 0:
        t.skip("postfix", "a private Postfix needs postfix and root")
        return
    d_dir = os.path.join(tmp, "pf")
    os.makedirs(d_dir)
    conf = smtest.write_conf(d_dir, policy_extra='policy_url = "https://intranet.example.co.jp/rules";')
    d = smtest.Daemon(d_dir, conf)
    pf = postfix.Postfix(d_dir, d.sock)
    with open(conf, "a") as f:
        f.write(NOTICE.format(tr="smtp", port=pf.port, sm="/usr/sbin/sendmail"))
    try:
        if not (t.ok(d.start(), "daemon starts") and (pf.setup() or True) and
                t.ok(pf.start_sink() and pf.start(), "postfix and smtp-sink start")):
            return
        code, _ = pf.send("taro@example.co.jp", ["supportmail@microsoft.com"], (CARD % 1).encode())
        t.ok(code == 250, "card message accepted (masked)")
        t.ok(smtest.wait_for(lambda: len(notices(pf.sink_files())) >= 1 and len(pf.sink_files()) >= 2, 60),
             "the masked message and a notice arrive")
        ns = notices(pf.sink_files())
        if ns:
            args, to, raw, body = ns[0]  # the only notice so far
            t.ok(args.split()[:1] == ["<>"] and to == "taro@example.co.jp",
                 "notice: from the null sender, to the envelope sender")
            ja, en = body.find("見つかった情報"), body.find("What was found")
            t.ok(0 <= ja < en and "クレジットカード番号（本文、****-****-****-1111）" in body and
                 "マスクして送信しました" in body and "credit card number" in body and
                 "https://intranet.example.co.jp/rules" in body,
                 "notice: Japanese then English, detector in words, where, masked preview, URL")
            t.ok(not any(s in raw or s in body.encode() for s in SECRETS), "notice: no card number")
        code, text = pf.send("taro@example.co.jp", ["supportmail@microsoft.com"], ONB.encode())
        t.ok(code == 550 and all(32 <= ord(ch) < 127 for ch in text) and
             "mde_onboarding" not in text and "(" in text,
             "onboarding: 550, printable ASCII, no internal id (%s)" % text[:120])
        t.ok(smtest.wait_for(lambda: len(notices(pf.sink_files())) >= 2, 60),
             "onboarding: a notice arrives")
        # sink files are named by the second they arrived: find it by content
        rej = [n[3] for n in notices(pf.sink_files()) if "WindowsDefenderATPOnboarding" in n[3]]
        t.ok(len(rej) == 1 and "送信を止めました" in rej[0] and
             "どのような場合もサポートに送らないでください" in rej[0],
             "onboarding notice: not sent, never send it")
        before = len(pf.sink_files())
        pf.send("hanako@example.co.jp", ["supportmail@microsoft.com"], PLAIN.encode())
        pf.send("", ["supportmail@microsoft.com"], (CARD % 2).encode())
        pf.send("taro@example.co.jp", ["supportmail@microsoft.com"],
                ("Auto-Submitted: auto-replied\r\n" + CARD % 3).encode())
        t.ok(smtest.wait_for(lambda: len(pf.sink_files()) >= before + 3 and pf.queue_files() == 0, 60),
             "unchanged, bounce and automatic reply delivered")
        t.ok(len(notices(pf.sink_files())) == 2,
             "no notice for unchanged mail, a null sender or an automatic reply")
        for i in (4, 5):
            pf.send("taro@example.co.jp", ["supportmail@microsoft.com"], (CARD % i).encode())
        t.ok(smtest.wait_for(lambda: "rate limit (notice.rate_limit)" in d.logtext() and
                             pf.queue_files() == 0, 60) and len(notices(pf.sink_files())) == 3,
             "rate limit: the sender's third notice arrives, the fourth is dropped and logged")
    finally:
        if t.failed:
            t.diag("daemon log:\n" + d.logtext()[-3000:])
            t.diag("postfix log:\n" + pf.log()[-3000:])
        pf.stop()
        d.stop()


def sendmail_part():
    d_dir = os.path.join(tmp, "sm")
    os.makedirs(d_dir)
    fake = os.path.join(d_dir, "sendmail")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\necho \"$@\" > %s/args\ncat > %s/notice.eml\n" % (d_dir, d_dir))
    os.chmod(fake, 0o755)
    conf = smtest.write_conf(d_dir)
    with open(conf, "a") as f:
        f.write(NOTICE.format(tr="sendmail", port=25, sm=fake))
    d = smtest.Daemon(d_dir, conf)
    try:
        if not t.ok(d.start(), "sendmail transport: daemon starts"):
            return
        c = milterclient.MilterClient(d.sock, timeout=60)
        c.negotiate()
        c.envelope("<taro@example.co.jp>", ["<supportmail@microsoft.com>"])
        head, _, body = (CARD % 9).encode().partition(b"\r\n\r\n")
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            c.header(name.decode(), value)
        c.eoh()
        c.body(body)
        c.eom()
        c.close()
        path = os.path.join(d_dir, "notice.eml")
        t.ok(smtest.wait_for(lambda: os.path.exists(path) and os.path.getsize(path) > 500, 30),
             "sendmail transport: the program got the notice")
        if os.path.exists(path):
            with open(os.path.join(d_dir, "args")) as f:
                args = f.read().split()
            with open(path, "rb") as f:
                m = email.message_from_bytes(f.read())
            t.ok(args == ["-t", "-i", "-f", "<>"] and m["To"] == "taro@example.co.jp" and
                 "マスクして送信しました" in m.get_payload(decode=True).decode(),
                 "sendmail transport: -t -i -f <>, To: the sender, the text")
    finally:
        d.stop()


try:
    postfix_part()
    sendmail_part()
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
