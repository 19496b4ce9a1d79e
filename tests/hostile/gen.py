#!/usr/bin/env python3
"""gen.py - generate the hostile-input corpus (deterministic, standard library).

    python3 tests/hostile/gen.py OUTDIR [NAME...]

Writes one OUTDIR/NAME.eml per case (all cases when no NAME is given) and
prints "NAME SIZE" lines.  Every message is addressed to the support
recipient with a valid SR in its Subject, so the policy scans it in full; the
hostile part is the structure.  Nothing here is a real secret.  Large files
are generated at test time into build/hostile/ and never committed.
"""
import base64
import io
import os
import struct
import sys
import zipfile
import zlib

SR = "2411180040324704"  # 2024-11-18: valid for --now 2024-12-01


def head(extra="", subject=None, ctype="text/plain; charset=us-ascii"):
    s = subject if subject is not None else "[SR#%s] hostile input" % SR
    h = ("From: tester@example.co.jp\r\nTo: supportmail@microsoft.com\r\n"
         "Subject: %s\r\nDate: Mon, 18 Nov 2024 10:00:00 +0900\r\n"
         "Message-ID: <hostile@example.co.jp>\r\nMIME-Version: 1.0\r\n" % s)
    return (h + extra + "Content-Type: %s\r\n" % ctype).encode()


def b64(data):
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def with_attachment(name, data, ctype="application/zip", text=b"see attached\r\n"):
    b = b"HOSTILE-BOUNDARY"
    return (head(ctype='multipart/mixed; boundary="%s"' % b.decode()) + b"\r\n" +
            b"--" + b + b"\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" + text +
            b"--" + b + b"\r\nContent-Type: " + ctype.encode() + b"; name=\"" + name.encode() +
            b"\"\r\nContent-Disposition: attachment; filename=\"" + name.encode() +
            b"\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(data) +
            b"--" + b + b"--\r\n")


# ------------------------------------------------------------------ MIME structure

def unclosed_boundary():
    return (head(ctype='multipart/mixed; boundary="never-closed"') + b"\r\n"
            b"--never-closed\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n"
            b"--never-closed\r\nContent-Type: text/plain\r\n\r\n" + b"and it goes on\r\n" * 2000)


def duplicate_boundaries():
    # the inner multipart reuses the outer boundary; then the same part twice
    return (head(ctype='multipart/mixed; boundary="dup"') + b"\r\n"
            b"--dup\r\nContent-Type: multipart/alternative; boundary=\"dup\"\r\n\r\n"
            b"--dup\r\nContent-Type: text/plain\r\n\r\ninner one\r\n"
            b"--dup\r\nContent-Type: text/html\r\n\r\n<p>inner two</p>\r\n"
            b"--dup--\r\n--dup--\r\n--dup\r\nContent-Type: text/plain\r\n\r\nafter the end\r\n"
            b"--dup--\r\n")


def empty_boundary():
    return (head(ctype='multipart/mixed; boundary=""') + b"\r\n"
            b"--\r\nContent-Type: text/plain\r\n\r\nempty boundary part\r\n----\r\n"
            b"--\r\n\r\n--\r\n")


def parts_10000():
    out = [head(ctype='multipart/mixed; boundary="p"'), b"\r\n"]
    for i in range(10000):
        out.append(b"--p\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i)
    out.append(b"--p--\r\n")
    return b"".join(out)


def nesting_1000():
    depth = 1000
    out = [head(ctype='multipart/mixed; boundary="b0"'), b"\r\n"]
    for i in range(1, depth):
        out.append(b"--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n" % (i - 1, i))
    out.append(b"--b%d\r\nContent-Type: text/plain\r\n\r\nthe bottom\r\n" % (depth - 1))
    for i in range(depth - 1, -1, -1):
        out.append(b"--b%d--\r\n" % i)
    return b"".join(out)


def rfc822_loop():
    # message/rfc822 inside message/rfc822, 500 deep
    inner = head() + b"\r\nthe innermost message\r\n"
    for _ in range(500):
        inner = (head(ctype="message/rfc822") + b"Content-Disposition: inline\r\n\r\n" + inner)
    return inner


# ------------------------------------------------------------------ headers

def header_line_1mb():
    return head(subject="[SR#%s] " % SR + "A" * (1024 * 1024)) + b"\r\nbody\r\n"


def headers_10000():
    extra = "".join("X-Hostile-%d: value %d\r\n" % (i, i) for i in range(10000))
    return head(extra=extra) + b"\r\nbody\r\n"


# ------------------------------------------------------------------ encodings, bytes

def invalid_base64():
    junk = b"!!!!****====\r\nQUJD$$$RE^^^\r\n====QUJD\r\n" + b"A" * 77 + b"=\r\nZm9v=YmFy\r\n"
    return (head(extra="Content-Transfer-Encoding: base64\r\n") + b"\r\n" + junk)


def invalid_qp():
    junk = (b"soft break at end =\r\nbad escapes =ZZ =4 =\r\n=0D=0A=00 =E3=81 truncated=\r\n" +
            b"x" * 2000 + b"=\r\n" + b"=" * 300 + b"\r\n")
    return (head(extra="Content-Transfer-Encoding: quoted-printable\r\n",
                 ctype="text/plain; charset=utf-8") + b"\r\n" + junk)


def nul_bytes():
    return (head(extra="X-Nul: a\x00b\r\n") + b"\r\nbefore\x00after\r\n" + b"\x00" * 5000 +
            b"\r\n4111\x001111\x001111\x001111\r\n")


def invalid_utf8():
    return (head(ctype="text/plain; charset=utf-8", subject="[SR#%s] \xff\xfe bad" % SR) +
            b"\r\n\xc3\x28 \xa0\xa1 \xe2\x28\xa1 \xf0\x90\x28\xbc \xf8\xa1\xa1\xa1\xa1 "
            b"\xed\xa0\x80 \xc0\xaf overlong\r\n" + bytes(range(128, 256)) + b"\r\n")


def lying_charset():
    sjis = "パスワードはありません。カード番号もありません。".encode("cp932")
    utf8 = "これはUTF-8です".encode()
    b = b"lie"
    return (head(ctype='multipart/mixed; boundary="lie"') + b"\r\n" +
            b"--" + b + b"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + sjis + b"\r\n" +
            b"--" + b + b"\r\nContent-Type: text/plain; charset=iso-2022-jp\r\n\r\n" + utf8 +
            b"\r\n--" + b + b"\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" +
            "ｶﾀｶﾅ".encode("euc-jp") + b"\r\n--" + b +
            b"\r\nContent-Type: text/plain; charset=utf-16\r\n\r\nodd length\r\n--" + b + b"--\r\n")


def rfc2231_names():
    names = [
        "filename*=UTF-8''..%2F..%2F..%2Fetc%2Fpasswd",
        "filename*=UTF-8''C%3A%5CWindows%5Csystem32%5Cevil.cmd",
        "filename*=UTF-8''a%0D%0AX-Injected%3A%20yes%00.txt",
        "filename*0*=UTF-8''%1B%5B31mred; filename*1*=%07%08bell; filename*2=.txt",
        "filename*=UTF-8''" + "%E3%81%82" * 3000 + ".txt",
        "filename*=bogus-charset''%FF%FE%00x.txt",
        "filename*0=a; filename*5=b; filename*99999999999=c",
        "filename=\"/absolute/path.txt\"; filename*=UTF-8''%2Fabsolute%2Fpath.txt",
    ]
    out = [head(ctype='multipart/mixed; boundary="n"'), b"\r\n"]
    for n in names:
        out.append(b"--n\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; " +
                   n.encode() + b"\r\n\r\nfile content\r\n")
    out.append(b"--n--\r\n")
    return b"".join(out)


# ------------------------------------------------------------------ archives

def zip_of(members, compression=zipfile.ZIP_DEFLATED):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", compression) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, date_time=(2024, 11, 18, 10, 0, 0))
            zi.compress_type = compression
            z.writestr(zi, data)
    return bio.getvalue()


def zeros_zip(name, size):
    """A zip with one member of `size` zero bytes, written in chunks."""
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        zi = zipfile.ZipInfo(name, date_time=(2024, 11, 18, 10, 0, 0))
        zi.compress_type = zipfile.ZIP_DEFLATED
        with z.open(zi, "w", force_zip64=True) as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                f.write(chunk)
    return bio.getvalue()


def zip_bomb_ratio():
    return with_attachment("logs.zip", zeros_zip("huge.log", 512 << 20))


def zip_bomb_nested():
    inner = zeros_zip("zeros.txt", 64 << 20)
    middle = zip_of([("inner%d.zip" % i, inner) for i in range(16)])
    outer = zip_of([("middle%d.zip" % i, middle) for i in range(16)])
    return with_attachment("nested.zip", outer)


def zip_100000_entries():
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_STORED) as z:
        for i in range(100000):
            z.writestr(zipfile.ZipInfo("d/%06d.txt" % i, date_time=(2024, 11, 18, 10, 0, 0)), b"")
    return with_attachment("many.zip", bio.getvalue())


def zipcrypto(data, password):
    """Traditional PKWARE encryption; returns (12-byte header + ciphertext)."""
    keys = [0x12345678, 0x23456789, 0x34567890]

    def crc(c, b):
        return (zlib.crc32(bytes([b]), c ^ 0xFFFFFFFF) ^ 0xFFFFFFFF) & 0xFFFFFFFF

    def update(b):
        keys[0] = crc(keys[0], b)
        keys[1] = ((keys[1] + (keys[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = crc(keys[2], (keys[1] >> 24) & 0xFF)

    def enc(b):
        t = (keys[2] | 2) & 0xFFFF
        k = ((t * (t ^ 1)) >> 8) & 0xFF
        update(b)
        return b ^ k

    for b in password:
        update(b)
    check = (zlib.crc32(data) >> 24) & 0xFF
    header = bytes(range(1, 12)) + bytes([check])
    return bytes(enc(b) for b in header + data)


def encrypted_zip_bytes(name, data, password):
    crc = zlib.crc32(data) & 0xFFFFFFFF
    body = zipcrypto(data, password)
    fn = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 1, 0, 0x5000, 0x5972, crc, len(body),
                        len(data), len(fn), 0) + fn + body
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 1, 0, 0x5000, 0x5972, crc,
                          len(body), len(data), len(fn), 0, 0, 0, 0, 0, 0) + fn
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local), 0)
    return local + central + end


def zip_encrypted():
    z = encrypted_zip_bytes("report.txt", b"nothing secret in here\r\n" * 100, b"hostile")
    return with_attachment("encrypted.zip", z)


def zip_symlinks_abs():
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as z:
        for name, target in [("link-to-passwd", "/etc/passwd"), ("up", "../../../../tmp")]:
            zi = zipfile.ZipInfo(name, date_time=(2024, 11, 18, 10, 0, 0))
            zi.create_system = 3
            zi.external_attr = (0o120777 << 16)
            z.writestr(zi, target)
        for name in ["/etc/cron.d/evil", "../../escape.txt", "C:\\Windows\\evil.txt",
                     "a/../../b.txt", "dir/\x01ctl\x1b[31m.txt"]:
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 11, 18, 10, 0, 0)), b"x\r\n")
    return with_attachment("paths.zip", bio.getvalue())


def text_30mb():
    # legitimate but large: a 30 MB log pasted as the body, under the default
    # limits (max_part_bytes 32 MB), so it is scanned in full
    line = b"2024-11-18T10:00:00 Sense EventID=4 Computer=PC-0001 state=running\r\n"
    return head() + b"\r\n" + line * ((30 << 20) // len(line))


# ------------------------------------------------------------------ secrets in hostile structure
# A test card number (Luhn-valid, never a real one) hidden where a careless
# parser would not look.  The verdict must keep it from leaving: masked,
# stripped, rejected or held; hostile.t checks every decoded byte of the output.
CARD = "4111 1111 1111 1111"


def card_unclosed_boundary():
    return (head(ctype='multipart/mixed; boundary="open"') + b"\r\n"
            b"--open\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n"
            b"--open\r\nContent-Type: text/plain\r\n\r\n" + b"log line\r\n" * 100 +
            b"card " + CARD.encode() + b"\r\n" + b"and it never ends\r\n" * 100)


def card_preamble_epilogue():
    return (head(ctype='multipart/mixed; boundary="pe"') + b"\r\n"
            b"preamble: card " + CARD.encode() + b"\r\n"
            b"--pe\r\nContent-Type: text/plain\r\n\r\nthe visible part\r\n"
            b"--pe--\r\nepilogue: card " + CARD.encode() + b"\r\n")


def card_invalid_base64():
    enc = base64.b64encode(("my card is " + CARD + " thanks\n").encode())
    junk = b"!".join(enc[i:i + 7] for i in range(0, len(enc), 7))  # junk inside quanta
    return head(extra="Content-Transfer-Encoding: base64\r\n") + b"\r\n" + junk + b"\r\n"


def card_qp_soft_breaks():
    body = b"card 41=\r\n11 1=3111 11=\r\n=311 1111 ok\r\n"
    return (head(extra="Content-Transfer-Encoding: quoted-printable\r\n") + b"\r\n" + body)


def card_lying_charset():
    text = "カード番号 ４１１１ １１１１ １１１１ １１１１ です".encode("cp932")
    return head(ctype="text/plain; charset=utf-8") + b"\r\n" + text + b"\r\n"


def card_rfc822_depth10():
    inner = head() + b"\r\ncard " + CARD.encode() + b"\r\n"
    for _ in range(10):
        inner = head(ctype="message/rfc822") + b"\r\n" + inner
    return inner


def card_forwarded_headers():
    # a forwarded message (message/rfc822) whose own Subject and From carry
    # the card, one plain and one RFC 2047 ISO-2022-JP with full-width digits;
    # its boundary is a Luhn-valid digit run that must not be touched
    jp = "カード番号 ４１１１ １１１１ １１１１ １１１１".encode("iso-2022-jp")
    enc = b"=?ISO-2022-JP?B?" + base64.b64encode(jp) + b"?="
    inner = (b"From: card " + CARD.encode() + b" <x@example.co.jp>\r\nSubject: " + enc +
             b"\r\nMIME-Version: 1.0\r\n"
             b"Content-Type: multipart/alternative; boundary=\"5555555555554444\"\r\n\r\n"
             b"--5555555555554444\r\nContent-Type: text/plain\r\n\r\nforwarded body\r\n"
             b"--5555555555554444--\r\n")
    return (head(ctype='multipart/mixed; boundary="fw"') + b"\r\n"
            b"--fw\r\nContent-Type: text/plain\r\n\r\nsee the forwarded alert\r\n"
            b"--fw\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"--fw--\r\n")


def card_top_headers():
    # the card in the sender's display name, in Outlook's Thread-Topic (which
    # repeats the Subject), in a Cc display name and in Comments; the
    # Message-ID and a Luhn-valid X- field are structural and stay
    h = ("From: \"card %s\" <tester@example.co.jp>\r\nTo: supportmail@microsoft.com\r\n"
         "Cc: \"a\" <a@example.co.jp>, \"card %s\" <b@example.co.jp>\r\n"
         "Subject: [SR#%s] my card %s\r\nThread-Topic: my card %s\r\n"
         "Comments: card %s\r\nX-Order: 5555555555554444\r\n"
         "Date: Mon, 18 Nov 2024 10:00:00 +0900\r\n"
         "Message-ID: <4012888888881881@example.co.jp>\r\nMIME-Version: 1.0\r\n"
         "Content-Type: text/plain; charset=us-ascii\r\n\r\nsee the subject\r\n" % (
             CARD, CARD, SR, CARD, CARD, CARD))
    return h.encode()


def card_mixed_charsets():
    # one attachment, no charset: a UTF-8 log, then a Shift_JIS one; a
    # password and a full-width card in each half
    fw = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else "\u3000" for c in CARD)
    u8 = ("2024-11-18 センサーのログ\r\nパスワード: Ut8-Secret-42\r\nカード番号: %s\r\n" % fw
          ).encode("utf-8") * 3
    sj = ("2024-11-18 センサーのログ\r\nパスワード: Sj1-Secret-42\r\nカード番号: %s\r\n" % fw
          ).encode("cp932") * 3
    return with_attachment("merged.log", u8 + sj, ctype="text/plain")


def rfc822_b64(inner, name="fwd.eml"):
    b = b"B64-" + str(len(inner)).encode()
    return (b"Content-Type: multipart/mixed; boundary=\"" + b + b"\"\r\n\r\n"
            b"--" + b + b"\r\nContent-Type: text/plain\r\n\r\nforwarded\r\n"
            b"--" + b + b"\r\nContent-Type: message/rfc822; name=\"" + name.encode() +
            b"\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(inner) + b"--" + b + b"--\r\n")


def card_rfc822_base64():
    # a forwarded message sent base64-encoded (RFC 2046 forbids it, some
    # clients do it): the card inside must not pass
    inner = (b"From: x@example.co.jp\r\nSubject: card\r\nContent-Type: text/plain\r\n\r\n"
             b"my card " + CARD.encode() + b"\r\n")
    h = head(ctype="multipart/mixed").split(b"Content-Type:")[0]
    return h + rfc822_b64(inner)


def rfc822_base64_nested():
    # 30 base64 message/rfc822 levels, each inside the next: over max_depth
    inner = b"Subject: core\r\nContent-Type: text/plain\r\n\r\ncore\r\n"
    for i in range(30):
        inner = b"Subject: level %d\r\nMIME-Version: 1.0\r\n" % i + rfc822_b64(inner)
    h = head(ctype="multipart/mixed").split(b"Content-Type:")[0]
    return h + rfc822_b64(inner)


def card_html_hidden():
    # what a browser does not show still leaves the company: a comment, alt
    # and title attributes, a style block
    html = ("<html><head><style>/* card " + CARD + " */</style></head><body>"
            "<!-- card " + CARD + " --><p title=\"card " + CARD + "\">hello</p>"
            "<img alt=\"card " + CARD + "\" src=\"cid:x\"></body></html>\r\n")
    return head(ctype="text/html; charset=utf-8") + b"\r\n" + html.encode()


def card_zip_in_zip():
    inner = zip_of([("card.txt", ("card " + CARD + "\r\n").encode())])
    return with_attachment("outer.zip", zip_of([("inner.zip", inner)]))


# Large parts are read in windows of limits.scan_window_bytes (4 MiB) with
# 64 KiB of context: cards right at the cuts, and one across a cut in a line
# that never ends, must be masked all the same.
WIN = 4 << 20


def log_with_cards_at_cuts(size, cuts):
    """Log lines; a card line starts a few bytes before and after each cut."""
    line = b"2024-11-18T10:00:00 Sense EventID=4 Computer=PC-0001 state=running\r\n"
    card = ("card " + CARD + "\r\n").encode()
    out = bytearray()
    for cut in cuts:
        for at in (cut - 300, cut - 12, cut + 5):
            while len(out) + len(line) <= at:
                out += line
            out += card
    while len(out) < size:
        out += line
    return bytes(out)


def card_windows_8bit():
    body = log_with_cards_at_cuts(9 << 20, (WIN, 2 * WIN))
    return head(extra="Content-Transfer-Encoding: 8bit\r\n") + b"\r\n" + body


def card_windows_base64():
    data = log_with_cards_at_cuts(6 << 20, (WIN,))
    return with_attachment("sense.log", data, ctype="text/plain; charset=utf-8")


def card_windows_one_line():
    # 5 MB without a line end: the cut falls inside the card
    filler = b"x=1; " * ((WIN - 8) // 5)
    body = filler + b"card " + CARD.encode() + b"; " + b"y=2; " * 200000 + b"\r\n"
    return head() + b"\r\n" + body


CASES = {
    "unclosed-boundary": unclosed_boundary,
    "duplicate-boundaries": duplicate_boundaries,
    "empty-boundary": empty_boundary,
    "parts-10000": parts_10000,
    "nesting-1000": nesting_1000,
    "rfc822-loop-500": rfc822_loop,
    "header-line-1mb": header_line_1mb,
    "headers-10000": headers_10000,
    "invalid-base64": invalid_base64,
    "invalid-qp": invalid_qp,
    "nul-bytes": nul_bytes,
    "invalid-utf8": invalid_utf8,
    "lying-charset": lying_charset,
    "rfc2231-names": rfc2231_names,
    "zip-bomb-ratio": zip_bomb_ratio,
    "zip-bomb-nested": zip_bomb_nested,
    "zip-100000-entries": zip_100000_entries,
    "zip-encrypted": zip_encrypted,
    "zip-symlinks-abs": zip_symlinks_abs,
    "text-30mb": text_30mb,
    "card-unclosed-boundary": card_unclosed_boundary,
    "card-preamble-epilogue": card_preamble_epilogue,
    "card-invalid-base64": card_invalid_base64,
    "card-qp-soft-breaks": card_qp_soft_breaks,
    "card-lying-charset": card_lying_charset,
    "card-rfc822-depth10": card_rfc822_depth10,
    "card-zip-in-zip": card_zip_in_zip,
    "card-forwarded-headers": card_forwarded_headers,
    "card-html-hidden": card_html_hidden,
    "card-top-headers": card_top_headers,
    "card-mixed-charsets": card_mixed_charsets,
    "card-rfc822-base64": card_rfc822_base64,
    "rfc822-base64-nested": rfc822_base64_nested,
    "card-windows-8bit": card_windows_8bit,
    "card-windows-base64": card_windows_base64,
    "card-windows-one-line": card_windows_one_line,
}


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    for name in argv[2:] or sorted(CASES):
        data = CASES[name]()
        path = os.path.join(out, name + ".eml")
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.replace(path + ".tmp", path)
        print(name, len(data))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
