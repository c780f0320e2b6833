# SPDX-License-Identifier: MIT
"""omg sbom: the CycloneDX 1.5 document of the installed packages, validated against the
official schema (tests/fixtures/cyclonedx, vendored unchanged from npm) and compared with
what pacman -Q and dpkg-query say is installed on the same sandbox roots."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TOP, pacman

sys.path.insert(0, str(TOP / "tests" / "fixtures"))
import arch  # noqa: E402
import debian  # noqa: E402
import spec  # noqa: E402

SCHEMA_DIR = TOP / "tests" / "fixtures" / "cyclonedx"

# A package the spec does not have, with an epoch and the characters purl-spec encodes
# ('+') and keeps (':', '~'), and a licence that is no SPDX id.
EPOCH = {"name": "omg-epoch", "version": None, "installed": None,
         "desc": "A package whose version has an epoch", "url": "https://example.org/epoch",
         "license": "custom:omg", "size": 512}
EPOCH_ARCH = "2:1.5+r1~rc1"     # pacman: 2:1.5+r1~rc1-1
EPOCH_DEB = "2:1.5+dfsg~rc1"    # dpkg: 2:1.5+dfsg~rc1-1
CODENAME = "bookworm"


def validator():
    """A Draft-07 validator of bom-1.5.schema.json whose $refs to spdx.schema.json and
    jsf-0.82.schema.json resolve to the vendored files by their $id (never the network),
    with format checks: jsonschema's own where its optional modules are installed, and
    date-time (the timestamp) checked here when they are not."""
    import jsonschema
    schemas = {}
    for name in ("bom-1.5.schema.json", "spdx.schema.json", "jsf-0.82.schema.json"):
        s = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
        schemas[s["$id"]] = s
    bom = schemas["http://cyclonedx.org/schema/bom-1.5.schema.json"]
    resolver = jsonschema.RefResolver.from_schema(bom, store=schemas)
    fc = jsonschema.Draft7Validator.FORMAT_CHECKER if hasattr(
        jsonschema.Draft7Validator, "FORMAT_CHECKER") else jsonschema.draft7_format_checker
    fc = jsonschema.FormatChecker(fc.checkers.keys()) if hasattr(fc, "checkers") else fc
    if "date-time" not in fc.checkers:
        rfc3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")

        @fc.checks("date-time")
        def _date_time(value):
            return not isinstance(value, str) or bool(rfc3339.match(value))
    jsonschema.Draft7Validator.check_schema(bom)
    return jsonschema.Draft7Validator(bom, resolver=resolver, format_checker=fc)


@pytest.fixture(scope="module")
def schema():
    return validator()


def assert_valid(schema, doc):
    errors = sorted(schema.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join("%s: %s" % (list(e.absolute_path), e.message)
                                 for e in errors[:10])


@pytest.fixture(scope="module")
def arch_root(tmp_path_factory):
    """An Arch sandbox with EPOCH installed by the real pacman."""
    sb = arch.build(str(tmp_path_factory.mktemp("sbom-arch") / "root"))
    work = tmp_path_factory.mktemp("sbom-arch-work")
    f = arch.build_package(EPOCH, EPOCH_ARCH, sb["local_pkgs_dir"], str(work))
    arch.pacman(sb["root"], "-U", "--noconfirm", "--noscriptlet", "--asexplicit", f)
    return sb


@pytest.fixture(scope="module")
def deb_root(tmp_path_factory):
    """A Debian sandbox that says it is bookworm (etc/os-release), with EPOCH and
    omg-unicode (a UTF-8 description) installed by the real dpkg."""
    sb = debian.build(str(tmp_path_factory.mktemp("sbom-deb") / "root"))
    root = sb["root"]
    Path(root, "etc", "os-release").write_text(
        'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
        'VERSION_ID="12"\nVERSION_CODENAME=%s\nID=debian\n' % CODENAME)
    stage = tmp_path_factory.mktemp("sbom-deb-stage")
    top = debian._stage(EPOCH, EPOCH_DEB, debian._arch(), str(stage))
    deb = str(stage / "omg-epoch.deb")
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "--build", top, deb],
                   check=True, capture_output=True)
    uni = Path(sb["repo_dir"], "omg-unicode_1.0-1_%s.deb" % debian._arch())
    subprocess.run(["dpkg"] + debian.dpkg_args(root) + ["-i", deb, str(uni)], check=True,
                   capture_output=True, env=debian.apt_env(root))
    return sb


def sbom(env, root, *extra):
    p = env("sbom", *extra, root=root, check=0)
    assert p.stderr == "", p.stderr
    return p.stdout, json.loads(p.stdout)


def pct(s):
    """purl-spec's percent-encoding, written apart from omg's: ALPHA DIGIT .-_~ and ':'
    stay, every other UTF-8 byte is %XX."""
    keep = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_~:")
    return "".join(chr(b) if b in keep else "%%%02X" % b for b in s.encode())


def installed_arch(root):
    """{name: (version, arch)} from the real pacman."""
    out = {}
    for line in pacman(root, "-Qi").split("\n\n"):
        f = dict(re.findall(r"^(\w[\w ]*?)\s*: (.*)$", line, re.M))
        if f:
            out[f["Name"]] = (f["Version"], f["Architecture"])
    return out


def installed_deb(root):
    """{name: (version, arch)} of the installed packages, from the real dpkg-query."""
    p = subprocess.run(["dpkg-query", "--admindir=%s/var/lib/dpkg" % root, "-W",
                        "-f=${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Status}\\n"],
                       check=True, capture_output=True, text=True)
    rows = [line.split("\t") for line in p.stdout.splitlines()]
    return {r[0]: (r[1], r[2]) for r in rows if r[3] == "installed"}


def test_alpm_document(env, arch_root, schema):
    root = arch_root["root"]
    text, doc = sbom(env, root)
    assert_valid(schema, doc)
    assert text.count("\n") == 1 and text.endswith("}\n")  # compact, one line
    assert doc["bomFormat"] == "CycloneDX" and doc["specVersion"] == "1.5"
    assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}"
                        r"-[0-9a-f]{12}", doc["serialNumber"])
    native = installed_arch(root)
    comps = {c["name"]: c for c in doc["components"]}
    assert len(comps) == len(doc["components"])
    assert sorted(comps) == sorted(native)
    for name, (version, a) in native.items():
        c = comps[name]
        want = "pkg:alpm/arch/%s@%s?arch=%s" % (pct(name), pct(version), pct(a))
        assert (c["version"], c["purl"], c["bom-ref"]) == (version, want, want)
        assert c["type"] == "library"
    # the epoch and '+' case, written out: ':' and '~' stay, '+' is %2B
    assert comps["omg-epoch"]["purl"] == "pkg:alpm/arch/omg-epoch@2:1.5%2Br1~rc1-1?arch=x86_64"
    # licences: SPDX ids as ids, anything else as a name
    for r in spec.PACKAGES + [EPOCH]:
        if r["name"] not in comps:
            continue
        lic = [x["license"] for x in comps[r["name"]]["licenses"]]
        want = {"name": r["license"]} if r["license"].startswith("custom:") else \
            {"id": r["license"]}
        assert lic == [want], (r["name"], lic)
        assert comps[r["name"]]["externalReferences"] == [{"type": "website", "url": r["url"]}]
        assert comps[r["name"]]["description"] == r["desc"]
        assert comps[r["name"]]["publisher"] == arch.PACKAGER
    # the engine has no advisory data here: no vulnerabilities claimed either way
    assert "vulnerabilities" not in doc
    assert doc["metadata"]["tools"]["components"][0]["name"] == "omg"


def test_apt_document(env, deb_root, schema):
    root = deb_root["root"]
    text, doc = sbom(env, root, "--json")  # --json: the same document
    assert_valid(schema, doc)
    native = installed_deb(root)
    comps = {c["name"]: c for c in doc["components"]}
    assert sorted(comps) == sorted(native)
    assert len(comps) == len(doc["components"])
    for name, (version, a) in native.items():
        want = "pkg:deb/debian/%s@%s?arch=%s&distro=debian-%s" % (pct(name), pct(version),
                                                                   pct(a), CODENAME)
        assert (comps[name]["version"], comps[name]["purl"]) == (version, want)
    a = debian._arch()
    assert comps["omg-epoch"]["purl"] == \
        "pkg:deb/debian/omg-epoch@2:1.5%%2Bdfsg~rc1-1?arch=%s&distro=debian-bookworm" % a
    assert comps["omg-unicode"]["description"] == spec.LONG_UTF8
    assert comps["omg-base"]["publisher"] == debian.MAINTAINER
    sysc = doc["metadata"]["component"]
    assert (sysc["type"], sysc["name"], sysc["version"]) == ("operating-system", "debian", "12")


def test_split_between_characters(env, deb_root, schema):
    """A small frame_max splits the document into many text replies; a cut is placed
    inside a multi-byte character on purpose, and the engine must move it back (the
    codec refuses a piece that is not UTF-8 by itself)."""
    root = deb_root["root"]
    text, _ = sbom(env, root)
    raw = text.encode()
    at = raw.index("日本語".encode())
    assert at + 1 >= 2048, "the sandbox's document is too short for this test"
    env.config.parent.mkdir(parents=True, exist_ok=True)
    # the pieces are frame_max / 2 bytes: the first cut falls after byte at + 1, inside 日
    env.config.write_text("[daemon]\nframe_max = %d\n" % (2 * (at + 1)))
    env("daemon", "stop", "--all", check=0)
    text2, doc = sbom(env, root)
    assert_valid(schema, doc)
    assert len(text2.encode()) == len(raw)
    assert {c["name"]: c["description"] for c in doc["components"]}["omg-unicode"] == \
        spec.LONG_UTF8


def test_in_process_and_errors(env, arch_root, schema):
    root = arch_root["root"]
    _, doc = sbom(env, root, "--no-daemon")
    assert_valid(schema, doc)
    p = env("sbom", "extra", root=root, check=2)
    assert "sbom takes no arguments" in p.stderr
    with open("/dev/full", "w") as full:
        p = subprocess.run([str(TOP / "omg"), "--root", root, "sbom"], stdout=full,
                           stderr=subprocess.PIPE, text=True, env=env.full, timeout=120)
    assert p.returncode == 12, p.stderr
    assert "cannot write output" in p.stderr


def test_spdx_table_is_generated_from_the_schema():
    """src/engine/security/spdx-ids.h is what scripts/gen-spdx-ids.py makes of the
    vendored spdx.schema.json (the ids omg writes as license.id)."""
    p = subprocess.run([sys.executable, str(TOP / "scripts" / "gen-spdx-ids.py"), "--print"],
                       check=True, capture_output=True, text=True)
    assert (TOP / "src" / "engine" / "security" / "spdx-ids.h").read_text() == p.stdout
