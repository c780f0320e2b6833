/* SPDX-License-Identifier: MIT */
/* Socket paths: per-user 0700 directory, one socket per root. */
#include "ipc/sockpath.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fdio.h"
#include "util/hash.h"

int sockpath_check_dir(const char *path, int shared, char *err, size_t errlen)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		snprintf(err, errlen, "socket path '%s' needs a directory", path);
		return -1;
	}
	*slash = '\0';
	mode_t old = umask(022);
	int made = mkdir(dir, shared ? 0755 : 0700);
	umask(old);
	if (made != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	struct stat st;
	if (lstat(dir, &st) != 0) {
		snprintf(err, errlen, "cannot use %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory (a link or a file); refusing it", dir);
		return -1;
	}
	if (st.st_uid != getuid()) {
		snprintf(err, errlen, "%s belongs to uid %u, not to us; refusing it", dir,
			 (unsigned)st.st_uid);
		return -1;
	}
	if (shared && (st.st_mode & 022)) {
		snprintf(err, errlen, "%s is writable by other users (mode %03o); refusing it", dir,
			 (unsigned)(st.st_mode & 0777));
		return -1;
	}
	if (!shared && (st.st_mode & 077)) {
		snprintf(err, errlen, "%s is open to other users (mode %03o); refusing it", dir,
			 (unsigned)(st.st_mode & 0777));
		return -1;
	}
	return 0;
}

/* base/omgd.sock for "/", base/omgd-HASH.sock for another root. */
static int name_in(const char *base, const char *root, char *out, size_t len, char *err,
		   size_t errlen)
{
	int n;
	if (strcmp(root, "/") == 0) {
		n = snprintf(out, len, "%s/omgd.sock", base);
	} else {
		uint64_t h = hash_fnv1a(root, strlen(root)); /* of the real path */
		n = snprintf(out, len, "%s/omgd-%016llx.sock", base, (unsigned long long)h);
	}
	if (n < 0 || (size_t)n >= len || (size_t)n >= 108) {
		snprintf(err, errlen, "socket path under %s is too long for a Unix socket", base);
		return -1;
	}
	return 0;
}

int sockpath_user(const char *root, char *out, size_t len, char *err, size_t errlen)
{
	char base[4096];
	omg_runtime_dir(base, sizeof(base));
	if (name_in(base, root, out, len, err, errlen) != 0)
		return -1;
	return sockpath_check_dir(out, 0, err, errlen);
}

int sockpath_system(const char *root, char *out, size_t len, char *err, size_t errlen)
{
	return name_in(OMG_SYSTEM_RUN_DIR, root, out, len, err, errlen);
}

int sockpath_key(const char *root, const char *backend, char *real, size_t reallen, char *key,
		 size_t keylen, char *err, size_t errlen)
{
	char buf[PATH_MAX];
	struct stat st;
	if (!root || !*root)
		root = "/";
	if (!realpath(root, buf) || stat(buf, &st) != 0) {
		snprintf(err, errlen, "cannot use root '%s': %s", root, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		snprintf(err, errlen, "cannot use root '%s': %s", root, strerror(ENOTDIR));
		return -1;
	}
	int n = backend ? snprintf(key, keylen, "%s\n%s", buf, backend)
			: snprintf(key, keylen, "%s", buf);
	if (n < 0 || (size_t)n >= keylen || (size_t)snprintf(real, reallen, "%s", buf) >= reallen) {
		errno = ENAMETOOLONG;
		snprintf(err, errlen, "cannot use root '%s': %s", root, strerror(ENAMETOOLONG));
		return -1;
	}
	return 0;
}
