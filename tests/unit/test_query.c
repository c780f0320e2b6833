/* SPDX-License-Identifier: MIT */
/* Unit tests for the index and queries, on records built in the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/index.h"
#include "engine/query.h"

#define LIST(...) ((struct strlist){(const char *const[]){__VA_ARGS__}, \
	sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)})

/* A record with the given name, description and flags; other strings empty. */
static struct pkg rec(const char *name, const char *desc, uint32_t flags)
{
	struct pkg p;
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.version = "1.0-1";
	p.installed_version = flags & PKG_INSTALLED ? "1.0-1" : "";
	p.repo = "core";
	p.desc = desc;
	p.long_desc = p.url = p.arch = p.packager = p.base = p.section = "";
	p.flags = flags;
	p.reason = flags & PKG_INSTALLED ? PKG_REASON_EXPLICIT : PKG_REASON_NONE;
	return p;
}

/* nano's version table: installed 1.0 from dpkg's status, 2.0 in two archives. */
static const struct pkg_archive nano_new[] = {{"http://deb.example/debian stable/main Packages", 500},
					      {"http://deb.example/debian backports/main Packages", 100}};
static const struct pkg_archive nano_old[] = {{"/var/lib/dpkg/status", 100}};
static const struct pkg_version nano_versions[] = {
	{"2.0-1", 500, PKG_VERSION_CANDIDATE, nano_new, 2},
	{"1.0-1", 100, PKG_VERSION_INSTALLED, nano_old, 1},
};

/* The index every test uses. */
static int setup(void **state)
{
	struct index_builder *b = index_builder_new();
	struct pkg p = rec("vim", "Vi Improved, a text editor", PKG_INSTALLED);
	p.provides = LIST("editor-vi", "xxd=9.0");
	index_builder_add(b, &p);
	struct pkg q = rec("vim-runtime", "Runtime files for vim", 0);
	index_builder_add(b, &q);
	q = rec("gvim", "GTK front end", 0);
	q.depends = LIST("vim-runtime (>= 9) | vim-tiny", "libc6");
	index_builder_add(b, &q);
	q = rec("neovim", "Modern editor forked from VIM", 0);
	q.optdepends = LIST("xxd: hex dumps");
	q.pre_depends = LIST("vim-runtime");
	index_builder_add(b, &q);
	q = rec("nano", "Small text EDITOR", PKG_INSTALLED | PKG_UPGRADABLE);
	q.groups = LIST("editors");
	q.long_desc = "GNU nano is an easy-to-use\nwith syntax highlighting";
	q.source_version = "2.0-0.1";
	q.installed_source = "nano-src"; /* the installed 1.0-1's, not the candidate's */
	q.installed_source_version = "1.0-0.1";
	q.priority = "optional";
	q.multi_arch = "foreign";
	q.breaks = LIST("nano-tiny (<< 2)");
	q.enhances = LIST("vim");
	q.tags = LIST("role::program", "interface::text-mode");
	q.versions = nano_versions;
	q.nversions = 2;
	q.flags |= PKG_ESSENTIAL;
	index_builder_add(b, &q);
	q = rec("vim", "duplicate from a later repository", 0);
	index_builder_add(b, &q);
	q = rec("café", "Ünïcödé DESCRIPTION", PKG_INSTALLED | PKG_ORPHAN);
	q.reason = PKG_REASON_DEPEND;
	index_builder_add(b, &q);
	*state = index_builder_finish(b);
	return 0;
}

static int teardown(void **state)
{
	index_free(*state);
	return 0;
}

/* Runs a search and returns the names, space-separated, in result order. */
static const char *search(const struct index *ix, struct search_opts o, const char *t0,
			  const char *t1)
{
	static char out[512];
	const char *terms[2] = {t0, t1};
	struct ids ids = {0};
	char err[256];
	o.terms = terms;
	o.nterms = t1 ? 2 : 1;
	if (query_search(ix, &o, &ids, err, sizeof(err)) != 0) {
		snprintf(out, sizeof(out), "error: %s", err);
		return out;
	}
	out[0] = '\0';
	for (size_t i = 0; i < ids.n; i++) {
		if (i)
			strcat(out, " ");
		strcat(out, index_get(ix, ids.v[i])->name);
	}
	ids_free(&ids);
	return out;
}

static void test_index_sorted_and_deduped(void **state)
{
	const struct index *ix = *state;
	assert_int_equal(index_count(ix), 6);
	assert_string_equal(index_get(ix, 0)->name, "café");
	long id = index_find(ix, "vim");
	assert_true(id >= 0);
	assert_string_equal(index_get(ix, (size_t)id)->desc, "Vi Improved, a text editor");
	assert_int_equal(index_find(ix, "emacs"), -1);
	assert_string_equal(index_lname(ix, 0), "café");
	assert_string_equal(index_ldesc(ix, (size_t)index_find(ix, "nano")),
			    "small text editor\ngnu nano is an easy-to-use\nwith syntax highlighting");
}

static void test_plain_ranking(void **state)
{
	struct search_opts o = {0};
	/* exact, prefix, substring, then description-only */
	assert_string_equal(search(*state, o, "vim", NULL), "vim vim-runtime gvim neovim");
	/* a provided name ranks before the description */
	assert_string_equal(search(*state, o, "EDITOR", NULL), "vim nano neovim");
	assert_string_equal(search(*state, o, "text", "editor"), "vim nano");
	assert_string_equal(search(*state, o, "ünïcödé", NULL), "café");
	assert_string_equal(search(*state, o, "CAFÉ", NULL), "café");
	assert_string_equal(search(*state, o, "highlighting", NULL), "nano");
	/* what apt-cache search and pacman -Ss find through a provide or a group */
	assert_string_equal(search(*state, o, "xxd", NULL), "vim");
	assert_string_equal(search(*state, o, "EDITOR-VI", NULL), "vim");
	assert_string_equal(search(*state, o, "editors", NULL), "nano");
	assert_string_equal(search(*state, o, "xxd", "improved"), "vim");
	assert_string_equal(search(*state, o, "9.0", NULL), ""); /* a provide's version is not its name */
	o.names_only = 1;
	assert_string_equal(search(*state, o, "editor", NULL), "vim");
	assert_string_equal(search(*state, o, "editors", NULL), "");
	o.names_only = 0;
	o.installed_only = 1;
	assert_string_equal(search(*state, o, "vim", NULL), "vim");
	o.installed_only = 0;
	o.limit = 2;
	assert_string_equal(search(*state, o, "vim", NULL), "vim vim-runtime");
}

/* The daemon's prepared index (one haystack) gives the same answers. */
static void test_plain_prepared(void **state)
{
	index_prepare_search(*state);
	assert_non_null(index_haystack(*state));
	test_plain_ranking(state);
	struct search_opts o = {0};
	/* A match never spans two fields or two packages. */
	assert_string_equal(search(*state, o, "vimvi", NULL), "");
	assert_string_equal(search(*state, o, "editorgnu", NULL), "");
	assert_string_equal(search(*state, o, "vi\nxxd", NULL), "");
	assert_string_equal(search(*state, o, "highlighting\neditors", NULL), "");
	o.names_only = 1;
	assert_string_equal(search(*state, o, "im", NULL), "gvim neovim vim vim-runtime");
}

static void test_regex_pacman_style(void **state)
{
	struct search_opts o = {.regex = 1, .style = SEARCH_STYLE_PACMAN};
	assert_string_equal(search(*state, o, "^vi", NULL), "vim vim-runtime");
	/* a provide and a group match too; each pattern may match a different field */
	assert_string_equal(search(*state, o, "^xxd$", NULL), "vim");
	assert_string_equal(search(*state, o, "^editors$", NULL), "nano");
	assert_string_equal(search(*state, o, "^vim$", "improved"), "vim");
	/* the literal-word prefilter keeps case-insensitivity and every field */
	assert_string_equal(search(*state, o, "^XXD$", NULL), "vim");
	assert_string_equal(search(*state, o, "vi.*IMPROVED", NULL), "vim");
	assert_string_equal(search(*state, o, "^EDITORS$", NULL), "nano");
	assert_string_equal(search(*state, o, "ünïcödé", NULL), "café");
	assert_string_equal(search(*state, o, "v.m-r", NULL), "vim-runtime");
	/* pacman matches the one-line description only */
	assert_string_equal(search(*state, o, "highlighting", NULL), "");
	assert_int_equal(strncmp(search(*state, o, "([", NULL), "error: invalid regular", 22), 0);
}

static void test_regex_apt_style(void **state)
{
	struct search_opts o = {.regex = 1, .style = SEARCH_STYLE_APT};
	/* apt 2.6: each pattern matches the name, a provide or the long description */
	assert_string_equal(search(*state, o, "^vim$", "improved"), "vim");
	assert_string_equal(search(*state, o, "^xxd$", "improved"), "vim");
	assert_string_equal(search(*state, o, "^editors$", NULL), "");
	assert_string_equal(search(*state, o, "vim", "runtime"), "vim-runtime");
	assert_string_equal(search(*state, o, "highlighting", NULL), "nano");
	assert_string_equal(search(*state, o, "^xxd$", NULL), "vim");
	/* no REG_NEWLINE: ^ anchors at the start of the whole long description */
	assert_string_equal(search(*state, o, "^gnu nano", NULL), "");
	o.names_only = 1;
	assert_string_equal(search(*state, o, "editor", NULL), "vim");
	assert_string_equal(search(*state, o, "highlighting", NULL), "");
}

static void test_lists(void **state)
{
	const struct index *ix = *state;
	struct ids ids = {0};
	query_list(ix, LIST_INSTALLED, &ids);
	assert_int_equal(ids.n, 3);
	ids_free(&ids);
	query_list(ix, LIST_UPGRADABLE, &ids);
	assert_int_equal(ids.n, 1);
	assert_string_equal(index_get(ix, ids.v[0])->name, "nano");
	ids_free(&ids);
	query_list(ix, LIST_EXPLICIT, &ids);
	assert_int_equal(ids.n, 2);
	ids_free(&ids);
	query_list(ix, LIST_ORPHANS, &ids);
	assert_int_equal(ids.n, 1);
	assert_string_equal(index_get(ix, ids.v[0])->name, "café");
	ids_free(&ids);
}

/* LIST_SECURITY: the upgrades from a security archive that the status counts,
 * held ones apart (they are held back, not upgrades). */
static void test_list_security(void **state)
{
	(void)state;
	struct index_builder *b = index_builder_new();
	struct pkg p = rec("curl", "security upgrade", PKG_INSTALLED | PKG_UPGRADABLE | PKG_SECURITY);
	index_builder_add(b, &p);
	p = rec("held", "held security upgrade",
		PKG_INSTALLED | PKG_UPGRADABLE | PKG_SECURITY | PKG_HELD);
	index_builder_add(b, &p);
	p = rec("nano", "plain upgrade", PKG_INSTALLED | PKG_UPGRADABLE);
	index_builder_add(b, &p);
	p = rec("openssl", "security upgrade", PKG_INSTALLED | PKG_UPGRADABLE | PKG_SECURITY);
	index_builder_add(b, &p);
	p = rec("vim", "up to date", PKG_INSTALLED);
	index_builder_add(b, &p);
	struct index *ix = index_builder_finish(b);
	struct ids ids = {0};
	query_list(ix, LIST_SECURITY, &ids);
	assert_int_equal(ids.n, 2);
	assert_string_equal(index_get(ix, ids.v[0])->name, "curl");
	assert_string_equal(index_get(ix, ids.v[1])->name, "openssl");
	ids_free(&ids);
	index_free(ix);
}

static void collect(void *ctx, const char *name, size_t n)
{
	char *out = ctx;
	strncat(out, name, n);
	strcat(out, ",");
}

static void test_rdeps(void **state)
{
	const struct index *ix = *state;
	char names[128] = "";
	index_dep_names("vim-runtime (>= 9) | vim-tiny:any", collect, names);
	index_dep_names("glibc>=2.38", collect, names);
	index_dep_names("xxd: hex dumps", collect, names);
	assert_string_equal(names, "vim-runtime,vim-tiny,glibc,xxd,");

	struct ids req = {0}, opt = {0};
	/* gvim depends on vim-runtime, neovim pre-depends on it */
	query_rdeps(ix, (size_t)index_find(ix, "vim-runtime"), &req, &opt, NULL);
	assert_int_equal(req.n, 2);
	assert_string_equal(index_get(ix, req.v[0])->name, "gvim");
	assert_string_equal(index_get(ix, req.v[1])->name, "neovim");
	assert_int_equal(opt.n, 0);
	ids_free(&req);
	/* neovim optionally needs xxd, which vim provides */
	query_rdeps(ix, (size_t)index_find(ix, "vim"), &req, &opt, NULL);
	assert_int_equal(req.n, 0);
	assert_int_equal(opt.n, 1);
	assert_string_equal(index_get(ix, opt.v[0])->name, "neovim");
	ids_free(&req);
	ids_free(&opt);
	/* installed ones only, the others counted: none of them is installed */
	struct rdeps_more more = {99, 99};
	query_rdeps(ix, (size_t)index_find(ix, "vim-runtime"), &req, &opt, &more);
	assert_int_equal(req.n + opt.n, 0);
	assert_int_equal(more.required_by, 2);
	assert_int_equal(more.optional_for, 0);
	query_rdeps(ix, (size_t)index_find(ix, "vim"), &req, &opt, &more);
	assert_int_equal(req.n + opt.n, 0);
	assert_int_equal(more.required_by, 0);
	assert_int_equal(more.optional_for, 1);
	ids_free(&req);
	ids_free(&opt);
}

/* Where things are in a blob (struct blob_hdr and struct blob_rec in index.c):
 * records of REC bytes after a HDR-byte header, a record's count of versions
 * VERS bytes into it (after 19 string offsets and 12 list lengths). */
#define HDR 80
#define REC 168
#define VERS (19 * 4 + 12 * 4)

/* Asserts that two string lists are equal. */
static void same_list(const struct strlist *x, const struct strlist *y)
{
	assert_int_equal(x->n, y->n);
	for (uint32_t k = 0; k < x->n; k++)
		assert_string_equal(x->v[k], y->v[k]);
}

/* Asserts that two records are equal, field by field. */
static void same_pkg(const struct pkg *x, const struct pkg *y)
{
	const char *const xs[] = {x->name, x->version, x->installed_version, x->repo, x->desc,
				  x->long_desc, x->url, x->arch, x->packager, x->base, x->section,
				  x->source_version, x->priority, x->multi_arch,
				  x->installed_source, x->installed_source_version};
	const char *const ys[] = {y->name, y->version, y->installed_version, y->repo, y->desc,
				  y->long_desc, y->url, y->arch, y->packager, y->base, y->section,
				  y->source_version, y->priority, y->multi_arch,
				  y->installed_source, y->installed_source_version};
	for (size_t k = 0; k < sizeof(xs) / sizeof(xs[0]); k++)
		assert_string_equal(xs[k], ys[k]);
	const struct strlist *xl[] = {&x->licenses, &x->groups, &x->depends, &x->pre_depends,
				      &x->optdepends, &x->suggests, &x->enhances, &x->provides,
				      &x->conflicts, &x->breaks, &x->replaces, &x->tags};
	const struct strlist *yl[] = {&y->licenses, &y->groups, &y->depends, &y->pre_depends,
				      &y->optdepends, &y->suggests, &y->enhances, &y->provides,
				      &y->conflicts, &y->breaks, &y->replaces, &y->tags};
	for (size_t k = 0; k < sizeof(xl) / sizeof(xl[0]); k++)
		same_list(xl[k], yl[k]);
	assert_int_equal(x->nversions, y->nversions);
	for (uint32_t k = 0; k < x->nversions; k++) {
		const struct pkg_version *a = &x->versions[k], *b = &y->versions[k];
		assert_string_equal(a->version, b->version);
		assert_int_equal(a->priority, b->priority);
		assert_int_equal(a->flags, b->flags);
		assert_int_equal(a->narchives, b->narchives);
		for (uint32_t j = 0; j < a->narchives; j++) {
			assert_string_equal(a->archives[j].where, b->archives[j].where);
			assert_int_equal(a->archives[j].priority, b->archives[j].priority);
		}
	}
	assert_int_equal(x->download_size, y->download_size);
	assert_int_equal(x->installed_size, y->installed_size);
	assert_int_equal(x->build_date, y->build_date);
	assert_int_equal(x->install_date, y->install_date);
	assert_int_equal(x->flags, y->flags);
	assert_int_equal(x->reason, y->reason);
}

/* Serialize, decode, and compare every field; then damaged blobs are refused. */
static void test_blob_roundtrip(void **state)
{
	const struct index *ix = *state;
	struct buf b = {0};
	index_serialize(ix, &b);
	const char *seed = getenv("OMG_SEED_DIR");
	if (seed) {
		char path[512];
		snprintf(path, sizeof(path), "%s/unit-index.blob", seed);
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		fwrite(b.p, 1, b.len, f);
		fclose(f);
	}
	char err[256];
	struct index *cp = index_from_blob(b.p, b.len, NULL, NULL, err, sizeof(err));
	assert_non_null(cp);
	assert_int_equal(index_count(cp), index_count(ix));
	for (size_t i = 0; i < index_count(ix); i++) {
		same_pkg(index_get(ix, i), index_get(cp, i));
		assert_string_equal(index_lname(ix, i), index_lname(cp, i));
		assert_string_equal(index_ldesc(ix, i), index_ldesc(cp, i));
		assert_string_equal(index_fulldesc(ix, i), index_fulldesc(cp, i));
	}
	/* the copy answers queries the same way, reverse dependencies included */
	struct ids r1 = {0}, o1 = {0}, r2 = {0}, o2 = {0};
	for (size_t i = 0; i < index_count(ix); i++) {
		query_rdeps(ix, i, &r1, &o1, NULL);
		query_rdeps(cp, i, &r2, &o2, NULL);
	}
	assert_int_equal(r1.n, r2.n);
	assert_int_equal(o1.n, o2.n);
	assert_memory_equal(r1.v, r2.v, r1.n * sizeof(*r1.v));
	assert_memory_equal(o1.v, o2.v, o1.n * sizeof(*o1.v));
	ids_free(&r1);
	ids_free(&o1);
	ids_free(&r2);
	ids_free(&o2);
	assert_string_equal(search(cp, (struct search_opts){0}, "vim", NULL),
			    "vim vim-runtime gvim neovim");
	const struct pkg *nano = index_get(cp, (size_t)index_find(cp, "nano"));
	assert_int_equal(nano->nversions, 2);
	assert_string_equal(nano->versions[0].archives[1].where,
			    "http://deb.example/debian backports/main Packages");
	assert_int_equal(nano->versions[1].flags, PKG_VERSION_INSTALLED);
	assert_string_equal(nano->tags.v[1], "interface::text-mode");
	index_free(cp);

	/* truncated, bad magic, an offset out of range, names out of order */
	assert_null(index_from_blob(b.p, b.len - 1, NULL, NULL, err, sizeof(err)));
	assert_null(index_from_blob(b.p, 10, NULL, NULL, err, sizeof(err)));
	char *bad = malloc(b.len);
	memcpy(bad, b.p, b.len);
	bad[0] = 'X';
	assert_null(index_from_blob(bad, b.len, NULL, NULL, err, sizeof(err)));
	memcpy(bad, b.p, b.len);
	uint32_t huge = 0xfffffff0u;
	memcpy(bad + HDR, &huge, 4); /* the first record's name offset */
	assert_null(index_from_blob(bad, b.len, NULL, NULL, err, sizeof(err)));
	assert_string_equal(err, "stored index: record out of range");
	memcpy(bad, b.p, b.len);
	/* Swap the first two names. */
	uint32_t first, second;
	memcpy(&first, bad + HDR, 4);
	memcpy(&second, bad + HDR + REC, 4);
	memcpy(bad + HDR, &second, 4);
	memcpy(bad + HDR + REC, &first, 4);
	assert_null(index_from_blob(bad, b.len, NULL, NULL, err, sizeof(err)));
	/* a version table out of range: nano's count of versions (record 2) */
	memcpy(bad, b.p, b.len);
	uint32_t far = 1000;
	memcpy(bad + HDR + 2 * REC + VERS, &far, 4);
	assert_null(index_from_blob(bad, b.len, NULL, NULL, err, sizeof(err)));
	/* one version fewer: the last record's run would end before the section does */
	memcpy(bad, b.p, b.len);
	uint32_t one = 1;
	memcpy(bad + HDR + 2 * REC + VERS, &one, 4);
	assert_null(index_from_blob(bad, b.len, NULL, NULL, err, sizeof(err)));
	free(bad);
	buf_free(&b);
}

int main(void)
{
	/* omg calls setlocale(LC_ALL, ""); REG_ICASE on UTF-8 needs a UTF-8 locale. */
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_sorted_and_deduped),
		cmocka_unit_test(test_plain_ranking),
		cmocka_unit_test(test_regex_pacman_style),
		cmocka_unit_test(test_regex_apt_style),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_list_security),
		cmocka_unit_test(test_rdeps),
		cmocka_unit_test(test_blob_roundtrip),
		cmocka_unit_test(test_plain_prepared), /* last: it prepares the shared index */
	};
	return cmocka_run_group_tests_name("query", tests, setup, teardown);
}
