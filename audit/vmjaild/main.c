// SPDX-License-Identifier: Apache-2.0
/* vmjaild: command line, subcommands and exit codes. */
#include "audit/vmjaild/vmjaild.h"
#include "audit/lib/ocsf.h"
#include "audit/lib/rundir.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: vmjaild [OPTIONS]                 run the host audit stream daemon\n"
    "       vmjaild follow [--tenant ID] [--run-dir DIR | --socket PATH]\n"
    "       vmjaild audit-restore [--run-dir DIR]\n"
    "\n"
    "The daemon collects vmjail supervisors' records (RUN_DIR/vmjaild.sock and\n"
    "RUN_DIR/spool) and kernel audit records (seccomp, Landlock, AppArmor),\n"
    "attributes each to its tenant and writes one JSON object per line\n"
    "(schema v1, audit/SCHEMA.md).\n"
    "\n"
    "Options:\n"
    "  --run-dir DIR        state directory (default /run/vmjail)\n"
    "  --stdout             write the host stream to standard output\n"
    "  --log FILE           append the host stream to FILE (mode 0600)\n"
    "  --rotate-size SIZE   rotate FILE when it would exceed SIZE bytes (K, M, G\n"
    "                       suffixes; default 100M; 0: never; SIGHUP reopens FILE)\n"
    "  --rotate-keep N      rotated files kept: FILE.1 .. FILE.N (default 5)\n"
    "  --socket PATH        subscriber socket (default RUN_DIR/events.sock; none: off)\n"
    "  --sub-buffer SIZE    bytes queued per slow subscriber before it loses records\n"
    "                       (default 4M; each loss is reported to it in-band)\n"
    "  --kernel MODE        kernel audit records: all (default; unattributed ones\n"
    "                       too), tenants (only those of a known tenant), off\n"
    "  --audit-format v1|ocsf  what --log and --stdout get: schema v1 (default) or\n"
    "                       OCSF 1.3.0 events; subscribers always get v1\n"
    "  --enable-audit       turn kernel audit on while running: Landlock reports\n"
    "                       denials only then (side effects: docs/audit.md); the\n"
    "                       previous state is restored when the last user stops\n"
    "  -h, --help           this text\n"
    "  --version            print the version\n"
    "\n"
    "follow: print the host stream as it is written, optionally one tenant's only.\n"
    "audit-restore: put kernel audit back as vmjail found it if no user is left\n"
    "(after a crash).\n"
    "\n"
    "Exit status:\n"
    "  0  stopped by SIGTERM or SIGINT (follow: the daemon closed the stream)\n"
    "  1  failure while running (follow: cannot connect to the daemon)\n"
    "  2  usage error\n"
    "  3  another vmjaild already runs on this run dir\n"
    "  4  set-up failed: run dir, sockets, log file, kernel audit socket\n"
    "Signals: SIGHUP reopens the log file (after an external rotation).\n";

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -1;
	uint64_t mul = 1;
	if (*end == 'K' || *end == 'k')
		mul = 1024, end++;
	else if (*end == 'M' || *end == 'm')
		mul = 1024 * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mul = 1024ull * 1024 * 1024, end++;
	if (*end || (v && mul > UINT64_MAX / v))
		return -1;
	*out = v * mul;
	return 0;
}

static int audit_restore(int argc, char **argv)
{
	const char *run_dir = VJ_RUN_DIR_DEFAULT;
	static const struct option lo[] = {
	    {"run-dir", required_argument, 0, 'r'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 'r')
			run_dir = optarg;
		else if (c == 'h') {
			fputs(usage, stdout);
			return VJD_EXIT_OK;
		} else
			return VJD_EXIT_USAGE;
	}
	struct vj_err e = {0};
	int rc = vj_kaudit_enable_reconcile(run_dir, &e);
	if (rc < 0) {
		fprintf(stderr, "vmjaild: audit-restore: %s\n", e.msg);
		return VJD_EXIT_RUNTIME;
	}
	printf("%s\n", rc ? "kernel audit restored" : "nothing to restore");
	return VJD_EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "follow") == 0)
		return vjd_follow(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "audit-restore") == 0)
		return audit_restore(argc - 1, argv + 1);

	struct vjd_opts o = {
	    .run_dir = VJ_RUN_DIR_DEFAULT,
	    .rotate_size = 100ull << 20,
	    .rotate_keep = 5,
	    .kernel = VJD_KERNEL_ALL,
	    .sub_buffer = 4ull << 20,
	};
	enum {
		O_RUN = 256,
		O_STDOUT,
		O_LOG,
		O_RSIZE,
		O_RKEEP,
		O_SOCK,
		O_SUBBUF,
		O_KERNEL,
		O_ENABLE,
		O_FORMAT,
		O_VERSION
	};
	static const struct option lo[] = {
	    {"run-dir", required_argument, 0, O_RUN},
	    {"stdout", no_argument, 0, O_STDOUT},
	    {"log", required_argument, 0, O_LOG},
	    {"rotate-size", required_argument, 0, O_RSIZE},
	    {"rotate-keep", required_argument, 0, O_RKEEP},
	    {"socket", required_argument, 0, O_SOCK},
	    {"sub-buffer", required_argument, 0, O_SUBBUF},
	    {"kernel", required_argument, 0, O_KERNEL},
	    {"enable-audit", no_argument, 0, O_ENABLE},
	    {"audit-format", required_argument, 0, O_FORMAT},
	    {"help", no_argument, 0, 'h'},
	    {"version", no_argument, 0, O_VERSION},
	    {0, 0, 0, 0},
	};
	int c;
	uint64_t v;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_RUN:
			o.run_dir = optarg;
			break;
		case O_STDOUT:
			o.to_stdout = true;
			break;
		case O_LOG:
			o.log_path = optarg;
			break;
		case O_RSIZE:
			if (parse_size(optarg, &o.rotate_size) < 0)
				goto bad;
			break;
		case O_RKEEP:
			if (parse_size(optarg, &v) < 0 || v > 1000)
				goto bad;
			o.rotate_keep = (unsigned)v;
			break;
		case O_SOCK:
			o.sub_path = optarg;
			break;
		case O_SUBBUF:
			if (parse_size(optarg, &o.sub_buffer) < 0 || o.sub_buffer < 65536)
				goto bad;
			break;
		case O_KERNEL:
			if (strcmp(optarg, "all") == 0)
				o.kernel = VJD_KERNEL_ALL;
			else if (strcmp(optarg, "tenants") == 0)
				o.kernel = VJD_KERNEL_TENANTS;
			else if (strcmp(optarg, "off") == 0)
				o.kernel = VJD_KERNEL_OFF;
			else
				goto bad;
			break;
		case O_ENABLE:
			o.enable_audit = true;
			break;
		case O_FORMAT: {
			enum vj_audit_format f;
			if (vj_audit_format_parse(optarg, &f) < 0)
				goto bad;
			o.format = (int)f;
			break;
		}
		case 'h':
			fputs(usage, stdout);
			return VJD_EXIT_OK;
		case O_VERSION:
			printf("vmjaild %s\n", VMJAIL_VERSION);
			return VJD_EXIT_OK;
		default:
			goto usage_err;
		}
	}
	if (optind != argc)
		goto usage_err;
	return vjd_run(&o);
bad:
	fprintf(stderr, "vmjaild: bad value for --%s: %s\n", lo[c - O_RUN].name, optarg);
usage_err:
	fprintf(stderr, "Try 'vmjaild --help'.\n");
	return VJD_EXIT_USAGE;
}
