#!/bin/bash
# qemu.policy and qemu-tcg.policy hold for real QEMU 7.2: QEMU started under
# the compiled seccomp program alone (installed by bwrap --seccomp, no other
# jail layer) boots a microVM, answers QMP and quits cleanly; and the filter
# is really enforced: the same policy without ppoll kills QEMU with SIGSYS.
# (The whole jail around QEMU is the jailer's tests' business.)
. "$(dirname "$0")/lib/tap.sh"
require_root
TOOL="$VJ_BUILD/vmjail-policy"
QEMU=$(command -v qemu-system-x86_64)
KERNEL=$(ls /boot/vmlinuz-* 2>/dev/null | head -1)
if [ -z "$QEMU" ] || [ -z "$KERNEL" ] || ! command -v bwrap >/dev/null || ! command -v perl >/dev/null; then
	echo "1..0 # SKIP needs qemu-system-x86_64, a /boot/vmlinuz-* kernel, bwrap and perl"
	exit 0
fi
T=$(mktemp -d)
trap 'kill $(cat "$T"/pid 2>/dev/null) 2>/dev/null; rm -rf "$T"' EXIT

# qmp SOCKET: capabilities, query-status, quit; prints the replies
qmp() {
	perl -MIO::Socket::UNIX -e '
		my $s; for (1..100) { $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) and last; select(undef,undef,undef,0.1) }
		$s or die "no QMP socket\n";
		my $greet = <$s>; print "greeting: ", ($greet =~ /"QMP"/ ? "ok" : "bad"), "\n";
		for my $c ("qmp_capabilities", "query-status", "quit") {
			print $s "{\"execute\": \"$c\"}\n";
			while (my $l = <$s>) { next if $l =~ /"event"/; print "$c: $l"; last }
		}' "$1"
}

# run POLICY ACCEL: start QEMU under the policy, talk QMP, wait for its exit
run() {
	local pol=$1 accel=$2
	local sock="$T/qmp-$accel.sock"
	"$TOOL" compile -o "$T/f.bpf" "$pol" 2>/dev/null || return 99
	rm -f "$sock"
	bwrap --dev-bind / / --die-with-parent --seccomp 3 3<"$T/f.bpf" \
		"$QEMU" -M microvm -accel "$accel" -nographic -no-reboot -m 128 \
		-kernel "$KERNEL" -append "console=ttyS0 panic=-1" \
		-qmp "unix:$sock,server=on,wait=off" >"$T/console" 2>&1 &
	echo $! >"$T/pid"
	QMP_OUT=$(qmp "$sock" 2>&1)
	timeout 20 tail --pid="$(cat "$T/pid")" -f /dev/null
	wait "$(cat "$T/pid")"
}

run "$VJ_SRC/policies/qemu-tcg.policy" tcg; rc=$?
is "$rc" 0 "qemu-tcg.policy: QEMU (TCG) exits 0 after QMP quit"
like "$QMP_OUT" "greeting: ok" "qemu-tcg.policy: QMP greeting"
like "$QMP_OUT" 'query-status: .*"running": true' "qemu-tcg.policy: the guest is running"

if why=$(kvm_missing); then
	skip_n 2 "$why: qemu.policy not run with KVM"
else
	run "$VJ_SRC/policies/qemu.policy" kvm; rc=$?
	is "$rc" 0 "qemu.policy: QEMU (KVM) exits 0 after QMP quit"
	like "$QMP_OUT" 'query-status: .*"running": true' "qemu.policy: the guest is running"
fi

# Enforcement: remove ppoll (QEMU's main loop) and QEMU must die of SIGSYS.
sed 's/^seccomp allow ppoll poll /seccomp allow poll /' "$VJ_SRC/policies/qemu-common.inc" >"$T/qemu-common.inc"
sed 's/^name qemu-tcg/name qemu-tcg-noppoll/' "$VJ_SRC/policies/qemu-tcg.policy" >"$T/noppoll.policy"
ok "the test policy really lacks ppoll" bash -c "! grep -q ppoll '$T/qemu-common.inc'"
run "$T/noppoll.policy" tcg; rc=$?
is "$rc" $((128 + 31)) "without ppoll, QEMU is killed by SIGSYS (kill-process)"
done_testing
