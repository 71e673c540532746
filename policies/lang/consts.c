// SPDX-License-Identifier: Apache-2.0
#include "policies/lang/consts.h"

#include <stdlib.h>
#include <string.h>

/* The generated table and the headers it was generated from. */
#include "vj_consts.h"

#define NCONSTS (sizeof(vj_const_defs) / sizeof(vj_const_defs[0]))
#define NERRNOS (sizeof(vj_errno_names) / sizeof(vj_errno_names[0]))

const char *const vj_ioctl_prefixes[] = {"KVM_", "TUN", "VHOST_", "VFIO_",   "SIOC",
                                         "TIOC", "TC",  "FIO",    "UFFDIO_", NULL};

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct vj_const_def *)elem)->name);
}

static const struct vj_const_def *find(const char *name)
{
	return bsearch(name, vj_const_defs, NCONSTS, sizeof(vj_const_defs[0]), cmp_name);
}

bool vj_const_lookup(const char *name, uint64_t *value)
{
	const struct vj_const_def *d = find(name);

	if (!d)
		return false;
	*value = d->value;
	return true;
}

int vj_errno_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < NERRNOS; i++) {
		if (strcmp(vj_errno_names[i], name) == 0) {
			const struct vj_const_def *d = find(name);
			if (d && d->value >= 1 && d->value <= 4095)
				return (int)d->value;
			return -1;
		}
	}
	return -1;
}

static bool errno_alias(const char *name)
{
	return strcmp(name, "EWOULDBLOCK") == 0 || strcmp(name, "EDEADLOCK") == 0 ||
	       strcmp(name, "ENOTSUP") == 0;
}

const char *vj_errno_name(int errnum)
{
	const char *alias = NULL;
	size_t i;

	/* Prefer the canonical name (EAGAIN) over its alias (EWOULDBLOCK). */
	for (i = 0; i < NERRNOS; i++) {
		const struct vj_const_def *d = find(vj_errno_names[i]);
		if (!d || d->value != (uint64_t)errnum)
			continue;
		if (!errno_alias(vj_errno_names[i]))
			return vj_errno_names[i];
		alias = vj_errno_names[i];
	}
	return alias;
}

static bool has_prefix(const char *const *prefixes, const char *name)
{
	if (!prefixes)
		return true;
	for (; *prefixes; prefixes++)
		if (strncmp(name, *prefixes, strlen(*prefixes)) == 0)
			return true;
	return false;
}

/* Old spellings of a value that has a better-known name: never print these
 * when the other name exists (AF_UNIX, not AF_FILE).  Also the names that
 * share a value with the one a reader means: fcntl's lock types and its
 * F_LINUX_SPECIFIC_BASE (F_UNLCK is F_SETFD, F_EXLCK F_SETFL), a futex
 * limit (FUTEX_WAITV_MAX is FUTEX_WAIT_PRIVATE). */
static bool alias(const char *name)
{
	static const char *const a[] = {"AF_FILE",
	                                "AF_LOCAL",
	                                "AF_ROUTE",
	                                "PF_FILE",
	                                "PF_LOCAL",
	                                "PF_ROUTE",
	                                "MAP_ANON",
	                                "O_NDELAY",
	                                "O_FSYNC",
	                                "O_RSYNC",
	                                "EWOULDBLOCK",
	                                "EDEADLOCK",
	                                "ENOTSUP",
	                                "SIGIOT",
	                                "SIGPOLL",
	                                "SIGCLD",
	                                "FIOQSIZE",
	                                "SIOCINQ",
	                                "TIOCINQ",
	                                "SIOCOUTQ",
	                                "F_SEAL_SEAL",
	                                "F_SEAL_SHRINK",
	                                "F_SEAL_GROW",
	                                "F_SEAL_WRITE",
	                                "F_SEAL_FUTURE_WRITE",
	                                "F_RDLCK",
	                                "F_WRLCK",
	                                "F_UNLCK",
	                                "F_EXLCK",
	                                "F_SHLCK",
	                                "F_LINUX_SPECIFIC_BASE",
	                                "FUTEX_WAITV_MAX",
	                                NULL};
	/* prctl's sub-operations share the options' small numbers
	 * (PR_SET_MM_MAP_SIZE is PR_SET_NAME): the option is named first. */
	static const char *const sub[] = {"PR_SET_MM_",
	                                  "PR_CAP_AMBIENT_",
	                                  "PR_SCHED_CORE_",
	                                  "PR_SPEC_",
	                                  "PR_MTE_",
	                                  "PR_FP_MODE_",
	                                  "PR_FPEMU_",
	                                  "PR_FP_EXC_",
	                                  "PR_TIMING_",
	                                  "PR_ENDIAN_",
	                                  "PR_MCE_KILL_",
	                                  "PR_UNALIGN_",
	                                  "PR_TSC_",
	                                  "PR_PAC_",
	                                  "PR_SME_",
	                                  "PR_SVE_",
	                                  "PR_TAGGED_ADDR_",
	                                  "PR_MDWE_",
	                                  "PR_SET_VMA_",
	                                  "PR_PPC_",
	                                  "PR_RISCV_",
	                                  "PR_SHADOW_STACK_",
	                                  "PR_FUTEX_HASH_",
	                                  "PR_PMLEN_",
	                                  "PR_SYS_DISPATCH_",
	                                  "PR_SET_PTRACER_ANY",
	                                  NULL};

	for (size_t i = 0; a[i]; i++)
		if (strcmp(a[i], name) == 0)
			return true;
	return has_prefix(sub, name);
}

bool vj_const_is_alias(const char *name)
{
	return alias(name);
}

size_t vj_const_names(const char *const *prefixes, uint64_t value, const char **out, size_t max)
{
	size_t i, n = 0;

	/* Preferred names first, then aliases. */
	for (i = 0; i < NCONSTS; i++) {
		if (vj_const_defs[i].value != value ||
		    !has_prefix(prefixes, vj_const_defs[i].name) || alias(vj_const_defs[i].name))
			continue;
		if (n < max)
			out[n] = vj_const_defs[i].name;
		n++;
	}
	for (i = 0; i < NCONSTS; i++) {
		if (vj_const_defs[i].value != value ||
		    !has_prefix(prefixes, vj_const_defs[i].name) || !alias(vj_const_defs[i].name))
			continue;
		if (n < max)
			out[n] = vj_const_defs[i].name;
		n++;
	}
	return n;
}

const char *vj_const_name(const char *const *prefixes, uint64_t value)
{
	const char *name = NULL;

	vj_const_names(prefixes, value, &name, 1);
	return name;
}

const struct vj_const_def *vj_const_table(size_t *n)
{
	*n = NCONSTS;
	return vj_const_defs;
}
