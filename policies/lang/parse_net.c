// SPDX-License-Identifier: Apache-2.0
/* Network and Landlock statements: landlock, socket, net, sysctl. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policies/lang/consts.h"
#include "policies/lang/parse.h"
#include "policies/lang/syscalls.h"

static void add_ports(struct cur *c, uint16_t **v, size_t *n)
{
	size_t i;
	uint64_t port;

	if (!vj_p_need(c, 2, "port"))
		return;
	for (i = 2; i < c->n; i++) {
		uint16_t *slot;
		if (!vj_p_parse_uint(c, i, 0, 65535, "port", &port))
			continue;
		for (size_t k = 0; k < *n; k++)
			if ((*v)[k] == port) {
				vj_p_perr(c, i, "port %llu is listed twice",
				          (unsigned long long)port);
				goto next;
			}
		slot = vj_p_grow(c, (void **)v, n, sizeof(**v), "ports");
		if (!slot)
			return;
		*slot = (uint16_t)port;
	next:;
	}
}

void vj_p_st_landlock(struct cur *c)
{
	struct vj_landlock *ll = &c->ps->p->landlock;
	const char *k = vj_p_word(c, 1);
	unsigned rights = 0;

	if (!vj_p_need(c, 1, "landlock rule"))
		return;
	if (k && strcmp(k, "ro") == 0)
		rights = VJ_LL_READ;
	else if (k && strcmp(k, "rw") == 0)
		rights = VJ_LL_READ | VJ_LL_WRITE;
	else if (k && strcmp(k, "rx") == 0)
		rights = VJ_LL_READ | VJ_LL_EXEC;
	if (rights) {
		struct vj_llpath *lp;
		char *path = vj_p_parse_path(c, 2, "landlock path");
		if (!path)
			return;
		if (!vj_p_end_at(c, 3)) {
			free(path);
			return;
		}
		for (size_t i = 0; i < ll->npaths; i++) {
			if (strcmp(ll->paths[i].path, path) == 0) {
				vj_p_perr(c, 2, "landlock rule for %s is already given at line %u",
				          path, ll->paths[i].loc.line);
				free(path);
				return;
			}
		}
		lp = vj_p_grow(c, (void **)&ll->paths, &ll->npaths, sizeof(*lp), "landlock paths");
		if (!lp) {
			free(path);
			return;
		}
		lp->path = path;
		lp->rights = rights;
		lp->loc = vj_p_loc_at(c, 0);
	} else if (k && strcmp(k, "tcp-bind") == 0) {
		add_ports(c, &ll->bind_ports, &ll->nbind_ports);
	} else if (k && strcmp(k, "tcp-connect") == 0) {
		add_ports(c, &ll->connect_ports, &ll->nconnect_ports);
	} else if (k && strcmp(k, "scope") == 0) {
		if (vj_p_is_word(c, 2, "abstract-unix")) {
			if (vj_p_end_at(c, 3) &&
			    vj_p_set_once(c, 2, &c->ps->scope_unix, "landlock scope abstract-unix"))
				ll->scope_abstract_unix = true;
		} else if (vj_p_is_word(c, 2, "signal")) {
			if (vj_p_end_at(c, 3) &&
			    vj_p_set_once(c, 2, &c->ps->scope_signal, "landlock scope signal"))
				ll->scope_signal = true;
		} else if (vj_p_need(c, 2, "scope")) {
			vj_p_perr(
			    c, 2,
			    "unknown landlock scope %s (expected 'abstract-unix' or 'signal')",
			    ESC(c, 2));
		}
	} else {
		vj_p_perr(c, 1,
		          "unknown landlock rule %s (expected ro rw rx tcp-bind tcp-connect scope)",
		          ESC(c, 1));
	}
}

void vj_p_st_socket(struct cur *c)
{
	struct vj_cgbpf *cg = &c->ps->p->cgbpf;
	struct vj_sockrule *s;
	uint64_t fam, type = (uint64_t)-1, proto = (uint64_t)-1, afmax = 46;
	size_t i = 2;

	if (!vj_p_is_word(c, 1, "allow")) {
		if (vj_p_need(c, 1, "'allow'"))
			vj_p_perr(c, 1, "expected 'allow', got %s (socket rules are an allowlist)",
			          ESC(c, 1));
		return;
	}
	if (!vj_p_need(c, 2, "socket family") || !vj_p_parse_value(c, &i, "AF_", &fam))
		return;
	vj_const_lookup("AF_MAX", &afmax);
	if (fam == 0 || fam >= afmax) {
		vj_p_perr(c, 2, "socket family %llu is out of range (1..%llu)",
		          (unsigned long long)fam, (unsigned long long)afmax - 1);
		return;
	}
	if (i < c->n) {
		size_t at = i;
		if (vj_p_is_word(c, i, "any"))
			i++;
		else if (!vj_p_parse_value(c, &i, "SOCK_", &type))
			return;
		else if (type == 0 || type > 10) {
			/* sock_create sees the type without SOCK_NONBLOCK/SOCK_CLOEXEC */
			vj_p_perr(c, at,
			          "socket type must be one SOCK_* type (1..10), without flags");
			return;
		}
	}
	if (i < c->n) {
		size_t at = i;
		if (!vj_p_parse_value(c, &i, "IPPROTO_", &proto))
			return;
		if (proto > 65535) {
			vj_p_perr(c, at, "socket protocol %llu is out of range",
			          (unsigned long long)proto);
			return;
		}
	}
	if (!vj_p_end_at(c, i))
		return;
	for (size_t k = 0; k < cg->nsockets; k++) {
		if (cg->sockets[k].family == (int)fam && cg->sockets[k].type == (int)type &&
		    cg->sockets[k].protocol == (int)proto) {
			vj_p_perr(c, 2, "the same socket rule is already given at line %u",
			          cg->sockets[k].loc.line);
			return;
		}
	}
	s = vj_p_grow(c, (void **)&cg->sockets, &cg->nsockets, sizeof(*s), "socket rules");
	if (!s)
		return;
	s->family = (int)fam;
	s->type = (int)type;
	s->protocol = (int)proto;
	s->loc = vj_p_loc_at(c, 0);
}

void vj_p_st_net(struct cur *c)
{
	struct vj_cgbpf *cg = &c->ps->p->cgbpf;
	struct vj_netrule r = {0}, *slot;
	const char *op = vj_p_word(c, 1), *cidr;
	char addr[64];
	const char *slash;
	uint64_t prefix, lo = 0, hi = 65535;
	unsigned maxbits;
	size_t i;

	if (!vj_p_need(c, 1, "'connect', 'bind' or 'sendmsg'"))
		return;
	if (op && strcmp(op, "connect") == 0)
		r.op = VJ_NET_CONNECT;
	else if (op && strcmp(op, "bind") == 0)
		r.op = VJ_NET_BIND;
	else if (op && strcmp(op, "sendmsg") == 0)
		r.op = VJ_NET_SENDMSG;
	else {
		vj_p_perr(c, 1, "expected 'connect', 'bind' or 'sendmsg', got %s", ESC(c, 1));
		return;
	}
	if (!vj_p_is_word(c, 2, "allow")) {
		if (vj_p_need(c, 2, "'allow'"))
			vj_p_perr(c, 2, "expected 'allow', got %s (net rules are an allowlist)",
			          ESC(c, 2));
		return;
	}
	cidr = vj_p_word(c, 3);
	if (!vj_p_need(c, 3, "address/prefix"))
		return;
	slash = cidr ? strchr(cidr, '/') : NULL;
	if (!slash || (size_t)(slash - cidr) >= sizeof(addr)) {
		vj_p_perr(c, 3, "expected ADDRESS/PREFIX, got %s", ESC(c, 3));
		return;
	}
	memcpy(addr, cidr, (size_t)(slash - cidr));
	addr[slash - cidr] = '\0';
	if (inet_pton(AF_INET, addr, r.addr) == 1) {
		r.family = AF_INET;
		maxbits = 32;
	} else if (inet_pton(AF_INET6, addr, r.addr) == 1) {
		r.family = AF_INET6;
		maxbits = 128;
	} else {
		vj_p_perr(c, 3, "bad IP address in %s", ESC(c, 3));
		return;
	}
	if (slash[1] == '-' || vj_p_parse_u64(slash + 1, &prefix) != NUM_OK || prefix > maxbits) {
		vj_p_perr(c, 3, "prefix length in %s must be 0..%u", ESC(c, 3), maxbits);
		return;
	}
	r.prefix = (unsigned)prefix;
	for (unsigned b = r.prefix; b < maxbits; b++) {
		if (r.addr[b / 8] & (0x80 >> (b % 8))) {
			vj_p_perr(c, 3, "%s has bits set past the prefix length", ESC(c, 3));
			return;
		}
	}
	i = 4;
	if (vj_p_is_word(c, i, "port")) {
		const char *pw = vj_p_word(c, i + 1), *dash;
		char a[16];
		if (!vj_p_need(c, i + 1, "port or port range"))
			return;
		dash = pw ? strchr(pw, '-') : NULL;
		if (!pw || (dash && (size_t)(dash - pw) >= sizeof(a)))
			goto badport;
		if (dash) {
			memcpy(a, pw, (size_t)(dash - pw));
			a[dash - pw] = '\0';
			if (vj_p_parse_u64(a, &lo) != NUM_OK ||
			    vj_p_parse_u64(dash + 1, &hi) != NUM_OK)
				goto badport;
		} else {
			if (vj_p_parse_u64(pw, &lo) != NUM_OK)
				goto badport;
			hi = lo;
		}
		if (lo > 65535 || hi > 65535 || lo > hi)
			goto badport;
		i += 2;
	}
	if (!vj_p_end_at(c, i))
		return;
	r.port_lo = (uint16_t)lo;
	r.port_hi = (uint16_t)hi;
	r.loc = vj_p_loc_at(c, 0);
	for (size_t k = 0; k < cg->nnet; k++) {
		const struct vj_netrule *o = &cg->net[k];
		if (o->op == r.op && o->family == r.family && o->prefix == r.prefix &&
		    memcmp(o->addr, r.addr, 16) == 0 && o->port_lo == r.port_lo &&
		    o->port_hi == r.port_hi) {
			vj_p_perr(c, 3, "the same net rule is already given at line %u",
			          o->loc.line);
			return;
		}
	}
	slot = vj_p_grow(c, (void **)&cg->net, &cg->nnet, sizeof(*slot), "net rules");
	if (slot)
		*slot = r;
	return;
badport:
	vj_p_perr(c, i + 1, "port must be N or N-M with 0 <= N <= M <= 65535, got %s",
	          ESC(c, i + 1));
}

void vj_p_st_sysctl(struct cur *c)
{
	if (vj_p_is_word(c, 1, "allow-read")) {
		if (vj_p_end_at(c, 2) &&
		    vj_p_set_once(c, 1, &c->ps->sysctl_read, "sysctl allow-read"))
			c->ps->p->cgbpf.sysctl_read = true;
	} else if (vj_p_is_word(c, 1, "allow-write")) {
		if (vj_p_end_at(c, 2) &&
		    vj_p_set_once(c, 1, &c->ps->sysctl_write, "sysctl allow-write"))
			c->ps->p->cgbpf.sysctl_write = true;
	} else if (vj_p_need(c, 1, "'allow-read' or 'allow-write'")) {
		vj_p_perr(c, 1, "expected 'allow-read' or 'allow-write', got %s", ESC(c, 1));
	}
}
