// SPDX-License-Identifier: Apache-2.0
/*
 * The layer registry and `vmjail --probe`.
 *
 * Probes run canaries (fork, cgroups, BPF), a few milliseconds each, so a
 * launch reuses the results of this boot from <run dir>/probe.cache.  The
 * cache is root's (0600, checked) and keyed by vmjail's version and build ID,
 * the boot id and the kernel release: what a kernel can enforce does not
 * change while it runs, but what a probe proves changes with the binary
 * (a rebuilt vmjail may probe a layer another build never had).  `--probe`
 * always probes afresh and rewrites it; a dry run never writes it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "jailer/hostdirs.h"
#include "jailer/jsonout.h"
#include "jailer/layer.h"
#include "jailer/plan.h"
#include "policies/compile/build_id.h"

const struct vj_layer_ops *const vj_layers[VJ_LAYER__COUNT] = {
    &vj_layer_cgroup_limits, &vj_layer_cgroup_bpf, &vj_layer_bpf_lsm, &vj_layer_apparmor,
    &vj_layer_landlock,      &vj_layer_exec_once,  &vj_layer_seccomp,
};

const struct vj_layer_ops *vj_layer_ops(enum vj_layer id)
{
	for (int i = 0; i < VJ_LAYER__COUNT; i++)
		if (vj_layers[i] && vj_layers[i]->id == id)
			return vj_layers[i];
	return NULL;
}

static void boot_key(char *buf, size_t len)
{
	char boot[64] = "";
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, boot, sizeof(boot) - 1);
		boot[n > 0 ? n : 0] = '\0';
		boot[strcspn(boot, "\n")] = '\0';
		close(fd);
	}
	struct utsname u;
	uname(&u);
	char bid[130];
	vj_build_id_hex(bid, sizeof(bid));
	vj_fmt(buf, len, "%s %s %s %s", VMJAIL_VERSION, bid, boot, u.release);
}

/* Fields are separated by '\t'; reasons never contain tabs or newlines. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if (*s == '\t' || *s == '\n' || (unsigned char)*s < 0x20)
			*s = ' ';
}

static void cache_path(char *buf, size_t len)
{
	vj_fmt(buf, len, "%s/probe.cache", vj_run_dir());
}

static int cache_read(struct vj_probe out[VJ_LAYER__COUNT])
{
	char path[PATH_MAX];
	cache_path(path, sizeof(path));
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 077) || !S_ISREG(st.st_mode) ||
	    st.st_size > 16384) {
		close(fd);
		return -EPERM;
	}
	char buf[16384 + 1];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	buf[n] = '\0';
	char key[512];
	boot_key(key, sizeof(key));
	char *save = NULL;
	char *line = strtok_r(buf, "\n", &save);
	if (!line || strcmp(line, key) != 0)
		return -ESTALE;
	unsigned seen = 0;
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *f[4];
		char *s2 = NULL;
		int nf = 0;
		for (char *t = strtok_r(line, "\t", &s2); t && nf < 4;
		     t = strtok_r(NULL, "\t", &s2))
			f[nf++] = t;
		if (nf < 2)
			return -EINVAL;
		int id = vj_layer_from_name(f[0]);
		if (id < 0)
			return -EINVAL;
		memset(&out[id], 0, sizeof(out[id]));
		out[id].available = strcmp(f[1], "1") == 0;
		if (nf > 2)
			vj_fmt(out[id].features, sizeof(out[id].features), "%s",
			       strcmp(f[2], "-") ? f[2] : "");
		if (nf > 3)
			vj_fmt(out[id].reason, sizeof(out[id].reason), "%s",
			       strcmp(f[3], "-") ? f[3] : "");
		seen |= 1u << id;
	}
	return seen == (1u << VJ_LAYER__COUNT) - 1 ? 0 : -EINVAL;
}

static void cache_write(const struct vj_probe in[VJ_LAYER__COUNT])
{
	if (mkdir(vj_run_dir(), 0755) < 0 && errno != EEXIST)
		return;
	char path[PATH_MAX], tmp[PATH_MAX];
	cache_path(path, sizeof(path));
	vj_fmt(tmp, sizeof(tmp), "%s.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return;
	char key[512];
	boot_key(key, sizeof(key));
	dprintf(fd, "%s\n", key);
	for (int i = 0; i < VJ_LAYER__COUNT; i++) {
		struct vj_probe p = in[i];
		sanitize(p.features);
		sanitize(p.reason);
		dprintf(fd, "%s\t%d\t%s\t%s\n", vj_layer_name((enum vj_layer)i), p.available,
		        p.features[0] ? p.features : "-", p.reason[0] ? p.reason : "-");
	}
	fchmod(fd, 0600);
	close(fd);
	if (rename(tmp, path) < 0)
		unlink(tmp);
}

int vj_probe_all(struct vj_probe out[VJ_LAYER__COUNT], bool use_cache, bool write_cache)
{
	if (use_cache && cache_read(out) == 0)
		return 0;
	for (int i = 0; i < VJ_LAYER__COUNT; i++) {
		const struct vj_layer_ops *ops = vj_layer_ops((enum vj_layer)i);
		memset(&out[i], 0, sizeof(out[i]));
		if (!ops || !ops->probe) {
			vj_fmt(out[i].reason, sizeof(out[i].reason), "not built into this vmjail");
			continue;
		}
		int rc = ops->probe(&out[i]);
		if (rc < 0) {
			out[i].available = false;
			vj_fmt(out[i].reason, sizeof(out[i].reason), "probe failed: %s",
			       strerror(-rc));
		}
	}
	if (write_cache)
		cache_write(out);
	return 0;
}

int vj_probe_print(FILE *out, bool json)
{
	struct vj_probe p[VJ_LAYER__COUNT];
	vj_probe_all(p, false, true);
	if (json) {
		fprintf(out, "{\"layers\":[");
		for (int i = 0; i < VJ_LAYER__COUNT; i++) {
			fprintf(out, "%s{\"layer\":", i ? "," : "");
			vj_json_str(out, vj_layer_name((enum vj_layer)i));
			fprintf(out, ",\"available\":%s,\"features\":",
			        p[i].available ? "true" : "false");
			vj_json_str(out, p[i].features);
			fprintf(out, ",\"reason\":");
			vj_json_str(out, p[i].reason);
			fputc('}', out);
		}
		fprintf(out, "]}\n");
		return 0;
	}
	fprintf(out, "%-14s %-11s %s\n", "LAYER", "AVAILABLE", "DETAILS");
	for (int i = 0; i < VJ_LAYER__COUNT; i++)
		fprintf(out, "%-14s %-11s %s\n", vj_layer_name((enum vj_layer)i),
		        p[i].available ? "yes" : "no",
		        p[i].available ? p[i].features : p[i].reason);
	return 0;
}
