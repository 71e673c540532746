# Tests: tests/*.t are scripts; tests/c/test_*.c become $(BUILD)/tests/test_*.t;
# tests/helpers/*.c are programs the tests run (probes started as the exec file).
TEST_C_SRCS  := $(wildcard tests/c/test_*.c)
TEST_C_BINS  := $(TEST_C_SRCS:tests/c/%.c=$(BUILD)/tests/%.t)
HELPER_SRCS  := $(wildcard tests/helpers/*.c)
HELPER_BINS  := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/tests/helpers/%)
# vmmstart.c is built static too (tests/policy-startup.t)
HELPER_BINS  += $(BUILD)/tests/helpers/vmmstart-static

$(BUILD)/tests/%.t: $(OBJ)/tests/c/%.o $(VMJAIL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(VMJAIL_LIBS) $(VMJAIL_LDLIBS)

# test_paths drives jailer/paths.c directly (no library holds the jailer).
$(BUILD)/tests/test_paths.t: $(OBJ)/tests/c/test_paths.o $(OBJ)/jailer/paths.o $(VMJAIL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(VMJAIL_LDLIBS)

# test_pidfd_exit drives jailer/pidfd_exit.c directly.
$(BUILD)/tests/test_pidfd_exit.t: $(OBJ)/tests/c/test_pidfd_exit.o $(OBJ)/jailer/pidfd_exit.o $(VMJAIL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(VMJAIL_LDLIBS)

# test_exec_once drives the supervisor's exec-once decision directly.
$(BUILD)/tests/test_exec_once.t: $(OBJ)/tests/c/test_exec_once.o $(OBJ)/jailer/layer_exec_once.o \
		$(OBJ)/jailer/canary.o $(VMJAIL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(VMJAIL_LDLIBS)

# Helpers run inside jails: plain hardened builds, never sanitized (ASan needs
# /proc, which a jail does not have).
$(BUILD)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -fPIE -pie -I. -o $@ $<

# tests/escape/attack/<technique>.c: one statically linked attacker each (no
# library in the jail to depend on; see tests/escape/README.md).
ESCAPE_SRCS  := $(wildcard tests/escape/attack/*.c)
ESCAPE_BINS  := $(ESCAPE_SRCS:tests/escape/attack/%.c=$(BUILD)/tests/escape/%)

$(BUILD)/tests/escape/%: tests/escape/attack/%.c tests/escape/attack/attack.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o $@ $<

TEST_DEPS := all $(TEST_C_BINS) $(HELPER_BINS) $(ESCAPE_BINS)
PROVE ?= prove

# The README's test command.  Every test runs as root against the real kernel.
# tests/lib/check.sh runs prove (output also in $(BUILD)/check.log, each
# test's TAP in $(BUILD)/check/), then lists every skip with its reason; it
# exits with prove's status.
check: deps
	$(MAKE) check-quick

check-quick: $(TEST_DEPS)
	VJ_BUILD=$(abspath $(BUILD)) VJ_SRC=$(CURDIR) PROVE='$(PROVE)' tests/lib/check.sh --timer $(PROVE_FLAGS) \
		$(sort $(wildcard tests/*.t)) $(sort $(wildcard tests/escape/*.t)) $(sort $(TEST_C_BINS))

# The start-up probes (tests/policy-startup.t): vmmstart.c is also built
# static, and vmmstart_raw.c has no libc at all (its own _start), like a
# static musl VMM.
$(BUILD)/tests/helpers/vmmstart-static: tests/helpers/vmmstart.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -static -o $@ $< -lpthread
$(BUILD)/tests/helpers/vmmstart_raw: tests/helpers/vmmstart_raw.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin \
		-fno-stack-protector -fno-pie -no-pie -static -nostdlib -o $@ $<
