# SPDX-License-Identifier: MIT
"""omg list --security (issue 14): the upgrades from a security archive, the set omg status
counts, held ones apart, compared with apt's own view of the same sandbox (apt list
--upgradable, whose suites name the -security archive, less apt-mark showhold) and, when
this machine has Debian's real lists, with apt on the host; on alpm an empty list with a
warning saying why."""
import glob
import json
import os

import pytest

from conftest import apt, debian


@pytest.fixture
def deb_sec(tmp_path):
    """A Debian sandbox with a security archive: omg-editor 1.2 only there; omg-base 1.1
    in the main suite and in the security archive (the same .deb, as after a point
    release); omg-held 3.0 there too, but it is held."""
    sb = debian.build(str(tmp_path / "root"))
    root = sb["root"]
    deb = debian.publish(sb, "omg-base", "1.1")
    debian.add_security_update(root, "omg-base", "1.1", deb=deb)
    debian.add_security_update(root, "omg-editor", "1.2")
    debian.add_security_update(root, "omg-held", "3.0")
    return sb


def apt_security(root=None):
    """The names apt lists as upgradable from a -security suite, held ones apart."""
    argv = ["apt", "list", "--upgradable"]
    out = apt(root, *argv) if root else _host(argv)
    held = set((apt(root, "apt-mark", "showhold") if root else
                _host(["apt-mark", "showhold"])).split())
    names = set()
    for line in out.splitlines():
        if "/" not in line or "[upgradable from" not in line:
            continue  # "Listing..."
        name, rest = line.split("/", 1)
        suites = rest.split(" ", 1)[0].split(",")
        if any(s.endswith("-security") for s in suites) and name not in held:
            names.add(name)
    return names


def _host(argv):
    import subprocess
    env = {k: v for k, v in os.environ.items() if k != "APT_CONFIG"}
    env["LC_ALL"] = "C.UTF-8"
    p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, (argv, p.stderr)
    return p.stdout


def test_security_list_is_aptS_and_the_status_count(env, deb_sec):
    root = deb_sec["root"]
    want = apt_security(root)
    # a -security only candidate, and one in both suites; the held one is apt's too
    # (apt list shows held upgrades) but not an upgrade: showhold takes it out
    assert want == {"omg-base", "omg-editor"}, want
    p = env("list", "--security", "-q", root=root, check=0)
    assert p.stdout.split() == sorted(want), p.stdout
    st = json.loads(env("--json", "status", root=root, check=0).stdout)
    assert st["security"] == len(want)
    rows = json.loads(env("--json", "list", "--security", root=root, check=0).stdout)
    assert sorted(r["name"] for r in rows) == sorted(want)
    assert all(r["security"] and r["upgradable"] and not r["held"] for r in rows), rows
    # every package row says whether it is a security upgrade
    every = json.loads(env("--json", "list", "--all", root=root, check=0).stdout)
    assert all(isinstance(r["security"], bool) for r in every)
    assert {r["name"] for r in every if r["security"] and not r["held"]} == want
    assert {r["name"] for r in every if r["security"]} == want | {"omg-held"}
    text = env("list", "--security", root=root, check=0).stdout
    assert "omg-editor" in text and "1.0-1 -> 1.2-1" in text and "omg-held" not in text


def test_security_list_on_alpm_says_there_is_none(env, arch_sb):
    p = env("list", "--security", root=arch_sb["root"], check=0)
    assert p.stdout == ""
    assert "does not mark security upgrades" in p.stderr, p.stderr
    p = env("--json", "list", "--security", root=arch_sb["root"], check=0)
    assert json.loads(p.stdout) == []
    rows = json.loads(env("--json", "list", "--all", root=arch_sb["root"], check=0).stdout)
    assert rows and not any(r["security"] for r in rows)


def test_security_list_option_checks(env, deb_sb):
    p = env("list", "--security", "--upgradable", root=deb_sb["root"])
    assert p.returncode == 2 and "--security" in p.stderr
    p = env("search", "--security", "omg", root=deb_sb["root"])
    assert p.returncode == 2


HOST_SECURITY_LISTS = glob.glob("/var/lib/apt/lists/*-security*_Packages*")


@pytest.mark.skipif(not HOST_SECURITY_LISTS, reason="this machine has no Debian security "
                    "lists (/var/lib/apt/lists/*-security*_Packages*)")
def test_security_list_on_the_hosts_lists(env):
    """Read-only: the engine runs in this process on / (no lock, nothing written)."""
    want = apt_security()
    p = env("--no-daemon", "list", "--security", "-q", check=0)
    assert set(p.stdout.split()) == want, (sorted(set(p.stdout.split()) ^ want))
    st = json.loads(env("--no-daemon", "--json", "status", check=0).stdout)
    assert st["security"] == len(want)
