# SPDX-License-Identifier: MIT
"""omg info fields against the fixtures' own metadata, and omg list against the native tools."""
import json
import re
import subprocess

import pytest

from conftest import apt, arch, debian, names, pacman, spec


def dep_names(deps):
    """"omg-lib>=2.0" / "omg-lib (>= 2.0)" / "omg-spell: why" -> "omg-lib", "omg-spell"."""
    return sorted(re.split(r"[ <>=:(]", d, maxsplit=1)[0] for d in deps)


@pytest.mark.parametrize("name", [p["name"] for p in spec.PACKAGES])
def test_info_fields_match_fixture(omg, sb, name):
    want = spec.by_name(name)
    [got] = omg.json("info", name, root=sb["root"])
    assert got["name"] == name
    assert got["description"] == want["desc"]
    assert got["url"] == want["url"]
    assert got["backend"] == sb["backend"]
    inst = want["installed"]
    if want["version"]:
        assert got["version"] == want["version"] + "-1"
    else:
        assert got["version"] == inst["version"] + "-1"
        assert got["foreign"] and got["repo"] == "local"
    if inst:
        assert got["installed"] and got["installed_version"] == inst["version"] + "-1"
        assert got["reason"] == {"explicit": "explicit", "depend": "dependency"}[inst["reason"]]
        assert got["install_date"] and got["install_date"] > 1_600_000_000
    else:
        assert not got["installed"] and got["installed_version"] is None
        assert got["reason"] is None and got["install_date"] is None
    assert got["upgradable"] == bool(inst and want["version"] and inst["version"] != want["version"])
    assert got["held"] == bool(want.get("held"))
    assert dep_names(got["depends"]) == dep_names(want.get("depends", []))
    assert dep_names(got["optdepends"]) == dep_names(want.get("optdepends", []))
    assert dep_names(got["provides"]) == dep_names(want.get("provides", []))
    assert dep_names(got["conflicts"]) == dep_names(want.get("conflicts", []))
    assert dep_names(got["replaces"]) == dep_names(want.get("replaces", []))
    assert got["packager"] == "omg fixtures <fixtures@example.org>"
    if sb["backend"] == "alpm":
        assert got["licenses"] == [want["license"]]
        assert got["groups"] == want.get("groups", [])
        assert got["installed_size"] == want["size"]
        assert got["build_date"] == 1700000000
        assert got["arch"] == "x86_64"
    else:
        assert got["section"] == (want.get("groups") or ["misc"])[0]
        assert got["installed_size"] >= want["size"]
        assert got["long_description"] == (
            f"This is the extended description of {name}, built by the omg test fixtures.\n"
            "It spans a second line so long-description output can be checked.")
    if want["version"] and not got["foreign"]:
        assert got["download_size"] > 0


def test_reverse_dependencies(omg, sb):
    [lib, base, spell] = omg.json("info", "omg-lib", "omg-base", "omg-spell", root=sb["root"])
    assert lib["required_by"] == ["omg-editor", "omg-spell"]
    assert base["required_by"] == ["omg-editor", "python-omgtools", "zsh-omg-prompt"]
    assert spell["optional_for"] == ["omg-editor"]
    # a provided name counts: omg-lib provides libomg, nothing needs it by that name
    assert lib["optional_for"] == []


@pytest.mark.smoke
def test_info_text(omg, sb):
    out = omg.run("info", "omg-editor", root=sb["root"], check=0).stdout
    fields = dict(line.split(" : ", 1) if " : " in line else (line, "")
                  for line in out.splitlines() if not line.startswith("   "))
    fields = {k.strip(): v for k, v in fields.items()}
    assert fields["Name"] == "omg-editor"
    assert fields["Version"] == "1.1-1"
    assert fields["Installed"] == "1.0-1 (upgradable to 1.1-1)"
    assert fields["Description"] == "A small text editor for testing upgrades"
    assert fields["Provides"] == "text-editor"
    assert fields["Install Reason"] == "Explicitly installed"
    assert fields["Installed Size"].endswith("KiB")
    assert "Required By" in fields and "Optional For" in fields


def test_info_unknown_package(omg, sb):
    p = omg.run("info", "omg-base", "no-such-package", root=sb["root"])
    assert p.returncode == 3
    assert p.stderr == "omg: package 'no-such-package' was not found\n"
    assert p.stdout.startswith("Name")  # the known one is still shown
    p = omg.run("--json", "info", "nope", root=sb["root"])
    assert p.returncode == 3 and json.loads(p.stdout)["error"] == {
        "code": 3, "message": "package 'nope' was not found",
        "missing": [{"name": "nope", "provided_by": [], "similar": []}]}


def native_list(sb, kind):
    root = sb["root"]
    if sb["backend"] == "alpm":
        flags = {"installed": "-Qq", "upgradable": "-Quq", "explicit": "-Qeq",
                 "orphans": "-Qdtq", "foreign": "-Qmq"}[kind]
        p = subprocess.run(arch.pacman_cmd(root, flags), capture_output=True, text=True)
        assert p.returncode in (0, 1), p.stderr
        return sorted(p.stdout.split())
    if kind == "upgradable":
        out = apt(root, "apt", "list", "--upgradable")
        return sorted(line.split("/")[0] for line in out.splitlines() if "/" in line)
    if kind == "orphans":
        out = apt(root, "apt-get", "-s", "autoremove")
        return sorted(line.split()[1] for line in out.splitlines() if line.startswith("Remv "))
    if kind == "explicit":
        return sorted(apt(root, "apt-mark", "showmanual").split())
    if kind == "foreign":
        out = apt(root, "apt", "list", "--installed")
        return sorted(line.split("/")[0] for line in out.splitlines()
                      if "/" in line and "local]" in line)
    out = subprocess.run(["dpkg-query", f"--admindir={root}/var/lib/dpkg", "-W",
                          "-f", "${Package} ${db:Status-Status}\n"],
                         capture_output=True, text=True, check=True).stdout
    return sorted(line.split()[0] for line in out.splitlines() if line.endswith(" installed"))


@pytest.mark.parametrize("kind", ["installed", "upgradable", "explicit", "orphans", "foreign"])
def test_list_matches_native_tool(omg, sb, kind):
    rows = omg.json("list", f"--{kind}", root=sb["root"])
    assert names(rows) == native_list(sb, kind)


@pytest.mark.smoke
def test_list_flags_held_upgrades(omg, sb):
    rows = omg.json("list", "--upgradable", root=sb["root"])
    held = {r["name"]: r["held"] for r in rows}
    assert held == {"omg-editor": False, "omg-held": True}
    out = omg.run("list", "--upgradable", root=sb["root"], check=0).stdout
    assert re.match(r"^ih   omg-held\s+1\.0-1 -> 2\.0-1", out.splitlines()[1])


def test_state_letters(omg, sb):
    # aptitude's letters (docs/cli.md): current state, action (h: held), A: automatic;
    # each checked against the native tool's own idea of the package.
    installed = set(native_list(sb, "installed"))
    explicit = set(native_list(sb, "explicit"))
    held = {p["name"] for p in spec.PACKAGES if p.get("held")}
    rows = omg.run("list", "--all", root=sb["root"], check=0).stdout.splitlines()
    assert len(rows) == len(spec.PACKAGES)
    for row in rows:
        letters, name = row[:3], row[5:].split()[0]
        want = ("i" if name in installed else "p") + ("h" if name in held else " ") + \
            ("A" if name in installed - explicit else " ")
        assert letters == want, (row, want)


@pytest.mark.smoke
def test_list_default_all_and_limit(omg, sb):
    assert names(omg.json("list", root=sb["root"])) == names(
        omg.json("list", "--installed", root=sb["root"]))
    assert len(omg.json("list", "--all", root=sb["root"])) == len(spec.PACKAGES)
    assert len(omg.json("list", "--all", "--limit", "3", root=sb["root"])) == 3
    p = omg.run("list", "--orphans", "--explicit", root=sb["root"])
    assert p.returncode == 2


@pytest.mark.smoke
def test_status(omg, sb):
    st = omg.json("status", root=sb["root"])
    assert st.pop("last_sync") > 0 and st.pop("checked") >= 0
    assert st.pop("snapshot").endswith(".bin")
    assert st == {"backend": sb["backend"], "root": sb["root"], "packages": len(spec.PACKAGES),
                  "installed": 6, "explicit": 4, "upgradable": 1, "held": 1,
                  "orphans": 1, "foreign": 1, "generation": 1,
                  "security": None if sb["backend"] == "alpm" else 0,
                  "reboot_required": False, "check_error": "", "transaction": ""}


def test_info_virtual_name_points_at_providers(omg, sb):
    p = omg.run("info", "text-editor", root=sb["root"])
    assert p.returncode == 3
    assert p.stderr == ("omg: package 'text-editor' was not found; it is provided by "
                        "omg-editor, omg-editor-legacy\n")
