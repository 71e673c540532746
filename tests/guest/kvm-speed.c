/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kvm-speed: how fast does guest code run under KVM on this host?
 *
 *   kvm-speed [ITERATIONS]      (default 10000)
 *   prints:  <ns per guest instruction> <instructions> <seconds>
 *   exit 0: measured; 2: KVM unusable (no /dev/kvm, API error); 3: too slow
 *   to finish within 2 s (the answer is then "slow" too)
 *
 * run-guest.sh --accel auto uses this to choose between KVM and TCG.  /dev/kvm
 * can be present and work while being useless: nested through a software
 * MMU, guest code runs at ~1 us per instruction and a Linux guest does not
 * get past decompression.  A full boot with a budget would say the same in
 * seconds; this says it in milliseconds.  It runs a real-mode loop of
 * "dec ecx; jnz" in a fresh VM with one vCPU and times KVM_RUN until the hlt:
 * hardware KVM runs it at well under 1 ns per instruction (plus one VM
 * entry), TCG would be a few ns, the slow nested case ~700 ns.  Even a
 * register-only loop is slow there, so no memory walk is needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MEM_SIZE  0x10000
#define CODE_ADDR 0x1000

static void on_alarm(int sig)
{
	(void)sig; /* only interrupts KVM_RUN (EINTR) */
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int fail(const char *what)
{
	fprintf(stderr, "kvm-speed: %s: %s\n", what, strerror(errno));
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long n = 10000;
	if (argc > 1) {
		char *end;
		errno = 0;
		n = strtoul(argv[1], &end, 10);
		if (errno || *end || n == 0 || n > 0xffffffffUL) {
			fprintf(stderr, "usage: kvm-speed [ITERATIONS 1..4294967295]\n");
			return 2;
		}
	}

	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return fail("open /dev/kvm");
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "kvm-speed: unexpected KVM API version\n");
		return 2;
	}
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return fail("KVM_CREATE_VM");
	uint8_t *mem =
	    mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return fail("mmap guest memory");

	/* 16-bit real mode: mov ecx, n; 1: dec ecx; jnz 1b; hlt */
	uint8_t code[] = {0x66, 0xb9, 0, 0, 0, 0, 0x66, 0x49, 0x75, 0xfc, 0xf4};
	uint32_t n32 = (uint32_t)n;
	memcpy(code + 2, &n32, sizeof(n32));
	memcpy(mem + CODE_ADDR, code, sizeof(code));

	struct kvm_userspace_memory_region region = {
	    .slot = 0,
	    .guest_phys_addr = 0,
	    .memory_size = MEM_SIZE,
	    .userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return fail("KVM_SET_USER_MEMORY_REGION");
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return fail("KVM_CREATE_VCPU");
	int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		return fail("KVM_GET_VCPU_MMAP_SIZE");
	struct kvm_run *run =
	    mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return fail("mmap kvm_run");

	struct kvm_sregs sregs;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return fail("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return fail("KVM_SET_SREGS");
	struct kvm_regs regs = {.rip = CODE_ADDR, .rflags = 0x2};
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return fail("KVM_SET_REGS");

	/* No SA_RESTART: the alarm must interrupt KVM_RUN, not resume it. */
	struct sigaction sa = {.sa_handler = on_alarm};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(2);

	double t0 = now();
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR) {
				printf("inf %lu %.6f\n", 2 * n, now() - t0);
				return 3;
			}
			return fail("KVM_RUN");
		}
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		/* Anything else (an interrupt window, a spurious exit) just resumes;
		 * a real failure shows as an error exit reason. */
		if (run->exit_reason == KVM_EXIT_FAIL_ENTRY ||
		    run->exit_reason == KVM_EXIT_INTERNAL_ERROR ||
		    run->exit_reason == KVM_EXIT_SHUTDOWN) {
			fprintf(stderr, "kvm-speed: guest exit reason %u\n", run->exit_reason);
			return 2;
		}
	}
	double t = now() - t0;
	alarm(0);
	printf("%.1f %lu %.6f\n", t * 1e9 / (2.0 * (double)n), 2 * n, t);
	return 0;
}
