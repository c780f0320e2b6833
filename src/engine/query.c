/* SPDX-License-Identifier: MIT */
/* Search, list and reverse-dependency queries over the immutable index. */
#include "engine/query.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

void ids_push(struct ids *ids, uint32_t id)
{
	ids->v = xgrow(ids->v, &ids->cap, ids->n + 1, sizeof(*ids->v));
	ids->v[ids->n++] = id;
}

void ids_free(struct ids *ids)
{
	free(ids->v);
	ids->v = NULL;
	ids->n = ids->cap = 0;
}

enum rank { RANK_EXACT, RANK_PREFIX, RANK_NAME, RANK_DESC };

struct hit {
	uint32_t id;
	uint32_t rank;
};

/* Orders hits by rank, then by name (ids are in name order). */
static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Best name rank of the folded terms against a folded name. */
static enum rank name_rank(const char *lname, char *const *terms, size_t n)
{
	enum rank best = RANK_DESC;
	for (size_t t = 0; t < n; t++) {
		const char *at = strstr(lname, terms[t]);
		enum rank r = !at ? RANK_DESC : at != lname ? RANK_NAME :
			lname[strlen(terms[t])] ? RANK_PREFIX : RANK_EXACT;
		if (r < best)
			best = r;
	}
	return best;
}

/* Plain search: every folded term is a substring of the name or the description. */
static int match_plain(const struct index *ix, size_t i, const struct search_opts *o,
		       char *const *terms)
{
	const char *lname = index_lname(ix, i);
	const char *ldesc = o->names_only ? NULL : index_ldesc(ix, i);
	for (size_t t = 0; t < o->nterms; t++) {
		if (strstr(lname, terms[t]))
			continue;
		if (ldesc && strstr(ldesc, terms[t]))
			continue;
		return 0;
	}
	return 1;
}

/* Provided name of a provides entry ("libfoo=1.0", "libfoo (= 1.0)") into tmp. */
static const char *provide_name(struct buf *tmp, const char *prov)
{
	size_t n = strcspn(prov, " <>=(");
	buf_reset(tmp);
	buf_append(tmp, prov, n);
	return buf_str(tmp);
}

/* Regex search with the native tool's semantics: every pattern must match the
 * name, a provided name, or the description (pacman: the one-line description
 * and also a group; apt: the whole long description). --names-only keeps the
 * name and provides. Sets *name_hit when every pattern matched the name. */
static int match_regex(const struct index *ix, size_t i, const struct search_opts *o,
		       const regex_t *re, struct buf *tmp, int *name_hit)
{
	const struct pkg *p = index_get(ix, i);
	int apt = o->style == SEARCH_STYLE_APT;
	const char *desc = apt ? index_fulldesc(ix, i) : p->desc;
	int all_name = 1;
	for (size_t t = 0; t < o->nterms; t++) {
		if ((!apt && strcmp(p->name, o->terms[t]) == 0) ||
		    regexec(&re[t], p->name, 0, NULL, 0) == 0)
			continue;
		all_name = 0;
		int found = 0;
		for (uint32_t k = 0; k < p->provides.n && !found; k++)
			found = regexec(&re[t], provide_name(tmp, p->provides.v[k]), 0, NULL, 0) == 0;
		if (!found && !o->names_only)
			found = regexec(&re[t], desc, 0, NULL, 0) == 0;
		for (uint32_t k = 0; !apt && !o->names_only && k < p->groups.n && !found; k++)
			found = regexec(&re[t], p->groups.v[k], 0, NULL, 0) == 0;
		if (!found)
			return 0;
	}
	*name_hit = all_name;
	return 1;
}

int query_search(const struct index *ix, const struct search_opts *o, struct ids *out,
		 char *err, size_t errlen)
{
	int ret = -1;
	size_t n = index_count(ix), nhits = 0;
	struct hit *hits = NULL;
	regex_t *re = NULL;
	size_t ncomp = 0;
	char **terms = xcalloc(o->nterms ? o->nterms : 1, sizeof(*terms));
	struct buf tmp = {0};

	for (size_t t = 0; t < o->nterms; t++) {
		buf_reset(&tmp);
		utf8_fold(&tmp, o->terms[t]);
		terms[t] = xstrdup(buf_str(&tmp));
	}
	if (o->regex) {
		re = xcalloc(o->nterms ? o->nterms : 1, sizeof(*re));
		for (; ncomp < o->nterms; ncomp++) {
			int rc = regcomp(&re[ncomp], o->terms[ncomp],
					 REG_EXTENDED | REG_ICASE | REG_NOSUB |
					 (o->style == SEARCH_STYLE_PACMAN ? REG_NEWLINE : 0));
			if (rc != 0) {
				char why[128];
				regerror(rc, &re[ncomp], why, sizeof(why));
				snprintf(err, errlen, "invalid regular expression '%s': %s",
					 o->terms[ncomp], why);
				goto fail;
			}
		}
	}
	hits = xmalloc((n ? n : 1) * sizeof(*hits));
	for (size_t i = 0; i < n; i++) {
		const struct pkg *p = index_get(ix, i);
		if (o->installed_only && !(p->flags & PKG_INSTALLED))
			continue;
		int name_hit = 0;
		if (o->regex ? !match_regex(ix, i, o, re, &tmp, &name_hit) :
			       !match_plain(ix, i, o, terms))
			continue;
		enum rank r = name_rank(index_lname(ix, i), terms, o->nterms);
		if (o->regex && r == RANK_DESC && name_hit)
			r = RANK_NAME;
		hits[nhits].id = (uint32_t)i;
		hits[nhits].rank = r;
		nhits++;
	}
	qsort(hits, nhits, sizeof(*hits), cmp_hit);
	if (o->limit && nhits > o->limit)
		nhits = o->limit;
	for (size_t i = 0; i < nhits; i++)
		ids_push(out, hits[i].id);
	ret = 0;
fail:
	for (size_t t = 0; t < ncomp; t++)
		regfree(&re[t]);
	for (size_t t = 0; t < o->nterms; t++)
		free(terms[t]);
	free(terms);
	free(re);
	free(hits);
	buf_free(&tmp);
	return ret;
}

void query_list(const struct index *ix, enum list_kind kind, struct ids *out)
{
	for (size_t i = 0; i < index_count(ix); i++) {
		uint32_t f = index_get(ix, i)->flags;
		int keep;
		switch (kind) {
		case LIST_ALL:
			keep = 1;
			break;
		case LIST_INSTALLED:
			keep = f & PKG_INSTALLED;
			break;
		case LIST_UPGRADABLE:
			keep = f & PKG_UPGRADABLE;
			break;
		case LIST_EXPLICIT:
			keep = (f & PKG_INSTALLED) && index_get(ix, i)->reason == PKG_REASON_EXPLICIT;
			break;
		case LIST_ORPHANS:
			keep = f & PKG_ORPHAN;
			break;
		case LIST_FOREIGN:
			keep = f & PKG_FOREIGN;
			break;
		default:
			keep = 0;
		}
		if (keep)
			ids_push(out, (uint32_t)i);
	}
}

void query_dep_names(const char *dep, void (*fn)(void *ctx, const char *name, size_t n),
		     void *ctx)
{
	const char *s = dep;
	for (;;) {
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

struct rdep_ctx {
	const char *const *names; /* the target's name and provided names */
	size_t nnames;
	int hit;
};

/* query_dep_names callback: does this alternative name the target? */
static void rdep_check(void *ctx, const char *name, size_t n)
{
	struct rdep_ctx *c = ctx;
	for (size_t i = 0; i < c->nnames && !c->hit; i++)
		if (strlen(c->names[i]) == n && memcmp(c->names[i], name, n) == 0)
			c->hit = 1;
}

/* Non-zero if any dependency in l names the target. A dependency string that
 * does not even contain one of the names is not parsed. */
static int list_names(struct rdep_ctx *c, struct strlist l)
{
	c->hit = 0;
	for (uint32_t k = 0; k < l.n && !c->hit; k++) {
		int maybe = 0;
		for (size_t i = 0; i < c->nnames && !maybe; i++)
			maybe = strstr(l.v[k], c->names[i]) != NULL;
		if (maybe)
			query_dep_names(l.v[k], rdep_check, c);
	}
	return c->hit;
}

void query_providers(const struct index *ix, const char *name, struct ids *out)
{
	struct buf tmp = {0};
	for (size_t i = 0; i < index_count(ix); i++) {
		const struct pkg *p = index_get(ix, i);
		for (uint32_t k = 0; k < p->provides.n; k++) {
			if (strcmp(provide_name(&tmp, p->provides.v[k]), name) == 0) {
				ids_push(out, (uint32_t)i);
				break;
			}
		}
	}
	buf_free(&tmp);
}

void query_rdeps(const struct index *ix, size_t id, struct ids *required_by,
		 struct ids *optional_for)
{
	const struct pkg *t = index_get(ix, id);
	const char **names = xmalloc((t->provides.n + 1) * sizeof(*names));
	struct buf tmp = {0};
	names[0] = t->name;
	for (uint32_t k = 0; k < t->provides.n; k++)
		names[k + 1] = xstrdup(provide_name(&tmp, t->provides.v[k]));
	struct rdep_ctx c = {names, t->provides.n + 1, 0};
	for (size_t i = 0; i < index_count(ix); i++) {
		if (i == id)
			continue;
		const struct pkg *p = index_get(ix, i);
		if (list_names(&c, p->depends))
			ids_push(required_by, (uint32_t)i);
		else if (list_names(&c, p->optdepends) || list_names(&c, p->suggests))
			ids_push(optional_for, (uint32_t)i);
	}
	for (uint32_t k = 0; k < t->provides.n; k++)
		free((char *)names[k + 1]);
	free(names);
	buf_free(&tmp);
}
