#!/bin/bash
# vj.mode=virtio: the guest uses virtio-rng, virtio-blk, virtio-net and
# virtio-console (under QEMU's -sandbox) and says which worked; the host
# checks the two that leave traces outside the guest: the disk (the token
# written back to sector 1) and the virtio console's output file.
# shellcheck source-path=SCRIPTDIR
set -eu
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/guest/lib.sh"
require_root
guest_require
plan 11

guest_start virtio --mode virtio --timeout 120
ok "the virtio guest powers off by itself" guest_wait_exit virtio 110
is "$GUEST_RC" 0 "QEMU exit status 0"
log=$(guest_log virtio)
for dev in rng blk net console; do
	ok "virtio $dev works in the guest" grep -qE "^VMJAIL-VIRTIO-OK $dev( |\$)" <<<"$log"
done
like "$log" "VMJAIL-VIRTIO-DONE ok=4 fail=0" "final marker: 4 devices ok, none failed"
unlike "$log" "VMJAIL-VIRTIO-FAIL" "no device failed"
# The QEMU command really had -sandbox (the devices ran under it).
like "$("$RUN_GUEST" --mode virtio --accel tcg --workdir "$GUEST_TMP/argv" --print-argv 2>/dev/null)" \
	$'\n-sandbox\non,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny' \
	"the virtio guest runs under QEMU's -sandbox"

work=$(guest_workdir virtio)
token=$(head -n 1 "$work/disk.img" | sed -n 's/^VMJAIL-DISK //p')
reply=$(dd if="$work/disk.img" bs=512 skip=1 count=1 2>/dev/null | head -n 1)
is "$reply" "VMJAIL-DISK-REPLY $token" "the guest wrote the disk token back to sector 1 (virtio-blk write)"
# (the guest's tty turns "\n" into "\r\n")
is "$(tr -d '\r' <"$work/hvc0.out")" "VMJAIL-HVC $token" "the virtio console output reached the host"

done_testing
