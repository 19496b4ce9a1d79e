#!/usr/bin/env python3
"""deploy.t - support-milter deployed the way a Debian administrator does it.

Part 1 (any user): the fingerprint key.  The daemon refuses to start without
a usable key (missing, placeholder); -n and --test work without one and say
so; -n on a configuration from a newer version says that it may be newer.

Part 2 (root, on a machine where the system Postfix is stopped and unused):
1. `make deb`, lintian without errors or warnings (overrides carry reasons);
2. `dpkg -i`: user, group, postfix in the group, directories, modes,
   the configuration's mode, a generated key;
3. the system Postfix (/etc/postfix) configured as the packaged examples say,
   on Debian's stock master.cf (smtpd and cleanup chrooted), started with
   `postfix start` after configure-instance.sh, as Debian's service does;
4. the daemon started as the unit does: its ExecStartPre and ExecStart lines
   as its User= with its UMask=, under an emulation of ProtectSystem=strict
   (the root file system read-only but for ReadWritePaths=) and of the
   journal (JOURNAL_STREAM, /dev/log captured): its log lines must arrive
   through syslog with facility mail and without a doubled prefix;
5. topology 1 (smtpd_milters): a card message masked, an onboarding script
   rejected, an unrelated message untouched;
6. topology 2 (support-only transport): the same three (the reject becomes a
   bounce to the sender with the reply text), a virtual alias that forwards
   to support is scanned too; with the daemon stopped a support message
   waits in the queue while an unrelated one is delivered, and goes out
   masked once the daemon is back;
7. a reinstall keeps a locally changed configuration and the key;
   `dpkg --purge` removes what postinst made, and everything touched in
   /etc/postfix and /var/spool/postfix is put back as it was.

Ports are free loopback ports (never 25).  Runs are serialized by a lock
(the system Postfix and the package are machine-wide); a run that died is
repaired from its backup by the next one.  Secrets are never printed.
"""
import grp
import os
import pwd
import re
import shutil
import signal
import stat
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
import smtest  # noqa: E402
from deploylib import (  # noqa: E402
    CONF, ETC, EXAMPLES, KEY, LOCK, PF_ETC, Relay, SOCK, UNIT, UnitDaemon, banner, body_of,
    example, machine_idle, pf_state, postfix_running, queue_count, read, restore_state, run,
    save_state, send, sink_find, trylock, unit_settings, upgrade_as_systemd)

t = smtest.Tap()
BIN = smtest.BIN
TOP = smtest.TOP
CORPUS = smtest.CORPUS
CARD = os.path.join(CORPUS, "p01_card_visa_spaces_iso2022jp.eml")
ONB = os.path.join(CORPUS, "p10_onb_cmd_attach.eml")
SUPPORT = "supportmail@microsoft.com"
OTHER = "colleague@partner.deploy-test.invalid"


def ok(cond, name, detail=""):
    """One TAP line; on failure the detail (never a secret) as a diagnostic."""
    cond = bool(cond)
    t.ok(cond, name)
    if not cond and detail:
        t.diag(str(detail)[-600:])
    return cond


def diag_tail(text, n=15):
    for line in text.strip().splitlines()[-n:]:
        t.diag(line[:300])


# ------------------------------------------------------------ part 1: the key

def part_key(tmp):
    base = open(os.path.join(TOP, "conf", "support-milter.conf")).read()

    def conf(name, key_line):
        text = re.sub(r"(?m)^(\s*)fingerprint_key_file\s*=.*$", r"\1" + key_line, base)
        for key, val in (("socket", "unix:%s/%s.sock" % (tmp, name)),
                         ("spool_dir", tmp), ("audit_log", "%s/%s.audit" % (tmp, name))):
            text = re.sub(r"(?m)^(\s*%s\s*=\s*).*$" % key, r'\1"%s";' % val, text)
        # the test runs the daemon as root without milter.user: it says so
        text = re.sub(r"(?m)^(\s*run_as_root\s*=\s*).*$", r"\1true;", text)
        path = os.path.join(tmp, name + ".conf")
        with open(path, "w") as f:
            f.write(text)
        return path

    missing = conf("missing", 'fingerprint_key_file = "%s/nokey";' % tmp)
    rc, out = run([BIN, "-f", "-c", missing], timeout=30)
    ok(rc == 2 and "fingerprint key file %s/nokey" % tmp in out
       and not os.path.exists(tmp + "/missing.sock"),
       "daemon refuses to start without its key file (exit 2, names the file)", out[-300:])
    placeholder = conf("placeholder", 'fingerprint_key = "change-me";')
    rc, out = run([BIN, "-f", "-c", placeholder], timeout=30)
    ok(rc == 2 and "well-known placeholder" in out and "change-me" not in out,
       "daemon refuses the placeholder key 'change-me' (and does not print it)", out[-300:])
    rc, out = run([BIN, "-n", "-c", missing], timeout=30)
    ok(rc == 0 and "configuration OK" in out and "refuses to start" in out,
       "-n works without a key and says the daemon would refuse", out[-300:])
    rc, out = run([BIN, "-c", missing, "--test", CARD, "--rcpt", SUPPORT], timeout=120)
    ok(rc == 0 and "testing only" in out and '"action":"modify"' in out.replace(" ", ""),
       "--test works without a key and says its fingerprints are for testing", out[-300:])
    # a reload that would bring a placeholder key is refused; the daemon runs on
    keyf = os.path.join(tmp, "good.key")
    with open(keyf, "w") as f:
        f.write(os.urandom(32).hex() + "\n")
    os.chmod(keyf, 0o600)
    good = conf("good", 'fingerprint_key_file = "%s";' % keyf)
    d = smtest.Daemon(tmp, good)
    try:
        started = d.start()
        with open(good) as f:
            text = f.read()
        with open(good, "w") as f:
            f.write(text.replace('fingerprint_key_file = "%s";' % keyf,
                                 'fingerprint_key = "change-me";'))
        d.signal(signal.SIGHUP)
        refused = smtest.wait_for(lambda: "reload refused" in d.logtext(), 10)
        ok(started and refused and "well-known placeholder" in d.logtext() and d.alive()
           and d.listening(), "SIGHUP with a placeholder key: reload refused, the daemon runs on",
           d.logtext()[-300:])
    finally:
        d.stop()
    newer = os.path.join(tmp, "newer.conf")
    with open(newer, "w") as f:
        f.write(base.replace("policy: {", "policy: {\n  fingerprint_rotation_days = 30;", 1))
    rc, out = run([BIN, "-n", "-c", newer], timeout=30)
    ok(rc == 2 and re.search(r"newer\.conf:\d+: unknown key 'fingerprint_rotation_days'", out)
       and "newer than the binary" in out,
       "-n on a configuration from a newer version: file:line:key and 'newer than the binary'",
       out[-300:])


# ------------------------------------------------------------ part 2: the package

def machine_usable():
    """None, or why part 2 must not run on this machine."""
    if os.geteuid() != 0:
        return "needs root (CI runs it as root on a disposable machine)"
    for tool in ("dpkg-buildpackage", "dh", "lintian", "postfix", "smtp-sink", "unshare",
                 "setpriv", "script"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            return "%s not installed (make deps)" % tool
    if not os.path.exists("/usr/share/postfix/master.cf.dist"):
        return "Debian's postfix package is not installed"
    if not os.path.exists(CARD) or not os.path.exists(ONB):
        return "corpus missing (%s)" % CORPUS
    return None


def build_and_lint():
    rc, out = run(["make", "-s", "-C", TOP, "deb"], timeout=900)
    path = out.strip().splitlines()[-1] if out.strip() else ""
    deb = os.path.join(TOP, path)
    arch = run(["dpkg-architecture", "-qDEB_HOST_ARCH"])[1].strip()
    good = rc == 0 and re.fullmatch(r"build/deb/support-milter_[0-9][^_]*_%s\.deb" % arch, path) \
        and os.path.exists(deb)
    ok(good, "make deb writes build/deb/support-milter_<version>_<arch>.deb and prints it", path)
    if not good:
        diag_tail(out)
        return None
    rc, out = run(["lintian", "--fail-on", "error,warning", deb], timeout=600)
    tags = [ln for ln in out.splitlines() if re.match(r"^[EW]: ", ln)]
    ok(rc == 0 and not tags, "lintian: no errors, no warnings", "; ".join(tags[:5]))
    return deb


def check_install(deb):
    rc, out = run(["dpkg", "-i", deb], timeout=300)
    ok(rc == 0, "dpkg -i", out[-500:])
    if rc != 0:
        diag_tail(out)
        return False
    try:
        u, g = pwd.getpwnam("support-milter"), grp.getgrnam("support-milter")
    except KeyError:
        ok(False, "system user and group support-milter")
        return False
    ok(u.pw_uid < 1000 and u.pw_gid == g.gr_gid and u.pw_shell.endswith("nologin"),
       "system user and group support-milter (nologin)")
    ok("postfix" in g.gr_mem, "postfix is a member of group support-milter")

    def mode(path, user, group, bits):
        st = os.stat(path)
        got = (pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name,
               stat.S_IMODE(st.st_mode))
        ok(got == (user, group, bits), "%s is %s:%s %04o" % (path, user, group, bits),
           "got %s:%s %04o" % got)

    mode("/usr/sbin/support-milter", "root", "root", 0o755)
    mode(CONF, "root", "support-milter", 0o640)
    mode(KEY, "root", "support-milter", 0o640)
    mode("/var/spool/support-milter", "support-milter", "support-milter", 0o700)
    mode("/var/log/support-milter", "support-milter", "support-milter", 0o750)
    mode(os.path.dirname(SOCK), "support-milter", "postfix", 0o750)
    with open(KEY) as f:
        key = f.read().strip()
    ok(re.fullmatch(r"[0-9a-f]{64}", key) is not None, "a random 256-bit key was generated")
    with open(CONF) as f:
        ok('fingerprint_key_file = "%s";' % KEY in f.read(), "the configuration uses the key file")
    for p in ("/usr/share/man/man8/support-milter.8.gz",
              "/usr/share/man/man5/support-milter.conf.5.gz",
              "/usr/share/doc/support-milter/deployment.md.gz",
              "/etc/logrotate.d/support-milter", UNIT,
              EXAMPLES + "/postfix-main.cf", EXAMPLES + "/postfix-transport-main.cf",
              EXAMPLES + "/postfix-transport-master.cf", EXAMPLES + "/postfix-transport-map",
              EXAMPLES + "/sendmail.mc"):
        ok(os.path.exists(p), "installed: " + p)
    rc, out = run(["dpkg-query", "-W", "-f=${Conffiles}", "support-milter"])
    ok(CONF in out, "the configuration is a conffile")
    u = unit_settings()
    rw = set(" ".join(u.get("ReadWritePaths", [])).split())
    ok(rw == {"/var/spool/support-milter", "/var/log/support-milter",
              "-" + os.path.dirname(SOCK)},
       "unit: ReadWritePaths= the spool, the log directory, the socket directory", rw)
    ok(u.get("LimitCORE") == ["0"] and u.get("MemoryMax", [""])[0].endswith("M")
       and u.get("ProtectSystem") == ["strict"], "unit: LimitCORE=0, MemoryMax=, ProtectSystem=strict")
    reload_ = u.get("ExecReload", [])
    ok(len(reload_) == 2 and " -n " in reload_[0] and "HUP" in reload_[1],
       "unit: ExecReload= checks -n before the signal", reload_)
    return True


def expect(tmp, eml, name, rcpt):
    return smtest.Expect(CONF, eml, tmp, name, rcpts=[rcpt])


def check_three(relay, tmp, label, submit_port, card, onb, sfx):
    """The card masked, the onboarding script refused, the unrelated
    message untouched.  sfx keeps the envelope senders of each topology apart."""
    s_card, s_onb, s_other = ("card-%s@example.co.jp" % sfx, "onb-%s@example.co.jp" % sfx,
                              "other-%s@example.co.jp" % sfx)
    code, _ = send(submit_port, s_card, [SUPPORT], read(CARD))
    got = relay.delivered(sender=s_card)
    ok(code == 250 and got and card.delivered and card.body is not None
       and got[1] == smtest.lf(card.body).rstrip(b"\n") and got[1] != body_of(CARD),
       "%s: a card message to support is delivered masked (as --test says)" % label,
       "code %s, delivered %s" % (code, bool(got)))
    code, text = send(submit_port, s_onb, [SUPPORT], read(ONB))
    if sfx == "t1":
        ok(code == int(onb.code) and onb.text[:40] in text,
           "%s: the onboarding script is rejected at SMTP (%s)" % (label, onb.code),
           "got %s %s" % (code, text[:120]))
    else:
        bounce = relay.delivered(rcpt=s_onb)
        flat = re.sub(r"\s+", " ", bounce[1].decode("utf-8", "replace")) if bounce else ""
        ok(code == 250 and bounce and onb.code in flat and onb.text[:40] in flat,
           "%s: the onboarding script bounces to its sender with the reply text" % label,
           "code %s, bounce %s" % (code, bool(bounce)))
    ok(sink_find(relay.sink_dir, sender=s_onb) is None,
       "%s: the onboarding script is not delivered" % label)
    code, _ = send(submit_port, s_other, [OTHER], read(CARD))
    got = relay.delivered(sender=s_other)
    ok(code == 250 and got and got[1] == body_of(CARD)
       and not any(k.startswith("x-support") for k, _ in got[0]),
       "%s: an unrelated message is delivered untouched" % label)


def check_logging(d, relay_log):
    mine = [ln for ln in d.syslog.lines if re.match(r"<\d+>.{15} support-milter\[\d+\]: ", ln)]
    pri = [int(m.group(1)) for m in (re.match(r"<(\d+)>", ln) for ln in mine) if m]
    ok(mine and all(p >> 3 == 2 for p in pri),
       "under the journal the daemon logs through syslog, facility mail",
       "%d lines, priorities %s" % (len(mine), sorted(set(pri))[:8]))
    ok(any(p & 7 == 6 and "listening on" in ln for p, ln in zip(pri, mine))
       and any(p & 7 == 6 and "action=reject" in ln for p, ln in zip(pri, mine)),
       "startup and decisions at priority info", "\n".join(mine[:6]))
    ok(not any(ln.count("support-milter[") > 1 for ln in mine),
       "no doubled prefix in syslog lines")
    ok(d.stderr().strip() == "", "nothing written to the journal stream (stderr)",
       d.stderr()[:300])


def check_audit():
    path = "/var/log/support-milter/audit.log"
    try:
        st = os.stat(path)
        with open(path) as f:
            n = sum(1 for _ in f)
    except OSError:
        ok(False, "audit log written by the daemon")
        return
    ok(pwd.getpwuid(st.st_uid).pw_name == "support-milter" and stat.S_IMODE(st.st_mode) == 0o640
       and n >= 2, "audit log written (support-milter, 0640, %d records)" % n)


def topology1(tmp, d, relay, card, onb):
    relay.configure(example("postfix-main.cf"))
    ok(relay.start(), "topology 1: Postfix started (stock master.cf, chroot)",
       relay.start_output + relay.logtext()[-300:])
    with open("/etc/postfix/master.cf") as f:
        ok(re.search(r"(?m)^127\.0\.0\.1:%d\s+inet\s+n\s+-\s+y\s" % relay.port, f.read()),
           "topology 1: smtpd runs chrooted")
    check_three(relay, tmp, "topology 1", relay.port, card, onb, "t1")


def topology2(tmp, d, relay, card, onb):
    relay.stop()
    master = example("postfix-transport-master.cf").replace("10027", str(relay.filter_port))
    tmap = example("postfix-transport-map").replace("10027", str(relay.filter_port))
    with open(os.path.join(PF_ETC, "support-milter-transport"), "w") as f:
        f.write(tmap)
    # an internal alias that forwards to support: must be scanned as well
    with open(os.path.join(PF_ETC, "deploy-test-virtual"), "w") as f:
        f.write("ms-case@corp.deploy-test.invalid %s\n" % SUPPORT)
    relay.configure(example("postfix-transport-main.cf")
                    + "virtual_alias_maps = hash:/etc/postfix/deploy-test-virtual\n", master)
    rc1, o1 = run(["postmap", "/etc/postfix/support-milter-transport"])
    rc2, o2 = run(["postmap", "/etc/postfix/deploy-test-virtual"])
    ok(rc1 == 0 and rc2 == 0, "topology 2: postmap of the transport map", o1 + o2)
    ok(relay.start() and banner(relay.filter_port),
       "topology 2: Postfix started with the scanning smtpd", relay.logtext()[-300:])
    check_three(relay, tmp, "topology 2", relay.port, card, onb, "t2")
    s_alias = "alias-t2@example.co.jp"
    code, _ = send(relay.port, s_alias, ["ms-case@corp.deploy-test.invalid"], read(CARD))
    got = relay.delivered(sender=s_alias)
    ok(code == 250 and got and got[1] == smtest.lf(card.body).rstrip(b"\n"),
       "topology 2: a virtual alias forwarding to support cannot bypass the milter")
    # outage: the daemon stopped
    d.stop()
    s_wait, s_flow = "wait-t2@example.co.jp", "flow-t2@example.co.jp"
    c1, _ = send(relay.port, s_wait, [SUPPORT], read(CARD))
    c2, _ = send(relay.port, s_flow, [OTHER], read(CARD))
    flowed = relay.delivered(sender=s_flow, timeout=30)
    waits = smtest.wait_for(lambda: queue_count("deferred") == 1, 30)
    ok(c1 == 250 and c2 == 250 and flowed and waits
       and sink_find(relay.sink_dir, sender=s_wait) is None,
       "topology 2, daemon stopped: support mail waits in the queue, other mail flows",
       "sent %s/%s, flowed %s, deferred %d" % (c1, c2, bool(flowed), queue_count("deferred")))
    ok(d.start(), "daemon started again as the unit does", d.stderr()[-300:])
    run(["postqueue", "-f"], timeout=30)
    got = relay.delivered(sender=s_wait, timeout=60)
    ok(got and got[1] == smtest.lf(card.body).rstrip(b"\n") and queue_count() == 0,
       "topology 2: once the daemon is back the waiting message goes out masked")


def reinstall_keeps_conf(deb):
    with open(KEY) as f:
        key = f.read()
    with open(CONF) as f:
        text = f.read()
    local = text.replace('mode = "enforce";', 'mode = "dry-run";  # local change', 1)
    with open(CONF, "w") as f:
        f.write(local)
    rc, out = run(["dpkg", "-i", "--force-confold", deb], timeout=300)
    with open(CONF) as f:
        same = f.read() == local
    with open(KEY) as f:
        same_key = f.read() == key
    ok(rc == 0 and same and same_key,
       "reinstall (upgrade path) keeps the locally changed configuration and the key", out[-300:])
    st = os.stat(CONF)
    ok(stat.S_IMODE(st.st_mode) == 0o640 and grp.getgrgid(st.st_gid).gr_name == "support-milter",
       "the configuration keeps root:support-milter 0640")


def upgrade_restarts_only_valid(tmp, deb):
    """The running daemon is restarted on the new binary only when that
    binary accepts the configuration; a configuration it does not know
    (written for a newer version: a rollback) leaves the daemon running and
    says why."""
    rc, out, calls = upgrade_as_systemd(tmp, deb)
    ok(rc == 0 and "deb-systemd-invoke try-restart support-milter.service" in calls,
       "upgrade of a running daemon with a valid configuration: try-restart", out + calls)
    text = read(CONF).decode()
    with open(CONF, "w") as f:
        f.write(text.replace("policy: {", "policy: {\n  fingerprint_rotation_days = 30;", 1))
    rc, out, calls = upgrade_as_systemd(tmp, deb)
    ok(rc == 0 and "try-restart" not in calls and "was not restarted" in out
       and "newer than the binary" in out,
       "upgrade (rollback) with a configuration the binary does not know: no restart, "
       "the reason shown", out + calls)
    with open(CONF, "w") as f:
        f.write(text)
    os.chmod(KEY, 0o644)
    rc, out, calls = upgrade_as_systemd(tmp, deb)
    os.chmod(KEY, 0o640)
    ok(rc == 0 and "try-restart" not in calls and "readable or writable by others" in out,
       "upgrade with a key the daemon would refuse (mode 0644): no restart, the reason shown",
       out + calls)


def purge_check():
    rc, out = run(["dpkg", "--remove", "support-milter"], timeout=300)
    kept = [p for p in (CONF, KEY, "/var/log/support-milter/audit.log") if not os.path.exists(p)]
    ok(rc == 0 and not os.path.exists("/usr/sbin/support-milter") and not kept,
       "dpkg --remove removes the program and keeps the configuration, the key and the logs",
       out[-300:] + " missing: " + " ".join(kept))
    rc, out = run(["dpkg", "--purge", "support-milter"], timeout=300)
    ok(rc == 0, "dpkg --purge", out[-300:])
    gone = [p for p in (ETC, "/var/spool/support-milter", "/var/log/support-milter",
                        os.path.dirname(SOCK), "/usr/sbin/support-milter", UNIT)
            if os.path.lexists(p)]
    ok(not gone, "purge removes the configuration, key, spool, logs and socket directory",
       " ".join(gone))
    try:
        pwd.getpwnam("support-milter")
        user = True
    except KeyError:
        user = False
    try:
        grp.getgrnam("support-milter")
        group = True
    except KeyError:
        group = False
    ok(not user and not group, "purge removes the user and the group")
    rc, out = run(["dpkg-statoverride", "--list"])
    ok("support-milter" not in out, "purge removes the statoverrides")


def part_package(tmp):
    deb = build_and_lint()
    if not deb:
        return
    if not check_install(deb):
        return
    d = UnitDaemon(tmp)
    relay = Relay(tmp)
    try:
        rc, out = d.start_pre()
        ok(rc == 0 and "configuration OK" in out,
           "ExecStartPre (-n) passes as User= under ProtectSystem emulation", out[-300:])
        ok(d.start(), "ExecStart: the daemon listens on " + SOCK, d.stderr()[-300:])
        st = os.stat(SOCK)
        ok(grp.getgrgid(st.st_gid).gr_name == "support-milter"
           and stat.S_IMODE(st.st_mode) == 0o660, "socket support-milter group, 0660")
        card = expect(tmp, CARD, "card", SUPPORT)
        onb = expect(tmp, ONB, "onb", SUPPORT)
        topology1(tmp, d, relay, card, onb)
        topology2(tmp, d, relay, card, onb)
        check_logging(d, relay.logtext())
        check_audit()
    finally:
        d.stop()
        relay.close()
        d.syslog.close()
    if t.failed:
        diag_tail(relay.logtext(), 30)
    reinstall_keeps_conf(deb)
    upgrade_restarts_only_valid(tmp, deb)
    purge_check()


def main():
    # prove or make killed: still restore the machine (finally blocks)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(1))
    tmp = smtest.make_tmpdir("sm-deploy-")
    try:
        part_key(tmp)
        why = machine_usable()
        if why:
            t.skip("package, Postfix and purge", why)
            return
        lockf = open(LOCK, "w")
        if not smtest.wait_for(lambda: trylock(lockf), 1800, step=1):
            t.skip("package, Postfix and purge", "another deploy.t held the lock for 30 min")
            return
        restore_state()  # a run that died before
        why = machine_idle()
        if why:
            t.skip("package, Postfix and purge", why)
            return
        # under /var: maillog_file must lie below maillog_file_prefixes
        pdir = os.path.join("/var/tmp", os.path.basename(tmp))
        os.makedirs(pdir, mode=0o755, exist_ok=True)
        before = pf_state()
        save_state()
        try:
            part_package(pdir)
        except Exception:  # a bug in the test: report it, still restore
            import traceback
            ok(False, "part 2 ran to its end", traceback.format_exc())
        finally:
            restore_state()
            after, now = machine_idle(), pf_state()
            ok(after is None and not postfix_running() and now == before,
               "the machine is left as it was (Postfix stopped, /etc/postfix and "
               "/var/spool/postfix as before, package purged)",
               (after or "") + " " + " ".join(sorted(now["paths"] ^ before["paths"])[:10]))
            shutil.rmtree(pdir, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        t.done()


if __name__ == "__main__":
    main()
