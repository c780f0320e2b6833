# SPDX-License-Identifier: MIT
"""Text output on a terminal fits its width (issue 14, finding 8): search, list, list
--upgradable, info and a plan at 80x24 and 100x30, on both backends, on a sandbox whose
names, versions and descriptions are as long as a real system's (so every row used to
wrap). Piped output stays complete."""
import re
from unittest import mock

import pytest

from conftest import arch, debian, spec
from test_terminal import ANSI, run_on_pty, width

# Packages as wide as Debian's longest: a long name, an epoch and a long version on
# both sides of an upgrade, a description and a URL past any terminal.
LONG_DESC = ("Office productivity suite core without a graphical user interface, with "
             "a description that is far too long for one line of any terminal")
LONG_URL = "https://example.org/" + "/".join(["a-long-path-segment"] * 6)
WIDE = [
    {"name": "omg-libreoffice-core-nogui-with-an-extraordinarily-long-name",
     "version": "4:7.4.7+dfsg.omg.long.version.string.5",
     "installed": {"version": "4:7.4.5+dfsg.omg.long.version.string.4", "reason": "explicit"},
     "desc": LONG_DESC, "url": LONG_URL, "license": "MPL-2.0", "size": 1024},
    {"name": "omg-wide-library-package-that-nobody-installed-yet-at-all",
     "version": "1:2.38.1+omg.yet.another.rather.long.version.5", "installed": None,
     "desc": "Shared library " + LONG_DESC.lower(), "url": LONG_URL, "license": "MIT",
     "size": 1024},
]
NAMES = [p["name"] for p in WIDE]
# Each command and the wide packages it shows.
COMMANDS = [
    (["search", "lib"], NAMES),
    (["list"], NAMES[:1]),
    (["list", "--upgradable"], NAMES[:1]),
    (["list", "--all"], NAMES),
    (["info", NAMES[0], "omg-unicode"], NAMES[:1]),
    (["install", "--dry-run", NAMES[0], NAMES[1], "omg-editor"], NAMES),
]
IDS = ["search", "list", "upgradable", "all", "info", "plan"]


@pytest.fixture(scope="module")
def wide(request, tmp_path_factory):
    """A sandbox of each backend with the fixture's packages and the wide ones."""
    with mock.patch.object(spec, "PACKAGES", spec.PACKAGES + WIDE):
        a = arch._build(str(tmp_path_factory.mktemp("wide-arch") / "root"))
        d = debian.build(str(tmp_path_factory.mktemp("wide-deb") / "root"))
    return {"alpm": a["root"], "apt": d["root"]}


@pytest.mark.parametrize("backend", ["alpm", "apt"])
@pytest.mark.parametrize("cols,rows", [(80, 24), (100, 30)])
@pytest.mark.parametrize("args,shown", COMMANDS, ids=IDS)
def test_every_line_fits(omg, wide, backend, cols, rows, args, shown):
    root = wide[backend]
    rc, out = run_on_pty(omg, ["--root", root] + args, cols=cols, rows=rows)
    assert rc == 0, out
    lines = ANSI.sub("", out).splitlines()
    assert lines
    too_wide = [(width(line), line) for line in lines if width(line) > cols]
    assert not too_wide, too_wide
    # The start of every name is still there.
    text = "\n".join(lines)
    for name in shown:
        assert name[:15] in text, (name, text)


@pytest.mark.parametrize("backend", ["alpm", "apt"])
def test_upgrade_keeps_the_new_version(omg, wide, backend):
    # At 80 columns the upgrade's new version stays whole: the description goes first.
    rc, out = run_on_pty(omg, ["--root", wide[backend], "list", "--upgradable"], cols=80)
    row = [line for line in ANSI.sub("", out).splitlines() if "libreoffice" in line][0]
    assert "4:7.4.7+dfsg.omg.long.version.string.5-1" in row, row
    assert "\u2026" in row  # something was cut, with an ellipsis


@pytest.mark.parametrize("backend", ["alpm", "apt"])
def test_info_wraps_long_lines(omg, wide, backend):
    rc, out = run_on_pty(omg, ["--root", wide[backend], "info", NAMES[0]], cols=80)
    assert rc == 0
    text = ANSI.sub("", out)
    assert all(width(line) <= 80 for line in text.splitlines())
    # Wrapped, not cut: every word of the description is there, continued under the value.
    assert " ".join(LONG_DESC.split()) in " ".join(text.split())
    assert re.search(r"^ {18}\S", text, re.M)


@pytest.mark.parametrize("backend", ["alpm", "apt"])
@pytest.mark.parametrize("args,shown", COMMANDS, ids=IDS)
def test_piped_output_is_complete(omg, wide, backend, args, shown):
    p = omg.run(*args, root=wide[backend], check=0)
    assert "\u2026" not in p.stdout
    for name in shown:
        assert name in p.stdout
    if args[0] in ("info", "list", "search"):
        assert LONG_DESC in p.stdout
    if args[0] == "info":
        assert LONG_URL in p.stdout
