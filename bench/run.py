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

Those omg rows are the cold start from the LMDB store: a new process per call, the engine
in process (OMG_NO_DAEMON=1), its index read from the store in XDG_CACHE_HOME.

3. The daemon, per corpus: ./omg [--root CORPUS] daemon --socket SOCK (a private 0700 socket
   directory in /tmp), then
       omg --socket SOCK search firefox  vs  pacman -Ss firefox / apt-cache search firefox
       omg --socket SOCK info bash       vs  pacman -Si bash / apt-cache show bash
   (warm engine, the CLI's process start included), and build/bench/loadgen with 1000
   clients in closed loops for 5 s after a 1 s warm-up: a repeated search (cacheable),
   distinct searches (--unique: no reply cache can answer), the repeated search again with
   every reply decoded by loadgen (a client-bound figure), and info bash (the protocol's
   own cost); requests/s, latency percentiles, the CPU of both sides, and the engine's
   VmRSS/VmHWM after each load. The issue's goals are checked and printed as met or
   not: warm search >= 100x faster than pacman -Ss and apt-cache search; 20,000 requests/s
   on this machine. The engine's stderr goes to build/bench/omgd-CORPUS.log.
4. The full-screen UI (bench/ui.py), per corpus: omg [--root CORPUS] with no command on a
   120x40 pty, its screen read by a terminal emulator (python3-pyte): the time from the
   spawn to the first full frame with the user engine running (warm) and with none (cold:
   the UI starts it), and keystroke to redraw of find as you type (each count checked
   against the bench's own); goals: under 100 ms warm, under 16 ms a key.

Every command is timed by hyperfine (--shell=none, --warmup 2, runs scaled to the
command's duration).  Before timing, the search pairs are checked for the same result
set (omg search --regex PATTERN against the native regex search; a difference is a
WARNING, not a failure).  omg is also run once with --timing per command for its own
breakdown.  Results: a table with ratios (native mean / omg mean; > 1 means omg is
faster), build/bench/results.json, and a Markdown table at the end.

Exit status: 0 when every command ran (warnings included), 1 when one failed to run.
Environment: OMG_BENCH_SECONDS (hyperfine budget per command, default 10);
OMG_BENCH_PARTS (default "cold,daemon,trans,fast,ui,vulns,aur": "daemon" runs only the daemon part, with
the native commands timed there instead; "trans" the transaction part, bench/trans.py; "fast"
the prompt part, bench/fast.py; "ui" the full-screen UI through a pty, bench/ui.py: time to
the first full frame, warm and cold, and keystroke-to-redraw of find as you type; "vulns"
omg vulns against debsecan on a generated feed over the host's installed packages, served
on 127.0.0.1, and the engine's VmRSS before and after loading it, bench/vulns.py; "aur"
omg search with the AUR's results from a loopback aurweb against the official-only search on
the Arch corpus: cold, cached, and a slow AUR against [aur] search_deadline, bench/aur.py);
OMG_BIN (the omg to time, default ./omg); OMG_BENCH_CLIENTS (default 1000),
OMG_BENCH_LOAD_SECONDS (default 5) and OMG_BENCH_LOAD_WARMUP (default 1) for loadgen;
OMG_LOADGEN (its path, default build/bench/loadgen; make bench passes $(O)/bench/loadgen);
bench/ui.py's own OMG_BENCH_UI_* variables, bench/aur.py's OMG_BENCH_AUR_*.
"""

import json
import math
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures"))

import trans  # noqa: E402  (bench/trans.py: the transaction part)
import fast  # noqa: E402  (bench/fast.py: the prompt part)
import ui  # noqa: E402  (bench/ui.py: the full-screen UI part)
import vulns  # noqa: E402  (bench/vulns.py: the advisories part)
import aur  # noqa: E402  (bench/aur.py: the AUR part)

OMG = os.path.abspath(os.environ.get("OMG_BIN") or os.path.join(ROOT, "omg"))
OUT_DIR = os.path.join(ROOT, "build", "bench")
CORPUS_DIR = os.path.join(OUT_DIR, "arch-corpus")
RESULTS = os.path.join(OUT_DIR, "results.json")
LISTS_DIR = "/var/lib/apt/lists"

WARMUP = 2
SECONDS_PER_CMD = float(os.environ.get("OMG_BENCH_SECONDS", "10"))
MIN_RUNS = 6
MAX_RUNS = 50
MAX_RUNS_FAST = 300  # warm daemon calls take milliseconds: more runs for a stable mean

PARTS = {p.strip() for p in
         os.environ.get("OMG_BENCH_PARTS", "cold,daemon,trans,fast,ui,vulns,aur").split(",")
         if p.strip()}
LOADGEN = os.environ.get("OMG_LOADGEN") or os.path.join(OUT_DIR, "loadgen")
CLIENTS = int(os.environ.get("OMG_BENCH_CLIENTS", "1000"))
LOAD_SECONDS = float(os.environ.get("OMG_BENCH_LOAD_SECONDS", "5"))
LOAD_WARMUP = float(os.environ.get("OMG_BENCH_LOAD_WARMUP", "1"))
DAEMON_START_SECONDS = 120  # the engine may have to build its index first
# The issues' goals: a warm search 150x the native tool's, at most twice /bin/true (the
# cost of any process) in the same run, and the daemon's throughput.
GOAL_SEARCH_RATIO = 150.0
GOAL_SEARCH_FLOOR = 2.0
GOAL_REQS_PER_S = 20000.0

ENV = dict(os.environ)
ENV["LC_ALL"] = "C.UTF-8"
ENV.pop("LANGUAGE", None)
ENV.pop("OMG_NO_STORE", None)
ENV.pop("OMG_SOCKET", None)
# The omg rows of parts 1 and 2 are the in-process cold start from the LMDB store, also once
# the CLI goes to a daemon by default; the daemon rows name their socket with --socket and
# run with DAEMON_ENV, where nothing turns the daemon off.
ENV["OMG_NO_DAEMON"] = "1"
# omg's index store and apt cache copy live under build/bench, not in the user's home.
for _var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
    ENV[_var] = os.path.join(OUT_DIR, "xdg", _var.lower())
DAEMON_ENV = dict(ENV)
DAEMON_ENV.pop("OMG_NO_DAEMON")

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


def run(argv, ok=(0,), what=None, env=None):
    """Run argv (no shell) and return (stdout, stderr, seconds); raise CommandFailed
    naming the command when it cannot start or exits outside ok."""
    t0 = time.monotonic()
    try:
        r = subprocess.run([str(a) for a in argv], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env or ENV)
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

def hyperfine(argv, runs, warmup=WARMUP, label=None, env=None, extra=()):
    """Time argv with hyperfine (extra: more hyperfine options); return a dict of seconds
    (mean, stddev, ...)."""
    fd, path = tempfile.mkstemp(prefix="omg-bench-", suffix=".json")
    os.close(fd)
    try:
        hf = ["hyperfine", "--shell=none", "--style", "none", "--warmup", str(warmup),
              "--runs", str(runs), "--export-json", path] + list(extra) + [cmdline(argv)]
        r = subprocess.run(hf, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env or ENV)
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


def runs_for(seconds, max_runs=MAX_RUNS):
    """Timed runs for a command whose single run took seconds."""
    return max(MIN_RUNS, min(max_runs, int(SECONDS_PER_CMD / max(seconds, 1e-3))))


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
    say("  omg --timing, no store:   " + fmt_timing(timing_cold))
    run(omg_argv, what="omg " + op)  # make sure the store holds this root
    timing = omg_timing(omg_argv, "omg " + op)
    say("  omg --timing, LMDB store: " + fmt_timing(timing))
    rn, ro, rc = runs_for(tn), runs_for(to), runs_for(max(tn, to))
    say("  timing %s (%d runs), omg (%d runs), omg without store (%d runs) ..." % (
        native_label, rn, ro, rc))
    n = hyperfine(native_argv, rn, label=native_label)
    o = hyperfine(omg_argv, ro, label="omg " + op)
    c = hyperfine(cold_argv, rc, label="omg " + op + " (no store)")
    r, rerr = ratio_of(n, o)
    rcold, rcold_err = ratio_of(n, c)
    w = max(len(native_label), len(op) + 24)
    say("  %-*s  %s" % (w, native_label, fmt_t(n)))
    say("  %-*s  %s" % (w, "omg " + op + " (cold, LMDB store)", fmt_t(o)))
    say("  %-*s  %s" % (w, "omg " + op + " (no store)", fmt_t(c)))
    say("  native/omg = %.2f ± %.2f: %s; without the store %.2f" % (
        r, rerr, verdict(r), rcold))
    return {"section": section, "operation": op, "native_label": native_label,
            "omg_mode": "in process, cold start from the LMDB store", "native": n, "omg": o, "omg_no_store": c, "ratio": round(r, 3),
            "ratio_err": round(rerr, 3), "ratio_no_store": round(rcold, 3),
            "ratio_no_store_err": round(rcold_err, 3), "verdict": verdict(r),
            "omg_timing": timing, "omg_timing_no_store": timing_cold, "check": chk}


def arch_part(pairs, skipped, daemons, tmpdirs):
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

    if "cold" in PARTS:
        pairs.append(bench_pair("arch", "search firefox", "pacman -Ss firefox",
                                pm("-Ss", "firefox"), base + ["search", "firefox"],
                                search_check("firefox")))
        pairs.append(bench_pair("arch", "search --regex 'fire.*fox'", "pacman -Ss 'fire.*fox'",
                                pm("-Ss", "fire.*fox"),
                                base + ["search", "--regex", "fire.*fox"],
                                search_check("fire.*fox")))
        pairs.append(bench_pair("arch", "info bash", "pacman -Si bash", pm("-Si", "bash"),
                                base + ["info", "bash"], info_check))
    if "daemon" in PARTS:
        daemons.append(daemon_part("arch", base, [
            ("search firefox", "pacman -Ss firefox", pm("-Ss", "firefox")),
            ("info bash", "pacman -Si bash", pm("-Si", "bash"))], pairs, tmpdirs))
    return {"root": root, "packages": info["packages"], "cached": info["cached"],
            "build_seconds": info["seconds"]}


def debian_lists():
    import corpus
    return corpus.list_files(LISTS_DIR)


def debian_part(pairs, skipped, daemons, tmpdirs):
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

    if "cold" in PARTS:
        pairs.append(bench_pair("debian", "search firefox", "apt-cache search firefox",
                                apt_cache + ["search", "firefox"], base + ["search", "firefox"],
                                search_check))
        pairs.append(bench_pair("debian", "info bash", "apt-cache show bash",
                                apt_cache + ["show", "bash"], base + ["info", "bash"],
                                info_check))
        pairs.append(bench_pair("debian", "list --upgradable", "apt list --upgradable",
                                apt + ["list", "--upgradable"], base + ["list", "--upgradable"],
                                upg_check))
    if "daemon" in PARTS:
        daemons.append(daemon_part("debian", base, [
            ("search firefox", "apt-cache search firefox", apt_cache + ["search", "firefox"]),
            ("info bash", "apt-cache show bash", apt_cache + ["show", "bash"])],
            pairs, tmpdirs))
    return {"lists": len(lists), "apt_cache_dir": d, "apt_cache_warm_seconds": round(dt, 2)}


# ---------------------------------------------------------------- daemon

# loadgen --decode-every 16 reads every reply's header and decodes one frame in 16 (and every
# error) in full: decoding all of them costs loadgen more CPU than the engine spends on a
# cached reply, and both share this machine's cores. The "every reply decoded" row shows
# that client-bound figure.
DECODE_EVERY = "16"
LOADS = (
    # (key, label, loadgen arguments, checked against the requests/s goal)
    ("search_repeated", "search firefox, repeated (cacheable)",
     ["--search", "firefox", "--decode-every", DECODE_EVERY], True),
    ("search_unique", "search, a new term each time (--unique)",
     ["--unique", "--decode-every", DECODE_EVERY], True),
    ("search_repeated_decoded", "search firefox, repeated, every reply decoded",
     ["--search", "firefox"], False),
    ("info_repeated", "info bash, repeated (context)",
     ["--info", "bash", "--decode-every", DECODE_EVERY], False),
)


def proc_mem(pid):
    """VmRSS and VmHWM of pid in MiB, from /proc/PID/status (None when unreadable)."""
    mem = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                key, _, val = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    mem[key] = round(int(val.split()[0]) / 1024.0, 1)
    except (OSError, ValueError):
        return None
    return mem


class Daemon:
    """An engine started with omg daemon --socket in a private 0700 directory."""

    def __init__(self, section, base, tmpdirs):
        self.section = section
        self.dir = tempfile.mkdtemp(prefix="omg-bench-sock.", dir="/tmp")
        tmpdirs.append(self.dir)
        self.sock = os.path.join(self.dir, "omgd.sock")
        self.log_path = os.path.join(OUT_DIR, "omgd-%s.log" % section)
        # --idle 0: the engine must outlive the minutes spent timing native commands.
        self.argv = base + ["daemon", "--socket", self.sock, "--idle", "0"]
        self.proc = None

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read().strip()[-2000:] or "(empty)"
        except OSError:
            return "(no log)"

    def start(self):
        """Start the engine; return once a connect succeeds (seconds taken)."""
        t0 = time.monotonic()
        with open(self.log_path, "w") as log:
            try:
                self.proc = subprocess.Popen([str(a) for a in self.argv], stdin=subprocess.DEVNULL,
                                             stdout=log, stderr=log, env=DAEMON_ENV)
            except OSError as e:
                raise CommandFailed("%s: cannot run: %s" % (cmdline(self.argv), e))
        while True:
            if self.proc.poll() is not None:
                raise CommandFailed("omg daemon exited %d before serving\n  command: %s\n"
                                    "  stderr: %s" % (self.proc.returncode, cmdline(self.argv),
                                                      self.log()))
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.sock)
                return time.monotonic() - t0
            except OSError:
                pass
            finally:
                s.close()
            if time.monotonic() - t0 > DAEMON_START_SECONDS:
                self.stop()
                raise CommandFailed("omg daemon did not serve %s within %d s\n  command: %s\n"
                                    "  stderr: %s" % (self.sock, DAEMON_START_SECONDS,
                                                      cmdline(self.argv), self.log()))
            time.sleep(0.02)

    def alive(self, what):
        if self.proc.poll() is not None:
            raise CommandFailed("omg daemon (%s) died (exit %d) before %s\n  stderr: %s" % (
                self.section, self.proc.returncode, what, self.log()))

    def stop(self):
        """SIGTERM, then wait; return a dict of how it ended (warnings for a bad end)."""
        if not self.proc or self.proc.poll() is not None:
            rc = self.proc.returncode if self.proc else None
            return {"exit": rc, "sigterm": False}
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            warn("omg daemon (%s) ignored SIGTERM for 15 s; killed" % self.section)
            return {"exit": rc, "sigterm": False}
        if rc != 0:
            warn("omg daemon (%s) exited %d on SIGTERM; stderr: %s" % (self.section, rc,
                                                                      self.log()))
        if os.path.exists(self.sock):
            warn("omg daemon (%s) left its socket %s behind" % (self.section, self.sock))
        return {"exit": rc, "sigterm": True}


def same_json(sbase, base, args, what):
    """Compare the --json output through the daemon with the in-process one."""
    a, _, _ = run(sbase + ["--json"] + args, ok=(0, 1), what=what + " (daemon)", env=DAEMON_ENV)
    b, _, _ = run(base + ["--json"] + args, ok=(0, 1), what=what + " (in process)")
    try:
        ja, jb = json.loads(a or "null"), json.loads(b or "null")
    except ValueError as e:
        raise CommandFailed("%s: bad --json output (%s)" % (what, e))
    if ja == jb:
        n = len(ja) if isinstance(ja, list) else 1
        say("  check: %s through the daemon and in process agree (%d records)" % (what, n))
        return {"same": True}

    def names(j):
        return {r.get("name") for r in j} if isinstance(j, list) else set()
    warn("%s through the daemon differs from in process: only daemon %s, only in process %s"
         % (what, sorted(names(ja) - names(jb))[:8], sorted(names(jb) - names(ja))[:8]))
    return {"same": False}


def daemon_cli_row(section, d, base, op, native_label, native_argv, pairs):
    """Time omg --socket SOCK OP against the native command (reusing the native timing of
    the cold part when it ran)."""
    say("")
    say("[%s, daemon] %s" % (section, op))
    args = op.split()
    sbase = [OMG, "--socket", d.sock]
    d.alive("omg " + op)
    _, _, to = run(sbase + args, what="omg --socket " + op, env=DAEMON_ENV)
    chk = same_json(sbase, base, args, "omg " + op)
    prior = next((p for p in pairs if p["section"] == section and
                  p["native_label"] == native_label), None)
    if prior:
        n = prior["native"]
        say("  %s: the timing of the cold part above" % native_label)
    else:
        _, _, tn = run(native_argv, what=native_label)
        rn = runs_for(tn)
        say("  timing %s (%d runs) ..." % (native_label, rn))
        n = hyperfine(native_argv, rn, label=native_label)
    ro = runs_for(to, MAX_RUNS_FAST)
    say("  timing omg --socket SOCK %s (%d runs) ..." % (op, ro))
    o = hyperfine(sbase + args, ro, label="omg --socket " + op, env=DAEMON_ENV)
    r, rerr = ratio_of(n, o)
    w = max(len(native_label), len(op) + 20)
    say("  %-*s  %s" % (w, native_label, fmt_t(n)))
    say("  %-*s  %s" % (w, "omg --socket SOCK " + op, fmt_t(o)))
    say("  native/omg = %.1f ± %.1f: %s" % (r, rerr, verdict(r)))
    return {"operation": op, "native_label": native_label, "native": n, "omg": o,
            "omg_mode": "omg --socket SOCK: warm daemon, CLI process start included",
            "ratio": round(r, 2), "ratio_err": round(rerr, 2), "verdict": verdict(r),
            "check": chk}


def daemon_load(d, key, label, args, goal):
    """Run loadgen against the daemon; return its JSON with the engine's memory after."""
    d.alive("loadgen " + label)
    argv = [LOADGEN, "--socket", d.sock, "--clients", CLIENTS, "--duration", LOAD_SECONDS,
            "--warmup", LOAD_WARMUP] + args
    say("  loadgen: %s ..." % label)
    load_before = os.getloadavg()[0]
    out, err, dt = run(argv, ok=(0, 1), what="loadgen " + label, env=DAEMON_ENV)
    lines = [l for l in out.splitlines() if l.strip()]
    try:
        res = json.loads(lines[-1])
    except (IndexError, ValueError):
        raise CommandFailed("loadgen %s printed no JSON line\n  command: %s\n  stderr: %s" % (
            label, cmdline(argv), err.strip()[-2000:] or "(empty)"))
    res["key"], res["label"], res["wall_seconds"] = key, label, round(dt, 1)
    res["goal"] = goal
    res["argv"] = cmdline(argv)
    res["loadavg_before"] = round(load_before, 2)
    res["engine_mem_after"] = proc_mem(d.proc.pid)
    lat = res["latency_ms"]
    say("    %.0f requests/s (%d ok, %d errors), latency p50 %.2f p90 %.2f p99 %.2f max %.2f ms;"
        % (res["requests_per_s"], res["ok"], res["errors"], lat["p50"], lat["p90"], lat["p99"],
           lat["max"]))
    say("    %.0f bytes/reply; cpu: engine %s%%, loadgen %.0f%%; engine after: %s" % (
        res["reply_bytes_per_request"],
        "?" if res["engine_cpu_percent"] is None else "%.0f" % res["engine_cpu_percent"],
        res["loadgen_cpu_percent"], fmt_mem(res["engine_mem_after"])))
    if res["conn_errors"]:
        warn("loadgen %s: %d connections failed (first: %s)" % (
            label, res["conn_errors"], res["first_conn_error"]))
    if res["errors"]:
        warn("loadgen %s: %d error replies %s, the first: %s" % (
            label, res["errors"], res["errors_by_code"], res.get("first_error")))
    if res.get("unique_wrapped"):
        warn("loadgen %s: the %d unique terms ran out; some searches repeated" % (
            label, res["unique_terms"]))
    # In a closed loop, steady-state mean latency = clients / throughput (Little's law).
    if res["requests_per_s"] > 0:
        res["little_latency_ms"] = round(res["clients"] / res["requests_per_s"] * 1000.0, 1)
    # Latencies near the window's length cannot be seen whole: the slow tail is still out.
    res["latency_censored"] = (res["ok"] < 2 * res["clients"] or
                               res["oldest_outstanding_ms"] > 100.0 * res["duration_s"])
    if res["latency_censored"]:
        say("    note: fewer than 2 replies per client in the window, or a request still out at"
            " the end for %.0f ms (over a tenth of the window): the percentiles are cut off;"
            " the steady-state mean would be %s ms (clients / requests per s)" % (
                res["oldest_outstanding_ms"], res.get("little_latency_ms", "?")))
    if res["loadgen_cpu_percent"] > 85:
        say("    note: loadgen itself used %.0f%% of a core: this figure is a lower bound"
            % res["loadgen_cpu_percent"])
    return res


def fmt_mem(m):
    if not m:
        return "?"
    return "VmRSS %.1f MiB, VmHWM %.1f MiB" % (m.get("VmRSS", -1), m.get("VmHWM", -1))


def daemon_part(section, base, rows, pairs, tmpdirs):
    """Start the engine for base's root, time the CLI through it, load it, stop it."""
    say("")
    say("[%s, daemon] starting %s ..." % (section, cmdline(base + ["daemon", "--socket", "SOCK",
                                                                 "--idle", "0"])))
    d = Daemon(section, base, tmpdirs)
    res = {"section": section, "command": cmdline(d.argv), "cli": [], "load": [],
           "clients": CLIENTS, "load_seconds": LOAD_SECONDS, "load_warmup": LOAD_WARMUP}
    try:
        res["start_seconds"] = round(d.start(), 2)
        res["pid"] = d.proc.pid
        res["engine_mem_start"] = proc_mem(d.proc.pid)
        say("  serving after %.2f s, pid %d, %s" % (res["start_seconds"], d.proc.pid,
                                                   fmt_mem(res["engine_mem_start"])))
        for op, native_label, native_argv in rows:
            res["cli"].append(daemon_cli_row(section, d, base, op, native_label, native_argv,
                                             pairs))
        res["engine_mem_after_cli"] = proc_mem(d.proc.pid)
        say("")
        say("[%s, daemon] load: %d clients, closed loops, %g s after a %g s warm-up, %d cpus"
            % (section, CLIENTS, LOAD_SECONDS, LOAD_WARMUP, os.cpu_count() or 0))
        say("  (loadgen --decode-every %s: every reply's header is read, one frame in %s and every"
            " error decoded in full)" % (DECODE_EVERY, DECODE_EVERY))
        for key, label, args, goal in LOADS:
            res["load"].append(daemon_load(d, key, label, args, goal))
        res["engine_mem_after_load"] = proc_mem(d.proc.pid)
        say("  engine after the load: %s" % fmt_mem(res["engine_mem_after_load"]))
        d.alive("the end")
    finally:
        res["stop"] = d.stop()
    return res


def goals_of(daemons, floor):
    """The issue's goals, each with the figure measured and met or not."""
    goals = []
    for d in daemons:
        for row in d["cli"]:
            if not row["operation"].startswith("search"):
                continue
            f = row["omg"]["mean"] / floor["mean"]
            goals.append({
                "goal": "warm omg %s <= %gx /bin/true" % (row["operation"], GOAL_SEARCH_FLOOR),
                "section": d["section"], "value": round(f, 2), "met": f <= GOAL_SEARCH_FLOOR,
                "figure": "%.2fx (%s ms vs %s ms)" % (f, fmt_ms(row["omg"]["mean"]),
                                                       fmt_ms(floor["mean"])),
                "note": ""})
            r, err = row["ratio"], row["ratio_err"]
            goals.append({
                "goal": "warm search >= %gx faster than %s" % (GOAL_SEARCH_RATIO,
                                                              row["native_label"]),
                "section": d["section"], "value": r, "error": err, "met": r >= GOAL_SEARCH_RATIO,
                "figure": "%.0fx ± %.0f (%s ms vs %s ms)" % (
                    r, err, fmt_ms(row["native"]["mean"]), fmt_ms(row["omg"]["mean"])),
                "note": ("" if r < GOAL_SEARCH_RATIO or r - err >= GOAL_SEARCH_RATIO else
                         "the error bar reaches below %gx" % GOAL_SEARCH_RATIO)})
        for ld in d["load"]:
            if not ld["goal"]:
                continue
            v = ld["requests_per_s"]
            goals.append({
                "goal": "%g requests/s on %d cpus: %s" % (GOAL_REQS_PER_S, os.cpu_count() or 0,
                                                         ld["label"]),
                "section": d["section"], "value": round(v, 1), "met": v >= GOAL_REQS_PER_S,
                "figure": "%.0f requests/s (%.1f%% of the goal)" % (v, 100.0 * v /
                                                                    GOAL_REQS_PER_S),
                "note": ""})
    return goals


# ---------------------------------------------------------------- report

def print_table(pairs, floor):
    say("")
    say("=" * 140)
    say("cold start from LMDB: omg in process, a new process per call, index from the store"
        " (no store: rebuilt from the package databases)")
    say("-" * 140)
    hdr = "%-7s %-32s %-26s %13s %13s %14s  %s" % (
        "corpus", "omg command", "native command", "native (ms)", "omg LMDB (ms)",
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


def print_daemon_table(daemons, goals):
    say("")
    say("=" * 140)
    say("warm daemon: omg --socket SOCK, the engine started with omg daemon (CLI process start"
        " included)")
    say("-" * 140)
    say("%-7s %-40s %-26s %13s %13s  %s" % ("corpus", "omg command", "native command",
                                            "native (ms)", "omg (ms)", "native/omg"))
    say("-" * 140)
    for d in daemons:
        for row in d["cli"]:
            say("%-7s %-40s %-26s %13s %13s  %.1f ± %.1f %s" % (
                d["section"], "omg --socket SOCK " + row["operation"], row["native_label"],
                "%s ± %s" % (fmt_ms(row["native"]["mean"]), fmt_ms(row["native"]["stddev"])),
                "%s ± %s" % (fmt_ms(row["omg"]["mean"]), fmt_ms(row["omg"]["stddev"])),
                row["ratio"], row["ratio_err"], row["verdict"]))
    say("-" * 140)
    if daemons:
        d0 = daemons[0]
        say("load: loadgen, %d clients in closed loops, %g s after a %g s warm-up; %d cpus; "
            "requests/s counts ok replies" % (d0["clients"], d0["load_seconds"],
                                             d0["load_warmup"], os.cpu_count() or 0))
    say("%-7s %-42s %9s %9s %9s %9s %7s %11s %13s  %s" % (
        "corpus", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "engine cpu",
        "loadgen cpu", "engine memory after"))
    say("-" * 140)
    for d in daemons:
        for ld in d["load"]:
            lat = ld["latency_ms"]
            say("%-7s %-42s %9.0f %9.2f %9.2f %9.2f %7d %10s%% %12.0f%%  %s%s" % (
                d["section"], ld["label"], ld["requests_per_s"], lat["p50"], lat["p99"],
                lat["max"], ld["errors"] + ld["conn_errors"],
                "?" if ld["engine_cpu_percent"] is None else "%.0f" % ld["engine_cpu_percent"],
                ld["loadgen_cpu_percent"], fmt_mem(ld["engine_mem_after"]),
                " (percentiles cut off by the window)" if ld["latency_censored"] else ""))
    say("-" * 140)
    for d in daemons:
        say("%-7s engine: serving after %.2f s; memory at start %s; after the CLI calls %s;"
            % (d["section"], d["start_seconds"], fmt_mem(d["engine_mem_start"]),
               fmt_mem(d["engine_mem_after_cli"])))
        say("%-7s         after the load %s; log %s" % (
            "", fmt_mem(d["engine_mem_after_load"]),
            os.path.relpath(os.path.join(OUT_DIR, "omgd-%s.log" % d["section"]), ROOT)))
    say("")
    say("goals (from the issue):")
    for g in goals:
        say("  %-4s %-7s %-70s %s%s" % ("MET" if g["met"] else "NOT", g["section"], g["goal"],
                                       g["figure"], "; " + g["note"] if g["note"] else ""))


def markdown_daemon(daemons, goals):
    lines = ["| corpus | operation | native command | native mean ± sd | omg --socket mean ± sd "
             "| native/omg |", "|---|---|---|---|---|---|"]
    for d in daemons:
        for row in d["cli"]:
            lines.append("| %s | `omg --socket SOCK %s` | `%s` | %s ms ± %s | %s ms ± %s | "
                         "%.1fx |" % (
                             d["section"], row["operation"], row["native_label"],
                             fmt_ms(row["native"]["mean"]), fmt_ms(row["native"]["stddev"]),
                             fmt_ms(row["omg"]["mean"]), fmt_ms(row["omg"]["stddev"]),
                             row["ratio"]))
    lines += ["", "| corpus | load (%d clients) | requests/s | p50 ms | p99 ms | errors "
              "| engine VmRSS / VmHWM after |" % (daemons[0]["clients"] if daemons else 0),
              "|---|---|---|---|---|---|---|"]
    for d in daemons:
        for ld in d["load"]:
            m = ld["engine_mem_after"] or {}
            lines.append("| %s | %s | %.0f | %.2f | %.2f | %d | %s / %s MiB |" % (
                d["section"], ld["label"], ld["requests_per_s"], ld["latency_ms"]["p50"],
                ld["latency_ms"]["p99"], ld["errors"] + ld["conn_errors"],
                m.get("VmRSS", "?"), m.get("VmHWM", "?")))
    lines += ["", "| goal | corpus | measured | met |", "|---|---|---|---|"]
    for g in goals:
        lines.append("| %s | %s | %s | %s |" % (g["goal"], g["section"], g["figure"],
                                                "yes" if g["met"] else "**no**"))
    return "\n".join(lines)


def markdown(pairs, floor):
    lines = ["| corpus | operation | native command | native mean ± sd | omg LMDB mean ± sd "
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


def needed_libraries(path):
    """The shared libraries a program asks for (its ELF NEEDED entries, as ldd starts from)."""
    out, _, _ = run(["readelf", "-d", os.path.realpath(path)], what="readelf -d omg")
    return [l.split("[", 1)[1].split("]", 1)[0] for l in out.splitlines() if "(NEEDED)" in l]


def main():
    t_start = time.monotonic()
    if not os.access(OMG, os.X_OK):
        say("bench: FAILED: %s is missing or not executable (run make first)" % OMG)
        return 1
    if not shutil.which("hyperfine"):
        say("bench: FAILED: hyperfine is not installed")
        return 1
    if not PARTS or PARTS - {"cold", "daemon", "trans", "fast", "ui", "vulns", "aur"}:
        say("bench: FAILED: OMG_BENCH_PARTS takes cold, daemon, trans, fast, ui, vulns and "
            "aur, not %r"
            % os.environ.get("OMG_BENCH_PARTS"))
        return 1
    if "daemon" in PARTS and not os.access(LOADGEN, os.X_OK):
        say("bench: FAILED: %s is missing or not executable (make bench builds it)" % LOADGEN)
        return 1
    os.makedirs(OUT_DIR, exist_ok=True)
    pairs, skipped, tmpdirs, daemons = [], [], [], []
    results = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "host": {"machine": platform.machine(), "kernel": platform.release(),
                        "cpus": os.cpu_count(), "loadavg_start": os.getloadavg()},
               "warmup": WARMUP, "seconds_per_command": SECONDS_PER_CMD,
               "parts": sorted(PARTS)}
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
        libs = needed_libraries(OMG)
        results["omg_needed"] = libs
        say("omg asks for: %s" % ", ".join(libs))
        heavy = [l for l in libs if l.split(".so")[0] in ("liblmdb", "libcrypto", "libalpm",
                                                          "libapt-pkg")]
        if heavy:
            warn("omg links %s: the client should load the engine's libraries only with "
                 "the engine module" % ", ".join(heavy))
        say("floor: timing /bin/true ...")
        floor = hyperfine(["/bin/true"], 200, warmup=20, label="/bin/true")
        say("  /bin/true %s" % fmt_t(floor))
        results["floor"] = floor
        if PARTS & {"cold", "daemon"}:
            results["arch"] = arch_part(pairs, skipped, daemons, tmpdirs)
            results["debian"] = debian_part(pairs, skipped, daemons, tmpdirs)
        if "trans" in PARTS:
            results["trans"] = trans.trans_part(OMG, DAEMON_ENV, run, hyperfine, say, runs_for,
                                                tmpdirs)
        if "fast" in PARTS:
            results["fast"] = fast.fast_part(OMG, DAEMON_ENV, run, hyperfine, say, floor,
                                             tmpdirs)
        if "ui" in PARTS:
            results["ui"] = ui.ui_part(OMG, DAEMON_ENV, run, say, tmpdirs, CORPUS_DIR, OUT_DIR,
                                       bool(debian_lists()))
        if "vulns" in PARTS:
            results["vulns"] = vulns.vulns_part(OMG, DAEMON_ENV, run, hyperfine, say, runs_for,
                                                tmpdirs, OUT_DIR)
        if "aur" in PARTS:
            results["aur"] = aur.aur_part(OMG, DAEMON_ENV, run, hyperfine, say, warn, tmpdirs,
                                          OUT_DIR, CORPUS_DIR)
    except (CommandFailed, RuntimeError) as e:
        say("")
        say("bench: FAILED: %s" % e)
        return 1
    finally:
        for d in tmpdirs:
            shutil.rmtree(d, ignore_errors=True)

    goals = goals_of(daemons, floor) if daemons else []
    results["pairs"] = pairs
    results["daemon"] = daemons
    results["goals"] = goals
    results["skipped"] = skipped
    results["warnings"] = WARNINGS
    results["host"]["loadavg_end"] = os.getloadavg()
    results["seconds"] = round(time.monotonic() - t_start, 1)
    with open(RESULTS + ".tmp", "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    os.replace(RESULTS + ".tmp", RESULTS)

    if pairs:
        print_table(pairs, floor)
    if daemons:
        print_daemon_table(daemons, goals)
    if results.get("trans"):
        trans.print_trans(results["trans"], say)
    if results.get("fast"):
        fast.print_fast(results["fast"], say)
    if results.get("ui"):
        ui.print_ui(results["ui"], say)
    if results.get("vulns"):
        vulns.print_vulns(results["vulns"], say)
    if results.get("aur"):
        aur.print_aur(results["aur"], say)
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
    if pairs:
        say("")
        say(markdown(pairs, floor))
    if daemons:
        say("")
        say(markdown_daemon(daemons, goals))
    if results.get("ui"):
        say("")
        say(ui.markdown_ui(results["ui"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
