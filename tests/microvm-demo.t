#!/bin/bash
# `make run`'s job: a jailed microVM on the built-in default policy, its
# console and audit stream, a pause and resume, and nothing left behind.
. "$(dirname "$0")/lib/tap.sh"
require_root
[ -r "$VJ_BUILD/guest/vmlinux" ] || bail "the test guest is not built (make guest)"
out=$(VJ_DEMO_TICKS=6 "$VJ_SRC/tests/guest/demo.sh" 2>&1)
is "$?" 0 "the demo ends with the VMM's clean exit (0)"
like "$out" "VMJAIL-GUEST-READY" "the console shows the guest's marker"
like "$out" "VMJAIL-COUNTER 5" "and its counter"
like "$out" 'audit \| .*"type":"created"' "the audit stream shows the jail created"
like "$out" 'audit \| .*"type":"paused"' "paused"
like "$out" 'audit \| .*"type":"resumed"' "resumed"
like "$out" 'audit \| .*"type":"exited".*"exit_code":0' "exited with code 0"
like "$out" 'audit \| .*"type":"cleaned"' "and cleaned"
like "$out" "nothing: no jail dir, no cgroup, no mount, no process" "nothing is left behind"
is "$(pgrep -fc 'qemu-system-x86_64.*demo-' || true)" 0 "no QEMU process remains"
done_testing
