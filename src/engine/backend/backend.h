/* SPDX-License-Identifier: MIT */
/* The backend interface: one struct of function pointers per package system. */
#ifndef OMG_ENGINE_BACKEND_H
#define OMG_ENGINE_BACKEND_H

#include <stddef.h>

#include "ipc/pkg.h"
#include "ipc/trans.h"
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
	BACKEND_ERR_TXN = 7,    /* a transaction cannot be done or failed (conflict,
				 * unsatisfiable dependency, bad signature, download error) */
	BACKEND_ERR_LOCKED = 8, /* another process holds the package database lock */
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
 * What a transaction reports while the backend plans and commits it. Every
 * string is borrowed for the call only. The callbacks run on the thread that
 * called plan or commit.
 */
struct trans_cb {
	void *ctx;
	/* One line of the plan (plan only). */
	void (*item)(void *ctx, const struct trans_item *it);
	/* Progress (commit, and lock waits and questions during plan). */
	void (*event)(void *ctx, const struct trans_event *ev);
	/* Asks the user; returns the index of the chosen answer in q->choices.
	 * May block until a client answers or a timeout gives q->def. */
	uint32_t (*ask)(void *ctx, const struct trans_question *q);
	/* A package the plan changes is held: why is "dpkg hold", "IgnorePkg" or
	 * "IgnoreGroup GROUP" (plan only; NULL member: nobody listens). */
	void (*held)(void *ctx, const char *name, const char *why);
};

/* What check_updates found. */
struct update_counts {
	uint64_t upgradable; /* installed packages with a newer version offered */
	uint64_t held;       /* of those, ignored (IgnorePkg, IgnoreGroup): not upgradable */
};

/* What a transaction is asked to do. */
struct trans_request {
	uint32_t kind;           /* enum trans_kind */
	uint32_t flags;          /* enum trans_flag */
	struct strlist targets;  /* package names (install, remove) */
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

	/*
	 * Transactions: plan, then commit or release, on one open instance and
	 * from the thread that opened it. Signature checks stay as the system
	 * configures them. Each returns 0, or -1 with one line in err and a
	 * backend_status in *status (BACKEND_ERR_LOCKED when another process holds
	 * the database lock: the caller may retry; BACKEND_ERR_TXN for a plan that
	 * cannot be done, which has changed nothing).
	 *
	 * plan: resolves req and reports each item through cb->item, then keeps
	 * the transaction (and the database lock) for commit. TRANS_SYNC plans
	 * one item per database to refresh (name = the repository) and takes no
	 * lock until commit. An empty plan is not an error ("nothing to do").
	 * Every held or ignored package an item changes is reported through
	 * cb->held; the plan is made all the same (the engine decides, by
	 * TRANS_CHANGE_HELD, whether it may be committed). With TRANS_DRY_RUN in
	 * req->flags the plan takes no lock and writes nothing (a user without
	 * write access to the root may ask), and commit refuses it.
	 * req has passed txn_check_plan (a known kind; an apply's targets well
	 * formed: one action character and a name each, no name twice), so a
	 * backend checks only what needs its databases.
	 */
	int (*plan)(void *self, const struct trans_request *req, const struct trans_cb *cb,
		    char *err, size_t errlen, int *status);
	/* Runs the planned transaction, reporting progress through cb->event. */
	int (*commit)(void *self, const struct trans_cb *cb, char *err, size_t errlen,
		      int *status);
	/* Drops a planned or committed transaction and releases the lock. */
	void (*release)(void *self);
	/* Who holds the package database lock, as "pacman (pid 123)", into out
	 * ("" when nobody or unknown). */
	void (*lock_holder)(void *self, char *out, size_t outlen);
	/* The lock file a planned transaction holds that outlives a process killed
	 * while holding it (libalpm's db.lck), or NULL when the lock goes with
	 * the process (dpkg's fcntl locks). Borrowed until close. NULL member: none. */
	const char *(*lock_file)(void *self);

	/*
	 * Looks for updates without touching the system's sync state, as
	 * checkupdates does: dir (the engine's own, created if missing) gets
	 * dir/local, a symlink to the system's local database, and dir/sync, a
	 * copy of the system's sync databases refreshed there from the configured
	 * servers with the system's signature checks. Counts the installed
	 * packages a repository there offers a newer version of (ignored ones
	 * apart). Needs no open instance and takes no system lock; safe on its
	 * own thread while another thread uses an instance. NULL member: the
	 * backend has none (apt counts from its existing lists). 0, or -1 with
	 * one line in err (then *out is untouched).
	 */
	int (*check_updates)(const char *root, const char *dir, struct update_counts *out,
			     char *err, size_t errlen);

	/*
	 * Whether the root's configuration, as the open instance read it, lets
	 * packages in without a valid signature ([policy] require_signatures):
	 * alpm, a repository's SigLevel (its own or [options]') Never, or
	 * Optional with TrustAll; apt, a source with trusted=yes (one-line or
	 * deb822) or AllowInsecureRepositories / AllowUnauthenticated set. 1 with
	 * the first such setting as one line in why ("repository 'core' has
	 * SigLevel = Never", "sources.list.d/x.list: [trusted=yes]"), 0 when
	 * none does. From the thread that opened self. NULL member: cannot tell.
	 */
	int (*accepts_unsigned)(void *self, char *why, size_t whylen);
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
	/* Calls add for the few files and directories whose change (a new mtime
	 * or inode) means the installed set or the repositories' offer changed:
	 * the snapshot's witnesses, which omg-fast stats. */
	void (*witness)(const char *root, void (*add)(void *ctx, const char *path), void *ctx);
	/* Unix time the package databases were last refreshed (pacman -Sy,
	 * apt update, omg sync), from mtimes; 0 if unknown. */
	uint64_t (*last_sync)(const char *root);
	/* Non-zero when the system needs a reboot: Debian's /run/reboot-required;
	 * Arch: the running kernel's modules are gone from /usr/lib/modules. */
	int (*reboot_required)(const char *root);
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
