# SPDX-License-Identifier: MIT
"""omg search against the native tools on the same sandbox, plus ranking and options."""
import json
import subprocess

import pytest

from conftest import apt, arch, debian, debian_lists, names, spec


def native_search(sb, pattern, names_only=False):
    """Package names the native tool finds for a regex."""
    if sb["backend"] == "alpm":
        argv = arch.pacman_cmd(sb["root"], "-Ssq", pattern)
        p = subprocess.run(argv, capture_output=True, text=True,
                           env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"})
        assert p.returncode in (0, 1), p.stderr  # 1: no match
        return sorted(set(p.stdout.split()))
    argv = ["apt-cache", "search"] + (["--names-only"] if names_only else []) + [pattern]
    out = apt(sb["root"], *argv)
    return sorted({line.split(" - ", 1)[0] for line in out.splitlines() if line})


def omg_search(omg, sb, *args):
    p = omg.run("--json", "search", *args, root=sb["root"])
    assert p.returncode in (0, 1), p.stderr
    return json.loads(p.stdout)


@pytest.mark.parametrize("pattern", spec.SEARCH_PATTERNS)
def test_regex_matches_native_tool(omg, sb, pattern):
    rows = omg_search(omg, sb, "--regex", pattern)
    got = names(rows)
    if sb["backend"] == "alpm":
        # pacman -Ss searches the sync databases only; omg also shows foreign
        # installed packages (repo "local"), like pacman -Qs would.
        got = sorted(r["name"] for r in rows if r["repo"] != "local")
    assert got == native_search(sb, pattern)


def native_plain(root, backend, term):
    """The names pacman -Ss or apt-cache search finds for a plain word (root None: the
    host's own apt)."""
    if backend == "alpm":
        p = subprocess.run(arch.pacman_cmd(root, "-Ssq", term), capture_output=True, text=True,
                           env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"})
        assert p.returncode in (0, 1), p.stderr
        return set(p.stdout.split())
    if root is None:
        out = subprocess.run(["apt-cache", "search", term], capture_output=True, text=True,
                             check=True, env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"}).stdout
    else:
        out = apt(root, "apt-cache", "search", term)
    return {line.split(" - ", 1)[0] for line in out.splitlines() if line}


def omg_plain(omg, root, backend, term):
    """The names plain omg search finds; on alpm those in no repository left out
    (pacman -Ss searches the sync databases; apt-cache search also dpkg's status)."""
    p = omg.run("--json", "search", term, root=root)
    assert p.returncode in (0, 1), p.stderr
    return {r["name"] for r in json.loads(p.stdout)
            if backend == "apt" or r["repo"] != "local"}


@pytest.mark.parametrize("term", spec.SEARCH_TERMS)
def test_plain_search_finds_what_the_native_tool_finds(omg, sb, term):
    """Issue 14: plain search missed packages found through a provided name ("courier":
    omg-minish provides login-courier) and, on pacman, a group ("tools", "core")."""
    assert omg_plain(omg, sb["root"], sb["backend"], term) == \
        native_plain(sb["root"], sb["backend"], term)


def test_plain_search_through_a_provide(omg, sb):
    """A provided name matches with --names-only too (apt-cache search --names-only
    does), and ranks before description matches."""
    assert names(omg_search(omg, sb, "courier")) == ["omg-minish"]
    assert names(omg_search(omg, sb, "--names-only", "login-courier")) == ["omg-minish"]
    rows = [r["name"] for r in omg_search(omg, sb, "interpreter")]
    assert rows == ["omg-minish"]


# Real words on the real lists, the study's three first. Each finds tens to hundreds of
# packages: apt-cache search looks every result's record up again in name order, a
# backward seek in an lz4 list each time (python's 5,462 take apt two minutes).
HOST_TERMS = ["firefox", "ssl", "kernel", "vim", "bittorrent", "mpd", "sqlite", "zsh",
              "tetris", "scanner", "webext", "smtp"]


@pytest.mark.skipif(not debian_lists(), reason="no apt lists on this machine")
@pytest.mark.parametrize("term", HOST_TERMS)
def test_plain_search_on_the_host_matches_apt_cache(omg, term):
    """The user study's numbers (firefox 112 vs 115, ssl 249 vs 265, kernel 225 vs 232)
    on this machine's own apt, through the engine for /."""
    assert omg_plain(omg, None, "apt", term) == native_plain(None, "apt", term)


@pytest.mark.parametrize("term", HOST_TERMS)
def test_plain_search_on_the_host_lists_matches_pacman(omg, arch_corpus, term):
    """The same lists as an Arch sync db (Section is a group there, as pacman -Ss sees)."""
    root = arch_corpus["root"]
    assert omg_plain(omg, root, "alpm", term) == native_plain(root, "alpm", term)


def test_regex_names_only_matches_apt(omg, deb_sb):
    sb = deb_sb | {"backend": "apt"}
    for pattern in ("omg", "^vim", "edit"):
        rows = omg_search(omg, sb, "--regex", "--names-only", pattern)
        assert names(rows) == native_search(sb, pattern, names_only=True)


@pytest.mark.parametrize("patterns", [
    ["^omg-editor$", "upgrades"],      # one pattern on the name, one on the description
    ["^text-editor$", "small"],        # a provided name and the description
    ["^omg-editor-legacy$", "small"],  # no single package has both
    ["^omg-e", "legacy$"],
    ["^a small"],                      # anchors: start of the description
    ["upgrades$"],                     # apt: $ is the end of the long description
    ["^This is the extended"],         # apt: ^ does not match after a newline
    ["^omg-tools$"],                   # pacman also matches groups
])
def test_several_patterns_match_native_tool(omg, sb, patterns):
    rows = omg_search(omg, sb, "--regex", *patterns)
    got = sorted(r["name"] for r in rows if r["repo"] != "local")
    if sb["backend"] == "alpm":
        p = subprocess.run(arch.pacman_cmd(sb["root"], "-Ssq", *patterns),
                           capture_output=True, text=True, env={"LC_ALL": "C.UTF-8"})
        want = sorted(set(p.stdout.split()))
    else:
        out = apt(sb["root"], "apt-cache", "search", *patterns)
        want = sorted({line.split(" - ", 1)[0] for line in out.splitlines() if line})
    assert got == want


@pytest.mark.smoke
def test_plain_search_is_case_insensitive_and_ranked(omg, sb):
    rows = omg_search(omg, sb, "OMG-EDITOR")
    assert [r["name"] for r in rows] == ["omg-editor", "omg-editor-legacy"]
    rows = omg_search(omg, sb, "editor")
    order = [r["name"] for r in rows]
    # name matches (prefix, then substring) come before description matches
    assert order.index("omg-editor") < order.index("vim-tiny-omg")
    assert order.index("omg-editor-legacy") < order.index("omg-lib")
    rows = omg_search(omg, sb, "omg")
    assert [r["name"] for r in rows][:3] == ["omg-base", "omg-editor", "omg-editor-legacy"]
    assert rows[-1]["name"] in ("zsh-omg-prompt", "vim-tiny-omg", "python-omgtools",
                                "libfirefox-omg")


def test_every_term_must_match(omg, sb):
    rows = omg_search(omg, sb, "editor", "small")
    assert names(rows) == ["omg-editor"]
    assert omg.run("search", "editor", "zzzz", root=sb["root"]).returncode == 1


def test_utf8_terms(omg, sb):
    assert names(omg_search(omg, sb, "ÜNÏCÖDÉ")) == ["omg-unicode"]
    assert names(omg_search(omg, sb, "日本語")) == ["omg-unicode"]


def test_options(omg, sb):
    rows = omg_search(omg, sb, "--installed", "omg")
    assert all(r["installed"] for r in rows)
    assert "omg-spell" not in names(rows) and "omg-editor" in names(rows)
    assert len(omg_search(omg, sb, "--limit", "2", "omg")) == 2
    rows = omg_search(omg, sb, "--names-only", "dictionaries")
    assert rows == []


@pytest.mark.smoke
def test_json_keys_are_stable(omg, sb):
    rows = omg_search(omg, sb, "omg-editor")
    r = rows[0]
    assert list(r) == ["name", "version", "installed_version", "repo", "description",
                       "installed", "upgradable", "held", "reason", "security",
                       "vulnerable", "fixes_advisory"]
    assert r["name"] == "omg-editor" and r["version"] == "1.1-1"
    assert r["installed_version"] == "1.0-1" and r["installed"] and r["upgradable"]
    assert r["reason"] == "explicit"
    legacy = rows[1]
    assert legacy["installed_version"] is None and legacy["reason"] is None


@pytest.mark.smoke
def test_text_output(omg, sb):
    p = omg.run("search", "omg-editor", root=sb["root"], check=0)
    lines = p.stdout.splitlines()
    assert lines[0].split() == ["i", "omg-editor", "1.0-1", "->", "1.1-1",
                                sb["packages"] and lines[0].split()[5]] + \
        "A small text editor for testing upgrades".split()
    assert "\x1b[" not in p.stdout  # piped: plain
    # columns line up: the description starts at the same column on every line
    starts = {line.index("A small") if "A small" in line else line.index("The old")
              for line in lines}
    assert len(starts) == 1


def test_no_match_and_bad_regex(omg, sb):
    p = omg.run("search", "nomatchatall", root=sb["root"])
    assert p.returncode == 1 and p.stdout == "" and p.stderr == ""
    p = omg.run("search", "--regex", "([", root=sb["root"])
    assert p.returncode == 2
    assert p.stderr.startswith("omg: invalid regular expression '(['")
    assert len(p.stderr.splitlines()) == 1
    p = omg.run("search", root=sb["root"])
    assert p.returncode == 2


def test_quiet_names_match_pacman_ssq(omg, arch_sb):
    p = omg.run("search", "-q", "--regex", "edit", root=arch_sb["root"], check=0)
    sb = arch_sb | {"backend": "alpm"}
    assert sorted(p.stdout.split()) == native_search(sb, "edit")
    p = omg.run("list", "--quiet", "--upgradable", root=arch_sb["root"], check=0)
    assert p.stdout == "omg-editor\nomg-held\n"
