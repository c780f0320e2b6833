# SPDX-License-Identifier: MIT
"""The AUR in the full-screen UI, against the loopback aurweb (tests/fixtures/aurd.py), driven
through tmux as tests/e2e/test_ui.py drives it: the AUR view (key 8) of the search's results,
the AUR's rows after the list's in a limited All, the AUR's fields in the detail pane, a
hanging AUR that times out while the UI goes on answering keys, an apt root's view, and an
AUR package marked, reviewed, approved with omg aur review and built by the engine."""
import re
import subprocess
import time

from conftest import arch, installed_versions
from test_aur import aur, build_dir, configure, env, rpc_requests, sb  # noqa: F401 (fixtures)
from test_ui import (LIST_TOP, detail_of, first_screen, history, marked, names_of,  # noqa: F401
                     review_groups, row, rows_of, tabs, ui)

import spec


def aur_view(u):
    """Shows the AUR view (key 8) and waits for its tab to be the current one."""
    u.keys("8")
    return u.wait(lambda rows: re.search(r"\b8 AUR \d+", rows[1]) and "8 AUR" in rows[1])


def find(u, words):
    """Types words at the find prompt and closes it (Enter): the last find is the AUR's search."""
    u.keys("/")
    u.wait("Find: ")
    u.type(words)
    u.wait(lambda rows: rows[-1].startswith("Find: " + words))
    u.keys("Enter")


def full_detail(u, name):
    """Enter on name's row: the whole record in full screen, its lines (stripped); Esc back."""
    u.keys("Enter")
    rows = u.wait(lambda rows: rows[1].startswith("\u2500\u2500 " + name + " ") and
                  any(r.startswith(" Name            : " + name) for r in rows))
    body = [r.rstrip() for r in rows[2:-1] if r.strip()]
    u.keys("Escape")
    return body


def add_packages(aur):
    aur.add("omg-aurtool", Version="2.5-1", Description="An omg helper only the AUR has",
            NumVotes=42, Popularity=1.234567, Maintainer="alice", Submitter="bob",
            MakeDepends=["cargo"], CheckDepends=["python-pytest"], Depends=["omg-lib"],
            FirstSubmitted=1600000000, LastModified=1731000000, OutOfDate=1700000123)
    aur.add("omg-orphaned", Description="Nobody keeps this omg thing", Maintainer=None,
            NumVotes=3, Popularity=0.05)
    # an installed foreign package the AUR has: the list's own row, installed
    aur.add("omg-foreign", Version="4.2-1", Description="Installed locally, in no repository")


def test_the_aur_view_lists_the_search_and_details_the_aur_fields(env, ui, aur, sb):
    add_packages(aur)
    configure(env, aur)
    root = sb["root"]
    u = ui(root, cols=120, rows=45)  # room for All's matches and the AUR's
    first_screen(u)
    # no search yet: the view says to type one, and nothing is asked
    rows = aur_view(u)
    assert rows[LIST_TOP].startswith("  type a search"), rows[LIST_TOP]
    assert not rpc_requests(aur, "/rpc/v5/search")
    # a find is the AUR's search; its rows in name order, the installed one as in the list
    find(u, "omg")
    rows = u.wait(lambda rows: names_of(rows) == ["omg-aurtool", "omg-foreign", "omg-orphaned"])
    assert tabs(rows)[0]["AUR"] == 3 and tabs(rows)[0]["All"] == len(spec.PACKAGES), rows[1]
    f, rest = row(rows, "omg-aurtool")
    assert f == "p  " and re.match(r"^2\.5-1\s+aur\s+42\s+1\.23\s+An omg helper only", rest), rest
    f, rest = row(rows, "omg-orphaned")
    assert f == "p  " and re.match(r"^1\.0-1\s+aur\s+3\s+0\.05\s+Nobody keeps", rest), rest
    f, rest = row(rows, "omg-foreign")
    assert f == "i  " and rest.startswith("4.2-1"), rest
    assert re.match(r"^St\s+Name\u25b2\s+Version\s+Repo\s+Votes\s+Pop\s+Description$",
                    rows[2]), rows[2]
    # one search for the settled words, by name and description
    reqs = rpc_requests(aur, "/rpc/v5/search")
    assert len(reqs) == 1 and reqs[0]["path"].endswith("/omg"), reqs
    assert reqs[0]["args"].get("by") == ["name-desc"], reqs
    # the detail pane: omg info's record of the AUR package, every AUR field
    u.keys("Home")
    u.wait(lambda rows: detail_of(rows) == "omg-aurtool" and
           any(r.startswith(" Repository      : aur") for r in rows))
    body = full_detail(u, "omg-aurtool")
    info = [ln.rstrip() for ln in env("info", "omg-aurtool", root=root, check=0)
            .stdout.splitlines()]
    assert body == [" " + ln for ln in info], (body, info)
    text = "\n".join(body)
    for field, value in (("Make Deps", "cargo"), ("Check Deps", "python-pytest"),
                         ("Maintainer", "alice"), ("Votes", "42"), ("Popularity", "1.23"),
                         ("First Submitted", "2020"), ("Last Modified", "2024"),
                         ("Out Of Date", "2023"),
                         ("Snapshot URL", aur.url + "/cgit/aur.git/snapshot/omg-aurtool.tar.gz")):
        assert re.search(r"^ %s\s*: .*%s" % (re.escape(field), re.escape(value)), text, re.M), \
            (field, value, text)
    # an orphan says so
    u.keys("End")
    u.wait(lambda rows: detail_of(rows) == "omg-orphaned")
    assert " Maintainer      : (orphaned)" in full_detail(u, "omg-orphaned")
    # All with a limit: the list's matches, then the AUR's own after them
    u.keys("1", "l")
    u.type("omg")
    u.keys("Enter")
    want = sorted(p["name"] for p in spec.PACKAGES
                  if "omg" in (p["name"] + "\n" + p["desc"]).lower())
    rows = u.wait(lambda rows: names_of(rows) == want + ["omg-aurtool", "omg-orphaned"])
    assert tabs(rows) == (tabs(rows)[0], "omg") and tabs(rows)[0]["All"] == len(spec.PACKAGES)
    assert row(rows, "omg-aurtool")[1].split()[1] == "aur", rows
    # the same words again: the AUR's answer is the one the model has, nothing is asked
    assert len(rpc_requests(aur, "/rpc/v5/search")) == 1


def test_a_hanging_aur_times_out_while_the_ui_answers_keys(env, ui, aur, sb):
    add_packages(aur)
    aur.behave("/rpc/v5/search/*", hang=True)
    configure(env, aur, extra="search_deadline = 1\n")
    u = ui(sb["root"], cols=120)
    first_screen(u)
    aur_view(u)
    find(u, "omgtool")
    u.wait("asking the AUR for 'omgtool'")
    deadline = time.monotonic() + 20
    while not rpc_requests(aur, "/rpc/v5/search"):
        assert time.monotonic() < deadline, "the AUR was never asked"
        time.sleep(0.01)
    asked = time.monotonic()
    # the search hangs: the UI still answers (the help, and back)
    u.keys("?")
    u.wait(lambda rows: rows[1].startswith("\u2500\u2500 Keys"))
    answered = time.monotonic() - asked
    assert answered < 0.9, "the UI answered a key %.2f s after the AUR was asked" % answered
    u.keys("Escape")
    # the deadline passes: the AUR's warning, in place of "no packages"
    rows = u.wait(lambda rows: "timed out" in rows[LIST_TOP], timeout=15)
    assert rows[LIST_TOP].startswith("  AUR: "), rows[LIST_TOP]
    assert "no packages" not in "\n".join(rows)
    # and the UI goes on: the views, the list
    u.keys("1")
    u.wait(lambda rows: len(rows_of(rows)) == len(spec.PACKAGES))


def test_an_apt_roots_aur_view_says_the_aur_is_for_arch(env, ui, aur, deb_sb):
    configure(env, aur)
    u = ui(deb_sb["root"], cols=120)
    first_screen(u)
    rows = aur_view(u)
    rows = u.wait(lambda rows: "the AUR is for Arch (alpm) roots only" in rows[LIST_TOP])
    find(u, "omg")
    time.sleep(0.6)  # past the settling of typed words: nothing more is asked
    rows = u.wait(lambda rows: "the AUR is for Arch (alpm) roots only" in rows[LIST_TOP])
    assert tabs(rows)[0]["AUR"] == 0
    assert not aur.requests(), aur.requests()


def test_an_aur_package_marked_is_reviewed_then_built_through_the_engine(env, ui, aur, sb,
                                                                          build_dir):
    # it needs omg-spell from the repository to build: installed with it, as a dependency
    aur.add_pkgbuild("omg-aurapp", "2.0", makedepends=["omg-spell"])
    configure(env, aur, build_dir)
    root = sb["root"]
    u = ui(root, cols=120)
    first_screen(u)
    aur_view(u)
    find(u, "aurapp")
    u.wait(lambda rows: names_of(rows) == ["omg-aurapp"])
    u.keys("+")
    rows = u.wait(marked("omg-aurapp", "pi "))
    assert tabs(rows)[0]["Marked"] == 1
    # the marks are the engine's plan: the AUR build, and what it needs from the repository
    u.keys("g")
    rows = u.wait(lambda rows: any(r.startswith("Policy: ") for r in rows), timeout=30)
    groups, _ = review_groups(rows)
    inst = {name: (ver, repo.strip()) for name, ver, repo, _ in groups["Install"]}
    assert inst.get("omg-aurapp", ("", ""))[0] == "2.0-1", rows
    assert "omg-spell" in inst, rows
    policy = [r for r in rows if r.startswith("Policy: ")]
    assert len(policy) == 1 and "aur: " in policy[0] and \
        "omg aur review omg-aurapp" in policy[0], policy
    # g changes nothing and says what to run: the UI shows no build files itself
    u.keys("g")
    rows = u.wait(lambda rows: "run omg aur review omg-aurapp in a shell" in rows[-1])
    assert "omg-aurapp" not in installed_versions(sb)
    # approved from a shell: planned again, the review has no Policy line, and g builds it
    env("aur", "review", "--approve", "omg-aurapp", root=root)
    u.keys("Escape")
    u.wait(marked("omg-aurapp", "pi "))
    u.keys("g")
    rows = u.wait("Review: the engine's plan", timeout=30)
    assert not any(r.startswith("Policy: ") for r in rows), rows
    u.keys("g")
    rows = u.wait(lambda rows: rows[-1].startswith((" Done: ", " Failed: ")), timeout=180)
    assert rows[-1].startswith(" Done: "), rows
    got = installed_versions(sb)
    assert got.get("omg-aurapp") == "2.0-1" and "omg-spell" in got, got
    qi = subprocess.run(arch.pacman_cmd(root, "-Qi", "omg-spell"), capture_output=True,
                        text=True).stdout
    assert "Installed as a dependency" in qi, qi
    assert history(env, root)[0]["kind"] == "apply"
    # back on the list: installed now, the list's own row
    u.keys("Enter")
    u.keys("2")
    u.wait(marked("omg-aurapp", "i  "))


def test_an_aur_mark_goes_with_the_other_marks_in_one_change(env, ui, aur, sb, build_dir):
    aur.add_pkgbuild("omg-aurlone", "1.5")
    configure(env, aur, build_dir)
    root = sb["root"]
    env("aur", "review", "--approve", "omg-aurlone", root=root)
    u = ui(root, cols=120)
    first_screen(u)
    u.keys("4")  # orphans: omg-orphan
    u.wait(lambda rows: names_of(rows) == ["omg-orphan"])
    u.keys("-")
    u.wait(marked("omg-orphan", "idA"))
    aur_view(u)
    find(u, "aurlone")
    u.wait(lambda rows: names_of(rows) == ["omg-aurlone"])
    u.keys("+")
    u.wait(marked("omg-aurlone", "pi "))
    u.keys("g")
    rows = u.wait("Review: the engine's plan", timeout=30)
    groups, _ = review_groups(rows)
    assert [g[0] for g in groups["Remove"]] == ["omg-orphan"], rows
    assert [g[0] for g in groups["Install"]] == ["omg-aurlone"], rows
    assert not any(r.startswith("Policy: ") for r in rows), rows
    u.keys("g")
    rows = u.wait(lambda rows: rows[-1].startswith((" Done: ", " Failed: ")), timeout=180)
    assert rows[-1].startswith(" Done: 2 changes made"), rows
    got = installed_versions(sb)
    assert got.get("omg-aurlone") == "1.5-1" and "omg-orphan" not in got, got
