/* SPDX-License-Identifier: MIT */
/* The installed packages as a CycloneDX 1.5 JSON document (omg sbom), with their purls,
 * licences and known advisories. */
#ifndef OMG_ENGINE_SECURITY_SBOM_H
#define OMG_ENGINE_SECURITY_SBOM_H

#include <stddef.h>
#include <stdint.h>

#include "engine/index.h"
#include "engine/security/vulns.h"
#include "util/buf.h"

/* Where the document comes from. */
struct sbom_opts {
	const char *backend;      /* "alpm" or "apt": the purl type */
	const char *root;         /* the root's real path: its os-release names the distro */
	const char *tool_version; /* omg's version, for metadata.tools */
	uint64_t now;             /* Unix time of metadata.timestamp */
};

/*
 * The document for ix's installed packages, one component each, and, when
 * vs is not NULL, one vulnerability per (advisory, package) for the
 * advisories that affect the installed version. Compact JSON appended to
 * out. Returns 0, or -1 with one line in err (out of memory in cJSON, a
 * random source that fails).
 */
int sbom_cyclonedx(const struct index *ix, const struct vulns *vs, const struct sbom_opts *o,
		   struct buf *out, char *err, size_t errlen);

/*
 * A package URL (purl-spec, docs/standard): pkg:TYPE/NAMESPACE/NAME@VERSION
 * and the qualifiers that are not NULL or "", sorted by key as the canonical
 * form wants: arch, then distro. name is lower-cased (deb and alpm names are
 * case-insensitive); name, version and qualifier values are percent-encoded:
 * every byte but ALPHA, DIGIT, ".-_~" and ':' (which the spec says is never
 * encoded) becomes %XX, so "1.0+dfsg" gives "1.0%2Bdfsg", "2:1.0" stays.
 * Appended to out.
 */
void sbom_purl(struct buf *out, const char *type, const char *ns, const char *name,
	       const char *version, const char *arch, const char *distro);

/* Non-zero when id is one of the SPDX ids the CycloneDX 1.5 schema accepts
 * as license.id (exactly, case included). */
int sbom_spdx_id(const char *id);

#endif
