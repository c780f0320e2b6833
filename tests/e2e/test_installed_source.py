# SPDX-License-Identifier: MIT
"""The installed version's source package as the backends load it (struct pkg's
installed_source and installed_source_version, what the advisory matcher joins debsecan's
source records on), through build/tests/trans-run's `packages` verb: on apt, equal to
dpkg-query's ${source:Package} and ${source:Version} for every installed package, also when
the installed version's Source differs from the candidate's; on alpm, empty."""
import os
import re
import subprocess

import pytest

from conftest import TOP, arch, debian

TRANS_RUN = os.environ.get("OMG_TRANS_RUN", str(TOP / "build" / "tests" / "trans-run"))


def packages(backend, root):
    """{name: (installed, source, source_version)} of trans-run's PKG lines ("-" is "")."""
    assert os.path.exists(TRANS_RUN), "build the tool first: make tools (%s)" % TRANS_RUN
    assert root and os.path.realpath(root) != "/"
    env = {k: v for k, v in os.environ.items() if k != "APT_CONFIG"}
    env["LC_ALL"] = "C.UTF-8"
    p = subprocess.run([TRANS_RUN, "--backend", backend, "--root", root, "packages"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, (p.stdout, p.stderr)
    out = {}
    for line in p.stdout.splitlines():
        words = line.split(" ")
        assert words[0] == "PKG" and len(words) == 5, line
        out[words[1]] = tuple("" if w == "-" else w for w in words[2:])
    return out


def dpkg_sources(root):
    """{name: (version, source, source_version)} of the installed packages, as dpkg says."""
    env = dict(os.environ, LC_ALL="C.UTF-8")
    env.pop("APT_CONFIG", None)
    fmt = "${db:Status-Abbrev}\t${Package}\t${Version}\t${source:Package}\t${source:Version}\n"
    p = subprocess.run(["dpkg-query"] + debian.dpkg_args(root)[:1] + ["-W", "-f", fmt],
                       capture_output=True, text=True, env=env, timeout=60, check=True)
    out = {}
    for line in p.stdout.splitlines():
        status, name, *rest = line.split("\t")
        if status[1:2] == "i":  # installed, whatever the selection (omg-held: hold)
            out[name] = tuple(rest)
    return out


def set_source(root, name, source):
    """Gives the installed name a Source field in dpkg's status, as if that version had
    been built from another source than the repository's."""
    path = os.path.join(root, "var/lib/dpkg/status")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    stanza = re.compile(r"^Package: %s\n" % re.escape(name), re.M)
    assert stanza.search(text), name
    text = stanza.sub("Package: %s\nSource: %s\n" % (name, source), text, count=1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


@pytest.fixture(scope="module")
def deb_root(tmp_path_factory):
    """A Debian sandbox of this module's own (the tests edit its status file)."""
    return debian.build(str(tmp_path_factory.mktemp("deb-src") / "root"))["root"]


def test_apt_matches_dpkg_query(deb_root):
    got = packages("apt", deb_root)
    want = dpkg_sources(deb_root)
    assert want and got == want


def test_apt_reads_the_installed_record(deb_root):
    # omg-editor (1.0 installed, 1.1 the candidate) and omg-held (held at 1.0) have
    # an upgrade pending: the candidate's record has no Source, the installed one now has
    set_source(deb_root, "omg-editor", "omg-editor-old (0.9-3)")
    set_source(deb_root, "omg-held", "omg-held-src")
    got = packages("apt", deb_root)
    assert got["omg-editor"] == ("1.0-1", "omg-editor-old", "0.9-3")
    assert got["omg-held"] == ("1.0-1", "omg-held-src", "1.0-1")
    assert got["omg-base"] == ("1.0-1", "omg-base", "1.0-1")
    assert got == dpkg_sources(deb_root)


def test_alpm_leaves_them_empty(tmp_path):
    root = arch.build(str(tmp_path / "root"))["root"]
    got = packages("alpm", root)
    assert got and all(v[0] and v[1:] == ("", "") for v in got.values())
