#!/usr/bin/env python3
"""daemon_rss.py - benchmark item 4: the daemon's peak RSS and latency while it
processes a 100 MB message (spooled to file) and a message with a 1 GiB
attachment streamed to it.  Prints figures, never pass/fail.

    python3 tests/bench/daemon_rss.py   (make bench runs it; ~1-2 min)

The daemon (build/support-milter -f) is driven directly through the milter
protocol by milterclient.py over its unix socket, as Postfix would: MAIL,
RCPT supportmail@microsoft.com, DATA, header fields, body chunks of 64 KB,
end of message.  A fresh daemon per message (peak RSS is the process's), so
glibc's retained heap from one message cannot inflate the next.  While the
message flows a thread samples /proc/PID/status every 10 ms (RssAnon,
RssFile); VmHWM at the end is the peak of everything resident, including the
spool file's pages mapped by sm_scan_fd (file-backed, reclaimable).

Messages:
  100 MB text  build/bench/big-100mb.eml from gen_big.py (text/plain log lines
               and a few test card numbers; read from disk, sent as is)
  1 GiB attach a short text body and a 1 GiB binary attachment (random bytes,
               base64, 1.43 GB on the wire), generated while it is sent
Configurations: "default" is conf/support-milter.conf (paths moved under
build/rss): max_message_bytes 64 MB, so both messages are over the limit
(on_limit: tempfail); "raised": max_message_bytes 4 GiB, max_part_bytes and
max_total_bytes 4 GiB, rules.attachments.max_file_bytes 4 GiB and
milter.max_scan_memory 16 GiB (its estimate is 6 bytes per byte), so both are
read, parsed and scanned in full.  Latency: send = first byte to the end of
message sent; eom = end of message to the verdict (the scan); total.

Environment: RSS_ATTACH_MB (1024), RSS_CONFIGS (default,raised), SM_BIN,
SM_BUILD, SM_TOP.  Untrusted input: the daemon's replies (bounded by
milterclient).  Files: build/rss (configuration, spool, audit log).
"""
import base64
import os
import shutil
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import benchlib as bl  # noqa: E402
import milterclient as mc  # noqa: E402

ATTACH_MB = int(os.environ.get("RSS_ATTACH_MB", "1024"))
CONFIGS = os.environ.get("RSS_CONFIGS", "default,raised").split(",")
D = os.path.join(bl.BUILD, "rss")
BIG = os.path.join(bl.BUILD, "bench", "big-100mb.eml")
RAISED = {"max_message_bytes": "4294967296L", "max_part_bytes": "4294967296L",
          "max_scan_memory": "17179869184L",
          "max_total_bytes": "4294967296L", "max_file_bytes": "4294967296L"}
VERDICT = {"a": "accept", "c": "continue", "r": "reject", "t": "tempfail",
           "d": "discard", "y": "reply"}


class Sampler(threading.Thread):
    """Peak RssAnon / RssFile of pid, sampled every 10 ms until stopped."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.anon, self.file = pid, 0.0, 0.0
        self.stop_ev = threading.Event()

    def run(self):
        while not self.stop_ev.wait(0.01):
            self.anon = max(self.anon, bl.proc_status(self.pid, "RssAnon"))
            self.file = max(self.file, bl.proc_status(self.pid, "RssFile"))


def header_fields(head):
    """[(name, value bytes)] of a header block (folded lines kept, CRLF)."""
    out = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and out:
            out[-1][1] += b"\r\n" + line
        elif b":" in line:
            n, v = line.split(b":", 1)
            out.append([n.decode("latin-1"), v])
    return out


def text_message():
    """(header fields, iterator of body chunks) of the 100 MB message."""
    with open(BIG, "rb") as f:
        head = f.read(4096).split(b"\r\n\r\n", 1)[0]
    skip = len(head) + 4

    def chunks():
        with open(BIG, "rb") as f:
            f.seek(skip)
            while True:
                b = f.read(1 << 20)
                if not b:
                    return
                yield b
    return header_fields(head), chunks()


def attach_message(mb):
    """(header fields, iterator of body chunks): a 1 GiB attachment, base64."""
    head = (b"From: tester@example.co.jp\r\nTo: supportmail@microsoft.com\r\n"
            b"Subject: RE: log files - TrackingID#2611020010004127\r\n"
            b"Date: Mon, 02 Nov 2026 10:00:00 +0900\r\nMessage-ID: <rss@example.co.jp>\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n")
    raw = os.urandom(57 * 18396)  # ~1 MiB of binary, base64 lines of 76
    enc = b"".join(base64.b64encode(raw[i:i + 57]) + b"\r\n" for i in range(0, len(raw), 57))

    def chunks():
        yield (b"--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
               b"The collected logs are attached.\r\n\r\n--b1\r\n"
               b"Content-Type: application/octet-stream; name=\"memory.dmp\"\r\n"
               b"Content-Disposition: attachment; filename=\"memory.dmp\"\r\n"
               b"Content-Transfer-Encoding: base64\r\n\r\n")
        sent = 0
        while sent < mb << 20:
            yield enc
            sent += len(raw)
        yield b"\r\n--b1--\r\n"
    return header_fields(head), chunks()


def send_message(sock, fields, chunks):
    """Drive one message; (verdict, bytes sent, send s, eom s, modifications)."""
    c = mc.MilterClient(sock)
    c.negotiate()
    t0 = time.monotonic()
    r = c.envelope("<tester@example.co.jp>", ["<supportmail@microsoft.com>"])
    n = 0
    lead = c.proto & 0x100000
    for name, value in fields:
        r = r or c.header(name, value if lead else value.lstrip(b" "))
    r = r or c.eoh()
    for b in chunks:
        if r:
            break
        r = c.body(b)
        n += len(b)
    t1 = time.monotonic()
    r = r or c.eom()
    t2 = time.monotonic()
    c.close()
    return verdict_name(r, c.modifications), n, t1 - t0, t2 - t1, mods_text(c.modifications)


def verdict_name(reply, mods):
    """accept / modify (body replaced) / tempfail 451 / reject 550 ..."""
    code, data = reply
    if code == "y":
        num = data[:3].decode("ascii", "replace")
        return ("tempfail " if num.startswith("4") else "reject ") + num
    if code == "a" and any(m[0] == "b" for m in mods):
        return "modify"
    return VERDICT.get(code, code)


def mods_text(mods):
    names = {"b": "body chunks", "h": "header added", "m": "header changed", "+": "rcpt added",
             "q": "quarantine"}
    count = {}
    for m in mods:
        count[m[0]] = count.get(m[0], 0) + 1
    return ", ".join("%d %s" % (v, names.get(k, k)) for k, v in sorted(count.items()))


def measure(name, conf_name, limits, make):
    run = os.path.join(D, conf_name)
    shutil.rmtree(run, ignore_errors=True)
    os.makedirs(run)
    d = bl.Daemon(run, bl.daemon_conf(run, limits))
    if not d.start():
        sys.exit("bench rss: the daemon did not start (%s)" % d.log)
    try:
        pid = d.proc.pid
        idle = bl.proc_status(pid, "VmRSS")
        s = Sampler(pid)
        s.start()
        verdict, n, t_send, t_eom, mods = send_message(d.sock, *make())
        s.stop_ev.set()
        s.join()
        hwm = bl.proc_status(pid, "VmHWM")
        print("bench rss: %-13s %-7s %7.1f MB body: %-12s send %6.2f s, eom %6.2f s, "
              "peak RSS %7.1f MB (anon %7.1f, file %7.1f; idle %4.1f)%s" % (
                  name, conf_name, n / 1e6, verdict, t_send, t_eom, hwm, s.anon, s.file, idle,
                  "; " + mods if mods else ""), flush=True)
    finally:
        d.stop()
        shutil.rmtree(os.path.join(run, "spool"), ignore_errors=True)


def negotiation():
    """What the daemon asks for when offered everything (as Postfix 3.7 does)."""
    run = os.path.join(D, "neg")
    shutil.rmtree(run, ignore_errors=True)
    os.makedirs(run)
    d = bl.Daemon(run, bl.daemon_conf(run))
    if not d.start():
        sys.exit("bench rss: the daemon did not start (%s)" % d.log)
    try:
        c = mc.MilterClient(d.sock)
        _, act, proto = c.negotiate()
        c.close()
        print("bench negotiate: actions %s; protocol %s; macros %s" % (
            mc.flag_names(act, mc.ACTION_NAMES), mc.flag_names(proto, mc.PROTO_NAMES),
            c.symlists or "(MTA default)"))
    finally:
        d.stop()


def main():
    os.makedirs(D, exist_ok=True)
    if not os.path.exists(BIG):
        subprocess.run([sys.executable, os.path.join(bl.HERE, "gen_big.py"),
                        os.path.dirname(BIG)], check=True)
    negotiation()
    for conf_name in CONFIGS:
        limits = RAISED if conf_name == "raised" else None
        measure("100MB-text", conf_name, limits, text_message)
        measure("%dMiB-attach" % ATTACH_MB, conf_name, limits,
                lambda: attach_message(ATTACH_MB))


if __name__ == "__main__":
    main()
