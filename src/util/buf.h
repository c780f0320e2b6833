/* SPDX-License-Identifier: MIT */
/* A growable byte buffer, always NUL-terminated. */
#ifndef OMG_UTIL_BUF_H
#define OMG_UTIL_BUF_H

#include <stddef.h>

struct buf {
	char *p;    /* owned; NULL until the first append */
	size_t len; /* bytes used, excluding the terminating NUL */
	size_t cap;
};

void buf_append(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* The contents as a string ("" when empty); borrowed until the next append. */
const char *buf_str(const struct buf *b);
void buf_free(struct buf *b);

#endif
