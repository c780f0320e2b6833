# SPDX-License-Identifier: MIT
"""With --json every failure is one JSON object on stdout (issue 14, finding 9):
{"error": {"code": N, "message": M}}, N the exit status the command has without --json and
M what stderr says (its "omg: " lines, warnings aside). Each command and failure path:
usage errors, unknown packages, no engine, engine errors, transaction failures."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import OMG, arch, debian


def said(stderr):
    """The errors stderr says, as the JSON message has them."""
    return "\n".join(line[len("omg: "):] for line in stderr.splitlines()
                     if line.startswith("omg: ") and not line.startswith("omg: warning:"))


def same_failure(run, *args, code, **kw):
    """Runs args with and without --json: the same exit status, no JSON stdout without
    --json, one error object with --json whose message is stderr's. The object."""
    plain = run(*args, **kw)
    assert plain.returncode == code, (args, plain.returncode, plain.stdout, plain.stderr)
    assert said(plain.stderr), plain.stderr
    p = run("--json", *args, **kw)
    assert p.returncode == code, (args, p.returncode, p.stdout, p.stderr)
    doc = json.loads(p.stdout)  # one document, nothing after it
    assert isinstance(doc, dict) and p.stdout.endswith("}\n"), p.stdout
    assert doc["error"]["code"] == code
    assert doc["error"]["message"] == said(p.stderr) == said(plain.stderr), (doc, p.stderr)
    return doc


USAGE = [
    ["--bogus"], ["-z"], ["frobnicate"], ["serach", "vim"], ["help", "frobnicate"],
    ["search", "--limit", "many", "x"], ["info", "--regex", "x"],
    ["--color", "purple", "status"], ["search", "--root"], ["list", "--orphans", "--explicit"],
    ["install", "--yes", "--dry-run", "x"], ["search"], ["info"], ["list", "x"],
    ["status", "x"], ["sync", "x"], ["install"], ["remove"], ["upgrade", "x"], ["attach", "x"],
    ["history", "x"], ["history", "show", "x"], ["daemon", "bogus"], ["daemon", "start", "--all"],
    ["daemon", "start", "--system"], ["audit", "bogus"], ["completions", "tcsh"],
    ["shell-init", "tcsh"], ["--no-daemon", "install", "x"], ["--theme", "dark", "status"],
    ["--json", "--no-daemon", "--socket", "/tmp/x.sock", "status"], ["search", "--regex", "("],
    ["list", "--upgradeable"],
]


@pytest.mark.parametrize("args", USAGE, ids=" ".join)
def test_usage_errors(omg, arch_sb, args):
    same_failure(omg.run, *args, root=arch_sb["root"], code=2)


def test_json_before_or_after(omg, arch_sb):
    # --json anywhere before "--" counts, even after the option that is wrong.
    for args in (["--bogus", "--json"], ["frobnicate", "--json"]):
        p = omg.run(*args, root=arch_sb["root"])
        assert p.returncode == 2 and json.loads(p.stdout)["error"]["code"] == 2


def test_unknown_packages(omg, sb):
    root = sb["root"]
    doc = same_failure(omg.run, "info", "nonexist", root=root, code=3)
    assert doc["packages"] == [] and doc["error"]["missing"][0]["name"] == "nonexist"
    # The records found stay, under "packages".
    doc = same_failure(omg.run, "info", "omg-base", "nonexist", root=root, code=3)
    assert [p["name"] for p in doc["packages"]] == ["omg-base"]
    doc = same_failure(omg.run, "info", "text-editor", root=root, code=3)
    assert doc["error"]["missing"] == [{"name": "text-editor", "similar": [],
                                        "provided_by": ["omg-editor", "omg-editor-legacy"]}]
    same_failure(omg.run, "history", "show", "99", root=root, code=3)


def test_unknown_packages_in_plans(omg, plan_sb):
    same_failure(omg.run, "install", "--dry-run", "nope", root=plan_sb["root"], code=7)
    doc = same_failure(omg.run, "remove", "--dry-run", "nope", root=plan_sb["root"], code=7)
    assert doc["error"]["message"] == "remove: package 'nope' is not installed"


def test_no_engine(omg, env, tmp_path, arch_sb):
    same_failure(omg.run, "status", root="/nonexistent/omg-root", code=4)
    same_failure(omg.run, "search", "x", root=tmp_path, code=4)
    # An engine that cannot start: autostart off in the configuration.
    env.config.parent.mkdir(parents=True, exist_ok=True)
    env.config.write_text("[client]\nautostart = no\n")
    same_failure(env, "list", root=arch_sb["root"], code=4)
    same_failure(env, "install", "--dry-run", "omg-spell", root=arch_sb["root"], code=4)


def test_missing_module(omg, arch_sb, tmp_path):
    exe = tmp_path / "omg"
    shutil.copy(os.path.realpath(str(OMG)), exe)
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    env = dict(omg.env, OMG_NO_STORE="1", XDG_RUNTIME_DIR=str(run))

    def go(*args):
        return subprocess.run([str(exe), "--root", arch_sb["root"], *args], capture_output=True,
                              text=True, env=env)
    same_failure(go, "--no-daemon", "status", code=6)
    same_failure(go, "status", code=6)


def test_engine_errors(omg, tmp_path):
    root = arch.build(str(tmp_path / "root"))["root"]
    arch.corrupt_sync_db(root)
    same_failure(omg.run, "search", "omg", root=root, code=5)
    same_failure(omg.run, "--no-daemon", "list", root=root, code=5)
    # A truncated dpkg status fails once only (apt caches what it read: see
    # test_truncated_dpkg_status), so each run gets its own copy.
    copies = []
    for name in ("deb-text", "deb-json"):
        copies.append(debian.build(str(tmp_path / name))["root"])
        debian.truncate_status(copies[-1])
    plain = omg.run("status", root=copies[0])
    p = omg.run("--json", "status", root=copies[1])
    assert plain.returncode == p.returncode == 5, (plain.stderr, p.stdout)
    doc = json.loads(p.stdout)
    assert doc["error"] == {"code": 5, "message": said(p.stderr)}
    assert said(p.stderr) == said(plain.stderr).replace(copies[0], copies[1])


def test_refused_plans(env, plan_sb):
    root = plan_sb["root"]
    # Nothing ran on this root: attach says so (exit 1, an error said). First: an attach
    # while a plan is being dropped may wait for it (the engine's, not the CLI's, to fix).
    same_failure(env, "attach", root=root, code=1)
    same_failure(env, "install", "--yes", "omg-editor-legacy", root=root, code=7)
    same_failure(env, "install", "--yes", "omg-missingdep", root=root, code=7)
    # Not confirmed: the plan stays beside the error.
    doc = same_failure(env, "install", "omg-spell", root=root, code=11)
    assert doc["plan"]["items"][0]["name"] == "omg-spell" and doc["result"] is None


def test_failed_commit(env, tmp_path, request):
    # A package whose bytes do not match the repository's checksum fails at commit: the
    # result (failed, with its history id) stays beside the error.
    for kind, build in (("alpm", arch.build), ("apt", debian.build)):
        sb = build(str(tmp_path / kind))
        pkg = [f for f in os.listdir(sb["repo_dir"]) if f.startswith("omg-spell")
               and f.endswith((".pkg.tar.zst", ".deb"))][0]
        path = os.path.join(sb["repo_dir"], pkg)
        data = bytearray(open(path, "rb").read())
        data[len(data) // 2] ^= 0xFF
        open(path, "wb").write(bytes(data))
        p = env("--json", "install", "--yes", "omg-spell", root=sb["root"])
        assert p.returncode == 7, (kind, p.stdout, p.stderr)
        doc = json.loads(p.stdout)
        assert doc["error"]["code"] == 7 and doc["error"]["message"] == said(p.stderr)
        assert doc["result"]["result"] == "failed" and doc["plan"]["items"]
        env("daemon", "stop", root=sb["root"], check=0)


def test_not_errors(omg, env, sb):
    # Nothing matched, no engine to report on: answers, not errors.
    p = omg.run("--json", "search", "nomatchatall", root=sb["root"])
    assert p.returncode == 1 and json.loads(p.stdout) == [] and p.stderr == ""
    p = env("--json", "daemon", "status", root=sb["root"])
    assert p.returncode == 1 and json.loads(p.stdout)["running"] is False
    p = env("--json", "history", root=sb["root"])
    assert p.returncode == 0 and json.loads(p.stdout) == []
