#!/bin/bash
# Start-up is part of every policy: vmjail installs the filter before the
# VMM's execve, so a policy that only holds a VMM's steady state kills it in
# its libc start-up.  Three probes do a VMM's start-up (threads, an epoll
# loop, and for the VMMs that filter themselves, Firecracker and Cloud
# Hypervisor, prctl(PR_SET_NO_NEW_PRIVS) + seccomp() of a narrower filter on
# every thread): a libc-free static one (musl-style: its own _start,
# arch_prctl(ARCH_SET_FS), raw clone), a static glibc one and Debian's
# dynamic glibc one.  Each must start and finish in a real jail under every
# shipped policy, and the filter must be there (the canary: unshare of a
# user namespace is refused, by a kill or an errno).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"
export VMJAIL_RUN_DIR=${VMJAIL_RUN_DIR:-/run/vmjail-test} VMJAIL_BPF_PIN_DIR=${VMJAIL_BPF_PIN_DIR:-/sys/fs/bpf/vmjail-test}

probes="vmmstart_raw vmmstart-static vmmstart"
for b in $probes; do
	[ -x "$HELPERS/$b" ] || bail "$HELPERS/$b not built (make check-quick builds the helpers)"
done
ok "vmmstart_raw is static and has no libc" \
	bash -c "! LC_ALL=C readelf -lW '$HELPERS/vmmstart_raw' | grep -q INTERP && ! LC_ALL=C nm '$HELPERS/vmmstart_raw' | grep -qi glibc"
ok "vmmstart-static has no ELF interpreter" bash -c "! LC_ALL=C readelf -lW '$HELPERS/vmmstart-static' | grep -q INTERP"
ok "vmmstart is dynamic (ld.so + libc.so from the jail)" bash -c "LC_ALL=C readelf -lW '$HELPERS/vmmstart' | grep -q INTERP"

# launch POLICY PROBE ARGS...: out, err, rc of one jailed run
launch() {
	local pol=$1 probe=$2
	shift 2
	out=$(timeout 60 "$VMJAIL" --id "$(new_id)" --exec-file "$HELPERS/$probe" --uid "$VJ_TEST_UID" \
		--gid "$VJ_TEST_GID" --chroot-base-dir "$VJ_TEST_BASE" --policy "$pol" -- "$@" \
		2>"$VJ_TEST_TMP/err")
	rc=$?
	err=$(cat "$VJ_TEST_TMP/err")
}

for p in firecracker cloud-hypervisor crosvm qemu qemu-tcg default; do
	pol="$VJ_SRC/policies/$p.policy"
	# The VMMs that install their own per-thread filters.
	case $p in firecracker | cloud-hypervisor | default) modes="plain self-filter" ;; *) modes=plain ;; esac
	for b in $probes; do
		for m in $modes; do
			args=()
			[ "$m" = self-filter ] && args=(self-filter)
			launch "$pol" "$b" "${args[@]}"
			want="vmmstart ok threads=2 events=10 filter=$([ "$m" = self-filter ] && echo yes || echo no)"
			is "$rc" 0 "$p: $b ($m) starts and exits 0"
			[ "$rc" = 0 ] || diag "$out" "$(grep -v 'skipped (if-available)' <<<"$err")"
			like "$out" "^$want\$" "$p: $b ($m): threads, epoll loop$([ "$m" = self-filter ] && echo ', own filter stacked')"
		done
	done
	# The canary: the filter is really in force, and it refuses a user namespace.
	launch "$pol" vmmstart userns
	like "$out" "vmmstart ok" "$p: canary run started"
	unlike "$out" "userns: ok" "$p: unshare(CLONE_NEWUSER) refused"
	if [ "$rc" = 159 ]; then
		like "$err" "SIGSYS" "$p: refused by a seccomp kill (vmjail names SIGSYS)"
	else
		like "$out" "userns: (Function not implemented|Operation not permitted)" \
			"$p: refused by a seccomp errno (ENOSYS or EPERM), exit $rc"
	fi
done
done_testing
