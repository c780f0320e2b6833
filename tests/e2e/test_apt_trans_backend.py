# SPDX-License-Identifier: MIT
"""The libapt-pkg backend's transactions, driven directly through build/tests/trans-run
(make tools) on fresh Debian sandboxes, and checked with dpkg itself (dpkg --root=SB -l,
dpkg --root=SB --audit): installs, failures that change nothing, removals with and without
--recursive, upgrades that leave held packages alone, a tampered package, a held lock,
syncs of plain and signed repositories, conffile decisions, and output capture.
Every command names the sandbox root; the host's package state is checked untouched."""
import fcntl
import hashlib
import os
import shutil
import subprocess
import time

import pytest

from conftest import TOP, debian, spec

TRANS_RUN = os.environ.get("OMG_TRANS_RUN", str(TOP / "build" / "tests" / "trans-run"))
EXIT_TRANS, EXIT_LOCKED = 7, 8


# ---------------------------------------------------------------- helpers

class Run:
    """One trans-run: its ITEM, EVENT, ERROR and LOCK lines, parsed."""

    def __init__(self, argv, proc):
        self.argv, self.rc, self.out, self.err = argv, proc.returncode, proc.stdout, proc.stderr
        self.items, self.events, self.error, self.lock = [], [], None, None
        for line in self.out.splitlines():
            words = line.split(" ")
            if words[0] == "ITEM":
                keys = ("action", "name", "old", "new", "repo", "download", "size_change")
                item = dict(zip(keys, words[1:]))
                item["download"], item["size_change"] = int(item["download"]), int(
                    item["size_change"])
                self.items.append(item)
            elif words[0] == "EVENT":
                # EVENT kind name text... index/count done/total percent
                self.events.append({"kind": words[1], "name": words[2],
                                    "text": " ".join(words[3:-3]), "index": words[-3],
                                    "bytes": words[-2], "percent": int(words[-1])})
            elif words[0] == "ERROR":
                self.error = (int(words[1]), " ".join(words[2:]))
            elif words[0] == "LOCK":
                self.lock = " ".join(words[1:])

    def names(self, action=None):
        return sorted(i["name"] for i in self.items if action in (None, i["action"]))

    def kinds(self, kind):
        return [e for e in self.events if e["kind"] == kind]

    def __repr__(self):
        return "trans-run %s -> %d\n%s%s" % (" ".join(self.argv[1:]), self.rc, self.out, self.err)


def trans(root, verb, *pkgs, commit=False, recursive=False, timeout=120):
    """Runs trans-run on the sandbox root (never without one)."""
    assert os.path.exists(TRANS_RUN), "build the tool first: make tools (%s)" % TRANS_RUN
    assert root and os.path.realpath(root) != "/"
    argv = [TRANS_RUN, "--backend", "apt", "--root", root]
    argv += ["--commit"] if commit else []
    argv += ["--recursive"] if recursive else []
    argv += [verb] + list(pkgs)
    env = {k: v for k, v in os.environ.items() if k not in ("APT_CONFIG",)}
    env["LC_ALL"] = "C.UTF-8"
    p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)
    return Run(argv, p)


def dpkg(root, *args, check=True):
    env = dict(os.environ, LC_ALL="C.UTF-8", COLUMNS="250")
    env.pop("APT_CONFIG", None)
    p = subprocess.run(["dpkg"] + debian.dpkg_args(root) + list(args), capture_output=True,
                       text=True, env=env, timeout=60)
    if check:
        assert p.returncode == 0, (args, p.stdout, p.stderr)
    return p


def dpkg_l(root):
    """{name: (status, version)} from dpkg --root=SB -l."""
    out = dpkg(root, "-l").stdout
    rows = {}
    for line in out.splitlines():
        w = line.split()
        if len(w) >= 3 and len(w[0]) == 2 and w[0][0] in "uihrp":
            rows[w[1]] = (w[0], w[2])
    return rows


def installed(root):
    """{name: version} of the packages dpkg has fully installed (ii or hi)."""
    return {n: v for n, (st, v) in dpkg_l(root).items() if st in ("ii", "hi")}


def audit_clean(root):
    p = dpkg(root, "--audit", check=False)
    assert p.returncode == 0 and p.stdout.strip() == "", (p.stdout, p.stderr)


def state(root):
    """Everything a transaction may write, to prove a plan or a failure wrote nothing."""
    files = ["var/lib/dpkg/status", "var/lib/apt/extended_states", "var/log/dpkg.log"]
    snap = {f: open(os.path.join(root, f), "rb").read()
            if os.path.exists(os.path.join(root, f)) else None for f in files}
    snap["archives"] = sorted(os.listdir(os.path.join(root, "var/cache/apt/archives")))
    return snap


def lock_is_free(root):
    """True if this process can take (and then drops) dpkg's frontend lock."""
    fd = os.open(os.path.join(root, "var/lib/dpkg/lock-frontend"), os.O_RDWR | os.O_CREAT, 0o640)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def repo_field(root, name, field):
    """A field of name's stanza in the sandbox repository's Packages file."""
    with open(os.path.join(root, "repo", "Packages"), encoding="utf-8") as f:
        for stanza in f.read().split("\n\n"):
            fields = dict(line.split(": ", 1) for line in stanza.splitlines()
                          if ": " in line and not line.startswith(" "))
            if fields.get("Package") == name:
                return fields[field]
    raise KeyError(name)


def add_package(root, name, version, depends=None, conffile=None):
    """Builds name_version into SB/repo (with an optional /etc conffile and its text) and
    re-indexes the (unsigned) repository; a sync makes apt see it."""
    stage = os.path.join(root, "build-" + name + "-" + version)
    os.makedirs(os.path.join(stage, "DEBIAN"))
    control = ["Package: " + name, "Version: %s-1" % version,
               "Architecture: " + subprocess.run(["dpkg", "--print-architecture"],
                                                 capture_output=True, text=True).stdout.strip(),
               "Maintainer: omg tests <tests@example.org>",
               "Description: test package " + name]
    if depends:
        control.insert(3, "Depends: " + depends)
    if conffile:
        path, text = conffile
        os.makedirs(os.path.join(stage, os.path.dirname(path.lstrip("/"))), exist_ok=True)
        with open(os.path.join(stage, path.lstrip("/")), "w") as f:
            f.write(text)
        with open(os.path.join(stage, "DEBIAN/conffiles"), "w") as f:
            f.write(path + "\n")
    with open(os.path.join(stage, "DEBIAN/control"), "w") as f:
        f.write("\n".join(control) + "\n")
    for d, _, _ in os.walk(stage):
        os.chmod(d, 0o755)
    out = os.path.join(root, "repo", "%s_%s-1.deb" % (name, version))
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", stage, out],
                   check=True, capture_output=True)
    shutil.rmtree(stage)
    debian._make_repo(root, debian.apt_env(root))
    return out


@pytest.fixture
def sb(tmp_path):
    """A fresh unsigned (trusted=yes) Debian sandbox for each test."""
    return debian.build(str(tmp_path / "root"))["root"]


@pytest.fixture
def signed_sb(tmp_path):
    """A fresh signed (signed-by) Debian sandbox for each test."""
    return debian.build(str(tmp_path / "root"), signed=True)["root"]


def _host_state():
    snap = {}
    for f in ("/var/lib/dpkg/status", "/var/log/dpkg.log", "/var/lib/apt/extended_states"):
        try:
            with open(f, "rb") as fh:
                snap[f] = hashlib.sha256(fh.read()).hexdigest()
        except OSError:
            snap[f] = None
    d = "/var/cache/apt/archives"
    snap[d] = sorted(os.listdir(d)) if os.path.isdir(d) else None
    return snap


@pytest.fixture(scope="module", autouse=True)
def host_untouched():
    """The host's dpkg database, dpkg log and apt archives are the same after the module."""
    before = _host_state()
    yield
    assert _host_state() == before


# ---------------------------------------------------------------- plans

def test_plan_alone_changes_nothing_and_releases_the_lock(sb):
    before = state(sb)
    for args, kw in ((("install", "omg-spell"), {}), (("remove", "omg-editor"), {}),
                     (("remove", "omg-editor"), {"recursive": True}), (("upgrade",), {}),
                     (("sync",), {})):
        r = trans(sb, *args, **kw)
        assert r.rc == 0, r
        assert r.items, r
        assert not r.events, r  # no commit, no progress
    assert state(sb) == before
    assert lock_is_free(sb)


def test_install_spell(sb):
    r = trans(sb, "install", "omg-spell")
    assert r.rc == 0, r
    # omg-lib, its only dependency, is installed already: one item.
    assert r.items == [{"action": "install", "name": "omg-spell", "old": "-",
                        "new": "3.2-1", "repo": "omg-stable",
                        # a file: repository is used in place: nothing to fetch (apt's
                        # "Need to get 0 B")
                        "download": 0,
                        # Installed-Size is KiB in the control file; the plan says bytes
                        "size_change": int(repo_field(sb, "omg-spell", "Installed-Size")) * 1024}]
    r = trans(sb, "install", "omg-spell", commit=True)
    assert r.rc == 0, r
    assert installed(sb)["omg-spell"] == "3.2-1"
    audit_clean(sb)
    phases = [e["text"] for e in r.kinds("phase")]
    assert phases == ["downloading", "installing"], r
    downloads = r.kinds("download")
    assert downloads[-1]["name"] == "omg-spell" and downloads[-1]["text"] == "done", r
    assert downloads[-1]["percent"] == 100
    pkgs = r.kinds("package")
    assert pkgs and all(e["name"] == "omg-spell" and e["index"] == "1/1" for e in pkgs), r
    # the verb of the whole change, the name apart (not apt's "Installed omg-spell (3.2-1)")
    assert {e["text"] for e in pkgs} == {"installing"} and pkgs[-1]["percent"] == 100
    assert lock_is_free(sb)


def test_install_with_unsatisfiable_dependency_fails_and_changes_nothing(sb):
    before = state(sb)
    for commit in (False, True):
        r = trans(sb, "install", "omg-missingdep", commit=commit)
        assert r.rc == EXIT_TRANS, r
        assert r.error[1] == ("omg-missingdep : Depends: omg-nonexistent but it is not "
                              "installable"), r
        assert not r.items and not r.events
    assert state(sb) == before
    assert "omg-missingdep" not in installed(sb)
    audit_clean(sb)
    assert lock_is_free(sb)


def test_install_conflicting_with_installed_package_is_refused(sb):
    before = state(sb)
    r = trans(sb, "install", "omg-editor-legacy", commit=True)
    assert r.rc == EXIT_TRANS, r
    # apt's resolver would remove omg-editor: the user did not name it, so no plan.
    msg = r.error[1]
    assert "omg-editor-legacy" in msg and "would remove omg-editor" in msg, r
    assert "conflicts" in msg
    assert state(sb) == before
    pkgs = installed(sb)
    assert pkgs["omg-editor"] == "1.0-1" and "omg-editor-legacy" not in pkgs
    audit_clean(sb)


def test_unknown_and_virtual_packages(sb):
    r = trans(sb, "install", "omg-nosuch")
    assert r.error == (EXIT_TRANS, "package 'omg-nosuch' was not found"), r
    r = trans(sb, "install", "text-editor")  # provided by omg-editor and omg-editor-legacy
    assert r.rc == EXIT_TRANS and "virtual" in r.error[1], r
    r = trans(sb, "remove", "omg-spell")
    assert r.error == (EXIT_TRANS, "package 'omg-spell' is not installed"), r


def test_installing_the_installed_version_is_an_empty_plan(sb):
    # omg-lib is installed, automatically, at the repository's version.
    r = trans(sb, "install", "omg-lib", commit=True)
    assert r.rc == 0 and r.items == [], r
    assert installed(sb)["omg-lib"] == "2.0-1"
    # ... and, as with apt-get, it is now marked as installed by hand.
    with open(os.path.join(sb, "var/lib/apt/extended_states")) as f:
        auto = [s for s in f.read().split("\n\n") if "Auto-Installed: 1" in s]
    assert not any("Package: omg-lib\n" in s for s in auto)


def test_pulled_in_dependency_is_installed_automatically(sb):
    add_package(sb, "omg-meta", "1.0", depends="vim-tiny-omg")
    assert trans(sb, "sync", commit=True).rc == 0
    r = trans(sb, "install", "omg-meta", commit=True)
    assert r.rc == 0, r
    assert r.names("install") == ["omg-meta", "vim-tiny-omg"]
    pkgs = installed(sb)
    assert "omg-meta" in pkgs and "vim-tiny-omg" in pkgs
    with open(os.path.join(sb, "var/lib/apt/extended_states")) as f:
        states = f.read()
    assert "Package: vim-tiny-omg\nArchitecture" in states  # marked Auto-Installed
    assert "Package: omg-meta\n" not in states
    audit_clean(sb)


# ---------------------------------------------------------------- removals

def test_remove_editor(sb):
    r = trans(sb, "remove", "omg-editor", commit=True)
    assert r.rc == 0, r
    assert [(i["action"], i["name"], i["old"]) for i in r.items] == [
        ("remove", "omg-editor", "1.0-1")]
    assert r.items[0]["size_change"] < 0
    pkgs = installed(sb)
    assert "omg-editor" not in pkgs
    assert "omg-lib" in pkgs  # not --recursive: the orphan stays
    assert r.kinds("phase")[0]["text"] == "removing"
    audit_clean(sb)


def _orphaned_by_removing(name):
    """From the spec: installed dependencies of name, installed as dependencies, that no
    other installed package still needs."""
    rec = spec.by_name(name)
    deps = [d.split(">")[0].split("<")[0].split("=")[0] for d in rec.get("depends", [])]
    out = []
    for d in deps:
        dr = spec.by_name(d)
        if not dr.get("installed") or dr["installed"]["reason"] != "depend":
            continue
        others = [p for p in spec.PACKAGES if p["name"] != name and p.get("installed")
                  and any(x.startswith(d) for x in p.get("depends", []))]
        if not others:
            out.append(d)
    return sorted(out)


def test_remove_recursive_removes_only_what_it_orphans(sb):
    orphaned = _orphaned_by_removing("omg-editor")
    assert orphaned == ["omg-lib"]  # the spec this test was written against
    r = trans(sb, "remove", "omg-editor", recursive=True, commit=True)
    assert r.rc == 0, r
    assert r.names("remove") == sorted(["omg-editor"] + orphaned), r
    pkgs = installed(sb)
    assert "omg-editor" not in pkgs and "omg-lib" not in pkgs
    # omg-orphan was an orphan before: this removal did not make it one.
    assert "omg-orphan" in pkgs and "omg-base" in pkgs
    audit_clean(sb)


def test_remove_recursive_keeps_a_dependency_still_needed(sb):
    assert trans(sb, "install", "omg-spell", commit=True).rc == 0  # needs omg-lib too
    r = trans(sb, "remove", "omg-editor", recursive=True, commit=True)
    assert r.rc == 0, r
    assert r.names() == ["omg-editor"], r
    pkgs = installed(sb)
    assert "omg-lib" in pkgs and "omg-spell" in pkgs and "omg-editor" not in pkgs
    audit_clean(sb)


def test_removing_a_needed_package_is_refused(sb):
    before = state(sb)
    r = trans(sb, "remove", "omg-lib", commit=True)
    assert r.error == (EXIT_TRANS, "removing omg-lib would also remove omg-editor, which "
                                   "needs it; name it too"), r
    assert state(sb) == before
    # Named too, both go.
    r = trans(sb, "remove", "omg-lib", "omg-editor", commit=True)
    assert r.rc == 0 and r.names() == ["omg-editor", "omg-lib"], r
    assert "omg-lib" not in installed(sb)
    audit_clean(sb)


# ---------------------------------------------------------------- upgrades

def test_upgrade_leaves_held_package(sb):
    r = trans(sb, "upgrade")
    assert r.rc == 0, r
    assert [(i["action"], i["name"], i["old"], i["new"]) for i in r.items] == [
        ("upgrade", "omg-editor", "1.0-1", "1.1-1")], r
    r = trans(sb, "upgrade", commit=True)
    assert r.rc == 0, r
    rows = dpkg_l(sb)
    assert rows["omg-editor"] == ("ii", "1.1-1")
    assert rows["omg-held"] == ("hi", "1.0-1")
    audit_clean(sb)
    r = trans(sb, "upgrade")
    assert r.rc == 0 and r.items == [], r


# ---------------------------------------------------------------- verification

def test_tampered_package_fails_with_hash_mismatch(signed_sb):
    root = signed_sb
    deb = os.path.join(root, "repo", "omg-spell_3.2-1_%s.deb" % debian._arch())
    with open(deb, "r+b") as f:
        f.seek(os.path.getsize(deb) // 2)
        b = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([b[0] ^ 0xFF]))
    before = state(root)
    r = trans(root, "install", "omg-spell", commit=True)
    assert r.rc == EXIT_TRANS, r
    assert "Hash Sum mismatch" in r.error[1], r
    failed = [e for e in r.kinds("download") if e["text"].startswith("failed:")]
    assert failed and failed[0]["name"] == "omg-spell", r
    assert state(root)["var/lib/dpkg/status"] == before["var/lib/dpkg/status"]
    assert "omg-spell" not in installed(root)
    audit_clean(root)
    assert lock_is_free(root)


# ---------------------------------------------------------------- locks

@pytest.mark.parametrize("lockfile", ["lock-frontend", "lock"])
def test_lock_held_by_another_process(sb, lockfile):
    before = state(sb)
    fd = os.open(os.path.join(sb, "var/lib/dpkg", lockfile), os.O_RDWR | os.O_CREAT, 0o640)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        for args in (("install", "omg-spell"), ("upgrade",), ("remove", "omg-editor")):
            t0 = time.monotonic()
            r = trans(sb, *args, commit=True)
            assert time.monotonic() - t0 < 10  # fails fast: the engine does the waiting
            assert r.rc == EXIT_LOCKED, r
            assert r.error[0] == EXIT_LOCKED
            assert "(pid %d)" % os.getpid() in r.error[1], r
            assert r.lock and "(pid %d)" % os.getpid() in r.lock, r
            assert not r.items
    finally:
        os.close(fd)
    assert state(sb) == before
    assert trans(sb, "install", "omg-spell").rc == 0


# ---------------------------------------------------------------- sync

def _sync_then_new_package_installs(root):
    r = trans(root, "sync")
    # one item per source: the fixture's archive and its backports
    assert r.rc == 0 and sorted(i["repo"] for i in r.items) == ["omg-backports", "omg-stable"], r
    assert all(i["name"].startswith("file:") for i in r.items), r
    r = trans(root, "sync", commit=True)
    assert r.rc == 0, r
    assert [e["text"] for e in r.kinds("phase")] == ["refreshing databases"], r
    assert not [e for e in r.kinds("download") if e["text"].startswith("failed")], r
    lists = os.listdir(os.path.join(root, "var/lib/apt/lists"))
    assert any(f.endswith("_Packages") for f in lists), lists


def test_sync_plain_repository(sb):
    _sync_then_new_package_installs(sb)
    r = trans(sb, "install", "omg-fresh")
    assert r.error == (EXIT_TRANS, "package 'omg-fresh' was not found"), r
    add_package(sb, "omg-fresh", "1.0")
    r = trans(sb, "sync", commit=True)
    assert r.rc == 0, r
    r = trans(sb, "install", "omg-fresh", commit=True)
    assert r.rc == 0, r
    assert installed(sb)["omg-fresh"] == "1.0-1"


def test_sync_signed_repository(signed_sb):
    _sync_then_new_package_installs(signed_sb)
    assert trans(signed_sb, "install", "omg-spell", commit=True).rc == 0
    assert "omg-spell" in installed(signed_sb)


def test_sync_bad_signature_fails_and_keeps_the_lists(signed_sb):
    root = signed_sb
    inrelease = os.path.join(root, "repo", "InRelease")
    with open(inrelease) as f:
        text = f.read()
    with open(inrelease, "w") as f:
        f.write(text.replace("Suite: omg-stable", "Suite: omg-stablE"))
    lists = os.path.join(root, "var/lib/apt/lists")
    before = {f: open(os.path.join(lists, f), "rb").read() for f in os.listdir(lists)
              if os.path.isfile(os.path.join(lists, f)) and f != "lock"}
    r = trans(root, "sync", commit=True)
    assert r.rc == EXIT_TRANS, r
    assert "signatures were invalid" in r.error[1] and "InRelease" in r.error[1], r
    after = {f: open(os.path.join(lists, f), "rb").read() for f in before}
    assert after == before
    assert trans(root, "install", "omg-spell").rc == 0  # the old lists still work


# ---------------------------------------------------------------- dpkg without a terminal

def test_conffile_kept_is_reported_as_a_decision(sb):
    conf = "/etc/omg-conf.conf"
    add_package(sb, "omg-conf", "1.0", conffile=(conf, "setting=1\n"))
    assert trans(sb, "sync", commit=True).rc == 0
    assert trans(sb, "install", "omg-conf", commit=True).rc == 0
    with open(sb + conf, "a") as f:
        f.write("mine=1\n")
    os.unlink(os.path.join(sb, "repo", "omg-conf_1.0-1.deb"))
    add_package(sb, "omg-conf", "2.0", conffile=(conf, "setting=2\n"))
    assert trans(sb, "sync", commit=True).rc == 0
    r = trans(sb, "install", "omg-conf", commit=True)
    assert r.rc == 0, r
    assert installed(sb)["omg-conf"] == "2.0-1"
    with open(sb + conf) as f:
        assert f.read() == "setting=1\nmine=1\n"  # --force-confold kept the user's file
    with open(sb + conf + ".dpkg-dist") as f:
        assert f.read() == "setting=2\n"
    decisions = r.kinds("decision")
    assert [(d["name"], d["text"]) for d in decisions] == [
        ("omg-conf", "kept your %s; the package's version is %s.dpkg-dist" % (conf, conf))], r
    audit_clean(sb)


def test_dpkg_failure_is_reported_with_dpkgs_reason(sb):
    # Two packages shipping the same file, neither replacing the other: dpkg refuses.
    add_package(sb, "omg-a", "1.0", conffile=("/usr/share/omg-clash", "a\n"))
    add_package(sb, "omg-b", "1.0", conffile=("/usr/share/omg-clash", "b\n"))
    assert trans(sb, "sync", commit=True).rc == 0
    assert trans(sb, "install", "omg-a", commit=True).rc == 0
    r = trans(sb, "install", "omg-b", commit=True)
    assert r.rc == EXIT_TRANS, r
    assert r.error[1] == ("omg-b: trying to overwrite '/usr/share/omg-clash', which is also "
                          "in package omg-a 1.0-1"), r
    assert any(e["text"].startswith("dpkg: error processing archive") for e in r.kinds("log")), r
    assert [e for e in r.kinds("log-error") if "omg-b" in e["text"]], r
    assert "omg-b" not in dpkg_l(sb)  # dpkg undid the unpack
    audit_clean(sb)
    assert lock_is_free(sb)


def test_dpkg_output_is_captured_not_printed(sb):
    r = trans(sb, "install", "omg-spell", commit=True)
    assert r.rc == 0, r
    # Only records on stdout, nothing on stderr: dpkg's own lines became log events.
    assert all(line.split(" ")[0] in ("ITEM", "EVENT") for line in r.out.splitlines()), r
    assert r.err == "", r
    logs = [e["text"] for e in r.kinds("log")]
    assert any(t.startswith("Unpacking omg-spell (3.2-1)") for t in logs), r
    assert any(t.startswith("Setting up omg-spell (3.2-1)") for t in logs), r


def test_sandbox_options_are_added_when_the_configuration_lacks_them(sb):
    """A sandbox whose apt.conf does not point dpkg at it: the backend adds --root and
    --log itself. Debug::pkgDPkgPM makes apt print the dpkg command lines instead of
    running dpkg, so a failure here cannot reach the host."""
    conf = os.path.join(sb, "etc/apt/apt.conf")
    with open(conf) as f:
        text = f.read()
    text = "\n".join(line for line in text.splitlines() if not line.startswith("DPkg::Options"))
    with open(conf, "w") as f:
        f.write(text + '\nDebug::pkgDPkgPM "true";\n')
    r = trans(sb, "install", "omg-spell", commit=True)
    assert r.rc == 0, r
    calls = [e["text"] for e in r.kinds("log") if "--unpack" in e["text"]]
    assert calls, r
    for call in calls:
        words = call.split()
        assert "--root=" + sb in words and "--log=" + sb + "/var/log/dpkg.log" in words, call
        assert "--force-confdef" in words and "--force-confold" in words, call
    assert "omg-spell" not in installed(sb)  # dpkg did not run
