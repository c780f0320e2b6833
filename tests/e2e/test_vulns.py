# SPDX-License-Identifier: MIT
"""omg vulns (issue 15) end to end: feeds written here and served by the loopback server
(tests/fixtures/httpd.py), matched against the sandboxes' installed packages. Arch against
rows worked out by hand (each version comparison checked with pacman's vercmp); Debian
against the real debsecan on the same feed and root. Then the fetch: a conditional GET,
bad feeds that must keep the last good data, no data, refresh = 0, the status/snapshot
figures, and --no-daemon."""
import json
import os
import re
import subprocess
import time
import zlib

import pytest

from conftest import OMG, arch, debian, wait_until
from httpd import LoopbackHTTP

OMG_FAST = OMG.parent / "omg-fast"
CODENAME = "omgsec"  # the Debian root's VERSION_CODENAME (ours, in its own root)


# ------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    d = tmp_path_factory.mktemp("feeds")
    with LoopbackHTTP(str(d)) as s:
        s.dir = d
        yield s


@pytest.fixture(scope="module")
def deb_root(tmp_path_factory):
    """A Debian root of this module's own: an os-release naming the codename, and
    omg-foreign built from another source package at another version (dpkg's Source: field),
    so source records match through it (omg-foreign: a version no repository has, whose
    record apt takes from the status file alone)."""
    sb = debian.build(str(tmp_path_factory.mktemp("vulns-deb") / "root"))
    root = sb["root"]
    with open(os.path.join(root, "etc/os-release"), "w") as f:
        f.write('ID=debian\nVERSION_CODENAME=%s\n' % CODENAME)
    status = os.path.join(root, "var/lib/dpkg/status")
    with open(status) as f:
        text = f.read()
    stanzas = text.rstrip("\n").split("\n\n")
    for i, s in enumerate(stanzas):
        if s.startswith("Package: omg-foreign\n"):
            lines = s.split("\n")
            lines.insert(1, "Source: omg-srcpkg (1:0.4-3)")
            stanzas[i] = "\n".join(lines)
            break
    else:
        raise AssertionError("no omg-foreign in the status file")
    with open(status, "w") as f:
        f.write("\n\n".join(stanzas) + "\n")
    debian._drop_caches(root)  # pkgcache.bin would hide the new field
    return root


@pytest.fixture
def ov(env, tmp_path, srv, request):
    """omg with a data directory of its own (the advisory store), a [security] section
    pointing at this test's own paths on the server, and refresh = 0 unless told."""
    data = tmp_path / "xdg_data_home"
    data.mkdir(mode=0o700)
    extra = {"XDG_DATA_HOME": str(data)}
    tag = request.node.name.replace("[", "-").replace("]", "")

    class O:
        prefix = "/" + tag
        arch_path = prefix + "/all.json"
        deb_path = prefix + "/deb/" + CODENAME

        def __call__(self, *args, root=None, check=None, extra_env=None):
            return env(*args, root=root, extra=dict(extra, **(extra_env or {})), check=check)

        def json(self, *args, root=None, check=None):
            p = self("--json", *args, root=root, check=check)
            return json.loads(p.stdout), p

        def config(self, **kw):
            sec = {"arch_url": srv.url(self.arch_path), "debian_url": srv.url(self.prefix + "/deb"),
                   "refresh": "0"}
            sec.update(kw)
            env.config.parent.mkdir(parents=True, exist_ok=True)
            env.config.write_text("[security]\n" + "".join(
                "%s = %s\n" % (k, v) for k, v in sec.items()))

        def popen(self, *args, root=None):
            argv = [str(OMG)] + (["--root", str(root)] if root else []) + list(args)
            return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, env=dict(env.full, **extra))

        def stop(self):
            self("daemon", "stop", "--all", check=0)

    o = O()
    o.data = data
    o._env = dict(env.full, **extra)
    o.config()
    return o


def serve(srv, path, body):
    """Writes body (bytes) as the file the server sends for path (plain serving)."""
    f = srv.dir / path.lstrip("/")
    f.parent.mkdir(parents=True, exist_ok=True)
    tmp = f.with_name(f.name + ".tmp")
    tmp.write_bytes(body)
    os.replace(tmp, f)
    srv.behave(path)


def avg(n, pkgs, status, severity, fixed, issues=(), affected="0.1-1"):
    return {"name": "AVG-%d" % n, "packages": list(pkgs), "status": status,
            "severity": severity, "type": "arbitrary code execution", "affected": affected,
            "fixed": fixed, "ticket": None, "issues": list(issues), "advisories": []}


def debsecan_feed(vulns, records, sources):
    """The debsecan text, compressed: vulns [(name, desc)], records [(pkg, idx, flags,
    fixed, other)], sources [(src, [bins])]."""
    text = "VERSION 1\n"
    text += "".join("%s,,%s\n" % v for v in vulns) + "\n"
    text += "".join("%s,%d,%s,%s,%s\n" % r for r in records) + "\n"
    text += "".join("%s,%s\n" % (s, " ".join(b)) for s, b in sources)
    return zlib.compress(text.encode())


def vercmp(a, b):
    out = subprocess.run(["vercmp", a, b], capture_output=True, text=True, check=True)
    return int(out.stdout)


def dpkg_lt(a, b):
    return subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0


def status_json(o, root):
    return o.json("status", root=root, check=0)[0]


def fetched(o, root):
    return status_json(o, root)["vulns_fetched"]


def next_second(t):
    """Waits until the clock has passed the Unix second t, so a rewritten time would show."""
    wait_until(lambda: int(time.time()) > t, "the clock passing %d" % t)


# ------------------------------------------------------------------------- Arch

# Installed in the alpm sandbox: omg-base, omg-editor, omg-held 1.0-1, omg-lib 2.0-1,
# omg-orphan 0.5-1, omg-foreign 4.2-1.
ARCH_FEED = [
    # Not affected: dropped, though it would make omg-base critical and vulnerable
    avg(1, ["omg-base", "omg-nothere"], "Not affected", "Critical", None, ["CVE-2026-0001"]),
    # a missing pkgrel: "1.0" == "1.0-1", not affected; an older fix: not affected
    avg(2, ["omg-base"], "Fixed", "Medium", "1.0", ["CVE-2026-0002"]),
    avg(3, ["omg-base"], "Fixed", "Low", "0.9-5", ["CVE-2026-0003"]),
    # squashed: no fix (`affected` above the installed version is ignored), a pkgrel
    # fix, a Testing one: high, the union of ids, the highest fix
    avg(4, ["omg-editor"], "Vulnerable", "High", None, ["CVE-2026-0004"], affected="3.0-1"),
    avg(5, ["omg-editor"], "Fixed", "Low", "1.0-2", ["CVE-2026-0005", "CVE-2026-0004"]),
    avg(10, ["omg-editor"], "Testing", "Medium", "1.1-1", ["CVE-2026-0010"]),
    # an epoch: 1:0.5-1 > 2.0-1
    avg(6, ["omg-lib"], "Fixed", "Critical", "1:0.5-1", ["CVE-2026-0006"]),
    # 0.5a < 0.5 in libalpm's order: not affected
    avg(7, ["omg-orphan"], "Fixed", "High", "0.5a-1", ["CVE-2026-0007"]),
    # a longer version: 1.0.1 > 1.0
    avg(8, ["omg-held"], "Fixed", "Medium", "1.0.1-1", ["CVE-2026-0008"]),
    # Unknown status and severity, no fix
    avg(9, ["omg-foreign"], "Unknown", "Unknown", None, []),
    avg(11, ["omg-notinstalled"], "Vulnerable", "High", None, ["CVE-2026-0011"]),
]

ARCH_ROWS = [
    {"name": "omg-editor", "installed": "1.0-1", "source": None, "fixed": "1.1-1",
     "severity": "high", "ids": ["AVG-4", "AVG-5", "AVG-10", "CVE-2026-0004", "CVE-2026-0005",
                                 "CVE-2026-0010"], "remote": None},
    {"name": "omg-foreign", "installed": "4.2-1", "source": None, "fixed": None,
     "severity": "unknown", "ids": ["AVG-9"], "remote": None},
    {"name": "omg-held", "installed": "1.0-1", "source": None, "fixed": "1.0.1-1",
     "severity": "medium", "ids": ["AVG-8", "CVE-2026-0008"], "remote": None},
    {"name": "omg-lib", "installed": "2.0-1", "source": None, "fixed": "1:0.5-1",
     "severity": "critical", "ids": ["AVG-6", "CVE-2026-0006"], "remote": None},
]
# --all: the packages whose advisories are all fixed in the installed version too
ARCH_FIXED_ROWS = [
    {"name": "omg-base", "installed": "1.0-1", "source": None, "fixed": "1.0",
     "severity": "medium", "ids": ["AVG-2", "AVG-3", "CVE-2026-0002", "CVE-2026-0003"],
     "remote": None},
    {"name": "omg-orphan", "installed": "0.5-1", "source": None, "fixed": "0.5a-1",
     "severity": "high", "ids": ["AVG-7", "CVE-2026-0007"], "remote": None},
]


def test_arch_versions_are_libalpms():
    """The expectations above rest on these comparisons: pacman's vercmp says so."""
    assert vercmp("1.0-1", "1.0") == 0
    assert vercmp("1.0-1", "0.9-5") > 0
    assert vercmp("1.0-1", "1.0-2") < 0
    assert vercmp("1.0-2", "1.1-1") < 0
    assert vercmp("2.0-1", "1:0.5-1") < 0
    assert vercmp("0.5-1", "0.5a-1") > 0
    assert vercmp("1.0-1", "1.0.1-1") < 0


def by_name(rows):
    return sorted(rows, key=lambda r: r["name"])


@pytest.mark.smoke
def test_arch_matching(ov, srv, arch_sb):
    root = arch_sb["root"]
    serve(srv, ov.arch_path, json.dumps(ARCH_FEED, indent=1).encode())
    rows, p = ov.json("vulns", "--refresh", root=root, check=1)
    assert rows == ARCH_ROWS, rows
    assert all(list(r) == ["name", "installed", "source", "fixed", "severity", "ids", "remote"]
               for r in rows)
    rows, _ = ov.json("vulns", "--all", root=root, check=1)
    assert rows == by_name(ARCH_ROWS + ARCH_FIXED_ROWS), rows
    # the text table and -q say the same
    q = ov("vulns", "-q", root=root, check=1).stdout.split()
    assert q == [r["name"] for r in ARCH_ROWS]
    text = ov("vulns", root=root, check=1).stdout
    assert "4 vulnerable packages, highest severity critical" in text, text
    # names narrow it; a package with only fixed advisories gives none
    rows, _ = ov.json("vulns", "omg-lib", "omg-base", root=root, check=1)
    assert [r["name"] for r in rows] == ["omg-lib"]
    rows, _ = ov.json("vulns", "omg-base", root=root, check=0)
    assert rows == []


# ------------------------------------------------------------------------- Debian

# Installed in the apt sandbox: omg-base, omg-editor, omg-held 1.0-1, omg-lib 2.0-1,
# omg-orphan 0.5-1, omg-foreign 4.2-1 from source omg-srcpkg 1:0.4-3 (deb_root).
DEB_VULNS = [("CVE-2026-%d" % (1000 + i), "issue %d, with, commas" % i) for i in range(12)]
DEB_RECORDS = [
    ("omg-base", 0, "BLR ", "1.0+deb12u1-1", ""),    # "+" sorts after: affected
    ("omg-base", 1, "BH  ", "1.0~rc1-1", ""),        # "~" sorts before: not affected
    ("omg-lib", 2, "SM?F", "1:1.0-1", ""),           # epoch: affected
    ("omg-lib", 3, "SH  ", "2.0~rc1-1", ""),         # not affected
    ("omg-editor", 4, "SM F", "1.0-2", ""),          # revision: affected
    ("omg-editor", 5, "SH  ", "9.0-1", "0.9-1 1.0-1"),  # an other version: not affected
    ("omg-held", 6, "S R ", "", ""),                 # no fix: affected, urgency unknown
    ("omg-srcpkg", 7, "SH? ", "1:0.4-10", ""),       # through omg-foreign's source
    ("omg-base", 8, "BL  ", "1.0-1", ""),            # equal: not affected
    ("omg-srcpkg", 9, "SM  ", "", "1:0.4-3"),        # no fix but an other version
    ("omg-orphan", 10, "SL  ", "0.5-1", ""),         # equal: not affected
    ("omg-notinstalled", 11, "BH  ", "", ""),
]
DEB_SOURCES = [("omg-srcpkg", ["omg-foreign"]), ("omg-lib", ["omg-lib"])]

DEB_ROWS = [
    {"name": "omg-base", "installed": "1.0-1", "source": "omg-base", "fixed": "1.0+deb12u1-1",
     "severity": "low", "ids": ["CVE-2026-1000"], "remote": True},
    {"name": "omg-editor", "installed": "1.0-1", "source": "omg-editor", "fixed": "1.0-2",
     "severity": "medium", "ids": ["CVE-2026-1004"], "remote": False},
    {"name": "omg-foreign", "installed": "4.2-1", "source": "omg-srcpkg", "fixed": "1:0.4-10",
     "severity": "high", "ids": ["CVE-2026-1007"], "remote": None},
    {"name": "omg-held", "installed": "1.0-1", "source": "omg-held", "fixed": None,
     "severity": "unknown", "ids": ["CVE-2026-1006"], "remote": True},
    {"name": "omg-lib", "installed": "2.0-1", "source": "omg-lib", "fixed": "1:1.0-1",
     "severity": "medium", "ids": ["CVE-2026-1002"], "remote": None},
]


def test_debian_versions_are_dpkgs():
    assert dpkg_lt("1.0-1", "1.0+deb12u1-1")
    assert dpkg_lt("1.0~rc1-1", "1.0-1")
    assert dpkg_lt("2.0-1", "1:1.0-1")
    assert dpkg_lt("2.0~rc1-1", "2.0-1")
    assert dpkg_lt("1.0-1", "1.0-2")
    assert dpkg_lt("1:0.4-3", "1:0.4-10")


def run_debsecan(srv, o, root, tmp_path):
    home = tmp_path / "debsecan-home"
    home.mkdir()
    argv = ["/usr/bin/debsecan", "--config", "/dev/null", "--suite", CODENAME,
            "--source", srv.url(o.prefix + "/deb"), "--status",
            os.path.join(root, "var/lib/dpkg/status"), "--whitelist", str(home / "whitelist"),
            "--history", str(home / "history"), "--format", "summary"]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60,
                       env={"HOME": str(home), "PATH": os.environ["PATH"], "LC_ALL": "C.UTF-8"})
    assert p.returncode == 0, (argv, p.stdout, p.stderr)
    pairs = set()
    for line in p.stdout.splitlines():
        cve, pkg = line.split()[:2]
        pairs.add((cve, pkg))
    return pairs


def test_debian_matching_is_debsecans(ov, srv, deb_root, tmp_path):
    serve(srv, ov.deb_path, debsecan_feed(DEB_VULNS, DEB_RECORDS, DEB_SOURCES))
    rows, _ = ov.json("vulns", "--refresh", root=deb_root, check=1)
    assert rows == DEB_ROWS, rows
    want = run_debsecan(srv, ov, deb_root, tmp_path)
    got = {(i, r["name"]) for r in rows for i in r["ids"]}
    assert got == want, (got ^ want)
    rows, _ = ov.json("vulns", "--all", root=deb_root, check=1)
    assert [r["name"] for r in rows] == sorted(
        [r["name"] for r in DEB_ROWS] + ["omg-orphan"]), rows
    assert [r for r in rows if r["name"] != "omg-orphan"] == DEB_ROWS
    orphan = [r for r in rows if r["name"] == "omg-orphan"][0]
    assert orphan["ids"] == ["CVE-2026-1010"] and orphan["fixed"] == "0.5-1", orphan


# ------------------------------------------------------------------------- fetching

@pytest.fixture(params=["alpm", "apt"])
def be(request, ov, srv, arch_sb, deb_root):
    """A backend with a good feed served at this test's path: (root, path, good body)."""
    if request.param == "alpm":
        path, body, root = ov.arch_path, json.dumps(ARCH_FEED).encode(), arch_sb["root"]
    else:
        path, body = ov.deb_path, debsecan_feed(DEB_VULNS, DEB_RECORDS, DEB_SOURCES)
        root = deb_root
    serve(srv, path, body)
    return {"backend": request.param, "root": root, "path": path, "body": body}


def test_conditional_get(ov, srv, be):
    root, path = be["root"], be["path"]
    first, _ = ov.json("vulns", "--refresh", root=root, check=1)
    t0 = fetched(ov, root)
    next_second(t0)
    again, _ = ov.json("vulns", "--refresh", root=root, check=1)
    assert again == first
    reqs = srv.requests(path)
    assert [r["status"] for r in reqs] == [200, 304], reqs
    assert reqs[1]["if_none_match"] or reqs[1]["if_modified_since"], reqs[1]
    assert reqs[1]["if_none_match"] == '"%s"' % __import__("hashlib").sha256(
        be["body"]).hexdigest()
    assert fetched(ov, root) == t0  # a 304 confirms; the download time stays


def bad_feeds(backend, good):
    """(what, body or None, behaviour or None, what the warning says): feeds to refuse."""
    # incompressible descriptions: over 4 KiB as sent, not only once inflated
    noise = [os.urandom(24).hex() for i in range(200)]
    big = (json.dumps([dict(avg(100 + i, ["omg-base"], "Fixed", "Low", "0.1-1"), type=noise[i])
                       for i in range(200)]).encode() if backend == "alpm" else
           debsecan_feed([("CVE-2026-%d" % (5000 + i), noise[i]) for i in range(200)],
                         [("omg-base", i, "BL  ", "0.1-1", "") for i in range(200)], []))
    assert len(big) > 4096
    common = [
        ("garbage bytes", None, {"garbage_bytes": 3000},
         "not JSON" if backend == "alpm" else "not zlib"),
        ("an HTTP 500", None, {"status": 500}, "HTTP 500"),
        ("a redirect loop", None, {"redirect_loop": True}, "redirects"),
        ("a body over max_size", big, None, "larger than 4.0 KiB"),
    ]
    if backend == "alpm":
        return common + [
            ("JSON that is not an array", b'{"name": "AVG-1"}', None, "not a JSON array"),
            ("wrong types", json.dumps([dict(ARCH_FEED[2], packages="omg-base")]).encode(),
             None, "'packages' is not an array"),
            ("wrong types in issues", json.dumps([dict(ARCH_FEED[2], issues=[1])]).encode(),
             None, "'issues' is not an array"),
            ("truncated JSON", good[: len(good) // 2], None, "not JSON"),
        ]
    text = zlib.decompress(good)
    return common + [
        ("not zlib", text, None, "not zlib"),
        ("a wrong VERSION line", zlib.compress(text.replace(b"VERSION 1", b"VERSION 2", 1)),
         None, "VERSION 2, want VERSION 1"),
        ("truncated zlib", good[: len(good) // 2], None, "truncated"),
        ("a malformed line", zlib.compress(text.replace(b"omg-lib,2,SM?F,", b"omg-lib,x,SM?F,")),
         None, 'index "x" is not a number'),
        ("over max_size once inflated", zlib.compress(text + b"\n" + b"x" * 8000), None,
         "larger than 4096 bytes once inflated"),
    ]


def test_bad_feeds_keep_the_last_good_data(ov, srv, be):
    root, path = be["root"], be["path"]
    assert len(be["body"]) < 4096
    ov.config(max_size="4K")
    good, _ = ov.json("vulns", "--refresh", root=root, check=1)
    t0 = fetched(ov, root)
    next_second(t0)
    for what, body, behaviour, says in bad_feeds(be["backend"], be["body"]):
        if body is not None:
            serve(srv, path, body)
        if behaviour:
            srv.behave(path, **behaviour)
        p = ov("--json", "vulns", "--refresh", root=root, check=None)
        assert p.returncode == 1, (what, p.returncode, p.stdout, p.stderr)
        assert json.loads(p.stdout) == good, what
        warn = [ln for ln in p.stderr.splitlines() if ln]
        assert len(warn) == 1 and warn[0].startswith(
            "omg: warning: refreshing the advisories failed: "), (what, p.stderr)
        assert says in warn[0] and srv.url(path) in warn[0], (what, warn)
        assert fetched(ov, root) == t0, what
        st = status_json(ov, root)
        assert st["vulnerable"] == len(good) and st["vuln_state"] != "missing", (what, st)
        serve(srv, path, be["body"])  # back to good, for the next
    # and a good feed is taken again afterwards
    ov("vulns", "--refresh", root=root, check=1)


def test_a_hanging_server_blocks_nothing(ov, srv, be):
    root, path = be["root"], be["path"]
    ov.config(timeout="9s")  # the low-speed window (a third) must outlast a search
    good, _ = ov.json("vulns", "--refresh", root=root, check=1)
    srv.behave(path, hang=True)
    n = len(srv.requests(path))
    refresh = ov.popen("--json", "vulns", "--refresh", root=root)
    try:
        wait_until(lambda: len(srv.requests(path)) > n, "the hanging request")
        s = ov("--json", "search", "omg", root=root, check=0)
        assert json.loads(s.stdout)
        # answered while the fetch still hangs
        assert refresh.poll() is None, "the refresh ended before the search was answered"
        rows, _ = ov.json("vulns", root=root, check=1)
        assert rows == good
        out, err = refresh.communicate(timeout=60)
    finally:
        if refresh.poll() is None:
            refresh.kill()
            refresh.wait()
    assert refresh.returncode == 1, (out, err)
    assert json.loads(out) == good
    warn = [ln for ln in err.splitlines() if ln]
    assert len(warn) == 1 and "refreshing the advisories failed" in warn[0], err
    assert "slower than" in warn[0] or "timed out" in warn[0], warn


def test_no_data_exits_14(ov, srv, be):
    root = be["root"]
    ov.config(arch_url="http://127.0.0.1:1/all.json", debian_url="http://127.0.0.1:1/deb")
    p = ov("vulns", "--refresh", root=root)
    assert p.returncode == 14, (p.stdout, p.stderr)
    assert "no known vulnerabilities" not in p.stdout + p.stderr
    assert "no advisory data" in p.stderr, p.stderr
    p = ov("vulns", root=root)
    assert p.returncode == 14 and "no known vulnerabilities" not in p.stdout + p.stderr
    p = ov("--json", "vulns", root=root)
    assert p.returncode == 14
    err = json.loads(p.stdout)["error"]
    assert err["code"] == 14 and "no advisory data" in err["message"], err


def test_stale_data_is_shown_flagged_and_exits_14(ov, srv, be):
    """Data the server has not confirmed for longer than max_age (1 s here) is still shown,
    but the command says so and exits 14; the status and the snapshot flag it."""
    root = be["root"]
    ov.config(max_age="1")
    fresh, _ = ov.json("vulns", "--refresh", root=root, check=1)
    # The server fails from now on (and refresh = 0): nothing confirms the data, which ages.
    srv.behave(be["path"], status=500)
    wait_until(lambda: ov("vulns", root=root).returncode == 14, "the data to age past max_age")
    p = ov("vulns", root=root)
    assert "the advisory data is old" in p.stderr, p.stderr
    assert "no known vulnerabilities" not in p.stdout + p.stderr
    assert p.stdout.startswith("NAME"), p.stdout  # the rows are still there
    # --json: the error object, with the rows beside it (docs/cli.md, "Errors in JSON").
    doc, p = ov.json("vulns", root=root)
    assert p.returncode == 14 and doc["error"]["code"] == 14, doc
    assert doc["vulnerabilities"] == fresh
    st = status_json(ov, root)
    assert st["vuln_state"] == "stale" and st["vulnerable"] == len(fresh), st


def test_refresh_0_fetches_only_when_asked(ov, srv, be):
    root, path = be["root"], be["path"]
    ov("status", root=root, check=0)  # the engine runs
    p = ov("vulns", root=root)
    assert p.returncode == 14, p.stderr
    assert srv.requests(path) == []
    ov("vulns", "--refresh", root=root, check=1)
    assert len(srv.requests(path)) == 1


def test_refresh_at_start_when_due(ov, srv, be):
    root, path = be["root"], be["path"]
    ov.config(refresh="6h")
    ov("status", root=root, check=0)
    wait_until(lambda: srv.requests(path), "the engine's own fetch at start")
    wait_until(lambda: ov("vulns", root=root).returncode == 1, "the rows of the fetched feed")


def test_status_snapshot_and_lists(ov, srv, be):
    root = be["root"]
    rows, _ = ov.json("vulns", "--refresh", root=root, check=1)
    sev = {"alpm": "critical", "apt": "high"}[be["backend"]]
    st = status_json(ov, root)
    assert st["vulnerable"] == len(rows) and st["vuln_severity"] == sev, st
    assert st["vuln_state"] == "fresh" or st["vuln_state"], st
    text = ov("status", root=root, check=0).stdout
    assert str(len(rows)) in text and sev in text, text
    vul, _ = ov.json("list", "--vulnerable", root=root, check=None)
    assert [r["name"] for r in vul] == [r["name"] for r in rows], vul
    # the upgrade of omg-editor (1.1-1) fixes its advisories on both backends: on alpm
    # the highest fix is 1.1-1, on apt 1.0-2
    up, _ = ov.json("list", "--upgradable", root=root, check=None)
    fixes = {r["name"]: r.get("fixes_advisory") for r in up}
    assert fixes.get("omg-editor") is True, up
    text = ov("list", "--upgradable", root=root, check=None).stdout
    line = [ln for ln in text.splitlines() if " omg-editor " in ln]
    assert line and re.search(r"-> 1\.1-1\s+!", line[0]), text

    def snap():
        p = subprocess.run([str(OMG_FAST), "--root", str(root), "--json"], capture_output=True,
                           text=True, env=dict(ov_env(ov)), timeout=30)
        if p.returncode != 0:
            return None
        j = json.loads(p.stdout)
        return j if j.get("vulnerable") == len(rows) else None
    j = wait_until(snap, "omg-fast showing the vulnerable count")
    assert j["vuln_severity"] == sev and j["vulns_stale"] is False, j
    p = subprocess.run([str(OMG_FAST), "--root", str(root), "--prometheus"], capture_output=True,
                       text=True, env=dict(ov_env(ov)), timeout=30)
    assert re.search(r'^omg_vulnerable_packages\{[^}]*severity="%s"\} %d$' % (sev, len(rows)),
                     p.stdout, re.M), p.stdout
    assert re.search(r'^omg_advisories_timestamp_seconds\{[^}]*\} %d$' % st["vulns_fetched"],
                     p.stdout, re.M), p.stdout
    p = subprocess.run([str(OMG_FAST), "--root", str(root), "--format", "{vulnerable} {severity}"],
                       capture_output=True, text=True, env=dict(ov_env(ov)), timeout=30)
    assert p.stdout.strip() == "%d %s" % (len(rows), sev), p.stdout


def ov_env(o):
    return o._env


def test_no_daemon_is_the_same(ov, srv, be):
    root = be["root"]
    direct, p = ov.json("--no-daemon", "vulns", "--refresh", root=root, check=1)
    via, _ = ov.json("vulns", "--refresh", root=root, check=1)
    assert direct == via and direct, (direct, via)


def test_sbom_carries_the_advisories(ov, srv, be):
    """omg sbom with advisory data: still valid against the official CycloneDX 1.5 schema,
    and every affecting advisory of every vulnerable row is a vulnerability that affects
    that package's component."""
    from test_sbom import assert_valid, validator
    root = be["root"]
    rows, _ = ov.json("vulns", "--refresh", root=root, check=1)
    doc = json.loads(ov("sbom", root=root, check=0).stdout)
    assert_valid(validator(), doc)
    refs = {c["name"]: c["bom-ref"] for c in doc["components"]}
    affects = {}
    for v in doc["vulnerabilities"]:
        for a in v["affects"]:
            affects.setdefault(a["ref"], set()).add(v["id"])
    for r in rows:
        got = affects.get(refs[r["name"]], set())
        assert got and got <= set(r["ids"]), (r, got)
