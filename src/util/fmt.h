/* SPDX-License-Identifier: MIT */
/* Numbers as people read them: byte sizes in binary units, counts with their noun. */
#ifndef OMG_UTIL_FMT_H
#define OMG_UTIL_FMT_H

#include <stddef.h>
#include <stdint.h>

/* "512 B", "8.0 KiB", "1.5 MiB" for a byte count into out; with sign, a
 * change: "+1.5 MiB", "-200 B". The one size format of the CLI and the UI. */
void fmt_size(char *out, size_t len, int64_t bytes, int sign);
/* The noun for a count: one for 1, many otherwise ("1 package", "0 packages").
 * Returns one of the two arguments. */
const char *fmt_plural(uint64_t n, const char *one, const char *many);

#endif
