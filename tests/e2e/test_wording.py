# SPDX-License-Identifier: MIT
"""Counts agree with their noun ("1 orphan", "1 package", never "package(s)"), and a root
with no transactions says so (issue 14, finding 13), on both backends."""
import json
import re

from conftest import arch, debian

PLURAL_SLIPS = re.compile(r"\(s\)|\b1 (packages|orphans|upgrades|databases|clients|requests)\b")


def test_status_counts(omg, sb):
    out = omg.run("status", root=sb["root"], check=0).stdout
    assert "1 held back, 1 orphan\n" in out  # the fixture has one orphan
    assert not PLURAL_SLIPS.search(out), out
    if sb["backend"] == "apt":
        assert "0 security upgrades" in out


def test_plan_counts(omg, plan_sb):
    sb = plan_sb
    out = omg.run("install", "--dry-run", "omg-spell", root=sb["root"], check=0).stdout
    assert "\n1 package: 1 to install\n" in out, out
    out = omg.run("install", "--dry-run", "omg-suite", root=sb["root"], check=0).stdout
    assert "\n3 packages: 3 to install\n" in out, out
    out = omg.run("sync", "--dry-run", root=sb["root"], check=0).stdout
    assert re.search(r"\n1 database to refresh\n|\n[02-9]\d* databases to refresh\n", out), out


def test_done_counts(env, tmp_path):
    for kind, build in (("alpm", arch.build), ("apt", debian.build)):
        root = build(str(tmp_path / kind))["root"]
        p = env("install", "--yes", "omg-spell", root=root, check=0)
        assert re.search(r"^Done: 1 package changed \(history \d+\)\.$", p.stdout, re.M), p.stdout
        assert not PLURAL_SLIPS.search(p.stdout + p.stderr)
        env("daemon", "stop", root=root, check=0)


def test_empty_history(env, sb):
    p = env("history", root=sb["root"], check=0)
    assert p.stdout == "No transactions on this root.\n"
    p = env("--json", "history", root=sb["root"], check=0)
    assert json.loads(p.stdout) == []
