// SPDX-License-Identifier: Apache-2.0
/*
 * The per-host monotonic `seq`.  A shared page rather than a daemon round
 * trip because the supervisor must be able to number a record while vmjaild
 * is down (emission never waits on the stream), and rather than a locked
 * file because a lock-free fetch-add costs nanoseconds and cannot deadlock
 * a supervisor that dies holding it.  /run is a tmpfs, so the counter
 * restarts at every boot: (boot_id, seq) is the unique key of a record.
 */
#include "audit/lib/seq.h"
#include "audit/lib/rundir.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHM_SIZE 4096

_Static_assert(sizeof(struct vj_host_shm) <= SHM_SIZE, "host counters fit one page");

int vj_seq_open(int rundirfd, struct vj_seq *s, struct vj_err *e)
{
	int fd, rc;
	struct stat st;
	s->shm = NULL;
	rc = vj_rundir_file(rundirfd, VJ_RUN_SEQ, O_RDWR, &fd, e);
	if (rc < 0)
		return rc;
	if (fstat(fd, &st) < 0) {
		rc = vj_failx(e, errno, "stat seq");
		goto out;
	}
	/*
	 * Growing a fresh (or short) file is safe against a concurrent opener:
	 * ftruncate to the same size never clears what another process counted.
	 */
	if (st.st_size < SHM_SIZE && ftruncate(fd, SHM_SIZE) < 0) {
		rc = vj_failx(e, errno, "size seq");
		goto out;
	}
	void *p = mmap(NULL, SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		rc = vj_failx(e, errno, "map seq");
		goto out;
	}
	s->shm = p;
	rc = 0;
out:
	close(fd);
	return rc;
}

uint64_t vj_seq_next(struct vj_seq *s)
{
	return __atomic_add_fetch(&s->shm->seq, 1, __ATOMIC_SEQ_CST);
}

void vj_seq_close(struct vj_seq *s)
{
	if (s->shm)
		munmap(s->shm, SHM_SIZE);
	s->shm = NULL;
}
