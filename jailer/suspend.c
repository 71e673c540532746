// SPDX-License-Identifier: Apache-2.0
/* --suspend: QEMU's migration stream to a file inside the tenant's jail. */
#include <stdio.h>

#include "jailer/jails.h"

int vj_jail_suspend(const struct vj_cli *cli)
{
	fprintf(stderr, "vmjail: %s: --suspend is not available in this build yet\n", cli->id);
	return 1;
}
