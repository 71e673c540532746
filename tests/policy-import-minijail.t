#!/bin/bash
# import-minijail keeps the meaning of a minijail policy (crosvm's and
# ChromeOS's .policy files): a differential check (tests/lib/import_oracle.py
# reads the policy on its own, first-match per syscall, and asks the imported
# policy's compiled program through simulate --batch for every rule's
# boundary values) must find no call judged differently, except refusals the
# importer wrote a note for.  On this project's own fixture (every operator,
# action and directive), and on crosvm's real files when given:
#   VJ_MINIJAIL_POLICIES="DIR..." (crosvm's jail/seccomp/x86_64 with its
#   constants.json, minijail's policies/ with ChromeOS's default denylist;
#   not stored here).
# Malformed input: a located, escaped error, exit 1, nothing on stdout.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/import.sh"

# diff_mj SRC LABEL [OPTIONS...]: import with OPTIONS, validate, differential
diff_mj() {
	local src=$1 label=$2
	shift 2
	import_diff "$label" "the policy file's" import-minijail "$@" "$src" ';' \
		minijail "$src" @POLICY@ "$TOOL" "$AW" "$@"
}

F="$D/mj-shapes.policy"
C=(--constants "$D/mj-constants.json")
diff_mj "$F" shapes "${C[@]}"
diff_mj "$F" shapes-trap "${C[@]}" --default trap
diff_mj "$F" shapes-kthread "${C[@]}" --default kill-thread
P="$T/shapes.policy"
out=$(cat "$P")
like "$out" $'\nseccomp default kill-process\n' "default: kill (the process)"
like "$(cat "$T/shapes-trap.policy")" $'\nseccomp default trap\n' "--default trap"
like "$out" "# note: lseek \(mj-shapes.policy:9\): lseek if arg2 <= 2: rewritten as the list" "an ordering on a 32-bit argument: enumerated, noted"
like "$out" "# note: munmap \(mj-shapes.policy:18\): .*names one argument twice; dropped" "one argument twice: dropped, noted"
like "$out" "# note: madvise .*dropped" "an inexpressible allow rule: dropped, noted"
like "$out" "# note: socket \(mj-shapes.policy:29\): allow socket if arg0 == AF_UNIX: dropped, socket also has errno EACCES" "two actions for one syscall: the stricter kept, noted"
like "$out" "trace has no tracer" "trace: noted"
like "$out" "user-notify has no listener" "user-notify: noted"
like "$out" "# note: execve \(added\)" "execve added, noted"
sim "$P" allow exit_group 0                    # from the @include, found by file name
sim "$T/shapes-trap.policy" kill-process epoll_wait 3 0 1 0 # `; kill` in the included file
sim "$T/shapes-trap.policy" trap epoll_wait 3 0 1 1
sim "$P" allow ioctl 3 FIONBIO
sim "$P" allow ioctl 3 0x2000                  # arg1 & 0x6400: any one bit
sim "$P" kill-process ioctl 3 0x8000
sim "$P" allow mmap 0 4096 PROT_READ
sim "$P" kill-process mmap 0 4096 PROT_READ\|PROT_EXEC
sim "$P" allow mprotect 1 4096 PROT_READ\|PROT_WRITE
sim "$P" kill-process mprotect 0 4096 PROT_READ
sim "$P" "errno EPERM" fcntl 3 F_GETFL
sim "$P" kill-process fcntl 3 F_GETFD
sim "$P" "errno ENOENT" openat 0 0
sim "$P" "errno ENOENT" open 0
sim "$P" "errno ENOSYS" tgkill 1 1 1
sim "$P" trap kill 1 9
sim "$P" log getpid
sim "$P" kill-thread gettid
sim "$P" allow getgid
sim "$P" "errno EACCES" socket AF_INET
sim "$P" allow getrandom 0 0 0xffffffff      # -1 on a 32-bit argument
sim "$P" allow futex 0 129                     # TEST_FUTEX_OP|128 from --constants
sim "$P" allow sendto 3 0 0 0x4040             # MSG_DONTWAIT|(MSG_NOSIGNAL)

# A ChromeOS-style denylist: default allow, return rules only.
diff_mj "$D/mj-denylist.policy" denylist
like "$(cat "$T/denylist.policy")" $'\nseccomp default allow\n' "@denylist: default allow"
sim "$T/denylist.policy" "errno EPERM" bpf
sim "$T/denylist.policy" "errno EACCES" mount 0 0 0 0x1000
sim "$T/denylist.policy" allow mount 0 0 0 0
sim "$T/denylist.policy" allow read

# A value said by a plain rule and by an enumerated one, or by two
# enumerated ones, is printed once (the validator refuses a rule said twice,
# `in {}` included; fuzz finding).
printf 'ioctl: arg1 == 14 || arg1 < 15\nsocket: arg0 < 3 || arg0 <= 4 || arg0 == 1\nexecve: 1\n' >"$T/overlap-src.policy"
diff_mj "$T/overlap-src.policy" overlap
like "$(cat "$T/overlap.policy")" "socket if arg0 in \{AF_UNSPEC, AF_INET\}"$'\n'"seccomp allow socket if arg0 in \{AF_AX25, AF_IPX\}"$'\n'"seccomp allow socket if arg0 == AF_UNIX" "  each value once"

# Malformed and hostile input: nothing on stdout, a located error.
bad() { # FILE WANT-RC REGEX [OPTIONS...]
	local f=$1 want=$2 re=$3 out rc
	shift 3
	out=$("$TOOL" import-minijail "$@" "$T/$f" 2>&1 >"$T/$f.out"); rc=$?
	is "$rc" "$want" "$f: exit $want"
	like "$out" "$re" "$f: the error says where and what"
	is "$(wc -c <"$T/$f.out")" 0 "$f: nothing on stdout"
}
cp "$F" "$T/noconst.policy"
cp "$D/mj-shapes-inc.policy" "$T/"
bad noconst.policy 1 "noconst.policy:32:16: error: unknown constant 'TEST_FUTEX_OP'"
printf 'read: 1\nioctl: arg1 == \033[2J\n' >"$T/ctl.policy"
bad ctl.policy 1 "ctl.policy:2:16: error: a control character \('\\\\x1b'\)"
printf 'read: 1\nwrite: arg0 == 1 ||\n' >"$T/eol.policy"
bad eol.policy 1 "eol.policy:2:20: error: expected arg0..arg5, found '\(end of line\)'"
printf '@include /usr/share/policy/x/../../../etc/passwd\n' >"$T/trav.policy"
bad trav.policy 1 "trav.policy:1:10: error: @include '.*': a NAME.policy file is expected"
printf '@include ./loop.policy\nread: 1\n' >"$T/loop.policy"
bad loop.policy 1 "loop.policy:1:10: error: @include '\./loop.policy' includes itself"
printf '@include ./absent.policy\n' >"$T/absent-inc.policy"
bad absent-inc.policy 3 "absent.policy"
printf 'read: 1\nread: arg0 == 1\n' >"$T/twice.policy"
bad twice.policy 1 "twice.policy:2:1: error: 'read' already had an unconditional action"
printf 'frobnicate: 1\n' >"$T/nosys.policy"
bad nosys.policy 1 "nosys.policy:1:1: error: not an x86_64 syscall: 'frobnicate'"
printf '@denylist\nread: 1\n' >"$T/deny.policy"
bad deny.policy 1 "deny.policy:2:7: error: a @denylist policy refuses with return ERRNO only, found '1'"
printf 'read: 1\n@denylist\n' >"$T/deny-late.policy"
bad deny-late.policy 1 "deny-late.policy:2:1: error: '@denylist' must come before the rules"
printf '@allowlist\n' >"$T/dir.policy"
bad dir.policy 1 "dir.policy:1:1: error: unsupported directive '@allowlist'"
printf 'read: return 0\n' >"$T/ret0.policy"
bad ret0.policy 1 "ret0.policy:1:14: error: return '0': an errno 1..4095"
printf 'read: arg9 == 1\n' >"$T/arg9.policy"
bad arg9.policy 1 "arg9.policy:1:7: error: expected arg0..arg5, found 'arg9'"
printf 'read[arch=x86_64]: 1\n' >"$T/meta.policy"
bad meta.policy 1 "meta.policy:1:5: error: metadata"
out=$(printf '@include ./x.policy\n' | "$TOOL" import-minijail - 2>&1); rc=$?
is "$rc" 1 "stdin with @include and no --include-dir: exit 1"
like "$out" "needs --include-dir" "  with the reason"
"$TOOL" import-minijail --default allow "$F" >/dev/null 2>&1
is "$?" 2 "--default allow: usage error (a permissive default is not minijail's either)"

# crosvm's own files, when given.
if [ -z "${VJ_MINIJAIL_POLICIES:-}" ]; then
	skip "VJ_MINIJAIL_POLICIES not set (directories such as crosvm's jail/seccomp/x86_64, minijail's policies)"
else
	for dir in $VJ_MINIJAIL_POLICIES; do
		opt=()
		# crosvm compiles its policies with its constants and --default-action trap
		[ -f "$dir/constants.json" ] && opt=(--constants "$dir/constants.json" --default trap)
		for f in "$dir"/*.policy; do
			diff_mj "$f" "real-$(basename "$f" .policy)" "${opt[@]}"
		done
	done
fi
done_testing
