"""milterclient.py - the MTA side of the milter protocol (version 6), enough to
drive support-milter from the benchmarks without an MTA: negotiate, envelope,
header fields, body chunks, end of message, and collect the replies.

    c = MilterClient("/path/milter.sock")
    c.negotiate()                       # -> (version, actions, protocol) granted
    c.envelope("<a@b>", ["<supportmail@microsoft.com>"])  # MAIL, RCPT, DATA
    c.header("Subject", " x"); c.eoh(); c.body(bytes); reply = c.eom()

Commands a negotiated SMFIP_NO* flag removes are not sent; replies an SMFIP_NR_*
flag removes are not awaited (as Postfix does).  Untrusted input: the milter's
replies, bounded by MAX_PACKET.  The client owns its socket.
"""
import socket
import struct

SMFIF_ALL = 0x1FF          # every action Postfix 3.7 offers (incl. SETSYMLIST)
SMFIP_OFFER = 0x1FFFFF     # every step / no-reply flag of protocol 6 (no MDS_*)
MAX_CHUNK = 65535          # MILTER_CHUNK_SIZE
MAX_PACKET = 1 << 20       # a reply larger than this is an error here

NO = {"C": 0x1, "H": 0x2, "M": 0x4, "R": 0x8, "B": 0x10, "L": 0x20, "N": 0x40,
      "U": 0x100, "T": 0x200}
NR = {"C": 0x1000, "H": 0x2000, "M": 0x4000, "R": 0x8000, "T": 0x10000, "U": 0x20000,
      "N": 0x40000, "B": 0x80000, "L": 0x80}
FINAL = set(b"acrtdy")     # replies that end a message (accept, continue, reject ...)

PROTO_NAMES = [(0x1, "NOCONNECT"), (0x2, "NOHELO"), (0x4, "NOMAIL"), (0x8, "NORCPT"),
               (0x10, "NOBODY"), (0x20, "NOHDRS"), (0x40, "NOEOH"), (0x80, "NR_HDR"),
               (0x100, "NOUNKNOWN"), (0x200, "NODATA"), (0x400, "SKIP"),
               (0x800, "RCPT_REJ"), (0x1000, "NR_CONN"), (0x2000, "NR_HELO"),
               (0x4000, "NR_MAIL"), (0x8000, "NR_RCPT"), (0x10000, "NR_DATA"),
               (0x20000, "NR_UNKN"), (0x40000, "NR_EOH"), (0x80000, "NR_BODY"),
               (0x100000, "HDR_LEADSPC")]
ACTION_NAMES = [(0x1, "ADDHDRS"), (0x2, "CHGBODY"), (0x4, "ADDRCPT"), (0x8, "DELRCPT"),
                (0x10, "CHGHDRS"), (0x20, "QUARANTINE"), (0x40, "CHGFROM"),
                (0x80, "ADDRCPT_PAR"), (0x100, "SETSYMLIST")]


def flag_names(value, names):
    return "|".join(n for bit, n in names if value & bit) or "0"


class MilterError(Exception):
    pass


class MilterClient:
    def __init__(self, path, timeout=600):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.proto = 0
        self.actions = 0
        self.symlists = {}
        self.modifications = []  # (reply char, payload length) before the final reply

    def close(self):
        try:
            self._send(b"Q")
        except OSError:
            pass
        self.s.close()

    def _send(self, cmd, data=b""):
        self.s.sendall(struct.pack(">I", len(data) + 1) + cmd + data)

    def _recv_exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            part = self.s.recv(n - len(buf))
            if not part:
                raise MilterError("milter closed the connection")
            buf += part
        return bytes(buf)

    def _recv(self):
        (n,) = struct.unpack(">I", self._recv_exact(4))
        if n < 1 or n > MAX_PACKET:
            raise MilterError("bad packet length %d" % n)
        data = self._recv_exact(n)
        return data[:1], data[1:]

    def _final(self):
        """Read replies up to the one that ends this step (modifications kept)."""
        while True:
            cmd, data = self._recv()
            if cmd[0] in FINAL:
                return cmd.decode(), data
            if cmd != b"p":  # progress: keep waiting
                self.modifications.append((cmd.decode(), len(data)))

    def negotiate(self, actions=SMFIF_ALL, proto=SMFIP_OFFER):
        self._send(b"O", struct.pack(">III", 6, actions, proto))
        cmd, data = self._recv()
        if cmd != b"O" or len(data) < 12:
            raise MilterError("bad negotiation reply %r" % cmd)
        ver, self.actions, self.proto = struct.unpack(">III", data[:12])
        rest = data[12:]
        while len(rest) >= 4:  # smfi_setsymlist: (stage, "macro names\0")*
            (stage,) = struct.unpack(">I", rest[:4])
            names, _, rest = rest[4:].partition(b"\0")
            self.symlists[stage] = names.decode()
        return ver, self.actions, self.proto

    def step(self, code, data=b"", macros=None):
        """Send one step (skipped when negotiated away); its reply or None."""
        if self.proto & NO.get(code, 0):
            return None
        if macros:
            self._send(b"D", code.encode() + b"".join(
                k.encode() + b"\0" + v.encode() + b"\0" for k, v in macros.items()))
        self._send(code.encode(), data)
        if self.proto & NR.get(code, 0):
            return None
        return self._final()

    def envelope(self, sender, rcpts, qid="BENCH0001"):
        """MAIL, RCPT..., DATA; the first reply that ends the message, or None."""
        for code, data in [("M", sender.encode() + b"\0")] + [
                ("R", r.encode() + b"\0") for r in rcpts] + [("T", b"")]:
            r = self.step(code, data, {"i": qid} if code in "MT" else None)
            if r and r[0] != "c":
                return r
        return None

    def header(self, name, value):
        return self.step("L", name.encode() + b"\0" + value + b"\0")

    def eoh(self):
        return self.step("N")

    def body(self, data):
        """Body bytes in chunks of MAX_CHUNK; a reply that ends the message, or None."""
        for i in range(0, len(data), MAX_CHUNK):
            r = self.step("B", data[i:i + MAX_CHUNK])
            if r and r[0] != "c":
                return r
        return None

    def eom(self):
        self.modifications = []
        self._send(b"D", b"Ei\0BENCH0001\0")
        self._send(b"E")
        return self._final()
