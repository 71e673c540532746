#!/bin/bash
# seccomp: ns per call of a VMM's hot syscalls under qemu.policy and
# firecracker.policy against a one-instruction RET_ALLOW filter, interleaved.
. "$(dirname "$0")/lib.sh"
rounds=31 calls=20000
tiny && rounds=3 calls=500
"$OUT/seccomp-hot" "$rounds" "$calls" "$here/policies/qemu.policy" \
	"$here/policies/firecracker.policy" >"$OUT/seccomp.tsv"
: >"$OUT/seccomp.dat"
while IFS=$'\t' read -r filter call ns ratio; do
	case $filter in *.policy) ;; *) continue ;; esac
	[ "$ns" = - ] && continue
	floor=$(awk -F'\t' -v c="$call" '$1 ~ /^RET_ALLOW/ && $2 == c { print $3 }' "$OUT/seccomp.tsv")
	target=""
	case $call in "ioctl KVM_RUN" | "futex FUTEX_WAKE" | read | write | ppoll | epoll_wait | "ioctl"*) target=1.05 ;; esac
	result seccomp "$filter: $call" "$ns" ns/call "$floor" "$target"
	printf '"%s: %s"\t%s\n' "${filter%.policy}" "$call" "$ratio" >>"$OUT/seccomp.dat"
done <"$OUT/seccomp.tsv"
