# The guest's console in vj.mode=suite (tests/guest/mode-suite.sh) -> one TAP
# stream for prove, line by line as the guest prints it (fflush after each).
#   - each test line of a guest file is renumbered into one sequence and its
#     name prefixed with the file: "ok 7 - [tests/jailer-identity.t] ..."
#   - a file's "1..0 # SKIP why" becomes one skipped test naming the file
#   - after each file, one test: it exited 0 and ran as many tests as planned
#   - diagnostics pass through; other guest output becomes "# " lines
#   - VMJAIL-SUITE-INFO becomes a "# guest: ..." line
#   - no VMJAIL-SUITE-END (the guest did not boot, crashed, timed out), or no
#     test at all: a failing test says so
# The plan comes last ("1..N"), as TAP allows.  Exit status 0 when all passed.
# Variables: label (how the part is named, e.g. "guest").
function emit(okay, desc) {
	n++
	if (!okay) fails++
	print (okay ? "ok " : "not ok ") n " - " desc
	fflush()
}
function note(s) { print "# " s; fflush() }
function endfile(rc, secs,   why) {
	why = ""
	if (rc != 0) why = "exit status " rc
	if (plan == "") why = why (why ? ", " : "") "no plan"
	else if (plan + 0 != count && !skipall) why = why (why ? ", " : "") "planned " plan ", ran " count
	if (bailed) why = why (why ? ", " : "") "bailed out"
	emit(why == "", "[" file "] exited 0 and ran its plan (" count " tests, " secs " s" (why ? "; " why : "") ")")
	file = ""
}
BEGIN { if (label == "") label = "guest"; n = 0; fails = 0; file = ""; began = 0; ended = 0 }
{ sub(/\r$/, "") }
/^VMJAIL-SUITE-BEGIN$/ { began = 1; next }
/^VMJAIL-SUITE-INFO / { sub(/^VMJAIL-SUITE-INFO /, ""); note(label ": " $0); next }
/^VMJAIL-SUITE-FILE-END / {
	rc = $2; sub(/^rc=/, "", rc); secs = $3; sub(/^seconds=/, "", secs)
	if (file != "") endfile(rc, secs)
	next
}
/^VMJAIL-SUITE-FILE / {
	file = $2; plan = ""; count = 0; skipall = 0; bailed = 0; files++
	note(label ": running " file)
	next
}
/^VMJAIL-SUITE-END$/ { ended = 1; next }
/^VMJAIL-GUEST-FAIL/ { emit(0, label ": " $0); next }
!began { next }
file == "" { if ($0 != "") note(label " console: " $0); next }
/^(not )?ok( |$)/ {
	okay = ($1 == "ok")
	rest = $0
	sub(/^(not )?ok ?/, "", rest)
	sub(/^[0-9]+ ?/, "", rest)
	sub(/^- /, "", rest)
	count++
	if (rest ~ /^#/) emit(okay, "[" file "] " rest)
	else emit(okay, "[" file "] " rest)
	next
}
/^1\.\.[0-9]+/ {
	plan = $0; sub(/^1\.\./, "", plan); sub(/[^0-9].*$/, "", plan)
	if (plan + 0 == 0) {
		skipall = 1
		why = $0; sub(/^1\.\.0 *#? *(SKIP|skip)? */, "", why)
		n++; print "ok " n " - [" file "] # SKIP " why; fflush()
	}
	next
}
/^Bail out!/ { bailed = 1; note(label ": [" file "] " $0); next }
/^#/ { print; fflush(); next }
{ note("[" file "] " $0) }
END {
	if (!began) emit(0, label ": the guest booted and started the suite (no VMJAIL-SUITE-BEGIN on the console)")
	else if (!ended) emit(0, label ": the guest finished the suite (no VMJAIL-SUITE-END: crashed, powered off or timed out" (file != "" ? " during " file : "") ")")
	if (files == 0) emit(0, label ": the guest ran at least one test file")
	print "1.." n
	exit fails > 0
}
