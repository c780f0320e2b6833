# SPDX-License-Identifier: MIT
"""The advisories part of make bench: omg vulns against debsecan on the host's own packages.

The host's /var/lib/dpkg/status is read (never written) and a debsecan feed (FORMATS.md 3.2:
zlib text, VERSION 1, vulnerabilities, records, source-to-binaries map) is generated over
its installed packages: source records (fixed below the installed source version, above it,
unfixed, above it but naming the installed version among other_versions), binary records,
and records of packages that are not installed, as the real feed carries every package of
the release. It is served on 127.0.0.1 by tests/fixtures/httpd.py as CODENAME; omg reads it
through [security] debian_url/debian_release in a config file under temporary XDG dirs (the
user-mode engine for the host root: a read), debsecan through --suite/--source/--status.

Binary records are only written where debsecan's two corner cases (docs/security.md) cannot
apply, so both tools must report the same package set: a difference is a WARNING.

Timed (hyperfine, warm: the data fetched once before):
    omg --socket SOCK vulns                          the engine started with omg daemon
    debsecan --suite CODENAME --source URL --status /var/lib/dpkg/status --format packages
    omg --no-daemon vulns                            in process, the stored feed, for reference
and the engine's VmRSS before the first fetch and after omg vulns --refresh.
Then the same for Arch, unless OMG_BENCH_VULNS_ARCH=0: a sandbox root whose local db holds the
host's packages (versions as tests/fixtures/corpus.py converts them), an all.json of
RECORDS/2 AVGs on loopback; omg vulns is checked against arch-audit's rule computed here and
timed warm (arch-audit is not on this host), with the engine's VmRSS before and after.
Environment: OMG_BENCH_VULNS_RECORDS (records in the feed, default 3000).
"""
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures"))

import httpd  # noqa: E402  (tests/fixtures/httpd.py: the loopback server)

RECORDS = int(os.environ.get("OMG_BENCH_VULNS_RECORDS", "3000"))
ARCH = os.environ.get("OMG_BENCH_VULNS_ARCH", "1") != "0"
STATUS = "/var/lib/dpkg/status"
CODENAME = "omgbench"
DEBSECAN = "/usr/bin/debsecan"
START_SECONDS = 120  # the engine builds the host's index first


def installed_packages(path=STATUS):
    """[(name, version, source, source_version)] of the installed packages of a dpkg status
    file, as debsecan reads them ('installed' a word of Status; Source: 'name (version)')."""
    pkgs = []
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    for para in text.split("\n\n"):
        fields = {}
        for line in para.splitlines():
            if line and not line[0].isspace() and ":" in line:
                k, _, v = line.partition(":")
                fields[k] = v.strip()
        if "installed" not in fields.get("Status", "").split(" ") or "Version" not in fields:
            continue
        src = fields.get("Source", "")
        sname, _, sver = src.partition(" ")
        sver = sver.strip("()") or fields["Version"]
        pkgs.append((fields["Package"], fields["Version"], sname or fields["Package"], sver))
    return pkgs


def make_feed(pkgs, n_records, seed=15):
    """The feed's text and what it is made of (a dict of counts)."""
    rnd = random.Random(seed)
    sources = {}  # source -> (version, [binaries])
    for name, _ver, src, sver in pkgs:
        sources.setdefault(src, (sver, []))[1].append(name)
    src_names = set(sources)
    vulns, records, counts = [], [], {"source": 0, "binary": 0, "absent": 0, "vulnerable": 0}

    def vuln():
        # a CVE shared by several records now and then, as the real feed has
        if vulns and rnd.random() < 0.3:
            return rnd.randrange(len(vulns))
        vid = ("CVE-%d-%d" % (rnd.randint(2005, 2025), rnd.randint(1000, 52000))
               if rnd.random() < 0.92 else "TEMP-%07d-%06X" % (rnd.randint(0, 9999999),
                                                                rnd.getrandbits(24)))
        vulns.append("%s,,%s" % (vid, rnd.choice((
            "buffer overflow in the parser", "use-after-free, remote crash",
            "integer overflow when reading crafted input", "denial of service",
            "path traversal, arbitrary file write", ""))))
        return len(vulns) - 1

    def flags(kind, fix):
        return kind + rnd.choice(" LMMHH") + rnd.choice("?RR ") + ("F" if fix else " ")

    def noise():
        return ["%d.%d-%d" % (rnd.randint(0, 9), rnd.randint(0, 30), rnd.randint(1, 5))
                for _ in range(rnd.choice((0, 0, 1, 2)))]

    def source_record(src, sver):
        kind = rnd.random()
        other = noise()
        if kind < 0.45:       # fixed below the installed version
            fixed, vul = sver + "~deb12u0", False
        elif kind < 0.72:     # fixed above
            fixed, vul = sver + "+deb12u9", True
        elif kind < 0.87:     # no fix yet
            fixed, vul = "", True
        else:                 # fixed above, but the installed version is among other_versions
            fixed, vul = sver + "+deb12u9", False
            other.insert(rnd.randrange(len(other) + 1), sver)
        rnd.shuffle(other)
        records.append("%s,%d,%s,%s,%s" % (src, vuln(), flags("S", fixed), fixed,
                                           " ".join(other)))
        return vul

    names = sorted(sources)
    rnd.shuffle(names)
    with_src = names[: int(len(names) * 0.6)]
    binary_ok = [(b, v) for (b, v, s, _sv) in pkgs
                 if s not in with_src and b not in src_names]
    per = max(1, int(n_records * 0.55 / max(len(with_src), 1)))
    for src in with_src:
        sver = sources[src][0]
        vul = False
        for _ in range(rnd.randint(1, 2 * per)):
            vul |= source_record(src, sver)
            counts["source"] += 1
        counts["vulnerable"] += vul * len(sources[src][1])
    for b, v in binary_ok:
        if rnd.random() >= 0.5:
            continue
        vul = False
        for _ in range(rnd.randint(1, 3)):
            fix = rnd.random()
            fixed = v + "~deb12u0" if fix < 0.5 else v + "+deb12u9" if fix < 0.85 else ""
            vul |= fix >= 0.5
            records.append("%s,%d,%s,%s," % (b, vuln(), flags("B", fixed), fixed))
            counts["binary"] += 1
        counts["vulnerable"] += vul
    absent = {}
    i = 0
    while len(records) < n_records:
        # packages of the release this host does not have
        src = "absent%d-%s" % (i // 3, rnd.choice(("lib", "tools", "server", "doc")))
        absent.setdefault(src, [src, src + "-dev"])
        source_record(src, "%d.%d-%d" % (rnd.randint(0, 9), rnd.randint(0, 30), 1))
        counts["absent"] += 1
        i += 1
    srcmap = ["%s,%s" % (s, " ".join(sorted(sources[s][1]))) for s in sorted(sources)]
    srcmap += ["%s,%s" % (s, " ".join(b)) for s, b in sorted(absent.items())]
    counts.update(records=len(records), vulns=len(vulns), installed=len(pkgs),
                  installed_sources=len(sources))
    text = "VERSION 1\n%s\n\n%s\n\n%s\n" % ("\n".join(vulns), "\n".join(records),
                                           "\n".join(srcmap))
    return text, counts


def proc_rss(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError):
        pass
    return None


def _xdg_env(env, base):
    """env with XDG dirs of its own under base: a fresh data dir holds no stored feed."""
    env = dict(env)
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR"):
        env[var] = os.path.join(base, var.lower())
        os.makedirs(env[var], mode=0o700)
    env.pop("OMG_NO_DAEMON", None)
    return env


def _config(env, keys):
    os.makedirs(os.path.join(env["XDG_CONFIG_HOME"], "omg"))
    with open(os.path.join(env["XDG_CONFIG_HOME"], "omg", "config"), "w") as f:
        # refresh 0: the engine fetches only when told, so its memory is seen before
        f.write("[security]\nrefresh = 0\n" + keys)


class Engine:
    """omg [--root R] daemon --socket SOCK --idle 0, serving once a connect succeeds."""

    def __init__(self, base, sock, env, log_path, what="vulns"):
        self.argv, self.sock, self.env, self.log_path = base, sock, env, log_path
        self.what = what  # in its errors: which part's engine

    def __enter__(self):
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(self.argv + ["daemon", "--socket", self.sock,
                                                      "--idle", "0"],
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         env=self.env)
        self.pid = self.proc.pid
        t0 = time.monotonic()
        while True:
            self.alive()
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.sock)
                return self
            except OSError:
                if time.monotonic() - t0 > START_SECONDS:
                    self.__exit__()
                    raise RuntimeError("omg daemon (%s) did not serve in %d s; log %s"
                                       % (self.what, START_SECONDS, self.log_path))
                time.sleep(0.02)
            finally:
                s.close()

    def alive(self):
        if self.proc.poll() is not None:
            raise RuntimeError("omg daemon (%s) exited %d; log %s"
                               % (self.what, self.proc.returncode, self.log_path))

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def vulns_part(omg, env, run, hyperfine, say, runs_for, tmpdirs, out_dir):
    say("")
    if not os.access(DEBSECAN, os.X_OK) or not os.path.exists(STATUS):
        say("[vulns] skipped: needs %s and %s" % (DEBSECAN, STATUS))
        return {"skipped": "no debsecan or dpkg status"}
    env0 = env
    base = tempfile.mkdtemp(prefix="omg-bench-vulns.", dir="/tmp")
    tmpdirs.append(base)
    served = os.path.join(base, "www")
    os.makedirs(served)
    pkgs = installed_packages()
    text, counts = make_feed(pkgs, RECORDS)
    data = zlib.compress(text.encode(), 9)
    with open(os.path.join(served, CODENAME), "wb") as f:
        f.write(data)
    counts["bytes"], counts["zlib_bytes"] = len(text), len(data)
    say("[vulns] debsecan feed over the host's %d installed packages (%d sources): %d records "
        "(%d source, %d binary, %d of absent packages), %d vulnerabilities, %.0f KiB zlib"
        % (counts["installed"], counts["installed_sources"], counts["records"],
           counts["source"], counts["binary"], counts["absent"], counts["vulns"],
           len(data) / 1024.0))

    env = _xdg_env(env, base)
    sock = os.path.join(env["XDG_RUNTIME_DIR"], "omgd.sock")
    res = {"feed": counts}
    with httpd.LoopbackHTTP(served, log=os.path.join(base, "requests.log")) as srv:
        url = srv.url("/")
        _config(env, "debian_url = %s\ndebian_release = %s\n" % (url, CODENAME))
        sbase = [omg, "--socket", sock]
        with Engine([omg], sock, env, os.path.join(out_dir, "omgd-vulns.log")) as proc:
            # the index is there once status answers; no feed yet (exit 14)
            run(sbase + ["status"], what="omg status (vulns)", env=env)
            run(sbase + ["vulns"], ok=(14,), what="omg vulns before a fetch",
                            env=env)
            rss0 = proc_rss(proc.pid)
            _, _, tf = run(sbase + ["vulns", "--refresh"], ok=(0, 1),
                           what="omg vulns --refresh", env=env)
            rss1 = proc_rss(proc.pid)
            res["rss_mib"] = {"before": rss0, "after": rss1,
                              "delta": None if rss0 is None or rss1 is None else rss1 - rss0}
            res["refresh_seconds"] = tf
            say("  engine VmRSS before the first fetch %.1f MiB, after omg vulns --refresh "
                "%.1f MiB: %+.1f MiB (the fetch, parse, store and join took %.0f ms)"
                % (rss0, rss1, rss1 - rss0, tf * 1000))

            out, _, to = run(sbase + ["--json", "vulns"], ok=(0, 1), what="omg vulns",
                             env=env)
            omg_names = {r["name"] for r in json.loads(out or "[]")}
            deb = [DEBSECAN, "--suite", CODENAME, "--source", url, "--status", STATUS,
                   "--format", "packages"]
            dout, _, tn = run(deb, what="debsecan", env=env)
            deb_names = set(dout.split())
            res["omg_count"], res["debsecan_count"] = len(omg_names), len(deb_names)
            res["same"] = omg_names == deb_names
            if res["same"]:
                say("  check: omg vulns and debsecan agree: %d vulnerable packages"
                    % len(omg_names))
            else:
                only_d, only_o = sorted(deb_names - omg_names), sorted(omg_names - deb_names)
                res["only_debsecan"], res["only_omg"] = only_d[:50], only_o[:50]
                raise RuntimeError("omg vulns (%d) and debsecan (%d) differ: only debsecan "
                                   "%s; only omg %s" % (len(omg_names), len(deb_names),
                                                        only_d[:8], only_o[:8]))
            nd = [omg, "--no-daemon", "vulns"]
            _, _, tnd = run(nd, ok=(0, 1), what="omg --no-daemon vulns", env=env)
            say("  timing debsecan, omg vulns (warm engine), omg --no-daemon vulns ...")
            ok = "--ignore-failure"  # omg vulns exits 1 when it lists packages
            res["debsecan"] = hyperfine(deb, runs_for(tn), label="debsecan", env=env)
            res["omg"] = hyperfine(sbase + ["vulns"], runs_for(to, 300), label="omg vulns",
                                   env=env, extra=[ok])
            res["omg_no_daemon"] = hyperfine(nd, runs_for(tnd), label="omg --no-daemon vulns",
                                             env=env, extra=[ok])
            proc.alive()
            res["rss_mib"]["after_runs"] = proc_rss(proc.pid)
        res["requests"] = len(srv.requests("/" + CODENAME))
    d, o, n = res["debsecan"]["mean"], res["omg"]["mean"], res["omg_no_daemon"]["mean"]
    res["ratio"], res["ratio_no_daemon"] = d / o, d / n
    say("  debsecan %.1f ms, omg vulns %.2f ms, omg --no-daemon vulns %.1f ms" % (
        d * 1e3, o * 1e3, n * 1e3))
    say("  debsecan/omg = %.1f (omg is %.1fx faster); without the daemon %.2f"
        % (res["ratio"], res["ratio"], res["ratio_no_daemon"]))
    if ARCH:
        res["alpm"] = arch_vulns_part(omg, env0, run, hyperfine, say, runs_for, tmpdirs,
                                      out_dir, pkgs)
    return res


def arch_root(dir, pkgs):
    """An Arch root whose local db holds the host's installed packages (versions converted
    by corpus.arch_version) and an empty sync db; returns [(name, version)]."""
    import corpus
    import gzip
    local = os.path.join(dir, "var/lib/pacman/local")
    for sub in ("var/lib/pacman/sync", "var/cache/pacman/pkg", "var/log",
                "etc/pacman.d/hooks", "etc/pacman.d/gnupg"):
        os.makedirs(os.path.join(dir, sub), exist_ok=True)
    os.makedirs(local)
    with open(os.path.join(local, "ALPM_DB_VERSION"), "w") as f:
        f.write("9\n")
    with open(os.path.join(dir, "etc/pacman.conf"), "w") as f:
        f.write(corpus.CONF % (corpus.REPO, os.path.join(dir, "repo")))
    with open(os.path.join(dir, "var/lib/pacman/sync", corpus.REPO + ".db"), "wb") as f:
        f.write(gzip.compress(b"\0" * 10240, mtime=0))
    out, seen = [], set()
    for name, ver, _s, _sv in pkgs:
        name = name.lower()
        if name in seen:
            continue
        seen.add(name)
        v = corpus.arch_version(ver)
        d = os.path.join(local, "%s-%s" % (name, v))
        os.makedirs(d)
        with open(os.path.join(d, "desc"), "w") as f:
            f.write("%%NAME%%\n%s\n\n%%VERSION%%\n%s\n\n%%ARCH%%\nx86_64\n\n"
                    "%%INSTALLDATE%%\n1700000000\n\n%%REASON%%\n0\n\n" % (name, v))
        with open(os.path.join(d, "files"), "w") as f:
            f.write("")
        out.append((name, v))
    return out


def make_avgs(pkgs, n, seed=15):
    """The tracker's all.json over pkgs: n AVGs, a third on packages not installed; and the
    names the rule must report (arch-audit's: not Not affected, no fix or installed < fixed)."""
    rnd = random.Random(seed)
    avgs, expect = [], set()
    for i in range(n):
        if rnd.random() < 0.33:
            names, ver = ["absent%d" % i], "1.%d-1" % rnd.randint(0, 9)
            installed = False
        else:
            name, ver = rnd.choice(pkgs)
            names, installed = [name], True
        pv, _, rel = ver.rpartition("-")
        k = rnd.random()
        status = "Fixed"
        if k < 0.45:
            fixed = pv + "-0" if not rel.startswith("0") else None
        elif k < 0.75:
            fixed = pv + "-" + rel + ".1"
        elif k < 0.9:
            fixed, status = None, rnd.choice(("Vulnerable", "Unknown"))
        else:
            fixed, status = None, "Not affected"
        if fixed is None and status == "Fixed":
            continue
        if installed and status != "Not affected" and (fixed is None or k >= 0.45):
            expect.add(names[0])
        avgs.append({"name": "AVG-%d" % (1000 + i), "packages": names, "status": status,
                     "severity": rnd.choice(("Unknown", "Low", "Medium", "High", "Critical")),
                     "type": "arbitrary code execution", "affected": ver, "fixed": fixed,
                     "ticket": None, "issues": ["CVE-2025-%d" % (10000 + i)],
                     "advisories": []})
    return avgs, expect


def arch_vulns_part(omg, env, run, hyperfine, say, runs_for, tmpdirs, out_dir, pkgs):
    """omg vulns on an Arch root with the host's packages, warm; there is no arch-audit here
    to compare with, so the figures are omg's own and its memory."""
    base = tempfile.mkdtemp(prefix="omg-bench-avulns.", dir="/tmp")
    tmpdirs.append(base)
    root = os.path.join(base, "root")
    apkgs = arch_root(root, pkgs)
    avgs, expect = make_avgs(apkgs, RECORDS // 2)
    served = os.path.join(base, "www")
    os.makedirs(served)
    with open(os.path.join(served, "all.json"), "w") as f:
        json.dump(avgs, f, indent=2)
    say("")
    say("[vulns, alpm] all.json of %d AVGs over %d packages installed in an Arch sandbox"
        % (len(avgs), len(apkgs)))
    env = _xdg_env(env, base)
    res = {"avgs": len(avgs), "installed": len(apkgs)}
    with httpd.LoopbackHTTP(served) as srv:
        _config(env, "arch_url = %s\n" % srv.url("/all.json"))
        sock = os.path.join(env["XDG_RUNTIME_DIR"], "omgd.sock")
        sbase = [omg, "--root", root, "--socket", sock]
        with Engine([omg, "--root", root], sock, env,
                    os.path.join(out_dir, "omgd-vulns-alpm.log")) as eng:
            run(sbase + ["status"], what="omg status (vulns, alpm)", env=env)
            run(sbase + ["vulns"], ok=(14,), what="omg vulns (alpm) before a fetch", env=env)
            rss0 = proc_rss(eng.pid)
            run(sbase + ["vulns", "--refresh"], ok=(0, 1), what="omg vulns --refresh (alpm)",
                env=env)
            rss1 = proc_rss(eng.pid)
            out, _, to = run(sbase + ["--json", "vulns"], ok=(0, 1), what="omg vulns (alpm)",
                             env=env)
            got = {r["name"] for r in json.loads(out or "[]")}
            if got != expect:
                raise RuntimeError("omg vulns (alpm) lists %d packages, the rule %d: only omg %s,"
                                   " only the rule %s" % (len(got), len(expect),
                                                          sorted(got - expect)[:8],
                                                          sorted(expect - got)[:8]))
            say("  check: omg vulns lists the %d packages arch-audit's rule gives" % len(got))
            res["omg"] = hyperfine(sbase + ["vulns"], runs_for(to, 300),
                                   label="omg vulns (alpm)", env=env,
                                   extra=["--ignore-failure"])
            res["vulnerable"] = len(got)
            res["rss_mib"] = {"before": rss0, "after": rss1, "delta": rss1 - rss0}
    say("  omg vulns (warm engine) %.2f ms; engine VmRSS %.1f -> %.1f MiB (%+.1f MiB); no "
        "arch-audit on this host to compare with" % (res["omg"]["mean"] * 1e3, rss0, rss1,
                                                     rss1 - rss0))
    return res


def print_vulns(r, say):
    if "omg" not in r:
        return
    c = r["feed"]
    say("")
    say("advisories: a debsecan feed of %d records (%d vulnerabilities, %.0f KiB zlib) over the "
        "host's %d installed packages; %d vulnerable, the same for both tools"
        % (c["records"], c["vulns"], c["zlib_bytes"] / 1024.0, c["installed"],
           r["omg_count"]))
    say("%-64s %16s  %s" % ("command", "mean", "debsecan/omg"))
    rows = (("debsecan --suite C --source URL --status ... --format packages", r["debsecan"],
             None),
            ("omg --socket SOCK vulns (warm engine)", r["omg"], r["ratio"]),
            ("omg --no-daemon vulns (in process, stored feed)", r["omg_no_daemon"],
             r["ratio_no_daemon"]))
    for label, m, ratio in rows:
        say("%-64s %9.2f ± %.2f ms  %s" % (label, m["mean"] * 1e3, m["stddev"] * 1e3,
                                            "" if ratio is None else "%.1fx" % ratio))
    m = r["rss_mib"]
    say("engine VmRSS: %.1f MiB before the first fetch, %.1f MiB after omg vulns --refresh "
        "(%+.1f MiB), %.1f MiB after the timed runs" % (m["before"], m["after"], m["delta"],
                                                        m.get("after_runs") or 0))
    a = r.get("alpm")
    if a:
        say("alpm: all.json of %d AVGs over %d packages (an Arch sandbox of the host's "
            "packages), %d vulnerable: omg vulns (warm engine) %.2f ± %.2f ms; no arch-audit "
            "here; engine VmRSS %.1f -> %.1f MiB (%+.1f MiB)" % (
                a["avgs"], a["installed"], a["vulnerable"], a["omg"]["mean"] * 1e3,
                a["omg"]["stddev"] * 1e3, a["rss_mib"]["before"], a["rss_mib"]["after"],
                a["rss_mib"]["delta"]))
