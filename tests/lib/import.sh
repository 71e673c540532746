# Shared by the importers' differential tests (sourced after tap.sh): the
# tool, the oracle (tests/lib/import_oracle.py reads the source file on its
# own and asks the imported policy's compiled program, through simulate
# --batch, for every rule's boundary values) and a scratch dir $T.
TOOL="$VJ_BUILD/vmjail-policy"
[ -x "$TOOL" ] || bail "$TOOL not built"
command -v python3 >/dev/null || bail "python3 is needed for the differential oracle"
ORACLE="$VJ_SRC/tests/lib/import_oracle.py"
AW="$VJ_SRC/policies/lang/argwidth.c"
D="$VJ_SRC/tests/policy-data"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# import_diff LABEL WHAT IMPORT_ARGS... ';' ORACLE_ARGS...: import (exit 0),
# the imported policy is valid, and the oracle finds every rule's verdicts
# equal to WHAT's.  @POLICY@ in ORACLE_ARGS is the imported policy.
import_diff() {
	local label=$1 what=$2 out imp=() orc=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != ';' ]; do imp+=("$1"); shift; done
	shift
	local pol="$T/$label.policy"
	for a in "$@"; do orc+=("${a//@POLICY@/$pol}"); done
	"$TOOL" "${imp[@]}" >"$pol" 2>"$T/$label.err"
	is "$?" 0 "$label: import exit 0"
	"$TOOL" check "$pol" >/dev/null 2>&1
	is "$?" 0 "$label: the imported policy is valid"
	out=$(python3 "$ORACLE" "${orc[@]}" 2>&1)
	ok "$label: every rule's verdicts equal $what" test $? = 0
	diag "$label: $out"
}

# sim POLICY WANT SYSCALL ARGS...: the compiled verdict
sim() {
	local pol=$1 want=$2 out
	shift 2
	out=$("$TOOL" simulate "$pol" "$@" 2>&1)
	like "$out" "compiled: $want"$'\n' "$(basename "$pol"): $* -> $want"
}
