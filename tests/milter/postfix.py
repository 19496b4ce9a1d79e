"""postfix.py - a private Postfix on 127.0.0.1 for the end-to-end suites.

Layout: client --SMTP--> smtpd on 127.0.0.1:port (smtpd_milters and
non_smtpd_milters: the daemon) --relayhost--> smtp-sink on 127.0.0.1:sink_port,
which writes every message it receives to a file under sink/.  Everything
(configuration, queue, data, log) lives under one temporary directory; see
/work/shared/notes/postfix.md for why each setting is there.

The benchmark (tests/bench/e2e.py) uses the same instance with more smtpd
listeners that differ only in smtpd_milters (`listeners`: name -> milter
spec, each on its own port in `ports`) and main.cf lines of its own
(`main_extra`: a parameter given twice takes its last value).
"""
import os
import pwd
import shutil
import smtplib
import subprocess
import sys

import smtest

MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
{listeners}pickup    unix  n       -       n       1       1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
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
myhostname = relay.test.invalid
mydomain = test.invalid
myorigin = test.invalid
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
relayhost = [127.0.0.1]:{sink_port}
smtp_dns_support_level = disabled
smtp_tls_security_level = none
smtpd_tls_security_level = none
maillog_file = {d}/postfix.log
maillog_file_prefixes = {d}
message_size_limit = 20480000
smtpd_milters = {milter}
non_smtpd_milters = {milter}
milter_default_action = tempfail
milter_protocol = 6
milter_connect_timeout = 5s
milter_command_timeout = 20s
milter_content_timeout = 60s
# contrib/postfix-main.cf: only the queue id, where the daemon reads it
milter_connect_macros =
milter_helo_macros =
milter_mail_macros = i
milter_rcpt_macros =
milter_data_macros = i
milter_end_of_header_macros =
milter_end_of_data_macros = i
milter_unknown_command_macros =
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
smtp_connect_timeout = 5s
biff = no
"""

QUEUES = ("maildrop", "incoming", "active", "deferred", "hold")


def skip_unless_usable():
    """A TAP skip of the whole suite (exit 0) when a private Postfix cannot
    run here: its programs missing (make deps), or not root."""
    for tool in ("postfix", "smtp-sink", "script"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            print("1..0 # SKIP %s not installed (make deps)" % tool)
            sys.exit(0)
    if os.geteuid() != 0:
        print("1..0 # SKIP a private Postfix needs root")
        sys.exit(0)


class Postfix:
    def __init__(self, tmp, milter_sock, listeners=(), main_extra="", sink_backlog=64):
        """milter_sock: the daemon's unix socket path, or None for no milter
        on the main listener; listeners: (name, smtpd_milters) pairs."""
        self.d = os.path.join(tmp, "postfix")
        self.etc = os.path.join(self.d, "etc")
        self.sink_dir = os.path.join(self.d, "sink")
        self.port = smtest.free_port()
        self.sink_port = smtest.free_port()
        self.milter = "unix:" + milter_sock if milter_sock else ""
        self.listeners = list(listeners)
        self.ports = {name: smtest.free_port() for name, _ in self.listeners}
        self.main_extra = main_extra
        self.sink_backlog = sink_backlog
        self.sink = None
        self.started = False

    def setup(self):
        pf = pwd.getpwnam("postfix")
        for sub in ("etc", "queue", "data", "sink"):
            os.makedirs(os.path.join(self.d, sub), exist_ok=True)
        os.chmod(self.d, 0o755)
        os.chown(os.path.join(self.d, "data"), pf.pw_uid, pf.pw_gid)
        os.chown(self.sink_dir, pf.pw_uid, pf.pw_gid)
        with open(os.path.join(self.etc, "main.cf"), "w") as f:
            f.write(MAIN_CF.format(d=self.d, sink_port=self.sink_port, milter=self.milter))
            f.write(self.main_extra)
        extra = "".join("127.0.0.1:%d inet n - n - - smtpd -o smtpd_milters=%s\n"
                        % (self.ports[name], spec) for name, spec in self.listeners)
        with open(os.path.join(self.etc, "master.cf"), "w") as f:
            f.write(MASTER_CF.format(port=self.port, listeners=extra))

    def start_sink(self):
        self.sink = subprocess.Popen(
            ["smtp-sink", "-u", "postfix", "-d", self.sink_dir + "/%Y%m%d%H%M%S.",
             "127.0.0.1:%d" % self.sink_port, str(self.sink_backlog)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return smtest.wait_for(lambda: self._listening(self.sink_port), 10)

    def _listening(self, port):
        import socket
        s = socket.socket()
        s.settimeout(1)
        try:
            s.connect(("127.0.0.1", port))
            return s.recv(100).startswith(b"220")
        except OSError:
            return False
        finally:
            s.close()

    def start(self):
        p = subprocess.run(["script", "-qec", "postfix -c %s start" % self.etc, "/dev/null"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        self.started = True
        if p.returncode != 0:
            return False
        return smtest.wait_for(lambda: self._listening(self.port), 20)

    def stop(self):
        if self.started:
            subprocess.run(["postfix", "-c", self.etc, "stop"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=60)
            # master exits within a few seconds; wait for its pid file to go
            smtest.wait_for(lambda: not self._master_alive(), 15)
            self.started = False
        if self.sink and self.sink.poll() is None:
            self.sink.kill()
            self.sink.wait()

    def master_pid(self):
        """The pid of this instance's master process, or 0."""
        try:
            with open(os.path.join(self.d, "queue", "pid", "master.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return 0

    def _master_alive(self):
        pid = self.master_pid()
        if pid <= 0:
            return False
        try:
            os.kill(pid, 0)
            return True
        except OSError:
            return False

    def queue_files(self, *queues):
        n = 0
        for q in queues or QUEUES:
            for _, _, files in os.walk(os.path.join(self.d, "queue", q)):
                n += len(files)
        return n

    def sink_files(self):
        out = []
        for root, _, files in os.walk(self.sink_dir):
            out += [os.path.join(root, f) for f in files]
        return sorted(out)

    def log(self):
        try:
            with open(os.path.join(self.d, "postfix.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def clear_sink(self):
        for path in self.sink_files():
            os.unlink(path)

    def smtp(self, port=None):
        return smtplib.SMTP("127.0.0.1", port or self.port, timeout=120)

    def send(self, sender, rcpts, data, port=None):
        """Send one message (to the main listener unless port is given):
        (reply code, reply text); 250 when queued."""
        try:
            with self.smtp(port) as s:
                s.ehlo("client.test.invalid")
                s.sendmail(sender, rcpts, data)
            return 250, ""
        except smtplib.SMTPRecipientsRefused as e:
            code, msg = list(e.recipients.values())[0]
            return code, msg.decode("utf-8", "replace")
        except smtplib.SMTPResponseException as e:
            return e.smtp_code, e.smtp_error.decode("utf-8", "replace")

    def sendmail_cmd(self, sender, rcpt, data):
        """Postfix's sendmail(1) with our configuration: non_smtpd_milters."""
        p = subprocess.run(["/usr/sbin/sendmail", "-C", self.etc, "-f", sender, "-i", rcpt],
                           input=data, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=60)
        return p.returncode, p.stdout.decode("utf-8", "replace")

    def kick_pickup(self):
        subprocess.run(["postkick", "-c", self.etc, "public", "pickup", "W"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)

    def flush(self):
        subprocess.run(["postqueue", "-c", self.etc, "-f"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30)

    def sink_body(self, sender):
        """The body (LF line ends, trailing newlines dropped) of the message
        the sink got from envelope sender, or None."""
        for path in self.sink_files():
            with open(path, "rb") as f:
                head, body = smtest.split_message(f.read())
            # "<sender>" and, for 8bit content, " BODY=8BITMIME"
            if any(k == "x-mail-args" and v.split()[:1] == ["<%s>" % sender]
                   for k, v in smtest.header_fields(head)):
                return smtest.lf(body).rstrip(b"\n")
        return None

    def drained(self, n_sink):
        return self.queue_files() == 0 and len(self.sink_files()) >= n_sink


def expected_body(e):
    """The body `support-milter --test` wrote for an smtest.Expect, as
    Postfix.sink_body gives it."""
    with open(e.out, "rb") as f:
        return smtest.lf(smtest.split_message(f.read())[1]).rstrip(b"\n")


def sink_message(path):
    """The message as smtp-sink dumped it: (envelope lines, message bytes)."""
    with open(path, "rb") as f:
        data = f.read()
    return data
