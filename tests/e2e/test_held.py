# SPDX-License-Identifier: MIT
"""Held packages (issue 14): a plan that changes a package held with dpkg (apt-mark hold)
or ignored by pacman.conf (IgnorePkg) names it and warns; the CLI refuses it without
--change-held and the engine refuses to commit it without the plan flag that says the
user agreed; with it the package changes and stays held. omg upgrade leaves holds alone.
Checked with dpkg-query, apt-mark showhold, apt-get -s and pacman on fresh sandboxes."""
import json
import os
import struct

from conftest import debian, run_native
from test_trans import EXIT_TRANS, db_state, fresh, installed, raw_client  # noqa: F401
from wire import (MSG_COMMIT, MSG_EVENT_TRANS, MSG_PLAN, MSG_PLAN_REPLY, MSG_TRANS_RESULT,
                  VERSION, decode, frame, plan_body, read_msg)

TRANS_INSTALL, TRANS_REMOVE, TRANS_APPLY = 2, 3, 5
TRANS_CHANGE_HELD = 4
ERR_TRANS = 9


def held_state(sb):
    """Whether omg-held is held, as the backend's own tools say."""
    root = sb["root"]
    if sb["backend"] == "alpm":
        conf = open(os.path.join(root, "etc/pacman.conf")).read()
        return "IgnorePkg = omg-held" in conf
    out = run_native(["apt-mark", "showhold"], env=debian.apt_env(root))
    status = run_native(["dpkg-query", "--admindir=" + os.path.join(root, "var/lib/dpkg"),
                         "-W", "-f", "${db:Status-Abbrev}", "omg-held"])
    return out.split() == ["omg-held"] and status.startswith("h")


def history(env, sb):
    return json.loads(env("--json", "history", root=sb["root"], check=0).stdout)


def plan(s, kind, flags, targets, pid=5):
    """A plan on a raw connection; its reply (events skipped)."""
    s.sendall(frame(VERSION, MSG_PLAN, pid, plan_body(kind, flags, targets, "raw")))
    while True:
        hdr, body = read_msg(s)
        if hdr[1] != MSG_EVENT_TRANS:
            return hdr[1], decode(hdr[1], body)


def commit(s, plan_id):
    s.sendall(frame(VERSION, MSG_COMMIT, 6, struct.pack("<Q", plan_id)))
    while True:
        hdr, body = read_msg(s)
        if hdr[1] == MSG_TRANS_RESULT:
            return decode(hdr[1], body)
        assert hdr[1] == MSG_EVENT_TRANS, hex(hdr[1])


def test_install_of_a_held_package_is_refused_without_change_held(env, fresh):
    root = fresh["root"]
    before = db_state(fresh)
    assert held_state(fresh)
    p = env("install", "--yes", "omg-held", root=root)
    assert p.returncode == EXIT_TRANS, (p.stdout, p.stderr)
    assert "upgrade" in p.stdout and "omg-held" in p.stdout  # the plan is shown
    why = "(dpkg hold)" if fresh["backend"] == "apt" else "(IgnorePkg)"
    assert "warning: omg-held is " in p.stderr and why in p.stderr, p.stderr
    assert "--change-held" in p.stderr and "nothing was changed" in p.stderr
    assert db_state(fresh) == before and held_state(fresh)
    assert history(env, fresh) == []
    # a dry run says the same, and what a real run needs
    out = json.loads(env("--json", "install", "--dry-run", "omg-held", root=root,
                         check=0).stdout)
    assert out["plan"]["held"] == ["omg-held"] and out["result"] is None
    assert [w for w in out["plan"]["warnings"] if w.startswith("omg-held is ")]
    if fresh["backend"] == "apt":
        # apt's own view of the same plan
        sim = run_native(["apt-get", "-s", "install", "omg-held"], env=debian.apt_env(root))
        assert "The following held packages will be changed:\n  omg-held\n" in sim


def test_change_held_changes_it_and_keeps_the_hold(env, fresh):
    root = fresh["root"]
    p = env("install", "--yes", "--change-held", "omg-held", root=root, check=0)
    assert installed(fresh)["omg-held"] == "2.0-1"
    assert held_state(fresh), "the hold is gone"
    if fresh["backend"] == "apt":
        assert "decided: omg-held stays held" in p.stdout, p.stdout
    info = json.loads(env("--json", "info", "omg-held", root=root, check=0).stdout)[0]
    assert info["held"] and info["installed_version"] == "2.0-1"
    hist = history(env, fresh)
    assert [h["command"] for h in hist] == ["omg install --change-held omg-held"]


def test_engine_refuses_to_commit_held_changes_without_consent(env, fresh):
    """Any client, not only the CLI: the UI's + then g is an apply."""
    root = fresh["root"]
    before = db_state(fresh)
    s = raw_client(env, root)
    try:
        for kind, targets in ((TRANS_INSTALL, ["omg-held"]), (TRANS_APPLY, ["+omg-held"])):
            type_, reply = plan(s, kind, 0, targets)
            assert type_ == MSG_PLAN_REPLY, reply
            assert reply["held"] == ["omg-held"], reply
            assert any("omg-held is" in w for w in reply["warnings"]), reply
            result = commit(s, reply["plan"])
            assert result["status"] == ERR_TRANS and "omg-held" in result["message"], result
            assert result["history"] == 0
        assert db_state(fresh) == before and held_state(fresh)
        assert history(env, fresh) == []
        # the client asks again with the user's consent: committed
        type_, reply = plan(s, TRANS_APPLY, TRANS_CHANGE_HELD, ["+omg-held"])
        assert type_ == MSG_PLAN_REPLY and reply["held"] == ["omg-held"], reply
        assert any("agreed" in w for w in reply["warnings"]), reply
        result = commit(s, reply["plan"])
        assert result["status"] == 0, result
    finally:
        s.close()
    assert installed(fresh)["omg-held"] == "2.0-1" and held_state(fresh)
    # the refusals are in the audit log
    log = env("audit", "log", root=root, check=0).stdout
    assert "refused" in log and "omg-held" in log, log


def test_remove_of_a_held_package(env, fresh):
    root = fresh["root"]
    p = env("remove", "--yes", "omg-held", root=root)
    if fresh["backend"] == "apt":
        # dpkg's hold guards removals too (apt-get: "held packages will be changed")
        assert p.returncode == EXIT_TRANS and "--change-held" in p.stderr, p.stderr
        assert "omg-held" in installed(fresh)
        env("remove", "--yes", "--change-held", "omg-held", root=root, check=0)
    else:
        # IgnorePkg guards upgrades only: pacman -R does not ask either
        assert p.returncode == 0, p.stderr
    assert "omg-held" not in installed(fresh)


def test_upgrade_keeps_holds(env, fresh):
    root = fresh["root"]
    out = json.loads(env("--json", "upgrade", "--yes", "--no-sync", root=root,
                         check=0).stdout)
    assert [i["name"] for i in out["plan"]["items"]] == ["omg-editor"], out
    assert out["plan"]["held"] == [] and out["result"]["result"] == "ok"
    got = installed(fresh)
    assert got["omg-editor"] == "1.1-1" and got["omg-held"] == "1.0-1"
    assert held_state(fresh)
    p = env("upgrade", "--change-held", root=root)
    assert p.returncode == 2 and "--change-held" in p.stderr
