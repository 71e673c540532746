// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the cgroup-BPF rule builder (bpf/tenant.c,
 * vjbpf__rules_from_policy) fed from a policy, as a launch feeds it: the
 * input is policy text, parsed and validated first; an accepted policy's
 * device, socket and network rules are turned into the map value the
 * programs enforce.
 *
 * Oracle: a validated policy within the maps' limits is always built (or
 * the launch could not start); every network rule the programs get matches
 * exactly the addresses and ports the policy rule names: the mask has as
 * many leading one bits as the prefix and no others, the address is masked,
 * and a probe address (the rule's own with its host bits flipped, and with
 * its last prefix bit flipped) is in the BPF rule iff it is in the policy
 * rule; socket rules keep their family and protocol, and a type fits the
 * 4 bits the hook compares.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "bpf/internal.h"
#include "policies/lang/policy.h"

#include "fuzz/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int bit(const uint8_t *a, unsigned i)
{
	return a[i / 8] >> (7 - i % 8) & 1;
}

/* Policy semantics: the first prefix bits of probe equal the rule's. */
static int policy_match(const struct vj_netrule *n, const uint8_t *probe)
{
	for (unsigned i = 0; i < n->prefix; i++)
		if (bit(probe, i) != bit(n->addr, i))
			return 0;
	return 1;
}

/* What the BPF program compares (bpf/sockaddr.bpf.c). */
static int bpf_match(const struct vjbpf_net_rule *r, const uint8_t *probe)
{
	uint32_t w[4];
	memcpy(w, probe, sizeof(w));
	for (int i = 0; i < (r->family == AF_INET ? 1 : 4); i++)
		if ((w[i] & r->mask[i]) != r->addr[i])
			return 0;
	return 1;
}

static void check_net(const struct vj_netrule *n, const struct vjbpf_net_rule *r)
{
	unsigned bits = n->family == AF_INET ? 32 : 128;
	const uint8_t *m = (const uint8_t *)r->mask;
	uint8_t probe[16];

	FUZZ_CHECK(r->family == n->family && r->port_lo == n->port_lo && r->port_hi == n->port_hi &&
	               r->op >= VJBPF_NET_CONNECT && r->op <= VJBPF_NET_SENDMSG,
	           "a net rule's family, ports or operation changed");
	for (unsigned i = 0; i < 128; i++)
		FUZZ_CHECK(bit(m, i) == (i < n->prefix && i < bits), "mask is not exactly /prefix");
	for (int w = 0; w < 4; w++)
		FUZZ_CHECK(!(r->addr[w] & ~r->mask[w]), "address bits outside the mask");
	memcpy(probe, n->addr, sizeof(probe));
	for (unsigned i = n->prefix; i < bits; i++)
		probe[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
	FUZZ_CHECK(policy_match(n, probe) == bpf_match(r, probe),
	           "BPF and policy disagree on an address with its host bits flipped");
	if (n->prefix) {
		memcpy(probe, n->addr, sizeof(probe));
		probe[(n->prefix - 1) / 8] ^= (uint8_t)(0x80 >> ((n->prefix - 1) % 8));
		FUZZ_CHECK(
		    policy_match(n, probe) == bpf_match(r, probe),
		    "BPF and policy disagree on an address with its last prefix bit flipped");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vjbpf_rules r;
	struct vj_diag d = {0};
	struct vj_policy *p = NULL;
	struct vj_err e = {0};
	uint32_t ring = 0;

	if (vj_policy_load_buffer("fuzz.policy", (const char *)data, size, NULL, &p, &d) != 0)
		goto out;
	int rc = vjbpf__rules_from_policy(p, NULL, &r, &ring, &e);
	const struct vj_cgbpf *c = &p->cgbpf;
	unsigned ndev = (unsigned)__builtin_popcount(p->devices);
	if (rc != 0) {
		FUZZ_CHECK(e.msg[0], "a refusal that does not say why");
		/* Only limits the validator does not know may refuse it. */
		FUZZ_CHECK(c->nsockets > VJBPF_MAX_SOCK || c->nnet > VJBPF_MAX_NET ||
		               ndev > VJBPF_MAX_DEV,
		           "a validated policy within the maps' limits was refused");
		goto out;
	}
	FUZZ_CHECK(r.nsock == c->nsockets && r.nnet == c->nnet && ring != 0 && r.ndev == ndev,
	           "rule counts differ from the policy's");
	for (size_t i = 0; i < c->nsockets; i++) {
		const struct vj_sockrule *s = &c->sockets[i];
		FUZZ_CHECK(r.sock[i].family == s->family &&
		               r.sock[i].protocol == (s->protocol < 0 ? -1 : s->protocol) &&
		               (r.sock[i].type == -1 || !(r.sock[i].type & ~0xf)),
		           "a socket rule changed");
	}
	for (size_t i = 0; i < c->nnet; i++)
		check_net(&c->net[i], &r.net[i]);
out:
	vj_policy_free(p);
	vj_diag_free(&d);
	return 0;
}
