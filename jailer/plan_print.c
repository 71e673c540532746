// SPDX-License-Identifier: Apache-2.0
/* --dry-run: the plan, exactly as a launch would carry it out. */
#include <inttypes.h>
#include <string.h>

#include "jailer/jsonout.h"
#include "jailer/plan.h"

static const char *mount_kind(enum vj_mount_kind k)
{
	switch (k) {
	case VJ_MNT_BIND_RO:
		return "ro";
	case VJ_MNT_BIND_RW:
		return "rw";
	case VJ_MNT_DIR_SELF:
		return "tenant-dir";
	}
	return "?";
}

static void print_text(const struct vj_plan *p, FILE *out)
{
	fprintf(out, "jail %s (%s)\n", p->cli->id, p->exec_base);
	fprintf(out, "  policy      %s (%s, sha256 %s)\n", p->policy->name, p->policy_source,
	        p->policy_hash);
	fprintf(out, "  exec        %s -> %s (copy, root-owned 0755)\n", p->exec_host,
	        p->exec_jail);
	fprintf(out, "  jail dir    %s\n", p->jail_dir);
	fprintf(out, "  root        %s\n", p->root_dir);
	fprintf(out, "  tenant      uid %u gid %u, no supplementary groups, no capabilities\n",
	        (unsigned)p->uid, (unsigned)p->gid);
	fprintf(out, "  namespaces  mnt ipc uts cgroup net(%s)%s\n",
	        p->netns ? p->netns : "new, empty", p->pidns ? " pid (the VMM is pid 1)" : "");
	fprintf(out, "  linking     %s\n",
	        p->deps.is_static   ? "static"
	        : p->deps.interp[0] ? p->deps.interp
	                            : "dynamic");
	for (size_t i = 0; i < p->nmounts; i++)
		fprintf(out, "  mount       %-10s %s%s%s\n", mount_kind(p->mounts[i].kind),
		        p->mounts[i].dst, p->mounts[i].src[0] ? " <- " : "", p->mounts[i].src);
	for (int d = 0; d < VJ_DEV__COUNT; d++)
		if (p->devices & (1u << d)) {
			const struct vj_devinfo *di = vj_dev_info((enum vj_dev)d);
			fprintf(out, "  device      %s (%u:%u) %u:%u 0600\n", di->path, di->major,
			        di->minor, (unsigned)p->uid, (unsigned)p->gid);
		}
	if (p->mount_proc)
		fprintf(out, "  mount       proc       /proc (hidepid=invisible)\n");
	if (p->mount_sys)
		fprintf(out, "  mount       sysfs      /sys (read-only)\n");
	fprintf(out, "  cgroups     v%d, parent %s\n", p->cg.version, p->cg.parent);
	for (unsigned i = 0; i < p->cg.ndirs; i++) {
		char path[PATH_MAX + 300];
		vj_cg_dir_path(&p->cg, i, path, sizeof(path));
		fprintf(out, "  cgroup dir  %s%s\n", path,
		        p->cg.dirs[i].v2 ? " (cgroup2 leaf)" : "");
	}
	for (unsigned i = 0; i < p->cg.nwrites; i++)
		fprintf(out, "  cgroup set  %s = %s\n", p->cg.writes[i].file,
		        p->cg.writes[i].value);
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		if (!p->rlimits[i].set)
			continue;
		char cur[24], max[24];
		vj_fmt(cur, sizeof(cur), "%" PRIu64, p->rlimits[i].cur);
		vj_fmt(max, sizeof(max), "%" PRIu64, p->rlimits[i].max);
		fprintf(out, "  rlimit      %s %s %s\n", vj_rlimit_name(i),
		        p->rlimits[i].cur == RLIM_INFINITY ? "unlimited" : cur,
		        p->rlimits[i].max == RLIM_INFINITY ? "unlimited" : max);
	}
	for (int i = 0; i < VJ_LAYER__COUNT; i++) {
		const struct vj_layer_decision *d = &p->layer[i];
		fprintf(out, "  layer       %-13s %-12s %s%s\n", vj_layer_name((enum vj_layer)i),
		        vj_req_name(d->req),
		        d->apply               ? "apply"
		        : d->req == VJ_REQ_OFF ? "off"
		                               : "skip: ",
		        d->apply || d->req == VJ_REQ_OFF ? "" : d->probe.reason);
	}
	for (int i = 0; i < VJ_LAYER__COUNT; i++) {
		const struct vj_layer_ops *ops = vj_layers[i];
		if (ops && ops->describe && p->layer[ops->id].apply) {
			fprintf(out, "    ");
			ops->describe(p, out);
		}
	}
	fprintf(out, "  fds at exec 0 1 2");
	for (unsigned i = 0; i < p->nkeep_fds; i++)
		fprintf(out, " %d", p->keep_fds[i]);
	fprintf(out, "\n  environment (empty)\n  argv       ");
	for (char **a = p->vmm_argv; *a; a++)
		fprintf(out, " %s", *a);
	fprintf(out, "\n  ttl         %s", p->ttl_sec ? "" : "none");
	if (p->ttl_sec)
		fprintf(out, "%" PRId64 " s", p->ttl_sec);
	fprintf(out, "\n");
}

static void print_json(const struct vj_plan *p, FILE *out)
{
	fprintf(out, "{\"id\":");
	vj_json_str(out, p->cli->id);
	fprintf(out, ",\"vmm\":");
	vj_json_str(out, p->exec_base);
	fprintf(out, ",\"policy\":{\"name\":");
	vj_json_str(out, p->policy->name);
	fprintf(out, ",\"source\":");
	vj_json_str(out, p->policy_source);
	fprintf(out, ",\"sha256\":\"%s\"},\"exec\":", p->policy_hash);
	vj_json_str(out, p->exec_host);
	fprintf(out, ",\"root\":");
	vj_json_str(out, p->root_dir);
	fprintf(out, ",\"uid\":%u,\"gid\":%u,\"pidns\":%s,\"netns\":", (unsigned)p->uid,
	        (unsigned)p->gid, p->pidns ? "true" : "false");
	if (p->netns)
		vj_json_str(out, p->netns);
	else
		fprintf(out, "null");
	fprintf(out, ",\"mounts\":[");
	for (size_t i = 0; i < p->nmounts; i++) {
		fprintf(out, "%s{\"kind\":\"%s\",\"dst\":", i ? "," : "",
		        mount_kind(p->mounts[i].kind));
		vj_json_str(out, p->mounts[i].dst);
		fprintf(out, ",\"src\":");
		vj_json_str(out, p->mounts[i].src);
		fprintf(out, "}");
	}
	fprintf(out, "],\"devices\":[");
	int first = 1;
	for (int d = 0; d < VJ_DEV__COUNT; d++)
		if (p->devices & (1u << d)) {
			fprintf(out, "%s", first ? "" : ",");
			vj_json_str(out, vj_dev_info((enum vj_dev)d)->path);
			first = 0;
		}
	fprintf(out, "],\"cgroup\":{\"version\":%d,\"dirs\":[", p->cg.version);
	for (unsigned i = 0; i < p->cg.ndirs; i++) {
		char path[PATH_MAX + 300];
		vj_cg_dir_path(&p->cg, i, path, sizeof(path));
		fprintf(out, "%s", i ? "," : "");
		vj_json_str(out, path);
	}
	fprintf(out, "],\"set\":{");
	for (unsigned i = 0; i < p->cg.nwrites; i++) {
		fprintf(out, "%s", i ? "," : "");
		vj_json_str(out, p->cg.writes[i].file);
		fprintf(out, ":");
		vj_json_str(out, p->cg.writes[i].value);
	}
	fprintf(out, "}},\"rlimits\":{");
	first = 1;
	for (int i = 0; i < RLIM_NLIMITS; i++)
		if (p->rlimits[i].set) {
			fprintf(out, "%s\"%s\":[%" PRIu64 ",%" PRIu64 "]", first ? "" : ",",
			        vj_rlimit_name(i), p->rlimits[i].cur, p->rlimits[i].max);
			first = 0;
		}
	fprintf(out, "},\"layers\":{");
	for (int i = 0; i < VJ_LAYER__COUNT; i++) {
		const struct vj_layer_decision *d = &p->layer[i];
		fprintf(out,
		        "%s\"%s\":{\"requirement\":\"%s\",\"apply\":%s,\"reason\":", i ? "," : "",
		        vj_layer_name((enum vj_layer)i), vj_req_name(d->req),
		        d->apply ? "true" : "false");
		vj_json_str(out, d->apply ? "" : d->probe.reason);
		fprintf(out, "}");
	}
	fprintf(out, "},\"seccomp_insns\":%zu,\"ttl_sec\":%" PRId64 ",\"argv\":[", p->seccomp.len,
	        p->ttl_sec);
	for (char **a = p->vmm_argv; *a; a++) {
		fprintf(out, "%s", a == p->vmm_argv ? "" : ",");
		vj_json_str(out, *a);
	}
	fprintf(out, "]}\n");
}

void vj_plan_print(const struct vj_plan *p, FILE *out, bool json)
{
	if (json)
		print_json(p, out);
	else
		print_text(p, out);
}
