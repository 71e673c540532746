// SPDX-License-Identifier: Apache-2.0
/* --help: every flag and exit code (docs/vmjail.8 says the same at length). */
#include <stdio.h>

#include "jailer/cli.h"

void vj_usage(void *stream)
{
	FILE *f = stream;
	fputs(
		"usage: vmjail --id ID --exec-file PATH --uid UID --gid GID [options] [-- VMM-ARGS...]\n"
		"       vmjail --cleanup|--pause|--resume|--suspend|--kill --id ID [--exec-file PATH]\n"
		"       vmjail --list [--json] | --reap | --probe [--json] | --bpf-unload\n"
		"\n"
		"Jail one VMM process and supervise it until it ends.\n"
		"\n"
		"Firecracker jailer flags:\n"
		"  --id ID                  jail id: 1-64 characters of [A-Za-z0-9-]\n"
		"  --exec-file PATH         the VMM binary; copied into the jail (root-owned 0755)\n"
		"  --uid UID, --gid GID     the tenant's ids (not 0)\n"
		"  --chroot-base-dir DIR    jail base (default /srv/jailer); the jail root is\n"
		"                           DIR/<exec-basename>/<id>/root\n"
		"  --netns PATH             join this network namespace (default: a new, empty one)\n"
		"  --daemonize              return once the VMM runs; the supervisor detaches\n"
		"  --new-pid-ns             the VMM is pid 1 of a new pid namespace\n"
		"  --cgroup FILE=VALUE      write VALUE to FILE (CONTROLLER.FILE) in the tenant cgroup\n"
		"  --cgroup-version 1|2     where limits go (default 1, or 2 without v1 hierarchies)\n"
		"  --parent-cgroup REL      parent of the tenant cgroup (default: the exec basename)\n"
		"  --resource-limit RES=N[:M]  setrlimit; RES: as core cpu data fsize locks memlock\n"
		"                           msgqueue nice nofile (no-file) nproc rss rtprio rttime\n"
		"                           sigpending stack; N or SOFT:HARD, 'unlimited' allowed\n"
		"  --version, --help\n"
		"\n"
		"vmjail extensions:\n"
		"  --policy FILE            policy (default: the built-in default policy)\n"
		"  --bind SRC[:DST[:ro|rw]] bind a tenant file or dir into the jail (default ro;\n"
		"                           rw binds are noexec), e.g. the guest kernel or disk\n"
		"  --audit-log PATH|-       write this jail's audit records (JSON lines) there\n"
		"  --keep-fd N              pass fd N (3-1023) to the VMM; all others are closed\n"
		"  --audit-rate N           cgroup-BPF denial records per second for this tenant\n"
		"                           (default 200, bursts of twice that; the rest is counted)\n"
		"  --audit-ring BYTES       size of the tenant's BPF ring (power of two, default 256K)\n"
		"  --ttl DURATION|none      kill and reclaim the jail after 90s, 30m, 8h (default 8h)\n"
		"  --keep                   keep the jail dir after the VMM exits\n"
		"  --seccomp-cache DIR      compiled filter cache (default /var/cache/vmjail/seccomp;\n"
		"                           '' compiles at every launch)\n"
		"  --dry-run [--json]       print the plan, change nothing\n"
		"  --probe [--json]         which enforcement layers this kernel supports, and why not\n"
		"  --cleanup                remove what a jail left behind (idempotent)\n"
		"  --list [--json]          jails under the base dir and their state\n"
		"  --pause, --resume        freeze / thaw every task of a running jail\n"
		"  --suspend                QEMU: save the VM to a file in the jail and stop it\n"
		"  --restore                QEMU: relaunch a suspended jail from its saved state\n"
		"                           (same flags as the first launch)\n"
		"  --kill                   kill a running jail (its supervisor cleans up)\n"
		"  --reap                   reclaim suspended jails whose time-to-live has passed\n"
		"  --bpf-unload             detach and unpin the cgroup-BPF programs (no tenants left)\n"
		"\n"
		"Exit status: for a launch, the VMM's exit code, or 128+N if signal N killed it;\n"
		"  64 command-line error; 125 launch refused or failed before exec (the step and\n"
		"  reason are printed and audited; nothing is left behind); 126 the VMM could not\n"
		"  be executed.  Other actions: 0 success, 1 failure, 64 command-line error.\n",
		f);
}
