#!/bin/bash
# tests/lsm-jail.t inside the 6.1 test guest (BPF LSM and AppArmor active),
# through the suite runner: vmjail, its helpers and the test run there and
# their TAP lines arrive here one by one.  Fails when the guest does not boot
# or reports nothing (run-guest.sh --suite).
. "$(dirname "$0")/lib/tap.sh"
require_root
[ -r "$VJ_BUILD/guest/initramfs.cpio.gz" ] || bail "no test guest: make guest"
[ -x "$VJ_BUILD/tests/helpers/lsmprobe" ] || bail "lsmprobe missing: make $VJ_BUILD/tests/helpers/lsmprobe"
exec "$VJ_SRC/tests/guest/run-guest.sh" --suite tests/lsm-jail.t --timeout 600
