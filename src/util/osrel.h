/* SPDX-License-Identifier: MIT */
/* os-release(5) of a root: one key's value (ID, VERSION_CODENAME, ...). */
#ifndef OMG_UTIL_OSREL_H
#define OMG_UTIL_OSREL_H

#include <stddef.h>

/*
 * The value of key in root's os-release (ROOT/etc/os-release, else
 * ROOT/usr/lib/os-release, as os-release(5) says), unquoted, into out.
 * Returns 0, or -1 with out "" when there is no such file or key, or the
 * value is empty or does not fit.
 */
int osrel_get(const char *root, const char *key, char *out, size_t len);

#endif
