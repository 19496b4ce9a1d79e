#!/usr/bin/env python3
"""hardening.t - the daemon's process hardening (docs/hardening.md), through
the daemon itself.

- Pid file: a symlink at its path to a root-owned file is refused and the
  file keeps its bytes; a directory others may write is refused.
- Two instances: the second refuses (pid file held, socket live) and leaves
  the first one's pid file, socket and service alone.
- Root without milter.user / -u is refused unless run_as_root says so; no
  core files (RLIMIT_CORE 0).
- 300 peers that connect, send 4 bytes and stall hold no thread (the
  session gate) and no CPU (no polling loop over their partial commands):
  the daemon's threads stay bounded and a new session is served at once;
  past session_grace the stalled ones are closed.
- max_sessions 2: connections whose first command is complete at once (the
  accept hook's own path) and one whose command comes late (the gate
  thread's) wait while two sessions run and are served in their order as
  sessions end; under the cap a late first command, or one sent in two
  pieces, is served.
- A stray SIGUSR2 and then SIGHUP: the daemon reloads and keeps serving (it
  used to leave its signal loop on SIGUSR2 and exit 0 on the next SIGHUP).
- SIGTERM with a scan in flight: no new connection is accepted, the message
  being scanned gets its verdict, and the daemon exits 0.
- inet: sockets accept loopback by default and only milter.allow otherwise.
"""
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
import smtest  # noqa: E402

t = smtest.Tap()
if not shutil.which("miltertest"):
    print("1..0 # SKIP miltertest not installed (make deps)")
    sys.exit(0)
tmp = smtest.make_tmpdir("sm-hardening-")
daemons = []
OPTNEG = b"\x00\x00\x00\x0dO" + struct.pack(">III", 6, 0x1ff, 0)  # a milter first command
SLOW_RULE = ('\ndetectors: { slow_custom: { patterns = [ "(?:a|a)+b" ]; action = "mask"; '
             'mask = "all"; }; };\n')


def conf_for(name, milter_extra="", top_extra="", root_ok=True):
    return smtest.conf_in(tmp, name, milter_extra, top_extra, root_ok)


def start(name, conf, **kw):
    d = smtest.Daemon(name, conf, **kw)
    daemons.append(d)
    if not d.start():
        t.diag("daemon log:\n" + d.logtext()[-2000:])
        return None
    return d


def run_fg(conf, *args, timeout=20):
    """The daemon in the foreground, expected to refuse: (exit status, stderr)."""
    try:
        p = subprocess.run([smtest.BIN, "-f", "-c", conf] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return None, "still running after %d s" % timeout


def miltertest(d, eml, expect, label, sock=None):
    args = ["miltertest", "-D", "sock=" + (sock or "unix:" + d.sock), "-D", "dir=" + smtest.HERE,
            "-D", "eml=" + eml, "-D", "expect=" + expect, "-D", "label=" + label,
            "-s", os.path.join(smtest.HERE, "message.lua")]
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    out = p.stdout.decode("utf-8", "replace")
    ok = p.returncode == 0 and out.rstrip().endswith(" 0 failed")
    if not ok:
        t.diag(out[-1200:])
    return ok


def message(path, subject, body):
    with open(path, "w") as f:
        f.write("From: Taro Yamada <taro@example.co.jp>\nTo: supportmail@microsoft.com\n"
                "Subject: [SR#2411180040324704] %s\nMessage-ID: <%s@example.co.jp>\n"
                "Date: Mon, 18 Nov 2024 10:00:00 +0900\n\n%s"
                % (subject, os.path.basename(path), body))
    return path


def pidfile_tests(conf):
    run = os.path.join(tmp, "run")
    os.makedirs(run)
    victim = os.path.join(run, "victim")
    with open(victim, "w") as f:
        f.write("precious root-owned content\n")
    link = os.path.join(run, "pid")
    os.symlink(victim, link)
    rc, err = run_fg(conf, "-P", link, "-p", "unix:" + os.path.join(run, "a.sock"))
    with open(victim) as f:
        kept = f.read() == "precious root-owned content\n"
    t.ok(rc not in (0, None) and "symbolic link" in err, "pid file path is a symlink: refused")
    t.ok(kept and os.path.islink(link), "the root-owned file it points to is untouched")
    t.ok(not os.path.exists(os.path.join(run, "a.sock")), "nothing else was created (socket)")
    open_dir = os.path.join(tmp, "open")
    os.makedirs(open_dir)
    os.chmod(open_dir, 0o777)
    rc, err = run_fg(conf, "-P", os.path.join(open_dir, "pid"))
    t.ok(rc not in (0, None) and "may be written by others" in err,
         "pid file in a directory others may write: refused")


def two_instances(conf, card, card_exp):
    dd = os.path.dirname(conf)
    pidfile = os.path.join(tmp, "run", "two.pid")
    sock = os.path.join(dd, "milter.sock")
    logf = open(os.path.join(dd, "first.log"), "ab")
    first = subprocess.Popen([smtest.BIN, "-f", "-c", conf, "-p", "unix:" + sock, "-P", pidfile],
                             stdout=logf, stderr=logf)
    logf.close()
    try:
        if not t.ok(smtest.wait_for(lambda: os.path.exists(sock) and os.path.exists(pidfile), 10),
                    "first instance: socket and pid file"):
            return
        ino, pid_text = os.stat(sock).st_ino, open(pidfile).read()
        rc, err = run_fg(conf, "-p", "unix:" + sock, "-P", pidfile)
        t.ok(rc not in (0, None) and "already running" in err,
             "second instance with the same pid file: refused")
        rc2, err2 = run_fg(conf, "-p", "unix:" + sock)
        t.ok(rc2 not in (0, None) and "another milter is listening" in err2,
             "second instance on the same socket (no pid file): refused")
        t.ok(os.path.exists(sock) and os.stat(sock).st_ino == ino,
             "the first one's socket is untouched")
        t.ok(os.path.exists(pidfile) and open(pidfile).read() == pid_text == "%d\n" % first.pid,
             "the first one's pid file is untouched")
        fake = smtest.Daemon(dd, conf)
        t.ok(miltertest(fake, card, card_exp, "first still serves"),
             "the first instance still serves")
    finally:
        first.send_signal(signal.SIGTERM)
        t.ok(first.wait(30) == 0, "first instance: SIGTERM, exit 0")
        t.ok(not os.path.exists(pidfile) and not os.path.exists(sock),
             "first instance removed its own pid file and socket")


def root_tests():
    if os.geteuid() != 0:
        t.skip("root refused", "needs root")
        return
    _, conf = conf_for("root", root_ok=False)
    sock = os.path.join(tmp, "root", "r.sock")
    rc, err = run_fg(conf, "-p", "unix:" + sock)
    t.ok(rc == 2 and "refusing to run as root" in err and not os.path.exists(sock),
         "as root without milter.user or -u: refused, no socket")


def stalled_sessions(card, card_exp):
    dd, conf = conf_for("stalled", "  max_sessions = 32;\n  session_grace = 3;\n")
    d = start(dd, conf)
    if not t.ok(d is not None, "daemon with max_sessions 32 starts"):
        return
    base = smtest.proc_status(d.proc.pid, "Threads")
    peers = []
    for _ in range(300):
        s = socket.socket(socket.AF_UNIX)
        s.connect(d.sock)
        s.send(b"\x00\x00\x00\x0d")  # a command length, and nothing more
        peers.append(s)
    cpu0 = ticks(d.proc.pid)
    time.sleep(1)
    cpu = ticks(d.proc.pid) - cpu0
    t.ok(cpu < 0.3 * TICK, "300 stalled peers, 1 s: the daemon spent %d ticks of CPU (< 0.3 s: "
         "no polling loop over their partial commands)" % cpu)
    threads = smtest.proc_status(d.proc.pid, "Threads")
    t.ok(threads is not None and threads <= base + 8,
         "300 stalled peers: %s threads (%s before)" % (threads, base))
    t0 = time.monotonic()
    ok = miltertest(d, card, card_exp, "beside the stalled")
    t.ok(ok and time.monotonic() - t0 < 10, "a new session is served at once (%.1f s)"
         % (time.monotonic() - t0))

    def closed(s):
        s.settimeout(0.01)
        try:
            return s.recv(1) == b""
        except socket.timeout:
            return False
        except OSError:
            return True
    t.ok(smtest.wait_for(lambda: all(closed(s) for s in peers), 15),
         "the stalled peers are closed after session_grace")
    for s in peers:
        s.close()
    t.ok(d.alive(), "daemon still running")


TICK = os.sysconf("SC_CLK_TCK")


def ticks(pid):
    """User and system CPU ticks of pid and all its threads."""
    with open("/proc/%d/stat" % pid) as f:
        st = f.read().rsplit(")", 1)[1].split()
    return int(st[11]) + int(st[12])


def optneg(s, wait):
    """Send a milter option negotiation on s: True when libmilter answers
    within wait seconds."""
    s.sendall(OPTNEG)
    return wait_reply(s, wait)


def wait_reply(s, wait):
    """True when libmilter's negotiation answer arrives on s within wait s."""
    s.settimeout(wait)
    try:
        return s.recv(5)[4:5] == b"O"
    except OSError:
        return False


def unix_conn(d):
    s = socket.socket(socket.AF_UNIX)
    s.connect(d.sock)
    return s


def queued(d, n):
    """n connections that connect and send their first command while the
    daemon is stopped: when it runs again, each first command is complete
    before it is accepted (the accept hook's own path, deterministically)."""
    os.kill(d.proc.pid, signal.SIGSTOP)
    smtest.wait_for(lambda: open("/proc/%d/stat" % d.proc.pid).read().rsplit(")", 1)[1].split()[0]
                    == "T", 5)
    socks = []
    for _ in range(n):
        s = unix_conn(d)
        s.sendall(OPTNEG)
        socks.append(s)
    os.kill(d.proc.pid, signal.SIGCONT)
    return socks


def session_cap():
    dd, conf = conf_for("cap", "  max_sessions = 2;\n  session_grace = 20;\n")
    d = start(dd, conf)
    if not t.ok(d is not None, "daemon with max_sessions 2 starts"):
        return
    late = unix_conn(d)
    time.sleep(0.5)  # the hook found no command: the gate thread waits for it
    t.ok(optneg(late, 5), "under the cap: a first command sent 0.5 s after connect is served")
    late.close()
    split = unix_conn(d)
    split.sendall(OPTNEG[:6])
    time.sleep(0.3)
    split.sendall(OPTNEG[6:])
    t.ok(wait_reply(split, 5), "a first command sent in two pieces 0.3 s apart is served")
    split.close()
    s1, s2, s3 = queued(d, 3)
    t.ok(wait_reply(s1, 5) and wait_reply(s2, 5), "two sessions (max_sessions 2) served")
    t.ok(not wait_reply(s3, 1), "a third whose first command was complete at accept waits")
    s4 = unix_conn(d)
    time.sleep(0.3)
    t.ok(not optneg(s4, 1), "a fourth whose command came late waits too")
    s1.close()
    t.ok(wait_reply(s3, 5), "one session ends: the third is served")
    t.ok(not wait_reply(s4, 1), "the fourth still waits (two run)")
    s2.close()
    t.ok(wait_reply(s4, 5), "another ends: the fourth is served")
    s3.close()
    s4.close()
    s5, s6 = queued(d, 2)
    t.ok(wait_reply(s5, 5) and wait_reply(s6, 5), "both ended: two new sessions served at once")
    s5.close()
    s6.close()
    t.ok(d.alive(), "daemon still running")


def signal_tests(card, card_exp):
    dd, conf = conf_for("signals")
    d = start(dd, conf)
    if not t.ok(d is not None, "daemon starts"):
        return
    d.signal(signal.SIGUSR2)
    time.sleep(0.3)
    base = d.logtext().count("reloaded")
    d.signal(signal.SIGHUP)
    t.ok(smtest.wait_for(lambda: d.logtext().count("reloaded") > base, 10),
         "SIGUSR2 then SIGHUP: reloaded")
    time.sleep(0.5)
    t.ok(d.alive(), "SIGUSR2 then SIGHUP: still running")
    t.ok(miltertest(d, card, card_exp, "after SIGUSR2+SIGHUP"), "and still serving")
    t.ok(d.stop() == 0, "SIGTERM: exit 0")


def drain_tests():
    dd, conf = conf_for("drain", "  worker_deadline = 120;\n  drain_timeout = 60;\n", SLOW_RULE)
    slow = message(os.path.join(tmp, "slow.eml"), "slow", ("a" * 18 + "c ") * 820 + "b\n")
    exp = smtest.Expect(conf, slow, tmp, "slow").write(os.path.join(tmp, "slow.expect"))
    d = start(dd, conf)
    if not t.ok(d is not None, "daemon with a slow custom pattern starts"):
        return
    res = []
    th = threading.Thread(target=lambda: res.append(miltertest(d, slow, exp, "in flight")))
    th.start()
    time.sleep(1.5)
    d.signal(signal.SIGTERM)
    time.sleep(0.5)
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(d.sock)
        s.send(b"\x00\x00\x00\x0d")
        s.settimeout(5)
        refused = s.recv(1) == b""
    except OSError:
        refused = True
    s.close()
    t.ok(refused, "SIGTERM: a new connection is not served")
    th.join()
    t.ok(res == [True], "SIGTERM with a scan in flight: it got its verdict (as --test says)")
    try:
        rc = d.proc.wait(60)
    except subprocess.TimeoutExpired:
        rc = None
    t.ok(rc == 0, "then the daemon exited 0 (%s)" % rc)


def allow_tests(card, card_exp):
    port = smtest.free_port()
    dd, conf = conf_for("allow", '  allow = [ "10.0.0.0/8", "192.168.1.7" ];\n')
    d = start(dd, conf, inet_port=port)
    if t.ok(d is not None, "inet: daemon with allow = 10.0.0.0/8, 192.168.1.7 starts"):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(OPTNEG)
        s.settimeout(5)
        try:
            got = s.recv(5)
        except socket.timeout:
            got = None  # neither closed nor answered
        except OSError:
            got = b""  # reset: closed
        s.close()
        t.ok(got == b"", "a loopback client outside milter.allow: closed at once, unanswered (%r)"
             % got)
        t.ok(smtest.wait_for(lambda: "not in milter.allow" in d.logtext(), 5),
             "log: refused, not in milter.allow")
        d.stop()
    port = smtest.free_port()
    dd, conf = conf_for("loopback")
    d = start(dd, conf, inet_port=port)
    if t.ok(d is not None, "inet: daemon without allow starts"):
        t.ok(miltertest(d, card, card_exp, "loopback", sock="inet:%d@127.0.0.1" % port),
             "loopback is allowed by default")
        limits = open("/proc/%d/limits" % d.proc.pid).read()
        core = [line for line in limits.splitlines() if line.startswith("Max core file size")]
        t.ok(core and core[0].split()[4:6] == ["0", "0"], "RLIMIT_CORE is 0")


try:
    card = sorted(m for m in smtest.corpus_messages() if "_card_" in m)[0]
    _, base_conf = conf_for("base")
    card_exp = smtest.Expect(base_conf, card, tmp, "card").write(os.path.join(tmp, "card.expect"))
    pidfile_tests(base_conf)
    two_instances(base_conf, card, card_exp)
    root_tests()
    stalled_sessions(card, card_exp)
    session_cap()
    signal_tests(card, card_exp)
    drain_tests()
    allow_tests(card, card_exp)
finally:
    for d in daemons:
        d.stop()
    if t.failed:
        for d in daemons:
            t.diag("%s log:\n%s" % (d.tmp, d.logtext()[-2000:]))
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
