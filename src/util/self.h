/* SPDX-License-Identifier: MIT */
/* Where the running program is: modules, themes, omg-fast and the engine are found beside it. */
#ifndef OMG_UTIL_SELF_H
#define OMG_UTIL_SELF_H

#include <stddef.h>

/* The running executable's absolute path (/proc/self/exe) into out. 0, or -1
 * with errno (ENAMETOOLONG when it does not fit). */
int self_path(char *out, size_t len);
/* The directory holding the running executable into out. 0, or -1 with errno. */
int self_dir(char *out, size_t len);

#endif
