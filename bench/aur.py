# SPDX-License-Identifier: MIT
"""The AUR part of make bench: omg search with the AUR's results against the official search
alone, on the Arch corpus (tests/fixtures/corpus.py, ~63k packages) and a loopback aurweb.

The AUR is tests/fixtures/aurd.py's LoopbackAUR on 127.0.0.1, loaded with generated records
(OMG_BENCH_AUR_PACKAGES, default 4000) that look like the AUR's: most are the corpus's own
packages as -git, -bin, -nightly... builds with their descriptions, and a few dozen are about
the searched term (browser extensions, forks, other builds), so `omg search firefox` gets
tens of AUR results after the official ones, as it does against aur.archlinux.org. Votes,
popularity, maintainers (some orphaned) and out-of-date flags are spread as the real ones
are. The engine (omg --root CORPUS daemon, temporary XDG dirs, its own config: [aur] url the
loopback, search_deadline at its default) is warm; every omg run is a new CLI process.

Timed with hyperfine:
  (a) omg --socket SOCK search --repo TERM   the official results only
  (b) omg --socket SOCK search TERM          official + AUR, AUR cache cold ([aur] cache = 0:
                                            every run asks the loopback AUR, checked in its
                                            request log)
  (c) omg --socket SOCK search TERM          official + AUR, warm: a second engine with the
                                            cache on, primed once (no run asks the AUR)
  (d) omg --socket SOCK search TERM          the AUR made slow: its reply dripped to last
                                            search_deadline + SLOW_EXTRA seconds
and, unless OMG_BENCH_AUR_HANG=0, one run against an AUR that never answers. The AUR's cost
is (b) - (a), (c) - (a), (d) - (a); (d)'s must be the deadline at most (plus MARGIN): past it
the part prints FAILED and a WARNING. There is no paru or yay here to compare with (said, not
faked); pacman -Ss, the official half, is timed by the cold and daemon parts.
Environment: OMG_BENCH_AUR_PACKAGES, OMG_BENCH_AUR_SECONDS (hyperfine budget of each fast
command, default 3), OMG_BENCH_AUR_TERM (default firefox), OMG_BENCH_AUR_HANG.
"""
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures"))

import aurd  # noqa: E402  (tests/fixtures/aurd.py: the loopback aurweb)
import corpus  # noqa: E402  (tests/fixtures/corpus.py: the Arch corpus)
import vulns  # noqa: E402  (bench/vulns.py: Engine, temporary XDG dirs, VmRSS)

PACKAGES = int(os.environ.get("OMG_BENCH_AUR_PACKAGES", "4000"))
SECONDS = float(os.environ.get("OMG_BENCH_AUR_SECONDS", "3"))
TERM = os.environ.get("OMG_BENCH_AUR_TERM", "firefox")
HANG = os.environ.get("OMG_BENCH_AUR_HANG", "1") != "0"
DEADLINE = 3.0    # [aur] search_deadline's default (docs/configuration.md), left unset here
SLOW_EXTRA = 2.0  # the slow AUR's reply lasts the deadline plus this
SLOW_RUNS = 3     # each costs the deadline at least: few runs, no warm-up
MARGIN = 0.3      # what (d)'s AUR cost may exceed the deadline by (process start, exit)
MIN_RUNS, MAX_RUNS = 10, 150

# A few dozen records about the term, as the real AUR has for a popular program: other
# builds, forks, extensions. Names and descriptions are ours, in the AUR's manner.
TERM_BUILDS = (
    ("-nightly", "Standalone web browser, nightly build"),
    ("-beta-bin", "Standalone web browser, beta channel (binary release)"),
    ("-esr-bin", "Standalone web browser, extended support release (binary release)"),
    ("-developer-bin", "Standalone web browser, developer edition (binary release)"),
    ("-hg", "Standalone web browser, built from the mercurial tree"),
    ("-wayland-git", "Standalone web browser with wayland patches (git version)"),
    ("-appmenu", "Standalone web browser with the global menu patch"),
    ("-kde", "Standalone web browser with KDE integration patches"),
    ("-pwa", "Install, manage and use progressive web apps in the browser"),
    ("-gnome-theme", "A GNOME theme for the browser"),
    ("-profile-cleaner", "Vacuums and reindexes the browser's sqlite databases"),
    ("-tridactyl-native", "Native messaging host for the vim-like extension"),
    ("-i18n-de", "German language pack for the browser"),
    ("-i18n-fr", "French language pack for the browser"),
    ("-i18n-ja", "Japanese language pack for the browser"),
    ("-ublock-origin-git", "An efficient blocker for the browser (git version)"),
)
EXTENSIONS = (
    "ublock-origin", "bitwarden", "privacy-badger", "decentraleyes", "darkreader",
    "tree-style-tab", "sponsorblock", "vimium", "tridactyl", "clearurls", "noscript",
    "multi-account-containers", "localcdn", "canvasblocker", "cookie-autodelete", "stylus",
    "violentmonkey", "keepassxc-browser", "passff", "browserpass", "foxyproxy", "umatrix",
    "temporary-containers", "libredirect", "h264ify", "return-youtube-dislike",
    "zotero-connector", "plasma-integration", "single-file", "sidebery", "languagetool",
    "firenvim", "surfingkeys", "user-agent-switcher",
)
FORKS = ("librewolf", "floorp", "waterfox", "mercury", "zen-browser", "icecat", "palemoon")
SUFFIXES = (  # suffix, weight, what the description gains
    ("-git", 38, " (git version)"), ("-bin", 22, " (binary release)"),
    ("-nightly", 5, ", nightly build"), ("-devel", 6, ", development version"),
    ("-svn", 3, " (svn version)"), ("-hg", 2, " (mercurial version)"),
    ("-appimage", 4, " (AppImage)"), ("-legacy", 4, ", the last release of the old series"),
    ("-patched", 6, ", with extra patches"), ("-static", 4, ", statically linked"),
    ("-full", 3, ", with every option enabled"), ("-lts", 3, ", long term support"),
)
PKG_RE = re.compile(r"^Package: (\S+)\n(?:.+\n)*?Description: (.*)$", re.M)


def corpus_packages():
    """{name: synopsis} of the Debian lists the corpus is made of."""
    out = {}
    for f in corpus.list_files():
        text = corpus.read_list(f).decode("utf-8", "replace")
        for m in PKG_RE.finditer(text):
            out[m.group(1).lower()] = m.group(2).strip()
    return out


def make_records(official, n, term, seed=16):
    """n AUR records (RPC field names; aurd completes the rest): the term's few dozen, the
    rest built from the corpus's packages. None has an official package's name."""
    rnd = random.Random(seed)
    recs, names = [], set(official)
    maintainers = ["%s%s%d" % (rnd.choice(("al", "be", "ko", "ma", "ri", "sv", "ty", "xe")),
                               rnd.choice(("x", "ne", "ther", "rak", "lin", "do")),
                               rnd.randint(0, 99)) for _ in range(600)]

    def version(git):
        v = "%d.%d.%d" % (rnd.randint(0, 30), rnd.randint(0, 20), rnd.randint(0, 15))
        if git:
            v += ".r%d.g%07x" % (rnd.randint(1, 4000), rnd.getrandbits(28))
        return "%s-%d" % (v, rnd.choice((1, 1, 1, 2, 3)))

    def add(name, desc, base=None):
        if name in names or not aurd.NAME_RE.match(name) or len(recs) >= n:
            return
        names.add(name)
        votes = max(0, int(rnd.paretovariate(0.9)) - 1)
        last = rnd.randint(1450000000, 1730000000)
        recs.append({
            "Name": name, "PackageBase": base or name, "Description": desc,
            "Version": version(name.endswith(("-git", "-hg", "-svn"))),
            "URL": "https://example.org/" + (base or name),
            "NumVotes": votes, "Popularity": round(votes * rnd.random() * 0.04, 6),
            "Maintainer": None if rnd.random() < 0.08 else rnd.choice(maintainers),
            "Submitter": rnd.choice(maintainers),
            "OutOfDate": last + rnd.randint(86400, 90000000) if rnd.random() < 0.05 else None,
            "FirstSubmitted": rnd.randint(1260000000, last), "LastModified": last,
        })

    for suffix, desc in TERM_BUILDS:
        add(term + suffix, desc)
    for e in EXTENSIONS:
        add("%s-extension-%s" % (term, e), "Browser extension %s for %s" % (
            e.replace("-", " "), term.capitalize()))
    for f in FORKS:
        add(f + "-bin", "A fork of %s (binary release)" % term.capitalize())
        add(f + "-git", "A fork of %s (git version)" % term.capitalize())
    seeds = sorted(official)
    rnd.shuffle(seeds)
    weights = [w for _, w, _ in SUFFIXES]
    for seed_name in seeds:
        if len(recs) >= n:
            break
        suffix, _, gain = rnd.choices(SUFFIXES, weights)[0]
        add(seed_name + suffix, (official[seed_name] or seed_name) + gain)
    return recs


def write_config(path, url, cache):
    with open(path, "w") as f:
        # refresh 0: no advisory fetch from the engine; the AUR is the only thing it asks
        f.write("[security]\nrefresh = 0\n\n[aur]\nurl = %s\n%s" % (
            url, "cache = 0\n" if cache == 0 else ""))


def search_json(run, sbase, args, env, what):
    out, _, _ = run(sbase + ["--json", "search"] + args, ok=(0, 1), what=what, env=env)
    recs = json.loads(out or "[]")
    aur = [r for r in recs if r.get("repository") == "aur" or "aur" in r]
    return len(recs) - len(aur), len(aur)


def runs_of(seconds):
    return max(MIN_RUNS, min(MAX_RUNS, int(SECONDS / max(seconds, 1e-3))))


def aur_part(omg, env, run, hyperfine, say, warn, tmpdirs, out_dir, corpus_dir):
    say("")
    try:
        info = corpus.build_arch_corpus(corpus_dir)
    except RuntimeError as e:
        say("[aur] skipped: %s" % e)
        return {"skipped": str(e)}
    root = info["root"]
    official = corpus_packages()
    recs = make_records(official, PACKAGES, TERM)
    base = tempfile.mkdtemp(prefix="omg-bench-aur.", dir="/tmp")
    tmpdirs.append(base)
    www = os.path.join(base, "aur")
    os.makedirs(www)
    with open(os.path.join(www, aurd.PACKAGES_FILE), "w") as f:
        json.dump(recs, f)
    env = vulns._xdg_env(env, base)
    sock = os.path.join(env["XDG_RUNTIME_DIR"], "omgd.sock")
    res = {"term": TERM, "corpus_packages": info["packages"], "aur_packages": len(recs),
           "deadline": DEADLINE}
    helpers = [h for h in ("paru", "yay") if shutil.which(h)]
    res["native"] = helpers
    say("[aur] %d corpus packages, a loopback AUR of %d generated records; term %r"
        % (info["packages"], len(recs), TERM))

    with aurd.LoopbackAUR(www) as aur:
        path = "/rpc/v5/search/" + TERM
        cold_conf = os.path.join(base, "config-cold")
        warm_conf = os.path.join(base, "config-warm")
        write_config(cold_conf, aur.url, 0)
        write_config(warm_conf, aur.url, None)
        sbase = [omg, "--root", root, "--socket", sock]
        repo = sbase + ["search", "--repo", TERM]
        both = sbase + ["search", TERM]

        def engine(conf, name):
            return vulns.Engine([omg, "--root", root, "--config", conf], sock, env,
                                os.path.join(out_dir, "omgd-%s.log" % name), what=name)

        t0 = time.monotonic()
        with engine(cold_conf, "aur") as eng:
            run(sbase + ["status"], what="omg status (aur)", env=env)
            res["engine_start_seconds"] = round(time.monotonic() - t0, 2)
            n_off, _ = search_json(run, sbase, ["--repo", TERM], env, "omg search --repo")
            o2, n_aur = search_json(run, sbase, [TERM], env, "omg search (aur)")
            if o2 != n_off or n_aur == 0:
                raise RuntimeError("omg --json search %s: %d official and %d AUR results, "
                                   "--repo %d: the AUR's results are missing"
                                   % (TERM, o2, n_aur, n_off))
            res["official_results"], res["aur_results"] = n_off, n_aur
            say("  engine serving after %.2f s; omg search %s: %d official results, then %d "
                "from the AUR" % (res["engine_start_seconds"], TERM, n_off, n_aur))
            if n_aur < 10:
                warn("aur: only %d AUR results for %r: not the tens a real search gets"
                     % (n_aur, TERM))

            _, _, ta = run(repo, what="omg search --repo", env=env)
            out, err, tb = run(both, what="omg search", env=env)
            shown(probe(out, err, tb, TERM), n_aur, "(b)", warn)
            ra, rb = runs_of(ta), runs_of(tb)
            say("  timing (a) search --repo (%d runs), (b) search, AUR cache off (%d runs) ..."
                % (ra, rb))
            res["a"] = hyperfine(repo, ra, label="omg search --repo", env=env)
            before = len(aur.requests(path))
            res["b"] = hyperfine(both, rb, label="omg search (AUR cold)", env=env)
            asked = len(aur.requests(path)) - before
            if asked < rb:
                warn("aur: (b) asked the AUR %d times in %d runs: not all cold" % (asked, rb))
            res["b_requests"] = asked

            # The slow AUR: the same reply, dripped to last deadline + SLOW_EXTRA seconds.
            with urllib.request.urlopen(aur.url_for(path + "?by=name-desc")) as r:
                size = len(r.read())
            slow = DEADLINE + SLOW_EXTRA
            rate = max(1, int(size / slow))
            aur.behave("/rpc/v5/search/*", drip=rate)
            say("  (d) the AUR's reply (%d bytes) dripped at %d bytes/s: %.1f s; "
                "[aur] search_deadline %.0f s" % (size, rate, size / rate, DEADLINE))
            out, err, td = run(both, what="omg search (slow AUR)", env=env)
            res["d_probe"] = probe(out, err, td, TERM)
            say("  timing (d) search with the slow AUR (%d runs) ..." % SLOW_RUNS)
            res["d"] = hyperfine(both, SLOW_RUNS, warmup=0, label="omg search (slow AUR)",
                                 env=env)
            if HANG:
                aur.behave("/rpc/v5/search/*", hang=True)
                out, err, th = run(both, what="omg search (hanging AUR)", env=env)
                res["hang"] = probe(out, err, th, TERM)
                say("  one run against an AUR that never answers: %.2f s" % th)
            aur.behave("/rpc/v5/search/*")
            eng.alive()
            res["rss_mib"] = vulns.proc_rss(eng.pid)

        with engine(warm_conf, "aur-cached") as eng:
            run(sbase + ["status"], what="omg status (aur, cached)", env=env)
            run(both, what="omg search (priming the AUR cache)", env=env)
            out, err, tc = run(both, what="omg search (AUR cached)", env=env)
            shown(probe(out, err, tc, TERM), n_aur, "(c)", warn)
            rc = runs_of(tc)
            say("  timing (a') search --repo and (c) search, AUR cache warm (%d runs each) ..."
                % rc)
            res["a_cached"] = hyperfine(repo, runs_of(ta), label="omg search --repo", env=env)
            before = len(aur.requests(path))
            res["c"] = hyperfine(both, rc, label="omg search (AUR cached)", env=env)
            res["c_requests"] = len(aur.requests(path)) - before
            if res["c_requests"]:
                warn("aur: (c) asked the AUR %d times: the cache did not answer"
                     % res["c_requests"])
            eng.alive()

    a, b, c, d = (res[k]["mean"] for k in ("a", "b", "c", "d"))
    res["ratio_b"], res["ratio_c"] = b / a, c / res["a_cached"]["mean"]
    res["aur_cost"] = {"cold": b - a, "cached": c - res["a_cached"]["mean"], "slow": d - a}
    if "hang" in res:
        res["aur_cost"]["hang"] = res["hang"]["seconds"] - a
    res["bounded"] = res["aur_cost"]["slow"] <= DEADLINE + MARGIN
    say("  (a) %.2f ms, (b) %.2f ms: %.2fx; (a') %.2f ms, (c) %.2f ms: %.2fx (the table at the "
        "end)" % (a * 1e3, b * 1e3, res["ratio_b"], res["a_cached"]["mean"] * 1e3, c * 1e3,
                  res["ratio_c"]))
    verdicts(res, say, warn)
    return res


def shown(p, n_aur, what, warn):
    """A plain search's output must hold the AUR's results as --json counted them."""
    if p["aur_lines"] != n_aur or not p["official"]:
        warn("aur: %s printed %d AUR lines (--json: %d)%s" % (
            what, p["aur_lines"], n_aur, "" if p["official"] else " and no official result"))


def probe(out, err, seconds, term):
    """What one run printed: official results still there, AUR results, a warning line."""
    lines = [ln for ln in out.splitlines() if ln.strip()]
    return {"seconds": seconds, "lines": len(lines),
            "aur_lines": sum(1 for ln in lines if " aur " in ln or "aur/" in ln),
            "official": any(term in ln and " aur " not in ln for ln in lines),
            "warning": err.strip().splitlines()[-1] if err.strip() else ""}


def verdicts(res, say, warn):
    """The deadline's promise, checked on (d) and the hanging AUR."""
    for key, what in (("slow", "(d) a slow AUR"), ("hang", "an AUR that never answers")):
        cost = res["aur_cost"].get(key)
        if cost is None:
            continue
        p = res["d_probe"] if key == "slow" else res["hang"]
        said = ("it said: %s" % p["warning"]) if p["warning"] else "no warning printed"
        if not p["official"]:
            warn("aur: %s: the official results were not printed" % what)
        if cost <= DEADLINE + MARGIN:
            say("  ok: %s costs %.2f s, within [aur] search_deadline %.0f s (+%.1f s); %s"
                % (what, cost, DEADLINE, MARGIN, said))
            if key == "hang" and not res["bounded"] and "slower than" in p["warning"]:
                say("  note: what ended it is the fetch's low-speed rule (its warning), not the "
                    "deadline: a reply that keeps coming, as in (d), is not cut")
            continue
        say("  FAILED: %s costs %.2f s, past [aur] search_deadline %.0f s (+%.1f s); %d AUR "
            "lines printed, %s" % (what, cost, DEADLINE, MARGIN, p["aur_lines"], said))
        warn("aur: %s costs omg search %.2f s, more than [aur] search_deadline (%.0f s): the "
             "search waited for the AUR past its deadline" % (what, cost, DEADLINE))


def print_aur(r, say, indent=""):
    if "a" not in r:
        return
    say("")
    say("%sthe AUR: omg --root CORPUS --socket SOCK search %s, %d corpus packages, a loopback "
        "AUR of %d records; %d official results, %d from the AUR"
        % (indent, r["term"], r["corpus_packages"], r["aur_packages"],
           r["official_results"], r["aur_results"]))
    a = r["a"]["mean"]
    rows = (("(a) search --repo (official only)", r["a"], None),
            ("(b) search, AUR cache off (asked every run)", r["b"], r["ratio_b"]),
            ("(a') search --repo, second engine", r["a_cached"], None),
            ("(c) search, AUR cache warm", r["c"], r["ratio_c"]),
            ("(d) search, AUR reply dripped over %.0f s" % (DEADLINE + SLOW_EXTRA), r["d"],
             0))
    say("%s%-48s %20s %10s %12s" % (indent, "command", "mean", "ratio", "AUR cost"))
    for label, m, ratio in rows:
        # (d)'s ratio says nothing: its cost is held against the deadline below
        cost = "" if ratio is None else "%+.1f ms" % ((m["mean"] - (
            r["a_cached"]["mean"] if m is r["c"] else a)) * 1e3)
        say("%s%-48s %11.2f ± %5.2f ms %10s %12s" % (
            indent, label, m["mean"] * 1e3, m["stddev"] * 1e3,
            "" if not ratio else "%.2fx" % ratio, cost))
    if "hang" in r:
        say("%s%-48s %11.0f ms (one run) %21s" % (indent, "    search, the AUR never answers",
                                                  r["hang"]["seconds"] * 1e3,
                                                  "%+.0f ms" % (r["aur_cost"]["hang"] * 1e3)))
    say("%sratios against (a) (the same engine; (c) against (a')); the slow AUR's cost "
        "%.2f s against [aur] search_deadline %.0f s: %s" % (
            indent, r["aur_cost"]["slow"], DEADLINE,
            "bounded" if r["bounded"] else "NOT bounded"))
    say("%snative: %s" % (indent, (
        "no paru or yay on this host: no AUR helper to compare with (pacman -Ss, the "
        "official half, is timed by the cold and daemon parts)" if not r["native"] else
        "%s found but not timed: this part cannot point it at the sandbox root and the "
        "loopback AUR" % ", ".join(r["native"]))))
