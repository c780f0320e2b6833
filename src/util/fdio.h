/* SPDX-License-Identifier: MIT */
/* Whole writes to a file descriptor, and where a user's runtime files live. */
#ifndef OMG_UTIL_FDIO_H
#define OMG_UTIL_FDIO_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Writes all n bytes at p to fd, again after EINTR and short writes. 0, or -1 with errno. */
int fd_write_all(int fd, const void *p, size_t n);

/* The user's directory for omg's sockets and snapshots: $XDG_RUNTIME_DIR/omg, or
 * /tmp/omg-UID without it. Header-only and allocation-free: omg-fast uses it too. */
static inline void omg_runtime_dir(char *out, size_t len)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	if (rt && *rt == '/')
		snprintf(out, len, "%s/omg", rt);
	else
		snprintf(out, len, "/tmp/omg-%u", (unsigned)getuid());
}

#endif
