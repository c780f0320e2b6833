/* SPDX-License-Identifier: MIT */
/* Package index: interned strings, a name-sorted array, folded copies for matching. */
#include "engine/index.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/hash.h"
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
	void (*release)(void *ctx); /* frees the backing blob of a stored index */
	void *release_ctx;
	int big;                    /* pkgs, text, lists, vers, archives: xbig_calloc */
	const char **lists;         /* a stored index's list entries */
	size_t nlists;
	struct pkg_version *vers;   /* a stored index's version tables */
	size_t nvers;
	struct pkg_archive *archives; /* and where each version comes from */
	size_t narchives;
	/* Reverse dependencies: names sorted by strcmp, each with a run of rids. */
	struct rdep_name *rnames;
	size_t nrnames;
	uint32_t *rids;
	size_t nrids;
	struct index_haystack *hay; /* index_prepare_search; NULL until then */
};

struct rdep_name {
	const char *name;
	uint32_t first, count;
};

/* An interned run of archives (most versions share one: "500 the main archive"). */
struct run {
	const struct pkg_archive *v;
	uint32_t n;
};

struct index_builder {
	struct index *ix;
	size_t cap, warn_cap;
	struct run *runs; /* open addressing, by content */
	size_t nruns, runs_cap;
	const char *where_in, *where; /* the last archive description and its interned copy */
};

/* The list fields of struct pkg, in the stored blob's order. */
enum { LS_LICENSES, LS_GROUPS, LS_DEPENDS, LS_OPTDEPENDS, LS_SUGGESTS, LS_PROVIDES,
       LS_CONFLICTS, LS_REPLACES, LS_PRE_DEPENDS, LS_ENHANCES, LS_BREAKS, LS_TAGS,
       LS_COUNT };

/* Where each list field of struct pkg lives, in LS_ order. */
static const size_t list_off[LS_COUNT] = {
	offsetof(struct pkg, licenses), offsetof(struct pkg, groups),
	offsetof(struct pkg, depends), offsetof(struct pkg, optdepends),
	offsetof(struct pkg, suggests), offsetof(struct pkg, provides),
	offsetof(struct pkg, conflicts), offsetof(struct pkg, replaces),
	offsetof(struct pkg, pre_depends), offsetof(struct pkg, enhances),
	offsetof(struct pkg, breaks), offsetof(struct pkg, tags),
};

/* List field k of a record. */
static struct strlist *rec_list(struct pkg *p, int k)
{
	return (struct strlist *)((char *)p + list_off[k]);
}

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

/* The slot of a run of interned archives in the table (its own, or empty). */
static size_t run_slot(const struct index_builder *b, const struct pkg_archive *v, uint32_t n)
{
	uint64_t h = hash_fnv1a(v, n * sizeof(*v));
	size_t j = (size_t)h & (b->runs_cap - 1);
	while (b->runs[j].v && (b->runs[j].n != n || memcmp(b->runs[j].v, v, n * sizeof(*v))))
		j = (j + 1) & (b->runs_cap - 1);
	return j;
}

/* The pool's copy of a run of archives whose strings are interned already:
 * equal runs are stored once. */
static const struct pkg_archive *intern_run(struct index_builder *b, const struct pkg_archive *v,
					    uint32_t n)
{
	if ((b->nruns + 1) * 2 > b->runs_cap) {
		struct run *old = b->runs;
		size_t ocap = b->runs_cap;
		b->runs_cap = ocap ? ocap * 2 : 64;
		b->runs = xcalloc(b->runs_cap, sizeof(*b->runs));
		for (size_t i = 0; i < ocap; i++)
			if (old[i].v)
				b->runs[run_slot(b, old[i].v, old[i].n)] = old[i];
		free(old);
	}
	size_t j = run_slot(b, v, n);
	if (!b->runs[j].v) {
		struct pkg_archive *c = strpool_alloc(b->ix->pool, n * sizeof(*c));
		memcpy(c, v, n * sizeof(*c));
		b->runs[j] = (struct run){c, n};
		b->nruns++;
	}
	return b->runs[j].v;
}

/* Copies q's version table from v[0..n) into the pool, strings and runs of
 * archives interned (q's own versions reused: most tables name no other). */
static const struct pkg_version *copy_versions(struct index_builder *b, const struct pkg *q,
					       const struct pkg_version *v, uint32_t n)
{
	struct strpool *sp = b->ix->pool;
	if (!n)
		return NULL;
	struct pkg_version *out = strpool_alloc(sp, n * sizeof(*out));
	struct pkg_archive tmp[16];
	for (uint32_t i = 0; i < n; i++) {
		out[i] = v[i];
		const char *s = v[i].version ? v[i].version : "";
		out[i].version = strcmp(s, q->version) == 0 ? q->version :
				 strcmp(s, q->installed_version) == 0 ? q->installed_version :
				 strpool_str(sp, s);
		uint32_t na = v[i].narchives;
		struct pkg_archive *a = na <= 16 ? tmp : xmalloc(na * sizeof(*a));
		for (uint32_t k = 0; k < na; k++) {
			const char *w = v[i].archives[k].where;
			memset(&a[k], 0, sizeof(a[k])); /* the padding is compared too */
			/* the same one as last time, most often: no lookup */
			if (!w || w != b->where_in || strcmp(w, b->where) != 0) {
				b->where_in = w;
				b->where = strpool_str(sp, w);
			}
			a[k].where = b->where;
			a[k].priority = v[i].archives[k].priority;
		}
		out[i].archives = na ? intern_run(b, a, na) : NULL;
		if (a != tmp)
			free(a);
	}
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
	q->source_version = strpool_str(sp, p->source_version);
	q->installed_source = strpool_str(sp, p->installed_source);
	q->installed_source_version = strpool_str(sp, p->installed_source_version);
	q->priority = strpool_str(sp, p->priority);
	q->multi_arch = strpool_str(sp, p->multi_arch);
	for (int k = 0; k < LS_COUNT; k++)
		*rec_list(q, k) = copy_list(sp, *rec_list((struct pkg *)p, k));
	q->versions = copy_versions(b, q, p->versions, p->nversions);
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

/* One (name, package) pair while the reverse-dependency table is built. */
struct rdep_pair {
	const char *name; /* interned */
	uint32_t entry;   /* (position << 1) | optional */
};

struct rdep_collect {
	struct strpool *pool;
	struct rdep_pair *v;
	size_t n, cap;
	uint32_t entry;
};

/* index_dep_names callback: records one dependency name. */
static void rdep_collect_name(void *ctx, const char *name, size_t n)
{
	struct rdep_collect *c = ctx;
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	c->v[c->n].name = strpool_intern(c->pool, name, n);
	c->v[c->n].entry = c->entry;
	c->n++;
}

void index_dep_names(const char *dep, void (*fn)(void *ctx, const char *name, size_t n),
		     void *ctx)
{
	for (const char *s = dep;;) {
		while (*s == ' ')
			s++;
		size_t n = strcspn(s, " <>=:(|");
		if (n)
			fn(ctx, s, n);
		const char *bar = strchr(s, '|');
		if (!bar)
			return;
		s = bar + 1;
	}
}

/* Orders pairs by interned name pointer, then entry: integer compares only. */
static int cmp_rdep_pair(const void *a, const void *b)
{
	const struct rdep_pair *x = a, *y = b;
	if (x->name != y->name)
		return (uintptr_t)x->name < (uintptr_t)y->name ? -1 : 1;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* Orders table names by strcmp, for the binary search. */
static int cmp_rdep_name(const void *a, const void *b)
{
	return strcmp(((const struct rdep_name *)a)->name, ((const struct rdep_name *)b)->name);
}

/* Builds the name -> packages table from every package's dependencies. A
 * package that names the same target both ways counts as requiring it. */
static void build_rdeps(struct index *ix)
{
	struct rdep_collect c = {ix->pool, NULL, 0, 0, 0};
	for (size_t i = 0; i < ix->n; i++) {
		const struct pkg *p = &ix->pkgs[i];
		c.entry = (uint32_t)i << 1;
		for (uint32_t k = 0; k < p->depends.n; k++)
			index_dep_names(p->depends.v[k], rdep_collect_name, &c);
		for (uint32_t k = 0; k < p->pre_depends.n; k++)
			index_dep_names(p->pre_depends.v[k], rdep_collect_name, &c);
		c.entry |= 1;
		for (uint32_t k = 0; k < p->optdepends.n; k++)
			index_dep_names(p->optdepends.v[k], rdep_collect_name, &c);
		for (uint32_t k = 0; k < p->suggests.n; k++)
			index_dep_names(p->suggests.v[k], rdep_collect_name, &c);
	}
	if (c.n)
		qsort(c.v, c.n, sizeof(*c.v), cmp_rdep_pair);
	/* Names are interned, so equal names are equal pointers: group by
	 * pointer, then sort the (far fewer) distinct names by strcmp. */
	ix->rids = xmalloc((c.n ? c.n : 1) * sizeof(*ix->rids));
	size_t cap = 0;
	for (size_t i = 0; i < c.n; i++) {
		const struct rdep_pair *q = &c.v[i];
		int new_name = !ix->nrnames || ix->rnames[ix->nrnames - 1].name != q->name;
		if (new_name) {
			ix->rnames = xgrow(ix->rnames, &cap, ix->nrnames + 1, sizeof(*ix->rnames));
			ix->rnames[ix->nrnames++] = (struct rdep_name){q->name, (uint32_t)ix->nrids, 0};
		} else if ((ix->rids[ix->nrids - 1] >> 1) == (q->entry >> 1)) {
			continue; /* the same package again; the required entry sorted first */
		}
		ix->rids[ix->nrids++] = q->entry;
		ix->rnames[ix->nrnames - 1].count++;
	}
	free(c.v);
	if (ix->nrnames)
		qsort(ix->rnames, ix->nrnames, sizeof(*ix->rnames), cmp_rdep_name);
}

size_t index_rdeps(const struct index *ix, const char *name, const uint32_t **entries)
{
	size_t lo = 0, hi = ix->nrnames;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ix->rnames[mid].name, name);
		if (c == 0) {
			*entries = ix->rids + ix->rnames[mid].first;
			return ix->rnames[mid].count;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*entries = NULL;
	return 0;
}

struct index *index_builder_finish(struct index_builder *b)
{
	struct index *ix = b->ix;
	free(b->runs);
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
	build_rdeps(ix);
	return ix;
}

void index_builder_free(struct index_builder *b)
{
	if (!b)
		return;
	index_free(b->ix);
	free(b->runs);
	free(b);
}

void index_free(struct index *ix)
{
	if (!ix)
		return;
	if (ix->release)
		ix->release(ix->release_ctx);
	strpool_free(ix->pool);
	if (ix->big) {
		xbig_free(ix->pkgs, (ix->n ? ix->n : 1) * sizeof(*ix->pkgs));
		xbig_free(ix->text, (ix->n ? ix->n : 1) * sizeof(*ix->text));
		xbig_free(ix->lists, (ix->nlists ? ix->nlists : 1) * sizeof(*ix->lists));
		xbig_free(ix->vers, (ix->nvers ? ix->nvers : 1) * sizeof(*ix->vers));
		xbig_free(ix->archives, (ix->narchives ? ix->narchives : 1) * sizeof(*ix->archives));
	} else {
		free(ix->pkgs);
		free(ix->text);
	}
	free(ix->warnings);
	free(ix->rnames);
	free(ix->rids);
	if (ix->hay) {
		xbig_free(ix->hay->text, ix->hay->len + 1);
		free(ix->hay->start);
		free(ix->hay);
	}
	free(ix);
}

/* index_dep_names callback: appends "\n" and the folded name to a buf. */
static void fold_name(void *ctx, const char *name, size_t n)
{
	struct buf *b = ctx;
	char *s = xstrndup(name, n);
	buf_putc(b, '\n');
	utf8_fold(b, s);
	free(s);
}

/* The folded provided names of p, then (after a NUL) its folded groups, each
 * after a newline, appended to b. */
static void fold_extras(struct buf *b, const struct pkg *p)
{
	for (uint32_t k = 0; k < p->provides.n; k++)
		index_dep_names(p->provides.v[k], fold_name, b);
	buf_putc(b, '\0');
	for (uint32_t k = 0; k < p->groups.n; k++) {
		buf_putc(b, '\n');
		utf8_fold(b, p->groups.v[k]);
	}
	buf_putc(b, '\0');
}

void index_prepare_search(struct index *ix)
{
	if (ix->hay)
		return;
	/* The provided names and groups, folded, in a scratch buffer first. */
	struct buf extra = {0};
	size_t *at = xmalloc((ix->n + 1) * sizeof(*at));
	for (size_t i = 0; i < ix->n; i++) {
		at[i] = extra.len;
		fold_extras(&extra, &ix->pkgs[i]);
	}
	size_t len = extra.len; /* its two NULs a package end the name and description fields */
	for (size_t i = 0; i < ix->n; i++)
		len += strlen(ix->text[i].lname) + strlen(ix->text[i].ldesc);
	struct index_haystack *h = xcalloc(1, sizeof(*h));
	h->text = xbig_calloc(len + 1);
	h->start = xmalloc((2 * ix->n + 1) * sizeof(*h->start));
	h->n = ix->n;
	size_t off = 0;
	for (size_t i = 0; i < ix->n; i++) {
		const char *prov = extra.p + at[i], *groups = prov + strlen(prov) + 1;
		size_t a = strlen(ix->text[i].lname), b = strlen(ix->text[i].ldesc);
		size_t pa = strlen(prov), gb = strlen(groups);
		/* name, provided names; NUL (no match spans two fields); description, groups; NUL */
		h->start[2 * i] = (uint32_t)off;
		memcpy(h->text + off, ix->text[i].lname, a);
		memcpy(h->text + off + a, prov, pa);
		off += a + pa + 1;
		h->start[2 * i + 1] = (uint32_t)off;
		memcpy(h->text + off, ix->text[i].ldesc, b);
		memcpy(h->text + off + b, groups, gb);
		off += b + gb + 1;
	}
	h->start[2 * ix->n] = (uint32_t)off;
	h->len = off;
	ix->hay = h;
	free(at);
	buf_free(&extra);
}

const struct index_haystack *index_haystack(const struct index *ix)
{
	return ix->hay;
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
	return strpool_bytes(ix->pool) + ix->n * (sizeof(struct pkg) + sizeof(struct text)) +
	       ix->nlists * sizeof(*ix->lists) + ix->nvers * sizeof(*ix->vers) +
	       ix->narchives * sizeof(*ix->archives);
}

/*
 * Blob format (host byte order; the store keys it by format and build):
 *   struct blob_hdr
 *   struct blob_rec[npkgs]   strings as offsets into the string section, the
 *                            length of each list and of the version table: a
 *                            record's lists and versions follow the previous
 *                            record's in their sections
 *   uint32_t lists[nlist]    string offsets
 *   uint32_t warnings[nwarn] string offsets
 *   struct blob_rdep[nrnames] reverse dependencies: name offset, run in rids
 *   uint32_t rids[nrids]     (position << 1) | optional
 *   struct blob_version[nvers] versions, their archives as (start, count)
 *   struct blob_archive[narchives]
 *   char strings[strings_len], each NUL-terminated, the last byte NUL
 */
#define BLOB_MAGIC "OMGIDX\0\0"
#define BLOB_FORMAT 5u /* 4: apt's record fields, version tables; 5: the installed
			 * version's source */
#define BLOB_ENDIAN 0x01020304u

enum { S_NAME, S_VERSION, S_IVERSION, S_REPO, S_DESC, S_LDESC_RAW, S_URL, S_ARCH,
       S_PACKAGER, S_BASE, S_SECTION, S_SRCVER, S_PRIORITY, S_MULTIARCH, S_LNAME, S_LDESC,
       S_FULLDESC, S_ISRC, S_ISRCVER, S_COUNT };

struct blob_hdr {
	char magic[8];
	uint32_t format, endian;
	uint64_t npkgs, nlist, nwarn, nrnames, nrids, nvers, narchives, strings_len;
};

struct blob_rdep {
	uint32_t name, first, count;
};

struct blob_rec {
	uint32_t str[S_COUNT];
	uint32_t list_n[LS_COUNT];
	uint32_t vers_n;
	int64_t download_size, installed_size, build_date, install_date;
	uint32_t reason, flags;
};

struct blob_version {
	uint32_t version;
	int32_t priority;
	uint32_t flags, archives_start, archives_n;
};

struct blob_archive {
	uint32_t where;
	int32_t priority;
};

/* Maps string pointers to offsets while serializing (open addressing). */
struct offmap {
	const char **keys;
	uint32_t *vals;
	size_t cap, n;
	struct buf *strings;
};

/* The offset of s in the string section, appending it the first time. */
static uint32_t offmap_get(struct offmap *m, const char *s)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct offmap old = *m;
		m->cap = old.cap ? old.cap * 2 : 1024;
		m->keys = xcalloc(m->cap, sizeof(*m->keys));
		m->vals = xcalloc(m->cap, sizeof(*m->vals));
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++) {
			if (!old.keys[i])
				continue;
			size_t j = ((uintptr_t)old.keys[i] >> 3) & (m->cap - 1);
			while (m->keys[j])
				j = (j + 1) & (m->cap - 1);
			m->keys[j] = old.keys[i];
			m->vals[j] = old.vals[i];
			m->n++;
		}
		free(old.keys);
		free(old.vals);
	}
	size_t j = ((uintptr_t)s >> 3) & (m->cap - 1);
	while (m->keys[j]) {
		if (m->keys[j] == s)
			return m->vals[j];
		j = (j + 1) & (m->cap - 1);
	}
	uint32_t off = (uint32_t)m->strings->len;
	buf_append(m->strings, s, strlen(s) + 1);
	m->keys[j] = s;
	m->vals[j] = off;
	m->n++;
	return off;
}

/* The sections of a blob being written. */
struct blob_out {
	struct offmap m;
	struct buf strings, lists, vers, archives;
	size_t nlist, nvers, narchives;
	/* Runs of archives written, by pointer (a cache: a miss writes a copy). */
	struct {
		const struct pkg_archive *v;
		uint32_t start;
	} runs[256];
};

/* Where the run of archives v[0..n) is in the archive section, appending it
 * unless it was written already. */
static uint32_t put_run(struct blob_out *o, const struct pkg_archive *v, uint32_t n)
{
	size_t j = ((uintptr_t)v >> 4) & 255;
	if (o->runs[j].v == v)
		return o->runs[j].start;
	uint32_t start = (uint32_t)o->narchives;
	for (uint32_t k = 0; k < n; k++) {
		struct blob_archive ba = {offmap_get(&o->m, v[k].where), v[k].priority};
		buf_append(&o->archives, &ba, sizeof(ba));
	}
	o->narchives += n;
	o->runs[j].v = v;
	o->runs[j].start = start;
	return start;
}

/* Appends p's version table to the version and archive sections; sets r's run. */
static void put_versions(struct blob_out *o, const struct pkg *p, struct blob_rec *r)
{
	r->vers_n = p->nversions;
	for (uint32_t i = 0; i < p->nversions; i++) {
		const struct pkg_version *v = &p->versions[i];
		uint32_t start = v->narchives ? put_run(o, v->archives, v->narchives) : 0;
		struct blob_version bv = {offmap_get(&o->m, v->version), v->priority, v->flags,
					  start, v->narchives};
		buf_append(&o->vers, &bv, sizeof(bv));
	}
	o->nvers += p->nversions;
}

/* The blob record of package i: strings and lists added to their sections. */
static void put_record(struct blob_out *o, const struct index *ix, size_t i, struct blob_rec *r)
{
	const struct pkg *p = &ix->pkgs[i];
	const struct text *t = &ix->text[i];
	const char *str[S_COUNT] = {p->name, p->version, p->installed_version, p->repo, p->desc,
				    p->long_desc, p->url, p->arch, p->packager, p->base,
				    p->section, p->source_version, p->priority, p->multi_arch,
				    t->lname, t->ldesc, t->fulldesc, p->installed_source,
				    p->installed_source_version};
	for (int k = 0; k < S_COUNT; k++)
		r->str[k] = *str[k] ? offmap_get(&o->m, str[k]) : 0;
	for (int k = 0; k < LS_COUNT; k++) {
		const struct strlist *l = rec_list((struct pkg *)p, k);
		r->list_n[k] = l->n;
		for (uint32_t e = 0; e < l->n; e++) {
			uint32_t off = offmap_get(&o->m, l->v[e]);
			buf_append(&o->lists, &off, sizeof(off));
		}
		o->nlist += l->n;
	}
	put_versions(o, p, r);
	r->download_size = p->download_size;
	r->installed_size = p->installed_size;
	r->build_date = p->build_date;
	r->install_date = p->install_date;
	r->reason = p->reason;
	r->flags = p->flags;
}

void index_serialize(const struct index *ix, struct buf *out)
{
	struct blob_out o;
	memset(&o, 0, sizeof(o));
	o.m.strings = &o.strings;
	struct blob_rec *recs = xcalloc(ix->n ? ix->n : 1, sizeof(*recs));
	uint32_t *warns = xcalloc(ix->nwarnings ? ix->nwarnings : 1, sizeof(*warns));
	buf_putc(&o.strings, '\0'); /* offset 0 is "" */
	for (size_t i = 0; i < ix->n; i++)
		put_record(&o, ix, i, &recs[i]);
	for (size_t i = 0; i < ix->nwarnings; i++)
		warns[i] = offmap_get(&o.m, ix->warnings[i]);
	struct blob_rdep *rd = xcalloc(ix->nrnames ? ix->nrnames : 1, sizeof(*rd));
	for (size_t i = 0; i < ix->nrnames; i++)
		rd[i] = (struct blob_rdep){offmap_get(&o.m, ix->rnames[i].name), ix->rnames[i].first,
					   ix->rnames[i].count};
	struct blob_hdr h;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, BLOB_MAGIC, 8);
	h.format = BLOB_FORMAT;
	h.endian = BLOB_ENDIAN;
	h.npkgs = ix->n;
	h.nlist = o.nlist;
	h.nwarn = ix->nwarnings;
	h.nrnames = ix->nrnames;
	h.nrids = ix->nrids;
	h.nvers = o.nvers;
	h.narchives = o.narchives;
	h.strings_len = o.strings.len;
	buf_append(out, &h, sizeof(h));
	buf_append(out, recs, ix->n * sizeof(*recs));
	buf_append(out, o.lists.p ? o.lists.p : "", o.lists.len);
	buf_append(out, warns, ix->nwarnings * sizeof(*warns));
	buf_append(out, rd, ix->nrnames * sizeof(*rd));
	buf_append(out, ix->rids ? (const void *)ix->rids : "", ix->nrids * sizeof(*ix->rids));
	buf_append(out, o.vers.p ? o.vers.p : "", o.vers.len);
	buf_append(out, o.archives.p ? o.archives.p : "", o.archives.len);
	buf_append(out, o.strings.p, o.strings.len);
	free(recs);
	free(warns);
	free(rd);
	free(o.m.keys);
	free(o.m.vals);
	buf_free(&o.strings);
	buf_free(&o.lists);
	buf_free(&o.vers);
	buf_free(&o.archives);
}

/* Where the sections of a checked blob start. */
struct blob_in {
	struct blob_hdr h;
	const unsigned char *b;
	const char *strs;
	size_t off_recs, off_lists, off_warns, off_rdeps, off_rids, off_vers, off_archives;
};

/* Checks the header, the counts against the length, the section sizes, the
 * string section's end and every list entry; fills in. 0, or -1 with why. */
static int blob_check(const void *blob, size_t len, struct blob_in *in, const char **why)
{
	struct blob_hdr *h = &in->h;
	in->b = blob;
	*why = "too short";
	if (len < sizeof(*h))
		return -1;
	memcpy(h, blob, sizeof(*h));
	*why = "unknown format";
	if (memcmp(h->magic, BLOB_MAGIC, 8) != 0 || h->format != BLOB_FORMAT ||
	    h->endian != BLOB_ENDIAN)
		return -1;
	/* Each count is bounded by the length before it is multiplied. */
	*why = "bad counts";
	if (h->npkgs > len / sizeof(struct blob_rec) || h->nlist > len / 4 || h->nwarn > len / 4 ||
	    h->nrnames > len / sizeof(struct blob_rdep) || h->nrids > len / 4 ||
	    h->nvers > len / sizeof(struct blob_version) ||
	    h->narchives > len / sizeof(struct blob_archive) ||
	    h->strings_len > len || h->strings_len == 0 || h->strings_len > UINT32_MAX)
		return -1;
	in->off_recs = sizeof(*h);
	in->off_lists = in->off_recs + h->npkgs * sizeof(struct blob_rec);
	in->off_warns = in->off_lists + h->nlist * 4;
	in->off_rdeps = in->off_warns + h->nwarn * 4;
	in->off_rids = in->off_rdeps + h->nrnames * sizeof(struct blob_rdep);
	in->off_vers = in->off_rids + h->nrids * 4;
	in->off_archives = in->off_vers + h->nvers * sizeof(struct blob_version);
	size_t off_strs = in->off_archives + h->narchives * sizeof(struct blob_archive);
	*why = "bad length";
	if (off_strs > len || len - off_strs != h->strings_len)
		return -1;
	in->strs = (const char *)in->b + off_strs;
	*why = "unterminated strings";
	if (in->strs[h->strings_len - 1] != '\0')
		return -1;
	*why = "list entry out of range";
	for (size_t i = 0; i < h->nlist; i++) {
		uint32_t o;
		memcpy(&o, in->b + in->off_lists + i * 4, 4);
		if (o >= h->strings_len)
			return -1;
	}
	return 0;
}

/* The string at offset o of a checked blob, or NULL when out of range. */
static const char *blob_str(const struct blob_in *in, uint32_t o)
{
	return o < in->h.strings_len ? in->strs + o : NULL;
}

/* Decodes the version and archive sections into ix->vers and ix->archives. */
static int blob_versions(struct index *ix, const struct blob_in *in)
{
	ix->nvers = in->h.nvers;
	ix->narchives = in->h.narchives;
	ix->vers = xbig_calloc((ix->nvers ? ix->nvers : 1) * sizeof(*ix->vers));
	ix->archives = xbig_calloc((ix->narchives ? ix->narchives : 1) * sizeof(*ix->archives));
	for (size_t i = 0; i < ix->narchives; i++) {
		struct blob_archive r;
		memcpy(&r, in->b + in->off_archives + i * sizeof(r), sizeof(r));
		if (!(ix->archives[i].where = blob_str(in, r.where)))
			return -1;
		ix->archives[i].priority = r.priority;
	}
	for (size_t i = 0; i < ix->nvers; i++) {
		struct blob_version r;
		memcpy(&r, in->b + in->off_vers + i * sizeof(r), sizeof(r));
		struct pkg_version *v = &ix->vers[i];
		if (!(v->version = blob_str(in, r.version)) || r.archives_start > ix->narchives ||
		    r.archives_n > ix->narchives - r.archives_start)
			return -1;
		v->priority = r.priority;
		v->flags = r.flags;
		v->archives = r.archives_n ? ix->archives + r.archives_start : NULL;
		v->narchives = r.archives_n;
	}
	return 0;
}

/* Decodes package records into ix->pkgs and ix->text (lists and versions
 * decoded already; each record's run follows the previous one's). */
static int blob_records(struct index *ix, const struct blob_in *in)
{
	size_t list_at = 0, vers_at = 0;
	for (size_t i = 0; i < ix->n; i++) {
		struct blob_rec r;
		memcpy(&r, in->b + in->off_recs + i * sizeof(r), sizeof(r));
		const char *str[S_COUNT];
		for (int k = 0; k < S_COUNT; k++)
			if (!(str[k] = blob_str(in, r.str[k])))
				return -1;
		struct pkg *p = &ix->pkgs[i];
		p->name = str[S_NAME];
		p->version = str[S_VERSION];
		p->installed_version = str[S_IVERSION];
		p->repo = str[S_REPO];
		p->desc = str[S_DESC];
		p->long_desc = str[S_LDESC_RAW];
		p->url = str[S_URL];
		p->arch = str[S_ARCH];
		p->packager = str[S_PACKAGER];
		p->base = str[S_BASE];
		p->section = str[S_SECTION];
		p->source_version = str[S_SRCVER];
		p->priority = str[S_PRIORITY];
		p->multi_arch = str[S_MULTIARCH];
		p->installed_source = str[S_ISRC];
		p->installed_source_version = str[S_ISRCVER];
		ix->text[i].lname = str[S_LNAME];
		ix->text[i].ldesc = str[S_LDESC];
		ix->text[i].fulldesc = str[S_FULLDESC];
		for (int k = 0; k < LS_COUNT; k++) {
			if (r.list_n[k] > ix->nlists - list_at)
				return -1;
			struct strlist *l = rec_list(p, k);
			l->v = r.list_n[k] ? ix->lists + list_at : NULL;
			l->n = r.list_n[k];
			list_at += r.list_n[k];
		}
		if (r.vers_n > ix->nvers - vers_at)
			return -1;
		p->versions = r.vers_n ? ix->vers + vers_at : NULL;
		p->nversions = r.vers_n;
		vers_at += r.vers_n;
		p->download_size = r.download_size;
		p->installed_size = r.installed_size;
		p->build_date = r.build_date;
		p->install_date = r.install_date;
		p->reason = r.reason;
		p->flags = r.flags;
		if (i && strcmp(ix->pkgs[i - 1].name, p->name) >= 0)
			return -1; /* index_find needs sorted, unique names */
	}
	return list_at == ix->nlists && vers_at == ix->nvers ? 0 : -1;
}

/* Decodes the warnings and the reverse-dependency table. */
static int blob_rdeps(struct index *ix, const struct blob_in *in)
{
	const struct blob_hdr *h = &in->h;
	ix->nwarnings = h->nwarn;
	ix->warnings = xcalloc(h->nwarn ? h->nwarn : 1, sizeof(*ix->warnings));
	for (size_t i = 0; i < h->nwarn; i++) {
		uint32_t o;
		memcpy(&o, in->b + in->off_warns + i * 4, 4);
		if (!(ix->warnings[i] = blob_str(in, o)))
			return -1;
	}
	ix->rnames = xcalloc(h->nrnames ? h->nrnames : 1, sizeof(*ix->rnames));
	ix->rids = xmalloc((h->nrids ? h->nrids : 1) * sizeof(*ix->rids));
	ix->nrnames = h->nrnames;
	ix->nrids = h->nrids;
	if (h->nrids)
		memcpy(ix->rids, in->b + in->off_rids, h->nrids * 4);
	for (size_t i = 0; i < h->nrids; i++)
		if ((ix->rids[i] >> 1) >= h->npkgs)
			return -1;
	for (size_t i = 0; i < h->nrnames; i++) {
		struct blob_rdep r;
		memcpy(&r, in->b + in->off_rdeps + i * sizeof(r), sizeof(r));
		const char *name = blob_str(in, r.name);
		if (!name || r.first > h->nrids || r.count > h->nrids - r.first)
			return -1;
		ix->rnames[i] = (struct rdep_name){name, r.first, r.count};
		if (i && strcmp(ix->rnames[i - 1].name, ix->rnames[i].name) >= 0)
			return -1; /* index_rdeps needs sorted, unique names */
	}
	return 0;
}

struct index *index_from_blob(const void *blob, size_t len, void (*release)(void *ctx),
			      void *ctx, char *err, size_t errlen)
{
	struct blob_in in;
	const char *why;
	if (blob_check(blob, len, &in, &why) != 0) {
		snprintf(err, errlen, "stored index: %s", why);
		return NULL;
	}
	struct index *ix = xcalloc(1, sizeof(*ix));
	ix->pool = strpool_new();
	ix->n = in.h.npkgs;
	ix->big = 1;
	ix->pkgs = xbig_calloc((ix->n ? ix->n : 1) * sizeof(*ix->pkgs));
	ix->text = xbig_calloc((ix->n ? ix->n : 1) * sizeof(*ix->text));
	const char **vec = xbig_calloc((in.h.nlist ? in.h.nlist : 1) * sizeof(*vec));
	ix->lists = vec;
	ix->nlists = in.h.nlist;
	for (size_t i = 0; i < in.h.nlist; i++) {
		uint32_t o;
		memcpy(&o, in.b + in.off_lists + i * 4, 4);
		vec[i] = in.strs + o; /* checked by blob_check */
	}
	if (blob_versions(ix, &in) != 0 || blob_records(ix, &in) != 0 ||
	    blob_rdeps(ix, &in) != 0) {
		index_free(ix);
		snprintf(err, errlen, "stored index: record out of range");
		return NULL;
	}
	ix->release = release;
	ix->release_ctx = ctx;
	return ix;
}
