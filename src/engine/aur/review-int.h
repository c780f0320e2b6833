/* SPDX-License-Identifier: MIT */
/* Inside the reviews: a tree of files in memory and the stored record of an approval, for
 * review.c and for the record decoder's fuzz target. */
#ifndef OMG_ENGINE_AUR_REVIEW_INT_H
#define OMG_ENGINE_AUR_REVIEW_INT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* One file of a tree: what the hash covers and a record keeps. */
struct aur_file {
	char *path;    /* relative to the tree, '/'-separated, no "." or ".." */
	char kind;     /* 'f' a regular file, 'l' a symlink */
	uint32_t mode; /* permission bits (0777): only 0111 counts in the hash */
	char *data;    /* the contents or the link's target, NUL-terminated */
	size_t len;
};

/* A tree's files, sorted by path (strcmp); each owned. */
struct aur_tree {
	struct aur_file *v;
	size_t n, cap;
};

void aur_tree_free(struct aur_tree *t);

/* The hash aur_tree_hash documents, of a sorted tree, into hash (64 hex + NUL). */
void aur_tree_digest(const struct aur_tree *t, char hash[65]);

/* An approval: who, when, the hash the user saw, and the files it names. */
struct aur_record {
	uint64_t when; /* Unix time */
	uint32_t uid;
	char hash[65];
	struct aur_tree files;
};

/*
 * Record format (all little-endian):
 *   "OMGR"  u16 version (1)  u16 flags (0)  u32 CRC-32 of the body  u64 body length
 *   body:   u64 when  u32 uid  char hash[64]  u32 nfiles
 *           nfiles x { u32 path length, path, u8 kind ('f' or 'l'), u32 mode,
 *                      u64 data length, data }
 * Paths are relative, without empty, "." or ".." components, in strictly
 * increasing strcmp order; a link's target is non-empty without NUL; the
 * hash is the files' aur_tree_digest. A version above 1 is a newer omg's.
 */
#define AUR_RECORD_VERSION 1
#define AUR_RECORD_HEADER 20

/* Appends r's record to out. */
void aur_record_encode(const struct aur_record *r, struct buf *out);

/* Decodes the record at p[0..n) into *r (everything copied; free with
 * aur_record_free). 0, or -1 with one line in err (nothing to free). */
int aur_record_decode(const void *p, size_t n, struct aur_record *r, char *err, size_t errlen);
void aur_record_free(struct aur_record *r);

#endif
