# SPDX-License-Identifier: MIT
"""Packaging: make install-systemd and install-man put the units and man pages in place,
systemd-analyze accepts the units, the man pages render without warnings, and the engine
really serves a socket it inherits (socket activation with systemd-socket-activate)."""
import json
import os
import shutil
import signal
import subprocess
import time

import pytest

from conftest import OMG, TOP, names


def need(tool):
    """The path of tool; fails (not skips) the test when it is missing."""
    path = shutil.which(tool)
    assert path, f"{tool} is missing: run scripts/deps.sh"
    return path


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """make install-systemd install-man into a DESTDIR, with BINDIR where omg is."""
    base = tmp_path_factory.mktemp("install")
    dest = base / "dest"
    bindir = OMG.parent
    p = subprocess.run(["make", "-s", "--no-print-directory", "-C", str(TOP),
                        f"O={base / 'build'}", f"DESTDIR={dest}", "PREFIX=/usr",
                        f"BINDIR={bindir}", "install-systemd", "install-man"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    return {"dest": dest, "bindir": bindir, "system": dest / "usr/lib/systemd/system",
            "user": dest / "usr/lib/systemd/user", "man": dest / "usr/share/man"}


def unit(path):
    """A unit file as {key: [values]} (sections flattened; keys are unique here)."""
    out = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "[")):
            k, v = line.split("=", 1)
            out.setdefault(k, []).append(v)
    return out


def test_installed_files(installed):
    for d in ("system", "user"):
        for name in ("omgd.socket", "omgd.service"):
            assert (installed[d] / name).is_file(), (d, name)
    assert (installed["man"] / "man1/omg.1").is_file()
    assert (installed["man"] / "man1/omg-fast.1").is_file()
    assert (installed["man"] / "man8/omgd.8").is_file()

    sock = unit(installed["system"] / "omgd.socket")
    assert sock["ListenStream"] == ["/run/omg/omgd.sock"]
    assert sock["SocketMode"] == ["0666"] and sock["DirectoryMode"] == ["0755"]
    svc = unit(installed["system"] / "omgd.service")
    assert svc["ExecStart"] == [f"{installed['bindir']}/omg daemon run --system"]
    assert svc["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    # Transactions will run through this service: nothing may make the system read-only.
    for key in ("ProtectSystem", "ReadOnlyPaths", "ProtectHome", "ProtectKernelModules",
                "RuntimeDirectory"):
        assert key not in svc, key

    usock = unit(installed["user"] / "omgd.socket")
    assert usock["ListenStream"] == ["%t/omg/omgd.sock"]
    assert usock["SocketMode"] == ["0600"] and usock["DirectoryMode"] == ["0700"]
    usvc = unit(installed["user"] / "omgd.service")
    assert usvc["ExecStart"] == [f"{installed['bindir']}/omg daemon run"]
    for text in [(installed[d] / n).read_text() for d in ("system", "user")
                 for n in ("omgd.service", "omgd.socket")]:
        assert "@" not in text.replace("%t", "")


@pytest.fixture(scope="module")
def analyze(tmp_path_factory):
    """systemd-analyze, if it can verify a unit in this environment; else skip, saying why."""
    need("systemd-analyze")
    d = tmp_path_factory.mktemp("probe")
    (d / "omg-probe.service").write_text("[Service]\nExecStart=/bin/true\n")
    p = subprocess.run(["systemd-analyze", "verify", str(d / "omg-probe.service")],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        pytest.skip(f"systemd-analyze verify does not work here: {p.stderr.strip()}")
    return d


def verify(installed, tmp_path, mode):
    env = dict(os.environ)
    # Documentation=man:omgd(8) is checked with man(1): find the installed pages.
    env["MANPATH"] = str(installed["man"])
    argv = ["systemd-analyze"]
    if mode == "user":
        run = tmp_path / "run"
        run.mkdir(mode=0o700)
        env["XDG_RUNTIME_DIR"] = str(run)
        argv.append("--user")
    d = installed[mode]
    return subprocess.run(argv + ["verify", str(d / "omgd.socket"), str(d / "omgd.service")],
                          capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.parametrize("mode", ["system", "user"])
def test_systemd_analyze_verify(installed, analyze, tmp_path, mode):
    p = verify(installed, tmp_path, mode)
    assert p.returncode == 0 and p.stdout + p.stderr == "", p.stdout + p.stderr


@pytest.mark.parametrize("page", ["omg.1", "omg-fast.1", "omgd.8"])
def test_man_page_renders(page):
    need("man")
    p = subprocess.run(["man", "--warnings", "-l", str(TOP / "docs/man" / page)],
                       capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, MANWIDTH="80"))
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert len(p.stdout.splitlines()) > 40


def test_omgd_documents_every_key():
    """Every configuration key of src/util/config.c is in omgd(8) and configuration.md."""
    import re
    src = (TOP / "src/util/config.c").read_text()
    keys = re.findall(r'KEY\("(\w+)", "(\w+)"', src)
    assert len(keys) >= 13
    man = (TOP / "docs/man/omgd.8").read_text()
    md = (TOP / "docs/configuration.md").read_text()
    for section, key in keys:
        assert f".SS [{section}]" in man and f"`[{section}]`" in md, section
        assert f".BR {key} " in man, key
        assert f"| `{key}` |" in md, key


@pytest.mark.parametrize("prog", ["omg", "omgd"])
def test_socket_activation(omg, sb, tmp_path, prog):
    """systemd-socket-activate binds the socket and passes it as fd 3 (LISTEN_FDS=1); the
    engine serves it, answers as in process, reloads on SIGHUP and exits on SIGTERM."""
    activate = need("systemd-socket-activate")
    root = sb["root"]
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    sock = run / "activated.sock"
    # systemd-socket-activate passes on only the variables named with -E.
    argv = [activate, "-l", str(sock)]
    for var in sorted(omg.env):
        if var.startswith(("XDG_", "OMG_", "ASAN_", "UBSAN_", "LSAN_")) or \
                var in ("HOME", "PATH", "LC_ALL"):
            argv.append(f"-E{var}")
    if prog == "omgd":
        # The same binary under the name omgd is "omg daemon run".
        exe = tmp_path / "omgd"
        exe.symlink_to(OMG.resolve())
        argv += [str(exe), "--root", root]
    else:
        argv += [str(OMG), "--root", root, "daemon", "run"]
    log = open(tmp_path / "engine.log", "w+")
    p = subprocess.Popen(argv, env=omg.env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            if sock.exists() or p.poll() is not None:
                break
            time.sleep(0.05)
        assert sock.exists(), open(tmp_path / "engine.log").read()

        remote = omg.run("--socket", sock, "search", "omg")
        local = omg.run("--no-daemon", "search", "omg", root=root)
        assert remote.returncode == 0, remote.stderr
        assert remote.stdout == local.stdout and remote.stdout
        got = names(json.loads(omg.run("--socket", sock, "--json", "search", "omg",
                                       check=0).stdout))
        assert "omg-editor" in got and got == names(omg.json("--no-daemon", "search", "omg",
                                                             root=root))

        # The engine is the activated process itself (exec keeps the pid).
        st = json.loads(omg.run("--socket", sock, "--json", "daemon", "status", check=0).stdout)
        assert st["pid"] == p.pid and st["mode"] == "user"
        assert os.path.realpath(st["root"]) == os.path.realpath(root)

        # ExecReload: SIGHUP reloads the configuration and the engine goes on serving.
        p.send_signal(signal.SIGHUP)
        for _ in range(200):
            if "configuration reloaded" in open(tmp_path / "engine.log").read():
                break
            time.sleep(0.05)
        assert "configuration reloaded" in open(tmp_path / "engine.log").read()
        assert omg.run("--socket", sock, "search", "omg").stdout == local.stdout

        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=20) == 0, open(tmp_path / "engine.log").read()
        # The socket is the activator's: the engine leaves it in place.
        assert sock.exists()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        log.close()
