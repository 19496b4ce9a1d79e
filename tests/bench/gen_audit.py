#!/usr/bin/env python3
"""gen_audit.py - synthetic audit records (schema 1) for the report tool's
benchmark and tests: N records over DAYS days from several relays, with
findings of several detectors, rejects, tempfails and exceptions, in the
shape milter/daemon/audit.c and parser/verdict/report.c write.

    gen_audit.py N [--days 30] [--seed 1] [--start 2026-11-01] > audit.log

Deterministic for a seed.  No real secret: previews are masked, fingerprints
random hex."""
import argparse
import datetime
import random
import sys

DETECTORS = [("credit_card", "credit card number", "**** **** **** %04d"),
             ("password", "password", "********"),
             ("cloud_secret", "cloud access key or token", "********"),
             ("private_key", "private key", "********"),
             ("my_number", "My Number (individual number)", "********%04d"),
             ("mde_onboarding", "Defender for Endpoint onboarding material", "(file name)")]
ACTIONS = ["accept"] * 60 + ["modify"] * 30 + ["reject"] * 7 + ["tempfail"] * 3
B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", default="2026-11-01")
    ap.add_argument("--relays", type=int, default=3)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    start = datetime.datetime.fromisoformat(a.start + "T00:00:00+09:00")
    span = a.days * 86400
    senders = ["user%03d@%s" % (i, d) for i in range(300)
               for d in ("example.co.jp", "corp.example.jp", "lab.example.com")][:600]
    out = sys.stdout
    buf = []
    for i in range(a.n):
        t = start + datetime.timedelta(seconds=span * i // max(a.n, 1))
        ts = t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d+09:00" % rnd.randrange(1000)
        eid = "01" + "".join(rnd.choice(B32) for _ in range(24))
        action = rnd.choice(ACTIONS)
        sender = rnd.choice(senders)
        findings = []
        if action in ("modify", "reject"):
            for _ in range(rnd.choice((1, 1, 1, 2, 3))):
                det, label, prev = rnd.choice(DETECTORS[:5] if action == "modify" else DETECTORS)
                if "%" in prev:
                    prev = prev % rnd.randrange(10000)
                findings.append(
                    '{"kind":"value","detector":"%s","label":"%s","location":"1","where":"body",'
                    '"count":%d,"action":"%s","preview":"%s","fingerprint":"%016x"}'
                    % (det, label, rnd.choice((1, 1, 2)), "mask" if action == "modify" else "reject",
                       prev, rnd.getrandbits(64)))
        reply = ""
        if action == "reject":
            reply = (',"smtp_reply":"550 5.7.1 credit card number found in the message text '
                     '(MIME part 1); card numbers must never be sent to support"')
        sr = "26110%011d" % rnd.randrange(10 ** 6)
        exc = '"payment-lab"' if rnd.random() < 0.01 else "null"
        buf.append(
            '{"schema":1,"event_id":"%s","ts":"%s","host":"relay%d","action":"%s",'
            '"queue_id":"4Y%08X","message_id":"m%d@example.co.jp","sender":"<%s>",'
            '"recipients":[{"address":"<supportmail@microsoft.com>","support":true}],'
            '"subject":"RE: question TrackingID#%s","policy_version":"3f9a0c1b2d4e5f60",'
            '"mode":"enforce","decision":"%s"%s,"support":true,"failed":false,"sr":"%s",'
            '"related_sr":[],"resolution":false,"findings":[%s],"rules":[],"exception":%s,'
            '"headers_added":["X-Support-SR: %s"],"subject_changed":false,'
            '"body_changed":%s,"notes":[]}\n'
            % (eid, ts, 1 + i % a.relays, action, i, i, sender, sr, action, reply, sr,
               ",".join(findings), exc, sr, "true" if action == "modify" else "false"))
        if len(buf) >= 10000:
            out.write("".join(buf))
            buf = []
    out.write("".join(buf))


if __name__ == "__main__":
    main()
