/* SPDX-License-Identifier: MIT */
/* Help toward the right package name: what provides a missing name, and the closest names. */
#ifndef OMG_CLIENT_SUGGEST_H
#define OMG_CLIENT_SUGGEST_H

#include <stddef.h>

#include "client/session.h"
#include "util/buf.h"
#include "util/strpool.h"

#define SUGGEST_MAX 3

/* What a front end can say about one name the engine's index does not have. */
struct suggestion {
	const char *name;                 /* the name asked for */
	const char *providers;            /* "a, b": the packages that provide it; "" none */
	const char *similar[SUGGEST_MAX]; /* the closest names, closest first */
	size_t nsimilar;
};

/*
 * The closest names to sg->name in s's engine, into sg->similar (installed
 * packages only when installed is set), unless sg->providers names some.
 * Asked with two names-only searches (docs/cli.md, "Suggestions"): the name
 * as a substring, and a regex for every word one typo from it at the start
 * of a name; ranked by edit distance, then as the engine ranked them.
 * Strings live in arena. A failed search suggests nothing and says nothing.
 */
void suggest_fill(struct session *s, struct suggestion *sg, int installed, struct strpool *arena);
/*
 * Asks s's engine which of names[0..n) it does not know (an info request)
 * and fills in a suggestion for each (providers left out when installed is
 * set: a remove wants installed names). The count; *out is an array in
 * arena. 0 when the engine knows them all or cannot be asked.
 */
size_t suggest_missing(struct session *s, const char *const *names, size_t n, int installed,
		       struct strpool *arena, struct suggestion **out);
/* "it is provided by a, b" or "did you mean a, b or c?" into b; 0 when
 * there is nothing to say (b untouched), else 1. */
int suggest_text(struct buf *b, const struct suggestion *sg);
/* ,"missing":[{"name","provided_by","similar"}...] for a JSON error object. */
void suggest_json(struct buf *b, const struct suggestion *v, size_t n);

#endif
