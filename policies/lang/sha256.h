/* SPDX-License-Identifier: Apache-2.0 */
/* SHA-256 (FIPS 180-4) for policy hashes: small, no dependency on a crypto
 * library in the privileged jailer. */
#ifndef VMJAIL_SHA256_H
#define VMJAIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct vj_sha256 {
	uint32_t h[8];
	uint64_t total; /* bytes hashed so far */
	uint8_t buf[64];
	size_t nbuf;
};

void vj_sha256_init(struct vj_sha256 *c);
void vj_sha256_update(struct vj_sha256 *c, const void *data, size_t len);
void vj_sha256_final(struct vj_sha256 *c, uint8_t out[32]);

#endif
