/* SPDX-License-Identifier: MIT */
/* An install that builds from the AUR, inside the engine's transaction: the plan (resolve, fetch
 * the snapshots, what was approved) and the commit (build each base as the build user, install
 * what it built through the backend). */
#ifndef OMG_ENGINE_AUR_INSTALL_H
#define OMG_ENGINE_AUR_INSTALL_H

#include <stddef.h>
#include <stdint.h>

#include "engine/aur/svc.h"
#include "engine/backend/backend.h"
#include "engine/index.h"
#include "ipc/vuln.h"

/* What the resolver needs of the index, copied on the loop's thread for the transaction's. */
struct aur_world;
struct aur_world *aur_world_from_index(const struct index *ix);
void aur_world_free(struct aur_world *w);
/* Non-zero when a repository or an installed package is (or provides) name. */
int aur_world_knows(const struct aur_world *w, const char *name);

struct aur_txn;

/* The AUR part of an install of targets (names the repositories do not
 * have), for uid. Takes w. root: the engine's root ("/" or a sandbox). */
struct aur_txn *aur_txn_new(struct aur_svc *svc, struct aur_world *w, const char *const *targets,
			    size_t n, uint32_t uid, const char *root);
void aur_txn_free(struct aur_txn *a);

/*
 * Plans, on the transaction's thread: resolves the targets (repository
 * dependencies, AUR packages in build order), fetches each base's snapshot
 * and unpacks it as the build user, hashes it and looks up its approval.
 * Each AUR package goes to cb->item (repo "aur"). 0, or -1 with one line in
 * err (a target not in the AUR, a cycle, a missing dependency, no build
 * user, a refused snapshot).
 */
int aur_txn_plan(struct aur_txn *a, const struct trans_cb *cb, char *err, size_t errlen);
/* The repository packages the builds need, to install (as dependencies) first. */
size_t aur_txn_repo_deps(const struct aur_txn *a, const char *const **names);
/* The caller's plan does not include them (an upgrade's does not take
 * targets): the commit installs them, as dependencies, before the builds. */
void aur_txn_deps_later(struct aur_txn *a);
/*
 * [policy] aur on the plan: deny refuses every AUR package, review those
 * whose files are not the approved ones (looked up again now: the user may
 * have reviewed since the plan), allow none (one note says the build is
 * unreviewed). Violations appended to *v (arena strings).
 */
void aur_txn_judge(struct aur_txn *a, struct strpool *arena, struct policy_violation **v,
		   uint32_t *n, const char **note);
/*
 * Commits: for each base in order, a fresh copy of the planned snapshot
 * (which must still hash to what the plan saw, and, unless [policy] aur =
 * allow, to the approved hash) is built by makepkg as the build user, and
 * the packages the plan names are installed through ops/be (an install of
 * package files; dependencies as such). Progress and makepkg's log lines go
 * through cb. 0, or -1 with one line in err and a backend_status in *status;
 * what was installed before a failure stays.
 */
int aur_txn_commit(struct aur_txn *a, const struct backend_ops *ops, void *be,
		   const struct trans_cb *cb, char *err, size_t errlen, int *status);

#endif
