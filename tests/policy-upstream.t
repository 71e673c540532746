#!/bin/bash
# The VMM policies against their upstream lists: every syscall the upstream
# filters allow is allowed here or refused on purpose (a `# upstream-refused:`
# comment names it), and every syscall allowed here beyond upstream is in the
# policy's start-up section or named in a `# upstream-added:` comment.  The
# upstream facts (tests/policy-data/upstream/*.names: names only, with repo,
# commit, date and licence) must be from this year, and the policy must cite
# the same commit.  QEMU has no upstream allowlist to compare with (its
# -sandbox is a denylist): qemu.policy is derived from QEMU's own behaviour
# (tests/policy-qemu.t).
. "$(dirname "$0")/lib/tap.sh"
TOOL="$VJ_BUILD/vmjail-policy"
[ -x "$TOOL" ] || bail "$TOOL not built"
U="$VJ_SRC/tests/policy-data/upstream"
year=$(date -u +%Y)

for vmm in firecracker cloud-hypervisor crosvm; do
	facts="$U/$vmm.names"
	pol="$VJ_SRC/policies/$vmm.policy"
	d=$(sed -n 's/^# date: \([0-9-]*\)$/\1/p' "$facts")
	is "${d%%-*}" "$year" "$vmm: upstream facts are this year's ($d)"
	commit=$(grep -o 'commit *[0-9a-f]\{40\}' "$facts" | awk '{ print substr($2, 1, 12) }')
	like "$(tr -d '\n#' <"$pol" | tr -s ' ')" "$commit" "$vmm.policy cites upstream commit $commit"
	like "$(head -8 "$facts" | tr -d "\n#" | tr -s " ")" "licence [A-Za-z0-9.-]+" "$vmm: facts name the upstream licence"
	grep -v '^#' "$facts" | sort -u >"/tmp/up.$$"
	# syscalls allowed here: the first line of each syscall in explain's table
	"$TOOL" explain "$pol" | sed -n '/^seccomp/,$p' |
		awk 'NR > 2 && $1 !~ /^arg/ && $2 == "allow" { print $1 }' | sort -u >"/tmp/ours.$$"
	refused=$(sed -n '/^# upstream-refused:/,/^[^#]/p' "$pol" | grep '^#' | tr '\n' ' ')
	added=$(sed -n '/^# upstream-added:/,/^[^#]/p' "$pol" | grep '^#' | tr '\n' ' ')
	startup=$(sed -n '/^# -* start-up/,/^# -* /p' "$pol" | grep '^seccomp' | tr '\n' ' ')
	bad=
	for s in $(comm -23 "/tmp/up.$$" "/tmp/ours.$$"); do
		[[ " $refused " =~ [^a-z0-9_]$s[^a-z0-9_] ]] || bad+=" $s"
	done
	is "$bad" "" "$vmm: every upstream syscall is allowed or refused with a comment"
	bad=
	for s in $(comm -13 "/tmp/up.$$" "/tmp/ours.$$"); do
		[[ " $startup $added " =~ [^a-z0-9_]$s[^a-z0-9_] ]] || bad+=" $s"
	done
	is "$bad" "" "$vmm: every syscall beyond upstream is start-up or commented"
	diag "$vmm: $(comm -12 "/tmp/up.$$" "/tmp/ours.$$" | grep -c .) shared, $(comm -23 "/tmp/up.$$" "/tmp/ours.$$" | grep -c .) refused, $(comm -13 "/tmp/up.$$" "/tmp/ours.$$" | grep -c .) added"
	rm -f "/tmp/up.$$" "/tmp/ours.$$"
done
done_testing
