# SPDX-License-Identifier: MIT
"""Shared fixtures for the end-to-end tests: the real omg binary, sandbox roots built by
tests/fixtures, temporary XDG directories, and helpers to run the native tools."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TOP / "tests" / "fixtures"))

import arch  # noqa: E402
import debian  # noqa: E402
import spec  # noqa: E402

# OMG_BIN selects another build (tests/run.sh runs the suite again on the ASan one).
OMG = Path(os.environ.get("OMG_BIN", TOP / "omg"))


def pytest_configure(config):
    # tests/run.sh passes --strict-markers: a mark not named here is an error.
    config.addinivalue_line(
        "markers", "smoke: a fast, broad test that make check runs (pytest -m smoke): "
        "search, info, list, status on both backends, a plan, the engine, the UI")


# Every engine a test starts reads a configuration that sends the advisory feeds to a
# closed loopback port (connection refused at once): no test contacts the real
# security trackers. Tests of the feeds write their own [security] keys after these.
OFFLINE_CONFIG = ("[security]\narch_url = http://127.0.0.1:9/all.json\n"
                  "debian_url = http://127.0.0.1:9/\n"
                  "[aur]\nurl = http://127.0.0.1:9\nenabled = no\n")


class Config(type(Path())):
    """The user configuration file: what a test writes comes after OFFLINE_CONFIG."""

    def write_text(self, data, *args, **kw):
        return super().write_text(OFFLINE_CONFIG + data, *args, **kw)


def _offline_config(config_home):
    path = Config(config_home) / "omg" / "config"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("")
    return path


@pytest.fixture(scope="session")
def xdg(tmp_path_factory):
    """Private XDG directories, so no test reads or writes the user's."""
    base = tmp_path_factory.mktemp("xdg")
    env = {}
    for var in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR",
                "XDG_STATE_HOME"):
        d = base / var.lower()
        d.mkdir(mode=0o700)
        env[var] = str(d)
    _offline_config(env["XDG_CONFIG_HOME"])
    return env


class Omg:
    """Runs the real omg binary with a clean environment."""

    def __init__(self, xdg_env):
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("NO_COLOR", "APT_CONFIG", "COLUMNS")}
        self.env.update(xdg_env)
        self.env["LC_ALL"] = "C.UTF-8"
        self.env["HOME"] = xdg_env["XDG_CONFIG_HOME"]

    def run(self, *args, root=None, check=None, env=None):
        argv = [str(OMG)]
        if root:
            argv += ["--root", str(root)]
        argv += [str(a) for a in args]
        e = dict(self.env)
        if env:
            e.update(env)
        p = subprocess.run(argv, capture_output=True, text=True, env=e, timeout=120)
        if "has not exited" in p.stderr:
            # An engine that would not stop, whatever the test expects: its stacks.
            explain_stuck_engine(p.stderr, Path(e.get("XDG_STATE_HOME", "/nonexistent")) / "omg")
        if check is not None:
            assert p.returncode == check, (argv, p.returncode, p.stdout, p.stderr)
        return p

    def json(self, *args, root=None):
        import json
        p = self.run("--json", *args, root=root, check=0)
        return json.loads(p.stdout)


@pytest.fixture(scope="session")
def omg(xdg):
    """omg; the engines it starts on demand are stopped at the end of the session."""
    assert OMG.exists(), "build omg first (make test does)"
    o = Omg(xdg)
    yield o
    p = o.run("daemon", "stop", "--all")
    logs = Path(xdg["XDG_STATE_HOME"]) / "omg"
    if p.returncode != 0:
        explain_stuck_engine(p.stderr, logs)
    assert p.returncode == 0, p.stderr
    # Engines started on demand write to their logs: a sanitizer report there (the suite
    # runs again on an ASan+UBSan build) fails the session.
    for log in sorted(logs.glob("*.log")) if logs.is_dir() else []:
        assert_sanitizer_free(log)


def assert_sanitizer_free(log):
    """No sanitizer report in log. LeakSanitizer's "fatal error" is not one: it says the
    leak check could not suspend the exiting engine's threads under ptrace (a busy
    machine's race, google/sanitizers#764), so no check ran; it is printed, not failed."""
    import re
    text = log.read_text(errors="replace")
    stripped = re.sub(r"==\d+==LeakSanitizer has encountered a fatal error\.\n"
                      r"(==\d+==HINT: [^\n]*\n)*", "", text)
    if stripped != text:
        print(f"--- {log}: LeakSanitizer could not run at the engine's exit")
    assert "Sanitizer" not in stripped and "runtime error" not in stripped, (log, text[-4000:])


def explain_stuck_engine(stderr, logs):
    """An engine that would not stop: its threads' stacks (gdb) and its log's end, so a CI
    run says where it waited. Prints only; the caller decides whether that fails."""
    import re
    m = re.search(r"engine \(pid (\d+)\) has not exited", stderr)
    if m:
        try:
            with open(f"/proc/{m.group(1)}/status") as f:
                st = {k: v.strip() for k, _, v in (ln.partition(":") for ln in f)}
            ppid = st.get("PPid", "?")
            with open(f"/proc/{ppid}/cmdline", "rb") as f:
                parent = f.read().replace(b"\0", b" ").decode(errors="replace")
            print(f"--- engine {m.group(1)}: state {st.get('State')}, threads "
                  f"{st.get('Threads')}, parent {ppid}: {parent}")
        except OSError as e:
            print(f"--- engine {m.group(1)}: {e}")
    if m and shutil.which("gdb"):
        g = subprocess.run(["gdb", "-p", m.group(1), "-batch", "-ex", "thread apply all bt"],
                           capture_output=True, text=True, timeout=60)
        print(f"--- the engine {m.group(1)} that would not stop:\n{g.stdout[-8000:]}")
    if logs and Path(logs).is_dir():
        for log in sorted(Path(logs).glob("*.log")):
            print(f"--- {log.name} (the end)")
            print(log.read_text(errors="replace")[-3000:])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test, for fixtures that act on a failure."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


@pytest.fixture
def env(omg, tmp_path, request):
    """omg with runtime, state and config directories of its own: no engine runs yet.
    Every engine started here is stopped at the end."""
    e = {"XDG_RUNTIME_DIR": tempfile.mkdtemp(prefix="omgt-")}  # short: sun_path is small
    for var in ("XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        d = tmp_path / var.lower()
        d.mkdir(mode=0o700)
        e[var] = str(d)

    def run(*args, root=None, extra=None, check=None):
        return omg.run(*args, root=root, env=dict(e, **(extra or {})), check=check)
    run.env = e
    run.full = dict(omg.env, **e)  # the whole environment, for Popen
    run.config = _offline_config(tmp_path / "xdg_config_home")
    run.log = tmp_path / "xdg_state_home" / "omg"
    yield run
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed and run.log.is_dir():
        # A failure on CI leaves only this output: the engines' own account goes with it.
        for log in sorted(run.log.glob("*.log")):
            print(f"--- {log.name} (the end)")
            print(log.read_text(errors="replace")[-6000:])
    p = omg.run("daemon", "stop", "--all", env=e)
    if p.returncode != 0:
        explain_stuck_engine(p.stderr, run.log)
    assert p.returncode == 0, p.stderr
    shutil.rmtree(e["XDG_RUNTIME_DIR"])


@pytest.fixture(scope="session")
def arch_sb(tmp_path_factory):
    """An Arch sandbox root (trusted repo)."""
    return arch.build(str(tmp_path_factory.mktemp("arch") / "root"))


@pytest.fixture(scope="session")
def deb_sb(tmp_path_factory):
    """A Debian sandbox root (trusted repo)."""
    return debian.build(str(tmp_path_factory.mktemp("deb") / "root"))


@pytest.fixture(params=["alpm", "apt"])
def sb(request, arch_sb, deb_sb):
    """Each test using this runs once per backend."""
    return {"alpm": arch_sb, "apt": deb_sb}[request.param] | {"backend": request.param}


@pytest.fixture(scope="module", params=["alpm", "apt"])
def plan_sb(request, tmp_path_factory):
    """A sandbox of each backend for one test module that plans (--dry-run, refused plans):
    a plan locks and touches the package databases, which would make the shared sandboxes'
    snapshot files look out of date to other tests."""
    build = arch.build if request.param == "alpm" else debian.build
    sb = build(str(tmp_path_factory.mktemp("plan-" + request.param) / "root"))
    return sb | {"backend": request.param}


def run_native(argv, env=None):
    """Runs a native tool and returns stdout; fails the test if it fails."""
    e = dict(os.environ)
    e["LC_ALL"] = "C.UTF-8"
    if env:
        e.update(env)
    p = subprocess.run(argv, capture_output=True, text=True, env=e, timeout=120)
    assert p.returncode == 0, (argv, p.returncode, p.stderr)
    return p.stdout


def installed_versions(sb):
    """{name: version} of a sandbox's installed packages, as pacman -Q or dpkg-query see
    them (held ones included)."""
    root = sb["root"]
    if sb["backend"] == "alpm":
        out = run_native(arch.pacman_cmd(root, "-Q"))
        return dict(line.split() for line in out.splitlines())
    out = run_native(["dpkg-query", "--admindir=" + os.path.join(root, "var/lib/dpkg"), "-W",
                      "-f", "${Package} ${Version} ${db:Status-Abbrev}\n"])
    rows = [line.split() for line in out.splitlines()]
    return {r[0]: r[1] for r in rows if len(r) == 3 and r[2][1:2] == "i"}  # ii, hi (held)


def pacman(root, *args):
    return run_native(arch.pacman_cmd(root, *args))


def apt(root, *argv):
    env = debian.apt_env(root)
    env["LC_ALL"] = "C.UTF-8"
    return run_native(list(argv), env=env)


def debian_lists():
    """This machine's real apt Packages lists (empty when it has none)."""
    import corpus
    return corpus.list_files()


@pytest.fixture(scope="session")
def arch_corpus(tmp_path_factory):
    """The host's Debian lists as an Arch sync db (tests/fixtures/corpus.py), for checks
    against pacman on real data; skipped on a machine without apt lists."""
    if not debian_lists():
        pytest.skip("no apt lists on this machine")
    import corpus
    return corpus.build_arch_corpus(str(tmp_path_factory.mktemp("corpus") / "root"))


def names(rows):
    return sorted(r["name"] for r in rows)


def wait_until(cond, what, timeout=20.0, interval=0.05):
    """Polls cond() until it returns something true, and returns that. At the deadline the
    test fails saying what never happened (what: a string, or a function called then, to
    report the state at that moment)."""
    deadline = time.monotonic() + timeout
    while True:
        got = cond()
        if got:
            return got
        if time.monotonic() > deadline:
            pytest.fail("after %g s: %s" % (timeout, what() if callable(what) else what))
        time.sleep(interval)


def process_gone(pid):
    """Whether pid has exited: no such process, or a zombie its parent has not reaped yet
    (the engines are reparented to init, which may reap late: kill(pid, 0) still works)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):  # gone before, or between open and read
        return True


def answers(path):
    """Whether something accepts connections on the Unix socket at path."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(str(path))
        return True
    except OSError:
        return False
    finally:
        s.close()


def read_pty(master):
    """Everything a pty's other side writes until it closes (EIO once the child is gone)."""
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)
