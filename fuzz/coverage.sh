#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# `make fuzz-coverage`: each target's coverage build (clang source-based
# coverage, replay.c as main) runs over its corpus and regression inputs;
# llvm-cov writes HTML to COVDIR/NAME/index.html and one line per target
# gives line and branch coverage of the files the target is meant to reach
# (the table below), not of everything it happens to link.
#
#   fuzz/coverage.sh COVBIN_DIR COVDIR [TARGET...]
set -u
BIN=${1:?usage: coverage.sh COVBIN_DIR COVDIR [TARGET...]}
OUT=${2:?}
shift 2
SRC=$(cd "$(dirname "$0")/.." && pwd)
cd "$SRC" || exit 2

# The code each target exists to test.
declare -A reach=(
	[audit_frame]="audit/lib/wire.c audit/lib/jsonvalid.c"
	[audit_json]="audit/lib/event.c audit/lib/json.c audit/lib/jsonvalid.c"
	[audit_record]="audit/lib/kaudit_rec.c audit/lib/kaudit_map.c audit/lib/kaudit.c"
	[bpf_compile]="policies/compile/"
	[bpf_run]="policies/compile/"
	[cgbpf_rules]="bpf/tenant.c"
	[landlock_rules]="jailer/landlock_rules.c"
	[cli]="jailer/cli.c"
	[elfdeps]="jailer/elfdeps.c"
	[import_oci]="policies/tool/cmd_import_oci.c policies/tool/json.c"
	[import_firecracker]="policies/tool/cmd_import_firecracker.c policies/tool/import.c"
	[import_minijail]="policies/tool/cmd_import_minijail.c policies/tool/import.c"
	[learn]="policies/tool/cmd_learn.c policies/tool/json.c"
	[mountinfo]="jailer/mountinfo.c"
	[policy]="policies/lang/"
	[policy_json]="policies/tool/json.c"
	[qmp]="jailer/qmp.c"
	[state]="jailer/state.c"
	[vmjaild_subs]="audit/vmjaild/subs.c"
)

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for b in "$BIN"/fuzz_*; do targets+=("$(basename "$b")"); done
fi
mkdir -p "$OUT"
printf '%-18s %-44s %8s %8s\n' target "code it is meant to reach" lines branches | tee "$OUT/summary.txt"
for t in "${targets[@]}"; do
	name=${t#fuzz_}
	w="$OUT/$name"
	rm -rf "$w" && mkdir -p "$w"
	inputs=("fuzz/corpus/$name")
	for c in fuzz/regress/"$name"/crash-*; do
		[ -f "$c" ] && [ "${c%.txt}" = "$c" ] && inputs+=("$c")
	done
	# One profile per process; a regression input that still crashes
	# writes none, which only lowers the numbers.  A target with open
	# findings skips those invariants (as in fuzz-run), so the corpus inputs
	# that pass them do not end the replay.
	if grep -qs "^$name/" fuzz/regress/OPEN; then
		export VJ_FUZZ_SKIP_OPEN=1
	else
		unset VJ_FUZZ_SKIP_OPEN
	fi
	for i in "${inputs[@]}"; do
		LLVM_PROFILE_FILE="$w/%p.profraw" "$BIN/$t" "$i" >/dev/null 2>&1
	done
	llvm-profdata merge -sparse -o "$w/merged.profdata" "$w"/*.profraw 2>/dev/null || continue
	rm -f "$w"/*.profraw
	files=()
	for r in ${reach[$name]:-}; do
		if [ -d "$r" ]; then files+=("$r"*.c); else files+=("$r"); fi
	done
	llvm-cov show "$BIN/$t" -instr-profile="$w/merged.profdata" -format=html \
		-show-branches=count -output-dir="$w" "${files[@]}" >/dev/null 2>&1
	# TOTAL line of the report: ... Lines Missed Cover Branches Missed Cover
	tot=$(llvm-cov report "$BIN/$t" -instr-profile="$w/merged.profdata" "${files[@]}" 2>/dev/null |
	      awk '/^TOTAL/ {print $(NF-3), $NF}')
	printf '%-18s %-44s %8s %8s\n' "$t" "${reach[$name]:-?}" ${tot:-"-" "-"} | tee -a "$OUT/summary.txt"
done
echo "HTML: $OUT/NAME/index.html"
