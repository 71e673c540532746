# vmjail build.  `make` builds into build/, `make check` runs every test under
# prove, `make check SANITIZE=1` does the same with ASan+UBSan (into build/san).
# Each directory owns a build.mk fragment; this file holds only what they share.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(PREFIX)/bin
SBINDIR := $(PREFIX)/sbin
DATADIR := $(PREFIX)/share/vmjail
MANDIR  := $(PREFIX)/share/man

CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)

ifeq ($(SANITIZE),1)
BUILD      ?= build/san
OPTFLAGS   := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
SANLDFLAGS := -fsanitize=address,undefined
else
BUILD      ?= build
# FORTIFY needs optimisation; ASan builds run without it (they check more).
OPTFLAGS   := -O2 -g -D_FORTIFY_SOURCE=3
SANLDFLAGS :=
endif

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter -Wvla
HARDEN   := -fstack-protector-strong -fPIE -fno-strict-aliasing -fcf-protection
CPPFLAGS += -I. -I$(BUILD)/gen -D_GNU_SOURCE -DVMJAIL_VERSION='"$(VERSION)"' \
            -DVMJAIL_DATADIR='"$(DATADIR)"'
CFLAGS   += -std=gnu11 $(OPTFLAGS) $(WARN) $(HARDEN) -MMD -MP
LDFLAGS  += -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack $(SANLDFLAGS)
LDLIBS   :=

OBJ := $(BUILD)/obj

.PHONY: all check check-quick clean install run deps fuzz bench lint format-check
# keep intermediate objects (test and fuzz binaries are built through them)
.SECONDARY:
all:

# Compile any project .c into $(BUILD)/obj/<same path>.o
$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

include policies/build.mk
include audit/build.mk
include bpf/build.mk
include jailer/build.mk
include tests/build.mk
include tests/guest/build.mk
include fuzz/build.mk
include dist/build.mk
include lib/build.mk

deps:
	.ci/deps

# The README's first command: one jailed microVM with its audit stream.
run: deps
	$(MAKE) all guest
	VJ_BUILD=$(abspath $(BUILD)) tests/guest/demo.sh

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/policies \
	           $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BUILD)/vmjail $(DESTDIR)$(SBINDIR)/vmjail
	$(INSTALL_EXTRA)
	install -m 0644 policies/*.policy $(DESTDIR)$(DATADIR)/policies/
	install -m 0644 docs/vmjail.8 $(DESTDIR)$(MANDIR)/man8/vmjail.8

# Benchmarks (not tests): one markdown table, plots in build/bench/ (tests/bench/run.sh).
bench: all guest
	VJ_BUILD=$(abspath $(BUILD)) tests/bench/run.sh

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
