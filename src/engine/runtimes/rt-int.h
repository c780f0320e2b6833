/* SPDX-License-Identifier: MIT */
/* What the runtimes' files share and nobody else needs: building an index, JSON and TOML readers. */
#ifndef OMG_ENGINE_RUNTIMES_RT_INT_H
#define OMG_ENGINE_RUNTIMES_RT_INT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/runtimes/runtimes.h"

/* Writes a formatted line into err (control characters become spaces). Returns -1. */
__attribute__((format(printf, 3, 4))) int rt_fail(char *err, size_t errlen, const char *fmt, ...);

/* Non-zero when s is exactly 64 hex digits (either case). */
int rt_hex64(const char *s);
/* s (64 hex digits) in lower case into out (65 bytes). */
void rt_hex_lower(const char *s, char out[65]);
/* Non-zero when s has a C0 control character or DEL. */
int rt_has_control(const char *s, size_t n);
/* Whether s is an http:// or https:// URL naming a host, under 1024 bytes, with no blank,
 * control, quote, '<', '>' or backslash. */
int rt_url_ok(const char *s);

/* Whether version counts as stable: no letters but ruby's "-pN" patch levels. */
int rt_version_stable(const char *version);
/* The leading number of version, or -1. */
int rt_version_major(const char *version);

/* A new release at the end of idx (zeroed but for strings "" and size fields): where a
 * parser writes; its files are added with rt_release_add_file. */
struct rt_release *rt_index_push(struct rt_index *idx);
/* Appends a file (strings copied into idx's pool; NULL taken as ""). */
void rt_release_add_file(struct rt_index *idx, struct rt_release *r, const struct rt_file *f);
/* Drops every release after the first n (a refused document). */
void rt_index_truncate(struct rt_index *idx, size_t n);
/* A pooled copy of s (NULL: ""). */
const char *rt_str(struct rt_index *idx, const char *s);

/*
 * Parses a whole JSON document: refuses an empty body, a NUL byte or invalid UTF-8, bytes
 * after the value, and
 * a document that is not of type want (cJSON_Array or cJSON_Object). what names it in
 * the error ("index.json: not JSON (at byte 12)"). The document, or NULL with err.
 */
cJSON *rt_json_doc(const char *what, const char *body, size_t len, int want, char *err,
		   size_t errlen);
/*
 * The array parsers' frame: parses body as a JSON array (rt_json_doc) and calls fn on each
 * element with its position; the first fn that fails (-1, err written) stops the walk and
 * every release appended since the call is dropped. 0 or -1.
 */
int rt_json_each(struct rt_index *idx, const char *what, const char *body, size_t len,
		 int (*fn)(struct rt_index *idx, const cJSON *e, size_t i, void *ctx), void *ctx,
		 char *err, size_t errlen);
/* An integral number that fits int64_t, or -1. */
int rt_json_int(const cJSON *it, int64_t *out);

/* ---- the TOML subset of rust's channel manifests (toml.c) ---- */

enum rt_toml_type { RT_TOML_STRING, RT_TOML_BOOL, RT_TOML_INT, RT_TOML_ARRAY, RT_TOML_TABLE };

/* One value, by its full path: "pkg.rust.version", "profiles.minimal[0]",
 * "pkg.rust.target.x86_64-unknown-linux-gnu.components[2].pkg". Tables and arrays have
 * an entry too (an array's count in i). */
struct rt_toml_val {
	const char *path;
	enum rt_toml_type type;
	const char *s; /* RT_TOML_STRING: the decoded UTF-8 text */
	int64_t i;     /* RT_TOML_INT, RT_TOML_BOOL (0/1), RT_TOML_ARRAY (its count) */
};

struct rt_toml;

/*
 * Reads body as the TOML subset: comments, [table] and [[array.of.tables]] headers with
 * bare or "quoted" key segments, key = value with a bare or quoted key (no dotted keys),
 * values: basic and literal one-line strings, true/false, decimal integers, arrays
 * (one or several lines, trailing comma) of those or of inline tables, inline tables
 * { k = v, ... }. Refused, naming the line: anything else (multi-line strings, floats,
 * dates, dotted keys), a key or table defined twice, invalid UTF-8, a control character,
 * past caps (1,000,000 values, nesting 16). The document, or NULL with err; free with
 * rt_toml_free.
 */
struct rt_toml *rt_toml_parse(const char *what, const char *body, size_t len, char *err,
			      size_t errlen);
/* The value at path, or NULL. Borrowed from doc. */
const struct rt_toml_val *rt_toml_get(const struct rt_toml *doc, const char *path);
void rt_toml_free(struct rt_toml *doc);

#endif
