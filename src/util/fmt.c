/* SPDX-License-Identifier: MIT */
/* Numbers as people read them. */
#include "util/fmt.h"

#include <stdio.h>

void fmt_size(char *out, size_t len, int64_t bytes, int sign)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	/* The magnitude as unsigned: -INT64_MIN does not fit an int64_t. */
	uint64_t mag = bytes < 0 ? 0 - (uint64_t)bytes : (uint64_t)bytes;
	double d = (double)mag;
	int k = 0;
	while (d >= 1024 && k < 5) {
		d /= 1024;
		k++;
	}
	const char *s = bytes < 0 ? "-" : sign ? "+" : "";
	if (k == 0)
		snprintf(out, len, "%s%llu %s", s, (unsigned long long)mag, units[0]);
	else
		snprintf(out, len, "%s%.1f %s", s, d, units[k]);
}

/* "package" or "packages": English plurals, one for exactly 1. */
const char *fmt_plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}
