#!/bin/bash
# fuzz/build.mk tracks each fuzz object's headers (-MMD -MP) and its flavour's
# compile flags (a stamp rewritten only when they change): a stale object
# linked against a changed struct once looked like a double free in a target.
# Asserted on one real libFuzzer object (fuzz_qmp.o, which includes
# jailer/qmp.h): a newer header it includes rebuilds it, one it does not
# include leaves it alone, changed flags rebuild it.  The checks use make's
# what-if (-W) and dry run (-n): nothing in the source tree is touched.
. "$(dirname "$0")/lib/tap.sh"
command -v clang >/dev/null || { skip "clang not installed (make fuzz needs it)"; done_testing; }
B="$VJ_BUILD"
o="$B/fuzz/obj/fuzz/fuzz_qmp.o"
m() { make -C "$VJ_SRC" --no-print-directory BUILD="$B" "$@"; }

out=$(m "$o" 2>&1); rc=$?
is "$rc" 0 "the fuzz object builds"
[ "$rc" = 0 ] || diag "$(tail -5 <<<"$out")"
ok "its dependency file names the header it includes" grep -q 'jailer/qmp\.h' "${o%.o}.d"
m -q "$o"
is "$?" 0 "then it is up to date"
like "$(m -n -W jailer/qmp.h "$o")" "-o $o " "a newer jailer/qmp.h rebuilds it"
unlike "$(m -n -W jailer/elfdeps.h "$o")" "-o $o " "a newer header it does not include leaves it alone"
stamp=$(cat "$B/fuzz/obj/cflags")
like "$(m -n CLANG='clang -DVJ_FLAGS_PROBE' "$o")" "-o $o " "changed compile flags rebuild it"
is "$(cat "$B/fuzz/obj/cflags")" "$stamp" "the dry run left the flags stamp as it was"
done_testing
