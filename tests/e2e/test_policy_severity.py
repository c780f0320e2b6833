# SPDX-License-Identifier: MIT
"""[policy] block_severity on sandbox roots of both backends, with advisory data fetched from a
loopback server in the trackers' formats: a plan that brings a version with an advisory at or
above the threshold is refused (exit 13) and the native tool sees nothing changed; a lower
threshold, a version the advisory no longer affects, or an accepted override let it through;
on Debian a source record reaches the candidate through its Source field."""
import json
import os
import zlib

import pytest

from conftest import arch, debian, installed_versions
from httpd import LoopbackHTTP

EXIT_POLICY = 13
RELEASE = "omgsev"

# The Arch tracker's AVGs: omg-spell (not installed, 3.2-1 in the repository) has an
# unfixed high one; omg-editor's medium one is fixed by the candidate 1.1-1.
ALL_JSON = [
    {"name": "AVG-1", "packages": ["omg-spell"], "status": "Vulnerable", "severity": "High",
     "type": "arbitrary code execution", "affected": "3.2-1", "fixed": None, "ticket": None,
     "issues": ["CVE-2026-1001"], "advisories": []},
    {"name": "AVG-2", "packages": ["omg-editor"], "status": "Fixed", "severity": "Medium",
     "type": "denial of service", "affected": "1.0-1", "fixed": "1.1-1", "ticket": None,
     "issues": ["CVE-2026-1002"], "advisories": ["ASA-202612-1"]},
]

# debsecan's feed: the same two, plus a source record on omg-minish's source package
# (spec.py: "Source: omg-minish-src (0.9-1)"), fixed in 1.0-1.
DEBSECAN = """VERSION 1
CVE-2026-1001,,Code execution in omg-spell
CVE-2026-1002,,Denial of service in omg-editor
CVE-2026-1003,,Overflow in the minish sources

omg-spell,0,BHR ,,
omg-editor,1,BMR ,1.1-1,
omg-minish-src,2,SH? ,1.0-1,

omg-minish-src,omg-minish
"""


@pytest.fixture(scope="module", params=["alpm", "apt"])
def sev(request, tmp_path_factory):
    """A sandbox of the backend (os-release naming RELEASE on Debian) and a server with its
    feed; nothing here installs anything."""
    base = tmp_path_factory.mktemp("sev-" + request.param)
    build = arch.build if request.param == "alpm" else debian.build
    sb = build(str(base / "root")) | {"backend": request.param}
    www = base / "www"
    www.mkdir()
    if request.param == "alpm":
        (www / "all.json").write_text(json.dumps(ALL_JSON))
    else:
        with open(os.path.join(sb["root"], "etc", "os-release"), "w") as f:
            f.write(f"ID=debian\nVERSION_CODENAME={RELEASE}\n")
        (www / RELEASE).write_bytes(zlib.compress(DEBSECAN.encode()))
    with LoopbackHTTP(www) as srv:
        yield sb | {"srv": srv}


installed = installed_versions


def configure(env, sev, policy):
    """The engine's config: the feed on loopback and [policy] policy; a fresh engine that
    has fetched the data."""
    url = sev["srv"].url("/all.json") if sev["backend"] == "alpm" else sev["srv"].url("/")
    key = "arch_url" if sev["backend"] == "alpm" else "debian_url"
    env.config.write_text(f"[security]\n{key} = {url}\nrefresh = 0\n[policy]\n{policy}")
    env("daemon", "stop", "--all", check=0)
    p = env("vulns", "--refresh", root=sev["root"])
    assert p.returncode in (0, 1), (p.stdout, p.stderr)


def test_a_version_with_an_advisory_at_the_threshold_is_refused(env, sev):
    root = sev["root"]
    configure(env, sev, "block_severity = high\n")
    before = installed(sev)
    p = env("install", "--yes", "omg-spell", root=root)
    assert p.returncode == EXIT_POLICY, (p.stdout, p.stderr)
    advisory = "AVG-1" if sev["backend"] == "alpm" else "CVE-2026-1001"
    assert f"Policy: severity: omg-spell 3.2-1 has {advisory} (high" in p.stdout, p.stdout
    assert "block_severity is high" in p.stdout
    assert installed(sev) == before  # the native tool: nothing changed
    # --json carries the violation; a dry run is refused the same way.
    p = env("--json", "install", "--dry-run", "omg-spell", root=root)
    assert p.returncode == EXIT_POLICY
    (v,) = json.loads(p.stdout)["plan"]["violations"]
    assert v["rule"] == "severity" and v["package"] == "omg-spell"


def test_below_the_threshold_or_fixed_in_the_new_version_is_let_through(env, sev):
    root = sev["root"]
    configure(env, sev, "block_severity = critical\n")
    p = env("--json", "install", "--dry-run", "omg-spell", root=root, check=0)
    assert json.loads(p.stdout)["plan"]["violations"] == []
    # omg-editor's medium advisory affects 1.0-1, not the 1.1-1 an upgrade brings.
    configure(env, sev, "block_severity = low\n")
    p = env("--json", "install", "--dry-run", "omg-editor", root=root, check=0)
    assert json.loads(p.stdout)["plan"]["violations"] == []


@pytest.mark.parametrize("sev", ["apt"], indirect=True)  # source records are debsecan's
def test_debian_source_records_reach_the_candidate(env, sev):
    root = sev["root"]
    configure(env, sev, "block_severity = high\n")
    before = installed(sev)
    p = env("install", "--yes", "omg-minish", root=root)
    assert p.returncode == EXIT_POLICY, (p.stdout, p.stderr)
    assert "omg-minish 1.0-1 has CVE-2026-1003 (high, fixed in 1.0-1)" in p.stdout, p.stdout
    assert installed(sev) == before
