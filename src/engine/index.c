/* SPDX-License-Identifier: MIT */
/* Package index: interned strings, a name-sorted array, folded copies for matching. */
#include "engine/index.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/strpool.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* Per-package text used by queries; parallel to the pkgs array. */
struct text {
	const char *lname, *ldesc, *fulldesc;
};

struct index {
	struct strpool *pool;
	struct pkg *pkgs;
	struct text *text;
	size_t n;
	const char **warnings;
	size_t nwarnings;
};

struct index_builder {
	struct index *ix;
	size_t cap, warn_cap;
};

struct index_builder *index_builder_new(void)
{
	struct index_builder *b = xcalloc(1, sizeof(*b));
	b->ix = xcalloc(1, sizeof(*b->ix));
	b->ix->pool = strpool_new();
	return b;
}

/* Copies a string list into the pool. */
static struct strlist copy_list(struct strpool *sp, struct strlist l)
{
	struct strlist out = {NULL, 0};
	if (!l.n)
		return out;
	const char **v = strpool_alloc(sp, l.n * sizeof(*v));
	for (uint32_t i = 0; i < l.n; i++)
		v[i] = strpool_str(sp, l.v[i]);
	out.v = v;
	out.n = l.n;
	return out;
}

void index_builder_add(struct index_builder *b, const struct pkg *p)
{
	struct index *ix = b->ix;
	struct strpool *sp = ix->pool;
	ix->pkgs = xgrow(ix->pkgs, &b->cap, ix->n + 1, sizeof(*ix->pkgs));
	struct pkg *q = &ix->pkgs[ix->n++];
	*q = *p;
	q->name = strpool_str(sp, p->name);
	q->version = strpool_str(sp, p->version);
	q->installed_version = strpool_str(sp, p->installed_version);
	q->repo = strpool_str(sp, p->repo);
	q->desc = strpool_str(sp, p->desc);
	q->long_desc = p->long_desc && *p->long_desc ?
		strpool_copy(sp, p->long_desc, strlen(p->long_desc)) : strpool_str(sp, "");
	q->url = strpool_str(sp, p->url);
	q->arch = strpool_str(sp, p->arch);
	q->packager = strpool_str(sp, p->packager);
	q->base = strpool_str(sp, p->base);
	q->section = strpool_str(sp, p->section);
	q->licenses = copy_list(sp, p->licenses);
	q->groups = copy_list(sp, p->groups);
	q->depends = copy_list(sp, p->depends);
	q->optdepends = copy_list(sp, p->optdepends);
	q->suggests = copy_list(sp, p->suggests);
	q->provides = copy_list(sp, p->provides);
	q->conflicts = copy_list(sp, p->conflicts);
	q->replaces = copy_list(sp, p->replaces);
}

/* pkg_sink adapter: add. */
static int sink_add(void *ctx, const struct pkg *p)
{
	index_builder_add(ctx, p);
	return 0;
}

/* pkg_sink adapter: keep a warning. */
static void sink_warn(void *ctx, const char *msg)
{
	struct index_builder *b = ctx;
	struct index *ix = b->ix;
	ix->warnings = xgrow(ix->warnings, &b->warn_cap, ix->nwarnings + 1, sizeof(*ix->warnings));
	ix->warnings[ix->nwarnings++] = strpool_str(ix->pool, msg);
}

struct pkg_sink index_builder_sink(struct index_builder *b)
{
	struct pkg_sink s = {b, sink_add, sink_warn};
	return s;
}

/* qsort comparator: by name, then by arrival order (stable). */
static int cmp_pkg(const void *a, const void *b)
{
	const struct pkg *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x < y ? -1 : x > y;
}

struct index *index_builder_finish(struct index_builder *b)
{
	struct index *ix = b->ix;
	free(b);
	if (ix->n)
		qsort(ix->pkgs, ix->n, sizeof(*ix->pkgs), cmp_pkg);
	/* Drop duplicate names, keeping the first record of each. */
	size_t w = 0;
	for (size_t r = 0; r < ix->n; r++) {
		if (w && strcmp(ix->pkgs[w - 1].name, ix->pkgs[r].name) == 0)
			continue;
		ix->pkgs[w++] = ix->pkgs[r];
	}
	ix->n = w;
	ix->text = xcalloc(ix->n ? ix->n : 1, sizeof(*ix->text));
	struct buf tmp = {0};
	for (size_t i = 0; i < ix->n; i++) {
		const struct pkg *p = &ix->pkgs[i];
		struct text *t = &ix->text[i];
		buf_reset(&tmp);
		utf8_fold(&tmp, p->name);
		t->lname = strcmp(buf_str(&tmp), p->name) ?
			strpool_copy(ix->pool, tmp.p, tmp.len) : p->name;
		if (*p->long_desc) {
			buf_reset(&tmp);
			buf_puts(&tmp, p->desc);
			buf_putc(&tmp, '\n');
			buf_puts(&tmp, p->long_desc);
			t->fulldesc = strpool_copy(ix->pool, tmp.p, tmp.len);
		} else {
			t->fulldesc = p->desc;
		}
		buf_reset(&tmp);
		utf8_fold(&tmp, t->fulldesc);
		t->ldesc = strcmp(buf_str(&tmp), t->fulldesc) ?
			strpool_copy(ix->pool, tmp.p, tmp.len) : t->fulldesc;
	}
	buf_free(&tmp);
	return ix;
}

void index_builder_free(struct index_builder *b)
{
	if (!b)
		return;
	index_free(b->ix);
	free(b);
}

void index_free(struct index *ix)
{
	if (!ix)
		return;
	strpool_free(ix->pool);
	free(ix->pkgs);
	free(ix->text);
	free(ix->warnings);
	free(ix);
}

size_t index_count(const struct index *ix)
{
	return ix->n;
}

const struct pkg *index_get(const struct index *ix, size_t i)
{
	return &ix->pkgs[i];
}

long index_find(const struct index *ix, const char *name)
{
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ix->pkgs[mid].name, name);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const char *index_lname(const struct index *ix, size_t i)
{
	return ix->text[i].lname;
}

const char *index_ldesc(const struct index *ix, size_t i)
{
	return ix->text[i].ldesc;
}

const char *index_fulldesc(const struct index *ix, size_t i)
{
	return ix->text[i].fulldesc;
}

size_t index_warning_count(const struct index *ix)
{
	return ix->nwarnings;
}

const char *index_warning(const struct index *ix, size_t i)
{
	return ix->warnings[i];
}

size_t index_bytes(const struct index *ix)
{
	return strpool_bytes(ix->pool) + ix->n * (sizeof(struct pkg) + sizeof(struct text));
}
