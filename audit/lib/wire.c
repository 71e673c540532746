// SPDX-License-Identifier: Apache-2.0
/*
 * Frames are produced by root processes of the same host, but vmjaild still
 * checks every byte: it writes what it accepts into the stream every
 * consumer parses, so a bug in one producer must stay that producer's.
 */
#include "audit/lib/wire.h"
#include "audit/jsonvalid.h"

#include <errno.h>
#include <string.h>

bool vj_tenant_id_valid(const char *s, size_t n)
{
	if (!s || n == 0 || n > VJ_TENANT_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

void vj_wire_set_name(char *field, size_t cap, const char *s)
{
	memset(field, 0, cap);
	if (!s)
		return;
	size_t n = strlen(s);
	if (n >= cap)
		return;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return;
	memcpy(field, s, n);
}

/* A received name field: NUL-terminated inside its array, printable before the NUL. */
static bool name_ok(char *field, size_t cap)
{
	size_t n = strnlen(field, cap);
	if (n == cap)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)field[i] < 0x20 || (unsigned char)field[i] > 0x7e)
			return false;
	memset(field + n, 0, cap - n);
	return true;
}

long vj_wire_pack(char *buf, size_t cap, const struct vj_wire_hdr *h, const char *line, size_t n)
{
	struct vj_wire_hdr hh = *h;
	if (hh.tenant_len > VJ_TENANT_MAX)
		return -EINVAL;
	hh.magic = VJ_WIRE_MAGIC;
	hh.hdr_len = sizeof(hh);
	memset(hh.pad, 0, sizeof(hh.pad));
	if (n > cap || sizeof(hh) > cap - n)
		return -ENOSPC;
	memcpy(buf, &hh, sizeof(hh));
	memcpy(buf + sizeof(hh), line, n);
	return (long)(sizeof(hh) + n);
}

int vj_wire_parse(const char *buf, size_t n, struct vj_wire_hdr *h, const char **line,
                  size_t *linelen)
{
	if (n < sizeof(*h))
		return -EBADMSG;
	memcpy(h, buf, sizeof(*h));
	if (h->magic != VJ_WIRE_MAGIC || h->hdr_len != sizeof(*h))
		return -EBADMSG;
	if (h->kind > VJ_EV_LOSS ||
	    (h->flags & ~(VJ_WIRE_F_BIND | VJ_WIRE_F_UNBIND | VJ_WIRE_F_KERNEL)))
		return -EBADMSG;
	if (h->tenant_len > VJ_TENANT_MAX ||
	    (h->tenant_len && !vj_tenant_id_valid(h->tenant, h->tenant_len)))
		return -EBADMSG;
	if (!name_ok(h->vmm, sizeof(h->vmm)) || !name_ok(h->policy, sizeof(h->policy)) ||
	    !name_ok(h->policy_hash, sizeof(h->policy_hash)))
		return -EBADMSG;
	/* Zero after the id so that callers may treat it as a C string. */
	if (h->tenant_len < VJ_TENANT_MAX)
		memset(h->tenant + h->tenant_len, 0, VJ_TENANT_MAX - h->tenant_len);
	size_t ll = n - sizeof(*h);
	if (ll > VJ_JSON_LINE_MAX || !vj_json_valid_line(buf + sizeof(*h), ll))
		return -EBADMSG;
	*line = buf + sizeof(*h);
	*linelen = ll;
	return 0;
}
