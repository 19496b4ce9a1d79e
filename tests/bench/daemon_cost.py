#!/usr/bin/env python3
"""daemon_cost.py - what the daemon does per support message, counted with
instruments that do not depend on the machine's load: system calls (strace),
page faults and context switches (perf stat's software counters, which need
no hardware counters), for the daemon's threads, the spawner and the scanner
workers.  Prints figures, never pass/fail.

    python3 tests/bench/daemon_cost.py            (after make; ~1 min)
    COST_N=20,220 COST_KIND=card python3 tests/bench/daemon_cost.py

Each figure is the difference between two runs of a fresh daemon
(build/support-milter -f, conf/support-milter.conf with paths under
build/cost) that scan N1 and N2 copies of the e2e message (gen_e2e.py,
20 KB), divided by N2 - N1: start-up and shutdown cancel out.  The messages
are sent one after the other, one milter connection each, by milterclient.py
as Postfix sends them (negotiation, MAIL, RCPT, DATA, a packet per header
field, body chunks of 64 KB, end of message), buffered as Postfix buffers
them (one write per round trip: negotiation, DATA, end of message, QUIT);
the counts are then nearly the same from run to run (polls and futex
wake-ups vary by a few per cent).  With the default N (20, 220) the
difference includes one worker replacement (milter.worker_messages 200):
the steady state.

Instruments: `strace -f -o` (every system call of every process and thread,
grouped by who made it: the daemon (libmilter's threads), the spawner and
the workers; a thread is told from a process by clone's CLONE_THREAD);
`perf stat -e task-clock,context-switches,page-faults` (the whole tree,
inherited counters).  task-clock depends on the load; the others barely.

Environment: COST_N (N1,N2: 20,220), COST_KIND (support, card or other),
COST_FILE (a message file to send instead of the e2e message, with
COST_KIND's recipient; e.g. a minimal support message, whose scan costs
next to nothing, shows what the hand-off to a worker costs by itself),
COST_MILTER (support; null: build/bench/null_milter, the floor, made by make bench),
COST_TOOLS (strace,perf,cpu; record: a perf profile of the N2 run in
build/cost/perf.data, for perf report), SM_BIN, SM_BUILD, SM_TOP.  Files: build/cost.
Untrusted input: the daemon's replies (bounded by milterclient).
"""
import collections
import os
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import benchlib as bl  # noqa: E402
import gen_e2e  # noqa: E402
import milterclient as mc  # noqa: E402

ENV = os.environ
N1, N2 = (int(x) for x in ENV.get("COST_N", "20,220").split(","))
KIND = ENV.get("COST_KIND", "support")
TOOLS = ENV.get("COST_TOOLS", "strace,perf,cpu").split(",")
MILTER = ENV.get("COST_MILTER", "support")  # or null: build/bench/null_milter
NULL_BIN = os.path.join(bl.BUILD, "bench", "null_milter")
D = os.path.join(bl.BUILD, "cost")
RCPT = {"other": "<sales@partner.example.com>"}.get(KIND, "<supportmail@microsoft.com>")


def fields_and_body(data):
    head, _, body = data.replace(b"\r\n", b"\n").partition(b"\n\n")
    fields = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1][1] += b"\r\n" + line
        else:
            name, _, value = line.partition(b":")
            fields.append([name.decode(), value])
    return fields, body.replace(b"\n", b"\r\n")


class BufferedClient(mc.MilterClient):
    """Packets that need no reply are buffered and go out with the next one
    that does, as Postfix's milter client (milter8.c) flushes its stream
    only when it waits for a reply: one write per round trip."""

    def __init__(self, path):
        super().__init__(path)
        self.out = bytearray()

    def _send(self, cmd, data=b""):
        self.out += len(data).__add__(1).to_bytes(4, "big") + cmd + data

    def _recv(self):
        if self.out:
            self.s.sendall(self.out)
            self.out.clear()
        return super()._recv()

    def close(self):
        self._send(b"Q")
        self.s.sendall(self.out)
        self.s.close()


def send(sock, fields, body):
    c = BufferedClient(sock)
    c.negotiate()
    lead = c.proto & 0x100000
    r = c.envelope("<tester@example.co.jp>", [RCPT])
    for name, value in fields:
        r = r or c.header(name, value if lead else value.lstrip(b" "))
    r = r or c.eoh()
    r = r or c.body(body)
    r = r or c.eom()
    c.close()
    return r[0] if r else "?"


def run(n, tool, out):
    """A fresh daemon under tool scans n messages; the verdicts seen."""
    rd = os.path.join(D, "run")
    shutil.rmtree(rd, ignore_errors=True)
    os.makedirs(rd)
    wrap = {"cpu": [], "strace": ["strace", "-f", "-qq", "-o", out],
            "perf": ["perf", "stat", "-x", ",", "-o", out, "-e",
                     "task-clock,context-switches,cpu-migrations,page-faults"],
            "record": ["perf", "record", "-q", "-e", ENV.get("COST_EVENT", "cpu-clock"), "-c", "1", "-g",
                       "-o", out]}[tool]
    # cpu: no worker is replaced, so that every worker's time is still in /proc
    limits = {"worker_messages": 1000000} if tool == "cpu" else None
    d = bl.Daemon(rd, bl.daemon_conf(rd, limits), wrap=wrap)
    if MILTER == "null":  # the floor: the same protocol, no work
        d.ready = lambda: os.path.exists(d.sock)
        d.start = lambda: null_start(d)
    if not d.start():
        sys.exit("bench cost: the daemon did not start (%s)" % d.why())
    if ENV.get("COST_FILE"):
        with open(ENV["COST_FILE"], "rb") as f:
            fields, body = fields_and_body(f.read(1 << 20))
    else:
        fields, body = fields_and_body(gen_e2e.message(KIND, 20000, __import__("datetime").date.today()))
    seen = collections.Counter()
    try:
        for _ in range(n):
            seen[send(d.sock, fields, body)] += 1
        if tool == "cpu":
            with open(out, "w") as f:
                f.write(repr(tree_sched(d.proc.pid)))
    finally:
        stop(d)
    return seen


def sched_ns(pid):
    """CPU nanoseconds of every thread of pid (schedstat), user and system
    ticks (stat), voluntary and involuntary context switches (status)."""
    ns = 0
    try:
        for t in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
                ns += int(f.read().split()[0])
        with open("/proc/%d/stat" % pid) as f:
            st = f.read().rsplit(")", 1)[1].split()
        sw = [0, 0]
        for t in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/status" % (pid, t)) as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches"):
                        sw[0] += int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches"):
                        sw[1] += int(line.split()[1])
        return [ns, int(st[11]), int(st[12]), int(st[7]), sw[0], sw[1]]
    except (OSError, IndexError, ValueError):
        return [0] * 6


def tree_sched(root):
    """{daemon, spawner, worker: [ns, utime, stime, minflt, vcsw, ivcsw]}."""
    pp = bl.parents()
    out = {"daemon": sched_ns(root), "spawner": [0] * 6, "worker": [0] * 6}
    for sp in [c for c, p in pp.items() if p == root]:
        out["spawner"] = [a + b for a, b in zip(out["spawner"], sched_ns(sp))]
        for w in [c for c, p in pp.items() if p == sp]:
            out["worker"] = [a + b for a, b in zip(out["worker"], sched_ns(w))]
    return out


def null_start(d):
    with open(d.log, "ab") as logf:
        d.proc = subprocess.Popen(d.wrap + [NULL_BIN, "unix:" + d.sock], stdout=logf, stderr=logf)
    return bool(bl.wait_for(lambda: d.ready() or d.proc.poll() is not None, 60, 0.1)) and \
        d.proc.poll() is None


def stop(d):
    """SIGTERM to the daemon itself (a wrapper prints its figures when its
    child ends), then the wrapper's end."""
    kids = [c for c, p in bl.parents().items() if p == d.proc.pid]
    if d.proc.poll() is None and kids:
        os.kill(kids[0], 15)
        try:
            d.proc.wait(60)
        except subprocess.TimeoutExpired:
            pass
    d.stop()


CLONE = re.compile(r"^(\d+)\s+(clone3?|fork|vfork)\((.*?)(<unfinished \.\.\.>|\)\s+=\s+(\d+))")
RESUMED = re.compile(r"^(\d+)\s+<\.\.\. (clone3?|fork|vfork) resumed>.*\)\s+=\s+(\d+)")
CALL = re.compile(r"^(\d+)\s+([a-z0-9_]+)\(")


def processes(path):
    """{tid: (tgid, kind)}: a clone with CLONE_THREAD makes a thread of its
    caller's process; any other a process, the daemon's first the spawner,
    the spawner's the workers."""
    group, kind, pending, root = {}, {}, {}, None
    with open(path, errors="replace") as f:
        for line in f:
            if root is None and line[:1].isdigit():
                root = int(line.split()[0])
                group[root], kind[root] = root, "daemon"
            m, r = CLONE.match(line), RESUMED.match(line)
            if m and m.group(5) is None:
                pending[int(m.group(1))] = m.group(3)
                continue
            if m:
                parent, flags, child = int(m.group(1)), m.group(3), int(m.group(5))
            elif r:
                parent, flags, child = int(r.group(1)), pending.pop(int(r.group(1)), ""), int(r.group(3))
            else:
                continue
            g = group.setdefault(parent, parent)
            if "CLONE_THREAD" in flags:
                group[child] = g
            else:
                group[child] = child
                kind[child] = "spawner" if kind.get(g) == "daemon" else "worker"
    return {t: kind.get(g, "?") for t, g in group.items()}


def strace_counts(path):
    """{who: Counter(syscall)} where who is daemon, spawner or worker."""
    who = processes(path)
    counts = collections.defaultdict(collections.Counter)
    with open(path, errors="replace") as f:
        for line in f:
            m = CALL.match(line)
            if m:  # "<... x resumed>" halves do not match: each call counted once
                counts[who.get(int(m.group(1)), "?")][m.group(2)] += 1
    return counts


def perf_counts(path):
    out = {}
    with open(path) as f:
        for line in f:
            parts = line.strip().split(",")
            if len(parts) > 2 and parts[0] and parts[0][0].isdigit():
                out[parts[2]] = float(parts[0])
    return out


def main():
    os.makedirs(D, exist_ok=True)
    n = N2 - N1
    print("bench cost: %s-milter, %s message%s, per message = (run of %d - run of %d) / %d; commit %s" % (
        MILTER, KIND, " (%s)" % ENV["COST_FILE"] if ENV.get("COST_FILE") else "", N2, N1, n, subprocess.run(["git", "-C", bl.TOP, "rev-parse", "--short", "HEAD"],
                                        capture_output=True, text=True).stdout.strip()))
    if "strace" in TOOLS:
        a, b = os.path.join(D, "strace.1"), os.path.join(D, "strace.2")
        v1, v2 = run(N1, "strace", a), run(N2, "strace", b)
        ca, cb = strace_counts(a), strace_counts(b)
        for who in ("daemon", "spawner", "worker", "?"):
            diff = {k: (cb[who][k] - ca[who][k]) / n for k in set(ca[who]) | set(cb[who])}
            tot = sum(diff.values())
            top = ", ".join("%s %.2f" % (k, v) for k, v in
                            sorted(diff.items(), key=lambda kv: -abs(kv[1])) if abs(v) >= 0.005)
            print("bench cost: syscalls %-7s %6.2f: %s" % (who, tot, top or "-"))
        print("bench cost: verdicts %s / %s" % (dict(v1), dict(v2)))
    if "cpu" in TOOLS:
        a, b = os.path.join(D, "cpu.1"), os.path.join(D, "cpu.2")
        run(N1, "cpu", a)
        run(N2, "cpu", b)
        with open(a) as f:
            ca = eval(f.read())  # noqa: S307 (our own repr of a dict of lists)
        with open(b) as f:
            cb = eval(f.read())  # noqa: S307
        for who in ("daemon", "spawner", "worker"):
            d = [(y - x) / n for x, y in zip(ca[who], cb[who])]
            print("bench cost: cpu %-7s %.3f ms (user %.3f, sys %.3f ms by ticks), minor faults "
                  "%.2f, context switches %.2f voluntary %.2f involuntary" % (
                      who, d[0] / 1e6, d[1] * 1000 / bl.TICK, d[2] * 1000 / bl.TICK, d[3], d[4],
                      d[5]))
    if "record" in TOOLS:  # a profile of the N2 run: perf report -i build/cost/perf.data
        run(N2, "record", os.path.join(D, "perf.data"))
    if "perf" in TOOLS:
        a, b = os.path.join(D, "perf.1"), os.path.join(D, "perf.2")
        run(N1, "perf", a)
        run(N2, "perf", b)
        pa, pb = perf_counts(a), perf_counts(b)
        print("bench cost: perf (whole tree) " + ", ".join(
            "%s %.3f" % (k, (pb.get(k, 0) - pa.get(k, 0)) / n) for k in
            ("task-clock", "context-switches", "cpu-migrations", "page-faults")) +
            " (task-clock in ms: load-dependent)")


if __name__ == "__main__":
    main()
