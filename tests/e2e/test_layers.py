# SPDX-License-Identifier: MIT
"""The structure the design claims, checked on the build under test: the include layers
(scripts/check-layers.py on the compiler's own dependency files, and a planted bad
include it must refuse), and a client that links neither LMDB nor libcrypto."""
import os
import subprocess

from conftest import OMG, TOP

CHECK = TOP / "scripts" / "check-layers.py"


def build_dir():
    """The build directory of the omg under test (build/test/omg, build/asan/omg)."""
    return os.path.dirname(os.path.realpath(str(OMG)))


def check(*dirs):
    return subprocess.run(["/usr/bin/python3", str(CHECK), *map(str, dirs)],
                          capture_output=True, text=True)


def test_the_build_keeps_its_layers():
    src = os.path.join(build_dir(), "src")
    assert os.path.isdir(src), "no dependency files under %s: build first" % src
    p = check(src)
    assert p.returncode == 0, p.stderr


def plant(tmp_path, rel, text):
    """Compiles text as src/REL of a throw-away tree against the real headers, leaving
    the compiler's dependency file under tmp/build."""
    path = tmp_path / "src" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    dep = tmp_path / "build" / "src" / (rel[:-2] + ".d")
    dep.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cc", "-std=c11", "-D_GNU_SOURCE", "-I", str(TOP / "src"), "-MMD", "-MF",
                    str(dep), "-c", "-o", str(tmp_path / "planted.o"), str(path)],
                   check=True, capture_output=True, text=True)


def test_a_planted_bad_include_fails(tmp_path):
    # The protocol may not know the engine; the UI may not know the CLI; the engine may
    # not reach into a backend's own files; omg-fast may not know the protocol.
    plant(tmp_path, "ipc/planted.c", '#include "engine/engine.h"\nint planted_a;\n')
    plant(tmp_path, "tui/planted2.c", '#include "cli/cli.h"\nint planted_b;\n')
    plant(tmp_path, "engine/planted3.c", '#include "engine/backend/pacconf.h"\nint planted_c;\n')
    plant(tmp_path, "fast/planted4.c", '#include "ipc/protocol.h"\nint planted_d;\n')
    plant(tmp_path, "client/planted5.c", '#include "util/buf.h"\n#include "ipc/codec.h"\n'
          'int planted_e;\n')
    p = check(tmp_path / "build")
    assert p.returncode == 1, p
    lines = p.stderr.splitlines()
    assert "check-layers: ipc/planted.c includes engine/engine.h: ipc may include ipc, " \
        "util only" in lines, p.stderr
    # A header reached through another is named with the header that included it.
    assert any(l.startswith("check-layers: ipc/planted.c includes engine/index.h (through "
                            "engine/engine.h)") for l in lines), p.stderr
    assert any(l.startswith("check-layers: tui/planted2.c includes cli/cli.h: tui may "
                            "include") for l in lines), p.stderr
    assert any(l.startswith("check-layers: engine/planted3.c includes "
                            "engine/backend/pacconf.h") for l in lines), p.stderr
    assert any(l.startswith("check-layers: fast/planted4.c includes ipc/protocol.h")
               for l in lines), p.stderr
    assert not any("client/planted5.c" in l for l in lines), p.stderr
    assert lines[-1].endswith("cross a layer the wrong way (docs/architecture.md)")


def test_a_clean_plant_passes(tmp_path):
    plant(tmp_path, "cli/planted.c", '#include "client/session.h"\nint planted;\n')
    p = check(tmp_path / "build")
    assert p.returncode == 0, p.stderr


def needed_libraries(path):
    """The shared libraries a program or module asks for (its DT_NEEDED entries)."""
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True,
                         check=True).stdout
    return {line.split("[", 1)[1].split("]", 1)[0] for line in out.splitlines()
            if "(NEEDED)" in line}


def test_the_client_links_what_a_client_needs():
    omg = os.path.realpath(str(OMG))
    libs = needed_libraries(omg)
    names = {l.split(".so", 1)[0] for l in libs}
    assert not names & {"liblmdb", "libcrypto", "libalpm", "libapt-pkg", "libstdc++"}, libs
    sanitizers = {"libasan", "libubsan", "libm", "libgcc_s"}
    assert names - sanitizers <= {"libc", "libncursesw", "libtinfo", "libinih"}, libs
    # The engine's libraries come with its module, loaded where the engine runs.
    engine = os.path.join(build_dir(), "modules", "omg-engine.so")
    assert {"liblmdb", "libcrypto"} <= {l.split(".so", 1)[0] for l in needed_libraries(engine)}
