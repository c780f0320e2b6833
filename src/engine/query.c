/* SPDX-License-Identifier: MIT */
/* Search, list and reverse-dependency queries over the immutable index. */
#include "engine/query.h"

#include <regex.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
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

enum rank { RANK_EXACT, RANK_PREFIX, RANK_NAME, RANK_PROVIDE, RANK_DESC };

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

/* Provided name of a provides entry ("libfoo=1.0", "libfoo (= 1.0)") into tmp. */
static const char *provide_name(struct buf *tmp, const char *prov)
{
	size_t n = strcspn(prov, " <>=(");
	buf_reset(tmp);
	buf_append(tmp, prov, n);
	return buf_str(tmp);
}

/* Scratch buffers of a plain search. */
struct plain_tmp {
	struct buf name, fold;
};

/* s[0..n) folded as utf8_fold folds it, into tmp: ASCII lower-cased here,
 * anything else through utf8_fold. Borrowed until tmp changes. */
static const char *fold(struct plain_tmp *tmp, const char *s, size_t n)
{
	char ascii[256];
	size_t i = 0;
	for (; i < n && i < sizeof(ascii) && !((unsigned char)s[i] & 0x80); i++)
		ascii[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
	buf_reset(&tmp->fold);
	if (i == n) {
		buf_append(&tmp->fold, ascii, n);
	} else {
		buf_reset(&tmp->name);
		buf_append(&tmp->name, s, n);
		utf8_fold(&tmp->fold, buf_str(&tmp->name));
	}
	return buf_str(&tmp->fold);
}

/* Non-zero if the folded term is in the folded name of one of the provides
 * (provides: "libfoo" of "libfoo (= 1.0)") or of the groups in l. */
static int in_list(const struct strlist *l, const char *term, int provides, struct plain_tmp *tmp)
{
	for (uint32_t k = 0; k < l->n; k++) {
		const char *v = l->v[k];
		size_t n = provides ? strcspn(v, " <>=(") : strlen(v);
		if (strstr(fold(tmp, v, n), term))
			return 1;
	}
	return 0;
}

/* Plain search: every folded term is a substring of the name, a provided
 * name, the description or a group (the fields apt-cache search and pacman
 * -Ss look at); names_only: of the name or a provided name. */
static int match_plain(const struct index *ix, size_t i, const struct search_opts *o,
		       char *const *terms, struct plain_tmp *tmp)
{
	const struct pkg *p = index_get(ix, i);
	const char *lname = index_lname(ix, i);
	const char *ldesc = o->names_only ? NULL : index_ldesc(ix, i);
	for (size_t t = 0; t < o->nterms; t++) {
		if (strstr(lname, terms[t]))
			continue;
		if (ldesc && strstr(ldesc, terms[t]))
			continue;
		if (in_list(&p->provides, terms[t], 1, tmp))
			continue;
		if (!o->names_only && in_list(&p->groups, terms[t], 0, tmp))
			continue;
		return 0;
	}
	return 1;
}

/* A plain match's rank: by the name, else RANK_PROVIDE when a term is in a
 * provided name, else RANK_DESC. */
static enum rank plain_rank(const struct index *ix, size_t i, char *const *terms, size_t n,
			    struct plain_tmp *tmp)
{
	enum rank r = name_rank(index_lname(ix, i), terms, n);
	for (size_t t = 0; r == RANK_DESC && t < n; t++)
		if (in_list(&index_get(ix, i)->provides, terms[t], 1, tmp))
			r = RANK_PROVIDE;
	return r;
}

/*
 * memmem for a short needle in a long haystack. glibc's memmem looks at one
 * position at a time; this compares 16 positions at once against the
 * needle's first and last bytes (SSE2, in every x86-64) and checks only
 * where both agree (W. Mula's "generic SIMD" substring search).
 */
static const char *find_bytes(const char *hay, size_t n, const char *needle, size_t k)
{
	if (k == 1)
		return memchr(hay, needle[0], n);
#ifdef __SSE2__
	if (k >= 2 && n >= k + 16) {
		const __m128i first = _mm_set1_epi8(needle[0]), last = _mm_set1_epi8(needle[k - 1]);
		size_t i = 0;
		for (; i + k - 1 + 16 <= n; i += 16) {
			__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(hay + i));
			__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(hay + i + k - 1));
			unsigned mask = (unsigned)_mm_movemask_epi8(
				_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last)));
			while (mask) {
				unsigned bit = (unsigned)__builtin_ctz(mask);
				if (memcmp(hay + i + bit + 1, needle + 1, k - 2) == 0)
					return hay + i + bit;
				mask &= mask - 1;
			}
		}
		return memmem(hay + i, n - i, needle, k);
	}
#endif
	return memmem(hay, n, needle, k);
}

/*
 * Candidates for a plain search from the haystack: the packages whose name or
 * a provided name (or, unless names_only, the description or a group)
 * contains term, marked in cand. One memmem pass; after a hit the scan jumps
 * to the next package's name.
 */
static void hay_candidates(const struct index_haystack *h, const char *term, int names_only,
			   unsigned char *cand)
{
	size_t tl = strlen(term), nf = 2 * h->n;
	const char *p = h->text, *end = h->text + h->len;
	while ((p = find_bytes(p, (size_t)(end - p), term, tl))) {
		uint32_t off = (uint32_t)(p - h->text);
		size_t lo = 0, hi = nf; /* the field k with start[k] <= off < start[k+1] */
		while (hi - lo > 1) {
			size_t mid = (lo + hi) / 2;
			if (h->start[mid] <= off)
				lo = mid;
			else
				hi = mid;
		}
		size_t i = lo / 2;
		if (!(names_only && (lo & 1)))
			cand[i] = 1;
		p = h->text + h->start[2 * i + 2];
	}
}

/*
 * The literal words every match of a simple regex must contain, lower-cased,
 * NUL-separated and ending in an empty string; NULL when the pattern is not
 * simple. Simple: an optional ^, words of [A-Za-z0-9 _-], '.' and ".*"
 * between them, an optional $. "fire.*fox" gives "fire\0fox\0\0".
 */
static char *required_words(const char *re)
{
	size_t n = strlen(re);
	char *out = xmalloc(n + 2), *w = out;
	const char *s = re;
	if (*s == '^')
		s++;
	int in_word = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == ' ') {
			*w++ = (char)c;
			in_word = 1;
		} else if (c >= 'A' && c <= 'Z') {
			*w++ = (char)(c + 32);
			in_word = 1;
		} else if (c == '.' || (c == '$' && !s[1])) {
			if (c == '.' && s[1] == '*')
				s++;
			if (in_word)
				*w++ = '\0';
			in_word = 0;
		} else {
			free(out);
			return NULL;
		}
	}
	if (in_word)
		*w++ = '\0';
	*w = '\0';
	if (!out[0]) { /* no word at all: nothing to filter on */
		free(out);
		return NULL;
	}
	return out;
}

/* Non-zero if every word can be found in the folded name, the folded
 * description, a provide or a group. Folding only adds ASCII letters, so a
 * word absent here cannot be matched case-insensitively: a safe rejection. */
static int words_present(const struct index *ix, size_t i, const char *words)
{
	const struct pkg *p = index_get(ix, i);
	for (const char *w = words; *w; w += strlen(w) + 1) {
		if (strstr(index_lname(ix, i), w) || strstr(index_ldesc(ix, i), w))
			continue;
		int found = 0;
		for (uint32_t k = 0; k < p->provides.n && !found; k++)
			found = strcasestr(p->provides.v[k], w) != NULL;
		for (uint32_t k = 0; k < p->groups.n && !found; k++)
			found = strcasestr(p->groups.v[k], w) != NULL;
		if (!found)
			return 0;
	}
	return 1;
}

/* Regex search with the native tool's semantics: every pattern must match the
 * name, a provided name, or the description (pacman: the one-line description
 * and also a group; apt: the whole long description). --names-only keeps the
 * name and provides. Sets *name_hit when every pattern matched the name. */
static int match_regex(const struct index *ix, size_t i, const struct search_opts *o,
		       const regex_t *re, char *const *words, struct buf *tmp, int *name_hit)
{
	const struct pkg *p = index_get(ix, i);
	for (size_t t = 0; t < o->nterms; t++)
		if (words[t] && !words_present(ix, i, words[t]))
			return 0;
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
	unsigned char *cand = NULL;
	struct hit *hits = NULL;
	regex_t *re = NULL;
	char **words = xcalloc(o->nterms ? o->nterms : 1, sizeof(*words));
	size_t ncomp = 0;
	char **terms = xcalloc(o->nterms ? o->nterms : 1, sizeof(*terms));
	struct buf tmp = {0};
	struct plain_tmp pt = {{0}, {0}};

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
			words[ncomp] = required_words(o->terms[ncomp]);
		}
	}
	hits = xmalloc((n ? n : 1) * sizeof(*hits));
	/* A prepared index narrows a plain search with one pass for its longest
	 * term; the candidates are then checked as usual. */
	const struct index_haystack *hay = index_haystack(ix);
	size_t longest = 0;
	for (size_t t = 1; t < o->nterms; t++)
		if (strlen(terms[t]) > strlen(terms[longest]))
			longest = t;
	if (hay && !o->regex && o->nterms && terms[longest][0]) {
		cand = xcalloc(n ? n : 1, 1);
		hay_candidates(hay, terms[longest], o->names_only, cand);
	}
	for (size_t i = 0; i < n; i++) {
		if (cand && !cand[i])
			continue;
		const struct pkg *p = index_get(ix, i);
		if (o->installed_only && !(p->flags & PKG_INSTALLED))
			continue;
		int name_hit = 0;
		enum rank r;
		if (o->regex) {
			if (!match_regex(ix, i, o, re, words, &tmp, &name_hit))
				continue;
			r = name_rank(index_lname(ix, i), terms, o->nterms);
			if (r == RANK_DESC && name_hit)
				r = RANK_NAME;
		} else {
			if (!match_plain(ix, i, o, terms, &pt))
				continue;
			r = plain_rank(ix, i, terms, o->nterms, &pt);
		}
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
	for (size_t t = 0; t < o->nterms; t++) {
		free(terms[t]);
		free(words[t]);
	}
	free(terms);
	free(words);
	free(re);
	free(hits);
	free(cand);
	buf_free(&tmp);
	buf_free(&pt.name);
	buf_free(&pt.fold);
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
		case LIST_SECURITY:
			/* What the status counts as security upgrades: held ones are
			 * held back, not upgrades. */
			keep = (f & PKG_SECURITY) && (f & PKG_UPGRADABLE) && !(f & PKG_HELD);
			break;
		default:
			keep = 0;
		}
		if (keep)
			ids_push(out, (uint32_t)i);
	}
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

/* Orders ids ascending. */
static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Sorts ids and drops duplicates. */
static void ids_sort_unique(struct ids *ids)
{
	if (!ids->n)
		return;
	qsort(ids->v, ids->n, sizeof(*ids->v), cmp_u32);
	size_t w = 1;
	for (size_t r = 1; r < ids->n; r++)
		if (ids->v[r] != ids->v[w - 1])
			ids->v[w++] = ids->v[r];
	ids->n = w;
}

/* Moves the ids of packages that are not installed out of ids, counting them in *n. */
static void keep_installed(const struct index *ix, struct ids *ids, uint32_t *n)
{
	size_t w = 0;
	for (size_t r = 0; r < ids->n; r++) {
		if (index_get(ix, ids->v[r])->flags & PKG_INSTALLED)
			ids->v[w++] = ids->v[r];
		else
			(*n)++;
	}
	ids->n = w;
}

void query_rdeps(const struct index *ix, size_t id, struct ids *required_by,
		 struct ids *optional_for, struct rdeps_more *more)
{
	const struct pkg *t = index_get(ix, id);
	struct buf tmp = {0};
	struct ids opt = {0};
	for (uint32_t k = 0; k <= t->provides.n; k++) {
		const char *name = k == 0 ? t->name : provide_name(&tmp, t->provides.v[k - 1]);
		const uint32_t *e;
		size_t n = index_rdeps(ix, name, &e);
		for (size_t i = 0; i < n; i++) {
			if ((e[i] >> 1) == id)
				continue;
			ids_push(e[i] & 1 ? &opt : required_by, e[i] >> 1);
		}
	}
	ids_sort_unique(required_by);
	ids_sort_unique(&opt);
	/* A package that requires the target through one name and optionally
	 * wants it through another counts as requiring it. */
	for (size_t i = 0, r = 0; i < opt.n; i++) {
		while (r < required_by->n && required_by->v[r] < opt.v[i])
			r++;
		if (r == required_by->n || required_by->v[r] != opt.v[i])
			ids_push(optional_for, opt.v[i]);
	}
	ids_free(&opt);
	buf_free(&tmp);
	if (more) {
		*more = (struct rdeps_more){0, 0};
		keep_installed(ix, required_by, &more->required_by);
		keep_installed(ix, optional_for, &more->optional_for);
	}
}
