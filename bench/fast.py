# SPDX-License-Identifier: MIT
"""The prompt part of make bench: omg-fast against /bin/true (the floor for any process) and
against the native ways to count pending updates, on the same sandboxes, in one run.

For each backend a sandbox is built by the test fixture builders with N upgradable packages
(bench/trans.py's package set); an engine writes its snapshot; then hyperfine times
    /bin/true
    omg-fast --root SB                      (reads the snapshot; the engine is not asked)
    sh -c 'pacman -Qu | wc -l'              (alpm)  /  sh -c 'apt list --upgradable | wc -l' (apt)
The counts must agree (omg-fast's upgradable + held = the native lines), or the part fails.
Goal: omg-fast within 1.5x of /bin/true.
Environment: OMG_BENCH_FAST_PACKAGES (N, default 100).
"""
import os
import shlex
import tempfile
import time

import arch
import trans

N = int(os.environ.get("OMG_BENCH_FAST_PACKAGES", "100"))
GOAL = 1.5


def native_count(backend, root):
    """A shell command line printing the native count of pending updates."""
    if backend == "alpm":
        return "%s | wc -l" % " ".join(shlex.quote(a) for a in arch.pacman_cmd(root, "-Qu"))
    return ("APT_CONFIG=%s apt list --upgradable 2>/dev/null | wc -l"
            % shlex.quote(os.path.join(root, "etc/apt/apt.conf")))


def fast_part(omg, env, run, hyperfine, say, floor, tmpdirs):
    fast = os.path.join(os.path.dirname(os.path.realpath(omg)), "omg-fast")
    results = []
    for backend in ("alpm", "apt"):
        say("")
        say("[%s] prompt: omg-fast, %d upgradable packages" % (backend, N))
        base = tempfile.mkdtemp(prefix="omg-bench-fast-")
        tmpdirs.append(base)
        sb = trans.build(backend, os.path.join(base, "root"), N)["root"]
        run([omg, "--root", sb, "status"], what="omg status (the engine writes the snapshot)",
            env=env)
        t0 = time.monotonic()
        while True:
            out, _, _ = run([fast, "--root", sb, "--format", "{upgradable} {held}"],
                            ok=(0, 11), what="omg-fast", env=env)
            if out or time.monotonic() - t0 > 30:
                break
            time.sleep(0.1)
        up, held = (int(x) for x in out.split())
        nat_out, _, _ = run(["sh", "-c", native_count(backend, sb)], what="native count")
        # apt list starts with a "Listing..." line
        if up + held != int(nat_out.strip()) - (backend == "apt"):
            raise RuntimeError("omg-fast says %d + %d held, the native tool %s"
                               % (up, held, nat_out.strip()))
        f = hyperfine([fast, "--root", sb], 1000, warmup=50, label="omg-fast", env=env)
        n = hyperfine(["sh", "-c", native_count(backend, sb)], 50, warmup=3, label="native")
        run([omg, "--root", sb, "daemon", "stop"], what="omg daemon stop", env=env)
        r = {"backend": backend, "packages": N, "upgradable": up, "held": held,
             "omg_fast": f, "native": n, "floor": floor,
             "vs_floor": round(f["mean"] / floor["mean"], 3),
             "native_ratio": round(n["mean"] / f["mean"], 1),
             "goal_met": f["mean"] / floor["mean"] <= GOAL}
        say("  omg-fast %.2f ms (%.2fx /bin/true), %s %.1f ms: %.0fx faster" % (
            f["mean"] * 1e3, r["vs_floor"],
            "pacman -Qu | wc -l" if backend == "alpm" else "apt list --upgradable | wc -l",
            n["mean"] * 1e3, r["native_ratio"]))
        results.append(r)
    return results


def print_fast(results, say):
    say("")
    say("prompt (omg-fast reads the snapshot; %d upgradable packages; goal <= %.1fx /bin/true)"
        % (N, GOAL))
    say("%-6s %-34s %12s %12s" % ("", "command", "mean", "vs"))
    for r in results:
        nat = ("pacman -Qu | wc -l" if r["backend"] == "alpm"
               else "apt list --upgradable | wc -l")
        say("%-6s %-34s %9.3f ms" % (r["backend"], "/bin/true (floor)",
                                      r["floor"]["mean"] * 1e3))
        say("%-6s %-34s %9.3f ms %9.2fx floor%s" % (
            r["backend"], "omg-fast", r["omg_fast"]["mean"] * 1e3, r["vs_floor"],
            "" if r["goal_met"] else "  (GOAL MISSED)"))
        say("%-6s %-34s %9.3f ms %9.1fx omg-fast" % (
            r["backend"], nat, r["native"]["mean"] * 1e3, r["native_ratio"]))
