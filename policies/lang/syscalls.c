// SPDX-License-Identifier: Apache-2.0
/* Syscall names <-> x86_64 numbers through libseccomp's tables, the same ones
 * the compiler uses, so a name cannot mean one number here and another there;
 * for syscalls newer than libseccomp's table (mseal, listmount, the *xattrat
 * calls...), the table generated at build time from the kernel headers and
 * policies/lang/syscalls-newer.txt (gen-syscalls.sh).  A policy may also
 * name a syscall by its number. */
#include "policies/lang/syscalls.h"

#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vj_syscalls.h"

static int table_nr(const char *name)
{
	for (size_t i = 0; i < sizeof(vj_syscall_table) / sizeof(vj_syscall_table[0]); i++)
		if (strcmp(vj_syscall_table[i].name, name) == 0)
			return vj_syscall_table[i].nr;
	return -1;
}

static const char *table_name(int nr)
{
	for (size_t i = 0; i < sizeof(vj_syscall_table) / sizeof(vj_syscall_table[0]); i++)
		if (vj_syscall_table[i].nr == nr)
			return vj_syscall_table[i].name;
	return NULL;
}

/* A syscall given by number: decimal digits, no sign, below the table's end. */
static int number(const char *s)
{
	long v = 0;

	if (!*s || strlen(s) > 4)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (s[0] == '0' && s[1])
		return -1; /* one spelling per number */
	return v < VJ_SYSCALL_NR_MAX ? (int)v : -1;
}

int vj_syscall_nr(const char *name)
{
	int nr = number(name);

	if (nr >= 0)
		return nr;
	nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name);
	/* Negative numbers are libseccomp's pseudo-syscalls (socketcall...),
	 * which do not exist on x86_64. */
	return nr < 0 ? table_nr(name) : nr;
}

const char *vj_syscall_name(int nr, char *buf, size_t len)
{
	char *s;

	if (nr < 0 || nr >= VJ_SYSCALL_NR_MAX)
		return NULL;
	s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
	if (!s) {
		const char *t = table_name(nr);
		if (!t)
			return NULL;
		snprintf(buf, len, "%s", t);
		return buf;
	}
	snprintf(buf, len, "%s", s);
	free(s);
	return buf;
}
