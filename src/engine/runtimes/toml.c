/* SPDX-License-Identifier: MIT */
/* A strict reader of the TOML that rust's channel manifests use, and nothing more: every value
 * by its full path in one table, anything outside the subset refused with its line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/runtimes/rt-int.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/strpool.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define MAX_VALUES 1000000u
#define MAX_DEPTH 16
#define MAX_PATH 1024

/* An entry: the public value plus what the reader needs to know of it. */
struct ent {
	struct rt_toml_val v;
	int explicit_table; /* a [table] header named it (a second one is refused) */
	int aot;            /* an array made by [[...]] headers */
};

struct rt_toml {
	struct strpool *pool;
	struct ent *e;
	size_t n, cap;
	uint32_t *slot; /* open addressing: index + 1, 0 empty */
	size_t nslot;
};

/* The reader's state. */
struct rd {
	struct rt_toml *doc;
	const char *p, *end;
	size_t line;
	const char *what;
	char *err;
	size_t errlen;
	int failed;
};

__attribute__((format(printf, 2, 3))) static int fail(struct rd *r, const char *fmt, ...)
{
	if (r->failed)
		return -1;
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	rt_fail(r->err, r->errlen, "%s: line %zu: %s", r->what, r->line, why);
	r->failed = 1;
	return -1;
}

static size_t find_slot(const struct rt_toml *d, const char *path)
{
	size_t i = hash_fnv1a(path, strlen(path)) & (d->nslot - 1);
	while (d->slot[i] && strcmp(d->e[d->slot[i] - 1].v.path, path) != 0)
		i = (i + 1) & (d->nslot - 1);
	return i;
}

static struct ent *lookup(const struct rt_toml *d, const char *path)
{
	if (!d->nslot)
		return NULL;
	size_t i = find_slot(d, path);
	return d->slot[i] ? &d->e[d->slot[i] - 1] : NULL;
}

const struct rt_toml_val *rt_toml_get(const struct rt_toml *doc, const char *path)
{
	const struct ent *e = lookup(doc, path);
	return e ? &e->v : NULL;
}

/* Adds path (which must be new); NULL past the cap. */
static struct ent *add(struct rd *r, const char *path, enum rt_toml_type t)
{
	struct rt_toml *d = r->doc;
	if (d->n >= MAX_VALUES) {
		fail(r, "more than %u values", MAX_VALUES);
		return NULL;
	}
	if (2 * (d->n + 1) > d->nslot) {
		size_t ns = d->nslot ? 2 * d->nslot : 256;
		free(d->slot);
		d->slot = xcalloc(ns, sizeof(*d->slot));
		d->nslot = ns;
		for (size_t i = 0; i < d->n; i++)
			d->slot[find_slot(d, d->e[i].v.path)] = (uint32_t)i + 1;
	}
	d->e = xgrow(d->e, &d->cap, d->n + 1, sizeof(*d->e));
	struct ent *e = &d->e[d->n];
	memset(e, 0, sizeof(*e));
	e->v.path = strpool_str(d->pool, path);
	e->v.type = t;
	e->v.s = "";
	d->slot[find_slot(d, path)] = (uint32_t)++d->n;
	return e;
}

void rt_toml_free(struct rt_toml *doc)
{
	if (!doc)
		return;
	strpool_free(doc->pool);
	free(doc->e);
	free(doc->slot);
	free(doc);
}

/* Blanks (space, tab) on this line. */
static void skip_blank(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t'))
		r->p++;
}

/* Blanks, line breaks and comments (inside arrays). */
static void skip_space(struct rd *r)
{
	for (;;) {
		skip_blank(r);
		if (r->p < r->end && *r->p == '#') {
			while (r->p < r->end && *r->p != '\n')
				r->p++;
		} else if (r->p < r->end && *r->p == '\n') {
			r->p++;
			r->line++;
		} else if (r->end - r->p >= 2 && r->p[0] == '\r' && r->p[1] == '\n') {
			r->p += 2;
			r->line++;
		} else {
			return;
		}
	}
}

/* The end of a line: blanks, an optional comment, then a line break or the end. */
static int end_of_line(struct rd *r)
{
	skip_blank(r);
	if (r->p < r->end && *r->p == '#')
		while (r->p < r->end && *r->p != '\n')
			r->p++;
	if (r->p < r->end && *r->p == '\r')
		r->p++;
	if (r->p == r->end)
		return 0;
	if (*r->p != '\n')
		return fail(r, "unexpected text after the value");
	r->p++;
	r->line++;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Appends code point cp as UTF-8; -1 for a surrogate or one past U+10FFFF. */
static int put_utf8(struct buf *b, unsigned long cp)
{
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return -1;
	char o[4];
	size_t n;
	if (cp < 0x80) {
		o[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		o[0] = (char)(0xf0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_append(b, o, n);
	return 0;
}

/* A one-line string at r->p ('"' basic or '\'' literal) into out. 0 or -1. */
static int string(struct rd *r, struct buf *out)
{
	char q = *r->p;
	if (r->end - r->p >= 3 && r->p[1] == q && r->p[2] == q)
		return fail(r, "multi-line strings are not supported");
	r->p++;
	for (;;) {
		if (r->p >= r->end || *r->p == '\n')
			return fail(r, "a string is not closed on its line");
		char c = *r->p++;
		if (c == q)
			break;
		if ((unsigned char)c < 0x20 && c != '\t')
			return fail(r, "a control character in a string");
		if (c == 0x7f)
			return fail(r, "a control character in a string");
		if (c != '\\' || q == '\'') {
			buf_putc(out, c);
			continue;
		}
		if (r->p >= r->end)
			return fail(r, "a string is not closed on its line");
		char e = *r->p++;
		switch (e) {
		case 'b': buf_putc(out, '\b'); break;
		case 't': buf_putc(out, '\t'); break;
		case 'n': buf_putc(out, '\n'); break;
		case 'f': buf_putc(out, '\f'); break;
		case 'r': buf_putc(out, '\r'); break;
		case '"': buf_putc(out, '"'); break;
		case '\\': buf_putc(out, '\\'); break;
		case 'u':
		case 'U': {
			int k = e == 'u' ? 4 : 8;
			unsigned long cp = 0;
			if (r->end - r->p < k)
				return fail(r, "a cut \\%c escape", e);
			for (int i = 0; i < k; i++) {
				int h = hexval(r->p[i]);
				if (h < 0)
					return fail(r, "a bad \\%c escape", e);
				cp = cp * 16 + (unsigned long)h;
			}
			r->p += k;
			if (put_utf8(out, cp) != 0)
				return fail(r, "\\%c names no character", e);
			break;
		}
		default:
			return fail(r, "an unknown escape \\%c", (unsigned char)e >= 0x20 ? e : '?');
		}
	}
	return 0;
}

static int bare_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* One key segment (bare or quoted) into out. 0 or -1. */
static int key_segment(struct rd *r, struct buf *out)
{
	buf_reset(out);
	if (r->p < r->end && (*r->p == '"' || *r->p == '\'')) {
		if (string(r, out) != 0)
			return -1;
		if (!out->len)
			return fail(r, "an empty quoted key");
		/* Keys go into paths: the characters that separate them are not taken. */
		if (strpbrk(buf_str(out), ".[]") || memchr(out->p, '\0', out->len))
			return fail(r, "a quoted key holds '.', '[' or ']'");
		return 0;
	}
	const char *s = r->p;
	while (r->p < r->end && bare_char(*r->p))
		r->p++;
	if (r->p == s)
		return fail(r, "a key is expected");
	buf_append(out, s, (size_t)(r->p - s));
	return 0;
}

/* Joins prefix and key into out ("a.b" + "c"). -1 when too long. */
static int join(struct rd *r, char *out, const char *prefix, const char *key)
{
	int n = *prefix ? snprintf(out, MAX_PATH, "%s.%s", prefix, key)
			: snprintf(out, MAX_PATH, "%s", key);
	if (n < 0 || n >= MAX_PATH)
		return fail(r, "a key path over %d bytes", MAX_PATH - 1);
	return 0;
}

static int value(struct rd *r, const char *path, int depth);

/* An array at r->p ('[') stored at path. */
static int array(struct rd *r, const char *path, int depth)
{
	struct ent *a = add(r, path, RT_TOML_ARRAY);
	if (!a)
		return -1;
	size_t ai = (size_t)(a - r->doc->e);
	r->p++;
	int64_t count = 0;
	for (;;) {
		skip_space(r);
		if (r->p >= r->end)
			return fail(r, "an array is not closed");
		if (*r->p == ']') {
			r->p++;
			break;
		}
		char sub[MAX_PATH];
		int n = snprintf(sub, sizeof(sub), "%s[%lld]", path, (long long)count);
		if (n < 0 || (size_t)n >= sizeof(sub))
			return fail(r, "a key path over %d bytes", MAX_PATH - 1);
		if (value(r, sub, depth + 1) != 0)
			return -1;
		count++;
		skip_space(r);
		if (r->p >= r->end)
			return fail(r, "an array is not closed");
		if (*r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			break;
		}
		return fail(r, "',' or ']' is expected in an array");
	}
	r->doc->e[ai].v.i = count; /* a may have moved as the array grew */
	return 0;
}

/* An inline table at r->p ('{'), on one line, stored at path. */
static int inline_table(struct rd *r, const char *path, int depth)
{
	if (!add(r, path, RT_TOML_TABLE))
		return -1;
	r->p++;
	skip_blank(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return 0;
	}
	struct buf key = {0};
	int rc = -1;
	for (;;) {
		skip_blank(r);
		if (key_segment(r, &key) != 0)
			goto out;
		skip_blank(r);
		if (r->p < r->end && *r->p == '.') {
			fail(r, "dotted keys are not supported");
			goto out;
		}
		if (r->p >= r->end || *r->p != '=') {
			fail(r, "'=' is expected after a key");
			goto out;
		}
		r->p++;
		skip_blank(r);
		char sub[MAX_PATH];
		if (join(r, sub, path, buf_str(&key)) != 0)
			goto out;
		if (lookup(r->doc, sub)) {
			fail(r, "%.200s is defined twice", sub);
			goto out;
		}
		if (value(r, sub, depth + 1) != 0)
			goto out;
		skip_blank(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			break;
		}
		fail(r, "',' or '}' is expected in an inline table");
		goto out;
	}
	rc = 0;
out:
	buf_free(&key);
	return rc;
}

/* A decimal integer (no '_', no leading zeros, no base prefixes) into *out. */
static int integer(struct rd *r, int64_t *out)
{
	const char *s = r->p;
	int neg = 0;
	if (*r->p == '+' || *r->p == '-')
		neg = *r->p++ == '-';
	const char *d = r->p;
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
		r->p++;
	size_t n = (size_t)(r->p - d);
	if (!n)
		return fail(r, "a value is expected");
	if (r->p < r->end && (bare_char(*r->p) || *r->p == '.' || *r->p == ':'))
		return fail(r, "only strings, booleans, decimal integers, arrays and inline tables "
			       "are supported");
	if (n > 1 && d[0] == '0')
		return fail(r, "an integer with a leading zero");
	if (n > 18)
		return fail(r, "an integer too large");
	int64_t v = 0;
	for (const char *c = d; c < r->p; c++)
		v = v * 10 + (*c - '0');
	*out = neg ? -v : v;
	(void)s;
	return 0;
}

static int value(struct rd *r, const char *path, int depth)
{
	if (depth > MAX_DEPTH)
		return fail(r, "values nested deeper than %d", MAX_DEPTH);
	if (r->p >= r->end)
		return fail(r, "a value is expected");
	char c = *r->p;
	if (c == '"' || c == '\'') {
		struct buf s = {0};
		if (string(r, &s) != 0) {
			buf_free(&s);
			return -1;
		}
		struct ent *e = add(r, path, RT_TOML_STRING);
		if (e)
			e->v.s = strpool_copy(r->doc->pool, buf_str(&s), s.len);
		buf_free(&s);
		return e ? 0 : -1;
	}
	if (c == '[')
		return array(r, path, depth);
	if (c == '{')
		return inline_table(r, path, depth);
	if (r->end - r->p >= 4 && memcmp(r->p, "true", 4) == 0 &&
	    (r->end - r->p == 4 || !bare_char(r->p[4]))) {
		r->p += 4;
		struct ent *e = add(r, path, RT_TOML_BOOL);
		if (e)
			e->v.i = 1;
		return e ? 0 : -1;
	}
	if (r->end - r->p >= 5 && memcmp(r->p, "false", 5) == 0 &&
	    (r->end - r->p == 5 || !bare_char(r->p[5]))) {
		r->p += 5;
		return add(r, path, RT_TOML_BOOL) ? 0 : -1;
	}
	if (c == '+' || c == '-' || (c >= '0' && c <= '9')) {
		int64_t v = 0;
		if (integer(r, &v) != 0)
			return -1;
		struct ent *e = add(r, path, RT_TOML_INT);
		if (e)
			e->v.i = v;
		return e ? 0 : -1;
	}
	return fail(r, "only strings, booleans, decimal integers, arrays and inline tables are "
		       "supported");
}

/*
 * A [table] or [[array of tables]] header at r->p: the table it opens, as a path, into
 * cur. Each segment's table is created when missing; a segment that is an array of
 * tables stands for its last element.
 */
static int header(struct rd *r, char *cur)
{
	int aot = r->end - r->p >= 2 && r->p[1] == '[';
	r->p += aot ? 2 : 1;
	char path[MAX_PATH] = "";
	struct buf seg = {0};
	int rc = -1;
	for (;;) {
		skip_blank(r);
		if (key_segment(r, &seg) != 0)
			goto out;
		char next[MAX_PATH];
		if (join(r, next, path, buf_str(&seg)) != 0)
			goto out;
		skip_blank(r);
		int last = !(r->p < r->end && *r->p == '.');
		struct ent *e = lookup(r->doc, next);
		if (!last) {
			r->p++;
			if (!e) {
				if (!add(r, next, RT_TOML_TABLE))
					goto out;
			} else if (e->aot) {
				int n = snprintf(next + strlen(next), MAX_PATH - strlen(next),
						 "[%lld]", (long long)e->v.i - 1);
				if (n < 0 || strlen(next) >= MAX_PATH - 1) {
					fail(r, "a key path over %d bytes", MAX_PATH - 1);
					goto out;
				}
			} else if (e->v.type != RT_TOML_TABLE) {
				fail(r, "%.200s is a value, not a table", next);
				goto out;
			}
			memcpy(path, next, strlen(next) + 1);
			continue;
		}
		if (aot) {
			if (!e) {
				if (!(e = add(r, next, RT_TOML_ARRAY)))
					goto out;
				e->aot = 1;
			} else if (!e->aot) {
				fail(r, "%.200s is not an array of tables", next);
				goto out;
			}
			int64_t k = e->v.i++;
			int n = snprintf(cur, MAX_PATH, "%s[%lld]", next, (long long)k);
			if (n < 0 || n >= MAX_PATH) {
				fail(r, "a key path over %d bytes", MAX_PATH - 1);
				goto out;
			}
			if (!add(r, cur, RT_TOML_TABLE))
				goto out;
		} else {
			if (!e) {
				if (!(e = add(r, next, RT_TOML_TABLE)))
					goto out;
			} else if (e->v.type != RT_TOML_TABLE || e->explicit_table) {
				fail(r, "[%.200s] is defined twice", next);
				goto out;
			}
			e->explicit_table = 1;
			memcpy(cur, next, strlen(next) + 1);
		}
		break;
	}
	if (r->p >= r->end || *r->p != ']' || (aot && (r->end - r->p < 2 || r->p[1] != ']'))) {
		fail(r, "a table header is not closed");
		goto out;
	}
	r->p += aot ? 2 : 1;
	rc = end_of_line(r);
out:
	buf_free(&seg);
	return rc;
}

struct rt_toml *rt_toml_parse(const char *what, const char *body, size_t len, char *err,
			      size_t errlen)
{
	struct rt_toml *doc = xcalloc(1, sizeof(*doc));
	doc->pool = strpool_new();
	struct rd r = {doc, body, body + len, 1, what, err, errlen, 0};
	if (!body || !len) {
		rt_fail(err, errlen, "%s: empty", what);
		goto fail;
	}
	if (memchr(body, '\0', len) || !utf8_valid(body, len)) {
		rt_fail(err, errlen, "%s: not UTF-8 text", what);
		goto fail;
	}
	char cur[MAX_PATH] = "";
	struct buf key = {0};
	for (;;) {
		skip_space(&r);
		if (r.p >= r.end)
			break;
		if (*r.p == '[') {
			if (header(&r, cur) != 0)
				break;
			continue;
		}
		if (key_segment(&r, &key) != 0)
			break;
		skip_blank(&r);
		if (r.p < r.end && *r.p == '.') {
			fail(&r, "dotted keys are not supported");
			break;
		}
		if (r.p >= r.end || *r.p != '=') {
			fail(&r, "'=' is expected after a key");
			break;
		}
		r.p++;
		skip_blank(&r);
		char path[MAX_PATH];
		if (join(&r, path, cur, buf_str(&key)) != 0)
			break;
		if (lookup(doc, path)) {
			fail(&r, "%.200s is defined twice", path);
			break;
		}
		if (value(&r, path, 0) != 0 || end_of_line(&r) != 0)
			break;
	}
	buf_free(&key);
	if (r.failed)
		goto fail;
	return doc;
fail:
	rt_toml_free(doc);
	return NULL;
}
