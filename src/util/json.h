/* SPDX-License-Identifier: MIT */
/* A small JSON writer into a buf: the caller writes structure, this escapes. */
#ifndef OMG_UTIL_JSON_H
#define OMG_UTIL_JSON_H

#include <stdint.h>

#include "util/buf.h"

/* Appends s as a JSON string (quoted, escaped; invalid UTF-8 bytes become U+FFFD). */
void json_str(struct buf *b, const char *s);
/* Appends "key": (with a leading comma unless first). */
void json_key(struct buf *b, const char *key, int first);
/* "key": "value" / number / bool / null, each with the comma rule above. */
void json_kv_str(struct buf *b, const char *key, const char *value, int first);
void json_kv_int(struct buf *b, const char *key, int64_t value, int first);
void json_kv_bool(struct buf *b, const char *key, int value, int first);
/* "key": "value", or "key": null when value is NULL or "". */
void json_kv_str_or_null(struct buf *b, const char *key, const char *value, int first);
/* "key": ["a", "b"]. */
void json_kv_strv(struct buf *b, const char *key, const char *const *v, uint32_t n, int first);

#endif
