#!/bin/bash
# The cgroup-BPF layer on Debian's 6.1 kernel, in the test guest (QEMU, BPF
# LSM on the kernel command line): the programs load there, per-tenant ring
# buffers (ring buffers inside a hash of maps) work, the BPF LSM canary is
# refused, and a launch's setup/tenant/unload path works.  This host's 6.18
# kernel refuses BPF LSM programs, so this is where that seam is proved.
# The TAP comes from the static program bpf/tool/guest_probe.c.
. "$(dirname "$0")/lib/tap.sh"
require_root
probe="$VJ_BUILD/guest/cgbpf-guest-probe"
[ -x "$probe" ] || bail "$probe missing: make $probe"
[ -r "$VJ_BUILD/guest/initramfs.cpio.gz" ] || bail "no test guest: make guest"
exec "$VJ_SRC/tests/guest/run-guest.sh" --mode test --tap "$probe" --timeout 300
