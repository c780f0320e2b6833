/* SPDX-License-Identifier: MIT */
/* What the feed parsers share with feed.c: a builder that collects records and makes the
 * sorted, immutable struct feed. Private to src/engine/security/feed*.c. */
#ifndef OMG_ENGINE_SECURITY_FEED_BUILD_H
#define OMG_ENGINE_SECURITY_FEED_BUILD_H

#include <stddef.h>

#include "engine/security/feed.h"
#include "util/strpool.h"

struct feed_builder;

/* A builder for a feed of that kind. Caller frees with feed_builder_free (after
 * feed_builder_finish too). */
struct feed_builder *feed_builder_new(uint32_t kind);
/* The pool the record strings and lists must come from (they become the feed's). */
struct strpool *feed_builder_pool(struct feed_builder *b);
/* Adds a copy of the record (its strings and lists borrowed from the pool). */
void feed_builder_add(struct feed_builder *b, const struct advisory *a);
/* The feed: records sorted by package, then id (then source bit, then order
 * added). unique drops a record whose package and id an earlier one has.
 * The builder is emptied; the caller frees the feed with feed_free. */
struct feed *feed_builder_finish(struct feed_builder *b, int unique);
void feed_builder_free(struct feed_builder *b);

/* Non-zero if s[0..n) is well-formed UTF-8 with no control character (C0, DEL):
 * what a name, an id or a version of a feed may hold. */
int feed_text_ok(const char *s, size_t n);

#endif
