# SPDX-License-Identifier: MIT
"""The omg protocol by hand (docs/protocol.md), for tests that play a raw peer. Standard
library only: run as a script, it is the client another user runs against an engine:
    python3 wire.py SOCKET '[[type, "hex body"], ...]'
prints, as JSON, per request ["error", code], ["status-reply"] or [hex type]; or
[["error", code]] when the engine refuses the connection itself."""
import json
import socket
import struct
import sys

MSG_ERROR, MSG_STATUS_REPLY = 0x0003, 0x0201
MSG_PLAN_REPLY, MSG_TRANS_RESULT, MSG_EVENT_TRANS = 0x0203, 0x0204, 0x0301
MSG_PLAN, MSG_COMMIT, MSG_CANCEL = 0x0400, 0x0401, 0x0402
VERSION = 7  # OMG_PROTO_VERSION


def frame(version, type_, id_=1, body=b""):
    msg = struct.pack("<HHII", version, type_, id_, 0) + body
    return struct.pack(">I", len(msg)) + msg


def strings(*items):
    """A list of strings as the codec writes it: a count, then each with its length."""
    out = struct.pack("<I", len(items))
    for item in items:
        b = item.encode()
        out += struct.pack("<I", len(b)) + b
    return out


def plan_body(kind, flags, targets, command=""):
    """A plan request: kind (1 sync, 2 install, 3 remove, 4 upgrade, 5 apply: each target
    "+name", "-name", "_name" or "=name"), flags, targets."""
    c = command.encode()
    return (struct.pack("<II", kind, flags) + strings(*targets) + struct.pack("<I", len(c)) + c
            + strings())  # no policy overrides


def hello(lo=VERSION, hi=VERSION):
    return frame(VERSION, 0x0001, 1, struct.pack("<II", lo, hi) + struct.pack("<I", 3) + b"raw")


class Fields:
    """Reads a message body's fields in schema order (codec.c): little-endian integers,
    strings and lists as the codec writes them."""

    def __init__(self, body):
        self.body, self.at = body, 0

    def _take(self, fmt):
        (v,) = struct.unpack_from(fmt, self.body, self.at)
        self.at += struct.calcsize(fmt)
        return v

    def u32(self):
        return self._take("<I")

    def u64(self):
        return self._take("<Q")

    def i64(self):
        return self._take("<q")

    def string(self):
        n = self.u32()
        self.at += n
        return self.body[self.at - n:self.at].decode()

    def strings(self):
        return [self.string() for _ in range(self.u32())]

    def item(self):
        """A plan line, with the action as its word."""
        actions = {1: "install", 2: "upgrade", 3: "downgrade", 4: "reinstall", 5: "remove",
                   6: "refresh", 7: "purge"}
        it = {"action": actions.get(self.u32()), "reason": self.u32()}
        for key in ("name", "old_version", "new_version", "repo"):
            it[key] = self.string()
        it["download"], it["size_change"] = self.i64(), self.i64()
        return it

    def items(self):
        return [self.item() for _ in range(self.u32())]


def decode(type_, body):
    """The fields of an error, plan-reply, trans-result or event-trans body as a dict."""
    f = Fields(body)
    if type_ == MSG_ERROR:
        return {"code": f.u32(), "message": f.string()}
    if type_ == MSG_PLAN_REPLY:
        return {"plan": f.u64(), "kind": f.u32(), "items": f.items(), "download": f.i64(),
                "size_change": f.i64(), "warnings": f.strings(), "held": f.strings()}
    if type_ == MSG_TRANS_RESULT:
        r = {"history": f.u64(), "kind": f.u32(), "flags": f.u32(), "status": f.u32(),
             "uid": f.u32()}
        r["started"], r["ended"] = f.u64(), f.u64()
        r["command"], r["message"] = f.string(), f.string()
        r["items"], r["changes"], r["notes"] = f.items(), f.u32(), f.strings()
        return r
    if type_ == MSG_EVENT_TRANS:
        return {"history": f.u64(), "kind": f.u32(), "level": f.u32(), "name": f.string(),
                "text": f.string()}
    raise ValueError("no decoder for type %#x" % type_)


def read_msg(s):
    def exact(n):
        data = b""
        while len(data) < n:
            chunk = s.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data
    (n,) = struct.unpack(">I", exact(4))
    body = exact(n)
    return struct.unpack("<HHII", body[:12]), body[12:]


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    return s


def main(path, reqs):
    s = connect(path)
    try:
        s.sendall(hello())
    except BrokenPipeError:
        pass  # refused at once: the reason is waiting to be read
    hdr, body = read_msg(s)
    if hdr[1] == MSG_ERROR:
        return [["error", struct.unpack("<I", body[:4])[0]]]
    out = []
    for i, (type_, hexbody) in enumerate(reqs):
        s.sendall(frame(VERSION, type_, 10 + i, bytes.fromhex(hexbody)))
        hdr, body = read_msg(s)
        out.append(["error", struct.unpack("<I", body[:4])[0]] if hdr[1] == MSG_ERROR else
                   ["status-reply"] if hdr[1] == MSG_STATUS_REPLY else [hex(hdr[1])])
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], json.loads(sys.argv[2]))))
