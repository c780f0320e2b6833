# SPDX-License-Identifier: MIT
"""Help toward the right name (issue 14, finding 11): the closest command for a typo, `omg
help` as --help, and for a package the engine does not know, what provides it or the
closest names (by substring and one typo), for info, install and remove, on both backends;
every name suggested is one the native tool knows."""
import json
import re

import pytest

from conftest import apt, pacman


@pytest.mark.parametrize("typo,command", [
    ("serach", "search"), ("instal", "install"), ("isntall", "install"), ("stat", "status"),
    ("lsit", "list"), ("hepl", "help"), ("upgarde", "upgrade"),
])
def test_closest_command(omg, typo, command):
    p = omg.run(typo, "vim")
    assert p.returncode == 2
    assert p.stderr == (f"omg: unknown command '{typo}'; did you mean '{command}'? "
                        "(see omg --help)\n")


def test_no_command_near(omg):
    p = omg.run("frobnicate")
    assert p.returncode == 2 and p.stderr == "omg: unknown command 'frobnicate' (see omg --help)\n"


def test_closest_option(omg):
    p = omg.run("list", "--upgradeable")
    assert p.returncode == 2
    assert "did you mean '--upgradable'?" in p.stderr
    p = omg.run("search", "--name-only", "x")
    assert "did you mean '--names-only'?" in p.stderr
    p = omg.run("--frobnicate")
    assert p.stderr == "omg: unknown option '--frobnicate' (see omg --help)\n"


def test_help_command_is_help(omg):
    top = omg.run("--help", check=0).stdout
    assert omg.run("help", check=0).stdout == top
    for cmd in ("search", "install", "history"):
        assert omg.run("help", cmd, check=0).stdout == omg.run(cmd, "--help", check=0).stdout


def native_names(sb):
    """Every package name the native tool knows for the sandbox."""
    if sb["backend"] == "alpm":
        return set(line.split()[1] for line in pacman(sb["root"], "-Sl").splitlines()) | \
            set(line.split()[0] for line in pacman(sb["root"], "-Q").splitlines())
    return set(apt(sb["root"], "apt-cache", "pkgnames").split())


def hints(stderr):
    """{name: [suggested names]} from "did you mean a, b or c?" lines."""
    out = {}
    for m in re.finditer(r"'([^']+)'(?: was not found)?;? ?:? ?did you mean (.*)\?$", stderr,
                         re.M):
        out[m.group(1)] = re.split(r", | or ", m.group(2))
    return out


def test_info_suggests(omg, sb):
    known = native_names(sb)
    p = omg.run("info", "firefox", "omg-edtior", "vim", "text-editor", "zzzzzz", root=sb["root"])
    assert p.returncode == 3
    lines = p.stderr.splitlines()
    assert lines[0] == "omg: package 'firefox' was not found; did you mean libfirefox-omg?"
    assert lines[1] == ("omg: package 'omg-edtior' was not found; did you mean omg-editor or "
                        "omg-editor-legacy?")
    assert lines[2] == "omg: package 'vim' was not found; did you mean vim-tiny-omg?"
    assert lines[3] == ("omg: package 'text-editor' was not found; it is provided by "
                        "omg-editor, omg-editor-legacy")
    assert lines[4] == "omg: package 'zzzzzz' was not found"
    assert set(hints(p.stderr)) == {"firefox", "omg-edtior", "vim"}
    for names in hints(p.stderr).values():
        assert set(names) <= known
    doc = json.loads(omg.run("--json", "info", "omg-lb", root=sb["root"]).stdout)
    assert doc["error"]["missing"] == [{"name": "omg-lb", "provided_by": [],
                                        "similar": ["omg-lib", "omg-base"]}]


def test_install_suggests(omg, plan_sb):
    sb = plan_sb
    p = omg.run("install", "--dry-run", "firefox", "text-editor", root=sb["root"])
    assert p.returncode == 7
    # (the engine may first say it waits for the last plan's clean-up: not an omg: line)
    assert [line for line in p.stderr.splitlines() if line.startswith("omg: ")] == [
        "omg: install: package 'firefox' was not found",
        "omg: 'firefox': did you mean libfirefox-omg?",
        "omg: 'text-editor': it is provided by omg-editor, omg-editor-legacy",
    ]
    doc = json.loads(omg.run("--json", "install", "--dry-run", "vim", root=sb["root"]).stdout)
    assert doc["error"]["missing"][0]["similar"] == ["vim-tiny-omg"]


def test_remove_suggests_installed_names(omg, plan_sb):
    sb = plan_sb
    p = omg.run("remove", "--dry-run", "omg-edtor", root=sb["root"])
    assert p.returncode == 7
    # omg-editor-legacy is as close, but not installed: a remove wants installed names.
    assert [line for line in p.stderr.splitlines() if line.startswith("omg: ")][1:] == \
        ["omg: 'omg-edtor': did you mean omg-editor?"]
    p = omg.run("remove", "--dry-run", "omg-spel", root=sb["root"])
    assert p.returncode == 7 and "did you mean" not in p.stderr  # omg-spell is not installed
