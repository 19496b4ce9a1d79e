#!/usr/bin/env python3
"""workers.t - scanning in sandboxed worker processes, through the daemon
(miltertest): what a worker that dies, hangs or misbehaves costs.

- A scan that faults (SIGSEGV; the test build's hook, build/hooks) costs its
  message on_failure (451 4.3.0, the failure reply) and nothing else: eight
  sessions running beside it get their right answers, the next message on
  the same connection is scanned, the daemon's pid is unchanged.
- The same message stopping milter.worker_kills (3) workers is refused for
  good (550 5.7.1); another faulting message still counts from one.
- A worker that cuts (ftruncate) or overwrites (pwrite) the spool after its
  scan is refused by the kernel (a sealed memfd; a read-only descriptor of a
  file spool): the message is delivered masked and whole, daemon unharmed.
- A worker asking for a socket is killed by its seccomp filter (SIGSYS); a
  worker that cannot enter its sandbox stops the daemon's start, saying why.
- A custom pattern such as (?:a|a)+b over 64 KB (ten seconds of
  backtracking) is ended by the worker deadline (milter.worker_deadline 2 s):
  451 within seconds, a transient limit; the daemon and others unaffected.
- One worker busy and scan_wait 1 s: the next message waits a second and is
  tempfailed (the concurrency cap), not scanned beside it.
- Workers are the OOM killer's first choice (oom_score_adj 1000); an idle
  worker killed is replaced without charging the next message.
- The spawner killed: no worker can start any more, so the daemon stops with
  status 1 (for systemd's Restart=on-failure) instead of tempfailing for ever.
- Memory: under a 700 MiB address-space limit for the whole daemon, an
  archive bomb (zip, 1 MB to 400 MB) and a message of 400,000 empty MIME
  parts in 4 MB each cost only their own message (a worker's RLIMIT_AS,
  max_scan_memory / scan_workers): the daemon's own peak memory stays under
  100 MB, it keeps running, and a session beside them completes.  Scanning
  inside the daemon, as before the workers, either needed that memory in the
  daemon or killed it.
"""
import io
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "milter"))
import smtest  # noqa: E402

t = smtest.Tap()
if not shutil.which("miltertest"):
    print("1..0 # SKIP miltertest not installed (make deps)")
    sys.exit(0)
tmp = smtest.make_tmpdir("sm-workers-")
daemons = []

FAILURE = "support-milter could not scan this message; please try again later"
LIMIT = "Message too complex to scan for confidential data (limit exceeded)"
POISON = ("support-milter cannot scan this message: it stopped the scanner repeatedly; "
          "please send it in another form")
SLOW_RULE = ('\ndetectors: { slow_custom: { patterns = [ "(?:a|a)+b" ]; action = "mask"; '
             'mask = "all"; }; };\n')


def conf_for(name, milter_extra="", top_extra=""):
    return smtest.conf_in(tmp, name, milter_extra, top_extra)


def start(name, conf, **kw):
    d = smtest.Daemon(name, conf, **kw)
    daemons.append(d)
    if not d.start():
        t.diag("daemon log:\n" + d.logtext()[-2000:])
        return None
    return d


def write_expect(path, **kv):
    with open(path, "w") as f:
        f.write("".join("%s=%s\n" % (k, v) for k, v in kv.items()))
    return path


def miltertest(d, script="message.lua", **defs):
    args = ["miltertest", "-D", "sock=unix:" + d.sock, "-D", "dir=" + smtest.HERE]
    for k, v in defs.items():
        args += ["-D", "%s=%s" % (k, v)]
    p = subprocess.run(args + ["-s", os.path.join(smtest.HERE, script)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    out = p.stdout.decode("utf-8", "replace")
    ok = p.returncode == 0 and out.rstrip().endswith(" 0 failed")
    if not ok:
        t.diag(out[-1500:])
    return ok


def message(path, subject, body, extra=""):
    with open(path, "w") as f:
        f.write("From: Taro Yamada <taro@example.co.jp>\nTo: supportmail@microsoft.com\n"
                "Subject: [SR#2411180040324704] %s\nMessage-ID: <%s@example.co.jp>\n"
                "Date: Mon, 18 Nov 2024 10:00:00 +0900\n%s\n%s"
                % (subject, os.path.basename(path), extra, body))
    return path


def expect_of(conf, eml, name):
    return smtest.Expect(conf, eml, tmp, name).write(os.path.join(tmp, name + ".expect"))


def tempfail(name, text):
    return write_expect(os.path.join(tmp, name + ".expect"), action="tempfail", code="451",
                        xcode="4.3.0", text=text)


def in_background(d, eml, exp, n, label):
    """n sessions of multi.lua (two messages each) at once: the outcomes."""
    outs = []

    def one():
        outs.append(miltertest(d, "multi.lua", eml=eml, expect=exp, eml2=eml, expect2=exp))
    ths = [threading.Thread(target=one) for _ in range(n)]
    for th in ths:
        th.start()
    return ths, outs


def crash_tests(card, card_exp):
    if not os.access(smtest.HOOKS_BIN, os.X_OK):
        for name in ("crash", "poison", "sandbox"):
            t.skip(name, "no test build (make check builds build/hooks)")
        return
    dd, conf = conf_for("crash", "  scan_workers = 2;\n  worker_kills = 3;\n")
    d = start(dd, conf, bin=smtest.HOOKS_BIN)
    if not t.ok(d is not None, "test-build daemon starts"):
        return
    pid = d.proc.pid
    segv = message(os.path.join(tmp, "segv.eml"), "crash", "SM-TEST-HOOK-SEGV\n")
    ths, outs = in_background(d, card, card_exp, 8, "beside")
    ok = miltertest(d, "pair.lua", eml=segv, expect=tempfail("segv", FAILURE), eml2=card,
                    expect2=card_exp)
    for th in ths:
        th.join()
    t.ok(ok, "a faulting scan: 451 4.3.0 on_failure; the next message on the connection "
         "is scanned as --test says")
    t.ok(len(outs) == 8 and all(outs), "8 sessions beside it: every answer right")
    t.ok(d.alive() and d.proc.pid == pid, "the daemon still runs (same pid)")
    t.ok(smtest.wait_for(lambda: "ended by signal 11" in d.logtext(), 10),
         "log: the worker ended by signal 11")
    # the same bytes twice more: the third stopped worker makes it permanent
    t.ok(miltertest(d, eml=segv, expect=tempfail("segv2", FAILURE), label="second"),
         "the same message again: 451 (2 workers stopped)")
    rej = write_expect(os.path.join(tmp, "poison.expect"), action="reject", code="550",
                       xcode="5.7.1", text=POISON)
    t.ok(miltertest(d, eml=segv, expect=rej, label="third"),
         "the third time (milter.worker_kills = 3): 550 5.7.1, refused for good")
    other = message(os.path.join(tmp, "segv-other.eml"), "crash too", "SM-TEST-HOOK-SEGV 2\n")
    t.ok(miltertest(d, eml=other, expect=tempfail("other", FAILURE), label="other"),
         "another faulting message counts from one: 451")
    env = dict(os.environ, SM_TEST_SANDBOX_FAIL="1")
    try:
        p = subprocess.run([smtest.HOOKS_BIN, "-f", "-c", conf, "-p", "unix:" + dd + "/nosb.sock"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, timeout=60)
        rc, out = p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        rc, out = None, ""
    t.ok(rc not in (0, None) and "could not start: test: the sandbox is refused" in out,
         "a worker that cannot enter its sandbox: the daemon refuses to start, saying why")
    sock = message(os.path.join(tmp, "socket.eml"), "socket", "SM-TEST-HOOK-SOCKET\n")
    t.ok(miltertest(d, eml=sock, expect=tempfail("socket", FAILURE), label="socket"),
         "a worker asking for a socket: killed, 451")
    t.ok(smtest.wait_for(lambda: "ended by signal 31" in d.logtext(), 10),
         "log: killed by its seccomp filter (SIGSYS)")
    t.ok(miltertest(d, eml=card, expect=card_exp, label="after"),
         "a card message after all that: as --test says")
    # a message in a descriptor (SM_TEST_SPOOL_FD: the test build keeps
    # every spool in a sealed memfd, as it does a message over 64 KiB)
    ddf, conff = conf_for("spool-fd")
    dfd = start(ddf, conff, bin=smtest.HOOKS_BIN, env={"SM_TEST_SPOOL_FD": "1"})
    if not t.ok(dfd is not None, "test-build daemon with every spool in a descriptor starts"):
        return
    size = message(os.path.join(tmp, "size.eml"), "size", "SM-TEST-HOOK-SIZE\n")
    t.ok(miltertest(dfd, eml=size, expect=tempfail("size", FAILURE), label="size"),
         "a worker told a size one past the spool's: the scan fails closed, 451 on_failure")
    t.ok(miltertest(d, eml=size, expect=expect_of(base_conf, size, "size-inline"),
                    label="size-inline"),
         "the same message inline (no descriptor to misread): scanned as --test says")
    tamper_tests(d, dfd)
    t.ok(d.alive() and d.proc.pid == pid, "the daemon still runs after all of them (same pid)")


def lf(b):
    return b.replace(b"\r\n", b"\n")


def tamper_tests(d, dfd):
    """A subverted worker cutting (ftruncate) or overwriting (pwrite, the
    last bytes) the spool after its scan: the kernel refuses both, for a
    memfd spool (sealed: EPERM; dfd keeps every spool in one) and a file
    spool (a second daemon with spool_threshold 64: a read-only descriptor,
    EINVAL and EBADF); a message sent inline (d: up to 64 KiB) leaves the
    worker no descriptor of the daemon's to try; the message is delivered
    masked and whole, as --test says; the daemons keep their pids.  Small single-part messages: miltertest smashes its stack on
    larger replaced bodies and compares only the last chunk of one made of
    several (a multipart's unchanged parts, which come from the spool), so
    what a successful pwrite would deliver shows only in postfix.t's kind
    of test; here the kernel's refusal is what is asserted."""
    dd, conf = conf_for("tamper-file")
    with open(conf) as f:
        text = f.read()
    with open(conf, "w") as f:
        f.write(text.replace("spool_threshold = 4096;", "spool_threshold = 64;"))
    fd = start(dd, conf, bin=smtest.HOOKS_BIN)
    if not t.ok(fd is not None and "spool_threshold = 64;" in open(conf).read(),
                "test-build daemon with spool_threshold 64 starts"):
        return
    pids = (d.proc.pid, fd.proc.pid, dfd.proc.pid)
    card_line = "card 4111 1111 1111 1111 exp 12/29\n"
    keep = "the last line, that pwrite overwrites, delivered as it was\n"
    refused = {("memfd", "ftruncate"): "Operation not permitted",
               ("memfd", "pwrite into"): "Operation not permitted",
               ("file", "ftruncate"): "Invalid argument",
               ("file", "pwrite into"): "Bad file descriptor"}
    hooks = (("trunc", "SM-TEST-HOOK-TRUNC", ["ftruncate"]),
             ("write", "SM-TEST-HOOK-WRITE", ["pwrite into"]),
             ("both", "SM-TEST-HOOK-TRUNC SM-TEST-HOOK-WRITE", ["ftruncate", "pwrite into"]))
    for kind, dm in (("memfd", dfd), ("file", fd), ("inline", d)):
        for what, marker, calls in hooks:
            name = "%s-%s" % (kind, what)
            eml = message(os.path.join(tmp, name + ".eml"), name,
                          "%s\n%sa line between the cards\n%s%s"
                          % (marker, card_line, card_line, keep))
            size = os.path.getsize(eml)
            exp = smtest.Expect(base_conf, eml, tmp, name)
            masked = (exp.delivered and exp.body is not None and b"4111 1111" not in exp.body
                      and b"a line between the cards" in exp.body
                      and keep.encode() in lf(exp.body))
            t.ok(masked and 64 < size < 4096,
                 "%s: --test masks both cards and keeps the rest (%d bytes)" % (name, size))
            before = dm.logtext().count("test hook: ")
            t.ok(miltertest(dm, eml=eml, expect=exp.write(os.path.join(tmp, name + ".expect")),
                            label=name),
                 "%s: the worker's %s after the scan changes nothing: delivered masked "
                 "and whole" % (name, " and ".join(c.split()[0] for c in calls)))
            if kind == "inline":
                want = ["test hook: the message came inline: no spool to change"]
            else:
                want = ["test hook: %s %s: %s" % (c, "of the spool" if c == "ftruncate"
                                                  else "the spool", refused[(kind, c)])
                        for c in calls]
            smtest.wait_for(lambda: dm.logtext().count("test hook: ") >= before + len(want), 10)
            lines = [ln for ln in dm.logtext().splitlines() if "test hook: " in ln][before:]
            t.ok(len(lines) == len(want) and all(any(ln.endswith(w) for ln in lines)
                                                 for w in want),
                 "%s: %s (%s)" % (name, "the worker had nothing of the daemon's to change"
                                  if kind == "inline" else "the kernel refused the worker",
                                  "; ".join(ln.split("test hook: ")[-1] for ln in lines)))
    t.ok(d.alive() and fd.alive() and dfd.alive() and (d.proc.pid, fd.proc.pid, dfd.proc.pid)
         == pids, "the three daemons still run after the tampering workers (same pids)")


def spawner_tests(card, card_exp):
    dd, conf = conf_for("spawner")
    d = start(dd, conf)
    if not t.ok(d is not None, "daemon starts"):
        return
    t.ok(miltertest(d, eml=card, expect=card_exp, label="first"), "a message scanned")
    kids = smtest.children(d.proc.pid)
    workers = [w for k in kids for w in smtest.children(k)]
    adj = []
    for w in workers:
        try:
            adj.append(open("/proc/%d/oom_score_adj" % w).read().strip())
        except OSError:
            pass
    t.ok(len(kids) == 1 and adj and all(a == "1000" for a in adj),
         "one spawner; its workers have oom_score_adj 1000 (%s)" % adj)
    for w in workers:  # as the OOM killer would: idle workers die
        os.kill(w, signal.SIGKILL)
    time.sleep(0.3)
    t.ok(miltertest(d, eml=card, expect=card_exp, label="after idle kill"),
         "idle workers killed: the next message is scanned by a new one, as --test says")
    t.ok("died during the scan" not in d.logtext(), "log: no message charged with it")
    # Archives: libarchive turns a member's DOS time into local time, which
    # looks the time zone up (a stat of /etc/localtime) on its first use; in
    # the sandbox that must be neither a kill nor a different verdict.
    arch = sorted(m for m in smtest.corpus_messages()
                  if any(k in os.path.basename(m) for k in ("_zip", "_docx", "_xlsx")))
    # (the verdict is compared through the log: miltertest compares only
    # the last chunk of a replaced body and aborts on the docx's; postfix.t
    # compares the delivered bytes)
    before = d.logtext()
    want = []
    for i, m in enumerate(arch):
        e = smtest.Expect(conf, m, tmp, "arch%d" % i)
        want.append(e.action)
        miltertest(d, eml=m, expect=e.write(os.path.join(tmp, "arch%d.expect" % i)),
                   label="arch%d" % i)
    got = re.findall(r"action=(\w+)", d.logtext()[len(before):])
    t.ok(len(arch) >= 3 and got == want,
         "%d zip, docx and xlsx messages through sandboxed workers: actions %s as --test says (%s)"
         % (len(arch), got, want))
    t.ok("signal 31" not in d.logtext() and "died during the scan" not in d.logtext(),
         "log: no worker killed by its seccomp filter")
    if kids:
        os.kill(kids[0], signal.SIGKILL)
    try:
        rc = d.proc.wait(30)
    except subprocess.TimeoutExpired:
        rc = None
    t.ok(rc == 1, "the spawner killed: the daemon stops with status 1 (%s)" % rc)
    t.ok("spawner is gone" in d.logtext(), "log: the scanner worker spawner is gone")


def slow_body(kb):
    # Runs of 18 a's: about 0.12 s of backtracking per KB on a quiet
    # machine, and under PCRE2's match limit (runs of 20 hit it at once,
    # which is a quick 451, not a slow scan).
    return ("a" * 18 + "c ") * (kb * 1024 // 20) + "b\n"


def deadline_tests(card, card_exp):
    dd, conf = conf_for("deadline", "  scan_workers = 2;\n  worker_deadline = 2;\n"
                        "  worker_deadline_per_mb = 0;\n", SLOW_RULE)
    d = start(dd, conf)
    if not t.ok(d is not None, "daemon with a pathological custom pattern starts"):
        return
    slow = message(os.path.join(tmp, "slow.eml"), "slow", slow_body(64))
    ths, outs = in_background(d, card, card_exp, 4, "beside")
    t0 = time.monotonic()
    ok = miltertest(d, eml=slow, expect=tempfail("slow", LIMIT), label="slow")
    took = time.monotonic() - t0
    for th in ths:
        th.join()
    t.ok(ok, "(?:a|a)+b over 64 KB: 451 4.3.0, a transient limit")
    t.ok(took < 8, "ended by the 2 s deadline (took %.1f s; the scan alone takes ~8 s)" % took)
    t.ok(len(outs) == 4 and all(outs), "4 sessions beside it: every answer right")
    t.ok("passed its deadline" in d.logtext(), "log: the scan passed its deadline")
    t.ok(d.alive(), "the daemon still runs")


def concurrency_tests():
    dd, conf = conf_for("busy", "  scan_workers = 1;\n  scan_wait = 1;\n  worker_deadline = 30;\n",
                        SLOW_RULE)
    d = start(dd, conf)
    if not t.ok(d is not None, "daemon with one worker and scan_wait 1 s starts"):
        return
    slow = message(os.path.join(tmp, "slow2.eml"), "slow", slow_body(32))
    small = message(os.path.join(tmp, "small.eml"), "small", "Hello.\n")
    th = threading.Thread(target=miltertest, args=(d,),
                          kwargs=dict(eml=slow, expect=expect_of(conf, slow, "slow2"),
                                      label="slow"))
    th.start()
    time.sleep(1)
    t0 = time.monotonic()
    ok = miltertest(d, eml=small, expect=tempfail("small-busy", LIMIT), label="busy")
    took = time.monotonic() - t0
    th.join()
    t.ok(ok and 0.8 < took < 4, "the only worker busy: the next message waits scan_wait "
         "(%.1f s) and gets 451 4.3.0" % took)
    t.ok("no scanner worker free" in d.logtext(), "log: no scanner worker free")
    t.ok(miltertest(d, eml=small, expect=expect_of(conf, small, "small"), label="free"),
         "the worker free again: scanned")


def bomb_zip(path, mb):
    buf = io.BytesIO()
    line = b"harmless log line without anything secret in it at all\n"
    chunk = line * (1024 * 1024 // len(line))
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("log.txt", "w") as f:
            for _ in range(mb):
                f.write(chunk)
    import base64
    b64 = base64.encodebytes(buf.getvalue()).decode()
    return message(path, "logs", "--B\nContent-Type: text/plain\n\nsee the log\n--B\n"
                   "Content-Type: application/zip; name=\"logs.zip\"\n"
                   "Content-Transfer-Encoding: base64\n\n" + b64 + "--B--\n",
                   "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n")


def parts_message(path, n):
    with open(path, "w") as f:
        f.write("From: a@example.co.jp\nTo: supportmail@microsoft.com\n"
                "Subject: [SR#2411180040324704] parts\nMIME-Version: 1.0\n"
                "Content-Type: multipart/mixed; boundary=\"BB\"\n\n")
        f.write("--BB\r\n\r\n\r\n" * n)  # 10 bytes a part: 4 MB
        f.write("--BB--\n")
    return path


def memory_tests(card, card_exp):
    limit = 700 << 20

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    big_limits = ("\n  max_part_bytes = 1073741824;\n  max_total_bytes = 4294967296L;\n"
                  "  archive_max_bytes = 4294967296L;\n  archive_max_ratio = 100000;\n"
                  "  max_parts = 1000000;\n")
    dd, conf = conf_for("memory", "  scan_workers = 2;\n  max_scan_memory = 268435456;\n"
                        "  worker_deadline = 60;\n")
    with open(conf) as f:
        text = f.read()
    with open(conf, "w") as f:
        f.write(text.replace('on_limit = "tempfail";', 'on_limit = "tempfail";' + big_limits))
    d = start(dd, conf, preexec=cap)
    if not t.ok(d is not None, "daemon under a 700 MiB address-space limit starts"):
        return
    bomb = bomb_zip(os.path.join(tmp, "bomb.eml"), 400)
    parts = parts_message(os.path.join(tmp, "parts.eml"), 400000)
    t.diag("bomb %d bytes, parts %d bytes" % (os.path.getsize(bomb), os.path.getsize(parts)))
    for eml, what in ((bomb, "a zip bomb (1 MB to 400 MB)"),
                      (parts, "400,000 empty parts in 4 MB")):
        ths, outs = in_background(d, card, card_exp, 2, "beside")
        p = subprocess.run(["miltertest", "-D", "sock=unix:" + d.sock, "-D", "dir=" + smtest.HERE,
                            "-D", "eml=" + eml, "-D", "expect=" + tempfail("mem", FAILURE),
                            "-D", "label=mem", "-s", os.path.join(smtest.HERE, "message.lua")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        out = p.stdout.decode("utf-8", "replace")
        for th in ths:
            th.join()
        delivered = "ok mem: accepted" in out or "ok mem: DATA continues" in out
        t.ok(d.alive(), what + ": the daemon still runs")
        t.ok("lua error" not in out and delivered,
             what + ": the session got an answer (limit, failure or verdict)")
        t.ok(len(outs) == 2 and all(outs), what + ": 2 sessions beside it completed")
    hwm = smtest.proc_status(d.proc.pid, "VmHWM")
    t.ok(hwm is not None and hwm < 100 * 1024,
         "the daemon's own peak memory stayed under 100 MB (%s kB)" % hwm)
    t.ok(miltertest(d, eml=card, expect=card_exp, label="after"),
         "a card message afterwards: as --test says")


try:
    card = sorted(m for m in smtest.corpus_messages() if "_card_" in m)[0]
    _, base_conf = conf_for("expect")
    card_exp = expect_of(base_conf, card, "card")
    crash_tests(card, card_exp)
    deadline_tests(card, card_exp)
    concurrency_tests()
    spawner_tests(card, card_exp)
    memory_tests(card, card_exp)
finally:
    for d in daemons:
        d.stop()
    if t.failed:
        for d in daemons:
            t.diag("%s log:\n%s" % (d.tmp, d.logtext()[-2500:]))
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
