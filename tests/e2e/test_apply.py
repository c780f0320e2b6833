# SPDX-License-Identifier: MIT
"""The apply transaction (plan kind 5): a set of marks, "+install", "-remove", "_purge" and
"=keep", committed as one transaction, the way the UI commits aptitude-style marks. Driven
over the raw protocol (wire.py) on fresh sandboxes of both backends, and checked with the
backends' own tools (pacman -Q, dpkg -l) and the engine's history and audit log."""
import json
import os
import struct
import subprocess

from conftest import arch, debian
from test_apt_trans_backend import TRANS_RUN, Run, dpkg_l
from test_trans import backend_check, db_state, fresh, installed, raw_client  # noqa: F401
from wire import (MSG_COMMIT, MSG_ERROR, MSG_EVENT_TRANS, MSG_PLAN, MSG_PLAN_REPLY,
                  MSG_TRANS_RESULT, VERSION, decode, frame, plan_body, read_msg)

TRANS_UPGRADE, TRANS_APPLY = 4, 5
ERR_USAGE, ERR_TRANS = 4, 9
CONF = "/etc/omg-orphan.conf"  # omg-orphan's configuration file (spec.py)


def plan(s, targets, kind=TRANS_APPLY, command=None):
    """Sends a plan; returns (type, decoded reply, the events that came before it)."""
    command = command or "omg apply " + " ".join(targets)
    s.sendall(frame(VERSION, MSG_PLAN, 5, plan_body(kind, 0, targets, command)))
    events = []
    while True:
        hdr, body = read_msg(s)
        if hdr[1] != MSG_EVENT_TRANS:
            return hdr[1], decode(hdr[1], body), events
        events.append(decode(hdr[1], body))


def commit(s, plan_id):
    """Commits a plan; returns the trans-result."""
    s.sendall(frame(VERSION, MSG_COMMIT, 6, struct.pack("<Q", plan_id)))
    while True:
        hdr, body = read_msg(s)
        if hdr[1] == MSG_TRANS_RESULT:
            return decode(hdr[1], body)
        assert hdr[1] == MSG_EVENT_TRANS, hex(hdr[1])


def apply(env, sb, targets):
    """Plans and commits an apply on a new connection; returns (plan reply, planning
    events, result)."""
    s = raw_client(env, sb["root"])
    try:
        type_, reply, events = plan(s, targets)
        assert type_ == MSG_PLAN_REPLY, reply
        assert reply["kind"] == TRANS_APPLY
        result = commit(s, reply["plan"])
    finally:
        s.close()
    return reply, events, result


def by_name(items):
    return {i["name"]: i for i in items}


def history(env, sb):
    return json.loads(env("--json", "history", root=sb["root"], check=0).stdout)


def publish(sb, name, version):
    """A newer version of name on the sandbox's mirror (the engine sees it after a sync)."""
    (arch if sb["backend"] == "alpm" else debian).publish(sb, name, version)


def test_install_and_remove_in_one_transaction(env, fresh):
    root = fresh["root"]
    with open(root + CONF, "a") as f:
        f.write("mine = 1\n")  # a modified configuration file
    reply, _, result = apply(env, fresh, ["+omg-spell", "-omg-orphan", "+omg-base"])
    items = by_name(reply["items"])
    # omg-base is installed and up to date: left alone, as install leaves it
    assert set(items) == {"omg-spell", "omg-orphan"}, reply
    assert (items["omg-spell"]["action"], items["omg-spell"]["new_version"]) == \
        ("install", "3.2-1")
    assert items["omg-spell"]["size_change"] > 0
    assert (items["omg-orphan"]["action"], items["omg-orphan"]["old_version"]) == \
        ("remove", "0.5-1")
    assert items["omg-orphan"]["size_change"] < 0
    assert result["status"] == 0 and result["changes"] == 2, result
    assert result["kind"] == TRANS_APPLY
    got = installed(fresh)
    assert got["omg-spell"] == "3.2-1" and "omg-orphan" not in got
    assert got["omg-base"] == "1.0-1"
    if fresh["backend"] == "alpm":
        # a removal keeps the modified file as .pacsave, and says so
        assert os.path.exists(root + CONF + ".pacsave") and not os.path.exists(root + CONF)
        assert any(".pacsave" in n for n in result["notes"]), result
    else:
        # a removal is not a purge: dpkg keeps the conffile (state rc)
        assert dpkg_l(root)["omg-orphan"][0] == "rc"
        assert "mine = 1" in open(root + CONF).read()
    backend_check(fresh)
    hist = history(env, fresh)
    assert len(hist) == 1, hist
    assert hist[0]["kind"] == "apply" and hist[0]["result"] == "ok" and hist[0]["changes"] == 2
    assert hist[0]["command"] == "omg apply +omg-spell -omg-orphan +omg-base"
    log = json.loads(env("--json", "audit", "log", root=root, check=0).stdout)
    assert [e["event"] for e in log] == ["begin", "commit"]
    assert "install omg-spell" in log[1]["detail"] and "remove omg-orphan" in log[1]["detail"]
    # the engine's index followed
    info = json.loads(env("--json", "info", "omg-spell", "omg-orphan", root=root,
                          check=0).stdout)
    assert [i["installed"] for i in info] == [True, False]


def test_upgrade_one_keep_another(env, fresh):
    root = fresh["root"]
    publish(fresh, "omg-base", "1.1")
    env("sync", root=root, check=0)
    # omg-editor and omg-base are both upgradable now
    reply, _, result = apply(env, fresh, ["+omg-editor", "=omg-base"])
    assert [(i["name"], i["action"], i["old_version"], i["new_version"])
            for i in reply["items"]] == [("omg-editor", "upgrade", "1.0-1", "1.1-1")], reply
    assert result["status"] == 0, result
    got = installed(fresh)
    assert got["omg-editor"] == "1.1-1" and got["omg-base"] == "1.0-1"
    backend_check(fresh)
    # the keep was for that transaction only: a plain upgrade plan has omg-base again
    s = raw_client(env, root)
    try:
        type_, reply, _ = plan(s, [], kind=TRANS_UPGRADE, command="omg upgrade")
        assert type_ == MSG_PLAN_REPLY, reply
        assert [(i["name"], i["new_version"]) for i in reply["items"]] == \
            [("omg-base", "1.1-1")], reply
    finally:
        s.close()  # never committed: dropped
    assert [h["kind"] for h in history(env, fresh)] == ["apply", "sync"]


def test_keep_does_not_outlive_its_transaction_on_one_backend_instance(fresh):
    """The engine opens the backend per transaction; trans-run plans on one instance, as a
    longer-lived user of the backend interface would: alpm's IgnorePkg for the kept
    package is taken back when the apply is released."""
    assert os.path.exists(TRANS_RUN), "build the tool first: make tools (%s)" % TRANS_RUN
    argv = [TRANS_RUN, "--backend", fresh["backend"], "--root", fresh["root"],
            "apply", "=omg-editor", "--then", "upgrade"]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=120,
                       env={k: v for k, v in os.environ.items() if k != "APT_CONFIG"})
    r = Run(argv, p)
    assert r.rc == 0, r
    first, then, second = r.out.partition("THEN upgrade\n")
    assert then, r
    assert "ITEM" not in first, r  # keeping is no change
    assert "ITEM upgrade omg-editor 1.0-1 1.1-1" in second, r


def test_purge(env, fresh):
    root = fresh["root"]
    with open(root + CONF, "a") as f:
        f.write("mine = 1\n")
    reply, events, result = apply(env, fresh, ["_omg-orphan", "-omg-foreign"])
    # a purge is a purge in the plan and the history (it was "remove"); on alpm NOSAVE is
    # the whole transaction's, so the '-' removal in it is one too
    purged = "purge" if fresh["backend"] == "alpm" else "remove"
    want = {("omg-orphan", "purge"), ("omg-foreign", purged)}
    assert {(i["name"], i["action"]) for i in reply["items"]} == want, reply
    assert result["status"] == 0, result
    got = installed(fresh)
    assert "omg-orphan" not in got and "omg-foreign" not in got
    assert not os.path.exists(root + CONF)
    if fresh["backend"] == "alpm":
        # NOSAVE: no .pacsave of the modified file; it holds for the whole transaction,
        # which the plan says
        assert not os.path.exists(root + CONF + ".pacsave")
        assert not [n for n in result["notes"] if ".pacsave" in n], result
        assert [e for e in events if e["kind"] == 4 and e["level"] == 1 and
                "pacsave" in e["text"]], events
    else:
        # purged: no rc state left behind
        rows = dpkg_l(root)
        assert "omg-orphan" not in rows and "omg-foreign" not in rows, rows
    backend_check(fresh)
    hist = history(env, fresh)
    assert [h["kind"] for h in hist] == ["apply"]
    entry = json.loads(env("--json", "history", "show", str(hist[0]["id"]), root=root,
                           check=0).stdout)
    assert {(i["name"], i["action"]) for i in entry["items"]} == want, entry


REFUSALS = [
    ([], ERR_USAGE, "at least one package"),
    (["omg-spell"], ERR_USAGE,
     "apply: 'omg-spell' needs an action: +install, -remove, _purge, =keep"),
    (["*omg-spell"], ERR_USAGE, "apply: '*omg-spell' needs an action"),
    (["+"], ERR_USAGE, "names no package"),
    (["+omg-spell", "-omg-orphan", "_omg-spell"], ERR_USAGE, "'omg-spell' is named twice"),
    (["-omg-spell"], ERR_TRANS, "package 'omg-spell' is not installed"),
    (["=omg-spell"], ERR_TRANS, "package 'omg-spell' is not installed"),
    (["-omg-lib"], ERR_TRANS, "omg-editor"),  # needs it
    # contradicting marks: omg-spell needs omg-lib
    (["+omg-spell", "-omg-lib", "-omg-editor"], ERR_TRANS, "omg-spell"),
    (["+nosuch-omg"], ERR_TRANS, "not found"),
]


def test_refusals_change_nothing(env, fresh):
    root = fresh["root"]
    before = db_state(fresh)
    s = raw_client(env, root)
    try:
        for targets, code, words in REFUSALS:
            type_, reply, _ = plan(s, targets)
            assert type_ == MSG_ERROR, (targets, reply)
            assert reply["code"] == code and words in reply["message"], (targets, reply)
        # nothing was kept planned or locked: a good apply plans at once
        type_, reply, _ = plan(s, ["+omg-spell", "-omg-orphan"])
        assert type_ == MSG_PLAN_REPLY, reply
    finally:
        s.close()
    assert db_state(fresh) == before
    assert history(env, fresh) == []
    backend_check(fresh)
    assert os.path.exists(root + CONF)

