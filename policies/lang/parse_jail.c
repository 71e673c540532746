// SPDX-License-Identifier: Apache-2.0
/* Jail statements: namespace, mount, device, bind, dir, cgroup, rlimit. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policies/lang/consts.h"
#include "policies/lang/parse.h"
#include "policies/lang/syscalls.h"

void vj_p_st_namespace(struct cur *c)
{
	bool v;

	if (vj_p_is_word(c, 1, "user")) {
		if (vj_p_on_off(c, 2, &v) && vj_p_set_once(c, 1, &c->ps->ns_user, "namespace user"))
			c->ps->p->userns = v;
	} else if (vj_p_is_word(c, 1, "pid")) {
		if (vj_p_on_off(c, 2, &v) && vj_p_set_once(c, 1, &c->ps->ns_pid, "namespace pid"))
			c->ps->p->pidns = v;
	} else if (vj_p_need(c, 1, "namespace name")) {
		vj_p_perr(c, 1, "unknown namespace %s (expected 'user' or 'pid')", ESC(c, 1));
	}
}

void vj_p_st_mount(struct cur *c)
{
	bool v;

	if (vj_p_is_word(c, 1, "proc")) {
		if (vj_p_on_off(c, 2, &v) && vj_p_set_once(c, 1, &c->ps->mnt_proc, "mount proc"))
			c->ps->p->mount_proc = v;
	} else if (vj_p_is_word(c, 1, "sys")) {
		if (vj_p_on_off(c, 2, &v) && vj_p_set_once(c, 1, &c->ps->mnt_sys, "mount sys"))
			c->ps->p->mount_sys = v;
	} else if (vj_p_need(c, 1, "filesystem")) {
		vj_p_perr(c, 1, "unknown mount %s (expected 'proc' or 'sys')", ESC(c, 1));
	}
}

void vj_p_st_device(struct cur *c)
{
	size_t i;

	if (!vj_p_need(c, 1, "device name"))
		return;
	for (i = 1; i < c->n; i++) {
		const char *w = vj_p_word(c, i);
		int d = w ? vj_dev_from_name(w) : -1;
		if (d < 0) {
			vj_p_perr(
			    c, i,
			    "unknown device %s (devices: kvm net/tun vhost-net vhost-vsock urandom "
			    "random null zero full userfaultfd)",
			    ESC(c, i));
			continue;
		}
		if (vj_p_set_once(c, i, &c->ps->dev[d], "this device"))
			c->ps->p->devices |= 1u << d;
	}
}

void vj_p_st_bind(struct cur *c)
{
	struct vj_policy *p = c->ps->p;
	struct vj_bind *b;
	bool rw;
	char *src, *dst = NULL;
	size_t i = 3, dst_at = 2;
	bool optional = false;

	if (vj_p_is_word(c, 1, "rw"))
		rw = true;
	else if (vj_p_is_word(c, 1, "ro"))
		rw = false;
	else {
		if (vj_p_need(c, 1, "'ro' or 'rw'"))
			vj_p_perr(c, 1, "expected 'ro' or 'rw', got %s", ESC(c, 1));
		return;
	}
	src = vj_p_parse_path(c, 2, "bind source");
	if (!src)
		return;
	if (i < c->n && !vj_p_is_word(c, i, "optional")) {
		dst_at = i;
		dst = vj_p_parse_path(c, i, "bind destination");
		if (!dst)
			goto fail;
		i++;
	}
	if (vj_p_is_word(c, i, "optional")) {
		optional = true;
		i++;
	}
	if (!vj_p_end_at(c, i))
		goto fail;
	if (!dst && !(dst = strdup(src))) {
		vj_p_perr(c, 2, "out of memory");
		goto fail;
	}
	if (strcmp(dst, "/") == 0) {
		vj_p_perr(c, dst_at, "cannot bind over the jail's root directory");
		goto fail;
	}
	for (size_t k = 0; k < p->nbinds; k++) {
		if (strcmp(p->binds[k].dst, dst) == 0) {
			char f[128];
			vj_escape(f, sizeof(f), p->binds[k].loc.file, strlen(p->binds[k].loc.file));
			vj_p_perr(c, 2, "%s is already bound at %s:%u", dst, f,
			          p->binds[k].loc.line);
			goto fail;
		}
	}
	b = vj_p_grow(c, (void **)&p->binds, &p->nbinds, sizeof(*b), "binds");
	if (!b)
		goto fail;
	b->src = src;
	b->dst = dst;
	b->writable = rw;
	b->optional = optional;
	b->loc = vj_p_loc_at(c, 0);
	return;
fail:
	free(src);
	free(dst);
}

void vj_p_st_dir(struct cur *c)
{
	struct vj_policy *p = c->ps->p;
	struct vj_dir *d;
	char *path = vj_p_parse_path(c, 1, "directory");
	uint64_t size = 0, inodes = 0;
	size_t i = 2;

	if (!path)
		return;
	/* dir PATH [size SIZE] [inodes N]: the bounds of its tmpfs */
	for (; i + 1 < c->n; i += 2) {
		if (vj_p_is_word(c, i, "size") && !size) {
			if (!vj_p_parse_size(c, i + 1, "dir size", &size))
				goto fail;
			if (size < (64ULL << 10) || size > (1ULL << 40)) {
				vj_p_perr(c, i + 1, "dir size must be from 64K to 1T");
				goto fail;
			}
		} else if (vj_p_is_word(c, i, "inodes") && !inodes) {
			if (!vj_p_parse_uint(c, i + 1, 16, 1u << 24, "dir inodes", &inodes))
				goto fail;
		} else {
			break;
		}
	}
	if (!vj_p_end_at(c, i))
		goto fail;
	if (strcmp(path, "/") == 0) {
		vj_p_perr(c, 1, "dir / is the jail's root, which always exists");
		goto fail;
	}
	for (size_t k = 0; k < p->ndirs; k++) {
		if (strcmp(p->dirs[k].path, path) == 0) {
			vj_p_perr(c, 1, "dir %s is already declared at line %u", path,
			          p->dirs[k].loc.line);
			goto fail;
		}
	}
	d = vj_p_grow(c, (void **)&p->dirs, &p->ndirs, sizeof(*d), "dirs");
	if (!d)
		goto fail;
	d->path = path;
	d->size = size ? size : VJ_DIR_DEFAULT_SIZE;
	d->inodes = inodes ? inodes : VJ_DIR_DEFAULT_INODES;
	d->loc = vj_p_loc_at(c, 0);
	return;
fail:
	free(path);
}

/* cpuset lists: "0-3,8,10-11" */
static bool cpulist_ok(const char *s)
{
	bool digit = false;
	unsigned long prev = 0, cur = 0;
	bool range = false;

	if (!*s)
		return false;
	for (;; s++) {
		if (*s >= '0' && *s <= '9') {
			cur = cur * 10 + (unsigned long)(*s - '0');
			if (cur > 65535)
				return false;
			digit = true;
			continue;
		}
		if (!digit)
			return false;
		if (range && cur < prev)
			return false;
		if (*s == '-' && !range) {
			range = true;
			prev = cur;
		} else if (*s == ',' || *s == '\0') {
			range = false;
		} else {
			return false;
		}
		if (!*s)
			return true;
		cur = 0;
		digit = false;
	}
}

void vj_p_st_cgroup(struct cur *c)
{
	struct vj_parser *ps = c->ps;
	struct vj_cglimits *lim = &ps->p->limits;
	const char *k = vj_p_word(c, 1), *w;
	char cpulist[sizeof(lim->cpuset_cpus)];
	uint64_t v;

	if (!vj_p_need(c, 1, "cgroup setting") || !vj_p_need(c, 2, "cgroup value"))
		return;
	if (k && strncmp(k, "cpuset-", 7) == 0) {
		/* "0-3,8": the lexer splits at commas; glue the list back. */
		size_t o = 0;
		for (size_t i = 2; i < c->n; i++) {
			const struct vj_tok *t = &c->t[i];
			if ((t->kind != VJ_TOK_WORD && t->kind != VJ_TOK_COMMA) ||
			    o + t->len >= sizeof(cpulist)) {
				vj_p_perr(c, i, "%s is a list like 0-3,8, got %s", k, ESC(c, i));
				return;
			}
			memcpy(cpulist + o, t->s, t->len);
			o += t->len;
		}
		cpulist[o] = '\0';
		w = cpulist;
	} else {
		if (!vj_p_end_at(c, 3))
			return;
		w = vj_p_word(c, 2);
	}
	if (!k)
		goto unknown;
	if (strcmp(k, "memory") == 0) {
		if (vj_p_parse_size(c, 2, "cgroup memory", &v) &&
		    vj_p_set_once(c, 1, &ps->cg_memory, "cgroup memory")) {
			if (v < 4096 * 256)
				vj_p_perr(c, 2, "cgroup memory below 1M cannot run a VMM");
			lim->memory_max = (int64_t)v;
		}
	} else if (strcmp(k, "memory-swap") == 0) {
		if (vj_p_parse_size(c, 2, "cgroup memory-swap", &v) &&
		    vj_p_set_once(c, 1, &ps->cg_swap, "cgroup memory-swap"))
			lim->memory_swap_max = (int64_t)v;
	} else if (strcmp(k, "pids") == 0) {
		if (vj_p_parse_uint(c, 2, 1, 4194304, "cgroup pids", &v) &&
		    vj_p_set_once(c, 1, &ps->cg_pids, "cgroup pids"))
			lim->pids_max = (int64_t)v;
	} else if (strcmp(k, "cpu") == 0) {
		/* CPUs as a decimal with up to 3 places: 1, 0.5, 1.25 */
		const char *dot = w ? strchr(w, '.') : NULL;
		uint64_t ip = 0, fp = 0;
		char ibuf[16] = "", fbuf[4] = "000";
		size_t il = w ? (dot ? (size_t)(dot - w) : strlen(w)) : 0;
		size_t fl = dot ? strlen(dot + 1) : 0;
		bool ok = w && il > 0 && il < sizeof(ibuf) && fl <= 3 && (!dot || fl > 0);
		if (ok) {
			memcpy(ibuf, w, il);
			ibuf[il] = '\0';
			if (dot)
				memcpy(fbuf, dot + 1, fl);
			ok = ibuf[0] != '-' && vj_p_parse_u64(ibuf, &ip) == NUM_OK && ip <= 4096 &&
			     (fbuf[0] >= '0' && fbuf[0] <= '9') &&
			     vj_p_parse_u64(fbuf, &fp) == NUM_OK && strncmp(ibuf, "0x", 2) != 0 &&
			     strncmp(ibuf, "0o", 2) != 0;
		}
		if (!ok || ip * 1000 + fp == 0) {
			vj_p_perr(
			    c, 2,
			    "cgroup cpu is a number of CPUs from 0.001 to 4096 (e.g. 1.5), got %s",
			    ESC(c, 2));
			return;
		}
		if (vj_p_set_once(c, 1, &ps->cg_cpu, "cgroup cpu"))
			ps->cpu_milli = ip * 1000 + fp;
	} else if (strcmp(k, "cpu-period") == 0) {
		/* The kernel's CFS bandwidth limits: 1 ms to 1 s. */
		if (vj_p_parse_uint(c, 2, 1000, 1000000, "cgroup cpu-period (microseconds)", &v) &&
		    vj_p_set_once(c, 1, &ps->cg_period, "cgroup cpu-period"))
			lim->cpu_period_us = (int64_t)v;
	} else if (strcmp(k, "io-weight") == 0) {
		if (vj_p_parse_uint(c, 2, 1, 10000, "cgroup io-weight", &v) &&
		    vj_p_set_once(c, 1, &ps->cg_io, "cgroup io-weight"))
			lim->io_weight = (int64_t)v;
	} else if (strcmp(k, "cpuset-cpus") == 0 || strcmp(k, "cpuset-mems") == 0) {
		bool cpus = k[7] == 'c';
		char *dst = cpus ? lim->cpuset_cpus : lim->cpuset_mems;
		if (!cpulist_ok(w)) {
			vj_p_perr(c, 2, "%s is a list like 0-3,8, got '%s'", k, w);
			return;
		}
		if (vj_p_set_once(c, 1, cpus ? &ps->cg_cpus : &ps->cg_mems, k))
			memcpy(dst, w, strlen(w) + 1);
	} else {
		goto unknown;
	}
	return;
unknown:
	vj_p_perr(
	    c, 1,
	    "unknown cgroup setting %s (settings: memory memory-swap pids cpu cpu-period io-weight "
	    "cpuset-cpus cpuset-mems)",
	    ESC(c, 1));
}

static bool rlim_value(const struct cur *c, size_t i, uint64_t *v)
{
	if (vj_p_is_word(c, i, "unlimited")) {
		*v = RLIM_INFINITY;
		return true;
	}
	return vj_p_parse_size(c, i, "rlimit value", v);
}

void vj_p_st_rlimit(struct cur *c)
{
	const char *w = vj_p_word(c, 1);
	int r;
	uint64_t soft, hard;

	if (!vj_p_need(c, 1, "rlimit name"))
		return;
	r = w ? vj_rlimit_from_name(w) : -1;
	if (r < 0) {
		vj_p_perr(
		    c, 1,
		    "unknown rlimit %s (names: as core cpu data fsize locks memlock msgqueue nice "
		    "nofile nproc rss rtprio rttime sigpending stack)",
		    ESC(c, 1));
		return;
	}
	if (!rlim_value(c, 2, &soft))
		return;
	hard = soft;
	if (c->n > 3 && !rlim_value(c, 3, &hard))
		return;
	if (!vj_p_end_at(c, c->n > 3 ? 4 : 3))
		return;
	if (soft > hard) {
		vj_p_perr(c, 2, "rlimit %s: soft limit is above the hard limit", w);
		return;
	}
	if (r == RLIMIT_NOFILE && hard != RLIM_INFINITY && hard > 1048576) {
		vj_p_perr(c, 2, "rlimit nofile above 1048576 (the kernel's nr_open default) fails");
		return;
	}
	if (r == RLIMIT_NOFILE && hard == RLIM_INFINITY) {
		vj_p_perr(c, 2, "rlimit nofile cannot be unlimited (the kernel refuses it)");
		return;
	}
	if (!vj_p_set_once(c, 1, &c->ps->rlimit[r], "this rlimit"))
		return;
	c->ps->p->rlimits[r].set = true;
	c->ps->p->rlimits[r].cur = soft;
	c->ps->p->rlimits[r].max = hard;
}
