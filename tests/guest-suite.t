#!/bin/bash
# The suite runner itself (run-guest.sh --suite, mksuite.sh, suite-tap.awk):
# the merge of a guest's per-file TAP into one stream (renumbered, named
# after the file, a per-file exit/plan check, skips kept, the plan last),
# and that it fails loudly: no suite start, no suite end, no file, a file
# that fails, bails out or stops short of its plan.  The filter is fed
# console transcripts; then real guests: one that cannot boot and one whose
# /init dies, each a failing test and a non-zero exit in a bounded time; and
# the overlay holds what the guest's tests need.
# shellcheck source-path=SCRIPTDIR
set -eu
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/guest/lib.sh"
require_root
guest_require

AWK=$VJ_SRC/tests/guest/suite-tap.awk
# filter: the console transcript on stdin through the filter; its exit status
# in $GUEST_TMP/frc
filter() {
	local rc=0
	awk -v label=guest -f "$AWK" >"$GUEST_TMP/fout" || rc=$?
	echo "$rc" >"$GUEST_TMP/frc"
	cat "$GUEST_TMP/fout"
}
frc() { cat "$GUEST_TMP/frc"; }

# --- a good run: two files, one with a skip, one skipped as a whole --------
out=$(filter <<'EOF'
[    1.0] boot noise
VMJAIL-SUITE-BEGIN
VMJAIL-SUITE-INFO kernel 6.1.0-x, cgroup layout cgroup2-only
VMJAIL-SUITE-FILE tests/a.t
# a diagnostic
ok 1 - first
ok 2 # SKIP kernel 6.1: Landlock ABI 2 has no audit records (ABI 7)
1..2
VMJAIL-SUITE-FILE-END rc=0 seconds=3
VMJAIL-SUITE-FILE tests/b.t
1..0 # SKIP no such feature
VMJAIL-SUITE-FILE-END rc=0 seconds=0
VMJAIL-SUITE-END
[    9.0] reboot: Power down
EOF
)
is "$(frc)" 0 "a passing run: the filter exits 0"
is "$(grep -v '^#' <<<"$out")" "ok 1 - [tests/a.t] first
ok 2 - [tests/a.t] # SKIP kernel 6.1: Landlock ABI 2 has no audit records (ABI 7)
ok 3 - [tests/a.t] exited 0 and ran its plan (2 tests, 3 s)
ok 4 - [tests/b.t] # SKIP no such feature
ok 5 - [tests/b.t] exited 0 and ran its plan (0 tests, 0 s)
1..5" "tests renumbered into one stream, named after their file, skips kept, plan last"
like "$out" "# guest: kernel 6.1.0-x, cgroup layout cgroup2-only" "the guest's kernel and cgroup layout as a diagnostic"
like "$out" "# a diagnostic" "diagnostics pass through"
unlike "$out" "boot noise" "console lines before the suite are dropped"
echo "$out" >"$GUEST_TMP/merged.tap"
rc=0
prove -e cat "$GUEST_TMP/merged.tap" >"$GUEST_TMP/prove.out" 2>&1 || rc=$?
is "$rc" 0 "the merged stream is valid, passing TAP for prove"

# --- failures ------------------------------------------------------------------
out=$(filter <<'EOF'
VMJAIL-SUITE-BEGIN
VMJAIL-SUITE-FILE tests/a.t
ok 1 - first
not ok 2 - second
1..3
VMJAIL-SUITE-FILE-END rc=1 seconds=1
VMJAIL-SUITE-FILE tests/c.t
Bail out! no vmjail
VMJAIL-SUITE-FILE-END rc=255 seconds=0
VMJAIL-SUITE-END
EOF
)
is "$(frc)" 1 "a failing run: the filter exits 1"
like "$out" "not ok 2 - \[tests/a.t\] second" "a failing test stays failing"
like "$out" "not ok 3 - \[tests/a.t\] exited 0 and ran its plan \(2 tests, 1 s; exit status 1, planned 3, ran 2\)" \
	"a file that exits non-zero and stops short of its plan fails, saying both"
like "$out" "not ok 4 - \[tests/c.t\] .*exit status 255, no plan, bailed out" "a bail-out fails its file"

out=$(filter </dev/null)
is "$(frc)" 1 "an empty console: the filter exits 1"
like "$out" "not ok 1 - guest: the guest booted and started the suite" "  and says the suite never began"
like "$out" "not ok 2 - guest: the guest ran at least one test file" "  and that no file ran"

out=$(filter <<'EOF'
VMJAIL-SUITE-BEGIN
VMJAIL-SUITE-FILE tests/a.t
ok 1 - first
EOF
)
is "$(frc)" 1 "a console that stops in the middle: the filter exits 1"
like "$out" "not ok 2 - guest: the guest finished the suite .*during tests/a.t" "  and names the file it stopped in"

out=$(filter <<'EOF'
VMJAIL-SUITE-BEGIN
VMJAIL-GUEST-FAIL vj.mode=suite: no test list /vj/suite/list in the initramfs
EOF
)
like "$out" "not ok 1 - guest: VMJAIL-GUEST-FAIL vj.mode=suite: no test list" "a guest failure line is a failing test"

# --- the overlay ------------------------------------------------------------------
ok "mksuite.sh builds an overlay" "$VJ_SRC/tests/guest/mksuite.sh" "$GUEST_TMP/s.cpio.gz" tests/jailer-identity.t \
	2>"$GUEST_TMP/mks.err"
names=$(zcat "$GUEST_TMP/s.cpio.gz" | cpio -t --quiet 2>/dev/null)
missing=
for f in vj/suite/list vj/src/tests/jailer-identity.t vj/src/tests/lib/tap.sh vj/src/tests/lib/jail.sh \
	vj/src/tests/lib/features.sh vj/src/policies/default.policy vj/build/vmjail vj/build/tests/helpers/jailprobe \
	bin/bash bin/jq bin/stat lib64/ld-linux-x86-64.so.2; do
	grep -qx "$f" <<<"$names" || missing="$missing $f"
done
is "$missing" "" "it holds the test, tests/lib, the policies, vmjail, the helpers, the tools and ld.so"
libs=$(ldd "$VMJAIL" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p' | sed 's|^/||')
missing=
for l in $libs; do grep -qx "$l" <<<"$names" || missing="$missing $l"; done
is "$missing" "" "and every library of vmjail at its host path"
is "$(zcat "$GUEST_TMP/s.cpio.gz" | cpio -i --quiet --to-stdout vj/suite/list 2>/dev/null)" \
	/vj/src/tests/jailer-identity.t "the list names the test's guest path"

# --- real guests that fail ---------------------------------------------------------
# Not a kernel at all: QEMU stops at once.
printf 'not a kernel\n' >"$GUEST_TMP/bad-kernel"
t0=$(now_ms)
rc=0
"$RUN_GUEST" --kernel "$GUEST_TMP/bad-kernel" --overlay "$GUEST_TMP/s.cpio.gz" --mode suite \
	--workdir "$GUEST_TMP/w1" --timeout 60 >"$GUEST_TMP/o1" 2>"$GUEST_TMP/e1" || rc=$?
isnt "$rc" 0 "a kernel that does not boot: run-guest.sh fails"
like "$(cat "$GUEST_TMP/o1")" "not ok 1 - guest: the guest booted and started the suite" "  with a failing test that says so"
diag "no boot: $(($(now_ms) - t0)) ms"
# /init dies at once (rdinit= a program that exits): the kernel panics and
# QEMU ends (panic=-1, -no-reboot) without a suite.
t0=$(now_ms)
rc=0
"$RUN_GUEST" --overlay "$GUEST_TMP/s.cpio.gz" --mode suite --append rdinit=/bin/false \
	--workdir "$GUEST_TMP/w2" --timeout 300 >"$GUEST_TMP/o2" 2>"$GUEST_TMP/e2" || rc=$?
t1=$(now_ms)
isnt "$rc" 0 "a guest whose /init dies: run-guest.sh fails"
like "$(cat "$GUEST_TMP/o2")" "not ok 1 - guest: the guest booted and started the suite" "  with a failing test that says so"
like "$(cat "$GUEST_TMP/e2")" "console \(last 30 lines\)" "  and the console's end on stderr"
ok "  well before the timeout ($((t1 - t0)) ms)" test $((t1 - t0)) -lt 240000
done_testing
