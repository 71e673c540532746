// SPDX-License-Identifier: Apache-2.0
/* vmjail-policy compile: the policy's seccomp program as raw BPF. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "policies/compile/seccomp.h"
#include "policies/tool/tool.h"

static const char help[] =
    "usage: vmjail-policy compile [-o OUT] [--text] FILE\n"
    "\n"
    "Compile the policy's seccomp layer (x86_64; every other architecture,\n"
    "i386 and x32 entry killed) and write the program as a raw array of\n"
    "struct sock_filter (8 bytes per instruction, host byte order): the\n"
    "format seccomp(2) and `bwrap --seccomp FD` take.  The instruction count\n"
    "goes to stderr.\n"
    "\n"
    "  -o, --output OUT  write to OUT (default: stdout, refused on a terminal)\n"
    "  --text            one instruction per line ({code, jt, jf, k}) instead\n"
    "\n" EXIT_CODES_HELP;

int cmd_compile(int argc, char **argv)
{
	static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
	                                     {"text", no_argument, NULL, 't'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *out = NULL;
	bool text = false;
	struct vj_policy *p;
	struct vj_bpf_prog prog = {0};
	struct vj_err e = {0};
	int c, rc, fd = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:th", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 't':
			text = true;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return tool_usage_error("compile", "bad option");
		}
	}
	if (argc - optind != 1)
		return tool_usage_error("compile", "expected one FILE");
	if (!out && !text && isatty(1))
		return tool_usage_error("compile",
		                        "refusing to write binary BPF to a terminal; use -o");
	rc = tool_load(argv[optind], &p, NULL, false);
	if (rc)
		return rc;
	if (vj_seccomp_compile(&p->seccomp, &prog, &e) < 0) {
		char buf[600];
		fprintf(stderr, "vmjail-policy compile: %s: %s\n", argv[optind],
		        vj_err_str(&e, buf, sizeof(buf)));
		vj_policy_free(p);
		return EXIT_FINDINGS;
	}
	if (out) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			fprintf(stderr, "vmjail-policy compile: %s: %s\n", out, strerror(errno));
			rc = EXIT_IO;
			goto done;
		}
	}
	if (text) {
		FILE *f = fdopen(fd, "w");
		if (!f) {
			rc = EXIT_IO;
			goto done;
		}
		for (size_t i = 0; i < prog.len; i++)
			fprintf(f, "{ 0x%04x, %3u, %3u, 0x%08x },\n", prog.insns[i].code,
			        prog.insns[i].jt, prog.insns[i].jf, prog.insns[i].k);
		if (fclose(f) != 0)
			rc = EXIT_IO;
		fd = -1;
	} else {
		const char *b = (const char *)prog.insns;
		size_t left = prog.len * sizeof(prog.insns[0]);
		while (left) {
			ssize_t w = write(fd, b, left);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				fprintf(stderr, "vmjail-policy compile: write: %s\n",
				        strerror(errno));
				rc = EXIT_IO;
				break;
			}
			b += w;
			left -= (size_t)w;
		}
		if (out && close(fd) < 0 && !rc)
			rc = EXIT_IO;
		fd = -1;
	}
	if (!rc)
		fprintf(stderr, "%s: %zu BPF instructions\n", argv[optind], prog.len);
done:
	if (out && fd > 1)
		close(fd);
	vj_bpf_prog_free(&prog);
	vj_policy_free(p);
	return rc;
}
