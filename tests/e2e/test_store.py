# SPDX-License-Identifier: MIT
"""The persistent index store: reused while the databases are unchanged, rebuilt when they
change (a real pacman or dpkg operation in the sandbox), rebuilt when damaged. These run
the engine in process (--no-daemon), where every call opens the store."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import arch, debian


@pytest.fixture
def private(omg, tmp_path):
    """omg with a store of its own, so counts of hits and misses are exact."""
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "OMG_NO_DAEMON": "1"}

    def run(*args, root):
        return omg.run("--timing", *args, root=root, env=env)
    run.store = tmp_path / "data" / "omg"
    return run


def store_state(p):
    line = [x for x in p.stderr.splitlines() if x.startswith("omg: timing:")][0]
    return line.split("store ", 1)[1].split(",")[0]


@pytest.mark.smoke
def test_second_call_uses_the_store(omg, private, sb):
    first = private("--json", "search", "omg", root=sb["root"])
    second = private("--json", "search", "omg", root=sb["root"])
    assert store_state(first) == "miss" and store_state(second) == "hit"
    assert first.stdout == second.stdout
    for args in (["info", "omg-editor", "omg-lib"], ["list", "--orphans"], ["status"],
                 ["search", "--regex", "edit"]):
        stored = private("--json", *args, root=sb["root"])
        assert store_state(stored) == "hit"
        fresh = omg.run("--json", *args, root=sb["root"],
                        env={"OMG_NO_STORE": "1", "OMG_NO_DAEMON": "1"})
        assert json.loads(stored.stdout) == json.loads(fresh.stdout), args


def test_no_store_env(omg, sb, tmp_path):
    p = omg.run("--timing", "status", root=sb["root"],
                env={"OMG_NO_STORE": "1", "XDG_DATA_HOME": str(tmp_path),
                     "OMG_NO_DAEMON": "1"})
    assert store_state(p) == "off" and not (tmp_path / "omg").exists()


def test_alpm_change_is_seen(private, arch_sb, tmp_path):
    root = str(tmp_path / "root")
    shutil.copytree(arch_sb["root"], root, symlinks=True)
    before = json.loads(private("--json", "info", "omg-spell", root=root).stdout)[0]
    assert not before["installed"]
    assert store_state(private("status", root=root)) == "hit"
    pkg = [f for f in os.listdir(os.path.join(arch_sb["root"], "repo"))
           if f.startswith("omg-spell-") and f.endswith(".pkg.tar.zst")][0]
    # the repo path inside the copied root
    subprocess.run(arch.pacman_cmd(root, "-U", "--noconfirm", "--noscriptlet", "--asdeps",
                                   os.path.join(arch_sb["root"], "repo", pkg)),
                   check=True, capture_output=True)
    p = private("--json", "info", "omg-spell", root=root)
    assert store_state(p) == "miss"
    after = json.loads(p.stdout)[0]
    assert after["installed"] and after["reason"] == "dependency"
    # a reason change rewrites a desc file only
    subprocess.run(arch.pacman_cmd(root, "-D", "--asexplicit", "omg-spell"),
                   check=True, capture_output=True)
    p = private("--json", "info", "omg-spell", root=root)
    assert store_state(p) == "miss"
    assert json.loads(p.stdout)[0]["reason"] == "explicit"


def test_apt_change_is_seen(private, tmp_path):
    root = debian.build(str(tmp_path / "root"))["root"]
    assert json.loads(private("--json", "info", "omg-orphan", root=root).stdout)[0]["orphan"]
    subprocess.run(["apt-mark", "manual", "omg-orphan"], env=debian.apt_env(root),
                   check=True, capture_output=True)
    p = private("--json", "info", "omg-orphan", root=root)
    assert store_state(p) == "miss"
    got = json.loads(p.stdout)[0]
    assert not got["orphan"] and got["reason"] == "explicit"
    subprocess.run(["dpkg", *debian.dpkg_args(root), "-r", "omg-orphan"],
                   check=True, capture_output=True)
    p = private("--json", "info", "omg-orphan", root=root)
    assert not json.loads(p.stdout)[0]["installed"]


def test_damaged_store_is_rebuilt(private, sb):
    private("status", root=sb["root"])
    data = private.store / "data.mdb"
    assert data.exists()
    with open(data, "r+b") as f:
        f.write(os.urandom(8192))
    p = private("--json", "status", root=sb["root"])
    assert p.returncode == 0 and json.loads(p.stdout)["installed"] == 6
    assert store_state(private("status", root=sb["root"])) == "hit"


def test_store_entry_garbage_is_rebuilt(private, sb):
    private("status", root=sb["root"])
    data = private.store / "data.mdb"
    raw = bytearray(data.read_bytes())
    # damage the stored blob's header, leaving LMDB's own pages intact
    at = raw.find(b"OMGIDX")
    assert at > 0
    raw[at:at + 6] = b"XXXXXX"
    data.write_bytes(bytes(raw))
    p = private("--json", "status", root=sb["root"])
    assert p.returncode == 0 and json.loads(p.stdout)["installed"] == 6
    assert store_state(p) == "miss"
