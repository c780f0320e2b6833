/* SPDX-License-Identifier: MIT */
/* Where an engine's socket lives, and the checks on its directory. */
#ifndef OMG_IPC_SOCKPATH_H
#define OMG_IPC_SOCKPATH_H

#include <stddef.h>

/* Where system mode keeps its socket, store and snapshot. */
#define OMG_SYSTEM_RUN_DIR "/run/omg"
#define OMG_SYSTEM_STATE_DIR "/var/lib/omg"

/*
 * The key an engine's socket name is made from: the root's real path ("/"
 * when root is NULL or empty) into real, and into key that path, or
 * "path\nbackend" when a backend was chosen. 0, or -1 with a reason (the
 * root does not exist or is not a directory; errno is set).
 */
int sockpath_key(const char *root, const char *backend, char *real, size_t reallen, char *key,
		 size_t keylen, char *err, size_t errlen);
/*
 * The user-mode socket for a root (its real path): $XDG_RUNTIME_DIR/omg/, or
 * /tmp/omg-UID/ when XDG_RUNTIME_DIR is unset; "omgd.sock" for "/", and
 * "omgd-HASH.sock" for another root. The directory is created 0700 if
 * missing, then checked with lstat: a real directory, owned by us, no access
 * for group or others. 0, or -1 with a reason.
 */
int sockpath_user(const char *root, char *out, size_t len, char *err, size_t errlen);
/* The system-mode socket for a root: /run/omg/omgd.sock for "/", and
 * /run/omg/omgd-HASH.sock for another root. Not created or checked. */
int sockpath_system(const char *root, char *out, size_t len, char *err, size_t errlen);
/*
 * Checks (creating if needed) the directory that will hold path. Private
 * (user mode): created 0700; a real directory owned by us with no access
 * for group or others. Shared (system mode): created 0755; a real directory
 * owned by us that nobody else may write.
 */
int sockpath_check_dir(const char *path, int shared, char *err, size_t errlen);

#endif
