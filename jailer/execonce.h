/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VMJAIL_EXECONCE_H
#define VMJAIL_EXECONCE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct vj_launch;

struct vj_exec_attempt {
	pid_t pid;
	int nr;          /* __NR_execve or __NR_execveat */
	bool allowed;    /* the one permitted exec */
	int dirfd;       /* execveat only */
	char path[4100]; /* a little over the encoder's 4 KiB cut, so a cut shows */
	size_t path_len;
};

/* Answer one pending exec-once notification.  Returns 1 when one was
 * handled (att filled), 0 when nothing was pending, -errno on error. */
int vj_exec_once_handle(struct vj_launch *l, struct vj_exec_attempt *att);

/* SCM_RIGHTS helpers (the listener travels from the tenant to the supervisor). */
int vj_send_fd(int sock, int fd);
int vj_recv_fd(int sock);

#endif
