#!/bin/bash
# import-firecracker keeps the meaning of Firecracker's seccompiler JSON:
# a differential check (tests/lib/import_oracle.py reads the JSON on its own
# and asks the imported policy's compiled program, through simulate --batch,
# for the verdict on every rule's boundary values) must find no call the
# imported policy judges differently, except refusals the importer wrote a
# note for.  On this project's own fixtures (every operator, type and
# action), and on Firecracker's real files when given:
#   VJ_FC_SECCOMP="path/x86_64-unknown-linux-musl.json ..." (not stored here).
# Malformed input: a located, escaped error, exit 1, nothing on stdout.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/import.sh"

# diff_fc JSON THREAD LABEL: import, validate, and the differential
diff_fc() {
	import_diff "$3" "the JSON's" import-firecracker --thread "$2" "$1" ';' \
		firecracker "$1" "$2" @POLICY@ "$TOOL" "$AW"
}

F="$D/fc-shapes.json"
for th in vmm api vcpu all; do
	diff_fc "$F" "$th" "shapes-$th"
done
P="$T/shapes-all.policy"
out=$(cat "$P")
like "$out" "Threads merged: any thread may make a call any one of them may" "all: the merge is said"
like "$out" "# note: lseek \(vmm.filter\[4\]\): lseek if arg2 <= 2: rewritten as the list" "an ordering on a 32-bit argument: enumerated, noted"
like "$out" "# note: madvise \(vmm.filter\[5\]\): .*dropped" "an inexpressible allow rule: dropped, noted"
like "$out" "# note: sendto .*never matches; dropped" "masked_eq with val outside the mask: noted"
like "$out" "# note: recvfrom .*dword eq with a value above 32 bits never matches" "a dword above 32 bits: noted"
like "$out" "# note: not_a_syscall_at_all .*not an x86_64 syscall" "an unknown syscall: noted"
like "$out" "# note: execve \(added\)" "execve added, noted"
like "$out" $'\nlayer exec-once required\n' "  with exec-once"
sim "$P" allow ioctl 3 KVM_RUN
sim "$P" allow ioctl 3 TCGETS
sim "$P" trap ioctl 3 0x1234
sim "$P" allow fcntl 3 F_SETFD 0x500000001 # dword eq on a 64-bit argument: low 32 bits
sim "$P" trap fcntl 3 F_SETFD 2
sim "$P" allow lseek 3 0 2
sim "$P" trap lseek 3 0 3
sim "$P" allow write 1 0 17
sim "$P" trap write 1 0 16
sim "$P" allow write 1 0 4
sim "$P" trap mmap 0 4096 PROT_EXEC 34
sim "$P" allow getrandom 0 0 0xffffffff # -1 on a 32-bit argument
sim "$T/shapes-api.policy" trap ioctl 3 KVM_RUN
sim "$T/shapes-vcpu.policy" allow ioctl 3 KVM_RUN

# Every action, one thread each (their actions differ, so no merge).
F="$D/fc-actions.json"
for th in errno log deny trace kthread; do
	diff_fc "$F" "$th" "actions-$th"
done
like "$(cat "$T/actions-trace.policy")" "trace has no tracer under vmjail: imported as errno ENOSYS" "trace: ENOSYS, noted"
like "$(cat "$T/actions-deny.policy")" "# note: ioctl .*made unconditional \(fail closed\)" "an inexpressible refusal: made unconditional"
sim "$T/actions-deny.policy" kill-process kexec_load
sim "$T/actions-deny.policy" allow read
sim "$T/actions-errno.policy" "errno EPERM" ptrace
sim "$T/actions-log.policy" log uname
out=$("$TOOL" import-firecracker "$F" 2>&1 >"$T/merge.out"); rc=$?
is "$rc" 1 "threads with different actions: --thread all refused (exit 1)"
like "$out" "actions differ from the other threads'.*--thread" "  with the reason"
is "$(wc -c <"$T/merge.out")" 0 "  and nothing on stdout"

# seccompiler's later spelling of the two actions
printf '{"main": {"mismatch_action": {"errno": 1}, "match_action": "allow", "filter": [{"syscall": "read"}, {"syscall": "execve"}]}}' >"$T/later.json"
diff_fc "$T/later.json" main later
sim "$T/later.policy" allow read
sim "$T/later.policy" "errno EPERM" write

# Malformed and hostile input.
bad() { # NAME WANT-RC REGEX: import of $T/NAME
	local out rc
	out=$("$TOOL" import-firecracker "$T/$1" 2>&1 >"$T/$1.out"); rc=$?
	is "$rc" "$2" "$1: exit $2"
	like "$out" "$3" "$1: error says where and what"
	is "$(wc -c <"$T/$1.out")" 0 "$1: nothing on stdout"
}
printf '{"vmm": {"default_action": "trap", "filter_action": "allow", "filter": [{"syscall": "read"},]}}' >"$T/comma.json"
bad comma.json 1 "comma.json:1:93: error: unexpected character"
printf '{"vmm": {"default_action": "trap", "filter_action": "allow", "filter": [{"syscall": "ioctl", "args": [{"index": 1, "type": "dword", "op": "eq\\u001b[2J", "val": 1}]}]}}' >"$T/esc.json"
bad esc.json 1 "esc.json:1:[0-9]+: error: op: unknown operator 'eq\\\\x1b\[2J'"
printf '{"vmm": {"default_action": "trap", "filter_action": "allow", "filter": [{"syscall": "read", "args": [{"index": 6, "type": "dword", "op": "eq", "val": 1}]}]}}' >"$T/idx.json"
bad idx.json 1 "idx.json:1:[0-9]+: error: index: a number 0..5"
printf '{"vmm": {"default_action": "allow_everything", "filter_action": "allow", "filter": []}}' >"$T/act.json"
bad act.json 1 "act.json:1:[0-9]+: error: vmm: missing or unknown default_action"
printf '{"vmm": {"default_action": {"errno": 0}, "filter_action": "allow", "filter": []}}' >"$T/errno0.json"
bad errno0.json 1 "unknown default_action"
printf '[1, 2]' >"$T/top.json"
bad top.json 1 "top level is not an object"
out=$("$TOOL" import-firecracker --thread nosuch "$D/fc-shapes.json" 2>&1); rc=$?
is "$rc" 1 "--thread naming no thread: exit 1"
like "$out" "no thread 'nosuch'" "  named"
"$TOOL" import-firecracker --thread 'a b' "$D/fc-shapes.json" >/dev/null 2>&1
is "$?" 2 "--thread with a bad name: usage error"
"$TOOL" import-firecracker "$T/absent.json" >/dev/null 2>&1
is "$?" 3 "a missing file: exit 3"

# Firecracker's own files, when given.
if [ -z "${VJ_FC_SECCOMP:-}" ]; then
	skip "VJ_FC_SECCOMP not set (Firecracker's resources/seccomp/x86_64-unknown-linux-musl.json)"
else
	for f in $VJ_FC_SECCOMP; do
		b=$(basename "$f" .json)
		for th in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))))' "$f") all; do
			diff_fc "$f" "$th" "$b-$th"
		done
	done
fi
done_testing
