/* SPDX-License-Identifier: MIT */
/* What building AUR targets takes: repository dependencies to install first, AUR packages to
 * build in order (depth-first, grouped by package base), and what nobody provides. */
#ifndef OMG_ENGINE_AUR_RESOLVE_H
#define OMG_ENGINE_AUR_RESOLVE_H

#include <stddef.h>

#include "engine/aur/aur.h"

/* What the resolver asks the caller (the engine answers from its index and the AUR). */
struct aur_resolve_ops {
	void *ctx;
	/* Non-zero when an installed package satisfies dep. */
	int (*installed)(void *ctx, const char *dep);
	/* A repository package that satisfies dep: its name into name (1), or 0. */
	int (*in_repo)(void *ctx, const char *dep, char *name, size_t namelen);
	/* AUR info for names, appended to out (aur_info). AUR_OK or a failure with err. */
	enum aur_status (*info)(void *ctx, const char *const *names, size_t n,
				struct aur_list *out, char *err, size_t errlen);
	/* AUR packages that provide dep's name (a search by=provides), appended to
	 * out; NULL member: only exact names are found. */
	enum aur_status (*providers)(void *ctx, const char *name, struct aur_list *out,
				     char *err, size_t errlen);
};

/* One package base to build: its packages in the order they were needed. */
struct aur_build {
	const char *base;
	const struct aur_pkg **pkgs; /* into aur_plan.known */
	size_t n;
	int explicit_;              /* a target is among them (installed as explicit) */
};

struct aur_plan {
	struct aur_list known;      /* every AUR record fetched */
	struct aur_build *builds;   /* in build order: dependencies first */
	size_t nbuilds;
	const char **repo;          /* repository packages to install before building */
	size_t nrepo;
	const char **missing;       /* "dep (needed by a -> b)": nothing provides it */
	size_t nmissing;
	struct strpool *pool;       /* repo, missing and builds' strings */
};

/*
 * Resolves targets (AUR package names): for each package, makedepends, then
 * checkdepends (with checkdepends), then depends; a dep an installed package
 * or an earlier build satisfies is skipped, one a repository satisfies goes to
 * repo, else an AUR package (that name, else a provider) is resolved
 * recursively and pushed after its own dependencies. Packages of a base
 * already in the list join its group. A cycle is refused: -1 with
 * "dependency cycle: a -> b -> a" in err. A target the AUR does not have is
 * refused (-1, "not in the AUR: x"). An AUR failure: -1 with its line.
 * Missing dependencies are not an error here: the caller reports plan->missing.
 */
int aur_resolve(const struct aur_resolve_ops *ops, const char *const *targets, size_t n,
		int checkdepends, struct aur_plan *plan, char *err, size_t errlen);
void aur_plan_free(struct aur_plan *plan);

#endif
