# SPDX-License-Identifier: MIT
"""Text output on a real pseudo-terminal: colour only on a terminal, NO_COLOR honoured,
lines fitted to the terminal width without splitting wide characters."""
import fcntl
import os
import pty
import re
import struct
import subprocess
import termios
import unicodedata

from conftest import OMG, read_pty, spec

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run_on_pty(omg, args, cols=80, rows=24, env=None):
    """Runs omg with its stdout on a pty of the given size; returns (rc, text)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    e = dict(omg.env)
    if env:
        e.update(env)
    p = subprocess.Popen([str(OMG)] + [str(a) for a in args], stdout=slave,
                         stderr=subprocess.PIPE, env=e)
    os.close(slave)
    out = read_pty(master)
    rc = p.wait(timeout=60)
    os.close(master)
    return rc, out.decode("utf-8").replace("\r\n", "\n")


def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def test_colour_on_a_terminal(omg, sb):
    rc, out = run_on_pty(omg, ["--root", sb["root"], "search", "omg"])
    assert rc == 0 and ANSI.search(out)
    rc, out = run_on_pty(omg, ["--root", sb["root"], "info", "omg-editor"])
    assert ANSI.search(out)


def test_no_color(omg, sb):
    rc, out = run_on_pty(omg, ["--root", sb["root"], "search", "omg"], env={"NO_COLOR": "1"})
    assert rc == 0 and not ANSI.search(out) and "omg-editor" in out
    rc, out = run_on_pty(omg, ["--root", sb["root"], "--color", "never", "search", "omg"])
    assert not ANSI.search(out)


def test_color_always_when_piped(omg, sb):
    p = omg.run("--color", "always", "search", "omg", root=sb["root"], check=0)
    assert ANSI.search(p.stdout)


def test_lines_fit_the_terminal(omg, sb):
    for cols in (60, 80, 120):
        rc, out = run_on_pty(omg, ["--root", sb["root"], "search", "omg"], cols=cols,
                             env={"NO_COLOR": "1"})
        lines = out.splitlines()
        assert len(lines) == len(spec.PACKAGES)  # every name has "omg" in it
        assert all(width(line) <= cols for line in lines), (cols, lines)
        uni = [line for line in lines if "omg-unicode" in line][0]
        assert "Ünïcödé" in uni  # wide and accented characters survive truncation


def test_piped_output_is_not_truncated(omg, sb):
    p = omg.run("search", "unicode", root=sb["root"], check=0)
    assert "wide characters." in p.stdout
