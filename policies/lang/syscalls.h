/* SPDX-License-Identifier: Apache-2.0 */
/* x86_64 syscall names and numbers (libseccomp's tables), and which syscall
 * arguments the kernel declares 32-bit. */
#ifndef VMJAIL_POLICY_SYSCALLS_H
#define VMJAIL_POLICY_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>

/* Upper bound for iterating over x86_64 syscall numbers. */
#define VJ_SYSCALL_NR_MAX 512

/* x86_64 number of a syscall name, or -1 when x86_64 has no such syscall. */
int vj_syscall_nr(const char *name);

/* Name of an x86_64 syscall number into buf; NULL when unknown. */
const char *vj_syscall_name(int nr, char *buf, size_t len);

/* True when the kernel declares argument `arg` (0..5) of syscall `nr` as a
 * 32-bit type, so only its low 32 bits reach the kernel's code. */
bool vj_syscall_arg32(int nr, unsigned arg);

/* Bit i set: argument i is 32-bit (same facts as vj_syscall_arg32). */
unsigned vj_syscall_arg32_mask(const char *name);

/* i-th syscall name of the width table, NULL past the end (for its test). */
const char *vj_syscall_arg32_entry(size_t i);

#endif
