/* SPDX-License-Identifier: MIT */
/* Unit tests for the AUR build plan: order (post-order, makedepends before depends), grouping by
 * package base, what the host and the repositories satisfy, providers, missing deps, cycles, and
 * the AUR asked once per name, level by level. The resolver's callbacks answer from tables here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/aur/aur.h"
#include "engine/aur/resolve.h"
#include "util/strpool.h"
#include "util/xalloc.h"

/* An AUR package of the test's world; lists are space-separated. */
struct rec {
	const char *name, *base, *version;
	int64_t votes;
	const char *make, *check, *deps, *provides;
};

/* A host package ("name=version"), installed or in a repository. */
struct world {
	const struct rec *aur;
	const char *const *installed; /* NULL-terminated "name=version" */
	const char *const *repo;      /* same */
	int info_fails;               /* info answers AUR_ERR_NET */
	int no_providers;             /* ops.providers is NULL */
	/* What the resolver asked. */
	char asked[64][64];
	size_t nasked;
	int info_calls, provider_calls;
};

/* list as a strlist in pool ("a b c"; NULL or "" is empty). */
static struct strlist split_list(struct strpool *pool, const char *list)
{
	struct strlist l = { 0 };
	const char **v = strpool_alloc(pool, 16 * sizeof(*v));
	const char *p = list ? list : "";

	while (*p) {
		size_t n = strcspn(p, " ");
		if (n) {
			assert_true(l.n < 16);
			v[l.n++] = strpool_intern(pool, p, n);
		}
		p += n + (p[n] == ' ');
	}
	l.v = v;
	return l;
}

/* Appends rec to out the way aur_parse would: an info record carries every
 * list, a search record none. */
static void append(struct aur_list *out, const struct rec *r, int info)
{
	out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
	struct aur_pkg *p = &out->v[out->n++];
	memset(p, 0, sizeof(*p));
	p->name = strpool_str(out->pool, r->name);
	p->base = strpool_str(out->pool, r->base ? r->base : r->name);
	p->version = strpool_str(out->pool, r->version ? r->version : "1.0-1");
	p->desc = p->url = p->url_path = p->maintainer = p->submitter = "";
	p->votes = r->votes;
	p->info = info;
	if (info) {
		p->makedepends = split_list(out->pool, r->make);
		p->checkdepends = split_list(out->pool, r->check);
		p->depends = split_list(out->pool, r->deps);
		p->provides = split_list(out->pool, r->provides);
	}
}

/* Whether a host package of table satisfies dep; its name into name. */
static int host_satisfies(const char *const *table, const char *dep, char *name, size_t len)
{
	for (size_t i = 0; table && table[i]; i++) {
		char n[64];
		const char *op, *ver;
		aur_dep_split(table[i], n, sizeof(n), &op, &ver);
		if (aur_dep_satisfied(dep, n, ver, NULL)) {
			if (name)
				snprintf(name, len, "%s", n);
			return 1;
		}
	}
	return 0;
}

static int cb_installed(void *ctx, const char *dep)
{
	const struct world *w = ctx;
	return host_satisfies(w->installed, dep, NULL, 0);
}

static int cb_in_repo(void *ctx, const char *dep, char *name, size_t namelen)
{
	const struct world *w = ctx;
	return host_satisfies(w->repo, dep, name, namelen);
}

static enum aur_status cb_info(void *ctx, const char *const *names, size_t n,
			       struct aur_list *out, char *err, size_t errlen)
{
	struct world *w = ctx;

	w->info_calls++;
	if (w->info_fails) {
		snprintf(err, errlen, "AUR: connection refused");
		return AUR_ERR_NET;
	}
	for (size_t i = 0; i < n; i++) {
		assert_true(w->nasked < 64);
		snprintf(w->asked[w->nasked++], sizeof(w->asked[0]), "%s", names[i]);
		for (const struct rec *r = w->aur; r->name; r++)
			if (strcmp(r->name, names[i]) == 0)
				append(out, r, 1);
	}
	return AUR_OK;
}

/* A by=provides search: the package named name and those whose provides name it. */
static enum aur_status cb_providers(void *ctx, const char *name, struct aur_list *out,
				    char *err, size_t errlen)
{
	struct world *w = ctx;
	(void)err;
	(void)errlen;

	w->provider_calls++;
	for (const struct rec *r = w->aur; r->name; r++) {
		int hit = strcmp(r->name, name) == 0;
		const char *p = r->provides ? r->provides : "";
		while (!hit && *p) {
			size_t n = strcspn(p, " ");
			hit = strcspn(p, "<>= ") == strlen(name) && strncmp(p, name, strlen(name)) == 0;
			p += n + (p[n] == ' ');
		}
		if (hit)
			append(out, r, 0);
	}
	return AUR_OK;
}

/* Resolves targets (NULL-terminated) in w; the return code. */
static int run(struct world *w, const char *const *targets, int check, struct aur_plan *plan,
	       char *err, size_t errlen)
{
	struct aur_resolve_ops ops = { .ctx = w, .installed = cb_installed,
				       .in_repo = cb_in_repo, .info = cb_info,
				       .providers = w->no_providers ? NULL : cb_providers };
	size_t n = 0;
	while (targets[n])
		n++;
	err[0] = '\0';
	return aur_resolve(&ops, targets, n, check, plan, err, errlen);
}

/* The builds as "base(pkg,pkg)* base(pkg)", * marking explicit ones. */
static void describe(const struct aur_plan *plan, char *out, size_t len)
{
	size_t at = 0;
	out[0] = '\0';
	for (size_t i = 0; i < plan->nbuilds; i++) {
		const struct aur_build *b = &plan->builds[i];
		at += (size_t)snprintf(out + at, len - at, "%s%s(", i ? " " : "", b->base);
		for (size_t k = 0; k < b->n; k++)
			at += (size_t)snprintf(out + at, len - at, "%s%s", k ? "," : "",
					       b->pkgs[k]->name);
		at += (size_t)snprintf(out + at, len - at, ")%s", b->explicit_ ? "*" : "");
		assert_true(at < len);
	}
}

/* Whether the resolver asked the AUR about name. */
static int asked(const struct world *w, const char *name)
{
	for (size_t i = 0; i < w->nasked; i++)
		if (strcmp(w->asked[i], name) == 0)
			return 1;
	return 0;
}

/* No name was asked twice. */
static void assert_asked_once(const struct world *w)
{
	for (size_t i = 0; i < w->nasked; i++)
		for (size_t k = i + 1; k < w->nasked; k++)
			if (strcmp(w->asked[i], w->asked[k]) == 0)
				fail_msg("asked twice: %s", w->asked[i]);
}

/* Resolves targets, expecting success and the builds described as want. */
static void expect_builds(struct world *w, const char *const *targets, int check,
			  const char *want, struct aur_plan *plan)
{
	char err[256], got[512];
	int rc = run(w, targets, check, plan, err, sizeof(err));
	if (rc != 0)
		fail_msg("resolve failed: %s", err);
	describe(plan, got, sizeof(got));
	assert_string_equal(got, want);
	assert_asked_once(w);
}

/* A -> b -> c: dependencies first, only the target explicit, one request per level. */
static void test_chain(void **state)
{
	(void)state;
	static const struct rec aur[] = {
		{ .name = "a", .deps = "b" },
		{ .name = "b", .deps = "c>=1" },
		{ .name = "c", .version = "1.2-1" },
		{ 0 },
	};
	struct world w = { .aur = aur };
	struct aur_plan plan;

	expect_builds(&w, (const char *[]){ "a", NULL }, 0, "c(c) b(b) a(a)*", &plan);
	assert_int_equal(w.info_calls, 3);
	assert_int_equal(plan.nrepo, 0);
	assert_int_equal(plan.nmissing, 0);
	assert_int_equal(plan.known.n, 3);
	aur_plan_free(&plan);
}

/* A wide tree costs one request per level, not one per package. */
static void test_batched_by_level(void **state)
{
	(void)state;
	static const struct rec aur[] = {
		{ .name = "top", .make = "m1 m2", .deps = "d1 d2 d3" },
		{ .name = "m1", .deps = "x" }, { .name = "m2", .deps = "x y" },
		{ .name = "d1" }, { .name = "d2" }, { .name = "d3", .deps = "y" },
		{ .name = "x" }, { .name = "y" },
		{ 0 },
	};
	struct world w = { .aur = aur };
	struct aur_plan plan;

	expect_builds(&w, (const char *[]){ "top", NULL }, 0,
		      "x(x) m1(m1) y(y) m2(m2) d1(d1) d2(d2) d3(d3) top(top)*", &plan);
	assert_int_equal(w.info_calls, 3);
	assert_int_equal(w.nasked, 8);
	aur_plan_free(&plan);
}

/* makedepends are walked before depends, whatever the lists' order in the record. */
static void test_make_before_depends(void **state)
{
	(void)state;
	static const struct rec aur[] = {
		{ .name = "a", .deps = "d", .make = "m" },
		{ .name = "d" },
		{ .name = "m" },
		{ 0 },
	};
	struct world w = { .aur = aur };
	struct aur_plan plan;

	expect_builds(&w, (const char *[]){ "a", NULL }, 0, "m(m) d(d) a(a)*", &plan);
	aur_plan_free(&plan);
}

/* checkdepends are walked between makedepends and depends when asked for, and
 * otherwise not even looked up. */
static void test_checkdepends(void **state)
{
	(void)state;
	static const struct rec aur[] = {
		{ .name = "a", .make = "m", .check = "t", .deps = "d" },
		{ .name = "m" }, { .name = "t" }, { .name = "d" },
		{ 0 },
	};
	struct world on = { .aur = aur }, off = { .aur = aur };
	struct aur_plan plan;

	expect_builds(&on, (const char *[]){ "a", NULL }, 1, "m(m) t(t) d(d) a(a)*", &plan);
	assert_true(asked(&on, "t"));
	aur_plan_free(&plan);

	expect_builds(&off, (const char *[]){ "a", NULL }, 0, "m(m) d(d) a(a)*", &plan);
	assert_false(asked(&off, "t"));
	aur_plan_free(&plan);
}

/* A dependency two targets share is built once, before the first that needs it;
 * a target that is another's dependency is explicit where it stands. */
static void test_shared_dep(void **state)
{
	(void)state;
	static const struct rec aur[] = {
		{ .name = "a", .deps = "s" },
		{ .name = "b", .deps = "s a" },
		{ .name = "s" },
		{ 0 },
	};
	struct world w = { .aur = aur };
	struct aur_plan plan;

	expect_builds(&w, (const char *[]){ "b", "a", "b", NULL }, 0, "s(s) a(a)* b(b)*", &plan);
	assert_int_equal(w.nasked, 3);
	aur_plan_free(&plan);
}

/* Two packages of one base are one build; the group stays after what its later
 * package needs (x-gui needs y, pushed after x-core's group was made). */
static void test_split_base(void **state)
{
	(void)state;
	static const struct rec aur[] = {
		{ .name = "app", .deps = "x-core x-gui" },
		{ .name = "x-core", .base = "x" },
		{ .name = "x-gui", .base = "x", .deps = "x-core y" },
		{ .name = "y" },
		{ 0 },
	};
	struct world w = { .aur = aur };
	struct aur_plan plan;

	expect_builds(&w, (const char *[]){ "app", NULL }, 0, "y(y) x(x-core,x-gui) app(app)*",
		      &plan);
	aur_plan_free(&plan);

	/* Both named as targets: one explicit group. */
	struct world w2 = { .aur = aur };
	expect_builds(&w2, (const char *[]){ "x-gui", "x-core", NULL }, 0, "y(y) x(x-core,x-gui)*",
		      &plan);
	aur_plan_free(&plan);
}

/* Joining a base's group can make two groups need each other: refused, named by base. */
static void test_base_cycle(void **state)
{
	(void)state;
	static const struct rec aur[] = {
		{ .name = "t", .deps = "x1 z x2" },
		{ .name = "x1", .base = "x" },
		{ .name = "x2", .base = "x", .deps = "z" },
		{ .name = "z", .deps = "x1" },
		{ 0 },
	};
	struct world w = { .aur = aur };
	struct aur_plan plan;
	char err[256];

	assert_int_equal(run(&w, (const char *[]){ "t", NULL }, 0, &plan, err, sizeof(err)), -1);
	assert_string_equal(err, "dependency cycle: x -> z -> x");
	aur_plan_free(&plan);
}

/* Repository dependencies are listed once, in the order they were needed, and
 * never asked of the AUR. */
static void test_repo_once(void **state)
{
	(void)state;
	static const struct rec aur[] = {
		{ .name = "a", .make = "cmake", .deps = "glibc>=2.30 b" },
		{ .name = "b", .make = "cmake", .deps = "zlib glibc" },
		{ 0 },
	};
	static const char *const repo[] = { "glibc=2.38-7", "cmake=3.30.1-1", "zlib=1:1.3.1-2",
					    NULL };
	struct world w = { .aur = aur, .repo = repo };
	struct aur_plan plan;

	expect_builds(&w, (const char *[]){ "a", NULL }, 0, "b(b) a(a)*", &plan);
	assert_int_equal(plan.nrepo, 3);
	assert_string_equal(plan.repo[0], "cmake");
	assert_string_equal(plan.repo[1], "glibc");
	assert_string_equal(plan.repo[2], "zlib");
	assert_false(asked(&w, "glibc"));
	assert_false(asked(&w, "cmake"));
	aur_plan_free(&plan);
}

/* What is installed is skipped (not built, not listed, not asked); an installed
 * version too old for the dep is not enough, and the AUR's newer one is built
 * (the repository's too-old one is not taken either). */
static void test_installed(void **state)
{
	(void)state;
	static const struct rec aur[] = {
		{ .name = "a", .deps = "inst lib>=2" },
		{ .name = "lib", .version = "2.1-1" },
		{ .name = "inst", .version = "9-1" },
		{ 0 },
	};
	static const char *const installed[] = { "inst=1-1", "lib=1.9-1", NULL };
	static const char *const repo[] = { "lib=1.9-2", NULL };
	struct world w = { .aur = aur, .installed = installed, .repo = repo };
	struct aur_plan plan;

	expect_builds(&w, (const char *[]){ "a", NULL }, 0, "lib(lib) a(a)*", &plan);
	assert_int_equal(plan.nrepo, 0);
	assert_false(asked(&w, "inst"));
	assert_true(asked(&w, "lib"));
	aur_plan_free(&plan);
}

/* A dep no AUR package is named after goes to a provider that satisfies it: the
 * most votes among those whose provision has a good enough version (an
 * unversioned provision does not satisfy a versioned dep), then by name. */
static void test_provider(void **state)
{
	(void)state;
	static const struct rec aur[] = {
		{ .name = "a", .deps = "virt>=2 tie" },
		{ .name = "p-old", .votes = 500, .provides = "virt=1" },
		{ .name = "p-bare", .votes = 900, .provides = "virt" },
		{ .name = "p-few", .votes = 5, .provides = "virt=2" },
		{ .name = "p-many", .votes = 10, .provides = "virt=3.0" },
		{ .name = "zz", .votes = 7, .provides = "tie" },
		{ .name = "bb", .votes = 7, .provides = "tie" },
		{ 0 },
	};
	struct world w = { .aur = aur };
	struct aur_plan plan;

	expect_builds(&w, (const char *[]){ "a", NULL }, 0, "p-many(p-many) bb(bb) a(a)*", &plan);
	assert_int_equal(w.provider_calls, 2);
	aur_plan_free(&plan);
}

/* A provider already in the build list satisfies the dep: no search at all. */
static void test_provider_in_builds(void **state)
{
	(void)state;
	static const struct rec aur[] = {
		{ .name = "a", .make = "impl", .deps = "virt" },
		{ .name = "impl", .provides = "virt=1" },
		{ .name = "other", .votes = 1000, .provides = "virt=1" },
		{ 0 },
	};
	struct world w = { .aur = aur };
	struct aur_plan plan;

	expect_builds(&w, (const char *[]){ "a", NULL }, 0, "impl(impl) a(a)*", &plan);
	assert_int_equal(w.provider_calls, 0);
	aur_plan_free(&plan);
}

/* What nothing provides is listed with the chain that needs it, once; the rest
 * still resolves. Without a providers callback only exact names are found. */
static void test_missing(void **state)
{
	(void)state;
	static const struct rec aur[] = {
		{ .name = "a", .deps = "b nothing" },
		{ .name = "b", .deps = "ghost>=1 ghost>=1" },
		{ .name = "alt", .provides = "nothing" },
		{ 0 },
	};
	struct world w = { .aur = aur, .no_providers = 1 };
	struct aur_plan plan;

	expect_builds(&w, (const char *[]){ "a", NULL }, 0, "b(b) a(a)*", &plan);
	assert_int_equal(plan.nmissing, 2);
	assert_string_equal(plan.missing[0], "ghost>=1 (needed by a -> b)");
	assert_string_equal(plan.missing[1], "nothing (needed by a)");
	aur_plan_free(&plan);

	/* With providers, alt provides "nothing". */
	struct world w2 = { .aur = aur };
	expect_builds(&w2, (const char *[]){ "a", NULL }, 0, "b(b) alt(alt) a(a)*", &plan);
	assert_int_equal(plan.nmissing, 1);
	aur_plan_free(&plan);
}

/* A cycle is refused with the chain that closes it. */
static void test_cycle(void **state)
{
	(void)state;
	static const struct rec aur[] = {
		{ .name = "top", .deps = "a" },
		{ .name = "a", .deps = "b" },
		{ .name = "b", .make = "c" },
		{ .name = "c", .deps = "a" },
		{ 0 },
	};
	struct world w = { .aur = aur };
	struct aur_plan plan;
	char err[256];

	assert_int_equal(run(&w, (const char *[]){ "top", NULL }, 0, &plan, err, sizeof(err)), -1);
	assert_string_equal(err, "dependency cycle: a -> b -> c -> a");
	assert_int_equal(plan.nbuilds, 0);
	aur_plan_free(&plan);
}

/* A target the AUR does not have is refused by name, before anything else. */
static void test_target_not_in_aur(void **state)
{
	(void)state;
	static const struct rec aur[] = { { .name = "a" }, { 0 } };
	struct world w = { .aur = aur };
	struct aur_plan plan;
	char err[256];

	assert_int_equal(run(&w, (const char *[]){ "a", "ghost", NULL }, 0, &plan, err,
			     sizeof(err)), -1);
	assert_string_equal(err, "package 'ghost' was not found, in the repositories or in the AUR");
	aur_plan_free(&plan);
}

/* The AUR's failure is the resolver's, with its line. */
static void test_info_failure(void **state)
{
	(void)state;
	static const struct rec aur[] = { { .name = "a" }, { 0 } };
	struct world w = { .aur = aur, .info_fails = 1 };
	struct aur_plan plan;
	char err[256];

	assert_int_equal(run(&w, (const char *[]){ "a", NULL }, 0, &plan, err, sizeof(err)), -1);
	assert_string_equal(err, "AUR: connection refused");
	aur_plan_free(&plan);
}

/* libalpm's matching: name and condition, provisions with and without versions. */
static void test_dep_rules(void **state)
{
	(void)state;
	char name[8];
	const char *op, *ver;
	static const char *const pv[] = { "libfoo.so=2-64", "bar", "baz=1:1.0" };
	struct strlist prov = { pv, 3 };

	aur_dep_split("glibc>=2.38", name, sizeof(name), &op, &ver);
	assert_string_equal(name, "glibc");
	assert_string_equal(op, ">=");
	assert_string_equal(ver, "2.38");
	aur_dep_split("a<1", name, sizeof(name), &op, &ver);
	assert_string_equal(op, "<");
	aur_dep_split("a>1", name, sizeof(name), &op, &ver);
	assert_string_equal(op, ">");
	aur_dep_split("a<=1", name, sizeof(name), &op, &ver);
	assert_string_equal(op, "<=");
	aur_dep_split("abc=1", name, sizeof(name), &op, &ver);
	assert_string_equal(op, "=");
	assert_string_equal(ver, "1");
	aur_dep_split("plain", name, sizeof(name), &op, &ver);
	assert_string_equal(op, "");
	assert_string_equal(ver, "");
	aur_dep_split("averylongname>1", name, sizeof(name), &op, &ver);
	assert_string_equal(name, "averylo");
	assert_string_equal(ver, "1");

	assert_true(aur_dep_satisfied("foo", "foo", "1-1", NULL));
	assert_true(aur_dep_satisfied("foo>=1.0", "foo", "1.0-1", NULL));
	assert_false(aur_dep_satisfied("foo>1.0", "foo", "1.0-1", NULL));
	assert_true(aur_dep_satisfied("foo=1.0", "foo", "1.0-3", NULL)); /* pkgrel only if both */
	assert_false(aur_dep_satisfied("foo=1.0-2", "foo", "1.0-3", NULL));
	assert_true(aur_dep_satisfied("foo<2", "foo", "1:1.0", NULL) == 0); /* epoch wins */
	assert_false(aur_dep_satisfied("foobar", "foo", "1", NULL));
	assert_false(aur_dep_satisfied("fo", "foo", "1", NULL));
	assert_true(aur_dep_satisfied("libfoo.so", "x", "1", &prov));
	assert_true(aur_dep_satisfied("libfoo.so=2-64", "x", "1", &prov));
	assert_false(aur_dep_satisfied("libfoo.so>=3", "x", "1", &prov));
	assert_true(aur_dep_satisfied("bar", "x", "1", &prov));
	assert_false(aur_dep_satisfied("bar>=1", "x", "1", &prov)); /* unversioned provision */
	assert_true(aur_dep_satisfied("baz>1.5", "x", "1", &prov)); /* the epoch */
	/* The package's own name failing its condition still lets a provision match. */
	static const char *const self[] = { "foo=3" };
	struct strlist selfp = { self, 1 };
	assert_true(aur_dep_satisfied("foo>=2", "foo", "1", &selfp));
}

/* aur_list: find by name, freed whole. */
static void test_list(void **state)
{
	(void)state;
	static const struct rec a = { .name = "one" }, b = { .name = "two" };
	struct aur_list l;

	aur_list_init(&l);
	append(&l, &a, 1);
	append(&l, &b, 0);
	assert_ptr_equal(aur_list_find(&l, "two"), &l.v[1]);
	assert_null(aur_list_find(&l, "three"));
	aur_list_free(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_batched_by_level),
		cmocka_unit_test(test_make_before_depends),
		cmocka_unit_test(test_checkdepends),
		cmocka_unit_test(test_shared_dep),
		cmocka_unit_test(test_split_base),
		cmocka_unit_test(test_base_cycle),
		cmocka_unit_test(test_repo_once),
		cmocka_unit_test(test_installed),
		cmocka_unit_test(test_provider),
		cmocka_unit_test(test_provider_in_builds),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_target_not_in_aur),
		cmocka_unit_test(test_info_failure),
		cmocka_unit_test(test_dep_rules),
		cmocka_unit_test(test_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
