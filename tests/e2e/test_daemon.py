# SPDX-License-Identifier: MIT
"""omg daemon over a real Unix socket: the same answers as in process, and a peer that
sends garbage, oversized frames or the wrong version gets an error, never a crash."""
import json
import os
import signal
import struct
import subprocess

import pytest

from conftest import OMG, answers, wait_until
from wire import VERSION, connect, frame, hello, read_msg


@pytest.fixture
def daemon(omg, sb, tmp_path):
    d = tmp_path / "run"
    d.mkdir(mode=0o700)
    path = str(d / "omgd.sock")
    p = subprocess.Popen([str(OMG), "--root", sb["root"], "daemon", "--socket", path],
                         env=omg.env, stderr=subprocess.PIPE, text=True)
    wait_until(lambda: os.path.exists(path) or p.poll() is not None, "no socket at " + path)
    assert os.path.exists(path), p.stderr.read()
    yield {"path": path, "proc": p, "root": sb["root"]}
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)


@pytest.mark.parametrize("args", [["--json", "search", "omg"], ["--json", "info", "omg-editor",
                                  "omg-lib"], ["--json", "list", "--upgradable"],
                                  ["--json", "status"], ["search", "--regex", "edit"],
                                  ["info", "omg-spell"]])
def test_same_answers_as_in_process(omg, daemon, args):
    local = omg.run("--no-daemon", *args, root=daemon["root"])
    remote = omg.run("--socket", daemon["path"], *args)
    assert remote.returncode == local.returncode
    if args[1:] == ["status"]:
        # Only the engine writes a snapshot and looks for updates on its own; the rest of
        # the status is the same.
        lo, re_ = json.loads(local.stdout), json.loads(remote.stdout)
        assert re_.pop("snapshot") and lo.pop("snapshot") == ""
        assert lo.pop("checked") == 0 and re_.pop("checked") >= 0
        assert re_ == lo
    else:
        assert remote.stdout == local.stdout
    if args[0] == "--json":
        json.loads(remote.stdout)


@pytest.mark.smoke
def test_errors_travel(omg, daemon):
    p = omg.run("--socket", daemon["path"], "search", "--regex", "([")
    assert p.returncode == 2 and "invalid regular expression" in p.stderr
    p = omg.run("--socket", daemon["path"], "info", "text-editor")
    assert p.returncode == 3 and "provided by omg-editor, omg-editor-legacy" in p.stderr


def test_bad_peers_do_not_hurt_the_engine(omg, daemon):
    path = daemon["path"]
    # garbage before hello: an error, then the connection is closed
    s = connect(path)
    s.sendall(b"\x00\x00\x00\x0cGARBAGEBYTES")
    (hdr, _) = read_msg(s)
    assert hdr[1] == 0x0003
    s.close()
    # the wrong version range
    s = connect(path)
    s.sendall(hello(90, 99))  # versions no engine speaks yet
    (hdr, body) = read_msg(s)
    assert hdr[1] == 0x0003 and struct.unpack("<I", body[:4])[0] == 2
    s.close()
    # an oversized frame: refused from its length alone
    s = connect(path)
    s.sendall(hello() + struct.pack(">I", 64 << 20))
    read_msg(s)
    (hdr, body) = read_msg(s)
    assert hdr[1] == 0x0003 and struct.unpack("<I", body[:4])[0] == 1
    s.close()
    # a malformed message after hello keeps the connection usable
    s = connect(path)
    s.sendall(hello())
    read_msg(s)
    s.sendall(frame(VERSION, 0x0101, 5, struct.pack("<I", 0x7fffffff)))
    (hdr, body) = read_msg(s)
    assert hdr[1] == 0x0003 and hdr[2] == 5
    s.sendall(frame(VERSION, 0x0103, 6))
    (hdr, _) = read_msg(s)
    assert hdr[1] == 0x0201 and hdr[2] == 6
    # a truncated frame, then a hang-up
    s.sendall(struct.pack(">I", 100) + b"abc")
    s.close()
    # many clients at once, one that never reads
    idle = connect(path)
    idle.sendall(hello())
    procs = [subprocess.Popen([str(OMG), "--socket", path, "--json", "status"],
                              stdout=subprocess.PIPE, env=omg.env) for _ in range(40)]
    outs = [p.communicate(timeout=60)[0] for p in procs]
    assert all(json.loads(o)["installed"] == 6 for o in outs)
    idle.close()
    assert daemon["proc"].poll() is None


def test_sigterm_removes_the_socket_and_stale_one_is_replaced(omg, daemon, sb):
    daemon["proc"].send_signal(signal.SIGTERM)
    assert daemon["proc"].wait(timeout=10) == 0
    assert not os.path.exists(daemon["path"])
    # a socket file left by a killed engine is replaced by the next one
    p = subprocess.Popen([str(OMG), "--root", sb["root"], "daemon", "--socket", daemon["path"]],
                         env=omg.env, stderr=subprocess.PIPE)
    wait_until(lambda: answers(daemon["path"]), "the engine never answered at " + daemon["path"])
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert os.path.exists(daemon["path"]) and not answers(daemon["path"])
    q = subprocess.Popen([str(OMG), "--root", sb["root"], "daemon", "--socket", daemon["path"],
                          "--idle", "1"], env=omg.env, stderr=subprocess.PIPE, text=True)
    # the new engine replaced the stale socket once it answers on it
    wait_until(lambda: answers(daemon["path"]) or q.poll() is not None,
               "the new engine never answered at " + daemon["path"])
    r = omg.run("--socket", daemon["path"], "--json", "status")
    assert r.returncode == 0
    assert q.wait(timeout=15) == 0  # idle exit
    assert "idle" in q.stderr.read()
