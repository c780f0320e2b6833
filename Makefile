# SPDX-License-Identifier: MIT
# omg: build, test, bench, run, install. Plain make with pkg-config; V=1 for full commands,
# SANITIZE=address,undefined for a sanitizer build, WERROR=1 to fail on warnings.

PREFIX ?= /usr/local
CC ?= cc
CXX ?= g++
O ?= build

PKGS := libalpm apt-pkg lmdb
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

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CPPFLAGS += -Isrc -D_GNU_SOURCE -MMD -MP
CFLAGS += -std=c11 $(OPT) $(WARN)
CXXFLAGS += -std=c++17 $(OPT) $(CXXWARN)
LDLIBS += $(PKG_LIBS) -lstdc++

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2)
endif

UTIL_SRC := $(wildcard src/util/*.c)
ENGINE_SRC := $(wildcard src/engine/*.c src/engine/backend/*.c)
ENGINE_CXX := $(wildcard src/engine/backend/*.cc)
CLI_SRC := $(wildcard src/cli/*.c)

LIB_OBJ := $(UTIL_SRC:%.c=$(O)/%.o) $(ENGINE_SRC:%.c=$(O)/%.o) $(ENGINE_CXX:%.cc=$(O)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(O)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)

.PHONY: all deps run test check unit e2e bench clean install
.DEFAULT_GOAL := all

all: $(O)/.deps-ok omg

# The deps script installs what is missing (a no-op when everything is there).
$(O)/.deps-ok: scripts/deps.sh
	$(Q)./scripts/deps.sh
	@mkdir -p $(O) && touch $@

deps:
	$(Q)./scripts/deps.sh

omg: $(O)/omg
	$(Q)cp $< $@.tmp && mv -f $@.tmp $@

$(O)/omg: $(CLI_OBJ) $(O)/libomg.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(OPT) $(LDSAN) -o $@ $(CLI_OBJ) $(O)/libomg.a $(LDLIBS)

$(O)/libomg.a: $(LIB_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/%.o: %.c | $(O)/.deps-ok
	$(call msg,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/%.o: %.cc | $(O)/.deps-ok
	$(call msg,CXX,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CXX) $(CPPFLAGS) $(PKG_CFLAGS) $(CXXFLAGS) -c -o $@ $<

$(O)/tests/%: tests/unit/%.c $(O)/libomg.a
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(LDSAN) -o $@ $< $(O)/libomg.a \
		$(LDLIBS) $(shell pkg-config --libs cmocka)

unit: $(UNIT_BIN)

# The program on this machine's own packages.
run: $(O)/.deps-ok omg
	./omg

# Everything: warnings as errors, unit tests (plain and under ASan+UBSan), end-to-end
# tests with Debian's pytest against ./omg and again against an ASan+UBSan omg;
# tests/run.sh prints the passed/failed summary.
test check: $(O)/.deps-ok
	$(Q)$(MAKE) --no-print-directory WERROR=1 O=build/test omg unit
	$(Q)$(MAKE) --no-print-directory WERROR=1 O=build/asan SANITIZE=address,undefined unit \
		build/asan/omg
	$(Q)tests/run.sh

bench: $(O)/.deps-ok omg
	$(Q)/usr/bin/python3 bench/run.py

install: omg
	install -Dm755 omg $(DESTDIR)$(PREFIX)/bin/omg
	install -Dm644 docs/man/omg.1 $(DESTDIR)$(PREFIX)/share/man/man1/omg.1

clean:
	rm -rf build omg

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_BIN:=.d)
