"""deploylib.py - the machinery of tests/deploy.t: the system Postfix and the
installed package as an administrator has them, and the way back.

- Relay: the system Postfix (/etc/postfix) with Debian's stock main.cf.debian
  and master.cf.dist (chrooted services), the smtpd on a free loopback port,
  relayhost a private smtp-sink; started as Debian's service does
  (configure-instance.sh, postfix start).
- UnitDaemon: the installed unit's ExecStartPre/ExecStart run as its User=
  and UMask= in a mount namespace that emulates ProtectSystem=strict (root
  read-only except ReadWritePaths=) and the journal (JOURNAL_STREAM on
  stderr, /dev/log a datagram socket collected by Syslog).
- save_state/restore_state: /etc/postfix's files and the paths under
  /etc/postfix, /var/spool/postfix and /var/lib/postfix backed up in BACKUP
  before anything changes, put back afterwards (also by the next run, when
  a run died), the package purged.
"""
import fcntl
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import threading
import time

import smtest

ETC = "/etc/support-milter"
CONF = ETC + "/support-milter.conf"
KEY = ETC + "/fingerprint.key"
SOCK = "/var/spool/postfix/support-milter/support-milter.sock"
UNIT = "/lib/systemd/system/support-milter.service"
EXAMPLES = "/usr/share/doc/support-milter/examples"
LOCK = "/run/lock/support-milter-deploy-t.lock"
BACKUP = "/var/tmp/support-milter-deploy-t.backup"
PF_ETC = "/etc/postfix"
PF_SPOOL = "/var/spool/postfix"
PF_LIB = "/var/lib/postfix"
QUEUES = ("maildrop", "incoming", "active", "deferred", "hold")


def run(args, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.STDOUT)
    kw.setdefault("timeout", 300)
    p = subprocess.run(args, **kw)
    out = p.stdout.decode("utf-8", "replace") if p.stdout is not None else ""
    return p.returncode, out


class Syslog:
    """A /dev/log stand-in: a datagram socket collecting what syslog(3) sends."""

    def __init__(self, path):
        self.path = path
        self.lines = []
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.s.bind(path)
        os.chmod(path, 0o666)
        self.s.settimeout(0.2)
        self.stopping = False
        self.th = threading.Thread(target=self._loop, daemon=True)
        self.th.start()

    def _loop(self):
        while not self.stopping:
            try:
                self.lines.append(self.s.recv(65536).decode("utf-8", "replace"))
            except socket.timeout:
                continue
            except OSError:
                break

    def close(self):
        self.stopping = True
        self.th.join(2)
        self.s.close()


def unit_settings():
    """The [Service] settings of the installed unit: {key: [values]}."""
    out = {}
    with open(UNIT) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith(("#", "[")) and "=" in line:
                k, v = line.split("=", 1)
                out.setdefault(k, []).append(v)
    return out


# Run the unit's command in a private mount namespace: the root file system
# read-only except ReadWritePaths= (ProtectSystem=strict), /dev with null,
# zero, random, urandom and a /dev/log that goes to our collector, umask
# UMask=, then become User=/Group= with the user's supplementary groups.
NS_SCRIPT = r"""
set -e
dev=$1 logsock=$2 umask_=$3 user=$4 group=$5 rw=$6
shift 6
mount -t tmpfs -o mode=0755 tmpfs "$dev"
for n in null zero full random urandom; do : > "$dev/$n"; mount --bind "/dev/$n" "$dev/$n"; done
ln -s "$logsock" "$dev/log"
mount --bind "$dev" /dev
for p in $rw; do
	case "$p" in -*) p=${p#-}; [ -e "$p" ] || continue;; esac
	mount --bind "$p" "$p"
done
mount -o remount,bind,ro /
umask "$umask_"
exec setpriv --reuid="$user" --regid="$group" --init-groups "$@"
"""


class UnitDaemon:
    def __init__(self, tmp):
        self.tmp = tmp
        self.u = unit_settings()
        self.proc = None
        self.syslog = Syslog(os.path.join(tmp, "log.sock"))
        self.err = os.path.join(tmp, "daemon.stderr")

    def _ns(self, cmd, **kw):
        dev = os.path.join(self.tmp, "dev-%d" % time.monotonic_ns())
        os.makedirs(dev)
        rw = " ".join(" ".join(v.split()) for v in self.u.get("ReadWritePaths", []))
        return ["unshare", "-m", "--propagation", "private", "sh", "-c", NS_SCRIPT, "sh", dev,
                self.syslog.path, self.u.get("UMask", ["0022"])[0], self.u["User"][0],
                self.u.get("Group", self.u["User"])[0], rw] + cmd

    def start_pre(self):
        cmd = shlex.split(self.u["ExecStartPre"][0])
        return run(self._ns(cmd), timeout=60)

    def start(self):
        if os.path.exists(SOCK):
            os.unlink(SOCK)
        cmd = shlex.split(self.u["ExecStart"][0])
        errf = open(self.err, "ab")
        st = os.fstat(errf.fileno())
        env = dict(os.environ, JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino))
        self.proc = subprocess.Popen(self._ns(cmd), stdout=errf, stderr=errf, env=env)
        errf.close()
        return smtest.wait_for(lambda: os.path.exists(SOCK) or self.proc.poll() is not None,
                               20) and self.proc.poll() is None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def stderr(self):
        try:
            with open(self.err, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


def sink_files(d):
    out = []
    for root, _, files in os.walk(d):
        out += [os.path.join(root, f) for f in files]
    return sorted(out)


def sink_find(d, sender=None, rcpt=None):
    """(header fields, body) of the sink file with that envelope sender (or,
    for a bounce, sender <> and that recipient), or None."""
    for path in sink_files(d):
        with open(path, "rb") as f:
            head, body = smtest.split_message(f.read())
        fields = smtest.header_fields(head)
        mail = [v.split()[:1] for k, v in fields if k == "x-mail-args"]
        rcpts = [v.split()[:1] for k, v in fields if k == "x-rcpt-args"]
        if sender is not None and ["<%s>" % sender] in mail:
            return fields, smtest.lf(body).rstrip(b"\n")
        if rcpt is not None and ["<>"] in mail and ["<%s>" % rcpt] in rcpts:
            return fields, smtest.lf(body).rstrip(b"\n")
    return None


def body_of(path):
    with open(path, "rb") as f:
        return smtest.lf(smtest.split_message(f.read())[1]).rstrip(b"\n")


def queue_count(*queues):
    n = 0
    for q in queues or QUEUES:
        for _, _, files in os.walk(os.path.join(PF_SPOOL, q)):
            n += len(files)
    return n


def send(port, sender, rcpts, data):
    import smtplib
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=120) as s:
            s.ehlo("client.deploy-test.invalid")
            s.sendmail(sender, rcpts, data)
        return 250, ""
    except smtplib.SMTPRecipientsRefused as e:
        code, msg = list(e.recipients.values())[0]
        return code, msg.decode("utf-8", "replace")
    except smtplib.SMTPResponseException as e:
        return e.smtp_code, e.smtp_error.decode("utf-8", "replace")
    except OSError as e:
        return 0, str(e)


def banner(port):
    try:
        with socket.create_connection(("127.0.0.1", port), 1) as s:
            s.settimeout(2)
            return s.recv(512).startswith(b"220")
    except OSError:
        return False


def postfix_running():
    return run(["postfix", "status"], timeout=30)[0] == 0


def snapshot(*roots):
    out = set()
    for r in roots:
        for root, dirs, files in os.walk(r):
            out.add(root)
            out.update(os.path.join(root, n) for n in dirs + files)
    return out


def save_state():
    """Back up what the test changes, so that a run that dies is repaired."""
    os.makedirs(BACKUP, mode=0o700)
    for name in ("main.cf", "master.cf"):
        src = os.path.join(PF_ETC, name)
        if os.path.exists(src):
            shutil.copy2(src, os.path.join(BACKUP, name))
    with open(os.path.join(BACKUP, "paths"), "w") as f:
        f.write("\n".join(sorted(snapshot(PF_ETC, PF_SPOOL, PF_LIB))) + "\n")


def restore_state():
    """Stop the system Postfix, put /etc/postfix back, delete what Postfix and
    the test created under /var/spool/postfix and /var/lib/postfix, and
    purge the package.  Safe to run twice."""
    msgs = []
    if postfix_running():
        run(["postsuper", "-d", "ALL"], timeout=60)
        run(["postfix", "stop"], timeout=60)
        smtest.wait_for(lambda: not postfix_running(), 20)
    if not os.path.isdir(BACKUP):
        return msgs
    for name in ("main.cf", "master.cf"):
        saved, live = os.path.join(BACKUP, name), os.path.join(PF_ETC, name)
        if os.path.exists(saved):
            shutil.copy2(saved, live)
        elif os.path.exists(live):
            os.unlink(live)
    if os.path.exists(os.path.join(BACKUP, "paths")):
        with open(os.path.join(BACKUP, "paths")) as f:
            before = set(f.read().split("\n")) - {""}
        for p in sorted(snapshot(PF_ETC, PF_SPOOL, PF_LIB) - before, reverse=True):
            try:
                if os.path.isdir(p) and not os.path.islink(p):
                    shutil.rmtree(p)
                else:
                    os.unlink(p)
            except FileNotFoundError:
                pass
            msgs.append(p)
    if run(["dpkg-query", "-W", "-f=${Status}", "support-milter"])[1].find("installed") >= 0 \
            or os.path.exists("/var/lib/dpkg/info/support-milter.list"):
        run(["dpkg", "--purge", "support-milter"], timeout=120)
    shutil.rmtree(BACKUP, ignore_errors=True)
    return msgs


def pf_state():
    """What must be the same after the test: /etc/postfix's main.cf and
    master.cf, and the set of paths under /etc/postfix, /var/spool/postfix
    and /var/lib/postfix."""
    out = {}
    for name in ("main.cf", "master.cf"):
        try:
            out[name] = read(os.path.join(PF_ETC, name))
        except FileNotFoundError:
            out[name] = None
    out["paths"] = snapshot(PF_ETC, PF_SPOOL, PF_LIB)
    return out


def machine_idle():
    """None, or why the system Postfix / package must not be touched now."""
    if postfix_running():
        return "the system Postfix is running: not touching it"
    if queue_count():
        return "the system Postfix queue is not empty: not touching it"
    if "ok installed" in run(["dpkg-query", "-W", "-f=${Status}", "support-milter"])[1]:
        return "support-milter is installed on this machine: not touching it"
    try:
        pwd.getpwnam("support-milter")
        return "a user support-milter exists already: not touching it"
    except KeyError:
        return None


class Relay:
    """The system Postfix: stock main.cf.debian + this site's loopback
    settings + the packaged example, stock master.cf with the smtpd on a
    free loopback port instead of 25."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.port = smtest.free_port()
        self.filter_port = smtest.free_port()
        self.sink_port = smtest.free_port()
        self.sink_dir = os.path.join(tmp, "sink")
        self.log = os.path.join(tmp, "postfix.log")
        os.makedirs(self.sink_dir)
        pf = pwd.getpwnam("postfix")
        os.chown(self.sink_dir, pf.pw_uid, pf.pw_gid)
        self.sink = subprocess.Popen(
            ["smtp-sink", "-u", "postfix", "-d", self.sink_dir + "/%Y%m%d%H%M%S.",
             "127.0.0.1:%d" % self.sink_port, "64"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def site(self):
        # what an administrator answers to debconf for a loopback-only relay
        # with a smarthost, plus a log file (no syslog here) and short retries
        return "\n".join([
            "# --- this site (deploy.t)",
            "myhostname = relay.deploy-test.invalid",
            "mydomain = deploy-test.invalid",
            "myorigin = $mydomain",
            "mydestination =",
            "local_recipient_maps =",
            "alias_maps =",
            "alias_database =",
            "inet_interfaces = loopback-only",
            "inet_protocols = ipv4",
            "mynetworks = 127.0.0.0/8",
            "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination",
            "relayhost = [127.0.0.1]:%d" % self.sink_port,
            "smtp_dns_support_level = disabled",
            "maillog_file = %s" % self.log,
            "queue_run_delay = 1s",
            "minimal_backoff_time = 1s",
            "maximal_backoff_time = 2s",
            "smtp_connect_timeout = 5s",
            ""])

    def configure(self, main_extra, master_extra=""):
        with open("/usr/share/postfix/main.cf.debian") as f:
            main = f.read()
        with open(os.path.join(PF_ETC, "main.cf"), "w") as f:
            f.write(main + "\n" + self.site() + "\n" + main_extra)
        with open("/usr/share/postfix/master.cf.dist") as f:
            master = f.read()
        master, n = re.subn(r"(?m)^smtp(\s+inet\s)", "127.0.0.1:%d\\1" % self.port, master)
        assert n == 1, "stock master.cf: no smtp inet line"
        with open(os.path.join(PF_ETC, "master.cf"), "w") as f:
            f.write(master + "\n" + master_extra)

    def start(self):
        run(["/usr/lib/postfix/configure-instance.sh", "-"], timeout=60)
        rc, out = run(["script", "-qec", "postfix start", "/dev/null"], timeout=120)
        self.start_output = out.strip()[-300:]
        return rc == 0 and smtest.wait_for(lambda: banner(self.port), 30)

    def reload(self, port):
        rc, out = run(["postfix", "reload"], timeout=60)
        return rc == 0 and smtest.wait_for(lambda: banner(port), 30)

    def stop(self):
        if postfix_running():
            run(["postsuper", "-d", "ALL"], timeout=60)
            run(["postfix", "stop"], timeout=60)
            smtest.wait_for(lambda: not postfix_running(), 20)

    def close(self):
        self.stop()
        if self.sink.poll() is None:
            self.sink.kill()
            self.sink.wait()

    def logtext(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def delivered(self, sender=None, rcpt=None, timeout=60):
        return smtest.wait_for(lambda: sink_find(self.sink_dir, sender, rcpt), timeout)


def example(name):
    with open(os.path.join(EXAMPLES, name)) as f:
        return f.read()


def read(path):
    with open(path, "rb") as f:
        return f.read()


# dpkg -i as on a systemd host whose daemon runs: /run/systemd/system exists
# (a private tmpfs on /run), and systemctl and the deb-systemd-* helpers are
# stand-ins that record their arguments.
UPGRADE_NS = r"""
set -e
fake=$1 deb=$2
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/systemd/system /run/lock
for c in systemctl deb-systemd-invoke deb-systemd-helper; do
	printf '#!/bin/sh\necho "%s $*" >> %s/calls\nexit 0\n' "$c" "$fake" > "$fake/$c"
	chmod 755 "$fake/$c"
done
PATH=$fake:$PATH exec dpkg -i --force-confold "$deb"
"""


def upgrade_as_systemd(tmp, deb):
    """(dpkg's exit status, its output, the recorded service calls)."""
    fake = os.path.join(tmp, "fake-systemd")
    shutil.rmtree(fake, ignore_errors=True)
    os.makedirs(fake)
    rc, out = run(["unshare", "-m", "--propagation", "private", "sh", "-c", UPGRADE_NS, "sh",
                   fake, deb], timeout=300)
    try:
        with open(os.path.join(fake, "calls")) as f:
            calls = f.read()
    except OSError:
        calls = ""
    return rc, out, calls


def trylock(f):
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
