# Fuzz targets (libFuzzer + ASan/UBSan): `make fuzz` builds them into
# $(BUILD)/fuzz/; each also builds as a plain replay binary that the tests run
# over the checked-in corpus.
#
# A target is any fuzz/fuzz_*.c defining LLVMFuzzerTestOneInput.  It is built
#   - with clang -fsanitize=fuzzer into $(BUILD)/fuzz/NAME, against the project
#     sources recompiled with coverage and sanitizers ($(BUILD)/fuzz/obj), and
#   - with the normal compiler into $(BUILD)/fuzz/replay/NAME, linked with
#     fuzz/replay.c (a main that runs every file or directory on argv), against
#     the normal libraries.  `make` builds these, so tests can replay corpora.
# Run one:  $(BUILD)/fuzz/fuzz_policy -max_total_time=120 fuzz/corpus/policy

FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_REPLAY_BINS := $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz/replay/%)

# Library sources every target may call (project libraries, rebuilt for
# libFuzzer), plus the tool's JSON parser for the OCI-import target.
FUZZ_JAILER_SRCS := jailer/cli.c jailer/mountinfo.c jailer/state.c jailer/paths.c jailer/cgroup.c \
		    jailer/cgroup_plan.c jailer/elfdeps.c jailer/qmp.c jailer/landlock_rules.c
# vmjail-policy's subcommands (the importers run whole, as from the command
# line), without its main().
FUZZ_TOOL_SRCS := $(filter-out policies/tool/main.c,$(wildcard policies/tool/*.c))
# vmjaild's parts without its main() (the subscriber protocol target).
FUZZ_VMJAILD_SRCS := $(filter-out audit/vmjaild/main.c,$(wildcard audit/vmjaild/*.c))
FUZZ_LIB_SRCS := $(POLICY_LIB_SRCS) $(AUDIT_LIB_SRCS) jailer/err.c jailer/jsonout.c \
		 $(FUZZ_TOOL_SRCS) $(FUZZ_JAILER_SRCS) $(FUZZ_VMJAILD_SRCS) bpf/tenant.c
FUZZ_OBJ := $(BUILD)/fuzz/obj
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_OBJ)/%.o) $(FUZZ_OBJ)/policies/lang/default_policy.o
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter \
	       -fsanitize=fuzzer-no-link,address,undefined

# Header dependencies and flag stamps for every fuzz flavour (libFuzzer, AFL++,
# coverage, jailed).  Without them an object compiled before a struct changed
# in a header stayed in libvjfuzz.a, and a target linked against the new layout
# reported a double free that no source had.  -MMD -MP writes NAME.d beside
# each object (included at the end of this file); FUZZ_STAMP writes the
# flavour's compile command to a file only when it differs from the last build,
# so objects that depend on that file rebuild when the flags change.
FUZZ_DEPFLAGS := -MMD -MP
# Under make -n the stamp is not written (a dry run must change nothing): the
# objects depend on the phony fuzz-flags-changed instead, so -n shows them.
FUZZ_DRY := $(findstring n,$(firstword -$(MAKEFLAGS)))
define FUZZ_STAMP
$(if $(subst x$(strip $(2)),,x$(strip $(file <$(1))))$(subst x$(strip $(file <$(1))),,x$(strip $(2))),$(if $(FUZZ_DRY),fuzz-flags-changed,$(shell mkdir -p $(dir $(1)))$(file >$(1),$(2))$(1)),$(1))
endef
.PHONY: fuzz-flags-changed
# The rest of the BPF loader comes from the plain library (only the rule
# builder, bpf/tenant.c, is instrumented).
FUZZ_LDLIBS := -lbpf -lelf -lz -lseccomp

FUZZ_STAMP_LF := $(call FUZZ_STAMP,$(FUZZ_OBJ)/cflags,$(CLANG) $(CPPFLAGS) $(FUZZ_CFLAGS))
$(FUZZ_OBJ)/%.o: %.c $(FUZZ_STAMP_LF) | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(CLANG) $(CPPFLAGS) $(FUZZ_CFLAGS) $(FUZZ_DEPFLAGS) -c -o $@ $<

$(FUZZ_OBJ)/policies/lang/default_policy.o: policies/lang/default_policy.S policies/default.policy
	@mkdir -p $(dir $@)
	$(CLANG) $(CPPFLAGS) -c -o $@ $<

# fuzz/build.mk too: under the Makefile's bare .SECONDARY a missing object
# whose source is older than the archive does not make the archive stale, so
# a source added to the list here would never reach it.
$(BUILD)/fuzz/libvjfuzz.a: $(FUZZ_LIB_OBJS) fuzz/build.mk
	rm -f $@ && ar rcs $@ $(filter %.o,$^)

$(BUILD)/fuzz/%: $(FUZZ_OBJ)/fuzz/%.o $(BUILD)/fuzz/libvjfuzz.a $(BPF_LIB)
	$(CLANG) -fsanitize=fuzzer,address,undefined -o $@ $< \
		-Wl,--start-group $(BUILD)/fuzz/libvjfuzz.a $(BPF_LIB) -Wl,--end-group $(FUZZ_LDLIBS)

fuzz: $(FUZZ_BINS)

# Replay binaries: the normal build (ASan+UBSan under SANITIZE=1).
FUZZ_REPLAY_EXTRA := $(OBJ)/fuzz/replay.o $(FUZZ_TOOL_SRCS:%.c=$(OBJ)/%.o) \
		     $(FUZZ_JAILER_SRCS:%.c=$(OBJ)/%.o) $(FUZZ_VMJAILD_SRCS:%.c=$(OBJ)/%.o)
$(BUILD)/fuzz/replay/%: $(OBJ)/fuzz/%.o $(FUZZ_REPLAY_EXTRA) $(VMJAIL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(FUZZ_REPLAY_EXTRA) $(VMJAIL_LIBS) $(VMJAIL_LDLIBS)
$(FUZZ_REPLAY_BINS:$(BUILD)/fuzz/replay/%=$(OBJ)/fuzz/%.o): | $(GEN_HEADERS)

all: $(FUZZ_REPLAY_BINS)

# A campaign: every target (or FUZZ_TARGETS) for FUZZ_TIME seconds, FUZZ_JOBS
# at a time; corpora merged into fuzz/corpus/, crashes deduplicated into
# fuzz/regress/, a summary table (fuzz/run.sh says how).
FUZZ_TIME ?= 60
FUZZ_JOBS ?= 2
FUZZ_TARGETS ?=
.PHONY: fuzz-run
fuzz-run: fuzz
	nice -n 19 fuzz/run.sh $(BUILD)/fuzz $(FUZZ_TIME) $(FUZZ_JOBS) $(FUZZ_TARGETS)

# `make check` runs tests/fuzz-smoke.t (every target for a few seconds),
# tests/fuzz-regress.t (every saved crash) and tests/fuzz-jailed.t (the
# planted target in real jails).
check-quick: $(FUZZ_BINS) $(BUILD)/fuzz/jailed/planted

# AFL++ builds of the same harnesses (Debian's afl++, `make fuzz-deps`):
# afl-clang-fast instrumentation, ASan+UBSan, and AFL++'s libFuzzer driver,
# which runs LLVMFuzzerTestOneInput in persistent mode from shared memory.
# `make fuzz-afl-run FUZZ_TARGETS=fuzz_qmp FUZZ_TIME=600` runs afl-fuzz on
# each target in turn (findings in $(BUILD)/fuzz/afl-out/NAME/default/crashes;
# replay them with the libFuzzer binary, then save them as fuzz/regress/).
AFL_CC ?= afl-clang-fast
AFL_DRIVER ?= /usr/lib/afl/libAFLDriver.a
FUZZ_AFL := $(BUILD)/fuzz/afl
FUZZ_AFL_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter \
		   -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_AFL_BINS := $(FUZZ_SRCS:fuzz/%.c=$(FUZZ_AFL)/%)
FUZZ_AFL_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_AFL)/obj/%.o) $(FUZZ_OBJ)/policies/lang/default_policy.o

FUZZ_STAMP_AFL := $(call FUZZ_STAMP,$(FUZZ_AFL)/obj/cflags,$(AFL_CC) $(CPPFLAGS) $(FUZZ_AFL_CFLAGS))
$(FUZZ_AFL)/obj/%.o: %.c $(FUZZ_STAMP_AFL) | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	AFL_QUIET=1 $(AFL_CC) $(CPPFLAGS) $(FUZZ_AFL_CFLAGS) $(FUZZ_DEPFLAGS) -c -o $@ $<

$(FUZZ_AFL)/libvjfuzz.a: $(FUZZ_AFL_LIB_OBJS) fuzz/build.mk
	rm -f $@ && ar rcs $@ $(filter %.o,$^)

$(FUZZ_AFL)/fuzz_%: $(FUZZ_AFL)/obj/fuzz/fuzz_%.o $(FUZZ_AFL)/libvjfuzz.a $(BPF_LIB)
	AFL_QUIET=1 $(AFL_CC) -fsanitize=address,undefined -o $@ $< $(AFL_DRIVER) \
		-Wl,--start-group $(FUZZ_AFL)/libvjfuzz.a $(BPF_LIB) -Wl,--end-group $(FUZZ_LDLIBS)

.PHONY: fuzz-afl fuzz-afl-run fuzz-deps
fuzz-deps:
	.ci/fuzz-deps
fuzz-afl: $(FUZZ_AFL_BINS)

FUZZ_AFL_TARGETS = $(or $(FUZZ_TARGETS),$(notdir $(FUZZ_AFL_BINS)))
fuzz-afl-run: fuzz-afl
	for t in $(FUZZ_AFL_TARGETS); do \
		AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
		nice -n 19 afl-fuzz -V $(FUZZ_TIME) -m none -t 1000 -i fuzz/corpus/$${t#fuzz_} \
			-o $(BUILD)/fuzz/afl-out/$${t#fuzz_} -- $(FUZZ_AFL)/$$t || exit 1; \
	done

# Coverage builds: clang source-based coverage, no sanitizers, replay.c as
# main (fuzz/coverage.sh runs them and writes $(BUILD)/fuzz/coverage/).
FUZZ_COV := $(BUILD)/fuzz/cov
FUZZ_COV_CFLAGS := -std=gnu11 -g -O0 -fprofile-instr-generate -fcoverage-mapping -Wno-unused-parameter
FUZZ_COV_BINS := $(FUZZ_SRCS:fuzz/%.c=$(FUZZ_COV)/%)
FUZZ_COV_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_COV)/obj/%.o) $(FUZZ_OBJ)/policies/lang/default_policy.o

FUZZ_STAMP_COV := $(call FUZZ_STAMP,$(FUZZ_COV)/obj/cflags,$(CLANG) $(CPPFLAGS) $(FUZZ_COV_CFLAGS))
$(FUZZ_COV)/obj/%.o: %.c $(FUZZ_STAMP_COV) | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(CLANG) $(CPPFLAGS) $(FUZZ_COV_CFLAGS) $(FUZZ_DEPFLAGS) -c -o $@ $<

$(FUZZ_COV)/libvjfuzz.a: $(FUZZ_COV_LIB_OBJS) fuzz/build.mk
	rm -f $@ && ar rcs $@ $(filter %.o,$^)

$(FUZZ_COV)/fuzz_%: $(FUZZ_COV)/obj/fuzz/fuzz_%.o $(FUZZ_COV)/obj/fuzz/replay.o $(FUZZ_COV)/libvjfuzz.a $(BPF_LIB)
	$(CLANG) -fprofile-instr-generate -o $@ $< $(FUZZ_COV)/obj/fuzz/replay.o \
		-Wl,--start-group $(FUZZ_COV)/libvjfuzz.a $(BPF_LIB) -Wl,--end-group $(FUZZ_LDLIBS)

.PHONY: fuzz-coverage
fuzz-coverage: $(FUZZ_COV_BINS)
	fuzz/coverage.sh $(FUZZ_COV) $(BUILD)/fuzz/coverage $(FUZZ_TARGETS)

# Jailed fuzzing (fuzz/jailed/, docs/fuzzing.md): fuzz/jailed/worker.c as
# main around libFuzzer (its no-main runtime) and one harness, built without
# ASan (ASan needs /proc, which a jail does not have; UBSan traps instead,
# and no sanitizer runtime is linked: its SEGV handler would turn the
# input's signal into an exit code).
# $(BUILD)/fuzz/jailed/NAME for every fuzz/fuzz_NAME.c and the planted target.
FUZZ_JAILED := $(BUILD)/fuzz/jailed
FUZZ_JAILED_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Wno-unused-parameter \
		      -fsanitize=fuzzer-no-link,undefined -fsanitize-trap=undefined
FUZZ_NOMAIN := $(shell $(CLANG) -print-resource-dir 2>/dev/null)/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a
FUZZ_JAILED_BINS := $(FUZZ_SRCS:fuzz/fuzz_%.c=$(FUZZ_JAILED)/%) $(FUZZ_JAILED)/planted
FUZZ_JAILED_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_JAILED)/obj/%.o) $(FUZZ_OBJ)/policies/lang/default_policy.o

FUZZ_STAMP_JAILED := $(call FUZZ_STAMP,$(FUZZ_JAILED)/obj/cflags,$(CLANG) $(CPPFLAGS) $(FUZZ_JAILED_CFLAGS))
$(FUZZ_JAILED)/obj/%.o: %.c $(FUZZ_STAMP_JAILED) | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(CLANG) $(CPPFLAGS) $(FUZZ_JAILED_CFLAGS) $(FUZZ_DEPFLAGS) -c -o $@ $<

$(FUZZ_JAILED)/libvjfuzz.a: $(FUZZ_JAILED_LIB_OBJS) fuzz/build.mk
	rm -f $@ && ar rcs $@ $(filter %.o,$^)

$(FUZZ_JAILED)/planted: $(FUZZ_JAILED)/obj/fuzz/jailed/planted.o $(FUZZ_JAILED)/obj/fuzz/jailed/worker.o
	$(CLANG) -o $@ $^ \
		$(FUZZ_NOMAIN) -lstdc++ -lm -lpthread

$(FUZZ_JAILED)/%: $(FUZZ_JAILED)/obj/fuzz/fuzz_%.o $(FUZZ_JAILED)/obj/fuzz/jailed/worker.o \
		  $(FUZZ_JAILED)/libvjfuzz.a $(BPF_LIB)
	$(CLANG) -o $@ $< \
		$(FUZZ_JAILED)/obj/fuzz/jailed/worker.o \
		-Wl,--start-group $(FUZZ_JAILED)/libvjfuzz.a $(BPF_LIB) -Wl,--end-group \
		$(FUZZ_NOMAIN) -lstdc++ -lm -lpthread $(FUZZ_LDLIBS)

# A harness from outside the project (fuzz/jailed/fdt.c): Debian's libfdt,
# linked from the system.  Built only where libfdt-dev (.ci/fuzz-deps) is
# installed; tests/fuzz-jailed-fdt.t skips, saying so, where it is not.
ifneq ($(wildcard /usr/include/libfdt.h),)
FUZZ_JAILED_BINS += $(FUZZ_JAILED)/fdt $(FUZZ_JAILED)/fdt_seed
check-quick: $(FUZZ_JAILED)/fdt $(FUZZ_JAILED)/fdt_seed
$(FUZZ_JAILED)/fdt: $(FUZZ_JAILED)/obj/fuzz/jailed/fdt.o $(FUZZ_JAILED)/obj/fuzz/jailed/worker.o
	$(CLANG) -o $@ $^ $(FUZZ_NOMAIN) -lfdt -lstdc++ -lm -lpthread
$(FUZZ_JAILED)/fdt_seed: fuzz/jailed/fdt_seed.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lfdt
endif

.PHONY: fuzz-jailed
fuzz-jailed: $(FUZZ_JAILED_BINS)

# The fuzz objects' header dependencies (written by -MMD above).
-include $(shell find $(BUILD)/fuzz -name '*.d' 2>/dev/null)
