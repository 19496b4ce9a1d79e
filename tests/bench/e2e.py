#!/usr/bin/env python3
"""e2e.py - benchmark item 3: messages/s and CPU per message end to end
through a private Postfix on loopback, without a milter, with support-milter,
with MIMEDefang (the peer, ../shared/notes/peer.md) and with null-milter (the
floor), each milter over a unix: and an inet: socket, on 20 KB support mail
with and without a card number and on 20 KB unrelated mail.  Prints figures,
never pass/fail.

    python3 tests/bench/e2e.py          (make bench runs it through e2e.sh)

  smtp-source -F msg -> smtpd 127.0.0.1:P0 (no milter)       -> qmgr -> smtp -> smtp-sink
                     -> smtpd 127.0.0.1:Pn (one per milter and socket kind)
The Postfix is the tests' fixture (tests/milter/postfix.py) with one smtpd
listener per configuration, differing only in smtpd_milters, so the
configurations share queue, delivery and sink.  Milters: support-milter
(conf/support-milter.conf, paths under build/e2e/sm-SOCK), MIMEDefang 3.3
(mimedefang-multiplexor -m 2 -x 10 with ../shared/notes/peer/mimedefang-filter,
one mimedefang per socket kind on the same multiplexor), null-milter
(tests/bench/null_milter.c: libmilter with support-milter's negotiation and
no work, the floor of any libmilter filter here).  support-milter and
null-milter set TCP_NODELAY on their inet: listeners; MIMEDefang cannot.

Each configuration runs independently: one that fails to start, answers the
probe message with anything but 250, or fails a run (smtp-source error, mail
not delivered) is reported on its own line with the reason and left out of
the remaining runs; the other figures are still printed.

A run sends N copies of one message with S concurrent sessions (a new SMTP
connection per message unless E2E_REUSE=1) and ends when the sink has all N;
msg/s = N / (first connection .. last message in the sink).  Runs are
interleaved (round 1: support postfix, support support-milter unix, ...;
card ...; other ...; round 2 ...) and the table gives medians and ratios of
the medians, each milter beside null-milter on the same socket, and the
CPU ratio to that floor (CPU(null-milter) / CPU(milter)).  Each run
is checked: N delivered, the card masked (support-milter: everywhere;
MIMEDefang: in text/plain, as its filter does), MIMEDefang's X-Peer header,
null-milter's header; a failed check is printed in the run's line.  The
milter's CPU time per message is read from /proc, and so is the CPU time of
everything in the path (Postfix's processes, smtp-source, smtp-sink, the
milter): on a shared machine CPU time per message is far less noisy than
wall time, and on a CPU-bound 2-core box CPU(postfix alone) / CPU(config) is
what the msg/s ratio tends to.

Environment: E2E_MESSAGES (1000 per run), E2E_MD_MESSAGES (250: MIMEDefang
is ~8x slower), E2E_ROUNDS (3), E2E_SESSIONS (4), E2E_SIZE (20000 bytes),
E2E_REUSE (0), E2E_CONFIGS (postfix,support-milter,mimedefang,null-milter),
E2E_SOCKETS (unix,inet), E2E_KINDS (support,card,other), E2E_CALLGRIND (N:
instead, the instructions per message of support-milter and null-milter
under callgrind for N messages of each kind, unix: socket), E2E_MACROS
(minimal: the milter_*_macros lists of contrib/postfix-main.cf, what
support-milter reads; postfix: Postfix's defaults), E2E_PROFILE=1 (Postfix's
processes kept for the whole run, and each run also prints the CPU per
message of the listener's smtpd processes, of cleanup and of the milter),
E2E_TIMEOUT (600 s per run), SM_BIN, SM_BUILD, SM_TOP, SM_SHARED.
Untrusted input: none (messages are generated).  Limits: every wait is
bounded.  Run directory: build/e2e (queue, sink, logs, the milters' spools);
files are removed only there.  Only processes started here are signalled.
"""
import os
import pwd
import resource
import shutil
import smtplib
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "milter"))
import benchlib as bl  # noqa: E402
import gen_e2e  # noqa: E402
import postfix as pfx  # noqa: E402  (the tests' Postfix fixture)

ENV = os.environ
N = int(ENV.get("E2E_MESSAGES", "1000"))
N_MD = int(ENV.get("E2E_MD_MESSAGES", "250"))
ROUNDS = int(ENV.get("E2E_ROUNDS", "3"))
SESS = int(ENV.get("E2E_SESSIONS", "4"))
SIZE = int(ENV.get("E2E_SIZE", "20000"))
REUSE = ENV.get("E2E_REUSE", "0") == "1"
TIMEOUT = float(ENV.get("E2E_TIMEOUT", "600"))
CONFIGS = ENV.get("E2E_CONFIGS", "postfix,support-milter,mimedefang,null-milter").split(",")
SOCKETS = ENV.get("E2E_SOCKETS", "unix,inet").split(",")
KINDS = ENV.get("E2E_KINDS", "support,card,other").split(",")
MACROS = ENV.get("E2E_MACROS", "minimal")
PROFILE = ENV.get("E2E_PROFILE", "0") == "1"
SHARED = ENV.get("SM_SHARED", os.path.join(bl.TOP, "..", "shared"))
FILTER = os.path.join(SHARED, "notes", "peer", "mimedefang-filter")
SENDER = "yamada@example.co.jp"
RCPT = {"support": "supportmail@microsoft.com", "card": "supportmail@microsoft.com",
        "other": "sales@partner.example.com"}
MILTERS = ("support-milter", "mimedefang", "null-milter")
D = os.path.join(bl.BUILD, "e2e")

# E2E_MACROS=postfix: Postfix's own defaults instead of the fixture's lists
# (contrib/postfix-main.cf's); in main.cf the last value of a parameter wins.
MACRO_LISTS = ["milter_%s_macros" % e for e in ("connect", "helo", "mail", "rcpt", "data",
                                                 "end_of_header", "end_of_data",
                                                 "unknown_command")]

# E2E_PROFILE: no smtpd or cleanup exits during a run, so /proc has all their CPU.
KEEP_PROCESSES = "max_use = 1000000\nmax_idle = 3600s\n"


def say(msg):
    print("bench e2e: " + msg, flush=True)


def die(msg, pf=None):
    print("bench e2e: " + msg, file=sys.stderr)
    if pf:
        sys.stderr.write("".join(pf.log().splitlines(True)[-15:]))
    raise SystemExit(1)


def fresh_dir(path, owner=None, mode=0o755):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    if owner:
        os.chown(path, owner.pw_uid, owner.pw_gid)
    os.chmod(path, mode)


def last_line(text):
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    return lines[-1][-240:] if lines else "no output"


def pidfile(path):
    try:
        with open(path) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def main_extra():
    extra = ""
    if MACROS == "postfix":
        extra += subprocess.run(["postconf", "-d"] + MACRO_LISTS, stdout=subprocess.PIPE,
                                text=True, timeout=30).stdout
    return extra + (KEEP_PROCESSES if PROFILE else "")


class Config:
    """One configuration: Postfix alone, or one milter on one socket kind.
    failed is None or why it was left out."""

    def __init__(self, milter, sock=""):
        self.milter, self.sock = milter, sock
        self.name = "%s %s" % (milter, sock) if sock else milter
        self.inet_port = bl.free_port() if sock == "inet" else None
        self.dir = os.path.join(D, "%s-%s" % ({"support-milter": "sm", "mimedefang": "md",
                                               "null-milter": "nm"}.get(milter, "pf"), sock))
        self.unix_path = os.path.join(self.dir, "milter.sock")
        self.failed = None
        self.pid = 0
        self.cpu = lambda: 0.0

    def listen_spec(self):
        """The socket as libmilter names it."""
        return "inet:%d@127.0.0.1" % self.inet_port if self.inet_port else "unix:" + self.unix_path

    def smtpd_milters(self):
        """The socket as Postfix names it."""
        return ("inet:127.0.0.1:%d" % self.inet_port if self.inet_port else
                "unix:" + self.unix_path)

    def ready(self):
        return bl.listening(self.inet_port) if self.inet_port else os.path.exists(self.unix_path)

    def fail(self, why):
        if not self.failed:
            self.failed = why
            say("%-20s FAILED: %s" % (self.name, why))

    def count(self):
        return N_MD if self.milter == "mimedefang" else N


def configs_wanted(sockets=None):
    out = [Config("postfix")] if "postfix" in CONFIGS else []
    for m in MILTERS:
        if m in CONFIGS:
            out += [Config(m, s) for s in (sockets or SOCKETS)]
    return out


class Bench:
    def __init__(self, configs):
        self.configs = configs
        shutil.rmtree(os.path.join(D, "postfix"), ignore_errors=True)  # no old queue files
        self.pf = pfx.Postfix(D, None, [(c.name, c.smtpd_milters()) for c in configs
                                        if c.milter != "postfix"], main_extra(), 256)
        self.daemons, self.procs, self.md_pids = [], [], []
        self.mx = None  # the multiplexor: None not tried, "" running, else why not

    def port(self, c):
        return self.pf.ports.get(c.name, self.pf.port)

    # ---------------------------------------------------------- Postfix
    def start_postfix(self):
        self.pf.setup()
        if not self.pf.start_sink():
            die("smtp-sink did not start")
        if not self.pf.start():
            die("postfix did not start", self.pf)

    # ---------------------------------------------------------- milters
    def start(self, c, wrap=None):
        """Start c's milter; False (c failed, with the reason) if it did not."""
        if c.milter == "postfix":
            return True
        try:
            why = {"support-milter": self.start_support_milter, "null-milter": self.start_null_milter,
                   "mimedefang": self.start_mimedefang}[c.milter](c, wrap)
        except (OSError, subprocess.SubprocessError, KeyError) as e:
            why = "%s: %s" % (type(e).__name__, e)
        if why:
            c.fail(why)
        return not why

    def start_support_milter(self, c, wrap):
        fresh_dir(c.dir)
        d = bl.Daemon(c.dir, bl.daemon_conf(c.dir), wrap, c.inet_port)
        self.daemons.append(d)
        if not d.start():
            return "did not start: " + d.why()
        c.pid = d.proc.pid
        # the daemon and its scanner workers, live or reaped
        c.cpu = lambda: bl.tree_cpu([d.proc.pid], 1)
        return None

    def start_null_milter(self, c, wrap):
        """tests/bench/null_milter.c: libmilter and the same negotiation as
        support-milter, no work (the floor of any libmilter filter)."""
        exe = os.path.join(bl.BUILD, "bench", "null_milter")
        if not os.access(exe, os.X_OK):
            return exe + " missing (make bench builds it)"
        fresh_dir(c.dir)
        logpath = os.path.join(c.dir, "null.log")
        with open(logpath, "w") as log:
            p = subprocess.Popen((wrap or []) + [exe, c.listen_spec()], stdout=log,
                                 stderr=subprocess.STDOUT)
        self.procs.append(p)
        if not bl.wait_for(lambda: c.ready() or p.poll() is not None, 60, 0.1) or p.poll() is not None:
            with open(logpath, errors="replace") as f:
                return "did not start: " + last_line(f.read())
        if not c.inet_port:
            os.chmod(c.unix_path, 0o666)
        c.pid = p.pid
        c.cpu = lambda: bl.proc_cpu(p.pid)
        return None

    def start_multiplexor(self):
        """mimedefang-multiplexor, once for both sockets: None or why not."""
        if self.mx is not None:
            return self.mx or None
        self.mx = "not started"
        if not shutil.which("mimedefang-multiplexor"):
            self.mx = "mimedefang missing (make bench-deps)"
            return self.mx
        # the workers die at start when a module is missing (Net::DNS: libnet-dns-perl)
        t = subprocess.run(["mimedefang.pl", "-f", FILTER, "-test"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=60, cwd="/")
        if t.returncode != 0:
            self.mx = "its workers cannot start: mimedefang.pl -test: " + last_line(t.stdout)
            return self.mx
        spool = os.path.join(D, "md")
        fresh_dir(spool, pwd.getpwnam("defang"), 0o750)
        filt = os.path.join(spool, "mimedefang-filter")
        shutil.copyfile(FILTER, filt)
        os.chmod(filt, 0o644)
        j = lambda x: os.path.join(spool, x)  # noqa: E731
        p = subprocess.run(["mimedefang-multiplexor", "-l", "-E", "-m", "2", "-x", "10", "-U",
                            "defang", "-z", spool, "-F", filt, "-s", j("mx.sock"), "-p",
                            j("mx.pid"), "-o", j("mx.lock")], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=30)
        if p.returncode != 0 or not bl.wait_for(lambda: os.path.exists(j("mx.sock")), 20):
            self.mx = "mimedefang-multiplexor did not start: " + last_line(p.stdout)
            return self.mx
        self.md_pids.append(pidfile(j("mx.pid")))
        self.mx = ""
        return None

    def start_mimedefang(self, c, wrap):
        why = self.start_multiplexor()
        if why:
            return why
        spool = os.path.join(D, "md")
        j = lambda x: os.path.join(spool, x)  # noqa: E731
        # the socket is made by user defang with umask 077: its own directory,
        # and opened up for Postfix's smtpd once it exists
        fresh_dir(c.dir, pwd.getpwnam("defang"), 0o755)
        p = subprocess.run(["mimedefang", "-U", "defang", "-z", spool, "-m", j("mx.sock"),
                            "-p", c.listen_spec(), "-P", j("md-%s.pid" % c.sock),
                            "-o", j("md-%s.lock" % c.sock)], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=30)
        if p.returncode != 0 or not bl.wait_for(c.ready, 20):
            return "did not start: " + last_line(p.stdout)
        if not c.inet_port:
            os.chmod(c.unix_path, 0o666)
        c.pid = pidfile(j("md-%s.pid" % c.sock))
        self.md_pids.append(c.pid)
        roots = [self.md_pids[0], c.pid]
        c.cpu = lambda: bl.tree_cpu(roots)
        return None

    def stop(self):
        self.pf.stop()
        for pid in self.md_pids:
            if pid > 0:
                try:
                    os.kill(pid, 15)
                except OSError:
                    pass
        for d in self.daemons:
            d.stop()
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()

    # ---------------------------------------------------------- runs
    def sink_count(self):
        return sum(1 for _ in os.scandir(self.pf.sink_dir))

    def settle(self, n_sink=0, timeout=60):
        """Wait until the queue is empty (and the sink has n_sink), then empty the sink."""
        ok = bl.wait_for(lambda: self.pf.queue_files() == 0 and self.sink_count() >= n_sink,
                         timeout, 0.1)
        self.pf.clear_sink()
        return ok

    def probe(self, c):
        """One support message through c's listener: 250 or c fails with the reply."""
        with open(os.path.join(D, "support.eml"), "rb") as f:
            data = f.read()
        try:
            code, text = self.pf.send(SENDER, [RCPT["support"]], data, self.port(c))
        except (OSError, smtplib.SMTPException) as e:
            code, text = 0, "%s: %s" % (type(e).__name__, e)
        if code != 250:
            c.fail("probe message answered %s %s%s" % (code or "-", last_line(text), self.why(c)))
        return code == 250

    @staticmethod
    def why(c):
        """For support-milter: its log's last line of its own (not valgrind's)."""
        if c.milter != "support-milter":
            return ""
        try:
            with open(os.path.join(c.dir, "daemon.log"), errors="replace") as f:
                own = [x.strip() for x in f if x.strip() and not x.startswith(("==", "--"))]
        except OSError:
            return ""
        return " (daemon: %s)" % own[-1][-200:] if own else ""

    def send(self, c, kind, n):
        cmd = ["smtp-source", "-s", str(SESS), "-m", str(n), "-F", os.path.join(D, kind + ".eml"),
               "-f", SENDER, "-t", RCPT[kind], "-M", "client.bench.invalid"]
        if REUSE:
            cmd.append("-d")
        return subprocess.run(cmd + ["127.0.0.1:%d" % self.port(c)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=TIMEOUT)

    def pipeline_cpu(self):
        """CPU seconds so far of this Postfix (master and its children, live or
        reaped), smtp-sink and the smtp-source runs (reaped children of this
        process)."""
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (bl.tree_cpu([self.pf.master_pid(), self.pf.sink.pid if self.pf.sink else 0], 1) +
                ru.ru_utime + ru.ru_stime)

    def procs_cpu(self, c):
        """E2E_PROFILE: own CPU seconds (user, system) so far of c's smtpd
        processes, of this Postfix's cleanup processes and of c's milter
        process and its live children (scanner workers): {name: [user, sys]}.
        Only children of our master count."""
        port = ":%d " % self.port(c)
        master = self.pf.master_pid()
        pp = bl.parents()
        out = {"smtpd": [0.0, 0.0], "cleanup": [0.0, 0.0], "milter": [0.0, 0.0]}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            pid = int(name)
            mine = bool(c.pid) and (pid == c.pid or pp.get(pid) == c.pid)  # milter, workers
            if not mine and pp.get(pid) != master:
                continue
            try:
                with open("/proc/%s/cmdline" % name) as f:
                    cmd = f.read().replace("\0", " ")
                with open("/proc/%s/stat" % name) as f:
                    st = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            key = ("milter" if mine else "cleanup" if cmd.startswith("cleanup ")
                   else "smtpd" if cmd.startswith("smtpd ") and port in cmd else None)
            if key:
                out[key][0] += int(st[11]) / bl.TICK
                out[key][1] += int(st[12]) / bl.TICK
        return out

    def run(self, c, kind, n):
        """One run; its figures, or None (c failed, with the reason)."""
        self.pf.clear_sink()
        prof0 = self.procs_cpu(c) if PROFILE else None
        cpu0, pipe0 = c.cpu(), self.pipeline_cpu()
        t0 = time.monotonic()
        try:
            p = self.send(c, kind, n)
        except subprocess.TimeoutExpired:
            c.fail("%s: smtp-source still running after %.0f s" % (kind, TIMEOUT))
            self.settle()
            return None
        t_src = time.monotonic() - t0
        if p.returncode != 0:
            c.fail("%s: smtp-source: %s" % (kind, last_line(p.stdout.decode(errors="replace"))))
            self.settle()
            return None
        if not bl.wait_for(lambda: self.sink_count() >= n, TIMEOUT, 0.01):
            c.fail("%s: only %d of %d delivered in %.0f s" % (kind, self.sink_count(), n, TIMEOUT))
            self.settle()
            return None
        t = time.monotonic() - t0
        cpu = c.cpu() - cpu0
        pipe = self.pipeline_cpu() - pipe0
        prof = ""
        if PROFILE:
            prof1 = self.procs_cpu(c)
            prof = "; user/sys ms/msg " + ", ".join(
                "%s %.2f/%.2f" % (k, 1000 * (prof1[k][0] - prof0[k][0]) / n,
                                  1000 * (prof1[k][1] - prof0[k][1]) / n)
                for k in ("smtpd", "cleanup", "milter") if k != "milter" or c.pid)
        return {"n": n, "src": t_src, "t": t, "rate": n / t, "cpu_ms": 1000 * cpu / n,
                "all_ms": 1000 * (cpu + pipe) / n, "check": self.check(c, kind, n) + prof}

    def check(self, c, kind, n):
        files = self.pf.sink_files()
        if len(files) != n:
            return "FAIL %d delivered" % len(files)
        with open(files[len(files) // 2], "rb") as f:
            data = f.read()
        # the card is in both parts; the peer's filter masks text/plain only
        seen, sent = data.count(gen_e2e.card_number().encode()), 2
        if kind == "card" and c.milter == "support-milter" and seen:
            return "FAIL card not masked"
        if kind == "card" and c.milter == "mimedefang" and seen >= sent:
            return "FAIL card not masked in text/plain"
        if kind == "card" and c.milter in ("postfix", "null-milter") and seen != sent:
            return "FAIL card changed"
        if c.milter == "null-milter" and (kind != "other") != (b"X-Null-Milter: 1" in data):
            return "FAIL X-Null-Milter header"
        if c.milter == "mimedefang" and b"X-Peer: mimedefang" not in data:
            return "FAIL no X-Peer"
        return "ok"


def fmt(x, spec="%.2f"):
    return spec % x if x == x else "-"


def ratio(a, b):
    return "%.2f" % (a / b) if a == a and b == b and b > 0 else "-"


def report(configs, results):
    """Medians per kind and configuration, each milter beside null-milter on
    the same socket (the floor); then the peers and the socket kinds compared."""
    nan = float("nan")
    med = {key: {f: bl.median([r[f] for r in rs]) for f in ("rate", "cpu_ms", "all_ms")}
           for key, rs in results.items() if rs}
    get = lambda name, k, f: med.get((name, k), {}).get(f, nan)  # noqa: E731
    say("medians of %d rounds.  msg/s: delivered per second (/pf: ratio to Postfix alone); "
        "CPU: ms per message of everything (Postfix, smtp-source, smtp-sink, the milter), "
        "pf/x = CPU(Postfix alone) / CPU(x); milter: the milter's own CPU ms per message; "
        "floor: null-milter (libmilter doing nothing) on the same socket, measured in the same "
        "rounds; +floor: the milter's CPU above it" % ROUNDS)
    say("%-8s %-20s %6s %5s %7s %5s %7s | %-16s %6s %5s %5s %7s %7s" % (
        "messages", "config", "msg/s", "/pf", "CPU ms", "pf/x", "milter", "floor", "msg/s",
        "/pf", "pf/x", "milter", "+floor"))
    by_name = {c.name: c for c in configs}
    for k in KINDS:
        pr, pa = get("postfix", k, "rate"), get("postfix", k, "all_ms")
        for c in configs:
            if (c.name, k) not in med:
                say("%-8s %-20s FAILED: %s" % (k, c.name, c.failed or "no figures"))
                continue
            r, a, m = get(c.name, k, "rate"), get(c.name, k, "all_ms"), get(c.name, k, "cpu_ms")
            line = "%-8s %-20s %6.0f %5s %7.2f %5s %7s" % (
                k, c.name, r, ratio(r, pr), a, ratio(pa, a),
                fmt(m) if c.milter != "postfix" else "-")
            nm = "null-milter " + c.sock
            if c.milter in ("support-milter", "mimedefang") and nm in by_name:
                nr, na, nc = get(nm, k, "rate"), get(nm, k, "all_ms"), get(nm, k, "cpu_ms")
                line += " | %-16s %6s %5s %5s %7s %7s" % (
                    nm, fmt(nr, "%.0f"), ratio(nr, pr), ratio(pa, na), fmt(nc), fmt(m - nc, "%+.2f"))
            say(line)
            if c.failed:
                say("%-8s %-20s left out after: %s" % (k, c.name, c.failed))
    for k in KINDS:
        for s in SOCKETS:
            sm, md = "support-milter " + s, "mimedefang " + s
            if (sm, k) in med and (md, k) in med:
                say("%-8s support-milter / mimedefang, %s: msg/s %s x, milter's own CPU %s x "
                    "cheaper" % (k, s, ratio(get(sm, k, "rate"), get(md, k, "rate")),
                                 ratio(get(md, k, "cpu_ms"), get(sm, k, "cpu_ms"))))
        floor = ["%s %s %s" % (m, s, ratio(get("null-milter " + s, k, "all_ms"), get(m + " " + s, k, "all_ms")))
                 for m in ("support-milter", "mimedefang") for s in SOCKETS
                 if (m + " " + s, k) in med and ("null-milter " + s, k) in med]
        if floor:
            say("%-8s CPU ratio to the floor, CPU(null-milter) / CPU(x), same socket and rounds: %s"
                % (k, ", ".join(floor)))
        if "unix" in SOCKETS and "inet" in SOCKETS:
            pairs = ["%s %s" % (m, ratio(get(m + " inet", k, "rate"), get(m + " unix", k, "rate")))
                     for m in MILTERS if (m + " inet", k) in med and (m + " unix", k) in med]
            if pairs:
                say("%-8s msg/s inet: / unix: %s" % (k, ", ".join(pairs)))


def callgrind_ir(pid, out):
    """Instructions the process executed since the last zeroing (callgrind dump)."""
    d, base = os.path.dirname(out), os.path.basename(out)
    for f in os.listdir(d):
        if f.startswith(base + "."):
            os.unlink(os.path.join(d, f))
    subprocess.run(["callgrind_control", "-d", str(pid)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    total = 0
    for f in os.listdir(d):
        if f.startswith(base + "."):
            with open(os.path.join(d, f)) as fh:
                for line in fh:
                    if line.startswith("summary:") or line.startswith("totals:"):
                        total = max(total, int(line.split()[1]))
    return total


def callgrind_mode(n):
    """E2E_CALLGRIND=N: support-milter and null-milter (the floor) under
    callgrind on the first socket kind of E2E_SOCKETS; the instructions each
    executes per message for N messages of each kind through Postfix
    (user space only; noise-free, unlike msg/s).  Since scanning runs in
    forked, sandboxed workers the daemon cannot start them under valgrind
    3.19 (no pidfd_open): support-milter is then reported as failed with the
    daemon's reason; tests/bench/count.sh counts the scan in process."""
    global CONFIGS
    CONFIGS = ["support-milter", "null-milter"]
    configs = configs_wanted(SOCKETS[:1])
    b = Bench(configs)
    outs = {}
    try:
        b.start_postfix()
        for c in configs:
            outs[c.name] = os.path.join(c.dir + "-callgrind", "cg.out")
            fresh_dir(os.path.dirname(outs[c.name]))
            if b.start(c, ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + outs[c.name]]):
                b.probe(c)
        b.settle(0)
        for c in configs:
            if not c.failed:
                b.run(c, "support", min(20, n))  # warm-up
        for kind in KINDS:
            irs = {}
            for c in configs:
                if c.failed:
                    continue
                callgrind_ir(c.pid, outs[c.name])
                r = b.run(c, kind, n)
                if r:
                    irs[c.name] = callgrind_ir(c.pid, outs[c.name]) / n
                    say("callgrind %-8s %d messages: %-20s %10.0f instructions per message  %s" % (
                        kind, n, c.name, irs[c.name], r["check"]))
            if len(irs) == 2:
                sm, nm = irs[configs[0].name], irs[configs[1].name]
                say("callgrind %-8s support-milter above the floor (null-milter): %.0f "
                    "instructions per message (%.1fx the floor)" % (kind, sm - nm, sm / nm))
        for c in configs:
            if c.failed:
                say("callgrind %-20s FAILED: %s" % (c.name, c.failed))
    finally:
        b.stop()


def main():
    os.makedirs(D, exist_ok=True)
    for tool in ("postfix", "smtp-source", "smtp-sink"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            die("%s missing (make bench-deps)" % tool)
    gen_e2e.main_args(D, SIZE)
    if ENV.get("E2E_CALLGRIND"):
        return callgrind_mode(int(ENV["E2E_CALLGRIND"]))
    configs = configs_wanted()
    b = Bench(configs)
    try:
        b.start_postfix()
        for c in configs:
            if b.start(c):
                b.probe(c)
        if not b.settle(sum(1 for c in configs if not c.failed)):
            say("probe messages not all delivered within 60 s")
        sizes = ", ".join("%s %d" % (k, os.path.getsize(os.path.join(D, k + ".eml"))) for k in KINDS)
        say("%d rounds, %d sessions, %s, message bytes: %s; %d messages per run "
            "(MIMEDefang %d); load average %s" % (
                ROUNDS, SESS, "connection reused (-d)" if REUSE else "one connection per message",
                sizes, N, N_MD, " ".join("%.2f" % x for x in os.getloadavg())))
        for c in configs:  # warm-up: processes spawned, caches filled (not measured)
            if not c.failed:
                b.run(c, "support", min(50, c.count()))
        results = {}
        for rnd in range(1, ROUNDS + 1):
            for kind in KINDS:
                for c in configs:
                    if c.failed:
                        continue
                    r = b.run(c, kind, c.count())
                    if not r:
                        continue
                    results.setdefault((c.name, kind), []).append(r)
                    say("round %d %-8s %-20s %5d msgs: smtp %5.2f s, delivered %5.2f s: "
                        "%4.0f msg/s; CPU ms/msg: milter %5.2f, all %5.2f  %s" % (
                            rnd, kind, c.name, r["n"], r["src"], r["t"], r["rate"], r["cpu_ms"],
                            r["all_ms"], r["check"]))
        say("load average at the end %s" % " ".join("%.2f" % x for x in os.getloadavg()))
        report(configs, results)
    finally:
        b.stop()


if __name__ == "__main__":
    main()
