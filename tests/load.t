#!/usr/bin/env python3
"""load.t - 10,000 support messages through a real Postfix and the daemon.

A private Postfix (postfix.py: smtpd_milters = the daemon,
milter_default_action = tempfail) relays to smtp-sink.  The daemon runs with
spool_threshold = 4096, so messages over 4 KB go through the file spool and
the others stay in memory.  Templates: tests/corpus and the public corpus
(clean, masked, rejected by policy, Japanese charsets), a few to an
unrelated recipient, one to both; what --test says about each is computed
once (loadgen.Prediction).  SM_LOAD_MESSAGES (default 10000) messages, each
a template plus a unique X-Load-Id header and envelope sender, go through
SM_LOAD_SESSIONS (default 8) concurrent SMTP sessions of 10 messages each.

Checked: every id delivered exactly once as --test predicts (body digest and
header fields) or rejected with the predicted code and text, no 4xx at all,
nothing unknown at the sink, Postfix's queue empty, one audit line per
support message; the daemon's VmRSS after the first 10 % and at the end
(both idle) grows by less than SM_LOAD_RSS_KB (default 8192 kB), its open
file descriptors come back to the count before the run, and no spool file is
left behind.
"""
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
import smtest  # noqa: E402
import postfix  # noqa: E402
import loadgen  # noqa: E402

t = smtest.Tap()
postfix.skip_unless_usable()

N = int(os.environ.get("SM_LOAD_MESSAGES", "10000"))
SESSIONS = int(os.environ.get("SM_LOAD_SESSIONS", "8"))
RSS_KB = int(os.environ.get("SM_LOAD_RSS_KB", "8192"))
THRESHOLD = 4096

tmp = smtest.make_tmpdir("sm-load-")
conf = smtest.write_conf(tmp, threshold=THRESHOLD)
spool = os.path.join(tmp, "spool")
d = smtest.Daemon(tmp, conf)
pf = postfix.Postfix(tmp, d.sock)


def cleanup():
    if t.failed:
        t.diag("postfix log (tail):\n" + pf.log()[-3000:])
        t.diag("daemon log (tail):\n" + d.logtext()[-2000:])
    pf.stop()
    d.stop()
    shutil.rmtree(tmp, ignore_errors=True)


def idle_fds(want, timeout=20):
    """The daemon's fd count once it is back to want (sessions closing), or the last seen."""
    return smtest.wait_for(lambda: loadgen.fd_count(d.proc.pid) <= want and
                           loadgen.fd_count(d.proc.pid), timeout) or loadgen.fd_count(d.proc.pid)


def delivered_so_far(snd):
    return sum(1 for i, a in snd.attempts.items() if a and a[-1].code == 250)


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
    preds = [tm.pred["base"] for tm in templates]
    t.ok(all(p.action != "?" for p in preds), "--test predicts each of %d templates" % len(templates))
    nfile = sum(1 for tm in templates if tm.size > THRESHOLD)
    t.diag("templates: %d (%d delivered, %d rejected; %d over spool_threshold %d)"
           % (len(templates), sum(p.delivered for p in preds),
              sum(not p.delivered for p in preds), nfile, THRESHOLD))
    t.ok(0 < nfile < len(templates), "both the memory and the file spool are used")

    work = loadgen.plan(templates, N)
    warm = max(1, N // 10)
    # The warm-up opens with the largest messages, one per session at once, so
    # that every malloc arena has scanned one before the first sample.
    heavy = [i for i, tm in enumerate(templates) if tm.size > 262144]
    for k in range(min(2 * SESSIONS, warm) if heavy else 0):
        work[k] = (work[k][0], heavy[k % len(heavy)])
    fd0 = loadgen.fd_count(d.proc.pid)
    # The warm-up runs twice as many sessions at once: glibc makes a new malloc
    # arena (up to one per core, see milter/daemon.c) only when every arena is
    # busy, and each arena keeps about the footprint of the largest message
    # scanned in it (~14 MB for p09): a one-off step, not growth.
    snd = loadgen.Sender(pf, templates, sessions=2 * SESSIONS, per_session=10, max_attempts=1)
    t0 = time.monotonic()
    t.ok(snd.run(work[:warm], 900), "warm-up: %d messages sent over %d sessions"
         % (warm, 2 * SESSIONS))
    snd.sessions = SESSIONS
    t.ok(smtest.wait_for(lambda: pf.drained(delivered_so_far(snd)), 300, step=0.2),
         "warm-up: Postfix queue drained")
    fd1 = idle_fds(fd0)
    rss1 = loadgen.proc_status(d.proc.pid, "VmRSS")
    cpu1 = loadgen.cpu_seconds(d.proc.pid)

    t1 = time.monotonic()
    t.ok(snd.run(work[warm:], 1800), "%d more messages sent over %d sessions"
         % (N - warm, SESSIONS))
    t2 = time.monotonic()
    ndel = delivered_so_far(snd)
    t.ok(smtest.wait_for(lambda: pf.drained(ndel), 300, step=0.2),
         "Postfix queue drained, %d messages at the sink" % ndel)
    t3 = time.monotonic()
    cpu2 = loadgen.cpu_seconds(d.proc.pid)
    t.diag("sent %d messages in %.1f s (%.0f/s; main part %.0f/s), queue drained %.1f s later"
           % (N, t2 - t0, N / (t2 - t0), (N - warm) / (t2 - t1), t3 - t2))
    t.diag("daemon CPU (user+system) for the main part: %.2f s, %.2f ms per message"
           % (cpu2 - cpu1, 1000.0 * (cpu2 - cpu1) / max(1, N - warm)))

    sink = loadgen.sink_index(pf)
    counts, problems = loadgen.account(snd, ["base"], sink)
    loadgen.report(t, counts, problems)
    kinds = set(k for k, _ in problems)
    t.ok(counts["delivered"] + counts["rejected"] == N,
         "every id accounted for: %d delivered + %d rejected = %d"
         % (counts["delivered"], counts["rejected"], N))
    t.ok("tempfail" not in kinds and counts["attempts"] == N, "no 4xx, one attempt per message")
    t.ok(not kinds & {"lost", "unsent"}, "nothing lost")
    t.ok("duplicate" not in kinds, "nothing delivered twice")
    t.ok(not kinds & {"content", "unscanned"},
         "every delivered message has the body and headers --test predicts")
    t.ok(not kinds & {"reply", "accepted", "rejected-delivered"},
         "every rejection has the code and text --test predicts")
    t.ok("unknown" not in kinds, "nothing at the sink that was not sent")
    t.ok(pf.queue_files() == 0, "Postfix queue is empty")
    t.ok(len(pf.sink_files()) == counts["delivered"], "sink holds exactly the delivered messages")

    n_support = sum(len(snd.attempts[i]) for i, ti in snd.tmpl_of.items()
                    if templates[ti].pred["base"].support)
    with open(os.path.join(tmp, "audit.log")) as f:
        n_audit = sum(1 for _ in f)
    t.ok(n_audit == n_support, "audit log: one line per support message (%d of %d)"
         % (n_audit, n_support))

    fd2 = idle_fds(fd0)
    rss2 = loadgen.proc_status(d.proc.pid, "VmRSS")
    hwm = loadgen.proc_status(d.proc.pid, "VmHWM")
    t.diag("daemon VmRSS: %d kB after warm-up (%d messages), %d kB at the end, peak %d kB"
           % (rss1, warm, rss2, hwm))
    if not t.ok(rss2 - rss1 < RSS_KB, "daemon memory does not grow: %+d kB over %d messages "
                "(bound %d kB)" % (rss2 - rss1, N - warm, RSS_KB)):
        t.diag("largest resident mappings:\n" + "\n".join(loadgen.top_mappings(d.proc.pid)))
    t.diag("daemon open fds: %d before, %d after warm-up, %d at the end" % (fd0, fd1, fd2))
    t.ok(fd2 == fd0, "daemon open file descriptors back to %d (no leaked spool file)" % fd0)
    left = loadgen.spool_leftovers(spool)
    t.ok(not left, "no file left in the spool directory (%d)" % len(left))
    t.ok(d.alive(), "daemon still running")
finally:
    cleanup()
t.done()
