/* SPDX-License-Identifier: MIT */
/* Advisory feeds: the Arch tracker's all.json and debsecan's per-release feed, parsed into one
 * record type, and stored as one checked blob. */
#ifndef OMG_ENGINE_SECURITY_FEED_H
#define OMG_ENGINE_SECURITY_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/pkg.h"
#include "ipc/vuln.h"
#include "util/buf.h"

enum feed_kind {
	FEED_ARCH = 1,   /* security.archlinux.org all.json */
	FEED_DEBIAN = 2, /* security-tracker.debian.org debsecan/release/1/CODENAME */
};

/* Bits of struct advisory.flags. */
enum advisory_flag {
	ADV_SOURCE = 1u << 0,  /* debian: a source record ('S'): matches through the
				* installed package's source name and version */
	ADV_REMOTE = 1u << 1,  /* remotely exploitable ('R') */
	ADV_LOCAL = 1u << 2,   /* known to be local only (' ' in the remote column);
				* neither bit: unknown ('?', arch) */
	ADV_FIX_IN_SUITE = 1u << 3, /* debian 'F': the fix is available in this suite */
};

/* Arch AVG status (struct advisory.status); debian records are ADV_STATUS_NONE. */
enum advisory_status {
	ADV_STATUS_NONE = 0,
	ADV_STATUS_UNKNOWN,
	ADV_STATUS_VULNERABLE,
	ADV_STATUS_TESTING,
	ADV_STATUS_FIXED,
	/* "Not affected" groups are dropped by the parser (arch-audit's rule 1) */
};

/*
 * One record: one package named by one advisory. An AVG naming three
 * packages gives three records. Strings are "" when absent, never NULL.
 */
struct advisory {
	const char *package;  /* arch: pkgname; debian: the binary or source name */
	const char *id;       /* "AVG-2843"; debian: the vulnerability ("CVE-2026-1111") */
	const char *fixed;    /* the first fixed version, "" none (always affected) */
	const char *affected; /* arch's "affected" (shown, never matched); "" on debian */
	const char *type;     /* arch's type ("multiple issues"); debian's description */
	struct strlist issues; /* arch: the CVE ids; debian: empty */
	struct strlist other_versions; /* debian source records: versions not affected */
	uint8_t severity;     /* enum severity */
	uint8_t status;       /* enum advisory_status */
	uint16_t flags;       /* enum advisory_flag */
};

/* A parsed feed: records sorted by package, then id. Immutable once made. */
struct feed {
	uint32_t kind;        /* enum feed_kind */
	size_t n;
	const struct advisory *v;
	/* the fetch that brought it (the store keeps them with the records) */
	uint64_t fetched;     /* Unix time the server last sent it (200), 0 unknown */
	const char *url, *etag, *last_modified, *release; /* "" when unknown */
};

/* The largest feed text the parsers accept after decompression. */
#define FEED_MAX_TEXT (256u << 20)

/*
 * Parsers. Each takes the bytes as downloaded and returns a feed, or NULL
 * with one line in err naming what is wrong ("not a JSON array", "line 12:
 * 5 fields, want 5 or 4", "not zlib data", "VERSION 2, want VERSION 1",
 * "truncated"). Nothing partial is ever returned. max_text caps the
 * inflated size (0: FEED_MAX_TEXT).
 */
struct feed *feed_parse_arch(const void *json, size_t len, char *err, size_t errlen);
struct feed *feed_parse_debian(const void *zlib_data, size_t len, size_t max_text, char *err,
			       size_t errlen);
/* The same for debian's text once inflated (tests, fuzzing). */
struct feed *feed_parse_debian_text(const char *text, size_t len, char *err, size_t errlen);
/* Sets the fetch facts (copied). */
void feed_set_origin(struct feed *f, uint64_t fetched, const char *url, const char *etag,
		     const char *last_modified, const char *release);
void feed_free(struct feed *f);

/* The records of package (a binary or source name): *first and a count (0: none). */
size_t feed_lookup(const struct feed *f, const char *package, const struct advisory **first);

/* The feed as one self-contained blob (for LMDB), appended to out. */
void feed_serialize(const struct feed *f, struct buf *out);
/* A feed from a blob made by feed_serialize (copied: the blob may go away).
 * Every offset and count is checked; a bad blob gives NULL and a reason. */
struct feed *feed_from_blob(const void *blob, size_t len, char *err, size_t errlen);
/* Bytes of memory the feed holds. */
size_t feed_bytes(const struct feed *f);

#endif
