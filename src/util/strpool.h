/* SPDX-License-Identifier: MIT */
/* An arena of interned strings and string arrays that live as long as the pool. */
#ifndef OMG_UTIL_STRPOOL_H
#define OMG_UTIL_STRPOOL_H

#include <stddef.h>

struct strpool;

struct strpool *strpool_new(void);
/* Frees the pool and every string and array it handed out. */
void strpool_free(struct strpool *sp);
/* An interned copy of s[0..n): equal strings give the same pointer.
 * Borrowed until strpool_free. */
const char *strpool_intern(struct strpool *sp, const char *s, size_t n);
/* Same, for a NUL-terminated string; NULL interns as "". */
const char *strpool_str(struct strpool *sp, const char *s);
/* A copy of s[0..n) that is not interned (for long unique text). */
const char *strpool_copy(struct strpool *sp, const char *s, size_t n);
/* Raw aligned memory from the arena. */
void *strpool_alloc(struct strpool *sp, size_t n);
/* Bytes the pool holds, for statistics. */
size_t strpool_bytes(const struct strpool *sp);

#endif
