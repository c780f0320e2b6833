# SPDX-License-Identifier: MIT
"""Bad input: one clear line on stderr and a documented exit code, never a crash."""
import os
import shutil
import subprocess

import pytest

from conftest import arch, debian

EXIT_USAGE, EXIT_UNKNOWN, EXIT_ROOT, EXIT_DB = 2, 3, 4, 5


def one_error_line(p, code, *fragments):
    assert p.returncode == code, (p.returncode, p.stderr)
    lines = [line for line in p.stderr.splitlines() if not line.startswith("omg: warning:")]
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("omg: ")
    for f in fragments:
        assert f in lines[0], lines[0]
    assert p.stdout == ""


@pytest.fixture
def arch_copy(arch_sb, tmp_path):
    """A private copy of the Arch sandbox that a test may damage."""
    dst = tmp_path / "root"
    shutil.copytree(arch_sb["root"], dst, symlinks=True)
    return str(dst)


@pytest.fixture
def deb_copy(tmp_path):
    return debian.build(str(tmp_path / "root"))["root"]


def test_missing_root(omg):
    one_error_line(omg.run("status", root="/nonexistent/omg-root"), EXIT_ROOT,
                   "/nonexistent/omg-root", "No such file or directory")


def test_root_is_a_file(omg, tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    one_error_line(omg.run("status", root=f), EXIT_ROOT, "Not a directory")


def test_root_without_package_system(omg, tmp_path):
    one_error_line(omg.run("search", "x", root=tmp_path), EXIT_ROOT, "no package system found")


def test_unknown_backend(omg, arch_sb):
    one_error_line(omg.run("--backend", "rpm", "status", root=arch_sb["root"]), EXIT_USAGE,
                   "unknown backend 'rpm'")


def test_corrupt_sync_db(omg, arch_copy):
    arch.corrupt_sync_db(arch_copy)
    one_error_line(omg.run("search", "omg", root=arch_copy), EXIT_DB,
                   "cannot read database 'omg-core'", "omg-core.db")


def test_missing_sync_db_is_a_warning(omg, arch_copy):
    os.unlink(os.path.join(arch_copy, "var/lib/pacman/sync/omg-core.db"))
    p = omg.run("--json", "list", "--installed", root=arch_copy)
    assert p.returncode == 0
    assert "database file for 'omg-core' does not exist" in p.stderr
    assert '"omg-base"' in p.stdout


@pytest.mark.parametrize("at,keep", [("%VERSION%", 5), ("%NAME%", 3), ("%ARCH%", 2)])
def test_truncated_desc_entry_is_reported_and_skipped(omg, arch_copy, at, keep):
    arch.truncate_desc(arch_copy, "omg-spell", at=at, keep=keep)
    p = omg.run("--json", "search", "omg", root=arch_copy)
    assert p.returncode == 0
    assert "entry 'omg-spell-3.2-1' is corrupt" in p.stderr and "skipped" in p.stderr
    assert '"omg-spell"' not in p.stdout and '"omg-editor"' in p.stdout
    p = omg.run("info", "omg-spell", root=arch_copy)
    assert p.returncode == EXIT_UNKNOWN


def test_bad_pacman_conf(omg, arch_copy):
    conf = os.path.join(arch_copy, "etc/pacman.conf")
    with open(conf, "a") as f:
        f.write("\n[broken\n")
    one_error_line(omg.run("status", root=arch_copy), EXIT_DB, "pacman.conf:", "bad section header")


def test_bad_siglevel(omg, arch_copy):
    conf = os.path.join(arch_copy, "etc/pacman.conf")
    text = open(conf).read().replace("SigLevel = Never", "SigLevel = Sometimes")
    open(conf, "w").write(text)
    one_error_line(omg.run("status", root=arch_copy), EXIT_DB, "invalid SigLevel")


def test_missing_include(omg, arch_copy):
    os.unlink(os.path.join(arch_copy, "etc/pacman.d/omg-extra.conf"))
    one_error_line(omg.run("status", root=arch_copy), EXIT_DB, "omg-extra.conf")


def test_corrupt_apt_lists(omg, deb_copy):
    debian.corrupt_lists(deb_copy)
    one_error_line(omg.run("search", "omg", root=deb_copy), EXIT_DB)


def test_truncated_dpkg_status(omg, deb_copy):
    debian.truncate_status(deb_copy)
    one_error_line(omg.run("list", root=deb_copy), EXIT_DB, "status")


@pytest.mark.parametrize("args,fragment", [
    (["--bogus"], "unknown option '--bogus'"),
    (["-z"], "unknown option '-z'"),
    (["frobnicate"], "unknown command 'frobnicate'"),
    (["search", "--limit", "many", "x"], "--limit needs a whole number"),
    (["info", "--regex", "x"], "--regex does not apply to 'info'"),
    (["--color", "purple", "status"], "--color takes auto, always or never"),
    (["search", "--root"], "needs a value"),
])
def test_usage_errors(omg, arch_sb, args, fragment):
    one_error_line(omg.run(*args, root=arch_sb["root"]), EXIT_USAGE, fragment)


@pytest.mark.smoke
def test_help_and_version(omg):
    p = omg.run("--help", check=0)
    assert "usage: omg" in p.stdout and "exit status" in p.stdout
    p = omg.run("search", "--help", check=0)
    assert p.stdout.startswith("omg search")
    assert omg.run("--version", check=0).stdout.startswith("omg ")


def test_missing_modules(omg, arch_sb, tmp_path):
    # A copy of omg with no modules/ beside it, and nothing installed system-wide. With
    # no engine running (a runtime directory of its own), it starts one, which reports
    # the missing module back to the client: first the engine's own, then, with the
    # engine module beside it, the backend's.
    if os.path.exists("/usr/local/lib/omg/modules"):
        pytest.fail("omg is installed system-wide (/usr/local/lib/omg/modules): this test "
                    "needs a machine without it")
    exe = tmp_path / "omg"
    shutil.copy(os.path.realpath(str(omg_binary())), exe)
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    env = dict(omg.env, OMG_NO_STORE="1", XDG_RUNTIME_DIR=str(run))
    p = subprocess.run([str(exe), "--root", arch_sb["root"], "status"], capture_output=True,
                       text=True, env=env)
    assert p.returncode == 6, p
    assert p.stderr.startswith("omg: the engine module omg-engine.so is not installed"), p
    p = subprocess.run([str(exe), "--root", arch_sb["root"], "--no-daemon", "status"],
                       capture_output=True, text=True, env=env)
    assert p.returncode == 6, p
    assert p.stderr.startswith("omg: the engine module omg-engine.so is not installed"), p
    mods = tmp_path / "modules"
    mods.mkdir()
    built = os.path.join(os.path.dirname(os.path.realpath(str(omg_binary()))), "modules")
    os.symlink(os.path.join(built, "omg-engine.so"), mods / "omg-engine.so")
    p = subprocess.run([str(exe), "--root", arch_sb["root"], "status"], capture_output=True,
                       text=True, env=env)
    assert p.returncode == 6, p
    assert p.stderr.startswith("omg: the alpm backend module omg-alpm.so is not installed"), p


def omg_binary():
    from conftest import OMG
    return OMG


def test_unwritable_stdout_has_its_own_status(omg, arch_sb):
    # A full disk behind stdout: the answer is lost, and the exit status says so (12),
    # not that a module or a database is missing.
    from conftest import OMG
    with open("/dev/full", "w") as full:
        p = subprocess.run([str(OMG), "--root", arch_sb["root"], "search", "omg"],
                           stdout=full, stderr=subprocess.PIPE, text=True, env=omg.env)
    assert p.returncode == 12, p
    assert p.stderr.startswith("omg: cannot write output: No space left on device"), p
