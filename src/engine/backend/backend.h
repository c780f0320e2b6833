/* SPDX-License-Identifier: MIT */
/* The backend interface: one struct of function pointers per package system. */
#ifndef OMG_ENGINE_BACKEND_H
#define OMG_ENGINE_BACKEND_H

#include <stddef.h>

#include "engine/pkg.h"
#include "util/buf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes a backend reports (also the CLI's exit codes, see omg(1)). */
enum backend_status {
	BACKEND_OK = 0,
	BACKEND_ERR_USAGE = 2,  /* a bad request, such as an unknown backend name */
	BACKEND_ERR_ROOT = 4,   /* root missing or unreadable, no package system found */
	BACKEND_ERR_DB = 5,     /* configuration or database missing or corrupt */
	BACKEND_ERR_MODULE = 6, /* the backend module is missing or broken (installation) */
};

/* What the caller gives a backend. Strings are borrowed for the call to open. */
struct backend_opts {
	const char *root; /* absolute path of the system root; "/" for the real system */
	int sandbox;      /* non-zero when root is not "/" (tests, --root) */
};

/*
 * Receives packages and warnings from load(). Strings in the record are
 * borrowed for the duration of the call only: the sink copies what it keeps.
 * add() returns 0, or -1 to stop loading.
 */
struct pkg_sink {
	void *ctx;
	int (*add)(void *ctx, const struct pkg *p);
	void (*warn)(void *ctx, const char *msg); /* a corrupt entry, skipped */
};

/*
 * What a backend module exports (symbol "omg_backend_<name>"). Modules are
 * shared objects loaded on demand (backend_module), so a process that answers
 * from the index store never loads libalpm or libapt-pkg.
 */
struct backend_ops {
	const char *name; /* "alpm", "apt" */
	/* Opens the package system under opts->root. On failure returns NULL and
	 * writes one line (no newline) into err, and a backend_status into *status. */
	void *(*open)(const struct backend_opts *opts, char *err, size_t errlen, int *status);
	/* Emits every package once (one merged record per name). 0 or -1 with err. */
	int (*load)(void *self, const struct pkg_sink *sink, char *err, size_t errlen);
	/* The backend's own version comparison: <0, 0, >0. */
	int (*vercmp)(const char *a, const char *b);
	void (*close)(void *self);
};

/* What the core knows of a backend without loading it (backend.c). */
struct backend {
	const char *name;
	/* Non-zero if root looks like a system of this kind. */
	int (*detect)(const char *root);
	/* Appends to out a description of every file the index depends on (path,
	 * size, mtime, inode), from stat() alone: cheap enough for every call, so a
	 * stored index is reused without loading the backend. 0 or -1. */
	int (*fingerprint)(const char *root, struct buf *out);
	/* Calls add for every directory whose entries' changes change the
	 * fingerprint (for inotify; a directory may be missing). */
	void (*watch)(const char *root, void (*add)(void *ctx, const char *dir), void *ctx);
};

/* The backend named "alpm" or "apt", or NULL. */
const struct backend *backend_by_name(const char *name);
/* The backend whose detect() accepts root, or NULL. */
const struct backend *backend_detect(const char *root);
/* Loads the backend's module (once per process) and returns its operations,
 * or NULL with a reason. Modules are looked for in the directory "modules"
 * beside the executable, then in OMG_MODULE_DIR (set at build time). */
const struct backend_ops *backend_module(const struct backend *b, char *err, size_t errlen);

/* Fingerprint helpers: append "path:size:mtime:inode;" ("path:-;" if absent). */
void backend_fp_file(struct buf *out, const char *path);
/* The same for every regular file under dir, depth levels deep, in name order. */
void backend_fp_tree(struct buf *out, const char *dir, int depth);

#ifdef __cplusplus
}
#endif
#endif
