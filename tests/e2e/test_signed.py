# SPDX-License-Identifier: MIT
"""Signed repositories: omg reads them with verification on, and a tampered signed
database is refused with the backend's own reason."""
import json
import os

import pytest

from conftest import arch, debian


@pytest.fixture(scope="module")
def arch_signed(tmp_path_factory):
    return arch.build(str(tmp_path_factory.mktemp("arch-signed") / "root"), signed=True)


@pytest.fixture(scope="module")
def deb_signed(tmp_path_factory):
    return debian.build(str(tmp_path_factory.mktemp("deb-signed") / "root"), signed=True)


def test_signed_arch_repo_reads(omg, arch_signed):
    conf = open(os.path.join(arch_signed["root"], "etc/pacman.conf")).read()
    assert "SigLevel = Required" in conf
    rows = omg.json("search", "omg", root=arch_signed["root"])
    assert "omg-spell" in [r["name"] for r in rows]


def test_tampered_signed_arch_db_is_refused(omg, arch_signed, tmp_path):
    import shutil
    root = str(tmp_path / "root")
    shutil.copytree(arch_signed["root"], root, symlinks=True)
    db = os.path.join(root, "var/lib/pacman/sync/omg-core.db")
    with open(db, "ab") as f:
        f.write(b"\0" * 1024)  # still a readable archive, no longer what was signed
    p = omg.run("search", "omg", root=root)
    assert p.returncode == 5, p.stderr
    assert "omg-core" in p.stderr and "PGP signature" in p.stderr
    assert len(p.stderr.splitlines()) == 1


def test_signed_debian_repo_reads(omg, deb_signed):
    rows = omg.json("list", "--upgradable", root=deb_signed["root"])
    assert [r["name"] for r in rows] == ["omg-editor", "omg-held"]
