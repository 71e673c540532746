#!/bin/bash
# `make run`'s job: a jailed microVM on the built-in default policy, its
# console and audit stream, a pause and resume, and nothing left behind.
. "$(dirname "$0")/lib/tap.sh"
# for its own run dir and BPF pin dir (demo.sh's vmjail reads them from the
# environment), so the demo neither sees nor changes production jails' state
. "$(dirname "$0")/lib/jail.sh"
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
id=$(sed -n 's/.*launching jail \(demo-[0-9]*\).*/\1/p' <<<"$out")
like "$id" '^demo-[0-9]+$' "the demo names its jail"
is "$(pgrep -fc "qemu-system-x86_64.*$id" || true)" 0 "no QEMU process of that jail remains"
done_testing
