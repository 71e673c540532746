// SPDX-License-Identifier: Apache-2.0
/* Syscall names <-> x86_64 numbers through libseccomp's tables, the same ones
 * the compiler uses, so a name cannot mean one number here and another there. */
#include "policies/lang/syscalls.h"

#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vj_syscall_nr(const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name);

	/* Negative numbers are libseccomp's pseudo-syscalls (socketcall...),
	 * which do not exist on x86_64. */
	return nr < 0 ? -1 : nr;
}

const char *vj_syscall_name(int nr, char *buf, size_t len)
{
	char *s;

	if (nr < 0 || nr >= VJ_SYSCALL_NR_MAX)
		return NULL;
	s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
	if (!s)
		return NULL;
	snprintf(buf, len, "%s", s);
	free(s);
	return buf;
}
