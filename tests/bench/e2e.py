#!/usr/bin/env python3
"""e2e.py - benchmark item 3: messages/s end to end through a private Postfix
on loopback, without a milter, with support-milter and with MIMEDefang
(the peer, ../shared/notes/peer.md), on 20 KB support mail with and without a
card number and on 20 KB unrelated mail.  Prints figures, never pass/fail.

    python3 tests/bench/e2e.py          (make bench runs it through e2e.sh)

  smtp-source -F msg -> smtpd 127.0.0.1:P0 (no milter)          -> qmgr -> smtp -> smtp-sink
                     -> smtpd 127.0.0.1:P1 (support-milter, unix socket)
                     -> smtpd 127.0.0.1:P2 (MIMEDefang, inet)
                     -> smtpd 127.0.0.1:P3 (null-milter, unix socket)
null-milter (tests/bench/null_milter.c) is libmilter with support-milter's
negotiation and no work: the floor of any libmilter filter on this Postfix.
One Postfix instance with four smtpd listeners that differ only in
smtpd_milters, so the configurations share queue, delivery and sink.  A run
sends N copies of one message with S concurrent sessions (a new SMTP
connection per message unless E2E_REUSE=1) and ends when the sink has all N;
msg/s = N / (first connection .. last message in the sink).  Runs are
interleaved (round 1: support postfix, support support-milter, support
mimedefang, card ..., other ...; round 2 ...) and the table gives medians and
the ratios of the medians.  Each run is checked: N delivered, the card
masked (support-milter: everywhere; MIMEDefang: in text/plain, as its
filter does), MIMEDefang's X-Peer header; a failed
check is printed in the run's line.  The daemon's CPU time per message is
read from /proc, and so is the CPU time of everything in the path (Postfix's
processes, smtp-source, smtp-sink, the milter): on a shared machine CPU time
per message is far less noisy than wall time, and on a CPU-bound 2-core box
CPU(postfix alone) / CPU(config) is what the msg/s ratio tends to.

Environment: E2E_MESSAGES (1000 per run), E2E_MD_MESSAGES (250: MIMEDefang
is ~8x slower), E2E_ROUNDS (3), E2E_SESSIONS (4), E2E_SIZE (20000 bytes),
E2E_REUSE (0), E2E_CALLGRIND (N: instead, the daemon's instructions per
message under callgrind for N messages of each kind), E2E_CONFIGS (postfix,support-milter,mimedefang,null-milter), E2E_KINDS
(support,card,other), E2E_MACROS (minimal: the milter_*_macros lists of
contrib/postfix-main.cf, what support-milter reads; postfix: Postfix's
defaults), E2E_PROFILE=1 (Postfix's processes kept for the whole run, and
each run also prints the CPU per message of the listener's smtpd processes,
of cleanup and of the daemon, read from /proc), SM_BIN, SM_BUILD, SM_TOP,
SM_SHARED.
Untrusted input: none (messages are generated).  Limits: every wait is
bounded (E2E_TIMEOUT, 600 s per run).  Run directory: build/e2e (queue,
sink, logs, the daemon's and MIMEDefang's spools); removed files only there.
"""
import os
import pwd
import resource
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import benchlib as bl  # noqa: E402
import gen_e2e  # noqa: E402

ENV = os.environ
N = int(ENV.get("E2E_MESSAGES", "1000"))
N_MD = int(ENV.get("E2E_MD_MESSAGES", "250"))
ROUNDS = int(ENV.get("E2E_ROUNDS", "3"))
SESS = int(ENV.get("E2E_SESSIONS", "4"))
SIZE = int(ENV.get("E2E_SIZE", "20000"))
REUSE = ENV.get("E2E_REUSE", "0") == "1"
TIMEOUT = float(ENV.get("E2E_TIMEOUT", "600"))
CONFIGS = ENV.get("E2E_CONFIGS", "postfix,support-milter,mimedefang,null-milter").split(",")
KINDS = ENV.get("E2E_KINDS", "support,card,other").split(",")
MACROS = ENV.get("E2E_MACROS", "minimal")
PROFILE = ENV.get("E2E_PROFILE", "0") == "1"
SHARED = ENV.get("SM_SHARED", os.path.join(bl.TOP, "..", "shared"))
FILTER = os.path.join(SHARED, "notes", "peer", "mimedefang-filter")
RCPT = {"support": "supportmail@microsoft.com", "card": "supportmail@microsoft.com",
        "other": "sales@partner.example.com"}
D = os.path.join(bl.BUILD, "e2e")

MASTER_CF = """\
127.0.0.1:{p0} inet n - n - - smtpd -o smtpd_milters=
127.0.0.1:{p1} inet n - n - - smtpd -o smtpd_milters=unix:{sm}
127.0.0.1:{p2} inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:{md}
127.0.0.1:{p3} inet n - n - - smtpd -o smtpd_milters=unix:{nm}
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
"""

MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {d}/queue
data_directory = {d}/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mta.bench.invalid
mydomain = bench.invalid
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
relayhost = [127.0.0.1]:{sink}
smtp_dns_support_level = disabled
smtp_tls_security_level = none
smtpd_tls_security_level = none
maillog_file = {d}/postfix.log
maillog_file_prefixes = {d}
milter_default_action = tempfail
milter_protocol = 6
minimal_backoff_time = 5s
maximal_backoff_time = 10s
queue_run_delay = 5s
biff = no
"""

# What contrib/postfix-main.cf recommends: only the queue id, where the
# daemon reads it (MAIL, DATA, end of message).  Postfix still sends one
# macro packet per event, empty or not; the lists only cut its lookups and
# the bytes.
MACROS_MINIMAL = """\
milter_connect_macros =
milter_helo_macros =
milter_mail_macros = i
milter_rcpt_macros =
milter_data_macros = i
milter_end_of_header_macros =
milter_end_of_data_macros = i
milter_unknown_command_macros =
"""

# E2E_PROFILE: no smtpd or cleanup exits during a run, so /proc has all their CPU.
KEEP_PROCESSES = """\
max_use = 1000000
max_idle = 3600s
"""


def die(msg):
    print("bench e2e: " + msg, file=sys.stderr)
    try:
        with open(os.path.join(D, "postfix.log"), errors="replace") as f:
            sys.stderr.write("".join(f.readlines()[-15:]))
    except OSError:
        pass
    raise SystemExit(1)


class Bench:
    def __init__(self):
        self.ports = [bl.free_port() for _ in range(4)]
        self.sink_port = bl.free_port()
        self.md_port = bl.free_port()
        self.sink_dir = os.path.join(D, "sink")
        self.sink = self.daemon = self.null = None
        self.pf_started = False
        self.md_pids = []

    # ---------------------------------------------------------- Postfix
    def setup_postfix(self):
        pf = pwd.getpwnam("postfix")
        for sub in ("queue", "data", "sink", "etc"):
            shutil.rmtree(os.path.join(D, sub), ignore_errors=True)
            os.makedirs(os.path.join(D, sub))
        for sub in ("data", "sink"):
            os.chown(os.path.join(D, sub), pf.pw_uid, pf.pw_gid)
        with open(os.path.join(D, "etc", "main.cf"), "w") as f:
            f.write(MAIN_CF.format(d=D, sink=self.sink_port))
            if MACROS == "minimal":
                f.write(MACROS_MINIMAL)
            if PROFILE:
                f.write(KEEP_PROCESSES)
        with open(os.path.join(D, "etc", "master.cf"), "w") as f:
            f.write(MASTER_CF.format(p0=self.ports[0], p1=self.ports[1], p2=self.ports[2],
                                     p3=self.ports[3], sm=os.path.join(D, "sm", "milter.sock"),
                                     md=self.md_port, nm=os.path.join(D, "nm", "milter.sock")))

    def start_postfix(self):
        self.sink = subprocess.Popen(
            ["smtp-sink", "-u", "postfix", "-d", self.sink_dir + "/%H%M%S.",
             "127.0.0.1:%d" % self.sink_port, "256"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not bl.wait_for(lambda: bl.banner(self.sink_port), 10):
            die("smtp-sink did not start")
        etc = os.path.join(D, "etc")
        p = subprocess.run(["script", "-qec", "postfix -c %s start" % etc, "/dev/null"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        self.pf_started = True
        if p.returncode != 0 or not bl.wait_for(lambda: bl.banner(self.ports[0]), 30):
            die("postfix did not start: " + p.stdout.decode(errors="replace")[-300:])

    # ---------------------------------------------------------- milters
    def start_support_milter(self, wrap=None):
        run = os.path.join(D, "sm")
        shutil.rmtree(run, ignore_errors=True)
        os.makedirs(run)
        os.chmod(run, 0o755)
        self.daemon = bl.Daemon(run, bl.daemon_conf(run), wrap)
        if not self.daemon.start():
            die("support-milter did not start (%s)" % self.daemon.log)

    def start_null_milter(self):
        """tests/bench/null_milter.c: libmilter and the same negotiation as
        support-milter, no work (the floor of any libmilter filter)."""
        run = os.path.join(D, "nm")
        shutil.rmtree(run, ignore_errors=True)
        os.makedirs(run)
        os.chmod(run, 0o755)
        sock = os.path.join(run, "milter.sock")
        with open(os.path.join(run, "null.log"), "w") as log:
            self.null = subprocess.Popen([os.path.join(bl.BUILD, "bench", "null_milter"), sock],
                                         stdout=log, stderr=subprocess.STDOUT)
        if not bl.wait_for(lambda: os.path.exists(sock), 20):
            die("null_milter did not start (make bench builds build/bench/null_milter)")
        os.chmod(sock, 0o666)

    def start_mimedefang(self):
        spool = os.path.join(D, "md")
        shutil.rmtree(spool, ignore_errors=True)
        os.makedirs(spool)
        dfg = pwd.getpwnam("defang")
        os.chown(spool, dfg.pw_uid, dfg.pw_gid)
        os.chmod(spool, 0o750)
        filt = os.path.join(spool, "mimedefang-filter")
        shutil.copyfile(FILTER, filt)
        os.chmod(filt, 0o644)
        j = lambda x: os.path.join(spool, x)  # noqa: E731
        subprocess.run(["mimedefang-multiplexor", "-l", "-E", "-m", "2", "-x", "10", "-U",
                        "defang", "-z", spool, "-F", filt, "-s", j("mx.sock"), "-p",
                        j("mx.pid"), "-o", j("mx.lock")], check=True, timeout=30)
        if not bl.wait_for(lambda: os.path.exists(j("mx.sock")), 20):
            die("mimedefang-multiplexor did not start")
        subprocess.run(["mimedefang", "-U", "defang", "-z", spool, "-m", j("mx.sock"), "-p",
                        "inet:%d@127.0.0.1" % self.md_port, "-P", j("md.pid"), "-o",
                        j("md.lock")], check=True, timeout=30)
        if not bl.wait_for(lambda: bl.listening(self.md_port), 20):
            die("mimedefang did not start")
        self.md_pids = [self._pidfile(j("mx.pid")), self._pidfile(j("md.pid"))]

    @staticmethod
    def _pidfile(path):
        try:
            with open(path) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return 0

    def milter_cpu(self, config):
        """CPU seconds used so far by the milter of config (0 for none)."""
        if config == "support-milter" and self.daemon:
            return bl.proc_cpu(self.daemon.proc.pid)
        if config == "mimedefang" and self.md_pids:
            return bl.tree_cpu(self.md_pids)
        if config == "null-milter" and self.null:
            return bl.proc_cpu(self.null.pid)
        return 0.0

    def pipeline_cpu(self):
        """CPU seconds so far of this Postfix (master and its children, live or
        reaped), smtp-sink and the smtp-source runs (reaped children of this
        process)."""
        master = self._pidfile(os.path.join(D, "queue", "pid", "master.pid"))
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (bl.tree_cpu([master, self.sink.pid if self.sink else 0], 1) +
                ru.ru_utime + ru.ru_stime)

    def stop(self):
        if self.pf_started:
            subprocess.run(["postfix", "-c", os.path.join(D, "etc"), "stop"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        for pid in self.md_pids:
            if pid > 0:
                try:
                    os.kill(pid, 15)
                except OSError:
                    pass
        if self.daemon:
            self.daemon.stop()
        if self.null and self.null.poll() is None:
            self.null.terminate()
            self.null.wait(timeout=30)
        if self.sink and self.sink.poll() is None:
            self.sink.kill()
            self.sink.wait()

    # ---------------------------------------------------------- runs
    def sink_files(self):
        return [e.path for e in os.scandir(self.sink_dir)]

    def clear_sink(self):
        for p in self.sink_files():
            os.unlink(p)

    def send(self, config, kind, n):
        port = self.ports[CONFIGS_ALL.index(config)]
        cmd = ["smtp-source", "-s", str(SESS), "-m", str(n), "-F", os.path.join(D, kind + ".eml"),
               "-f", "yamada@example.co.jp", "-t", RCPT[kind], "-M", "client.bench.invalid"]
        if REUSE:
            cmd.append("-d")
        return subprocess.run(cmd + ["127.0.0.1:%d" % port], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=TIMEOUT)

    def procs_cpu(self, config):
        """E2E_PROFILE: own CPU seconds (user, system) so far of this config's
        smtpd processes, of this Postfix's cleanup processes and of our
        daemon: {name: [user, sys]}.  Other Postfix instances on the machine
        (other people's tests) are not counted: only children of our master."""
        port = ":%d " % self.ports[CONFIGS_ALL.index(config)]
        daemon = self.daemon.proc.pid if self.daemon else 0
        master = self._pidfile(os.path.join(D, "queue", "pid", "master.pid"))
        pp = bl.parents()
        out = {"smtpd": [0.0, 0.0], "cleanup": [0.0, 0.0], "daemon": [0.0, 0.0]}
        for name in os.listdir("/proc"):
            if not name.isdigit() or (int(name) != daemon and pp.get(int(name)) != master):
                continue
            try:
                with open("/proc/%s/cmdline" % name) as f:
                    cmd = f.read().replace("\0", " ")
                with open("/proc/%s/stat" % name) as f:
                    st = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            key = ("daemon" if int(name) == daemon else "cleanup" if cmd.startswith("cleanup ")
                   else "smtpd" if cmd.startswith("smtpd ") and port in cmd else None)
            if key:
                out[key][0] += int(st[11]) / bl.TICK
                out[key][1] += int(st[12]) / bl.TICK
        return out

    def run(self, config, kind, n):
        self.clear_sink()
        prof0 = self.procs_cpu(config) if PROFILE else None
        cpu0, pipe0 = self.milter_cpu(config), self.pipeline_cpu()
        t0 = time.monotonic()
        p = self.send(config, kind, n)
        t_src = time.monotonic() - t0
        if p.returncode != 0:
            die("%s %s: smtp-source failed: %s" % (config, kind, p.stdout.decode(errors="replace")[-300:]))
        if not bl.wait_for(lambda: len(self.sink_files()) >= n, TIMEOUT, 0.01):
            die("%s %s: only %d of %d delivered" % (config, kind, len(self.sink_files()), n))
        t = time.monotonic() - t0
        cpu = self.milter_cpu(config) - cpu0
        pipe = self.pipeline_cpu() - pipe0
        prof = ""
        if PROFILE:
            prof1 = self.procs_cpu(config)
            prof = "; user/sys ms/msg " + ", ".join(
                "%s %.2f/%.2f" % (k, 1000 * (prof1[k][0] - prof0[k][0]) / n,
                                  1000 * (prof1[k][1] - prof0[k][1]) / n)
                for k in ("smtpd", "cleanup", "daemon") if k != "daemon" or config == "support-milter")
        return {"n": n, "src": t_src, "t": t, "rate": n / t, "cpu_ms": 1000 * cpu / n,
                "all_ms": 1000 * (cpu + pipe) / n, "check": self.check(config, kind, n) + prof}

    def check(self, config, kind, n):
        files = self.sink_files()
        if len(files) != n:
            return "FAIL %d delivered" % len(files)
        with open(files[len(files) // 2], "rb") as f:
            data = f.read()
        # the card is in both parts; the peer's filter masks text/plain only
        seen, sent = data.count(gen_e2e.card_number().encode()), 2
        if kind == "card" and config == "support-milter" and seen:
            return "FAIL card not masked"
        if kind == "card" and config == "mimedefang" and seen >= sent:
            return "FAIL card not masked in text/plain"
        if kind == "card" and config in ("postfix", "null-milter") and seen != sent:
            return "FAIL card changed"
        if config == "null-milter" and (kind != "other") != (b"X-Null-Milter: 1" in data):
            return "FAIL X-Null-Milter header"
        if config == "mimedefang" and b"X-Peer: mimedefang" not in data:
            return "FAIL no X-Peer"
        return "ok"


CONFIGS_ALL = ["postfix", "support-milter", "mimedefang", "null-milter"]


def count(config):
    return N_MD if config == "mimedefang" else N


def report(results):
    """Medians per kind and configuration; ratios of the medians."""
    med = {(c, k): {f: bl.median([r[f] for r in results.get((c, k), [])])
                    for f in ("rate", "cpu_ms", "all_ms")} for c in CONFIGS for k in KINDS}
    nan = float("nan")
    get = lambda c, k, f: med.get((c, k), {}).get(f, nan)  # noqa: E731

    def ratio(a, b):
        return "%.2f" % (a / b) if a == a and b == b and b > 0 else "-"
    print("bench e2e: medians; msg/s delivered (ratios of msg/s); CPU ms per message of "
          "everything (Postfix, sender, sink, milter) and CPU ratios = CPU(postfix alone) / CPU(config)")
    print("bench e2e: %-8s %7s %7s %7s | %-8s %-8s %-6s | %-22s | %-8s %-8s | %s" % (
        "messages", "postfix", "sm", "md", "sm/pf", "md/pf", "sm/md", "CPU ms pf / sm / md",
        "CPU sm", "CPU md", "milter CPU ms sm / md"))
    for k in KINDS:
        r = {c: get(c, k, "rate") for c in CONFIGS_ALL}
        a = {c: get(c, k, "all_ms") for c in CONFIGS_ALL}
        print("bench e2e: %-8s %7.0f %7.0f %7.0f | %-8s %-8s %-6s | %6.2f / %6.2f / %6.2f | %-8s %-8s | %.2f / %.2f" % (
            k, r["postfix"], r["support-milter"], r["mimedefang"],
            ratio(r["support-milter"], r["postfix"]), ratio(r["mimedefang"], r["postfix"]),
            ratio(r["support-milter"], r["mimedefang"]), a["postfix"], a["support-milter"],
            a["mimedefang"], ratio(a["postfix"], a["support-milter"]),
            ratio(a["postfix"], a["mimedefang"]), get("support-milter", k, "cpu_ms"),
            get("mimedefang", k, "cpu_ms")))
    if "null-milter" not in CONFIGS:
        return
    print("bench e2e: the floor: null-milter (libmilter, the same negotiation, no work); "
          "nm/pf is the best ratio any libmilter filter can reach here")
    for k in KINDS:
        r = {c: get(c, k, "rate") for c in CONFIGS_ALL}
        a = {c: get(c, k, "all_ms") for c in CONFIGS_ALL}
        print("bench e2e: %-8s msg/s nm %4.0f: nm/pf %-5s sm/nm %-5s | CPU ms nm %6.2f: "
              "CPU pf/nm %-5s nm/sm %-5s | null-milter's own CPU ms %.2f" % (
                  k, r["null-milter"], ratio(r["null-milter"], r["postfix"]),
                  ratio(r["support-milter"], r["null-milter"]), a["null-milter"],
                  ratio(a["postfix"], a["null-milter"]), ratio(a["null-milter"], a["support-milter"]),
                  get("null-milter", k, "cpu_ms")))


def callgrind_ir(b, out):
    """Instructions the daemon executed since the last zeroing (callgrind dump)."""
    for f in os.listdir(os.path.dirname(out)):
        if f.startswith(os.path.basename(out) + "."):
            os.unlink(os.path.join(os.path.dirname(out), f))
    subprocess.run(["callgrind_control", "-d", str(b.daemon.proc.pid)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    total = 0
    for f in os.listdir(os.path.dirname(out)):
        if f.startswith(os.path.basename(out) + "."):
            with open(os.path.join(os.path.dirname(out), f)) as fh:
                for line in fh:
                    if line.startswith("summary:") or line.startswith("totals:"):
                        total = max(total, int(line.split()[1]))
    return total


def callgrind_mode(n):
    """E2E_CALLGRIND=N: the daemon under callgrind; its instructions per message
    for N messages of each kind through Postfix (noise-free, unlike msg/s)."""
    global CONFIGS
    CONFIGS = ["support-milter"]
    out = os.path.join(D, "sm-callgrind", "cg.out")
    shutil.rmtree(os.path.dirname(out), ignore_errors=True)
    os.makedirs(os.path.dirname(out))
    b = Bench()
    try:
        b.setup_postfix()
        b.start_support_milter(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out])
        b.start_postfix()
        b.run("support-milter", "support", min(20, n))  # warm-up
        for kind in KINDS:
            callgrind_ir(b, out)
            r = b.run("support-milter", kind, n)
            ir = callgrind_ir(b, out)
            print("bench e2e: callgrind %-8s %d messages: %.0f daemon instructions per message  %s" % (
                kind, n, ir / n, r["check"]), flush=True)
    finally:
        b.stop()


def main():
    os.makedirs(D, exist_ok=True)
    if ENV.get("E2E_CALLGRIND"):
        gen_e2e.main_args(D, SIZE)
        return callgrind_mode(int(ENV["E2E_CALLGRIND"]))
    for tool in ("postfix", "smtp-source", "smtp-sink") + (
            ("mimedefang",) if "mimedefang" in CONFIGS else ()):
        if not shutil.which(tool):
            die("%s missing (make bench-deps)" % tool)
    gen_e2e.main_args(D, SIZE)
    b = Bench()
    try:
        b.setup_postfix()
        if "support-milter" in CONFIGS:
            b.start_support_milter()
        if "mimedefang" in CONFIGS:
            b.start_mimedefang()
        if "null-milter" in CONFIGS:
            b.start_null_milter()
        b.start_postfix()
        sizes = ", ".join("%s %d" % (k, os.path.getsize(os.path.join(D, k + ".eml"))) for k in KINDS)
        print("bench e2e: %d rounds, %d sessions, %s, message bytes: %s; %d messages per run "
              "(MIMEDefang %d)" % (ROUNDS, SESS, "connection reused (-d)" if REUSE else
                                   "one connection per message", sizes, N, N_MD))
        for c in CONFIGS:  # warm-up: processes spawned, caches filled (not measured)
            b.run(c, "support", min(50, count(c)))
        results = {}
        for rnd in range(1, ROUNDS + 1):
            for kind in KINDS:
                for c in CONFIGS:
                    r = b.run(c, kind, count(c))
                    results.setdefault((c, kind), []).append(r)
                    print("bench e2e: round %d %-8s %-15s %5d msgs: smtp %5.2f s, delivered %5.2f s: "
                          "%4.0f msg/s; CPU ms/msg: milter %5.2f, all %5.2f  %s" % (
                              rnd, kind, c, r["n"], r["src"], r["t"], r["rate"], r["cpu_ms"],
                              r["all_ms"], r["check"]), flush=True)
        report(results)
    finally:
        b.stop()


if __name__ == "__main__":
    main()
