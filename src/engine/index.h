/* SPDX-License-Identifier: MIT */
/* The in-memory package index: built once from a backend, then immutable and shared by readers. */
#ifndef OMG_ENGINE_INDEX_H
#define OMG_ENGINE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "engine/backend/backend.h"
#include "ipc/pkg.h"
#include "util/buf.h"

struct index;
struct index_builder;

struct index_builder *index_builder_new(void);
/* A sink that copies each package into the builder (for backend load()).
 * Warnings are counted and kept; see index_warnings(). */
struct pkg_sink index_builder_sink(struct index_builder *b);
/* Copies p into the builder. Duplicate names keep the first record. */
void index_builder_add(struct index_builder *b, const struct pkg *p);
/* Freezes the builder into an index sorted by name; the builder is consumed.
 * Caller frees with index_free(). */
struct index *index_builder_finish(struct index_builder *b);
/* Discards a builder that will not be finished. */
void index_builder_free(struct index_builder *b);

void index_free(struct index *ix);
/* Number of packages. */
size_t index_count(const struct index *ix);
/* Package i (0 <= i < count), in name order; borrowed until index_free. */
const struct pkg *index_get(const struct index *ix, size_t i);
/* The position of the package named name, or -1. */
long index_find(const struct index *ix, const char *name);
/* Lower-cased name and "desc\nlong_desc" of package i, for matching. */
const char *index_lname(const struct index *ix, size_t i);
const char *index_ldesc(const struct index *ix, size_t i);
/* "desc" or "desc\nlong_desc" as the backend wrote it (apt's LongDesc). */
const char *index_fulldesc(const struct index *ix, size_t i);
/* Calls fn for the name of each alternative of a dependency string: "a" and
 * "b" in "a (>= 1) | b:any", "glibc" in "glibc>=2.38", "xxd" in "xxd: why". */
void index_dep_names(const char *dep, void (*fn)(void *ctx, const char *name, size_t n),
		     void *ctx);
/*
 * Packages whose dependencies name `name` (a package or a provided name):
 * returns how many, with *entries pointing at them, each (position << 1) | 1
 * when only an optional dependency (alpm optdepends, apt Recommends or
 * Suggests) names it. Sorted by position; borrowed until index_free.
 */
size_t index_rdeps(const struct index *ix, const char *name, const uint32_t **entries);
/* Warnings the backend reported while loading (corrupt entries skipped). */
size_t index_warning_count(const struct index *ix);
const char *index_warning(const struct index *ix, size_t i);
/* Bytes of memory the index holds. */
size_t index_bytes(const struct index *ix);

/*
 * The index as one position-independent blob (strings by offset), for the
 * persistent store. Appends to out.
 */
void index_serialize(const struct index *ix, struct buf *out);
/*
 * An index over a blob made by index_serialize, using its strings in place:
 * the blob must stay mapped until index_free, which then calls release(ctx).
 * Every offset and count is checked first; a bad blob gives NULL and a reason.
 */
struct index *index_from_blob(const void *blob, size_t len, void (*release)(void *ctx),
			      void *ctx, char *err, size_t errlen);

/*
 * For an engine that answers many searches: every folded name and folded
 * description in one buffer, in index order, each field ended by a NUL, so
 * that one memmem pass over it replaces a strstr per package. The name field
 * also holds the folded provided names, the description field the folded
 * groups, each after a newline. start[2i] is where package i's name field
 * begins, start[2i+1] its description field, start[2n] the end. Built once by index_prepare_search (before the index is shared
 * between threads); freed with the index. index_haystack is NULL until then.
 */
struct index_haystack {
	char *text;
	size_t len, n;
	uint32_t *start;
};
void index_prepare_search(struct index *ix);
const struct index_haystack *index_haystack(const struct index *ix);

#endif
