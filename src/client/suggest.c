/* SPDX-License-Identifier: MIT */
/* Suggestions for a package name the engine does not know: providers, then the closest names. */
#include "client/suggest.h"

#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/similar.h"
#include "util/xalloc.h"

/* Names longer than this get no typo regex (it grows with the square). */
#define TYPO_MAX 40
/* Results kept from each search: the engine ranks exact, prefix, substring. */
#define ASK_LIMIT 100

/* The names found so far, in the order found. */
struct cands {
	const char **v;
	size_t n, cap;
};

/* Appends s[0..n) with the characters a POSIX extended regex gives a meaning escaped. */
static void put_escaped(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strchr(".[]()*+?{}|^$\\", s[i]))
			buf_putc(b, '\\');
		buf_putc(b, s[i]);
	}
}

/* One alternative: name[0..cut) + mid + name[resume..). */
static void alt(struct buf *b, const char *name, size_t cut, const char *mid, size_t resume)
{
	if (b->len > 2)
		buf_putc(b, '|');
	put_escaped(b, name, cut);
	buf_puts(b, mid);
	put_escaped(b, name + resume, strlen(name + resume));
}

/* A regex matching, at the start of a name, every word one edit from name:
 * its deletions, substitutions, insertions and swaps of neighbours. */
static void typo_regex(struct buf *b, const char *name)
{
	size_t n = strlen(name);
	buf_puts(b, "^(");
	for (size_t i = 0; i <= n; i++) {
		alt(b, name, i, ".", i); /* an insertion */
		if (i == n)
			break;
		alt(b, name, i, "", i + 1);  /* a deletion */
		alt(b, name, i, ".", i + 1); /* a substitution */
		if (i + 1 < n) {             /* a swap */
			char sw[3] = {name[i + 1], name[i], '\0'};
			struct buf e = {0};
			put_escaped(&e, sw, 2);
			alt(b, name, i, buf_str(&e), i + 2);
			buf_free(&e);
		}
	}
	buf_putc(b, ')');
}

/* Adds the names a names-only search for term finds to c (copied into arena). */
static void ask_names(struct session *s, const char *term, uint32_t flags, struct cands *c,
		      struct strpool *arena)
{
	struct msg req;
	memset(&req, 0, sizeof(req));
	req.h.type = MSG_SEARCH;
	req.u.search.flags = SEARCH_NAMES_ONLY | flags;
	req.u.search.limit = ASK_LIMIT;
	req.u.search.terms = (struct strlist){&term, 1};
	struct replies r;
	if (session_request(s, &req, &r) == 0 && !r.error) {
		for (size_t i = 0; i < r.n; i++) {
			const char *name = r.pkgs[i].pkg.name;
			size_t k = 0;
			while (k < c->n && strcmp(c->v[k], name) != 0)
				k++;
			if (k < c->n)
				continue;
			c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
			c->v[c->n++] = strpool_str(arena, name);
		}
	}
	replies_free(&r);
}

/* The closest names: edit distance first, the engine's order on a tie. */
void suggest_fill(struct session *s, struct suggestion *sg, int installed, struct strpool *arena)
{
	size_t len = strlen(sg->name);
	sg->nsimilar = 0;
	if ((sg->providers && *sg->providers) || len < 2)
		return;
	struct cands c = {0};
	uint32_t flags = installed ? SEARCH_INSTALLED : 0;
	ask_names(s, sg->name, flags, &c, arena);
	if (len >= 3 && len <= TYPO_MAX) {
		struct buf re = {0};
		typo_regex(&re, sg->name);
		ask_names(s, buf_str(&re), flags | SEARCH_REGEX, &c, arena);
		buf_free(&re);
	}
	size_t dist[SUGGEST_MAX];
	for (size_t i = 0; i < c.n; i++) {
		if (strcmp(c.v[i], sg->name) == 0)
			continue;
		size_t d = similar_distance(sg->name, c.v[i]), k = sg->nsimilar;
		/* Insertion into the kept few, stable: a tie keeps the earlier. */
		while (k > 0 && dist[k - 1] > d) {
			if (k < SUGGEST_MAX)
				dist[k] = dist[k - 1], sg->similar[k] = sg->similar[k - 1];
			k--;
		}
		if (k < SUGGEST_MAX) {
			dist[k] = d, sg->similar[k] = c.v[i];
			if (sg->nsimilar < SUGGEST_MAX)
				sg->nsimilar++;
		}
	}
	free(c.v);
}

/* An info request for the names, then a suggestion for each missing one. */
size_t suggest_missing(struct session *s, const char *const *names, size_t n, int installed,
		       struct strpool *arena, struct suggestion **out)
{
	struct msg req;
	memset(&req, 0, sizeof(req));
	req.h.type = MSG_INFO;
	req.u.info.names = (struct strlist){names, (uint32_t)n};
	struct replies r;
	size_t count = 0;
	*out = NULL;
	if (session_request(s, &req, &r) == 0 && !r.error && r.missing.n) {
		*out = strpool_alloc(arena, r.missing.n * sizeof(**out));
		for (uint32_t i = 0; i < r.missing.n; i++) {
			struct suggestion *sg = &(*out)[count++];
			memset(sg, 0, sizeof(*sg));
			sg->name = strpool_str(arena, r.missing.v[i]);
			sg->providers = installed || i >= r.providers.n ? "" :
					strpool_str(arena, r.providers.v[i]);
		}
	}
	replies_free(&r);
	for (size_t i = 0; i < count; i++)
		suggest_fill(s, &(*out)[i], installed, arena);
	return count;
}

/* The hint for one name as text: providers first, else the close names. */
int suggest_text(struct buf *b, const struct suggestion *sg)
{
	if (sg->providers && *sg->providers) {
		buf_printf(b, "it is provided by %s", sg->providers);
		return 1;
	}
	if (!sg->nsimilar)
		return 0;
	buf_puts(b, "did you mean ");
	for (size_t i = 0; i < sg->nsimilar; i++)
		buf_printf(b, "%s%s", i == 0 ? "" : i + 1 == sg->nsimilar ? " or " : ", ",
			   sg->similar[i]);
	buf_putc(b, '?');
	return 1;
}

/* The providers "a, b" as a JSON array. */
static void json_providers(struct buf *b, const char *list)
{
	buf_putc(b, '[');
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ",");
		char *one = xasprintf("%.*s", (int)n, p);
		if (p != list)
			buf_putc(b, ',');
		json_str(b, one);
		free(one);
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
	buf_putc(b, ']');
}

/* The hints as the JSON error object's "missing" array. */
void suggest_json(struct buf *b, const struct suggestion *v, size_t n)
{
	buf_puts(b, ",\"missing\":[");
	for (size_t i = 0; i < n; i++) {
		buf_puts(b, i ? ",{" : "{");
		json_kv_str(b, "name", v[i].name, 1);
		json_key(b, "provided_by", 0);
		json_providers(b, v[i].providers);
		json_kv_strv(b, "similar", v[i].similar, (uint32_t)v[i].nsimilar, 0);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}
