/* SPDX-License-Identifier: Apache-2.0 */
/* The parser's shared helpers: a cursor over one statement's tokens, value
 * and path parsing, located errors.  Internal to policies/lang/. */
#ifndef VMJAIL_POLICY_PARSE_H
#define VMJAIL_POLICY_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policies/lang/internal.h"

struct cur {
	struct vj_parser *ps;
	const struct vj_tok *t;
	size_t n, i;
};

enum numerr { NUM_OK, NUM_NOT, NUM_RANGE };

struct vj_loc vj_p_loc_at(const struct cur *c, size_t i);
void vj_p_perr(const struct cur *c, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Token i quoted and escaped for a message, into buf. */
const char *vj_p_esc(const struct cur *c, size_t i, char *buf, size_t len);
#define ESC(c, i) vj_p_esc((c), (i), (char[100]){0}, 100)
bool vj_p_is_word(const struct cur *c, size_t i, const char *w);
const char *vj_p_word(const struct cur *c, size_t i);
const char *vj_p_text(const struct cur *c, size_t i);
bool vj_p_need(const struct cur *c, size_t i, const char *what);
bool vj_p_end_at(const struct cur *c, size_t i);
bool vj_p_set_once(const struct cur *c, size_t i, struct vj_seen *s, const char *what);
void *vj_p_grow(struct cur *c, void **v, size_t *n, size_t elsize, const char *what);
enum numerr vj_p_parse_u64(const char *s, uint64_t *out);
bool vj_p_looks_numeric(const char *s);
bool vj_p_parse_uint(const struct cur *c, size_t i, uint64_t lo, uint64_t hi, const char *what,
                     uint64_t *out);
bool vj_p_parse_size(const struct cur *c, size_t i, const char *what, uint64_t *out);
bool vj_p_parse_value(const struct cur *c, size_t *i, const char *prefix, uint64_t *out);
char *vj_p_parse_path(const struct cur *c, size_t i, const char *what);
bool vj_p_on_off(const struct cur *c, size_t i, bool *out);

/* Statements, one file per area: parse_jail.c, parse_net.c, parse_seccomp.c. */
void vj_p_st_namespace(struct cur *c);
void vj_p_st_mount(struct cur *c);
void vj_p_st_device(struct cur *c);
void vj_p_st_bind(struct cur *c);
void vj_p_st_dir(struct cur *c);
void vj_p_st_cgroup(struct cur *c);
void vj_p_st_rlimit(struct cur *c);
void vj_p_st_landlock(struct cur *c);
void vj_p_st_socket(struct cur *c);
void vj_p_st_net(struct cur *c);
void vj_p_st_sysctl(struct cur *c);
void vj_p_st_seccomp(struct cur *c);

#endif
