# cgroup-BPF programs, their skeletons and the loader: $(BUILD)/libvjbpf.a.
# (owned by the cgroup-bpf work; docs/bpf.md)
#
# Everything generated goes to $(BUILD)/gen: vmlinux.h (from this kernel's
# BTF), the BPF objects and the skeletons.  Nothing generated is committed.
BPF_LIB_SRCS := $(wildcard bpf/*.c)
BPF_LIB_SRCS := $(filter-out %.bpf.c,$(BPF_LIB_SRCS))
BPF_LIB_OBJS := $(BPF_LIB_SRCS:%.c=$(OBJ)/%.o)
BPF_LIB := $(BUILD)/libvjbpf.a

BPF_GEN     := $(BUILD)/gen
BPF_VMLINUX := $(BPF_GEN)/vmlinux.h
BTF_VMLINUX ?= /sys/kernel/btf/vmlinux
# -fdebug-compilation-dir: the same sources give the same object (and object
# hash, which the pinned programs are checked against) wherever they are built.
BPF_CFLAGS  := -target bpf -g -O2 -mcpu=v3 -D__TARGET_ARCH_x86 -Wall -Wextra -Werror \
               -Wno-unused-parameter -fdebug-compilation-dir=. -I$(BPF_GEN) -I.

# The enforcement programs: one file per hook family, statically linked into
# one object so they share one set of maps (bpftool gen object), one skeleton.
BPF_ENF_SRCS := $(filter-out bpf/lsm_%.bpf.c,$(wildcard bpf/*.bpf.c))
BPF_ENF_OBJS := $(BPF_ENF_SRCS:bpf/%.bpf.c=$(BPF_GEN)/bpf/%.bpf.o)
# The BPF LSM programs: a second object (loaded only where the kernel runs
# LSM programs), whose maps are the pinned maps of the first.
BPF_LSM_SRCS := $(filter-out bpf/lsm_probe.bpf.c,$(wildcard bpf/lsm_*.bpf.c))
BPF_LSM_OBJS := $(BPF_LSM_SRCS:bpf/%.bpf.c=$(BPF_GEN)/bpf/%.bpf.o)
BPF_SKELS    := $(BPF_GEN)/vjbpf.skel.h $(BPF_GEN)/vjbpf_lsmcanary.skel.h $(BPF_GEN)/vjbpf_lsm.skel.h

GEN_HEADERS += $(BPF_SKELS)

$(BPF_VMLINUX):
	@mkdir -p $(dir $@)
	$(BPFTOOL) btf dump file $(BTF_VMLINUX) format c > $@.tmp && mv $@.tmp $@

$(BPF_GEN)/bpf/%.bpf.o: bpf/%.bpf.c bpf/vjbpf_common.bpf.h bpf/vjbpf_lsm.bpf.h bpf/vjbpf_abi.h \
                        $(BPF_VMLINUX) bpf/build.mk
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c -o $@ $<

$(BPF_GEN)/vjbpf.bpf.o: $(BPF_ENF_OBJS)
	$(BPFTOOL) gen object $@ $^

$(BPF_GEN)/vjbpf.skel.h: $(BPF_GEN)/vjbpf.bpf.o
	$(BPFTOOL) gen skeleton $< name vjbpf > $@.tmp && mv $@.tmp $@

$(BPF_GEN)/vjbpf_lsm.bpf.o: $(BPF_LSM_OBJS)
	$(BPFTOOL) gen object $@ $^

$(BPF_GEN)/vjbpf_lsm.skel.h: $(BPF_GEN)/vjbpf_lsm.bpf.o
	$(BPFTOOL) gen skeleton $< name vjbpf_lsm > $@.tmp && mv $@.tmp $@

$(BPF_GEN)/vjbpf_lsmcanary.skel.h: $(BPF_GEN)/bpf/lsm_probe.bpf.o
	$(BPFTOOL) gen skeleton $< name vjbpf_lsmcanary > $@.tmp && mv $@.tmp $@

# The loader includes the skeletons; -MMD picks up later changes.
$(BPF_LIB_OBJS): | $(BPF_SKELS)

$(BPF_LIB): $(BPF_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# A static, never sanitized TAP program for the test guest (Debian's 6.1
# kernel with BPF LSM enabled): tests/cgbpf-guest.t boots it there to check
# what this host's kernel cannot (6.1 behaviour, the BPF LSM canary).  Built
# from sources so that a SANITIZE build (instrumented archives) still links.
CGBPF_GUEST_PROBE := $(BUILD)/guest/cgbpf-guest-probe
$(CGBPF_GUEST_PROBE): bpf/tool/guest_probe.c $(BPF_LIB_SRCS) jailer/err.c audit/lib/event.c \
                      policies/lang/names.c | $(BPF_SKELS)
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 $(WARN) -D_GNU_SOURCE -I. -I$(BPF_GEN) -fstack-protector-strong \
		-static -s -o $@ $(filter %.c,$^) -l:libbpf.a -l:libelf.a -l:libz.a
check-quick: $(CGBPF_GUEST_PROBE)

# The BPF LSM programs proven in the test guest (tests/lsm-guest.t): a static
# TAP program that is also its own attacker (bpf/tool/lsm_guest.c).
LSM_GUEST_TEST := $(BUILD)/guest/lsm-guest-test
# The skeletons are real prerequisites: they embed the BPF objects.
$(LSM_GUEST_TEST): bpf/tool/lsm_guest.c bpf/tool/lsm_guest_files.c bpf/tool/lsm_guest.h $(BPF_LIB_SRCS) jailer/err.c audit/lib/event.c audit/lib/json.c \
                   policies/lang/names.c $(BPF_SKELS) bpf/vjbpf.h bpf/internal.h bpf/vjbpf_abi.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 $(WARN) -D_GNU_SOURCE -I. -I$(BPF_GEN) -fstack-protector-strong \
		-static -s -o $@ $(filter %.c,$^) -l:libbpf.a -l:libelf.a -l:libz.a
check-quick: $(LSM_GUEST_TEST)

# Benchmark (not in check): tests/bench/lsm-guest.sh boots the guest with it.
LSM_GUEST_BENCH := $(BUILD)/guest/lsm-guest-bench
$(LSM_GUEST_BENCH): tests/bench/lsm-guest-bench.c $(BPF_LIB_SRCS) jailer/err.c audit/lib/event.c \
                    policies/lang/names.c $(BPF_SKELS) bpf/vjbpf.h bpf/internal.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 $(WARN) -D_GNU_SOURCE -I. -I$(BPF_GEN) -fstack-protector-strong \
		-static -s -o $@ $(filter %.c,$^) -l:libbpf.a -l:libelf.a -l:libz.a
