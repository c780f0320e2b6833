# SPDX-License-Identifier: MIT
"""The engine as a user meets it: started on demand by any command (once, however many
clients race), restarted after kill -9, following database changes without a restart,
reloading its configuration on SIGHUP, exiting when idle, serving many connections, and in
system mode refusing mutations to users outside the admin group."""
import grp
import json
import os
import pwd
import shutil
import signal
import socket
import stat
import struct
import subprocess
import tempfile
import threading

import pytest

from conftest import OFFLINE_CONFIG, OMG, arch, debian, process_gone, spec, wait_until
from wire import VERSION, connect, frame, hello, plan_body, read_msg

MSG_ERROR, MSG_STATUS, MSG_SUBSCRIBE, MSG_OK = 0x0003, 0x0103, 0x0104, 0x0202
MSG_EVENT_STATUS, MSG_PLAN, MSG_PLAN_REPLY = 0x0300, 0x0400, 0x0203
ERR_DENIED, ERR_UNSUPPORTED = 5, 8


def engine(run, root):
    p = run("--json", "daemon", "status", root=root)
    return json.loads(p.stdout) if p.returncode == 0 else None


def sockets(run):
    d = os.path.join(run.env["XDG_RUNTIME_DIR"], "omg")
    return sorted(f for f in os.listdir(d) if f.endswith(".sock")) if os.path.isdir(d) else []


@pytest.mark.smoke
def test_first_command_starts_the_engine_once(env, sb):
    assert engine(env, sb["root"]) is None  # status never starts one
    out = [None] * 8

    def call(i):
        out[i] = env("--json", "status", root=sb["root"])
    threads = [threading.Thread(target=call, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(p.returncode == 0 for p in out), [p.stderr for p in out]
    # the same engine answered all (alpm's own look for updates may end in between)
    figures = [json.loads(p.stdout) for p in out]
    for f in figures:
        f.pop("checked")
    assert all(f == figures[0] for f in figures)
    assert len(sockets(env)) == 1
    st = engine(env, sb["root"])
    assert st["mode"] == "user" and st["root"] == sb["root"] and st["packages"] == len(spec.PACKAGES)
    # one engine process for the root
    pids = subprocess.run(["pgrep", "-f", "--", f"--root {sb['root']} daemon --socket "
                           f"{env.env['XDG_RUNTIME_DIR']}"], capture_output=True, text=True)
    assert pids.stdout.split() == [str(st["pid"])]


def test_no_daemon_starts_nothing(env, sb):
    p = env("--no-daemon", "--json", "status", root=sb["root"], check=0)
    assert json.loads(p.stdout)["installed"] == 6
    assert sockets(env) == []
    p = env("--json", "status", root=sb["root"], extra={"OMG_NO_DAEMON": "1"}, check=0)
    assert sockets(env) == []


@pytest.mark.smoke
def test_start_stop_status(env, sb):
    p = env("daemon", "start", root=sb["root"], check=0)
    assert "serving" in p.stdout
    st = engine(env, sb["root"])
    assert st["running"] and st["generation"] == 1
    again = env("daemon", "start", root=sb["root"], check=0)  # already running: same engine
    assert f"pid {st['pid']}" in again.stdout
    p = env("daemon", "status", root=sb["root"], check=0)
    assert "user mode" in p.stdout and sb["root"] in p.stdout
    env("daemon", "stop", root=sb["root"], check=0)
    assert sockets(env) == []
    p = env("daemon", "status", root=sb["root"])
    assert p.returncode == 1 and "no engine is running" in p.stdout
    p = env("daemon", "stop", root=sb["root"], check=0)
    assert "no engine is running" in p.stdout


def test_engine_killed_with_sigkill_is_restarted(env, sb):
    env("status", root=sb["root"], check=0)
    first = engine(env, sb["root"])
    os.kill(first["pid"], signal.SIGKILL)
    wait_until(lambda: process_gone(first["pid"]), "the engine outlived SIGKILL")
    assert sockets(env)  # the dead engine's socket is still there
    p = env("--json", "info", "omg-editor", root=sb["root"], check=0)
    assert json.loads(p.stdout)[0]["name"] == "omg-editor"
    second = engine(env, sb["root"])
    assert second["pid"] != first["pid"]


def test_a_failed_start_is_reported_like_in_process(env, tmp_path):
    root = tmp_path / "empty"
    root.mkdir()
    p = env("status", root=root)
    q = env("--no-daemon", "status", root=root)
    assert p.returncode == q.returncode == 4
    assert p.stderr == q.stderr
    assert sockets(env) == []


def test_autostart_off_in_config(env, sb):
    env.config.parent.mkdir(parents=True, exist_ok=True)
    env.config.write_text("[client]\nautostart = no\n")
    p = env("status", root=sb["root"])
    assert p.returncode == 4 and "no engine at" in p.stderr
    assert sockets(env) == []


def test_bad_config_is_a_clear_error(env, sb):
    env.config.parent.mkdir(parents=True, exist_ok=True)
    env.config.write_text("[daemon]\nidle_timeout = soon\n")
    p = env("status", root=sb["root"])
    assert p.returncode == 2
    # The line as the file has it: the test's text follows conftest's offline [security].
    line = OFFLINE_CONFIG.count("\n") + 2
    assert f"config:{line}: idle_timeout takes seconds" in p.stderr
    env.config.write_text("[daemon]\nno_such_key = 1\n")
    p = env("status", root=sb["root"])
    assert p.returncode == 2 and "unknown key 'no_such_key' in section [daemon]" in p.stderr


def test_alpm_change_is_picked_up_without_restart(env, arch_sb, tmp_path):
    root = str(tmp_path / "root")
    shutil.copytree(arch_sb["root"], root, symlinks=True)
    before = json.loads(env("--json", "info", "omg-spell", root=root, check=0).stdout)[0]
    assert not before["installed"]
    pid = engine(env, root)["pid"]
    pkg = [f for f in os.listdir(os.path.join(root, "repo"))
           if f.startswith("omg-spell-") and f.endswith(".pkg.tar.zst")][0]
    subprocess.run(arch.pacman_cmd(root, "-U", "--noconfirm", "--noscriptlet", "--asdeps",
                                   os.path.join(root, "repo", pkg)),
                   check=True, capture_output=True)
    # the very next call sees it: the engine holds requests until its refresh is done
    after = json.loads(env("--json", "info", "omg-spell", root=root, check=0).stdout)[0]
    assert after["installed"] and after["reason"] == "dependency"
    subprocess.run(arch.pacman_cmd(root, "-D", "--asexplicit", "omg-spell"),
                   check=True, capture_output=True)
    after = json.loads(env("--json", "info", "omg-spell", root=root, check=0).stdout)[0]
    assert after["reason"] == "explicit"
    st = engine(env, root)
    assert st["pid"] == pid and st["generation"] >= 3


def test_apt_change_is_picked_up_without_restart(env, tmp_path):
    root = debian.build(str(tmp_path / "root"))["root"]
    assert json.loads(env("--json", "info", "omg-orphan", root=root, check=0).stdout)[0]["orphan"]
    pid = engine(env, root)["pid"]
    subprocess.run(["apt-mark", "manual", "omg-orphan"], env=debian.apt_env(root),
                   check=True, capture_output=True)
    got = json.loads(env("--json", "info", "omg-orphan", root=root, check=0).stdout)[0]
    assert not got["orphan"] and got["reason"] == "explicit"
    subprocess.run(["dpkg", *debian.dpkg_args(root), "-r", "omg-orphan"],
                   check=True, capture_output=True)
    got = json.loads(env("--json", "info", "omg-orphan", root=root, check=0).stdout)[0]
    assert not got["installed"]
    assert engine(env, root)["pid"] == pid


def test_a_change_that_breaks_the_database_keeps_the_last_index(env, arch_sb, tmp_path):
    root = str(tmp_path / "root")
    shutil.copytree(arch_sb["root"], root, symlinks=True)
    good = json.loads(env("--json", "search", "omg", root=root, check=0).stdout)
    with open(os.path.join(root, "etc", "pacman.conf"), "a") as f:
        f.write("[broken\n")
    p = env("--json", "search", "omg", root=root)
    assert p.returncode == 0 and json.loads(p.stdout) == good
    assert "could not be loaded" in p.stderr and "answers come from index generation 1" in p.stderr
    log = (env.log / [f for f in os.listdir(env.log) if f.endswith(".log")][0]).read_text()
    assert "could not be loaded" in log


def test_subscriber_gets_a_status_event_on_change(env, arch_sb, tmp_path):
    root = str(tmp_path / "root")
    shutil.copytree(arch_sb["root"], root, symlinks=True)
    env("daemon", "start", root=root, check=0)
    path = os.path.join(env.env["XDG_RUNTIME_DIR"], "omg", sockets(env)[0])
    s = connect(path)
    s.sendall(hello())
    read_msg(s)
    s.sendall(frame(VERSION, MSG_SUBSCRIBE, 9, struct.pack("<I", 1)))
    (hdr, _) = read_msg(s)
    assert hdr[1] == MSG_OK and hdr[2] == 9
    (hdr, body) = read_msg(s)  # where things stand now
    assert hdr[1] == MSG_EVENT_STATUS and hdr[2] == 9
    assert struct.unpack("<Q", body[:8])[0] == 1
    pkg = [f for f in os.listdir(os.path.join(root, "repo"))
           if f.startswith("omg-spell-") and f.endswith(".pkg.tar.zst")][0]
    subprocess.run(arch.pacman_cmd(root, "-U", "--noconfirm", "--noscriptlet",
                                   os.path.join(root, "repo", pkg)),
                   check=True, capture_output=True)
    (hdr, body) = read_msg(s)
    assert hdr[1] == MSG_EVENT_STATUS and hdr[2] == 9
    gen, packages, installed = struct.unpack("<QQQ", body[:24])
    assert gen >= 2 and installed == 7
    s.close()


def test_replies_come_from_the_cache_the_second_time(env, sb):
    first = env("--json", "search", "omg", root=sb["root"], check=0)
    before = engine(env, sb["root"])
    second = env("--json", "search", "omg", root=sb["root"], check=0)
    after = engine(env, sb["root"])
    assert first.stdout == second.stdout
    assert after["cache_hits"] == before["cache_hits"] + 1


def test_ten_thousand_quick_connects(env, sb):
    env("daemon", "start", root=sb["root"], check=0)
    path = os.path.join(env.env["XDG_RUNTIME_DIR"], "omg", sockets(env)[0])
    for i in range(10000):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        if i % 10 == 0:  # some say hello first; the rest hang up at once
            s.sendall(hello())
            read_msg(s)
        s.close()
    st = engine(env, sb["root"])
    assert st["clients"] == 1  # only the status call's own connection is left
    assert env("--json", "search", "omg", root=sb["root"], check=0).stdout


def test_many_concurrent_clients(env, sb):
    env("daemon", "start", root=sb["root"], check=0)
    path = os.path.join(env.env["XDG_RUNTIME_DIR"], "omg", sockets(env)[0])
    conns = []
    for _ in range(300):
        s = connect(path)
        s.sendall(hello())
        conns.append(s)
    for s in conns:
        read_msg(s)
    for i, s in enumerate(conns):
        s.sendall(frame(VERSION, MSG_STATUS, 100 + i))
    for i, s in enumerate(conns):
        (hdr, _) = read_msg(s)
        assert hdr[1] == 0x0201 and hdr[2] == 100 + i
    for s in conns:
        s.close()


def test_sighup_reloads_the_configuration(env, sb):
    env.config.parent.mkdir(parents=True, exist_ok=True)
    env.config.write_text("[cache]\nsize = 8M\n")
    env("daemon", "start", root=sb["root"], check=0)
    pid = engine(env, sb["root"])["pid"]

    def log():
        return "".join((env.log / f).read_text() for f in os.listdir(env.log))
    env.config.write_text("[cache]\nsize = lots\n")
    os.kill(pid, signal.SIGHUP)
    # each SIGHUP handled before the next (two pending ones would be one reload)
    wait_until(lambda: "keeping the current configuration" in log(),
               lambda: "the bad configuration was not reported:\n" + log())
    assert "size takes a size" in log()
    env.config.write_text("[cache]\nsize = 0\n")
    os.kill(pid, signal.SIGHUP)
    wait_until(lambda: "configuration reloaded" in log(),
               lambda: "the configuration was not reloaded:\n" + log())
    # size = 0 turned the cache off
    env("search", "omg", root=sb["root"], check=0)
    env("search", "omg", root=sb["root"], check=0)
    st = engine(env, sb["root"])
    assert st["pid"] == pid and st["cache_hits"] == 0


def test_idle_engine_exits(env, sb):
    env.config.parent.mkdir(parents=True, exist_ok=True)
    env.config.write_text("[daemon]\nidle_timeout = 1\n")
    env("status", root=sb["root"], check=0)
    pid = engine(env, sb["root"])["pid"]
    wait_until(lambda: process_gone(pid), "the idle engine did not exit", timeout=10)
    assert sockets(env) == []


def test_user_engine_refuses_another_user(omg, sb, throwaway_user):
    d = tempfile.mkdtemp(prefix="omg-user-")
    path = os.path.join(d, "omgd.sock")
    p = subprocess.Popen([str(OMG), "--root", sb["root"], "daemon", "run", "--socket", path],
                         env=omg.env, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(path)
        # The engine checked that only we can reach its socket; open it up anyway:
        # SO_PEERCRED still decides.
        os.chmod(d, 0o711)
        os.chmod(path, 0o666)
        out = as_user(throwaway_user, path, [(MSG_STATUS, b"")])
        assert out == [["error", 5]], out
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
        shutil.rmtree(d)
    assert "refused uid" in p.stderr.read()


def test_system_engine_refuses_mutations_outside_the_admin_group(omg, sb, throwaway_user,
                                                                 tmp_path):
    user, group = throwaway_user
    d = tempfile.mkdtemp(prefix="omg-sys-")
    os.chmod(d, 0o755)
    path = os.path.join(d, "run", "omgd.sock")
    cfg = tmp_path / "config"
    cfg.write_text(OFFLINE_CONFIG + f"[system]\nadmin_group = {group}\n")
    p = subprocess.Popen([str(OMG), "--root", sb["root"], "daemon", "run", "--system",
                          "--socket", path, "--config", str(cfg)],
                         env=dict(omg.env, OMG_NO_STORE="1"), stderr=subprocess.PIPE, text=True)
    try:
        wait_for(path)
        assert oct(os.stat(os.path.dirname(path)).st_mode & 0o777) == "0o755"
        # a user outside the group reads, and is refused a mutation
        plan = plan_body(2, 0, ["omg-spell"], "omg install omg-spell")
        out = as_user((user, None), path, [(MSG_STATUS, b""), (MSG_PLAN, plan)])
        assert out == [["status-reply"], ["error", ERR_DENIED]], out
        # in the group, the request passes the check and the engine plans (the plan is
        # dropped when the peer goes away without committing)
        subprocess.run(["usermod", "-aG", group, user], check=True)
        out = as_user((user, group), path, [(MSG_PLAN, plan)])
        assert out == [[hex(MSG_PLAN_REPLY)]], out
        # the omg CLI of that user reads through the system engine
        q = subprocess.run([str(OMG), "--socket", path, "--json", "status"], user=user,
                           env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
                           capture_output=True, text=True, timeout=60)
        assert q.returncode == 0, q.stderr
        assert json.loads(q.stdout)["installed"] == 6
        # the refusal is in the engine's audit log (kept inside the sandbox root)
        a = subprocess.run([str(OMG), "--socket", path, "--json", "audit", "log"],
                           env=omg.env, capture_output=True, text=True, timeout=60)
        assert a.returncode == 0, a.stderr
        refused = [e for e in json.loads(a.stdout) if e["event"] == "refused"]
        assert refused and refused[0]["uid"] == pwd.getpwnam(user).pw_uid, a.stdout
        # the status snapshot: 0644 in a 0755 directory, and omg-fast of any user reads it
        snap = os.path.join(sb["root"], "var/lib/omg/status.bin")
        wait_until(lambda: os.path.exists(snap), "the system engine wrote no snapshot " + snap)
        assert stat.S_IMODE(os.stat(snap).st_mode) == 0o644
        assert stat.S_IMODE(os.stat(os.path.dirname(snap)).st_mode) == 0o755
        opened = []
        try:
            # pytest's temporary directories are private: let the user through them
            d2 = os.path.dirname(sb["root"])
            while d2 != "/":
                opened.append((d2, os.stat(d2).st_mode))
                os.chmod(d2, os.stat(d2).st_mode | 0o001)
                d2 = os.path.dirname(d2)
            fast = os.path.join(os.path.dirname(os.path.realpath(OMG)), "omg-fast")
            f = subprocess.run([fast, "--root", sb["root"], "--json"], user=user,
                               group=pwd.getpwnam(user).pw_gid, extra_groups=[],
                               env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                               timeout=60, cwd="/")
            assert f.returncode == 0, f.stderr
            got = json.loads(f.stdout)
            assert got["system"] and got["installed"] == 6 and got["engine_running"]
        finally:
            for d2, mode in opened:
                os.chmod(d2, stat.S_IMODE(mode))
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
        shutil.rmtree(d)
    err = p.stderr.read()
    assert f"refused plan from uid {pwd.getpwnam(user).pw_uid}" in err
    assert f"group '{group}'" in err


def test_system_mode_needs_root(omg, sb, throwaway_user):
    user, _ = throwaway_user
    q = subprocess.run([str(OMG), "--root", sb["root"], "daemon", "run", "--system"],
                       user=user, env={"PATH": "/usr/bin:/bin"}, capture_output=True,
                       text=True, timeout=60)
    assert q.returncode == 2 and "needs root" in q.stderr


# -- helpers ---------------------------------------------------------------------------

@pytest.fixture
def throwaway_user():
    """A user and a group made for this module, removed after it."""
    if os.geteuid() != 0:
        pytest.skip("creating a throw-away user needs root")
    name = f"omgt{os.getpid() % 100000}"
    group = name + "adm"
    subprocess.run(["groupadd", group], check=True)
    subprocess.run(["useradd", "-M", "-N", "-s", "/usr/sbin/nologin", name], check=True)
    yield name, group
    subprocess.run(["userdel", name], check=False)
    subprocess.run(["groupdel", group], check=False)


def wait_for(path):
    wait_until(lambda: os.path.exists(path), f"no socket at {path}")


def as_user(user_group, path, reqs):
    """Runs a protocol client as another user (in a group, if given); its replies."""
    user, group = user_group
    kw = {"user": user}
    if group:
        kw["extra_groups"] = [group]
        kw["group"] = grp.getgrnam(group).gr_gid
    client = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire.py")
    p = subprocess.run(["/usr/bin/python3", client, path,
                        json.dumps([[t, b.hex()] for t, b in reqs])],
                       capture_output=True, text=True, timeout=60, cwd="/", **kw)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)
