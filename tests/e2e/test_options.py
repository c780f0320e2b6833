# SPDX-License-Identifier: MIT
"""Every option omg takes is in its help, omg(1), docs/cli.md and the bash, zsh and fish
completions, with each command's own options in that command's usage and completions
(issue 14, finding 13). The options and which command takes which are read from
src/cli/cli.c itself (the getopt table, the command table, the O_* bits take_option
sets), so a new option cannot be left out of any of them."""
import re

import pytest

from conftest import OMG, TOP
from test_completions import bash_complete, fish_complete, scripts  # noqa: F401

CLI_C = (TOP / "src" / "cli" / "cli.c").read_text()
MAN = (TOP / "docs" / "man" / "omg.1").read_text()
DOC = (TOP / "docs" / "cli.md").read_text()


def long_options():
    """{name: (getopt value, internal)} from the longopts table."""
    table = CLI_C.split("static const struct option longopts[] = {", 1)[1].split("};", 1)[0]
    out = {}
    for m in re.finditer(r'\{"([a-z-]+)", \w+_argument, NULL, ([A-Z_]+|\'.\')\},(.*)', table):
        out[m.group(1)] = (m.group(2), "internal" in m.group(3))
    return out


def short_options():
    """The short options of getopt_long's option string: {"q", "y", ...}."""
    return set(re.search(r'getopt_long\(argc, argv, "([^"]*)"', CLI_C).group(1).strip(":"))


def bits_to_options():
    """{O_BIT: {option names}} from take_option: the bits each case sets."""
    values = {v: n for n, (v, _) in long_options().items()}
    out = {}
    body = CLI_C.split("static int take_option(", 1)[1].split("\n}\n", 1)[0]
    for case in re.split(r"\n\tcase ", body)[1:]:
        value = case.split(":", 1)[0].strip()
        for bit in re.findall(r"ps->used \|= (O_[A-Z]+)", case):
            out.setdefault(bit, set()).add(values[value])
    return out


def command_options():
    """{command: {option names}} from the command table's O_* bits."""
    bits = bits_to_options()
    table = CLI_C.split("static const struct command commands[] = {", 1)[1].split("\n};", 1)[0]
    out = {}
    for m in re.finditer(r'\{"([a-z-]+)", cmd_\w+, ([^,]+),\s+FIT_', table):
        names = set()
        for bit in re.findall(r"O_[A-Z]+", m.group(2)):
            names |= bits[bit]
        out[m.group(1)] = {n for n in names if not long_options()[n][1]}
    return out


PUBLIC = sorted(n for n, (_, internal) in long_options().items() if not internal)


def test_the_source_is_read():
    # The parsing above found what it should: a guard against the tests testing nothing.
    assert {"root", "json", "limit", "quiet", "theme", "no-mouse", "colour"} <= set(PUBLIC)
    assert "ready-fd" not in PUBLIC and len(PUBLIC) >= 28
    assert short_options() == {"h", "q", "V", "y"}
    cmds = command_options()
    assert cmds["list"] >= {"limit", "upgradable", "quiet"} and cmds["info"] == set()
    assert cmds["daemon"] == {"idle", "system", "config"}
    # an entry whose options run onto a second line is read too
    assert cmds["search"] >= {"regex", "names-only", "aur", "repo"}
    assert cmds["upgrade"] >= {"repo"} and "aur" not in cmds["upgrade"]
    assert cmds["aur"] == {"approve"}


def help_text(omg):
    """omg --help and every command's usage, as one text."""
    text = omg.run("--help", check=0).stdout
    for cmd in command_options():
        text += omg.run(cmd, "--help", check=0).stdout
    return text


@pytest.mark.parametrize("name", PUBLIC)
def test_option_is_documented(omg, scripts, name):  # noqa: F811
    assert re.search(rf"--{name}\b", help_text(omg)), ("omg --help", name)
    assert re.search(re.escape("\\-\\-" + name.replace("-", "\\-")) + r"\b", MAN), ("omg(1)", name)
    assert f"`--{name}" in DOC or re.search(rf"--{name}\b", DOC), ("docs/cli.md", name)
    assert re.search(rf"--{name}\b", scripts["bash"].read_text()), ("bash", name)
    assert re.search(rf"--{name}\b", scripts["zsh"].read_text()), ("zsh", name)
    assert re.search(rf"-l {name}\b", scripts["fish"].read_text()), ("fish", name)


@pytest.mark.parametrize("letter", sorted(short_options()))
def test_short_option_is_documented(omg, scripts, letter):  # noqa: F811
    assert re.search(rf"(?<![\w-])-{letter}\b", help_text(omg)), letter
    assert re.search(rf"\\-{letter}\b", MAN), letter
    assert f"`-{letter}`" in DOC, letter
    assert re.search(rf"(?<![\w-])-{letter}\b", scripts["bash"].read_text()), letter
    assert re.search(rf"-{letter}\b", scripts["zsh"].read_text()), letter
    assert re.search(rf"-s {letter}\b", scripts["fish"].read_text()), letter


@pytest.mark.parametrize("cmd", sorted(command_options()))
def test_command_options_in_its_usage_and_completions(omg, scripts, cmd):  # noqa: F811
    want = {f"--{n}" for n in command_options()[cmd]}
    usage = omg.run(cmd, "--help", check=0).stdout
    short = {f"--{n}": f"-{v[1]}" for n, (v, _) in long_options().items() if v.startswith("'")}
    named = set(re.findall(r"(?<![\w-])-[a-zA-Z]\b|--[a-z][a-z-]*", usage))
    missing = {o for o in want if o not in named and short.get(o) not in named}
    assert not missing, (cmd, missing, usage)
    got = set(bash_complete(omg, scripts["bash"], "omg", cmd, "--"))
    if cmd == "daemon":
        got |= set(bash_complete(omg, scripts["bash"], "omg", "daemon", "stop", "--"))
    assert want <= got, ("bash", cmd, want - got)
    got = set(fish_complete(omg, scripts["fish"], f"omg {cmd} --"))
    assert want <= got, ("fish", cmd, want - got)


def test_help_fits_80_columns(omg):
    # omg --help and each command's usage are read on a terminal: none needs more than 80.
    texts = {"omg --help": omg.run("--help", check=0).stdout}
    for cmd in command_options():
        texts[cmd] = omg.run(cmd, "--help", check=0).stdout
    assert "aur" in texts and len(texts) > 15
    wide = [(name, line) for name, text in texts.items() for line in text.splitlines()
            if len(line) > 80]
    assert not wide, wide
