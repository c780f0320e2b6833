# SPDX-License-Identifier: MIT
"""Transactions through the engine, on fresh sandbox roots of both backends: plan, confirm,
commit; failures that change nothing; locks; a client that goes away, attaches, or an engine
killed mid-commit; history and the audit log. Each result is checked with the backend's own
tools (pacman -Q/-Qk, dpkg-query, dpkg --audit)."""
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from conftest import OMG, arch, debian, process_gone, read_pty, run_native, wait_until
from slowhttp import SlowRepo, point_arch_at, point_debian_at
from wire import connect, frame, hello, plan_body, read_msg, VERSION

MSG_PLAN, MSG_PLAN_REPLY, MSG_EVENT_TRANS = 0x0400, 0x0203, 0x0301
EXIT_TRANS, EXIT_LOCKED, EXIT_AUDIT, EXIT_CANCELLED = 7, 8, 10, 11


@pytest.fixture(params=["alpm", "apt"])
def fresh(request, tmp_path):
    """A new sandbox of each backend for every test: transactions change it."""
    build = arch.build if request.param == "alpm" else debian.build
    sb = build(str(tmp_path / "root"))
    sb["backend"] = request.param
    return sb


def installed(sb):
    """{name: version} as the backend's own tools see it."""
    root = sb["root"]
    if sb["backend"] == "alpm":
        out = run_native(arch.pacman_cmd(root, "-Q"))
        return dict(line.split() for line in out.splitlines())
    out = run_native(["dpkg-query", "--admindir=" + os.path.join(root, "var/lib/dpkg"), "-W",
                      "-f", "${Package} ${Version} ${db:Status-Abbrev}\n"])
    rows = [line.split() for line in out.splitlines()]
    return {r[0]: r[1] for r in rows if len(r) == 3 and r[2][1:2] == "i"}  # ii, hi (held)


def db_state(sb):
    """The bytes of the installed-package database, to prove nothing changed."""
    root = sb["root"]
    if sb["backend"] == "alpm":
        local = os.path.join(root, "var/lib/pacman/local")
        return sorted((d, open(os.path.join(local, d, "desc"), "rb").read())
                      for d in os.listdir(local) if os.path.isdir(os.path.join(local, d)))
    return open(os.path.join(root, "var/lib/dpkg/status"), "rb").read()


def backend_check(sb):
    """pacman -Qk or dpkg --audit: the backend's own consistency check passes."""
    root = sb["root"]
    if sb["backend"] == "alpm":
        p = subprocess.run(arch.pacman_cmd(root, "-Qk"), capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
    else:
        p = subprocess.run(["dpkg"] + debian.dpkg_args(root) + ["--audit"],
                           capture_output=True, text=True)
        assert p.returncode == 0 and not p.stdout.strip(), p.stdout + p.stderr


def version(sb, v):
    return v + "-1"


@pytest.mark.smoke
def test_install_pulls_in_dependencies(env, fresh):
    root = fresh["root"]
    p = env("--json", "install", "--yes", "omg-suite", root=root, check=0)
    out = json.loads(p.stdout)
    plan = {i["name"]: i for i in out["plan"]["items"]}
    assert set(plan) == {"omg-suite", "omg-spell", "python-omgtools"}, plan
    assert plan["omg-suite"]["reason"] == "explicit"
    assert plan["omg-spell"]["reason"] == "dependency"
    assert all(i["action"] == "install" for i in plan.values())
    assert out["result"]["result"] == "ok" and out["result"]["changes"] == 3
    got = installed(fresh)
    for name in plan:
        assert got[name] == version(fresh, "3.2" if name == "omg-spell" else
                                    "1.4" if name == "python-omgtools" else "1.0")
    backend_check(fresh)
    # the engine's index followed: no restart, no wait
    info = json.loads(env("--json", "info", "omg-suite", root=root, check=0).stdout)[0]
    assert info["installed_version"] == version(fresh, "1.0")


@pytest.mark.smoke
def test_dry_run_changes_nothing(env, fresh):
    root = fresh["root"]
    before = db_state(fresh)
    p = env("install", "--dry-run", "omg-suite", root=root, check=0)
    assert "omg-spell" in p.stdout and "Dry run: nothing was changed" in p.stdout
    p = env("remove", "--dry-run", "omg-orphan", root=root, check=0)
    assert "remove" in p.stdout and "omg-orphan" in p.stdout
    p = env("upgrade", "--dry-run", root=root, check=0)
    assert "omg-editor" in p.stdout and "1.0-1 -> 1.1-1" in p.stdout
    assert "omg-held" not in p.stdout  # held back
    assert db_state(fresh) == before
    assert json.loads(env("--json", "history", root=root, check=0).stdout) == []


def test_not_confirmed_without_a_terminal(env, fresh):
    before = db_state(fresh)
    p = env("install", "omg-spell", root=fresh["root"])
    assert p.returncode == EXIT_CANCELLED, p.stderr
    assert "--yes" in p.stderr
    assert db_state(fresh) == before


def test_remove_and_recursive_remove(env, fresh):
    root = fresh["root"]
    env("remove", "--yes", "omg-orphan", root=root, check=0)
    assert "omg-orphan" not in installed(fresh)
    env("install", "--yes", "omg-suite", root=root, check=0)
    p = env("--json", "remove", "--yes", "--recursive", "omg-suite", root=root, check=0)
    removed = {i["name"] for i in json.loads(p.stdout)["plan"]["items"]}
    # its dependencies go; omg-lib stays (omg-editor needs it), explicit packages stay.
    # apt also keeps omg-spell: omg-editor recommends it (APT::AutoRemove::RecommendsImportant)
    want = {"omg-suite", "python-omgtools"} | ({"omg-spell"} if fresh["backend"] == "alpm"
                                               else set())
    assert removed == want, removed
    got = installed(fresh)
    assert not removed & set(got)
    assert {"omg-lib", "omg-base", "omg-editor"} <= set(got)
    backend_check(fresh)


def test_remove_refuses_what_others_need(env, fresh):
    before = db_state(fresh)
    p = env("remove", "--yes", "omg-lib", root=fresh["root"])
    assert p.returncode == EXIT_TRANS, p.stderr
    assert "omg-editor" in p.stderr
    assert db_state(fresh) == before


def test_upgrade(env, fresh):
    root = fresh["root"]
    p = env("--json", "upgrade", "--yes", root=root, check=0)
    items = json.loads(p.stdout)["plan"]["items"]
    assert [(i["name"], i["action"], i["old_version"], i["new_version"]) for i in items] == \
        [("omg-editor", "upgrade", "1.0-1", "1.1-1")]
    got = installed(fresh)
    assert got["omg-editor"] == "1.1-1" and got["omg-held"] == "1.0-1"
    backend_check(fresh)
    up = json.loads(env("--json", "list", "--upgradable", root=root, check=0).stdout)
    assert [r["name"] for r in up] == ["omg-held"]
    hist = json.loads(env("--json", "history", root=root, check=0).stdout)
    assert [h["kind"] for h in hist] == ["upgrade", "sync"]  # -Syu: a sync first


@pytest.mark.parametrize("target,words", [
    ("omg-editor-legacy", ["omg-editor", "conflict"]),
    ("omg-missingdep", ["omg-nonexistent"]),
    ("no-such-package", ["no-such-package", "not found"]),
])
def test_impossible_plans_change_nothing(env, fresh, target, words):
    before = db_state(fresh)
    p = env("install", "--yes", target, root=fresh["root"])
    assert p.returncode == EXIT_TRANS, (p.stdout, p.stderr)
    for w in words:
        assert w in p.stderr, p.stderr
    assert db_state(fresh) == before
    backend_check(fresh)


def test_history_and_audit(env, fresh):
    root = fresh["root"]
    env("install", "--yes", "omg-spell", root=root, check=0)
    hist = json.loads(env("--json", "history", root=root, check=0).stdout)
    assert len(hist) == 1
    h = hist[0]
    assert h["command"] == "omg install omg-spell" and h["result"] == "ok"
    assert h["uid"] == os.getuid() and h["ended"] >= h["started"] > 0
    one = json.loads(env("--json", "history", "show", str(h["id"]), root=root, check=0).stdout)
    assert [(i["name"], i["action"], i["new_version"]) for i in one["items"]] == \
        [("omg-spell", "install", "3.2-1")]
    text = env("history", "show", str(h["id"]), root=root, check=0).stdout
    assert "omg install omg-spell" in text and "omg-spell" in text
    assert env("history", "show", "99", root=root).returncode == 3
    log = json.loads(env("--json", "audit", "log", root=root, check=0).stdout)
    assert [e["event"] for e in log] == ["begin", "commit"]
    assert "omg-spell" in log[1]["detail"] and "ok" in log[1]["detail"]
    assert env("audit", "verify", root=root).returncode == 0


def test_tampered_audit_log_fails_verify(env, fresh):
    root = fresh["root"]
    env("install", "--yes", "omg-spell", root=root, check=0)
    env("remove", "--yes", "omg-spell", root=root, check=0)
    st = json.loads(env("--json", "daemon", "status", root=root, check=0).stdout)
    log = os.path.join(st["audit_dir"], "log")
    lines = open(log, "rb").read().splitlines(keepends=True)
    assert len(lines) == 4
    # an edited entry
    edited = lines[:1] + [lines[1].replace(b"omg-spell", b"omg-spelx")] + lines[2:]
    open(log, "wb").write(b"".join(edited))
    p = env("audit", "verify", root=root)
    assert p.returncode == EXIT_AUDIT and "entry 2" in p.stderr, p.stderr
    # the tail cut off (the head kept apart notices)
    open(log, "wb").write(b"".join(lines[:3]))
    p = env("audit", "verify", root=root)
    assert p.returncode == EXIT_AUDIT and "entry 4" in p.stderr, p.stderr
    open(log, "wb").write(b"".join(lines))
    assert env("audit", "verify", root=root).returncode == 0


def raw_client(env, root):
    """A protocol connection to the root's engine (started first), past the handshake."""
    env("status", root=root, check=0)
    st = json.loads(env("--json", "daemon", "status", root=root, check=0).stdout)
    s = connect(st["socket"])
    s.sendall(hello())
    read_msg(s)
    return s


def hold_lock(sb):
    """Another process holding the package database lock, the way the native tool does.
    Its sleep is the time it holds the lock: part of what the tests test."""
    root = sb["root"]
    if sb["backend"] == "alpm":
        path = os.path.join(root, "var/lib/pacman/db.lck")
        code = ("import os,sys,time; fd=os.open(sys.argv[1], os.O_WRONLY|os.O_CREAT|os.O_EXCL);"
                "print('locked', flush=True); time.sleep(float(sys.argv[2])); os.unlink(sys.argv[1])")
    else:
        path = os.path.join(root, "var/lib/dpkg/lock-frontend")
        code = ("import fcntl,sys,time; f=open(sys.argv[1],'w'); fcntl.lockf(f, fcntl.LOCK_EX);"
                "print('locked', flush=True); time.sleep(float(sys.argv[2]))")
    return path, code


def test_lock_held_by_another_process(env, fresh):
    root = fresh["root"]
    env.config.parent.mkdir(parents=True, exist_ok=True)
    env.config.write_text("[transaction]\nlock_timeout = 2s\n")
    path, code = hold_lock(fresh)
    holder = subprocess.Popen(["/usr/bin/python3", "-c", code, path, "30"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = db_state(fresh)
        t0 = time.monotonic()
        p = env("install", "--yes", "omg-spell", root=root)
        assert p.returncode == EXIT_LOCKED, (p.stdout, p.stderr)
        assert time.monotonic() - t0 >= 2
        assert "waiting" in p.stderr and f"pid {holder.pid}" in p.stderr, p.stderr
        assert "locked" in p.stderr
        assert db_state(fresh) == before
        assert os.path.exists(path)  # never removed: not ours
    finally:
        holder.kill()
        holder.wait()


def test_lock_released_while_waiting(env, fresh):
    root = fresh["root"]
    path, code = hold_lock(fresh)
    holder = subprocess.Popen(["/usr/bin/python3", "-c", code, path, "1.5"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        p = env("install", "--yes", "omg-spell", root=root, check=0)
        assert "waiting" in p.stderr
        assert "omg-spell" in installed(fresh)
    finally:
        holder.kill()
        holder.wait()


def test_plan_dropped_when_the_client_goes_away(env, fresh):
    root = fresh["root"]
    s = raw_client(env, root)
    s.sendall(frame(VERSION, MSG_PLAN, 5, plan_body(2, 0, ["omg-spell"], "raw")))
    hdr, _ = read_msg(s)
    while hdr[1] == MSG_EVENT_TRANS:  # progress before the plan (a wait, a phase)
        hdr, _ = read_msg(s)
    assert hdr[1] == MSG_PLAN_REPLY
    s.close()  # never commits: the plan and its lock go
    env("install", "--yes", "omg-spell", root=root, check=0)
    assert "omg-spell" in installed(fresh)


@pytest.fixture
def slow(fresh, env):
    """The sandbox's repository behind a slow loopback server."""
    repo = SlowRepo(fresh["repo_dir"])
    if fresh["backend"] == "alpm":
        point_arch_at(fresh["root"], repo.url)
    else:
        point_debian_at(fresh["root"], repo.url)
        env("sync", root=fresh["root"], check=0)  # apt's lists follow the new source
    yield repo
    repo.close()


def start_install(env, root, *names):
    argv = [str(OMG), "--root", root, "install", "--yes", *names]
    return subprocess.Popen(argv, env=env.full, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def read_until(pipe, text, timeout):
    """What a process has written to pipe (a text pipe not read yet) once text is in it,
    ending on a whole character (the rest is the pipe's, for communicate); fails with what
    came when text does not within timeout seconds or the pipe closes first."""
    fd, got, deadline = pipe.fileno(), b"", time.monotonic() + timeout
    while text.encode() not in got or not whole(got):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            pytest.fail(f"no {text!r} within {timeout} s; got: {got.decode(errors='replace')}")
        chunk = os.read(fd, 4096)
        if not chunk:
            pytest.fail(f"the pipe closed before {text!r}; got: {got.decode(errors='replace')}")
        got += chunk
    return got.decode()


def whole(data):
    try:
        data.decode()
        return True
    except UnicodeDecodeError:
        return False


def engine_pid(env, root):
    return json.loads(env("--json", "daemon", "status", root=root, check=0).stdout)["pid"]


def test_client_killed_during_commit_the_transaction_completes(env, fresh, slow):
    root = fresh["root"]
    cli = start_install(env, root, "omg-spell")
    assert slow.started.wait(30), "the download never started"
    cli.kill()
    cli.wait()
    slow.fast()
    p = env("attach", root=root, check=0)  # follows it to its end, or reports it
    assert "ok" in p.stdout or "Done" in p.stdout, p.stdout
    assert "omg-spell" in installed(fresh)
    hist = json.loads(env("--json", "history", root=root, check=0).stdout)
    assert hist[0]["result"] == "ok" and hist[0]["command"] == "omg install omg-spell"
    backend_check(fresh)


def test_attach_follows_a_running_transaction(env, fresh, slow):
    root = fresh["root"]
    cli = start_install(env, root, "omg-spell")
    assert slow.started.wait(30)
    time.sleep(0.5)  # part of the test: the download goes on a while before the attach
    att = subprocess.Popen([str(OMG), "--root", root, "attach"], env=env.full,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # it follows the transaction once it has caught up with the download
    early = read_until(att.stderr, "downloading", 30)
    slow.fast()
    out, err = att.communicate(timeout=60)
    err = early + err
    assert att.returncode == 0, (out, err)
    assert "downloading" in err  # caught up with what happened before it attached
    assert "Done" in out
    cli.communicate(timeout=60)
    assert cli.returncode == 0


def test_sigterm_during_commit_waits_for_it(env, fresh, slow):
    root = fresh["root"]
    cli = start_install(env, root, "omg-spell")
    assert slow.started.wait(30)
    pid = engine_pid(env, root)
    os.kill(pid, signal.SIGTERM)
    time.sleep(0.5)  # part of the test: half a second after SIGTERM, still there
    assert not process_gone(pid)  # still committing
    slow.fast()
    out, err = cli.communicate(timeout=60)
    assert cli.returncode == 0, (out, err)
    assert "omg-spell" in installed(fresh)
    wait_until(lambda: process_gone(pid), "the engine did not exit after the commit",
               timeout=10)


def test_engine_killed_mid_commit_reports_it(env, fresh, slow):
    root = fresh["root"]
    cli = start_install(env, root, "omg-spell")
    assert slow.started.wait(30)
    pid = engine_pid(env, root)
    os.kill(pid, signal.SIGKILL)
    out, err = cli.communicate(timeout=60)
    assert cli.returncode == EXIT_TRANS and "lost the engine" in err, (out, err)
    slow.fast()
    hist = json.loads(env("--json", "history", root=root, check=0).stdout)  # a new engine
    assert hist[0]["result"] == "interrupted", hist
    p = env("attach", root=root)
    assert p.returncode == EXIT_TRANS and "interrupted" in p.stderr, (p.stdout, p.stderr)
    backend_check(fresh)
    log = json.loads(env("--json", "audit", "log", root=root, check=0).stdout)
    assert "interrupted" in [e["event"] for e in log]
    if fresh["backend"] == "alpm":
        # db.lck, left by the killed engine, is recognised as ours and removed
        assert not os.path.exists(os.path.join(root, "var/lib/pacman/db.lck"))
        assert "stale-lock" in [e["event"] for e in log]
    # and the system is usable again
    env("install", "--yes", "omg-spell", root=root, check=0)
    assert "omg-spell" in installed(fresh)


def test_sync(env, fresh):
    root = fresh["root"]
    p = env("sync", root=root, check=0)
    assert "refreshed" in p.stdout
    hist = json.loads(env("--json", "history", root=root, check=0).stdout)
    assert hist[0]["kind"] == "sync" and hist[0]["result"] == "ok"


def test_sync_is_called_a_refresh(env, fresh):
    """Issue 14: apt's sync items were "install" in the plan, history and audit log."""
    root = fresh["root"]
    p = env("sync", "--dry-run", root=root, check=0)
    rows = [line.split()[0] for line in p.stdout.splitlines() if line.startswith("  ")]
    assert rows and set(rows) == {"refresh"}, p.stdout
    out = json.loads(env("--json", "sync", "--dry-run", root=root, check=0).stdout)
    assert {i["action"] for i in out["plan"]["items"]} == {"refresh"}, out
    env("sync", root=root, check=0)
    hist = json.loads(env("--json", "history", root=root, check=0).stdout)
    one = json.loads(env("--json", "history", "show", str(hist[0]["id"]), root=root,
                         check=0).stdout)
    assert one["items"] and {i["action"] for i in one["items"]} == {"refresh"}, one
    assert "  refresh " in env("history", "show", str(hist[0]["id"]), root=root,
                               check=0).stdout
    log = json.loads(env("--json", "audit", "log", root=root, check=0).stdout)
    assert "refresh" in log[-1]["detail"] and "install" not in log[-1]["detail"], log


def test_progress_counts_go_up_and_name_each_package_once(env, fresh):
    """Issue 14: apt's (2/3), (1/3), (3/3), with the name twice ("Installed x (v) x")."""
    import re
    p = env("install", "--yes", "omg-suite", root=fresh["root"], check=0)
    done = [m.groups() for m in re.finditer(r"^\((\d+)/(\d+)\) (.*): done$", p.stderr,
                                            re.M)]
    assert [(i, n) for i, n, _ in done] == [("1", "3"), ("2", "3"), ("3", "3")], p.stderr
    words = [w.split() for _, _, w in done]
    assert all(len(w) == 2 and w[0] == "installing" for w in words), p.stderr
    assert sorted(w[1] for w in words) == ["omg-spell", "omg-suite", "python-omgtools"]


def test_first_plan_after_the_engine_starts_names_no_transaction(env, fresh):
    """Issue 14: a plan that came while a new engine looked at the databases was told it
    waited for "the last transaction's clean-up" (about one start in three)."""
    root = fresh["root"]
    for _ in range(6):
        env("daemon", "stop", root=root, check=0)
        p = env("install", "--dry-run", "omg-spell", root=root, check=0)
        assert "transaction" not in p.stderr and "clean-up" not in p.stderr, p.stderr
        for line in p.stderr.splitlines():
            assert line.startswith("waiting for the engine to finish reading") or \
                not line.startswith("waiting"), p.stderr


def test_no_daemon_refuses_transactions(env, fresh):
    p = env("--no-daemon", "install", "--yes", "omg-spell", root=fresh["root"])
    assert p.returncode == 2 and "engine" in p.stderr


def test_tampered_package_in_a_signed_repository_is_refused(env, tmp_path):
    # A short directory: gpg-agent's socket under ROOT/etc/pacman.d/gnupg must fit in
    # sun_path (108 bytes), and a worker's tmp_path (pytest -n) is too long for it.
    short = tempfile.mkdtemp(prefix="omgsig-")
    try:
        tampered_in_signed_repo(env, short)
    finally:
        shutil.rmtree(short, ignore_errors=True)


def tampered_in_signed_repo(env, base):
    for kind in ("alpm", "apt"):
        build = arch.build if kind == "alpm" else debian.build
        sb = build(os.path.join(base, kind), signed=True)
        sb["backend"] = kind
        pkg = [f for f in os.listdir(sb["repo_dir"]) if f.startswith("omg-spell")
               and f.endswith((".pkg.tar.zst", ".deb"))][0]
        path = os.path.join(sb["repo_dir"], pkg)
        data = bytearray(open(path, "rb").read())
        data[len(data) // 2] ^= 0xFF
        open(path, "wb").write(bytes(data))
        before = db_state(sb)
        p = env("install", "--yes", "omg-spell", root=sb["root"])
        assert p.returncode == EXIT_TRANS, (kind, p.stdout, p.stderr)
        reason = "PGP signature" if kind == "alpm" else "Hash Sum mismatch"
        assert reason in p.stderr, (kind, p.stderr)
        assert db_state(sb) == before and "omg-spell" not in installed(sb)
        env("daemon", "stop", root=sb["root"], check=0)
        if kind == "alpm":
            arch.kill_agents(os.path.join(sb["root"], "etc/pacman.d/gnupg"))


def test_questions_reach_the_client_that_planned(env, tmp_path):
    """alpm asks whether to remove a conflicting package: the planning client answers."""
    import struct
    sb = arch.build(str(tmp_path / "root"))
    root = sb["root"]
    s = raw_client(env, root)
    s.sendall(frame(VERSION, MSG_PLAN, 5, plan_body(2, 0, ["omg-editor-legacy"], "raw")))
    hdr, body = read_msg(s)
    assert hdr[1] == 0x0301, hex(hdr[1])  # event-trans
    (history, kind, level) = struct.unpack("<QII", body[:16])
    assert kind == 6  # a question
    n = struct.unpack("<I", body[16:20])[0]
    off = 20 + n
    n = struct.unpack("<I", body[off:off + 4])[0]
    text = body[off + 4:off + 4 + n].decode()
    assert "conflict" in text and "omg-editor" in text, text
    off += 4 + n + 4 * 2 + 8 * 2 + 4 + 8
    (question,) = struct.unpack("<I", body[off:off + 4])
    s.sendall(frame(VERSION, 0x0403, 6, struct.pack("<II", question, 1)))  # yes
    got = []
    while True:
        hdr, body = read_msg(s)
        got.append(hdr[1])
        if hdr[1] in (MSG_PLAN_REPLY, 0x0003):
            break
    assert MSG_PLAN_REPLY in got, [hex(t) for t in got]
    assert b"omg-editor" in body  # the plan now removes omg-editor, as answered
    s.close()  # and is dropped: nothing changes
    env("daemon", "stop", root=root, check=0)
    assert "omg-editor" in installed(sb | {"backend": "alpm"})


def test_progress_on_a_terminal(env, tmp_path):
    import pty
    sb = arch.build(str(tmp_path / "root"))
    master, slave = pty.openpty()
    p = subprocess.Popen([str(OMG), "--root", sb["root"], "install", "--yes", "omg-spell"],
                         stdout=slave, stderr=slave, stdin=slave, env=env.full)
    os.close(slave)
    out = read_pty(master).decode()
    assert p.wait(timeout=60) == 0
    os.close(master)
    assert "\r\033[K" in out and "[####" in out and "100%" in out, out
    assert "installing omg-spell" in out and "Done" in out


def test_ctrl_c_at_the_prompt_cancels(env, tmp_path):
    import fcntl
    import pty
    import termios
    sb = arch.build(str(tmp_path / "root"))
    sb["backend"] = "alpm"
    before = db_state(sb)
    master, slave = pty.openpty()
    p = subprocess.Popen([str(OMG), "--root", sb["root"], "install", "omg-spell"],
                         stdout=slave, stderr=slave, stdin=slave, env=env.full,
                         start_new_session=True,
                         preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 60
    while b"Proceed?" not in out and time.monotonic() < deadline:
        out += os.read(master, 65536)
    assert b"Proceed?" in out, out
    os.write(master, b"\x03")  # the terminal turns it into SIGINT
    assert p.wait(timeout=30) == EXIT_CANCELLED
    os.close(master)
    assert db_state(sb) == before
    env("install", "--yes", "omg-spell", root=sb["root"], check=0)  # the plan was released
    assert "omg-spell" in installed(sb)
