/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libvmjail: vmjail as a library.  The vmjail binary is main() calling
 * vmjail_main() of this library: one code path for both.
 *
 * Build with:  cc prog.c $(pkg-config --cflags --libs vmjail)
 *
 * Every call runs as root (vmjail makes namespaces, cgroups, device nodes),
 * returns what the vmjail command returns (docs/vmjail.8, EXIT STATUS), and
 * prints its errors on stderr.  A launch blocks until the VMM has ended and
 * its jail is cleaned, unless .daemonize is set.  The functions touch the
 * calling process as the command would (signal mask, file descriptors above
 * 2 closed before the VMM starts, environment cleared): call them from a
 * process (or a forked child) dedicated to the jail.
 */
#ifndef VMJAIL_H
#define VMJAIL_H

#ifdef __cplusplus
extern "C" {
#endif

#define VMJAIL_API_VERSION 1

/* "0.1.0": the library's version (VERSION). */
const char *vmjail_version(void);

/* The vmjail command: argv[0] is a program name, the rest its flags. */
int vmjail_main(int argc, char **argv);

struct vmjail_launch {
	const char *id;              /* required: 1-64 of [A-Za-z0-9-] */
	const char *exec_file;       /* required: the VMM binary */
	unsigned uid, gid;           /* required: the tenant, not 0 */
	const char *policy;          /* NULL: the built-in default policy */
	const char *base_dir;        /* NULL: /srv/jailer */
	const char *audit_log;       /* NULL: none; "-": stdout; else a file */
	const char *run_dir;         /* NULL: /run/vmjail (or $VMJAIL_RUN_DIR) */
	const char *ttl;             /* NULL: 8h; "90s", "30m", "none" */
	int daemonize;               /* return once the VMM runs */
	const char *const *binds;    /* NULL-terminated "SRC[:DST[:ro|rw]]" list, or NULL */
	const char *const *vmm_args; /* NULL-terminated VMM arguments, or NULL */
};

/* Jail and run one VMM; returns its exit status (or 64, 125, 126). */
int vmjail_launch(const struct vmjail_launch *l);

/* A running jail, by id, exec file and base dir (as given at launch;
 * base_dir NULL: /srv/jailer).  0 on success, 1 on failure, 64 usage. */
int vmjail_pause(const char *id, const char *exec_file, const char *base_dir);
int vmjail_resume(const char *id, const char *exec_file, const char *base_dir);
int vmjail_suspend(const char *id, const char *exec_file, const char *base_dir);
int vmjail_kill(const char *id, const char *exec_file, const char *base_dir);

#ifdef __cplusplus
}
#endif

#endif
