/* SPDX-License-Identifier: Apache-2.0 */
/* Minimal TAP producer for C tests run under prove. */
#ifndef VMJAIL_TAP_H
#define VMJAIL_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static inline void tap_plan(int n)
{
	printf("1..%d\n", n);
	fflush(stdout);
}

__attribute__((format(printf, 2, 3))) static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed++;
	return cond;
}

__attribute__((format(printf, 1, 2))) static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

#define tap_is_int(got, want, ...)                                                       \
	do {                                                                             \
		long long _g = (long long)(got), _w = (long long)(want);                 \
		if (!tap_ok(_g == _w, __VA_ARGS__))                                      \
			tap_diag("got %lld, expected %lld", _g, _w);                     \
	} while (0)

#define tap_is_str(got, want, ...)                                                       \
	do {                                                                             \
		const char *_g = (got), *_w = (want);                                    \
		if (!tap_ok(_g && _w && strcmp(_g, _w) == 0, __VA_ARGS__))               \
			tap_diag("got '%s', expected '%s'", _g ? _g : "(null)",          \
				 _w ? _w : "(null)");                                    \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
