#!/bin/sh
# vj.mode=test: run one test program ($1, a guest path) that prints TAP, and
# frame its standard output on the console so the host can cut it out:
#   VMJAIL-TAP-BEGIN / <TAP> / VMJAIL-TAP-END rc=<exit status>
# Its standard error follows the TAP as "# " diagnostics (a console has one
# stream; interleaving the two would split TAP lines).
cmd=$1
if [ -z "$cmd" ]; then
	echo "VMJAIL-GUEST-FAIL vj.mode=test needs vj.cmd=/path"
	exit 1
fi
echo "VMJAIL-TAP-BEGIN"
if [ -x "$cmd" ]; then
	"$cmd" 2>/tmp/vj-test.stderr
	rc=$?
else
	echo "Bail out! vj.cmd=$cmd is not an executable file in the guest"
	rc=127
fi
[ -s /tmp/vj-test.stderr ] && sed 's/^/# /' /tmp/vj-test.stderr
echo "VMJAIL-TAP-END rc=$rc"
