# SPDX-License-Identifier: MIT
"""The loopback server the feed tests stand on (tests/fixtures/httpd.py), used as a module:
its validators and 304s, its request log and a behaviour changed between two requests. The C
unit test test_net drives the same server as a program."""
import gzip
import hashlib
import urllib.error
import urllib.request

import pytest
from httpd import LoopbackHTTP


def _get(url, headers=None):
    """(status, headers, body) of one GET; HTTP errors are answers too."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def test_conditional_get_and_log(tmp_path):
    www = tmp_path / "www"
    www.mkdir()
    (www / "all.json").write_bytes(b"[]")
    with LoopbackHTTP(www) as srv:
        status, h, body = _get(srv.url("/all.json"))
        assert (status, body) == (200, b"[]")
        assert h["ETag"] == '"%s"' % hashlib.sha256(b"[]").hexdigest()
        status, _, body = _get(srv.url("/all.json"), {"If-None-Match": h["ETag"]})
        assert (status, body) == (304, b"")
        status, _, _ = _get(srv.url("/all.json"), {"If-Modified-Since": h["Last-Modified"]})
        assert status == 304
        log = srv.requests("/all.json")
        assert [r["status"] for r in log] == [200, 304, 304]
        assert log[0]["if_none_match"] is None
        assert log[1]["if_none_match"] == h["ETag"]
        assert log[2]["if_modified_since"] == h["Last-Modified"]


def test_behaviour_changes_between_requests(tmp_path):
    www = tmp_path / "www"
    www.mkdir()
    (www / "feed").write_bytes(b"x" * 1000)
    with LoopbackHTTP(www) as srv:
        srv.behave("/feed", status=503)
        assert _get(srv.url("/feed"))[0] == 503
        srv.behave("/feed", gzip=True)
        status, h, body = _get(srv.url("/feed"), {"Accept-Encoding": "gzip"})
        assert status == 200 and h["Content-Encoding"] == "gzip"
        assert gzip.decompress(body) == b"x" * 1000
        srv.behave("/feed")
        assert _get(srv.url("/feed"))[2] == b"x" * 1000
        assert [r["status"] for r in srv.requests("/feed")] == [503, 200, 200]
        assert [r["encoding"] for r in srv.requests("/feed")] == [None, "gzip", None]


def test_missing_and_outside_root(tmp_path):
    www = tmp_path / "www"
    www.mkdir()
    (tmp_path / "secret").write_text("no")
    with LoopbackHTTP(www) as srv:
        assert _get(srv.url("/nothing"))[0] == 404
        assert _get(srv.url("/%2e%2e/secret"))[0] == 404


@pytest.mark.parametrize("behaviour", [{"redirect_loop": True}, {"hang": True}])
def test_hostile_paths_fail_fast_for_a_client(tmp_path, behaviour):
    www = tmp_path / "www"
    www.mkdir()
    with LoopbackHTTP(www) as srv:
        srv.behave("/x", **behaviour)
        with pytest.raises((urllib.error.URLError, TimeoutError, OSError)):
            urllib.request.urlopen(srv.url("/x"), timeout=0.5)
        assert srv.requests("/x")
