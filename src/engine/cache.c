/* SPDX-License-Identifier: MIT */
/* The L1 reply cache: a chained hash table threaded on an LRU list, limited in bytes and age. */
#include "engine/cache.h"

#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/xalloc.h"

struct entry {
	uint64_t hash, gen;
	double born;
	size_t klen, vlen;
	struct entry *chain;      /* next in the bucket */
	struct entry *prev, *next; /* LRU list: head is the most recent */
	unsigned char data[];     /* key, then value */
};

struct cache {
	struct entry **buckets;
	size_t nbuckets; /* a power of two */
	struct entry *head, *tail;
	size_t max_bytes;
	unsigned ttl;
	struct cache_stats st;
};

/* Bytes an entry is charged for. */
static size_t cost(const struct entry *e)
{
	return sizeof(*e) + e->klen + e->vlen;
}

/* Unlinks e from the LRU list. */
static void lru_unlink(struct cache *c, struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

/* Puts e at the head of the LRU list. */
static void lru_push(struct cache *c, struct entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

/* Removes and frees e. */
static void remove_entry(struct cache *c, struct entry *e)
{
	struct entry **p = &c->buckets[e->hash & (c->nbuckets - 1)];
	while (*p != e)
		p = &(*p)->chain;
	*p = e->chain;
	lru_unlink(c, e);
	c->st.bytes -= cost(e);
	c->st.entries--;
	free(e);
}

/* Evicts least recently used entries until extra more bytes fit. */
static void make_room(struct cache *c, size_t extra)
{
	while (c->tail && c->st.bytes + extra > c->max_bytes) {
		remove_entry(c, c->tail);
		c->st.evictions++;
	}
}

/* Doubles the bucket array. */
static void grow(struct cache *c)
{
	size_t n = c->nbuckets * 2;
	struct entry **b = xcalloc(n, sizeof(*b));
	for (size_t i = 0; i < c->nbuckets; i++) {
		for (struct entry *e = c->buckets[i], *next; e; e = next) {
			next = e->chain;
			e->chain = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = n;
}

struct cache *cache_new(size_t max_bytes, unsigned ttl_seconds)
{
	struct cache *c = xcalloc(1, sizeof(*c));
	c->nbuckets = 256;
	c->buckets = xcalloc(c->nbuckets, sizeof(*c->buckets));
	c->max_bytes = max_bytes;
	c->ttl = ttl_seconds;
	return c;
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	cache_clear(c);
	free(c->buckets);
	free(c);
}

void cache_configure(struct cache *c, size_t max_bytes, unsigned ttl_seconds)
{
	c->max_bytes = max_bytes;
	c->ttl = ttl_seconds;
	make_room(c, 0);
}

void cache_clear(struct cache *c)
{
	while (c->head)
		remove_entry(c, c->head);
}

/* The live entry for key, or NULL. */
static struct entry *find(struct cache *c, const void *key, size_t klen, uint64_t h)
{
	for (struct entry *e = c->buckets[h & (c->nbuckets - 1)]; e; e = e->chain)
		if (e->hash == h && e->klen == klen && memcmp(e->data, key, klen) == 0)
			return e;
	return NULL;
}

const void *cache_get(struct cache *c, const void *key, size_t klen, uint64_t gen, double now,
		      size_t *vlen)
{
	uint64_t h = hash_fnv1a(key, klen);
	struct entry *e = find(c, key, klen, h);
	if (e && (e->gen != gen || now - e->born > c->ttl)) {
		remove_entry(c, e);
		e = NULL;
	}
	if (!e) {
		c->st.misses++;
		return NULL;
	}
	c->st.hits++;
	lru_unlink(c, e);
	lru_push(c, e);
	*vlen = e->vlen;
	return e->data + e->klen;
}

void cache_put(struct cache *c, const void *key, size_t klen, uint64_t gen, const void *val,
	       size_t vlen, double now)
{
	size_t need = sizeof(struct entry) + klen + vlen;
	if (need > c->max_bytes / 8)
		return;
	uint64_t h = hash_fnv1a(key, klen);
	struct entry *old = find(c, key, klen, h);
	if (old)
		remove_entry(c, old);
	make_room(c, need);
	struct entry *e = xmalloc(need);
	memset(e, 0, sizeof(*e));
	e->hash = h;
	e->gen = gen;
	e->born = now;
	e->klen = klen;
	e->vlen = vlen;
	memcpy(e->data, key, klen);
	memcpy(e->data + klen, val, vlen);
	if (c->st.entries + 1 > c->nbuckets)
		grow(c);
	e->chain = c->buckets[h & (c->nbuckets - 1)];
	c->buckets[h & (c->nbuckets - 1)] = e;
	lru_push(c, e);
	c->st.bytes += need;
	c->st.entries++;
}

void cache_get_stats(const struct cache *c, struct cache_stats *out)
{
	*out = c->st;
}
