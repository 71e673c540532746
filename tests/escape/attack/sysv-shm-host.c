// SPDX-License-Identifier: Apache-2.0
// IPC: list the host'\''s System V shared memory (the jail has its own ipc namespace).
#include "attack.h"
#include <sys/shm.h>

static int attack(const struct target *t)
{
	(void)t;
	struct shminfo info;
	int max = via(SYS_shmctl, shmctl(0, IPC_INFO, (struct shmid_ds *)(void *)&info));
	if (max < 0)
		blocked("seccomp-errno", "shmctl(IPC_INFO): %s", ename(errno));
	struct shmid_ds ds;
	for (int i = 0; i <= max && i < 4096; i++) {
		int id = shmctl(i, SHM_STAT_ANY, &ds);
		if (id >= 0)
			escaped("saw System V segment %d (key %x)", id, (unsigned)ds.shm_perm.__key);
	}
	blocked("ipc-ns", "no System V segment of the host is visible");
}
