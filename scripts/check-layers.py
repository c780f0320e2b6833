#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Fails the build on an #include that crosses omg's layers the wrong way.

It reads the compiler's own dependency files (the .d files -MMD writes beside each
object), so what it checks is what was compiled, headers included through other
headers too. docs/architecture.md draws the layers:

    util <- ipc <- client <- {cli, tui} <- main
    util <- ipc <- engine <- backend          fast <- util + the snapshot header

usage: check-layers.py BUILD_DIR...   (every .d file under each directory)
Exit status 0 when every include is allowed, 1 with one line per violation.
"""
import os
import re
import sys

# What each layer may include (itself included). The engine sees the backends only
# through their interface, engine/backend/backend.h; the snapshot header is shared by
# the engine's writer and omg-fast.
ALLOWED = {
    "util": {"util"},
    "ipc": {"ipc", "util"},
    "client": {"client", "ipc", "util"},
    "cli": {"cli", "client", "ipc", "util"},
    "tui": {"tui", "client", "ipc", "util"},
    "main": {"main", "cli", "tui", "client", "ipc", "util"},
    "engine": {"engine", "backend-interface", "snapshot", "ipc", "util"},
    "backend": {"backend", "backend-interface", "engine", "snapshot", "ipc", "util"},
    "fast": {"fast", "snapshot", "util"},
    "snapshot": {"snapshot", "util"},
    "backend-interface": {"backend-interface", "ipc", "util"},
}
# Code outside src/ (unit tests, tools, fuzz targets, the bench) may use any layer.


def src_path(path):
    """The path below the last src/ directory, or None for a file outside src/."""
    p = path.replace("\\", "/")
    i = p.rfind("/src/")
    if i >= 0:
        return p[i + 5:]
    return p[4:] if p.startswith("src/") else None


def layer(rel):
    """The layer of a file, by its path below src/ (None: not layered)."""
    if rel == "main.c":
        return "main"
    if rel == "fast/snapshot.h":
        return "snapshot"
    if rel == "engine/backend/backend.h":
        return "backend-interface"
    if rel.startswith("engine/backend/"):
        return "backend"
    top = rel.split("/", 1)[0]
    if top in ("util", "ipc", "client", "cli", "tui", "engine", "fast"):
        return top
    return "unknown"


def parse_d(path):
    """(source, [prerequisites]) of the first rule in a dependency file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read().replace("\\\n", " ")
    for line in text.splitlines():
        if ":" not in line:
            continue
        target, deps = line.split(":", 1)
        words = deps.split()
        if words and not target.strip().endswith(".h"):
            return words[0], words[1:]
    return None, []


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def direct_includer(source, deps, bad):
    """The file among source and deps whose own #include names bad, for the message."""
    want = src_path(bad)
    for f in [source] + deps:
        try:
            with open(f, encoding="utf-8", errors="replace") as fh:
                names = INCLUDE.findall(fh.read())
        except OSError:
            continue
        if want in names:
            return f
    return source


def check(dirs):
    problems = []
    seen = set()
    for d in dirs:
        for top, _, files in os.walk(d):
            for name in files:
                if not name.endswith(".d"):
                    continue
                source, deps = parse_d(os.path.join(top, name))
                if not source or not os.path.exists(source):
                    continue  # left from a source file since removed
                rel = src_path(source)
                if rel is None:
                    continue
                have = layer(rel)
                for dep in deps:
                    drel = src_path(dep)
                    if drel is None:
                        continue
                    want = layer(drel)
                    if have == "unknown" or want == "unknown":
                        msg = "%s includes %s: a file outside the known layers (add it to " \
                              "scripts/check-layers.py and docs/architecture.md)" % (rel, drel)
                    elif want in ALLOWED[have]:
                        continue
                    else:
                        via = src_path(direct_includer(source, deps, dep))
                        how = "" if via == rel else " (through %s)" % via
                        msg = "%s includes %s%s: %s may include %s only" % (
                            rel, drel, how, have, ", ".join(sorted(ALLOWED[have])))
                    if msg not in seen:
                        seen.add(msg)
                        problems.append(msg)
    return problems


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    dirs = [d for d in argv[1:] if os.path.isdir(d)]
    if not dirs:
        print("check-layers: no build directory among %s: build first" % " ".join(argv[1:]),
              file=sys.stderr)
        return 2
    problems = check(dirs)
    for p in sorted(problems):
        print("check-layers: " + p, file=sys.stderr)
    if problems:
        print("check-layers: %d include(s) cross a layer the wrong way (docs/architecture.md)"
              % len(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
