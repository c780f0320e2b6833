/* SPDX-License-Identifier: MIT */
/* Matching a feed against the installed packages of an index: arch-audit's and debsecan's rules. */
#ifndef OMG_ENGINE_SECURITY_VULNS_H
#define OMG_ENGINE_SECURITY_VULNS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/index.h"
#include "engine/security/feed.h"
#include "ipc/vuln.h"

/* A version comparison in the backend's order (backend_ops.vercmp: libalpm's
 * alpm_pkg_vercmp, libapt-pkg's version system). */
typedef int (*vulns_vercmp)(const char *a, const char *b);

/* The join of one feed with one index. Immutable once made. */
struct vulns {
	size_t n;             /* rows (ipc/vuln.h), sorted by name; strings borrow from
			       * the feed and the index */
	const struct vuln *v;
	const uint32_t *pos;  /* pos[i]: row i's package's position in the index */
	size_t vulnerable;    /* rows with affected = 1 */
	uint8_t max_severity; /* the highest severity among them (SEV_UNKNOWN when none) */
	uint64_t index_generation; /* the caller's record of what it joined */
};

/*
 * Joins f with ix's installed packages: on FEED_ARCH by package name
 * (arch-audit), on FEED_DEBIAN binary records by name and source records
 * through the installed package's source (debsecan's rule as the issue states
 * it, see docs/security.md). vercmp is the backend's. Borrows f and ix (keep
 * both until vulns_free). Never fails but for memory.
 */
struct vulns *vulns_match(const struct feed *f, const struct index *ix, vulns_vercmp vercmp);
void vulns_free(struct vulns *vs);
/* The row of package name, or NULL. */
const struct vuln *vulns_find(const struct vulns *vs, const char *name);
/* Bytes of memory the join holds. */
size_t vulns_bytes(const struct vulns *vs);

/*
 * The advisories that would affect version of package name once installed
 * (a plan's new version), for the policy: calls fn for each (with the
 * advisory's severity, id and fixed version). source and source_version are
 * the version's Source (debian; "" otherwise or when the same as the
 * binary's). Returns how many.
 */
size_t vulns_for_version(const struct feed *f, const char *name, const char *version,
			 const char *source, const char *source_version, vulns_vercmp vercmp,
			 void (*fn)(void *ctx, const struct advisory *a), void *ctx);

#endif
