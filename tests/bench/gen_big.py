#!/usr/bin/env python3
"""gen_big.py - large messages for the peak-RSS and latency benchmark (item 4).

    python3 tests/bench/gen_big.py OUTDIR

OUTDIR/big-100mb.eml: a 100 MB message, text/plain body (8bit, Windows and
Defender log lines, a few test card numbers), to support with a valid SR.
OUTDIR/big-30mb.eml: the same at 30 MB (under the default part and message
limits, so the default configuration scans it in full).
OUTDIR/big-attachment.eml: a short body and a 30 MB binary attachment
(pseudo-random bytes, base64, about 40 MB on the wire).
Deterministic; written in chunks so the generator itself stays small.
"""
import base64
import os
import random
import sys

HEAD = ("From: tester@example.co.jp\r\nTo: supportmail@microsoft.com\r\n"
        "Subject: [SR#2411180040324704] big message\r\nDate: Mon, 18 Nov 2024 10:00:00 +0900\r\n"
        "Message-ID: <big@example.co.jp>\r\nMIME-Version: 1.0\r\n")


def big_text(path, size):
    r = random.Random(1)
    with open(path, "wb") as f:
        f.write((HEAD + "Content-Type: text/plain; charset=us-ascii\r\n"
                 "Content-Transfer-Encoding: 8bit\r\n\r\n").encode())
        n = 0
        while n < size:
            lines = []
            for _ in range(1000):
                x = r.random()
                tail = " card 4111 1111 1111 1111" if x < 0.0005 else ""
                lines.append("2024-11-18T10:%02d:%02d Sense EventID=%d Computer=PC-%04d state=%s%s\r\n" % (
                    r.randrange(60), r.randrange(60), r.choice([4, 5, 7, 13]), r.randrange(10000),
                    r.choice(["running", "stopped", "connected"]), tail))
            chunk = "".join(lines).encode()
            f.write(chunk)
            n += len(chunk)


def big_attachment(path, size):
    r = random.Random(2)
    with open(path, "wb") as f:
        f.write((HEAD + 'Content-Type: multipart/mixed; boundary="big"\r\n\r\n'
                 "--big\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nsee the attached capture\r\n"
                 "--big\r\nContent-Type: application/octet-stream; name=\"capture.etl\"\r\n"
                 "Content-Disposition: attachment; filename=\"capture.etl\"\r\n"
                 "Content-Transfer-Encoding: base64\r\n\r\n").encode())
        for _ in range(size // (57 * 1024)):
            raw = r.getrandbits(57 * 1024 * 8).to_bytes(57 * 1024, "little")
            f.write(base64.encodebytes(raw).replace(b"\n", b"\r\n"))
        f.write(b"--big--\r\n")


def main(argv):
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    big_text(os.path.join(out, "big-100mb.eml"), 100 << 20)
    big_text(os.path.join(out, "big-30mb.eml"), 30 << 20)
    big_attachment(os.path.join(out, "big-attachment.eml"), 30 << 20)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
