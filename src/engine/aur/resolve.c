/* SPDX-License-Identifier: MIT */
/* The AUR build plan: paru's depth-first post-order walk over makedepends, checkdepends and
 * depends, with the AUR asked level by level, grouped by package base. */
#include "engine/aur/resolve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/strpool.h"
#include "util/xalloc.h"

/* Longer names than this are not package names (makepkg allows 255). */
#define NAME_MAX_ 256

/* One build group while resolving: package bases are joined as they come,
 * and deps (groups this one needs built first) order them at the end. */
struct group {
	const char *base;       /* the first record's, in plan->known's pool */
	size_t *pkgs, n;        /* indices into plan->known */
	size_t *deps, ndeps;    /* indices into groups, never this group itself */
	int explicit_;
};

/* What the walk knows of the record at the same index of plan->known. */
struct node {
	long group;   /* its group, -1 until pushed */
	int visiting; /* on the walk's stack */
};

/* A by=provides search already made: the names it gave (in plan->pool). */
struct search {
	const char *name;
	const char **cands;
	size_t n;
};

struct resolver {
	const struct aur_resolve_ops *ops;
	struct aur_plan *plan;
	int checkdepends;
	char *err;
	size_t errlen;
	/* Names already asked of ops->info, interned in plan->pool (compared by pointer). */
	const char **asked;
	size_t nasked;
	struct node *nodes; /* parallel to plan->known.v, grown by node() */
	size_t nnodes;
	size_t *stack, depth;
	struct group *groups;
	size_t ngroups;
	struct search *searches;
	size_t nsearches;
};

/* The walk state of known record i, growing the table to the list's length. */
static struct node *node(struct resolver *r, size_t i)
{
	if (r->nnodes < r->plan->known.n) {
		size_t n = r->plan->known.n;
		r->nodes = xrealloc(r->nodes, n * sizeof(*r->nodes));
		for (size_t k = r->nnodes; k < n; k++)
			r->nodes[k] = (struct node){ .group = -1 };
		r->nnodes = n;
	}
	return &r->nodes[i];
}

/* The index of the known record named name, or -1. */
static long known_index(const struct resolver *r, const char *name)
{
	const struct aur_pkg *p = aur_list_find(&r->plan->known, name);
	return p ? (long)(p - r->plan->known.v) : -1;
}

/* Whether name (interned in plan->pool) was asked of the AUR already. */
static int was_asked(const struct resolver *r, const char *name)
{
	for (size_t i = 0; i < r->nasked; i++)
		if (r->asked[i] == name)
			return 1;
	return 0;
}

/* Asks the AUR for those of names[0..n) (interned) not asked before, in one
 * call; what it knows lands in plan->known. 0 or -1 with err. */
static int ask_info(struct resolver *r, const char **names, size_t n)
{
	const char **fresh = xmalloc((n ? n : 1) * sizeof(*fresh));
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		if (was_asked(r, names[i]))
			continue;
		r->asked = xrealloc(r->asked, (r->nasked + 1) * sizeof(*r->asked));
		r->asked[r->nasked++] = names[i];
		fresh[m++] = names[i];
	}
	int rc = 0;
	if (m && r->ops->info(r->ops->ctx, fresh, m, &r->plan->known, r->err, r->errlen) !=
			 AUR_OK)
		rc = -1;
	free(fresh);
	return rc;
}

/* The dependency lists the walk follows, in paru's order: makedepends, then
 * checkdepends when they are wanted, then depends. */
static size_t dep_lists(const struct resolver *r, const struct aur_pkg *p,
			struct strlist out[3])
{
	size_t n = 0;
	out[n++] = p->makedepends;
	if (r->checkdepends)
		out[n++] = p->checkdepends;
	out[n++] = p->depends;
	return n;
}

/* Whether dep is the host's or a repository's business (nothing to ask the AUR). */
static int outside_aur(struct resolver *r, const char *dep)
{
	char repo[NAME_MAX_];

	if (r->ops->installed(r->ops->ctx, dep))
		return 1;
	return r->ops->in_repo(r->ops->ctx, dep, repo, sizeof(repo)) != 0;
}

/*
 * Asks the AUR, one level at a time, for the dependencies of the records from
 * plan->known[from] on that neither the host nor a repository satisfies, so a
 * tree of any depth costs one request per level instead of one per package.
 * The walk then finds its records here. 0 or -1 with err.
 */
static int prefetch(struct resolver *r, size_t from)
{
	const char **names = NULL;
	size_t nnames = 0;
	int rc = 0;

	while (rc == 0 && from < r->plan->known.n) {
		size_t end = r->plan->known.n;
		nnames = 0;
		for (size_t i = from; i < end; i++) {
			struct strlist lists[3];
			size_t nl = dep_lists(r, &r->plan->known.v[i], lists);
			for (size_t l = 0; l < nl; l++) {
				for (uint32_t k = 0; k < lists[l].n; k++) {
					const char *dep = lists[l].v[k], *op, *ver;
					char nm[NAME_MAX_];

					aur_dep_split(dep, nm, sizeof(nm), &op, &ver);
					const char *in = strpool_str(r->plan->pool, nm);
					int dup = was_asked(r, in);
					for (size_t j = 0; !dup && j < nnames; j++)
						dup = names[j] == in;
					if (dup || outside_aur(r, dep))
						continue;
					names = xrealloc(names, (nnames + 1) * sizeof(*names));
					names[nnames++] = in;
				}
			}
		}
		from = end;
		if (nnames)
			rc = ask_info(r, names, nnames);
	}
	free(names);
	return rc;
}

/* The known record named name (asking the AUR if it never was), or -1. */
static long fetch(struct resolver *r, const char *name, int *failed)
{
	const char *in = strpool_str(r->plan->pool, name);
	*failed = 0;
	if (!was_asked(r, in)) {
		size_t from = r->plan->known.n;
		if (ask_info(r, &in, 1) < 0 || prefetch(r, from) < 0) {
			*failed = 1;
			return -1;
		}
	}
	return known_index(r, name);
}

/* "a -> b -> c" from the walk's stack, from position from, into b. */
static void chain(const struct resolver *r, size_t from, struct buf *b)
{
	for (size_t i = from; i < r->depth; i++) {
		if (i > from)
			buf_puts(b, " -> ");
		buf_puts(b, r->plan->known.v[r->stack[i]].name);
	}
}

/* Notes that nothing provides dep, with the chain of packages that needs it. */
static void add_missing(struct resolver *r, const char *dep)
{
	struct aur_plan *plan = r->plan;
	struct buf b = { 0 };

	buf_printf(&b, "%s (needed by ", dep);
	chain(r, 0, &b);
	buf_putc(&b, ')');
	for (size_t i = 0; i < plan->nmissing; i++) {
		if (strcmp(plan->missing[i], buf_str(&b)) == 0) {
			buf_free(&b);
			return;
		}
	}
	plan->missing = xrealloc(plan->missing, (plan->nmissing + 1) * sizeof(*plan->missing));
	plan->missing[plan->nmissing++] = strpool_str(plan->pool, buf_str(&b));
	buf_free(&b);
}

/* Adds the repository package name to the repository list once. */
static void add_repo(struct resolver *r, const char *name)
{
	struct aur_plan *plan = r->plan;
	const char *in = strpool_str(plan->pool, name);

	for (size_t i = 0; i < plan->nrepo; i++)
		if (plan->repo[i] == in)
			return;
	plan->repo = xrealloc(plan->repo, (plan->nrepo + 1) * sizeof(*plan->repo));
	plan->repo[plan->nrepo++] = in;
}

/* Adds g to a set of group indices (once). */
static void add_edge(size_t **v, size_t *n, size_t g)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == g)
			return;
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = g;
}

/* Whether a package already in the build list satisfies dep: its group into *g. */
static int in_builds(const struct resolver *r, const char *dep, size_t *g)
{
	for (size_t i = 0; i < r->ngroups; i++) {
		for (size_t k = 0; k < r->groups[i].n; k++) {
			const struct aur_pkg *p = &r->plan->known.v[r->groups[i].pkgs[k]];
			if (aur_dep_satisfied(dep, p->name, p->version, &p->provides)) {
				*g = i;
				return 1;
			}
		}
	}
	return 0;
}

/* The names a by=provides search for name gave (searching once per name). */
static const struct search *search_providers(struct resolver *r, const char *name)
{
	const char *in = strpool_str(r->plan->pool, name);
	for (size_t i = 0; i < r->nsearches; i++)
		if (r->searches[i].name == in)
			return &r->searches[i];

	struct aur_list found;
	aur_list_init(&found);
	if (r->ops->providers(r->ops->ctx, name, &found, r->err, r->errlen) != AUR_OK) {
		aur_list_free(&found);
		return NULL;
	}
	struct search s = { .name = in, .n = found.n };
	s.cands = strpool_alloc(r->plan->pool, (found.n ? found.n : 1) * sizeof(*s.cands));
	for (size_t i = 0; i < found.n; i++)
		s.cands[i] = strpool_str(r->plan->pool, found.v[i].name);
	aur_list_free(&found);
	r->searches = xrealloc(r->searches, (r->nsearches + 1) * sizeof(*r->searches));
	r->searches[r->nsearches] = s;
	return &r->searches[r->nsearches++];
}

/*
 * The AUR package that provides dep: among those a by=provides search finds
 * (their info fetched, since a search reply has no provides), one that
 * satisfies dep: the most votes, then the first name. (One already in the
 * build list never gets here: in_builds took it.) Its index into *out: 1, 0
 * for none, -1 on an AUR failure.
 */
static int pick_provider(struct resolver *r, const char *dep, const char *name, long *out)
{
	if (!r->ops->providers)
		return 0;
	const struct search *s = search_providers(r, name);
	if (!s)
		return -1;
	size_t from = r->plan->known.n;
	if (ask_info(r, s->cands, s->n) < 0 || prefetch(r, from) < 0)
		return -1;

	long best = -1;
	for (size_t i = 0; i < s->n; i++) {
		long k = known_index(r, s->cands[i]);
		if (k < 0)
			continue;
		const struct aur_pkg *p = &r->plan->known.v[k];
		if (!aur_dep_satisfied(dep, p->name, p->version, &p->provides))
			continue;
		if (best < 0) {
			best = k;
			continue;
		}
		const struct aur_pkg *b = &r->plan->known.v[best];
		if (p->votes != b->votes ? p->votes > b->votes : strcmp(p->name, b->name) < 0)
			best = k;
	}
	*out = best;
	return best >= 0;
}

static int visit(struct resolver *r, size_t idx);

/*
 * One dependency of the package on top of the stack: skipped when the build
 * list or the host satisfies it, a repository package when one does, else an
 * AUR package walked (and pushed) before the one that needs it. The group
 * that satisfies it goes into edges. 0, or -1 with err (a cycle, an AUR
 * failure).
 */
static int resolve_dep(struct resolver *r, const char *dep, size_t **edges, size_t *nedges)
{
	char name[NAME_MAX_];
	const char *op, *ver;
	size_t g;
	int failed;

	if (in_builds(r, dep, &g)) {
		add_edge(edges, nedges, g);
		return 0;
	}
	if (r->ops->installed(r->ops->ctx, dep))
		return 0;
	if (r->ops->in_repo(r->ops->ctx, dep, name, sizeof(name))) {
		add_repo(r, name);
		return 0;
	}

	aur_dep_split(dep, name, sizeof(name), &op, &ver);
	long k = fetch(r, name, &failed);
	if (failed)
		return -1;
	if (k >= 0) {
		const struct aur_pkg *p = &r->plan->known.v[k];
		if (!aur_dep_satisfied(dep, p->name, p->version, &p->provides))
			k = -1;
	}
	if (k < 0) {
		int rc = pick_provider(r, dep, name, &k);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			add_missing(r, dep);
			return 0;
		}
	}

	if (node(r, (size_t)k)->visiting) {
		struct buf b = { 0 };
		size_t from = 0;
		while (r->stack[from] != (size_t)k)
			from++;
		buf_puts(&b, "dependency cycle: ");
		chain(r, from, &b);
		buf_printf(&b, " -> %s", r->plan->known.v[k].name);
		snprintf(r->err, r->errlen, "%s", buf_str(&b));
		buf_free(&b);
		return -1;
	}
	if (node(r, (size_t)k)->group < 0 && visit(r, (size_t)k) < 0)
		return -1;
	add_edge(edges, nedges, (size_t)node(r, (size_t)k)->group);
	return 0;
}

/* Puts known record idx in the build list: into its base's group when there
 * is one, else a new group at the end. edges: the groups it needs. */
static void push_build(struct resolver *r, size_t idx, const size_t *edges, size_t nedges)
{
	const char *base = r->plan->known.v[idx].base;
	size_t g = 0;

	while (g < r->ngroups && strcmp(r->groups[g].base, base) != 0)
		g++;
	if (g == r->ngroups) {
		r->groups = xrealloc(r->groups, (r->ngroups + 1) * sizeof(*r->groups));
		r->groups[r->ngroups++] = (struct group){ .base = base };
	}
	struct group *gr = &r->groups[g];
	gr->pkgs = xrealloc(gr->pkgs, (gr->n + 1) * sizeof(*gr->pkgs));
	gr->pkgs[gr->n++] = idx;
	for (size_t i = 0; i < nedges; i++)
		if (edges[i] != g)
			add_edge(&gr->deps, &gr->ndeps, edges[i]);
	node(r, idx)->group = (long)g;
}

/* Walks known record idx's dependencies, then pushes it. 0 or -1 with err. */
static int visit(struct resolver *r, size_t idx)
{
	struct strlist lists[3];
	size_t nl = dep_lists(r, &r->plan->known.v[idx], lists);
	size_t *edges = NULL, nedges = 0;
	int rc = 0;

	r->stack = xrealloc(r->stack, (r->depth + 1) * sizeof(*r->stack));
	r->stack[r->depth++] = idx;
	node(r, idx)->visiting = 1;
	/* The lists point into known's pool, which stays put while known.v grows. */
	for (size_t l = 0; rc == 0 && l < nl; l++)
		for (uint32_t k = 0; rc == 0 && k < lists[l].n; k++)
			rc = resolve_dep(r, lists[l].v[k], &edges, &nedges);
	node(r, idx)->visiting = 0;
	r->depth--;
	if (rc == 0)
		push_build(r, idx, edges, nedges);
	free(edges);
	return rc;
}

/*
 * The groups into plan->builds, each after the groups it needs: the walk's
 * order already is, unless a package joined its base's group after that
 * group's place (a split package needing something pushed since); then the
 * group moves after it. The earliest ready group goes first, so nothing else
 * moves. A group needing itself through others is a cycle: -1 with err.
 */
static int order_builds(struct resolver *r)
{
	struct aur_plan *plan = r->plan;
	char *done = xcalloc(r->ngroups ? r->ngroups : 1, 1);
	int rc = 0;

	plan->builds = xcalloc(r->ngroups ? r->ngroups : 1, sizeof(*plan->builds));
	while (plan->nbuilds < r->ngroups) {
		size_t g = 0;
		for (; g < r->ngroups; g++) {
			if (done[g])
				continue;
			size_t d = 0;
			while (d < r->groups[g].ndeps && done[r->groups[g].deps[d]])
				d++;
			if (d == r->groups[g].ndeps)
				break;
		}
		if (g == r->ngroups) {
			/* Follow unbuilt needs from an unbuilt group until one repeats. */
			size_t *seen = xmalloc(r->ngroups * sizeof(*seen)), n = 0, at = 0;
			while (done[at])
				at++;
			for (;;) {
				size_t i = 0;
				while (i < n && seen[i] != at)
					i++;
				if (i < n) {
					struct buf b = { 0 };
					buf_puts(&b, "dependency cycle: ");
					for (size_t j = i; j < n; j++)
						buf_printf(&b, "%s -> ", r->groups[seen[j]].base);
					buf_puts(&b, r->groups[at].base);
					snprintf(r->err, r->errlen, "%s", buf_str(&b));
					buf_free(&b);
					break;
				}
				seen[n++] = at;
				const struct group *gr = &r->groups[at];
				size_t d = 0;
				while (done[gr->deps[d]])
					d++;
				at = gr->deps[d];
			}
			free(seen);
			rc = -1;
			break;
		}
		const struct group *gr = &r->groups[g];
		struct aur_build *b = &plan->builds[plan->nbuilds++];
		const struct aur_pkg **pkgs = strpool_alloc(plan->pool, gr->n * sizeof(*pkgs));
		for (size_t i = 0; i < gr->n; i++)
			pkgs[i] = &plan->known.v[gr->pkgs[i]];
		*b = (struct aur_build){ .base = gr->base, .pkgs = pkgs, .n = gr->n,
					 .explicit_ = gr->explicit_ };
		done[g] = 1;
	}
	free(done);
	return rc;
}

int aur_resolve(const struct aur_resolve_ops *ops, const char *const *targets, size_t n,
		int checkdepends, struct aur_plan *plan, char *err, size_t errlen)
{
	struct resolver r = { .ops = ops, .plan = plan, .checkdepends = checkdepends,
			      .err = err, .errlen = errlen };
	const char **names = xmalloc((n ? n : 1) * sizeof(*names));
	int rc = -1;

	memset(plan, 0, sizeof(*plan));
	aur_list_init(&plan->known);
	plan->pool = strpool_new();

	for (size_t i = 0; i < n; i++)
		names[i] = strpool_str(plan->pool, targets[i]);
	if (ask_info(&r, names, n) < 0 || prefetch(&r, 0) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (known_index(&r, targets[i]) < 0) {
			snprintf(err, errlen, "package '%s' was not found, in the repositories "
				 "or in the AUR", targets[i]);
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = (size_t)known_index(&r, targets[i]);
		if (node(&r, k)->group < 0 && visit(&r, k) < 0)
			goto out;
		r.groups[node(&r, k)->group].explicit_ = 1;
	}
	rc = order_builds(&r);
out:
	for (size_t i = 0; i < r.ngroups; i++) {
		free(r.groups[i].pkgs);
		free(r.groups[i].deps);
	}
	free(r.groups);
	free(r.nodes);
	free(r.stack);
	free(r.asked);
	free(r.searches);
	free(names);
	if (rc < 0)
		aur_plan_free(plan);
	return rc;
}

void aur_plan_free(struct aur_plan *plan)
{
	aur_list_free(&plan->known);
	free(plan->builds);
	free(plan->repo);
	free(plan->missing);
	strpool_free(plan->pool);
	memset(plan, 0, sizeof(*plan));
}
