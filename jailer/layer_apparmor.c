// SPDX-License-Identifier: Apache-2.0
/*
 * AppArmor: the seam for the AppArmor issue.  This kernel family may or may
 * not have AppArmor; the probe says which, and until profiles are generated
 * and proven in the guest kernel the layer is never reported as enforcing,
 * so a policy that requires it fails closed.
 */
#include <stdio.h>
#include <string.h>
#include <sys/apparmor.h>

#include "jailer/layer.h"
#include "jailer/plan.h"

static int probe(struct vj_probe *out)
{
	out->available = false;
	if (aa_is_enabled() != 1) {
		int err = errno;
		vj_fmt(out->reason, sizeof(out->reason),
		       "AppArmor is not enabled in this kernel (%s)", strerror(err));
		return 0;
	}
	vj_fmt(out->reason, sizeof(out->reason),
	       "AppArmor is enabled, but this vmjail does not generate profiles yet");
	return 0;
}

static void describe(const struct vj_plan *p, FILE *out)
{
	(void)p;
	fprintf(out, "apparmor: no profile (not implemented yet)\n");
}

const struct vj_layer_ops vj_layer_apparmor = {
    .id = VJ_LAYER_APPARMOR,
    .probe = probe,
    .describe = describe,
};
