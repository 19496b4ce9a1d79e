"""loadgen.py - many messages through the private Postfix, and the account of every one.

Used by tests/load.t and tests/faults.t.

- Template: a corpus message and its envelope recipients, predicted once per
  configuration with `support-milter --test` (smtest.Expect): delivered or
  not, the SMTP code and text, a digest of the delivered body and the header
  fields of the delivered message.  Comparing 10,000 sink files then costs a
  digest and a list comparison each.
- Sender: SMTP client threads.  Message <id> is a template with the header
  `X-Load-Id: <id>` on top, sent from `load-<id>@test.invalid`, so the sink
  file can be matched back.  Several messages per session; like an MTA, on
  a 4xx (or a dropped connection) the client closes the session and retries
  the message later (bounded by max_attempts), on a 5xx it records the
  rejection.
- account(): every id delivered exactly once as predicted, or rejected with
  the predicted code and text; nothing at the sink that was not sent; no
  support message at the sink without its X-Support-* headers.

Untrusted input: none (our own corpus and Postfix's files).  Output never
holds message bodies: names, ids, codes and counts only.
"""
import collections
import hashlib
import heapq
import os
import smtplib
import threading
import time

import smtest

SUPPORT = "supportmail@microsoft.com"
OTHER = "b@example.net"
SINK_HEADERS = ("x-client-addr", "x-client-proto", "x-helo-args", "x-mail-args", "x-rcpt-args")
IGNORED = SINK_HEADERS + ("received", "return-path", "x-load-id")


def body_digest(body):
    return hashlib.sha256(smtest.lf(body).rstrip(b"\n")).hexdigest()


def with_id(data, n):
    """The template with `X-Load-Id: n` as its first header line."""
    eol = b"\r\n" if b"\r\n" in data[:2000] else b"\n"
    return b"X-Load-Id: " + str(n).encode() + eol + data


class Prediction:
    """What --test says about a template under one configuration."""

    def __init__(self, conf, tmpl, workdir, tag):
        path = os.path.join(workdir, "%s.%s.eml" % (tmpl.name, tag))
        with open(path, "wb") as f:
            f.write(with_id(tmpl.data, 0))
        e = smtest.Expect(conf, path, workdir, "%s.%s" % (tmpl.name, tag), tmpl.rcpts)
        self.action, self.delivered = e.action, e.delivered
        self.code, self.xcode, self.text = e.code, e.xcode, e.text
        self.digest, self.headers = None, None
        self.support = SUPPORT in tmpl.rcpts
        if e.delivered:
            with open(e.out, "rb") as f:
                head, body = smtest.split_message(f.read())
            self.digest = body_digest(body)
            self.headers = sorted((n, v) for n, v in smtest.header_fields(head)
                                  if n not in IGNORED)
            self.names = set(n for n, _ in self.headers)
        os.unlink(path)

    def matches(self, headers, digest):
        """The delivered message as predicted (Postfix may add Message-Id and Date)."""
        got = [(n, v) for n, v in headers
               if not (n in ("message-id", "date") and n not in self.names)]
        return digest == self.digest and sorted(got) == self.headers

    def reply_matches(self, code, text):
        if str(code) != self.code:
            return False
        want = " ".join((self.xcode + " " + self.text).split())
        return any(" ".join(text.replace("\n" + self.xcode + " ", j).split()) == want
                   for j in (" ", ""))


class Template:
    def __init__(self, path, rcpts, name=None):
        self.path, self.rcpts = path, list(rcpts)
        self.name = name or os.path.basename(path)[:-4]
        with open(path, "rb") as f:
            self.data = f.read()
        self.size = len(self.data)
        self.pred = {}

    def predict(self, tag, conf, workdir):
        self.pred[tag] = Prediction(conf, self, workdir, tag)
        return self.pred[tag]


def corpus_templates():
    """Every message of tests/corpus and the public corpus to the support
    address, a few to an unrelated recipient and one to both."""
    own = os.path.join(smtest.TOP, "tests", "corpus")
    paths = sorted(os.path.join(own, f) for f in os.listdir(own) if f.endswith(".eml"))
    paths += smtest.corpus_messages()
    out = [Template(p, [SUPPORT]) for p in paths]
    for p in paths[:: max(1, len(paths) // 6)]:
        out.append(Template(p, [OTHER], os.path.basename(p)[:-4] + "+other"))
    card = [p for p in paths if "_card_" in p][0]
    out.append(Template(card, [SUPPORT, OTHER], os.path.basename(card)[:-4] + "+both"))
    return out


def plan(templates, n, big=262144, big_every=4):
    """[(id, template index)] for ids 1..n, templates in turn; templates over
    `big` bytes take part in one round of big_every (they cost most)."""
    small = [i for i, t in enumerate(templates) if t.size <= big]
    heavy = [i for i, t in enumerate(templates) if t.size > big]
    out, rnd = [], 0
    while len(out) < n:
        for i in small + (heavy if rnd % big_every == 0 else []):
            if len(out) < n:
                out.append((len(out) + 1, i))
        rnd += 1
    return out


class Attempt:
    __slots__ = ("code", "text", "phase0", "phase1")

    def __init__(self, code, text, phase0, phase1):
        self.code, self.text, self.phase0, self.phase1 = code, text, phase0, phase1


class Sender:
    """sessions SMTP client threads sending plan through pf."""

    def __init__(self, pf, templates, sessions=8, per_session=10, max_attempts=1,
                 backoff=0.25):
        self.pf, self.templates = pf, templates
        self.tmpl_of = {}
        self.queue = collections.deque()
        self.retry = []                    # heap of (due, id)
        self.attempts = collections.defaultdict(list)
        self.sessions, self.per_session = sessions, per_session
        self.max_attempts, self.backoff = max_attempts, backoff
        self.deadline = 0
        self.phase = "load"
        self.cv = threading.Condition()
        self.busy = 0
        self.done = 0                      # ids with a final outcome
        self.sent = 0                      # attempts made
        self.threads = []

    def add(self, work):
        """Queue [(id, template index)]."""
        with self.cv:
            for i, ti in work:
                self.tmpl_of[i] = ti
                self.queue.append(i)

    def start(self, deadline=900):
        """Start the client threads; they end when every queued id has a final
        outcome (or deadline seconds have passed)."""
        self.deadline = time.monotonic() + deadline
        self.threads = []
        for k in range(self.sessions):
            th = threading.Thread(target=self._worker, name="sender-%d" % k, daemon=True)
            th.start()
            self.threads.append(th)

    def join(self, timeout):
        end = time.monotonic() + timeout
        for th in self.threads:
            th.join(max(0.0, end - time.monotonic()))
        return not any(th.is_alive() for th in self.threads)

    def run(self, work, timeout):
        """Send work; True when every id got a final outcome in time."""
        self.add(work)
        self.start(timeout)
        return self.join(timeout + 30)

    def _next(self):
        """The next id to send, or None when everything has a final outcome."""
        with self.cv:
            while True:
                now = time.monotonic()
                if now > self.deadline:
                    self.cv.notify_all()
                    return None
                if self.retry and (self.retry[0][0] <= now or not self.queue):
                    due, i = self.retry[0]
                    if due <= now:
                        heapq.heappop(self.retry)
                        self.busy += 1
                        return i
                    self.cv.wait(min(due - now, 0.5))
                    continue
                if self.queue:
                    self.busy += 1
                    return self.queue.popleft()
                if self.busy == 0:
                    self.cv.notify_all()
                    return None
                self.cv.wait(0.5)

    def _finish(self, i, retry_later):
        with self.cv:
            self.busy -= 1
            if retry_later:
                heapq.heappush(self.retry, (time.monotonic() + self.backoff, i))
            else:
                self.done += 1
            self.cv.notify_all()

    def _send(self, s, i):
        t = self.templates[self.tmpl_of[i]]
        data = with_id(t.data, i)
        try:
            s.sendmail("load-%d@test.invalid" % i, t.rcpts, data)
            return 250, ""
        except smtplib.SMTPRecipientsRefused as e:
            code, msg = list(e.recipients.values())[0]
            return code, msg.decode("utf-8", "replace")
        except smtplib.SMTPResponseException as e:
            return e.smtp_code, e.smtp_error.decode("utf-8", "replace")
        except (smtplib.SMTPException, OSError) as e:
            return 0, type(e).__name__

    def _worker(self):
        s, n_in_session = None, 0
        while True:
            i = self._next()
            if i is None:
                break
            phase0 = self.phase
            if s is None:
                try:
                    s = self.pf.smtp()
                    s.ehlo("client.test.invalid")
                    n_in_session = 0
                except (smtplib.SMTPException, OSError) as e:
                    s, code, text = None, 0, type(e).__name__
            if s is not None:
                code, text = self._send(s, i)
                n_in_session += 1
            self.attempts[i].append(Attempt(code, text, phase0, self.phase))
            with self.cv:
                self.sent += 1
            temp = code == 0 or 400 <= code < 500
            if s is not None and (temp or n_in_session >= self.per_session):
                _close(s)
                s = None
            self._finish(i, temp and len(self.attempts[i]) < self.max_attempts)
        if s is not None:
            _close(s)


def _close(s):
    try:
        s.quit()
    except (smtplib.SMTPException, OSError):
        s.close()


def sink_index(pf):
    """{id: [(header fields, body digest)]} of every sink file; ids not from
    our senders are listed under their envelope sender string."""
    out = collections.defaultdict(list)
    for path in pf.sink_files():
        with open(path, "rb") as f:
            head, body = smtest.split_message(f.read())
        fields = smtest.header_fields(head)
        sender = [v for n, v in fields if n == "x-mail-args"]
        sender = sender[0].split()[0].strip("<>") if sender else path
        key = sender
        if sender.startswith("load-") and sender.endswith("@test.invalid"):
            try:
                key = int(sender[5:-13])
            except ValueError:
                pass
        load_id = [v for n, v in fields if n == "x-load-id"]
        if isinstance(key, int) and load_id != [str(key)]:
            key = "%s (X-Load-Id %s)" % (sender, load_id)
        kept = [(n, v) for n, v in fields if n not in IGNORED]
        out[key].append((kept, body_digest(body)))
    return out


def account(sender, tags, sink):
    """(counts, problems): every id of sender's plan checked against the
    predictions under tags (a message may be judged by any one of them, as
    a whole) and the sink.  problems: [(kind, text)], text without content."""
    counts = collections.Counter()
    problems = []

    def bad(kind, text):
        problems.append((kind, text))

    def judged(tags, preds, fits):
        """Count the outcome under the one configuration it fits, if only one does."""
        which = [g for g, p in zip(tags, preds) if fits(p)]
        if len(tags) > 1 and len(which) == 1:
            counts["judged by " + which[0]] += 1

    for i, ti in sender.tmpl_of.items():
        t = sender.templates[ti]
        preds = [t.pred[g] for g in tags]
        att = sender.attempts.get(i, [])
        got = sink.get(i, [])
        counts["retried"] += len(att) > 1
        counts["attempts"] += len(att)
        if not att:
            bad("unsent", "id %d (%s): never sent" % (i, t.name))
            continue
        code, text = att[-1].code, att[-1].text
        if len(got) > 1:
            bad("duplicate", "id %d (%s): %d copies at the sink" % (i, t.name, len(got)))
        if code == 250:
            ok = [p for p in preds if p.delivered]
            if not ok:
                bad("accepted", "id %d (%s): 250 although --test rejects" % (i, t.name))
            elif not got:
                bad("lost", "id %d (%s): 250 but not at the sink" % (i, t.name))
            elif not any(p.matches(*got[0]) for p in ok):
                bad("content", "id %d (%s): delivered, but not as --test predicts" % (i, t.name))
            elif t.pred[tags[0]].support and not any(n.startswith("x-support-")
                                                      for n, _ in got[0][0]):
                bad("unscanned", "id %d (%s): no X-Support-* header" % (i, t.name))
            else:
                judged(tags, preds, lambda p: p.delivered and p.matches(*got[0]))
            counts["delivered"] += 1
        elif 500 <= code < 600:
            judged(tags, preds, lambda p: not p.delivered and p.reply_matches(code, text))
            if not any(not p.delivered and p.reply_matches(code, text) for p in preds):
                bad("reply", "id %d (%s): %d %s, --test says %s" %
                    (i, t.name, code, text[:80].replace("\n", " "),
                     "/".join(p.code if not p.delivered else "250" for p in preds)))
            if got:
                bad("rejected-delivered", "id %d (%s): rejected but at the sink" % (i, t.name))
            counts["rejected"] += 1
        else:
            bad("tempfail", "id %d (%s): last of %d attempts got %s %s" %
                (i, t.name, len(att), code, text[:60].replace("\n", " ")))
            if got:
                bad("temp-delivered", "id %d (%s): 4xx but at the sink" % (i, t.name))
            counts["temp"] += 1
    for k in sink:
        if not isinstance(k, int) or k not in sender.tmpl_of:
            bad("unknown", "sink holds a message not sent by this run: %s" % str(k)[:80])
    return counts, problems


def report(tap, counts, problems, limit=10):
    """TAP diagnostics: counts, and up to limit problems per kind."""
    tap.diag(", ".join("%s %d" % kv for kv in sorted(counts.items())))
    seen = collections.Counter()
    for kind, text in problems:
        seen[kind] += 1
        if seen[kind] <= limit:
            tap.diag("%s: %s" % (kind, text))
    for kind, n in seen.items():
        if n > limit:
            tap.diag("%s: ... %d more" % (kind, n - limit))


def proc_status(pid, key):
    """A field of /proc/PID/status in kB (VmRSS, VmHWM), or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def cpu_seconds(pid):
    """User + system CPU time of pid so far (all its threads), or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def fd_count(pid):
    """The daemon's open descriptors, less the scanner workers' (a socket and a
    pidfd each, pool.c): workers start on first use and are replaced after
    milter.worker_messages, so their pairs come and go."""
    try:
        fds = os.listdir("/proc/%d/fd" % pid)
        pidfds = 0
        for fd in fds:
            try:
                if os.readlink("/proc/%d/fd/%s" % (pid, fd)) == "anon_inode:[pidfd]":
                    pidfds += 1
            except OSError:
                pass
        return len(fds) - 2 * pidfds
    except OSError:
        return None


def spool_leftovers(spool):
    """Files left in the spool directory (spool files are unlinked at once)."""
    try:
        return [f for f in os.listdir(spool)]
    except OSError:
        return []


def top_mappings(pid, n=6):
    """The n mappings of pid holding most resident memory: 'kB name' lines."""
    maps, cur = [], None
    try:
        with open("/proc/%d/smaps" % pid) as f:
            for line in f:
                if line[:1] in "0123456789abcdef" and "-" in line.split()[0]:
                    parts = line.split()
                    cur = [0, parts[0], parts[5] if len(parts) > 5 else "[anon]"]
                    maps.append(cur)
                elif line.startswith("Rss:") and cur:
                    cur[0] = int(line.split()[1])
    except OSError:
        return []
    maps.sort(reverse=True)
    return ["%8d kB %s %s" % tuple(m) for m in maps[:n]] + ["%d mappings" % len(maps)]
