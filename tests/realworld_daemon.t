#!/usr/bin/env python3
"""realworld_daemon.t - the real-world malformed mail of tests/realworld/gen.py
through the daemon behind a private Postfix (TAP; skipped without root or
Postfix, as tests/postfix.t).

Each case is sent over SMTP as clients send it (smtplib: every line end
CRLF).  None may get a 4xx: the message's shape is no transient trouble.
Where Postfix hands the milter the message as `--test` reads the same bytes
(everything but whitespace before the header block, which Postfix makes
body text, and lines over 998 bytes, which Postfix's SMTP client folds),
the reply code is the one --test gives, and what the sink receives is the
--test output: the same header fields (trace fields aside) and the same
body, which Postfix separates from the header block by an empty line when
the message had none.  No delivered message carries the card number.
Everything started here is stopped on exit, also on failure.
"""
import os
import re
import shutil
import sys

TOP = os.environ.get("SM_TOP", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "milter"))
sys.path.insert(0, os.path.join(TOP, "tests", "realworld"))
import smtest  # noqa: E402
import postfix  # noqa: E402
import gen  # noqa: E402

t = smtest.Tap()
postfix.skip_unless_usable()

SINK = ("x-client-addr", "x-client-proto", "x-helo-args", "x-mail-args", "x-rcpt-args")
TRACE = ("received", "return-path", "message-id", "date")
DIGITS = re.sub(r"\D", "", gen.CARD).encode()


def smtp_form(data):
    """The bytes smtplib sends: every line end CRLF, a final one added."""
    data = re.sub(rb"\r\n|\n|\r(?!\n)", b"\r\n", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


FIELD = re.compile(rb"[!-9;-~]+[ \t]*:")


def mta_split(data):
    """(header block, body) as Postfix reads them: the block ends at the
    empty line, or at the first line that is neither a field nor a
    continuation of one (the body starts there)."""
    lines = data.split(b"\n")
    off = 0
    for i, line in enumerate(lines):
        if line in (b"", b"\r"):
            return data[:off], data[off + len(line) + 1:]
        if not ((i and line[:1] in (b" ", b"\t")) or FIELD.match(line)):
            return data[:off], data[off:]
        off += len(line) + 1
    return data, b""


def fields(head):
    return sorted((n, v) for n, v in smtest.header_fields(head) if n not in SINK + TRACE)


def body_of(data):
    return smtest.lf(mta_split(data)[1]).rstrip(b"\n")


def leaks(data):
    flat = re.sub(rb"[\s=]", b"", data)
    return DIGITS in flat


tmp = smtest.make_tmpdir("sm-realworld-")
conf = smtest.write_conf(tmp, threshold=65536)
d = smtest.Daemon(tmp, conf)
pf = postfix.Postfix(tmp, d.sock)


def cleanup():
    if t.failed:
        t.diag("postfix log (tail):\n" + pf.log()[-3000:])
        t.diag("daemon log (tail):\n" + d.logtext()[-2000:])
    pf.stop()
    d.stop()
    shutil.rmtree(tmp, ignore_errors=True)


try:
    if not t.ok(d.start(), "daemon starts"):
        t.bail("daemon did not start:\n" + d.logtext())
    pf.setup()
    t.ok(pf.start_sink(), "smtp-sink listens")
    if not t.ok(pf.start(), "postfix listens"):
        t.bail("postfix did not start:\n" + pf.log())
    sent = []
    for i, c in enumerate(gen.cases()):
        data = smtp_form(c.data)
        eml = os.path.join(tmp, c.name + ".eml")
        with open(eml, "wb") as f:
            f.write(data)
        e = smtest.Expect(conf, eml, tmp, c.name)
        sender = "rw%03d@test.invalid" % i
        code, text = pf.send(sender, ["supportmail@microsoft.com"], data)
        t.ok(not 400 <= code < 500, "%s: no tempfail through Postfix (%s)" % (c.name, code))
        exact = not c.mta_differs and max(len(x) for x in data.split(b"\n")) <= 998
        if exact:
            want = 250 if e.delivered else int(e.code)
            t.ok(code == want, "%s: SMTP %s as --test says (got %s)" % (c.name, want, code))
        sent.append((c, e, sender, code, exact))
    n = sum(1 for s in sent if s[3] == 250)
    t.diag("%d cases: %d delivered, %d rejected, %d compared with --test byte for byte"
           % (len(sent), n, sum(1 for s in sent if s[3] >= 500), sum(1 for s in sent if s[4])))
    t.ok(smtest.wait_for(lambda: pf.drained(n), 120), "queue drained, %d at the sink" % n)
    got = {}
    for path in pf.sink_files():
        with open(path, "rb") as f:
            raw = f.read()
        m = re.search(rb"(?mi)^X-Mail-Args: <([^>]*)>", raw)
        if m:
            got[m.group(1).decode()] = raw
    for c, e, sender, code, exact in sent:
        if code != 250:
            continue
        raw = got.get(sender)
        if not t.ok(raw is not None, c.name + ": arrived at the sink"):
            continue
        t.ok(not leaks(raw), c.name + ": no card number delivered")
        if not exact:
            continue
        with open(e.out, "rb") as f:
            want = f.read()
        t.ok(fields(mta_split(raw)[0]) == fields(mta_split(want)[0]),
             c.name + ": delivered header fields equal --test output")
        t.ok(body_of(raw) == body_of(want), c.name + ": delivered body equals --test output")
    t.ok(pf.queue_files() == 0, "Postfix queue is empty")
finally:
    cleanup()
t.done()
