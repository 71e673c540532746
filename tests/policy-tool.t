#!/bin/bash
# vmjail-policy subcommands on real inputs, with asserted outputs and exit
# codes: check --json, simulate (the compiled BPF program and the policy's
# semantics must agree and give the expected verdict), explain, lint
# (findings, score, determinism), diff, import-oci, learn, compile, usage.
. "$(dirname "$0")/lib/tap.sh"
require_root
TOOL="$VJ_BUILD/vmjail-policy"
[ -x "$TOOL" ] || bail "$TOOL not built (make)"
P="$VJ_SRC/policies"
D="$VJ_SRC/tests/policy-data"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
is_json() { jq -e . >/dev/null 2>&1 <<<"$1"; }

# ---------------------------------------------------------------- usage
for c in check compile explain lint diff import-oci import-firecracker import-minijail learn simulate; do
	out=$("$TOOL" "$c" --help); rc=$?
	is "$rc" 0 "$c --help exits 0"
	like "$out" "Exit status" "$c --help documents exit codes"
done
"$TOOL" frobnicate >/dev/null 2>&1; is "$?" 2 "unknown command: exit 2"
"$TOOL" check >/dev/null 2>&1; is "$?" 2 "check without FILE: exit 2"
"$TOOL" check "$T/missing.policy" >/dev/null 2>&1; is "$?" 3 "missing file: exit 3"
"$TOOL" simulate @default ioctl 1 2 3 4 5 6 7 >/dev/null 2>&1; is "$?" 2 "simulate with 7 args: exit 2"

# ---------------------------------------------------------------- check --json
printf 'version 1\nseccomp default allow\nseccomp allow read\nlayer seccomp required\n' >"$T/w.policy"
out=$("$TOOL" check --json "$T/w.policy"); rc=$?
is "$rc" 0 "check --json on a policy with a warning: exit 0"
like "$out" '"valid":true' "check --json: valid"
like "$out" '"severity":"warning","file":"[^"]*w.policy","line":3,"col":15,"message":"rule for read has the default action \(allow\); dropped"' \
	"check --json: the warning, located"
printf 'version 1\nseccomp allow "x\\"y"\n' >"$T/e.policy"
out=$("$TOOL" check --json "$T/e.policy"); rc=$?
is "$rc" 1 "check --json on an invalid policy: exit 1"
like "$out" '"valid":false' "check --json: invalid"
ok "check --json output is valid JSON" is_json "$out"

# user-notify: refused at check time (no listener would answer; the kernel
# would say ENOSYS while simulate said user-notify)
printf 'version 1\nlayer seccomp required\nseccomp default kill-process\nseccomp allow execve\nseccomp user-notify uname\n' >"$T/un.policy"
out=$("$TOOL" check "$T/un.policy" 2>&1); rc=$?
is "$rc" 1 "check refuses a user-notify rule"
like "$out" "un.policy:5:21: error: user-notify for uname: no listener answers it" "  located, and says why"
printf 'version 1\nlayer seccomp required\nseccomp default user-notify\n' >"$T/un2.policy"
out=$("$TOOL" check "$T/un2.policy" 2>&1); rc=$?
is "$rc" 1 "check refuses a user-notify default"
like "$out" "seccomp default user-notify: no listener" "  and says why"

# ---------------------------------------------------------------- simulate
# sim POLICY EXPECTED SYSCALL ARGS...: both verdicts must equal EXPECTED
sim() {
	local arch=()
	if [ "$1" = --arch ]; then arch=(--arch "$2"); shift 2; fi
	local pol=$1 want=$2; shift 2
	local out rc
	out=$("$TOOL" simulate "${arch[@]}" "$pol" "$@"); rc=$?
	if [ "$rc" = 0 ] && [[ "$out" == *"compiled: $want"$'\n'"policy:   $want"* ]]; then
		_tap_result 0 "simulate $(basename "$pol") $*: $want"
	else
		_tap_result 1 "simulate $(basename "$pol") $*: $want"; diag "rc=$rc" "$out"
	fi
}
sim @default allow read 0 0 0
sim @default kill-process ptrace
sim @default "errno ENOSYS" ioctl 1 TIOCSTI
sim @default "errno ENOSYS" ioctl 1 0x100005412   # TIOCSTI with high bits set
sim @default "errno ENOSYS" ioctl 1 TIOCLINUX
sim @default allow ioctl 1 FIONREAD
sim @default allow ioctl 1 0x10000ae80              # KVM_RUN with high bits: compared on 32
sim @default "errno ENOSYS" clone CLONE_NEWUSER
sim @default "errno ENOSYS" clone 'CLONE_NEWUSER|CLONE_VM|CLONE_THREAD'
sim @default allow clone 'CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD'
sim @default allow clone 'CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD'
sim @default kill-process unshare CLONE_NEWUSER
sim @default kill-process unshare CLONE_NEWNS
sim @default "errno ENOSYS" clone3
sim @default "errno ENOSYS" io_uring_setup 128 0
sim @default "errno ENOSYS" userfaultfd O_CLOEXEC
sim @default allow userfaultfd 'UFFD_USER_MODE_ONLY|O_CLOEXEC'
sim @default kill-process bpf
sim @default kill-process mount
sim @default "errno ENOSYS" personality READ_IMPLIES_EXEC
sim @default allow socket AF_UNIX
sim @default "errno ENOSYS" socket AF_NETLINK
sim @default "errno ENOSYS" socket AF_PACKET
sim @default "errno ENOSYS" socket AF_VSOCK
sim --arch i386 @default kill-process read
sim --arch x32 @default kill-process read
sim --arch 0x40000028 @default kill-process 0   # AUDIT_ARCH_ARM
sim "$P/qemu.policy" allow ioctl 10 KVM_RUN
sim "$P/qemu.policy" allow ioctl 10 KVM_SET_USER_MEMORY_REGION
sim "$P/qemu.policy" kill-process ioctl 10 TIOCSTI
# KVM_RUN with bit 32 set: the kernel truncates the request to 32 bits and
# runs KVM_RUN, so the filter (comparing 32 bits) must agree and allow it.
sim "$P/qemu.policy" allow ioctl 10 0x10000ae80
sim "$P/qemu.policy" allow mmap 0 4096 'PROT_READ|PROT_WRITE' 'MAP_PRIVATE|MAP_ANONYMOUS'
sim "$P/qemu.policy" kill-process mmap 0 4096 'PROT_READ|PROT_EXEC' 'MAP_PRIVATE|MAP_ANONYMOUS'
sim "$P/qemu.policy" allow mmap 0 4096 'PROT_READ|PROT_EXEC' 'MAP_PRIVATE|MAP_DENYWRITE'
sim "$P/qemu.policy" kill-process mprotect 0 4096 'PROT_READ|PROT_WRITE|PROT_EXEC'
sim "$P/qemu-tcg.policy" allow mprotect 0 4096 'PROT_READ|PROT_WRITE|PROT_EXEC'
sim "$P/qemu.policy" kill-process socket AF_INET SOCK_STREAM
sim "$P/qemu.policy" allow socket AF_UNIX 'SOCK_STREAM|SOCK_CLOEXEC'
sim "$P/qemu.policy" kill-process clone CLONE_NEWUSER
sim "$P/qemu.policy" kill-process clone 'CLONE_VM'        # a process, not a thread
sim "$P/qemu.policy" kill-process execveat
sim "$P/firecracker.policy" kill-process ptrace
sim "$P/firecracker.policy" allow futex 0 FUTEX_WAKE_PRIVATE
sim "$P/firecracker.policy" kill-process futex 0 FUTEX_LOCK_PI
out=$("$TOOL" simulate --json "$P/qemu.policy" ioctl 3 KVM_RUN)
like "$out" '"nr":16,.*"compiled":"allow","policy":"allow","agree":true' "simulate --json"

# ---------------------------------------------------------------- explain
out=$("$TOOL" explain "$P/qemu.policy")
like "$out" "ioctl +allow +arg1 == KVM_GET_API_VERSION" "explain: ioctl requests by name (first)"
like "$out" $'\n +arg1 == KVM_RUN\n' "explain: KVM_RUN by name"
like "$out" "mmap +allow +arg2 & PROT_EXEC == 0" "explain: masked mmap rule by name"
like "$out" "clone +allow +arg0 & CLONE_THREAD\|CLONE_NEWNS\|[A-Z_|]*CLONE_NEWUSER[A-Z_|]* == CLONE_THREAD" \
	"explain: flag masks as A|B"
like "$out" "every other syscall: kill-process" "explain: the default"
like "$out" "bind ro /usr/share/seabios \(optional\)" "explain: optional bind"
out=$("$TOOL" explain @default)
like "$out" "
 +arg1 == KVM_RUN
" "explain default: KVM_RUN by name"
like "$out" "every other syscall: errno ENOSYS" "explain default: an allowlist, ENOSYS for the rest"

# ---------------------------------------------------------------- lint
out=$("$TOOL" lint @default); rc=$?
is "$rc" 0 "lint default: exit 0 (no high finding)"
unlike "$out" "seccomp-default-allow" "lint default: not a denylist"
unlike "$out" "ioctl-unfiltered" "lint default: ioctl filtered"
unlike "$out" "dangerous-syscalls" "lint default: no dangerous syscall reachable"
like "$out" "medium +0.50  prot-exec-anon: mmap" "lint default: executable anonymous memory (QEMU's TCG)"
like "$out" "exposure score: 1.00/10 \(OK\)" "lint default: score 1.00"
out2=$("$TOOL" lint @default)
is "$out2" "$out" "lint output is deterministic"
out=$("$TOOL" lint "$P/qemu.policy"); rc=$?
is "$rc" 0 "lint qemu: exit 0"
like "$out" "exposure score: 0.25/10 \(OK\)" "lint qemu: score 0.25 (file-backed PROT_EXEC only)"
cat >"$T/bad.policy" <<'EOF'
version 1
layer seccomp if-available
namespace user on
mount proc on
bind rw /etc /etc
socket allow AF_NETLINK
sysctl allow-write
seccomp default allow
EOF
out=$("$TOOL" lint --json "$T/bad.policy"); rc=$?
is "$rc" 1 "lint of a weak policy: exit 1"
ok "lint --json is valid JSON" is_json "$out"
is "$(jq '.score == 10' <<<"$out")" true "lint of a weak policy: score capped at 10"
ids=" $(jq -r '.findings[].id' <<<"$out" | tr '\n' ' ')"
for id in userns dangerous-syscalls mount-proc sensitive-bind writable-bind seccomp-default-allow \
	  ioctl-unfiltered prot-exec-anon layer-optional no-pids-limit seccomp-userns socket-families \
	  io-uring; do
	like "$ids" " $id " "lint of a weak policy: finding $id"
done
like "$(jq -r '.findings[] | select(.id=="dangerous-syscalls") | .message' <<<"$out")" \
	"ptrace .*bpf .*ioctl\(TIOCSTI\)" "lint lists the dangerous syscalls"
like "$(jq -r '.findings[] | select(.id=="seccomp-userns") | .message' <<<"$out")" \
	"clone\(CLONE_NEWUSER\) unshare\(CLONE_NEWUSER\) clone3 .*setns" "lint names every way to a user namespace"
like "$(jq -r '.findings[] | select(.id=="socket-families") | .message' <<<"$out")" \
	"AF_NETLINK AF_PACKET AF_VSOCK" "lint names the socket families"
for id in seccomp-userns socket-families io-uring; do
	is "$(jq -r ".findings[] | select(.id==\"$id\") | .severity" <<<"$out")" high "lint: $id is high"
done
# cannot-start: a steady-state-only allowlist (no arch_prctl) kills every
# VMM in its libc start-up; the finding names the call.
cat >"$T/nostart.policy" <<'EOF'
version 1
layer seccomp required
seccomp default kill-process
seccomp allow execve brk read write close exit exit_group mmap munmap futex
EOF
out=$("$TOOL" lint --json "$T/nostart.policy")
like "$(jq -r '.findings[] | select(.id=="cannot-start") | .severity + " " + .message' <<<"$out")" \
	"^high .*arch_prctl is refused \(libc start-up" "lint: cannot-start names arch_prctl"
# explain names values by what the argument is: futex operations (not
# FUTEX_OP_*), protocols as numbers not flag sets, enum + flags.
cat >"$T/names.policy" <<'EOF'
version 1
layer seccomp required
seccomp default kill-process
seccomp allow execve
seccomp allow futex if arg1 in {FUTEX_WAKE, FUTEX_WAIT, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, FUTEX_WAKE_PRIVATE}
seccomp allow socket if arg0 == AF_INET and arg1 == SOCK_SEQPACKET|SOCK_CLOEXEC and arg2 == 9
seccomp allow mmap if arg3 == MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK
EOF
out=$("$TOOL" explain "$T/names.policy")
like "$out" "arg1 == FUTEX_WAKE
" "explain: FUTEX_WAKE by name"
unlike "$out" "FUTEX_OP_" "explain: no FUTEX_OP_ names for operations"
like "$out" "arg1 == FUTEX_WAIT
" "explain: FUTEX_WAIT (0) by name"
like "$out" "arg1 == FUTEX_WAIT_BITSET\|FUTEX_CLOCK_REALTIME" "explain: futex operation plus flag"
like "$out" "arg1 == FUTEX_WAKE_PRIVATE" "explain: FUTEX_WAKE_PRIVATE"
like "$out" "and arg2 == 9
" "explain: protocol 9 is a number, not IPPROTO_ICMP|IPPROTO_EGP"
like "$out" "arg1 == SOCK_SEQPACKET\|SOCK_CLOEXEC" "explain: socket type plus flag"
like "$out" "arg3 == MAP_PRIVATE\|MAP_ANONYMOUS\|MAP_STACK" "explain: mmap type plus flags"
out=$("$TOOL" explain "$P/cloud-hypervisor.policy")
like "$out" "arg1 == SIOCSIFADDR" "explain: SIOC* ioctls by name"
like "$out" "arg1 == 0x3b71 \(VFIO_DEVICE_PCI_HOT_RESET or VFIO_IOMMU_MAP_DMA\)" \
	"explain: an ioctl number with two meanings shows both"
like "$out" "arg1 == FIONBIO" "explain: a unique ioctl by its one name"
out=$("$TOOL" explain "$P/qemu.policy")
like "$out" "arg1 == FIONREAD
" "explain: FIONREAD, not its aliases SIOCINQ/TIOCINQ"
"$TOOL" lint --fail-on none "$T/bad.policy" >/dev/null; is "$?" 0 "lint --fail-on none: exit 0"
"$TOOL" lint --fail-on low "$P/qemu.policy" >/dev/null; is "$?" 1 "lint --fail-on low: exit 1 on a low finding"

# ---------------------------------------------------------------- diff
out=$("$TOOL" diff @default "$P/default.policy"); rc=$?
is "$rc" 0 "diff of a policy with itself: exit 0"
like "$out" "same meaning" "diff: same meaning"
# Reordered, reformatted, with `in` spelled out: the same meaning.
{ grep -v '^#' "$P/default.policy" | grep -v 'socketpair' | tac | sed 's/  */ /g'
  echo 'seccomp allow socketpair if arg0 == AF_UNIX'; } | grep -v '^version' >"$T/body"
{ echo 'version 1'; cat "$T/body"; } >"$T/reordered.policy"
out=$("$TOOL" diff "$P/default.policy" "$T/reordered.policy"); rc=$?
is "$rc" 0 "diff ignores order, spacing and comments"
out=$("$TOOL" diff "$P/qemu.policy" "$P/qemu-tcg.policy"); rc=$?
is "$rc" 1 "diff qemu qemu-tcg: exit 1"
like "$out" $'\n''\+ seccomp mmap:' "diff: mmap allows more in the TCG policy"
like "$out" $'\n''\+ seccomp mprotect:' "diff: mprotect allows more in the TCG policy"
like "$out" "3 differences: 3 allow more in B" "diff: summary (mmap, mprotect, the TCG module bind)"
sed -e 's/^seccomp kill-process unshare setns ptrace /seccomp kill-process unshare setns /' \
    -e 's/^device net\/tun/device vhost-net/' -e 's/^cgroup pids   1024/cgroup pids 4096/' \
    -e 's/^seccomp allow socketpair if arg0 == AF_UNIX/seccomp allow socketpair if arg0 in {AF_UNIX, AF_INET}/' \
    -e 's/ UFFDIO_API, 0xaa00}/ UFFDIO_API}/' \
    "$P/default.policy" >"$T/d2.policy"
out=$("$TOOL" diff "$P/default.policy" "$T/d2.policy")
like "$out" $'\n''- device net/tun' "diff: device removed"
like "$out" $'\n''\+ device vhost-net' "diff: device added"
like "$out" $'\n''\+ cgroup pids: 1024 -> 4096' "diff: limit raised"
like "$out" $'\n''~ seccomp ptrace: kill-process -> errno ENOSYS \(default\)' "diff: ptrace no longer killed"
like "$out" $'\n''\+ seccomp socketpair: allow if arg0 == AF_INET' "diff: one more socketpair family"
like "$out" $'\n''- seccomp ioctl: no longer allow if arg1 == 0xaa00' "diff: one ioctl less"

# ---------------------------------------------------------------- import-oci
"$TOOL" import-oci --name docker-like "$D/oci-profile.json" >"$T/imp.policy"; rc=$?
is "$rc" 0 "import-oci of the Docker-like fixture: exit 0"
err=$("$TOOL" check "$T/imp.policy" 2>&1 >/dev/null); rc=$?
is "$rc" 0 "the imported policy is valid"
is "$err" "" "the imported policy has no diagnostics"
"$TOOL" compile -o "$T/imp.bpf" "$T/imp.policy" 2>/dev/null; is "$?" 0 "the imported policy compiles"
imp=$(cat "$T/imp.policy")
like "$imp" $'\nseccomp default errno EPERM\n' "import: defaultAction + defaultErrnoRet"
like "$imp" "# skipped: 'socketcall' is not an x86_64 syscall" "import: non-x86_64 name skipped"
like "$imp" "# skipped 2 entries for other architectures" "import: arches includes/excludes"
like "$imp" "# skipped 1 entries that need a capability" "import: caps includes"
like "$imp" "seccomp errno ENOSYS clone3" "import: errnoRet"
like "$imp" "seccomp kill-thread kexec_load" "import: SCMP_ACT_KILL is kill-thread"
like "$imp" "seccomp log getrandom" "import: SCMP_ACT_LOG"
like "$imp" "seccomp allow clone if arg0 & CLONE_NEWNS\|.*CLONE_NEWUSER.* == 0" "import: masked eq, value is the mask"
like "$imp" "# conflict: errno EINVAL madvise if arg2 == MADV_MERGEABLE: that call falls to the default instead" \
	"import: an exact deny inside allow rules falls to the default, with a comment"
like "$imp" "errno EPERM kill if arg1 > SIGKILL: .*made unconditional" "import: inexpressible deny made unconditional"
like "$imp" "allow fcntl if arg1 != F_SETOWN: .*dropped" "import: inexpressible allow dropped"
like "$imp" "seccomp allow socket if arg0 in \{AF_UNSPEC, AF_UNIX, AF_INET, " "import: socket != AF_VSOCK as a list"
unlike "$imp" "AF_VSOCK\}|AF_VSOCK," "import: the list lacks AF_VSOCK"
sim "$T/imp.policy" "errno EPERM" socket AF_VSOCK SOCK_STREAM
sim "$T/imp.policy" allow socket AF_INET SOCK_STREAM
sim "$T/imp.policy" allow personality 0xffffffff
sim "$T/imp.policy" "errno EPERM" personality READ_IMPLIES_EXEC
sim "$T/imp.policy" "errno EPERM" clone CLONE_NEWUSER
sim "$T/imp.policy" allow clone CLONE_VM
sim "$T/imp.policy" "errno EPERM" kill 1 9
printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [,]}' >"$T/bad.json"
out=$("$TOOL" import-oci "$T/bad.json" 2>&1 >/dev/null); rc=$?
is "$rc" 1 "import-oci of malformed JSON: exit 1"
like "$out" "bad.json:1:50: error: unexpected character" "import-oci: JSON error located"
printf '{"defaultAction": "SCMP_ACT_ALLOW", "defaultAction": "SCMP_ACT_KILL"}' >"$T/dup.json"
"$TOOL" import-oci "$T/dup.json" >/dev/null 2>&1; is "$?" 1 "import-oci refuses duplicate keys"
printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read\\nversion 1"], "action": "SCMP_ACT_ERRNO"}]}' >"$T/inj.json"
out=$("$TOOL" import-oci "$T/inj.json"); rc=$?
is "$rc" 0 "import-oci with a hostile name: exit 0"
is "$(grep -c '^version' <<<"$out")" 1 "a hostile name cannot inject a statement"
like "$out" "# skipped: 'read\\\\x0aversion 1' is not an x86_64 syscall" "the hostile name is escaped"

# ---------------------------------------------------------------- learn
out=$("$TOOL" learn "$D/audit.log" 2>"$T/err"); rc=$?
is "$rc" 0 "learn: exit 0"
is "$(grep -v '^#' <<<"$out")" "seccomp allow execve
seccomp allow ioctl if arg1 in {TCGETS, KVM_RUN}
seccomp allow openat
seccomp allow read
seccomp allow write" "learn: sorted, deduplicated, ioctl requests by name, number over name, i386 and non-seccomp ignored, execve always"
like "$(cat "$T/err")" 'does not match its number.*write\\x1b\[2J' "learn: a lying name is reported, escaped"
out=$("$TOOL" learn --all "$D/audit.log" 2>/dev/null)
like "$out" $'\nseccomp allow ptrace' "learn --all includes killed calls"
like "$out" "ignored 2 records of other architectures or x32" "learn --all: i386 and x32 records ignored"
{ cat "$D/audit.log"; echo 'garbage'; } >"$T/bad.log"
"$TOOL" learn "$T/bad.log" >/dev/null 2>&1; is "$?" 1 "learn: a malformed line gives exit 1"
# learn's output is policy text: it checks once a header is added
{ printf 'version 1\nlayer seccomp required\n'; "$TOOL" learn "$D/audit.log" 2>/dev/null; } >"$T/learned.policy"
"$TOOL" check "$T/learned.policy" >/dev/null 2>&1; is "$?" 0 "learned lines form a valid policy"
sim "$T/learned.policy" allow ioctl 3 KVM_RUN
sim "$T/learned.policy" kill-process ioctl 3 TIOCSTI

# ---------------------------------------------------------------- compile
"$TOOL" compile --text "$P/qemu.policy" >"$T/q.txt" 2>/dev/null
"$TOOL" compile -o "$T/q.bpf" "$P/qemu.policy" 2>/dev/null
is "$(wc -l <"$T/q.txt")" "$(( $(stat -c %s "$T/q.bpf") / 8 ))" "compile --text: one line per instruction"
like "$(tail -1 "$T/q.txt")" "0x0006" "the program ends in a RET"
done_testing
