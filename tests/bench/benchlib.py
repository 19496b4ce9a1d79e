"""benchlib.py - helpers shared by the daemon benchmarks (e2e.py, daemon_rss.py).

The support-milter daemon on a private configuration (conf/support-milter.conf
with every path moved under a run directory), process figures read from /proc
(CPU time, peak RSS), bounded waits and medians.  Only processes started here
are ever signalled, by their pid.
"""
import os
import re
import signal
import socket
import statistics
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("SM_TOP", os.path.dirname(os.path.dirname(HERE)))
BUILD = os.environ.get("SM_BUILD", os.path.join(TOP, "build"))
BIN = os.environ.get("SM_BIN", os.path.join(BUILD, "support-milter"))
CONF = os.path.join(TOP, "conf", "support-milter.conf")
TICK = os.sysconf("SC_CLK_TCK")


def wait_for(cond, timeout, step=0.02):
    """Poll cond() until it is true or timeout seconds pass; its last value."""
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def banner(port):
    """True when something on 127.0.0.1:port greets with 220."""
    try:
        with socket.create_connection(("127.0.0.1", port), 1) as s:
            s.settimeout(2)
            return s.recv(512).startswith(b"220")
    except OSError:
        return False


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), 1):
            return True
    except OSError:
        return False


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def daemon_conf(run_dir, limits=None, threshold=None):
    """conf/support-milter.conf with spool, audit log and socket mode for a
    private run under run_dir; limits: {key: value} replaced in `limits`."""
    with open(CONF) as f:
        text = f.read()
    os.makedirs(os.path.join(run_dir, "spool"), exist_ok=True)
    key = os.path.join(run_dir, "fingerprint.key")
    if not os.path.exists(key):
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, os.urandom(32).hex().encode())
        os.close(fd)
    subs = {"spool_dir": '"%s"' % os.path.join(run_dir, "spool"),
            "fingerprint_key_file": '"%s"' % key,
            "audit_log": '"%s"' % os.path.join(run_dir, "audit.log"),
            "socket_mode": '"0666"',
            # the benchmarks run as root on the test machines: they say so
            "run_as_root": "true"}
    if threshold is not None:
        subs["spool_threshold"] = str(threshold)
    subs.update({k: str(v) for k, v in (limits or {}).items()})
    for key, val in subs.items():
        text, n = re.subn(r"(?m)^(\s*%s\s*=\s*)[^;]*;" % re.escape(key),
                          lambda m: m.group(1) + val + ";", text, count=1)
        if n != 1:
            raise SystemExit("bench: key %s not found in %s" % (key, CONF))
    path = os.path.join(run_dir, "support-milter.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


class Daemon:
    """support-milter -f on a unix socket in run_dir (or on inet_port of
    127.0.0.1); stderr to run_dir/daemon.log."""

    def __init__(self, run_dir, conf, wrap=None, inet_port=None):
        self.wrap = list(wrap or [])  # e.g. valgrind --tool=callgrind ...
        self.sock = os.path.join(run_dir, "milter.sock")
        self.port = inet_port
        self.spec = "inet:%d@127.0.0.1" % inet_port if inet_port else "unix:" + self.sock
        self.conf = conf
        self.log = os.path.join(run_dir, "daemon.log")
        self.proc = None

    def ready(self):
        return listening(self.port) if self.port else os.path.exists(self.sock)

    def start(self):
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        with open(self.log, "ab") as logf:
            self.proc = subprocess.Popen(self.wrap + [BIN, "-f", "-c", self.conf, "-p", self.spec],
                                         stdout=logf, stderr=logf)
        ok = wait_for(lambda: self.ready() or self.proc.poll() is not None, 60, 0.1)
        return bool(ok) and self.proc.poll() is None

    def why(self):
        """The last line of the daemon's log (why it did not start)."""
        try:
            with open(self.log, errors="replace") as f:
                lines = [x.strip() for x in f if x.strip()]
            return lines[-1][-200:] if lines else "no output"
        except OSError:
            return "no log"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60 if self.wrap else 15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def proc_cpu(pid):
    """CPU seconds (user + system, own and reaped children) of pid, or 0."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def proc_status(pid, key):
    """A kB figure from /proc/pid/status (VmHWM, VmRSS, RssAnon ...) in MB, or 0."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError):
        pass
    return 0.0


def reset_peak(pid):
    """Reset VmHWM of pid (clear_refs 5), so the next peak is this message's."""
    try:
        with open("/proc/%d/clear_refs" % pid, "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def parents():
    """{pid: parent pid} of every process."""
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name) as f:
                    out[int(name)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return out


def tree_cpu(roots, depth=3):
    """CPU seconds of the processes roots and their descendants (depth levels;
    exited ones are in their parent's reaped-children time)."""
    pp = parents()
    total, level = 0.0, [p for p in roots if p > 0]
    for _ in range(depth + 1):
        total += sum(proc_cpu(p) for p in level)
        level = [c for c, p in pp.items() if p in level]
    return total
