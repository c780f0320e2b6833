# SPDX-License-Identifier: MIT
"""The AUR on an alpm sandbox, against the loopback aurweb (tests/fixtures/aurd.py): search and
info merged with the official results, the AUR's errors, updates of foreign packages, reviews
kept against the approved files, and builds by makepkg as an unprivileged user, installed by
the engine's transaction and checked with pacman -Q on the sandbox."""
import json
import os
import pty
import pwd
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

from conftest import OMG, arch, installed_versions, read_pty

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fixtures"))
from aurd import LoopbackAUR  # noqa: E402

EXIT_POLICY, EXIT_CANCELLED = 13, 11


def build_user():
    """Who makepkg runs as: nobody when the tests run as root (makepkg refuses root)."""
    return "nobody" if os.getuid() == 0 else pwd.getpwuid(os.getuid()).pw_name


@pytest.fixture
def env(env, tmp_path):
    """conftest's env with a data directory of the test's own: approvals are kept there,
    and one test's must not be another's."""
    data = tmp_path / "xdg_data_home"
    data.mkdir(mode=0o700)
    env.env["XDG_DATA_HOME"] = str(data)
    env.full["XDG_DATA_HOME"] = str(data)
    return env


@pytest.fixture
def aur(tmp_path):
    with LoopbackAUR(str(tmp_path / "aur")) as a:
        yield a


@pytest.fixture
def sb(tmp_path):
    s = arch.build(str(tmp_path / "root"))
    s["backend"] = "alpm"
    return s


@pytest.fixture
def build_dir():
    """A build directory the build user can reach (a tmp_path is 0700 root's)."""
    d = tempfile.mkdtemp(prefix="omg-aur-build-")
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def configure(env, aur, build_dir=None, extra=""):
    text = "[aur]\nenabled = yes\nurl = %s\nbuild_user = %s\n" % (aur.url, build_user())
    if build_dir:
        text += "build_dir = %s\n" % build_dir
    env.config.write_text(text + extra)


def rpc_requests(aur, prefix):
    return [r for r in aur.requests() if r["path"].startswith(prefix)]


# -- search and info ---------------------------------------------------------------------

def test_search_merges_the_aur_after_the_official_results(env, aur, sb):
    aur.add("omg-aurtool", Description="An omg helper only the AUR has", NumVotes=42,
            Popularity=1.234567, Maintainer="alice")
    aur.add("omg-orphaned", Description="Nobody keeps this omg thing", Maintainer=None)
    configure(env, aur)
    p = env("search", "omg", root=sb["root"], check=0)
    lines = p.stdout.splitlines()
    names = [ln.split()[1] if ln[:3].strip() else ln.split()[0] for ln in lines]
    assert "omg-editor" in names and "omg-aurtool" in names, p.stdout
    assert names.index("omg-aurtool") > names.index("omg-editor"), p.stdout
    aur_line = [ln for ln in lines if "omg-aurtool" in ln][0]
    assert " aur " in aur_line, aur_line
    # the AUR was asked by name-desc, with the term
    reqs = rpc_requests(aur, "/rpc/v5/search")
    assert reqs and reqs[-1]["args"].get("by") == ["name-desc"], reqs
    # --aur only, --repo only
    p = env("search", "--aur", "omg", root=sb["root"], check=0)
    assert "omg-aurtool" in p.stdout and "omg-editor" not in p.stdout, p.stdout
    n = len(aur.requests())
    p = env("search", "--repo", "omg", root=sb["root"], check=0)
    assert "omg-editor" in p.stdout and "omg-aurtool" not in p.stdout, p.stdout
    assert len(aur.requests()) == n, "--repo asked the AUR"


def test_search_json_carries_the_aur_fields(env, aur, sb):
    aur.add("omg-aurtool", Description="An omg helper", NumVotes=42, Popularity=1.5,
            Maintainer=None, OutOfDate=1700000123, Version="2:1.0-3")
    configure(env, aur)
    got = env("--json", "search", "aurtool", root=sb["root"], check=0)
    rows = json.loads(got.stdout)
    row = [r for r in rows if r["name"] == "omg-aurtool"][0]
    assert row["repo"] == "aur" and row["version"] == "2:1.0-3"
    a = row["aur"]
    assert a["votes"] == 42 and abs(a["popularity"] - 1.5) < 1e-9
    assert a["maintainer"] is None and a["out_of_date"] == 1700000123
    assert a["snapshot"] == aur.url + "/cgit/aur.git/snapshot/omg-aurtool.tar.gz"


def test_info_falls_back_to_the_aur(env, aur, sb):
    aur.add("zapp", Name="zapp-bin", Version="1:1.4.2-3", Description="Tiny example tool",
            Depends=["glibc", "openssl>=3"], MakeDepends=["cargo"], CheckDepends=["python-pytest"],
            OptDepends=["git"], Provides=["zapp=1.4.2"], Keywords=["cli"], NumVotes=12,
            Popularity=0.412345, Maintainer="alice", Submitter="bob",
            FirstSubmitted=1600000000, LastModified=1731000000, OutOfDate=None)
    configure(env, aur)
    p = env("info", "zapp-bin", root=sb["root"], check=0)
    out = p.stdout
    for want in ("zapp-bin", "1:1.4.2-3", "aur", "Tiny example tool", "openssl>=3", "cargo",
                 "python-pytest", "alice", "bob", "12", "0.41", "cli", "zapp=1.4.2",
                 "/cgit/aur.git/snapshot/zapp.tar.gz", "2020", "2024"):
        assert want in out, (want, out)
    assert "Out Of Date" in out and "No" in out
    # a name nobody has is still reported missing (exit 3)
    p = env("info", "no-such-thing-anywhere", root=sb["root"], check=3)
    assert "not found" in p.stderr


# -- the AUR's errors ----------------------------------------------------------------------

def test_errors_are_one_line_and_the_official_results_stand(env, aur, sb):
    # the deadline, not the request timeout, bounds a search's wait for the AUR
    configure(env, aur, extra="search_deadline = 1\ntimeout = 10\ncache = 0\n")
    root = sb["root"]
    cases = [
        ({"status": 429}, "rate limit"),
        ({"error": "Too many package results."}, "Too many package results."),
        ({"body": "{not json"}, "AUR"),
        ({"body": json.dumps({"version": 5, "type": "search", "resultcount": 1,
                              "results": [{"Name": 7}]})}, "AUR"),
        ({"hang": True}, "AUR"),
        ({"huge_results": 3000, "drip": 20000}, "AUR"),  # a reply that keeps coming
    ]
    for behaviour, said in cases:
        aur.behave("/rpc/v5/search/*", **behaviour)
        t = time.monotonic()
        p = env("search", "omg-editor", root=root, check=0)
        took = time.monotonic() - t
        assert "omg-editor" in p.stdout, (behaviour, p.stdout, p.stderr)
        warn = [ln for ln in p.stderr.splitlines() if said in ln]
        assert len(warn) == 1, (behaviour, p.stderr)
        assert took < 4, (behaviour, took)
    aur.behave("/rpc/v5/search/*")
    # too short an argument: the AUR's own words, said before asking
    p = env("search", "--aur", "x", root=root)
    assert p.returncode == 1 and "Query arg too small." in p.stderr, p.stderr


def test_an_apt_root_never_asks_the_aur(env, aur, deb_sb):
    configure(env, aur)
    p = env("search", "omg", root=deb_sb["root"], check=0)
    assert p.returncode == 0 and not aur.requests(), (p.stderr, aur.requests())
    p = env("search", "--aur", "omg", root=deb_sb["root"])
    assert p.returncode == 1 and "alpm" in p.stderr and not aur.requests(), p.stderr


# -- foreign packages ----------------------------------------------------------------------

def test_upgradable_includes_foreign_packages_the_aur_has_newer(env, aur, sb):
    aur.add("omg-foreign", Version="4.3-1")
    configure(env, aur)
    p = env("list", "--upgradable", root=sb["root"], check=0)
    row = [ln for ln in p.stdout.splitlines() if "omg-foreign" in ln]
    assert row and "aur" in row[0] and "4.3-1" in row[0], p.stdout
    # one info request for every foreign package, with arg[]
    reqs = rpc_requests(aur, "/rpc/v5/info")
    assert len(reqs) == 1 and reqs[0]["args"]["arg[]"] == ["omg-foreign"], reqs
    rows = json.loads(env("--json", "list", "--upgradable", root=sb["root"], check=0).stdout)
    f = [r for r in rows if r["name"] == "omg-foreign"][0]
    assert f["upgradable"] and f["repo"] == "aur" and f["aur"]["version"] == "4.3-1"


def test_foreign_packages_not_in_the_aur_are_said(env, aur, sb):
    configure(env, aur)
    p = env("list", "--foreign", root=sb["root"], check=0)
    row = [ln for ln in p.stdout.splitlines() if "omg-foreign" in ln]
    assert row and "not in the AUR" in row[0], p.stdout
    rows = json.loads(env("--json", "list", "--foreign", root=sb["root"], check=0).stdout)
    assert [r["aur"]["state"] for r in rows if r["name"] == "omg-foreign"] == ["missing"]


# -- reviews and builds --------------------------------------------------------------------

@pytest.fixture
def system_engine(omg, aur):
    """A system engine (root only) on a sandbox root every user can walk down to, with no
    build_dir: (root, socket)."""
    if os.getuid() != 0:
        pytest.skip("a system engine needs root")
    top = tempfile.mkdtemp(prefix="omg-aur-sys-")
    os.chmod(top, 0o755)  # the build user walks down to ROOT/var/lib/omg/aur-build/BASE
    root = arch.build(os.path.join(top, "root"))["root"]
    config = os.path.join(top, "config")
    with open(config, "w") as f:
        f.write("[security]\narch_url = http://127.0.0.1:9/all.json\n"
                "[aur]\nurl = %s\nbuild_user = %s\n" % (aur.url, build_user()))
    sock = os.path.join(top, "omgd.sock")
    p = subprocess.Popen([str(OMG), "--root", root, "daemon", "run", "--system", "--socket",
                          sock, "--config", config], env=omg.env, stderr=subprocess.PIPE,
                         text=True)
    try:
        deadline = time.monotonic() + 30
        while not os.path.exists(sock):
            assert p.poll() is None and time.monotonic() < deadline, p.stderr.read()
            time.sleep(0.05)
        yield root, sock
    finally:
        p.terminate()
        p.wait(timeout=10)
        shutil.rmtree(top, ignore_errors=True)


def test_the_system_engine_builds_where_the_build_user_can_reach(omg, aur, system_engine):
    """No build_dir: the system engine's default (DATA/aur-build) is one the build user can
    reach, outside the approvals' private DATA/aur."""
    root, sock = system_engine
    aur.add_pkgbuild("omg-aur-lib", "1.0")
    q = omg.run("--socket", sock, "aur", "review", "--approve", "omg-aur-lib")
    assert q.returncode == 0, q.stderr
    data = os.path.join(root, "var/lib/omg")
    assert os.stat(os.path.join(data, "aur")).st_mode & 0o777 == 0o700
    snap = os.path.join(data, "aur-build", "omg-aur-lib", "snapshot")
    assert os.stat(snap).st_uid == pwd.getpwnam(build_user()).pw_uid
    assert os.path.exists(os.path.join(snap, "PKGBUILD")), os.listdir(snap)


def test_only_the_admin_group_approves_on_the_system_engine(omg, aur, system_engine, tmp_path):
    """Any local user reads the system engine, but an approval decides what root's
    transaction builds and a review downloads into its build directory: nobody's are
    refused (exit 9), and the plan still needs an approval."""
    root, sock = system_engine
    aur.add_pkgbuild("omg-aur-lib", "1.0")
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("setpriv (util-linux) is missing")
    run = tmp_path / "nobody-run"
    run.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(run, 0o777)
    e = dict(omg.env, HOME=str(run), XDG_RUNTIME_DIR=str(run))
    as_nobody = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", str(OMG)]
    probe = subprocess.run(as_nobody + ["--version"], capture_output=True, text=True, env=e)
    if probe.returncode != 0:
        pytest.skip("nobody cannot run %s here: %s" % (OMG, probe.stderr.strip()))
    p = subprocess.run(as_nobody + ["--socket", sock, "aur", "review", "--approve",
                                    "omg-aur-lib"], capture_output=True, text=True, env=e)
    # --approve reviews first: that is refused already
    assert p.returncode == 9 and "reviewing AUR build files needs root" in p.stderr, p.stderr
    p = subprocess.run(as_nobody + ["--socket", sock, "aur", "review", "omg-aur-lib"],
                       capture_output=True, text=True, env=e)
    assert p.returncode == 9 and "reviewing AUR build files needs root" in p.stderr, p.stderr
    # searching is a read: nobody may
    p = subprocess.run(as_nobody + ["--socket", sock, "search", "--aur", "omg-aur"],
                       capture_output=True, text=True, env=e)
    assert p.returncode == 0 and "omg-aur-lib" in p.stdout, p.stderr
    q = omg.run("--socket", sock, "install", "--dry-run", "omg-aur-lib")
    assert q.returncode == EXIT_POLICY, (q.stdout, q.stderr)
    assert "omg aur review omg-aur-lib" in q.stdout + q.stderr
    # root may
    q = omg.run("--socket", sock, "aur", "review", "--approve", "omg-aur-lib")
    assert q.returncode == 0, q.stderr
    q = omg.run("--socket", sock, "install", "--dry-run", "omg-aur-lib")
    assert q.returncode == 0, (q.stdout, q.stderr)


def test_two_level_dependency_is_built_in_order_and_installed(env, aur, sb, build_dir):
    # omg-aur-app needs omg-aur-lib (AUR) at run time and omg-base (repository)
    aur.add_pkgbuild("omg-aur-lib", "1.0", depends=["omg-base"])
    aur.add_pkgbuild("omg-aur-app", "2.0", depends=["omg-aur-lib"], makedepends=["omg-lib"])
    configure(env, aur, build_dir)
    root = sb["root"]
    for name in ("omg-aur-lib", "omg-aur-app"):
        env("aur", "review", "--approve", name, root=root, check=0)
    p = env("install", "--yes", "omg-aur-app", root=root)
    assert p.returncode == 0, (p.stdout, p.stderr)
    got = installed_versions(sb)
    assert got.get("omg-aur-lib") == "1.0-1" and got.get("omg-aur-app") == "2.0-1", got
    # built in order: the library's log before the application's
    logs = {b: os.path.join(build_dir, b, "build.log") for b in ("omg-aur-lib", "omg-aur-app")}
    assert all(os.path.exists(v) for v in logs.values()), logs
    assert os.stat(logs["omg-aur-lib"]).st_mtime <= os.stat(logs["omg-aur-app"]).st_mtime
    # makepkg ran as the build user: the packages it made are that user's
    uid = pwd.getpwnam(build_user()).pw_uid
    built = [os.path.join(d, f) for d, _, fs in os.walk(build_dir) for f in fs
             if ".pkg.tar" in f]
    assert built and all(os.stat(f).st_uid == uid for f in built), built
    # the dependency is installed as one, the target explicitly; one history entry
    qi = subprocess.run(arch.pacman_cmd(root, "-Qi", "omg-aur-lib"), capture_output=True,
                        text=True).stdout
    assert "Installed as a dependency" in qi, qi
    h = json.loads(env("--json", "history", root=root, check=0).stdout)
    assert any("omg-aur-app" in e.get("command", "") for e in h), h


def test_unreviewed_build_is_refused_without_a_terminal(env, aur, sb, build_dir):
    aur.add_pkgbuild("omg-aur-lib", "1.0")
    configure(env, aur, build_dir)
    p = env("install", "--yes", "omg-aur-lib", root=sb["root"])
    assert p.returncode == EXIT_POLICY, (p.stdout, p.stderr)
    assert "omg aur review omg-aur-lib" in p.stdout + p.stderr
    assert "omg-aur-lib" not in installed_versions(sb)
    log = env("audit", "log", root=sb["root"], check=0).stdout
    assert "refused" in log, log


def test_review_shows_only_the_diff_against_the_approved_version(env, aur, sb, build_dir):
    aur.add_pkgbuild("omg-aur-lib", "1.0", files={"notes.txt": "line one\nline two\n"})
    configure(env, aur, build_dir)
    root = sb["root"]
    first = env("aur", "review", "omg-aur-lib", root=root, check=0)
    assert "pkgname=omg-aur-lib" in first.stdout and "line two" in first.stdout, first.stdout
    env("aur", "review", "--approve", "omg-aur-lib", root=root, check=0)
    # version 2 changes one line of notes.txt (and the PKGBUILD's pkgver and checksum)
    aur.add_pkgbuild("omg-aur-lib", "2.0", files={"notes.txt": "line one\nline 2\n"})
    # a download in between that nobody approved does not move the baseline
    env("aur", "review", "omg-aur-lib", root=root, check=0)
    second = env("aur", "review", "omg-aur-lib", root=root, check=0).stdout
    assert "-line two" in second and "+line 2" in second, second
    assert "line one" not in [ln[1:] for ln in second.splitlines() if ln[:1] in "+-"], second
    assert "pkgver=2.0" in second and "-pkgver=1.0" in second, second


def test_an_aborted_review_approves_nothing(env, aur, sb, build_dir):
    aur.add_pkgbuild("omg-aur-lib", "1.0")
    configure(env, aur, build_dir)
    root = sb["root"]
    pid, fd = pty.fork()
    if pid == 0:
        e = dict(env.full)
        e["PAGER"] = "cat"
        os.execve(str(OMG), [str(OMG), "--root", root, "aur", "review", "omg-aur-lib"], e)
    out = b""
    deadline = time.monotonic() + 60
    while b"[y/N]" not in out and time.monotonic() < deadline:
        try:
            out += os.read(fd, 4096)
        except OSError:
            break
    assert b"[y/N]" in out, out
    os.write(fd, b"n\n")
    out += read_pty(fd)
    _, st = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(st) == EXIT_CANCELLED, out
    p = env("install", "--yes", "omg-aur-lib", root=root)
    assert p.returncode == EXIT_POLICY, (p.stdout, p.stderr)


def test_a_malicious_snapshot_is_refused(env, aur, sb, build_dir):
    root = sb["root"]
    configure(env, aur, build_dir)
    cases = {
        "omg-evil-abs": [{"name": "/etc/evil", "data": b"x"}],
        "omg-evil-dots": [{"name": "omg-evil-dots/../../evil", "data": b"x"}],
        "omg-evil-link": [{"name": "omg-evil-link/PKGBUILD", "data": b"pkgname=x"},
                          {"name": "omg-evil-link/out", "symlink": "/etc/passwd"}],
        "omg-evil-dev": [{"name": "omg-evil-dev/null", "device": "chr"}],
        "omg-evil-big": [{"name": "omg-evil-big/big", "size": 100 << 20}],
    }
    for base, entries in cases.items():
        aur.add(base)
        aur.snapshot_tar(base, entries)
        p = env("aur", "review", base, root=root)
        assert p.returncode == 7 and p.stderr.count("\n") == 1, (base, p.stderr)
        assert "snapshot of %s" % base in p.stderr, p.stderr
        assert not os.path.exists("/etc/evil")
        snap = os.path.join(build_dir, base, "snapshot")
        assert not os.path.exists(snap) or not os.listdir(snap), (base, os.listdir(snap))


def test_upgrade_rebuilds_foreign_packages_the_aur_has_newer(env, aur, sb, build_dir):
    # omg-foreign 4.2 is installed from no repository; the AUR has 4.3
    aur.add_pkgbuild("omg-foreign", "4.3")
    configure(env, aur, build_dir)
    root = sb["root"]
    env("aur", "review", "--approve", "omg-foreign", root=root, check=0)
    p = env("upgrade", "--no-sync", "--repo", "--dry-run", root=root, check=0)
    assert "omg-foreign" not in p.stdout, p.stdout
    before = installed_versions(sb)
    p = env("upgrade", "--no-sync", "--yes", root=root)
    assert p.returncode == 0, (p.stdout, p.stderr)
    after = installed_versions(sb)
    assert after["omg-foreign"] == "4.3-1"
    # the repositories' upgrade came first, in the same transaction
    assert after["omg-editor"] != before["omg-editor"], (before, after)
    qi = subprocess.run(arch.pacman_cmd(root, "-Qi", "omg-foreign"), capture_output=True,
                        text=True).stdout
    assert "Explicitly installed" in qi, qi


def test_split_package_base_is_built_once(env, aur, sb, build_dir):
    aur.add_pkgbuild("omg-split", "1.0", pkgname=["omg-split-a", "omg-split-b"],
                     split={"omg-split-b": {"depends": ["omg-split-a"]}})
    configure(env, aur, build_dir)
    root = sb["root"]
    env("aur", "review", "--approve", "omg-split-b", root=root, check=0)
    p = env("install", "--yes", "omg-split-b", root=root)
    assert p.returncode == 0, (p.stdout, p.stderr)
    got = installed_versions(sb)
    assert got.get("omg-split-a") == "1.0-1" and got.get("omg-split-b") == "1.0-1", got
    assert sum(1 for ln in p.stderr.splitlines() if "building omg-split from the AUR" in ln) == 1, \
        p.stderr


def test_a_dependency_cycle_is_refused_with_its_chain(env, aur, sb, build_dir):
    aur.add("omg-cyc-a", Depends=["omg-cyc-b"])
    aur.add("omg-cyc-b", Depends=["omg-cyc-a"])
    configure(env, aur, build_dir)
    p = env("install", "--yes", "omg-cyc-a", root=sb["root"])
    assert p.returncode == 7, (p.stdout, p.stderr)
    assert "cycle" in p.stderr and "omg-cyc-a" in p.stderr and "omg-cyc-b" in p.stderr


def test_a_failed_build_changes_nothing_and_keeps_its_log(env, aur, sb, build_dir, tmp_path):
    src = tmp_path / "omg-broken"
    src.mkdir()
    (src / "PKGBUILD").write_text(
        "pkgname=omg-broken\npkgver=1.0\npkgrel=1\narch=('any')\nlicense=('MIT')\n"
        "build() {\n\techo 'compiling omg-broken'\n\tfalse\n}\n"
        "package() {\n\tmkdir -p \"$pkgdir/usr/share/omg-broken\"\n}\n")
    aur.add("omg-broken", pkgbuild_dir=str(src), Version="1.0-1")
    configure(env, aur, build_dir)
    root = sb["root"]
    env("aur", "review", "--approve", "omg-broken", root=root, check=0)
    before = installed_versions(sb)
    p = env("install", "--yes", "omg-broken", root=root)
    assert p.returncode == 7, (p.stdout, p.stderr)
    log = os.path.join(build_dir, "omg-broken", "build.log")
    assert log in p.stderr, p.stderr
    assert "compiling omg-broken" in open(log).read()
    assert installed_versions(sb) == before


def test_install_on_a_terminal_reviews_then_builds(env, aur, sb, build_dir):
    aur.add_pkgbuild("omg-aur-lib", "1.0")
    configure(env, aur, build_dir)
    root = sb["root"]
    pid, fd = pty.fork()
    if pid == 0:
        e = dict(env.full)
        e["PAGER"] = "cat"
        os.execve(str(OMG), [str(OMG), "--root", root, "install", "omg-aur-lib"], e)
    out = b""
    answered = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if b"[y/N]" in out and "review" not in answered:
            answered.add("review")
            os.write(fd, b"y\n")
        if b"[Y/n]" in out and "proceed" not in answered:
            answered.add("proceed")
            os.write(fd, b"y\n")
    _, st = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(st) == 0, out.decode(errors="replace")
    assert b"pkgname=omg-aur-lib" in out, out
    assert installed_versions(sb).get("omg-aur-lib") == "1.0-1"
    log = env("audit", "log", root=root, check=0).stdout
    assert "aur-approved" in log, log
