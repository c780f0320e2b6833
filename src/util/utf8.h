/* SPDX-License-Identifier: MIT */
/* UTF-8 helpers: validation, case folding for search, display width for columns. */
#ifndef OMG_UTIL_UTF8_H
#define OMG_UTIL_UTF8_H

#include <stddef.h>

#include "util/buf.h"

/* Non-zero if s[0..n) is well-formed UTF-8. */
int utf8_valid(const char *s, size_t n);
/* Appends s[0..n) to out with each byte that starts no well-formed character
 * (a stray continuation byte, a truncated, overlong or surrogate sequence, a
 * code point past U+10FFFF) replaced by U+FFFD; well-formed text, NULs
 * included, is copied as is. Makes text from outside (package records,
 * program output) safe to hand to anything that requires UTF-8. */
void utf8_sanitize(struct buf *out, const char *s, size_t n);
/* Appends the lower-case form of s to out (Unicode simple folding via the
 * C.UTF-8 locale, whatever the process locale); invalid bytes are copied. */
void utf8_fold(struct buf *out, const char *s);
/* Terminal columns s takes (wide characters count 2, controls 0). */
size_t utf8_width(const char *s);
/* Appends s to out, cut to at most cols columns (never inside a character),
 * and padded with spaces to cols when pad is non-zero. Control characters
 * are replaced by '?'. Returns the columns written. */
size_t utf8_fit(struct buf *out, const char *s, size_t cols, int pad);
/* The character that starts s (n > 0 bytes available): its length in bytes
 * (1 for a byte that starts no well-formed character) and, in *cols, the
 * columns it takes as utf8_width counts them. */
size_t utf8_next(const char *s, size_t n, size_t *cols);

#endif
