/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A process's exit status read through a pidfd (PIDFD_GET_INFO with
 * PIDFD_INFO_EXIT, Linux 6.15+).  For a supervisor that is NOT the parent
 * of the process it watches (Firecracker compatibility: the VMM is the
 * caller's child, the supervisor only holds a pidfd): waitid() is refused
 * to a non-parent, but the kernel keeps the exit status with the pidfd once
 * the parent has reaped the process.
 */
#ifndef VMJAIL_PIDFD_EXIT_H
#define VMJAIL_PIDFD_EXIT_H

/* 0 and *status = the wait status (as waitpid gives it: WIFEXITED,
 * WTERMSIG...) when the process has exited and been reaped;
 * -EAGAIN while it runs or is a zombie not yet reaped;
 * -EOPNOTSUPP when the kernel does not keep exit info (before 6.15);
 * another -errno (-EBADF...) on a bad fd. */
int vj_pidfd_exit_status(int pidfd, int *status);

/* 1 when this kernel reports exit status through a pidfd, 0 if not
 * (probed once with a short-lived child, then cached). */
int vj_pidfd_exit_supported(void);

#endif
