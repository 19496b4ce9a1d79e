#!/usr/bin/env python3
"""Corpus tests (TAP): tests/corpus/*.eml with labels in the shared corpus
format, plus generated ones (a 5 MB log with one password line), judged by
the independent scorer's own checks (imported from ../shared/corpus/score.py
at run time, nothing copied) with the date fixed by --now so that SR numbers
do not age out as the calendar moves."""
import glob
import importlib.util
import json
import os
import random
import shutil
import sys
import tempfile

TOP = os.environ.get("SM_TOP", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SM_BIN", os.path.join(TOP, "build", "support-milter"))
CONF = os.path.join(TOP, "conf", "support-milter.conf")
SCORE = os.path.join(TOP, "..", "shared", "corpus", "score.py")
NOW = "2024-12-10"


def load_scorer():
    spec = importlib.util.spec_from_file_location("score", SCORE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def big_log(tmp):
    """5 MB of Defender-like log with one password line in the middle."""
    rnd = random.Random(7)
    lines = []
    size = 0
    while size < 5 * 1024 * 1024:
        l = "2024-12-09 10:%02d:%02d.%03d INFO [MsSense] cid=%08x event %d ok build 10.0.19045.%d\r\n" % (
            rnd.randrange(60), rnd.randrange(60), rnd.randrange(1000), rnd.getrandbits(32),
            rnd.randrange(10 ** 6), rnd.randrange(9999))
        lines.append(l)
        size += len(l)
    lines.insert(len(lines) // 2, "2024-12-09 10:30:00.000 DEBUG proxy auth user=svc_mde password=Pr0xy!Secret42\r\n")
    import base64
    data = base64.encodebytes("".join(lines).encode()).decode()
    msg = ("From: a@contoso.co.jp\nTo: supportmail@microsoft.com\n"
           "Subject: RE: [SR#2412100040112233] big log\nMessage-ID: <big@contoso.co.jp>\n"
           "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"bb\"\n\n"
           "--bb\nContent-Type: text/plain; charset=utf-8\n\nログです。\n"
           "--bb\nContent-Type: text/plain; charset=utf-8; name=\"MsSense.log\"\n"
           "Content-Disposition: attachment; filename=\"MsSense.log\"\n"
           "Content-Transfer-Encoding: base64\n\n" + data + "--bb--\n")
    d = os.path.join(tmp, "gen")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "g01_5mb_log_one_password.eml"), "w") as f:
        f.write(msg)
    with open(os.path.join(d, "g01_5mb_log_one_password.json"), "w") as f:
        json.dump({"expect": "deliver", "secrets": ["Pr0xy!Secret42"], "keep": ["svc_mde"],
                   "sr": "2412100040112233", "resolution": False,
                   "why": "5 MB log, one password line"}, f)
    return d


def main():
    score = load_scorer()
    n = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        items = score.load_set(os.path.join(TOP, "tests", "corpus")) + score.load_set(big_log(tmp))
        work = os.path.join(tmp, "work")
        os.makedirs(work)
        for stem, eml, label in items:
            src = os.path.join(work, "in.eml")
            out = os.path.join(work, "out.eml")
            shutil.copyfile(eml, src)
            if os.path.exists(out):
                os.unlink(out)
            import subprocess
            import time
            t0 = time.time()
            p = subprocess.run([BIN, "-c", CONF, "--test", src, "--output", out, "--now", NOW],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            outb = open(out, "rb").read() if os.path.exists(out) else None
            res = (p.returncode, p.stdout, p.stderr, outb, time.time() - t0)
            r = score.score_message(stem, eml, label, res, False)
            n += 1
            if r["passed"]:
                print("ok %d - %s (%s)" % (n, stem, r["action"]))
            else:
                failed += 1
                print("not ok %d - %s (%s)" % (n, stem, r["action"]))
                for f in r["failures"]:
                    print("# " + f["detail"])
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
