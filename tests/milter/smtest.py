"""smtest.py - helpers for the tests/*.t suites that drive the daemon.

TAP output, a temporary directory, the test configuration, one daemon per
suite, bounded waits on conditions (never fixed sleeps), and the expected
outcome of a message as `support-milter --test` computes it, so that the
suites stay right whatever the policy decides.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("SM_TOP", os.path.dirname(os.path.dirname(HERE)))
BIN = os.environ.get("SM_BIN", os.path.join(TOP, "build", "support-milter"))
BUILD = os.environ.get("SM_BUILD", os.path.join(TOP, "build"))
# The test build (make check builds it): workers fault or hang on a marker.
HOOKS_BIN = os.environ.get("SM_HOOKS_BIN", os.path.join(BUILD, "hooks", "support-milter"))
CORPUS = os.path.normpath(os.path.join(TOP, "..", "shared", "corpus", "public"))
if not os.path.isdir(CORPUS):
    CORPUS = "/work/shared/corpus/public"


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, todo=None):
        self.n += 1
        line = ("ok %d - %s" if cond else "not ok %d - %s") % (self.n, name)
        if todo:
            line += " # TODO " + todo
        elif not cond:
            self.failed += 1
        print(line, flush=True)
        return cond

    def skip(self, name, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, name, why), flush=True)

    def diag(self, text):
        for line in str(text).splitlines():
            print("# " + line, flush=True)

    def done(self):
        print("1..%d" % self.n, flush=True)
        sys.exit(1 if self.failed else 0)

    def bail(self, why):
        print("Bail out! " + why, flush=True)
        sys.exit(1)


def miltertest_args(sock, script, **defs):
    """miltertest running tests/milter/SCRIPT against sock (a path: unix:),
    with -D k=v for each of defs."""
    args = ["miltertest", "-D", "sock=unix:" + sock, "-D", "dir=" + HERE]
    for k, v in defs.items():
        args += ["-D", "%s=%s" % (k, v)]
    return args + ["-s", os.path.join(HERE, script)]


def miltertest_run(sock, script, timeout=120, **defs):
    """Run a script; (exit code, its output lines, summary ok: 'N passed, 0 failed')."""
    p = subprocess.run(miltertest_args(sock, script, **defs), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    lines = p.stdout.decode("utf-8", "replace").splitlines()
    summary = any(" passed, " in ln and ln.endswith(" 0 failed") for ln in lines)
    return p.returncode, lines, summary


def miltertest_tap(t, sock, script, prefix=None, **defs):
    """Run a script and report each of its ok / FAIL lines (with a # TODO,
    as a TODO) on t, then one line for its exit code and summary."""
    prefix = prefix or script
    rc, lines, summary = miltertest_run(sock, script, **defs)
    for line in lines:
        if line.startswith("ok ") or line.startswith("FAIL "):
            name, _, todo = line.split(" ", 1)[1].partition(" # TODO ")
            t.ok(line.startswith("ok "), prefix + ": " + name, todo or None)
        elif not (" passed, " in line and line.endswith(" failed")):
            t.diag(line)
    return t.ok(rc == 0 and summary, prefix + ": miltertest exit 0 and no failure")


def wait_for(cond, timeout, step=0.05):
    """Poll cond() until true or timeout seconds pass; returns its last value."""
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


def unix_listening(path):
    """Whether a socket bound to path listens (/proc/net/unix: __SO_ACCEPTCON
    in Flags).  libmilter binds the file before it listens: a connect in
    between is refused, so the file's existence alone is not enough.  Without
    /proc/net/unix the file's existence is taken."""
    want = os.path.abspath(path)
    try:
        with open("/proc/net/unix") as f:
            next(f, None)
            for line in f:
                cols = line.split()
                if len(cols) >= 8 and os.path.abspath(cols[7]) == want:
                    if int(cols[3], 16) & 0x10000:
                        return True
    except OSError:
        return True
    return False


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def make_tmpdir(prefix):
    d = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    os.chmod(d, 0o755)
    return d


# A policy_url long enough that a rejection needs more than one SMTP reply
# line: the daemon must wrap it (smfi_setmlreply).
LONG_POLICY_URL = ('policy_url = "https://intranet.example.co.jp/mail/support-mail-rules/'
                   'what-may-be-sent-to-microsoft-support-and-what-must-never-be-sent-such-as-'
                   'defender-onboarding-packages-passwords-and-card-numbers/index.html?lang=ja'
                   '&section=sending-mail-to-support&from=smtp-reply";')


def write_conf(tmp, max_bytes=67108864, threshold=4096, policy_extra=""):
    with open(os.path.join(HERE, "test.conf.in")) as f:
        text = f.read()
    text = (text.replace("@DIR@", tmp).replace("@MAX@", str(max_bytes))
            .replace("@THRESHOLD@", str(threshold)).replace("@POLICY_EXTRA@", policy_extra))
    os.makedirs(os.path.join(tmp, "spool"), exist_ok=True)
    path = os.path.join(tmp, "support-milter.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def conf_in(tmp, name, milter_extra="", top_extra="", root_ok=True):
    """A directory tmp/name with a test configuration: milter_extra added to
    the milter group, top_extra at the end, run_as_root dropped unless
    root_ok.  (directory, path)"""
    d = os.path.join(tmp, name)
    os.makedirs(d)
    path = write_conf(d, threshold=4096)
    with open(path) as f:
        text = f.read()
    text = text.replace("backlog = 16;", "backlog = 16;\n" + milter_extra) + top_extra
    if not root_ok:
        text = text.replace("run_as_root = true;", "")
    with open(path, "w") as f:
        f.write(text)
    return d, path


class Daemon:
    """One support-milter in the foreground: a unix socket in tmp, or inet_port."""

    def __init__(self, tmp, conf, inet_port=None, bin=None, preexec=None, env=None):
        self.tmp, self.conf = tmp, conf
        self.bin, self.preexec = bin or BIN, preexec
        self.env = dict(os.environ, **env) if env else None
        self.sock = os.path.join(tmp, "milter.sock")
        self.spec = ("inet:%d@127.0.0.1" % inet_port) if inet_port else "unix:" + self.sock
        self.inet_port = inet_port
        self.log = os.path.join(tmp, "daemon.log")
        self.proc = None

    def listening(self):
        if not self.inet_port:
            return os.path.exists(self.sock) and unix_listening(self.sock)
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", self.inet_port))
            return True
        except OSError:
            return False
        finally:
            s.close()

    def start(self, timeout=10):
        if not self.inet_port and os.path.exists(self.sock):
            os.unlink(self.sock)
        logf = open(self.log, "ab")
        self.proc = subprocess.Popen([self.bin, "-f", "-c", self.conf, "-p", self.spec],
                                     stdout=logf, stderr=logf, preexec_fn=self.preexec,
                                     env=self.env)
        logf.close()
        return wait_for(lambda: self.listening() or self.proc.poll() is not None,
                        timeout) and self.proc.poll() is None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        if self.alive():
            self.proc.send_signal(sig)

    def kill(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait()

    def stop(self, timeout=15):
        if not self.alive():
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def logtext(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


def proc_status(pid, key):
    """A number from /proc/PID/status (VmHWM, Threads ...), or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def children(pid):
    """Direct children of pid."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def split_message(data):
    """(header bytes, body bytes) of a message; line ends left as they are."""
    cands = [(i, len(sep)) for sep in (b"\r\n\r\n", b"\n\n") for i in [data.find(sep)] if i >= 0]
    if not cands:
        return data, b""
    i, n = min(cands)
    return data[:i], data[i + n:]


def lf(b):
    return b.replace(b"\r\n", b"\n")


def header_fields(head, keep_case=False):
    """[(name lower-cased unless keep_case, unfolded value stripped)] of a header block."""
    out = []
    for line in lf(head).split(b"\n"):
        if line[:1] in (b" ", b"\t") and out:
            out[-1][1] += b" " + line.strip()
        elif b":" in line:
            n, v = line.split(b":", 1)
            out.append([n.strip() if keep_case else n.strip().lower(), v.strip()])
    return [(n.decode("latin-1"), v.decode("latin-1")) for n, v in out]


def run_test_mode(conf, eml, out, rcpts=None):
    """support-milter --test (with --rcpt for each of rcpts): (exit status, JSON dict or None)."""
    if os.path.exists(out):
        os.unlink(out)
    extra = [a for r in (rcpts or []) for a in ("--rcpt", r)]
    p = subprocess.run([BIN, "-c", conf, "--test", eml, "--output", out] + extra,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    try:
        js = json.loads(p.stdout.decode("utf-8", "replace").strip().splitlines()[-1])
    except (ValueError, IndexError):
        js = None
    return p.returncode, js


def reply_of(js):
    """(code, xcode, text) from the --test JSON, or the defaults."""
    r = js.get("smtp_reply") if js else None
    act = js.get("action") if js else "accept"
    code, xcode, text = ("550", "5.7.1", "") if act == "reject" else ("451", "4.3.0", "")
    if isinstance(r, dict):
        code = str(r.get("code", code))
        xcode = str(r.get("xcode", r.get("enhanced", xcode)))
        text = str(r.get("text", ""))
    elif isinstance(r, str) and r:
        parts = r.split(" ", 2)
        code = parts[0]
        if len(parts) > 1 and parts[1][:1].isdigit() and "." in parts[1]:
            xcode = parts[1]
            text = parts[2] if len(parts) > 2 else ""
        else:
            text = " ".join(parts[1:])
    return code, xcode, text


class Expect:
    """What the daemon must do with eml, as --test computes it."""

    def __init__(self, conf, eml, workdir, name, rcpts=None):
        self.eml = eml
        self.out = os.path.join(workdir, name + ".out.eml")
        self.status, self.js = run_test_mode(conf, eml, self.out, rcpts)
        self.action = (self.js or {}).get("action", "?")
        self.code, self.xcode, self.text = reply_of(self.js)
        self.delivered = self.status == 0
        self.body = None
        self.added = []
        if self.delivered:
            with open(eml, "rb") as f:
                ih, ib = split_message(f.read())
            with open(self.out, "rb") as f:
                oh, ob = split_message(f.read())
            if lf(ib).rstrip(b"\n") != lf(ob).rstrip(b"\n"):
                self.body = lf(ob).replace(b"\n", b"\r\n")
            before = header_fields(ih)
            for n, v in header_fields(oh, keep_case=True):
                if (n.lower(), v) in before:
                    before.remove((n.lower(), v))
                else:
                    self.added.append((n, v))

    def write(self, path):
        """The expectation file message.lua reads."""
        lines = ["action=" + self.action]
        if not self.delivered:
            lines += ["code=" + self.code, "xcode=" + self.xcode, "text=" + self.text]
            if self.action not in ("reject", "tempfail"):
                lines[0] = "action=" + self.action
        if self.body is not None:
            with open(path + ".body", "wb") as f:
                f.write(self.body)
            lines.append("body=" + path + ".body")
        for n, v in self.added:
            lines.append("hdr=%s\t%s" % (n, v))
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path


def corpus_messages():
    return sorted(os.path.join(CORPUS, f) for f in os.listdir(CORPUS) if f.endswith(".eml"))


def kill_pid_if(pid, name, sig=signal.SIGTERM):
    """Signal pid only if it is still the program we started (pid reuse)."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            if name.encode() not in f.read():
                return
        os.kill(pid, sig)
    except (OSError, ValueError):
        pass
