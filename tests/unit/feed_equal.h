/* SPDX-License-Identifier: MIT */
/* Whether two feeds hold the same records and fetch facts: the blob round trip's check, shared
 * by test_feed.c and fuzz_feed_blob.c. */
#ifndef OMG_TESTS_FEED_EQUAL_H
#define OMG_TESTS_FEED_EQUAL_H

#include <string.h>

#include "engine/security/feed.h"

static int feed_equal_list(struct strlist a, struct strlist b)
{
	if (a.n != b.n)
		return 0;
	for (uint32_t i = 0; i < a.n; i++)
		if (strcmp(a.v[i], b.v[i]) != 0)
			return 0;
	return 1;
}

/* Non-zero if a and b are equal field by field (strings by content). */
static int feed_equal(const struct feed *a, const struct feed *b)
{
	if (a->kind != b->kind || a->n != b->n || a->fetched != b->fetched ||
	    strcmp(a->url, b->url) || strcmp(a->etag, b->etag) ||
	    strcmp(a->last_modified, b->last_modified) || strcmp(a->release, b->release))
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct advisory *x = &a->v[i], *y = &b->v[i];
		if (strcmp(x->package, y->package) || strcmp(x->id, y->id) ||
		    strcmp(x->fixed, y->fixed) || strcmp(x->affected, y->affected) ||
		    strcmp(x->type, y->type) || !feed_equal_list(x->issues, y->issues) ||
		    !feed_equal_list(x->other_versions, y->other_versions) ||
		    x->severity != y->severity || x->status != y->status || x->flags != y->flags)
			return 0;
	}
	return 1;
}

#endif
