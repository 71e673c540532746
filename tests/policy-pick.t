#!/bin/bash
# Without --policy, vmjail gives a VMM it recognises by its exec file's name
# (QEMU, Firecracker, Cloud Hypervisor, crosvm) that VMM's own shipped
# policy, and any other VMM the built-in default; `--policy @default`
# forces the default.  A recognised VMM whose policy file is missing or
# writable by others is not started.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"
export VMJAIL_RUN_DIR=${VMJAIL_RUN_DIR:-/run/vmjail-test} VMJAIL_BPF_PIN_DIR=${VMJAIL_BPF_PIN_DIR:-/sys/fs/bpf/vmjail-test}
unset VMJAIL_POLICY_DIR
[ -x "$HELPERS/vmmstart" ] || bail "$HELPERS/vmmstart not built"

bin="$VJ_TEST_TMP/bin"
mkdir -p "$bin"
for n in firecracker firecracker-v1.10.1-x86_64 cloud-hypervisor crosvm qemu-system-x86_64 myvmm; do
	cp "$HELPERS/vmmstart" "$bin/$n"
done

# run NAME [vmjail flags...] -- [args]: out, err, rc
run() {
	local n=$1
	shift
	out=$(timeout 60 "$VMJAIL" --id "$(new_id)" --exec-file "$bin/$n" --uid "$VJ_TEST_UID" \
		--gid "$VJ_TEST_GID" --chroot-base-dir "$VJ_TEST_BASE" "$@" 2>"$VJ_TEST_TMP/err")
	rc=$?
	err=$(cat "$VJ_TEST_TMP/err")
}
# picked NAME [args]: the policy line of a dry run
picked() {
	local n=$1
	shift
	run "$n" --dry-run -- "$@"
	sed -n 's/^  policy *//p' <<<"$out"
}

src="$(cd "$VJ_SRC/policies" && pwd -P)"
like "$(picked firecracker)" "^firecracker \($src/firecracker.policy," "firecracker -> firecracker.policy"
like "$(picked firecracker-v1.10.1-x86_64)" "^firecracker \(" "a release binary's name -> firecracker.policy"
like "$(picked cloud-hypervisor)" "^cloud-hypervisor \($src/cloud-hypervisor.policy," "cloud-hypervisor -> its policy"
like "$(picked crosvm)" "^crosvm-block \($src/crosvm.policy," "crosvm -> crosvm.policy"
like "$(picked qemu-system-x86_64 -M microvm -accel kvm)" "^qemu \($src/qemu.policy," \
	"QEMU with -accel kvm -> qemu.policy"
like "$(picked qemu-system-x86_64 -enable-kvm)" "^qemu \(" "QEMU with -enable-kvm -> qemu.policy"
like "$(picked qemu-system-x86_64 -M microvm -accel tcg)" "^qemu-tcg \($src/qemu-tcg.policy," \
	"QEMU with -accel tcg -> qemu-tcg.policy"
like "$(picked qemu-system-x86_64 -machine accel=kvm:tcg)" "^qemu-tcg \(" \
	"QEMU that may fall back to TCG -> qemu-tcg.policy"
like "$(picked qemu-system-x86_64 -M microvm)" "^qemu-tcg \(" "QEMU without an accelerator (TCG) -> qemu-tcg.policy"
like "$(picked myvmm)" "^default \(\(built-in default\)," "an unknown VMM -> the built-in default"
run crosvm --policy @default --dry-run --
like "$(sed -n 's/^  policy *//p' <<<"$out")" "^default \(\(built-in default\)," "--policy @default overrides"
run crosvm --policy "$VJ_SRC/policies/firecracker.policy" --dry-run --
like "$(sed -n 's/^  policy *//p' <<<"$out")" "^firecracker \(" "--policy FILE overrides"

# The picked policy is the one enforced: crosvm.policy has no prctl or
# seccomp (minijail filters crosvm's device processes), so a self-filtering
# start-up dies there, and runs under the default and firecracker.policy.
run crosvm -- self-filter
is "$rc" 159 "crosvm: its own policy is enforced (self-filtering start-up killed)"
like "$err" "prctl is outside the seccomp policy" "crosvm: killed at prctl"
run crosvm --policy @default -- self-filter
is "$rc" 0 "crosvm with --policy @default: runs"
like "$out" "^vmmstart ok threads=2 events=10 filter=yes$" "crosvm with --policy @default: its start-up done"
run firecracker -- self-filter
is "$rc" 0 "firecracker: starts under firecracker.policy"
like "$out" "^vmmstart ok threads=2 events=10 filter=yes$" "firecracker: threads, epoll, own filters"

# Fail closed: a recognised VMM without its policy is not started.
VMJAIL_POLICY_DIR="$VJ_TEST_TMP/none" run firecracker --
isnt "$rc" 0 "firecracker without its policy file: not started"
like "$err" "firecracker.policy.*VMJAIL_POLICY_DIR" "  and vmjail says which file is missing"
unlike "$out" "vmmstart ok" "  the VMM never ran"
mkdir -p "$VJ_TEST_TMP/pol"
cp "$VJ_SRC/policies/firecracker.policy" "$VJ_TEST_TMP/pol/"
chmod 0755 "$VJ_TEST_TMP/pol"
chmod 0666 "$VJ_TEST_TMP/pol/firecracker.policy"
VMJAIL_POLICY_DIR="$VJ_TEST_TMP/pol" run firecracker --
isnt "$rc" 0 "a world-writable firecracker.policy: not used, not started"
like "$err" "Operation not permitted" "  refused as unsafe"
chmod 0644 "$VJ_TEST_TMP/pol/firecracker.policy"
VMJAIL_POLICY_DIR="$VJ_TEST_TMP/pol" run firecracker -- self-filter
is "$rc" 0 "VMJAIL_POLICY_DIR with a root-owned policy: used"
VMJAIL_POLICY_DIR="$VJ_TEST_TMP/none" run myvmm --
is "$rc" 0 "an unknown VMM needs no policy file"
done_testing
