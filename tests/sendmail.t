#!/usr/bin/env python3
"""sendmail.t - the same daemon behind a real sendmail.

sendmail-bin conflicts with postfix, so it is not installed: the Debian
packages are fetched with `apt-get download` into build/sendmail-cache and
extracted there (see /work/shared/notes/sendmail.md); m4 builds a private
.cf (INPUT_MAIL_FILTER with F=T: tempfail when the filter is unavailable).
sendmail listens on 127.0.0.1 and relays to smtp-sink; the daemon listens on
an inet socket.  Checked end to end: a card message (masked by the real
policy), an onboarding message (rejected by it) and an unrelated message,
each against `support-milter --test`.
"""
import glob
import os
import pwd
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
import smtest  # noqa: E402
import postfix  # noqa: E402

t = smtest.Tap()
PKGS = ("sendmail-bin", "sendmail-cf", "sendmail-base", "libwrap0")
CACHE = os.path.join(smtest.BUILD, "sendmail-cache")
ROOT = os.path.join(CACHE, "root")
for tool in ("m4", "unshare", "smtp-sink", "apt-get", "dpkg"):
    if not shutil.which(tool):
        print("1..0 # SKIP %s not installed (make deps)" % tool)
        sys.exit(0)
if os.geteuid() != 0:
    print("1..0 # SKIP sendmail from extracted packages needs root")
    sys.exit(0)


def fetch():
    """Download (once) and extract the packages into build/sendmail-cache."""
    os.makedirs(CACHE, exist_ok=True)
    updated = False
    for p in PKGS:
        while not glob.glob(os.path.join(CACHE, p + "_*.deb")):
            r = subprocess.run(["apt-get", "download", p], cwd=CACHE, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=300)
            if r.returncode == 0:
                break
            if updated:
                return "apt-get download %s: %s" % (p, r.stdout.decode(errors="replace"))
            # a fresh system may have no package lists yet
            subprocess.run(["apt-get", "update", "-qq"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=600)
            updated = True
    if not os.path.exists(os.path.join(ROOT, "usr/libexec/sendmail/sendmail")):
        for deb in glob.glob(os.path.join(CACHE, "*.deb")):
            subprocess.run(["dpkg", "-x", deb, ROOT], check=True, timeout=120)
    return None


MC = """\
include(`{cf}/m4/cf.m4')dnl
VERSIONID(`support-milter test')dnl
OSTYPE(`linux')dnl
define(`confDOMAIN_NAME', `mta.test.invalid')dnl
define(`QUEUE_DIR', `{d}/queue')dnl
define(`confPID_FILE', `{d}/sendmail.pid')dnl
define(`STATUS_FILE', `{d}/sendmail.st')dnl
define(`confHOST_STATUS_DIRECTORY', `')dnl
define(`confDONT_PROBE_INTERFACES', `True')dnl
define(`confCW_FILE', `-o {d}/local-host-names')dnl
define(`confTO_QUEUEWARN', `')dnl
undefine(`ALIAS_FILE')dnl
define(`SMART_HOST', `esmtp:[127.0.0.1]')dnl
define(`ESMTP_MAILER_ARGS', `TCP $h {sink_port}')dnl
FEATURE(`no_default_msa')dnl
FEATURE(`accept_unresolvable_domains')dnl
FEATURE(`nocanonify')dnl
DAEMON_OPTIONS(`Family=inet, Addr=127.0.0.1, Port={port}, Name=MTA')dnl
INPUT_MAIL_FILTER(`support-milter', `S=inet:{milter_port}@127.0.0.1, F=T, T=C:10s;S:30s;R:30s;E:2m')dnl
MAILER(`smtp')dnl
"""

tmp = smtest.make_tmpdir("sm-sendmail-")
conf = smtest.write_conf(tmp, threshold=65536)
milter_port = smtest.free_port()
d = smtest.Daemon(tmp, conf, inet_port=milter_port)
sink = postfix.Postfix(tmp, d.sock)   # only its smtp-sink is used
sm = {"proc": None}


def cleanup():
    if t.failed:
        # only SMTP reply lines: the traffic log also holds message data,
        # which must not reach the test output (it may hold test secrets)
        try:
            with open(os.path.join(tmp, "traffic.log"), errors="replace") as fh:
                replies = [ln.rstrip() for ln in fh if re.match(r"^\d+ (>>>|<<<) \d{3}[ -]", ln)]
            t.diag("traffic.log SMTP replies (tail):\n" + "\n".join(replies[-40:]))
        except OSError:
            pass
        t.diag("daemon log (tail):\n" + d.logtext()[-2000:])
    p = sm["proc"]
    if p and p.poll() is None:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    # sendmail's background delivery children are in its process group
    try:
        with open(os.path.join(tmp, "sendmail.pid")) as f:
            smtest.kill_pid_if(int(f.readline()), "sendmail")
    except (OSError, ValueError):
        pass
    sink.stop()
    d.stop()
    shutil.rmtree(tmp, ignore_errors=True)


def start_sendmail(port, milter_port):
    cf = os.path.join(ROOT, "usr/share/sendmail/cf")
    qdir = os.path.join(tmp, "queue")
    os.makedirs(qdir, mode=0o700, exist_ok=True)
    mc = os.path.join(tmp, "test.mc")
    with open(mc, "w") as f:
        f.write(MC.format(cf=cf, d=tmp, sink_port=sink.sink_port, port=port,
                          milter_port=milter_port))
    with open(os.path.join(tmp, "test.cf"), "w") as out:
        subprocess.run(["m4", "-D_CF_DIR_=" + cf + "/", mc], stdout=out, check=True, timeout=60)
    binary = os.path.join(tmp, "sendmail")
    shutil.copy(os.path.join(ROOT, "usr/libexec/sendmail/sendmail"), binary)
    os.chmod(binary, 0o755)     # no setgid: the loader must honour LD_LIBRARY_PATH
    env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(ROOT, "usr/lib/x86_64-linux-gnu"))
    log = open(os.path.join(tmp, "sendmail.out"), "wb")
    sm["proc"] = subprocess.Popen(
        ["unshare", "--uts", "sh", "-c", 'hostname mta.test.invalid && exec "$0" "$@"',
         binary, "-C", os.path.join(tmp, "test.cf"), "-bD", "-X",
         os.path.join(tmp, "traffic.log")], stdout=log, stderr=log, env=env)
    log.close()
    return smtest.wait_for(lambda: sink._listening(port) or sm["proc"].poll() is not None,
                           30) and sm["proc"].poll() is None


def send(port, sender, rcpt, data):
    import smtplib
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=120) as s:
            s.ehlo("client.test.invalid")
            s.sendmail(sender, [rcpt], data)
        return 250
    except smtplib.SMTPResponseException as e:
        return e.smtp_code
    except smtplib.SMTPRecipientsRefused as e:
        return list(e.recipients.values())[0][0]


def arrived(sender):
    for path in sink.sink_files():
        with open(path, "rb") as f:
            head, body = smtest.split_message(f.read())
        fields = smtest.header_fields(head)
        # a file is complete once smtp-sink has written the end of the message
        if any(n == "x-mail-args" and v.split()[0] == "<%s>" % sender for n, v in fields) \
                and body.endswith(b"\n\n"):
            return fields, smtest.lf(body).rstrip(b"\n")
    return None


try:
    err = fetch()
    if not t.ok(err is None, "sendmail packages downloaded and extracted into build/"):
        t.bail(err)
    if not t.ok(d.start(), "daemon listens on inet:%d@127.0.0.1" % milter_port):
        t.bail("daemon did not start:\n" + d.logtext())
    os.makedirs(sink.sink_dir, exist_ok=True)
    pw = pwd.getpwnam("postfix")
    os.chown(sink.sink_dir, pw.pw_uid, pw.pw_gid)
    t.ok(sink.start_sink(), "smtp-sink listens")
    port = smtest.free_port()
    if not t.ok(start_sendmail(port, milter_port), "sendmail listens on 127.0.0.1:%d" % port):
        t.bail("sendmail did not start")

    msgs = smtest.corpus_messages()
    cases = [("masked", sorted(m for m in msgs if "_card_" in m)[0]),
             ("rejected", sorted(m for m in msgs if "_onb_" in m)[0])]
    expected_at_sink = 0
    results = []
    for label, eml in cases:
        e = smtest.Expect(conf, eml, tmp, label)
        with open(eml, "rb") as f:
            code = send(port, label + "@test.invalid", "supportmail@microsoft.com", f.read())
        if e.delivered:
            t.ok(code == 250, "%s: sendmail accepts it as --test delivers it (got %s)" % (label, code))
            expected_at_sink += 1
        else:
            t.ok(str(code) == e.code, "%s: SMTP %s as --test says (got %s)" % (label, e.code, code))
        results.append((label, e))
    unrelated = b"From: a@example.co.jp\r\nTo: b@example.net\r\nSubject: lunch\r\n\r\nsee you\r\n"
    t.ok(send(port, "unrelated@test.invalid", "b@example.net", unrelated) == 250,
         "unrelated mail accepted")
    expected_at_sink += 1
    senders = [lb + "@test.invalid" for lb, e in results if e.delivered] + ["unrelated@test.invalid"]
    t.ok(smtest.wait_for(lambda: all(arrived(x) for x in senders), 60),
         "%d messages reach the sink" % expected_at_sink)
    for label, e in results:
        got = arrived(label + "@test.invalid")
        if e.delivered:
            with open(e.out, "rb") as f:
                head, body = smtest.split_message(f.read())
            t.ok(got is not None and got[1] == smtest.lf(body).rstrip(b"\n"),
                 label + ": delivered body equals --test output")
            want = [h for h in smtest.header_fields(head)]
            t.ok(got is not None and all(h in got[0] for h in want),
                 label + ": every header of the --test output is delivered")
        else:
            t.ok(got is None, label + ": not delivered")
    t.ok(results[0][1].body is not None, "masked: --test replaces the card message's body")
    t.ok(not results[1][1].delivered, "rejected: --test rejects onboarding material")
    got = arrived("unrelated@test.invalid")
    if got is None or got[1] != b"see you":
        t.diag("unrelated arrived as: %r" % (got,))
    t.ok(got is not None and got[1] == b"see you", "unrelated: delivered unchanged")
    with open(os.path.join(tmp, "audit.log")) as f:
        t.ok(sum(1 for _ in f) == 2, "audit log: two support messages, unrelated not logged")
finally:
    cleanup()
t.done()
