/* SPDX-License-Identifier: MIT */
/* Read queries over an index: search (plain and regex), lists, reverse dependencies. */
#ifndef OMG_ENGINE_QUERY_H
#define OMG_ENGINE_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "engine/index.h"
#include "ipc/protocol.h"

/* How --regex combines several patterns, matching the native tool. */
enum search_style {
	SEARCH_STYLE_PACMAN, /* each pattern matches the name, a provide, the one-line
	                        description or a group; ^ and $ match at newlines */
	SEARCH_STYLE_APT,    /* each pattern matches the name, a provide or the whole long
	                        description, which ^ and $ anchor as one string */
};

struct search_opts {
	const char *const *terms;
	size_t nterms;
	int regex;          /* POSIX extended, case-insensitive */
	int names_only;
	int installed_only;
	size_t limit;       /* 0 = no limit */
	enum search_style style;
};

/* Package positions in an index. Owned by the caller; free with ids_free. */
struct ids {
	uint32_t *v;
	size_t n, cap;
};

void ids_push(struct ids *ids, uint32_t id);
void ids_free(struct ids *ids);

/* Searches and ranks: exact name, name prefix, name substring, then
 * description matches, alphabetical within each. Returns 0, or -1 with a
 * message in err for an invalid regex. */
int query_search(const struct index *ix, const struct search_opts *o, struct ids *out,
		 char *err, size_t errlen);

/* The packages of one kind, in name order. */
void query_list(const struct index *ix, enum list_kind kind, struct ids *out);
/* How many reverse dependencies query_rdeps left out of its lists. */
struct rdeps_more {
	uint32_t required_by, optional_for;
};
/* Packages whose dependencies (required_by: alpm depends, apt Depends and
 * Pre-Depends) or optional dependencies (optional_for: alpm optdepends, apt
 * Recommends and Suggests) name the package at position id or something it
 * provides. With more, only installed packages are listed (as pacman -Qi and
 * apt-cache rdepends --installed do) and the others are counted in *more;
 * without, every package is listed. */
void query_rdeps(const struct index *ix, size_t id, struct ids *required_by,
		 struct ids *optional_for, struct rdeps_more *more);
/* Packages that provide name (a virtual package or an alternative name). */
void query_providers(const struct index *ix, const char *name, struct ids *out);

#endif
