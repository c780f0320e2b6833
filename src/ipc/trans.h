/* SPDX-License-Identifier: MIT */
/* What a transaction is made of: kinds, plan items, progress events and questions (plain values). */
#ifndef OMG_IPC_TRANS_H
#define OMG_IPC_TRANS_H

#include <stdint.h>

#include "ipc/pkg.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a transaction does. */
enum trans_kind {
	TRANS_SYNC = 1,    /* refresh the package databases */
	TRANS_INSTALL = 2, /* install or upgrade the named packages and their dependencies;
			    * a target starting with '/' is a package file (alpm only) */
	TRANS_REMOVE = 3,  /* remove the named packages */
	TRANS_UPGRADE = 4, /* upgrade every installed package that has a newer version */
	TRANS_APPLY = 5,   /* a set of marks, one per target (enum trans_apply_op), as one
			    * transaction: what the UI commits (aptitude's g) */
};

/*
 * TRANS_APPLY targets: each is one action character, then a package name
 * ("+vim", "-nano", "_nano", "=linux"). A name appears once; at least one
 * target. Flags are ignored. See docs/protocol.md for what each backend does.
 */
enum trans_apply_op {
	APPLY_INSTALL = '+', /* install, or upgrade when installed (an up-to-date one is left) */
	APPLY_REMOVE = '-',  /* remove (must be installed) */
	APPLY_PURGE = '_',   /* remove with its configuration files (must be installed) */
	APPLY_KEEP = '=',    /* keep at the installed version in this transaction (must be installed) */
};

/* Transaction flags (a plan request's). */
enum trans_flag {
	TRANS_RECURSIVE = 1u << 0,   /* remove: also dependencies nothing else needs */
	TRANS_DRY_RUN = 1u << 1,     /* plan only: no lock, no root needed, never committed;
				      * the engine ends it with its reply */
	TRANS_CHANGE_HELD = 1u << 2, /* the user agreed to change held (dpkg hold) and ignored
				      * (IgnorePkg/IgnoreGroup) packages the plan names */
	TRANS_AS_DEPS = 1u << 3,     /* install: every package it installs or upgrades gets
				      * the reason dependency (pacman --asdeps; alpm only) */
	TRANS_NO_AUR = 1u << 4,      /* install, upgrade: the repositories only, never the AUR
				      * (omg upgrade --repo) */
};
#define TRANS_FLAGS_KNOWN (TRANS_RECURSIVE | TRANS_DRY_RUN | TRANS_CHANGE_HELD | TRANS_AS_DEPS | \
			   TRANS_NO_AUR)

/* What happens to one package. */
enum trans_action {
	ACT_INSTALL = 1,
	ACT_UPGRADE = 2,
	ACT_DOWNGRADE = 3,
	ACT_REINSTALL = 4,
	ACT_REMOVE = 5,
	ACT_REFRESH = 6, /* sync: one database to refresh (name: the repository) */
	ACT_PURGE = 7,   /* remove with the configuration files (apply's '_'; on alpm every
			  * removal of a transaction with a purge: NOSAVE is its flag) */
};

/* One line of a plan (and of a history entry). Strings are "" when unknown:
 * old_version for an install, new_version for a removal. */
struct trans_item {
	uint32_t action;    /* enum trans_action */
	uint32_t reason;    /* enum pkg_reason after the transaction (installs) */
	const char *name;
	const char *old_version;
	const char *new_version;
	const char *repo;   /* where the new version comes from */
	int64_t download;   /* bytes still to download (0 when cached or a removal) */
	int64_t size_change; /* installed size after minus before, bytes */
	/* Inside the engine only (not on the wire; NULL in a decoded item): the new
	 * version's source package and its version (apt's Source field; the
	 * package's own name and version without one), for the policy's severity
	 * rule. NULL on alpm. */
	const char *source, *source_version;
};

/* Progress events, in the order a commit makes them. */
enum trans_event_kind {
	TEV_PHASE = 1,    /* text: the step that starts ("downloading", "checking keys",
			   * "installing", "refreshing databases", ...); count: items in it */
	TEV_DOWNLOAD = 2, /* name: file; done/total: bytes of it; index/count: file i of n
			   * when known; percent 100 and text "done" or "failed: why" at its end */
	TEV_PACKAGE = 3,  /* name: package; text: "installing", "upgrading", "removing",
			   * "configuring", ...; percent of it; index/count: package i of n */
	TEV_LOG = 4,      /* text: one line of backend, scriptlet, hook or dpkg output;
			   * level: enum trans_log_level */
	TEV_LOCK = 5,     /* text: who holds the package database lock while we wait */
	TEV_QUESTION = 6, /* a question (fields in struct trans_question): the engine fills
			   * question and choices; see the answer rules in docs/protocol.md */
	TEV_DECISION = 7, /* text: what the engine decided without asking (a conffile kept,
			   * a question answered by its default) */
};

enum trans_log_level { TLOG_INFO = 0, TLOG_WARNING = 1, TLOG_ERROR = 2 };

struct trans_event {
	uint32_t kind;   /* enum trans_event_kind */
	uint32_t level;  /* TEV_LOG */
	const char *name; /* "" when none */
	const char *text; /* "" when none */
	uint32_t index, count; /* item i (1-based) of n; 0 when unknown */
	uint64_t done, total;  /* bytes (downloads); 0 when unknown */
	uint32_t percent;      /* 0-100 */
};

/* Questions a backend asks during plan or commit. */
enum trans_question_kind {
	TQ_REPLACE = 1,   /* replace an installed package by another (removes it) */
	TQ_CONFLICT = 2,  /* remove a conflicting installed package */
	TQ_CORRUPTED = 3, /* delete a corrupted package file from the cache */
	TQ_PROVIDER = 4,  /* choose one of several providers */
	TQ_IMPORT_KEY = 5, /* import a PGP key */
	TQ_IGNORED = 6,   /* install a package that is in IgnorePkg/IgnoreGroup */
	TQ_SKIP = 7,      /* skip packages whose dependencies cannot be resolved */
	TQ_OTHER = 8,
};

/* One question. def is the safe default: it never removes a package the
 * user did not name and never imports a key. */
struct trans_question {
	uint32_t kind;           /* enum trans_question_kind */
	const char *text;        /* the question as one line */
	struct strlist choices;  /* "no", "yes" for yes/no questions; providers otherwise */
	uint32_t def;            /* index into choices */
};

/* Non-zero if a user's install argument means a package file rather than a
 * package name: a path ("/", "./" or "../" in front) or a name ending in
 * ".pkg.tar" or ".pkg.tar.EXT" (makepkg's PKGEXT). "repo/name" is a name.
 * A client sends a file as its absolute path (a TRANS_INSTALL target that
 * starts with '/'), which the engine reads with its own rights. */
int trans_arg_is_file(const char *arg);
/* "sync", "install", ... for an enum trans_kind; static strings. */
const char *trans_kind_name(uint32_t kind);
/* "install", "upgrade", ... for an enum trans_action; static strings. */
const char *trans_action_name(uint32_t action);

#ifdef __cplusplus
}
#endif
#endif
