/* SPDX-License-Identifier: MIT */
/* The L1 reply cache: encoded replies keyed by request and index generation, LRU with a TTL. */
#ifndef OMG_ENGINE_CACHE_H
#define OMG_ENGINE_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct cache;

struct cache_stats {
	uint64_t hits, misses, evictions;
	size_t bytes, entries;
};

/* A cache holding at most max_bytes of keys and values, each entry for at
 * most ttl_seconds. max_bytes 0 turns it off. Free with cache_free. */
struct cache *cache_new(size_t max_bytes, unsigned ttl_seconds);
void cache_free(struct cache *c);
/* Changes the limits, evicting what no longer fits. */
void cache_configure(struct cache *c, size_t max_bytes, unsigned ttl_seconds);
/*
 * The value stored for key at generation gen, no older than the TTL at time
 * now (seconds, monotonic), or NULL. An entry of another generation or past
 * its TTL is dropped. The value is borrowed until the next call on c.
 */
const void *cache_get(struct cache *c, const void *key, size_t klen, uint64_t gen, double now,
		      size_t *vlen);
/* Stores a copy of val under key at generation gen; values larger than an
 * eighth of the cache are not kept. */
void cache_put(struct cache *c, const void *key, size_t klen, uint64_t gen, const void *val,
	       size_t vlen, double now);
/* Drops every entry (an index swap makes them all stale). */
void cache_clear(struct cache *c);
void cache_get_stats(const struct cache *c, struct cache_stats *out);

#endif
