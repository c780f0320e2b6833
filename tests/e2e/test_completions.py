# SPDX-License-Identifier: MIT
"""omg completions bash|zsh|fish: each script is valid and loads cleanly in its shell, and
really completes commands, options, values and package names from a sandbox's engine;
package completion never hangs when no engine answers."""
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import time

import pytest

from conftest import OMG, names

SHELLS = ("bash", "zsh", "fish")


def need(tool):
    """The path of tool; fails (not skips) the test when it is missing."""
    path = shutil.which(tool)
    assert path, f"{tool} is missing: run scripts/deps.sh (it installs zsh and fish)"
    return path


@pytest.fixture(scope="module")
def scripts(omg, tmp_path_factory):
    """The three scripts, as omg prints them, in files."""
    d = tmp_path_factory.mktemp("completions")
    out = {}
    for shell in SHELLS:
        p = omg.run("completions", shell, check=0)
        assert p.stderr == ""
        out[shell] = d / shell
        out[shell].write_text(p.stdout)
    return out


def shell_env(omg, **extra):
    """omg's private environment, with omg itself first on PATH."""
    env = dict(omg.env)
    env["PATH"] = f"{OMG.parent}:{env.get('PATH', '/usr/bin:/bin')}"
    env.update(extra)
    return env


def run(argv, env, timeout=60):
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)


def bash_complete(omg, script, *words, env=None):
    """COMPREPLY from the script's _omg for the words (the last is being completed)."""
    need("bash")
    prog = ('source "$1" || exit 9; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); '
            'COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; _omg; '
            'printf "%s\\n" "${COMPREPLY[@]}"')
    p = run(["bash", "--norc", "--noprofile", "-c", prog, "bash", str(script), *words],
            env or shell_env(omg))
    assert p.returncode == 0 and p.stderr == "", (words, p.returncode, p.stderr)
    return [w for w in p.stdout.split("\n") if w]


def help_commands(omg):
    """The commands omg --help lists."""
    text = omg.run("--help", check=0).stdout
    block = text.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines()]


def help_options(text):
    """The long options a usage text names."""
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", text))


def test_usage(omg):
    for args in ([], ["tcsh"], ["bash", "zsh"]):
        p = omg.run("completions", *args)
        assert p.returncode == 2 and "bash, zsh, fish" in p.stderr, args
    assert "completions" in help_commands(omg)
    assert omg.run("completions", "--help", check=0).stdout.startswith("omg completions")


def test_bash_syntax_and_load(omg, scripts):
    need("bash")
    p = run(["bash", "-n", str(scripts["bash"])], shell_env(omg))
    assert p.returncode == 0 and p.stderr == "", p.stderr
    p = run(["bash", "--norc", "--noprofile", "-c", 'source "$1" && complete -p omg', "bash",
             str(scripts["bash"])], shell_env(omg))
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert p.stdout.strip() == "complete -F _omg omg"


def test_zsh_syntax_and_load(omg, scripts, tmp_path):
    need("zsh")
    env = shell_env(omg)
    p = run(["zsh", "-n", str(scripts["zsh"])], env)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    dump = tmp_path / "zcompdump"
    # Sourced after compinit.
    p = run(["zsh", "-f", "-c", f'autoload -Uz compinit && compinit -u -d {dump} && '
             'source "$1" && print -r -- $_comps[omg]', "zsh", str(scripts["zsh"])], env)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert p.stdout.strip() == "_omg"
    # Autoloaded from $fpath as _omg (the #compdef line).
    fdir = tmp_path / "fpath"
    fdir.mkdir()
    shutil.copy(scripts["zsh"], fdir / "_omg")
    p = run(["zsh", "-f", "-c", f'fpath=({fdir} $fpath); autoload -Uz compinit && '
             f'compinit -u -d {dump}.2 && print -r -- $_comps[omg]'], env)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert p.stdout.strip() == "_omg"


def test_fish_syntax_and_load(omg, scripts):
    need("fish")
    env = shell_env(omg)
    p = run(["fish", "--no-config", "-n", str(scripts["fish"])], env)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    p = run(["fish", "--no-config", "-c", f"source {scripts['fish']}; and complete -c omg"],
            env)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert "__omg_packages" in p.stdout


def test_bash_commands_and_options(omg, scripts):
    s = scripts["bash"]
    cmds = help_commands(omg)
    assert bash_complete(omg, s, "omg", "") == cmds
    assert bash_complete(omg, s, "omg", "se") == ["search"]
    assert bash_complete(omg, s, "omg", "--json", "st") == ["status"]
    assert bash_complete(omg, s, "omg", "sb") == ["sbom"]
    # Every global option of omg --help, and every option of each command's usage.
    usage = omg.run("--help", check=0).stdout
    glob = set(re.findall(r"^  (?:-\w, )?(--[a-z-]+)", usage.split("global options:", 1)[1],
                          re.M)) - {"--quiet"}
    assert {"--root", "--no-daemon", "--version"} <= glob
    assert glob <= set(bash_complete(omg, s, "omg", "--"))
    for cmd in cmds:
        if cmd == "help":  # its usage is omg --help's; it completes command names
            assert bash_complete(omg, s, "omg", "help", "in") == ["info", "install"]
            continue
        want = help_options(omg.run(cmd, "--help", check=0).stdout)
        got = set(bash_complete(omg, s, "omg", cmd, "--"))
        if cmd == "daemon":
            got |= set(bash_complete(omg, s, "omg", "daemon", "stop", "--"))
        assert want <= got, (cmd, want - got)
    assert bash_complete(omg, s, "omg", "list", "--up") == ["--upgradable"]
    assert "--all" not in bash_complete(omg, s, "omg", "search", "--")
    # The AUR's: search --aur/--repo, upgrade --repo, aur --approve, each its command's only.
    assert bash_complete(omg, s, "omg", "search", "--a") == ["--aur"]
    assert bash_complete(omg, s, "omg", "search", "--re") == ["--regex", "--repo"]
    assert bash_complete(omg, s, "omg", "upgrade", "--re") == ["--repo"]
    assert bash_complete(omg, s, "omg", "aur", "review", "--ap") == ["--approve"]
    for cmd in ("install", "list", "search", "upgrade"):
        assert "--approve" not in bash_complete(omg, s, "omg", cmd, "--"), cmd
    assert "--aur" not in bash_complete(omg, s, "omg", "upgrade", "--")


def test_bash_values(omg, scripts, tmp_path):
    s = scripts["bash"]
    assert bash_complete(omg, s, "omg", "--color", "") == ["auto", "always", "never"]
    assert bash_complete(omg, s, "omg", "--color", "=", "al") == ["always"]
    assert bash_complete(omg, s, "omg", "--backend", "a") == ["alpm", "apt"]
    assert bash_complete(omg, s, "omg", "daemon", "") == ["run", "start", "stop", "status"]
    assert bash_complete(omg, s, "omg", "daemon", "stop", "") == []
    assert bash_complete(omg, s, "omg", "completions", "") == ["bash", "zsh", "fish"]
    assert bash_complete(omg, s, "omg", "completions", "zsh", "") == []
    assert bash_complete(omg, s, "omg", "history", "") == ["show"]
    assert bash_complete(omg, s, "omg", "history", "--limit", "5", "s") == ["show"]
    assert bash_complete(omg, s, "omg", "history", "show", "") == []
    assert bash_complete(omg, s, "omg", "audit", "") == ["log", "verify"]
    assert bash_complete(omg, s, "omg", "audit", "verify", "") == []
    assert bash_complete(omg, s, "omg", "remove", "--rec") == ["--recursive"]
    assert bash_complete(omg, s, "omg", "install", "--override", "") == \
        ["severity", "deny", "signatures", "aur"]
    assert bash_complete(omg, s, "omg", "install", "--override", "d") == ["deny"]
    assert bash_complete(omg, s, "omg", "upgrade", "--override", "=", "a") == ["aur"]
    assert bash_complete(omg, s, "omg", "aur", "") == ["review"]
    assert bash_complete(omg, s, "omg", "aur", "--approve", "r") == ["review"]
    assert bash_complete(omg, s, "omg", "aur", "review", "omg-x", "") == []
    (tmp_path / "rootdir").mkdir()
    (tmp_path / "rootfile").write_text("")
    assert bash_complete(omg, s, "omg", "--root", str(tmp_path / "root")) == \
        [str(tmp_path / "rootdir")]


def test_bash_packages(omg, scripts, sb):
    s = scripts["bash"]
    root = sb["root"]
    # The first completion may start the engine; one that takes over 2 s to load would
    # complete nothing that first time, so the engine is started here.
    omg.run("status", root=root, check=0)
    assert sorted(bash_complete(omg, s, str(OMG), "--root", root, "info", "omg-ed")) == \
        ["omg-editor", "omg-editor-legacy"]
    assert bash_complete(omg, s, str(OMG), "--root", root, "search", "--regex", "python-") \
        == ["python-omgtools"]
    # An empty word: every package.
    every = names(omg.json("list", "--all", root=root))
    assert sorted(bash_complete(omg, s, str(OMG), "--root", root, "info", "")) == every
    # --root=DIR (bash splits it at "=") and the same in process.
    assert sorted(bash_complete(omg, s, str(OMG), "--root", "=", root, "--no-daemon", "info",
                                "omg-s")) == ["omg-spell", "omg-suite"]
    # install: any package; remove: installed ones only.
    assert sorted(bash_complete(omg, s, str(OMG), "--root", root, "install", "--dry-run",
                                "omg-ed")) == ["omg-editor", "omg-editor-legacy"]
    assert bash_complete(omg, s, str(OMG), "--root", root, "remove", "--recursive",
                         "omg-ed") == ["omg-editor"]
    installed = names(omg.json("list", "--installed", root=root))
    assert sorted(bash_complete(omg, s, str(OMG), "--root", root, "remove", "")) == installed
    # aur review: the installed foreign packages (those the AUR builds), not every package.
    foreign = names(omg.json("list", "--foreign", root=root))
    assert "omg-foreign" in foreign and len(foreign) < len(installed), foreign
    assert sorted(bash_complete(omg, s, str(OMG), "--root", root, "aur", "review", "")) == \
        foreign
    assert bash_complete(omg, s, str(OMG), "--root", root, "aur", "review", "--approve",
                         "omg-f") == ["omg-foreign"]
    assert bash_complete(omg, s, str(OMG), "--root", root, "aur", "review", "omg-ed") == []


def test_bash_packages_never_hang(omg, scripts, tmp_path):
    s = scripts["bash"]
    # A root with no package system: no engine can start; nothing, at once.
    t0 = time.monotonic()
    (tmp_path / "empty").mkdir()
    assert bash_complete(omg, s, str(OMG), "--root", str(tmp_path / "empty"), "info",
                         "omg") == []
    assert time.monotonic() - t0 < 10
    # An omg that never answers (its sleep is the test) is given up after 2 s.
    slow = tmp_path / "omg"
    slow.write_text("#!/bin/sh\nsleep 60\n")
    slow.chmod(0o755)
    t0 = time.monotonic()
    assert bash_complete(omg, s, str(slow), "info", "omg") == []
    assert time.monotonic() - t0 < 10


def fish_complete(omg, script, line):
    """The candidates fish's complete -C prints for line (descriptions dropped)."""
    need("fish")
    p = run(["fish", "--no-config", "-c", f"source {script}; and complete -C $argv[1]", line],
            shell_env(omg))
    assert p.returncode == 0 and p.stderr == "", (line, p.stderr)
    return sorted(row.split("\t")[0] for row in p.stdout.splitlines() if row)


def test_fish_completes(omg, scripts, sb):
    s = scripts["fish"]
    root = sb["root"]
    omg.run("status", root=root, check=0)
    assert fish_complete(omg, s, "omg se") == ["search"]
    assert fish_complete(omg, s, "omg ") == sorted(help_commands(omg))
    assert fish_complete(omg, s, "omg daemon ") == ["run", "start", "status", "stop"]
    assert fish_complete(omg, s, "omg completions ") == ["bash", "fish", "zsh"]
    assert fish_complete(omg, s, "omg --color a") == ["always", "auto"]
    assert fish_complete(omg, s, "omg list --u") == ["--upgradable"]
    assert fish_complete(omg, s, f"omg --root {root} info omg-ed") == \
        ["omg-editor", "omg-editor-legacy"]
    assert fish_complete(omg, s, f"omg --root {root} --no-daemon search omg-s") == \
        ["omg-spell", "omg-suite"]
    assert fish_complete(omg, s, "omg history ") == ["show"]
    assert fish_complete(omg, s, "omg audit ") == ["log", "verify"]
    assert fish_complete(omg, s, "omg sb") == ["sbom"]
    assert fish_complete(omg, s, "omg help in") == ["info", "install"]
    assert fish_complete(omg, s, "omg --th") == ["--theme"]
    assert fish_complete(omg, s, "omg upgrade --no") == ["--no-daemon", "--no-sync"]
    assert fish_complete(omg, s, f"omg --root {root} install omg-ed") == \
        ["omg-editor", "omg-editor-legacy"]
    assert fish_complete(omg, s, f"omg --root {root} remove omg-ed") == ["omg-editor"]
    assert fish_complete(omg, s, "omg aur ") == ["review"]
    assert fish_complete(omg, s, "omg aur review --ap") == ["--approve"]
    assert fish_complete(omg, s, f"omg --root {root} aur review omg-f") == ["omg-foreign"]
    assert fish_complete(omg, s, f"omg --root {root} aur review omg-ed") == []
    assert fish_complete(omg, s, f"omg --root {root} aur review omg-foreign ") == []
    assert fish_complete(omg, s, "omg search --re") == ["--regex", "--repo"]
    assert fish_complete(omg, s, "omg upgrade --re") == ["--repo"]
    assert "--aur" not in fish_complete(omg, s, "omg upgrade --")
    assert fish_complete(omg, s, "omg install --override a") == ["aur"]


def zsh_complete(omg, script, line, tmp_path):
    """What zsh's completion system offers for line, typed with a TAB in an interactive
    zsh on a pseudo-terminal; compadd is wrapped to write its matches to a file."""
    need("zsh")
    out = tmp_path / "zsh-matches"
    if out.exists():
        out.unlink()
    setup = (f"autoload -Uz compinit; compinit -u -d {tmp_path}/zcompdump-pty\n"
             f"source {script}\n"
             "compadd() { local -a __m; builtin compadd -O __m \"$@\"; "
             f"print -rl -- $__m >> {out}; builtin compadd \"$@\"; }}\n"
             "print -r -- READY$((6*7))\n")
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(shutil.which("zsh"), ["zsh", "-f", "-i"], shell_env(omg))
    try:
        os.write(fd, setup.encode())
        buf = b""
        end = time.monotonic() + 30
        while b"READY42" not in buf and time.monotonic() < end:
            if select.select([fd], [], [], 0.2)[0]:
                buf += os.read(fd, 4096)
        assert b"READY42" in buf, buf.decode(errors="replace")
        os.write(fd, (line + "\t").encode())
        end = time.monotonic() + 15
        size = -1
        while time.monotonic() < end:
            if select.select([fd], [], [], 0.3)[0]:
                try:
                    os.read(fd, 4096)
                except OSError:
                    break
                continue
            # Quiet for 0.3 s: done once the matches file stopped growing.
            now = out.stat().st_size if out.exists() else -1
            if now >= 0 and now == size:
                break
            size = now
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    return sorted(set(out.read_text().split())) if out.exists() else []


def test_zsh_completes(omg, scripts, sb, tmp_path):
    s = scripts["zsh"]
    root = sb["root"]
    omg.run("status", root=root, check=0)
    assert zsh_complete(omg, s, "omg se", tmp_path) == ["search"]
    assert zsh_complete(omg, s, "omg daemon ", tmp_path) == ["run", "start", "status", "stop"]
    assert zsh_complete(omg, s, "omg list --up", tmp_path) == ["--upgradable"]
    assert zsh_complete(omg, s, f"omg --root {root} info omg-ed", tmp_path) == \
        ["omg-editor", "omg-editor-legacy"]
    assert zsh_complete(omg, s, "omg audit ", tmp_path) == ["log", "verify"]
    assert zsh_complete(omg, s, "omg help in", tmp_path) == ["info", "install"]
    assert zsh_complete(omg, s, "omg history ", tmp_path) == ["show"]
    assert zsh_complete(omg, s, "omg upgrade --no-s", tmp_path) == ["--no-sync"]
    assert zsh_complete(omg, s, f"omg --root {root} install omg-ed", tmp_path) == \
        ["omg-editor", "omg-editor-legacy"]
    assert zsh_complete(omg, s, f"omg --root {root} remove omg-ed", tmp_path) == ["omg-editor"]
    assert zsh_complete(omg, s, "omg aur ", tmp_path) == ["review"]
    assert zsh_complete(omg, s, f"omg --root {root} aur review omg-f", tmp_path) == \
        ["omg-foreign"]
    assert zsh_complete(omg, s, "omg aur --ap", tmp_path) == ["--approve"]
    assert zsh_complete(omg, s, "omg search --au", tmp_path) == ["--aur"]
    assert zsh_complete(omg, s, "omg upgrade --re", tmp_path) == ["--repo"]
    assert zsh_complete(omg, s, "omg install --override=a", tmp_path) == ["aur"]
