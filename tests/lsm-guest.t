#!/bin/bash
# The BPF LSM programs (bpf/lsm_*.bpf.c) on Debian's 6.1 kernel in the test
# guest (lsm=...,bpf), where they run; this host's kernel refuses LSM
# programs.  One TAP line per hook: an attacker re-executed in tenant A's
# leaf (its first exec arms the tenant, as the VMM's does) gets the expected
# errno, the same action outside any tenant gets the kernel's normal answer,
# and A's ring holds a bpf-lsm record of that hook (printed as its audit JSON).
# Then two tenants (A cannot signal, ptrace, open a file of, connect to or
# take an fd from B; all in A's ring, none in B's), the canary, pin/unload.
# The TAP comes from the static program bpf/tool/lsm_guest.c.
. "$(dirname "$0")/lib/tap.sh"
require_root
prog="$VJ_BUILD/guest/lsm-guest-test"
[ -x "$prog" ] || bail "$prog missing: make $prog"
[ -r "$VJ_BUILD/guest/initramfs.cpio.gz" ] || bail "no test guest: make guest"
exec "$VJ_SRC/tests/guest/run-guest.sh" --mode test --tap "$prog" --timeout 300
