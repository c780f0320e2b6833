/* SPDX-License-Identifier: MIT */
/* Matching an advisory feed against the installed packages of an index (arch-audit's and debsecan's rules). */
#include "engine/security/vulns.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/*
 * The join walks the index's installed packages in name order (so the rows
 * come out sorted) and finds each one's records by binary search in the feed:
 * O(installed * log records), whatever the size of the feed.
 *
 * Per package, the records that apply (arch: the records of its name;
 * debian: the binary records of its name and the source records of its
 * installed source) become its advisories, each once by id (a vulnerability
 * named by both a binary and a source record is one advisory, affecting if
 * either record is). The row's squashed figures come from the advisories
 * that affect the installed version; a row none affects (--all) squashes all
 * of them instead, so that it still says which ids its version fixed.
 */

/* The join and the arrays it owns; the public part first. */
struct vulns_impl {
	struct vulns pub;
	struct vuln *rows;
	uint32_t *pos;
	struct vuln_adv *advs;
	const char **ids;
	size_t nadvs, nids;
};

/* One record that applies to the package being matched. */
struct cand {
	const struct advisory *a;
	uint8_t affects, via_source;
};

/* What vulns_match grows while it walks; arrays are fixed up at the end. */
struct build {
	struct vulns_impl *vi;
	size_t rows_cap, pos_cap, advs_cap, ids_cap, adv_at_cap, ids_at_cap;
	size_t *adv_at, *ids_at; /* each row's first advisory and id, by position */
	struct cand *c;
	size_t nc, c_cap;
	vulns_vercmp vercmp;
};

/* Whether version is below fixed ("" fixed: no fix, always below). */
static int before_fix(vulns_vercmp vercmp, const char *version, const char *fixed)
{
	return !*fixed || vercmp(version, fixed) < 0;
}

/* Whether version equals one of l's (in the backend's order: "1.0" is "1.0-0"'s equal). */
static int among(vulns_vercmp vercmp, const char *version, const struct strlist *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (vercmp(version, l->v[i]) == 0)
			return 1;
	return 0;
}

/* Whether record a affects a binary installed at version, and srcver of its
 * source: the issue's rule (arch records are all binary ones). */
static int record_affects(vulns_vercmp vercmp, const struct advisory *a, const char *version,
			  const char *srcver)
{
	if (!(a->flags & ADV_SOURCE))
		return before_fix(vercmp, version, a->fixed);
	return before_fix(vercmp, srcver, a->fixed) && !among(vercmp, srcver, &a->other_versions);
}

/* The record's remote column as the protocol says it. */
static uint32_t remote_of(const struct advisory *a)
{
	return a->flags & ADV_REMOTE ? VULN_REMOTE : a->flags & ADV_LOCAL ? VULN_LOCAL :
	       VULN_REMOTE_UNKNOWN;
}

/* Ids in a person's order: "CVE-2026-999" before "CVE-2026-1111". */
static int cmp_id(const char *a, const char *b)
{
	return strverscmp(a, b);
}

/* qsort: by id, the affecting record of an id first (the one kept). */
static int cmp_cand_id(const void *pa, const void *pb)
{
	const struct cand *x = pa, *y = pb;
	int c = cmp_id(x->a->id, y->a->id);
	if (c)
		return c;
	if (x->affects != y->affects)
		return x->affects ? -1 : 1;
	return x->via_source - y->via_source; /* the binary record, for a stable answer */
}

/* qsort: affecting first, then by id. */
static int cmp_cand_show(const void *pa, const void *pb)
{
	const struct cand *x = pa, *y = pb;
	if (x->affects != y->affects)
		return x->affects ? -1 : 1;
	return cmp_id(x->a->id, y->a->id);
}

/* qsort: ids by cmp_id. */
static int cmp_str(const void *pa, const void *pb)
{
	return cmp_id(*(const char *const *)pa, *(const char *const *)pb);
}

/* Adds a record that applies to the package being matched. */
static void add_cand(struct build *b, const struct advisory *a, int affects, int via_source)
{
	b->c = xgrow(b->c, &b->c_cap, b->nc + 1, sizeof(*b->c));
	b->c[b->nc++] = (struct cand){a, (uint8_t)affects, (uint8_t)via_source};
}

/* Appends id to the join's ids. */
static void add_id(struct build *b, const char *id)
{
	struct vulns_impl *vi = b->vi;
	vi->ids = xgrow(vi->ids, &b->ids_cap, vi->nids + 1, sizeof(*vi->ids));
	vi->ids[vi->nids++] = id;
}

/* Sorts ids[from..nids) and drops repeats, and any of ids[keep..from)
 * (sorted already) they repeat. */
static void unique_ids(struct vulns_impl *vi, size_t keep, size_t from)
{
	if (vi->nids - from > 1)
		qsort(vi->ids + from, vi->nids - from, sizeof(*vi->ids), cmp_str);
	size_t w = from;
	for (size_t r = from; r < vi->nids; r++) {
		const char *s = vi->ids[r];
		if (w > from && strcmp(vi->ids[w - 1], s) == 0)
			continue;
		/* an issue that is an advisory's name too: rare, and those are few */
		int dup = 0;
		for (size_t k = keep; k < from && !dup; k++)
			dup = strcmp(vi->ids[k], s) == 0;
		if (!dup)
			vi->ids[w++] = s;
	}
	vi->nids = w;
}

/* Makes the row of installed package p (at position pos) from the candidate
 * records gathered in b->c; source is the row's source column. */
static void add_row(struct build *b, const struct pkg *p, uint32_t pos, const char *source)
{
	struct vulns_impl *vi = b->vi;
	struct vulns *vs = &vi->pub;
	/* One advisory per id: the affecting record of an id wins. */
	qsort(b->c, b->nc, sizeof(*b->c), cmp_cand_id);
	size_t n = 0;
	for (size_t r = 0; r < b->nc; r++)
		if (!n || strcmp(b->c[n - 1].a->id, b->c[r].a->id) != 0)
			b->c[n++] = b->c[r];
	qsort(b->c, n, sizeof(*b->c), cmp_cand_show);

	size_t row = vs->n;
	vi->rows = xgrow(vi->rows, &b->rows_cap, row + 1, sizeof(*vi->rows));
	vi->pos = xgrow(vi->pos, &b->pos_cap, row + 1, sizeof(*vi->pos));
	b->adv_at = xgrow(b->adv_at, &b->adv_at_cap, row + 1, sizeof(*b->adv_at));
	b->ids_at = xgrow(b->ids_at, &b->ids_at_cap, row + 1, sizeof(*b->ids_at));
	b->adv_at[row] = vi->nadvs;
	b->ids_at[row] = vi->nids;
	vi->pos[row] = pos;

	struct vuln *v = &vi->rows[row];
	memset(v, 0, sizeof(*v));
	v->name = p->name;
	v->installed = p->installed_version;
	v->source = source;
	v->fixed = "";
	v->affected = n && b->c[0].affects;
	v->nadvs = (uint32_t)n;
	v->remote = VULN_REMOTE_UNKNOWN;

	vi->advs = xgrow(vi->advs, &b->advs_cap, vi->nadvs + n, sizeof(*vi->advs));
	size_t squash = 0; /* the advisories the row's figures come from */
	int all_local = 1, any_remote = 0;
	for (size_t k = 0; k < n; k++) {
		const struct cand *c = &b->c[k];
		const struct advisory *a = c->a;
		struct vuln_adv *o = &vi->advs[vi->nadvs++];
		o->id = a->id;
		o->fixed = a->fixed;
		o->affected = a->affected;
		o->type = a->type;
		o->issues = a->issues;
		o->severity = a->severity;
		o->remote = remote_of(a);
		o->affects = c->affects;
		o->via_source = c->via_source;
		if (c->affects != v->affected)
			continue; /* affecting ones sort first: the rest are fixed */
		squash++;
		if (o->severity > v->severity)
			v->severity = o->severity;
		any_remote |= o->remote == VULN_REMOTE;
		all_local &= o->remote == VULN_LOCAL;
		if (*o->fixed && (!*v->fixed || b->vercmp(o->fixed, v->fixed) > 0))
			v->fixed = o->fixed;
		add_id(b, o->id); /* sorted and unique already */
	}
	v->remote = any_remote ? VULN_REMOTE : squash && all_local ? VULN_LOCAL :
		    VULN_REMOTE_UNKNOWN;
	/* arch: the advisories' names, then their CVEs, each once */
	size_t from = vi->nids;
	for (size_t k = 0; k < squash; k++) {
		const struct strlist *is = &b->c[k].a->issues;
		for (uint32_t e = 0; e < is->n; e++)
			add_id(b, is->v[e]);
	}
	unique_ids(vi, b->ids_at[row], from);
	v->ids.n = (uint32_t)(vi->nids - b->ids_at[row]);
	vs->n++;
	if (v->affected) {
		vs->vulnerable++;
		if (v->severity > vs->max_severity)
			vs->max_severity = (uint8_t)v->severity;
	}
}

/* Copies name without a ":arch" qualifier ("libc6:i386": libc6, as the feed
 * names it) into tmp, or returns it as it is. */
static const char *bare_name(const char *name, char *tmp, size_t len)
{
	const char *colon = strchr(name, ':');
	if (!colon)
		return name;
	size_t n = (size_t)(colon - name);
	if (n >= len)
		n = len - 1;
	memcpy(tmp, name, n);
	tmp[n] = '\0';
	return tmp;
}

/* Gathers the records of the debian feed that apply to p into b->c; returns
 * the source name the row shows. */
static const char *match_debian(struct build *b, const struct feed *f, const struct pkg *p,
				char *tmp, size_t len)
{
	const char *bin = bare_name(p->name, tmp, len);
	const char *src = *p->installed_source ? p->installed_source : bin;
	const char *srcver = *p->installed_source_version ? p->installed_source_version :
			     p->installed_version;
	const struct advisory *a;
	size_t n = feed_lookup(f, bin, &a);
	for (size_t k = 0; k < n; k++)
		if (!(a[k].flags & ADV_SOURCE) || strcmp(src, bin) == 0)
			add_cand(b, &a[k],
				 record_affects(b->vercmp, &a[k], p->installed_version, srcver),
				 (a[k].flags & ADV_SOURCE) != 0);
	if (strcmp(src, bin) != 0) {
		n = feed_lookup(f, src, &a);
		for (size_t k = 0; k < n; k++)
			if (a[k].flags & ADV_SOURCE)
				add_cand(b, &a[k],
					 record_affects(b->vercmp, &a[k], p->installed_version,
							srcver), 1);
	}
	/* the row's source: the index's string, not tmp (rows outlive the walk) */
	return *p->installed_source ? p->installed_source : p->name;
}

struct vulns *vulns_match(const struct feed *f, const struct index *ix, vulns_vercmp vercmp)
{
	struct build b;
	memset(&b, 0, sizeof(b));
	b.vi = xcalloc(1, sizeof(*b.vi));
	b.vercmp = vercmp;
	int debian = f->kind == FEED_DEBIAN;
	char tmp[256];
	size_t count = index_count(ix);
	for (size_t i = 0; i < count; i++) {
		const struct pkg *p = index_get(ix, i);
		if (!(p->flags & PKG_INSTALLED) || !*p->installed_version)
			continue;
		b.nc = 0;
		const char *source = "";
		if (debian) {
			source = match_debian(&b, f, p, tmp, sizeof(tmp));
		} else {
			const struct advisory *a;
			size_t n = feed_lookup(f, p->name, &a);
			for (size_t k = 0; k < n; k++)
				add_cand(&b, &a[k],
					 before_fix(vercmp, p->installed_version, a[k].fixed), 0);
		}
		if (b.nc)
			add_row(&b, p, (uint32_t)i, source);
	}
	/* The arrays stopped growing: point each row at its runs. */
	struct vulns_impl *vi = b.vi;
	for (size_t r = 0; r < vi->pub.n; r++) {
		vi->rows[r].advs = vi->rows[r].nadvs ? vi->advs + b.adv_at[r] : NULL;
		vi->rows[r].ids.v = vi->rows[r].ids.n ? vi->ids + b.ids_at[r] : NULL;
	}
	vi->pub.v = vi->rows;
	vi->pub.pos = vi->pos;
	free(b.adv_at);
	free(b.ids_at);
	free(b.c);
	return &vi->pub;
}

void vulns_free(struct vulns *vs)
{
	if (!vs)
		return;
	struct vulns_impl *vi = (struct vulns_impl *)vs;
	free(vi->rows);
	free(vi->pos);
	free(vi->advs);
	free(vi->ids);
	free(vi);
}

const struct vuln *vulns_find(const struct vulns *vs, const char *name)
{
	size_t lo = 0, hi = vs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(vs->v[mid].name, name);
		if (c == 0)
			return &vs->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t vulns_bytes(const struct vulns *vs)
{
	const struct vulns_impl *vi = (const struct vulns_impl *)vs;
	return sizeof(*vi) + vs->n * (sizeof(*vi->rows) + sizeof(*vi->pos)) +
	       vi->nadvs * sizeof(*vi->advs) + vi->nids * sizeof(*vi->ids);
}

/* Whether an advisory with a's id was reported already among a[0..n). */
static int reported(const struct advisory *const *seen, size_t n, const struct advisory *a)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(seen[k]->id, a->id) == 0)
			return 1;
	return 0;
}

size_t vulns_for_version(const struct feed *f, const char *name, const char *version,
			 const char *source, const char *source_version, vulns_vercmp vercmp,
			 void (*fn)(void *ctx, const struct advisory *a), void *ctx)
{
	char tmp[256];
	int debian = f->kind == FEED_DEBIAN;
	const char *bin = debian ? bare_name(name, tmp, sizeof(tmp)) : name;
	const char *src = debian && source && *source ? source : bin;
	const char *srcver = source_version && *source_version ? source_version : version;
	/* The affecting binary records, to report an id the source repeats once. */
	const struct advisory **seen = NULL;
	size_t nseen = 0, seen_cap = 0;
	const struct advisory *a;
	size_t n = feed_lookup(f, bin, &a);
	for (size_t k = 0; k < n; k++) {
		/* arch records are binary ones; a debian source record of the same
		 * name counts only when the source is that name */
		if ((a[k].flags & ADV_SOURCE) && (!debian || strcmp(src, bin) != 0))
			continue;
		if (!record_affects(vercmp, &a[k], version, srcver) ||
		    reported(seen, nseen, &a[k]))
			continue;
		seen = xgrow(seen, &seen_cap, nseen + 1, sizeof(*seen));
		seen[nseen++] = &a[k];
		fn(ctx, &a[k]);
	}
	if (debian && strcmp(src, bin) != 0) {
		n = feed_lookup(f, src, &a);
		for (size_t k = 0; k < n; k++) {
			if (!(a[k].flags & ADV_SOURCE) ||
			    !record_affects(vercmp, &a[k], version, srcver) ||
			    reported(seen, nseen, &a[k]))
				continue;
			seen = xgrow(seen, &seen_cap, nseen + 1, sizeof(*seen));
			seen[nseen++] = &a[k];
			fn(ctx, &a[k]);
		}
	}
	free(seen);
	return nseen;
}
