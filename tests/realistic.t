#!/usr/bin/env python3
"""Realistic and hostile support mail (TAP): tests/realistic/gen.py writes
about a hundred labelled variants (cards, passwords, Defender onboarding
material, SR / resolution / severity A rules and their near misses) into a
temporary directory; each is run through `support-milter --test` with
conf/support-milter.conf and judged by the independent scorer's own checks
(imported from ../shared/corpus/score.py at run time, nothing copied).
The date is fixed by --now so that SR numbers do not age out.

Extra check (label `split_ok`): a card split over a line break must not
survive with the lines joined either.  Label `todo` (a reason): a known
limit of the policy, reported as a TAP TODO so that it stays visible
without failing the suite (prove says so if it starts to pass).  No secret value is ever printed:
failures show the scorer's redacted form."""
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.environ.get("SM_TOP", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SM_BIN", os.path.join(TOP, "build", "support-milter"))
CONF = os.path.join(TOP, "conf", "support-milter.conf")
SCORE = os.path.join(TOP, "..", "shared", "corpus", "score.py")
GEN = os.path.join(TOP, "tests", "realistic", "gen.py")
NOW = "2024-12-10"


def load_scorer():
    spec = importlib.util.spec_from_file_location("score", SCORE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def joined_leaks(score, outb, label):
    """Card secrets found once every line break is removed (split_ok only)."""
    if not label.get("split_ok") or not outb:
        return []
    _, views, _ = score.collect_views(outb)
    leaks = []
    for s in label.get("secrets", []):
        kind, digits = score.secret_kind(s)
        if kind != "card":
            continue
        for v in views:
            if digits in score.SEP_RE.sub("", v.text.replace("\r", "").replace("\n", "")):
                leaks.append("leak with lines joined: %s in %s" % (score.redact(s, False), v.where))
                break
    return leaks


def main():
    score = load_scorer()
    n = failed = 0
    only = os.environ.get("SM_ONLY")
    with tempfile.TemporaryDirectory() as tmp:
        setdir = os.path.join(tmp, "set")
        subprocess.run([sys.executable, GEN, setdir], check=True, stdout=subprocess.DEVNULL)
        work = os.path.join(tmp, "work")
        os.makedirs(work)
        for stem, eml, label in score.load_set(setdir):
            if only and only not in stem:
                continue
            src = os.path.join(work, "in.eml")
            out = os.path.join(work, "out.eml")
            shutil.copyfile(eml, src)
            if os.path.exists(out):
                os.unlink(out)
            t0 = time.time()
            p = subprocess.run([BIN, "-c", CONF, "--test", src, "--output", out, "--now", NOW],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            outb = open(out, "rb").read() if os.path.exists(out) else None
            res = (p.returncode, p.stdout, p.stderr, outb, time.time() - t0)
            r = score.score_message(stem, eml, label, res, False)
            extra = joined_leaks(score, outb, label) if p.returncode == 0 else []
            n += 1
            todo = " # TODO " + label["todo"] if label.get("todo") else ""
            if r["passed"] and not extra:
                print("ok %d - %s (%s)%s" % (n, stem, r["action"], todo))
            else:
                failed += 0 if todo else 1
                print("not ok %d - %s (%s): %s%s" % (n, stem, r["action"], label.get("why", ""), todo))
                for f in r["failures"]:
                    print("# " + f["detail"])
                for e in extra:
                    print("# " + e)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
