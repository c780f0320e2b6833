/* SPDX-License-Identifier: MIT */
/* The one monotonic clock every part of omg times itself with. */
#ifndef OMG_UTIL_CLOCK_H
#define OMG_UTIL_CLOCK_H

#include <time.h>

/* Milliseconds on CLOCK_MONOTONIC (never jumps with the wall clock). */
static inline double clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

#endif
