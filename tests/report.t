#!/usr/bin/env python3
"""report.t - support-milter-report against audit logs whose numbers this
script computes itself.

- real records: every corpus message through `support-milter --test
  --audit`, from three "relays" (the host field rewritten), plus synthetic
  ones (tests/bench/gen_audit.py) with rejects, tempfails and exceptions;
- totals, by detector, action, sender, domain, SR, period (day, ISO week,
  month), top senders, rejected messages with their replies, exceptions:
  equal to what this script counts from the same lines;
- rotated and compressed logs (gzip, bzip2, xz) read like the plain file;
  the same records given twice count once (merged relays, duplicated
  rotation); corrupt lines (garbage, a cut record, a line of 16 MiB + 1)
  skipped and counted, a line of exactly 16 MiB read;
- filters --from/--to (days and months), --sender (address, @domain),
  --detector; CSV parses and matches the JSON; --lang ja labels;
- --format html rendered by headless chromium (--dump-dom): the page loads
  without errors, loads nothing from anywhere, and its charts' and tables'
  numbers equal the JSON output for the same logs.
"""
import bz2
import collections
import csv
import datetime
import gzip
import io
import json
import lzma
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
import smtest  # noqa: E402

t = smtest.Tap()
REPORT = os.path.join(smtest.BUILD, "support-milter-report")
GEN = os.path.join(smtest.TOP, "tests", "bench", "gen_audit.py")
tmp = smtest.make_tmpdir("sm-report-")
MAX_LINE = 16 << 20


def report(*args, inp=None):
    p = subprocess.run([REPORT] + list(args), input=inp, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def rjson(*args):
    rc, out, err = report("--format", "json", *args)
    try:
        return json.loads(out)
    except ValueError:
        t.diag("not JSON (rc %d): %s %s" % (rc, out[:300], err[:300]))
        return {}


def corpus_records():
    conf = smtest.write_conf(os.path.join(tmp, "conf"))
    lines = []
    for i, eml in enumerate(smtest.corpus_messages()):
        p = subprocess.run([smtest.BIN, "-c", conf, "--test", eml, "--audit", "--from",
                            "<user%d@%s>" % (i % 4, ("example.co.jp", "lab.example.com")[i % 2]),
                            "--rcpt", "supportmail@microsoft.com", "--now", "2026-11-%02d" % (1 + i % 28)],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120)
        for line in p.stdout.decode().splitlines():
            r = json.loads(line)
            r["host"] = "relay%d" % (i % 3)
            # the record's time is when it was written: spread them over November
            r["ts"] = "2026-11-%02dT10:00:00.000+09:00" % (1 + i % 28)
            lines.append(json.dumps(r, ensure_ascii=False, separators=(",", ":")))
    return lines


def expected(recs, detector=None):
    """What the report should say, counted here from the records."""
    e = {"messages": 0, "findings": 0, "occurrences": 0, "rejected": 0,
         "det": collections.Counter(), "det_occ": collections.Counter(),
         "action": collections.Counter(), "sender_f": collections.Counter(),
         "sender_m": collections.Counter(), "domain": collections.Counter(),
         "sr": collections.Counter(), "day": collections.Counter(), "exc": collections.Counter(),
         "month": collections.Counter(), "replies": []}
    for r in recs:
        fs = [f for f in r.get("findings", []) if not detector or f["detector"] == detector]
        if detector and not fs:
            continue
        s = r["sender"].strip("<>").lower() or "<>"
        e["messages"] += 1
        e["findings"] += len(fs)
        e["occurrences"] += sum(f.get("count", 1) for f in fs)
        e["action"][r["action"]] += 1
        e["sender_m"][s] += 1
        e["sender_f"][s] += len(fs)
        e["domain"][s.rsplit("@", 1)[-1]] += 1
        e["day"][r["ts"][:10]] += len(fs)
        e["month"][r["ts"][:7]] += 1
        if r.get("sr"):
            e["sr"][r["sr"]] += 1
        if r.get("exception"):
            e["exc"][r["exception"]] += 1
        for f in fs:
            e["det"][f["detector"]] += 1
            e["det_occ"][f["detector"]] += f.get("count", 1)
        if r["action"] == "reject":
            e["rejected"] += 1
            e["replies"].append(r.get("smtp_reply", ""))
    return e


def rows(js, table, key, col):
    return {r[key]: r[col] for r in js.get(table, []) if not str(r[key]).startswith("(+")}


def check_report(js, e, name):
    tot = js.get("totals", {})
    t.ok(tot.get("messages") == e["messages"] and tot.get("findings") == e["findings"] and
         tot.get("occurrences") == e["occurrences"] and tot.get("rejected") == e["rejected"],
         "%s: totals (%d messages, %d findings)" % (name, e["messages"], e["findings"]))
    t.ok(rows(js, "by_detector", "detector", "findings") == dict(e["det"]) and
         rows(js, "by_detector", "detector", "occurrences") == dict(e["det_occ"]),
         "%s: by detector" % name)
    t.ok(rows(js, "by_action", "action", "messages") == dict(e["action"]), "%s: by action" % name)
    t.ok(rows(js, "by_sender", "sender", "messages") == dict(e["sender_m"]) and
         rows(js, "by_sender", "sender", "findings") == dict(e["sender_f"]),
         "%s: by sender" % name)
    t.ok(rows(js, "by_domain", "domain", "messages") == dict(e["domain"]), "%s: by domain" % name)
    t.ok(rows(js, "by_sr", "sr", "messages") == dict(e["sr"]), "%s: by SR" % name)
    t.ok(rows(js, "exceptions", "exception", "messages") == dict(e["exc"]),
         "%s: exceptions used" % name)
    days = {k: v for k, v in e["day"].items()}
    t.ok(rows(js, "by_period", "period", "findings") == days, "%s: by day" % name)
    top = [(r["sender"], r["findings"]) for r in js.get("top_senders", [])]
    best = sorted(((s, n) for s, n in e["sender_f"].items() if n), key=lambda x: (-x[1], -e["sender_m"][x[0]], x[0]))[:10]
    t.ok(top == best, "%s: top senders by findings" % name)
    rej = js.get("rejected_messages", [])
    t.ok(sorted(r["reply"] for r in rej) == sorted(e["replies"]) and
         all(r["sender"] and r["time"] for r in rej), "%s: rejected messages with replies" % name)


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svgs = {}
        self.bars = collections.defaultdict(list)
        self.cells = collections.defaultdict(list)
        self.svg = None
        self.table = None
        self.td = None
        self.loads = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href", "srcset", "data"):
            if k in a:
                self.loads.append(a[k])
        if tag == "svg":
            self.svg = a.get("id")
            self.svgs[self.svg] = int(a.get("data-total", "-1"))
        elif tag == "rect" and self.svg and "data-value" in a:
            self.bars[self.svg].append(a)
        elif tag == "table":
            self.table = a.get("id")
        elif tag == "td":
            self.td = a.get("data-col")

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg = None
        elif tag == "td":
            self.td = None

    def handle_data(self, data):
        if self.td and self.table:
            self.cells[(self.table, self.td)].append(data)


def check_html(log, js):
    if not shutil.which("chromium"):
        t.skip("html", "chromium not installed (make deps)")
        return
    page = os.path.join(tmp, "report.html")
    rc, _, _ = report("--format", "html", "--lang", "ja", "--output", page, log)
    t.ok(rc == 0 and os.path.getsize(page) > 1000, "html: written")
    prof = os.path.join(tmp, "chromium-profile")
    p = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--user-data-dir=" + prof, "--enable-logging=stderr",
                        "--v=0", "--dump-dom", "file://" + page],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180)
    dom, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    problems = [x for x in err.splitlines()
                if "CONSOLE" in x or "Refused to" in x or "Uncaught" in x or "net::ERR" in x]
    t.ok(p.returncode == 0 and "</svg>" in dom and not problems,
         "html: chromium renders the page without errors")
    for x in problems[:5]:
        t.diag(x)
    d = Dom()
    d.feed(dom)
    tot = js.get("totals", {})
    t.ok(not d.loads, "html: nothing loaded from anywhere (%s)" % d.loads[:3])
    daily = d.bars.get("chart-daily", [])
    t.ok(d.svgs.get("chart-daily") == tot.get("findings") and
         sum(int(b["data-value"]) for b in daily) == tot.get("findings"),
         "html: findings per day chart totals %s = JSON %s" % (d.svgs.get("chart-daily"),
                                                               tot.get("findings")))
    per_day = collections.Counter()
    for b in daily:
        per_day[b["data-day"]] += int(b["data-value"])
    t.ok(dict(per_day) == {k: v for k, v in rows(js, "by_period", "period", "findings").items() if v},
         "html: each day's bars equal the JSON by_period findings")
    acts = {b["data-key"]: int(b["data-value"]) for b in d.bars.get("chart-actions", [])}
    t.ok(acts == {k: v for k, v in rows(js, "by_action", "action", "messages").items() if v} and
         d.svgs.get("chart-actions") == tot.get("messages"), "html: actions chart = JSON")
    snd = {b["data-key"]: int(b["data-value"]) for b in d.bars.get("chart-senders", [])}
    t.ok(snd == {r["sender"]: r["findings"] for r in js.get("top_senders", [])},
         "html: top senders chart = JSON top_senders")
    dom_f = {b["data-key"]: int(b["data-value"]) for b in d.bars.get("chart-domains", [])}
    t.ok(dom_f == {k: v for k, v in rows(js, "by_domain", "domain", "findings").items() if v},
         "html: top domains chart = JSON by_domain findings")
    vals = [int(x) for x in d.cells.get(("table-totals", "value"), [])]
    t.ok(vals and vals == list(tot.values())[:len(vals)] and len(vals) == len(tot),
         "html: totals table = JSON totals")
    det = d.cells.get(("table-by_detector", "findings"), [])
    t.ok(sorted(int(x) for x in det) == sorted(rows(js, "by_detector", "detector", "findings").values()),
         "html: detector table = JSON")
    shot = os.path.join(tmp, "report.png")
    p = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--user-data-dir=" + prof, "--screenshot=" + shot,
                        "--window-size=1000,1400", "file://" + page],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180)
    t.ok(p.returncode == 0 and os.path.exists(shot) and os.path.getsize(shot) > 20000,
         "html: a screenshot renders")
    shutil.rmtree(prof, ignore_errors=True)


def main():
    real = corpus_records()
    gen = subprocess.run([sys.executable, GEN, "4000", "--days", "45", "--start", "2026-10-20"],
                         stdout=subprocess.PIPE, check=True).stdout.decode().splitlines()
    lines = real + gen
    recs = [json.loads(x) for x in lines]
    t.ok(len(real) == len(smtest.corpus_messages()) and
         any(r.get("findings") for r in recs[:len(real)]),
         "corpus: one real record per message (%d), with findings" % len(real))
    log = os.path.join(tmp, "audit.log")
    with open(log, "w") as f:
        f.write("\n".join(lines) + "\n")
    e = expected(recs)
    js = rjson(log)
    check_report(js, e, "plain log")
    t.ok(rows(js, "by_host", "host", "messages").keys() >= {"relay0", "relay1", "relay2"},
         "plain log: by relay")
    secret = b"4111111111111111"
    rc, out, _ = report(log)
    t.ok(rc == 0 and b"Corrupt lines skipped" in out and b"By detector" in out and
         secret not in out, "table: English labels, no value")

    # rotated and compressed: the same numbers
    n = len(lines)
    parts = [lines[: n // 4], lines[n // 4: n // 2], lines[n // 2: 3 * n // 4], lines[3 * n // 4:]]
    files = []
    for i, (part, op) in enumerate(zip(parts, (open, gzip.open, bz2.open, lzma.open))):
        path = os.path.join(tmp, "audit.log" + (".0", ".1.gz", ".2.bz2", ".3.xz")[i])
        with op(path, "wt") as f:
            f.write("\n".join(part) + "\n")
        files.append(path)
    js2 = rjson(*files)
    check_report(js2, e, "rotated gz/bz2/xz")
    # merged twice: every record counted once
    js3 = rjson(log, *files)
    t.ok(js3.get("totals", {}).get("messages") == e["messages"] and
         js3["totals"].get("duplicates") == len(lines), "merged: duplicates counted once (%d)"
         % js3.get("totals", {}).get("duplicates", -1))
    # a cut gzip file: what could be read counts, and the exit status says so
    cut = os.path.join(tmp, "cut.gz")
    with open(files[1], "rb") as f, open(cut, "wb") as g:
        g.write(f.read()[:-200])
    rc, out, err = report("--format", "json", cut)
    t.ok(rc == 1 and "cut.gz" in err and json.loads(out)["totals"]["messages"] > 0,
         "cut gzip: exit 1, the lines before the cut are counted")

    # corrupt lines
    bad = os.path.join(tmp, "bad.log")
    good = json.loads(gen[0])
    exact = dict(good, event_id="01EXACT0000000000000000000")
    pad = MAX_LINE - len(json.dumps(dict(exact, subject=""), separators=(",", ":")))
    exact["subject"] = "x" * pad
    over = dict(exact, event_id="01OVER00000000000000000000", subject="x" * (pad + 1))
    with open(bad, "w") as f:
        f.write(gen[0] + "\n")
        f.write("garbage\n")
        f.write(gen[1][: len(gen[1]) // 2] + "\n")     # a record cut by a crash
        f.write('{"action":"accept"}\n')                 # no time
        f.write("[" * 100 + "\n")                        # too deep
        f.write(json.dumps(exact, separators=(",", ":")) + "\n")
        f.write(json.dumps(over, separators=(",", ":")) + "\n")
        f.write("\n")
        f.write(gen[2])                                  # no newline at the end
    js = rjson(bad)
    tot = js.get("totals", {})
    t.ok(tot.get("messages") == 3 and tot.get("corrupt_lines") == 5,
         "corrupt: 5 bad lines skipped and counted, 3 read (one exactly 16 MiB) "
         "(got %s/%s)" % (tot.get("messages"), tot.get("corrupt_lines")))

    # filters
    f_recs = [r for r in recs if "2026-11-03" <= r["ts"][:10] <= "2026-11-10"]
    check_report(rjson("--from", "2026-11-03", "--to", "2026-11-10", log), expected(f_recs),
                 "--from/--to days")
    m_recs = [r for r in recs if r["ts"][:7] == "2026-11"]
    js = rjson("--from", "2026-11", "--to", "2026-11", "--period", "month", log)
    t.ok(js.get("totals", {}).get("messages") == len(m_recs) and
         rows(js, "by_period", "period", "messages") == {"2026-11": len(m_recs)},
         "--from/--to months, --period month")
    js = rjson("--period", "week", log)
    weeks = rows(js, "by_period", "period", "messages")
    iso = collections.Counter()
    for r in recs:
        y, w, _ = datetime.date.fromisoformat(r["ts"][:10]).isocalendar()
        iso["%04d-W%02d" % (y, w)] += 1
    t.ok(weeks == dict(iso), "--period week: ISO weeks (%d)" % len(weeks))
    # the ISO year is the Thursday's: 2026-01-01 (a Thursday) is 2026-W01,
    # 2027-01-01 (a Friday) is 2026-W53, 2024-12-30 (a Monday) is 2025-W01
    edge = os.path.join(tmp, "edge.log")
    with open(edge, "w") as f:
        for i, day in enumerate(("2026-01-01", "2027-01-01", "2027-01-03", "2024-12-30")):
            f.write(json.dumps(dict(json.loads(gen[0]), event_id="01EDGE%020d" % i,
                                    ts=day + "T12:00:00.000+09:00")) + "\n")
    t.ok(rows(rjson("--period", "week", edge), "by_period", "period", "messages") ==
         {"2026-W01": 1, "2026-W53": 2, "2025-W01": 1}, "--period week: ISO years at year ends")
    s_recs = [r for r in recs if r["sender"].strip("<>").lower() == "user1@lab.example.com"]
    check_report(rjson("--sender", "User1@lab.example.com", log), expected(s_recs),
                 "--sender address")
    d_recs = [r for r in recs if r["sender"].strip("<>").lower().endswith("@corp.example.jp")]
    check_report(rjson("--sender", "@corp.example.jp", log), expected(d_recs), "--sender @domain")
    check_report(rjson("--detector", "password", log), expected(recs, "password"),
                 "--detector password")

    # CSV: the same numbers; Japanese labels
    rc, out, _ = report("--format", "csv", log)
    det = {r[1]: int(r[3]) for r in csv.reader(io.StringIO(out.decode()))
           if r and r[0] == "by_detector"}
    t.ok(rc == 0 and det == dict(e["det"]), "csv: by detector matches")
    rc, out, _ = report("--lang", "ja", log)
    t.ok(rc == 0 and "検出器別" in out.decode() and "壊れた行" in out.decode(),
         "--lang ja: Japanese labels")

    # usage errors, a missing file, standard input
    rc, _, err = report("--format", "pdf", log)
    t.ok(rc == 2 and "--format" in err, "usage error: exit 2")
    rc, _, err = report("--from", "2026-02-30", log)
    t.ok(rc == 2, "an impossible date: exit 2")
    rc, out, err = report("--format", "json", os.path.join(tmp, "missing.log"), log)
    t.ok(rc == 1 and "missing.log" in err and
         json.loads(out)["totals"]["messages"] == e["messages"],
         "a missing file: exit 1, the others reported")
    with open(log, "rb") as f:
        rc, out, _ = report("--format", "json", inp=f.read())
    t.ok(rc == 0 and json.loads(out)["totals"]["messages"] == e["messages"], "standard input")

    # HTML in a real browser
    check_html(log, rjson(log))



try:
    main()
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
