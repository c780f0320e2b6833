# SPDX-License-Identifier: MIT
"""omg install FILE (pacman -U) and --asdeps: a package file that no repository has is
installed through the engine's own transaction, alone, with what it needs from the
repositories, or beside package names; --asdeps gives the reason dependency. Corrupt and
missing files are refused with one line and change nothing; apt roots refuse files and
--asdeps. Checked with pacman -Q/-Qi/-Qk on fresh sandboxes and the engine's history and
audit log."""
import json
import os
import subprocess

import pytest

from conftest import OMG, arch, debian, installed_versions, pacman
from test_trans import EXIT_TRANS, backend_check, db_state, raw_client
from wire import MSG_ERROR, MSG_PLAN, VERSION, decode, frame, plan_body, read_msg

TRANS_INSTALL, TRANS_REMOVE = 2, 3
TRANS_DRY_RUN, TRANS_AS_DEPS = 2, 8
ERR_USAGE, ERR_TRANS = 4, 9

# Not in the sandbox's repository: what an AUR build makes. It needs omg-spell, which the
# repository has and the sandbox has not installed.
AURISH = {"name": "omg-aurish", "desc": "a package built from the AUR",
          "url": "https://example.org/aurish", "license": "MIT", "size": 300,
          "depends": ["omg-spell"]}
PLAIN = {"name": "omg-plain", "desc": "a package file without dependencies",
         "url": "https://example.org/plain", "license": "MIT", "size": 200}


@pytest.fixture
def alpm(tmp_path):
    sb = arch.build(str(tmp_path / "root"))
    return sb | {"backend": "alpm"}


@pytest.fixture
def pkgs(tmp_path):
    """A directory outside the root with package files built like makepkg's."""
    d = tmp_path / "pkgs"
    d.mkdir()

    def build(rec, version="1.0"):
        return arch.build_package(rec, version, str(d), str(tmp_path))
    build.dir = d
    return build


def omg_in(env, cwd, *args, root):
    """omg run from the directory cwd (a relative file argument is relative to it)."""
    return subprocess.run([str(OMG), "--root", root, *args], cwd=cwd, capture_output=True,
                          text=True, env=env.full, timeout=120)


def reasons(sb, *names):
    """{name: 'explicit' or 'dependency'} as pacman -Qi says."""
    out = pacman(sb["root"], "-Qi", *names)
    got, name = {}, None
    for line in out.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Name":
            name = value.strip()
        elif key.strip() == "Install Reason":
            got[name] = "explicit" if value.strip() == "Explicitly installed" else "dependency"
    return got


def history(env, sb):
    return json.loads(env("--json", "history", root=sb["root"], check=0).stdout)


def one_line(stderr):
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.smoke
def test_file_no_repository_has(env, alpm, pkgs):
    root = alpm["root"]
    path = pkgs(AURISH)
    rel = os.path.relpath(path, pkgs.dir.parent)  # "pkgs/omg-aurish-1.0-1-x86_64.pkg.tar.zst"
    # a dry run first: the plan reads the file and changes nothing
    p = omg_in(env, pkgs.dir, "--json", "install", "--dry-run", "./" + os.path.basename(path),
               root=root)
    assert p.returncode == 0, p.stderr
    plan = {i["name"]: i for i in json.loads(p.stdout)["plan"]["items"]}
    assert set(plan) == {"omg-aurish", "omg-spell"}, plan
    assert (plan["omg-aurish"]["action"], plan["omg-aurish"]["new_version"],
            plan["omg-aurish"]["repo"], plan["omg-aurish"]["reason"]) == \
        ("install", "1.0-1", "file", "explicit")
    assert (plan["omg-spell"]["repo"], plan["omg-spell"]["reason"]) == \
        ("omg-core", "dependency")
    assert "omg-aurish" not in installed_versions(alpm) and history(env, alpm) == []
    # the real thing, from a path relative to another directory (no "./": the file name says)
    p = omg_in(env, pkgs.dir.parent, "install", "--yes", rel, root=root)
    assert p.returncode == 0, p.stderr
    got = installed_versions(alpm)
    assert got["omg-aurish"] == "1.0-1" and got["omg-spell"] == "3.2-1"
    assert reasons(alpm, "omg-aurish", "omg-spell") == \
        {"omg-aurish": "explicit", "omg-spell": "dependency"}
    backend_check(alpm)
    # the engine's index followed: a package no repository has is foreign
    info = json.loads(env("--json", "info", "omg-aurish", root=root, check=0).stdout)[0]
    assert info["installed_version"] == "1.0-1"
    foreign = json.loads(env("--json", "list", "--foreign", root=root, check=0).stdout)
    assert "omg-aurish" in [r["name"] for r in foreign]
    # history and audit record it as any install, with the file's absolute path
    hist = history(env, alpm)
    assert len(hist) == 1 and hist[0]["result"] == "ok", hist
    assert hist[0]["command"] == "omg install " + path
    one = json.loads(env("--json", "history", "show", str(hist[0]["id"]), root=root,
                         check=0).stdout)
    assert sorted((i["name"], i["action"], i["new_version"], i["repo"]) for i in one["items"]) \
        == [("omg-aurish", "install", "1.0-1", "file"),
            ("omg-spell", "install", "3.2-1", "omg-core")]
    log = json.loads(env("--json", "audit", "log", root=root, check=0).stdout)
    assert [e["event"] for e in log] == ["begin", "commit"]
    assert path in log[0]["detail"] and "omg-aurish" in log[1]["detail"], log
    assert env("audit", "verify", root=root).returncode == 0
    # the same file again: up to date, left alone as a name would be
    p = env("install", "--yes", path, root=root)
    assert p.returncode == 0 and "omg-aurish is up to date" in p.stderr, p.stderr
    assert len(history(env, alpm)) == 1


def test_asdeps(env, alpm, pkgs):
    root = alpm["root"]
    path = pkgs(AURISH)
    p = env("--json", "install", "--yes", "--asdeps", path, root=root)
    assert p.returncode == 0, p.stderr
    plan = {i["name"]: i["reason"] for i in json.loads(p.stdout)["plan"]["items"]}
    assert plan == {"omg-aurish": "dependency", "omg-spell": "dependency"}
    assert reasons(alpm, "omg-aurish", "omg-spell") == \
        {"omg-aurish": "dependency", "omg-spell": "dependency"}
    assert {"omg-aurish", "omg-spell"} <= set(pacman(root, "-Qdq").split())
    backend_check(alpm)
    assert history(env, alpm)[0]["command"] == "omg install --asdeps " + path
    # a name as well (pacman -S --asdeps)
    env("install", "--yes", "--asdeps", "python-omgtools", root=root, check=0)
    assert reasons(alpm, "python-omgtools") == {"python-omgtools": "dependency"}


def test_file_and_name_in_one_transaction(env, alpm, pkgs):
    root = alpm["root"]
    path = pkgs(PLAIN)
    p = env("--json", "install", "--yes", path, "omg-spell", root=root)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    plan = {i["name"]: (i["repo"], i["reason"]) for i in out["plan"]["items"]}
    assert plan == {"omg-plain": ("file", "explicit"), "omg-spell": ("omg-core", "explicit")}
    assert out["result"]["changes"] == 2
    got = installed_versions(alpm)
    assert got["omg-plain"] == "1.0-1" and got["omg-spell"] == "3.2-1"
    assert reasons(alpm, "omg-plain", "omg-spell") == \
        {"omg-plain": "explicit", "omg-spell": "explicit"}
    backend_check(alpm)
    assert len(history(env, alpm)) == 1


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_corrupt_file_refused(env, alpm, pkgs, damage):
    root = alpm["root"]
    path = pkgs(PLAIN)
    data = open(path, "rb").read()
    with open(path, "wb") as f:
        f.write(b"not a package at all\n" if damage == "garbage" else data[:len(data) // 2])
    before = db_state(alpm)
    p = env("install", "--yes", path, "omg-spell", root=root)
    assert p.returncode == EXIT_TRANS, (p.stdout, p.stderr)
    assert path in one_line(p.stderr)
    assert db_state(alpm) == before and history(env, alpm) == []
    backend_check(alpm)


def test_missing_file_refused(env, alpm, tmp_path):
    root = alpm["root"]
    before = db_state(alpm)
    # the client cannot make the path absolute: it says so
    p = omg_in(env, tmp_path, "install", "--yes", "./gone-1-1-any.pkg.tar.zst", root=root)
    assert p.returncode == EXIT_TRANS
    assert "./gone-1-1-any.pkg.tar.zst" in one_line(p.stderr)
    # an absolute path is the engine's to read
    gone = str(tmp_path / "gone-1-1-any.pkg.tar.zst")
    s = raw_client(env, root)
    try:
        s.sendall(frame(VERSION, MSG_PLAN, 5, plan_body(TRANS_INSTALL, 0, [gone], "raw")))
        hdr, body = read_msg(s)
        assert hdr[1] == MSG_ERROR
        err = decode(MSG_ERROR, body)
        assert err["code"] == ERR_TRANS and gone in err["message"], err
        assert "\n" not in err["message"]
    finally:
        s.close()
    assert db_state(alpm) == before and history(env, alpm) == []


@pytest.mark.parametrize("kind,flags,target,words", [
    (TRANS_INSTALL, 0, "./x-1-1-any.pkg.tar.zst", "absolute path"),
    (TRANS_REMOVE, 0, "/tmp/x-1-1-any.pkg.tar.zst", "only install takes a package file"),
    (TRANS_REMOVE, TRANS_AS_DEPS, "omg-orphan", "only install installs as dependencies"),
    (TRANS_INSTALL, 1 << 5, "omg-spell", "unknown plan flags"),  # 1 << 4: no AUR (v7)
])
def test_malformed_requests(env, alpm, kind, flags, target, words):
    """What a client other than omg's could send is refused before any plan."""
    s = raw_client(env, alpm["root"])
    try:
        s.sendall(frame(VERSION, MSG_PLAN, 5, plan_body(kind, flags, [target], "raw")))
        hdr, body = read_msg(s)
        err = decode(MSG_ERROR, body) if hdr[1] == MSG_ERROR else hdr
        assert hdr[1] == MSG_ERROR and err["code"] == ERR_USAGE, err
        assert words in err["message"], err
    finally:
        s.close()


def test_apt_root_refuses_files_and_asdeps(env, tmp_path, pkgs):
    sb = debian.build(str(tmp_path / "deb")) | {"backend": "apt"}
    root = sb["root"]
    before = db_state(sb)
    deb = tmp_path / "omg-spell_3.2_all.deb"
    deb.write_bytes(b"!<arch>\n")
    for path in (str(deb), pkgs(PLAIN)):
        p = env("install", "--yes", path, "omg-spell", root=root)
        assert p.returncode == EXIT_TRANS, (p.stdout, p.stderr)
        line = one_line(p.stderr)
        assert path in line and "installing package files is supported on alpm roots only" \
            in line, line
    p = env("install", "--yes", "--asdeps", "omg-spell", root=root)
    assert p.returncode == EXIT_TRANS
    assert "--asdeps" in one_line(p.stderr) and "alpm roots only" in p.stderr
    assert db_state(sb) == before and history(env, sb) == []


def test_asdeps_is_install_only(env, alpm):
    p = env("remove", "--asdeps", "omg-orphan", root=alpm["root"])
    assert p.returncode == 2 and "--asdeps does not apply to 'remove'" in p.stderr, p.stderr
