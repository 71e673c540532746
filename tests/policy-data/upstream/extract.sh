#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Re-extract the facts in this directory from fetched upstream repositories
# (git directories): the allowed syscall names only, nothing else.
#   extract.sh FIRECRACKER_GIT CLOUD_HYPERVISOR_GIT CROSVM_GIT
# Then put each repo's commit and date in the file headers by hand.
set -eu
git -C "$1" show HEAD:resources/seccomp/x86_64-unknown-linux-musl.json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("\n".join(sorted(set(r["syscall"] for v in d.values() for r in v["filter"]))))'
echo "----"
git -C "$2" show HEAD:vmm/src/seccomp_filters.rs | python3 -c '
import re, sys
s = sys.stdin.read()
def body(fn):
    i = s.index("fn " + fn + "(")
    j = s.find("\nfn ", i + 1)
    return s[i:j if j > 0 else len(s)]
n = set()
for fn in ("common_thread_rules", "vmm_thread_rules", "http_api_thread_rules"):
    n |= set(re.findall(r"libc::SYS_([a-z0-9_]+)", body(fn)))
print("\n".join(sorted(n)))'
echo "----"
for f in common_device block; do git -C "$3" show "HEAD:jail/seccomp/x86_64/$f.policy"; done |
	grep -E '^[a-z0-9_]+:' | grep -v return | cut -d: -f1 | sort -u
