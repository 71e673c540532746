#!/bin/bash
# Hostile and malformed policies: each one must be refused by
# `vmjail-policy check` with exit status 1 and an error located at the exact
# file:line:col of the offending token, with a message that names the problem.
. "$(dirname "$0")/lib/tap.sh"
require_root
TOOL="$VJ_BUILD/vmjail-policy"
[ -x "$TOOL" ] || bail "$TOOL not built (make)"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0

# bad NAME FILE:LINE:COL REGEX  (policy text on stdin, written to $T/NAME/p.policy;
# FILE is the file the error must be reported in, relative to $T/NAME)
bad() {
	local name=$1 loc=$2 re=$3 dir="$T/$1" out rc
	mkdir -p "$dir"
	cat >"$dir/p.policy"
	out=$("$TOOL" check "$dir/p.policy" 2>&1 >/dev/null)
	rc=$?
	is "$rc" 1 "$name: exit status 1"
	like "$out" "$dir/$loc: error: .*$re" "$name: error at $loc"
}
# For cases whose include files must exist first.
mkd() { mkdir -p "$T/$1"; }

bad unknown-syscall p.policy:2:15 "unknown syscall 'frobnicate'" <<'EOF'
version 1
seccomp allow frobnicate
EOF
bad unknown-constant p.policy:3:32 "unknown constant 'KVM_NOPE'" <<'EOF'
version 1
layer seccomp required
seccomp allow ioctl if arg1 == KVM_NOPE
EOF
bad bad-operator p.policy:2:28 "expected '=='" <<'EOF'
version 1
seccomp allow read if arg0 => 1
EOF
bad unterminated-string p.policy:2:9 "unterminated string" <<'EOF'
version 1
include "common.inc
EOF
bad include-missing p.policy:3:9 'include "nope.inc": No such file' <<'EOF'
version 1
# a comment line
include "nope.inc"
EOF
mkd include-loop; printf 'version 1\ninclude "loop.inc"\n' >"$T/include-loop/loop.inc"
bad include-loop loop.inc:2:9 "include loop" <<'EOF'
version 1
include "loop.inc"
EOF
bad include-dotdot p.policy:2:9 "contains '\.\.'" <<'EOF'
version 1
include "sub/../../etc/passwd"
EOF
bad include-absolute p.policy:2:9 "is absolute" <<'EOF'
version 1
include "/etc/passwd"
EOF
mkd include-symlink; ln -s /etc/hostname "$T/include-symlink/evil.inc"
bad include-symlink p.policy:2:9 "leaves the including file's directory" <<'EOF'
version 1
include "evil.inc"
EOF
mkd include-unquoted
bad include-unquoted p.policy:2:9 "include takes a quoted path" <<'EOF'
version 1
include common.inc
EOF
bad conflicting-actions p.policy:4:21 "rules for ioctl disagree: errno EPERM here, allow at .*p.policy:3" <<'EOF'
version 1
layer seccomp required
seccomp allow ioctl if arg1 == 1
seccomp errno EPERM ioctl if arg1 == 2
EOF
bad duplicate-rule p.policy:4:21 "duplicate rule for read" <<'EOF'
version 1
seccomp default allow
seccomp errno EPERM read
seccomp errno EPERM read
EOF
bad uncond-and-cond p.policy:4:15 "unconditional rule and a conditional one" <<'EOF'
version 1
seccomp default errno EPERM
seccomp allow ioctl
seccomp allow ioctl if arg1 == 1
EOF
bad same-arg-twice p.policy:2:37 "arg2 is named twice" <<'EOF'
version 1
seccomp allow mmap if arg2 == 1 and arg2 == 3
EOF
bad ne-on-32bit p.policy:2:24 "'!=' on arg1 of ioctl: the kernel declares this argument 32-bit" <<'EOF'
version 1
seccomp allow ioctl if arg1 != 5
EOF
bad lt-on-32bit p.policy:2:25 "'<' on arg0 of socket" <<'EOF'
version 1
seccomp allow socket if arg0 < 10
EOF
bad value-over-32bit p.policy:2:24 "does not fit arg1 of ioctl" <<'EOF'
version 1
seccomp allow ioctl if arg1 == 0x100005401
EOF
bad huge-number p.policy:2:31 "does not fit in 64 bits" <<'EOF'
version 1
seccomp allow mmap if arg0 == 18446744073709551616
EOF
bad errno-zero p.policy:3:15 "errno must be 1\.\.4095" <<'EOF'
version 1
seccomp default allow
seccomp errno 0 ptrace
EOF
bad errno-5000 p.policy:3:15 "errno must be 1\.\.4095, got '5000'" <<'EOF'
version 1
seccomp default allow
seccomp errno 5000 ptrace
EOF
bad errno-not-errno p.policy:2:15 "unknown errno name 'EPOLLIN'" <<'EOF'
version 1
seccomp errno EPOLLIN ptrace
EOF
: >"$T/empty.policy"
out=$("$TOOL" check "$T/empty.policy" 2>&1 >/dev/null); rc=$?
is "$rc" 1 "empty-file: exit status 1"
like "$out" "empty.policy:1:1: error: empty policy" "empty-file: error at 1:1"
mkd binary; printf 'version 1\nname \001\000\002\377junk\n' >"$T/binary/p.policy"
out=$("$TOOL" check "$T/binary/p.policy" 2>&1 >/dev/null); rc=$?
is "$rc" 1 "binary-junk: exit status 1"
like "$out" "p.policy:2:7: error: NUL byte" "binary-junk: error at the NUL"
mkd overlong; { echo 'version 1'; printf 'name %05000d\n' 0; } >"$T/overlong/p.policy"
out=$("$TOOL" check "$T/overlong/p.policy" 2>&1 >/dev/null); rc=$?
is "$rc" 1 "overlong-line: exit status 1"
like "$out" "p.policy:2:4097: error: line too long" "overlong-line: error at column 4097"
bad bad-port p.policy:2:19 "port must be a number from 0 to 65535, got '70000'" <<'EOF'
version 1
landlock tcp-bind 70000
EOF
bad bad-net-port p.policy:2:35 "port must be N or N-M" <<'EOF'
version 1
net connect allow 10.0.0.0/8 port 443-80
EOF
bad bad-prefix p.policy:2:19 "prefix length in '10.0.0.0/33' must be 0..32" <<'EOF'
version 1
net connect allow 10.0.0.0/33 port 443
EOF
bad host-bits p.policy:2:19 "bits set past the prefix" <<'EOF'
version 1
net connect allow 10.0.0.1/8
EOF
bad relative-path p.policy:2:9 "must be absolute" <<'EOF'
version 1
bind ro usr/share/qemu
EOF
bad dotdot-path p.policy:2:9 "contains '\.\.'" <<'EOF'
version 1
bind ro /usr/share/../../etc
EOF
bad unnormalized-path p.policy:2:5 "trailing '/'" <<'EOF'
version 1
dir /run/
EOF
bad control-char-path p.policy:2:12 "character not allowed in a string" <<EOF
version 1
bind ro "/a$(printf '\t')b"
EOF
bad unknown-device p.policy:2:12 "unknown device 'floppy'" <<'EOF'
version 1
device kvm floppy
EOF
bad duplicate-device p.policy:3:8 "this device is already set at .*p.policy:2" <<'EOF'
version 1
device kvm
device kvm
EOF
bad unknown-rlimit p.policy:2:8 "unknown rlimit 'files'" <<'EOF'
version 1
rlimit files 10
EOF
bad rlimit-soft-above-hard p.policy:2:15 "soft limit is above the hard limit" <<'EOF'
version 1
rlimit nofile 100 10
EOF
bad bad-cgroup-value p.policy:2:15 "cgroup memory must be a byte count" <<'EOF'
version 1
cgroup memory lots
EOF
bad missing-version p.policy:2:1 "first statement of a policy must be 'version 1'" <<'EOF'
# no version line
name x
EOF
bad version-2 p.policy:1:9 "unsupported policy language version '2'" <<'EOF'
version 2
name x
EOF
bad unknown-keyword p.policy:2:1 "unknown statement 'frobnicate'" <<'EOF'
version 1
frobnicate on
EOF
bad unknown-action p.policy:2:9 "unknown seccomp action 'permit'" <<'EOF'
version 1
seccomp permit read
EOF
bad unknown-layer p.policy:2:7 "unknown layer 'selinux'" <<'EOF'
version 1
layer selinux required
EOF
bad execve-killed p.policy:5:21 "execve is not allowed" <<'EOF'
version 1
layer seccomp required
seccomp default kill-process
seccomp allow read write
seccomp kill-thread execve
EOF
bad mask-mismatch p.policy:2:35 "bits outside the mask" <<'EOF'
version 1
seccomp allow mmap if arg2 & 1 == 2
EOF
bad unterminated-set p.policy:2:29 "unterminated set" <<'EOF'
version 1
seccomp allow ioctl if arg1 in {1, 2
EOF
bad arg6 p.policy:2:23 "expected an argument arg0\.\.arg5, got 'arg6'" <<'EOF'
version 1
seccomp allow read if arg6 == 1
EOF
bad trailing-token p.policy:2:19 "unexpected 'please' after the end" <<'EOF'
version 1
namespace user on please
EOF
bad socket-family-wrong-family p.policy:2:14 "expected a AF_\* constant" <<'EOF'
version 1
socket allow PROT_EXEC
EOF
mkd non-ascii; printf 'version 1\nname caf\303\251\n' >"$T/non-ascii/p.policy"
out=$("$TOOL" check "$T/non-ascii/p.policy" 2>&1 >/dev/null); rc=$?
is "$rc" 1 "non-ascii: exit status 1"
like "$out" "p.policy:2:9: error: unexpected character \(byte 0xc3\)" "non-ascii: error at the byte"
mkd crlf; printf 'version 1\nname x\r\n' >"$T/crlf/p.policy"
out=$("$TOOL" check "$T/crlf/p.policy" 2>&1 >/dev/null); rc=$?
is "$rc" 1 "crlf: exit status 1"
like "$out" "p.policy:2:7: error: unexpected character \(byte 0x0d\)" "crlf: carriage return located"

# A hostile name in a message is escaped: no raw control bytes reach stderr.
mkd escape; printf 'version 1\nfoo\033[2J\n' >"$T/escape/p.policy"
out=$("$TOOL" check "$T/escape/p.policy" 2>&1 >/dev/null)
unlike "$out" $'\033' "escape: no raw ESC byte in diagnostics"

# Too many includes deep: a chain of 10 files, each including the next.
mkd deep
for i in $(seq 1 10); do printf 'include "d%d.inc"\n' $((i + 1)) >"$T/deep/d$i.inc"; done
: >"$T/deep/d11.inc"
printf 'version 1\ninclude "d1.inc"\n' >"$T/deep/p.policy"
out=$("$TOOL" check "$T/deep/p.policy" 2>&1 >/dev/null); rc=$?
is "$rc" 1 "deep: exit status 1"
like "$out" "d8.inc:1:9: error: include \"d9.inc\": includes nested too deeply \(limit 8\)" \
	"deep: the 9th level is refused where it is included"

done_testing
