/* SPDX-License-Identifier: MIT */
/* The AUR (alpm roots only): the aurweb RPC v5 client, its records, and the limits every
 * download from it obeys. docs/aur.md is the user's account; ../FORMATS.md §1 the format. */
#ifndef OMG_ENGINE_AUR_AUR_H
#define OMG_ENGINE_AUR_AUR_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/pkg.h"

struct strpool;

/*
 * One package as the RPC gives it. Strings are never NULL ("" for JSON null
 * or absent: maintainer "" means orphaned). Lists are empty when absent (a
 * search reply has no dependency lists at all: info is 0 then).
 */
struct aur_pkg {
	const char *name, *base, *version, *desc, *url;
	const char *url_path;   /* the snapshot's path, relative to [aur] url */
	const char *maintainer; /* "" = orphan */
	const char *submitter;  /* info only */
	int64_t id, base_id;
	int64_t votes;
	double popularity;
	int64_t out_of_date;     /* Unix time it was flagged, 0 = not flagged */
	int64_t first_submitted; /* Unix time */
	int64_t last_modified;   /* Unix time */
	int64_t pending_requests;
	struct strlist depends, makedepends, checkdepends, optdepends;
	struct strlist conflicts, provides, replaces, groups, licenses, keywords, comaintainers;
	int info;                /* 1: from an info reply (every field), 0: from a search */
};

/* A reply's packages, in the reply's order; everything lives in pool. */
struct aur_list {
	struct strpool *pool;
	struct aur_pkg *v;
	size_t n, cap;
};

void aur_list_init(struct aur_list *l);
void aur_list_free(struct aur_list *l);
/* The package named name in l, or NULL. */
const struct aur_pkg *aur_list_find(const struct aur_list *l, const char *name);

/* How a request to the AUR ended. */
enum aur_status {
	AUR_OK = 0,
	AUR_ERR_RPC,  /* the RPC said type "error" (HTTP 200 or 400): err has its message */
	AUR_ERR_RATE, /* HTTP 429: the AUR's rate limit was reached */
	AUR_ERR_NET,  /* the fetch failed: refused, timeout, too big, TLS, HTTP status */
	AUR_ERR_BAD,  /* the reply is not an RPC v5 document (bad JSON, wrong types) */
};

/* Where and how to ask. Strings borrowed for the call. */
struct aur_conf {
	const char *url;        /* [aur] url, no trailing slash needed: "https://aur.archlinux.org" */
	unsigned timeout_ms;    /* per request ([aur] timeout) */
	size_t max_bytes;       /* cap on one reply's body; 0: 16 MiB */
	const int *cancel;      /* net_request.cancel, or NULL */
	const char *ca_file;    /* extra CA bundle for tests' TLS servers, or NULL */
};

/* The RPC's search fields (EXPOSED_BYS): "name-desc", "name", "maintainer",
 * "depends", "makedepends", "optdepends", "checkdepends", "provides",
 * "conflicts", "replaces", "groups", "submitter", "keywords", "comaintainers".
 * Non-zero when by is one of them. */
int aur_by_valid(const char *by);

/*
 * Parses one RPC v5 reply body (search or multiinfo) and appends its results
 * to out. The envelope must have version 5 and type "search" or "multiinfo";
 * type "error" gives AUR_ERR_RPC with the server's message; anything else
 * AUR_ERR_BAD. A result with a missing Name, PackageBase or Version, or a
 * field of the wrong JSON type, makes the whole reply bad (nothing is
 * appended). err gets one line.
 */
enum aur_status aur_parse(const char *body, size_t len, struct aur_list *out, char *err,
			  size_t errlen);

/*
 * GET URL/rpc/v5/search/ARG?by=BY (ARG percent-encoded) and parse it into
 * out. A search argument shorter than 2 characters is refused here, as the
 * server would ("Query arg too small."), except by=maintainer. err gets one
 * line naming the AUR; AUR_ERR_RATE's says the rate limit was reached.
 */
enum aur_status aur_search(const struct aur_conf *c, const char *by, const char *arg,
			   struct aur_list *out, char *err, size_t errlen);

/*
 * GET URL/rpc/v5/info?arg[]=a&arg[]=b... for every name, split into requests
 * of at most AUR_INFO_CHUNK names (and a URL under 4000 bytes), results
 * appended to out in reply order. Names the AUR does not know are simply
 * absent from out. Stops at the first failure (out keeps what came before).
 */
#define AUR_INFO_CHUNK 100
enum aur_status aur_info(const struct aur_conf *c, const char *const *names, size_t n,
			 struct aur_list *out, char *err, size_t errlen);

/*
 * GET the snapshot tarball of p (URL + p->url_path, aurweb's default path for
 * p->base when url_path is "") into *out (replacing what it held; caller
 * frees with buf_free), capped at max_bytes (0: 64 MiB). AUR_OK,
 * AUR_ERR_RATE (HTTP 429), AUR_ERR_BAD (a url_path that is not a path on the
 * AUR's host) or AUR_ERR_NET.
 */
struct buf;
enum aur_status aur_fetch_snapshot(const struct aur_conf *c, const struct aur_pkg *p,
				   size_t max_bytes, struct buf *out, char *err, size_t errlen);

/* makepkg's pkgname rule, which aurweb's package bases follow too: letters,
 * digits and @._+-, not starting with - or '.'. Such a name is a safe path
 * component. */
int aur_name_ok(const char *s);

/* Fills a struct pkg (repo "aur") from a, for replies: strings borrowed from a. */
void aur_to_pkg(const struct aur_pkg *a, struct pkg *out);

/* ---- dependency strings ("glibc>=2.38", "foo=1.2", "bar") ---- */

/* Splits dep into its name (into name, at most namelen) and, when it has
 * one, its operator ("<", "<=", "=", ">=", ">") and version (borrowed from
 * dep). *op and *ver are "" without a condition. An optdepend's description
 * ("name: why", which aurweb no longer sends) ends the name; after a
 * condition it stays at the end of *ver. */
void aur_dep_split(const char *dep, char *name, size_t namelen, const char **op,
		   const char **ver);
/* Whether a package named name at version, providing provides ("name" or
 * "name=ver" each), satisfies dep, with libalpm's rules (alpm_dep_vercmp
 * via util/vercmp's vercmp_alpm; a provision without a version satisfies
 * only an unversioned dep). */
int aur_dep_satisfied(const char *dep, const char *name, const char *version,
		      const struct strlist *provides);

#endif
