#!/bin/bash
# The language knows the kernel's newest x86_64 syscalls (the headers'
# __NR_* plus policies/lang/syscalls-newer.txt, beyond libseccomp 2.5.4's
# table) and takes syscall numbers; a rule for one is enforced by the real
# kernel on the number the name stands for.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"
export VMJAIL_RUN_DIR=${VMJAIL_RUN_DIR:-/run/vmjail-test} VMJAIL_BPF_PIN_DIR=${VMJAIL_BPF_PIN_DIR:-/sys/fs/bpf/vmjail-test}
TOOL="$VJ_BUILD/vmjail-policy"
[ -x "$PROBE" ] || bail "$PROBE not built"

for s in "mseal 462" "listmount 458" "statmount 457" "uretprobe 335" "setxattrat 463" \
	"getxattrat 464" "listxattrat 465" "removexattrat 466" "cachestat 451" "fchmodat2 452" \
	"futex_wait 455" "lsm_list_modules 461"; do
	set -- $s
	printf 'version 1\nlayer seccomp required\nseccomp default kill-process\nseccomp allow execve\nseccomp errno EPERM %s\n' "$1" >"$VJ_TEST_TMP/n.policy"
	out=$("$TOOL" simulate "$VJ_TEST_TMP/n.policy" "$2" 2>&1)
	like "$out" "compiled: errno EPERM" "$1 is x86_64 syscall $2: a rule by name hits the number"
	out=$("$TOOL" simulate "$VJ_TEST_TMP/n.policy" "$1" 2>&1)
	like "$out" "\(nr $2, arch x86_64\)" "  simulate resolves $1 to $2"
done
printf 'version 1\nlayer seccomp required\nseccomp default kill-process\nseccomp allow execve\nseccomp errno EPERM 462 0\n' >"$VJ_TEST_TMP/n.policy"
out=$("$TOOL" explain "$VJ_TEST_TMP/n.policy" 2>&1)
like "$out" "mseal +errno EPERM" "a syscall given by number is shown by name (462 -> mseal)"
like "$out" "read +errno EPERM" "  (0 -> read)"
printf 'version 1\nlayer seccomp required\nseccomp default kill-process\nseccomp allow execve\nseccomp allow mseal 462\n' >"$VJ_TEST_TMP/d.policy"
out=$("$TOOL" check "$VJ_TEST_TMP/d.policy" 2>&1)
like "$out" "duplicate rule for mseal" "mseal and 462 are the same syscall"
for bad in 512 0462 -1 1x; do
	printf 'version 1\nlayer seccomp required\nseccomp default kill-process\nseccomp allow execve %s\n' "$bad" >"$VJ_TEST_TMP/b.policy"
	out=$("$TOOL" check "$VJ_TEST_TMP/b.policy" 2>&1)
	like "$out" "unknown syscall|expected a syscall" "syscall '$bad' refused"
done

# The real kernel: mseal(0, 0, 0) is a no-op that succeeds where the kernel
# has mseal (6.10+).  The default answers ENOSYS; a rule by name changes it.
if [ "$(uname -r | awk -F. '{ print ($1 > 6 || ($1 == 6 && $2 >= 10)) }')" = 1 ]; then
	r=$(jail "$(new_id)" -- syscall 462 0 0 0 2>/dev/null | fact result)
	is "$r" ENOSYS "mseal under the default policy: ENOSYS (not in the allowlist)"
	pol=$(write_policy mseal-eperm '$a seccomp errno EPERM mseal')
	r=$(jail "$(new_id)" --policy "$pol" -- syscall 462 0 0 0 2>/dev/null | fact result)
	is "$r" EPERM "seccomp errno EPERM mseal: the kernel's syscall 462 gets EPERM"
	pol=$(write_policy mseal-allow '$a seccomp allow mseal')
	r=$(jail "$(new_id)" --policy "$pol" -- syscall 462 0 0 0 2>/dev/null | fact result)
	is "$r" ok "seccomp allow mseal: the kernel runs it (mseal(0, 0, 0) = 0)"
	pol=$(write_policy mseal-num '$a seccomp errno EACCES 462')
	r=$(jail "$(new_id)" --policy "$pol" -- syscall 462 0 0 0 2>/dev/null | fact result)
	is "$r" EACCES "seccomp errno EACCES 462: by number"
else
	skip "kernel $(uname -r) has no mseal (6.10+)"
fi
done_testing
