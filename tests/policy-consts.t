#!/bin/bash
# The generated constant table holds every KVM ioctl this machine's
# linux/kvm.h defines for x86_64: each _IO/_IOR/_IOW/_IOWR KVM_* macro is
# either in the table with the value the compiler gives it, or does not
# compile on x86_64 (it names a structure of another architecture).
. "$(dirname "$0")/lib/tap.sh"
require_root
TOOL="$VJ_BUILD/vmjail-policy"
GEN="$VJ_BUILD/gen/vj_consts.h"
[ -r "$GEN" ] || bail "$GEN not generated (make)"
command -v cc >/dev/null || bail "no C compiler"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

cc -E -dM -D_GNU_SOURCE -include linux/kvm.h -x c /dev/null |
	sed -n 's/^#define \(KVM_[A-Z0-9_]*\) _IO.*/\1/p' | sort -u >"$T/ioctls"
total=$(wc -l <"$T/ioctls")
ok "kvm.h defines many KVM ioctls ($total)" test "$total" -gt 150
missing=0 bad=0
# One program prints every value the table claims to have, so both sides
# come from the same compiler and headers.
{ echo '#include <stdio.h>'; echo '#include <linux/kvm.h>'; echo 'int main(void) {'
  while read -r n; do
	if grep -q "\"$n\"" "$GEN"; then
		echo "printf(\"$n %llu\\n\", (unsigned long long)($n));"
	fi
  done <"$T/ioctls"; echo 'return 0; }'; } >"$T/v.c"
cc -D_GNU_SOURCE -o "$T/v" "$T/v.c" || bail "cannot compile the value printer"
"$T/v" >"$T/values"
while read -r n; do
	if ! grep -q "\"$n\"" "$GEN"; then
		printf '#include <linux/kvm.h>\nunsigned long long x = %s;\n' "$n" >"$T/one.c"
		if cc -D_GNU_SOURCE -fsyntax-only "$T/one.c" 2>/dev/null; then
			diag "$n compiles on x86_64 but is missing from the table"
			missing=$((missing + 1))
		fi
	fi
done <"$T/ioctls"
is "$missing" 0 "every KVM ioctl that compiles on x86_64 is in the table"
# The tool resolves each to the compiler's value (via simulate on a policy
# that allows exactly that request).
n=0
while read -r name value; do
	printf 'version 1\nseccomp allow ioctl if arg1 == %s\n' "$name" >"$T/p.policy"
	got=$("$TOOL" explain "$T/p.policy" 2>/dev/null | grep -c "arg1 == ")
	[ "$got" = 1 ] || { bad=$((bad + 1)); diag "$name not accepted"; }
	n=$((n + 1))
	[ "$n" -ge 40 ] && break
done <"$T/values"
is "$bad" 0 "the first 40 KVM ioctls are accepted by the parser"
first=$(head -1 "$T/values")
name=${first% *} value=${first#* }
printf 'version 1\nseccomp allow ioctl if arg1 == %s\nseccomp allow execve\nlayer seccomp required\n' "$name" >"$T/p.policy"
out=$("$TOOL" simulate "$T/p.policy" ioctl 3 "$value")
like "$out" "compiled: allow" "$name allows ioctl request $value (the compiler's value)"
done_testing
