# SPDX-License-Identifier: MIT
"""Dry runs (issue 14): any user sees a plan, as with apt-get -s and pacman -Sp, and
nothing changes: not the package database, not its lock files, not the history. The
engine plans without the lock (it neither waits for another process's lock nor holds
one), ends the plan with its reply and refuses to commit it; a system engine gives dry
runs to users outside its admin group. Both backends, as a user made for the test when
the suite runs as root (runuser), else as the user running it."""
import json
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import time

import pytest

from conftest import OFFLINE_CONFIG, OMG, arch, debian, wait_until
from test_engine import wait_for
from test_trans import db_state, hold_lock, installed, raw_client
from wire import (MSG_COMMIT, MSG_ERROR, MSG_PLAN, MSG_PLAN_REPLY, VERSION, decode, frame,
                  plan_body, read_msg)

TRANS_INSTALL, TRANS_DRY_RUN = 2, 2
ERR_STATE, EXIT_DENIED = 11, 9


@pytest.fixture(scope="module")
def user():
    """A user who is neither root nor in any admin group: made for this module when the
    suite runs as root, else the user running it (None)."""
    if os.geteuid() != 0:
        yield None
        return
    name = f"omgdry{os.getpid() % 100000}"
    subprocess.run(["useradd", "-M", "-N", "-s", "/usr/sbin/nologin", name], check=True)
    yield name
    subprocess.run(["userdel", name], check=False)


@pytest.fixture(params=["alpm", "apt"])
def shared(request):
    """A fresh sandbox every user may read (a pytest tmp_path is root's alone)."""
    d = tempfile.mkdtemp(prefix="omg-dry-")
    os.chmod(d, 0o755)
    build = arch.build if request.param == "alpm" else debian.build
    sb = build(os.path.join(d, "root"))
    sb["backend"] = request.param
    yield sb

    def removed():
        # An engine of the test may still be writing its apt cache under the root as it
        # exits: remove again until the whole tree is gone.
        shutil.rmtree(d, ignore_errors=True)
        return not os.path.exists(d)
    wait_until(removed, "the sandbox %s could be removed" % d)


@pytest.fixture
def as_user(user):
    """Runs omg as the user, with XDG directories of its own; (returncode, out, err)."""
    home = tempfile.mkdtemp(prefix="omg-dryhome-")
    if user:
        shutil.chown(home, user)
    os.chmod(home, 0o700)
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "HOME": home}
    for var in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR",
                "XDG_STATE_HOME"):
        env[var] = os.path.join(home, var.lower())
        os.mkdir(env[var], 0o700)
        if user:
            shutil.chown(env[var], user)

    def run(*args):
        argv = ["/usr/bin/env"] + [f"{k}={v}" for k, v in env.items()] + [str(OMG)]
        argv += [str(a) for a in args]
        if user:
            argv = ["runuser", "-u", user, "--"] + argv
        p = subprocess.run(argv, capture_output=True, text=True, timeout=120,
                           env={"PATH": "/usr/bin:/bin:/usr/sbin:/sbin"})
        return p
    run.home = home
    yield run
    run("daemon", "stop", "--all")
    shutil.rmtree(home)


def tree(root):
    """Every file and directory of the sandbox with what a change would move: the package
    database, its lock files, the caches, omg's records kept inside a root."""
    out = {}
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(d, n)
            st = os.lstat(p)
            out[p] = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_mode)
    return out


def test_dry_run_as_a_user_changes_nothing(shared, as_user):
    root = shared["root"]
    before, db = tree(root), db_state(shared)
    p = as_user("--root", root, "install", "--dry-run", "omg-spell")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "omg-spell" in p.stdout and "Dry run: nothing was changed" in p.stdout
    assert "needs root" not in p.stderr
    for args in (("remove", "--dry-run", "omg-orphan"), ("upgrade", "--dry-run"),
                 ("sync", "--dry-run"), ("install", "--dry-run", "omg-held")):
        p = as_user("--root", root, *args)
        assert p.returncode == 0, (args, p.stdout, p.stderr)
    # only a commit needs root
    p = as_user("--root", root, "install", "--yes", "omg-spell")
    assert p.returncode == EXIT_DENIED and "needs root" in p.stderr, p.stderr
    assert db_state(shared) == db
    assert tree(root) == before  # no lock file made or touched, nothing written
    p = as_user("--root", root, "--json", "history")
    assert p.returncode == 0 and json.loads(p.stdout) == [], p.stdout
    assert "omg-spell" not in installed(shared)


def test_dry_run_takes_no_lock(env, shared):
    """Another process holds the lock: a dry run neither waits for it nor touches it."""
    root = shared["root"]
    env.config.parent.mkdir(parents=True, exist_ok=True)
    env.config.write_text("[transaction]\nlock_timeout = 5s\n")
    path, code = hold_lock(shared)
    holder = subprocess.Popen(["/usr/bin/python3", "-c", code, path, "60"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        st = os.stat(path)
        t0 = time.monotonic()
        p = env("install", "--dry-run", "omg-spell", root=root, check=0)
        assert time.monotonic() - t0 < 5 and "waiting" not in p.stderr, p.stderr
        assert "omg-spell" in p.stdout
        assert os.stat(path).st_ino == st.st_ino  # the holder's, untouched
        # the real thing waits for it
        p = env("install", "--yes", "omg-spell", root=root)
        assert p.returncode == 8 and "waiting" in p.stderr, p.stderr
    finally:
        holder.kill()
        holder.wait()


def test_engine_refuses_to_commit_a_dry_run(env, shared):
    root = shared["root"]
    before = db_state(shared)
    s = raw_client(env, root)
    try:
        s.sendall(frame(VERSION, MSG_PLAN, 5, plan_body(TRANS_INSTALL, TRANS_DRY_RUN,
                                                        ["omg-spell"], "raw")))
        hdr, body = read_msg(s)
        while hdr[1] != MSG_PLAN_REPLY:
            hdr, body = read_msg(s)
        reply = decode(hdr[1], body)
        s.sendall(frame(VERSION, MSG_COMMIT, 6, struct.pack("<Q", reply["plan"])))
        hdr, body = read_msg(s)
        assert hdr[1] == MSG_ERROR, hex(hdr[1])
        err = decode(hdr[1], body)
        assert err["code"] == ERR_STATE and "dry run" in err["message"], err
        # it held nothing: a real plan on the same engine goes ahead at once
        s.sendall(frame(VERSION, MSG_PLAN, 7, plan_body(TRANS_INSTALL, 0, ["omg-spell"], "raw")))
        hdr, body = read_msg(s)
        while hdr[1] != MSG_PLAN_REPLY:
            assert hdr[1] != MSG_ERROR, decode(hdr[1], body)
            hdr, body = read_msg(s)
    finally:
        s.close()
    assert db_state(shared) == before
    assert json.loads(env("--json", "history", root=root, check=0).stdout) == []


def test_system_engine_gives_dry_runs_to_any_user(omg, shared, user, tmp_path):
    if not user:
        pytest.skip("a system engine runs as root")
    root = shared["root"]
    d = tempfile.mkdtemp(prefix="omg-sysdry-")
    os.chmod(d, 0o755)
    path = os.path.join(d, "run", "omgd.sock")
    cfg = tmp_path / "config"
    cfg.write_text(OFFLINE_CONFIG + "[system]\nadmin_group = root\n")
    p = subprocess.Popen([str(OMG), "--root", root, "daemon", "run", "--system",
                          "--socket", path, "--config", str(cfg)],
                         env=dict(omg.env, OMG_NO_STORE="1"), stderr=subprocess.PIPE, text=True)
    try:
        wait_for(path)
        before = tree(os.path.join(root, "var/lib/dpkg" if shared["backend"] == "apt"
                                   else "var/lib/pacman"))
        env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}
        q = subprocess.run([str(OMG), "--socket", path, "install", "--dry-run", "omg-spell"],
                           user=user, env=env, capture_output=True, text=True, timeout=60)
        assert q.returncode == 0 and "omg-spell" in q.stdout, q.stderr
        # but not one with a package file: the engine would read it as root
        pkgfile = os.path.join(d, "omg-x-1-1-any.pkg.tar.zst")
        open(pkgfile, "wb").close()
        q = subprocess.run([str(OMG), "--socket", path, "install", "--dry-run", pkgfile],
                           user=user, env=env, capture_output=True, text=True, timeout=60)
        assert q.returncode == EXIT_DENIED and "package file" in q.stderr, q.stderr
        q = subprocess.run([str(OMG), "--socket", path, "install", "--yes", "omg-spell"],
                           user=user, env=env, capture_output=True, text=True, timeout=60)
        assert q.returncode == EXIT_DENIED, q.stderr
        assert tree(os.path.join(root, "var/lib/dpkg" if shared["backend"] == "apt"
                                 else "var/lib/pacman")) == before
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
        shutil.rmtree(d)
