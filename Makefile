# SPDX-License-Identifier: MIT
# omg: build, test, bench, run, install. Plain make with pkg-config; V=1 for full commands,
# SANITIZE=address,undefined for a sanitizer build, WERROR=1 to fail on warnings.

PREFIX ?= /usr/local
CC ?= cc
CXX ?= g++
O ?= build

MODULE_DIR ?= $(PREFIX)/lib/omg/modules
THEME_DIR ?= $(PREFIX)/share/omg/themes
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SYSTEMD_DIR ?= $(PREFIX)/lib/systemd/system
SYSTEMD_USER_DIR ?= $(PREFIX)/lib/systemd/user
BASH_COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions
ZSH_COMPLETION_DIR ?= $(PREFIX)/share/zsh/site-functions
FISH_COMPLETION_DIR ?= $(PREFIX)/share/fish/vendor_completions.d
WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	-Wwrite-strings -Wpointer-arith -Wundef -Wimplicit-fallthrough
CXXWARN := -Wall -Wextra -Wformat=2 -Wshadow -Wpointer-arith -Wundef -Wimplicit-fallthrough
OPT ?= -O2 -g
ifeq ($(WERROR),1)
WARN += -Werror
CXXWARN += -Werror
endif
ifneq ($(SANITIZE),)
OPT += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDSAN := -fsanitize=$(SANITIZE)
endif

# Two programs and their modules (docs/architecture.md):
# - omg, the client a user types (CLI and UI), links libc, libinih and ncurses only;
# - omg-engine.so, the engine (index, store, server, transactions, audit), links LMDB,
#   libinih and libcrypto, and is loaded only where the engine runs: omg daemon (and
#   omgd, the same program), --no-daemon and omg audit;
# - omg-alpm.so and omg-apt.so, the backends, loaded by the engine on demand.
pc = $(shell pkg-config $(1) $(2) 2>/dev/null)
CPPFLAGS += -Isrc -D_GNU_SOURCE -DOMG_MODULE_DIR='"$(MODULE_DIR)"' \
	-DOMG_THEME_DIR='"$(THEME_DIR)"' -MMD -MP
CFLAGS += -std=c11 -fPIC -fvisibility=hidden $(OPT) $(WARN)
CXXFLAGS += -std=c++17 -fPIC -fvisibility=hidden $(OPT) $(CXXWARN)
ALL_CFLAGS = $(call pc,--cflags,libalpm apt-pkg lmdb inih libcrypto ncursesw libcurl libcjson zlib \
	libarchive gpgme)
CORE_LIBS = $(call pc,--libs,lmdb inih libcrypto libcurl libcjson zlib libarchive gpgme) -pthread
# The UI's terminal module (src/tui/term.c) is the only user of ncurses. omg links
# ncursesw, tinfo and libinih statically by default: a warm call then maps libc alone and
# starts within 2x of /bin/true (make bench). CLIENT_STATIC=0 links them as shared
# libraries, for a distribution that wants every library shared.
CLIENT_STATIC ?= 1
ifeq ($(CLIENT_STATIC),1)
CLIENT_LIBS = -Wl,-Bstatic $(call pc,--libs,ncursesw inih) -Wl,-Bdynamic
else
CLIENT_LIBS = $(call pc,--libs,ncursesw inih)
endif
MODLDFLAGS = -shared $(LDSAN) -Wl,--no-undefined -Wl,-z,defs

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2)
endif

UTIL_SRC := $(wildcard src/util/*.c)
# The layers (make check-layers): util <- ipc <- client <- {cli, tui} <- main;
# ipc <- engine <- backend.
BASE_SRC := $(wildcard src/ipc/*.c src/client/*.c)
ENGINE_SRC := $(wildcard src/engine/*.c src/engine/net/*.c src/engine/security/*.c \
	src/engine/aur/*.c src/engine/runtimes/*.c) \
	src/engine/backend/backend.c \
	src/engine/backend/pacconf.c src/fast/snapshot.c
# The UI's model, lines, themes and scrolling panel are in libomg.a for the unit tests;
# its curses side and the CLI link into omg only.
TUI_CORE_SRC := src/tui/theme.c src/tui/model.c src/tui/line.c src/tui/panel.c
CORE_SRC := $(BASE_SRC) $(ENGINE_SRC) $(TUI_CORE_SRC)
CLI_SRC := src/main.c $(wildcard src/cli/*.c) src/tui/term.c src/tui/tui.c src/tui/tui-engine.c \
	src/tui/tui-keys.c src/tui/tui-trans.c src/tui/view.c

BASE_OBJ := $(UTIL_SRC:%.c=$(O)/%.o) $(BASE_SRC:%.c=$(O)/%.o)
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(O)/%.o)
CORE_OBJ := $(UTIL_SRC:%.c=$(O)/%.o) $(CORE_SRC:%.c=$(O)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(O)/%.o) $(TUI_CORE_SRC:%.c=$(O)/%.o)
ALPM_OBJ := $(O)/src/engine/backend/alpm.o $(O)/src/engine/backend/pacconf.o \
	$(O)/src/util/buf.o $(O)/src/util/xalloc.o $(O)/src/util/fdio.o $(O)/src/util/xdg.o
APT_OBJ := $(O)/src/engine/backend/apt.o $(O)/src/engine/backend/apt-open.o \
	$(O)/src/engine/backend/apt-lock.o $(O)/src/engine/backend/apt-plan.o \
	$(O)/src/engine/backend/apt-commit.o $(O)/src/engine/backend/apt-progress.o \
	$(O)/src/engine/backend/apt-capture.o \
	$(O)/src/util/buf.o $(O)/src/util/xalloc.o $(O)/src/util/utf8.o $(O)/src/util/xdg.o \
	$(O)/src/util/thread.o
MODULES := $(O)/modules/omg-engine.so $(O)/modules/omg-alpm.so $(O)/modules/omg-apt.so
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)

.PHONY: all deps run test check unit bench clean install fuzz fuzz-build units \
	install-systemd install-man
.DEFAULT_GOAL := all

all: $(O)/.deps-ok omg

# The deps script installs what is missing (a no-op when everything is there).
$(O)/.deps-ok: scripts/deps.sh
	$(Q)./scripts/deps.sh
	@mkdir -p $(O) && touch $@

deps:
	$(Q)./scripts/deps.sh

# ./omg points at the build, so the binary finds modules/ and themes/ beside itself.
THEMES := $(wildcard themes/*.theme)
BUILT_THEMES := $(THEMES:themes/%=$(O)/themes/%)
$(O)/themes/%.theme: themes/%.theme
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

omg: $(O)/omg $(MODULES) $(O)/omg-fast $(BUILT_THEMES)
	$(Q)ln -sfn $(O)/omg $@
	$(Q)ln -sfn $(O)/omg-fast omg-fast

# omg-fast links libc alone, statically when it can (no dynamic loader to run: it starts
# faster than /bin/true); a sanitizer build links it dynamically, as the sanitizers need.
FAST_OBJ := $(O)/src/fast/main.o $(O)/src/fast/snapshot.o
FAST_STATIC := $(if $(SANITIZE),,-static)
$(O)/omg-fast: $(FAST_OBJ)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(OPT) $(LDSAN) $(FAST_STATIC) -o $@ $(FAST_OBJ)

$(O)/omg: $(CLI_OBJ) $(O)/libomg-base.a | $(BUILT_THEMES)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(OPT) $(LDSAN) -Wl,--as-needed -o $@ $(CLI_OBJ) $(O)/libomg-base.a \
		$(CLIENT_LIBS)

# util, ipc and client: what omg and the engine module share (each takes what it uses).
$(O)/libomg-base.a: $(BASE_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# Everything but the front ends' entry points: for the unit tests and tools.
$(O)/libomg.a: $(CORE_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# The engine module exports one symbol (omg_engine_embed, ipc/embed.h).
$(O)/modules/omg-engine.so: $(ENGINE_OBJ) $(O)/libomg-base.a
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(OPT) $(MODLDFLAGS) -o $@ $(ENGINE_OBJ) $(O)/libomg-base.a $(CORE_LIBS) -ldl

$(O)/modules/omg-alpm.so: $(ALPM_OBJ)
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(OPT) $(MODLDFLAGS) -o $@ $^ $(call pc,--libs,libalpm)

$(O)/modules/omg-apt.so: $(APT_OBJ)
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CXX) $(OPT) $(MODLDFLAGS) -o $@ $^ $(call pc,--libs,apt-pkg)

# Objects depend on the flags they were built with: changing SANITIZE, WERROR or OPT
# rebuilds them instead of reusing objects made another way.
FLAGS_NOW := $(CC) $(CXX) $(CPPFLAGS) $(CFLAGS) $(CXXFLAGS)
$(O)/.flags: FORCE | $(O)/.deps-ok
	@if [ "$$(cat $@ 2>/dev/null)" != '$(FLAGS_NOW)' ]; then echo '$(FLAGS_NOW)' > $@; fi
.PHONY: FORCE
FORCE:

$(O)/%.o: %.c $(O)/.flags | $(O)/.deps-ok
	$(call msg,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/%.o: %.cc $(O)/.flags | $(O)/.deps-ok
	$(call msg,CXX,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CXX) $(CPPFLAGS) $(ALL_CFLAGS) $(CXXFLAGS) -c -o $@ $<

$(O)/tests/%: tests/unit/%.c $(O)/libomg.a
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CFLAGS) $(LDSAN) -o $@ $< $(O)/libomg.a \
		$(CORE_LIBS) $(call pc,--libs,cmocka)

unit: $(UNIT_BIN)

# libFuzzer targets for decoders of outside data (make fuzz; make test runs each briefly).
# The core sources are compiled once, instrumented, into build/fuzz/libomg-fuzz.a, and
# each target links against it (not the ~30 sources again per target).
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_SECONDS ?= 20
# Jobs for the builds and fuzz runs make test and make check start: every core.
NPROC := $(shell nproc 2>/dev/null || echo 2)
FUZZ_CFLAGS := -std=c11 -g -O1 -Isrc -D_GNU_SOURCE $(call pc,--cflags,libalpm lmdb inih libcrypto libcurl libcjson zlib gpgme)
FUZZ_FLAGS := $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined
# Objects get the fuzzer's instrumentation without its main (fuzzer-no-link).
FUZZ_OBJ_FLAGS := $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJ := $(UTIL_SRC:%.c=build/fuzz/obj/%.o) $(CORE_SRC:%.c=build/fuzz/obj/%.o)
FUZZ_LIB := build/fuzz/libomg-fuzz.a

# As $(O)/.flags: objects made with other flags are rebuilt.
FUZZ_FLAGS_NOW := clang $(FUZZ_FLAGS) $(FUZZ_OBJ_FLAGS)
build/fuzz/.flags: FORCE
	@mkdir -p $(dir $@)
	@if [ "$$(cat $@ 2>/dev/null)" != '$(FUZZ_FLAGS_NOW)' ]; then \
		echo '$(FUZZ_FLAGS_NOW)' > $@; fi

build/fuzz/obj/%.o: %.c build/fuzz/.flags | $(O)/.deps-ok
	$(call msg,FUZZCC,$<)
	@mkdir -p $(dir $@)
	$(Q)clang $(FUZZ_OBJ_FLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB) build/fuzz/.flags | $(O)/.deps-ok
	$(call msg,FUZZ,$@)
	@mkdir -p $(dir $@)
	$(Q)clang $(FUZZ_FLAGS) -MMD -MP -MF $@.d -MT $@ -o $@ $< $(FUZZ_LIB) $(CORE_LIBS)

-include $(FUZZ_OBJ:.o=.d) $(FUZZ_BIN:=.d)

fuzz-build: $(FUZZ_BIN)

# Each target runs FUZZ_SECONDS, NPROC of them at a time (make test's fuzz step).
fuzz: $(FUZZ_BIN)
	$(Q)printf '%s\n' $(FUZZ_BIN) | xargs -P $(NPROC) -I{} sh -c '\
		f={}; n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
		echo "fuzz $$n for $(FUZZ_SECONDS) s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=0 \
			build/fuzz/corpus-$$n tests/fuzz/corpus/$${n#fuzz_} 2>build/fuzz/$$n.log \
			|| { tail -40 build/fuzz/$$n.log; exit 255; }'

# The include layers (docs/architecture.md), read from the compiler's dependency files
# of the build in $(O); make test checks its builds.
.PHONY: check-layers
check-layers: $(O)/.deps-ok omg
	$(Q)/usr/bin/python3 scripts/check-layers.py $(O)/src

# The program on this machine's own packages.
run: $(O)/.deps-ok omg
	./omg

# Everything: warnings as errors, unit tests (plain and under ASan+UBSan), the fuzz
# targets briefly, end-to-end tests with Debian's pytest against the -Werror omg and again
# against an ASan+UBSan omg; tests/run.sh prints the passed/failed/skipped summary.
test: $(O)/.deps-ok
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) WERROR=1 O=build/test omg unit tools
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) WERROR=1 O=build/asan SANITIZE=address,undefined \
		unit build/asan/omg build/asan/omg-fast tools
	$(Q)/usr/bin/python3 scripts/check-layers.py build/test/src build/asan/src
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) fuzz FUZZ_SECONDS=8
	$(Q)tests/run.sh

# The inner loop (under 2 minutes after a build): make test's -Werror build (build/test,
# no sanitizer), every C unit test on it, and the end-to-end tests marked smoke (search,
# info, list, status on both backends, a plan, the engine's start and stop, the UI); the
# same summary line, after the include layers are checked. It leaves ./omg alone.
check: $(O)/.deps-ok
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) WERROR=1 O=build/test build/test/omg \
		build/test/omg-fast unit tools
	$(Q)/usr/bin/python3 scripts/check-layers.py build/test/src
	$(Q)tests/run.sh --quick

# Developer tools: trans-run drives a backend's transactions (plan, commit) on a root; it
# finds the modules through $(O)/tests/modules, a link to $(O)/modules.
.PHONY: tools
tools: $(O)/.deps-ok $(O)/tests/trans-run $(O)/tests/snap-stress $(O)/tests/vercmp-run \
	$(O)/tests/rtver-run $(MODULES)
	$(Q)ln -sfn ../modules $(O)/tests/modules

$(O)/tests/trans-run: tests/tools/trans_run.c $(O)/libomg.a
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CFLAGS) $(LDSAN) -o $@ $< $(O)/libomg.a $(CORE_LIBS)
-include $(O)/tests/trans-run.d

$(O)/tests/snap-stress: tests/tools/snap_stress.c $(O)/libomg.a
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CFLAGS) $(LDSAN) -o $@ $< $(O)/libomg.a $(CORE_LIBS)
-include $(O)/tests/snap-stress.d

# vercmp-run compares version pairs from stdin, for the e2e check against dpkg and pacman.
$(O)/tests/vercmp-run: tests/tools/vercmp_run.c $(O)/libomg.a
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CFLAGS) $(LDSAN) -o $@ $< $(O)/libomg.a $(CORE_LIBS)
-include $(O)/tests/vercmp-run.d

# rtver-run prints the runtime versions active for a directory, or times the search
# (util/rtver.h) against spawning /bin/true.
$(O)/tests/rtver-run: tests/tools/rtver_run.c $(O)/libomg.a
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CFLAGS) $(LDSAN) -o $@ $< $(O)/libomg.a $(CORE_LIBS)
-include $(O)/tests/rtver-run.d

bench: $(O)/.deps-ok omg $(O)/bench/loadgen
	$(Q)OMG_LOADGEN=$(O)/bench/loadgen /usr/bin/python3 bench/run.py

# The protocol load generator for make bench, linked against libomg.a like the unit tests.
$(O)/bench/loadgen: bench/loadgen.c $(O)/libomg.a
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CFLAGS) $(LDSAN) -o $@ $< $(O)/libomg.a $(CORE_LIBS)
-include $(O)/bench/loadgen.d

# The systemd units name the installed binary: @BINDIR@ in the *.in templates.
UNIT_IN := $(wildcard packaging/systemd/*.in packaging/systemd/user/*.in)
UNITS := $(UNIT_IN:%.in=$(O)/%)

# Always regenerated (FORCE): BINDIR may differ from the last run.
$(O)/packaging/systemd/%: packaging/systemd/%.in FORCE
	$(call msg,GEN,$@)
	@mkdir -p $(dir $@)
	$(Q)sed 's|@BINDIR@|$(BINDIR)|g' $< > $@.tmp && mv $@.tmp $@

units: $(UNITS)

# The binary (omgd is the same program), its modules (the engine's and the backends'), units, man pages and the
# completion scripts omg prints. Each directory is a variable: BINDIR, MODULE_DIR,
# MANDIR, SYSTEMD_DIR, SYSTEMD_USER_DIR, BASH_/ZSH_/FISH_COMPLETION_DIR.
install: omg install-systemd install-man
	install -Dm755 $(O)/omg $(DESTDIR)$(BINDIR)/omg
	install -Dm755 $(O)/omg-fast $(DESTDIR)$(BINDIR)/omg-fast
	ln -sfn omg $(DESTDIR)$(BINDIR)/omgd
	install -Dm644 $(O)/modules/omg-engine.so $(DESTDIR)$(MODULE_DIR)/omg-engine.so
	install -Dm644 $(O)/modules/omg-alpm.so $(DESTDIR)$(MODULE_DIR)/omg-alpm.so
	install -Dm644 $(O)/modules/omg-apt.so $(DESTDIR)$(MODULE_DIR)/omg-apt.so
	install -d $(DESTDIR)$(THEME_DIR)
	install -m644 $(THEMES) $(DESTDIR)$(THEME_DIR)/
	install -d $(DESTDIR)$(BASH_COMPLETION_DIR) $(DESTDIR)$(ZSH_COMPLETION_DIR) \
		$(DESTDIR)$(FISH_COMPLETION_DIR)
	$(O)/omg completions bash > $(DESTDIR)$(BASH_COMPLETION_DIR)/omg
	$(O)/omg completions zsh > $(DESTDIR)$(ZSH_COMPLETION_DIR)/_omg
	$(O)/omg completions fish > $(DESTDIR)$(FISH_COMPLETION_DIR)/omg.fish

install-systemd: units
	install -Dm644 packaging/systemd/omgd.socket $(DESTDIR)$(SYSTEMD_DIR)/omgd.socket
	install -Dm644 $(O)/packaging/systemd/omgd.service $(DESTDIR)$(SYSTEMD_DIR)/omgd.service
	install -Dm644 packaging/systemd/user/omgd.socket \
		$(DESTDIR)$(SYSTEMD_USER_DIR)/omgd.socket
	install -Dm644 $(O)/packaging/systemd/user/omgd.service \
		$(DESTDIR)$(SYSTEMD_USER_DIR)/omgd.service

install-man:
	install -Dm644 docs/man/omg.1 $(DESTDIR)$(MANDIR)/man1/omg.1
	install -Dm644 docs/man/omg-fast.1 $(DESTDIR)$(MANDIR)/man1/omg-fast.1
	install -Dm644 docs/man/omgd.8 $(DESTDIR)$(MANDIR)/man8/omgd.8

clean:
	rm -rf build omg omg-fast

-include $(CORE_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(FAST_OBJ:.o=.d) $(ALPM_OBJ:.o=.d) $(APT_OBJ:.o=.d) $(UNIT_BIN:=.d)
