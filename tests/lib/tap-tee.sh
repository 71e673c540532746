#!/bin/bash
# prove's --exec for `make check`: run one test file and keep a copy of its
# TAP in $VJ_CHECK_TAP/<path with / as _>.tap (the first line names the
# file), so tests/lib/check.sh can say afterwards what was skipped and why.
# The test's exit status is kept (and noted as the file's last line).
t=$1
shift
run=$t
[[ $run == */* ]] || run=./$run
if [ -z "${VJ_CHECK_TAP:-}" ]; then
	exec "$run" "$@"
fi
f=$VJ_CHECK_TAP/${t//\//_}.tap
printf '# file %s\n' "$t" >"$f"
"$run" "$@" | tee -a "$f"
rc=${PIPESTATUS[0]}
# check.sh's failure list names files that exited non-zero with no "not ok"
printf '# exit %d\n' "$rc" >>"$f"
exit "$rc"
