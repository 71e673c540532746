#!/bin/bash
# run-guest.sh --print-argv and --print-files are what a jailer needs to run
# QEMU: the argv must work as printed (from /, with an empty environment),
# and the files QEMU opens must be exactly the listed ones (each bound into
# the jail, nothing more).  Checked with strace for a full virtio boot and
# for machine setup (-S: firmware and kernel are loaded before the first
# instruction) with microvm, pc + bzImage, and KVM.
# shellcheck source-path=SCRIPTDIR
set -eu
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/guest/lib.sh"
require_root
guest_require
command -v strace >/dev/null || { echo "1..0 # SKIP strace not installed"; exit 0; }
plan 8

# strace from /, QEMU with an empty environment, as a jailer would start it.
# --seccomp-bpf: only the traced syscalls stop the tracee, so the guest runs
# at nearly its normal speed.
traced() { # TRACE ARGV...
	local trace=$1
	shift
	(cd / && strace -f -qq --seccomp-bpf -e trace=open,openat,openat2,creat -o "$trace" \
		env -i timeout 120 "$@")
}
opened() { "$VJ_SRC/tests/guest/opened-files.sh" "$1"; }

# 1. A whole virtio boot from the printed argv.
mapfile -t argv < <("$RUN_GUEST" --mode virtio --accel tcg --workdir "$GUEST_TMP/v" --print-argv 2>/dev/null)
want=$("$RUN_GUEST" --mode virtio --accel tcg --workdir "$GUEST_TMP/v" --print-files 2>/dev/null | LC_ALL=C sort)
rc=0
traced "$GUEST_TMP/v.trace" "${argv[@]}" </dev/null >"$GUEST_TMP/v.log" 2>"$GUEST_TMP/v.err" || rc=$?
is "$rc" 0 "the printed virtio argv runs from / with an empty environment (exit 0)"
like "$(tr -d '\r' <"$GUEST_TMP/v.log")" 'VMJAIL-VIRTIO-DONE ok=4 fail=0' "... and all virtio devices work"
is "$(opened "$GUEST_TMP/v.trace")" "$want" "files opened by that QEMU = --print-files (virtio, microvm, TCG)"

# 2-4. Machine setup only: start with -S, quit over QMP.
setup_files() { # NAME RUN-GUEST-ARGS...: leaves NAME.got and NAME.want
	local name=$1 pid
	shift
	mapfile -t argv < <("$RUN_GUEST" "$@" --qmp "$GUEST_TMP/$name.qmp" --print-argv 2>/dev/null)
	"$RUN_GUEST" "$@" --print-files 2>/dev/null | LC_ALL=C sort >"$GUEST_TMP/$name.want"
	traced "$GUEST_TMP/$name.trace" "${argv[@]}" -S </dev/null >/dev/null 2>"$GUEST_TMP/$name.err" &
	pid=$!
	"$QMP_CLIENT" -t 60 "$GUEST_TMP/$name.qmp" quit >/dev/null || true
	wait "$pid" || true
	opened "$GUEST_TMP/$name.trace" >"$GUEST_TMP/$name.got"
}
setup_files demo --mode demo --accel tcg
is "$(cat "$GUEST_TMP/demo.got")" "$(cat "$GUEST_TMP/demo.want")" "files opened = --print-files (demo, microvm, TCG)"
like "$(cat "$GUEST_TMP/demo.want")" 'ro /[^ ]*/bios-microvm.bin' "microvm's firmware is in the list"

setup_files pc --mode demo --accel tcg --machine pc --kernel "$GUEST_DIR/vmlinuz"
is "$(cat "$GUEST_TMP/pc.got")" "$(cat "$GUEST_TMP/pc.want")" "files opened = --print-files (pc, bzImage, TCG)"
like "$(cat "$GUEST_TMP/pc.want")" 'linuxboot_dma.bin' "a bzImage needs linuxboot_dma.bin"

if why=$(kvm_missing); then
	skip "$why: files opened with KVM not compared"
else
	setup_files kvm --mode demo --accel kvm
	is "$(cat "$GUEST_TMP/kvm.got")" "$(cat "$GUEST_TMP/kvm.want")" "files opened = --print-files (microvm, KVM)"
fi

done_testing
