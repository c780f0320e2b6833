/* SPDX-License-Identifier: MIT */
/* String interning over a chunked arena with an open-addressing hash table. */
#include "util/strpool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define CHUNK_SIZE (256u * 1024u)

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

/* Invariant: slots holds only NULL or strings in the arena; count < cap / 2. */
struct strpool {
	struct chunk *chunks;
	const char **slots;
	uint32_t *hashes;
	size_t cap, count, bytes;
};

struct strpool *strpool_new(void)
{
	struct strpool *sp = xcalloc(1, sizeof(*sp));
	sp->cap = 1024;
	sp->slots = xcalloc(sp->cap, sizeof(*sp->slots));
	sp->hashes = xcalloc(sp->cap, sizeof(*sp->hashes));
	return sp;
}

void strpool_free(struct strpool *sp)
{
	if (!sp)
		return;
	for (struct chunk *c = sp->chunks, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(sp->slots);
	free(sp->hashes);
	free(sp);
}

void *strpool_alloc(struct strpool *sp, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	struct chunk *c = sp->chunks;
	if (!c || c->size - c->used < n) {
		size_t size = n > CHUNK_SIZE / 4 ? n : CHUNK_SIZE;
		c = xmalloc(sizeof(*c) + size);
		c->used = 0;
		c->size = size;
		/* A large one-off block goes behind the current chunk so the
		 * current chunk keeps serving small requests. */
		if (size != CHUNK_SIZE && sp->chunks) {
			c->next = sp->chunks->next;
			sp->chunks->next = c;
		} else {
			c->next = sp->chunks;
			sp->chunks = c;
		}
		sp->bytes += size;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

const char *strpool_copy(struct strpool *sp, const char *s, size_t n)
{
	char *p = strpool_alloc(sp, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* FNV-1a, 32 bits. */
static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* Doubles the table and reinserts every slot. */
static void rehash(struct strpool *sp)
{
	size_t cap = sp->cap * 2;
	const char **slots = xcalloc(cap, sizeof(*slots));
	uint32_t *hashes = xcalloc(cap, sizeof(*hashes));
	for (size_t i = 0; i < sp->cap; i++) {
		if (!sp->slots[i])
			continue;
		size_t j = sp->hashes[i] & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = sp->slots[i];
		hashes[j] = sp->hashes[i];
	}
	free(sp->slots);
	free(sp->hashes);
	sp->slots = slots;
	sp->hashes = hashes;
	sp->cap = cap;
}

const char *strpool_intern(struct strpool *sp, const char *s, size_t n)
{
	uint32_t h = hash(s, n);
	size_t j = h & (sp->cap - 1);
	while (sp->slots[j]) {
		if (sp->hashes[j] == h && strncmp(sp->slots[j], s, n) == 0 &&
		    sp->slots[j][n] == '\0')
			return sp->slots[j];
		j = (j + 1) & (sp->cap - 1);
	}
	const char *p = strpool_copy(sp, s, n);
	sp->slots[j] = p;
	sp->hashes[j] = h;
	if (++sp->count * 2 >= sp->cap)
		rehash(sp);
	return p;
}

const char *strpool_str(struct strpool *sp, const char *s)
{
	return s ? strpool_intern(sp, s, strlen(s)) : strpool_intern(sp, "", 0);
}

size_t strpool_bytes(const struct strpool *sp)
{
	return sp->bytes + sp->cap * (sizeof(*sp->slots) + sizeof(*sp->hashes));
}
