# SPDX-License-Identifier: MIT
"""The full-screen UI (omg with no command on a terminal), driven through a private tmux
server per test: keys and mouse escapes in, the screen out (capture-pane), on sandbox roots
of both backends. Each flow is checked on the screen and, where it changes the system, with
the backends' own tools (pacman -Q, dpkg-query), the engine's status and its history."""
import functools
import itertools
import json
import os
import pwd
import re
import shutil
import stat
import subprocess
import tempfile
import time
import unicodedata
from pathlib import Path

import pytest

from conftest import OMG, arch, assert_sanitizer_free, debian, spec
from slowhttp import SlowRepo, point_arch_at
from test_engine import throwaway_user  # noqa: F401 (fixture)
from test_trans import fresh, installed, slow  # noqa: F401 (fixtures)

TMUX = shutil.which("tmux")
_seq = itertools.count()


def width(s):
    """Terminal columns of s."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0
               if unicodedata.combining(c) else 1 for c in s)


def col_of(line, text):
    """The screen column where text starts in line, or -1."""
    i = line.find(text)
    return -1 if i < 0 else width(line[:i])


class UI:
    """omg's UI in a tmux server of its own (-L NAME), at cols x rows. The pane stays after
    omg exits (remain-on-exit), so its last words and exit status can be read."""

    def __init__(self, env, root, *args, cols=120, rows=35, term="tmux-256color", extra=None,
                 user=None, tmp=None):
        assert TMUX, "tmux is needed for the UI tests (scripts/deps.sh installs it)"
        self.name = "omgui-%d-%d" % (os.getpid(), next(_seq))
        self.term = term
        self.conf = os.path.join(tmp or tempfile.gettempdir(), self.name + ".conf")
        with open(self.conf, "w") as f:
            f.write("set -g remain-on-exit on\nset -g status off\n")
        e = dict(env.full)
        e.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": term})
        e.pop("NO_COLOR", None)
        e.update(extra or {})
        argv = [str(OMG)] + (["--root", str(root)] if root else []) + [str(a) for a in args]
        if user:
            pw = pwd.getpwnam(user)
            argv = ["setpriv", "--reuid", str(pw.pw_uid), "--regid", str(pw.pw_gid),
                    "--clear-groups", "--"] + argv
        # sh prints omg's exit status under its last words; the pane stays (remain-on-exit).
        # sh then waits a moment: a pane whose process exits at once (a usage error) could
        # die before tmux read its last output, under load (a blank dead pane was seen).
        self.argv = ["env", "-i"] + ["%s=%s" % kv for kv in sorted(e.items())] + [
            "/bin/sh", "-c", '"$@"; echo "[omg exited $?]"; sleep 2', "sh"] + argv
        self.tmux("new-session", "-d", "-x", str(cols), "-y", str(rows), *self.argv)
        self.socket = self.tmux("display-message", "-p", "#{socket_path}").strip()

    def tmux(self, *args, check=True):
        p = subprocess.run([TMUX, "-L", self.name, "-f", self.conf, *args],
                           capture_output=True, text=True, timeout=30)
        if check:
            assert p.returncode == 0, (args, p.stderr)
        return p.stdout

    def screen(self, escapes=False, history=False):
        """The pane's text, one string per row (with the SGR escapes when asked; with the
        lines scrolled off when asked: tmux scrolls a line off to say the pane is dead)."""
        out = self.tmux("capture-pane", "-p", *(["-e"] if escapes else []),
                        *(["-S", "-", "-J"] if history else []))
        return out.split("\n")[:-1] if out.endswith("\n") else out.split("\n")

    def text(self):
        return "\n".join(self.screen())

    def last_words(self):
        """The screen for a failure report, or why there is none."""
        p = subprocess.run([TMUX, "-L", self.name, "capture-pane", "-p"], capture_output=True,
                           text=True, timeout=30)
        return p.stdout if p.returncode == 0 else "(closed: %s)" % p.stderr.strip()

    def wait(self, what, timeout=20, history=False):
        """Waits until what (a string on the screen, or a predicate of the rows) holds on
        a settled screen (the same a moment later: tmux may show a frame half drawn);
        returns the rows. Fails with the screen when it never does."""
        pred = what if callable(what) else (lambda rows: any(what in r for r in rows))
        deadline = time.monotonic() + timeout
        while True:
            rows = self.screen(history=history)
            if pred(rows):
                time.sleep(0.02)  # then the same screen again: settled, not half drawn
                if self.screen(history=history) == rows:
                    return rows
                continue
            if time.monotonic() > deadline:
                pytest.fail("the screen never showed %r:\n%s" % (
                    what if not callable(what) else what.__doc__ or what, "\n".join(rows)))
            time.sleep(0.05)

    def keys(self, *keys):
        """tmux key names (j, Enter, Escape, C-u, PageDown ...), one after another."""
        self.tmux("send-keys", *keys)

    def type(self, text):
        self.tmux("send-keys", "-l", text)

    def mouse(self, x, y, button=0, sgr=None):
        """A click (press and release) at screen column x, row y (0-based), or a wheel
        step (button 64 up, 65 down), in the encoding a terminal would use: SGR 1006
        when omg asked for it (as tmux does), else X10; sgr=False forces X10 (a
        terminal without 1006, which ignores the request)."""
        if sgr is None:
            sgr = self.mouse_modes()[1] == "1"
        if sgr:
            seq = "\x1b[<%d;%d;%dM" % (button, x + 1, y + 1)
            if button < 64:
                seq += "\x1b[<%d;%d;%dm" % (button, x + 1, y + 1)
        else:
            assert x < 223 and y < 223, "X10 cannot say a cell past 223"
            seq = "\x1b[M" + chr(32 + button) + chr(33 + x) + chr(33 + y)
            if button < 64:
                seq += "\x1b[M" + chr(32 + 3) + chr(33 + x) + chr(33 + y)
        self.tmux("send-keys", "-l", seq)

    def mouse_modes(self):
        """Whether omg asked the terminal for mouse reports, and for SGR ones ("1"/"0")."""
        return tuple(self.tmux("display-message", "-p",
                               "#{mouse_standard_flag} #{mouse_sgr_flag}").split())

    def resize(self, cols, rows):
        self.tmux("resize-window", "-x", str(cols), "-y", str(rows))

    def dead(self):
        """None while omg runs, else its exit status (the wrapper prints it)."""
        for r in reversed(self.screen(history=True)):
            m = re.match(r"^\[omg exited (\d+)\]", r)
            if m:
                return int(m.group(1))
        return None

    def wait_exit(self, timeout=20):
        """Waits for omg to exit; returns its status and what the pane shows then."""
        self.wait(lambda rows: any(r.startswith("[omg exited ") for r in rows), timeout,
                  history=True)
        return self.dead(), self.screen(history=True)

    def close(self):
        """Kills the tmux server; its socket goes too (tmux 3.3 leaves it behind)."""
        self.tmux("kill-server", check=False)
        for path in (self.conf, self.socket):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


@pytest.fixture
def ui(env, tmp_path, request):
    """Opens UIs (ui(root, *args, env=ENV, ...), env being the test's own by default) and
    closes their tmux servers at the end; a failed test prints the last screen of each."""
    opened = []

    def start(root, *args, env=env, **kw):
        u = UI(env, root, *args, tmp=str(tmp_path), **kw)
        opened.append(u)
        return u
    yield start
    rep = getattr(request.node, "rep_call", None)
    for u in opened:
        if rep is not None and rep.failed:
            print("--- screen of %s" % u.name)
            print(u.last_words())
        u.close()
    # The engines stopped here rather than by env, so that their last words are in their
    # logs: an ASan build's reports (the UI's own go to ui.log while curses draws).
    env("daemon", "stop", "--all", check=0)
    sanitizer_free(env.log)


def sanitizer_free(logs):
    """No sanitizer report in the omg logs in logs (the engines' and the UI's)."""
    for log in sorted(logs.glob("*.log")) if logs.is_dir() else []:
        assert_sanitizer_free(log)


# -- what the screens show ---------------------------------------------------------------

LIST_TOP = 3  # header, tabs, column headings


def rows_of(rows):
    """The package rows of the list screen as (flags, name, rest of the row)."""
    out = []
    for r in rows[LIST_TOP:]:
        if r.startswith("\u2500\u2500"):
            break
        m = re.match(r"^(.{3}) (\S+)\s+(.*)$", r)
        if m:
            out.append(m.groups())
    return out


def names_of(rows):
    return [n for _, n, _ in rows_of(rows)]


def detail_of(rows):
    """The package named in the detail pane's bar."""
    for r in rows:
        m = re.match("^\u2500\u2500 (\\S+) ", r)
        if m:
            return m.group(1)
    return None


def listed(n):
    """A predicate: the list shows n package rows."""
    def pred(rows):
        return len(rows_of(rows)) == n
    pred.__doc__ = "%d package rows" % n
    return pred


def on(name):
    """A predicate: the cursor (the detail bar) is on name and its record is shown."""
    def pred(rows):
        return detail_of(rows) == name and any(
            r.startswith(" Name            : " + name) for r in rows)
    pred.__doc__ = "the cursor on %s with its record" % name
    return pred


def first_screen(u, n=len(spec.PACKAGES)):
    """Waits for the list of n packages and the first one's record."""
    rows = u.wait(listed(n))
    return u.wait(on(names_of(rows)[0]))


def go_to(u, name, typed=None):
    """Puts the cursor on name with the find prompt (typing typed, by default the name),
    and waits for its record."""
    typed = typed or name
    u.keys("/")
    u.wait("Find: ")
    u.type(typed)
    u.wait(lambda rows: rows[-1].startswith("Find: " + typed + "  "))
    u.keys("Enter")
    return u.wait(on(name))


def matches(pattern):
    """Names of the fixture's packages the UI's find and limit match: every word of
    pattern in the name or description, case folded."""
    words = pattern.lower().split()
    return sorted(p["name"] for p in spec.PACKAGES
                  if all(w in (p["name"] + "\n" + p["desc"]).lower() for w in words))


def flags(p):
    """The three flag columns the fixture's package p has before any mark."""
    inst = p.get("installed")
    return "%s%s%s" % ("i" if inst else "p", "h" if p.get("held") and inst else " ",
                       "A" if inst and inst["reason"] == "depend" else " ")


def row(rows, name):
    """The list row of name as (flags, rest), or None."""
    for f, n, rest in rows_of(rows):
        if n == name:
            return f, rest
    return None


def marked(name, want):
    """A predicate: name's row carries the flags want."""
    def pred(rows):
        r = row(rows, name)
        return r is not None and r[0] == want
    pred.__doc__ = "%s with the flags %r" % (name, want)
    return pred


def tabs(rows):
    """The view tabs' counts: {"All": 15, ...}, and the limit shown, or None."""
    got = dict((v, int(n)) for v, n in re.findall(r"\d (\w+) (\d+)", rows[1]))
    m = re.search(r" limit: (.*?)(?:  |\s*$)", rows[1])  # the AUR's state may follow
    return got, m.group(1) if m else None


def status(env, root):
    return json.loads(env("--json", "status", root=root, check=0).stdout)


def history(env, root):
    return json.loads(env("--json", "history", root=root, check=0).stdout)


def engine_pid(env, root):
    return json.loads(env("--json", "daemon", "status", root=root, check=0).stdout)["pid"]


def info_lines(env, root, name):
    return [line.rstrip() for line in env("info", name, root=root, check=0).stdout.splitlines()]


SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def colour_codes(rows):
    """The SGR parameters that set a colour (30-37, 38;5;N, 40-47, 48;5;N, 90-97, 100-107)
    anywhere on the screen."""
    found = set()
    for r in rows:
        for m in SGR.finditer(r):
            params = m.group(1).replace(":", ";").split(";")
            i = 0
            while i < len(params):
                p = int(params[i] or 0)
                if p in (38, 48):
                    found.add(";".join(params[i:i + 3]))
                    i += 3
                    continue
                if 30 <= p <= 37 or 40 <= p <= 47 or 90 <= p <= 97 or 100 <= p <= 107:
                    found.add(str(p))
                i += 1
    return found


# -- the list, the detail pane, find and limit ---------------------------------------------

@pytest.mark.smoke
def test_first_screen_lists_the_packages_and_their_record(env, ui, sb):
    root = sb["root"]
    u = ui(root, cols=160)  # the header names the root first: room for the rest
    rows = first_screen(u)
    # every package of the fixture, in name order, with aptitude's flags
    want = sorted(spec.PACKAGES, key=lambda p: p["name"])
    assert names_of(rows) == [p["name"] for p in want], rows
    for p in want:
        f, rest = row(rows, p["name"])
        assert f == flags(p), (p["name"], f)
        inst, ver = p.get("installed"), p.get("version")
        if inst and ver and inst["version"] != ver:
            assert rest.startswith("%s-1 \u2192 %s-1 " % (inst["version"], ver)), rest
        else:
            assert rest.startswith((inst["version"] if inst else ver) + "-1 "), rest
    # the header: the engine's own counts, backend, root and pid
    st = status(env, root)
    head = rows[0]
    assert head.startswith(" omg %s %s \u2502 " % (sb["backend"], root)), head
    assert "%d installed, %d upgradable" % (st["installed"], st["upgradable"]) in head, head
    assert st["installed"] == len(installed(sb))  # as pacman -Q / dpkg-query count
    assert "user engine %d" % engine_pid(env, root) in head, head
    up = json.loads(env("--json", "list", "--upgradable", root=root, check=0).stdout)
    assert tabs(rows) == ({"All": st["packages"], "Installed": st["installed"],
                           "Upgradable": len(up), "Orphans": st["orphans"], "Marked": 0,
                           "Security": st.get("security") or 0,
                           "Vulnerable": st.get("vulnerable") or 0, "AUR": 0},
                          None), rows[1]
    assert re.match(r"^St\s+Name\u25b2\s+Version\s+Repo\s+Description$", rows[2]), rows[2]
    # the detail pane is omg info's record of the package under the cursor
    for name in ("omg-editor", "omg-lib"):
        rows = go_to(u, name)
        info = info_lines(env, root, name)
        bar = [i for i, r in enumerate(rows) if r.startswith("\u2500\u2500 " + name + " ")][0]
        pane = [r.rstrip() for r in rows[bar + 1:-1]]
        assert pane == [" " + line for line in info[:len(pane)]], (pane, info)
        # Enter: the whole record on the screen; Esc: back to the list
        u.keys("Enter")
        rows = u.wait(lambda rows: rows[1].startswith("\u2500\u2500 " + name + " "))
        body = [r.rstrip() for r in rows[2:-1] if r.strip()]
        assert body == [" " + line for line in info], (body, info)
        depends = [r for r in body  # pacman's label, apt's
                   if r.startswith(" Depends On " if sb["backend"] == "alpm" else " Depends ")]
        required = [r for r in body if r.startswith(" Required By ")]
        if name == "omg-editor":
            assert "omg-lib" in depends[0] and "omg-base" in depends[0], depends
        else:
            assert "omg-editor" in required[0], required
        u.keys("Escape")
        u.wait(listed(len(spec.PACKAGES)))


def test_moving_and_scrolling_the_detail_pane(env, ui, sb):
    root = sb["root"]
    u = ui(root)
    rows = first_screen(u)
    order = names_of(rows)
    u.keys("j", "j", "Down")
    u.wait(on(order[3]))
    u.keys("k", "Up")
    u.wait(on(order[1]))
    u.keys("End")
    u.wait(on(order[-1]))
    u.keys("Home")
    u.wait(on(order[0]))
    u.keys("PageDown")  # a page is longer than the list: the last package
    u.wait(on(order[-1]))
    u.keys("PageUp")
    u.wait(on(order[0]))
    # Tab: j/k scroll the detail pane, not the list
    rows = go_to(u, "omg-editor")
    info = info_lines(env, root, "omg-editor")
    bar = [i for i, r in enumerate(rows) if r.startswith("\u2500\u2500 omg-editor ")][0]
    assert rows[bar + 1].rstrip() == " " + info[0]
    u.keys("Tab")
    u.wait("j/k scroll, Tab: back to the list")
    u.keys("j", "j")
    rows = u.wait(lambda rows: rows[bar + 1].rstrip() == " " + info[2])
    assert detail_of(rows) == "omg-editor"
    u.keys("k")
    u.wait(lambda rows: rows[bar + 1].rstrip() == " " + info[1])
    u.keys("Tab", "j")  # the list again
    u.wait(on("omg-editor-legacy"))
    # ? shows every key; any key goes back
    u.keys("?")
    rows = u.wait(lambda rows: rows[1].startswith("\u2500\u2500 Keys "))
    assert any("Ctrl-U" in r and "undo" in r for r in rows), rows
    u.keys("x")
    u.wait(on("omg-editor-legacy"))


def test_find_as_you_type(ui, sb):
    u = ui(sb["root"])
    first_screen(u)
    u.keys("/")
    u.wait("Find: ")
    typed = ""
    for more in ("e", "d", "it", "or"):
        u.type(more)
        typed += more
        want = matches(typed)
        rows = u.wait(lambda rows: names_of(rows) == want and
                      rows[-1].startswith("Find: %s   %d match" % (typed, len(want))))
    assert names_of(rows) == ["omg-editor", "omg-editor-legacy", "omg-lib", "omg-spell",
                              "vim-tiny-omg"], rows
    assert detail_of(rows) == "omg-editor"  # the best match: the exact name
    # Enter: the whole list again, the cursor on the exact match
    u.keys("Enter")
    rows = u.wait(on("omg-editor"))
    assert len(rows_of(rows)) == len(spec.PACKAGES)
    # n and N: the next and previous match in the list, wrapping around
    for key, name in (("n", "omg-editor-legacy"), ("n", "omg-lib"), ("N", "omg-editor-legacy"),
                      ("n", "omg-lib"), ("n", "omg-spell"), ("n", "vim-tiny-omg"),
                      ("n", "omg-editor")):
        u.keys(key)
        u.wait(on(name))
    # Esc: the list and the cursor as they were
    u.keys("/")
    u.type("zsh")
    u.wait(lambda rows: names_of(rows) == ["zsh-omg-prompt"])
    u.keys("BSpace", "BSpace", "BSpace")
    u.wait(lambda rows: rows[-1].startswith("Find:    %d matches" % len(spec.PACKAGES)))
    u.type("nomatchatall")
    rows = u.wait(lambda rows: "Find: nomatchatall   0 matches" in rows[-1])
    assert "no packages in this view" in rows[LIST_TOP]
    u.keys("Escape")
    rows = u.wait(on("omg-editor"))
    assert len(rows_of(rows)) == len(spec.PACKAGES)
    # wide and accented characters are found, folded
    go_to(u, "omg-unicode", "\u65e5\u672c\u8a9e")
    go_to(u, "omg-base")
    go_to(u, "omg-unicode", "\u00dcN\u00cfC\u00d6D\u00c9")


def test_limit(ui, sb):
    u = ui(sb["root"])
    first_screen(u)
    u.keys("l")
    u.wait("Limit to: ")
    u.type("omg editor")
    want = matches("omg editor")
    rows = u.wait(lambda rows: names_of(rows) == want)
    assert "Limit to: omg editor   %d matches" % len(want) in rows[-1]
    u.keys("Enter")  # the limit stays
    rows = u.wait(lambda rows: tabs(rows)[1] == "omg editor")
    assert names_of(rows) == want and "Limit to" not in rows[-1]
    assert tabs(rows)[0]["All"] == len(spec.PACKAGES)  # the views count everything
    # the limit holds in every view
    u.keys("2")
    installed_ = sorted(p["name"] for p in spec.PACKAGES if p.get("installed"))
    rows = u.wait(lambda rows: names_of(rows) == [n for n in want if n in installed_])
    assert names_of(rows) == ["omg-editor", "omg-lib"]
    # l shows it for editing; Ctrl-U and Enter clear it
    u.keys("l")
    u.wait("Limit to: omg editor")
    u.keys("C-u")
    u.wait(lambda rows: rows[-1].startswith("Limit to:    %d matches" % len(installed_)))
    u.keys("Enter")
    rows = u.wait(lambda rows: tabs(rows)[1] is None and names_of(rows) == installed_)
    # Esc on the list clears a limit too
    u.keys("1", "l")
    u.type("orphan")
    u.keys("Enter")
    rows = u.wait(lambda rows: tabs(rows)[1] == "orphan")
    assert names_of(rows) == ["omg-orphan"]
    u.keys("Escape")
    rows = u.wait(listed(len(spec.PACKAGES)))
    assert tabs(rows)[1] is None and "limit cleared" in rows[-1]
    # Esc at the prompt keeps the limit there was
    u.keys("l")
    u.type("python")
    u.keys("Enter", "l", "C-u")
    u.type("zsh")
    u.wait(lambda rows: names_of(rows) == ["zsh-omg-prompt"])
    u.keys("Escape")
    rows = u.wait(lambda rows: names_of(rows) == ["python-omgtools"])
    assert tabs(rows)[1] == "python"


def test_views_and_sorting(env, ui, sb):
    root = sb["root"]
    u = ui(root)
    first_screen(u)
    up = json.loads(env("--json", "list", "--upgradable", root=root, check=0).stdout)
    u.keys("3")
    rows = u.wait(lambda rows: names_of(rows) == sorted(p["name"] for p in up))
    assert [r[0] for r in rows_of(rows)] == ["i  ", "ih "]  # omg-editor, omg-held
    assert all("\u2192" in rest for _, _, rest in rows_of(rows))
    u.keys("4")
    u.wait(lambda rows: names_of(rows) == ["omg-orphan"])
    u.keys("2")
    u.wait(lambda rows: names_of(rows) == sorted(p["name"] for p in spec.PACKAGES
                                                 if p.get("installed")))
    u.keys("v", "v", "v")  # 3, 4, then 5: nothing is marked
    rows = u.wait(lambda rows: "no packages in this view" in rows[LIST_TOP])
    u.keys("v", "v")  # 6: security (none in the fixture), 7: vulnerable (no data yet)
    # the engine's reason (no data yet, no feed for this root), never "no packages"
    rows = u.wait(lambda rows: tabs(rows)[0].get("Vulnerable") == 0 and re.match(
        r"^  (no advisory|no VERSION_CODENAME)", rows[LIST_TOP]))
    u.keys("v")  # 8: the AUR, which lists nothing without a search
    u.wait(lambda rows: tabs(rows)[0].get("AUR") == 0 and
           rows[LIST_TOP].startswith(("  type a search", "  the AUR is for Arch")))
    u.keys("v")  # back to 1
    u.wait(listed(len(spec.PACKAGES)))

    def shown(p):
        inst = p.get("installed")
        return (inst["version"] if inst else p["version"]) + "-1"
    by_version = [p["name"] for p in sorted(spec.PACKAGES, key=lambda p: (shown(p), p["name"]))]
    u.keys("s")  # Name -> Version
    rows = u.wait(lambda rows: "Version\u25b2" in rows[2])
    assert names_of(rows) == by_version, rows
    u.keys("S")
    rows = u.wait(lambda rows: "Version\u25bc" in rows[2])
    assert names_of(rows) == by_version[::-1], rows
    u.keys("s")  # Repo: "local" before the repository
    rows = u.wait(lambda rows: "Repo\u25b2" in rows[2])
    assert names_of(rows)[0] == "omg-foreign"
    assert names_of(rows)[1:] == sorted(p["name"] for p in spec.PACKAGES
                                        if p["name"] != "omg-foreign")
    u.keys("s", "s")  # Description, then St: upgradable, installed, the rest
    rows = u.wait(lambda rows: re.match("^St\u25b2", rows[2]))
    got = names_of(rows)
    assert got[:2] == ["omg-editor", "omg-held"], got
    assert set(got[2:6]) == {p["name"] for p in spec.PACKAGES if p.get("installed")} - \
        {"omg-editor", "omg-held"}, got
    u.keys("s")
    rows = u.wait(lambda rows: "Name\u25b2" in rows[2])
    assert names_of(rows) == sorted(p["name"] for p in spec.PACKAGES)


# -- marks and transactions ------------------------------------------------------------------

def test_marks_undo_drop_and_quit(env, ui, sb):
    u = ui(sb["root"])
    first_screen(u)
    u.keys("g")
    u.wait("nothing is marked")
    go_to(u, "omg-base")
    u.keys("+")
    u.wait("omg-base is installed and up to date")
    go_to(u, "omg-spell")
    u.keys("-")
    u.wait("omg-spell is not installed")
    u.keys("+")  # marks, and moves on as aptitude does
    rows = u.wait(marked("omg-spell", "pi "))
    assert detail_of(rows) == "omg-suite" and tabs(rows)[0]["Marked"] == 1
    go_to(u, "omg-orphan")
    u.keys("-")
    rows = u.wait(marked("omg-orphan", "idA"))
    assert tabs(rows)[0]["Marked"] == 2
    u.keys("C-u")  # undoes the last marking
    rows = u.wait(marked("omg-orphan", "i A"))
    assert row(rows, "omg-spell")[0] == "pi " and tabs(rows)[0]["Marked"] == 1
    u.keys("U")
    rows = u.wait(marked("omg-editor", "iu "))
    assert "marked 1 upgrade" in rows[-1]
    assert row(rows, "omg-held")[0] == "ih "  # held back
    u.keys("C-u")  # the whole U step
    rows = u.wait(marked("omg-editor", "i  "))
    assert tabs(rows)[0]["Marked"] == 1
    go_to(u, "omg-orphan")
    u.keys("_")
    u.wait(marked("omg-orphan", "ipA"))
    go_to(u, "omg-editor")
    u.keys("=")
    u.wait(marked("omg-editor", "ih "))
    u.keys("5")  # the marked view
    rows = u.wait(lambda rows: names_of(rows) == ["omg-editor", "omg-orphan", "omg-spell"])
    # : drops the mark under the cursor
    rows = go_to(u, "omg-spell")
    u.keys(":")
    rows = u.wait(lambda rows: tabs(rows)[0]["Marked"] == 2)
    u.keys("1")
    rows = u.wait(marked("omg-spell", "p  "))
    u.keys("C-u")  # dropping was a marking step too
    rows = u.wait(marked("omg-spell", "pi "))
    # q with marks asks; anything but y stays
    u.keys("q")
    u.wait("Quit and drop 3 marks? [y/N]")
    u.keys("n")
    rows = u.wait(lambda rows: "Quit and drop" not in rows[-1])
    assert u.dead() is None and tabs(rows)[0]["Marked"] == 3
    u.keys("q")
    u.wait("Quit and drop 3 marks? [y/N]")
    u.keys("y")
    rc, rows = u.wait_exit()
    assert rc == 0, rows


def test_marking_in_the_full_screen_detail_and_the_marked_view(ui, sb):
    u = ui(sb["root"])
    first_screen(u)
    # the full-screen detail marks the package it shows, and keeps showing it
    go_to(u, "omg-spell")
    u.keys("Enter")
    u.wait(lambda rows: rows[1].startswith("\u2500\u2500 omg-spell "))
    u.keys("+")
    u.keys("Escape")
    rows = u.wait(lambda rows: tabs(rows)[0].get("Marked") == 1)
    assert detail_of(rows) == "omg-spell" and row(rows, "omg-spell")[0] == "pi ", rows
    assert names_of(rows)[0] == "libfirefox-omg"  # the list did not scroll
    go_to(u, "omg-orphan")
    u.keys("Enter")
    u.wait(lambda rows: rows[1].startswith("\u2500\u2500 omg-orphan "))
    u.keys("-")
    u.keys("Escape")
    rows = u.wait(lambda rows: tabs(rows)[0].get("Marked") == 2)
    assert detail_of(rows) == "omg-orphan" and row(rows, "omg-orphan")[0] == "idA", rows
    # in the marked view, : drops a mark and the row with it
    u.keys("5")
    u.wait(lambda rows: names_of(rows) == ["omg-orphan", "omg-spell"])
    go_to(u, "omg-spell")
    u.keys(":")
    rows = u.wait(lambda rows: tabs(rows)[0].get("Marked") == 1)
    assert names_of(rows) == ["omg-orphan"], rows
    u.keys("C-u")
    u.wait(lambda rows: names_of(rows) == ["omg-orphan", "omg-spell"])


def review_groups(rows):
    """The review screen's groups, {"Install": [(name, versions, repo, size)], ...}, and
    its totals row."""
    groups, cur, total = {}, None, None
    for r in rows[2:-1]:
        m = re.match(r"^(\w[\w ]*?)(?: \((\d+)\))?\s*$", r)
        if m and not r.startswith(" "):
            cur = groups.setdefault(m.group(1), [])
            continue
        m = re.match(r"^  (\S+)\s+(\S+(?: \u2192 \S+)?)\s+(.*?)\s*([+-]\S+ \S+)"
                     r"(?:  \(dependency\))?$", r)
        if m and cur is not None:
            cur.append(m.groups())
        if re.match(r"^\d+ changes? \u2502", r):
            total = r.strip()
    return groups, total


def test_install_one_package(env, ui, fresh):
    root = fresh["root"]
    u = ui(root)
    first_screen(u)
    # u: the databases refreshed, back on the list by itself
    u.keys("u")
    u.wait("the package databases are refreshed")
    go_to(u, "omg-spell")
    u.keys("+")
    u.wait(marked("omg-spell", "pi "))
    u.keys("g")
    rows = u.wait("Review: the engine's plan")
    groups, total = review_groups(rows)
    assert list(groups) == ["Install"], rows
    (name, ver, repo, size), = groups["Install"]
    assert (name, ver) == ("omg-spell", "3.2-1") and size.startswith("+"), rows
    assert re.match(r"^1 change \u2502 download \d+(\.\d)? \w?i?B \u2502 installed size \+",
                    total), total
    u.keys("g")
    rows = u.wait(lambda rows: rows[-1].startswith(" Done: "), timeout=60)
    assert "Download" in rows[2] and "Packages" in rows[3] and "100%" in rows[3], rows
    assert rows[1].startswith("\u2500\u2500 Changing the system: 1 change done "), rows[1]
    assert any("omg-spell" in r for r in rows[5:-1]), rows  # the log
    assert installed(fresh)["omg-spell"] == "3.2-1"
    entry = history(env, root)[0]
    assert entry["kind"] == "apply" and entry["result"] == "ok"
    assert rows[-1].startswith(" Done: 1 change made (history entry %d) " % entry["id"]), rows
    u.keys("Enter")
    rows = u.wait(marked("omg-spell", "i  "))
    assert tabs(rows)[0]["Marked"] == 0 and tabs(rows)[0]["Installed"] == 7
    u.wait(lambda rows: "7 installed" in rows[0])
    assert [h["kind"] for h in history(env, root)] == ["apply", "sync"]


def test_a_second_transaction_starts_clean(env, ui, fresh):
    """Two transactions in a row: the second one's screen, as it starts and when it ends,
    shows nothing of the first (download, package bar, phase, log, counts, result)."""
    root = fresh["root"]
    u = ui(root)
    first_screen(u)
    go_to(u, "omg-spell")
    u.keys("+")
    u.wait(marked("omg-spell", "pi "))
    u.keys("g")
    u.wait("Review: the engine's plan")
    u.keys("g")
    rows = u.wait(lambda rows: rows[-1].startswith(" Done: "), timeout=60)
    assert "omg-spell" in rows[2] and "installing omg-spell" in rows[3], rows
    u.keys("Enter")
    u.wait(marked("omg-spell", "i  "))
    go_to(u, "omg-orphan")
    u.keys("-")
    u.wait(marked("omg-orphan", "idA"))
    u.keys("g")
    u.wait("Review: the engine's plan")
    u.keys("g")
    rows = u.wait(lambda rows: rows[1].startswith("\u2500\u2500 Changing the system: 1 change "))
    assert "omg-spell" not in "\n".join(rows), rows  # nothing of the first as it starts
    assert rows[2].strip() == "Download" or "omg-orphan" not in rows[2], rows
    rows = u.wait(lambda rows: rows[-1].startswith(" Done: "), timeout=60)
    assert "omg-spell" not in "\n".join(rows), rows  # nor when it ends
    assert rows[2].strip() == "Download", rows  # a removal downloads nothing
    assert "removing omg-orphan" in rows[3] and "1/1" in rows[3], rows
    assert rows[1].startswith("\u2500\u2500 Changing the system: 1 change done "), rows[1]
    log = rows[5:-1]
    assert not any("installing" in r or "change made (history entry 1)" in r for r in log), rows
    assert [r for r in log if "change made" in r] == [" 1 change made (history entry 2)"], rows
    assert rows[-1].startswith(" Done: 1 change made (history entry 2) "), rows
    assert [h["kind"] for h in history(env, root)] == ["apply", "apply"]


def test_remove_install_and_upgrade_in_one_transaction(env, ui, fresh):
    root = fresh["root"]
    u = ui(root)
    first_screen(u)
    go_to(u, "omg-orphan")
    u.keys("-")
    u.wait(marked("omg-orphan", "idA"))
    go_to(u, "omg-spell")
    u.keys("+")
    u.wait(marked("omg-spell", "pi "))
    u.keys("U")
    rows = u.wait(marked("omg-editor", "iu "))
    assert tabs(rows)[0]["Marked"] == 3
    u.keys("g")
    rows = u.wait("Review: the engine's plan")
    groups, total = review_groups(rows)
    assert list(groups) == ["Remove", "Install", "Upgrade"], rows
    assert [g[:2] for g in groups["Remove"]] == [("omg-orphan", "0.5-1")]
    assert groups["Remove"][0][3].startswith("-")
    assert [g[:2] for g in groups["Install"]] == [("omg-spell", "3.2-1")]
    assert [g[:2] for g in groups["Upgrade"]] == [("omg-editor", "1.0-1 \u2192 1.1-1")]
    assert total.startswith("3 changes \u2502 download "), total
    # Esc: back to the list with the marks; g plans again
    u.keys("Escape")
    rows = u.wait(lambda rows: tabs(rows)[0].get("Marked") == 3)
    u.keys("g")
    u.wait("Review: the engine's plan")
    u.keys("g")
    rows = u.wait(lambda rows: rows[-1].startswith(" Done: "), timeout=60)
    got = installed(fresh)
    assert "omg-orphan" not in got and got["omg-spell"] == "3.2-1"
    assert got["omg-editor"] == "1.1-1" and got["omg-held"] == "1.0-1"
    hist = history(env, root)
    assert len(hist) == 1, hist
    assert hist[0]["kind"] == "apply" and hist[0]["result"] == "ok" and \
        hist[0]["changes"] == 3, hist
    assert hist[0]["command"] == "omg (UI): apply +omg-editor -omg-orphan +omg-spell", hist
    u.keys("Enter")
    rows = u.wait(lambda rows: row(rows, "omg-orphan") is not None and
                  row(rows, "omg-orphan")[0] == "p  " and row(rows, "omg-editor")[0] == "i  ")
    assert tabs(rows)[0]["Marked"] == 0
    assert row(rows, "omg-editor")[1].startswith("1.1-1 "), rows


def test_detach_and_open_again(env, ui, fresh, slow):
    root = fresh["root"]
    slow.httpd.chunk = 16  # a download of several seconds: time to leave and come back
    try:
        u = ui(root)
        first_screen(u)
        go_to(u, "omg-spell")
        u.keys("+")
        u.wait(marked("omg-spell", "pi "))
        u.keys("g")
        u.wait("Review: the engine's plan")
        u.keys("g")
        assert slow.started.wait(30), "the download never started"
        rows = u.wait("q: leave it running in the engine")
        assert rows[1].startswith("\u2500\u2500 Changing the system: 1 change "), rows[1]
        u.keys("q")
        rc, rows = u.wait_exit()
        assert rc == 0, rows
        said = [r for r in rows if "goes on in the engine" in r]
        assert said, rows
        m = re.match(r"^omg: Changing the system: 1 change goes on in the engine \(pid (\d+)\); "
                     r"run omg or omg attach to follow it$", said[0])
        assert m and int(m.group(1)) == engine_pid(env, root), said
        st = status(env, root)
        assert "omg-spell" in st["transaction"] and "(committing)" in st["transaction"], st
        assert "omg-spell" not in installed(fresh)
        # omg again: the transaction screen, following it (wide: the root is long, and the
        # header names it first)
        u2 = ui(root, cols=200)
        rows = u2.wait(lambda rows: "Download" in rows[2] and
                       re.search(r"\d+% .*omg-spell", rows[2]))
        assert rows[1].startswith("\u2500\u2500 apply +omg-spell "), rows[1]
        assert "\u2699 apply +omg-spell (committing)" in rows[0]
    finally:
        slow.fast()
    rows = u2.wait(lambda rows: rows[-1].startswith(" Done: "), timeout=60)
    assert installed(fresh)["omg-spell"] == "3.2-1"
    hist = history(env, root)  # apt's lists followed the slow mirror with a sync first
    assert [(h["kind"], h["result"]) for h in hist if h["kind"] != "sync"] == [("apply", "ok")]
    u2.keys("Enter")
    u2.wait(marked("omg-spell", "i  "))


def corrupt(sb, name):
    """Flips a byte in the middle of name's package in the sandbox's repository."""
    f = [f for f in os.listdir(sb["repo_dir"]) if f.startswith(name + "-3")
         and f.endswith(".pkg.tar.zst")][0]
    path = os.path.join(sb["repo_dir"], f)
    data = bytearray(open(path, "rb").read())
    data[len(data) // 2] ^= 0xFF
    open(path, "wb").write(bytes(data))
    return f


def test_a_question_during_the_commit_is_a_dialog(env, ui, tmp_path):
    """alpm asks whether to delete a corrupted download (apt asks the client nothing: its
    conffile questions are answered by --force-confold)."""
    sb = arch.build(str(tmp_path / "root"))
    sb["backend"] = "alpm"
    f = corrupt(sb, "omg-spell")
    u = ui(sb["root"])
    first_screen(u)
    go_to(u, "omg-spell")
    u.keys("+")
    u.wait(marked("omg-spell", "pi "))
    u.keys("g")
    u.wait("Review: the engine's plan")
    u.keys("g")
    rows = u.wait("Question from the backend", timeout=30)
    top = [i for i, r in enumerate(rows) if "Question from the backend" in r][0]
    # the question, wrapped (test_a_question_is_wrapped_in_the_dialog), then the choices
    assert rows[top + 1].strip().startswith("File " + sb["root"][:30]), rows
    no = [i for i in range(top + 1, len(rows)) if rows[i].strip() == "no"][0]
    assert rows[no + 1].strip() == "> yes (default)", rows
    assert "the default is taken in" in rows[no + 3], rows
    u.keys("k")  # the selection moves
    rows = u.wait(lambda rows: rows[no].strip() == "> no")
    assert rows[no + 1].strip() == "yes (default)"
    u.keys("Enter")
    rows = u.wait(lambda rows: rows[-1].startswith(" Failed: "), timeout=60)
    assert " answered: no" in rows and "corrupted" in rows[-1], rows
    assert not any("Question from the backend" in r for r in rows)
    # answered no: the download stays in the cache
    assert os.path.exists(os.path.join(sb["root"], "var/cache/pacman/pkg", f))
    assert "omg-spell" not in installed(sb)
    u.keys("Enter")  # back to the list; a failed change keeps the marks
    rows = u.wait(marked("omg-spell", "pi "))
    assert tabs(rows)[0]["Marked"] == 1


# -- the terminal ----------------------------------------------------------------------------

def test_resize_below_the_minimum_and_back(ui, sb):
    u = ui(sb["root"])
    first_screen(u)
    go_to(u, "omg-held")
    u.resize(40, 10)
    rows = u.wait("terminal too small")
    assert not rows_of(rows)
    u.keys("j")  # keys wait for a usable screen (q still quits)
    u.resize(120, 35)
    rows = u.wait(on("omg-held"))
    assert len(rows_of(rows)) == len(spec.PACKAGES) and len(rows) == 35
    u.resize(59, 12)
    u.wait("59x12, omg needs 60x12")
    u.resize(60, 12)  # the smallest screen: the list with a short detail pane
    rows = u.wait(lambda rows: detail_of(rows) == "omg-held" and len(rows_of(rows)) == 4)
    assert rows[-1].startswith(" ?:help")
    # at 60 columns every column keeps a space before the next: a long name is cut
    u.resize(60, 35)
    rows = u.wait(listed(len(spec.PACKAGES)))
    for f, name, rest in rows_of(rows):
        full = [p["name"] for p in spec.PACKAGES if p["name"].startswith(name.rstrip("\u2026"))]
        assert full and re.match(r"^\d", rest), (name, rest)
    # (a cut ends in the ellipsis: issue 14)
    assert row(rows, "omg-editor-lega\u2026")[1].startswith("0.9-1 "), rows
    # q on a screen too small for anything: asks about the marks, then quits
    go_to(u, "omg-spell")
    u.keys("+")
    u.wait(marked("omg-spell", "pi "))
    u.resize(40, 10)
    u.wait("40x10, omg needs 60x12")
    u.keys("q")
    u.wait("Quit and drop 1 mark")
    u.keys("n")
    u.wait(lambda rows: not any("Quit and drop" in r for r in rows))
    u.resize(120, 35)
    rows = u.wait(marked("omg-spell", "pi "))
    assert u.dead() is None
    u.resize(40, 10)
    u.wait("40x10, omg needs 60x12")
    u.keys("q")
    u.wait("Quit and drop 1 mark")
    u.keys("y")
    rc, rows = u.wait_exit()
    assert rc == 0, rows


THEMES = ("dark", "light", "high-contrast", "mono")


def test_themes_colours_and_terminals(env, ui, sb):
    root = sb["root"]
    seen = {}
    for name in THEMES:
        u = ui(root, "--theme", name)
        first_screen(u)
        seen[name] = colour_codes(u.screen(escapes=True))
        u.close()
    assert seen["dark"] and seen["light"] and seen["high-contrast"]
    assert len({frozenset(seen[n]) for n in THEMES}) == 4, seen
    assert not seen["mono"], seen["mono"]
    # the configuration's theme
    env.config.parent.mkdir(parents=True, exist_ok=True)
    env.config.write_text("[ui]\ntheme = light\n")
    u = ui(root)
    first_screen(u)
    assert colour_codes(u.screen(escapes=True)) == seen["light"]
    u.close()
    env.config.unlink()
    # an unknown theme: exit 2, and where omg looked
    u = ui(root, "--theme", "nosuch")
    rc, rows = u.wait_exit()
    assert rc == 2, rows
    said = " ".join(rows)
    assert "no theme 'nosuch' in " in said, rows
    assert os.path.join(env.env["XDG_CONFIG_HOME"], "omg", "themes") in said, rows
    assert os.path.join(os.path.dirname(os.path.realpath(OMG)), "themes") in said, rows
    # NO_COLOR: no colour at all; attributes stay (the cursor row is reverse)
    u = ui(root, extra={"NO_COLOR": "1"})
    first_screen(u)
    rows = u.screen(escapes=True)
    assert not colour_codes(rows), colour_codes(rows)
    assert any(SGR.search(r) for r in rows)
    u.close()
    # 8 colours, and none
    u = ui(root, term="xterm")
    rows = first_screen(u)
    codes = colour_codes(u.screen(escapes=True))
    assert codes and all(c.isdigit() and int(c) < 50 for c in codes), codes
    u = ui(root, term="vt100")
    rows = first_screen(u)
    assert not colour_codes(u.screen(escapes=True))
    assert row(rows, "omg-editor")[1].startswith("1.0-1 \u2192 1.1-1")


def test_wide_characters_keep_the_columns(ui, sb):
    """omg-unicode's description has accents, CJK and an emoji: its row stays one row and
    its columns line up with its neighbours' at every width, even where a wide character
    meets the edge."""
    u = ui(sb["root"])
    first_screen(u)
    rows = go_to(u, "omg-unicode")
    desc = spec.by_name("omg-unicode")["desc"]
    assert [r for r in rows if r.startswith(" Description     : " + desc[:40])], rows
    for cols in list(range(80, 92)) + [120, 160]:
        u.resize(cols, 35)
        # drawn for the new width: the detail pane's bar runs to the edge
        rows = u.wait(lambda rows: detail_of(rows) == "omg-unicode" and any(
            r.startswith("\u2500\u2500 omg-unicode ") and width(r) == cols for r in rows))
        i = [k for k, r in enumerate(rows) if re.match(r"^p   omg-unicode ", r)][0]
        prev, this, nxt = rows[i - 1], rows[i], rows[i + 1]
        assert re.match(r"^p   omg-(suite|tinysh) ", prev) and re.match(r"^p   python-omgtools ", nxt), \
            (cols, rows)
        assert width(this) <= cols, (cols, this)
        repo = rows[i - 1].split()[3]
        for r in (prev, nxt):
            assert col_of(this, " " + repo + " ") == col_of(r, " " + repo + " "), (cols, rows)
            assert col_of(this, "1.0-1") == col_of(r, " 1.") + 1, (cols, rows)
        # the description column starts where the heading says, and shows what fits
        assert col_of(this, desc[:7]) == col_of(rows[2], "Description"), (cols, rows)
        room = cols - col_of(rows[2], "Description")
        fits = ""
        for c in desc:
            if width(fits + c) > (room if width(desc) <= room else room - 1):
                break
            fits += c
        if width(desc) > room:  # a cut ends in the ellipsis (issue 14)
            fits += "\u2026"
        assert this[this.index(desc[:7]):].rstrip() == fits.rstrip(), (cols, this)


def test_mouse(ui, sb):
    # SGR 1006 reports on both: curses asks for them on xterm-256color (terminfo's XM),
    # omg itself on tmux-256color (kmous is X10 there); X10 still works where 1006 is
    # ignored.
    for term, x10 in (("xterm-256color", False), ("tmux-256color", False),
                      ("tmux-256color", True)):
        u = ui(sb["root"], term=term)
        rows = first_screen(u)
        # the terminal was asked for clicks, in SGR form
        assert u.mouse_modes() == ("1", "1"), u.mouse_modes()
        if x10:
            u.mouse = functools.partial(u.mouse, sgr=False)
        order = names_of(rows)
        y = LIST_TOP + order.index("omg-held")
        u.mouse(10, y)
        u.wait(on("omg-held"))
        u.mouse(10, y, 65)  # the wheel: three rows a step
        u.wait(on(order[order.index("omg-held") + 3]))
        u.mouse(10, y, 64)
        u.wait(on("omg-held"))
        # a click on the sorted heading reverses it, on another sorts by it
        name_x = col_of(rows[2], "Name")
        u.mouse(name_x + 1, 2)
        rows = u.wait(lambda rows: "Name\u25bc" in rows[2])
        assert names_of(rows) == order[::-1]
        u.mouse(name_x + 1, 2)
        rows = u.wait(lambda rows: "Name\u25b2" in rows[2])
        assert names_of(rows) == order
        u.mouse(col_of(rows[2], "Repo") + 1, 2)
        rows = u.wait(lambda rows: "Repo\u25b2" in rows[2])
        assert names_of(rows)[0] == "omg-foreign"
        u.mouse(name_x, 2)
        u.wait(lambda rows: "Name\u25b2" in rows[2])
        # a click on a view tab shows it
        u.mouse(col_of(rows[1], "3 Upgradable") + 2, 1)
        u.wait(lambda rows: names_of(rows) == ["omg-editor", "omg-held"])
        u.mouse(col_of(rows[1], "1 All") + 1, 1)
        u.wait(listed(len(spec.PACKAGES)))
        # the wheel over the detail pane scrolls it
        rows = u.wait(on("omg-held"))
        bar = [i for i, r in enumerate(rows) if r.startswith("\u2500\u2500 omg-held ")][0]
        first = rows[bar + 1]
        u.mouse(5, bar + 3, 65)
        rows = u.wait(lambda rows: rows[bar + 1] != first)
        assert rows[bar + 1].startswith(" Repository ") or rows[bar + 1].startswith(" Archive ")
        assert detail_of(rows) == "omg-held"
        u.close()
    # --no-mouse: reports are not asked for, and a stray one does nothing
    u = ui(sb["root"], "--no-mouse", term="xterm-256color")
    rows = first_screen(u)
    assert u.mouse_modes() == ("0", "0")
    u.mouse(10, LIST_TOP + 5, sgr=True)
    u.keys("j")
    u.wait(on(names_of(rows)[1]))


def test_mouse_past_column_223(ui, sb):
    """SGR 1006 reports reach columns X10 cannot (past 223), on both terminals; the modes
    are off again when omg quits."""
    for term in ("xterm-256color", "tmux-256color"):
        u = ui(sb["root"], term=term, cols=250)
        rows = first_screen(u)
        assert u.mouse_modes() == ("1", "1"), u.mouse_modes()
        order = names_of(rows)
        y = LIST_TOP + order.index("omg-held")
        u.mouse(240, y)  # a row, past its text (X10 would have said column 17 or nothing)
        u.wait(on("omg-held"))
        desc_x = col_of(rows[2], "Description")
        assert desc_x < 240
        u.mouse(240, 2)  # the Description heading, far right of its word
        rows = u.wait(lambda rows: "Description\u25b2" in rows[2])
        u.mouse(240, 2)
        rows = u.wait(lambda rows: "Description\u25bc" in rows[2])
        u.keys("q")
        assert u.wait_exit()[0] == 0
        assert u.mouse_modes() == ("0", "0"), u.mouse_modes()
        u.close()


# -- the system engine -----------------------------------------------------------------------


@pytest.fixture
def user_sandbox(request, throwaway_user):  # noqa: F811
    """A root-owned sandbox of each backend that the throw-away user can read, and XDG
    directories of that user's own. Ask for it before ui: its UIs (the user's processes)
    must be gone before the user is removed."""
    assert shutil.which("setpriv"), "setpriv (util-linux) runs the UI as the user"
    user, _ = throwaway_user
    pw = pwd.getpwnam(user)
    top = tempfile.mkdtemp(prefix="omg-ui-")
    os.chmod(top, 0o755)
    build = arch.build if request.param == "alpm" else debian.build
    sb = build(os.path.join(top, "root"))
    sb["backend"] = request.param
    home = os.path.join(top, "home")
    os.mkdir(home, 0o700)
    xdg = {}
    for var in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR",
                "XDG_STATE_HOME"):
        d = os.path.join(home, var.lower()[4:])
        os.mkdir(d, 0o700)
        xdg[var] = d
    for d, _, _ in os.walk(home):
        os.chown(d, pw.pw_uid, pw.pw_gid)

    class Env:
        full = dict({"PATH": "/usr/bin:/bin", "HOME": home}, **xdg)
    yield sb, user, Env
    subprocess.run(["setpriv", "--reuid", str(pw.pw_uid), "--regid", str(pw.pw_gid),
                    "--clear-groups", "env", *["%s=%s" % kv for kv in Env.full.items()],
                    str(OMG), "daemon", "stop", "--all"], capture_output=True, timeout=60)
    try:
        sanitizer_free(Path(xdg["XDG_STATE_HOME"]) / "omg")
    finally:
        shutil.rmtree(top, ignore_errors=True)


@pytest.mark.parametrize("user_sandbox", ["alpm", "apt"], indirect=True)
def test_a_user_is_pointed_at_the_system_engine(user_sandbox, ui):
    sb, user, uenv = user_sandbox
    root = sb["root"]
    assert os.stat(root).st_uid == 0 and not os.stat(root).st_mode & stat.S_IWOTH
    u = ui(root, user=user, env=uenv)
    rows = first_screen(u)
    assert "user engine" in rows[0]
    go_to(u, "omg-spell")
    u.keys("+")
    u.wait(marked("omg-spell", "pi "))
    u.keys("g")
    # issue 14: a user sees the plan (a dry run: no root needed, no lock taken) ...
    rows = u.wait("Review: the engine's plan")
    groups, _ = review_groups(rows)
    assert [g[0] for g in groups["Install"]] == ["omg-spell"], rows
    assert any(r.startswith("Changes ") and "through the user engine" in r for r in rows), rows
    # ... and only g, committing it, needs the system engine
    u.keys("g")
    rows = u.wait(lambda rows: rows[1].startswith("\u2500\u2500 Permission needed "))
    text = " ".join(r.strip() for r in rows[2:-1] if r.strip())
    assert "changing %s needs root" % root in text, rows
    assert "Changing the system needs the system engine" in text, rows
    # (split over two rows: see test_the_system_engine_command_is_on_one_row)
    assert "sudo omg daemon --system --root %s " % root in text, rows
    assert "s: start the system engine with sudo" in rows[-1]
    u.keys("Escape")
    rows = u.wait(lambda rows: tabs(rows)[0].get("Marked") == 1)
    assert row(rows, "omg-spell")[0] == "pi "
    assert "omg-spell" not in installed(sb)


# -- issue 14: the user study's findings --------------------------------------------------

def test_enter_on_the_review_shows_the_package_and_only_g_commits(env, ui, fresh):
    """Enter on the review showed nothing and committed: one habitual Enter changed the
    system. Enter (and y) now only show; g commits; the review names the system."""
    root = fresh["root"]
    u = ui(root)
    first_screen(u)
    go_to(u, "omg-spell")
    u.keys("+")
    u.wait(marked("omg-spell", "pi "))
    u.keys("g")
    rows = u.wait("Review: the engine's plan")
    real = os.path.realpath(root)
    line = [r for r in rows if r.startswith("Changes ")]
    assert line and line[0].startswith("Changes %s (%s) through the user engine (pid " % (
        real, fresh["backend"])), rows
    assert "g: do it" in rows[-1] and "Enter" not in rows[-1].split("g: do it")[0], rows[-1]
    u.keys("Enter")
    rows = u.wait(lambda rows: rows[1].startswith("\u2500\u2500 omg-spell ") and any(
        r.startswith(" Name            : omg-spell") for r in rows))
    assert "back to the review" in rows[-1], rows
    u.keys("Escape")
    u.wait("Review: the engine's plan")
    u.keys("y")
    u.keys("Enter")
    u.wait(lambda rows: rows[1].startswith("\u2500\u2500 omg-spell "))
    u.keys("Escape")
    u.wait("Review: the engine's plan")
    time.sleep(0.5)
    assert "omg-spell" not in installed(fresh) and history(env, root) == []
    u.keys("g")
    u.wait(lambda rows: rows[-1].startswith(" Done: "), timeout=60)
    assert installed(fresh)["omg-spell"] == "3.2-1"


def test_a_held_package_is_changed_only_after_a_yes(env, ui, fresh):
    """A plan that changes a held package: the review warns, g asks, only y plans again
    with the change-held flag; n commits nothing."""
    root = fresh["root"]
    u = ui(root)
    first_screen(u)
    go_to(u, "omg-held")
    u.keys("+")
    u.wait(marked("omg-held", "iu "))
    u.keys("g")
    rows = u.wait("Review: the engine's plan")
    assert any(r.startswith("Warning: omg-held is ") for r in rows), rows
    u.keys("g")
    rows = u.wait(lambda rows: any("change it anyway? y/N" in r for r in rows))
    q = [r for r in rows if "change it anyway? y/N" in r][0]
    assert re.search(r"omg-held is (held|ignored) \(.*\): change it anyway\? y/N", q), q
    u.keys("n")
    u.wait("nothing changed: held packages stay as they are")
    time.sleep(0.5)
    assert installed(fresh)["omg-held"] == "1.0-1" and history(env, root) == []
    u.keys("g")
    u.wait(lambda rows: any("change it anyway? y/N" in r for r in rows))
    u.keys("y")
    u.wait("planned again, changing the held packages")
    rows = u.wait("Review: the engine's plan")
    u.keys("g")
    rows = u.wait(lambda rows: rows[-1].startswith(" Done: "), timeout=60)
    assert installed(fresh)["omg-held"].startswith("2.0"), installed(fresh)
    assert history(env, root)[0]["result"] == "ok"


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
def test_rows_fit_the_width_and_named_columns_are_whole(ui, fresh, size):
    """At 80x24 the footer lost q:quit, the header and descriptions were cut with no
    sign, and the review lost its size column. Every row fits; a cut ends in …; tabs,
    footer keys, versions and sizes are whole."""
    cols, nrows = size
    u = ui(fresh["root"], cols=cols, rows=nrows)
    rows = u.wait(on("libfirefox-omg"))
    rows = u.wait(lambda rows: "engine" in rows[0])

    def fits(rows):
        for r in rows:
            assert width(r) <= cols and "\ufffd" not in r, (r, rows)

    fits(rows)
    for name in ("1 All", "2 I", "3 U", "4 O", "5 M"):
        assert name in rows[1], rows[1]
    assert rows[-1].rstrip().endswith("q:quit") and "?:help" in rows[-1], rows[-1]
    assert "g:review" in rows[-1], rows[-1]
    assert row(rows, "omg-editor")[1].startswith("1.0-1 \u2192 1.1-1 "), rows
    assert re.search(r" \u2502 6 installed, \d+ upgradable.* \u2502 user engine \d+", rows[0]), rows[0]
    # a cut description (or header) ends in the ellipsis, never mid-word with no sign
    desc = dict((p["name"], p["desc"]) for p in spec.PACKAGES)
    cut = [rest for _, n, rest in rows_of(rows) if not rest.rstrip().endswith(desc[n])]
    assert cut and all(rest.endswith("\u2026") for rest in cut), cut
    go_to(u, "omg-spell")
    u.keys("+")
    go_to(u, "omg-orphan")
    u.keys("-")
    u.keys("U")
    go_to(u, "omg-editor")  # at 24 rows the list may have scrolled past it
    u.wait(marked("omg-editor", "iu "))
    u.keys("g")
    rows = u.wait("Review: the engine's plan")
    fits(rows)
    groups, total = review_groups(rows)
    assert [g[:2] for g in groups["Upgrade"]] == [("omg-editor", "1.0-1 \u2192 1.1-1")], rows
    for g in groups.values():
        for name, ver, repo, size_ in g:
            assert re.match(r"^[+-]\d+(\.\d)? \w?i?B$", size_), (size_, rows)
    assert total and "installed size" in total, rows
    assert "g: do it" in rows[-1], rows[-1]


def test_the_security_view_counts_as_the_status_does(env, ui, tmp_path):
    """The UI had no security view. 6 shows the upgrades from a security archive, held
    ones apart; its count is omg status's security figure."""
    sb = debian.build(str(tmp_path / "root"))
    root = sb["root"]
    debian.add_security_update(root, "omg-editor", "1.2")
    debian.add_security_update(root, "omg-held", "3.0")  # held: not counted
    u = ui(root)
    first_screen(u)
    want = status(env, root)["security"]
    assert want == 1
    rows = u.wait(lambda rows: tabs(rows)[0].get("Security") == want)
    u.keys("6")
    rows = u.wait(listed(want))
    assert names_of(rows) == ["omg-editor"], rows
    u.keys("?")
    rows = u.wait("Keys")
    assert any("views: all, installed, upgradable, orphans, marked, security" in r for r in rows)


def test_g_with_no_marks_and_ctrl_u_say_what_to_do(ui, sb):
    """g with nothing marked and Ctrl-U gave no message worth reading."""
    u = ui(sb["root"])
    first_screen(u)
    u.keys("g")
    u.wait("nothing is marked: mark with + (install)")
    go_to(u, "omg-spell")
    u.keys("+")
    u.wait(marked("omg-spell", "pi "))
    u.keys("C-u")
    u.wait("undid the last marking: 0 marked now")
    u.keys("C-u")
    u.wait("nothing to undo: + - _ = : and U mark")


# -- regressions -----------------------------------------------------------------------------
# Each of these failed on the UI at commit b6bb990; the docstring says what went wrong.

def test_a_question_while_planning_is_shown(env, ui, tmp_path):
    """Regression (was a bug): a backend question asked while the engine plans (alpm: a conflict, "remove
    omg-editor?") never reaches the screen: the review screen says "asking the engine for
    its plan" and takes no answer until the engine's question timeout takes the default
    ("no"), and the plan fails with "conflicting dependencies". (tui.c: on_trans_event
    sets asking, but only draw_trans draws the dialog and only trans_key answers it;
    planning is on SCR_REVIEW.) Seen: keys + on omg-editor-legacy, g."""
    sb = arch.build(str(tmp_path / "root"))
    env.config.parent.mkdir(parents=True, exist_ok=True)
    # the engine's wait for an answer bounds the test (and its engine's stop)
    env.config.write_text("[transaction]\nquestion_timeout = 6s\n")
    u = ui(sb["root"])
    first_screen(u)
    go_to(u, "omg-editor-legacy")
    u.keys("+")
    u.wait(marked("omg-editor-legacy", "pi "))
    u.keys("g")
    try:
        rows = u.wait("Question from the backend", timeout=4)
    except pytest.fail.Exception:
        # Let the engine's default answer end the plan while the UI is still there.
        u.wait("The engine cannot do this", timeout=20)
        raise
    assert any("omg-editor-legacy and omg-editor are in conflict" in r for r in rows), rows
    u.keys("y")
    rows = u.wait("Review: the engine's plan")
    groups, _ = review_groups(rows)
    assert [g[0] for g in groups.get("Remove", [])] == ["omg-editor"], rows
    assert [g[0] for g in groups.get("Install", [])] == ["omg-editor-legacy"], rows


def test_a_question_is_wrapped_in_the_dialog(env, ui, tmp_path):
    """Regression (was a bug): the question dialog shows one row of the question, cut at 70 columns: for
    alpm's "File /PATH/omg-spell-3.2-1-x86_64.pkg.tar.zst is corrupted (invalid or
    corrupted package (checksum)). Delete it?" the dialog shows "File /tmp/pytest-of-root/
    pytest-N/test_..." and neither the file nor the question ("Delete it?") itself; the
    log line is cut at the screen's edge too. Expected: the text wrapped in the dialog."""
    sb = arch.build(str(tmp_path / "root"))
    corrupt(sb, "omg-spell")
    u = ui(sb["root"])
    first_screen(u)
    go_to(u, "omg-spell")
    u.keys("+")
    u.wait(marked("omg-spell", "pi "))
    u.keys("g")
    u.wait("Review: the engine's plan")
    u.keys("g")
    rows = u.wait("Question from the backend", timeout=30)
    text = " ".join(r.strip() for r in rows)
    u.keys("n")
    u.wait(lambda rows: rows[-1].startswith(" Failed: "))
    assert "Delete it?" in text, rows


@pytest.mark.parametrize("user_sandbox", ["alpm"], indirect=True)
def test_the_system_engine_command_is_on_one_row(user_sandbox, ui):
    """Regression (was a bug): the "Permission needed" screen wraps its text at spaces, so the command it
    tells the user to run, "sudo omg daemon --system --root SANDBOX", is split over two
    rows ("... Press s to run  sudo omg daemon --system --root" / "/tmp/...  here: ...")
    and cannot be copied as one line. Expected: the command whole on a row of its own.
    Seen: as a non-root user on a root-owned root, + on omg-spell, g."""
    sb, user, uenv = user_sandbox
    u = ui(sb["root"], user=user, env=uenv)
    first_screen(u)
    go_to(u, "omg-spell")
    u.keys("+")
    u.wait(marked("omg-spell", "pi "))
    u.keys("g")
    u.wait("Review: the engine's plan")  # a dry run: the user sees it (issue 14)
    u.keys("g")
    rows = u.wait(lambda rows: rows[1].startswith("\u2500\u2500 Permission needed "))
    command = "sudo omg daemon --system --root " + sb["root"]
    assert any(command in r for r in rows), rows


def test_the_too_small_screen_shows_its_whole_message(ui, arch_sb):
    """Regression (was a bug): at 40x10 the "terminal too small" screen shows "terminal too small: 40x10, omg
    needs 60x" (the message is 45 columns, drawn from column 0 and cut at 40): the size
    omg needs is lost on the very screen that is there to say it. And its quit question
    says "Quit and drop 1 marks? [y/N]" (the list's says "1 mark")."""
    u = ui(arch_sb["root"])
    first_screen(u)
    go_to(u, "omg-spell")
    u.keys("+")
    u.wait(marked("omg-spell", "pi "))
    u.resize(40, 10)
    rows = u.wait("terminal too small")
    u.keys("q")
    asked = u.wait("Quit and drop")
    u.keys("n")
    problems = []
    if "60x12" not in " ".join(r.strip() for r in rows):
        problems.append(rows)
    if not any("Quit and drop 1 mark? [y/N]" in r for r in asked):
        problems.append(asked)
    assert not problems, problems


# -- advisories (issue 15) -----------------------------------------------------------------

# A debsecan feed (FORMATS.md 3.2) naming two installed binaries of the fixture: omg-editor
# (1.0-1 installed, fixed in the 1.1-1 upgrade, high, remote) and omg-lib (2.0-1, no fix
# yet, medium); omg-base's advisory is fixed in its installed version (not vulnerable).
VULN_FEED = (
    "VERSION 1\n"
    "CVE-2026-0101,,Heap overflow in the omg-editor parser\n"
    "CVE-2026-0202,,Use after free in omg-lib\n"
    "CVE-2026-0303,,Old bug in omg-base\n"
    "\n"
    "omg-editor,0,BHRF,1.1-1,\n"
    "omg-lib,1,BM  ,,\n"
    "omg-base,2,BL  ,1.0-1,\n"
    "\n")


@pytest.fixture(scope="module")
def vuln_root(tmp_path_factory):
    """A Debian sandbox root of its own with an os-release that names its codename."""
    sb = debian.build(str(tmp_path_factory.mktemp("vulnui") / "root"))
    etc = Path(sb["root"]) / "etc"
    etc.mkdir(exist_ok=True)
    (etc / "os-release").write_text('ID=debian\nVERSION_CODENAME=omgtest\n')
    return sb


def test_the_vulnerable_view_and_the_advisories_in_the_detail(env, ui, vuln_root, tmp_path):
    """Issue 15: 7 shows the installed packages an advisory affects; without data it says
    why, never that nothing is vulnerable; the upgrade that fixes one ends in " !" as omg
    list --upgradable marks it; the header counts them; the detail pane of a vulnerable
    package lists its advisories with their fixed versions."""
    import zlib
    from httpd import LoopbackHTTP
    root = vuln_root["root"]
    www = tmp_path / "www"
    www.mkdir()
    (www / "omgtest").write_bytes(zlib.compress(VULN_FEED.encode()))
    with LoopbackHTTP(www) as srv:
        env.config.parent.mkdir(parents=True, exist_ok=True)
        env.config.write_text("[security]\ndebian_url = %s\nrefresh = 0\n" % srv.url("/"))
        u = ui(root, rows=50)
        first_screen(u)
        u.keys("7")
        rows = u.wait("no advisory data")
        assert tabs(rows)[0].get("Vulnerable") == 0, rows[1]
        assert not any("no packages in this view" in r for r in rows), rows
        assert "vulnerable" not in rows[0], rows[0]
        # the data arrives while the UI is open: the view follows the engine's status
        env("vulns", "--refresh", root=root, check=1)  # 1: some listed
        rows = u.wait(listed(2), timeout=30)
        assert names_of(rows) == ["omg-editor", "omg-lib"], rows
        assert tabs(rows)[0]["Vulnerable"] == 2
        assert ", 2 vulnerable" in rows[0], rows[0]
        assert status(env, root)["vulnerable"] == 2
        editor = row(rows, "omg-editor")[1]
        assert re.search(r"1\.0-1 \u2192 1\.1-1 !", editor), editor
        assert "!" not in row(rows, "omg-lib")[1]
        # the CLI marks the same upgrade
        listing = env("list", "--upgradable", root=root, check=0).stdout
        assert re.search(r"omg-editor\s+1\.0-1 -> 1\.1-1 !", listing), listing
        # the detail: each advisory with its fixed version, in full screen to see them all
        rows = u.wait(on("omg-editor"))
        u.keys("Enter")
        rows = u.wait("CVE-2026-0101")
        text = "\n".join(rows)
        assert re.search(r"Advisories\s+: 1, the installed version is affected", text), text
        assert re.search(r"CVE-2026-0101 high, fixed in 1\.1-1, remote: Heap overflow", text), text
        u.keys("Escape")
        u.keys("j")
        rows = u.wait(on("omg-lib"))
        u.keys("Enter")
        rows = u.wait("CVE-2026-0202")
        assert any(re.search(r"CVE-2026-0202 medium, no fix yet: Use after free", r)
                   for r in rows), rows
        u.keys("Escape")
        # a package no advisory affects has no such section
        u.keys("1")
        go_to(u, "omg-base")
        time.sleep(0.5)
        assert not any("Advisories" in r for r in u.screen())
        u.keys("?")
        rows = u.wait("Keys")
        assert any("1-8, v" in r and "security," in r for r in rows), rows
        assert any("vulnerable (known advisories)" in r for r in rows), rows
