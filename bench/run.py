#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""omg benchmark: omg against the native tools on real data, in one run.

    /usr/bin/python3 bench/run.py          (or: make bench)

1. Arch: the host's Debian lists converted to a ~63k-package Arch sync db
   (tests/fixtures/corpus.py, cached in build/bench/arch-corpus):
       omg --root CORPUS search firefox          vs  pacman -Ss firefox
       omg --root CORPUS search --regex fire.*fox vs  pacman -Ss fire.*fox
       omg --root CORPUS info bash               vs  pacman -Si bash
2. Debian, the host's real /var/lib/apt/lists (skipped when there are none), with apt's
   binary cache given back to apt (the host config disables it; see BACKENDS.md):
       omg search firefox       vs  apt-cache search firefox
       omg info bash            vs  apt-cache show bash
       omg list --upgradable    vs  apt list --upgradable

Every command is timed by hyperfine (--shell=none, --warmup 2, runs scaled to the
command's duration).  Before timing, the search pairs are checked for the same result
set (omg search --regex PATTERN against the native regex search; a difference is a
WARNING, not a failure).  omg is also run once with --timing per command for its own
breakdown.  Results: a table with ratios (native mean / omg mean; > 1 means omg is
faster), build/bench/results.json, and a Markdown table at the end.

Exit status: 0 when every command ran (warnings included), 1 when one failed to run.
Environment: OMG_BENCH_SECONDS (hyperfine budget per command, default 10).
"""

import json
import math
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures"))

OMG = os.path.join(ROOT, "omg")
OUT_DIR = os.path.join(ROOT, "build", "bench")
CORPUS_DIR = os.path.join(OUT_DIR, "arch-corpus")
RESULTS = os.path.join(OUT_DIR, "results.json")
LISTS_DIR = "/var/lib/apt/lists"

WARMUP = 2
SECONDS_PER_CMD = float(os.environ.get("OMG_BENCH_SECONDS", "10"))
MIN_RUNS = 6
MAX_RUNS = 50

ENV = dict(os.environ)
ENV["LC_ALL"] = "C.UTF-8"
ENV.pop("LANGUAGE", None)
ENV.pop("OMG_NO_STORE", None)
# omg's index store and apt cache copy live under build/bench, not in the user's home.
for _var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
    ENV[_var] = os.path.join(OUT_DIR, "xdg", _var.lower())

TIMING_RE = re.compile(
    r"omg: timing: store ([a-z ]+), open ([\d.]+) ms, load ([\d.]+) ms, index ([\d.]+) ms, "
    r"store write ([\d.]+) ms, query\+format ([\d.]+) ms, write ([\d.]+) ms; "
    r"(\d+) packages, index ([\d.]+) MiB")
TIMING_KEYS = ("open_ms", "load_ms", "index_ms", "store_write_ms", "query_format_ms",
               "write_ms")

WARNINGS = []


class CommandFailed(Exception):
    pass


def say(msg=""):
    print(msg, flush=True)


def warn(msg):
    WARNINGS.append(msg)
    say("WARNING: " + msg)


def cmdline(argv):
    return " ".join(shlex.quote(str(a)) for a in argv)


def run(argv, ok=(0,), what=None):
    """Run argv (no shell) and return (stdout, stderr, seconds); raise CommandFailed
    naming the command when it cannot start or exits outside ok."""
    t0 = time.monotonic()
    try:
        r = subprocess.run([str(a) for a in argv], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=ENV)
    except OSError as e:
        raise CommandFailed("%s: cannot run: %s" % (what or cmdline(argv), e))
    dt = time.monotonic() - t0
    out = r.stdout.decode("utf-8", "replace")
    err = r.stderr.decode("utf-8", "replace")
    if r.returncode not in ok:
        raise CommandFailed("%s exited %d\n  command: %s\n  stderr: %s" % (
            what or argv[0], r.returncode, cmdline(argv),
            err.strip()[-2000:] or "(empty)"))
    return out, err, dt


# ---------------------------------------------------------------- hyperfine

def hyperfine(argv, runs, warmup=WARMUP, label=None):
    """Time argv with hyperfine; return a dict of seconds (mean, stddev, ...)."""
    fd, path = tempfile.mkstemp(prefix="omg-bench-", suffix=".json")
    os.close(fd)
    try:
        hf = ["hyperfine", "--shell=none", "--style", "none", "--warmup", str(warmup),
              "--runs", str(runs), "--export-json", path, cmdline(argv)]
        r = subprocess.run(hf, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
        if r.returncode != 0:
            raise CommandFailed("hyperfine failed on %s (exit %d)\n  command: %s\n  %s" % (
                label or argv[0], r.returncode, cmdline(argv),
                (r.stderr.decode("utf-8", "replace") + r.stdout.decode("utf-8", "replace")
                 ).strip()[-2000:]))
        with open(path) as f:
            res = json.load(f)["results"][0]
    finally:
        os.unlink(path)
    return {k: res[k] for k in ("mean", "stddev", "median", "min", "max")} | {
        "runs": len(res.get("times") or []), "command": cmdline(argv)}


def runs_for(seconds):
    """Timed runs for a command whose single run took seconds."""
    return max(MIN_RUNS, min(MAX_RUNS, int(SECONDS_PER_CMD / max(seconds, 1e-3))))


def fmt_ms(s):
    ms = s * 1000.0
    return "%.1f" % ms if ms < 100 else "%.0f" % ms


def fmt_t(m):
    return "%s ± %s ms" % (fmt_ms(m["mean"]), fmt_ms(m["stddev"]))


def ratio_of(native, omg):
    r = native["mean"] / omg["mean"]
    err = r * math.sqrt((native["stddev"] / native["mean"]) ** 2 +
                        (omg["stddev"] / omg["mean"]) ** 2)
    return r, err


def verdict(r):
    if r >= 1.0:
        return "omg is %.2fx faster" % r
    return "%.2fx (slower)" % r


# ---------------------------------------------------------------- name parsing

def names_pacman_ss(out):
    """'repo/name ver [(groups)]' lines of pacman -Ss (descriptions are indented)."""
    names = set()
    for line in out.splitlines():
        if line and not line[0].isspace():
            tok = line.split(None, 1)[0]
            names.add(tok.split("/", 1)[1] if "/" in tok else tok)
    return names


def names_apt_search(out):
    """'name - description' lines of apt-cache search."""
    return {line.split(" - ", 1)[0].strip() for line in out.splitlines() if " - " in line}


def names_apt_list(out):
    """'name/suite ver arch [upgradable from: v]' lines of apt list."""
    names = set()
    for line in out.splitlines():
        if "/" in line and not line.startswith("Listing"):
            names.add(line.split("/", 1)[0])
    return names


def omg_json_names(base, args, what):
    out, _, _ = run(base + ["--json"] + args, ok=(0, 1), what=what)
    out = out.strip()
    if not out:
        return [], set()
    try:
        recs = json.loads(out)
    except ValueError as e:
        raise CommandFailed("%s: bad --json output (%s)" % (what, e))
    return recs, {r["name"] for r in recs}


def compare(label_native, native, label_omg, omg, strict=True):
    """Print the comparison of two name sets; return a dict for the JSON."""
    only_n, only_o = sorted(native - omg), sorted(omg - native)
    same = not only_n and not only_o
    res = {"native": label_native, "omg": label_omg, "native_count": len(native),
           "omg_count": len(omg), "same": same, "only_native": only_n[:50],
           "only_omg": only_o[:50]}
    if same:
        say("  check: %s and %s agree: %d names" % (label_native, label_omg, len(native)))
    else:
        msg = "%s (%d) and %s (%d) differ: only native %s%s; only omg %s%s" % (
            label_native, len(native), label_omg, len(omg), only_n[:8],
            " ..." if len(only_n) > 8 else "", only_o[:8], " ..." if len(only_o) > 8 else "")
        if strict:
            warn(msg)
        else:
            say("  note: " + msg)
    return res


# ---------------------------------------------------------------- omg --timing

def omg_timing(argv, label):
    """Run omg once with --timing (inserted after argv[0]); parse its stderr line."""
    # after the program itself, past an "env VAR=value" prefix
    at = next(i for i, a in enumerate(argv) if a != "env" and "=" not in a) + 1
    out, err, dt = run(argv[:at] + ["--timing"] + argv[at:], what=label + " --timing")
    m = TIMING_RE.search(err)
    if not m:
        warn("%s --timing printed no timing line (stderr: %r)" % (label, err.strip()[-300:]))
        return {"wall_ms": round(dt * 1000, 1)}
    t = {k: float(v) for k, v in zip(TIMING_KEYS, m.groups()[1:7])}
    t["store"] = m.group(1)
    t["packages"] = int(m.group(8))
    t["index_mib"] = float(m.group(9))
    t["wall_ms"] = round(dt * 1000, 1)
    return t


def fmt_timing(t):
    if "load_ms" not in t:
        return "(no breakdown) wall %.0f ms" % t["wall_ms"]
    return ("store %s: open %.1f + load %.1f + index %.1f + store write %.1f + "
            "query+format %.1f + write %.1f ms (wall %.0f ms; %d pkgs, index %.1f MiB)" % (
                t["store"], t["open_ms"], t["load_ms"], t["index_ms"], t["store_write_ms"],
                t["query_format_ms"], t["write_ms"], t["wall_ms"], t["packages"],
                t["index_mib"]))


# ---------------------------------------------------------------- pairs

def bench_pair(section, op, native_label, native_argv, omg_argv, check=None):
    """Probe both commands (they must run), run the check, then time both."""
    say("")
    say("[%s] %s" % (section, op))
    _, _, tn = run(native_argv, what=native_label)
    _, _, to = run(omg_argv, what="omg " + op)
    chk = check() if check else None
    cold_argv = ["env", "OMG_NO_STORE=1"] + omg_argv
    timing_cold = omg_timing(cold_argv, "omg " + op + " (no store)")
    say("  omg --timing, no store:  " + fmt_timing(timing_cold))
    run(omg_argv, what="omg " + op)  # make sure the store holds this root
    timing = omg_timing(omg_argv, "omg " + op)
    say("  omg --timing, store:     " + fmt_timing(timing))
    rn, ro, rc = runs_for(tn), runs_for(to), runs_for(max(tn, to))
    say("  timing %s (%d runs), omg (%d runs), omg without store (%d runs) ..." % (
        native_label, rn, ro, rc))
    n = hyperfine(native_argv, rn, label=native_label)
    o = hyperfine(omg_argv, ro, label="omg " + op)
    c = hyperfine(cold_argv, rc, label="omg " + op + " (no store)")
    r, rerr = ratio_of(n, o)
    rcold, rcold_err = ratio_of(n, c)
    w = max(len(native_label), len(op) + 16)
    say("  %-*s  %s" % (w, native_label, fmt_t(n)))
    say("  %-*s  %s" % (w, "omg " + op, fmt_t(o)))
    say("  %-*s  %s" % (w, "omg " + op + " (no store)", fmt_t(c)))
    say("  native/omg = %.2f ± %.2f: %s; without the store %.2f" % (
        r, rerr, verdict(r), rcold))
    return {"section": section, "operation": op, "native_label": native_label,
            "native": n, "omg": o, "omg_no_store": c, "ratio": round(r, 3),
            "ratio_err": round(rerr, 3), "ratio_no_store": round(rcold, 3),
            "ratio_no_store_err": round(rcold_err, 3), "verdict": verdict(r),
            "omg_timing": timing, "omg_timing_no_store": timing_cold, "check": chk}


def arch_part(pairs, skipped):
    import arch
    import corpus
    if not shutil.which(arch.PACMAN) and not os.access(arch.PACMAN, os.X_OK):
        msg = "Arch corpus part skipped: %s not installed" % arch.PACMAN
        say(msg)
        skipped.append(msg)
        return None
    say("building/reusing the Arch corpus in %s ..." % os.path.relpath(CORPUS_DIR, ROOT))
    try:
        info = corpus.build_arch_corpus(CORPUS_DIR)
    except RuntimeError as e:
        msg = "Arch corpus part skipped: %s" % e
        say(msg)
        skipped.append(msg)
        return None
    say("  %d packages%s%s" % (info["packages"], " (cached)" if info["cached"] else "",
                               "" if info["cached"] else " in %.1f s" % info["seconds"]))
    root = info["root"]
    base = [OMG, "--root", root]

    def pm(*a):
        return arch.pacman_cmd(root, *a)

    def search_check(pattern):
        def f():
            out, _, _ = run(pm("-Ss", pattern), ok=(0, 1), what="pacman -Ss " + pattern)
            native = names_pacman_ss(out)
            _, regex = omg_json_names(base, ["search", "--regex", pattern],
                                      "omg search --regex " + pattern)
            res = {"regex": compare("pacman -Ss %s" % pattern, native,
                                    "omg search --regex", regex)}
            if "*" not in pattern:
                _, sub = omg_json_names(base, ["search", pattern], "omg search " + pattern)
                res["substring"] = compare("pacman -Ss %s" % pattern, native,
                                           "omg search (substring, default)", sub,
                                           strict=False)
            return res
        return f

    def info_check():
        out, _, _ = run(pm("-Si", "bash"), what="pacman -Si bash")
        m = re.search(r"^Version\s*:\s*(\S+)", out, re.M)
        recs, _ = omg_json_names(base, ["info", "bash"], "omg info bash")
        nv = m.group(1) if m else None
        ov = recs[0].get("version") if recs else None
        if nv != ov:
            warn("pacman -Si bash version %s != omg info bash version %s" % (nv, ov))
        else:
            say("  check: pacman -Si and omg info agree: bash %s" % nv)
        return {"native_version": nv, "omg_version": ov, "same": nv == ov}

    pairs.append(bench_pair("arch", "search firefox", "pacman -Ss firefox",
                            pm("-Ss", "firefox"), base + ["search", "firefox"],
                            search_check("firefox")))
    pairs.append(bench_pair("arch", "search --regex 'fire.*fox'", "pacman -Ss 'fire.*fox'",
                            pm("-Ss", "fire.*fox"), base + ["search", "--regex", "fire.*fox"],
                            search_check("fire.*fox")))
    pairs.append(bench_pair("arch", "info bash", "pacman -Si bash", pm("-Si", "bash"),
                            base + ["info", "bash"], info_check))
    return {"root": root, "packages": info["packages"], "cached": info["cached"],
            "build_seconds": info["seconds"]}


def debian_lists():
    import corpus
    return corpus.list_files(LISTS_DIR)


def debian_part(pairs, skipped, tmpdirs):
    lists = debian_lists()
    if not lists:
        msg = "Debian part skipped: no *_Packages lists in %s" % LISTS_DIR
        say(msg)
        skipped.append(msg)
        return None
    for tool in ("apt-cache", "apt"):
        if not shutil.which(tool):
            msg = "Debian part skipped: %s not installed" % tool
            say(msg)
            skipped.append(msg)
            return None
    d = tempfile.mkdtemp(prefix="omg-bench-aptcache.", dir="/tmp")
    tmpdirs.append(d)
    opts = ["-o", "Dir::Cache::pkgcache=%s/pkgcache.bin" % d,
            "-o", "Dir::Cache::srcpkgcache=%s/srcpkgcache.bin" % d]
    say("")
    say("warming apt's binary cache in %s ..." % d)
    _, _, dt = run(["apt-cache"] + opts + ["show", "bash"], what="apt-cache show bash (warm-up)")
    say("  built in %.2f s" % dt)
    apt_cache = ["apt-cache"] + opts
    apt = ["apt"] + opts
    base = [OMG]

    def search_check():
        out, _, _ = run(apt_cache + ["search", "firefox"], what="apt-cache search firefox")
        native = names_apt_search(out)
        _, regex = omg_json_names(base, ["search", "--regex", "firefox"],
                                  "omg search --regex firefox")
        _, sub = omg_json_names(base, ["search", "firefox"], "omg search firefox")
        return {"regex": compare("apt-cache search firefox", native, "omg search --regex",
                                 regex),
                "substring": compare("apt-cache search firefox", native,
                                     "omg search (substring, default)", sub, strict=False)}

    def info_check():
        out, _, _ = run(apt_cache + ["show", "bash"], what="apt-cache show bash")
        versions = re.findall(r"^Version:\s*(\S+)", out, re.M)
        recs, _ = omg_json_names(base, ["info", "bash"], "omg info bash")
        ov = recs[0].get("version") if recs else None
        ok = ov in versions
        if not ok:
            warn("omg info bash version %s is not among apt-cache show bash's %s" % (
                ov, versions))
        else:
            say("  check: omg info bash version %s is among apt-cache show's %s" % (
                ov, versions))
        return {"native_versions": versions, "omg_version": ov, "same": ok}

    def upg_check():
        out, _, _ = run(apt + ["list", "--upgradable"], what="apt list --upgradable")
        native = names_apt_list(out)
        _, names = omg_json_names(base, ["list", "--upgradable"], "omg list --upgradable")
        return compare("apt list --upgradable", native, "omg list --upgradable", names)

    pairs.append(bench_pair("debian", "search firefox", "apt-cache search firefox",
                            apt_cache + ["search", "firefox"], base + ["search", "firefox"],
                            search_check))
    pairs.append(bench_pair("debian", "info bash", "apt-cache show bash",
                            apt_cache + ["show", "bash"], base + ["info", "bash"], info_check))
    pairs.append(bench_pair("debian", "list --upgradable", "apt list --upgradable",
                            apt + ["list", "--upgradable"], base + ["list", "--upgradable"],
                            upg_check))
    return {"lists": len(lists), "apt_cache_dir": d, "apt_cache_warm_seconds": round(dt, 2)}


# ---------------------------------------------------------------- report

def print_table(pairs, floor):
    say("")
    say("=" * 140)
    hdr = "%-7s %-32s %-26s %13s %13s %14s  %s" % (
        "corpus", "omg command", "native command", "native (ms)", "omg (ms)",
        "no store (ms)", "native/omg (no store)")
    say(hdr)
    say("-" * 140)
    for p in pairs:
        say("%-7s %-32s %-26s %13s %13s %14s  %.2f ± %.2f %s (%.2f)" % (
            p["section"], "omg " + p["operation"], p["native_label"],
            "%s ± %s" % (fmt_ms(p["native"]["mean"]), fmt_ms(p["native"]["stddev"])),
            "%s ± %s" % (fmt_ms(p["omg"]["mean"]), fmt_ms(p["omg"]["stddev"])),
            "%s ± %s" % (fmt_ms(p["omg_no_store"]["mean"]),
                         fmt_ms(p["omg_no_store"]["stddev"])),
            p["ratio"], p["ratio_err"], p["verdict"], p["ratio_no_store"]))
    say("-" * 140)
    say("floor: /bin/true %s ms ± %s ms (%d runs)" % (
        fmt_ms(floor["mean"]), fmt_ms(floor["stddev"]), floor["runs"]))
    say("")
    say("where omg's time goes (one --timing run each, in-process mode):")
    for p in pairs:
        say("  %-7s %-28s %s" % (p["section"], p["operation"], fmt_timing(p["omg_timing"])))
        say("  %-7s %-28s %s" % ("", "", fmt_timing(p["omg_timing_no_store"])))


def markdown(pairs, floor):
    lines = ["| corpus | operation | native command | native mean ± sd | omg mean ± sd "
             "| native/omg | omg without store | native/omg without store |",
             "|---|---|---|---|---|---|---|---|"]
    for p in pairs:
        lines.append("| %s | `omg %s` | `%s` | %s ms ± %s | %s ms ± %s | %.2fx%s "
                     "| %s ms ± %s | %.2fx%s |" % (
            p["section"], p["operation"], p["native_label"], fmt_ms(p["native"]["mean"]),
            fmt_ms(p["native"]["stddev"]), fmt_ms(p["omg"]["mean"]),
            fmt_ms(p["omg"]["stddev"]), p["ratio"],
            "" if p["ratio"] >= 1 else " (slower)",
            fmt_ms(p["omg_no_store"]["mean"]), fmt_ms(p["omg_no_store"]["stddev"]),
            p["ratio_no_store"], "" if p["ratio_no_store"] >= 1 else " (slower)"))
    lines.append("| - | `/bin/true` (floor) | | %s ms ± %s | | | | |" % (
        fmt_ms(floor["mean"]), fmt_ms(floor["stddev"])))
    return "\n".join(lines)


def main():
    t_start = time.monotonic()
    if not os.access(OMG, os.X_OK):
        say("bench: FAILED: %s is missing or not executable (run make first)" % OMG)
        return 1
    if not shutil.which("hyperfine"):
        say("bench: FAILED: hyperfine is not installed")
        return 1
    os.makedirs(OUT_DIR, exist_ok=True)
    pairs, skipped, tmpdirs = [], [], []
    results = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "host": {"machine": platform.machine(), "kernel": platform.release(),
                        "cpus": os.cpu_count(), "loadavg_start": os.getloadavg()},
               "warmup": WARMUP, "seconds_per_command": SECONDS_PER_CMD}
    try:
        v, _, _ = run([OMG, "--version"], what="omg --version")
        hv, _, _ = run(["hyperfine", "--version"], what="hyperfine --version")
        results["omg_version"] = v.strip()
        results["hyperfine_version"] = hv.strip()
        say("%s, %s, %d cpus, load %.2f" % (v.strip(), hv.strip(), os.cpu_count() or 0,
                                            os.getloadavg()[0]))
        load = os.getloadavg()[0]
        if load > 0.75 * (os.cpu_count() or 1):
            warn("host is busy (load average %.2f on %d cpus): timings will be noisy"
                 % (load, os.cpu_count() or 1))
        say("floor: timing /bin/true ...")
        floor = hyperfine(["/bin/true"], 200, warmup=20, label="/bin/true")
        say("  /bin/true %s" % fmt_t(floor))
        results["floor"] = floor
        results["arch"] = arch_part(pairs, skipped)
        results["debian"] = debian_part(pairs, skipped, tmpdirs)
    except CommandFailed as e:
        say("")
        say("bench: FAILED: %s" % e)
        return 1
    finally:
        for d in tmpdirs:
            shutil.rmtree(d, ignore_errors=True)

    results["pairs"] = pairs
    results["skipped"] = skipped
    results["warnings"] = WARNINGS
    results["host"]["loadavg_end"] = os.getloadavg()
    results["seconds"] = round(time.monotonic() - t_start, 1)
    with open(RESULTS + ".tmp", "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    os.replace(RESULTS + ".tmp", RESULTS)

    print_table(pairs, floor)
    for s in skipped:
        say("skipped: " + s)
    for w in WARNINGS:
        say("WARNING: " + w)
    say("")
    end_load = results["host"]["loadavg_end"][0]
    if end_load > 0.5 * (os.cpu_count() or 1):
        say("note: load average %.2f at the end (the bench itself keeps ~1 core busy)"
            % end_load)
    say("results: %s (%.0f s in all)" % (os.path.relpath(RESULTS, ROOT), results["seconds"]))
    say("")
    say(markdown(pairs, floor))
    return 0


if __name__ == "__main__":
    sys.exit(main())
