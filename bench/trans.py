# SPDX-License-Identifier: MIT
"""The transaction part of make bench: plan time and full upgrade time for N upgradable
packages, omg against pacman and apt-get on identical sandboxes, in one run.

For each backend, sandboxes are built by the test fixture builders (tests/fixtures/arch.py,
debian.py) from a generated package set: N packages installed at 1.0-1, each with 1.1-1 in
the sandbox's repository, half of them depending on another. Then:
    plan:    omg upgrade --dry-run --no-sync      vs  pacman -Su --print / apt-get -s upgrade
             (hyperfine; omg's engine is warm, the CLI's start is included)
    upgrade: omg upgrade --yes --no-sync          vs  pacman -Su --noconfirm / apt-get upgrade -y
             (ROUNDS rounds, each on a fresh pair of identical sandboxes: download from the
             sandbox's file: repository, checks, install, and for omg the history and audit
             records and the index reload before the result is sent)
Both sides must end with the same installed versions, or the part fails.
Environment: OMG_BENCH_TRANS_PACKAGES (N, default 100), OMG_BENCH_TRANS_ROUNDS (default 2).
"""
import os
import shutil
import tempfile
import time

import arch
import debian
import spec

N = int(os.environ.get("OMG_BENCH_TRANS_PACKAGES", "100"))
ROUNDS = int(os.environ.get("OMG_BENCH_TRANS_ROUNDS", "2"))


def package_set(n):
    """n upgradable packages; every odd one depends on the one before it."""
    out = []
    for i in range(n):
        name = "bench-pkg-%04d" % i
        out.append({"name": name, "version": "1.1",
                    "installed": {"version": "1.0", "reason": "explicit"},
                    "desc": "Benchmark package %d of %d" % (i + 1, n),
                    "url": "https://example.org/bench", "license": "MIT",
                    "depends": ["bench-pkg-%04d" % (i - 1)] if i % 2 else [],
                    "size": 16384})
    return out


def build(backend, dir, n):
    """A sandbox of the generated set (the builders read spec.PACKAGES when called)."""
    saved, saved_verify = spec.PACKAGES, arch.verify
    spec.PACKAGES = package_set(n)
    arch.verify = lambda root: None  # it checks the test set's own quirks
    try:
        return (arch.build if backend == "alpm" else debian.build)(dir)
    finally:
        spec.PACKAGES, arch.verify = saved, saved_verify


def installed(backend, root, run):
    if backend == "alpm":
        out, _, _ = run(arch.pacman_cmd(root, "-Q"), what="pacman -Q")
        return sorted(out.split("\n"))
    out, _, _ = run(["dpkg-query", "--admindir=" + os.path.join(root, "var/lib/dpkg"), "-W",
                     "-f", "${Package} ${Version}\n"], what="dpkg-query")
    return sorted(out.split("\n"))


def native_plan(backend, root):
    if backend == "alpm":
        return arch.pacman_cmd(root, "-Su", "--print")
    return ["env", "APT_CONFIG=" + os.path.join(root, "etc/apt/apt.conf"),
            "apt-get", "-s", "upgrade"]


def native_upgrade(backend, root):
    if backend == "alpm":
        return arch.pacman_cmd(root, "-Su", "--noconfirm")
    return ["env", "APT_CONFIG=" + os.path.join(root, "etc/apt/apt.conf"),
            "apt-get", "upgrade", "-y", "-q"]


def trans_part(omg, env, run, hyperfine, say, runs_for, tmpdirs):
    """Returns the part's results: per backend, plan and upgrade figures."""
    results = []
    for backend in ("alpm", "apt"):
        say("")
        say("[%s] transactions: %d upgradable packages" % (backend, N))
        base = tempfile.mkdtemp(prefix="omg-bench-trans-")
        tmpdirs.append(base)
        t0 = time.monotonic()
        sb = build(backend, os.path.join(base, "plan"), N)["root"]
        say("  sandbox built in %.1f s" % (time.monotonic() - t0))
        omg_plan = [omg, "--root", sb, "upgrade", "--dry-run", "--no-sync"]
        out, _, t_omg = run(omg_plan, what="omg upgrade --dry-run", env=env)
        if "%d package(s)" % N not in out:
            raise RuntimeError("omg's plan does not upgrade %d packages:\n%s" % (N, out[-2000:]))
        nat_out, _, t_nat = run(native_plan(backend, sb), what="native plan")
        plan_n = hyperfine(native_plan(backend, sb), runs_for(t_nat), label="native plan")
        plan_o = hyperfine(omg_plan, runs_for(t_omg), label="omg plan", env=env)
        run([omg, "--root", sb, "daemon", "stop"], what="omg daemon stop", env=env)
        say("  plan: %s %.1f ms, omg %.1f ms: %.2fx" % (
            "pacman -Su --print" if backend == "alpm" else "apt-get -s upgrade",
            plan_n["mean"] * 1e3, plan_o["mean"] * 1e3, plan_n["mean"] / plan_o["mean"]))
        up_n, up_o = [], []
        for r in range(ROUNDS):
            a = build(backend, os.path.join(base, "n%d" % r), N)["root"]
            b = build(backend, os.path.join(base, "o%d" % r), N)["root"]
            run([omg, "--root", b, "status"], what="omg status (start the engine)", env=env)
            _, _, tn = run(native_upgrade(backend, a), what="native upgrade")
            _, _, to = run([omg, "--root", b, "upgrade", "--yes", "--no-sync"],
                           what="omg upgrade", env=env)
            run([omg, "--root", b, "daemon", "stop"], what="omg daemon stop", env=env)
            ia, ib = installed(backend, a, run), installed(backend, b, run)
            if ia != ib or not any(" 1.1-1" in x for x in ib):
                raise RuntimeError("omg and the native tool ended differently:\n%s\n%s"
                                   % (ia[:5], ib[:5]))
            up_n.append(tn)
            up_o.append(to)
            say("  upgrade round %d: native %.2f s, omg %.2f s" % (r + 1, tn, to))
            shutil.rmtree(a, ignore_errors=True)
            shutil.rmtree(b, ignore_errors=True)
        mn, mo = sum(up_n) / len(up_n), sum(up_o) / len(up_o)
        say("  upgrade: %s %.2f s, omg %.2f s: %.2fx" % (
            "pacman -Su" if backend == "alpm" else "apt-get upgrade", mn, mo, mn / mo))
        results.append({"backend": backend, "packages": N, "rounds": ROUNDS,
                        "plan_native": plan_n, "plan_omg": plan_o,
                        "plan_ratio": round(plan_n["mean"] / plan_o["mean"], 3),
                        "upgrade_native_s": up_n, "upgrade_omg_s": up_o,
                        "upgrade_ratio": round(mn / mo, 3)})
    return results


def print_trans(results, say):
    say("")
    say("transactions (%d upgradable packages; identical sandboxes; omg through its engine)" % N)
    say("%-6s %-22s %14s %14s %10s" % ("", "operation", "native", "omg", "native/omg"))
    for r in results:
        nat = "pacman" if r["backend"] == "alpm" else "apt-get"
        say("%-6s %-22s %11.1f ms %11.1f ms %9.2fx" % (
            r["backend"], "plan (%s)" % nat, r["plan_native"]["mean"] * 1e3,
            r["plan_omg"]["mean"] * 1e3, r["plan_ratio"]))
        mn = sum(r["upgrade_native_s"]) / len(r["upgrade_native_s"])
        mo = sum(r["upgrade_omg_s"]) / len(r["upgrade_omg_s"])
        say("%-6s %-22s %12.2f s %12.2f s %9.2fx" % (
            r["backend"], "full upgrade (%s)" % nat, mn, mo, r["upgrade_ratio"]))
