/* SPDX-License-Identifier: MIT */
/* Reviews: what the user approved of each package base (its files and their hash, in LMDB),
 * and what changed since then. */
#ifndef OMG_ENGINE_AUR_REVIEW_H
#define OMG_ENGINE_AUR_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct aur_reviews;

/*
 * Opens (creating) the approvals store: an LMDB environment in dir (created
 * 0700 if missing), one record per package base. NULL with one line in err.
 */
struct aur_reviews *aur_reviews_open(const char *dir, char *err, size_t errlen);
void aur_reviews_close(struct aur_reviews *r);

/*
 * The hash of the tree under dir, the thing approvals name: SHA-256 over
 * every regular file and symlink in path order (path, kind, mode's 0111 bit,
 * size or link target, content), directories implied. 64 hex digits + NUL
 * into hash. 0, or -1 with err (an unreadable file, a special file).
 */
int aur_tree_hash(const char *dir, char hash[65], char *err, size_t errlen);

/* What a review shows (aur_review_text). */
enum aur_review_kind {
	AUR_REVIEW_FIRST = 1, /* nothing approved yet: every file in full */
	AUR_REVIEW_DIFF,      /* a unified diff against the approved files */
	AUR_REVIEW_SAME,      /* the approved files exactly: nothing to review */
};

/*
 * The review of base's files under dir into out (appended): a header line,
 * then every file (FIRST) or `diff -ruN approved current` output (DIFF;
 * /usr/bin/diff on temporary copies), or one line saying it is unchanged
 * (SAME). *kind says which; hash gets dir's tree hash. Binary files are named,
 * not shown. 0 or -1 with err.
 */
int aur_review_text(struct aur_reviews *r, const char *base, const char *dir, struct buf *out,
		    enum aur_review_kind *kind, char hash[65], char *err, size_t errlen);

/*
 * Records that uid approved base's files under dir, which must hash to hash
 * (the one the user saw): the files and the hash replace any earlier approval.
 * 0, 1 when dir no longer hashes to hash (nothing recorded), -1 with err.
 */
int aur_review_approve(struct aur_reviews *r, const char *base, const char *dir,
		       const char *hash, uint32_t uid, char *err, size_t errlen);

/* The hash approved for base into hash, with who and when: 1, or 0 when
 * nothing is approved (-1 on a store error, with err). uid/when may be NULL. */
int aur_review_approved(struct aur_reviews *r, const char *base, char hash[65], uint32_t *uid,
			uint64_t *when, char *err, size_t errlen);

/* Forgets base's approval. 0 (also when there was none) or -1. */
int aur_review_forget(struct aur_reviews *r, const char *base, char *err, size_t errlen);

#endif
