# SPDX-License-Identifier: MIT
"""The loopback AUR the AUR tests stand on (tests/fixtures/aurd.py): that it speaks aurweb's RPC
v5 (search fields and semantics, errors, info's arg[] collection), serves snapshots laid out as
cgit does, misbehaves on request, and that the PKGBUILDs it writes really build with makepkg.
The C unit test test_aur_rpc drives the same server as a program."""
import gzip
import io
import json
import os
import pwd
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from aurd import SEARCH_FIELDS, LoopbackAUR

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


def _get(url, timeout=5):
    """(status, headers, body) of one GET; HTTP errors are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def _rpc(aur, path):
    """(status, document) of an RPC GET; the document's keys must come sorted, as orjson's."""
    status, headers, body = _get(aur.url + path)
    assert headers["Content-Type"] == "application/json"

    def sorted_pairs(pairs):
        keys = [k for k, _ in pairs]
        assert keys == sorted(keys), keys
        return dict(pairs)

    return status, json.loads(body, object_pairs_hook=sorted_pairs)


def _names(doc):
    assert doc["type"] == "search", doc
    assert doc["version"] == 5
    assert doc["resultcount"] == len(doc["results"])
    return [r["Name"] for r in doc["results"]]


def _error(doc):
    assert doc["type"] == "error" and doc["version"] == 5, doc
    assert doc["resultcount"] == 0 and doc["results"] == []
    return doc["error"]


@pytest.fixture
def aur(tmp_path):
    with LoopbackAUR(tmp_path / "aur") as a:
        a.add("zapp", Name="zapp-bin", Version="1:1.4.2-3", Description="Tiny example tool",
              Maintainer="alice", Submitter="bob", Depends=["glibc", "openssl>=3"],
              MakeDepends=["cargo"], CheckDepends=["python-pytest"], OptDepends=["git"],
              Provides=["zapp=1.4.2"], Conflicts=["zapp-git"], Replaces=["zapp-old"],
              Groups=["tools"], Keywords=["cli", "Example"], CoMaintainers=["carol"])
        a.add("zapp", Name="zapp-doc", Description="Docs for ZAPP", Maintainer="alice")
        a.add("lonely", Maintainer=None, OutOfDate=1650000000, Description=None)
        a.add("opener", Depends=["openssl-compat"], OptDepends=["zapp-bin>=1"])
        a.add("libc++", Version="17.0.6-1", Description="LLVM C++ library")
        yield a


def test_search_fields_and_semantics(aur):
    status, doc = _rpc(aur, "/rpc/v5/search/zapp?by=name")
    assert status == 200
    assert _names(doc) == ["zapp-bin", "zapp-doc"]
    # Search results carry the search fields and nothing else (no lists, no Submitter).
    for r in doc["results"]:
        assert set(r) == set(SEARCH_FIELDS)
    z = doc["results"][0]
    assert (z["PackageBase"], z["Version"], z["Maintainer"]) == ("zapp", "1:1.4.2-3", "alice")
    assert z["URLPath"] == "/cgit/aur.git/snapshot/zapp.tar.gz"
    assert z["PackageBaseID"] == doc["results"][1]["PackageBaseID"]  # one base
    assert z["ID"] != doc["results"][1]["ID"]
    assert isinstance(z["Popularity"], float) and z["OutOfDate"] is None

    def found(by, arg):
        q = urllib.parse.quote(arg, safe="")
        return _names(_rpc(aur, f"/rpc/v5/search/{q}?by={by}")[1])

    # name-desc (the default): a case-insensitive substring of the name or description.
    assert _names(_rpc(aur, "/rpc/v5/search/TINY%20example")[1]) == ["zapp-bin"]
    assert found("name-desc", "docs for") == ["zapp-doc"]
    assert found("name-desc", "ZAPP") == ["zapp-bin", "zapp-doc"]
    assert found("name", "tiny") == []
    assert found("name", "C++") == ["libc++"]
    # maintainer and submitter: exact; "" lists the orphans (query form: no empty segment).
    assert found("maintainer", "alice") == ["zapp-bin", "zapp-doc"]
    assert found("maintainer", "alic") == []
    assert _names(_rpc(aur, "/rpc/v5/search?arg=&by=maintainer")[1]) == ["lonely"]
    assert found("submitter", "bob") == ["zapp-bin"]
    # Dependency fields: a dependency whose name is arg, not a substring of one.
    assert found("depends", "openssl") == ["zapp-bin"]
    assert found("depends", "openssl-compat") == ["opener"]
    assert found("depends", "open") == []
    assert found("makedepends", "cargo") == ["zapp-bin"]
    assert found("checkdepends", "python-pytest") == ["zapp-bin"]
    assert found("optdepends", "zapp-bin") == ["opener"]
    assert found("optdepends", "git") == ["zapp-bin"]
    # provides: a provision's name, and the package's own name.
    assert found("provides", "zapp") == ["zapp-bin"]
    assert found("provides", "zapp-doc") == ["zapp-doc"]
    assert found("conflicts", "zapp-git") == ["zapp-bin"]
    assert found("replaces", "zapp-old") == ["zapp-bin"]
    assert found("groups", "tools") == ["zapp-bin"]
    assert found("keywords", "cli example") == ["zapp-bin"]
    assert found("keywords", "cli missing") == []
    assert found("comaintainers", "carol") == ["zapp-bin"]
    # The query form means the same.
    assert _names(_rpc(aur, "/rpc/v5/search?arg=zapp&by=provides")[1]) == ["zapp-bin"]
    # Orphans and nulls as aurweb sends them.
    lonely = _rpc(aur, "/rpc/v5/search/lonely?by=name")[1]["results"][0]
    assert lonely["Maintainer"] is None and lonely["Description"] is None
    assert lonely["OutOfDate"] == 1650000000


def test_search_errors(aur):
    def err(path):
        status, doc = _rpc(aur, path)
        assert status == 200  # validation errors are HTTP 200
        return _error(doc)

    assert err("/rpc/v5/search/zapp?by=popularity") == "Incorrect by field specified."
    assert err("/rpc/v5/search/zapp?by=") == "Incorrect by field specified."
    assert err("/rpc/v5/search/z?by=name") == "Query arg too small."
    assert err("/rpc/v5/search?arg=&by=name-desc") == "Query arg too small."
    assert err("/rpc/v5/search/%C3%A9") == "Query arg too small."  # one character
    assert _names(_rpc(aur, "/rpc/v5/search/x?by=maintainer")[1]) == []
    # The result cap.
    for i in range(4):
        aur.add(f"many-{i}")
    aur.max_results = 3
    assert err("/rpc/v5/search/many?by=name") == "Too many package results."
    assert err("/rpc/v5/info?arg[]=many-0&arg[]=many-1&arg[]=many-2&arg[]=many-3") == (
        "Too many package results.")
    aur.max_results = 4
    assert len(_names(_rpc(aur, "/rpc/v5/search/many?by=name")[1])) == 4
    # A '/' in a path segment is no route (aurweb decodes before routing).
    assert _get(aur.url + "/rpc/v5/search/a%2Fb?by=name")[0] == 404
    assert _get(aur.url + "/rpc/v5/nothing")[0] == 404


def test_info(aur):
    status, doc = _rpc(aur, "/rpc/v5/info?arg[]=lonely&arg[]=zapp-bin&arg[]=nope&arg[]=zapp-bin")
    assert status == 200
    assert doc["type"] == "multiinfo" and doc["version"] == 5
    assert doc["resultcount"] == 2
    # Each package once, in the AUR's own order, unknown names absent.
    assert [r["Name"] for r in doc["results"]] == ["zapp-bin", "lonely"]
    z, lonely = doc["results"]
    assert z["Depends"] == ["glibc", "openssl>=3"]
    assert z["MakeDepends"] == ["cargo"] and z["CheckDepends"] == ["python-pytest"]
    assert z["OptDepends"] == ["git"] and z["Provides"] == ["zapp=1.4.2"]
    assert z["Conflicts"] == ["zapp-git"] and z["Replaces"] == ["zapp-old"]
    assert z["Groups"] == ["tools"] and z["CoMaintainers"] == ["carol"]
    assert z["Submitter"] == "bob" and z["Keywords"] == ["cli", "Example"]
    # Lists only when non-empty; License, Keywords, PendingRequests, Submitter always.
    for k in ("Depends", "MakeDepends", "CheckDepends", "OptDepends", "Conflicts", "Provides",
              "Replaces", "Groups", "CoMaintainers"):
        assert k not in lonely
    assert lonely["License"] == ["MIT"] and lonely["Keywords"] == []
    assert lonely["PendingRequests"] == 0 and lonely["Submitter"] == "tester"
    assert set(SEARCH_FIELDS) <= set(lonely)
    # /info/{name}, "arg" as well as "arg[]", and names with '+' (sent as %2B).
    assert [r["Name"] for r in _rpc(aur, "/rpc/v5/info/libc++")[1]["results"]] == ["libc++"]
    assert [r["Name"] for r in _rpc(aur, "/rpc/v5/info?arg=libc%2B%2B")[1]["results"]] == [
        "libc++"]
    assert _rpc(aur, "/rpc/v5/info?arg[]=libc++")[1]["results"] == []  # '+' is a blank
    assert _rpc(aur, "/rpc/v5/info")[1]["resultcount"] == 0
    # Every request is in the log, with its arguments.
    log = aur.requests("/rpc/v5/info")
    assert log[0]["method"] == "GET" and log[0]["status"] == 200
    assert log[0]["args"]["arg[]"] == ["lonely", "zapp-bin", "nope", "zapp-bin"]
    assert log[0]["query"].startswith("arg[]=lonely&")
    # add() of a name that exists is an update: same ID, new version.
    before = aur.records()
    aur.add("zapp", Name="zapp-bin", Version="1:1.5-1")
    after = _rpc(aur, "/rpc/v5/info/zapp-bin")[1]["results"][0]
    assert after["Version"] == "1:1.5-1" and after["ID"] == before[0]["ID"]
    aur.remove("zapp-bin")
    assert _rpc(aur, "/rpc/v5/info/zapp-bin")[1]["results"] == []


def test_behaviours(aur):
    assert _get(aur.url + "/rpc/v5/info?arg[]=x")[0] == 200
    aur.behave("/rpc/v5/info", status=429)
    status, _, body = _get(aur.url + "/rpc/v5/info?arg[]=x")
    assert status == 429
    assert _error(json.loads(body)) == "Rate limit reached"
    aur.behave("/rpc/v5/info", status=400, error="Incorrect request type specified.")
    status, _, body = _get(aur.url + "/rpc/v5/info?arg[]=x")
    assert (status, _error(json.loads(body))) == (400, "Incorrect request type specified.")
    aur.behave("/rpc/v5/info", error="Too many package results.")
    status, _, body = _get(aur.url + "/rpc/v5/info?arg[]=x")
    assert (status, _error(json.loads(body))) == (200, "Too many package results.")
    aur.behave("/rpc/v5/info", body='{"not": "rpc"}')
    assert _get(aur.url + "/rpc/v5/info")[2] == b'{"not": "rpc"}'
    # A prefix key, and "after": the first request is served, the rest get the behaviour.
    aur.behave("/rpc/v5/info")
    aur.behave("/rpc/v5/search/*", after=1, status=503)
    assert _get(aur.url + "/rpc/v5/search/zapp?by=name")[0] == 200
    assert _get(aur.url + "/rpc/v5/search/libc?by=name")[0] == 503
    assert _get(aur.url + "/rpc/v5/search/zapp?by=name")[0] == 503
    assert _get(aur.url + "/rpc/v5/info/zapp-bin")[0] == 200
    aur.behave("/rpc/v5/search/*", huge_results=2000)
    _, doc = _rpc(aur, "/rpc/v5/search/zapp?by=name")
    assert doc["resultcount"] == 2000 and len(doc["results"]) == 2000
    aur.behave("/rpc/v5/search/*", garbage_bytes=5000)
    _, _, body = _get(aur.url + "/rpc/v5/search/zapp?by=name")
    assert len(body) == 5000
    with pytest.raises(ValueError):  # not UTF-8, or not JSON
        json.loads(body)
    aur.behave("/rpc/v5/search/*", hang=True)
    t0 = time.monotonic()
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        _get(aur.url + "/rpc/v5/search/zapp?by=name", timeout=1)
    assert time.monotonic() - t0 < 5
    statuses = [r["status"] for r in aur.requests() if r["path"].startswith("/rpc/v5/search/")]
    assert statuses == [200, 503, 503, 200, 200, None]


def _members(data):
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(data))) as t:
        return {m.name: m for m in t.getmembers()}, t


def test_snapshot_layout(aur, tmp_path):
    recs = aur.add_pkgbuild("hello", "2.0", pkgrel="3", epoch=1, depends=["zapp>=1"],
                            files={"hello.txt": "hi\n", "notes.md": b"n\n"})
    assert [r["Version"] for r in recs] == ["1:2.0-3"]
    status, headers, data = _get(aur.url + "/cgit/aur.git/snapshot/hello.tar.gz")
    assert status == 200 and headers["Content-Type"] == "application/x-gzip"
    assert data[:2] == b"\x1f\x8b"
    raw = gzip.decompress(data)
    with tarfile.open(fileobj=io.BytesIO(raw)) as t:
        names = t.getnames()
        # cgit's layout: the top directory first, every member under it.
        assert names[0] == "hello" and t.getmember("hello").isdir()
        assert sorted(names[1:]) == ["hello/.SRCINFO", "hello/PKGBUILD", "hello/hello.txt",
                                     "hello/notes.md"]
        for m in t.getmembers():
            assert (m.uid, m.gid) == (0, 0)
            assert m.mode == (0o755 if m.isdir() else 0o644)
        assert t.extractfile("hello/hello.txt").read() == b"hi\n"
        pkgbuild = t.extractfile("hello/PKGBUILD").read().decode()
    assert "pkgname=hello\n" in pkgbuild and "epoch=1\n" in pkgbuild
    assert "depends=('zapp>=1')\n" in pkgbuild
    assert aur.records()[-1]["Depends"] == ["zapp>=1"]
    # A snapshot from a directory of one's own: subdirectories, modes and symlinks kept.
    src = tmp_path / "mine"
    (src / "sub").mkdir(parents=True)
    (src / "PKGBUILD").write_text("pkgname=mine\n")
    (src / "run.sh").write_text("#!/bin/sh\n")
    (src / "run.sh").chmod(0o755)
    (src / "sub" / "f").write_text("f")
    os.symlink("sub/f", src / "link")
    aur.add("mine", pkgbuild_dir=src)
    status, _, data = _get(aur.url + "/cgit/aur.git/snapshot/mine.tar.gz")
    members, _ = _members(data)
    assert sorted(members) == ["mine", "mine/PKGBUILD", "mine/link", "mine/run.sh", "mine/sub",
                               "mine/sub/f"]
    assert members["mine/run.sh"].mode == 0o755
    assert members["mine/link"].issym() and members["mine/link"].linkname == "sub/f"
    # A base with no snapshot, and a path that is no base.
    assert _get(aur.url + "/cgit/aur.git/snapshot/nobase.tar.gz")[0] == 404
    assert _get(aur.url + "/cgit/aur.git/snapshot/..%2Fpackages.json.tar.gz")[0] == 404
    assert _get(aur.url + "/packages.json")[0] == 404  # the data is not served as files


def test_hostile_snapshots(aur):
    aur.snapshot_tar("evil", [
        {"name": "evil/", "dir": True},
        {"name": "evil/PKGBUILD", "data": "pkgname=evil\n"},
        {"name": "/etc/evil", "data": "x"},
        {"name": "evil/../../escape", "data": "x"},
        {"name": "other/file", "data": "x"},
        {"name": "evil/link", "symlink": "/etc/passwd"},
        {"name": "evil/up", "symlink": "../../.."},
        {"name": "evil/hard", "hardlink": "evil/PKGBUILD"},
        {"name": "evil/null", "device": "chr", "major": 1, "minor": 3},
        {"name": "evil/disk", "device": "blk", "major": 8, "minor": 0},
        {"name": "evil/fifo", "fifo": True},
        {"name": "evil/setuid", "data": "x", "mode": 0o4755},
        {"name": "evil/big", "size": 100 << 20},
    ])
    status, _, data = _get(aur.url + "/cgit/aur.git/snapshot/evil.tar.gz")
    assert status == 200
    assert len(data) < (1 << 20)  # 100 MiB of zeros, compressed
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(data))) as t:
        m = {x.name: x for x in t.getmembers()}
        assert t.getnames()[0] == "evil"
    assert m["/etc/evil"].isfile()
    assert "evil/../../escape" in m and "other/file" in m
    assert m["evil/link"].issym() and m["evil/link"].linkname == "/etc/passwd"
    assert m["evil/up"].linkname == "../../.."
    assert m["evil/hard"].islnk() and m["evil/hard"].linkname == "evil/PKGBUILD"
    assert m["evil/null"].ischr() and (m["evil/null"].devmajor, m["evil/null"].devminor) == (1, 3)
    assert m["evil/disk"].isblk() and m["evil/fifo"].isfifo()
    assert m["evil/setuid"].mode == 0o4755
    assert m["evil/big"].size == 100 << 20
    # Raw bytes as they are (a damaged archive), and an uncompressed tar.
    aur.snapshot_tar("cut", raw=data[:100])
    assert _get(aur.url + "/cgit/aur.git/snapshot/cut.tar.gz")[2] == data[:100]
    aur.snapshot_tar("plain", [{"name": "plain/PKGBUILD", "data": "x"}], compress=False)
    body = _get(aur.url + "/cgit/aur.git/snapshot/plain.tar.gz")[2]
    assert body[257:262] == b"ustar"


def _as_build_user():
    """The argv prefix that runs a command as an unprivileged user (makepkg refuses root),
    and that user's uid and gid."""
    if os.geteuid() != 0:
        return [], os.getuid(), os.getgid()
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.fail("running as root and setpriv (util-linux) is missing: makepkg refuses root")
    nobody = pwd.getpwnam("nobody")
    return [setpriv, "--reuid=nobody", "--regid=%d" % nobody.pw_gid, "--clear-groups"], \
        nobody.pw_uid, nobody.pw_gid


def _run(argv, cwd, env):
    p = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, (argv, p.returncode, p.stdout[-3000:], p.stderr[-3000:])
    return p.stdout


def _pkginfo(path):
    """The .PKGINFO of a built package as (key, value) pairs (bsdtar reads every format)."""
    text = subprocess.run(["bsdtar", "-xOf", path, ".PKGINFO"], capture_output=True, text=True,
                          check=True).stdout
    return [tuple(line.split(" = ", 1)) for line in text.splitlines()
            if line and not line.startswith("#")]


def test_generated_pkgbuilds_build_with_makepkg(aur):
    for tool in ("makepkg", "bsdtar"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is not installed: the generated PKGBUILDs cannot be built "
                        "(scripts/deps.sh installs pacman-package-manager and libarchive-tools)")
    aur.add_pkgbuild("hello", "2.0", pkgrel="3", epoch=1, depends=["zapp>=1", "glibc"],
                     makedepends=["cargo"], checkdepends=["python-pytest"],
                     optdepends=["git: for vcs"], provides=["hi=2.0"], conflicts=["hey"])
    aur.add_pkgbuild("pair", "0.5", pkgname=["pair-lib", "pair-doc"], depends=["glibc"],
                     split={"pair-doc": {"depends": [], "pkgdesc": "pair documentation"}},
                     files={"a.txt": "a\n", "b.txt": "b\n"})
    prefix, uid, gid = _as_build_user()
    # A directory the build user can reach (pytest's tmp_path is root's, 0700).
    top = tempfile.mkdtemp(prefix="omg-aurd-build-")
    try:
        os.chmod(top, 0o755)
        for base in ("hello", "pair"):
            # The snapshot as served, unpacked: what a client would build.
            status, _, data = _get(aur.url + f"/cgit/aur.git/snapshot/{base}.tar.gz")
            assert status == 200
            with tarfile.open(fileobj=io.BytesIO(data)) as t:
                t.extractall(top)  # our own archive
            d = os.path.join(top, base)
            for dirpath, dirnames, filenames in os.walk(d):
                for n in [dirpath] + [os.path.join(dirpath, f) for f in filenames]:
                    os.lchown(n, uid, gid)
            env = {"PATH": "/usr/bin:/bin", "HOME": d, "LANG": "C.UTF-8", "PKGDEST": d,
                   "SRCDEST": d, "BUILDDIR": d}
            # Our .SRCINFO is makepkg's, to the byte.
            srcinfo = _run(prefix + ["makepkg", "--printsrcinfo"], d, env)
            with open(os.path.join(d, ".SRCINFO")) as f:
                assert f.read() == srcinfo
            _run(prefix + ["makepkg", "--noconfirm", "--noprogressbar", "--nodeps"], d, env)
            built = _run(prefix + ["makepkg", "--packagelist"], d, env).split()
            assert built and all(os.path.exists(p) for p in built), built
            records = {r["Name"]: r for r in aur.records() if r["PackageBase"] == base}
            assert sorted(os.path.basename(p).rsplit("-", 3)[0] for p in built) == \
                sorted(records)
            for path in built:
                info = _pkginfo(path)
                kv = dict(info)
                rec = records[kv["pkgname"]]
                # What the RPC says is what makepkg built.
                assert kv["pkgver"] == rec["Version"]
                assert kv["pkgbase"] == base and kv["arch"] == "any"
                assert kv["pkgdesc"] == rec["Description"]
                assert [v for k, v in info if k == "depend"] == rec["Depends"]
                assert [v for k, v in info if k == "makedepend"] == rec["MakeDepends"]
                assert [v for k, v in info if k == "checkdepend"] == rec["CheckDepends"]
                assert [v for k, v in info if k == "provides"] == rec["Provides"]
                assert [v for k, v in info if k == "conflict"] == rec["Conflicts"]
                assert [v.split(": ")[0] for k, v in info if k == "optdepend"] == \
                    rec["OptDepends"]
                files = subprocess.run(["bsdtar", "-tf", path], capture_output=True, text=True,
                                       check=True).stdout.split()
                src = ["hello.txt"] if base == "hello" else ["a.txt", "b.txt"]
                for s in src:
                    assert f"usr/share/{kv['pkgname']}/{s}" in files
    finally:
        shutil.rmtree(top)


def test_program(tmp_path):
    """As the C tests start it: a directory of packages.json, a log, the port first."""
    www = tmp_path / "www"
    (www / "snapshots").mkdir(parents=True)
    (www / "packages.json").write_text(json.dumps([{"Name": "one"}, {"Name": "two",
                                                    "PackageBase": "one", "NumVotes": "x"}]))
    (www / "snapshots" / "one.tar.gz").write_bytes(b"tarball")
    log = tmp_path / "log"
    p = subprocess.Popen(["/usr/bin/python3", os.path.join(FIXTURES, "aurd.py"), "--lifetime",
                          "60", "--max-results", "1", str(www), str(log)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        port = int(p.stdout.readline())
        url = f"http://127.0.0.1:{port}"
        status, _, body = _get(url + "/rpc/v5/info?arg[]=one")
        doc = json.loads(body)
        assert doc["results"][0]["Name"] == "one"
        assert doc["results"][0]["PackageBaseID"] == 1 and doc["results"][0]["ID"] == 1
        # Served as written, wrong types included (for the client's tests).
        doc = json.loads(_get(url + "/rpc/v5/info/two")[2])
        assert doc["results"][0]["NumVotes"] == "x"
        assert doc["results"][0]["PackageBaseID"] == 1
        assert json.loads(_get(url + "/rpc/v5/search/o?by=maintainer")[2])["resultcount"] == 0
        assert _error(json.loads(_get(url + "/rpc/v5/search/tester?by=maintainer")[2])) == \
            "Too many package results."
        assert _get(url + "/cgit/aur.git/snapshot/one.tar.gz")[2] == b"tarball"
        with open(log) as f:
            recs = [json.loads(line) for line in f]
        assert [r["path"] for r in recs][:2] == ["/rpc/v5/info", "/rpc/v5/info/two"]
        assert recs[0]["args"] == {"arg[]": ["one"]}
    finally:
        p.stdin.close()  # the server stops when its stdin closes
        assert p.wait(timeout=10) == 0  # stopped by the pipe's end, not killed
