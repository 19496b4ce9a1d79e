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
import bz2
import gzip
import io
import lzma
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
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


# ------------------------------------------------------------------ PDF

def pdf_file(objs, trailer=b"", xref=True):
    """A PDF of objects 1..n (bytes, the text between "N 0 obj" and
    "endobj"), with a classic cross-reference table and trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(out)
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
        out += b"".join(b"%010d 00000 n \n" % o for o in offs)
        out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objs) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % x
    return bytes(out)


def pdf_stream(data, extra=b"", flate=True):
    z = zlib.compress(data) if flate else data
    return (b"<< /Length %d%s%s >>\nstream\n" % (len(z), b" /Filter /FlateDecode" if flate else b"",
                                                 extra) + z + b"\nendstream")


PDF_HELV = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
PDF_CID = (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+MS-Mincho /CIDSystemInfo "
           b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>")
# the text of the Japanese test page, glyph numbers as a subset font numbers them
PDF_JA = "サーバーのパスワード: Tr0ub4dor&Horse 9月の保守"


def pdf_type0(enc=b"Identity-H", tounicode=None):
    return (b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+MS-Mincho /Encoding /" + enc +
            b" /DescendantFonts [7 0 R]" + (b" /ToUnicode %d 0 R" % tounicode if tounicode else b"") +
            b" >>")


def pdf_glyphs(text):
    """Identity-H glyph codes of text (first seen, first numbered) and the
    ToUnicode CMap that maps them back."""
    ids = {}
    for ch in text:
        ids.setdefault(ch, len(ids) + 3)
    codes = "".join("%04X" % ids[ch] for ch in text)
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n%d beginbfchar\n" % len(ids) +
            "".join("<%04X> <%s>\n" % (g, ch.encode("utf-16-be").hex().upper())
                    for ch, g in ids.items()) +
            "endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n")
    return codes.encode(), cmap.encode()


def pdf_page(content, fonts, extra=(), trailer=b"", flate=True):
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << " + fonts + b" >> >> >>",
            pdf_stream(content, flate=flate)] + list(extra)
    return pdf_file(objs, trailer)


def rc4(key, data):
    s, j, out = list(range(256)), 0, bytearray()
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    for c in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(c ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


PDF_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def pdf_rc4_encrypted(content):
    """The standard security handler, revision 3, 128-bit RC4, an empty user
    password (an "owner password only" PDF): what a viewer opens without
    asking, whose streams are encrypted all the same."""
    import hashlib
    ident, perms = b"\x11" * 16, -3904
    owner = rc4(hashlib.md5(b"owner-secret" + PDF_PAD[:20]).digest(), PDF_PAD)
    key = hashlib.md5(PDF_PAD + owner + struct.pack("<i", perms) + ident).digest()
    for _ in range(50):
        key = hashlib.md5(key).digest()
    user = rc4(key, hashlib.md5(PDF_PAD + ident).digest())
    for i in range(1, 20):
        user = rc4(bytes(b ^ i for b in key), user)
    obj_key = hashlib.md5(key + struct.pack("<I", 4)[:3] + b"\0\0").digest()
    z = rc4(obj_key, zlib.compress(content))
    enc = (b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P %d /O <%s> /U <%s> >>" %
           (perms, owner.hex().encode(), (user + b"\0" * 16).hex().encode()))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream",
            PDF_HELV, enc]
    return pdf_file(objs, b" /Encrypt 6 0 R /ID [<%s> <%s>]" % (ident.hex().encode(),
                                                                 ident.hex().encode()))


def pdf_xref_stream(objs, extra):
    """PDF 1.5: no trailer; the cross-reference stream's dictionary carries
    the trailer's entries (here an /Encrypt with AES-128)."""
    body = pdf_file(objs, xref=False)
    body = body[:body.rindex(b"startxref")]
    n = len(objs) + 1
    x = pdf_stream(b"\x00" * 4 * n, b" /Type /XRef /Size %d /W [1 2 1] /Root 1 0 R%s" % (n + 1, extra))
    return body + b"%d 0 obj\n" % n + x + b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % len(body)


PDF_TEXT = b"BT /F1 11 Tf 72 760 Td (Attached: the event log of the failover on 3 December) Tj ET"


def pdf_attach(name, data):
    return with_attachment(name, data, ctype="application/pdf",
                           text=b"The requested files are attached.\r\n")


def pdf_readable():
    return pdf_attach("eventlog.pdf", pdf_page(PDF_TEXT, b"/F1 5 0 R", [PDF_HELV]))


def pdf_readable_cid():
    codes, cmap = pdf_glyphs("9月の保守の手順を確認しました")
    return pdf_attach("手順.pdf", pdf_page(b"BT /F2 10.5 Tf 72 760 Td <" + codes + b"> Tj ET",
                                          b"/F2 6 0 R", [PDF_HELV, pdf_type0(tounicode=8), PDF_CID,
                                                         pdf_stream(cmap)]))


def pdf_readable_rksj():
    return pdf_attach("memo.pdf", pdf_page(b"BT /F2 10.5 Tf 72 760 Td <" +
                                           "保守の手順".encode("cp932").hex().encode() + b"> Tj ET",
                                           b"/F2 6 0 R", [PDF_HELV, pdf_type0(b"90ms-RKSJ-H"),
                                                          PDF_CID]))


def pdf_scan_image():
    img = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray " \
          b"/BitsPerComponent 8 /Filter /DCTDecode /Length 4 >>\nstream\n\xff\xd8\xff\xd9\nendstream"
    return pdf_attach("scan.pdf", pdf_page(b"q 595 0 0 842 0 0 cm /Im1 Do Q", b"", [img]))


def pdf_card_cid():
    codes, cmap = pdf_glyphs("カード番号: 4111 1111 1111 1111")
    return pdf_attach("invoice.pdf", pdf_page(b"BT /F2 10.5 Tf 72 760 Td <" + codes + b"> Tj ET",
                                              b"/F2 6 0 R", [PDF_HELV, pdf_type0(tounicode=8),
                                                             PDF_CID, pdf_stream(cmap)]))


def pdf_cid_no_tounicode():
    codes, _ = pdf_glyphs(PDF_JA)
    return pdf_attach("server.pdf", pdf_page(b"BT /F2 10.5 Tf 72 760 Td <" + codes + b"> Tj ET",
                                             b"/F2 6 0 R", [PDF_HELV, pdf_type0(), PDF_CID]))


def pdf_cid_in_objstm():
    codes, _ = pdf_glyphs(PDF_JA)
    t0, cid = pdf_type0(), PDF_CID
    head = b"6 0 7 %d " % (len(t0) + 1)
    objstm = pdf_stream(head + t0 + b"\n" + cid, b" /Type /ObjStm /N 2 /First %d" % len(head))
    return pdf_attach("server.pdf", pdf_page(b"BT /F2 10.5 Tf 72 760 Td <" + codes + b"> Tj ET",
                                             b"/F2 6 0 R", [PDF_HELV, objstm]))


def pdf_corrupt_content():
    data = bytearray(pdf_page(PDF_TEXT * 20, b"/F1 5 0 R", [PDF_HELV]))
    at = data.index(b"stream\n") + 7
    for k in range(at + 10, at + 40, 3):
        data[k] ^= 0x5A
    return pdf_attach("eventlog.pdf", bytes(data))


def pdf_encrypted_rc4():
    return pdf_attach("passwords.pdf", pdf_rc4_encrypted(b"BT /F1 11 Tf 72 760 Td (admin: Tr0ub4dor&Horse) Tj ET"))


def pdf_encrypted_xref():
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length 32 /Filter /FlateDecode >>\nstream\n" + bytes(range(32)) + b"\nendstream",
            b"<< /Filter /Standard /V 4 /R 4 /Length 128 /CF << /StdCF << /AuthEvent /DocOpen "
            b"/CFM /AESV2 /Length 16 >> >> /StmF /StdCF /StrF /StdCF /P -1028 /O <00> /U <00> >>"]
    return pdf_attach("report.pdf", pdf_xref_stream(objs, b" /Encrypt 5 0 R /ID [<01> <01>]"))


def pdf_encrypt_huge():
    enc = b"<< /Filter /Standard /V 2 /R 3 /O <" + b"A5" * (4 << 20) + b"> /U <00> /P -4 >>"
    return pdf_attach("big.pdf", pdf_page(PDF_TEXT, b"/F1 5 0 R", [PDF_HELV, enc],
                                          b" /Encrypt 6 0 R"))


def pdf_xref_stream_bomb():
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    body = pdf_file(objs, xref=False)
    body = body[:body.rindex(b"startxref")]
    bomb = zlib.compress(b"\x00" * (256 << 20), 9)
    return pdf_attach("bomb.pdf", body + b"3 0 obj\n<< /Type /XRef /Size 4 /W [1 2 1] /Root 1 0 R "
                      b"/Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb +
                      b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % len(body))


def pdf_objects_hostile():
    """Fonts that are absent or refer to themselves, object streams whose
    headers lie, 200,000 empty objects."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font 6 0 R >> >>",
            pdf_stream(b"BT /F1 1 Tf <0011> Tj /F2 1 Tf (ok) Tj /F3 Tf (fine) Tj ET"),
            pdf_stream(b"6 0 7 99999999 8 -1", b" /Type /ObjStm /N 2000000000 /First 99999999999"),
            b"<< /F1 99 0 R /F2 6 0 R /F3 3 0 R /Font 6 0 R >>"]
    objs += [b"<< >>"] * 200000
    return pdf_attach("odd.pdf", pdf_file(objs))


PDF_CASES = {
    "pdf-readable": pdf_readable, "pdf-readable-cid": pdf_readable_cid,
    "pdf-readable-rksj": pdf_readable_rksj, "pdf-scan-image": pdf_scan_image,
    "card-pdf-cid": pdf_card_cid, "pdf-cid-no-tounicode": pdf_cid_no_tounicode,
    "pdf-cid-in-objstm": pdf_cid_in_objstm, "pdf-corrupt-content": pdf_corrupt_content,
    "pdf-encrypted-rc4": pdf_encrypted_rc4, "pdf-encrypted-xref": pdf_encrypted_xref,
    "pdf-encrypt-huge": pdf_encrypt_huge, "pdf-xref-stream-bomb": pdf_xref_stream_bomb,
    "pdf-objects-hostile": pdf_objects_hostile,
}


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


def parts_400000_empty():
    # 400,000 empty parts in 3.6 MB: GMime built all of them (533 MB) before
    # max_parts was checked; the pre-pass counts them first
    return (head(ctype='multipart/mixed; boundary="e"') + b"\r\n" +
            b"--e\r\n\r\n\r\n" * 400000 + b"--e--\r\n")


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


# Malformed zips that libarchive's directory reader cannot open, while
# Python's zipfile or 7z still extract the card: they fail closed
# (limits.on_unreadable = reject) after what can be read was scanned.
def card_zip_bytes():
    return zip_of([("notes.txt", card_log() * 20), ("other.txt", b"hello\r\n" * 10)])


def zip_prefixed():
    return with_attachment("logs.zip", b"X" + card_zip_bytes())


def zip_prefixed_as_bin():
    return with_attachment("logs.bin", b"\0junk" + card_zip_bytes(),
                           ctype="application/octet-stream")


def zip_no_central_directory():
    z = card_zip_bytes()
    return with_attachment("logs.zip", z[:z.find(b"PK\x01\x02")])


def zip_truncated():
    z = card_zip_bytes()
    return with_attachment("logs.zip", z[:len(z) * 2 // 3])


def zip_truncated_in_member():
    z = zip_of([("notes.txt", card_log() * 2000)])
    return with_attachment("logs.zip", z[:len(z) // 2])


def zip_named_not_zip():
    return with_attachment("logs.zip", b"this is no zip at all\r\n" * 20)


def card_zip_member_by_content():
    # a text file with a media name: chosen for scanning by its bytes
    return with_attachment("shots.zip", zip_of([("screen1.png", card_log()),
                                                 ("movie.mp4", b"\0\0\0\x18ftypmp42" + b"\0" * 64)]))


def pk_by_chance_in_binary():
    # a zip signature met by chance in binary data: no header follows, so it
    # is binary content (on_uninspected), not an unreadable archive
    noise = bytes((i * 131 + 7) % 256 for i in range(4096))
    data = b"\x89PNG\r\n\x1a\n" + noise + b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + noise
    return with_attachment("image.png", data, ctype="image/png")


# Secrets in file names: found, and masked wherever the name is echoed (the
# notice, the reply, the audit record, the --test output).
def card_in_filename():
    return with_attachment("invoice_%s.pdf" % CARD.replace(" ", ""), b"%PDF-1.4\n%%EOF\n",
                           ctype="application/pdf")


def card_in_member_name():
    return with_attachment("names.zip", zip_of([("card %s.txt" % CARD, b"nothing here\r\n")]))


def crlf_in_filename():
    # "a\r\nX-Injected: 1\r\n.pdf", RFC 2047-encoded
    enc = "=?UTF-8?B?%s?=" % base64.b64encode(b"a\r\nX-Injected: 1\r\n.pdf").decode()
    return with_attachment(enc, b"%PDF-1.4\n%%EOF\n", ctype="application/pdf")


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


# ------------------------------------------------------------------ other archive formats
# What libarchive reads besides zip: tar (plain, gz, bz2, xz), single
# compressed files, 7z and cab (7z(1) and gcab(1) from `make deps`), RAR 4
# (written here: stored members need no compressor), cpio.

ONB_NAME = "WindowsDefenderATPOnboardingScript.cmd"
ONB_TEXT = (b"@echo off\r\nREM Microsoft Defender for Endpoint onboarding (test fixture)\r\n"
            b"reg add HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Advanced Threat Protection "
            b"/v OnboardingInfo /t REG_SZ /f /d \"{}\"\r\n")


def card_log():
    return ("2024-11-18T10:00:00 client analyzer output\r\ncard " + CARD +
            "\r\npassword: Tr0ub4dor-Test-99\r\n").encode()


def tar_of(members, mode="w"):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode=mode, format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 1731891600
            t.addfile(ti, io.BytesIO(data))
    return bio.getvalue()


def gz(data):
    return gzip.compress(data, mtime=0)


def tool_archive(argv_of, members, out_name):
    """Run an archiver (7z, gcab) in a temporary directory; its output bytes."""
    with tempfile.TemporaryDirectory() as d:
        for name, data in members:
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        subprocess.run(argv_of(out_name, [m[0] for m in members]), cwd=d, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(os.path.join(d, out_name), "rb") as f:
            return f.read()


def sevenz_of(members, extra=()):
    return tool_archive(lambda o, n: ["7z", "a", "-bd", "-y"] + list(extra) + [o] + n,
                        members, "a.7z")


def cab_of(members):
    return tool_archive(lambda o, n: ["gcab", "-c", o] + n, members, "a.cab")


def rar_of(members):
    """RAR 4, stored (method 0x30): marker, archive header, file headers."""
    def block(htype, flags, body, add=b""):
        h = struct.pack("<BHH", htype, flags, 7 + len(body)) + body
        return struct.pack("<H", zlib.crc32(h) & 0xffff) + h + add
    out = b"Rar!\x1a\x07\x00" + block(0x73, 0, b"\0" * 6)
    for name, data in members:
        n = name.encode()
        body = struct.pack("<IIBIIBBHI", len(data), len(data), 2, zlib.crc32(data),
                           0x59721000, 20, 0x30, len(n), 0x20) + n
        out += block(0x74, 0x8000, body, data)
    return out + block(0x7b, 0x4000, b"")


def cpio_of(members):
    out = b""
    for i, (name, data) in enumerate(members + [("TRAILER!!!", b"")]):
        n = name.encode() + b"\0"
        h = b"070701" + b"".join(b"%08X" % v for v in (
            i + 1, 0o100644 if data or i < len(members) else 0, 0, 0, 1, 0, len(data),
            0, 0, 0, 0, len(n), 0))
        out += h + n + b"\0" * ((4 - (len(h) + len(n)) % 4) % 4)
        out += data + b"\0" * ((4 - len(data) % 4) % 4)
    return out


FORMATS = {  # name suffix: (attachment name, builder of [(name, data)])
    "tar": ("logs.tar", lambda m: tar_of(m)),
    "tar-gz": ("logs.tar.gz", lambda m: tar_of(m, "w:gz")),
    "tgz": ("logs.tgz", lambda m: tar_of(m, "w:gz")),
    "tar-bz2": ("logs.tar.bz2", lambda m: tar_of(m, "w:bz2")),
    "tar-xz": ("logs.tar.xz", lambda m: tar_of(m, "w:xz")),
    "gz": (None, lambda m: gz(m[0][1])),
    "bz2": (None, lambda m: bz2.compress(m[0][1])),
    "xz": (None, lambda m: lzma.compress(m[0][1])),
    "7z": ("logs.7z", sevenz_of),
    "cab": ("logs.cab", cab_of),
    "rar": ("logs.rar", rar_of),
    "cpio": ("logs.cpio", cpio_of),
}
SINGLE_EXT = {"gz": ".gz", "bz2": ".bz2", "xz": ".xz"}


def fmt_case(fmt, name, data):
    att, build = FORMATS[fmt]
    blob = build([(name, data)])
    return with_attachment(att or name + SINGLE_EXT[fmt], blob,
                           ctype="application/octet-stream")


def fmt_cases():
    cases = {}
    for fmt in FORMATS:
        cases["onb-" + fmt] = (lambda f: lambda: fmt_case(f, ONB_NAME, ONB_TEXT))(fmt)
        cases["card-" + fmt] = (lambda f: lambda: fmt_case(f, "mdatp-diag.log", card_log()))(fmt)
    return cases


def card_gz_as_txt():
    # a gzip sent as notes.txt, text/plain: recognised by its content
    return with_attachment("notes.txt", gz(card_log()), ctype="text/plain")


def onb_zip_as_log():
    return with_attachment("trace.log", zip_of([(ONB_NAME, ONB_TEXT)]), ctype="text/plain")


def card_nested_mixed():
    # tar.gz inside a zip inside a 7z
    tgz = tar_of([("deep/mdatp-diag.log", card_log())], "w:gz")
    z = zip_of([("collect.tar.gz", tgz)])
    return with_attachment("outer.7z", sevenz_of([("inner.zip", z)]),
                           ctype="application/x-7z-compressed")


def zeros_gz(size):
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    out = [c.compress(chunk) for _ in range(size >> 20)]
    return b"".join(out) + c.flush()


def gzip_bomb():
    return with_attachment("huge.log.gz", zeros_gz(1 << 30), ctype="application/gzip")


def gzip_bomb_nested():
    # gzip of gzip of ... of 256 MB of zeros: 6 layers
    data = zeros_gz(256 << 20)
    for _ in range(5):
        data = gz(data)
    return with_attachment("layers.gz", data, ctype="application/gzip")


def tar_100000_members():
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w:gz", format=tarfile.USTAR_FORMAT) as t:
        for i in range(100000):
            ti = tarfile.TarInfo("d/%06d.txt" % i)
            ti.mtime = 1731891600
            t.addfile(ti, io.BytesIO(b""))
    return with_attachment("many.tar.gz", bio.getvalue(), ctype="application/gzip")


def card_truncated_tgz():
    # the card in the first member; the stream ends in the middle of the second
    big = bytes(range(256)) * 4096
    tgz = tar_of([("a.log", card_log()), ("b.bin", os.urandom(0) + big)], "w:gz")
    return with_attachment("cut.tar.gz", tgz[:len(tgz) // 2], ctype="application/gzip")


def encrypted_7z():
    return with_attachment("secret.7z", sevenz_of([("report.txt", b"nothing here\r\n")],
                                                  ("-phostile", "-mhe=on")),
                           ctype="application/x-7z-compressed")


# ------------------------------------------------------------------ TNEF (winmail.dat)

def tnef_attr(level, aid, data, bad_sum=False):
    s = sum(data) & 0xffff
    return struct.pack("<BII", level, aid, len(data)) + data + \
        struct.pack("<H", s ^ 0x5a5a if bad_sum else s)


def mapi(props):
    out = struct.pack("<I", len(props))
    for t, i, v in props:
        out += struct.pack("<HH", t, i)
        if t in (0x1e, 0x1f, 0x102, 0x0d):
            out += struct.pack("<II", 1, len(v)) + v + b"\0" * ((4 - len(v) % 4) % 4)
        else:
            out += v + b"\0" * ((4 - len(v) % 4) % 4)
    return out


def tnef_of(attachments=(), rtf=None, body=None, bad_sum=False):
    out = struct.pack("<IH", 0x223E9F78, 0x0102)
    out += tnef_attr(1, 0x00089006, b"\x00\x00\x01\x00")
    out += tnef_attr(1, 0x00078008, b"IPM.Microsoft Mail.Note\0")
    if body is not None:
        out += tnef_attr(1, 0x0002800C, body)
    if rtf is not None:
        out += tnef_attr(1, 0x00069003, mapi([(0x0003, 0x0E07, b"\1\0\0\0"),
                                              (0x0102, 0x1009, rtf)]))
    for name, data in attachments:
        out += tnef_attr(2, 0x00069002, b"\1\0\xff\xff\xff\xff" + b"\0" * 8)
        out += tnef_attr(2, 0x00018010, name[:8].encode() + b"\0")
        out += tnef_attr(2, 0x0006800F, data, bad_sum)
        out += tnef_attr(2, 0x00069005, mapi([
            (0x001f, 0x3707, name.encode("utf-16-le") + b"\0\0"),
            (0x0003, 0x0E20, struct.pack("<I", len(data)))]))
    return out


def lzfu(raw):
    """Compressed RTF: a dictionary reference to the preset "{\\rtf1\\ansi",
    then literals, then the end marker."""
    assert raw.startswith(b"{\\rtf1\\ansi")
    rest, w = raw[11:], 207 + 11
    out = bytearray([0x01]) + struct.pack(">H", (0 << 4) | 9)
    ctl_at, bit = 0, 1
    for b in rest:
        if bit == 8:
            ctl_at, bit = len(out), 0
            out.append(0)
        out.append(b)
        bit += 1
        w += 1
    if bit == 8:
        ctl_at, bit = len(out), 0
        out.append(0)
    out[ctl_at] |= 1 << bit
    out += struct.pack(">H", (w % 4096) << 4)
    return struct.pack("<IIII", len(out) + 12, len(raw), 0x75465A4C, 0) + bytes(out)


def tnef_mail(blob):
    return with_attachment("winmail.dat", blob, ctype="application/ms-tnef")


def onb_tnef():
    return tnef_mail(tnef_of([(ONB_NAME, ONB_TEXT)]))


def card_tnef_txt():
    return tnef_mail(tnef_of([("analyzer-notes.txt", card_log())]))


def card_tnef_rtf():
    rtf = (b"{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Calibri;}}\\f0\\fs22 Hello,\\par "
           b"card " + CARD.encode() + b"\\par thanks}")
    return tnef_mail(tnef_of(rtf=lzfu(rtf)))


def card_tnef_bad_checksum():
    return tnef_mail(tnef_of([("notes.txt", card_log())], bad_sum=True))


def tnef_length_past_end():
    t = tnef_of([("a.txt", b"hello\r\n")])
    return tnef_mail(t + struct.pack("<BII", 2, 0x0006800F, 0x7fffffff) + b"xx")


def tnef_huge_counts():
    props = struct.pack("<I", 0xffffffff) + struct.pack("<HHI", 0x1102, 0x3701, 0x40000000)
    t = tnef_of([("a.txt", b"hello\r\n")])
    return tnef_mail(t + tnef_attr(2, 0x00069005, props) +
                     tnef_attr(1, 0x00069003, struct.pack("<I", 50000000)))


def onb_zip_in_tnef_in_zip():
    inner = zip_of([(ONB_NAME, ONB_TEXT)])
    return with_attachment("fwd.zip", zip_of([("winmail.dat", tnef_of([("pkg.zip", inner)]))]))


CASES = {
    "unclosed-boundary": unclosed_boundary,
    "duplicate-boundaries": duplicate_boundaries,
    "empty-boundary": empty_boundary,
    "parts-10000": parts_10000,
    "parts-400000-empty": parts_400000_empty,
    "card-in-filename": card_in_filename,
    "card-in-member-name": card_in_member_name,
    "crlf-in-filename": crlf_in_filename,
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
    "card-gz-as-txt": card_gz_as_txt,
    "onb-zip-as-log": onb_zip_as_log,
    "card-nested-mixed": card_nested_mixed,
    "gzip-bomb": gzip_bomb,
    "gzip-bomb-nested": gzip_bomb_nested,
    "tar-100000-members": tar_100000_members,
    "card-truncated-tgz": card_truncated_tgz,
    "encrypted-7z": encrypted_7z,
    "onb-tnef": onb_tnef,
    "card-tnef-txt": card_tnef_txt,
    "card-tnef-rtf": card_tnef_rtf,
    "card-tnef-bad-checksum": card_tnef_bad_checksum,
    "tnef-length-past-end": tnef_length_past_end,
    "tnef-huge-counts": tnef_huge_counts,
    "onb-zip-in-tnef-in-zip": onb_zip_in_tnef_in_zip,
    "zip-prefixed": zip_prefixed,
    "zip-prefixed-as-bin": zip_prefixed_as_bin,
    "zip-no-central-directory": zip_no_central_directory,
    "zip-truncated": zip_truncated,
    "zip-truncated-in-member": zip_truncated_in_member,
    "zip-named-not-zip": zip_named_not_zip,
    "card-zip-member-by-content": card_zip_member_by_content,
    "pk-by-chance-in-binary": pk_by_chance_in_binary,
}
CASES.update(fmt_cases())
CASES.update(PDF_CASES)


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
