/* SPDX-License-Identifier: MIT */
/* The UI's model: every package in brief, the user's marks, and the rows a view shows. */
#include "tui/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/strpool.h"
#include "util/utf8.h"
#include "util/vercmp.h"
#include "util/xalloc.h"

#define MAX_TERMS 16

/* One marking step for undo: the packages it changed and their marks before. */
struct undo_step {
	uint32_t *ids;
	uint8_t *old;
	size_t n;
};

/* Search words, folded to lower case. */
struct terms {
	struct buf text;
	const char *v[MAX_TERMS];
	size_t n;
};

struct model {
	struct strpool *arena;     /* strings of the list's rows */
	struct mpkg *pkgs;
	size_t n, cap;
	size_t nlist;              /* pkgs[0, nlist): the engine's list, in name order;
				    * [nlist, n): the AUR's own rows, in name order */
	struct strpool *aur_arena; /* strings of the AUR's own rows */
	/* AUR results being received: the new rows, swapped in at model_aur_commit */
	struct strpool *aur_next_arena;
	struct mpkg *aur_next;
	size_t aur_next_n, aur_next_cap;
	/* a load in progress: the new list, swapped in at commit */
	struct strpool *next_arena;
	struct mpkg *next;
	size_t next_n, next_cap;
	int loading, peeked;
	int folded;                /* every fold is set */
	enum view view;
	enum sort sort;
	int reverse;
	int (*vercmp)(const char *, const char *); /* the backend's version order */
	char limit[256], narrow[256];
	uint32_t *base;            /* view and limit, sorted */
	size_t nbase;
	uint32_t *vis;             /* base narrowed */
	size_t nvis;
	size_t view_count[VIEW_COUNT];
	size_t security, marked;
	struct undo_step *undo;
	size_t nundo, capundo;
};

struct model *model_new(void)
{
	struct model *m = xcalloc(1, sizeof(*m));
	m->arena = strpool_new();
	m->sort = SORT_NAME;
	m->vercmp = vercmp_dpkg;
	return m;
}

/* Drops the undo history (its ids name positions of one list). */
static void undo_clear(struct model *m)
{
	for (size_t i = 0; i < m->nundo; i++) {
		free(m->undo[i].ids);
		free(m->undo[i].old);
	}
	m->nundo = 0;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	undo_clear(m);
	free(m->undo);
	strpool_free(m->arena);
	strpool_free(m->next_arena);
	strpool_free(m->aur_arena);
	strpool_free(m->aur_next_arena);
	free(m->pkgs);
	free(m->next);
	free(m->aur_next);
	free(m->base);
	free(m->vis);
	free(m);
}

void model_load_begin(struct model *m)
{
	strpool_free(m->next_arena);
	m->next_arena = strpool_new();
	m->next_n = 0;
	m->loading = 1;
	m->peeked = 0;
}

int model_loading(const struct model *m)
{
	return m->loading;
}

/* q in brief from the engine's record v, its strings copied into a. */
static void copy_pkg(struct mpkg *q, const struct msg_pkg *v, struct strpool *a)
{
	const struct pkg *p = &v->pkg;
	memset(q, 0, sizeof(*q));
	q->name = strpool_copy(a, p->name, strlen(p->name));
	q->version = strpool_intern(a, p->version, strlen(p->version));
	q->inst = strpool_intern(a, p->installed_version, strlen(p->installed_version));
	q->repo = strpool_intern(a, p->repo, strlen(p->repo));
	q->desc = strpool_copy(a, p->desc, strlen(p->desc));
	q->flags = p->flags;
	q->reason = (uint8_t)p->reason;
	if (v->naur && v->aur->state == PKG_AUR_FOUND) {
		q->votes = v->aur->votes > UINT32_MAX ? UINT32_MAX : (uint32_t)v->aur->votes;
		uint64_t pop = v->aur->popularity_micro / 10000;
		q->pop = pop > UINT32_MAX ? UINT32_MAX : (uint32_t)pop;
	}
}

void model_load_add(struct model *m, const struct msg_pkg *v, size_t n)
{
	if (m->next_n + n > m->next_cap) {
		m->next_cap = (m->next_n + n) * 2;
		m->next = xrealloc(m->next, m->next_cap * sizeof(*m->next));
	}
	for (size_t i = 0; i < n; i++)
		copy_pkg(&m->next[m->next_n++], &v[i], m->next_arena);
}

static void rebuild(struct model *m);

/* The position of name in a name-ordered array, or -1. */
static long find_in(const struct mpkg *v, size_t n, const char *name)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid].name, name);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = 0; i < n; i++) /* a list not in strcmp order */
		if (strcmp(v[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* What the AUR said of a row goes to the row of the same package in another list. */
static void carry_aur(struct mpkg *to, const struct mpkg *from)
{
	to->aur_hit = from->aur_hit;
	if (from->votes || from->pop) {
		to->votes = from->votes;
		to->pop = from->pop;
	}
}

/* Swaps the loaded list in, carrying marks and the AUR's results over by name. */
static void swap_in(struct model *m)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->pkgs[i].mark == MARK_NONE && !m->pkgs[i].aur_hit)
			continue;
		long j = find_in(m->next, m->next_n, m->pkgs[i].name);
		if (j < 0)
			continue;
		if (m->pkgs[i].mark != MARK_NONE)
			m->next[j].mark = m->pkgs[i].mark;
		if (m->pkgs[i].aur_hit)
			carry_aur(&m->next[j], &m->pkgs[i]);
	}
	struct strpool *a = m->arena;
	m->arena = m->next_arena;
	m->next_arena = a;
	struct mpkg *p = m->pkgs;
	m->pkgs = m->next;
	m->next = p;
	size_t cap = m->cap;
	m->cap = m->next_cap;
	m->next_cap = cap;
	m->n = m->nlist = m->next_n;
	m->folded = 0;
	undo_clear(m);
}

/* Appends a row after the others (an AUR row). */
static void append_row(struct model *m, const struct mpkg *r)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->pkgs = xrealloc(m->pkgs, m->cap * sizeof(*m->pkgs));
	}
	m->pkgs[m->n++] = *r;
}

/* qsort comparator of rows by name. */
static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct mpkg *)a)->name, ((const struct mpkg *)b)->name);
}

/* Puts the AUR's own rows (tail, set aside) back after a new list: one the
 * list now has (it was installed) gives that row its mark and its AUR
 * flags; one neither a result nor marked any more goes. */
static void put_back(struct model *m, const struct mpkg *tail, size_t ntail)
{
	for (size_t i = 0; i < ntail; i++) {
		long j = find_in(m->pkgs, m->nlist, tail[i].name);
		if (j >= 0) {
			if (m->pkgs[j].mark == MARK_NONE)
				m->pkgs[j].mark = tail[i].mark;
			carry_aur(&m->pkgs[j], &tail[i]);
		} else if (tail[i].aur_hit || tail[i].mark != MARK_NONE) {
			append_row(m, &tail[i]);
		}
	}
}

void model_load_peek(struct model *m)
{
	if (!m->loading || m->peeked || m->n)
		return;
	/* Nothing shown yet: show what arrived (copied, the load goes on). */
	m->peeked = 1;
	m->pkgs = xrealloc(m->pkgs, (m->next_n ? m->next_n : 1) * sizeof(*m->pkgs));
	memcpy(m->pkgs, m->next, m->next_n * sizeof(*m->pkgs));
	m->cap = m->next_n;
	m->n = m->nlist = m->next_n;
	m->folded = 0;
	rebuild(m);
}

void model_load_commit(struct model *m)
{
	if (!m->loading)
		return;
	/* The AUR's own rows are not the engine's list: set aside, put back. */
	size_t ntail = m->n - m->nlist;
	struct mpkg *tail = xmalloc((ntail ? ntail : 1) * sizeof(*tail));
	if (ntail)
		memcpy(tail, m->pkgs + m->nlist, ntail * sizeof(*tail));
	m->n = m->nlist;
	if (m->peeked) {
		/* The peek is a copy of the list's first part, with the new arena's
		 * strings: its marks go over by position. */
		for (size_t i = 0; i < m->n && i < m->next_n; i++) {
			m->next[i].mark = m->pkgs[i].mark;
			if (m->pkgs[i].aur_hit)
				carry_aur(&m->next[i], &m->pkgs[i]);
		}
		m->n = 0;
	}
	swap_in(m);
	put_back(m, tail, ntail);
	free(tail);
	strpool_free(m->next_arena);
	m->next_arena = NULL;
	m->next_n = 0;
	m->loading = 0;
	m->peeked = 0;
	m->marked = 0;
	for (size_t i = 0; i < m->n; i++)
		m->marked += m->pkgs[i].mark != MARK_NONE;
	rebuild(m);
}

size_t model_count(const struct model *m)
{
	return m->n;
}

struct mpkg *model_pkg(struct model *m, size_t i)
{
	return i < m->n ? &m->pkgs[i] : NULL;
}

struct mpkg *model_find(struct model *m, const char *name)
{
	long i = find_in(m->pkgs, m->nlist, name);
	if (i >= 0)
		return &m->pkgs[i];
	for (size_t k = m->nlist; k < m->n; k++)
		if (strcmp(m->pkgs[k].name, name) == 0)
			return &m->pkgs[k];
	return NULL;
}

void model_aur_begin(struct model *m)
{
	strpool_free(m->aur_next_arena);
	m->aur_next_arena = strpool_new();
	m->aur_next_n = 0;
}

void model_aur_add(struct model *m, const struct msg_pkg *v, size_t n)
{
	if (!m->aur_next_arena)
		model_aur_begin(m);
	if (m->aur_next_n + n > m->aur_next_cap) {
		m->aur_next_cap = (m->aur_next_n + n) * 2;
		m->aur_next = xrealloc(m->aur_next, m->aur_next_cap * sizeof(*m->aur_next));
	}
	for (size_t i = 0; i < n; i++) {
		struct mpkg *q = &m->aur_next[m->aur_next_n++];
		copy_pkg(q, &v[i], m->aur_next_arena);
		q->aur = 1;
		q->aur_hit = 1;
	}
}

/* Copies r's strings into a (a marked AUR row kept past its results). */
static struct mpkg copy_row(const struct mpkg *r, struct strpool *a)
{
	struct mpkg q = *r;
	q.name = strpool_copy(a, r->name, strlen(r->name));
	q.version = strpool_intern(a, r->version, strlen(r->version));
	q.inst = strpool_intern(a, r->inst, strlen(r->inst));
	q.repo = strpool_intern(a, r->repo, strlen(r->repo));
	q.desc = strpool_copy(a, r->desc, strlen(r->desc));
	q.fold = NULL;
	q.aur_hit = 0;
	return q;
}

void model_aur_commit(struct model *m)
{
	if (!m->aur_next_arena)
		return;
	for (size_t i = 0; i < m->nlist; i++)
		m->pkgs[i].aur_hit = 0;
	size_t nold = m->n - m->nlist;
	struct mpkg *old = xmalloc((nold ? nold : 1) * sizeof(*old));
	if (nold)
		memcpy(old, m->pkgs + m->nlist, nold * sizeof(*old));
	m->n = m->nlist;
	for (size_t i = 0; i < m->aur_next_n; i++) {
		const struct mpkg *r = &m->aur_next[i];
		long j = find_in(m->pkgs, m->nlist, r->name);
		if (j >= 0)
			carry_aur(&m->pkgs[j], r); /* installed: the list's row is the result */
		else
			append_row(m, r);
	}
	/* Marks stay on the AUR's rows, results or not. */
	for (size_t i = 0; i < nold; i++) {
		if (old[i].mark == MARK_NONE)
			continue;
		size_t k = m->nlist;
		while (k < m->n && strcmp(m->pkgs[k].name, old[i].name) != 0)
			k++;
		if (k < m->n) {
			m->pkgs[k].mark = old[i].mark;
		} else {
			struct mpkg q = copy_row(&old[i], m->aur_next_arena);
			append_row(m, &q);
		}
	}
	free(old);
	if (m->n > m->nlist)
		qsort(m->pkgs + m->nlist, m->n - m->nlist, sizeof(*m->pkgs), cmp_name);
	strpool_free(m->aur_arena);
	m->aur_arena = m->aur_next_arena;
	m->aur_next_arena = NULL;
	m->aur_next_n = 0;
	m->marked = 0;
	for (size_t i = 0; i < m->n; i++)
		m->marked += m->pkgs[i].mark != MARK_NONE;
	/* The undo history names rows by position: the AUR's moved. */
	for (size_t s = 0; s < m->nundo; s++)
		for (size_t i = 0; i < m->undo[s].n; i++)
			if (m->undo[s].ids[i] >= m->nlist) {
				undo_clear(m);
				break;
			}
	m->folded = 0;
	rebuild(m);
}

/* Folds name and description of every package for matching (once per list). */
static void fold_all(struct model *m)
{
	if (m->folded)
		return;
	struct buf b = {0};
	for (size_t i = 0; i < m->n; i++) {
		struct mpkg *p = &m->pkgs[i];
		if (p->fold)
			continue; /* a fold is made once, with the row's strings */
		buf_reset(&b);
		const char *s[2] = {p->name, p->desc};
		for (int k = 0; k < 2; k++) {
			const unsigned char *c = (const unsigned char *)s[k];
			int ascii = 1;
			for (const unsigned char *q = c; *q; q++)
				if (*q >= 0x80) {
					ascii = 0;
					break;
				}
			if (ascii) {
				for (; *c; c++)
					buf_putc(&b, (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c));
			} else {
				utf8_fold(&b, s[k]);
			}
			if (!k)
				buf_putc(&b, '\n');
		}
		struct strpool *a = i >= m->nlist ? m->aur_arena
				    : m->loading && m->peeked ? m->next_arena : m->arena;
		p->fold = strpool_copy(a, b.p, b.len);
	}
	buf_free(&b);
	m->folded = 1;
}

int model_prepare(struct model *m)
{
	if (m->folded || !m->n || m->loading)
		return 0;
	fold_all(m);
	return 1;
}

/* Splits pattern into folded words. */
static void terms_parse(struct terms *t, const char *pattern)
{
	memset(t, 0, sizeof(*t));
	utf8_fold(&t->text, pattern);
	buf_putc(&t->text, '\0');
	char *p = t->text.p;
	while (*p && t->n < MAX_TERMS) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		t->v[t->n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
}

/* Every word appears in the package's name or description. */
static int terms_match(const struct terms *t, const struct mpkg *p)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strstr(p->fold, t->v[i]))
			return 0;
	return 1;
}

/* Whether the package belongs in view v; limited: a limit is set (All then
 * shows the AUR's own rows among its results). */
static int in_view(const struct mpkg *p, enum view v, int limited)
{
	if (p->aur)
		return v == VIEW_AUR ? p->aur_hit
		       : v == VIEW_MARKED ? p->mark != MARK_NONE
		       : v == VIEW_ALL && limited && p->aur_hit;
	switch (v) {
	case VIEW_ALL: return 1;
	case VIEW_INSTALLED: return (p->flags & PKG_INSTALLED) != 0;
	case VIEW_UPGRADABLE: return (p->flags & PKG_UPGRADABLE) != 0;
	case VIEW_ORPHANS: return (p->flags & PKG_ORPHAN) != 0;
	case VIEW_MARKED: return p->mark != MARK_NONE;
	case VIEW_SECURITY:
		return (p->flags & (PKG_SECURITY | PKG_UPGRADABLE | PKG_HELD)) ==
		       (PKG_SECURITY | PKG_UPGRADABLE);
	case VIEW_VULNERABLE: return (p->flags & (PKG_INSTALLED | PKG_VULNERABLE)) ==
				     (PKG_INSTALLED | PKG_VULNERABLE);
	case VIEW_AUR: return p->aur_hit;
	default: return 0;
	}
}

/* The state column's order: marked, upgradable, installed, the rest. */
static int state_rank(const struct mpkg *p)
{
	if (p->mark)
		return 0;
	if (p->flags & PKG_UPGRADABLE)
		return 1;
	if (p->flags & PKG_INSTALLED)
		return 2;
	return 3;
}

/* qsort_r comparator of package positions by the model's sort key. */
static int cmp_rows(const void *a, const void *b, void *ctx)
{
	const struct model *m = ctx;
	const struct mpkg *p = &m->pkgs[*(const uint32_t *)a], *q = &m->pkgs[*(const uint32_t *)b];
	if (p->aur != q->aur && m->view != VIEW_AUR)
		return p->aur - q->aur; /* All: the AUR's own rows after the list's, either way */
	int c = 0;
	switch (m->sort) {
	case SORT_STATE: c = state_rank(p) - state_rank(q); break;
	case SORT_VERSION: c = m->vercmp(*p->inst ? p->inst : p->version, *q->inst ? q->inst : q->version); break;
	case SORT_REPO: c = strcmp(p->repo, q->repo); break;
	case SORT_DESC: c = strcasecmp(p->desc, q->desc); break;
	default: break;
	}
	if (!c)
		c = strcmp(p->name, q->name);
	return m->reverse ? -c : c;
}

/* Applies the narrowing pattern to the base rows. */
static void narrow(struct model *m)
{
	m->vis = xrealloc(m->vis, (m->nbase ? m->nbase : 1) * sizeof(*m->vis));
	if (!m->narrow[0]) {
		memcpy(m->vis, m->base, m->nbase * sizeof(*m->vis));
		m->nvis = m->nbase;
		return;
	}
	fold_all(m);
	struct terms t;
	terms_parse(&t, m->narrow);
	m->nvis = 0;
	for (size_t i = 0; i < m->nbase; i++)
		if (terms_match(&t, &m->pkgs[m->base[i]]))
			m->vis[m->nvis++] = m->base[i];
	buf_free(&t.text);
}

/* Recomputes the counts, the base rows (view, limit, sort) and the shown rows. */
static void rebuild(struct model *m)
{
	memset(m->view_count, 0, sizeof(m->view_count));
	m->security = 0;
	for (size_t i = 0; i < m->n; i++) {
		for (int v = 0; v < VIEW_COUNT; v++)
			m->view_count[v] += (size_t)in_view(&m->pkgs[i], (enum view)v, 0);
		m->security += (m->pkgs[i].flags & PKG_SECURITY) != 0;
	}
	struct terms t;
	int limited = m->limit[0] != '\0';
	if (limited) {
		fold_all(m);
		terms_parse(&t, m->limit);
	}
	m->base = xrealloc(m->base, (m->n ? m->n : 1) * sizeof(*m->base));
	m->nbase = 0;
	for (size_t i = 0; i < m->n; i++)
		if (in_view(&m->pkgs[i], m->view, limited) &&
		    (!limited || terms_match(&t, &m->pkgs[i])))
			m->base[m->nbase++] = (uint32_t)i;
	if (limited)
		buf_free(&t.text);
	/* The list's rows are in name order, and so are the AUR's after them. */
	if (m->sort != SORT_NAME || m->reverse || m->view == VIEW_AUR)
		qsort_r(m->base, m->nbase, sizeof(*m->base), cmp_rows, m);
	narrow(m);
}

void model_set_view(struct model *m, enum view v)
{
	m->view = v;
	rebuild(m);
}

enum view model_view(const struct model *m)
{
	return m->view;
}

void model_set_sort(struct model *m, enum sort s, int reverse)
{
	m->sort = s;
	m->reverse = reverse;
	rebuild(m);
}

/* Picks the version order of backend ("alpm": libalpm's, anything else:
 * dpkg's) and re-sorts when it changed. */
void model_set_backend(struct model *m, const char *backend)
{
	int (*f)(const char *, const char *) =
		backend && strcmp(backend, "alpm") == 0 ? vercmp_alpm : vercmp_dpkg;
	if (f == m->vercmp)
		return;
	m->vercmp = f;
	if (m->sort == SORT_VERSION)
		rebuild(m);
}

enum sort model_sort(const struct model *m)
{
	return m->sort;
}

int model_reverse(const struct model *m)
{
	return m->reverse;
}

void model_set_limit(struct model *m, const char *pattern)
{
	snprintf(m->limit, sizeof(m->limit), "%s", pattern);
	rebuild(m);
}

const char *model_limit(const struct model *m)
{
	return m->limit;
}

void model_set_narrow(struct model *m, const char *pattern)
{
	size_t old = strlen(m->narrow);
	/* Typing on: the new matches are among the old ones. */
	int extends = old && strncmp(pattern, m->narrow, old) == 0 && !strchr(pattern + old, ' ');
	snprintf(m->narrow, sizeof(m->narrow), "%s", pattern);
	if (!extends) {
		narrow(m);
		return;
	}
	fold_all(m);
	struct terms t;
	terms_parse(&t, m->narrow);
	size_t k = 0;
	for (size_t i = 0; i < m->nvis; i++)
		if (terms_match(&t, &m->pkgs[m->vis[i]]))
			m->vis[k++] = m->vis[i];
	m->nvis = k;
	buf_free(&t.text);
}

size_t model_rows(const struct model *m)
{
	return m->nvis;
}

struct mpkg *model_row(struct model *m, size_t r)
{
	return r < m->nvis ? &m->pkgs[m->vis[r]] : NULL;
}

long model_row_of(const struct model *m, const struct mpkg *p)
{
	if (!p || p < m->pkgs || p >= m->pkgs + m->n)
		return -1;
	uint32_t id = (uint32_t)(p - m->pkgs);
	for (size_t r = 0; r < m->nvis; r++)
		if (m->vis[r] == id)
			return (long)r;
	return -1;
}

/* How well p matches the first word: 0 exact name, 1 name prefix, 2 in the
 * name, 3 elsewhere. */
static int rank(const struct mpkg *p, const char *word)
{
	size_t n = strlen(word);
	size_t nl = (size_t)(strchr(p->fold, '\n') - p->fold);
	if (nl == n && strncmp(p->fold, word, n) == 0)
		return 0;
	if (nl >= n && strncmp(p->fold, word, n) == 0)
		return 1;
	const char *hit = strstr(p->fold, word);
	return hit && hit < p->fold + nl ? 2 : 3;
}

long model_best(struct model *m, const char *pattern)
{
	fold_all(m);
	struct terms t;
	terms_parse(&t, pattern);
	long best = -1;
	int best_rank = 4;
	for (size_t r = 0; r < m->nvis && best_rank; r++) {
		const struct mpkg *p = &m->pkgs[m->vis[r]];
		if (!terms_match(&t, p))
			continue;
		int k = t.n ? rank(p, t.v[0]) : 3;
		if (k < best_rank) {
			best_rank = k;
			best = (long)r;
		}
	}
	buf_free(&t.text);
	return best;
}

long model_next_match(struct model *m, const char *pattern, long from, int dir)
{
	if (!m->nvis)
		return -1;
	fold_all(m);
	struct terms t;
	terms_parse(&t, pattern);
	long n = (long)m->nvis, found = -1;
	for (long k = 1; k <= n; k++) {
		long r = ((from + dir * k) % n + n) % n;
		if (terms_match(&t, &m->pkgs[m->vis[r]])) {
			found = r;
			break;
		}
	}
	buf_free(&t.text);
	return found;
}

size_t model_view_count(const struct model *m, enum view v)
{
	return v < VIEW_COUNT ? m->view_count[v] : 0;
}

size_t model_security(const struct model *m)
{
	return m->security;
}

/* Records a marking step for undo and counts marks. */
static void push_undo(struct model *m, uint32_t *ids, uint8_t *old, size_t n)
{
	if (m->nundo == m->capundo) {
		m->capundo = m->capundo ? m->capundo * 2 : 16;
		m->undo = xrealloc(m->undo, m->capundo * sizeof(*m->undo));
	}
	m->undo[m->nundo++] = (struct undo_step){ids, old, n};
}

/* Sets p's mark, keeping the marked count. */
static void set_mark(struct model *m, struct mpkg *p, enum mark mk)
{
	m->marked -= p->mark != MARK_NONE;
	p->mark = (uint8_t)mk;
	m->marked += mk != MARK_NONE;
}

int model_mark(struct model *m, struct mpkg *p, enum mark mk, int apt, char *err, size_t errlen)
{
	int inst = (p->flags & PKG_INSTALLED) != 0;
	(void)apt;
	if (mk == MARK_INSTALL || mk == MARK_UPGRADE) {
		if (inst && !(p->flags & PKG_UPGRADABLE)) {
			snprintf(err, errlen, "%s is installed and up to date", p->name);
			return -1;
		}
		mk = inst ? MARK_UPGRADE : MARK_INSTALL;
	} else if (mk == MARK_REMOVE || mk == MARK_PURGE || mk == MARK_KEEP) {
		if (!inst) {
			snprintf(err, errlen, "%s is not installed", p->name);
			return -1;
		}
	}
	if (p->mark == mk)
		return 0;
	uint32_t *id = xmalloc(sizeof(*id));
	uint8_t *old = xmalloc(1);
	*id = (uint32_t)(p - m->pkgs);
	*old = p->mark;
	push_undo(m, id, old, 1);
	set_mark(m, p, mk);
	m->view_count[VIEW_MARKED] = m->marked;
	return 0;
}

size_t model_mark_upgrades(struct model *m)
{
	uint32_t *ids = xmalloc((m->n ? m->n : 1) * sizeof(*ids));
	uint8_t *old = xmalloc(m->n ? m->n : 1);
	size_t k = 0;
	for (size_t i = 0; i < m->n; i++) {
		struct mpkg *p = &m->pkgs[i];
		if (!(p->flags & PKG_UPGRADABLE) || (p->flags & PKG_HELD) || p->mark != MARK_NONE)
			continue;
		ids[k] = (uint32_t)i;
		old[k++] = p->mark;
		set_mark(m, p, MARK_UPGRADE);
	}
	if (k)
		push_undo(m, ids, old, k);
	else {
		free(ids);
		free(old);
	}
	m->view_count[VIEW_MARKED] = m->marked;
	return k;
}

int model_undo(struct model *m)
{
	if (!m->nundo)
		return -1;
	struct undo_step *s = &m->undo[--m->nundo];
	for (size_t i = 0; i < s->n; i++)
		if (s->ids[i] < m->n)
			set_mark(m, &m->pkgs[s->ids[i]], (enum mark)s->old[i]);
	free(s->ids);
	free(s->old);
	m->view_count[VIEW_MARKED] = m->marked;
	return 0;
}

void model_clear_marks(struct model *m)
{
	for (size_t i = 0; i < m->n; i++)
		m->pkgs[i].mark = MARK_NONE;
	m->marked = 0;
	m->view_count[VIEW_MARKED] = 0;
	undo_clear(m);
}

size_t model_marked(const struct model *m)
{
	return m->marked;
}

size_t model_targets(const struct model *m, char ***v)
{
	static const char prefix[] = {0, '+', '+', '-', '_', '='};
	*v = xcalloc(m->marked ? m->marked : 1, sizeof(**v));
	size_t k = 0;
	for (size_t i = 0; i < m->n && k < m->marked; i++) {
		const struct mpkg *p = &m->pkgs[i];
		if (p->mark == MARK_NONE)
			continue;
		size_t len = strlen(p->name);
		char *s = xmalloc(len + 2);
		s[0] = prefix[p->mark];
		memcpy(s + 1, p->name, len + 1);
		(*v)[k++] = s;
	}
	return k;
}

char model_mark_letter(enum mark mk)
{
	static const char letters[] = " iudph";
	return mk <= MARK_KEEP ? letters[mk] : ' ';
}
