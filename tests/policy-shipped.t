#!/bin/bash
# Every shipped policy (policies/*.policy) parses and validates clean (no
# error, no warning), compiles to a seccomp program the kernel would accept
# in size, and the policy embedded in the binaries is byte for byte
# policies/default.policy (same SHA-256).
. "$(dirname "$0")/lib/tap.sh"
require_root
TOOL="$VJ_BUILD/vmjail-policy"
[ -x "$TOOL" ] || bail "$TOOL not built (make)"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

n=0
for p in "$VJ_SRC"/policies/*.policy; do
	b=$(basename "$p")
	n=$((n + 1))
	err=$("$TOOL" check "$p" 2>&1 >/dev/null); rc=$?
	is "$rc" 0 "$b: check exits 0"
	is "$err" "" "$b: no diagnostics at all (no warnings either)"
	"$TOOL" compile -o "$T/$b.bpf" "$p" 2>"$T/err"; rc=$?
	is "$rc" 0 "$b: compiles"
	size=$(stat -c %s "$T/$b.bpf")
	ok "$b: program is whole instructions, 2..4096 of them" \
		test "$size" -ge 16 -a $((size % 8)) -eq 0 -a "$size" -le $((4096 * 8))
	like "$(cat "$T/err")" "$((size / 8)) BPF instructions" "$b: instruction count reported"
	out=$("$TOOL" explain "$p"); rc=$?
	is "$rc" 0 "$b: explain exits 0"
	like "$out" "seccomp \(required\)" "$b: explain shows the seccomp layer as required"
	# A shipped policy never lets a VMM make a user namespace, open sockets
	# of families no VMM uses, or use io_uring, and always lets it start:
	# no high lint finding at all.
	out=$("$TOOL" lint --json "$p"); rc=$?
	is "$rc" 0 "$b: lint finds nothing high"
	[ "$rc" = 0 ] || diag "$(jq -r '.findings[] | select(.severity=="high") | .id + ": " + .message' <<<"$out")"
	for id in seccomp-userns socket-families io-uring cannot-start seccomp-default-allow; do
		is "$(jq -r ".findings[] | select(.id==\"$id\") | .id" <<<"$out")" "" "$b: no $id finding"
	done
done
ok "at least 6 shipped policies" test "$n" -ge 6

# The embedded default is the file.
h_file=$("$TOOL" check --json "$VJ_SRC/policies/default.policy" | sed -n 's/.*"sha256":"\([0-9a-f]*\)".*/\1/p')
h_emb=$("$TOOL" check --json @default | sed -n 's/.*"sha256":"\([0-9a-f]*\)".*/\1/p')
is "$h_emb" "$h_file" "embedded default policy has the file's hash"
is "$h_file" "$(sha256sum <"$VJ_SRC/policies/default.policy" | cut -d' ' -f1)" \
	"policy hash is SHA-256 of the file (no includes)"
ok "default.policy uses no include (it is embedded)" \
	bash -c "! grep -q '^[[:space:]]*include' '$VJ_SRC/policies/default.policy'"

# qemu.policy includes qemu-common.inc: its hash covers both, in order.
exp=$( { sed -n '1,/^include/p' "$VJ_SRC/policies/qemu.policy"; cat "$VJ_SRC/policies/qemu-common.inc";
	sed '1,/^include/d' "$VJ_SRC/policies/qemu.policy"; } | sha256sum | cut -d' ' -f1)
got=$("$TOOL" check --json "$VJ_SRC/policies/qemu.policy" | sed -n 's/.*"sha256":"\([0-9a-f]*\)".*/\1/p')
is "$got" "$exp" "qemu.policy hash = SHA-256 of the source with qemu-common.inc expanded in place"

# Each policy derived from another project names its source in its header.
for p in firecracker cloud-hypervisor crosvm; do
	like "$(head -12 "$VJ_SRC/policies/$p.policy")" "Source: .*(github|/).*commit|Source: [a-z-]+/[a-z-]+," \
		"$p.policy says where it came from"
	like "$(head -20 "$VJ_SRC/policies/$p.policy" | tr -d '#' | tr '\n' ' ' | tr -s ' ')" \
		"NOT run by this project's tests" \
		"$p.policy says it is not run here"
done

# The default policy's layers, as the jailer tests expect.
out=$("$TOOL" explain @default)
for l in "seccomp        required" "exec-once      required" "landlock       required" \
	"cgroup-bpf     required" "cgroup-limits  required" "bpf-lsm        if-available" \
	"apparmor       if-available"; do
	like "$out" "  $l" "default: layer $l"
done
like "$out" "socket allow AF_UNIX any any" "default: AF_UNIX sockets allowed"
unlike "$out" "socket allow AF_(INET6|PACKET|NETLINK|VSOCK)" "default: no INET6/PACKET/NETLINK/VSOCK sockets"
like "$out" "devices: /dev/kvm /dev/net/tun /dev/urandom /dev/null" "default: the four devices"
like "$out" "rlimit nofile 2048 \(hard 2048\)" "default: nofile 2048"
like "$out" "sysctl: read refused, write refused" "default: sysctl refused"
done_testing
