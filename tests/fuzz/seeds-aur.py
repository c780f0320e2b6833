#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpora of fuzz_aur_snapshot and fuzz_aur_record (committed; run again after
a format change):

    /usr/bin/python3 tests/fuzz/seeds-aur.py

aur_snapshot/: snapshots the way aurweb's cgit makes them (a pax global header, then
"<pkgbase>/..."), as .tar.gz and as plain .tar (the target gzips what is not gzip, so mutations
of those reach the tar reader), and one hostile archive of each kind the unpacker refuses.
aur_record/: review records (src/engine/aur/review-int.h) of a small tree and of an empty one.
"""
import gzip
import hashlib
import io
import os
import struct
import tarfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
PKGBUILD = b"pkgname=zapp\npkgver=1.4.2\npkgrel=1\nbuild() {\n\tmake\n}\n"


def member(name, kind=tarfile.REGTYPE, data=b"", mode=0o644, link=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.mtime = 1700000000
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.linkname = link
    return info, data


def tar_bytes(members, fmt=tarfile.PAX_FORMAT, comment=True):
    out = io.BytesIO()
    headers = {"comment": "0123456789abcdef0123456789abcdef01234567"} if comment else {}
    with tarfile.open(fileobj=out, mode="w", format=fmt, pax_headers=headers) as t:
        for info, data in members:
            t.addfile(info, io.BytesIO(data) if info.type == tarfile.REGTYPE else None)
    return out.getvalue()


def good():
    return [
        member("zapp/", tarfile.DIRTYPE, mode=0o755),
        member("zapp/.SRCINFO", data=b"pkgbase = zapp\n\tpkgver = 1.4.2\n"),
        member("zapp/PKGBUILD", data=PKGBUILD),
        member("zapp/tools/gen.sh", data=b"#!/bin/sh\necho hi\n", mode=0o755),
        member("zapp/tools/up", tarfile.SYMTYPE, link="../PKGBUILD"),
    ]


HOSTILE = {
    "absolute": member("/zapp/evil", data=b"x"),
    "dotdot": member("zapp/../evil", data=b"x"),
    "outside": member("other/PKGBUILD", data=b"x"),
    "link-etc-passwd": member("zapp/passwd", tarfile.SYMTYPE, link="/etc/passwd"),
    "link-climbs": member("zapp/x", tarfile.SYMTYPE, link="../../x"),
    "hardlink": member("zapp/hl", tarfile.LNKTYPE, link="zapp/PKGBUILD"),
    "device": member("zapp/null", tarfile.CHRTYPE),
    "fifo": member("zapp/pipe", tarfile.FIFOTYPE),
    "setuid": member("zapp/suid", data=b"x", mode=0o4755),
    "below-link": member("zapp/tools/up/x", data=b"x"),
}


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def snapshots(d):
    os.makedirs(d, exist_ok=True)
    plain = tar_bytes(good())
    write(os.path.join(d, "good.tar"), plain)
    write(os.path.join(d, "good.tar.gz"), gzip.compress(plain, mtime=0))
    longname = "zapp/" + "d" * 120 + "/PKGBUILD"
    write(os.path.join(d, "gnu-longname.tar"),
          tar_bytes(good() + [member(longname, data=PKGBUILD)], tarfile.GNU_FORMAT, False))
    for name, m in HOSTILE.items():
        write(os.path.join(d, name + ".tar"), tar_bytes(good() + [m]))


def digest(files):
    h = hashlib.sha256()
    for path, kind, mode, data in files:
        x = b"x" if kind == b"f" and mode & 0o111 else b"-"
        h.update(path.encode() + b"\0" + kind + x + b"\0" + struct.pack("<Q", len(data)) + data)
    return h.hexdigest().encode()


def record(files, when=1700000000, uid=1000):
    files = sorted(files)
    body = struct.pack("<QI", when, uid) + digest(files) + struct.pack("<I", len(files))
    for path, kind, mode, data in files:
        p = path.encode()
        body += struct.pack("<I", len(p)) + p + kind + struct.pack("<IQ", mode, len(data)) + data
    return b"OMGR" + struct.pack("<HHIQ", 1, 0, zlib.crc32(body), len(body)) + body


def records(d):
    os.makedirs(d, exist_ok=True)
    write(os.path.join(d, "zapp.rec"), record([
        ("PKGBUILD", b"f", 0o644, PKGBUILD),
        ("tools/gen.sh", b"f", 0o755, b"#!/bin/sh\necho hi\n"),
        ("tools/up", b"l", 0o777, b"../PKGBUILD"),
        ("logo.png", b"f", 0o644, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
    ]))
    write(os.path.join(d, "empty.rec"), record([], when=0, uid=0))


if __name__ == "__main__":
    snapshots(os.path.join(HERE, "corpus", "aur_snapshot"))
    records(os.path.join(HERE, "corpus", "aur_record"))
