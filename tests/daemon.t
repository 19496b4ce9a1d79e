#!/usr/bin/env python3
"""daemon.t - the daemon's process life and its failure action.

- -n refuses a broken configuration with file:line and key.
- Without -f: forks to the background, writes the -P pid file, drops
  privileges to -u USER after creating the socket (mode socket_mode), and
  stops on SIGTERM removing its socket.
- Spool failure: spool_dir missing.  A message under spool_threshold is
  scanned in memory; one over it cannot be spooled and gets the failure
  action (tempfail, 451 4.3.0), never delivered unscanned.  With
  on_failure = "accept" the same message is accepted unchanged (logged).
"""
import grp
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
import smtest  # noqa: E402

t = smtest.Tap()
if not shutil.which("miltertest"):
    print("1..0 # SKIP miltertest not installed (make deps)")
    sys.exit(0)
tmp = smtest.make_tmpdir("sm-daemon-")
procs = []


def cleanup():
    for d in procs:
        d.stop()
    for pidfile in (os.path.join(tmp, "run", "pid"),):
        try:
            with open(pidfile) as f:
                smtest.kill_pid_if(int(f.read()), "support-milter", signal.SIGKILL)
        except (OSError, ValueError):
            pass
    shutil.rmtree(tmp, ignore_errors=True)


def proc_uid(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except (OSError, TypeError):
        pass
    return None


def read_pid(path):
    def get():
        try:
            with open(path) as f:
                return int(f.read())
        except (OSError, ValueError):
            return None
    return smtest.wait_for(get, 10)


def miltertest(sock, script, **defs):
    rc, lines, summary = smtest.miltertest_run(sock, script, timeout=60, **defs)
    return rc == 0 and summary, "\n".join(lines)


def write_expect(path, **kv):
    with open(path, "w") as f:
        f.write("".join("%s=%s\n" % (k, v) for k, v in kv.items()))
    return path


def msg(path, nlines):
    with open(path, "w") as f:
        f.write("From: a@example.co.jp\nTo: supportmail@microsoft.com\nSubject: [SR#2411180040324704] x\n\n"
                + "a line of text for the spool test\n" * nlines)
    return path


try:
    # -n: a broken configuration names file, line and key
    bad = os.path.join(tmp, "bad.conf")
    with open(bad, "w") as f:
        f.write('recipients = [ "a@example.com" ];\nlimits: {\n  max_parts = -5;\n};\n')
    p = subprocess.run([smtest.BIN, "-n", "-c", bad], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    err = p.stderr.decode()
    t.ok(p.returncode == 2 and "bad.conf:3" in err and "max_parts" in err,
         "-n: broken configuration refused with file:line and key")
    p = subprocess.run([smtest.BIN, "-f", "-c", bad, "-p", "unix:" + tmp + "/x.sock"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    t.ok(p.returncode == 2 and not os.path.exists(tmp + "/x.sock"),
         "daemon refuses to start with a broken configuration")

    # background, pid file, privileges dropped to nobody
    if os.geteuid() == 0:
        bg = os.path.join(tmp, "bg")
        os.makedirs(bg)
        nobody = pwd.getpwnam("nobody")
        os.chown(bg, nobody.pw_uid, nobody.pw_gid)
        conf = smtest.write_conf(bg)
        with open(conf) as f:
            text = f.read()
        with open(conf, "w") as f:
            f.write(text.replace('socket_mode = "0666";',
                                 'socket_mode = "0660";\n  socket_owner = "nobody:%s";'
                                 % grp.getgrgid(nobody.pw_gid).gr_name))
        # the pid file goes in a root-owned directory (pidfile.c refuses one
        # the unprivileged user could write: tests/hardening.t)
        os.makedirs(os.path.join(tmp, "run"))
        sock, pidfile = os.path.join(bg, "milter.sock"), os.path.join(tmp, "run", "pid")
        p = subprocess.run([smtest.BIN, "-c", conf, "-p", "unix:" + sock, "-P", pidfile,
                            "-u", "nobody"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=20)
        t.ok(p.returncode == 0, "without -f: the parent returns 0 (daemon in background)")
        t.ok(smtest.wait_for(lambda: os.path.exists(pidfile) and os.path.exists(sock), 10),
             "-P: pid file written, socket created")
        pid = read_pid(pidfile)
        # the pid file is written just before privileges are dropped
        t.ok(smtest.wait_for(lambda: proc_uid(pid) == nobody.pw_uid, 10),
             "-u nobody: privileges dropped")
        st = os.stat(sock)
        t.ok(oct(st.st_mode & 0o777) == "0o660", "socket mode from socket_mode")
        t.ok(st.st_uid == nobody.pw_uid and st.st_gid == nobody.pw_gid,
             "socket owner from socket_owner")
        ok, out = miltertest(sock, "unrelated.lua")
        t.ok(ok, "unprivileged daemon answers the protocol")
        os.kill(pid, signal.SIGTERM)
        t.ok(smtest.wait_for(lambda: not os.path.exists("/proc/%d" % pid), 20),
             "SIGTERM: background daemon exits")
        t.ok(not os.path.exists(sock), "socket removed on exit")
    else:
        t.skip("background daemon, pid file and privilege drop", "needs root")

    # spool failure: spool_dir missing
    sp = os.path.join(tmp, "spool")
    os.makedirs(sp)
    conf = smtest.write_conf(sp, threshold=4096)
    shutil.rmtree(os.path.join(sp, "spool"))
    d = smtest.Daemon(sp, conf)
    procs.append(d)
    t.ok(d.start(), "daemon starts without its spool_dir (warns)")
    t.ok("spool_dir" in d.logtext(), "missing spool_dir logged at start")
    small = msg(os.path.join(tmp, "small.eml"), 10)
    big = msg(os.path.join(tmp, "big.eml"), 1000)
    es = smtest.Expect(conf, small, tmp, "small")
    ok, out = miltertest(d.sock, "message.lua", eml=small, expect=es.write(tmp + "/small.exp"),
                         label="small")
    t.ok(ok, "message under spool_threshold: scanned in memory, as --test says")
    ex = write_expect(tmp + "/big.exp", action="tempfail", code="451", xcode="4.3.0",
                      text="support-milter could not scan this message; please try again later")
    ok, out = miltertest(d.sock, "message.lua", eml=big, expect=ex, label="big")
    t.ok(ok, "message over spool_threshold, spool unusable: 451 4.3.0 (on_failure tempfail)")
    if not ok:
        t.diag(out)
    t.ok("spool file in" in d.logtext(), "spool failure logged with its reason")
    with open(os.path.join(sp, "audit.log")) as f:
        try:
            recs = [json.loads(line) for line in f]
        except ValueError:
            recs = []
    t.ok(any(r.get("failed") and r.get("action") == "tempfail" for r in recs),
         "failure recorded in the audit log (every line valid JSON)")
    d.stop()

    with open(conf) as f:
        text = f.read().replace('on_failure = "tempfail"', 'on_failure = "accept"')
    with open(conf, "w") as f:
        f.write(text)
    t.ok(d.start(), "daemon restarted with on_failure = accept")
    ex = write_expect(tmp + "/big2.exp", action="accept")
    ok, out = miltertest(d.sock, "message.lua", eml=big, expect=ex, label="big accept")
    t.ok(ok, "on_failure = accept: accepted unchanged")
    t.ok("accepted unscanned (configured)" in d.logtext(), "unscanned acceptance logged")

    # A burst of SIGHUPs (logrotate beside a deploy, a careless loop): each
    # reloads or merges with another, none may stop the daemon.  libmilter's
    # own signal thread stops the milter on a SIGHUP it gets; one that came
    # while the main thread was busy reloading used to go there.
    base, stops = d.logtext().count("reloaded"), d.logtext().count("stopped")
    for _ in range(200):
        d.signal(signal.SIGHUP)
    seen = [-1]

    def settled():
        n = d.logtext().count("reloaded")
        done, seen[0] = n == seen[0], n
        return done
    t.ok(smtest.wait_for(settled, 30, step=0.5) and seen[0] > base,
         "a burst of 200 SIGHUPs: reloaded (%d reloads)" % (seen[0] - base))
    t.ok(d.alive() and d.logtext().count("stopped") == stops,
         "a burst of 200 SIGHUPs: the daemon is still running")
    ok, out = miltertest(d.sock, "message.lua", eml=big, expect=ex, label="after the burst")
    t.ok(ok, "after the burst of SIGHUPs: still answering")
finally:
    cleanup()
t.done()
