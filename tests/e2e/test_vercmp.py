# SPDX-License-Identifier: MIT
"""src/util/vercmp against the real thing: dpkg --compare-versions and pacman's vercmp."""
import os
import random
import shutil
import subprocess
from pathlib import Path

from conftest import OMG

VERCMP_RUN = Path(os.environ.get("OMG_TRANS_RUN") or
                  Path(os.path.realpath(OMG)).parent / "tests" / "trans-run").parent / "vercmp-run"

TRICKY = [
    ("1.10", "1.9"), ("1:1.0", "2.0"), ("1.0~rc1", "1.0"), ("1.0-1", "1.0-1.1"),
    ("1.0a", "1.0"), ("1.0", "1.0.0"), ("2.0", "2.0-1"), ("", ""), ("", "1"), ("", "0"),
    ("1.0~~", "1.0~"), ("1.0~", "1.0"), ("1.0a", "1.0+"), ("1.0+", "1.0."), ("1.0-0", "1.0"),
    ("0:1.0", "1.0"), ("2:0", "1:9"), ("1.0-1~bpo1", "1.0-1"), ("01", "1"), ("1.0.a", "1.0"),
    ("1..0", "1.0"), ("1.0.1", "1.0a"), ("1.0alpha", "1.0beta"), ("1.0-2", "1.0-10"),
    ("1.0+dfsg-1ubuntu1", "1.0+dfsg-1"), ("1.2.3-a", "1.2.3-A"), ("1.0-a-b", "1.0-a"),
    ("10:1", "9:2"), ("1.000", "1.0"), ("1.0rc1", "1.0"), ("1a", "1.a"), ("1~", "1~a"),
    ("4.19.0-0.bpo.6", "4.19.0-0.bpo.10"), ("2.30-1", "2.30a-1"), ("1.0", "1.0-1"),
]


def _generated(n):
    """n pairs of dpkg-valid versions; b is mostly a with one part's tail changed, so
    the tails decide."""
    rnd = random.Random(1006)
    chars = "0123456789" * 3 + "abzAZ" + ".+~" * 2

    def tail():
        return "".join(rnd.choice(chars) for _ in range(rnd.randint(0, 5)))

    def version():
        epoch = str(rnd.randint(0, 2)) if rnd.random() < 0.2 else None
        up = rnd.choice("0123456789") + tail()
        rev = (tail() or "1") if rnd.random() < 0.4 else None
        return [epoch, up, rev]

    def text(v):
        epoch, up, rev = v
        return (f"{epoch}:" if epoch is not None else "") + up + \
            (f"-{rev}" if rev is not None else "")

    out = []
    for _ in range(n):
        a = version()
        b = list(a)
        if rnd.random() < 0.3:
            b = version()
        else:
            i = rnd.choice((1, 1, 2))
            old = b[i] or ""
            new = old[:rnd.randint(0, len(old))] + tail()
            if i == 1 and not new[:1].isdigit():
                new = old[:1] + new
            b[i] = new if new or i == 2 and rnd.random() < 0.5 else "1"
            if i == 2 and not b[i]:
                b[i] = None
        out.append((text(a), text(b)))
    return out


def _dpkg(a, b):
    """dpkg's verdict: -1, 0 or 1."""
    def rel(op):
        r = subprocess.run(["dpkg", "--compare-versions", a, op, b],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert r.returncode in (0, 1), r.stderr
        return r.returncode == 0
    return -1 if rel("lt") else 0 if rel("eq") else 1


def _pacman(a, b):
    """pacman's vercmp verdict: -1, 0 or 1."""
    out = subprocess.run(["/usr/bin/vercmp", a, b], check=True, capture_output=True,
                         text=True).stdout
    n = int(out)
    return (n > 0) - (n < 0)


def test_vercmp_matches_dpkg_and_pacman():
    assert shutil.which("dpkg"), "dpkg is needed to check vercmp_dpkg"
    assert os.access("/usr/bin/vercmp", os.X_OK), \
        "pacman's /usr/bin/vercmp is needed (package pacman-package-manager)"
    assert VERCMP_RUN.exists(), f"{VERCMP_RUN} is missing: make tools"
    pairs = TRICKY + [(b, a) for a, b in TRICKY] + _generated(300)
    # Every pair and its reverse, so antisymmetry is checked too.
    inp = "".join(f"{a}\t{b}\n" for a, b in pairs)
    out = subprocess.run([str(VERCMP_RUN)], input=inp, check=True, capture_output=True,
                         text=True).stdout.splitlines()
    assert len(out) == len(pairs)
    bad = []
    for (a, b), line in zip(pairs, out):
        d, p = (int(x) for x in line.split("\t"))
        want_d, want_p = _dpkg(a, b), _pacman(a, b)
        if d != want_d:
            bad.append(f"dpkg {a!r} vs {b!r}: ours {d}, dpkg {want_d}")
        if p != want_p:
            bad.append(f"alpm {a!r} vs {b!r}: ours {p}, vercmp {want_p}")
    assert not bad, "\n".join(bad[:40])
