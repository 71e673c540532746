// SPDX-License-Identifier: Apache-2.0
#include "policies/compile/build_id.h"

#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

struct build_id {
	uint8_t id[64];
	size_t len;
};

/* Reads the PT_NOTE segments of the object the dynamic loader lists first,
 * which is the main program: a library's ID would not change on a rebuild
 * of vmjail. */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct build_id *b = arg;

	(void)size;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_NOTE)
			continue;
		const uint8_t *p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr);
		size_t left = ph->p_memsz;
		while (left >= sizeof(ElfW(Nhdr))) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
			size_t name = (nh->n_namesz + 3u) & ~3u, desc = (nh->n_descsz + 3u) & ~3u;
			if (sizeof(*nh) + name + desc > left)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    memcmp(p + sizeof(*nh), "GNU", 4) == 0 &&
			    nh->n_descsz <= sizeof(b->id)) {
				memcpy(b->id, p + sizeof(*nh) + name, nh->n_descsz);
				b->len = nh->n_descsz;
				return 1;
			}
			p += sizeof(*nh) + name + desc;
			left -= sizeof(*nh) + name + desc;
		}
	}
	return 1; /* only the main program */
}

const uint8_t *vj_build_id(size_t *len)
{
	static struct build_id b;
	static int done;

	if (!done) {
		dl_iterate_phdr(find_build_id, &b);
		done = 1;
	}
	*len = b.len;
	return b.id;
}

void vj_build_id_hex(char *out, size_t outlen)
{
	size_t n;
	const uint8_t *id = vj_build_id(&n);

	if (!outlen)
		return;
	if (!n) {
		snprintf(out, outlen, "none");
		return;
	}
	out[0] = '\0';
	for (size_t i = 0; i < n && 2 * i + 2 < outlen; i++)
		snprintf(out + 2 * i, outlen - 2 * i, "%02x", id[i]);
}
