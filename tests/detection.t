#!/usr/bin/env python3
"""Detection that generalizes (TAP): tests/realistic/detect.py writes over a
thousand labelled cases (credential contexts x value shapes x charsets x
containers, and near misses written with the same care) into a temporary
directory; each is run through `support-milter --test` with
conf/support-milter.conf and judged by the independent scorer's own checks
(imported from ../shared/corpus/score.py at run time, nothing copied).

Extra checks by label: `deep` also looks for each secret in the decoded
bytes of every part (ASCII and UTF-16LE) and in the base64 blocks of the
delivered text, which the scorer does not decode; `split_ok` (a card split
over a line break) also with the lines joined.  A class listed in TODO is a
known gap, reported as TAP TODO with its reason.  The last lines are a
summary: cases, leaks, over-masked keep strings.  SM_ONLY=SUBSTR runs a
subset, SM_JOBS=N runs N at a time (default 2), SM_SEED=N draws other
values (detect.py's seed, 1313 by default).  No secret value is ever
printed: failures show the scorer's redacted form."""
import base64
import concurrent.futures
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.environ.get("SM_TOP", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SM_BIN", os.path.join(TOP, "build", "support-milter"))
CONF = os.path.join(TOP, "conf", "support-milter.conf")
SCORE = os.path.join(TOP, "..", "shared", "corpus", "score.py")
GEN = os.path.join(TOP, "tests", "realistic", "detect.py")
NOW = "2024-12-10"

# Known gaps by class (issue 13): removed one by one as each class works.
TODO = {
}

B64_BLOCK = re.compile(r"(?:[A-Za-z0-9+/]{16,}={0,2}\s*){2,}")


def load_scorer():
    spec = importlib.util.spec_from_file_location("score", SCORE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def deep_leaks(score, outb, label):
    """Secrets in any part's decoded bytes or in base64 blocks of the text."""
    if not label.get("deep") or not outb:
        return []
    import email
    import email.policy
    msg = email.message_from_bytes(outb, policy=email.policy.default)
    blobs = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True) or b""
        blobs.append(data)
        text = data.decode("utf-8", "replace")
        for m in B64_BLOCK.finditer(text):
            try:
                blobs.append(base64.b64decode(re.sub(r"\s+", "", m.group(0)) + "==="[:(-len(re.sub(r"\s+", "", m.group(0)))) % 4]))
            except ValueError:
                pass
    leaks = []
    for s in label.get("secrets", []):
        kind, norm = score.secret_kind(s)
        pats = [norm.encode(), norm.encode("utf-16-le")]
        if kind == "card":
            pats = [norm.encode(), norm.encode("utf-16-le")]
        for b in blobs:
            flat = b if kind != "card" else re.sub(rb"[ \-]|(?<=[0-9])\x00(?=[ \-]\x00)|\x00[ \-](?=\x00)", b"", b)
            if any(p in flat for p in pats):
                leaks.append("deep leak: %s in decoded bytes" % score.redact(s, False))
                break
    return leaks


def joined_leaks(score, outb, label):
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


def run_case(score, work, stem, eml, label):
    d = tempfile.mkdtemp(dir=work)
    try:
        src = os.path.join(d, "in.eml")
        out = os.path.join(d, "out.eml")
        shutil.copyfile(eml, src)
        t0 = time.time()
        p = subprocess.run([BIN, "-c", CONF, "--test", src, "--output", out, "--now", NOW],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        outb = open(out, "rb").read() if os.path.exists(out) else None
        res = (p.returncode, p.stdout, p.stderr, outb, time.time() - t0)
        r = score.score_message(stem, eml, label, res, False)
        extra = []
        if p.returncode == 0:
            extra = joined_leaks(score, outb, label) + deep_leaks(score, outb, label)
        return r, extra
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main():
    score = load_scorer()
    only = os.environ.get("SM_ONLY")
    jobs = int(os.environ.get("SM_JOBS", "2"))
    n = failed = leaks = over = todo_n = 0
    by_cls = {}
    with tempfile.TemporaryDirectory() as tmp:
        setdir = os.path.join(tmp, "set")
        subprocess.run([sys.executable, GEN, setdir], check=True, stdout=subprocess.DEVNULL)
        work = os.path.join(tmp, "work")
        os.makedirs(work)
        cases = [c for c in score.load_set(setdir) if not only or only in c[0]]
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
            futs = [ex.submit(run_case, score, work, stem, eml, label) for stem, eml, label in cases]
            for (stem, eml, label), fut in zip(cases, futs):
                r, extra = fut.result()
                n += 1
                cls = label.get("cls", "?")
                st = by_cls.setdefault(cls, [0, 0])
                st[0] += 1
                reason = TODO.get(cls)
                todo = " # TODO " + reason if reason else ""
                cats = [f["category"] for f in r["failures"]]
                leaks += cats.count("leak") + len(extra)
                over += cats.count("over_masking")
                if r["passed"] and not extra:
                    print("ok %d - %s (%s)%s" % (n, stem, r["action"], todo))
                    continue
                st[1] += 1
                if todo:
                    todo_n += 1
                else:
                    failed += 1
                print("not ok %d - %s (%s): %s%s" % (n, stem, r["action"], label.get("why", ""), todo))
                for f in r["failures"]:
                    print("# " + f["detail"])
                for e in extra:
                    print("# " + e)
    for cls in sorted(by_cls):
        print("# class %-14s %4d cases, %4d failing%s" % (cls, by_cls[cls][0], by_cls[cls][1],
                                                          " (TODO)" if cls in TODO else ""))
    print("# %d cases: %d leaks, %d over-masked keep strings, %d failing (%d TODO)"
          % (n, leaks, over, failed + todo_n, todo_n))
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
