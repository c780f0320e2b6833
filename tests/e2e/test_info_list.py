# SPDX-License-Identifier: MIT
"""omg info fields against the fixtures' own metadata, and omg list against the native tools."""
import json
import re
import subprocess

import pytest

from conftest import apt, arch, debian, debian_lists, names, pacman, spec


def dep_names(deps):
    """"omg-lib>=2.0" / "omg-lib (>= 2.0)" / "omg-spell: why" -> "omg-lib", "omg-spell"."""
    return sorted(re.split(r"[ <>=:(]", d, maxsplit=1)[0] for d in deps)


@pytest.mark.parametrize("name", [p["name"] for p in spec.PACKAGES])
def test_info_fields_match_fixture(omg, sb, name):
    want = spec.by_name(name)
    [got] = omg.json("info", name, root=sb["root"])
    assert got["name"] == name
    assert got["description"] == want["desc"]
    assert got["url"] == want["url"]
    assert got["backend"] == sb["backend"]
    inst = want["installed"]
    if want["version"]:
        assert got["version"] == want["version"] + "-1"
    else:
        assert got["version"] == inst["version"] + "-1"
        assert got["foreign"] and got["repo"] == "local"
    if inst:
        assert got["installed"] and got["installed_version"] == inst["version"] + "-1"
        assert got["reason"] == {"explicit": "explicit", "depend": "dependency"}[inst["reason"]]
        assert got["install_date"] and got["install_date"] > 1_600_000_000
    else:
        assert not got["installed"] and got["installed_version"] is None
        assert got["reason"] is None and got["install_date"] is None
    assert got["upgradable"] == bool(inst and want["version"] and inst["version"] != want["version"])
    assert got["held"] == bool(want.get("held"))
    depends, conflicts = want.get("depends", []), want.get("conflicts", [])
    if sb["backend"] == "alpm":  # arch.py writes Pre-Depends and Breaks as pacman has them
        depends = depends + want.get("predepends", [])
        conflicts = conflicts + want.get("breaks", [])
    assert dep_names(got["depends"]) == dep_names(depends)
    assert dep_names(got["optdepends"]) == dep_names(want.get("optdepends", []))
    assert dep_names(got["provides"]) == dep_names(want.get("provides", []))
    assert dep_names(got["conflicts"]) == dep_names(conflicts)
    assert dep_names(got["replaces"]) == dep_names(want.get("replaces", []))
    assert got["packager"] == "omg fixtures <fixtures@example.org>"
    if sb["backend"] == "alpm":
        assert got["licenses"] == [want["license"]]
        assert got["groups"] == want.get("groups", [])
        assert got["installed_size"] == want["size"]
        assert got["build_date"] == 1700000000
        assert got["arch"] == "x86_64"
        assert got["base"] == want.get("source", name).split(" ")[0]
        # fields libalpm has no such thing as
        assert (got["pre_depends"], got["breaks"], got["enhances"], got["tags"]) == ([],) * 4
        assert (got["priority"], got["multi_arch"], got["source_version"]) == (None,) * 3
        assert not got["essential"] and got["versions"] == []
    else:
        assert dep_names(got["pre_depends"]) == dep_names(want.get("predepends", []))
        assert dep_names(got["breaks"]) == dep_names(want.get("breaks", []))
        assert dep_names(got["enhances"]) == dep_names(want.get("enhances", []))
        assert got["tags"] == want.get("tags", [])
        assert got["priority"] == want.get("priority", "optional")
        assert got["essential"] == bool(want.get("essential"))
        assert got["multi_arch"] == want.get("multiarch")
        src = want.get("source", name + " ").split(" ")
        assert got["base"] == src[0] and got["source_version"] == (src[1].strip("()") or None)
        assert got["section"] == (want.get("groups") or ["misc"])[0]
        assert got["installed_size"] >= want["size"]
        assert got["long_description"] == (
            f"This is the extended description of {name}, built by the omg test fixtures.\n"
            "It spans a second line so long-description output can be checked.")
    if want["version"] and not got["foreign"]:
        assert got["download_size"] > 0


def test_reverse_dependencies(omg, sb):
    """Installed requirers by name, the others counted (issue 14: libc6's Required By
    was the whole archive)."""
    [lib, base, spell] = omg.json("info", "omg-lib", "omg-base", "omg-spell", root=sb["root"])
    # omg-spell depends on omg-lib, omg-minish pre-depends on it: neither is installed
    assert lib["required_by"] == ["omg-editor"] and lib["required_by_not_installed"] == 2
    assert base["required_by"] == ["omg-editor"] and base["required_by_not_installed"] == 3
    assert spell["optional_for"] == ["omg-editor"] and spell["optional_for_not_installed"] == 0
    # a provided name counts: omg-lib provides libomg, nothing needs it by that name
    assert lib["optional_for"] == [] and lib["optional_for_not_installed"] == 0
    # the text: the installed ones on the line, the count apart and labelled
    out = omg.run("info", "omg-lib", root=sb["root"], check=0).stdout.splitlines()
    i = next(k for k, line in enumerate(out) if line.startswith("Required By "))
    assert out[i].split(" : ", 1)[1] == "omg-editor"
    assert out[i + 1] == " " * 18 + "+ 2 not installed"


def native_rdeps(sb, name):
    """The installed packages the native tool names as needing name:
    (required, optional), as sets."""
    if sb["backend"] == "alpm":
        out = pacman(sb["root"], "-Qi", name)
        fields = {k.strip(): v.strip() for k, v in
                  (line.split(" : ", 1) for line in out.splitlines() if " : " in line)}
        req, opt = fields["Required By"], fields["Optional For"]
        return (set() if req == "None" else set(req.split()),
                set() if opt == "None" else set(opt.split()))
    deps = set()
    out = apt(sb["root"], "apt-cache", "rdepends", "--installed", "--no-conflicts",
              "--no-breaks", "--no-replaces", "--no-enhances", "--no-recommends",
              "--no-suggests", name)
    for line in out.splitlines()[2:]:
        if line.startswith("  ") and not line.startswith("    "):
            deps.add(line.strip().lstrip("|").strip())
    out = apt(sb["root"], "apt-cache", "rdepends", "--installed", "--no-conflicts",
              "--no-breaks", "--no-replaces", "--no-enhances", "--no-depends",
              "--no-pre-depends", name)
    opt = {line.strip().lstrip("|").strip() for line in out.splitlines()[2:]
           if line.startswith("  ") and not line.startswith("    ")}
    return deps, opt - deps


def test_reverse_dependencies_match_native_tool(omg, sb):
    """pacman -Qi's Required By and Optional For; apt-cache rdepends --installed (Depends
    and Pre-Depends; Recommends and Suggests), for every installed package."""
    for p in spec.PACKAGES:
        if not p.get("installed"):
            continue
        [got] = omg.json("info", p["name"], root=sb["root"])
        req, opt = native_rdeps(sb, p["name"])
        assert (set(got["required_by"]), set(got["optional_for"])) == (req, opt), p["name"]


@pytest.mark.skipif(not debian_lists(), reason="no apt lists on this machine")
def test_reverse_dependencies_of_libc6_on_the_host(omg):
    """The user study's case: apt-cache rdepends --installed libc6 on the real lists."""
    if subprocess.run(["dpkg-query", "-W", "libc6"], capture_output=True).returncode:
        pytest.skip("libc6 is not installed")
    [got] = omg.json("info", "libc6")
    out = subprocess.run(["apt-cache", "rdepends", "--installed", "--no-conflicts",
                          "--no-breaks", "--no-replaces", "--no-enhances", "libc6"],
                         capture_output=True, text=True, check=True).stdout
    want = {line.strip().lstrip("|").strip() for line in out.splitlines()[2:]
            if line.startswith("  ") and not line.startswith("    ")}
    assert set(got["required_by"]) | set(got["optional_for"]) == want
    assert got["required_by_not_installed"] > 1000  # the rest of the archive, counted


def info_fields(omg, sb, name):
    """omg info's text as {label: value}, continuation lines left out."""
    out = omg.run("info", name, root=sb["root"], check=0).stdout
    fields = dict(line.split(":", 1) for line in out.splitlines()
                  if line[:1] not in (" ", "") and ":" in line)
    return {k.strip(): v.strip() for k, v in fields.items()}


@pytest.mark.smoke
def test_info_text(omg, sb):
    fields = info_fields(omg, sb, "omg-editor")
    assert fields["Name"] == "omg-editor"
    assert fields["Version"] == "1.1-1"
    assert fields["Installed"] == "1.0-1 (upgradable to 1.1-1)"
    assert fields["Description"] == "A small text editor for testing upgrades"
    assert fields["Provides"] == "text-editor"
    assert fields["Install Reason"] == "Explicitly installed"
    size = "Installed Size" if sb["backend"] == "alpm" else "Installed-Size"
    assert fields[size].endswith("KiB")
    assert "Required By" in fields and "Optional For" in fields


# omg's own lines, on both backends: the merged record's state and the reverse dependencies.
OMG_LABELS = {"Name", "Installed", "Required By", "Optional For", "Install Date",
              "Install Reason", "State"}
# pacman -Si and -Qi, plus the repository and pkgbase libalpm has.
PACMAN_LABELS = {"Repository", "Version", "Description", "Architecture", "URL", "Licenses",
                 "Groups", "Provides", "Depends On", "Optional Deps", "Conflicts With",
                 "Replaces", "Download Size", "Installed Size", "Packager", "Base", "Build Date"}
# apt-cache show's fields (apt show's names for the sizes), apt-cache policy's table.
APT_LABELS = {"Archive", "Version", "Description", "Priority", "Essential", "Section", "Source",
              "Maintainer", "Architecture", "Multi-Arch", "Installed-Size", "Download-Size",
              "Provides", "Pre-Depends", "Depends", "Recommends", "Suggests", "Enhances",
              "Conflicts", "Breaks", "Replaces", "Homepage", "Tag", "Version table"}


@pytest.mark.parametrize("name", [p["name"] for p in spec.PACKAGES])
def test_info_shows_the_backends_own_fields(omg, sb, name):
    """Each backend's fields under its tools' names, and no field it does not have
    (issue 14: Debian showed Groups: None and Build Date: None)."""
    fields = info_fields(omg, sb, name)
    own = PACMAN_LABELS if sb["backend"] == "alpm" else APT_LABELS
    assert set(fields) <= own | OMG_LABELS, set(fields) - own - OMG_LABELS
    want = spec.by_name(name)
    if not want.get("installed"):
        assert "Install Date" not in fields and "Install Reason" not in fields
    if sb["backend"] == "alpm":
        out = pacman(sb["root"], "-Qi" if want.get("installed") else "-Si", name)
        native = {line.split(":", 1)[0].strip() for line in out.splitlines() if " : " in line}
        # every field pacman prints that omg keeps in its index
        assert native - {"Name", "Install Script", "Validated By", "MD5 Sum", "SHA-256 Sum",
                         "Signatures", "Backup Files"} <= set(fields) | {"Download Size"}
    else:
        assert "Groups" not in fields and "Build Date" not in fields
        assert "Licenses" not in fields and "Packager" not in fields


def apt_show(sb, name, version):
    """apt-cache show's record of one version, as {field: value} (continuations joined)."""
    out = apt(sb["root"], "apt-cache", "show", "%s=%s" % (name, version))
    fields, key = {}, None
    for line in out.split("\n\n")[0].splitlines():
        if line.startswith(" ") and key:
            fields[key] += "\n" + line.strip()
        elif ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value.strip()
    return fields


@pytest.mark.parametrize("name", [p["name"] for p in spec.PACKAGES])
def test_info_fields_match_apt_cache_show(omg, deb_sb, name):
    """Every relation, Essential, Priority, Multi-Arch, Tag, Source with its version,
    as apt-cache show prints them for the candidate, in the text and in JSON."""
    sb = deb_sb | {"backend": "apt"}
    [got] = omg.json("info", name, root=sb["root"])
    show = apt_show(sb, name, got["version"])
    text = info_fields(omg, sb, name)
    for field in ("Pre-Depends", "Depends", "Recommends", "Suggests", "Enhances", "Conflicts",
                  "Breaks", "Replaces", "Provides", "Tag", "Priority", "Essential",
                  "Multi-Arch", "Section", "Maintainer", "Homepage", "Architecture"):
        assert text.get(field) == (show[field].replace("\n", " ") if field in show else None), field
    keys = {"Pre-Depends": "pre_depends", "Depends": "depends", "Recommends": "optdepends",
            "Suggests": "suggests", "Enhances": "enhances", "Conflicts": "conflicts",
            "Breaks": "breaks", "Replaces": "replaces", "Provides": "provides"}
    for field, key in keys.items():
        assert got[key] == (show[field].split(", ") if field in show else []), field
    assert got["tags"] == (show["Tag"].replace("\n", " ").split(", ") if "Tag" in show else [])
    assert got["essential"] == (show.get("Essential") == "yes")
    assert got["priority"] == show.get("Priority")
    assert got["multi_arch"] == show.get("Multi-Arch")
    source = show.get("Source", name)
    assert text["Source"] == source
    assert got["base"] == source.split(" ")[0]
    assert got["source_version"] == (source.split(" ")[1].strip("()") if " " in source else None)
    assert got["installed_size"] == int(show["Installed-Size"]) * 1024


@pytest.mark.parametrize("name", [p["name"] for p in spec.PACKAGES])
def test_version_table_matches_apt_cache_policy(omg, deb_sb, name):
    """apt-cache policy's version table: every version, its pin, each archive and its
    pin (omg-pinned: two archives, pinned 500 and 100; omg-editor: installed ***)."""
    sb = deb_sb | {"backend": "apt"}
    out = apt(sb["root"], "apt-cache", "policy", name).splitlines()
    want = out[out.index("  Version table:") + 1:]
    text = omg.run("info", name, root=sb["root"], check=0).stdout.splitlines()
    assert text[text.index("Version table   :") + 1:] == want
    [got] = omg.json("info", name, root=sb["root"])
    cand = out[2].split(":", 1)[1].strip()
    assert [v["version"] for v in got["versions"] if v["candidate"]] == [cand]
    inst = [v["version"] for v in got["versions"] if v["installed"]]
    assert inst == ([got["installed_version"]] if got["installed"] else [])
    if name == "omg-pinned":
        assert [(v["version"], v["priority"], [a["priority"] for a in v["archives"]])
                for v in got["versions"]] == [("2.0-1", 100, [100]), ("1.0-1", 500, [500, 100])]


def test_info_unknown_package(omg, sb):
    p = omg.run("info", "omg-base", "no-such-package", root=sb["root"])
    assert p.returncode == 3
    assert p.stderr == "omg: package 'no-such-package' was not found\n"
    assert p.stdout.startswith("Name")  # the known one is still shown
    p = omg.run("--json", "info", "nope", root=sb["root"])
    assert p.returncode == 3 and json.loads(p.stdout)["error"] == {
        "code": 3, "message": "package 'nope' was not found",
        "missing": [{"name": "nope", "provided_by": [], "similar": []}]}


def native_list(sb, kind):
    root = sb["root"]
    if sb["backend"] == "alpm":
        flags = {"installed": "-Qq", "upgradable": "-Quq", "explicit": "-Qeq",
                 "orphans": "-Qdtq", "foreign": "-Qmq"}[kind]
        p = subprocess.run(arch.pacman_cmd(root, flags), capture_output=True, text=True)
        assert p.returncode in (0, 1), p.stderr
        return sorted(p.stdout.split())
    if kind == "upgradable":
        out = apt(root, "apt", "list", "--upgradable")
        return sorted(line.split("/")[0] for line in out.splitlines() if "/" in line)
    if kind == "orphans":
        out = apt(root, "apt-get", "-s", "autoremove")
        return sorted(line.split()[1] for line in out.splitlines() if line.startswith("Remv "))
    if kind == "explicit":
        return sorted(apt(root, "apt-mark", "showmanual").split())
    if kind == "foreign":
        out = apt(root, "apt", "list", "--installed")
        return sorted(line.split("/")[0] for line in out.splitlines()
                      if "/" in line and "local]" in line)
    out = subprocess.run(["dpkg-query", f"--admindir={root}/var/lib/dpkg", "-W",
                          "-f", "${Package} ${db:Status-Status}\n"],
                         capture_output=True, text=True, check=True).stdout
    return sorted(line.split()[0] for line in out.splitlines() if line.endswith(" installed"))


@pytest.mark.parametrize("kind", ["installed", "upgradable", "explicit", "orphans", "foreign"])
def test_list_matches_native_tool(omg, sb, kind):
    rows = omg.json("list", f"--{kind}", root=sb["root"])
    assert names(rows) == native_list(sb, kind)


@pytest.mark.smoke
def test_list_flags_held_upgrades(omg, sb):
    rows = omg.json("list", "--upgradable", root=sb["root"])
    held = {r["name"]: r["held"] for r in rows}
    assert held == {"omg-editor": False, "omg-held": True}
    out = omg.run("list", "--upgradable", root=sb["root"], check=0).stdout
    assert re.match(r"^ih   omg-held\s+1\.0-1 -> 2\.0-1", out.splitlines()[1])


def test_state_letters(omg, sb):
    # aptitude's letters (docs/cli.md): current state, action (h: held), A: automatic;
    # each checked against the native tool's own idea of the package.
    installed = set(native_list(sb, "installed"))
    explicit = set(native_list(sb, "explicit"))
    held = {p["name"] for p in spec.PACKAGES if p.get("held")}
    rows = omg.run("list", "--all", root=sb["root"], check=0).stdout.splitlines()
    assert len(rows) == len(spec.PACKAGES)
    for row in rows:
        letters, name = row[:3], row[5:].split()[0]
        want = ("i" if name in installed else "p") + ("h" if name in held else " ") + \
            ("A" if name in installed - explicit else " ")
        assert letters == want, (row, want)


@pytest.mark.smoke
def test_list_default_all_and_limit(omg, sb):
    assert names(omg.json("list", root=sb["root"])) == names(
        omg.json("list", "--installed", root=sb["root"]))
    assert len(omg.json("list", "--all", root=sb["root"])) == len(spec.PACKAGES)
    assert len(omg.json("list", "--all", "--limit", "3", root=sb["root"])) == 3
    p = omg.run("list", "--orphans", "--explicit", root=sb["root"])
    assert p.returncode == 2


@pytest.mark.smoke
def test_status(omg, sb):
    st = omg.json("status", root=sb["root"])
    assert st.pop("last_sync") > 0 and st.pop("checked") >= 0
    assert st.pop("snapshot").endswith(".bin")
    # No advisory data: the feeds point at a closed port (conftest.OFFLINE_CONFIG), and
    # the Debian sandbox names no release (no etc/os-release): no feed at all.
    assert st.pop("vuln_state") == ("missing" if sb["backend"] == "alpm" else "off")
    assert st.pop("vulns_fetched") == 0
    assert st.pop("vulnerable") is None and st.pop("vuln_severity") is None
    assert st == {"backend": sb["backend"], "root": sb["root"], "packages": len(spec.PACKAGES),
                  "installed": 6, "explicit": 4, "upgradable": 1, "held": 1,
                  "orphans": 1, "foreign": 1, "generation": 1,
                  "security": None if sb["backend"] == "alpm" else 0,
                  "reboot_required": False, "check_error": "", "transaction": ""}


def test_info_virtual_name_points_at_providers(omg, sb):
    p = omg.run("info", "text-editor", root=sb["root"])
    assert p.returncode == 3
    assert p.stderr == ("omg: package 'text-editor' was not found; it is provided by "
                        "omg-editor, omg-editor-legacy\n")
