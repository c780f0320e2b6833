# SPDX-License-Identifier: MIT
"""The status snapshot and omg-fast: the engine's figures reach the file and equal the native
tools' counts; every kind of bad file prints nothing with its exit status; a reader racing
10,000 rewrites never sees a torn file; the file follows transactions and database changes;
the shell snippets load in bash, zsh and fish."""
import json
import os
import stat
import struct
import subprocess
import threading
import time
import zlib
from pathlib import Path

import pytest

from conftest import OMG, arch, debian, run_native
from test_trans import fresh, slow, start_install  # noqa: F401 (fixtures)

FAST = Path(os.path.realpath(OMG)).parent / "omg-fast"
STRESS = Path(os.environ.get("OMG_TRANS_RUN") or
              Path(os.path.realpath(OMG)).parent / "tests" / "trans-run").parent / "snap-stress"
EXIT_MISSING, EXIT_CORRUPT, EXIT_NEWER, EXIT_STALE = 11, 12, 13, 14
O_MAJOR, O_WRITTEN, O_UPGRADABLE, O_STRINGS_OFF = 8, 24, 68, 100


def fast(env, *args, root=None, extra=None):
    argv = [str(FAST)] + (["--root", root] if root else []) + [str(a) for a in args]
    e = dict(env.full, LANG="C.UTF-8")
    e.update(extra or {})
    return subprocess.run(argv, env=e, capture_output=True, text=True, timeout=30)


def status(env, root):
    return json.loads(env("--json", "status", root=root, check=0).stdout)


def wait_fast(env, root, pred, timeout=20):
    """omg-fast --json until pred(figures) holds; the last figures."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        p = fast(env, "--json", root=root)
        if p.returncode == 0:
            last = json.loads(p.stdout)
            if pred(last):
                return last
        time.sleep(0.1)
    raise AssertionError(f"omg-fast never showed the expected figures; last: {last}")


def own_file(f):
    """The user engine's own file: until it is written, omg-fast may answer from another
    test's stopped system engine's file on a shared sandbox (its fallback)."""
    return not f["system"]


def snapshot_path(env, root):
    """The user engine's snapshot, once written."""
    path = status(env, root)["snapshot"]
    wait_fast(env, root, own_file)
    return path


def reseal(b):
    """The file with its CRC-32 trailer recomputed (zlib's CRC is the format's)."""
    b = bytearray(b)
    struct.pack_into("<I", b, len(b) - 8, zlib.crc32(bytes(b[:-8])))
    return bytes(b)


# ------------------------------------------------------------------ figures

@pytest.mark.smoke
def test_round_trip_equals_omg_status(env, sb):
    root = sb["root"]
    st = status(env, root)
    # (until the user engine's first file, another test's stopped system engine's file
    # may answer: omg-fast falls back to it)
    got = wait_fast(env, root, lambda f: f["generation"] == st["generation"] and
                    not f["system"])
    for key in ("upgradable", "held", "installed", "explicit", "orphans", "packages",
                "security", "reboot_required", "last_sync", "backend", "root"):
        assert got[key] == st[key], key
    assert got["engine_running"] and not got["system"]
    assert got["transaction"] == "" and 0 <= got["age"] < 60
    assert (got["security"] is None) == (sb["backend"] == "alpm")  # unknown on Arch
    mode = os.stat(st["snapshot"]).st_mode
    assert stat.S_IMODE(mode) == 0o600  # a user engine's file is the user's alone


def native_counts(sb):
    """(upgradable including held/ignored, orphans, installed, explicit) per the native tools."""
    root = sb["root"]
    if sb["backend"] == "alpm":
        def q(*args):
            p = subprocess.run(arch.pacman_cmd(root, *args), capture_output=True, text=True)
            return [line for line in p.stdout.splitlines() if line]
        return len(q("-Qu")), len(q("-Qdtq")), len(q("-Qq")), len(q("-Qeq"))
    env = debian.apt_env(root)
    upg = [line for line in run_native(["apt", "list", "--upgradable"], env=env).splitlines()
           if "[upgradable from" in line]
    auto = [line for line in run_native(["apt-get", "-s", "autoremove"], env=env).splitlines()
            if line.startswith("Remv ")]
    rows = run_native(["dpkg-query", "--admindir=" + os.path.join(root, "var/lib/dpkg"), "-W",
                       "-f", "${db:Status-Abbrev}\n"]).split()
    installed = sum(1 for r in rows if r[1:2] == "i")
    manual = run_native(["apt-mark", "showmanual"], env=env).split()
    return len(upg), len(auto), installed, len(manual)


def test_figures_equal_the_native_tools(env, sb):
    root = sb["root"]
    status(env, root)
    got = wait_fast(env, root, own_file)
    upg, orphans, installed, explicit = native_counts(sb)
    # pacman -Qu and apt list --upgradable list held (ignored) updates too
    assert got["upgradable"] + got["held"] == upg
    assert got["upgradable"] >= 1 and got["held"] >= 1  # the fixture has one of each
    assert got["orphans"] == orphans
    assert got["installed"] == installed
    assert got["explicit"] == explicit


def test_output_formats(env, sb):
    root = sb["root"]
    st = status(env, root)
    wait_fast(env, root, own_file)
    n = st["upgradable"]
    assert fast(env, root=root).stdout == f"\u2b06{n}\n"
    assert fast(env, root=root, extra={"LANG": "C", "LC_ALL": ""}).stdout == f"^{n}\n"
    p = fast(env, "--format", "{upgradable}/{held}/{installed} {{x}} {backend}\\n", root=root)
    assert p.stdout == f"{n}/{st['held']}/{st['installed']} {{x}} {st['backend']}\n"
    sec = fast(env, "--format", "{security}", root=root).stdout
    assert sec == ("?" if sb["backend"] == "alpm" else str(st["security"]))
    p = fast(env, "--format", "{nope}", root=root)
    assert p.returncode == 2 and "{nope}" in p.stderr and p.stdout == ""
    # --shell is for eval: the variables come back in a real shell
    sh = fast(env, "--shell", root=root).stdout
    q = subprocess.run(["bash", "-c", sh + '\necho "$OMG_UPGRADABLE $OMG_HELD $OMG_BACKEND"'],
                       capture_output=True, text=True)
    assert q.stdout.strip() == f"{n} {st['held']} {st['backend']}" and q.stderr == ""
    prom = fast(env, "--prometheus", root=root).stdout
    samples = {}
    for line in prom.splitlines():
        if line.startswith("#"):
            assert line.startswith(("# HELP omg_", "# TYPE omg_"))
            continue
        metric, value = line.rsplit(" ", 1)
        samples[metric.split("{")[0]] = float(value)
        assert f'backend="{st["backend"]}"' in metric and f'root="{root}"' in metric
    assert samples["omg_upgradable_packages"] == n
    assert samples["omg_installed_packages"] == st["installed"]
    assert ("omg_security_upgrades" in samples) == (sb["backend"] == "apt")


def test_omg_fast_never_starts_the_engine(env, sb, tmp_path):
    # (another test's system engine may have left its file in ROOT/var/lib/omg: that one
    # it may read; the user's own does not exist)
    p = fast(env, root=sb["root"])
    assert p.returncode in (0, EXIT_MISSING), p.stderr
    q = env("daemon", "status", root=sb["root"])
    assert q.returncode != 0  # still no engine
    assert not [f for f in os.listdir(os.path.join(env.env["XDG_RUNTIME_DIR"], "omg"))
                if f.startswith("status")] if os.path.isdir(
                    os.path.join(env.env["XDG_RUNTIME_DIR"], "omg")) else True
    p = fast(env, "--snapshot", tmp_path / "none.bin")
    assert (p.returncode, p.stdout) == (EXIT_MISSING, "")


# ------------------------------------------------------------------ bad files

@pytest.fixture
def good(env, arch_sb, tmp_path):
    """A valid snapshot written by a real engine, copied aside."""
    src = snapshot_path(env, arch_sb["root"])
    data = Path(src).read_bytes()
    return data, tmp_path


def check_refused(env, path, code, *args):
    p = fast(env, "--snapshot", path, *args)
    assert (p.returncode, p.stdout) == (code, ""), (p.returncode, p.stdout, p.stderr)


def test_every_bad_file_prints_nothing(env, good):
    data, d = good
    f = d / "s.bin"
    f.write_bytes(data)
    assert fast(env, "--snapshot", f, "--json").returncode == 0
    check_refused(env, d / "missing.bin", EXIT_MISSING)
    for cut in (0, 7, 64, 128, len(data) - 1):
        f.write_bytes(data[:cut])
        check_refused(env, f, EXIT_CORRUPT)
    f.write_bytes(data[:100] + bytes([data[100] ^ 0x10]) + data[101:])  # a flipped bit
    check_refused(env, f, EXIT_CORRUPT)
    f.write_bytes(reseal(b"X" + data[1:]))  # bad magic, valid checksum
    check_refused(env, f, EXIT_CORRUPT)
    f.write_bytes(data + b"\0")
    check_refused(env, f, EXIT_CORRUPT)
    newer = bytearray(data)
    struct.pack_into("<H", newer, O_MAJOR, 2)
    f.write_bytes(reseal(newer))
    check_refused(env, f, EXIT_NEWER)
    # a lie about the strings' place, sealed: the structure is checked, not only the sum
    lie = bytearray(data)
    struct.pack_into("<I", lie, O_STRINGS_OFF, len(data))
    f.write_bytes(reseal(lie))
    check_refused(env, f, EXIT_CORRUPT)
    # a directory, and a FIFO (which must not block the prompt)
    check_refused(env, d, EXIT_CORRUPT)
    fifo = d / "fifo"
    os.mkfifo(fifo)
    check_refused(env, fifo, EXIT_CORRUPT)


def test_stale_files_print_nothing(env, good):
    data, d = good
    f = d / "s.bin"
    old = bytearray(data)
    struct.pack_into("<Q", old, O_WRITTEN, int(time.time()) - 2 * 86400)
    f.write_bytes(reseal(old))
    check_refused(env, f, EXIT_STALE)  # older than the default day
    assert fast(env, "--snapshot", f, "--max-age", 3 * 86400).returncode == 0
    recent = bytearray(data)
    struct.pack_into("<Q", recent, O_WRITTEN, int(time.time()) - 30)
    f.write_bytes(reseal(recent))
    assert fast(env, "--snapshot", f).returncode == 0
    check_refused(env, f, EXIT_STALE, "--max-age", 10)
    future = bytearray(data)
    struct.pack_into("<Q", future, O_WRITTEN, int(time.time()) + 3600)
    f.write_bytes(reseal(future))
    check_refused(env, f, EXIT_STALE)
    p = fast(env, "--snapshot", f, "--max-age", "soon")
    assert p.returncode == 2 and "--max-age" in p.stderr


def test_reader_racing_10000_rewrites_never_sees_a_torn_file(env, tmp_path):
    """snap-stress rewrites through the engine's writer with upgradable == installed == the
    round and a string that changes length; omg-fast must always read one whole file."""
    assert STRESS.exists(), "make tools builds snap-stress"
    d = tmp_path / "snap"
    d.mkdir()
    path = d / "s.bin"
    subprocess.run([str(STRESS), str(path), "1"], check=True)
    writer = subprocess.Popen([str(STRESS), str(path), "10000"])
    bad, reads = [], [0]

    def reader():
        while writer.poll() is None:
            p = fast(env, "--snapshot", path, "--format", "{upgradable} {installed}")
            reads[0] += 1
            a, _, b = p.stdout.partition(" ")
            if p.returncode != 0 or a != b:
                bad.append((p.returncode, p.stdout, p.stderr))
    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert writer.wait() == 0
    assert not bad, bad[:5]
    assert reads[0] > 50, reads  # it really raced
    assert fast(env, "--snapshot", path, "--format", "{upgradable}").stdout == "10000"
    assert os.listdir(d) == ["s.bin"]  # no temporary file left


# ------------------------------------------------------------------ following the system

def test_snapshot_follows_a_transaction(env, fresh):
    root = fresh["root"]
    status(env, root)
    before = wait_fast(env, root, own_file)
    assert before["upgradable"] == 1
    env("upgrade", "--yes", "--no-sync", root=root, check=0)
    after = wait_fast(env, root, lambda f: f["upgradable"] == 0)
    assert after["generation"] > before["generation"]
    assert after["held"] == before["held"]  # the held one stays held
    assert after["upgradable"] + after["held"] == native_counts(fresh)[0]


def test_transaction_shows_while_it_commits(env, fresh, slow):
    root = fresh["root"]
    status(env, root)
    cli = start_install(env, root, "omg-spell")
    assert slow.started.wait(30)
    during = wait_fast(env, root, lambda f: f["transaction"] != "")
    assert "install" in during["transaction"]
    assert fast(env, root=root).stdout.rstrip().endswith("\u2699")
    slow.fast()
    cli.communicate(timeout=60)
    wait_fast(env, root, lambda f: f["transaction"] == "" and f["installed"] ==
              during["installed"] + 1)


def test_a_change_behind_a_stopped_engine_makes_it_stale(env, fresh):
    root = fresh["root"]
    status(env, root)
    wait_fast(env, root, own_file)
    env("daemon", "stop", root=root, check=0)
    got = wait_fast(env, root, lambda f: not f["engine_running"])
    assert got["upgradable"] == 1  # the figures stay good while nothing changes
    # a native tool installs a package while no engine watches
    if fresh["backend"] == "alpm":
        arch.pacman(root, "-S", "--noconfirm", "omg-spell")
    else:
        run_native(["apt-get", "install", "-y", "-q", "omg-spell"],
                   env=debian.apt_env(root))
    p = fast(env, root=root)
    assert (p.returncode, p.stdout) == (EXIT_STALE, "")
    if fresh["backend"] == "alpm":
        # pacman -D edits a desc file in place; its db.lck still moves DBPath's mtime
        status(env, root)
        wait_fast(env, root, own_file)
        env("daemon", "stop", root=root, check=0)
        wait_fast(env, root, lambda f: not f["engine_running"])
        arch.pacman(root, "-D", "--asdeps", "omg-spell")
        p = fast(env, root=root)
        assert (p.returncode, p.stdout) == (EXIT_STALE, "")
    # the next engine writes the truth
    status(env, root)
    assert wait_fast(env, root, own_file)["installed"] == got["installed"] + 1


def test_security_upgrades_are_counted(env, deb_fresh):
    root = deb_fresh["root"]
    debian.add_security_update(root, "omg-base", "1.0.1")
    st = status(env, root)
    got = wait_fast(env, root, lambda f: f["security"] == 1)
    assert got["upgradable"] == st["upgradable"] == 2 and st["security"] == 1
    assert got["upgradable"] + got["held"] == native_counts(deb_fresh)[0]
    assert fast(env, root=root).stdout == "\u2b062 !1\n"


@pytest.fixture
def deb_fresh(tmp_path):
    sb = debian.build(str(tmp_path / "root"))
    sb["backend"] = "apt"
    return sb


def test_reboot_required(env, fresh):
    root = fresh["root"]
    env.config.parent.mkdir(parents=True, exist_ok=True)
    env.config.write_text("[status]\nsnapshot_interval = 1\n")
    status(env, root)
    assert not wait_fast(env, root, own_file)["reboot_required"]
    if fresh["backend"] == "apt":
        Path(root, "run").mkdir(exist_ok=True)
        Path(root, "run/reboot-required").write_text("*** System restart required ***\n")
    else:
        # a kernel is installed, but not the one running: its modules are gone
        k = Path(root, "usr/lib/modules/0.0.1-omg-test")
        k.mkdir(parents=True)
        (k / "vmlinuz").write_bytes(b"")
    wait_fast(env, root, lambda f: f["reboot_required"])
    assert fast(env, root=root).stdout.rstrip().endswith("\u21bb")
    assert "reboot is required" in env("status", root=root, check=0).stdout
    if fresh["backend"] == "alpm":
        mine = Path(root, "usr/lib/modules", os.uname().release)
        mine.mkdir(parents=True)
        (mine / "vmlinuz").write_bytes(b"")
        wait_fast(env, root, lambda f: not f["reboot_required"])


# ------------------------------------------------------------------ shells

def test_shell_snippets_load(env, sb):
    root = sb["root"]
    status(env, root)
    wait_fast(env, root, own_file)
    seg = fast(env, root=root).stdout.strip()
    assert seg
    e = dict(env.full, LANG="C.UTF-8")
    script = {
        "bash": ["bash", "--norc", "-c",
                 'PS1="\\$ "; eval "$(%s --root %s shell-init bash)"; false; __omg_prompt; '
                 'echo "rc=$? [$OMG_PROMPT] $PROMPT_COMMAND"' % (OMG, root)],
        "zsh": ["zsh", "-f", "-c",
                'PROMPT="%%# "; eval "$(%s --root %s shell-init zsh)"; false; __omg_prompt; '
                'echo "rc=$? [$OMG_PROMPT]"; print -P "$PROMPT"' % (OMG, root)],
        "fish": ["fish", "--no-config", "-c",
                 'function fish_prompt; echo -n "status=$status> "; end; '
                 '%s --root %s shell-init fish | source; false; fish_prompt; echo; '
                 'echo "[$OMG_PROMPT]"' % (OMG, root)],
    }
    for shell, argv in script.items():
        p = subprocess.run(argv, env=e, capture_output=True, text=True, timeout=60)
        assert p.returncode == 0 and p.stderr == "", (shell, p.stdout, p.stderr)
        assert f"[{seg} ]" in p.stdout, (shell, p.stdout)
        if shell == "fish":
            assert f"{seg} status=1> " in p.stdout  # the user's prompt still sees $status
        else:
            assert "rc=1" in p.stdout, (shell, p.stdout)  # $? kept for the user's prompt
    # twice in the same shell: added once
    p = subprocess.run(["bash", "--norc", "-c",
                        'eval "$(%s shell-init bash)"; eval "$(%s shell-init bash)"; '
                        'echo "$PROMPT_COMMAND|$PS1"' % (OMG, OMG)],
                       env=e, capture_output=True, text=True)
    assert p.stdout.count("__omg_prompt") == 1 and p.stdout.count("OMG_PROMPT") == 1
    bad = env("shell-init", "tcsh")
    assert bad.returncode == 2 and "bash, zsh, fish" in bad.stderr


# ------------------------------------------------------------------ Arch: updates found privately

@pytest.fixture
def arch_fresh(tmp_path):
    sb = arch.build(str(tmp_path / "root"))
    sb["backend"] = "alpm"
    return sb


def sync_state(root):
    """Bytes and mtimes of everything under the system's DBPath but the local database."""
    top = Path(root, "var/lib/pacman")
    out = {}
    for p in sorted(top.rglob("*")):
        if "local" in p.relative_to(top).parts[:1] or not p.is_file():
            continue
        out[str(p)] = (p.read_bytes(), p.stat().st_mtime_ns)
    return out


def test_arch_finds_updates_without_syncing_the_system(env, arch_fresh):
    """As checkupdates: a newer package on the mirror shows in the snapshot, while the
    system's sync databases (what pacman -Qu reads) and its lock are never touched."""
    root = arch_fresh["root"]
    env.config.parent.mkdir(parents=True, exist_ok=True)
    env.config.write_text("[status]\ncheck_interval = 1\n")
    first = status(env, root)
    got = wait_fast(env, root, lambda f: f["checked"] > 0)
    assert got["upgradable"] == first["upgradable"] == 1
    before = sync_state(root)
    # libalpm asks If-Modified-Since, to the second: the new database must be of a later
    # second than the copy just fetched. Into the next second (not a whole second more),
    # with a margin: the file system's clock may lag the system's by a tick.
    time.sleep(int(time.time()) + 1.05 - time.time())
    arch.publish(arch_fresh, "omg-base", "1.1")
    got = wait_fast(env, root, lambda f: f["upgradable"] == 2)
    assert got["held"] == 1 and not got["check_failed"]
    assert sync_state(root) == before  # the system's sync databases: byte for byte
    assert not os.path.exists(os.path.join(root, "var/lib/pacman/db.lck"))
    assert len(subprocess.run(arch.pacman_cmd(root, "-Qu"), capture_output=True,
                              text=True).stdout.split("\n")) - 1 == 2  # pacman -Qu: not yet
    st = status(env, root)
    assert st["upgradable"] == 2 and st["checked"] > 0
    assert "updates looked for" in env("status", root=root, check=0).stdout
    # after pacman -Sy the system agrees
    arch.pacman(root, "-Sy")
    assert native_counts(arch_fresh)[0] == 3
    # a mirror that does not answer: the failure is reported, the last figures stay
    conf = Path(root, "etc/pacman.d/omg-extra.conf")
    conf.write_text(conf.read_text().replace("Server = file://", "Server = http://127.0.0.1:1/x"))
    got = wait_fast(env, root, lambda f: f["check_failed"])
    assert "looking for updates failed" in env("status", root=root, check=0).stdout
