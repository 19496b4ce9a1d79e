#!/usr/bin/env python3
"""faults.t - faults under load through a real Postfix.

One private Postfix (milter_default_action = tempfail) in front of smtp-sink
and one daemon (spool_threshold = 4096).  Three scenarios, each with
SM_FAULT_MESSAGES (default 1000) messages from SM_FAULT_SESSIONS (default 6)
concurrent SMTP clients that behave like an MTA: on a 4xx they close the
session and retry later (bounded), on a 5xx they record the rejection.

a. kill: the daemon is killed (SIGKILL) and restarted three times mid-run.
b. spool: the spool directory full (a small tmpfs mounted over it and filled;
   if mount is refused, RLIMIT_FSIZE on the daemon via prlimit), then
   unwritable (replaced by a file).  Mail over spool_threshold gets 4xx and
   is delivered once the fault is cleared; smaller mail keeps flowing and
   never gets a 4xx; the daemon keeps running.
c. reload: SIGHUP every second, cycling through a valid policy B, an invalid
   file (syntax error), a valid policy A and an invalid file (unknown key),
   at least twice (more messages are sent if the first N are through sooner).
   A and B differ in the resolution tag, the onboarding reply and the card
   action (mask / tag), so a message judged half by each matches neither.
   The daemon never dies, logs every refused file with file:line, and keeps
   the last good policy after an invalid one.

After each scenario every id is accounted for as in load.t (loadgen.account):
delivered exactly once with the body and headers --test predicts (so with
its X-Support-* headers: nothing unscanned), or rejected as predicted;
nothing lost, nothing twice, Postfix's queue empty.  Cleanup (Postfix,
daemon, umount, temp dir) runs on every exit.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
import smtest  # noqa: E402
import postfix  # noqa: E402
import loadgen  # noqa: E402

t = smtest.Tap()
postfix.skip_unless_usable()

N = int(os.environ.get("SM_FAULT_MESSAGES", "1000"))
SESSIONS = int(os.environ.get("SM_FAULT_SESSIONS", "6"))
THRESHOLD = 4096

tmp = smtest.make_tmpdir("sm-faults-")
conf = smtest.write_conf(tmp, threshold=THRESHOLD)
spool = os.path.join(tmp, "spool")
d = smtest.Daemon(tmp, conf)
pf = postfix.Postfix(tmp, d.sock)
mounted = []


def cleanup():
    if t.failed:
        t.diag("postfix log (tail):\n" + pf.log()[-3000:])
        t.diag("daemon log (tail):\n" + d.logtext()[-3000:])
    pf.stop()
    d.stop()
    for m in mounted:
        subprocess.run(["umount", "-l", m], stderr=subprocess.DEVNULL)
    shutil.rmtree(tmp, ignore_errors=True)


def delivered_so_far(snd):
    return sum(1 for a in list(snd.attempts.values()) if a and a[-1].code == 250)


NEXT_ID = [1]


def new_run(templates):
    """A Sender with MTA-like retries and the next N ids."""
    snd = loadgen.Sender(pf, templates, sessions=SESSIONS, per_session=10, max_attempts=300,
                         backoff=0.3)
    work = loadgen.plan(templates, N)
    snd.add([(i + NEXT_ID[0] - 1, ti) for i, ti in work])
    NEXT_ID[0] += N
    return snd


def probe_run(templates, names):
    """A Sender with one message of each template named in names."""
    snd = loadgen.Sender(pf, templates, sessions=2, per_session=10, max_attempts=1)
    idx = [ti for ti, tm in enumerate(templates) if tm.name in names]
    snd.add([(NEXT_ID[0] + k, ti) for k, ti in enumerate(idx)])
    NEXT_ID[0] += len(idx)
    return snd


def settle(name, snd, tags):
    """Wait for the senders and the queue, account for every id, clear the sink."""
    t.ok(snd.join(900), "%s: every message has a final outcome" % name)
    ndel = delivered_so_far(snd)
    t.ok(smtest.wait_for(lambda: pf.drained(ndel), 300, step=0.2),
         "%s: Postfix queue drained" % name)
    counts, problems = loadgen.account(snd, tags, loadgen.sink_index(pf))
    loadgen.report(t, counts, problems)
    kinds = set(k for k, _ in problems)
    t.ok(counts["delivered"] + counts["rejected"] == len(snd.tmpl_of) and not kinds,
         "%s: every id accounted for: %d delivered + %d rejected = %d, %d retried, no problem"
         % (name, counts["delivered"], counts["rejected"], len(snd.tmpl_of), counts["retried"]))
    t.ok(not kinds & {"content", "unscanned"},
         "%s: nothing unscanned or different from --test at the sink" % name)
    t.ok(not kinds & {"lost", "duplicate", "unknown"}, "%s: nothing lost or duplicated" % name)
    t.ok(pf.queue_files() == 0, "%s: Postfix queue is empty" % name)
    done = os.path.join(tmp, "sink-" + name)
    os.makedirs(done)
    for p in pf.sink_files():
        os.rename(p, os.path.join(done, os.path.basename(p)))
    return counts


def temp_count(snd, pred=lambda tm: True, phase=None):
    """4xx (or dropped session) attempts, for templates pred() and phase."""
    n = 0
    for i, att in list(snd.attempts.items()):
        if pred(snd.templates[snd.tmpl_of[i]]):
            n += sum(1 for a in list(att) if (a.code == 0 or 400 <= a.code < 500)
                     and (phase is None or a.phase0 == a.phase1 == phase))
    return n


def small_temp_outside(snd, phase):
    """4xx attempts for small templates that did not overlap phase."""
    n = 0
    for i, att in list(snd.attempts.items()):
        if small(snd.templates[snd.tmpl_of[i]]):
            n += sum(1 for a in list(att) if (a.code == 0 or 400 <= a.code < 500)
                     and phase not in (a.phase0, a.phase1))
    return n


def ok_count(snd, pred, phase):
    """Final (250 or 5xx) attempts within phase for templates pred()."""
    n = 0
    for i, att in list(snd.attempts.items()):
        if pred(snd.templates[snd.tmpl_of[i]]):
            n += sum(1 for a in list(att) if a.code >= 250 and not 400 <= a.code < 500
                     and a.phase0 == a.phase1 == phase)
    return n


def small(tm):
    return tm.size < THRESHOLD // 2


def big(tm):
    return tm.size > THRESHOLD * 2


# ------------------------------------------------------------------ a. kill
def scenario_kill(templates):
    snd = new_run(templates)
    snd.start(900)
    kills = 0
    for k in range(3):
        if not smtest.wait_for(lambda: snd.done >= (k + 1) * N // 4, 300, step=0.1):
            break
        before = temp_count(snd)
        d.kill()
        kills += 1
        # while it is down Postfix answers 4xx; then it comes back
        smtest.wait_for(lambda: temp_count(snd) >= before + SESSIONS, 20, step=0.05)
        if not d.start():
            break
    t.ok(kills == 3 and d.alive(), "kill: daemon killed (SIGKILL) and restarted %d times" % kills)
    t.ok(temp_count(snd) > 0, "kill: clients got 4xx while it was down (%d)" % temp_count(snd))
    settle("kill", snd, ["base"])


# ------------------------------------------------------------------ b. spool
def fill(path):
    """Write into path until the file system is full."""
    chunk = b"\0" * 65536
    with open(path, "wb") as f:
        try:
            while True:
                f.write(chunk)
                f.flush()
        except OSError:
            pass


def spool_full_on():
    """The spool full: a 512 KB tmpfs over it, filled; or RLIMIT_FSIZE."""
    if not os.environ.get("SM_FAULT_NO_MOUNT"):
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k,mode=0755", "tmpfs", spool],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode == 0:
            mounted.append(spool)
            fill(os.path.join(spool, "filler"))
            return "tmpfs"
    # the soft limit only (raising a hard limit again needs CAP_SYS_RESOURCE);
    # it limits every file the daemon writes: its log and audit log too
    subprocess.run(["prlimit", "--pid", str(d.proc.pid), "--fsize=%d:" % THRESHOLD],
                   check=True)
    return "mount refused: prlimit --fsize=%d" % THRESHOLD


def spool_full_off(how):
    if how == "tmpfs":
        os.unlink(os.path.join(spool, "filler"))
        subprocess.run(["umount", "-l", spool], check=True)
        mounted.remove(spool)
    else:
        subprocess.run(["prlimit", "--pid", str(d.proc.pid), "--fsize=unlimited:"])


def fault_phase(snd, name, on, off):
    """Switch the fault on, wait for 4xx on big and success on small mail, switch off."""
    snd.phase = name
    how = on()
    got = smtest.wait_for(lambda: temp_count(snd, big, name) >= 3 and
                          ok_count(snd, small, name) >= 20 or not d.alive(), 60, step=0.1)
    off(how)
    snd.phase = name + "-cleared"
    return got, how


def scenario_spool(templates):
    snd = new_run(templates)
    snd.start(900)
    smtest.wait_for(lambda: snd.done >= N // 5, 300, step=0.1)
    _, how = fault_phase(snd, "full", spool_full_on, spool_full_off)
    how_full = how
    t.ok(temp_count(snd, big, "full") > 0,
         "spool full (%s): mail over spool_threshold gets 4xx (%d)"
         % (how, temp_count(snd, big, "full")))
    t.ok(ok_count(snd, small, "full") > 0, "spool full: small mail keeps flowing (%d)"
         % ok_count(snd, small, "full"))
    t.ok(d.alive(), "spool full: the daemon keeps running")
    smtest.wait_for(lambda: snd.done >= N // 2, 300, step=0.1)

    def unwritable():
        os.rmdir(spool)
        with open(spool, "w") as f:
            f.write("not a directory\n")
        return "replaced by a file"

    def writable(_):
        os.unlink(spool)
        os.mkdir(spool)
    _, how = fault_phase(snd, "unwritable", unwritable, writable)
    t.ok(temp_count(snd, big, "unwritable") > 0,
         "spool unwritable (%s): mail over spool_threshold gets 4xx (%d)"
         % (how, temp_count(snd, big, "unwritable")))
    t.ok(ok_count(snd, small, "unwritable") > 0, "spool unwritable: small mail keeps flowing (%d)"
         % ok_count(snd, small, "unwritable"))
    t.ok(d.alive(), "spool unwritable: the daemon keeps running")
    if how_full == "tmpfs":
        t.ok(temp_count(snd, small) == 0, "spool faults: mail under spool_threshold never got 4xx")
    else:
        # RLIMIT_FSIZE also stops the audit log, and an audit failure is a
        # tempfail (milter.audit_failure): small mail may get 4xx in that step
        t.ok(small_temp_outside(snd, "full") == 0,
             "spool faults: mail under spool_threshold got no 4xx outside the RLIMIT_FSIZE step "
             "(%d in it: the audit log is limited too)" % temp_count(snd, small, "full"))
    t.ok(re.search(r"spool (file in|write)", d.logtext()) is not None,
         "spool faults: the daemon logs the spool error")
    settle("spool", snd, ["base"])
    t.ok(not loadgen.spool_leftovers(spool), "spool: no file left in the spool directory")


# ------------------------------------------------------------------ c. reload
POLICY_A = """
rules: { resolution: { tag = "[Resolved A] "; }; };
detectors: { mde_onboarding: { reply = "onboarding material is refused (policy A)"; }; };
"""
POLICY_B = """
rules: { resolution: { tag = "[Resolved B] "; }; };
detectors: { credit_card: { action = "tag"; };
             mde_onboarding: { reply = "onboarding material is refused (policy B)"; }; };
"""
BAD_SYNTAX = "policy_extra = { unterminated\n"
BAD_KEY = "no_such_key = 1;\n"


def variants():
    with open(conf) as f:
        base = f.read()
    out = {}
    for name, text in (("A", base + POLICY_A), ("B", base + POLICY_B),
                       ("bad-syntax", base + POLICY_A + BAD_SYNTAX),
                       ("bad-key", base + POLICY_B + BAD_KEY)):
        out[name] = os.path.join(tmp, "conf." + name)
        with open(out[name], "w") as f:
            f.write(text)
    return out


def install(path):
    """Atomically make path the daemon's configuration."""
    shutil.copyfile(path, conf + ".new")
    os.replace(conf + ".new", conf)


def hup_count():
    log = d.logtext()
    return log.count("reloaded"), log.count("reload refused")


def hup(path):
    """Install path, SIGHUP, wait until the daemon has read it: (reloaded, refused) delta."""
    r0 = hup_count()
    install(path)
    d.signal(signal.SIGHUP)
    smtest.wait_for(lambda: hup_count() != r0, 10)
    r1 = hup_count()
    return r1[0] - r0[0], r1[1] - r0[1]


def scenario_reload(templates):
    confs = variants()
    for tm in templates:
        for g in ("A", "B"):
            tm.predict(g, confs[g], tmp)
    differ = [tm.name for tm in templates
              if (tm.pred["A"].delivered, tm.pred["A"].digest, tm.pred["A"].headers,
                  tm.pred["A"].text) != (tm.pred["B"].delivered, tm.pred["B"].digest,
                                          tm.pred["B"].headers, tm.pred["B"].text)]
    both = [tm.name for tm in templates if tm.pred["A"].delivered and tm.pred["B"].delivered
            and tm.pred["A"].digest != tm.pred["B"].digest
            and tm.pred["A"].headers != tm.pred["B"].headers]
    t.ok(len(differ) > 5 and both, "reload: policies A and B judge %d templates differently, "
         "%d in body and headers both" % (len(differ), len(both)))
    t.ok(hup(confs["A"]) == (1, 0), "reload: policy A loaded before the run")
    snd = new_run(templates)
    snd.start(900)
    cycle = ["B", "bad-syntax", "A", "bad-key"]
    sent, seen, k = {"valid": 0, "invalid": 0}, {"reloaded": 0, "refused": 0}, 0
    next_at = time.monotonic()
    while d.alive():
        if not any(th.is_alive() for th in snd.threads):
            if k >= 2 * len(cycle):
                break
            # a fast machine sent everything before two full cycles: send more
            snd.add([(NEXT_ID[0] + j, ti) for j, (_, ti) in
                     enumerate(loadgen.plan(templates, max(100, N // 4)))])
            NEXT_ID[0] += max(100, N // 4)
            snd.start(900)
        # a schedule, not a synchronisation: one SIGHUP per second
        time.sleep(max(0.0, next_at - time.monotonic()))
        next_at += 1.0
        name = cycle[k % len(cycle)]
        k += 1
        got = hup(confs[name])
        sent["invalid" if name.startswith("bad") else "valid"] += 1
        seen["reloaded"] += got[0]
        seen["refused"] += got[1]
    t.ok(d.alive(), "reload: the daemon survived %d SIGHUPs during the run" % k)
    t.ok(k >= 2 * len(cycle), "reload: two full cycles B, invalid, A, invalid at least (%d)" % k)
    t.ok(seen["reloaded"] == sent["valid"] and seen["refused"] == sent["invalid"],
         "reload: %d valid files loaded, %d invalid ones refused" % (seen["reloaded"],
                                                                   seen["refused"]))
    log = d.logtext()
    t.ok(re.search(r"reload refused.*%s:\d+: syntax error" % re.escape(conf), log) and
         re.search(r"reload refused.*%s:\d+: unknown key 'no_such_key'" % re.escape(conf), log),
         "reload: refused files logged with file:line")
    counts = settle("reload", snd, ["A", "B"])
    t.ok(counts["judged by A"] > 0 and counts["judged by B"] > 0,
         "reload: both policies judged messages during the run (A %d, B %d, the rest either)"
         % (counts["judged by A"], counts["judged by B"]))

    # the last good policy stays after an invalid file
    for good, bad in (("B", "bad-syntax"), ("A", "bad-key")):
        hup(confs[good])
        t.ok(hup(confs[bad]) == (0, 1), "reload: %s refused after %s" % (bad, good))
        probe = probe_run(templates, differ)
        probe.start(300)
        probe.join(300)
        ndel = delivered_so_far(probe)
        smtest.wait_for(lambda: pf.drained(ndel), 120, step=0.2)
        counts, problems = loadgen.account(probe, [good], loadgen.sink_index(pf))
        loadgen.report(t, counts, problems)
        t.ok(not problems and counts["delivered"] + counts["rejected"] == len(probe.tmpl_of),
             "reload: %d messages judged by policy %s, the last good one"
             % (len(probe.tmpl_of), good))
        for p in pf.sink_files():
            os.unlink(p)


try:
    if not t.ok(d.start(), "daemon starts"):
        t.bail("daemon did not start:\n" + d.logtext())
    pf.setup()
    t.ok(pf.start_sink(), "smtp-sink listens")
    if not t.ok(pf.start(), "postfix listens"):
        t.bail("postfix did not start:\n" + pf.log())
    templates = loadgen.corpus_templates()
    for tm in templates:
        tm.predict("base", conf, tmp)
    t.ok(any(big(tm) for tm in templates) and any(small(tm) for tm in templates),
         "templates over and well under spool_threshold")
    scenario_kill(templates)
    scenario_spool(templates)
    scenario_reload(templates)
    t.ok(d.alive(), "daemon still running at the end")
finally:
    cleanup()
t.done()
