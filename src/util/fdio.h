/* SPDX-License-Identifier: MIT */
/* Whole writes to a file descriptor, atomic file replacement, and where a user's runtime files live. */
#ifndef OMG_UTIL_FDIO_H
#define OMG_UTIL_FDIO_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

/* Writes all n bytes at p to fd, again after EINTR and short writes. 0, or -1 with errno. */
int fd_write_all(int fd, const void *p, size_t n);

/* Writes a new file's contents into fd; 0, or -1 with errno. */
typedef int (*fd_fill_fn)(int fd, void *ctx);

/*
 * Replaces name in the directory dirfd (AT_FDCWD: the working directory) in
 * one step: a temporary file beside it is filled by fill, given mode
 * (whatever the umask), fsync'd, renamed over name, and the directory
 * fsync'd, so after a crash the file is the old one or the new one, whole.
 * On failure nothing is left behind and name is untouched. 0, or -1 with
 * errno. The one atomic writer: every file omg replaces goes through it.
 */
int fd_replace_at(int dirfd, const char *name, mode_t mode, fd_fill_fn fill, void *ctx);
/* fd_replace_at for a path (its directory opened for the call). */
int fd_replace_path(const char *path, mode_t mode, fd_fill_fn fill, void *ctx);
/* fd_replace_path and fd_replace_at with the n bytes at p as the contents. */
int fd_replace_buf(const char *path, mode_t mode, const void *p, size_t n);
int fd_replace_buf_at(int dirfd, const char *name, mode_t mode, const void *p, size_t n);

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
