# SPDX-License-Identifier: MIT
"""The engine's [policy] (docs/security.md) on sandbox roots of both backends: deny globs and
require_signatures refuse a plan (a dependency pulled in too) with exit 13 while the native
tool sees nothing changed; --override only as [policy] override allows; the audit log records
each decision; the system engine's policy comes from its own file, never OMG_CONFIG."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from conftest import OFFLINE_CONFIG, OMG, arch, debian, installed_versions, run_native

EXIT_DENIED, EXIT_POLICY = 9, 13


@pytest.fixture(scope="module", params=["alpm", "apt"])
def psb(request, tmp_path_factory):
    """A sandbox of each backend for this module. Every test but the last leaves it as it
    found it; the last installs omg-spell with an accepted override."""
    build = arch.build if request.param == "alpm" else debian.build
    sb = build(str(tmp_path_factory.mktemp("policy-" + request.param) / "root"))
    return sb | {"backend": request.param}


installed = installed_versions


def policy(env, text):
    """Writes the engine's config ([policy] text) and stops any engine, so the next
    command starts one that reads it."""
    env.config.parent.mkdir(parents=True, exist_ok=True)
    env.config.write_text("[policy]\n" + text)
    env("daemon", "stop", "--all", check=0)


def audit(env, root):
    return json.loads(env("--json", "audit", "log", root=root, check=0).stdout)


def unsigned_reason(sb):
    return ("repository 'omg-core' has SigLevel = Never" if sb["backend"] == "alpm"
            else "sources.list: [trusted=yes]")


def test_deny_refuses_an_install_and_a_dependency_pulled_in(env, psb):
    root = psb["root"]
    policy(env, "deny = zsh-*, omg-spell\n")
    before = installed(psb)
    # omg-suite is allowed; omg-spell comes in as its dependency.
    p = env("install", "--yes", "omg-suite", root=root)
    assert p.returncode == EXIT_POLICY, (p.stdout, p.stderr)
    assert "Policy: deny: omg-spell matches 'omg-spell'" in p.stdout, p.stdout
    assert "omg-suite matches" not in p.stdout
    assert "refused: the policy forbids it: deny: omg-spell matches 'omg-spell'" in p.stderr
    assert "nothing was changed" in p.stderr
    p = env("install", "--yes", "zsh-omg-prompt", root=root)
    assert p.returncode == EXIT_POLICY and "matches 'zsh-*'" in p.stdout, p.stdout
    assert installed(psb) == before
    # A plan the policy lets through is untouched by it.
    p = env("--json", "install", "--dry-run", "python-omgtools", root=root, check=0)
    assert json.loads(p.stdout)["plan"]["violations"] == []
    # A dry run shows the violation and exits 13 too; --json carries it.
    p = env("--json", "install", "--dry-run", "omg-suite", root=root)
    assert p.returncode == EXIT_POLICY, p.stderr
    doc = json.loads(p.stdout)
    assert doc["plan"]["violations"] == [{"rule": "deny", "package": "omg-spell",
                                          "reason": "omg-spell matches 'omg-spell'",
                                          "overridden": False}]
    assert doc["error"]["code"] == EXIT_POLICY
    log = audit(env, root)
    refused = [e for e in log if e["event"] == "policy-refused"]
    assert [e["detail"].split(" (plan")[0] for e in refused] == \
        ["omg install omg-suite", "omg install zsh-omg-prompt"], log  # dry runs: none
    assert "deny: omg-spell matches 'omg-spell'" in refused[0]["detail"]
    commits = [e for e in log if e["event"] == "refused"]
    assert len(commits) == 2 and "the policy forbids it" in commits[0]["detail"], log
    assert not [e for e in log if e["event"] in ("begin", "commit")]
    assert env("audit", "verify", root=root).returncode == 0
    assert installed(psb) == before


def test_override_refused_when_the_policy_says_no(env, psb):
    root = psb["root"]
    policy(env, "deny = omg-spell\noverride = no\n")
    before = installed(psb)
    p = env("install", "--yes", "--override", "deny", "omg-spell", root=root)
    assert p.returncode == EXIT_DENIED, p.stderr
    assert "--override deny refused: the engine's [policy] override is no" in p.stderr
    assert installed(psb) == before
    log = audit(env, root)
    assert log[-1]["event"] == "policy-refused" and "--override deny refused" in \
        log[-1]["detail"], log
    # A rule that does not exist is a usage error before anything is asked.
    p = env("install", "--override", "everything", "omg-spell", root=root)
    assert p.returncode == 2 and "severity, deny, signatures or aur" in p.stderr


def set_file(path, text):
    """Replaces path with text; returns a function that puts the old bytes back."""
    old = open(path, "rb").read() if os.path.exists(path) else None

    def restore():
        if old is None:
            os.unlink(path)
        else:
            open(path, "wb").write(old)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w").write(text)
    return restore


def signature_violations(env, root):
    p = env("--json", "install", "--dry-run", "omg-spell", root=root)
    doc = json.loads(p.stdout)
    return p.returncode, [v["reason"] for v in doc["plan"]["violations"]
                          if v["rule"] == "signatures"]


def test_signatures_refuse_a_root_that_accepts_unsigned_packages(env, psb):
    root = psb["root"]
    policy(env, "require_signatures = yes\n")
    before = installed(psb)
    p = env("install", "--yes", "omg-spell", root=root)
    assert p.returncode == EXIT_POLICY, p.stderr
    assert "Policy: signatures: " + unsigned_reason(psb) in p.stdout, p.stdout
    assert installed(psb) == before
    # What each backend's configuration says, from the root's own files.
    if psb["backend"] == "alpm":
        conf = os.path.join(root, "etc/pacman.conf")
        text = open(conf).read()
        cases = [(text.replace("SigLevel = Never", "SigLevel = Optional TrustAll"),
                  ["repository 'omg-core' has SigLevel = Optional TrustAll"]),
                 (text.replace("SigLevel = Never", "SigLevel = Required DatabaseOptional"), [])]
        for new, want in cases:
            restore = set_file(conf, new)
            try:
                rc, got = signature_violations(env, root)
                assert got == want and rc == (EXIT_POLICY if want else 0), new
            finally:
                restore()
    else:
        lst = os.path.join(root, "etc/apt/sources.list")
        text = open(lst).read()
        signed = text.replace("[trusted=yes] ", "")
        deb822 = "".join("Types: deb\nURIs: %s\nSuites: ./\nTrusted: yes\n\n" % line.split()[2]
                         for line in text.splitlines() if line.startswith("deb "))
        insecure = os.path.join(root, "etc/apt/apt.conf.d/50insecure")
        sources = os.path.join(root, "etc/apt/sources.list.d/omg.sources")
        restore = set_file(lst, signed)
        try:
            rc, got = signature_violations(env, root)
            assert got == [] and rc == 0
            undo = set_file(insecure, 'Acquire::AllowInsecureRepositories "true";\n')
            try:
                assert signature_violations(env, root)[1] == \
                    ["Acquire::AllowInsecureRepositories is true"]
            finally:
                undo()
            set_file(lst, "")
            undo = set_file(sources, deb822)
            try:
                assert signature_violations(env, root)[1] == \
                    ["sources.list.d/omg.sources: Trusted: yes"]
            finally:
                undo()
        finally:
            restore()
    assert signature_violations(env, root)[1] == [unsigned_reason(psb)]


def test_system_engine_policy_is_its_own_file(omg, psb, tmp_path):
    """OMG_CONFIG in the engine's environment does not replace the system engine's file:
    only its command line names another."""
    root = psb["root"]
    loose = tmp_path / "loose"
    loose.write_text("[policy]\n")
    strict = tmp_path / "strict"
    strict.write_text(OFFLINE_CONFIG + "[policy]\ndeny = omg-*\n")
    d = tempfile.mkdtemp(prefix="omg-pol-")
    path = os.path.join(d, "omgd.sock")
    p = subprocess.Popen([str(OMG), "--root", root, "daemon", "run", "--system",
                          "--socket", path, "--config", str(strict)],
                         env=dict(omg.env, OMG_NO_STORE="1", OMG_CONFIG=str(loose)),
                         stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not os.path.exists(path):
            assert p.poll() is None and time.monotonic() < deadline, p.stderr.read()
            time.sleep(0.05)
        q = omg.run("--socket", path, "--json", "install", "--dry-run", "omg-spell")
        assert q.returncode == EXIT_POLICY, q.stderr
        assert [v["rule"] for v in json.loads(q.stdout)["plan"]["violations"]] == ["deny"]
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
        shutil.rmtree(d)
        shutil.rmtree(os.path.join(root, "var/lib/omg"), ignore_errors=True)


def test_override_admin_lets_the_install_happen(env, psb):
    """Last in the module: it installs omg-spell."""
    root = psb["root"]
    policy(env, "deny = omg-spell\nrequire_signatures = yes\noverride = admin\n")
    assert "omg-spell" not in installed(psb)
    # Overriding one rule leaves the other refusing.
    p = env("install", "--yes", "--override", "deny", "omg-spell", root=root)
    assert p.returncode == EXIT_POLICY, p.stderr
    assert "Policy: deny: omg-spell matches 'omg-spell' (overridden)" in p.stdout
    assert "omg-spell" not in installed(psb)
    p = env("install", "--yes", "--override", "deny", "--override", "signatures", "omg-spell",
            root=root)
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "Policy: signatures: %s (overridden)" % unsigned_reason(psb) in p.stdout
    assert installed(psb)["omg-spell"].startswith("3.2")
    log = audit(env, root)
    events = [e["event"] for e in log]
    assert events[-3:] == ["policy-override", "begin", "commit"], events
    over = log[-3]
    assert over["uid"] == os.getuid()
    assert over["detail"].startswith("omg install --override deny --override signatures "
                                     "omg-spell (plan ")
    assert "overridden: signatures: " in over["detail"] and \
        "deny: omg-spell matches 'omg-spell'" in over["detail"]
    hist = json.loads(env("--json", "history", root=root, check=0).stdout)
    assert hist[0]["command"] == "omg install --override deny --override signatures omg-spell"
