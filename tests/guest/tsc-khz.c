/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tsc-khz: print this host's TSC frequency in kHz, measured.
 *
 * Why: under TCG, QEMU's guest TSC is the host's rdtsc (minus the time the
 * VM was stopped), and -M microvm has no PIT speaker gate, HPET or PM timer
 * for Linux to calibrate it against.  Linux then marks the TSC unstable and
 * hangs early in boot.  run-guest.sh passes tsc_early_khz=<this value> (and
 * tsc=reliable) so the guest trusts it.  Measured rather than read from
 * /proc/cpuinfo, whose "cpu MHz" is the current core clock where cpufreq is
 * active, and from dmesg, which may have rotated or be restricted.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static uint64_t ns(void)
{
	struct timespec t;
	/* RAW: not slewed by NTP, like the TSC itself. */
	clock_gettime(CLOCK_MONOTONIC_RAW, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

/* One sample: TSC ticks over ~interval_ns of wall time, bracketing the
 * clock reads with TSC reads so a preemption in between shows up as a wide
 * bracket and the sample can be thrown away. */
static double sample(uint64_t interval_ns, uint64_t *width)
{
	uint64_t a0 = __rdtsc(), t0 = ns(), a1 = __rdtsc();
	struct timespec d = {.tv_sec = 0, .tv_nsec = (long)interval_ns};
	nanosleep(&d, NULL);
	uint64_t b0 = __rdtsc(), t1 = ns(), b1 = __rdtsc();
	*width = (a1 - a0) + (b1 - b0);
	return (double)((b0 + b1) / 2 - (a0 + a1) / 2) * 1e6 / (double)(t1 - t0);
}

int main(void)
{
	double best = 0;
	uint64_t best_width = UINT64_MAX;
	for (int i = 0; i < 5; i++) {
		uint64_t w;
		double khz = sample(20 * 1000 * 1000, &w);
		if (w < best_width) {
			best_width = w;
			best = khz;
		}
	}
	if (best < 1000) {
		fprintf(stderr, "tsc-khz: implausible TSC frequency %.0f kHz\n", best);
		return 1;
	}
	printf("%.0f\n", best);
	return 0;
}
