# The test guest (tests/guest/, docs/guest.md): `make guest` builds into
# $(BUILD)/guest/
#   vmlinuz, vmlinux, initramfs.cpio.gz   the guest (tests/guest/mkguest.sh)
#   selftest                              static TAP program, also in the initramfs
#   qmp-client, kvm-speed, tsc-khz        host tools of run-guest.sh and the tests
# Nothing here is downloaded: the kernel and its modules come from Debian's
# linux-image-amd64, the userland from busybox-static.

GUEST_DIR   := $(BUILD)/guest
# The newest Debian kernel, as mkguest.sh picks it: a new kernel package
# changes this path and so rebuilds the guest.
GUEST_KERNEL_SRC := $(shell find /boot -maxdepth 1 -name 'vmlinuz-*-amd64' 2>/dev/null | sort -V | tail -n 1)
GUEST_BUSYBOX    := $(shell command -v busybox 2>/dev/null)
GUEST_INPUTS := tests/guest/mkguest.sh tests/guest/init tests/guest/vj-poweroff \
                $(wildcard tests/guest/mode-*.sh) $(GUEST_KERNEL_SRC) $(GUEST_BUSYBOX)
GUEST_IMAGE  := $(GUEST_DIR)/vmlinuz $(GUEST_DIR)/vmlinux $(GUEST_DIR)/initramfs.cpio.gz
GUEST_TOOLS  := $(GUEST_DIR)/qmp-client $(GUEST_DIR)/kvm-speed $(GUEST_DIR)/tsc-khz
# Static programs for the guest, added to the initramfs under /vj/bin/.
GUEST_PROGS  := $(GUEST_DIR)/selftest

.PHONY: guest
guest: $(GUEST_IMAGE) $(GUEST_TOOLS) $(GUEST_PROGS)

# One mkguest.sh run writes all three files (a grouped target, make >= 4.3).
$(GUEST_IMAGE) &: $(GUEST_INPUTS) $(GUEST_PROGS)
	tests/guest/mkguest.sh $(GUEST_DIR) $(foreach p,$(GUEST_PROGS),--add $(p):/vj/bin/$(notdir $(p)))

# Guest programs run on the guest kernel without libraries: static, never
# sanitized, stripped (the initramfs is unpacked on every boot).
$(GUEST_PROGS): $(GUEST_DIR)/%: tests/guest/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 $(WARN) -D_GNU_SOURCE -fstack-protector-strong -static -s -o $@ $<

$(GUEST_TOOLS): $(GUEST_DIR)/%: $(OBJ)/tests/guest/%.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $<

# The guest tests (tests/guest-*.t) boot this guest.
check-quick: guest
