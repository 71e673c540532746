// SPDX-License-Identifier: Apache-2.0
/*
 * BPF LSM: the seam for the BPF LSM issue.  The probe reports what this
 * kernel can do (here: LSM programs are refused); until vmjail ships its LSM
 * programs, proven in the guest kernel, the layer never claims to enforce,
 * so `required` fails closed and `if-available` is skipped and audited.
 */
#include <stdio.h>
#include <string.h>

#include "bpf/vjbpf.h"
#include "jailer/layer.h"
#include "jailer/plan.h"

static int probe(struct vj_probe *out)
{
	struct vjbpf_lsm_probe lp;
	memset(&lp, 0, sizeof(lp));
	int rc = vjbpf_lsm_probe(&lp);
	out->available = false;
	if (rc < 0) {
		vj_fmt(out->reason, sizeof(out->reason), "BPF LSM probe failed: %s", strerror(-rc));
		return 0;
	}
	if (!lp.available) {
		vj_fmt(out->reason, sizeof(out->reason), "%s", lp.reason);
		return 0;
	}
	vj_fmt(out->reason, sizeof(out->reason),
	       "the kernel runs BPF LSM programs (%s), but this vmjail has none yet", lp.lsm_list);
	return 0;
}

static void describe(const struct vj_plan *p, FILE *out)
{
	(void)p;
	fprintf(out, "bpf-lsm: no programs (not implemented yet)\n");
}

const struct vj_layer_ops vj_layer_bpf_lsm = {
    .id = VJ_LAYER_BPF_LSM,
    .probe = probe,
    .describe = describe,
};
