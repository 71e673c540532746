/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The default policy (policies/default.policy), embedded at build time so
 * `vmjail` without --policy needs no file and cannot be pointed at a
 * replaced one.  A NUL follows the text for C callers; the length excludes it.
 */
	.section .rodata
	.balign 16
	.globl vj_default_policy_text
	.type vj_default_policy_text, @object
vj_default_policy_text:
	.incbin "policies/default.policy"
.Lend:
	.byte 0
	.size vj_default_policy_text, . - vj_default_policy_text

	.balign 8
	.globl vj_default_policy_len
	.type vj_default_policy_len, @object
vj_default_policy_len:
	.quad .Lend - vj_default_policy_text
	.size vj_default_policy_len, 8

	.section .note.GNU-stack, "", @progbits
