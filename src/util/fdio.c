/* SPDX-License-Identifier: MIT */
/* Whole writes to a file descriptor, and replacing a file atomically. */
#include "util/fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

int fd_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int fd_replace_at(int dirfd, const char *name, mode_t mode, fd_fill_fn fill, void *ctx)
{
	static unsigned counter;
	char tmp[NAME_MAX + 1];
	int fd = -1;
	/* A name no other writer uses: pid, a counter, and O_EXCL against the rest. */
	for (int tries = 0; fd < 0 && tries < 100; tries++) {
		int n = snprintf(tmp, sizeof(tmp), ".%.200s.%ld.%u.tmp", name, (long)getpid(),
				 __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
		if (n < 0 || (size_t)n >= sizeof(tmp)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return -1;
	}
	if (fd < 0)
		return -1;
	if (fchmod(fd, mode) != 0 || fill(fd, ctx) != 0 || fsync(fd) != 0)
		goto fail;
	int rc = close(fd);
	fd = -1;
	if (rc != 0 || renameat(dirfd, tmp, dirfd, name) != 0)
		goto fail;
	/* The rename itself must reach the disk, or a crash can bring back the old file. */
	if (dirfd == AT_FDCWD) {
		int d = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (d >= 0) {
			fsync(d);
			close(d);
		}
	} else {
		fsync(dirfd);
	}
	return 0;
fail:;
	int e = errno;
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	errno = e;
	return -1;
}

int fd_replace_path(const char *path, mode_t mode, fd_fill_fn fill, void *ctx)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return fd_replace_at(AT_FDCWD, path, mode, fill, ctx);
	char dir[PATH_MAX];
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, path, n);
	dir[n] = '\0';
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	int rc = fd_replace_at(dfd, slash + 1, mode, fill, ctx);
	int e = errno;
	close(dfd);
	errno = e;
	return rc;
}

/* The bytes fd_replace_buf writes. */
struct bytes {
	const void *p;
	size_t n;
};

/* fd_fill_fn: writes a struct bytes. */
static int fill_bytes(int fd, void *ctx)
{
	const struct bytes *b = ctx;
	return fd_write_all(fd, b->p, b->n);
}

int fd_replace_buf(const char *path, mode_t mode, const void *p, size_t n)
{
	struct bytes b = {p, n};
	return fd_replace_path(path, mode, fill_bytes, &b);
}

int fd_replace_buf_at(int dirfd, const char *name, mode_t mode, const void *p, size_t n)
{
	struct bytes b = {p, n};
	return fd_replace_at(dirfd, name, mode, fill_bytes, &b);
}
