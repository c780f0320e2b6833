/* SPDX-License-Identifier: MIT */
/* Where the running program is, read once from /proc/self/exe. */
#include "util/self.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int self_path(char *out, size_t len)
{
	if (len < 2) {
		errno = ENAMETOOLONG;
		return -1;
	}
	ssize_t n = readlink("/proc/self/exe", out, len);
	if (n <= 0)
		return -1;
	if ((size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	out[n] = '\0';
	return 0;
}

int self_dir(char *out, size_t len)
{
	if (self_path(out, len) != 0)
		return -1;
	char *slash = strrchr(out, '/');
	if (!slash) {
		errno = ENOENT;
		return -1;
	}
	if (slash == out)
		slash[1] = '\0';
	else
		*slash = '\0';
	return 0;
}
