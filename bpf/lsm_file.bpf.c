// SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0-only)
/*
 * BPF LSM, files.
 *
 * "Inside the jail" is decided by mount namespace: after pivot_root and the
 * detach of the old root, the tenant's mount namespace holds only the jail's
 * mounts, so a file reached through a mount of that namespace is inside the
 * jail, and a file reached through a mount of any other namespace (a
 * directory fd leaked in from the host, /proc/<pid>/root of another process,
 * an fd passed by a neighbour) is not.  Kernel-internal mounts (pipes,
 * sockets, anon inodes, memfd, nsfs) belong to no namespace and pass here;
 * who may hand such an fd over is file_receive's and unix_stream_connect's
 * question.
 */
#include "bpf/vjbpf_lsm.bpf.h"

static __always_inline int vj_outside(struct file *f)
{
	__u64 ns = vj_file_mntns(BPF_CORE_READ(f, f_path.mnt));
	return ns && ns != vj_current_mntns();
}

static __always_inline int vj_file_deny(const struct vj_lsm_ctx *c, __u32 hook, struct file *f,
                                        __s64 arg)
{
	struct vjbpf_rec *rec = vj_lsm_report(c, hook);
	if (rec) {
		rec->arg = arg;
		vj_rec_file(rec, f);
		bpf_ringbuf_submit(rec, 0);
	}
	return -VJ_EPERM;
}

SEC("lsm/file_open")
int BPF_PROG(vj_lsm_file_open, struct file *file, int ret)
{
	struct vj_lsm_ctx c;
	if (ret || !vj_lsm_tenant(&c))
		return ret ? ret : 0;
	if (!vj_outside(file))
		return 0;
	return vj_file_deny(&c, VJBPF_HOOK_LSM_FILE_OPEN, file, BPF_CORE_READ(file, f_flags));
}

SEC("lsm/file_receive")
int BPF_PROG(vj_lsm_file_receive, struct file *file, int ret)
{
	struct vj_lsm_ctx c;
	if (ret || !vj_lsm_tenant(&c))
		return ret ? ret : 0;
	if (!vj_outside(file))
		return 0;
	return vj_file_deny(&c, VJBPF_HOOK_LSM_RECEIVE, file, 0);
}

/* ioctl type bytes (include/uapi/linux/{kvm,if_tun,vhost}.h) */
#define VJ_KVMIO       0xAE
#define VJ_TUNIO       0x54 /* 'T', shared with the tty ioctls: TUN numbers are >= 200 */
#define VJ_VHOSTIO     0xAF
#define VJ_MISC        10
#define VJ_KVM_MINOR   232
#define VJ_TUN_MINOR   200
#define VJ_VHOST_NET   238
#define VJ_VHOST_VSOCK 241

static __always_inline int vj_is_misc(struct inode *ino, __u32 minor)
{
	if ((BPF_CORE_READ(ino, i_mode) & VJ_S_IFMT) != VJ_S_IFCHR)
		return 0;
	__u32 rdev = BPF_CORE_READ(ino, i_rdev);
	return (rdev >> VJ_MINORBITS) == VJ_MISC && (rdev & ((1u << VJ_MINORBITS) - 1)) == minor;
}

/* An anon inode file that KVM made: "kvm-vm", "kvm-vcpu:N", KVM devices. */
static __always_inline int vj_is_kvm_anon(struct file *f)
{
	char name[5] = {};
	if (BPF_CORE_READ(f, f_inode, i_sb, s_magic) != VJ_ANON_INODE_MAGIC)
		return 0;
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(f, f_path.dentry, d_name.name));
	return name[0] == 'k' && name[1] == 'v' && name[2] == 'm' && name[3] == '-';
}

/*
 * KVM, TUN and vhost requests only on the files they belong to, so that a
 * request number reused by another driver cannot be aimed at a file the VMM
 * was never meant to drive with it.  Other ioctls are not judged here
 * (seccomp and the device rules are).
 */
SEC("lsm/file_ioctl")
int BPF_PROG(vj_lsm_ioctl, struct file *file, unsigned int cmd, unsigned long arg, int ret)
{
	struct vj_lsm_ctx c;
	if (ret || !vj_lsm_tenant(&c))
		return ret ? ret : 0;
	__u32 type = (cmd >> 8) & 0xff, nr = cmd & 0xff;
	struct inode *ino = BPF_CORE_READ(file, f_inode);
	int ok = 1;
	if (type == VJ_KVMIO)
		ok = vj_is_misc(ino, VJ_KVM_MINOR) || vj_is_kvm_anon(file);
	else if (type == VJ_TUNIO && nr >= 200)
		ok = vj_is_misc(ino, VJ_TUN_MINOR);
	else if (type == VJ_VHOSTIO)
		ok = vj_is_misc(ino, VJ_VHOST_NET) || vj_is_misc(ino, VJ_VHOST_VSOCK);
	if (ok)
		return 0;
	return vj_file_deny(&c, VJBPF_HOOK_LSM_IOCTL, file, cmd);
}

/*
 * No inotify/fanotify/dnotify watch on a read-only mount: those are the
 * host's files bound into the jail (the VMM binary, its libraries, the
 * kernel image), and a watch would tell the tenant when the host uses them.
 */
SEC("lsm/path_notify")
int BPF_PROG(vj_lsm_notify, const struct path *path, __u64 mask, unsigned int obj_type, int ret)
{
	struct vj_lsm_ctx c;
	if (ret || !vj_lsm_tenant(&c))
		return ret ? ret : 0;
	int mflags = BPF_CORE_READ(path, mnt, mnt_flags);
	if (!(mflags & MNT_READONLY))
		return 0;
	struct vjbpf_rec *rec = vj_lsm_report(&c, VJBPF_HOOK_LSM_NOTIFY);
	if (rec) {
		rec->arg = (__s64)mask;
		rec->obj_ino = BPF_CORE_READ(path, dentry, d_inode, i_ino);
		rec->obj_dev = BPF_CORE_READ(path, dentry, d_sb, s_dev);
		bpf_probe_read_kernel_str(rec->name, sizeof(rec->name),
		                          BPF_CORE_READ(path, dentry, d_name.name));
		bpf_ringbuf_submit(rec, 0);
	}
	return -VJ_EPERM;
}
