/* SPDX-License-Identifier: MIT */
/* Installs from the AUR inside the engine's transaction: plan (resolve, snapshots, approvals) and
 * commit (makepkg as the build user, then the backend installs the built files). */
#include "engine/aur/install.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/aur/resolve.h"
#include "engine/aur/snapshot.h"
#include "util/strpool.h"
#include "util/vercmp.h"
#include "util/xalloc.h"

/* ---- the world: what the index says, for the resolver ---- */

struct world_pkg {
	const char *name;
	const char *version;   /* the repositories' candidate, "" for a foreign package */
	const char *installed; /* the installed version, "" when not installed */
	struct strlist provides;
};

struct world_prov {
	const char *name; /* a provided name (without its version) */
	uint32_t pkg;
};

struct aur_world {
	struct strpool *pool;
	struct world_pkg *v;   /* in name order (the index's) */
	size_t n;
	struct world_prov *prov; /* in provided-name order */
	size_t nprov;
};

static int cmp_prov(const void *x, const void *y)
{
	return strcmp(((const struct world_prov *)x)->name, ((const struct world_prov *)y)->name);
}

struct aur_world *aur_world_from_index(const struct index *ix)
{
	struct aur_world *w = xcalloc(1, sizeof(*w));
	w->pool = strpool_new();
	size_t n = index_count(ix);
	w->v = xcalloc(n ? n : 1, sizeof(*w->v));
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		const struct pkg *p = index_get(ix, i);
		struct world_pkg *d = &w->v[w->n++];
		d->name = strpool_str(w->pool, p->name);
		int foreign = !!(p->flags & PKG_FOREIGN);
		d->version = foreign ? "" : strpool_str(w->pool, p->version);
		d->installed = strpool_str(w->pool, p->installed_version);
		if (p->provides.n) {
			const char **v = strpool_alloc(w->pool, p->provides.n * sizeof(*v));
			for (uint32_t k = 0; k < p->provides.n; k++) {
				v[k] = strpool_str(w->pool, p->provides.v[k]);
				if (w->nprov == cap) {
					cap = cap ? cap * 2 : 256;
					w->prov = xrealloc(w->prov, cap * sizeof(*w->prov));
				}
				char name[256];
				const char *op, *ver;
				aur_dep_split(v[k], name, sizeof(name), &op, &ver);
				w->prov[w->nprov].name = strpool_str(w->pool, name);
				w->prov[w->nprov++].pkg = (uint32_t)(w->n - 1);
			}
			d->provides = (struct strlist){v, p->provides.n};
		}
	}
	qsort(w->prov, w->nprov, sizeof(*w->prov), cmp_prov);
	return w;
}

void aur_world_free(struct aur_world *w)
{
	if (!w)
		return;
	strpool_free(w->pool);
	free(w->v);
	free(w->prov);
	free(w);
}

static long world_find(const struct aur_world *w, const char *name)
{
	size_t lo = 0, hi = w->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(w->v[mid].name, name);
		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int aur_world_knows(const struct aur_world *w, const char *name)
{
	if (world_find(w, name) >= 0)
		return 1;
	struct world_prov key = {name, 0};
	return bsearch(&key, w->prov, w->nprov, sizeof(*w->prov), cmp_prov) != NULL;
}

/*
 * The package of w satisfying dep, as installed (installed) or as the
 * repositories offer it: its position, or -1.
 */
static long world_satisfier(const struct aur_world *w, const char *dep, int installed)
{
	char name[256];
	const char *op, *ver;
	aur_dep_split(dep, name, sizeof(name), &op, &ver);
	long i = world_find(w, name);
	if (i >= 0) {
		const struct world_pkg *p = &w->v[i];
		const char *v = installed ? p->installed : p->version;
		if (*v && aur_dep_satisfied(dep, p->name, v, &p->provides))
			return i;
	}
	struct world_prov key = {name, 0};
	struct world_prov *hit = bsearch(&key, w->prov, w->nprov, sizeof(*w->prov), cmp_prov);
	if (!hit)
		return -1;
	while (hit > w->prov && !strcmp(hit[-1].name, name))
		hit--;
	for (; hit < w->prov + w->nprov && !strcmp(hit->name, name); hit++) {
		const struct world_pkg *p = &w->v[hit->pkg];
		const char *v = installed ? p->installed : p->version;
		if (*v && aur_dep_satisfied(dep, p->name, v, &p->provides))
			return hit->pkg;
	}
	return -1;
}

/* ---- the transaction's AUR part ---- */

struct base_state {
	char dir[4096];   /* BUILD_DIR/BASE/snapshot: what the plan saw */
	struct buf tgz;   /* the snapshot, as downloaded */
	char hash[65];
};

struct aur_txn {
	struct aur_svc *svc;
	struct aur_world *world;
	char **targets;
	size_t ntargets;
	uint32_t uid;
	int sandbox;
	struct aur_plan plan;
	int planned;
	struct base_state *bases; /* one per plan.builds */
	struct aur_user user;
	char note[512];
	int deps_later;           /* the commit installs plan.repo first */
};

struct aur_txn *aur_txn_new(struct aur_svc *svc, struct aur_world *w, const char *const *targets,
			    size_t n, uint32_t uid, const char *root)
{
	struct aur_txn *a = xcalloc(1, sizeof(*a));
	a->svc = svc;
	a->world = w;
	a->targets = xcalloc(n + 1, sizeof(*a->targets));
	for (size_t i = 0; i < n; i++)
		a->targets[i] = xstrdup(targets[i]);
	a->ntargets = n;
	a->uid = uid;
	a->sandbox = strcmp(root, "/") != 0;
	return a;
}

void aur_txn_free(struct aur_txn *a)
{
	if (!a)
		return;
	for (size_t i = 0; a->bases && i < a->plan.nbuilds; i++)
		buf_free(&a->bases[i].tgz);
	free(a->bases);
	if (a->planned)
		aur_plan_free(&a->plan);
	for (size_t i = 0; i < a->ntargets; i++)
		free(a->targets[i]);
	free(a->targets);
	aur_world_free(a->world);
	free(a);
}

/* The resolver's questions, answered from the world and the AUR. */
static int op_installed(void *ctx, const char *dep)
{
	struct aur_txn *a = ctx;
	return world_satisfier(a->world, dep, 1) >= 0;
}

static int op_in_repo(void *ctx, const char *dep, char *name, size_t namelen)
{
	struct aur_txn *a = ctx;
	long i = world_satisfier(a->world, dep, 0);
	if (i < 0)
		return 0;
	snprintf(name, namelen, "%s", a->world->v[i].name);
	return 1;
}

static enum aur_status op_info(void *ctx, const char *const *names, size_t n,
			       struct aur_list *out, char *err, size_t errlen)
{
	struct aur_txn *a = ctx;
	struct aur_conf c;
	aur_svc_conf(a->svc, &c);
	return aur_info(&c, names, n, out, err, errlen);
}

static enum aur_status op_providers(void *ctx, const char *name, struct aur_list *out,
				    char *err, size_t errlen)
{
	struct aur_txn *a = ctx;
	struct aur_conf c;
	aur_svc_conf(a->svc, &c);
	return aur_search(&c, "provides", name, out, err, errlen);
}

/* Whether name is one of the request's targets (installed as explicit). */
static int is_target(const struct aur_txn *a, const char *name)
{
	for (size_t i = 0; i < a->ntargets; i++)
		if (!strcmp(a->targets[i], name))
			return 1;
	return 0;
}

int aur_txn_plan(struct aur_txn *a, const struct trans_cb *cb, char *err, size_t errlen)
{
	const struct config *cfg = aur_svc_config(a->svc);
	if (cfg->aur_policy == AUR_POLICY_DENY) {
		snprintf(err, errlen, "[policy] aur = deny: nothing is built from the AUR here "
			 "(not in the repositories: %s)", a->targets[0]);
		return -1;
	}
	struct aur_resolve_ops ops = {a, op_installed, op_in_repo, op_info, op_providers};
	if (aur_resolve(&ops, (const char *const *)a->targets, a->ntargets, 1, &a->plan, err,
			errlen) != 0)
		return -1;
	a->planned = 1;
	/* Who builds, once there is something to build: a name nobody has is said first. */
	if (aur_user_resolve(cfg->aur_build_user, (uid_t)a->uid, &a->user, err, errlen) != 0)
		return -1;
	if (a->plan.nmissing) {
		struct buf b = {0};
		for (size_t i = 0; i < a->plan.nmissing; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", a->plan.missing[i]);
		snprintf(err, errlen, "nothing provides %s", b.p);
		buf_free(&b);
		return -1;
	}
	a->bases = xcalloc(a->plan.nbuilds ? a->plan.nbuilds : 1, sizeof(*a->bases));
	for (size_t i = 0; i < a->plan.nbuilds; i++) {
		const struct aur_build *bld = &a->plan.builds[i];
		struct base_state *st = &a->bases[i];
		char *what = xasprintf("downloading the AUR snapshot of %s", bld->base);
		struct trans_event ev = {.kind = TEV_PHASE, .name = bld->base, .text = what,
					 .index = (uint32_t)i + 1, .count = (uint32_t)a->plan.nbuilds};
		cb->event(cb->ctx, &ev);
		free(what);
		if (aur_svc_fetch_base(a->svc, bld->pkgs[0], a->uid, st->dir, sizeof(st->dir),
				       &st->tgz, err, errlen) != 0)
			return -1;
		if (aur_tree_hash(st->dir, st->hash, err, errlen) != 0)
			return -1;
		for (size_t k = 0; k < bld->n; k++) {
			const struct aur_pkg *p = bld->pkgs[k];
			long w = world_find(a->world, p->name);
			const char *old = w >= 0 ? a->world->v[w].installed : "";
			int cmp = *old ? vercmp_alpm(p->version, old) : 1;
			struct trans_item it = {
				.action = !*old ? ACT_INSTALL : cmp > 0 ? ACT_UPGRADE :
					  cmp < 0 ? ACT_DOWNGRADE : ACT_REINSTALL,
				.reason = is_target(a, p->name) ? PKG_REASON_EXPLICIT :
					  PKG_REASON_DEPEND,
				.name = p->name,
				.old_version = old,
				.new_version = p->version,
				.repo = "aur",
				.download = k == 0 ? (int64_t)st->tgz.len : 0,
				.size_change = 0,
			};
			cb->item(cb->ctx, &it);
		}
	}
	return 0;
}

size_t aur_txn_repo_deps(const struct aur_txn *a, const char *const **names)
{
	*names = a->plan.repo;
	return a->plan.nrepo;
}

void aur_txn_deps_later(struct aur_txn *a)
{
	a->deps_later = 1;
}

/* Whether base's approved hash is hash (the store's lock taken). */
static int approved(struct aur_txn *a, const char *base, const char *hash)
{
	pthread_mutex_t *lock;
	struct aur_reviews *r = aur_svc_reviews(a->svc, &lock);
	if (!r)
		return 0;
	char got[65], err[256];
	pthread_mutex_lock(lock);
	int rc = aur_review_approved(r, base, got, NULL, NULL, err, sizeof(err));
	pthread_mutex_unlock(lock);
	return rc == 1 && !strcmp(got, hash);
}

void aur_txn_judge(struct aur_txn *a, struct strpool *arena, struct policy_violation **v,
		   uint32_t *n, const char **note)
{
	*note = NULL;
	const struct config *cfg = aur_svc_config(a->svc);
	if (cfg->aur_policy == AUR_POLICY_ALLOW) {
		snprintf(a->note, sizeof(a->note), "[policy] aur = allow: AUR build files are built "
			 "whether or not anyone approved them");
		*note = a->note;
		return;
	}
	for (size_t i = 0; i < a->plan.nbuilds; i++) {
		const struct aur_build *bld = &a->plan.builds[i];
		if (approved(a, bld->base, a->bases[i].hash))
			continue;
		char why[512];
		snprintf(why, sizeof(why), "the build files of %s are not the approved ones: run "
			 "omg aur review %s", bld->base, bld->pkgs[0]->name);
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[*n] = (struct policy_violation){
			POLICY_AUR, strpool_str(arena, bld->pkgs[0]->name), strpool_str(arena, why), 0};
		(*n)++;
	}
}

/* The built file of pkg among files (makepkg --packagelist): NAME-VER-ARCH.pkg.tar.*. */
static const char *file_of(char **files, const struct aur_pkg *p)
{
	size_t nl = strlen(p->name), vl = strlen(p->version);
	for (size_t i = 0; files && files[i]; i++) {
		const char *b = strrchr(files[i], '/');
		b = b ? b + 1 : files[i];
		if (!strncmp(b, p->name, nl) && b[nl] == '-' && !strncmp(b + nl + 1, p->version, vl) &&
		    b[nl + 1 + vl] == '-')
			return files[i];
	}
	return NULL;
}

/* trans_cb.item for the install of what was built: its lines went with the plan. */
static void no_item(void *ctx, const struct trans_item *it)
{
	(void)ctx;
	(void)it;
}

/* Installs names (package names or built files) with flags through the backend,
 * planned and committed at once: their lines went with the transaction's plan,
 * so the backend's plan lines are not reported again. 0 or -1 with err. */
static int install_now(const struct backend_ops *ops, void *be, const struct trans_cb *cb,
		       const char **names, size_t n, uint32_t flags, char *err, size_t errlen,
		       int *status)
{
	struct trans_request req = {TRANS_INSTALL, flags, {names, (uint32_t)n}};
	struct trans_cb quiet = *cb;
	quiet.item = no_item;
	int rc = ops->plan(be, &req, &quiet, err, errlen, status);
	if (rc == 0)
		rc = ops->commit(be, cb, err, errlen, status);
	ops->release(be);
	return rc;
}

int aur_txn_commit(struct aur_txn *a, const struct backend_ops *ops, void *be,
		   const struct trans_cb *cb, char *err, size_t errlen, int *status)
{
	const struct config *cfg = aur_svc_config(a->svc);
	if (a->deps_later && a->plan.nrepo) {
		struct trans_event ev = {.kind = TEV_PHASE,
					 .text = "installing what the AUR builds need",
					 .count = (uint32_t)a->plan.nrepo};
		cb->event(cb->ctx, &ev);
		if (install_now(ops, be, cb, a->plan.repo, a->plan.nrepo, TRANS_AS_DEPS, err, errlen,
				status) != 0)
			return -1;
	}
	for (size_t i = 0; i < a->plan.nbuilds; i++) {
		const struct aur_build *bld = &a->plan.builds[i];
		struct base_state *st = &a->bases[i];
		*status = BACKEND_ERR_TXN;
		char base_dir[4096], build[4200], out[4300], log[4300];
		if (aur_svc_base_dir(a->svc, bld->base, base_dir, sizeof(base_dir)) != 0) {
			snprintf(err, errlen, "no build directory for %s", bld->base);
			return -1;
		}
		snprintf(build, sizeof(build), "%s/build", base_dir);
		snprintf(out, sizeof(out), "%s/build/out", base_dir);
		snprintf(log, sizeof(log), "%s/build.log", base_dir);
		char *what = xasprintf("building %s from the AUR", bld->base);
		struct trans_event ev = {.kind = TEV_PHASE, .name = bld->base, .text = what,
					 .index = (uint32_t)i + 1, .count = (uint32_t)a->plan.nbuilds};
		cb->event(cb->ctx, &ev);
		free(what);
		/* A fresh copy of what the plan downloaded: what is built is what was seen. */
		if (aur_svc_unpack(a->svc, &a->user, bld->base, &st->tgz, build, err, errlen) != 0)
			return -1;
		char hash[65];
		if (aur_tree_hash(build, hash, err, errlen) != 0)
			return -1;
		if (strcmp(hash, st->hash) != 0) {
			snprintf(err, errlen, "%s's build files changed since the plan; nothing of it "
				 "was built", bld->base);
			return -1;
		}
		if (cfg->aur_policy != AUR_POLICY_ALLOW && !approved(a, bld->base, hash)) {
			snprintf(err, errlen, "the build files of %s are not the approved ones: run omg "
				 "aur review %s", bld->base, bld->pkgs[0]->name);
			return -1;
		}
		struct aur_build_opts bo = {
			.dir = build, .out_dir = out, .log = log, .nodeps = a->sandbox,
			.nocheck = 0, .cancel = aur_svc_cancel_flag(a->svc),
		};
		char **files = NULL;
		char *line = xasprintf("makepkg as %s in %s (log: %s)", a->user.name, build, log);
		struct trans_event lg = {.kind = TEV_LOG, .level = TLOG_INFO, .name = bld->base,
					 .text = line};
		cb->event(cb->ctx, &lg);
		free(line);
		if (aur_makepkg(&a->user, &bo, &files, err, errlen) != 0)
			return -1;
		const char **install = xcalloc(bld->n + 1, sizeof(*install));
		size_t ninstall = 0;
		int explicit_ = 0;
		for (size_t k = 0; k < bld->n; k++) {
			const char *f = file_of(files, bld->pkgs[k]);
			if (!f) {
				snprintf(err, errlen, "makepkg built no package %s %s (see %s)",
					 bld->pkgs[k]->name, bld->pkgs[k]->version, log);
				free(install);
				aur_strv_free(files);
				return -1;
			}
			install[ninstall++] = f;
			explicit_ |= is_target(a, bld->pkgs[k]->name);
		}
		int rc = install_now(ops, be, cb, install, ninstall, explicit_ ? 0 : TRANS_AS_DEPS, err,
				     errlen, status);
		free(install);
		aur_strv_free(files);
		if (rc != 0)
			return -1;
	}
	*status = 0;
	return 0;
}
