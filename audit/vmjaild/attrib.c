// SPDX-License-Identifier: Apache-2.0
/*
 * Which tenant did a kernel record come from?  Supervisors tell the daemon
 * each tenant's keys in their frames (cgroup id, VMM pid, audit session);
 * a kernel record is matched against them, strongest key first:
 *   apparmor-profile  the AppArmor profile confining the actor is the
 *                    tenant's (vj_kaudit_aa_tenant, the supervisor's rule too);
 *   ses              the VMM's own audit session, if the jailer gave it one:
 *                    inherited by every child, unchangeable without
 *                    CAP_AUDIT_CONTROL, and printed in every record;
 *   uid              the tenant's own uid (never 0);
 *   landlock-domain  a domain first seen with its creator's pid;
 *   pid / ppid       the VMM itself or a process it started;
 *   cgroup           /proc/<pid>/cgroup of a process still alive.
 * The record names how it was attributed (tenant.attribution), so a reader
 * can weigh a weak match.  A tenant whose supervisor said "cleaned" is kept
 * for a grace period: the kernel's last records about it may come late.
 */
#include "audit/vmjaild/vmjaild.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GRACE_S     60
#define MAX_TENANTS 65536

void vjd_attrib_init(struct vjd *d)
{
	/* The cgroup2 mount: /sys/fs/cgroup, or .../unified on hybrid hosts. */
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024];
	d->cgroup2_mnt[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		char mnt[512], fstype[64];
		const char *sep = strstr(line, " - ");
		if (!sep || sscanf(sep + 3, "%63s", fstype) != 1 || strcmp(fstype, "cgroup2") != 0)
			continue;
		size_t ml;
		if (sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1 &&
		    (ml = strlen(mnt)) < sizeof(d->cgroup2_mnt)) {
			memcpy(d->cgroup2_mnt, mnt, ml + 1);
			break;
		}
	}
	if (f)
		fclose(f);
}

static struct vjd_tenant *find_id(struct vjd *d, const char *id)
{
	for (size_t i = 0; i < d->ntenants; i++)
		if (strcmp(d->tenants[i].id, id) == 0)
			return &d->tenants[i];
	return NULL;
}

void vjd_attrib_frame(struct vjd *d, const struct vj_wire_hdr *h)
{
	if (!h->tenant_len || !(h->flags & (VJ_WIRE_F_BIND | VJ_WIRE_F_UNBIND)))
		return;
	char id[VJ_TENANT_MAX + 1];
	memcpy(id, h->tenant, h->tenant_len);
	id[h->tenant_len] = '\0';
	struct vjd_tenant *t = find_id(d, id);
	if (h->flags & VJ_WIRE_F_UNBIND) {
		if (t)
			t->expires = time(NULL) + GRACE_S;
		return;
	}
	if (!t) {
		if (d->ntenants >= MAX_TENANTS)
			return;
		if (d->ntenants == d->cap_tenants) {
			size_t nc = d->cap_tenants ? d->cap_tenants * 2 : 64;
			struct vjd_tenant *nt = realloc(d->tenants, nc * sizeof(*nt));
			if (!nt)
				return;
			d->tenants = nt;
			d->cap_tenants = nc;
		}
		t = &d->tenants[d->ntenants++];
		memset(t, 0, sizeof(*t));
		memcpy(t->id, id, sizeof(id));
		t->ses = t->uid = -1;
	}
	t->expires = 0;
	if (h->cgroup_id)
		t->cgroup_id = h->cgroup_id;
	if (h->pid > 0)
		t->pid = h->pid;
	if (h->ses > 0)
		t->ses = h->ses;
	if (h->uid > 0) /* never root: uid 0 is not a tenant's */
		t->uid = h->uid;
	if (h->vmm[0])
		memcpy(t->vmm, h->vmm, sizeof(t->vmm));
	if (h->policy[0])
		memcpy(t->policy, h->policy, sizeof(t->policy));
	if (h->policy_hash[0])
		memcpy(t->policy_hash, h->policy_hash, sizeof(t->policy_hash));
}

/* cgroup2 inode of a live process, 0 when unknown. */
static uint64_t pid_cgroup(struct vjd *d, int pid)
{
	char path[64], line[4096], full[4400];
	if (!d->cgroup2_mnt[0] || pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	FILE *f = fopen(path, "re");
	uint64_t id = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (strstr(line + 3, "/../") || strlen(line + 3) > 4000)
			break;
		struct stat st;
		snprintf(full, sizeof(full), "%s%s", d->cgroup2_mnt, line + 3);
		if (stat(full, &st) == 0)
			id = (uint64_t)st.st_ino;
		break;
	}
	if (f)
		fclose(f);
	return id;
}

static void remember_domain(struct vjd *d, uint64_t domain, const struct vjd_tenant *t)
{
	size_t cap = sizeof(d->domains) / sizeof(d->domains[0]);
	size_t i = d->next_domain++ % cap; /* oldest entry is overwritten */
	d->domains[i].domain = domain;
	memcpy(d->domains[i].id, t->id, sizeof(t->id));
	if (d->ndomains < cap)
		d->ndomains++;
}

const struct vjd_tenant *vjd_attrib_kernel(struct vjd *d, const struct vj_kaudit_attr *at,
                                           const char **how)
{
	struct vjd_tenant *hit = NULL;
	*how = NULL;
	if (!at)
		return NULL;
	for (size_t i = 0; i < d->ntenants && !hit && at->aa_label; i++)
		if (vj_kaudit_aa_tenant(at, d->tenants[i].id))
			hit = &d->tenants[i], *how = "apparmor-profile";
	if (!hit && at->ses > 0) {
		for (size_t i = 0; i < d->ntenants && !hit; i++)
			if (d->tenants[i].ses == at->ses)
				hit = &d->tenants[i], *how = "ses";
	}
	/* The jailer gives every tenant its own uid: strong, unless it could setuid. */
	for (size_t i = 0; i < d->ntenants && !hit && at->uid > 0; i++)
		if (d->tenants[i].uid == at->uid)
			hit = &d->tenants[i], *how = "uid";
	bool domain_known = false;
	if (!hit && at->landlock_domain) {
		for (size_t i = 0; i < d->ndomains && !hit; i++) {
			if (d->domains[i].domain != at->landlock_domain)
				continue;
			domain_known = true;
			if ((hit = find_id(d, d->domains[i].id)))
				*how = "landlock-domain";
		}
		for (size_t i = 0; i < d->ntenants && !hit && at->domain_pid > 0; i++)
			if (d->tenants[i].pid == at->domain_pid)
				hit = &d->tenants[i], *how = "landlock-domain";
	}
	for (size_t i = 0; i < d->ntenants && !hit && at->pid > 0; i++)
		if (d->tenants[i].pid == at->pid)
			hit = &d->tenants[i], *how = "pid";
	for (size_t i = 0; i < d->ntenants && !hit && at->ppid > 0; i++)
		if (d->tenants[i].pid == at->ppid)
			hit = &d->tenants[i], *how = "ppid";
	if (!hit && at->pid > 0) {
		uint64_t cg = pid_cgroup(d, at->pid);
		for (size_t i = 0; i < d->ntenants && !hit && cg; i++)
			if (d->tenants[i].cgroup_id == cg)
				hit = &d->tenants[i], *how = "cgroup";
	}
	/* Later denials of this domain may come without its creator's pid. */
	if (hit && at->landlock_domain && !domain_known) {
		bool seen = false;
		for (size_t i = 0; i < d->ndomains && !seen; i++)
			seen = d->domains[i].domain == at->landlock_domain;
		if (!seen)
			remember_domain(d, at->landlock_domain, hit);
	}
	return hit;
}

void vjd_attrib_expire(struct vjd *d, time_t now)
{
	for (size_t i = 0; i < d->ntenants;) {
		if (d->tenants[i].expires && d->tenants[i].expires <= now)
			d->tenants[i] = d->tenants[--d->ntenants];
		else
			i++;
	}
}

void vjd_attrib_free(struct vjd *d)
{
	free(d->tenants);
	d->tenants = NULL;
	d->ntenants = d->cap_tenants = 0;
}
